//! The query language: any string is read, with warnings, never a panic; what it reads back
//! parses again.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let q = String::from_utf8_lossy(data);
    let parsed = cablegate_search::parse(&q);
    let _ = parsed.is_costly();
    let _ = cablegate_search::parse(&parsed.reading());
});
