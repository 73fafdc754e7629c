//! `Store::load` returns exactly the document that was written: the canonical JSON of a loaded
//! document equals, byte for byte, the canonical JSON it was created from. Covers the bundled
//! examples, a generated curriculum of every entity kind, random documents, read-only and
//! writable opens, and a store whose newest commits are still in its `-wal` (the load reads the
//! assessments through a second connection, which must see them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use trellis::generate::{Scale, large, random};
use trellis::model::Document;
use trellis::store::{EditOp, Store};

/// The canonical JSON `doc` is written as (normalised first, as the store does).
fn canonical(doc: &Document) -> String {
    let mut doc = doc.clone();
    doc.normalize();
    trellis::json::to_string(&doc)
}

/// Creates `name` holding `doc`, then loads it read-only and writable and checks both loads
/// against the canonical JSON of `doc`.
fn assert_round_trip(dir: &Path, name: &str, doc: &Document) {
    let path = dir.join(format!("{name}.trellis"));
    drop(Store::create(&path, doc).unwrap());
    let expected = canonical(doc);
    let read_only = Store::open_read_only(&path).unwrap().load().unwrap();
    assert!(trellis::json::to_string(&read_only) == expected, "{name}: the read-only load differs");
    let writable = Store::open(&path).unwrap().load().unwrap();
    assert!(trellis::json::to_string(&writable) == expected, "{name}: the writable load differs");
    assert!(!dir.join(format!("{name}.trellis-wal")).exists(), "{name}: a load left a -wal");
    assert!(!dir.join(format!("{name}.trellis-shm")).exists(), "{name}: a load left a -shm");
}

#[test]
fn loading_the_examples_gives_back_their_canonical_json() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["intro-statistics", "nursing-pharmacology"] {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(format!("{name}.json"));
        let text = std::fs::read_to_string(&file).unwrap();
        let doc = trellis::json::from_str(&text, name).unwrap();
        assert_round_trip(dir.path(), name, &doc);
    }
}

#[test]
fn loading_a_generated_curriculum_gives_back_its_canonical_json() {
    let dir = tempfile::tempdir().unwrap();
    let doc = large(Scale { courses: 4, units: 4, lessons: 4 });
    assert!(doc.assessments.iter().any(|a| a.items.len() > 1), "the curriculum has quiz items");
    assert!(doc.rubrics.iter().any(|r| !r.criteria.is_empty()), "the curriculum has rubrics");
    assert_round_trip(dir.path(), "generated", &doc);
}

#[test]
fn loading_random_documents_gives_back_their_canonical_json() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..24 {
        assert_round_trip(dir.path(), &format!("random-{seed}"), &random(seed));
    }
}

/// The assessments are read through a second connection: it must see commits that are still in
/// the `-wal` of the store's own connection, and the rest of the document read at the same time.
#[test]
fn a_load_sees_commits_still_in_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.trellis");
    let mut doc = large(Scale { courses: 2, units: 3, lessons: 3 });
    doc.normalize();
    let mut store = Store::create(&path, &doc).unwrap();
    for (i, assessment) in doc.assessments.iter_mut().take(5).enumerate() {
        assessment.title = format!("Edited assessment {i}");
        if let Some(item) = assessment.items.first_mut() {
            item.stem = format!("Edited stem {i}");
        }
        store.apply(EditOp::UpdateAssessment { assessment: assessment.clone() }).unwrap();
    }
    let node = doc.nodes[3].clone();
    let renamed = trellis::model::Node { title: "Edited node".into(), ..node };
    store.apply(EditOp::UpdateNode { node: renamed.clone() }).unwrap();
    doc.nodes[3] = renamed;
    let wal = std::fs::metadata(dir.path().join("wal.trellis-wal")).map(|m| m.len()).unwrap_or(0);
    assert!(wal > 0, "the edits are still in the -wal");
    let loaded = store.load().unwrap();
    // `updated_at` is set by every edit; everything else is what was written.
    doc.curriculum.updated_at = loaded.curriculum.updated_at.clone();
    assert!(trellis::json::to_string(&loaded) == canonical(&doc), "the load misses commits in the -wal");
}
