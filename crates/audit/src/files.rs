//! Every byte of the publication's files, and of what was made from it (an export), through the
//! detector.

use cablegate_publication::IoAt;
use std::io::Read;
use std::path::{Path, PathBuf};

use cablegate_publication::Publication;

use crate::detector::Detector;
use crate::{Finding, Result};

/// Calls `f` with the file's bytes in overlapping chunks (so a match across a chunk edge is seen)
/// and the offset of each chunk.
fn scan_file(path: &Path, overlap: usize, mut f: impl FnMut(&[u8], u64)) -> std::io::Result<u64> {
    const CHUNK: usize = 4 << 20;
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

/// Scans every file of the publication and of `extra` (files, or folders walked): the files
/// read, their bytes, and what was found, each file's findings once and in order.
pub(crate) fn scan(
    publication: &Publication,
    extra: &[PathBuf],
    detector: &Detector,
) -> Result<(u64, u64, Vec<Finding>)> {
    // the build's own database and search index are binary (pages, compressed segments): read
    // through their own readers (`checks::stored_texts`, `checks::search_index`), not as bytes,
    // where a regex finds only chance; everything made from the build is read byte for byte
    let mut files: Vec<PathBuf> = publication
        .files()
        .into_iter()
        .filter(|f| {
            let rel = f.strip_prefix(publication.dir()).unwrap_or(f);
            !(rel.extension().is_some_and(|e| e == "sqlite") || rel.starts_with(cablegate_publication::SEARCH_DIR))
        })
        .collect();
    for e in extra {
        if e.is_dir() {
            walk(e, &mut files).at(e)?;
        } else {
            files.push(e.clone());
        }
    }
    // the site's own fixed files (the stylesheet, the API's description, the mirror's search
    // script) hold no cable text: compiled into cablegate, they are what every mirror holds, and a
    // redacted word that is also a word of CSS (`White`: `white-space`) is no leak. A file that
    // differs from them by a byte is read like any other.
    let fixed: [&[u8]; 3] = [
        cablegate_site::STYLESHEET.as_bytes(),
        cablegate_site::OPENAPI.as_bytes(),
        cablegate_export::SEARCH_JS.as_bytes(),
    ];
    let (mut count, mut bytes) = (0, 0);
    let mut findings = Vec::new();
    for file in files {
        // a bundle (`export --archive`): every file inside it, as the mirror it unpacks to
        if file.to_string_lossy().ends_with(".tar.zst") {
            let (n, b) = scan_bundle(&file, &fixed, detector, &mut findings).at(&file)?;
            count += n;
            bytes += b;
            continue;
        }
        let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        if fixed.iter().any(|f| f.len() as u64 == len)
            && std::fs::read(&file).is_ok_and(|b| fixed.contains(&b.as_slice()))
        {
            count += 1;
            bytes += len;
            continue;
        }
        count += 1;
        let name = file.file_name().map(|n| n.to_string_lossy().to_ascii_uppercase()).unwrap_or_default();
        let place = file.display().to_string();
        let mut found: Vec<Finding> = Vec::new();
        bytes += scan_file(&file, 4096, |chunk, offset| found.extend(detector.scan(&place, &name, chunk, offset)))
            .at(&file)?;
        // in the order of what they say, as a reader compares them
        found.sort_by_cached_key(ToString::to_string);
        found.dedup();
        findings.extend(found);
    }
    Ok((count, bytes, findings))
}

/// Every file inside a `.tar.zst` bundle through the detector, each named `BUNDLE!/PATH`; the
/// site's fixed files are passed over, as outside. The files read and their bytes.
fn scan_bundle(
    bundle: &Path,
    fixed: &[&[u8]],
    detector: &Detector,
    findings: &mut Vec<Finding>,
) -> std::io::Result<(u64, u64)> {
    let mut archive = tar::Archive::new(zstd::Decoder::new(std::fs::File::open(bundle)?)?);
    let (mut count, mut bytes) = (0, 0);
    for entry in archive.entries()? {
        let mut entry = entry?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path()?.into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data)?;
        count += 1;
        bytes += data.len() as u64;
        if fixed.contains(&data.as_slice()) {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_uppercase()).unwrap_or_default();
        let place = format!("{}!/{}", bundle.display(), path.display());
        let mut found = detector.scan(&place, &name, &data, 0);
        found.sort_by_cached_key(ToString::to_string);
        found.dedup();
        findings.extend(found);
    }
    Ok((count, bytes))
}
