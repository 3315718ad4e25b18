//! The TAGS field: which words are tags, and how a TAGS value is read.
//!
//! A token is a tag when the release's own vocabulary holds it: its lists of subject and
//! organisation tags (`data/subject-tags.txt`, `data/organization-tags.txt`) and the tags the
//! corpus's own first TAGS lines use (`data/corpus-tags.txt`, written by the `tag-vocabulary`
//! example from the real cables and checked against them by the `corpus` test — never guessed),
//! plus person tags (`CLINTON, HILLARY`). Anything else on a TAGS line — a subject written
//! without its label, the body of a partial extract, a page marker, a continuation backslash —
//! is not a tag and never becomes one.

use std::collections::HashSet;
use std::sync::LazyLock;

fn set(text: &'static str) -> HashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

static SUBJECT: LazyLock<HashSet<&'static str>> = LazyLock::new(|| set(include_str!("../data/subject-tags.txt")));
static ORGANIZATION: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../data/organization-tags.txt")));
static CORPUS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| set(include_str!("../data/corpus-tags.txt")));
/// The vocabulary's tags of more than one word (`COUNTRY CLEARANCE`), longest first.
static PHRASES: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    let mut p: Vec<Vec<&str>> = SUBJECT
        .iter()
        .chain(ORGANIZATION.iter())
        .chain(CORPUS.iter())
        .filter(|t| t.contains(' '))
        .map(|t| t.split(' ').collect())
        .collect();
    p.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    p
});

/// Program tags that a person's name follows, bare (`OVIP CLINTON HILLARY`).
pub const PERSON_PROGRAMS: [&str; 1] = ["OVIP"];

/// What kind of tag this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A standard subject tag (`PREL`).
    Subject,
    /// An organization (`NATO`, `IAEA`).
    Organization,
    /// A two-letter geographic code (`UK`).
    Geographic,
    /// A person, written `SURNAME, GIVEN NAME` (`CLINTON, HILLARY`).
    Person,
    /// Another tag of the corpus's vocabulary (a program tag, a tag a post wrote in words).
    Other,
}

pub fn kind(tag: &str) -> Kind {
    if SUBJECT.contains(tag) {
        Kind::Subject
    } else if ORGANIZATION.contains(tag) {
        Kind::Organization
    } else if tag.len() == 2 && tag.bytes().all(|b| b.is_ascii_uppercase()) {
        Kind::Geographic
    } else if is_person(tag) {
        Kind::Person
    } else {
        Kind::Other
    }
}

/// Is `tag` on the release's own lists of subject and organisation tags? (What the corpus's
/// vocabulary is generated from; the parser asks [`is_known`].)
pub fn is_listed(tag: &str) -> bool {
    SUBJECT.contains(tag) || ORGANIZATION.contains(tag)
}

/// Is `tag` (as written, upper case) a tag of the vocabulary? Person tags are not in it: see
/// [`is_person`].
pub fn is_known(tag: &str) -> bool {
    is_listed(tag) || CORPUS.contains(tag)
}

/// Is `tag` a tag: of the vocabulary, or a person tag?
pub fn is_tag(tag: &str) -> bool {
    is_known(tag) || is_person(tag)
}

/// A person tag: `SURNAME, GIVEN NAME`, letters only (and ` .-'`), one comma.
pub fn is_person(tag: &str) -> bool {
    let mut parts = tag.split(", ");
    let ok = |w: &str| {
        !w.is_empty()
            && w.bytes().any(|b| b.is_ascii_alphabetic())
            && w.bytes().all(|b| b.is_ascii_alphabetic() || b" .-'".contains(&b))
    };
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if ok(a) && ok(b))
}

/// The tag a token stands for: itself, or its upper case (`prel` is `PREL`).
fn known(token: &str) -> Option<String> {
    if is_known(token) {
        return Some(token.to_owned());
    }
    let upper = token.to_ascii_uppercase();
    is_known(&upper).then_some(upper)
}

/// Tags run together with no separator (`KFRDCVISCMGT`), split into tags of the vocabulary: the
/// split into the fewest tags, each of two letters or more; `None` when there is none.
fn split_run(token: &str) -> Option<Vec<String>> {
    let t = token.to_ascii_uppercase();
    if t.len() < 4 || t.len() > 80 || !t.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    // best[i]: the fewest tags that make up t[..i], and where the last one starts
    let n = t.len();
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 2..=n {
        for start in end.saturating_sub(6)..end - 1 {
            if let Some((count, _)) = best[start] {
                if is_known(&t[start..end]) && best[end].is_none_or(|(c, _)| count + 1 < c) {
                    best[end] = Some((count + 1, start));
                }
            }
        }
    }
    let (count, _) = best[n]?;
    if count < 2 {
        return None;
    }
    let mut parts = Vec::with_capacity(count);
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(t[start..end].to_owned());
        end = start;
    }
    parts.reverse();
    Some(parts)
}

