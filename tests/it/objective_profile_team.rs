//! A document's calibration profile (`Curriculum::objective_profile`, set by `trellis
//! objectives set-profile`) in team work: it survives the canonical JSON, the folder format
//! (`trellis export --format folder` / `import --from folder`) and the three-way merge (one side
//! sets a profile while the other edits an objective: both kept; both sides set different
//! profiles: one conflict on that field).

#![allow(clippy::unwrap_used)]

use std::path::Path;

use trellis::merge::merge;
use trellis::model::Document;
use trellis::pedagogy::calibrate::{self, Options, read_labelled};

use super::support::root;
use super::support::trellis_cli as trellis;

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

/// A real profile (the JSON `trellis objectives calibrate` writes), learned from the
/// development rows under a convention name, with "interpret" read as `level`.
fn profile_json(name: &str, level: &str) -> String {
    let mut csv = String::from("statement,levels\n");
    let dev = std::fs::read_to_string(root().join("tests/data/objectives-dev/dev.csv")).unwrap();
    csv.push_str(dev.lines().skip(1).collect::<Vec<_>>().join("\n").as_str());
    csv.push('\n');
    for i in 0..12 {
        csv.push_str(&format!("\"Interpret the results of study {i}.\",{level}\n"));
    }
    let rows = read_labelled(&csv, "labels.csv").unwrap();
    calibrate::calibrate(&rows, &Options::named(name)).unwrap().to_json()
}

fn run(args: &[&Path]) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let out = trellis(&args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_profile_round_trips_through_canonical_json_and_the_folder_format() {
    let mut doc = example();
    let profile = profile_json("stats-dept", "apply");
    doc.curriculum.objective_profile = Some(profile.clone());
    let text = trellis::json::to_string(&doc);
    let back = trellis::json::from_str(&text, "doc.json").unwrap();
    assert_eq!(back.curriculum.objective_profile.as_deref(), Some(profile.as_str()));
    assert_eq!(trellis::json::to_string(&back), text);

    let dir = tempfile::tempdir().unwrap();
    trellis::folder::write(&doc, &dir.path().join("course")).unwrap();
    let read = trellis::folder::read(&dir.path().join("course")).unwrap();
    assert_eq!(read.curriculum.objective_profile.as_deref(), Some(profile.as_str()));
    assert_eq!(trellis::json::to_string(&read), text);
}

#[test]
fn cli_set_profile_export_folder_and_import_keep_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let p = Path::new;
    std::fs::write(d("stats.json"), profile_json("stats-dept", "apply")).unwrap();
    let source = root().join("examples/intro-statistics.json");
    run(&[p("import"), &d("a.trellis"), p("--from"), p("json"), &source]);
    run(&[p("objectives"), p("set-profile"), &d("a.trellis"), &d("stats.json")]);
    run(&[p("export"), &d("a.trellis"), p("--format"), p("folder"), p("-o"), &d("folder")]);
    run(&[p("import"), &d("b.trellis"), p("--from"), p("folder"), &d("folder")]);
    let a = trellis::store::load_path(&d("a.trellis")).unwrap();
    let b = trellis::store::load_path(&d("b.trellis")).unwrap();
    let stored = a.curriculum.objective_profile.clone().unwrap();
    assert!(stored.contains("stats-dept"), "{stored}");
    assert_eq!(b.curriculum.objective_profile, a.curriculum.objective_profile);
    assert_eq!(trellis::json::to_string(&a), trellis::json::to_string(&b));
}

#[test]
fn one_side_sets_a_profile_the_other_edits_an_objective_and_both_are_kept() {
    let base = example();
    let profile = profile_json("stats-dept", "apply");
    let mut ours = base.clone();
    ours.curriculum.objective_profile = Some(profile.clone());
    let mut theirs = base.clone();
    theirs.objectives[0].statement = "Interpret the slope of a fitted regression line.".into();
    let outcome = merge(&base, &ours, &theirs).unwrap();
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
    assert_eq!(outcome.document.curriculum.objective_profile.as_deref(), Some(profile.as_str()));
    let edited = outcome.document.objectives.iter().find(|o| o.id == base.objectives[0].id).unwrap();
    assert_eq!(edited.statement, "Interpret the slope of a fitted regression line.");

    // The same merge of folders through `trellis merge`.
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    for (name, doc) in [("base", &base), ("ours", &ours), ("theirs", &theirs)] {
        trellis::folder::write(doc, &d(name)).unwrap();
    }
    let p = Path::new;
    run(&[p("merge"), &d("base"), &d("ours"), &d("theirs"), p("-o"), &d("merged")]);
    let merged = trellis::folder::read(&d("merged")).unwrap();
    assert_eq!(merged.curriculum.objective_profile.as_deref(), Some(profile.as_str()));
    assert_eq!(trellis::json::to_string(&merged), trellis::json::to_string(&outcome.document));
}

#[test]
fn both_sides_setting_different_profiles_is_one_conflict_on_that_field() {
    let base = example();
    let (apply, analyze) = (profile_json("stats-dept", "apply"), profile_json("maths-dept", "analyze"));
    assert_ne!(apply, analyze);
    let mut ours = base.clone();
    ours.curriculum.objective_profile = Some(apply.clone());
    let mut theirs = base.clone();
    theirs.curriculum.objective_profile = Some(analyze.clone());
    let outcome = merge(&base, &ours, &theirs).unwrap();
    assert_eq!(outcome.conflicts.len(), 1, "{:?}", outcome.conflicts);
    let c = &outcome.conflicts[0];
    assert!(c.path.contains("objectiveProfile"), "{c:?}");
    assert!(c.base.as_ref().is_none_or(serde_json::Value::is_null), "the base had no profile: {c:?}");
    assert_eq!(c.ours.as_ref().and_then(|v| v.as_str()), Some(apply.as_str()));
    assert_eq!(c.theirs.as_ref().and_then(|v| v.as_str()), Some(analyze.as_str()));
    // The merged document keeps ours, as for every conflict.
    assert_eq!(outcome.document.curriculum.objective_profile.as_deref(), Some(apply.as_str()));

    // Both set the same profile: no conflict.
    let outcome = merge(&base, &ours, &ours.clone()).unwrap();
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
}
