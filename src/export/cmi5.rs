//! cmi5 packages: `cmi5.xml` (course structure, Quartz) plus one lesson page per AU.
//!
//! Blocks are the outline's nodes with children (units), AUs are the launchable lessons of the
//! plan in `sco.rs`. The curriculum objectives a course uses are declared once at course level
//! (`urn:trellis:objective:<uuid>`) and referenced from the blocks and AUs aligned to them. An AU
//! with a scored quiz moves on when completed *and* passed, with its mastery score from the
//! design; other AUs move on when completed. The AU runtime (`runtime/cmi5.js`) implements the
//! cmi5 launch sequence and statements.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::lower::{ExportContext, escape_attr};
use super::sco::{self, Entry, Plan, Standard};
use super::scorm2004::{measure, objective_target};
use super::{ExportFormat, ExportReport, Exporter, PackageWriter, Progress};
use crate::{Error, Result, markdown};

/// The cmi5 exporter.
pub(crate) struct Cmi5Exporter;

impl Exporter for Cmi5Exporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Cmi5
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let plan = Plan::new(cx, sco::granularity(cx), sco::default_mastery(cx));
        if plan.scos.is_empty() {
            return Err(Error::Refused(
                "cmi5 export needs at least one outline node to turn into an AU".into(),
            ));
        }
        let shared = sco::shared_files(cx, Standard::Cmi5);
        let total = (plan.scos.len() + shared.len() + 1) as u64;
        let mut done = 0u64;
        let mut report = ExportReport { files: Vec::new(), findings: sco::plan_findings(cx, &plan, "cmi5") };
        out.add("cmi5.xml", course_structure(cx, &plan).as_bytes())?;
        done += 1;
        progress(Progress { done, total, message: "cmi5.xml".into() });
        for (path, bytes) in &shared {
            out.add(path, bytes)?;
            done += 1;
            progress(Progress { done, total, message: path.clone() });
        }
        for s in &plan.scos {
            let page = sco::render_page(cx, s, Standard::Cmi5);
            out.add(&s.href, page.html.as_bytes())?;
            report.findings.extend(page.findings);
            done += 1;
            progress(Progress { done, total, message: s.href.clone() });
        }
        Ok(report)
    }
}

/// The AU id of a lesson.
pub(crate) fn au_id(cx: &ExportContext<'_>, s: &sco::Sco) -> String {
    let id = cx.nodes[s.node].node.id;
    match s.part {
        sco::Part::Whole | sco::Part::Subtree => format!("urn:trellis:au:{id}"),
        sco::Part::Overview => format!("urn:trellis:au:{id}:overview"),
        sco::Part::Assessments => format!("urn:trellis:au:{id}:assessment"),
    }
}

fn langstring(cx: &ExportContext<'_>, text: &str, pad: &str) -> String {
    format!("{pad}  <langstring lang=\"{}\">{}</langstring>\n", escape_attr(&cx.language), escape_attr(text))
}

fn text_element(cx: &ExportContext<'_>, name: &str, text: &str, pad: &str) -> String {
    format!("{pad}<{name}>\n{}{pad}</{name}>\n", langstring(cx, text, pad))
}

/// The course structure.
pub(crate) fn course_structure(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n");
    let _ = writeln!(x, "  <course id=\"urn:trellis:course:{}\">", cx.doc.curriculum.id);
    x.push_str(&text_element(cx, "title", &cx.title, "    "));
    x.push_str(&text_element(cx, "description", &or_title(&cx.description_text, &cx.title), "    "));
    x.push_str("  </course>\n");

    let used: BTreeSet<usize> = plan.scos.iter().flat_map(|s| s.objectives.iter().copied()).collect();
    if !used.is_empty() {
        x.push_str("  <objectives>\n");
        for &o in &used {
            let ov = &cx.objectives[o];
            let _ = writeln!(x, "    <objective id=\"{}\">", objective_target(cx, o));
            x.push_str(&text_element(cx, "title", &ov.label, "      "));
            x.push_str(&text_element(cx, "description", ov.objective.statement.trim(), "      "));
            x.push_str("    </objective>\n");
        }
        x.push_str("  </objectives>\n");
    }
    for e in &plan.entries {
        entry(cx, plan, e, 1, &mut x);
    }
    x.push_str("</courseStructure>\n");
    x
}

fn or_title(text: &str, title: &str) -> String {
    if text.trim().is_empty() { title.to_owned() } else { text.trim().to_owned() }
}

fn objectives_ref(cx: &ExportContext<'_>, objectives: &BTreeSet<usize>, pad: &str, x: &mut String) {
    if objectives.is_empty() {
        return;
    }
    let _ = writeln!(x, "{pad}<objectives>");
    for &o in objectives {
        let _ = writeln!(x, "{pad}  <objective idref=\"{}\"/>", objective_target(cx, o));
    }
    let _ = writeln!(x, "{pad}</objectives>");
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

fn entry(cx: &ExportContext<'_>, plan: &Plan, e: &Entry, depth: usize, x: &mut String) {
    let pad = "  ".repeat(depth);
    match e {
        Entry::Cluster { node, title, children, .. } => {
            let view = &cx.nodes[*node];
            let _ = writeln!(x, "{pad}<block id=\"urn:trellis:block:{}\">", view.node.id);
            x.push_str(&text_element(cx, "title", title, &format!("{pad}  ")));
            let summary = markdown::to_plain_text(&view.node.summary);
            x.push_str(&text_element(cx, "description", &or_title(&summary, title), &format!("{pad}  ")));
            let mut objectives: BTreeSet<usize> = view.objectives.iter().copied().collect();
            subtree_objectives(plan, e, &mut objectives);
            objectives_ref(cx, &objectives, &format!("{pad}  "), x);
            for c in children {
                entry(cx, plan, c, depth + 1, x);
            }
            let _ = writeln!(x, "{pad}</block>");
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            let view = &cx.nodes[sco.node];
            let attrs = match sco.mastery {
                Some(m) => format!(" moveOn=\"CompletedAndPassed\" masteryScore=\"{}\"", measure(m)),
                None => " moveOn=\"Completed\"".to_owned(),
            };
            let _ = writeln!(x, "{pad}<au id=\"{}\"{attrs} launchMethod=\"AnyWindow\">", au_id(cx, sco));
            x.push_str(&text_element(cx, "title", &sco.title, &format!("{pad}  ")));
            let summary = markdown::to_plain_text(&view.node.summary);
            x.push_str(&text_element(
                cx,
                "description",
                &or_title(&summary, &sco.title),
                &format!("{pad}  "),
            ));
            let objectives: BTreeSet<usize> = sco.objectives.iter().copied().collect();
            objectives_ref(cx, &objectives, &format!("{pad}  "), x);
            let _ = writeln!(x, "{pad}  <url>{}</url>", escape_attr(&sco.href));
            let _ = writeln!(x, "{pad}</au>");
        }
    }
}
