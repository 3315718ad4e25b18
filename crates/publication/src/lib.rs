//! Publications: immutable, numbered snapshots of what the public may see.
//!
//! A publication is what the original site called a *build* ("build 12"); the word stays in what
//! users see (`builds/` on disk, `cablegate builds`, the `build` field of the API), and the code
//! calls the concept by its name.
//!
//! ```text
//! builds/              the publications (the folder keeps its name until the next layout bump)
//!   CURRENT            the current publication's number; replaced atomically (write, then rename)
//!   000001/
//!     build.sqlite     released cables, redactions applied (layout: FORMAT below)
//!     search/          the search index of the same cables (tantivy; see cablegate-search)
//!     manifest.json    number, time, counts, SHA-256 of every file
//! ```
//!
//! **Architecture Invariant:** this crate does not depend on the archive. Everything public —
//! the server, the static export — reads publications through [`Publication`], so it can only
//! ever show what a publication holds, and a publication holds only released, redacted text.
//!
//! **Architecture Invariant:** only this crate reads a publication's tables. What others need
//! of them they ask [`Publication`] in typed questions (`read.rs`); the SQL schema is private to
//! this crate, written in `write.rs` and read in `read.rs`.

mod read;
pub mod write;

use std::path::{Path, PathBuf};

pub use cablegate_cable::Timestamp;
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

pub use read::{
    Article, CableLink, CableVersions, Cited, IndexRow, KeyCount, List, ListKind, ListOrder, ListRow, ReleaseDay,
    StoredVersion, VersionSeen, VersionText, Withheld,
};
pub use write::{
    ArticleRecord, CatalogEntry, Counts, LogEntry, PublicCable, PublicVersion, PublicationWriter, ReleaseEvent,
};

/// The build layout's version, in `manifest.json` and the `meta` table. Readers refuse layouts
/// they do not know. Layout 1 had no search index; it is still read (search answers that the
/// build has none). Layout 3 added the redaction ledger (table `withheld`, the manifest's
/// `redactions`); a build of layout 2 reads as one that withheld nothing and did not say which
/// redactions it applied. Layout 4 added what citations name (table `cited`: the build that first
/// published each cable's current text); in older builds a citation names the build itself.
pub const FORMAT: u32 = 4;
const OLDEST_FORMAT: u32 = 1;

/// The search index's folder inside a build.
pub const SEARCH_DIR: &str = "search";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("build {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("build {path} has layout {found}; this cablegate reads layouts {OLDEST_FORMAT} to {FORMAT}")]
    Format { path: PathBuf, found: u32 },
    #[error("no build {0} (see cablegate builds)")]
    NoSuchBuild(u32),
    #[error("no build published yet in {0} (run cablegate publish)")]
    NoBuilds(PathBuf),
    #[error("build {0} is the current one: publish another before removing it")]
    RemoveCurrent(u32),
    #[error("build {0} has no search index (it was made by an older cablegate: publish again)")]
    NoSearch(u32),
    #[error(transparent)]
    Search(#[from] cablegate_search::Error),
    #[error("build {number} is damaged: {files} differ from its manifest's SHA-256 (publish again, or remove it)")]
    Damaged { number: u32, files: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error and the file or folder it was about: what [`IoAt::at`] makes of an
/// `io::Result`, for any error type that can say it (this crate's, the archive's, the audit's).
#[derive(Debug)]
pub struct PathIo {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl From<PathIo> for Error {
    fn from(e: PathIo) -> Self {
        Error::Io { path: e.path, source: e.source }
    }
}

/// `.at(&path)?` on an `io::Result`: the error names the path (and `?` makes it the caller's
/// error), instead of a `map_err` closure at every call.
pub trait IoAt<T> {
    fn at(self, path: impl AsRef<Path>) -> std::result::Result<T, PathIo>;
}

impl<T> IoAt<T> for std::io::Result<T> {
    fn at(self, path: impl AsRef<Path>) -> std::result::Result<T, PathIo> {
        self.map_err(|source| PathIo { path: path.as_ref().to_owned(), source })
    }
}

/// What a build says about itself (`manifest.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub number: u32,
    /// The moment the build shows the archive as of (ISO 8601): cables released after it wait.
    pub made_at: Timestamp,
    /// Cables in the build.
    pub released: u64,
    /// Cables in the collection's catalogue (the "251,287" of "N / 251,287"); 0 without one.
    pub total: u64,
    /// Against the previous build: cables new in this one, re-issued (new text), and taken out.
    pub added: u64,
    pub changed: u64,
    pub withdrawn: u64,
    /// SHA-256 of every file of the build but the manifest, by name.
    pub files: std::collections::BTreeMap<String, String>,
    /// The archive's redactions the build applies, by number (never their text), from layout 3
    /// on; `None` in older builds, which did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redactions: Option<Vec<i64>>,
    /// Where the publisher serves the build (`https://cables.example.org/`, ending in `/`), so
    /// that citations name a page by its address; `None` where none was given (and in builds
    /// older than citations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Manifest {
    /// The redactions `newer` applies that this build may not: all of them when this build is of
    /// a layout that did not record its own. A build that lacks one may show what it withholds.
    pub fn lacks_redactions_of(&self, newer: &Manifest) -> Vec<i64> {
        let theirs = newer.redactions.as_deref().unwrap_or_default();
        match &self.redactions {
            Some(mine) => theirs.iter().copied().filter(|id| !mine.contains(id)).collect(),
            None => theirs.to_vec(),
        }
    }
}

/// The folder of a data folder that holds its publications (`builds/`, its name kept until the
/// next layout bump).
pub fn publications_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("builds")
}

pub fn publication_dir(builds: &Path, number: u32) -> PathBuf {
    builds.join(format!("{number:06}"))
}

/// The numbers of the builds in `builds/`, oldest first.
pub fn list(builds: &Path) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(builds) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(source) => return Err(Error::Io { path: builds.to_owned(), source }),
    };
    for e in entries {
        let e = e.at(builds)?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.len() == 6 && name.bytes().all(|b| b.is_ascii_digit()) && e.path().join("manifest.json").exists() {
            out.push(name.parse().expect("six digits"));
        }
    }
    out.sort();
    Ok(out)
}

