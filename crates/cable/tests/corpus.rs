//! Corpus-wide tests: every real cable of `../shared/corpus` (6,717 of them) and every reference
//! id of the full release (251,287). They run where `../shared` sits beside the repository, as it
//! does in CI; `CABLEGATE_SHARED` points elsewhere. Without the corpus they say so and pass.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;

use cablegate_cable::{parse, refid, Cable, Meta, Reference};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("CABLEGATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("corpus/cables.csv.gz").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {} (set CABLEGATE_SHARED)", dir.display());
        None
    }
}

/// A table of `data/` generated from the release's data: it must be `text`;
/// `CABLEGATE_UPDATE_TABLES=1` writes it.
fn generated_table(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(name);
    if std::env::var_os("CABLEGATE_UPDATE_TABLES").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(committed == text, "data/{name} is stale: run with CABLEGATE_UPDATE_TABLES=1");
}

fn gz_lines(path: PathBuf) -> impl Iterator<Item = String> {
    let f = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f)).lines().map(|l| l.unwrap())
}

fn corpus_cables(shared: &std::path::Path) -> Vec<Cable> {
    let input = cablegate_formats::open_maybe_gz(&shared.join("corpus/cables.csv.gz")).unwrap();
    cablegate_formats::release_csv::Reader::new(input)
        .map(|row| {
            let row = row.expect("every row of the real corpus reads");
            let meta = Meta {
                reference_id: Some(&row.reference_id),
                created: Some(&row.created),
                classification: Some(&row.classification),
                origin: Some(&row.origin),
            };
            let cable = std::panic::catch_unwind(|| parse(&meta, &row.header, &row.body))
                .unwrap_or_else(|_| panic!("parser panicked on {} (line {})", row.reference_id, row.line));
            cable
        })
        .collect()
}

/// Parses all 6,717 real cables, prints how many have each field, and holds the parser to the
/// coverage it reached (the floors sit just under the measured shares: a drop is a regression).
#[test]
fn every_real_cable_parses_with_coverage() {
    let Some(shared) = shared() else { return };
    let cables = corpus_cables(&shared);
    assert_eq!(cables.len(), 6717);
    let n = cables.len() as f64;
    let full = cables.iter().filter(|c| !c.partial).count() as f64;

    type Check = fn(&Cable) -> bool;
    let fields: &[(&str, Check, f64, bool)] = &[
        // (field, present?, floor share, of full cables only?)
        ("canonical id valid", |c| refid::parse(&c.canonical_id).is_some(), 1.0, false),
        ("created", |c| c.created.is_some(), 1.0, false),
        ("level", |c| c.level.is_some(), 1.0, false),
        ("origin", |c| c.origin.is_some(), 1.0, false),
        // a text with no banner (a partial extract, a preview block) has none: its first line
        // is no longer taken for one
        ("banner", |c| c.banner.is_some(), 0.994, false),
        ("dtg", |c| c.dtg.is_some(), 0.99, true),
        ("precedence", |c| c.precedence.is_some(), 0.99, true),
        ("from", |c| !c.from.is_empty(), 0.99, true),
        ("to", |c| !c.to.is_empty(), 0.99, true),
        ("transmission id", |c| c.transmission_id.is_some(), 0.95, true),
        ("eo", |c| c.eo.is_some(), 0.97, false),
        ("declassify_on", |c| c.declassify_on.is_some(), 0.96, false),
        ("tags", |c| !c.tags.is_empty(), 0.98, false),
        ("subject", |c| c.subject.is_some(), 0.97, false),
        ("references", |c| !c.references.is_empty(), 0.62, false),
        ("classified_by", |c| c.classified_by.is_some(), 0.67, false),
        ("reasons", |c| !c.reasons.is_empty(), 0.62, false),
        ("numbered paragraphs", |c| c.paragraphs.iter().any(|p| p.number.is_some()), 0.95, false),
        ("summary", |c| c.summary.is_some(), 0.60, false),
        ("comment", |c| c.comment.is_some(), 0.32, false),
        ("signed_by", |c| !c.signed_by.is_empty(), 0.89, true),
        ("captions", |c| !c.captions.is_empty(), 0.94, false),
        ("markers", |c| !c.markers.is_empty(), 0.36, false),
        ("redactions", |c| c.redactions > 0, 0.17, false),
        ("no warnings", |c| c.warnings.is_empty(), 0.96, false),
    ];
    let mut failures = Vec::new();
    eprintln!("field coverage over {} cables ({} full, {} partial extracts):", n, full, n - full);
    for (name, check, floor, full_only) in fields {
        let pool: Vec<&Cable> = cables.iter().filter(|c| !full_only || !c.partial).collect();
        let have = pool.iter().filter(|c| check(c)).count();
        let share = have as f64 / pool.len() as f64;
        eprintln!("  {name:<22} {have:>5} / {:<5} {:>6.2}%   floor {:.1}%", pool.len(), share * 100.0, floor * 100.0);
        if share < *floor {
            let missing: Vec<&str> =
                pool.iter().filter(|c| !check(c)).take(8).map(|c| c.reference_id.as_str()).collect();
            failures.push(format!("{name}: {:.2}% < {:.1}%, e.g. {missing:?}", share * 100.0, floor * 100.0));
        }
    }
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cables {
        for w in &c.warnings {
            let kind = w.split(':').next().unwrap_or(w).to_owned();
            *warnings.entry(kind).or_default() += 1;
        }
    }
    eprintln!("warnings: {warnings:#?}");
    assert!(failures.is_empty(), "coverage fell:\n{}", failures.join("\n"));
}

