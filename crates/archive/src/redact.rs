//! Redactions: text that must never reach the public. On publish every occurrence becomes
//! `XXXXXXXXXXXX` in every version's header and body, before the cable is parsed, so every derived
//! field (subject, tags, paragraphs, summary, signer, …) is derived from redacted text.
//!
//! A redaction is a sequence of **words**, matched against the text's words however the release
//! wrote them: in any case, with or without accents (`Rodriguez` is `Rodríguez`), in full-width
//! letters; with any run of spaces, line breaks, hyphens (also a hyphen at a line break:
//! `Douste-⏎Blazy`) and section or page markers between the words (`Maxim ⏎ THE HAGUE 00002282 002
//! OF 004 ⏎ Verhagen`); with every kind of apostrophe inside a word (`D'Alema`, `D’Alema`, the
//! release's `D,Alema`) and possessives after one (`Garcia's Sabrido's`, `Jones'`). Never inside a
//! longer word: `Iran` covers `Iran's`, not `Miranda`, `Tirana` or `aspirants`. The whole match
//! becomes the mark; the markers inside it stay, so the page layout does.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use rusqlite::params;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

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

/// Apostrophes as the release writes them: `'`, `’`, `‘`, `` ` ``, `´`, and the comma its
/// transcription put for one (`D,Alema`).
const APOSTROPHES: &str = "'’‘`´ʼ,";
/// Hyphens and dashes between the words of a name.
const HYPHENS: &str = "-‐‑‒–—";

/// What may stand between two words of a name: white space, hyphens, and section or page
/// markers on lines of their own (`LONDON 00000923 002.2 OF 005`, `PAGE 02 ROME 01196 01 OF 02`).
const GAP: &str =
    r"(?:[\s\u{a0}\-‐‑‒–—]|\n[^\n]{0,80}?\b[0-9]{2,3}(?:\.[0-9])?\s+OF\s+[0-9]{2,3}\b[^\n]{0,24}(?:\n|$))+";

/// A section or page marker inside a match, which the mark keeps.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\n[^\n]{0,80}?\b[0-9]{2,3}(?:\.[0-9])?\s+OF\s+[0-9]{2,3}\b[^\n]{0,24}(?:\n|$)")
        .expect("a valid pattern")
});

/// Every letter that folds to each base letter: its accented, full-width and other-case forms
/// (`e`: `eéèêëēĕėęěÉ…ｅＥ`), from the Unicode decompositions of the Latin blocks.
static FOLDS: LazyLock<HashMap<char, String>> = LazyLock::new(|| {
    let mut m: HashMap<char, String> = HashMap::new();
    let ranges = [0x00C0u32..=0x024F, 0x1E00..=0x1EFF, 0xFF21..=0xFF3A, 0xFF41..=0xFF5A];
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        if let Some(base) = fold_char(c) {
            m.entry(base).or_default().push(c);
        }
    }
    m
});

/// The ASCII letter a letter is written as without its accent or width (`é` → `e`, `Ｅ` → `e`).
fn fold_char(c: char) -> Option<char> {
    let base = c.nfkd().next()?;
    base.is_ascii_alphabetic().then(|| base.to_ascii_lowercase())
}

/// The words of a redaction: split at white space and hyphens, accents and width folded away.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || HYPHENS.contains(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(|c| fold_char(c).unwrap_or(c)).collect())
        .collect()
}

/// One word's pattern: each letter any of its forms, each apostrophe any apostrophe.
fn word_pattern(word: &str) -> String {
    let mut p = String::new();
    for c in word.chars() {
        if c.is_ascii_alphabetic() {
            let l = c.to_ascii_lowercase();
            p.push('[');
            p.push(l);
            p.push(l.to_ascii_uppercase());
            p.extend(FOLDS.get(&l).into_iter().flat_map(|f| f.chars()));
            p.push(']');
        } else if APOSTROPHES.contains(c) {
            p.push_str("['’‘`´ʼ,]");
        } else {
            p.push_str(&regex::escape(&c.to_string()));
        }
    }
    p
}

/// The pattern for one redaction: its words, each with an optional possessive (`'s`, `s'`),
/// with any gap between them (white space, hyphens, section markers), and never inside a longer word.
pub fn pattern(text: &str) -> String {
    pattern_with(text, r"\b")
}

