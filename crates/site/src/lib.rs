//! The public website: every page is a pure function of a build and a path.
//!
//! [`render`] maps a path of the original site (`/cable/2009/04/09LONDON923.html`,
//! `/tag/PREL_0.html`, …) to a page. The server calls it for each request and the static export
//! calls it for each file, so they cannot drift apart. Links are relative (`../../tag/…`), so the
//! pages work under any path prefix and opened from disk. Every piece of cable text goes through
//! askama's HTML escaping.

use askama::Template;
use cablegate_build::{Build, Listed};
use cablegate_cable::{Cable, Reference};
use rusqlite::{params, OptionalExtension};

pub mod search;

/// Rows per listing page, as on the original site.
pub const PAGE_SIZE: u64 = 50;

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
}

pub const STYLESHEET: &str = include_str!("../static/cablegate.css");

/// What a tag means (`PREL` -> External Political Relations; `UK` -> United Kingdom), from
/// `data/tags.tsv`.
pub fn tag_meaning(tag: &str) -> Option<&'static str> {
    static TAGS: std::sync::LazyLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("../data/tags.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('\t'))
                .collect()
        });
    TAGS.get(tag).copied()
}

/// The country of a post (`Embassy London` -> United Kingdom), read off its cables: the
/// geographic tag that at least half of them carry. Only for embassies and consulates.
fn origin_country(build: &Build, origin: &str) -> Result<Option<&'static str>, rusqlite::Error> {
    if !(origin.starts_with("Embassy ") || origin.starts_with("Consulate ")) {
        return Ok(None);
    }
    // every page of a post's list shows it: read its cables' tags once per build and post
    static COUNTRIES: Memo<(std::path::PathBuf, String), Option<&'static str>> = Memo::new(100_000);
    COUNTRIES.get_or_try((build.dir().to_owned(), origin.to_owned()), |_| 1, || origin_country_of(build, origin))
}

fn origin_country_of(build: &Build, origin: &str) -> Result<Option<&'static str>, rusqlite::Error> {
    let conn = build.connection();
    let total: i64 =
        conn.prepare_cached("SELECT count(*) FROM cables WHERE origin = ?1")?.query_row([origin], |r| r.get(0))?;
    let mut s = conn.prepare_cached(
        "SELECT t.tag, count(*) FROM tags t JOIN cables c ON c.id = t.cable_id WHERE c.origin = ?1 AND length(t.tag) = 2
         GROUP BY t.tag ORDER BY 2 DESC LIMIT 3",
    )?;
    let top = s
        .query_map([origin], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(top.into_iter().find(|(tag, n)| *n * 2 >= total && tag != "US").and_then(|(tag, _)| tag_meaning(&tag)))
}

/// What pages share of a build and compute once: a build never changes, so a memo of it keeps
/// pages functions of the build. Keyed by the build's folder among others; emptied when its
/// entries weigh more than `limit`.
struct Memo<K, V> {
    map: std::sync::LazyLock<std::sync::Mutex<(std::collections::HashMap<K, V>, usize)>>,
    limit: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    const fn new(limit: usize) -> Self {
        Memo { map: std::sync::LazyLock::new(Default::default), limit }
    }

    /// The value of `key`, computed by `make` when missing (outside the lock: two threads may
    /// both compute it, and the same value results).
    fn get_or_try<E>(&self, key: K, weight: impl Fn(&V) -> usize, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.map.lock().unwrap_or_else(|e| e.into_inner()).0.get(&key) {
            return Ok(v.clone());
        }
        let v = make()?;
        self.insert(key, weight, v.clone());
        Ok(v)
    }

    /// Keeps `value` for `key`.
    fn insert(&self, key: K, weight: impl Fn(&V) -> usize, value: V) {
        let mut memo = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let w = weight(&value);
        if memo.1 + w > self.limit {
            memo.0.clear();
            memo.1 = 0;
        }
        memo.1 += w;
        memo.0.insert(key, value);
    }
}

/// The site-wide part of every page; each page's template reaches its fields through `Deref`.
struct Common {
    root: String,
    released: String,
    total: String,
    build: u32,
    made_at: String,
}

macro_rules! with_common {
    ($($page:ident),*) => {$(
        impl std::ops::Deref for $page {
            type Target = Common;
            fn deref(&self) -> &Common {
                &self.common
            }
        }
    )*};
}

with_common!(Home, Listing, Index, CablePage, DiffPage, Articles, NotFound, Releases, Stats, Help);

