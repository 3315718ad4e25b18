//! Writing a build: into a temporary folder, renamed into place when whole.

use crate::IoAt;
use std::io::Read;
use std::path::{Path, PathBuf};

use cablegate_cable::{Cable, Reference, Timestamp};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use crate::{publication_dir, Error, Manifest, Result, FORMAT, SEARCH_DIR};

const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cables (
    id              INTEGER PRIMARY KEY,
    reference_id    TEXT NOT NULL UNIQUE,
    canonical_id    TEXT NOT NULL,
    release_number  INTEGER,
    created         TEXT,
    year            INTEGER,
    month           INTEGER,
    released        TEXT NOT NULL,          -- first released (ISO 8601)
    released_latest TEXT,                   -- re-issued with a new text
    classification  TEXT,
    level           TEXT,
    origin          TEXT,
    subject         TEXT,
    versions        INTEGER NOT NULL        -- the current version is the last
);
-- every version's redacted text; a page parses the current one when it is shown (the parser is
-- a pure function, so the page is a function of the build)
CREATE TABLE versions (
    id       INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id),
    version  INTEGER NOT NULL,
    seen_at  TEXT NOT NULL,
    released TEXT,
    header   TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE TABLE tags (cable_id INTEGER NOT NULL, position INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (cable_id, position)) WITHOUT ROWID;
CREATE TABLE refs (
    cable_id INTEGER NOT NULL, position INTEGER NOT NULL, cited_id TEXT, text TEXT, bullet TEXT,
    PRIMARY KEY (cable_id, position)
) WITHOUT ROWID;
CREATE TABLE catalog (release_number INTEGER PRIMARY KEY, reference_id TEXT NOT NULL, canonical_id TEXT NOT NULL, created_month INTEGER);
CREATE TABLE release_log (at TEXT NOT NULL, reference_id TEXT NOT NULL, kind TEXT NOT NULL); -- added, reissued, withdrawn
CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT NOT NULL, title TEXT NOT NULL, outlet TEXT NOT NULL, date TEXT NOT NULL);
-- the redaction ledger (layout 3): how many passages of a cable's current text the publisher
-- withheld, and since which build; never what
CREATE TABLE withheld (cable_id INTEGER PRIMARY KEY, passages INTEGER NOT NULL, since INTEGER NOT NULL);
-- what a citation names (layout 4): the build in which the cable's current text was first
-- published, and when that build was made, so that a cable's page stays the same from build to
-- build while its text does
CREATE TABLE cited (cable_id INTEGER PRIMARY KEY, build INTEGER NOT NULL, made_at TEXT NOT NULL);
CREATE TABLE article_cables (article_id INTEGER NOT NULL, reference_id TEXT NOT NULL, PRIMARY KEY (article_id, reference_id)) WITHOUT ROWID;
"#;

const INDEXES: &str = r#"
CREATE UNIQUE INDEX versions_cable ON versions(cable_id, version);
CREATE INDEX cables_canonical ON cables(canonical_id);
CREATE INDEX cables_created ON cables(year, month, created);
CREATE INDEX cables_released ON cables(released);
CREATE INDEX cables_origin ON cables(origin, created);
CREATE INDEX cables_classification ON cables(classification, created);
CREATE INDEX tags_tag ON tags(tag);
CREATE INDEX refs_cited ON refs(cited_id) WHERE cited_id IS NOT NULL;
CREATE INDEX catalog_canonical ON catalog(canonical_id);
CREATE INDEX release_log_at ON release_log(at);
CREATE INDEX article_cables_cable ON article_cables(reference_id);
"#;

/// One version of a released cable's text, redacted.
#[derive(Debug, Clone)]
pub struct PublicVersion {
    pub version: u32,
    pub seen_at: Timestamp,
    /// The release's own stamp for this text, as its site printed it (`2010-12-04 01:01`): shown
    /// as given, so it stays text.
    pub released: Option<String>,
    pub header: String,
    pub body: String,
}

/// A released cable as a build holds it: the current version parsed (from redacted text), and
/// every version's redacted text.
#[derive(Debug, Clone)]
pub struct PublicCable {
    pub release_number: Option<i64>,
    pub released: Timestamp,
    pub released_latest: Option<Timestamp>,
    pub cable: Cable,
    pub versions: Vec<PublicVersion>,
    /// Passages of the current text the publisher's redactions withheld (the ledger's count;
    /// the release's own `XXXXXXXXXXXX` are not counted).
    pub withheld: u32,
}

/// A line of the collection's public catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The release's own number of the cable.
    pub release_number: i64,
    pub reference_id: String,
    pub canonical_id: String,
    /// `YYYYMM` of creation, where the catalogue says.
    pub created_month: Option<i64>,
}