static NOT_IN_A_SUBJECT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\bREF(?:S|TELS?)?\s*:|classified by|sensitive but unclassified|handle accordingly|\bPAGE [0-9]{2}\b|\bSIPDIS\b|\\|<br|^subj",
    )
    .unwrap()
});

/// The cables whose subject line follows their TAGS with no `SUBJECT:` label, and that subject.
#[test]
fn subjects_written_without_their_label_are_found() {
    let Some(shared) = shared() else { return };
    let cables = corpus_cables(&shared);
    let subject = |id: &str| cables.iter().find(|c| c.reference_id == id).and_then(|c| c.subject.clone());
    for (id, start) in [
        ("05BRASILIA2231", "DISCUSS HAITI AND OTHER ISSUES, 19 AUGUST 2005"),
        ("09CAIRO1468", "XXXXXXXXXXXX: MILITARY WILL ENSURE TRANSFER OF POWER"),
        ("09TRIPOLI678", "QADHAFI DEVELOPMENT FOUNDATION LAYS OUT GOALS"),
        ("08MANAMA117", "BAHRAIN WILL FORMALLY REQUEST QATAR"),
        ("08TRIPOLI642", "HANNIBAL GOES TO SEA"),
        ("09CAIRO211", "EGYPT'S 54th BIRD FLU VICTIM, 1st FROM SUEZ"),
        ("06LIMA1452", "RUN-OFF, SEEKS EMBASSY'S ASSISTANCE"),
    ] {
        let s = subject(id).unwrap_or_else(|| panic!("{id} has no subject"));
        assert!(s.starts_with(start), "{id}: {s:?}");
    }
    // and a partial extract's text after its TAGS is not taken for one
    assert_eq!(subject("06BUENOSAIRES2711"), None);
}

