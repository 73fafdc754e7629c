//! The conflicts `trellis merge` writes to a merged folder's `conflicts/merge.json`, listed and
//! resolved through `trellis::workspace` (`Workspace::merge_conflicts`,
//! `Workspace::resolve_merge_conflict`): each choice (ours, theirs, an edited value) is one
//! undoable step written to the entity's file, the file loses the conflict and is removed with
//! the last one; a hostile or stale file (not JSON, huge, wrong kind, unknown ids, a value that
//! does not fit) is refused naming the file and the place, and changes nothing. Also the look
//! for files changed underneath (`folder::sync::Looker`): an edit in place, a file replaced by a
//! rename, an added and a removed file are all seen, in small sub-folders (every file stated)
//! and in larger ones (listed only when their own stamp changed, files stated in turn).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use trellis::folder::conflicts::Resolution;
use trellis::model::Document;
use trellis::workspace::Workspace;
use trellis::workspace::merge_conflicts::{self, FILE, LABEL};

use super::support::root;

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

/// `base`, `ours` and `theirs` written as folders in `dir` and merged by the `trellis` CLI into
/// `ours`, which must report conflicts (exit code 1); the merged folder.
fn merge_folders(dir: &Path, [base, ours, theirs]: [&Document; 3]) -> PathBuf {
    for (name, doc) in [("base", base), ("ours", ours), ("theirs", theirs)] {
        trellis::folder::write(doc, &dir.join(name)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["merge", "base", "ours", "theirs", "-o", "ours"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    dir.join("ours")
}

/// Three folders merged by the `trellis` CLI into `ours`: objective 4's statement changed both
/// ways (one conflict) and, when `two`, node 2's title too. Returns the scratch dir and the
/// merged folder.
fn merged_with_conflicts(two: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.objectives[4].statement = "Ours: explain sampling error.".into();
    theirs.objectives[4].statement = "Theirs: describe sampling error.".into();
    theirs.objectives[0].code = "CO1-theirs".into();
    if two {
        ours.nodes[2].title = "Our unit title".into();
        theirs.nodes[2].title = "Their unit title".into();
    }
    let course = merge_folders(dir.path(), [&base, &ours, &theirs]);
    assert!(course.join(FILE).is_file());
    (dir, course)
}

fn objective_file(course: &Path, doc: &Document, i: usize) -> PathBuf {
    course.join(format!("objectives/{}.md", doc.objectives[i].id))
}

#[test]
fn a_conflict_listed_from_the_file_is_resolved_to_theirs_as_one_undo_step_and_the_file_removed() {
    let (_dir, course) = merged_with_conflicts(false);
    let mut ws = Workspace::open(&course).unwrap();
    let target = ws.document().objectives[4].clone();
    let listed = ws.merge_conflicts().unwrap();
    assert_eq!(listed.len(), 1);
    let c = &listed[0];
    assert_eq!(
        (c.kind.as_str(), c.id.as_str(), c.field.as_str()),
        ("objective", &*target.id.to_string(), "statement")
    );
    assert_eq!(c.path, format!("objectives[{}].statement", target.id));
    assert_eq!(c.title, "Ours: explain sampling error.", "the entity's title as the folder holds it");
    assert_eq!(c.ours.as_ref().and_then(|v| v.as_str()), Some("Ours: explain sampling error."));
    assert_eq!(c.theirs.as_ref().and_then(|v| v.as_str()), Some("Theirs: describe sampling error."));
    assert!(c.base.as_ref().and_then(|v| v.as_str()).is_some_and(|b| b == example().objectives[4].statement));

    let (change, left) = ws.resolve_merge_conflict(c.index, &c.path, &Resolution::Theirs).unwrap();
    let change = change.expect("the document changed");
    assert_eq!(change.label, LABEL);
    assert!(left.is_empty());
    assert!(!course.join(FILE).exists(), "the file goes with its last conflict");
    assert!(!course.join("conflicts").exists(), "and the empty conflicts folder with it");
    let doc = ws.document().clone();
    assert_eq!(doc.objectives[4].statement, "Theirs: describe sampling error.");
    let text = std::fs::read_to_string(objective_file(&course, &doc, 4)).unwrap();
    assert!(text.contains("Theirs: describe sampling error."), "{text}");
    // What was merged cleanly stays; the folder reads back as the window holds it.
    assert_eq!(doc.objectives[0].code, "CO1-theirs");
    assert_eq!(trellis::folder::read(&course).unwrap().objectives[4].statement, doc.objectives[4].statement);
    // One undo step takes the choice back, in the file too.
    assert_eq!(ws.history().unwrap().undo.as_deref(), Some(LABEL));
    ws.undo().unwrap();
    assert_eq!(ws.document().objectives[4].statement, "Ours: explain sampling error.");
    assert!(std::fs::read_to_string(objective_file(&course, &doc, 4)).unwrap().contains("Ours: explain"));
}

#[test]
fn each_conflict_is_its_own_step_and_the_file_keeps_those_left() {
    let (_dir, course) = merged_with_conflicts(true);
    let mut ws = Workspace::open(&course).unwrap();
    let listed = ws.merge_conflicts().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let node = listed.iter().find(|c| c.kind == "node").unwrap().clone();
    let objective = listed.iter().find(|c| c.kind == "objective").unwrap().clone();
    assert_eq!(node.title, "Our unit title");

    // An edited value.
    let edited = Resolution::Edit(serde_json::json!("Both: explain and describe sampling error."));
    let (change, left) = ws.resolve_merge_conflict(objective.index, &objective.path, &edited).unwrap();
    assert!(change.is_some());
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].path, node.path);
    assert!(course.join(FILE).is_file(), "one conflict is still listed");
    // Ours is what the merged folder already holds: no step, only the file changes.
    let steps = ws.history().unwrap();
    let (change, left) = ws.resolve_merge_conflict(left[0].index, &left[0].path, &Resolution::Ours).unwrap();
    assert!(change.is_none());
    assert!(left.is_empty());
    assert_eq!(ws.history().unwrap().undo, steps.undo);
    assert!(!course.join(FILE).exists());
    let doc = ws.document();
    assert_eq!(doc.objectives[4].statement, "Both: explain and describe sampling error.");
    assert_eq!(doc.nodes[2].title, "Our unit title");
    // Nothing more to list.
    assert!(ws.merge_conflicts().unwrap().is_empty());
}

#[test]
fn a_conflict_listed_before_the_file_changed_is_refused() {
    let (_dir, course) = merged_with_conflicts(true);
    let mut ws = Workspace::open(&course).unwrap();
    let listed = ws.merge_conflicts().unwrap();
    let before = std::fs::read(course.join(FILE)).unwrap();
    let err = ws
        .resolve_merge_conflict(listed[0].index, "objectives[x].statement", &Resolution::Theirs)
        .unwrap_err();
    assert!(err.to_string().contains(FILE), "{err}");
    let err = ws.resolve_merge_conflict(7, &listed[0].path, &Resolution::Theirs).unwrap_err();
    assert!(err.to_string().contains("list the conflicts again"), "{err}");
    assert_eq!(std::fs::read(course.join(FILE)).unwrap(), before);
}

/// Replaces the merged folder's conflicts file with `text`, then checks that listing and
/// resolving are refused with an error naming the file and `place`, and that nothing changed.
fn refused(text: &[u8], place: &str) {
    let (_dir, course) = merged_with_conflicts(false);
    let mut ws = Workspace::open(&course).unwrap();
    let listed = ws.merge_conflicts().unwrap();
    std::fs::write(course.join(FILE), text).unwrap();
    let doc = ws.document().clone();
    let history = ws.history().unwrap();
    let files: Vec<_> = walk(&course);
    let err = ws.merge_conflicts().unwrap_err().to_string();
    assert!(err.contains(FILE) && err.contains(place), "{err}");
    let err = ws.resolve_merge_conflict(0, &listed[0].path, &Resolution::Theirs).unwrap_err().to_string();
    assert!(err.contains(FILE), "{err}");
    assert_eq!(ws.document(), &doc);
    assert_eq!(ws.history().unwrap().undo, history.undo);
    assert_eq!(std::fs::read(course.join(FILE)).unwrap(), text, "the file is kept as it was");
    assert_eq!(walk(&course), files, "no file of the folder changed");
}

/// Every file of a folder (outside the cache) with its bytes.
fn walk(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.ends_with(trellis::workspace::CACHE_DIR) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn conflicts_json(conflicts: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "kind": "trellis-merge-conflicts", "format": 1, "conflicts": conflicts, "findings": []
    }))
    .unwrap()
}

