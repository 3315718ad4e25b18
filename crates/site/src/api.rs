//! The JSON API under `/api/`: a cable, a page of a list, the publication's counts, and its
//! OpenAPI description (`static/openapi.json`). Objects write their keys in alphabetical order.

use cablegate_publication::{KeyCount, List, ListKind, ListOrder, Listed, Publication, Timestamp};

use crate::pages::lists;
use crate::route::cable_href;
use crate::{Page, Result, PAGE_SIZE};

/// The OpenAPI description of `/api/`.
pub const OPENAPI: &str = include_str!("../static/openapi.json");

fn page(status: u16, body: String) -> Page {
    Page { status, content_type: "application/json", body: body.into_bytes(), location: None }
}

/// A JSON document as a page.
pub(crate) fn json(status: u16, value: serde_json::Value) -> Page {
    page(status, value.to_string())
}

/// `{"error": message}`.
pub(crate) fn error(status: u16, message: &str) -> Page {
    json(status, serde_json::json!({ "error": message }))
}

/// `/api/openapi.json`.
pub(crate) fn openapi() -> Page {
    page(200, OPENAPI.to_owned())
}

/// A cable in a list of `/api/`; fields in alphabetical order, as every other object of the
/// API writes them (`serde_json::Value` does).
#[derive(serde::Serialize)]
struct ListedJson<'a> {
    classification: &'a Option<String>,
    created: &'a Option<Timestamp>,
    href: String,
    origin: &'a Option<String>,
    reference_id: &'a str,
    released: &'a Timestamp,
    subject: &'a Option<String>,
}

fn listed_json(l: &Listed) -> ListedJson<'_> {
    ListedJson {
        classification: &l.classification,
        created: &l.created,
        href: format!("/{}", cable_href(&l.reference_id, l.created.as_deref())),
        origin: &l.origin,
        reference_id: &l.reference_id,
        released: &l.released,
        subject: &l.subject,
    }
}

/// `/api/tag/PREL_0.json`: a page of a list.
pub(crate) fn list(publication: &Publication, kind: ListKind, key: &str, page_number: u64) -> Result<Page> {
    let Some((list, heading)) = lists::resolve(publication, kind, key)? else {
        return Ok(error(404, "no such list"));
    };
    let (cables, count) =
        lists::listed(publication, &list, ListOrder::Created, page_number.saturating_mul(PAGE_SIZE), PAGE_SIZE)?;
    if count == 0 && list != List::Latest {
        return Ok(error(404, "no released cable is in this list"));
    }
    let pages = count.div_ceil(PAGE_SIZE).max(1);
    if page_number >= pages {
        return Ok(error(404, &format!("this list has {pages} pages")));
    }
    // written straight from the rows, not through a `serde_json::Value`; keys alphabetical
    #[derive(serde::Serialize)]
    struct ApiList<'a> {
        cables: Vec<ListedJson<'a>>,
        count: u64,
        page: u64,
        pages: u64,
        title: &'a str,
    }
    let cables = cables.iter().map(listed_json).collect();
    Ok(page(200, serde_json::to_string(&ApiList { cables, count, page: page_number, pages, title: &heading })?))
}

/// `/api/cable/REFID.json`: a cable as `cablegate parse` prints it, its page and its release.
pub(crate) fn cable(publication: &Publication, id: &str) -> Result<Page> {
    match publication.cable_released(id)? {
        Some((c, released)) => {
            // written straight from the cable, not through a `serde_json::Value` (a copy of every
            // string): a mirror writes 250,000 of these
            #[derive(serde::Serialize)]
            struct ApiCable<'a> {
                cable: &'a cablegate_cable::Cable,
                href: String,
                released: &'a str,
                /// the redaction ledger: passages withheld by the publisher, and since which build
                #[serde(skip_serializing_if = "Option::is_none")]
                withheld: Option<cablegate_publication::Withheld>,
            }
            let href = format!("/{}", cable_href(&c.reference_id, c.created.as_deref()));
            let withheld = publication.withheld(&c.reference_id)?;
            let body = serde_json::to_string(&ApiCable { cable: &c, href, released: &released, withheld })?;
            Ok(page(200, body))
        }
        None => Ok(error(404, &format!("no released cable {}", id.to_ascii_uppercase()))),
    }
}

/// `/api/stats.json`: the publication's number, time and counts.
pub(crate) fn stats(publication: &Publication) -> Result<Page> {
    let m = publication.manifest();
    let pairs = |rows: Vec<KeyCount>| -> serde_json::Map<String, serde_json::Value> {
        rows.into_iter().map(|r| (r.value, serde_json::Value::from(r.count))).collect()
    };
    Ok(json(
        200,
        serde_json::json!({
            "build": m.number,
            "made_at": m.made_at,
            "released": m.released,
            "total": m.total,
            "per_year": pairs(publication.per_year()?),
            "per_classification": pairs(publication.per_classification()?),
        }),
    ))
}
