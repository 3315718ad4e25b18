//! The signature: the name or names that close the body (`LEBARON`, `VAN VOORST`, `SMITH/JONES`),
//! past the trailer lines of the telegram.

use super::*;

pub(super) const NOT_NAMES: &[&str] = &[
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
pub(super) fn is_trailer(line: &str) -> bool {
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
pub(super) fn is_capitalised(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 3
        && b.len() <= 20
        && b[0].is_ascii_uppercase()
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'\'' || *c == b'-')
        && !matches!(w, "Thanks" | "Minimize" | "Regards" | "End" | "Text" | "Sipdis" | "Unquote" | "Ends")
}

pub(super) fn is_name_word(w: &str) -> bool {
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
pub(super) fn signature(body: &str) -> (Vec<String>, Option<usize>) {
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
    let mut line = body[line_start..end].trim();
    // the first line of a whole body is its banner; of a cable's tail alone it may be the signed line
    if line_start == 0 && (is_banner(line) || is_trailer(line)) {
        return (Vec::new(), None);
    }
    // trailers run on to the end of the last line: "SCOBEY NNNN End Cable Text"
    for t in ["End Cable Text", "NNNN"] {
        if let Some(l) = line.strip_suffix(t) {
            line = l.trim_end();
            end = line_start + (body[line_start..].len() - body[line_start..].trim_start().len()) + line.len();
        }
    }
    // `JOHNSON FOR THE AMBASSADOR`, `Johnson, for the Charge`: who signed for whom; the signer is
    // the name
    let upper = line.to_ascii_uppercase();
    if let Some(i) = [" FOR THE AMBASSADOR", " FOR THE CHARGE", " FOR THE SECRETARY", " FOR THE CHIEF OF MISSION"]
        .iter()
        .find_map(|t| upper.strip_suffix(t).or_else(|| upper.strip_suffix(&format!("{t}:"))).map(str::len))
    {
        line = line[..i].trim_end_matches([',', ' ']);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nVAN VOORST\n").signed_by, ["VAN VOORST"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nRICE\n\nNNNN\n\nEnd Cable Text").signed_by, ["RICE"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text. End Comment.\n\nMurphy").signed_by, ["Murphy"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Website: XXXXXXXXXXXX LEBARON").signed_by, ["LEBARON"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\nSMITH/JONES\n CONFIDENTIAL\n>").signed_by, ["SMITH", "JONES"]);
        assert!(body("SECRET STATE 1\n\n1. (S) Text ends here.").signed_by.is_empty());
        assert!(body("SECRET STATE 1\n\n1. (S) Text.\n\nEND SUMMARY").signed_by.is_empty());
        // signed for someone
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nJOHNSON FOR THE AMBASSADOR\n").signed_by, ["JOHNSON"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nFOR THE AMBASSADOR:\nJOHNSON\n").signed_by, ["JOHNSON"]);
        assert_eq!(body("SECRET STATE 1\n\n1. (S) Text.\n\nJohnson, for the Charge\n").signed_by, ["Johnson"]);
        // a cable's last lines alone: the signer is still found
        assert_eq!(
            body("21. (S/NF) Once Khamenei commits. Visit London's Classified Website: XXXXXXXXXXXX LEBARON").signed_by,
            ["LEBARON"]
        );
        assert_eq!(body("LEBARON").signed_by, ["LEBARON"]);
        assert!(body("S E C R E T LONDON 000923").signed_by.is_empty());
        // the signer is not part of the last paragraph's text
        let b = body("SECRET STATE 1\n\n1. (S) Text.\n\nLEBARON\n");
        assert_eq!(b.paragraphs[0].text, "Text.");
    }
}
