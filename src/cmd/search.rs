//! `search`: the site's search, on the command line, over the current build (or another).

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use cablegate_site::search::{run, Outcome, Request};

use super::DataDir;

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The query, in the site's query language (see the site's help page, or README "Searching")
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// relevance, newest or oldest (by creation), or released (latest released first)
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    /// Page of results (20 a page), from 1
    #[arg(long, default_value_t = 1)]
    page: usize,
    /// Search this build instead of the current one
    #[arg(long)]
    build: Option<u32>,
    /// Print the answer as JSON, as /api/search gives it
    #[arg(long)]
    json: bool,
    /// Run the search this many times more and print the time of a results page on stderr
    /// (median, p99, max: for benchmarks); with --json, print instead one line of JSON: the
    /// query, its total and every run's milliseconds
    #[arg(long, value_name = "N", default_value_t = 0)]
    repeat: usize,
}

/// The orders `--sort` takes, as the site's `sort=` does.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SortArg {
    Relevance,
    /// Newest created first
    #[value(alias = "date")]
    Newest,
    /// Oldest created first
    Oldest,
    /// Latest released first
    Released,
}

impl From<SortArg> for cablegate_search::Sort {
    fn from(s: SortArg) -> Self {
        match s {
            SortArg::Relevance => cablegate_search::Sort::Relevance,
            SortArg::Newest => cablegate_search::Sort::Newest,
            SortArg::Oldest => cablegate_search::Sort::Oldest,
            SortArg::Released => cablegate_search::Sort::Released,
        }
    }
}

pub fn search(data: DataDir, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let builds = cablegate_publication::publications_dir(&data.path);
    let build = cablegate_publication::Publication::open(&builds, args.build)?;
    let req = Request { q: args.query.join(" "), sort: args.sort.into(), page: args.page.max(1) };
    if args.repeat > 0 {
        let mut ms = Vec::with_capacity(args.repeat);
        let mut total = None;
        for _ in 0..args.repeat {
            let t = std::time::Instant::now();
            let outcome = run(&build, &req, true).map_err(|e| anyhow::anyhow!("{e}"))?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if let Outcome::Answer(a) = outcome {
                total = Some(a.total);
            }
        }
        if args.json {
            println!("{}", serde_json::json!({ "query": req.q, "total": total, "ms": ms }));
            return Ok(ExitCode::SUCCESS);
        }
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        eprintln!(
            "{} runs: median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms.len(),
            at(0.5),
            at(0.99),
            ms[ms.len() - 1]
        );
    }
    let outcome = run(&build, &req, true).map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&cablegate_site::search::json(&req, outcome))?);
        return Ok(ExitCode::SUCCESS);
    }
    let answer = match outcome {
        Outcome::Cable(href) => {
            println!("the query is a reference id: /{href}");
            return Ok(ExitCode::SUCCESS);
        }
        Outcome::Answer(a) => *a,
    };
    for w in &answer.warnings {
        eprintln!("warning: {w}");
    }
    let mut out = String::new();
    writeln!(
        out,
        "{} {} {}{}",
        answer.total,
        if answer.total == 1 { "cable matches" } else { "cables match" },
        answer.reading,
        if answer.pages > 1 { format!(" (page {} of {})", answer.page, answer.pages) } else { String::new() }
    )?;
    for h in &answer.hits {
        out.push('\n');
        writeln!(
            out,
            "{}  {}  {}  {}",
            h.cable.reference_id,
            h.cable.created.as_deref().and_then(|c| c.get(..10)).unwrap_or("?"),
            h.cable.classification.as_deref().unwrap_or("?"),
            h.cable.origin.as_deref().unwrap_or("?"),
        )?;
        if let Some(s) = &h.cable.subject {
            writeln!(out, "  {s}")?;
        }
        for s in &h.snippets {
            let par = s.paragraph.map(|n| format!("¶{n} ")).unwrap_or_default();
            writeln!(out, "    {par}{}", s.plain())?;
        }
    }
    // a reader piping into head is no error
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