/// [`pattern`] with `boundary` for its word boundaries: `\b` (Unicode), or `(?-u:\b)` (ASCII),
/// which the regex crate's DFAs run on any text, where a Unicode `\b` sends every text holding
/// one non-ASCII byte to its slowest engine (100 redactions tripled a publish). The two agree on
/// any text with no non-ASCII word character ([`needs_unicode`]).
pub fn pattern_with(text: &str, boundary: &str) -> String {
    let words = words(text);
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let parts: Vec<String> = words
        .iter()
        .map(|w| {
            let mut p = word_pattern(w);
            if is_word(w.chars().last()) {
                // a possessive: `'s` (any apostrophe), then the end of the word, then the
                // apostrophe of `Jones'`
                p.push_str(r"(?:['’‘`´ʼ,][sS])?");
                p.push_str(boundary);
                p.push_str(r"(?:['’‘`´ʼ](?:\s|$))?");
            }
            p
        })
        .collect();
    let lead = if is_word(words.first().and_then(|w| w.chars().next())) { boundary } else { "" };
    format!("{lead}(?:{})", parts.join(&GAP.replace(r"\b", boundary)))
}

/// Whether a text holds a non-ASCII word character (`é`, `Ｅ`, a combining mark): where the
/// Unicode and the ASCII word boundaries can differ, and where a redaction can match letters
/// other than ASCII ones.
pub fn needs_unicode(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(|c| !c.is_ascii() && regex_syntax::try_is_word_character(c).unwrap_or(true))
}

/// The run of ASCII letters and digits that every match of a redaction holds, as written, in a
/// text with no non-ASCII word character (its longest word's longest run): what a quick search
/// looks for before the regex runs. `None` when the redaction has no such run.
fn needle(text: &str) -> Option<String> {
    words(text)
        .iter()
        .flat_map(|w| w.split(|c: char| !c.is_ascii_alphanumeric()).map(str::to_owned).collect::<Vec<_>>())
        .max_by_key(String::len)
        .filter(|n| !n.is_empty())
}

/// One set of redactions, compiled: the regex of Unicode boundaries, the one of ASCII boundaries
/// with the needles that every match of it holds, for texts with no non-ASCII word character.
struct Compiled {
    unicode: Regex,
    ascii: Regex,
    /// `None`: some redaction has no needle, so the regex always runs.
    needles: Option<aho_corasick::AhoCorasick>,
}

impl Compiled {
    fn new(texts: &[&str]) -> Option<Compiled> {
        let needles: Option<Vec<String>> = texts.iter().map(|t| needle(t)).collect();
        Some(Compiled {
            unicode: compile(texts, r"\b")?,
            ascii: compile(texts, r"(?-u:\b)")?,
            needles: needles.map(|n| {
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(n)
                    .expect("needles form an automaton")
            }),
        })
    }

    /// The regex to run over `text`, or `None` when no redaction can match it.
    fn for_text(&self, text: &str) -> Option<&Regex> {
        if needs_unicode(text) {
            return Some(&self.unicode);
        }
        match &self.needles {
            Some(ac) if !ac.is_match(text) => None,
            _ => Some(&self.ascii),
        }
    }
}

/// The letters of a redaction, to refuse one too short to be a name.
pub fn letters(text: &str) -> usize {
    words(text).iter().flat_map(|w| w.chars()).filter(|c| c.is_alphanumeric()).count()
}

fn compile(texts: &[&str], boundary: &str) -> Option<Regex> {
    if texts.is_empty() {
        return None;
    }
    // longest first, so that "Nadia Mellal" wins over "Nadia"
    let mut texts = texts.to_vec();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let alternation = texts.iter().map(|t| format!("(?:{})", pattern_with(t, boundary))).collect::<Vec<_>>().join("|");
    Some(
        RegexBuilder::new(&alternation)
            .size_limit(1 << 28)
            .dfa_size_limit(1 << 28)
            .build()
            .expect("escaped literals form a valid pattern"),
    )
}

/// The mark for one match: the mark, and every marker the match spanned, in its place.
fn mark(matched: &str) -> String {
    let mut out = String::from(MARK);
    for m in MARKER.find_iter(matched) {
        let marker = m.as_str();
        if !marker.starts_with('\n') {
            out.push('\n');
        }
        out.push_str(marker);
    }
    // `Jones' ` is matched with the white space after its apostrophe (the pattern has no
    // look-ahead): that white space is no part of the name
    let kept = matched.len() - matched.trim_end().len();
    if kept > 0 && !out.ends_with('\n') {
        out.push_str(&matched[matched.len() - kept..]);
    }
    out
}

