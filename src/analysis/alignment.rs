//! Constructive alignment (Biggs; REFERENCE.md §5.1, checks A1–A11) and the Quality Matters
//! objective standards 2.1 and 2.2: every objective is assessed and practised, every
//! assessment, item and activity serves an objective, levels of assessments and activities
//! match the level of the objectives they serve, lower objectives roll up to the outcomes above
//! them (lesson → unit → course → program), grade weight is accounted for.
//!
//! Objectives count as assessed or practised when they, or any objective that supports them
//! (transitively), are linked: a course outcome is evidenced by the unit objectives under it.
//! Wording checks (measurable verbs, ABCD) belong to the pedagogy engine, not here.

use std::collections::{HashMap, HashSet};

use crate::finding::{Finding, Severity};
use crate::model::{
    Assessment, BloomLevel, Document, ItemBody, KnowledgeDimension, NodeId, Objective, ObjectiveId,
};

use super::context::{Evidence, Via, effective_item_objectives, is_graded, is_material};
use super::{Ctx, Scope};

/// Runs the alignment checks on a document.
pub fn check(doc: &Document) -> Vec<Finding> {
    run(&Ctx::new(doc))
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    objectives_present(cx, &mut out);
    for o in &cx.doc.objectives {
        assessed(cx, o, &mut out);
        practised(cx, o, &mut out);
        levels(cx, o, &mut out);
        roll_up(cx, o, &mut out);
    }
    assessments(cx, &mut out);
    activities(cx, &mut out);
    weights(cx, &mut out);
    distribution(cx, &mut out);
    out
}

/// Capitalised level name for messages.
pub(crate) fn level_name(l: BloomLevel) -> &'static str {
    match l {
        BloomLevel::Remember => "Remember",
        BloomLevel::Understand => "Understand",
        BloomLevel::Apply => "Apply",
        BloomLevel::Analyze => "Analyze",
        BloomLevel::Evaluate => "Evaluate",
        BloomLevel::Create => "Create",
    }
}

/// QM 2.1 / 2.2: courses state course objectives; units state unit objectives.
fn objectives_present(cx: &Ctx, out: &mut Vec<Finding>) {
    for n in &cx.doc.nodes {
        match cx.scope(n.id) {
            Scope::Course if cx.objectives_of(n.id).is_empty() => out.push(Ctx::finding(
                "QM2.1-course-without-objectives",
                Severity::Error,
                cx.t_node(n),
                format!("Course “{}” states no course-level objectives.", n.title),
                "Write 3–8 measurable course objectives on the course node; unit objectives then support them.",
            )),
            Scope::Unit => {
                let any = cx.subtree(n.id).iter().any(|d| !cx.objectives_of(d.id).is_empty());
                if !any {
                    out.push(Ctx::finding(
                        "QM2.2-unit-without-objectives",
                        Severity::Warning,
                        cx.t_node(n),
                        format!("“{}” has no objectives, neither on the unit nor on its lessons.", n.title),
                        "State what learners will be able to do after this unit and link it to a course objective.",
                    ));
                }
            }
            _ => {}
        }
    }
}

/// A1 and A10: assessed at all, and by something that counts towards the grade.
fn assessed(cx: &Ctx, o: &Objective, out: &mut Vec<Finding>) {
    if cx.objective_scope(o) == Scope::Program {
        return; // Program outcomes are evidenced through courses: see the coverage checks.
    }
    let closure = cx.support_closure(o.id);
    let evidence: Vec<&Evidence> = closure.iter().flat_map(|id| cx.evidence(*id)).collect();
    let label = Ctx::objective_label(o);
    if evidence.is_empty() {
        out.push(Ctx::finding(
            "A1-objective-unassessed",
            Severity::Error,
            cx.t_objective(o),
            format!(
                "{label} is not measured by any assessment, quiz item or rubric criterion{}.",
                if closure.len() > 1 { ", nor is any objective that supports it" } else { "" }
            ),
            "Align an assessment, a quiz item or a rubric criterion to it (or to an objective that supports it), or drop the objective.",
        ));
    } else if !evidence.iter().any(|e| is_graded(e.assessment)) {
        out.push(Ctx::finding(
            "A10-objective-ungraded",
            Severity::Warning,
            cx.t_objective(o),
            format!(
                "{label} is measured only by ungraded (diagnostic or formative) assessments, so it carries 0 % of the grade."
            ),
            "Align a summative or weighted assessment to it, or state why it is deliberately not graded.",
        ));
    }
}

