//! The preamble fields, in the order cables write them: E.O. and its declassification, TAGS,
//! SUBJECT, REF, Classified By and its reasons. Real cables run them together on one line, so they
//! are found by one regex over the short preamble.

use super::*;

pub(super) static FIELD: LazyLock<Regex> = LazyLock::new(|| {
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

pub(super) static REASONS_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:,|\.|;|\s)\s*(?:f\s?or\s+)?(?:reasons?|rsn|e\.o\.\s*12958)(?-u:\b)\s*:?").unwrap()
});

pub(super) static REASON_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)([0-9])\s?[.,/]\s?([0-9])|\(\s*([a-h])\s*\)|(?-u:\b)([a-h])(?-u:\b)").unwrap());

pub(super) fn first_line(v: &str) -> &str {
    v.split('\n').next().unwrap_or("")
}

/// The value up to the first blank line. REF values go on past a blank line when the next
/// line carries the next bullet (`B. STATE 1234`).
pub(super) fn until_blank_line(v: &str, bullets_continue: bool) -> &str {
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

pub(super) fn starts_with_bullet(line: &str) -> bool {
    let b = line.trim_start().as_bytes();
    (b.len() >= 3 && b[0].is_ascii_uppercase() && matches!(b[1], b'.' | b')') && b[2] == b' ')
        || (b.len() >= 3 && b[0] == b'(' && b[1].is_ascii_uppercase() && b[2] == b')')
}

pub(super) fn read_eo(out: &mut Body, value: &str) {
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

pub(super) fn tags(value: &str) -> Vec<String> {
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
pub(super) fn subject(value: &str) -> Option<String> {
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

pub(super) fn read_classified_by(out: &mut Body, value: &str) {
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

/// A field of the preamble.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Field {
    Eo,
    Tags,
    Subject,
    Ref,
    ClassifiedBy,
}

/// The fields of the preamble `window`, in order: (field, where its label starts, where its
/// value starts).
pub(super) fn find_fields(window: &str) -> Vec<(Field, usize, usize)> {
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
    found
}

/// Reads each field's value (up to the next field's label) into `out`; where the last value
/// ends in `window`.
pub(super) fn read_fields(out: &mut Body, window: &str, found: &[(Field, usize, usize)]) -> usize {
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
            Field::Eo => read_eo(out, &value),
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
            Field::ClassifiedBy => read_classified_by(out, &value),
        }
    }

    last_field_end
}

#[cfg(test)]
mod tests {
    use super::*;

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
    #[test]
    fn every_ref_section_counts() {
        let b = body("SECRET STATE 1\nSUBJECT: X\nREF: A. STATE 1234\n\nB. STATE 5678\n\nClassified By: X\n\nREFTEL: LONDON 9\n\n1. (S) Text.");
        assert_eq!(b.ref_text.as_deref(), Some("A. STATE 1234\n\nB. STATE 5678\nLONDON 9"));
    }
}
