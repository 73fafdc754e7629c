//! Interactive content benchmark: importing a generated 50 MB H5P package (read and check the
//! archive, then attach it to an activity of a document on disk as one undoable step), and the
//! check alone. Run with `cargo bench --bench interactive`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use trellis::model::{ActivityId, Document};
use trellis::store::Store;

/// An H5P package of about `mb` megabytes: h5p.json, content.json, one library and media files
/// of incompressible bytes (stored, as real images and video are).
fn h5p_package(mb: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let deflate =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("h5p.json", deflate).unwrap();
        zip.write_all(br#"{"title":"Bench","language":"en","mainLibrary":"H5P.Bench","preloadedDependencies":[{"machineName":"H5P.Bench","majorVersion":"1","minorVersion":"0"}]}"#).unwrap();
        zip.start_file("content/content.json", deflate).unwrap();
        zip.write_all(br#"{"question":"?"}"#).unwrap();
        zip.start_file("H5P.Bench-1.0/library.json", deflate).unwrap();
        zip.write_all(br#"{"machineName":"H5P.Bench","majorVersion":1,"minorVersion":0}"#).unwrap();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..mb * 4 {
            zip.start_file(format!("content/images/img-{i}.jpg"), stored).unwrap();
            let mut block = vec![0u8; 256 * 1024];
            for chunk in block.chunks_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
            }
            zip.write_all(&block).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// The interactive fixture (a course with two practice activities) and its first activity.
fn document() -> (Document, ActivityId) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/interactive/h5p-lesson.json");
    let doc = trellis::json::read(&path).unwrap();
    (doc, "0190f100-0000-7000-8000-000000000006".parse().unwrap())
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("bench.h5p");
    std::fs::write(&package, h5p_package(50)).unwrap();
    let size = std::fs::metadata(&package).unwrap().len();
    assert!(size > 50 << 20, "the package is {size} bytes");
    let (doc, activity) = document();
    let template = dir.path().join("template.trellis");
    drop(Store::create(&template, &doc).unwrap());

    let mut group = c.benchmark_group("interactive_h5p_50mb");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("check", |b| {
        b.iter(|| black_box(trellis::interactive::read_path(&package).unwrap()))
    });
    let mut n = 0;
    group.bench_function("import_into_document", |b| {
        b.iter_batched(
            || {
                n += 1;
                let path = dir.path().join(format!("doc-{n}.trellis"));
                std::fs::copy(&template, &path).unwrap();
                path
            },
            |path| {
                let imported = trellis::interactive::read_path(&package).unwrap();
                let mut store = Store::open(&path).unwrap();
                let doc = store.load().unwrap();
                let ops = trellis::interactive::attach_ops(&doc, activity, imported).unwrap();
                store.apply_all("Attach interactive content", ops).unwrap();
                drop(store);
                std::fs::remove_file(&path).unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(interactive_benches, benches);

fn main() {
    interactive_benches();
    Criterion::default().configure_from_args().final_summary();
}