fn common(build: &Build, path: &str) -> Common {
    let depth = path.trim_start_matches('/').matches('/').count();
    let m = build.manifest();
    Common {
        root: "../".repeat(depth),
        released: thousands(m.released),
        total: thousands(m.total.max(m.released)),
        build: m.number,
        made_at: m.made_at.clone(),
    }
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `Embassy London` -> `embassy-london`; `SECRET//NOFORN` -> `secret-noforn`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Tags keep their case; characters that do not belong in a file name become `_`.
pub fn tag_slug(tag: &str) -> String {
    tag.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// The page of a cable: `cable/YYYY/MM/REFID.html` (YYYY/MM of creation).
pub fn cable_href(reference_id: &str, created: Option<&str>) -> String {
    let (y, m) = created.and_then(|c| Some((c.get(0..4)?, c.get(5..7)?))).unwrap_or(("0000", "00"));
    format!("cable/{y}/{m}/{reference_id}.html")
}

struct Row {
    href: String,
    reference_id: String,
    subject: String,
    created: String,
    released: String,
    classification: String,
    origin: String,
}

/// A time as pages show it: `2009-04-20T16:45:00Z` -> `2009-04-20 16:45`.
pub fn short_time(iso: &str) -> String {
    // 2009-04-20T16:45:00Z -> 2009-04-20 16:45
    iso.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| iso.to_owned())
}

fn rows(list: &[Listed]) -> Vec<Row> {
    list.iter()
        .map(|l| Row {
            href: cable_href(&l.reference_id, l.created.as_deref()),
            subject: l.subject.clone().unwrap_or_default(),
            created: l.created.as_deref().map(short_time).unwrap_or_default(),
            released: short_time(&l.released),
            classification: l.classification.clone().unwrap_or_default(),
            origin: l.origin.clone().unwrap_or_default(),
            reference_id: l.reference_id.clone(),
        })
        .collect()
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

enum RefState {
    Released(String),
    NotReleased,
    Text,
}

struct RefLink {
    bullet: Option<String>,
    label: String,
    state: RefState,
}

#[derive(Template)]
#[template(path = "cable.html")]
struct CablePage {
    common: Common,
    c: std::rc::Rc<Cable>,
    href: String,
    created: String,
    created_month: Option<String>,
    released_day: String,
    released_at: String,
    classification: String,
    class_slug: String,
    origin: String,
    origin_slug: String,
    tag_links: Vec<(String, String)>,
    preamble: String,
    refs: Vec<RefLink>,
    cited_by: Vec<(String, String)>,
    versions: Vec<(String, Option<String>)>,
    articles: Vec<ArticleLink>,
    diffs: Vec<(usize, usize)>,
    diff_base: String,
}

enum Seg {
    Same,
    Gone,
    New,
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    common: Common,
    reference_id: String,
    href: String,
    a: u32,
    b: u32,
    seen_a: String,
    seen_b: String,
    segments: Vec<(Seg, String)>,
}

/// A word-by-word diff of two versions of a cable's text, long unchanged stretches shortened.
fn diff(build: &Build, path: &str, id: &str, a: u32, b: u32) -> R {
    let conn = build.connection();
    let text = |v: u32| -> Result<Option<(String, String, Option<String>)>, rusqlite::Error> {
        conn.query_row(
            "SELECT v.header || char(10) || char(10) || v.body, v.seen_at, c.created FROM versions v JOIN cables c ON c.id = v.cable_id
             WHERE c.reference_id = ?1 AND v.version = ?2",
            params![id, v],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    };
    let (Some((old, seen_a, created)), Some((new, seen_b, _))) = (text(a)?, text(b)?) else {
        return Ok(not_found(build, path, format!("{id} has no versions {a} and {b}.")));
    };
    let href = cable_href(id, created.as_deref());
    if a >= b || format!("/{}/diff_{a}_{b}.html", href.trim_end_matches(".html")) != path {
        return Ok(not_found(build, path, format!("There is no page {path}.")));
    }
    let mut segments: Vec<(Seg, String)> = Vec::new();
    for change in similar::TextDiff::from_words(&old, &new).iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => Seg::Same,
            similar::ChangeTag::Delete => Seg::Gone,
            similar::ChangeTag::Insert => Seg::New,
        };
        match segments.last_mut() {
            Some((k, t)) if std::mem::discriminant(k) == std::mem::discriminant(&kind) => t.push_str(change.value()),
            _ => segments.push((kind, change.value().to_owned())),
        }
    }
    let n = segments.len();
    for (i, (kind, t)) in segments.iter_mut().enumerate() {
        if matches!(kind, Seg::Same) && t.chars().count() > 700 {
            let chars: Vec<char> = t.chars().collect();
            let head: String = if i == 0 { String::new() } else { chars[..250].iter().collect() };
            let tail: String = if i + 1 == n { String::new() } else { chars[chars.len() - 250..].iter().collect() };
            *t = format!("{head}\n…\n{tail}");
        }
    }
    let c = common(build, path);
    let page = DiffPage {
        common: c,
        reference_id: id.to_owned(),
        href,
        a,
        b,
        seen_a: short_time(&seen_a),
        seen_b: short_time(&seen_b),
        segments,
    };
    Ok(Page::html(200, page.render()?))
}

struct ArticleLink {
    url: String,
    title: String,
    outlet: String,
    date: String,
    /// (reference id, page) of the released cables it draws on
    cables: Vec<(String, String)>,
}

fn article_links(build: &Build, only_for: Option<&str>) -> Result<Vec<ArticleLink>, rusqlite::Error> {
    let conn = build.connection();
    let sql = match only_for {
        Some(_) => {
            // `IN`, not a join: asked by every cable page, and SQLite plans a join with a bound
            // parameter again at every run
            "SELECT id, url, title, outlet, date FROM articles
             WHERE id IN (SELECT article_id FROM article_cables WHERE reference_id = ?1) ORDER BY date DESC, id"
        }
        None => "SELECT id, url, title, outlet, date FROM articles WHERE ?1 = ?1 ORDER BY date DESC, id",
    };
    let mut s = conn.prepare_cached(sql)?;
    let rows = s
        .query_map([only_for.unwrap_or("")], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String, String, String, String)>>>()?;
    let mut c = conn.prepare_cached(
        "SELECT ac.reference_id, cb.created FROM article_cables ac JOIN cables cb ON cb.reference_id = ac.reference_id
         WHERE ac.article_id = ?1 ORDER BY ac.reference_id",
    )?;
    let mut out = Vec::new();
    for (id, url, title, outlet, date) in rows {
        let cables = c
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(rid, created)| {
                let h = cable_href(&rid, created.as_deref());
                (rid, h)
            })
            .collect();
        out.push(ArticleLink { url, title, outlet, date, cables });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "articles.html")]
struct Articles {
    common: Common,
    articles: Vec<ArticleLink>,
}

fn articles(build: &Build, path: &str) -> R {
    let c = common(build, path);
    let page = Articles { common: c, articles: article_links(build, None)? };
    Ok(Page::html(200, page.render()?))
}

#[derive(Template)]
#[template(path = "notfound.html")]
struct NotFound {
    common: Common,
    message: String,
    /// Released cables near a looked-up id: (reference id, page).
    nearby: Vec<(String, String)>,
    /// What the search box offers: the words of the path.
    suggestion: String,
}

