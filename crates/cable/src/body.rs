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

static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?i:(T ?O ?P +S ?E ?C ?R ?E ?T|S ?E ?C ?R ?E ?T|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|U ?N ?C ?L ?A ?S(?: ?S ?I ?F ?I ?E ?D)?|LIMITED +OFFICIAL +USE))(?-u:\b)|[^A-Za-z](T ?O ?P +S ?E ?C ?R ?E ?T|S ?E ?C ?R ?E ?T|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|U ?N ?C ?L ?A ?S(?: ?S ?I ?F ?I ?E ?D)?|LIMITED +OFFICIAL +USE)(?-u:\b)",
    )
    .unwrap()
});

static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Z]{0,3}[CT][A-Z]{0,3}N?\s*([0-9]{1,3})\s*O?F\s*([0-9]{1,3})(?-u:\b)").unwrap()
});

static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?mx)
        (?:^|[\s;.])(?:[Ee]\.?\ ?[Oo0]\.?\ ?[0-9]{3,5}(?-u:\b):?)
      | (?:^|\s)(?:(?:TAGS?|Tags)(?::|\ ))
      | (?:^[\ \t]*|\s)(?:(?:SUBJECT|SUBJ|Subject|Subj)\s?:|^[\ \t]*SUBJECT\ )
      | (?:^[\ \t]*|\s)(?:(?:REFTELS?|REFS?|REFERENCES?|Refs?|Reftels?|References?)\s?:|^[\ \t]*(?:REFS?|REFTELS?)\ )
      | (?:REFTELS?|REFS?):
      | (?:^|[^A-Za-z])(?:(?i:classi[a-z]{0,5}\ ?by):?)
    ",
    )
    .unwrap()
});

/// The release's record block inside some bodies: the release's numbering, the creation date
/// and the reference id, each on its line (`\n11329\n\n2003-10-10\n\n03THEHAGUE2597\n`).
static PREVIEW_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\n[0-9]{1,6}\n+[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9:]{5,8})?\n+[0-9]{2}[0-9A-Z]{3,40}\n").unwrap()
});

/// The page header of a printed telegram inside partial extracts: `PAGE 03 HARARE 05461 01 OF 02 271458Z`.
static PAGE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^PAGE +[0-9]{2,3} +[A-Z][A-Z ]{0,30}? +[0-9]{3,6} +[0-9]{2} +OF +[0-9]{2} +[0-9]{6}Z(?: +/[0-9]+)?")
        .unwrap()
});

static REASONS_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:,|\.|;|\s)\s*(?:f\s?or\s+)?(?:reasons?|rsn|e\.o\.\s*12958)(?-u:\b)\s*:?").unwrap()
});

static REASON_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)([0-9])\s?[.,/]\s?([0-9])|\(\s*([a-h])\s*\)|(?-u:\b)([a-h])(?-u:\b)").unwrap());

static MARKING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:U|C|S|TS|SBU|LOU|FOUO|CUI)(?:\s?/{1,2}\s?(?:NF|NOFORN|FOUO|SBU|(?i:REL(?: TO)?[A-Z ,]*)|OC|ORCON|PROPIN|LES|SI|TK))*$")
        .unwrap()
});

const CAPTION_WORDS: &[&str] = &[
    "NOFORN",
    "NOCONTRACT",
    "ORCON",
    "PROPIN",
    "SIPDIS",
    "EXDIS",
    "NODIS",
    "LIMDIS",
    "STADIS",
    "CASC",
    "SENSITIVE",
    "SBU",
    "DECAPTIONED",
    "CHEROKEE",
    "TERREP",
    "ROGER",
    "NOTAL",
    "FOUO",
    "TOSEC",
    "SECTO",
    "EYES",
    "ONLY",
    "MED",
];

