//! The document store: schema, round trips, edit operations, undo/redo, bad input, durability.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use trellis::model::*;
use trellis::store::{EditOp, Link, Parts, Store};
use trellis::{Error, ErrorCode};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> Document {
    trellis::json::read(&repo().join("examples").join(name)).unwrap()
}

fn fresh(dir: &tempfile::TempDir, doc: &Document) -> (PathBuf, Store) {
    let path = dir.path().join("doc.trellis");
    let store = Store::create(&path, doc).unwrap();
    (path, store)
}

fn file_digest(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn migrations_are_valid() {
    trellis::store::migrations().validate().unwrap();
}

#[test]
fn schema_matches_the_golden_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = fresh(&dir, &Document::new("Schema"));
    let schema = store.schema_sql().unwrap();
    let golden = repo().join("tests/fixtures/schema.sql");
    if std::env::var_os("TRELLIS_BLESS").is_some() {
        std::fs::write(&golden, &schema).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        schema, expected,
        "the schema changed; add a migration (never edit a shipped one) and re-bless with TRELLIS_BLESS=1"
    );
}

#[test]
fn every_example_survives_json_store_json_byte_for_byte() {
    let mut seen = 0;
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = trellis::json::from_str(&text, &path.display().to_string()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (_, store) = fresh(&dir, &doc);
        let loaded = store.load().unwrap();
        assert_eq!(loaded, doc, "{} changed in the store", path.display());
        assert_eq!(
            trellis::json::to_string(&loaded),
            text,
            "{} is not reproduced byte for byte",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 2, "expected at least two examples, found {seen}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_survive_json_and_store_round_trips(seed in any::<u64>()) {
        let doc = trellis::generate::random(seed);
        prop_assert!(doc.validate().is_ok(), "generator produced an invalid document: {:?}", doc.validate());
        let text = trellis::json::to_string(&doc);
        let parsed = trellis::json::from_str(&text, "generated").unwrap();
        prop_assert_eq!(&parsed, &doc);
        let dir = tempfile::tempdir().unwrap();
        let (_, store) = fresh(&dir, &doc);
        prop_assert_eq!(store.load().unwrap(), doc);
    }

    #[test]
    fn random_edits_are_fully_undone_and_redone(seed in any::<u64>(), steps in 1usize..12) {
        let doc = trellis::generate::random(seed);
        let dir = tempfile::tempdir().unwrap();
        let (_, mut store) = fresh(&dir, &doc);
        let mut rng = trellis::generate::Rng::new(seed ^ 0xA5A5);
        let mut states = vec![store.load().unwrap()];
        for _ in 0..steps {
            let current = states.last().unwrap().clone();
            let op = random_op(&mut rng, &current);
            if store.apply(op).is_ok() {
                let after = store.load().unwrap();
                prop_assert!(after.validate().is_ok(), "an edit left an invalid document: {:?}", after.validate());
                states.push(after);
            }
        }
        for expected in states.iter().rev().skip(1) {
            store.undo().unwrap();
            prop_assert_eq!(&store.load().unwrap(), expected);
        }
        prop_assert!(store.undo().is_err());
        for expected in states.iter().skip(1) {
            store.redo().unwrap();
            prop_assert_eq!(&store.load().unwrap(), expected);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The desktop app answers structural edits, undo and redo with a `DocumentPatch` from the
    /// version the window has to the committed one; applied, it must give that version exactly.
    #[test]
    fn patches_between_versions_rebuild_the_newer_version_exactly(seed in any::<u64>(), steps in 1usize..8) {
        let doc = trellis::generate::random(seed);
        let dir = tempfile::tempdir().unwrap();
        let (_, mut store) = fresh(&dir, &doc);
        let mut rng = trellis::generate::Rng::new(seed ^ 0x5A5A);
        let mut states = vec![store.load().unwrap()];
        for _ in 0..steps {
            let op = random_op(&mut rng, states.last().unwrap());
            if store.apply(op).is_ok() {
                states.push(store.load().unwrap());
            }
        }
        // Forwards (edits, redo), backwards (undo), and between unrelated documents.
        let other = trellis::generate::random(seed.wrapping_add(1));
        let mut pairs: Vec<(&Document, &Document)> = states.windows(2).map(|w| (&w[0], &w[1])).collect();
        pairs.extend(states.windows(2).map(|w| (&w[1], &w[0])));
        pairs.push((&states[0], &other));
        for (old, new) in pairs {
            let patch = DocumentPatch::between(old, new);
            prop_assert_eq!(patch.is_empty(), old == new);
            let text = serde_json::to_string(&patch).unwrap();
            let patch: DocumentPatch = serde_json::from_str(&text).unwrap();
            let mut rebuilt = old.clone();
            patch.apply(&mut rebuilt).unwrap();
            prop_assert_eq!(&rebuilt, new);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// After any edit, undo or redo, re-reading only the parts the change touched brings the
    /// previous copy to exactly what a full load gives, and the patch it reports is exact.
    #[test]
    fn reloading_the_touched_parts_equals_a_full_load(seed in any::<u64>(), steps in 1usize..10) {
        let doc = trellis::generate::random(seed);
        let dir = tempfile::tempdir().unwrap();
        let (_, mut store) = fresh(&dir, &doc);
        let mut rng = trellis::generate::Rng::new(seed ^ 0x3C3C);
        let mut copy = store.load().unwrap();
        let check = |store: &Store, copy: &mut Document| {
            let parts = store.last_change_parts().unwrap();
            refresh_is_exact(store, copy, &format!("parts {parts:?}"))
        };
        for _ in 0..steps {
            let op = random_op(&mut rng, &copy);
            if store.apply(op).is_ok() {
                check(&store, &mut copy)?;
            }
        }
        while store.undo().is_ok() {
            check(&store, &mut copy)?;
        }
        while store.redo().is_ok() {
            check(&store, &mut copy)?;
        }
    }
}

#[test]
fn an_edit_touches_only_the_parts_it_changes() {
    let doc = trellis::generate::random(5);
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = fresh(&dir, &doc);
    assert_eq!(store.last_change_parts().unwrap(), Parts::ALL, "nothing is known before a change");
    let mut objective = doc.objectives[0].clone();
    objective.statement = "Students will compare two estimators.".into();
    store.apply(EditOp::UpdateObjective { objective }).unwrap();
    let parts = store.last_change_parts().unwrap();
    assert!(parts.objectives && parts.curriculum, "{parts:?}");
    assert_eq!(parts, Parts { objectives: true, curriculum: true, ..Parts::default() });
    store.undo().unwrap();
    assert_eq!(store.last_change_parts().unwrap(), parts, "undo touches what the edit touched");
}

#[test]
fn a_patch_applied_to_another_version_is_refused_with_the_missing_entity_named() {
    let old = trellis::generate::random(3);
    let mut new = old.clone();
    new.nodes.reverse();
    let patch = DocumentPatch::between(&old, &new);
    let mut unrelated = trellis::generate::random(4);
    let err = patch.apply(&mut unrelated).unwrap_err().to_string();
    assert!(err.contains("node") && err.contains("does not exist"), "{err}");
}

/// One plausible edit of `doc` (it may be refused; refused edits must change nothing).
fn random_op(rng: &mut trellis::generate::Rng, doc: &Document) -> EditOp {
    if doc.nodes.is_empty() {
        // Every node was deleted by an earlier step: start a new outline.
        let node = Node { parent: None, kind: "course".into(), ..lesson(NodeId::new(), "New course") };
        return EditOp::CreateNode { node, position: None };
    }
    let pick_node = |rng: &mut trellis::generate::Rng| doc.nodes[rng.below(doc.nodes.len())].clone();
    match rng.below(9) {
        0 => {
            let mut node = pick_node(rng);
            node.title = format!("Renamed {}", rng.below(100));
            EditOp::UpdateNode { node }
        }
        1 => EditOp::DeleteNode { id: pick_node(rng).id },
        2 => {
            let node = pick_node(rng);
            let parent = if rng.chance(0.3) { None } else { Some(pick_node(rng).id) };
            EditOp::MoveNode { id: node.id, parent, position: rng.below(4) as u32 }
        }
        3 => {
            let parent = pick_node(rng).id;
            let node = lesson(parent, "New lesson");
            EditOp::CreateNode { node, position: Some(rng.below(3) as u32) }
        }
        4 if !doc.objectives.is_empty() => {
            let mut o = doc.objectives[rng.below(doc.objectives.len())].clone();
            o.statement = "Students will evaluate competing models.".into();
            o.level = Some(BloomLevel::Evaluate);
            EditOp::UpdateObjective { objective: o }
        }
        5 if !doc.objectives.is_empty() => {
            EditOp::DeleteObjective { id: doc.objectives[rng.below(doc.objectives.len())].id }
        }
        6 => {
            let (a, b) = (pick_node(rng).id, pick_node(rng).id);
            EditOp::Link { link: Link::NodePrerequisite { node: a, prerequisite: b } }
        }
        7 if !doc.assessments.is_empty() => {
            let mut a = doc.assessments[rng.below(doc.assessments.len())].clone();
            a.items.reverse();
            a.title = "Reordered".into();
            EditOp::UpdateAssessment { assessment: a }
        }
        _ => EditOp::SetReviewStatus {
            node: pick_node(rng).id,
            status: ReviewStatus::Approved,
            author: "Chair".into(),
            note: "Approved in committee".into(),
        },
    }
}

fn lesson(parent: NodeId, title: &str) -> Node {
    super::support::node(Some(parent), "lesson", title)
}

#[test]
fn deleting_a_unit_cascades_to_its_lessons_objectives_links_and_comments() {
    let doc = example("intro-statistics.json");
    let index = doc.index();
    let unit = doc.nodes.iter().find(|n| n.kind == "unit").unwrap();
    let subtree: Vec<NodeId> = index.subtree(unit.id).iter().map(|n| n.id).collect();
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = fresh(&dir, &doc);
    store
        .apply(EditOp::AddComment {
            comment: Comment {
                id: CommentId::new(),
                target: subtree[1].0,
                parent: None,
                author: "Chair".into(),
                body: "Is this lesson needed?".into(),
                created_at: Timestamp::now(),
                resolved: false,
            },
        })
        .unwrap();
    store.apply(EditOp::DeleteNode { id: unit.id }).unwrap();
    let after = store.load().unwrap();
    assert!(after.validate().is_ok(), "{:?}", after.validate());
    assert!(after.nodes.iter().all(|n| !subtree.contains(&n.id)), "descendant nodes must be gone");
    assert!(after.objectives.iter().all(|o| !subtree.contains(&o.node)));
    assert!(after.activities.iter().all(|a| !subtree.contains(&a.node)));
    assert!(after.assessments.iter().all(|a| !subtree.contains(&a.node)));
    assert!(
        after.comments.iter().all(|c| !subtree.iter().any(|n| n.0 == c.target)),
        "comments follow their target"
    );
    let removed: Vec<ObjectiveId> =
        doc.objectives.iter().filter(|o| subtree.contains(&o.node)).map(|o| o.id).collect();
    assert!(!removed.is_empty());
    for o in &after.objectives {
        assert!(o.supports.iter().all(|s| !removed.contains(s)), "links to deleted objectives must go");
    }
    for a in &after.assessments {
        assert!(a.objectives.iter().all(|s| !removed.contains(s)));
    }
    assert!(after.nodes.iter().all(|n| !n.prerequisites.contains(&unit.id)));
    // And the whole deletion is one undo step.
    store.undo().unwrap();
    store.undo().unwrap();
    assert_eq!(store.load().unwrap().nodes, doc.nodes);
}

#[test]
fn moving_and_inserting_nodes_keeps_sibling_order_dense() {
    let mut doc = Document::new("Order");
    let course = Node { parent: None, kind: "course".into(), ..lesson(NodeId::new(), "Course") };
    doc.nodes.push(course.clone());
    let names = ["A", "B", "C", "D"];
    for n in names {
        doc.nodes.push(lesson(course.id, n));
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = fresh(&dir, &doc);
    let titles = |store: &Store| -> Vec<String> {
        let d = store.load().unwrap();
        d.index().children(course.id).iter().map(|n| n.title.clone()).collect()
    };
    let d = doc.nodes[4].id;
    store.apply(EditOp::MoveNode { id: d, parent: Some(course.id), position: 0 }).unwrap();
    assert_eq!(titles(&store), ["D", "A", "B", "C"]);
    store.apply(EditOp::MoveNode { id: d, parent: Some(course.id), position: 99 }).unwrap();
    assert_eq!(titles(&store), ["A", "B", "C", "D"]);
    store.apply(EditOp::CreateNode { node: lesson(course.id, "X"), position: Some(2) }).unwrap();
    assert_eq!(titles(&store), ["A", "B", "X", "C", "D"]);
    store.apply(EditOp::DeleteNode { id: doc.nodes[1].id }).unwrap();
    assert_eq!(titles(&store), ["B", "X", "C", "D"]);
    let positions: Vec<i64> = store
        .connection()
        .prepare("SELECT position FROM nodes WHERE parent_id = ?1 ORDER BY position")
        .unwrap()
        .query_map([course.id.to_string()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(positions, [0, 1, 2, 3]);
    let err = store.apply(EditOp::MoveNode { id: course.id, parent: Some(d), position: 0 }).unwrap_err();
    assert!(err.to_string().contains("descendants"), "{err}");
}

#[test]
fn links_to_missing_entities_and_cycles_are_refused_without_changes() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = fresh(&dir, &doc);
    let before = store.load().unwrap();
    let activity = doc.activities[0].id;
    let err = store
        .apply(EditOp::Link { link: Link::ActivityObjective { activity, objective: ObjectiveId::new() } })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");

    let units: Vec<&Node> = doc.nodes.iter().filter(|n| n.kind == "unit").collect();
    store
        .apply(EditOp::Link { link: Link::NodePrerequisite { node: units[1].id, prerequisite: units[0].id } })
        .ok();
    let err = store
        .apply(EditOp::Link { link: Link::NodePrerequisite { node: units[0].id, prerequisite: units[1].id } })
        .unwrap_err();
    assert!(matches!(err, Error::Refused(_)) && err.to_string().contains("cycle"), "{err}");

    let mut o = doc.objectives[0].clone();
    o.supports.push(o.id);
    let err = store.apply(EditOp::UpdateObjective { objective: o }).unwrap_err();
    assert!(err.to_string().contains("supports itself"), "{err}");

    let mut bad = doc.assessments[0].clone();
    bad.objectives.push(ObjectiveId::new());
    assert!(store.apply(EditOp::UpdateAssessment { assessment: bad }).is_err());

    drop(store);
    let reopened = Store::open(&path).unwrap().load().unwrap();
    let mut expected = before.clone();
    // The one accepted link (unit 2 requires unit 1) may already have existed.
    expected.nodes = reopened.nodes.clone();
    expected.curriculum.updated_at = reopened.curriculum.updated_at.clone();
    assert_eq!(reopened, expected, "refused edits must not change anything");
}

#[test]
fn undo_and_redo_survive_closing_and_reopening_the_file() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = fresh(&dir, &doc);
    let mut states = vec![store.load().unwrap()];
    let mut node = doc.nodes[1].clone();
    node.title = "Exploring data with R".into();
    store.apply(EditOp::UpdateNode { node }).unwrap();
    states.push(store.load().unwrap());
    let mut objective = doc.objectives[0].clone();
    objective.statement = "Critique published statistical claims.".into();
    store.apply(EditOp::UpdateObjective { objective }).unwrap();
    states.push(store.load().unwrap());
    store.apply(EditOp::DeleteActivity { id: doc.activities[3].id }).unwrap();
    states.push(store.load().unwrap());
    store.apply(EditOp::TakeSnapshot { name: "Submitted".into() }).unwrap();
    states.push(store.load().unwrap());
    drop(store);

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.history().unwrap().undo_depth, 4);
    assert_eq!(store.history().unwrap().undo.as_deref(), Some("Take snapshot"));
    for expected in states.iter().rev().skip(1).take(2) {
        store.undo().unwrap();
        assert_eq!(&store.load().unwrap(), expected);
    }
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.history().unwrap().redo_depth, 2);
    store.redo().unwrap();
    assert_eq!(store.load().unwrap(), states[3]);
    // A new edit clears the redo stack.
    store.apply(EditOp::ResolveComment { id: doc.comments[0].id, resolved: true }).unwrap();
    assert_eq!(store.history().unwrap().redo_depth, 0);
    assert!(matches!(store.redo(), Err(Error::NothingTo("redo"))));
    for _ in 0..4 {
        store.undo().unwrap();
    }
    assert_eq!(store.load().unwrap(), states[0]);
    assert!(matches!(store.undo(), Err(Error::NothingTo("undo"))));
}

#[test]
fn review_status_changes_are_recorded_in_the_audit_trail() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = fresh(&dir, &doc);
    let unit = doc.nodes.iter().find(|n| n.kind == "unit" && n.status == ReviewStatus::Draft).unwrap();
    store
        .apply(EditOp::SetReviewStatus {
            node: unit.id,
            status: ReviewStatus::ChangesRequested,
            author: "Dr. Okafor".into(),
            note: "Add a formative check before the exam.".into(),
        })
        .unwrap();
    let after = store.load().unwrap();
    assert_eq!(after.index().node(unit.id).unwrap().status, ReviewStatus::ChangesRequested);
    let event = after.review_events.last().unwrap();
    assert_eq!(
        (event.node, event.from, event.to),
        (unit.id, ReviewStatus::Draft, ReviewStatus::ChangesRequested)
    );
    assert_eq!(event.author, "Dr. Okafor");
}

// ---------------------------------------------------------------------------------------------
// Bad input: every case gives a clear error and leaves the file exactly as it was.

fn assert_refused_unchanged(path: &Path, expect: impl Fn(&Error) -> bool) {
    let before = file_digest(path);
    let err = Store::open(path).unwrap_err();
    assert!(expect(&err), "unexpected error for {}: {err}", path.display());
    assert!(err.to_string().contains(&path.display().to_string()), "the error must name the file: {err}");
    assert_eq!(file_digest(path), before, "{} was modified", path.display());
    assert!(!path.with_extension("trellis-wal").exists());
}

#[test]
fn random_bytes_are_not_a_trellis_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.trellis");
    let mut rng = trellis::generate::Rng::new(7);
    std::fs::write(&path, (0..4096).map(|_| rng.next_u64() as u8).collect::<Vec<u8>>()).unwrap();
    assert_refused_unchanged(&path, |e| matches!(e, Error::NotTrellis { .. }));
    let empty = dir.path().join("empty.trellis");
    std::fs::write(&empty, b"").unwrap();
    assert_refused_unchanged(&empty, |e| matches!(e, Error::NotTrellis { .. }));
}

#[test]
fn a_truncated_document_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = fresh(&dir, &example("intro-statistics.json"));
    drop(store);
    // Leave WAL mode so the main file holds everything, then cut it.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.trellis");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_refused_unchanged(&cut, |e| matches!(e, Error::Damaged { .. }));
}

#[test]
fn an_sqlite_file_from_another_application_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.trellis");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');").unwrap();
    }
    assert_refused_unchanged(
        &path,
        |e| matches!(e, Error::NotTrellis { reason, .. } if reason.contains("application id")),
    );
}

