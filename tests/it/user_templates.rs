//! A user's own template (a TOML file in the user template folder, `TRELLIS_TEMPLATES`) is the
//! document's template everywhere: its `[[checks]]` run in `trellis check` and in the review
//! packet (`trellis report`), its objective kinds steer `trellis lint`, and the library's
//! analysis resolves it through the catalog it is given. The desktop's findings command is
//! tested in `src-tauri/src/commands/analysis.rs`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use trellis::analysis::{self, checklist, template_checks};
use trellis::model::{Abcd, Document, Domain, LevelSource, Objective, ObjectiveId};
use trellis::pedagogy::codes;
use trellis::pedagogy::templates::{self, Catalog};

/// A seminar template that exists only in the user's folder: sessions must list readings
/// (`SEM1`), and `V…` objectives are values, whose wording is not meant to be measurable.
const SEMINAR: &str = r#"
id = "our-seminar"
name = "Our seminar"
description = "A reading seminar."

[[levels]]
kind = "course"
label = "Course"
plural = "Courses"
children = ["session"]

[[levels]]
kind = "session"
label = "Session"
plural = "Sessions"

[[fields.session]]
type = "list"
name = "readings"
label = "Readings"
required = true

[[objectiveKinds]]
prefix = "V"
label = "Value"
measurable = false

[[skeleton]]
kind = "course"
title = "{title}"

[[skeleton.children]]
kind = "session"
title = "Session on peer review"
code = "S1"

[[checks]]
code = "SEM1-session-without-readings"
severity = "error"
message = "Session {node} lists no readings."
hint = "Add the readings the session discusses."
rule = { kind = "requiredField", nodeKind = "session", field = "readings" }
"#;

const CODE: &str = "SEM1-session-without-readings";
const MESSAGE: &str = "Session Session on peer review lists no readings.";

/// A user template folder holding [`SEMINAR`] and a document made from it, saved as a
/// `.trellis` file; the document also has a value objective (`V1`) worded unmeasurably.
struct Fixture {
    _dir: tempfile::TempDir,
    templates: PathBuf,
    file: PathBuf,
    doc: Document,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("seminar.toml"), SEMINAR).unwrap();
    let catalog = Catalog::load(Some(&templates));
    assert!(catalog.errors.is_empty(), "{:?}", catalog.errors);
    let template = catalog.get("our-seminar").unwrap();
    let mut doc = template.instantiate("Research ethics");
    let session = doc.nodes.iter().find(|n| n.kind == "session").unwrap().id;
    doc.objectives.push(Objective {
        id: ObjectiveId::new(),
        node: session,
        code: "V1".into(),
        statement: "Appreciate the value of honest peer review.".into(),
        abcd: Abcd::default(),
        level: None,
        level_source: LevelSource::default(),
        knowledge: None,
        domain: Domain::default(),
        supports: Vec::new(),
        prerequisites: Vec::new(),
        standards: Vec::new(),
        emphasis: Vec::new(),
    });
    doc.normalize();
    let file = dir.path().join("seminar.trellis");
    trellis::store::Store::create(&file, &doc).unwrap();
    Fixture { _dir: dir, templates, file, doc }
}

/// `trellis ARGS` with the user template folder pointed at `dir`.
fn trellis(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trellis")).env("TRELLIS_TEMPLATES", dir).args(args).output().unwrap()
}

#[test]
fn the_library_runs_a_user_templates_checks_when_given_the_users_catalog() {
    let f = fixture();
    let users = Catalog::load(Some(&f.templates));
    let found: Vec<String> = analysis::check(&f.doc, &users).into_iter().map(|x| x.code).collect();
    assert!(found.contains(&CODE.to_owned()), "{found:?}");
    // The built-in catalog does not know the template, so its check cannot run.
    let builtin: Vec<String> =
        analysis::check(&f.doc, Catalog::builtin()).into_iter().map(|x| x.code).collect();
    assert!(!builtin.contains(&CODE.to_owned()), "{builtin:?}");
    // The same evaluation as the template's checks alone, and one checklist line for them.
    let template = users.template_of(&f.doc).unwrap();
    assert_eq!(template_checks::run(template, &f.doc).len(), 1);
    let findings = analysis::check(&f.doc, &users);
    let list = checklist::checklist(&f.doc, &findings, Some(template));
    let item = list.iter().find(|i| i.standard == "Template").unwrap();
    assert!(item.title.contains("Our seminar"), "{}", item.title);
    assert_eq!(item.status, checklist::Status::NotMet);
    assert_eq!(templates::resolve("our-seminar", Some(&f.templates)).as_ref(), Some(template));
    assert_eq!(templates::resolve("our-seminar", None), None);
}

