//! Importing the release's formats into an archive: every format, versions, idempotence,
//! bad input, and the whole real corpus when `../shared/corpus` is there.

use std::io::Write;
use std::path::{Path, PathBuf};

use cablegate_archive::{Archive, ImportOptions, ImportSummary};
use cablegate_testkit::fixture;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn import(archive: &mut Archive, paths: &[PathBuf]) -> ImportSummary {
    archive.import(paths, &ImportOptions::default()).unwrap()
}

fn count(archive: &Archive, sql: &str) -> i64 {
    archive.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every (reference id, version, text hash) in the archive.
fn contents(archive: &Archive) -> Vec<(String, i64, Vec<u8>)> {
    let mut s = archive
        .connection()
        .prepare(
            "SELECT c.reference_id, v.version, v.hash FROM versions v JOIN cables c ON c.id = v.cable_id ORDER BY 1, 2",
        )
        .unwrap();
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn csv_import_is_idempotent_and_fills_the_browse_tables() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(dir.path()).unwrap();
    let s = import(&mut a, &[fixture("cables.csv")]);
    assert_eq!((s.imported, s.unchanged, s.new_versions, s.rejected), (11, 0, 0, 0));
    let before = contents(&a);
    let s = import(&mut a, &[fixture("cables.csv")]);
    assert_eq!((s.imported, s.unchanged, s.new_versions, s.rejected), (0, 11, 0, 0));
    assert!(s.changed_nothing());
    assert_eq!(contents(&a), before);

    let london = a.cable("09london923").unwrap();
    assert_eq!(london.reference_id, "09LONDON923");
    assert_eq!(london.release_number, Some(203211));
    assert_eq!(london.created.as_deref(), Some("2009-04-20T16:45:00Z"));
    assert_eq!(london.tags, ["PGOV", "PREL", "PHUM", "IR", "UK"]);
    // a malformed published id is found by its corrected form too
    assert_eq!(a.cable("08MANAMA492").unwrap().reference_id, "08ECTION01OF02MANAMA492");
    // references are edges between cables
    assert_eq!(count(&a, "SELECT count(*) FROM refs WHERE cited_id = '08MANAMA165'"), 1);
    assert_eq!(count(&a, "SELECT count(*) FROM cables WHERE year = 2009 AND month = 4"), 1);
    assert_eq!(count(&a, "SELECT count(*) FROM tags WHERE tag = 'PREL'"), 4);
}

#[test]
fn every_version_of_a_reissued_cable_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(dir.path()).unwrap();
    // the CSV has each cable's last text; the versions file every text in order
    import(&mut a, &[fixture("reissued.csv")]);
    let s = import(&mut a, &[fixture("versions.jsonl")]);
    assert_eq!(s.rejected, 0);
    let versions_file = std::fs::read_to_string(fixture("versions.jsonl")).unwrap();
    for line in versions_file.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["reference_id"].as_str().unwrap();
        let stored: Vec<(String, String)> =
            (1..=a.versions(id).unwrap().len() as u32).map(|n| a.version_text(id, n).unwrap()).collect();
        for version in v["versions"].as_array().unwrap() {
            let text = (version["header"].as_str().unwrap().to_owned(), version["body"].as_str().unwrap().to_owned());
            assert!(stored.contains(&text), "{id}: a version is missing");
        }
        // the current version is the latest text, the CSV's
        let info = a.cable(id).unwrap();
        let latest = v["versions"].as_array().unwrap().last().unwrap();
        let current = a.version_text(id, info.current_version).unwrap();
        assert_eq!(current.1, latest["body"].as_str().unwrap(), "{id}");
    }
    let versions = a.versions("09CASABLANCA226").unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions.iter().any(|v| v.seen_at.starts_with("2010-") || v.seen_at.starts_with("2011-")));
    assert!(versions.iter().all(|v| !v.source.is_empty()));
    let diff = a.diff("09CASABLANCA226", 2, 3).unwrap();
    assert!(diff.starts_with("--- 09CASABLANCA226 version 2\n+++ 09CASABLANCA226 version 3\n"), "{diff}");
    assert!(diff.lines().any(|l| l.starts_with('-') && !l.starts_with("---")));
    // importing the versions again changes nothing
    assert!(import(&mut a, &[fixture("versions.jsonl")]).changed_nothing());
}

