//! Curriculum analysis: the checks a curriculum committee runs, as pure functions over a
//! [`Document`] that return [`Finding`]s, the review views built from the same analysis, the
//! Quality-Matters-style checklist, the semantic diff between two versions and the
//! self-contained HTML review packet.
//!
//! - [`alignment`]: constructive alignment A1–A11 and Quality Matters 2.1/2.2 (objectives exist
//!   and roll up), including level comparisons and the vertical roll-up lesson → unit → course
//!   → program;
//! - [`sequencing`]: prerequisite cycles, prerequisites placed after their dependants, level
//!   jumps and inversions, redundant prerequisites;
//! - [`workload`]: student hours per node and per week against the credit system;
//! - [`coverage`]: standards coverage and the program-outcome curriculum map (I/R/M);
//! - [`rubric`]: criteria aligned, descriptors for every level, ordered points;
//! - [`template_checks`]: the `[[checks]]` the document's template declares for itself;
//! - [`pathways`]: mastery pathways (remediation levels, loops, unassessed routes) and the
//!   spaced-review plan ([`spaced`] computes it);
//! - [`accessibility`]: WCAG 2.2 AA checks of every learner-facing text (AX1–AX11, Quality
//!   Matters 8);
//! - [`checklist`], [`views`], [`diff`], [`report`]: what committees read.
//!
//! Every finding code is documented in `docs/findings.md`. Objective wording (measurable
//! verbs, ABCD parts) is the pedagogy engine's job ([`crate::pedagogy`]); [`check`] includes
//! its findings so callers get one list.
//!
//! The document's template is an input: callers pass a [`Catalog`] (built-in plus the user's
//! templates, `Catalog::load(templates::user_dir())` in the CLI and the desktop app) and the
//! analysis, the objective lint and the checklist all use the template it resolves. This module
//! never touches the store, the file system or the clock, except [`pdf`], which drives an
//! installed browser to print a packet.

use crate::finding::{Finding, Severity};
use crate::model::Document;
use crate::pedagogy::templates::Catalog;

pub mod accessibility;
pub mod alignment;
pub mod checklist;
mod context;
pub mod coverage;
pub mod diff;
mod html;
pub mod pathways;
pub mod pdf;
pub mod report;
pub mod rubric;
pub mod sequencing;
pub mod spaced;
mod svg;
pub mod template_checks;
pub mod views;
pub mod workload;

pub(crate) use context::{Ctx, effective_item_objectives};

/// The scope of an outline node, derived from its (template-defined) kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// A program (degree, certificate): holds program outcomes.
    Program,
    /// A course: holds course outcomes.
    Course,
    /// A unit or module inside a course.
    Unit,
    /// A lesson or session.
    Lesson,
}

impl Scope {
    /// The scope of a node kind. Kinds a template invents (`phase`, `block`, …) that are not
    /// recognised take the scope one below their parent's (top level: course).
    pub fn of_kind(kind: &str, parent: Option<Scope>) -> Scope {
        match kind.trim().to_ascii_lowercase().as_str() {
            "program" | "programme" | "degree" | "certificate" | "curriculum" => Scope::Program,
            "course" | "subject" => Scope::Course,
            "unit" | "module" | "week" | "topic" | "chapter" | "section" | "block" | "theme" => Scope::Unit,
            "lesson" | "session" | "class" | "meeting" | "lecture" | "seminar" | "lab" => Scope::Lesson,
            _ => match parent {
                None | Some(Scope::Program) => Scope::Course,
                Some(Scope::Course) => Scope::Unit,
                Some(Scope::Unit | Scope::Lesson) => Scope::Lesson,
            },
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Program => "program",
            Scope::Course => "course",
            Scope::Unit => "unit",
            Scope::Lesson => "lesson",
        }
    }
}

/// Runs every check on a document and returns the findings sorted deterministically: most
/// severe first, then in outline order, then by code.
///
/// The list includes the objective-wording findings of [`crate::pedagogy::lint_document`]
/// (codes `O…`), the checks declared by the document's template ([`template_checks`]; codes
/// such as `UBD…`, `BCM…`, or a user template's own) and the accessibility checks
/// ([`accessibility`], codes `AX…`), so that callers get one list. The
/// template is the one `templates` resolves for the document's id (`Curriculum::template`): a
/// user template when the catalog was loaded with the user's folder.
pub fn check(doc: &Document, templates: &Catalog) -> Vec<Finding> {
    let cx = Ctx::new(doc);
    let template = templates.template_of(doc);
    let mut out = crate::pedagogy::lint_document(doc, template);
    if let Some(t) = template {
        out.extend(template_checks::run(t, doc));
    }
    out.extend(alignment::run(&cx));
    out.extend(sequencing::run(&cx));
    out.extend(workload::run(&cx));
    out.extend(coverage::run(&cx));
    out.extend(rubric::run(&cx));
    out.extend(pathways::run(&cx));
    out.extend(accessibility::check(doc));
    sort_with(&cx, &mut out);
    out
}

