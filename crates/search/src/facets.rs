//! Facet counts and the month histogram over every match, in one pass over the fast fields.
//!
//! Origins, classifications and tags are numbered once for the whole index while it is written
//! (`facets.json` beside the segments holds the names), and each cable carries its numbers in
//! integer fast fields: counting a match is a few array increments, and the names are looked up
//! once at the end. (Counting term ordinals of string columns instead meant decoding the term
//! dictionaries of every segment at every query, which dominated the time of a results page.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::{Error, Result};

const FILE: &str = "facets.json";

/// No origin or classification.
pub(crate) const NONE: u64 = 0xffff;

/// Origin (16 bits), classification (16 bits) and month since 1900 plus one (0: no date), in one
/// integer.
pub(crate) fn pack(origin: u64, class: u64, created: Option<u64>) -> u64 {
    let month = created
        .and_then(|t| {
            let (y, m) = (t / 1_0000_0000, t / 100_0000 % 100);
            y.checked_sub(BASE_YEAR).map(|y| y * 12 + m.saturating_sub(1) + 1).filter(|&i| (i as usize) <= MONTHS)
        })
        .unwrap_or(0);
    (origin.min(NONE) << 32) | (class.min(NONE) << 16) | month
}

/// Counts of the matching cables by origin, tag, classification, year and month; each list is
/// sorted by count, most first (years and months by date).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub origin: Vec<(String, u64)>,
    pub tag: Vec<(String, u64)>,
    pub classification: Vec<(String, u64)>,
    pub year: Vec<(u32, u64)>,
    /// `YYYYMM` and the matches created that month.
    pub month: Vec<(u32, u64)>,
}

/// Numbers names as the index is written.
#[derive(Default)]
pub(crate) struct Table {
    ids: HashMap<String, u64>,
    names: Vec<String>,
}

impl Table {
    pub(crate) fn id(&mut self, name: &str) -> u64 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u64;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }
}

#[derive(Default)]
pub(crate) struct Tables {
    pub origin: Table,
    pub class: Table,
    pub tag: Table,
}

/// The names behind the numbers, as `facets.json` holds them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Names {
    origin: Vec<String>,
    classification: Vec<String>,
    tag: Vec<String>,
}

impl Tables {
    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let names = Names {
            origin: self.origin.names.clone(),
            classification: self.class.names.clone(),
            tag: self.tag.names.clone(),
        };
        let path = dir.join(FILE);
        std::fs::write(&path, serde_json::to_vec(&names).expect("names serialise"))
            .map_err(|source| Error::Io { path, source })
    }
}

impl Names {
    pub(crate) fn read(dir: &Path) -> Result<Names> {
        let path = dir.join(FILE);
        let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Io { path, source: std::io::Error::other(e) })
    }
}

/// A segment's facet numbers, read out of its fast fields once when the index is opened: counting
/// a match is then two array reads. (Read through the columns at every match, they took a fifth
/// of a results page's time for a query with 70,000 matches.)
pub(crate) struct Numbers {
    /// [`pack`]ed origin, classification and month, by document.
    packed: Vec<u64>,
    /// Document `d`'s tags are `tags[tag_start[d]..tag_start[d + 1]]`.
    tag_start: Vec<u32>,
    tags: Vec<u32>,
}

impl Numbers {
    pub(crate) fn read(reader: &SegmentReader) -> tantivy::Result<Numbers> {
        let ff = reader.fast_fields();
        let (packed_col, tag_col): (Column<u64>, Column<u64>) = (ff.u64("packed")?, ff.u64("tag_ids")?);
        let n = reader.max_doc();
        let mut numbers = Numbers {
            packed: Vec::with_capacity(n as usize),
            tag_start: Vec::with_capacity(n as usize + 1),
            tags: Vec::new(),
        };
        for doc in 0..n {
            numbers.packed.push(packed_col.first(doc).unwrap_or(pack(NONE, NONE, None)));
            numbers.tag_start.push(numbers.tags.len() as u32);
            numbers.tags.extend(tag_col.values_for_doc(doc).map(|t| t as u32));
        }
        numbers.tag_start.push(numbers.tags.len() as u32);
        Ok(numbers)
    }
}

/// The [`Numbers`] of an index's segments.
pub(crate) type SegmentNumbers = HashMap<tantivy::index::SegmentId, Arc<Numbers>>;

pub(crate) struct Collect {
    pub enabled: bool,
    pub names: Arc<Names>,
    pub numbers: Arc<SegmentNumbers>,
}