/// A4 and A6: practised by an activity, before it is assessed, at its level.
fn practised(cx: &Ctx, o: &Objective, out: &mut Vec<Finding>) {
    if cx.objective_scope(o) == Scope::Program {
        return;
    }
    let closure = cx.support_closure(o.id);
    let activities: Vec<_> = closure.iter().flat_map(|id| cx.practice(*id)).copied().collect();
    let label = Ctx::objective_label(o);
    if activities.is_empty() {
        out.push(Ctx::finding(
            "A4-objective-unpractised",
            Severity::Warning,
            cx.t_objective(o),
            format!("No learning activity practises {label}."),
            "Add an activity in which learners do what the objective states, and align it.",
        ));
        return;
    }
    // Sequence: the first (non-diagnostic) assessment must not come before the first practice.
    let first_practice =
        activities.iter().map(|a| cx.activity_when(a)).reduce(|a, b| if b.before(a) { b } else { a });
    let first_assessed = cx
        .evidence(o.id)
        .iter()
        .filter(|e| e.assessment.purpose != crate::model::AssessmentPurpose::Diagnostic)
        .map(|e| (cx.assessment_when(e.assessment), e.assessment))
        .reduce(|a, b| if b.0.before(a.0) { b } else { a });
    if let (Some(p), Some((when, a))) = (first_practice, first_assessed)
        && when.before(p)
    {
        out.push(Ctx::finding(
            "A4-assessed-before-practised",
            Severity::Warning,
            cx.t_objective(o),
            format!(
                "{label} is assessed in “{}” ({}) before any activity practises it.",
                a.title,
                cx.node_path(a.node)
            ),
            "Move a practising activity before the assessment, or move the assessment later (use a diagnostic purpose for pre-tests).",
        ));
    }
    if let Some(level) = cx.level(o.id)
        && level >= BloomLevel::Apply
        && activities.iter().all(|a| !a.kind.is_active())
    {
        out.push(Ctx::finding(
            "A6-practice-below-level",
            Severity::Warning,
            cx.t_objective(o),
            format!(
                "{label} is at {} but is practised only by readings, lectures, videos or links ({} activit{}).",
                level_name(level),
                activities.len(),
                if activities.len() == 1 { "y" } else { "ies" }
            ),
            "Add practice at the objective's level (problem set, lab, case study, project, discussion).",
        ));
    }
}

/// A5 and A7: items and assessments measure at the objective's level and knowledge type.
fn levels(cx: &Ctx, o: &Objective, out: &mut Vec<Finding>) {
    let label = Ctx::objective_label(o);
    let Some(level) = cx.level(o.id) else {
        if cx.objective_scope(o) != Scope::Program && o.domain == crate::model::Domain::Cognitive {
            out.push(Ctx::finding(
                "A5-objective-level-unset",
                Severity::Info,
                cx.t_objective(o),
                format!("{label} has no cognitive level, so its alignment levels cannot be compared."),
                "Set the Bloom level (or reword the statement with a measurable verb so it can be inferred).",
            ));
        }
        return;
    };
    let evidence = cx.evidence(o.id);
    if evidence.is_empty() {
        return;
    }
    // Only items have their own level; assessments without items (tasks, essays graded by a
    // rubric) are taken to measure at the objective's level.
    let item_only = evidence.iter().all(|e| match e.via {
        Via::Item(_) => true,
        Via::Assessment => !e.assessment.items.is_empty(),
        Via::Criterion => false,
    });
    let items: Vec<_> = evidence
        .iter()
        .filter_map(|e| match e.via {
            Via::Item(i) => Some((e.assessment, i)),
            _ => None,
        })
        .collect();
    let max_item = items.iter().filter_map(|(_, i)| i.level).max();
    if item_only
        && let Some(max) = max_item
        && max < level
    {
        let titles: Vec<&str> = dedup(items.iter().map(|(a, _)| a.title.as_str()));
        out.push(Ctx::finding(
            "A5-assessment-under-measures",
            Severity::Warning,
            cx.t_objective(o),
            format!(
                "{label} is at {}, but the highest item measuring it is at {} ({} item{} in {}).",
                level_name(level),
                level_name(max),
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                quote_list(&titles)
            ),
            "Add an item or task that asks learners to perform at the objective's level, or lower the objective's level.",
        ));
    }
    if o.knowledge.is_some_and(|k| k != KnowledgeDimension::Factual)
        && item_only
        && !items.is_empty()
        && items.iter().all(|(_, i)| is_recall(i))
    {
        out.push(Ctx::finding(
            "A7-knowledge-type-mismatch",
            Severity::Info,
            cx.t_objective(o),
            format!(
                "{label} is {} knowledge but is measured only by recall items.",
                o.knowledge.map(|k| k.as_str()).unwrap_or("")
            ),
            "Add an item that asks learners to use the concept or procedure, not only to recall facts about it.",
        ));
    }
}

