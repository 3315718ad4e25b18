//! Every link on every page reachable from the home page resolves: crawled in-process over
//! `render`, from a build of the fixture cables (and of the whole real corpus when it is there).

use std::collections::{HashSet, VecDeque};

use cablegate_testkit::Setup;

/// `../../tag/PREL_0.html` seen on `/cable/2009/04/X.html` -> `/tag/PREL_0.html`.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.trim_start_matches('/').split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn crawl(build: &cablegate_publication::Publication) -> usize {
    let href = regex::Regex::new(r##"href="([^"#]*)"##).unwrap();
    let mut seen: HashSet<String> = HashSet::from(["/index.html".to_owned()]);
    let mut queue = VecDeque::from(["/index.html".to_owned()]);
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        let page = cablegate_site::render(build, &path);
        let page = match page.status {
            200 => page,
            301 => cablegate_site::render(build, page.location.as_deref().unwrap()),
            s => {
                broken.push(format!("{path}: {s}"));
                continue;
            }
        };
        assert_eq!(page.status, 200, "{path}");
        if !page.content_type.starts_with("text/html") {
            continue;
        }
        for cap in href.captures_iter(std::str::from_utf8(&page.body).unwrap()) {
            let link = &cap[1];
            if link.is_empty() || link.starts_with("http:") || link.starts_with("https:") {
                continue;
            }
            assert!(!link.starts_with('/'), "{path}: link {link} is not relative");
            let target = resolve(&path, link);
            assert!(!target.contains(".."), "{path}: {link} escapes the site");
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    seen.len()
}

#[test]
fn every_link_of_the_fixture_build_resolves() {
    let b = Setup::fixtures().reissued().release_all("2011-01-01T00:00:00Z").publish("2011-09-01T00:00:00Z").open();
    let pages = crawl(&b);
    assert!(pages > 60, "{pages} pages");
}

/// The demo's build: all 6,717 real cables, released on their real schedule.
#[test]
fn every_link_of_the_demo_build_resolves() {
    let b = Setup::demo().publish("2011-09-01T00:00:00Z").open();
    let pages = crawl(&b);
    assert!(pages > 6717, "{pages} pages");
    tag_index_lists_tags_only(&b);
}

/// Every entry of `/tag/index.html` is a tag of the vocabulary (or a person tag): no word of a
/// subject or a body, no dashes, no `<br>`, each with its own page, feed and API list.
fn tag_index_lists_tags_only(b: &cablegate_publication::Publication) {
    let page = cablegate_site::render(b, "/tag/index.html");
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    let list = html.split(r#"<ul class="index">"#).nth(1).unwrap().split("</ul>").next().unwrap();
    let entry = regex::Regex::new(r#"<li><a href="[^"]*">([^<]*)</a>"#).unwrap();
    let labels: Vec<String> = entry
        .captures_iter(list)
        .map(|c| c[1].replace("&#44;", ",").replace("&#39;", "'").replace("&#38;", "&"))
        .collect();
    assert!(labels.len() > 300, "{} tags", labels.len());
    for label in &labels {
        // `PREL (External Political Relations)`: the tag and its meaning
        let tag = match label.split_once(" (") {
            Some((t, meaning)) if meaning.ends_with(')') => t,
            _ => label.as_str(),
        };
        assert!(cablegate_cable::tags::is_tag(tag), "{label:?} is listed as a tag");
    }
}