/// The current build's number, if any.
pub fn current(builds: &Path) -> Result<Option<u32>> {
    let path = builds.join("CURRENT");
    match std::fs::read_to_string(&path) {
        Ok(s) => Ok(s.trim().parse().ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Makes `number` the current build, atomically: readers see the old number or the new one.
pub fn set_current(builds: &Path, number: u32) -> Result<()> {
    let tmp = builds.join("CURRENT.tmp");
    let io = |source| Error::Io { path: tmp.clone(), source };
    std::fs::write(&tmp, format!("{number}\n")).map_err(io)?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, builds.join("CURRENT")).map_err(io)
}

/// Removes an old build (never the current one).
pub fn remove(builds: &Path, number: u32) -> Result<()> {
    if current(builds)? == Some(number) {
        return Err(Error::RemoveCurrent(number));
    }
    let dir = publication_dir(builds, number);
    if !dir.exists() {
        return Err(Error::NoSuchBuild(number));
    }
    Ok(std::fs::remove_dir_all(&dir).at(dir)?)
}

/// Checks the files of build `number` against its manifest's SHA-256 sums: `Err(Damaged)`
/// naming the files that differ or are missing. What `serve` and `export` ask of a build before
/// they read it (about 2 s a GB).
pub fn verify(builds: &Path, number: u32) -> Result<()> {
    let dir = publication_dir(builds, number);
    let m = read_manifest(&dir)?;
    let mut bad = Vec::new();
    for (name, sha) in &m.files {
        match write::sha256_file(&dir.join(name)) {
            Ok(s) if &s == sha => {}
            _ => bad.push(name.clone()),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Damaged { number, files: bad.join(", ") })
    }
}

/// The redactions that the newest build of `builds` applies and build `number` may not: `None`
/// when it lacks none (or is the newest), else the newest build's number and the redactions'
/// numbers. What `export --build`, `publications --prune` and the audit ask of an old build.
pub fn lacking_redactions(builds: &Path, number: u32) -> Result<Option<(u32, Vec<i64>)>> {
    let Some(&newest) = list(builds)?.last() else { return Ok(None) };
    if newest <= number {
        return Ok(None);
    }
    let mine = read_manifest(&publication_dir(builds, number))?;
    let theirs = read_manifest(&publication_dir(builds, newest))?;
    let lacking = mine.lacks_redactions_of(&theirs);
    Ok((!lacking.is_empty()).then_some((newest, lacking)))
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).at(&path)?;
    let m: Manifest = serde_json::from_str(&text).map_err(|source| Error::Json { path: path.clone(), source })?;
    if !(OLDEST_FORMAT..=FORMAT).contains(&m.format) {
        return Err(Error::Format { path, found: m.format });
    }
    Ok(m)
}

/// One cable of a build as listings show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Listed {
    pub reference_id: String,
    pub subject: Option<String>,
    pub created: Option<Timestamp>,
    pub released: Timestamp,
    pub classification: Option<String>,
    pub origin: Option<String>,
}

