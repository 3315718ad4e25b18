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

/// The limits of the server's connections, by design (README, "Limits"); `Default` is what
/// `cablegate serve` uses.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this.
    pub header_read: Duration,
    /// Every read of a connection must progress within this: an idle connection is closed.
    pub idle: Duration,
    /// Every write must progress within this: a client that stops reading is dropped.
    pub write: Duration,
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub connections: usize,
    /// On SIGTERM or Ctrl-C, the requests under way get this long to finish.
    pub shutdown: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            write: Duration::from_secs(30),
            connections: 4096,
            shutdown: Duration::from_secs(10),
        }
    }
}

/// Searches that run at once in each lane: cheap ones (per core), and costly ones (many words,
/// OR, prefixes) in a lane of their own, so that cheap ones never wait behind them; how long a
/// search waits for its lane before the answer is 503 with `Retry-After`.
pub const CHEAP_SEARCHES_PER_CORE: usize = 2;
pub const COSTLY_SEARCHES: usize = 1;
pub const SEARCH_WAIT: Duration = Duration::from_secs(2);

/// What the handlers share: where the builds are, which one is current, and rendered pages.
#[derive(Clone)]
pub struct AppState {
    builds: Arc<PathBuf>,
    current: Arc<AtomicU32>,
    cache: Arc<quick_cache::sync::Cache<(u32, String), Arc<Rendered>, ByBytes>>,
    cheap: Arc<tokio::sync::Semaphore>,
    costly: Arc<tokio::sync::Semaphore>,
    /// The last build refused as damaged, not checked again.
    rejected: Arc<std::sync::Mutex<Option<u32>>>,
}

impl AppState {
    /// Reads `builds/CURRENT` now.
    pub fn new(builds: &Path) -> AppState {
        let state = AppState {
            builds: Arc::new(builds.to_owned()),
            current: Arc::new(AtomicU32::new(0)),
            cache: Arc::new(quick_cache::sync::Cache::with_weighter(20_000, CACHE_BYTES, ByBytes)),
            cheap: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get) * CHEAP_SEARCHES_PER_CORE,
            )),
            costly: Arc::new(tokio::sync::Semaphore::new(COSTLY_SEARCHES)),
            rejected: Arc::default(),
        };
        state.refresh();
        state
    }

    /// Switches to the build `CURRENT` names, if it changed and its files are the ones its
    /// manifest hashes; a damaged build is not served: the server keeps the last good one (at
    /// start, the newest older build that is whole) and logs why. Returns the current number.
    pub fn refresh(&self) -> u32 {
        let serving = self.current.load(Ordering::Acquire);
        let Ok(Some(n)) = cablegate_publication::current(&self.builds) else { return serving };
        let mut rejected = self.rejected.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if n == serving
            || *rejected == Some(n)
            || !cablegate_publication::publication_dir(&self.builds, n).join("manifest.json").exists()
        {
            return serving;
        }
        match cablegate_publication::verify(&self.builds, n) {
            Ok(()) => {
                self.current.store(n, Ordering::Release);
                tracing::info!(build = n, "serving build");
                n
            }
            Err(e) => {
                *rejected = Some(n);
                tracing::error!(error = %e, "not serving build {n}");
                if serving == 0 {
                    // at start: the newest older build that is whole
                    let older = cablegate_publication::list(&self.builds).unwrap_or_default();
                    if let Some(&good) =
                        older.iter().rev().find(|&&b| b < n && cablegate_publication::verify(&self.builds, b).is_ok())
                    {
                        self.current.store(good, Ordering::Release);
                        tracing::warn!(build = good, "serving an older build, the newest whole one");
                        return good;
                    }
                }
                serving
            }
        }
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
    // HTTP/1.1 asks for exactly one Host (RFC 9112, 3.2)
    if req.version() == axum::http::Version::HTTP_11 && req.headers().get_all(header::HOST).iter().count() != 1 {
        return plain(StatusCode::BAD_REQUEST, "a request needs one Host header\n");
    }
    let number = state.current();
    if number == 0 {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "no whole build to serve yet (the server's log says why)\n");
    }
    // searches read the query string; other pages ignore it
    let search = cablegate_site::Route::path_reads_query(req.uri().path());
    let path = match req.uri().query() {
        Some(q) if search => format!("{}?{q}", req.uri().path()),
        _ => req.uri().path().to_owned(),
    };
    let conditions = Conditions::of(req.headers());
    // a search waits for a place in its lane, or is told to come back
    let _permit = if search && !state.cache.contains_key(&(number, path.clone())) {
        let query = req.uri().query().unwrap_or_default();
        let lane = if cablegate_site::search::is_costly(query) { &state.costly } else { &state.cheap };
        match tokio::time::timeout(SEARCH_WAIT, lane.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Some(permit),
            _ => {
                let mut r =
                    plain(StatusCode::SERVICE_UNAVAILABLE, "too many searches at once; try again in a moment\n");
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                return r;
            }
        }
    } else {
        None
    };
    match rendered(&state, number, path).await {
        Ok(page) => respond(&page, &conditions, req.uri().path()),
        Err(response) => response,
    }
}

