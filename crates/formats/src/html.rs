//! Pages of the original WikiLeaks cable site (`cable/YYYY/MM/REFID.html`).
//!
//! A page has the top box (`table.cable`: Reference ID, Created, Released, Classification,
//! Origin; the early site had no Released column) and two `<pre>` blocks, the header and the body.
//! Entities are decoded by the HTML parser; the `¶` anchors the site put before paragraph numbers
//! are dropped, as the release's CSV has none; links inside the text (TAGS) keep their text.

use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;

/// What a cable page says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub reference_id: String,
    pub created: Option<String>,
    pub released: Option<String>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    pub header: String,
    pub body: String,
}

static TABLE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("table.cable").unwrap());
static TR: LazyLock<Selector> = LazyLock::new(|| Selector::parse("tr").unwrap());
static CELL: LazyLock<Selector> = LazyLock::new(|| Selector::parse("th, td").unwrap());
static PRE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("pre").unwrap());

/// The deepest nesting of elements a page may have: a cable page nests about ten deep, and the
/// HTML parser's work grows with the square of the depth (40,000 nested `<div>` took 7.9 s,
/// a million did not end).
pub const MAX_DEPTH: usize = 256;

/// How deep a page's elements nest, by its tags alone (void elements, self-closing tags,
/// comments and declarations left out): what [`read_page`] checks before it parses.
fn depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'<', &b[i..]) {
        let start = i + at + 1;
        let end = memchr::memchr(b'>', &b[start..]).map_or(b.len(), |e| start + e);
        let tag = &html[start..end];
        if let Some(close) = tag.strip_prefix('/') {
            if close.starts_with(|c: char| c.is_ascii_alphabetic()) {
                depth = depth.saturating_sub(1);
            }
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !tag.ends_with('/') {
            let name = tag.split(|c: char| c.is_ascii_whitespace()).next().unwrap_or_default().to_ascii_lowercase();
            if !VOID.contains(&name.as_str()) {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = end.min(b.len());
        if i >= b.len() {
            break;
        }
    }
    max
}

/// Reads a cable page; the error says what the page lacks.
pub fn read_page(html: &str) -> Result<Page, String> {
    let d = depth(html);
    if d > MAX_DEPTH {
        return Err(format!("elements nest {d} deep: a cable page nests at most {MAX_DEPTH} deep"));
    }
    let doc = Html::parse_document(html);
    let table = doc.select(&TABLE).next().ok_or("no top box (table.cable): not a cable page")?;
    let rows: Vec<Vec<String>> = table
        .select(&TR)
        .map(|tr| tr.select(&CELL).map(|c| squeeze(&c.text().collect::<String>())).collect())
        .collect();
    let (names, values) = match rows.as_slice() {
        [names, values, ..] => (names, values),
        _ => return Err("the top box has no row of values".into()),
    };
    let field = |name: &str| -> Option<String> {
        let i = names.iter().position(|n| n.eq_ignore_ascii_case(name))?;
        values.get(i).filter(|v| !v.is_empty()).cloned()
    };
    let reference_id = field("Reference ID").ok_or("the top box has no Reference ID")?;
    let pres: Vec<ElementRef> = doc.select(&PRE).collect();
    if pres.len() < 2 {
        return Err(format!("expected two text boxes (header and body), found {}", pres.len()));
    }
    Ok(Page {
        reference_id,
        created: field("Created"),
        released: field("Released"),
        classification: field("Classification"),
        origin: field("Origin"),
        header: pre_text(pres[0]),
        body: pre_text(pres[1]),
    })
}

/// The text of a `<pre>`, leaving out the paragraph anchors (`<a id='par5' href='#par5'>¶</a>`).
fn pre_text(pre: ElementRef) -> String {
    let mut out = String::new();
    for node in pre.descendants() {
        if let Node::Text(t) = node.value() {
            let in_anchor = node
                .parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|a| a.value().name() == "a" && a.value().id().is_some_and(|id| id.starts_with("par")));
            if !in_anchor {
                out.push_str(t);
            }
        }
    }
    out
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><body><table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Released</th>\
        <th>Classification</th><th>Origin</th></tr><tr><td><a href='/cable/2009/04/09LONDON923.html'>09LONDON923</a></td>\
        <td><a href='/date/2009-04_0.html'>2009-04-20 16:04</a></td><td>2011-02-15 12:12</td><td>SECRET//NOFORN</td>\
        <td>Embassy London</td></tr></table><code><pre>P 201645Z APR 09&#x000A;FM AMEMBASSY LONDON</pre></code>\
        <code><pre>S E C R E T LONDON 000923 &#x000A;TAGS: <a href='/tag/PGOV_0.html'>PGOV</a> UK&#x000A;\
        <a id='par1' href='#par1'>¶</a>1. (S/NF) Tom &amp; Jerry &lt;b&gt;</pre></code></body></html>";

    #[test]
    fn reads_the_top_box_and_both_boxes() {
        let p = read_page(PAGE).unwrap();
        assert_eq!(p.reference_id, "09LONDON923");
        assert_eq!(p.created.as_deref(), Some("2009-04-20 16:04"));
        assert_eq!(p.released.as_deref(), Some("2011-02-15 12:12"));
        assert_eq!(p.classification.as_deref(), Some("SECRET//NOFORN"));
        assert_eq!(p.origin.as_deref(), Some("Embassy London"));
        assert_eq!(p.header, "P 201645Z APR 09\nFM AMEMBASSY LONDON");
        assert_eq!(p.body, "S E C R E T LONDON 000923 \nTAGS: PGOV UK\n1. (S/NF) Tom & Jerry <b>");
    }

    #[test]
    fn the_early_layout_without_released() {
        let page = PAGE.replace("<th>Released</th>", "").replace("<td>2011-02-15 12:12</td>", "");
        let p = read_page(&page).unwrap();
        assert_eq!(p.released, None);
        assert_eq!(p.classification.as_deref(), Some("SECRET//NOFORN"));
    }

    /// 40,000 nested `<div>` took 7.9 s to parse, a million did not end in 120 s.
    #[test]
    fn pages_nested_too_deep_are_refused_before_they_are_parsed() {
        let deep = format!("{}{PAGE}{}", "<div>".repeat(1_000_000), "</div>".repeat(1_000_000));
        let started = std::time::Instant::now();
        let err = read_page(&deep).unwrap_err();
        assert!(err.starts_with("elements nest 100000") && err.ends_with("at most 256 deep"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        // a real page, and one of many siblings, read as before
        assert!(depth(PAGE) < 10);
        assert!(read_page(PAGE).is_ok());
        let wide = PAGE.replace("<body>", &format!("<body>{}", "<p>x</p><br>".repeat(50_000)));
        assert_eq!(read_page(&wide).unwrap().reference_id, "09LONDON923");
    }

    #[test]
    fn pages_without_boxes_are_refused() {
        assert!(read_page("<html><body>Browse by tag</body></html>").unwrap_err().contains("no top box"));
        let no_pre = PAGE.split("<code>").next().unwrap();
        assert!(read_page(no_pre).unwrap_err().contains("expected two text boxes"));
    }
}