const CAPTION_PHRASES: &[&str] = &[
    "SENSITIVE BUT UNCLASSIFIED",
    "FOR OFFICIAL USE ONLY",
    "NOT FOR INTERNET DISTRIBUTION",
    "NOT FOR DISTRIBUTION",
    "DS CHANNEL",
    "ROGER CHANNEL",
    "STATE FOR INTERNAL USE ONLY",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Field {
    Eo,
    Tags,
    Subject,
    Ref,
    ClassifiedBy,
}

pub(crate) fn parse(body: &str, own_serial_hint: Option<&str>, depth: Depth, warnings: &mut Vec<String>) -> Body {
    let mut out = Body { redactions: count_redactions(body), ..Body::default() };

    // Banner: the first non-blank line, or one of the next two when the first is a date line
    // (`Thursday, 07 March 2002, 10:13`); it may follow other text on its line
    // (`Cable dated:2002-11-15T12:40:00S E C R E T SECTION 01 OF 05 ANKARA 008305`).
    // Some bodies carry a whole copy of the old text format first (id, date, reference id,
    // origin, classification, then the routing lines): the body proper starts after them.
    let mut pos = 0;
    let head = &body.as_bytes()[..body.len().min(1500)];
    if memmem::find(head, b"\nVZCZC").is_some() {
        let (h, rest) = crate::split_telegram(body);
        if !h.is_empty() && !rest.trim().is_empty() {
            pos = h.len();
        }
    }
    // Others start with a cut preview ("...."), then the same block without routing lines, then
    // the whole text: the body proper starts at the first banner after the block.
    let mut need_serial = false;
    if pos == 0 {
        let head = &body[..floor_char_boundary(body, body.len().min(1500))];
        if let Some(m) = PREVIEW_BLOCK.find(head) {
            // only the cable's own block: its reference id ends with the cable's serial
            let id = m.as_str().trim_end().rsplit('\n').next().unwrap_or("");
            let serial = id
                .trim_start_matches(|c: char| !c.is_ascii_alphabetic())
                .trim_start_matches(|c: char| c.is_ascii_alphabetic());
            if own_serial_hint.is_none_or(|s| serial.trim_start_matches('0') == s) {
                pos = m.end();
                need_serial = true;
            }
        }
    }
    let mut seen = 0;
    for line in body[pos..].split_inclusive('\n') {
        let t = line.trim();
        pos += line.len();
        if t.is_empty() {
            continue;
        }
        if seen == 0 {
            out.banner = Some(squeeze(t));
        }
        if need_serial && seen < 5 && !(t.bytes().any(|b| b.is_ascii_digit()) && BANNER.is_match(t)) {
            // the block's origin, classification ("CONFIDENTIAL") and references lines are
            // not the banner, which names the serial
            seen += 1;
            continue;
        }
        if let Some(m) = BANNER.captures(t) {
            let Some(g) = m.get(1).or(m.get(2)) else { continue };
            out.banner_level = meta::level_from_words(g.as_str());
            let banner = &t[g.start()..];
            out.banner = Some(squeeze(banner));
            read_banner(&mut out, banner);
            break;
        }
        seen += 1;
        if seen == 3 {
            // no banner: the body starts at its first line
            pos = body.len() - body.trim_start().len();
            if let Some(first) = body[pos..].lines().next() {
                out.banner = Some(squeeze(first));
                pos += first.len();
            }
            break;
        }
    }
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
    let mut found: Vec<(Field, usize, usize)> = Vec::new(); // (field, marker start, value start)
    for m in FIELD.find_iter(window) {
        let text = m.as_str();
        let lead = text.len() - text.trim_start_matches(|c: char| c.is_whitespace() || c == ';' || c == '.').len();
        let start = m.start() + lead;
        let field = match text.as_bytes().get(lead) {
            Some(b'E' | b'e') => Field::Eo,
            Some(b'T') => Field::Tags,
            Some(b'S') => Field::Subject,
            Some(b'R') => Field::Ref,
            Some(b'C' | b'c') => Field::ClassifiedBy,
            _ => continue,
        };
        // the first occurrence of each field counts (a second "Classified By:" right after the
        // first, as in "Classified By: Classified By: ...", is part of its value); REF sections
        // may be several, and all count
        if field != Field::Ref && found.iter().any(|f| f.0 == field) {
            continue;
        }
        let value_start = if field == Field::Eo { start } else { m.end() };
        found.push((field, start, value_start));
    }
    // Captions: the lines between the banner and the first field.
    let captions_end = found.first().map_or(window.len(), |f| f.1);
    out.captions = captions(&window[..captions_end], out.banner.as_deref().unwrap_or(""));

    let mut last_field_end = 0;
    for (k, &(field, _, start)) in found.iter().enumerate() {
        let limit = found.get(k + 1).map_or(window.len(), |f| f.1);
        let mut value = &window[start..limit];
        value = match field {
            Field::Eo => first_line(value),
            Field::Ref | Field::Subject | Field::Tags | Field::ClassifiedBy => {
                until_blank_line(value, field == Field::Ref)
            }
        };
        last_field_end = last_field_end.max(start + value.len());
        let value = strip_markers(value);
        match field {
            Field::Eo => read_eo(&mut out, &value),
            Field::Tags => out.tags = tags(&value),
            Field::Subject => out.subject = subject(&value),
            Field::Ref => {
                let v = value.trim();
                if !v.is_empty() {
                    let text = out.ref_text.get_or_insert_with(String::new);
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(v);
                }
            }
            Field::ClassifiedBy => read_classified_by(&mut out, &value),
        }
    }

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
    out.summary = section_text(&out.paragraphs, "SUMMARY", intro.to_ascii_uppercase().ends_with("SUMMARY"));
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

fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn first_line(v: &str) -> &str {
    v.split('\n').next().unwrap_or("")
}

/// The value up to the first blank line. REF values go on past a blank line when the next
/// line carries the next bullet (`B. STATE 1234`).
fn until_blank_line(v: &str, bullets_continue: bool) -> &str {
    let mut end = 0;
    let mut lines = v.split_inclusive('\n').peekable();
    let mut seen_text = false;
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            if !seen_text {
                end += line.len();
                continue;
            }
            if bullets_continue {
                let mut skipped = line.len();
                let mut next = None;
                while let Some(l) = lines.peek() {
                    if l.trim().is_empty() {
                        skipped += l.len();
                        lines.next();
                    } else {
                        next = Some(*l);
                        break;
                    }
                }
                if next.is_some_and(starts_with_bullet) {
                    end += skipped;
                    continue;
                }
            }
            break;
        }
        seen_text = true;
        end += line.len();
    }
    &v[..end]
}

fn starts_with_bullet(line: &str) -> bool {
    let b = line.trim_start().as_bytes();
    (b.len() >= 3 && b[0].is_ascii_uppercase() && matches!(b[1], b'.' | b')') && b[2] == b' ')
        || (b.len() >= 3 && b[0] == b'(' && b[1].is_ascii_uppercase() && b[2] == b')')
}

fn read_banner(out: &mut Body, banner: &str) {
    if let Some(c) = SECTION.captures(banner) {
        if let (Ok(number), Ok(of)) = (c[1].parse(), c[2].parse()) {
            if number >= 1 && number <= of {
                out.section = Some(Section { number, of });
            }
        }
    }
    // station words and serial: the last number of the banner and the words before it
    let words: Vec<&str> = banner.split_whitespace().collect();
    if let Some(i) = words.iter().rposition(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_digit())) {
        let mut j = i;
        while j > 0 && words[j - 1].len() > 1 && words[j - 1].bytes().all(|b| b.is_ascii_uppercase()) && i - j < 3 {
            if matches!(words[j - 1], "OF" | "SECTION") || meta::level_from_words(words[j - 1]).is_some() {
                break;
            }
            j -= 1;
        }
        if j < i {
            out.banner_station = Some(words[j..i].join(" "));
            out.banner_serial = Some(words[i].to_owned());
        }
    }
}

