//! The site's URL scheme, in one place: [`Route::parse`] reads a path, [`Route::href`] writes
//! it, [`Route::all`] lists every path a publication's mirror holds. The server, the export and
//! the link checker all ask it.

use cablegate_publication::{ListKind, Publication};

use crate::cite::CiteFormat;
use crate::layout::{slug, tag_slug};
use crate::PAGE_SIZE;

/// A page of the site, as its path names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`, `/index.html`: the latest release day.
    Home,
    /// `/feed.atom`: the latest releases.
    LatestFeed,
    /// `/search`, `/search.html`: results (the query string says what).
    Search,
    /// `/search.atom`: a search as a feed.
    SearchFeed,
    /// `/api/search`, `/api/search.json`.
    SearchApi,
    /// `/api/openapi.json`.
    OpenApi,
    /// `/api/stats.json`.
    ApiStats,
    /// `/releases.html`, `/stats.html`, `/help.html`, `/articles.html`.
    Releases,
    Stats,
    Help,
    Articles,
    /// `/static/cablegate.css`.
    Stylesheet,
    /// `/cable/YYYY/MM/REFID.html`: a cable (YYYY/MM of creation, `0000/00` without one).
    Cable {
        year: String,
        month: String,
        id: String,
    },
    /// `/cable/YYYY/MM/REFID.bib`, `.ris`, `.csl.json`: the cable's citation as a file.
    Citation {
        year: String,
        month: String,
        id: String,
        format: CiteFormat,
    },
    /// `/cable/REFID` in any spelling, or the release's number: a redirect to the cable.
    Lookup {
        id: String,
    },
    /// `/cable/YYYY/MM/REFID/diff_A_B.html`: versions A and B of a cable compared.
    Diff {
        year: String,
        month: String,
        id: String,
        a: u32,
        b: u32,
    },
    /// `/tag/index.html`, …: every list of a kind.
    Index(ListKind),
    /// `/tag/PREL_0.html`: page `page` (from 0) of a list, by its key (a slug or a date).
    List {
        kind: ListKind,
        key: String,
        page: u64,
    },
    /// `/tag/PREL.atom`: a list's latest releases (origins and tags).
    Feed {
        kind: ListKind,
        key: String,
    },
    /// `/api/cable/REFID.json`.
    ApiCable {
        id: String,
    },
    /// `/api/tag/PREL_0.json`: a page of a list as JSON.
    ApiList {
        kind: ListKind,
        key: String,
        page: u64,
    },
    /// A path under `/api/` that names no document of the API (`/api/KIND/…json` that names no
    /// page of a list, `/api/AAA/x.json`).
    ApiNoSuchList,
    /// Anything else.
    NotFound,
}

/// The pages of a mirror that no publication's data decides, in the order [`Route::all`] lists
/// them.
const FIXED: [Route; 10] = [
    Route::Home,
    Route::Releases,
    Route::Stats,
    Route::Help,
    Route::Articles,
    Route::Search,
    Route::LatestFeed,
    Route::Stylesheet,
    Route::OpenApi,
    Route::ApiStats,
];

/// `KEY_N` (the stem of `KEY_N.html`) as a key and a page number.
fn key_and_page(stem: &str) -> Option<(&str, u64)> {
    stem.rsplit_once('_').and_then(|(k, n)| Some((k, n.parse::<u64>().ok()?)))
}

