//! SCORM 2004 4th edition packages: `imsmanifest.xml` (IMS CP 1.1.4 with the ADL CP, ADL
//! sequencing/navigation and IMS Simple Sequencing namespaces) plus one lesson page per SCO.
//!
//! The organization is the outline ([`super::sco::Plan`]). Every SCO declares its sequencing:
//! a primary objective (satisfied by measure against the mastery score when the lesson has a
//! scored quiz) and one objective per aligned curriculum objective, each mapped to a global
//! objective (`urn:trellis:objective:<uuid>`) so that mastery of an objective reached in one SCO
//! is shared with every other SCO aligned to it. Outline prerequisites become precondition rules:
//! the dependent item is disabled until the prerequisite's primary objective — written to the
//! global `urn:trellis:node:<uuid>` — is satisfied. Clusters allow choice and flow and roll up
//! satisfaction, completion and measure. Page rendering and the runtime live in `sco.rs`.

use std::fmt::Write as _;

use super::lower::{ExportContext, escape_attr};
use super::sco::{self, Entry, EntryRef, Plan, Standard};
use super::{ExportFormat, ExportReport, Exporter, PackageWriter, Progress};
use crate::{Error, Result};

/// The schema files (control documents) a SCORM 2004 package carries at its root, as ADL's
/// conformance test suite expects: those the manifest's `xsi:schemaLocation` names and what they
/// include (ADL's SCORM 2004 4th edition copies, unchanged).
const CONTROL_FILES: &[(&str, &[u8])] = &[
    ("imscp_v1p1.xsd", include_bytes!("runtime/xsd/scorm2004/imscp_v1p1.xsd")),
    ("adlcp_v1p3.xsd", include_bytes!("runtime/xsd/scorm2004/adlcp_v1p3.xsd")),
    ("adlseq_v1p3.xsd", include_bytes!("runtime/xsd/scorm2004/adlseq_v1p3.xsd")),
    ("adlnav_v1p3.xsd", include_bytes!("runtime/xsd/scorm2004/adlnav_v1p3.xsd")),
    ("imsss_v1p0.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0.xsd")),
    ("imsss_v1p0auxresource.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0auxresource.xsd")),
    ("imsss_v1p0control.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0control.xsd")),
    ("imsss_v1p0delivery.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0delivery.xsd")),
    ("imsss_v1p0limit.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0limit.xsd")),
    ("imsss_v1p0objective.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0objective.xsd")),
    ("imsss_v1p0random.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0random.xsd")),
    ("imsss_v1p0rollup.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0rollup.xsd")),
    ("imsss_v1p0seqrule.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0seqrule.xsd")),
    ("imsss_v1p0util.xsd", include_bytes!("runtime/xsd/scorm2004/imsss_v1p0util.xsd")),
    ("xml.xsd", include_bytes!("runtime/xsd/scorm2004/xml.xsd")),
];

/// The SCORM 2004 4th edition exporter.
pub(crate) struct Scorm2004Exporter;

impl Exporter for Scorm2004Exporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Scorm2004
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
                "SCORM 2004 export needs at least one outline node to turn into a lesson".into(),
            ));
        }
        write_package(cx, &plan, Standard::Scorm2004, manifest(cx, &plan), CONTROL_FILES, out, progress)
    }
}

/// Writes the manifest, its schema files, the runtime, the assets and one page per SCO (shared
/// with SCORM 1.2).
pub(crate) fn write_package(
    cx: &ExportContext<'_>,
    plan: &Plan,
    standard: Standard,
    manifest: String,
    control: &[(&str, &[u8])],
    out: &mut dyn PackageWriter,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let shared = sco::shared_files(cx, standard);
    let total = (plan.scos.len() + shared.len() + control.len() + 1) as u64;
    let mut done = 0u64;
    let label = match standard {
        Standard::Scorm12 => "SCORM 1.2",
        _ => "SCORM 2004",
    };
    let mut report = ExportReport { files: Vec::new(), findings: sco::plan_findings(cx, plan, label) };
    let step = |done: &mut u64, message: &str, progress: &mut dyn FnMut(Progress)| {
        *done += 1;
        progress(Progress { done: *done, total, message: message.to_owned() });
    };
    out.add("imsmanifest.xml", manifest.as_bytes())?;
    step(&mut done, "imsmanifest.xml", progress);
    for (path, bytes) in control {
        out.add(path, bytes)?;
        step(&mut done, path, progress);
    }
    for (path, bytes) in &shared {
        out.add(path, bytes)?;
        step(&mut done, path, progress);
    }
    for s in &plan.scos {
        let page = sco::render_page(cx, s, standard);
        out.add(&s.href, page.html.as_bytes())?;
        report.findings.extend(page.findings);
        step(&mut done, &s.href, progress);
    }
    Ok(report)
}

