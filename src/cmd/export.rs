//! `export` and `verify`: static mirrors of a build.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{thousands, DataDir};

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The mirror's folder (made if missing); exporting into an earlier export rewrites only what changed
    pub dir: PathBuf,
    /// Export this build instead of the current one
    #[arg(long)]
    build: Option<u32>,
    /// Also write the mirror as one compressed bundle (FILE.tar.zst) and its checksum (FILE.tar.zst.sha256)
    #[arg(long, value_name = "FILE")]
    archive: Option<PathBuf>,
    /// Rendering threads [default: one per core]
    #[arg(long)]
    threads: Option<usize>,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
    /// Export an old build even when it lacks redactions a later build applies
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The mirror's folder
    pub dir: PathBuf,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn export(data: DataDir, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let builds = cablegate_publication::publications_dir(&data.path);
    let bar = (std::io::stderr().is_terminal() && !args.json).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} exporting [{bar:30}] {pos}/{len} files {per_sec} ETA {eta}",
            )
            .expect("a valid template"),
        );
        bar
    });
    let progress = |done: u64, total: u64| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    };
    let mut opts = cablegate_export::Options { progress: Some(&progress), force: args.force, ..Default::default() };
    if let Some(t) = args.threads {
        opts.threads = t;
    }
    let s = cablegate_export::export(&builds, args.build, &args.dir, &opts)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let sha = match &args.archive {
        Some(file) => Some(cablegate_export::bundle(&args.dir, file)?),
        None => None,
    };
    if args.json {
        let mut v = serde_json::to_value(&s)?;
        if let (Some(file), Some(sha)) = (&args.archive, &sha) {
            v["archive"] = serde_json::json!({ "file": file, "sha256": sha });
        }
        println!("{v}");
    } else {
        println!(
            "build {} exported to {}: {} files, {} MB ({} written, {} unchanged, {} removed) in {:.1} s ({:.0} files/s; the search index {:.1} s beside the pages)",
            s.build,
            args.dir.display(),
            thousands(s.files),
            s.bytes / 1_000_000,
            thousands(s.written),
            thousands(s.unchanged),
            thousands(s.removed),
            s.seconds,
            s.files as f64 / s.seconds.max(1e-9),
            s.index_seconds
        );
        if let (Some(file), Some(sha)) = (&args.archive, &sha) {
            let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            println!(
                "bundle {}: {} MB, SHA-256 {sha} (in {}.sha256)",
                file.display(),
                size / 1_000_000,
                file.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let r = cablegate_export::verify(&args.dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        for name in &r.missing {
            println!("missing: {name}");
        }
        for name in &r.altered {
            println!("altered: {name}");
        }
        for name in &r.extra {
            println!("extra: {name}");
        }
        if r.is_clean() {
            println!(
                "{}: build {}, {} files, all as the manifest says",
                args.dir.display(),
                r.build,
                thousands(r.files)
            );
        } else {
            println!(
                "{}: build {}: {} missing, {} altered, {} extra of {} files",
                args.dir.display(),
                r.build,
                r.missing.len(),
                r.altered.len(),
                r.extra.len(),
                thousands(r.files)
            );
        }
    }
    Ok(if r.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
