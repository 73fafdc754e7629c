//! Evidence imports written in bulk: the results an import inserts are journaled by one
//! statement at its end (not row by row by the journal's trigger), which must leave undo, redo,
//! the counts and the journal's trigger exactly as the row-by-row journaling did: after a
//! successful import, after one that fails midway, and for imports into a cohort that already
//! holds results (added, updated and unchanged rows in one import).

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use trellis::evidence::Evidence;
use trellis::evidence::import::{self, Options, Source};
use trellis::model::Document;
use trellis::store::Store;

fn example() -> Document {
    trellis::json::read(&super::support::root().join("examples/intro-statistics.json")).unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn opts(cohort: &str) -> Options {
    Options { cohort: Some(cohort.into()), ..Options::default() }
}

/// `learners` × the document's objectives, score `score(l, o)`.
fn results(doc: &Document, learners: usize, score: impl Fn(usize, usize) -> usize) -> String {
    let mut text = String::from("learner,objective,score,points_possible,date\n");
    for l in 0..learners {
        for (o, objective) in doc.objectives.iter().enumerate() {
            text.push_str(&format!("s-{l},{},{},4,2024-01-{:02}\n", objective.code, score(l, o), 1 + o % 28));
        }
    }
    text
}

/// Every stored result as (learner, target, score, at), in storage order.
fn stored(store: &Store) -> Vec<(String, String, f64, Option<i64>)> {
    let mut stmt = store
        .connection()
        .prepare("SELECT learner, target_id, score, at FROM evidence_results ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Where the journal's trigger on inserted results lives: (in the temporary schema, in the
/// document's own schema).
fn insert_trigger(store: &Store) -> (bool, bool) {
    let count = |schema: &str| -> i64 {
        store
            .connection()
            .query_row(
                &format!(
                    "SELECT count(*) FROM {schema} WHERE type = 'trigger' AND name = 'journal_evidence_results_insert'"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    (count("sqlite_temp_master") == 1, count("sqlite_master") == 1)
}

#[test]
fn a_bulk_import_is_undone_and_redone_row_for_row_and_keeps_the_journal_trigger() {
    let dir = tempfile::tempdir().unwrap();
    let doc = example();
    let mut store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    assert_eq!(insert_trigger(&store), (true, false));
    let first = write(&dir, "a.csv", &results(&doc, 30, |l, o| (l + o) % 5));
    let report = import::import(&mut store, &doc, Source::Csv, &first, &opts("A")).unwrap();
    let n = 30 * doc.objectives.len() as u64;
    assert_eq!((report.added, report.updated, report.already), (n, 0, 0));
    // The trigger is back, in the temporary schema only (never written into the document).
    assert_eq!(insert_trigger(&store), (true, false));
    let after_first = stored(&store);
    assert_eq!(after_first.len() as u64, n);
    let journal: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM journal WHERE tbl = 'evidence_results' AND op = 'delete'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(journal as u64, n, "one undo row per inserted result");

    // A second file into the same cohort: 10 learners more, 5 of the first learners' scores
    // changed, the rest the same.
    let second = write(
        &dir,
        "b.csv",
        &results(&doc, 40, |l, o| if l < 5 && o == 0 { (l + o + 1) % 5 } else { (l + o) % 5 }),
    );
    let report = import::import(&mut store, &doc, Source::Csv, &second, &opts("A")).unwrap();
    let per = doc.objectives.len() as u64;
    assert_eq!((report.added, report.updated, report.already), (10 * per, 5, 30 * per - 5));
    let after_second = stored(&store);
    assert_eq!(insert_trigger(&store), (true, false));

    // Undo puts back exactly the rows after the first import (the changed scores too), redo
    // exactly those after the second; then both undone and redone.
    store.undo().unwrap();
    assert_eq!(stored(&store), after_first);
    store.redo().unwrap();
    assert_eq!(stored(&store), after_second);
    store.undo().unwrap();
    store.undo().unwrap();
    assert!(stored(&store).is_empty());
    store.redo().unwrap();
    assert_eq!(stored(&store), after_first);
    store.redo().unwrap();
    assert_eq!(stored(&store), after_second);
    assert_eq!(Evidence::load(&store, None).unwrap().results.len() as u64, 40 * per);
}

#[test]
fn an_import_that_fails_midway_leaves_the_journal_trigger_working() {
    let dir = tempfile::tempdir().unwrap();
    let doc = example();
    let mut store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    // Rows are written before the bad row is reached; the import fails as a whole.
    let mut text = results(&doc, 20, |l, o| (l * 3 + o) % 5);
    text.push_str("s-99,CO1,\"unterminated\n");
    text.push_str(&"x".repeat(70_000));
    let bad = write(&dir, "bad.csv", &text);
    import::import(&mut store, &doc, Source::Csv, &bad, &opts("A")).unwrap_err();
    assert!(stored(&store).is_empty());
    assert_eq!(store.history().unwrap().undo_depth, 0);
    assert_eq!(insert_trigger(&store), (true, false));

    // The trigger still journals inserts made outside an import: removing a cohort, undoing
    // the removal (rows inserted again, recorded for the redo by the trigger) and redoing it.
    let good = write(&dir, "good.csv", &results(&doc, 3, |l, o| (l + o) % 5));
    import::import(&mut store, &doc, Source::Csv, &good, &opts("A")).unwrap();
    let imported = stored(&store);
    assert!(!imported.is_empty());
    store.apply_with("Remove cohort A", |tx| trellis::evidence::store::remove_cohort(tx, "A")).unwrap();
    assert!(stored(&store).is_empty());
    store.undo().unwrap();
    assert_eq!(stored(&store), imported);
    store.redo().unwrap();
    assert!(stored(&store).is_empty(), "the redo of the removal deletes the rows its undo inserted");
}

#[test]
fn rows_repeated_within_one_import_are_counted_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let doc = example();
    let mut store = Store::create(&dir.path().join("doc.trellis"), &doc).unwrap();
    let code = &doc.objectives[0].code;
    // Same learner, objective and date: the second is kept beside the first (keyed by its
    // row), the third, the same row again, is already there.
    let text = format!(
        "learner,objective,score,points_possible,date\n\
         s-1,{code},3,4,2024-01-10\n\
         s-1,{code},2,4,2024-01-10\n\
         s-1,{code},2,4,2024-01-10\n"
    );
    let src = write(&dir, "dup.csv", &text);
    let report = import::import(&mut store, &doc, Source::Csv, &src, &opts("A")).unwrap();
    assert_eq!((report.added, report.updated, report.already), (2, 0, 1));
    let again = import::import(&mut store, &doc, Source::Csv, &src, &opts("A")).unwrap();
    assert_eq!((again.added, again.updated, again.already), (0, 0, 3));
    assert_eq!(stored(&store).len(), 2);
    store.undo().unwrap();
    assert!(stored(&store).is_empty());
}
