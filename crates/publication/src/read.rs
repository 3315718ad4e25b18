//! What readers ask of a publication, as typed questions: the only place that reads its tables
//! (their schema is in `write.rs`).
//!
//! Statements run per page avoid `OR … ORDER BY` and joins on a bound parameter where they can
//! (SQLite plans those again at every run, and an export runs each hundreds of thousands of
//! times): they use `IN (SELECT …)` or two lookups instead. The statements run once per
//! publication (keys, charts, the whole list orders) may join.

use rusqlite::{params, OptionalExtension, Row};

use crate::{time, time_opt, Publication, Result, Timestamp};

/// The lists a publication's cables are browsed by, each with its folder of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKind {
    /// By the day of release (`reldate/2010-11-28_0.html`).
    ReleaseDay,
    /// By the year or month of creation (`date/2009_0.html`, `date/2009-04_0.html`).
    Created,
    /// By post (`origin/embassy-london_0.html`).
    Origin,
    /// By classification (`classification/secret_0.html`).
    Classification,
    /// By tag (`tag/PREL_0.html`).
    Tag,
}

impl ListKind {
    /// Every kind, in the order the site lists them.
    pub const ALL: [ListKind; 5] =
        [ListKind::ReleaseDay, ListKind::Created, ListKind::Origin, ListKind::Classification, ListKind::Tag];

    /// The folder of the site that holds the kind's pages (`reldate`, `date`, `origin`, …).
    pub fn folder(self) -> &'static str {
        match self {
            ListKind::ReleaseDay => "reldate",
            ListKind::Created => "date",
            ListKind::Origin => "origin",
            ListKind::Classification => "classification",
            ListKind::Tag => "tag",
        }
    }

    /// The kind whose folder is `folder`.
    pub fn from_folder(folder: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// Whether its lists have an Atom feed (`origin/….atom`, `tag/….atom`).
    pub fn has_feeds(self) -> bool {
        matches!(self, ListKind::Origin | ListKind::Tag)
    }

    /// Whether a list's key is a slug of its value (origins, classifications, tags) rather than
    /// the value itself (days, months, years).
    pub fn is_slugged(self) -> bool {
        matches!(self, ListKind::Origin | ListKind::Classification | ListKind::Tag)
    }
}

/// A list of cables: the latest releases, or a list of a kind by its value (a day, a month or a
/// year, an origin, a classification, a tag — the value, not its slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum List {
    Latest,
    Of(ListKind, String),
}

/// The order of a list: newest created first (list pages), or newest released first (feeds);
/// then by reference id, which is unique; no date last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListOrder {
    Created,
    Released,
}

impl ListOrder {
    fn sql(self) -> &'static str {
        match self {
            ListOrder::Created => "created DESC, reference_id",
            ListOrder::Released => "released DESC, reference_id",
        }
    }
}

impl List {
    /// The statement's filter, with one parameter, or `None` for a list no publication can hold
    /// (a day that is not `YYYY-MM-DD`, a date that is neither a year nor a month).
    fn filter(&self) -> Option<(&'static str, &str)> {
        Some(match self {
            List::Latest => ("?1 = ?1", ""),
            // each filter is its `substr` alone, plus what lets SQLite read an index instead of
            // every cable (140 ms a list at full scale, and a mirror renders a thousand lists)
            List::Of(ListKind::ReleaseDay, day) if day.len() == 10 => {
                ("released >= ?1 AND released < ?1 || '~' AND substr(released, 1, 10) = ?1", day)
            }
            List::Of(ListKind::Created, month) if month.len() == 7 => (
                "(year = CAST(substr(?1, 1, 4) AS INTEGER) AND month = CAST(substr(?1, 6, 2) AS INTEGER) OR year IS NULL)
                 AND substr(created, 1, 7) = ?1",
                month,
            ),
            List::Of(ListKind::Created, year) if year.len() == 4 => {
                ("(year = CAST(?1 AS INTEGER) OR year IS NULL) AND substr(created, 1, 4) = ?1", year)
            }
            List::Of(ListKind::Origin, origin) => ("origin = ?1", origin),
            List::Of(ListKind::Classification, class) => ("classification = ?1", class),
            List::Of(ListKind::Tag, tag) => ("id IN (SELECT cable_id FROM tags WHERE tag = ?1)", tag),
            List::Of(ListKind::ReleaseDay | ListKind::Created, _) => return None,
        })
    }
}

/// What a link to a cable's page needs: its published id and when it was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CableLink {
    pub reference_id: String,
    pub created: Option<Timestamp>,
}

