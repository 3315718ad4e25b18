//! `cablegate`: one binary for the publisher, readers and mirror operators.
//!
//! This file only defines the command line; each command lives in `cmd/` and is glue over the
//! library crates in `crates/`.

mod cmd;
#[cfg(test)]
mod docs_tests;

/// mimalloc rather than glibc's allocator: rendering and indexing allocate and free many
/// short-lived strings on every thread, where glibc's arenas spent a tenth of an export's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cablegate", version, about = "Publish, serve and mirror an archive of diplomatic cables")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    data: cmd::DataDir,
}

#[derive(Subcommand)]
enum Command {
    /// Parse cables and print them as JSON (one object, or one line per CSV row)
    Parse(cmd::parse::Args),
    /// Import cables into the archive: cables.csv, JSON lines, pages of the original site
    Import(cmd::archive::ImportArgs),
    /// Load the collection's list of all its cables, so the archive knows the total
    Catalog(cmd::archive::CatalogArgs),
    /// Print what the archive holds: held / total, per year, classification and origin
    Stats(cmd::archive::StatsArgs),
    /// Print one cable of the archive, its versions, or a diff between two of them
    Show(cmd::archive::ShowArgs),
    /// Mark cables public from a moment (a future one is an embargo), or replay a schedule
    Release(cmd::publish::ReleaseArgs),
    /// Take a released cable out of the next build
    Withdraw(cmd::publish::WithdrawArgs),
    /// Manage redactions: text that never reaches a build
    #[command(subcommand)]
    Redact(cmd::publish::RedactCommand),
    /// Make a build of the released cables, redactions applied, and make it current
    Publish(cmd::publish::PublishArgs),
    /// List the publications, or builds (the current one is starred), or remove old ones
    #[command(alias = "builds")]
    Publications(cmd::publish::PublicationsArgs),
    /// Prove that a build holds nothing unreleased and nothing redacted
    Audit(cmd::publish::AuditArgs),
    /// Record press coverage: articles that draw on cables
    #[command(subcommand)]
    Article(cmd::publish::ArticleCommand),
    /// Search the current build, as the site's search box does
    Search(cmd::search::SearchArgs),
    /// Write the site of a build as static files for a mirror, with a manifest of SHA-256 sums
    Export(cmd::export::ExportArgs),
    /// Check a mirror against its manifest: every missing, altered or extra file
    Verify(cmd::export::VerifyArgs),
    /// Serve the current build over HTTP, read only, switching builds without a restart
    Serve(cmd::serve::ServeArgs),
    /// Import the bundled real cables, replay their release schedule, publish and serve them
    Demo(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        // a log line per request when serving (tower_http at info); CABLEGATE_LOG overrides
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CABLEGATE_LOG")
                .unwrap_or_else(|_| "warn,cablegate_server=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let mut cli = Cli::parse();
    cli.data = cli.data.resolve();
    if !matches!(cli.command, Command::Serve(_) | Command::Demo(_)) {
        // a command whose output is cut short (`cablegate stats | head -1`) ends quietly, as
        // Unix tools do, instead of failing on the closed pipe; the server keeps ignoring it
        sigpipe::reset();
    }
    // what a full disk did, said where it happens (each is a test of tests/disk_full.rs)
    let on_full_disk = match &cli.command {
        Command::Import(_) | Command::Demo(_) => {
            "the cables recorded before it are kept; free space and import again: what is held is skipped"
        }
        Command::Publish(_) => "nothing was published and the current build is untouched; free space and publish again",
        Command::Export(_) => "the folder is an incomplete mirror until an export ends; free space and export again",
        _ => "free space and run the command again",
    };
    // where the command writes: a full one is why, even when the error does not say so (SQLite
    // says "disk I/O error" when it cannot grow its shared-memory file)
    let mut writes_to = vec![cli.data.path.clone()];
    if let Command::Export(args) = &cli.command {
        writes_to.push(args.dir.clone());
    }
    let result = match cli.command {
        Command::Parse(args) => cmd::parse::run(args),
        Command::Import(args) => cmd::archive::import(cli.data, args),
        Command::Catalog(args) => cmd::archive::catalog(cli.data, args),
        Command::Stats(args) => cmd::archive::stats(cli.data, args),
        Command::Show(args) => cmd::archive::show(cli.data, args),
        Command::Release(args) => cmd::publish::release(cli.data, args),
        Command::Withdraw(args) => cmd::publish::withdraw(cli.data, args),
        Command::Redact(command) => cmd::publish::redact(cli.data, command),
        Command::Publish(args) => cmd::publish::publish(cli.data, args),
        Command::Publications(args) => cmd::publish::publications(cli.data, args),
        Command::Audit(args) => cmd::publish::audit(cli.data, args),
        Command::Article(command) => cmd::publish::article(cli.data, command),
        Command::Search(args) => cmd::search::search(cli.data, args),
        Command::Export(args) => cmd::export::export(cli.data, args),
        Command::Verify(args) => cmd::export::verify(args),
        Command::Serve(args) => cmd::serve::serve(cli.data, args),
        Command::Demo(args) => cmd::serve::demo(cli.data, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            if disk_full(&e, &writes_to) {
                eprintln!("the disk is full: {on_full_disk}");
            }
            ExitCode::from(2)
        }
    }
}

/// Whether an error comes of a full disk: an `ENOSPC` anywhere in its chain, said in a message
/// (SQLite's "database or disk is full"; tantivy carries the I/O error as text only), or an I/O
/// error of any kind while a folder the command writes to has less than 1 MiB free.
fn disk_full(e: &anyhow::Error, writes_to: &[std::path::PathBuf]) -> bool {
    let no_room = || {
        writes_to.iter().any(|p| {
            let existing = p.ancestors().find(|a| !a.as_os_str().is_empty() && a.exists());
            fs4::available_space(existing.unwrap_or(std::path::Path::new("."))).is_ok_and(|free| free < 1 << 20)
        })
    };
    e.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::StorageFull {
                return true;
            }
        }
        let text = cause.to_string();
        text.contains("(os error 28)")
            || text.contains("database or disk is full")
            || ((text.contains("I/O error") || cause.downcast_ref::<std::io::Error>().is_some()) && no_room())
    })
}

/// An error and its causes, each said once: a library error that writes its cause into its own
/// message (`{path}: {source}`) is not followed by that cause again.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        // SQLite's own cause repeats its message after its code ("Error code 11: …")
        let bare =
            text.split_once("Error code ").and_then(|(_, r)| r.split_once(": ")).map_or(text.as_str(), |(_, m)| m);
        if out.contains(&text) || out.contains(bare) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
