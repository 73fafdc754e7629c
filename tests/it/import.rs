//! Import of standards frameworks (CASE, CSV) and courses (Common Cartridge) against the real
//! third-party samples in ../shared/samples, hostile inputs built here, and fuzz-style property
//! tests for every parser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trellis::finding::Severity;
use trellis::import::csv::CsvFormat;
use trellis::import::safety::{Limits, Package};
use trellis::import::{self, case, common_cartridge, csv, search::FrameworkIndex};
use trellis::model::{Document, ItemBody, Objective};

/// A folder of `../shared/samples`; the tests that call this are `#[ignore = "needs ../shared"]`.
fn samples(kind: &str) -> PathBuf {
    super::support::samples_dir(kind)
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    out.sort();
    out
}

/// Source JSON objects of an array, by identifier.
fn by_identifier(v: &Value) -> BTreeMap<String, Value> {
    v.as_array()
        .map(|a| a.iter().map(|x| (x["identifier"].as_str().unwrap_or("").to_owned(), x.clone())).collect())
        .unwrap_or_default()
}

fn round_trip(doc: &Document) -> Document {
    trellis::json::from_str(&trellis::json::to_string(doc), "round trip").unwrap()
}

fn course_node() -> trellis::model::Node {
    super::support::node(None, "course", "Course")
}

fn objective(
    node: trellis::model::NodeId,
    code: &str,
    standards: Vec<trellis::model::StandardItemId>,
) -> Objective {
    Objective {
        id: trellis::model::ObjectiveId::new(),
        node,
        code: code.into(),
        statement: "Explain ratios".into(),
        abcd: Default::default(),
        level: None,
        level_source: Default::default(),
        knowledge: None,
        domain: Default::default(),
        supports: Vec::new(),
        prerequisites: Vec::new(),
        standards,
        emphasis: Vec::new(),
    }
}

#[test]
#[ignore = "needs ../shared"]
fn every_case_sample_imports_with_matching_counts_and_round_trips_losslessly() {
    let dir = samples("case");
    let all = files(&dir, ".json");
    assert!(!all.is_empty());
    for path in all {
        let bytes = std::fs::read(&path).unwrap();
        let source: Value = serde_json::from_slice(&bytes).unwrap();
        let import = case::parse(&bytes, &path.display().to_string()).unwrap();
        assert_eq!(import.items.len(), source["CFItems"].as_array().unwrap().len(), "{}", path.display());
        assert_eq!(
            import.associations.len(),
            source["CFAssociations"].as_array().unwrap().len(),
            "{}",
            path.display()
        );

        let mut doc = Document::new("standards");
        let report = import::merge_framework(&mut doc, import);
        assert!(report.created);
        doc.validate().unwrap();
        // Persist through the canonical format, as a saved document would be.
        let doc = round_trip(&doc);
        let package = case::package(&doc, doc.frameworks[0].id).unwrap();
        assert_eq!(package["CFDocument"], source["CFDocument"], "{}: CFDocument", path.display());
        assert_eq!(package.get("CFDefinitions"), source.get("CFDefinitions"), "{}", path.display());
        assert_eq!(
            by_identifier(&package["CFItems"]),
            by_identifier(&source["CFItems"]),
            "{}: items",
            path.display()
        );
        assert_eq!(
            by_identifier(&package["CFAssociations"]),
            by_identifier(&source["CFAssociations"]),
            "{}: associations",
            path.display()
        );
    }
}

#[test]
#[ignore = "needs ../shared"]
fn case_children_follow_list_enumeration_and_coding_scheme_in_natural_order() {
    let dir = samples("case");
    let bytes = std::fs::read(dir.join("opensalt_test_Ordering.case.json")).unwrap();
    let import = case::parse(&bytes, "Ordering").unwrap();
    let parent = import.items.iter().find(|i| i.code == "H.A.MATH.GM.PF.2DFP.L1").unwrap().id;
    let children: Vec<&str> =
        import.items.iter().filter(|i| i.parent == Some(parent)).map(|i| i.code.as_str()).collect();
    let expected: Vec<String> = (1..=24).map(|n| format!("H.A.MATH.GM.PF.2DFP.L1.{n}")).collect();
    assert_eq!(children, expected, "L1.2 comes before L1.10");

    let bytes = std::fs::read(dir.join("opensalt_test_SmartLevelFramework.case.json")).unwrap();
    let import = case::parse(&bytes, "SmartLevel").unwrap();
    let statements: Vec<&str> = import.items.iter().map(|i| i.statement.as_str()).collect();
    assert_eq!(&statements[..3], ["Item 1", "Item 1.1", "Item 1.2"], "children follow their parent");
    assert_eq!(statements.last(), Some(&"Item 2.2"));
}

#[test]
#[ignore = "needs ../shared"]
fn case_keeps_every_item_field_and_external_associations() {
    let dir = samples("case");
    let bytes = std::fs::read(dir.join("smarterbalanced_g3_math_item_spec_c1_th.case.json")).unwrap();
    let import = case::parse(&bytes, "sbac").unwrap();
    let with_list = import.items.iter().filter(|i| i.extra.get("listEnumeration").is_some()).count();
    assert_eq!(with_list, 2);
    assert!(import.items.iter().all(|i| i.extra["educationLevel"][0] == "03"));
    assert!(import.items.iter().all(|i| !i.item_type.is_empty()));
    let exact = import.associations.iter().filter(|a| a.association_type == "exactMatchOf").count();
    assert_eq!(exact, 3);
    assert_eq!(import.framework.extra["CFDocument"]["publisher"], "Smarter Balanced Assessment Consortium");
    assert_eq!(import.framework.extra["CFDefinitions"]["CFItemTypes"].as_array().unwrap().len(), 13);

    let bytes = std::fs::read(dir.join("opensalt_test_Utf8TestFramework.case.json")).unwrap();
    let import = case::parse(&bytes, "utf8").unwrap();
    let source: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(import.items[0].statement, source["CFItems"][0]["fullStatement"].as_str().unwrap());
}

