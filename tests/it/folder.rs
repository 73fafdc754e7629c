//! The folder format (`trellis::folder`, docs/folder-format.md): exact round trips, determinism,
//! stable names, conflict-free inserts, small git diffs, errors naming file and line, unknown
//! files ignored, the folder's limits, and the CLI's `export --format folder` /
//! `import --from folder`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use trellis::folder;
use trellis::model::Document;

use super::support::git_ok as git;
use super::support::trellis_cli as trellis;

fn example(name: &str) -> Document {
    trellis::json::read(&super::support::root().join("examples").join(name)).unwrap()
}

/// Every file under `dir` (relative path → bytes), `.git` left out.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn round_trip(doc: &Document) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("course");
    folder::write(doc, &out).unwrap();
    let back = folder::read(&out).unwrap();
    assert_eq!(trellis::json::to_string(&back), trellis::json::to_string(doc));
}

#[test]
fn both_examples_round_trip_exactly() {
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        round_trip(&example(name));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn generated_documents_round_trip_exactly(seed in any::<u64>()) {
        let doc = trellis::generate::random(seed);
        let dir = tempfile::tempdir().unwrap();
        folder::write(&doc, dir.path()).unwrap();
        let back = folder::read(dir.path()).unwrap();
        prop_assert_eq!(trellis::json::to_string(&back), trellis::json::to_string(&doc));
    }
}

#[test]
fn text_toml_cannot_hold_round_trips_through_json_text() {
    let mut doc = example("nursing-pharmacology.json");
    assert!(!doc.frameworks.is_empty());
    let tricky = "line \"\"\" one\n+++\nback\\slash\ttab\r\ncontrol \u{7} end\"";
    doc.nodes[0].title = "a title with \"quotes\" and \\".to_owned();
    doc.nodes[0].summary = format!("{tricky}\n\n");
    doc.nodes[0].fields.insert("weird key = [x]".to_owned(), serde_json::json!({"n": null, "big": u64::MAX}));
    doc.nodes[0].fields.insert("float".to_owned(), serde_json::json!(0.1 + 0.2));
    doc.objectives[0].abcd.condition = tricky.to_owned();
    if let Some(f) = doc.frameworks.first_mut() {
        f.extra = serde_json::json!([1, null, "x"]);
    }
    round_trip(&doc);
}

#[test]
fn two_writes_give_identical_bytes() {
    let doc = example("nursing-pharmacology.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, &dir.path().join("a")).unwrap();
    folder::write(&doc, &dir.path().join("b")).unwrap();
    let (a, b) = (tree(&dir.path().join("a")), tree(&dir.path().join("b")));
    assert!(a.len() > 50);
    assert_eq!(a, b);
    // Writing the same document again into the folder changes nothing.
    let report = folder::write(&doc, &dir.path().join("a")).unwrap();
    assert!(report.written.is_empty() && report.removed.is_empty(), "{report:?}");
}

/// Lines of `new` that differ from `old` (both files compared line by line, same length).
fn changed_lines(old: &[u8], new: &[u8]) -> usize {
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let (old, new): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    assert_eq!(old.len(), new.len());
    old.iter().zip(&new).filter(|(a, b)| a != b).count()
}

#[test]
fn renaming_a_node_changes_one_line_of_its_own_file() {
    let mut doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    let before = tree(dir.path());
    let node = doc.nodes[3].id;
    doc.nodes[3].title = "A completely different title".to_owned();
    let report = folder::write(&doc, dir.path()).unwrap();
    let file = format!("nodes/{node}.md");
    assert_eq!(report.written, std::slice::from_ref(&file));
    assert!(report.removed.is_empty());
    let after = tree(dir.path());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "no file was renamed");
    assert_eq!(changed_lines(&before[&file], &after[&file]), 1);
}

