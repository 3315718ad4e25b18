//! Releases: which cables are public from when. A future time is an embargo: the cable enters
//! the first build made after it. A withdrawn cable is left out of every build made after its
//! withdrawal, until it is released again.

use std::io::BufRead;
use std::path::Path;

use rusqlite::{params, params_from_iter, OptionalExtension};
use serde::Serialize;

use crate::{Archive, Error, Result, Timestamp};

/// Which cables `release` marks.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub all: bool,
    /// Reference ids, any spelling.
    pub ids: Vec<String>,
    pub origin: Option<String>,
    pub tag: Option<String>,
    pub classification: Option<String>,
    /// Created on or after this day (`YYYY-MM-DD`).
    pub created_from: Option<String>,
    /// Created on or before this day.
    pub created_to: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReleaseSummary {
    /// Cables the release marked (new to releases, moved earlier, or released again after a withdrawal).
    pub released: u64,
    /// Cables that were already public at that time or earlier.
    pub unchanged: u64,
    /// Ids named that the archive does not hold.
    pub not_held: Vec<String>,
}

/// Parses the times the commands take (`YYYY-MM-DD HH:MM`, `YYYY-MM-DD`, ISO 8601) into the
/// archive's form, `YYYY-MM-DDTHH:MM:00Z`.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    Timestamp::parse(s)
}

