//! `/help.html`: how to read, search and cite the archive.

use askama::Template;
use cablegate_publication::Publication;

use crate::layout::{common, with_common, Common};
use crate::{Page, Result};

#[derive(Template)]
#[template(path = "help.html")]
struct Help {
    common: Common,
}

with_common!(Help);

pub(crate) fn page(publication: &Publication, path: &str) -> Result<Page> {
    Ok(Page::html(200, Help { common: common(publication, path) }.render()?))
}
