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
//!   the texts the UI tests preview;
//! * `evidence.json`: the Evidence view's answers (cohorts, the analysis with the learner
//!   heatmap, mastery policies, import outcomes) for the intro-statistics example after a list
//!   of evidence steps — imports of two Canvas Outcome Results files made here, a per-objective
//!   policy, a removed cohort — each computed by the functions of `commands::evidence` on a
//!   store (with a fixed pseudonym salt and import times, so the file is the same every run).
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
    // One line: the analyses are large and regenerated whole, never edited.
    let evidence = serde_json::to_string(&evidence_fixture(scratch.path())?).map_err(|e| e.to_string())?;
    files.insert("evidence.json".to_owned(), format!("{evidence}\n"));
    Ok(files)
}

/// The evidence files the mock's import "reads": (file name, cohort term, score shift, learners).
const EVIDENCE_FILES: &[(&str, i64, usize)] =
    &[("Fall 2025 outcomes.csv", 0, 12), ("Spring 2026 outcomes.csv", 1, 10)];

/// A Canvas Outcome Results report for the intro-statistics example: `learners` learners in two
/// sections with a score (0–4, shifted up by `shift` on unit 2) on each objective of units 1 to
/// 4, plus two rows naming an outcome the design does not have.
pub fn canvas_outcomes_csv(doc: &Document, shift: i64, learners: usize) -> String {
    let mut out = String::from(
        "student name,student id,section name,learning outcome name,learning outcome vendor guid,outcome score,learning outcome points possible,submission date\n",
    );
    let objectives: Vec<_> = doc
        .objectives
        .iter()
        .filter(|o| ["U1.", "U2.", "U3.", "U4."].iter().any(|p| o.code.starts_with(p)))
        .collect();
    for l in 0..learners {
        let section = if l % 2 == 0 { "Section 01" } else { "Section 02" };
        for (i, o) in objectives.iter().enumerate() {
            let base = ((l * 7 + i * 3 + (l * i) % 4) % 5) as i64;
            let score = if o.code.starts_with("U2.") { (base + shift).min(4) } else { base };
            out.push_str(&format!(
                "Learner {l},{},{section},{} {},{},{score},4,2026-02-{:02}\n",
                2000 + l + learners * shift as usize,
                o.code,
                o.statement.replace(',', ""),
                o.id,
                1 + i % 27
            ));
        }
    }
    for l in 0..2 {
        out.push_str(&format!(
            "Learner {l},{},Section 01,Old outcome: regression,,3,4,2026-02-01\n",
            2000 + l
        ));
    }
    out
}

/// The xAPI file of quiz item results the mock's import "reads".
const QUIZ_FILE: &str = "Quiz 1 statements.jsonl";

/// xAPI statements (JSON Lines) of eight learners answering every item of the example's first
/// quiz (each item right or wrong, scaled 1 or 0), so the item analysis has complete learners;
/// a choice item's statement carries the response (the chosen option's `i<hex>` identifier, as
/// the lessons send it), so the distractor analysis has counts.
pub fn quiz_statements(doc: &Document) -> String {
    let Some(quiz) = doc.assessments.iter().find(|a| a.title.starts_with("Quiz 1")) else {
        return String::new();
    };
    let mut out = String::new();
    for l in 0..8usize {
        for (k, item) in quiz.items.iter().enumerate() {
            let right = (l * 3 + k * 5 + l * k) % 7 > 1;
            let ident = |id: uuid::Uuid| format!("i{}", id.simple());
            let response = match &item.body {
                trellis::model::ItemBody::MultipleChoice { choices } => {
                    let wrong: Vec<_> = choices.iter().filter(|c| !c.correct).collect();
                    let pick =
                        if right { choices.iter().find(|c| c.correct) } else { wrong.get(l % 2).copied() };
                    pick.map(|c| ident(c.id.0))
                }
                trellis::model::ItemBody::TrueFalse { answer } => Some((*answer == right).to_string()),
                _ => None,
            };
            let mut result = json!({ "score": { "scaled": if right { 1.0 } else { 0.0 } } });
            if let Some(r) = response {
                result["response"] = json!(r);
            }
            let statement = json!({
                "id": format!("00000000-0000-4000-8000-{:012}", l * 100 + k),
                "actor": { "account": { "homePage": "https://lms.example.edu", "name": format!("{}", 2000 + l) } },
                "verb": { "id": "http://adlnet.gov/expapi/verbs/answered" },
                "object": { "id": format!("https://courses.example.edu/item/{}", item.id) },
                "result": result,
                "timestamp": format!("2026-02-{:02}T10:00:00Z", 10 + k),
            });
            out.push_str(&statement.to_string());
            out.push('\n');
        }
    }
    out
}

/// The evidence steps the UI tests take, in the mock's words: `import:<file>`, `policy:<code>`,
/// `remove:<cohort>`.
fn evidence_steps() -> Vec<Vec<&'static str>> {
    let fall = "import:Fall 2025 outcomes.csv";
    let spring = "import:Spring 2026 outcomes.csv";
    vec![
        vec![],
        vec![fall],
        vec![fall, spring],
        vec![fall, spring, "policy:U2.3"],
        vec![fall, spring, "remove:Spring 2026 outcomes"],
        vec![fall, spring, "import:Quiz 1 statements.jsonl"],
    ]
}

