//! REF lines: `REF: A. 09 LONDON 123 B. STATE 45678` -> 09LONDON123 (A), 09STATE45678 (B).

use crate::model::Reference;
use crate::refid;

/// Splits a REF value into bulleted items and finds the cables each one cites.
///
/// `default_year` is the citing cable's two-digit year (a REF without a year is from that year);
/// `own_id` is its canonical id, so that self-references are dropped.
pub(crate) fn parse(value: &str, default_year: Option<u8>, own_id: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    // a preview's REF line, cut by the release at the end of a line (`D) MOSCOW 240...`), before
    // the whole text: the word before the cut may be cut too, so it names no cable; the text
    // after it is read on its own, for the cables it names
    let mut rest = value;
    let mut after_cut = false;
    while !rest.is_empty() {
        let cut = preview_cut(rest);
        let segment = &rest[..cut.unwrap_or(rest.len())];
        let readable = match cut {
            Some(_) => segment.trim_end_matches(|c: char| !c.is_whitespace()),
            None => segment,
        };
        let before = out.len();
        read_items(readable, default_year, own_id, &mut out);
        if after_cut {
            // what follows a cut is the release's record block or the text again: only cables count
            let mut k = before;
            while k < out.len() {
                if matches!(out[k], Reference::Text { .. }) {
                    out.remove(k);
                } else {
                    k += 1;
                }
            }
        }
        rest = &rest[cut.map_or(rest.len(), |c| c + 3)..];
        after_cut = cut.is_some();
    }
    out
}

/// Where a preview's cut (`...` that ends a line) starts in `value`.
fn preview_cut(value: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = value[from..].find("...").map(|i| i + from) {
        let after = value[i + 3..].trim_start_matches([' ', '\t']);
        if after.is_empty() || after.starts_with('\n') || after.starts_with('\r') {
            return Some(i);
        }
        from = i + 3;
    }
    None
}

