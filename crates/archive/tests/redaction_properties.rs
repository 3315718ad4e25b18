//! Redaction as a property: for the fixtures' real cables and names taken from them, written back
//! into the text in the ways the release writes names (case, accents, a hyphen at a line break,
//! possessives, curly apostrophes, full-width letters, a section marker between the words), no
//! variant survives, and no word that is not part of a match changes.

use cablegate_archive::redact::{Redaction, Redactor, MARK};
use proptest::prelude::*;

const FIXTURES: &str = include_str!("../../../fixtures/cables.csv");

fn bodies() -> Vec<String> {
    cablegate_formats::release_csv::Reader::new(FIXTURES.as_bytes()).map(|r| r.unwrap().body).collect()
}

/// Two neighbouring words of a body that look like a name: capitalised, letters only, 4 or more.
fn names(body: &str) -> Vec<(String, String)> {
    let looks = |w: &str| {
        w.len() >= 4
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && w.starts_with(|c: char| c.is_ascii_uppercase())
            && w.chars().skip(1).any(|c| c.is_ascii_lowercase())
    };
    let words: Vec<&str> = body.split_whitespace().collect();
    words.windows(2).filter(|w| looks(w[0]) && looks(w[1])).map(|w| (w[0].to_owned(), w[1].to_owned())).collect()
}

/// The name written one of the ways the release writes names.
fn variant(a: &str, b: &str, k: u8) -> String {
    let accent = |w: &str| {
        let mut done = false;
        w.chars()
            .map(|c| match (done, c) {
                (false, 'a') => {
                    done = true;
                    'á'
                }
                (false, 'e') => {
                    done = true;
                    'é'
                }
                (false, 'o') => {
                    done = true;
                    'ö'
                }
                _ => c,
            })
            .collect::<String>()
    };
    let wide = |w: &str| {
        w.chars()
            .map(|c| char::from_u32(c as u32 - 'A' as u32 + 0xFF21).filter(|_| c.is_ascii_uppercase()).unwrap_or(c))
            .collect::<String>()
    };
    match k % 9 {
        0 => format!("{a} {b}"),
        1 => format!("{} {}", a.to_uppercase(), b.to_lowercase()),
        2 => format!("{a}-\n{b}"),
        3 => format!("{a}'s {b}'s"),
        4 => format!("{a}\n   {b}"),
        5 => format!("{} {}", accent(a), accent(b)),
        6 => format!("{a}’s {b}"),
        7 => format!("{} {b}", wide(a)),
        _ => format!("{a}\n\nLONDON 00000923 002 OF 005\n\n{b}"),
    }
}

/// Lower case, accents and full width taken off, for the test's own look at the output.
fn folded(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'ö' => 'o',
            c if ('\u{FF21}'..='\u{FF3A}').contains(&c) => char::from_u32(c as u32 - 0xFF21 + 'a' as u32).unwrap(),
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_variant_survives_and_nothing_else_changes(
        cable in 0usize..11,
        pick in any::<prop::sample::Index>(),
        k in 0u8..9,
        at in any::<prop::sample::Index>(),
    ) {
        let bodies = bodies();
        let body = &bodies[cable % bodies.len()];
        let candidates = names(body);
        prop_assume!(!candidates.is_empty());
        let (a, b) = &candidates[pick.index(candidates.len())];
        // the name written back at a line start of the text, one of the ways names are written
        let lines: Vec<&str> = body.lines().collect();
        let i = at.index(lines.len() + 1);
        let written = variant(a, b, k);
        let text = [lines[..i].join("\n"), written.clone(), lines[i..].join("\n")].join("\n");
        let redactor = Redactor::new(&[Redaction { id: 0, text: format!("{a} {b}"), cable: None, note: None, added_at: None }]);
        let out = redactor.apply("09LONDON923", &text);

        // no variant survives: the two words are nowhere next to each other with only white
        // space, hyphens or a possessive between them (a comma or a stop between them is no name)
        let f = folded(&out);
        let words: Vec<String> = f
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_end_matches("'s").trim_end_matches("’s").to_owned())
            .collect();
        let (fa, fb) = (a.to_lowercase(), b.to_lowercase());
        for w in words.windows(2) {
            prop_assert!(!(w[0] == fa && w[1] == fb), "{a} {b} survives as written {written:?}");
        }
        // the mark is a word of its own, never inside a longer word (the release's own marks,
        // already in the text, are as the release wrote them)
        let input: Vec<&str> = text.split_whitespace().collect();
        for token in out.split_whitespace() {
            if token.contains(MARK) && !input.contains(&token) {
                for (i, _) in token.match_indices(MARK) {
                    let before = token[..i].chars().next_back();
                    let after = token[i + MARK.len()..].chars().next();
                    prop_assert!(
                        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric),
                        "{token:?}: the mark inside a longer word, for {a} {b}"
                    );
                }
            }
        }
        // every other word is there, in order: the words out of a match are unchanged
        let mut it = input.iter();
        for w in out.split_whitespace().filter(|w| !w.contains(MARK)) {
            prop_assert!(it.any(|x| x == &w), "{w:?} is not a word of the text, in order");
        }
    }
}
