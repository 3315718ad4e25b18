//! The query language readers type into the box, read into a list of clauses.
//!
//! ```text
//! iran nuclear            every word must match (subject, text or reference id)
//! "exact phrase"          the words in this order
//! iran OR iraq            either
//! -exclusion              not this word, phrase or field
//! sanct*                  words starting with sanct
//! subject:visit  subject:"state visit"
//! tag:PREL  origin:London  origin:LONDON  classification:secret  classification:noforn
//! ref:09LONDON923         cables citing 09LONDON923
//! created:2009  created:2009-04  created:2008-01..2009-06  created:..2005  released:2010-11-28
//! ```
//!
//! The parser never fails: a malformed query (an unbalanced quote, an unknown field, a bad date)
//! gets a warning and its best reading, which is shown to the reader. Hand-written because the
//! language is the cables' own (dates, reference ids, post names); tantivy's query parser knows
//! none of those.

use serde::Serialize;

/// A field a clause can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Subject,
    Tag,
    Origin,
    Classification,
    Ref,
    Created,
    Released,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Subject => "subject",
            Field::Tag => "tag",
            Field::Origin => "origin",
            Field::Classification => "classification",
            Field::Ref => "ref",
            Field::Created => "created",
            Field::Released => "released",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Some(match name.to_ascii_lowercase().as_str() {
            "subject" | "title" => Field::Subject,
            "tag" | "tags" => Field::Tag,
            "origin" | "from" | "post" => Field::Origin,
            "classification" | "class" => Field::Classification,
            "ref" | "cites" => Field::Ref,
            "created" | "date" => Field::Created,
            "released" => Field::Released,
            _ => return None,
        })
    }
}

/// A range of times as `YYYYMMDDhhmm` numbers, the end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub from: u64,
    pub to: u64,
}

/// What one clause looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Clause {
    /// A word or an exact phrase, in the default fields or in one field.
    Text { field: Option<Field>, text: String, phrase: bool },
    /// Words starting with `text` (the last word, after a phrase).
    Prefix { field: Option<Field>, text: String },
    /// A tag, exactly (`PREL`).
    Tag { tag: String },
    /// Cables citing this cable (canonical id).
    Ref { id: String },
    /// A date range on `created` or `released`; `text` is what the reader wrote.
    Date { field: Field, text: String, range: Range },
}

/// A clause, maybe negated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub negated: bool,
    pub clause: Clause,
}

/// A query read: every group must match; within a group, any item (they were joined by `OR`).
/// Negated items stand alone in their group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub groups: Vec<Vec<Item>>,
    /// What was wrong with the query, for the reader.
    pub warnings: Vec<String>,
    /// The canonical id when the whole query is one reference id (`09LONDON923`, `09 london 923`).
    pub id: Option<String>,
}

impl Parsed {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The query as understood, written back in the query language.
    pub fn reading(&self) -> String {
        let mut out = Vec::new();
        for g in &self.groups {
            let items: Vec<String> = g.iter().map(write_item).collect();
            out.push(items.join(" OR "));
        }
        out.join(" ")
    }

    /// The words and phrases to highlight in snippets (not negated; text clauses only).
    pub fn highlight_terms(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for item in self.groups.iter().flatten().filter(|i| !i.negated) {
            match &item.clause {
                Clause::Text { field: None | Some(Field::Subject), text, .. } => out.push((text.clone(), false)),
                Clause::Prefix { field: None | Some(Field::Subject), text } => out.push((text.clone(), true)),
                _ => {}
            }
        }
        out
    }
}

fn quote(s: &str) -> String {
    if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == ':' || c == '"') {
        format!("\"{}\"", s.replace('"', ""))
    } else {
        s.to_owned()
    }
}

fn write_item(i: &Item) -> String {
    let body = match &i.clause {
        Clause::Text { field, text, phrase } => {
            let t = if *phrase {
                format!("\"{text}\"")
            } else {
                text.split_whitespace().map(quote).collect::<Vec<_>>().join(" ")
            };
            match field {
                Some(f) => format!("{}:{t}", f.name()),
                None => t,
            }
        }
        Clause::Prefix { field, text } => {
            let t = if text.contains(' ') { format!("\"{text}\"*") } else { format!("{text}*") };
            match field {
                Some(f) => format!("{}:{t}", f.name()),
                None => t,
            }
        }
        Clause::Tag { tag } => format!("tag:{tag}"),
        Clause::Ref { id } => format!("ref:{id}"),
        Clause::Date { field, text, .. } => format!("{}:{text}", field.name()),
    };
    if i.negated {
        format!("-{body}")
    } else {
        body
    }
}

