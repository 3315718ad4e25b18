//! Full-text search over the cables of one build: the tantivy index a build carries in its
//! `search/` folder, the query language readers type ([`query`]), facet counts, a histogram of
//! matches per month and snippets from the paragraphs that matched.
//!
//! The index is written by the build writer from the same released, redacted cables it stores,
//! so it can only hold terms the public may see. This crate knows nothing of archives or builds:
//! it takes [`Doc`]s and answers [`Results`] of reference ids.

mod budget;
mod facets;
pub mod query;
mod snippet;

use std::ops::Bound;
use std::path::{Path, PathBuf};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STRING};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
};
use tantivy::{DocAddress, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

pub use facets::Facets;
pub use query::{parse, Clause, Parsed, MAX_QUERY_CHARS, MAX_QUERY_WORDS};

/// The deepest result a search gives (its offset and limit together): beyond it, no hits and
/// nothing allocated for them. The site's pages stop at page `MAX_RESULTS / 20`.
pub const MAX_RESULTS: usize = 10_000;
pub use snippet::{Highlighter, Snippet};

/// The analyzer of every text field: words of letters and digits, lowercased, accents folded,
/// no stemming and no stop words (`"the"` matters in a phrase).
pub const TOKENIZER: &str = "cable";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index {path}: {source}")]
    Tantivy { path: PathBuf, source: tantivy::TantivyError },
    #[error("search index {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The words of `text` as the index has them.
pub fn tokens(text: &str) -> Vec<String> {
    let mut a = analyzer();
    let mut s = a.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}

/// The text a cable's reference ids are searched in: both spellings, and the station, serial
/// and year apart (`LONDON 923` finds 09LONDON923).
pub fn id_text(reference_id: &str, canonical_id: &str) -> String {
    let mut idtext = format!("{reference_id} {canonical_id}");
    if let Some(r) = cablegate_cable::refid::parse(canonical_id) {
        idtext.push_str(&format!(" {} {} {:02}", r.station, r.serial, r.year));
    }
    idtext
}

/// The indexed fields [`Index::each_term`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermField {
    /// Words of the subject.
    Subject,
    /// Words of the text.
    Body,
    /// Words of the reference ids ([`id_text`]).
    IdText,
    /// Tags, upper case, whole.
    Tag,
    /// The origin's whole name.
    Origin,
    /// Words of the origin's name and the station of the reference id.
    OriginText,
    /// Words of the classification.
    ClassText,
    /// Canonical ids of the cables cited, whole.
    Ref,
}

#[derive(Clone, Copy)]
struct Fields {
    key: tantivy::schema::Field,
    /// Origin, classification and month numbers in one integer: one read per match (facets.rs).
    packed: tantivy::schema::Field,
    tag_ids: tantivy::schema::Field,
    subject: tantivy::schema::Field,
    body: tantivy::schema::Field,
    idtext: tantivy::schema::Field,
    tag: tantivy::schema::Field,
    origin: tantivy::schema::Field,
    origin_text: tantivy::schema::Field,
    class: tantivy::schema::Field,
    class_text: tantivy::schema::Field,
    refs: tantivy::schema::Field,
    created: tantivy::schema::Field,
    released: tantivy::schema::Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |positions: bool| {
        let record = if positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
        TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(record))
    };
    let time = NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        key: b.add_u64_field("key", FAST),
        packed: b.add_u64_field("packed", FAST),
        tag_ids: b.add_u64_field("tag_ids", FAST),
        subject: b.add_text_field("subject", text(true)),
        body: b.add_text_field("body", text(true)),
        idtext: b.add_text_field("idtext", text(true)),
        tag: b.add_text_field("tag", STRING),
        origin: b.add_text_field("origin", STRING),
        origin_text: b.add_text_field("origin_text", text(true)),
        class: b.add_text_field("class", STRING),
        class_text: b.add_text_field("class_text", text(true)),
        refs: b.add_text_field("ref", STRING),
        created: b.add_u64_field("created", time.clone()),
        released: b.add_u64_field("released", time),
    };
    (b.build(), fields)
}

fn register(index: &tantivy::Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
}

/// One cable to index: its public, redacted parts.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    /// What a hit gives back: the caller's number for the cable (a build's row id).
    pub key: u64,
    pub reference_id: &'a str,
    pub canonical_id: &'a str,
    pub subject: Option<&'a str>,
    /// The body as released (redacted).
    pub text: &'a str,
    pub tags: &'a [String],
    pub origin: Option<&'a str>,
    pub classification: Option<&'a str>,
    /// Canonical ids of the cables this one cites.
    pub refs: Vec<&'a str>,
    /// Creation and release times, in any form `parse_timestamp` reads.
    pub created: Option<&'a str>,
    pub released: &'a str,
}

