//! The archive's SQLite schema and its migrations.
//!
//! The schema version is SQLite's `user_version`. Each migration moves an archive one version on,
//! inside a transaction; an archive written by an older cablegate is migrated when it is opened,
//! and one written by a newer cablegate is refused rather than misread. Never edit a migration
//! that has shipped: add the next one. `tests/schema.rs` opens a committed version-1 archive.

use rusqlite::Connection;

/// The schema version this code writes.
pub const CURRENT: u32 = MIGRATIONS.len() as u32;

/// Migration `i` takes an archive from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: cables, every version of their text, and the browse tables derived from the current one
    r#"
    CREATE TABLE cables (
        id              INTEGER PRIMARY KEY,
        reference_id    TEXT NOT NULL UNIQUE,   -- as published, malformed ones included
        canonical_id    TEXT NOT NULL,
        release_number  INTEGER,                -- the release's own numbering, when the source has it
        created         TEXT,                   -- ISO 8601, UTC
        year            INTEGER,
        month           INTEGER,
        classification  TEXT,
        level           TEXT,
        origin          TEXT,
        subject         TEXT,
        current_version INTEGER NOT NULL
    );
    CREATE INDEX cables_canonical ON cables(canonical_id);
    CREATE INDEX cables_created ON cables(year, month);
    CREATE INDEX cables_origin ON cables(origin);
    CREATE INDEX cables_classification ON cables(classification);

    -- append-only files of texts; bytes past `length` are left from an interrupted import
    CREATE TABLE packs (
        id     INTEGER PRIMARY KEY,
        length INTEGER NOT NULL
    );

    CREATE TABLE versions (
        id        INTEGER PRIMARY KEY,
        cable_id  INTEGER NOT NULL REFERENCES cables(id),
        version   INTEGER NOT NULL,             -- 1, 2, ... in the order the archive saw them
        hash      BLOB NOT NULL,                -- BLAKE3 of header, NUL, body
        pack      INTEGER NOT NULL REFERENCES packs(id), -- the text (header, NUL, body) is in
        offset    INTEGER NOT NULL,             --   texts/pack-NNNNNN.dat at this offset,
        length    INTEGER NOT NULL,             --   this many bytes
        seen_at   TEXT NOT NULL,                -- when this text was first seen (ISO 8601)
        source    TEXT NOT NULL,                -- where it came from: file and line
        released  TEXT,                         -- the release time the source gives, if any
        UNIQUE (cable_id, version)
    );

    CREATE TABLE tags (
        cable_id INTEGER NOT NULL REFERENCES cables(id),
        position INTEGER NOT NULL,
        tag      TEXT NOT NULL,
        PRIMARY KEY (cable_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX tags_tag ON tags(tag);

    CREATE TABLE refs (
        cable_id INTEGER NOT NULL REFERENCES cables(id),
        position INTEGER NOT NULL,
        cited_id TEXT,                          -- canonical id of a cited cable
        text     TEXT,                          -- or a reference that is not a cable
        bullet   TEXT,
        PRIMARY KEY (cable_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX refs_cited ON refs(cited_id) WHERE cited_id IS NOT NULL;
    "#,
    // 2: the catalogue of the whole collection, and a log of imports
    r#"
    CREATE TABLE catalog (
        release_number INTEGER PRIMARY KEY,
        reference_id   TEXT NOT NULL,
        canonical_id   TEXT NOT NULL,
        created_month  INTEGER
    );
    CREATE INDEX catalog_reference ON catalog(reference_id);
    CREATE INDEX catalog_canonical ON catalog(canonical_id);

    CREATE TABLE imports (
        id           INTEGER PRIMARY KEY,
        started      TEXT NOT NULL,
        finished     TEXT,
        sources      TEXT NOT NULL,
        imported     INTEGER NOT NULL DEFAULT 0,
        unchanged    INTEGER NOT NULL DEFAULT 0,
        new_versions INTEGER NOT NULL DEFAULT 0,
        rejected     INTEGER NOT NULL DEFAULT 0
    );
    "#,
    // 3: publishing: releases (with embargoes and withdrawals), redactions, builds
    r#"
    CREATE TABLE releases (
        cable_id        INTEGER PRIMARY KEY REFERENCES cables(id),
        released_at     TEXT NOT NULL,          -- public from (ISO 8601); a future time is an embargo
        released_latest TEXT,                   -- re-issued with a new text at
        withdrawn_at    TEXT                    -- out of every build made from this time on
    );
    CREATE INDEX releases_at ON releases(released_at);

    CREATE TABLE redactions (
        id       INTEGER PRIMARY KEY,
        text     TEXT NOT NULL,                 -- matched case-insensitively, any run of white space between words
        cable_id INTEGER REFERENCES cables(id), -- NULL: in every cable
        note     TEXT,
        added_at TEXT NOT NULL
    );

    CREATE TABLE builds (
        number    INTEGER PRIMARY KEY,
        made_at   TEXT NOT NULL,
        released  INTEGER NOT NULL,
        added     INTEGER NOT NULL,
        changed   INTEGER NOT NULL,
        withdrawn INTEGER NOT NULL
    );
    -- what the last build held: reference id and the hash of its public (redacted) current text
    CREATE TABLE last_build (
        reference_id TEXT PRIMARY KEY,
        hash         BLOB NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 4: press coverage: articles that draw on cables
    r#"
    CREATE TABLE articles (
        id       INTEGER PRIMARY KEY,
        url      TEXT NOT NULL UNIQUE,
        title    TEXT NOT NULL,
        outlet   TEXT NOT NULL,
        date     TEXT NOT NULL,                 -- YYYY-MM-DD
        added_at TEXT NOT NULL
    );
    CREATE TABLE article_cables (
        article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        reference_id TEXT NOT NULL,             -- as published
        PRIMARY KEY (article_id, reference_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_cables_cable ON article_cables(reference_id);
    "#,
];

/// The schema version of an open database.
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations from the database's version up to `target`, one transaction each.
pub fn migrate_to(conn: &mut Connection, target: u32) -> rusqlite::Result<()> {
    let from = version(conn)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize).take(target.saturating_sub(from) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