/// Applies redactions to texts.
pub struct Redactor {
    global: Option<Compiled>,
    per_cable: HashMap<String, Compiled>,
}

/// The canonical id of a record's reference id (`08ECTION01OF02MANAMA492` → `08MANAMA492`): what
/// a redaction's scope is compared by.
pub fn canonical(reference_id: &str) -> String {
    cablegate_cable::refid::canonicalize(reference_id).unwrap_or_else(|| reference_id.to_ascii_uppercase())
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
            global: Compiled::new(&global),
            per_cable: by_cable
                .into_iter()
                .filter_map(|(c, t)| Compiled::new(&t).map(|re| (canonical(&c), re)))
                .collect(),
        }
    }

    /// The text with every redaction for the cable `reference_id` — any record of it: a scope
    /// follows the cable's canonical id — and every global one replaced.
    pub fn apply(&self, reference_id: &str, text: &str) -> String {
        self.apply_counted(reference_id, text).0
    }

    /// [`apply`](Self::apply), and how many passages it withheld (the redaction ledger's count).
    pub fn apply_counted(&self, reference_id: &str, text: &str) -> (String, usize) {
        let mut n = 0;
        let mut out = match self.global.as_ref().and_then(|c| c.for_text(text)) {
            Some(re) => re
                .replace_all(text, |c: &regex::Captures| {
                    n += 1;
                    mark(&c[0])
                })
                .into_owned(),
            None => text.to_owned(),
        };
        if let Some(re) = self.per_cable.get(&canonical(reference_id)).and_then(|c| c.for_text(&out)) {
            out = re
                .replace_all(&out, |c: &regex::Captures| {
                    n += 1;
                    mark(&c[0])
                })
                .into_owned();
        }
        (out, n)
    }

    /// Every pattern, to search for in what was published.
    pub fn regexes(&self) -> impl Iterator<Item = &Regex> {
        self.global.iter().chain(self.per_cable.values()).map(|c| &c.unicode)
    }
}

/// Where a redaction would apply: how many places, in how many cables, and a few in context.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Preview {
    pub places: u64,
    pub cables: u64,
    /// Up to five places: the cable and the text around the match, the match in `[[…]]`.
    pub examples: Vec<(String, String)>,
    #[serde(skip)]
    last_cable: Option<String>,
}

impl Preview {
    /// Counts the matches of `compiled` in one text of `reference_id`.
    fn count(&mut self, compiled: &Compiled, reference_id: &str, whole: &str) {
        let Some(re) = compiled.for_text(whole) else { return };
        let mut found = false;
        for m in re.find_iter(whole) {
            found = true;
            self.places += 1;
            if self.examples.len() < 5 {
                let mut from = m.start().saturating_sub(40);
                while !whole.is_char_boundary(from) {
                    from -= 1;
                }
                let mut to = (m.end() + 40).min(whole.len());
                while !whole.is_char_boundary(to) {
                    to += 1;
                }
                let context = format!("{}[[{}]]{}", &whole[from..m.start()], m.as_str(), &whole[m.end()..to]);
                self.examples.push((reference_id.to_owned(), context.split_whitespace().collect::<Vec<_>>().join(" ")));
            }
        }
        if found && self.last_cable.as_deref() != Some(reference_id) {
            self.cables += 1;
            self.last_cable = Some(reference_id.to_owned());
        }
    }
}

