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

pub(crate) struct Collect {
    pub enabled: bool,
    pub names: Arc<Names>,
}

pub(crate) struct Segment {
    cols: Option<Cols>,
}

struct Cols {
    packed: Column<u64>,
    tag: Column<u64>,
    counts: Counts,
    /// Matches waiting to be counted: column values are read a block at a time.
    docs: Vec<DocId>,
    packed_vals: Vec<Option<u64>>,
    tag_docs: Vec<DocId>,
    tag_rows: Vec<u32>,
    tag_vals: Vec<u64>,
}

const BLOCK: usize = 256;

impl Cols {
    fn flush(&mut self) {
        if self.docs.is_empty() {
            return;
        }
        self.packed_vals.clear();
        self.packed_vals.resize(self.docs.len(), None);
        self.packed.first_vals(&self.docs, &mut self.packed_vals);
        for p in self.packed_vals.iter().flatten() {
            let (origin, class, month) = ((p >> 32) as usize, (p >> 16 & NONE) as usize, (p & NONE) as usize);
            if let Some(n) = self.counts.origin.get_mut(origin) {
                *n += 1;
            }
            if let Some(n) = self.counts.class.get_mut(class) {
                *n += 1;
            }
            if month > 0 {
                self.counts.months[month - 1] += 1;
            }
        }
        self.tag_docs.clear();
        self.tag_rows.clear();
        self.tag.index.docids_to_rowids(&self.docs, &mut self.tag_docs, &mut self.tag_rows);
        self.tag_vals.clear();
        self.tag_vals.resize(self.tag_rows.len(), 0);
        self.tag.values.get_vals(&self.tag_rows, &mut self.tag_vals);
        for &t in &self.tag_vals {
            if let Some(n) = self.counts.tag.get_mut(t as usize) {
                *n += 1;
            }
        }
        self.docs.clear();
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
            return Ok(Segment { cols: None });
        }
        let ff = reader.fast_fields();
        Ok(Segment {
            cols: Some(Cols {
                packed: ff.u64("packed")?,
                tag: ff.u64("tag_ids")?,
                counts: Counts {
                    origin: vec![0; self.names.origin.len()],
                    class: vec![0; self.names.classification.len()],
                    tag: vec![0; self.names.tag.len()],
                    months: vec![0; MONTHS],
                },
                docs: Vec::with_capacity(BLOCK),
                packed_vals: Vec::with_capacity(BLOCK),
                tag_docs: Vec::new(),
                tag_rows: Vec::new(),
                tag_vals: Vec::new(),
            }),
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
        let Some(c) = &mut self.cols else { return };
        c.docs.push(doc);
        if c.docs.len() == BLOCK {
            c.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let Some(c) = &mut self.cols else { return };
        for chunk in docs.chunks(BLOCK) {
            c.docs.extend_from_slice(chunk);
            c.flush();
        }
    }

    fn harvest(self) -> Counts {
        match self.cols {
            Some(mut c) => {
                c.flush();
                c.counts
            }
            None => Counts::default(),
        }
    }
}
