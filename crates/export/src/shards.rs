//! The search index of a static mirror: an inverted index cut into small files that the mirror's
//! search page (`search.js`) fetches on demand, so a reader downloads only what a query needs and
//! no server runs.
//!
//! ```text
//! search/
//!   meta.json        layout, counts, the first term of every shard, months, origins, classifications
//!   t/N.bin          shard N: consecutive terms (in UTF-16 order) with their postings
//!   d/N.json         documents 32·N … 32·N+31: [id, subject, created, origin, class], origin and
//!                    class as numbers into meta.json's lists (from 1; 0: none)
//! ```
//!
//! Documents are numbered by creation time (undated first), so a `created:` range is a range of
//! numbers and "newest first" is descending order. Terms are the server's words
//! ([`cablegate_search::tokens`]) of the subject, the text and the reference ids, plus field terms
//! `tag:`, `origin:`, `class:`, `subject:` and `ref:`, and `origin=` with a post's whole name. A term's postings are either ascending
//! document numbers as LEB128 deltas or, when that is longer, a bitmap of every document, so no
//! term costs more than `docs / 8` bytes.
//!
//! Shard entry: `varint term length, term (UTF-8), varint count, u8 kind (0 deltas, 1 bitmap),
//! varint payload length, payload`.
//!
//! Memory while building: the terms and their compressed postings (about 1 GB at full scale).
//! Written by hand: the layout is what a small script in a browser can read with a `DataView`;
//! no crate writes an index for a browser to read in pieces.

use std::collections::HashMap;

use cablegate_build::Build;
use serde::Serialize;

/// The layout version, in `meta.json`.
pub const FORMAT: u32 = 1;
/// Documents per `d/N.json` file.
pub const CHUNK: usize = 32;
/// A shard is closed once it holds this many bytes (a single large term may exceed it, but no
/// term is larger than its bitmap).
const SHARD_BYTES: usize = 48 * 1024;

