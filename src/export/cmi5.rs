//! cmi5 packages: `cmi5.xml` (course structure, Quartz) plus one lesson page per AU.
//!
//! Blocks are the outline's nodes with children (units), AUs are the launchable lessons of the
//! plan in `sco.rs`. The curriculum objectives a course uses are declared once at course level
//! (`urn:trellis:objective:<uuid>`) and referenced from the blocks and AUs aligned to them. An AU
//! with a scored quiz moves on when completed *and* passed, with its mastery score from the
//! design; other AUs move on when completed. A lesson on a mastery pathway is an AU with
//! `moveOn="NotApplicable"` inside a block of its own that says whom it is for: cmi5 has no
//! conditional delivery, so the LMS lists remediations and enrichments for every learner, and
//! `NotApplicable` keeps them from blocking the course (lessons inside a unit on a pathway
//! likewise). The AU runtime (`runtime/cmi5.js`) implements the
//! cmi5 launch sequence and statements.

use std::collections::BTreeSet;

use super::lower::ExportContext;
use super::sco::{self, Entry, Plan, ScoExporter, Standard, objective_target};
use super::xml::XmlWriter;
use crate::markdown;

/// The cmi5 exporter: `cmi5.xml` and no schema files.
pub(crate) static EXPORTER: ScoExporter = ScoExporter {
    standard: Standard::Cmi5,
    manifest_name: "cmi5.xml",
    manifest: course_structure,
    control_files: |_| Vec::new(),
};

/// The AU id of a lesson.
pub(crate) fn au_id(cx: &ExportContext<'_>, s: &sco::Sco) -> String {
    let id = cx.nodes[s.node].node.id;
    match s.part {
        sco::Part::Whole | sco::Part::Subtree => format!("urn:trellis:au:{id}"),
        sco::Part::Overview => format!("urn:trellis:au:{id}:overview"),
        sco::Part::Assessments => format!("urn:trellis:au:{id}:assessment"),
    }
}

/// `<name><langstring lang="…">text</langstring></name>` (an empty text keeps its end tag).
fn text_element(cx: &ExportContext<'_>, name: &str, text: &str, w: &mut XmlWriter) {
    w.start(name, &[]);
    let lang = [("lang", cx.language.as_str())];
    if text.is_empty() {
        w.start("langstring", &lang).end();
    } else {
        w.elem("langstring", &lang, text);
    }
    w.end();
}

/// The course structure.
pub(crate) fn course_structure(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let mut w = XmlWriter::new();
    w.start("courseStructure", &[("xmlns", "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd")]);
    w.start("course", &[("id", &format!("urn:trellis:course:{}", cx.doc.curriculum.id))]);
    text_element(cx, "title", &cx.title, &mut w);
    text_element(cx, "description", &or_title(&cx.description_text, &cx.title), &mut w);
    w.end();

    let used: BTreeSet<usize> = plan.scos.iter().flat_map(|s| s.objectives.iter().copied()).collect();
    if !used.is_empty() {
        w.start("objectives", &[]);
        for &o in &used {
            let ov = &cx.objectives[o];
            w.start("objective", &[("id", &objective_target(cx, o))]);
            text_element(cx, "title", &ov.label, &mut w);
            text_element(cx, "description", ov.objective.statement.trim(), &mut w);
            w.end();
        }
        w.end();
    }
    for e in &plan.entries {
        entry(cx, plan, e, &mut w);
    }
    w.finish()
}

fn or_title(text: &str, title: &str) -> String {
    if text.trim().is_empty() { title.to_owned() } else { text.trim().to_owned() }
}

fn objectives_ref(cx: &ExportContext<'_>, objectives: &BTreeSet<usize>, w: &mut XmlWriter) {
    if objectives.is_empty() {
        return;
    }
    w.start("objectives", &[]);
    for &o in objectives {
        w.empty("objective", &[("idref", &objective_target(cx, o))]);
    }
    w.end();
}