/// The per-objective policy the UI test sets (`policy:<code>`): two results at mastery needed,
/// which one result per learner never reaches ("not enough data").
fn fixture_policy() -> crate::commands::evidence::PolicyInput {
    crate::commands::evidence::PolicyInput {
        method: "n_mastery".into(),
        calculation_int: Some(2),
        points_possible: 4.0,
        mastery_points: 3.0,
        min_results: 1,
    }
}

fn evidence_fixture(scratch: &Path) -> Result<Value, String> {
    use crate::commands::evidence::{self as ev, EvidenceAnalysisRequest, EvidenceImportRequest};
    let e = |e: trellis::Error| e.to_string();
    let c = |e: crate::CommandError| e.message;
    let source = crate::examples::document("intro-statistics").map_err(e)?;
    let served = stored(&source, &[], scratch)?;
    let mut files = Vec::new();
    for (name, shift, learners) in EVIDENCE_FILES {
        let path = scratch.join(name);
        std::fs::write(&path, canvas_outcomes_csv(&served, *shift, *learners)).map_err(|e| e.to_string())?;
        files.push(path);
    }
    let quiz = scratch.join(QUIZ_FILE);
    std::fs::write(&quiz, quiz_statements(&served)).map_err(|e| e.to_string())?;
    files.push(quiz);
    let mut states = Vec::new();
    let mut imports = Vec::new();
    for steps in evidence_steps() {
        let path = scratch.join("evidence.trellis");
        let _ = std::fs::remove_file(&path);
        let mut store = Store::create(&path, &served).map_err(e)?;
        // A fixed salt, so pseudonyms are the same every run (the app draws a random one).
        store
            .apply_with("fixture salt", |tx| {
                tx.execute(
                    "INSERT INTO evidence_settings (id, salt, points_possible, mastery_points, method, calculation_int, min_results) VALUES (1, ?1, 4, 3, 'decaying_average', 65, 1)",
                    [vec![7u8; 32]],
                )?;
                Ok(())
            })
            .map_err(e)?;
        let doc = store.load().map_err(e)?;
        for (n, step) in steps.iter().enumerate() {
            let (kind, arg) = step.split_once(':').unwrap_or((step, ""));
            match kind {
                "import" => {
                    let file = files.iter().find(|f| f.ends_with(arg)).ok_or(format!("no file {arg}"))?;
                    let request = EvidenceImportRequest::default();
                    let mut outcome =
                        ev::import_in(&mut store, &doc, file, &request, &trellis::task::Task::quiet("x"))
                            .map_err(c)?;
                    let stamp = format!("2026-0{}-15T09:00:00Z", 1 + n);
                    store
                        .apply_with("fixture time", |tx| {
                            tx.execute(
                                "UPDATE evidence_cohorts SET imported_at = ?1 WHERE name = ?2",
                                [&stamp, &outcome.report.cohort],
                            )?;
                            Ok(())
                        })
                        .map_err(e)?;
                    if n == steps.len() - 1 {
                        outcome.file = (*arg).to_owned();
                        let mut value = serde_json::to_value(&outcome).map_err(|e| e.to_string())?;
                        if let Some(map) = value.as_object_mut() {
                            map.remove("history");
                        }
                        imports.push(json!({ "before": &steps[..n], "file": arg, "outcome": value }));
                    }
                }
                "policy" => {
                    let id = doc.objectives.iter().find(|o| o.code == arg).map(|o| o.id.to_string());
                    ev::set_policy_in(&mut store, &doc, id.as_deref(), Some(&fixture_policy())).map_err(c)?;
                }
                "remove" => trellis::workflow::evidence::remove_cohort(&mut store, arg).map_err(e)?,
                other => return Err(format!("unknown evidence step {other}")),
            }
        }
        let cohorts = trellis::evidence::store::cohorts(store.connection()).map_err(e)?;
        let policies = ev::policies_in(&store).map_err(e)?;
        // With the learner heatmap; the mock leaves it out when it is not asked for, as the
        // command does.
        let analysis = if cohorts.is_empty() {
            Value::Null
        } else {
            let with = EvidenceAnalysisRequest { learners: true, ..EvidenceAnalysisRequest::default() };
            serde_json::to_value(ev::analysis_in(&store, &doc, &with).map_err(e)?)
                .map_err(|e| e.to_string())?
        };
        states
            .push(json!({ "steps": steps, "cohorts": cohorts, "policies": policies, "analysis": analysis }));
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
    Ok(json!({
        "example": "intro-statistics",
        "sources": ev::sources(),
        "policy": { "code": "U2.3", "input": serde_json::to_value(fixture_policy()).map_err(|e| e.to_string())? },
        "imports": imports,
        "states": states,
    }))
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
