//! A cable's citation: the meta tags and CSL-JSON of its page, read back by a real HTML parser;
//! its BibTeX, RIS and CSL-JSON downloads, read back by the parsers and the CSL processor
//! researchers use (bibtexparser, rispy, citeproc-js with Chicago, citation-js with APA); and
//! the citation pinned to the build and the version it cites.

use cablegate_publication::Publication;
use cablegate_testkit::Setup;

const URL: &str = "https://cables.example.org/";

fn build() -> (Setup, Publication) {
    let s =
        Setup::fixtures().reissued().release_all("2011-08-30T01:44:00Z").publish_at_url("2011-09-01T00:00:00Z", URL);
    let b = s.open();
    (s, b)
}

fn get(b: &Publication, path: &str) -> cablegate_site::Page {
    cablegate_site::render(b, path)
}

fn text(b: &Publication, path: &str) -> String {
    let p = get(b, path);
    assert_eq!(p.status, 200, "{path}");
    String::from_utf8(p.body).unwrap()
}

#[test]
fn every_cable_has_its_citation_beside_its_page_in_three_formats() {
    let (_s, b) = build();
    let bib = get(&b, "/cable/2009/04/09LONDON923.bib");
    assert_eq!((bib.status, bib.content_type), (200, "application/x-bibtex; charset=utf-8"));
    let ris = get(&b, "/cable/2009/04/09LONDON923.ris");
    assert_eq!((ris.status, ris.content_type), (200, "application/x-research-info-systems; charset=utf-8"));
    let csl = get(&b, "/cable/2009/04/09LONDON923.csl.json");
    assert_eq!((csl.status, csl.content_type), (200, "application/vnd.citationstyles.csl+json"));
    let item: serde_json::Value = serde_json::from_slice(&csl.body).unwrap();
    assert_eq!(item[0]["URL"], "https://cables.example.org/cable/2009/04/09LONDON923.html");
    assert_eq!(item[0]["publisher"], "cablegate, build 1 (1 September 2011)");
    assert_eq!(item[0]["issued"]["date-parts"], serde_json::json!([[2009, 4, 20]]));
    // a wrong month leads to the one path; an unknown cable is a 404; a mirror holds all three
    let moved = get(&b, "/cable/2009/05/09LONDON923.ris");
    assert_eq!((moved.status, moved.location.as_deref()), (301, Some("/cable/2009/04/09LONDON923.ris")));
    assert_eq!(get(&b, "/cable/2009/04/09LONDON99999.bib").status, 404);
    let paths = cablegate_site::paths(&b).unwrap();
    for ext in [".html", ".bib", ".ris", ".csl.json"] {
        let n = paths.iter().filter(|p| p.starts_with("/cable/") && p.ends_with(ext) && !p.contains("/diff_")).count();
        assert_eq!(n as u64, b.manifest().released, "{ext}");
    }
}

#[test]
fn a_citation_of_a_re_issued_cable_names_the_version_it_cites() {
    let (_s, b) = build();
    let versions = b.version_count("09TRIPOLI1025").unwrap();
    assert!(versions > 1, "the fixture is re-issued");
    let page = text(&b, "/cable/2009/12/09TRIPOLI1025.html");
    assert!(
        page.contains(&format!("version {versions} of {versions}, cablegate, build 1 (1 September 2011)")),
        "{page}"
    );
    let csl: serde_json::Value = serde_json::from_str(&text(&b, "/cable/2009/12/09TRIPOLI1025.csl.json")).unwrap();
    assert_eq!(csl[0]["version"], versions.to_string());
    assert!(text(&b, "/cable/2009/12/09TRIPOLI1025.bib").contains(&format!("version {versions} of {versions}")));
    // a cable with one version says none
    assert!(!text(&b, "/cable/2009/04/09LONDON923.html").contains(" of 1,"));
}

