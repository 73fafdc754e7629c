//! The shipped examples (`examples/*.json`): each one parses and validates, is byte-for-byte
//! canonical, and holds the content the demo promises. `TRELLIS_BLESS=1` rewrites a file with its
//! canonical text instead of comparing (review the diff afterwards).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use trellis::model::*;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

/// Reads an example through the validating reader (parse, normalise, check every invariant).
fn load(name: &str) -> Document {
    trellis::json::read(&example(name)).unwrap_or_else(|e| panic!("{name} does not load: {e}"))
}

/// Checks that the file is byte-for-byte canonical, or rewrites it when `TRELLIS_BLESS=1`.
fn assert_canonical(name: &str) -> Document {
    let path = example(name);
    let doc = load(name);
    let canonical = trellis::json::to_string(&doc);
    if std::env::var_os("TRELLIS_BLESS").is_some_and(|v| v == "1") {
        trellis::json::write_atomic(&path, canonical.as_bytes()).unwrap();
        return doc;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap();
    if on_disk != canonical {
        let line = on_disk.lines().zip(canonical.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "{name} is not in canonical form (first difference near line {line}); \
             run `TRELLIS_BLESS=1 cargo test --test it examples` and review the diff"
        );
    }
    doc
}

fn levels(doc: &Document) -> BTreeSet<BloomLevel> {
    doc.objectives.iter().filter_map(|o| o.level).collect()
}

fn item_types(doc: &Document) -> BTreeSet<&'static str> {
    doc.assessments.iter().flat_map(|a| &a.items).map(|i| i.body.type_name()).collect()
}

/// Every objective id that an assessment measures directly, through an item or a rubric criterion.
fn assessed(doc: &Document) -> HashSet<ObjectiveId> {
    let criteria: HashMap<RubricId, Vec<ObjectiveId>> =
        doc.rubrics.iter().map(|r| (r.id, r.criteria.iter().filter_map(|c| c.objective).collect())).collect();
    let mut out = HashSet::new();
    for a in &doc.assessments {
        out.extend(a.objectives.iter().copied());
        out.extend(a.items.iter().flat_map(|i| i.objectives.iter().copied()));
        if let Some(r) = a.rubric {
            out.extend(criteria.get(&r).into_iter().flatten().copied());
        }
    }
    out
}

fn by_code<'a>(doc: &'a Document, code: &str) -> &'a Objective {
    doc.objectives.iter().find(|o| o.code == code).unwrap_or_else(|| panic!("no objective {code}"))
}

fn node_by_code<'a>(doc: &'a Document, code: &str) -> &'a Node {
    doc.nodes.iter().find(|n| n.code == code).unwrap_or_else(|| panic!("no node {code}"))
}

#[test]
fn intro_statistics_is_valid_and_canonical() {
    let doc = assert_canonical("intro-statistics.json");
    assert!(doc.snapshots.is_empty(), "examples carry no snapshots");
}

#[test]
fn nursing_pharmacology_is_valid_and_canonical() {
    let doc = assert_canonical("nursing-pharmacology.json");
    assert!(doc.snapshots.is_empty(), "examples carry no snapshots");
}

#[test]
fn intro_statistics_is_a_three_credit_backward_designed_course() {
    let doc = load("intro-statistics.json");
    let c = &doc.curriculum;
    assert_eq!(c.credit_system, CreditSystem::UsCreditHours);
    assert_eq!(c.credits, Some(3.0));
    assert_eq!(c.weeks, Some(15));
    assert_eq!(c.template.as_deref(), Some("backward-design"));
    let idx = doc.index();
    let roots = idx.roots();
    assert_eq!(roots.len(), 1, "one course at the root");
    assert_eq!(roots[0].kind, "course");
    let units = idx.children(roots[0].id);
    assert!(units.len() >= 5, "at least five units, found {}", units.len());
    for unit in units {
        assert_eq!(unit.kind, "unit");
        for field in ["transferGoals", "essentialQuestions", "enduringUnderstandings"] {
            let list = unit.fields.get(field).and_then(|v| v.as_array());
            assert!(list.is_some_and(|l| !l.is_empty()), "unit {} has no {field}", unit.code);
        }
        let lessons = idx.children(unit.id);
        assert!((2..=3).contains(&lessons.len()), "unit {} has {} lessons", unit.code, lessons.len());
        for lesson in lessons {
            assert_eq!(lesson.kind, "lesson");
            assert!(lesson.week.is_some() && lesson.duration_minutes.is_some(), "lesson {}", lesson.code);
            assert!(idx.activities_of(lesson.id).count() >= 3, "lesson {} has few activities", lesson.code);
        }
    }
    // Every learning event is tagged with a WHERETO element (tag ids of the templates' `whereto` set).
    let whereto = ["where", "hook", "equip", "rethink", "evaluate", "tailor", "organize"];
    for a in &doc.activities {
        assert!(
            a.event.as_deref().is_some_and(|e| whereto.contains(&e)),
            "activity {:?} is untagged",
            a.title
        );
    }
    // Hypothesis testing requires confidence intervals.
    let u4 = node_by_code(&doc, "U4");
    assert!(node_by_code(&doc, "U5").prerequisites.contains(&u4.id));
}