#[test]
#[ignore = "needs ../shared"]
fn reimporting_a_newer_case_version_updates_items_in_place_and_keeps_alignments() {
    let dir = samples("case");
    let bytes = std::fs::read(dir.join("opensalt_what_standards_could_be.case.json")).unwrap();
    let mut doc = Document::new("d");
    import::merge_framework(&mut doc, case::parse(&bytes, "v1").unwrap());
    // Leaves, so that removing them changes no other item's parent.
    let parents: Vec<_> = doc.standard_items.iter().filter_map(|s| s.parent).collect();
    let leaves: Vec<_> = doc.standard_items.iter().filter(|s| !parents.contains(&s.id)).cloned().collect();
    let (kept, dropped, replaced) = (leaves[0].clone(), leaves[1].clone(), leaves[2].clone());
    let course = course_node();
    let o = objective(course.id, "O1", vec![kept.id, dropped.id, replaced.id]);
    doc.nodes.push(course);
    doc.objectives.push(o);
    doc.validate().unwrap();

    // Version 2: one statement edited, one item removed, one replaced by a new item.
    let mut v2: Value = serde_json::from_slice(&bytes).unwrap();
    v2["CFDocument"]["version"] = "2.0".into();
    let items = v2["CFItems"].as_array_mut().unwrap();
    for item in items.iter_mut() {
        if item["identifier"] == kept.identifier.as_str() {
            item["fullStatement"] = "A clearer statement.".into();
        }
    }
    items.retain(|i| {
        i["identifier"] != dropped.identifier.as_str() && i["identifier"] != replaced.identifier.as_str()
    });
    items.push(serde_json::json!({"identifier": "new-item", "fullStatement": "A new standard", "humanCodingScheme": "NEW.1"}));
    v2["CFAssociations"].as_array_mut().unwrap().push(serde_json::json!({
        "identifier": "repl", "associationType": "replacedBy",
        "originNodeURI": {"identifier": replaced.identifier, "uri": replaced.uri, "title": replaced.code},
        "destinationNodeURI": {"identifier": "new-item", "uri": "u:new", "title": "NEW.1"}
    }));
    let report = import::merge_framework(&mut doc, case::parse(v2.to_string().as_bytes(), "v2").unwrap());
    assert!(!report.created);
    assert_eq!(doc.frameworks.len(), 1, "updated in place, not duplicated");
    assert_eq!(report.previous_version, "");
    assert_eq!(report.version, "2.0");
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.removed.len(), 2);
    assert_eq!(report.changed.len(), 1);
    assert_eq!(report.changed[0].fields[0].field, "statement");
    assert_eq!(report.associations_added, 1);
    assert_eq!(report.realigned.len(), 1);
    assert_eq!(report.unaligned.len(), 1);
    let after = doc.standard_items.iter().find(|s| s.identifier == kept.identifier).unwrap();
    assert_eq!(after.id, kept.id, "the Trellis id survives the update");
    let new_item = doc.standard_items.iter().find(|s| s.identifier == "new-item").unwrap();
    assert_eq!(doc.objectives[0].standards, vec![kept.id, new_item.id]);
    doc.validate().unwrap();
    assert!(report.summary().contains("1 added, 1 changed, 2 removed"), "{}", report.summary());

    // Importing the same version again changes nothing.
    let again = import::merge_framework(&mut doc, case::parse(v2.to_string().as_bytes(), "v2").unwrap());
    assert!(again.is_empty(), "{}", again.summary());
}

#[test]
#[ignore = "needs ../shared"]
fn moodle_competency_csv_imports_framework_hierarchy_and_cross_references() {
    let dir = samples("csv");
    let path = dir.join("moodle_lpimportcsv_oecd_competency_framework.csv");
    let import = csv::parse_path(&path, None).unwrap();
    assert_eq!(import.framework.source, "csv:moodle");
    assert_eq!(import.framework.identifier, "OECD-CORE");
    assert_eq!(import.framework.title, "OECD");
    assert_eq!(import.items.len(), 64, "65 rows, one of them the framework");
    let level1 = import.items.iter().find(|i| i.code == "level-1").unwrap();
    let levels = import.items.iter().find(|i| i.code == "levels").unwrap();
    assert_eq!(level1.parent, Some(levels.id));
    assert_eq!(level1.abbreviated, "Level 1");
    assert!(level1.extra["Description"].as_str().unwrap().starts_with("<p>"), "original HTML kept");
    assert!(!level1.statement.contains("<p>"), "statement is Markdown");
    assert_eq!(level1.item_type, "competency");
    let related = import.associations.iter().filter(|a| a.origin.identifier == "level-1").count();
    assert_eq!(related, 39);
    assert!(import.framework.extra["Scale configuration"].as_str().unwrap().contains("scaleid"));
    let mut doc = Document::new("d");
    import::merge_framework(&mut doc, import);
    round_trip(&doc);
}