/// A lexical token of the query.
#[derive(Debug, PartialEq)]
enum Tok {
    Or,
    Not,
    /// `-` and then a word, phrase or field; the bool says a `*` followed a phrase.
    Term {
        negated: bool,
        field: Option<String>,
        text: String,
        quoted: bool,
        star: bool,
    },
}

/// The query's tokens. (One loop over the characters with one arm per kind of token, longer
/// than most functions here: cut apart, each arm would need the cursor, the characters and the
/// warnings passed to it, and the lexer would be harder to read, not easier.)
fn lex(q: &str, warnings: &mut Vec<String>) -> Vec<Tok> {
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let read_quoted = |i: &mut usize, warnings: &mut Vec<String>| -> String {
        // at the opening quote
        *i += 1;
        let start = *i;
        while *i < chars.len() && chars[*i] != '"' {
            *i += 1;
        }
        let s: String = chars[start..*i].iter().collect();
        if *i < chars.len() {
            *i += 1;
        } else {
            warnings.push("unbalanced quote: read as if closed at the end".to_owned());
        }
        s
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        let mut negated = false;
        if (c == '-' || c == '!') && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        if chars[i] == '"' {
            let text = read_quoted(&mut i, warnings);
            let star = i < chars.len() && chars[i] == '*';
            if star {
                i += 1;
            }
            out.push(Tok::Term { negated, field: None, text, quoted: true, star });
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' && chars[i] != '(' && chars[i] != ')' {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if !negated && word == "OR" || word == "|" || word == "||" {
            out.push(Tok::Or);
            continue;
        }
        if !negated && (word == "AND" || word == "&&" || word == "+") {
            continue;
        }
        if !negated && word == "NOT" {
            out.push(Tok::Not);
            continue;
        }
        // field:value, field:"a phrase"
        if let Some(colon) = word.find(':').filter(|&p| p > 0) {
            let name = word[..colon].to_owned();
            let mut value = word[colon + 1..].to_owned();
            let mut quoted = false;
            if value.is_empty() && i < chars.len() && chars[i] == '"' {
                value = read_quoted(&mut i, warnings);
                quoted = true;
            }
            let star = if !quoted && value.ends_with('*') {
                value.pop();
                true
            } else if quoted && i < chars.len() && chars[i] == '*' {
                i += 1;
                true
            } else {
                false
            };
            out.push(Tok::Term { negated, field: Some(name), text: value, quoted, star });
            continue;
        }
        let (text, star) = match word.strip_suffix('*') {
            Some(w) => (w.to_owned(), true),
            None => (word, false),
        };
        out.push(Tok::Term { negated, field: None, text, quoted: false, star });
    }
    out
}

/// Reads a date or a range: `2009`, `2009-04`, `2009-04-20`, `A..B`, `A..`, `..B`.
pub fn parse_range(s: &str) -> Option<Range> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once("..") {
        let from = if a.is_empty() { 0 } else { parse_date(a)?.0 };
        let to = if b.is_empty() { u64::MAX } else { parse_date(b)?.1 };
        return (from < to).then_some(Range { from, to });
    }
    let (from, to) = parse_date(s)?;
    Some(Range { from, to })
}

/// A date at year, month or day precision, as `[start, end)` in `YYYYMMDDhhmm`.
fn parse_date(s: &str) -> Option<(u64, u64)> {
    let parts: Vec<&str> = s.trim().split(['-', '/']).collect();
    let num =
        |p: &str| -> Option<u64> { (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())? };
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)?;
            Some((y * 1_0000_0000, (y + 1) * 1_0000_0000))
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (num(y)?, num(m)?);
            if !(1..=12).contains(&m) {
                return None;
            }
            let start = y * 1_0000_0000 + m * 100_0000;
            let end = if m == 12 { (y + 1) * 1_0000_0000 + 100_0000 } else { y * 1_0000_0000 + (m + 1) * 100_0000 };
            Some((start, end))
        }
        [y, m, d] if y.len() == 4 => {
            let (y, m, d) = (num(y)?, num(m)?, num(d)?);
            cablegate_cable::meta::DateTime::new(y as u16, m as u8, d as u8, 0, 0)?;
            let start = y * 1_0000_0000 + m * 100_0000 + d * 1_0000;
            Some((start, start + 1_0000))
        }
        _ => None,
    }
}

