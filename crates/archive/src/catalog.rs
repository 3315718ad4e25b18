//! The catalogue: the list of every cable of a collection (`full-release-ids.csv.gz`:
//! `id,reference_id,created_month`), so the archive knows the total and which cables it lacks.

use std::io::BufRead;
use std::path::Path;

use cablegate_cable::refid;
use rusqlite::params;

use crate::{Archive, Error, Result};

/// What loading a catalogue did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CatalogSummary {
    /// Cables in the catalogue.
    pub total: u64,
    /// Of those, how many the archive holds text for.
    pub held: u64,
}

impl Archive {
    /// Replaces the catalogue with the one in `path` (plain or `.gz`; a header row is skipped).
    /// A bad line stops the load with its line number, and the catalogue stays as it was.
    pub fn load_catalog(&mut self, path: &Path) -> Result<CatalogSummary> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        let input = std::io::BufReader::new(crate::open_maybe_gz(path).map_err(io)?);
        let bad = |line: u64, reason: String| Error::BadCatalog { path: path.to_owned(), line, reason };
        let file = self.path.clone();
        let sql = |source| Error::Sqlite { path: file.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM catalog", []).map_err(sql)?;
        let mut total = 0;
        {
            let mut insert = tx
                .prepare("INSERT INTO catalog (release_number, reference_id, canonical_id, created_month) VALUES (?1, ?2, ?3, ?4)")
                .map_err(sql)?;
            for (i, line) in input.lines().enumerate() {
                let n = i as u64 + 1;
                let line = line.map_err(|e| bad(n, format!("cannot read: {e}")))?;
                let line = line.trim();
                if line.is_empty() || (n == 1 && line.starts_with("id,")) {
                    continue;
                }
                let fields: Vec<&str> = line.split(',').collect();
                let [number, reference_id, month] = fields[..] else {
                    return Err(bad(
                        n,
                        format!("expected 3 columns (id,reference_id,created_month), found {}", fields.len()),
                    ));
                };
                let number: i64 =
                    number.trim().parse().map_err(|_| bad(n, format!("id {number:?} is not a number")))?;
                let canonical = refid::canonicalize(reference_id)
                    .ok_or_else(|| bad(n, format!("reference id {reference_id:?} is not a valid id")))?;
                let month: Option<i64> = match month.trim() {
                    "" => None,
                    m => match m.parse() {
                        Ok(v @ 1..=12) => Some(v),
                        _ => return Err(bad(n, format!("created_month {m:?} is not a month"))),
                    },
                };
                insert
                    .execute(params![number, reference_id.trim(), canonical, month])
                    .map_err(|e| bad(n, format!("{e} (is id {number} listed twice?)")))?;
                total += 1;
            }
        }
        let held: i64 = tx
            .query_row(
                "SELECT count(*) FROM catalog WHERE reference_id IN (SELECT reference_id FROM cables)",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        let held = held as u64;
        tx.commit().map_err(sql)?;
        Ok(CatalogSummary { total, held })
    }
}
