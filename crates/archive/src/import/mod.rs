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

use cablegate_publication::IoAt;
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

mod parse;
mod sources;

pub(crate) use parse::text_hash;
use parse::*;
use sources::*;
pub use sources::{detect, sources};

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
    /// Files in folders that are no page (a folder is read for cable pages only), left out.
    pub other_files: Vec<PathBuf>,
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

impl Archive {
    /// Imports the given files and folders. Inputs are checked first (they exist, their formats
    /// are known); then every good record is imported and every bad one reported in the summary.
    // (The write stage's loop below holds the transaction, the pack writer and the summary at
    // once; cut further, each piece would take all three. The stages it joins are functions of
    // their own: `sources::read_sources`, `parse::parse_records`, `store`.)
    pub fn import(&mut self, paths: &[PathBuf], options: &ImportOptions) -> Result<ImportSummary> {
        let started = Instant::now();
        let (sources, skipped_pages, other_files) = sources(paths)?;
        let bytes_total: u64 = sources.iter().map(|s| s.size).sum();
        let mut summary =
            ImportSummary { sources: paths.to_vec(), skipped_pages, other_files, ..ImportSummary::default() };

        let (known, mut ids) = self.held()?;
        let import_id = self.begin_import(paths)?;

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

        let now = crate::now();
        let mut writing = Duration::ZERO;
        let mut since_commit = 0usize;
        let mut records = 0u64;
        // a transaction of many thousand cables touches far more pages than SQLite's default
        // 2 MB cache: with it, SQLite spills pages to the WAL mid-transaction and reads them back
        self.conn.pragma_update(None, "cache_size", -262_144).map_err(|e| self.sql(e))?;
        let texts = self.texts_dir();
        let mut pack = crate::texts::PackWriter::open(&self.conn, &texts).at(&texts)?;
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
                        let is_new = store(&tx, &mut ids, &parsed, at, now.as_str()).map_err(sql)?;
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
                crate::now().as_str(),
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

    /// What the archive holds: every version's hash by reference id, and each cable's row id,
    /// version count and when its current version was seen.
    fn held(&self) -> Result<(Hashes, HashMap<String, Held>)> {
        let mut known: HashMap<String, Vec<[u8; 32]>> = HashMap::new();
        let mut ids: HashMap<String, Held> = HashMap::new();
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
        Ok((known, ids))
    }

    /// Records that an import of `paths` starts; its row id.
    fn begin_import(&self, paths: &[PathBuf]) -> Result<i64> {
        let import_started = crate::now();
        let sources_text = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n");
        self.conn
            .execute(
                "INSERT INTO imports (started, sources) VALUES (?1, ?2)",
                params![import_started.as_str(), sources_text],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// Every version's text hash, by reference id.
type Hashes = HashMap<String, Vec<[u8; 32]>>;

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
                cable.created.as_deref(),
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
    store_version(tx, cable_id, version, record, hash, at, seen_at)?;
    if is_current {
        store_browse_rows(tx, cable_id, cable)?;
    }
    Ok(is_new)
}

/// A version of a cable's text: where it is in its pack, its hash, when and where it was seen.
fn store_version(
    tx: &Transaction,
    cable_id: i64,
    version: u32,
    record: &Record,
    hash: &[u8; 32],
    at: crate::texts::Location,
    seen_at: &str,
) -> rusqlite::Result<()> {
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
    Ok(())
}

/// The browse rows of a cable's current version: its tags and its references.
fn store_browse_rows(tx: &Transaction, cable_id: i64, cable: &Cable) -> rusqlite::Result<()> {
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
    Ok(())
}