/// A TAGS line cut into words (spaces, tabs, commas, semicolons) and parenthesised groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    Word(&'a str),
    /// `(CLINTON, HILLARY)`: the text inside, white space squeezed.
    Group(String),
    /// A comma or semicolon.
    Comma,
}

pub fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[i..];
        match rest.as_bytes()[0] {
            b',' | b';' => {
                out.push(Token::Comma);
                rest = &rest[1..];
            }
            b'(' => {
                let end = rest.find(')').unwrap_or(rest.len());
                let inner: Vec<&str> = rest[1..end].split_whitespace().collect();
                out.push(Token::Group(inner.join(" ")));
                rest = rest.get(end + 1..).unwrap_or("");
            }
            _ => {
                let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(')).unwrap_or(rest.len());
                let word = rest[..end].trim_matches(['.', ':']);
                if !word.is_empty() {
                    out.push(Token::Word(word));
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The tags of one line, or `None` when a token of it is not a tag (`strict`), or, not strict,
/// the tags it holds with the other tokens left out.
fn line_tags(line: &str, strict: bool) -> Option<Vec<String>> {
    let toks = tokens(line);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Token::Comma => {}
            Token::Group(g) => {
                let g = g.trim_end_matches(['.', ',']);
                match known(g) {
                    Some(t) => out.push(t),
                    None if is_person(&g.to_ascii_uppercase()) => out.push(g.to_ascii_uppercase()),
                    None if strict => return None,
                    None => {}
                }
            }
            Token::Word(w) => {
                // a tag of several words
                if let Some((tag, used)) = phrase_at(&toks[i..]) {
                    out.push(tag);
                    i += used;
                    continue;
                }
                if let Some(t) = known(w) {
                    let program = PERSON_PROGRAMS.contains(&t.as_str());
                    out.push(t);
                    if program {
                        if let Some((person, used)) = bare_person(&toks[i + 1..]) {
                            out.push(person);
                            i += used;
                        }
                    }
                } else if let Some(parts) = split_run(w) {
                    out.extend(parts);
                } else if strict {
                    return None;
                }
            }
        }
        i += 1;
    }
    Some(out)
}

/// A tag of several words that starts `toks`, and how many tokens it takes.
fn phrase_at(toks: &[Token]) -> Option<(String, usize)> {
    let words: Vec<String> = toks
        .iter()
        .take(4)
        .map_while(|t| if let Token::Word(w) = t { Some(w.to_ascii_uppercase()) } else { None })
        .collect();
    PHRASES
        .iter()
        .find(|p| p.len() <= words.len() && p.iter().zip(&words).all(|(a, b)| a == b))
        .map(|p| (p.join(" "), p.len()))
}

/// A person's name written bare after a program tag (`OVIP CLINTON HILLARY`): two or three words
/// of capitals that are no tags, up to the next tag; `CLINTON, HILLARY` as a person tag.
fn bare_person(toks: &[Token]) -> Option<(String, usize)> {
    let words: Vec<&str> = toks
        .iter()
        .take(3)
        .map_while(|t| match t {
            Token::Word(w)
                if w.len() >= 2
                    && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'\'')
                    && known(w).is_none() =>
            {
                Some(*w)
            }
            _ => None,
        })
        .collect();
    // one word alone (`OVIP WWARD`) is no `SURNAME, GIVEN NAME`: it is left out with the rest of
    // what is no tag
    match words.as_slice() {
        [] | [_] => None,
        [surname, given @ ..] => Some((format!("{surname}, {}", given.join(" ")), words.len())),
    }
}

/// Reads a TAGS value (what follows the label, up to the next field): the tags of its first
/// line, then of each next line while every token on it is a tag. Returns the tags, duplicates
/// dropped, and where the tags end in `value` (what follows may be an unlabelled subject).
pub fn read(value: &str) -> (Vec<String>, usize) {
    let mut tags: Vec<String> = Vec::new();
    let mut end = 0;
    let mut first = true;
    for line in value.split_inclusive('\n') {
        // the line-continuation backslash of some cables, and HTML line breaks
        let text = line.trim_end().trim_end_matches('\\').trim_end();
        let text = text.strip_suffix("<br>").or_else(|| text.strip_suffix("<BR>")).unwrap_or(text);
        // a page marker that breaks into the field (`SECRET PAGE 02 LIMA 02475 01 OF 04`)
        if !first && crate::body::is_page_marker(text.trim()) {
            end += line.len();
            continue;
        }
        if text.trim().is_empty() {
            if first {
                end += line.len();
                continue;
            }
            break;
        }
        let Some(found) = line_tags(text, !first) else { break };
        if !first && found.is_empty() {
            break;
        }
        // a tag with a redaction in it (`XXXXXXXXXXXX, JAMES B`) is no tag: it would gather every
        // cable whose person tag was redacted on one page
        for t in found.into_iter().filter(|t| !t.contains("XXXXXX")) {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        first = false;
        end += line.len();
    }
    (tags, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("PREL"), Kind::Subject);
        assert_eq!(kind("NATO"), Kind::Organization);
        assert_eq!(kind("UK"), Kind::Geographic);
        assert_eq!(kind("CLINTON, HILLARY"), Kind::Person);
        assert_eq!(kind("KDEM"), Kind::Other);
    }

    fn tags(v: &str) -> Vec<String> {
        read(v).0
    }

    #[test]
    fn separators_continuations_and_duplicates() {
        assert_eq!(tags(" PGOV PREL PHUM IR UK"), ["PGOV", "PREL", "PHUM", "IR", "UK"]);
        assert_eq!(tags(" PGOV, PINS, ZI, MDC, ZANU-PF "), ["PGOV", "PINS", "ZI", "MDC", "ZANU-PF"]);
        assert_eq!(tags("PREL;PGOV\nKDEM, PREL"), ["PREL", "PGOV", "KDEM"]);
        // 09TRIPOLI401 and 08BOGOTA800 go on to a second line
        assert_eq!(tags(" PREL PGOV AU-I, CD\nSU, LY"), ["PREL", "PGOV", "AU-I", "CD", "SU", "LY"]);
        assert_eq!(tags(" PHUM PREF CO \\\nCI, AR, EC, BR \\\n"), ["PHUM", "PREF", "CO", "CI", "AR", "EC", "BR"]);
    }

    #[test]
    fn a_line_of_words_after_the_tags_is_no_tag() {
        // 05BRASILIA2231: the subject, without its label, on the next line
        let v = " PREL MARR BR UNSC US\nDISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005 \n";
        let (t, end) = read(v);
        assert_eq!(t, ["PREL", "MARR", "BR", "UNSC", "US"]);
        assert_eq!(v[end..].trim(), "DISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005");
        // 06BUENOSAIRES2711: a partial extract's text
        assert_eq!(tags(" MARR PARM AR\nnon-proliferation and military to military relations"), ["MARR", "PARM", "AR"]);
        // 09MALABO27: HTML line breaks
        assert_eq!(tags(" PREL ECIN PINR\nSOCI, EK <br>\n"), ["PREL", "ECIN", "PINR", "SOCI", "EK"]);
    }

    #[test]
    fn tags_of_several_words_and_with_slashes() {
        assert_eq!(tags(" PREL AMGT COUNTRY CLEARANCE KU"), ["PREL", "AMGT", "COUNTRY CLEARANCE", "KU"]);
        assert_eq!(tags(" PREL, UNGA/C-6, KTIA"), ["PREL", "UNGA/C-6", "KTIA"]);
    }

    #[test]
    fn persons_run_together_tags_and_case() {
        assert_eq!(tags(" OVIP (CLINTON, HILLARY), PREL, AS, "), ["OVIP", "CLINTON, HILLARY", "PREL", "AS"]);
        assert_eq!(tags(" OVIP CLINTON HILLARY PREL KPAL"), ["OVIP", "CLINTON, HILLARY", "PREL", "KPAL"]);
        assert_eq!(tags(" OVIP (STEINBERG, JAMES B.), PREL"), ["OVIP", "STEINBERG, JAMES B", "PREL"]);
        assert_eq!(
            tags(" KFRDCVISCMGTCASCKOCIASECPHUMSMIGEG"),
            ["KFRD", "CVIS", "CMGT", "CASC", "KOCI", "ASEC", "PHUM", "SMIG", "EG"]
        );
        assert_eq!(tags(" prel, parm, ir"), ["PREL", "PARM", "IR"]);
        // a redacted person is no tag at all
        assert_eq!(tags(" OVIP (XXXXXXXXXXXX, JAMES B.), PREL"), ["OVIP", "PREL"]);
    }
}
