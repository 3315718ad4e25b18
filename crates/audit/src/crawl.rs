//! A running site, crawled as a reader's browser would reach it.

use std::collections::{HashSet, VecDeque};

use crate::{Error, Finding, Result};

/// Crawls a running site from `start`, breadth first, following links that stay under it, at
/// most `max` pages; each page's body goes to `check`. Returns pages and bytes fetched.
pub(crate) fn crawl(
    start: &str,
    max: usize,
    check: impl Fn(&str, &[u8]) -> Vec<Finding>,
    findings: &mut Vec<Finding>,
) -> Result<(u64, u64)> {
    let bad = |reason: String| Error::Crawl { url: start.to_owned(), reason };
    let base = url::Url::parse(start).map_err(|e| bad(e.to_string()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .max_redirects(5)
        .build()
        .into();
    let href = regex::Regex::new(r##"href="([^"#]+)"##).expect("a valid pattern");
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue = VecDeque::from([base.clone()]);
    seen.insert(base.to_string());
    let (mut pages, mut bytes) = (0u64, 0u64);
    while let Some(u) = queue.pop_front() {
        if pages as usize >= max {
            break;
        }
        let mut res = match agent.get(u.as_str()).call() {
            Ok(r) => r,
            Err(e) => {
                findings.push(Finding::CannotFetch { url: u.to_string(), reason: e.to_string() });
                continue;
            }
        };
        let status = res.status().as_u16();
        let body = res.body_mut().with_config().limit(64 << 20).read_to_vec().map_err(|e| bad(format!("{u}: {e}")))?;
        pages += 1;
        bytes += body.len() as u64;
        findings.extend(check(u.as_str(), &body));
        if status != 200 {
            continue;
        }
        let is_html =
            res.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let text = String::from_utf8_lossy(&body);
        for cap in href.captures_iter(&text) {
            let Ok(next) = u.join(&cap[1]) else { continue };
            if next.origin() != base.origin() || !next.path().starts_with(base.path().trim_end_matches("index.html")) {
                continue;
            }
            let mut next = next;
            next.set_fragment(None);
            if seen.insert(next.to_string()) {
                queue.push_back(next);
            }
        }
    }
    Ok((pages, bytes))
}