/// `file:PATH?immutable=1`, with the characters a URI gives a meaning to escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// A released cable's current version as a build stores it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub reference_id: String,
    pub created: Option<Timestamp>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    pub released: Timestamp,
    pub header: String,
    pub body: String,
}

impl Stored {
    /// The cable parsed, and when it was released.
    pub fn parse(self) -> (cablegate_cable::Cable, Timestamp) {
        let meta = cablegate_cable::Meta {
            reference_id: Some(&self.reference_id),
            created: self.created.as_deref(),
            classification: self.classification.as_deref(),
            origin: self.origin.as_deref(),
        };
        (cablegate_cable::parse_owned(&meta, self.header, self.body), self.released)
    }
}

/// A published build, open for reading.
pub struct Publication {
    /// Everything but the texts.
    conn: Connection,
    /// The `versions` table's texts, on a connection of their own ([`Publication::open`] says why).
    texts: Connection,
    dir: PathBuf,
    manifest: Manifest,
    /// What every handle on this publication in the process shares.
    shared: std::sync::Arc<Shared>,
    /// The cable [`cable_released`](Self::cable_released) read last, parsed, by row id: a mirror
    /// writes a cable's page and its JSON one after the other, and would otherwise parse it twice.
    /// (Search results read cables by key, uncached: twenty different ones a page.)
    last: std::cell::RefCell<Option<(u64, std::rc::Rc<cablegate_cable::Cable>, Timestamp)>>,
    /// The rows [`listed`](Self::listed) read last, by their row ids: a list page and its JSON
    /// twin ask for the same rows one after the other.
    last_listed: std::cell::RefCell<Option<ListedPage>>,
}

/// What every open handle on one publication shares in a process: its search index, and what
/// readers keep of it ([`Publication::kept`]). Found by the publication's folder while any handle
/// on it is open, so that a server's threads and an export's threads share one of each.
#[derive(Default)]
struct Shared {
    search: std::sync::OnceLock<std::sync::Arc<cablegate_search::Index>>,
    /// Held while the search index opens, so that it opens once.
    opening: std::sync::Mutex<()>,
    kept:
        std::sync::Mutex<std::collections::HashMap<std::any::TypeId, std::sync::Arc<dyn std::any::Any + Send + Sync>>>,
}

impl Shared {
    fn of(dir: &Path) -> std::sync::Arc<Shared> {
        type Open = std::collections::HashMap<PathBuf, std::sync::Weak<Shared>>;
        static OPEN: std::sync::LazyLock<std::sync::Mutex<Open>> = std::sync::LazyLock::new(Default::default);
        let mut open = OPEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        open.retain(|_, w| w.strong_count() > 0);
        if let Some(shared) = open.get(dir).and_then(std::sync::Weak::upgrade) {
            return shared;
        }
        let shared = std::sync::Arc::new(Shared::default());
        open.insert(dir.to_owned(), std::sync::Arc::downgrade(&shared));
        shared
    }
}

/// A page of a list: its row ids and their rows.
type ListedPage = (Vec<i64>, std::rc::Rc<Vec<Listed>>);