/// Finds section markers: `LONDON 00000923  002.2 OF 005`, and the page headers of partial
/// extracts with the classification line above them (`CONFIDENTIAL\nPAGE 03 HARARE 05461 01 OF 02
/// 271458Z`). Both hold " OF ", which is searched for; the rest is checked around it by hand,
/// which is several times faster than a regex over the whole body. A section marker must name the
/// cable's own serial (`00000923` for 923) and is extended back over the banner's station words.
fn find_markers(body: &str, station: Option<&str>, serial: Option<&str>) -> Vec<std::ops::Range<usize>> {
    let serial = serial.map(|s| s.trim_start_matches('0')).filter(|s| !s.is_empty());
    let b = body.as_bytes();
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let digits_back = |mut i: usize| {
        let end = i;
        while i > 0 && b[i - 1].is_ascii_digit() {
            i -= 1;
        }
        (i, end - i)
    };
    let spaces_back = |mut i: usize| {
        while i > 0 && b[i - 1] == b' ' {
            i -= 1;
        }
        i
    };
    for of in memmem::find_iter(b, b" OF ") {
        if out.last().is_some_and(|r| r.end > of) {
            continue;
        }
        let after = of + 4;
        let mut j = after;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let (_, n_after) = {
            let k = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
            (j, k)
        };
        // the section form: SERIAL +NNN(.N)? +OF +NNN
        if n_after == 3 && b.get(j + 3).is_none_or(|c| !c.is_ascii_alphanumeric()) {
            let mut i = spaces_back(of + 1);
            if i >= 2 && b[i - 2] == b'.' && b[i - 1].is_ascii_digit() {
                i -= 2;
            }
            let (s1, n1) = digits_back(i);
            if n1 == 3 {
                let i2 = spaces_back(s1);
                let (s2, n2) = digits_back(i2);
                if i2 < s1 && (4..=10).contains(&n2) && (s2 == 0 || !b[s2 - 1].is_ascii_alphanumeric()) {
                    let found_serial = &body[s2..s2 + n2];
                    if serial.is_some_and(|s| found_serial.trim_start_matches('0') != s) {
                        continue;
                    }
                    let before = body[..s2].trim_end_matches([' ', '\t']);
                    let start = match station {
                        Some(st) if before.ends_with(st) => before.len() - st.len(),
                        _ => {
                            let w = before.bytes().rev().take_while(|b| b.is_ascii_uppercase()).count();
                            if w < 2 {
                                continue;
                            }
                            before.len() - w
                        }
                    };
                    out.push(start..j + 3);
                    continue;
                }
            }
        }
        // the page form: find "PAGE" on this line before " OF "
        if n_after == 2 {
            let line_start = memchr::memrchr(b'\n', &b[..of]).map_or(0, |i| i + 1);
            if let Some(p) = memmem::rfind(&b[line_start..of], b"PAGE ").map(|p| p + line_start) {
                if let Some(m) = PAGE_MARKER.find(&body[p..]) {
                    let mut start = p;
                    // the classification line above belongs to the page header
                    let above = body[..p].trim_end_matches([' ', '\t', '\r', '\n']);
                    let word_start = above.rfind(['\n', ' ']).map_or(0, |i| i + 1);
                    if meta::level_from_words(&above[word_start..]).is_some() && !above[word_start..].contains(' ') {
                        start = word_start;
                    }
                    out.push(start..p + m.end());
                }
            }
        }
    }
    out
}

fn strip_markers(v: &str) -> String {
    if memmem::find(v.as_bytes(), b" OF ").is_none() {
        return v.to_owned();
    }
    let ranges = find_markers(v, None, None);
    remove_ranges(v, 0, &ranges)
}

/// Copies `text` (which starts at `offset` in the body) leaving out the marker ranges.
fn remove_ranges(text: &str, offset: usize, ranges: &[std::ops::Range<usize>]) -> String {
    let end = offset + text.len();
    let mut out = String::with_capacity(text.len());
    let mut at = offset;
    for r in ranges.iter().filter(|r| r.end > offset && r.start < end) {
        let s = r.start.max(offset);
        if s > at {
            out.push_str(&text[at - offset..s - offset]);
        }
        let kept = out.trim_end_matches([' ', '\t']).len();
        out.truncate(kept);
        if !out.ends_with('\n') && !out.is_empty() {
            out.push(' ');
        }
        at = r.end.min(end).max(at);
        // the spaces after a marker go with it
        while at < end && matches!(text.as_bytes()[at - offset], b' ' | b'\t') {
            at += 1;
        }
    }
    out.push_str(&text[at - offset..]);
    out
}

fn captions(region: &str, banner: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |c: &str| {
        if !out.iter().any(|x| x == c) {
            out.push(c.to_owned());
        }
    };
    for w in banner.split(|c: char| c.is_whitespace() || c == '/' || c == ',') {
        if CAPTION_WORDS.contains(&w) && w != "ONLY" && w != "EYES" {
            push(w);
        }
    }
    for line in region.lines() {
        let mut rest = line.trim().trim_end_matches('.').to_ascii_uppercase();
        if rest.is_empty() {
            continue;
        }
        let mut found = Vec::new();
        for p in CAPTION_PHRASES {
            if let Some(i) = rest.find(p) {
                found.push((i, p.to_string()));
                rest.replace_range(i..i + p.len(), &" ".repeat(p.len()));
            }
        }
        let mut all_known = true;
        let mut pos = 0;
        for w in rest.split(|c: char| c.is_whitespace() || c == '/' || c == ',') {
            if !w.is_empty() {
                if CAPTION_WORDS.contains(&w) {
                    found.push((pos, w.to_owned()));
                } else {
                    all_known = false;
                    break;
                }
            }
            pos += w.len() + 1;
        }
        if all_known {
            found.sort();
            for (_, c) in found {
                push(&c);
            }
        }
    }
    out
}

