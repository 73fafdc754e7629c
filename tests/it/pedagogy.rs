//! The pedagogy engine: objective analysis rules on real sentences, accuracy on the labelled
//! set (`tests/data/objectives/labelled.tsv`, labelled by the rule in docs/pedagogy.md),
//! coverage on the OpenStax objectives, the `objectives classify` and `lint` CLI contracts,
//! document lint, and the templates (instantiate, round-trip, checks fire when broken).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use trellis::analysis::template_checks;
use trellis::model::*;
use trellis::pedagogy::templates::{self, Catalog, Template};
use trellis::pedagogy::{Basis, Confidence, analyze_objective, codes, lint_document};

use BloomLevel::*;

fn level(statement: &str) -> Option<BloomLevel> {
    analyze_objective(statement).level
}

fn codes_of(statement: &str) -> Vec<String> {
    analyze_objective(statement).findings.into_iter().map(|f| f.code).collect()
}

// ── rules, one real sentence at a time ───────────────────────────────────────────────────────

#[test]
fn stems_and_audiences_are_stripped_before_the_verb() {
    for (statement, verb, lvl) in [
        (
            "Students will be able to summarize the central dogma of molecular biology.",
            "summarize",
            Understand,
        ),
        ("By the end of this unit, learners will compare two economic systems.", "compare", Analyze),
        ("SWBAT: use context clues to read unfamiliar words.", "use", Apply),
        (
            "Upon successful completion of this course, students should be able to design a survey.",
            "design",
            Create,
        ),
        (
            "On completion of the module the student will be expected to justify a treatment plan.",
            "justify",
            Evaluate,
        ),
        ("LO3: Define the term opportunity cost.", "define", Remember),
        ("2. Explain the causes of inflation.", "explain", Understand),
        ("I can name the planets of the solar system.", "name", Remember),
        ("You'll be able to calculate the mean of a data set.", "calculate", Apply),
        ("Pupils describe the life cycle of a butterfly.", "describe", Understand),
    ] {
        let a = analyze_objective(statement);
        assert_eq!(a.verbs, [verb], "{statement}: {:?}", a.explanation);
        assert_eq!(a.level, Some(lvl), "{statement}");
        assert_eq!(a.confidence, Confidence::High, "{statement}");
    }
}

#[test]
fn inflections_and_british_spellings_find_the_same_verb() {
    for statement in [
        "Analyse the results of the survey.",
        "Analyze the results of the survey.",
        "The student analyses the results of the survey.",
        "Analysing the results of the survey.",
    ] {
        let a = analyze_objective(statement);
        assert_eq!(a.level, Some(Analyze), "{statement}");
    }
    assert_eq!(
        analyze_objective("Analysing the results.").verbs,
        ["analyse"],
        "the writer's spelling is kept"
    );
    assert_eq!(level("Prioritise nursing care for several patients."), Some(Evaluate));
    assert_eq!(level("Organise historical events into causes and consequences."), Some(Analyze));
    assert_eq!(level("Summarise the plot of a novel."), Some(Understand));
}

#[test]
fn adverbs_are_skipped_and_critically_asks_for_a_judgement() {
    let a = analyze_objective("Accurately calculate drug dosages for children.");
    assert_eq!((a.level, a.verbs.as_slice()), (Some(Apply), ["calculate".to_owned()].as_slice()));
    assert_eq!(level("Critically discuss the historiography of the French Revolution."), Some(Evaluate));
    assert_eq!(level("Critically reflect on your own teaching practice."), Some(Evaluate));
    assert_eq!(
        level("Critically analyse contemporary debates in criminology."),
        Some(Analyze),
        "critically analyse stays analyze"
    );
    let a = analyze_objective("Critically discuss the causes of the war.");
    assert_eq!(a.matches[0].basis, Basis::Adverb);
}

#[test]
fn multi_word_verbs_are_matched_before_single_words() {
    let a = analyze_objective("Carry out a usability test following a prepared script.");
    assert_eq!(a.verbs, ["carry out"]);
    assert_eq!(a.level, Some(Apply));
    assert_eq!(analyze_objective("Make use of version control to manage changes.").verbs, ["make use of"]);
    assert_eq!(analyze_objective("Break down a complex problem into subproblems.").level, Some(Analyze));
    assert_eq!(analyze_objective("Point out the logical fallacies in a speech.").level, Some(Analyze));
    let a = analyze_objective("Carried out a titration.");
    assert_eq!(a.verbs, ["carry out"], "inflected first word of a phrase");
}

#[test]
fn nominal_phrasings_stand_for_their_verb() {
    assert_eq!(level("The ability to design and carry out an independent research project."), Some(Create));
    assert_eq!(level("Proficiency in using laboratory instrumentation."), Some(Apply));
    assert_eq!(level("Analysis of complex organisational problems."), Some(Analyze));
    assert_eq!(level("Conduct a SWOT analysis of a local business."), Some(Analyze));
    assert_eq!(level("Make informed decisions about patient referral."), Some(Evaluate));
    let a = analyze_objective(
        "Knowledge and understanding of the principal theories of international relations.",
    );
    assert_eq!(a.level, Some(Understand), "highest of knowledge (remember) and understanding (understand)");
    assert!(!a.measurable);
    let a = analyze_objective("Demonstrate an understanding of place value to the millions.");
    assert_eq!(a.level, Some(Understand));
    assert!(!a.measurable);
    assert!(a.findings.iter().any(|f| f.code == codes::WEAK_OBJECT), "valid verb, weak object");
    assert!(
        codes_of("Gain an understanding of double-entry bookkeeping.")
            .contains(&codes::UNMEASURABLE.to_owned())
    );
}