#[test]
fn intro_statistics_objectives_span_all_six_bloom_levels_and_roll_up() {
    let doc = load("intro-statistics.json");
    assert!(doc.objectives.len() >= 30, "{} objectives", doc.objectives.len());
    assert_eq!(levels(&doc), BloomLevel::ALL.into_iter().collect(), "all six levels");
    let idx = doc.index();
    let course = idx.roots()[0].id;
    let outcomes: Vec<_> = idx.objectives_of(course).collect();
    assert!((5..=6).contains(&outcomes.len()), "{} course outcomes", outcomes.len());
    assert!(outcomes.iter().all(|o| o.code.starts_with("CO")));
    let with_abcd = doc.objectives.iter().filter(|o| !o.abcd.condition.is_empty()).count();
    assert!(with_abcd * 2 > doc.objectives.len(), "ABCD conditions are filled for most objectives");
    // Every unit or lesson objective supports something, and every course outcome is supported.
    let supported: HashSet<ObjectiveId> = doc.objectives.iter().flat_map(|o| o.supports.clone()).collect();
    for o in &doc.objectives {
        if o.node == course {
            assert!(supported.contains(&o.id), "course outcome {} has no supporting objective", o.code);
        } else {
            assert!(!o.supports.is_empty(), "objective {} supports nothing", o.code);
            assert!(o.level.is_some() && o.level_source != LevelSource::Unset, "{} is unclassified", o.code);
        }
    }
}

#[test]
fn intro_statistics_assessments_cover_item_types_grasps_rubric_and_weights() {
    let doc = load("intro-statistics.json");
    let types = item_types(&doc);
    assert!(types.len() >= 6, "item types {types:?}");
    let purposes: BTreeSet<_> = doc.assessments.iter().map(|a| format!("{:?}", a.purpose)).collect();
    assert_eq!(purposes.len(), 3, "diagnostic, formative and summative work: {purposes:?}");
    assert!(doc.assessments.iter().any(|a| a.format == AssessmentFormat::Exam), "a midterm exam");
    // One summative quiz alone uses at least six item types.
    let richest = doc
        .assessments
        .iter()
        .filter(|a| a.purpose == AssessmentPurpose::Summative)
        .map(|a| a.items.iter().map(|i| i.body.type_name()).collect::<BTreeSet<_>>().len())
        .max();
    assert!(richest >= Some(6));
    for item in doc.assessments.iter().flat_map(|a| &a.items) {
        assert!(!item.objectives.is_empty() && item.level.is_some(), "item {} is unaligned", item.id);
    }
    let task = doc
        .assessments
        .iter()
        .find(|a| a.format == AssessmentFormat::PerformanceTask)
        .expect("a performance task");
    let grasps = task.grasps.as_ref().expect("GRASPS");
    assert!(grasps.role.contains("data analyst for the city council"));
    let rubric = doc.index().rubric(task.rubric.expect("rubric")).unwrap();
    assert_eq!(rubric.kind, RubricKind::Analytic);
    let labels: Vec<_> = rubric.levels.iter().map(|l| (l.label.as_str(), l.points)).collect();
    assert_eq!(labels, [("Beginning", 1.0), ("Developing", 2.0), ("Proficient", 3.0), ("Exemplary", 4.0)]);
    assert!((4..=5).contains(&rubric.criteria.len()));
    for c in &rubric.criteria {
        assert!(c.objective.is_some(), "criterion {} is unaligned", c.title);
        assert_eq!(c.descriptors.len(), rubric.levels.len(), "criterion {} lacks descriptors", c.title);
    }
    let weights: f64 = doc
        .assessments
        .iter()
        .filter(|a| a.purpose == AssessmentPurpose::Summative)
        .filter_map(|a| a.weight)
        .sum();
    assert!((weights - 100.0).abs() < 1e-9, "summative weights sum to {weights}");
}