impl Archive {
    /// Marks the selected cables public from `at` (ISO 8601).
    pub fn release(&mut self, selection: &Selection, at: &Timestamp) -> Result<ReleaseSummary> {
        let mut summary = ReleaseSummary::default();
        let mut ids: Vec<i64> = Vec::new();
        for id in &selection.ids {
            match self.find_rowid(id)? {
                Some(rowid) => ids.push(rowid),
                None => summary.not_held.push(id.clone()),
            }
        }
        let filtered = selection.all
            || selection.origin.is_some()
            || selection.tag.is_some()
            || selection.classification.is_some()
            || selection.created_from.is_some()
            || selection.created_to.is_some();
        if filtered {
            let mut clauses = vec!["1 = 1".to_owned()];
            let mut args: Vec<String> = Vec::new();
            if let Some(o) = &selection.origin {
                args.push(o.clone());
                clauses.push(format!("origin = ?{} COLLATE NOCASE", args.len()));
            }
            if let Some(c) = &selection.classification {
                args.push(c.clone());
                clauses.push(format!("classification = ?{} COLLATE NOCASE", args.len()));
            }
            if let Some(t) = &selection.tag {
                args.push(t.clone());
                clauses.push(format!("id IN (SELECT cable_id FROM tags WHERE tag = ?{} COLLATE NOCASE)", args.len()));
            }
            if let Some(f) = &selection.created_from {
                args.push(f.clone());
                clauses.push(format!("created >= ?{}", args.len()));
            }
            if let Some(t) = &selection.created_to {
                // the whole day
                args.push(format!("{t}T23:59:59Z"));
                clauses.push(format!("created <= ?{}", args.len()));
            }
            let sql = format!("SELECT id FROM cables WHERE {}", clauses.join(" AND "));
            let mut s = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
            let rows = s.query_map(params_from_iter(args.iter()), |r| r.get(0)).map_err(|e| self.sql(e))?;
            for r in rows {
                ids.push(r.map_err(|e| self.sql(e))?);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let path = self.path.clone();
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        {
            let mut get =
                tx.prepare("SELECT released_at, withdrawn_at FROM releases WHERE cable_id = ?1").map_err(sql)?;
            let mut put = tx
                .prepare(
                    "INSERT INTO releases (cable_id, released_at) VALUES (?1, ?2)
                     ON CONFLICT (cable_id) DO UPDATE SET released_at = excluded.released_at, withdrawn_at = NULL",
                )
                .map_err(sql)?;
            for id in ids {
                let existing: Option<(String, Option<String>)> =
                    get.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(sql)?;
                let keep = matches!(&existing, Some((when, None)) if when.as_str() <= at.as_str());
                if keep {
                    summary.unchanged += 1;
                } else {
                    put.execute(params![id, at.as_str()]).map_err(sql)?;
                    summary.released += 1;
                }
            }
        }
        tx.commit().map_err(sql)?;
        Ok(summary)
    }

    /// Replays a release schedule: `reference_id<TAB>released_first<TAB>released_latest`, with a
    /// header row, as `../shared/corpus/releases.tsv` has the real 2010–2011 one.
    pub fn release_schedule(&mut self, path: &Path) -> Result<ReleaseSummary> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        let input = std::io::BufReader::new(crate::open_maybe_gz(path).map_err(io)?);
        let bad = |line: u64, reason: String| Error::BadCatalog { path: path.to_owned(), line, reason };
        let mut summary = ReleaseSummary::default();
        let file = self.path.clone();
        let sql = |source| Error::Sqlite { path: file.clone(), source };
        let mut rows = Vec::new();
        for (i, line) in input.lines().enumerate() {
            let n = i as u64 + 1;
            let line = line.map_err(|e| bad(n, format!("cannot read: {e}")))?;
            if line.trim().is_empty() || (n == 1 && line.starts_with("reference_id")) {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let (id, first, latest) = match f[..] {
                [id, first] => (id, first, None),
                [id, first, latest, ..] => (id, first, Some(latest)),
                _ => return Err(bad(n, "expected reference_id<TAB>released_first<TAB>released_latest".into())),
            };
            let first = parse_time(first).ok_or_else(|| bad(n, format!("{first:?} is not a time")))?;
            let latest = match latest.map(str::trim).filter(|l| !l.is_empty()) {
                Some(l) => Some(parse_time(l).ok_or_else(|| bad(n, format!("{l:?} is not a time")))?),
                None => None,
            };
            rows.push((id.trim().to_owned(), first, latest));
        }
        let tx = self.conn.transaction().map_err(sql)?;
        {
            let mut find = tx.prepare("SELECT id FROM cables WHERE reference_id = ?1").map_err(sql)?;
            let mut put = tx
                .prepare(
                    "INSERT INTO releases (cable_id, released_at, released_latest) VALUES (?1, ?2, ?3)
                     ON CONFLICT (cable_id) DO UPDATE SET released_at = excluded.released_at,
                     released_latest = excluded.released_latest, withdrawn_at = NULL",
                )
                .map_err(sql)?;
            for (id, first, latest) in rows {
                let Some(rowid): Option<i64> = find.query_row([&id], |r| r.get(0)).optional().map_err(sql)? else {
                    summary.not_held.push(id);
                    continue;
                };
                let latest = latest.filter(|l| *l != first);
                put.execute(params![rowid, first.as_str(), latest.as_deref()]).map_err(sql)?;
                summary.released += 1;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(summary)
    }

    /// Takes a cable out of every build made from `at` on.
    pub fn withdraw(&mut self, id: &str, at: &Timestamp) -> Result<()> {
        let rowid = self.find_rowid(id)?.ok_or_else(|| Error::NoSuchCable(id.trim().to_owned()))?;
        let n = self
            .conn
            .execute("UPDATE releases SET withdrawn_at = ?2 WHERE cable_id = ?1", params![rowid, at.as_str()])
            .map_err(|e| self.sql(e))?;
        if n == 0 {
            return Err(Error::NotReleased(id.trim().to_owned()));
        }
        Ok(())
    }

    pub(crate) fn find_rowid(&self, id: &str) -> Result<Option<i64>> {
        Ok(self.find_cable(id)?.map(|(rowid, _)| rowid))
    }

    /// A cable by its published or canonical reference id, in any case (the published id wins
    /// when both match): its row id and published id.
    pub(crate) fn find_cable(&self, id: &str) -> Result<Option<(i64, String)>> {
        let upper = id.trim().to_ascii_uppercase();
        let canonical = cablegate_cable::refid::canonicalize(&upper).unwrap_or_else(|| upper.clone());
        self.conn
            .query_row(
                "SELECT id, reference_id FROM cables WHERE reference_id = ?1 OR canonical_id = ?2
                 ORDER BY reference_id = ?1 DESC LIMIT 1",
                params![upper, canonical],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }
}
