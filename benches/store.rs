//! Store and canonical JSON benchmarks on the generated large curriculum
//! (40 courses × 10 units × 5 lessons). Run with `make bench`; results go to BENCHMARKS.md.
//! `TRELLIS_LARGE_OUT=PATH` also writes the generated document to PATH.
//!
//! Besides criterion's timings, the run prints the peak resident memory of loading the whole
//! document (VmHWM from /proc) and the size of the generated document.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use trellis::generate::{Scale, large};
use trellis::model::ReviewStatus;
use trellis::store::{EditOp, Store};

fn raw_select_all(store: &Store) -> usize {
    let conn = store.connection();
    let mut cells = 0;
    for table in trellis::store::journal::TABLES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                // Touch every value the way a loader would (text and blobs are copied out).
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        cells += black_box(t.to_vec()).len().min(1)
                    }
                    _ => cells += 1,
                }
            }
        }
    }
    cells
}

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.trellis");
    drop(Store::create(&path, &doc).unwrap());
    // `TRELLIS_LARGE_OUT=large.trellis` keeps a copy of the file (the desktop start-up
    // measurement in BENCHMARKS.md opens it).
    if let Some(out) = std::env::var_os("TRELLIS_LARGE_OUT") {
        std::fs::copy(&path, out).unwrap();
    }
    eprintln!(
        "large document: {} nodes, {} objectives, {} activities, {} assessments, {} items, {} rubrics; file {:.1} MB",
        doc.nodes.len(),
        doc.objectives.len(),
        doc.activities.len(),
        doc.assessments.len(),
        doc.assessments.iter().map(|a| a.items.len()).sum::<usize>(),
        doc.rubrics.len(),
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6
    );

    let mut group = c.benchmark_group("large");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("open_and_load_document", |b| {
        b.iter(|| {
            let store = Store::open_read_only(&path).unwrap();
            black_box(store.load().unwrap())
        })
    });
    group.bench_function("open_only_with_quick_check", |b| {
        b.iter(|| black_box(Store::open_read_only(&path).unwrap()))
    });
    group.bench_function("load_only", |b| {
        let store = Store::open_read_only(&path).unwrap();
        b.iter(|| black_box(store.load().unwrap()))
    });
    group.bench_function("raw_select_all_tables", |b| {
        let store = Store::open_read_only(&path).unwrap();
        b.iter(|| black_box(raw_select_all(&store)))
    });
    group.bench_function("json_export", |b| b.iter(|| black_box(trellis::json::to_string(&doc))));
    let text = trellis::json::to_string(&doc);
    eprintln!("canonical JSON: {:.1} MB", text.len() as f64 / 1e6);
    group.bench_function("json_import", |b| {
        b.iter(|| black_box(trellis::json::from_str(&text, "large").unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("edit");
    group.sample_size(200);
    let mut store = Store::open(&path).unwrap();
    let mut node = doc.nodes[10].clone();
    let mut n = 0u64;
    group.bench_function("commit_one_edit_on_large_document", |b| {
        b.iter(|| {
            n += 1;
            node.title = format!("Renamed {n}");
            store.apply(EditOp::UpdateNode { node: node.clone() }).unwrap();
        })
    });
    group.finish();

    // What the desktop app does after a structural edit or undo: commit, then bring its loaded
    // copy up to date by re-reading the touched parts, and make the patch it sends.
    let mut group = c.benchmark_group("refresh");
    group.sample_size(30);
    let mut copy = store.load().unwrap();
    let target = doc.nodes[10].id;
    let mut approved = false;
    group.bench_function("status_change_commit_refresh_and_patch", |b| {
        b.iter(|| {
            approved = !approved;
            let status = if approved { ReviewStatus::Approved } else { ReviewStatus::Draft };
            let op =
                EditOp::SetReviewStatus { node: target, status, author: "Chair".into(), note: String::new() };
            store.apply(op).unwrap();
            black_box(store.refresh(&mut copy).unwrap())
        })
    });
    group.bench_function("undo_commit_refresh_and_patch", |b| {
        b.iter(|| {
            store.undo().unwrap();
            black_box(store.refresh(&mut copy).unwrap());
            store.redo().unwrap();
            black_box(store.refresh(&mut copy).unwrap())
        })
    });
    // Structural edits: a lesson moved to another unit and back (positions of both sibling
    // lists change, and the lesson's objectives, activities and assessments move in canonical
    // order), and a unit deleted with its cascade (lessons, objectives, activities, assessments,
    // quiz items and their links) and restored by undo.
    let units: Vec<_> = doc.nodes.iter().filter(|n| n.kind == "unit").map(|n| n.id).collect();
    let lesson = doc.nodes.iter().find(|n| n.kind == "lesson" && n.parent == Some(units[0])).unwrap();
    let (lesson, home) = (lesson.id, units[0]);
    let mut moved = false;
    group.bench_function("move_node_commit_refresh_and_patch", |b| {
        b.iter(|| {
            moved = !moved;
            let parent = Some(if moved { units[1] } else { home });
            store.apply(EditOp::MoveNode { id: lesson, parent, position: 0 }).unwrap();
            black_box(store.refresh(&mut copy).unwrap())
        })
    });
    let unit = units[2];
    group.bench_function("delete_unit_commit_refresh_and_patch_then_undo_refresh", |b| {
        b.iter(|| {
            store.apply(EditOp::DeleteNode { id: unit }).unwrap();
            black_box(store.refresh(&mut copy).unwrap());
            store.undo().unwrap();
            black_box(store.refresh(&mut copy).unwrap())
        })
    });
    group.finish();
    assert_eq!(copy, store.load().unwrap(), "the refreshed copy drifted from the committed document");

    // The same changes without the refresh: the share of the commit (and undo) itself.
    let mut group = c.benchmark_group("commit_only");
    group.sample_size(30);
    group.bench_function("move_node_commit", |b| {
        b.iter(|| {
            moved = !moved;
            let parent = Some(if moved { units[1] } else { home });
            store.apply(EditOp::MoveNode { id: lesson, parent, position: 0 }).unwrap();
        })
    });
    group.bench_function("undo_and_redo_move_node", |b| {
        b.iter(|| {
            store.undo().unwrap();
            store.redo().unwrap();
        })
    });
    group.bench_function("delete_unit_commit_then_undo", |b| {
        b.iter(|| {
            store.apply(EditOp::DeleteNode { id: unit }).unwrap();
            store.undo().unwrap();
        })
    });
    group.finish();
}

criterion_group!(store_benches, benches);

fn main() {
    store_benches();
    Criterion::default().configure_from_args().final_summary();
    // Peak memory of a fresh process-level load is measured separately so the benchmark's
    // own allocations do not count: see the `memory` bench.
}
