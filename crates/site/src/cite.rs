//! Citations of a cable, pinned to the publication that shows it: the record a reference
//! manager saves (Highwire `citation_*` meta tags and CSL-JSON in the page), the downloads
//! beside the page (`REFID.bib`, `REFID.ris`, `REFID.csl.json`), and the formatted citation of
//! the "Cite this cable" box, of the cable and of each paragraph.
//!
//! A citation names the build and its date and, where the cable's text changed between
//! versions, the version cited (the page shows the current one), so that it stays true after a
//! re-issue. It is written here by hand: BibTeX, RIS and CSL-JSON are small formats whose
//! escaping rules are a few lines each, and the crates that write them carry a citation
//! processor this site does not need (the tests read every format back with the parsers and the
//! CSL processor researchers use).

use cablegate_cable::Cable;
use cablegate_publication::Publication;

use crate::route::cable_href;
use crate::Result;

/// The formats a cable's citation downloads as, by the end of their file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteFormat {
    /// `REFID.bib`
    Bibtex,
    /// `REFID.ris`
    Ris,
    /// `REFID.csl.json`
    CslJson,
}

impl CiteFormat {
    pub const ALL: [CiteFormat; 3] = [CiteFormat::Bibtex, CiteFormat::Ris, CiteFormat::CslJson];

