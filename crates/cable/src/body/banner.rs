//! The banner and the captions: the classification line that opens the body
//! (`C O N F I D E N T I A L SECTION 01 OF 03 LONDON 000923`) and the handling words under it
//! (`SIPDIS`, `NOFORN`, `EXDIS` …).

use super::*;

pub(super) static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?i:(T ?O ?P +S ?E ?C ?R ?E ?T|S ?E ?C ?R ?E ?T|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|U ?N ?C ?L ?A ?S(?: ?S ?I ?F ?I ?E ?D)?|LIMITED +OFFICIAL +USE))(?-u:\b)|[^A-Za-z](T ?O ?P +S ?E ?C ?R ?E ?T|S ?E ?C ?R ?E ?T|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|U ?N ?C ?L ?A ?S(?: ?S ?I ?F ?I ?E ?D)?|LIMITED +OFFICIAL +USE)(?-u:\b)",
    )
    .unwrap()
});

pub(super) const CAPTION_WORDS: &[&str] = &[
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

pub(super) const CAPTION_PHRASES: &[&str] = &[
    "SENSITIVE BUT UNCLASSIFIED",
    "FOR OFFICIAL USE ONLY",
    "NOT FOR INTERNET DISTRIBUTION",
    "NOT FOR DISTRIBUTION",
    "DS CHANNEL",
    "ROGER CHANNEL",
    "STATE FOR INTERNAL USE ONLY",
];

pub(super) fn read_banner(out: &mut Body, banner: &str) {
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

pub(super) fn captions(region: &str, banner: &str) -> Vec<String> {
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

/// Is this line a classification banner (`S E C R E T SECTION 01 OF 05 ...`, `UNCLAS TRIPOLI 641`)?
pub(crate) fn is_banner(line: &str) -> bool {
    BANNER.is_match(line)
}

/// Finds the banner and reads it into `out`: the first non-blank line, or one of the next two
/// when the first is a date line (`Thursday, 07 March 2002, 10:13`); it may follow other text on
/// its line (`Cable dated:2002-11-15T12:40:00S E C R E T SECTION 01 OF 05 ANKARA 008305`). Some
/// bodies carry a whole copy of the old text format first (id, date, reference id, origin,
/// classification, then the routing lines): the body proper starts after them. Returns where
/// the body goes on after the banner.
/// A line that ends as a banner does: `… SECTION 01 OF 02 PARIS 001699`, `… LONDON 000923`.
static SERIAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][A-Z ]{3,60}(?:SECTION [0-9]{1,2} OF [0-9]{1,2} )?[A-Z][A-Z ]{1,40} [0-9]{6}$").unwrap()
});

pub(super) fn locate_banner(out: &mut Body, body: &str, own_serial_hint: Option<&str>) -> usize {
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
    let start = pos;
    let mut seen = 0;
    for line in body[start..].split_inclusive('\n') {
        let t = line.trim();
        pos += line.len();
        if t.is_empty() {
            continue;
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
            read_banner(out, banner);
            return pos;
        }
        seen += 1;
        if seen == 3 {
            break;
        }
    }
    // no banner (a body box, a quoted paragraph, a preamble or a tail alone): all of the text
    // from where the cable's own text starts is the body, and every field is looked for in it;
    // a first line that names a station and serial as banners do (`SS E C R E T SECTION 01 OF 02
    // PARIS 001699`, a banner misspelt) is still shown as the banner
    if let Some(first) = body[start..].lines().map(str::trim).find(|l| !l.is_empty()) {
        if SERIAL_LINE.is_match(first) {
            out.banner = Some(squeeze(first));
            read_banner(out, first);
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
