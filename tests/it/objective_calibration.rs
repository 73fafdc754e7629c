//! Objective intelligence beyond the built-in lexicon: the zero-shot rules (state nouns, verbs
//! whose object decides, affective and psychomotor wording), agreement on the independent
//! evaluation set (`tests/data/objectives-independent/`, a floor under the measured figure),
//! and calibration profiles (learning a convention, round-trip, malformed files, no effect
//! without a profile, the `calibrate` / `classify --profile` / `export-labels` CLI).

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use trellis::model::{BloomLevel, Domain};
use trellis::pedagogy::calibrate::{self, LabelledRow, Options, read_labelled, score};
use trellis::pedagogy::{Confidence, Profile, analyze_objective, analyze_objective_using};

use BloomLevel::*;

fn data(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn trellis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trellis"))
}

fn render(s: &calibrate::Score) -> String {
    let names = ["remember", "understand", "apply", "analyze", "evaluate", "create", "none"];
    let mut out = String::from("first label \\ suggested | rem | und | app | ana | eva | cre | none\n");
    for (i, row) in s.confusion.iter().enumerate() {
        out.push_str(&format!("{:>23} |", names[i]));
        for c in row {
            out.push_str(&format!(" {c:>3} |"));
        }
        out.push('\n');
    }
    out
}

fn measure(path: &str) -> (calibrate::Score, Vec<LabelledRow>) {
    let rows = read_labelled(&data(path), path).unwrap();
    let suggested: Vec<Option<BloomLevel>> =
        rows.iter().map(|r| analyze_objective(&r.statement).level).collect();
    (score(&suggested, &rows), rows)
}

// ── agreement ─────────────────────────────────────────────────────────────────────────────────

/// The independent set was labelled by its guidelines before any rule changed; this floor sits
/// a few points under the measured figure (89.5 %, κ 0.758; before the zero-shot rules: 89.1 %,
/// κ 0.748), so a regression fails.
#[test]
fn independent_set_agreement_stays_above_its_floor() {
    let (s, rows) = measure("tests/data/objectives-independent/eval.csv");
    assert!(rows.len() >= 250, "the set has {} rows", rows.len());
    println!(
        "independent set: {}/{} = {:.3}, kappa {:.3}\n{}",
        s.agreed,
        s.n,
        s.agreement,
        s.kappa,
        render(&s)
    );
    assert!(s.agreement >= 0.86, "agreement {:.3} fell below 0.86\n{}", s.agreement, render(&s));
    assert!(s.kappa >= 0.72, "kappa {:.3} fell below 0.72\n{}", s.kappa, render(&s));
}

#[test]
fn development_list_phenomena_agree() {
    let (s, _) = measure("tests/data/objectives-dev/dev.csv");
    println!(
        "development list: {}/{} = {:.3}, kappa {:.3}\n{}",
        s.agreed,
        s.n,
        s.agreement,
        s.kappa,
        render(&s)
    );
    assert!(s.agreement >= 0.93, "agreement {:.3} fell below 0.93\n{}", s.agreement, render(&s));
}

// ── zero-shot rules ───────────────────────────────────────────────────────────────────────────

#[test]
fn state_nouns_without_a_verb_get_the_level_they_name_with_low_confidence() {
    for (statement, expected) in [
        ("Have a sound knowledge of the principles of thermodynamics.", Some(Remember)),
        ("Possess a working knowledge of contract law.", Some(Apply)),
        ("Have a thorough understanding of the structure of the cell.", Some(Understand)),
        ("Critical awareness of current problems in the discipline.", Some(Evaluate)),
        ("Gain practical experience of laboratory techniques.", Some(Apply)),
        ("Be conversant with the terminology of financial reporting.", Some(Remember)),
        ("Skills in data collection and analysis.", Some(Apply)),
        ("Capacity for independent learning.", None),
    ] {
        let a = analyze_objective(statement);
        assert_eq!(a.level, expected, "{statement}: {}", a.rule);
        assert_eq!(a.confidence, Confidence::Low, "{statement}");
        assert!(!a.measurable, "{statement}: a state is not a behaviour");
        assert!(a.rule.contains("no behaviour verb"), "{statement}: the reason says so: {}", a.rule);
        assert!(
            !a.findings.iter().any(|f| f.code == trellis::pedagogy::codes::NO_VERB),
            "{statement}: a state noun is not a topic"
        );
    }
}