#[test]
fn the_page_s_meta_tags_and_csl_json_read_back_with_an_html_parser() {
    let (_s, b) = build();
    let html = text(&b, "/cable/2009/04/09LONDON923.html");
    let doc = scraper::Html::parse_document(&html);
    let meta = |name: &str| -> Vec<String> {
        let sel = scraper::Selector::parse(&format!("meta[name=\"{name}\"]")).unwrap();
        doc.select(&sel).filter_map(|m| m.value().attr("content")).map(str::to_owned).collect()
    };
    let subject = b.cable("09LONDON923").unwrap().unwrap().subject.unwrap();
    assert_eq!(meta("citation_title"), std::slice::from_ref(&subject));
    assert_eq!(meta("citation_author"), ["Embassy London"]);
    assert_eq!(meta("citation_technical_report_institution"), ["Embassy London"]);
    assert_eq!(meta("citation_technical_report_number"), ["09LONDON923"]);
    assert_eq!(meta("citation_date"), ["2009/04/20"]);
    assert_eq!(meta("citation_public_url"), ["https://cables.example.org/cable/2009/04/09LONDON923.html"]);
    assert_eq!(meta("citation_keywords"), ["PGOV", "PREL", "PHUM", "IR", "UK"]);
    assert_eq!(meta("DC.format.extent"), ["21 paragraphs"]);
    let sel = scraper::Selector::parse("script#csl-json").unwrap();
    let script = doc.select(&sel).next().expect("the CSL-JSON record").text().collect::<String>();
    let embedded: serde_json::Value = serde_json::from_str(&script).unwrap();
    let download: serde_json::Value = serde_json::from_str(&text(&b, "/cable/2009/04/09LONDON923.csl.json")).unwrap();
    assert_eq!(embedded, download);
    assert_eq!(embedded[0]["title"], subject.as_str());
    // the box: the formatted citation, the downloads, each paragraph's citation by its anchor
    let sel = scraper::Selector::parse("section[aria-labelledby=cite] p.citation").unwrap();
    let cited = doc.select(&sel).next().unwrap().text().collect::<String>();
    assert!(cited.starts_with("Embassy London, “IRAN ELECTIONS;"), "{cited}");
    assert!(cited.ends_with("20 April 2009, SECRET//NOFORN, cablegate, build 1 (1 September 2011), https://cables.example.org/cable/2009/04/09LONDON923.html."), "{cited}");
    let sel = scraper::Selector::parse("ul.para-cites li").unwrap();
    let paras: Vec<String> = doc.select(&sel).map(|li| li.text().collect()).collect();
    assert_eq!(paras.len(), 21);
    assert_eq!(
        paras[4],
        "¶5 Embassy London, 09LONDON923, para. 5, https://cables.example.org/cable/2009/04/09LONDON923.html#par5."
    );
    for n in 1..=21 {
        assert!(html.contains(&format!("id=\"par{n}\"")), "paragraph {n}'s anchor");
    }
}

#[test]
fn a_build_without_an_address_cites_without_one() {
    let s = Setup::fixtures().release_all("2011-08-30T01:44:00Z").publish("2011-09-01T00:00:00Z");
    let b = s.open();
    assert_eq!(b.manifest().url, None);
    let html = text(&b, "/cable/2009/04/09LONDON923.html");
    assert!(!html.contains("citation_public_url") && !html.contains("https://"), "no address is made up");
    // the next build keeps the address once given, until another is
    let s =
        s.publish_at_url("2011-09-02T00:00:00Z", "https://cables.example.org/archive").publish("2011-09-03T00:00:00Z");
    assert_eq!(s.open().manifest().url.as_deref(), Some("https://cables.example.org/archive/"));
}

#[test]
fn a_citation_names_the_build_that_first_published_the_text_so_pages_stay_the_same() {
    let s =
        Setup::fixtures().release(&["09LONDON923"], "2011-02-15T12:12:00Z").publish_at_url("2011-03-01T00:00:00Z", URL);
    let first = text(&s.open(), "/cable/2009/04/09LONDON923.html");
    assert!(first.contains("cablegate, build 1 (1 March 2011)"), "{first}");
    // a later build with more cables: the unchanged cable's page is byte for byte the same
    let s = s.release_all("2011-08-30T01:44:00Z").publish("2011-09-01T00:00:00Z");
    let b = s.open();
    assert_eq!(b.manifest().number, 2);
    assert_eq!(text(&b, "/cable/2009/04/09LONDON923.html"), first);
    assert_eq!(b.cited("09LONDON923").unwrap().build, 1);
    // a cable first published in build 2 names it
    assert!(text(&b, "/cable/2000/09/00HARARE5461.bib").contains("cablegate, build 2 (1 September 2011)"));
}

/// The files of one cable, written where the clients read them.
fn write_files(b: &Publication, dir: &std::path::Path) {
    for ext in ["bib", "ris", "csl.json"] {
        std::fs::write(dir.join(format!("cable.{ext}")), get(b, &format!("/cable/2009/04/09LONDON923.{ext}")).body)
            .unwrap();
    }
}

