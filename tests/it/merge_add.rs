//! Add/add merges: two branches that each add entities, or add the same file, with real git in
//! temporary repositories. Git runs the merge driver with an empty base file when both branches
//! added the file; a folder's entity files are merged by git's line merge, and two new entities
//! at the same place get the same rank in different files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use trellis::folder::conflicts::{self, Resolution};
use trellis::merge::{ConflictsFile, merge_from};
use trellis::model::{Document, Objective, ObjectiveId};

use super::support::{git, git_ok, root};

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

/// A new objective on the node of objective `like`, at the end of that node's objectives.
pub(crate) fn new_objective(doc: &Document, like: usize, statement: &str) -> Objective {
    let mut o = doc.objectives[like].clone();
    o.id = ObjectiveId::new();
    o.code = String::new();
    o.statement = statement.to_owned();
    o.supports.clear();
    o.prerequisites.clear();
    o.standards.clear();
    o
}

/// Puts `o` after the last objective of its node.
fn push_objective(doc: &mut Document, o: Objective) {
    let at = doc.objectives.iter().rposition(|x| x.node == o.node).map_or(doc.objectives.len(), |i| i + 1);
    doc.objectives.insert(at, o);
}

/// A repository with one commit holding only a README, and a branch `other` at that commit.
fn repository() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README.md"), "A course.\n").unwrap();
    git_ok(&repo, &["add", "README.md"]);
    git_ok(&repo, &["commit", "-q", "-m", "start"]);
    git_ok(&repo, &["branch", "other"]);
    (dir, repo)
}

fn setup_driver(repo: &Path) {
    let program = env!("CARGO_BIN_EXE_trellis");
    let out = Command::new(program)
        .args(["git", "setup", ".", "--program", program])
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The app's cache beside a curriculum folder is kept out of git.
    let ignore = std::fs::read_to_string(repo.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == ".trellis-cache/"), "{ignore}");
    git_ok(repo, &["add", ".gitattributes", ".gitignore"]);
    git_ok(repo, &["commit", "-q", "-m", "merge driver"]);
    git_ok(repo, &["checkout", "-q", "other"]);
    git_ok(repo, &["merge", "-q", "main"]);
    git_ok(repo, &["checkout", "-q", "main"]);
}

const FILE: &str = "course.trellis.json";

