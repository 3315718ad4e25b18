//! `cablegate parse`: the parser on the command line.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use cablegate_cable::Meta;
use cablegate_formats::{open_maybe_gz, release_csv};

#[derive(clap::Args)]
pub struct Args {
    /// One cable's raw text (header and body as one telegram); `-` or nothing reads stdin
    #[arg(value_name = "FILE", conflicts_with = "csv")]
    file: Option<PathBuf>,
    /// Read the release's cables.csv (plain or .gz) and print one JSON line per row
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// The cable's reference id (sets canonical_id and the default year of REF lines)
    #[arg(long, value_name = "REFID", conflicts_with = "csv")]
    id: Option<String>,
    /// The cable's creation date, YYYY-MM-DD or "YYYY-MM-DD HH:MM"
    #[arg(long, value_name = "DATE", conflicts_with = "csv")]
    created: Option<String>,
    /// The classification label as released, e.g. SECRET//NOFORN
    #[arg(long, value_name = "LABEL", conflicts_with = "csv")]
    classification: Option<String>,
    /// The origin's display name, e.g. "Embassy London"
    #[arg(long, value_name = "NAME", conflicts_with = "csv")]
    origin: Option<String>,
    /// Print compact JSON (one line) instead of indented JSON for a single cable
    #[arg(long)]
    compact: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.csv {
        return run_csv(path);
    }
    if let Some(created) = &args.created {
        if cablegate_cable::meta::parse_timestamp(created).is_none() {
            bail!("--created {created:?} is not a date (use YYYY-MM-DD or \"YYYY-MM-DD HH:MM\")");
        }
    }
    let mut bytes = Vec::new();
    match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        }
        _ => {
            std::io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
        }
    }
    let meta = Meta {
        reference_id: args.id.as_deref(),
        created: args.created.as_deref(),
        classification: args.classification.as_deref(),
        origin: args.origin.as_deref(),
    };
    let cable = cablegate_cable::parse_bytes(&meta, &bytes);
    let mut out = std::io::stdout().lock();
    if args.compact {
        serde_json::to_writer(&mut out, &cable)?;
    } else {
        serde_json::to_writer_pretty(&mut out, &cable)?;
    }
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

fn run_csv(path: &Path) -> anyhow::Result<ExitCode> {
    let input = open_maybe_gz(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let (mut ok, mut rejected) = (0u64, 0u64);
    for row in release_csv::Reader::new(input) {
        match row {
            Ok(row) => {
                let meta = Meta {
                    reference_id: Some(&row.reference_id),
                    created: Some(&row.created),
                    classification: Some(&row.classification),
                    origin: Some(&row.origin),
                };
                let cable = cablegate_cable::parse(&meta, &row.header, &row.body);
                serde_json::to_writer(&mut out, &cable)?;
                if let Err(e) = out.write_all(b"\n") {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return Ok(ExitCode::SUCCESS);
                    }
                    return Err(e.into());
                }
                ok += 1;
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                rejected += 1;
            }
        }
    }
    out.flush()?;
    if rejected > 0 {
        eprintln!("{}: {ok} cables parsed, {rejected} rows rejected", path.display());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
