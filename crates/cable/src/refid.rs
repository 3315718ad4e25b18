//! Reference ids: `09LONDON923` is a two-digit year, a station and a serial.
//!
//! The release published some ids broken (`08ECTION01OF02MANAMA492`, `7575LIBREVILLE1895`,
//! `09EFTOLONDON2468`). Everything this module knows comes from data shipped in `data/`: the
//! stations that occur in the full release (`stations.txt`, regenerated from
//! `full-release-ids.csv.gz` by the `tables` corpus test), the station fixes and the tables of
//! published malformed ids from the release's reference tables.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

struct Tables {
    stations: HashSet<&'static str>,
    /// Misspelt or alias station -> canonical station.
    station_fixes: HashMap<String, String>,
    /// Whole published ids -> corrected id.
    id_fixes: HashMap<String, String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let stations = include_str!("../data/stations.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let parse = |s: &str| -> HashMap<String, String> {
        serde_json::from_str(s).expect("the shipped reference tables are valid JSON")
    };
    let station_fixes = parse(include_str!("../data/c14n_station_fixes.json"));
    let mut id_fixes = parse(include_str!("../data/malformed_cable_ids.json"));
    id_fixes.extend(parse(include_str!("../data/invalid_cable_ids.json")));
    Tables { stations, station_fixes, id_fixes }
});

/// Is `station` one of the posts of the release (`LONDON`, `STATE`, `USUNNEWYORK`)?
pub fn is_station(station: &str) -> bool {
    TABLES.stations.contains(station)
}

/// The canonical station for a spelling seen in ids or REF lines (`SECSTATE` -> `STATE`).
pub fn canonical_station(station: &str) -> Option<&'static str> {
    let tables = &*TABLES;
    if let Some(s) = tables.stations.get(station) {
        return Some(s);
    }
    let fixed = tables.station_fixes.get(station)?;
    tables.stations.get(fixed.as_str()).copied()
}

/// Every reference id of the full release, canonical (251,287 of them, from the release's own
/// list, `demo/full-release-ids.csv.gz`, compiled in): read the first time a REF line can be
/// read two ways, so that the reading that is a cable of the release wins.
///
/// Nearly every id of the list is canonical as written; the few that are not stand with their
/// canonical form in `data/release-id-fixes.txt` (generated and checked by the corpus test
/// `release_id_fixes`), so loading the set costs a decompression and a hash per id, not a
/// [`canonicalize`] per id (that was ten times the cost, paid by every process that parses).
static RELEASE_IDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let gz: &[u8] = include_bytes!("../../../demo/full-release-ids.csv.gz");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(gz), &mut text)
        .expect("the compiled-in list of the release's ids is valid gzip");
    let fixes: HashMap<&str, &str> =
        include_str!("../data/release-id-fixes.txt").lines().filter_map(|l| l.split_once('\t')).collect();
    let mut ids = HashSet::with_capacity(text.len() / 24);
    ids.extend(release_list_ids(&text).map(|id| fixes.get(id).copied().unwrap_or(id).to_owned()));
    ids
});

/// The ids of the release's list (`id,reference_id,created_month` lines), as written.
pub(crate) fn release_list_ids(text: &str) -> impl Iterator<Item = &str> {
    text.lines().skip(1).filter_map(|l| l.split(',').nth(1))
}

/// The ids of the release's list that [`canonicalize`] changes, with their canonical form, one
/// `published<TAB>canonical` line each: what `data/release-id-fixes.txt` must hold.
#[doc(hidden)]
pub fn release_id_fixes(list: &str) -> String {
    let mut out = String::new();
    for id in release_list_ids(list) {
        let canonical = canonicalize(id).unwrap_or_else(|| id.to_owned());
        if canonical != id {
            out.push_str(&format!("{id}\t{canonical}\n"));
        }
    }
    out
}

/// Is `canonical_id` a cable of the full release?
pub fn in_release(canonical_id: &str) -> bool {
    RELEASE_IDS.contains(canonical_id)
}

/// The parts of a valid reference id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefId {
    pub year: u8,
    pub station: &'static str,
    pub serial: u32,
}

impl RefId {
    /// Four-digit year: ids start with two digits; 66 means 1966 and 09 means 2009.
    pub fn full_year(&self) -> u16 {
        two_digit_year(self.year)
    }
}

impl std::fmt::Display for RefId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}{}{}", self.year, self.station, self.serial)
    }
}

