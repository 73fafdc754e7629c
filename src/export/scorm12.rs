//! SCORM 1.2 packages: `imsmanifest.xml` (IMS CP 1.1.2 with the ADL CP 1.2 extensions) and the
//! same lesson pages as SCORM 2004, talking to the 1.2 data model (`cmi.core.lesson_status`,
//! `cmi.core.score.*` on a 0–100 scale, `cmi.objectives.n`).
//!
//! SCORM 1.2 has no sequencing: outline prerequisites become `adlcp:prerequisites` (AICC script,
//! `A&B`) and the mastery score of a scored lesson becomes `adlcp:masteryscore` (percent), which
//! the runtime reads back from `cmi.student_data.mastery_score`. Page rendering is in `sco.rs`.

use std::fmt::Write as _;

use super::lower::{ExportContext, escape_attr};
use super::sco::{self, Entry, EntryRef, Plan, Standard};
use super::scorm2004::{shared_resource, write_package};
use super::{ExportFormat, ExportReport, Exporter, PackageWriter, Progress};
use crate::{Error, Result};

/// The schema files a SCORM 1.2 package carries at its root (those its `xsi:schemaLocation`
/// names and what they include; ADL's SCORM 1.2 copies, unchanged).
const CONTROL_FILES: &[(&str, &[u8])] = &[
    ("imscp_rootv1p1p2.xsd", include_bytes!("runtime/xsd/scorm12/imscp_rootv1p1p2.xsd")),
    ("adlcp_rootv1p2.xsd", include_bytes!("runtime/xsd/scorm12/adlcp_rootv1p2.xsd")),
    ("imsmd_rootv1p2p1.xsd", include_bytes!("runtime/xsd/scorm12/imsmd_rootv1p2p1.xsd")),
    ("ims_xml.xsd", include_bytes!("runtime/xsd/scorm12/ims_xml.xsd")),
];

/// The SCORM 1.2 exporter.
pub(crate) struct Scorm12Exporter;

impl Exporter for Scorm12Exporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Scorm12
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
                "SCORM 1.2 export needs at least one outline node to turn into a lesson".into(),
            ));
        }
        write_package(cx, &plan, Standard::Scorm12, manifest(cx, &plan), CONTROL_FILES, out, progress)
    }
}

/// The SCORM 1.2 manifest.
pub(crate) fn manifest(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let org = format!("{}_org", cx.ident);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<manifest identifier=\"{}\" version=\"1.0\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\" \
xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd \
http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd \
http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd\">",
        cx.ident
    );
    x.push_str("  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n");
    let _ = writeln!(x, "  <organizations default=\"{org}\">\n    <organization identifier=\"{org}\">");
    let _ = writeln!(x, "      <title>{}</title>", escape_attr(&cx.title));
    for e in &plan.entries {
        item(cx, plan, e, 3, &mut x);
    }
    x.push_str("    </organization>\n  </organizations>\n  <resources>\n");
    let shared = shared_resource(cx);
    for s in &plan.scos {
        let _ = writeln!(
            x,
            "    <resource identifier=\"{}\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"{}\">\n      <file href=\"{}\"/>\n      <dependency identifierref=\"{shared}\"/>\n    </resource>",
            s.resource,
            escape_attr(&s.href),
            escape_attr(&s.href)
        );
    }
    let _ =
        writeln!(x, "    <resource identifier=\"{shared}\" type=\"webcontent\" adlcp:scormtype=\"asset\">");
    for (path, _) in sco::shared_files(cx, Standard::Scorm12) {
        let _ = writeln!(x, "      <file href=\"{}\"/>", escape_attr(&path));
    }
    x.push_str("    </resource>\n  </resources>\n</manifest>\n");
    x
}

fn item(cx: &ExportContext<'_>, plan: &Plan, entry: &Entry, depth: usize, x: &mut String) {
    let pad = "  ".repeat(depth);
    match entry {
        Entry::Cluster { node, ident, title, children } => {
            let _ = writeln!(
                x,
                "{pad}<item identifier=\"{ident}\">\n{pad}  <title>{}</title>",
                escape_attr(title)
            );
            for c in children {
                item(cx, plan, c, depth + 1, x);
            }
            prerequisites(cx, plan, EntryRef::Cluster(*node), &[*node], &pad, x);
            let _ = writeln!(x, "{pad}</item>");
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            let _ = writeln!(
                x,
                "{pad}<item identifier=\"{}\" identifierref=\"{}\">\n{pad}  <title>{}</title>",
                sco.ident,
                sco.resource,
                escape_attr(&sco.title)
            );
            if matches!(sco.part, sco::Part::Whole | sco::Part::Subtree) {
                prerequisites(cx, plan, EntryRef::Sco(*s), &sco.nodes, &pad, x);
            }
            if let Some(m) = sco.mastery {
                // adlcp:masteryscore is a percentage (0–100).
                let _ = writeln!(
                    x,
                    "{pad}  <adlcp:masteryscore>{}</adlcp:masteryscore>",
                    sco::fmt_num(m * 100.0)
                );
            }
            let _ = writeln!(x, "{pad}</item>");
        }
    }
}

fn entry_ident(plan: &Plan, cx: &ExportContext<'_>, e: EntryRef) -> String {
    match e {
        EntryRef::Cluster(n) => cx.nodes[n].ident.clone(),
        EntryRef::Sco(s) => plan.scos[s].ident.clone(),
    }
}

fn prerequisites(
    cx: &ExportContext<'_>,
    plan: &Plan,
    me: EntryRef,
    nodes: &[usize],
    pad: &str,
    x: &mut String,
) {
    let mut refs: Vec<String> = Vec::new();
    for &n in nodes {
        for p in &cx.nodes[n].node.prerequisites {
            if let Some(target) = cx.node_index(*p).and_then(|i| plan.entry_for_node(i))
                && target != me
            {
                let id = entry_ident(plan, cx, target);
                if !refs.contains(&id) {
                    refs.push(id);
                }
            }
        }
    }
    if !refs.is_empty() {
        let _ = writeln!(
            x,
            "{pad}  <adlcp:prerequisites type=\"aicc_script\">{}</adlcp:prerequisites>",
            escape_attr(&refs.join("&"))
        );
    }
}
