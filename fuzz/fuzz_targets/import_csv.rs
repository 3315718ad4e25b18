//! The release's cables.csv reader: any bytes give rows or row errors, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for row in cablegate_formats::release_csv::Reader::new(data) {
        if let Ok(r) = row {
            let meta = cablegate_cable::Meta {
                reference_id: Some(&r.reference_id),
                created: Some(&r.created),
                classification: Some(&r.classification),
                origin: Some(&r.origin),
            };
            let _ = cablegate_cable::parse(&meta, &r.header, &r.body);
        }
    }
});
