//! `serve` and `demo`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use cablegate_archive::{Archive, ImportOptions};

use super::DataDir;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The time a search may take: past it, it answers with what it found by then, and says so
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = humantime::parse_duration)]
    search_budget: std::time::Duration,
}

fn run(builds: &Path, addr: SocketAddr) -> anyhow::Result<ExitCode> {
    // pages render on blocking threads, each with its own connection to the build: a few per
    // core keep the cores busy; hundreds (tokio's default bound) only add memory and contention
    let cores = std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(cores * 4)
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async {
        // Ctrl-C and SIGTERM (what a service manager sends) both stop gracefully: no new
        // connection, the requests under way get a deadline to finish
        let shutdown = async {
            let term = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                () = term => {}
            }
            eprintln!(
                "shutting down: finishing the requests under way (at most {} s)",
                cablegate_server::Limits::default().shutdown.as_secs()
            );
        };
        cablegate_server::serve(
            builds,
            addr,
            |a| eprintln!("serving the current build on http://{a}/ (Ctrl-C to stop)"),
            shutdown,
        )
        .await
        .with_context(|| format!("serving on {addr}"))
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn serve(data: DataDir, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let builds = cablegate_publication::publications_dir(&data.path);
    if cablegate_publication::current(&builds)?.is_none() {
        anyhow::bail!("no build published in {} yet (cablegate publish)", data.path.display());
    }
    cablegate_site::search::set_budget(args.search_budget);
    run(&builds, args.addr)
}

/// The bundled real cables: `demo/` beside the binary's sources (a clone of the repository).
fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo")
}

pub fn demo(data: DataDir, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let demo = bundled();
    anyhow::ensure!(demo.join("cables.csv.gz").exists(), "the bundled cables are not in {}", demo.display());
    let _temp;
    let dir = match &data.given {
        Some(p) => p.clone(),
        None => {
            let t = tempfile::tempdir().context("making a temporary data folder")?;
            let p = t.path().to_owned();
            _temp = t;
            p
        }
    };
    let mut archive = Archive::open(&dir)?;
    let started = std::time::Instant::now();
    let s = archive.import(&[demo.join("cables.csv.gz"), demo.join("versions.jsonl.gz")], &ImportOptions::default())?;
    eprintln!("demo: {} cables imported ({} new versions, {} unchanged)", s.imported, s.new_versions, s.unchanged);
    archive.load_catalog(&demo.join("full-release-ids.csv.gz"))?;
    archive.release_schedule(&demo.join("releases.tsv"))?;
    // the demo's citations name its pages at the address it serves them on
    let url = (args.addr.port() != 0).then(|| format!("http://{}/", args.addr));
    let p = archive.publish_with(&dir, &cablegate_archive::publish::PublishOptions { at: None, url })?;
    eprintln!(
        "demo: build {} with {} of {} cables, ready in {:.1} s (data in {})",
        p.manifest.number,
        p.manifest.released,
        p.manifest.total,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    cablegate_site::search::set_budget(args.search_budget);
    run(&cablegate_publication::publications_dir(&dir), args.addr)
}
