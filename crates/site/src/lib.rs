//! The public website: every page is a pure function of a publication and a path.
//!
//! [`render`] maps a path of the original site (`/cable/2009/04/09LONDON923.html`,
//! `/tag/PREL_0.html`, …) to a page. The server calls it for each request and the static export
//! calls it for each file, so they cannot drift apart. Links are relative (`../../tag/…`), so the
//! pages work under any path prefix and opened from disk. Every piece of cable text goes through
//! askama's HTML escaping.
//!
//! The house: [`Route`] is the URL scheme (parse a path, make an href, list every path of a
//! publication); `pages/` holds one module per kind of page, [`api`] the JSON API and
//! [`search`] the results pages; [`Cache`] is what pages of one publication compute once and
//! share. Pages ask the [`Publication`] typed questions: this crate holds no SQL.
//!
//! **Architecture Invariant:** pages are pure functions of a publication: this crate reads
//! nothing but the [`Publication`] it is given (no clock, no archive, no environment).

pub mod api;
mod cache;
mod cite;
mod layout;
mod pages;
mod route;
pub mod search;

use cablegate_publication::Publication;

pub use api::OPENAPI;
pub use cache::{prepare_lists, Cache};
pub use cite::CiteFormat;
pub use layout::{short_time, slug, tag_meaning, tag_slug, thousands, STYLESHEET};
pub use pages::not_found::mirror_not_found;
pub use route::{cable_href, Route};

/// Rows per listing page, as on the original site.
pub const PAGE_SIZE: u64 = 50;

/// What can go wrong while a page renders: the publication could not be read, or a template or
/// a JSON document could not be written. (A missing cable or list is no error: it is a 404 page.)
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Publication(#[from] cablegate_publication::Error),
    #[error(transparent)]
    Search(#[from] cablegate_search::Error),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A rendered page, or a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Where a redirect points (a path from the site's root).
    pub location: Option<String>,
}

impl Page {
    fn html(status: u16, body: String) -> Page {
        Page { status, content_type: "text/html; charset=utf-8", body: body.into_bytes(), location: None }
    }
    /// A search that named a cable: go there (303, the answer to this query may change).
    fn see_other(to: String) -> Page {
        Page { status: 303, ..Page::redirect(to) }
    }
    fn redirect(to: String) -> Page {
        Page {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: format!("moved to {to}\n").into_bytes(),
            location: Some(to),
        }
    }
    /// A page that could not be made: the reason goes to the log, never to the reader (it
    /// names the server's files).
    fn internal(e: impl std::fmt::Display) -> Page {
        tracing::error!(error = %e, "a page could not be rendered");
        Page {
            status: 500,
            content_type: "text/plain; charset=utf-8",
            body: b"internal error: the page could not be made; try again later\n".to_vec(),
            location: None,
        }
    }
}

/// Every page of a publication's site that a static mirror holds, as paths from the root (see
/// [`Route::all`]).
pub fn paths(publication: &Publication) -> Result<Vec<String>> {
    let mut out = Vec::new();
    Route::each(publication, |r| out.push(r.href()))?;
    Ok(out)
}

/// The longest path and the most `/` of a path that can be a page of the site; longer or deeper
/// ones are a plain 404.
pub const MAX_PATH: usize = 512;
pub const MAX_DEPTH: usize = 8;

/// Renders the page at `path` (from the site's root: `/`, `/index.html`, `/cable/…`), which may
/// end in a query string (only searches read it).
pub fn render(publication: &Publication, path: &str) -> Page {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = if path.is_empty() { "/" } else { path };
    // no page of the site is this long or this deep: answer without echoing it (a 404 repeats
    // its depth in every link, and a 60 KB path made a 1.7 MB page)
    if path.len() > MAX_PATH || path.matches('/').count() > MAX_DEPTH {
        // under /api/, a 404 is JSON like every answer of the API (schemathesis found an HTML one)
        if path.starts_with("/api/") {
            return api::error(404, "no such document");
        }
        return pages::not_found::page(publication, "/", "There is no such page.".to_owned());
    }
    pages::render(publication, &Route::parse(path), path, query).unwrap_or_else(|e| match e {
        // a build of layout 1: said as it is, for it names nothing of the server
        Error::Publication(e @ cablegate_publication::Error::NoSearch(_)) => Page {
            status: 503,
            content_type: "text/plain; charset=utf-8",
            body: format!("{e}\n").into_bytes(),
            location: None,
        },
        e => Page::internal(e),
    })
}