    /// The end of the file's name, `.bib`.
    pub fn extension(self) -> &'static str {
        match self {
            CiteFormat::Bibtex => ".bib",
            CiteFormat::Ris => ".ris",
            CiteFormat::CslJson => ".csl.json",
        }
    }

    /// The format of a file's name (`09LONDON923.ris`), and the name without its extension.
    pub fn of(file: &str) -> Option<(&str, CiteFormat)> {
        CiteFormat::ALL.into_iter().find_map(|f| Some((file.strip_suffix(f.extension())?, f)))
    }

    fn content_type(self) -> &'static str {
        match self {
            CiteFormat::Bibtex => "application/x-bibtex; charset=utf-8",
            CiteFormat::Ris => "application/x-research-info-systems; charset=utf-8",
            CiteFormat::CslJson => "application/vnd.citationstyles.csl+json",
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date of an ISO 8601 time as numbers, `2009-04-20T…` -> (2009, 4, 20).
fn ymd(iso: &str) -> Option<(u32, u32, u32)> {
    let y = iso.get(0..4)?.parse().ok()?;
    let m = iso.get(5..7)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let d = iso.get(8..10)?.parse().ok().filter(|d| (1..=31).contains(d))?;
    Some((y, m, d))
}

/// `20 April 2009`.
fn long_date((y, m, d): (u32, u32, u32)) -> String {
    format!("{d} {} {y}", MONTHS[m as usize - 1])
}

/// What a citation of one cable says.
pub(crate) struct Citation {
    pub reference_id: String,
    /// The subject, or the reference id where the cable has none.
    pub title: String,
    /// The post that sent it (`Embassy London`): the cable's author, an institution.
    pub author: Option<String>,
    pub created: Option<(u32, u32, u32)>,
    pub classification: Option<String>,
    pub tags: Vec<String>,
    /// The page's address, where the build has one.
    pub url: Option<String>,
    pub build: u32,
    pub build_date: Option<(u32, u32, u32)>,
    /// The version cited and how many there are, where there are several.
    pub version: Option<(usize, usize)>,
    /// The numbers of the cable's numbered paragraphs.
    pub paragraphs: Vec<u32>,
}

impl Citation {
    pub fn new(publication: &Publication, c: &Cable, versions: usize) -> Result<Citation> {
        let m = publication.manifest();
        // the build that first published this text: a page stays the same while its text does
        let cited = publication.cited(&c.reference_id)?;
        let href = cable_href(&c.reference_id, c.created.as_deref());
        Ok(Citation {
            reference_id: c.reference_id.clone(),
            title: c.subject.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| c.reference_id.clone()),
            author: c.origin.clone().filter(|o| !o.trim().is_empty()),
            created: c.created.as_deref().and_then(ymd),
            classification: c.classification.clone().filter(|s| !s.trim().is_empty()),
            tags: c.tags.clone(),
            url: m.url.as_ref().map(|u| format!("{u}{href}")),
            build: cited.build,
            build_date: ymd(&cited.made_at),
            version: (versions > 1).then_some((versions, versions)),
            paragraphs: c.paragraphs.iter().filter_map(|p| p.number).collect(),
        })
    }

    /// `cablegate, build 3 (1 September 2011)`.
    pub fn publication(&self) -> String {
        match self.build_date {
            Some(d) => format!("cablegate, build {} ({})", self.build, long_date(d)),
            None => format!("cablegate, build {}", self.build),
        }
    }

    /// `2009/04/20`, as Highwire's `citation_date` writes it.
    pub fn highwire_date(&self) -> Option<String> {
        self.created.map(|(y, m, d)| format!("{y:04}/{m:02}/{d:02}"))
    }

    /// `version 2 of 2`.
    fn version_text(&self) -> Option<String> {
        self.version.map(|(v, of)| format!("version {v} of {of}"))
    }

    /// The citation as a reader copies it, of the cable or of paragraph `para`:
    /// `Embassy London, “SUBJECT,” cable 09LONDON923, 20 April 2009, para. 5, CONFIDENTIAL,
    /// cablegate, build 3 (1 September 2011), https://…/09LONDON923.html#par5.`
    pub fn text(&self, para: Option<u32>) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(a) = &self.author {
            parts.push(a.clone());
        }
        parts.push(format!("“{},”", self.title.trim_end_matches(['.', ','])));
        let mut s = parts.join(", ") + " ";
        let mut rest = vec![format!("cable {}", self.reference_id)];
        rest.push(self.created.map(long_date).unwrap_or_else(|| "n.d.".to_owned()));
        if let Some(p) = para {
            rest.push(format!("para. {p}"));
        }
        if let Some(c) = &self.classification {
            rest.push(c.clone());
        }
        rest.extend(self.version_text());
        rest.push(self.publication());
        match (&self.url, para) {
            (Some(u), Some(p)) => rest.push(format!("{u}#par{p}")),
            (Some(u), None) => rest.push(u.clone()),
            _ => {}
        }
        s.push_str(&rest.join(", "));
        s.push('.');
        s
    }

    /// The citation of the first numbered paragraph: how a paragraph is cited.
    pub fn first_paragraph_text(&self) -> Option<String> {
        self.paragraphs.first().map(|&n| self.text(Some(n)))
    }

    /// The short form of a paragraph's citation, after the full one has been given (as a
    /// shortened note): `Embassy London, 09LONDON923, para. 5, https://…/09LONDON923.html#par5.`
    pub fn short_text(&self, para: u32) -> String {
        let mut parts: Vec<String> = self.author.iter().cloned().collect();
        parts.push(self.reference_id.clone());
        parts.push(format!("para. {para}"));
        if let Some(u) = &self.url {
            parts.push(format!("{u}#par{para}"));
        }
        parts.join(", ") + "."
    }

    /// The cable as one CSL-JSON item (a report by the post that sent it).
    pub fn csl(&self) -> serde_json::Value {
        let mut item = serde_json::json!({
            "id": self.reference_id,
            "type": "report",
            "title": self.title,
            "genre": "Diplomatic cable",
            "number": self.reference_id,
            // the publication that shows the cable: Chicago writes it after the number, APA as
            // the publisher
            "publisher": self.publication(),
        });
        let o = item.as_object_mut().expect("an object");
        if let Some(a) = &self.author {
            o.insert("author".into(), serde_json::json!([{ "literal": a }]));
        }
        if let Some((y, m, d)) = self.created {
            o.insert("issued".into(), serde_json::json!({ "date-parts": [[y, m, d]] }));
        }
        if let Some(u) = &self.url {
            o.insert("URL".into(), u.clone().into());
        }
        if let Some((v, _)) = self.version {
            o.insert("version".into(), v.to_string().into());
        }
        if let Some(c) = &self.classification {
            o.insert("note".into(), format!("Classification: {c}").into());
        }
        item
    }

    /// The CSL-JSON item for a `<script>` of the page: `<`, `>` and `&` as JSON escapes, so
    /// that no text of the cable can end the script or open markup.
    pub fn csl_in_html(&self) -> String {
        serde_json::Value::Array(vec![self.csl()])
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    /// The cable as a BibTeX `@techreport` (institution: the post; number: the reference id).
    pub fn bibtex(&self) -> String {
        let key: String = self
            .reference_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        let mut fields: Vec<(&str, String)> = Vec::new();
        if let Some(a) = &self.author {
            // in double braces: an institution, not a first and last name
            fields.push(("author", format!("{{{}}}", bib_escape(a))));
        }
        // in double braces: the subject's case is the cable's (mostly capitals), kept
        fields.push(("title", format!("{{{}}}", bib_escape(&self.title))));
        fields.push(("institution", bib_escape(self.author.as_deref().unwrap_or("United States Department of State"))));
        fields.push(("type", "Diplomatic cable".to_owned()));
        fields.push(("number", bib_escape(&self.reference_id)));
        if let Some((y, m, d)) = self.created {
            fields.push(("year", y.to_string()));
            fields.push(("date", format!("{y:04}-{m:02}-{d:02}")));
        }
        let mut note = Vec::new();
        if let Some(c) = &self.classification {
            note.push(c.clone());
        }
        note.extend(self.version_text());
        note.push(self.publication());
        fields.push(("note", bib_escape(&note.join(". "))));
        if let Some(u) = &self.url {
            fields.push(("url", bib_escape_url(u)));
        }
        let mut out = format!("@techreport{{{key},\n");
        for (k, v) in fields {
            out.push_str(&format!("  {k} = {{{v}}},\n"));
        }
        out.push_str("}\n");
        out
    }

    /// The cable as an RIS record (`TY  - RPRT`).
    pub fn ris(&self) -> String {
        let mut lines: Vec<(&str, String)> = vec![("TY", "RPRT".to_owned()), ("ID", self.reference_id.clone())];
        lines.push(("TI", self.title.clone()));
        if let Some(a) = &self.author {
            lines.push(("AU", a.clone()));
        }
        if let Some((y, m, d)) = self.created {
            lines.push(("PY", y.to_string()));
            lines.push(("DA", format!("{y:04}/{m:02}/{d:02}/")));
        }
        lines.push(("M3", "Diplomatic cable".to_owned()));
        lines.push(("AN", self.reference_id.clone()));
        lines.push(("PB", "cablegate".to_owned()));
        lines.push(("T2", self.publication()));
        if let Some(v) = self.version_text() {
            lines.push(("ET", v));
        }
        if let Some(c) = &self.classification {
            lines.push(("N1", format!("Classification: {c}")));
        }
        for t in &self.tags {
            lines.push(("KW", t.clone()));
        }
        if let Some(u) = &self.url {
            lines.push(("UR", u.clone()));
        }
        let mut out = String::new();
        for (tag, value) in lines {
            // a field is one line
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&format!("{tag}  - {value}\r\n"));
        }
        out.push_str("ER  - \r\n");
        out
    }
}

