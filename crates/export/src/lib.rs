//! Static mirrors: every page of a build's site written as a file by the code the server renders
//! with (`cablegate_site::render`), a manifest of SHA-256 sums, verification of a mirror against
//! it, and one compressed bundle to seed.
//!
//! ```text
//! DIR/
//!   index.html, cable/2009/04/09LONDON923.html, tag/PREL_0.html, api/cable/09LONDON923.json, …
//!   MANIFEST.sha256     `sha256sum -c` reads it
//!   MANIFEST.json       build, time, counts, the SHA-256 and size of every file
//! ```
//!
//! The mirror's search index (`search/`, see [`shards`]) and the script that reads it
//! (`search.js`) let readers search a mirror with no server.
//!
//! Links between pages are relative, so a mirror works under any path prefix and from disk.
//! Exporting a newer build into the same folder writes only the files whose bytes changed and
//! removes the files the new build no longer has.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use cablegate_publication::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod shards;

/// The mirror's search script, written to `search.js`.
pub const SEARCH_JS: &str = include_str!("../assets/search.js");

pub const MANIFEST_JSON: &str = "MANIFEST.json";
pub const MANIFEST_SHA256: &str = "MANIFEST.sha256";
/// The manifest's layout version.
pub const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Publication(#[from] cablegate_publication::Error),
    #[error(transparent)]
    Search(#[from] cablegate_search::Error),
    #[error(transparent)]
    Site(#[from] cablegate_site::Error),
    #[error("{path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{0}: not a mirror (no MANIFEST.json)")]
    NoManifest(PathBuf),
    #[error(
        "build {build} lacks redaction(s) {ids} that build {newer} applies: its pages may show what they withhold \
         (export the current build, remove old ones with `cablegate publications --prune`, or pass --force)"
    )]
    LacksRedactions { build: u32, newer: u32, ids: String },
    #[error("page {path} did not render: {message}")]
    Render { path: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

/// One file of a mirror.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub sha256: String,
    pub size: u64,
}

/// `MANIFEST.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub build: u32,
    /// The build's time.
    pub made_at: Timestamp,
    /// Cables in the build, and in the whole collection.
    pub released: u64,
    pub total: u64,
    pub files_count: u64,
    pub bytes: u64,
    /// Every file but the two manifests, by path relative to the mirror's root.
    pub files: BTreeMap<String, FileEntry>,
}

/// What an export did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub build: u32,
    pub files: u64,
    pub bytes: u64,
    /// Files written (new or changed), left as they were, and removed (no longer in the build).
    pub written: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub seconds: f64,
    /// Of which the mirror's search index took this long, on its own thread beside the pages.
    pub index_seconds: f64,
}

/// How to export.
pub struct Options<'a> {
    /// Rendering threads (each opens the build).
    pub threads: usize,
    /// Called now and then with (files done, files in all).
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Export a build even when it lacks redactions a later build applies.
    pub force: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            threads: std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2),
            progress: None,
            force: false,
        }
    }
}

/// The file a page is written to: `/` is `index.html`; everything else is its path.
pub fn file_for(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_owned()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a mirror's `MANIFEST.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST_JSON);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NoManifest(dir.to_owned())),
        Err(source) => return Err(Error::Io { path, source }),
    };
    serde_json::from_str(&text).map_err(|source| Error::Json { path, source })
}

/// Writes the site of build `number` (default: the current one) into `dir`.
pub fn export(builds: &Path, number: Option<u32>, dir: &Path, opts: &Options) -> Result<Summary> {
    let started = std::time::Instant::now();
    let build = cablegate_publication::Publication::open(builds, number)?;
    let number = build.manifest().number;
    // a damaged build is not copied to the world
    cablegate_publication::verify(builds, number)?;
    if !opts.force {
        if let Some((newer, ids)) = cablegate_publication::lacking_redactions(builds, number)? {
            let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            return Err(Error::LacksRedactions { build: number, newer, ids });
        }
    }
    let mut paths = cablegate_site::paths(&build)?;
    // the page a static host shows for a missing file
    paths.push("/404.html".to_owned());
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let old: BTreeMap<String, FileEntry> = match read_manifest(dir) {
        Ok(m) => m.files,
        Err(Error::NoManifest(_)) => BTreeMap::new(),
        Err(e) => return Err(e),
    };

    let job = Job {
        builds,
        number,
        dir,
        old: &old,
        paths: &paths,
        next: AtomicUsize::new(0),
        done: AtomicU64::new(0),
        written: AtomicU64::new(0),
        failed: Mutex::new(None),
        results: Mutex::new(Vec::with_capacity(paths.len())),
    };
    let index = std::thread::scope(|s| {
        // every list's order in one pass, beside the first pages (which are not lists); a list
        // asked for before it is done reads its order alone, the same
        s.spawn(|| job.or_fail(job.prepare_lists()));
        // the search index is built and written beside the pages, from its own connection
        let index = s.spawn(|| job.search_index());
        for _ in 0..opts.threads.max(1) {
            s.spawn(|| job.or_fail(job.render_pages(opts)));
        }
        index.join().expect("the search index does not panic")
    });
    if let Some(e) = job.failed.into_inner().expect("not poisoned") {
        return Err(e);
    }
    let mut files: BTreeMap<String, FileEntry> = job.results.into_inner().expect("not poisoned").into_iter().collect();
    let (index, index_seconds) = index?;
    files.extend(index);
    let removed = remove_stale(dir, &old, &files)?;

    let m = build.manifest();
    let bytes = files.values().map(|f| f.size).sum();
    let manifest = Manifest {
        format: FORMAT,
        build: number,
        made_at: m.made_at.clone(),
        released: m.released,
        total: m.total,
        files_count: files.len() as u64,
        bytes,
        files,
    };
    write_manifests(dir, &manifest)?;
    let written = job.written.into_inner();
    Ok(Summary {
        build: number,
        files: manifest.files_count,
        bytes,
        written,
        unchanged: manifest.files_count - written,
        removed,
        seconds: started.elapsed().as_secs_f64(),
        index_seconds,
    })
}