#[test]
fn site_pages_and_json_lines_hold_the_same_text_as_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(dir.path()).unwrap();
    // a mirror folder: one cable page and a listing page, which is skipped
    let s = import(&mut a, &[fixture("html")]);
    assert_eq!((s.imported, s.rejected, s.skipped_pages), (1, 0, 1));
    let page = a.cable("09LONDON923").unwrap();
    assert_eq!(page.classification.as_deref(), Some("SECRET//NOFORN"));
    assert_eq!(page.tags, ["PGOV", "PREL", "PHUM", "IR", "UK"]);
    let (_, body) = a.version_text("09LONDON923", 1).unwrap();
    assert!(!body.contains('¶') && body.contains("\n5. Contacts named"), "paragraph anchors are dropped");
    // the CSV holds the same text: the page's cable is unchanged
    let s = import(&mut a, &[fixture("cables.csv")]);
    assert_eq!((s.imported, s.unchanged), (10, 1));

    // JSON lines as `cablegate parse` prints them
    let jsonl = dir.path().join("cables.jsonl");
    let mut f = std::fs::File::create(&jsonl).unwrap();
    for row in cablegate_formats::release_csv::Reader::new(std::fs::File::open(fixture("cables.csv")).unwrap()) {
        let row = row.unwrap();
        let meta = cablegate_cable::Meta {
            reference_id: Some(&row.reference_id),
            created: Some(&row.created),
            classification: Some(&row.classification),
            origin: Some(&row.origin),
        };
        let cable = cablegate_cable::parse(&meta, &row.header, &row.body);
        writeln!(f, "{}", serde_json::to_string(&cable).unwrap()).unwrap();
    }
    drop(f);
    let other = tempfile::tempdir().unwrap();
    let mut b = Archive::open(other.path()).unwrap();
    assert_eq!(import(&mut b, &[jsonl]).imported, 11);
    assert_eq!(import(&mut b, &[fixture("cables.csv")]).unchanged, 11);
    assert_eq!(b.cable("09LONDON923").unwrap().created.as_deref(), Some("2009-04-20T16:45:00Z"));
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