/// Properties that must hold for every real cable, not just most.
#[test]
fn invariants_hold_on_every_real_cable() {
    let Some(shared) = shared() else { return };
    for c in corpus_cables(&shared) {
        let id = &c.reference_id;
        // paragraph numbers rise
        let numbers: Vec<u32> = c.paragraphs.iter().filter_map(|p| p.number).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{id}: paragraph numbers {numbers:?}");
        // the reading text never carries a section marker
        for m in &c.markers {
            assert!(c.paragraphs.iter().all(|p| !p.text.contains(m.as_str())), "{id}: marker {m} left in text");
        }
        // references are canonical, never the cable itself, bullets in order
        for r in &c.references {
            if let Reference::Cable { id: cited, .. } = r {
                assert!(refid::parse(cited).is_some_and(|p| p.to_string() == *cited), "{id}: {cited}");
                assert_ne!(cited, &c.canonical_id, "{id} cites itself");
            }
        }
        let bullets: Vec<&str> = c.references.iter().filter_map(|r| r.bullet()).collect();
        assert!(bullets.windows(2).all(|w| w[0] <= w[1]), "{id}: bullets {bullets:?}");
        // tags are unique and trimmed; the subject is normalised
        for (i, t) in c.tags.iter().enumerate() {
            assert_eq!(t.trim(), t, "{id}");
            assert!(!c.tags[..i].contains(t), "{id}: duplicate tag {t}");
        }
        if let Some(s) = &c.subject {
            assert!(!s.contains("  ") && s.trim() == s, "{id}: subject {s:?}");
        }
        // every tag is a tag of the vocabulary (or a person), never a word of a subject or a body
        for t in &c.tags {
            assert!(cablegate_cable::tags::is_tag(t), "{id}: {t:?} is among its TAGS and is no tag");
        }
        // a subject holds no REF line, Classified By, handling line, page marker or transcription debris
        if let Some(s) = &c.subject {
            assert!(!NOT_IN_A_SUBJECT.is_match(s), "{id}: subject {s:?}");
        }
        // redactions counted in the text really are there
        let lower = (c.header.clone() + "\n" + &c.body).to_ascii_lowercase();
        let xs = lower.matches("xxxxxx").count();
        assert!(c.redactions <= xs, "{id}");
        if c.redactions > 0 {
            assert!(xs > 0, "{id}");
        }
    }
}

/// The browse depth the archive uses gives the same browse fields as a full parse.
#[test]
fn browse_depth_agrees_with_full_parse() {
    let Some(shared) = shared() else { return };
    let input = cablegate_formats::open_maybe_gz(&shared.join("corpus/cables.csv.gz")).unwrap();
    for row in cablegate_formats::release_csv::Reader::new(input) {
        let row = row.unwrap();
        let meta = Meta {
            reference_id: Some(&row.reference_id),
            created: Some(&row.created),
            classification: Some(&row.classification),
            origin: Some(&row.origin),
        };
        let full = parse(&meta, &row.header, &row.body);
        let browse =
            cablegate_cable::parse_with(&meta, row.header.clone(), row.body.clone(), cablegate_cable::Depth::Browse);
        let id = &row.reference_id;
        assert_eq!(browse.canonical_id, full.canonical_id, "{id}");
        assert_eq!(browse.created, full.created, "{id}");
        assert_eq!(browse.classification, full.classification, "{id}");
        assert_eq!(browse.origin, full.origin, "{id}");
        assert_eq!(browse.subject, full.subject, "{id}");
        assert_eq!(browse.tags, full.tags, "{id}");
        assert_eq!(browse.references, full.references, "{id}");
        assert_eq!(browse.redactions, full.redactions, "{id}");
        assert!(browse.paragraphs.is_empty());
    }
}

/// Every reference id of the full release (251,287) canonicalises; the well-formed ones to
/// themselves, the 53 malformed ones to a corrected id, as the release's tables say.
#[test]
fn every_release_id_canonicalises() {
    let Some(shared) = shared() else { return };
    let mut count = 0;
    let mut changed = 0;
    for line in gz_lines(shared.join("corpus/full-release-ids.csv.gz")).skip(1) {
        let published = line.split(',').nth(1).expect("id,reference_id,created_month").to_owned();
        let canonical = refid::canonicalize(&published).unwrap_or_else(|| panic!("{published} does not canonicalise"));
        if canonical != published {
            changed += 1;
        }
        count += 1;
    }
    assert_eq!(count, 251_287);
    eprintln!("{changed} of {count} published ids corrected");
    assert!((53..=300).contains(&changed), "{changed} ids changed; the release has 53 malformed ids plus aliases");
}

