//! The query language over the repository's real fixture cables (`fixtures/cables.csv`): what each
//! kind of query finds, counts, facets, the month histogram, sorting, paging and snippets.

use cablegate_cable::{parse, Meta, Reference};
use cablegate_search::{parse as read, Doc, Index, Indexer, Options, Sort};

const FIXTURES: &str = include_str!("../../../fixtures/cables.csv");

/// The fixture cables indexed, and their ids by key.
fn index() -> (tempfile::TempDir, Index, Vec<String>) {
    index_times(1)
}

/// The fixture cables indexed `copies` times over.
fn index_times(copies: usize) -> (tempfile::TempDir, Index, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::create(dir.path(), 1, 50_000_000).unwrap();
    let mut keys = Vec::new();
    let rows: Vec<_> = cablegate_formats::release_csv::Reader::new(FIXTURES.as_bytes()).map(Result::unwrap).collect();
    for r in std::iter::repeat_n(&rows, copies).flatten() {
        let meta = Meta {
            reference_id: Some(&r.reference_id),
            created: Some(&r.created),
            classification: Some(&r.classification),
            origin: Some(&r.origin),
        };
        let c = parse(&meta, &r.header, &r.body);
        let refs =
            c.references
                .iter()
                .filter_map(|r| if let Reference::Cable { id, .. } = r { Some(id.as_str()) } else { None });
        indexer
            .add(&Doc {
                key: keys.len() as u64,
                reference_id: &c.reference_id,
                canonical_id: &c.canonical_id,
                subject: c.subject.as_deref(),
                text: &c.body,
                tags: &c.tags,
                origin: c.origin.as_deref(),
                classification: c.classification.as_deref(),
                refs: refs.collect(),
                created: c.created.as_deref(),
                released: "2010-11-28T00:00:00Z",
            })
            .unwrap();
        keys.push(c.reference_id.clone());
    }
    indexer.finish().unwrap();
    let index = Index::open(dir.path()).unwrap();
    (dir, index, keys)
}

fn ids(index: &Index, keys: &[String], q: &str) -> Vec<String> {
    let p = read(q);
    assert!(p.warnings.is_empty(), "{q}: {:?}", p.warnings);
    let r = index.search(&p, &Options { limit: 100, ..Options::default() }).unwrap();
    assert_eq!(r.total as usize, r.hits.len(), "{q}");
    let mut ids: Vec<String> = r.hits.into_iter().map(|h| keys[h.key as usize].clone()).collect();
    ids.sort();
    ids
}

#[test]
fn every_kind_of_query_finds_what_it_should() {
    let (_dir, index, keys) = index();
    assert_eq!(index.len(), 11);
    let cases: &[(&str, &[&str])] = &[
        // a word, any case, in the text
        ("moussavi", &["09LONDON923"]),
        ("MOUSSAVI", &["09LONDON923"]),
        // all words must match
        ("sanctions moussavi", &[]),
        ("iran elections", &["09LONDON923"]),
        // an exact phrase, and the same words in another order do not match it
        ("\"conservative and reformist\"", &["09LONDON923"]),
        ("\"reformist and conservative\"", &[]),
        // OR and exclusion
        ("moussavi OR zanu", &["00HARARE5461", "09LONDON923"]),
        ("tripoli -libya", &[]),
        // a prefix
        ("mouss*", &["09LONDON923"]),
        // fields
        ("subject:moussavi", &["09LONDON923"]),
        ("tag:prel origin:tripoli", &["07TRIPOLI641"]),
        ("origin:\"Embassy The Hague\"", &["09THEHAGUE2"]),
        ("origin:THEHAGUE", &["09THEHAGUE2"]),
        ("classification:noforn", &["09LONDON923", "09STATE15113", "09THEHAGUE2"]),
        ("ref:08MANAMA320", &["08ECTION01OF02MANAMA492"]),
        ("ref:09state00006461", &["09STATE15113"]),
        ("created:1966", &["66BUENOSAIRES2481"]),
        ("created:2009-04", &["09LONDON923"]),
        ("created:2008-01..2008-12 tag:LY", &["08TRIPOLI230"]),
        ("created:..1980", &["66BUENOSAIRES2481", "7575LIBREVILLE1895"]),
        (
            "released:2010-11-28",
            &[
                "00HARARE5461",
                "07TRIPOLI641",
                "08ECTION01OF02MANAMA492",
                "08TRIPOLI230",
                "09LONDON923",
                "09STATE15113",
                "09STATE30049",
                "09THEHAGUE2",
                "10STATE17263",
                "66BUENOSAIRES2481",
                "7575LIBREVILLE1895",
            ],
        ),
        // reference ids and their parts
        ("09LONDON923", &["09LONDON923"]),
        ("LONDON 923", &["09LONDON923"]),
        ("08MANAMA492", &["08ECTION01OF02MANAMA492"]),
        // accents folded
        ("moussavì", &["09LONDON923"]),
        // only an exclusion: everything else
        (
            "-tripoli classification:confidential",
            &["00HARARE5461", "08ECTION01OF02MANAMA492", "09STATE30049", "09THEHAGUE2", "7575LIBREVILLE1895"],
        ),
    ];
    for (q, want) in cases {
        assert_eq!(ids(&index, &keys, q), *want, "{q}");
    }
}

