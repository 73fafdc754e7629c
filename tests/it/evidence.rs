//! Evidence of learning: the store (pseudonyms, one undo step per import, re-import changes
//! nothing, cohort removal), the importers and their reports, and the mastery methods.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use trellis::evidence::import::{self, Options, Source};
use trellis::evidence::mastery::{self, Method, Policy, calculate};
use trellis::evidence::{Evidence, pseudonym};
use trellis::model::Document;
use trellis::store::Store;

fn example() -> Document {
    trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap()
}

fn fresh(dir: &tempfile::TempDir) -> (PathBuf, Store, Document) {
    let doc = example();
    let path = dir.path().join("doc.trellis");
    let store = Store::create(&path, &doc).unwrap();
    (path, store, doc)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn opts(cohort: &str) -> Options {
    Options { cohort: Some(cohort.into()), ..Options::default() }
}

fn plain(doc: &Document) -> String {
    let (o1, o2) = (&doc.objectives[0], &doc.objectives[1]);
    format!(
        "learner,objective,score,points_possible,date\n\
         s-1,{},3,4,2024-01-10\n\
         s-1,{},4,4,2024-01-20\n\
         s-2,{},1,4,2024-01-10\n\
         s-2,{},2,,2024-01-11T08:00:00Z\n\
         s-3,NO-SUCH-CODE,2,4,2024-01-11\n",
        o1.id, o1.code, o1.code, o2.id
    )
}

#[test]
fn an_import_is_one_undo_step_and_importing_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let src = write(&dir, "results.csv", &plain(&doc));
    let report = import::import(&mut store, &doc, Source::Csv, &src, &opts("Fall")).unwrap();
    assert_eq!((report.rows, report.added, report.already, report.learners), (5, 4, 0, 2));
    assert_eq!(report.unmatched_rows(), 1);
    assert_eq!(report.unmatched[0].examples, vec![(6, "NO-SUCH-CODE".to_owned())]);
    let history = store.history().unwrap();
    assert_eq!(history.undo_depth, 1);

    // The same file again: nothing added, no new undo step.
    let again = import::import(&mut store, &doc, Source::Csv, &src, &opts("Fall")).unwrap();
    assert_eq!((again.added, again.already), (0, 4));
    assert_eq!(store.history().unwrap().undo_depth, 1);

    let evidence = Evidence::load(&store, None).unwrap();
    assert_eq!(evidence.cohorts.len(), 1);
    assert_eq!(evidence.results.len(), 4);
    // Learners are pseudonymous: no LMS id and no name is stored.
    assert!(evidence.learners.iter().all(|l| l.name.is_none() && l.pseudonym.len() == 16));
    let raw: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM evidence_learners WHERE pseudonym LIKE 's-%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(raw, 0);

    // Undo takes the whole import back, the design untouched; redo restores it.
    store.undo().unwrap();
    let after = Evidence::load(&store, None).unwrap();
    assert!(after.results.is_empty() && after.cohorts.is_empty() && after.learners.is_empty());
    assert_eq!(store.load().unwrap(), doc);
    store.redo().unwrap();
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 4);
}

#[test]
fn a_cohort_can_be_removed_and_a_design_replacement_keeps_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let src = write(&dir, "results.csv", &plain(&doc));
    import::import(&mut store, &doc, Source::Csv, &src, &opts("A")).unwrap();
    import::import(&mut store, &doc, Source::Csv, &src, &opts("B")).unwrap();
    // Replacing the design (as every design import does) leaves the evidence alone.
    let mut changed = doc.clone();
    changed.curriculum.title = "Renamed".into();
    store.apply(trellis::store::EditOp::ReplaceDocument { document: Box::new(changed) }).unwrap();
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 8);
    let removed =
        store.apply_with("Remove cohort A", |tx| trellis::evidence::store::remove_cohort(tx, "A")).unwrap();
    assert!(removed);
    let left = Evidence::load(&store, None).unwrap();
    assert_eq!(left.cohorts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["B"]);
    assert_eq!(left.results.len(), 4);
    store.undo().unwrap();
    assert_eq!(Evidence::load(&store, None).unwrap().results.len(), 8);
    // The same learner has the same pseudonym in both cohorts (one salt per document).
    let all = Evidence::load(&store, None).unwrap();
    let a: Vec<&str> =
        all.learners.iter().filter(|l| l.cohort == "A").map(|l| l.pseudonym.as_str()).collect();
    let b: Vec<&str> =
        all.learners.iter().filter(|l| l.cohort == "B").map(|l| l.pseudonym.as_str()).collect();
    assert_eq!(a, b);
}