#[test]
fn a_conflicts_file_that_is_not_json_is_refused_with_its_line() {
    refused(b"{\n  \"kind\": \"trellis-merge-conflicts\",\n  oops\n}\n", "line 3");
}

#[test]
fn a_conflicts_file_of_another_kind_or_format_is_refused() {
    refused(br#"{"kind":"something-else","format":1,"conflicts":[],"findings":[]}"#, "something-else");
    refused(br#"{"kind":"trellis-merge-conflicts","format":9,"conflicts":[],"findings":[]}"#, "format 9");
}

#[test]
fn a_huge_conflicts_file_is_refused_before_it_is_read() {
    let mut huge =
        b"{\"kind\":\"trellis-merge-conflicts\",\"format\":1,\"conflicts\":[],\"findings\":[],\"pad\":\""
            .to_vec();
    huge.resize((merge_conflicts::MAX_BYTES + 10) as usize, b'x');
    refused(&huge, "limit");
}

#[test]
fn a_conflict_naming_an_unknown_entity_is_refused_with_its_place() {
    let unknown = "0190aaaa-0000-7000-8000-000000000000";
    refused(
        &conflicts_json(serde_json::json!([{
            "path": format!("objectives[{unknown}].statement"), "kind": "objective", "id": unknown,
            "field": "statement", "base": "a", "ours": "b", "theirs": "c"
        }])),
        &format!("conflicts[0] (objectives[{unknown}].statement): no objective {unknown}"),
    );
}

#[test]
fn a_conflict_whose_path_does_not_parse_is_refused_with_its_place() {
    refused(
        &conflicts_json(serde_json::json!([{
            "path": "objectives[", "kind": "objective", "id": "x", "field": "", "base": null, "ours": 1, "theirs": 2
        }])),
        "conflicts[0]",
    );
}

#[test]
fn a_choice_that_does_not_fit_the_document_changes_nothing() {
    let (_dir, course) = merged_with_conflicts(false);
    let mut ws = Workspace::open(&course).unwrap();
    let c = ws.merge_conflicts().unwrap().remove(0);
    let before = std::fs::read(course.join(FILE)).unwrap();
    let doc = ws.document().clone();
    // A number where the statement is text.
    let err =
        ws.resolve_merge_conflict(c.index, &c.path, &Resolution::Edit(serde_json::json!(42))).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(FILE) && text.contains("conflicts[0]"), "{text}");
    // Text over the field's limit breaks an invariant.
    let long = "x".repeat((1 << 20) + 1);
    let err =
        ws.resolve_merge_conflict(c.index, &c.path, &Resolution::Edit(serde_json::json!(long))).unwrap_err();
    assert!(err.to_string().contains(FILE), "{err}");
    assert_eq!(ws.document(), &doc);
    assert_eq!(std::fs::read(course.join(FILE)).unwrap(), before, "never removed when a choice failed");
    assert_eq!(ws.merge_conflicts().unwrap().len(), 1);
}

#[test]
fn an_entity_deleted_on_one_side_and_edited_on_the_other_can_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    // An activity nothing else points at, deleted by us and edited by them.
    let gone = base.activities.iter().find(|a| !base.comments.iter().any(|c| c.target == a.id.0)).unwrap().id;
    ours.activities.retain(|a| a.id != gone);
    theirs.activities.iter_mut().find(|a| a.id == gone).unwrap().title = "Edited by them".into();
    let course = merge_folders(dir.path(), [&base, &ours, &theirs]);
    let mut ws = Workspace::open(&course).unwrap();
    let c = ws.merge_conflicts().unwrap().remove(0);
    assert_eq!((c.kind.as_str(), c.field.as_str(), c.title.as_str()), ("activity", "", "Edited by them"));
    assert!(c.ours.is_none());
    let file = course.join(format!("activities/{gone}.md"));
    assert!(file.is_file(), "the merge keeps the edited entity");
    ws.resolve_merge_conflict(c.index, &c.path, &Resolution::Ours).unwrap();
    assert!(!file.exists(), "ours deleted it");
    assert!(ws.document().activities.iter().all(|a| a.id != gone));
    assert!(!course.join(FILE).exists());
}

