//! Curriculum analysis: every check fires on a minimal document and stays quiet on a sound
//! one; the views, the checklist, the review packet (also in a real browser) and the semantic
//! diff behave as documented.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use super::support::trellis_cli;
use trellis::Severity;
use trellis::analysis::{self, checklist, diff, report, views};
use trellis::model::*;
use trellis::pedagogy::templates::Catalog;

// ---------------------------------------------------------------------------------------------
// A small document builder. Documents are built directly (not through `validate`) so that
// broken shapes such as prerequisite cycles can be analysed too.

struct B {
    doc: Document,
}

impl B {
    fn new() -> Self {
        B { doc: Document::new("Test curriculum") }
    }

    fn node(&mut self, parent: Option<NodeId>, kind: &str, code: &str) -> NodeId {
        let id = NodeId::new();
        self.doc.nodes.push(Node {
            id,
            code: code.into(),
            ..super::support::node(parent, kind, &format!("{kind} {code}"))
        });
        id
    }

    fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.doc.nodes.iter_mut().find(|n| n.id == id).unwrap()
    }

    fn obj(
        &mut self,
        node: NodeId,
        code: &str,
        level: Option<BloomLevel>,
        supports: &[ObjectiveId],
    ) -> ObjectiveId {
        let id = ObjectiveId::new();
        self.doc.objectives.push(Objective {
            id,
            node,
            code: code.into(),
            statement: format!("Calculate the values of {code} for a given data set with 90 % accuracy."),
            abcd: Abcd::default(),
            level,
            level_source: LevelSource::Designer,
            knowledge: None,
            domain: Domain::Cognitive,
            supports: supports.to_vec(),
            prerequisites: Vec::new(),
            standards: Vec::new(),
            emphasis: Vec::new(),
        });
        id
    }

    fn obj_mut(&mut self, id: ObjectiveId) -> &mut Objective {
        self.doc.objectives.iter_mut().find(|o| o.id == id).unwrap()
    }

    fn act(&mut self, node: NodeId, kind: ActivityKind, objs: &[ObjectiveId]) -> ActivityId {
        let id = ActivityId::new();
        self.doc.activities.push(Activity {
            id,
            node,
            title: format!("{kind:?} {}", self.doc.activities.len() + 1),
            kind,
            instructions: String::new(),
            duration_minutes: Some(60),
            grouping: Grouping::Individual,
            event: None,
            objectives: objs.to_vec(),
            resources: Vec::new(),
            content: None,
            pathway: None,
        });
        id
    }

    fn act_mut(&mut self, id: ActivityId) -> &mut Activity {
        self.doc.activities.iter_mut().find(|a| a.id == id).unwrap()
    }

    fn asm(
        &mut self,
        node: NodeId,
        purpose: AssessmentPurpose,
        format: AssessmentFormat,
        objs: &[ObjectiveId],
    ) -> AssessmentId {
        let id = AssessmentId::new();
        self.doc.assessments.push(Assessment {
            id,
            node,
            title: format!("{format:?} {}", self.doc.assessments.len() + 1),
            purpose,
            format,
            instructions: String::new(),
            points: None,
            weight: None,
            duration_minutes: Some(30),
            mastery_score: None,
            grasps: None,
            rubric: None,
            objectives: objs.to_vec(),
            items: Vec::new(),
        });
        id
    }

    fn asm_mut(&mut self, id: AssessmentId) -> &mut Assessment {
        self.doc.assessments.iter_mut().find(|a| a.id == id).unwrap()
    }

    fn item(&mut self, asm: AssessmentId, level: Option<BloomLevel>, objs: &[ObjectiveId]) -> ItemId {
        let id = ItemId::new();
        self.asm_mut(asm).items.push(QuizItem {
            id,
            stem: "What is the z-score of 130 when the mean is 100 and the SD 15?".into(),
            body: ItemBody::Numeric { answer: 2.0, tolerance: 0.01 },
            points: 1.0,
            feedback_correct: String::new(),
            feedback_incorrect: String::new(),
            level,
            objectives: objs.to_vec(),
        });
        id
    }

    fn rubric(&mut self, levels: &[f64], criteria: &[(&str, Option<ObjectiveId>)]) -> RubricId {
        let levels: Vec<RubricLevel> = levels
            .iter()
            .enumerate()
            .map(|(i, p)| RubricLevel {
                id: RubricLevelId::new(),
                label: format!("Level {}", i + 1),
                points: *p,
            })
            .collect();
        let criteria = criteria
            .iter()
            .map(|(title, o)| Criterion {
                id: CriterionId::new(),
                title: (*title).into(),
                description: String::new(),
                weight: 1.0,
                objective: *o,
                descriptors: levels
                    .iter()
                    .map(|l| Descriptor {
                        level: l.id,
                        text: format!("Cites {} sources that support the claim.", l.points),
                    })
                    .collect(),
            })
            .collect();
        let id = RubricId::new();
        self.doc.rubrics.push(Rubric {
            id,
            title: "Project rubric".into(),
            kind: RubricKind::Analytic,
            description: String::new(),
            levels,
            criteria,
        });
        id
    }
}

/// A sound course: one course outcome supported by a unit objective that is practised in a
/// lab and then measured by a weighted quiz item at its level.
struct Sound {
    b: B,
    course: NodeId,
    unit: NodeId,
    co: ObjectiveId,
    uo: ObjectiveId,
    lab: ActivityId,
    quiz: AssessmentId,
}

fn sound() -> Sound {
    let mut b = B::new();
    let course = b.node(None, "course", "C1");
    let unit = b.node(Some(course), "unit", "U1");
    let co = b.obj(course, "CO1", Some(BloomLevel::Apply), &[]);
    let uo = b.obj(unit, "U1.1", Some(BloomLevel::Apply), &[co]);
    let lab = b.act(unit, ActivityKind::Lab, &[uo]);
    let quiz = b.asm(unit, AssessmentPurpose::Summative, AssessmentFormat::Quiz, &[uo]);
    b.asm_mut(quiz).weight = Some(100.0);
    b.item(quiz, Some(BloomLevel::Apply), &[uo]);
    Sound { b, course, unit, co, uo, lab, quiz }
}

/// Codes of the analysis module's own findings (objective-wording `O…` codes are the
/// pedagogy engine's and are tested there).
fn codes(doc: &Document) -> Vec<String> {
    analysis::check(doc, Catalog::builtin()).into_iter().map(|f| f.code).filter(|c| !is_wording(c)).collect()
}

fn is_wording(code: &str) -> bool {
    code.strip_prefix('O').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

fn fires(doc: &Document, code: &str) -> bool {
    codes(doc).iter().any(|c| c == code)
}

fn finding<'a>(findings: &'a [trellis::Finding], code: &str) -> &'a trellis::Finding {
    findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {findings:#?}"))
}

