//! The 404 page: what was asked for, released cables near a looked-up id, a search box.

use askama::Template;
use cablegate_publication::Publication;

use crate::layout::{common, with_common, Common};
use crate::Page;

#[derive(Template)]
#[template(path = "notfound.html")]
pub(crate) struct NotFound {
    pub common: Common,
    /// "Not found", or what else the status says.
    pub heading: &'static str,
    pub message: String,
    /// Released cables near a looked-up id: (reference id, page).
    pub nearby: Vec<(String, String)>,
    /// What the search box offers: the words of the path.
    pub suggestion: String,
}

with_common!(NotFound);

/// The words of a path's last part: `/cable/2009/04/09LONDON9999.html` -> `09LONDON9999`.
/// Percent-escapes are undone (`/cable/Garc%C3%ADa` offers `García`), and at most 100
/// characters offered.
pub(crate) fn path_words(path: &str) -> String {
    let last = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or_default();
    let last = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
    let stem = last.strip_suffix(".html").unwrap_or(&last);
    let words = stem.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    words.chars().take(100).collect()
}

/// A 400 page of `path`, saying `message`: a request the site understood and will not answer
/// (a page of results too deep).
pub(crate) fn bad_request(publication: &Publication, path: &str, message: &str) -> crate::Result<Page> {
    let c = common(publication, path);
    let page = NotFound {
        common: c,
        heading: "Bad request",
        message: message.to_owned(),
        nearby: Vec::new(),
        suggestion: String::new(),
    };
    Ok(Page::html(400, page.render()?))
}

/// `404.html` of a static mirror: what a static host shows for a missing file.
pub fn mirror_not_found(publication: &Publication) -> Page {
    let c = common(publication, "/404.html");
    let message = "There is no such page on this mirror.".to_owned();
    let page = NotFound { common: c, heading: "Not found", message, nearby: Vec::new(), suggestion: String::new() };
    Page::html(404, page.render().unwrap_or_default())
}

/// The 404 page of `path`, saying `message`.
pub(crate) fn page(publication: &Publication, path: &str, message: String) -> Page {
    let c = common(publication, path);
    let page = NotFound { common: c, heading: "Not found", message, nearby: Vec::new(), suggestion: path_words(path) };
    Page::html(404, page.render().unwrap_or_default())
}
