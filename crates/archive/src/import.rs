//! `import`: read the release's formats into the archive, keeping every version, losing nothing.
//!
//! Three threads in a pipeline, with bounded channels between them so memory stays bounded
//! whatever the input's size:
//!
//! 1. *read*: decode the inputs (CSV, JSON lines, site pages) into records, or rejects that say
//!    where and why;
//! 2. *parse*: validate each record, hash its text (BLAKE3 of header, NUL, body) and, only when the
//!    archive does not hold that text yet, parse it with `cablegate-cable`;
//! 3. *write* (the calling thread): store new cables and new versions in SQLite, committing every
//!    few thousand records, so that an interrupted import leaves a consistent archive holding
//!    everything committed so far, and running it again completes it.
//!
//! A text the archive already holds (as any version of that cable) is "unchanged" and costs only
//! reading and hashing: a second import of the same file writes nothing.

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cablegate_cable::{meta, refid, Cable, Meta, Reference};
use rusqlite::{params, Transaction};
use serde::Serialize;

use cablegate_formats::{html, jsonl, release_csv};

use crate::{Archive, Error, Result};

/// Records per batch sent between threads, and batches in flight per channel.
const BATCH: usize = 256;
const IN_FLIGHT: usize = 16;
/// Records per transaction.
const COMMIT_EVERY: usize = 20_000;

/// The input formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The release's `cables.csv`, plain or gzip.
    Csv,
    /// JSON lines: cables as `cablegate parse` prints them, or re-issued cables with `versions`.
    Jsonl,
    /// A page of the original cable site.
    Html,
}

/// One input file and its format.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
    pub size: u64,
}

/// A record that could not be imported: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    pub file: PathBuf,
    /// `line 12`, `byte 1048576`, or empty for a whole file (a page).
    pub location: String,
    pub reason: String,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.reason)
        } else {
            write!(f, "{}: {}: {}", self.file.display(), self.location, self.reason)
        }
    }
}

/// Progress, reported to [`ImportOptions::progress`] while importing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes of the input files read so far (compressed bytes for `.gz`).
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Records handled so far (imported, unchanged, new versions and rejected).
    pub records: u64,
}

/// How to import.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Called every few hundred records, on the calling thread.
    pub progress: Option<&'a dyn Fn(&Progress)>,
    /// New texts per transaction (default 20,000). What is committed survives an interruption.
    pub commit_every: Option<usize>,
}

/// What an import did, and where its time went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    /// Cables new to the archive.
    pub imported: u64,
    /// Records whose text the archive already held.
    pub unchanged: u64,
    /// New versions of cables the archive held with another text.
    pub new_versions: u64,
    pub rejected: u64,
    pub rejects: Vec<Reject>,
    /// Pages in folders that are not cable pages (listings, the index), left out.
    pub skipped_pages: u64,
    pub sources: Vec<PathBuf>,
    pub timings: Timings,
}

impl ImportSummary {
    /// True when the import changed nothing in the archive.
    pub fn changed_nothing(&self) -> bool {
        self.imported == 0 && self.new_versions == 0
    }
}

/// Busy time of each stage (they overlap: the total is less than their sum).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub reading_s: f64,
    pub parsing_s: f64,
    pub writing_s: f64,
    pub total_s: f64,
}

/// One version of one cable, as an input gives it.
#[derive(Debug, Clone)]
pub struct Record {
    pub reference_id: String,
    pub release_number: Option<i64>,
    pub created: Option<String>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    pub released: Option<String>,
    pub seen_at: Option<String>,
    pub header: String,
    pub body: String,
    pub file: Arc<Path>,
    pub location: String,
}

enum Item {
    Record(Box<Record>, [u8; 32]),
    Unchanged,
    Reject(Reject),
}

/// A new text, parsed.
struct Parsed {
    record: Record,
    cable: Cable,
    hash: [u8; 32],
}

enum Work {
    Unchanged,
    Store(Box<Parsed>),
    Reject(Reject),
}