#[test]
fn a_document_from_a_newer_trellis_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = fresh(&dir, &Document::new("Future"));
    drop(store);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "user_version", trellis::store::SCHEMA_VERSION + 1).unwrap();
    }
    assert_refused_unchanged(&path, |e| matches!(e, Error::TooNew { .. }));
    assert_eq!(Store::open(&path).unwrap_err().code(), ErrorCode::Conflict);
}

#[test]
fn a_document_open_elsewhere_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = fresh(&dir, &Document::new("Busy"));
    store.apply(EditOp::TakeSnapshot { name: "first".into() }).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(err.to_string().contains("open in another"), "{err}");
    assert!(matches!(Store::open_read_only(&path).unwrap_err(), Error::Locked { .. }));
    drop(store);
    Store::open(&path).unwrap();
}

#[test]
fn hostile_json_is_rejected_with_the_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = trellis::json::to_string(&example("intro-statistics.json"));
    let mut cases: Vec<(&str, String, &str)> = vec![
        ("wrong type", good.replacen("\"format\": 1", "\"format\": \"one\"", 1), "line 2"),
        ("not JSON", "{\"format\": 1,".to_owned(), "line 1"),
        ("unknown field", good.replacen("\"format\": 1,", "\"format\": 1, \"sneaky\": true,", 1), "sneaky"),
        (
            "deep nesting",
            good.replacen(
                "\"fields\": {",
                &format!("\"fields\": {{\"deep\": {}{},", "[".repeat(100_000), "]".repeat(100_000)),
                1,
            ),
            "recursion limit",
        ),
    ];
    // A dangling reference: point an activity at an objective that does not exist.
    let doc = example("intro-statistics.json");
    let mut broken = doc.clone();
    broken.activities[0].objectives = vec![ObjectiveId::new()];
    let dangling = trellis::json::to_string(&broken);
    cases.push(("dangling id", dangling, "does not exist"));
    // A 100 MB string in a title.
    let huge = good.replacen(
        &format!("\"title\": {}", serde_json::to_string(&doc.curriculum.title).unwrap()),
        &format!("\"title\": \"{}\"", "x".repeat(100 << 20)),
        1,
    );
    cases.push(("100 MB string", huge, "limit"));

    for (name, text, needle) in cases {
        let src = dir.path().join(format!("{}.json", name.replace(' ', "-")));
        std::fs::write(&src, &text).unwrap();
        let Err(err) = trellis::json::read(&src) else { panic!("{name}: accepted") };
        let message = err.to_string();
        assert!(message.contains(&src.display().to_string()), "{name}: error must name the file: {message}");
        assert!(message.contains(needle), "{name}: expected {needle:?} in {message}");
        // Through the CLI: nothing may be created.
        let out = dir.path().join(format!("{}.trellis", name.replace(' ', "-")));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
            .args(["import", out.to_str().unwrap(), "--from", "json", src.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(status.status.code(), Some(3), "{name}: exit code 3 for invalid input");
        assert!(!out.exists(), "{name}: a half-imported file was left behind");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{name}: temporary files left behind");
    }
}

// ---------------------------------------------------------------------------------------------
// Durability: a child process commits edits and reports each one; we SIGKILL it at random
// points and check that every reported edit is in the file and the file is sound.

const CHILD_ENV: &str = "TRELLIS_DURABILITY_CHILD";
const MODE_ENV: &str = "TRELLIS_DURABILITY_MODE";

#[test]
#[ignore = "runs only as the child of killing_the_writer_never_loses_a_committed_edit"]
fn durability_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let mut store = Store::open(Path::new(&path)).unwrap();
    let doc = store.load().unwrap();
    match std::env::var(MODE_ENV).as_deref() {
        // Undo and redo the newest edit, over and over.
        Ok("undo") => {
            for i in 0.. {
                if store.history().unwrap().undo_depth > 0 {
                    store.undo().unwrap();
                } else {
                    store.redo().unwrap();
                }
                println!("committed {i}");
            }
        }
        // Import (replace the document) back and forth between two versions.
        Ok("import") => {
            let other = imported_version(&doc);
            for i in 0.. {
                let next = if i % 2 == 0 { other.clone() } else { doc.clone() };
                store.apply(EditOp::ReplaceDocument { document: Box::new(next) }).unwrap();
                println!("committed {i}");
            }
        }
        _ => {}
    }
    let parent = doc.nodes[0].id;
    for i in 0.. {
        let node = lesson(parent, &format!("edit-{i}"));
        store.apply(EditOp::CreateNode { node, position: None }).unwrap();
        println!("committed {i}");
    }
}