pub(crate) struct Segment {
    numbers: Option<Arc<Numbers>>,
    counts: Counts,
    /// Matches not counted yet: they are counted [`BATCH`] at a time.
    pending: Vec<DocId>,
}

/// How many matches are counted together. A match's numbers are rarely in the processor's cache;
/// read one match at a time, between the scorer's work on the next matches, each read waited for
/// memory alone. In a batch, the reads of many matches are under way at once.
const BATCH: usize = 64;

impl Segment {
    fn count(&mut self, docs: &[DocId]) {
        let Some(numbers) = &self.numbers else { return };
        let c = &mut self.counts;
        let mut tags: [(u32, u32); BATCH] = [(0, 0); BATCH];
        for chunk in docs.chunks(BATCH) {
            // first what does not depend on another read: the packed numbers and where the tags are
            for (&doc, span) in chunk.iter().zip(tags.iter_mut()) {
                let d = doc as usize;
                let Some(&p) = numbers.packed.get(d) else {
                    *span = (0, 0);
                    continue;
                };
                let (origin, class, month) = ((p >> 32) as usize, (p >> 16 & NONE) as usize, (p & NONE) as usize);
                if let Some(n) = c.origin.get_mut(origin) {
                    *n += 1;
                }
                if let Some(n) = c.class.get_mut(class) {
                    *n += 1;
                }
                if month > 0 {
                    c.months[month - 1] += 1;
                }
                *span = (numbers.tag_start[d], numbers.tag_start[d + 1]);
            }
            for &(a, b) in &tags[..chunk.len()] {
                for &t in &numbers.tags[a as usize..b as usize] {
                    if let Some(n) = c.tag.get_mut(t as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.count(&pending);
        self.pending = pending;
        self.pending.clear();
    }
}

/// Counts by number; months since January 1900.
#[derive(Default)]
pub(crate) struct Counts {
    origin: Vec<u64>,
    class: Vec<u64>,
    tag: Vec<u64>,
    months: Vec<u64>,
}

const BASE_YEAR: u64 = 1900;
const MONTHS: usize = 200 * 12;

impl Collector for Collect {
    type Fruit = Facets;
    type Child = Segment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Segment> {
        if !self.enabled {
            return Ok(Segment { numbers: None, counts: Counts::default(), pending: Vec::new() });
        }
        let numbers = match self.numbers.get(&reader.segment_id()) {
            Some(n) => n.clone(),
            None => Arc::new(Numbers::read(reader)?),
        };
        Ok(Segment {
            numbers: Some(numbers),
            counts: Counts {
                origin: vec![0; self.names.origin.len()],
                class: vec![0; self.names.classification.len()],
                tag: vec![0; self.names.tag.len()],
                months: vec![0; MONTHS],
            },
            pending: Vec::with_capacity(BATCH),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<Counts>) -> tantivy::Result<Facets> {
        let mut all = Counts {
            origin: vec![0; self.names.origin.len()],
            class: vec![0; self.names.classification.len()],
            tag: vec![0; self.names.tag.len()],
            months: vec![0; MONTHS],
        };
        for p in parts {
            for (a, b) in [
                (&mut all.origin, p.origin),
                (&mut all.class, p.class),
                (&mut all.tag, p.tag),
                (&mut all.months, p.months),
            ] {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
        }
        let named = |counts: &[u64], names: &[String]| {
            let mut v: Vec<(String, u64)> =
                counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| (names[i].clone(), *n)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        let month: Vec<(u32, u64)> = all
            .months
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| ((BASE_YEAR as u32 + i as u32 / 12) * 100 + i as u32 % 12 + 1, *n))
            .collect();
        let mut year: Vec<(u32, u64)> = Vec::new();
        for &(m, n) in &month {
            match year.last_mut() {
                Some((y, c)) if *y == m / 100 => *c += n,
                _ => year.push((m / 100, n)),
            }
        }
        Ok(Facets {
            origin: named(&all.origin, &self.names.origin),
            tag: named(&all.tag, &self.names.tag),
            classification: named(&all.class, &self.names.classification),
            year,
            month,
        })
    }
}

impl SegmentCollector for Segment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        if self.numbers.is_none() {
            return;
        }
        self.pending.push(doc);
        if self.pending.len() == BATCH {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.flush();
        self.count(docs);
    }

    fn harvest(mut self) -> Counts {
        self.flush();
        self.counts
    }
}
