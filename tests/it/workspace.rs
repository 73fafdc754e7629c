//! A curriculum folder opened for editing (`trellis::workspace`): edits written through to the
//! entity files at once (and seen by `git status`), files changed underneath applied as a patch,
//! changes made while the folder was closed applied on opening as one undo step, and a folder
//! holding a conflicted merge listed field by field and resolved file by file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use trellis::folder::conflicts::{self, Resolution};
use trellis::model::{Document, DocumentPatch};
use trellis::store::EditOp;
use trellis::workspace::{CACHE_DIR, EXTERNAL_LABEL, Workspace};

use super::merge_add::new_objective;
use super::support::{git_ok, root};

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

/// A repository holding the example as a committed folder `course` (with its `.gitignore`).
fn committed_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    let course = repo.join("course");
    trellis::folder::write(&example(), &course).unwrap();
    trellis::workspace::ensure_ignored(&course).unwrap();
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "course"]);
    (dir, repo, course)
}

fn status(repo: &Path) -> Vec<String> {
    git_ok(repo, &["status", "--porcelain", "--untracked-files=all"]).lines().map(str::to_owned).collect()
}

/// The document the folder holds, without the curriculum's `updatedAt` (which edits of other
/// entities do not write).
fn same_as_folder(ws: &Workspace) {
    let mut on_disk = trellis::folder::read(ws.dir()).unwrap();
    on_disk.curriculum.updated_at = ws.document().curriculum.updated_at.clone();
    assert_eq!(trellis::json::to_string(&on_disk), trellis::json::to_string(ws.document()));
}

#[test]
fn an_edit_writes_only_the_entity_file_and_git_status_shows_it() {
    let (_dir, repo, course) = committed_folder();
    let mut ws = Workspace::open(&course).unwrap();
    assert!(course.join(CACHE_DIR).join("working.trellis").is_file());
    assert!(status(&repo).is_empty(), "the cache is ignored: {:?}", status(&repo));

    let mut node = ws.document().nodes[1].clone();
    node.title = "Renamed in the app".into();
    let change = ws.apply(EditOp::UpdateNode { node: node.clone() }).unwrap();
    let file = format!("nodes/{}.md", node.id);
    assert_eq!(change.files.written, std::slice::from_ref(&file));
    assert!(change.files.removed.is_empty());
    assert!(std::fs::read_to_string(course.join(&file)).unwrap().contains("title = \"Renamed in the app\""));
    assert_eq!(status(&repo), [format!(" M course/{file}")]);
    let changed = ws.changed_since_commit().unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!((changed[0].kind.as_str(), changed[0].id.as_str()), ("node", &*node.id.to_string()));
    assert_eq!(changed[0].status, "modified");
    same_as_folder(&ws);

    // Undo writes the file back to its committed bytes.
    ws.undo().unwrap();
    assert!(status(&repo).is_empty(), "{:?}", status(&repo));
    assert_eq!(ws.changed_since_commit().unwrap(), []);
}

#[test]
fn adding_and_deleting_write_the_new_file_and_remove_the_deleted_ones() {
    let (_dir, repo, course) = committed_folder();
    let mut ws = Workspace::open(&course).unwrap();
    let objective = new_objective(ws.document(), 0, "Added in the app.");
    let change =
        ws.apply(EditOp::CreateObjective { objective: objective.clone(), position: Some(0) }).unwrap();
    assert_eq!(change.files.written, [format!("objectives/{}.md", objective.id)]);
    same_as_folder(&ws);
    // Deleting a unit removes its file and the files of everything in it.
    let unit = ws.document().nodes.iter().find(|n| n.parent.is_some()).unwrap().clone();
    let before = ws.document().clone();
    let change = ws.apply(EditOp::DeleteNode { id: unit.id }).unwrap();
    assert!(change.files.removed.contains(&format!("nodes/{}.md", unit.id)), "{:?}", change.files);
    let gone = before.nodes.len() - ws.document().nodes.len() + before.objectives.len()
        - ws.document().objectives.len()
        + before.activities.len()
        - ws.document().activities.len()
        + before.assessments.len()
        - ws.document().assessments.len()
        + before.review_events.len()
        - ws.document().review_events.len()
        + before.comments.len()
        - ws.document().comments.len();
    assert_eq!(change.files.removed.len(), gone, "{:?}", change.files);
    same_as_folder(&ws);
    let lines = status(&repo);
    assert_eq!(lines.iter().filter(|l| l.starts_with(" D ")).count(), gone, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains(CACHE_DIR)), "{lines:?}");
}

#[test]
fn a_file_changed_underneath_gives_a_patch_with_exactly_that_entity() {
    let (_dir, _repo, course) = committed_folder();
    let mut ws = Workspace::open(&course).unwrap();
    assert!(ws.refresh().unwrap().files.is_empty(), "nothing changed yet");
    let node = ws.document().nodes[2].clone();
    let file = course.join(format!("nodes/{}.md", node.id));
    let text = std::fs::read_to_string(&file).unwrap();
    let old = format!("title = \"{}\"", node.title);
    assert!(text.contains(&old));
    std::fs::write(&file, text.replace(&old, "title = \"Changed in another editor\"")).unwrap();

    let refresh = ws.refresh().unwrap();
    assert_eq!(refresh.files, [format!("nodes/{}.md", node.id)]);
    let patch = refresh.patch.unwrap();
    let nodes = patch.nodes.clone().unwrap();
    assert_eq!(nodes.order, None);
    assert_eq!(nodes.changed.len(), 1);
    assert_eq!(nodes.changed[0].title, "Changed in another editor");
    let only_nodes = DocumentPatch { nodes: patch.nodes.clone(), ..DocumentPatch::default() };
    assert_eq!(patch, only_nodes, "nothing but the node changed");
    assert_eq!(ws.document().nodes[2].title, "Changed in another editor");
    assert_eq!(ws.history().unwrap().undo.as_deref(), Some(EXTERNAL_LABEL));
    // Our own writes are not reported as changes underneath.
    let mut again = ws.document().nodes[2].clone();
    again.title = "Edited after the refresh".into();
    ws.apply(EditOp::UpdateNode { node: again }).unwrap();
    assert!(ws.refresh().unwrap().files.is_empty());
    // The working store holds what the window shows: opening again finds nothing to apply.
    drop(ws);
    let ws = Workspace::open(&course).unwrap();
    assert!(!ws.changed_at_open());
    assert_eq!(ws.document().nodes[2].title, "Edited after the refresh");
}

