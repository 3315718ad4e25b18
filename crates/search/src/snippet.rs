//! Snippets: the paragraphs of a hit that hold the query's words, cut around them, the words
//! marked. Cut by tantivy's snippet generator, paragraph by paragraph, so each snippet can link
//! to its paragraph (`#par5`).

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

use crate::query::Parsed;

/// One snippet: the paragraph it comes from and its text in parts, the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The paragraph number, when the cable numbers its paragraphs.
    pub paragraph: Option<u32>,
    /// Text and whether it is a matched word; whitespace collapsed, `…` where text was cut.
    pub parts: Vec<(String, bool)>,
}

impl Snippet {
    /// The snippet as plain text, matched words in `[brackets]`.
    pub fn plain(&self) -> String {
        self.parts.iter().map(|(t, m)| if *m { format!("[{t}]") } else { t.clone() }).collect()
    }
}

/// Makes snippets for one query.
pub struct Highlighter {
    generator: Option<SnippetGenerator>,
    /// The words, to skip at once the (ASCII) paragraphs that hold none of them.
    words: Option<aho_corasick::AhoCorasick>,
}

const MAX_EXPANSIONS: usize = 64;

impl Highlighter {
    pub(crate) fn new(searcher: &Searcher, body: tantivy::schema::Field, parsed: &Parsed) -> Highlighter {
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        let weight = |w: &str| {
            let df = searcher.doc_freq(&tantivy::Term::from_field_text(body, w)).unwrap_or(0);
            1.0 / (1.0 + df as f32)
        };
        for (text, prefix) in parsed.highlight_terms() {
            let mut words = crate::tokens(&text);
            let last = if prefix { words.pop() } else { None };
            for w in words {
                let s = weight(&w);
                terms.insert(w, s);
            }
            if let Some(p) = last {
                for w in expand(searcher, body, &p) {
                    let s = weight(&w);
                    terms.insert(w, s);
                }
            }
        }
        let terms: BTreeMap<String, f32> = terms.into_iter().filter(|(_, s)| *s < 1.0).collect();
        if terms.is_empty() {
            return Highlighter { generator: None, words: None };
        }
        let words = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(terms.keys()).ok();
        Highlighter { generator: Some(SnippetGenerator::new(terms, crate::analyzer(), body, 220)), words }
    }