impl Route {
    /// The route of a path from the site's root, without its query string.
    pub fn parse(path: &str) -> Route {
        let path = if path.is_empty() { "/" } else { path };
        if let Some(route) = Route::fixed(path) {
            return route;
        }
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let kind = |folder: &str| ListKind::from_folder(folder);
        match parts.as_slice() {
            ["cable", y, m, file] if file.ends_with(".html") => Route::Cable {
                year: (*y).to_owned(),
                month: (*m).to_owned(),
                id: file.trim_end_matches(".html").to_owned(),
            },
            ["cable", y, m, file] if CiteFormat::of(file).is_some() => {
                let (id, format) = CiteFormat::of(file).expect("a format");
                Route::Citation { year: (*y).to_owned(), month: (*m).to_owned(), id: id.to_owned(), format }
            }
            ["cable", id] => Route::Lookup { id: id.trim_end_matches(".html").to_owned() },
            ["cable", y, m, id, file] if file.starts_with("diff_") && file.ends_with(".html") => {
                let pair = file.trim_start_matches("diff_").trim_end_matches(".html");
                match pair.split_once('_').and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?))) {
                    Some((a, b)) => {
                        Route::Diff { year: (*y).to_owned(), month: (*m).to_owned(), id: (*id).to_owned(), a, b }
                    }
                    None => Route::NotFound,
                }
            }
            [folder, "index.html"] if kind(folder).is_some() => Route::Index(kind(folder).expect("a kind")),
            [folder, file] if file.ends_with(".atom") && kind(folder).is_some_and(ListKind::has_feeds) => {
                Route::Feed { kind: kind(folder).expect("a kind"), key: file.trim_end_matches(".atom").to_owned() }
            }
            ["api", "cable", file] if file.ends_with(".json") => {
                Route::ApiCable { id: file.trim_end_matches(".json").to_owned() }
            }
            ["api", folder, file] if file.ends_with(".json") && kind(folder).is_some() => {
                match key_and_page(file.trim_end_matches(".json")) {
                    Some((key, page)) => {
                        Route::ApiList { kind: kind(folder).expect("a kind"), key: key.to_owned(), page }
                    }
                    None => Route::ApiNoSuchList,
                }
            }
            // anything else under /api/ is no document of the API: its 404 is JSON too
            ["api", ..] => Route::ApiNoSuchList,
            [folder, file] if file.ends_with(".html") && kind(folder).is_some() => {
                match key_and_page(file.trim_end_matches(".html")) {
                    Some((key, page)) => Route::List { kind: kind(folder).expect("a kind"), key: key.to_owned(), page },
                    None => Route::NotFound,
                }
            }
            _ => Route::NotFound,
        }
    }

    /// The route of one of the paths that no publication's data decides (`/search`, `/help.html`,
    /// …), without allocating: what a server asks of every request.
    pub fn fixed(path: &str) -> Option<Route> {
        Some(match path {
            "/search" | "/search.html" => Route::Search,
            "/search.atom" => Route::SearchFeed,
            "/api/search" | "/api/search.json" => Route::SearchApi,
            "/" | "/index.html" => Route::Home,
            "/feed.atom" => Route::LatestFeed,
            "/api/openapi.json" => Route::OpenApi,
            "/api/stats.json" => Route::ApiStats,
            "/releases.html" => Route::Releases,
            "/stats.html" => Route::Stats,
            "/help.html" => Route::Help,
            "/articles.html" => Route::Articles,
            "/static/cablegate.css" => Route::Stylesheet,
            _ => return None,
        })
    }

    /// Whether the page at `path` reads the query string: only searches do, and they are all
    /// [fixed](Route::fixed) paths.
    pub fn path_reads_query(path: &str) -> bool {
        Route::fixed(path).is_some_and(|r| r.reads_query())
    }

    /// The route of a cable's page, from its published id and creation time.
    pub fn cable(reference_id: &str, created: Option<&str>) -> Route {
        let (y, m) = created.and_then(|c| Some((c.get(0..4)?, c.get(5..7)?))).unwrap_or(("0000", "00"));
        Route::Cable { year: y.to_owned(), month: m.to_owned(), id: reference_id.to_owned() }
    }

    /// The route's path from the site's root (`/cable/2009/04/09LONDON923.html`): the one path
    /// of the routes that several paths name (`/search.html` for `/search` too).
    /// [`NotFound`](Route::NotFound) and [`ApiNoSuchList`](Route::ApiNoSuchList) have none
    /// and give `/404.html`.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "/index.html".to_owned(),
            Route::LatestFeed => "/feed.atom".to_owned(),
            Route::Search => "/search.html".to_owned(),
            Route::SearchFeed => "/search.atom".to_owned(),
            Route::SearchApi => "/api/search".to_owned(),
            Route::OpenApi => "/api/openapi.json".to_owned(),
            Route::ApiStats => "/api/stats.json".to_owned(),
            Route::Releases => "/releases.html".to_owned(),
            Route::Stats => "/stats.html".to_owned(),
            Route::Help => "/help.html".to_owned(),
            Route::Articles => "/articles.html".to_owned(),
            Route::Stylesheet => "/static/cablegate.css".to_owned(),
            Route::Cable { year, month, id } => format!("/cable/{year}/{month}/{id}.html"),
            Route::Citation { year, month, id, format } => format!("/cable/{year}/{month}/{id}{}", format.extension()),
            Route::Lookup { id } => format!("/cable/{id}"),
            Route::Diff { year, month, id, a, b } => format!("/cable/{year}/{month}/{id}/diff_{a}_{b}.html"),
            Route::Index(kind) => format!("/{}/index.html", kind.folder()),
            Route::List { kind, key, page } => format!("/{}/{key}_{page}.html", kind.folder()),
            Route::Feed { kind, key } => format!("/{}/{key}.atom", kind.folder()),
            Route::ApiCable { id } => format!("/api/cable/{id}.json"),
            Route::ApiList { kind, key, page } => format!("/api/{}/{key}_{page}.json", kind.folder()),
            Route::ApiNoSuchList | Route::NotFound => "/404.html".to_owned(),
        }
    }

    /// Whether the page reads the query string (searches); every other page ignores it.
    pub fn reads_query(&self) -> bool {
        matches!(self, Route::Search | Route::SearchFeed | Route::SearchApi)
    }

    /// The key of a list's value in its paths: origins and classifications by slug
    /// (`embassy-london`), tags by tag slug (`PREL`), dates as they are.
    pub fn list_key(kind: ListKind, value: &str) -> String {
        match kind {
            ListKind::Origin | ListKind::Classification => slug(value),
            ListKind::Tag => tag_slug(value),
            ListKind::ReleaseDay | ListKind::Created => value.to_owned(),
        }
    }

    /// Every page of a publication's site that a static mirror holds: the pages every link of the
    /// site reaches, feeds, the JSON API, the stylesheet. Not the redirects (`/cable/REFID`) nor
    /// the pages of a query (`/search.html?q=…`).
    pub fn all(publication: &Publication) -> crate::Result<Vec<Route>> {
        let mut out = Vec::new();
        Route::each(publication, |r| out.push(r))?;
        Ok(out)
    }

    /// [`all`](Route::all), one route at a time, in the same order, none kept (a full-scale
    /// publication has 625,000 of them).
    pub fn each(publication: &Publication, mut f: impl FnMut(Route)) -> crate::Result<()> {
        FIXED.iter().cloned().for_each(&mut f);
        for kind in ListKind::ALL {
            f(Route::Index(kind));
            let mut seen = std::collections::HashSet::new();
            for value in publication.list_values(kind)? {
                let key = Route::list_key(kind, &value.value);
                // two values with one slug share their pages
                if !seen.insert(key.clone()) {
                    continue;
                }
                for page in 0..value.count.div_ceil(PAGE_SIZE).max(1) {
                    f(Route::List { kind, key: key.clone(), page });
                    f(Route::ApiList { kind, key: key.clone(), page });
                }
                if kind.has_feeds() {
                    f(Route::Feed { kind, key });
                }
            }
        }
        publication.each_cable_with_versions(|cable| {
            let Route::Cable { year, month, id } =
                Route::cable(&cable.link.reference_id, cable.link.created.as_deref())
            else {
                unreachable!("a cable's route")
            };
            for a in 1..cable.versions {
                for b in a + 1..=cable.versions {
                    f(Route::Diff { year: year.clone(), month: month.clone(), id: id.clone(), a, b });
                }
            }
            f(Route::Cable { year: year.clone(), month: month.clone(), id: id.clone() });
            f(Route::ApiCable { id: id.clone() });
            for format in CiteFormat::ALL {
                f(Route::Citation { year: year.clone(), month: month.clone(), id: id.clone(), format });
            }
        })?;
        Ok(())
    }
}

/// The page of a cable relative to the site's root: `cable/YYYY/MM/REFID.html` (YYYY/MM of
/// creation); what links write after the page's `root`.
pub fn cable_href(reference_id: &str, created: Option<&str>) -> String {
    let mut href = Route::cable(reference_id, created).href();
    href.remove(0);
    href
}