#[test]
fn inserting_between_two_siblings_writes_only_the_new_file() {
    let mut doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    let before = tree(dir.path());
    // The second child of the first node that has at least two children.
    let (parent, at) = doc
        .nodes
        .iter()
        .find_map(|p| {
            let kids: Vec<usize> = doc
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.parent == Some(p.id))
                .map(|(i, _)| i)
                .collect();
            (kids.len() >= 2).then(|| (p.id, kids[1]))
        })
        .unwrap();
    let new = super::support::node(Some(parent), "unit", "Inserted");
    doc.nodes.insert(at, new.clone());
    let report = folder::write(&doc, dir.path()).unwrap();
    assert_eq!(report.written, [format!("nodes/{}.md", new.id)]);
    assert!(report.removed.is_empty());
    let after = tree(dir.path());
    assert_eq!(after.len(), before.len() + 1);
    for (name, bytes) in &before {
        assert_eq!(&after[name], bytes, "{name} changed");
    }
    // The new node reads back between its neighbours.
    let back = folder::read(dir.path()).unwrap();
    assert_eq!(trellis::json::to_string(&back), trellis::json::to_string(&doc));
}

#[test]
fn moving_and_deleting_update_the_folder_in_place() {
    let mut doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    // Reverse the objectives of one node and delete a comment.
    let node = doc.objectives[0].node;
    let mut ours: Vec<_> = doc.objectives.iter().filter(|o| o.node == node).cloned().collect();
    assert!(ours.len() >= 3);
    ours.reverse();
    doc.objectives.retain(|o| o.node != node);
    doc.objectives.splice(0..0, ours.clone());
    let gone = doc.comments.pop().unwrap();
    doc.comments.retain(|c| c.parent != Some(gone.id));
    let report = folder::write(&doc, dir.path()).unwrap();
    assert!(report.removed.contains(&format!("comments/{}.md", gone.id)));
    // Reversing n items keeps one rank and rewrites the other n - 1.
    let moved = report.written.iter().filter(|f| f.starts_with("objectives/")).count();
    assert_eq!(moved, ours.len() - 1, "{report:?}");
    let back = folder::read(dir.path()).unwrap();
    assert_eq!(trellis::json::to_string(&back), trellis::json::to_string(&doc));
}

#[test]
fn a_one_field_edit_is_a_git_diff_of_two_lines() {
    let mut doc = example("nursing-pharmacology.json");
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    folder::write(&doc, dir.path()).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    doc.activities[0].duration_minutes = Some(doc.activities[0].duration_minutes.unwrap_or(0) + 7);
    folder::write(&doc, dir.path()).unwrap();
    let numstat = git(dir.path(), &["diff", "--numstat"]);
    let lines: Vec<&str> = numstat.lines().collect();
    assert_eq!(lines.len(), 1, "{numstat}");
    let parts: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(parts[2], format!("activities/{}.md", doc.activities[0].id));
    assert!(parts[0] == "1" && (parts[1] == "1" || parts[1] == "0"), "{numstat}");
    // A line of prose: one line of the body.
    doc.nodes[1].summary = doc.nodes[1].summary.replacen(' ', "  ", 1);
    git(dir.path(), &["commit", "-q", "-am", "second"]);
    folder::write(&doc, dir.path()).unwrap();
    let numstat = git(dir.path(), &["diff", "--numstat"]);
    assert_eq!(numstat.trim(), format!("1\t1\tnodes/{}.md", doc.nodes[1].id));
}

#[test]
fn a_hand_broken_file_is_named_with_its_line_and_nothing_is_read() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    let file = dir.path().join(format!("nodes/{}.md", doc.nodes[0].id));
    let text = std::fs::read_to_string(&file).unwrap();
    // Line 4 of the file is the third TOML line (`kind = …` after `+++` and `rank`).
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 3 { l.trim_end_matches('"').to_owned() } else { l.to_owned() })
        .collect();
    std::fs::write(&file, broken.join("\n") + "\n").unwrap();
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("line 4"), "{err}");

    // A field of the wrong type names its key's line.
    folder::write(&doc, dir.path()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l.starts_with("status =")).unwrap() + 1;
    std::fs::write(&file, text.replace("status = \"draft\"", "status = \"sideways\"")).unwrap();
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()) && err.contains(&format!("line {line}:")), "{err}");
    assert!(err.contains("sideways"), "{err}");
}

