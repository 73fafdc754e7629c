//! Coverage: which items of the imported standards frameworks the objectives are aligned to,
//! and the program curriculum map — every program outcome introduced, reinforced and mastered
//! somewhere (I/R/M), in that order, with the declared map backed by real `supports` links
//! from course objectives. The same data feeds the curriculum-map and heatmap views.

use std::collections::{HashMap, HashSet};

use crate::finding::{Finding, Severity};
use crate::model::{Document, Emphasis, FrameworkId, NodeId, ObjectiveId, StandardItemId};

use super::{Ctx, Scope};

/// One cell of the program-outcome × course map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapCell {
    /// Emphasis declared on the outcome for this course.
    pub declared: Option<Emphasis>,
    /// Objectives of the course that support the outcome (directly or transitively).
    pub evidence: Vec<ObjectiveId>,
}

/// The program-outcome × course map.
#[derive(Clone, Debug, Default)]
pub struct OutcomeMap {
    /// Program outcomes, in outline order.
    pub outcomes: Vec<ObjectiveId>,
    /// Courses, in outline order.
    pub courses: Vec<NodeId>,
    /// `cells[outcome][course]`.
    pub cells: Vec<Vec<MapCell>>,
}

pub(crate) fn outcome_map(cx: &Ctx) -> OutcomeMap {
    let outcomes: Vec<ObjectiveId> = cx.objectives_in_scope(Scope::Program).map(|o| o.id).collect();
    let courses: Vec<NodeId> =
        cx.doc.nodes.iter().filter(|n| cx.scope(n.id) == Scope::Course).map(|n| n.id).collect();
    let col: HashMap<NodeId, usize> = courses.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut cells = Vec::with_capacity(outcomes.len());
    for id in &outcomes {
        let mut row = vec![MapCell::default(); courses.len()];
        if let Some(o) = cx.objective(*id) {
            for e in &o.emphasis {
                if let Some(&c) = col.get(&e.course) {
                    let cell = &mut row[c];
                    cell.declared = Some(cell.declared.map_or(e.emphasis, |d| d.max(e.emphasis)));
                }
            }
        }
        for s in cx.support_closure(*id).into_iter().skip(1) {
            if let Some(c) = cx.objective(s).and_then(|so| cx.course_of(so.node)).and_then(|c| col.get(&c)) {
                row[*c].evidence.push(s);
            }
        }
        cells.push(row);
    }
    OutcomeMap { outcomes, courses, cells }
}

/// Coverage of one framework item.
#[derive(Clone, Debug, Default)]
pub struct ItemCoverage {
    /// Objectives aligned to the item.
    pub objectives: Vec<ObjectiveId>,
    /// Whether other items name this one as their parent.
    pub has_children: bool,
}

pub(crate) fn item_coverage(doc: &Document) -> HashMap<StandardItemId, ItemCoverage> {
    let mut out: HashMap<StandardItemId, ItemCoverage> =
        doc.standard_items.iter().map(|s| (s.id, ItemCoverage::default())).collect();
    for s in &doc.standard_items {
        if let Some(p) = s.parent
            && let Some(c) = out.get_mut(&p)
        {
            c.has_children = true;
        }
    }
    for o in &doc.objectives {
        for s in &o.standards {
            if let Some(c) = out.get_mut(s) {
                c.objectives.push(o.id);
            }
        }
    }
    out
}

/// Runs the coverage checks on a document.
pub fn check(doc: &Document) -> Vec<Finding> {
    run(&Ctx::new(doc))
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    standards(cx, &mut out);
    program_map(cx, &mut out);
    out
}

fn standards(cx: &Ctx, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    let coverage = item_coverage(doc);
    let used: HashSet<FrameworkId> = doc
        .standard_items
        .iter()
        .filter(|s| coverage.get(&s.id).is_some_and(|c| !c.objectives.is_empty()))
        .map(|s| s.framework)
        .collect();
    for f in &doc.frameworks {
        let target = crate::finding::Target {
            kind: "framework".into(),
            id: Some(f.id.to_string()),
            path: format!("Framework “{}”", f.title),
        };
        if !used.contains(&f.id) {
            out.push(Ctx::finding(
                "C2-framework-unused",
                Severity::Info,
                target,
                format!("No objective is aligned to any item of framework “{}”.", f.title),
                "Align objectives to the framework's items, or remove the framework from the document.",
            ));
            continue;
        }
        for s in doc.standard_items.iter().filter(|s| s.framework == f.id) {
            let Some(c) = coverage.get(&s.id) else { continue };
            // Grouping items (domains, clusters) are covered through their children.
            if c.objectives.is_empty() && !c.has_children {
                let label = if s.code.is_empty() {
                    super::context::shorten(&s.statement, 60)
                } else {
                    s.code.clone()
                };
                out.push(Ctx::finding(
                    "C1-standard-unaligned",
                    Severity::Warning,
                    crate::finding::Target {
                        kind: "standardItem".into(),
                        id: Some(s.id.to_string()),
                        path: format!("{} › {label}", f.title),
                    },
                    format!(
                        "Standard {label} (“{}”) is not addressed by any objective.",
                        super::context::shorten(&s.statement, 80)
                    ),
                    "Align an objective to it, or record why the curriculum does not address it.",
                ));
            }
        }
    }
}

