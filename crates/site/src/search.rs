//! `/search`, `/search.atom` and `/api/search`: one query, run once, shown three ways. The query
//! stays in the URL (`search?q=…&sort=…&page=…`), so every result list is a permalink.

use askama::Template;
use cablegate_publication::Publication;
use cablegate_search::{Options, Parsed, Results, Snippet, Sort};

use crate::layout::{common, root_of, short_time, tag_meaning, thousands, Common};
use crate::pages::feeds::{Feed, FeedEntry};
use crate::{cable_href, Page, Result};

/// Results per page.
pub const PER_PAGE: usize = 20;
/// The last page of results a search gives: the 10,000th result
/// ([`cablegate_search::MAX_RESULTS`]). A deeper page is a 400 that says so.
pub const MAX_PAGE: usize = cablegate_search::MAX_RESULTS / PER_PAGE;
/// Snippets per hit.
const SNIPPETS: usize = 3;

/// A search as the URL gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub q: String,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
}

impl Request {
    /// Reads `q`, `sort` and `page` from a query string; anything odd falls back to the default.
    /// The query keeps no control character (none means anything in a search, and XML cannot
    /// hold them) and one character more than a query is read to, so that the reader is told
    /// it was cut, and no page repeats a longer one in each of its links.
    pub fn from_query(query: &str) -> Request {
        let mut r = Request { page: 1, ..Request::default() };
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "q" => {
                    r.q = v
                        .chars()
                        .map(|c| if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') { ' ' } else { c })
                        .take(cablegate_search::MAX_QUERY_CHARS + 1)
                        .collect();
                }
                "sort" => r.sort = Sort::parse(&v).unwrap_or_default(),
                "page" => {
                    r.page = v
                        .parse()
                        .unwrap_or(if v.bytes().all(|b| b.is_ascii_digit()) && !v.is_empty() { usize::MAX } else { 1 })
                        .max(1);
                }
                _ => {}
            }
        }
        r
    }

    /// `search?q=…` for this query (another query, sort or page), relative to the site's root.
    fn href(&self, base: &str, q: &str, sort: Sort, page: usize) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", q);
        if sort != Sort::Relevance {
            s.append_pair("sort", sort.name());
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        format!("{base}?{}", s.finish())
    }
}

/// One result as every form shows it: the cable as listings show it, its page, its snippets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub cable: cablegate_publication::Listed,
    /// The cable's page, from the site's root.
    pub href: String,
    pub snippets: Vec<Snippet>,
}

/// A query's answer: what was understood and the page of results asked for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Answer {
    pub query: String,
    pub reading: String,
    pub warnings: Vec<String>,
    pub sort: Sort,
    pub page: usize,
    pub pages: usize,
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: cablegate_search::Facets,
    /// Stopped by its time budget: the hits and counts are those found by then (a warning says so).
    pub partial: bool,
}

/// What a search comes to: a cable (the query was its reference id) or an answer.
pub enum Outcome {
    Cable(String),
    Answer(Box<Answer>),
}

/// A search's time budget in milliseconds: [`cablegate_search::BUDGET`] unless the server was
/// told otherwise ([`set_budget`]).
static BUDGET_MS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(cablegate_search::BUDGET.as_millis() as u64);