#[test]
fn a_dangling_link_refuses_the_whole_folder() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    std::fs::remove_file(dir.path().join(format!("nodes/{}.md", doc.nodes[0].id))).unwrap();
    let err = folder::read(dir.path()).unwrap_err();
    assert_eq!(err.code(), trellis::ErrorCode::Validation);
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[test]
fn unknown_files_are_ignored_and_kept() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    folder::write(&doc, dir.path()).unwrap();
    let extras =
        ["README.md", ".gitattributes", ".github/workflows/ci.yml", "nodes/README.md", "nodes/notes.txt"];
    for name in extras {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "+++ not toml [[[\n").unwrap();
    }
    let back = folder::read(dir.path()).unwrap();
    assert_eq!(trellis::json::to_string(&back), trellis::json::to_string(&doc));
    folder::write(&doc, dir.path()).unwrap();
    for name in extras {
        assert!(dir.path().join(name).exists(), "{name} was removed");
    }
}

#[test]
fn exporting_into_a_folder_that_is_not_a_trellis_folder_is_refused() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("thesis.tex"), "\\documentclass{article}").unwrap();
    let err = folder::write(&doc, dir.path()).unwrap_err();
    assert_eq!(err.code(), trellis::ErrorCode::Conflict);
    assert_eq!(tree(dir.path()).len(), 1, "nothing was written");
    // Reading it is refused too.
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("trellis-folder.toml"), "{err}");
}

#[test]
fn a_newer_folder_format_is_refused() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    std::fs::write(dir.path().join("trellis-folder.toml"), "format = 2\n").unwrap();
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("newer Trellis"), "{err}");
    assert!(folder::write(&doc, dir.path()).is_err());
}

#[cfg(unix)]
#[test]
fn symbolic_links_and_oversized_files_are_refused() {
    let doc = example("intro-statistics.json");
    let dir = tempfile::tempdir().unwrap();
    folder::write(&doc, dir.path()).unwrap();
    let file = dir.path().join(format!("nodes/{}.md", doc.nodes[0].id));
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &file).unwrap();
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("symbolic link") && err.contains(&file.display().to_string()), "{err}");

    folder::write(&doc, dir.path()).unwrap();
    let big = vec![b'a'; (folder::MAX_TEXT_FILE_BYTES + 1) as usize];
    let file = dir.path().join(format!("comments/{}.md", doc.comments[0].id));
    std::fs::write(&file, big).unwrap();
    let err = folder::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("limit") && err.contains(&file.display().to_string()), "{err}");
}

#[test]
fn cli_export_and_import_round_trip_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| -> PathBuf { dir.path().join(name) };
    let source = super::support::root().join("examples/nursing-pharmacology.json");
    let run = |args: &[&Path]| {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let out = trellis(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let p = Path::new;
    run(&[p("import"), &d("a.trellis"), p("--from"), p("json"), &source]);
    run(&[p("export"), &d("a.trellis"), p("--format"), p("folder"), p("-o"), &d("folder")]);
    run(&[p("import"), &d("b.trellis"), p("--from"), p("folder"), &d("folder")]);
    let a = trellis::store::load_path(&d("a.trellis")).unwrap();
    let b = trellis::store::load_path(&d("b.trellis")).unwrap();
    assert_eq!(trellis::json::to_string(&a), trellis::json::to_string(&b));

    // A non-empty folder that is not a Trellis folder: exit 4, nothing written.
    std::fs::create_dir(d("other")).unwrap();
    std::fs::write(d("other/notes.txt"), "mine").unwrap();
    let out = trellis(&[
        p("export").as_os_str(),
        d("a.trellis").as_os_str(),
        p("--format").as_os_str(),
        p("folder").as_os_str(),
        p("-o").as_os_str(),
        d("other").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
}