#[test]
fn an_import_that_fails_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store, doc) = fresh(&dir);
    let before = std::fs::read(&path).unwrap().len();
    let mut text = plain(&doc);
    text.push_str("s-4,CO1,\"unterminated\n");
    text.push_str(&"x".repeat(70_000));
    let src = write(&dir, "bad.csv", &text);
    let err = import::import(&mut store, &doc, Source::Csv, &src, &opts("X")).unwrap_err().to_string();
    assert!(err.contains("bad.csv"), "{err}");
    assert!(Evidence::load(&store, None).unwrap().results.is_empty());
    assert_eq!(store.history().unwrap().undo_depth, 0);
    let _ = before;
}

#[test]
fn an_unknown_plain_csv_header_is_named_with_the_expected_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let src = write(&dir, "odd.csv", "learner,objective,grade\nx,CO1,3\n");
    let err = import::import(&mut store, &doc, Source::Csv, &src, &opts("X")).unwrap_err().to_string();
    assert!(
        err.contains("odd.csv:1") && err.contains("\"grade\"") && err.contains("points_possible"),
        "{err}"
    );
}

#[test]
fn the_evidence_table_list_matches_the_schema() {
    use trellis::store::journal::EVIDENCE_TABLE_DEFS;
    let dir = tempfile::tempdir().unwrap();
    let (_, store, _) = fresh(&dir);
    let conn = store.connection();
    let mut in_file: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'evidence%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut compiled: Vec<String> = EVIDENCE_TABLE_DEFS.iter().map(|t| t.name.to_owned()).collect();
    in_file.sort();
    compiled.sort();
    assert_eq!(in_file, compiled);
    for table in EVIDENCE_TABLE_DEFS {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{}') ORDER BY cid", table.name))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(columns, table.columns, "{}", table.name);
    }
}

#[test]
fn pseudonyms_depend_on_the_salt() {
    assert_eq!(pseudonym(b"salt-one-0123456", "42"), pseudonym(b"salt-one-0123456", " 42 "));
    assert_ne!(pseudonym(b"salt-one-0123456", "42"), pseudonym(b"salt-two-0123456", "42"));
}

fn policy(method: Method, int: Option<i64>) -> Policy {
    Policy { points_possible: 5.0, mastery_points: 3.0, method, calculation_int: int, min_results: 1 }
}

#[test]
fn golden_values_for_every_method() {
    let s = [1.0, 2.0, 3.0, 4.0, 5.0];
    // Canvas's own example of the decaying average: 5·0.65 + mean(1..4)·0.35 = 4.125 → 4.13.
    assert_eq!(calculate(&policy(Method::DecayingAverage, Some(65)), &s), Some(4.13));
    assert_eq!(calculate(&policy(Method::DecayingAverage, Some(75)), &[2.0, 4.0]), Some(3.5));
    assert_eq!(calculate(&policy(Method::DecayingAverage, Some(65)), &[3.0]), Some(3.0));
    // Standard decaying average, d = 0.65: 1 → 1.65 → 2.5275 → 3.484625 → 4.46961875.
    assert_eq!(calculate(&policy(Method::StandardDecayingAverage, Some(65)), &s), Some(4.47));
    assert_eq!(calculate(&policy(Method::Highest, None), &[2.0, 5.0, 1.0]), Some(5.0));
    assert_eq!(calculate(&policy(Method::Latest, None), &[2.0, 5.0, 1.0]), Some(1.0));
    assert_eq!(calculate(&policy(Method::Average, None), &[2.0, 5.0, 1.0]), Some(2.67));
    // n_mastery (n = 2, mastery 3): the mean of the scores at or above mastery, if at least n.
    assert_eq!(calculate(&policy(Method::NMastery, Some(2)), &[1.0, 3.0, 5.0]), Some(4.0));
    assert_eq!(calculate(&policy(Method::NMastery, Some(2)), &[1.0, 2.0, 5.0]), None);
    assert_eq!(calculate(&policy(Method::NMastery, Some(4)), &[4.0, 4.0, 5.0]), None);
    // Most common level; a tie goes to the higher level.
    assert_eq!(calculate(&policy(Method::MostCommon, None), &[3.0, 2.0, 3.0, 4.0]), Some(3.0));
    assert_eq!(calculate(&policy(Method::MostCommon, None), &[2.0, 4.0]), Some(4.0));
    assert_eq!(calculate(&policy(Method::Highest, None), &[]), None);
}

