//! JSON lines of versions: any line is entries or a reason, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for line in String::from_utf8_lossy(data).lines() {
        let _ = cablegate_formats::jsonl::read_line(line);
    }
});
