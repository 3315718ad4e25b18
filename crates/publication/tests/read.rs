//! The typed questions a publication answers, on a publication of the fixture cables made the way
//! the publisher makes one, and on a layout-1 publication made by an older cablegate
//! (`fixtures/publications/layout-1`, see its README), which must still open and read.

use cablegate_publication::{List, ListKind, ListOrder, Publication};

fn layout_1() -> Publication {
    let builds = cablegate_testkit::fixture("publications/layout-1/builds");
    Publication::open(&builds, None).expect("a layout-1 publication opens")
}

#[test]
fn a_layout_1_publication_opens_and_reads() {
    let p = layout_1();
    assert_eq!(p.manifest().format, 1);
    assert_eq!(p.manifest().number, 1);
    assert_eq!(p.manifest().released, 11);
    let london = p.find("09london923").unwrap().expect("09LONDON923 is in it");
    assert_eq!(london.reference_id, "09LONDON923");
    let (cable, released) = p.cable_released("09LONDON923").unwrap().expect("and parses");
    assert_eq!(cable.signed_by, ["LEBARON"]);
    assert!(released.starts_with("2011-"), "{released}");
    let tags = p.list_values(ListKind::Tag).unwrap();
    assert!(tags.iter().any(|t| t.value == "PREL" && t.count > 1), "{tags:?}");
    assert_eq!(p.list_keys(&List::Latest, ListOrder::Released).unwrap().len(), 11);
    // layout 1 had no search index: search says so, the rest reads
    let e = p.search().err().expect("no search index");
    assert!(e.to_string().contains("has no search index"), "{e}");
    assert!(p.latest_release_day().unwrap().is_some_and(|d| d.starts_with("2011-")));
}

#[test]
fn lists_come_in_their_order_and_count_what_they_hold() {
    let (_dir, p) = cablegate_testkit::fixture_publication("2011-01-01T00:00:00Z");
    let all = p.list_keys(&List::Latest, ListOrder::Created).unwrap();
    assert_eq!(all.len() as u64, p.manifest().released);
    // newest created first: the 1966 cable last among the dated ones
    let listed = p.listed(&all).unwrap();
    let created: Vec<&str> = listed.iter().filter_map(|l| l.created.as_deref()).collect();
    let mut sorted = created.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted);
    // every list of a kind holds as many cables as its value counts
    for kind in ListKind::ALL {
        for v in p.list_values(kind).unwrap() {
            let keys = p.list_keys(&List::Of(kind, v.value.clone()), ListOrder::Created).unwrap();
            assert_eq!(keys.len() as u64, v.count, "{kind:?} {}", v.value);
        }
    }
    // a day that is no day holds nothing, and is no error
    assert!(p.list_keys(&List::Of(ListKind::ReleaseDay, "2011".into()), ListOrder::Created).unwrap().is_empty());
}

#[test]
fn a_cable_is_found_by_any_spelling_and_its_versions_counted() {
    let (_dir, p) = cablegate_testkit::fixture_publication("2011-01-01T00:00:00Z");
    for spelling in ["09LONDON923", "09london923", " 09LONDON923 "] {
        assert_eq!(p.find(spelling).unwrap().map(|l| l.reference_id).as_deref(), Some("09LONDON923"), "{spelling}");
    }
    assert_eq!(p.version_count("09LONDON923").unwrap(), 1);
    assert_eq!(p.version_count("NOSUCHCABLE").unwrap(), 0);
    assert!(p.find("09LONDON99999").unwrap().is_none());
    assert_eq!(p.versions_seen("09LONDON923").unwrap().len(), 1);
    let text = p.version_text("09LONDON923", 1).unwrap().expect("version 1");
    assert!(text.text.contains("LEBARON"));
    assert!(p.version_text("09LONDON923", 2).unwrap().is_none());
}
