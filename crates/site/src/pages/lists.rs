//! The home page and the pages of each list (`/tag/PREL_0.html`, `/origin/embassy-london_3.html`,
//! `/date/2009-04_0.html`, …): fifty cables a page, newest created first.

use std::rc::Rc;

use askama::Template;
use cablegate_cable::tags::Kind as TagKind;
use cablegate_publication::{List, ListKind, ListOrder, Listed, Publication};

use crate::cache::Cache;
use crate::layout::{common, rows, tag_meaning, thousands, with_common, Common, Row};
use crate::pages::not_found;
use crate::{Page, Result, PAGE_SIZE};

/// The list that the pages of `kind` and `key` show and its heading; `None` when no list has
/// them (a key that is no day, month or year; a slug of no origin, classification or tag).
pub(crate) fn resolve(publication: &Publication, kind: ListKind, key: &str) -> Result<Option<(List, String)>> {
    let heading = match kind {
        ListKind::ReleaseDay if key.len() == 10 => format!("Released {key}"),
        ListKind::Created if key.len() == 7 => format!("Created {key}"),
        ListKind::Created if key.len() == 4 => format!("Created in {key}"),
        ListKind::ReleaseDay | ListKind::Created => return Ok(None),
        ListKind::Origin | ListKind::Classification | ListKind::Tag => {
            let Some(value) = Cache::of(publication).unslug(publication, kind, key)? else { return Ok(None) };
            let heading = match kind {
                ListKind::Origin => format!("Origin: {value}"),
                ListKind::Classification => format!("Classification: {value}"),
                _ => format!("Tag: {value}"),
            };
            return Ok(Some((List::Of(kind, value), heading)));
        }
    };
    Ok(Some((List::Of(kind, key.to_owned()), heading)))
}

/// Cables of `list` in `order`: the `limit` from `offset` on, and how many the list has.
pub(crate) fn listed(
    publication: &Publication,
    list: &List,
    order: ListOrder,
    offset: u64,
    limit: u64,
) -> Result<(Rc<Vec<Listed>>, u64)> {
    let ids = Cache::of(publication).order(publication, list, order)?;
    let count = ids.len() as u64;
    let page: &[i64] = ids.get(offset as usize..).map(|rest| &rest[..rest.len().min(limit as usize)]).unwrap_or(&[]);
    // a page's rows in one statement; the publication keeps them for the page's JSON twin
    Ok((publication.listed(page)?, count))
}

/// The country of a post (`Embassy London` -> United Kingdom), read off its cables: the
/// geographic tag that at least half of them carry. Only for embassies and consulates.
fn origin_country(publication: &Publication, origin: &str) -> Result<Option<&'static str>> {
    if !(origin.starts_with("Embassy ") || origin.starts_with("Consulate ")) {
        return Ok(None);
    }
    // every page of a post's list shows it: read once per publication and post
    Cache::of(publication).country(origin, || {
        let (total, top) = publication.country_tags_of(origin, 3)?;
        Ok(top.into_iter().find(|t| t.count * 2 >= total && t.value != "US").and_then(|t| tag_meaning(&t.value)))
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    common: Common,
    latest_day: Option<String>,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "listing.html")]
struct Listing {
    common: Common,
    heading: String,
    note: String,
    count: String,
    rows: Vec<Row>,
    base: String,
    page: u64,
    pages: u64,
    pager: Vec<u64>,
}

with_common!(Home, Listing);

/// The home page: the cables of the latest release day (up to 200), newest created first.
pub(crate) fn home(publication: &Publication, path: &str) -> Result<Page> {
    let day = publication.latest_release_day()?;
    let list = match &day {
        Some(d) => listed(publication, &List::Of(ListKind::ReleaseDay, d.clone()), ListOrder::Created, 0, 200)?.0,
        None => Default::default(),
    };
    let page = Home { common: common(publication, path), latest_day: day, rows: rows(&list) };
    Ok(Page::html(200, page.render()?))
}

/// What a list's page says of its value: what a tag means, where a post is.
fn note(publication: &Publication, list: &List) -> Result<String> {
    Ok(match list {
        List::Of(ListKind::Tag, tag) => match (tag_meaning(tag), cablegate_cable::tags::kind(tag)) {
            (Some(m), _) => format!("{tag}: {m}."),
            (None, TagKind::Subject) => format!("{tag} is one of the standard subject tags."),
            (None, TagKind::Organization) => format!("{tag} is the tag of an organization."),
            (None, TagKind::Person) => format!("{tag} is the tag of a person."),
            (None, TagKind::Geographic) => format!("{tag} is a geographic tag."),
            (None, TagKind::Other) => String::new(),
        },
        List::Of(ListKind::Origin, origin) => origin_country(publication, origin)?
            .map(|c| format!("{origin}, {c}: a post of the United States."))
            .unwrap_or_default(),
        _ => String::new(),
    })
}

/// Page `page` (from 0) of the list of `kind` and `key`.
pub(crate) fn page(publication: &Publication, path: &str, kind: ListKind, key: &str, page: u64) -> Result<Page> {
    let Some((list, heading)) = resolve(publication, kind, key)? else {
        let message = if kind.is_slugged() {
            format!("No released cable has this {}.", kind.folder())
        } else {
            format!("There is no page {path}.")
        };
        return Ok(not_found::page(publication, path, message));
    };
    let note = note(publication, &list)?;
    let (cables, count) = listed(publication, &list, ListOrder::Created, page.saturating_mul(PAGE_SIZE), PAGE_SIZE)?;
    // a list of no cable is no page (`/date/2009-13_0.html`): the mirror holds none either
    if count == 0 && list != List::Latest {
        return Ok(not_found::page(publication, path, format!("No released cable is listed under {path}.")));
    }
    let pages = count.div_ceil(PAGE_SIZE).max(1);
    if page >= pages {
        return Ok(not_found::page(publication, path, format!("This list has {pages} pages.")));
    }
    let pager = (page.saturating_sub(4)..(page + 5).min(pages)).collect();
    let listing = Listing {
        common: common(publication, path),
        heading,
        note,
        count: thousands(count),
        rows: rows(&cables),
        base: key.to_owned(),
        page,
        pages,
        pager,
    };
    Ok(Page::html(200, listing.render()?))
}
