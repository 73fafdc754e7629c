//! The accessibility check (`trellis::analysis::accessibility`, codes `AX1`–`AX11`): a document
//! with exactly one violation per rule gets exactly those findings, each at its entity and
//! field; the same document with every violation repaired (plus near misses that must stay
//! quiet) gets none; the shipped examples' results; and the wiring into `trellis::analysis::check`,
//! the export preflight and the review packet.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use trellis::analysis::{self, accessibility, report};
use trellis::export::{self, ExportFormat, ExportOptions};
use trellis::model::*;
use trellis::pedagogy::templates::Catalog;
use trellis::{Finding, Severity};

/// Ids of the entities that carry the content, so findings can be matched to places.
struct Fixture {
    doc: Document,
    lesson: NodeId,
    part: NodeId,
    reading: ActivityId,
    lab: ActivityId,
    quiz: AssessmentId,
    exam: AssessmentId,
    item: ItemId,
    rubric: RubricId,
    criterion: CriterionId,
}

/// The text of every field, violating (`bad`) or repaired.
struct Texts {
    language: &'static str,
    lesson_summary: &'static str,
    reading: &'static str,
    part_summary: &'static str,
    lab: &'static str,
    quiz_instructions: &'static str,
    rubric_description: &'static str,
    criterion_description: &'static str,
    feedback: &'static str,
    stem: &'static str,
    exam: AssessmentFormat,
}

const BAD: Texts = Texts {
    // AX8: no language.
    language: "",
    // AX1: an image without alternative text.
    lesson_summary: "Look at the chart first.\n\n![](chart.png)\n",
    // AX2: the alternative text is the file name.
    reading: "Read the diagram: ![diagram.png](assets/diagram.png)",
    // AX3: a level-2 heading followed by a level-4 one.
    part_summary: "## Background\n\nSome text.\n\n#### Details\n\nMore text.\n",
    // AX4: a table without header cells.
    lab: "Record your data:\n\n<table><tr><td>Trial</td><td>Time</td></tr><tr><td>1</td><td></td></tr></table>\n",
    // AX5: a link that says nothing.
    quiz_instructions: "Read the rules first: [click here](https://example.org/rules).",
    // AX6: a video without captions or a transcript.
    rubric_description: "Watch the model answer:\n\n<video src=\"model-answer.mp4\" controls></video>\n",
    // AX7: light grey on white (2.85:1).
    criterion_description: "Judge the <span style=\"color: #999999\">reasoning</span>, not the spelling.",
    // AX9: a passage marked with a language name instead of a tag.
    feedback: "Well done. <span lang=\"french\">Très bien !</span>",
    // AX10: a stem that points at the colour of a choice.
    stem: "Which of the red options shows the median?",
    // AX11: an exam with a duration (a time limit in Canvas and Common Cartridge).
    exam: AssessmentFormat::Exam,
};

const GOOD: Texts = Texts {
    language: "en-GB",
    lesson_summary: "Look at the chart first.\n\n![Bar chart of weekly rainfall, wettest in week 3](chart.png)\n",
    reading: "Read the diagram: ![Box plot with the median marked](assets/diagram.png)",
    // Going back up and down one level at a time is fine.
    part_summary: "## Background\n\n### Details\n\n## Method\n\n### Steps\n\n#### Step 1\n",
    lab: "Record your data:\n\n| Trial | Time |\n|---|---|\n| 1 | |\n\n<table><tr><th>Trial</th><td>1</td></tr></table>\n",
    quiz_instructions: "Read [the quiz rules](https://example.org/rules) first.",
    // A captioned video, and an audio clip with a transcript link.
    rubric_description: "<video src=\"a.mp4\"><track kind=\"captions\" src=\"a.vtt\"></video>\n\n<audio src=\"b.mp3\"></audio> [Transcript of the interview](b.txt)\n",
    // Dark grey on white (12.6:1); large bold text at 3.5:1 passes the 3:1 threshold.
    criterion_description: "Judge the <span style=\"color:#333\">reasoning</span>. <span style=\"font-size:24px; color:#8a8a8a\">Heading-sized</span>",
    feedback: "Well done. <span lang=\"fr\">Très bien !</span>",
    // Mentions of "right" and "above" that do not point at the screen.
    stem: "Which value lies above the median, and what is the right answer?",
    exam: AssessmentFormat::Quiz,
};