fn example(name: &str) -> Document {
    trellis::json::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The sound document

#[test]
fn a_sound_course_has_no_analysis_findings() {
    let s = sound();
    assert_eq!(codes(&s.b.doc), Vec::<String>::new(), "the sound document must stay quiet");
}

#[test]
fn findings_are_sorted_by_severity_then_outline_order() {
    let mut s = sound();
    let u2 = s.b.node(Some(s.course), "unit", "U2");
    let o = s.b.obj(u2, "U2.1", Some(BloomLevel::Apply), &[]); // A1 error, A8 error, A4 warning
    s.b.act(s.unit, ActivityKind::Practice, &[]); // A3 warning, earlier in the outline
    let _ = o;
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert!(all.windows(2).all(|w| w[0].severity >= w[1].severity), "most severe first");
    let warnings: Vec<&str> = all
        .iter()
        .filter(|f| f.severity == Severity::Warning && !is_wording(&f.code))
        .map(|f| f.code.as_str())
        .collect();
    let a3 = warnings.iter().position(|c| *c == "A3-activity-unaligned").unwrap();
    let a4 = warnings.iter().position(|c| *c == "A4-objective-unpractised").unwrap();
    assert!(a3 < a4, "U1's activity comes before U2's objective in the outline: {warnings:?}");
    assert_eq!(analysis::check(&s.b.doc, Catalog::builtin()), all, "the same document gives the same list");
}

// ---------------------------------------------------------------------------------------------
// Constructive alignment

#[test]
fn a1_fires_for_an_objective_nothing_measures_and_names_it() {
    let mut s = sound();
    let o = s.b.obj(s.unit, "U1.2", Some(BloomLevel::Apply), &[s.co]);
    s.b.act_mut(s.lab).objectives.push(o);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    let f = finding(&all, "A1-objective-unassessed");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.target.id.as_deref(), Some(o.to_string().as_str()));
    assert!(f.target.path.ends_with("U1.2"), "{}", f.target.path);
    assert_eq!(
        all.iter().filter(|f| f.code == "A1-objective-unassessed").count(),
        1,
        "CO1 is covered by U1.1"
    );
}

#[test]
fn a1_accepts_a_course_outcome_measured_through_its_supporting_objective() {
    let s = sound();
    assert!(
        s.b.doc.assessments.iter().all(|a| !a.objectives.contains(&s.co)),
        "CO1 is not assessed directly"
    );
    assert!(!fires(&s.b.doc, "A1-objective-unassessed"));
}

#[test]
fn a10_fires_when_only_formative_assessments_measure_an_objective() {
    let mut s = sound();
    s.b.asm_mut(s.quiz).purpose = AssessmentPurpose::Formative;
    s.b.asm_mut(s.quiz).weight = None;
    assert!(fires(&s.b.doc, "A10-objective-ungraded"));
    assert!(!fires(&s.b.doc, "A1-objective-unassessed"));
}

#[test]
fn a10_fires_when_graded_weights_do_not_add_up_to_100() {
    let mut s = sound();
    assert!(!fires(&s.b.doc, "A10-weights-not-100"));
    s.b.asm_mut(s.quiz).weight = Some(90.0);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert!(finding(&all, "A10-weights-not-100").message.contains("90 %"));
}

#[test]
fn a2_fires_for_an_assessment_without_objectives_and_for_an_ambiguous_item() {
    let mut s = sound();
    let a = s.b.asm(s.unit, AssessmentPurpose::Summative, AssessmentFormat::Assignment, &[]);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert_eq!(finding(&all, "A2-assessment-unaligned").target.id.as_deref(), Some(a.to_string().as_str()));

    let mut s = sound();
    let o2 = s.b.obj(s.unit, "U1.2", Some(BloomLevel::Apply), &[s.co]);
    s.b.asm_mut(s.quiz).objectives.push(o2);
    let item = s.b.item(s.quiz, Some(BloomLevel::Apply), &[]);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert_eq!(finding(&all, "A2-item-unaligned").target.id.as_deref(), Some(item.to_string().as_str()));
    assert!(!fires(&s.b.doc, "A2-assessment-unaligned"));
}

#[test]
fn a3_and_a9_separate_busy_work_from_unlinked_materials() {
    let mut s = sound();
    s.b.act(s.unit, ActivityKind::Discussion, &[]);
    s.b.act(s.unit, ActivityKind::Reading, &[]);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert_eq!(finding(&all, "A3-activity-unaligned").severity, Severity::Warning);
    assert_eq!(finding(&all, "A9-material-unaligned").severity, Severity::Info);
    assert_eq!(all.iter().filter(|f| f.code.starts_with("A3-") || f.code.starts_with("A9-")).count(), 2);
}

#[test]
fn a4_fires_for_an_objective_no_activity_practises() {
    let mut s = sound();
    s.b.act_mut(s.lab).objectives.clear();
    assert!(fires(&s.b.doc, "A4-objective-unpractised"));
}

#[test]
fn a4_fires_when_the_assessment_comes_before_the_practice() {
    let mut s = sound();
    let l1 = s.b.node(Some(s.unit), "lesson", "L1");
    let l2 = s.b.node(Some(s.unit), "lesson", "L2");
    s.b.asm_mut(s.quiz).node = l1;
    s.b.act_mut(s.lab).node = l2;
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    let f = finding(&all, "A4-assessed-before-practised");
    assert!(f.message.contains("U1.1"), "{}", f.message);
    // Swapping the lessons puts practice first: quiet again.
    s.b.asm_mut(s.quiz).node = l2;
    s.b.act_mut(s.lab).node = l1;
    assert!(!fires(&s.b.doc, "A4-assessed-before-practised"));
    // A diagnostic pre-test before the practice is what pre-tests are for.
    s.b.asm(l1, AssessmentPurpose::Diagnostic, AssessmentFormat::Quiz, &[s.uo]);
    assert!(!fires(&s.b.doc, "A4-assessed-before-practised"));
}

#[test]
fn a4_uses_weeks_when_both_sides_are_scheduled() {
    let mut s = sound();
    let l1 = s.b.node(Some(s.unit), "lesson", "L1");
    let l2 = s.b.node(Some(s.unit), "lesson", "L2");
    s.b.node_mut(l1).week = Some(5);
    s.b.node_mut(l2).week = Some(2);
    s.b.act_mut(s.lab).node = l1; // first in the outline, but in week 5
    s.b.asm_mut(s.quiz).node = l2; // week 2
    assert!(fires(&s.b.doc, "A4-assessed-before-practised"));
}

#[test]
fn a5_fires_when_items_under_measure_or_over_demand() {
    let mut s = sound();
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Remember);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    let f = finding(&all, "A5-assessment-under-measures");
    assert!(f.message.contains("Apply") && f.message.contains("Remember"), "{}", f.message);

    let mut s = sound();
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Evaluate); // +2
    assert!(fires(&s.b.doc, "A5-item-over-demands"));
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Analyze); // +1 is fine
    assert!(!fires(&s.b.doc, "A5-item-over-demands"));
    assert!(!fires(&s.b.doc, "A5-assessment-under-measures"));
}

#[test]
fn a5_does_not_judge_tasks_whose_level_is_unknown() {
    let mut s = sound();
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Remember);
    // A performance task (no items) also measures U1.1: its level is taken as the objective's.
    s.b.asm(s.unit, AssessmentPurpose::Summative, AssessmentFormat::PerformanceTask, &[s.uo]);
    assert!(!fires(&s.b.doc, "A5-assessment-under-measures"));
}

#[test]
fn a5_reports_objectives_without_a_level_only_when_none_can_be_inferred() {
    let mut s = sound();
    s.b.obj_mut(s.uo).level = None; // "Calculate …" → apply is inferred
    assert!(!fires(&s.b.doc, "A5-objective-level-unset"));
    s.b.obj_mut(s.uo).statement = "Sampling distributions.".into();
    assert!(fires(&s.b.doc, "A5-objective-level-unset"));
    s.b.obj_mut(s.uo).domain = Domain::Affective; // no cognitive level expected
    assert!(!fires(&s.b.doc, "A5-objective-level-unset"));
}

