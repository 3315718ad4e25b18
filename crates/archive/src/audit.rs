//! `audit`: proof that a build — and anything made from it — holds nothing unreleased and nothing
//! redacted. It reads the published files byte for byte, not what the code meant to write.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::redact::{pattern, Redactor};
use crate::texts::Location;
use crate::{Archive, Error, Result};

/// What an audit checked and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub build: u32,
    pub made_at: String,
    pub files: u64,
    pub bytes: u64,
    /// Cables in the build, each checked to be released at the build's time.
    pub cables: u64,
    /// Unreleased cables whose text was looked for.
    pub unreleased: u64,
    /// Text fingerprints looked for (excerpts unique to unreleased cables).
    pub fingerprints: u64,
    pub redactions: u64,
    /// Pages of a running site fetched by the crawl.
    pub pages: u64,
    /// Each finding names the file, where, and what; empty when the build is clean.
    pub findings: Vec<String>,
}

/// Fingerprints of a text: up to two excerpts of 48 bytes of letters, digits, spaces and simple
/// punctuation (so that HTML escaping cannot hide them), from the middle of the body.
fn fingerprints(body: &str) -> Vec<String> {
    const LEN: usize = 48;
    let b = body.as_bytes();
    let ok = |c: u8| c.is_ascii_alphanumeric() || c == b' ' || c == b',' || c == b'.';
    let mut out = Vec::new();
    for frac in [2usize, 3] {
        let mut i = b.len() * (frac - 1) / frac;
        while i + LEN <= b.len() && out.len() < 2 {
            let w = &b[i..i + LEN];
            let letters = w.iter().filter(|c| c.is_ascii_alphabetic()).count();
            if w.iter().all(|&c| ok(c)) && letters >= 30 && !w.windows(3).any(|x| x.eq_ignore_ascii_case(b"xxx")) {
                out.push(String::from_utf8_lossy(w).into_owned());
                break;
            }
            i += 1;
            if i > b.len() * frac.min(3) / (frac + 1) + 4096 {
                break;
            }
        }
    }
    out.dedup();
    out
}

type Matcher<'a> = (&'a crate::redact::Redaction, regex::bytes::Regex);

/// What must not appear, and where each thing was found.
struct Detector<'a> {
    global: Vec<Matcher<'a>>,
    per_cable: Vec<Matcher<'a>>,
    prints: Option<AhoCorasick>,
    owner: Vec<String>,
}

impl Detector<'_> {
    /// Findings in `bytes` (at `offset` in `place`); per-cable redactions count where `name`
    /// (a file name or URL, upper-cased) names their cable.
    fn scan(&self, place: &str, name: &str, bytes: &[u8], offset: u64) -> Vec<String> {
        let mut found = Vec::new();
        let mine = self.per_cable.iter().filter(|(r, _)| r.cable.as_deref().is_some_and(|c| name.contains(c)));
        for (r, re) in self.global.iter().chain(mine) {
            for mat in re.find_iter(bytes) {
                found.push(format!(
                    "{place}: byte {}: redacted text {:?} (redaction {})",
                    offset + mat.start() as u64,
                    r.text,
                    r.id
                ));
            }
        }
        if let Some(ac) = &self.prints {
            for mat in ac.find_iter(bytes) {
                found.push(format!(
                    "{place}: byte {}: text of {}, which is not released",
                    offset + mat.start() as u64,
                    self.owner[mat.pattern().as_usize()]
                ));
            }
        }
        found
    }
}