#[test]
fn the_object_decides_for_develop_present_conduct_and_communicate() {
    for (statement, expected) in [
        ("Develop a marketing plan for a new product.", Create),
        ("Present a reasoned argument on a contested issue.", Evaluate),
        ("Present data in tables and charts.", Apply),
        ("Conduct a literature review on a chosen topic.", Evaluate),
        ("Conduct an independent research project.", Create),
        ("Communicate effectively with patients and their families.", Apply),
        ("Develop skills in the critical appraisal of published research.", Evaluate),
        ("Engage critically with theoretical debates in sociology.", Evaluate),
        ("Organise a community event.", Apply),
    ] {
        let a = analyze_objective(statement);
        assert_eq!(a.level, Some(expected), "{statement}: {}", a.rule);
    }
}

#[test]
fn affective_and_psychomotor_wording_is_named_with_the_nearest_cognitive_level() {
    let a = analyze_objective("Appreciate the importance of sustainability in engineering design.");
    assert_eq!((a.level, a.domain, a.confidence), (Some(Understand), Domain::Affective, Confidence::Low));
    assert!(a.rule.contains("affective"), "{}", a.rule);
    let a = analyze_objective("Value diversity in the workplace.");
    assert_eq!((a.level, a.domain), (None, Domain::Affective), "{}", a.rule);
    let a = analyze_objective("Show respect for colleagues and clients.");
    assert_eq!((a.level, a.domain), (None, Domain::Affective), "{}", a.rule);
    let a = analyze_objective("Work effectively as a member of a team.");
    assert_eq!((a.level, a.domain, a.confidence), (Some(Apply), Domain::Affective, Confidence::Low));
    let a = analyze_objective("Throw a ball overhand with accuracy.");
    assert_eq!((a.level, a.domain, a.confidence), (Some(Apply), Domain::Psychomotor, Confidence::Low));
    assert!(a.rule.contains("psychomotor"), "{}", a.rule);
    let a = analyze_objective("Perform cardiopulmonary resuscitation on an adult manikin.");
    assert_eq!(a.domain, Domain::Psychomotor);
    // A cognitive verb beside affective wording keeps the statement cognitive.
    let a =
        analyze_objective("Explain the causes of the First World War and assess their relative importance.");
    assert_eq!((a.level, a.domain), (Some(Evaluate), Domain::Cognitive));
    assert!(!a.findings.iter().any(|f| f.code == trellis::pedagogy::codes::LOW_CONFIDENCE));
}

#[test]
fn several_verbs_name_the_deciding_one_and_british_spellings_are_read() {
    let a = analyze_objective("Identify and evaluate sources of bias in clinical trials.");
    assert_eq!(a.level, Some(Evaluate));
    assert_eq!(a.deciding_verb.as_deref(), Some("evaluate"));
    assert!(a.rule.contains("\"evaluate\"") && a.rule.contains("identify"), "{}", a.rule);
    for (statement, expected) in [
        ("Summarise the main findings of a research article.", Understand),
        ("Categorise organisms by their structural features.", Understand),
        ("Hypothesise about the causes of observed phenomena.", Create),
        ("Utilise appropriate software to analyse data.", Apply),
        ("Critically analyse the role of the state in economic development.", Analyze),
    ] {
        assert_eq!(analyze_objective(statement).level, Some(expected), "{statement}");
    }
}

// ── calibration ───────────────────────────────────────────────────────────────────────────────

const SUBJECTS: &[&str] = &[
    "the results of a t-test",
    "a scatter plot of two variables",
    "the output of a regression model",
    "a confidence interval",
    "the p-value of a test",
    "a box plot",
    "the coefficients of a fitted line",
    "a histogram of exam marks",
];

/// Rows in which every statement is labelled with its built-in level except "interpret …",
/// which this institution reads as apply (the built-in rules say understand).
fn interpret_is_apply_rows() -> String {
    let mut csv = String::from("statement,levels\n");
    let others = [
        "Define the mean and the median.",
        "Calculate the standard deviation of a sample.",
        "Compare two study designs.",
        "Evaluate the validity of a published study.",
        "Design a survey to answer a research question.",
        "Explain the central limit theorem.",
        "List the assumptions of linear regression.",
        "Use software to fit a linear model.",
    ];
    for round in 0..4 {
        for (i, subject) in SUBJECTS.iter().enumerate() {
            csv.push_str(&format!("\"Interpret {subject} (case {round}.{i}).\",apply\n"));
        }
        for s in others {
            let level = analyze_objective(s).level.map_or("none", BloomLevel::as_str);
            csv.push_str(&format!("\"{}\",{level}\n", s.replace('.', &format!(" (set {round})."))));
        }
    }
    csv
}

