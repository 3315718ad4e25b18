//! The read stage of an import: which files an input names and in which format, and the thread
//! that reads them as records (through `cablegate-formats`), hashes their texts and rejects what
//! it cannot read, in batches.

use super::*;
use cablegate_publication::IoAt;

/// Finds the inputs: files as given, folders walked for cable pages (`REFID.html`; a mirror's
/// other pages, the listings and the index, are skipped and counted). Returns the sources and
/// how many pages were skipped, and the other files of the folders, which no format reads
/// (said, not read: a folder is a mirror of cable pages).
pub fn sources(paths: &[PathBuf]) -> Result<(Vec<Source>, u64, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut others = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).at(path)?;
        if meta.is_dir() {
            let mut pages = Vec::new();
            walk_pages(path, &mut pages, &mut others)?;
            pages.sort();
            for p in pages {
                let stem = p.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
                if refid::canonicalize(&stem).is_none() {
                    skipped += 1;
                    continue;
                }
                let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                out.push(Source { path: p, format: Format::Html, size });
            }
        } else {
            out.push(Source { path: path.clone(), format: detect(path)?, size: meta.len() });
        }
    }
    others.sort();
    Ok((out, skipped, others))
}

pub(super) fn walk_pages(dir: &Path, out: &mut Vec<PathBuf>, others: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).at(dir)?;
    for entry in entries {
        let entry = entry.at(dir)?;
        let path = entry.path();
        let kind = entry.file_type().at(&path)?;
        if kind.is_dir() {
            walk_pages(&path, out, others)?;
        } else if path.extension().is_some_and(|e| e == "html" || e == "htm") {
            out.push(path);
        } else {
            others.push(path);
        }
    }
    Ok(())
}

/// The format of a file: by its name, else by its first byte.
pub fn detect(path: &Path) -> Result<Format> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".csv") {
        return Ok(Format::Csv);
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        return Ok(Format::Jsonl);
    }
    if name.ends_with(".html") || name.ends_with(".htm") {
        return Ok(Format::Html);
    }
    let mut head = [0u8; 512];
    let n = crate::open_maybe_gz(path).and_then(|mut r| r.read(&mut head)).at(path)?;
    match head[..n].iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'"') => Ok(Format::Csv),
        Some(b'{') => Ok(Format::Jsonl),
        Some(b'<') => Ok(Format::Html),
        _ => Err(Error::UnknownFormat(path.to_owned())),
    }
}

/// Counts the bytes read from a file, for progress.
pub(super) struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub(super) fn open_counting(path: &Path, count: &Arc<AtomicU64>) -> std::io::Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path)?;
    let counting = std::io::BufReader::with_capacity(1 << 20, Counting { inner: file, count: count.clone() });
    if cablegate_formats::is_gz(path) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(counting)))
    } else {
        Ok(Box::new(counting))
    }
}

/// Sends items in batches; false when the receiver has gone.
pub(super) struct Batcher<T> {
    tx: SyncSender<Vec<T>>,
    buf: Vec<T>,
}

impl<T> Batcher<T> {
    pub(super) fn new(tx: SyncSender<Vec<T>>) -> Self {
        Batcher { tx, buf: Vec::with_capacity(BATCH) }
    }
    pub(super) fn push(&mut self, item: T) -> bool {
        self.buf.push(item);
        if self.buf.len() >= BATCH {
            return self.flush();
        }
        true
    }
    pub(super) fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH));
        self.tx.send(batch).is_ok()
    }
}

pub(super) fn reject(file: &Path, location: impl Into<String>, reason: impl Into<String>) -> Item {
    Item::Reject(Reject { file: file.to_owned(), location: location.into(), reason: reason.into() })
}

/// The read stage's way out: records checked against the texts the archive holds, batched for
/// the parse stage; the time spent reading (waiting for the next stage is not busy time).
struct Out {
    batcher: Batcher<Item>,
    known: HashMap<String, Vec<[u8; 32]>>,
    busy: Duration,
    since: Instant,
}

impl Out {
    /// Sends an item on; false when the next stage has gone (stop reading).
    fn send(&mut self, item: Item) -> bool {
        let item = match item {
            Item::Record(r, _) => check(r, &mut self.known),
            other => other,
        };
        self.busy += self.since.elapsed();
        let ok = self.batcher.push(item);
        self.since = Instant::now();
        ok
    }