    /// Up to `max` snippets from `paragraphs` (number, text), the best ones, in text order. When
    /// no paragraph holds a word of the query (it matched the subject or a field), the start of
    /// the first paragraph.
    pub fn snippets<'a>(
        &self,
        paragraphs: impl IntoIterator<Item = (Option<u32>, &'a str)>,
        max: usize,
    ) -> Vec<Snippet> {
        let paragraphs: Vec<(Option<u32>, &str)> = paragraphs.into_iter().collect();
        let mut found: Vec<(usize, usize, usize, Snippet)> = Vec::new();
        if let Some(generator) = &self.generator {
            // Cutting a snippet tokenizes the whole paragraph, so only the paragraphs that can be
            // among the best are cut: each paragraph's words of the query, counted in its text,
            // bound what its best fragment can hold (distinct words, then words); paragraphs are
            // cut in the order of that bound, until no bound left can beat the `max`-th snippet
            // found. The snippets are the same as cutting every paragraph.
            let mut candidates: Vec<(usize, (usize, usize))> =
                paragraphs.iter().enumerate().filter_map(|(i, &(_, t))| Some((i, self.bound(t)?))).collect();
            candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            for (i, bound) in candidates {
                if found.len() >= max {
                    found.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.cmp(&b.0)));
                    let last = &found[max - 1];
                    if bound < (last.1, last.2) {
                        break;
                    }
                }
                let (number, text) = paragraphs[i];
                let s = generator.snippet(text);
                if s.highlighted().is_empty() {
                    continue;
                }
                let mut range = s.fragment_range();
                let distinct: std::collections::BTreeSet<String> =
                    s.highlighted().iter().map(|r| s.fragment()[r.clone()].to_lowercase()).collect();
                // no cut for want of a full stop: take in what is left on either side when it
                // holds no word
                let wordless = |t: &str| !t.chars().any(char::is_alphanumeric);
                let shift = if wordless(&text[..range.start]) { range.start } else { 0 };
                range.start -= shift;
                if wordless(&text[range.end..]) {
                    range.end = text.len();
                }
                let marked: Vec<std::ops::Range<usize>> =
                    s.highlighted().iter().map(|r| r.start + shift..r.end + shift).collect();
                let parts = split(&text[range.clone()], &marked, range.start > 0, range.end < text.len());
                found.push((i, distinct.len(), s.highlighted().len(), Snippet { paragraph: number, parts }));
            }
        }
        if found.is_empty() {
            return paragraphs
                .iter()
                .find(|(_, t)| !t.trim().is_empty())
                .map(|&(number, text)| {
                    let cut = text.char_indices().nth(220).map(|(i, _)| i).unwrap_or(text.len());
                    Snippet { paragraph: number, parts: split(&text[..cut], &[], false, cut < text.len()) }
                })
                .into_iter()
                .collect();
        }
        found.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.cmp(&b.0)));
        found.truncate(max);
        found.sort_by_key(|f| f.0);
        found.into_iter().map(|f| f.3).collect()
    }

    /// At most how many distinct words of the query, and how many words, a snippet cut from
    /// `text` can mark; `None` when it can mark none. Counted as the tokenizer would in an ASCII
    /// text (a word's occurrences with no letter or digit on either side, in any case), and
    /// unbounded in any other.
    fn bound(&self, text: &str) -> Option<(usize, usize)> {
        let Some(words) = &self.words else { return Some((usize::MAX, usize::MAX)) };
        if !text.is_ascii() {
            return Some((usize::MAX, usize::MAX));
        }
        let bytes = text.as_bytes();
        let mut seen: Vec<aho_corasick::PatternID> = Vec::new();
        let mut count = 0;
        // overlapping, so that a word inside a longer one (`a` in `ab`) cannot hide the longer
        for m in words.find_overlapping_iter(text) {
            let alone = (m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric())
                && (m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric());
            if alone {
                count += 1;
                if !seen.contains(&m.pattern()) {
                    seen.push(m.pattern());
                }
            }
        }
        (count > 0).then_some((seen.len(), count))
    }
}

/// Words of the index starting with `prefix`, for highlighting `prefix*`.
fn expand(searcher: &Searcher, field: tantivy::schema::Field, prefix: &str) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut end = prefix.as_bytes().to_vec();
    // the first key after every key starting with prefix
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            break;
        }
    }
    for seg in searcher.segment_readers() {
        let Ok(inverted) = seg.inverted_index(field) else { continue };
        let mut range = inverted.terms().range().ge(prefix.as_bytes());
        if !end.is_empty() {
            range = range.lt(&end);
        }
        let Ok(mut stream) = range.into_stream() else { continue };
        while stream.advance() && out.len() < MAX_EXPANSIONS {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.insert(s.to_owned());
            }
        }
    }
    out.into_iter().collect()
}

fn split(fragment: &str, marked: &[std::ops::Range<usize>], before: bool, after: bool) -> Vec<(String, bool)> {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut push = |s: &str, m: bool| {
        let mut t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.starts_with(char::is_whitespace) && !t.is_empty() {
            t.insert(0, ' ');
        }
        if s.ends_with(char::is_whitespace) && !t.is_empty() {
            t.push(' ');
        }
        if t.is_empty() && !s.is_empty() {
            t.push(' ');
        }
        if !t.is_empty() {
            parts.push((t, m));
        }
    };
    if before {
        push("…", false);
    }
    let mut at = 0;
    for r in marked {
        if r.start > at {
            push(&fragment[at..r.start], false);
        }
        push(&fragment[r.clone()], true);
        at = r.end;
    }
    if at < fragment.len() {
        push(&fragment[at..], false);
    }
    if after {
        push("…", false);
    }
    // trim the ends
    if let Some(first) = parts.first_mut() {
        first.0 = first.0.trim_start().to_owned();
    }
    if let Some(last) = parts.last_mut() {
        last.0 = last.0.trim_end().to_owned();
    }
    parts.retain(|p| !p.0.is_empty());
    parts
}