#[test]
#[ignore = "needs ../shared"]
fn canvas_outcomes_csv_imports_groups_outcomes_and_ratings_and_rejects_a_bad_header() {
    let dir = samples("csv");
    let import = csv::parse_path(&dir.join("canvas_outcomes_test_outcomes_1.csv"), None).unwrap();
    assert_eq!(import.framework.source, "csv:canvas");
    assert_eq!(import.items.len(), 3);
    let c = import.items.iter().find(|i| i.identifier == "c").unwrap();
    let a = import.items.iter().find(|i| i.identifier == "a").unwrap();
    assert_eq!(c.parent, Some(a.id));
    assert_eq!(import.associations.len(), 1, "the second parent is kept as an isChildOf association");
    let ratings = c.extra["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 3);
    assert_eq!(ratings[0]["description"], "Betterest");
    assert_eq!(c.extra["calculation_method"], "decaying_average");

    let err = csv::parse_path(&dir.join("canvas_outcomes_test_outcomes_with_errors.csv"), None).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("canvas_outcomes_test_outcomes_with_errors.csv"), "{message}");
    assert!(message.contains("line 1"), "{message}");
    assert!(message.contains("vendor_guid,object_type,title"), "expected header named: {message}");
    assert!(message.contains("closest to the Canvas outcomes CSV"), "{message}");
    let forced =
        csv::parse_path(&dir.join("canvas_outcomes_test_outcomes_with_errors.csv"), Some(CsvFormat::Canvas));
    assert!(forced.unwrap_err().to_string().contains("missing vendor_guid, object_type"));
}

#[test]
#[ignore = "needs ../shared"]
fn opensalt_spreadsheets_import_with_their_hierarchy_and_associations() {
    let dir = samples("csv");
    let import = csv::parse_path(&dir.join("opensalt_sample_case.csv"), None).unwrap();
    assert_eq!(import.items.len(), 10);
    let mf = import.items.iter().find(|i| i.code == "M.F").unwrap();
    let m = import.items.iter().find(|i| i.code == "M").unwrap();
    assert_eq!(mf.parent, Some(m.id));
    let related: Vec<_> =
        import.associations.iter().filter(|a| a.association_type == "isRelatedTo").collect();
    assert_eq!(related.len(), 3);
    assert!(related.iter().any(|a| a.destination.uri == "http://asn.jesandco.org/resources/S1143417"));
    let exemplar = import.associations.iter().find(|a| a.association_type == "exemplar").unwrap();
    assert!(exemplar.destination.uri.starts_with("https://www.opened.com/"));

    let import = csv::parse_path(&dir.join("opensalt_children_assoc.csv"), None).unwrap();
    assert_eq!(import.items.len(), 4);
    let codes: Vec<&str> = import.items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(
        codes,
        ["A.B", "A.B.C", "A.B.C.L", "A.B.D"],
        "hierarchy from the coding scheme, siblings by sequenceNumber"
    );
    let ab = import.items[0].id;
    assert_eq!(import.items[1].parent, Some(ab));
    assert_eq!(import.items[2].parent, Some(import.items[1].id));
    assert_eq!(import.items[3].parent, Some(ab));
    assert!(import.findings.iter().any(|f| f.code == "import-csv-inferred-hierarchy"));

    let import = csv::parse_path(&dir.join("opensalt_test_items.csv"), None).unwrap();
    assert_eq!(import.items.len(), 99);
    assert!(import.items.iter().all(|i| i.item_type == "Standard"));
}

#[test]
#[ignore = "needs ../shared"]
fn every_cartridge_sample_imports_into_a_valid_document() {
    let dir = samples("cc");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    let mut count = 0;
    for path in entries {
        let is_package = path.is_dir() && path.join("imsmanifest.xml").exists()
            || path.extension().is_some_and(|e| e == "imscc" || e == "zip");
        let path = if path.is_dir() && path.join("main/imsmanifest.xml").exists() {
            path.join("main")
        } else {
            path
        };
        if !is_package && !path.join("imsmanifest.xml").exists() {
            continue;
        }
        let import =
            common_cartridge::parse_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        import.document.validate().unwrap();
        let doc = round_trip(&import.document);
        assert_eq!(doc.nodes[0].kind, "course", "{}", path.display());
        let mut target = Document::new("target");
        import::merge_course(&mut target, import);
        target.validate().unwrap();
        count += 1;
    }
    assert!(count >= 12, "{count} cartridges");
}

#[test]
#[ignore = "needs ../shared"]
fn canvas_course_export_becomes_modules_lessons_activities_and_assessments() {
    let dir = samples("cc");
    let import = common_cartridge::parse_path(&dir.join("course-1")).unwrap();
    let doc = &import.document;
    assert_eq!(doc.curriculum.title, "COURSE-for-modules-testing");
    assert_eq!(doc.curriculum.code, "COURSE-for-modules-testing");
    let module = doc.nodes.iter().find(|n| n.kind == "module").unwrap();
    assert_eq!(module.title, "First Module");
    let lessons: Vec<&str> =
        doc.nodes.iter().filter(|n| n.kind == "lesson").map(|n| n.title.as_str()).collect();
    assert_eq!(lessons, ["First Module Wiki Page 1", "The First Measured Century: 1930-1960 (60:00)"]);
    let page = doc.nodes.iter().find(|n| n.title == "First Module Wiki Page 1").unwrap();
    assert_eq!(page.summary, "**This is RCE content for a Wiki Page**");
    let titles: Vec<(&str, String)> =
        doc.assessments.iter().map(|a| (a.title.as_str(), format!("{:?}", a.format))).collect();
    assert_eq!(
        titles,
        [
            ("Question bank: Unfiled Questions", "Quiz".to_owned()),
            ("First Module Assignment 1", "Assignment".to_owned()),
            ("First Module Quiz 1", "Quiz".to_owned()),
            ("Assignment with internal links", "Assignment".to_owned())
        ],
        "the unplaced question bank is kept on the course, then the module's assessments in order"
    );
    let quiz = &doc.assessments[2];
    assert_eq!(quiz.items.len(), 1);
    let ItemBody::MultipleChoice { choices } = &quiz.items[0].body else {
        panic!("{:?}", quiz.items[0].body)
    };
    assert_eq!(choices.iter().filter(|c| c.correct).map(|c| c.text.as_str()).collect::<Vec<_>>(), ["D"]);
    let kinds: Vec<String> = doc.activities.iter().map(|a| format!("{:?}:{}", a.kind, a.title)).collect();
    assert!(kinds.contains(&"Discussion:First Module Discussion 1".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"Link:First Module External URL 1".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"Reading:Sample Document".to_owned()), "{kinds:?}");
    let pdf = doc.activities.iter().find(|a| a.title == "Sample Document").unwrap();
    let asset = doc.assets.iter().find(|a| Some(a.id) == pdf.resources[0].asset).unwrap();
    assert_eq!(asset.media_type, "application/pdf");
    assert_eq!(asset.data.len(), 17988);
    // Internal links became text; the file links became asset links.
    let links = &doc.assessments[3].instructions;
    assert!(links.contains("](assets/sample-document.pdf)"), "{links}");
    assert!(!links.contains("CANVAS_OBJECT_REFERENCE"), "{links}");
    assert!(links.contains("[google](http://google.com)"), "{links}");
    // What could not be imported is listed.
    let codes: Vec<&str> = import.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"import-cc-missing-resource"), "the LTI item has no resource: {codes:?}");
    assert!(codes.contains(&"import-cc-text-header"), "{codes:?}");
    assert!(codes.contains(&"import-cc-missing-file"), "sample.mp3 is listed but absent: {codes:?}");
    assert!(codes.contains(&"import-cc-duplicate-resource"), "{codes:?}");
}

