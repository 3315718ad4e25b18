//! Section markers (`LONDON 00000923  002.2 OF 005`) and the page headers of printed extracts,
//! which sit anywhere in the text and are left out of what is read.

use super::*;

pub(super) static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Z]{0,3}[CT][A-Z]{0,3}N?\s*([0-9]{1,3})\s*O?F\s*([0-9]{1,3})(?-u:\b)").unwrap()
});

/// The page header of a printed telegram inside partial extracts: `PAGE 03 HARARE 05461 01 OF 02 271458Z`.
pub(super) static PAGE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^PAGE +[0-9]{2,3} +[A-Z][A-Z ]{0,30}? +[0-9]{3,6} +[0-9]{2} +OF +[0-9]{2} +[0-9]{6}Z(?: +/[0-9]+)?")
        .unwrap()
});

/// Finds section markers: `LONDON 00000923  002.2 OF 005`, and the page headers of partial
/// extracts with the classification line above them (`CONFIDENTIAL\nPAGE 03 HARARE 05461 01 OF 02
/// 271458Z`). Both hold " OF ", which is searched for; the rest is checked around it by hand,
/// which is several times faster than a regex over the whole body. A section marker must name the
/// cable's own serial (`00000923` for 923) and is extended back over the banner's station words.
pub(super) fn find_markers(body: &str, station: Option<&str>, serial: Option<&str>) -> Vec<std::ops::Range<usize>> {
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
                            let w = before.bytes().rev().take_while(u8::is_ascii_uppercase).count();
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

pub(super) fn strip_markers(v: &str) -> String {
    if memmem::find(v.as_bytes(), b" OF ").is_none() {
        return v.to_owned();
    }
    let ranges = find_markers(v, None, None);
    remove_ranges(v, 0, &ranges)
}

/// Copies `text` (which starts at `offset` in the body) leaving out the marker ranges.
pub(super) fn remove_ranges(text: &str, offset: usize, ranges: &[std::ops::Range<usize>]) -> String {
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

/// `PAGE 02 ROME 01196 01 OF 02 082030Z`, `SECRET PAGE 02 LIMA 02475 01 OF 04`: the page line
/// of a cable printed from the old system.
pub(crate) fn is_page_marker(line: &str) -> bool {
    let mut w = line.split_whitespace().skip_while(|w| meta::level_from_words(w).is_some());
    w.next() == Some("PAGE") && w.next().is_some_and(|n| n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
