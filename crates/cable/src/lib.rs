//! The cable model and its parser.
//!
//! **The parser never fails**: any input gives a [`Cable`] plus a list of warnings in
//! [`Cable::warnings`]; it does no I/O, keeps no state and never panics (a property test feeds it
//! arbitrary bytes). Everything else in cablegate — the archive, builds, the site, search — works
//! from the [`Cable`] this crate produces.
//!
//! ```
//! let meta = cablegate_cable::Meta { reference_id: Some("09LONDON923"), ..Default::default() };
//! let cable = cablegate_cable::parse(&meta, "P 201645Z APR 09\nFM AMEMBASSY LONDON",
//!     "S E C R E T LONDON 000923\n\nTAGS: PGOV PREL\nSUBJECT: (C) IRAN\n\n1. (S/NF) Text.\n\nLEBARON");
//! assert_eq!(cable.dtg.as_deref(), Some("2009-04-20T16:45:00Z"));
//! assert_eq!(cable.tags, ["PGOV", "PREL"]);
//! assert_eq!(cable.signed_by, ["LEBARON"]);
//! ```

mod body;
mod header;
pub mod meta;
mod model;
pub mod refid;
mod refs;
pub mod routing;
pub mod tags;
mod time;

pub use model::{Cable, Level, Paragraph, Precedence, Recipient, Reference, Section};
pub use time::{NotATime, Timestamp};

/// What the release says about a cable outside its text (the CSV's columns, a page's top box).
#[derive(Debug, Clone, Copy, Default)]
pub struct Meta<'a> {
    /// The reference id as published.
    pub reference_id: Option<&'a str>,
    /// Creation time: `4/20/2009 16:45`, `2009-04-20 16:45` or `2009-04-20`.
    pub created: Option<&'a str>,
    /// The classification label: `SECRET//NOFORN`.
    pub classification: Option<&'a str>,
    /// The origin's display name: `Embassy London`.
    pub origin: Option<&'a str>,
}

/// How much of a cable to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Depth {
    /// Everything.
    #[default]
    Full,
    /// The metadata, header and preamble fields (E.O., TAGS, SUBJECT, REF, Classified By,
    /// captions) and the redaction count, but not the paragraphs, summary, comment, signature or
    /// section markers, which take most of the time: what an archive's browse tables need.
    Browse,
}

/// Parses a cable given as release metadata, header and body (the CSV's columns 7 and 8).
pub fn parse(meta: &Meta, header: &str, body: &str) -> Cable {
    parse_owned(meta, header.to_owned(), body.to_owned())
}

/// [`parse`], taking the header and body by value: they end up in the `Cable` without a copy.
pub fn parse_owned(meta: &Meta, header: String, body: String) -> Cable {
    parse_with(meta, header, body, Depth::Full)
}

/// [`parse_owned`] to the given [`Depth`].
pub fn parse_with(meta: &Meta, header: String, body: String, depth: Depth) -> Cable {
    let mut warnings = Vec::new();
    let h = header::parse(&header, &mut warnings);

    let published_id = meta.reference_id.map(str::trim).filter(|s| !s.is_empty());
    let serial_hint =
        published_id.and_then(refid::canonicalize).and_then(|c| refid::parse(&c)).map(|r| r.serial.to_string());
    let b = body::parse(&body, serial_hint.as_deref(), depth, &mut warnings);

    let created = created_time(meta, &mut warnings);

    // The reference id: as given, or read off the banner (`LONDON 000923`) and the cable's year.
    let year_hint = created.map(|d| d.year).or(h.dtg.map(|d| d.year));
    let reference_id = match published_id {
        Some(id) => id.to_owned(),
        None => id_from_banner(&b, year_hint),
    };
    let canonical_id = canonical_or_warn(&reference_id, &mut warnings);
    let default_year = refid::parse(&canonical_id).map(|r| r.year).or(year_hint.map(|y| (y % 100) as u8));
    let references = body::resolve_refs(&b, default_year, &canonical_id);

    let classification = classification(meta, &b);
    let (level, handling) = match &classification {
        Some(c) => meta::split_classification(c),
        None => (None, Vec::new()),
    };
    if classification.is_some() && level.is_none() {
        warnings.push(format!("unknown classification level in {:?}", classification.as_deref().unwrap_or("")));
    }
    let origin = match meta.origin.map(str::trim).filter(|s| !s.is_empty()) {
        Some(o) => Some(o.to_owned()),
        None => h.from.first().and_then(|r| header::origin_from_sender(&r.station)),
    };
    if h.dtg.is_none() && !h.partial {
        warnings.push("no date-time group in the header".into());
    }

    Cable {
        reference_id,
        canonical_id,
        created: created.map(Timestamp::from),
        classification,
        level,
        handling,
        origin,
        transmission_id: h.transmission_id,
        routing: h.routing,
        precedence: h.precedence,
        dtg: h.dtg.map(Timestamp::from),
        from: h.from,
        to: h.to,
        info: h.info,
        partial: h.partial,
        banner: b.banner,
        section: b.section,
        eo: b.eo,
        declassify_on: b.declassify_on,
        captions: b.captions,
        tags: b.tags,
        subject: b.subject,
        subject_marking: b.subject_marking,
        references,
        classified_by: b.classified_by,
        reasons: b.reasons,
        summary: b.summary,
        comment: b.comment,
        paragraphs: b.paragraphs,
        signed_by: b.signed_by,
        markers: b.markers,
        redactions: body::count_redactions(&header) + b.redactions,
        header,
        body,
        warnings,
    }
}

