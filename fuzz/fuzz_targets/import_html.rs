//! Pages of the original site: any text is a page or a reason, never a panic or a stall.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cablegate_formats::html::read_page(&String::from_utf8_lossy(data));
});
