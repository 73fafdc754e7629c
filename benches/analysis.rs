//! Curriculum analysis benchmarks on the generated large curriculum (40 courses × 10 units ×
//! 5 lessons): the full check (target < 200 ms), every view, the review packet (target < 2 s)
//! and the semantic diff of the document with a changed copy. Run with
//! `cargo bench --bench analysis`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use trellis::analysis::{self, diff, report, views};
use trellis::generate::{Scale, large};

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let findings = analysis::check(&doc);
    let html = report::render(&doc, &report::ReportOptions::default());
    eprintln!(
        "large document: {} nodes, {} objectives, {} activities, {} assessments; {} findings; packet {:.1} MB",
        doc.nodes.len(),
        doc.objectives.len(),
        doc.activities.len(),
        doc.assessments.len(),
        findings.len(),
        html.len() as f64 / 1e6
    );
    let mut changed = doc.clone();
    for o in changed.objectives.iter_mut().step_by(50) {
        o.statement.push_str(" Revised.");
    }
    changed.activities.truncate(changed.activities.len() - 100);

    let mut group = c.benchmark_group("analysis");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("check_large", |b| b.iter(|| black_box(analysis::check(black_box(&doc)))));
    group.bench_function("views_large", |b| b.iter(|| black_box(views::all_with(&doc, &findings))));
    group.bench_function("report_large", |b| {
        b.iter(|| black_box(report::render(&doc, &report::ReportOptions::default())))
    });
    group.bench_function("diff_large", |b| b.iter(|| black_box(diff::diff(&doc, &changed))));
    group.finish();
}

criterion_group!(analysis_benches, benches);

fn main() {
    analysis_benches();
    Criterion::default().configure_from_args().final_summary();
}