/// The words of a path's last part: `/cable/2009/04/09LONDON9999.html` -> `09LONDON9999`.
fn path_words(path: &str) -> String {
    let last = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or_default();
    let stem = last.strip_suffix(".html").unwrap_or(last);
    stem.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Released cables of the same year and post as `id`, the closest serials first: only what the
/// build holds, so nothing unreleased is named.
fn nearby(build: &Build, id: &str) -> Result<Vec<(String, String)>, rusqlite::Error> {
    let Some(r) = cablegate_cable::refid::canonicalize(id).and_then(|c| cablegate_cable::refid::parse(&c)) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{:02}{}", r.year, r.station);
    let mut s = build.connection().prepare_cached(
        "SELECT reference_id, created, canonical_id FROM cables WHERE canonical_id >= ?1 AND canonical_id < ?2",
    )?;
    let rows = s
        .query_map(params![prefix, format!("{prefix}Z")], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, String>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut found: Vec<(u32, String, Option<String>)> = rows
        .into_iter()
        .filter_map(|(rid, created, canonical)| {
            let p = cablegate_cable::refid::parse(&canonical)?;
            (p.station == r.station && p.year == r.year).then(|| (p.serial.abs_diff(r.serial), rid, created))
        })
        .collect();
    found.sort();
    Ok(found
        .into_iter()
        .take(8)
        .map(|(_, rid, created)| {
            let h = cable_href(&rid, created.as_deref());
            (rid, h)
        })
        .collect())
}

/// `404.html` of a static mirror: what a static host shows for a missing file.
pub fn mirror_not_found(build: &Build) -> Page {
    let c = common(build, "/404.html");
    let message = "There is no such page on this mirror.".to_owned();
    let page = NotFound { common: c, message, nearby: Vec::new(), suggestion: String::new() };
    Page::html(404, page.render().unwrap_or_default())
}

fn not_found(build: &Build, path: &str, message: String) -> Page {
    let c = common(build, path);
    let page = NotFound { common: c, message, nearby: Vec::new(), suggestion: path_words(path) };
    Page::html(404, page.render().unwrap_or_default())
}

fn internal(e: impl std::fmt::Display) -> Page {
    Page {
        status: 500,
        content_type: "text/plain; charset=utf-8",
        body: format!("internal error: {e}\n").into_bytes(),
        location: None,
    }
}

/// Every page of a build's site that a static mirror holds, as paths from the root: the pages
/// every link of the site reaches, feeds, the JSON API, the stylesheet. Not the redirects
/// (`/cable/REFID`) nor the pages of a query (`/search.html?q=…`).
pub fn paths(build: &Build) -> Result<Vec<String>, rusqlite::Error> {
    let conn = build.connection();
    let mut out: Vec<String> = [
        "/index.html",
        "/releases.html",
        "/stats.html",
        "/help.html",
        "/articles.html",
        "/search.html",
        "/feed.atom",
        "/static/cablegate.css",
        "/api/openapi.json",
        "/api/stats.json",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let keys = |sql: &str| -> Result<Vec<(String, u64)>, rusqlite::Error> {
        let mut s = conn.prepare(sql)?;
        let rows = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
        rows.collect()
    };
    let lists = [
        ("reldate", "SELECT substr(released, 1, 10), count(*) FROM cables GROUP BY 1"),
        ("date", DATE_KEYS),
        ("origin", "SELECT origin, count(*) FROM cables WHERE origin IS NOT NULL GROUP BY 1"),
        ("classification", "SELECT classification, count(*) FROM cables WHERE classification IS NOT NULL GROUP BY 1"),
        ("tag", "SELECT tag, count(*) FROM tags GROUP BY 1"),
    ];
    for (kind, sql) in lists {
        out.push(format!("/{kind}/index.html"));
        let mut seen = std::collections::HashSet::new();
        for (value, n) in keys(sql)? {
            let key = match kind {
                "origin" | "classification" => slug(&value),
                "tag" => tag_slug(&value),
                _ => value,
            };
            // two values with one slug share their pages
            if !seen.insert(key.clone()) {
                continue;
            }
            for page in 0..n.div_ceil(PAGE_SIZE).max(1) {
                out.push(format!("/{kind}/{key}_{page}.html"));
                out.push(format!("/api/{kind}/{key}_{page}.json"));
            }
            if matches!(kind, "origin" | "tag") {
                out.push(format!("/{kind}/{key}.atom"));
            }
        }
    }
    let mut s = conn.prepare("SELECT reference_id, created, versions FROM cables ORDER BY id")?;
    let rows =
        s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (id, created, versions) = row?;
        let href = cable_href(&id, created.as_deref());
        for a in 1..versions {
            for b in a + 1..=versions {
                out.push(format!("/{}/diff_{a}_{b}.html", href.trim_end_matches(".html")));
            }
        }
        out.push(format!("/{href}"));
        out.push(format!("/api/cable/{id}.json"));
    }
    Ok(out)
}

/// `../` as many times as `path` is deep.
fn root_of(path: &str) -> String {
    "../".repeat(path.trim_start_matches('/').matches('/').count())
}

/// Renders the page at `path` (from the site's root: `/`, `/index.html`, `/cable/…`), which may
/// end in a query string (only searches read it).
pub fn render(build: &Build, path: &str) -> Page {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = if path.is_empty() { "/" } else { path };
    let result = match path {
        "/search" | "/search.html" => search::page(build, path, query),
        "/search.atom" => search::feed(build, path, query),
        "/api/search" | "/api/search.json" => search::api(build, query),
        "/" | "/index.html" => home(build, "/index.html"),
        "/feed.atom" => feed(build, path, "latest", ""),
        "/api/openapi.json" => Ok(json_page(200, OPENAPI.to_owned())),
        "/api/stats.json" => api_stats(build),
        "/releases.html" => releases(build, path),
        "/stats.html" => stats(build, path),
        "/help.html" => help(build, path),
        "/articles.html" => articles(build, path),
        "/static/cablegate.css" => Ok(Page {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: STYLESHEET.as_bytes().to_vec(),
            location: None,
        }),
        _ => route(build, path),
    };
    result.unwrap_or_else(internal)
}

type Error = Box<dyn std::error::Error>;
type R = Result<Page, Error>;

fn route(build: &Build, path: &str) -> R {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["cable", y, m, file] if file.ends_with(".html") => cable(build, path, y, m, file.trim_end_matches(".html")),
        ["cable", id] => lookup(build, path, id.trim_end_matches(".html")),
        ["cable", _, _, id, file] if file.starts_with("diff_") && file.ends_with(".html") => {
            let pair = file.trim_start_matches("diff_").trim_end_matches(".html");
            match pair.split_once('_').and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?))) {
                Some((a, b)) => diff(build, path, id, a, b),
                None => Ok(not_found(build, path, format!("There is no page {path}."))),
            }
        }
        [kind @ ("reldate" | "date" | "origin" | "tag" | "classification"), "index.html"] => index(build, path, kind),
        [kind @ ("origin" | "tag"), file] if file.ends_with(".atom") => {
            feed(build, path, kind, file.trim_end_matches(".atom"))
        }
        ["api", "cable", file] if file.ends_with(".json") => api_cable(build, file.trim_end_matches(".json")),
        ["api", kind @ ("reldate" | "date" | "origin" | "tag" | "classification"), file] if file.ends_with(".json") => {
            let stem = file.trim_end_matches(".json");
            match stem.rsplit_once('_').and_then(|(k, n)| Some((k, n.parse::<u64>().ok()?))) {
                Some((key, page)) => api_listing(build, kind, key, page),
                None => Ok(json_error(404, "no such list")),
            }
        }
        [kind @ ("reldate" | "date" | "origin" | "tag" | "classification"), file] if file.ends_with(".html") => {
            let stem = file.trim_end_matches(".html");
            match stem.rsplit_once('_').and_then(|(k, n)| Some((k, n.parse::<u64>().ok()?))) {
                Some((key, page)) => listing(build, path, kind, key, page),
                None => Ok(not_found(build, path, format!("There is no page {path}."))),
            }
        }
        _ => Ok(not_found(build, path, format!("There is no page {path}."))),
    }
}

