//! A text that is not a whole cable — the old site's body box, a preamble quoted in a paper, the
//! last lines of a cable — gives the fields it holds, the same as the whole cable gives them. Real
//! cables (the fixtures, and every cable of `../shared/corpus` when it is there) are cut into
//! pieces, each piece parsed alone with only its reference id known (as `cablegate parse --id`).

use cablegate_cable::{parse, parse_telegram, Cable, Meta};

const FIXTURES: &str = include_str!("../../../fixtures/cables.csv");

fn rows(csv: Box<dyn std::io::Read>) -> Vec<cablegate_formats::release_csv::Row> {
    cablegate_formats::release_csv::Reader::new(csv).map(|r| r.expect("a real row reads")).collect()
}

fn real_rows() -> Vec<cablegate_formats::release_csv::Row> {
    let mut all = rows(Box::new(FIXTURES.as_bytes()));
    let shared = std::env::var_os("CABLEGATE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    match cablegate_formats::open_maybe_gz(&shared.join("corpus/cables.csv.gz")) {
        Ok(input) => all.extend(rows(input)),
        Err(_) => eprintln!("the corpus is not there: the fixtures only"),
    }
    all
}

fn alone(id: &str, text: &str) -> Cable {
    parse_telegram(&Meta { reference_id: Some(id), ..Meta::default() }, text)
}

/// The preamble: the body after its banner line, up to the first numbered paragraph.
fn preamble(body: &str) -> Option<&str> {
    let start = body.find('\n')? + 1;
    let end = body[start..].find("\n1. ").map_or(body.len(), |e| start + e + 1);
    Some(&body[start..end])
}

/// The last lines: from the start of the last numbered paragraph (`\n21. `) to the end.
fn tail(body: &str) -> Option<&str> {
    let b = body.as_bytes();
    let start = (1..b.len().saturating_sub(3)).rev().find(|&i| {
        b[i - 1] == b'\n'
            && b[i].is_ascii_digit()
            && (b[i + 1] == b'.' || (b[i + 1].is_ascii_digit() && b[i + 2] == b'.'))
    })?;
    Some(&body[start..])
}

#[test]
fn a_body_a_preamble_and_a_tail_alone_give_the_fields_of_the_whole_cable() {
    let (mut bodies, mut preambles, mut tails) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut comparisons = 0usize;
    let fixtures: Vec<String> = rows(Box::new(FIXTURES.as_bytes())).into_iter().map(|r| r.reference_id).collect();
    for r in real_rows() {
        let meta = Meta { reference_id: Some(&r.reference_id), ..Meta::default() };
        let whole = parse(&meta, &r.header, &r.body);
        if whole.partial || whole.banner.is_none() {
            continue;
        }
        let id = &r.reference_id;
        let mut check = |what: &str, part: &Cable, fields: &[&str]| {
            let (w, p) = (serde_json::to_value(&whole).unwrap(), serde_json::to_value(part).unwrap());
            for field in fields {
                comparisons += 1;
                if w[field] != p[field] {
                    failures
                        .push(format!("{id} {what}: {field} {} where the whole cable gives {}", p[field], w[field]));
                }
            }
        };
        // the body alone, as the old site's body box shows it
        bodies += 1;
        check("body", &alone(id, &r.body), &["tags", "subject", "references", "classified_by", "signed_by", "summary"]);
        // the preamble alone
        if let Some(p) = preamble(&r.body) {
            preambles += 1;
            check("preamble", &alone(id, p), &["eo", "declassify_on", "tags", "subject", "references"]);
        }
        // the last lines alone: who signed
        if let Some(t) = tail(&r.body).filter(|_| !whole.signed_by.is_empty()) {
            tails += 1;
            check("tail", &alone(id, t), &["signed_by"]);
        }
    }
    eprintln!(
        "{bodies} bodies, {preambles} preambles, {tails} tails: {comparisons} fields compared, {} differ",
        failures.len()
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(bodies >= 10 && preambles >= 10 && tails >= 5, "{bodies} {preambles} {tails}");
    // the fixtures, chosen for their quirks, give every field alone; of the whole corpus, the
    // few texts that differ are splices of two cables (a preview of one before the text of
    // another), where what the "whole cable" is depends on knowing the splice
    let of_fixtures: Vec<&String> =
        failures.iter().filter(|f| fixtures.iter().any(|id| f.starts_with(&format!("{id} ")))).collect();
    assert!(of_fixtures.is_empty(), "{of_fixtures:#?}");
    assert!(failures.len() * 1000 <= comparisons * 2, "{} of {comparisons} fields differ", failures.len());
}