fn fixture(t: &Texts) -> Fixture {
    let mut doc = Document::new("Accessibility fixture");
    doc.curriculum.language = t.language.into();
    let node = |parent: Option<NodeId>, kind: &str, code: &str, summary: &str| Node {
        code: code.into(),
        summary: summary.into(),
        ..super::support::node(parent, kind, &format!("{kind} {code}"))
    };
    let course = node(None, "course", "C1", "");
    let lesson = node(Some(course.id), "lesson", "L1", t.lesson_summary);
    let part = node(Some(course.id), "lesson", "L2", t.part_summary);
    let (lesson_id, part_id) = (lesson.id, part.id);
    doc.nodes.extend([course, lesson, part]);
    let activity = |title: &str, kind: ActivityKind, instructions: &str| Activity {
        id: ActivityId::new(),
        node: lesson_id,
        title: title.into(),
        kind,
        instructions: instructions.into(),
        duration_minutes: Some(30),
        grouping: Grouping::Individual,
        event: None,
        objectives: Vec::new(),
        resources: Vec::new(),
        content: None,
        pathway: None,
    };
    let reading = activity("Reading", ActivityKind::Reading, t.reading);
    let lab = activity("Lab", ActivityKind::Lab, t.lab);
    let (reading_id, lab_id) = (reading.id, lab.id);
    doc.activities.extend([reading, lab]);
    let mut asset = Asset::new("diagram.png", "image/png", vec![1, 2, 3]);
    asset.alt = String::new();
    doc.assets.push(asset);

    let levels: Vec<RubricLevel> = ["Beginning", "Proficient", "Exemplary"]
        .iter()
        .enumerate()
        .map(|(i, l)| RubricLevel { id: RubricLevelId::new(), label: (*l).into(), points: i as f64 + 1.0 })
        .collect();
    let criterion = Criterion {
        id: CriterionId::new(),
        title: "Reasoning".into(),
        description: t.criterion_description.into(),
        weight: 1.0,
        objective: None,
        descriptors: levels
            .iter()
            .map(|l| Descriptor { level: l.id, text: format!("Work at the {} level.", l.label) })
            .collect(),
    };
    let criterion_id = criterion.id;
    let rubric = Rubric {
        id: RubricId::new(),
        title: "Reasoning rubric".into(),
        kind: RubricKind::Analytic,
        description: t.rubric_description.into(),
        levels,
        criteria: vec![criterion],
    };
    let rubric_id = rubric.id;
    doc.rubrics.push(rubric);

    let choice = |text: &str, correct: bool| Choice {
        id: ChoiceId::new(),
        text: text.into(),
        correct,
        feedback: String::new(),
    };
    let item = QuizItem {
        id: ItemId::new(),
        stem: t.stem.into(),
        body: ItemBody::MultipleChoice { choices: vec![choice("12", true), choice("15", false)] },
        points: 1.0,
        feedback_correct: t.feedback.into(),
        feedback_incorrect: String::new(),
        level: None,
        objectives: Vec::new(),
    };
    let item_id = item.id;
    let assessment =
        |title: &str, format: AssessmentFormat, instructions: &str, items: Vec<QuizItem>| Assessment {
            id: AssessmentId::new(),
            node: lesson_id,
            title: title.into(),
            purpose: AssessmentPurpose::Summative,
            format,
            instructions: instructions.into(),
            points: None,
            weight: None,
            duration_minutes: Some(90),
            mastery_score: None,
            grasps: None,
            rubric: None,
            objectives: Vec::new(),
            items,
        };
    let quiz = assessment("Quiz", AssessmentFormat::Quiz, t.quiz_instructions, vec![item]);
    let mut exam = assessment("Final exam", t.exam, "", Vec::new());
    exam.rubric = Some(rubric_id);
    let (quiz_id, exam_id) = (quiz.id, exam.id);
    doc.assessments.extend([quiz, exam]);
    doc.normalize();
    doc.validate().unwrap();
    Fixture {
        doc,
        lesson: lesson_id,
        part: part_id,
        reading: reading_id,
        lab: lab_id,
        quiz: quiz_id,
        exam: exam_id,
        item: item_id,
        rubric: rubric_id,
        criterion: criterion_id,
    }
}