/// The evidence findings (codes `E…`, [`crate::evidence::analysis::findings`]) of a document
/// whose evidence is `evidence`, with the default analysis options; empty when there are no
/// results.
pub fn evidence_findings(doc: &Document, evidence: &crate::evidence::Evidence) -> Vec<Finding> {
    if evidence.results.is_empty() {
        return Vec::new();
    }
    let report = crate::evidence::mastery::compute(doc, evidence);
    let analysis = crate::evidence::analysis::analyse(
        doc,
        evidence,
        &report,
        crate::evidence::analysis::Options::default(),
    );
    crate::evidence::analysis::findings(doc, &analysis)
}

/// [`check`] plus the evidence findings of `evidence` ([`evidence_findings`]), sorted together:
/// what `trellis check` reports for a document that holds evidence of learning.
pub fn check_with_evidence(
    doc: &Document,
    templates: &Catalog,
    evidence: &crate::evidence::Evidence,
) -> Vec<Finding> {
    let mut out = check(doc, templates);
    out.extend(evidence_findings(doc, evidence));
    sort_findings(doc, &mut out);
    out
}

/// Counts of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SeverityCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

impl SeverityCounts {
    /// Counts a list of findings.
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = SeverityCounts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }
}

/// Sorts findings: severity (error first), then the outline position of the target, then code
/// and message, so the same document always yields the same list.
pub fn sort_findings(doc: &Document, findings: &mut [Finding]) {
    sort_with(&Ctx::new(doc), findings);
}

fn sort_with(cx: &Ctx, findings: &mut [Finding]) {
    let order = outline_order(cx);
    findings.sort_by_cached_key(|f| {
        let pos = f
            .target
            .id
            .as_deref()
            .and_then(|id| uuid::Uuid::parse_str(id).ok())
            .and_then(|id| order.get(&id).copied())
            .unwrap_or((usize::MAX, 0, 0, 0));
        (std::cmp::Reverse(f.severity), pos, f.code.clone(), f.message.clone())
    });
}

/// Position of every entity id in the outline: the curriculum first, then each node followed
/// by its objectives, activities, assessments (and their items); rubrics sit with the first
/// assessment that uses them; framework items come last.
fn outline_order(cx: &Ctx) -> context::IdMap<uuid::Uuid, (usize, u8, usize, usize)> {
    let doc = cx.doc;
    let mut out = context::IdMap::default();
    out.insert(doc.curriculum.id.0, (0, 0, 0, 0));
    for n in &doc.nodes {
        out.insert(n.id.0, (cx.rank(n.id).saturating_add(1), 0, 0, 0));
    }
    let node_pos = |id| cx.rank(id).saturating_add(1);
    for (i, o) in doc.objectives.iter().enumerate() {
        out.insert(o.id.0, (node_pos(o.node), 1, i, 0));
    }
    for (i, a) in doc.activities.iter().enumerate() {
        out.insert(a.id.0, (node_pos(a.node), 2, i, 0));
    }
    let last = doc.nodes.len() + 2;
    for (i, a) in doc.assessments.iter().enumerate() {
        out.insert(a.id.0, (node_pos(a.node), 3, i, 0));
        for (j, item) in a.items.iter().enumerate() {
            out.insert(item.id.0, (node_pos(a.node), 3, i, j + 1));
        }
        if let Some(r) = a.rubric {
            let key = r.0;
            if !out.contains_key(&key)
                && let Some(rubric) = cx.rubric(r)
            {
                out.insert(key, (node_pos(a.node), 4, i, 0));
                for (j, c) in rubric.criteria.iter().enumerate() {
                    out.insert(c.id.0, (node_pos(a.node), 4, i, j + 1));
                }
            }
        }
    }
    for (i, r) in doc.rubrics.iter().enumerate() {
        out.entry(r.id.0).or_insert((last, 4, i, 0));
        for (j, c) in r.criteria.iter().enumerate() {
            out.entry(c.id.0).or_insert((last, 4, i, j + 1));
        }
    }
    for (i, f) in doc.frameworks.iter().enumerate() {
        out.insert(f.id.0, (last + 1, 0, i, 0));
    }
    for (i, s) in doc.standard_items.iter().enumerate() {
        out.insert(s.id.0, (last + 1, 1, i, 0));
    }
    out
}
