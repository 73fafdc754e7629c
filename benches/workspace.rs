//! Folder workspace benchmarks on the generated large curriculum (40 courses × 10 units × 5
//! lessons) written as a folder in a git repository: one edit committed to the working store
//! and written through to its entity file, looking for files changed underneath when none did
//! (a `stat` per sub-folder, listings of changed or small sub-folders, a share of the larger
//! sub-folders' files in turn), `git status` of the folder mapped to entities, and (timed once)
//! a refresh after one file changed underneath and opening the folder. Run with
//! `cargo bench --bench workspace`; results go to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use trellis::generate::{Scale, large};
use trellis::store::EditOp;
use trellis::workspace::{Workspace, changed_since_commit};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.org")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.org")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn benches(c: &mut Criterion) {
    let doc = large(Scale::LARGE);
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path();
    let dir = repo.join("course");
    let report = trellis::folder::write(&doc, &dir).unwrap();
    trellis::workspace::ensure_ignored(&dir).unwrap();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "course"]);
    git(repo, &["commit", "-q", "-m", "large"]);
    eprintln!("large document as a folder in git: {} files", report.written.len());
    let mut per_folder: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for name in &report.written {
        *per_folder.entry(name.split_once('/').map_or("", |(sub, _)| sub)).or_default() += 1;
    }
    eprintln!("files per sub-folder: {per_folder:?}");

    let t = Instant::now();
    drop(Workspace::open(&dir).unwrap());
    eprintln!("open, first time (read the folder, create the cache store): {:?}", t.elapsed());
    let t = Instant::now();
    let mut ws = Workspace::open(&dir).unwrap();
    eprintln!("open again (read the folder, compare with the cache): {:?}", t.elapsed());

    let mut group = c.benchmark_group("workspace");
    group.sample_size(20).measurement_time(Duration::from_secs(15));
    let mut n = 0u64;
    group.bench_function("one_edit_written_through", |b| {
        b.iter(|| {
            n += 1;
            let mut node = ws.document().nodes[17].clone();
            node.title = format!("Renamed {n}");
            black_box(ws.apply(EditOp::UpdateNode { node }).unwrap())
        })
    });
    group.bench_function("refresh_nothing_changed", |b| b.iter(|| black_box(ws.refresh().unwrap())));
    group.bench_function("git_status_mapped_to_entities", |b| {
        b.iter(|| black_box(changed_since_commit(&dir).unwrap()))
    });
    group.finish();

    // The same on a course of ordinary size: the bundled intro-statistics example.
    let example = trellis::json::read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intro-statistics.json"),
    )
    .unwrap();
    let small_dir = repo.join("example");
    let files = trellis::folder::write(&example, &small_dir).unwrap().written.len();
    let mut small = Workspace::open(&small_dir).unwrap();
    eprintln!("intro-statistics as a folder: {files} files");
    let mut group = c.benchmark_group("workspace_example");
    group.sample_size(50).measurement_time(Duration::from_secs(5));
    let mut m = 0u64;
    group.bench_function("one_edit_written_through", |b| {
        b.iter(|| {
            m += 1;
            let mut node = small.document().nodes[1].clone();
            node.title = format!("Renamed {m}");
            black_box(small.apply(EditOp::UpdateNode { node }).unwrap())
        })
    });
    group.bench_function("refresh_nothing_changed", |b| b.iter(|| black_box(small.refresh().unwrap())));
    group.finish();

    // One file changed underneath (as a pull would): the refresh reads the folder again.
    let node = ws.document().nodes[23].clone();
    let file = dir.join(format!("nodes/{}.md", node.id));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(&format!("title = \"{}\"", node.title), "title = \"From a pull\""))
        .unwrap();
    // Written in place (the folder's own stamp does not change): the nodes' sub-folder is
    // larger than the small limit, so its files are stated in turn; look until it is seen.
    let mut looks = 0;
    loop {
        looks += 1;
        let t = Instant::now();
        let refresh = ws.refresh().unwrap();
        let nodes = refresh.patch.and_then(|p| p.nodes).map_or(0, |n| n.changed.len());
        if nodes > 0 || looks == 100 {
            eprintln!(
                "refresh after one file changed underneath: {:?} ({nodes} node(s) in the patch; seen at look {looks})",
                t.elapsed()
            );
            break;
        }
    }
}

criterion_group!(workspace_benches, benches);

fn main() {
    workspace_benches();
    Criterion::default().configure_from_args().final_summary();
}