fn home(build: &Build, path: &str) -> R {
    let c = common(build, path);
    let conn = build.connection();
    let day: Option<String> =
        conn.query_row("SELECT substr(max(released), 1, 10) FROM cables", [], |r| r.get(0)).optional()?.flatten();
    let list = match &day {
        Some(d) => listed(build, "substr(released, 1, 10) = ?1", d, BY_CREATED, 0, 200)?.0,
        None => Default::default(),
    };
    let page = Home { common: c, latest_day: day, rows: rows(&list) };
    Ok(Page::html(200, page.render()?))
}

/// The order of each list of a build: row ids, by the build's folder, filter, argument and order.
type Order = std::sync::Arc<Vec<i64>>;
// bounded: about 64 MB of row ids at most (every list of a full-scale build holds about 4.7 million)
static ORDERS: Memo<(std::path::PathBuf, String, String, String), Order> = Memo::new(8_000_000);

/// The filters of an origin's, a classification's and a tag's list (`prepare_lists` keeps their
/// orders under these very keys).
const ORIGIN_FILTER: &str = "origin = ?1";
const CLASSIFICATION_FILTER: &str = "classification = ?1";
const TAG_FILTER: &str = "id IN (SELECT cable_id FROM tags WHERE tag = ?1)";

/// Cables matching `filter` (one parameter), newest first: a page of them and how many there are.
/// Newest created first, for lists; newest released first, for feeds.
const BY_CREATED: &str = "created DESC, reference_id";
const BY_RELEASED: &str = "released DESC, reference_id";