fn read_eo(out: &mut Body, value: &str) {
    // "E.O. 12958: DECL: ...": the first number is the order
    let after_eo = value.trim_start_matches(['E', 'e']).trim_start_matches('.').trim_start();
    let after_eo = after_eo.trim_start_matches(['O', 'o', '0']).trim_start_matches('.');
    let value = after_eo;
    let Some(d) = value.find(|c: char| c.is_ascii_digit()) else { return };
    let digits = value[d..].bytes().take_while(u8::is_ascii_digit).count();
    out.eo = Some(value[d..d + digits].to_owned());
    let rest = value[d + digits..].trim().trim_start_matches([':', ' ']);
    let rest = rest.trim();
    if rest.is_empty() {
        return;
    }
    let upper = rest.to_ascii_uppercase();
    let decl = match upper.find("DECL") {
        Some(i) => {
            let after = &rest[i + 4..];
            let after = after.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            after.trim_start_matches([':', ' ', '.']).trim()
        }
        None => rest,
    };
    let decl = decl.trim_end_matches(['.', ',', ';']).trim();
    if decl.is_empty() {
        return;
    }
    let first = decl.split_whitespace().next().unwrap_or(decl);
    out.declassify_on = Some(meta::parse_decl_date(first).unwrap_or_else(|| squeeze(decl)));
}

fn tags(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        let t = t.trim().trim_matches(|c: char| c == '.' || c == ',' || c == ';' || c == ':');
        if !t.is_empty() && t.len() <= 60 && !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    };
    let mut rest = value;
    while !rest.is_empty() {
        let next = rest.find(['(', ' ', '\t', '\n', '\r', ',', ';']);
        match next {
            Some(i) if rest.as_bytes()[i] == b'(' => {
                push(&rest[..i]);
                // a person tag: "(CLINTON, HILLARY)" stays whole
                match rest[i..].find(')') {
                    Some(j) => {
                        push(&squeeze(&rest[i + 1..i + j]));
                        rest = &rest[i + j + 1..];
                    }
                    None => {
                        push(&squeeze(&rest[i + 1..]));
                        rest = "";
                    }
                }
            }
            Some(i) => {
                push(&rest[..i]);
                rest = &rest[i + 1..];
            }
            None => {
                push(rest);
                rest = "";
            }
        }
    }
    out
}

/// Strips leading and trailing paragraph markings such as `(C)`, `(SBU)`, `(U//FOUO)`.
fn subject(value: &str) -> Option<String> {
    let mut s = squeeze(value);
    loop {
        let before = s.len();
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '-');
        let mut t = t.to_owned();
        if t.starts_with('(') {
            if let Some(j) = t.find(')') {
                if MARKING.is_match(&t[1..j]) {
                    t = t[j + 1..].to_owned();
                }
            }
        }
        if t.ends_with(')') {
            if let Some(j) = t.rfind('(') {
                if MARKING.is_match(&t[j + 1..t.len() - 1]) {
                    t.truncate(j);
                }
            }
        }
        s = t.trim().to_owned();
        if s.len() == before {
            break;
        }
    }
    (!s.is_empty()).then_some(s)
}

fn read_classified_by(out: &mut Body, value: &str) {
    let mut v = squeeze(value);
    // "Classified By: Classified By: ..." as seen in the release
    loop {
        let t = v.trim_start_matches([':', ' ']);
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("classified by") {
            v = t["classified by".len()..].to_owned();
        } else {
            v = t.to_owned();
            break;
        }
    }
    let (who, reasons) = match REASONS_SPLIT.find(&v) {
        Some(m) => (&v[..m.start()], &v[m.end()..]),
        None => (v.as_str(), ""),
    };
    let who = who.trim().trim_end_matches([',', '.', ';', ':', ' ']);
    let who = who.strip_suffix(" f").or_else(|| who.strip_suffix(" for")).unwrap_or(who).trim();
    out.classified_by = (!who.is_empty()).then(|| who.to_owned());
    let mut current: Option<String> = None;
    for c in REASON_PART.captures_iter(reasons) {
        if let (Some(a), Some(b)) = (c.get(1), c.get(2)) {
            current = Some(format!("{}.{}", a.as_str(), b.as_str()));
            continue;
        }
        let letter = c.get(3).or(c.get(4)).map(|m| m.as_str().to_ascii_lowercase());
        if let (Some(sec), Some(l)) = (&current, letter) {
            let r = format!("{sec}({l})");
            if !out.reasons.contains(&r) {
                out.reasons.push(r);
            }
        }
    }
    if let Some(sec) = current {
        if out.reasons.is_empty() {
            out.reasons.push(sec);
        }
    }
}