/// The references of one run of REF items.
fn read_items(value: &str, default_year: Option<u8>, own_id: &str, out: &mut Vec<Reference>) {
    for (bullet, item) in split_bullets(value) {
        let item = item.trim().trim_matches(|c: char| c == ';' || c == ',' || c.is_whitespace());
        if item.is_empty() {
            continue;
        }
        let ids = cable_ids(item, default_year);
        if ids.is_empty() {
            out.push(Reference::Text { text: squeeze(item), bullet: bullet.clone() });
        }
        for id in ids {
            let dup = out.iter().any(|r| matches!(r, Reference::Cable { id: x, .. } if *x == id));
            if id != own_id && !dup {
                out.push(Reference::Cable { id, bullet: bullet.clone() });
            }
        }
    }
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds bullets `A.`, `B)`, `(C)`, `¶D.` in sequence (A, then B, ...), or numbered ones (`1.`,
/// `2)`, `(3)`) when the value starts with `1`, and returns the items between them.
fn split_bullets(value: &str) -> Vec<(Option<String>, &str)> {
    let t = value.trim_start();
    if t.starts_with("1.") || t.starts_with("1)") || t.starts_with("(1)") {
        return split_numbered(value);
    }
    let b = value.as_bytes();
    let mut cuts: Vec<(usize, usize, char)> = Vec::new(); // (bullet start, text start, letter)
    let mut expect = b'A';
    let mut i = 0;
    while i < b.len() {
        // a pilcrow before the bullet (`¶B.`, as the site printed paragraph links) is part of it
        let pilcrow = i >= 2 && b[i - 2] == 0xC2 && b[i - 1] == 0xB6;
        let boundary = pilcrow || i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b',');
        let i_start = if pilcrow { i - 2 } else { i };
        if boundary {
            // "(A)" form
            if b[i] == b'(' && i + 2 < b.len() && b[i + 1] == expect && b[i + 2] == b')' {
                cuts.push((i_start, i + 3, expect as char));
                expect += 1;
                i += 3;
                continue;
            }
            // "A." / "A)" form, followed by a space or the end
            if b[i] == expect
                && i + 1 < b.len()
                && matches!(b[i + 1], b'.' | b')')
                && (i + 2 >= b.len() || b[i + 2].is_ascii_whitespace())
            {
                cuts.push((i_start, i + 2, expect as char));
                expect += 1;
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    let cuts: Vec<(usize, usize, String)> = cuts.into_iter().map(|(a, b, l)| (a, b, l.to_string())).collect();
    items_between(value, &cuts)
}

/// The items between bullets: `(bullet start, text start, bullet)` each; the text before the first
/// bullet, if any, is an item without one.
fn items_between<'a>(value: &'a str, cuts: &[(usize, usize, String)]) -> Vec<(Option<String>, &'a str)> {
    let mut items = Vec::new();
    let head = &value[..cuts.first().map_or(value.len(), |c| c.0)];
    if !head.trim().is_empty() || cuts.is_empty() {
        items.push((None, head));
    }
    for (k, (_, start, bullet)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(value.len(), |c| c.0);
        items.push((Some(bullet.clone()), &value[*start..end]));
    }
    items
}

/// Numbered items: `1. STATE 1 2. LONDON 2`, `1) …`, `(1) …`, each number the one after the last.
fn split_numbered(value: &str) -> Vec<(Option<String>, &str)> {
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let mut expect = 1u32;
    let mut i = 0;
    let b = value.as_bytes();
    while i < b.len() {
        let boundary = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b',');
        let n = expect.to_string();
        // bytes, not `&value[i..]`: `i` steps through bytes, and may sit inside a character
        let rest = &b[i..];
        let used = if !boundary {
            None
        } else if rest.starts_with(format!("({n})").as_bytes()) {
            Some(n.len() + 2)
        } else if rest.starts_with(n.as_bytes())
            && matches!(b.get(i + n.len()), Some(b'.' | b')'))
            && b.get(i + n.len() + 1).is_none_or(u8::is_ascii_whitespace)
        {
            Some(n.len() + 1)
        } else {
            None
        };
        match used {
            Some(u) => {
                cuts.push((i, i + u, n));
                expect += 1;
                i += u;
            }
            None => i += 1,
        }
    }
    items_between(value, &cuts)
}

/// Every cable citation in one item: `09 LONDON 123`, `STATE 45678`, `09STATE45678`,
/// `BUENOS AIRES 2481`, `2009 STATE 12`. Stations must be known ones, after alias fixes.
fn cable_ids(item: &str, default_year: Option<u8>) -> Vec<String> {
    let upper = item.to_ascii_uppercase();
    let tokens: Vec<&str> = upper
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | ':' | '(' | ')'))
        .map(|t| t.trim_matches(|c: char| c == '.' || c == '-'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut ids = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // glued: 09STATE45678 or STATE45678
        if let Some(id) = glued(tokens[i], default_year) {
            ids.push(id);
            i += 1;
            continue;
        }
        let (year, start) = match year_token(tokens[i]) {
            Some(y) if i + 1 < tokens.len() => (Some(y), i + 1),
            _ => (None, i),
        };
        // every reading of the tokens here, in order of preference; the first that is a cable of
        // the release wins, else the first
        let mut readings: Vec<(String, usize)> = Vec::new();
        for words in (1..=3).rev() {
            let Some(serial) = tokens.get(start + words) else { continue };
            let words_read = &tokens[start..start + words];
            let next = start + words + 1;
            // `SECSTATE 06 163201`: the year between the station and the serial
            let earlier = |yy: u8| default_year.is_none_or(|d| yy <= d) || yy >= 66;
            if serial.len() == 2 && year.is_none() && year_token(serial).is_some_and(earlier) {
                if let Some(s) = tokens.get(next).filter(|s| s.len() >= 3 && s.len() != 4) {
                    readings.extend(citation(words_read, s, year_token(serial)).map(|id| (id, next + 1)));
                }
            }
            // `PARIS FR 678`: the post and its country code, as routing lines write it
            let country = words > 1
                && words_read[words - 1].len() == 2
                && words_read[words - 1].bytes().all(|c| c.is_ascii_alphabetic());
            if country {
                readings.extend(citation(&words_read[..words - 1], serial, year.or(default_year)).map(|id| (id, next)));
            }
            readings.extend(citation(words_read, serial, year.or(default_year)).map(|id| (id, next)));
        }
        let matched = !readings.is_empty();
        if let Some((id, next)) = readings.iter().find(|(id, _)| refid::in_release(id)).or(readings.first()).cloned() {
            ids.push(id);
            i = next;
        }
        if !matched {
            i += 1;
        }
    }
    ids
}

/// The id that station words and a serial name (`BUENOS AIRES` `0012` in 2008: `08BUENOSAIRES12`).
fn citation(station_words: &[&str], serial: &str, year: Option<u8>) -> Option<String> {
    if !serial.bytes().all(|c| c.is_ascii_digit()) || serial.len() > 7 {
        return None;
    }
    let station: String = station_words.concat();
    if !station.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let station = refid::canonical_station(&station)?;
    let n = serial.parse::<u32>().ok().filter(|&n| n > 0)?;
    Some(format!("{:02}{station}{n}", year?))
}

fn year_token(t: &str) -> Option<u8> {
    if !t.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match t.len() {
        2 => t.parse().ok(),
        4 => {
            let y: u16 = t.parse().ok()?;
            (1960..=2011).contains(&y).then_some((y % 100) as u8)
        }
        _ => None,
    }
}

fn glued(t: &str, default_year: Option<u8>) -> Option<String> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 2 {
        return refid::parse(t).map(|r| r.to_string());
    }
    if digits == 0 && t.len() > 3 && t.as_bytes().last()?.is_ascii_digit() && t.as_bytes()[0].is_ascii_alphabetic() {
        let yy = default_year?;
        return refid::parse(&format!("{yy:02}{t}")).map(|r| r.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[Reference]) -> Vec<(String, Option<&str>)> {
        v.iter()
            .map(|r| match r {
                Reference::Cable { id, bullet } => (id.clone(), bullet.as_deref()),
                Reference::Text { text, bullet } => (format!("text:{text}"), bullet.as_deref()),
            })
            .collect()
    }

    #[test]
    fn bullets_and_default_year() {
        let r = parse("A. 09 LONDON 123 B. STATE 45678", Some(9), "09LONDON923");
        assert_eq!(ids(&r), [("09LONDON123".into(), Some("A")), ("09STATE45678".into(), Some("B"))]);
    }

    #[test]
    fn self_references_are_dropped_and_text_kept() {
        let r = parse("A. LONDON 923 B. EMAIL FROM POLOFF 4/2/09 C. (SECSTATE 12)", Some(9), "09LONDON923");
        assert_eq!(ids(&r), [("text:EMAIL FROM POLOFF 4/2/09".into(), Some("B")), ("09STATE12".into(), Some("C"))]);
    }

    #[test]
    fn unbulleted_list_with_semicolons() {
        let r = parse("STATE 272523; USUN 6028", Some(75), "75LIBREVILLE1895");
        assert_eq!(ids(&r), [("75STATE272523".into(), None), ("75USUNNEWYORK6028".into(), None)]);
        let r = parse("STATE 106206 CIRCULAR; STATE CA-3400 NOV 2, 1966", Some(66), "66BUENOSAIRES2481");
        assert_eq!(ids(&r), [("66STATE106206".into(), None)]);
    }

    #[test]
    fn multiword_stations_and_glued_ids() {
        let r = parse("(A) 08 BUENOS AIRES 0012 (B) 09STATE45678", Some(9), "");
        assert_eq!(ids(&r), [("08BUENOSAIRES12".into(), Some("A")), ("09STATE45678".into(), Some("B"))]);
    }

    #[test]
    fn every_bullet_layout() {
        fn want<'a>(v: &[(&str, &'a str)]) -> Vec<(String, Option<&'a str>)> {
            v.iter().map(|(i, b)| ((*i).to_owned(), Some(*b))).collect()
        }
        let two = want(&[("09STATE1", "A"), ("09LONDON2", "B")]);
        for v in [
            "A. STATE 1 B. LONDON 2",
            "A) STATE 1 B) LONDON 2",
            "(A) STATE 1 (B) LONDON 2",
            "A. STATE 1\n\nB. LONDON 2",
            "¶A. STATE 1 ¶B. LONDON 2",
            "A. STATE 1; B. LONDON 2",
        ] {
            assert_eq!(ids(&parse(v, Some(9), "")), two, "{v}");
        }
        // numbered
        let numbered = want(&[("09STATE1", "1"), ("09LONDON2", "2")]);
        for v in ["1. STATE 1 2. LONDON 2", "1) STATE 1 2) LONDON 2", "(1) STATE 1 (2) LONDON 2"] {
            assert_eq!(ids(&parse(v, Some(9), "")), numbered, "{v}");
        }
    }

    #[test]
    fn separators_and_year_prefixes() {
        let r =
            parse("STATE 1 AND LONDON 2, PARIS 3; 06 TBILISI 2601 2008 SAO PAULO 497 SECSTATE 06 163201", Some(9), "");
        let got: Vec<String> = ids(&r).into_iter().map(|(i, _)| i).collect();
        assert_eq!(got, ["09STATE1", "09LONDON2", "09PARIS3", "06TBILISI2601", "08SAOPAULO497", "06STATE163201"]);
        // a serial of two digits after a station with its year is no country code
        let r = parse("PANAMA 39; 2009 PANAMA 881", Some(10), "");
        assert_eq!(ids(&r).into_iter().map(|(i, _)| i).collect::<Vec<_>>(), ["10PANAMA39", "09PANAMA881"]);
        let r = parse("06 Paramaribo 38, 06 Paramaribo 29", Some(7), "");
        assert_eq!(ids(&r).into_iter().map(|(i, _)| i).collect::<Vec<_>>(), ["06PARAMARIBO38", "06PARAMARIBO29"]);
    }

    #[test]
    fn stations_as_ref_lines_write_them() {
        let r = parse("A. RIO DE JAN 12 B. UNVIE VIEN 345 C. PARIS FR 678 D. SECSTATE 9 E. USUN 10", Some(8), "");
        let got: Vec<String> = ids(&r).into_iter().map(|(i, _)| i).collect();
        assert_eq!(got, ["08RIODEJANEIRO12", "08UNVIEVIENNA345", "08PARIS678", "08STATE9", "08USUNNEWYORK10"]);
    }

    #[test]
    fn a_preview_cut_ref_line_names_no_cut_serial() {
        let r = parse("A. LIMA 1841 B. LIMA 2000 C. LIMA 2...\nid: 112682\ndate: 6/19/2007", Some(7), "");
        assert_eq!(
            ids(&r),
            [("07LIMA1841".into(), Some("A")), ("07LIMA2000".into(), Some("B")), ("text:LIMA".into(), Some("C"))]
        );
        let r = parse(
            "A)MOSCOW 2343, B)MOSCOW 2366, D) MOSCOW 240...\n\nUNCLAS MOSCOW 002428 REF: A)MOSCOW 2343",
            Some(8),
            "08MOSCOW2428",
        );
        assert_eq!(ids(&r).into_iter().map(|(i, _)| i).collect::<Vec<_>>(), ["08MOSCOW2343", "08MOSCOW2366"]);
        // three dots inside a title are no cut
        let r = parse("A. 09 HAVANA 631 B. 09 HAVANA 322 (...ANOTHER SPECIAL PERIOD?) C. 09 HAVANA 763", Some(10), "");
        assert_eq!(
            ids(&r).into_iter().map(|(i, _)| i).collect::<Vec<_>>(),
            ["09HAVANA631", "09HAVANA322", "09HAVANA763"]
        );
    }

    #[test]
    fn numbered_items_after_a_character_of_several_bytes() {
        // found by the property test: a byte offset inside `é` is no place to slice
        let r = parse("1. café STATE 1 2. LONDON 2", Some(9), "");
        assert_eq!(ids(&r).len(), 2);
    }

    #[test]
    fn a_reading_that_is_a_cable_of_the_release_wins() {
        // `PARIS FR` is Embassy Paris (08PARIS678 is a cable of the release) or the mission to
        // UNESCO (PARISFR: 08PARISFR1185 is one, 08PARIS1185 is not)
        let first = |v: &str| match &parse(v, Some(8), "")[0] {
            Reference::Cable { id, .. } => id.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(first("PARIS FR 678"), "08PARIS678");
        assert_eq!(first("PARIS FR 1185"), "08PARISFR1185");
        assert!(refid::in_release("09LONDON923") && !refid::in_release("09LONDON99999999"));
    }

    #[test]
    fn what_is_not_a_cable_stays_text() {
        for v in
            ["IIR 6 832 0123 05", "TELCON 12 MAY 2009", "AND PREVIOUS", "AS NOTED IN TEXT", "EMAIL FROM POLOFF 4/2/09"]
        {
            let r = parse(v, Some(9), "");
            assert!(r.iter().all(|r| matches!(r, Reference::Text { .. })), "{v}: {r:?}");
        }
    }
}
