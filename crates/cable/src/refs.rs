//! REF lines: `REF: A. 09 LONDON 123 B. STATE 45678` -> 09LONDON123 (A), 09STATE45678 (B).

use crate::model::Reference;
use crate::refid;

/// Splits a REF value into bulleted items and finds the cables each one cites.
///
/// `default_year` is the citing cable's two-digit year (a REF without a year is from that year);
/// `own_id` is its canonical id, so that self-references are dropped.
pub(crate) fn parse(value: &str, default_year: Option<u8>, own_id: &str) -> Vec<Reference> {
    let mut out = Vec::new();
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
    out
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds bullets `A.`, `B)`, `(C)` in sequence (A, then B, ...) and returns the items between them.
fn split_bullets(value: &str) -> Vec<(Option<String>, &str)> {
    let b = value.as_bytes();
    let mut cuts: Vec<(usize, usize, char)> = Vec::new(); // (bullet start, text start, letter)
    let mut expect = b'A';
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b',');
        if boundary {
            // "(A)" form
            if b[i] == b'(' && i + 2 < b.len() && b[i + 1] == expect && b[i + 2] == b')' {
                cuts.push((i, i + 3, expect as char));
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
                cuts.push((i, i + 2, expect as char));
                expect += 1;
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    if cuts.is_empty() {
        return vec![(None, value)];
    }
    let mut items = Vec::new();
    let head = &value[..cuts[0].0];
    if !head.trim().is_empty() {
        items.push((None, head));
    }
    for (k, &(_, start, letter)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(value.len(), |c| c.0);
        items.push((Some(letter.to_string()), &value[start..end]));
    }
    items
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
        let mut matched = false;
        for words in (1..=3).rev() {
            let Some(serial) = tokens.get(start + words) else { continue };
            if !serial.bytes().all(|c| c.is_ascii_digit()) || serial.len() > 7 {
                continue;
            }
            let station: String = tokens[start..start + words].concat();
            if !station.bytes().all(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            let Some(station) = refid::canonical_station(&station) else { continue };
            let Some(yy) = year.or(default_year) else { continue };
            if let Ok(n) = serial.parse::<u32>() {
                if n > 0 {
                    ids.push(format!("{yy:02}{station}{n}"));
                    i = start + words + 1;
                    matched = true;
                    break;
                }
            }
        }
        if !matched {
            i += 1;
        }
    }
    ids
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
}
