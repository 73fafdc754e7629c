//! Evidence import and mastery at scale: 1,000,000 result rows (5,000 learners × 200 objectives,
//! generated as a plain evidence CSV) imported into a document, then mastery computed over them.
//! Prints the import time, the peak resident memory of the process (VmHWM from /proc) and the
//! time of loading the evidence and computing mastery. Run with `cargo bench --bench evidence`;
//! results go to BENCHMARKS.md. With `EVIDENCE_BENCH=mastery` in the environment, the import and
//! the load are skipped: the same million results are built in memory and mastery is computed
//! five times over them (for profiling the calculation alone).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::time::Instant;

use trellis::evidence::import::{self, Options, Source};
use trellis::evidence::{Evidence, Learner, ResultRow, TargetKind, analysis, mastery};
use trellis::model::{Document, ObjectiveId};
use trellis::store::Store;

const LEARNERS: usize = 5_000;
const OBJECTIVES: usize = 200;

/// A line of /proc/self/status in MB (VmHWM: peak resident, VmRSS: resident now).
fn status_mb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        .unwrap_or(0)
        >> 10
}

fn peak_mb() -> u64 {
    status_mb("VmHWM:")
}

fn rss_mb() -> u64 {
    status_mb("VmRSS:")
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut doc: Document = trellis::json::read(&root.join("examples/intro-statistics.json")).unwrap();
    let template = doc.objectives[0].clone();
    doc.objectives.retain(|_| false);
    for a in &mut doc.assessments {
        a.objectives.clear();
        for i in &mut a.items {
            i.objectives.clear();
        }
    }
    for r in &mut doc.rubrics {
        for c in &mut r.criteria {
            c.objective = None;
        }
    }
    doc.activities.iter_mut().for_each(|a| a.objectives.clear());
    doc.comments.clear();
    for i in 0..OBJECTIVES {
        let mut o = template.clone();
        o.id = ObjectiveId::new();
        o.code = format!("B{i:03}");
        o.supports.clear();
        o.prerequisites.clear();
        o.standards.clear();
        o.emphasis.clear();
        doc.objectives.push(o);
    }
    if std::env::var("EVIDENCE_BENCH").as_deref() == Ok("mastery") {
        mastery_only(&doc);
        return;
    }
    let path = dir.path().join("bench.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let doc = store.load().unwrap();

    let csv_path = dir.path().join("results.csv");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&csv_path).unwrap());
        writeln!(w, "learner,objective,score,points_possible,date").unwrap();
        for l in 0..LEARNERS {
            for o in 0..OBJECTIVES {
                let score = (l * 7 + o * 13) % 5;
                let day = 1 + (l + o) % 28;
                writeln!(w, "lms-{l},B{o:03},{score},4,2024-02-{day:02}").unwrap();
            }
        }
    }
    let size = std::fs::metadata(&csv_path).unwrap().len();
    let start = Instant::now();
    let report = import::import(
        &mut store,
        &doc,
        Source::Csv,
        &csv_path,
        &Options { cohort: Some("bench".into()), ..Options::default() },
    )
    .unwrap();
    let import_s = start.elapsed().as_secs_f64();
    assert_eq!(report.added, (LEARNERS * OBJECTIVES) as u64);
    let peak_import = peak_mb();
    let file_mb = std::fs::metadata(&path).unwrap().len() >> 20;

    let rss_import = rss_mb();

    let start = Instant::now();
    let evidence = Evidence::load(&store, None).unwrap();
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let rss_load = rss_mb();
    let start = Instant::now();
    let m = mastery::compute(&doc, &evidence);
    let compute_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(m.learners.len(), LEARNERS * OBJECTIVES);
    // The peak with the evidence and the report both held, before the re-import.
    let peak_mastery = peak_mb();
    drop(m);
    drop(evidence);
    // What the desktop app's Evidence view asks for when it opens (`evidence_cohorts`, then
    // `evidence_analysis` without the learner heatmap): the cohorts with their counts, the
    // evidence read, mastery and the analysis over it.
    let mut view_ms = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let cohorts = trellis::evidence::store::cohorts(store.connection()).unwrap();
        let cohorts_ms = start.elapsed().as_secs_f64() * 1000.0;
        let evidence = Evidence::load(&store, None).unwrap();
        let loaded_ms = start.elapsed().as_secs_f64() * 1000.0;
        let m = mastery::compute(&doc, &evidence);
        let mastery_ms = start.elapsed().as_secs_f64() * 1000.0;
        let a = analysis::analyse_with(&doc, &evidence, &m, analysis::Options::default(), false);
        assert!(a.learners.cells.is_empty());
        let total_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(cohorts.len(), 1);
        view_ms.push(format!(
            "{total_ms:.0} ms (cohorts {cohorts_ms:.0}, load {:.0}, mastery {:.0}, analysis {:.0})",
            loaded_ms - cohorts_ms,
            mastery_ms - loaded_ms,
            total_ms - mastery_ms
        ));
    }
    let start = Instant::now();
    let again = import::import(
        &mut store,
        &doc,
        Source::Csv,
        &csv_path,
        &Options { cohort: Some("bench".into()), ..Options::default() },
    )
    .unwrap();
    let reimport_s = start.elapsed().as_secs_f64();
    assert_eq!(again.added, 0);
    println!(
        "evidence: {} rows ({} MB CSV) imported in {import_s:.2} s, peak RSS {peak_import} MB (resident after it \
         {rss_import} MB), document {file_mb} MB; re-import (nothing new) {reimport_s:.2} s; load {load_ms:.0} ms \
         (resident after it {rss_load} MB) + mastery {compute_ms:.0} ms; peak RSS after load + mastery \
         {peak_mastery} MB, after the re-import {} MB\nEvidence view on open: {}",
        report.rows,
        size >> 20,
        peak_mb(),
        view_ms.join("; ")
    );
}

/// Mastery alone, over the bench's million results built in memory.
fn mastery_only(doc: &Document) {
    let learners: Vec<Learner> = (0..LEARNERS)
        .map(|l| Learner {
            cohort: "bench".into(),
            pseudonym: trellis::evidence::pseudonym(b"bench salt", &format!("lms-{l}")),
            name: None,
            section: String::new(),
        })
        .collect();
    let mut results = Vec::with_capacity(LEARNERS * OBJECTIVES);
    for l in 0..LEARNERS {
        for (o, objective) in doc.objectives.iter().enumerate() {
            results.push(ResultRow {
                learner: l as u32,
                source: Source::Csv,
                target_kind: TargetKind::Objective,
                target_id: objective.id.0,
                score: ((l * 7 + o * 13) % 5) as f64,
                points_possible: Some(4.0),
                at: Some(1_706_745_600 + 86_400 * ((l + o) % 28) as i64),
                attempt: None,
                source_row: (l * OBJECTIVES + o + 2) as i64,
                response: None,
            });
        }
    }
    let evidence = Evidence { learners, results, ..Evidence::default() };
    println!("built in memory: peak RSS {} MB", peak_mb());
    for _ in 0..5 {
        let start = Instant::now();
        let m = mastery::compute(doc, &evidence);
        let compute_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(m.learners.len(), LEARNERS * OBJECTIVES);
        drop(m);
        println!("mastery {compute_ms:.0} ms; peak RSS {} MB", peak_mb());
    }
}