#[test]
fn bibtex_and_ris_read_back_with_their_own_parsers() {
    let Some(clients) = cablegate_testkit::clients() else { return };
    let (_s, b) = build();
    let dir = tempfile::tempdir().unwrap();
    write_files(&b, dir.path());
    let script = r#"
import json, bibtexparser, rispy
from bibtexparser.bparser import BibTexParser
with open("cable.bib") as f:
    bib = bibtexparser.load(f, parser=BibTexParser(common_strings=True))
with open("cable.ris") as f:
    ris = rispy.load(f)
print(json.dumps({"bib": bib.entries, "ris": ris}))
"#;
    let out = cablegate_testkit::run_client(dir.path(), &clients.join("venv/bin/python"), &["-c", script]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subject = b.cable("09LONDON923").unwrap().unwrap().subject.unwrap();
    let bib = &v["bib"][0];
    assert_eq!(v["bib"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(bib["ENTRYTYPE"], "techreport");
    assert_eq!(bib["ID"], "09LONDON923");
    assert_eq!(bib["title"], format!("{{{subject}}}"));
    assert_eq!(bib["author"], "{Embassy London}");
    assert_eq!(bib["institution"], "Embassy London");
    assert_eq!(bib["number"], "09LONDON923");
    assert_eq!(bib["date"], "2009-04-20");
    assert_eq!(bib["url"], "https://cables.example.org/cable/2009/04/09LONDON923.html");
    assert!(bib["note"].as_str().unwrap().contains("cablegate, build 1 (1 September 2011)"), "{bib}");
    let ris = &v["ris"][0];
    assert_eq!(v["ris"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(ris["type_of_reference"], "RPRT");
    assert_eq!(ris["title"], subject.as_str());
    assert_eq!(ris["authors"], serde_json::json!(["Embassy London"]));
    assert_eq!(ris["date"], "2009/04/20/");
    assert_eq!(ris["year"], "2009");
    assert_eq!(ris["accession_number"], "09LONDON923");
    assert_eq!(ris["urls"], serde_json::json!(["https://cables.example.org/cable/2009/04/09LONDON923.html"]));
    assert_eq!(ris["keywords"], serde_json::json!(["PGOV", "PREL", "PHUM", "IR", "UK"]));
}

#[test]
fn the_csl_json_renders_in_chicago_and_apa_through_real_csl_processors() {
    let Some(clients) = cablegate_testkit::clients() else { return };
    let (_s, b) = build();
    let dir = tempfile::tempdir().unwrap();
    write_files(&b, dir.path());
    let node_modules = clients.join("node/node_modules");
    let script = r#"
const modules = process.argv[process.argv.length - 1];
const m = (name) => require(require('path').join(modules, name));
const items = JSON.parse(require('fs').readFileSync('cable.csl.json', 'utf8'));
const { Cite, plugins } = m('@citation-js/core');
m('@citation-js/plugin-csl');
const apa = new Cite(items).format('bibliography', { format: 'text', template: 'apa', lang: 'en-US' }).trim();
const CSL = m('citeproc');
const locale = plugins.config.get('@csl').locales.get('en-US');
const sys = { retrieveItem: (id) => items.find((i) => i.id === id), retrieveLocale: () => locale };
const engine = new CSL.Engine(sys, m('style-chicago'));
engine.updateItems(items.map((i) => i.id));
const chicago = engine.makeBibliography()[1].join('').replace(/<[^>]+>/g, '').trim();
const cluster = engine.processCitationCluster(
  { citationItems: [{ id: items[0].id, locator: '5', label: 'paragraph' }], properties: { noteIndex: 0 } }, [], [])[1];
console.log(JSON.stringify({ apa, chicago, cite: cluster[0][1] }));
"#;
    let out = cablegate_testkit::run_client(
        dir.path(),
        std::path::Path::new("node"),
        &["-e", script, node_modules.to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let url = "https://cables.example.org/cable/2009/04/09LONDON923.html";
    let subject = b.cable("09LONDON923").unwrap().unwrap().subject.unwrap();
    let chicago = v["chicago"].as_str().unwrap();
    assert!(
        chicago.starts_with(&format!("Embassy London. 2009. “{subject}.” Diplomatic cable 09LONDON923.")),
        "{chicago}"
    );
    assert!(chicago.ends_with(&format!("cablegate, build 1 (1 September 2011). {url}.")), "{chicago}");
    let apa = v["apa"].as_str().unwrap();
    assert!(
        apa.starts_with(&format!("Embassy London. (2009). {subject} (Diplomatic Cable No. 09LONDON923).")),
        "{apa}"
    );
    assert!(apa.ends_with(&format!("cablegate, build 1 (1 September 2011). {url}")), "{apa}");
    // a paragraph cited by its locator
    assert_eq!(v["cite"], "(Embassy London 2009, para. 5)");
}