#[test]
fn calibration_learns_a_convention_the_defaults_do_not_follow() {
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let profile = calibrate::calibrate(&rows, &Options::named("stats-dept")).unwrap();
    assert_eq!(profile.verbs.get("interpret").map(|a| a.level), Some(Apply), "{}", profile.to_json());
    let statement = "Interpret the slope of a regression line.";
    assert_eq!(analyze_objective(statement).level, Some(Understand), "the built-in rules differ");
    let a = analyze_objective_using(statement, Some(&profile));
    assert_eq!(a.level, Some(Apply));
    assert_eq!(a.convention, "stats-dept");
    assert!(a.rule.contains("interpret") && a.rule.contains("built-in"), "{}", a.rule);
    // The rest of the convention agrees with the built-in rules.
    for s in
        ["Define the standard error.", "Evaluate the design of a clinical trial.", "Design an experiment."]
    {
        assert_eq!(analyze_objective_using(s, Some(&profile)).level, analyze_objective(s).level, "{s}");
    }
    let k = profile.kfold.unwrap();
    assert_eq!(k.folds, 5);
    assert!(k.agreement > k.builtin_agreement, "{k:?}");
    assert!(k.agreement >= 0.95, "{k:?}");
}

#[test]
fn a_profile_round_trips_and_is_deterministic() {
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let options = Options::named("stats-dept");
    let profile = calibrate::calibrate(&rows, &options).unwrap();
    let again = calibrate::calibrate(&rows, &options).unwrap();
    assert_eq!(profile.to_json(), again.to_json(), "the same rows give the same bytes");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats.json");
    profile.save(&path).unwrap();
    let loaded = Profile::load(&path).unwrap();
    assert_eq!(loaded, profile);
    let statements = data("tests/data/objectives-dev/dev.csv");
    for s in read_labelled(&statements, "dev.csv")
        .unwrap()
        .iter()
        .map(|r| r.statement.as_str())
        .chain(["Interpret a box plot.", "Interpret the poem's imagery."])
    {
        assert_eq!(
            analyze_objective_using(s, Some(&loaded)),
            analyze_objective_using(s, Some(&profile)),
            "{s}"
        );
    }
    // Readable: verbs and feature names are spelt out.
    let text = profile.to_json();
    assert!(text.contains("\"interpret\"") && text.contains("\"level:understand\""), "{text}");
}

#[test]
fn malformed_labelled_files_and_profiles_are_refused_with_the_place() {
    let err =
        read_labelled("statement,levels\nDefine x.,remember\nExplain y.,understnd\n", "l.csv").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("l.csv") && msg.contains("line 3") && msg.contains("understnd"), "{msg}");
    let msg = read_labelled("statement,level\nDefine x.,remember\n", "l.csv").unwrap_err().to_string();
    assert!(msg.contains("line 1") && msg.contains("levels"), "{msg}");
    let msg =
        read_labelled("statement,levels\nDefine x.,remember\nExplain y.\n", "l.csv").unwrap_err().to_string();
    assert!(msg.contains("line 3"), "{msg}");
    let msg =
        read_labelled("statement,levels\nDefine x.,remember\n\"\",apply\n", "l.csv").unwrap_err().to_string();
    assert!(msg.contains("line 3") && msg.contains("empty"), "{msg}");
    let msg = read_labelled("statement,levels\nDefine x., ; \n", "l.csv").unwrap_err().to_string();
    assert!(msg.contains("line 2") && msg.contains("no level"), "{msg}");
    // Several levels, `none`, extra columns and a quoted statement with a comma are fine.
    let rows = read_labelled(
        "source,statement,levels\nA,\"Compare X, Y and Z.\",analyze; understand\nB,Topic,none\n",
        "ok",
    )
    .unwrap();
    assert_eq!(rows[0].levels, [Some(Analyze), Some(Understand)]);
    assert_eq!(rows[1].levels, [None]);
    assert_eq!(rows[1].line, 3);
    // Profiles: not JSON, another format, a weight row of the wrong length.
    let msg = Profile::from_json("{", "p.json").unwrap_err().to_string();
    assert!(msg.contains("p.json") && msg.contains("line 1"), "{msg}");
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let good = calibrate::calibrate(&rows, &Options::named("x")).unwrap().to_json();
    let msg = Profile::from_json(&good.replace("trellis-objective-profile", "other"), "p.json")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("format"), "{msg}");
    let mut broken = Profile::from_json(&good, "p.json").unwrap();
    broken.model.weights[0].pop();
    let msg = Profile::from_json(&broken.to_json(), "p.json").unwrap_err().to_string();
    assert!(msg.contains("weight row 1"), "{msg}");
}