#[test]
fn compound_objectives_list_every_verb_and_take_the_highest_level() {
    let a = analyze_objective("Identify, describe and evaluate the main approaches to language teaching.");
    assert_eq!(a.verbs, ["identify", "describe", "evaluate"]);
    assert_eq!(a.level, Some(Evaluate));
    assert_eq!(a.deciding_verb.as_deref(), Some("evaluate"));
    assert!(a.rule.starts_with("highest level of 3 main verbs"), "{}", a.rule);
    let compound = a.findings.iter().find(|f| f.code == codes::COMPOUND).unwrap();
    assert_eq!(compound.severity, trellis::Severity::Warning, "different levels: a warning");
    let a = analyze_objective("Compare and contrast aerobic and anaerobic respiration.");
    assert_eq!(a.verbs, ["compare", "contrast"]);
    let compound = a.findings.iter().find(|f| f.code == codes::COMPOUND).unwrap();
    assert_eq!(compound.severity, trellis::Severity::Info, "same level: only info");
    assert_eq!(
        analyze_objective("Define political gridlock and explain how they may impact public policy.").verbs,
        ["define", "explain"]
    );
}

#[test]
fn verbs_in_subordinate_clauses_and_code_do_not_count() {
    for (statement, verbs) in [
        ("Explain how the interpreter uses implicit type conversion.", vec!["explain"]),
        ("Use a for loop to implement repeating tasks.", vec!["use"]),
        ("Write a docstring that describes the program functionality.", vec!["write"]),
        ("Modify a list using append(), remove(), and pop() list operations.", vec!["modify"]),
        ("Correct syntax errors, name errors, and indentation errors.", vec!["correct"]),
        ("Describe the process used to create and test software.", vec!["describe"]),
        ("Distinguish among the terms country, state, nation, and nation-state.", vec!["distinguish"]),
    ] {
        assert_eq!(analyze_objective(statement).verbs, verbs, "{statement}");
    }
}

#[test]
fn the_object_decides_for_verbs_whose_level_depends_on_it() {
    assert_eq!(level("Write a for loop that sums the elements of an array."), Some(Apply));
    assert_eq!(level("Write a persuasive essay on a local issue."), Some(Create));
    assert_eq!(level("Compare the prototype against the design specification."), Some(Evaluate));
    assert_eq!(level("Identify the bias in a piece of wartime propaganda."), Some(Analyze));
    assert_eq!(level("Identify the main parts of the brain."), Some(Remember));
    assert_eq!(level("Demonstrate how to change a dressing using sterile technique."), Some(Apply));
    assert_eq!(level("Show how feudal obligations structured medieval society."), Some(Understand));
    assert_eq!(level("Evaluate expressions that involve floor division and modulo."), Some(Apply));
    let a = analyze_objective("Write SQL queries that join three tables.");
    assert_eq!(a.matches[0].basis, Basis::Context);
    assert!(a.matches[0].why.contains("sql"), "{}", a.matches[0].why);
}

#[test]
fn ambiguous_verbs_report_every_candidate_level() {
    let a = analyze_objective("Compare the economic policies of Roosevelt and Hoover.");
    assert_eq!(a.level, Some(Analyze));
    assert_eq!(a.candidates, [Understand, Analyze, Evaluate]);
    assert!(a.findings.iter().any(|f| f.code == codes::AMBIGUOUS));
    let a = analyze_objective("Define homeostasis.");
    assert_eq!(a.candidates, [Remember]);
    assert!(!a.findings.iter().any(|f| f.code == codes::AMBIGUOUS));
}

#[test]
fn unmeasurable_wording_is_flagged_with_alternatives_at_the_intended_level() {
    let a = analyze_objective("Students will understand the structure of DNA.");
    assert!(!a.measurable);
    assert_eq!(a.level, Some(Understand), "the intended level is still suggested");
    let f = a.findings.iter().find(|f| f.code == codes::UNMEASURABLE).unwrap();
    assert!(f.hint.contains("explain") && f.hint.contains("understand level"), "{}", f.hint);
    let a = analyze_objective("Be familiar with the main events of the Reformation.");
    assert_eq!((a.level, a.measurable), (Some(Remember), false));
    let f = a.findings.iter().find(|f| f.code == codes::UNMEASURABLE).unwrap();
    assert!(f.hint.contains("define"), "{}", f.hint);
    // Affective wording is named as such and still gets the nearest cognitive level, with low
    // confidence; it stays unmeasurable.
    let a = analyze_objective("Appreciate the richness of Romantic poetry.");
    assert_eq!((a.level, a.measurable), (Some(Understand), false));
    assert_eq!(a.confidence, trellis::pedagogy::Confidence::Low);
    assert_eq!(level("Learn to use a microscope correctly."), Some(Apply), "learn to X takes X's level");
    assert_eq!(level("Students will learn about the history of jazz."), Some(Understand));
}

#[test]
fn instructor_perspective_and_topics_are_not_objectives() {
    let a = analyze_objective("Introduce students to the principles of marketing.");
    assert_eq!(a.level, None);
    assert!(a.findings.iter().any(|f| f.code == codes::INSTRUCTOR));
    assert!(
        codes_of("This course covers the fundamentals of thermodynamics.")
            .contains(&codes::INSTRUCTOR.to_owned())
    );
    let a = analyze_objective("Help learners to critically evaluate online sources.");
    assert_eq!(a.level, Some(Evaluate), "the learner behaviour inside is still analysed");
    assert!(!a.measurable, "but the statement is not a learner objective");
    let a = analyze_objective("The industrial revolution in Britain, 1750–1850.");
    assert_eq!(a.level, None);
    let f = a.findings.iter().find(|f| f.code == codes::NO_VERB).unwrap();
    assert_eq!(f.severity, trellis::Severity::Error);
    assert_eq!(codes_of("   "), [codes::EMPTY]);
}