/// Identifier of the resource holding the runtime and the assets.
pub(crate) fn shared_resource(cx: &ExportContext<'_>) -> String {
    format!("{}_shared", cx.ident)
}

/// Global objective of an outline node's satisfaction (prerequisites read it).
fn node_target(cx: &ExportContext<'_>, node: usize) -> String {
    format!("urn:trellis:node:{}", cx.nodes[node].node.id)
}

/// Global objective of a curriculum objective.
pub(crate) fn objective_target(cx: &ExportContext<'_>, objective: usize) -> String {
    format!("urn:trellis:objective:{}", cx.objectives[objective].objective.id)
}

/// The SCORM 2004 manifest.
pub(crate) fn manifest(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let org = format!("{}_org", cx.ident);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<manifest identifier=\"{}\" version=\"1\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" \
xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\" xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\" \
xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\" xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd \
http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd \
http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd \
http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd \
http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd\">",
        cx.ident
    );
    x.push_str(
        "  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>2004 4th Edition</schemaversion>\n  </metadata>\n",
    );
    let _ = writeln!(x, "  <organizations default=\"{org}\">");
    // Global objectives belong to this course only, so two courses never share mastery by accident.
    let _ = writeln!(
        x,
        "    <organization identifier=\"{org}\" structure=\"hierarchical\" adlseq:objectivesGlobalToSystem=\"false\">"
    );
    let _ = writeln!(x, "      <title>{}</title>", escape_attr(&cx.title));
    let targets = prerequisite_targets(cx, plan);
    for e in &plan.entries {
        item(cx, plan, e, &targets, 3, &mut x);
    }
    x.push_str(
        "      <imsss:sequencing>\n        <imsss:controlMode choice=\"true\" flow=\"true\"/>\n      </imsss:sequencing>\n",
    );
    x.push_str("    </organization>\n  </organizations>\n  <resources>\n");
    let shared = shared_resource(cx);
    for s in &plan.scos {
        let _ = writeln!(
            x,
            "    <resource identifier=\"{}\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"{}\">\n      <file href=\"{}\"/>\n      <dependency identifierref=\"{shared}\"/>\n    </resource>",
            s.resource,
            escape_attr(&s.href),
            escape_attr(&s.href)
        );
    }
    let _ =
        writeln!(x, "    <resource identifier=\"{shared}\" type=\"webcontent\" adlcp:scormType=\"asset\">");
    for (path, _) in sco::shared_files(cx, Standard::Scorm2004) {
        let _ = writeln!(x, "      <file href=\"{}\"/>", escape_attr(&path));
    }
    x.push_str("    </resource>\n  </resources>\n</manifest>\n");
    x
}

/// Nodes that some other node names as a prerequisite: their entries write their satisfaction
/// to a global objective.
fn prerequisite_targets(cx: &ExportContext<'_>, plan: &Plan) -> Vec<EntryRef> {
    let mut out: Vec<EntryRef> = Vec::new();
    for view in &cx.nodes {
        for p in &view.node.prerequisites {
            if let Some(target) = cx.node_index(*p).and_then(|i| plan.entry_for_node(i))
                && !out.contains(&target)
            {
                out.push(target);
            }
        }
    }
    out.sort();
    out
}

/// The node whose satisfaction an entry writes (the cluster's node, or the SCO's node).
fn entry_node(plan: &Plan, e: EntryRef) -> usize {
    match e {
        EntryRef::Cluster(n) => n,
        EntryRef::Sco(s) => plan.scos[s].node,
    }
}

