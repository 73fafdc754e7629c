//! The semantic three-way merge (`trellis::merge`, `trellis merge`) and the git integration
//! (`trellis git setup`, the merge driver and external diff, `trellis diff REV1 REV2 PATH`),
//! with real git in temporary repositories.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use trellis::merge::{ConflictsFile, merge};
use trellis::model::{Activity, ActivityId, Document, Node, NodeId};

use super::support::{git, git_ok, root};

fn example() -> Document {
    trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap()
}

fn trellis(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trellis")).args(args).current_dir(dir).output().unwrap()
}

fn node<'a>(doc: &'a mut Document, code: &str) -> &'a mut Node {
    doc.nodes.iter_mut().find(|n| n.code == code).unwrap()
}

fn node_id(doc: &Document, code: &str) -> NodeId {
    doc.nodes.iter().find(|n| n.code == code).unwrap().id
}

fn new_activity(doc: &Document, node: NodeId, title: &str) -> Activity {
    let mut a = doc.activities[0].clone();
    a.id = ActivityId::new();
    a.node = node;
    a.title = title.to_owned();
    a.objectives.clear();
    a.resources.clear();
    a
}

#[test]
fn merge_edits_to_different_fields_of_one_objective_without_conflict() {
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.objectives[0].statement = "Ours: explain what a statistic is.".into();
    theirs.objectives[0].code = "CO1-revised".into();
    theirs.objectives[0].abcd.degree = "with no errors".into();
    let out = merge(&base, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let o = &out.document.objectives[0];
    assert_eq!(o.statement, "Ours: explain what a statistic is.");
    assert_eq!(o.code, "CO1-revised");
    assert_eq!(o.abcd.degree, "with no errors");
}

#[test]
fn merge_keeps_both_inserts_into_one_list_ours_first() {
    let base = example();
    let lesson = node_id(&base, "L1.1");
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let a = new_activity(&base, lesson, "Ours: warm-up quiz");
    let b = new_activity(&base, lesson, "Theirs: data hunt");
    ours.activities.push(a.clone());
    theirs.activities.push(b.clone());
    // Also two new prerequisites of one node (a list of ids).
    let (u3, u1) = (node_id(&base, "L2.1"), node_id(&base, "L1.1"));
    node(&mut ours, "L2.2").prerequisites.push(u3);
    node(&mut theirs, "L2.2").prerequisites.push(u1);
    let out = merge(&base, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    let titles: Vec<&str> =
        out.document.activities.iter().filter(|x| x.node == lesson).map(|x| x.title.as_str()).collect();
    let n = titles.len();
    assert_eq!(&titles[n - 2..], ["Ours: warm-up quiz", "Theirs: data hunt"]);
    let u4 = out.document.nodes.iter().find(|n| n.code == "L2.2").unwrap();
    assert!(u4.prerequisites.contains(&u3) && u4.prerequisites.contains(&u1));
}

#[test]
fn merge_keeps_a_reorder_on_one_side_and_an_edit_on_the_other() {
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    // Ours moves lesson L2.3 before L2.1 (sibling order is vector order).
    let at = ours.nodes.iter().position(|n| n.code == "L2.3").unwrap();
    let moved = ours.nodes.remove(at);
    let to = ours.nodes.iter().position(|n| n.code == "L2.1").unwrap();
    ours.nodes.insert(to, moved);
    ours.normalize();
    node(&mut theirs, "L2.3").title = "Theirs: the normal model".into();
    node(&mut theirs, "L2.1").week = Some(9);
    let out = merge(&base, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    let u2 = node_id(&base, "U2");
    let codes: Vec<&str> =
        out.document.nodes.iter().filter(|n| n.parent == Some(u2)).map(|n| n.code.as_str()).collect();
    assert_eq!(codes[..3], ["L2.3", "L2.1", "L2.2"]);
    let doc = &out.document;
    assert_eq!(doc.nodes.iter().find(|n| n.code == "L2.3").unwrap().title, "Theirs: the normal model");
    assert_eq!(doc.nodes.iter().find(|n| n.code == "L2.1").unwrap().week, Some(9));
}

#[test]
fn merge_cli_reports_one_conflict_for_a_field_changed_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.objectives[1].statement = "ours".into();
    theirs.objectives[1].statement = "theirs".into();
    theirs.objectives[2].statement = "theirs only".into();
    for (name, doc) in [("base.json", &base), ("ours.json", &ours), ("theirs.json", &theirs)] {
        trellis::json::write(doc, &dir.path().join(name)).unwrap();
    }
    let out = trellis(&["merge", "base.json", "ours.json", "theirs.json", "-o", "out.json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let merged = trellis::json::read(&dir.path().join("out.json")).unwrap();
    assert_eq!(merged.objectives[1].statement, "ours");
    assert_eq!(merged.objectives[2].statement, "theirs only");
    let text = std::fs::read_to_string(dir.path().join("out.json.conflicts.json")).unwrap();
    let file: ConflictsFile = serde_json::from_str(&text).unwrap();
    assert_eq!(file.conflicts.len(), 1);
    let c = &file.conflicts[0];
    let id = base.objectives[1].id.to_string();
    assert_eq!((c.kind.as_str(), c.id.as_str(), c.field.as_str()), ("objective", id.as_str(), "statement"));
    assert_eq!(c.path, format!("objectives[{id}].statement"));
    assert_eq!(c.ours, Some(serde_json::json!("ours")));
    assert_eq!(c.theirs, Some(serde_json::json!("theirs")));
    assert_eq!(c.base, Some(serde_json::json!(base.objectives[1].statement)));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("conflict: objective {id} statement")), "{stderr}");
}

#[test]
fn merge_deleted_on_one_side_and_edited_on_the_other_is_a_conflict_that_keeps_the_edit() {
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let target = base.activities[5].id;
    ours.activities.retain(|a| a.id != target);
    ours.comments.retain(|c| c.target != target.0);
    theirs.activities[5].title = "Theirs: renamed".into();
    let out = merge(&base, &ours, &theirs).unwrap();
    assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
    assert_eq!(out.conflicts[0].kind, "activity");
    assert_eq!(out.conflicts[0].ours, None);
    assert!(out.document.activities.iter().any(|a| a.id == target && a.title == "Theirs: renamed"));
}

#[test]
fn merge_breaks_a_prerequisite_cycle_made_by_two_branches() {
    let base = example();
    let (u1, u2) = (node_id(&base, "L1.1"), node_id(&base, "L2.1"));
    let u3 = u1;
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    node(&mut ours, "L1.1").prerequisites.push(u2); // L1.1 needs L2.1
    node(&mut theirs, "L2.1").prerequisites.push(u1); // L2.1 needs L1.1
    ours.validate().unwrap();
    theirs.validate().unwrap();
    let out = merge(&base, &ours, &theirs).unwrap();
    out.document.validate().unwrap();
    assert!(out.conflicts.is_empty());
    let codes: Vec<&str> = out.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["M3-merge-cycle-broken"]);
    let doc = &out.document;
    assert!(doc.nodes.iter().find(|n| n.id == u3).unwrap().prerequisites.contains(&u2), "ours' link stays");
    assert!(!doc.nodes.iter().find(|n| n.id == u2).unwrap().prerequisites.contains(&u1), "theirs' link goes");
}

#[test]
fn merge_drops_an_alignment_to_an_objective_the_other_side_deleted() {
    let mut base = example();
    // A new objective nothing refers to: ours deletes it, theirs aligns an activity to it.
    let mut extra = base.objectives[0].clone();
    extra.id = trellis::model::ObjectiveId::new();
    extra.code = "EXTRA".into();
    extra.supports.clear();
    extra.prerequisites.clear();
    let gone = extra.id;
    base.objectives.push(extra);
    base.normalize();
    base.validate().unwrap();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.objectives.retain(|o| o.id != gone);
    ours.validate().unwrap();
    theirs.activities[0].objectives.push(gone);
    theirs.validate().unwrap();
    let out = merge(&base, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    assert_eq!(out.findings[0].code, "M1-merge-dangling-reference");
    assert!(!out.document.activities[0].objectives.contains(&gone));
    out.document.validate().unwrap();
}

#[test]
fn merge_restores_a_unit_deleted_on_one_side_that_the_other_filled() {
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let lesson = node_id(&base, "L1.2");
    // Ours deletes lesson L1.2 and everything in it.
    let objectives: Vec<_> = ours.objectives.iter().filter(|o| o.node == lesson).map(|o| o.id).collect();
    ours.nodes.retain(|n| n.id != lesson);
    ours.objectives.retain(|o| o.node != lesson);
    ours.activities.retain(|a| a.node != lesson);
    ours.assessments.retain(|a| a.node != lesson);
    ours.review_events.retain(|e| e.node != lesson);
    for a in &mut ours.activities {
        a.objectives.retain(|o| !objectives.contains(o));
    }
    for a in &mut ours.assessments {
        a.objectives.retain(|o| !objectives.contains(o));
        for i in &mut a.items {
            i.objectives.retain(|o| !objectives.contains(o));
        }
    }
    for o in &mut ours.objectives {
        o.supports.retain(|x| !objectives.contains(x));
        o.prerequisites.retain(|x| !objectives.contains(x));
    }
    for r in &mut ours.rubrics {
        for c in &mut r.criteria {
            c.objective = c.objective.filter(|x| !objectives.contains(x));
        }
    }
    let kept: std::collections::HashSet<uuid::Uuid> = ours
        .nodes
        .iter()
        .map(|n| n.id.0)
        .chain(ours.objectives.iter().map(|o| o.id.0))
        .chain(ours.activities.iter().map(|a| a.id.0))
        .chain(ours.assessments.iter().map(|a| a.id.0))
        .collect();
    ours.comments.retain(|c| kept.contains(&c.target) || !base.activities.iter().any(|a| a.id.0 == c.target));
    if let Err(problems) = ours.validate() {
        panic!("{problems:?}");
    }
    // Theirs adds an activity to it.
    theirs.activities.push(new_activity(&base, lesson, "Theirs: survey design"));
    let out = merge(&base, &ours, &theirs).unwrap();
    out.document.validate().unwrap();
    assert!(out.findings.iter().any(|f| f.code == "M2-merge-restored-owner"), "{:?}", out.findings);
    assert!(out.document.nodes.iter().any(|n| n.id == lesson));
    assert!(out.document.activities.iter().any(|a| a.title == "Theirs: survey design"));
}

#[test]
fn merge_gives_back_ours_parent_when_both_sides_nest_two_nodes_in_each_other() {
    let base = example();
    let (l11, l12) = (node_id(&base, "L1.1"), node_id(&base, "L1.2"));
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    node(&mut ours, "L1.1").parent = Some(l12);
    node(&mut theirs, "L1.2").parent = Some(l11);
    let out = merge(&base, &ours, &theirs).unwrap();
    out.document.validate().unwrap();
    assert!(out.findings.iter().any(|f| f.code == "M5-merge-parent-cycle"), "{:?}", out.findings);
    let doc = &out.document;
    assert_eq!(doc.nodes.iter().find(|n| n.id == l11).unwrap().parent, Some(l12));
}

#[test]
fn merge_reports_a_code_both_sides_gave_to_different_objectives() {
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let node = base.objectives[3].node;
    let siblings: Vec<usize> =
        (0..base.objectives.len()).filter(|&i| base.objectives[i].node == node).collect();
    assert!(siblings.len() >= 2);
    ours.objectives[siblings[0]].code = "X9".into();
    theirs.objectives[siblings[1]].code = "X9".into();
    let out = merge(&base, &ours, &theirs).unwrap();
    assert!(out.conflicts.is_empty());
    assert_eq!(out.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["M4-merge-duplicate-code"]);
}

/// A bare origin and two clones of it holding `curriculum.trellis.json`, set up with
/// `trellis git setup`.
struct Clones {
    _dir: tempfile::TempDir,
    a: std::path::PathBuf,
    b: std::path::PathBuf,
}

const FILE: &str = "curriculum.trellis.json";

fn clones(doc: &Document) -> Clones {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.git");
    std::fs::create_dir(&origin).unwrap();
    git_ok(&origin, &["init", "--bare", "-q", "-b", "main"]);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    git_ok(dir.path(), &["clone", "-q", origin.to_str().unwrap(), "a"]);
    trellis::json::write(doc, &a.join(FILE)).unwrap();
    git_ok(&a, &["add", FILE]);
    git_ok(&a, &["commit", "-q", "-m", "curriculum"]);
    git_ok(&a, &["push", "-q", "origin", "main"]);
    git_ok(dir.path(), &["clone", "-q", origin.to_str().unwrap(), "b"]);
    for clone in [&a, &b] {
        let program = env!("CARGO_BIN_EXE_trellis");
        let out = trellis(&["git", "setup", ".", "--program", program], clone);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    Clones { _dir: dir, a, b }
}

fn commit(clone: &Path, doc: &Document, message: &str) {
    trellis::json::write(doc, &clone.join(FILE)).unwrap();
    git_ok(clone, &["add", FILE, ".gitattributes"]);
    git_ok(clone, &["commit", "-q", "-m", message]);
}

#[test]
fn git_setup_writes_attributes_and_config_once() {
    let c = clones(&example());
    let attributes = std::fs::read_to_string(c.a.join(".gitattributes")).unwrap();
    assert!(attributes.contains("*.trellis.json merge=trellis diff=trellis"), "{attributes}");
    let again = trellis(&["git", "setup", "."], &c.a);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(c.a.join(".gitattributes")).unwrap(), attributes);
    let driver = git_ok(&c.a, &["config", "merge.trellis.driver"]);
    assert!(driver.contains("merge %O %A %B -o %A"), "{driver}");
    assert!(git_ok(&c.a, &["config", "diff.trellis.command"]).contains("git diff-driver"));
}

#[test]
fn git_pull_of_concurrent_edits_merges_through_the_driver() {
    let base = example();
    let c = clones(&base);
    let lesson = node_id(&base, "L1.1");
    // Clone B: another field of objective 0, an inserted activity, a pushed commit.
    let mut theirs = base.clone();
    theirs.objectives[0].code = "CO1-b".into();
    theirs.activities.push(new_activity(&base, lesson, "B: data hunt"));
    commit(&c.b, &theirs, "B edits");
    git_ok(&c.b, &["push", "-q", "origin", "main"]);
    // Clone A: the statement of objective 0, another inserted activity, a reorder.
    let mut ours = base.clone();
    ours.objectives[0].statement = "A: describe what statistics is for.".into();
    ours.activities.push(new_activity(&base, lesson, "A: warm-up"));
    commit(&c.a, &ours, "A edits");
    let pull = git(&c.a, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    assert!(
        pull.status.success(),
        "{}{}",
        String::from_utf8_lossy(&pull.stdout),
        String::from_utf8_lossy(&pull.stderr)
    );
    let merged = trellis::json::read(&c.a.join(FILE)).unwrap();
    assert_eq!(merged.objectives[0].code, "CO1-b");
    assert_eq!(merged.objectives[0].statement, "A: describe what statistics is for.");
    let titles: Vec<&str> = merged.activities.iter().map(|a| a.title.as_str()).collect();
    assert!(titles.contains(&"A: warm-up") && titles.contains(&"B: data hunt"));
    assert!(!c.a.join(format!("{FILE}.conflicts.json")).exists());
    // The merge commit is a real two-parent commit.
    let parents = git_ok(&c.a, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2);

    // The external diff names the change in words.
    let diff = git_ok(&c.a, &["diff", "HEAD~1", "HEAD", "--", FILE]);
    assert!(diff.contains("B: data hunt"), "{diff}");
    // trellis diff REV1 REV2 PATH compares two commits.
    let out = trellis(&["diff", "HEAD~1", "HEAD", FILE], &c.a);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("B: data hunt"), "{text}");
    assert!(!text.contains("A: warm-up"), "{text}");
}

#[test]
fn git_pull_of_one_field_changed_both_ways_stops_with_the_conflicts_file() {
    let base = example();
    let c = clones(&base);
    let mut theirs = base.clone();
    theirs.curriculum.title = "B title".into();
    commit(&c.b, &theirs, "B title");
    git_ok(&c.b, &["push", "-q", "origin", "main"]);
    let mut ours = base.clone();
    ours.curriculum.title = "A title".into();
    commit(&c.a, &ours, "A title");
    let pull = git(&c.a, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    assert!(!pull.status.success());
    let merged = trellis::json::read(&c.a.join(FILE)).unwrap();
    assert_eq!(merged.curriculum.title, "A title");
    let text = std::fs::read_to_string(c.a.join(format!("{FILE}.conflicts.json"))).unwrap();
    let file: ConflictsFile = serde_json::from_str(&text).unwrap();
    assert_eq!(file.conflicts.len(), 1);
    assert_eq!(
        (file.conflicts[0].kind.as_str(), file.conflicts[0].field.as_str()),
        ("document", "curriculum.title")
    );
    assert_eq!(file.conflicts[0].theirs, Some(serde_json::json!("B title")));
}

#[test]
fn git_merge_of_branches_that_make_a_cycle_gives_a_valid_document() {
    let base = example();
    let c = clones(&base);
    let (u2, u3) = (node_id(&base, "L2.1"), node_id(&base, "L1.1"));
    let mut theirs = base.clone();
    node(&mut theirs, "L2.1").prerequisites.push(u3);
    commit(&c.b, &theirs, "B: L2.1 after L1.1");
    git_ok(&c.b, &["push", "-q", "origin", "main"]);
    let mut ours = base.clone();
    node(&mut ours, "L1.1").prerequisites.push(u2);
    commit(&c.a, &ours, "A: L1.1 after L2.1");
    let pull = git(&c.a, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    assert!(pull.status.success(), "{}", String::from_utf8_lossy(&pull.stderr));
    let merged = trellis::json::read(&c.a.join(FILE)).unwrap();
    assert!(merged.nodes.iter().find(|n| n.id == u3).unwrap().prerequisites.contains(&u2));
    assert!(!merged.nodes.iter().find(|n| n.id == u2).unwrap().prerequisites.contains(&u3));
    let stderr = String::from_utf8_lossy(&pull.stderr);
    assert!(stderr.contains("M3-merge-cycle-broken"), "{stderr}");
}

#[test]
fn report_since_a_git_revision_compares_with_that_commit() {
    let base = example();
    let c = clones(&base);
    let mut next = base.clone();
    next.objectives[0].statement = "Revised after review.".into();
    commit(&c.a, &next, "revise");
    let out = trellis(
        &["report", FILE, "-o", "packet.html", "--since", "HEAD~1", "--generated-at", "2026-01-01T00:00:00Z"],
        &c.a,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(c.a.join("packet.html")).unwrap();
    assert!(html.contains("Revised after review."));
    assert!(html.contains("HEAD~1"));
}

// Property: edits on two branches that touch different entities or fields merge to the same
// document as applying one branch's edits after the other's.

#[derive(Clone, Debug)]
enum Edit {
    NodeTitle(usize, String),
    NodeWeek(usize, u32),
    Statement(usize, String),
    ObjectiveCode(usize, String),
    ActivityMinutes(usize, u32),
    AddActivity(usize, u128),
    DeleteActivity(usize),
}

/// What an edit touches: (entity, field); `None` is the whole entity (or list).
fn touches(base: &Document, edit: &Edit) -> Vec<(String, Option<&'static str>)> {
    let n = |i: usize| base.nodes[i % base.nodes.len()].id.to_string();
    let o = |i: usize| base.objectives[i % base.objectives.len()].id.to_string();
    let a = |i: usize| base.activities[i % base.activities.len()].clone();
    match edit {
        Edit::NodeTitle(i, _) => vec![(n(*i), Some("title"))],
        Edit::NodeWeek(i, _) => vec![(n(*i), Some("week"))],
        Edit::Statement(i, _) => vec![(o(*i), Some("statement"))],
        Edit::ObjectiveCode(i, _) => vec![(o(*i), Some("code"))],
        Edit::ActivityMinutes(i, _) => vec![(a(*i).id.to_string(), Some("minutes"))],
        Edit::AddActivity(i, _) => vec![(format!("list {}", n(*i)), None)],
        Edit::DeleteActivity(i) => {
            let act = a(*i);
            vec![(act.id.to_string(), None), (format!("list {}", act.node), None)]
        }
    }
}

fn overlaps(x: &[(String, Option<&'static str>)], y: &[(String, Option<&'static str>)]) -> bool {
    x.iter().any(|(e, f)| y.iter().any(|(e2, f2)| e == e2 && (f.is_none() || f2.is_none() || f == f2)))
}

fn apply(doc: &mut Document, base: &Document, edit: &Edit) {
    let n = |i: usize| base.nodes[i % base.nodes.len()].id;
    let o = |i: usize| base.objectives[i % base.objectives.len()].id;
    let a = |i: usize| base.activities[i % base.activities.len()].id;
    match edit {
        Edit::NodeTitle(i, t) => doc.nodes.iter_mut().find(|x| x.id == n(*i)).unwrap().title = t.clone(),
        Edit::NodeWeek(i, w) => doc.nodes.iter_mut().find(|x| x.id == n(*i)).unwrap().week = Some(*w),
        Edit::Statement(i, t) => {
            doc.objectives.iter_mut().find(|x| x.id == o(*i)).unwrap().statement = t.clone()
        }
        Edit::ObjectiveCode(i, t) => {
            doc.objectives.iter_mut().find(|x| x.id == o(*i)).unwrap().code = t.clone()
        }
        Edit::ActivityMinutes(i, m) => {
            if let Some(x) = doc.activities.iter_mut().find(|x| x.id == a(*i)) {
                x.duration_minutes = Some(*m);
            }
        }
        Edit::AddActivity(i, id) => {
            let mut act = new_activity(base, n(*i), &format!("new {id:x}"));
            act.id = ActivityId(uuid::Uuid::from_u128(*id));
            doc.activities.push(act);
        }
        Edit::DeleteActivity(i) => {
            let id = a(*i);
            doc.activities.retain(|x| x.id != id);
            doc.comments.retain(|c| c.target != id.0);
        }
    }
    doc.normalize();
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..64usize, "[a-z ]{1,12}").prop_map(|(i, t)| Edit::NodeTitle(i, t)),
        (0..64usize, 1..20u32).prop_map(|(i, w)| Edit::NodeWeek(i, w)),
        (0..64usize, "[a-z ]{1,12}").prop_map(|(i, t)| Edit::Statement(i, t)),
        (0..64usize, "[A-Z0-9]{2,6}").prop_map(|(i, t)| Edit::ObjectiveCode(i, format!("P{t}"))),
        (0..128usize, 1..300u32).prop_map(|(i, m)| Edit::ActivityMinutes(i, m)),
        (0..64usize, any::<u128>()).prop_map(|(i, id)| Edit::AddActivity(i, id)),
        (0..128usize).prop_map(Edit::DeleteActivity),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn merge_of_disjoint_edit_sequences_equals_applying_both(
        ours_edits in prop::collection::vec(edit_strategy(), 0..8),
        theirs_edits in prop::collection::vec(edit_strategy(), 0..8),
    ) {
        let base = example();
        let ours_touch: Vec<_> = ours_edits.iter().flat_map(|e| touches(&base, e)).collect();
        let theirs_edits: Vec<Edit> = theirs_edits
            .into_iter()
            .filter(|e| !overlaps(&touches(&base, e), &ours_touch))
            .collect();
        // Codes must stay distinct among siblings; a clash would be reported (M4), not a bug.
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        for e in &ours_edits {
            apply(&mut ours, &base, e);
        }
        for e in &theirs_edits {
            apply(&mut theirs, &base, e);
        }
        let mut both = ours.clone();
        for e in &theirs_edits {
            apply(&mut both, &base, e);
        }
        prop_assume!(both.validate().is_ok());
        let out = merge(&base, &ours, &theirs).unwrap();
        prop_assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
        prop_assert!(out.findings.iter().all(|f| f.code == "M4-merge-duplicate-code"), "{:?}", out.findings);
        prop_assert_eq!(trellis::json::to_string(&out.document), trellis::json::to_string(&both));
    }
}

#[test]
fn merge_cli_merges_three_folders_into_ours() {
    let dir = tempfile::tempdir().unwrap();
    let base = example();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.objectives[0].statement = "Ours: folder statement".into();
    theirs.objectives[0].code = "CO1-folder".into();
    theirs.objectives[4].statement = "theirs".into();
    ours.objectives[4].statement = "ours".into();
    for (name, doc) in [("base", &base), ("ours", &ours), ("theirs", &theirs)] {
        trellis::folder::write(doc, &dir.path().join(name)).unwrap();
    }
    let out = trellis(&["merge", "base", "ours", "theirs", "-o", "ours"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let merged = trellis::folder::read(&dir.path().join("ours")).unwrap();
    assert_eq!(merged.objectives[0].statement, "Ours: folder statement");
    assert_eq!(merged.objectives[0].code, "CO1-folder");
    assert_eq!(merged.objectives[4].statement, "ours");
    let text = std::fs::read_to_string(dir.path().join("ours/conflicts/merge.json")).unwrap();
    let file: ConflictsFile = serde_json::from_str(&text).unwrap();
    assert_eq!(file.conflicts.len(), 1);
}

#[test]
fn diff_between_revisions_reads_a_folder_at_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_ok(repo, &["init", "-q", "-b", "main"]);
    let base = example();
    trellis::folder::write(&base, &repo.join("course")).unwrap();
    git_ok(repo, &["add", "course"]);
    git_ok(repo, &["commit", "-q", "-m", "course"]);
    let mut next = base.clone();
    next.objectives[2].statement = "Folder revision statement.".into();
    trellis::folder::write(&next, &repo.join("course")).unwrap();
    git_ok(repo, &["commit", "-q", "-am", "revise"]);
    let out = trellis(&["diff", "HEAD~1", "HEAD", "course"], repo);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Folder revision statement."), "{text}");
    let bad = trellis(&["diff", "HEAD~1", "no-such-rev", "course"], repo);
    assert_eq!(bad.status.code(), Some(3), "{}", String::from_utf8_lossy(&bad.stderr));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-rev"));
}