impl CableLink {
    fn from_row(r: &Row, at: usize) -> rusqlite::Result<CableLink> {
        Ok(CableLink { reference_id: r.get(at)?, created: time_opt(r, at + 1)? })
    }
}

/// A value of a list kind (a day, a month, an origin, a tag …) and how many cables it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCount {
    pub value: String,
    pub count: u64,
}

/// One version of a cable as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSeen {
    pub seen_at: Timestamp,
    /// The release's own stamp for this text, as its site printed it (`2010-12-04 01:01`).
    pub released: Option<String>,
}

/// What a citation of a cable names: the build that first published its current text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    pub build: u32,
    pub made_at: Timestamp,
}

/// One version's text (header, a blank line, body), as a diff compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionText {
    pub text: String,
    pub seen_at: Timestamp,
    pub created: Option<Timestamp>,
}

/// One version of a cable's stored texts, as the audit reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub subject: String,
    pub version: u32,
    pub header: String,
    pub body: String,
}

/// A cable's entry in the redaction ledger: passages withheld by the publisher, and since which
/// build (never what, never why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Withheld {
    pub passages: u32,
    pub since: u32,
}

/// A press article and the released cables it draws on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub url: String,
    pub title: String,
    pub outlet: String,
    pub date: String,
    pub cables: Vec<CableLink>,
}

/// What one day of the release log holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseDay {
    pub day: String,
    pub added: u64,
    pub reissued: u64,
    pub withdrawn: u64,
}

/// A cable, its canonical id and the number of versions of its text: what the list of every
/// page of a publication needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CableVersions {
    pub link: CableLink,
    pub versions: u32,
}

/// A cable as the lists of every origin, classification and tag are made from it, in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub key: i64,
    pub created: Option<Timestamp>,
    pub reference_id: String,
    pub released: Timestamp,
    pub origin: Option<String>,
    pub classification: Option<String>,
}

/// A cable as the static mirror's search index shows a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub key: i64,
    pub reference_id: String,
    pub subject: Option<String>,
    pub created: Option<Timestamp>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    /// `YYYYMM` of creation; 0 when undated.
    pub month: u32,
}

fn count(r: &Row, at: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, i64>(at)?.max(0) as u64)
}

fn key_count(r: &Row) -> rusqlite::Result<KeyCount> {
    Ok(KeyCount { value: r.get(0)?, count: count(r, 1)? })
}