/// Finds the inputs: files as given, folders walked for cable pages (`REFID.html`; a mirror's
/// other pages, the listings and the index, are skipped and counted). Returns the sources and
/// how many pages were skipped.
pub fn sources(paths: &[PathBuf]) -> Result<(Vec<Source>, u64)> {
    let mut out = Vec::new();
    let mut skipped = 0;
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Io { path: path.clone(), source })?;
        if meta.is_dir() {
            let mut pages = Vec::new();
            walk_pages(path, &mut pages)?;
            pages.sort();
            for p in pages {
                let stem = p.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
                if refid::canonicalize(&stem).is_none() {
                    skipped += 1;
                    continue;
                }
                let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                out.push(Source { path: p, format: Format::Html, size });
            }
        } else {
            out.push(Source { path: path.clone(), format: detect(path)?, size: meta.len() });
        }
    }
    Ok((out, skipped))
}

fn walk_pages(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io { path: dir.to_owned(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { path: dir.to_owned(), source })?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|source| Error::Io { path: path.clone(), source })?;
        if kind.is_dir() {
            walk_pages(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html" || e == "htm") {
            out.push(path);
        }
    }
    Ok(())
}

/// The format of a file: by its name, else by its first byte.
pub fn detect(path: &Path) -> Result<Format> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".csv") {
        return Ok(Format::Csv);
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        return Ok(Format::Jsonl);
    }
    if name.ends_with(".html") || name.ends_with(".htm") {
        return Ok(Format::Html);
    }
    let mut head = [0u8; 512];
    let n = crate::open_maybe_gz(path)
        .and_then(|mut r| r.read(&mut head))
        .map_err(|source| Error::Io { path: path.to_owned(), source })?;
    match head[..n].iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'"') => Ok(Format::Csv),
        Some(b'{') => Ok(Format::Jsonl),
        Some(b'<') => Ok(Format::Html),
        _ => Err(Error::UnknownFormat(path.to_owned())),
    }
}

/// Counts the bytes read from a file, for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open_counting(path: &Path, count: &Arc<AtomicU64>) -> std::io::Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path)?;
    let counting = std::io::BufReader::with_capacity(1 << 20, Counting { inner: file, count: count.clone() });
    if cablegate_formats::is_gz(path) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(counting)))
    } else {
        Ok(Box::new(counting))
    }
}

/// Sends items in batches; false when the receiver has gone.
struct Batcher<T> {
    tx: SyncSender<Vec<T>>,
    buf: Vec<T>,
}

impl<T> Batcher<T> {
    fn new(tx: SyncSender<Vec<T>>) -> Self {
        Batcher { tx, buf: Vec::with_capacity(BATCH) }
    }
    fn push(&mut self, item: T) -> bool {
        self.buf.push(item);
        if self.buf.len() >= BATCH {
            return self.flush();
        }
        true
    }
    fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH));
        self.tx.send(batch).is_ok()
    }
}

fn reject(file: &Path, location: impl Into<String>, reason: impl Into<String>) -> Item {
    Item::Reject(Reject { file: file.to_owned(), location: location.into(), reason: reason.into() })
}