/// A time as `YYYYMMDDhhmm`, from any form `parse_timestamp` reads.
pub fn time_key(s: &str) -> Option<u64> {
    let t = cablegate_cable::meta::parse_timestamp(s)?;
    Some(
        t.year as u64 * 1_0000_0000
            + t.month as u64 * 100_0000
            + t.day as u64 * 1_0000
            + t.hour as u64 * 100
            + t.minute as u64,
    )
}

/// Reads a query. Never fails.
pub fn parse(q: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let q = q.trim();
    // the longest query read (a query is never a document: a 50 KB one was 2,000 phrases)
    let q = match q.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => {
            parsed
                .warnings
                .push(format!("the query is longer than {MAX_QUERY_CHARS} characters: the rest was left out"));
            &q[..cut]
        }
        None => q,
    };
    let toks = lex(q, &mut parsed.warnings);

    // one token that is a reference id: the reader wants that cable
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.is_empty()
        && compact.bytes().all(|b| b.is_ascii_alphanumeric())
        && compact.bytes().any(|b| b.is_ascii_alphabetic())
        && q.split_whitespace().count() <= 3
    {
        parsed.id = cablegate_cable::refid::canonicalize(&compact);
    }

    let mut groups: Vec<Vec<Item>> = Vec::new();
    let mut join_next = false;
    let mut not_next = false;
    for t in toks {
        let (negated, field, text, quoted, star) = match t {
            Tok::Or => {
                if groups.last().is_some_and(|g| g.iter().all(|i| !i.negated)) {
                    join_next = true;
                } else {
                    parsed.warnings.push("OR needs a word before it: ignored".to_owned());
                }
                continue;
            }
            Tok::Not => {
                not_next = true;
                continue;
            }
            Tok::Term { negated, field, text, quoted, star } => (negated || not_next, field, text, quoted, star),
        };
        not_next = false;
        let Some(item) = item(field.as_deref(), text, quoted, star, negated, &mut parsed.warnings) else {
            join_next = false;
            continue;
        };
        if join_next && !item.negated {
            groups.last_mut().expect("OR follows a group").push(item);
        } else {
            if join_next {
                parsed.warnings.push("OR next to an exclusion: ignored".to_owned());
            }
            groups.push(vec![item]);
        }
        join_next = false;
    }
    if join_next {
        parsed.warnings.push("OR needs a word after it: ignored".to_owned());
    }
    // the most words a query searches for: the rest left out, and said
    let mut words = 0;
    let mut kept: Vec<Vec<Item>> = Vec::new();
    'groups: for g in groups {
        let mut group = Vec::new();
        for item in g {
            words += item.words();
            if words > MAX_QUERY_WORDS {
                parsed.warnings.push(format!(
                    "the query has more than {MAX_QUERY_WORDS} words: the ones after the {MAX_QUERY_WORDS}th were left out"
                ));
                if !group.is_empty() {
                    kept.push(group);
                }
                break 'groups;
            }
            group.push(item);
        }
        kept.push(group);
    }
    parsed.groups = kept;
    parsed
}

/// The longest query read, in characters; the rest is left out, with a warning.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words a query searches for (a phrase counts its words, a field or a date one).
pub const MAX_QUERY_WORDS: usize = 32;

impl Item {
    /// The words the clause searches for.
    fn words(&self) -> usize {
        match &self.clause {
            Clause::Text { text, .. } => text.split_whitespace().count().max(1),
            _ => 1,
        }
    }
}

impl Parsed {
    /// Whether the query is costly to run: many words, words joined by OR, or prefixes (each
    /// expands to every word it starts). The server runs costly queries in a lane of their own,
    /// so that cheap ones never wait behind them.
    pub fn is_costly(&self) -> bool {
        let items = self.groups.iter().flatten();
        let words: usize = items.clone().map(Item::words).sum();
        let ors = self.groups.iter().filter(|g| g.len() > 1).count();
        let prefixes = items.filter(|i| matches!(i.clause, Clause::Prefix { .. })).count();
        words > 8 || ors > 1 || prefixes > 1
    }
}