/// Writes a new index into a folder.
pub struct Indexer {
    writer: IndexWriter,
    fields: Fields,
    dir: PathBuf,
    tables: facets::Tables,
}

impl Indexer {
    /// Creates an index in `dir` (made if missing; must be empty), indexing on `threads` threads
    /// within `memory` bytes.
    pub fn create(dir: &Path, threads: usize, memory: usize) -> Result<Indexer> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_owned(), source })?;
        let (schema, fields) = schema();
        let t = |source| Error::Tantivy { path: dir.to_owned(), source };
        let index = tantivy::Index::create_in_dir(dir, schema).map_err(t)?;
        register(&index);
        let threads = threads.max(1);
        let writer: IndexWriter =
            index.writer_with_num_threads(threads, memory.max(threads * 20_000_000)).map_err(t)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(Indexer { writer, fields, dir: dir.to_owned(), tables: facets::Tables::default() })
    }

    /// Queues a cable for indexing (the work happens on the indexer's threads).
    pub fn add(&mut self, d: &Doc) -> Result<()> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.key, d.key);
        let (mut origin_id, mut class_id) = (facets::NONE, facets::NONE);
        if let Some(s) = d.subject {
            doc.add_text(f.subject, s);
        }
        doc.add_text(f.body, d.text);
        doc.add_text(f.idtext, id_text(d.reference_id, d.canonical_id));
        for t in d.tags {
            // tags are searched in any case (the release has both `PREL` and `prel`)
            doc.add_text(f.tag, t.to_uppercase());
            doc.add_u64(f.tag_ids, self.tables.tag.id(t));
        }
        if let Some(o) = d.origin {
            doc.add_text(f.origin, o);
            doc.add_text(f.origin_text, o);
            origin_id = self.tables.origin.id(o);
        }
        if let Some(r) = cablegate_cable::refid::parse(d.canonical_id) {
            doc.add_text(f.origin_text, r.station);
        }
        if let Some(c) = d.classification {
            doc.add_text(f.class, c);
            doc.add_text(f.class_text, c);
            class_id = self.tables.class.id(c);
        }
        for r in &d.refs {
            doc.add_text(f.refs, r);
        }
        let created = d.created.and_then(query::time_key);
        if let Some(t) = created {
            doc.add_u64(f.created, t);
        }
        doc.add_u64(f.packed, facets::pack(origin_id, class_id, created));
        if let Some(t) = query::time_key(d.released) {
            doc.add_u64(f.released, t);
        }
        self.writer.add_document(doc).map_err(|source| Error::Tantivy { path: self.dir.clone(), source })?;
        Ok(())
    }

    /// Commits, waits for merges and leaves the index in its folder.
    pub fn finish(mut self) -> Result<()> {
        self.tables.write(&self.dir)?;
        let t = |source| Error::Tantivy { path: self.dir.clone(), source };
        self.writer.commit().map_err(t)?;
        let dir = self.dir.clone();
        self.writer.wait_merging_threads().map_err(|source| Error::Tantivy { path: dir, source })
    }
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
    /// Latest released first (feeds).
    Released,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "relevance" | "" => Some(Sort::Relevance),
            "newest" | "date" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            "released" => Some(Sort::Released),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Released => "released",
        }
    }
}

/// What to return.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Count facets and months over every match.
    pub facets: bool,
    /// How long the walk over the matches may take: past it, the search stops and answers what
    /// it found, with [`Results::partial`] set. `None`: no limit.
    pub budget: Option<std::time::Duration>,
}

/// The time a search may take by default ([`Options::budget`]): far above what any query
/// within the limits ([`MAX_QUERY_WORDS`]) takes, so that it only ever cuts a search on a
/// machine in trouble, or on a collection far larger than this one.
pub const BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

impl Default for Options {
    fn default() -> Self {
        Options { sort: Sort::Relevance, offset: 0, limit: 20, facets: true, budget: Some(BUDGET) }
    }
}

/// One matching cable.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    /// The [`Doc::key`] it was indexed with.
    pub key: u64,
    /// The BM25 score (0 when sorted by date).
    pub score: f32,
}

/// The answer to a query.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Results {
    /// Every matching cable, counted exactly.
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The search ran out of its time ([`Options::budget`]): `total`, `hits` and `facets` are
    /// those of the matches found by then.
    pub partial: bool,
}

/// An index, open for searching; cheap to share between threads.
pub struct Index {
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
    tables: std::sync::Arc<facets::Names>,
    numbers: std::sync::Arc<facets::SegmentNumbers>,
}

