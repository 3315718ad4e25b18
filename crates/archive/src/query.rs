//! Reading the archive: statistics, one cable, its versions, and diffs between them.

use std::collections::HashMap;

use cablegate_publication::IoAt;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{time, time_opt, Archive, Error, Result, Timestamp};

/// `cablegate stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Cables the archive holds text for.
    pub held: u64,
    /// Versions stored, all cables together.
    pub versions: u64,
    /// Cables in the catalogue (`None` before a catalogue is loaded).
    pub total: Option<u64>,
    /// Catalogue entries the archive holds text for.
    pub held_of_total: Option<u64>,
    pub per_year: Vec<(i64, u64)>,
    pub per_classification: Vec<(String, u64)>,
    /// Every origin, most cables first.
    pub per_origin: Vec<(String, u64)>,
}

/// One cable's current state in the archive.
#[derive(Debug, Clone, Serialize)]
pub struct CableInfo {
    pub reference_id: String,
    pub canonical_id: String,
    pub release_number: Option<i64>,
    pub created: Option<Timestamp>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    pub subject: Option<String>,
    pub current_version: u32,
    pub tags: Vec<String>,
}

/// One version of a cable's text.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub version: u32,
    pub seen_at: Timestamp,
    pub source: String,
    /// The release's own stamp for this text, as its site printed it (`2010-12-04 01:01`).
    pub released: Option<String>,
    /// BLAKE3 of header, NUL, body, in hex.
    pub hash: String,
    /// Bytes of text (header and body).
    pub bytes: u64,
}

/// What [`Archive::check`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Check {
    pub cables: u64,
    pub versions: u64,
    /// Problems, each naming the cable and version; empty when all is well.
    pub problems: Vec<String>,
}

impl Archive {
    /// The current version's text of a cable (header, body) by its published id, as the archive
    /// holds it: unredacted. `None` for no such cable.
    pub fn current_text(&self, reference_id: &str) -> Result<Option<(String, String)>> {
        let at = self
            .conn
            .prepare_cached(
                "SELECT v.pack, v.offset, v.length FROM versions v JOIN cables c ON c.id = v.cable_id
                 WHERE c.reference_id = ?1 AND v.version = c.current_version",
            )
            .and_then(|mut s| s.query_row([reference_id], |r| crate::texts::Location::from_row(r, 0)).optional())
            .map_err(|e| self.sql(e))?;
        let Some(at) = at else { return Ok(None) };
        let texts = self.texts_dir();
        Ok(Some(crate::texts::read(&texts, at).at(texts)?))
    }

    /// Checks the archive whole: SQLite's own integrity check, every cable has its current
    /// version, and every version's text is in its pack with the hash recorded for it.
    pub fn check(&self) -> Result<Check> {
        let mut out = Check::default();
        // every problem SQLite finds (up to 100), each page's tree named by its table or index;
        // a page too damaged for SQLite's check to go on stops it with an error, and then each
        // table is read whole to say which ones are damaged
        let integrity: Vec<String> = match self.pragma_rows("PRAGMA integrity_check(100)") {
            Ok(rows) => rows,
            Err(e) => {
                out.problems.push(format!("sqlite: the integrity check stopped: {e}"));
                for (table, e) in self.unreadable_tables() {
                    out.problems.push(format!("sqlite: table {table} cannot be read whole: {e}"));
                }
                Vec::new()
            }
        };
        if !integrity.is_empty() && integrity != ["ok"] {
            let trees: HashMap<i64, String> = self
                .conn
                .prepare("SELECT rootpage, type || ' ' || name FROM sqlite_master WHERE rootpage > 0")
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .unwrap_or_default();
            let tree = regex::Regex::new(r"Tree (\d+)").expect("a valid pattern");
            for line in integrity {
                let named = tree
                    .captures(&line)
                    .and_then(|c| c[1].parse::<i64>().ok())
                    .and_then(|root| trees.get(&root))
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                out.problems.push(format!("sqlite: {line}{named}"));
            }
        }
        // the rest reads the tables, which a damaged page can stop: what it read is kept, and
        // the error is one more problem
        if let Err(e) = self.check_tables(&mut out) {
            out.problems.push(format!("reading the tables stopped: {e}"));
        }
        Ok(out)
    }