#[test]
fn mastery_scales_results_and_reaches_objectives_through_alignments() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let src = write(&dir, "results.csv", &plain(&doc));
    import::import(&mut store, &doc, Source::Csv, &src, &opts("Fall")).unwrap();
    let evidence = Evidence::load(&store, None).unwrap();
    let report = mastery::compute(&doc, &evidence);
    let o1 = &report.objectives[0];
    assert_eq!(o1.method, Method::DecayingAverage);
    assert_eq!(o1.calculation_int, Some(65));
    // s-1: 3 then 4 on a 4-point scale → 4·0.65 + 3·0.35 = 3.65 (mastered); s-2: 1 → not.
    assert_eq!((o1.assessed, o1.mastered), (2, 1));
    let scores: Vec<Option<f64>> =
        report.learners.iter().filter(|l| l.objective == doc.objectives[0].id.0).map(|l| l.score).collect();
    let mut sorted = scores.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(sorted, vec![Some(1.0), Some(3.65)]);
    // A score without points possible is on the objective's scale already.
    let o2 = report.learners.iter().find(|l| l.objective == doc.objectives[1].id.0).unwrap();
    assert_eq!(o2.score, Some(2.0));
}

mod order {
    use proptest::prelude::*;
    use trellis::evidence::mastery::{Method, Policy, Scored, calculate, sort_in_time};

    proptest! {
        /// Rows arriving in any order (with ties in time) give the same mastery.
        #[test]
        fn arrival_order_never_changes_mastery(
            rows in proptest::collection::vec((0i64..4, proptest::option::of(0i64..3), 0u8..9), 1..12),
            seed in any::<u64>(),
            method in 0usize..7,
        ) {
            let method = Method::ALL[method];
            let policy = Policy { points_possible: 4.0, mastery_points: 3.0, method,
                calculation_int: method.parameter().map(|(_, d)| d), min_results: 1 };
            let scored: Vec<Scored> = rows.iter().map(|&(at, attempt, s)| Scored { at: Some(at), attempt, score: f64::from(s) / 2.0 }).collect();
            let mut a = scored.clone();
            let mut b = scored;
            // A deterministic shuffle of b.
            let mut x = seed | 1;
            for i in (1..b.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                b.swap(i, (x % (i as u64 + 1)) as usize);
            }
            sort_in_time(&mut a);
            sort_in_time(&mut b);
            let sa: Vec<f64> = a.iter().map(|s| s.score).collect();
            let sb: Vec<f64> = b.iter().map(|s| s.score).collect();
            prop_assert_eq!(calculate(&policy, &sa), calculate(&policy, &sb));
        }
    }
}