#[test]
fn the_look_for_changed_files_sees_an_edit_in_place_an_added_and_a_removed_file() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("course");
    let doc = example();
    trellis::folder::write(&doc, &course).unwrap();
    let mut ws = Workspace::open(&course).unwrap();
    assert!(ws.refresh().unwrap().files.is_empty());

    // An edit in place: same file, same directory entries (only the file's own mtime moves).
    let node = &doc.nodes[1];
    let node_file = format!("nodes/{}.md", node.id);
    let text = std::fs::read_to_string(course.join(&node_file)).unwrap();
    let edited = text.replace(&format!("title = \"{}\"", node.title), "title = \"Edited in place\"");
    assert_ne!(edited, text);
    {
        use std::io::Write;
        let mut f =
            std::fs::OpenOptions::new().write(true).truncate(true).open(course.join(&node_file)).unwrap();
        f.write_all(edited.as_bytes()).unwrap();
    }
    let found = ws.refresh().unwrap();
    assert_eq!(found.files, vec![node_file.clone()]);
    assert_eq!(ws.document().nodes[1].title, "Edited in place");

    // A removed file (a comment no reply points at) and an added one (a copy under a new id).
    let comment = doc.comments.iter().find(|c| !doc.comments.iter().any(|r| r.parent == Some(c.id))).unwrap();
    let comment_file = format!("comments/{}.md", comment.id);
    let comment_text = std::fs::read_to_string(course.join(&comment_file)).unwrap();
    std::fs::remove_file(course.join(&comment_file)).unwrap();
    let found = ws.refresh().unwrap();
    assert_eq!(found.files, vec![comment_file.clone()]);
    assert!(ws.document().comments.iter().all(|c| c.id != comment.id));
    let new_id = "0190bbbb-0000-7000-8000-000000000001";
    let added = format!("comments/{new_id}.md");
    std::fs::write(course.join(&added), comment_text.replace(&comment.id.to_string(), new_id)).unwrap();
    let found = ws.refresh().unwrap();
    assert_eq!(found.files, vec![added]);
    assert!(ws.document().comments.iter().any(|c| c.id.to_string() == new_id));
    // Nothing more.
    assert!(ws.refresh().unwrap().files.is_empty());
}

