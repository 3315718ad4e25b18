//! `/stats.html`: bar charts of the publication (per year, classification, origin, tag), drawn as
//! SVG on the server.

use askama::Template;
use cablegate_publication::{KeyCount, Publication};

use crate::layout::{common, thousands, with_common, Common};
use crate::{Page, Result};

struct Bar {
    label: String,
    count: String,
    y: u32,
    width: u32,
}

struct Chart {
    id: &'static str,
    title: &'static str,
    height: u32,
    bars: Vec<Bar>,
}

fn chart(id: &'static str, title: &'static str, rows: Vec<KeyCount>) -> Chart {
    let max = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| Bar {
            label: r.value,
            count: thousands(r.count),
            y: i as u32 * 18,
            width: (r.count * 360 / max).max(1) as u32,
        })
        .collect();
    Chart { id, title, height: bars.len() as u32 * 18 + 4, bars }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct Stats {
    common: Common,
    charts: Vec<Chart>,
}

with_common!(Stats);

pub(crate) fn page(publication: &Publication, path: &str) -> Result<Page> {
    let charts = vec![
        chart("per-year", "Cables per year of creation", publication.per_year()?),
        chart("per-classification", "Per classification", publication.per_classification()?),
        chart("per-origin", "Top 25 origins", publication.top_origins(25)?),
        chart("per-tag", "Top 25 tags", publication.top_tags(25)?),
    ];
    let page = Stats { common: common(publication, path), charts };
    Ok(Page::html(200, page.render()?))
}