#[test]
fn identical_adds_collapse_and_new_entities_are_all_kept_without_a_base() {
    let doc = example();
    let (mut ours, mut theirs) = (doc.clone(), doc.clone());
    push_objective(&mut ours, new_objective(&doc, 0, "Ours: a new objective."));
    push_objective(&mut theirs, new_objective(&doc, 0, "Theirs: a new objective."));
    let out = merge_from(None, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    assert_eq!(out.document.objectives.len(), doc.objectives.len() + 2);
    assert_eq!(out.document.nodes, doc.nodes);
    let same = merge_from(None, &doc, &doc).unwrap();
    assert!(same.conflicts.is_empty());
    assert_eq!(trellis::json::to_string(&same.document), trellis::json::to_string(&doc));
}

#[test]
fn git_add_add_of_a_curriculum_file_merges_through_the_driver_with_an_empty_base() {
    let (_dir, repo) = repository();
    setup_driver(&repo);
    let doc = example();
    // Both branches add the same curriculum file, each with one objective of its own.
    let mut theirs = doc.clone();
    push_objective(&mut theirs, new_objective(&doc, 0, "Theirs: read a histogram."));
    git_ok(&repo, &["checkout", "-q", "other"]);
    trellis::json::write(&theirs, &repo.join(FILE)).unwrap();
    git_ok(&repo, &["add", FILE]);
    git_ok(&repo, &["commit", "-q", "-m", "theirs adds the course"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut ours = doc.clone();
    push_objective(&mut ours, new_objective(&doc, 0, "Ours: draw a box plot."));
    trellis::json::write(&ours, &repo.join(FILE)).unwrap();
    git_ok(&repo, &["add", FILE]);
    git_ok(&repo, &["commit", "-q", "-m", "ours adds the course"]);

    let out = git(&repo, &["merge", "--no-edit", "other"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = trellis::json::read(&repo.join(FILE)).unwrap();
    let statements: Vec<&str> = merged.objectives.iter().map(|o| o.statement.as_str()).collect();
    assert!(statements.contains(&"Theirs: read a histogram."), "{statements:?}");
    assert!(statements.contains(&"Ours: draw a box plot."), "{statements:?}");
    // Everything both sides added identically is there once.
    assert_eq!(merged.objectives.len(), doc.objectives.len() + 2);
    assert_eq!(merged.nodes, doc.nodes);
    assert!(!repo.join(format!("{FILE}.conflicts.json")).exists());
}

#[test]
fn git_add_add_of_one_entity_with_different_fields_is_reported_field_by_field() {
    let (_dir, repo) = repository();
    setup_driver(&repo);
    let doc = example();
    let added = new_objective(&doc, 0, "Both: the shared statement.");
    let mut theirs = doc.clone();
    let mut t = added.clone();
    t.statement = "Theirs: compare two distributions.".into();
    t.code = "NEW-1".into();
    push_objective(&mut theirs, t);
    git_ok(&repo, &["checkout", "-q", "other"]);
    trellis::json::write(&theirs, &repo.join(FILE)).unwrap();
    git_ok(&repo, &["add", FILE]);
    git_ok(&repo, &["commit", "-q", "-m", "theirs"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut ours = doc.clone();
    let mut o = added.clone();
    o.statement = "Ours: contrast two distributions.".into();
    o.code = "NEW-1".into();
    push_objective(&mut ours, o);
    trellis::json::write(&ours, &repo.join(FILE)).unwrap();
    git_ok(&repo, &["add", FILE]);
    git_ok(&repo, &["commit", "-q", "-m", "ours"]);

    let out = git(&repo, &["merge", "--no-edit", "other"]);
    assert!(!out.status.success(), "a true add/add conflict must stop the merge");
    // The driver wrote a valid document holding ours, and the conflict field by field.
    let merged = trellis::json::read(&repo.join(FILE)).unwrap();
    let kept: Vec<&Objective> = merged.objectives.iter().filter(|x| x.id == added.id).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].statement, "Ours: contrast two distributions.");
    assert_eq!(kept[0].code, "NEW-1");
    let text = std::fs::read_to_string(repo.join(format!("{FILE}.conflicts.json"))).unwrap();
    let file: ConflictsFile = serde_json::from_str(&text).unwrap();
    assert_eq!(file.conflicts.len(), 1, "{:?}", file.conflicts);
    let c = &file.conflicts[0];
    assert_eq!(
        (c.kind.as_str(), c.id.as_str(), c.field.as_str()),
        ("objective", &*added.id.to_string(), "statement")
    );
    assert_eq!(c.base, None);
    assert_eq!(c.theirs, Some(serde_json::json!("Theirs: compare two distributions.")));
}

#[test]
fn git_merge_of_two_objectives_added_at_the_same_place_in_a_folder_keeps_both_in_id_order() {
    let (_dir, repo) = repository();
    let doc = example();
    let course = repo.join("course");
    trellis::folder::write(&doc, &course).unwrap();
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "course"]);
    git_ok(&repo, &["branch", "-f", "other"]);
    let node = doc.objectives[0].node;
    let (a, b) =
        (new_objective(&doc, 0, "Branch A objective."), new_objective(&doc, 0, "Branch B objective."));
    git_ok(&repo, &["checkout", "-q", "other"]);
    let mut theirs = doc.clone();
    push_objective(&mut theirs, b.clone());
    let report = trellis::folder::write(&theirs, &course).unwrap();
    assert_eq!(report.written, [format!("objectives/{}.md", b.id)]);
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "B"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut ours = doc.clone();
    push_objective(&mut ours, a.clone());
    trellis::folder::write(&ours, &course).unwrap();
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "A"]);
    git_ok(&repo, &["merge", "-q", "--no-edit", "other"]);

    let rank = |id: ObjectiveId| {
        let text = std::fs::read_to_string(course.join(format!("objectives/{id}.md"))).unwrap();
        text.lines().find(|l| l.starts_with("rank = ")).unwrap().to_owned()
    };
    assert_eq!(rank(a.id), rank(b.id), "both branches chose the same place");
    let merged = trellis::folder::read(&course).unwrap();
    let on_node: Vec<ObjectiveId> =
        merged.objectives.iter().filter(|o| o.node == node).map(|o| o.id).collect();
    let (first, second) = if a.id.to_string() < b.id.to_string() { (a.id, b.id) } else { (b.id, a.id) };
    assert_eq!(&on_node[on_node.len() - 2..], [first, second]);
    // Writing the merged document again gives the two distinct ranks and keeps the order.
    let report = trellis::folder::write(&merged, &course).unwrap();
    assert_eq!(report.written.len(), 1, "{:?}", report.written);
    assert_ne!(rank(a.id), rank(b.id));
    let again = trellis::folder::read(&course).unwrap();
    assert_eq!(trellis::json::to_string(&again), trellis::json::to_string(&merged));
}

#[test]
fn git_add_add_of_the_same_new_folder_collapses_identical_files_and_lists_the_rest_field_by_field() {
    let (_dir, repo) = repository();
    let doc = example();
    let course = repo.join("course");
    // Both branches add the same course as a new folder; one objective differs in two fields.
    let mut theirs = doc.clone();
    theirs.objectives[1].statement = "Theirs: name the parts of a study.".into();
    theirs.objectives[1].code = "T-2".into();
    git_ok(&repo, &["checkout", "-q", "other"]);
    trellis::folder::write(&theirs, &course).unwrap();
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "theirs adds the folder"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut ours = doc.clone();
    ours.objectives[1].statement = "Ours: list the parts of a study.".into();
    ours.objectives[1].code = "O-2".into();
    trellis::folder::write(&ours, &course).unwrap();
    git_ok(&repo, &["add", "course"]);
    git_ok(&repo, &["commit", "-q", "-m", "ours adds the folder"]);
    let out = git(&repo, &["merge", "--no-edit", "other"]);
    assert!(!out.status.success());
    let unmerged = git_ok(&repo, &["diff", "--name-only", "--diff-filter=U"]);
    let file = format!("objectives/{}.md", doc.objectives[1].id);
    assert_eq!(unmerged.trim(), format!("course/{file}"), "only the differing file conflicts");

    let found = conflicts::list(&course).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].file.as_str(), found[0].kind.as_str()), (file.as_str(), "objective"));
    assert!(!found[0].has_base);
    let fields: Vec<&str> = found[0].fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["code", "statement"]);
    assert!(trellis::folder::read(&course).is_err());
    conflicts::resolve(
        &course,
        &file,
        &[("code".into(), Resolution::Theirs), ("statement".into(), Resolution::Ours)],
    )
    .unwrap();
    let merged = trellis::folder::read(&course).unwrap();
    assert_eq!(merged.objectives[1].code, "T-2");
    assert_eq!(merged.objectives[1].statement, "Ours: list the parts of a study.");
    assert!(conflicts::list(&course).unwrap().is_empty());
}