#[test]
fn facets_months_sorting_and_paging() {
    let (_dir, index, keys) = index();
    let p = read("created:2008..2010");
    let all = index.search(&p, &Options::default()).unwrap();
    assert_eq!(all.total, 7);
    assert_eq!(all.facets.year, [(2008, 2), (2009, 4), (2010, 1)]);
    assert_eq!(
        all.facets.month,
        [(200803, 1), (200807, 1), (200901, 1), (200902, 1), (200903, 1), (200904, 1), (201002, 1)]
    );
    assert_eq!(all.facets.origin[0], ("Secretary of State".to_owned(), 3));
    assert!(all.facets.tag.contains(&("PREL".to_owned(), 3)), "{:?}", all.facets.tag);
    assert_eq!(all.facets.classification.iter().map(|c| c.1).sum::<u64>(), 7);

    let newest = index.search(&p, &Options { sort: Sort::Newest, limit: 3, ..Options::default() }).unwrap();
    let newest: Vec<_> = newest.hits.iter().map(|h| keys[h.key as usize].as_str()).collect();
    assert_eq!(newest, ["10STATE17263", "09LONDON923", "09STATE30049"]);
    let oldest = index.search(&p, &Options { sort: Sort::Oldest, limit: 2, offset: 1, ..Options::default() }).unwrap();
    let oldest: Vec<_> = oldest.hits.iter().map(|h| keys[h.key as usize].as_str()).collect();
    assert_eq!(oldest, ["08ECTION01OF02MANAMA492", "09THEHAGUE2"]);
    // every page is reachable and the total stays exact
    let last = index.search(&p, &Options { sort: Sort::Oldest, limit: 5, offset: 5, ..Options::default() }).unwrap();
    assert_eq!((last.total, last.hits.len()), (7, 2));
}

#[test]
fn snippets_mark_the_words_of_the_paragraphs_that_matched() {
    let (_dir, index, _) = index();
    let p = read("moussavi \"reformist camp\"");
    let h = index.highlighter(&p);
    let pars = [
        (Some(1), "Nothing here about the elections."),
        (Some(2), "MOUSSAVI is too unknown for many, said the REFORMIST CAMP; Moussavi may yet gain."),
        (Some(3), "Another paragraph mentions Moussavi once."),
    ];
    let s = h.snippets(pars, 1);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].paragraph, Some(2));
    assert_eq!(
        s[0].plain(),
        "[MOUSSAVI] is too unknown for many, said the [REFORMIST] [CAMP]; [Moussavi] may yet gain."
    );
    let s = h.snippets(pars, 3);
    assert_eq!(s.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [Some(2), Some(3)]);
    // a prefix highlights the words it expanded to
    let s = index.highlighter(&read("mouss*")).snippets(pars, 1);
    assert!(s[0].plain().contains("[MOUSSAVI]"), "{}", s[0].plain());
    // a query that matched no paragraph: the text's start
    let s = index.highlighter(&read("tag:PREL")).snippets(pars, 2);
    assert_eq!(s[0].plain(), "Nothing here about the elections.");
}

#[test]
fn facets_count_every_match_of_many() {
    // more matches than the facet counter takes at a time, in one segment
    let (_dir, one, _) = index();
    let (_dir2, many, _) = index_times(150);
    for q in ["created:2008..2010", "tripoli OR moussavi", "-tripoli", "\"the\""] {
        let p = read(q);
        let (a, b) = (one.search(&p, &Options::default()).unwrap(), many.search(&p, &Options::default()).unwrap());
        assert!(a.total > 0, "{q}");
        assert_eq!(b.total, a.total * 150, "{q}");
        let times = |v: &[(String, u64)]| v.iter().map(|(k, n)| (k.clone(), n * 150)).collect::<Vec<_>>();
        assert_eq!(b.facets.origin, times(&a.facets.origin), "{q}");
        assert_eq!(b.facets.tag, times(&a.facets.tag), "{q}");
        assert_eq!(b.facets.classification, times(&a.facets.classification), "{q}");
        let months: Vec<(u32, u64)> = a.facets.month.iter().map(|&(m, n)| (m, n * 150)).collect();
        assert_eq!(b.facets.month, months, "{q}");
    }
}

