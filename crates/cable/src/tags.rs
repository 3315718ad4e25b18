//! The known TAGS of the release: subject tags and organization tags, from the release's
//! reference tables (`data/subject-tags.txt`, `data/organization-tags.txt`).

use std::collections::HashSet;
use std::sync::LazyLock;

fn set(text: &'static str) -> HashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

static SUBJECT: LazyLock<HashSet<&'static str>> = LazyLock::new(|| set(include_str!("../data/subject-tags.txt")));
static ORGANIZATION: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../data/organization-tags.txt")));

/// What kind of tag this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A standard subject tag (`PREL`).
    Subject,
    /// An organization (`NATO`, `IAEA`).
    Organization,
    /// A two-letter geographic code (`UK`).
    Geographic,
    /// A person, written `SURNAME, GIVEN NAME` (`CLINTON, HILLARY`).
    Person,
    /// Anything else seen in TAGS lines (program tags, free text).
    Other,
}

pub fn kind(tag: &str) -> Kind {
    if SUBJECT.contains(tag) {
        Kind::Subject
    } else if ORGANIZATION.contains(tag) {
        Kind::Organization
    } else if tag.len() == 2 && tag.bytes().all(|b| b.is_ascii_uppercase()) {
        Kind::Geographic
    } else if tag.contains(", ")
        && tag.split(", ").all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic() || b" .-'".contains(&b)))
    {
        Kind::Person
    } else {
        Kind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("PREL"), Kind::Subject);
        assert_eq!(kind("NATO"), Kind::Organization);
        assert_eq!(kind("UK"), Kind::Geographic);
        assert_eq!(kind("CLINTON, HILLARY"), Kind::Person);
        assert_eq!(kind("India-Burma"), Kind::Other);
    }
}
