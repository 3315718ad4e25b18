//! The preamble fields, in the order cables write them: E.O. and its declassification, TAGS,
//! SUBJECT, REF, Classified By and its reasons. Real cables run them together on one line, so they
//! are found by one regex over the short preamble.

use super::*;

pub(super) static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?mx)
        (?:^|[\s;.])(?:[Ee]\.?\ ?[Oo0]\.?\ ?[0-9]{3,5}(?-u:\b):?)
      | (?:^|\s)(?:(?:TAGS?|Tags)(?:\s?[:,]|\ )|(?i:tags?)\s?:)
      | (?:^[\ \t]*|\s)(?:(?:SUBJECT|SUBJ|Subject|Subj)\s?:|^[\ \t]*SUBJECT\ )
      | (?:^[\ \t]*|\s)(?:(?:REFTELS?|REFS?|REFERENCES?|Refs?|Reftels?|References?)\s?:|^[\ \t]*(?:REFS?|REFTELS?)\ )
      | (?:REFTELS?|REFS?):
      | (?:^|[^A-Za-z])(?:(?i:classi[a-z]{0,5}\ ?by):?)
      | [A-Z]Classified\ By:?
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

/// The subject: the value up to a line that ends it (a handling line, a page marker, a numbered
/// paragraph), white space squeezed, its leading and trailing paragraph markings (`(C)`, `(SBU)`,
/// `(U//FOUO)`) taken off; and the first marking, without its parentheses.
pub(super) fn subject(value: &str) -> (Option<String>, Option<String>) {
    let mut s = squeeze(&subject_text(subject_lines(value)));
    let mut marking = None;
    loop {
        let before = s.len();
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '-');
        let mut t = t.to_owned();
        if t.starts_with('(') {
            if let Some(j) = t.find(')') {
                if MARKING.is_match(&t[1..j]) {
                    marking.get_or_insert_with(|| t[1..j].to_owned());
                    t = t[j + 1..].to_owned();
                }
            }
        }
        if t.ends_with(')') {
            if let Some(j) = t.rfind('(') {
                if MARKING.is_match(&t[j + 1..t.len() - 1]) {
                    marking.get_or_insert_with(|| t[j + 1..t.len() - 1].to_owned());
                    t.truncate(j);
                }
            }
        }
        // `SUBJECT: (C) SUBJECT: …` (07PARAMARIBO510)
        if let Some(m) = SUBJECT_LABEL.find(t.trim()) {
            t = t.trim()[m.end()..].to_owned();
        }
        s = t.trim().to_owned();
        if s.len() == before {
            break;
        }
    }
    ((!s.is_empty()).then_some(s), marking)
}

/// What the release's transcriptions leave in a subject line, taken out: a line-continuation
/// backslash (`08BOGOTA800`), HTML line breaks (`09MALABO27`), the label written twice or cut
/// (`SUBJECT: SUBJECT:`, `UBJECT:`); and what follows it on its line, cut: a REF written without
/// its colon (`REF 09 CAIRO 0173`) or a handling sentence (`Sensitive but Unclassified …`).
fn subject_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for line in value.lines() {
        let line = line.trim_end().trim_end_matches(['\\', ' ', '\t']);
        let line = BR.replace_all(line, " ");
        out.push_str(&line);
        out.push('\n');
    }
    let mut t = out.trim_start();
    while let Some(m) = SUBJECT_LABEL.find(t) {
        t = t[m.end()..].trim_start();
    }
    match SUBJECT_END.find(t) {
        // a preview's subject, cut by the release (`RUSSIAN SCIEN...`), keeps its dots
        Some(m) if m.as_str().starts_with("...") => t[..m.start() + 3].to_owned(),
        Some(m) => t[..m.start()].to_owned(),
        None => t.to_owned(),
    }
}

static BR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").unwrap());
static SUBJECT_LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:SUBJECT|UBJECT|SUBJ|Subject)\s?:").unwrap());
static SUBJECT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\s(?:
            (?:REFS?|REFTELS?)(?:\s?:|\s+(?:[A-Z]\.\s|\([A-Z]\)|[0-9]{2,4}\s+[A-Z]|STATE\s+[0-9]))
          | (?i:sensitive\ but\ unclassified|please\ (?:handle|protect)\ accordingly)
          | (?i:classified\ by)\b
          | (?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|SECRET|C\ O\ N\ F\ I\ D\ E\ N\ T\ I\ A\ L|S\ E\ C\ R\ E\ T)
            \s+(?:SECTION\ [0-9]{1,2}\ OF\ [0-9]{1,2}\s+)?[A-Z][A-Z\ ]{1,40}\ [0-9]{6}\b
        )
        | Classified\ By
        | (?-x:\.\.\.)\s*(?:[0-9]{1,2}:[0-9]{2}\s+)?(?:UNCLAS|C\s?O\s?N\s?F|S\s?E\s?C\s?R\s?E\s?T|LIMITED\s+OFFICIAL)",
    )
    .unwrap()
});

