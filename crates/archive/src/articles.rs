//! Press coverage: the publisher records articles that draw on cables; builds carry them, for
//! the cable pages' "Appears in these articles" and the list of articles.

use rusqlite::params;

use crate::{Archive, Error, Result};

/// A press article and the cables it draws on: the archive records it as a publication shows
/// it.
pub use cablegate_publication::ArticleRecord as Article;

impl Archive {
    /// Records an article and the cables it draws on (each must be in the archive).
    pub fn add_article(&mut self, url: &str, title: &str, outlet: &str, date: &str, cables: &[String]) -> Result<i64> {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::BadArticle(format!("{url:?} is not an http(s) address")));
        }
        let day = cablegate_cable::meta::parse_timestamp(date)
            .filter(|_| date.trim().len() == 10)
            .ok_or_else(|| Error::BadArticle(format!("date {date:?} is not a day (YYYY-MM-DD)")))?
            .iso_date();
        if title.trim().is_empty() || outlet.trim().is_empty() {
            return Err(Error::BadArticle("an article needs a title and an outlet".into()));
        }
        if cables.is_empty() {
            return Err(Error::BadArticle("name the cables the article draws on".into()));
        }
        let mut ids = Vec::new();
        for c in cables {
            let (_, id) = self.find_cable(c)?.ok_or_else(|| Error::NoSuchCable(c.trim().to_owned()))?;
            ids.push(id);
        }
        let path = self.path.clone();
        let sql = |source| Error::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO articles (url, title, outlet, date, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (url) DO UPDATE SET title = excluded.title, outlet = excluded.outlet, date = excluded.date",
            params![url, title.trim(), outlet.trim(), day, crate::now().as_str()],
        )
        .map_err(sql)?;
        let id: i64 = tx.query_row("SELECT id FROM articles WHERE url = ?1", [url], |r| r.get(0)).map_err(sql)?;
        for c in ids {
            tx.execute(
                "INSERT OR IGNORE INTO article_cables (article_id, reference_id) VALUES (?1, ?2)",
                params![id, c],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    pub fn articles(&self) -> Result<Vec<Article>> {
        let mut s = self
            .conn
            .prepare("SELECT id, url, title, outlet, date FROM articles ORDER BY date DESC, id")
            .map_err(|e| self.sql(e))?;
        let mut out: Vec<Article> = s
            .query_map([], |r| {
                Ok(Article {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    title: r.get(2)?,
                    outlet: r.get(3)?,
                    date: r.get(4)?,
                    cables: Vec::new(),
                })
            })
            .map_err(|e| self.sql(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))?;
        let mut c = self
            .conn
            .prepare("SELECT reference_id FROM article_cables WHERE article_id = ?1 ORDER BY reference_id")
            .map_err(|e| self.sql(e))?;
        for a in &mut out {
            a.cables = c
                .query_map([a.id], |r| r.get(0))
                .map_err(|e| self.sql(e))?
                .collect::<rusqlite::Result<_>>()
                .map_err(|e| self.sql(e))?;
        }
        Ok(out)
    }

    pub fn remove_article(&mut self, id: i64) -> Result<()> {
        let n = self.conn.execute("DELETE FROM articles WHERE id = ?1", [id]).map_err(|e| self.sql(e))?;
        if n == 0 {
            return Err(Error::BadArticle(format!("no article {id}")));
        }
        Ok(())
    }
}
