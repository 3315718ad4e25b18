//! The publisher's private archive.
//!
//! For now this crate reads the release's formats; the store (SQLite) follows. Readers stream:
//! the real `cables.csv` is 1.7 GB and is never held in memory.

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
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Ok(Box::new(file))
    }
}