#[test]
fn intro_statistics_keeps_its_two_documented_gaps() {
    // examples/README.md documents these; analysis tests rely on them.
    let doc = load("intro-statistics.json");
    let assessed = assessed(&doc);
    let unassessed: Vec<_> =
        doc.objectives.iter().filter(|o| !assessed.contains(&o.id)).map(|o| o.code.as_str()).collect();
    assert_eq!(unassessed, ["U5.4"], "exactly one objective is never assessed");
    let u63 = by_code(&doc, "U6.3");
    let kinds: Vec<_> =
        doc.activities.iter().filter(|a| a.objectives.contains(&u63.id)).map(|a| a.kind).collect();
    assert!(!kinds.is_empty() && kinds.iter().all(|k| !k.is_active()), "U6.3 is practised only passively");
    assert!(u63.level == Some(BloomLevel::Analyze));
}

#[test]
fn intro_statistics_has_review_history_and_an_accessible_asset() {
    let doc = load("intro-statistics.json");
    let statuses: BTreeSet<_> = doc.nodes.iter().map(|n| n.status.as_str()).collect();
    assert!(statuses.contains("approved") && statuses.contains("inReview"));
    // The audit trail ends in each node's current status.
    for n in doc.nodes.iter().filter(|n| n.status != ReviewStatus::Draft) {
        let last = doc.review_events.iter().filter(|e| e.node == n.id).max_by_key(|e| e.at.clone());
        assert_eq!(last.map(|e| e.to), Some(n.status), "node {}", n.code);
    }
    assert!(doc.comments.iter().any(|c| c.parent.is_some()), "a threaded reply");
    assert!(doc.comments.iter().any(|c| c.resolved), "a resolved thread");
    let asset = doc.assets.iter().find(|a| a.name == "histogram.png").expect("histogram asset");
    assert!(asset.data.starts_with(b"\x89PNG\r\n\x1a\n") && !asset.alt.is_empty());
    assert!(doc.nodes.iter().any(|n| n.summary.contains("](assets/histogram.png)")));
}

#[test]
fn nursing_pharmacology_is_a_program_of_two_ects_courses() {
    let doc = load("nursing-pharmacology.json");
    assert_eq!(doc.curriculum.credit_system, CreditSystem::Ects);
    let idx = doc.index();
    let roots = idx.roots();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].kind, "program");
    let courses = idx.children(roots[0].id);
    assert_eq!(courses.len(), 2);
    for course in courses {
        assert_eq!(course.kind, "course");
        assert_eq!(course.fields.get("credits").and_then(|v| v.as_f64()), Some(5.0), "{}", course.code);
        let modules = idx.children(course.id);
        assert!(!modules.is_empty() && modules.iter().all(|m| m.kind == "module"));
        assert!(modules.iter().all(|m| idx.children(m.id).iter().all(|l| l.kind == "lesson")));
    }
    assert!(courses[1].prerequisites.contains(&courses[0].id), "course II requires course I");
    assert!(idx.objectives_of(roots[0].id).count() >= 5, "program outcomes");
}