#[test]
fn abcd_parts_are_detected() {
    let a = analyze_objective(
        "Given a simulated patient scenario, the student will demonstrate correct hand hygiene within 30 seconds.",
    );
    assert!(a.abcd.audience && a.abcd.behavior && a.abcd.condition && a.abcd.degree, "{:?}", a.parts);
    assert_eq!(a.parts.condition, "Given a simulated patient scenario");
    assert_eq!(a.parts.audience, "the student");
    assert!(a.parts.degree.contains("within 30 seconds"), "{:?}", a.parts);
    let a = analyze_objective(
        "Without the use of notes, students will correctly categorise 8 out of 10 rock samples.",
    );
    assert!(a.abcd.condition && a.abcd.degree, "{:?}", a.parts);
    assert_eq!(a.level, Some(Understand));
    let a = analyze_objective("Explain the law of demand.");
    assert!(!a.abcd.audience && a.abcd.behavior && !a.abcd.condition && !a.abcd.degree);
    let found = codes_of("Explain the law of demand.");
    for code in [codes::NO_AUDIENCE, codes::NO_CONDITION, codes::NO_DEGREE] {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    assert!(analyze_objective("List at least six symptoms of hypoglycaemia.").abcd.degree);
    assert!(analyze_objective("Calculate dosages with 100 % accuracy.").abcd.degree);
}

#[test]
fn knowledge_dimension_is_suggested_from_the_object() {
    use KnowledgeDimension::*;
    let k = |s: &str| analyze_objective(s).knowledge;
    assert_eq!(k("Define the key terms of supply chain management."), Some(Factual));
    assert_eq!(k("Explain the theory of plate tectonics."), Some(Conceptual));
    assert_eq!(k("Apply the steps of the nursing process to a case."), Some(Procedural));
    assert_eq!(k("Reflect on your own learning strategies after each exam."), Some(Metacognitive));
}

// ── accuracy ──────────────────────────────────────────────────────────────────────────────────

const LABELS: [&str; 7] = ["remember", "understand", "apply", "analyze", "evaluate", "create", "none"];

struct Confusion {
    /// expected → got → count
    cells: BTreeMap<usize, BTreeMap<usize, usize>>,
    total: usize,
    correct: usize,
}

impl Confusion {
    fn render(&self) -> String {
        let mut out = String::from("expected \\ got | rem | und | app | ana | eva | cre | none\n");
        for (e, name) in LABELS.iter().enumerate() {
            let row = self.cells.get(&e);
            let cells: Vec<String> = (0..LABELS.len())
                .map(|g| format!("{:>3}", row.and_then(|r| r.get(&g)).copied().unwrap_or(0)))
                .collect();
            out.push_str(&format!("{name:>14} | {}\n", cells.join(" | ")));
        }
        out
    }
}

fn label_index(label: &str) -> usize {
    LABELS.iter().position(|l| *l == label).unwrap_or_else(|| panic!("unknown label {label:?}"))
}

fn evaluate(rows: &[(String, String)]) -> Confusion {
    let mut c = Confusion { cells: BTreeMap::new(), total: 0, correct: 0 };
    for (label, statement) in rows {
        let got = level(statement).map_or("none", BloomLevel::as_str);
        let (e, g) = (label_index(label), label_index(got));
        *c.cells.entry(e).or_default().entry(g).or_default() += 1;
        c.total += 1;
        c.correct += usize::from(e == g);
    }
    c
}

#[test]
fn suggested_levels_agree_with_the_labelled_set_for_at_least_85_percent() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/objectives/labelled.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let label = parts.next().unwrap().to_owned();
            let _discipline = parts.next().unwrap();
            (label, parts.next().unwrap().to_owned())
        })
        .collect();
    assert!(rows.len() >= 300, "the labelled set holds at least 300 objectives");
    let all = evaluate(&rows);
    // Even rows were used while tuning the lexicon; odd rows were held out (errors never read).
    let held_out: Vec<(String, String)> = rows.iter().skip(1).step_by(2).cloned().collect();
    let held = evaluate(&held_out);
    let accuracy = all.correct as f64 / all.total as f64;
    eprintln!(
        "labelled set: {}/{} = {:.3}; held-out half: {}/{} = {:.3}\n{}",
        all.correct,
        all.total,
        accuracy,
        held.correct,
        held.total,
        held.correct as f64 / held.total as f64,
        all.render()
    );
    assert!(accuracy >= 0.85, "accuracy {accuracy:.3} fell below 0.85\n{}", all.render());
}

#[test]
#[ignore = "needs ../shared"]
fn openstax_objectives_are_classified_and_few_are_unmeasurable() {
    let shared = super::support::shared_dir();
    let path = shared.join("samples/objectives/openstax_learning_objectives.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::ReaderBuilder::new().delimiter(b'\t').quoting(false).from_reader(text.as_bytes());
    let (mut total, mut classified, mut unmeasurable) = (0usize, 0usize, 0usize);
    let mut by_level: BTreeMap<&str, usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let a = analyze_objective(record.get(4).unwrap());
        total += 1;
        classified += usize::from(a.level.is_some());
        unmeasurable += usize::from(!a.measurable);
        *by_level.entry(a.level.map_or("none", BloomLevel::as_str)).or_default() += 1;
    }
    eprintln!(
        "OpenStax: {total} objectives, {classified} classified, {unmeasurable} unmeasurable, {by_level:?}"
    );
    assert!(total >= 700, "the sample holds about 709 objectives");
    assert!(classified as f64 / total as f64 >= 0.97, "published objectives nearly all start with a verb");
    assert!(unmeasurable as f64 / total as f64 <= 0.05, "OpenStax rarely uses understand/know");
}

