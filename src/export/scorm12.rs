//! SCORM 1.2 packages: `imsmanifest.xml` (IMS CP 1.1.2 with the ADL CP 1.2 extensions) and the
//! same lesson pages as SCORM 2004, talking to the 1.2 data model (`cmi.core.lesson_status`,
//! `cmi.core.score.*` on a 0–100 scale, `cmi.objectives.n`).
//!
//! SCORM 1.2 has no sequencing: outline prerequisites become `adlcp:prerequisites` (AICC script,
//! `A&B`) and the mastery score of a scored lesson becomes `adlcp:masteryscore` (percent), which
//! the runtime reads back from `cmi.student_data.mastery_score`. When the document declares its
//! language (with `--lang`, the export's), the manifest's metadata holds an IMS Metadata 1.2.1
//! record (`imsmd:lom`) with the title and `general/language`. The plan, the pages
//! and the package writing are in `sco.rs`; this file writes the manifest.

use super::lower::ExportContext;
use super::sco::{self, Entry, EntryRef, Plan, ScoExporter, Standard};
use super::xml::XmlWriter;

/// The schema files a SCORM 1.2 package carries at its root (those its `xsi:schemaLocation`
/// names and what they include; ADL's SCORM 1.2 copies, unchanged).
const CONTROL_FILES: &[(&str, &[u8])] = &[
    ("imscp_rootv1p1p2.xsd", include_bytes!("runtime/xsd/scorm12/imscp_rootv1p1p2.xsd")),
    ("adlcp_rootv1p2.xsd", include_bytes!("runtime/xsd/scorm12/adlcp_rootv1p2.xsd")),
    ("imsmd_rootv1p2p1.xsd", include_bytes!("runtime/xsd/scorm12/imsmd_rootv1p2p1.xsd")),
    ("ims_xml.xsd", include_bytes!("runtime/xsd/scorm12/ims_xml.xsd")),
];

/// Namespace of IMS Learning Resource Meta-data 1.2.1 (XML binding), the manifest's metadata.
const IMSMD_NS: &str = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1";

/// The SCORM 1.2 exporter.
pub(crate) static EXPORTER: ScoExporter = ScoExporter {
    standard: Standard::Scorm12,
    manifest_name: "imsmanifest.xml",
    manifest,
    control_files: |_| CONTROL_FILES.to_vec(),
};

/// The SCORM 1.2 manifest.
pub(crate) fn manifest(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let org = format!("{}_org", cx.ident);
    let mut w = XmlWriter::new();
    w.start(
        "manifest",
        &[
            ("identifier", &cx.ident),
            ("version", "1.0"),
            ("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd \
http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd \
http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd",
            ),
        ],
    );
    w.start("metadata", &[]);
    w.text("schema", "ADL SCORM");
    w.text("schemaversion", "1.2");
    if let Some(lang) = sco::manifest_language(cx) {
        lom(&cx.title, lang, &mut w);
    }
    w.end();
    w.start("organizations", &[("default", &org)]);
    w.start("organization", &[("identifier", &org)]);
    w.text("title", &cx.title);
    for e in &plan.entries {
        item(cx, plan, e, &mut w);
    }
    w.end();
    w.end();
    sco::manifest_resources(cx, plan, Standard::Scorm12, &mut w);
    w.finish()
}

/// The package's IMS Metadata 1.2.1 record (`imsmd_rootv1p2p1.xsd`, which the package carries and
/// `xsi:schemaLocation` names): the title and the language, both in `lang`.
fn lom(title: &str, lang: &str, w: &mut XmlWriter) {
    w.start("imsmd:lom", &[("xmlns:imsmd", IMSMD_NS)]);
    w.start("imsmd:general", &[]);
    w.start("imsmd:title", &[]);
    w.elem("imsmd:langstring", &[("xml:lang", lang)], title);
    w.end();
    w.text("imsmd:language", lang);
    w.end();
    w.end();
}

fn item(cx: &ExportContext<'_>, plan: &Plan, entry: &Entry, w: &mut XmlWriter) {
    match entry {
        Entry::Cluster { node, ident, title, children } => {
            w.start("item", &[("identifier", ident)]);
            w.text("title", title);
            for c in children {
                item(cx, plan, c, w);
            }
            prerequisites(cx, plan, EntryRef::Cluster(*node), &[*node], w);
            w.end();
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            w.start("item", &[("identifier", &sco.ident), ("identifierref", &sco.resource)]);
            w.text("title", &sco.title);
            if matches!(sco.part, sco::Part::Whole | sco::Part::Subtree) {
                prerequisites(cx, plan, EntryRef::Sco(*s), &sco.nodes, w);
            }
            if let Some(m) = sco.mastery {
                // adlcp:masteryscore is a percentage (0–100).
                w.text("adlcp:masteryscore", &sco::fmt_num(m * 100.0));
            }
            w.end();
        }
    }
}

fn entry_ident(plan: &Plan, cx: &ExportContext<'_>, e: EntryRef) -> String {
    match e {
        EntryRef::Cluster(n) => cx.nodes[n].ident.clone(),
        EntryRef::Sco(s) => plan.scos[s].ident.clone(),
    }
}

fn prerequisites(cx: &ExportContext<'_>, plan: &Plan, me: EntryRef, nodes: &[usize], w: &mut XmlWriter) {
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
        w.elem("adlcp:prerequisites", &[("type", "aicc_script")], &refs.join("&"));
    }
}