/// The read stage: every source, in order, into records and rejects; each record is checked and
/// hashed here, and a text the archive holds goes no further. `known` holds every version hash
/// the archive has, by reference id. Returns its busy time.
fn read_sources(
    sources: Vec<Source>,
    out: SyncSender<Vec<Item>>,
    bytes: Arc<AtomicU64>,
    mut known: HashMap<String, Vec<[u8; 32]>>,
) -> Duration {
    let mut busy = Duration::ZERO;
    let mut batcher = Batcher::new(out);
    let mut t = Instant::now();
    // time spent waiting for the next stage is not busy time
    macro_rules! send {
        ($item:expr) => {{
            let item = match $item {
                Item::Record(r, _) => check(r, &mut known),
                other => other,
            };
            busy += t.elapsed();
            let ok = batcher.push(item);
            t = Instant::now();
            if !ok {
                return busy;
            }
        }};
    }
    for source in sources {
        let file: Arc<Path> = Arc::from(source.path.as_path());
        let input = match open_counting(&source.path, &bytes) {
            Ok(i) => i,
            Err(e) => {
                send!(reject(&source.path, "", format!("cannot read: {e}")));
                continue;
            }
        };
        match source.format {
            Format::Csv => {
                let mut reader = release_csv::Reader::new(input);
                loop {
                    match reader.next() {
                        None => break,
                        Some(Ok(row)) => send!(Item::Record(
                            Box::new(Record {
                                release_number: row.id.trim().parse().ok(),
                                reference_id: row.reference_id,
                                created: Some(row.created),
                                classification: Some(row.classification),
                                origin: Some(row.origin),
                                released: None,
                                seen_at: None,
                                header: row.header,
                                body: row.body,
                                file: file.clone(),
                                location: format!("line {}", row.line),
                            }),
                            [0; 32]
                        )),
                        Some(Err(e @ release_csv::RowError::Io { .. })) => {
                            send!(reject(&source.path, e.location(), e.reason()));
                            break;
                        }
                        Some(Err(e)) => send!(reject(&source.path, e.location(), e.reason())),
                    }
                }
            }
            Format::Jsonl => {
                let mut reader = std::io::BufReader::with_capacity(1 << 20, input);
                let mut line = Vec::new();
                let mut number = 0u64;
                loop {
                    line.clear();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            send!(reject(
                                &source.path,
                                format!("line {}", number + 1),
                                format!("the file is truncated or unreadable ({e})")
                            ));
                            break;
                        }
                    }
                    number += 1;
                    let Ok(text) = std::str::from_utf8(&line) else {
                        send!(reject(&source.path, format!("line {number}"), "not valid UTF-8"));
                        continue;
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    match jsonl::read_line(text) {
                        Ok(entries) => {
                            for e in entries {
                                send!(Item::Record(
                                    Box::new(Record {
                                        reference_id: e.reference_id,
                                        release_number: e.release_number,
                                        created: e.created,
                                        classification: e.classification,
                                        origin: e.origin,
                                        released: e.released,
                                        seen_at: e.seen_at,
                                        header: e.header,
                                        body: e.body,
                                        file: file.clone(),
                                        location: format!("line {number}"),
                                    }),
                                    [0; 32]
                                ));
                            }
                        }
                        Err(reason) => send!(reject(&source.path, format!("line {number}"), reason)),
                    }
                }
            }
            Format::Html => {
                let mut bytes_in = Vec::new();
                let mut input = input;
                if let Err(e) = input.read_to_end(&mut bytes_in) {
                    send!(reject(&source.path, "", format!("cannot read: {e}")));
                    continue;
                }
                let Ok(text) = String::from_utf8(bytes_in) else {
                    send!(reject(&source.path, "", "not valid UTF-8"));
                    continue;
                };
                match html::read_page(&text) {
                    Ok(p) => send!(Item::Record(
                        Box::new(Record {
                            reference_id: p.reference_id,
                            release_number: None,
                            created: p.created,
                            classification: p.classification,
                            origin: p.origin,
                            released: p.released,
                            seen_at: None,
                            header: p.header,
                            body: p.body,
                            file: file.clone(),
                            location: String::new(),
                        }),
                        [0; 32]
                    )),
                    Err(reason) => send!(reject(&source.path, "", reason)),
                }
            }
        }
    }
    busy += t.elapsed();
    batcher.flush();
    busy
}

pub(crate) fn text_hash(header: &str, body: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(header.as_bytes());
    h.update(b"\0");
    h.update(body.as_bytes());
    *h.finalize().as_bytes()
}

