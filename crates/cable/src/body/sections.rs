//! The summary and the comments: sections that open a paragraph with `Summary:` or `Comment:` and
//! run to `End Summary` or `End Comment`.

use super::*;

/// The summary or the comment: from a paragraph opening with `Summary:` (or a `SUMMARY` heading
/// before paragraph 1) through `End Summary`, which may be several paragraphs later.
pub(super) fn section_text(paragraphs: &[Paragraph], word: &str, heading_before_first: bool) -> Option<String> {
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
        // the section runs until END <WORD>, at most eight paragraphs on; without it, the opening
        // paragraph alone. Find the end first, then squeeze only what is kept.
        let mut end = None;
        for (j, p) in paragraphs.iter().enumerate().skip(i).take(8) {
            let from = if j == i { start } else { 0 };
            if let Some(e) = find_ignore_ascii_case(&p.text[from..], &end_word) {
                end = Some((j, from + e));
                break;
            }
        }
        let mut collected = String::new();
        let j = match end {
            Some((j, e)) => {
                for (k, p) in paragraphs.iter().enumerate().take(j + 1).skip(i) {
                    let from = if k == i { start } else { 0 };
                    let to = if k == j { e } else { p.text.len() };
                    push_squeezed(&mut collected, &p.text[from..to]);
                }
                j
            }
            None => {
                push_squeezed(&mut collected, &text[start..]);
                i
            }
        };
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

/// A summary written before the numbered paragraphs, as a paragraph of its own
/// (`SUMMARY: … END SUMMARY.`): its text, without the word Summary.
pub(super) fn intro_summary(intro: &str) -> Option<String> {
    let mut at = 0;
    for line in intro.split_inclusive('\n') {
        if let Some(start) = opens_with(line, "SUMMARY") {
            let text = &intro[at + start..];
            let end = text.to_ascii_uppercase().find("END SUMMARY").unwrap_or(text.len());
            let s = squeeze(&text[..end]);
            let s = s.trim_end_matches(['(', ' ', '-']).trim();
            return (!s.is_empty()).then(|| s.to_owned());
        }
        at += line.len();
    }
    None
}

/// Where `needle` (upper-case ASCII) first stands in `hay`, in any case.
pub(super) fn find_ignore_ascii_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = *n.first()?;
    let mut at = 0;
    while let Some(i) = memchr::memchr2(first, first.to_ascii_lowercase(), &h[at..]) {
        let i = at + i;
        if h.len() - i >= n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

pub(super) fn push_squeezed(out: &mut String, s: &str) {
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
pub(super) fn comments(paragraphs: &[Paragraph]) -> Option<String> {
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

pub(super) fn push_squeezed_part(parts: &mut Vec<String>, s: &str) {
    // whitespace folded within paragraphs; paragraph breaks kept
    let s = s.split("\n\n").map(squeeze).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n");
    let s = s.trim_end_matches(['(', ' ']).trim();
    if !s.is_empty() {
        parts.push(s.to_owned());
    }
}

/// `Summary: text`, `SUMMARY. text`, `Begin Summary: text`, `Summary and Comment: text`:
/// where the section's own text starts.
pub(super) fn opens_with(text: &str, word: &str) -> Option<usize> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let first = t.as_bytes().first().map(u8::to_ascii_uppercase);
    if !matches!(first, Some(b'B' | b'S')) && first != word.as_bytes().first().copied() {
        return None; // neither BEGIN, START nor the word: most paragraphs end here
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_inline_and_as_sections() {
        let b = body("SECRET STATE 1\nSUBJECT: X\n\n1. (S) Text (Comment: inline one. End Comment.) more.\n\n2. (C) Comment: the section\ngoes on.\n\n3. (C) Still comment. End Comment.\n\n4. (U) After.");
        assert_eq!(b.comment.as_deref(), Some("inline one.\n\nthe section goes on.\n\nStill comment."));
    }

    #[test]
    fn summaries_in_every_form() {
        let want = "The talks went well. More to come.";
        for text in [
            "SECRET STATE 1\n\nSUBJECT: X\n\n1. (C) Summary: The talks went well.\n\n2. (C) More to come. End Summary.\n\n3. (C) Text.",
            "SECRET STATE 1\n\nSUBJECT: X\n\n1. (C) SUMMARY. The talks went well.\n\n2. (C) More to come. END SUMMARY.\n\n3. (C) Text.",
            "SECRET STATE 1\n\nSUBJECT: X\n\nSUMMARY: The talks went well. More to come. END SUMMARY.\n\n1. (C) Text.",
            "SECRET STATE 1\n\nSUBJECT: X\n\n------- SUMMARY -------\n\n1. (C) The talks went well.\n\n2. (C) More to come. End summary.\n\n3. (C) Text.",
            "SECRET STATE 1\n\nSUBJECT: X\n\nSummary -------\n\n1. (C) The talks went well.\n\n2. (C) More to come. End Summary.\n\n3. (C) Text.",
        ] {
            let b = body(text);
            let got = b.summary.as_deref().map(|s| s.replace("\n\n", " "));
            assert_eq!(got.as_deref(), Some(want), "{text}");
        }
    }
}