#[test]
fn a_very_long_statement_is_cut_rather_than_analysed_slowly() {
    let long = format!("Describe {}", "90 %, ".repeat(50_000));
    let a = analyze_objective(&long);
    assert_eq!(a.verbs, ["describe"]);
    assert!(a.explanation.iter().any(|e| e.contains("only the first")), "{:?}", a.explanation);
}

// ── document lint ─────────────────────────────────────────────────────────────────────────────

fn doc_with_objectives(statements: &[(&str, &str)]) -> (Document, Vec<ObjectiveId>) {
    let mut doc = Document::new("Lint test");
    let course = NodeId::new();
    let unit = NodeId::new();
    for (id, parent, kind, title) in
        [(course, None, "course", "Biology 101"), (unit, Some(course), "unit", "Cells")]
    {
        doc.nodes.push(Node { id, ..super::support::node(parent, kind, title) });
    }
    let mut ids = Vec::new();
    for (code, statement) in statements {
        let id = ObjectiveId::new();
        ids.push(id);
        doc.objectives.push(Objective {
            id,
            node: unit,
            code: (*code).into(),
            statement: (*statement).into(),
            abcd: Abcd::default(),
            level: None,
            level_source: LevelSource::Unset,
            knowledge: None,
            domain: Domain::Cognitive,
            supports: Vec::new(),
            prerequisites: Vec::new(),
            standards: Vec::new(),
            emphasis: Vec::new(),
        });
    }
    doc.normalize();
    doc.validate().unwrap();
    (doc, ids)
}

#[test]
fn lint_targets_each_objective_by_id_and_outline_path() {
    let (mut doc, ids) = doc_with_objectives(&[
        ("U1.1", "Understand the cell membrane."),
        ("U1.2", "Describe the role of ribosomes in protein synthesis."),
        ("U1.3", "Cells and their parts."),
    ]);
    doc.objectives[1].level = Some(Create);
    doc.objectives[1].level_source = LevelSource::Designer;
    let findings = lint_document(&doc, Catalog::builtin().template_of(&doc));
    let of = |i: usize| -> Vec<&str> {
        findings.iter().filter(|f| f.target.id == Some(ids[i].to_string())).map(|f| f.code.as_str()).collect()
    };
    assert!(of(0).contains(&codes::UNMEASURABLE));
    assert!(of(1).contains(&codes::LEVEL_DIFFERS), "create is not a level 'describe' supports: {:?}", of(1));
    assert!(of(2).contains(&codes::NO_VERB));
    let f = findings.iter().find(|f| f.code == codes::UNMEASURABLE).unwrap();
    assert_eq!(f.target.kind, "objective");
    assert_eq!(f.target.path, "Biology 101 › Cells › U1.1");
    // The curriculum names its audience, so objectives need not repeat it.
    assert!(findings.iter().any(|f| f.code == codes::NO_AUDIENCE));
    doc.curriculum.audience = "First-year biology students".into();
    assert!(
        !lint_document(&doc, Catalog::builtin().template_of(&doc))
            .iter()
            .any(|f| f.code == codes::NO_AUDIENCE)
    );
}

#[test]
fn ubd_understandings_are_not_flagged_for_understand() {
    let (mut doc, _) = doc_with_objectives(&[
        ("U1", "Students will understand that cells are the basic unit of life."),
        ("T1", "Understand how cells work."),
    ]);
    doc.curriculum.template = Some("backward-design-unit".into());
    let findings = lint_document(&doc, Catalog::builtin().template_of(&doc));
    let unmeasurable: Vec<&str> =
        findings.iter().filter(|f| f.code == codes::UNMEASURABLE).map(|f| f.target.path.as_str()).collect();
    assert_eq!(unmeasurable, ["Biology 101 › Cells › T1"], "U goals use 'understand that' by design");
}

// ── CLI ───────────────────────────────────────────────────────────────────────────────────────

fn trellis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trellis"))
}

#[test]
fn objectives_classify_writes_one_json_object_per_input_line_in_order() {
    let input = "Students will be able to analyse and critique a research article.\n\
                 Understand the water cycle\r\n\
                 \n\
                 Compare the two poems.";
    let mut child = trellis()
        .args(["objectives", "classify"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "one object per input line, blank lines included");
    let keys: Vec<&str> = lines[0].as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = ["text", "level", "candidates", "verbs", "measurable", "findings"];
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(lines[0]["level"], "evaluate");
    assert_eq!(lines[0]["verbs"], serde_json::json!(["analyse", "critique"]));
    assert_eq!(lines[0]["candidates"], serde_json::json!(["analyze", "evaluate"]));
    assert_eq!(lines[0]["measurable"], true);
    assert_eq!(lines[1]["text"], "Understand the water cycle", "the CR is not part of the text");
    assert_eq!(lines[1]["measurable"], false);
    assert_eq!(lines[2]["level"], serde_json::Value::Null);
    assert_eq!(lines[3]["text"], "Compare the two poems.", "a last line without newline is read");
    assert_eq!(lines[3]["findings"][0]["code"].as_str().unwrap().chars().next(), Some('O'));
}

fn write_doc(dir: &Path, name: &str, doc: &Document) -> PathBuf {
    let path = dir.join(name);
    trellis::json::write(doc, &path).unwrap();
    path
}

#[test]
fn lint_cli_groups_findings_and_exits_1_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = doc_with_objectives(&[("U1.1", "Describe the role of ribosomes in protein synthesis.")]);
    let good = write_doc(dir.path(), "good.json", &good);
    let out = trellis().args(["lint"]).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Biology 101 › Cells › U1.1"), "{text}");
    assert!(text.contains("0 error(s)"), "{text}");

    let (bad, _) = doc_with_objectives(&[("U1.1", "Cells and their parts.")]);
    let bad = write_doc(dir.path(), "bad.json", &bad);
    let out = trellis().args(["lint", "--format", "json"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "an objective without a verb is an error");
    let findings: Vec<trellis::Finding> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f.code == codes::NO_VERB));

    let out = trellis().args(["lint", "--fail-on", "warning"]).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "describe … has no warnings");
    let out = trellis().args(["lint"]).arg(dir.path().join("missing.json")).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "unreadable input");
}

