//! Facet counts and the month histogram over every match, in one pass over the fast fields:
//! per segment, counts by term ordinal in plain arrays; names are looked up once at the end.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

pub(crate) struct Collect {
    pub enabled: bool,
}

pub(crate) struct Segment {
    cols: Option<Cols>,
}

struct Cols {
    origin: Option<(StrColumn, Vec<u64>)>,
    tag: Option<(StrColumn, Vec<u64>)>,
    class: Option<(StrColumn, Vec<u64>)>,
    created: Column<u64>,
    /// by month since year 1900
    months: Vec<u64>,
}

#[derive(Default)]
pub(crate) struct Partial {
    origin: HashMap<String, u64>,
    tag: HashMap<String, u64>,
    class: HashMap<String, u64>,
    months: HashMap<u32, u64>,
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
        let str_col = |name: &str| -> tantivy::Result<Option<(StrColumn, Vec<u64>)>> {
            Ok(ff.str(name)?.map(|c| {
                let n = c.num_terms();
                (c, vec![0; n])
            }))
        };
        Ok(Segment {
            cols: Some(Cols {
                origin: str_col("origin")?,
                tag: str_col("tag")?,
                class: str_col("class")?,
                created: ff.u64("created")?,
                months: vec![0; MONTHS],
            }),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<Partial>) -> tantivy::Result<Facets> {
        let mut all = Partial::default();
        for p in parts {
            for (k, v) in p.origin {
                *all.origin.entry(k).or_default() += v;
            }
            for (k, v) in p.tag {
                *all.tag.entry(k).or_default() += v;
            }
            for (k, v) in p.class {
                *all.class.entry(k).or_default() += v;
            }
            for (k, v) in p.months {
                *all.months.entry(k).or_default() += v;
            }
        }
        let by_count = |m: HashMap<String, u64>| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        let mut month: Vec<(u32, u64)> = all.months.into_iter().collect();
        month.sort();
        let mut years: HashMap<u32, u64> = HashMap::new();
        for &(m, n) in &month {
            *years.entry(m / 100).or_default() += n;
        }
        let mut year: Vec<(u32, u64)> = years.into_iter().collect();
        year.sort();
        Ok(Facets {
            origin: by_count(all.origin),
            tag: by_count(all.tag),
            classification: by_count(all.class),
            year,
            month,
        })
    }
}

impl SegmentCollector for Segment {
    type Fruit = Partial;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(c) = &mut self.cols else { return };
        for (col, counts) in [&mut c.origin, &mut c.tag, &mut c.class].into_iter().flatten() {
            for ord in col.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
        if let Some(t) = c.created.first(doc) {
            // YYYYMMDDhhmm
            let (y, m) = (t / 1_0000_0000, t / 100_0000 % 100);
            if let Some(i) = y.checked_sub(BASE_YEAR).map(|y| (y * 12 + m.saturating_sub(1)) as usize) {
                if i < MONTHS {
                    c.months[i] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Partial {
        let mut out = Partial::default();
        let Some(c) = self.cols else { return out };
        let names = |x: Option<(StrColumn, Vec<u64>)>| {
            let mut m = HashMap::new();
            if let Some((col, counts)) = x {
                let mut s = String::new();
                for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                    s.clear();
                    if col.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                        m.insert(s.clone(), n);
                    }
                }
            }
            m
        };
        out.origin = names(c.origin);
        out.tag = names(c.tag);
        out.class = names(c.class);
        for (i, n) in c.months.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            let (y, m) = (BASE_YEAR as u32 + i as u32 / 12, i as u32 % 12 + 1);
            out.months.insert(y * 100 + m, n);
        }
        out
    }
}