#[test]
fn canvas_outcome_results_join_by_vendor_guid_or_exported_title() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let (o1, o2) = (&doc.objectives[0], &doc.objectives[1]);
    let title = format!("{} {}", o1.code, o1.statement);
    let text = format!(
        "student name,student id,assessment title,learning outcome id,learning outcome name,learning outcome vendor guid,outcome score,learning outcome points possible,submission date,attempt,section name,course name\n\
         \"Lee, Ann\",101,Quiz 1,55,\"{title}\",,3,4,2024-02-01 10:00:00 -0700,1,S1,Stats\n\
         \"Lee, Ann\",101,Quiz 2,66,Renamed in Canvas,{},5,5,2024-02-08T10:00:00Z,1,S1,Stats\n\
         \"Chen, Bo\",102,Quiz 1,77,Not ours,,2,4,2024-02-01,1,S1,Stats\n",
        o2.id
    );
    let src = write(&dir, "outcomes.csv", &text);
    let report = import::import(&mut store, &doc, Source::CanvasOutcomes, &src, &opts("F")).unwrap();
    assert_eq!((report.added, report.unmatched_rows()), (2, 1));
    assert_eq!(report.unmatched[0].examples, vec![(4, "Not ours".to_owned())]);
    assert_eq!(report.ignored_columns, vec!["learning outcome id".to_owned(), "course name".to_owned()]);
    let evidence = Evidence::load(&store, None).unwrap();
    let targets: Vec<_> = evidence.results.iter().map(|r| r.target_id).collect();
    assert_eq!(targets, vec![o1.id.0, o2.id.0]);
    // 2024-02-01 10:00 at UTC-7 is 17:00 UTC.
    assert_eq!(evidence.results[0].at, Some(1_706_806_800));

    let missing = write(&dir, "other.csv", "name,score\nx,1\n");
    let err = import::import(&mut store, &doc, Source::CanvasOutcomes, &missing, &opts("F"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("other.csv:1") && err.contains("student id") && err.contains("learning outcome name"),
        "{err}"
    );
}

#[test]
fn gradebook_scores_reach_objectives_through_assessment_alignments() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let quiz = doc.assessments.iter().find(|a| a.title.starts_with("Quiz 1")).unwrap();
    let text = format!(
        "Student,ID,SIS User ID,SIS Login ID,Section,{} (1234),Homework 9 (99),Current Score,Final Score (read only)\n\
         Points Possible,,,,,16,10,,\n\
         \"Lee, Ann\",101,,ann,S1,12,5,80,80\n\
         \"Chen, Bo\",102,,bo,S1,-,7,,\n",
        quiz.title
    );
    let src = write(&dir, "grades.csv", &text);
    let report = import::import(&mut store, &doc, Source::CanvasGradebook, &src, &opts("G")).unwrap();
    assert_eq!((report.rows, report.added, report.empty), (2, 1, 1));
    assert_eq!(report.unmatched[0].examples, vec![(1, "Homework 9 (99)".to_owned())]);
    let evidence = Evidence::load(&store, None).unwrap();
    let m = mastery::compute(&doc, &evidence);
    // 12/16 on a 4-point scale is 3: every objective the quiz measures gets one result.
    let aligned: Vec<_> =
        m.learners.iter().filter(|l| quiz.objectives.iter().any(|o| o.0 == l.objective)).collect();
    assert_eq!(aligned.len(), quiz.objectives.len());
    assert!(aligned.iter().all(|l| l.score == Some(3.0) && l.mastered));
}

#[test]
#[ignore = "needs ../shared"]
fn real_canvas_gradebooks_are_read_and_their_unknown_columns_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    for name in
        ["canvas_gradebook_basic_course_with_sis_login_id.csv", "canvas_gradebook_last_first_names.csv"]
    {
        let src = super::support::samples_dir("gradebook").join(name);
        let report = import::import(&mut store, &doc, Source::CanvasGradebook, &src, &opts(name)).unwrap();
        // Seven students, no scores; "Assignment 1" is not an assessment of the design.
        assert_eq!((report.rows, report.added), (7, 0), "{name}");
        assert_eq!(report.unmatched[0].examples[0].1, "Assignment 1", "{name}");
        assert!(report.ignored_columns.iter().any(|c| c.contains("read only")), "{name}");
    }
    assert_eq!(store.history().unwrap().undo_depth, 0);
}

