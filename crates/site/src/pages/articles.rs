//! `/articles.html`: the press coverage, and the articles a cable's page lists.

use askama::Template;
use cablegate_publication::Publication;

use crate::layout::{common, with_common, Common};
use crate::route::cable_href;
use crate::{Page, Result};

/// An article as pages link it.
pub(crate) struct ArticleLink {
    pub url: String,
    pub title: String,
    pub outlet: String,
    pub date: String,
    /// (reference id, page) of the released cables it draws on
    pub cables: Vec<(String, String)>,
}

/// Every article, newest first, or those drawing on one cable.
pub(crate) fn links(publication: &Publication, drawing_on: Option<&str>) -> Result<Vec<ArticleLink>> {
    Ok(publication
        .articles(drawing_on)?
        .into_iter()
        .map(|a| ArticleLink {
            url: a.url,
            title: a.title,
            outlet: a.outlet,
            date: a.date,
            cables: a
                .cables
                .into_iter()
                .map(|c| {
                    let href = cable_href(&c.reference_id, c.created.as_deref());
                    (c.reference_id, href)
                })
                .collect(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "articles.html")]
struct Articles {
    common: Common,
    articles: Vec<ArticleLink>,
}

with_common!(Articles);

pub(crate) fn page(publication: &Publication, path: &str) -> Result<Page> {
    let page = Articles { common: common(publication, path), articles: links(publication, None)? };
    Ok(Page::html(200, page.render()?))
}
