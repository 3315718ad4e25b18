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
//! Memory while building: every term and its document numbers, four bytes each (the whole
//! full-scale export, pages included, peaked at 1.3–1.65 GB).
//! Written by hand: the layout is what a small script in a browser can read with a `DataView`;
//! no crate writes an index for a browser to read in pieces.

use std::collections::HashMap;

use cablegate_publication::Publication;
use serde::Serialize;

/// The layout version, in `meta.json`.
pub const FORMAT: u32 = 1;
/// Documents per `d/N.json` file.
pub const CHUNK: usize = 32;
/// A shard is closed once it holds this many bytes (a single large term may exceed it, but no
/// term is larger than its bitmap).
const SHARD_BYTES: usize = 48 * 1024;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Ascending document numbers as LEB128 deltas (the first from 0).
fn deltas(docs: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.len() + 4);
    let mut prev = 0;
    for &d in docs {
        varint(&mut out, (d - prev) as u64);
        prev = d;
    }
    out
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
///
/// The terms and postings are read from the build's search index (its words were made once, at
/// publish, by the same analyzer), renumbered by creation time and merged across fields; only
/// the small details of each cable are read from its database.
pub fn files(build: &Publication) -> crate::Result<Vec<(String, Vec<u8>)>> {
    let Documents { count, rows, doc_of, months, origins, classes } = documents(build)?;
    let terms = terms(build, &doc_of)?;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, chunk) in rows.chunks(CHUNK).enumerate() {
        out.push((format!("search/d/{n}.json"), serde_json::to_vec(chunk).expect("rows serialise")));
    }
    // the rows weigh tens of megabytes at full scale: gone before the terms are sorted
    drop(rows);
    let shards = write_shards(terms, count, &mut out);
    let meta = Meta {
        format: FORMAT,
        build: build.manifest().number,
        docs: count,
        chunk: CHUNK,
        shards,
        months,
        origins: &origins,
        classes: &classes,
    };
    out.push(("search/meta.json".to_owned(), serde_json::to_vec(&meta).expect("meta serialises")));
    Ok(out)
}

/// The mirror's documents: every cable by creation time, numbered so.
struct Documents {
    count: u32,
    /// Each document's row of details.
    rows: Vec<DocRow>,
    /// A cable's document number, by its row id (the search index's key); `u32::MAX` for none.
    doc_of: Vec<u32>,
    /// `[YYYYMM, first document]` per month.
    months: Vec<(u32, u32)>,
    /// Origins and classifications by number (from 1; 0 for none).
    origins: Vec<String>,
    classes: Vec<String>,
}

/// Every cable of the build as a document of the mirror's index, by creation time.
fn documents(build: &Publication) -> crate::Result<Documents> {
    let mut origins: Vec<String> = Vec::new();
    let mut classes: Vec<String> = Vec::new();
    let mut origin_ids: HashMap<String, u32> = HashMap::new();
    let mut class_ids: HashMap<String, u32> = HashMap::new();
    let mut months: Vec<(u32, u32)> = Vec::new();
    let mut rows: Vec<DocRow> = Vec::new();
    // a cable's document number, by its row id (the search index's key)
    let mut doc_of: Vec<u32> = Vec::new();
    let mut doc: u32 = 0;
    build.each_by_creation(|r| {
        if months.last().map(|m| m.0) != Some(r.month) {
            months.push((r.month, doc));
        }
        let id = usize::try_from(r.key).unwrap_or(usize::MAX);
        if id < 64 * 1024 * 1024 {
            if doc_of.len() <= id {
                doc_of.resize(id + 1, u32::MAX);
            }
            doc_of[id] = doc;
        }
        let id_of = |v: Option<String>, list: &mut Vec<String>, ids: &mut HashMap<String, u32>| match v {
            None => 0,
            Some(v) => *ids.entry(v.clone()).or_insert_with(|| {
                list.push(v);
                list.len() as u32
            }),
        };
        let o = id_of(r.origin, &mut origins, &mut origin_ids);
        let c = id_of(r.classification, &mut classes, &mut class_ids);
        let shown = r.created.as_deref().map(cablegate_site::short_time).unwrap_or_default();
        rows.push((r.reference_id, r.subject.unwrap_or_default(), shown, o, c));
        doc += 1;
    })?;
    Ok(Documents { count: doc, rows, doc_of, months, origins, classes })
}