#[test]
fn a6_fires_when_a_high_level_objective_is_only_read_about() {
    let mut s = sound();
    s.b.act_mut(s.lab).kind = ActivityKind::Reading;
    assert!(fires(&s.b.doc, "A6-practice-below-level"));
    s.b.obj_mut(s.uo).level = Some(BloomLevel::Understand);
    s.b.obj_mut(s.co).level = Some(BloomLevel::Understand);
    assert!(!fires(&s.b.doc, "A6-practice-below-level"), "reading is fine practice for understanding");
}

#[test]
fn a7_fires_for_a_procedural_objective_measured_only_by_recall() {
    let mut s = sound();
    s.b.obj_mut(s.uo).knowledge = Some(KnowledgeDimension::Procedural);
    assert!(!fires(&s.b.doc, "A7-knowledge-type-mismatch"));
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Remember);
    assert!(fires(&s.b.doc, "A7-knowledge-type-mismatch"));
}

#[test]
fn a8_fires_for_a_unit_objective_that_supports_nothing() {
    let mut s = sound();
    s.b.obj_mut(s.uo).supports.clear();
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert_eq!(finding(&all, "A8-objective-not-rolled-up").severity, Severity::Error);
    assert!(fires(&s.b.doc, "A8-outcome-unsupported"), "CO1 now has no supporting unit objective");
}

#[test]
fn a8_fires_for_a_support_link_that_does_not_go_upwards() {
    let mut s = sound();
    let u2 = s.b.node(Some(s.course), "unit", "U2");
    let other = s.b.obj(u2, "U2.1", Some(BloomLevel::Apply), &[s.co]);
    s.b.act_mut(s.lab).objectives.push(other);
    s.b.asm_mut(s.quiz).objectives.push(other);
    assert!(!fires(&s.b.doc, "A8-support-not-above"));
    s.b.obj_mut(s.uo).supports.push(other);
    assert!(fires(&s.b.doc, "A8-support-not-above"));
}

#[test]
fn a8_fires_when_supporting_objectives_stay_below_the_outcome() {
    let mut s = sound();
    s.b.obj_mut(s.co).level = Some(BloomLevel::Evaluate);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert!(finding(&all, "A8-outcome-level-not-reached").message.contains("Evaluate"));
}

#[test]
fn a11_flags_all_lower_order_and_advanced_courses_without_higher_order() {
    let mut b = B::new();
    let c = b.node(None, "course", "C1");
    for i in 0..4 {
        b.obj(c, &format!("CO{i}"), Some(BloomLevel::Understand), &[]);
    }
    assert!(fires(&b.doc, "A11-only-lower-order"));

    let mut b = B::new();
    b.doc.curriculum.level = "Advanced (capstone)".into();
    let c = b.node(None, "course", "C1");
    for (i, l) in
        [BloomLevel::Apply, BloomLevel::Analyze, BloomLevel::Analyze, BloomLevel::Apply].iter().enumerate()
    {
        b.obj(c, &format!("CO{i}"), Some(*l), &[]);
    }
    assert!(fires(&b.doc, "A11-no-higher-order"));
    b.doc.curriculum.level = "Introductory".into();
    assert!(!fires(&b.doc, "A11-no-higher-order"));
    assert!(!fires(&b.doc, "A11-only-lower-order"));
}

#[test]
fn qm_2_1_and_2_2_fire_for_courses_and_units_without_objectives() {
    let mut b = B::new();
    let c = b.node(None, "course", "C1");
    let u = b.node(Some(c), "module", "M1");
    b.node(Some(u), "lesson", "L1");
    let codes = codes(&b.doc);
    assert!(codes.contains(&"QM2.1-course-without-objectives".to_owned()), "{codes:?}");
    assert!(codes.contains(&"QM2.2-unit-without-objectives".to_owned()), "modules are units: {codes:?}");
}

// ---------------------------------------------------------------------------------------------
// Sequencing

fn chain() -> (B, NodeId, Vec<NodeId>) {
    let mut b = B::new();
    let c = b.node(None, "course", "C1");
    let units: Vec<NodeId> = (1..=3).map(|i| b.node(Some(c), "unit", &format!("U{i}"))).collect();
    (b, c, units)
}

#[test]
fn s1_reports_a_prerequisite_cycle_with_its_members() {
    let (mut b, _, u) = chain();
    b.node_mut(u[1]).prerequisites.push(u[0]);
    assert!(!fires(&b.doc, "S1-prerequisite-cycle"));
    b.node_mut(u[2]).prerequisites.push(u[1]);
    b.node_mut(u[0]).prerequisites.push(u[2]);
    let all = analysis::check(&b.doc, Catalog::builtin());
    let f = finding(&all, "S1-prerequisite-cycle");
    assert_eq!(f.severity, Severity::Error);
    for code in ["U1", "U2", "U3"] {
        assert!(f.message.contains(code), "{}", f.message);
    }
    assert_eq!(f.message.matches('→').count(), 3, "a three-node cycle has three arrows: {}", f.message);
    assert!(
        !fires(&b.doc, "S2-prerequisite-after-dependent"),
        "edges of a cycle are reported once, as the cycle"
    );
}

#[test]
fn s1_reports_objective_prerequisite_cycles() {
    let mut s = sound();
    let o2 = s.b.obj(s.unit, "U1.2", Some(BloomLevel::Apply), &[s.co]);
    s.b.obj_mut(o2).prerequisites.push(s.uo);
    assert!(!fires(&s.b.doc, "S1-objective-prerequisite-cycle"));
    s.b.obj_mut(s.uo).prerequisites.push(o2);
    assert!(fires(&s.b.doc, "S1-objective-prerequisite-cycle"));
}

#[test]
fn s2_fires_for_a_unit_placed_before_its_prerequisite() {
    let (mut b, _, u) = chain();
    b.node_mut(u[1]).prerequisites.push(u[0]);
    assert!(!fires(&b.doc, "S2-prerequisite-after-dependent"));
    b.node_mut(u[0]).prerequisites.push(u[2]);
    let all = analysis::check(&b.doc, Catalog::builtin());
    let f = finding(&all, "S2-prerequisite-after-dependent");
    assert_eq!(f.target.id.as_deref(), Some(u[0].to_string().as_str()));
}

#[test]
fn s2_fires_for_an_objective_taught_after_the_objective_that_needs_it() {
    let (mut b, _, u) = chain();
    let late = b.obj(u[2], "U3.1", Some(BloomLevel::Apply), &[]);
    let early = b.obj(u[0], "U1.1", Some(BloomLevel::Apply), &[]);
    b.obj_mut(early).prerequisites.push(late);
    assert!(fires(&b.doc, "S2-objective-prerequisite-after-dependent"));
}

