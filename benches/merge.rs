//! Semantic merge benchmark on the generated large curriculum (40 courses × 10 units ×
//! 5 lessons): two branches with 1,000 changes each (field edits on objectives, activities and
//! nodes, inserted and deleted activities, a reorder), merged with `trellis::merge::merge`
//! (target: `trellis merge` < 2 s). Also times what the CLI does end to end: read the three
//! canonical JSON files (at once, on three threads), merge, write the result; each run prints
//! its read / merge / write split. Run with `cargo bench --bench merge`; results
//! go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use trellis::generate::{Scale, large};
use trellis::model::{ActivityId, Document};

/// 1,000 changes: 400 objective statements, 300 activity durations, 100 node titles, 100 new
/// activities, 99 deleted activities and one reorder; `offset` keeps the branches on different
/// entities.
fn branch(base: &Document, offset: usize, label: &str) -> Document {
    let mut doc = base.clone();
    for o in doc.objectives.iter_mut().skip(offset).step_by(9).take(400) {
        o.statement = format!("{label}: {}", o.statement);
    }
    for a in doc.activities.iter_mut().skip(offset).step_by(11).take(300) {
        a.duration_minutes = Some(17 + offset as u32);
    }
    for n in doc.nodes.iter_mut().skip(offset + 1).step_by(7).take(100) {
        n.title = format!("{label}: {}", n.title);
    }
    for i in 0..100 {
        let mut a = doc.activities[(i * 97 + offset * 13) % doc.activities.len()].clone();
        a.id = ActivityId::new();
        a.title = format!("{label} new activity {i}");
        doc.activities.push(a);
    }
    let deleted: Vec<ActivityId> =
        doc.activities.iter().skip(5 + offset).step_by(157).take(99).map(|a| a.id).collect();
    doc.activities.retain(|a| !deleted.contains(&a.id));
    doc.comments.retain(|c| !deleted.iter().any(|d| d.0 == c.target));
    let first = doc.nodes.iter().position(|n| n.kind == "lesson").unwrap() + offset * 50;
    doc.nodes.swap(first, first + 1);
    doc.normalize();
    doc.validate().unwrap();
    doc
}

fn benches(c: &mut Criterion) {
    let base = large(Scale::LARGE);
    let ours = branch(&base, 0, "Ours");
    let theirs = branch(&base, 3, "Theirs");
    let out = trellis::merge::merge(&base, &ours, &theirs).unwrap();
    eprintln!(
        "merge of the large curriculum: {} conflicts, {} findings, {} activities",
        out.conflicts.len(),
        out.findings.len(),
        out.document.activities.len()
    );

    // End to end, as `trellis merge BASE OURS THEIRS -o OUT` runs it (src/cli/merge.rs): the
    // three files read at once on their own threads, merged, the result written from the
    // merged document (already in canonical order) through a temporary file.
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> =
        ["base.json", "ours.json", "theirs.json"].iter().map(|n| dir.path().join(n)).collect();
    for (doc, path) in [&base, &ours, &theirs].iter().zip(&paths) {
        trellis::json::write(doc, path).unwrap();
    }
    let out_path = dir.path().join("out.json");
    let end_to_end = || {
        let start = Instant::now();
        let docs: Vec<Document> = std::thread::scope(|s| {
            let handles: Vec<_> =
                paths[1..].iter().map(|p| s.spawn(move || trellis::json::read(p).unwrap())).collect();
            let mut docs = vec![trellis::json::read(&paths[0]).unwrap()];
            docs.extend(handles.into_iter().map(|h| h.join().unwrap()));
            docs
        });
        let read = start.elapsed();
        let out = trellis::merge::merge(&docs[0], &docs[1], &docs[2]).unwrap();
        let merged = start.elapsed();
        let text = trellis::json::to_string_normalized(&out.document);
        trellis::json::write_atomic(&out_path, text.as_bytes()).unwrap();
        (read, merged - read, start.elapsed() - merged, start.elapsed())
    };
    for run in 0..5 {
        let (read, merge, write, total) = end_to_end();
        eprintln!(
            "end to end run {run}: read {:.0} ms, merge {:.0} ms, write {:.0} ms, total {:.0} ms",
            read.as_secs_f64() * 1e3,
            merge.as_secs_f64() * 1e3,
            write.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3
        );
    }
    // The written result is what the merge gave.
    let written = trellis::json::read(&out_path).unwrap();
    assert_eq!(written, out.document);

    let mut group = c.benchmark_group("merge");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("merge_large_1000_changes_each", |b| {
        b.iter(|| black_box(trellis::merge::merge(&base, &ours, &theirs).unwrap()))
    });
    group.bench_function("end_to_end_read_merge_write", |b| b.iter(|| black_box(end_to_end())));
    group.finish();
}

criterion_group!(merge_benches, benches);

fn main() {
    merge_benches();
    Criterion::default().configure_from_args().final_summary();
}