#[test]
fn a_file_added_underneath_is_read_with_its_place_in_the_list() {
    let (_dir, _repo, course) = committed_folder();
    let mut ws = Workspace::open(&course).unwrap();
    // Another branch added an objective to the first node with objectives, first in its list.
    let mut doc = trellis::folder::read(&course).unwrap();
    let added = new_objective(&doc, 0, "Added by a pull.");
    doc.objectives.insert(0, added.clone());
    trellis::folder::write(&doc, &course).unwrap();
    let refresh = ws.refresh().unwrap();
    assert_eq!(refresh.files, [format!("objectives/{}.md", added.id)]);
    let patch = refresh.patch.unwrap();
    let objectives = patch.objectives.unwrap();
    assert_eq!(objectives.changed.len(), 1);
    assert_eq!(objectives.order.unwrap()[0], added.id.uuid());
    assert_eq!(ws.document().objectives[0].statement, "Added by a pull.");
    same_as_folder(&ws);
    drop(ws);
    assert!(!Workspace::open(&course).unwrap().changed_at_open());
}

#[test]
fn changes_made_while_the_folder_was_closed_are_applied_on_opening_as_one_undo_step() {
    let (_dir, _repo, course) = committed_folder();
    let title = {
        let ws = Workspace::open(&course).unwrap();
        ws.document().nodes[1].title.clone()
    };
    let mut doc = trellis::folder::read(&course).unwrap();
    doc.nodes[1].title = "Pulled from the team".into();
    trellis::folder::write(&doc, &course).unwrap();
    let mut ws = Workspace::open(&course).unwrap();
    assert!(ws.changed_at_open());
    assert_eq!(ws.document().nodes[1].title, "Pulled from the team");
    assert_eq!(ws.history().unwrap().undo.as_deref(), Some(EXTERNAL_LABEL));
    ws.undo().unwrap();
    assert_eq!(ws.document().nodes[1].title, title);
    same_as_folder(&ws);
    drop(ws);
    // Opening an unchanged folder again adds no step.
    let ws = Workspace::open(&course).unwrap();
    assert!(!ws.changed_at_open());
}

#[test]
fn a_conflicted_folder_is_listed_and_resolving_writes_a_clean_file() {
    let (_dir, repo, course) = committed_folder();
    let doc = example();
    let node = &doc.nodes[1];
    git_ok(&repo, &["checkout", "-q", "-b", "other"]);
    let mut theirs = doc.clone();
    theirs.nodes[1].title = "Their title".into();
    trellis::folder::write(&theirs, &course).unwrap();
    git_ok(&repo, &["commit", "-q", "-am", "theirs"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut ws = Workspace::open(&course).unwrap();
    let mut ours = node.clone();
    ours.title = "Our title".into();
    ours.week = Some(9);
    ws.apply(EditOp::UpdateNode { node: ours }).unwrap();
    git_ok(&repo, &["commit", "-q", "-am", "ours"]);
    let merge = super::support::git(&repo, &["merge", "--no-edit", "other"]);
    assert!(!merge.status.success());

    // The open window sees the conflict and refuses edits until it is resolved.
    let refresh = ws.refresh().unwrap();
    assert_eq!(refresh.conflicts.len(), 1, "{refresh:?}");
    let conflict = &refresh.conflicts[0];
    assert_eq!(conflict.file, format!("nodes/{}.md", node.id));
    assert!(conflict.has_base);
    assert_eq!(conflict.fields.len(), 1, "only the title changed both ways: {:?}", conflict.fields);
    assert_eq!(conflict.fields[0].field, "title");
    assert_eq!(conflict.fields[0].base, Some(serde_json::json!(node.title)));
    assert_eq!(conflict.fields[0].ours, Some(serde_json::json!("Our title")));
    assert_eq!(conflict.fields[0].theirs, Some(serde_json::json!("Their title")));
    let mut blocked = node.clone();
    blocked.title = "Refused".into();
    assert!(ws.apply(EditOp::UpdateNode { node: blocked }).is_err());
    // A new window refuses to open it, naming the file.
    let err = Workspace::open(&course).err().unwrap().to_string();
    assert!(err.contains(&conflict.file), "{err}");

    conflicts::resolve(
        &course,
        &conflict.file,
        &[("title".into(), Resolution::Edit(serde_json::json!("Agreed title")))],
    )
    .unwrap();
    let text = std::fs::read_to_string(course.join(&conflict.file)).unwrap();
    assert!(!conflicts::has_markers(&text), "{text}");
    let refresh = ws.refresh().unwrap();
    assert!(refresh.conflicts.is_empty());
    let n = ws.document().nodes.iter().find(|n| n.id == node.id).unwrap();
    assert_eq!((n.title.as_str(), n.week), ("Agreed title", Some(9)), "the week only ours changed is kept");
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "--no-edit"]);
    let mut after = n.clone();
    after.title = "Editing again".into();
    ws.apply(EditOp::UpdateNode { node: after }).unwrap();
}