#[test]
fn s3_fires_for_abrupt_level_jumps_and_s4_for_inversions() {
    let (mut b, _, u) = chain();
    let low = b.obj(u[0], "U1.1", Some(BloomLevel::Remember), &[]);
    let high = b.obj(u[1], "U2.1", Some(BloomLevel::Evaluate), &[]);
    b.obj_mut(high).prerequisites.push(low);
    let all = analysis::check(&b.doc, Catalog::builtin());
    let jumps: Vec<_> = all.iter().filter(|f| f.code == "S3-level-jump").collect();
    assert!(
        jumps
            .iter()
            .any(|f| f.target.id.as_deref() == Some(high.to_string().as_str())
                && f.message.contains("4 levels")),
        "{jumps:#?}"
    );

    let (mut b, _, u) = chain();
    let first = b.obj(u[0], "U1.1", Some(BloomLevel::Analyze), &[]);
    let second = b.obj(u[1], "U2.1", Some(BloomLevel::Understand), &[]);
    b.obj_mut(second).prerequisites.push(first);
    assert!(fires(&b.doc, "S4-level-inversion"));
    assert!(!fires(&b.doc, "S3-level-jump"));
}

#[test]
fn s3_fires_for_a_jump_along_the_outline() {
    let (mut b, _, u) = chain();
    b.obj(u[0], "U1.1", Some(BloomLevel::Remember), &[]);
    b.obj(u[1], "U2.1", Some(BloomLevel::Understand), &[]);
    b.obj(u[2], "U3.1", Some(BloomLevel::Analyze), &[]);
    assert!(!fires(&b.doc, "S3-level-jump"), "one level at a time");
    b.obj(u[2], "U3.2", Some(BloomLevel::Create), &[]);
    assert!(fires(&b.doc, "S3-level-jump"), "Understand → Create is a jump of four");
}

