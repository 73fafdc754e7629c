//! Evidence from played packages: the statements Trellis's cmi5 runtime sends for a judged
//! objective are read back as results on exactly that objective, with its own score (see
//! docs/evidence.md, "From the package back to the design").

#![allow(clippy::unwrap_used)]

use trellis::evidence::Evidence;
use trellis::evidence::TargetKind;
use trellis::evidence::import::{self, Options, Source};
use trellis::store::Store;

/// A statement of the shape `src/export/runtime/cmi5.js` sends per judged objective: the
/// objective as the object, the AU as parent, the LMS's context template (grouping, session id)
/// and registration, no cmi5 category.
fn objective_statement(id: &str, objective: &str, verb: &str, scaled: f64, raw: u32, max: u32) -> String {
    let au = "https://example.org/course/au/i0190f0000000700080000000000b";
    serde_json::json!({
        "id": id,
        "timestamp": "2026-03-01T09:00:00.123Z",
        "actor": {"objectType": "Agent", "name": "Learner", "account": {"homePage": "http://127.0.0.1", "name": "learner-7"}},
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": format!("urn:trellis:objective:{objective}"),
            "definition": {"type": "http://adlnet.gov/expapi/activities/objective"}
        },
        "result": {"success": verb == "passed", "score": {"scaled": scaled, "raw": raw, "min": 0, "max": max}},
        "context": {
            "registration": "2b4f0a3c-0000-4000-8000-000000000001",
            "contextActivities": {"grouping": [{"id": au}], "parent": [{"id": au}]},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}
        }
    })
    .to_string()
}

#[test]
fn an_objective_statement_from_the_cmi5_runtime_is_one_result_on_that_objective_with_its_score() {
    let dir = tempfile::tempdir().unwrap();
    let doc: trellis::model::Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let (o1, o2) = (doc.objectives[0].id.0, doc.objectives[1].id.0);
    let lines = [
        objective_statement("6f1c0a52-0000-4000-8000-0000000000a1", &o1.to_string(), "passed", 0.6667, 2, 3),
        objective_statement("6f1c0a52-0000-4000-8000-0000000000a2", &o2.to_string(), "failed", 0.25, 1, 4),
    ];
    let file = dir.path().join("objectives.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let options = Options { cohort: Some("played".into()), ..Options::default() };
    let report = import::import(&mut store, &doc, Source::Xapi, &file, &options).unwrap();
    assert_eq!((report.rows, report.added, report.unmatched_rows()), (2, 2, 0));
    let evidence = Evidence::load(&store, None).unwrap();
    let got: Vec<_> = evidence
        .results
        .iter()
        .map(|r| (r.target_kind, r.target_id, r.score, r.points_possible, r.at.is_some()))
        .collect();
    // The AU in parent/grouping names nothing of the design: one result each, on the objective,
    // with the scaled score (points possible 1) and the statement's time.
    assert_eq!(
        got,
        vec![
            (TargetKind::Objective, o1, 0.6667, Some(1.0), true),
            (TargetKind::Objective, o2, 0.25, Some(1.0), true),
        ]
    );
    assert_eq!(evidence.learners.len(), 1, "both statements are the same learner");
}

/// A per-question statement as the cmi5 runtime sends it: the question (`…/item/i<hex>`) as the
/// object, its objectives in the context.
fn item_statement(id: &str, item: uuid::Uuid, objectives: &[uuid::Uuid], scaled: f64) -> String {
    let au = "https://example.org/course/au/i0190f0000000700080000000000b";
    let mut context: Vec<serde_json::Value> = vec![serde_json::json!({"id": au})];
    context
        .extend(objectives.iter().map(|o| serde_json::json!({"id": format!("urn:trellis:objective:{o}")})));
    serde_json::json!({
        "id": id,
        "timestamp": "2026-03-01T08:59:00.000Z",
        "actor": {"objectType": "Agent", "name": "Learner", "account": {"homePage": "http://127.0.0.1", "name": "learner-7"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"objectType": "Activity", "id": format!("{au}/item/i{}", item.simple())},
        "result": {"score": {"scaled": scaled}},
        "context": {"contextActivities": {"parent": [{"id": au}], "other": context}}
    })
    .to_string()
}

/// A submission reported per question and per objective: the questions become item results
/// (for item analysis), and the objective's mastery is its own statement's score alone, not the
/// questions counted a second time.
#[test]
fn per_question_statements_are_item_results_and_the_objectives_own_score_is_its_judgement() {
    let dir = tempfile::tempdir().unwrap();
    let doc: trellis::model::Document =
        trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap();
    let mut store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    let item = doc.assessments.iter().flat_map(|a| &a.items).find(|i| !i.objectives.is_empty()).unwrap();
    let objectives: Vec<uuid::Uuid> = item.objectives.iter().map(|o| o.0).collect();
    let objective = objectives[0];
    let lines = [
        item_statement("6f1c0a52-0000-4000-8000-0000000000b1", item.id.0, &objectives, 0.0),
        objective_statement(
            "6f1c0a52-0000-4000-8000-0000000000b2",
            &objective.to_string(),
            "passed",
            0.75,
            3,
            4,
        ),
    ];
    let file = dir.path().join("played.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let options = Options { cohort: Some("played".into()), ..Options::default() };
    let report = import::import(&mut store, &doc, Source::Xapi, &file, &options).unwrap();
    assert_eq!((report.rows, report.added, report.unmatched_rows()), (2, 2, 0));
    let evidence = Evidence::load(&store, None).unwrap();
    let mut kinds: Vec<_> = evidence.results.iter().map(|r| (r.target_kind, r.target_id)).collect();
    kinds.sort();
    let mut want = vec![(TargetKind::Item, item.id.0), (TargetKind::Objective, objective)];
    want.sort();
    assert_eq!(kinds, want);
    let report = trellis::evidence::mastery::compute(&doc, &evidence);
    let entry = report.learners.iter().find(|l| l.objective == objective).unwrap();
    // 0.75 of the policy's 4 points; the wrong answer (0) is not averaged in a second time.
    assert_eq!((entry.score, entry.results), (Some(3.0), 1));
}
