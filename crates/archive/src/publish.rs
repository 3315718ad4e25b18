//! `publish`: make a build from the archive — the released cables at a moment, every version's
//! text redacted, the current one parsed — and make it current.

use cablegate_publication::IoAt;
use std::collections::HashMap;

use cablegate_cable::Meta;
use cablegate_publication::{
    CatalogEntry, Counts, LogEntry, Manifest, PublicCable, PublicVersion, PublicationWriter, ReleaseEvent,
};
use rusqlite::params;

use crate::redact::Redactor;
use crate::texts::Location;
use crate::{time, time_opt, Archive, Error, Result, Timestamp};

/// What `publish` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishSummary {
    pub manifest: Manifest,
    pub seconds: f64,
}

/// How to publish: as of when, and at which address.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// The moment the build shows the archive as of (default: now).
    pub at: Option<Timestamp>,
    /// Where the build will be served (`https://cables.example.org/`), which citations name;
    /// `None` keeps the current build's.
    pub url: Option<String>,
}

/// `url` as a build's address: an absolute `http` or `https` URL with no query or fragment,
/// ending in `/` (one is added).
pub fn site_url(url: &str) -> Result<String> {
    let bad = |reason: &str| Error::BadUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("it is not an http or https address"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("a site's address has no query string or fragment"));
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// The address of the current build, if it has one.
fn current_url(builds: &std::path::Path) -> Option<String> {
    let number = cablegate_publication::current(builds).ok()??;
    cablegate_publication::read_manifest(&cablegate_publication::publication_dir(builds, number)).ok()?.url
}

struct Row {
    rowid: i64,
    reference_id: String,
    release_number: Option<i64>,
    created: Option<Timestamp>,
    classification: Option<String>,
    origin: Option<String>,
    released: Timestamp,
    released_latest: Option<Timestamp>,
}

impl Archive {
    /// The cables public at `at`, by reference id.
    fn released_at(&self, at: &Timestamp) -> Result<Vec<Row>> {
        let mut s = self
            .conn
            .prepare(
                "SELECT c.id, c.reference_id, c.release_number, c.created, c.classification, c.origin, r.released_at,
                 CASE WHEN r.released_latest <= ?1 THEN r.released_latest END
                 FROM cables c JOIN releases r ON r.cable_id = c.id
                 WHERE r.released_at <= ?1 AND (r.withdrawn_at IS NULL OR r.withdrawn_at > ?1)
                 ORDER BY c.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = s
            .query_map([at.as_str()], |r| {
                Ok(Row {
                    rowid: r.get(0)?,
                    reference_id: r.get(1)?,
                    release_number: r.get(2)?,
                    created: time_opt(r, 3)?,
                    classification: r.get(4)?,
                    origin: r.get(5)?,
                    released: time(r, 6)?,
                    released_latest: time_opt(r, 7)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.sql(e))
    }

    /// The reference ids of cables the archive holds that are not public at `at`.
    pub fn unreleased_at(&self, at: &Timestamp) -> Result<Vec<String>> {
        let mut s = self
            .conn
            .prepare(
                "SELECT reference_id FROM cables c WHERE NOT EXISTS (SELECT 1 FROM releases r WHERE r.cable_id = c.id
                 AND r.released_at <= ?1 AND (r.withdrawn_at IS NULL OR r.withdrawn_at > ?1))",
            )
            .map_err(|e| self.sql(e))?;
        let rows = s.query_map([at.as_str()], |r| r.get(0)).map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.sql(e))
    }

    /// Publishes a build of the archive as of `at` (default: now) and makes it current; its
    /// address is the current build's.
    pub fn publish(&mut self, data_dir: &std::path::Path, at: Option<&Timestamp>) -> Result<PublishSummary> {
        self.publish_with(data_dir, &PublishOptions { at: at.cloned(), url: None })
    }

    /// [`publish`](Archive::publish) with a new address for the build ([`PublishOptions::url`]).
    pub fn publish_with(&mut self, data_dir: &std::path::Path, options: &PublishOptions) -> Result<PublishSummary> {
        let started = std::time::Instant::now();
        let at = options.at.clone().unwrap_or_else(crate::now);
        let builds = cablegate_publication::publications_dir(data_dir);
        std::fs::create_dir_all(&builds).at(&builds)?;
        let url = match &options.url {
            Some(u) => Some(site_url(u)?),
            None => current_url(&builds),
        };
        let number = self.next_number(&builds)?;
        // a damaged page hides rows without an error: a publish read 43 cables fewer and
        // withdrew them from the site. SQLite's quick check reads every page first.
        let quick = self.quick_check();
        if quick != ["ok"] {
            return Err(Error::Damaged { path: self.path.clone(), problems: quick.join("; ") });
        }
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "publish: the archive checked");
        let redactions = self.redactions()?;
        let redactor = Redactor::new(&redactions);
        let rows = self.released_at(&at)?;
        let last = self.last_hashes()?;
        let plan = self.plan(&rows)?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), cables = rows.len(), "publish: planned");

        // a worker reads, redacts and parses; this thread writes the build
        let texts = self.texts_dir();
        let rows = std::sync::Arc::new(rows);
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<(PublicCable, Vec<u8>)>>(256);
        let worker = {
            let (rows, texts) = (rows.clone(), texts.clone());
            std::thread::Builder::new()
                .name("publish-parse".into())
                .spawn(move || read_redact_parse(&rows, plan, &texts, &redactor, &tx))
                .expect("spawn a thread")
        };
        let mut writer = PublicationWriter::create(&builds, number, &at)?;
        writer.redactions(redactions.iter().map(|r| r.id).collect());
        writer.url(url);
        let mut now_held: Vec<(String, Vec<u8>)> = Vec::with_capacity(rows.len());
        let (mut added, mut changed) = (0u64, 0u64);
        for item in rx {
            let (public, hash) = item.at(&texts)?;
            let id = public.cable.reference_id.clone();
            match last.get(&id) {
                None => {
                    added += 1;
                    writer.add(&public)?;
                }
                Some(h) if *h != hash => {
                    changed += 1;
                    writer.add(&public)?;
                }
                Some(_) => writer.add_unchanged(&public)?,
            }
            now_held.push((id, hash));
        }
        worker.join().expect("the publish worker does not panic");
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "publish: cables written");
        let rows = std::sync::Arc::try_unwrap(rows).unwrap_or_else(|_| unreachable!("the worker has ended"));
        let held: std::collections::HashSet<&str> = now_held.iter().map(|(id, _)| id.as_str()).collect();
        let withdrawn = last.keys().filter(|id| !held.contains(id.as_str())).count() as u64;

        // the public catalogue, the release history and the press coverage
        writer.catalog(self.catalog_entries()?)?;
        writer.release_log(self.release_events(&rows, &at)?)?;
        writer.articles(self.articles()?)?;
        let total: i64 =
            self.conn.query_row("SELECT count(*) FROM catalog", [], |r| r.get(0)).map_err(|e| self.sql(e))?;
        let counts = Counts { total: total as u64, added, changed, withdrawn };
        let manifest = writer.finish(counts)?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "publish: build finished");
        cablegate_publication::set_current(&builds, number)?;
        self.record_publication(number, &at, &manifest, counts, &now_held)?;
        Ok(PublishSummary { manifest, seconds: started.elapsed().as_secs_f64() })
    }

    /// The next build's number: after every build this archive made and every build in the
    /// folder (one may have been removed by hand), so that a number is never reused.
    fn next_number(&self, builds: &std::path::Path) -> Result<u32> {
        let recorded: Option<u32> =
            self.conn.query_row("SELECT max(number) FROM builds", [], |r| r.get(0)).map_err(|e| self.sql(e))?;
        let listed = cablegate_publication::list(builds)?.last().copied();
        Ok(recorded.max(listed).unwrap_or(0) + 1)
    }

    /// The hash of each cable's current text in the last build, by reference id.
    fn last_hashes(&self) -> Result<HashMap<String, Vec<u8>>> {
        let mut s = self.conn.prepare("SELECT reference_id, hash FROM last_build").map_err(|e| self.sql(e))?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.sql(e))
    }

    /// Where every version of every row's text is: read once, here, so that the worker needs no
    /// database. Each row's versions in the order they were seen, the current one last.
    fn plan(&self, rows: &[Row]) -> Result<Vec<Planned>> {
        let sql = |e| self.sql(e);
        let mut versions = self
            .conn
            .prepare("SELECT version, seen_at, released, pack, offset, length, hash FROM versions WHERE cable_id = ?1")
            .map_err(sql)?;
        let mut current = self.conn.prepare("SELECT current_version FROM cables WHERE id = ?1").map_err(sql)?;
        let mut plan = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let current_version: u32 = current.query_row([row.rowid], |r| r.get(0)).map_err(sql)?;
            let mut listed = versions
                .query_map([row.rowid], |r| {
                    Ok(PlannedVersion {
                        version: r.get(0)?,
                        seen_at: time(r, 1)?,
                        released: r.get(2)?,
                        at: Location::from_row(r, 3)?,
                        hash: r.get(6)?,
                    })
                })
                .map_err(sql)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(sql)?;
            listed.sort_by(|a, b| {
                (a.version == current_version, &a.seen_at).cmp(&(b.version == current_version, &b.seen_at))
            });
            plan.push(Planned { row: i, current_version, versions: listed });
        }
        Ok(plan)
    }

    /// The collection's catalogue, as the build publishes it.
    fn catalog_entries(&self) -> Result<Vec<CatalogEntry>> {
        let sql = |e| self.sql(e);
        let mut s = self
            .conn
            .prepare(
                "SELECT release_number, reference_id, canonical_id, created_month FROM catalog ORDER BY release_number",
            )
            .map_err(sql)?;
        let entries = s
            .query_map([], |r| {
                Ok(CatalogEntry {
                    release_number: r.get(0)?,
                    reference_id: r.get(1)?,
                    canonical_id: r.get(2)?,
                    created_month: r.get(3)?,
                })
            })
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        Ok(entries)
    }

    /// The release history as of `at`: when each released cable was added and re-issued, and
    /// when cables were withdrawn.
    fn release_events(&self, rows: &[Row], at: &Timestamp) -> Result<Vec<LogEntry>> {
        let sql = |e| self.sql(e);
        let mut events: Vec<LogEntry> = Vec::new();
        for row in rows {
            let id = || row.reference_id.clone();
            events.push(LogEntry { at: row.released.clone(), reference_id: id(), event: ReleaseEvent::Added });
            if let Some(l) = &row.released_latest {
                events.push(LogEntry { at: l.clone(), reference_id: id(), event: ReleaseEvent::Reissued });
            }
        }
        let mut s = self
            .conn
            .prepare(
                "SELECT r.withdrawn_at, c.reference_id FROM releases r JOIN cables c ON c.id = r.cable_id
                 WHERE r.withdrawn_at <= ?1 AND r.released_at <= r.withdrawn_at",
            )
            .map_err(sql)?;
        let gone = s
            .query_map([at.as_str()], |r| Ok((time(r, 0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        events.extend(gone.into_iter().map(|(at, reference_id)| LogEntry {
            at,
            reference_id,
            event: ReleaseEvent::Withdrawn,
        }));
        Ok(events)
    }

    /// Records the new build and the hash of every cable's text in it, for the next publish to
    /// compare against.
    fn record_publication(
        &mut self,
        number: u32,
        at: &Timestamp,
        manifest: &Manifest,
        counts: Counts,
        held: &[(String, Vec<u8>)],
    ) -> Result<()> {
        let path = self.path.clone();
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO builds (number, made_at, released, added, changed, withdrawn) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                number,
                at.as_str(),
                manifest.released as i64,
                counts.added as i64,
                counts.changed as i64,
                counts.withdrawn as i64
            ],
        )
        .map_err(sql)?;
        tx.execute("DELETE FROM last_build", []).map_err(sql)?;
        {
            let mut put = tx.prepare("INSERT INTO last_build (reference_id, hash) VALUES (?1, ?2)").map_err(sql)?;
            for (id, hash) in held {
                put.execute(params![id, hash]).map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }
}

/// One version of a released cable's text, and where it is.
struct PlannedVersion {
    version: u32,
    seen_at: Timestamp,
    released: Option<String>,
    at: Location,
    /// The text's hash as imported: a text whose bytes changed in its pack is not published.
    hash: Vec<u8>,
}

/// A released cable (by its index in the rows), its current version and every version.
struct Planned {
    row: usize,
    current_version: u32,
    versions: Vec<PlannedVersion>,
}

/// The publish worker: each planned cable's versions read from the packs and redacted, the
/// current one parsed, sent with the hash of its text; stops at the first unreadable text (sent
/// as the error) or when the writer has gone.
fn read_redact_parse(
    rows: &[Row],
    plan: Vec<Planned>,
    texts: &std::path::Path,
    redactor: &Redactor,
    tx: &std::sync::mpsc::SyncSender<std::io::Result<(PublicCable, Vec<u8>)>>,
) {
    for Planned { row, current_version, versions } in plan {
        let row = &rows[row];
        let mut public = Vec::with_capacity(versions.len());
        let mut current_text = None;
        let mut withheld = 0;
        for PlannedVersion { version, seen_at, released, at, hash } in versions {
            let (header, body) = match crate::texts::read(texts, at) {
                Ok(t) => t,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            if crate::import::text_hash(&header, &body)[..] != hash[..] {
                let _ = tx.send(Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{} version {version}: the text's bytes are not the ones imported (its hash differs): \
                         nothing was published; `cablegate stats --check` lists every damaged text",
                        row.reference_id
                    ),
                )));
                return;
            }
            let (header, in_header) = redactor.apply_counted(&row.reference_id, &header);
            let (body, in_body) = redactor.apply_counted(&row.reference_id, &body);
            if version == current_version {
                current_text = Some((header.clone(), body.clone()));
                withheld = (in_header + in_body) as u32;
            }
            public.push(PublicVersion { version, seen_at, released, header, body });
        }
        let (header, body) = current_text.unwrap_or_default();
        let hash = crate::import::text_hash(&header, &body).to_vec();
        let meta = Meta {
            reference_id: Some(&row.reference_id),
            created: row.created.as_deref(),
            classification: row.classification.as_deref(),
            origin: row.origin.as_deref(),
        };
        // the build's tables need the browse fields; pages parse in full when shown
        let cable = cablegate_cable::parse_with(&meta, header, body, cablegate_cable::Depth::Browse);
        let public = PublicCable {
            release_number: row.release_number,
            released: row.released.clone(),
            released_latest: row.released_latest.clone(),
            cable,
            versions: public,
            withheld,
        };
        if tx.send(Ok((public, hash))).is_err() {
            return;
        }
    }
}