/// `data/stations.txt` is derived from the release's data, not written by hand. Set
/// `CABLEGATE_UPDATE_TABLES=1` to regenerate it.
#[test]
fn tables() {
    let Some(shared) = shared() else { return };
    let reference = shared.join("corpus/reference");
    let read_map = |name: &str| -> BTreeMap<String, String> {
        serde_json::from_str(&std::fs::read_to_string(reference.join(name)).unwrap()).unwrap()
    };
    let fixes = read_map("c14n_station_fixes.json");
    let mut malformed = read_map("malformed_cable_ids.json");
    malformed.extend(read_map("invalid_cable_ids.json"));
    let listed: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(reference.join("stations.json")).unwrap()).unwrap();
    let mut stations: std::collections::BTreeSet<String> = listed.into_iter().collect();
    stations.extend(fixes.values().cloned());
    for line in gz_lines(shared.join("corpus/full-release-ids.csv.gz")).skip(1) {
        let id = line.split(',').nth(1).unwrap();
        if malformed.contains_key(id) {
            continue;
        }
        let b = id.as_bytes();
        let letters = id[2..].bytes().take_while(u8::is_ascii_uppercase).count();
        let well_formed = b.len() > 2
            && b[..2].iter().all(u8::is_ascii_digit)
            && letters > 0
            && id[2 + letters..].bytes().all(|c| c.is_ascii_digit())
            && id.len() > 2 + letters;
        let station = &id[2..2 + letters];
        if well_formed && !fixes.contains_key(station) {
            stations.insert(station.to_owned());
        }
    }
    let mut text = String::from(
        "# Stations (posts) of the Cablegate release, one per line. Generated: do not edit by hand.\n\
         # Source: reference/stations.json, the targets of c14n_station_fixes.json, and the stations of\n\
         # every well-formed id in full-release-ids.csv.gz. Regenerate with\n\
         #   CABLEGATE_UPDATE_TABLES=1 cargo test -p cablegate-cable --test corpus tables\n",
    );
    for s in &stations {
        text.push_str(s);
        text.push('\n');
    }
    generated_table("stations.txt", &text);
    for (file, name) in [
        ("c14n_station_fixes.json", "c14n_station_fixes.json"),
        ("malformed_cable_ids.json", "malformed_cable_ids.json"),
        ("route2name.csv", "route2name.csv"),
    ] {
        let ours = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(name)).unwrap();
        let theirs = std::fs::read(reference.join(file)).unwrap();
        assert_eq!(ours, theirs, "data/{name} differs from the corpus's reference table");
    }
}

/// `data/route-origins.csv`, what the real cables say each sender's routing indicator stands for,
/// is derived from them, not written by hand; `CABLEGATE_UPDATE_TABLES=1` regenerates it.
///
/// The indicator of a cable's `DE` line is its sender's; the release gives the cable's origin
/// (`Embassy London`). An indicator goes in the table with the origin of nine in ten or more of
/// the cables it sent; where the cables disagree more (`RUEHBS` sends for both USEU Brussels and
/// Embassy Brussels) it is left to the reference table's station name.
#[test]
fn route_origins() {
    let Some(shared) = shared() else { return };
    let mut seen: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for c in corpus_cables(&shared) {
        let (Some(line), Some(origin)) = (&c.routing, &c.origin) else { continue };
        if let Some(code) = cablegate_cable::routing::sender(line) {
            *seen.entry(code.to_owned()).or_default().entry(origin.clone()).or_default() += 1;
        }
    }
    let mut text = String::from(
        "# Routing indicator,origin,cables: the origin the release gives nine in ten or more of the\n\
         # cables an indicator sent (their DE line). Generated from ../shared/corpus/cables.csv.gz:\n\
         # do not edit by hand. Regenerate with\n\
         #   CABLEGATE_UPDATE_TABLES=1 cargo test -p cablegate-cable --test corpus route_origins\n",
    );
    let mut kept = 0;
    for (code, origins) in &seen {
        let total: usize = origins.values().sum();
        let (origin, n) = origins.iter().max_by_key(|(o, n)| (**n, std::cmp::Reverse(*o))).unwrap();
        if n * 10 >= total * 9 {
            text.push_str(&format!("{code},{origin},{n}\n"));
            kept += 1;
        }
    }
    assert!(kept > 150, "only {kept} senders' indicators decoded");
    assert!(text.contains("\nRUEHLO,Embassy London,"), "Embassy London's RUEHLO is not in the table");
    generated_table("route-origins.csv", &text);
}

