//! The answers of the UI's mock backend (`ui/src/lib/ipc/mock.ts`), computed by the library
//! functions the desktop commands call and written to `ui/src/lib/ipc/gen/fixtures/`:
//!
//! * `<example>.json` per bundled example: the document as `open_example` serves it, and for
//!   that document and a few edited states of it (each named by the exact edit operations the UI
//!   sends, applied through [`Store::apply`]) the findings (`check_document`), the views
//!   (`insights`), the diff against each of its snapshots (`diff_snapshot`) and the pre-export
//!   findings for a list of export requests (`preflight_export`);
//! * `objectives.json`: [`trellis::pedagogy::analyze_objective`] of every objective statement of
//!   the examples and of the statements the UI tests type;
//! * `markdown.json`: [`trellis::markdown::render`] of every Markdown text of the examples and of
//!   the texts the UI tests preview.
//!
//! The mock answers only from these files (and says "not in the mock fixtures" otherwise), so
//! the UI's tests see what the library really says. The test regenerates every file and
//! compares it with the committed one; a difference rewrites the file and fails the test, so a
//! change in the library, or a hand edit of a fixture, shows up as a diff to review and commit
//! (`make bindings-check`). See docs/desktop.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use trellis::export::ExportFormat;
use trellis::model::Document;
use trellis::store::{EditOp, Store};

use crate::commands::export::ExportRequest;

/// Where the fixtures live: inside the generated bindings, so the same drift check covers them.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/gen/fixtures")
}

/// Statements the UI tests type into the objective editor (besides the examples' own).
const TYPED_STATEMENTS: &[&str] = &[
    "Compare two distributions using box plots",
    "Compare two confidence intervals given their margins",
    "Understand confidence intervals.",
];

/// Markdown the UI tests preview (besides the examples' own texts).
const TYPED_MARKDOWN: &[&str] =
    &["Plot the **median** and the *quartiles*.\n\nThen compare <script>x</script> them."];

/// The LMS profiles each format's preflight is generated for (with default option values).
const PROFILES: &[&str] = &["generic", "canvas", "moodle", "blackboard", "brightspace"];

/// Export requests with option values the UI tests enter: (format, values).
fn option_requests() -> Vec<(&'static str, Value)> {
    vec![
        ("scorm2004", json!({ "scoLevel": "unit" })),
        ("scorm2004", json!({ "masteryScore": 0.9 })),
        ("scorm2004", json!({ "scoLevel": "unit", "masteryScore": 0.9 })),
        ("scorm2004", json!({ "scoLevel": "unit", "masteryScore": 1.5 })),
        ("scorm12", json!({ "scoLevel": "unit" })),
        ("cmi5", json!({ "masteryScore": 1.5 })),
        ("cmi5", json!({ "masteryScore": 0.7 })),
    ]
}

/// A named edited state of an example: the edit operations, in the UI's JSON, in order.
struct Variant {
    ops: Vec<Value>,
}

/// The edited states the UI tests reach on an example (looked up by outline codes, so the ids
/// are the example's own).
fn variants(doc: &Document) -> Vec<Variant> {
    let node = |code: &str| doc.nodes.iter().find(|n| n.code == code).map(|n| n.id.to_string());
    let mut out = vec![Variant { ops: vec![] }];
    if let (Some(u1), Some(u4)) = (node("U1"), node("U4")) {
        out.push(Variant {
            ops: vec![json!({ "op": "link", "link": { "type": "nodePrerequisite", "node": u4, "prerequisite": u1 } })],
        });
    }
    out.push(Variant { ops: vec![json!({ "op": "takeSnapshot", "name": "Submitted to committee" })] });
    out
}

/// The document as the app serves it after `open_example`: written to a new store, read back.
fn stored(doc: &Document, ops: &[Value], scratch: &Path) -> Result<Document, String> {
    let path = scratch.join(format!("state-{}.trellis", ops.len()));
    let _ = std::fs::remove_file(&path);
    let mut store = Store::create(&path, doc).map_err(|e| e.to_string())?;
    for op in ops {
        let op: EditOp = serde_json::from_value(op.clone()).map_err(|e| format!("{op}: {e}"))?;
        store.apply(op).map_err(|e| e.to_string())?;
    }
    let doc = store.load().map_err(|e| e.to_string())?;
    drop(store);
    let _ = std::fs::remove_file(&path);
    Ok(doc)
}

/// The preflight requests: every format with each profile and default values, then the option
/// values the tests enter (generic profile).
fn requests() -> Vec<Value> {
    let mut out = Vec::new();
    for format in ExportFormat::ALL {
        let format = serde_json::to_value(format).unwrap_or(Value::Null);
        for profile in PROFILES {
            out.push(json!({ "format": format, "profile": profile, "values": {}, "framework": null }));
        }
    }
    for (format, values) in option_requests() {
        out.push(json!({ "format": format, "profile": "generic", "values": values, "framework": null }));
    }
    out
}