/// The creation time as released; a value that is not a date is a warning.
fn created_time(meta: &Meta, warnings: &mut Vec<String>) -> Option<meta::DateTime> {
    let c = meta.created.map(str::trim).filter(|s| !s.is_empty())?;
    let dt = meta::parse_timestamp(c);
    if dt.is_none() {
        warnings.push(format!("created is not a date: {c:?}"));
    }
    dt
}

/// The reference id read off the banner (`LONDON 000923`) and the cable's year; empty when
/// either is missing.
fn id_from_banner(b: &body::Body, year: Option<u16>) -> String {
    match (&b.banner_station, &b.banner_serial, year) {
        (Some(st), Some(se), Some(y)) => {
            let station: String = st.split_whitespace().collect();
            let serial = se.trim_start_matches('0');
            format!("{:02}{}{}", y % 100, station, serial)
        }
        _ => String::new(),
    }
}

/// The canonical form of a reference id; an id that has none is upper-cased, with a warning.
fn canonical_or_warn(reference_id: &str, warnings: &mut Vec<String>) -> String {
    refid::canonicalize(reference_id).unwrap_or_else(|| {
        if reference_id.is_empty() {
            warnings.push("no reference id".into());
        } else {
            warnings.push(format!("reference id {reference_id:?} is not a valid id"));
        }
        reference_id.to_ascii_uppercase()
    })
}

/// The classification: as released, or from the banner and captions.
fn classification(meta: &Meta, b: &body::Body) -> Option<String> {
    match meta.classification.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => Some(c.to_owned()),
        None => b.banner_level.map(|level| {
            let mut label = level.label().to_owned();
            if b.captions.iter().any(|c| c == "NOFORN") {
                label.push_str("//NOFORN");
            } else if level == Level::Unclassified
                && b.captions.iter().any(|c| c == "SENSITIVE" || c == "SBU" || c == "FOR OFFICIAL USE ONLY")
            {
                label.push_str("//FOR OFFICIAL USE ONLY");
            }
            label
        }),
    }
}

/// Parses one telegram given as a single text, header and body together (an archive's text
/// file); see [`split_telegram`] for where the header ends.
pub fn parse_telegram(meta: &Meta, text: &str) -> Cable {
    let (header, body) = split_telegram(text);
    parse(meta, header, body)
}

/// Parses any bytes: text that is not UTF-8 is decoded lossily, with a warning.
pub fn parse_bytes(meta: &Meta, bytes: &[u8]) -> Cable {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_telegram(meta, text),
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            let mut cable = parse_telegram(meta, &text);
            cable.warnings.insert(
                0,
                format!("text is not valid UTF-8 (first bad byte at offset {}); bad bytes replaced", e.valid_up_to()),
            );
            cable
        }
    }
}

/// Splits a telegram into header and body: the body starts at the classification banner
/// (`S E C R E T SECTION 01 OF 05 LONDON 000923`, `UNCLAS TRIPOLI 000641`) that follows the
/// routing lines. Text without routing lines is all body.
pub fn split_telegram(text: &str) -> (&str, &str) {
    // a text that opens with its banner is a body (the old site's body box), whatever header
    // copy it carries at its end
    let opens_with_level = |l: &str| {
        let squeezed: String =
            l.chars().filter(|c| !c.is_whitespace()).take(18).collect::<String>().to_ascii_uppercase();
        ["UNCLAS", "CONFIDENTIAL", "SECRET", "LIMITEDOFFICIALUSE", "TOPSECRET"].iter().any(|p| squeezed.starts_with(p))
    };
    if text.lines().map(str::trim).find(|l| !l.is_empty()).is_some_and(|l| opens_with_level(l) && body::is_banner(l)) {
        return ("", text);
    }
    // where there is an FM line, the body's banner comes after it (a partial extract's header
    // has a classification line of its own before it)
    let fm = if text.starts_with("FM ") { Some(0) } else { text.find("\nFM ") };
    // a header copy after the text (`TelegramRestricted by caption … FM …`) is no header: before
    // a real header's FM line there is no numbered paragraph
    let numbered = |t: &str| {
        t.lines().any(|l| {
            let d = l.trim_start().bytes().take_while(u8::is_ascii_digit).count();
            d > 0 && d <= 2 && l.trim_start()[d..].starts_with(". ")
        })
    };
    if fm.is_some_and(|i| numbered(&text[..i])) {
        return ("", text);
    }
    let has_fm = fm.is_some();
    let mut offset = 0;
    let mut in_header = false;
    let mut header_end_blank = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if in_header && body::is_banner(t) {
            return (&text[..offset], &text[offset..]);
        }
        let starts_header = if has_fm {
            t.starts_with("FM ") || t.starts_with("TO ")
        } else {
            t.starts_with("VZCZC") || t.starts_with("DE ") || t.starts_with("This record is a partial extract")
        };
        if starts_header {
            in_header = true;
            header_end_blank = None;
        } else if in_header && t.is_empty() && header_end_blank.is_none() {
            header_end_blank = Some(offset);
        }
        offset += line.len();
    }
    match header_end_blank {
        Some(i) => (&text[..i], &text[i..]),
        None if in_header => (text, ""),
        None => ("", text),
    }
}
