//! Curriculum analysis benchmarks on the generated large curriculum (40 courses × 10 units ×
//! 5 lessons): the full check (target < 200 ms), the accessibility check inside it (target
//! < 50 ms), every view, the review packet (target < 2 s) and the semantic diff of the document
//! with a changed copy. Run with
//! `cargo bench --bench analysis`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use trellis::analysis::{self, accessibility, diff, report, views};
use trellis::generate::{Scale, large};
use trellis::pedagogy::templates::Catalog;

/// CPU time this thread has used, from /proc (Linux), so the figure does not depend on what
/// else the machine is doing.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10)) // USER_HZ is 100 on Linux
}

fn cpu_per_run(label: &str, runs: u32, mut f: impl FnMut()) {
    let Some(start) = thread_cpu() else { return };
    for _ in 0..runs {
        f();
    }
    if let Some(end) = thread_cpu() {
        eprintln!(
            "{label}: {:.0} ms CPU per run ({runs} runs)",
            (end - start).as_secs_f64() * 1000.0 / f64::from(runs)
        );
    }
}

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let findings = analysis::check(&doc, Catalog::builtin());
    let html = report::render(&doc, Catalog::builtin(), &report::ReportOptions::default());
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

    cpu_per_run("check_large", 10, || drop(black_box(analysis::check(&doc, Catalog::builtin()))));
    let ax = accessibility::check(&doc);
    eprintln!("accessibility findings: {}", ax.len());
    cpu_per_run("accessibility check alone", 10, || drop(black_box(accessibility::check(&doc))));
    cpu_per_run("objective lint alone", 10, || {
        drop(black_box(trellis::pedagogy::lint_document(&doc, Catalog::builtin().template_of(&doc))))
    });
    cpu_per_run("report_large", 3, || {
        drop(black_box(report::render(&doc, Catalog::builtin(), &report::ReportOptions::default())))
    });

    let mut group = c.benchmark_group("analysis");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("check_large", |b| {
        b.iter(|| black_box(analysis::check(black_box(&doc), Catalog::builtin())))
    });
    group.bench_function("accessibility_large", |b| {
        b.iter(|| black_box(accessibility::check(black_box(&doc))))
    });
    group.bench_function("views_large", |b| b.iter(|| black_box(views::all_with(&doc, &findings))));
    group.bench_function("report_large", |b| {
        b.iter(|| black_box(report::render(&doc, Catalog::builtin(), &report::ReportOptions::default())))
    });
    group.bench_function("diff_large", |b| b.iter(|| black_box(diff::diff(&doc, &changed))));
    group.finish();
}

criterion_group!(analysis_benches, benches);

fn main() {
    analysis_benches();
    Criterion::default().configure_from_args().final_summary();
}
