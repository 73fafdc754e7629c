//! Evidence of learning: the store (pseudonyms, one undo step per import, re-import changes
//! nothing, cohort removal), the importers and their reports, and the mastery methods.

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