/// What a request says it holds already: `If-None-Match` (entity tags, weak or strong, a list,
/// or `*`) and `If-Modified-Since`, which counts only without `If-None-Match` (RFC 9110, 13.1.3).
#[derive(Default)]
struct Conditions {
    none_match: Option<String>,
    modified_since: Option<std::time::SystemTime>,
}

impl Conditions {
    fn of(headers: &axum::http::HeaderMap) -> Conditions {
        let none_match: Vec<&str> =
            headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).collect();
        Conditions {
            none_match: (!none_match.is_empty()).then(|| none_match.join(",")),
            modified_since: headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok()),
        }
    }

    /// Whether the client's copy of `page` is current (the answer is then 304).
    fn fresh(&self, page: &Rendered) -> bool {
        match &self.none_match {
            // weak comparison: `W/"x"` and `"x"` are the same tag
            Some(list) => list.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == page.etag),
            None => match (&self.modified_since, &page.last_modified) {
                (Some(since), Some(modified)) => {
                    modified.to_str().ok().and_then(|m| httpdate::parse_http_date(m).ok()).is_some_and(|m| m <= *since)
                }
                _ => false,
            },
        }
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
    // searches are not cached: endless distinct queries would push the pages out; nor are
    // errors and 404s, which any path makes
    if matches!(page.status, 200 | 301 | 303) && !key.1.contains('?') {
        state.cache.insert(key, page.clone());
    }
    Ok(page)
}

/// The response for a rendered page: 304 when the client holds it (`If-None-Match`,
/// `If-Modified-Since`), else the page, with its caching and security headers. A redirect's
/// `Location` is relative to `request_path`, so that the site works under a path prefix.
fn respond(page: &Rendered, conditions: &Conditions, request_path: &str) -> Response {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = if status.is_success() && conditions.fresh(page) {
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
        if let Ok(v) = HeaderValue::from_str(&relative(request_path, to)) {
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

/// `to` (a path from the site's root) as a reference relative to the page at `from`:
/// `/cable/09LONDON923` → `/cable/2009/04/09LONDON923.html` is `2009/04/09LONDON923.html`.
fn relative(from: &str, to: &str) -> String {
    let (to_path, to_query) = match to.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (to, None),
    };
    let from_dirs: Vec<&str> = from.trim_start_matches('/').split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to_path.trim_start_matches('/').split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count().min(to_parts.len() - 1);
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    if out.is_empty() {
        out.push_str("./");
    }
    if let Some(q) = to_query {
        out.push('?');
        out.push_str(q);
    }
    out
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
/// `builds/CURRENT` changes, with the default [`Limits`].
pub async fn serve(
    builds: &Path,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(builds, addr, &Limits::default(), ready, shutdown).await
}

/// [`serve`] with other limits.
pub async fn serve_with(
    builds: &Path,
    addr: SocketAddr,
    limits: &Limits,
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
    // hyper's own loop rather than `axum::serve`, for what it does not set: a deadline for a
    // request's head, idle and write timeouts, a bound on connections, and a deadline for a
    // graceful shutdown
    let connections = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let service = hyper_util::service::TowerToHyperService::new(app);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // out of file descriptors, mostly: wait a little rather than spin
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many connections: closed");
            continue;
        };
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_read_timeout(Some(limits.idle));
        stream.set_write_timeout(Some(limits.write));
        let io = hyper_util::rt::TokioIo::new(Box::pin(stream));
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_read)
            .serve_connection(io, service.clone());
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    watcher.abort();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown) => {
            tracing::warn!("requests still under way after {} s: stopped", limits.shutdown.as_secs());
        }
    }
    Ok(())
}