#[derive(Default)]
struct Postings {
    /// Document number plus one of the last posting (0: none yet).
    last: u32,
    count: u32,
    deltas: Vec<u8>,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Postings {
    fn add(&mut self, doc: u32) {
        if self.last == doc + 1 {
            return;
        }
        let prev = self.last.checked_sub(1);
        varint(
            &mut self.deltas,
            match prev {
                None => doc as u64,
                Some(p) => (doc - p) as u64,
            },
        );
        self.last = doc + 1;
        self.count += 1;
    }
}

impl Postings {
    /// The document numbers back from the deltas (the first is a delta from 0).
    fn docs(&self) -> impl Iterator<Item = u64> + '_ {
        let mut bytes = &self.deltas[..];
        let mut at = 0u64;
        std::iter::from_fn(move || {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let (&b, rest) = bytes.split_first()?;
                bytes = rest;
                v |= ((b & 0x7f) as u64) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            at += v;
            Some(at)
        })
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    build: u32,
    docs: u32,
    chunk: usize,
    /// The first term of each shard.
    shards: Vec<String>,
    /// `[YYYYMM, first document]` per month (0 for undated), ascending.
    months: Vec<(u32, u32)>,
    origins: &'a [String],
    classes: &'a [String],
}

/// A doc file's row. The page's address is the site's (`cable_href`): `cable/YYYY/MM/ID.html`, of
/// the creation time shown (`0000/00` when there is none); search.js makes it.
type DocRow = (String, String, String, u32, u32);

/// Every file of a build's mirror index, by path under the mirror's root.
pub fn files(build: &Build) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    let conn = build.connection();
    // about 150 million word occurrences at full scale: a fast hash, and no allocation per word
    let mut terms: rustc_hash::FxHashMap<Box<str>, Postings> = Default::default();
    let mut analyzer = cablegate_search::Words::default();
    let mut origins: Vec<String> = Vec::new();
    let mut classes: Vec<String> = Vec::new();
    let mut origin_ids: HashMap<String, u32> = HashMap::new();
    let mut class_ids: HashMap<String, u32> = HashMap::new();
    let mut months: Vec<(u32, u32)> = Vec::new();
    let mut rows: Vec<DocRow> = Vec::new();
    // the order first (sorting whole rows would carry every text through SQLite's sorter), then
    // each cable by its row id
    let order: Vec<i64> = conn
        .prepare("SELECT id FROM cables ORDER BY year IS NOT NULL, year, month, created, reference_id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT c.reference_id, c.canonical_id, c.subject, c.created, c.classification, c.origin, v.body,
                c.year * 100 + c.month,
                (SELECT group_concat(tag, char(31)) FROM tags t WHERE t.cable_id = c.id),
                (SELECT group_concat(cited_id, char(31)) FROM refs r WHERE r.cable_id = c.id AND cited_id IS NOT NULL)
         FROM cables c JOIN versions v ON v.cable_id = c.id AND v.version = c.versions
         WHERE c.id = ?1",
    )?;
    let mut doc: u32 = 0;
    for id in order {
        let mut q = stmt.query([id])?;
        let Some(r) = q.next()? else { continue };
        let reference_id: String = r.get(0)?;
        let canonical_id: String = r.get(1)?;
        let subject: Option<String> = r.get(2)?;
        let created: Option<String> = r.get(3)?;
        let class: Option<String> = r.get(4)?;
        let origin: Option<String> = r.get(5)?;
        let body: &str = r.get_ref(6)?.as_str().unwrap_or_default();
        let month: u32 = r.get::<_, Option<u32>>(7)?.unwrap_or(0);
        let tags: Option<String> = r.get(8)?;
        let cited: Option<String> = r.get(9)?;

        if months.last().map(|m| m.0) != Some(month) {
            months.push((month, doc));
        }

        let mut add = |t: &str| match terms.get_mut(t) {
            Some(x) => x.add(doc),
            None => terms.entry(t.into()).or_default().add(doc),
        };
        // a field's words as `field:word`, in one reused buffer
        let mut key = String::new();
        let mut field = |f: &str, analyzer: &mut cablegate_search::Words, text: &str, add: &mut dyn FnMut(&str)| {
            analyzer.each(text, |w| {
                key.clear();
                key.push_str(f);
                key.push_str(w);
                add(&key);
            })
        };
        // the words a plain query searches: subject, text, reference ids (as the server's idtext)
        let idtext = cablegate_search::id_text(&reference_id, &canonical_id);
        for text in [subject.as_deref().unwrap_or(""), body, &idtext] {
            analyzer.each(text, &mut add);
        }
        field("subject:", &mut analyzer, subject.as_deref().unwrap_or(""), &mut add);
        for t in tags.as_deref().unwrap_or("").split('\u{1f}').filter(|t| !t.is_empty()) {
            add(&format!("tag:{}", t.to_lowercase()));
        }
        let station = cablegate_cable::refid::parse(&canonical_id).map(|r| r.station.to_string()).unwrap_or_default();
        field("origin:", &mut analyzer, &format!("{} {station}", origin.as_deref().unwrap_or("")), &mut add);
        // the whole name too: `origin:"Embassy London"` reads one term, not two large ones
        if let Some(o) = origin.as_deref() {
            add(&format!("origin={}", cablegate_search::tokens(o).join(" ")));
        }
        field("class:", &mut analyzer, class.as_deref().unwrap_or(""), &mut add);
        for c in cited.as_deref().unwrap_or("").split('\u{1f}').filter(|t| !t.is_empty()) {
            add(&format!("ref:{}", c.to_lowercase()));
        }

        let id_of = |v: Option<String>, list: &mut Vec<String>, ids: &mut HashMap<String, u32>| match v {
            None => 0,
            Some(v) => *ids.entry(v.clone()).or_insert_with(|| {
                list.push(v);
                list.len() as u32
            }),
        };
        let o = id_of(origin, &mut origins, &mut origin_ids);
        let c = id_of(class, &mut classes, &mut class_ids);
        let shown = created.as_deref().map(cablegate_site::short_time).unwrap_or_default();
        rows.push((reference_id, subject.unwrap_or_default(), shown, o, c));
        doc += 1;
    }
    drop(stmt);
    let docs = doc;

    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, chunk) in rows.chunks(CHUNK).enumerate() {
        out.push((format!("search/d/{n}.json"), serde_json::to_vec(chunk).expect("rows serialise")));
    }
    drop(rows);

    // terms in UTF-16 order, the order a browser compares strings in
    let mut sorted: Vec<(Box<str>, Postings)> = terms.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let bitmap_len = (docs as usize).div_ceil(8);
    let mut shards: Vec<String> = Vec::new();
    let mut shard: Vec<u8> = Vec::new();
    let flush = |shard: &mut Vec<u8>, shards: &Vec<String>, out: &mut Vec<(String, Vec<u8>)>| {
        out.push((format!("search/t/{}.bin", shards.len() - 1), std::mem::take(shard)));
    };
    for (term, p) in sorted {
        if shards.is_empty() || shard.len() >= SHARD_BYTES {
            if !shard.is_empty() {
                flush(&mut shard, &shards, &mut out);
            }
            shards.push(term.to_string());
        }
        varint(&mut shard, term.len() as u64);
        shard.extend_from_slice(term.as_bytes());
        varint(&mut shard, p.count as u64);
        if p.deltas.len() > bitmap_len {
            let mut bits = vec![0u8; bitmap_len];
            for doc in p.docs() {
                bits[(doc / 8) as usize] |= 1 << (doc % 8);
            }
            shard.push(1);
            varint(&mut shard, bits.len() as u64);
            shard.extend_from_slice(&bits);
        } else {
            shard.push(0);
            varint(&mut shard, p.deltas.len() as u64);
            shard.extend_from_slice(&p.deltas);
        }
    }
    if !shard.is_empty() {
        flush(&mut shard, &shards, &mut out);
    }
    let meta = Meta {
        format: FORMAT,
        build: build.manifest().number,
        docs,
        chunk: CHUNK,
        shards,
        months,
        origins: &origins,
        classes: &classes,
    };
    out.push(("search/meta.json".to_owned(), serde_json::to_vec(&meta).expect("meta serialises")));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_ascending_deltas_without_repeats() {
        let mut p = Postings::default();
        for d in [0, 0, 3, 3, 200, 201] {
            p.add(d);
        }
        assert_eq!(p.count, 4);
        // 0, +3, +197 (two bytes), +1
        assert_eq!(p.deltas, vec![0, 3, 197, 1, 1]);
        assert_eq!(p.docs().collect::<Vec<_>>(), [0, 3, 200, 201]);
    }
}
