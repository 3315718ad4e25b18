//! Cable texts, kept in append-only pack files beside the SQLite file (`texts/pack-000001.dat`).
//!
//! SQLite holds, for each version, where its text is (pack, offset, length) and its hash; the
//! pack holds the bytes: header, NUL, body, as released. Texts are most of an archive's bytes
//! (2 GB for the full release): appended to a pack they are written once, where SQLite would
//! write them twice (WAL, then the database) through its B-tree.
//!
//! Safety: the writer appends, then flushes and syncs the pack, then records the pack's new
//! length in the same SQLite transaction that records the versions. Bytes past the recorded length
//! belong to an interrupted import: they are cut off before the next append. So a `kill -9` or a
//! crash leaves every committed version readable and nothing half-written referenced.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

/// A pack is closed and a new one started past this size.
const PACK_LIMIT: u64 = 1 << 30;

/// Where a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub pack: i64,
    pub offset: u64,
    pub length: u64,
}

impl Location {
    /// The location in columns `at`, `at + 1`, `at + 2` of a row (pack, offset, length).
    pub(crate) fn from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Location> {
        Ok(Location {
            pack: r.get(at)?,
            offset: r.get::<_, i64>(at + 1)? as u64,
            length: r.get::<_, i64>(at + 2)? as u64,
        })
    }
}

pub(crate) fn pack_path(dir: &Path, pack: i64) -> PathBuf {
    dir.join(format!("pack-{pack:06}.dat"))
}

/// Appends texts to the current pack.
pub(crate) struct PackWriter {
    dir: PathBuf,
    pack: i64,
    file: BufWriter<File>,
    len: u64,
}

impl PackWriter {
    /// Opens the last pack for appending (cutting off what an interrupted import left past its
    /// recorded length), or starts the first one.
    pub(crate) fn open(conn: &Connection, dir: &Path) -> std::io::Result<PackWriter> {
        std::fs::create_dir_all(dir)?;
        let last: Option<(i64, i64)> = conn
            .query_row("SELECT id, length FROM packs ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(std::io::Error::other)?;
        let (pack, len) = match last {
            Some((id, len)) if (len as u64) < PACK_LIMIT => (id, len as u64),
            Some((id, _)) => (id + 1, 0),
            None => (1, 0),
        };
        conn.execute("INSERT OR IGNORE INTO packs (id, length) VALUES (?1, 0)", [pack])
            .map_err(std::io::Error::other)?;
        let file = OpenOptions::new().create(true).write(true).truncate(false).open(pack_path(dir, pack))?;
        file.set_len(len)?;
        let mut file = BufWriter::with_capacity(1 << 20, file);
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(len))?;
        Ok(PackWriter { dir: dir.to_owned(), pack, file, len })
    }

    /// Appends one text (header, NUL, body).
    pub(crate) fn append(&mut self, conn: &Connection, header: &str, body: &str) -> std::io::Result<Location> {
        if self.len >= PACK_LIMIT {
            self.sync(conn)?;
            self.pack += 1;
            conn.execute("INSERT OR IGNORE INTO packs (id, length) VALUES (?1, 0)", [self.pack])
                .map_err(std::io::Error::other)?;
            let file =
                OpenOptions::new().create(true).write(true).truncate(true).open(pack_path(&self.dir, self.pack))?;
            self.file = BufWriter::with_capacity(1 << 20, file);
            self.len = 0;
        }
        let offset = self.len;
        self.file.write_all(header.as_bytes())?;
        self.file.write_all(b"\0")?;
        self.file.write_all(body.as_bytes())?;
        let length = header.len() as u64 + 1 + body.len() as u64;
        self.len += length;
        Ok(Location { pack: self.pack, offset, length })
    }

    /// Makes the appended bytes durable and records the pack's length: call inside the
    /// transaction that records the versions, before committing it.
    pub(crate) fn sync(&mut self, conn: &Connection) -> std::io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_data()?;
        conn.execute("UPDATE packs SET length = ?2 WHERE id = ?1", params![self.pack, self.len as i64])
            .map_err(std::io::Error::other)?;
        Ok(())
    }
}

/// Reads one text back into its header and body.
pub(crate) fn read(dir: &Path, at: Location) -> std::io::Result<(String, String)> {
    let file = File::open(pack_path(dir, at.pack))?;
    let mut buf = vec![0u8; at.length as usize];
    file.read_exact_at(&mut buf, at.offset)?;
    let text = String::from_utf8(buf).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let (header, body) = text.split_once('\0').unwrap_or(("", &text));
    Ok((header.to_owned(), body.to_owned()))
}
