//! Redactions: text that must never reach the public. On publish every occurrence becomes
//! `XXXXXXXXXXXX` — case-insensitively, and across line breaks and runs of spaces between words
//! (`Nadia\n   Mellal`) — in every version's header and body, before the cable is parsed, so every
//! derived field (subject, paragraphs, summary, signer, …) is derived from redacted text.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};
use rusqlite::params;
use serde::Serialize;

use crate::{Archive, Error, Result};

/// What a redaction becomes.
pub const MARK: &str = "XXXXXXXXXXXX";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Redaction {
    pub id: i64,
    pub text: String,
    /// The cable it applies to; `None` for every cable.
    pub cable: Option<String>,
    pub note: Option<String>,
    /// When it was added; `None` for one not stored.
    pub added_at: Option<crate::Timestamp>,
}

/// The pattern for one redaction: its words, escaped, with any white space between them.
pub fn pattern(text: &str) -> String {
    text.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+")
}

fn compile(texts: &[&str]) -> Option<Regex> {
    if texts.is_empty() {
        return None;
    }
    // longest first, so that "Nadia Mellal" wins over "Nadia"
    let mut texts = texts.to_vec();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let alternation = texts.iter().map(|t| format!("(?:{})", pattern(t))).collect::<Vec<_>>().join("|");
    Some(
        RegexBuilder::new(&alternation)
            .case_insensitive(true)
            .size_limit(1 << 28)
            .build()
            .expect("escaped literals form a valid pattern"),
    )
}

/// Applies redactions to texts.
pub struct Redactor {
    global: Option<Regex>,
    per_cable: HashMap<String, Regex>,
}

impl Redactor {
    pub fn new(redactions: &[Redaction]) -> Redactor {
        let global: Vec<&str> = redactions.iter().filter(|r| r.cable.is_none()).map(|r| r.text.as_str()).collect();
        let mut by_cable: HashMap<String, Vec<&str>> = HashMap::new();
        for r in redactions {
            if let Some(c) = &r.cable {
                by_cable.entry(c.clone()).or_default().push(&r.text);
            }
        }
        Redactor {
            global: compile(&global),
            per_cable: by_cable.into_iter().filter_map(|(c, t)| compile(&t).map(|re| (c, re))).collect(),
        }
    }

    /// The text with every redaction for `reference_id` (and every global one) replaced.
    pub fn apply(&self, reference_id: &str, text: &str) -> String {
        let mut out = match &self.global {
            Some(re) => re.replace_all(text, MARK).into_owned(),
            None => text.to_owned(),
        };
        if let Some(re) = self.per_cable.get(reference_id) {
            out = re.replace_all(&out, MARK).into_owned();
        }
        out
    }

    /// Every pattern, to search for in what was published.
    pub fn regexes(&self) -> impl Iterator<Item = &Regex> {
        self.global.iter().chain(self.per_cable.values())
    }
}

impl Archive {
    /// Adds a redaction, for every cable or for one.
    pub fn add_redaction(&mut self, text: &str, cable: Option<&str>, note: Option<&str>) -> Result<i64> {
        if text.split_whitespace().collect::<String>().chars().count() < 2 {
            return Err(Error::EmptyRedaction);
        }
        let cable_id = match cable {
            Some(c) => Some(self.find_rowid(c)?.ok_or_else(|| Error::NoSuchCable(c.trim().to_owned()))?),
            None => None,
        };
        self.conn
            .execute(
                "INSERT INTO redactions (text, cable_id, note, added_at) VALUES (?1, ?2, ?3, ?4)",
                params![text.trim(), cable_id, note, crate::now().as_str()],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn redactions(&self) -> Result<Vec<Redaction>> {
        let mut s = self
            .conn
            .prepare(
                "SELECT r.id, r.text, c.reference_id, r.note, r.added_at FROM redactions r
                 LEFT JOIN cables c ON c.id = r.cable_id ORDER BY r.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = s
            .query_map([], |r| {
                Ok(Redaction {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    cable: r.get(2)?,
                    note: r.get(3)?,
                    added_at: crate::time_opt(r, 4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.sql(e))
    }

    pub fn remove_redaction(&mut self, id: i64) -> Result<()> {
        let n = self.conn.execute("DELETE FROM redactions WHERE id = ?1", [id]).map_err(|e| self.sql(e))?;
        if n == 0 {
            return Err(Error::NoSuchRedaction(id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str, cable: Option<&str>) -> Redaction {
        Redaction { id: 0, text: text.into(), cable: cable.map(Into::into), note: None, added_at: None }
    }

    #[test]
    fn across_line_breaks_runs_of_spaces_and_case() {
        let red = Redactor::new(&[r("Nadia Mellal", None)]);
        assert_eq!(red.apply("X", "met NADIA\n   mellal and nadia mellal."), format!("met {MARK} and {MARK}."));
        assert_eq!(red.apply("X", "Nadia alone"), "Nadia alone");
    }

    #[test]
    fn per_cable_and_special_characters() {
        let red = Redactor::new(&[r("A.B. (Smith)", Some("09LONDON923")), r("Jones", None)]);
        assert_eq!(red.apply("09LONDON923", "a.b. (smith) and JONES"), format!("{MARK} and {MARK}"));
        assert_eq!(red.apply("09PARIS1", "A.B. (Smith) and Jones"), format!("A.B. (Smith) and {MARK}"));
    }
}
