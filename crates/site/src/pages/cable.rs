//! A cable's page (`/cable/2009/04/09LONDON923.html`): the three boxes of the original site, its
//! references and citations, versions and articles; the diff of two versions; and `/cable/ID`,
//! which finds a cable by any spelling of its id.

use std::rc::Rc;

use askama::Template;
use cablegate_cable::{Cable, Reference};
use cablegate_publication::{Publication, Timestamp};

use crate::cite::Citation;
use crate::layout::{common, short_time, slug, tag_slug, with_common, Common};
use crate::pages::articles::{self, ArticleLink};
use crate::pages::not_found::{self, path_words, NotFound};
use crate::route::cable_href;
use crate::{Page, Result};

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
    c: Rc<Cable>,
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
    versions: Vec<(Timestamp, Option<String>)>,
    articles: Vec<ArticleLink>,
    diffs: Vec<(usize, usize)>,
    diff_base: String,
    /// The redaction ledger: passages the publisher withheld, and since which build.
    withheld: Option<cablegate_publication::Withheld>,
    cite: Citation,
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

with_common!(CablePage, DiffPage);

/// The cable's REF lines, each a link to the cited cable where it is released.
fn references(publication: &Publication, c: &Cable) -> Result<Vec<RefLink>> {
    let mut refs = Vec::new();
    for r in &c.references {
        match r {
            Reference::Cable { id, bullet } => {
                let state = match publication.by_canonical(id)? {
                    Some(t) => RefState::Released(cable_href(&t.reference_id, t.created.as_deref())),
                    None if publication.in_catalog(id)? => RefState::NotReleased,
                    None => RefState::Text,
                };
                refs.push(RefLink { bullet: bullet.clone(), label: id.clone(), state });
            }
            Reference::Text { text, bullet } => {
                refs.push(RefLink { bullet: bullet.clone(), label: text.clone(), state: RefState::Text });
            }
        }
    }
    Ok(refs)
}

/// The released cables that cite `c`: (reference id, page).
fn cited_by(publication: &Publication, c: &Cable) -> Result<Vec<(String, String)>> {
    Ok(publication
        .cited_by(&c.canonical_id)?
        .into_iter()
        .filter(|l| l.reference_id != c.reference_id)
        .map(|l| {
            let h = cable_href(&l.reference_id, l.created.as_deref());
            (l.reference_id, h)
        })
        .collect())
}

/// The body up to the first numbered paragraph, as released.
fn preamble(c: &Cable) -> String {
    if c.paragraphs.is_empty() {
        return c.body.clone();
    }
    match c.paragraphs.iter().find(|p| p.number.is_some()) {
        Some(p) => {
            let n = p.number.unwrap_or(1);
            find_paragraph(&c.body, n).map(|i| c.body[..i].trim_end().to_owned()).unwrap_or_default()
        }
        None => String::new(),
    }
}

/// `/cable/YYYY/MM/REFID.html`: the cable, or a redirect to its page's one path, or (no such
/// cable) what [`lookup`] says.
pub(crate) fn page(publication: &Publication, path: &str, id: &str) -> Result<Page> {
    let Some((c, released)) = publication.cable_released(id)? else {
        return lookup(publication, path, id);
    };
    let href = cable_href(&c.reference_id, c.created.as_deref());
    if format!("/{href}") != path {
        return Ok(Page::redirect(format!("/{href}")));
    }
    // statements are prepared once per connection: an export renders 250,000 of these pages
    let versions_n = publication.version_count(&c.reference_id)? as usize;
    let versions = if versions_n > 1 {
        publication.versions_seen(&c.reference_id)?.into_iter().map(|v| (v.seen_at, v.released)).collect()
    } else {
        Vec::new()
    };
    let cite = Citation::new(publication, &c, versions_n)?;
    let page = CablePage {
        common: common(publication, path),
        href,
        created_month: c.created.as_deref().and_then(|d| d.get(..7)).map(str::to_owned),
        created: c.created.as_deref().map(short_time).unwrap_or_default(),
        released_day: released.get(..10).unwrap_or_default().to_owned(),
        released_at: short_time(&released),
        classification: c.classification.clone().unwrap_or_default(),
        class_slug: slug(c.classification.as_deref().unwrap_or_default()),
        origin: c.origin.clone().unwrap_or_default(),
        origin_slug: slug(c.origin.as_deref().unwrap_or_default()),
        tag_links: c.tags.iter().map(|t| (t.clone(), tag_slug(t))).collect(),
        preamble: preamble(&c),
        refs: references(publication, &c)?,
        cited_by: cited_by(publication, &c)?,
        versions,
        articles: articles::links(publication, Some(&c.reference_id))?,
        diffs: (1..versions_n).flat_map(|a| (a + 1..=versions_n).map(move |b| (a, b))).collect(),
        diff_base: cable_href(&c.reference_id, c.created.as_deref()).trim_end_matches(".html").to_owned(),
        withheld: publication.withheld(&c.reference_id)?,
        cite,
        c,
    };
    Ok(Page::html(200, page.render()?))
}

