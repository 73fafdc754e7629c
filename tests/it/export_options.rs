//! Format options (`ExportOptions::values`, the CLI's `--option KEY=VALUE`, the desktop export
//! dialog's generated form): the specs name what each exporter reads, the preflight reports
//! values that do not fit (`X12-invalid-option`) and keys a format does not read
//! (`X13-unknown-option`), and an option given on the command line changes the package.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use trellis::Severity;
use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document, option, preflight};
use trellis::model::Document;
use trellis::pedagogy::FieldSpec;

use super::support::root;
use super::support::trellis_cli;

fn statistics() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

fn with(doc: &Document, values: &[(&str, Value)]) -> ExportOptions {
    let mut options = ExportOptions::for_document(doc);
    for (k, v) in values {
        options.values.insert((*k).to_owned(), v.clone());
    }
    options
}

fn codes(doc: &Document, format: ExportFormat, values: &[(&str, Value)]) -> Vec<String> {
    preflight(doc, format, &with(doc, values))
        .into_iter()
        .filter(|f| f.code.starts_with("X12") || f.code.starts_with("X13"))
        .map(|f| format!("{:?} {}", f.severity, f.code))
        .collect()
}

fn names(format: ExportFormat) -> Vec<String> {
    format.option_specs().iter().map(|s| s.name().to_owned()).collect()
}

#[test]
fn every_format_describes_the_options_its_exporter_reads() {
    assert_eq!(names(ExportFormat::Cc13), [option::PUBLISH, option::BASE_URI]);
    assert_eq!(names(ExportFormat::Cc11), [option::PUBLISH]);
    assert_eq!(names(ExportFormat::Case), [option::BASE_URI, option::CREATOR, option::STANDARDS_ASSOCIATION]);
    assert!(names(ExportFormat::Json).is_empty());
    for f in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        assert_eq!(names(f), [option::SCO_LEVEL, option::MASTERY_SCORE]);
    }
    for f in ExportFormat::ALL {
        for spec in f.option_specs() {
            assert!(!spec.base().label.is_empty() && !spec.base().help.is_empty(), "{f} {}", spec.name());
            if let Some(default) = &spec.base().default {
                assert_eq!(spec.mismatch(default), None, "{f}: the default of {} fits its spec", spec.name());
            }
        }
    }
    let mastery =
        ExportFormat::Scorm2004.option_specs().into_iter().find(|s| s.name() == option::MASTERY_SCORE);
    match mastery {
        Some(FieldSpec::Number { min, max, base, .. }) => {
            assert_eq!((min, max), (Some(0.0), Some(1.0)));
            assert_eq!(base.default, Some(json!(0.8)));
        }
        other => panic!("masteryScore is a number field: {other:?}"),
    }
}

#[test]
fn valid_option_values_raise_no_finding() {
    let doc = statistics();
    let ok = [(option::SCO_LEVEL, json!("unit")), (option::MASTERY_SCORE, json!(0.9))];
    for f in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        assert!(codes(&doc, f, &ok).is_empty(), "{f}: {:?}", codes(&doc, f, &ok));
    }
    let case = [
        (option::BASE_URI, json!("https://case.example.edu/uri")),
        (option::CREATOR, json!("Statistics department")),
        (option::STANDARDS_ASSOCIATION, json!("exactMatchOf")),
    ];
    assert!(codes(&doc, ExportFormat::Case, &case).is_empty());
    assert!(codes(&doc, ExportFormat::Cc13, &[(option::PUBLISH, json!(true))]).is_empty());
    // A cleared field (null) means "use the default".
    assert!(codes(&doc, ExportFormat::Scorm2004, &[(option::MASTERY_SCORE, Value::Null)]).is_empty());
}

