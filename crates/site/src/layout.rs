//! What every page shares: the site-wide part of each page (`Common`, the top of `base.html`),
//! the rows of cable tables, and how pages write numbers, times, slugs and tags.

use cablegate_publication::{Listed, Publication, Timestamp};

use crate::route::cable_href;

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

/// The site-wide part of every page; each page's template reaches its fields through `Deref`.
pub(crate) struct Common {
    pub root: String,
    pub released: String,
    pub total: String,
    pub build: u32,
    pub made_at: Timestamp,
}

/// `impl Deref<Target = Common>` for page structs that hold their `Common` as `common`.
macro_rules! with_common {
    ($($page:ident),*) => {$(
        impl std::ops::Deref for $page {
            type Target = $crate::layout::Common;
            fn deref(&self) -> &$crate::layout::Common {
                &self.common
            }
        }
    )*};
}
pub(crate) use with_common;

/// The site-wide part of the page at `path`.
pub(crate) fn common(publication: &Publication, path: &str) -> Common {
    let m = publication.manifest();
    Common {
        root: root_of(path),
        released: thousands(m.released),
        total: thousands(m.total.max(m.released)),
        build: m.number,
        made_at: m.made_at.clone(),
    }
}

/// `../` as many times as `path` is deep.
pub(crate) fn root_of(path: &str) -> String {
    "../".repeat(path.trim_start_matches('/').matches('/').count())
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

/// A time as pages show it: `2009-04-20T16:45:00Z` -> `2009-04-20 16:45`.
pub fn short_time(iso: &str) -> String {
    iso.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| iso.to_owned())
}

/// A row of a table of cables (`table.html`).
pub(crate) struct Row {
    pub href: String,
    pub reference_id: String,
    pub subject: String,
    pub created: String,
    pub released: String,
    pub classification: String,
    pub origin: String,
}

pub(crate) fn rows(list: &[Listed]) -> Vec<Row> {
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