fn is_recall(item: &crate::model::QuizItem) -> bool {
    match item.level {
        Some(l) => l == BloomLevel::Remember,
        None => matches!(item.body, ItemBody::TrueFalse { .. } | ItemBody::Matching { .. }),
    }
}

/// A8: objectives roll up to the objectives of the nodes above them.
fn roll_up(cx: &Ctx, o: &Objective, out: &mut Vec<Finding>) {
    let scope = cx.objective_scope(o);
    let label = Ctx::objective_label(o);
    // Objectives above this one in the outline.
    let ancestors: Vec<NodeId> = cx.ancestors(o.node).iter().map(|n| n.id).collect();
    let above_exists = ancestors.iter().any(|a| !cx.objectives_of(*a).is_empty());
    if o.supports.is_empty() && above_exists && scope != Scope::Program {
        let severity = if scope == Scope::Unit { Severity::Error } else { Severity::Warning };
        out.push(Ctx::finding(
            "A8-objective-not-rolled-up",
            severity,
            cx.t_objective(o),
            format!("{label} ({} objective) does not support any objective above it.", scope.as_str()),
            "Link it (supports) to the unit, course or program objective it contributes to.",
        ));
    }
    for s in &o.supports {
        let Some(sup) = cx.objective(*s) else { continue };
        if !cx.is_ancestor(sup.node, o.node) {
            out.push(Ctx::finding(
                "A8-support-not-above",
                Severity::Warning,
                cx.t_objective(o),
                format!(
                    "{label} supports {}, which is not on a node above it ({}).",
                    Ctx::objective_label(sup),
                    cx.node_path(sup.node)
                ),
                "Support links go upwards: lesson → unit → course → program. Link to an objective of an enclosing node.",
            ));
        }
    }
    // Outcomes (course and program) are supported by lower objectives when those exist.
    if matches!(scope, Scope::Course | Scope::Program) && cx.supporters(o.id).is_empty() {
        let lower_exist = cx
            .subtree(o.node)
            .iter()
            .skip(1)
            .any(|d| cx.scope(d.id) > scope && !cx.objectives_of(d.id).is_empty());
        if lower_exist {
            out.push(Ctx::finding(
                "A8-outcome-unsupported",
                Severity::Warning,
                cx.t_objective(o),
                format!(
                    "No {} objective supports {label}.",
                    if scope == Scope::Program { "course" } else { "unit or lesson" }
                ),
                "Link the lower-level objectives that build towards it (supports), or add one.",
            ));
        }
    }
    if let Some(level) = cx.level(o.id) {
        let closure = cx.support_closure(o.id);
        let max = closure.iter().skip(1).filter_map(|id| cx.level(*id)).max();
        if let Some(max) = max
            && max < level
        {
            out.push(Ctx::finding(
                "A8-outcome-level-not-reached",
                Severity::Warning,
                cx.t_objective(o),
                format!(
                    "{label} is at {}, but the objectives supporting it reach only {}.",
                    level_name(level),
                    level_name(max)
                ),
                "Add a supporting objective (and its practice and assessment) at the outcome's level.",
            ));
        }
    }
}

/// A2 and A5 (items that over-demand).
fn assessments(cx: &Ctx, out: &mut Vec<Finding>) {
    for a in &cx.doc.assessments {
        let criteria_aligned = a
            .rubric
            .and_then(|r| cx.rubric(r))
            .is_some_and(|r| r.criteria.iter().any(|c| c.objective.is_some()));
        let items_aligned = a.items.iter().any(|i| !i.objectives.is_empty());
        if a.objectives.is_empty() && !items_aligned && !criteria_aligned {
            out.push(Ctx::finding(
                "A2-assessment-unaligned",
                Severity::Error,
                cx.t_assessment(a),
                format!("Assessment “{}” is not aligned to any objective.", a.title),
                "Link it (or its items, or its rubric criteria) to the objectives it measures.",
            ));
            continue;
        }
        for item in &a.items {
            if item.objectives.is_empty() && a.objectives.len() != 1 {
                out.push(Ctx::finding(
                    "A2-item-unaligned",
                    Severity::Warning,
                    cx.t_item(a, item),
                    if a.objectives.is_empty() {
                        format!("An item of “{}” is not aligned to any objective.", a.title)
                    } else {
                        format!(
                            "An item of “{}” names no objective, and the assessment lists {}, so it is unclear which one it measures.",
                            a.title,
                            a.objectives.len()
                        )
                    },
                    "Align the item to the objective it measures.",
                ));
            }
            over_demand(cx, a, item, out);
        }
    }
}

