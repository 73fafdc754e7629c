//! Objective analysis speed: the desktop app re-analyses an objective on every keystroke and
//! `trellis lint` analyses every objective of a document. Target: 10,000 objectives in under
//! 100 ms. Run with `cargo bench --bench pedagogy`; results go to BENCHMARKS.md.
//!
//! Input: the project's labelled objectives (446 statements in many styles), cycled to 10,000.

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trellis::pedagogy::analyze_objective;

fn statements() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/objectives/labelled.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let base: Vec<String> =
        text.lines().skip(1).filter_map(|l| l.splitn(3, '\t').nth(2)).map(str::to_owned).collect();
    base.iter().cycle().take(10_000).cloned().collect()
}

fn analysis(c: &mut Criterion) {
    let statements = statements();
    // Build the lexicon outside the measurement (it is built once per process).
    black_box(analyze_objective("Define homeostasis."));
    let mut group = c.benchmark_group("pedagogy");
    group.measurement_time(Duration::from_secs(10)).sample_size(20);
    group.throughput(Throughput::Elements(statements.len() as u64));
    group.bench_function("analyze_objective x10000", |b| {
        b.iter(|| {
            let mut levels = 0usize;
            for s in &statements {
                levels += usize::from(analyze_objective(black_box(s)).level.is_some());
            }
            levels
        })
    });
    group.bench_function("lexicon build", |b| {
        b.iter(|| {
            trellis::pedagogy::bloom::Lexicon::from_toml(trellis::pedagogy::bloom::LEXICON_TOML, "lexicon")
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