#[test]
fn killing_the_writer_never_loses_a_committed_edit() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::new("Durability");
    doc.nodes.push(Node { parent: None, kind: "course".into(), ..lesson(NodeId::new(), "Course") });
    let (path, store) = fresh(&dir, &doc);
    drop(store);
    let mut rng = trellis::generate::Rng::new(2026);
    let mut total = 0;
    for round in 0..5 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "store::durability_child", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stop_after = 5 + rng.below(60);
        let mut reported = Vec::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while let Some(Ok(line)) = lines.next() {
            if let Some(n) = line.strip_prefix("committed ") {
                reported.push(n.to_owned());
                if reported.len() >= stop_after {
                    break;
                }
            }
        }
        // SIGKILL: no destructors, no clean close.
        child.kill().unwrap();
        child.wait().unwrap();
        let store = Store::open(&path).unwrap_or_else(|e| panic!("round {round}: reopen failed: {e}"));
        let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok", "round {round}");
        let loaded = store.load().unwrap();
        assert!(loaded.validate().is_ok());
        let titles: Vec<&str> = loaded.nodes.iter().map(|n| n.title.as_str()).collect();
        let missing: Vec<&String> =
            reported.iter().filter(|n| !titles.contains(&format!("edit-{n}").as_str())).collect();
        assert!(missing.is_empty(), "round {round}: committed edits lost: {missing:?}");
        total += reported.len();
        // Renumber so the next round's titles stay distinct.
        drop(store);
        let mut s = Store::open(&path).unwrap();
        let d = s.load().unwrap();
        for n in d.nodes.iter().filter(|n| n.title.starts_with("edit-")) {
            let mut n = n.clone();
            n.title = format!("round{round}-{}", n.title);
            s.apply(EditOp::UpdateNode { node: n }).unwrap();
        }
    }
    assert!(total >= 25, "the child must have committed edits ({total})");
}