fn over_demand(cx: &Ctx, a: &Assessment, item: &crate::model::QuizItem, out: &mut Vec<Finding>) {
    let Some(il) = item.level else { return };
    let targets: Vec<(&Objective, BloomLevel)> = effective_item_objectives(a, item)
        .iter()
        .filter_map(|id| cx.objective(*id).and_then(|o| cx.level(o.id).map(|l| (o, l))))
        .collect();
    if let Some((o, ol)) = targets.iter().max_by_key(|(_, l)| *l)
        && il.rank() >= ol.rank() + 2
    {
        out.push(Ctx::finding(
            "A5-item-over-demands",
            Severity::Warning,
            cx.t_item(a, item),
            format!(
                "An item of “{}” asks for {}, two or more levels above {} ({}).",
                a.title,
                level_name(il),
                Ctx::objective_label(o),
                level_name(*ol)
            ),
            "Align the item to an objective at its level, or rewrite it at the objective's level.",
        ));
    }
}

/// A3 and A9: activities and materials serve objectives.
fn activities(cx: &Ctx, out: &mut Vec<Finding>) {
    for a in &cx.doc.activities {
        if !a.objectives.is_empty() {
            continue;
        }
        if is_material(a.kind) {
            out.push(Ctx::finding(
                "A9-material-unaligned",
                Severity::Info,
                cx.t_activity(a),
                format!("Material “{}” is not linked to any objective.", a.title),
                "Link it to the objectives it helps learners reach, or drop it.",
            ));
        } else {
            out.push(Ctx::finding(
                "A3-activity-unaligned",
                Severity::Warning,
                cx.t_activity(a),
                format!("Activity “{}” is not linked to any objective.", a.title),
                "Link it to the objective it practises, or drop it as busy work.",
            ));
        }
    }
}

/// A10: the weights of graded assessments in a course add up to 100 %.
fn weights(cx: &Ctx, out: &mut Vec<Finding>) {
    let mut by_course: HashMap<Option<NodeId>, Vec<&Assessment>> = HashMap::new();
    for a in &cx.doc.assessments {
        by_course.entry(cx.course_of(a.node)).or_default().push(a);
    }
    let mut keys: Vec<_> = by_course.keys().copied().collect();
    keys.sort_by_key(|k| k.map(|n| cx.rank(n)));
    for key in keys {
        let list = &by_course[&key];
        if !list.iter().any(|a| a.weight.is_some()) {
            continue;
        }
        let sum: f64 = list.iter().filter(|a| is_graded(a)).filter_map(|a| a.weight).sum();
        if (sum - 100.0).abs() > 0.5 {
            let (target, name) = match key.and_then(|k| cx.node(k)) {
                Some(n) => (cx.t_node(n), format!("course “{}”", n.title)),
                None => (cx.t_curriculum(), "the curriculum".to_owned()),
            };
            out.push(Ctx::finding(
                "A10-weights-not-100",
                Severity::Warning,
                target,
                format!(
                    "The graded assessments of {name} add up to {} % of the grade, not 100 %.",
                    fmt_num(sum)
                ),
                "Adjust the assessment weights so that they add up to 100 %.",
            ));
        }
    }
}

/// A11: the spread of levels suits the course level.
fn distribution(cx: &Ctx, out: &mut Vec<Finding>) {
    let courses: Vec<_> = cx.doc.nodes.iter().filter(|n| cx.scope(n.id) == Scope::Course).collect();
    let groups: Vec<(crate::finding::Target, String, Vec<&Objective>, String)> = if courses.is_empty() {
        let c = &cx.doc.curriculum;
        vec![(
            cx.t_curriculum(),
            c.title.clone(),
            cx.doc.objectives.iter().collect(),
            format!("{} {} {}", c.level, c.code, c.title),
        )]
    } else {
        courses
            .iter()
            .map(|n| {
                let nodes: HashSet<NodeId> = cx.subtree(n.id).iter().map(|d| d.id).collect();
                let objs = cx.doc.objectives.iter().filter(|o| nodes.contains(&o.node)).collect();
                let level_text =
                    n.fields.get("level").and_then(|v| v.as_str()).unwrap_or(&cx.doc.curriculum.level);
                (cx.t_node(n), n.title.clone(), objs, format!("{level_text} {} {}", n.code, n.title))
            })
            .collect()
    };
    for (target, title, objs, descr) in groups {
        let levels: Vec<BloomLevel> = objs.iter().filter_map(|o| cx.level(o.id)).collect();
        if levels.len() < 4 {
            continue;
        }
        if levels.iter().all(|l| *l <= BloomLevel::Understand) {
            out.push(Ctx::finding(
                "A11-only-lower-order",
                Severity::Info,
                target,
                format!(
                    "All {} classified objectives of “{title}” are at Remember or Understand.",
                    levels.len()
                ),
                "Even introductory courses usually ask learners to apply something; check the course level.",
            ));
        } else if is_advanced(&descr) && !levels.iter().any(|l| *l >= BloomLevel::Evaluate) {
            out.push(Ctx::finding(
                "A11-no-higher-order",
                Severity::Info,
                target,
                format!("“{title}” is an advanced course, but none of its objectives is at Evaluate or Create."),
                "Capstone and advanced courses usually ask learners to judge and to create; check the objectives.",
            ));
        }
    }
}

