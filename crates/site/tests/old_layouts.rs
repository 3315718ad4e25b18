//! A publication of layout 1 (no search index; made by an older cablegate, committed in
//! `fixtures/publications/layout-1`) is still served: its pages render, and its search page says
//! that it has no index instead of failing.

use cablegate_publication::Publication;

#[test]
fn a_layout_1_publication_renders() {
    let builds = cablegate_testkit::fixture("publications/layout-1/builds");
    let p = Publication::open(&builds, None).expect("it opens");
    for path in ["/index.html", "/cable/2009/04/09LONDON923.html", "/tag/PREL_0.html", "/api/cable/09LONDON923.json"] {
        let page = cablegate_site::render(&p, path);
        assert_eq!(page.status, 200, "{path}: {}", String::from_utf8_lossy(&page.body));
    }
    let cable = String::from_utf8(cablegate_site::render(&p, "/cable/2009/04/09LONDON923.html").body).unwrap();
    assert!(cable.contains("LEBARON"), "the cable's text is on its page");
    let search = cablegate_site::render(&p, "/search?q=iran");
    let body = String::from_utf8_lossy(&search.body);
    assert!(body.contains("has no search index"), "{}: {body}", search.status);
}

/// A publication of layout 3 (made by the cablegate before citations, committed in
/// `fixtures/publications/layout-3`): its pages render and search, and a citation names the
/// build itself (layout 3 did not record which build first published a text).
#[test]
fn a_layout_3_publication_renders_and_cites_itself() {
    let builds = cablegate_testkit::fixture("publications/layout-3/builds");
    let p = Publication::open(&builds, None).expect("it opens");
    assert_eq!(p.manifest().format, 3);
    for path in ["/index.html", "/cable/2009/04/09LONDON923.html", "/cable/2009/04/09LONDON923.bib", "/search?q=iran"] {
        let page = cablegate_site::render(&p, path);
        assert_eq!(page.status, 200, "{path}: {}", String::from_utf8_lossy(&page.body));
    }
    assert_eq!(p.cited("09LONDON923").unwrap().build, 1);
    let bib = String::from_utf8(cablegate_site::render(&p, "/cable/2009/04/09LONDON923.bib").body).unwrap();
    assert!(bib.contains("cablegate, build 1 (1 September 2011)") && !bib.contains("url ="), "{bib}");
}