/// Prerequisite entries of an entry, resolved to the entries standing for them (deduplicated,
/// never the entry itself or one of its own ancestors' stand-ins).
fn prerequisites_of(cx: &ExportContext<'_>, plan: &Plan, me: EntryRef) -> Vec<EntryRef> {
    let node = entry_node(plan, me);
    let part_ok = match me {
        EntryRef::Cluster(_) => true,
        EntryRef::Sco(s) => matches!(plan.scos[s].part, sco::Part::Whole | sco::Part::Subtree),
    };
    if !part_ok {
        return Vec::new();
    }
    // A unit SCO also honours the prerequisites of the lessons it shows.
    let nodes: Vec<usize> = match me {
        EntryRef::Sco(s) => plan.scos[s].nodes.clone(),
        EntryRef::Cluster(_) => vec![node],
    };
    let mut out = Vec::new();
    for n in nodes {
        for p in &cx.nodes[n].node.prerequisites {
            if let Some(target) = cx.node_index(*p).and_then(|i| plan.entry_for_node(i))
                && target != me
                && !out.contains(&target)
            {
                out.push(target);
            }
        }
    }
    out
}

fn prereq_objective_id(cx: &ExportContext<'_>, plan: &Plan, e: EntryRef) -> String {
    format!("prerequisite-{}", cx.nodes[entry_node(plan, e)].ident)
}

