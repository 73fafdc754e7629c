//! Objective analysis speed: the desktop app re-analyses an objective on every keystroke and
//! `trellis lint` analyses every objective of a document. Targets: 10,000 objectives in under
//! 100 ms; with a calibration profile, under 150 ms; calibrating on 10,000 labelled statements
//! in under 10 s. Run with `cargo bench --bench pedagogy`; results go to BENCHMARKS.md.
//!
//! Input: the project's labelled objectives (446 statements in many styles), cycled to 10,000.

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trellis::pedagogy::calibrate::{self, LabelledRow, Options};
use trellis::pedagogy::{analyze_objective, analyze_objective_using};

fn labelled() -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/objectives/labelled.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            let level = parts.next()?;
            Some((parts.nth(1)?.to_owned(), level.to_owned()))
        })
        .collect()
}

fn statements() -> Vec<String> {
    labelled().into_iter().map(|(s, _)| s).cycle().take(10_000).collect()
}

/// 10,000 labelled rows: the labelled set cycled, each copy made distinct by a suffix.
fn rows() -> Vec<LabelledRow> {
    let mut csv = String::from("statement,levels\n");
    for (i, (s, level)) in labelled().iter().cycle().take(10_000).enumerate() {
        csv.push_str(&format!("\"{} ({i})\",{level}\n", s.replace('"', "'")));
    }
    calibrate::read_labelled(&csv, "bench").unwrap()
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
    // A convention to apply: the labelled set with "compare" read as understand (A&K).
    let rows = rows();
    let mut convention = rows.clone();
    for r in &mut convention {
        if r.statement.to_lowercase().contains("compare") {
            r.levels = vec![Some(trellis::model::BloomLevel::Understand)];
        }
    }
    let profile =
        calibrate::calibrate(&convention, &Options { folds: 0, ..Options::named("bench") }).unwrap();
    group.bench_function("analyze_objective_using (profile) x10000", |b| {
        b.iter(|| {
            let mut levels = 0usize;
            for s in &statements {
                levels += usize::from(analyze_objective_using(black_box(s), Some(&profile)).level.is_some());
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

    let mut group = c.benchmark_group("calibration");
    group.measurement_time(Duration::from_secs(30)).sample_size(10);
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("calibrate x10000 (no folds)", |b| {
        b.iter(|| {
            calibrate::calibrate(black_box(&convention), &Options { folds: 0, ..Options::named("bench") })
                .unwrap()
        })
    });
    group.finish();
    // One timed run with 5-fold cross-validation (six fits), as `trellis objectives calibrate` does.
    let start = std::time::Instant::now();
    let p = calibrate::calibrate(&convention, &Options::named("bench")).unwrap();
    println!(
        "calibrate x10000 with 5-fold cross-validation: {:.2} s ({:?})",
        start.elapsed().as_secs_f64(),
        p.kfold
    );
}

criterion_group!(benches, analysis);
criterion_main!(benches);