/// The lines of a subject value: up to the first line that is a handling line
/// (`Sensitive but Unclassified. Please handle accordingly.`, `SIPDIS`), a page marker
/// (`PAGE 02 ROME 01196 01 OF 02 082030Z`) or a numbered paragraph.
fn subject_lines(value: &str) -> &str {
    let mut end = 0;
    for (i, line) in value.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if i > 0 && (is_handling_line(t) || is_page_marker(t) || paragraph_at_line(line).is_some()) {
            break;
        }
        end += line.len();
    }
    &value[..end]
}

/// A line that says how to handle the cable, not what it is about.
pub(super) fn is_handling_line(line: &str) -> bool {
    let u = line.trim_matches(|c: char| c.is_whitespace() || c == '.' || c == '-').to_ascii_uppercase();
    matches!(u.as_str(), "SIPDIS" | "NOFORN" | "EXDIS" | "LIMDIS" | "NODIS" | "STADIS" | "SENSITIVE" | "CORRECTED COPY")
        || u.starts_with("SENSITIVE BUT UNCLASSIFIED")
        || u.starts_with("SENSITIVE - BUT UNCLASSIFIED")
        || u.starts_with("FOR OFFICIAL USE ONLY")
        || u.starts_with("PLEASE HANDLE ACCORDINGLY")
        || u.starts_with("PLEASE PROTECT ACCORDINGLY")
        || u.starts_with("NOT FOR INTERNET DISTRIBUTION")
}