#[test]
fn in_a_sub_folder_of_more_than_the_small_limit_edits_in_place_replacements_additions_and_removals_are_seen()
{
    use trellis::folder::sync::{LOOK_BUDGET, SMALL_FOLDER};
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("course");
    let doc = trellis::generate::large(trellis::generate::Scale { courses: 3, units: 10, lessons: 5 });
    let report = trellis::folder::write(&doc, &course).unwrap();
    let mut per_folder: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for name in &report.written {
        *per_folder.entry(name.split_once('/').map_or("", |(sub, _)| sub)).or_default() += 1;
    }
    assert!(per_folder["activities"] > SMALL_FOLDER, "{per_folder:?}");
    // An edit in place in a larger sub-folder is seen within this many looks.
    let looks = per_folder.values().filter(|&&n| n > SMALL_FOLDER).sum::<usize>().div_ceil(LOOK_BUDGET);
    assert!(looks >= 2, "the files are stated in turn over several looks ({per_folder:?})");
    let mut ws = Workspace::open(&course).unwrap();
    // Past the window in which a folder changed moments ago is listed again anyway.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(ws.refresh().unwrap().files.is_empty());
    let file = |i: usize| format!("activities/{}.md", doc.activities[i].id);
    let retitle = |i: usize, title: &str| {
        let text = std::fs::read_to_string(course.join(file(i))).unwrap();
        let new = text
            .replace(&format!("title = \"{}\"", doc.activities[i].title), &format!("title = \"{title}\""));
        assert_ne!(new, text);
        new
    };

    // Edited in place: the folder's own stamp does not change.
    let before = std::fs::symlink_metadata(course.join("activities")).unwrap().modified().unwrap();
    {
        use std::io::Write;
        let text = retitle(10, "Edited in place");
        let mut f =
            std::fs::OpenOptions::new().write(true).truncate(true).open(course.join(file(10))).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }
    assert_eq!(std::fs::symlink_metadata(course.join("activities")).unwrap().modified().unwrap(), before);
    let mut found = Vec::new();
    for _ in 0..looks {
        found.extend(ws.refresh().unwrap().files);
    }
    assert_eq!(found, vec![file(10)], "seen within {looks} looks");
    assert_eq!(
        ws.document().activities.iter().find(|a| a.id == doc.activities[10].id).unwrap().title,
        "Edited in place"
    );

    // Replaced by a rename (as editors and git write), same size.
    let text = retitle(20, &"R".repeat(doc.activities[20].title.len()));
    std::fs::write(course.join(".replacement"), &text).unwrap();
    std::fs::rename(course.join(".replacement"), course.join(file(20))).unwrap();
    assert_eq!(ws.refresh().unwrap().files, vec![file(20)]);

    // Removed, and added under a new id.
    let text = std::fs::read_to_string(course.join(file(30))).unwrap();
    std::fs::remove_file(course.join(file(30))).unwrap();
    let new_id = "0190cccc-0000-7000-8000-000000000001";
    let added = format!("activities/{new_id}.md");
    std::fs::write(course.join(&added), text).unwrap();
    let mut expected = vec![file(30), added];
    expected.sort();
    assert_eq!(ws.refresh().unwrap().files, expected);
    assert!(ws.document().activities.iter().any(|a| a.id.to_string() == new_id));
    assert!(ws.document().activities.iter().all(|a| a.id != doc.activities[30].id));
}
