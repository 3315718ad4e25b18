//! Archives written by older versions of cablegate open, migrate, and keep their contents.
//!
//! `tests/data/archive-v1/` is an archive at schema version 1 (cables, versions, text packs; no
//! catalogue or import log yet), committed as it was written: if a change to the first migration
//! made it unreadable, this test would say so. Regenerate it only when adding a new old version:
//! `cargo test -p cablegate-archive --test schema -- --ignored write_v1_fixture`.

use std::path::{Path, PathBuf};

use cablegate_archive::{schema, Archive, ImportOptions};

fn v1_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/archive-v1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Writes a version-1 archive holding 09LONDON923 the way version 1 stored it.
fn write_v1(dir: &Path) {
    std::fs::create_dir_all(dir.join("texts")).unwrap();
    let a = Archive::open_file(&Archive::file_in(dir), 1).unwrap();
    assert_eq!(a.schema_version().unwrap(), 1);
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/09LONDON923.txt"))
            .unwrap();
    let (header, body) =
        text.split_once("\nS E C R E T").map(|(h, b)| (h.to_owned(), format!("S E C R E T{b}"))).unwrap();
    let packed = format!("{header}\0{body}");
    std::fs::write(dir.join("texts/pack-000001.dat"), &packed).unwrap();
    let mut hasher = blake3::Hasher::new();
    hasher.update(header.as_bytes());
    hasher.update(b"\0");
    hasher.update(body.as_bytes());
    let c = a.connection();
    c.execute_batch(&format!(
        "INSERT INTO packs (id, length) VALUES (1, {len});
         INSERT INTO cables (id, reference_id, canonical_id, release_number, created, year, month, classification, level, origin, subject, current_version)
           VALUES (1, '09LONDON923', '09LONDON923', 203211, '2009-04-20T16:45:00Z', 2009, 4, 'SECRET//NOFORN', 'SECRET', 'Embassy London', 'IRAN ELECTIONS', 1);
         INSERT INTO tags (cable_id, position, tag) VALUES (1, 0, 'PGOV'), (1, 1, 'PREL');",
        len = packed.len()
    ))
    .unwrap();
    c.execute(
        "INSERT INTO versions (cable_id, version, hash, pack, offset, length, seen_at, source, released)
         VALUES (1, 1, ?1, 1, 0, ?2, '2026-11-29T00:00:00Z', 'fixtures/cables.csv:line 1', NULL)",
        rusqlite::params![&hasher.finalize().as_bytes()[..], packed.len() as i64],
    )
    .unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

#[test]
#[ignore]
fn write_v1_fixture() {
    let dir = v1_fixture();
    let _ = std::fs::remove_dir_all(&dir);
    write_v1(&dir);
    for f in ["archive.sqlite-wal", "archive.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
}

fn opens_and_migrates(dir: &Path) {
    let mut a = Archive::open(dir).unwrap();
    assert_eq!(a.schema_version().unwrap(), schema::CURRENT);
    let c = a.cable("09LONDON923").unwrap();
    assert_eq!(c.tags, ["PGOV", "PREL"]);
    let (header, body) = a.version_text("09LONDON923", 1).unwrap();
    assert!(header.contains("FM AMEMBASSY LONDON") && body.starts_with("S E C R E T"));
    assert!(a.check().unwrap().problems.is_empty());
    // the new tables work on the migrated archive
    let s = a
        .import(
            &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cables.csv")],
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!((s.imported, s.unchanged), (10, 1), "the v1 text of 09LONDON923 is the CSV's");
    assert_eq!(a.stats().unwrap().held, 11);
    assert!(a.check().unwrap().problems.is_empty());
}

#[test]
fn the_committed_version_1_archive_opens() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&v1_fixture(), tmp.path());
    opens_and_migrates(tmp.path());
}

#[test]
fn a_freshly_written_version_1_archive_opens() {
    let tmp = tempfile::tempdir().unwrap();
    write_v1(tmp.path());
    opens_and_migrates(tmp.path());
}

#[test]
fn a_newer_archive_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let a = Archive::open(tmp.path()).unwrap();
        a.connection().pragma_update(None, "user_version", schema::CURRENT + 1).unwrap();
    }
    let err = Archive::open(tmp.path()).err().expect("refused").to_string();
    assert!(
        err.contains(&format!("schema version {}", schema::CURRENT + 1)) && err.contains("newer cablegate"),
        "{err}"
    );
}