/// The text after a cable's tags when it has no SUBJECT label: its subject, when it reads as one
/// (05BRASILIA2231's `DISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005`) — written in capitals, not
/// a REF bullet, not a numbered paragraph, not a handling line — and `None` when it is other
/// text (a partial extract's body).
pub(super) fn unlabelled_subject(rest: &str) -> Option<&str> {
    let t = rest.trim();
    let first = t.lines().next()?.trim();
    if first.is_empty() || starts_with_bullet(first) || paragraph_at_line(first).is_some() || is_handling_line(first) {
        return None;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = t.chars().filter(|c| c.is_uppercase()).count();
    (letters >= 8 && capitals * 10 >= letters * 9 && t.len() <= 400).then_some(t)
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
        let mut lead = text.len() - text.trim_start_matches(|c: char| c.is_whitespace() || c == ';' || c == '.').len();
        // `CAIROClassified By:`: the label run into the subject's last word
        if text[lead..].get(1..11) == Some("Classified") {
            lead += 1;
        }
        let start = m.start() + lead;
        let field = match text.as_bytes().get(lead) {
            Some(b'E' | b'e') => Field::Eo,
            Some(b'T' | b't') => Field::Tags,
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
            Field::Tags => {
                // the value ends at its first blank line; a blank line now is where a page or
                // section marker was taken out, inside the field
                let value = value.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
                let (tags, end) = crate::tags::read(&value);
                out.tags = tags;
                if !found.iter().any(|f| f.0 == Field::Subject) {
                    if let Some(rest) = unlabelled_subject(&value[end..]) {
                        (out.subject, out.subject_marking) = subject(rest);
                    }
                }
            }
            Field::Subject => (out.subject, out.subject_marking) = subject(&value),
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
    fn subjects() {
        let s = |v: &str| subject(v).0;
        assert_eq!(subject(" (C) IRAN:  TWO\n  LINES (SBU) "), (Some("IRAN: TWO LINES".into()), Some("C".into())));
        assert_eq!(
            s("  EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS \n").as_deref(),
            Some("EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS")
        );
        assert_eq!(subject(" (U//FOUO) TEXT"), (Some("TEXT".into()), Some("U//FOUO".into())));
        assert_eq!(s(" "), None);
        // what ends a subject
        assert_eq!(
            s(" TRADE TALKS\nSensitive but Unclassified. Please handle accordingly.\n").as_deref(),
            Some("TRADE TALKS")
        );
        assert_eq!(s(" TRADE\n TALKS\nSIPDIS\n").as_deref(), Some("TRADE TALKS"));
        assert_eq!(s(" TRADE TALKS\nPAGE 02 ROME 01196 01 OF 02 082030Z\n").as_deref(), Some("TRADE TALKS"));
        assert_eq!(s(" TRADE TALKS\n1. (C) Text.\n").as_deref(), Some("TRADE TALKS"));
        // what the transcriptions leave in it
        assert_eq!(
            s(" KILL FARC'S KEY LEADER, SPURRING \\\nREGIONAL TENSIONS \\\n \\\n").as_deref(),
            Some("KILL FARC'S KEY LEADER, SPURRING REGIONAL TENSIONS")
        );
        assert_eq!(s(" THE BUSINESS OF CORRUPTION <br>\n <br>\n").as_deref(), Some("THE BUSINESS OF CORRUPTION"));
        assert_eq!(s(" SUBJECT: DEPUTY NSA VISIT").as_deref(), Some("DEPUTY NSA VISIT"));
        assert_eq!(s("UBJECT: BAHRAIN WILL REQUEST").as_deref(), Some("BAHRAIN WILL REQUEST"));
        assert_eq!(subject(" (C) SUBJECT: BRIEFING"), (Some("BRIEFING".into()), Some("C".into())));
        assert_eq!(
            s(" EGYPT'S 54th BIRD FLU VICTIM REF 09 CAIRO 0173 Sensitive but Unclassified. Please handle").as_deref(),
            Some("EGYPT'S 54th BIRD FLU VICTIM")
        );
        assert_eq!(s(" REFORMS IN THE REFINERY SECTOR").as_deref(), Some("REFORMS IN THE REFINERY SECTOR"));
        // 07MOSCOW1704, 05ISTANBUL329: a preview's cut subject, then the text again
        assert_eq!(
            s(" RUSSIAN SCIEN...\nC O N F I D E N T I A L MOSCOW 001704 SIPDIS").as_deref(),
            Some("RUSSIAN SCIEN...")
        );
        assert_eq!(
            s(" MUNICIPALITY TO FUND...\n14:25 UNCLAS SECTION 01 OF 03").as_deref(),
            Some("MUNICIPALITY TO FUND...")
        );
        // 07MANAMA995: a banner run into it
        assert_eq!(s(" BAHRAIN: ARAB LEAGUE UNCLAS MANAMA 000995 SIPDIS").as_deref(), Some("BAHRAIN: ARAB LEAGUE"));
    }

    #[test]
    fn a_subject_without_its_label_after_the_tags() {
        // 05BRASILIA2231
        let b = body("C O N F I D E N T I A L BRASILIA 002231\n\nE.O. 12958: DECL: 08/19/2015\nTAGS: PREL MARR BR UNSC US\nDISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005\n\nREF: STATE 149277\n\n1. (C) Text.");
        assert_eq!(b.tags, ["PREL", "MARR", "BR", "UNSC", "US"]);
        assert_eq!(b.subject.as_deref(), Some("DISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005"));
        // 06BUENOSAIRES2711: a partial extract's text is no subject
        let b = body("TAGS: MARR PARM PREL AR\nnon-proliferation and military to military relations.\n");
        assert_eq!((b.tags.len(), b.subject), (4, None));
        // 06SAOPAULO348: REF bullets are no subject
        let b = body("E.O. 12958: N/A TAGS: PGOV PHUM BR\n(B) Sao Paulo 215;\n(C) 05 Sao Paulo 975\n");
        assert_eq!((b.tags.len(), b.subject), (3, None));
    }

    #[test]
    fn classified_by_run_into_the_subject() {
        // 07CAIRO3126
        let b = body("SECRET CAIRO 1\n\nSUBJECT: SCENESETTER FOR A VISIT TO CAIROClassified By: DCM STUART JONES. REASONS: 1.4 (B) and (D)\n\n1. (S) Text.");
        assert_eq!(b.subject.as_deref(), Some("SCENESETTER FOR A VISIT TO CAIRO"));
        assert_eq!(b.classified_by.as_deref(), Some("DCM STUART JONES"));
    }

    #[test]
    fn a_page_marker_inside_the_tags_is_cut() {
        let b = body("SECRET LIMA 002475\n\nE.O. 12958: DECL: 1/1/2016\nTAGS: PREL PGOV\nSECRET PAGE 02 LIMA 02475 01 OF 04 151234Z\nPINR PE\nSUBJECT: X\n\n1. (S) Text.");
        assert_eq!(b.tags, ["PREL", "PGOV", "PINR", "PE"]);
    }

    #[test]
    fn tags_labels_in_any_case() {
        for label in ["TAGS:", "TAGS", "TAGS,", "Tags:", "tags:", "TAG:"] {
            let b = body(&format!("UNCLAS STATE 1\n\n{label} PREL, PGOV\nSUBJECT: X\n\n1. Text."));
            assert_eq!(b.tags, ["PREL", "PGOV"], "{label}");
        }
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