#[test]
fn x12_out_of_range_mastery_or_unknown_sco_level_is_an_error_naming_the_option() {
    let doc = statistics();
    let options = with(&doc, &[(option::MASTERY_SCORE, json!(1.5)), (option::SCO_LEVEL, json!("chapter"))]);
    let found: Vec<_> = preflight(&doc, ExportFormat::Scorm2004, &options)
        .into_iter()
        .filter(|f| f.code.starts_with("X12"))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.code == "X12-invalid-option" && f.severity == Severity::Error));
    let mastery = found.iter().find(|f| f.message.contains("masteryScore")).unwrap();
    assert!(
        mastery.message.contains("1.5") && mastery.message.contains("from 0 to 1"),
        "{}",
        mastery.message
    );
    assert!(mastery.message.contains("default (0.8)"), "{}", mastery.message);
    let level = found.iter().find(|f| f.message.contains("scoLevel")).unwrap();
    assert!(
        level.message.contains("\"chapter\"") && level.message.contains("\"lesson\", \"unit\""),
        "{}",
        level.message
    );

    // Wrong types are reported too.
    assert_eq!(
        codes(&doc, ExportFormat::Cc13, &[(option::PUBLISH, json!("yes"))]),
        ["Error X12-invalid-option"]
    );
    assert_eq!(
        codes(&doc, ExportFormat::Case, &[(option::STANDARDS_ASSOCIATION, json!("isPartOf"))]),
        ["Error X12-invalid-option"]
    );

    // Strict mode refuses; otherwise the default is used and the package is written.
    let mut strict = options.clone();
    strict.strict = true;
    let err = export_document(&doc, ExportFormat::Scorm2004, &strict, &mut MemWriter::new(), &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("X12-invalid-option"), "{err}");
    let report =
        export_document(&doc, ExportFormat::Scorm2004, &options, &mut MemWriter::new(), &mut |_| {}).unwrap();
    assert!(report.findings.iter().any(|f| f.code == "X12-invalid-option"));
}

#[test]
fn x13_an_option_the_format_does_not_read_is_a_warning_listing_the_ones_it_does() {
    let doc = statistics();
    let found: Vec<_> = preflight(&doc, ExportFormat::Scorm2004, &with(&doc, &[("scolevel", json!("unit"))]))
        .into_iter()
        .filter(|f| f.code == "X13-unknown-option")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.contains("\"scolevel\""), "{}", found[0].message);
    assert!(found[0].hint.contains("scoLevel, masteryScore"), "{}", found[0].hint);
    // A CASE option means nothing to a SCORM package, and JSON takes none at all.
    assert_eq!(
        codes(&doc, ExportFormat::Scorm12, &[(option::CREATOR, json!("x"))]),
        ["Warning X13-unknown-option"]
    );
    assert_eq!(
        codes(&doc, ExportFormat::Json, &[(option::PUBLISH, json!(true))]),
        ["Warning X13-unknown-option"]
    );
}

// ---------------------------------------------------------------------------------------------
// CLI: `--option` takes the same keys

fn sco_count(dir: &Path) -> usize {
    let manifest = std::fs::read_to_string(dir.join("imsmanifest.xml")).unwrap();
    manifest.matches("adlcp:scormType=\"sco\"").count()
}

#[test]
fn cli_option_sco_level_unit_gives_fewer_scos_and_a_bad_value_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = root().join("examples/intro-statistics.json").display().to_string();
    let out_dir = |name: &str| -> PathBuf { tmp.path().join(name) };
    let run = |name: &str, extra: &[&str]| {
        let out = out_dir(name).display().to_string();
        let mut args = vec!["export", doc.as_str(), "--format", "scorm2004", "-o", out.as_str()];
        args.extend_from_slice(extra);
        trellis_cli(&args)
    };

    let lessons = run("lessons", &[]);
    assert!(lessons.status.success(), "{}", String::from_utf8_lossy(&lessons.stderr));
    let units = run("units", &["--option", "scoLevel=unit"]);
    assert!(units.status.success(), "{}", String::from_utf8_lossy(&units.stderr));
    let (per_lesson, per_unit) = (sco_count(&out_dir("lessons")), sco_count(&out_dir("units")));
    assert!(per_unit > 0 && per_unit < per_lesson, "unit SCOs {per_unit}, lesson SCOs {per_lesson}");

    let bad = run("bad", &["--option", "masteryScore=2", "--strict"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("X12-invalid-option") && stderr.contains("masteryScore"), "{stderr}");
    assert!(!out_dir("bad").exists(), "nothing is written when strict mode refuses");
}
