//! Every feed of a publication read by a real feed parser (PyPI's feedparser, installed by
//! `.ci/clients`): the latest releases, every origin's and tag's, and searches (saved searches are
//! feeds): no bozo (malformed) feed, and the entries the site lists.

use cablegate_testkit::Setup;

#[test]
fn every_feed_parses_with_feedparser_without_errors() {
    let Some(clients) = cablegate_testkit::clients() else { return };
    let s = Setup::fixtures().reissued().release_all("2011-08-30T01:44:00Z").publish("2011-09-01T00:00:00Z");
    let b = s.open();
    let dir = tempfile::tempdir().unwrap();
    let mut feeds: Vec<String> =
        cablegate_site::paths(&b).unwrap().into_iter().filter(|p| p.ends_with(".atom")).collect();
    feeds.extend(["/search.atom?q=iran", "/search.atom?q=%01%3C%26", "/search.atom?q=tag%3APREL"].map(str::to_owned));
    assert!(feeds.len() > 20, "{feeds:?}");
    let mut names = Vec::new();
    for (i, path) in feeds.iter().enumerate() {
        let page = cablegate_site::render(&b, path);
        assert_eq!(page.status, 200, "{path}");
        let name = format!("feed{i}.atom");
        std::fs::write(dir.path().join(&name), &page.body).unwrap();
        names.push(name);
    }
    let script = r#"
import json, sys, feedparser
out = {}
for name in sys.argv[1:]:
    f = feedparser.parse(name)
    out[name] = {"bozo": f.bozo, "error": str(f.get("bozo_exception", "")), "version": f.version,
                 "entries": len(f.entries), "links": [e.get("link", "") for e in f.entries]}
print(json.dumps(out))
"#;
    let mut args = vec!["-c", script];
    args.extend(names.iter().map(String::as_str));
    let out = cablegate_testkit::run_client(dir.path(), &clients.join("venv/bin/python"), &args);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for (i, path) in feeds.iter().enumerate() {
        let f = &v[&names[i]];
        assert_eq!(f["bozo"], false, "{path}: {}", f["error"]);
        assert_eq!(f["version"], "atom10", "{path}");
        for link in f["links"].as_array().unwrap() {
            assert!(link.as_str().unwrap().contains("cable/"), "{path}: {link}");
        }
    }
    let latest = &v[&names[feeds.iter().position(|p| p == "/feed.atom").unwrap()]];
    assert!(latest["entries"].as_u64().unwrap() > 0, "{latest}");
    let iran = &v[&names[feeds.iter().position(|p| p == "/search.atom?q=iran").unwrap()]];
    assert!(iran["entries"].as_u64().unwrap() > 0, "{iran}");
}
