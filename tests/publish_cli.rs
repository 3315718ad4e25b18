//! Publishing end to end through the binary: releases, embargoes, withdrawals, redactions,
//! builds and audits, checked byte for byte in the build's files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cablegate_testkit::fixture;
use predicates::prelude::*;

fn cablegate(data: &Path) -> Command {
    let mut c = Command::cargo_bin("cablegate").unwrap();
    c.arg("--data").arg(data);
    c
}

/// An archive of the fixture cables with their catalogue.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).arg("catalog").arg(fixture("catalog.csv")).assert().success();
    (dir, data)
}

/// Every byte of every file of the current build, lower-cased.
fn build_bytes(data: &Path) -> Vec<u8> {
    let builds = data.join("builds");
    let n = std::fs::read_to_string(builds.join("CURRENT")).unwrap().trim().parse::<u32>().unwrap();
    let dir = builds.join(format!("{n:06}"));
    let mut all = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                all.extend(std::fs::read(p).unwrap());
            }
        }
    }
    all.to_ascii_lowercase()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase();
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn build_ids(data: &Path) -> Vec<String> {
    let builds = data.join("builds");
    let n = std::fs::read_to_string(builds.join("CURRENT")).unwrap().trim().to_owned();
    let conn =
        rusqlite::Connection::open(builds.join(format!("{:06}", n.parse::<u32>().unwrap())).join("build.sqlite"))
            .unwrap();
    let mut s = conn.prepare("SELECT reference_id FROM cables ORDER BY reference_id").unwrap();
    s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn only_released_cables_reach_a_build_and_an_audit_proves_it() {
    let (_dir, data) = archive();
    // 09THEHAGUE2 cites 09STATE125579 (not held) and 07THEHAGUE935; release only The Hague's
    cablegate(&data)
        .args(["release", "--origin", "Embassy The Hague", "--at", "2010-12-01 10:00"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 cables released from 2010-12-01T10:00:00Z"));
    cablegate(&data).args(["release", "09LONDON923", "--at", "2011-02-15 12:12"]).assert().success();
    cablegate(&data).arg("publish").assert().success().stdout(predicate::str::contains(
        "build 1 published and current: 2 / 55 cables released (2 added, 0 re-issued, 0 withdrawn)",
    ));
    assert_eq!(build_ids(&data), ["09LONDON923", "09THEHAGUE2"]);
    // byte for byte: no unreleased cable's text is in the build's files
    let bytes = build_bytes(&data);
    assert!(contains(&bytes, "NETHERLANDS: SHELL DISCUSSES BUSINESS IN IRAN"));
    for unreleased in [
        "KOREA AT 30TH UNGA: GABON",
        "EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS",
        "U.S.-RUSSIA JOINT THREAT ASSESSMENT",
    ] {
        assert!(!contains(&bytes, unreleased), "{unreleased} leaked");
    }
    cablegate(&data).arg("audit").assert().success().stdout(
        predicate::str::contains("2 cables checked as released").and(predicate::str::contains("nothing found")),
    );

    // the audit can fail: an unreleased cable's text slipped into a file made from the build
    let export = data.parent().unwrap().join("export");
    std::fs::create_dir_all(&export).unwrap();
    let text = std::fs::read_to_string(fixture("66BUENOSAIRES2481.txt")).unwrap();
    std::fs::write(export.join("page.html"), format!("<pre>{}</pre>", text.replace('&', "&amp;"))).unwrap();
    cablegate(&data).arg("audit").arg("--export").arg(&export).assert().code(1).stdout(
        predicate::str::contains("page.html: byte")
            .and(predicate::str::contains("text of 66BUENOSAIRES2481, which is not released")),
    );
}

#[test]
fn redactions_reach_no_part_of_a_build() {
    let (_dir, data) = archive();
    cablegate(&data).args(["release", "--all", "--at", "2011-01-01 00:00"]).assert().success();
    // in the SUBJECT and the body of 09LONDON923; "CONFIRM\nNEW ARGENTINE" spans a line break in 66BUENOSAIRES2481
    cablegate(&data).args(["redact", "add", "moussavi", "--note", "protect"]).assert().success();
    cablegate(&data).args(["redact", "add", "Confirm new   Argentine"]).assert().success();
    cablegate(&data).args(["redact", "add", "Greg Berry", "--cable", "09LONDON923"]).assert().success();
    cablegate(&data)
        .args(["redact", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("09LONDON923       Greg Berry"));
    cablegate(&data).arg("publish").assert().success();
    let bytes = build_bytes(&data);
    for redacted in ["moussavi", "confirm\nnew argentine", "greg berry"] {
        assert!(!contains(&bytes, redacted), "{redacted:?} is in the build");
    }
    assert!(
        contains(&bytes, "MOUSSAVI TOO UNKNOWN".replace("MOUSSAVI", "XXXXXXXXXXXX").as_str()),
        "the subject is redacted, not dropped"
    );
    cablegate(&data)
        .arg("audit")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 redactions looked for: nothing found"));
    // the search index holds the redacted text only: a search for a redacted name finds nothing,
    // in any case, as a word, a phrase or a prefix, while the rest of the cable is found
    for q in [
        "moussavi",
        "MOUSSAVI",
        "subject:moussavi",
        "mouss*",
        "\"greg berry\"",
        "greg berry",
        "\"confirm new argentine\"",
    ] {
        cablegate(&data).args(["search", q]).assert().success().stdout(predicate::str::starts_with("0 cables match"));
    }
    let out = cablegate(&data).args(["search", "--json", "disarray conservative reformist"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!((v["total"].as_u64(), v["hits"][0]["reference_id"].as_str()), (Some(1), Some("09LONDON923")), "{v}");
    assert!(!v.to_string().to_ascii_lowercase().contains("moussavi"), "{v}");
    // removing a redaction brings the text back in the next build, which says what changed
    cablegate(&data).args(["redact", "remove", "2"]).assert().success();
    cablegate(&data)
        .arg("publish")
        .assert()
        .success()
        .stdout(predicate::str::contains("(0 added, 1 re-issued, 0 withdrawn)"));
    assert!(contains(&build_bytes(&data), "confirm \nnew argentine"));
    cablegate(&data)
        .args(["search", "\"confirm new argentine\""])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("1 cable matches").and(predicate::str::contains("66BUENOSAIRES2481")));
}

#[test]
fn an_embargo_waits_for_a_build_made_after_it_and_a_withdrawal_leaves() {
    let (_dir, data) = archive();
    cablegate(&data)
        .args(["release", "09LONDON923", "08ECTION01OF02MANAMA492", "--at", "2011-01-01 00:00"])
        .assert()
        .success();
    cablegate(&data).args(["release", "10STATE17263", "--at", "2099-01-01 00:00"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    assert_eq!(build_ids(&data), ["08ECTION01OF02MANAMA492", "09LONDON923"]);
    assert!(!contains(&build_bytes(&data), "JOINT THREAT ASSESSMENT"));
    cablegate(&data).args(["publish", "--at", "2099-01-01 00:01"]).assert().success().stdout(predicate::str::contains(
        "build 2 published and current: 3 / 55 cables released (1 added, 0 re-issued, 0 withdrawn)",
    ));
    assert!(build_ids(&data).contains(&"10STATE17263".to_owned()));

    cablegate(&data).args(["withdraw", "09london923", "--at", "2099-01-02 00:00"]).assert().success();
    cablegate(&data)
        .args(["publish", "--at", "2099-01-03 00:00"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(0 added, 0 re-issued, 1 withdrawn)"));
    assert_eq!(build_ids(&data), ["08ECTION01OF02MANAMA492", "10STATE17263"]);
    cablegate(&data).arg("audit").assert().success();
    // the release log keeps the history
    let conn = rusqlite::Connection::open(data.join("builds/000003/build.sqlite")).unwrap();
    let kinds: Vec<(String, String)> = conn
        .prepare("SELECT reference_id, kind FROM release_log ORDER BY at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(kinds.contains(&("09LONDON923".into(), "withdrawn".into())));
    assert!(kinds.contains(&("10STATE17263".into(), "added".into())));
    // builds are listed, the current one starred; old ones can be removed, not the current one
    cablegate(&data).arg("builds").assert().success().stdout(predicate::str::contains("*     3"));
    cablegate(&data)
        .args(["builds", "--remove", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("build 1 removed"));
    cablegate(&data)
        .args(["builds", "--remove", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("build 3 is the current one"));
}

#[test]
fn the_real_schedule_replays() {
    let (_dir, data) = archive();
    let schedule = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/releases.tsv");
    if !schedule.exists() {
        eprintln!("skipped: no {}", schedule.display());
        return;
    }
    cablegate(&data).arg("release").arg("--schedule").arg(&schedule).assert().success().stdout(
        predicate::str::contains("11 cables scheduled for release; 6,706 in the schedule are not in the archive"),
    );
    cablegate(&data).args(["publish", "--at", "2010-12-31 00:00"]).assert().success();
    let early = build_ids(&data);
    cablegate(&data).args(["publish", "--at", "2011-09-01 00:00"]).assert().success();
    assert!(early.len() < 11 && build_ids(&data).len() == 11, "{early:?}");
}

/// The audit crawls a running site from its home page: clean, then (with a redaction added but
/// not yet published) it finds the text on the pages that show it.
#[test]
fn the_audit_crawls_a_running_site() {
    let (_dir, data) = archive();
    cablegate(&data).args(["release", "--all", "--at", "2011-01-01 00:00"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let (mut server, port) = serve(&data);
    let url = format!("http://127.0.0.1:{port}/");
    let clean = cablegate(&data).args(["audit", "--url", &url]).assert();
    let out = String::from_utf8_lossy(&clean.get_output().stdout).into_owned();
    // every page reachable from the home page: 11 cables, listings, indexes
    let pages: u64 =
        out.split(" pages crawled").next().and_then(|s| s.rsplit(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(pages > 40, "{out}");
    assert!(out.contains("nothing found"), "{out}");
    // a redaction not yet published: the crawl sees the text where the site still shows it
    cablegate(&data).args(["redact", "add", "Greg Berry"]).assert().success();
    cablegate(&data).args(["audit", "--url", &url]).assert().code(1).stdout(
        predicate::str::contains(format!("{url}cable/2009/04/09LONDON923.html: byte"))
            .and(predicate::str::contains("redacted text \"Greg Berry\"")),
    );
    // through the running binary: a citation of a catalogued, unreleased cable says so
    cablegate(&data).args(["withdraw", "07THEHAGUE935"]).assert().code(2); // never held
    let page = http_get(port, "/cable/2009/01/09THEHAGUE2.html");
    assert!(page.contains("C. 07THEHAGUE935 <span class=\"unreleased\">(not yet released)</span>"), "{page}");
    // a new build is served without a restart
    cablegate(&data).args(["withdraw", "09THEHAGUE2"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(http_get(port, "/").contains("Build 2, made"));
    assert!(http_get(port, "/cable/2009/01/09THEHAGUE2.html").starts_with("HTTP/1.1 404"));
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Starts `cablegate serve` on a free port of 127.0.0.1 and waits until it answers.
fn serve(data: &Path) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = std::process::Command::new(assert_cmd::cargo::cargo_bin("cablegate"))
        .arg("--data")
        .arg(data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (server, port)
}

fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn press_coverage_reaches_the_cable_pages() {
    let (_dir, data) = archive();
    cablegate(&data).args(["release", "09LONDON923", "--at", "2011-01-01 00:00"]).assert().success();
    cablegate(&data)
        .args([
            "article",
            "add",
            "https://example.org/iran-2009",
            "--title",
            "Iran's election, seen from London",
            "--outlet",
            "The Example",
            "--date",
            "2011-02-16",
            "09london923",
            "10STATE17263",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("article 1 recorded with 2 cables"));
    // an article that draws only on unreleased cables is not published
    cablegate(&data)
        .args([
            "article",
            "add",
            "https://example.org/secret",
            "--title",
            "Not yet",
            "--outlet",
            "X",
            "--date",
            "2011-03-01",
            "10STATE17263",
        ])
        .assert()
        .success();
    cablegate(&data)
        .args(["article", "add", "ftp://x", "--title", "t", "--outlet", "o", "--date", "2011-01-01", "09LONDON923"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an http(s) address"));
    cablegate(&data)
        .args(["article", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2011-02-16  Iran's election, seen from London — The Example"));
    cablegate(&data).arg("publish").assert().success();
    let bytes = build_bytes(&data);
    assert!(contains(&bytes, "Iran's election, seen from London") && !contains(&bytes, "example.org/secret"));
    let (mut server, port) = serve(&data);
    let page = http_get(port, "/cable/2009/04/09LONDON923.html");
    assert!(page.contains("<h2 id=\"articles\">Appears in these articles</h2>"), "{page}");
    assert!(page.contains("Iran&#39;s election, seen from London</a> — The Example, 2011-02-16"));
    let list = http_get(port, "/articles.html");
    assert!(
        list.contains("Draws on: <a href=\"cable/2009/04/09LONDON923.html\">09LONDON923</a>")
            && !list.contains("10STATE17263"),
        "{list}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// `redact add` says where a redaction matches before it is added, and refuses one that would
/// rewrite other words (fewer than 3 letters: `ir` was accepted and rewrote 6,536 real cables)
/// or that matches nothing (most likely misspelt), unless forced.
#[test]
fn a_redaction_is_previewed_and_a_harmful_or_useless_one_refused() {
    let (_dir, data) = archive();
    cablegate(&data)
        .args(["redact", "add", "Moussavi", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"Moussavi\" matches").and(predicate::str::contains("09LONDON923: ")));
    cablegate(&data).args(["redact", "list", "--json"]).assert().success().stdout(predicate::str::contains("[]"));
    cablegate(&data)
        .args(["redact", "add", "ir"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("fewer than 3 letters"));
    cablegate(&data)
        .args(["redact", "add", "Zzyzx Qwertyuiop"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("matches nothing in the archive"));
    cablegate(&data).args(["redact", "add", "Zzyzx Qwertyuiop", "--force"]).assert().success();
    cablegate(&data)
        .args(["redact", "add", "Moussavi"])
        .assert()
        .success()
        .stdout(predicate::str::contains("in 1 cable\n").and(predicate::str::contains("[[")));
    // the parts of a name that survive the whole name, and redacting them too
    cablegate(&data)
        .args(["redact", "check", "Greg Berry"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"Greg\" matches").and(predicate::str::contains("\"Berry\" matches")));
    cablegate(&data).args(["redact", "add", "Mir Hossein Moussavi", "--parts", "--force"]).assert().success();
    cablegate(&data)
        .args(["redact", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Hossein").and(predicate::str::contains("Mir Hossein Moussavi")));
}

/// A build made before a redaction still holds the name: `export --build` refuses it unless
/// forced, the audit reports it, `publications --prune` removes it and keeps the current one.
#[test]
fn builds_older_than_a_redaction_are_refused_reported_and_pruned() {
    let (dir, data) = archive();
    cablegate(&data).args(["release", "--all", "--at", "2011-01-01 00:00"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    cablegate(&data).args(["redact", "add", "moussavi"]).assert().success();
    // the audit of the current build, made before the redaction, says to publish again
    cablegate(&data).arg("audit").assert().failure().stdout(
        predicate::str::contains("OLDER BUILD 1 lacks redaction(s) 1").and(predicate::str::contains("publish again")),
    );
    cablegate(&data).arg("publish").assert().success();
    let mirror = dir.path().join("mirror");
    cablegate(&data)
        .args(["export", "--build", "1"])
        .arg(&mirror)
        .assert()
        .failure()
        .stderr(predicate::str::contains("build 1 lacks redaction(s) 1 that build 2 applies"));
    assert!(!mirror.join("index.html").exists(), "nothing is written");
    cablegate(&data).args(["export", "--build", "1", "--force"]).arg(&mirror).assert().success();
    cablegate(&data)
        .arg("audit")
        .assert()
        .success()
        .stdout(predicate::str::contains("OLDER BUILD 1 lacks redaction(s) 1: export refuses it"));
    cablegate(&data)
        .args(["publications", "--prune"])
        .assert()
        .success()
        .stderr(predicate::str::contains("build 1 removed: it lacks redaction(s) 1 of build 2"))
        .stdout(predicate::str::contains("\n*     2  ").and(predicate::str::contains("\n      1  ").not()));
    cablegate(&data).arg("audit").assert().success().stdout(predicate::str::contains("OLDER BUILD").not());
    cablegate(&data)
        .args(["publications", "--prune"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no build lacks"));
}

#[test]
fn publish_url_is_checked_kept_and_named_by_citations() {
    let (_d, data) = archive();
    cablegate(&data).args(["release", "--all", "--at", "2011-01-01 00:00"]).assert().success();
    for (bad, why) in [
        ("ftp://cables.example.org/", "not an http or https address"),
        ("cables.example.org", "relative URL without a base"),
        ("https://cables.example.org/?q=1", "no query string or fragment"),
    ] {
        cablegate(&data).args(["publish", "--url", bad]).assert().failure().stderr(
            predicate::str::contains(format!("{bad:?} cannot be the build's address"))
                .and(predicate::str::contains(why)),
        );
    }
    assert!(!data.join("builds/CURRENT").exists(), "a refused address publishes nothing");
    cablegate(&data).args(["publish", "--url", "https://cables.example.org/archive"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("builds/000002/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["url"], "https://cables.example.org/archive/", "kept from the build before");
    // the mirror's cable page and its BibTeX name the page by that address
    let mirror = data.parent().unwrap().join("mirror");
    cablegate(&data).arg("export").arg(&mirror).assert().success();
    let page = std::fs::read_to_string(mirror.join("cable/2009/04/09LONDON923.html")).unwrap();
    let url = "https://cables.example.org/archive/cable/2009/04/09LONDON923.html";
    assert!(page.contains(&format!(r#"<meta name="citation_public_url" content="{url}">"#)), "{page}");
    let bib = std::fs::read_to_string(mirror.join("cable/2009/04/09LONDON923.bib")).unwrap();
    assert!(bib.contains(&format!("url = {{{url}}}")) && bib.contains("cablegate, build 1 ("), "{bib}");
}
