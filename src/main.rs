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
            ExitCode::from(2)
        }
    }
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
