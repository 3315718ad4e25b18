//! Atom feeds: the latest releases (`/feed.atom`), or those of an origin or a tag
//! (`/tag/PREL.atom`); the search feed (`/search.atom`) shares their template.

use askama::Template;
use cablegate_publication::{List, ListKind, ListOrder, Publication, Timestamp};

use crate::layout::root_of;
use crate::pages::{lists, not_found};
use crate::route::cable_href;
use crate::{Page, Result};

pub(crate) struct FeedEntry {
    pub reference_id: String,
    pub subject: String,
    pub created: Option<Timestamp>,
    pub released: Timestamp,
    pub classification: String,
    pub origin: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
pub(crate) struct Feed {
    pub root: String,
    pub title: String,
    pub id: String,
    pub updated: Timestamp,
    pub alternate: String,
    pub entries: Vec<FeedEntry>,
}

impl Feed {
    pub(crate) fn page(&self) -> Result<Page> {
        Ok(Page {
            status: 200,
            content_type: "application/atom+xml; charset=utf-8",
            body: self.render()?.into_bytes(),
            location: None,
        })
    }
}

/// `/feed.atom`: the latest releases.
pub(crate) fn latest(publication: &Publication, path: &str) -> Result<Page> {
    let root = root_of(path);
    let alternate = format!("{root}index.html");
    feed(publication, &List::Latest, root, "Latest releases", "latest", "", alternate)
}

/// `/tag/PREL.atom`, `/origin/embassy-london.atom`: a list's latest releases.
pub(crate) fn list(publication: &Publication, path: &str, kind: ListKind, key: &str) -> Result<Page> {
    let Some((list, heading)) = lists::resolve(publication, kind, key)? else {
        return Ok(not_found::page(publication, path, format!("There is no feed {path}.")));
    };
    let root = root_of(path);
    let alternate = format!("{root}{}/{key}_0.html", kind.folder());
    feed(publication, &list, root, &heading, kind.folder(), key, alternate)
}

/// The feed of `list`'s 50 latest releases; `kind` and `key` make its Atom id.
fn feed(
    publication: &Publication,
    list: &List,
    root: String,
    heading: &str,
    kind: &str,
    key: &str,
    alternate: String,
) -> Result<Page> {
    let (cables, _) = lists::listed(publication, list, ListOrder::Released, 0, 50)?;
    let updated = cables.first().map(|l| l.released.clone()).unwrap_or_else(|| publication.manifest().made_at.clone());
    let entries = cables
        .iter()
        .map(|l| FeedEntry {
            href: cable_href(&l.reference_id, l.created.as_deref()),
            subject: l.subject.clone().unwrap_or_default(),
            created: l.created.clone(),
            classification: l.classification.clone().unwrap_or_default(),
            origin: l.origin.clone().unwrap_or_default(),
            released: l.released.clone(),
            reference_id: l.reference_id.clone(),
        })
        .collect();
    Feed {
        root,
        title: format!("cablegate: {heading}"),
        id: format!("tag:cablegate,2010:{kind}:{key}"),
        updated,
        alternate,
        entries,
    }
    .page()
}
