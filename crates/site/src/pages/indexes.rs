//! `/tag/index.html` and the other index pages: every list of a kind, with its count.

use askama::Template;
use cablegate_publication::{ListKind, Publication};

use crate::layout::{common, tag_meaning, thousands, with_common, Common};
use crate::{Page, Result, Route};

struct Entry {
    href: String,
    label: String,
    count: String,
}

#[derive(Template)]
#[template(path = "index.html")]
struct Index {
    common: Common,
    heading: String,
    entries: Vec<Entry>,
}

with_common!(Index);

pub(crate) fn page(publication: &Publication, path: &str, kind: ListKind) -> Result<Page> {
    let heading = match kind {
        ListKind::ReleaseDay => "Release days",
        ListKind::Created => "By creation date",
        ListKind::Origin => "By origin",
        ListKind::Classification => "By classification",
        ListKind::Tag => "By tag",
    };
    let entries = publication
        .list_values(kind)?
        .into_iter()
        .map(|v| Entry {
            href: format!("{}/{}_0.html", kind.folder(), Route::list_key(kind, &v.value)),
            label: match (kind, tag_meaning(&v.value)) {
                (ListKind::Tag, Some(m)) => format!("{} ({m})", v.value),
                _ => v.value,
            },
            count: thousands(v.count),
        })
        .collect();
    let page = Index { common: common(publication, path), heading: heading.to_owned(), entries };
    Ok(Page::html(200, page.render()?))
}
