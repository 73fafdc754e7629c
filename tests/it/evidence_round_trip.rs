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
