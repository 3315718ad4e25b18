//! Numbered paragraphs (`5. (S/NF) text`), their markings, and the reading text of each.

use super::*;

pub(super) static MARKING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:U|C|S|TS|SBU|LOU|FOUO|CUI)(?:\s?/{1,2}\s?(?:NF|NOFORN|FOUO|SBU|(?i:REL(?: TO)?[A-Z ,]*)|OC|ORCON|PROPIN|LES|SI|TK))*$")
        .unwrap()
});

/// A paragraph start: `5. (S/NF) text`, `2.(U) text`, `¶3. text` at the start of a line, or
/// (for paragraph 1 only) in the middle of a line when a marking follows: `... 1.4 (e) 1. (C) text`.
/// Returns (start of the number, start of the text, number, marking).
pub(super) fn paragraph_at_line(line: &str) -> Option<(usize, u32, Option<&str>)> {
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
pub(super) fn marking_at(s: &str) -> (Option<&str>, usize) {
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

pub(super) fn find_paragraph_start(
    body: &str,
    from: usize,
    to: usize,
    want: u32,
) -> Option<(usize, usize, u32, Option<String>)> {
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

pub(super) fn read_paragraphs(
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
pub(super) fn clean_text(s: &str, offset: usize, markers: &[std::ops::Range<usize>]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