#[test]
#[ignore = "needs ../shared"]
fn cc2olx_cartridge_imports_quiz_items_links_discussions_assignments_and_lti() {
    let dir = samples("cc");
    let import = common_cartridge::parse_path(&dir.join("cc2olx/main")).unwrap();
    let doc = &import.document;
    let quiz = doc.assessments.iter().find(|a| a.title == "QTI").unwrap();
    let types: Vec<&str> = quiz.items.iter().map(|i| i.body.type_name()).collect();
    assert_eq!(
        types,
        ["multipleChoice", "trueFalse", "multipleResponse", "shortAnswer", "shortAnswer", "essay", "essay"],
        "all seven items"
    );
    let ItemBody::ShortAnswer { answers, .. } = &quiz.items[3].body else { panic!() };
    assert_eq!(answers, &["5", "15", "25"]);
    let ItemBody::MultipleResponse { choices } = &quiz.items[2].body else { panic!() };
    assert_eq!(
        choices.iter().filter(|c| c.correct).map(|c| c.text.as_str()).collect::<Vec<_>>(),
        ["A", "C", "D"]
    );
    assert!(quiz.items[0].stem.contains("assets/QuizImages/fractal.jpg"), "{}", quiz.items[0].stem);
    assert!(doc.assets.iter().any(|a| a.name == "QuizImages/fractal.jpg"));
    let ItemBody::Essay { guidance } = &quiz.items[5].body else { panic!() };
    assert_eq!(guidance, "Sample Answer");

    let youtube = doc.activities.iter().find(|a| a.title == "Django for beginners").unwrap();
    assert_eq!(youtube.resources[0].url.as_deref(), Some("https://youtube.com/watch?v=1234ABCD"));
    let discussion = doc.activities.iter().find(|a| a.title == "Discussion").unwrap();
    assert!(discussion.instructions.contains("Math Journal"), "{}", discussion.instructions);
    let essay = doc.assessments.iter().find(|a| a.title.starts_with("Assignment 1.")).unwrap();
    assert_eq!(essay.points, Some(30.0));
    assert!(import.findings.iter().any(|f| f.code == "import-cc-lti"));
    let modules: Vec<&str> =
        doc.nodes.iter().filter(|n| n.kind == "module").map(|n| n.title.as_str()).collect();
    assert_eq!(modules, ["Sequence", "Sequence2"]);
}

#[test]
#[ignore = "needs ../shared"]
fn canvas_rubrics_become_rubrics_attached_to_their_assignment() {
    let dir = samples("cc");
    let import = common_cartridge::parse_path(&dir.join("assignment-rubrics")).unwrap();
    let doc = &import.document;
    assert_eq!(doc.rubrics.len(), 1);
    let rubric = &doc.rubrics[0];
    assert_eq!(rubric.title, "Some Rubric");
    assert_eq!(
        rubric.levels.iter().map(|l| (l.label.as_str(), l.points)).collect::<Vec<_>>(),
        [("No Marks", 0.0), ("Full Marks", 5.0)]
    );
    assert_eq!(rubric.criteria[0].descriptors.len(), 2);
    let assignment = &doc.assessments[0];
    assert_eq!(assignment.title, "Rubricated Assignment");
    assert_eq!(assignment.rubric, Some(rubric.id));
    assert_eq!(assignment.points, Some(5.0));
}

