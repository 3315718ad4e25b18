//! The header: transmission id, routing line, precedence and date-time group, FM, TO and INFO.

use crate::meta;
use crate::model::{Precedence, Recipient};

#[derive(Debug, Default)]
pub(crate) struct Header {
    pub transmission_id: Option<String>,
    pub routing: Option<String>,
    pub precedence: Option<Precedence>,
    pub dtg: Option<meta::DateTime>,
    pub from: Vec<Recipient>,
    pub to: Vec<Recipient>,
    pub info: Vec<Recipient>,
    pub partial: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum List {
    None,
    To,
    Info,
    /// The internal distribution block of partial extracts (`INFO  LOG-00   NP-00 ...`).
    Distribution,
}

const PARTIAL_NOTICE: &str = "This record is a partial extract";

pub(crate) fn parse(header: &str, warnings: &mut Vec<String>) -> Header {
    let mut h = Header::default();
    let mut list = List::None;
    for raw in header.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            list = List::None;
            continue;
        }
        if trimmed.starts_with(PARTIAL_NOTICE) {
            h.partial = true;
            continue;
        }
        if h.transmission_id.is_none() && trimmed.starts_with("VZCZC") {
            h.transmission_id = trimmed.split_whitespace().next().map(str::to_owned);
            continue;
        }
        if h.routing.is_none() && trimmed.starts_with("DE ") {
            h.routing = Some(squeeze(trimmed));
            continue;
        }
        if h.dtg.is_none() && h.precedence.is_none() {
            if let Some((prec, dtg)) = parse_dtg_line(trimmed) {
                h.precedence = Some(prec);
                h.dtg = dtg;
                if dtg.is_none() {
                    warnings.push(format!("date-time group is not a valid date: {trimmed:?}"));
                }
                list = List::None;
                continue;
            }
        }
        if let Some(rest) = trimmed.strip_prefix("FM ") {
            h.from.extend(recipient(rest));
            list = List::None;
            continue;
        }
        if let Some(rest) = strip_keyword(trimmed, "TO") {
            h.to.extend(recipient(rest));
            list = List::To;
            continue;
        }
        if let Some(rest) = strip_keyword(trimmed, "INFO") {
            if is_distribution(rest) {
                list = List::Distribution;
            } else {
                h.info.extend(recipient(rest));
                list = List::Info;
            }
            continue;
        }
        if trimmed == "BT" || trimmed == "NNNN" {
            list = List::None;
            continue;
        }
        match list {
            List::To => h.to.extend(recipient(trimmed)),
            List::Info => h.info.extend(recipient(trimmed)),
            List::Distribution | List::None => {}
        }
    }
    h
}

/// `TO RUEHC/...`, and the glued form `TORUEHC/...` seen in the release.
fn strip_keyword<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(keyword)?;
    if rest.starts_with([' ', '\t']) {
        return Some(rest.trim_start());
    }
    // glued: "TORUEHC/SECSTATE WASHDC" — a routing indicator follows directly
    let route_len = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    (rest.starts_with('R') && (4..=8).contains(&route_len) && rest.as_bytes().get(route_len) == Some(&b'/'))
        .then_some(rest)
}

fn is_distribution(rest: &str) -> bool {
    rest.split_whitespace().next().is_some_and(|w| {
        w.rsplit_once('-').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()))
    })
}

pub(crate) fn is_dtg_line(line: &str) -> bool {
    parse_dtg_line(line).is_some()
}