fn is_advanced(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    if ["capstone", "advanced", "senior", "graduate", "master", "doctoral", "postgraduate"]
        .iter()
        .any(|w| t.contains(w))
    {
        return true;
    }
    // Course numbers 400 and above are advanced in US numbering.
    t.split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 3)
        .filter_map(|s| s.parse::<u32>().ok())
        .any(|n| (400..1000).contains(&n))
}

/// Share of the grade carried directly by each objective, as a fraction of all graded weight
/// in the document (1.0 = the whole grade). Assessment weights are used when any assessment has
/// one; otherwise points. An assessment's weight is split among its items' objectives by
/// points, else among its rubric criteria's objectives by criterion weight, else evenly among
/// its own objectives. Weight that reaches no objective is reported as `unaligned`.
#[derive(Clone, Debug, Default)]
pub struct GradeShares {
    /// Direct share per objective.
    pub objectives: HashMap<ObjectiveId, f64>,
    /// Share carried by assessments (or parts) aligned to no objective.
    pub unaligned: f64,
}

/// Computes [`GradeShares`].
pub fn grade_shares(doc: &Document) -> GradeShares {
    let use_weights = doc.assessments.iter().any(|a| a.weight.is_some());
    let mut raw: HashMap<ObjectiveId, f64> = HashMap::new();
    let mut unaligned = 0.0;
    let mut total = 0.0;
    let rubrics: HashMap<_, _> = doc.rubrics.iter().map(|r| (r.id, r)).collect();
    for a in doc.assessments.iter().filter(|a| is_graded(a)) {
        let w = if use_weights {
            a.weight.unwrap_or(0.0)
        } else {
            a.points.unwrap_or_else(|| a.items.iter().map(|i| i.points).sum())
        };
        if !(w.is_finite() && w > 0.0) {
            continue;
        }
        total += w;
        let mut parts: Vec<(f64, &[ObjectiveId])> = Vec::new();
        let criterion_objs: Vec<(f64, ObjectiveId)> = a
            .rubric
            .and_then(|r| rubrics.get(&r))
            .map(|r| r.criteria.iter().filter_map(|c| c.objective.map(|o| (c.weight.max(0.0), o))).collect())
            .unwrap_or_default();
        if a.items.iter().any(|i| !i.objectives.is_empty()) {
            for i in &a.items {
                parts.push((i.points.max(0.0), effective_item_objectives(a, i)));
            }
        } else if !criterion_objs.is_empty() {
            let sum: f64 = criterion_objs.iter().map(|(w, _)| w).sum();
            for (cw, o) in &criterion_objs {
                let share = if sum > 0.0 { w * cw / sum } else { w / criterion_objs.len() as f64 };
                *raw.entry(*o).or_default() += share;
            }
            continue;
        } else {
            parts.push((1.0, &a.objectives));
        }
        let sum: f64 = parts.iter().map(|(p, _)| p).sum();
        for (p, objs) in parts {
            let share = if sum > 0.0 { w * p / sum } else { 0.0 };
            if objs.is_empty() {
                unaligned += share;
            } else {
                for o in objs {
                    *raw.entry(*o).or_default() += share / objs.len() as f64;
                }
            }
        }
    }
    if total <= 0.0 {
        return GradeShares::default();
    }
    GradeShares {
        objectives: raw.into_iter().map(|(k, v)| (k, v / total)).collect(),
        unaligned: unaligned / total,
    }
}

pub(crate) fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 { format!("{}", x.round() as i64) } else { format!("{x:.1}") }
}

fn dedup<'b>(it: impl Iterator<Item = &'b str>) -> Vec<&'b str> {
    let mut out: Vec<&str> = Vec::new();
    for s in it {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn quote_list(items: &[&str]) -> String {
    items.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", ")
}
