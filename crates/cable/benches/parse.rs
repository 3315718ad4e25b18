//! Parse throughput over real cables: `cargo bench -p cablegate-cable --bench parse`.
//!
//! Uses all 6,717 real cables of `../shared/corpus/cables.csv.gz` when it is there (set
//! `CABLEGATE_SHARED` to point elsewhere), else the repository's fixtures. Throughput is in bytes
//! of cable text (header + body) per second, on one core.

use std::path::PathBuf;

use cablegate_formats::{open_maybe_gz, release_csv};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn rows() -> (String, Vec<release_csv::Row>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("CABLEGATE_SHARED").map(PathBuf::from).unwrap_or_else(|| root.join("../shared"));
    let corpus = shared.join("corpus/cables.csv.gz");
    let (name, path) = if corpus.exists() {
        ("real corpus (6,717 cables)".to_owned(), corpus)
    } else {
        ("repository fixtures".to_owned(), root.join("fixtures/cables.csv"))
    };
    let rows =
        release_csv::Reader::new(open_maybe_gz(&path).expect("corpus")).collect::<Result<Vec<_>, _>>().expect("rows");
    (name, rows)
}

fn bench(c: &mut Criterion) {
    let (name, rows) = rows();
    let bytes: usize = rows.iter().map(|r| r.header.len() + r.body.len()).sum();
    eprintln!("{name}: {} cables, {:.1} MB of text", rows.len(), bytes as f64 / 1e6);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("corpus", |b| {
        b.iter(|| {
            let mut paragraphs = 0;
            for r in &rows {
                let meta = cablegate_cable::Meta {
                    reference_id: Some(&r.reference_id),
                    created: Some(&r.created),
                    classification: Some(&r.classification),
                    origin: Some(&r.origin),
                };
                paragraphs += cablegate_cable::parse(&meta, &r.header, &r.body).paragraphs.len();
            }
            paragraphs
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
