//! What must not appear in any published byte: the text of every redaction, and fingerprints of
//! the unreleased cables' texts.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;
use cablegate_archive::redact::{pattern, pattern_with, Redaction};
use cablegate_archive::{Archive, Timestamp};

use crate::{AuditReport, Finding, Result};

/// A redaction's pattern, twice: with Unicode word boundaries, and with ASCII ones, which the
/// regex crate's DFAs run where the Unicode ones send a text to its slowest engine; the two agree
/// on a text with no non-ASCII word character ([`needs_unicode`]).
pub(crate) struct Pattern {
    unicode: regex::bytes::Regex,
    ascii: regex::bytes::Regex,
}

impl Pattern {
    /// The regex to run over `bytes`.
    pub(crate) fn for_bytes(&self, bytes: &[u8]) -> &regex::bytes::Regex {
        self.pick(needs_unicode(bytes))
    }

    /// The regex for a text that [`needs_unicode`], or not.
    fn pick(&self, unicode: bool) -> &regex::bytes::Regex {
        if unicode {
            &self.unicode
        } else {
            &self.ascii
        }
    }
}

/// Whether `bytes`, read as UTF-8, hold a non-ASCII word character.
pub(crate) fn needs_unicode(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && cablegate_archive::redact::needs_unicode(&String::from_utf8_lossy(bytes))
}

/// A redaction and the pattern that finds its text.
pub(crate) type Matcher<'a> = (&'a Redaction, Pattern);

/// What must not appear, and whose it is.
pub(crate) struct Detector<'a> {
    /// Redactions of every cable: found anywhere.
    pub global: Vec<Matcher<'a>>,
    /// The patterns of `global`, in one pass over a text: which of them to look for in it
    /// (Unicode boundaries, and ASCII ones).
    global_set: regex::bytes::RegexSet,
    global_set_ascii: regex::bytes::RegexSet,
    /// Redactions of one cable: found in that cable's rows, and in files and pages named after it.
    pub per_cable: Vec<Matcher<'a>>,
    prints: Option<AhoCorasick>,
    /// The unreleased cable each fingerprint is of.
    owner: Vec<String>,
}

/// Fingerprints of a text: up to two excerpts of 48 bytes of letters, digits, spaces and simple
/// punctuation (so that HTML escaping cannot hide them), from the middle of the body.
fn fingerprints(body: &str) -> Vec<String> {
    const LEN: usize = 48;
    let b = body.as_bytes();
    let ok = |c: u8| c.is_ascii_alphanumeric() || c == b' ' || c == b',' || c == b'.';
    let mut out = Vec::new();
    for frac in [2usize, 3] {
        let mut i = b.len() * (frac - 1) / frac;
        while i + LEN <= b.len() && out.len() < 2 {
            let w = &b[i..i + LEN];
            let letters = w.iter().filter(|c| c.is_ascii_alphabetic()).count();
            if w.iter().all(|&c| ok(c)) && letters >= 30 && !w.windows(3).any(|x| x.eq_ignore_ascii_case(b"xxx")) {
                out.push(String::from_utf8_lossy(w).into_owned());
                break;
            }
            i += 1;
            if i > b.len() * frac.min(3) / (frac + 1) + 4096 {
                break;
            }
        }
    }
    out.dedup();
    out
}

