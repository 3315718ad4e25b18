//! The parser never fails and never panics: arbitrary bytes, arbitrary text made of cable
//! fragments, and real cables cut and spliced at arbitrary places all give a `Cable`.

use cablegate_cable::{parse, parse_bytes, parse_telegram, Meta};
use proptest::prelude::*;

const FIXTURES: &str = include_str!("../../../fixtures/cables.csv");

/// Pieces of real cables that steer the parser into each of its paths.
const FRAGMENTS: &[&str] = &[
    "VZCZCXRO4307\n",
    "DE RUEHLO #0923/01 1101645\n",
    "P 201645Z APR 09\n",
    "P R 281848Z DEC 66\n",
    "FM AMEMBASSY LONDON\n",
    "TO RUEHC/SECSTATE WASHDC PRIORITY 2046\n",
    "TORUEHC/",
    "INFO ",
    "INFO  LOG-00   NP-00\n",
    "S E C R E T SECTION 01 OF 05 LONDON 000923\n",
    "UNCLAS ",
    "C O N F I D E N T I A L",
    "SIPDIS\n",
    "NOFORN\n",
    "E.O. 12958: DECL: 03/16/2019\n",
    "E.O.",
    "DECL:",
    "TAGS: PGOV PREL\n",
    "TAGS OVIP (CLINTON, HILLARY), ",
    "(",
    ")",
    "SUBJECT: (C) ",
    "REF: A. 09 LONDON 123 B. STATE 45678\n",
    "REF: ",
    "A. ",
    "B) ",
    "(C) ",
    "Classified By: Greg Berry f or reasons 1.4 (b) and (d)\n",
    "Classified By:",
    "reasons 1.",
    "1. (S/NF) Summary: ",
    "2.(U) ",
    "\n3. ",
    "4. (C) Comment: ",
    "End Comment.",
    "END SUMMARY. ",
    "(Comment: ",
    "LONDON 00000923  002.2 OF 005",
    " OF ",
    "PAGE 02 HARARE 05461 01 OF 02 271458Z",
    "CONFIDENTIAL\n",
    "XXXXXXXXXXXX",
    "xxxxxx",
    "\n\nLEBARON",
    "\nNNNN\n",
    "End Cable Text",
    "This record is a partial extract",
    "¶",
    "é",
    "\u{2028}",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    ":",
    ".",
    "-",
    "/",
    "0",
    "9",
    "09",
    "1234567",
    "Z",
    "X",
];

fn fragment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|v| v.concat())
}

fn fixture_texts() -> Vec<String> {
    cablegate_formats::release_csv::Reader::new(FIXTURES.as_bytes())
        .map(|r| {
            let r = r.unwrap();
            format!("{}\n{}", r.header, r.body)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
        let cable = parse_bytes(&Meta::default(), &bytes);
        // the text is kept: lossily where it was not UTF-8, and said so
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert!(cable.warnings[0].contains("not valid UTF-8"));
        }
    }

    #[test]
    fn arbitrary_metadata(id in ".{0,30}", created in ".{0,30}", class in ".{0,30}", text in fragment_text()) {
        let meta = Meta { reference_id: Some(&id), created: Some(&created), classification: Some(&class), origin: None };
        let cable = parse_telegram(&meta, &text);
        if !id.trim().is_empty() {
            prop_assert_eq!(cable.reference_id, id.trim());
        }
    }

    #[test]
    fn cable_fragments(header in fragment_text(), body in fragment_text()) {
        let cable = parse(&Meta::default(), &header, &body);
        let numbers: Vec<u32> = cable.paragraphs.iter().filter_map(|p| p.number).collect();
        prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(cable.header, header);
        prop_assert_eq!(cable.body, body);
    }

    #[test]
    fn real_cables_cut_and_spliced(which in 0usize..11, cuts in prop::collection::vec((0.0f64..1.0, 0.0f64..1.0), 1..4)) {
        let texts = fixture_texts();
        let text = &texts[which % texts.len()];
        let mut spliced = String::new();
        for (a, b) in cuts {
            let (mut a, mut b) = ((a * text.len() as f64) as usize, (b * text.len() as f64) as usize);
            if a > b { std::mem::swap(&mut a, &mut b); }
            while !text.is_char_boundary(a) { a -= 1; }
            while !text.is_char_boundary(b) { b -= 1; }
            spliced.push_str(&text[a..b]);
        }
        let meta = Meta { reference_id: Some("09LONDON923"), ..Meta::default() };
        let cable = parse_telegram(&meta, &spliced);
        prop_assert_eq!(cable.canonical_id, "09LONDON923");
    }
}
