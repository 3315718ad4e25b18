//! The repository's fixture cables (`fixtures/cables.csv`, real cables of the release chosen for
//! their quirks) parsed and compared with reviewed snapshots in `tests/snapshots/`, plus the
//! exact values the issue names for them. Review changes with `cargo insta review`.

use cablegate_cable::{parse, parse_telegram, Cable, Meta, Reference};

const FIXTURES: &str = include_str!("../../../fixtures/cables.csv");

fn fixtures() -> Vec<(String, Cable, String)> {
    cablegate_formats::release_csv::Reader::new(FIXTURES.as_bytes())
        .map(|r| {
            let r = r.unwrap();
            let meta = Meta {
                reference_id: Some(&r.reference_id),
                created: Some(&r.created),
                classification: Some(&r.classification),
                origin: Some(&r.origin),
            };
            let telegram = format!("{}\n{}", r.header, r.body);
            (r.reference_id.clone(), parse(&meta, &r.header, &r.body), telegram)
        })
        .collect()
}

fn fixture(id: &str) -> Cable {
    fixtures().into_iter().find(|f| f.0 == id).unwrap_or_else(|| panic!("no fixture {id}")).1
}

#[test]
fn snapshots() {
    for (id, cable, _) in fixtures() {
        let mut v = serde_json::to_value(&cable).unwrap();
        // the input text itself is not worth a snapshot
        let o = v.as_object_mut().unwrap();
        o.remove("header");
        o.remove("body");
        insta::assert_json_snapshot!(id, v);
    }
}

#[test]
fn london_923() {
    let c = fixture("09LONDON923");
    assert_eq!(c.level, Some(cablegate_cable::Level::Secret));
    assert_eq!(c.handling, ["NOFORN"]);
    assert_eq!(c.transmission_id.as_deref(), Some("VZCZCXRO4307"));
    assert_eq!(c.routing.as_deref(), Some("DE RUEHLO #0923/01 1101645"));
    assert_eq!(c.dtg.as_deref(), Some("2009-04-20T16:45:00Z"));
    assert_eq!(c.to[0].route.as_deref(), Some("RUEHC"));
    assert_eq!(c.to[0].serial.as_deref(), Some("2046"));
    assert_eq!(c.section.map(|s| (s.number, s.of)), Some((1, 5)));
    assert_eq!(c.declassify_on.as_deref(), Some("2019-03-16"));
    assert_eq!(c.captions, ["NOFORN", "SIPDIS"]);
    assert_eq!(c.tags, ["PGOV", "PREL", "PHUM", "IR", "UK"]);
    assert_eq!(c.reasons, ["1.4(b)", "1.4(d)"]);
    assert_eq!(c.classified_by.as_deref(), Some("Political Minister-Counselor Greg Berry"));
    assert_eq!(c.signed_by, ["LEBARON"]);
    assert_eq!(c.markers[0], "LONDON 00000923 002.2 OF 005");
    assert!(c.paragraphs.iter().all(|p| !p.text.contains("00000923")));
    let p5 = c.paragraphs.iter().find(|p| p.number == Some(5)).unwrap();
    assert_eq!(p5.marking, None);
    let p6 = c.paragraphs.iter().find(|p| p.number == Some(6)).unwrap();
    assert_eq!(p6.marking.as_deref(), Some("S/NF"));
    assert!(c.summary.as_deref().unwrap().starts_with("Iranian analysts in Iran"));
    assert!(c.redactions >= 10);
}

#[test]
fn malformed_ids_keep_the_published_one() {
    let c = fixture("08ECTION01OF02MANAMA492");
    assert_eq!((c.reference_id.as_str(), c.canonical_id.as_str()), ("08ECTION01OF02MANAMA492", "08MANAMA492"));
    let refs: Vec<_> = c.references.iter().map(|r| (r.bullet().unwrap().to_owned(), r.clone())).collect();
    assert_eq!(refs[0].0, "A");
    assert_eq!(refs[0].1, Reference::Cable { id: "08MANAMA165".into(), bullet: Some("A".into()) });
    let c = fixture("7575LIBREVILLE1895");
    assert_eq!(c.canonical_id, "75LIBREVILLE1895");
    assert_eq!(c.declassify_on.as_deref(), Some("NGDS"));
}

#[test]
fn the_1966_cable() {
    let c = fixture("66BUENOSAIRES2481");
    assert_eq!(c.created.as_deref(), Some("1966-12-28T18:48:00Z"));
    let p = c.precedence.as_ref().unwrap();
    assert_eq!((p.action.as_str(), p.info.as_str()), ("PRIORITY", "ROUTINE"));
    assert_eq!(c.declassify_on.as_deref(), Some("DECLASSIFIED BY NARA 09/02/2009"));
    assert_eq!(c.references, [Reference::Cable { id: "66STATE106206".into(), bullet: None }]);
    assert_eq!(c.paragraphs.len(), 8);
}

#[test]
fn partial_extract() {
    let c = fixture("00HARARE5461");
    assert!(c.partial);
    assert_eq!(c.tags, ["PGOV", "PINS", "ZI", "MDC", "ZANU-PF"]);
    assert_eq!(c.signed_by, ["MCDONALD"]);
    assert!(c.markers.iter().any(|m| m.starts_with("CONFIDENTIAL PAGE 02 HARARE 05461")));
    assert!(c.summary.is_some());
}

#[test]
fn longest_cable() {
    let c = fixture("10STATE17263");
    assert!(c.body.len() > 60_000);
    assert_eq!(c.signed_by, ["CLINTON"]);
    assert_eq!(c.paragraphs.last().and_then(|p| p.number), Some(77));
}

/// A cable given as one telegram text (as `cablegate parse FILE` reads it) parses as it does
/// from the CSV's separate header and body columns.
#[test]
fn telegram_text_splits_where_the_csv_does() {
    for (id, from_csv, telegram) in fixtures() {
        let meta = Meta { reference_id: Some(&id), ..Meta::default() };
        let t = parse_telegram(&meta, &telegram);
        assert_eq!(t.subject, from_csv.subject, "{id}");
        assert_eq!(t.tags, from_csv.tags, "{id}");
        assert_eq!(t.dtg, from_csv.dtg, "{id}");
        assert_eq!(t.to, from_csv.to, "{id}");
        assert_eq!(t.paragraphs.len(), from_csv.paragraphs.len(), "{id}");
    }
}
