//! Export benchmarks on the generated large curriculum (40 courses × 10 units × 5 lessons):
//! the Common Cartridge 1.3 export with the Canvas profile streamed into a zip file (target
//! < 3 s), and, in the same run, plain zipping of the very bytes that export produced (the
//! export should stay within 3× of it). Also the CASE export, the offline course website
//! written into a directory (target < 5 s), and the preflight and lowering every format shares.
//! Run with
//! `cargo bench --bench export`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use trellis::export::package::{PackageWriter, ZipWriter};
use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
use trellis::generate::{Scale, large};

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let options = ExportOptions::for_document(&doc).with_profile(LmsProfile::Canvas);
    let mut mem = MemWriter::new();
    export_document(&doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {}).unwrap();
    let bytes: usize = mem.entries().map(|(_, b)| b.len()).sum();
    eprintln!(
        "large cartridge: {} files, {:.1} MB before compression",
        mem.paths().len(),
        bytes as f64 / 1e6
    );
    let mut site = MemWriter::new();
    export_document(&doc, ExportFormat::Site, &options, &mut site, &mut |_| {}).unwrap();
    let site_bytes: usize = site.entries().map(|(_, b)| b.len()).sum();
    eprintln!("large site: {} files, {:.1} MB", site.paths().len(), site_bytes as f64 / 1e6);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("large.imscc");

    let mut group = c.benchmark_group("export");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("cc13_canvas_large_to_zip", |b| {
        b.iter(|| {
            let mut out = ZipWriter::create(&target).unwrap();
            black_box(export_document(&doc, ExportFormat::Cc13, &options, &mut out, &mut |_| {}).unwrap());
        })
    });
    group.bench_function("zip_same_bytes_large", |b| {
        b.iter(|| {
            let mut out = ZipWriter::create(&target).unwrap();
            for (path, data) in mem.entries() {
                out.add(path, data).unwrap();
            }
            out.finish().unwrap();
        })
    });
    group.bench_function("site_large_to_memory", |b| {
        b.iter(|| {
            let mut out = MemWriter::new();
            black_box(export_document(&doc, ExportFormat::Site, &options, &mut out, &mut |_| {}).unwrap());
        })
    });
    group.bench_function("site_large_to_dir", |b| {
        // Each run writes a new directory, removed after its time is taken.
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let site = dir.path().join("site");
                let start = std::time::Instant::now();
                let mut out = trellis::export::DirWriter::create(&site).unwrap();
                black_box(
                    export_document(&doc, ExportFormat::Site, &options, &mut out, &mut |_| {}).unwrap(),
                );
                total += start.elapsed();
                std::fs::remove_dir_all(&site).unwrap();
            }
            total
        })
    });
    // What every format pays before its own files: the preflight (format checks and the whole
    // curriculum analysis, accessibility included) and the lowering (every Markdown field
    // rendered and sanitised once).
    group.bench_function("preflight_cc13_large", |b| {
        b.iter(|| black_box(trellis::export::preflight(&doc, ExportFormat::Cc13, &options)))
    });
    group.bench_function("lowering_large", |b| {
        b.iter(|| black_box(trellis::export::lower::lower(&doc, &options).unwrap().nodes.len()))
    });
    // The same lowering with the Markdown rendered on the calling thread only (as before it
    // used every core), for a before/after in one run.
    group.bench_function("lowering_large_one_thread", |b| {
        b.iter(|| {
            black_box(trellis::export::lower::lower_with_threads(&doc, &options, 1).unwrap().nodes.len())
        })
    });
    group.bench_function("case_large", |b| {
        b.iter(|| {
            let mut out = MemWriter::new();
            black_box(export_document(&doc, ExportFormat::Case, &options, &mut out, &mut |_| {}).unwrap());
        })
    });
    // The QTI 3.0 and QTI 2.1 item banks of the large curriculum's 30,000 quiz items (6,000
    // tests) streamed into a zip file (target for QTI 3.0: < 3 s).
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let bank = dir.path().join(format!("{format}.zip"));
        group.bench_function(format!("{format}_large_to_zip"), |b| {
            b.iter(|| {
                let mut out = ZipWriter::create(&bank).unwrap();
                black_box(export_document(&doc, format, &options, &mut out, &mut |_| {}).unwrap());
            })
        });
    }
    group.finish();
}

criterion_group!(export_benches, benches);

fn main() {
    export_benches();
    Criterion::default().configure_from_args().final_summary();
}