/// What happened to a cable in the release history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseEvent {
    Added,
    Reissued,
    Withdrawn,
}

impl ReleaseEvent {
    /// The name the `release_log` table stores.
    fn name(self) -> &'static str {
        match self {
            ReleaseEvent::Added => "added",
            ReleaseEvent::Reissued => "reissued",
            ReleaseEvent::Withdrawn => "withdrawn",
        }
    }
}

/// A line of the release history: when a cable was added, re-issued or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: Timestamp,
    pub reference_id: String,
    pub event: ReleaseEvent,
}

/// A press article and the cables it draws on, as the archive records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleRecord {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub outlet: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// Reference ids as published.
    pub cables: Vec<String>,
}

/// The counts a publication's manifest states beside its files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cables in the collection's catalogue (0 without one).
    pub total: u64,
    /// Against the previous publication: cables new in this one, re-issued, and taken out.
    pub added: u64,
    pub changed: u64,
    pub withdrawn: u64,
}

/// Writes build `number` into `builds/.tmp-NNNNNN`, renamed to `builds/NNNNNN` by [`finish`](Self::finish).
pub struct PublicationWriter {
    builds: PathBuf,
    tmp: PathBuf,
    conn: Connection,
    number: u32,
    made_at: Timestamp,
    count: u64,
    index: cablegate_search::Indexer,
    redactions: Vec<i64>,
    url: Option<String>,
    /// The previous build's ledger: since which build each cable has had passages withheld.
    withheld_since: std::collections::HashMap<String, u32>,
    /// The previous build's: in which build (and when made) each cable's text was first published.
    cited_since: std::collections::HashMap<String, crate::Cited>,
    /// Last, so that it is dropped after the files it removes are closed.
    _unfinished: Unfinished,
}

/// Removes a build's folder that [`PublicationWriter::finish`] did not rename: a publish that
/// failed (a full disk, a bad text) leaves no half build behind, which on a full disk would keep
/// the next attempt from finding room. After the rename there is nothing at the path to remove.
struct Unfinished(PathBuf);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if self.0.exists() {
            if let Err(e) = std::fs::remove_dir_all(&self.0) {
                tracing::warn!(path = %self.0.display(), error = %e, "could not remove an unfinished build");
            }
        }
    }
}

/// Threads and memory of the search indexer while a build is written: bounded, whatever the
/// size of the collection (a segment is written each time a thread's share fills, and segments
/// are not merged: merging cost the full-scale publish about 6 s for little gain in queries).
/// Measured on 65,804 cables: 160 MB to 512 MB take the same time; 64 MB is 15% slower; one
/// thread 40% slower.
const INDEX_THREADS: usize = 2;
const INDEX_MEMORY: usize = 640 << 20;