#[test]
fn s5_reports_a_prerequisite_implied_by_the_others() {
    let (mut b, _, u) = chain();
    b.node_mut(u[1]).prerequisites.push(u[0]);
    b.node_mut(u[2]).prerequisites.push(u[1]);
    assert!(!fires(&b.doc, "S5-redundant-prerequisite"));
    b.node_mut(u[2]).prerequisites.push(u[0]);
    let all = analysis::check(&b.doc, Catalog::builtin());
    assert_eq!(
        finding(&all, "S5-redundant-prerequisite").target.id.as_deref(),
        Some(u[2].to_string().as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Workload

fn weekly(hours: &[u32]) -> B {
    let mut b = B::new();
    let c = b.node(None, "course", "C1");
    for (i, h) in hours.iter().enumerate() {
        let l = b.node(Some(c), "lesson", &format!("L{}", i + 1));
        b.node_mut(l).week = Some(i as u32 + 1);
        let a = b.act(l, ActivityKind::Practice, &[]);
        b.act_mut(a).duration_minutes = Some(h * 60);
    }
    b
}

#[test]
fn w1_and_w2_compare_planned_hours_with_the_credits() {
    let mut b = weekly(&[10, 10, 10, 10, 8]); // 48 h
    b.doc.curriculum.credit_system = CreditSystem::UsCreditHours;
    b.doc.curriculum.credits = Some(1.0); // 45 h: within 10 %
    assert!(!fires(&b.doc, "W1-workload-above-credit"));
    b.doc.curriculum.credits = Some(0.5); // 22.5 h
    assert!(fires(&b.doc, "W1-workload-above-credit"));
    b.doc.curriculum.credit_system = CreditSystem::Ects;
    b.doc.curriculum.credits = Some(5.0); // 125–150 h
    let all = analysis::check(&b.doc, Catalog::builtin());
    assert!(finding(&all, "W2-workload-below-credit").message.contains("125–150 h"));
}

#[test]
fn w3_fires_for_a_spiking_week() {
    let b = weekly(&[4, 4, 4, 4, 4]);
    assert!(!fires(&b.doc, "W3-week-spike"));
    let b = weekly(&[4, 4, 12, 4, 4]);
    let all = analysis::check(&b.doc, Catalog::builtin());
    assert!(finding(&all, "W3-week-spike").message.starts_with("Week 3"));
}

#[test]
fn w4_fires_for_three_summative_assessments_in_one_week() {
    let mut b = weekly(&[4, 4]);
    let week1 = b.doc.nodes[1].id;
    for _ in 0..2 {
        b.asm(week1, AssessmentPurpose::Summative, AssessmentFormat::Quiz, &[]);
    }
    assert!(!fires(&b.doc, "W4-summative-clash"));
    b.asm(week1, AssessmentPurpose::Summative, AssessmentFormat::Exam, &[]);
    assert!(fires(&b.doc, "W4-summative-clash"));
}

#[test]
fn w5_reports_missing_durations() {
    let mut s = sound();
    assert!(!fires(&s.b.doc, "W5-durations-missing"));
    s.b.act_mut(s.lab).duration_minutes = None;
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    assert!(finding(&all, "W5-durations-missing").message.starts_with("1 of 2"));
}

#[test]
fn workload_counts_contact_time_once() {
    let mut b = weekly(&[2]);
    let lesson = b.doc.nodes[1].id;
    b.node_mut(lesson).duration_minutes = Some(90); // covered by the 2 h of planned work
    let w = analysis::workload::compute(&b.doc);
    assert!((w.total - 2.0).abs() < 1e-9, "{}", w.total);
    b.node_mut(lesson).duration_minutes = Some(180); // more than planned: the estimate counts
    let w = analysis::workload::compute(&b.doc);
    assert!((w.total - 3.0).abs() < 1e-9, "{}", w.total);
    assert!((w.weeks[&1].other - 1.0).abs() < 1e-9);
}

// ---------------------------------------------------------------------------------------------
// Coverage: standards and the program map

struct Program {
    b: B,
    po: ObjectiveId,
    c1: NodeId,
    c2: NodeId,
    co1: ObjectiveId,
    co2: ObjectiveId,
}

/// A sound program: PO1 introduced in C1 and mastered in C2, each course outcome supporting it.
fn program() -> Program {
    let mut b = B::new();
    let p = b.node(None, "program", "P");
    let c1 = b.node(Some(p), "course", "C1");
    let c2 = b.node(Some(p), "course", "C2");
    let po = b.obj(p, "PO1", Some(BloomLevel::Evaluate), &[]);
    let co1 = b.obj(c1, "CO1", Some(BloomLevel::Evaluate), &[po]);
    let co2 = b.obj(c2, "CO2", Some(BloomLevel::Evaluate), &[po]);
    b.obj_mut(po).emphasis = vec![
        CourseEmphasis { course: c1, emphasis: Emphasis::Introduced },
        CourseEmphasis { course: c2, emphasis: Emphasis::Mastered },
    ];
    for (c, o) in [(c1, co1), (c2, co2)] {
        b.act(c, ActivityKind::Project, &[o]);
        let a = b.asm(c, AssessmentPurpose::Summative, AssessmentFormat::Project, &[o]);
        b.asm_mut(a).weight = Some(100.0);
        let r = b
            .rubric(&[1.0, 2.0, 3.0], &[("Evidence", Some(o)), ("Reasoning", Some(o)), ("Clarity", Some(o))]);
        b.asm_mut(a).rubric = Some(r);
    }
    Program { b, po, c1, c2, co1, co2 }
}

#[test]
fn a_sound_program_has_no_analysis_findings() {
    let p = program();
    assert_eq!(codes(&p.b.doc), Vec::<String>::new());
}

#[test]
fn c4_fires_for_an_outcome_no_course_addresses() {
    let mut p = program();
    p.b.obj(p.b.doc.nodes[0].id, "PO2", Some(BloomLevel::Apply), &[]);
    assert!(fires(&p.b.doc, "C4-outcome-unmapped"));
}

#[test]
fn c5_c6_and_c7_judge_the_declared_i_r_m_sequence() {
    let mut p = program();
    p.b.obj_mut(p.po).emphasis[1].emphasis = Emphasis::Reinforced;
    assert!(fires(&p.b.doc, "C5-outcome-never-mastered"));
    assert!(!fires(&p.b.doc, "C6-outcome-never-introduced"));

    let mut p = program();
    p.b.obj_mut(p.po).emphasis[0].emphasis = Emphasis::Mastered;
    p.b.obj_mut(p.po).emphasis[1].emphasis = Emphasis::Introduced;
    let codes = codes(&p.b.doc);
    assert!(codes.contains(&"C7-emphasis-out-of-order".to_owned()), "mastered before introduced: {codes:?}");
    assert!(!codes.contains(&"C6-outcome-never-introduced".to_owned()));

    let mut p = program();
    p.b.obj_mut(p.po).emphasis[0].emphasis = Emphasis::Reinforced;
    assert!(fires(&p.b.doc, "C6-outcome-never-introduced"));
}

#[test]
fn c8_and_c9_compare_the_map_with_the_support_links() {
    let mut p = program();
    p.b.obj_mut(p.co2).supports.clear();
    let codes_now = codes(&p.b.doc);
    assert!(codes_now.contains(&"C8-emphasis-without-evidence".to_owned()), "{codes_now:?}");

    let mut p = program();
    p.b.obj_mut(p.po).emphasis.remove(0);
    let codes_now = codes(&p.b.doc);
    assert!(codes_now.contains(&"C9-evidence-without-emphasis".to_owned()), "{codes_now:?}");
    let _ = (p.c1, p.co1);
}

#[test]
fn c10_fires_for_a_course_that_serves_no_program_outcome() {
    let mut p = program();
    let p_node = p.b.doc.nodes[0].id;
    let c3 = p.b.node(Some(p_node), "course", "C3");
    let o = p.b.obj(c3, "CO3", Some(BloomLevel::Apply), &[]);
    p.b.act(c3, ActivityKind::Lab, &[o]);
    let a = p.b.asm(c3, AssessmentPurpose::Summative, AssessmentFormat::Quiz, &[o]);
    p.b.asm_mut(a).weight = Some(100.0);
    let codes = codes(&p.b.doc);
    assert!(codes.contains(&"C10-course-serves-no-outcome".to_owned()), "{codes:?}");
}

#[test]
fn c11_fires_when_the_map_names_a_node_that_is_not_a_course() {
    let mut p = program();
    let unit = p.b.node(Some(p.c2), "unit", "U1");
    p.b.obj_mut(p.po).emphasis.push(CourseEmphasis { course: unit, emphasis: Emphasis::Reinforced });
    assert!(fires(&p.b.doc, "C11-emphasis-not-a-course"));
}

#[test]
fn c3_fires_for_a_program_without_outcomes() {
    let mut b = B::new();
    b.node(None, "program", "P");
    assert!(fires(&b.doc, "C3-program-without-outcomes"));
}

fn framework(b: &mut B) -> (StandardItemId, StandardItemId) {
    let f = FrameworkId::new();
    b.doc.frameworks.push(Framework {
        id: f,
        identifier: String::new(),
        uri: String::new(),
        title: "Competencies".into(),
        creator: String::new(),
        version: String::new(),
        language: "en".into(),
        source: "manual".into(),
        extra: serde_json::Value::Null,
    });
    let domain = StandardItemId::new();
    let mut items = vec![(domain, None, "D1")];
    let a = StandardItemId::new();
    let c = StandardItemId::new();
    items.push((a, Some(domain), "D1.1"));
    items.push((c, Some(domain), "D1.2"));
    for (id, parent, code) in items {
        b.doc.standard_items.push(StandardItem {
            id,
            framework: f,
            parent,
            identifier: String::new(),
            uri: String::new(),
            code: code.into(),
            statement: format!("Competency {code}"),
            abbreviated: String::new(),
            item_type: String::new(),
            extra: serde_json::Value::Null,
        });
    }
    (a, c)
}

#[test]
fn c1_and_c2_report_uncovered_standards_but_not_grouping_items() {
    let mut s = sound();
    let (a, c) = framework(&mut s.b);
    assert!(fires(&s.b.doc, "C2-framework-unused"));
    assert!(!fires(&s.b.doc, "C1-standard-unaligned"), "an unused framework is reported once");
    s.b.obj_mut(s.uo).standards.push(a);
    let all = analysis::check(&s.b.doc, Catalog::builtin());
    let uncovered: Vec<_> = all.iter().filter(|f| f.code == "C1-standard-unaligned").collect();
    assert_eq!(uncovered.len(), 1, "D1 is a grouping item; only D1.2 is uncovered");
    assert_eq!(uncovered[0].target.id.as_deref(), Some(c.to_string().as_str()));
    s.b.obj_mut(s.uo).standards.push(c);
    assert!(!fires(&s.b.doc, "C1-standard-unaligned"));
}

// ---------------------------------------------------------------------------------------------
// Rubrics

#[test]
fn r1_to_r9_fire_on_a_badly_built_rubric_and_not_on_a_good_one() {
    let p = program();
    for code in ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10"] {
        assert!(
            !codes(&p.b.doc).iter().any(|c| c.starts_with(&format!("{code}-"))),
            "{code} on a good rubric"
        );
    }
    let mut p = program();
    let r = &mut p.b.doc.rubrics[0];
    r.levels[2].points = 2.0; // not strictly increasing
    r.criteria[0].objective = None;
    r.criteria[1].descriptors.pop();
    r.criteria[1].title = "Evidence and reasoning".into();
    r.criteria[2].descriptors[0].text = "Good work.".into();
    r.criteria[2].weight = 0.0;
    let codes = codes(&p.b.doc);
    for code in [
        "R1-criterion-unaligned",
        "R2-descriptor-missing",
        "R3-points-not-ordered",
        "R6-criterion-bundled",
        "R7-vague-descriptor",
        "R9-criterion-weight-invalid",
    ] {
        assert!(codes.contains(&code.to_owned()), "{code} missing from {codes:?}");
    }
}

#[test]
fn r4_r5_r8_and_r10_judge_shape_use_and_presence_of_rubrics() {
    let mut p = program();
    p.b.doc.rubrics[0].levels.truncate(2);
    for c in &mut p.b.doc.rubrics[0].criteria {
        c.descriptors.truncate(2);
    }
    p.b.doc.rubrics[0].criteria.truncate(2);
    let unused = p.b.rubric(&[1.0, 2.0, 3.0], &[("A", Some(p.co1)), ("B", Some(p.co1)), ("C", Some(p.co1))]);
    let a = p.b.asm(p.c1, AssessmentPurpose::Summative, AssessmentFormat::Assignment, &[p.co1]);
    let _ = (unused, a, p.c2);
    let codes = codes(&p.b.doc);
    for code in ["R4-level-count", "R5-criterion-count", "R8-rubric-unused", "R10-task-without-rubric"] {
        assert!(codes.contains(&code.to_owned()), "{code} missing from {codes:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The examples

#[test]
fn the_examples_show_exactly_their_documented_gaps() {
    let stats = example("intro-statistics.json");
    let mine: Vec<(String, String)> = analysis::check(&stats, Catalog::builtin())
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning && !is_wording(&f.code))
        .map(|f| (f.code, f.target.path.rsplit(" › ").next().unwrap_or("").to_owned()))
        .collect();
    assert!(mine.contains(&("A1-objective-unassessed".into(), "U5.4".into())), "{mine:?}");
    assert!(mine.contains(&("A6-practice-below-level".into(), "U6.3".into())), "{mine:?}");
    assert!(mine.len() <= 4, "the well-designed example has few findings: {mine:?}");

    let nursing = example("nursing-pharmacology.json");
    let mine: Vec<(String, String)> = analysis::check(&nursing, Catalog::builtin())
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning && !is_wording(&f.code))
        .map(|f| (f.code, f.target.path.rsplit(" › ").next().unwrap_or("").to_owned()))
        .collect();
    assert!(mine.contains(&("C5-outcome-never-mastered".into(), "PO2".into())), "{mine:?}");
    assert!(mine.contains(&("C1-standard-unaligned".into(), "MMC.2.5".into())), "{mine:?}");
    assert!(mine.len() <= 4, "{mine:?}");
}

/// The statistics example with its alignment and sequence deliberately damaged.
fn broken_statistics() -> Document {
    let mut doc = example("intro-statistics.json");
    for a in doc.assessments.iter_mut().step_by(2) {
        a.objectives.clear();
        for i in &mut a.items {
            i.objectives.clear();
        }
    }
    for a in doc.activities.iter_mut().step_by(3) {
        a.objectives.clear();
    }
    for o in doc.objectives.iter_mut().step_by(4) {
        o.supports.clear();
    }
    let first = doc.nodes.iter().find(|n| n.kind == "unit").map(|n| n.id).unwrap();
    let last = doc.nodes.iter().rev().find(|n| n.kind == "unit").map(|n| n.id).unwrap();
    doc.nodes.iter_mut().find(|n| n.id == first).unwrap().prerequisites.push(last);
    for r in &mut doc.rubrics {
        r.levels.reverse();
    }
    doc
}

#[test]
fn a_deliberately_broken_copy_has_many_more_findings() {
    let good = analysis::check(&example("intro-statistics.json"), Catalog::builtin());
    let bad = analysis::check(&broken_statistics(), Catalog::builtin());
    let serious = |f: &[trellis::Finding]| f.iter().filter(|f| f.severity >= Severity::Warning).count();
    assert!(serious(&bad) >= serious(&good) + 10, "good {} vs broken {}", serious(&good), serious(&bad));
    let codes: Vec<&str> = bad.iter().map(|f| f.code.as_str()).collect();
    for code in [
        "A2-assessment-unaligned",
        "A8-objective-not-rolled-up",
        "S1-prerequisite-cycle",
        "R3-points-not-ordered",
    ] {
        assert!(codes.contains(&code), "{code} missing");
    }
}

// ---------------------------------------------------------------------------------------------
// Checklist and views

#[test]
fn checklist_marks_standards_met_or_not_with_evidence() {
    let doc = example("intro-statistics.json");
    let findings = analysis::check(&doc, Catalog::builtin());
    let list = checklist::checklist(&doc, &findings, Catalog::builtin().template_of(&doc));
    let get = |s: &str| list.iter().find(|i| i.standard == s).unwrap();
    assert_eq!(get("QM 3.1").status, checklist::Status::NotMet, "U5.4 is not assessed");
    assert!(get("QM 3.1").evidence.iter().any(|e| e.contains("A1-objective-unassessed")));
    assert_eq!(get("QM 5.1").status, checklist::Status::NotMet, "U6.3 is only read about");
    assert_eq!(get("QM 4.1").status, checklist::Status::Met);
    assert!(list.iter().any(|i| i.status == checklist::Status::NotApplicable), "no program outcomes here");

    let p = program();
    let list = checklist::checklist(
        &p.b.doc,
        &analysis::check(&p.b.doc, Catalog::builtin()),
        Catalog::builtin().template_of(&p.b.doc),
    );
    let map = list.iter().find(|i| i.title.contains("program outcome")).unwrap();
    assert_eq!(map.status, checklist::Status::Met);
}

#[test]
fn sequence_graph_layers_follow_the_longest_prerequisite_path() {
    let (mut b, _, u) = chain();
    b.node_mut(u[1]).prerequisites.push(u[0]);
    b.node_mut(u[2]).prerequisites.push(u[1]);
    b.node_mut(u[2]).prerequisites.push(u[0]);
    let g = views::sequence_graph(&b.doc);
    let layer = |id: NodeId| g.nodes.iter().find(|n| n.node.id == id.to_string()).unwrap().layer;
    assert_eq!((layer(u[0]), layer(u[1]), layer(u[2])), (0, 1, 2), "longest path, not shortest");
    assert_eq!(g.layers, 3);
    assert_eq!(g.edges.len(), 3);
    let x = |id: NodeId| g.nodes.iter().find(|n| n.node.id == id.to_string()).unwrap().x;
    assert!(x(u[0]) < x(u[1]) && x(u[1]) < x(u[2]), "left to right");
    assert!(g.width >= x(u[2]) + views::GRAPH_NODE_W);

    b.node_mut(u[0]).prerequisites.push(u[2]); // now a cycle
    let g = views::sequence_graph(&b.doc);
    assert!(g.edges.iter().all(|e| e.cyclic));
    assert_eq!(g.layers, 1, "a cycle collapses into one layer");
}

#[test]
fn alignment_matrix_marks_level_mismatches_and_gaps() {
    let mut s = sound();
    s.b.asm_mut(s.quiz).items[0].level = Some(BloomLevel::Remember);
    let extra = s.b.obj(s.unit, "U1.2", Some(BloomLevel::Apply), &[s.co]);
    let m = views::alignment_matrix(&s.b.doc, Catalog::builtin());
    let row = |id: ObjectiveId| m.rows.iter().position(|r| r.objective.id == id.to_string()).unwrap();
    let col = m.columns.iter().position(|c| c.id == s.quiz.to_string()).unwrap();
    let cell = m.cells.iter().find(|c| c.row == row(s.uo) && c.col == col).unwrap();
    assert_eq!((cell.items, cell.level_delta, cell.mismatch), (1, Some(-2), true));
    let r = &m.rows[row(extra)];
    assert!(!r.assessed && !r.practised);
    assert!(r.findings.contains(&"A1-objective-unassessed".to_owned()));
    assert!(m.rows[row(s.co)].assessed, "through its supporting objective");
    let lab = m.columns.iter().position(|c| c.id == s.lab.to_string()).unwrap();
    assert!(m.cells.iter().any(|c| c.row == row(s.uo) && c.col == lab));
}

#[test]
fn bloom_table_counts_objectives_and_shares_the_grade() {
    let mut s = sound();
    s.b.obj_mut(s.uo).knowledge = Some(KnowledgeDimension::Procedural);
    let t = views::bloom_table(&s.b.doc);
    let apply = BloomLevel::ALL.iter().position(|l| *l == BloomLevel::Apply).unwrap();
    let procedural = &t.rows[2];
    assert_eq!(procedural.dimension, Some(KnowledgeDimension::Procedural));
    assert_eq!(procedural.cells[apply].count, 1);
    assert!((procedural.cells[apply].grade_share - 1.0).abs() < 1e-9, "the only graded item measures U1.1");
    assert_eq!(t.totals[apply].count, 2);
    assert_eq!(t.objectives, 2);
    let json = serde_json::to_value(&t).unwrap();
    assert!(json.get("unalignedGradeShare").is_some(), "camelCase for the desktop app");
}

#[test]
fn curriculum_map_and_standards_views_show_the_nursing_gaps() {
    let doc = example("nursing-pharmacology.json");
    let v = views::all(&doc, Catalog::builtin());
    assert_eq!(v.curriculum_map.courses.len(), 2);
    let po2 = v.curriculum_map.rows.iter().find(|r| r.outcome.code == "PO2").unwrap();
    assert!(!po2.mastered);
    assert!(v.curriculum_map.rows.iter().filter(|r| r.outcome.code != "PO2").all(|r| r.mastered));
    let items = &v.standards_coverage.frameworks[0].items;
    let mmc = items.iter().find(|i| i.code == "MMC.2.5").unwrap();
    assert_eq!(mmc.objectives, 0);
    assert!(items.iter().filter(|i| i.grouping).all(|i| i.depth == 0));
    assert!(v.workload.total_hours > 0.0 && !v.workload.weeks.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Review packet

/// Checks that the packet is balanced markup (parsed as XML: every element closed, every
/// attribute quoted) and returns the element names seen.
fn parse_packet(html: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let body = html.trim_start_matches("<!DOCTYPE html>").trim_start();
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut names = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                names.push(e.name().into_inner().to_owned());
            }
            Ok(Event::Empty(e)) => names.push(e.name().into_inner().to_owned()),
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("packet is not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    names
}

fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no scripts");
    for attr in
        ["src=\"http", "href=\"http", "src='http", "href='http", "url(http", "@import", "<link", "<iframe"]
    {
        assert!(!lower.contains(attr), "no external reference ({attr})");
    }
    assert!(!lower.contains("src=\""), "nothing is loaded from elsewhere, not even relative files");
}

#[test]
fn the_packet_is_one_self_contained_parseable_html_file_with_every_section() {
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        let doc = example(name);
        let html = report::render(
            &doc,
            Catalog::builtin(),
            &report::ReportOptions { generated_at: Some("2026-11-28T12:00:00Z".into()), since: None },
        );
        assert_self_contained(&html);
        let names = parse_packet(&html);
        assert!(
            names.iter().filter(|n| *n == "svg").count() >= 3,
            "{name}: workload, Bloom and sequence charts"
        );
        for id in [
            "summary",
            "checklist",
            "findings",
            "outline",
            "curriculum-map",
            "alignment",
            "bloom",
            "standards",
            "workload",
            "sequence",
            "review",
        ] {
            assert!(html.contains(&format!("<section id=\"{id}\">")), "{name}: section {id}");
        }
        assert!(
            html.contains("@media print") && html.contains("break-before: page"),
            "print CSS with page breaks"
        );
        for f in analysis::check(&doc, Catalog::builtin()) {
            assert!(html.contains(&f.code), "{name}: finding {} is in the packet", f.code);
        }
        assert_eq!(
            html,
            report::render(
                &doc,
                Catalog::builtin(),
                &report::ReportOptions { generated_at: Some("2026-11-28T12:00:00Z".into()), since: None }
            ),
            "deterministic"
        );
    }
}

#[test]
fn the_packet_shows_comments_status_and_the_audit_trail() {
    let doc = example("intro-statistics.json");
    let html = report::render(&doc, Catalog::builtin(), &report::ReportOptions::default());
    assert!(!doc.comments.is_empty() && !doc.review_events.is_empty(), "the example has review data");
    for c in &doc.comments {
        assert!(html.contains(&c.author), "comment by {}", c.author);
    }
    for e in &doc.review_events {
        assert!(html.contains(e.at.as_str()), "audit entry {}", e.at);
    }
    assert!(html.contains("status-approved") && html.contains("status-inReview"));
}

#[test]
fn document_text_cannot_inject_markup_into_the_packet() {
    let mut s = sound();
    s.b.doc.curriculum.description =
        "<script>alert(1)</script> [x](https://evil.example) ![i](http://evil.example/i.png)".into();
    s.b.obj_mut(s.uo).statement = "<img src=x onerror=alert(1)> Calculate & compare \"means\"".into();
    s.b.doc.nodes[0].title = "</section><script>".into();
    let html = report::render(&s.b.doc, Catalog::builtin(), &report::ReportOptions::default());
    assert_self_contained(&html);
    parse_packet(&html);
    assert!(html.contains("&lt;img src=x"), "escaped, shown as text");
}

#[test]
fn the_packet_can_include_the_changes_since_an_earlier_version() {
    let old = example("intro-statistics.json");
    let mut new = old.clone();
    new.objectives[0].statement.push_str(" Revised.");
    let html = report::render(
        &new,
        Catalog::builtin(),
        &report::ReportOptions { generated_at: None, since: Some(("Submitted", &old)) },
    );
    assert!(html.contains("<section id=\"changes\">"));
    assert!(html.contains("Changes since “Submitted”"));
    assert!(html.contains("Revised."));
    parse_packet(&html);
}

/// Share of pixels that are not (near) white in an RGB(A) PNG.
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let pixels = bytes.len() / channels;
    let dark = bytes.chunks(channels).filter(|p| p.iter().take(3).any(|v| *v < 235)).count();
    dark as f64 / pixels.max(1) as f64
}

#[test]
fn the_packet_renders_in_headless_chromium_and_prints_to_pdf() {
    assert!(
        trellis::analysis::pdf::find_browser().is_some(),
        "this test needs a headless Chromium (`make test` installs Debian's chromium through scripts/setup)"
    );
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("packet.html");
    let doc = example("intro-statistics.json");
    let html = report::render(
        &doc,
        Catalog::builtin(),
        &report::ReportOptions { generated_at: Some("2026-11-28T12:00:00Z".into()), since: None },
    );
    std::fs::write(&html_path, &html).unwrap();
    let blank = dir.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();

    let shot = dir.path().join("packet.png");
    trellis::analysis::pdf::screenshot(&html_path, &shot, 1280, 1600).unwrap();
    let blank_shot = dir.path().join("blank.png");
    trellis::analysis::pdf::screenshot(&blank, &blank_shot, 1280, 1600).unwrap();
    let (packet_ink, blank_ink) = (ink(&shot), ink(&blank_shot));
    assert!(blank_ink < 0.001, "a blank page is white ({blank_ink})");
    assert!(packet_ink > 0.02, "the packet draws text, tables and charts ({packet_ink})");

    let pdf = dir.path().join("packet.pdf");
    trellis::analysis::pdf::print_pdf(&html_path, &pdf).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let pages = bytes
        .windows(b"/Type /Page".len() + 1)
        .filter(|w| w.starts_with(b"/Type /Page") && w[w.len() - 1] != b's')
        .count();
    assert!(pages >= 5, "sections start on new pages when printed ({pages} pages)");
}

// ---------------------------------------------------------------------------------------------
// Semantic diff

#[test]
fn diff_of_a_document_with_itself_is_empty() {
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        let doc = example(name);
        let d = diff::diff(&doc, &doc.clone());
        assert!(d.is_empty(), "{name}: {:#?}", d.changes.first());
        assert!(diff::render_text(&d).contains("No changes."));
    }
}

#[test]
fn diff_reports_rewording_levels_alignment_moves_and_reweighting_by_id() {
    let old = example("intro-statistics.json");
    let mut new = old.clone();
    // Reword an objective and change its level.
    let o = new.objectives.iter_mut().find(|o| o.code == "U2.2").unwrap();
    let oid = o.id;
    o.statement = "Describe the shape of a distribution from a histogram.".into();
    let old_level = o.level;
    o.level = Some(BloomLevel::Analyze);
    // Remove one alignment.
    let act = new.activities.iter_mut().find(|a| a.objectives.contains(&oid)).unwrap();
    let act_id = act.id;
    act.objectives.retain(|x| *x != oid);
    // Re-weight an assessment.
    let a = new.assessments.iter_mut().find(|a| a.weight.is_some()).unwrap();
    let aid = a.id;
    a.weight = a.weight.map(|w| w + 5.0);
    // Swap two units.
    let course = new.nodes.iter().find(|n| n.kind == "course").unwrap().id;
    let units: Vec<usize> =
        new.nodes.iter().enumerate().filter(|(_, n)| n.parent == Some(course)).map(|(i, _)| i).collect();
    new.nodes.swap(units[0], units[1]);
    new.normalize();
    // Add and remove an activity.
    let removed = new.activities.remove(0).id;
    let mut added = new.activities[0].clone();
    added.id = ActivityId::new();
    added.title = "New lab".into();
    new.activities.push(added.clone());

    let d = diff::diff(&old, &new);
    let change =
        |id: String| d.changes.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} not in diff"));
    let c = change(oid.to_string());
    assert_eq!(c.change, diff::ChangeKind::Modified);
    assert!(c.fields.iter().any(|f| f.field == "statement"));
    assert_eq!(c.level, Some(diff::LevelChange { from: old_level, to: Some(BloomLevel::Analyze) }));
    assert!(d.links.iter().any(|l| !l.added
        && l.relation == "practises"
        && l.from_id == act_id.to_string()
        && l.to_id == oid.to_string()));
    assert!(change(aid.to_string()).fields.iter().any(|f| f.field == "weight"));
    assert_eq!(d.summary.reweighted, 1);
    assert_eq!(change(removed.to_string()).change, diff::ChangeKind::Removed);
    assert_eq!(change(added.id.to_string()).change, diff::ChangeKind::Added);
    assert!(
        d.changes.iter().any(|c| c.kind == "node" && c.moved.as_ref().is_some_and(|m| m.reordered)),
        "the swap is a move"
    );
    assert_eq!(d.summary.level_changes, 1);
    let text = diff::render_text(&d);
    assert!(text.contains("level:") && text.contains("Analyze") && text.contains("New lab"), "{text}");
    let html = diff::render_html(&d);
    assert_self_contained(&html);
    parse_packet(&html);
}

