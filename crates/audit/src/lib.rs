//! `audit`: proof that a publication — and anything made from it — holds nothing unreleased and
//! nothing redacted. It reads the published files byte for byte, not what the code meant to write.
//!
//! The audit is the one reader of both sides: the private archive says what is unreleased and
//! what is redacted, the publication (and an export of it, and a running site) is what the public
//! gets. Each check is a function of `checks.rs` that returns [`Finding`]s; [`audit`] runs them
//! in turn. What must not appear in any byte — redacted text, excerpts of unreleased cables — is
//! a `Detector` (`detector.rs`), run over every file (`files.rs`) and every
//! page of a crawl (`crawl.rs`).

mod checks;
mod crawl;
mod decode;
mod detector;
mod files;

use std::path::{Path, PathBuf};

use cablegate_archive::Archive;
use cablegate_publication::{Publication, Timestamp};
use serde::Serialize;

/// What can stop an audit (a finding does not: it is reported).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Archive(#[from] cablegate_archive::Error),
    #[error(transparent)]
    Publication(#[from] cablegate_publication::Error),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("crawling {url}: {reason}")]
    Crawl { url: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<cablegate_publication::PathIo> for Error {
    fn from(e: cablegate_publication::PathIo) -> Self {
        Error::Io { path: e.path, source: e.source }
    }
}

/// One thing the audit found that must not be there, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A file of the publication whose bytes are not the ones its manifest hashes.
    FileAltered { path: PathBuf },
    /// A cable in the publication that was not released at its time.
    NotReleased { publication: u32, reference_id: String, at: Timestamp },
    /// Redacted text in a cable's stored text (`what`: subject, header or body).
    RedactedInTable {
        database: PathBuf,
        reference_id: String,
        version: u32,
        what: &'static str,
        text: String,
        redaction: i64,
    },
    /// Redacted text in a file or a page, at a byte offset (or, `decoded`, at a character of
    /// the text a reader gets from it: entities, escapes and markup undone), with its context.
    RedactedText { place: String, offset: u64, decoded: bool, text: String, redaction: i64, context: String },
    /// An excerpt of an unreleased cable's text in a file or a page, at a byte offset.
    UnreleasedText { place: String, offset: u64, reference_id: String },
    /// The search index holds other cables than the publication.
    IndexMismatch { index: PathBuf, in_index: usize, in_publication: usize },
    /// A search of the publication's index for redacted text finds a cable.
    SearchFinds { index: PathBuf, text: String, redaction: i64, reference_id: String },
    /// A page of a crawled site that could not be fetched.
    CannotFetch { url: String, reason: String },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::FileAltered { path } => write!(f, "{}: SHA-256 differs from the manifest", path.display()),
            Finding::NotReleased { publication, reference_id, at } => {
                write!(f, "build {publication} holds {reference_id}, which is not released at {at}")
            }
            Finding::RedactedInTable { database, reference_id, version, what, text, redaction } => write!(
                f,
                "{}: {reference_id} version {version} {what}: redacted text {text:?} (redaction {redaction})",
                database.display()
            ),
            Finding::RedactedText { place, offset, decoded, text, redaction, context } => {
                let at = if *decoded { "character" } else { "byte" };
                let of = if *decoded { " of the decoded text" } else { "" };
                write!(f, "{place}: {at} {offset}{of}: redacted text {text:?} (redaction {redaction}): {context}")
            }
            Finding::UnreleasedText { place, offset, reference_id } => {
                write!(f, "{place}: byte {offset}: text of {reference_id}, which is not released")
            }
            Finding::IndexMismatch { index, in_index, in_publication } => write!(
                f,
                "{}: the search index holds {in_index} cables, the build {in_publication}, or other ones",
                index.display()
            ),
            Finding::SearchFinds { index, text, redaction, reference_id } => write!(
                f,
                "{}: a search for redacted text {text:?} (redaction {redaction}) finds {reference_id}",
                index.display()
            ),
            Finding::CannotFetch { url, reason } => write!(f, "{url}: cannot fetch: {reason}"),
        }
    }
}

