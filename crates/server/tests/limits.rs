//! The faults of issue 20, each as it was reproduced against the server: a request that
//! aborted it, stalled it, or got an answer HTTP does not allow. Through the router
//! (`tower::ServiceExt::oneshot`) and, for connections, a real socket.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cablegate_server::{router, AppState, Limits};
use cablegate_testkit::Setup;
use http_body_util::BodyExt;
use tower::ServiceExt;

fn data() -> Setup {
    Setup::fixtures().release_all("2011-03-01T00:00:00Z").publish("2011-09-01T00:00:00Z")
}

async fn send(builds: &Path, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = router(AppState::new(builds)).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(builds: &Path, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(builds, Request::get(uri).header(header::HOST, "cablegate.test").body(Body::empty()).unwrap()).await
}

/// `page=100000000000` aborted the process ("memory allocation of 96000000000000 bytes
/// failed"); `page=10^17` was a 500 ("capacity overflow").
#[tokio::test]
async fn a_page_of_results_too_deep_is_a_clear_400() {
    let d = data();
    let builds = d.publications();
    for uri in [
        "/api/search?q=iran&sort=newest&page=100000000000",
        "/search?q=iran&sort=newest&page=100000000000",
        "/search.html?q=iran&page=1000000000000000",
        "/search?q=iran&page=100000000000000000",
        "/api/search?q=iran&page=99999999999999999999999999",
        "/search?q=iran&page=501",
    ] {
        let (status, h, body) = get(&builds, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(body.contains("10,000th"), "{uri}: {body}");
        assert!(h.contains_key(header::CONTENT_SECURITY_POLICY), "{uri}");
    }
    // the last page a search gives is a page (past the results: the usual 404)
    let (status, _, _) = get(&builds, "/search?q=iran&page=500").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&builds, "/search?q=iran&page=x").await;
    assert_eq!(status, StatusCode::OK);
}

/// A query of 2,000 phrases joined by OR took 3.6–5.4 s and stalled every other search; its
/// page repeated the 49 KB query in each link (4.3 MB).
#[tokio::test]
async fn a_huge_query_is_cut_and_the_reader_told() {
    let d = data();
    let builds = d.publications();
    let q = (0..2000).map(|i| format!("\"iran{i} nuclear{i}\"")).collect::<Vec<_>>().join(" OR ");
    let enc = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    assert!(enc.len() > 50_000);
    let started = Instant::now();
    let (status, _, json) = get(&builds, &format!("/api/search?q={enc}")).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("longer than 500 characters"), "{warnings}");
    assert!(v["reading"].as_str().unwrap().split_whitespace().filter(|w| *w != "OR").count() <= 32, "{v}");
    let (status, _, page) = get(&builds, &format!("/search?q={enc}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.len() < 150_000, "{} bytes", page.len());
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert!(cablegate_site::search::is_costly(&format!("q={enc}")));
    assert!(!cablegate_site::search::is_costly("q=nuclear"));
    assert!(!cablegate_site::search::is_costly("q=iran+nuclear+tag%3APHUM"));
}

/// A 60 KB path made a 1.7 MB 404 page (its depth was repeated in every link).
#[tokio::test]
async fn error_pages_do_not_grow_with_the_request() {
    let d = data();
    let builds = d.publications();
    for path in [
        format!("/{}", "a/".repeat(20_000)),
        format!("/{}", "x".repeat(60_000)),
        format!("/tag/{}", "%2F".repeat(5_000)),
    ] {
        let (status, _, body) = get(&builds, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.len() < 8_000, "{} bytes for a path of {}", body.len(), path.len());
    }
    // the 404's search box offers the words of the path, decoded
    let (status, _, body) = get(&builds, "/cable/Garc%C3%ADa_Sabrido").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains(r#"value="García Sabrido""#), "{body}");
}

/// Schemathesis: a list's key of 500 characters under /api/ (past the longest path of a page) was
/// answered with the HTML 404 page, where the API answers JSON.
#[tokio::test]
async fn a_too_long_path_under_the_api_is_a_json_404() {
    let d = data();
    let builds = d.publications();
    for path in [format!("/api/reldate/{}_-5068.json", "%CE%A9".repeat(100)), format!("/api/{}x.json", "a/".repeat(10))]
    {
        let (status, headers, body) = get(&builds, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(headers.get("content-type").unwrap(), "application/json", "{path}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(v["error"].is_string(), "{body}");
    }
}

/// `/search.atom?q=%01` was not well-formed XML.
#[tokio::test]
async fn search_feeds_are_well_formed_for_any_query() {
    let d = data();
    let builds = d.publications();
    for q in ["%01", "%00", "%1f", "%EF%BF%BE", "%EF%BF%BF", "a%0Bb", "%3C%26%22"] {
        let (status, _, xml) = get(&builds, &format!("/search.atom?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{q}: {e}: {xml}"));
    }
}

/// A request with no Host, or two, was answered 200 (RFC 9112, 3.2: 400).
#[tokio::test]
async fn a_request_has_one_host() {
    let d = data();
    let builds = d.publications();
    let (status, h, _) = send(&builds, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(h.contains_key(header::X_CONTENT_TYPE_OPTIONS));
    let two = Request::get("/").header(header::HOST, "a").header(header::HOST, "b").body(Body::empty()).unwrap();
    assert_eq!(send(&builds, two).await.0, StatusCode::BAD_REQUEST);
    let old = Request::get("/").version(axum::http::Version::HTTP_10).body(Body::empty()).unwrap();
    assert_eq!(send(&builds, old).await.0, StatusCode::OK, "HTTP/1.0 has no Host to give");
}

/// `If-None-Match` with a weak tag, a list or `*`, and `If-Modified-Since`, were ignored.
#[tokio::test]
async fn conditional_requests_of_every_form() {
    let d = data();
    let builds = d.publications();
    let page = "/cable/2009/04/09LONDON923.html";
    let (status, h, _) = get(&builds, page).await;
    assert_eq!(status, StatusCode::OK);
    let etag = h[header::ETAG].to_str().unwrap().to_owned();
    let modified = h[header::LAST_MODIFIED].to_str().unwrap().to_owned();
    let with = |name: header::HeaderName, value: String| {
        Request::get(page).header(header::HOST, "x").header(name, value).body(Body::empty()).unwrap()
    };
    for (name, value, expect) in [
        (header::IF_NONE_MATCH, format!("W/{etag}"), StatusCode::NOT_MODIFIED),
        (header::IF_NONE_MATCH, format!("\"other\", {etag}"), StatusCode::NOT_MODIFIED),
        (header::IF_NONE_MATCH, "*".to_owned(), StatusCode::NOT_MODIFIED),
        (header::IF_NONE_MATCH, "\"other\"".to_owned(), StatusCode::OK),
        (header::IF_MODIFIED_SINCE, modified.clone(), StatusCode::NOT_MODIFIED),
        (header::IF_MODIFIED_SINCE, "Mon, 01 Jan 2001 00:00:00 GMT".to_owned(), StatusCode::OK),
    ] {
        assert_eq!(send(&builds, with(name.clone(), value.clone())).await.0, expect, "{name}: {value}");
    }
    // If-None-Match wins over If-Modified-Since
    let both = Request::get(page)
        .header(header::HOST, "x")
        .header(header::IF_NONE_MATCH, "\"other\"")
        .header(header::IF_MODIFIED_SINCE, modified)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&builds, both).await.0, StatusCode::OK);
}

/// `/date/2009-13_0.html` was a 200 with "0 cables".
#[tokio::test]
async fn a_list_of_no_cable_is_no_page() {
    let d = data();
    let builds = d.publications();
    for uri in ["/date/2009-13_0.html", "/date/1970-01_0.html", "/api/date/2009-13_0.json"] {
        assert_eq!(get(&builds, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    assert_eq!(get(&builds, "/date/2009-04_0.html").await.0, StatusCode::OK);
}

/// A corrupted build's 500 page showed the server's data path.
#[tokio::test]
async fn a_server_error_names_no_file_of_the_server() {
    let d = data();
    let builds = d.publications();
    let db = builds.join("000001/build.sqlite");
    let mut bytes = std::fs::read(&db).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n / 4..n - 4096] {
        *b = 0x5a;
    }
    std::fs::write(&db, bytes).unwrap();
    let (status, _, body) = get(&builds, "/cable/2009/04/09LONDON923.html").await;
    assert!(status.is_server_error(), "{status}");
    assert!(!body.contains(builds.to_str().unwrap()) && !body.contains("build.sqlite"), "{body}");
}

fn quick() -> Limits {
    Limits {
        header_read: Duration::from_millis(800),
        idle: Duration::from_millis(800),
        write: Duration::from_millis(800),
        connections: 3,
        shutdown: Duration::from_millis(800),
    }
}

/// Until the socket ends (a read of 0 bytes or an error), or `within` passes: how long it took.
fn ends_within(s: &mut std::net::TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let mut buf = [0u8; 65536];
    while started.elapsed() < within {
        match s.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

/// A partial request, an idle socket and a client that never reads were kept open forever;
/// 300 partial connections locked every new client out; Ctrl-C waited forever for a client
/// holding a partial request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_idle_and_unread_connections_are_closed_and_shutdown_has_a_deadline() {
    let d = data();
    let builds = d.publications();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        cablegate_server::serve_with(
            &builds,
            "127.0.0.1:0".parse().unwrap(),
            &quick(),
            move |a| tx.send(a).unwrap(),
            async {
                let _ = stopped.await;
            },
        )
        .await
    });
    let addr = rx.await.unwrap();
    let checks = tokio::task::spawn_blocking(move || {
        // a partial request: closed once its head is late
        let mut partial = std::net::TcpStream::connect(addr).unwrap();
        partial.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        // an idle socket: closed
        let mut idle = std::net::TcpStream::connect(addr).unwrap();
        // a client that asks for pages and never reads them: dropped once writes stall
        let mut unread = std::net::TcpStream::connect(addr).unwrap();
        let ask = "GET /search?q=the HTTP/1.1\r\nHost: x\r\n\r\n".repeat(200);
        unread.write_all(ask.as_bytes()).unwrap();
        // over the limit of 3 connections: closed at once
        let mut fourth = std::net::TcpStream::connect(addr).unwrap();
        assert!(ends_within(&mut fourth, Duration::from_secs(2)).is_some(), "a connection over the limit is closed");
        assert!(ends_within(&mut partial, Duration::from_secs(5)).is_some(), "a partial request is closed");
        assert!(ends_within(&mut idle, Duration::from_secs(5)).is_some(), "an idle connection is closed");
        std::thread::sleep(Duration::from_secs(3));
        assert!(ends_within(&mut unread, Duration::from_secs(10)).is_some(), "a client that does not read is dropped");
        // and the server still answers
        let mut ok = std::net::TcpStream::connect(addr).unwrap();
        ok.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        ok.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        // a client holding a partial request when the server is stopped
        let mut holder = std::net::TcpStream::connect(addr).unwrap();
        holder.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        holder
    })
    .await
    .unwrap();
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("the shutdown has a deadline").unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    drop(checks);
}

/// schemathesis found it: `/api/AAA/PREL_0.json` (no kind of list) was an HTML 404 under /api/.
#[tokio::test]
async fn every_404_under_the_api_is_json() {
    let d = data();
    let builds = d.publications();
    for uri in ["/api/AAA/PREL_0.json", "/api/nothing", "/api/tag/PREL.json", "/api/"] {
        let (status, h, body) = get(&builds, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"), "{uri}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}"));
    }
}