/// `/cable/REFID` in any spelling (lower case, malformed as published, the release's number): a
/// redirect to the cable's page, or a 404 that says whether the cable is still to be released
/// and names released cables near it.
pub(crate) fn lookup(publication: &Publication, path: &str, id: &str) -> Result<Page> {
    let by_number = match id.parse::<i64>() {
        Ok(n) => publication.by_release_number(n)?,
        Err(_) => None,
    };
    let found = match by_number {
        Some(f) => Some(f),
        None => publication.find(id)?,
    };
    let message = match found {
        Some(l) => return Ok(Page::redirect(format!("/{}", cable_href(&l.reference_id, l.created.as_deref())))),
        None if publication.in_catalog(id)? => {
            format!("{} is in the collection but not released yet.", id.to_ascii_uppercase())
        }
        None => format!("There is no cable {}.", id.to_ascii_uppercase()),
    };
    let nearby = nearby(publication, id)?;
    let page = NotFound {
        common: common(publication, path),
        heading: "Not found",
        message,
        nearby,
        suggestion: path_words(path),
    };
    Ok(Page::html(404, page.render()?))
}

/// Released cables of the same year and post as `id`, the closest serials first: only what the
/// publication holds, so nothing unreleased is named.
fn nearby(publication: &Publication, id: &str) -> Result<Vec<(String, String)>> {
    let Some(r) = cablegate_cable::refid::canonicalize(id).and_then(|c| cablegate_cable::refid::parse(&c)) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{:02}{}", r.year, r.station);
    let mut found: Vec<(u32, String, Option<Timestamp>)> = publication
        .with_canonical_prefix(&prefix)?
        .into_iter()
        .filter_map(|(link, canonical)| {
            let p = cablegate_cable::refid::parse(&canonical)?;
            (p.station == r.station && p.year == r.year)
                .then(|| (p.serial.abs_diff(r.serial), link.reference_id, link.created))
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

/// A word-by-word diff of two versions of a cable's text, long unchanged stretches shortened.
pub(crate) fn diff(publication: &Publication, path: &str, id: &str, a: u32, b: u32) -> Result<Page> {
    let (Some(old), Some(new)) = (publication.version_text(id, a)?, publication.version_text(id, b)?) else {
        return Ok(not_found::page(publication, path, format!("{id} has no versions {a} and {b}.")));
    };
    let href = cable_href(id, old.created.as_deref());
    if a >= b || format!("/{}/diff_{a}_{b}.html", href.trim_end_matches(".html")) != path {
        return Ok(not_found::page(publication, path, format!("There is no page {path}.")));
    }
    let page = DiffPage {
        common: common(publication, path),
        reference_id: id.to_owned(),
        href,
        a,
        b,
        seen_a: short_time(&old.seen_at),
        seen_b: short_time(&new.seen_at),
        segments: segments(&old.text, &new.text),
    };
    Ok(Page::html(200, page.render()?))
}

/// The words of `old` and `new` as runs that stayed, went and came; a run that stayed longer
/// than 700 characters keeps 250 on either side.
fn segments(old: &str, new: &str) -> Vec<(Seg, String)> {
    let mut segments: Vec<(Seg, String)> = Vec::new();
    for change in similar::TextDiff::from_words(old, new).iter_all_changes() {
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
    segments
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