#[test]
fn lint_reads_the_shipped_examples() {
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
        if !path.exists() {
            continue;
        }
        let doc = trellis::store::load_path(&path).unwrap();
        let findings = lint_document(&doc, Catalog::builtin().template_of(&doc));
        assert!(
            findings.iter().all(|f| f.target.id.is_some() && !f.target.path.is_empty()),
            "{name}: every finding points at an objective"
        );
    }
}

// ── templates ─────────────────────────────────────────────────────────────────────────────────

#[test]
fn every_template_instantiates_validates_and_round_trips() {
    let all = templates::all();
    let ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
    for id in ["bloom-course-map", "backward-design-unit", "gagne-lesson", "5e-lesson", "competency-module"] {
        assert!(ids.contains(&id), "{id} is built in");
    }
    let dir = tempfile::tempdir().unwrap();
    for t in &all {
        let doc = t.instantiate("Demo");
        doc.validate().unwrap_or_else(|v| panic!("{}: {v:?}", t.id));
        assert_eq!(doc.curriculum.template.as_deref(), Some(t.id.as_str()));
        assert!(doc.nodes.iter().all(|n| t.level(&n.kind).is_some()), "{}: node kinds are declared", t.id);
        assert_eq!(doc.nodes[0].title, "Demo", "{}: {{title}} is replaced", t.id);
        let text = trellis::json::to_string(&doc);
        let back = trellis::json::from_str(&text, &t.id).unwrap();
        assert_eq!(back, doc, "{}: canonical JSON round trip", t.id);
        let path = dir.path().join(format!("{}.trellis", t.id));
        let store = trellis::store::Store::create(&path, &doc).unwrap();
        assert_eq!(store.load().unwrap(), doc, "{}: store round trip", t.id);
    }
}

#[test]
fn field_specs_serialise_for_the_form_renderer() {
    let t = Catalog::builtin().get("backward-design-unit").unwrap();
    let json = serde_json::to_value(t.fields_of("unit")).unwrap();
    let first = &json[0];
    assert_eq!(first["type"], "list");
    assert_eq!(first["name"], "establishedGoals");
    assert_eq!(first["required"], true);
    let all = serde_json::to_value(templates::all()).unwrap();
    let types: std::collections::BTreeSet<String> = all
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["fields"].as_object().unwrap().values().flat_map(|f| f.as_array().unwrap().clone()))
        .map(|f| f["type"].as_str().unwrap().to_owned())
        .collect();
    for ty in
        ["text", "markdown", "list", "select", "multiselect", "bloomLevel", "number", "duration", "toggle"]
    {
        assert!(types.contains(ty), "some template uses a {ty} field");
    }
}

fn check_codes(t: &Template, doc: &Document) -> Vec<String> {
    let mut codes: Vec<String> = template_checks::run(t, doc).into_iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    codes
}

fn add_objective(doc: &mut Document, node: NodeId, code: &str, statement: &str) -> ObjectiveId {
    let id = ObjectiveId::new();
    doc.objectives.push(Objective {
        id,
        node,
        code: code.into(),
        statement: statement.into(),
        abcd: Abcd::default(),
        level: Some(Apply),
        level_source: LevelSource::Designer,
        knowledge: None,
        domain: Domain::Cognitive,
        supports: Vec::new(),
        prerequisites: Vec::new(),
        standards: Vec::new(),
        emphasis: Vec::new(),
    });
    id
}