fn subtree_objectives(plan: &Plan, e: &Entry, out: &mut BTreeSet<usize>) {
    match e {
        Entry::Sco(s) => out.extend(plan.scos[*s].objectives.iter().copied()),
        Entry::Cluster { children, .. } => {
            for c in children {
                subtree_objectives(plan, c, out);
            }
        }
    }
}

fn entry(cx: &ExportContext<'_>, plan: &Plan, e: &Entry, w: &mut XmlWriter) {
    match e {
        Entry::Cluster { node, title, children, .. } => {
            let view = &cx.nodes[*node];
            w.start("block", &[("id", &format!("urn:trellis:block:{}", view.node.id))]);
            text_element(cx, "title", title, w);
            let summary = markdown::to_plain_text(&view.node.summary);
            text_element(cx, "description", &or_title(&summary, title), w);
            let mut objectives: BTreeSet<usize> = view.objectives.iter().copied().collect();
            subtree_objectives(plan, e, &mut objectives);
            objectives_ref(cx, &objectives, w);
            for c in children {
                entry(cx, plan, c, w);
            }
            w.end();
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            let view = &cx.nodes[sco.node];
            let id = au_id(cx, sco);
            let mastery = sco.mastery.map(sco::measure);
            let own_pathway = match sco.part {
                sco::Part::Whole | sco::Part::Subtree => view.node.pathway.as_ref(),
                sco::Part::Overview | sco::Part::Assessments => None,
            };
            if let Some(p) = own_pathway {
                pathway_block_start(cx, view.node.id, &sco.title, p, w);
            }
            let detour = on_pathway(cx, sco.node);
            let attrs: Vec<(&str, &str)> = match &mastery {
                _ if detour => vec![("id", &id), ("moveOn", "NotApplicable"), ("launchMethod", "AnyWindow")],
                Some(m) => vec![
                    ("id", &id),
                    ("moveOn", "CompletedAndPassed"),
                    ("masteryScore", m),
                    ("launchMethod", "AnyWindow"),
                ],
                None => vec![("id", &id), ("moveOn", "Completed"), ("launchMethod", "AnyWindow")],
            };
            w.start("au", &attrs);
            text_element(cx, "title", &sco.title, w);
            let summary = markdown::to_plain_text(&view.node.summary);
            text_element(cx, "description", &or_title(&summary, &sco.title), w);
            let objectives: BTreeSet<usize> = sco.objectives.iter().copied().collect();
            objectives_ref(cx, &objectives, w);
            w.text("url", &sco.href);
            w.end();
            if own_pathway.is_some() {
                w.end();
            }
        }
    }
}

/// Whether a lesson is on a mastery pathway: its node or one of its ancestors has one.
fn on_pathway(cx: &ExportContext<'_>, node: usize) -> bool {
    let mut at = Some(node);
    while let Some(n) = at {
        if cx.nodes[n].node.pathway.is_some() {
            return true;
        }
        at = cx.nodes[n].parent;
    }
    false
}

/// Opens the block that wraps a pathway lesson and says whom it is for.
fn pathway_block_start(
    cx: &ExportContext<'_>,
    node: crate::model::NodeId,
    title: &str,
    p: &crate::model::Pathway,
    w: &mut XmlWriter,
) {
    let labels: Vec<String> = p
        .objectives
        .iter()
        .filter_map(|o| cx.objective_index(*o))
        .map(|o| cx.objectives[o].label.clone())
        .collect();
    let (block_title, description) = match p.role {
        crate::model::PathwayRole::Remediation => (
            format!("Review: {title}"),
            format!(
                "For learners who have not yet reached {}. Optional: it does not count towards completing the course.",
                or_list(&labels)
            ),
        ),
        crate::model::PathwayRole::Enrichment => (
            format!("Go further: {title}"),
            format!(
                "For learners who have reached {}. Optional: it does not count towards completing the course.",
                or_list(&labels)
            ),
        ),
    };
    w.start("block", &[("id", &format!("urn:trellis:pathway:{node}"))]);
    text_element(cx, "title", &block_title, w);
    text_element(cx, "description", &description, w);
}

fn or_list(labels: &[String]) -> String {
    if labels.is_empty() { "the lesson's objectives".to_owned() } else { labels.join(", ") }
}