/// An export under way, shared by its threads: what to write, where, and what was written.
struct Job<'a> {
    builds: &'a Path,
    number: u32,
    dir: &'a Path,
    /// The previous export's files.
    old: &'a BTreeMap<String, FileEntry>,
    paths: &'a [String],
    /// The next path to render, and how many are done.
    next: AtomicUsize,
    done: AtomicU64,
    written: AtomicU64,
    /// The first error of any thread: the others stop at their next chunk.
    failed: Mutex<Option<Error>>,
    results: Mutex<Vec<(String, FileEntry)>>,
}

/// Pages a rendering thread takes at a time.
const CHUNK: usize = 64;

impl Job<'_> {
    /// Keeps the first error of any thread.
    fn or_fail(&self, result: Result<()>) {
        if let Err(e) = result {
            self.failed.lock().expect("not poisoned").get_or_insert(e);
        }
    }

    fn open(&self) -> Result<cablegate_publication::Publication> {
        Ok(cablegate_publication::Publication::open(self.builds, Some(self.number))?)
    }

    /// The order of every origin, classification and tag list, into the publication's cache.
    fn prepare_lists(&self) -> Result<()> {
        Ok(cablegate_site::prepare_lists(&self.open()?)?)
    }

    /// The mirror's search index and `search.js`, written: their entries, and the time it took.
    fn search_index(&self) -> Result<(Vec<(String, FileEntry)>, f64)> {
        let started = std::time::Instant::now();
        let mut files = shards::files(&self.open()?)?;
        files.push(("search.js".to_owned(), SEARCH_JS.as_bytes().to_vec()));
        let mut made = std::collections::HashSet::new();
        let mut entries = Vec::with_capacity(files.len());
        for (file, bytes) in files {
            let (entry, wrote) = put(self.dir, self.old, &mut made, &file, &bytes)?;
            self.written.fetch_add(u64::from(wrote), Ordering::Relaxed);
            entries.push((file, entry));
        }
        Ok((entries, started.elapsed().as_secs_f64()))
    }

    /// A rendering thread: chunks of pages, each rendered by the server's code and written,
    /// until none is left or another thread failed.
    fn render_pages(&self, opts: &Options) -> Result<()> {
        let build = self.open()?;
        let total = self.paths.len() as u64;
        let mut mine = Vec::new();
        let mut made = std::collections::HashSet::new();
        loop {
            if self.failed.lock().expect("not poisoned").is_some() {
                return Ok(());
            }
            let start = self.next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= self.paths.len() {
                break;
            }
            for path in &self.paths[start..(start + CHUNK).min(self.paths.len())] {
                let page = render(&build, path)?;
                let file = file_for(path);
                let (entry, wrote) = put(self.dir, self.old, &mut made, &file, &page.body)?;
                self.written.fetch_add(u64::from(wrote), Ordering::Relaxed);
                mine.push((file, entry));
            }
            let d = self.done.fetch_add(CHUNK as u64, Ordering::Relaxed) + CHUNK as u64;
            if let Some(p) = opts.progress {
                p(d.min(total), total);
            }
        }
        self.results.lock().expect("not poisoned").extend(mine);
        Ok(())
    }
}

/// A page of the mirror: the server's page, but for the two a mirror has of its own (its search
/// page searches in the browser, and its 404 page is what a static host shows); an error for a
/// page that does not render or is missing.
fn render(build: &cablegate_publication::Publication, path: &str) -> Result<cablegate_site::Page> {
    let page = match path {
        "/404.html" => cablegate_site::mirror_not_found(build),
        "/search.html" => cablegate_site::search::mirror_page(build)
            .map_err(|e| Error::Render { path: path.to_owned(), message: e.to_string() })?,
        _ => cablegate_site::render(build, path),
    };
    if page.status >= 500 || (page.status == 404 && path != "/404.html") {
        return Err(Error::Render {
            path: path.to_owned(),
            message: format!("status {}: {}", page.status, String::from_utf8_lossy(&page.body)),
        });
    }
    Ok(page)
}