fn state_answers(doc: &Document) -> Result<Value, String> {
    let templates = trellis::pedagogy::templates::Catalog::builtin();
    let findings = trellis::analysis::check(doc, templates);
    let views = trellis::analysis::views::all(doc, templates);
    let mut diffs = Vec::new();
    for snapshot in &doc.snapshots {
        let old =
            trellis::analysis::diff::snapshot_document(doc, &snapshot.name).map_err(|e| e.to_string())?;
        diffs.push(json!({ "snapshot": snapshot.name, "diff": trellis::analysis::diff::diff(&old, doc) }));
    }
    let mut preflight = Vec::new();
    for key in requests() {
        let mut full = key.clone();
        full["strict"] = json!(false);
        full["destination"] = Value::Null;
        let request: ExportRequest = serde_json::from_value(full).map_err(|e| format!("{key}: {e}"))?;
        let found = trellis::export::preflight(doc, request.format, &request.options(doc));
        preflight.push(json!({ "request": key, "findings": found }));
    }
    Ok(json!({ "findings": findings, "views": views, "diffs": diffs, "preflight": preflight }))
}

/// Every fixture file by name, freshly computed.
pub fn generate() -> Result<BTreeMap<String, String>, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    let mut statements: Vec<String> = TYPED_STATEMENTS.iter().map(|s| (*s).to_owned()).collect();
    let mut markdown: Vec<String> = TYPED_MARKDOWN.iter().map(|s| (*s).to_owned()).collect();
    for info in crate::examples::list() {
        let source = crate::examples::document(&info.id).map_err(|e| e.to_string())?;
        let served = stored(&source, &[], scratch.path())?;
        statements.extend(served.objectives.iter().map(|o| o.statement.clone()));
        markdown.push(served.curriculum.description.clone());
        markdown.extend(served.nodes.iter().map(|n| n.summary.clone()));
        markdown.extend(served.activities.iter().map(|a| a.instructions.clone()));
        markdown.extend(served.assessments.iter().map(|a| a.instructions.clone()));
        let mut states = Vec::new();
        for variant in variants(&served) {
            let doc = stored(&served, &variant.ops, scratch.path())?;
            let mut answers = state_answers(&doc)?;
            answers["ops"] = Value::Array(variant.ops);
            states.push(answers);
        }
        let fixture = json!({ "example": info.id, "document": served, "states": states });
        files.insert(format!("{}.json", info.id), pretty(&fixture)?);
    }
    statements.sort();
    statements.dedup();
    let analyses: Vec<Value> = statements
        .iter()
        .map(|s| json!({ "statement": s, "analysis": trellis::pedagogy::analyze_objective(s) }))
        .collect();
    files.insert("objectives.json".to_owned(), pretty(&analyses)?);
    markdown.retain(|m| !m.trim().is_empty());
    markdown.sort();
    markdown.dedup();
    let rendered: Vec<Value> =
        markdown.iter().map(|m| json!({ "markdown": m, "html": trellis::markdown::render(m) })).collect();
    files.insert("markdown.json".to_owned(), pretty(&rendered)?);
    Ok(files)
}

fn pretty(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value).map(|s| format!("{s}\n")).map_err(|e| e.to_string())
}

/// Writes every file of `fresh` into `dir` whose content differs (or that is missing) and
/// removes `.json` files `fresh` does not have; the names of the files changed.
pub fn sync(dir: &Path, fresh: &BTreeMap<String, String>) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut changed = Vec::new();
    for (name, text) in fresh {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
            changed.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".json") && !fresh.contains_key(&name) {
            std::fs::remove_file(&path)?;
            changed.push(name);
        }
    }
    Ok(changed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_mock_backends_fixtures_are_the_librarys_answers() {
        let fresh = generate().unwrap();
        let changed = sync(&fixtures_dir(), &fresh).unwrap();
        assert!(
            changed.is_empty(),
            "ui/src/lib/ipc/gen/fixtures was out of date and has been regenerated ({changed:?}); review and commit it"
        );
    }

    #[test]
    fn a_hand_edited_or_stray_fixture_is_rewritten_and_reported() {
        let fresh = generate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(sync(dir.path(), &fresh).unwrap().len(), fresh.len());
        assert!(sync(dir.path(), &fresh).unwrap().is_empty(), "a second run changes nothing");

        // A finding code edited by hand, as the mock's own invented codes once were.
        let path = dir.path().join("intro-statistics.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let code = "\"code\": \"";
        assert!(text.contains(code));
        std::fs::write(&path, text.replacen(code, "\"code\": \"A1-objective-unassessed-", 1)).unwrap();
        std::fs::write(dir.path().join("invented.json"), "[]\n").unwrap();

        assert_eq!(sync(dir.path(), &fresh).unwrap(), vec!["intro-statistics.json", "invented.json"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), fresh["intro-statistics.json"]);
        assert!(!dir.path().join("invented.json").exists());
    }

    #[test]
    fn the_preflight_ignores_strict_so_the_mock_keys_requests_without_it() {
        let doc = crate::examples::document("intro-statistics").unwrap();
        for strict in [false, true] {
            let request: ExportRequest = serde_json::from_value(json!({
                "format": "cmi5", "profile": "generic", "strict": strict, "destination": null,
                "values": { "masteryScore": 1.5 }, "framework": null
            }))
            .unwrap();
            let found = trellis::export::preflight(&doc, request.format, &request.options(&doc));
            assert!(found.iter().any(|f| f.code == "X12-invalid-option"), "{found:?}");
            let lax: ExportRequest = serde_json::from_value(json!({
                "format": "cmi5", "profile": "generic", "strict": false, "destination": null,
                "values": { "masteryScore": 1.5 }, "framework": null
            }))
            .unwrap();
            assert_eq!(
                serde_json::to_value(&found).unwrap(),
                serde_json::to_value(trellis::export::preflight(&doc, lax.format, &lax.options(&doc)))
                    .unwrap()
            );
        }
    }
}
