//! The archive commands as a user runs them: import, catalog, stats, show; exit codes, reject
//! files, and an import killed with SIGKILL in the middle.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use cablegate_testkit::fixture;
use predicates::prelude::*;

fn cablegate(data: &Path) -> Command {
    let mut c = Command::cargo_bin("cablegate").unwrap();
    c.arg("--data").arg(data);
    c
}

#[test]
fn import_twice_then_browse() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data)
        .args(["import"])
        .arg(fixture("cables.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("11 new cables, 0 new versions, 0 unchanged, 0 rejected"));
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success().stdout(
        predicate::str::contains("0 new cables, 0 new versions, 11 unchanged")
            .and(predicate::str::contains("nothing changed")),
    );
    // not a terminal: plain output, no progress bar escape codes
    let out = cablegate(&data)
        .arg("import")
        .arg(fixture("reissued.csv"))
        .arg(fixture("versions.jsonl"))
        .arg("--json")
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(summary["imported"], 3);
    assert_eq!(summary["new_versions"], 4);
    assert!(summary["timings"]["total_s"].as_f64().unwrap() > 0.0);

    cablegate(&data)
        .args(["catalog"])
        .arg(fixture("catalog.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("catalogue: 55 cables; the archive holds text for 14 of them"));
    cablegate(&data)
        .args(["stats", "--check"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("held: 14 / 55 cables of the catalogue")
                .and(predicate::str::contains("  1966         1")),
        )
        .stderr(predicate::str::contains("check: 14 cables, 18 versions, all texts match their hashes"));
    cablegate(&data).args(["show", "09london923"]).assert().success().stdout(
        predicate::str::contains("Reference ID    09LONDON923")
            .and(predicate::str::contains("S E C R E T SECTION 01 OF 05")),
    );
    cablegate(&data)
        .args(["show", "09CASABLANCA226", "--versions"])
        .assert()
        .success()
        .stdout(predicate::str::contains("versions.jsonl:line 3").and(predicate::str::contains("reissued.csv:line")));
    cablegate(&data)
        .args(["show", "09CASABLANCA226", "--diff", "2", "3"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("--- 09CASABLANCA226 version 2\n+++ 09CASABLANCA226 version 3\n@@"));
    cablegate(&data)
        .args(["show", "09CASABLANCA226", "--diff", "1", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: cable 09CASABLANCA226 has no version 9 (it has 3)"));
    cablegate(&data)
        .args(["show", "99NOWHERE1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no cable 99NOWHERE1"));
}

#[test]
fn rejects_are_named_counted_and_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = dir.path().join("bad.csv");
    let mut text = std::fs::read_to_string(fixture("reissued.csv")).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("\"9\",\"2/30/2009 10:00\",\"09LONDON1\",\"Embassy London\",\"SECRET\",\"\",\"H\",\"B\"\n");
    std::fs::write(&bad, text).unwrap();
    let rejects = dir.path().join("rejects.txt");
    cablegate(&data)
        .arg("import")
        .arg(&bad)
        .arg("--rejects")
        .arg(&rejects)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 new cables, 0 new versions, 0 unchanged, 1 rejected"))
        .stderr(predicate::str::contains(format!(
            "bad.csv: line {line}: created \"2/30/2009 10:00\" is not a possible date"
        )));
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(written.lines().count(), 1);
    assert!(written.contains(&format!("bad.csv: line {line}:")), "{written}");
    cablegate(&data)
        .arg("import")
        .arg(dir.path().join("nope.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: ").and(predicate::str::contains("nope.csv")));
}

/// Builds a CSV of `n` real-looking cables (a real 1966 cable under new serials).
fn big_csv(path: &Path, n: usize) {
    let rows = std::fs::read_to_string(fixture("cables.csv")).unwrap();
    let start = rows.find("\"1\",\"12/28/1966").unwrap();
    let end = start + rows[start..].find("\n\"").unwrap() + 1;
    let row = &rows[start..end];
    let mut out = String::with_capacity(row.len() * n);
    for i in 0..n {
        out.push_str(&row.replacen("66BUENOSAIRES2481", &format!("66BUENOSAIRES{}", 10_000 + i), 1).replacen(
            "\"1\",",
            &format!("\"{}\",", i + 1),
            1,
        ));
    }
    std::fs::write(path, out).unwrap();
}

fn count(data: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(data.join("archive.sqlite"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("SELECT count(*) FROM cables", [], |r| r.get(0)).unwrap_or(0)
}

#[test]
fn an_import_killed_mid_way_leaves_a_consistent_archive_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("big.csv");
    let n = 20_000;
    big_csv(&csv, n);
    // something already in the archive, which must survive untouched
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();

    let bin = assert_cmd::cargo::cargo_bin("cablegate");
    let mut child = std::process::Command::new(bin)
        .arg("--data")
        .arg(&data)
        .args(["import", "--commit-every", "500"])
        .arg(&csv)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // wait for a few commits, then SIGKILL
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&data) < 11 + 1000 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let at_kill = count(&data);
    assert!(!status.success(), "the import was killed before it finished");
    assert!(at_kill > 11 && at_kill < 11 + n as i64, "killed mid-way: {at_kill} cables");

    // consistent: every committed cable has its text, matching its hash
    cablegate(&data)
        .args(["stats", "--check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("all texts match their hashes"));
    // running the same import again completes it
    let out = cablegate(&data).arg("import").arg(&csv).arg("--json").assert().success();
    let s: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(s["imported"].as_i64().unwrap() + s["unchanged"].as_i64().unwrap(), n as i64);
    assert_eq!(s["unchanged"].as_i64().unwrap(), at_kill - 11);
    assert_eq!(count(&data), 11 + n as i64);
    cablegate(&data)
        .args(["stats", "--check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("all texts match their hashes"));
    cablegate(&data).args(["show", "09LONDON923"]).assert().success();
}
