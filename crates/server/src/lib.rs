//! The public server: the current build, read only, over HTTP (axum).
//!
//! Every GET is rendered by `cablegate-site` from the current build, on a blocking thread (SQLite
//! work does not belong on the async executor); each blocking thread keeps its own connection to
//! the build. A watcher reads `builds/CURRENT` twice a second: a new build is switched to without
//! a restart, and requests under way finish on the build they started with. There is no admin
//! route: the server cannot change anything.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use cablegate_publication::Publication;
use tower_http::compression::CompressionLayer;

/// A rendered page, kept in memory: pages are pure functions of (build, path), so a page of the
/// current build never goes stale; a new build's pages have new keys.
struct Rendered {
    status: u16,
    content_type: &'static str,
    location: Option<String>,
    body: bytes::Bytes,
    etag: String,
    last_modified: Option<HeaderValue>,
    render_ms: f64,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<(u32, String), Arc<Rendered>> for ByBytes {
    fn weight(&self, key: &(u32, String), page: &Arc<Rendered>) -> u64 {
        (page.body.len() + key.1.len() + 256) as u64
    }
}

/// Bytes of rendered pages kept in memory.
pub const CACHE_BYTES: u64 = 256 << 20;

/// What the handlers share: where the builds are, which one is current, and rendered pages.
#[derive(Clone)]
pub struct AppState {
    builds: Arc<PathBuf>,
    current: Arc<AtomicU32>,
    cache: Arc<quick_cache::sync::Cache<(u32, String), Arc<Rendered>, ByBytes>>,
}

impl AppState {
    /// Reads `builds/CURRENT` now.
    pub fn new(builds: &Path) -> AppState {
        let state = AppState {
            builds: Arc::new(builds.to_owned()),
            current: Arc::new(AtomicU32::new(0)),
            cache: Arc::new(quick_cache::sync::Cache::with_weighter(20_000, CACHE_BYTES, ByBytes)),
        };
        state.refresh();
        state
    }

    /// Switches to the build `CURRENT` names, if it changed. Returns the current number.
    pub fn refresh(&self) -> u32 {
        if let Ok(Some(n)) = cablegate_publication::current(&self.builds) {
            if n != self.current.load(Ordering::Acquire)
                && cablegate_publication::publication_dir(&self.builds, n).join("manifest.json").exists()
            {
                self.current.store(n, Ordering::Release);
                tracing::info!(build = n, "serving build");
            }
        }
        self.current.load(Ordering::Acquire)
    }

    pub fn current(&self) -> u32 {
        self.current.load(Ordering::Acquire)
    }
}

thread_local! {
    /// This thread's open build, by number.
    static OPEN: RefCell<Option<(PathBuf, u32, Publication)>> = const { RefCell::new(None) };
}

fn with_build<T>(
    builds: &Path,
    number: u32,
    f: impl FnOnce(&Publication) -> T,
) -> Result<T, cablegate_publication::Error> {
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        let fresh = !matches!(&*open, Some((p, n, _)) if *n == number && p == builds);
        if fresh {
            *open = Some((builds.to_owned(), number, Publication::open(builds, Some(number))?));
        }
        Ok(f(&open.as_ref().expect("just opened").2))
    })
}

/// Headers every response carries.
fn secure(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = Response::new(Body::from(text.to_owned()));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    secure(r.headers_mut());
    r
}

async fn page(State(state): State<AppState>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "this site is read only\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let number = state.current();
    if number == 0 {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "no build is published yet\n");
    }
    // searches read the query string; other pages ignore it
    let path = match req.uri().query() {
        Some(q) if cablegate_site::Route::path_reads_query(req.uri().path()) => format!("{}?{q}", req.uri().path()),
        _ => req.uri().path().to_owned(),
    };
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    match rendered(&state, number, path).await {
        Ok(page) => respond(&page, if_none_match.as_deref()),
        Err(response) => response,
    }
}

/// The page at `path` of build `number`: from the cache, or rendered on a blocking thread (and
/// kept, but for searches and errors); the response to send instead when the build cannot be
/// read.
async fn rendered(state: &AppState, number: u32, path: String) -> Result<Arc<Rendered>, Response> {
    let key = (number, path);
    if let Some(p) = state.cache.get(&key) {
        return Ok(p);
    }
    let builds = state.builds.clone();
    let path = key.1.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        with_build(&builds, number, |b| {
            let page = cablegate_site::render(b, &path);
            let etag = format!("\"{number}-{}\"", &blake3::hash(&page.body).to_hex()[..16]);
            Rendered {
                status: page.status,
                content_type: page.content_type,
                location: page.location,
                body: bytes::Bytes::from(page.body),
                etag,
                last_modified: http_date(&b.manifest().made_at),
                render_ms: started.elapsed().as_secs_f64() * 1000.0,
            }
        })
    })
    .await;
    let page = match rendered {
        Ok(Ok(p)) => Arc::new(p),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "cannot open build {number}");
            return Err(plain(StatusCode::SERVICE_UNAVAILABLE, "the build cannot be read; try again\n"));
        }
        Err(e) => {
            tracing::error!(error = %e, "render task failed");
            return Err(plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"));
        }
    };
    // searches are not cached: endless distinct queries would push the pages out
    if page.status != 500 && !key.1.contains('?') {
        state.cache.insert(key, page.clone());
    }
    Ok(page)
}

/// The response for a rendered page: 304 when the client holds it (`If-None-Match`), else the
/// page, with its caching and security headers.
fn respond(page: &Rendered, if_none_match: Option<&str>) -> Response {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = if status.is_success() && if_none_match == Some(page.etag.as_str()) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(page.body.clone()));
        *r.status_mut() = status;
        r
    };
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(page.content_type));
    if let Some(to) = &page.location {
        if let Ok(v) = HeaderValue::from_str(to) {
            h.insert(header::LOCATION, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&page.etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(t) = &page.last_modified {
        h.insert(header::LAST_MODIFIED, t.clone());
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    // how long rendering took inside the server (when this page was rendered), for operators
    if let Ok(v) = HeaderValue::from_str(&format!("render;dur={:.3}", page.render_ms)) {
        h.insert(HeaderName::from_static("server-timing"), v);
    }
    secure(h);
    r
}

/// `2026-11-30T00:12:08Z` as an HTTP date.
fn http_date(iso: &str) -> Option<HeaderValue> {
    let t = humantime::parse_rfc3339(iso).ok()?;
    HeaderValue::from_str(&httpdate::fmt_http_date(t)).ok()
}

/// The router: every path goes to the site.
pub fn router(state: AppState) -> Router {
    Router::new().fallback(page).with_state(state).layer(CompressionLayer::new())
}

/// Serves the builds in `builds` on `addr` until `shutdown` resolves, switching builds as
/// `builds/CURRENT` changes.
pub async fn serve(
    builds: &Path,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState::new(builds);
    let watcher = {
        let state = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let s = state.clone();
                let _ = tokio::task::spawn_blocking(move || s.refresh()).await;
            }
        })
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    // one structured log line per request: method, path, status, latency
    let app = router(state).layer(
        tower_http::trace::TraceLayer::new_for_http()
            .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO))
            .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
    );
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    watcher.abort();
    result
}