/// A paragraph start: `5. (S/NF) text`, `2.(U) text`, `¶3. text` at the start of a line, or
/// (for paragraph 1 only) in the middle of a line when a marking follows: `... 1.4 (e) 1. (C) text`.
/// Returns (start of the number, start of the text, number, marking).
fn paragraph_at_line(line: &str) -> Option<(usize, u32, Option<&str>)> {
    let lead = line.len() - line.trim_start_matches([' ', '\t', '\u{b6}']).len();
    let rest = &line[lead..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let after = &rest[digits..];
    let after = after.strip_prefix('.')?;
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = rest[..digits].parse().ok()?;
    let (marking, used) = marking_at(after);
    let text_off = lead + digits + 1 + used;
    Some((text_off, n, marking))
}

/// `(S/NF) ` at the start of `s`: the marking and how many bytes it takes with spaces around it.
fn marking_at(s: &str) -> (Option<&str>, usize) {
    let lead = s.len() - s.trim_start().len();
    let t = &s[lead..];
    if let Some(inner) = t.strip_prefix('(') {
        if let Some(j) = inner.find(')') {
            if j <= 16 && MARKING.is_match(&inner[..j]) {
                let used = lead + j + 2;
                let rest = &s[used..];
                return (Some(&inner[..j]), used + (rest.len() - rest.trim_start_matches([' ', '\t']).len()));
            }
        }
    }
    (None, lead)
}

fn find_paragraph_start(body: &str, from: usize, to: usize, want: u32) -> Option<(usize, usize, u32, Option<String>)> {
    let mut at = from;
    let needle = format!(" {want}.");
    for line in body[from..to].split_inclusive('\n') {
        if let Some((text_off, n, marking)) = paragraph_at_line(line) {
            if n == want {
                return Some((at, at + text_off, n, marking.map(str::to_owned)));
            }
        }
        // inline: " 1. (C) " after other text on the line
        let mut search = 0;
        while let Some(i) = line[search..].find(&needle) {
            let i = search + i;
            let after = &line[i + needle.len()..];
            let (marking, used) = marking_at(after);
            if let Some(m) = marking {
                let start = at + i + 1;
                return Some((start, start + needle.len() - 1 + used, want, Some(m.to_owned())));
            }
            search = i + needle.len();
        }
        at += line.len();
    }
    None
}

fn read_paragraphs(
    out: &mut Body,
    body: &str,
    text_start: usize,
    first: Option<(usize, usize, u32, Option<String>)>,
    markers: &[std::ops::Range<usize>],
) {
    // (number start, text start, number, marking)
    let mut starts: Vec<(usize, usize, u32, Option<String>)> = Vec::new();
    let scan_from = match first {
        Some(f) => {
            let line_end = memchr::memchr(b'\n', &body.as_bytes()[f.1..]).map_or(body.len(), |i| f.1 + i + 1);
            starts.push(f);
            line_end
        }
        None => text_start,
    };
    let mut at = scan_from;
    let mut last = starts.last().map_or(0, |s| s.2);
    for line in body[scan_from..].split_inclusive('\n') {
        let b = line.as_bytes();
        // cheap test before the full one: a digit after optional spaces or a pilcrow
        let first_non_space = b.iter().position(|&c| c != b' ' && c != b'\t');
        let maybe = first_non_space.is_some_and(|i| b[i].is_ascii_digit() || b[i] == 0xC2);
        if maybe {
            if let Some((text_off, n, marking)) = paragraph_at_line(line) {
                if (last == 0 && n < 100) || (n > last && n <= last + 3) {
                    starts.push((at, at + text_off, n, marking.map(str::to_owned)));
                    last = n;
                }
            }
        }
        at += line.len();
    }

    // signature: the last line of the body, when it looks like a name
    let (sig, sig_start) = signature(body);
    out.signed_by = sig;
    let text_end = sig_start.unwrap_or(body.len());

    if starts.is_empty() {
        let start = text_start.min(text_end);
        let text = clean_text(&body[start..text_end], start, markers);
        if !text.is_empty() {
            out.paragraphs.push(Paragraph { number: None, marking: None, text });
        }
        return;
    }
    for (k, (_, text_at, n, marking)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(text_end, |s| s.0).max(*text_at);
        let end = end.min(body.len());
        let text_at = (*text_at).min(end);
        let text = clean_text(&body[text_at..end], text_at, markers);
        out.paragraphs.push(Paragraph { number: Some(*n), marking: marking.clone(), text });
    }
}

/// The reading text of a stretch of body: markers left out, each line trimmed at its end,
/// runs of blank lines folded into one.
fn clean_text(s: &str, offset: usize, markers: &[std::ops::Range<usize>]) -> String {
    let removed;
    let s = if markers.iter().any(|r| r.end > offset && r.start < offset + s.len()) {
        removed = remove_ranges(s, offset, markers);
        removed.as_str()
    } else {
        s
    };
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for line in s.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
            blank = false;
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    let t = out.trim();
    if t.len() != out.len() {
        t.to_owned()
    } else {
        out
    }
}

const NOT_NAMES: &[&str] = &[
    "SIPDIS",
    "NNNN",
    "BT",
    "END",
    "NOFORN",
    "UNCLASSIFIED",
    "UNCLAS",
    "CONFIDENTIAL",
    "SECRET",
    "SENSITIVE",
    "NOTE",
    "COMMENT",
    "SUMMARY",
    "END COMMENT",
    "END SUMMARY",
    "LIMITED OFFICIAL USE",
    "ENDS",
    "TEXT",
    "QUOTE",
    "UNQUOTE",
    "END QUOTE",
    "END TEXT",
    "DECL",
    "NOTAL",
    "ACTION",
    "INFO",
    "FYI",
    "GP-3",
    "GP-1",
    "GP-2",
    "GP-4",
    "GDS",
    "XGDS",
];

/// Lines after the signature that are not text: `NNNN`, `BT`, `End Cable Text`, a repeated
/// classification, `#0923`.
fn is_trailer(line: &str) -> bool {
    line.is_empty()
        || matches!(line, "NNNN" | "BT" | ">" | "\"" | "End Cable Text" | "SIPDIS")
        || line.contains("CABLE ENDS")
        || line.bytes().all(|b| b.is_ascii_punctuation() || b == b' ')
        || (line.contains("Visit") || line.contains("VISIT"))
            && (line.contains("lassified") || line.contains("LASSIFIED"))
            && !line.split_whitespace().next_back().is_some_and(is_name_word)
        || line.contains("intelink")
        || line.contains("/wiki/")
        || line.starts_with('#')
        || meta::level_from_words(line).is_some()
}

/// `Murphy`, `McKinley`, `O'Neill`: a capital, then letters with at least one lower-case letter.
fn is_capitalised(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 3
        && b.len() <= 20
        && b[0].is_ascii_uppercase()
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'\'' || *c == b'-')
        && !matches!(w, "Thanks" | "Minimize" | "Regards" | "End" | "Text" | "Sipdis" | "Unquote" | "Ends")
}

fn is_name_word(w: &str) -> bool {
    w.len() >= 2
        && w.bytes().any(|b| b.is_ascii_uppercase())
        && w.bytes().all(|b| b.is_ascii_uppercase() || matches!(b, b'\'' | b'-' | b'/'))
        && !w.starts_with("XXX")
        && !NOT_NAMES.contains(&w)
        && !CAPTION_WORDS.contains(&w)
        && meta::level_from_words(w).is_none()
}