/// What an import into `doc` makes of it in the durability tests: many rows of many tables
/// changed, some entities removed.
fn imported_version(doc: &Document) -> Document {
    let mut next = doc.clone();
    next.curriculum.title = "Imported".into();
    for (i, node) in next.nodes.iter_mut().enumerate().filter(|(i, _)| i % 3 == 0) {
        node.title = format!("Imported node {i}");
    }
    for o in next.objectives.iter_mut().step_by(2) {
        o.statement = "Students will evaluate an imported claim.".into();
    }
    let gone: Vec<ActivityId> = next.activities.iter().step_by(4).map(|a| a.id).collect();
    next.activities.retain(|a| !gone.contains(&a.id));
    next.comments.retain(|c| !gone.iter().any(|g| g.0 == c.target));
    next.normalize();
    next.validate().unwrap();
    next
}

/// Starts the durability child on `path` in `mode`, lets it report `stop_after` commits, then
/// SIGKILLs it.
fn kill_child_after(path: &Path, mode: &str, stop_after: usize) -> usize {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "store::durability_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .env(MODE_ENV, mode)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut reported = 0;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.contains("committed ") {
            reported += 1;
            if reported >= stop_after {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    reported
}

/// Opens the file after a kill: it must open, pass the integrity check, validate, and equal one
/// of the committed states; its history must still undo and redo.
fn assert_sound_and_one_of(path: &Path, states: &[Document], round: usize) -> usize {
    let mut store = Store::open(path).unwrap_or_else(|e| panic!("round {round}: reopen failed: {e}"));
    let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok", "round {round}");
    let loaded = store.load().unwrap();
    assert!(loaded.validate().is_ok(), "round {round}");
    let text = trellis::json::to_string(&loaded);
    let which = states
        .iter()
        .position(|s| trellis::json::to_string(s) == text)
        .unwrap_or_else(|| panic!("round {round}: the file is none of the committed states"));
    // The journal survived too: undoing (or redoing, when the newest step was undone) gives a
    // committed state, and the opposite step this one again.
    type Replay = fn(&mut Store) -> trellis::Result<String>;
    let (there, back): (Replay, Replay) = if store.history().unwrap().undo_depth > 0 {
        (Store::undo, Store::redo)
    } else {
        (Store::redo, Store::undo)
    };
    there(&mut store).unwrap();
    let moved = trellis::json::to_string(&store.load().unwrap());
    assert!(states.iter().any(|s| trellis::json::to_string(s) == moved), "round {round}: undo/redo");
    back(&mut store).unwrap();
    assert_eq!(trellis::json::to_string(&store.load().unwrap()), text, "round {round}: and back");
    which
}

#[test]
fn killing_the_writer_during_undo_and_redo_leaves_a_committed_state() {
    let dir = tempfile::tempdir().unwrap();
    let doc = trellis::generate::large(trellis::generate::Scale { courses: 3, units: 4, lessons: 3 });
    let (path, mut store) = fresh(&dir, &doc);
    let before = store.load().unwrap();
    // One large edit to undo and redo: the whole outline renamed.
    let mut after = before.clone();
    for n in &mut after.nodes {
        n.title = format!("{} (revised)", n.title);
    }
    store.apply(EditOp::ReplaceDocument { document: Box::new(after) }).unwrap();
    let after = store.load().unwrap();
    drop(store);
    let states = [before, after];
    let mut rng = trellis::generate::Rng::new(41);
    let mut seen = [0, 0];
    for round in 0..4 {
        let reported = kill_child_after(&path, "undo", 3 + rng.below(20));
        assert!(reported >= 3, "round {round}: the child must have committed");
        seen[assert_sound_and_one_of(&path, &states, round)] += 1;
    }
    assert!(seen.iter().sum::<usize>() == 4, "{seen:?}");
}

#[test]
fn killing_the_writer_during_imports_leaves_a_committed_state() {
    let dir = tempfile::tempdir().unwrap();
    let doc = trellis::generate::large(trellis::generate::Scale { courses: 3, units: 4, lessons: 3 });
    let (path, store) = fresh(&dir, &doc);
    let first = store.load().unwrap();
    drop(store);
    let states = [first.clone(), imported_version(&first)];
    let mut rng = trellis::generate::Rng::new(43);
    for round in 0..4 {
        let reported = kill_child_after(&path, "import", 2 + rng.below(12));
        assert!(reported >= 2, "round {round}: the child must have committed");
        assert_sound_and_one_of(&path, &states, round);
        // The next child alternates from the document as it is now: start it from the first.
        let mut s = Store::open(&path).unwrap();
        s.apply(EditOp::ReplaceDocument { document: Box::new(first.clone()) }).unwrap();
    }
}

/// The journal and document replacement name tables and columns only from the compiled-in
/// list; it must be exactly the schema the migrations create.
#[test]
fn the_compiled_in_table_list_matches_the_schema() {
    use trellis::store::journal::{TABLE_DEFS, TABLES};
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = fresh(&dir, &Document::new("Tables"));
    let conn = store.connection();
    let names: Vec<&str> = TABLE_DEFS.iter().map(|t| t.name).collect();
    assert_eq!(names, TABLES);
    let mut in_file: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'journal%' AND name NOT LIKE 'evidence%' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    in_file.sort();
    let mut compiled: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    compiled.sort();
    assert_eq!(in_file, compiled);
    for table in TABLE_DEFS {
        let info: Vec<(String, i64)> = conn
            .prepare(&format!("SELECT name, pk FROM pragma_table_info('{}') ORDER BY cid", table.name))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let columns: Vec<&str> = info.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(columns, table.columns, "{}", table.name);
        let mut key: Vec<(i64, &str)> =
            info.iter().filter(|(_, pk)| *pk > 0).map(|(c, pk)| (*pk, c.as_str())).collect();
        key.sort();
        let key: Vec<&str> = key.into_iter().map(|(_, c)| c).collect();
        assert_eq!(key, table.key, "{}", table.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Row-level refresh (see docs in `src/store/refresh.rs`): after any mix of structural edits
    /// (moves of nodes, objectives, activities and assessments, deletes with their cascades,
    /// link edits, rubric and comment changes) interleaved with undo and redo, the refreshed copy
    /// equals a full load and the patch equals the one a whole-document diff gives.
    #[test]
    fn refreshing_only_the_touched_rows_equals_a_full_load(seed in any::<u64>(), steps in 1usize..24) {
        let doc = trellis::generate::random(seed);
        let dir = tempfile::tempdir().unwrap();
        let (_, mut store) = fresh(&dir, &doc);
        let mut rng = trellis::generate::Rng::new(seed ^ 0x5A5A);
        let mut copy = store.load().unwrap();
        for step in 0..steps {
            let changed = match rng.below(6) {
                0 => store.undo().is_ok(),
                1 => store.redo().is_ok(),
                _ => {
                    let op = structural_op(&mut rng, &copy);
                    store.apply(op).is_ok()
                }
            };
            if changed {
                refresh_is_exact(&store, &mut copy, &format!("step {step}"))?;
            }
        }
    }
}

/// `refresh` re-reads what the last change touched and says what changed: the refreshed `copy`
/// must equal a full load, the patch the whole-document diff, and applying the patch to the old
/// copy must give the new one. `what` names the change in a failure.
fn refresh_is_exact(store: &Store, copy: &mut Document, what: &str) -> Result<(), TestCaseError> {
    let old = copy.clone();
    let patch = store.refresh(copy).unwrap();
    prop_assert_eq!(&*copy, &store.load().unwrap(), "{}", what);
    prop_assert_eq!(&patch, &DocumentPatch::between(&old, copy), "{}", what);
    let mut rebuilt = old;
    patch.apply(&mut rebuilt).unwrap();
    prop_assert_eq!(&rebuilt, &*copy, "{}", what);
    Ok(())
}

/// One structural edit of `doc` (it may be refused): moves, deletes with cascades, creations at
/// positions, links made and removed, rubric, comment and snapshot changes.
fn structural_op(rng: &mut trellis::generate::Rng, doc: &Document) -> EditOp {
    if doc.nodes.is_empty() {
        let node = Node { parent: None, kind: "course".into(), ..lesson(NodeId::new(), "New course") };
        return EditOp::CreateNode { node, position: None };
    }
    let node = |rng: &mut trellis::generate::Rng| doc.nodes[rng.below(doc.nodes.len())].id;
    let position = |rng: &mut trellis::generate::Rng| rng.below(5) as u32;
    let objective = |rng: &mut trellis::generate::Rng| {
        (!doc.objectives.is_empty()).then(|| doc.objectives[rng.below(doc.objectives.len())].id)
    };
    match rng.below(20) {
        0 => {
            let parent = if rng.chance(0.2) { None } else { Some(node(rng)) };
            EditOp::MoveNode { id: node(rng), parent, position: position(rng) }
        }
        1 => EditOp::DeleteNode { id: node(rng) },
        2 => EditOp::CreateNode { node: lesson(node(rng), "Inserted lesson"), position: Some(position(rng)) },
        3 if !doc.objectives.is_empty() => {
            EditOp::MoveObjective { id: objective(rng).unwrap(), node: node(rng), position: position(rng) }
        }
        4 if !doc.objectives.is_empty() => EditOp::DeleteObjective { id: objective(rng).unwrap() },
        5 if !doc.objectives.is_empty() => {
            let mut o = doc.objectives[rng.below(doc.objectives.len())].clone();
            o.id = ObjectiveId::new();
            o.node = node(rng);
            o.supports.clear();
            o.prerequisites.clear();
            EditOp::CreateObjective { objective: o, position: Some(position(rng)) }
        }
        6 if !doc.activities.is_empty() => {
            let id = doc.activities[rng.below(doc.activities.len())].id;
            EditOp::MoveActivity { id, node: node(rng), position: position(rng) }
        }
        7 if !doc.activities.is_empty() => {
            EditOp::DeleteActivity { id: doc.activities[rng.below(doc.activities.len())].id }
        }
        8 if !doc.assessments.is_empty() => {
            let id = doc.assessments[rng.below(doc.assessments.len())].id;
            EditOp::MoveAssessment { id, node: node(rng), position: position(rng) }
        }
        9 if !doc.assessments.is_empty() => {
            EditOp::DeleteAssessment { id: doc.assessments[rng.below(doc.assessments.len())].id }
        }
        10 if !doc.assessments.is_empty() => {
            let mut a = doc.assessments[rng.below(doc.assessments.len())].clone();
            a.items.reverse();
            a.items.pop();
            a.objectives.reverse();
            EditOp::UpdateAssessment { assessment: a }
        }
        11 if !doc.rubrics.is_empty() => {
            // Assessments that use it lose the reference (ON DELETE SET NULL).
            EditOp::DeleteRubric { id: doc.rubrics[rng.below(doc.rubrics.len())].id }
        }
        12 if !doc.rubrics.is_empty() => {
            let mut r = doc.rubrics[rng.below(doc.rubrics.len())].clone();
            r.criteria.reverse();
            r.levels.pop();
            for c in &mut r.criteria {
                c.descriptors.retain(|d| r.levels.iter().any(|l| l.id == d.level));
            }
            EditOp::UpdateRubric { rubric: r }
        }
        13 if doc.objectives.len() > 1 => {
            let (a, b) = (objective(rng).unwrap(), objective(rng).unwrap());
            let link = match rng.below(3) {
                0 => Link::ObjectiveSupports { objective: a, supports: b },
                1 => Link::ObjectivePrerequisite { objective: a, prerequisite: b },
                _ => Link::NodePrerequisite { node: node(rng), prerequisite: node(rng) },
            };
            if rng.chance(0.5) { EditOp::Link { link } } else { EditOp::Unlink { link } }
        }
        14 if !doc.activities.is_empty() && !doc.objectives.is_empty() => {
            let activity = &doc.activities[rng.below(doc.activities.len())];
            match activity.objectives.first() {
                Some(&objective) if rng.chance(0.5) => {
                    EditOp::Unlink { link: Link::ActivityObjective { activity: activity.id, objective } }
                }
                _ => EditOp::Link {
                    link: Link::ActivityObjective {
                        activity: activity.id,
                        objective: objective(rng).unwrap(),
                    },
                },
            }
        }
        15 if !doc.assessments.is_empty() && !doc.objectives.is_empty() => {
            let a = &doc.assessments[rng.below(doc.assessments.len())];
            match a.items.first() {
                Some(item) => EditOp::Link {
                    link: Link::ItemObjective { item: item.id, objective: objective(rng).unwrap() },
                },
                None => EditOp::Link {
                    link: Link::AssessmentObjective { assessment: a.id, objective: objective(rng).unwrap() },
                },
            }
        }
        16 => EditOp::AddComment {
            comment: Comment {
                id: CommentId::new(),
                target: node(rng).uuid(),
                parent: None,
                author: "Reviewer".into(),
                body: "Check the pacing.".into(),
                created_at: Timestamp("2026-01-01T00:00:00Z".into()),
                resolved: false,
            },
        },
        17 if !doc.comments.is_empty() => {
            EditOp::DeleteComment { id: doc.comments[rng.below(doc.comments.len())].id }
        }
        18 => EditOp::SetReviewStatus {
            node: node(rng),
            status: ReviewStatus::InReview,
            author: "Chair".into(),
            note: String::new(),
        },
        _ => {
            let mut n = doc.nodes[rng.below(doc.nodes.len())].clone();
            n.title = format!("Renamed {}", rng.below(100));
            EditOp::UpdateNode { node: n }
        }
    }
}

#[test]
fn a_step_too_large_for_row_by_row_refresh_still_refreshes_exactly() {
    let small = trellis::generate::random(11);
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = fresh(&dir, &small);
    let mut copy = store.load().unwrap();
    // Replacing the document with a larger one journals more rows than the row-level refresh
    // takes on (trellis::store::MAX_ROW_CHANGES): the touched tables are read whole.
    let large = trellis::generate::large(trellis::generate::Scale { courses: 2, units: 4, lessons: 4 });
    store.apply(EditOp::ReplaceDocument { document: Box::new(large) }).unwrap();
    let rows: i64 = store.connection().query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).unwrap();
    assert!(rows > trellis::store::MAX_ROW_CHANGES, "{rows} journal rows");
    for undo in [None, Some(true), Some(false)] {
        match undo {
            Some(true) => drop(store.undo().unwrap()),
            Some(false) => drop(store.redo().unwrap()),
            None => {}
        }
        refresh_is_exact(&store, &mut copy, &format!("{undo:?}")).unwrap();
    }
}

/// An update writes every field it owns to its column: each kind of entity that is edited in
/// place (curriculum, node, objective, activity, assessment, rubric) gets the fields of another
/// one of its kind, and the document read back from a reopened store is the edited one.
#[test]
fn in_place_updates_write_every_field_of_the_entity() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = fresh(&dir, &doc);
    let mut expected = doc.clone();

    let other = example("nursing-pharmacology.json").curriculum;
    let c = &mut expected.curriculum;
    (c.title, c.code, c.description, c.audience, c.level) =
        (other.title, other.code, other.description, other.audience, other.level);
    (c.language, c.credit_system, c.credits, c.weeks) = ("fr".into(), CreditSystem::Ects, Some(7.5), Some(9));
    (c.template, c.objective_profile) = (Some("k12-unit".into()), Some("weekly".into()));
    store.apply(EditOp::UpdateCurriculum { curriculum: expected.curriculum.clone() }).unwrap();

    let lessons: Vec<usize> = (0..doc.nodes.len()).filter(|&i| doc.nodes[i].kind == "lesson").collect();
    let (to, from) = (lessons[0], lessons[lessons.len() - 1]);
    let from = doc.nodes[from].clone();
    let n = &mut expected.nodes[to];
    (n.code, n.title, n.summary, n.duration_minutes, n.week) =
        (from.code, from.title, from.summary, Some(95), Some(13));
    (n.fields, n.status) = (from.fields, ReviewStatus::Approved);
    store.apply(EditOp::UpdateNode { node: n.clone() }).unwrap();

    let from = doc.objectives[doc.objectives.len() - 1].clone();
    let o = &mut expected.objectives[0];
    (o.code, o.statement, o.abcd, o.level, o.level_source, o.knowledge, o.domain) =
        (from.code, from.statement, from.abcd, from.level, from.level_source, from.knowledge, from.domain);
    store.apply(EditOp::UpdateObjective { objective: o.clone() }).unwrap();

    let from = doc.activities[doc.activities.len() - 1].clone();
    let a = &mut expected.activities[0];
    (a.title, a.kind, a.instructions, a.duration_minutes, a.grouping, a.event) =
        (from.title, from.kind, from.instructions, Some(41), from.grouping, Some("Lab 3".into()));
    store.apply(EditOp::UpdateActivity { activity: a.clone() }).unwrap();

    let from = doc.assessments[doc.assessments.len() - 1].clone();
    let a = &mut expected.assessments[0];
    (a.title, a.purpose, a.format, a.instructions, a.points) =
        (from.title, from.purpose, from.format, from.instructions, Some(17.0));
    (a.weight, a.duration_minutes, a.mastery_score, a.rubric) =
        (Some(0.35), Some(50), Some(0.6), doc.rubrics.first().map(|r| r.id));
    store.apply(EditOp::UpdateAssessment { assessment: a.clone() }).unwrap();

    if let Some(r) = expected.rubrics.first_mut() {
        (r.title, r.description) = ("Renamed rubric".into(), "A new description".into());
        store.apply(EditOp::UpdateRubric { rubric: r.clone() }).unwrap();
    }
    drop(store);

    let back = Store::open(&path).unwrap().load().unwrap();
    // Every edit stamps the change time.
    expected.curriculum.updated_at = back.curriculum.updated_at.clone();
    let (back_text, expected_text) = (trellis::json::to_string(&back), trellis::json::to_string(&expected));
    let differing: Vec<(&str, &str)> =
        back_text.lines().zip(expected_text.lines()).filter(|(b, e)| b != e).take(5).collect();
    assert!(back_text == expected_text, "read back ≠ edited: {differing:#?}");
    assert_ne!(
        trellis::json::to_string(&back),
        trellis::json::to_string(&doc),
        "the edits changed the document"
    );
}