/// Crawls a running site from `start`, breadth first, following links that stay under it, at
/// most `max` pages; each page's body goes to `check`. Returns pages and bytes fetched.
fn crawl_site(
    start: &str,
    max: usize,
    check: impl Fn(&str, &[u8]) -> Vec<String>,
    findings: &mut Vec<String>,
) -> Result<(u64, u64)> {
    let bad = |reason: String| Error::Crawl { url: start.to_owned(), reason };
    let base = url::Url::parse(start).map_err(|e| bad(e.to_string()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .max_redirects(5)
        .build()
        .into();
    let href = regex::Regex::new(r##"href="([^"#]+)"##).expect("a valid pattern");
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue = std::collections::VecDeque::from([base.clone()]);
    seen.insert(base.to_string());
    let (mut pages, mut bytes) = (0u64, 0u64);
    while let Some(u) = queue.pop_front() {
        if pages as usize >= max {
            break;
        }
        let mut res = match agent.get(u.as_str()).call() {
            Ok(r) => r,
            Err(e) => {
                findings.push(format!("{u}: cannot fetch: {e}"));
                continue;
            }
        };
        let status = res.status().as_u16();
        let body = res.body_mut().with_config().limit(64 << 20).read_to_vec().map_err(|e| bad(format!("{u}: {e}")))?;
        pages += 1;
        bytes += body.len() as u64;
        findings.extend(check(u.as_str(), &body));
        if status != 200 {
            continue;
        }
        let is_html =
            res.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let text = String::from_utf8_lossy(&body);
        for cap in href.captures_iter(&text) {
            let Ok(next) = u.join(&cap[1]) else { continue };
            if next.origin() != base.origin() || !next.path().starts_with(base.path().trim_end_matches("index.html")) {
                continue;
            }
            let mut next = next;
            next.set_fragment(None);
            if seen.insert(next.to_string()) {
                queue.push_back(next);
            }
        }
    }
    Ok((pages, bytes))
}

/// Calls `f` with the file's bytes in overlapping chunks (so a match across a chunk edge is seen)
/// and the offset of each chunk.
fn scan_file(path: &Path, overlap: usize, mut f: impl FnMut(&[u8], u64)) -> std::io::Result<u64> {
    const CHUNK: usize = 32 << 20;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; CHUNK + overlap];
    let mut keep = 0usize;
    let mut offset = 0u64;
    let mut total = 0u64;
    loop {
        let mut filled = keep;
        while filled < buf.len() {
            let n = file.read(&mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        total += (filled - keep) as u64;
        if filled == keep {
            break;
        }
        f(&buf[..filled], offset);
        if filled < buf.len() {
            break;
        }
        keep = overlap.min(filled);
        buf.copy_within(filled - keep..filled, 0);
        offset += (filled - keep) as u64;
    }
    Ok(total)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            walk(&e.path(), out)?;
        } else {
            out.push(e.path());
        }
    }
    Ok(())
}

impl Archive {
    /// Audits build `number` (default: the current one) and the files of `extra` (an export, a
    /// crawl): every cable in it released at its time, no text of an unreleased cable, no redacted
    /// text anywhere, and the build's files as its manifest says.
    pub fn audit(
        &self,
        data_dir: &Path,
        number: Option<u32>,
        extra: &[PathBuf],
        crawl: Option<&str>,
        max_pages: usize,
    ) -> Result<AuditReport> {
        let builds = cablegate_publication::publications_dir(data_dir);
        let build = cablegate_publication::Publication::open(&builds, number)?;
        let m = build.manifest().clone();
        let mut report = AuditReport { build: m.number, made_at: m.made_at.clone(), ..AuditReport::default() };

        // the files are the ones the manifest lists
        for (name, sha) in &m.files {
            let got = cablegate_publication::write::sha256_file(&build.dir().join(name))?;
            if &got != sha {
                report
                    .findings
                    .push(format!("{}: SHA-256 differs from the manifest", build.dir().join(name).display()));
            }
        }
        // every cable is released at the build's time
        let released: HashSet<String> = {
            let unreleased: HashSet<String> = self.unreleased_at(&m.made_at)?.into_iter().collect();
            let ids = build.reference_ids()?;
            for id in &ids {
                if unreleased.contains(id) {
                    report
                        .findings
                        .push(format!("build {} holds {id}, which is not released at {}", m.number, m.made_at));
                }
            }
            report.cables = ids.len() as u64;
            ids.into_iter().collect()
        };

        // what must not appear: redacted text, and fingerprints of unreleased cables' texts
        let redactions = self.redactions()?;
        report.redactions = redactions.len() as u64;
        let compile = |r: &crate::redact::Redaction| {
            regex::bytes::RegexBuilder::new(&pattern(&r.text)).case_insensitive(true).build().expect("escaped literals")
        };
        // redactions for every cable: anywhere in any file
        let global: Vec<(&crate::redact::Redaction, regex::bytes::Regex)> =
            redactions.iter().filter(|r| r.cable.is_none()).map(|r| (r, compile(r))).collect();
        // redactions for one cable: in that cable's rows of the build, and in files named after it
        let per_cable: Vec<(&crate::redact::Redaction, regex::bytes::Regex)> =
            redactions.iter().filter(|r| r.cable.is_some()).map(|r| (r, compile(r))).collect();
        for (r, re) in &per_cable {
            let id = r.cable.as_deref().unwrap_or_default();
            for v in build.stored_versions(id)? {
                let version = v.version;
                for (what, text) in [("subject", &v.subject), ("header", &v.header), ("body", &v.body)] {
                    if re.is_match(text.as_bytes()) {
                        report.findings.push(format!(
                            "{}: {id} version {version} {what}: redacted text {:?} (redaction {})",
                            build.dir().join("build.sqlite").display(),
                            r.text,
                            r.id
                        ));
                    }
                }
            }
        }
        let _ = Redactor::new(&redactions);
        let texts = self.texts_dir();
        let locate = |id: &str| -> Result<Option<Location>> {
            self.conn
                .query_row(
                    "SELECT v.pack, v.offset, v.length FROM versions v JOIN cables c ON c.id = v.cable_id
                     WHERE c.reference_id = ?1 AND v.version = c.current_version",
                    [id],
                    |r| {
                        Ok(Location {
                            pack: r.get(0)?,
                            offset: r.get::<_, i64>(1)? as u64,
                            length: r.get::<_, i64>(2)? as u64,
                        })
                    },
                )
                .map(Some)
                .or_else(
                    |e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(self.sql(e)) },
                )
        };
        let mut prints: Vec<String> = Vec::new();
        let mut owner: Vec<String> = Vec::new();
        for id in self.unreleased_at(&m.made_at)? {
            report.unreleased += 1;
            if let Some(loc) = locate(&id)? {
                let (_, body) =
                    crate::texts::read(&texts, loc).map_err(|source| Error::Io { path: texts.clone(), source })?;
                for p in fingerprints(&body) {
                    prints.push(p);
                    owner.push(id.clone());
                }
            }
        }
        // excerpts that released cables share (boilerplate, repeated paragraphs) prove nothing
        if !prints.is_empty() {
            let ac = AhoCorasick::new(&prints).expect("fingerprints form an automaton");
            let mut shared = vec![false; prints.len()];
            for id in &released {
                if let Some(loc) = locate(id)? {
                    let (header, body) =
                        crate::texts::read(&texts, loc).map_err(|source| Error::Io { path: texts.clone(), source })?;
                    for text in [header, body] {
                        for mat in ac.find_overlapping_iter(text.as_bytes()) {
                            shared[mat.pattern().as_usize()] = true;
                        }
                    }
                }
            }
            let keep: Vec<usize> = (0..prints.len()).filter(|&i| !shared[i]).collect();
            prints = keep.iter().map(|&i| prints[i].clone()).collect();
            owner = keep.iter().map(|&i| owner[i].clone()).collect();
        }
        report.fingerprints = prints.len() as u64;
        let ac = (!prints.is_empty()).then(|| AhoCorasick::new(&prints).expect("fingerprints form an automaton"));

        // the search index: the same cables, and no redacted words in its terms
        match build.search() {
            Ok(index) => {
                let mut in_index = index.keys().map_err(cablegate_publication::Error::from)?;
                in_index.sort_unstable();
                let keys = build.keys()?;
                let in_build: Vec<u64> = keys.iter().map(|(k, _)| *k).collect();
                if in_index != in_build {
                    report.findings.push(format!(
                        "{}: the search index holds {} cables, the build {}, or other ones",
                        build.dir().join(cablegate_publication::SEARCH_DIR).display(),
                        in_index.len(),
                        in_build.len()
                    ));
                }
                let ids: std::collections::HashMap<u64, String> = keys.into_iter().collect();
                for r in &redactions {
                    let words: String = r.text.chars().filter(|&c| c != '"').collect();
                    let q = cablegate_search::parse(&format!("\"{words}\""));
                    let opts = cablegate_search::Options { limit: 1000, facets: false, ..Default::default() };
                    let found = index.search(&q, &opts).map_err(cablegate_publication::Error::from)?;
                    for hit in found.hits {
                        let rid = ids.get(&hit.key).cloned().unwrap_or_default();
                        if r.cable.as_deref().is_none_or(|c| c == rid) {
                            report.findings.push(format!(
                                "{}: a search for redacted text {:?} (redaction {}) finds {}",
                                build.dir().join(cablegate_publication::SEARCH_DIR).display(),
                                r.text,
                                r.id,
                                rid
                            ));
                        }
                    }
                }
            }
            Err(cablegate_publication::Error::NoSearch(_)) => {}
            Err(e) => return Err(e.into()),
        }

        let detector = Detector { global, per_cable, prints: ac, owner };
        let mut files = build.files();
        for e in extra {
            if e.is_dir() {
                walk(e, &mut files).map_err(|source| Error::Io { path: e.clone(), source })?;
            } else {
                files.push(e.clone());
            }
        }
        for file in files {
            report.files += 1;
            let name = file.file_name().map(|n| n.to_string_lossy().to_ascii_uppercase()).unwrap_or_default();
            let mut found: Vec<String> = Vec::new();
            let bytes = scan_file(&file, 4096, |chunk, offset| {
                found.extend(detector.scan(&file.display().to_string(), &name, chunk, offset));
            })
            .map_err(|source| Error::Io { path: file.clone(), source })?;
            report.bytes += bytes;
            found.sort();
            found.dedup();
            report.findings.extend(found);
        }
        if let Some(url) = crawl {
            let (pages, bytes) = crawl_site(
                url,
                max_pages,
                |page_url, body| {
                    let name = page_url.to_ascii_uppercase();
                    detector.scan(page_url, &name, body, 0)
                },
                &mut report.findings,
            )?;
            report.pages = pages;
            report.bytes += bytes;
        }
        report.findings.dedup();
        Ok(report)
    }
}
