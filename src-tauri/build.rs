//! Tauri's build step, plus the bundled examples: every `examples/*.json` of the repository is
//! embedded with `include_str!`, so the app can open them without files beside the binary.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let examples = Path::new(&manifest_dir).join("../examples");
    println!("cargo:rerun-if-changed={}", examples.display());
    let mut names: Vec<_> = std::fs::read_dir(&examples)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// (id, canonical JSON) of each bundled example.\npub const EXAMPLES: &[(&str, &str)] = &[\n",
    );
    for path in &names {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let _ = writeln!(code, "    ({stem:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=could not write {}: {e}", out.display());
    }
    tauri_build::build()
}
