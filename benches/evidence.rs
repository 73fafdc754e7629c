//! Evidence import and mastery at scale: 1,000,000 result rows (5,000 learners × 200 objectives,
//! generated as a plain evidence CSV) imported into a document, then mastery computed over them.
//! Prints the import time, the peak resident memory of the process (VmHWM from /proc) and the
//! time of loading the evidence and computing mastery. Run with `cargo bench --bench evidence`;
//! results go to BENCHMARKS.md. With `EVIDENCE_BENCH=mastery` in the environment, the import and
//! the load are skipped: the same million results are built in memory and mastery is computed
//! five times over them (for profiling the calculation alone). At the end (alone with
//! `EVIDENCE_BENCH=design`) the design's own figures are measured on the large curriculum with
//! and without a million results stored beside it: open + load, and one edit + refresh.

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
    if std::env::var("EVIDENCE_BENCH").as_deref() == Ok("design") {
        design_beside_evidence(dir.path());
        return;
    }
    // `EVIDENCE_BENCH_DOC=FILE`: the document with the million results is kept in FILE (made on
    // the first run), and with `EVIDENCE_BENCH=view` only the Evidence view's open is measured
    // over it (no import): for comparing load paths quickly.
    let kept = std::env::var_os("EVIDENCE_BENCH_DOC").map(std::path::PathBuf::from);
    if std::env::var("EVIDENCE_BENCH").as_deref() == Ok("view")
        && let Some(kept) = kept.as_ref().filter(|p| p.exists())
    {
        let store = Store::open(kept).unwrap();
        let doc = store.load().unwrap();
        if std::env::var_os("EVIDENCE_BENCH_LOAD_ONLY").is_some() {
            // The load alone, in one scan, five times (for profiles and instruction counts).
            for _ in 0..5 {
                let start = Instant::now();
                let e = trellis::evidence::store::load_with(store.connection(), store.path(), None, u64::MAX)
                    .unwrap();
                println!("load {:.0} ms", start.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(e.results.len(), LEARNERS * OBJECTIVES);
            }
            return;
        }
        println!("Evidence view on open: {}", view_runs(&store, &doc, 5).join("; "));
        // The load alone, in one scan and in two halves at once, alternated.
        let (mut single, mut halves) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            for (split, times) in [(u64::MAX, &mut single), (1, &mut halves)] {
                let start = Instant::now();
                let e = trellis::evidence::store::load_with(store.connection(), store.path(), None, split)
                    .unwrap();
                times.push(format!("{:.0}", start.elapsed().as_secs_f64() * 1000.0));
                assert_eq!(e.results.len(), LEARNERS * OBJECTIVES);
            }
        }
        println!(
            "load in one scan: {} ms; in two halves at once: {} ms",
            single.join(", "),
            halves.join(", ")
        );
        return;
    }
    let path = kept.clone().unwrap_or_else(|| dir.path().join("bench.trellis"));
    let _ = std::fs::remove_file(&path);
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
    let view_ms = view_runs(&store, &doc, 3);
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
    drop(store);
    design_beside_evidence(dir.path());
}

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The design's own figures with and without a million results beside it: the large curriculum
/// (`generate::large`, as `benches/store.rs`) stored twice, once with 1,000,000 results on its
/// first 200 objectives; then, alternating the two documents in the same run, opening and
/// loading the design, and one edit committed and the loaded copy refreshed.
fn design_beside_evidence(dir: &std::path::Path) {
    use trellis::store::EditOp;
    let doc = trellis::generate::large(trellis::generate::Scale::LARGE);
    let plain = dir.join("large.trellis");
    let with = dir.join("large-with-evidence.trellis");
    let _ = std::fs::remove_file(&plain);
    let _ = std::fs::remove_file(&with);
    drop(Store::create(&plain, &doc).unwrap());
    let mut store = Store::create(&with, &doc).unwrap();
    let csv_path = dir.join("large-results.csv");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&csv_path).unwrap());
        writeln!(w, "learner,objective,score,points_possible,date").unwrap();
        for l in 0..LEARNERS {
            for (o, objective) in doc.objectives.iter().take(OBJECTIVES).enumerate() {
                let score = (l * 7 + o * 13) % 5;
                let day = 1 + (l + o) % 28;
                writeln!(w, "lms-{l},{},{score},4,2024-02-{day:02}", objective.id.0).unwrap();
            }
        }
    }
    let report = import::import(
        &mut store,
        &doc,
        Source::Csv,
        &csv_path,
        &Options { cohort: Some("bench".into()), ..Options::default() },
    )
    .unwrap();
    assert_eq!(report.added, (LEARNERS * OBJECTIVES) as u64);
    drop(store);
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len() >> 20;
    let mut open = [Vec::new(), Vec::new()];
    let mut edit = [Vec::new(), Vec::new()];
    for round in 0..3 {
        for (k, path) in [&plain, &with].into_iter().enumerate() {
            open[k].push(median_ms(5, || {
                let store = Store::open_read_only(path).unwrap();
                std::hint::black_box(store.load().unwrap());
            }));
            let mut store = Store::open(path).unwrap();
            let mut copy = store.load().unwrap();
            let mut node = doc.nodes[10].clone();
            let mut n = 0u64;
            edit[k].push(median_ms(15, || {
                n += 1;
                node.title = format!("Renamed {round} {n}");
                store.apply(EditOp::UpdateNode { node: node.clone() }).unwrap();
                std::hint::black_box(store.refresh(&mut copy).unwrap());
            }));
            assert_eq!(copy, store.load().unwrap());
        }
    }
    let show = |v: &[f64]| v.iter().map(|t| format!("{t:.1}")).collect::<Vec<_>>().join(", ");
    println!(
        "large curriculum ({} MB) and the same with 1,000,000 results ({} MB), three alternating rounds \
         (medians of 5 opens, 15 edits): open + load {} ms without, {} ms with; one edit + refresh {} ms \
         without, {} ms with",
        size(&plain),
        size(&with),
        show(&open[0]),
        show(&open[1]),
        show(&edit[0]),
        show(&edit[1])
    );
}

/// What the desktop app's Evidence view asks for when it opens (`evidence_cohorts`, then
/// `evidence_analysis` without the learner heatmap): the evidence read (once: the desktop keeps
/// it), the cohorts counted in it, mastery and the analysis over it; `runs` times.
fn view_runs(store: &Store, doc: &Document, runs: usize) -> Vec<String> {
    let mut view_ms = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let evidence = Evidence::load(store, None).unwrap();
        let read_ms = start.elapsed().as_secs_f64() * 1000.0;
        let cohorts = trellis::evidence::store::summaries(&evidence);
        let loaded_ms = start.elapsed().as_secs_f64() * 1000.0;
        let m = mastery::compute(doc, &evidence);
        let mastery_ms = start.elapsed().as_secs_f64() * 1000.0;
        let a = analysis::analyse_with(doc, &evidence, &m, analysis::Options::default(), false);
        assert!(a.learners.cells.is_empty());
        let total_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(cohorts.len(), 1);
        view_ms.push(format!(
            "{total_ms:.0} ms (load {read_ms:.0}, cohorts {:.0}, mastery {:.0}, analysis {:.0})",
            loaded_ms - read_ms,
            mastery_ms - loaded_ms,
            total_ms - mastery_ms
        ));
    }
    view_ms
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