#[test]
fn xapi_statements_join_by_the_objective_ids_trellis_packages_send() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let o1 = doc.objectives[0].id.0;
    let item = &doc.assessments[0].items[0];
    let lines = [
        // What the cmi5 runtime sends for an answered question: the objective in context.
        format!(
            r#"{{"id":"6f1c0a52-0000-4000-8000-000000000001","timestamp":"2024-03-01T09:00:00Z","actor":{{"account":{{"homePage":"https://lms.example","name":"u1"}}}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/answered"}},"object":{{"id":"urn:x/item/q1"}},"result":{{"score":{{"scaled":0.5}}}},"context":{{"contextActivities":{{"other":[{{"id":"urn:trellis:objective:{o1}"}}]}}}}}}"#
        ),
        format!(
            r#"{{"id":"6f1c0a52-0000-4000-8000-000000000002","timestamp":"2024-03-02T09:00:00Z","actor":{{"mbox":"mailto:u1@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/passed"}},"object":{{"id":"urn:trellis:objective:{o1}"}},"result":{{"score":{{"raw":8,"min":0,"max":10}}}}}}"#
        ),
        format!(
            r#"{{"id":"6f1c0a52-0000-4000-8000-000000000003","actor":{{"mbox":"mailto:u2@example.org"}},"verb":{{"id":"http://adlnet.gov/expapi/verbs/answered"}},"object":{{"id":"https://x/au/item/{}"}},"result":{{"score":{{"scaled":1}}}}}}"#,
            item.id
        ),
        r#"{"id":"6f1c0a52-0000-4000-8000-000000000004","actor":{"mbox":"mailto:u2@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"https://example.com/page"}}"#.to_owned(),
        r#"{"id":"6f1c0a52-0000-4000-8000-000000000005","actor":{"mbox":"mailto:u2@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"6f1c0a52-0000-4000-8000-000000000001"}}"#.to_owned(),
    ];
    let jsonl = write(&dir, "statements.jsonl", &(lines.join("\n") + "\n"));
    let report = import::import(&mut store, &doc, Source::Xapi, &jsonl, &opts("X")).unwrap();
    assert_eq!((report.rows, report.added, report.unmatched_rows()), (5, 3, 2));
    // The same statements as a JSON array add nothing (keyed by statement id).
    let array = write(&dir, "statements.json", &format!("[{}]", lines.join(",")));
    let again = import::import(&mut store, &doc, Source::Xapi, &array, &opts("X")).unwrap();
    assert_eq!((again.added, again.already), (0, 3));
    let evidence = Evidence::load(&store, None).unwrap();
    let kinds: Vec<_> =
        evidence.results.iter().map(|r| (r.target_kind, r.score, r.points_possible)).collect();
    use trellis::evidence::TargetKind::*;
    assert_eq!(
        kinds,
        vec![(Objective, 0.5, Some(1.0)), (Objective, 8.0, Some(10.0)), (Item, 1.0, Some(1.0))]
    );

    let broken = write(&dir, "broken.jsonl", "{\"id\": 1}\n{not json\n");
    let err = import::import(&mut store, &doc, Source::Xapi, &broken, &opts("X")).unwrap_err().to_string();
    assert!(err.contains("broken.jsonl:2"), "{err}");
}

#[test]
#[ignore = "needs ../shared"]
fn the_xapi_specification_examples_are_read_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store, doc) = fresh(&dir);
    let folder = super::support::samples_dir("xapi").join("lrs_conformance_templates/statements");
    let mut read = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(serde_json::Value::Object(_)) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let one = write(&dir, "one.json", &format!("[{text}]"));
        let report = import::import(&mut store, &doc, Source::Xapi, &one, &opts("S")).unwrap();
        // None of them names an objective of this document: each is reported, none written.
        assert_eq!((report.rows, report.added, report.unmatched_rows()), (1, 0, 1), "{}", path.display());
        read += 1;
    }
    assert!(read > 10);
}