/// The signer(s): the body's last line when it is one to four upper-case words (`LEBARON`,
/// `VAN VOORST`, `CLINTON`), several names split on `/`; or, in bodies whose paragraphs were
/// run together, the one or two upper-case words that end a mixed-case last line
/// (`... Website: XXXXXXXXXXXX LEBARON`). Returns the names and where they start.
fn signature(body: &str) -> (Vec<String>, Option<usize>) {
    let mut end = body.trim_end().len();
    // a copy of the header appended after the text (`TelegramRestricted by caption ...`)
    let tail_start = floor_char_boundary(body, end.saturating_sub(2000));
    if let Some(i) = memmem::rfind(&body.as_bytes()[tail_start..end], b"\nFM ").map(|i| i + tail_start) {
        {
            let before = body[..i].trim_end_matches(['\r', ' ']);
            let prev_start = before.rfind('\n').map_or(0, |j| j + 1);
            let prev2 = body[..prev_start].trim_end().rfind('\n').map_or(0, |j| j + 1);
            if crate::header::is_dtg_line(before[prev_start..].trim()) && prev2 > 0 {
                end = body[..prev2].trim_end().len();
            }
        }
    }
    let mut line_start;
    loop {
        line_start = body[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = body[line_start..end].trim();
        if line_start > 0 && is_trailer(line) {
            end = body[..line_start].trim_end().len();
            continue;
        }
        break;
    }
    if line_start == 0 {
        return (Vec::new(), None);
    }
    let mut line = body[line_start..end].trim();
    // trailers run on to the end of the last line: "SCOBEY NNNN End Cable Text"
    for t in ["End Cable Text", "NNNN"] {
        if let Some(l) = line.strip_suffix(t) {
            line = l.trim_end();
            end = line_start + (body[line_start..].len() - body[line_start..].trim_start().len()) + line.len();
        }
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    // a name in mixed case alone on its line: "Sobel", "Murphy"
    if (1..=3).contains(&words.len()) && line.len() <= 40 && words.iter().all(|w| is_capitalised(w)) {
        return (vec![line.to_owned()], Some(line_start));
    }
    let whole = !line.is_empty()
        && line.len() <= 40
        && words.len() <= 4
        && !NOT_NAMES.contains(&line)
        && !line.ends_with('.')
        && words.iter().all(|w| is_name_word(w) || (w.len() <= 2 && w.ends_with('.')));
    if whole {
        let names: Vec<String> = line.split('/').map(squeeze).filter(|n| n.len() >= 2).collect();
        if !names.is_empty() {
            return (names, Some(line_start));
        }
    }
    // a mixed-case name after the last sentence: "... before nuclear. Scobey"
    if words.len() > 2 {
        let last = words[words.len() - 1];
        if is_capitalised(last) && words[words.len() - 2].ends_with(['.', '"']) {
            let at = line_start + body[line_start..end].rfind(last).unwrap_or(0);
            return (vec![last.to_owned()], Some(at));
        }
    }
    // a name run on to the end of a mixed-case line
    if line.bytes().any(|b| b.is_ascii_lowercase()) && words.len() > 2 {
        let tail: Vec<&str> = words.iter().rev().take_while(|w| is_name_word(w)).take(3).copied().collect();
        if !tail.is_empty() && tail.len() <= 2 && tail.iter().all(|w| w.len() >= 3) {
            let name = tail.iter().rev().copied().collect::<Vec<_>>().join(" ");
            let at = body[..end].rfind(tail.last().copied().unwrap_or_default()).unwrap_or(end);
            return (vec![name], Some(at));
        }
    }
    (Vec::new(), None)
}

/// The summary or the comment: from a paragraph opening with `Summary:` (or a `SUMMARY` heading
/// before paragraph 1) through `End Summary`, which may be several paragraphs later.
fn section_text(paragraphs: &[Paragraph], word: &str, heading_before_first: bool) -> Option<String> {
    let end_word = format!("END {word}");
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < paragraphs.len() {
        let text = &paragraphs[i].text;
        let start = if heading_before_first && i == 0 && word == "SUMMARY" { Some(0) } else { opens_with(text, word) };
        let Some(start) = start else {
            i += 1;
            continue;
        };
        // collect until END <WORD>
        let mut collected = String::new();
        let mut j = i;
        let mut from = start;
        let mut closed = false;
        while j < paragraphs.len() {
            let t = &paragraphs[j].text[from..];
            let upper = t.to_ascii_uppercase();
            if let Some(e) = upper.find(&end_word) {
                push_squeezed(&mut collected, &t[..e]);
                closed = true;
                break;
            }
            push_squeezed(&mut collected, t);
            j += 1;
            from = 0;
            if j - i >= 8 {
                break;
            }
        }
        if !closed {
            // no END marker: the section is the opening paragraph alone
            collected.clear();
            push_squeezed(&mut collected, &text[start..]);
            j = i;
        }
        let c = collected.trim().trim_end_matches(['(', ' ']).trim().to_owned();
        if !c.is_empty() {
            parts.push(c);
        }
        if word == "SUMMARY" {
            break;
        }
        i = j + 1;
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn push_squeezed(out: &mut String, s: &str) {
    let s = squeeze(s);
    if s.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(&s);
}

/// Every comment: `(Comment: ... End Comment.)` inside a paragraph, or a section from a
/// paragraph opening with `Comment:` through `End Comment` (or to the end of that paragraph).
fn comments(paragraphs: &[Paragraph]) -> Option<String> {
    let text = paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n\n");
    let upper = text.to_ascii_uppercase();
    let u = upper.as_bytes();
    let mut parts: Vec<String> = Vec::new();
    let mut from = 0;
    // openers: COMMENT at a paragraph, line or sentence start, or after "(", followed by : . - or a line break
    let is_opener = |i: usize| {
        let before_ok = i == 0
            || u[i - 1] == b'('
            || u[i - 1] == b'\n'
            || (i >= 2 && u[i - 1] == b' ' && matches!(u[i - 2], b'.' | b':' | b')' | b' ' | b'\n'));
        let after = u.get(i + 7).copied();
        let after_ok = matches!(after, Some(b':' | b'.' | b'-' | b'\n') | None)
            || (after == Some(b' ') && u.get(i + 8) == Some(&b'-'));
        let not_end = !(i >= 4 && &u[i - 4..i] == b"END ");
        before_ok && after_ok && not_end
    };
    let finder = memmem::Finder::new(b"COMMENT");
    let openers: Vec<usize> = finder.find_iter(u).filter(|&i| is_opener(i)).collect();
    let ends: Vec<(usize, usize)> = finder
        .find_iter(u)
        .filter(|&i| i >= 4 && u[i - 4..i].eq_ignore_ascii_case(b"END "))
        .map(|i| (i - 4, i + 7))
        .collect();
    for &(end_start, end_end) in &ends {
        if end_start < from {
            continue;
        }
        if let Some(&o) = openers.iter().rev().find(|&&o| o >= from && o < end_start) {
            let start = o + 7;
            let body = text[start..end_start].trim_start_matches([':', '.', '-', ' ', '\n']);
            push_squeezed_part(&mut parts, body);
        }
        from = end_end;
    }
    // a paragraph that opens with "Comment:" and has no END COMMENT after it
    let mut offset = 0;
    for p in paragraphs {
        if offset >= from {
            if let Some(start) = opens_with(&p.text, "COMMENT") {
                push_squeezed_part(&mut parts, &p.text[start..]);
            }
        }
        offset += p.text.len() + 2;
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn push_squeezed_part(parts: &mut Vec<String>, s: &str) {
    // whitespace folded within paragraphs; paragraph breaks kept
    let s = s.split("\n\n").map(squeeze).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n");
    let s = s.trim_end_matches(['(', ' ']).trim();
    if !s.is_empty() {
        parts.push(s.to_owned());
    }
}

/// `Summary: text`, `SUMMARY. text`, `Begin Summary: text`, `Summary and Comment: text`:
/// where the section's own text starts.
fn opens_with(text: &str, word: &str) -> Option<usize> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let upper: String = t.chars().take(40).collect::<String>().to_ascii_uppercase();
    let mut off = 0;
    for prefix in ["BEGIN ", "START "] {
        if upper.starts_with(prefix) {
            off = prefix.len();
        }
    }
    if !upper[off..].starts_with(word) {
        return None;
    }
    off += word.len();
    let rest = &upper[off..];
    for tail in [" AND COMMENT", " AND ACTION REQUEST", " AND ACTION"] {
        if word == "SUMMARY" && rest.starts_with(tail) {
            off += tail.len();
            break;
        }
    }
    let rest = &upper[off..];
    let sep = rest.len() - rest.trim_start_matches([':', '.', '-', ' ', '\n', ';']).len();
    if sep == 0 {
        return None;
    }
    Some(lead + off + sep)
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

/// Is this line a classification banner (`S E C R E T SECTION 01 OF 05 ...`, `UNCLAS TRIPOLI 641`)?
pub(crate) fn is_banner(line: &str) -> bool {
    BANNER.is_match(line)
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

    #[test]
    fn tags_with_every_separator() {
        assert_eq!(tags(" PGOV PREL PHUM IR UK"), ["PGOV", "PREL", "PHUM", "IR", "UK"]);
        assert_eq!(tags(" PGOV, PINS, ZI, MDC, ZANU-PF "), ["PGOV", "PINS", "ZI", "MDC", "ZANU-PF"]);
        assert_eq!(tags("PREL;PGOV\nKDEM, PREL"), ["PREL", "PGOV", "KDEM"]);
        assert_eq!(tags(" OVIP (CLINTON, HILLARY), PREL, AS, "), ["OVIP", "CLINTON, HILLARY", "PREL", "AS"]);
    }

    #[test]
    fn subjects() {
        assert_eq!(subject(" (C) IRAN:  TWO\n  LINES (SBU) ").as_deref(), Some("IRAN: TWO LINES"));
        assert_eq!(
            subject("  EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS \n").as_deref(),
            Some("EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS")
        );
        assert_eq!(subject(" (U//FOUO) TEXT").as_deref(), Some("TEXT"));
        assert_eq!(subject(" "), None);
    }

    #[test]
    fn classified_by_variants() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                ": Classified By: Political Minister-Counselor Greg Berry f or reasons 1.4 (b) and (d)",
                "Political Minister-Counselor Greg Berry",
                &["1.4(b)", "1.4(d)"],
            ),
            (" DCM EARL IRVING. REASONS: 1.5 (B) AND (D).", "DCM EARL IRVING", &["1.5(b)", "1.5(d)"]),
            (": CDA Christopher Henzel for reasons 1.4 (b)and (d)", "CDA Christopher Henzel", &["1.4(b)", "1.4(d)"]),
            (
                ": Chris Stevens, Charge d'Affaires, U.S. Embassy Tripoli. REASON: 1.4 (e)",
                "Chris Stevens, Charge d'Affaires, U.S. Embassy Tripoli",
                &["1.4(e)"],
            ),
            (
                " S/CT DAS, Susan F. Burk, Reason: 1/4 (B), (D), (E), and (G)",
                "S/CT DAS, Susan F. Burk",
                &["1.4(b)", "1.4(d)", "1.4(e)", "1.4(g)"],
            ),
            (": Ambassador John Doe, reasons 1.4 b/d", "Ambassador John Doe", &["1.4(b)", "1.4(d)"]),
        ];
        for (input, who, reasons) in cases {
            let mut b = Body::default();
            read_classified_by(&mut b, input);
            assert_eq!(b.classified_by.as_deref(), Some(*who), "{input}");
            assert_eq!(b.reasons, *reasons, "{input}");
        }
    }

    #[test]
    fn eo_and_declassification() {
        let cases = [
            ("E.O. 12958: DECL: 03/16/2019", "12958", Some("2019-03-16")),
            ("EO 12958 DECL: 09/21/10", "12958", Some("2010-09-21")),
            ("E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009", "12958", Some("DECLASSIFIED BY NARA 09/02/2009")),
            ("E.O. 12958: N/A", "12958", Some("N/A")),
            ("E.O. 11652: NGDS", "11652", Some("NGDS")),
            ("E.O. 12958: DECL: 1.6X6", "12958", Some("1.6X6")),
            ("E.O. 1295: DECL: 07/24/2018", "1295", Some("2018-07-24")),
            ("E.O. 12958:  DECL:  7/7/2018 ", "12958", Some("2018-07-07")),
        ];
        for (input, eo, decl) in cases {
            let mut b = Body::default();
            read_eo(&mut b, input);
            assert_eq!(b.eo.as_deref(), Some(eo), "{input}");
            assert_eq!(b.declassify_on.as_deref(), decl, "{input}");
        }
    }

    fn body(text: &str) -> Body {
        parse(text, None, Depth::Full, &mut vec![])
    }

    #[test]
    fn signatures() {
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nVAN VOORST\n").signed_by, ["VAN VOORST"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nRICE\n\nNNNN\n\nEnd Cable Text").signed_by, ["RICE"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text. End Comment.\n\nMurphy").signed_by, ["Murphy"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Website: XXXXXXXXXXXX LEBARON").signed_by, ["LEBARON"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\nSMITH/JONES\n CONFIDENTIAL\n>").signed_by, ["SMITH", "JONES"]);
        assert!(body("SECRET STATE 1\n\n1. (S) Text ends here.").signed_by.is_empty());
        assert!(body("SECRET STATE 1\n\n1. (S) Text.\n\nEND SUMMARY").signed_by.is_empty());
        // the signer is not part of the last paragraph's text
        let b = body("SECRET STATE 1\n\n1. (S) Text.\n\nLEBARON\n");
        assert_eq!(b.paragraphs[0].text, "Text.");
    }

    #[test]
    fn paragraphs_keep_sub_paragraphs_and_skip_numbers_in_text() {
        let b = body(
            "CONFIDENTIAL STATE 1\nSUBJECT: X\n\n1. (C) First.\n  A. sub one\n  B. sub two\n2.5 million is not a paragraph\n\n2.(SBU) Second.\n\n7. Not next.\n3. (C//NF) Third.",
        );
        let got: Vec<_> = b.paragraphs.iter().map(|p| (p.number, p.marking.as_deref())).collect();
        assert_eq!(got, [(Some(1), Some("C")), (Some(2), Some("SBU")), (Some(3), Some("C//NF"))]);
        assert!(b.paragraphs[0].text.contains("B. sub two\n2.5 million"));
        assert!(b.paragraphs[1].text.contains("7. Not next."));
    }

    #[test]
    fn captions_and_fields_run_together() {
        let b = body(
            "C O N F I D E N T I A L SECTION 01 OF 02 TRIPOLI 000230\n\nNOFORN\nSIPDIS\n\nDEPT FOR NEA/MAG; COMMERCE FOR NATE MASON E.O. 12958: DECL: 3/13/2018\n\nTAGS: ECIN ECON\n\nSUBJECT: LIBYA MAKES PROGRESS ON BANKING REFORM REF: TRIPOLI 126\n\nCLASSIFIED BY: Chris Stevens, Charge. REASON: 1.4 (e)\n\n1. (C) Summary: Text. End Summary.",
        );
        assert_eq!(b.captions, ["NOFORN", "SIPDIS"]);
        assert_eq!(b.declassify_on.as_deref(), Some("2018-03-13"));
        assert_eq!(b.tags, ["ECIN", "ECON"]);
        assert_eq!(b.subject.as_deref(), Some("LIBYA MAKES PROGRESS ON BANKING REFORM"));
        assert_eq!(b.ref_text.as_deref(), Some("TRIPOLI 126"));
        assert_eq!(b.classified_by.as_deref(), Some("Chris Stevens, Charge"));
        assert_eq!(b.summary.as_deref(), Some("Text."));
        assert_eq!(b.section, Some(Section { number: 1, of: 2 }));
    }

    #[test]
    fn every_ref_section_counts() {
        let b = body("SECRET STATE 1\nSUBJECT: X\nREF: A. STATE 1234\n\nB. STATE 5678\n\nClassified By: X\n\nREFTEL: LONDON 9\n\n1. (S) Text.");
        assert_eq!(b.ref_text.as_deref(), Some("A. STATE 1234\n\nB. STATE 5678\nLONDON 9"));
    }

    #[test]
    fn comments_inline_and_as_sections() {
        let b = body("SECRET STATE 1\nSUBJECT: X\n\n1. (S) Text (Comment: inline one. End Comment.) more.\n\n2. (C) Comment: the section\ngoes on.\n\n3. (C) Still comment. End Comment.\n\n4. (U) After.");
        assert_eq!(b.comment.as_deref(), Some("inline one.\n\nthe section goes on.\n\nStill comment."));
    }

    #[test]
    fn markers_are_found_and_left_out() {
        let body = "S E C R E T SECTION 01 OF 05 LONDON 000923\n\nSUBJECT: X\n\n6. (S/NF)  Moussavi is unknown to Iranians who came of age after  LONDON 00000923  002.2 OF 005   his years.\n";
        let mut w = vec![];
        let b = parse(body, Some("923"), Depth::Full, &mut w);
        assert_eq!(b.markers, ["LONDON 00000923 002.2 OF 005"]);
        assert_eq!(b.paragraphs[0].text, "Moussavi is unknown to Iranians who came of age after his years.");
        assert_eq!(b.section, Some(Section { number: 1, of: 5 }));
    }
}