#[test]
fn backward_design_checks_fire_on_a_broken_unit_and_clear_when_fixed() {
    let t = Catalog::builtin().get("backward-design-unit").unwrap();
    let mut doc = t.instantiate("Statistics in the news");
    let unit = doc.nodes[0].id;
    let found = check_codes(t, &doc);
    for code in [
        "UBD1-no-transfer-goal",
        "UBD2-no-understanding",
        "UBD3-no-essential-question",
        "UBD9-grasps-incomplete",
    ] {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    let transfer = add_objective(&mut doc, unit, "T1", "Evaluate statistical claims in the news.");
    let understanding = add_objective(&mut doc, unit, "U1", "Students will understand that samples vary.");
    let found = check_codes(t, &doc);
    assert!(found.contains(&"UBD4-transfer-goal-without-performance-task".to_owned()), "{found:?}");
    assert!(found.contains(&"UBD5-understanding-not-assessed".to_owned()), "{found:?}");
    // Fix: link both to the performance task, fill GRASPS and the essential questions.
    let task = doc.assessments.iter_mut().find(|a| a.format == AssessmentFormat::PerformanceTask).unwrap();
    task.objectives = vec![transfer, understanding];
    task.grasps = Some(Grasps {
        goal: "Judge a claim".into(),
        role: "Journalist".into(),
        audience: "Readers".into(),
        situation: "A viral statistic".into(),
        product: "A fact-check article".into(),
        standards: "Rubric".into(),
    });
    doc.nodes[0]
        .fields
        .insert("essentialQuestions".into(), serde_json::json!(["When can we trust a number?"]));
    doc.nodes[0].fields.insert("establishedGoals".into(), serde_json::json!(["GAISE 1"]));
    doc.nodes[0].fields.insert("evaluativeCriteria".into(), serde_json::json!(["Accuracy"]));
    let found = check_codes(t, &doc);
    for code in ["UBD1", "UBD2", "UBD3", "UBD4", "UBD5", "UBD9", "UBD12"] {
        assert!(!found.iter().any(|c| c.starts_with(&format!("{code}-"))), "{code} cleared: {found:?}");
    }
    // Only the rubric is still missing.
    assert!(found.contains(&"UBD10-performance-task-without-criteria".to_owned()), "{found:?}");
}

#[test]
fn gagne_and_5e_checks_fire_on_missing_and_misordered_events() {
    for (id, missing, order) in [
        ("gagne-lesson", "GAG1-event-missing", "GAG2-events-out-of-order"),
        ("5e-lesson", "5E1-phase-missing", "5E2-phases-out-of-order"),
    ] {
        let t = Catalog::builtin().get(id).unwrap();
        let mut doc = t.instantiate("Floating and sinking");
        let found = check_codes(t, &doc);
        assert!(
            !found.contains(&missing.to_owned()) && !found.contains(&order.to_owned()),
            "{id}: {found:?}"
        );
        // Break it: drop the first event's activity and move the last one to the front.
        let lesson = doc.nodes.iter().find(|n| n.kind == "lesson").unwrap().id;
        let mut acts: Vec<Activity> = doc.activities.iter().filter(|a| a.node == lesson).cloned().collect();
        acts.remove(0);
        let last = acts.pop().unwrap();
        acts.insert(0, last);
        doc.activities.retain(|a| a.node != lesson);
        doc.activities.extend(acts);
        let found = check_codes(t, &doc);
        assert!(found.contains(&missing.to_owned()), "{id}: {found:?}");
        assert!(found.contains(&order.to_owned()), "{id}: {found:?}");
    }
}

#[test]
fn competency_checks_require_indicators_assessment_and_mastery() {
    let t = Catalog::builtin().get("competency-module").unwrap();
    let mut doc = t.instantiate("Medication safety");
    let competency = doc.nodes.iter().find(|n| n.kind == "competency").unwrap().id;
    let found = check_codes(t, &doc);
    for code in ["CBE1-too-few-indicators", "CBE3-no-mastery-threshold", "CBE5-no-competency-statement"] {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    let a = add_objective(&mut doc, competency, "PI1", "Calculate oral doses with 100 % accuracy.");
    let b = add_objective(&mut doc, competency, "PI2", "Verify the five rights before administration.");
    let found = check_codes(t, &doc);
    assert!(found.contains(&"CBE2-indicator-not-assessed".to_owned()), "{found:?}");
    doc.assessments[0].objectives = vec![a, b];
    doc.assessments[0].mastery_score = Some(0.9);
    doc.nodes
        .iter_mut()
        .find(|n| n.id == competency)
        .unwrap()
        .fields
        .insert("statement".into(), serde_json::json!("Administers medicines safely."));
    assert!(check_codes(t, &doc).is_empty(), "{:?}", check_codes(t, &doc));
}

#[test]
fn bloom_course_map_checks_fire_on_an_empty_map() {
    let t = Catalog::builtin().get("bloom-course-map").unwrap();
    let doc = t.instantiate("Biology 101");
    let found = check_codes(t, &doc);
    for code in
        ["BCM1-course-without-outcomes", "BCM2-module-without-objectives", "BCM5-module-without-overview"]
    {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    assert_eq!(
        trellis::analysis::check(&doc, Catalog::builtin())
            .iter()
            .filter(|f| f.code.starts_with("BCM"))
            .count(),
        template_checks::run(t, &doc).len(),
        "found by the document's id"
    );
}

#[test]
fn user_templates_add_or_override_and_broken_ones_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut custom =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/5e-lesson.toml"))
            .unwrap();
    custom = custom.replace("name = \"5E inquiry lesson\"", "name = \"Our 5E lesson\"");
    std::fs::write(dir.path().join("5e.toml"), custom).unwrap();
    std::fs::write(dir.path().join("broken.toml"), "id = \"broken\"\nname = \"Broken\"\nlevels = [\n")
        .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a template").unwrap();
    let catalog = templates::catalog(Some(dir.path()));
    assert_eq!(
        catalog.templates.len(),
        templates::all().len(),
        "the override replaces, the broken file is skipped"
    );
    let five = catalog.templates.iter().find(|t| t.id == "5e-lesson").unwrap();
    assert_eq!(five.name, "Our 5E lesson");
    assert!(five.source.ends_with("5e.toml"));
    assert_eq!(catalog.errors.len(), 1);
    assert!(
        catalog.errors[0].contains("broken.toml") && catalog.errors[0].contains("line"),
        "{}",
        catalog.errors[0]
    );
    let missing = templates::catalog(Some(&dir.path().join("nope")));
    assert!(missing.errors.is_empty(), "a missing folder is not an error");
}

// ── the examples' templates and the template CLI ──────────────────────────────────────────────

fn example(name: &str) -> Document {
    trellis::json::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)).unwrap()
}

