//! Snapshots of rendered pages (review changes with `cargo insta review`): the cable page of
//! 09LONDON923 and a listing page, from a build of the repository's fixture cables.

use cablegate_testkit::{fixture, Setup};

fn build() -> (Setup, cablegate_publication::Publication) {
    let s = Setup::fixtures()
        .release(&["09LONDON923"], "2011-02-15T12:12:00Z")
        .release_all("2011-08-30T01:44:00Z")
        .publish("2011-09-01T00:00:00Z");
    let b = s.open();
    (s, b)
}

fn page(b: &cablegate_publication::Publication, path: &str) -> String {
    let p = cablegate_site::render(b, path);
    assert_eq!(p.status, 200, "{path}");
    String::from_utf8(p.body).unwrap()
}

#[test]
fn cable_page() {
    let (_d, b) = build();
    insta::assert_snapshot!("09LONDON923", page(&b, "/cable/2009/04/09LONDON923.html"));
}

#[test]
fn listing_page() {
    let (_d, b) = build();
    insta::assert_snapshot!("tag_PREL_0", page(&b, "/tag/PREL_0.html"));
}

#[test]
fn listing_json() {
    // the API's list as a mirror writes it, bytes and all (keys in alphabetical order)
    let (_d, b) = build();
    insta::assert_snapshot!("api_tag_PREL_0", page(&b, "/api/tag/PREL_0.json"));
}

#[test]
fn search_page() {
    let (_d, b) = build();
    insta::assert_snapshot!("search_iran", page(&b, "/search?q=iran+-tripoli&sort=newest"));
}

/// The page without its one script, the CSL-JSON record of its citation (data, never run), after
/// checking that no text of the cable could end that script early: what is left has no script.
fn without_csl_json(html: &str) -> String {
    const OPEN: &str = "<script type=\"application/vnd.citationstyles.csl+json\" id=\"csl-json\">";
    let Some(start) = html.find(OPEN) else { return html.to_owned() };
    let end = start + html[start..].find("</script>").expect("the script ends");
    let json = &html[start + OPEN.len()..end];
    assert!(!json.contains(['<', '>', '&']), "{json}");
    serde_json::from_str::<serde_json::Value>(json).expect("the CSL-JSON is JSON");
    format!("{}{}", &html[..start], &html[end + "</script>".len()..])
}

#[test]
fn every_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("hostile.csv");
    std::fs::write(
        &csv,
        "\"1\",\"4/20/2009 16:45\",\"09LONDON1\",\"Embassy <London>\",\"SECRET\",\"\",\"P 201645Z APR 09\nFM AMEMBASSY LONDON\",\
         \"S E C R E T LONDON 000001\n\nTAGS: PGOV\nSUBJECT: <script>alert(1)</script> & \\\"QUOTES\\\"\n\n1. (S) Text with <b>tags</b> & ampersands.\n\nLEBARON\"\n",
    )
    .unwrap();
    let s = Setup::only(&[csv]).release_all("2011-01-01T00:00:00Z").publish("2011-09-01T00:00:00Z");
    let b = s.open();
    assert_eq!(b.manifest().released, 1);
    for path in ["/cable/2009/04/09LONDON1.html", "/index.html", "/date/2009-04_0.html"] {
        let html = without_csl_json(&page(&b, path));
        assert!(!html.contains("<script") && !html.contains("<b>tags") && !html.contains("<London>"), "{path}: {html}");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;QUOTES&#34;"), "{path}: {html}");
    }
    assert!(
        page(&b, "/cable/2009/04/09LONDON1.html").contains("Text with &#60;b&#62;tags&#60;/b&#62; &#38; ampersands.")
    );
    // search: the query, the subject, the snippets, the facets and the feed are escaped too
    for path in ["/search?q=tags+ampersands+%3Cscript%3E", "/search?q=tags", "/search.atom?q=tags"] {
        let html = page(&b, path);
        assert!(!html.contains("<script") && !html.contains("<b>tags") && !html.contains("<London>"), "{path}: {html}");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || path.contains("%3C"), "{path}: {html}");
    }
    let html = page(&b, "/search?q=tags");
    assert!(html.contains("<mark>tags</mark>&#60;/b&#62; &#38; ampersands"), "{html}");
    assert!(html.contains("Embassy &#60;London&#62;"), "{html}");
}

/// Every kind of page is valid HTML5 as HTML Tidy (Debian's `tidy`, installed by `.ci/run`)
/// checks it: no errors and no warnings. Without tidy the test says so and passes, except under
/// CI (`CI` set), where it fails.
#[test]
fn every_kind_of_page_is_valid_html() {
    if std::process::Command::new("tidy").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must install tidy (see .ci/run)");
        eprintln!("skipped: no tidy (apt-get install tidy)");
        return;
    }
    let (_d, b) = build();
    for path in [
        "/index.html",
        "/cable/2009/04/09LONDON923.html",
        "/cable/2008/07/08ECTION01OF02MANAMA492.html",
        "/tag/PREL_0.html",
        "/tag/index.html",
        "/origin/index.html",
        "/date/index.html",
        "/reldate/index.html",
        "/releases.html",
        "/stats.html",
        "/help.html",
        "/articles.html",
        "/cable/99NOWHERE1",
        "/search?q=iran+OR+libya",
        "/search?q=%22unbalanced",
        "/search",
    ] {
        let page = cablegate_site::render(&b, path);
        let mut child = std::process::Command::new("tidy")
            .args(["-e", "-q"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), &page.body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{path}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Builds are opened as SQLite URIs (`file:…?immutable=1`): a data folder whose path holds the
/// characters a URI gives a meaning to must still open the build, not another file.
#[test]
fn a_build_under_a_path_with_uri_characters_opens() {
    let s = Setup::only(&[fixture("cables.csv")])
        .in_folder("data 100% #1?x=y")
        .release_all("2011-08-30T01:44:00Z")
        .publish("2011-09-01T00:00:00Z");
    let b = s.open();
    assert!(page(&b, "/cable/2009/04/09LONDON923.html").contains("09LONDON923"));
    assert!(!s.dir.path().join("data 100% ").exists(), "no stray database at the path cut at `#`");
}

#[test]
fn lists_prepared_in_one_pass_are_the_lists_read_one_by_one() {
    // two builds of the same cables: one reads each list's order when a page asks for it, the
    // other has every list prepared at once, as a mirror's export does
    let (_a, alone) = build();
    let (_b, prepared) = build();
    cablegate_site::prepare_lists(&prepared).unwrap();
    let lists: Vec<String> = cablegate_site::paths(&alone)
        .unwrap()
        .into_iter()
        .filter(|p| {
            ["/origin/", "/tag/", "/classification/", "/api/origin/", "/api/tag/", "/api/classification/"]
                .iter()
                .any(|k| p.starts_with(k))
        })
        .filter(|p| !p.ends_with("/index.html"))
        .collect();
    for kind in ["/origin/", "/tag/", "/classification/", ".atom", "/api/"] {
        assert!(lists.iter().any(|p| p.contains(kind)), "no {kind} list among {lists:?}");
    }
    for p in &lists {
        assert_eq!(page(&prepared, p), page(&alone, p), "{p}");
    }
}