fn listed(
    build: &Build,
    filter: &str,
    arg: &str,
    order: &str,
    offset: u64,
    limit: u64,
) -> Result<(std::rc::Rc<Vec<Listed>>, u64), Error> {
    // The whole list's order, once per build and list (a memo: a list of a build never changes),
    // then the page by row id. With LIMIT/OFFSET, each page of a list of 251,287 cables sorted
    // the whole list again: the export renders thousands of such pages.
    let key = (build.dir().to_owned(), filter.to_owned(), arg.to_owned(), order.to_owned());
    let ids = ORDERS.get_or_try(
        key,
        |ids| ids.len(),
        || {
            let conn = build.connection();
            let mut s = conn.prepare_cached(&format!("SELECT id FROM cables WHERE {filter} ORDER BY {order}"))?;
            let ids: Vec<i64> = s.query_map([arg], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok::<_, rusqlite::Error>(std::sync::Arc::new(ids))
        },
    )?;
    let count = ids.len() as u64;
    let page: &[i64] = ids.get(offset as usize..).map(|rest| &rest[..rest.len().min(limit as usize)]).unwrap_or(&[]);
    // a page's rows in one statement; the build keeps them for the page's JSON twin
    Ok((build.listed(page)?, count))
}

/// The order of every origin, classification and tag list of a build (and of the origins' and
/// tags' feeds), made in one pass over the build and kept as [`listed`] keeps the order of a list
/// it reads. For a mirror, which renders every list: one statement a list, each reading its
/// cables by row id and sorting them, took about 7 s of a full-scale export's CPU time; the pass,
/// two scans and two sorts, well under one. The orders are those of the statements: creation
/// (released, for feeds) newest first, then reference id, which is unique; NULL last.
pub fn prepare_lists(build: &Build) -> Result<(), rusqlite::Error> {
    /// Origins, classifications and tags by number (a full-scale build's 1.5 million tags of
    /// cables, as strings, weighed about 80 MB).
    #[derive(Default)]
    struct Names {
        numbers: std::collections::HashMap<String, u32>,
        names: Vec<String>,
    }
    impl Names {
        fn number(&mut self, name: String) -> u32 {
            let next = self.names.len() as u32;
            *self.numbers.entry(name).or_insert_with_key(|name| {
                self.names.push(name.clone());
                next
            })
        }
    }
    const NONE: u32 = u32::MAX;
    struct Row {
        id: i64,
        created: Option<Box<str>>,
        reference_id: Box<str>,
        released: Box<str>,
        origin: u32,
        class: u32,
        tags: Vec<u32>,
    }
    let (mut origins, mut classes, mut tags) = (Names::default(), Names::default(), Names::default());
    let conn = build.connection();
    let mut s = conn.prepare("SELECT id, created, reference_id, released, origin, classification FROM cables")?;
    let mut rows: Vec<Row> = s
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .map(|r| {
            let (id, created, reference_id, released, origin, class) = r?;
            Ok(Row {
                id,
                created: created.map(String::into_boxed_str),
                reference_id: reference_id.into_boxed_str(),
                released: released.into_boxed_str(),
                origin: origin.map_or(NONE, |o| origins.number(o)),
                class: class.map_or(NONE, |c| classes.number(c)),
                tags: Vec::new(),
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    let at: std::collections::HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut s = conn.prepare("SELECT cable_id, tag FROM tags")?;
    for t in s.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, tag) = t?;
        if let Some(&i) = at.get(&id) {
            let tag = tags.number(tag);
            // a tag twice in a cable lists it once
            if !rows[i].tags.contains(&tag) {
                rows[i].tags.push(tag);
            }
        }
    }
    drop(at);
    // each row's id, in `order`, into the lists of its origin, classification and tags
    let lists_of = |order: &[&Row]| {
        let mut lists = (
            vec![Vec::new(); origins.names.len()],
            vec![Vec::new(); classes.names.len()],
            vec![Vec::new(); tags.names.len()],
        );
        for r in order {
            if let Some(l) = lists.0.get_mut(r.origin as usize) {
                l.push(r.id);
            }
            if let Some(l) = lists.1.get_mut(r.class as usize) {
                l.push(r.id);
            }
            for &t in &r.tags {
                lists.2[t as usize].push(r.id);
            }
        }
        lists
    };
    let keep = |filter: &str, order: &str, names: &Names, lists: Vec<Vec<i64>>| {
        for (name, ids) in names.names.iter().zip(lists) {
            let key = (build.dir().to_owned(), filter.to_owned(), name.clone(), order.to_owned());
            ORDERS.insert(key, |ids| ids.len(), std::sync::Arc::new(ids));
        }
    };
    let mut order: Vec<&Row> = rows.iter().collect();
    // newest created first, no date last (SQLite's NULL is the least value)
    order.sort_unstable_by(|a, b| b.created.cmp(&a.created).then_with(|| a.reference_id.cmp(&b.reference_id)));
    let (origin, class, tag) = lists_of(&order);
    keep(ORIGIN_FILTER, BY_CREATED, &origins, origin);
    keep(CLASSIFICATION_FILTER, BY_CREATED, &classes, class);
    keep(TAG_FILTER, BY_CREATED, &tags, tag);
    order.sort_unstable_by(|a, b| b.released.cmp(&a.released).then_with(|| a.reference_id.cmp(&b.reference_id)));
    let (origin, _, tag) = lists_of(&order);
    keep(ORIGIN_FILTER, BY_RELEASED, &origins, origin);
    keep(TAG_FILTER, BY_RELEASED, &tags, tag);
    Ok(())
}

/// The value behind a slug: the origin, classification or tag whose slug it is.
fn unslug(build: &Build, kind: &str, key: &str) -> Result<Option<String>, rusqlite::Error> {
    let sql = match kind {
        "origin" => "SELECT DISTINCT origin FROM cables WHERE origin IS NOT NULL",
        "classification" => "SELECT DISTINCT classification FROM cables WHERE classification IS NOT NULL",
        "tag" => "SELECT DISTINCT tag FROM tags",
        _ => return Ok(Some(key.to_owned())),
    };
    // the values of a build never change: read them once per build and kind (a memo, so pages
    // stay functions of the build), not once per page
    type Table = std::sync::Arc<std::collections::HashMap<String, String>>;
    // a handful of builds at most are served at once
    static TABLES: Memo<(std::path::PathBuf, String), Table> = Memo::new(16);
    let table = TABLES.get_or_try(
        (build.dir().to_owned(), kind.to_owned()),
        |_| 1,
        || {
            let mut s = build.connection().prepare_cached(sql)?;
            let values = s.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            let f = if kind == "tag" { tag_slug } else { slug };
            let mut map = std::collections::HashMap::with_capacity(values.len());
            for v in values {
                // two values with one slug: the first one keeps it
                map.entry(f(&v)).or_insert(v);
            }
            Ok::<_, rusqlite::Error>(std::sync::Arc::new(map))
        },
    )?;
    Ok(table.get(key).cloned())
}

/// The SQL filter, its argument and a heading for a list: `tag` + `PREL`.
fn list_filter(
    build: &Build,
    kind: &str,
    key: &str,
) -> Result<Option<(&'static str, String, String)>, rusqlite::Error> {
    Ok(Some(match kind {
        "latest" => ("?1 = ?1", String::new(), "Latest releases".to_owned()),
        // each filter is its `substr` alone, plus what lets SQLite read an index instead of
        // every cable (140 ms a list at full scale, and a mirror renders a thousand lists)
        "reldate" if key.len() == 10 => (
            "released >= ?1 AND released < ?1 || '~' AND substr(released, 1, 10) = ?1",
            key.to_owned(),
            format!("Released {key}"),
        ),
        "date" if key.len() == 7 => (
            "(year = CAST(substr(?1, 1, 4) AS INTEGER) AND month = CAST(substr(?1, 6, 2) AS INTEGER) OR year IS NULL)
             AND substr(created, 1, 7) = ?1",
            key.to_owned(),
            format!("Created {key}"),
        ),
        "date" if key.len() == 4 => (
            "(year = CAST(?1 AS INTEGER) OR year IS NULL) AND substr(created, 1, 4) = ?1",
            key.to_owned(),
            format!("Created in {key}"),
        ),
        "origin" | "classification" | "tag" => match unslug(build, kind, key)? {
            Some(v) => {
                let filter = match kind {
                    "origin" => ORIGIN_FILTER,
                    "classification" => CLASSIFICATION_FILTER,
                    _ => TAG_FILTER,
                };
                let heading = match kind {
                    "origin" => format!("Origin: {v}"),
                    "classification" => format!("Classification: {v}"),
                    _ => format!("Tag: {v}"),
                };
                (filter, v, heading)
            }
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

fn json_page(status: u16, body: String) -> Page {
    Page { status, content_type: "application/json", body: body.into_bytes(), location: None }
}

fn json(status: u16, value: serde_json::Value) -> Page {
    json_page(status, value.to_string())
}

fn json_error(status: u16, message: &str) -> Page {
    json(status, serde_json::json!({ "error": message }))
}

/// The OpenAPI description of `/api/`.
pub const OPENAPI: &str = include_str!("../static/openapi.json");

/// A cable in a list of `/api/`; fields in alphabetical order, as every other object of the
/// API writes them (`serde_json::Value` does).
#[derive(serde::Serialize)]
struct ListedJson<'a> {
    classification: &'a Option<String>,
    created: &'a Option<String>,
    href: String,
    origin: &'a Option<String>,
    reference_id: &'a str,
    released: &'a str,
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

fn api_listing(build: &Build, kind: &str, key: &str, page: u64) -> R {
    let Some((filter, arg, heading)) = list_filter(build, kind, key)? else {
        return Ok(json_error(404, "no such list"));
    };
    let (list, count) = listed(build, filter, &arg, BY_CREATED, page * PAGE_SIZE, PAGE_SIZE)?;
    let pages = count.div_ceil(PAGE_SIZE).max(1);
    if page >= pages {
        return Ok(json_error(404, &format!("this list has {pages} pages")));
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
    let cables = list.iter().map(listed_json).collect();
    Ok(json_page(200, serde_json::to_string(&ApiList { cables, count, page, pages, title: &heading })?))
}

fn api_cable(build: &Build, id: &str) -> R {
    match build.cable_released(id)? {
        Some((c, released)) => {
            // written straight from the cable, not through a `serde_json::Value` (a copy of every
            // string): a mirror writes 250,000 of these
            #[derive(serde::Serialize)]
            struct ApiCable<'a> {
                cable: &'a cablegate_cable::Cable,
                href: String,
                released: &'a str,
            }
            let href = format!("/{}", cable_href(&c.reference_id, c.created.as_deref()));
            let body = serde_json::to_string(&ApiCable { cable: &c, href, released: &released })?;
            Ok(json_page(200, body))
        }
        None => Ok(json_error(404, &format!("no released cable {}", id.to_ascii_uppercase()))),
    }
}

fn api_stats(build: &Build) -> R {
    let m = build.manifest();
    let conn = build.connection();
    let pairs = |sql: &str| -> Result<serde_json::Map<String, serde_json::Value>, rusqlite::Error> {
        let mut s = conn.prepare_cached(sql)?;
        let rows = s
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(|(k, v)| (k, serde_json::Value::from(v))).collect())
    };
    Ok(json(
        200,
        serde_json::json!({
            "build": m.number,
            "made_at": m.made_at,
            "released": m.released,
            "total": m.total,
            "per_year": pairs("SELECT coalesce(substr(created, 1, 4), '?'), count(*) FROM cables GROUP BY 1 ORDER BY 1")?,
            "per_classification": pairs("SELECT coalesce(classification, '?'), count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC")?,
        }),
    ))
}

struct FeedEntry {
    reference_id: String,
    subject: String,
    created: String,
    released: String,
    classification: String,
    origin: String,
    href: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    root: String,
    title: String,
    id: String,
    updated: String,
    alternate: String,
    entries: Vec<FeedEntry>,
}

/// Atom: the latest releases, or those of a tag or an origin (`/tag/PREL.atom`).
fn feed(build: &Build, path: &str, kind: &str, key: &str) -> R {
    let Some((filter, arg, heading)) = list_filter(build, kind, key)? else {
        return Ok(not_found(build, path, format!("There is no feed {path}.")));
    };
    let (list, _) = listed(build, filter, &arg, BY_RELEASED, 0, 50)?;
    let updated = list.first().map(|l| l.released.clone()).unwrap_or_else(|| build.manifest().made_at.clone());
    let root = "../".repeat(path.trim_start_matches('/').matches('/').count());
    let alternate = match kind {
        "latest" => format!("{root}index.html"),
        _ => format!("{root}{kind}/{key}_0.html"),
    };
    let entries = list
        .iter()
        .map(|l| FeedEntry {
            href: cable_href(&l.reference_id, l.created.as_deref()),
            subject: l.subject.clone().unwrap_or_default(),
            created: l.created.clone().unwrap_or_default(),
            classification: l.classification.clone().unwrap_or_default(),
            origin: l.origin.clone().unwrap_or_default(),
            released: l.released.clone(),
            reference_id: l.reference_id.clone(),
        })
        .collect();
    let f = Feed {
        root,
        title: format!("cablegate: {heading}"),
        id: format!("tag:cablegate,2010:{kind}:{key}"),
        updated,
        alternate,
        entries,
    };
    f.page()
}

impl Feed {
    fn page(&self) -> R {
        Ok(Page {
            status: 200,
            content_type: "application/atom+xml; charset=utf-8",
            body: self.render()?.into_bytes(),
            location: None,
        })
    }
}

fn listing(build: &Build, path: &str, kind: &str, key: &str, page: u64) -> R {
    let Some((filter, arg, heading)) = list_filter(build, kind, key)? else {
        let message = match kind {
            "origin" | "classification" | "tag" => format!("No released cable has this {kind}."),
            _ => format!("There is no page {path}."),
        };
        return Ok(not_found(build, path, message));
    };
    let note = match kind {
        "tag" => match (tag_meaning(&arg), cablegate_cable::tags::kind(&arg)) {
            (Some(m), _) => format!("{arg}: {m}."),
            (None, cablegate_cable::tags::Kind::Subject) => format!("{arg} is one of the standard subject tags."),
            (None, cablegate_cable::tags::Kind::Organization) => format!("{arg} is the tag of an organization."),
            (None, cablegate_cable::tags::Kind::Person) => format!("{arg} is the tag of a person."),
            (None, cablegate_cable::tags::Kind::Geographic) => format!("{arg} is a geographic tag."),
            (None, cablegate_cable::tags::Kind::Other) => String::new(),
        },
        "origin" => origin_country(build, &arg)?
            .map(|c| format!("{arg}, {c}: a post of the United States."))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let (list, count) = listed(build, filter, &arg, BY_CREATED, page * PAGE_SIZE, PAGE_SIZE)?;
    let pages = count.div_ceil(PAGE_SIZE).max(1);
    if page >= pages {
        return Ok(not_found(build, path, format!("This list has {pages} pages.")));
    }
    let c = common(build, path);
    let pager = (page.saturating_sub(4)..(page + 5).min(pages)).collect();
    let listing = Listing {
        common: c,
        heading,
        note,
        count: thousands(count),
        rows: rows(&list),
        base: key.to_owned(),
        page,
        pages,
        pager,
    };
    Ok(Page::html(200, listing.render()?))
}

/// The keys of the creation-date lists: each year (newest first), then its months.
const DATE_KEYS: &str = "SELECT k, n FROM (
       SELECT substr(created, 1, 4) AS k, count(*) AS n FROM cables WHERE created IS NOT NULL GROUP BY 1
       UNION ALL SELECT substr(created, 1, 7), count(*) FROM cables WHERE created IS NOT NULL GROUP BY 1)
     ORDER BY substr(k, 1, 4) DESC, length(k), k DESC";

fn index(build: &Build, path: &str, kind: &str) -> R {
    let (sql, heading): (&str, &str) = match kind {
        "reldate" => {
            ("SELECT substr(released, 1, 10), count(*) FROM cables GROUP BY 1 ORDER BY 1 DESC", "Release days")
        }
        "date" => (DATE_KEYS, "By creation date"),
        "origin" => ("SELECT origin, count(*) FROM cables WHERE origin IS NOT NULL GROUP BY 1 ORDER BY 1", "By origin"),
        "classification" => (
            "SELECT classification, count(*) FROM cables WHERE classification IS NOT NULL GROUP BY 1 ORDER BY 1",
            "By classification",
        ),
        _ => ("SELECT tag, count(*) FROM tags GROUP BY 1 ORDER BY 1", "By tag"),
    };
    let mut s = build.connection().prepare_cached(sql)?;
    let entries = s
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(v, n)| Entry {
            href: format!(
                "{kind}/{}_0.html",
                match kind {
                    "origin" | "classification" => slug(&v),
                    "tag" => tag_slug(&v),
                    _ => v.clone(),
                }
            ),
            label: match (kind, tag_meaning(&v)) {
                ("tag", Some(m)) => format!("{v} ({m})"),
                _ => v,
            },
            count: thousands(n as u64),
        })
        .collect();
    let c = common(build, path);
    let page = Index { common: c, heading: heading.to_owned(), entries };
    Ok(Page::html(200, page.render()?))
}

/// `/cable/REFID` in any spelling (lower case, malformed as published, the release's number).
fn lookup(build: &Build, path: &str, id: &str) -> R {
    let conn = build.connection();
    let by_number: Option<(String, Option<String>)> = match id.parse::<i64>() {
        Ok(n) => conn
            .query_row("SELECT reference_id, created FROM cables WHERE release_number = ?1", [n], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?,
        Err(_) => None,
    };
    let found = match by_number {
        Some(f) => Some(f),
        None => build.find(id)?,
    };
    let message = match found {
        Some((rid, created)) => return Ok(Page::redirect(format!("/{}", cable_href(&rid, created.as_deref())))),
        None if build.in_catalog(id)? => {
            format!("{} is in the collection but not released yet.", id.to_ascii_uppercase())
        }
        None => format!("There is no cable {}.", id.to_ascii_uppercase()),
    };
    let near = nearby(build, id)?;
    let c = common(build, path);
    let page = NotFound { common: c, message, nearby: near, suggestion: path_words(path) };
    Ok(Page::html(404, page.render()?))
}

fn cable(build: &Build, path: &str, y: &str, m: &str, id: &str) -> R {
    let Some((c, released)) = build.cable_released(id)? else {
        return lookup(build, path, id);
    };
    let href = cable_href(&c.reference_id, c.created.as_deref());
    if format!("/{href}") != path {
        return Ok(Page::redirect(format!("/{href}")));
    }
    let _ = (y, m);
    // statements are prepared once per connection: an export renders 250,000 of these pages
    let conn = build.connection();
    let versions_n: i64 = conn
        .prepare_cached("SELECT versions FROM cables WHERE reference_id = ?1")?
        .query_row([&c.reference_id], |r| r.get(0))?;
    let mut refs = Vec::new();
    for r in &c.references {
        match r {
            Reference::Cable { id, bullet } => {
                let target: Option<(String, Option<String>)> = conn
                    .prepare_cached("SELECT reference_id, created FROM cables WHERE canonical_id = ?1 LIMIT 1")?
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let state = match target {
                    Some((rid, created)) => RefState::Released(cable_href(&rid, created.as_deref())),
                    None if build.in_catalog(id)? => RefState::NotReleased,
                    None => RefState::Text,
                };
                refs.push(RefLink { bullet: bullet.clone(), label: id.clone(), state });
            }
            Reference::Text { text, bullet } => {
                refs.push(RefLink { bullet: bullet.clone(), label: text.clone(), state: RefState::Text })
            }
        }
    }
    let cited_by = {
        let mut s = conn.prepare_cached(
            // `IN`, not a join: SQLite plans a join with a bound parameter again at every run
            "SELECT reference_id, created FROM cables WHERE id IN (SELECT cable_id FROM refs WHERE cited_id = ?1)
             ORDER BY created, reference_id",
        )?;
        let found = s
            .query_map([&c.canonical_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        found
            .into_iter()
            .filter(|(rid, _)| *rid != c.reference_id)
            .map(|(rid, created)| {
                let h = cable_href(&rid, created.as_deref());
                (rid, h)
            })
            .collect()
    };
    let versions = if versions_n > 1 {
        let mut s = conn.prepare_cached(
            "SELECT v.seen_at, v.released FROM versions v JOIN cables c ON c.id = v.cable_id WHERE c.reference_id = ?1 ORDER BY v.version",
        )?;
        let found =
            s.query_map([&c.reference_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
        found
    } else {
        Vec::new()
    };
    // the body up to the first numbered paragraph, as released
    let preamble = match c.paragraphs.iter().find(|p| p.number.is_some()) {
        Some(p) => {
            let n = p.number.unwrap_or(1);
            find_paragraph(&c.body, n).map(|i| c.body[..i].trim_end().to_owned()).unwrap_or_default()
        }
        None => String::new(),
    };
    let paragraphs_empty = c.paragraphs.is_empty();
    let com = common(build, path);
    let created = c.created.as_deref().map(short_time).unwrap_or_default();
    let page = CablePage {
        common: com,
        href,
        created_month: c.created.as_deref().and_then(|d| d.get(..7)).map(str::to_owned),
        created,
        released_day: released.get(..10).unwrap_or_default().to_owned(),
        released_at: short_time(&released),
        classification: c.classification.clone().unwrap_or_default(),
        class_slug: slug(c.classification.as_deref().unwrap_or_default()),
        origin: c.origin.clone().unwrap_or_default(),
        origin_slug: slug(c.origin.as_deref().unwrap_or_default()),
        tag_links: c.tags.iter().map(|t| (t.clone(), tag_slug(t))).collect(),
        preamble: if paragraphs_empty { c.body.clone() } else { preamble },
        refs,
        cited_by,
        versions,
        articles: article_links(build, Some(&c.reference_id))?,
        diffs: (1..versions_n as usize).flat_map(|a| (a + 1..=versions_n as usize).map(move |b| (a, b))).collect(),
        diff_base: cable_href(&c.reference_id, c.created.as_deref()).trim_end_matches(".html").to_owned(),
        c,
    };
    Ok(Page::html(200, page.render()?))
}

struct Day {
    day: String,
    added: i64,
    reissued: i64,
    withdrawn: i64,
}

#[derive(Template)]
#[template(path = "releases.html")]
struct Releases {
    common: Common,
    days: Vec<Day>,
}

fn releases(build: &Build, path: &str) -> R {
    let mut s = build.connection().prepare_cached(
        "SELECT substr(at, 1, 10), sum(kind = 'added'), sum(kind = 'reissued'), sum(kind = 'withdrawn')
         FROM release_log GROUP BY 1 ORDER BY 1 DESC",
    )?;
    let days = s
        .query_map([], |r| Ok(Day { day: r.get(0)?, added: r.get(1)?, reissued: r.get(2)?, withdrawn: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let c = common(build, path);
    let page = Releases { common: c, days };
    Ok(Page::html(200, page.render()?))
}

struct Bar {
    label: String,
    count: String,
    y: u32,
    width: u32,
}

struct Chart {
    id: &'static str,
    title: &'static str,
    height: u32,
    bars: Vec<Bar>,
}

fn chart(build: &Build, id: &'static str, title: &'static str, sql: &str) -> Result<Chart, rusqlite::Error> {
    let mut s = build.connection().prepare_cached(sql)?;
    let rows = s
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, n))| Bar {
            label,
            count: thousands(n as u64),
            y: i as u32 * 18,
            width: (n * 360 / max).max(1) as u32,
        })
        .collect();
    Ok(Chart { id, title, height: bars.len() as u32 * 18 + 4, bars })
}

#[derive(Template)]
#[template(path = "stats.html")]
struct Stats {
    common: Common,
    charts: Vec<Chart>,
}

fn stats(build: &Build, path: &str) -> R {
    let charts = vec![
        chart(
            build,
            "per-year",
            "Cables per year of creation",
            "SELECT coalesce(substr(created, 1, 4), '?'), count(*) FROM cables GROUP BY 1 ORDER BY 1",
        )?,
        chart(
            build,
            "per-classification",
            "Per classification",
            "SELECT coalesce(classification, '?'), count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC",
        )?,
        chart(
            build,
            "per-origin",
            "Top 25 origins",
            "SELECT coalesce(origin, '?'), count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25",
        )?,
        chart(
            build,
            "per-tag",
            "Top 25 tags",
            "SELECT tag, count(*) FROM tags GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25",
        )?,
    ];
    let c = common(build, path);
    let page = Stats { common: c, charts };
    Ok(Page::html(200, page.render()?))
}

#[derive(Template)]
#[template(path = "help.html")]
struct Help {
    common: Common,
}

fn help(build: &Build, path: &str) -> R {
    let c = common(build, path);
    let page = Help { common: c };
    Ok(Page::html(200, page.render()?))
}

/// Where paragraph `n` starts in the body (`\n5. ` at a line start).
fn find_paragraph(body: &str, n: u32) -> Option<usize> {
    let needle = format!("{n}.");
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start_matches([' ', '\t', '¶']);
        if t.starts_with(&needle) && !t[needle.len()..].starts_with(|c: char| c.is_ascii_digit()) {
            return Some(at);
        }
        at += line.len();
    }
    None
}