impl Index {
    pub fn open(dir: &Path) -> Result<Index> {
        let t = |source| Error::Tantivy { path: dir.to_owned(), source };
        let mut index = tantivy::Index::open_in_dir(dir).map_err(t)?;
        // a query's segments are searched side by side, one thread a core
        index.set_default_multithread_executor().map_err(t)?;
        register(&index);
        let (_, fields) = schema();
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(t)?;
        let tables = std::sync::Arc::new(facets::Names::read(dir)?);
        let mut numbers = facets::SegmentNumbers::new();
        for seg in reader.searcher().segment_readers() {
            numbers.insert(seg.segment_id(), std::sync::Arc::new(facets::Numbers::read(seg).map_err(t)?));
        }
        Ok(Index { reader, fields, dir: dir.to_owned(), tables, numbers: std::sync::Arc::new(numbers) })
    }

    fn t(&self, source: tantivy::TantivyError) -> Error {
        Error::Tantivy { path: self.dir.clone(), source }
    }

    /// How many cables the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a parsed query. A query with nothing to search for matches nothing.
    pub fn search(&self, parsed: &Parsed, opts: &Options) -> Result<Results> {
        let searcher = self.reader.searcher();
        let query = self.compile(parsed);
        // never a collector sized by the request: a page of 10^11 reserved 96 TB
        let beyond = opts.offset >= MAX_RESULTS;
        let offset = if beyond { 0 } else { opts.offset };
        let limit = if beyond { 1 } else { opts.limit.clamp(1, MAX_RESULTS - offset) };
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let facets =
            facets::Collect { enabled: opts.facets, names: self.tables.clone(), numbers: self.numbers.clone() };
        let cut = std::sync::atomic::AtomicBool::new(false);
        // far enough to mean "none" without overflowing an Instant
        let deadline = std::time::Instant::now() + opts.budget.unwrap_or(std::time::Duration::from_secs(1 << 30));
        let (total, addrs, facets): (usize, Vec<(f32, DocAddress)>, Facets) = match opts.sort {
            Sort::Relevance => {
                let collector = budget::Budget { inner: (Count, top.order_by_score(), facets), deadline, cut: &cut };
                let (n, hits, f) = searcher.search(&*query, &collector).map_err(|e| self.t(e))?;
                (n, hits, f)
            }
            sort => {
                let (field, order) = match sort {
                    Sort::Oldest => ("created", Order::Asc),
                    Sort::Released => ("released", Order::Desc),
                    _ => ("created", Order::Desc),
                };
                let collector = budget::Budget {
                    inner: (Count, top.order_by_fast_field::<u64>(field, order), facets),
                    deadline,
                    cut: &cut,
                };
                let (n, hits, f) = searcher.search(&*query, &collector).map_err(|e| self.t(e))?;
                (n, hits.into_iter().map(|(_, a)| (0.0, a)).collect(), f)
            }
        };
        let addrs = if beyond { Vec::new() } else { addrs };
        let mut hits = Vec::with_capacity(addrs.len());
        // each segment's key column opened once, not once a hit
        let mut keys: Vec<Option<tantivy::columnar::Column<u64>>> = vec![None; searcher.segment_readers().len()];
        for (score, addr) in addrs {
            let col = match &mut keys[addr.segment_ord as usize] {
                Some(col) => col,
                slot => slot
                    .insert(searcher.segment_reader(addr.segment_ord).fast_fields().u64("key").map_err(|e| self.t(e))?),
            };
            hits.push(Hit { key: col.first(addr.doc_id).unwrap_or_default(), score });
        }
        Ok(Results { total: total as u64, hits, facets, partial: cut.into_inner() })
    }

