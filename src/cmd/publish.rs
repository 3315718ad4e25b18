//! Publishing: `release`, `withdraw`, `redact`, `publish`, `builds`, `audit`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use cablegate_archive::release::{parse_time, Selection};
use cablegate_archive::{Archive, Timestamp};

use super::{thousands, DataDir};

fn time_arg(at: &Option<String>) -> anyhow::Result<Timestamp> {
    match at {
        Some(t) => parse_time(t).with_context(|| format!("--at {t:?} is not a time (use \"YYYY-MM-DD HH:MM\")")),
        None => Ok(Timestamp::from_system(std::time::SystemTime::now())),
    }
}

#[derive(clap::Args)]
pub struct ReleaseArgs {
    /// Reference ids to release
    #[arg(value_name = "REFID")]
    ids: Vec<String>,
    /// Release every cable in the archive
    #[arg(long)]
    all: bool,
    /// Release the reference ids listed in FILE, one per line
    #[arg(long, value_name = "FILE")]
    ids_file: Option<PathBuf>,
    /// Release the cables from this origin (e.g. "Embassy London")
    #[arg(long)]
    origin: Option<String>,
    /// Release the cables with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Release the cables of this classification (e.g. SECRET//NOFORN)
    #[arg(long)]
    classification: Option<String>,
    /// Release the cables created on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DAY")]
    created_from: Option<String>,
    /// Release the cables created on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DAY")]
    created_to: Option<String>,
    /// Public from this moment, "YYYY-MM-DD HH:MM" (UTC; default now). A future time is an embargo
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    // (the help as an attribute: rustdoc would read `<TAB>` as an HTML tag)
    #[arg(long, value_name = "FILE", help = "Replay a release schedule: reference_id<TAB>released_first<TAB>released_latest", conflicts_with_all = ["ids", "all", "ids_file", "origin", "tag", "classification", "created_from", "created_to", "at"])]
    schedule: Option<PathBuf>,
}

