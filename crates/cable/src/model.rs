//! The typed cable: what the parser gives and what every other crate stores, renders and indexes.
//!
//! The serde names of these types are the JSON that `cablegate parse` prints. They are a public,
//! documented format (see the README's "Cable JSON" section): add keys, never rename or remove one.

use serde::{Deserialize, Serialize};

/// One cable: the release metadata, the telegram text as released, and every part parsed from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cable {
    /// The reference id as published, malformed ones included (`08ECTION01OF02MANAMA492`).
    pub reference_id: String,
    /// The corrected reference id (`08MANAMA492`); equal to `reference_id` when that was right.
    pub canonical_id: String,
    /// Creation time, ISO 8601 in UTC (`2009-04-20T16:45:00Z`).
    pub created: Option<crate::Timestamp>,
    /// The classification label as released (`SECRET//NOFORN`).
    pub classification: Option<String>,
    /// The classification level (`SECRET`).
    pub level: Option<Level>,
    /// Handling caveats that follow the level (`NOFORN`, `FOR OFFICIAL USE ONLY`).
    pub handling: Vec<String>,
    /// The originating post's display name (`Embassy London`).
    pub origin: Option<String>,
    /// The header's transmission id (`VZCZCXRO4307`).
    pub transmission_id: Option<String>,
    /// The routing line (`DE RUEHLO #0923/01 1101645`).
    pub routing: Option<String>,
    /// Message precedence from the date-time group line.
    pub precedence: Option<Precedence>,
    /// The date-time group as ISO 8601 (`P 201645Z APR 09` gives `2009-04-20T16:45:00Z`).
    pub dtg: Option<crate::Timestamp>,
    /// The `FM` line's sender(s).
    pub from: Vec<Recipient>,
    /// The `TO` recipients.
    pub to: Vec<Recipient>,
    /// The `INFO` recipients.
    pub info: Vec<Recipient>,
    /// True when the release holds only a partial extract of the original cable.
    pub partial: bool,
    /// The classification banner, the first line of the body (`S E C R E T SECTION 01 OF 05 LONDON 000923`).
    pub banner: Option<String>,
    /// The banner's `SECTION 01 OF 05`, when the cable was sent in sections.
    pub section: Option<Section>,
    /// The executive order governing classification (`12958`).
    pub eo: Option<String>,
    /// Declassification: an ISO date (`2019-03-16`) or, when it is not a date, the raw text (`N/A`).
    pub declassify_on: Option<String>,
    /// Captions and handling words at the top of the body (`NOFORN`, `SIPDIS`, `EXDIS`).
    pub captions: Vec<String>,
    /// TAGS in their order, duplicates dropped.
    pub tags: Vec<String>,
    /// The subject, markings removed, whitespace normalised; also when the cable wrote it with
    /// no `SUBJECT:` label after its TAGS.
    pub subject: Option<String>,
    /// The subject's paragraph marking, without its parentheses (`C`, `S/NF`, `SBU`).
    pub subject_marking: Option<String>,
    /// The REF lines: cited cables (with canonical ids) and other references as text.
    pub references: Vec<Reference>,
    /// Who classified the cable (name and title).
    pub classified_by: Option<String>,
    /// Classification reasons, normalised (`1.4(b)`).
    pub reasons: Vec<String>,
    /// The summary section's text, when there is one.
    pub summary: Option<String>,
    /// The comment section(s), when there are any.
    pub comment: Option<String>,
    /// Numbered paragraphs (or one unnumbered paragraph when the cable has no numbers).
    pub paragraphs: Vec<Paragraph>,
    /// The signer(s) at the end of the body (`LEBARON`, `VAN VOORST`).
    pub signed_by: Vec<String>,
    /// Section and page markers found inside the body, omitted from the reading text.
    pub markers: Vec<String>,
    /// How many redactions (`XXXXXXXXXXXX` runs) the text has.
    pub redactions: usize,
    /// The header (routing lines) exactly as released.
    pub header: String,
    /// The body exactly as released.
    pub body: String,
    /// What the parser could not make sense of; the cable is still usable.
    pub warnings: Vec<String>,
}

/// Classification levels seen in the release, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    Unclassified,
    LimitedOfficialUse,
    Confidential,
    Secret,
    TopSecret,
}

impl Level {
    /// The label as written in a classification (`SECRET`, `LIMITED OFFICIAL USE`).
    pub fn label(self) -> &'static str {
        match self {
            Level::Unclassified => "UNCLASSIFIED",
            Level::LimitedOfficialUse => "LIMITED OFFICIAL USE",
            Level::Confidential => "CONFIDENTIAL",
            Level::Secret => "SECRET",
            Level::TopSecret => "TOP SECRET",
        }
    }
}

/// Precedence of a message for its action and its info addressees (`P R` is PRIORITY / ROUTINE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precedence {
    /// The letters as written (`P`, `PR`).
    pub code: String,
    /// Precedence for action addressees (`PRIORITY`).
    pub action: String,
    /// Precedence for info addressees; equal to `action` when one letter was given.
    pub info: String,
}

/// One addressee line: `RUEHC/SECSTATE WASHDC PRIORITY 2046`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The routing indicator (`RUEHC`), when the line has one.
    pub route: Option<String>,
    /// The station (`SECSTATE WASHDC`).
    pub station: String,
    /// The precedence given on the line (`PRIORITY`, `NIACT IMMEDIATE`).
    pub precedence: Option<String>,
    /// The message serial for this addressee (`2046`), as written.
    pub serial: Option<String>,
}

/// `SECTION 01 OF 05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub number: u32,
    pub of: u32,
}

/// One item of the REF lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reference {
    /// A cited cable, by canonical reference id.
    Cable { id: String, bullet: Option<String> },
    /// Anything else: an e-mail, a phone call, a document, a cable we cannot identify.
    Text { text: String, bullet: Option<String> },
}

impl Reference {
    pub fn bullet(&self) -> Option<&str> {
        match self {
            Reference::Cable { bullet, .. } | Reference::Text { bullet, .. } => bullet.as_deref(),
        }
    }
}

/// A numbered paragraph (`5. (S/NF) ...`), sub-paragraphs included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The paragraph number; `None` for the text of a cable without numbered paragraphs.
    pub number: Option<u32>,
    /// The marking in parentheses after the number (`S/NF`, `C`, `SBU`).
    pub marking: Option<String>,
    /// The reading text: markers omitted, lines kept.
    pub text: String,
}
