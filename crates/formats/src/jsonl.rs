//! JSON lines: the cables `cablegate parse` prints (so an archive can be moved and re-imported),
//! and the release's file of re-issued cables, one cable a line with every version of its text:
//! `{"reference_id", "versions": [{"seen_at_unix", "released", "header", "body"}, …]}`.

use serde::Deserialize;

/// One version of a cable's text as a JSON line gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub reference_id: String,
    pub release_number: Option<i64>,
    pub created: Option<String>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    pub released: Option<String>,
    /// When this text was seen, ISO 8601 (from `seen_at_unix` or `seen_at`).
    pub seen_at: Option<String>,
    pub header: String,
    pub body: String,
}

#[derive(Deserialize)]
struct Line {
    reference_id: Option<String>,
    release_number: Option<i64>,
    created: Option<String>,
    classification: Option<String>,
    origin: Option<String>,
    released: Option<String>,
    seen_at: Option<String>,
    seen_at_unix: Option<i64>,
    header: Option<String>,
    body: Option<String>,
    versions: Option<Vec<Version>>,
}

#[derive(Deserialize)]
struct Version {
    seen_at_unix: Option<i64>,
    seen_at: Option<String>,
    released: Option<String>,
    header: Option<String>,
    body: Option<String>,
}

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z): past it, humantime's formatter
/// fails, and `to_string` would panic.
const LAST_RFC3339_SECOND: u64 = 253_402_300_799;

/// A version's `seen_at_unix` as an ISO 8601 time; `None` before 1970 or after 9999.
fn unix_to_iso(secs: i64) -> Option<String> {
    let secs = u64::try_from(secs).ok().filter(|s| *s <= LAST_RFC3339_SECOND)?;
    let t = std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))?;
    Some(humantime::format_rfc3339_seconds(t).to_string())
}

/// When a text was seen: `seen_at` as given, else `seen_at_unix` written as ISO 8601; a Unix
/// time no calendar date of 1970 to 9999 writes is a reason to reject the line, not a panic.
fn seen_at(iso: Option<String>, unix: Option<i64>) -> Result<Option<String>, String> {
    match (iso, unix) {
        (Some(s), _) => Ok(Some(s)),
        (None, Some(secs)) => {
            unix_to_iso(secs).map(Some).ok_or_else(|| format!("seen_at_unix {secs} is not a time from 1970 to 9999"))
        }
        (None, None) => Ok(None),
    }
}

/// Reads one JSON line into the versions it holds (one for a cable, several for a re-issued one).
pub fn read_line(line: &str) -> Result<Vec<Entry>, String> {
    let l: Line = serde_json::from_str(line).map_err(|e| format!("not a cable in JSON: {e}"))?;
    let reference_id = l.reference_id.filter(|s| !s.trim().is_empty()).ok_or("no reference_id")?;
    match l.versions {
        Some(versions) => {
            if versions.is_empty() {
                return Err("versions is empty".into());
            }
            versions
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let seen_at = seen_at(v.seen_at, v.seen_at_unix).map_err(|e| format!("version {}: {e}", i + 1))?;
                    Ok(Entry {
                        reference_id: reference_id.clone(),
                        release_number: l.release_number,
                        created: l.created.clone(),
                        classification: l.classification.clone(),
                        origin: l.origin.clone(),
                        released: v.released,
                        seen_at,
                        header: v.header.ok_or_else(|| format!("version {} has no header", i + 1))?,
                        body: v.body.ok_or_else(|| format!("version {} has no body", i + 1))?,
                    })
                })
                .collect()
        }
        None => Ok(vec![Entry {
            reference_id,
            release_number: l.release_number,
            created: l.created,
            classification: l.classification,
            origin: l.origin,
            released: l.released,
            seen_at: seen_at(l.seen_at, l.seen_at_unix)?,
            header: l.header.ok_or("no header")?,
            body: l.body.ok_or("no body")?,
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cable_as_parse_prints_it() {
        let e = read_line(
            r#"{"reference_id":"09LONDON923","created":"2009-04-20T16:45:00Z","header":"H","body":"B","tags":["X"]}"#,
        )
        .unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].created.as_deref(), Some("2009-04-20T16:45:00Z"));
        assert_eq!((e[0].header.as_str(), e[0].body.as_str()), ("H", "B"));
    }

    #[test]
    fn a_reissued_cable_gives_every_version_in_order() {
        let e = read_line(
            r#"{"reference_id":"04NEWDELHI6983","versions":[{"seen_at_unix":1292212551,"released":"2010-12-16 21:09","header":"H","body":"one"},{"seen_at_unix":1303770515,"released":"2011-03-16 00:12","header":"H","body":"two"}]}"#,
        )
        .unwrap();
        assert_eq!(e.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(), ["one", "two"]);
        assert_eq!(e[0].seen_at.as_deref(), Some("2010-12-13T03:55:51Z"));
        assert_eq!(e[1].released.as_deref(), Some("2011-03-16 00:12"));
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(read_line("{").unwrap_err().starts_with("not a cable in JSON"));
        assert_eq!(read_line(r#"{"header":"H","body":"B"}"#).unwrap_err(), "no reference_id");
        assert_eq!(read_line(r#"{"reference_id":"X","body":"B"}"#).unwrap_err(), "no header");
    }

    /// Found by a 20-minute fuzz run: a `seen_at_unix` past the year 9999 made humantime's
    /// formatter fail, and `to_string` panicked inside the import.
    #[test]
    fn a_time_past_the_year_9999_is_a_reason_not_a_panic() {
        let past =
            r#"{"reference_id":"04TRIPOLI1025","versions":[{"seen_at_unix":253402300800,"header":"H","body":"B"}]}"#;
        assert_eq!(
            read_line(past).unwrap_err(),
            "version 1: seen_at_unix 253402300800 is not a time from 1970 to 9999"
        );
        let single = r#"{"reference_id":"X","seen_at_unix":9223372036854775807,"header":"H","body":"B"}"#;
        assert!(read_line(single).unwrap_err().contains("is not a time from 1970 to 9999"));
        let last = r#"{"reference_id":"X","seen_at_unix":253402300799,"header":"H","body":"B"}"#;
        assert_eq!(read_line(last).unwrap()[0].seen_at.as_deref(), Some("9999-12-31T23:59:59Z"));
        assert!(read_line(r#"{"reference_id":"X","seen_at_unix":-1,"header":"H","body":"B"}"#).is_err());
    }
}