/// Text as a BibTeX field's value: LaTeX's special characters escaped, braces balanced.
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            c => out.push(c),
        }
    }
    out
}

/// An address as a BibTeX `url` (read verbatim by `url` packages): only its braces and
/// backslashes, which would unbalance the entry, percent-encoded.
fn bib_escape_url(u: &str) -> String {
    u.replace('\\', "%5C").replace('{', "%7B").replace('}', "%7D")
}

/// `/cable/YYYY/MM/REFID.bib` (and `.ris`, `.csl.json`): the cable's citation as a file, or
/// what the cable's page would say (a redirect to its one path, a 404).
pub(crate) fn download(publication: &Publication, path: &str, id: &str, format: CiteFormat) -> Result<crate::Page> {
    let Some((c, _)) = publication.cable_released(id)? else {
        return crate::pages::cable::lookup(publication, path, id);
    };
    let crate::Route::Cable { year, month, id } = crate::Route::cable(&c.reference_id, c.created.as_deref()) else {
        unreachable!("a cable's route")
    };
    let own = crate::Route::Citation { year, month, id, format }.href();
    if own != path {
        return Ok(crate::Page::redirect(own));
    }
    let versions = publication.version_count(&c.reference_id)? as usize;
    let cite = Citation::new(publication, &c, versions)?;
    let body = match format {
        CiteFormat::Bibtex => cite.bibtex(),
        CiteFormat::Ris => cite.ris(),
        CiteFormat::CslJson => serde_json::to_string_pretty(&serde_json::Value::Array(vec![cite.csl()]))? + "\n",
    };
    Ok(crate::Page { status: 200, content_type: format.content_type(), body: body.into_bytes(), location: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Citation {
        Citation {
            reference_id: "09LONDON923".into(),
            title: "UK: 50% OF {MPS} & C:\\PATH #1 ~_^$".into(),
            author: Some("Embassy London".into()),
            created: Some((2009, 4, 20)),
            classification: Some("CONFIDENTIAL".into()),
            tags: vec!["PREL".into(), "UK".into()],
            url: Some("https://cables.example.org/cable/2009/04/09LONDON923.html".into()),
            build: 3,
            build_date: Some((2011, 9, 1)),
            version: Some((2, 2)),
            paragraphs: vec![1, 2, 3],
        }
    }

    #[test]
    fn bibtex_escapes_every_special_character_and_keeps_braces_balanced() {
        let b = sample().bibtex();
        assert!(b.contains(r"title = {{UK: 50\% OF \{MPS\} \& C:\textbackslash{}PATH \#1 \~{}\_\^{}\$}},"), "{b}");
        let depth = b.chars().try_fold(0i32, |d, c| {
            let d = d + i32::from(c == '{') - i32::from(c == '}');
            (d >= 0).then_some(d)
        });
        // escaped braces (`\{`) count too, in pairs
        assert_eq!(depth, Some(0), "{b}");
    }

    #[test]
    fn a_citation_names_the_build_the_version_and_the_paragraph() {
        let t = sample().text(Some(5));
        assert_eq!(
            t,
            "Embassy London, “UK: 50% OF {MPS} & C:\\PATH #1 ~_^$,” cable 09LONDON923, 20 April 2009, para. 5, \
             CONFIDENTIAL, version 2 of 2, cablegate, build 3 (1 September 2011), \
             https://cables.example.org/cable/2009/04/09LONDON923.html#par5."
        );
    }

    #[test]
    fn a_paragraph_s_short_citation_names_its_anchor() {
        assert_eq!(
            sample().short_text(7),
            "Embassy London, 09LONDON923, para. 7, https://cables.example.org/cable/2009/04/09LONDON923.html#par7."
        );
    }

    #[test]
    fn the_csl_json_in_a_page_cannot_end_its_script() {
        let mut c = sample();
        c.title = "</script><b>&amp;".into();
        let s = c.csl_in_html();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0]["title"], "</script><b>&amp;");
    }

    #[test]
    fn an_ris_field_is_one_line() {
        let mut c = sample();
        c.title = "TWO\nLINES\r\nER  - ".into();
        let r = c.ris();
        assert!(r.contains("TI  - TWO LINES ER -\r\n"), "{r}");
        assert_eq!(r.matches("ER  - ").count(), 1, "{r}");
    }
}
