//! What a reader sees of a file, rather than its bytes: a name can hide from a byte search behind
//! HTML entities (`D&#39;Alema`), markup between its words (`Garcia</mark> Sabrido`), JSON
//! escapes (`Douste-\nBlazy`, `Rodr\u00edguez`) or percent-encoding in a link
//! (`/search?q=Garcia%20Sabrido`). The audit searches the bytes and this decoded text both.

use std::sync::LazyLock;

use regex::Regex;

/// Tags that sit inside a word's run of text (a highlight, a link): dropped with nothing in
/// their place. Any other tag stands for a break between words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u",
];

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>]*?))/?>").expect("a valid pattern"));
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a valid pattern"));

/// The text of `bytes` as a reader gets it — JSON strings unescaped, markup taken out but the
/// values of its attributes kept, entities and percent-escapes decoded — or `None` when the
/// bytes hold nothing to decode, or are no text (a NUL in their first 8 KB: a database, an index
/// segment, which the audit reads through their own readers too).
pub(crate) fn decoded(bytes: &[u8]) -> Option<String> {
    if bytes[..bytes.len().min(8192)].contains(&0) || !bytes.iter().any(|b| matches!(b, b'&' | b'<' | b'\\' | b'%')) {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            let mut out = String::new();
            strings(&value, &mut out);
            return Some(out);
        }
    }
    let text = if text.contains('\\') { unescape_json_like(&text) } else { text.into_owned() };
    let text = TAG.replace_all(&text, |c: &regex::Captures| {
        let name = c[2].to_ascii_lowercase();
        let values: Vec<&str> =
            ATTRIBUTE.captures_iter(&c[3]).filter_map(|a| a.get(1).or(a.get(2)).map(|m| m.as_str())).collect();
        match (INLINE.contains(&name.as_str()), values.is_empty()) {
            (true, true) => String::new(),
            _ => format!(" {} ", values.join(" ")),
        }
    });
    let text = html_escape::decode_html_entities(&text).into_owned();
    Some(if text.contains('%') {
        percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned()
    } else {
        text
    })
}

/// Every string of a JSON value, keys included, one per line.
fn strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push_str(k);
                out.push('\n');
                strings(v, out);
            }
        }
        _ => {}
    }
}

/// JSON's and JavaScript's string escapes in a text that is not JSON as a whole (a script, a
/// part of a large file): `\n`, `\t`, `\"`, `\/`, `\\`, `\uXXXX` (with surrogate pairs).
fn unescape_json_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let Ok(unit) = u16::from_str_radix(&hex, 16) else {
                    out.push_str("\\u");
                    out.push_str(&hex);
                    continue;
                };
                let mut units = vec![unit];
                if (0xD800..0xDC00).contains(&unit) && chars.peek() == Some(&'\\') {
                    let rest: String = chars.clone().take(6).collect();
                    if let Some(low) = rest.strip_prefix("\\u").and_then(|h| u16::from_str_radix(h, 16).ok()) {
                        units.push(low);
                        chars.by_ref().take(6).for_each(drop);
                    }
                }
                out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decoded;

    #[test]
    fn what_a_reader_sees() {
        assert_eq!(decoded(b"plain text"), None);
        assert_eq!(decoded(b"D&#39;Alema and D&rsquo;Alema").as_deref(), Some("D'Alema and D\u{2019}Alema"));
        assert_eq!(decoded(b"<p>Garcia <mark>Sabrido</mark></p>").as_deref(), Some("  Garcia Sabrido  "));
        assert_eq!(
            decoded(br#"<a href="/search?q=Garcia%20Sabrido">x</a>"#).as_deref(),
            Some(" /search?q=Garcia Sabrido x")
        );
        assert_eq!(
            decoded(br#"{"body": "Douste-\nBlazy", "s": "Rodr\u00edguez"}"#).as_deref(),
            Some("body\nDouste-\nBlazy\ns\nRodríguez\n")
        );
        assert_eq!(decoded(br#"var t = "Rodr\u00edguez \ud83d\ude00";"#).as_deref(), Some("var t = \"Rodríguez 😀\";"));
    }
}
