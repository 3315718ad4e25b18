//! The publisher's archive: `import`, `catalog`, `stats`, `show`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use cablegate_archive::{Archive, ImportOptions, Progress};

use super::{thousands, DataDir};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Files and folders to import: the release's cables.csv (plain or .gz), JSON lines (.jsonl,
    /// as `cablegate parse` prints them, or re-issued cables with their versions), pages of the
    /// original site (.html), or folders of pages (walked recursively)
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Write every rejected record to this file, one per line: file, location, reason
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Print a machine-readable summary (JSON) on standard output
    #[arg(long)]
    json: bool,
    /// New cables per transaction: what is committed survives an interrupted import
    #[arg(long, value_name = "N", hide = true)]
    commit_every: Option<usize>,
}

pub fn import(data: DataDir, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}  {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let last_log = std::cell::Cell::new(Instant::now());
    let report = |p: &Progress| match &bar {
        Some(bar) => {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{} records", thousands(p.records)));
        }
        None if !args.json && last_log.get().elapsed() >= Duration::from_secs(5) => {
            last_log.set(Instant::now());
            eprintln!(
                "import: {} of {} MB ({:.0}%), {} records, {:.0} s",
                p.bytes_done / 1_000_000,
                p.bytes_total / 1_000_000,
                100.0 * p.bytes_done as f64 / p.bytes_total.max(1) as f64,
                thousands(p.records),
                started.elapsed().as_secs_f64()
            );
        }
        None => {}
    };
    let summary =
        archive.import(&args.paths, &ImportOptions { progress: Some(&report), commit_every: args.commit_every })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.rejects {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for r in &summary.rejects {
            writeln!(f, "{r}")?;
        }
        f.flush()?;
    }
    if args.json {
        serde_json::to_writer_pretty(std::io::stdout().lock(), &summary)?;
        println!();
    } else {
        for r in summary.rejects.iter().take(20) {
            eprintln!("rejected: {r}");
        }
        if summary.rejects.len() > 20 {
            eprintln!(
                "rejected: … and {} more{}",
                summary.rejects.len() - 20,
                if args.rejects.is_some() { "" } else { " (write them all with --rejects FILE)" }
            );
        }
        println!(
            "{} new cables, {} new versions, {} unchanged, {} rejected ({:.1} s)",
            thousands(summary.imported),
            thousands(summary.new_versions),
            thousands(summary.unchanged),
            thousands(summary.rejected),
            summary.timings.total_s
        );
        if summary.skipped_pages > 0 {
            println!("{} pages that are not cable pages (listings, index) skipped", thousands(summary.skipped_pages));
        }
        if !summary.other_files.is_empty() {
            let shown: Vec<String> = summary.other_files.iter().take(3).map(|p| p.display().to_string()).collect();
            let more = summary.other_files.len().saturating_sub(3);
            println!(
                "{} files in the folders not read: a folder is read for cable pages (.html) only; name a CSV or JSON lines file itself ({}{})",
                thousands(summary.other_files.len() as u64),
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
        }
        if summary.changed_nothing() && summary.rejected == 0 {
            println!("nothing changed: the archive already held every record");
        }
    }
    Ok(if summary.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[derive(clap::Args)]
pub struct CatalogArgs {
    /// The collection's list of cables: id,reference_id,created_month (plain or .gz)
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub fn catalog(data: DataDir, args: CatalogArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&data.path)?;
    let s = archive.load_catalog(&args.file)?;
    println!(
        "catalogue: {} cables; the archive holds text for {} of them ({:.1}%)",
        thousands(s.total),
        thousands(s.held),
        100.0 * s.held as f64 / s.total.max(1) as f64
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct StatsArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
    /// How many origins to list (all with --json)
    #[arg(long, default_value_t = 25)]
    top: usize,
    /// Also check the archive whole: SQLite's integrity, and every version's text against its hash
    #[arg(long)]
    check: bool,
    /// Rebuild the archive's indexes from its tables (what repairs a damaged index), then check
    #[arg(long)]
    reindex: bool,
}

pub fn stats(data: DataDir, args: StatsArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open_existing(&data.path)?;
    if args.reindex {
        archive.reindex()?;
        eprintln!("the archive's indexes were rebuilt from its tables");
    }
    if args.check || args.reindex {
        let c = archive.check()?;
        for p in &c.problems {
            eprintln!("problem: {p}");
        }
        eprintln!(
            "check: {} cables, {} versions, {}",
            thousands(c.cables),
            thousands(c.versions),
            if c.problems.is_empty() {
                "all texts match their hashes".to_owned()
            } else {
                format!("{} problems", c.problems.len())
            }
        );
        if !c.problems.is_empty() {
            eprintln!(
                "to recover: a damaged index (\"index …\" above) is rebuilt by `cablegate stats --reindex`; \
                 damaged tables or texts are recovered by importing the source files (cables.csv, versions) \
                 into a new data folder (`cablegate --data NEW import …`, then release and publish from it). \
                 `publish` refuses to publish from a damaged archive, so the current build stays as it is."
            );
            return Ok(ExitCode::from(1));
        }
    }
    let s = archive.stats()?;
    if args.json {
        serde_json::to_writer_pretty(std::io::stdout().lock(), &s)?;
        println!();
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    match (s.total, s.held_of_total) {
        (Some(total), Some(held)) => writeln!(
            out,
            "held: {} / {} cables of the catalogue ({:.1}%); {} in the archive, {} versions",
            thousands(held),
            thousands(total),
            100.0 * held as f64 / total.max(1) as f64,
            thousands(s.held),
            thousands(s.versions)
        )?,
        _ => writeln!(
            out,
            "held: {} cables, {} versions (no catalogue loaded: see cablegate catalog)",
            thousands(s.held),
            thousands(s.versions)
        )?,
    }
    writeln!(out, "\nper year:")?;
    for (year, n) in &s.per_year {
        writeln!(out, "  {year}  {:>8}", thousands(*n))?;
    }
    writeln!(out, "\nper classification:")?;
    for (c, n) in &s.per_classification {
        writeln!(out, "  {:<40} {:>8}", c, thousands(*n))?;
    }
    writeln!(out, "\nper origin ({} origins):", s.per_origin.len())?;
    for (o, n) in s.per_origin.iter().take(args.top) {
        writeln!(out, "  {:<40} {:>8}", o, thousands(*n))?;
    }
    if s.per_origin.len() > args.top {
        writeln!(out, "  … {} more (--top N, or --json)", s.per_origin.len() - args.top)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The cable's reference id, as published or corrected, in any case
    #[arg(value_name = "REFID")]
    id: String,
    /// List every version of the cable's text: when it was seen and where it came from
    #[arg(long, conflicts_with = "diff")]
    versions: bool,
    /// Print a unified diff from version A to version B
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    diff: Option<Vec<u32>>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn show(data: DataDir, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open_existing(&data.path)?;
    let mut out = std::io::stdout().lock();
    if let Some(d) = &args.diff {
        let text = archive.diff(&args.id, d[0], d[1])?;
        if args.json {
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "diff": text }))?;
            writeln!(out)?;
        } else if text.is_empty() {
            writeln!(out, "versions {} and {} are the same text", d[0], d[1])?;
        } else {
            write!(out, "{text}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.versions {
        let versions = archive.versions(&args.id)?;
        if args.json {
            serde_json::to_writer_pretty(&mut out, &versions)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{:>7}  {:<20}  {:<16}  {:>7}  source", "version", "seen", "released", "bytes")?;
            for v in versions {
                writeln!(
                    out,
                    "{:>7}  {:<20}  {:<16}  {:>7}  {}",
                    v.version,
                    v.seen_at,
                    v.released.as_deref().unwrap_or("-"),
                    v.bytes,
                    v.source
                )?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let info = archive.cable(&args.id)?;
    let (header, body) = archive.version_text(&args.id, info.current_version)?;
    if args.json {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "cable": info, "header": header, "body": body }))?;
        writeln!(out)?;
    } else {
        writeln!(out, "Reference ID    {}", info.reference_id)?;
        if info.canonical_id != info.reference_id {
            writeln!(out, "Corrected ID    {}", info.canonical_id)?;
        }
        writeln!(out, "Created         {}", info.created.as_deref().unwrap_or("-"))?;
        writeln!(out, "Classification  {}", info.classification.as_deref().unwrap_or("-"))?;
        writeln!(out, "Origin          {}", info.origin.as_deref().unwrap_or("-"))?;
        writeln!(out, "Subject         {}", info.subject.as_deref().unwrap_or("-"))?;
        writeln!(out, "Tags            {}", info.tags.join(" "))?;
        writeln!(out, "Version         {} (cablegate show {} --versions)", info.current_version, info.reference_id)?;
        writeln!(out, "\n{header}\n\n{body}")?;
    }
    Ok(ExitCode::SUCCESS)
}
