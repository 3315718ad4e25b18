//! The parser never fails and never gives up: any bytes give a cable, without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // the first NUL, if any, splits header and body, as the archive's packs do
    let (header, body) = text.split_once('\0').unwrap_or(("", &text));
    let meta = cablegate_cable::Meta { reference_id: Some("09LONDON923"), ..Default::default() };
    let cable = cablegate_cable::parse(&meta, header, body);
    // and it always writes as JSON
    serde_json::to_string(&cable).expect("a cable serialises");
});