    fn record(&mut self, record: Record) -> bool {
        self.send(Item::Record(Box::new(record), [0; 32]))
    }
}

/// The read stage: every source read as records, in order, onto `out`; returns the time it was
/// busy.
pub(super) fn read_sources(
    sources: Vec<Source>,
    out: SyncSender<Vec<Item>>,
    bytes: Arc<AtomicU64>,
    known: HashMap<String, Vec<[u8; 32]>>,
) -> Duration {
    let mut out = Out { batcher: Batcher::new(out), known, busy: Duration::ZERO, since: Instant::now() };
    for source in sources {
        let file: Arc<Path> = Arc::from(source.path.as_path());
        let going_on = match open_counting(&source.path, &bytes) {
            Err(e) => out.send(reject(&source.path, "", format!("cannot read: {e}"))),
            Ok(input) => match source.format {
                Format::Csv => read_csv(input, &file, &mut out),
                Format::Jsonl => read_jsonl(input, &file, &mut out),
                Format::Html => read_html(input, &file, &mut out),
            },
        };
        if !going_on {
            return out.busy;
        }
    }
    out.busy += out.since.elapsed();
    out.batcher.flush();
    out.busy
}

/// The release's `cables.csv`: a record a row; a read error ends the file. False when the next
/// stage has gone.
fn read_csv(input: Box<dyn Read + Send>, file: &Arc<Path>, out: &mut Out) -> bool {
    let mut reader = release_csv::Reader::new(input);
    loop {
        let ok = match reader.next() {
            None => return true,
            Some(Ok(row)) => out.record(Record {
                release_number: row.id.trim().parse().ok(),
                reference_id: row.reference_id,
                created: Some(row.created),
                classification: Some(row.classification),
                origin: Some(row.origin),
                released: None,
                seen_at: None,
                header: row.header,
                body: row.body,
                file: file.clone(),
                location: format!("line {}", row.line),
            }),
            Some(Err(e @ release_csv::RowError::Io { .. })) => {
                return out.send(reject(file, e.location(), e.reason()));
            }
            Some(Err(e)) => out.send(reject(file, e.location(), e.reason())),
        };
        if !ok {
            return false;
        }
    }
}

/// JSON lines: a record for each version a line holds. False when the next stage has gone.
fn read_jsonl(input: Box<dyn Read + Send>, file: &Arc<Path>, out: &mut Out) -> bool {
    let mut reader = std::io::BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => {
                let location = format!("line {}", number + 1);
                return out.send(reject(file, location, format!("the file is truncated or unreadable ({e})")));
            }
        }
        number += 1;
        let Ok(text) = std::str::from_utf8(&line) else {
            if !out.send(reject(file, format!("line {number}"), "not valid UTF-8")) {
                return false;
            }
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let entries = match jsonl::read_line(text) {
            Ok(entries) => entries,
            Err(reason) => {
                if !out.send(reject(file, format!("line {number}"), reason)) {
                    return false;
                }
                continue;
            }
        };
        for e in entries {
            let ok = out.record(Record {
                reference_id: e.reference_id,
                release_number: e.release_number,
                created: e.created,
                classification: e.classification,
                origin: e.origin,
                released: e.released,
                seen_at: e.seen_at,
                header: e.header,
                body: e.body,
                file: file.clone(),
                location: format!("line {number}"),
            });
            if !ok {
                return false;
            }
        }
    }
}

/// A page of the original site: one record. False when the next stage has gone.
fn read_html(mut input: Box<dyn Read + Send>, file: &Arc<Path>, out: &mut Out) -> bool {
    let mut bytes_in = Vec::new();
    if let Err(e) = input.read_to_end(&mut bytes_in) {
        return out.send(reject(file, "", format!("cannot read: {e}")));
    }
    let Ok(text) = String::from_utf8(bytes_in) else {
        return out.send(reject(file, "", "not valid UTF-8"));
    };
    match html::read_page(&text) {
        Ok(p) => out.record(Record {
            reference_id: p.reference_id,
            release_number: None,
            created: p.created,
            classification: p.classification,
            origin: p.origin,
            released: p.released,
            seen_at: None,
            header: p.header,
            body: p.body,
            file: file.clone(),
            location: String::new(),
        }),
        Err(reason) => out.send(reject(file, "", reason)),
    }
}