/// The parse stage: parse each new text. Returns its busy time.
fn parse_records(input: Receiver<Vec<Item>>, out: SyncSender<Vec<Work>>) -> Duration {
    let mut busy = Duration::ZERO;
    let mut batcher = Batcher::new(out);
    for batch in input {
        let t = Instant::now();
        let mut works = Vec::with_capacity(batch.len());
        for item in batch {
            works.push(match item {
                Item::Reject(r) => Work::Reject(r),
                Item::Unchanged => Work::Unchanged,
                Item::Record(mut record, hash) => {
                    let meta = Meta {
                        reference_id: Some(record.reference_id.trim()),
                        created: record.created.as_deref(),
                        classification: record.classification.as_deref(),
                        origin: record.origin.as_deref(),
                    };
                    let header = std::mem::take(&mut record.header);
                    let body = std::mem::take(&mut record.body);
                    // the writer needs the text and the browse fields, not the paragraphs
                    let cable = cablegate_cable::parse_with(&meta, header, body, cablegate_cable::Depth::Browse);
                    Work::Store(Box::new(Parsed { record: *record, cable, hash }))
                }
            });
        }
        busy += t.elapsed();
        for w in works {
            if !batcher.push(w) {
                return busy;
            }
        }
    }
    batcher.flush();
    busy
}

/// Validates a record and hashes its text: a reject, `Unchanged` for a text the archive holds,
/// or the record with its hash.
fn check(r: Box<Record>, known: &mut HashMap<String, Vec<[u8; 32]>>) -> Item {
    let bad = |r: &Record, reason: String| {
        Item::Reject(Reject { file: r.file.to_path_buf(), location: r.location.clone(), reason })
    };
    let id = r.reference_id.trim();
    if id.is_empty() {
        return bad(&r, "empty reference id".into());
    }
    if refid::canonicalize(id).is_none() {
        return bad(&r, format!("reference id {id:?} is not a valid id (year, station, serial)"));
    }
    if let Some(c) = r.created.as_deref().filter(|c| !c.trim().is_empty()) {
        if meta::parse_timestamp(c).is_none() {
            return bad(&r, format!("created {c:?} is not a possible date"));
        }
    }
    let hash = text_hash(&r.header, &r.body);
    let versions = known.entry(id.to_owned()).or_default();
    if versions.contains(&hash) {
        return Item::Unchanged;
    }
    versions.push(hash);
    Item::Record(r, hash)
}