/// Removes the files of the previous export that the new one does not have, and their folders
/// when that leaves them empty; how many were removed.
fn remove_stale(dir: &Path, old: &BTreeMap<String, FileEntry>, files: &BTreeMap<String, FileEntry>) -> Result<u64> {
    let mut removed = 0;
    for name in old.keys().filter(|k| !files.contains_key(*k)) {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path: p, source }),
        }
        if let Some(parent) = p.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
    Ok(removed)
}

/// Writes one file of the mirror unless the previous manifest lists these very bytes and the file
/// still holds them (an altered or missing file is written again); its entry, and whether it
/// was written.
/// `made` holds the folders this thread has made or found, so each is made once, not checked
/// before every file.
fn put(
    dir: &Path,
    old: &BTreeMap<String, FileEntry>,
    made: &mut std::collections::HashSet<PathBuf>,
    file: &str,
    bytes: &[u8],
) -> Result<(FileEntry, bool)> {
    let entry = FileEntry { sha256: sha256_hex(bytes), size: bytes.len() as u64 };
    let target = dir.join(file);
    let same = old.get(file) == Some(&entry) && std::fs::read(&target).map(|b| b == bytes).unwrap_or(false);
    if !same {
        if let Some(parent) = target.parent() {
            if !made.contains(parent) {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
                made.insert(parent.to_owned());
            }
        }
        std::fs::write(&target, bytes).map_err(io(&target))?;
    }
    Ok((entry, !same))
}

fn write_manifests(dir: &Path, m: &Manifest) -> Result<()> {
    let mut sums = String::with_capacity(m.files.len() * 100);
    for (name, f) in &m.files {
        sums.push_str(&f.sha256);
        sums.push_str("  ");
        sums.push_str(name);
        sums.push('\n');
    }
    let path = dir.join(MANIFEST_SHA256);
    std::fs::write(&path, sums).map_err(io(&path))?;
    // written last: a mirror with this manifest is whole
    let path = dir.join(MANIFEST_JSON);
    let tmp = dir.join(".MANIFEST.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(m).expect("a manifest serialises")).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub build: u32,
    pub files: u64,
    pub ok: u64,
    pub missing: Vec<String>,
    pub altered: Vec<String>,
    /// Files the manifest does not list.
    pub extra: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.altered.is_empty() && self.extra.is_empty()
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let e = e.map_err(io(dir))?;
        let p = e.path();
        if e.file_type().map_err(io(&p))?.is_dir() {
            walk(root, &p, out)?;
        } else {
            let rel = p.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
    Ok(())
}

/// Checks a mirror against its `MANIFEST.json`: every file there with its SHA-256, nothing else.
pub fn verify(dir: &Path) -> Result<Report> {
    let m = read_manifest(dir)?;
    let mut report = Report { build: m.build, files: m.files.len() as u64, ..Report::default() };
    for (name, f) in &m.files {
        let p = dir.join(name);
        match std::fs::read(&p) {
            Ok(bytes) if bytes.len() as u64 == f.size && sha256_hex(&bytes) == f.sha256 => report.ok += 1,
            Ok(_) => report.altered.push(name.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.missing.push(name.clone()),
            Err(source) => return Err(Error::Io { path: p, source }),
        }
    }
    let mut present = Vec::new();
    walk(dir, dir, &mut present)?;
    for name in present {
        if name != MANIFEST_JSON && name != MANIFEST_SHA256 && !m.files.contains_key(&name) {
            report.extra.push(name);
        }
    }
    report.extra.sort();
    Ok(report)
}

/// Writes the mirror in `dir` as one `.tar.zst` bundle (manifests first) and its SHA-256 beside
/// it (`FILE.sha256`, as `sha256sum` writes it). Returns the bundle's SHA-256.
pub fn bundle(dir: &Path, file: &Path) -> Result<String> {
    let m = read_manifest(dir)?;
    let out = std::fs::File::create(file).map_err(io(file))?;
    let hashing = HashingWriter { inner: std::io::BufWriter::with_capacity(1 << 20, out), hash: Sha256::new() };
    let mut enc = zstd::Encoder::new(hashing, 10).map_err(io(file))?;
    enc.multithread(std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(1)).map_err(io(file))?;
    let mut tar = tar::Builder::new(enc);
    tar.mode(tar::HeaderMode::Deterministic);
    for name in [MANIFEST_JSON, MANIFEST_SHA256].into_iter().chain(m.files.keys().map(String::as_str)) {
        let p = dir.join(name);
        tar.append_path_with_name(&p, name).map_err(io(&p))?;
    }
    let enc = tar.into_inner().map_err(io(file))?;
    let mut hashing = enc.finish().map_err(io(file))?;
    std::io::Write::flush(&mut hashing.inner).map_err(io(file))?;
    let sha: String = hashing.hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let sum = PathBuf::from(format!("{}.sha256", file.display()));
    std::fs::write(&sum, format!("{sha}  {name}\n")).map_err(io(&sum))?;
    Ok(sha)
}

struct HashingWriter<W> {
    inner: W,
    hash: Sha256,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