#[test]
fn classification_without_a_profile_is_unchanged_by_profiles() {
    let statements: Vec<String> = read_labelled(&data("tests/data/objectives-dev/dev.csv"), "dev.csv")
        .unwrap()
        .into_iter()
        .map(|r| r.statement)
        .collect();
    let before: Vec<_> = statements.iter().map(|s| analyze_objective(s)).collect();
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let profile = calibrate::calibrate(&rows, &Options::named("stats-dept")).unwrap();
    for (s, b) in statements.iter().zip(&before) {
        let _ = analyze_objective_using(s, Some(&profile));
        assert_eq!(&analyze_objective(s), b, "{s}");
        assert_eq!(&analyze_objective_using(s, None), b, "{s}");
        assert_eq!(b.convention, "built-in");
    }
}

// ── CLI ───────────────────────────────────────────────────────────────────────────────────────

fn classify(args: &[&str], input: &str) -> Vec<serde_json::Value> {
    let mut child = trellis().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn cli_calibrate_classify_with_a_profile_and_export_labels() {
    let dir = tempfile::tempdir().unwrap();
    let labelled = dir.path().join("labels.csv");
    std::fs::write(&labelled, interpret_is_apply_rows()).unwrap();
    let profile = dir.path().join("stats-dept.json");
    let out = trellis()
        .args(["objectives", "calibrate", labelled.to_str().unwrap(), "-o", profile.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("5-fold") && stdout.contains("kappa") && stdout.contains("interpret: apply"),
        "{stdout}"
    );

    let input = "Interpret the slope of a regression line.\nDefine the standard error.\n";
    let plain = classify(&["objectives", "classify"], input);
    assert_eq!(plain[0]["level"], "understand");
    assert!(plain[0].get("profile").is_none(), "no profile key without a profile");
    let with = classify(&["objectives", "classify", "--profile", profile.to_str().unwrap()], input);
    assert_eq!(with[0]["level"], "apply");
    assert_eq!(with[0]["profile"], "stats-dept");
    assert_eq!(with[1]["level"], "remember");
    assert_eq!(with[1]["profile"], "stats-dept");
    let full = classify(&["objectives", "classify", "--full", "--profile", profile.to_str().unwrap()], input);
    assert_eq!(
        (full[0]["convention"].as_str(), full[0]["profile"].as_str()),
        (Some("stats-dept"), Some("stats-dept"))
    );

    // A malformed labelled file: exit 3, the line named.
    std::fs::write(&labelled, "statement,levels\nDefine x.,remember\nExplain y.,sythesis\n").unwrap();
    let out = trellis()
        .args(["objectives", "calibrate", labelled.to_str().unwrap(), "-o", profile.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("line 3") && stderr.contains("sythesis"), "{stderr}");
    // A broken profile: exit 3, the file named.
    std::fs::write(&profile, "{\"format\": 1}").unwrap();
    let out =
        trellis().args(["objectives", "classify", "--profile", profile.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stats-dept.json"));

    // export-labels: the designer's confirmed levels as labelled rows, which calibrate reads.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intro-statistics.json");
    let csv = dir.path().join("confirmed.csv");
    let out = trellis()
        .args(["objectives", "export-labels", example.to_str().unwrap(), "-o", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = trellis::store::load_path(&example).unwrap();
    let confirmed: Vec<_> = doc
        .objectives
        .iter()
        .filter(|o| o.level_source == trellis::model::LevelSource::Designer && o.level.is_some())
        .collect();
    let rows = read_labelled(&std::fs::read_to_string(&csv).unwrap(), "confirmed.csv").unwrap();
    assert_eq!(rows.len(), confirmed.len());
    assert!(!rows.is_empty());
    for (row, o) in rows.iter().zip(&confirmed) {
        assert_eq!(row.statement, o.statement.trim());
        assert_eq!(row.levels, [o.level]);
    }
}

// ── a profile stored in the document ──────────────────────────────────────────────────────────

fn interpret_document() -> (trellis::model::Document, trellis::model::ObjectiveId) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intro-statistics.json");
    let mut doc = trellis::store::load_path(&example).unwrap();
    let o = &mut doc.objectives[0];
    o.statement = "Interpret the slope of a regression line.".to_owned();
    o.level = None;
    o.level_source = trellis::model::LevelSource::Unset;
    (doc.clone(), doc.objectives[0].id)
}

fn unset_message(doc: &trellis::model::Document, id: trellis::model::ObjectiveId) -> String {
    let findings = trellis::pedagogy::lint_document(doc, None);
    findings
        .iter()
        .find(|f| f.code == trellis::pedagogy::codes::LEVEL_UNSET && f.target.id == Some(id.to_string()))
        .map(|f| f.message.clone())
        .unwrap()
}

#[test]
fn a_profile_stored_in_the_document_steers_its_lint_and_survives_the_store() {
    let (mut doc, id) = interpret_document();
    assert!(unset_message(&doc, id).contains("suggests understand"));
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let profile = calibrate::calibrate(&rows, &Options::named("stats-dept")).unwrap();
    doc.curriculum.objective_profile = Some(profile.to_json());
    assert!(unset_message(&doc, id).contains("suggests apply"), "{}", unset_message(&doc, id));
    assert_eq!(trellis::pedagogy::document_profile(&doc).unwrap(), Some(profile.clone()));

    // The store and the canonical JSON keep it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats.trellis");
    trellis::store::Store::create(&path, &doc).unwrap();
    let back = trellis::store::load_path(&path).unwrap();
    assert_eq!(back.curriculum.objective_profile, doc.curriculum.objective_profile);
    let json = serde_json::to_string(&back).unwrap();
    assert!(json.contains("\"objectiveProfile\""));
    // Without a profile the key is absent, so older documents are unchanged.
    let (plain, _) = interpret_document();
    assert!(!serde_json::to_string(&plain).unwrap().contains("objectiveProfile"));

    // A profile that cannot be read: the built-in rules, and one warning on the curriculum.
    doc.curriculum.objective_profile = Some("{not json".to_owned());
    assert!(unset_message(&doc, id).contains("suggests understand"));
    let findings = trellis::pedagogy::lint_document(&doc, None);
    let bad: Vec<_> =
        findings.iter().filter(|f| f.code == trellis::pedagogy::codes::PROFILE_INVALID).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].target.kind, "curriculum");
}

#[test]
fn cli_set_profile_stores_and_clears_the_documents_convention() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, id) = interpret_document();
    let path = dir.path().join("stats.trellis");
    trellis::store::Store::create(&path, &doc).unwrap();
    let labelled = dir.path().join("labels.csv");
    std::fs::write(&labelled, interpret_is_apply_rows()).unwrap();
    let profile = dir.path().join("stats-dept.json");
    let out = trellis()
        .args([
            "objectives",
            "calibrate",
            labelled.to_str().unwrap(),
            "-o",
            profile.to_str().unwrap(),
            "--folds",
            "0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = trellis()
        .args(["objectives", "set-profile", path.to_str().unwrap(), profile.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stats-dept"));
    let stored = trellis::store::load_path(&path).unwrap();
    assert!(unset_message(&stored, id).contains("suggests apply"));
    // `trellis lint` follows it too.
    let out = trellis().args(["lint", path.to_str().unwrap(), "--format", "json"]).output().unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f["code"] == "O13-objective-level-unset"
        && f["message"].as_str().unwrap().contains("suggests apply")));
    // A broken profile file is refused and the document is left alone.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "[]").unwrap();
    let out = trellis()
        .args(["objectives", "set-profile", path.to_str().unwrap(), broken.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(trellis::store::load_path(&path).unwrap().curriculum.objective_profile.is_some());
    let out =
        trellis().args(["objectives", "set-profile", path.to_str().unwrap(), "--clear"]).output().unwrap();
    assert!(out.status.success());
    let cleared = trellis::store::load_path(&path).unwrap();
    assert_eq!(cleared.curriculum.objective_profile, None);
    assert!(unset_message(&cleared, id).contains("suggests understand"));
}

#[test]
fn the_documents_profile_decides_inferred_levels_in_the_analysis_views() {
    let count_at = |doc: &trellis::model::Document, level: BloomLevel| {
        let table = trellis::analysis::views::bloom_table(doc);
        table.totals.iter().find(|c| c.level == Some(level)).map(|c| c.count).unwrap()
    };
    let (mut doc, _) = interpret_document();
    let (apply_before, understand_before) =
        (count_at(&doc, BloomLevel::Apply), count_at(&doc, BloomLevel::Understand));
    let rows = read_labelled(&interpret_is_apply_rows(), "interpret.csv").unwrap();
    let profile = calibrate::calibrate(&rows, &Options::named("stats-dept")).unwrap();
    doc.curriculum.objective_profile = Some(profile.to_json());
    // The unset "Interpret …" objective moves from understand to apply, as the lint says.
    assert_eq!(count_at(&doc, BloomLevel::Apply), apply_before + 1);
    assert_eq!(count_at(&doc, BloomLevel::Understand), understand_before - 1);
    // An unreadable profile leaves the built-in reading.
    doc.curriculum.objective_profile = Some("{not json".to_owned());
    assert_eq!(count_at(&doc, BloomLevel::Apply), apply_before);
}
