//! Checks of mastery pathways and of the spaced-review plan (codes `P1`–`P5`,
//! `docs/findings.md`):
//!
//! - `P1-remediation-level-mismatch`: a remediation practises none of the objectives it
//!   remediates at their level (readings, videos and links count as Understand at most);
//! - `P2-pathway-loop`: following remediations can come back to where it started: a remediation
//!   that itself assesses an objective it remediates, or a chain of remediations each assessing
//!   what the next remediates, closing a cycle;
//! - `P3-objective-not-revisited`: under a review plan, an objective introduced in some week that
//!   no later activity or assessment and no planned review inside the course brings back;
//! - `P4-pathway-objective-unassessed`: a pathway names an objective that no graded assessment
//!   before it measures, so the route never opens (enrichment) or always opens (remediation);
//! - `P5-pathway-without-objectives`: a pathway names no objective (it is then plain content).

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use crate::finding::{Finding, Severity, Target};
use crate::model::{
    Activity, AssessmentPurpose, BloomLevel, Node, NodeId, ObjectiveId, Pathway, PathwayRole,
};

use super::alignment::level_name;
use super::context::{When, is_graded, is_material};
use super::{Ctx, spaced};

/// A node or an activity on a pathway.
#[derive(Clone, Copy)]
enum Route<'a> {
    Node(&'a Node, &'a Pathway),
    Activity(&'a Activity, &'a Pathway),
}

