//! Static mirrors, end to end: the demo's real cables exported, served by a plain static file
//! server (Python's http.server) under a path prefix and crawled; its search page driven in a real
//! browser (Debian's `chromium` through `chromedriver`) and compared with the server's search;
//! verification; an incremental export after a release.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::Path;

use cablegate_export::{export, read_manifest, verify, Options};

use cablegate_testkit::{demo, Setup};

struct Server(std::process::Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Python's plain static file server on 127.0.0.1, serving `root`.
fn static_server(root: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 serves the mirror");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Server(child, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the static server did not start");
}

/// Resolves `href` against the page at URL path `page` (`/wikileaks/cable/2009/04/X.html`).
fn resolve(page: &str, href: &str) -> String {
    let href = href.split(['#', '?']).next().unwrap_or_default();
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let dir = &page[..page.rfind('/').unwrap() + 1];
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if href.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out
}

#[test]
fn the_demo_mirror_works_under_a_prefix_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    demo(&data);
    let root = tmp.path().join("www");
    let mirror = root.join("wikileaks");
    let s = export(&cablegate_publication::publications_dir(&data), None, &mirror, &Options::default()).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (s.files, 0, 0));
    // a page, a feed and an API list for each of the demo's tags, and none for words that are no
    // tag: about 19,200 files (22,800 when a thousand junk words were tags)
    assert!(s.files > 18_000, "{s:?}");

    // crawl every page from the home page, through a plain static file server
    let server = static_server(&root);
    let base = format!("http://127.0.0.1:{}", server.1);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let href = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut queue = VecDeque::from(["/wikileaks/index.html".to_owned()]);
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let (mut pages, mut broken, mut escaping) = (0, Vec::new(), Vec::new());
    while let Some(path) = queue.pop_front() {
        let mut res = agent.get(&format!("{base}{path}")).call().unwrap();
        if res.status() != 200 {
            broken.push(format!("{path}: {}", res.status()));
            continue;
        }
        pages += 1;
        if !path.ends_with(".html") {
            continue;
        }
        let body = res.body_mut().read_to_string().unwrap();
        for cap in href.captures_iter(&body) {
            let link = cap[1].replace("&#38;", "&");
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with('#')
                || link.starts_with("mailto:")
            {
                continue;
            }
            let target = resolve(&path, &link);
            if !target.starts_with("/wikileaks/") {
                escaping.push(format!("{path} -> {link}"));
                continue;
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    assert!(broken.is_empty(), "{} broken links, e.g. {:?}", broken.len(), &broken[..broken.len().min(10)]);
    assert!(escaping.is_empty(), "links leaving the prefix: {:?}", &escaping[..escaping.len().min(10)]);
    // every cable page was reached by following links
    let cables = std::fs::read_dir(mirror.join("api/cable")).unwrap().count();
    let reached = seen
        .iter()
        .filter(|p| p.starts_with("/wikileaks/cable/") && p.ends_with(".html") && !p.contains("/diff_"))
        .count();
    assert_eq!(reached, cables, "{pages} pages crawled");
    let build =
        cablegate_publication::Publication::open(&cablegate_publication::publications_dir(&data), None).unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(searches_in_a_browser(&format!("{base}/wikileaks/"), &build));
    drop(server);

    // verify: clean, then every kind of damage named
    let r = verify(&mirror).unwrap();
    assert!(r.is_clean(), "{r:?}");
    assert_eq!(r.ok, s.files);
    let page = mirror.join("cable/2009/04/09LONDON923.html");
    let mut bytes = std::fs::read(&page).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    std::fs::remove_file(mirror.join("tag/PREL_0.html")).unwrap();
    std::fs::write(mirror.join("cable/extra.html"), "not ours").unwrap();
    let r = verify(&mirror).unwrap();
    assert_eq!(r.altered, ["cable/2009/04/09LONDON923.html"]);
    assert_eq!(r.missing, ["tag/PREL_0.html"]);
    assert_eq!(r.extra, ["cable/extra.html"]);
    // the manifest in sha256sum's form lists the same files
    let sums = std::fs::read_to_string(mirror.join("MANIFEST.sha256")).unwrap();
    assert_eq!(sums.lines().count() as u64, s.files);
    assert!(sums.lines().any(|l| l.ends_with("  cable/2009/04/09LONDON923.html") && l.len() == 64 + 2 + 30));

    // exporting again repairs what was altered or lost, and leaves files it does not know
    let again = export(&cablegate_publication::publications_dir(&data), None, &mirror, &Options::default()).unwrap();
    assert_eq!((again.written, again.removed), (2, 0), "{again:?}");
    let r = verify(&mirror).unwrap();
    assert!(r.altered.is_empty() && r.missing.is_empty() && r.extra == ["cable/extra.html"], "{r:?}");

    // a bundle to seed: a tar.zst with its checksum
    let bundle = tmp.path().join("mirror.tar.zst");
    std::fs::remove_file(mirror.join("cable/extra.html")).unwrap();
    let sha = cablegate_export::bundle(&mirror, &bundle).unwrap();
    let sum = std::fs::read_to_string(tmp.path().join("mirror.tar.zst.sha256")).unwrap();
    assert_eq!(sum, format!("{sha}  mirror.tar.zst\n"));
    let mut names = BTreeSet::new();
    let mut tar = tar::Archive::new(zstd::Decoder::new(std::fs::File::open(&bundle).unwrap()).unwrap());
    for e in tar.entries().unwrap() {
        names.insert(e.unwrap().path().unwrap().to_string_lossy().into_owned());
    }
    assert_eq!(names.len() as u64, s.files + 2);
    assert!(names.contains("MANIFEST.json") && names.contains("cable/2009/04/09LONDON923.html"));
}

#[test]
fn an_incremental_export_rewrites_only_what_changed() {
    let s = Setup::fixtures()
        .in_folder("data")
        .release_all("2011-01-01T00:00:00Z")
        .withdraw("00HARARE5461", "2011-06-01T00:00:00Z")
        .publish("2011-02-01T00:00:00Z");
    let builds = s.publications();
    let mirror = s.dir.path().join("mirror");
    let first = export(&builds, None, &mirror, &Options { threads: 1, ..Default::default() }).unwrap();
    let before = read_manifest(&mirror).unwrap();
    assert!(mirror.join("cable/2000/09/00HARARE5461.html").exists());

    // the same build again: nothing written
    let again = export(&builds, None, &mirror, &Options::default()).unwrap();
    assert_eq!((again.written, again.unchanged, again.removed), (0, first.files, 0));

    // a later build: one cable withdrawn
    let _s = s.publish("2011-07-01T00:00:00Z");
    let stamp = std::fs::metadata(mirror.join("cable/2009/04/09LONDON923.html")).unwrap().modified().unwrap();
    let next = export(&builds, None, &mirror, &Options::default()).unwrap();
    let after = read_manifest(&mirror).unwrap();
    let changed = after.files.iter().filter(|(k, v)| before.files.get(*k) != Some(*v)).count() as u64;
    let gone = before.files.keys().filter(|k| !after.files.contains_key(*k)).count() as u64;
    assert_eq!(next.written, changed, "{next:?}");
    assert_eq!(next.removed, gone);
    assert!(gone >= 2 && changed > 0 && next.unchanged > 0, "{next:?}");
    assert!(!mirror.join("cable/2000/09/00HARARE5461.html").exists());
    assert!(!mirror.join("api/cable/00HARARE5461.json").exists());
    // a page that did not change was not touched
    let stamp2 = std::fs::metadata(mirror.join("cable/2009/04/09LONDON923.html")).unwrap().modified().unwrap();
    assert_eq!(stamp, stamp2);
    assert_eq!(after.build, 2);
    assert!(verify(&mirror).unwrap().is_clean());
}

/// The server's answer to a query: its total and the reference ids and creation times (as pages
/// show them) of its first page.
fn server_answer(build: &cablegate_publication::Publication, q: &str, sort: &str) -> (u64, Vec<(String, String)>) {
    let query = format!("q={}&sort={sort}", q.replace('%', "%25").replace('+', "%2B").replace(' ', "+"));
    let page = cablegate_site::render(build, &format!("/api/search?{query}"));
    let v: serde_json::Value = serde_json::from_slice(&page.body).unwrap();
    let ids = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let created = h["created"].as_str().unwrap_or_default();
            (h["reference_id"].as_str().unwrap().to_owned(), created.get(..16).unwrap_or(created).replace('T', " "))
        })
        .collect();
    (v["total"].as_u64().unwrap(), ids)
}