impl PublicationWriter {
    pub fn create(builds: &Path, number: u32, made_at: &Timestamp) -> Result<PublicationWriter> {
        let tmp = builds.join(format!(".tmp-{number:06}"));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).at(&tmp)?;
        }
        std::fs::create_dir_all(&tmp).at(&tmp)?;
        // from here, any error removes the folder again (declared first, it is dropped last)
        let unfinished = Unfinished(tmp.clone());
        let path = tmp.join("build.sqlite");
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.execute_batch(
            "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
        )
        .map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        conn.execute_batch("BEGIN").map_err(sql)?;
        let mut meta = conn.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)").map_err(sql)?;
        meta.execute(params!["format", FORMAT.to_string()]).map_err(sql)?;
        meta.execute(params!["number", number.to_string()]).map_err(sql)?;
        meta.execute(params!["made_at", made_at.as_str()]).map_err(sql)?;
        drop(meta);
        let index = cablegate_search::Indexer::create(&tmp.join(SEARCH_DIR), INDEX_THREADS, INDEX_MEMORY)?;
        let (withheld_since, cited_since) = match crate::current(builds)? {
            Some(previous) => {
                let p = crate::Publication::open(builds, Some(previous))?;
                (p.withheld_all()?, p.cited_all()?)
            }
            None => Default::default(),
        };
        Ok(PublicationWriter {
            builds: builds.to_owned(),
            tmp: tmp.clone(),
            conn,
            number,
            made_at: made_at.clone(),
            count: 0,
            index,
            redactions: Vec::new(),
            url: None,
            withheld_since,
            cited_since,
            _unfinished: unfinished,
        })
    }

    fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: self.tmp.join("build.sqlite"), source }
    }

    /// Adds a released cable whose text is new in this build (or differs from the previous
    /// build's): a citation of it names this build.
    pub fn add(&mut self, c: &PublicCable) -> Result<()> {
        self.add_cable(c, false)
    }

    /// Adds a released cable whose text is the previous build's: a citation of it names the
    /// build that first published that text.
    pub fn add_unchanged(&mut self, c: &PublicCable) -> Result<()> {
        self.add_cable(c, true)
    }

    fn add_cable(&mut self, c: &PublicCable, unchanged: bool) -> Result<()> {
        let key = self.add_inner(c, unchanged).map_err(|e| self.sql(e))?;
        // the search index gets the very text the build holds: released, redacted
        let cable = &c.cable;
        let refs = cable.references.iter().filter_map(|r| match r {
            Reference::Cable { id, .. } => Some(id.as_str()),
            Reference::Text { .. } => None,
        });
        self.index.add(&cablegate_search::Doc {
            key: key as u64,
            reference_id: &cable.reference_id,
            canonical_id: &cable.canonical_id,
            subject: cable.subject.as_deref(),
            text: &cable.body,
            tags: &cable.tags,
            origin: cable.origin.as_deref(),
            classification: cable.classification.as_deref(),
            refs: refs.collect(),
            created: cable.created.as_deref(),
            released: c.released_latest.as_deref().unwrap_or(&c.released),
        })?;
        self.count += 1;
        Ok(())
    }

    /// Writes the cable's rows; its row id.
    fn add_inner(&self, c: &PublicCable, unchanged: bool) -> rusqlite::Result<i64> {
        let cable = &c.cable;
        let created = cable.created.as_deref().and_then(cablegate_cable::meta::parse_timestamp);
        self.conn
            .prepare_cached(
                "INSERT INTO cables (reference_id, canonical_id, release_number, created, year, month, released,
                 released_latest, classification, level, origin, subject, versions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                cable.reference_id,
                cable.canonical_id,
                c.release_number,
                cable.created.as_deref(),
                created.map(|d| d.year),
                created.map(|d| d.month),
                c.released.as_str(),
                c.released_latest.as_deref(),
                cable.classification,
                cable.level.map(cablegate_cable::Level::label),
                cable.origin,
                cable.subject,
                c.versions.len() as i64
            ])?;
        let id = self.conn.last_insert_rowid();
        let mut v = self.conn.prepare_cached(
            "INSERT INTO versions (cable_id, version, seen_at, released, header, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, version) in c.versions.iter().enumerate() {
            v.execute(params![
                id,
                i as i64 + 1,
                version.seen_at.as_str(),
                version.released,
                version.header,
                version.body
            ])?;
        }
        let (build, made_at) = match self.cited_since.get(&cable.reference_id) {
            Some(cited) if unchanged => (cited.build, cited.made_at.as_str()),
            _ => (self.number, self.made_at.as_str()),
        };
        self.conn
            .prepare_cached("INSERT INTO cited (cable_id, build, made_at) VALUES (?1, ?2, ?3)")?
            .execute(params![id, build, made_at])?;
        if c.withheld > 0 {
            let since = self.withheld_since.get(&cable.reference_id).copied().unwrap_or(self.number);
            self.conn
                .prepare_cached("INSERT INTO withheld (cable_id, passages, since) VALUES (?1, ?2, ?3)")?
                .execute(params![id, c.withheld, since])?;
        }
        let mut t = self.conn.prepare_cached("INSERT INTO tags (cable_id, position, tag) VALUES (?1, ?2, ?3)")?;
        for (i, tag) in cable.tags.iter().enumerate() {
            t.execute(params![id, i as i64, tag])?;
        }
        let mut r = self.conn.prepare_cached(
            "INSERT INTO refs (cable_id, position, cited_id, text, bullet) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, reference) in cable.references.iter().enumerate() {
            match reference {
                Reference::Cable { id: cited, bullet } => {
                    r.execute(params![id, i as i64, cited, None::<String>, bullet])?
                }
                Reference::Text { text, bullet } => r.execute(params![id, i as i64, None::<String>, text, bullet])?,
            };
        }
        Ok(id)
    }

    /// The collection's public list of reference ids.
    pub fn catalog(&mut self, entries: impl IntoIterator<Item = CatalogEntry>) -> Result<()> {
        let mut s = self
            .conn
            .prepare("INSERT INTO catalog (release_number, reference_id, canonical_id, created_month) VALUES (?1, ?2, ?3, ?4)")
            .map_err(|e| self.sql(e))?;
        for e in entries {
            s.execute(params![e.release_number, e.reference_id, e.canonical_id, e.created_month])
                .map_err(|e| Error::Sqlite { path: self.tmp.clone(), source: e })?;
        }
        Ok(())
    }

    /// The release history: when each cable was added, re-issued or withdrawn.
    pub fn release_log(&mut self, events: impl IntoIterator<Item = LogEntry>) -> Result<()> {
        let mut s = self
            .conn
            .prepare("INSERT INTO release_log (at, reference_id, kind) VALUES (?1, ?2, ?3)")
            .map_err(|e| self.sql(e))?;
        for e in events {
            s.execute(params![e.at.as_str(), e.reference_id, e.event.name()])
                .map_err(|e| Error::Sqlite { path: self.tmp.clone(), source: e })?;
        }
        Ok(())
    }

    /// Press coverage, with the released cables each article draws on. Articles that draw on no
    /// released cable are left out.
    pub fn articles(&mut self, articles: impl IntoIterator<Item = ArticleRecord>) -> Result<()> {
        let path = self.tmp.join("build.sqlite");
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        let mut a = self
            .conn
            .prepare("INSERT INTO articles (id, url, title, outlet, date) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql)?;
        let mut c =
            self.conn.prepare("INSERT INTO article_cables (article_id, reference_id) VALUES (?1, ?2)").map_err(sql)?;
        let mut released =
            self.conn.prepare("SELECT EXISTS (SELECT 1 FROM cables WHERE reference_id = ?1)").map_err(sql)?;
        for ArticleRecord { id, url, title, outlet, date, cables } in articles {
            let mut public = Vec::new();
            for r in cables {
                if released.query_row([&r], |row| row.get::<_, bool>(0)).map_err(sql)? {
                    public.push(r);
                }
            }
            if public.is_empty() {
                continue;
            }
            a.execute(params![id, url, title, outlet, date]).map_err(sql)?;
            for r in public {
                c.execute(params![id, r]).map_err(sql)?;
            }
        }
        Ok(())
    }

    /// The archive's redactions this build applies, by number, for the manifest.
    pub fn redactions(&mut self, ids: Vec<i64>) {
        self.redactions = ids;
    }

    /// Where the publisher serves the build ([`Manifest::url`]).
    pub fn url(&mut self, url: Option<String>) {
        self.url = url;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Indexes, commits, writes the manifest and moves the build into place. The build is not
    /// made current here: see [`crate::set_current`].
    pub fn finish(self, counts: Counts) -> Result<Manifest> {
        let Counts { total, added, changed, withdrawn } = counts;
        let started = std::time::Instant::now();
        // the search index's last segments and the tables' indexes are independent: make them,
        // and hash the files, side by side
        let search = self.tmp.join(SEARCH_DIR);
        let index = self.index;
        let search_job = std::thread::Builder::new()
            .name("build-search".into())
            .spawn(move || -> Result<std::collections::BTreeMap<String, String>> {
                index.finish()?;
                let mut files = std::collections::BTreeMap::new();
                let entries = std::fs::read_dir(&search).at(&search)?;
                for e in entries {
                    let e = e.at(&search)?;
                    let name = e.file_name().to_string_lossy().into_owned();
                    // tantivy's lock files are not part of the index
                    if name.starts_with('.') {
                        continue;
                    }
                    let path = e.path();
                    files.insert(format!("{SEARCH_DIR}/{name}"), sha256_file(&path)?);
                    std::fs::File::open(&path).and_then(|f| f.sync_all()).at(path)?;
                }
                Ok(files)
            })
            .expect("spawn a thread");
        let sql = |source| Error::Sqlite { path: self.tmp.join("build.sqlite"), source };
        let tables = (|| -> Result<String> {
            self.conn.execute_batch(INDEXES).map_err(sql)?;
            self.conn
                .execute(
                    "INSERT INTO meta (key, value) VALUES ('total', ?1), ('released', ?2)",
                    params![total.to_string(), self.count.to_string()],
                )
                .map_err(sql)?;
            self.conn.execute_batch("COMMIT").map_err(sql)?;
            self.conn.close().map_err(|(_, e)| sql(e))?;
            let path = self.tmp.join("build.sqlite");
            let sha = sha256_file(&path)?;
            std::fs::File::open(&path).and_then(|f| f.sync_all()).at(path)?;
            Ok(sha)
        })();
        let mut files = search_job.join().expect("the search indexer does not panic")?;
        files.insert("build.sqlite".to_owned(), tables?);
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "build finished: indexes, hashes");
        let manifest = Manifest {
            format: FORMAT,
            number: self.number,
            made_at: self.made_at.clone(),
            released: self.count,
            total,
            added,
            changed,
            withdrawn,
            files,
            redactions: Some(self.redactions),
            url: self.url,
        };
        let mpath = self.tmp.join("manifest.json");
        std::fs::write(&mpath, serde_json::to_string_pretty(&manifest).expect("a manifest serialises") + "\n")
            .at(&mpath)?;
        let dest = publication_dir(&self.builds, self.number);
        std::fs::rename(&self.tmp, &dest).at(&dest)?;
        Ok(manifest)
    }
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