/// `P 201645Z APR 09`, `P R 281848Z DEC 66`, `O 231230Z JAN 09 ZFF4`.
fn parse_dtg_line(line: &str) -> Option<(Precedence, Option<meta::DateTime>)> {
    let mut words = line.split_whitespace();
    let mut code = String::new();
    let mut next = words.next()?;
    // one or two precedence letters, written apart (`P R`) or together (`PR`)
    for _ in 0..2 {
        if next.len() <= 2 && next.bytes().all(|b| meta::precedence_name(b).is_some()) && code.len() + next.len() <= 2 {
            code.push_str(next);
            next = words.next()?;
        } else {
            break;
        }
    }
    if code.is_empty() || !(next.len() == 7 && next.ends_with('Z') && next[..6].bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let b = code.as_bytes();
    let action = meta::precedence_name(b[0])?.to_owned();
    let info = meta::precedence_name(*b.last()?)?.to_owned();
    let dtg = match (words.next(), words.next()) {
        (Some(month), Some(year)) => meta::parse_dtg(next, month, year),
        _ => None,
    };
    Some((Precedence { code, action, info }, dtg))
}

const PRECEDENCES: [&str; 4] = ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"];

/// One addressee: `RUEHC/SECSTATE WASHDC PRIORITY 2046`, `AMEMBASSY SANTIAGO`,
/// `USMISSION USUN NEWYORK NIACT IMMEDIATE`.
pub(crate) fn recipient(text: &str) -> Option<Recipient> {
    let text = text.trim();
    // page headers of printed telegrams inside the address lists: `PAGE 02 STATE 015113 182333Z`
    if text.is_empty() || text.starts_with("PAGE ") && text[5..].trim_start().starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let (route, rest) = match text.split_once('/') {
        Some((r, rest))
            if (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
        {
            (Some(r.to_owned()), rest)
        }
        _ => (None, text),
    };
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut serial = None;
    if words.len() > 1 && words.last().is_some_and(|w| w.len() <= 7 && w.bytes().all(|b| b.is_ascii_digit())) {
        serial = words.pop().map(str::to_owned);
    }
    let mut precedence = None;
    if words.len() > 1 && words.last().is_some_and(|w| PRECEDENCES.contains(w)) {
        let p = words.pop().unwrap_or_default();
        if words.len() > 1 && words.last() == Some(&"NIACT") {
            words.pop();
            precedence = Some(format!("NIACT {p}"));
        } else {
            precedence = Some(p.to_owned());
        }
    }
    let station = words.join(" ");
    if station.is_empty() {
        return None;
    }
    Some(Recipient { route, station, precedence, serial })
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The display name of a sender as the release wrote origins: `AMEMBASSY LONDON` -> `Embassy London`.
pub(crate) fn origin_from_sender(station: &str) -> Option<String> {
    let words: Vec<&str> = station.split_whitespace().collect();
    let (kind, place) = words.split_first()?;
    let title = |ws: &[&str]| {
        ws.iter()
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(match *kind {
        "SECSTATE" => "Secretary of State".to_owned(),
        "AMEMBASSY" if !place.is_empty() => format!("Embassy {}", title(place)),
        "AMCONSUL" if !place.is_empty() => format!("Consulate {}", title(place)),
        "USMISSION" if !place.is_empty() => format!("Mission {}", title(place)),
        _ => title(&words),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_header() {
        let text = "VZCZCXRO4307\nPP RUEHBC RUEHDE RUEHDIR RUEHKUK\nDE RUEHLO #0923/01 1101645\nZNY SSSSS ZZH\n\
                    P 201645Z APR 09\nFM AMEMBASSY LONDON\nTO RUEHC/SECSTATE WASHDC PRIORITY 2046\n\
                    INFO RUCNIRA/IRAN COLLECTIVE PRIORITY";
        let mut w = vec![];
        let h = parse(text, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(h.transmission_id.as_deref(), Some("VZCZCXRO4307"));
        assert_eq!(h.routing.as_deref(), Some("DE RUEHLO #0923/01 1101645"));
        let p = h.precedence.unwrap();
        assert_eq!((p.code.as_str(), p.action.as_str(), p.info.as_str()), ("P", "PRIORITY", "PRIORITY"));
        assert_eq!(h.dtg.unwrap().iso(), "2009-04-20T16:45:00Z");
        assert_eq!(h.from[0].station, "AMEMBASSY LONDON");
        assert_eq!(
            h.to,
            vec![Recipient {
                route: Some("RUEHC".into()),
                station: "SECSTATE WASHDC".into(),
                precedence: Some("PRIORITY".into()),
                serial: Some("2046".into())
            }]
        );
        assert_eq!(h.info[0].station, "IRAN COLLECTIVE");
        assert_eq!(h.info[0].route.as_deref(), Some("RUCNIRA"));
    }

    #[test]
    fn two_precedences_and_plain_recipients() {
        let text = "P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\nINFO USCINCSO\nCINCLANT\nAMEMBASSY RIO DE JANEIRO";
        let h = parse(text, &mut vec![]);
        let p = h.precedence.unwrap();
        assert_eq!((p.code.as_str(), p.action.as_str(), p.info.as_str()), ("PR", "PRIORITY", "ROUTINE"));
        assert_eq!(h.dtg.unwrap().iso(), "1966-12-28T18:48:00Z");
        assert_eq!(h.to[0].precedence.as_deref(), Some("PRIORITY"));
        let info: Vec<_> = h.info.iter().map(|r| r.station.as_str()).collect();
        assert_eq!(info, ["USCINCSO", "CINCLANT", "AMEMBASSY RIO DE JANEIRO"]);
    }

    #[test]
    fn glued_to_and_niact() {
        let h = parse("O R 181205Z NOV 75 ZFF4\nFM AMEMBASSY LIBREVILLE\nTORUEHC/SECSTATE WASHDC PRIORITY 8009\nUSMISSION USUN NEWYORK NIACT IMMEDIATE\n", &mut vec![]);
        assert_eq!(h.to[0].route.as_deref(), Some("RUEHC"));
        assert_eq!(h.to[1].station, "USMISSION USUN NEWYORK");
        assert_eq!(h.to[1].precedence.as_deref(), Some("NIACT IMMEDIATE"));
    }

    #[test]
    fn partial_extract_distribution_is_not_info() {
        let text = "This record is a partial extract of the original cable. The full text of the original cable is not available.\n\n\
                    PAGE 01        HARARE  05461  01 OF 02  271458Z\nACTION AF-00\n\nINFO  LOG-00   NP-00    ACQ-00\n      DS-00    EUR-00\n\
                    FM AMEMBASSY HARARE\nTO SECSTATE WASHDC IMMEDIATE 7212\nINFO NSC WASHDC IMMEDIATE\n";
        let h = parse(text, &mut vec![]);
        assert!(h.partial);
        assert_eq!(h.info.len(), 1);
        assert_eq!(h.info[0].station, "NSC WASHDC");
        assert_eq!(h.to[0].serial.as_deref(), Some("7212"));
    }

    #[test]
    fn origins() {
        assert_eq!(origin_from_sender("AMEMBASSY LONDON").as_deref(), Some("Embassy London"));
        assert_eq!(origin_from_sender("SECSTATE WASHDC").as_deref(), Some("Secretary of State"));
        assert_eq!(origin_from_sender("AMCONSUL ISTANBUL").as_deref(), Some("Consulate Istanbul"));
    }
}
