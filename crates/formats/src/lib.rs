//! The release's input formats, read as streams of records: [`release_csv`] (the release's
//! `cables.csv`), [`html`] (pages of the original site) and [`jsonl`] (JSON lines).
//!
//! **Architecture Invariant:** this crate knows nothing of storage: it reads bytes and gives
//! records, or says what is wrong with one (file offsets and lines are the caller's to report).

pub mod html;
pub mod jsonl;
pub mod release_csv;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Opens a file for reading, through a gzip decoder when its name ends in `.gz`; `-` is stdin.
pub fn open_maybe_gz(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = BufReader::with_capacity(1 << 20, File::open(path)?);
    if is_gz(path) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Ok(Box::new(file))
    }
}

/// Whether a file's name ends in `.gz`.
pub fn is_gz(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}
