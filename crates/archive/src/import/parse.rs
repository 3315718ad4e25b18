//! The parse stage of an import: each new text parsed on a thread of its own, and checked
//! against the texts the archive holds.

use super::*;

pub(crate) fn text_hash(header: &str, body: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(header.as_bytes());
    h.update(b"\0");
    h.update(body.as_bytes());
    *h.finalize().as_bytes()
}

/// The parse stage: parse each new text. Returns its busy time.
pub(super) fn parse_records(input: Receiver<Vec<Item>>, out: SyncSender<Vec<Work>>) -> Duration {
    let mut busy = Duration::ZERO;
    let mut batcher = Batcher::new(out);
    for batch in input {
        let t = Instant::now();
        let mut works = Vec::with_capacity(batch.len());
        for item in batch {
            works.push(match item {
                Item::Reject(r) => Work::Reject(r),
                Item::Unchanged => Work::Unchanged,
                Item::Record(mut record, hash) => {
                    let meta = Meta {
                        reference_id: Some(record.reference_id.trim()),
                        created: record.created.as_deref(),
                        classification: record.classification.as_deref(),
                        origin: record.origin.as_deref(),
                    };
                    let header = std::mem::take(&mut record.header);
                    let body = std::mem::take(&mut record.body);
                    // the writer needs the text and the browse fields, not the paragraphs
                    let cable = cablegate_cable::parse_with(&meta, header, body, cablegate_cable::Depth::Browse);
                    Work::Store(Box::new(Parsed { record: *record, cable, hash }))
                }
            });
        }
        busy += t.elapsed();
        for w in works {
            if !batcher.push(w) {
                return busy;
            }
        }
    }
    batcher.flush();
    busy
}

/// The longest reference id, field and text a record may have (the longest of the release:
/// 23 bytes, 60 bytes and about 700 KB).
pub const MAX_ID_BYTES: usize = 64;
pub const MAX_FIELD_BYTES: usize = 256;
pub const MAX_TEXT_BYTES: usize = 16 << 20;

/// Validates a record and hashes its text: a reject, `Unchanged` for a text the archive holds,
/// or the record with its hash.
pub(super) fn check(mut r: Box<Record>, known: &mut HashMap<String, Vec<[u8; 32]>>) -> Item {
    let bad = |r: &Record, reason: String| {
        Item::Reject(Reject { file: r.file.to_path_buf(), location: r.location.clone(), reason })
    };
    let id = r.reference_id.trim();
    if id.is_empty() {
        return bad(&r, "empty reference id".into());
    }
    // limits by design (README, "Limits"): a record larger than any cable is no cable
    if id.len() > MAX_ID_BYTES {
        return bad(&r, format!("reference id of {} bytes: an id has at most {MAX_ID_BYTES}", id.len()));
    }
    let text = r.header.len() + r.body.len();
    if text > MAX_TEXT_BYTES {
        return bad(
            &r,
            format!("text of {} MB: a cable's header and body have at most {} MB", text >> 20, MAX_TEXT_BYTES >> 20),
        );
    }
    for (what, value) in [("created", &r.created), ("origin", &r.origin), ("classification", &r.classification)] {
        if value.as_ref().is_some_and(|v| v.len() > MAX_FIELD_BYTES) {
            return bad(&r, format!("{what} longer than {MAX_FIELD_BYTES} bytes"));
        }
    }
    if refid::canonicalize(id).is_none() {
        return bad(&r, format!("reference id {id:?} is not a valid id (year, station, serial)"));
    }
    if let Some(c) = r.created.as_deref().filter(|c| !c.trim().is_empty()) {
        if meta::parse_timestamp(c).is_none() {
            return bad(&r, format!("created {c:?} is not a possible date"));
        }
    }
    // when a text was seen orders its versions, so it is stored in one form: the exact ISO 8601
    // form is kept with its seconds, any other form `parse_timestamp` reads is brought to it
    if let Some(s) = r.seen_at.take() {
        match cablegate_cable::Timestamp::from_iso(s.trim()).or_else(|| cablegate_cable::Timestamp::parse(&s)) {
            Some(t) => r.seen_at = Some(t.into_string()),
            None => return bad(&r, format!("seen_at {s:?} is not a time")),
        }
    }
    let hash = text_hash(&r.header, &r.body);
    let versions = known.entry(id.to_owned()).or_default();
    if versions.contains(&hash) {
        return Item::Unchanged;
    }
    versions.push(hash);
    Item::Record(r, hash)
}