impl<'a> Route<'a> {
    fn pathway(self) -> &'a Pathway {
        match self {
            Route::Node(_, p) | Route::Activity(_, p) => p,
        }
    }

    fn target(self, cx: &Ctx) -> Target {
        match self {
            Route::Node(n, _) => cx.t_node(n),
            Route::Activity(a, _) => cx.t_activity(a),
        }
    }

    fn name(self) -> String {
        match self {
            Route::Node(n, _) => format!("“{}”", n.title),
            Route::Activity(a, _) => format!("activity “{}”", a.title),
        }
    }

    /// Where the route takes place in time.
    fn when(self, cx: &Ctx) -> When {
        match self {
            Route::Node(n, _) => When { week: cx.week_of(n.id), rank: cx.rank(n.id) },
            Route::Activity(a, _) => cx.activity_when(a),
        }
    }

    /// The activities the route consists of.
    fn activities(self, cx: &Ctx<'a>) -> Vec<&'a Activity> {
        match self {
            Route::Node(n, _) => {
                let (first, last) = (cx.rank(n.id), cx.end(n.id));
                cx.doc.activities.iter().filter(|a| (first..=last).contains(&cx.rank(a.node))).collect()
            }
            Route::Activity(a, _) => vec![a],
        }
    }

    /// Objectives that graded assessments inside the route measure.
    fn assesses(self, cx: &Ctx) -> Vec<ObjectiveId> {
        let Route::Node(n, _) = self else { return Vec::new() };
        let (first, last) = (cx.rank(n.id), cx.end(n.id));
        let mut out: Vec<ObjectiveId> = cx
            .doc
            .assessments
            .iter()
            .filter(|a| is_graded(a) && (first..=last).contains(&cx.rank(a.node)))
            .flat_map(|a| {
                a.objectives.iter().chain(a.items.iter().flat_map(|i| i.objectives.iter())).copied()
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

fn routes<'a>(cx: &Ctx<'a>) -> Vec<Route<'a>> {
    let doc = cx.doc;
    let nodes = doc.nodes.iter().filter_map(|n| n.pathway.as_ref().map(|p| Route::Node(n, p)));
    let activities = doc.activities.iter().filter_map(|a| a.pathway.as_ref().map(|p| Route::Activity(a, p)));
    nodes.chain(activities).collect()
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let routes = routes(cx);
    for &r in &routes {
        if r.pathway().objectives.is_empty() {
            out.push(Ctx::finding(
                "P5-pathway-without-objectives",
                Severity::Warning,
                r.target(cx),
                format!("{} is marked as {} but names no objective.", r.name(), r.pathway().role),
                "Name the objectives whose mastery decides the route, or clear the pathway.",
            ));
            continue;
        }
        level_mismatch(cx, r, &mut out);
        unassessed(cx, r, &mut out);
    }
    loops(cx, &routes, &mut out);
    not_revisited(cx, &mut out);
    out
}

/// The levels a route practises: per aligned objective of its activities, its level, capped at
/// Understand for materials.
fn practised_levels(cx: &Ctx, activities: &[&Activity]) -> Vec<BloomLevel> {
    let mut out = Vec::new();
    for a in activities {
        for o in &a.objectives {
            if let Some(l) = cx.level(*o) {
                out.push(if is_material(a.kind) { l.min(BloomLevel::Understand) } else { l });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn level_mismatch(cx: &Ctx, r: Route, out: &mut Vec<Finding>) {
    if r.pathway().role != PathwayRole::Remediation {
        return;
    }
    let levels = practised_levels(cx, &r.activities(cx));
    if levels.is_empty() {
        return;
    }
    for o in &r.pathway().objectives {
        let (Some(objective), Some(level)) = (cx.objective(*o), cx.level(*o)) else { continue };
        if !levels.contains(&level) {
            let practised: Vec<&str> = levels.iter().map(|l| level_name(*l)).collect();
            out.push(Ctx::finding(
                "P1-remediation-level-mismatch",
                Severity::Warning,
                r.target(cx),
                format!(
                    "Remediation {} for {} ({}) practises at {}, not at the objective's level.",
                    r.name(),
                    Ctx::objective_label(objective),
                    level_name(level),
                    practised.join(", ")
                ),
                "Give the remediation an activity in which learners do what the objective asks (at its level).",
            ));
        }
    }
}

fn unassessed(cx: &Ctx, r: Route, out: &mut Vec<Finding>) {
    let when = r.when(cx);
    for o in &r.pathway().objectives {
        let Some(objective) = cx.objective(*o) else { continue };
        // Scored (not diagnostic) and not after the route: the same lesson's quiz counts.
        let measured_before = cx.evidence(*o).iter().any(|e| {
            e.assessment.purpose != AssessmentPurpose::Diagnostic
                && !when.before(cx.assessment_when(e.assessment))
        });
        if !measured_before {
            let effect = match r.pathway().role {
                PathwayRole::Remediation => "so every learner is sent to it",
                PathwayRole::Enrichment => "so no learner is offered it",
            };
            out.push(Ctx::finding(
                "P4-pathway-objective-unassessed",
                Severity::Warning,
                r.target(cx),
                format!(
                    "{} is {} for {}, which no assessment before it measures, {effect}.",
                    r.name(),
                    r.pathway().role,
                    Ctx::objective_label(objective)
                ),
                "Align a scored quiz before the route to the objective, or name the objective the quiz measures.",
            ));
        }
    }
}

/// Remediation cycles: an edge `A → B` when remediation A assesses an objective that
/// remediation B remediates (a learner failing A's quiz is sent to B).
fn loops(cx: &Ctx, routes: &[Route], out: &mut Vec<Finding>) {
    let remediations: Vec<Route> =
        routes.iter().copied().filter(|r| r.pathway().role == PathwayRole::Remediation).collect();
    if remediations.is_empty() {
        return;
    }
    let mut by_objective: HashMap<ObjectiveId, Vec<usize>> = HashMap::new();
    for (i, r) in remediations.iter().enumerate() {
        for o in &r.pathway().objectives {
            by_objective.entry(*o).or_default().push(i);
        }
    }
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let ix: Vec<_> = (0..remediations.len()).map(|i| graph.add_node(i)).collect();
    let mut self_loops = Vec::new();
    for (i, r) in remediations.iter().enumerate() {
        for o in r.assesses(cx) {
            for &j in by_objective.get(&o).map(Vec::as_slice).unwrap_or(&[]) {
                if i == j {
                    self_loops.push(i);
                } else {
                    graph.add_edge(ix[i], ix[j], ());
                }
            }
        }
    }
    self_loops.dedup();
    for i in self_loops {
        let r = remediations[i];
        out.push(Ctx::finding(
            "P2-pathway-loop",
            Severity::Error,
            r.target(cx),
            format!(
                "Remediation {} assesses an objective it remediates: failing its own quiz sends the learner back to it.",
                r.name()
            ),
            "Move the quiz out of the remediation, or remediate a different objective.",
        ));
    }
    for scc in tarjan_scc(&graph) {
        if scc.len() < 2 {
            continue;
        }
        let mut members: Vec<usize> = scc.iter().map(|n| graph[*n]).collect();
        members.sort_by_key(|i| remediations[*i].when(cx).rank);
        let names: Vec<String> = members.iter().map(|i| remediations[*i].name()).collect();
        let first = remediations[members[0]];
        out.push(Ctx::finding(
            "P2-pathway-loop",
            Severity::Error,
            first.target(cx),
            format!("Remediations send learners round in a loop: {} → back to the first.", names.join(" → ")),
            "Break the loop: a remediation should not assess what another remediation in the chain remediates.",
        ));
    }
}

fn not_revisited(cx: &Ctx, out: &mut Vec<Finding>) {
    let Some(plan) = cx.doc.curriculum.review_plan.as_ref().filter(|p| p.enabled) else { return };
    let schedule = spaced::plan_with(cx, plan);
    for o in &schedule.objectives {
        let Some(objective) = cx.objective(o.objective) else { continue };
        let Some(week) = o.introduced_week else {
            out.push(Ctx::finding(
                "P3-objective-not-revisited",
                Severity::Info,
                cx.t_objective(objective),
                format!(
                    "{} has no teaching week, so the review plan cannot schedule it.",
                    Ctx::objective_label(objective)
                ),
                "Give its lesson (or unit) a week.",
            ));
            continue;
        };
        let planned = o.reviews.iter().any(|r| r.within_course);
        if planned || !spaced::revisits(cx, o.objective, week).is_empty() {
            continue;
        }
        out.push(Ctx::finding(
            "P3-objective-not-revisited",
            Severity::Warning,
            cx.t_objective(objective),
            format!(
                "{} is introduced in week {week} and never revisited: no later activity or assessment, and every planned review falls after the course ends.",
                Ctx::objective_label(objective)
            ),
            "Introduce it earlier, add a later activity or assessment, or shorten the first review interval.",
        ));
    }
}

/// A lesson on a pathway as the sequence graph draws it: from the node whose assessment decides
/// the route (the last one before the route that measures a named objective, else the node the
/// first named objective belongs to) to the route's node.
pub(crate) struct RouteEdge {
    pub from: NodeId,
    pub to: NodeId,
    pub role: PathwayRole,
    /// The objectives' codes, comma-separated.
    pub label: String,
}

pub(crate) fn route_edges(cx: &Ctx) -> Vec<RouteEdge> {
    let mut out = Vec::new();
    for n in &cx.doc.nodes {
        let Some(p) = &n.pathway else { continue };
        let here = cx.rank(n.id);
        let decider = cx
            .doc
            .assessments
            .iter()
            .filter(|a| a.purpose != AssessmentPurpose::Diagnostic)
            .filter(|a| {
                p.objectives
                    .iter()
                    .any(|o| a.objectives.contains(o) || a.items.iter().any(|i| i.objectives.contains(o)))
            })
            .map(|a| a.node)
            .filter(|node| *node != n.id && cx.rank(*node) < here && !cx.is_ancestor(n.id, *node))
            .max_by_key(|node| cx.rank(*node))
            .or_else(|| p.objectives.iter().find_map(|o| cx.objective(*o)).map(|o| o.node))
            .filter(|d| *d != n.id);
        let Some(from) = decider else { continue };
        let labels: Vec<String> =
            p.objectives.iter().filter_map(|o| cx.objective(*o)).map(Ctx::objective_label).collect();
        out.push(RouteEdge { from, to: n.id, role: p.role, label: labels.join(", ") });
    }
    out
}