#[test]
fn the_examples_name_built_in_templates_whose_specs_fit_them_and_whose_checks_stay_quiet() {
    for (name, id) in
        [("intro-statistics.json", "backward-design"), ("nursing-pharmacology.json", "competency-based")]
    {
        let doc = example(name);
        assert_eq!(doc.curriculum.template.as_deref(), Some(id));
        let t = Catalog::builtin().get(id).unwrap_or_else(|| panic!("{name}: template {id} is built in"));
        for n in &doc.nodes {
            assert!(t.level(&n.kind).is_some(), "{name}: kind {} is a level of {id}", n.kind);
            for (key, value) in &n.fields {
                let spec = t.fields_of(&n.kind).iter().find(|f| f.name() == key);
                let spec = spec.unwrap_or_else(|| panic!("{name}: {id} declares {}.{key}", n.kind));
                assert_eq!(spec.mismatch(value), None, "{name}: {} {key}", n.title);
            }
            if let Some(level) = t.level(&n.kind)
                && let Some(parent) = n.parent.and_then(|p| doc.nodes.iter().find(|x| x.id == p))
            {
                let parent_level = t.level(&parent.kind).unwrap();
                assert!(
                    parent_level.children.contains(&level.kind),
                    "{name}: {} under {}",
                    n.kind,
                    parent.kind
                );
            }
        }
        let tags: Vec<&str> = t.tag_sets.iter().flat_map(|s| s.tags.iter().map(|t| t.id.as_str())).collect();
        for a in &doc.activities {
            if let Some(e) = a.event.as_deref() {
                assert!(tags.contains(&e), "{name}: event {e} is one of {id}'s tags");
            }
        }
        let serious: Vec<String> = template_checks::run(t, &doc)
            .into_iter()
            .filter(|f| f.severity >= trellis::Severity::Warning)
            .map(|f| format!("{} {}", f.code, f.target.path))
            .collect();
        assert!(serious.is_empty(), "{name}: the template adds no gaps of its own: {serious:?}");
    }
}

#[test]
fn backward_design_course_checks_fire_on_a_damaged_statistics_course() {
    let t = Catalog::builtin().get("backward-design").unwrap();
    let mut doc = example("intro-statistics.json");
    assert!(check_codes(t, &doc).is_empty(), "{:?}", check_codes(t, &doc));
    let unit = doc.nodes.iter().position(|n| n.kind == "unit").unwrap();
    doc.nodes[unit].fields.remove("transferGoals");
    doc.nodes[unit].fields.insert("essentialQuestions".into(), serde_json::json!(["  "]));
    doc.nodes[unit].fields.remove("enduringUnderstandings");
    doc.nodes[0].fields.remove("transferGoals");
    let task = doc.assessments.iter_mut().find(|a| a.format == AssessmentFormat::PerformanceTask).unwrap();
    task.grasps.as_mut().unwrap().role.clear();
    doc.assessments.retain(|a| a.purpose != AssessmentPurpose::Diagnostic);
    doc.activities[0].event = None;
    let found = check_codes(t, &doc);
    assert_eq!(
        found,
        [
            "BD1-course-without-transfer-goals",
            "BD11-event-not-tagged",
            "BD3-unit-without-transfer-goal",
            "BD4-unit-without-understandings",
            "BD5-unit-without-essential-questions",
            "BD8-grasps-incomplete",
            "BD9-no-pre-assessment",
        ]
    );
    let grasps =
        template_checks::run(t, &doc).into_iter().find(|f| f.code == "BD8-grasps-incomplete").unwrap();
    assert!(grasps.message.ends_with("does not state: role."), "{}", grasps.message);
    // The analysis runs the document's template checks.
    let all: Vec<String> =
        trellis::analysis::check(&doc, Catalog::builtin()).into_iter().map(|f| f.code).collect();
    assert!(all.contains(&"BD3-unit-without-transfer-goal".to_owned()));
    // Without any performance task the course cannot show transfer.
    doc.assessments.retain(|a| a.format != AssessmentFormat::PerformanceTask);
    assert!(check_codes(t, &doc).contains(&"BD7-course-without-performance-task".to_owned()));
}