/// Sets the time every search of this process may take (`cablegate serve --search-budget`).
pub fn set_budget(budget: std::time::Duration) {
    BUDGET_MS.store(budget.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
}

fn budget() -> std::time::Duration {
    std::time::Duration::from_millis(BUDGET_MS.load(std::sync::atomic::Ordering::Relaxed))
}

/// Runs a search over a publication. `facets`: count facets and months (the page and the API do).
pub fn run(publication: &Publication, req: &Request, facets: bool) -> Result<Outcome> {
    let parsed: Parsed = cablegate_search::parse(&req.q);
    if let Some(id) = &parsed.id {
        if let Some(found) = publication.find(id)? {
            return Ok(Outcome::Cable(cable_href(&found.reference_id, found.created.as_deref())));
        }
    }
    let index = publication.search()?;
    let offset = (req.page - 1).saturating_mul(PER_PAGE);
    let results: Results = if parsed.is_empty() {
        Results::default()
    } else {
        index.search(&parsed, &Options { sort: req.sort, offset, limit: PER_PAGE, facets, budget: Some(budget()) })?
    };
    // the hits as stored, read here (a publication's connection stays on its thread); then parsed and
    // cut into snippets on two threads, half each: on a machine of two cores, that was half of a
    // results page's time
    let mut stored = Vec::with_capacity(results.hits.len());
    for h in &results.hits {
        if let Some(s) = publication.stored_by_key(h.key)? {
            stored.push(s);
        }
    }
    let highlighter = index.highlighter(&parsed);
    let hit = |s: cablegate_publication::Stored| {
        let (c, released) = s.parse();
        let snippets = highlighter.snippets(c.paragraphs.iter().map(|p| (p.number, p.text.as_str())), SNIPPETS);
        Hit {
            href: cable_href(&c.reference_id, c.created.as_deref()),
            cable: cablegate_publication::Listed {
                reference_id: c.reference_id,
                subject: c.subject,
                created: c.created,
                released,
                classification: c.classification,
                origin: c.origin,
            },
            snippets,
        }
    };
    // (rayon's pool: its threads are started once, not at every page)
    let later = stored.split_off(stored.len().div_ceil(2));
    let (mut hits, later): (Vec<Hit>, Vec<Hit>) =
        rayon::join(|| stored.into_iter().map(hit).collect(), || later.into_iter().map(hit).collect());
    hits.extend(later);
    let mut warnings = parsed.warnings.clone();
    if parsed.is_empty() && !req.q.trim().is_empty() {
        warnings.push("nothing to search for: type words, a \"phrase\" or a field like tag:PREL".to_owned());
    }
    if results.partial {
        warnings.push(format!(
            "this search took longer than its {} s and was stopped: the cables and counts shown are those it found by then; \
             narrow it (fewer words, no leading *) for all of them",
            budget().as_secs_f64()
        ));
    }
    Ok(Outcome::Answer(Box::new(Answer {
        query: req.q.clone(),
        reading: parsed.reading(),
        warnings,
        sort: req.sort,
        page: req.page,
        pages: (results.total as usize).div_ceil(PER_PAGE).max(1),
        total: results.total,
        hits,
        facets: results.facets,
        partial: results.partial,
    })))
}

struct FacetLink {
    label: String,
    count: String,
    href: String,
}

struct FacetBox {
    title: &'static str,
    links: Vec<FacetLink>,
}

struct Bar {
    /// Height out of 80, 0 for an empty month.
    height: u32,
    label: String,
    href: String,
}

struct Histogram {
    bars: Vec<Bar>,
    first: String,
    last: String,
    max: String,
    unit: &'static str,
}

struct HitView {
    hit: Hit,
    created: String,
    released: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    common: Common,
    a: Answer,
    hits: Vec<HitView>,
    matches: String,
    sorts: Vec<(&'static str, String, bool)>,
    facets: Vec<FacetBox>,
    histogram: Option<Histogram>,
    pager: Vec<(usize, String)>,
    prev: Option<String>,
    next: Option<String>,
    feed: String,
    /// The page of a static mirror, which has no search server.
    mirror: bool,
}

impl std::ops::Deref for SearchPage {
    type Target = Common;
    fn deref(&self) -> &Common {
        &self.common
    }
}

/// A facet value as a clause to add to the query.
fn refine(q: &str, field: &str, value: &str) -> String {
    let v = if value.contains(|c: char| !c.is_ascii_alphanumeric() && c != '-') {
        format!("\"{}\"", value.replace('"', ""))
    } else {
        value.to_owned()
    };
    format!("{} {field}:{v}", q.trim())
}

/// Pages to link around the current one: the first, the last and the two on either side.
fn pager_pages(page: usize, pages: usize) -> Vec<usize> {
    let mut out: Vec<usize> = vec![1];
    out.extend(page.saturating_sub(2).max(2)..=(page + 2).min(pages));
    if pages > 1 {
        out.push(pages);
    }
    out.sort();
    out.dedup();
    out
}

/// Bars per month over the matches' span, or per year when it is longer than ten years; each
/// bar narrows the query to its month or year.
fn histogram(req: &Request, months: &[(u32, u64)]) -> Option<Histogram> {
    let (&(first, _), &(last, _)) = (months.first()?, months.last()?);
    let by_year = last / 100 - first / 100 >= 10;
    let mut buckets: Vec<(String, u64)> = Vec::new();
    if by_year {
        for y in first / 100..=last / 100 {
            let n = months.iter().filter(|m| m.0 / 100 == y).map(|m| m.1).sum();
            buckets.push((y.to_string(), n));
        }
    } else {
        let mut m = first;
        while m <= last {
            let n = months.iter().find(|x| x.0 == m).map(|x| x.1).unwrap_or(0);
            buckets.push((format!("{}-{:02}", m / 100, m % 100), n));
            m = if m % 100 == 12 { (m / 100 + 1) * 100 + 1 } else { m + 1 };
        }
    }
    let max = buckets.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let bars = buckets
        .iter()
        .map(|(label, n)| Bar {
            height: if *n == 0 { 0 } else { ((n * 80).div_ceil(max)) as u32 },
            href: req.href("search.html", &refine(&req.q, "created", label), req.sort, 1),
            label: format!("{label}: {} {}", thousands(*n), if *n == 1 { "cable" } else { "cables" }),
        })
        .collect();
    Some(Histogram {
        bars,
        first: buckets.first()?.0.clone(),
        last: buckets.last()?.0.clone(),
        max: thousands(max),
        unit: if by_year { "year" } else { "month" },
    })
}

/// The answer to a page of results past the last one a search gives.
const TOO_DEEP: &str = "results stop at the 10,000th (page 500): narrow the search with more words, a field (tag:, origin:) or a date (created:2009)";

/// Whether the search a query string asks for is costly to run (many words, OR, prefixes):
/// what the server's search lanes are chosen by.
pub fn is_costly(query: &str) -> bool {
    cablegate_search::parse(&Request::from_query(query).q).is_costly()
}

/// `/search?q=…`: the results page.
pub fn page(publication: &Publication, path: &str, query: &str) -> Result<Page> {
    let req = Request::from_query(query);
    if req.page > MAX_PAGE {
        return crate::pages::not_found::bad_request(publication, path, TOO_DEEP);
    }
    let a = match run(publication, &req, true)? {
        Outcome::Cable(href) => return Ok(Page::see_other(format!("/{href}"))),
        Outcome::Answer(a) => *a,
    };
    let link = |q: &str, sort: Sort, page: usize| req.href("search.html", q, sort, page);
    let sorts = [Sort::Relevance, Sort::Newest, Sort::Oldest]
        .into_iter()
        .map(|s| (s.name(), link(&a.query, s, 1), s == a.sort))
        .collect();
    let boxes = [
        ("Origin", "origin", &a.facets.origin),
        ("Tag", "tag", &a.facets.tag),
        ("Classification", "classification", &a.facets.classification),
    ];
    let mut facets: Vec<FacetBox> = boxes
        .into_iter()
        .map(|(title, field, list)| FacetBox {
            title,
            links: list
                .iter()
                .take(12)
                .map(|(v, n)| FacetLink {
                    label: match (field, tag_meaning(v)) {
                        ("tag", Some(m)) => format!("{v} ({m})"),
                        _ => v.clone(),
                    },
                    count: thousands(*n),
                    href: link(&refine(&a.query, field, v), a.sort, 1),
                })
                .collect(),
        })
        .collect();
    facets.push(FacetBox {
        title: "Year",
        links: a
            .facets
            .year
            .iter()
            .map(|(y, n)| FacetLink {
                label: y.to_string(),
                count: thousands(*n),
                href: link(&refine(&a.query, "created", &y.to_string()), a.sort, 1),
            })
            .collect(),
    });
    facets.retain(|f| !f.links.is_empty());
    let pager = if a.pages > 1 {
        pager_pages(a.page, a.pages).into_iter().map(|p| (p, link(&a.query, a.sort, p))).collect()
    } else {
        Vec::new()
    };
    let page = SearchPage {
        common: common(publication, path),
        hits: a
            .hits
            .iter()
            .cloned()
            .map(|hit| HitView {
                created: hit.cable.created.as_deref().map(short_time).unwrap_or_default(),
                released: short_time(&hit.cable.released),
                hit,
            })
            .collect(),
        matches: thousands(a.total),
        sorts,
        facets,
        histogram: histogram(&req, &a.facets.month),
        prev: (a.page > 1 && a.page <= a.pages).then(|| link(&a.query, a.sort, a.page - 1)),
        next: (a.page < a.pages).then(|| link(&a.query, a.sort, a.page + 1)),
        pager,
        feed: req.href("search.atom", &a.query, Sort::Relevance, 1),
        mirror: false,
        a,
    };
    let status = if page.a.page > page.a.pages { 404 } else { 200 };
    Ok(Page::html(status, page.render()?))
}

/// `search.html` of a static mirror: the search box, and where to search, since a mirror has no
/// search server.
pub fn mirror_page(publication: &Publication) -> Result<Page> {
    let a = Answer {
        query: String::new(),
        reading: String::new(),
        warnings: Vec::new(),
        sort: Sort::Relevance,
        page: 1,
        pages: 1,
        total: 0,
        hits: Vec::new(),
        facets: Default::default(),
        partial: false,
    };
    let page = SearchPage {
        common: common(publication, "/search.html"),
        a,
        hits: Vec::new(),
        matches: String::new(),
        sorts: Vec::new(),
        facets: Vec::new(),
        histogram: None,
        pager: Vec::new(),
        prev: None,
        next: None,
        feed: String::new(),
        mirror: true,
    };
    Ok(Page::html(200, page.render()?))
}

/// What `/api/search` and `cablegate search --json` print: the answer, or the cable a reference
/// id names; hrefs from the root, as the rest of the API gives them.
pub fn json(req: &Request, outcome: Outcome) -> serde_json::Value {
    match outcome {
        Outcome::Cable(href) => serde_json::json!({ "query": req.q, "cable": format!("/{href}") }),
        Outcome::Answer(a) => {
            let mut v = serde_json::to_value(&*a).expect("an answer serialises");
            if let Some(hits) = v.get_mut("hits").and_then(|h| h.as_array_mut()) {
                for h in hits {
                    if let Some(serde_json::Value::String(href)) = h.get_mut("href") {
                        href.insert(0, '/');
                    }
                }
            }
            v
        }
    }
}

/// `/api/search?q=…`: the same answer as JSON.
pub fn api(publication: &Publication, query: &str) -> Result<Page> {
    let req = Request::from_query(query);
    if req.page > MAX_PAGE {
        return Ok(crate::api::error(400, TOO_DEEP));
    }
    let outcome = run(publication, &req, true)?;
    Ok(crate::api::json(200, json(&req, outcome)))
}

/// `/search.atom?q=…`: the latest released cables matching a query, to follow a topic.
pub fn feed(publication: &Publication, path: &str, query: &str) -> Result<Page> {
    let mut req = Request::from_query(query);
    req.sort = Sort::Released;
    req.page = 1;
    let a = match run(publication, &req, false)? {
        Outcome::Cable(href) => return Ok(Page::see_other(format!("/{href}"))),
        Outcome::Answer(a) => *a,
    };
    let entries = a
        .hits
        .into_iter()
        .map(|h| FeedEntry {
            href: h.href,
            subject: h.cable.subject.unwrap_or_default(),
            created: h.cable.created,
            classification: h.cable.classification.unwrap_or_default(),
            origin: h.cable.origin.unwrap_or_default(),
            released: h.cable.released,
            reference_id: h.cable.reference_id,
        })
        .collect::<Vec<_>>();
    let updated = entries.first().map(|e| e.released.clone()).unwrap_or_else(|| publication.manifest().made_at.clone());
    let f = Feed {
        root: root_of(path),
        title: format!("cablegate: search {}", a.reading),
        id: format!("tag:cablegate,2010:search:{}", a.reading),
        updated,
        alternate: req.href("search.html", &a.query, Sort::Relevance, 1),
        entries,
    };
    f.page()
}