/// A finding is written as the sentence that says it, in reports and in JSON.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What an audit checked and found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub build: u32,
    pub made_at: Timestamp,
    pub files: u64,
    pub bytes: u64,
    /// Cables in the publication, each checked to be released at its time.
    pub cables: u64,
    /// Unreleased cables whose text was looked for.
    pub unreleased: u64,
    /// Text fingerprints looked for (excerpts unique to unreleased cables).
    pub fingerprints: u64,
    pub redactions: u64,
    /// Pages of a running site fetched by the crawl.
    pub pages: u64,
    /// Each finding names the file, where, and what; empty when the publication is clean.
    pub findings: Vec<Finding>,
    /// Builds on disk (the audited one too) that lack redactions the archive holds: not public
    /// until served or exported, which `export` refuses; `publications --prune` removes them.
    pub older_builds: Vec<OlderBuild>,
    /// Words of a redacted name of several words that the build still holds on their own
    /// (`Sabrido` of `Garcia Sabrido`): not findings — the word may name someone else — but
    /// for the publisher to decide (`redact check`, `redact add --parts`).
    pub surviving_parts: Vec<SurvivingPart>,
}

/// A build that lacks redactions of the archive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OlderBuild {
    pub number: u32,
    /// The redactions it lacks, by number (all of them for a build that did not record its own).
    pub lacking: Vec<i64>,
}

/// A word of a redacted name that a build's search still finds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SurvivingPart {
    pub redaction: i64,
    pub part: String,
    /// Cables whose text holds the word.
    pub cables: u64,
    /// A few of them.
    pub examples: Vec<String>,
}

/// What to audit beside the publication.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The publication's number (default: the current one).
    pub number: Option<u32>,
    /// Files and folders made from it (an export, a bundle's contents).
    pub extra: &'a [PathBuf],
    /// A running site to crawl, from this URL.
    pub crawl: Option<&'a str>,
    /// Pages of the crawl at most.
    pub max_pages: usize,
}

/// Audits a publication of the data folder `data_dir` and what `opts` names beside it: every
/// cable in it released at its time, no text of an unreleased cable, no redacted text anywhere,
/// and its files as its manifest says.
pub fn audit(archive: &Archive, data_dir: &Path, opts: &Options) -> Result<AuditReport> {
    let publications = cablegate_publication::publications_dir(data_dir);
    let publication = Publication::open(&publications, opts.number)?;
    let m = publication.manifest().clone();
    let mut report = AuditReport {
        build: m.number,
        made_at: m.made_at.clone(),
        files: 0,
        bytes: 0,
        cables: 0,
        unreleased: 0,
        fingerprints: 0,
        redactions: 0,
        pages: 0,
        findings: Vec::new(),
        older_builds: Vec::new(),
        surviving_parts: Vec::new(),
    };

    report.findings.extend(checks::manifest_files(&publication)?);
    let released = checks::cables_released(archive, &publication, &mut report)?;
    let redactions = archive.redactions()?;
    report.redactions = redactions.len() as u64;
    let detector = detector::Detector::new(archive, &redactions, &released, &m.made_at, &mut report)?;
    report.findings.extend(checks::stored_texts(&publication, &detector)?);
    report.findings.extend(checks::search_index(&publication, &redactions)?);
    report.older_builds = checks::older_builds(&publications, &redactions)?;
    report.surviving_parts = checks::surviving_parts(&publication, &redactions)?;
    let (files, bytes, found) = files::scan(&publication, opts.extra, &detector)?;
    report.files = files;
    report.bytes = bytes;
    report.findings.extend(found);
    if let Some(url) = opts.crawl {
        let (pages, bytes) = crawl::crawl(
            url,
            opts.max_pages,
            |page_url, body| detector.scan(page_url, &page_url.to_ascii_uppercase(), body, 0),
            &mut report.findings,
        )?;
        report.pages = pages;
        report.bytes += bytes;
    }
    report.findings.dedup();
    Ok(report)
}