    /// The second half of [`check`](Self::check): every cable's current version, and every text
    /// against its hash.
    fn check_tables(&self, out: &mut Check) -> Result<()> {
        let sql = |e| self.sql(e);
        out.cables =
            self.conn.query_row("SELECT count(*) FROM cables", [], |r| r.get::<_, i64>(0)).map_err(sql)? as u64;
        let orphans: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM cables c WHERE NOT EXISTS
                 (SELECT 1 FROM versions v WHERE v.cable_id = c.id AND v.version = c.current_version)",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if orphans > 0 {
            out.problems.push(format!("{orphans} cables lack their current version"));
        }
        let mut s = self
            .conn
            .prepare(
                "SELECT c.reference_id, v.version, v.hash, v.pack, v.offset, v.length FROM versions v
                 JOIN cables c ON c.id = v.cable_id ORDER BY v.pack, v.offset",
            )
            .map_err(sql)?;
        let mut rows = s.query([]).map_err(sql)?;
        let dir = self.texts_dir();
        while let Some(r) = rows.next().map_err(sql)? {
            out.versions += 1;
            let id: String = r.get(0).map_err(sql)?;
            let version: u32 = r.get(1).map_err(sql)?;
            let hash: Vec<u8> = r.get(2).map_err(sql)?;
            let at = crate::texts::Location {
                pack: r.get(3).map_err(sql)?,
                offset: r.get::<_, i64>(4).map_err(sql)? as u64,
                length: r.get::<_, i64>(5).map_err(sql)? as u64,
            };
            match crate::texts::read(&dir, at) {
                Ok((header, body)) if crate::import::text_hash(&header, &body)[..] == hash[..] => {}
                Ok(_) => out.problems.push(format!("{id} version {version}: the text does not match its hash")),
                Err(e) => out.problems.push(format!("{id} version {version}: cannot read its text: {e}")),
            }
        }
        Ok(())
    }

    /// SQLite's quick check: `["ok"]`, or what it found (or the error that stopped it).
    pub(crate) fn quick_check(&self) -> Vec<String> {
        self.pragma_rows("PRAGMA quick_check(10)").unwrap_or_else(|e| vec![e.to_string()])
    }

    fn pragma_rows(&self, pragma: &str) -> rusqlite::Result<Vec<String>> {
        let mut s = self.conn.prepare(pragma)?;
        let rows = s.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// The tables that cannot be read to their last row, with why.
    fn unreadable_tables(&self) -> Vec<(String, String)> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for t in tables {
            let read = self.conn.prepare(&format!("SELECT * FROM \"{t}\"")).and_then(|mut s| {
                let mut rows = s.query([])?;
                while rows.next()?.is_some() {}
                Ok(())
            });
            if let Err(e) = read {
                out.push((t, e.to_string()));
            }
        }
        out
    }

    /// Rebuilds every index of the archive's tables from the tables (`REINDEX`): what repairs a
    /// damaged index, which `stats --check` names as such.
    pub fn reindex(&self) -> Result<()> {
        self.conn.execute_batch("REINDEX").map_err(|e| self.sql(e))
    }

    /// Counts for `cablegate stats`.
    pub fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let sql = |e| self.sql(e);
        let count =
            |q: &str| -> Result<u64> { c.query_row(q, [], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(sql) };
        let pairs_i = |q: &str| -> Result<Vec<(i64, u64)>> {
            let mut s = c.prepare(q).map_err(sql)?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))).map_err(sql)?;
            rows.collect::<rusqlite::Result<_>>().map_err(sql)
        };
        let pairs_s = |q: &str| -> Result<Vec<(String, u64)>> {
            let mut s = c.prepare(q).map_err(sql)?;
            let rows = s
                .query_map([], |r| Ok((r.get::<_, Option<String>>(0)?.unwrap_or_default(), r.get::<_, i64>(1)? as u64)))
                .map_err(sql)?;
            rows.collect::<rusqlite::Result<_>>().map_err(sql)
        };
        let total = count("SELECT count(*) FROM catalog")?;
        let (total, held_of_total) = if total == 0 {
            (None, None)
        } else {
            (
                Some(total),
                Some(count("SELECT count(*) FROM catalog WHERE reference_id IN (SELECT reference_id FROM cables)")?),
            )
        };
        Ok(Stats {
            held: count("SELECT count(*) FROM cables")?,
            versions: count("SELECT count(*) FROM versions")?,
            total,
            held_of_total,
            per_year: pairs_i("SELECT year, count(*) FROM cables WHERE year IS NOT NULL GROUP BY year ORDER BY year")?,
            per_classification: pairs_s(
                "SELECT classification, count(*) FROM cables GROUP BY classification ORDER BY count(*) DESC, classification",
            )?,
            per_origin: pairs_s("SELECT origin, count(*) FROM cables GROUP BY origin ORDER BY count(*) DESC, origin")?,
        })
    }

    /// Finds a cable by its published or its canonical reference id, in any case.
    fn cable_row(&self, id: &str) -> Result<(i64, String)> {
        self.find_cable(id)?.ok_or_else(|| Error::NoSuchCable(id.trim().to_owned()))
    }

    /// A cable's current metadata.
    pub fn cable(&self, id: &str) -> Result<CableInfo> {
        let (rowid, _) = self.cable_row(id)?;
        let sql = |e| self.sql(e);
        let mut info = self
            .conn
            .query_row(
                "SELECT reference_id, canonical_id, release_number, created, classification, origin, subject, current_version
                 FROM cables WHERE id = ?1",
                [rowid],
                |r| {
                    Ok(CableInfo {
                        reference_id: r.get(0)?,
                        canonical_id: r.get(1)?,
                        release_number: r.get(2)?,
                        created: time_opt(r, 3)?,
                        classification: r.get(4)?,
                        origin: r.get(5)?,
                        subject: r.get(6)?,
                        current_version: r.get(7)?,
                        tags: Vec::new(),
                    })
                },
            )
            .map_err(sql)?;
        let mut s = self.conn.prepare("SELECT tag FROM tags WHERE cable_id = ?1 ORDER BY position").map_err(sql)?;
        info.tags = s.query_map([rowid], |r| r.get(0)).map_err(sql)?.collect::<rusqlite::Result<_>>().map_err(sql)?;
        Ok(info)
    }

    /// Every version of a cable's text, oldest first.
    pub fn versions(&self, id: &str) -> Result<Vec<VersionInfo>> {
        let (rowid, _) = self.cable_row(id)?;
        let sql = |e| self.sql(e);
        let mut s = self
            .conn
            .prepare(
                "SELECT version, seen_at, source, released, hash, length FROM versions
                 WHERE cable_id = ?1 ORDER BY version",
            )
            .map_err(sql)?;
        let rows = s
            .query_map([rowid], |r| {
                let hash: Vec<u8> = r.get(4)?;
                Ok(VersionInfo {
                    version: r.get(0)?,
                    seen_at: time(r, 1)?,
                    source: r.get(2)?,
                    released: r.get(3)?,
                    hash: hash.iter().map(|b| format!("{b:02x}")).collect(),
                    bytes: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(sql)
    }

    /// The header and body of one version.
    pub fn version_text(&self, id: &str, version: u32) -> Result<(String, String)> {
        let (rowid, reference_id) = self.cable_row(id)?;
        let found: Option<crate::texts::Location> = self
            .conn
            .query_row(
                "SELECT pack, offset, length FROM versions WHERE cable_id = ?1 AND version = ?2",
                params![rowid, version],
                |r| crate::texts::Location::from_row(r, 0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let found =
            match found {
                Some(at) => Some(crate::texts::read(&self.texts_dir(), at).map_err(|source| Error::Io {
                    path: crate::texts::pack_path(&self.texts_dir(), at.pack),
                    source,
                })?),
                None => None,
            };
        match found {
            Some(t) => Ok(t),
            None => {
                let count = self.versions(id)?.len() as u32;
                Err(Error::NoSuchVersion { id: reference_id, version, count })
            }
        }
    }

    /// A unified diff, line by line, from version `a` to version `b` of a cable.
    pub fn diff(&self, id: &str, a: u32, b: u32) -> Result<String> {
        let (ha, ba) = self.version_text(id, a)?;
        let (hb, bb) = self.version_text(id, b)?;
        let (old, new) = (format!("{ha}\n\n{ba}\n"), format!("{hb}\n\n{bb}\n"));
        let diff = similar::TextDiff::from_lines(&old, &new);
        let reference_id = self.cable_row(id)?.1;
        Ok(diff
            .unified_diff()
            .context_radius(2)
            .header(&format!("{reference_id} version {a}"), &format!("{reference_id} version {b}"))
            .to_string())
    }
}