#[test]
fn canvas_outcomes_and_rubric_alignments_become_objectives_and_aligned_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("course_settings")).unwrap();
    std::fs::create_dir_all(root.join("a1")).unwrap();
    std::fs::write(
        root.join("imsmanifest.xml"),
        r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1">
  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata>
  <organizations><organization identifier="o"><item identifier="root">
    <item identifier="m1"><title>Week 1</title><item identifier="i1" identifierref="a1"><title>Essay</title></item></item>
  </item></organization></organizations>
  <resources>
    <resource identifier="a1" type="assignment_xmlv1p0" href="a1/assignment.xml"><file href="a1/assignment.xml"/></resource>
  </resources></manifest>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("a1/assignment.xml"),
        r#"<assignment identifier="a1" xmlns="http://www.imsglobal.org/xsd/imscc_extensions/assignment"><title>Essay</title>
  <text texttype="text/html">&lt;p&gt;Write.&lt;/p&gt;</text><gradable points_possible="10">true</gradable>
  <extensions><assignment xmlns="http://canvas.instructure.com/xsd/cccv1p0"><rubric_identifierref>r1</rubric_identifierref></assignment></extensions></assignment>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("course_settings/learning_outcomes.xml"),
        r#"<learningOutcomes xmlns="http://canvas.instructure.com/xsd/cccv1p0">
  <learningOutcomeGroup identifier="g1"><title>Writing</title><learningOutcomes>
    <learningOutcome identifier="o1"><title>W.1</title><description>&lt;p&gt;Write a clear thesis.&lt;/p&gt;</description>
      <mastery_points>3</mastery_points><ratings><rating><description>Exceeds</description><points>4</points></rating></ratings></learningOutcome>
  </learningOutcomes></learningOutcomeGroup></learningOutcomes>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("course_settings/rubrics.xml"),
        r#"<rubrics xmlns="http://canvas.instructure.com/xsd/cccv1p0"><rubric identifier="r1"><title>Essay rubric</title><criteria>
  <criterion><criterion_id>c1</criterion_id><description>Thesis</description><points>4</points>
    <learning_outcome_identifierref>o1</learning_outcome_identifierref>
    <ratings><rating><description>Strong</description><points>4</points></rating><rating><description>Weak</description><points>0</points></rating></ratings></criterion>
</criteria></rubric></rubrics>"#,
    )
    .unwrap();
    let import = common_cartridge::parse_path(root).unwrap();
    let doc = &import.document;
    assert_eq!(doc.objectives.len(), 1);
    assert_eq!(doc.objectives[0].code, "W.1");
    assert_eq!(doc.objectives[0].statement, "Write a clear thesis.");
    let rubric = &doc.rubrics[0];
    assert_eq!(rubric.criteria[0].objective, Some(doc.objectives[0].id));
    let essay = &doc.assessments[0];
    assert_eq!(essay.rubric, Some(rubric.id));
    assert_eq!(essay.objectives, vec![doc.objectives[0].id], "aligned through the rubric");
    assert!(
        import.findings.iter().any(|f| f.code == "import-cc-outcome-details"),
        "mastery scale loss is reported"
    );
}

#[test]
#[ignore = "needs ../shared"]
fn grouped_canvas_quizzes_keep_every_question_and_report_the_random_draw() {
    let dir = samples("cc");
    let import = common_cartridge::parse_path(&dir.join("grouptest.zip")).unwrap();
    let grouped = import.document.assessments.iter().find(|a| a.title == "Grouped questions").unwrap();
    let types: Vec<&str> = grouped.items.iter().map(|i| i.body.type_name()).collect();
    assert!(types.contains(&"matching"), "{types:?}");
    assert!(grouped.items.len() >= 4, "{types:?}");
    let messages: Vec<&str> = import.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("question group \"Group 1\"")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("multiple dropdowns")), "{messages:?}");
}

#[test]
#[ignore = "needs ../shared"]
fn the_invalid_scorm_zip_is_refused_as_not_a_cartridge() {
    let dir = samples("scorm");
    let err = common_cartridge::parse_path(&dir.join("invalid.zip")).unwrap_err().to_string();
    assert!(err.contains("invalid.zip") && err.contains("imsmanifest.xml"), "{err}");
}

#[test]
#[ignore = "needs ../shared"]
fn qti12_samples_import_every_supported_item_and_report_the_rest() {
    let dir = samples("qti/qti12");
    let parse = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        trellis::import::qti12::parse(&bytes, name, &mut trellis::import::html_to_markdown::KeepUrls).unwrap()
    };
    let cc = parse("cc2olx_cc_assessment_qti.xml");
    assert_eq!(cc.assessments[0].items.len(), 7, "every item of the CC-profile quiz");
    assert!(cc.findings.iter().all(|f| f.severity == Severity::Info), "{:?}", cc.findings);
    let canvas = parse("cc2olx_canvas_non_cc_assessment.xml.qti");
    assert_eq!(canvas.assessments[0].items.len(), 1);
    let ItemBody::MultipleChoice { choices } = &canvas.assessments[0].items[0].body else { panic!() };
    assert_eq!(choices.iter().filter(|c| c.correct).map(|c| c.text.as_str()).collect::<Vec<_>>(), ["B"]);
    assert_eq!(choices[0].feedback, "Feedback", "per-choice feedback is kept");
    let strange = parse("cc2olx_strange_qti.xml");
    assert_eq!(strange.assessments[0].title, "Clusterization");
    assert_eq!(strange.assessments[0].time_limit_minutes(), Some(5));
    assert!(strange.assessments[0].items.is_empty());
    assert_eq!(strange.findings.len(), 1, "the unknown item type is reported");
    assert!(strange.findings[0].message.contains("cc.strange.v0p1"));
}