fn item(
    cx: &ExportContext<'_>,
    plan: &Plan,
    entry: &Entry,
    targets: &[EntryRef],
    depth: usize,
    x: &mut String,
) {
    let pad = "  ".repeat(depth);
    let (me, ident, identifierref, title) = match entry {
        Entry::Cluster { node, ident, title, .. } => {
            (EntryRef::Cluster(*node), ident.clone(), None, title.clone())
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            (EntryRef::Sco(*s), sco.ident.clone(), Some(sco.resource.clone()), sco.title.clone())
        }
    };
    match &identifierref {
        Some(r) => {
            let _ = writeln!(x, "{pad}<item identifier=\"{ident}\" identifierref=\"{r}\">");
        }
        None => {
            let _ = writeln!(x, "{pad}<item identifier=\"{ident}\">");
        }
    }
    let _ = writeln!(x, "{pad}  <title>{}</title>", escape_attr(&title));
    if let Entry::Cluster { children, .. } = entry {
        for c in children {
            item(cx, plan, c, targets, depth + 1, x);
        }
    }

    let prereqs = prerequisites_of(cx, plan, me);
    let writes_node = targets.contains(&me);
    let (scored_mastery, aligned) = match entry {
        Entry::Sco(s) => (plan.scos[*s].mastery, plan.scos[*s].objectives.clone()),
        Entry::Cluster { .. } => (None, Vec::new()),
    };
    let has_measure = match entry {
        Entry::Sco(s) => plan.scos[*s].mastery.is_some(),
        Entry::Cluster { .. } => subtree_has_measure(plan, entry),
    };

    let _ = writeln!(x, "{pad}  <imsss:sequencing>");
    if matches!(entry, Entry::Cluster { .. }) {
        let _ = writeln!(x, "{pad}    <imsss:controlMode choice=\"true\" flow=\"true\"/>");
    }
    if !prereqs.is_empty() {
        // Disabled while any prerequisite is not satisfied or not yet known.
        let _ = writeln!(
            x,
            "{pad}    <imsss:sequencingRules>\n{pad}      <imsss:preConditionRule>\n{pad}        <imsss:ruleConditions conditionCombination=\"any\">"
        );
        for p in &prereqs {
            let obj = prereq_objective_id(cx, plan, *p);
            let _ = writeln!(
                x,
                "{pad}          <imsss:ruleCondition referencedObjective=\"{obj}\" operator=\"not\" condition=\"satisfied\"/>\n{pad}          <imsss:ruleCondition referencedObjective=\"{obj}\" operator=\"not\" condition=\"objectiveStatusKnown\"/>"
            );
        }
        let _ = writeln!(
            x,
            "{pad}        </imsss:ruleConditions>\n{pad}        <imsss:ruleAction action=\"disabled\"/>\n{pad}      </imsss:preConditionRule>\n{pad}    </imsss:sequencingRules>"
        );
    }
    // Lessons without a scored quiz do not dilute the rolled-up score.
    let _ = writeln!(
        x,
        "{pad}    <imsss:rollupRules rollupObjectiveSatisfied=\"true\" rollupProgressCompletion=\"true\" objectiveMeasureWeight=\"{}\"/>",
        if has_measure { "1" } else { "0" }
    );
    let _ = writeln!(x, "{pad}    <imsss:objectives>");
    let primary = format!("{ident}-primary");
    match scored_mastery {
        Some(m) => {
            let _ = writeln!(
                x,
                "{pad}      <imsss:primaryObjective objectiveID=\"{primary}\" satisfiedByMeasure=\"true\">\n{pad}        <imsss:minNormalizedMeasure>{}</imsss:minNormalizedMeasure>",
                measure(m)
            );
        }
        None => {
            let _ = writeln!(
                x,
                "{pad}      <imsss:primaryObjective objectiveID=\"{primary}\" satisfiedByMeasure=\"false\">"
            );
        }
    }
    if writes_node {
        let _ = writeln!(
            x,
            "{pad}        <imsss:mapInfo targetObjectiveID=\"{}\" readSatisfiedStatus=\"false\" readNormalizedMeasure=\"false\" writeSatisfiedStatus=\"true\" writeNormalizedMeasure=\"{}\"/>",
            node_target(cx, entry_node(plan, me)),
            has_measure
        );
    }
    let _ = writeln!(x, "{pad}      </imsss:primaryObjective>");
    for o in aligned {
        let _ = writeln!(
            x,
            "{pad}      <imsss:objective objectiveID=\"{}\">\n{pad}        <imsss:mapInfo targetObjectiveID=\"{}\" readSatisfiedStatus=\"true\" readNormalizedMeasure=\"true\" writeSatisfiedStatus=\"true\" writeNormalizedMeasure=\"true\"/>\n{pad}      </imsss:objective>",
            escape_attr(&sco::objective_id(cx, o)),
            objective_target(cx, o)
        );
    }
    for p in &prereqs {
        let _ = writeln!(
            x,
            "{pad}      <imsss:objective objectiveID=\"{}\">\n{pad}        <imsss:mapInfo targetObjectiveID=\"{}\" readSatisfiedStatus=\"true\" readNormalizedMeasure=\"false\" writeSatisfiedStatus=\"false\" writeNormalizedMeasure=\"false\"/>\n{pad}      </imsss:objective>",
            prereq_objective_id(cx, plan, *p),
            node_target(cx, entry_node(plan, *p))
        );
    }
    let _ = writeln!(x, "{pad}    </imsss:objectives>");
    if matches!(entry, Entry::Sco(_)) {
        // The page reports completion and success itself; the LMS must not assume them.
        let _ = writeln!(
            x,
            "{pad}    <imsss:deliveryControls completionSetByContent=\"true\" objectiveSetByContent=\"true\"/>"
        );
    }
    let _ = writeln!(x, "{pad}  </imsss:sequencing>");
    let _ = writeln!(x, "{pad}</item>");
}

fn subtree_has_measure(plan: &Plan, entry: &Entry) -> bool {
    match entry {
        Entry::Sco(s) => plan.scos[*s].mastery.is_some(),
        Entry::Cluster { children, .. } => children.iter().any(|c| subtree_has_measure(plan, c)),
    }
}

/// A measure (−1…1) with at most four decimals, as the schema's `measureType` wants.
pub(crate) fn measure(m: f64) -> String {
    let s = format!("{:.4}", m.clamp(-1.0, 1.0));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" { "0".to_owned() } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::measure;

    #[test]
    fn measures_fit_the_schema_decimal_with_at_most_four_places() {
        assert_eq!(measure(0.8), "0.8");
        assert_eq!(measure(0.75), "0.75");
        assert_eq!(measure(1.0), "1");
        assert_eq!(measure(0.0), "0");
        assert_eq!(measure(2.0 / 3.0), "0.6667");
        assert_eq!(measure(1.5), "1", "clamped to the measure range");
    }
}