#[test]
fn diff_matches_by_id_so_a_retitled_node_is_a_change_not_a_replacement() {
    let old = example("nursing-pharmacology.json");
    let mut new = old.clone();
    new.nodes[1].title = "Renamed course".into();
    let d = diff::diff(&old, &new);
    assert_eq!((d.summary.added, d.summary.removed, d.summary.modified), (0, 0, 1));
    assert_eq!(d.changes[0].fields[0].field, "title");
}

#[test]
fn diff_against_a_stored_snapshot() {
    let old = example("intro-statistics.json");
    let mut doc = old.clone();
    doc.snapshots.push(Snapshot {
        id: SnapshotId::new(),
        name: "Submitted to committee".into(),
        created_at: Timestamp::from_unix(0),
        document: trellis::json::to_string(&old),
    });
    doc.objectives.retain(|o| o.code != "U5.4");
    let snap = diff::snapshot_document(&doc, "submitted to committee").unwrap();
    let d = diff::diff(&snap, &doc);
    assert_eq!(d.summary.removed, 1);
    assert!(diff::snapshot_document(&doc, "nope").is_err());
}

// ---------------------------------------------------------------------------------------------
// CLI

fn example_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name).display().to_string()
}

#[test]
fn cli_check_sets_the_exit_code_for_ci() {
    let stats = example_path("intro-statistics.json");
    let out = trellis_cli(&["check", &stats]);
    assert_eq!(out.status.code(), Some(1), "U5.4 is an error");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Errors (1)") && text.contains("A1-objective-unassessed"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when stdout is not a terminal");

    let nursing = example_path("nursing-pharmacology.json");
    assert_eq!(trellis_cli(&["check", &nursing]).status.code(), Some(0), "warnings only");
    let out = trellis_cli(&["check", &nursing, "--fail-on", "warning", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let findings: Vec<trellis::Finding> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f.code == "C5-outcome-never-mastered"));

    let missing = trellis_cli(&["check", "/nonexistent/x.json"]);
    assert_eq!(missing.status.code(), Some(3));
}