fn trellis_cli(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trellis")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs ../shared"]
fn cli_imports_frameworks_and_courses_and_updates_a_framework_in_place() {
    let (case_dir, csv_dir, cc_dir) = (samples("case"), samples("csv"), samples("cc"));
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("standards.trellis");
    let v1 = case_dir.join("opensalt_what_standards_could_be.case.json");
    let (code, out, err) = trellis_cli(&[
        "import".as_ref(),
        file.as_os_str(),
        "--from".as_ref(),
        "case".as_ref(),
        v1.as_os_str(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Imported framework \"What Standards Could Be\": 16 items, 39 associations."),
        "{out}"
    );

    // A newer version with one statement changed: --dry-run reports it and writes nothing.
    let mut v2: Value = serde_json::from_slice(&std::fs::read(&v1).unwrap()).unwrap();
    v2["CFItems"][0]["fullStatement"] = "Reworded.".into();
    let v2_path = tmp.path().join("v2.json");
    std::fs::write(&v2_path, v2.to_string()).unwrap();
    let before = trellis::store::load_path(&file).unwrap();
    let args = ["import".as_ref(), file.as_os_str(), "--from".as_ref(), "case".as_ref(), v2_path.as_os_str()];
    let (code, out, _) = trellis_cli(&[&args[..], &["--dry-run".as_ref()]].concat());
    assert_eq!(code, 0);
    assert!(out.contains("0 added, 1 changed, 0 removed, 15 unchanged") && out.contains("dry run"), "{out}");
    assert_eq!(trellis::store::load_path(&file).unwrap(), before, "a dry run writes nothing");
    let (code, out, _) = trellis_cli(&args);
    assert_eq!(code, 0, "{out}");
    let after = trellis::store::load_path(&file).unwrap();
    assert_eq!(after.frameworks.len(), 1);
    assert!(after.standard_items.iter().any(|s| s.statement == "Reworded."));

    // A bad CSV header is refused with exit code 3 and the document is untouched.
    let bad = csv_dir.join("canvas_outcomes_test_outcomes_with_errors.csv");
    let (code, _, err) = trellis_cli(&[
        "import".as_ref(),
        file.as_os_str(),
        "--from".as_ref(),
        "csv".as_ref(),
        bad.as_os_str(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("vendor_guid,object_type,title"), "{err}");
    assert_eq!(trellis::store::load_path(&file).unwrap(), after);

    // A course goes into a new document.
    let course = tmp.path().join("course.trellis");
    let source = cc_dir.join("course-1");
    let (code, out, err) = trellis_cli(&[
        "import".as_ref(),
        course.as_os_str(),
        "--from".as_ref(),
        "cc".as_ref(),
        source.as_os_str(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("warning: the module item \"First Module AnalyTics Beta External Tool\""), "{out}");
    let doc = trellis::store::load_path(&course).unwrap();
    assert_eq!(doc.assessments.len(), 4);
}

use super::support::zip_with;

const MANIFEST: &str = r#"<?xml version="1.0"?><manifest identifier="m"><metadata><schema>IMS Common Cartridge</schema></metadata>
<organizations/><resources/></manifest>"#;

#[test]
fn zip_slip_entries_refuse_the_whole_package() {
    let bytes = zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("../../evil.sh", b"rm -rf /")]);
    let err = common_cartridge::parse_bytes(bytes, "slip.imscc").unwrap_err().to_string();
    assert!(err.contains("slip.imscc") && err.contains("../../evil.sh") && err.contains("zip slip"), "{err}");
    let bytes = zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("/etc/passwd", b"x")]);
    assert!(common_cartridge::parse_bytes(bytes, "abs.imscc").unwrap_err().to_string().contains("absolute"));
}

#[test]
fn zip_bombs_are_refused_by_ratio_total_size_and_entry_count() {
    let zeros = vec![0u8; 8 << 20];
    let bytes = zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("web_resources/zeros.bin", &zeros)]);
    let err = common_cartridge::parse_bytes(bytes.clone(), "bomb.imscc").unwrap_err().to_string();
    assert!(err.contains("bomb.imscc") && err.contains("zeros.bin") && err.contains("zip bomb"), "{err}");

    let small = Limits { max_total_bytes: 4096, max_ratio: u64::MAX, ..Limits::default() };
    let err = Package::from_zip_bytes(bytes, "big.imscc", small).unwrap_err().to_string();
    assert!(err.contains("more than 4096 bytes"), "{err}");

    let many: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("f{i}.txt"), vec![b'x'])).collect();
    let refs: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let few = Limits { max_entries: 10, ..Limits::default() };
    let err = Package::from_zip_bytes(zip_with(&refs), "many.zip", few).unwrap_err().to_string();
    assert!(err.contains("20 entries") && err.contains("limit is 10"), "{err}");
}

#[test]
fn oversized_files_are_refused_naming_the_file() {
    let big = vec![b'a'; 10_000];
    let bytes = zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("web_resources/big.txt", &big)]);
    let limits = Limits { max_file_bytes: 1000, ..Limits::default() };
    let err = Package::from_zip_bytes(bytes, "c.imscc", limits).unwrap_err().to_string();
    assert!(err.contains("web_resources/big.txt") && err.contains("10000 bytes"), "{err}");
    let err =
        trellis::import::safety::check_source_len(200 << 20, "huge.csv", &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("huge.csv"));
}

#[test]
fn xml_with_a_dtd_or_external_entity_is_refused_and_nothing_is_fetched() {
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<manifest identifier="m"><metadata><schema>&xxe;</schema></metadata></manifest>"#;
    let bytes = zip_with(&[("imsmanifest.xml", xxe.as_bytes())]);
    let err = common_cartridge::parse_bytes(bytes, "xxe.imscc").unwrap_err().to_string();
    assert!(
        err.contains("xxe.imscc: imsmanifest.xml") && err.contains("line 2") && err.contains("DTD"),
        "{err}"
    );

    let billion = r#"<!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><questestinterop>&b;</questestinterop>"#;
    let err = trellis::import::qti12::parse(
        billion.as_bytes(),
        "lol.xml",
        &mut trellis::import::html_to_markdown::KeepUrls,
    );
    assert!(err.unwrap_err().to_string().contains("DTD"));
}

#[test]
fn invalid_utf8_is_refused_with_line_and_column() {
    let err = csv::parse(b"vendor_guid,object_type,title\na,group,T\xe9st\n", "latin1.csv", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("latin1.csv") && err.contains("line 2, column 10") && err.contains("UTF-8"),
        "{err}"
    );
    let err = case::parse(b"{\"CFDocument\": {\"title\": \"\xff\"}}", "bad.json").unwrap_err().to_string();
    assert!(err.contains("bad.json") && err.contains("line 1"), "{err}");
    let manifest = b"<manifest><metadata><schema>\xc3\x28</schema></metadata></manifest>";
    let err =
        common_cartridge::parse_bytes(zip_with(&[("imsmanifest.xml", manifest)]), "u.imscc").unwrap_err();
    assert!(
        err.to_string().contains("u.imscc: imsmanifest.xml") && err.to_string().contains("UTF-8"),
        "{err}"
    );
}