/// The cables run from 1966 to 2010: a two-digit year above 50 is in the 1900s.
pub fn two_digit_year(yy: u8) -> u16 {
    if yy > 50 {
        1900 + yy as u16
    } else {
        2000 + yy as u16
    }
}

/// Parses a well-formed id (`09LONDON923`, `09london00923`) into its parts; `None` when the
/// year, station or serial is missing or the station is unknown. See [`canonicalize`] for ids
/// as published.
pub fn parse(id: &str) -> Option<RefId> {
    let id = id.trim();
    let b = id.as_bytes();
    if b.len() < 4 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() {
        return None;
    }
    let year = (b[0] - b'0') * 10 + (b[1] - b'0');
    let rest = &id[2..];
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (station, serial) = rest.split_at(letters);
    if station.is_empty() || serial.is_empty() || !serial.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let serial: u32 = serial.parse().ok()?;
    let station = canonical_station(&station.to_ascii_uppercase())?;
    Some(RefId { year, station, serial })
}

/// The corrected form of a reference id as published, or `None` when it cannot be made valid.
///
/// Handles, in order: the release's tables of malformed ids, case and surrounding space, a
/// doubled year (`7575LIBREVILLE1895`), section junk (`08ECTION01OF02MANAMA492`), transmission
/// prefixes (`EFTO`, `AMEMBASSY`), station aliases (`SECSTATE` -> `STATE`) and leading zeros.
pub fn canonicalize(published: &str) -> Option<String> {
    let upper: String = published.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if let Some(fixed) = TABLES.id_fixes.get(&upper) {
        return parse(fixed).map(|r| r.to_string());
    }
    if let Some(r) = parse(&upper) {
        return Some(r.to_string());
    }
    let b = upper.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let (year, mut rest) = match digits {
        2 => (&upper[..2], &upper[2..]),
        // 7575LIBREVILLE1895: the year written twice
        4 if b[0] == b[2] && b[1] == b[3] => (&upper[..2], &upper[4..]),
        _ => return None,
    };
    rest = strip_section_junk(rest);
    for prefix in ["EFTO", "AMEMBASSY", "AMCONSUL", "USMISSION", "NOFORN"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            if r.len() > 2 {
                rest = r;
                break;
            }
        }
    }
    parse(&format!("{year}{rest}")).map(|r| r.to_string())
}

/// `SECTION01OF02MANAMA492` and its misspellings (`ECTION`, `SECTON`, `SCTION`) -> `MANAMA492`.
fn strip_section_junk(rest: &str) -> &str {
    let b = rest.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(4..=8).contains(&letters) || !rest[..letters].contains("CT") && !rest[..letters].contains("IO") {
        return rest;
    }
    let after = &rest[letters..];
    let d1 = after.bytes().take_while(u8::is_ascii_digit).count();
    if d1 == 0 || !after[d1..].starts_with("OF") {
        return rest;
    }
    let after = &after[d1 + 2..];
    let d2 = after.bytes().take_while(u8::is_ascii_digit).count();
    if d2 == 0 {
        return rest;
    }
    &after[d2..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_seen_in_the_release() {
        let cases = [
            ("09LONDON923", "09LONDON923"),
            ("09london00923", "09LONDON923"),
            (" 09LONDON923\n", "09LONDON923"),
            ("08ECTION01OF02MANAMA492", "08MANAMA492"),
            ("09SECTION01OF03SANJOSE525", "09SANJOSE525"),
            ("09EFTOLONDON2468", "09LONDON2468"),
            ("7575LIBREVILLE1895", "75LIBREVILLE1895"),
            ("09AMEMBASSYHANOI1284", "09HANOI1284"),
            ("09SECSTATE1234", "09STATE1234"),
            ("09USUN123", "09USUNNEWYORK123"),
            ("09HCMC55", "09HOCHIMINHCITY55"),
            ("66BUENOSAIRES2481", "66BUENOSAIRES2481"),
        ];
        for (published, want) in cases {
            assert_eq!(canonicalize(published).as_deref(), Some(want), "{published}");
        }
    }

    #[test]
    fn invalid_ids_stay_invalid() {
        for bad in ["", "LONDON923", "09LONDON", "09NOWHEREVILLE12", "9LONDON923", "0912345"] {
            assert_eq!(canonicalize(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn years() {
        assert_eq!(parse("66BUENOSAIRES2481").unwrap().full_year(), 1966);
        assert_eq!(parse("10STATE17263").unwrap().full_year(), 2010);
    }
}