/// Every term of the build's index under the mirror's name for it, with its document numbers
/// (unsorted, repeated where several fields or segments hold a cable).
fn terms(build: &Publication, doc_of: &[u32]) -> crate::Result<rustc_hash::FxHashMap<Box<str>, Vec<u32>>> {
    let index = build.search()?;
    let mut terms: rustc_hash::FxHashMap<Box<str>, Vec<u32>> = Default::default();
    let mut name = String::new();
    {
        use cablegate_search::TermField as F;
        let mut read = |field: F, prefix: &str, spell: &dyn Fn(&str, &mut String)| -> crate::Result<()> {
            index.each_term(field, |term, keys| {
                name.clear();
                name.push_str(prefix);
                spell(term, &mut name);
                let list = match terms.get_mut(name.as_str()) {
                    Some(l) => l,
                    None => terms.entry(name.as_str().into()).or_default(),
                };
                list.extend(keys.iter().filter_map(|&k| doc_of.get(k as usize).copied().filter(|&d| d != u32::MAX)));
            })?;
            Ok(())
        };
        let same = |t: &str, out: &mut String| out.push_str(t);
        let lower = |t: &str, out: &mut String| out.push_str(&t.to_lowercase());
        // the words a plain query searches: subject, text, reference ids
        for field in [F::Subject, F::Body, F::IdText] {
            read(field, "", &same)?;
        }
        read(F::Subject, "subject:", &same)?;
        read(F::Tag, "tag:", &lower)?;
        read(F::OriginText, "origin:", &same)?;
        // the whole name too: `origin:"Embassy London"` reads one term, not two large ones
        read(F::Origin, "origin=", &|t: &str, out: &mut String| out.push_str(&cablegate_search::tokens(t).join(" ")))?;
        read(F::ClassText, "class:", &same)?;
        read(F::Ref, "ref:", &lower)?;
    }

    Ok(terms)
}

/// The terms and their postings cut into shards of about `SHARD_BYTES`, pushed to `out`; the
/// first term of each shard.
fn write_shards(
    terms: rustc_hash::FxHashMap<Box<str>, Vec<u32>>,
    docs: u32,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Vec<String> {
    // terms in UTF-16 order, the order a browser compares strings in
    let mut sorted: Vec<(Box<str>, Vec<u32>)> = terms.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let bitmap_len = (docs as usize).div_ceil(8);
    let mut shards: Vec<String> = Vec::new();
    let mut shard: Vec<u8> = Vec::new();
    let flush = |shard: &mut Vec<u8>, shards: &Vec<String>, out: &mut Vec<(String, Vec<u8>)>| {
        out.push((format!("search/t/{}.bin", shards.len() - 1), std::mem::take(shard)));
    };
    for (term, mut p) in sorted {
        // the same cable from several fields or segments, in the order they were read
        p.sort_unstable();
        p.dedup();
        let p_deltas = deltas(&p);
        if shards.is_empty() || shard.len() >= SHARD_BYTES {
            if !shard.is_empty() {
                flush(&mut shard, &shards, out);
            }
            shards.push(term.to_string());
        }
        varint(&mut shard, term.len() as u64);
        shard.extend_from_slice(term.as_bytes());
        varint(&mut shard, p.len() as u64);
        if p_deltas.len() > bitmap_len {
            let mut bits = vec![0u8; bitmap_len];
            for &doc in &p {
                bits[(doc / 8) as usize] |= 1 << (doc % 8);
            }
            shard.push(1);
            varint(&mut shard, bits.len() as u64);
            shard.extend_from_slice(&bits);
        } else {
            shard.push(0);
            varint(&mut shard, p_deltas.len() as u64);
            shard.extend_from_slice(&p_deltas);
        }
    }
    if !shard.is_empty() {
        flush(&mut shard, &shards, out);
    }
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_ascending_deltas() {
        // 0, +3, +197 (two bytes), +1
        assert_eq!(deltas(&[0, 3, 200, 201]), vec![0, 3, 197, 1, 1]);
        assert_eq!(deltas(&[5]), vec![5]);
    }
}