#[test]
fn the_best_snippets_are_those_of_cutting_every_paragraph() {
    // A page asks for a few snippets and only the paragraphs that can be among the best are cut.
    // Asked for every snippet, each paragraph is cut; the best k of those, by distinct words
    // marked, then words marked, then text order, must be what asking for k gives.
    let (_dir, index, _) = index();
    let mut cables: Vec<Vec<(Option<u32>, String)>> = cablegate_formats::release_csv::Reader::new(FIXTURES.as_bytes())
        .map(|r| {
            let r = r.unwrap();
            let c = parse(&Meta { reference_id: Some(&r.reference_id), ..Meta::default() }, &r.header, &r.body);
            c.paragraphs.into_iter().map(|p| (p.number, p.text)).collect()
        })
        .collect();
    // words inside longer words, other cases, accents, a word far from the others in a long paragraph
    cables.push(vec![
        (Some(1), "Iranian officials said nothing of IRAN.".to_owned()),
        (Some(2), "Iran, Iran and iran: the election in Iran.".to_owned()),
        (Some(3), "Téhéran et l'Iran; l'élection.".to_owned()),
        (Some(4), format!("Election day. {} Iran at last.", "Nothing to see here at all. ".repeat(12))),
        (Some(5), "Elections, electoral, elect.".to_owned()),
    ]);
    let key = |s: &cablegate_search::Snippet| {
        let marked: Vec<String> = s.parts.iter().filter(|p| p.1).map(|p| p.0.to_lowercase()).collect();
        let distinct: std::collections::BTreeSet<&String> = marked.iter().collect();
        (distinct.len(), marked.len())
    };
    let mut compared = 0;
    for q in
        ["iran election", "\"human rights\" government", "moussavi reformist conservative", "minist* said", "the of"]
    {
        let h = index.highlighter(&read(q));
        for pars in &cables {
            let pars: Vec<(Option<u32>, &str)> = pars.iter().map(|(n, t)| (*n, t.as_str())).collect();
            let all = h.snippets(pars.iter().copied(), pars.len().max(1));
            for k in 1..=all.len() {
                let mut best: Vec<(usize, &cablegate_search::Snippet)> = all.iter().enumerate().collect();
                best.sort_by(|a, b| key(b.1).cmp(&key(a.1)).then(a.0.cmp(&b.0)));
                best.truncate(k);
                best.sort_by_key(|b| b.0);
                let want: Vec<&cablegate_search::Snippet> = best.into_iter().map(|b| b.1).collect();
                let got = h.snippets(pars.iter().copied(), k);
                assert_eq!(got.iter().collect::<Vec<_>>(), want, "{q}, {k} snippets");
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "{compared}");
    // a word of the query inside another of its words is no reason to pass the longer one by
    let s = index.highlighter(&read("iran iranian")).snippets([(Some(1), "No."), (Some(2), "Iranian officials.")], 1);
    assert_eq!(s.iter().map(cablegate_search::Snippet::plain).collect::<Vec<_>>(), ["[Iranian] officials."]);
}

/// Issue 20: a search has a time budget, past which it answers what it found and says so; with
/// none (an audit) or a budget it keeps to, it finds everything.
#[test]
fn a_search_past_its_budget_answers_what_it_found_and_says_so() {
    let (_dir, index, _) = index_times(20);
    let p = read("the OR of OR and");
    for sort in [Sort::Relevance, Sort::Newest] {
        let all = index.search(&p, &Options { sort, budget: None, ..Options::default() }).unwrap();
        assert!(!all.partial && all.total >= 100, "{sort:?}: {}", all.total);
        let kept = index.search(&p, &Options { sort, ..Options::default() }).unwrap();
        assert!(!kept.partial && kept.total == all.total, "{sort:?}: the default budget is far above this");
        let cut =
            index.search(&p, &Options { sort, budget: Some(std::time::Duration::ZERO), ..Options::default() }).unwrap();
        assert!(cut.partial, "{sort:?}");
        assert!(cut.total < all.total && cut.hits.len() as u64 <= cut.total, "{sort:?}: {}", cut.total);
    }
}