#[test]
fn cli_report_and_diff_write_their_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let stats = example_path("intro-statistics.json");
    let out = dir.path().join("packet.html");
    let r = trellis_cli(&[
        "report",
        &stats,
        "-o",
        &out.display().to_string(),
        "--generated-at",
        "2026-11-28T12:00:00Z",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Generated 2026-11-28T12:00:00Z"));

    let d = trellis_cli(&["diff", &stats, &stats, "--exit-code"]);
    assert_eq!(d.status.code(), Some(0));
    let mut changed = example("intro-statistics.json");
    changed.objectives[0].level = Some(BloomLevel::Create);
    let changed_path = dir.path().join("changed.json");
    trellis::json::write(&changed, &changed_path).unwrap();
    let d = trellis_cli(&[
        "diff",
        &stats,
        &changed_path.display().to_string(),
        "--format",
        "json",
        "--exit-code",
    ]);
    assert_eq!(d.status.code(), Some(1), "differences with --exit-code");
    let v: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(v["summary"]["levelChanges"], 1);
}

// ---------------------------------------------------------------------------------------------
// Robustness

#[test]
fn every_builtin_template_skeleton_can_be_checked_viewed_and_reported() {
    for t in trellis::pedagogy::templates::builtin() {
        let doc = t.instantiate("Skeleton");
        let findings = analysis::check(&doc, Catalog::builtin());
        assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity), "{}", t.id);
        let _ = views::all_with(&doc, &findings);
        let html = report::render(&doc, Catalog::builtin(), &report::ReportOptions::default());
        assert_self_contained(&html);
        parse_packet(&html);
        if !t.checks.is_empty() {
            let codes: Vec<&str> = t.checks.iter().map(|c| c.code.as_str()).collect();
            let list = checklist::checklist(&doc, &findings, Catalog::builtin().template_of(&doc));
            assert!(
                list.iter().any(|i| i.standard == "Template"),
                "{}: the template's checks are an item",
                t.id
            );
            let _ = codes;
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn random_documents_never_break_the_analysis(seed in proptest::prelude::any::<u64>()) {
        let doc = trellis::generate::random(seed);
        let findings = analysis::check(&doc, Catalog::builtin());
        proptest::prop_assert!(findings.iter().all(|f| !f.code.is_empty() && !f.message.is_empty()));
        let html = report::render(&doc, Catalog::builtin(), &report::ReportOptions::default());
        assert_self_contained(&html);
        parse_packet(&html);
        proptest::prop_assert!(diff::diff(&doc, &doc.clone()).is_empty());
        let other = trellis::generate::random(seed.wrapping_add(1));
        let d = diff::diff(&doc, &other);
        let _ = diff::render_text(&d);
        parse_packet(&diff::render_html(&d));
    }
}