impl Publication {
    /// Rows of `sql`, which takes no parameter, read by `row`.
    fn all<T>(&self, sql: &str, row: impl FnMut(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        self.conn.prepare_cached(sql).and_then(|mut s| s.query_map([], row)?.collect()).map_err(|e| self.sql(e))
    }

    /// Rows of `sql` for one parameter, read by `row`.
    fn all_for<T>(
        &self,
        sql: &str,
        param: impl rusqlite::ToSql,
        row: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.conn.prepare_cached(sql).and_then(|mut s| s.query_map([param], row)?.collect()).map_err(|e| self.sql(e))
    }

    /// Every row of `sql` given to `each`, not collected (the tables' largest reads).
    fn each(&self, sql: &str, mut each: impl FnMut(&Row) -> rusqlite::Result<()>) -> Result<()> {
        let mut s = self.conn.prepare(sql).map_err(|e| self.sql(e))?;
        let mut rows = s.query([]).map_err(|e| self.sql(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            each(r).map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// The row ids of a list's cables in `order`; empty for a list no publication can hold.
    pub fn list_keys(&self, list: &List, order: ListOrder) -> Result<Vec<i64>> {
        let Some((filter, arg)) = list.filter() else { return Ok(Vec::new()) };
        self.all_for(&format!("SELECT id FROM cables WHERE {filter} ORDER BY {}", order.sql()), arg, |r| r.get(0))
    }

    /// The values of a list kind and their counts, in the order its index page shows them:
    /// release days newest first; years newest first, each followed by its months, newest first;
    /// origins, classifications and tags in alphabetical order.
    pub fn list_values(&self, kind: ListKind) -> Result<Vec<KeyCount>> {
        let sql = match kind {
            ListKind::ReleaseDay => "SELECT substr(released, 1, 10), count(*) FROM cables GROUP BY 1 ORDER BY 1 DESC",
            ListKind::Created => {
                "SELECT k, n FROM (
                   SELECT substr(created, 1, 4) AS k, count(*) AS n FROM cables WHERE created IS NOT NULL GROUP BY 1
                   UNION ALL SELECT substr(created, 1, 7), count(*) FROM cables WHERE created IS NOT NULL GROUP BY 1)
                 ORDER BY substr(k, 1, 4) DESC, length(k), k DESC"
            }
            ListKind::Origin => "SELECT origin, count(*) FROM cables WHERE origin IS NOT NULL GROUP BY 1 ORDER BY 1",
            ListKind::Classification => {
                "SELECT classification, count(*) FROM cables WHERE classification IS NOT NULL GROUP BY 1 ORDER BY 1"
            }
            ListKind::Tag => "SELECT tag, count(*) FROM tags GROUP BY 1 ORDER BY 1",
        };
        self.all(sql, key_count)
    }

    /// The day of the latest release (`YYYY-MM-DD`), if the publication holds any cable.
    pub fn latest_release_day(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT substr(max(released), 1, 10) FROM cables", [], |r| r.get(0))
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.sql(e))
    }

    /// The released cable of the collection's number `number` (the release's own numbering).
    pub fn by_release_number(&self, number: i64) -> Result<Option<CableLink>> {
        self.conn
            .query_row("SELECT reference_id, created FROM cables WHERE release_number = ?1", [number], |r| {
                CableLink::from_row(r, 0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// A released cable by its canonical id (the first, if two records share it).
    pub fn by_canonical(&self, canonical_id: &str) -> Result<Option<CableLink>> {
        self.conn
            .prepare_cached("SELECT reference_id, created FROM cables WHERE canonical_id = ?1 LIMIT 1")
            .and_then(|mut s| s.query_row([canonical_id], |r| CableLink::from_row(r, 0)).optional())
            .map_err(|e| self.sql(e))
    }

    /// Released cables whose canonical id starts with `prefix` (`09LONDON`), with their canonical
    /// ids.
    pub fn with_canonical_prefix(&self, prefix: &str) -> Result<Vec<(CableLink, String)>> {
        self.conn
            .prepare_cached(
                "SELECT reference_id, created, canonical_id FROM cables WHERE canonical_id >= ?1 AND canonical_id < ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![prefix, format!("{prefix}Z")], |r| Ok((CableLink::from_row(r, 0)?, r.get(2)?)))?
                    .collect()
            })
            .map_err(|e| self.sql(e))
    }

    /// How many versions of its text a released cable has (0 for no such cable).
    pub fn version_count(&self, reference_id: &str) -> Result<u32> {
        self.conn
            .prepare_cached("SELECT versions FROM cables WHERE reference_id = ?1")
            .and_then(|mut s| s.query_row([reference_id], |r| r.get(0)).optional())
            .map(Option::unwrap_or_default)
            .map_err(|e| self.sql(e))
    }

    /// When each version of a cable's text was seen and released, oldest first.
    pub fn versions_seen(&self, reference_id: &str) -> Result<Vec<VersionSeen>> {
        self.all_for(
            "SELECT v.seen_at, v.released FROM versions v JOIN cables c ON c.id = v.cable_id WHERE c.reference_id = ?1 ORDER BY v.version",
            reference_id,
            |r| Ok(VersionSeen { seen_at: time(r, 0)?, released: r.get(1)? }),
        )
    }

    /// Version `version` (1-based) of a cable's text.
    pub fn version_text(&self, reference_id: &str, version: u32) -> Result<Option<VersionText>> {
        self.conn
            .query_row(
                "SELECT v.header || char(10) || char(10) || v.body, v.seen_at, c.created FROM versions v JOIN cables c ON c.id = v.cable_id
                 WHERE c.reference_id = ?1 AND v.version = ?2",
                params![reference_id, version],
                |r| Ok(VersionText { text: r.get(0)?, seen_at: time(r, 1)?, created: time_opt(r, 2)? }),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every version of a cable's stored texts, with its subject.
    pub fn stored_versions(&self, reference_id: &str) -> Result<Vec<StoredVersion>> {
        self.all_for(
            "SELECT coalesce(c.subject, ''), v.version, v.header, v.body FROM cables c JOIN versions v ON v.cable_id = c.id
             WHERE c.reference_id = ?1",
            reference_id,
            |r| Ok(StoredVersion { subject: r.get(0)?, version: r.get(1)?, header: r.get(2)?, body: r.get(3)? }),
        )
    }

    /// The released cables whose REF lines cite `canonical_id`, oldest first.
    pub fn cited_by(&self, canonical_id: &str) -> Result<Vec<CableLink>> {
        self.all_for(
            "SELECT reference_id, created FROM cables WHERE id IN (SELECT cable_id FROM refs WHERE cited_id = ?1)
             ORDER BY created, reference_id",
            canonical_id,
            |r| CableLink::from_row(r, 0),
        )
    }

    /// The press articles, newest first; or only those that draw on one cable.
    pub fn articles(&self, drawing_on: Option<&str>) -> Result<Vec<Article>> {
        let sql = match drawing_on {
            // `IN`, not a join: asked by every cable page
            Some(_) => {
                "SELECT id, url, title, outlet, date FROM articles
                 WHERE id IN (SELECT article_id FROM article_cables WHERE reference_id = ?1) ORDER BY date DESC, id"
            }
            None => "SELECT id, url, title, outlet, date FROM articles WHERE ?1 = ?1 ORDER BY date DESC, id",
        };
        let found = self.all_for(sql, drawing_on.unwrap_or(""), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Article { url: r.get(1)?, title: r.get(2)?, outlet: r.get(3)?, date: r.get(4)?, cables: Vec::new() },
            ))
        })?;
        found
            .into_iter()
            .map(|(id, mut article)| {
                article.cables = self.all_for(
                    "SELECT ac.reference_id, cb.created FROM article_cables ac JOIN cables cb ON cb.reference_id = ac.reference_id
                     WHERE ac.article_id = ?1 ORDER BY ac.reference_id",
                    id,
                    |r| CableLink::from_row(r, 0),
                )?;
                Ok(article)
            })
            .collect()
    }

    /// The two-letter tags most often on an origin's cables (at most `n`, most frequent first),
    /// and how many cables the origin has.
    pub fn country_tags_of(&self, origin: &str, n: u32) -> Result<(u64, Vec<KeyCount>)> {
        let total = self
            .conn
            .prepare_cached("SELECT count(*) FROM cables WHERE origin = ?1")
            .and_then(|mut s| s.query_row([origin], |r| count(r, 0)))
            .map_err(|e| self.sql(e))?;
        let top = self
            .conn
            .prepare_cached(
                "SELECT t.tag, count(*) FROM tags t JOIN cables c ON c.id = t.cable_id WHERE c.origin = ?1 AND length(t.tag) = 2
                 GROUP BY t.tag ORDER BY 2 DESC LIMIT ?2",
            )
            .and_then(|mut s| s.query_map(params![origin, n], key_count)?.collect())
            .map_err(|e| self.sql(e))?;
        Ok((total, top))
    }

    /// The release log by day, newest first.
    pub fn release_days(&self) -> Result<Vec<ReleaseDay>> {
        self.all(
            "SELECT substr(at, 1, 10), sum(kind = 'added'), sum(kind = 'reissued'), sum(kind = 'withdrawn')
             FROM release_log GROUP BY 1 ORDER BY 1 DESC",
            |r| Ok(ReleaseDay { day: r.get(0)?, added: count(r, 1)?, reissued: count(r, 2)?, withdrawn: count(r, 3)? }),
        )
    }

    /// Cables per year of creation (`?` for none), by year.
    pub fn per_year(&self) -> Result<Vec<KeyCount>> {
        self.all("SELECT coalesce(substr(created, 1, 4), '?'), count(*) FROM cables GROUP BY 1 ORDER BY 1", key_count)
    }

    /// Cables per classification (`?` for none), most first.
    pub fn per_classification(&self) -> Result<Vec<KeyCount>> {
        self.all("SELECT coalesce(classification, '?'), count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC", key_count)
    }

    /// The `n` origins with the most cables (`?` for none), most first.
    pub fn top_origins(&self, n: u32) -> Result<Vec<KeyCount>> {
        self.all_for(
            "SELECT coalesce(origin, '?'), count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?1",
            n,
            key_count,
        )
    }

    /// The `n` tags on the most cables, most first.
    pub fn top_tags(&self, n: u32) -> Result<Vec<KeyCount>> {
        self.all_for("SELECT tag, count(*) FROM tags GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?1", n, key_count)
    }

    /// The redaction ledger of a cable: how many passages of its current text were withheld,
    /// and since which build; `None` when nothing was (or the build's layout kept no ledger).
    pub fn withheld(&self, reference_id: &str) -> Result<Option<Withheld>> {
        if self.manifest.format < 3 {
            return Ok(None);
        }
        self.conn
            .prepare_cached(
                "SELECT w.passages, w.since FROM withheld w JOIN cables c ON c.id = w.cable_id WHERE c.reference_id = ?1",
            )
            .and_then(|mut s| s.query_row([reference_id], |r| Ok(Withheld { passages: r.get(0)?, since: r.get(1)? })).optional())
            .map_err(|e| self.sql(e))
    }

    /// The build in which a cable's current text was first published, and when that build was
    /// made: what its citation names. Builds of layouts before 4 did not record it, and name
    /// themselves.
    pub fn cited(&self, reference_id: &str) -> Result<Cited> {
        let own = || Cited { build: self.manifest.number, made_at: self.manifest.made_at.clone() };
        if self.manifest.format < 4 {
            return Ok(own());
        }
        let found = self
            .conn
            .prepare_cached(
                "SELECT t.build, t.made_at FROM cited t JOIN cables c ON c.id = t.cable_id WHERE c.reference_id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([reference_id], |r| Ok(Cited { build: r.get(0)?, made_at: time(r, 1)? })).optional()
            })
            .map_err(|e| self.sql(e))?;
        Ok(found.unwrap_or_else(own))
    }

    /// [`cited`](Self::cited) of every cable, by reference id.
    pub fn cited_all(&self) -> Result<std::collections::HashMap<String, Cited>> {
        let mut out = std::collections::HashMap::new();
        if self.manifest.format < 4 {
            let own = Cited { build: self.manifest.number, made_at: self.manifest.made_at.clone() };
            self.each("SELECT reference_id FROM cables", |r| {
                out.insert(r.get(0)?, own.clone());
                Ok(())
            })?;
            return Ok(out);
        }
        self.each("SELECT c.reference_id, t.build, t.made_at FROM cited t JOIN cables c ON c.id = t.cable_id", |r| {
            out.insert(r.get(0)?, Cited { build: r.get(1)?, made_at: time(r, 2)? });
            Ok(())
        })?;
        Ok(out)
    }

    /// The whole ledger, by reference id: since which build each cable has had passages withheld.
    pub fn withheld_all(&self) -> Result<std::collections::HashMap<String, u32>> {
        if self.manifest.format < 3 {
            return Ok(Default::default());
        }
        let mut out = std::collections::HashMap::new();
        self.each("SELECT c.reference_id, w.since FROM withheld w JOIN cables c ON c.id = w.cable_id", |r| {
            out.insert(r.get(0)?, r.get(1)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Every released cable with its number of versions, in the order they were published, given
    /// to `each` as it is read.
    pub fn each_cable_with_versions(&self, mut each: impl FnMut(CableVersions)) -> Result<()> {
        self.each("SELECT reference_id, created, versions FROM cables ORDER BY id", |r| {
            each(CableVersions { link: CableLink::from_row(r, 0)?, versions: r.get(2)? });
            Ok(())
        })
    }

    /// Every released cable as lists are made from it, in no particular order.
    pub fn each_list_row(&self, mut each: impl FnMut(ListRow)) -> Result<()> {
        self.each("SELECT id, created, reference_id, released, origin, classification FROM cables", |r| {
            each(ListRow {
                key: r.get(0)?,
                created: time_opt(r, 1)?,
                reference_id: r.get(2)?,
                released: time(r, 3)?,
                origin: r.get(4)?,
                classification: r.get(5)?,
            });
            Ok(())
        })
    }

    /// Every tag of every cable, as (row id, tag), in no particular order.
    pub fn each_tag(&self, mut each: impl FnMut(i64, String)) -> Result<()> {
        self.each("SELECT cable_id, tag FROM tags", |r| {
            each(r.get(0)?, r.get(1)?);
            Ok(())
        })
    }

    /// Every released cable as the mirror's search index shows it, by creation: undated first,
    /// then by year, month, time and reference id.
    pub fn each_by_creation(&self, mut each: impl FnMut(IndexRow)) -> Result<()> {
        self.each(
            "SELECT id, reference_id, subject, created, classification, origin, year * 100 + month FROM cables
             ORDER BY year IS NOT NULL, year, month, created, reference_id",
            |r| {
                each(IndexRow {
                    key: r.get(0)?,
                    reference_id: r.get(1)?,
                    subject: r.get(2)?,
                    created: time_opt(r, 3)?,
                    classification: r.get(4)?,
                    origin: r.get(5)?,
                    month: r.get::<_, Option<u32>>(6)?.unwrap_or(0),
                });
                Ok(())
            },
        )
    }

    /// The published ids of every released cable, in no particular order.
    pub fn reference_ids(&self) -> Result<Vec<String>> {
        self.all("SELECT reference_id FROM cables", |r| r.get(0))
    }

    /// Every released cable's row id (the search index's key) and published id, by row id.
    pub fn keys(&self) -> Result<Vec<(u64, String)>> {
        self.all("SELECT id, reference_id FROM cables ORDER BY id", |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
    }
}
