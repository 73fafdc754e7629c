//! Folder format benchmarks on the generated large curriculum (40 courses × 10 units × 5
//! lessons): writing it as a folder of text files into an empty folder, writing it again into
//! that folder (nothing changed: every file compared, none written), and reading the folder back
//! (parse, normalise, validate). Run with `cargo bench --bench folder`; results go to
//! BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use trellis::folder;
use trellis::generate::{Scale, large};

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("large");
    let report = folder::write(&doc, &dir).unwrap();
    let bytes: u64 = walk(&dir);
    eprintln!("large document as a folder: {} files, {:.1} MB", report.written.len(), bytes as f64 / 1e6);

    // One-shot split of the work (for the figures in BENCHMARKS.md).
    let t = std::time::Instant::now();
    let files = folder::render(&doc, &Default::default());
    eprintln!("render only (no IO): {:?} for {} files", t.elapsed(), files.len());
    let t = std::time::Instant::now();
    doc.validate().unwrap();
    eprintln!("validate only: {:?}", t.elapsed());

    let mut group = c.benchmark_group("folder");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    let mut n = 0;
    group.bench_function("write_into_an_empty_folder", |b| {
        b.iter_batched(
            || {
                n += 1;
                scratch.path().join(format!("fresh-{n}"))
            },
            |target| {
                black_box(folder::write(&doc, &target).unwrap());
                target
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("write_again_unchanged", |b| {
        b.iter(|| black_box(folder::write(&doc, &dir).unwrap()))
    });
    group.bench_function("read", |b| b.iter(|| black_box(folder::read(&dir).unwrap())));
    group.finish();
}

fn walk(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() { walk(&e.path()) } else { e.metadata().unwrap().len() }
        })
        .sum()
}

criterion_group!(folder_benches, benches);

fn main() {
    folder_benches();
    Criterion::default().configure_from_args().final_summary();
}