fn program_map(cx: &Ctx, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    for n in doc.nodes.iter().filter(|n| cx.scope(n.id) == Scope::Program) {
        if cx.objectives_of(n.id).is_empty() {
            out.push(Ctx::finding(
                "C3-program-without-outcomes",
                Severity::Warning,
                cx.t_node(n),
                format!("Program “{}” states no program outcomes.", n.title),
                "Add the program's outcomes to the program node; courses then map to them (I/R/M).",
            ));
        }
    }
    let map = outcome_map(cx);
    let uses_links = map.cells.iter().flatten().any(|c| !c.evidence.is_empty());
    let course_title = |id: NodeId| cx.node(id).map(|n| n.title.clone()).unwrap_or_default();
    for (r, oid) in map.outcomes.iter().enumerate() {
        let Some(o) = cx.objective(*oid) else { continue };
        let label = Ctx::objective_label(o);
        let row = &map.cells[r];
        for e in &o.emphasis {
            if cx.node(e.course).is_some_and(|n| cx.scope(n.id) != Scope::Course) {
                out.push(Ctx::finding(
                    "C11-emphasis-not-a-course",
                    Severity::Warning,
                    cx.t_objective(o),
                    format!(
                        "{label} maps {} to “{}”, which is not a course.",
                        e.emphasis.letter(),
                        course_title(e.course)
                    ),
                    "Map program outcomes to course nodes only.",
                ));
            }
        }
        let declared: Vec<(usize, Emphasis)> =
            row.iter().enumerate().filter_map(|(i, c)| c.declared.map(|d| (i, d))).collect();
        let evidenced = row.iter().any(|c| !c.evidence.is_empty());
        if declared.is_empty() && !evidenced {
            out.push(Ctx::finding(
                "C4-outcome-unmapped",
                Severity::Warning,
                cx.t_objective(o),
                format!("Program outcome {label} is not addressed by any course."),
                "Mark the courses that introduce, reinforce and master it, and link their objectives to it.",
            ));
            continue;
        }
        if !declared.is_empty() {
            if !declared.iter().any(|(_, d)| *d == Emphasis::Mastered) {
                out.push(Ctx::finding(
                    "C5-outcome-never-mastered",
                    Severity::Warning,
                    cx.t_objective(o),
                    format!("No course is marked as the one where learners master program outcome {label}."),
                    "Mark the course (usually a late or capstone course) in which the outcome is mastered and assessed.",
                ));
            }
            if !declared.iter().any(|(_, d)| *d == Emphasis::Introduced) {
                out.push(Ctx::finding(
                    "C6-outcome-never-introduced",
                    Severity::Info,
                    cx.t_objective(o),
                    format!("No course is marked as introducing program outcome {label}."),
                    "Mark the course where learners first meet the outcome (I).",
                ));
            }
            // Courses are in outline order; the emphasis should not decrease along it.
            let mut seen: Option<(usize, Emphasis)> = None;
            for &(i, d) in &declared {
                if let Some((pi, pd)) = seen
                    && d < pd
                {
                    out.push(Ctx::finding(
                        "C7-emphasis-out-of-order",
                        Severity::Warning,
                        cx.t_objective(o),
                        format!(
                            "Program outcome {label} is {} in “{}” before it is {} in “{}”.",
                            word(pd),
                            course_title(map.courses[pi]),
                            word(d),
                            course_title(map.courses[i])
                        ),
                        "Reorder the courses or correct the map: introduce, then reinforce, then master.",
                    ));
                    break;
                }
                if seen.is_none_or(|(_, pd)| d > pd) {
                    seen = Some((i, d));
                }
            }
        }
        for (i, cell) in row.iter().enumerate() {
            let course = course_title(map.courses[i]);
            if let Some(d) = cell.declared
                && cell.evidence.is_empty()
                && uses_links
            {
                out.push(Ctx::finding(
                    "C8-emphasis-without-evidence",
                    Severity::Warning,
                    cx.t_objective(o),
                    format!(
                        "The map says “{course}” {} program outcome {label}, but no objective of that course supports it.",
                        verb(d)
                    ),
                    "Link the course objectives that serve the outcome (supports), or correct the map.",
                ));
            } else if cell.declared.is_none() && !cell.evidence.is_empty() {
                out.push(Ctx::finding(
                    "C9-evidence-without-emphasis",
                    Severity::Info,
                    cx.t_objective(o),
                    format!(
                        "{} objective{} of “{course}” support{} program outcome {label}, but the map gives the course no I/R/M mark for it.",
                        cell.evidence.len(),
                        if cell.evidence.len() == 1 { "" } else { "s" },
                        if cell.evidence.len() == 1 { "s" } else { "" }
                    ),
                    "Mark whether the course introduces, reinforces or masters the outcome.",
                ));
            }
        }
    }
    // Courses of a program that serve none of its outcomes.
    if map.outcomes.is_empty() {
        return;
    }
    for (i, c) in map.courses.iter().enumerate() {
        let serves = map.cells.iter().any(|row| row[i].declared.is_some() || !row[i].evidence.is_empty());
        let under_program = cx.ancestors(*c).iter().any(|a| cx.scope(a.id) == Scope::Program);
        if !serves
            && under_program
            && let Some(n) = cx.node(*c)
        {
            out.push(Ctx::finding(
                "C10-course-serves-no-outcome",
                Severity::Warning,
                cx.t_node(n),
                format!("Course “{}” is not mapped to any program outcome.", n.title),
                "Mark which program outcomes the course introduces, reinforces or masters.",
            ));
        }
    }
}

fn word(e: Emphasis) -> &'static str {
    match e {
        Emphasis::Introduced => "introduced",
        Emphasis::Reinforced => "reinforced",
        Emphasis::Mastered => "mastered",
    }
}

fn verb(e: Emphasis) -> &'static str {
    match e {
        Emphasis::Introduced => "introduces",
        Emphasis::Reinforced => "reinforces",
        Emphasis::Mastered => "masters",
    }
}