/// `data/corpus-tags.txt`, the tags the corpus's own first TAGS lines use, is derived from the
/// real cables, not written by hand; `CABLEGATE_UPDATE_TABLES=1` regenerates it.
///
/// A first TAGS line, and the line after it, counts when at least half of its words are on the release's lists of subject
/// and organisation tags or are two-letter or four-letter codes: a line of words (a subject written on the TAGS
/// line, a partial extract's text) does not. On the lines that count:
/// - a run of two or three words of capitals that are not codes (`COUNTRY CLEARANCE`, `HUMAN
///   RIGHTS`) is one tag; a longer run is prose and gives none;
/// - a code (two letters, four capitals starting with a subject category's letter, or capitals
///   with digits, `-` or `/`: `AU-I`, `UNGA/C-6`) is a tag, and so is a single word of capitals that is an item of a comma-separated line
///   (`MDC`) or that cables of two origins or more use;
/// - tags run together (`VTPREL`) are not a tag of their own: the parser splits them;
/// - the name after `OVIP` is a person, not a tag.
#[test]
fn tag_vocabulary() {
    use cablegate_cable::tags::{is_listed, tokens, Token, PERSON_PROGRAMS};
    use std::collections::{BTreeMap, BTreeSet};
    let Some(shared) = shared() else { return };
    let label = regex::Regex::new(r"(?m)(?:^|[\s.:])(?i:tags?)[ \t]*[:,]?[ \t]+(.*)$").unwrap();
    let subject_label = regex::Regex::new(r"(?:SUBJECT|SUBJ|Subject)\s?:").unwrap();
    let code =
        regex::Regex::new(r"^(?:[A-Z]{2}|[A-Z]{4}|[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)+|[A-Z]+[0-9][A-Z0-9]*)$").unwrap();
    let word = regex::Regex::new(r"^[A-Z]{3,}$").unwrap();
    let two_letters = |w: &str| w.len() == 2 && w.bytes().all(|b| b.is_ascii_uppercase());
    let four = |w: &str| w.len() == 4 && w.bytes().all(|b| b.is_ascii_uppercase());
    let base = |w: &str| is_listed(w) || two_letters(w);
    // `VTPREL`: two base tags run together
    let run_together = |w: &str| {
        w.len() >= 6
            && (2..w.len() - 1).any(|i| base(&w[..i]) && base(&w[i..]) && (is_listed(&w[..i]) || is_listed(&w[i..])))
    };
    // the subject codes' category letters: those of the release's list (`A`, `E`, `P` …), and `K`,
    // the program tags (`KDEM`, `KCRM`), which the list leaves out
    let categories: BTreeSet<u8> = include_str!("../data/subject-tags.txt")
        .lines()
        .filter_map(|l| l.trim().bytes().next())
        .chain([b'K'])
        .collect();
    let mut singles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut vocabulary: BTreeSet<String> = BTreeSet::new();
    let input = cablegate_formats::open_maybe_gz(&shared.join("corpus/cables.csv.gz")).unwrap();
    for row in cablegate_formats::release_csv::Reader::new(input) {
        let row = row.unwrap();
        let Some(c) = label.captures(&row.body) else { continue };
        let first = c.get(1).unwrap();
        // the first line, and the next one (`09TRIPOLI401` goes on with `AU-I, CD, SU, LY`)
        let next = row.body[first.end()..].split('\n').nth(1).unwrap_or("");
        for line in [first.as_str(), next] {
            let line = subject_label.find(line).map_or(line, |m| &line[..m.start()]);
            let toks = tokens(line);
            let plain: Vec<&str> =
                toks.iter().filter_map(|t| if let Token::Word(w) = t { Some(*w) } else { None }).collect();
            if plain.is_empty()
                || line.contains(':')
                || plain.iter().filter(|w| base(w) || four(w)).count() * 2 < plain.len()
            {
                continue;
            }
            // in a line of comma-separated items, a single word is an item of its own: a tag
            let separated = if toks.contains(&Token::Comma) { String::new() } else { row.origin.clone() };
            let mut run: Vec<&str> = Vec::new();
            let mut end_run = |run: &mut Vec<&str>, singles: &mut BTreeMap<String, BTreeSet<String>>| {
                match run.len() {
                    1 => drop(singles.entry(run[0].to_owned()).or_default().insert(separated.clone())),
                    2 | 3 => drop(vocabulary.insert(run.join(" "))),
                    _ => {}
                }
                run.clear();
            };
            let mut after_program = 0;
            for t in &toks {
                let Token::Word(w) = t else {
                    after_program = 0;
                    end_run(&mut run, &mut singles);
                    continue;
                };
                if after_program > 0 && !base(w) {
                    after_program -= 1;
                    continue;
                }
                after_program = if PERSON_PROGRAMS.contains(w) { 2 } else { 0 };
                if base(w) || code.is_match(w) {
                    end_run(&mut run, &mut singles);
                    if !is_listed(w) && !run_together(w) {
                        // a four-letter word is a subject code when it starts with a category letter
                        let coded = !four(w) || categories.contains(&w.as_bytes()[0]);
                        let origin = if coded { String::new() } else { separated.clone() };
                        singles.entry((*w).to_owned()).or_default().insert(origin);
                    }
                } else if word.is_match(w) && !run_together(w) {
                    run.push(w);
                } else {
                    end_run(&mut run, &mut singles);
                }
            }
            end_run(&mut run, &mut singles);
        }
    }
    // codes were entered with the empty origin; single words need two origins
    vocabulary.extend(singles.into_iter().filter(|(_, o)| o.contains("") || o.len() >= 2).map(|(w, _)| w));
    let mut text = String::from(
        "# Tags the corpus's own first TAGS lines use, beyond the release's lists (subject-tags.txt,\n\
         # organization-tags.txt). Generated from ../shared/corpus/cables.csv.gz: do not edit by hand.\n\
         # The rules are the `tag_vocabulary` test's; regenerate with\n\
         #   CABLEGATE_UPDATE_TABLES=1 cargo test -p cablegate-cable --test corpus tag_vocabulary\n",
    );
    for t in &vocabulary {
        text.push_str(t);
        text.push('\n');
    }
    generated_table("corpus-tags.txt", &text);
}

/// `data/release-id-fixes.txt`: the ids of the release's own list (`demo/full-release-ids.csv.gz`,
/// in the repository) that are not canonical as written, each with its canonical form, so that
/// the parser loads the list without canonicalizing 251,287 ids. Fails when the table and
/// `canonicalize` disagree.
#[test]
fn release_id_fixes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/full-release-ids.csv.gz");
    let list = gz_lines(path).collect::<Vec<_>>().join("\n");
    assert!(list.lines().count() > 251_287, "the whole list");
    let text = cablegate_cable::refid::release_id_fixes(&list);
    generated_table("release-id-fixes.txt", &text);
}