/// The mirror's search page in chromium: the same totals and first pages as the server's search
/// for every kind of query a mirror reads, a reference id opens its cable, pages and sorts link on,
/// and a query fetches only the shards of its words.
async fn searches_in_a_browser(base: &str, build: &cablegate_publication::Publication) {
    use fantoccini::{ClientBuilder, Locator};
    let Some((driver, _driver)) = cablegate_testkit::chromedriver() else { return };
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": cablegate_testkit::CHROMIUM_ARGS.iter().map(std::string::ToString::to_string)
                .chain([format!("--user-data-dir={}", profile.path().display())])
                .collect::<Vec<_>>()
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver)
        .await
        .expect("a chromium session");
    let summary = Locator::Css("#static-results .summary strong");
    let wait = std::time::Duration::from_secs(20);
    let open =
        |q: &str, sort: &str| format!("{base}search.html?q={}&sort={sort}", q.replace('+', "%2B").replace(' ', "+"));
    for q in [
        "iran nuclear",
        "Moussavi",
        "tag:prel",
        "tag:PREL origin:london",
        "origin:london",
        "iran origin:\"Embassy London\"",
        "sanction*",
        "iran -nuclear",
        "created:2009 iran",
        "created:2008-01..2009-06 iran",
        "iran OR iraq",
        "classification:secret",
        "classification:noforn",
        "subject:election",
        "ref:08STATE85678",
        "LONDON 923",
    ] {
        let (total, ids) = server_answer(build, q, "newest");
        assert!(total > 0, "the server finds {q}");
        c.goto(&open(q, "newest")).await.unwrap();
        let shown = c.wait().at_most(wait).for_element(summary).await.unwrap().text().await.unwrap();
        assert_eq!(shown.replace(',', ""), total.to_string(), "{q}");
        let mut mirror_ids = Vec::new();
        for li in c.find_all(Locator::Css("#static-results .hits li")).await.unwrap() {
            let id = li.find(Locator::Css("h2 a")).await.unwrap().text().await.unwrap();
            let meta = li.find(Locator::Css(".meta")).await.unwrap().text().await.unwrap();
            let created = meta.strip_prefix("Created ").and_then(|m| m.get(..16)).unwrap_or_default().to_owned();
            mirror_ids.push((id, created));
        }
        // newest first: the same times in the same order (cables created in the same minute may
        // come in either order), the same cables when they all fit on the page
        let times = |v: &[(String, String)]| v.iter().map(|x| x.1.clone()).collect::<Vec<_>>();
        assert_eq!(times(&mirror_ids), times(&ids), "{q}: the newest first");
        if total <= 20 {
            let set = |v: &[(String, String)]| v.iter().map(|x| x.0.clone()).collect::<BTreeSet<_>>();
            assert_eq!(set(&mirror_ids), set(&ids), "{q}");
        }
    }
    // oldest first, and the next page
    let (_, oldest) = server_answer(build, "iran nuclear", "oldest");
    c.goto(&open("iran nuclear", "oldest")).await.unwrap();
    c.wait().at_most(wait).for_element(summary).await.unwrap();
    let first = c.find(Locator::Css("#static-results .hits .meta")).await.unwrap().text().await.unwrap();
    assert!(first.starts_with(&format!("Created {}", oldest[0].1)), "{first} {oldest:?}");
    c.find(Locator::Css("#static-results a[rel=next]")).await.unwrap().click().await.unwrap();
    c.wait().at_most(wait).for_element(Locator::Css("#static-results ol.hits[start='21']")).await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().contains("page=2"));
    // a reference id alone opens the cable
    c.goto(&open("09london923", "newest")).await.unwrap();
    let deadline = std::time::Instant::now() + wait;
    while !c.current_url().await.unwrap().as_str().ends_with("/wikileaks/cable/2009/04/09LONDON923.html") {
        assert!(std::time::Instant::now() < deadline, "the reference id did not open its cable");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // what a two-word query downloads: the meta file, the shards of its two words, the documents
    // of one page
    c.goto(&open("embassy tehran", "newest")).await.unwrap();
    c.wait().at_most(wait).for_element(summary).await.unwrap();
    let fetched = c.execute("return performance.getEntriesByType('resource').map(e => e.name)", vec![]).await.unwrap();
    let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
    let shards = fetched.iter().filter(|u| u.contains("/search/t/")).count();
    let docs = fetched.iter().filter(|u| u.contains("/search/d/")).count();
    assert!((1..=2).contains(&shards) && (1..=20).contains(&docs), "{fetched:?}");
    assert!(fetched.iter().any(|u| u.ends_with("/search/meta.json")));
    c.close().await.unwrap();
}