impl Archive {
    /// Imports the given files and folders. Inputs are checked first (they exist, their formats
    /// are known); then every good record is imported and every bad one reported in the summary.
    pub fn import(&mut self, paths: &[PathBuf], options: &ImportOptions) -> Result<ImportSummary> {
        let started = Instant::now();
        let (sources, skipped_pages) = sources(paths)?;
        let bytes_total: u64 = sources.iter().map(|s| s.size).sum();
        let mut summary = ImportSummary { sources: paths.to_vec(), skipped_pages, ..ImportSummary::default() };

        // what the archive holds: every version hash, and each cable's row id and version count
        let mut known: HashMap<String, Vec<[u8; 32]>> = HashMap::new();
        let mut ids: HashMap<String, Held> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT c.reference_id, c.id, v.version, v.hash, v.seen_at, c.current_version
                     FROM versions v JOIN cables c ON c.id = v.cable_id",
                )
                .map_err(|e| self.sql(e))?;
            let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
            while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
                let get = |e| self.sql(e);
                let refid: String = row.get(0).map_err(get)?;
                let id: i64 = row.get(1).map_err(get)?;
                let version: u32 = row.get(2).map_err(get)?;
                let hash: Vec<u8> = row.get(3).map_err(get)?;
                let seen_at: String = row.get(4).map_err(get)?;
                let current: u32 = row.get(5).map_err(get)?;
                let held =
                    ids.entry(refid.clone()).or_insert(Held { rowid: id, versions: 0, current_seen_at: String::new() });
                held.versions = held.versions.max(version);
                if version == current {
                    held.current_seen_at = seen_at;
                }
                if let Ok(h) = <[u8; 32]>::try_from(hash.as_slice()) {
                    known.entry(refid).or_default().push(h);
                }
            }
        }

        let import_started = crate::now_iso();
        let sources_text = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n");
        self.conn
            .execute("INSERT INTO imports (started, sources) VALUES (?1, ?2)", params![import_started, sources_text])
            .map_err(|e| self.sql(e))?;
        let import_id = self.conn.last_insert_rowid();

        let bytes = Arc::new(AtomicU64::new(0));
        let (items_tx, items_rx) = sync_channel::<Vec<Item>>(IN_FLIGHT);
        let (work_tx, work_rx) = sync_channel::<Vec<Work>>(IN_FLIGHT);
        let reader = {
            let bytes = bytes.clone();
            std::thread::Builder::new()
                .name("import-read".into())
                .spawn(move || read_sources(sources, items_tx, bytes, known))
                .expect("spawn a thread")
        };
        let parser = std::thread::Builder::new()
            .name("import-parse".into())
            .spawn(move || parse_records(items_rx, work_tx))
            .expect("spawn a thread");

        let now = crate::now_iso();
        let mut writing = Duration::ZERO;
        let mut since_commit = 0usize;
        let mut records = 0u64;
        // a transaction of many thousand cables touches far more pages than SQLite's default
        // 2 MB cache: with it, SQLite spills pages to the WAL mid-transaction and reads them back
        self.conn.pragma_update(None, "cache_size", -262_144).map_err(|e| self.sql(e))?;
        let texts = self.texts_dir();
        let mut pack = crate::texts::PackWriter::open(&self.conn, &texts)
            .map_err(|source| Error::Io { path: texts.clone(), source })?;
        let pack_err = |source| Error::Io { path: texts.clone(), source };
        let mut tx = self.conn.transaction().map_err(|source| Error::Sqlite { path: self.path.clone(), source })?;
        let path = self.path.clone();
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        for batch in work_rx {
            let t = Instant::now();
            for work in batch {
                records += 1;
                match work {
                    Work::Unchanged => summary.unchanged += 1,
                    Work::Reject(r) => {
                        summary.rejected += 1;
                        summary.rejects.push(r);
                    }
                    Work::Store(parsed) => {
                        let at = pack.append(&tx, &parsed.cable.header, &parsed.cable.body).map_err(pack_err)?;
                        let is_new = store(&tx, &mut ids, &parsed, at, &now).map_err(sql)?;
                        if is_new {
                            summary.imported += 1;
                        } else {
                            summary.new_versions += 1;
                        }
                        since_commit += 1;
                    }
                }
            }
            if since_commit >= options.commit_every.unwrap_or(COMMIT_EVERY).max(1) {
                pack.sync(&tx).map_err(pack_err)?;
                tx.commit().map_err(sql)?;
                tx = self.conn.transaction().map_err(sql)?;
                since_commit = 0;
            }
            writing += t.elapsed();
            if let Some(progress) = options.progress {
                progress(&Progress { bytes_done: bytes.load(Ordering::Relaxed), bytes_total, records });
            }
        }
        let t = Instant::now();
        tx.execute(
            "UPDATE imports SET finished = ?1, imported = ?2, unchanged = ?3, new_versions = ?4, rejected = ?5 WHERE id = ?6",
            params![
                crate::now_iso(),
                summary.imported as i64,
                summary.unchanged as i64,
                summary.new_versions as i64,
                summary.rejected as i64,
                import_id
            ],
        )
        .map_err(sql)?;
        pack.sync(&tx).map_err(pack_err)?;
        tx.commit().map_err(sql)?;
        writing += t.elapsed();
        let reading = reader.join().expect("the read stage does not panic");
        let parsing = parser.join().expect("the parse stage does not panic");
        summary.timings = Timings {
            reading_s: reading.as_secs_f64(),
            parsing_s: parsing.as_secs_f64(),
            writing_s: writing.as_secs_f64(),
            total_s: started.elapsed().as_secs_f64(),
        };
        if let Some(progress) = options.progress {
            progress(&Progress { bytes_done: bytes_total, bytes_total, records });
        }
        Ok(summary)
    }
}

/// What the writer knows of each cable: its row id, how many versions it has, and when its
/// current version was seen.
struct Held {
    rowid: i64,
    versions: u32,
    current_seen_at: String,
}

