//! [`Timestamp`]: a moment in UTC, held as the ISO 8601 text every format of cablegate writes.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::meta::{self, DateTime};

/// A moment in UTC to the second, always in the form `2009-04-20T16:45:00Z`.
///
/// Every time cablegate stores or prints (a cable's creation and date-time group, when a text was
/// seen and released, when a publication was made) is one of these. It is text underneath, so it
/// serialises to the same JSON string as before and compares in time order as text does; it
/// derefs to `str` for display and slicing. It is made only by checked constructors, so a value
/// of this type is always a real calendar date and time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// Reads exactly the canonical form, `YYYY-MM-DDTHH:MM:SSZ`, checked for range.
    #[must_use]
    pub fn from_iso(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let shape = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return None;
        }
        let n = |r: std::ops::Range<usize>| s[r].parse::<u16>().ok();
        let second = n(17..19)?;
        let dt = DateTime::new(
            n(0..4)?,
            u8::try_from(n(5..7)?).ok()?,
            u8::try_from(n(8..10)?).ok()?,
            u8::try_from(n(11..13)?).ok()?,
            u8::try_from(n(14..16)?).ok()?,
        )?;
        (second < 60 && dt.year > 0).then(|| Timestamp(s.to_owned()))
    }

    /// Reads the forms the release and the commands use (`4/20/2009 16:45`, `2009-04-20 16:45`,
    /// `2009-04-20T16:45:00Z`, a bare `2009-04-20`); seconds are dropped, as the release has none.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        meta::parse_timestamp(s).map(Self::from)
    }

    /// A system time, to the second.
    #[must_use]
    pub fn from_system(t: SystemTime) -> Self {
        Timestamp(humantime::format_rfc3339_seconds(t).to_string())
    }

    /// Seconds since 1970 (`seen_at_unix` in the release's files); `None` before 1970 or out of range.
    #[must_use]
    pub fn from_unix(secs: i64) -> Option<Self> {
        let t = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))?;
        // humantime formats years up to 9999 only.
        (t < UNIX_EPOCH + Duration::from_secs(253_402_300_800)).then(|| Self::from_system(t))
    }

    /// What a store reads back from a column of times: NULL, or the canonical form only.
    pub fn from_stored(text: Option<String>) -> Result<Option<Self>, NotATime> {
        text.map(Timestamp::try_from).transpose()
    }

    /// The text, `2009-04-20T16:45:00Z`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date, `2009-04-20`.
    #[must_use]
    pub fn date(&self) -> &str {
        &self.0[..10]
    }

    /// The year.
    #[must_use]
    pub fn year(&self) -> u16 {
        self.0[..4].parse().unwrap_or_default()
    }

    /// The month, 1–12.
    #[must_use]
    pub fn month(&self) -> u8 {
        self.0[5..7].parse().unwrap_or_default()
    }

    /// The text, by value.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Text that is not a [`Timestamp`] in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotATime(pub String);

impl fmt::Display for NotATime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ)", self.0)
    }
}

impl std::error::Error for NotATime {}

/// The canonical form only, as [`Timestamp::from_iso`]: what a store reads back.
impl TryFrom<String> for Timestamp {
    type Error = NotATime;
    fn try_from(s: String) -> Result<Self, NotATime> {
        Timestamp::from_iso(&s).ok_or(NotATime(s))
    }
}

impl From<DateTime> for Timestamp {
    fn from(d: DateTime) -> Self {
        Timestamp(d.iso())
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl std::ops::Deref for Timestamp {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Timestamp {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Timestamp {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Timestamp::from_iso(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_round_trips_and_nothing_else_is_taken() {
        let t = Timestamp::from_iso("2009-04-20T16:45:07Z").unwrap();
        assert_eq!(t.as_str(), "2009-04-20T16:45:07Z");
        assert_eq!((t.date(), t.year(), t.month()), ("2009-04-20", 2009, 4));
        for bad in [
            "2009-04-20 16:45:07",
            "2009-02-30T00:00:00Z",
            "2009-04-20T24:00:00Z",
            "2009-04-20T16:45:60Z",
            "0000-01-01T00:00:00Z",
            "2009-04-20T16:45:07Z ",
            "２009-04-20T16:45:07Z",
        ] {
            assert_eq!(Timestamp::from_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn loose_forms_become_the_canonical_one() {
        for s in ["4/20/2009 16:45", "2009-04-20 16:45", "2009-04-20T16:45:00Z"] {
            assert_eq!(Timestamp::parse(s).unwrap(), "2009-04-20T16:45:00Z", "{s}");
        }
        assert_eq!(Timestamp::parse("2009-04-20").unwrap(), "2009-04-20T00:00:00Z");
        assert_eq!(Timestamp::from_unix(1_290_902_400).unwrap(), "2010-11-28T00:00:00Z");
        assert_eq!(Timestamp::from_unix(-1), None);
        assert_eq!(Timestamp::from_unix(i64::MAX), None);
    }

    #[test]
    fn json_is_the_plain_string_and_a_bad_one_is_refused() {
        let t = Timestamp::parse("2009-04-20 16:45").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"2009-04-20T16:45:00Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>("\"2009-04-20T16:45:00Z\"").unwrap(), t);
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Timestamp::parse("2009-04-20 16:45").unwrap();
        let b = Timestamp::parse("2010-01-02 00:00").unwrap();
        assert!(a < b);
    }
}