/// The words of a name of several words that could name the person alone: 3 letters or more,
/// and no particle (`van` of `Van Voorst`, `al` of `al-Qadhafi`, `bin`, `de la`).
pub fn name_parts(text: &str) -> Vec<String> {
    const PARTICLES: &[&str] =
        &["abu", "bin", "ibn", "van", "von", "der", "den", "del", "della", "des", "dos", "das", "the", "and"];
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || HYPHENS.contains(c)).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return Vec::new();
    }
    words
        .into_iter()
        .filter(|w| letters(w) >= 3 && !PARTICLES.contains(&w.to_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

impl Archive {
    /// Where the redaction `text` (for every cable, or for one) matches every version of every
    /// text the archive holds, before it is added.
    pub fn preview_redaction(&self, text: &str, cable: Option<&str>) -> Result<Preview> {
        let re = Compiled::new(&[text]).ok_or(Error::EmptyRedaction)?;
        let mut preview = Preview::default();
        self.each_version_text(cable, |reference_id, whole| preview.count(&re, reference_id, whole))?;
        Ok(preview)
    }

    /// The parts of a name of several words (`Sabrido` of `Garcia Sabrido`, each of 3 letters or
    /// more) that survive where the whole name is redacted, with where they are: for the publisher
    /// to decide whether they name the person too (`redact add --parts` redacts them).
    pub fn surviving_parts(&self, text: &str, cable: Option<&str>) -> Result<Vec<(String, Preview)>> {
        let whole_name =
            Redactor::new(&[Redaction { id: 0, text: text.to_owned(), cable: None, note: None, added_at: None }]);
        let parts = name_parts(text);
        let res: Vec<Compiled> = parts.iter().filter_map(|p| Compiled::new(&[p.as_str()])).collect();
        let mut previews = vec![Preview::default(); parts.len()];
        self.each_version_text(cable, |reference_id, whole| {
            let redacted = whole_name.apply("", whole);
            for (re, preview) in res.iter().zip(previews.iter_mut()) {
                preview.count(re, reference_id, &redacted);
            }
        })?;
        Ok(parts.into_iter().zip(previews).collect())
    }

    /// Calls `f` with every version's text (header, a line break, body) of every cable, or of
    /// the cable `cable` names (every record of it), in the order the archive holds them.
    fn each_version_text(&self, cable: Option<&str>, mut f: impl FnMut(&str, &str)) -> Result<()> {
        let canonical_of = match cable {
            Some(c) => Some(
                self.find_cable(c)?
                    .map(|(_, id)| canonical(&id))
                    .ok_or_else(|| Error::NoSuchCable(c.trim().to_owned()))?,
            ),
            None => None,
        };
        let sql = |e| self.sql(e);
        let mut s = self
            .conn
            .prepare(
                "SELECT c.reference_id, v.pack, v.offset, v.length FROM versions v JOIN cables c ON c.id = v.cable_id
                 WHERE ?1 IS NULL OR c.canonical_id = ?1 ORDER BY c.id, v.version",
            )
            .map_err(sql)?;
        let rows = s
            .query_map([canonical_of.as_deref()], |r| {
                Ok((r.get::<_, String>(0)?, crate::texts::Location::from_row(r, 1)?))
            })
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        let texts = self.texts_dir();
        for (reference_id, at) in rows {
            let (header, body) =
                crate::texts::read(&texts, at).map_err(|source| Error::Io { path: texts.clone(), source })?;
            f(&reference_id, &format!("{header}\n{body}"));
        }
        Ok(())
    }

    /// Adds a redaction, for every cable or for one. Unless `force`, a redaction of fewer than 3
    /// letters, or one that matches nothing in the archive, is refused: the first rewrites words
    /// it was not meant for (`ir`), the second is most likely misspelt.
    pub fn add_redaction_checked(
        &mut self,
        text: &str,
        cable: Option<&str>,
        note: Option<&str>,
        force: bool,
    ) -> Result<(i64, Preview)> {
        let preview = self.preview_redaction(text, cable)?;
        if !force {
            if letters(text) < 3 {
                return Err(Error::RedactionTooShort(text.trim().to_owned()));
            }
            if preview.places == 0 {
                return Err(Error::RedactionMatchesNothing(text.trim().to_owned()));
            }
        }
        Ok((self.add_redaction(text, cable, note)?, preview))
    }

    /// Adds a redaction, for every cable or for one, without looking first.
    pub fn add_redaction(&mut self, text: &str, cable: Option<&str>, note: Option<&str>) -> Result<i64> {
        if letters(text) < 2 {
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

    #[test]
    fn every_way_a_name_is_written() {
        let cases: &[(&str, &str)] = &[
            ("Garcia Sabrido", "met Garcia's Sabrido's deputy"),
            ("Douste-Blazy", "FM Douste-\nBlazy said"),
            ("Douste-Blazy", "FM Douste- \n Blazy said"),
            ("Douste Blazy", "FM Douste-Blazy said"),
            ("Rodríguez Zapatero", "PM Rodriguez Zapatero said"),
            ("Rodriguez Zapatero", "PM RODRÍGUEZ ZAPATERO said"),
            ("El Pais", "the daily EL PAÍS said"),
            ("D'Alema", "FM D’Alema said"),
            ("D'Alema", "FM D,Alema said"),
            ("Maxim Verhagen", "FM Maxim\nTHE HAGUE 00002282 002 OF 004\nVerhagen said"),
            ("Jones", "the Jones' house"),
            ("United States", "the United States' recent"),
            ("Nadia Mellal", "met ＮＡＤＩＡ mellal"),
        ];
        for (name, text) in cases {
            let out = Redactor::new(&[r(name, None)]).apply("09X1", text);
            let folded: String = out.chars().map(|c| fold_char(c).unwrap_or(c)).collect::<String>().to_lowercase();
            for w in words(name) {
                assert!(!folded.contains(&w.to_lowercase()), "{name:?} survives in {out:?}");
            }
            assert!(out.contains(MARK), "{name:?}: {out:?}");
        }
    }

    #[test]
    fn never_inside_a_longer_word_and_markers_are_kept() {
        let red = Redactor::new(&[r("Iran", None)]);
        let text = "Iran's aspirants in Miranda, Tirana and Osseiran; IRAN.";
        assert_eq!(red.apply("X", text), format!("{MARK} aspirants in Miranda, Tirana and Osseiran; {MARK}."));
        // the white space after a possessive apostrophe stays (found by the property test)
        let red = Redactor::new(&[r("United States", None)]);
        assert_eq!(red.apply("X", "the United States' recent"), format!("the {MARK} recent"));
        let red = Redactor::new(&[r("Maxim Verhagen", None)]);
        assert_eq!(
            red.apply("X", "FM Maxim\nTHE HAGUE 00002282 002 OF 004\nVerhagen said"),
            format!("FM {MARK}\nTHE HAGUE 00002282 002 OF 004\n said")
        );
    }

    /// A text with no non-ASCII word character takes the quick way (a needle search, then the
    /// regex of ASCII boundaries); any other the regex of Unicode boundaries: both give what the
    /// Unicode one gives.
    #[test]
    fn the_quick_way_and_the_unicode_way_agree() {
        let red = Redactor::new(&[r("Iran", None), r("Rodríguez Zapatero", None)]);
        // punctuation beyond ASCII, no such letter: the quick way
        let quick = "Iran’s “Iran” — IRAN-Iraq";
        assert!(!needs_unicode(quick));
        assert_eq!(red.apply("X", quick), format!("{MARK} “{MARK}” — {MARK}-Iraq"));
        // a letter beyond ASCII next to the name: not inside a longer word, as the Unicode way says
        let unicode = "Iranés and Iran; ÉIran; Rodriguez Zapatero and RODRÍGUEZ ZAPATERO";
        assert!(needs_unicode(unicode));
        assert_eq!(red.apply("X", unicode), format!("Iranés and {MARK}; ÉIran; {MARK} and {MARK}"));
        // no needle in the text: nothing runs, nothing changes
        assert_eq!(red.apply("X", "Tehran and Baghdad"), "Tehran and Baghdad");
        assert_eq!(needle("Rodríguez Zapatero").as_deref(), Some("rodriguez"));
        assert_eq!(needle("D'Alema").as_deref(), Some("alema"));
        assert_eq!(needle("Путин"), None);
        let none = Redactor::new(&[r("Путин", None)]);
        assert_eq!(none.apply("X", "Путин said"), format!("{MARK} said"));
    }

    #[test]
    fn the_parts_of_a_name() {
        assert_eq!(name_parts("Saadi al-Qadhafi"), ["Saadi", "Qadhafi"]);
        assert_eq!(name_parts("Morales Troncoso"), ["Morales", "Troncoso"]);
        assert!(name_parts("Ryzhkov").is_empty());
        assert_eq!(name_parts("Van Voorst"), ["Voorst"], "a particle is no part");
        assert_eq!(name_parts("Osama bin Laden"), ["Osama", "Laden"]);
    }

    #[test]
    fn a_cable_scope_covers_every_record_of_the_cable() {
        let red = Redactor::new(&[r("Khalifa", Some("08MANAMA492"))]);
        assert_eq!(red.apply("08ECTION01OF02MANAMA492", "met Khalifa"), format!("met {MARK}"));
        assert_eq!(red.apply("08MANAMA493", "met Khalifa"), "met Khalifa");
    }
}