/// Stores a new cable or a new version of one; true when the cable is new.
///
/// A new version becomes the current one unless it was seen before the current one (the
/// re-issued cables' file brings older texts after the release's CSV brought the last one).
/// Metadata the record does not carry (a versions file has no classification) is kept.
fn store(
    tx: &Transaction,
    ids: &mut HashMap<String, Held>,
    parsed: &Parsed,
    at: crate::texts::Location,
    now: &str,
) -> rusqlite::Result<bool> {
    let Parsed { record, cable, hash } = parsed;
    let seen_at = record.seen_at.as_deref().unwrap_or(now);
    let given = |present: bool, v: Option<&str>| if present { v.map(str::to_owned) } else { None };
    let created_given = record.created.as_deref().is_some_and(|c| !c.trim().is_empty());
    let class_given = record.classification.as_deref().is_some_and(|c| !c.trim().is_empty());
    let created = cable.created.as_deref().and_then(meta::parse_timestamp);
    let (year, month) = match created {
        Some(d) => (Some(d.year as i64), Some(d.month as i64)),
        None => (refid::parse(&cable.canonical_id).map(|r| r.full_year() as i64), None),
    };
    let level = cable.level.map(cablegate_cable::Level::label);
    let id = cable.reference_id.as_str();
    let (cable_id, version, is_new, is_current) = match ids.get(id) {
        Some(held) => {
            let version = held.versions + 1;
            let is_current = seen_at >= held.current_seen_at.as_str();
            if is_current {
                tx.prepare_cached(
                    "UPDATE cables SET release_number = COALESCE(?2, release_number), created = COALESCE(?3, created),
                     year = COALESCE(?4, year), month = COALESCE(?5, month), classification = COALESCE(?6, classification),
                     level = COALESCE(?7, level), origin = COALESCE(?8, origin), subject = ?9, current_version = ?10
                     WHERE id = ?1",
                )?
                .execute(params![
                    held.rowid,
                    record.release_number,
                    given(created_given, cable.created.as_deref()),
                    if created_given { year } else { None },
                    if created_given { month } else { None },
                    given(class_given, cable.classification.as_deref()),
                    given(class_given, level),
                    record.origin.as_deref().filter(|o| !o.trim().is_empty()),
                    cable.subject,
                    version
                ])?;
                tx.prepare_cached("DELETE FROM tags WHERE cable_id = ?1")?.execute([held.rowid])?;
                tx.prepare_cached("DELETE FROM refs WHERE cable_id = ?1")?.execute([held.rowid])?;
            }
            (held.rowid, version, false, is_current)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO cables (reference_id, canonical_id, release_number, created, year, month, classification, level,
                 origin, subject, current_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)",
            )?
            .execute(params![
                id,
                cable.canonical_id,
                record.release_number,
                cable.created,
                year,
                month,
                cable.classification,
                level,
                cable.origin,
                cable.subject
            ])?;
            (tx.last_insert_rowid(), 1, true, true)
        }
    };
    let current_seen_at = if is_current { seen_at.to_owned() } else { ids[id].current_seen_at.clone() };
    ids.insert(id.to_owned(), Held { rowid: cable_id, versions: version, current_seen_at });
    let source = if record.location.is_empty() {
        record.file.display().to_string()
    } else {
        format!("{}:{}", record.file.display(), record.location)
    };
    tx.prepare_cached(
        "INSERT INTO versions (cable_id, version, hash, pack, offset, length, seen_at, source, released)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        cable_id,
        version,
        &hash[..],
        at.pack,
        at.offset as i64,
        at.length as i64,
        seen_at,
        source,
        record.released
    ])?;
    if !is_current {
        return Ok(is_new);
    }
    let mut tag = tx.prepare_cached("INSERT INTO tags (cable_id, position, tag) VALUES (?1, ?2, ?3)")?;
    for (i, t) in cable.tags.iter().enumerate() {
        tag.execute(params![cable_id, i as i64, t])?;
    }
    let mut reference =
        tx.prepare_cached("INSERT INTO refs (cable_id, position, cited_id, text, bullet) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (i, r) in cable.references.iter().enumerate() {
        match r {
            Reference::Cable { id, bullet } => {
                reference.execute(params![cable_id, i as i64, id, None::<String>, bullet])?
            }
            Reference::Text { text, bullet } => {
                reference.execute(params![cable_id, i as i64, None::<String>, text, bullet])?
            }
        };
    }
    Ok(is_new)
}