impl<'a> Detector<'a> {
    /// The detector of `redactions` and of the cables unreleased at `at`, less the excerpts that
    /// released cables share (boilerplate, repeated paragraphs prove nothing); counts what it looks
    /// for in the report.
    pub(crate) fn new(
        archive: &Archive,
        redactions: &'a [Redaction],
        released: &HashSet<String>,
        at: &Timestamp,
        report: &mut AuditReport,
    ) -> Result<Detector<'a>> {
        let build =
            |p: &str| regex::bytes::RegexBuilder::new(p).case_insensitive(true).build().expect("escaped literals");
        let compile = |r: &'a Redaction| {
            let pattern =
                Pattern { unicode: build(&pattern(&r.text)), ascii: build(&pattern_with(&r.text, r"(?-u:\b)")) };
            (r, pattern)
        };
        let global: Vec<Matcher> = redactions.iter().filter(|r| r.cable.is_none()).map(compile).collect();
        let set = |patterns: Vec<String>| {
            regex::bytes::RegexSetBuilder::new(patterns)
                .case_insensitive(true)
                .size_limit(1 << 28)
                .dfa_size_limit(1 << 28)
                .build()
                .expect("escaped literals")
        };
        let global_set = set(global.iter().map(|(r, _)| pattern(&r.text)).collect());
        let global_set_ascii = set(global.iter().map(|(r, _)| pattern_with(&r.text, r"(?-u:\b)")).collect());
        let per_cable = redactions.iter().filter(|r| r.cable.is_some()).map(compile).collect();
        let mut prints: Vec<String> = Vec::new();
        let mut owner: Vec<String> = Vec::new();
        for id in archive.unreleased_at(at)? {
            report.unreleased += 1;
            if let Some((_, body)) = archive.current_text(&id)? {
                for p in fingerprints(&body) {
                    prints.push(p);
                    owner.push(id.clone());
                }
            }
        }
        if !prints.is_empty() {
            let ac = AhoCorasick::new(&prints).expect("fingerprints form an automaton");
            let mut shared = vec![false; prints.len()];
            for id in released {
                if let Some((header, body)) = archive.current_text(id)? {
                    for text in [header, body] {
                        for mat in ac.find_overlapping_iter(text.as_bytes()) {
                            shared[mat.pattern().as_usize()] = true;
                        }
                    }
                }
            }
            let keep: Vec<usize> = (0..prints.len()).filter(|&i| !shared[i]).collect();
            prints = keep.iter().map(|&i| prints[i].clone()).collect();
            owner = keep.iter().map(|&i| owner[i].clone()).collect();
        }
        report.fingerprints = prints.len() as u64;
        let prints = (!prints.is_empty()).then(|| AhoCorasick::new(&prints).expect("fingerprints form an automaton"));
        Ok(Detector { global, global_set, global_set_ascii, per_cable, prints, owner })
    }

    /// Excerpts of unreleased cables in `bytes` (at `place`).
    pub(crate) fn unreleased_in(&self, place: &str, bytes: &[u8]) -> Vec<Finding> {
        let Some(ac) = &self.prints else { return Vec::new() };
        ac.find_iter(bytes)
            .map(|mat| Finding::UnreleasedText {
                place: place.to_owned(),
                offset: mat.start() as u64,
                reference_id: self.owner[mat.pattern().as_usize()].clone(),
            })
            .collect()
    }

    /// The redactions of every cable that match `text`.
    pub(crate) fn matching_globals(&self, text: &[u8]) -> Vec<&Matcher<'a>> {
        let set = if needs_unicode(text) { &self.global_set } else { &self.global_set_ascii };
        set.matches(text).into_iter().map(|i| &self.global[i]).collect()
    }

    /// Findings in `bytes` (at `offset` in `place`); per-cable redactions count where `name`
    /// (a file name or URL, upper-cased) names their cable.
    ///
    /// Each redaction is looked for in the bytes and in the text a reader gets from them
    /// ([`decoded`](crate::decode::decoded)): what the decoded text holds more of is reported
    /// from there, at a character of that text instead of a byte.
    pub(crate) fn scan(&self, place: &str, name: &str, bytes: &[u8], offset: u64) -> Vec<Finding> {
        let mut found = Vec::new();
        let decoded = crate::decode::decoded(bytes);
        let mine = self.per_cable.iter().filter(|(r, _)| r.cable.as_deref().is_some_and(|c| name.contains(c)));
        // which engine each text needs, asked once per text (it reads the whole text)
        let raw_unicode = needs_unicode(bytes);
        let decoded_unicode = decoded.as_deref().is_some_and(|d| needs_unicode(d.as_bytes()));
        let candidates = |hay: &[u8], unicode: bool| -> Vec<usize> {
            let set = if unicode { &self.global_set } else { &self.global_set_ascii };
            set.matches(hay).into_iter().collect()
        };
        let mut globals = candidates(bytes, raw_unicode);
        if let Some(d) = &decoded {
            globals.extend(candidates(d.as_bytes(), decoded_unicode));
            globals.sort_unstable();
            globals.dedup();
        }
        for (r, re) in globals.into_iter().map(|i| &self.global[i]).chain(mine) {
            let raw: Vec<_> = re.pick(raw_unicode).find_iter(bytes).collect();
            let in_decoded: Vec<_> = decoded
                .as_deref()
                .map(|d| re.pick(decoded_unicode).find_iter(d.as_bytes()).collect())
                .unwrap_or_default();
            let (hay, matches, is_decoded) = if in_decoded.len() > raw.len() {
                (decoded.as_deref().unwrap_or_default().as_bytes(), in_decoded, true)
            } else {
                (bytes, raw, false)
            };
            for mat in matches {
                found.push(Finding::RedactedText {
                    place: place.to_owned(),
                    offset: if is_decoded { mat.start() as u64 } else { offset + mat.start() as u64 },
                    decoded: is_decoded,
                    text: r.text.clone(),
                    redaction: r.id,
                    context: context(hay, mat.start(), mat.end()),
                });
            }
        }
        if let Some(ac) = &self.prints {
            for mat in ac.find_iter(bytes) {
                found.push(Finding::UnreleasedText {
                    place: place.to_owned(),
                    offset: offset + mat.start() as u64,
                    reference_id: self.owner[mat.pattern().as_usize()].clone(),
                });
            }
        }
        found
    }
}

/// Up to 40 bytes either side of a match, the match in `[[…]]`, white space folded: what a
/// finding shows so that the publisher sees the place without opening the file.
pub(crate) fn context(hay: &[u8], start: usize, end: usize) -> String {
    let from = start.saturating_sub(40);
    let to = (end + 40).min(hay.len());
    let text = format!(
        "{}[[{}]]{}",
        String::from_utf8_lossy(&hay[from..start]),
        String::from_utf8_lossy(&hay[start..end]),
        String::from_utf8_lossy(&hay[end..to])
    );
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
