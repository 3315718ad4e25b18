//! Router tests: every kind of route, called with `tower::ServiceExt::oneshot` on a build of the
//! repository's fixture cables, no socket needed.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cablegate_server::{router, AppState};
use cablegate_testkit::Setup;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A data folder with a build of the fixture cables: all released but 66BUENOSAIRES2481, which
/// stays in the catalogue only.
fn data() -> Setup {
    Setup::fixtures()
        .reissued()
        .release(&["09LONDON923"], "2011-02-15T12:12:00Z")
        // everything else later; 09LONDON923 keeps its earlier release
        .release_all("2011-03-01T00:00:00Z")
        .withdraw("66BUENOSAIRES2481", "2011-03-02T00:00:00Z")
        .publish("2011-09-01T00:00:00Z")
}

async fn get(builds: &Path, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let app = router(AppState::new(builds));
    let res = app
        .oneshot(Request::get(uri).header(header::HOST, "cablegate.test").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn home_and_security_headers() {
    let d = data();
    let builds = d.publications();
    let (status, h, body) = get(&builds, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(body.contains("Currently released so far… <strong>13</strong> / 55"), "{body}");
    assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        h.contains_key(header::REFERRER_POLICY)
            && h.contains_key(header::ETAG)
            && h.contains_key(header::LAST_MODIFIED)
    );
    assert!(!body.contains("<script"));
    let (status, _, index) = get(&builds, "/index.html").await;
    assert_eq!((status, index), (StatusCode::OK, body));
    let (status, h, css) = get(&builds, "/static/cablegate.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(css.contains("prefers-color-scheme: dark"));
}

#[tokio::test]
async fn the_cable_page() {
    let d = data();
    let builds = d.publications();
    let (status, h, body) = get(&builds, "/cable/2009/04/09LONDON923.html").await;
    assert_eq!(status, StatusCode::OK);
    // the top box, each field linked to its browse page
    for part in [
        "<td><a href=\"../../../cable/2009/04/09LONDON923.html\">09LONDON923</a></td>",
        "<a href=\"../../../date/2009-04_0.html\">2009-04-20 16:45</a>",
        "<a href=\"../../../reldate/2011-02-15_0.html\">2011-02-15 12:12</a>",
        "<a href=\"../../../classification/secret-noforn_0.html\">SECRET//NOFORN</a>",
        "<a href=\"../../../origin/embassy-london_0.html\">Embassy London</a>",
        "<a href=\"../../../tag/PREL_0.html\">PREL</a>",
        "id=\"par5\"><a class=\"pilcrow\" href=\"#par5\"",
        "<span class=\"marking\">(S/NF)</span>",
        "#cablegate #09LONDON923",
        "LEBARON",
    ] {
        assert!(body.contains(part), "missing {part}");
    }
    // cable text is escaped
    assert!(body.contains("Summary con&#39;t.") && !body.contains("Summary con't."));
    // a conditional GET
    let app = router(AppState::new(&builds));
    let etag = h[header::ETAG].clone();
    let res = app
        .oneshot(
            Request::get("/cable/2009/04/09LONDON923.html")
                .header(header::HOST, "cablegate.test")
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn references_released_unreleased_and_text() {
    let d = data();
    let builds = d.publications();
    // 09THEHAGUE2 cites 09STATE125579 (not in the catalogue extract: plain text) and others
    let (_, _, body) = get(&builds, "/cable/2009/01/09THEHAGUE2.html").await;
    assert!(body.contains("<h2 id=\"refs\">References</h2>"));
    assert!(body.contains("A. 09STATE125579</li>"), "unknown: plain text");
    assert!(
        body.contains("C. 07THEHAGUE935 <span class=\"unreleased\">(not yet released)</span>"),
        "in the catalogue, not released"
    );
    // a released cable's citation is a link, and the cited cable lists who cites it
    let (_, _, manama) = get(&builds, "/cable/2008/07/08ECTION01OF02MANAMA492.html").await;
    assert!(manama.contains("A. 08MANAMA165 <span class=\"unreleased\">(not yet released)</span>"));
    assert!(!manama.contains("href=\"../../../cable/2008/03/08MANAMA165"));
    // 66BUENOSAIRES2481 is withdrawn: a page that names it says so, and its own page is a 404
    let (status, _, body) = get(&builds, "/cable/66BUENOSAIRES2481").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("66BUENOSAIRES2481 is in the collection but not released yet."));
    assert!(!body.contains("JURISDICTIONS"), "a 404 reveals nothing of the text");
    let (status, _, _) = get(&builds, "/cable/1966/12/66BUENOSAIRES2481.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // versions of a re-issued cable are listed
    let (_, _, body) = get(&builds, "/cable/2009/12/09CASABLANCA226.html").await;
    assert!(body.contains("<h2 id=\"versions\">Versions</h2>"), "{body}");
    for pair in ["1_2", "1_3", "2_3"] {
        assert!(body.contains(&format!("href=\"../../../cable/2009/12/09CASABLANCA226/diff_{pair}.html\"")), "{pair}");
    }
    let (status, _, diff) = get(&builds, "/cable/2009/12/09CASABLANCA226/diff_2_3.html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        diff.contains("what changed from version 2 to version 3") && (diff.contains("<del>") || diff.contains("<ins>")),
        "{diff}"
    );
    for bad in [
        "/cable/2009/12/09CASABLANCA226/diff_3_2.html",
        "/cable/2009/12/09CASABLANCA226/diff_1_9.html",
        "/cable/2009/04/09LONDON923/diff_1_2.html",
    ] {
        assert_eq!(get(&builds, bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn lookups_redirect_to_the_page() {
    let d = data();
    let builds = d.publications();
    // each Location relative to the page asked for, so that the site works under a path prefix
    for (uri, to) in [
        ("/cable/09london923", "2009/04/09LONDON923.html"),
        ("/cable/09LONDON923.html", "2009/04/09LONDON923.html"),
        ("/cable/08MANAMA492", "2008/07/08ECTION01OF02MANAMA492.html"),
        ("/cable/08ECTION01OF02MANAMA492", "2008/07/08ECTION01OF02MANAMA492.html"),
        ("/cable/203211", "2009/04/09LONDON923.html"),
        ("/cable/2001/01/09LONDON923.html", "../../2009/04/09LONDON923.html"),
    ] {
        let (status, h, _) = get(&builds, uri).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{uri}");
        assert_eq!(h[header::LOCATION], to, "{uri}");
    }
    let (status, _, body) = get(&builds, "/cable/99NOWHERE1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("There is no cable 99NOWHERE1."));
    // a miss next to released cables names them
    let (status, _, body) = get(&builds, "/cable/09LONDON924").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Released cables nearby") && body.contains(">09LONDON923</a>"), "{body}");
}

#[tokio::test]
async fn listings_and_indexes() {
    let d = data();
    let builds = d.publications();
    for (uri, want) in [
        ("/reldate/2011-02-15_0.html", "09LONDON923"),
        ("/date/2009-04_0.html", "09LONDON923"),
        ("/origin/embassy-london_0.html", "Origin: Embassy London"),
        ("/origin/embassy-london_0.html", "Embassy London, United Kingdom: a post of the United States."),
        ("/tag/PREL_0.html", "Tag: PREL"),
        ("/tag/PREL_0.html", "PREL: External Political Relations."),
        ("/tag/UK_0.html", "UK: United Kingdom."),
        ("/tag/index.html", "PREL (External Political Relations)"),
        ("/tag/CLINTON__HILLARY_0.html", "09STATE30049"),
        ("/tag/CLINTON__HILLARY_0.html", "CLINTON, HILLARY is the tag of a person."),
        ("/classification/secret-noforn_0.html", "09LONDON923"),
        ("/origin/index.html", "embassy-london_0.html"),
        ("/tag/index.html", "PREL_0.html"),
        ("/reldate/index.html", "2011-02-15_0.html"),
        ("/date/index.html", "2009-04_0.html"),
        ("/classification/index.html", "secret-noforn_0.html"),
        ("/releases.html", "<a href=\"reldate/2011-02-15_0.html\">2011-02-15</a></td><td>1</td><td>0</td><td>0</td>"),
        ("/stats.html", "<svg role=\"img\" aria-labelledby=\"per-year\""),
        ("/stats.html", "<title>Embassy London: 1</title>"),
        ("/help.html", "<h1>Understanding cables</h1>"),
    ] {
        let (status, _, body) = get(&builds, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.contains(want), "{uri} lacks {want}");
    }
    // pagination edges
    let (status, _, _) = get(&builds, "/tag/PREL_1.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "one page only");
    for uri in ["/tag/NOSUCHTAG_0.html", "/origin/nowhere_0.html", "/reldate/x_0.html", "/tag/PREL.html", "/nope"] {
        assert_eq!(get(&builds, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn feeds_and_the_json_api() {
    let d = data();
    let builds = d.publications();
    let (status, h, body) = get(&builds, "/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
    assert!(
        body.starts_with("<?xml")
            && body.contains("<entry>")
            && body.contains("<id>tag:cablegate,2010:09LONDON923</id>")
    );
    let (status, _, body) = get(&builds, "/tag/PREL.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<title>cablegate: Tag: PREL</title>")
            && body.contains("href=\"../cable/2009/04/09LONDON923.html\"")
    );
    assert_eq!(get(&builds, "/origin/embassy-london.atom").await.0, StatusCode::OK);

    let (status, h, body) = get(&builds, "/api/cable/09london923.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["cable"]["reference_id"], "09LONDON923");
    assert_eq!(v["cable"]["tags"][1], "PREL");
    assert_eq!(v["released"], "2011-02-15T12:12:00Z");
    assert_eq!(v["href"], "/cable/2009/04/09LONDON923.html");
    let (status, _, body) = get(&builds, "/api/tag/PREL_0.json").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["count"].as_u64(), v["pages"].as_u64()), (Some(5), Some(1)));
    assert_eq!(v["cables"].as_array().unwrap().len(), 5);
    let (status, _, body) = get(&builds, "/api/stats.json").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["released"].as_u64(), v["total"].as_u64()), (Some(13), Some(55)));
    let (status, _, body) = get(&builds, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["paths"]["/api/cable/{reference_id}.json"].is_object());
    for uri in ["/api/cable/66BUENOSAIRES2481.json", "/api/tag/PREL_1.json", "/api/tag/NOPE_0.json"] {
        let (status, _, body) = get(&builds, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"].is_string());
    }
}

#[tokio::test]
async fn read_only_and_switching_builds() {
    let d = data();
    let builds = d.publications();
    let app = router(AppState::new(&builds));
    let res = app
        .oneshot(Request::post("/").header(header::HOST, "cablegate.test").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    // a new build becomes current; the state switches to it on refresh, without a restart
    let state = AppState::new(&builds);
    assert_eq!(state.current(), 1);
    let _d = d.withdraw("09LONDON923", "2011-09-02T00:00:00Z").publish("2011-09-03T00:00:00Z");
    assert_eq!(state.refresh(), 2);
    let res = router(state)
        .oneshot(Request::get("/cable/09LONDON923").header(header::HOST, "cablegate.test").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Sends `GET path` over a real socket and returns the status code (HTTP/1.1, one request).
async fn status_over_tcp(addr: std::net::SocketAddr, path: &str) -> std::io::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(64)]).into_owned();
    head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| std::io::Error::other(head))
}

/// New builds are published while clients hammer the server on 127.0.0.1: every request
/// succeeds, and the server ends up on the last build. The loop is bounded in count and time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_switch_under_load_without_a_failed_request() {
    let d = data();
    let builds = d.publications();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = {
        let builds = builds.clone();
        tokio::spawn(async move {
            cablegate_server::serve(&builds, "127.0.0.1:0".parse().unwrap(), move |a| tx.send(a).unwrap(), async {
                let _ = stop_rx.await;
            })
            .await
        })
    };
    let addr = rx.await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut clients = Vec::new();
    for c in 0..4 {
        clients.push(tokio::spawn(async move {
            let paths = ["/", "/cable/2008/07/08ECTION01OF02MANAMA492.html", "/tag/PREL_0.html", "/origin/index.html"];
            let mut codes = Vec::new();
            for i in 0..150 {
                if std::time::Instant::now() > deadline {
                    break;
                }
                codes.push(status_over_tcp(addr, paths[(i + c) % paths.len()]).await.map_err(|e| e.to_string()));
            }
            codes
        }));
    }
    // three new builds while the clients run
    let publisher = tokio::task::spawn_blocking(move || {
        let mut d = d;
        for k in 0..3 {
            std::thread::sleep(std::time::Duration::from_millis(300));
            d = d.publish(&format!("2011-09-0{}T00:00:00Z", k + 2));
        }
        d
    });
    let _d = publisher.await.unwrap();
    let mut total = 0;
    for c in clients {
        for code in c.await.unwrap() {
            assert_eq!(code, Ok(200));
            total += 1;
        }
    }
    assert!(total > 100, "{total} requests");
    // the watcher moves to build 4 within a second
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let body = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    };
    assert!(body.contains("Build 4, made"), "{body}");
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn search_pages_feeds_and_the_api() {
    let d = data();
    let builds = d.publications();
    // results: count, the query kept in the page, snippets linking to their paragraph, marks
    let (status, h, body) = get(&builds, "/search?q=moussavi+OR+zanu").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(body.contains("<strong>2</strong> cables match <code>moussavi OR zanu</code>"), "{body}");
    assert!(body.contains(r#"value="moussavi OR zanu""#), "{body}");
    assert!(body.contains(r#"href="cable/2009/04/09LONDON923.html#par"#), "{body}");
    assert!(body.contains("<mark>Moussavi</mark>") || body.contains("<mark>MOUSSAVI</mark>"), "{body}");
    // facets refine the query; the histogram's bars narrow it to a month
    assert!(body.contains(r#"href="search.html?q=moussavi+OR+zanu+origin%3A%22Embassy+London%22""#), "{body}");
    assert!(body.contains(r#"href="search.html?q=moussavi+OR+zanu+created%3A2009""#), "{body}");
    assert!(body.contains(r#"href="search.atom?q=moussavi+OR+zanu""#), "{body}");
    // a reference id alone opens the cable
    let (status, h, _) = get(&builds, "/search?q=09+london+923").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "cable/2009/04/09LONDON923.html");
    // a malformed query: its best reading and what was wrong, never a server error
    let (status, _, body) = get(&builds, "/search?q=%22conservative+and+reformist&sort=bogus&page=x").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("unbalanced quote"), "{body}");
    assert!(
        body.contains("<strong>1</strong> cable matches <code>&#34;conservative and reformist&#34;</code>"),
        "{body}"
    );
    let (status, _, body) = get(&builds, "/search?q=nosuchfield%3Ax+%3Cscript%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("unknown field") && !body.contains("<script>"), "{body}");
    // sorting by date: the oldest first
    let (_, _, body) = get(&builds, "/search?q=released%3A2011&sort=oldest&page=1").await;
    assert!(body.contains("<strong>13</strong> cables match"), "{body}");
    let first = body.find("7575LIBREVILLE1895").unwrap();
    assert!(first < body.find("00HARARE5461").unwrap(), "oldest first");
    // a page past the end is not found, but still a page with the search box
    let (status, _, body) = get(&builds, "/search?q=moussavi&page=9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains(r#"name="q""#));
    // the empty search page
    let (status, _, body) = get(&builds, "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"role="search""#) && !body.contains("cables match"));

    // the API gives the same answer
    let (status, h, body) = get(&builds, "/api/search?q=tag%3APREL&sort=newest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 5, "{v}");
    assert_eq!(v["reading"], "tag:PREL");
    assert_eq!(v["hits"][0]["reference_id"], "09TRIPOLI1025");
    assert_eq!(v["hits"][0]["href"], "/cable/2009/12/09TRIPOLI1025.html");
    assert!(v["facets"]["origin"].as_array().unwrap().iter().any(|o| o[0] == "Embassy London"));
    let (_, _, body) = get(&builds, "/api/search?q=09LONDON923").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["cable"], "/cable/2009/04/09LONDON923.html");

    // the feed of a query: latest released first
    let (status, h, body) = get(&builds, "/search.atom?q=tag%3APREL").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
    assert_eq!(body.matches("<entry>").count(), 5, "{body}");
    assert!(body.contains("<title>cablegate: search tag:PREL</title>"), "{body}");

    // a missing page offers a search for its words
    let (status, _, body) = get(&builds, "/cable/2009/04/09LONDON9999.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains(r#"<input id="nf-q" name="q" type="search" value="09LONDON9999">"#), "{body}");
}