/// One bad record of each kind the issue names, each between good ones.
#[test]
fn bad_records_are_reported_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture("cables.csv")).unwrap();
    let rows: Vec<&str> = good.split("\"\n\"").collect(); // rows of the fixture, quotes trimmed at the joins
    let row = |i: usize| -> String {
        let r = rows[i];
        let r = if r.starts_with('"') { r.to_owned() } else { format!("\"{r}") };
        if r.ends_with("\"\n") || r.ends_with('"') && i == rows.len() - 1 {
            r.trim_end().to_owned()
        } else {
            format!("{r}\"")
        }
    };
    let header_body = "\"P 201645Z APR 09\nFM AMEMBASSY LONDON\",\"S E C R E T LONDON 000001\"";
    let bad_rows = [
        format!("\"900\",\"4/31/2009 10:00\",\"09LONDON1\",\"Embassy London\",\"SECRET\",\"\",{header_body}"), // impossible date
        format!("\"901\",\"4/20/2009 10:00\",\"\",\"Embassy London\",\"SECRET\",\"\",{header_body}"), // empty id
        format!("\"902\",\"4/20/2009 10:00\",\"NOT AN ID\",\"Embassy London\",\"SECRET\",\"\",{header_body}"), // unparseable id
        "\"903\",\"4/20/2009 10:00\",\"09LONDON3\"".to_owned(), // wrong number of columns
    ];
    let mut text = String::new();
    text.push_str(&row(0));
    text.push('\n');
    for (i, b) in bad_rows.iter().enumerate() {
        text.push_str(b);
        text.push('\n');
        text.push_str(&row(i + 1));
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    // a row with bytes that are not UTF-8
    bytes.extend_from_slice(
        b"\"904\",\"4/20/2009 10:00\",\"09LONDON4\",\"Embassy \xff\xfe\",\"SECRET\",\"\",\"H\",\"B\"\n",
    );
    bytes.extend_from_slice(row(5).as_bytes());
    bytes.push(b'\n');
    // an unbalanced quote, between good rows
    bytes
        .extend_from_slice(b"\"905\",\"4/20/2009 10:00\",\"09LONDON5\",\"Embassy London\",\"SECRET\",\"\",\"H\",\"B\n");
    bytes.extend_from_slice(row(6).as_bytes());
    bytes.push(b'\n');
    let path = dir.path().join("bad.csv");
    write(&path, &bytes);

    let mut a = Archive::open(&dir.path().join("data")).unwrap();
    let s = import(&mut a, std::slice::from_ref(&path));
    assert_eq!(s.imported, 7, "the good rows around the bad ones: {:#?}", s.rejects);
    assert_eq!(s.rejected, 6, "{:#?}", s.rejects);
    let reasons: Vec<String> = s.rejects.iter().map(std::string::ToString::to_string).collect();
    let expect = [
        "created \"4/31/2009 10:00\" is not a possible date",
        "empty reference id",
        "reference id \"NOT AN ID\" is not a valid id",
        "expected 8 columns, found 3",
        "column 4 is not valid UTF-8",
        "unbalanced quote",
    ];
    for (got, want) in reasons.iter().zip(expect) {
        assert!(got.starts_with(&format!("{}: line ", path.display())), "{got}");
        assert!(got.contains(want), "{got} should say {want}");
    }
}

#[test]
fn a_truncated_file_keeps_what_came_before_and_loses_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(&dir.path().join("data")).unwrap();
    import(&mut a, &[fixture("reissued.csv")]);
    let before = contents(&a);
    // a gzip file cut in the middle
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&std::fs::read(fixture("cables.csv")).unwrap()).unwrap();
    let full = gz.finish().unwrap();
    let cut = dir.path().join("cut.csv.gz");
    write(&cut, &full[..full.len() * 2 / 3]);
    let s = import(&mut a, std::slice::from_ref(&cut));
    assert!(s.imported >= 1, "rows before the cut are imported");
    assert_eq!(s.rejected, 1, "{:#?}", s.rejects);
    let r = s.rejects[0].to_string();
    assert!(r.contains("cut.csv.gz") && (r.contains("truncated") || r.contains("columns")), "{r}");
    // nothing that was stored is altered
    let after = contents(&a);
    assert!(before.iter().all(|v| after.contains(v)));
    // a page without the expected boxes, given as a file
    let page = dir.path().join("09LONDON923.html");
    write(&page, b"<html><body><table class='cable'><tr><th>Reference ID</th></tr><tr><td>09LONDON923</td></tr></table></body></html>");
    let s = import(&mut a, &[page]);
    assert_eq!(s.rejected, 1);
    assert!(s.rejects[0].reason.contains("expected two text boxes"));
}

#[test]
fn unknown_inputs_fail_before_anything_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(&dir.path().join("data")).unwrap();
    let odd = dir.path().join("notes.txt");
    write(&odd, b"just some notes");
    let err = a.import(&[fixture("cables.csv"), odd], &ImportOptions::default()).unwrap_err().to_string();
    assert!(err.contains("notes.txt: not a format cablegate imports"), "{err}");
    let err = a.import(&[dir.path().join("missing.csv")], &ImportOptions::default()).unwrap_err().to_string();
    assert!(err.contains("missing.csv"), "{err}");
    assert_eq!(count(&a, "SELECT count(*) FROM cables"), 0);
}