#[test]
fn trellis_check_reports_a_user_templates_finding() {
    let f = fixture();
    let file = f.file.to_str().unwrap();
    let out = trellis(&f.templates, &["check", file, "--format", "json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "the template's error fails the check: {stdout}");
    let findings: Vec<trellis::Finding> = serde_json::from_str(&stdout).unwrap();
    let ours = findings.iter().find(|x| x.code == CODE).unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(ours.message, MESSAGE);
    assert_eq!(ours.target.path, "Research ethics › Session on peer review");

    let text = trellis(&f.templates, &["check", file]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(CODE) && text.contains(MESSAGE), "{text}");
}

#[test]
fn trellis_check_says_when_the_documents_template_is_not_found() {
    let f = fixture();
    let elsewhere = f.templates.with_file_name("empty");
    let out = trellis(&elsewhere, &["check", f.file.to_str().unwrap(), "--format", "json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stdout.contains(CODE), "{stdout}");
    assert!(stderr.contains("\"our-seminar\"") && stderr.contains("did not run"), "{stderr}");
}

#[test]
fn trellis_report_puts_a_user_templates_finding_and_checklist_line_in_the_packet() {
    let f = fixture();
    let html = f.file.with_extension("html");
    let out = trellis(
        &f.templates,
        &[
            "report",
            f.file.to_str().unwrap(),
            "-o",
            html.to_str().unwrap(),
            "--generated-at",
            "2025-01-01T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let packet = std::fs::read_to_string(&html).unwrap();
    assert!(packet.contains(&format!("<td class=\"code\">{CODE}</td>")), "the finding's row");
    assert!(packet.contains(MESSAGE), "the finding's message");
    assert!(packet.contains("Our seminar"), "the checklist line names the template");
}

#[test]
fn trellis_lint_follows_a_user_templates_objective_kinds() {
    let f = fixture();
    let file = f.file.to_str().unwrap();
    let lint = |dir: &Path| -> Vec<String> {
        let out = trellis(dir, &["lint", file, "--format", "json"]);
        let findings: Vec<trellis::Finding> = serde_json::from_slice(&out.stdout).unwrap();
        findings.into_iter().filter(|x| x.target.path.ends_with("V1")).map(|x| x.code).collect()
    };
    let without = lint(&f.templates.with_file_name("empty"));
    assert!(without.contains(&codes::UNMEASURABLE.to_owned()), "{without:?}");
    let with = lint(&f.templates);
    assert!(!with.contains(&codes::UNMEASURABLE.to_owned()), "values are exempt: {with:?}");
}

#[test]
fn the_export_preflight_runs_a_user_templates_checks_from_the_users_folder() {
    let f = fixture();
    let codes = |options: &trellis::export::ExportOptions| -> Vec<String> {
        trellis::export::preflight(&f.doc, trellis::export::ExportFormat::Cc13, options)
            .into_iter()
            .map(|x| x.code)
            .collect()
    };
    let mut options = trellis::export::ExportOptions::for_document(&f.doc);
    assert!(!codes(&options).contains(&CODE.to_owned()), "built-in templates only");
    options.templates = Some(f.templates.clone());
    assert!(codes(&options).contains(&CODE.to_owned()), "{:?}", codes(&options));

    // `trellis export` reads the user's folder, lists the finding before exporting, and refuses
    // with --strict because the template's check is an error.
    let out_dir = tempfile::tempdir().unwrap();
    let package = out_dir.path().join("seminar.imscc");
    let file = f.file.to_str().unwrap();
    let out = trellis(
        &f.templates,
        &["export", file, "--format", "cc13", "--strict", "-o", package.to_str().unwrap()],
    );
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains(CODE), "{all}");
    assert!(!out.status.success(), "{all}");
    assert!(!package.exists(), "nothing written when refused");
}
