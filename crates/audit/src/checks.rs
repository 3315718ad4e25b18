//! The checks of a publication's own data, each returning what it found.

use std::collections::{HashMap, HashSet};

use cablegate_archive::redact::Redaction;
use cablegate_archive::Archive;
use cablegate_publication::Publication;

use crate::detector::Detector;
use crate::{AuditReport, Finding, Result};

/// The publication's files are the ones its manifest lists, byte for byte.
pub(crate) fn manifest_files(publication: &Publication) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    for (name, sha) in &publication.manifest().files {
        let path = publication.dir().join(name);
        if &cablegate_publication::write::sha256_file(&path)? != sha {
            found.push(Finding::FileAltered { path });
        }
    }
    Ok(found)
}

/// Every cable of the publication is released at its time: what is not is a finding (and the
/// report counts the cables). Returns the published ids.
pub(crate) fn cables_released(
    archive: &Archive,
    publication: &Publication,
    report: &mut AuditReport,
) -> Result<HashSet<String>> {
    let m = publication.manifest();
    let unreleased: HashSet<String> = archive.unreleased_at(&m.made_at)?.into_iter().collect();
    let ids = publication.reference_ids()?;
    for id in &ids {
        if unreleased.contains(id) {
            report.findings.push(Finding::NotReleased {
                publication: m.number,
                reference_id: id.clone(),
                at: m.made_at.clone(),
            });
        }
    }
    report.cables = ids.len() as u64;
    Ok(ids.into_iter().collect())
}

/// No redaction is left in any version of any cable's stored subject, header or body, read
/// through SQLite (a name the file scan cannot see: split across two of the file's pages) — every
/// redaction of every cable, and each redaction of one cable in every record of that cable.
pub(crate) fn stored_texts(publication: &Publication, detector: &Detector) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    let database = publication.dir().join("build.sqlite");
    let scoped: Vec<(String, &crate::detector::Matcher)> = detector
        .per_cable
        .iter()
        .map(|m| (cablegate_archive::redact::canonical(m.0.cable.as_deref().unwrap_or_default()), m))
        .collect();
    for id in publication.reference_ids()? {
        let canonical = cablegate_archive::redact::canonical(&id);
        let mine: Vec<&crate::detector::Matcher> =
            scoped.iter().filter(|(c, _)| *c == canonical).map(|(_, m)| *m).collect();
        for v in publication.stored_versions(&id)? {
            for (what, text) in [("subject", &v.subject), ("header", &v.header), ("body", &v.body)] {
                found.extend(detector.unreleased_in(
                    &format!("{}: {id} version {} {what}", database.display(), v.version),
                    text.as_bytes(),
                ));
                for (r, _) in detector.matching_globals(text.as_bytes()).into_iter().chain(
                    mine.iter().copied().filter(|(_, re)| re.for_bytes(text.as_bytes()).is_match(text.as_bytes())),
                ) {
                    found.push(Finding::RedactedInTable {
                        database: database.clone(),
                        reference_id: id.clone(),
                        version: v.version,
                        what,
                        text: r.text.clone(),
                        redaction: r.id,
                    });
                }
            }
        }
    }
    Ok(found)
}

/// The search index holds the publication's cables, and no search for a redacted text finds
/// one (a publication of layout 1 has no index to check).
pub(crate) fn search_index(publication: &Publication, redactions: &[Redaction]) -> Result<Vec<Finding>> {
    let index = match publication.search() {
        Ok(index) => index,
        Err(cablegate_publication::Error::NoSearch(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut found = Vec::new();
    let dir = publication.dir().join(cablegate_publication::SEARCH_DIR);
    let mut in_index = index.keys().map_err(cablegate_publication::Error::from)?;
    in_index.sort_unstable();
    let keys = publication.keys()?;
    let in_publication: Vec<u64> = keys.iter().map(|(k, _)| *k).collect();
    if in_index != in_publication {
        found.push(Finding::IndexMismatch {
            index: dir.clone(),
            in_index: in_index.len(),
            in_publication: in_publication.len(),
        });
    }
    let ids: HashMap<u64, String> = keys.into_iter().collect();
    for r in redactions {
        let words: String = r.text.chars().filter(|&c| c != '"').collect();
        let q = cablegate_search::parse(&format!("\"{words}\""));
        // an audit is never cut short by the time budget of a reader's search
        let opts = cablegate_search::Options { limit: 1000, facets: false, budget: None, ..Default::default() };
        let hits = index.search(&q, &opts).map_err(cablegate_publication::Error::from)?.hits;
        for hit in hits {
            let rid = ids.get(&hit.key).cloned().unwrap_or_default();
            if r.cable.as_deref().is_none_or(|c| c == rid) {
                found.push(Finding::SearchFinds {
                    index: dir.clone(),
                    text: r.text.clone(),
                    redaction: r.id,
                    reference_id: rid,
                });
            }
        }
    }
    Ok(found)
}

/// Every build on disk that lacks a redaction of the archive, by the redactions its manifest
/// says it applied.
pub(crate) fn older_builds(builds: &std::path::Path, redactions: &[Redaction]) -> Result<Vec<crate::OlderBuild>> {
    let mut out = Vec::new();
    for number in cablegate_publication::list(builds)? {
        let m = cablegate_publication::read_manifest(&cablegate_publication::publication_dir(builds, number))?;
        let applied = m.redactions.unwrap_or_default();
        let lacking: Vec<i64> = redactions.iter().map(|r| r.id).filter(|id| !applied.contains(id)).collect();
        if !lacking.is_empty() {
            out.push(crate::OlderBuild { number, lacking });
        }
    }
    Ok(out)
}

/// The parts of each redacted name of several words (`name_parts`) that a search of the build
/// still finds, unless a redaction of its own covers the part.
pub(crate) fn surviving_parts(
    publication: &Publication,
    redactions: &[Redaction],
) -> Result<Vec<crate::SurvivingPart>> {
    let index = match publication.search() {
        Ok(index) => index,
        Err(cablegate_publication::Error::NoSearch(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let ids: HashMap<u64, String> = publication.keys()?.into_iter().collect();
    let redacted: HashSet<String> = redactions.iter().map(|r| r.text.to_lowercase()).collect();
    let mut out = Vec::new();
    for r in redactions {
        for part in cablegate_archive::redact::name_parts(&r.text) {
            if redacted.contains(&part.to_lowercase()) {
                continue;
            }
            let words: String = part.chars().filter(|&c| c != '"').collect();
            let q = cablegate_search::parse(&format!("\"{words}\""));
            let opts = cablegate_search::Options { limit: 5, facets: false, budget: None, ..Default::default() };
            let results = index.search(&q, &opts).map_err(cablegate_publication::Error::from)?;
            let examples: Vec<String> = results
                .hits
                .iter()
                .filter_map(|h| ids.get(&h.key).cloned())
                .filter(|id| {
                    r.cable.as_deref().is_none_or(|c| {
                        cablegate_archive::redact::canonical(c) == cablegate_archive::redact::canonical(id)
                    })
                })
                .collect();
            let cables = if r.cable.is_some() { examples.len() as u64 } else { results.total };
            if cables > 0 {
                out.push(crate::SurvivingPart { redaction: r.id, part, cables, examples });
            }
        }
    }
    Ok(out)
}