#[test]
fn manifest_hrefs_that_leave_the_package_are_refused() {
    let manifest = r#"<manifest identifier="m"><organizations/><resources>
<resource identifier="r" type="webcontent" href="../../secret.html"><file href="../../secret.html"/></resource></resources></manifest>"#;
    let err =
        common_cartridge::parse_bytes(zip_with(&[("imsmanifest.xml", manifest.as_bytes())]), "out.imscc")
            .unwrap_err();
    assert!(err.to_string().contains("points outside the package"), "{err}");
}

#[test]
fn missing_referenced_files_are_reported_and_the_import_continues() {
    let manifest = r#"<manifest identifier="m"><organizations><organization><item identifier="root">
<item identifier="m1"><title>M</title><item identifier="i" identifierref="p"><title>Page</title></item></item></item></organization></organizations>
<resources><resource identifier="p" type="webcontent" href="page.html"><file href="page.html"/></resource></resources></manifest>"#;
    let page = r#"<html><body><p>See <img src="missing.png" alt="a chart"> and <a href="gone.pdf">the notes</a>.</p></body></html>"#;
    let bytes = zip_with(&[("imsmanifest.xml", manifest.as_bytes()), ("page.html", page.as_bytes())]);
    let import = common_cartridge::parse_bytes(bytes, "m.imscc").unwrap();
    let lesson = import.document.nodes.iter().find(|n| n.kind == "lesson").unwrap();
    assert_eq!(lesson.summary, "See a chart and the notes.");
    let missing = import.findings.iter().filter(|f| f.code == "import-cc-missing-file").count();
    assert_eq!(missing, 2);
    assert!(import.findings.iter().all(|f| f.severity <= Severity::Warning));
}

#[test]
#[ignore = "needs ../shared"]
fn merging_a_course_reuses_identical_assets_and_renames_clashing_ones() {
    let dir = samples("cc");
    let mut doc = Document::new("d");
    let first =
        import::merge_course(&mut doc, common_cartridge::parse_path(&dir.join("cc2olx/main")).unwrap());
    let second =
        import::merge_course(&mut doc, common_cartridge::parse_path(&dir.join("cc2olx/main")).unwrap());
    assert_eq!(second.assets_added, 0);
    assert_eq!(second.assets_reused, first.assets_added);
    assert_eq!(doc.nodes.iter().filter(|n| n.kind == "course").count(), 2);
    doc.validate().unwrap();
}

#[test]
#[ignore = "needs ../shared"]
fn framework_search_finds_items_by_code_and_text() {
    let dir = samples("csv");
    let mut doc = Document::new("d");
    import::merge_framework(&mut doc, csv::parse_path(&dir.join("opensalt_test_items.csv"), None).unwrap());
    let index = FrameworkIndex::new(&doc);
    assert_eq!(index.len(), 99);
    let hits = index.search("L.3.4", 5);
    assert_eq!(hits[0].code, "L.3.4");
    let hits = index.search("multiple-meaning grade 5", 5);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].code, "L.5.4");
}

#[test]
#[ignore = "needs ../shared"]
fn an_exported_case_framework_reimports_with_no_changes() {
    use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
    let dir = samples("case");
    for path in files(&dir, ".json") {
        let bytes = std::fs::read(&path).unwrap();
        let import = case::parse(&bytes, "source").unwrap();
        let identifier = import.framework.identifier.clone();
        let mut doc = Document::new("host");
        import::merge_framework(&mut doc, import);
        let doc = round_trip(&doc);
        let mut options = ExportOptions::for_document(&doc);
        options.framework = Some(identifier);
        let mut mem = MemWriter::new();
        export_document(&doc, ExportFormat::Case, &options, &mut mem, &mut |_| {}).unwrap();
        let exported = mem.get("case.json").unwrap().to_vec();
        let mut again = doc.clone();
        let report = import::merge_framework(&mut again, case::parse(&exported, "exported").unwrap());
        // The export is CASE 1.1 (the samples are 1.0): only the source fields kept in `extra`
        // may differ; the items, their hierarchy and the associations are the same.
        let model_fields =
            report.changed.iter().flat_map(|c| &c.fields).filter(|f| !f.field.starts_with("extra"));
        assert_eq!(model_fields.count(), 0, "{}: {}", path.display(), report.summary());
        assert!(report.added.is_empty() && report.removed.is_empty(), "{}", report.summary());
        assert_eq!(report.associations_added + report.associations_removed, 0, "{}", report.summary());
        // …and CASE 1.1 is a fixed point: the re-imported framework exports to the same bytes
        // and re-imports with no change at all.
        let mut mem = MemWriter::new();
        export_document(&again, ExportFormat::Case, &options, &mut mem, &mut |_| {}).unwrap();
        assert_eq!(mem.get("case.json").unwrap(), &exported[..], "{}", path.display());
        let mut third = again.clone();
        let report = import::merge_framework(&mut third, case::parse(&exported, "exported").unwrap());
        assert!(report.is_empty(), "{}: {}", path.display(), report.summary());
    }
}

