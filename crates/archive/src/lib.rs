//! The publisher's private archive: every cable the publisher holds, every version of its text,
//! the catalogue of the whole collection.
//!
//! It lives in a data folder as one SQLite file (`archive.sqlite`, WAL) with a versioned schema
//! ([`schema`]), and the cables' texts in append-only packs beside it ([`texts`]). [`Archive::import`] reads the release's formats (`cablegate-formats`) as streams and parses every cable with `cablegate-cable` on the way in.

pub mod articles;
pub mod catalog;
pub mod import;
pub mod publish;
pub mod query;
pub mod redact;
pub mod release;
pub mod schema;
pub mod texts;

use cablegate_publication::IoAt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use import::{ImportOptions, ImportSummary, Progress, Reject};

/// What can go wrong with the archive itself. Bad input records are not errors: they are
/// [`Reject`]s, reported and counted while the rest of the input is imported.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("archive {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error(
        "archive {path} has schema version {found}, but this cablegate knows versions up to {supported}: use a newer cablegate"
    )]
    TooNew { path: PathBuf, found: u32, supported: u32 },
    #[error("{0}: not a format cablegate imports (cables.csv, .jsonl, or pages of the cable site)")]
    UnknownFormat(PathBuf),
    #[error("no cable {0} in the archive")]
    NoSuchCable(String),
    #[error("cable {id} has no version {version} (it has {count})")]
    NoSuchVersion { id: String, version: u32, count: u32 },
    #[error("{path}: line {line}: {reason}")]
    BadCatalog { path: PathBuf, line: u64, reason: String },
    #[error("cable {0} is not released")]
    NotReleased(String),
    #[error("no redaction {0} (see cablegate redact list)")]
    NoSuchRedaction(i64),
    #[error("a redaction needs at least 2 characters besides spaces")]
    EmptyRedaction,
    #[error("{0:?} has fewer than 3 letters and would rewrite words it is part of; add --force to redact it anyway")]
    RedactionTooShort(String),
    #[error("{0:?} matches nothing in the archive (misspelt?); add --force to redact it anyway")]
    RedactionMatchesNothing(String),
    #[error(transparent)]
    Publication(#[from] cablegate_publication::Error),
    #[error("article: {0}")]
    BadArticle(String),
    #[error(
        "archive {path} is damaged ({problems}): nothing was published and the current build is untouched; \
         `cablegate stats --check` says what is damaged, and re-importing the source files into a new data folder recovers it"
    )]
    Damaged { path: PathBuf, problems: String },
    #[error("{url:?} cannot be the build's address: {reason}")]
    BadUrl { url: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<cablegate_publication::PathIo> for Error {
    fn from(e: cablegate_publication::PathIo) -> Self {
        Error::Io { path: e.path, source: e.source }
    }
}

/// The archive in a data folder.
pub struct Archive {
    conn: Connection,
    path: PathBuf,
}

impl Archive {
    /// The SQLite file inside a data folder.
    pub fn file_in(data_dir: &Path) -> PathBuf {
        data_dir.join("archive.sqlite")
    }

    /// Opens the archive in `data_dir`, creating the folder and the archive if needed and
    /// migrating an older schema to the current one.
    pub fn open(data_dir: &Path) -> Result<Archive> {
        std::fs::create_dir_all(data_dir).at(data_dir)?;
        Self::open_file(&Self::file_in(data_dir), schema::CURRENT)
    }

    /// Opens an existing archive without changing it (no migration): for commands that only read.
    pub fn open_existing(data_dir: &Path) -> Result<Archive> {
        let path = Self::file_in(data_dir);
        if !path.exists() {
            return Err(Error::Io {
                path: path.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no archive here (run cablegate import first)",
                ),
            });
        }
        Self::open_file(&path, schema::CURRENT)
    }

    /// Opens (or creates) an archive file and brings its schema to `target`. Tests use a lower
    /// target to write archives as older versions of cablegate did.
    pub fn open_file(path: &Path, target: u32) -> Result<Archive> {
        let sql = |source| Error::Sqlite { path: path.to_owned(), source };
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        let found = schema::version(&conn).map_err(sql)?;
        if found > schema::CURRENT {
            return Err(Error::TooNew { path: path.to_owned(), found, supported: schema::CURRENT });
        }
        if found == 0 {
            // only takes effect on a new, empty database
            conn.pragma_update(None, "page_size", 16384).map_err(sql)?;
        }
        conn.pragma_update(None, "journal_mode", "wal").map_err(sql)?;
        conn.pragma_update(None, "synchronous", "normal").map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "on").map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(sql)?;
        schema::migrate_to(&mut conn, target).map_err(sql)?;
        Ok(Archive { conn, path: path.to_owned() })
    }

    /// The folder of text packs, beside the SQLite file.
    pub fn texts_dir(&self) -> PathBuf {
        self.path.with_file_name("texts")
    }

    /// The archive's SQLite file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open archive.
    pub fn schema_version(&self) -> Result<u32> {
        schema::version(&self.conn).map_err(|e| self.sql(e))
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: self.path.clone(), source }
    }

    /// The underlying connection, for read-only queries by tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

pub use cablegate_cable::Timestamp;
pub use cablegate_formats::open_maybe_gz;
use rusqlite::types::Type;

/// Now, to the second.
pub(crate) fn now() -> Timestamp {
    Timestamp::from_system(std::time::SystemTime::now())
}

/// A time column of the archive (NULL or a [`Timestamp`]); other text is a damaged archive.
pub(crate) fn time_opt(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Option<Timestamp>> {
    Timestamp::from_stored(r.get(at)?).map_err(|e| rusqlite::Error::FromSqlConversionFailure(at, Type::Text, e.into()))
}

/// A time column of the archive that is never NULL.
pub(crate) fn time(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Timestamp> {
    time_opt(r, at)?.ok_or(rusqlite::Error::InvalidColumnType(at, "a time".into(), Type::Null))
}