#[test]
fn nursing_program_outcomes_map_both_courses_and_align_to_the_framework() {
    let doc = load("nursing-pharmacology.json");
    let idx = doc.index();
    let program = idx.roots()[0].id;
    let courses: Vec<NodeId> = idx.children(program).iter().map(|c| c.id).collect();
    for po in idx.objectives_of(program) {
        let mapped: Vec<NodeId> = po.emphasis.iter().map(|e| e.course).collect();
        assert_eq!(mapped, courses, "{} has I/R/M for both courses, in order", po.code);
    }
    let emphases: BTreeSet<Emphasis> =
        doc.objectives.iter().flat_map(|o| o.emphasis.iter().map(|e| e.emphasis)).collect();
    assert_eq!(emphases.len(), 3, "I, R and M all occur");
    // Course outcomes support program outcomes.
    let pos: HashSet<ObjectiveId> = idx.objectives_of(program).map(|o| o.id).collect();
    for course in &courses {
        for co in idx.objectives_of(*course) {
            assert!(co.supports.iter().any(|s| pos.contains(s)), "{} supports no program outcome", co.code);
        }
    }
    assert_eq!(doc.frameworks.len(), 1);
    assert!((10..=15).contains(&doc.standard_items.len()));
    assert!(doc.standard_items.iter().all(|s| !s.identifier.is_empty() && s.uri.ends_with(&s.identifier)));
    assert!(doc.standard_items.iter().any(|s| s.parent.is_some()), "a hierarchy");
    let aligned = doc.objectives.iter().filter(|o| !o.standards.is_empty()).count();
    assert!(aligned * 10 >= doc.objectives.len() * 9, "objectives are aligned to framework items");
    let domains: BTreeSet<_> = doc.objectives.iter().map(|o| format!("{:?}", o.domain)).collect();
    assert_eq!(domains.len(), 3, "cognitive, psychomotor and affective objectives: {domains:?}");
}

#[test]
fn nursing_assessments_gate_calculations_and_practice() {
    let doc = load("nursing-pharmacology.json");
    let calc = doc
        .assessments
        .iter()
        .filter(|a| a.mastery_score == Some(1.0))
        .find(|a| a.items.iter().filter(|i| matches!(i.body, ItemBody::Numeric { .. })).count() >= 5)
        .expect("a dosage-calculation quiz gated at 100 %");
    let tolerant = doc
        .assessments
        .iter()
        .flat_map(|a| &a.items)
        .any(|i| matches!(i.body, ItemBody::Numeric { tolerance, .. } if tolerance > 0.0));
    assert!(tolerant, "a numeric item accepts rounding within a tolerance");
    assert!(!calc.instructions.is_empty());
    let osce = doc
        .assessments
        .iter()
        .find(|a| a.format == AssessmentFormat::PerformanceTask && a.purpose == AssessmentPurpose::Summative)
        .expect("an OSCE");
    let rubric = doc.index().rubric(osce.rubric.expect("OSCE rubric")).unwrap();
    assert!(matches!(rubric.kind, RubricKind::SinglePoint | RubricKind::Holistic));
    assert!(rubric.criteria.iter().all(|c| c.objective.is_some()));
    // Summative weights sum to 100 within each course.
    let idx = doc.index();
    for course in idx.children(idx.roots()[0].id) {
        let inside: HashSet<NodeId> = idx.subtree(course.id).iter().map(|n| n.id).collect();
        let sum: f64 = doc
            .assessments
            .iter()
            .filter(|a| inside.contains(&a.node) && a.purpose == AssessmentPurpose::Summative)
            .filter_map(|a| a.weight)
            .sum();
        assert!((sum - 100.0).abs() < 1e-9, "{} summative weights sum to {sum}", course.code);
    }
}

#[test]
fn nursing_keeps_its_two_documented_gaps() {
    // examples/README.md documents these; analysis tests rely on them.
    let doc = load("nursing-pharmacology.json");
    let po2 = by_code(&doc, "PO2");
    assert!(po2.emphasis.iter().all(|e| e.emphasis != Emphasis::Mastered), "PO2 is never mastered");
    let mastered_elsewhere = doc
        .objectives
        .iter()
        .filter(|o| o.code.starts_with("PO") && o.code != "PO2")
        .all(|o| o.emphasis.iter().any(|e| e.emphasis == Emphasis::Mastered));
    assert!(mastered_elsewhere, "every other program outcome is mastered somewhere");
    let aligned: HashSet<StandardItemId> = doc.objectives.iter().flat_map(|o| o.standards.clone()).collect();
    let uncovered: Vec<_> = doc
        .standard_items
        .iter()
        .filter(|s| s.parent.is_some() && !aligned.contains(&s.id))
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(uncovered, ["MMC.2.5"], "exactly one competency is left uncovered");
}
