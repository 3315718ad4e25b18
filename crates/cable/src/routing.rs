//! Routing indicators: `RUEHLO` is the telecommunications address of Embassy London.
//!
//! A cable's header names its sender on the `DE` line (`DE RUEHLO #0923/01 1101645`) and each
//! addressee on a `TO` or `INFO` line (`RUEHC/SECSTATE WASHDC`, `RUCNIRA/IRAN COLLECTIVE`). Two
//! tables, both compiled in, decode them:
//!
//! - `data/route2name.csv`, the release's reference table of 1,655 indicators and the station each
//!   stands for, as the tables write it (`RUEHLO,AMEMBASSY LONDON`; unchanged, checked against
//!   the corpus by the `tables` test);
//! - `data/route-origins.csv`, generated from the real cables by the `route_origins` corpus test:
//!   for each indicator that sends cables, the release's own display name of their origin
//!   (`RUEHLO,Embassy London`), taken only where the cables agree. It is the cables' own evidence,
//!   and it corrects the reference table where that is wrong (the table gives `RUEHPL` as
//!   Paramaribo; the cables it sends come from Embassy Port Louis).

use std::collections::HashMap;
use std::sync::LazyLock;

/// What an indicator stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded {
    /// The station, as the reference table writes it (`AMEMBASSY LONDON`), if it has the indicator.
    pub station: Option<&'static str>,
    /// The origin the release gives the cables this indicator sent (`Embassy London`), if any.
    pub origin: Option<&'static str>,
}

impl Decoded {
    /// The name to show: the origin where the cables give one, else the reference table's station.
    pub fn name(&self) -> Option<&'static str> {
        self.origin.or(self.station)
    }
}

struct Tables {
    stations: HashMap<&'static str, &'static str>,
    origins: HashMap<&'static str, &'static str>,
}

/// The reference table's `code,station` lines; a station may be quoted (`RBDWC,"MODUK, MODUK AIR"`).
fn stations(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().filter_map(|l| {
        let (code, rest) = l.split_once(',')?;
        Some((code.trim(), rest.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(rest).trim()))
    })
}

/// The generated table's `code,origin,cables` lines (an origin may hold a comma: `American
/// Institute Taiwan, Taipei`); `#` starts a comment.
fn origins(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
        let (code, rest) = l.split_once(',')?;
        let (origin, _cables) = rest.rsplit_once(',')?;
        Some((code, origin))
    })
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    stations: stations(include_str!("../data/route2name.csv")).collect(),
    origins: origins(include_str!("../data/route-origins.csv")).collect(),
});

/// Decodes a routing indicator (`RUEHLO`); `None` when neither table knows it.
pub fn decode(indicator: &str) -> Option<Decoded> {
    let t = &*TABLES;
    let station = t.stations.get(indicator).copied();
    let origin = t.origins.get(indicator).copied();
    (station.is_some() || origin.is_some()).then_some(Decoded { station, origin })
}

/// The sender's indicator of a `DE` line: `DE RUEHLO #0923/01 1101645` gives `RUEHLO`.
pub fn sender(routing_line: &str) -> Option<&str> {
    let rest = routing_line.strip_prefix("DE ")?;
    let code = rest.split_whitespace().next()?;
    (code.len() >= 4 && code.len() <= 8 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// Whether an addressee is a collective (`RUCNIRA/IRAN COLLECTIVE`, `RUEHZL/EUROPEAN POLITICAL
/// COLLECTIVE`): a group of posts that one indicator reaches, which the line itself names.
pub fn is_collective(station: &str) -> bool {
    station.split_whitespace().any(|w| w == "COLLECTIVE" || w == "COLLECTIVES")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_decode_from_both_tables() {
        let lo = decode("RUEHLO").unwrap();
        assert_eq!(lo.station, Some("AMEMBASSY LONDON"));
        assert_eq!(lo.origin, Some("Embassy London"));
        assert_eq!(lo.name(), Some("Embassy London"));
        let state = decode("RUEHC").unwrap();
        assert_eq!(state.origin, Some("Secretary of State"));
        // the reference table is wrong here; the cables RUEHPL sent are Embassy Port Louis's
        assert_eq!(decode("RUEHPL").unwrap().name(), Some("Embassy Port Louis"));
        // an addressee that sends no cable of the corpus: the table's name
        let jcs = decode("RUEKJCS").unwrap();
        assert_eq!(jcs.origin, None);
        assert!(jcs.station.is_some());
        // a quoted value keeps its commas
        assert_eq!(decode("RBDWC").unwrap().station, Some("MODUK, MODUK AIR, MODUK ARMY, MODUK NAVY, MODUK DES"));
        assert_eq!(decode("RUCNIRA"), None);
        assert_eq!(decode(""), None);
    }

    #[test]
    fn the_sender_is_read_from_the_de_line() {
        assert_eq!(sender("DE RUEHLO #0923/01 1101645"), Some("RUEHLO"));
        assert_eq!(sender("DE RUEHC #1234 0011234"), Some("RUEHC"));
        assert_eq!(sender("DE #1234"), None);
        assert_eq!(sender("RUEHLO"), None);
        assert!(is_collective("IRAN COLLECTIVE"));
        assert!(!is_collective("SECSTATE WASHDC"));
    }
}
