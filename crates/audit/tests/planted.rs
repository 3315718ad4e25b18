//! The audit against builds that do hold a redacted name: a build made before the redaction (the
//! redaction, in effect, switched off), its mirror, and files made from it that hide the name
//! behind entities, escapes and percent-encoding. It must find every planted leak, and nothing
//! once the build is made again.

use std::path::{Path, PathBuf};

use cablegate_audit::{audit, Finding, Options};
use cablegate_testkit::Setup;

fn export(s: &Setup, build: u32, dir: &Path, force: bool) -> Result<(), cablegate_export::Error> {
    let opts = cablegate_export::Options { threads: 2, force, ..Default::default() };
    cablegate_export::export(&s.publications(), Some(build), dir, &opts).map(drop)
}

fn findings(s: &Setup, build: u32, extra: &[PathBuf]) -> cablegate_audit::AuditReport {
    let opts = Options { number: Some(build), extra, max_pages: 0, ..Default::default() };
    audit(&s.archive, &s.data, &opts).expect("the audit runs")
}

/// Where a finding is, for the test to say which surfaces it reached.
fn place(f: &Finding) -> String {
    match f {
        Finding::RedactedText { place, .. } => place.clone(),
        Finding::RedactedInTable { what, .. } => format!("table:{what}"),
        Finding::SearchFinds { .. } => "search index".to_owned(),
        other => format!("{other}"),
    }
}

#[test]
fn the_audit_finds_every_planted_leak_and_nothing_in_a_build_made_again() {
    // build 1 holds "Moussavi" (09LONDON923 names him 28 times: subject, text, possessives)
    let mut s = Setup::fixtures().release_all("2010-11-28T00:00:00Z").publish("2010-11-28T00:00:00Z");
    let moussavi = s.archive.add_redaction("Moussavi", None, None).unwrap();
    // three names no cable holds, planted in files made from the build, each hidden from a byte
    // search: an entity for the apostrophe, a JSON line break inside the name, a percent-encoded link
    let hidden = ["D'Alema", "Douste-Blazy", "Garcia Sabrido"].map(|n| s.archive.add_redaction(n, None, None).unwrap());
    // a name that is also a word of the site's stylesheet (`white-space`): no false alarm there
    s.archive.add_redaction("White", None, None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mirror1 = tmp.path().join("mirror-1");

    // build 2 applies them: build 1 is now a build with the redactions switched off, which
    // export refuses unless forced (it reads publications only: it knows from build 2's manifest)
    let s = s.publish("2010-11-29T00:00:00Z");
    let refused = export(&s, 1, &mirror1, false).unwrap_err().to_string();
    assert!(refused.contains("build 1 lacks redaction(s) 1, 2, 3, 4, 5 that build 2 applies"), "{refused}");
    export(&s, 1, &mirror1, true).unwrap();
    let made = tmp.path().join("made-from-it");
    std::fs::create_dir_all(&made).unwrap();
    std::fs::write(made.join("quote.html"), "<p>Massimo D&#39;Alema said</p>").unwrap();
    std::fs::write(made.join("index.json"), r#"{"text": "Philippe Douste-\nBlazy wrote"}"#).unwrap();
    std::fs::write(made.join("links.html"), r#"<a href="/search?q=Garcia%20Sabrido">a search</a>"#).unwrap();

    // and the bundle a mirror operator seeds (`export --archive`)
    let bundle1 = tmp.path().join("build-1.tar.zst");
    cablegate_export::bundle(&mirror1, &bundle1).unwrap();
    let r = findings(&s, 1, &[mirror1.clone(), made.clone(), bundle1]);
    let places: Vec<String> = r.findings.iter().map(place).collect();
    let reached = |what: &str| places.iter().any(|p| p.contains(what));
    for surface in [
        "table:subject",
        "table:body",
        "search index",
        "09LONDON923.html",      // the cable's page
        "api/cable/09LONDON923", // its JSON
        "search/d/",             // the mirror's search documents (subjects)
        "search/t/",             // the mirror's search terms
        "feed.atom",             // a feed
        "quote.html",
        "index.json",
        "links.html",
        "build-1.tar.zst!/cable/2009/04/09LONDON923.html", // inside the bundle
    ] {
        assert!(reached(surface), "no finding in {surface}: {places:#?}");
    }
    for id in [moussavi].iter().chain(&hidden) {
        assert!(
            r.findings.iter().any(|f| matches!(f, Finding::RedactedText { redaction, .. } if redaction == id)),
            "redaction {id} is not found"
        );
    }
    // the decoded finds say where, with the context
    let shown: Vec<String> = r.findings.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|f| f.contains("quote.html") && f.contains("decoded") && f.contains("Massimo [[D'Alema]] said")),
        "{shown:#?}"
    );
    assert_eq!(r.older_builds.iter().map(|b| b.number).collect::<Vec<_>>(), vec![1]);

    // the build made again, and its mirror: nothing, not even from the cable the name was in
    let mirror2 = tmp.path().join("mirror-2");
    export(&s, 2, &mirror2, false).unwrap();
    let bundle2 = tmp.path().join("build-2.tar.zst");
    cablegate_export::bundle(&mirror2, &bundle2).unwrap();
    let clean = findings(&s, 2, &[mirror2, bundle2]);
    assert!(clean.findings.is_empty(), "{:#?}", clean.findings);
}

#[test]
fn surviving_parts_of_a_name_are_reported_for_the_publisher_to_decide() {
    let mut s = Setup::fixtures().release_all("2010-11-28T00:00:00Z");
    // "Mir Hossein Moussavi" is redacted; "Moussavi" alone survives in 09LONDON923
    let id = s.archive.add_redaction("Mir Hossein Moussavi", None, None).unwrap();
    let s = s.publish("2010-11-28T00:00:00Z");
    let r = findings(&s, 1, &[]);
    assert!(r.findings.is_empty(), "a part is no finding: {:#?}", r.findings);
    let parts: Vec<(&str, u64)> =
        r.surviving_parts.iter().filter(|p| p.redaction == id).map(|p| (p.part.as_str(), p.cables)).collect();
    assert!(parts.iter().any(|(p, n)| *p == "Moussavi" && *n >= 1), "{parts:?}");
    let found = r.surviving_parts.iter().find(|p| p.part == "Moussavi").unwrap();
    assert!(found.examples.contains(&"09LONDON923".to_owned()), "{found:?}");
}