pub fn release(data: DataDir, args: ReleaseArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    if let Some(path) = &args.schedule {
        let s = archive.release_schedule(path)?;
        println!(
            "{} cables scheduled for release{}",
            thousands(s.released),
            if s.not_held.is_empty() {
                String::new()
            } else {
                format!("; {} in the schedule are not in the archive", thousands(s.not_held.len() as u64))
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut ids = args.ids.clone();
    if let Some(f) = &args.ids_file {
        let file = std::fs::File::open(f).with_context(|| format!("reading {}", f.display()))?;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.with_context(|| format!("reading {}", f.display()))?;
            if !line.trim().is_empty() {
                ids.push(line.trim().to_owned());
            }
        }
    }
    for day in [&args.created_from, &args.created_to].into_iter().flatten() {
        if cablegate_cable::meta::parse_timestamp(day).is_none() {
            bail!("{day:?} is not a day (use YYYY-MM-DD)");
        }
    }
    let selection = Selection {
        all: args.all,
        ids,
        origin: args.origin,
        tag: args.tag,
        classification: args.classification,
        created_from: args.created_from,
        created_to: args.created_to,
    };
    if !selection.all
        && selection.ids.is_empty()
        && selection.origin.is_none()
        && selection.tag.is_none()
        && selection.classification.is_none()
        && selection.created_from.is_none()
        && selection.created_to.is_none()
    {
        bail!("say which cables: reference ids, --ids FILE, --all, a filter, or --schedule FILE");
    }
    let at = time_arg(&args.at)?;
    let s = archive.release(&selection, &at)?;
    for id in &s.not_held {
        eprintln!("not in the archive: {id}");
    }
    println!("{} cables released from {at} ({} already were)", thousands(s.released), thousands(s.unchanged));
    Ok(if s.not_held.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[derive(clap::Args)]
pub struct WithdrawArgs {
    #[arg(value_name = "REFID")]
    id: String,
    /// Out of builds made from this moment (default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn withdraw(data: DataDir, args: WithdrawArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    let at = time_arg(&args.at)?;
    archive.withdraw(&args.id, &at)?;
    println!("{} withdrawn: it leaves the next build", args.id.trim().to_ascii_uppercase());
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Subcommand)]
pub enum RedactCommand {
    /// Redact TEXT on publish: its words however the release writes them (any case, accents,
    /// hyphens, apostrophes, possessives, line breaks and section markers between them), never
    /// inside a longer word. Prints where it matches first
    Add {
        text: String,
        /// Only in this cable (every record of it: its canonical id)
        #[arg(long, value_name = "REFID")]
        cable: Option<String>,
        /// Why (kept in the archive, never published)
        #[arg(long)]
        note: Option<String>,
        /// Only print where it would match; add nothing
        #[arg(long)]
        dry_run: bool,
        /// Add it even when it has fewer than 3 letters or matches nothing
        #[arg(long)]
        force: bool,
        /// Also redact each part of a name of several words (`Sabrido` of `Garcia Sabrido`)
        #[arg(long)]
        parts: bool,
    },
    /// List where the parts of a name of several words survive once the whole name is redacted
    /// (`Saadi` of `Saadi al-Qadhafi`), for you to decide whether they name the person too
    Check {
        text: String,
        /// Only in this cable
        #[arg(long, value_name = "REFID")]
        cable: Option<String>,
    },
    /// List the redactions
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a redaction by its number
    Remove { id: i64 },
}

/// `"Moussavi" matches 3 places in 1 cable`, then up to five of them in context.
fn print_preview(text: &str, p: &cablegate_archive::redact::Preview) {
    let plural = |n: u64, one: &str, many: &str| format!("{} {}", thousands(n), if n == 1 { one } else { many });
    println!("{text:?} matches {} in {}", plural(p.places, "place", "places"), plural(p.cables, "cable", "cables"));
    for (id, context) in &p.examples {
        println!("  {id}: {context}");
    }
}

pub fn redact(data: DataDir, command: RedactCommand) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    match command {
        RedactCommand::Add { text, cable, note, dry_run, force, parts } => {
            let mut texts = vec![text.clone()];
            if parts {
                texts.extend(cablegate_archive::redact::name_parts(&text));
            }
            for t in &texts {
                if dry_run {
                    print_preview(t, &archive.preview_redaction(t, cable.as_deref())?);
                    continue;
                }
                let (id, preview) = archive.add_redaction_checked(t, cable.as_deref(), note.as_deref(), force)?;
                print_preview(t, &preview);
                println!("redaction {id} added; it applies from the next build (cablegate publish)");
            }
        }
        RedactCommand::Check { text, cable } => {
            let parts = archive.surviving_parts(&text, cable.as_deref())?;
            if parts.is_empty() {
                println!("{text:?} has no part of 3 letters or more to check");
            }
            for (part, preview) in parts {
                print_preview(&part, &preview);
            }
        }
        RedactCommand::List { json } => {
            let list = archive.redactions()?;
            if json {
                serde_json::to_writer_pretty(std::io::stdout().lock(), &list)?;
                println!();
            } else {
                for r in list {
                    println!(
                        "{:>4}  {:<16}  {}{}",
                        r.id,
                        r.cable.as_deref().unwrap_or("every cable"),
                        r.text,
                        r.note.map(|n| format!("  ({n})")).unwrap_or_default()
                    );
                }
            }
        }
        RedactCommand::Remove { id } => {
            archive.remove_redaction(id)?;
            println!("redaction {id} removed; the next build shows the text again");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct PublishArgs {
    /// Build the archive as of this moment instead of now (cables released later wait)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Where the build will be served (`https://cables.example.org/`): citations name their cable's
    /// page by it. Kept from the current build when not given
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn publish(data: DataDir, args: PublishArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    let at = args.at.as_ref().map(|_| time_arg(&args.at)).transpose()?;
    let options = cablegate_archive::publish::PublishOptions { at, url: args.url.clone() };
    let s = archive.publish_with(&data.path, &options)?;
    let m = &s.manifest;
    if args.json {
        serde_json::to_writer_pretty(std::io::stdout().lock(), &s)?;
        println!();
    } else {
        println!(
            "build {} published and current: {} / {} cables released ({} added, {} re-issued, {} withdrawn) as of {} in {:.1} s",
            m.number,
            thousands(m.released),
            thousands(m.total),
            thousands(m.added),
            thousands(m.changed),
            thousands(m.withdrawn),
            m.made_at,
            s.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct PublicationsArgs {
    /// Remove an old build (not the current one)
    #[arg(long, value_name = "N")]
    remove: Vec<u32>,
    /// Remove every old build that lacks a redaction the newest build applies
    #[arg(long)]
    prune: bool,
    #[arg(long)]
    json: bool,
}

pub fn publications(data: DataDir, args: PublicationsArgs) -> anyhow::Result<ExitCode> {
    let dir = cablegate_publication::publications_dir(&data.path);
    for n in &args.remove {
        cablegate_publication::remove(&dir, *n)?;
        println!("build {n} removed");
    }
    let current = cablegate_publication::current(&dir)?;
    if args.prune {
        let mut pruned = 0;
        for n in cablegate_publication::list(&dir)? {
            if Some(n) == current {
                continue;
            }
            if let Some((newer, ids)) = cablegate_publication::lacking_redactions(&dir, n)? {
                cablegate_publication::remove(&dir, n)?;
                let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                eprintln!("build {n} removed: it lacks redaction(s) {ids} of build {newer}");
                pruned += 1;
            }
        }
        if pruned == 0 {
            eprintln!("no build lacks a redaction of the newest one");
        }
    }
    let mut manifests = Vec::new();
    for n in cablegate_publication::list(&dir)? {
        manifests.push(cablegate_publication::read_manifest(&cablegate_publication::publication_dir(&dir, n))?);
    }
    if args.json {
        serde_json::to_writer_pretty(
            std::io::stdout().lock(),
            &serde_json::json!({ "current": current, "builds": manifests }),
        )?;
        println!();
    } else if manifests.is_empty() {
        println!("no builds yet (cablegate publish)");
    } else {
        println!("  build  made at               released  added  re-issued  withdrawn");
        for m in manifests {
            println!(
                "{} {:>5}  {:<20}  {:>8}  {:>5}  {:>9}  {:>9}",
                if Some(m.number) == current { "*" } else { " " },
                m.number,
                m.made_at,
                m.released,
                m.added,
                m.changed,
                m.withdrawn
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct AuditArgs {
    /// The build to audit (default: the current one)
    #[arg(long, value_name = "N")]
    build: Option<u32>,
    /// Also audit every file of a static export or of any folder made from the build
    #[arg(long, value_name = "DIR")]
    export: Vec<PathBuf>,
    /// Also crawl a running site from this address (its home page), following its links
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// How many pages the crawl fetches at most
    #[arg(long, default_value_t = 5000)]
    max_pages: usize,
    #[arg(long)]
    json: bool,
}

pub fn audit(data: DataDir, args: AuditArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open_existing(&data.path)?;
    let opts = cablegate_audit::Options {
        number: args.build,
        extra: &args.export,
        crawl: args.url.as_deref(),
        max_pages: args.max_pages,
    };
    let r = cablegate_audit::audit(&archive, &data.path, &opts)?;
    if args.json {
        serde_json::to_writer_pretty(std::io::stdout().lock(), &r)?;
        println!();
    } else {
        for f in &r.findings {
            println!("FOUND {f}");
        }
        for b in &r.older_builds {
            let ids = b.lacking.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            println!(
                "OLDER BUILD {} lacks redaction(s) {ids}: export refuses it; `cablegate publications --prune` removes it{}",
                b.number,
                if b.number == r.build { " (this build: publish again)" } else { "" }
            );
        }
        for p in &r.surviving_parts {
            println!(
                "PART {:?} of redaction {} is still in {} cable(s), e.g. {}: `cablegate redact check` shows where; `redact add --parts` redacts it",
                p.part,
                p.redaction,
                p.cables,
                p.examples.join(", ")
            );
        }
        println!(
            "audit of build {} (as of {}): {} files, {} pages crawled, {} MB; {} cables checked as released; {} unreleased cables looked for ({} fingerprints); {} redactions looked for: {}",
            r.build,
            r.made_at,
            r.files,
            r.pages,
            r.bytes / 1_000_000,
            thousands(r.cables),
            thousands(r.unreleased),
            thousands(r.fingerprints),
            r.redactions,
            if r.findings.is_empty() { "nothing found".to_owned() } else { format!("{} findings", r.findings.len()) }
        );
    }
    Ok(if r.findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[derive(clap::Subcommand)]
pub enum ArticleCommand {
    /// Record an article and the cables it draws on (shown on their pages from the next build)
    Add {
        url: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        outlet: String,
        /// The article's date, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// The cables it draws on
        #[arg(value_name = "REFID", required = true)]
        cables: Vec<String>,
    },
    /// List the recorded articles
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an article by its number
    Remove { id: i64 },
}

pub fn article(data: DataDir, command: ArticleCommand) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    match command {
        ArticleCommand::Add { url, title, outlet, date, cables } => {
            let id = archive.add_article(&url, &title, &outlet, &date, &cables)?;
            println!("article {id} recorded with {} cables; it shows from the next build", cables.len());
        }
        ArticleCommand::List { json } => {
            let list = archive.articles()?;
            if json {
                serde_json::to_writer_pretty(std::io::stdout().lock(), &list)?;
                println!();
            } else {
                for a in list {
                    println!(
                        "{:>4}  {}  {} — {}  {}  [{}]",
                        a.id,
                        a.date,
                        a.title,
                        a.outlet,
                        a.url,
                        a.cables.join(" ")
                    );
                }
            }
        }
        ArticleCommand::Remove { id } => {
            archive.remove_article(id)?;
            println!("article {id} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}