#[test]
fn catalogue_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(dir.path()).unwrap();
    import(&mut a, &[fixture("cables.csv")]);
    let c = a.load_catalog(&fixture("catalog.csv")).unwrap();
    assert_eq!((c.total, c.held), (55, 11));
    let s = a.stats().unwrap();
    assert_eq!((s.held, s.total, s.held_of_total), (11, Some(55), Some(11)));
    assert_eq!(s.per_year.first(), Some(&(1966, 1)));
    assert_eq!(s.per_classification.iter().map(|c| c.1).sum::<u64>(), 11);
    assert!(s.per_origin.contains(&("Embassy London".to_owned(), 1)));
    // a bad catalogue line stops the load and leaves the catalogue as it was
    let bad = dir.path().join("bad-catalog.csv");
    write(&bad, b"id,reference_id,created_month\n1,66BUENOSAIRES2481,12\n2,72TEHRAN1164,13\n");
    let err = a.load_catalog(&bad).unwrap_err().to_string();
    assert!(err.contains("bad-catalog.csv: line 3: created_month \"13\" is not a month"), "{err}");
    assert_eq!(a.stats().unwrap().total, Some(55));
}

/// The real re-issued cables, on top of the whole real corpus: every version is kept.
#[test]
fn the_real_corpus_and_all_its_versions() {
    let shared = root().join("../shared/corpus");
    if !shared.join("cables.csv.gz").exists() {
        eprintln!("skipped: no corpus at {}", shared.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::open(dir.path()).unwrap();
    let s = import(&mut a, &[shared.join("cables.csv.gz")]);
    assert_eq!((s.imported, s.rejected), (6717, 0));
    let s = import(&mut a, &[shared.join("versions.jsonl.gz")]);
    assert_eq!(s.rejected, 0);
    let f = flate2::read::GzDecoder::new(std::fs::File::open(shared.join("versions.jsonl.gz")).unwrap());
    let mut checked = 0;
    for line in std::io::BufRead::lines(std::io::BufReader::new(f)) {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let id = v["reference_id"].as_str().unwrap();
        let n = a.versions(id).unwrap().len() as u32;
        let stored: Vec<(String, String)> = (1..=n).map(|k| a.version_text(id, k).unwrap()).collect();
        for version in v["versions"].as_array().unwrap() {
            let text = (version["header"].as_str().unwrap().to_owned(), version["body"].as_str().unwrap().to_owned());
            assert!(stored.contains(&text), "{id}: a version is missing");
        }
        checked += 1;
    }
    assert_eq!(checked, 131);
    let c = a.load_catalog(&shared.join("full-release-ids.csv.gz")).unwrap();
    assert_eq!((c.total, c.held), (251_287, 6717));
}

/// When a text was seen orders a cable's versions, so the archive keeps it in one form: an
/// ISO 8601 `seen_at` keeps its seconds, another readable form is brought to ISO 8601, and one
/// that is no time is a reject naming the line, where it used to be stored as given.
#[test]
fn seen_at_is_stored_as_iso_8601_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("versions.jsonl");
    let line = |id: &str, seen: &str| {
        format!(
            r#"{{"reference_id":"{id}","versions":[{{"seen_at":"{seen}","header":"H","body":"S E C R E T LONDON 1"}}]}}"#
        )
    };
    std::fs::write(
        &jsonl,
        [
            line("09LONDON1", "2010-12-04T18:15:39Z"),
            line("09LONDON2", "2010-12-04 18:15"),
            line("09LONDON3", "yesterday"),
        ]
        .join("\n"),
    )
    .unwrap();
    let mut a = Archive::open(&dir.path().join("data")).unwrap();
    let s = import(&mut a, &[jsonl]);
    assert_eq!(s.imported, 2, "{:?}", s.rejects);
    assert_eq!(s.rejects.len(), 1);
    assert_eq!(
        (s.rejects[0].location.as_str(), s.rejects[0].reason.as_str()),
        ("line 3", r#"seen_at "yesterday" is not a time"#)
    );
    assert_eq!(a.versions("09LONDON1").unwrap()[0].seen_at, "2010-12-04T18:15:39Z");
    assert_eq!(a.versions("09LONDON2").unwrap()[0].seen_at, "2010-12-04T18:15:00Z");
}