/// `(code, entity id, field)` of each accessibility finding, sorted; the field is the part of
/// the message before the first colon.
fn places(findings: &[Finding]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = findings
        .iter()
        .filter(|f| accessibility::is_accessibility_code(&f.code))
        .map(|f| {
            let field = f.message.split_once(':').map(|(field, _)| field.to_owned()).unwrap_or_default();
            (f.code.clone(), f.target.id.clone().unwrap_or_default(), field)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn one_violation_per_rule_gives_exactly_those_findings_at_their_places() {
    let f = fixture(&BAD);
    let id = |u: uuid::Uuid| u.to_string();
    let mut expected: Vec<(String, String, String)> = [
        (accessibility::AX1, id(f.lesson.0), "Summary"),
        (accessibility::AX2, id(f.reading.0), "Instructions"),
        (accessibility::AX3, id(f.part.0), "Summary"),
        (accessibility::AX4, id(f.lab.0), "Instructions"),
        (accessibility::AX5, id(f.quiz.0), "Instructions"),
        (accessibility::AX6, id(f.rubric.0), "Description"),
        (accessibility::AX7, id(f.criterion.0), "Description"),
        (accessibility::AX8, id(f.doc.curriculum.id.0), "Language"),
        (accessibility::AX9, id(f.item.0), "Feedback on a correct answer"),
        (accessibility::AX10, id(f.item.0), "Stem"),
        (accessibility::AX11, id(f.exam.0), "Time limit"),
    ]
    .into_iter()
    .map(|(c, i, field)| (c.to_owned(), i, field.to_owned()))
    .collect();
    expected.sort();
    let own = accessibility::check(&f.doc);
    assert_eq!(places(&own), expected, "{own:#?}");
    // Every rule fires once; each finding is a warning with a fix.
    assert_eq!(own.len(), accessibility::RULES.len());
    for finding in &own {
        assert_eq!(finding.severity, Severity::Warning, "{finding:?}");
        assert!(!finding.hint.is_empty() && !finding.target.path.is_empty(), "{finding:?}");
    }
    // The curriculum analysis carries the same findings.
    assert_eq!(places(&analysis::check(&f.doc, Catalog::builtin())), expected);
    let contrast = own.iter().find(|x| x.code == accessibility::AX7).unwrap();
    assert!(
        contrast.message.contains("#999999") && contrast.message.contains("2.85:1"),
        "{}",
        contrast.message
    );
}

#[test]
fn the_repaired_fixture_and_near_misses_give_no_findings() {
    let f = fixture(&GOOD);
    assert_eq!(accessibility::check(&f.doc), Vec::<Finding>::new());
    assert_eq!(places(&analysis::check(&f.doc, Catalog::builtin())), Vec::new());
}

#[test]
fn an_image_without_alt_takes_the_stored_files_alternative_text() {
    let mut f = fixture(&GOOD);
    f.doc.assets[0].alt = "Box plot with the median marked".into();
    let a = f.doc.activities.iter_mut().find(|a| a.id == f.reading).unwrap();
    a.instructions = "![](asset:diagram.png)".into();
    assert_eq!(accessibility::check(&f.doc), Vec::<Finding>::new(), "exports fill the alt from the file");
    // A stored image whose own alternative text is its file name is reported on the file.
    f.doc.assets[0].alt = "diagram.png".into();
    let codes: Vec<String> = accessibility::check(&f.doc).into_iter().map(|x| x.code).collect();
    assert!(codes.iter().all(|c| c == accessibility::AX2) && !codes.is_empty(), "{codes:?}");
}

fn example(name: &str) -> Document {
    trellis::json::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)).unwrap()
}

#[test]
fn the_examples_have_only_their_exam_time_limits_to_fix() {
    for (name, exam) in [
        ("intro-statistics.json", "Midterm exam"),
        ("nursing-pharmacology.json", "Pharmacology I written exam"),
    ] {
        let doc = example(name);
        let found = accessibility::check(&doc);
        assert_eq!(found.len(), 1, "{name}: {found:#?}");
        assert_eq!(found[0].code, accessibility::AX11, "{name}");
        assert!(found[0].target.path.ends_with(exam), "{name}: the timed exam “{exam}”: {found:#?}");
    }
}

#[test]
fn preflight_warns_and_the_packet_counts_by_criterion() {
    let f = fixture(&BAD);
    let options = ExportOptions::for_document(&f.doc);
    let pre = export::preflight(&f.doc, ExportFormat::Scorm2004, &options);
    let ax: Vec<&Finding> = pre.iter().filter(|x| accessibility::is_accessibility_code(&x.code)).collect();
    assert_eq!(ax.len(), accessibility::RULES.len(), "{pre:#?}");
    assert!(ax.iter().all(|x| x.severity == Severity::Warning));

    let html = report::render(&f.doc, Catalog::builtin(), &report::ReportOptions::default());
    let section = html.split("<section id=\"accessibility\">").nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    assert!(section.contains("Quality Matters 8"), "{section}");
    for rule in &accessibility::RULES {
        assert!(section.contains(rule.code), "{} counted in the QM 8 section", rule.code);
    }
    assert!(section.contains("1.4.3 Contrast (Minimum) (AA)"), "{section}");

    let clean = fixture(&GOOD);
    let html = report::render(&clean.doc, Catalog::builtin(), &report::ReportOptions::default());
    let section = html.split("<section id=\"accessibility\">").nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    assert!(section.contains("No accessibility findings") && !section.contains("<table"), "{section}");
}

#[test]
fn hostile_markup_is_read_without_panicking() {
    let mut f = fixture(&GOOD);
    let deep = "<div style=\"color:#eee\">".repeat(2000);
    f.doc.nodes[0].summary = format!(
        "{deep}x <a href=x><a><img></a> <table><table><th></table> <video><video><track kind=captions></video> \
         <span style=\"color: rgb(300,-4,; background: #12\">y</span> <h7>z</h7> <span lang>q</span>"
    );
    let found = accessibility::check(&f.doc);
    assert!(found.iter().any(|x| x.code == accessibility::AX7), "{found:#?}");
}

#[test]
fn the_review_checklist_has_a_quality_matters_8_line_decided_by_the_accessibility_findings() {
    let line = |doc: &Document| {
        let findings = analysis::check(doc, Catalog::builtin());
        analysis::checklist::checklist(doc, &findings, None)
            .into_iter()
            .find(|i| i.standard == "QM 8")
            .unwrap()
    };
    let bad = line(&fixture(&BAD).doc);
    assert_eq!(bad.status, analysis::checklist::Status::NotMet);
    assert_eq!(bad.findings, accessibility::RULES.len(), "{bad:#?}");
    assert!(bad.evidence.iter().any(|e| e.starts_with("Findings: AX")), "{:?}", bad.evidence);
    assert_eq!(line(&fixture(&GOOD).doc).status, analysis::checklist::Status::Met);
    // The examples' timed exams (AX11) leave the line not met.
    assert_eq!(line(&example("intro-statistics.json")).findings, 1);
}
