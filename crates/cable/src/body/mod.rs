//! The body: banner, captions, the preamble fields (E.O., TAGS, SUBJECT, REF, Classified By),
//! numbered paragraphs, summary and comment, signature, section markers and redactions.
//!
//! Real bodies are messy: fields run into each other on one line (`SUBJECT: ... REF: TRIPOLI
//! 126`), paragraph 1 may start in the middle of the "Classified By" line, section markers sit in
//! the middle of sentences. The preamble is small, so it is read with regexes; the rest of the
//! body, which is most of the bytes, is scanned line by line.

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use crate::meta;
use crate::model::{Level, Paragraph, Reference, Section};
use crate::refs;
use crate::Depth;

mod banner;
mod markers;
mod paragraphs;
mod preamble;
mod sections;
mod signature;

pub(crate) use banner::is_banner;
use banner::*;
pub(crate) use markers::is_page_marker;
use markers::*;
use paragraphs::*;
use preamble::*;
use sections::*;
use signature::*;

#[derive(Debug, Default)]
pub(crate) struct Body {
    pub banner: Option<String>,
    pub banner_level: Option<Level>,
    /// Station words and serial as the banner writes them (`LONDON`, `000923`).
    pub banner_station: Option<String>,
    pub banner_serial: Option<String>,
    pub section: Option<Section>,
    pub captions: Vec<String>,
    pub eo: Option<String>,
    pub declassify_on: Option<String>,
    pub tags: Vec<String>,
    pub subject: Option<String>,
    pub subject_marking: Option<String>,
    /// The raw REF value; resolved once the cable's own id and year are known.
    pub ref_text: Option<String>,
    pub classified_by: Option<String>,
    pub reasons: Vec<String>,
    pub summary: Option<String>,
    pub comment: Option<String>,
    pub paragraphs: Vec<Paragraph>,
    pub signed_by: Vec<String>,
    pub markers: Vec<String>,
    pub redactions: usize,
}

pub(crate) fn resolve_refs(body: &Body, default_year: Option<u8>, own_id: &str) -> Vec<Reference> {
    body.ref_text.as_deref().map(|v| refs::parse(v, default_year, own_id)).unwrap_or_default()
}

/// The release's record block inside some bodies: the release's numbering, the creation date
/// and the reference id, each on its line (`\n11329\n\n2003-10-10\n\n03THEHAGUE2597\n`).
static PREVIEW_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\n[0-9]{1,6}\n+[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9:]{5,8})?\n+[0-9]{2}[0-9A-Z]{3,40}\n").unwrap()
});

/// Reads a body stage by stage, in reading order: the banner (`banner.rs`), the section markers
/// (`markers.rs`), the preamble's fields (`preamble.rs`), then — at [`Depth::Full`] only — the
/// paragraphs (`paragraphs.rs`), the summary and comments (`sections.rs`) and the signature.
pub(crate) fn parse(body: &str, own_serial_hint: Option<&str>, depth: Depth, warnings: &mut Vec<String>) -> Body {
    let mut out = Body { redactions: count_redactions(body), ..Body::default() };

    let pos = locate_banner(&mut out, body, own_serial_hint);
    if out.banner_level.is_none() {
        warnings.push("no classification banner at the start of the body".into());
    }

    let markers = match depth {
        Depth::Full => {
            find_markers(body, out.banner_station.as_deref(), out.banner_serial.as_deref().or(own_serial_hint))
        }
        Depth::Browse => Vec::new(),
    };
    out.markers = markers.iter().map(|r| squeeze(&body[r.clone()])).collect();

    // The preamble fields.
    let window_end = floor_char_boundary(body, (pos + 8192).min(body.len()));
    let first_par = find_paragraph_start(body, pos, window_end, 1);
    let fields_end = first_par.as_ref().map_or(window_end, |p| p.0);
    let window = &body[pos..fields_end];
    let found = find_fields(window);
    // Captions: the lines between the banner and the first field.
    let captions_end = found.first().map_or(window.len(), |f| f.1);
    out.captions = captions(&window[..captions_end], out.banner.as_deref().unwrap_or(""));

    let last_field_end = read_fields(&mut out, window, &found);

    if out.subject.is_none() {
        warnings.push("no SUBJECT line".into());
    }
    if depth == Depth::Browse {
        return out;
    }

    // Paragraphs.
    let text_start = first_par.as_ref().map_or(pos + last_field_end, |p| p.0);
    read_paragraphs(&mut out, body, text_start, first_par, &markers);
    let intro = body[pos..text_start].trim_end_matches(|c: char| c == '-' || c.is_whitespace());
    let after_fields = &body[(pos + last_field_end).min(text_start)..text_start];
    out.summary = intro_summary(after_fields)
        .or_else(|| section_text(&out.paragraphs, "SUMMARY", intro.to_ascii_uppercase().ends_with("SUMMARY")));
    // "1. Classified by ...": the field written as one of the first paragraphs
    if out.classified_by.is_none() {
        let found = out.paragraphs.iter().take(3).find_map(|p| {
            p.text
                .get(..13)
                .is_some_and(|t| t.eq_ignore_ascii_case("classified by"))
                .then(|| until_blank_line(&p.text, false).to_owned())
        });
        if let Some(value) = found {
            read_classified_by(&mut out, &value);
        }
    }
    out.comment = comments(&out.paragraphs);
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The words of `s` joined by single spaces: what `split_whitespace` and a join give, without
/// the iterator (the parser squeezes every paragraph, comment and marker; this is a hot loop).
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let (ws, len) = if b[i] < 0x80 {
            (matches!(b[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        match (ws, word) {
            (true, Some(start)) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
                word = None;
            }
            (false, None) => word = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..]);
    }
    out
}

/// Maximal runs of six or more `X`: the release's `XXXXXXXXXXXX` (usually twelve; the site
/// wrote 10 to 25) are redactions.
pub(crate) fn count_redactions(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    let mut at = 0;
    // every run of six holds an X at a multiple-of-six offset: look only there, then measure
    while at + 6 <= b.len() {
        if b[at] | 0x20 != b'x' {
            at += 6;
            continue;
        }
        let mut start = at;
        while start > 0 && b[start - 1] | 0x20 == b'x' {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && b[end] | 0x20 == b'x' {
            end += 1;
        }
        if end - start >= 6 {
            n += 1;
        }
        at = end.max(at + 1);
        // continue from the next multiple-of-six offset after the run
        at += (6 - at % 6) % 6;
    }
    n
}

/// The body of `text`, read whole: what the stages' tests check against.
#[cfg(test)]
fn body(text: &str) -> Body {
    parse(text, None, Depth::Full, &mut vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactions() {
        assert_eq!(count_redactions("a XXXXXXXXXXXX b XXXXXXXXXXXX(urgently protect), XXX"), 2);
        assert_eq!(count_redactions("XXXXXX"), 1);
        assert_eq!(count_redactions("EXXON XXXXX"), 0);
    }

    proptest::proptest! {
        /// The hand-written loop gives what the standard library's words and a join give, on any
        /// text, Unicode spaces and line breaks included.
        #[test]
        fn squeeze_is_split_whitespace_joined(s in "[ a\t\n\r\u{0b}\u{0c}\u{85}\u{a0}\u{2003}\u{3000}é€X-]{0,40}") {
            proptest::prop_assert_eq!(squeeze(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
}