    /// The key of every cable in the index, for audits.
    pub fn keys(&self) -> Result<Vec<u64>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64("key").map_err(|e| self.t(e))?;
            out.extend(seg.doc_ids_alive().filter_map(|d| col.first(d)));
        }
        Ok(out)
    }

    /// Every term of `field` with the keys of the cables holding it: `f(term, keys)`, keys in no
    /// particular order, once per term and segment (a term in several segments comes once for
    /// each). What the index holds, read back without tokenizing any text again: a static
    /// mirror's index is made of it.
    pub fn each_term(&self, field: TermField, mut f: impl FnMut(&str, &[u64])) -> Result<()> {
        let fs = &self.fields;
        let field = match field {
            TermField::Subject => fs.subject,
            TermField::Body => fs.body,
            TermField::IdText => fs.idtext,
            TermField::Tag => fs.tag,
            TermField::Origin => fs.origin,
            TermField::OriginText => fs.origin_text,
            TermField::ClassText => fs.class_text,
            TermField::Ref => fs.refs,
        };
        let io = |source| Error::Io { path: self.dir.clone(), source };
        let searcher = self.reader.searcher();
        let mut keys = Vec::new();
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64("key").map_err(|e| self.t(e))?;
            let alive = seg.alive_bitset();
            let key_of: Vec<Option<u64>> = (0..seg.max_doc())
                .map(|d| if alive.is_none_or(|a| a.is_alive(d)) { col.first(d) } else { None })
                .collect();
            let inverted = seg.inverted_index(field).map_err(|e| self.t(e))?;
            let mut terms = inverted.terms().stream().map_err(io)?;
            while terms.advance() {
                // every term was made from a `&str`
                let Ok(term) = std::str::from_utf8(terms.key()) else { continue };
                let mut postings =
                    inverted.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic).map_err(io)?;
                keys.clear();
                loop {
                    let docs = postings.docs();
                    if docs.is_empty() {
                        break;
                    }
                    keys.extend(docs.iter().filter_map(|&d| key_of.get(d as usize).copied().flatten()));
                    postings.advance();
                }
                if !keys.is_empty() {
                    f(term, &keys);
                }
            }
        }
        Ok(())
    }

    /// Snippet maker for a query's words.
    pub fn highlighter(&self, parsed: &Parsed) -> Highlighter {
        snippet::Highlighter::new(&self.reader.searcher(), self.fields.body, parsed)
    }

    fn text_fields(&self, field: Option<query::Field>) -> Vec<(tantivy::schema::Field, f32)> {
        let f = &self.fields;
        match field {
            None => vec![(f.subject, 2.0), (f.body, 1.0), (f.idtext, 3.0)],
            Some(query::Field::Subject) => vec![(f.subject, 1.0)],
            Some(query::Field::Origin) => vec![(f.origin_text, 1.0)],
            Some(query::Field::Classification) => vec![(f.class_text, 1.0)],
            Some(_) => vec![],
        }
    }

    /// The words of `text`, each part between spaces a term or (when it holds several words,
    /// like `U.S.`) a phrase, all required, in any of `fields`.
    fn text_query(&self, fields: &[(tantivy::schema::Field, f32)], text: &str, phrase: bool) -> Box<dyn Query> {
        let parts: Vec<Vec<String>> =
            if phrase { vec![tokens(text)] } else { text.split_whitespace().map(tokens).collect() };
        let parts: Vec<Vec<String>> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return Box::new(EmptyQuery);
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for words in parts {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for &(field, boost) in fields {
                let q: Box<dyn Query> = if words.len() == 1 {
                    Box::new(TermQuery::new(Term::from_field_text(field, &words[0]), IndexRecordOption::WithFreqs))
                } else {
                    Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect()))
                };
                any.push((Occur::Should, boosted(q, boost)));
            }
            must.push((Occur::Must, one_or_all(any)));
        }
        one_or_all(must)
    }

    fn prefix_query(&self, fields: &[(tantivy::schema::Field, f32)], text: &str) -> Box<dyn Query> {
        let words = tokens(text);
        if words.is_empty() {
            return Box::new(EmptyQuery);
        }
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(field, boost) in fields {
            let mut q = PhrasePrefixQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect());
            q.set_max_expansions(1000);
            any.push((Occur::Should, boosted(Box::new(q), boost)));
        }
        one_or_all(any)
    }

    fn clause(&self, c: &Clause) -> Box<dyn Query> {
        let f = &self.fields;
        match c {
            Clause::Text { field, text, phrase } => self.text_query(&self.text_fields(*field), text, *phrase),
            Clause::Prefix { field, text } => self.prefix_query(&self.text_fields(*field), text),
            Clause::Tag { tag } => {
                Box::new(TermQuery::new(Term::from_field_text(f.tag, tag), IndexRecordOption::Basic))
            }
            Clause::Ref { id } => Box::new(TermQuery::new(Term::from_field_text(f.refs, id), IndexRecordOption::Basic)),
            Clause::Date { field, range, .. } => {
                let field = if *field == query::Field::Released { f.released } else { f.created };
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(field, range.from)),
                    Bound::Excluded(Term::from_field_u64(field, range.to)),
                ))
            }
        }
    }

    fn compile(&self, parsed: &Parsed) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        for group in &parsed.groups {
            if group.len() == 1 && group[0].negated {
                clauses.push((Occur::MustNot, self.clause(&group[0].clause)));
                continue;
            }
            positive = true;
            let any: Vec<(Occur, Box<dyn Query>)> =
                group.iter().map(|i| (Occur::Should, self.clause(&i.clause))).collect();
            clauses.push((Occur::Must, one_or_all(any)));
        }
        if clauses.is_empty() {
            return Box::new(EmptyQuery);
        }
        if !positive {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        one_or_all(clauses)
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// One query as itself, several as a boolean query.
fn one_or_all(mut qs: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if qs.len() == 1 && qs[0].0 != Occur::MustNot {
        return qs.pop().expect("one").1;
    }
    Box::new(BooleanQuery::new(qs))
}
