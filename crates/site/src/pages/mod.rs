//! One module per kind of page, and the dispatch from a [`Route`] to the page that renders it.

pub(crate) mod articles;
pub(crate) mod cable;
pub(crate) mod feeds;
pub(crate) mod help;
pub(crate) mod indexes;
pub(crate) mod lists;
pub(crate) mod not_found;
pub(crate) mod releases;
pub(crate) mod stats;

use cablegate_publication::Publication;

use crate::{api, search, Page, Result, Route};

/// The page of `route`, whose path is `path` (pages compute their depth from it) and whose
/// query string is `query` (only searches read it).
pub(crate) fn render(publication: &Publication, route: &Route, path: &str, query: &str) -> Result<Page> {
    match route {
        Route::Search => search::page(publication, path, query),
        Route::SearchFeed => search::feed(publication, path, query),
        Route::SearchApi => search::api(publication, query),
        Route::Home => lists::home(publication, "/index.html"),
        Route::LatestFeed => feeds::latest(publication, path),
        Route::OpenApi => Ok(api::openapi()),
        Route::ApiStats => api::stats(publication),
        Route::Releases => releases::page(publication, path),
        Route::Stats => stats::page(publication, path),
        Route::Help => help::page(publication, path),
        Route::Articles => articles::page(publication, path),
        Route::Stylesheet => Ok(Page {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: crate::STYLESHEET.as_bytes().to_vec(),
            location: None,
        }),
        Route::Cable { id, .. } => cable::page(publication, path, id),
        Route::Citation { id, format, .. } => crate::cite::download(publication, path, id, *format),
        Route::Lookup { id } => cable::lookup(publication, path, id),
        Route::Diff { id, a, b, .. } => cable::diff(publication, path, id, *a, *b),
        Route::Index(kind) => indexes::page(publication, path, *kind),
        Route::List { kind, key, page } => lists::page(publication, path, *kind, key, *page),
        Route::Feed { kind, key } => feeds::list(publication, path, *kind, key),
        Route::ApiCable { id } => api::cable(publication, id),
        Route::ApiList { kind, key, page } => api::list(publication, *kind, key, *page),
        Route::ApiNoSuchList => Ok(api::error(404, "no such list")),
        Route::NotFound => Ok(not_found::page(publication, path, format!("There is no page {path}."))),
    }
}
