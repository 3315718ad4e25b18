//! Redactions through the whole pipeline, on the real cables where the release wrote a name in a
//! way a byte match missed: redact, publish the demo's 6,717 cables, then read what a reader can
//! get — the cable's page, its JSON, its diff pages, search and the tag index.

use cablegate_testkit::Setup;

const MARK: &str = "XXXXXXXXXXXX";

/// The text of a page or document with its white space squeezed and its entities undone, as a
/// reader sees it.
fn text(b: &cablegate_publication::Publication, path: &str) -> String {
    let page = cablegate_site::render(b, path);
    assert_eq!(page.status, 200, "{path}");
    let raw = String::from_utf8(page.body).unwrap();
    let raw = raw.replace("&#39;", "'").replace("&#34;", "\"").replace("&#38;", "&").replace("\\n", " ");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn names_written_every_way_the_release_writes_them_are_redacted_everywhere() {
    // (redaction, cable it is scoped to, cable, what the text reads around it once redacted; a
    // section marker the name spanned is kept in the text, and left out of the reading text)
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        ("Garcia Sabrido", None, "06MADRID3095", "Doctor Jose Luis XXXXXXXXXXXX, Chief Surgeon"),
        ("Douste-Blazy", None, "05PARIS4659", "wrote off Philippe XXXXXXXXXXXX as"),
        ("Gervais-Vidricaire", None, "09UNVIEVIENNA536", "Marie XXXXXXXXXXXX was"),
        ("D'Alema", None, "10ROME1", "Massimo XXXXXXXXXXXX who"),
        ("D'Alema", None, "10MILAN21", "Prodi and XXXXXXXXXXXX."),
        ("Maxim Verhagen", None, "06THEHAGUE2282", "as XXXXXXXXXXXX , the CDA"),
        ("Jorge Castaneda", None, "06MEXICO680", "Secretary XXXXXXXXXXXX , would"),
        // scoped to a cable: also its other record, published under a malformed id
        ("Christopher Henzel", Some("08MANAMA492"), "08ECTION01OF02MANAMA492", "CDA XXXXXXXXXXXX for reasons"),
        ("Christopher Henzel", Some("08MANAMA492"), "08MANAMA492", "CDA XXXXXXXXXXXX for reasons"),
    ];
    let mut s = Setup::demo();
    let mut added = std::collections::HashSet::new();
    for (name, cable, _, _) in cases {
        if added.insert((name, cable)) {
            s.archive.add_redaction(name, *cable, None).unwrap();
        }
    }
    // a name in an older version of a re-issued cable only (07ALGIERS45's first text, which also
    // names her by her surname alone: the publisher redacts that part too)
    s.archive.add_redaction("Nadia Mellal", None, None).unwrap();
    s.archive.add_redaction("Mellal", Some("07ALGIERS45"), None).unwrap();
    let s = s.publish("2011-09-01T00:00:00Z");
    let b = s.open();

    let mut misread = Vec::new();
    for (name, _, cable, context) in cases {
        let link = b.find(cable).unwrap().unwrap_or_else(|| panic!("{cable} is released"));
        let page = cablegate_site::cable_href(&link.reference_id, link.created.as_deref());
        let html = text(&b, &format!("/{page}"));
        if !html.contains(context) {
            let around: Vec<&str> =
                html.match_indices(MARK).map(|(i, _)| &html[i.saturating_sub(50)..(i + 70).min(html.len())]).collect();
            misread.push(format!("{name}: {cable}'s page does not read {context:?}: {around:?}"));
        }
        let json = text(&b, &format!("/api/cable/{}.json", link.reference_id));
        assert!(json.contains(MARK), "{cable}'s JSON");
        // what the name's words were, next to each other, is nowhere
        let words: Vec<&str> = name.split([' ', '-', '\'']).filter(|w| w.len() > 2).collect();
        for pair in words.windows(2) {
            let (a, z) = (pair[0].to_lowercase(), pair[1].to_lowercase());
            for t in [&html, &json] {
                let lower = t.to_lowercase();
                let near = lower
                    .match_indices(&a)
                    .any(|(i, _)| lower[i..].get(..a.len() + 60).is_some_and(|w| w.contains(&z)));
                assert!(!near, "{name} survives on {cable}");
            }
        }
        // search finds no cable by the name
        let q = name.replace(['\'', '-'], " ");
        let results = text(&b, &format!("/search?q=%22{}%22", q.replace(' ', "+")));
        assert!(!results.contains(&format!("{}.html", link.reference_id)), "search for {name} finds {cable}");
    }

    assert!(misread.is_empty(), "{misread:#?}");

    // every version and the diff between them
    let link = b.find("07ALGIERS45").unwrap().unwrap();
    let page = cablegate_site::cable_href(&link.reference_id, link.created.as_deref());
    let diff = text(&b, &format!("/{}/diff_1_2.html", page.trim_end_matches(".html")));
    assert!(!diff.to_lowercase().contains("mellal"), "the old version's name survives on the diff page");
}

/// The redaction ledger: a cable with passages withheld says how many and since which build, on
/// its page and in its JSON, and keeps the first build across later ones; a cable with none says
/// nothing; what was withheld is never named.
#[test]
fn a_redacted_cable_shows_its_ledger_never_what_was_withheld() {
    let s = Setup::fixtures().release_all("2010-11-28T00:00:00Z").publish("2010-11-28T00:00:00Z");
    let before = text(&s.open(), "/api/cable/09LONDON923.json").matches(MARK).count();
    let mut s = s;
    s.archive.add_redaction("Moussavi", None, Some("a source's safety")).unwrap();
    let s = s.publish("2010-11-29T00:00:00Z").publish("2010-11-30T00:00:00Z");
    let b = s.open();
    assert_eq!(b.manifest().number, 3);
    let json: serde_json::Value =
        serde_json::from_slice(&cablegate_site::render(&b, "/api/cable/09LONDON923.json").body).unwrap();
    let passages = json["withheld"]["passages"].as_u64().unwrap();
    // every mark added is counted, in the current text (the subject is a line of the body)
    let after = text(&b, "/api/cable/09LONDON923.json").matches(MARK).count();
    assert!(passages >= 20, "{passages}");
    assert!(after > before, "{before} → {after}");
    assert_eq!(json["withheld"]["since"], 2, "since the first build that withheld them");
    let link = b.find("09LONDON923").unwrap().unwrap();
    let page = text(&b, &format!("/{}", cablegate_site::cable_href(&link.reference_id, link.created.as_deref())));
    let notice =
        format!("Withheld by the publisher: {passages} passages of this cable, each marked {MARK}, since build 2.");
    assert!(page.contains(&notice), "{page}");
    assert!(!page.contains("a source's safety") && !page.to_lowercase().contains("moussavi"));
    // a cable the redaction does not touch carries no ledger
    let other = text(&b, "/api/cable/66BUENOSAIRES2481.json");
    assert!(!other.contains("withheld"), "{other}");
    assert!(text(&b, "/help.html").contains("Withheld passages"));
}
