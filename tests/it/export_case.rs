//! CASE export: the objectives of every example and of the fixture document validate against the
//! CASE 1.1 CFPackage JSON Schema (copied in `tests/schemas/case`), carry the outline as
//! `isChildOf` associations and the alignments as typed links, and an imported CASE framework
//! comes back out unchanged.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::Value;
use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
use trellis::model::Document;

use super::export_cc::{assert_golden, examples, export, fixture_document, hostile_document};
use super::support::root;

fn validator() -> jsonschema::Validator {
    let path = root().join("tests/schemas/case/v1p1/case_v1p1_cfpackage-jsonschema1.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn case_json(doc: &Document) -> Value {
    let (mem, _) = export(doc, ExportFormat::Case, LmsProfile::Generic);
    serde_json::from_str(mem.text("case.json").unwrap()).unwrap()
}

fn assert_valid(label: &str, validator: &jsonschema::Validator, package: &Value) {
    let errors: Vec<String> =
        validator.iter_errors(package).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{label}: {} schema errors:\n{}", errors.len(), errors.join("\n"));
}

#[test]
fn case_packages_of_every_document_validate_against_the_case_1_1_schema() {
    let validator = validator();
    let mut docs =
        vec![("fixture".to_owned(), fixture_document()), ("hostile".to_owned(), hostile_document())];
    docs.extend(examples());
    for (name, doc) in docs {
        let package = case_json(&doc);
        assert_valid(&name, &validator, &package);
        let items = package["CFItems"].as_array().unwrap();
        let ids: BTreeSet<&str> = items.iter().map(|i| i["identifier"].as_str().unwrap()).collect();
        for o in &doc.objectives {
            assert!(ids.contains(o.id.to_string().as_str()), "{name}: objective {} is a CFItem", o.code);
        }
    }
}

#[test]
fn case_items_carry_codes_types_by_level_and_typed_associations() {
    let doc = fixture_document();
    let package = case_json(&doc);
    let items = package["CFItems"].as_array().unwrap();
    let item = |code: &str| items.iter().find(|i| i["humanCodingScheme"] == code).unwrap();
    assert_eq!(item("CO1")["CFItemType"], "Course Outcome");
    assert_eq!(item("U1.1")["CFItemType"], "Unit Objective");
    assert_eq!(item("L1.1a")["CFItemType"], "Lesson Objective");
    assert_eq!(item("U1")["CFItemType"], "Unit", "outline nodes that hold objectives group them");
    assert!(items.iter().all(|i| i["humanCodingScheme"] != "L1.2"), "nodes without objectives are left out");

    let associations = package["CFAssociations"].as_array().unwrap();
    let of_type = |t: &str| -> Vec<(&str, &str)> {
        associations
            .iter()
            .filter(|a| a["associationType"] == t)
            .map(|a| {
                (
                    a["originNodeURI"]["identifier"].as_str().unwrap(),
                    a["destinationNodeURI"]["identifier"].as_str().unwrap(),
                )
            })
            .collect()
    };
    let id = |code: &str| item(code)["identifier"].as_str().unwrap().to_owned();
    assert!(of_type("isChildOf").contains(&(id("U1.1").as_str(), id("U1").as_str())));
    assert!(of_type("isChildOf").contains(&(id("U1").as_str(), id("DL100").as_str())));
    assert!(
        of_type("isChildOf").contains(&(id("DL100").as_str(), doc.curriculum.id.to_string().as_str())),
        "the top of the outline is a child of the document"
    );
    assert_eq!(
        of_type("isPartOf"),
        [(id("U1.1").as_str(), id("CO1").as_str()), (id("L1.1a").as_str(), id("U1.1").as_str())]
    );
    assert_eq!(of_type("isRelatedTo"), [(id("U1.1").as_str(), "7c4a1f00-0000-4000-8000-00000000bbbb")]);
    let types = package["CFDefinitions"]["CFItemTypes"].as_array().unwrap();
    assert!(types.iter().any(|t| t["title"] == "Lesson Objective"));
}

#[test]
fn case_export_of_the_fixture_document_matches_the_golden_file() {
    let doc = fixture_document();
    let (mem, _) = export(&doc, ExportFormat::Case, LmsProfile::Generic);
    assert_golden("fixture/case", &mem);
}

#[test]
fn cartridge_standards_metadata_points_into_the_case_package() {
    let doc = fixture_document();
    let package = case_json(&doc);
    let (cc, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let manifest = cc.text("imsmanifest.xml").unwrap();
    let own = package["CFDocument"]["uri"].as_str().unwrap();
    assert!(manifest.contains(&format!("providerId=\"{own}\"")));
    let items: BTreeSet<&str> =
        package["CFItems"].as_array().unwrap().iter().map(|i| i["identifier"].as_str().unwrap()).collect();
    for o in &doc.objectives {
        let guid = format!("<csmd:GUID>{}</csmd:GUID>", o.id);
        if manifest.contains(&guid) {
            assert!(items.contains(o.id.to_string().as_str()));
        }
    }
}

#[test]
#[ignore = "needs ../shared"]
fn exporting_an_imported_case_framework_reproduces_the_source() {
    let shared = super::support::shared_dir();
    let dir = shared.join("samples/case");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let source: Value = serde_json::from_str(&text).unwrap();
        let import = trellis::import::case::parse(text.as_bytes(), &path.display().to_string()).unwrap();
        let identifier = import.framework.identifier.clone();
        let mut doc = Document::new("Host");
        trellis::import::merge_framework(&mut doc, import);
        // The import keeps every field: packaging the framework again gives back the source.
        let again = trellis::import::case::package(&doc, doc.frameworks[0].id).unwrap();
        // The import puts items into outline order, so compare the collections as sets.
        assert_eq!(sorted(again), sorted(source), "{} does not come back unchanged", path.display());
        // The export writes it as CASE 1.1 (the samples are CASE 1.0).
        let mut options = ExportOptions::for_document(&doc).with_profile(LmsProfile::Generic);
        options.framework = Some(identifier);
        let mut mem = MemWriter::new();
        export_document(&doc, ExportFormat::Case, &options, &mut mem, &mut |_| {}).unwrap();
        let exported: Value = serde_json::from_str(mem.text("case.json").unwrap()).unwrap();
        assert_valid(&path.display().to_string(), &validator(), &exported);
    }
}

/// The package with CFItems and CFAssociations sorted by identifier.
fn sorted(mut package: Value) -> Value {
    let inner = if package.get("CFPackage").is_some() { &mut package["CFPackage"] } else { &mut package };
    for key in ["CFItems", "CFAssociations"] {
        if let Some(list) = inner.get_mut(key).and_then(Value::as_array_mut) {
            list.sort_by(|a, b| a["identifier"].to_string().cmp(&b["identifier"].to_string()));
        }
    }
    package
}

#[test]
fn case_export_of_a_missing_framework_is_refused_before_writing() {
    let doc = fixture_document();
    let mut options = ExportOptions::for_document(&doc);
    options.framework = Some("no-such-framework".into());
    let mut mem = MemWriter::new();
    assert!(export_document(&doc, ExportFormat::Case, &options, &mut mem, &mut |_| {}).is_err());
    assert!(mem.paths().is_empty(), "nothing is written");
    options.strict = true;
    let err = export_document(&doc, ExportFormat::Case, &options, &mut mem, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("X08-framework-not-found"), "{err}");
}
