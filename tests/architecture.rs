//! ARCHITECTURE.md, checked against the code: the crate graph it draws is the one `cargo
//! metadata` reports, and the invariants it states about dependencies hold.

use std::collections::{BTreeMap, BTreeSet};

/// Each workspace crate and the workspace crates (and `rusqlite`) it depends on, not counting
/// dev-dependencies, as `cargo metadata` reports them.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let mut graph = BTreeMap::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().expect("a name").to_owned();
        let deps = p["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|n| n.starts_with("cablegate") || *n == "rusqlite")
            .map(str::to_owned)
            .collect();
        graph.insert(name, deps);
    }
    graph
}

/// The graph ARCHITECTURE.md draws, in its "Crate graph" block: `crate: dep, dep`.
fn drawn() -> BTreeMap<String, BTreeSet<String>> {
    let doc = include_str!("../ARCHITECTURE.md");
    let start = doc.find("<!-- crate graph -->").expect("ARCHITECTURE.md has its crate graph block");
    let block = doc[start..].split("```").nth(1).expect("the block's code");
    block
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            let deps = v.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect();
            (k.trim().to_owned(), deps)
        })
        .collect()
}

#[test]
fn architecture_md_draws_the_crate_graph_cargo_has() {
    let (real, drawn) = (graph(), drawn());
    assert!(real.len() >= 9, "the workspace's crates: {real:?}");
    for (name, deps) in &real {
        assert_eq!(drawn.get(name), Some(deps), "ARCHITECTURE.md's crate graph, for {name} (cargo metadata: {deps:?})");
    }
    for name in drawn.keys() {
        assert!(real.contains_key(name), "ARCHITECTURE.md draws {name}, which is no crate of the workspace");
    }
}

#[test]
fn only_the_archive_and_the_publication_read_sqlite() {
    // the public sees only a publication, and only the publication crate reads its tables
    for (name, deps) in graph() {
        if deps.contains("rusqlite") {
            assert!(
                ["cablegate-archive", "cablegate-publication"].contains(&name.as_str()),
                "{name} depends on rusqlite"
            );
        }
    }
}

#[test]
fn what_the_public_reads_cannot_reach_the_archive() {
    let graph = graph();
    // every crate reachable from these, through normal dependencies
    for public in ["cablegate-publication", "cablegate-site", "cablegate-server", "cablegate-export"] {
        let mut seen = BTreeSet::new();
        let mut todo = vec![public.to_owned()];
        while let Some(c) = todo.pop() {
            for d in graph.get(&c).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        assert!(!seen.contains("cablegate-archive"), "{public} reaches cablegate-archive");
    }
}
