//! Black-box tests of the `cablegate` binary, run as a user runs it.

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn cablegate() -> Command {
    Command::cargo_bin("cablegate").unwrap()
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    std::str::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The keys documented in the README's "Cable JSON" table.
fn documented_keys() -> Vec<String> {
    let readme = include_str!("../README.md");
    let section = readme.split("### Cable JSON").nth(1).expect("README has a Cable JSON section");
    let section = section.split("\n##").next().unwrap();
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn parse_csv_prints_one_line_per_cable_with_the_documented_keys() {
    let out =
        cablegate().args(["parse", "--csv", "fixtures/cables.csv"]).assert().success().get_output().stdout.clone();
    let cables = json_lines(&out);
    assert_eq!(cables.len(), 11);
    let mut documented = documented_keys();
    assert!(documented.len() >= 30, "{documented:?}");
    documented.sort();
    for c in &cables {
        let keys: Vec<String> = c.as_object().unwrap().keys().cloned().collect(); // sorted
        assert_eq!(keys, documented, "JSON keys and the README's table differ");
    }
    let london = cables.iter().find(|c| c["reference_id"] == "09LONDON923").unwrap();
    assert_eq!(london["level"], "SECRET");
    assert_eq!(london["handling"][0], "NOFORN");
    assert_eq!(london["paragraphs"][4]["number"], 5);
}

#[test]
fn parse_reads_gzip() {
    let dir = tempdir();
    let gz = dir.join("cables.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(&std::fs::read("fixtures/cables.csv").unwrap()).unwrap();
    enc.finish().unwrap();
    let out = cablegate().args(["parse", "--csv"]).arg(&gz).assert().success().get_output().stdout.clone();
    assert_eq!(json_lines(&out).len(), 11);
}

#[test]
fn parse_one_telegram_from_a_file_and_from_stdin() {
    let out = cablegate()
        .args(["parse", "--id", "09LONDON923", "fixtures/09LONDON923.txt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let c: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(c["canonical_id"], "09LONDON923");
    assert_eq!(c["dtg"], "2009-04-20T16:45:00Z");
    assert_eq!(c["to"][0]["station"], "SECSTATE WASHDC");
    assert_eq!(c["tags"], serde_json::json!(["PGOV", "PREL", "PHUM", "IR", "UK"]));
    assert_eq!(c["signed_by"], serde_json::json!(["LEBARON"]));
    // without --id the id comes from the banner and the date-time group
    let text = std::fs::read("fixtures/09LONDON923.txt").unwrap();
    let out =
        cablegate().args(["parse", "--compact", "-"]).write_stdin(text).assert().success().get_output().stdout.clone();
    let c: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(c["reference_id"], "09LONDON923");
    assert_eq!(c["classification"], "SECRET//NOFORN");
    assert_eq!(c["origin"], "Embassy London");
}

#[test]
fn the_year_of_a_ref_comes_from_the_id() {
    let out = cablegate()
        .args(["parse", "--id", "66BUENOSAIRES2481", "--created", "1966-12-28", "fixtures/66BUENOSAIRES2481.txt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let c: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(c["created"], "1966-12-28T00:00:00Z");
    assert_eq!(c["references"][0]["id"], "66STATE106206");
}

#[test]
fn garbage_still_gives_a_cable() {
    let out = cablegate()
        .arg("parse")
        .write_stdin(vec![0xff, 0xfe, b'\n', 0, 1, 2])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let c: Value = serde_json::from_slice(&out).unwrap();
    assert!(c["warnings"][0].as_str().unwrap().contains("not valid UTF-8"));
}

#[test]
fn bad_rows_are_named_and_good_rows_kept() {
    let dir = tempdir();
    let path = dir.join("bad.csv");
    let good = std::fs::read_to_string("fixtures/cables.csv").unwrap();
    let first_row_end = good.find("\"\n\"").unwrap() + 2;
    let mut text = good[..first_row_end].to_owned();
    text.push_str("\"2\",\"only three\",\"columns\"\n");
    text.push_str(&good[first_row_end..]);
    std::fs::write(&path, text).unwrap();
    let assert = cablegate().args(["parse", "--csv"]).arg(&path).assert().code(1);
    let out = assert.get_output();
    assert_eq!(json_lines(&out.stdout).len(), 11);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv: line"), "{err}");
    assert!(err.contains("expected 8 columns, found 3"), "{err}");
    assert!(err.contains("11 cables parsed, 1 rows rejected"), "{err}");
}

#[test]
fn usage_errors_are_clear() {
    cablegate()
        .args(["parse", "--created", "yesterday", "fixtures/09LONDON923.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: --created \"yesterday\" is not a date"));
    cablegate()
        .args(["parse", "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: reading no/such/file.txt: No such file"));
    cablegate().args(["parse", "--csv", "x.csv", "y.txt"]).assert().code(2);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cablegate-cli-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
