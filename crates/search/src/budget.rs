//! A query's time budget: a collector that stops walking a segment's matches once its deadline
//! has passed, and says so. What was collected by then is the answer.
//!
//! Tantivy's collectors see every match (`Weight::for_each`) and cannot stop a walk; this one
//! walks the scorer itself, as tantivy's default does, and looks at the clock every
//! [`CHECK_EVERY`] matches (a clock read is some 25 ns; a match, a few).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, COLLECT_BLOCK_BUFFER_LEN, TERMINATED};

/// Matches between two looks at the clock.
const CHECK_EVERY: u32 = 1024;

/// `inner`, cut short at `deadline`; `cut` tells afterwards whether it was.
pub(crate) struct Budget<'a, C> {
    pub inner: C,
    pub deadline: Instant,
    pub cut: &'a AtomicBool,
}

impl<C: Collector> Collector for Budget<'_, C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<C::Child> {
        self.inner.for_segment(ord, segment)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<<C::Child as SegmentCollector>::Fruit>) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        let mut child = self.inner.for_segment(ord, reader)?;
        if Instant::now() >= self.deadline {
            self.cut.store(true, Ordering::Relaxed);
            return Ok(child.harvest());
        }
        let alive = reader.alive_bitset();
        let is_alive = |doc: DocId| alive.is_none_or(|a| a.is_alive(doc));
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut seen = 0u32;
        if self.inner.requires_scoring() {
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if is_alive(doc) {
                    let score: Score = scorer.score();
                    child.collect(doc, score);
                }
                seen += 1;
                if seen % CHECK_EVERY == 0 && Instant::now() >= self.deadline {
                    self.cut.store(true, Ordering::Relaxed);
                    break;
                }
                doc = scorer.advance();
            }
        } else {
            let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
            loop {
                let n = scorer.fill_buffer(&mut buffer);
                let docs = &buffer[..n];
                if alive.is_none() {
                    child.collect_block(docs);
                } else {
                    for &doc in docs.iter().filter(|&&d| is_alive(d)) {
                        child.collect(doc, 0.0);
                    }
                }
                if n < buffer.len() {
                    break;
                }
                seen += n as u32;
                if seen % CHECK_EVERY == 0 && Instant::now() >= self.deadline {
                    self.cut.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
        Ok(child.harvest())
    }
}
