//! Issue 20's faults of the command line, each as it was reproduced: errors said twice, a cut
//! pipe that failed the command, records of any size accepted, files of a folder passed over
//! in silence, a server that SIGTERM killed without a word.

use std::io::Read;
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

/// "File exists (os error 17): File exists (os error 17)".
#[test]
fn an_error_says_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = cablegate(&file.join("data")).arg("import").arg(fixture("cables.csv")).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.starts_with("error: "), "{err}");
    let first = err.find("os error").expect("the cause is said");
    assert!(!err[first + 1..].contains("os error"), "said twice: {err}");
}

/// `cablegate stats | head -1` failed with "Broken pipe" and exit 2 about half the time.
#[test]
fn a_cut_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("cablegate");
    for _ in 0..20 {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' --data '{}' stats --json | head -c 1 > /dev/null; echo \"${{PIPESTATUS[0]}}\"",
                bin.display(),
                data.display()
            ))
            .output()
            .unwrap();
        let status: i32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(status == 0 || status == 141, "exit {status}: {err}");
        assert!(!err.contains("Broken pipe") && !err.contains("error"), "{err}");
    }
}

/// A 200 MB reference id was accepted (and became `release_number: null`, with no warning).
#[test]
fn a_record_larger_than_any_cable_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = dir.path().join("big.csv");
    let id = format!("09LONDON{}", "9".repeat(200));
    std::fs::write(
        &bad,
        format!("\"1\",\"4/20/2009 16:45\",\"{id}\",\"Embassy London\",\"SECRET\",\"\",\"H\",\"B\"\n"),
    )
    .unwrap();
    cablegate(&data)
        .arg("import")
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 new cables, 0 new versions, 0 unchanged, 1 rejected"))
        .stderr(predicate::str::contains("big.csv: line 1: reference id of 208 bytes: an id has at most 64"));
}

/// A folder import said nothing of the files it could not read as any format.
#[test]
fn a_folder_import_names_the_files_it_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mirror = dir.path().join("mirror");
    std::fs::create_dir_all(mirror.join("cable")).unwrap();
    std::fs::copy(fixture("html/cable/2009/04/09LONDON923.html"), mirror.join("cable/09LONDON923.html")).unwrap();
    std::fs::write(mirror.join("notes.txt"), "not a cable").unwrap();
    std::fs::copy(fixture("cables.csv"), mirror.join("more.csv")).unwrap();
    cablegate(&data)
        .arg("import")
        .arg(&mirror)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 files in the folders not read").and(predicate::str::contains("notes.txt")));
}

/// SIGTERM (what a service manager sends) ended the server at once, exit 143, no shutdown.
#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let port = cablegate_testkit::free_port();
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("cablegate"))
        .arg("--data")
        .arg(&data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the server starts");
        std::thread::sleep(Duration::from_millis(50));
    }
    // a client holding a partial request does not hold the shutdown past its deadline
    let _holder = {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(&mut s, b"GET / HTTP/1.1\r\n").unwrap();
        s
    };
    std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    let stopping = Instant::now();
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(stopping.elapsed() < Duration::from_secs(15), "the shutdown has a deadline");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    server.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "{status}: {err}");
    assert!(err.contains("shutting down"), "{err}");
}

fn published_fixtures() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    (dir, data)
}

fn current(data: &Path) -> String {
    std::fs::read_to_string(data.join("builds/CURRENT")).unwrap()
}

/// A text whose bytes changed in its pack went public as a "re-issued" version.
#[test]
fn publish_refuses_a_text_whose_bytes_changed() {
    let (_dir, data) = published_fixtures();
    let pack = std::fs::read_dir(data.join("texts")).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = bytes.windows(8).position(|w| w == b"MOUSSAVI").expect("the text is in the pack");
    bytes[at..at + 8].copy_from_slice(b"NOBODY!!");
    std::fs::write(&pack, bytes).unwrap();
    cablegate(&data)
        .arg("publish")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("09LONDON923 version 1: the text's bytes are not the ones imported"));
    assert_eq!(current(&data), "1\n", "the current build stays");
    cablegate(&data).args(["stats", "--check"]).assert().code(1).stderr(
        predicate::str::contains("09LONDON923 version 1: the text does not match its hash")
            .and(predicate::str::contains("to recover")),
    );
}

/// After bytes of the archive's tables were overwritten, `stats --check` said only "database
/// disk image is malformed", and `publish` exited 0 with "43 withdrawn".
#[test]
fn publish_refuses_a_damaged_archive_and_the_check_says_where() {
    let (_dir, data) = published_fixtures();
    let db = data.join("archive.sqlite");
    // the leaf page of the `cables` table, in the file (the write-ahead log checkpointed first)
    let (root, page) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        let root: i64 =
            c.query_row("SELECT rootpage FROM sqlite_master WHERE name = 'cables'", [], |r| r.get(0)).unwrap();
        let page: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        (root as usize, page as usize)
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = (root - 1) * page;
    // its cell count and the first cells' pointers flipped
    for b in &mut bytes[at + 3..at + 24] {
        *b ^= 0xff;
    }
    std::fs::write(&db, bytes).unwrap();
    let out = cablegate(&data).arg("publish").assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("nothing was published") || err.contains("malformed"), "{err}");
    assert_eq!(current(&data), "1\n", "the current build stays");
    let out = cablegate(&data).args(["stats", "--check"]).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("problem: ") && err.contains("to recover"), "{err}");
}

fn get(port: u16, path: &str) -> String {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Issue 20: a search has a time budget (`serve --search-budget`), past which it answers what
/// it found, with a warning on the page and `partial` in the API. A budget of 0 cuts every search.
#[test]
fn a_search_past_its_time_budget_answers_and_says_so() {
    let (_dir, data) = published_fixtures();
    let port = cablegate_testkit::free_port();
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("cablegate"))
        .arg("--data")
        .arg(&data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--search-budget", "0s"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    cablegate_testkit::wait_for_port(port, 20, "the server");
    let api = get(port, "/api/search?q=tripoli");
    let page = get(port, "/search?q=tripoli");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(api.starts_with("HTTP/1.1 200"), "{api}");
    let json: serde_json::Value = serde_json::from_str(api.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(json["partial"], true, "{json}");
    assert!(json["warnings"].to_string().contains("was stopped"), "{json}");
    assert!(page.starts_with("HTTP/1.1 200") && page.contains("took longer than its 0 s and was stopped"), "{page}");
}