#[test]
#[ignore = "needs ../shared"]
fn imported_cartridges_export_back_to_valid_cartridges_with_the_same_content() {
    use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
    let dir = samples("cc");
    let validator = dir.join("../../standards/validate-package");
    let tmp = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for name in [
        "course-1",
        "cc2olx/main",
        "assignment-rubrics",
        "grouptest.zip",
        "rich-content-cc-file",
        "single-discussion",
    ] {
        let import = common_cartridge::parse_path(&dir.join(name)).unwrap();
        let doc = import.document;
        for profile in [LmsProfile::Generic, LmsProfile::Canvas] {
            let options = ExportOptions::for_document(&doc).with_profile(profile);
            let mut mem = MemWriter::new();
            export_document(&doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {})
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let path = tmp.path().join(format!("{}-{profile:?}.imscc", name.replace('/', "-")));
            std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
            // Importing the export gives back every lesson, assessment, quiz item and rubric
            // (the exporter may wrap lessons and files in pages and modules of its own).
            let back = common_cartridge::parse_path(&path).unwrap().document;
            let titles: Vec<&str> = back.nodes.iter().map(|n| n.title.as_str()).collect();
            for lesson in doc.nodes.iter().filter(|n| n.kind == "lesson") {
                assert!(
                    titles.contains(&lesson.title.as_str()),
                    "{name} {profile:?}: {} is missing from {titles:?}",
                    lesson.title
                );
            }
            // (Quizzes without items are exported as pages.)
            let assessments = |d: &Document| {
                let mut t: Vec<(String, usize)> = d
                    .assessments
                    .iter()
                    .filter(|a| !(a.items.is_empty() && a.format == trellis::model::AssessmentFormat::Quiz))
                    .map(|a| (a.title.clone(), a.items.len()))
                    .collect();
                t.sort();
                t
            };
            assert_eq!(
                assessments(&back),
                assessments(&doc),
                "{name} {profile:?}: assessments and their items"
            );
            if profile == LmsProfile::Canvas {
                assert_eq!(back.rubrics.len(), doc.rubrics.len(), "{name}: Canvas rubrics come back");
            }
            packages.push(path);
        }
    }
    let output = std::process::Command::new(&validator).args(&packages).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim_end().ends_with(" 0 failed"),
        "validate-package:\n{stdout}"
    );
}

mod fuzz {
    //! Fuzz-style properties: no parser panics on random or mutated input, and errors are
    //! always reported as library errors naming the input.
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        // `make test` runs a short smoke; set PROPTEST_CASES for a longer run.
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48);
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    fn sample(kind: &str, name: &str) -> Vec<u8> {
        // Seeds from ../shared when it is there; the properties hold for any seed (empty too).
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples").join(kind).join(name))
            .unwrap_or_default()
    }

    /// Flips, inserts and deletes bytes at the given positions.
    fn mutate(mut data: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
        for &(at, op, byte) in edits {
            if data.is_empty() {
                data.push(byte);
                continue;
            }
            let at = at % data.len();
            match op % 3 {
                0 => data[at] = byte,
                1 => data.insert(at, byte),
                _ => {
                    data.remove(at);
                }
            }
        }
        data
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn case_parser_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12),
                                    noise in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = case::parse(&noise, "noise.json");
            let data = mutate(sample("case", "opensalt_test_SmartLevelFramework.case.json"), &edits);
            if let Err(e) = case::parse(&data, "fuzz.json") {
                prop_assert!(e.to_string().starts_with("fuzz.json"));
            }
        }

        #[test]
        fn csv_parser_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12),
                                   text in "[a-z,\"\\n ]{0,80}") {
            let _ = csv::parse(text.as_bytes(), "noise.csv", None);
            for name in ["moodle_lpimportcsv_oecd_competency_framework.csv", "canvas_outcomes_test_outcomes_1.csv", "opensalt_sample_case.csv"] {
                let data = mutate(sample("csv", name), &edits);
                if let Err(e) = csv::parse(&data, "fuzz.csv", None) {
                    prop_assert!(e.to_string().starts_with("fuzz.csv"));
                }
            }
        }

        #[test]
        fn qti_parser_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
            let data = mutate(sample("qti/qti12", "cc2olx_cc_assessment_qti.xml"), &edits);
            let _ = trellis::import::qti12::parse(&data, "fuzz.xml", &mut trellis::import::html_to_markdown::KeepUrls);
        }

        #[test]
        fn cartridge_reader_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..8)) {
            let data = mutate(sample("cc", "single-page.imscc"), &edits);
            if let Err(e) = common_cartridge::parse_bytes(data, "fuzz.imscc") {
                prop_assert!(e.to_string().starts_with("fuzz.imscc"));
            }
        }

        #[test]
        fn html_conversion_keeps_the_text(words in prop::collection::vec("[A-Za-z0-9*_#\\[\\]`<>&|~\\\\.-]{1,8}", 1..12),
                                          tags in prop::collection::vec(0usize..10, 1..12)) {
            let mut html = String::new();
            let mut expected = Vec::new();
            for (w, t) in words.iter().zip(tags.iter().cycle()) {
                let escaped = w.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                let piece = match t {
                    0 => format!("<p>{escaped}</p>"),
                    1 => format!("<strong>{escaped}</strong> "),
                    2 => format!("<em>{escaped}</em> "),
                    3 => format!("<li>{escaped}</li>"),
                    4 => format!("<h3>{escaped}</h3>"),
                    5 => format!("<blockquote><p>{escaped}</p></blockquote>"),
                    6 => format!("<code>{escaped}</code> "),
                    7 => format!("<a href=\"https://example.org/\">{escaped}</a> "),
                    8 => format!("<ul><li>{escaped}</li></ul>"),
                    _ => format!("{escaped} "),
                };
                html.push_str(&piece);
                expected.push(w.clone());
            }
            let markdown = trellis::import::html_to_markdown::convert(&html).markdown;
            let text = trellis::markdown::to_plain_text(&markdown);
            let got: String = text.split_whitespace().collect();
            prop_assert_eq!(got, expected.concat(), "markdown: {}", markdown);
        }
    }
}
