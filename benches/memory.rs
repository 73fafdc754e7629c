//! Peak resident memory of opening and loading the generated large curriculum, read from
//! /proc/self/status (VmHWM) in a fresh process. Run with `cargo bench --bench memory`.

#![allow(clippy::unwrap_used, missing_docs)]

use trellis::generate::{Scale, large};
use trellis::store::Store;

const LOAD_ENV: &str = "TRELLIS_MEMORY_LOAD";

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    if let Some(path) = std::env::var_os(LOAD_ENV) {
        // The measured process: only open, load, and round-trip through JSON.
        let before = peak_kb();
        let store = Store::open_read_only(std::path::Path::new(&path)).unwrap();
        let doc = store.load().unwrap();
        let after_load = peak_kb();
        let json = trellis::json::to_string(&doc);
        let back = trellis::json::from_str(&json, "large").unwrap();
        let after_json = peak_kb();
        println!(
            "peak RSS: {:.0} MB at start, {:.0} MB after open+load, {:.0} MB after JSON export+import ({} objectives)",
            before as f64 / 1024.0,
            after_load as f64 / 1024.0,
            after_json as f64 / 1024.0,
            back.objectives.len()
        );
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probing
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.trellis");
    drop(Store::create(&path, &large(Scale::LARGE)).unwrap());
    let out =
        std::process::Command::new(std::env::current_exe().unwrap()).env(LOAD_ENV, &path).output().unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
}