impl Publication {
    /// Opens build `number`, or the current one.
    pub fn open(builds: &Path, number: Option<u32>) -> Result<Publication> {
        let number = match number {
            Some(n) => n,
            None => current(builds)?.ok_or_else(|| Error::NoBuilds(builds.to_owned()))?,
        };
        let dir = publication_dir(builds, number);
        if !dir.join("manifest.json").exists() {
            return Err(Error::NoSuchBuild(number));
        }
        let manifest = read_manifest(&dir)?;
        let path = dir.join("build.sqlite");
        // A published build never changes, and SQLite is told so (`immutable=1`): no file locks,
        // no hot-journal check and no change-counter read before every statement, which an
        // export's million statements and every search results page paid for. (Mapping the file
        // as well made no difference to an export's time, and counted 2 GB of it as memory.)
        let open = || {
            Connection::open_with_flags(
                immutable_uri(&path),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(|source| Error::Sqlite { path: path.clone(), source })
        };
        // Two connections, so that the texts do not push the rest out of the page cache: the
        // texts are read once each, in order, while pages look up rows, tags, references and
        // citations all over the other tables (about 100 MB at full scale). With one connection
        // and SQLite's 2 MB cache, an export read 43 GB of a 2.7 GB build; with 64 MB for the
        // lookups alone, 3.9 GB. The cache fills only as far as a connection reads.
        let conn = open()?;
        conn.execute_batch("PRAGMA cache_size = -65536")
            .map_err(|source| Error::Sqlite { path: path.clone(), source })?;
        let texts = open()?;
        Ok(Publication {
            shared: Shared::of(&dir),
            conn,
            texts,
            dir,
            manifest,
            last: Default::default(),
            last_listed: Default::default(),
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: self.dir.join("build.sqlite"), source }
    }

    /// A released cable by its published or canonical id, in any case (the published id wins
    /// when both match).
    pub fn find(&self, id: &str) -> Result<Option<CableLink>> {
        Ok(self.find_row(id)?.map(|(_, reference_id, created)| CableLink { reference_id, created }))
    }

    /// [`find`](Self::find), with the cable's row id.
    fn find_row(&self, id: &str) -> Result<Option<(i64, String, Option<Timestamp>)>> {
        let upper = id.trim().to_ascii_uppercase();
        let canonical = cablegate_cable::refid::canonicalize(&upper).unwrap_or_else(|| upper.clone());
        // Two lookups, not one `… OR … ORDER BY`: SQLite plans such a statement again at every
        // run (so does a join with a bound parameter), and every page asks this.
        let by = |sql: &str, id: &str| {
            self.conn
                .prepare_cached(sql)
                .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, time_opt(r, 2)?))).optional())
                .map_err(|e| self.sql(e))
        };
        match by("SELECT id, reference_id, created FROM cables WHERE reference_id = ?1", &upper)? {
            Some(row) => Ok(Some(row)),
            None => by("SELECT id, reference_id, created FROM cables WHERE canonical_id = ?1 LIMIT 1", &canonical),
        }
    }

    /// A released cable, redacted and parsed, by its published or canonical id.
    pub fn cable(&self, id: &str) -> Result<Option<cablegate_cable::Cable>> {
        Ok(self.cable_released(id)?.map(|(c, _)| std::rc::Rc::unwrap_or_clone(c)))
    }

    /// [`cable`](Self::cable), and when it was released; shared with the build's memory of the
    /// last cable read, so that a cable's page and its JSON neither parse nor copy it twice.
    pub fn cable_released(&self, id: &str) -> Result<Option<(std::rc::Rc<cablegate_cable::Cable>, Timestamp)>> {
        let Some((rowid, _, _)) = self.find_row(id)? else { return Ok(None) };
        let key = rowid as u64;
        if let Some((k, cable, released)) = &*self.last.borrow() {
            if *k == key {
                return Ok(Some((cable.clone(), released.clone())));
            }
        }
        let found = self.cable_by_key(key)?.map(|(c, released)| (std::rc::Rc::new(c), released));
        if let Some((cable, released)) = &found {
            *self.last.borrow_mut() = Some((key, cable.clone(), released.clone()));
        }
        Ok(found)
    }

    /// Cables `ids` (row ids) as lists show them, in that order, read in one statement.
    pub fn listed(&self, ids: &[i64]) -> Result<std::rc::Rc<Vec<Listed>>> {
        if let Some((last_ids, rows)) = &*self.last_listed.borrow() {
            if last_ids == ids {
                return Ok(rows.clone());
            }
        }
        let sql = format!(
            "SELECT id, reference_id, subject, created, released, classification, origin FROM cables WHERE id IN ({})",
            vec!["?"; ids.len()].join(",")
        );
        let mut found: std::collections::HashMap<i64, Listed> = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(rusqlite::params_from_iter(ids), |r| {
                    let listed = Listed {
                        reference_id: r.get(1)?,
                        subject: r.get(2)?,
                        created: time_opt(r, 3)?,
                        released: time(r, 4)?,
                        classification: r.get(5)?,
                        origin: r.get(6)?,
                    };
                    Ok((r.get(0)?, listed))
                })?
                .collect()
            })
            .map_err(|e| self.sql(e))?;
        let rows = std::rc::Rc::new(ids.iter().filter_map(|id| found.remove(id)).collect::<Vec<_>>());
        *self.last_listed.borrow_mut() = Some((ids.to_vec(), rows.clone()));
        Ok(rows)
    }

    /// A released cable, redacted and parsed, by its row id (what the search index gives), and
    /// when it was released.
    pub fn cable_by_key(&self, key: u64) -> Result<Option<(cablegate_cable::Cable, Timestamp)>> {
        Ok(self.stored_by_key(key)?.map(Stored::parse))
    }

    /// A released cable as stored, unparsed, by its row id: parse it with [`Stored::parse`],
    /// on any thread (a search results page parses its twenty hits on two).
    pub fn stored_by_key(&self, key: u64) -> Result<Option<Stored>> {
        type Row = (String, Option<Timestamp>, Option<String>, Option<String>, Timestamp, i64);
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT reference_id, created, classification, origin, released, versions FROM cables WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([key as i64], |r| {
                    Ok((r.get(0)?, time_opt(r, 1)?, r.get(2)?, r.get(3)?, time(r, 4)?, r.get(5)?))
                })
                .optional()
            })
            .map_err(|e| self.sql(e))?;
        let Some((reference_id, created, classification, origin, released, version)) = row else {
            return Ok(None);
        };
        let (header, body): (String, String) = self
            .texts
            .prepare_cached("SELECT header, body FROM versions WHERE cable_id = ?1 AND version = ?2")
            .and_then(|mut s| s.query_row((key as i64, version), |r| Ok((r.get(0)?, r.get(1)?))))
            .map_err(|e| self.sql(e))?;
        Ok(Some(Stored { reference_id, created, classification, origin, released, header, body }))
    }

    /// Is `id` (any spelling) in the collection's catalogue?
    pub fn in_catalog(&self, id: &str) -> Result<bool> {
        let canonical = cablegate_cable::refid::canonicalize(id).unwrap_or_else(|| id.trim().to_ascii_uppercase());
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM catalog WHERE canonical_id = ?1)")
            .and_then(|mut s| s.query_row([canonical], |r| r.get(0)))
            .map_err(|e| self.sql(e))
    }

    /// The publication's search index, opened on first use (once per process: every handle on
    /// the publication shares it, its caches and its search threads).
    pub fn search(&self) -> Result<std::sync::Arc<cablegate_search::Index>> {
        if let Some(s) = self.shared.search.get() {
            return Ok(s.clone());
        }
        let dir = self.dir.join(SEARCH_DIR);
        if !dir.join("meta.json").exists() {
            return Err(Error::NoSearch(self.manifest.number));
        }
        let _opening = self.shared.opening.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = self.shared.search.get() {
            return Ok(s.clone());
        }
        let index = std::sync::Arc::new(cablegate_search::Index::open(&dir)?);
        Ok(self.shared.search.get_or_init(|| index).clone())
    }

    /// The one `T` that every handle on this publication in the process shares, made on first
    /// use: what readers compute from a publication and keep (the site's [cache of list
    /// orders](https://docs.rs/cablegate-site), say). A publication never changes, so what is
    /// kept of it cannot go stale; it goes when the last handle on the publication is dropped.
    pub fn kept<T: Default + Send + Sync + 'static>(&self) -> std::sync::Arc<T> {
        let mut kept = self.shared.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let any = kept
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| std::sync::Arc::new(T::default()) as std::sync::Arc<dyn std::any::Any + Send + Sync>)
            .clone();
        drop(kept);
        any.downcast::<T>().expect("kept by its own type")
    }

    /// Every file of the build, for audits and mirrors.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.dir.join("manifest.json")];
        files.extend(self.manifest.files.keys().map(|name| self.dir.join(name)));
        files
    }
}

/// A time column of the publication: it writes only [`Timestamp`]s, so a failed conversion
/// means a damaged file.
pub(crate) fn time_opt(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<Timestamp>> {
    let text: Option<String> = row.get(i)?;
    Timestamp::from_stored(text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// [`time_opt`] of a column declared NOT NULL.
pub(crate) fn time(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Timestamp> {
    let t = time_opt(row, i)?;
    t.ok_or(rusqlite::Error::InvalidColumnType(i, "a time".into(), Type::Null))
}