#[test]
fn backward_design_course_skeleton_asks_for_stage_1_but_has_its_evidence_slots() {
    let t = Catalog::builtin().get("backward-design").unwrap();
    let doc = t.instantiate("Statistics");
    let found = check_codes(t, &doc);
    for code in [
        "BD1-course-without-transfer-goals",
        "BD3-unit-without-transfer-goal",
        "BD4-unit-without-understandings",
        "BD5-unit-without-essential-questions",
        "BD8-grasps-incomplete",
    ] {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    for code in [
        "BD7-course-without-performance-task",
        "BD9-no-pre-assessment",
        "BD10-no-progress-checks",
        "BD11-event-not-tagged",
    ] {
        assert!(!found.contains(&code.to_owned()), "the skeleton has what {code} asks for: {found:?}");
    }
}

#[test]
fn competency_based_checks_fire_on_a_damaged_nursing_program() {
    let t = Catalog::builtin().get("competency-based").unwrap();
    let mut doc = example("nursing-pharmacology.json");
    assert!(check_codes(t, &doc).is_empty(), "{:?}", check_codes(t, &doc));
    let course = doc.nodes.iter().position(|n| n.kind == "course").unwrap();
    let course_id = doc.nodes[course].id;
    doc.nodes[course].fields.remove("credits");
    let module = doc.nodes.iter().position(|n| n.kind == "module").unwrap();
    doc.nodes[module].fields.insert("performanceIndicators".into(), serde_json::json!([]));
    let index = doc.index();
    let in_course: Vec<NodeId> = index.subtree(course_id).iter().map(|n| n.id).collect();
    drop(index);
    doc.assessments
        .retain(|a| !(in_course.contains(&a.node) && a.format == AssessmentFormat::PerformanceTask));
    let found = check_codes(t, &doc);
    assert_eq!(
        found,
        [
            "CB1-module-without-indicators",
            "CB2-course-without-credits",
            "CB4-course-without-performance-assessment",
        ]
    );
    let cb4 = template_checks::run(t, &doc).into_iter().find(|f| f.code.starts_with("CB4")).unwrap();
    assert_eq!(cb4.target.id, Some(course_id.to_string()), "only the damaged course");
    doc.assessments.retain(|a| !in_course.contains(&a.node) || a.purpose != AssessmentPurpose::Summative);
    assert!(check_codes(t, &doc).contains(&"CB3-course-without-summative-assessment".to_owned()));
}

/// `trellis` with the user template folder pointed at `dir`.
fn trellis_in(dir: &Path) -> Command {
    let mut cmd = trellis();
    cmd.env("TRELLIS_TEMPLATES", dir);
    cmd
}

#[test]
fn templates_cli_lists_builtin_and_user_templates_and_names_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("none");
    let out = trellis_in(&empty).arg("templates").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for t in templates::all() {
        let line = text.lines().find(|l| l.starts_with(&format!("{} ", t.id))).unwrap_or_else(|| {
            panic!("{} is listed: {text}", t.id);
        });
        assert!(line.contains(&t.name), "{line}");
        let sentence = t.description.split(". ").next().unwrap();
        assert!(line.contains(sentence.trim_end_matches('.')), "{line}");
        assert!(!line.contains("[user"), "{line}");
    }
    assert!(text.contains(&empty.display().to_string()), "the user folder is named: {text}");

    let user = dir.path().join("user");
    std::fs::create_dir(&user).unwrap();
    let mut ours =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/5e-lesson.toml"))
            .unwrap();
    ours = ours
        .replace("id = \"5e-lesson\"", "id = \"our-5e\"")
        .replace("name = \"5E inquiry lesson\"", "name = \"Our inquiry lesson\"");
    std::fs::write(user.join("ours.toml"), ours).unwrap();
    std::fs::write(user.join("broken.toml"), "id = \"broken\"\nname = \"Broken\"\nlevels = [\n").unwrap();
    let out = trellis_in(&user).arg("templates").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a broken user file does not stop the listing");
    let text = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = text.lines().find(|l| l.starts_with("our-5e ")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("Our inquiry lesson") && line.contains("ours.toml"), "{line}");
    assert_eq!(text.lines().filter(|l| l.contains("[user: ")).count(), 1, "{text}");
    assert!(stderr.contains("broken.toml") && stderr.contains("line 3"), "{stderr}");
}

#[test]
fn new_cli_creates_a_document_from_each_template_skeleton() {
    let dir = tempfile::tempdir().unwrap();
    let no_user = dir.path().join("none");
    for t in templates::all() {
        let path = dir.path().join(format!("{}.trellis", t.id));
        let out = trellis_in(&no_user)
            .arg("new")
            .arg(&path)
            .args(["--title", "Pharmacology and Statistics", "--template", &t.id])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}: {}", t.id, String::from_utf8_lossy(&out.stderr));
        let doc = trellis::store::Store::open(&path).unwrap().load().unwrap();
        assert_eq!(doc.curriculum.template.as_deref(), Some(t.id.as_str()));
        assert_eq!(doc.curriculum.title, "Pharmacology and Statistics");
        let expected = t.instantiate("Pharmacology and Statistics");
        let outline = |d: &Document| -> Vec<(String, String, String, usize, usize)> {
            let index = d.index();
            d.nodes
                .iter()
                .map(|n| {
                    (
                        index.path(n.id),
                        n.kind.clone(),
                        n.code.clone(),
                        index.activities_of(n.id).count(),
                        index.assessments_of(n.id).count(),
                    )
                })
                .collect()
        };
        assert!(!doc.nodes.is_empty(), "{}: the skeleton is there", t.id);
        assert_eq!(outline(&doc), outline(&expected), "{}: the outline is the template's skeleton", t.id);
        assert_eq!(doc.nodes[0].title, "Pharmacology and Statistics");
        let again = trellis_in(&no_user)
            .arg("new")
            .arg(&path)
            .args(["--title", "Again", "--template", &t.id])
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(4), "{}: an existing file is not overwritten", t.id);
    }
}

#[test]
fn new_cli_rejects_an_unknown_template_and_lists_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.trellis");
    let out = trellis_in(&dir.path().join("none"))
        .arg("new")
        .arg(&path)
        .args(["--title", "X", "--template", "backward-design-course"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unknown template \"backward-design-course\""), "{stderr}");
    for t in templates::all() {
        assert!(stderr.contains(&t.id), "{} is offered: {stderr}", t.id);
    }
    assert!(!path.exists(), "nothing is created");

    let out =
        trellis_in(&dir.path().join("none")).arg("new").arg(&path).args(["--title", "X"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = trellis::store::Store::open(&path).unwrap().load().unwrap();
    assert_eq!(doc.curriculum.template, None, "without --template the document is empty");
    assert!(doc.nodes.is_empty());
}
