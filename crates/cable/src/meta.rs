//! Release metadata: creation dates, classification labels, date-time groups.

use crate::model::Level;

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// A calendar date and time, checked for range (month 1–12, a real day of that month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl DateTime {
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days && hour < 24 && minute < 60).then_some(DateTime { year, month, day, hour, minute })
    }

    /// `2009-04-20T16:45:00Z`
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:00Z", self.year, self.month, self.day, self.hour, self.minute)
    }

    /// `2009-04-20`
    pub fn iso_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses the creation and release times in the forms the release uses:
/// `4/20/2009 16:45` (the CSV), `2009-04-20 16:45` (the site's top box), `2009-04-20T16:45:00Z`
/// (our own JSON) and a bare `2009-04-20`.
pub fn parse_timestamp(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim_end_matches('Z')),
        None => (s, "0:00"),
    };
    let mut t = time.split(':');
    let hour = num(t.next()?)?;
    let minute = num(t.next().unwrap_or("0"))?;
    if let Some(sec) = t.next() {
        num::<u8>(sec)?;
    }
    if date.contains('/') {
        let mut p = date.split('/');
        let (m, d, y) = (num(p.next()?)?, num(p.next()?)?, num(p.next()?)?);
        if p.next().is_some() {
            return None;
        }
        DateTime::new(y, m, d, hour, minute)
    } else {
        let mut p = date.split('-');
        let (y, m, d) = (num(p.next()?)?, num(p.next()?)?, num(p.next()?)?);
        if p.next().is_some() {
            return None;
        }
        DateTime::new(y, m, d, hour, minute)
    }
}

/// Splits a classification label into its level and handling caveats:
/// `SECRET//NOFORN` gives SECRET and `["NOFORN"]`.
pub fn split_classification(label: &str) -> (Option<Level>, Vec<String>) {
    let mut parts = label.split("//").map(str::trim).filter(|p| !p.is_empty());
    let level = parts.next().and_then(level_from_words);
    let handling = parts.map(str::to_owned).collect();
    (level, handling)
}

/// `SECRET`, `S E C R E T`, `UNCLAS`, `LIMITED OFFICIAL USE` -> a level.
pub fn level_from_words(words: &str) -> Option<Level> {
    let squeezed: String = words.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    Some(match squeezed.as_str() {
        "UNCLASSIFIED" | "UNCLAS" | "UNCLASS" => Level::Unclassified,
        "LIMITEDOFFICIALUSE" => Level::LimitedOfficialUse,
        "CONFIDENTIAL" => Level::Confidential,
        "SECRET" => Level::Secret,
        "TOPSECRET" => Level::TopSecret,
        _ => return None,
    })
}

/// Precedence letters: `Z` FLASH, `O` IMMEDIATE, `P` PRIORITY, `R` ROUTINE.
pub fn precedence_name(letter: u8) -> Option<&'static str> {
    Some(match letter {
        b'Z' => "FLASH",
        b'O' => "IMMEDIATE",
        b'P' => "PRIORITY",
        b'R' => "ROUTINE",
        _ => return None,
    })
}

/// A date-time group: `201645Z APR 09` -> 2009-04-20 16:45.
pub fn parse_dtg(ddhhmm: &str, month: &str, year: &str) -> Option<DateTime> {
    let b = ddhhmm.strip_suffix('Z')?;
    if b.len() != 6 {
        return None;
    }
    let (d, h, m) = (num(&b[0..2])?, num(&b[2..4])?, num(&b[4..6])?);
    let month = MONTHS.iter().position(|mm| month.eq_ignore_ascii_case(mm))? as u8 + 1;
    let year: u16 = match year.len() {
        2 => crate::refid::two_digit_year(num(year)?),
        4 => num(year)?,
        _ => return None,
    };
    DateTime::new(year, month, d, h, m)
}

/// Declassification dates: `03/16/2019`, `3/13/2018`, `09/21/10` (two-digit year), `2019-03-16`.
pub fn parse_decl_date(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(['.', ',', ';']);
    if let Some(dt) = s.contains('-').then(|| parse_timestamp(s)).flatten() {
        return Some(dt.iso_date());
    }
    let mut p = s.split('/');
    let (m, d, y) = (p.next()?, p.next()?, p.next()?);
    if p.next().is_some() {
        return None;
    }
    let year = match y.len() {
        2 => 2000 + num::<u16>(y)?,
        4 => num(y)?,
        _ => return None,
    };
    DateTime::new(year, num(m)?, num(d)?, 0, 0).map(|dt| dt.iso_date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("4/20/2009 16:45").unwrap().iso(), "2009-04-20T16:45:00Z");
        assert_eq!(parse_timestamp("12/28/1966 18:48").unwrap().iso(), "1966-12-28T18:48:00Z");
        assert_eq!(parse_timestamp("2009-04-20 16:04").unwrap().iso(), "2009-04-20T16:04:00Z");
        assert_eq!(parse_timestamp("2009-04-20T16:45:00Z").unwrap().iso(), "2009-04-20T16:45:00Z");
        assert_eq!(parse_timestamp("2009-04-20").unwrap().iso(), "2009-04-20T00:00:00Z");
        for bad in ["", "2/30/2009 10:00", "13/1/2009 1:00", "4/20/2009 24:00", "x", "4/20/2009 16:45:99x"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn classifications() {
        assert_eq!(split_classification("SECRET//NOFORN"), (Some(Level::Secret), vec!["NOFORN".into()]));
        assert_eq!(
            split_classification("UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
            (Some(Level::Unclassified), vec!["FOR OFFICIAL USE ONLY".into()])
        );
        assert_eq!(split_classification("CONFIDENTIAL"), (Some(Level::Confidential), vec![]));
        assert_eq!(level_from_words("S E C R E T"), Some(Level::Secret));
    }

    #[test]
    fn dtgs() {
        assert_eq!(parse_dtg("201645Z", "APR", "09").unwrap().iso(), "2009-04-20T16:45:00Z");
        assert_eq!(parse_dtg("281848Z", "DEC", "66").unwrap().iso(), "1966-12-28T18:48:00Z");
        assert_eq!(parse_dtg("321848Z", "DEC", "66"), None);
    }

    #[test]
    fn declassification_dates() {
        assert_eq!(parse_decl_date("03/16/2019").as_deref(), Some("2019-03-16"));
        assert_eq!(parse_decl_date("3/13/2018").as_deref(), Some("2018-03-13"));
        assert_eq!(parse_decl_date("09/21/10").as_deref(), Some("2010-09-21"));
        assert_eq!(parse_decl_date("1.6X6"), None);
    }
}