fn item(
    field: Option<&str>,
    text: String,
    quoted: bool,
    star: bool,
    negated: bool,
    warnings: &mut Vec<String>,
) -> Option<Item> {
    let mk = |clause| Some(Item { negated, clause });
    let field = match field {
        None => None,
        Some(name) => match Field::from_name(name) {
            Some(f) => Some(f),
            None => {
                let alphabetic = name.chars().all(char::is_alphabetic);
                if alphabetic {
                    warnings.push(format!(
                        "unknown field \"{name}:\" (fields are subject, tag, origin, classification, ref, created, released): searched for the words instead"
                    ));
                }
                // the name and the value as words
                return mk(Clause::Text { field: None, text: format!("{name} {text}"), phrase: false });
            }
        },
    };
    let text = text.trim().to_owned();
    if text.is_empty() {
        if let Some(f) = field {
            warnings.push(format!("\"{}:\" needs a value: ignored", f.name()));
        }
        return None;
    }
    match field {
        Some(Field::Tag) => mk(Clause::Tag { tag: text.to_ascii_uppercase() }),
        Some(Field::Ref) => match cablegate_cable::refid::canonicalize(&text) {
            Some(id) => mk(Clause::Ref { id }),
            None => {
                warnings.push(format!("\"ref:{text}\" is not a reference id (like 09LONDON923): ignored"));
                None
            }
        },
        Some(f @ (Field::Created | Field::Released)) => match parse_range(&text) {
            Some(range) => mk(Clause::Date { field: f, text, range }),
            None => {
                warnings.push(format!(
                    "\"{}:{text}\" is not a date or range (like 2009, 2009-04, 2009-04-20, 2008-01..2009-06): ignored",
                    f.name()
                ));
                None
            }
        },
        _ if star => mk(Clause::Prefix { field, text }),
        _ => mk(Clause::Text { field, text, phrase: quoted }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(q: &str) -> (String, Vec<String>) {
        let p = parse(q);
        (p.reading(), p.warnings)
    }

    #[test]
    fn readings() {
        let cases = [
            ("iran nuclear", "iran nuclear"),
            ("\"state visit\" -paris", "\"state visit\" -paris"),
            ("iran OR iraq sanctions", "iran OR iraq sanctions"),
            ("sanct*", "sanct*"),
            ("Subject:\"state visit\"", "subject:\"state visit\""),
            ("tag:prel origin:london", "tag:PREL origin:london"),
            ("ref:09london00923", "ref:09LONDON923"),
            ("created:2008-01..2009-06 released:2010", "created:2008-01..2009-06 released:2010"),
            ("NOT paris AND rome", "-paris rome"),
            ("(iran OR iraq)", "iran OR iraq"),
        ];
        for (q, want) in cases {
            let (got, warnings) = reading(q);
            assert_eq!(got, want, "{q}");
            assert!(warnings.is_empty(), "{q}: {warnings:?}");
        }
    }

    #[test]
    fn malformed_queries_get_a_warning_and_a_reading() {
        let (r, w) = reading("\"state visit");
        assert_eq!(r, "\"state visit\"");
        assert_eq!(w, ["unbalanced quote: read as if closed at the end"]);
        let (r, w) = reading("colour:red car");
        assert_eq!(r, "colour red car");
        assert!(w[0].starts_with("unknown field \"colour:\""), "{w:?}");
        let (r, w) = reading("created:2009-13 iran");
        assert_eq!(r, "iran");
        assert!(w[0].contains("not a date"), "{w:?}");
        let (r, w) = reading("OR iran OR");
        assert_eq!(r, "iran");
        assert_eq!(w.len(), 2);
        let (r, w) = reading("ref:nonsense");
        assert_eq!(r, "");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn a_lone_reference_id_is_recognised() {
        assert_eq!(parse("09LONDON923").id.as_deref(), Some("09LONDON923"));
        assert_eq!(parse(" 09 london 923 ").id.as_deref(), Some("09LONDON923"));
        assert_eq!(parse("london").id, None);
        assert_eq!(parse("iran nuclear").id, None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_range("2009"), Some(Range { from: 2009_0000_0000, to: 2010_0000_0000 }));
        assert_eq!(parse_range("2009-12"), Some(Range { from: 2009_1200_0000, to: 2010_0100_0000 }));
        assert_eq!(parse_range("2009-04-20"), Some(Range { from: 2009_0420_0000, to: 2009_0421_0000 }));
        assert_eq!(parse_range("2008-01..2009-06"), Some(Range { from: 2008_0100_0000, to: 2009_0700_0000 }));
        assert_eq!(parse_range("..2005").map(|r| r.from), Some(0));
        assert_eq!(parse_range("2009-02-30"), None);
        assert_eq!(parse_range("2010..2009"), None);
        assert_eq!(time_key("2009-04-20T16:45:00Z"), Some(2009_0420_1645));
    }
}
