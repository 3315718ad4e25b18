//! `/releases.html`: the release log, day by day.

use askama::Template;
use cablegate_publication::{Publication, ReleaseDay};

use crate::layout::{common, with_common, Common};
use crate::{Page, Result};

#[derive(Template)]
#[template(path = "releases.html")]
struct Releases {
    common: Common,
    days: Vec<ReleaseDay>,
}

with_common!(Releases);

pub(crate) fn page(publication: &Publication, path: &str) -> Result<Page> {
    let page = Releases { common: common(publication, path), days: publication.release_days()? };
    Ok(Page::html(200, page.render()?))
}
