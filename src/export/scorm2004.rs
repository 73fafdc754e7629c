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
//! satisfaction, completion and measure. A lesson (or a cluster) on a mastery pathway reads the
//! global objectives its pathway names: a remediation is skipped (and hidden from choice) once
//! every named objective is satisfied, an enrichment is skipped (and hidden) until they are, and
//! neither counts towards the roll-up, so the main path alone decides completion and success.
//! When the document declares its language (with `--lang`, the export's), the manifest's
//! metadata holds an inline IEEE LOM record with the title and `general/language`, and the
//! package carries ADL's LOM schema files that `xsi:schemaLocation` then names. The plan, the
//! pages, the runtime and the package writing live in `sco.rs`; this file writes the manifest.

use super::lower::ExportContext;
use super::sco::{self, ControlFiles, Entry, EntryRef, Plan, ScoExporter, Standard};
use super::xml::XmlWriter;
use crate::model::PathwayRole;

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

/// The IEEE LOM schema ADL ships (`lom.xsd`, the strict binding) and the files it includes, at the
/// paths it names them by: carried when the manifest has LOM metadata and so names `lom.xsd` in
/// `xsi:schemaLocation` (ADL's copies, unchanged).
const LOM_CONTROL_FILES: &[(&str, &[u8])] = &[
    ("lom.xsd", include_bytes!("runtime/xsd/scorm2004/lom.xsd")),
    ("common/anyElement.xsd", include_bytes!("runtime/xsd/scorm2004/common/anyElement.xsd")),
    ("common/dataTypes.xsd", include_bytes!("runtime/xsd/scorm2004/common/dataTypes.xsd")),
    ("common/elementNames.xsd", include_bytes!("runtime/xsd/scorm2004/common/elementNames.xsd")),
    ("common/elementTypes.xsd", include_bytes!("runtime/xsd/scorm2004/common/elementTypes.xsd")),
    ("common/rootElement.xsd", include_bytes!("runtime/xsd/scorm2004/common/rootElement.xsd")),
    ("common/vocabTypes.xsd", include_bytes!("runtime/xsd/scorm2004/common/vocabTypes.xsd")),
    ("common/vocabValues.xsd", include_bytes!("runtime/xsd/scorm2004/common/vocabValues.xsd")),
    ("extend/strict.xsd", include_bytes!("runtime/xsd/scorm2004/extend/strict.xsd")),
    ("unique/strict.xsd", include_bytes!("runtime/xsd/scorm2004/unique/strict.xsd")),
    ("vocab/strict.xsd", include_bytes!("runtime/xsd/scorm2004/vocab/strict.xsd")),
];

/// Namespace of the IEEE LOM XML binding, the manifest's metadata.
const LOM_NS: &str = "http://ltsc.ieee.org/xsd/LOM";

/// The SCORM 2004 4th edition exporter.
pub(crate) static EXPORTER: ScoExporter =
    ScoExporter { standard: Standard::Scorm2004, manifest_name: "imsmanifest.xml", manifest, control_files };

/// The schema files of the manifest: the LOM schema too when the manifest has LOM metadata.
fn control_files(cx: &ExportContext<'_>) -> ControlFiles {
    let mut control = CONTROL_FILES.to_vec();
    if sco::manifest_language(cx).is_some() {
        control.extend_from_slice(LOM_CONTROL_FILES);
    }
    control
}

/// Global objective of an outline node's satisfaction (prerequisites read it).
fn node_target(cx: &ExportContext<'_>, node: usize) -> String {
    format!("urn:trellis:node:{}", cx.nodes[node].node.id)
}

/// The SCORM 2004 manifest.
pub(crate) fn manifest(cx: &ExportContext<'_>, plan: &Plan) -> String {
    let org = format!("{}_org", cx.ident);
    let language = sco::manifest_language(cx);
    let mut schema_location = "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd \
http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd \
http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd \
http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd \
http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"
        .to_owned();
    if language.is_some() {
        schema_location.push_str(&format!(" {LOM_NS} lom.xsd"));
    }
    let mut w = XmlWriter::new();
    w.start(
        "manifest",
        &[
            ("identifier", &cx.ident),
            ("version", "1"),
            ("xmlns", "http://www.imsglobal.org/xsd/imscp_v1p1"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3"),
            ("xmlns:adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
            ("xmlns:adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
            ("xmlns:imsss", "http://www.imsglobal.org/xsd/imsss"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", &schema_location),
        ],
    );
    w.start("metadata", &[]);
    w.text("schema", "ADL SCORM");
    w.text("schemaversion", "2004 4th Edition");
    if let Some(lang) = language {
        lom(&cx.title, lang, &mut w);
    }
    w.end();
    w.start("organizations", &[("default", &org)]);
    // Global objectives belong to this course only, so two courses never share mastery by accident.
    w.start(
        "organization",
        &[("identifier", &org), ("structure", "hierarchical"), ("adlseq:objectivesGlobalToSystem", "false")],
    );
    w.text("title", &cx.title);
    let targets = prerequisite_targets(cx, plan);
    for e in &plan.entries {
        item(cx, plan, e, &targets, &mut w);
    }
    w.start("imsss:sequencing", &[]);
    w.empty("imsss:controlMode", &[("choice", "true"), ("flow", "true")]);
    w.end();
    w.end();
    w.end();
    sco::manifest_resources(cx, plan, Standard::Scorm2004, &mut w);
    w.finish()
}

/// The package's inline IEEE LOM record (valid against ADL's strict binding): the title and
/// `general/language`, both in `lang`.
fn lom(title: &str, lang: &str, w: &mut XmlWriter) {
    w.start("lom", &[("xmlns", LOM_NS)]);
    w.start("general", &[]);
    w.start("title", &[]);
    w.elem("string", &[("language", lang)], title);
    w.end();
    w.text("language", lang);
    w.end();
    w.end();
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

fn item(cx: &ExportContext<'_>, plan: &Plan, entry: &Entry, targets: &[EntryRef], w: &mut XmlWriter) {
    let (me, ident, title) = match entry {
        Entry::Cluster { node, ident, title, .. } => {
            w.start("item", &[("identifier", ident)]);
            (EntryRef::Cluster(*node), ident.clone(), title.clone())
        }
        Entry::Sco(s) => {
            let sco = &plan.scos[*s];
            w.start("item", &[("identifier", &sco.ident), ("identifierref", &sco.resource)]);
            (EntryRef::Sco(*s), sco.ident.clone(), sco.title.clone())
        }
    };
    w.text("title", &title);
    if let Entry::Cluster { children, .. } = entry {
        for c in children {
            item(cx, plan, c, targets, w);
        }
    }

    let prereqs = prerequisites_of(cx, plan, me);
    let writes_node = targets.contains(&me);
    let pathway = pathway_of(cx, plan, me);
    let (scored_mastery, aligned) = match entry {
        Entry::Sco(s) => (plan.scos[*s].mastery, plan.scos[*s].objectives.clone()),
        Entry::Cluster { .. } => (None, Vec::new()),
    };
    let has_measure = match entry {
        Entry::Sco(s) => plan.scos[*s].mastery.is_some(),
        Entry::Cluster { .. } => subtree_has_measure(plan, entry),
    };

    w.start("imsss:sequencing", &[]);
    if matches!(entry, Entry::Cluster { .. }) {
        w.empty("imsss:controlMode", &[("choice", "true"), ("flow", "true")]);
    }
    if !prereqs.is_empty() || pathway.is_some() {
        w.start("imsss:sequencingRules", &[]);
    }
    if !prereqs.is_empty() {
        // Disabled while any prerequisite is not satisfied or not yet known.
        w.start("imsss:preConditionRule", &[]);
        w.start("imsss:ruleConditions", &[("conditionCombination", "any")]);
        for p in &prereqs {
            let obj = prereq_objective_id(cx, plan, *p);
            for condition in ["satisfied", "objectiveStatusKnown"] {
                w.empty(
                    "imsss:ruleCondition",
                    &[("referencedObjective", &obj), ("operator", "not"), ("condition", condition)],
                );
            }
        }
        w.end();
        w.empty("imsss:ruleAction", &[("action", "disabled")]);
        w.end();
    }
    if let Some(p) = &pathway {
        pathway_rules(cx, p, &aligned, w);
    }
    if !prereqs.is_empty() || pathway.is_some() {
        w.end();
    }
    if pathway.is_some() {
        // A detour never decides the course's completion, success or score.
        w.empty(
            "imsss:rollupRules",
            &[
                ("rollupObjectiveSatisfied", "false"),
                ("rollupProgressCompletion", "false"),
                ("objectiveMeasureWeight", "0"),
            ],
        );
    } else {
        // Lessons without a scored quiz do not dilute the rolled-up score.
        w.empty(
            "imsss:rollupRules",
            &[
                ("rollupObjectiveSatisfied", "true"),
                ("rollupProgressCompletion", "true"),
                ("objectiveMeasureWeight", if has_measure { "1" } else { "0" }),
            ],
        );
    }
    w.start("imsss:objectives", &[]);
    let primary = format!("{ident}-primary");
    match scored_mastery {
        Some(m) => {
            w.start("imsss:primaryObjective", &[("objectiveID", &primary), ("satisfiedByMeasure", "true")]);
            w.text("imsss:minNormalizedMeasure", &sco::measure(m));
        }
        None => {
            w.start("imsss:primaryObjective", &[("objectiveID", &primary), ("satisfiedByMeasure", "false")]);
            w.open_line();
        }
    }
    if writes_node {
        w.empty(
            "imsss:mapInfo",
            &[
                ("targetObjectiveID", &node_target(cx, entry_node(plan, me))),
                ("readSatisfiedStatus", "false"),
                ("readNormalizedMeasure", "false"),
                ("writeSatisfiedStatus", "true"),
                ("writeNormalizedMeasure", if has_measure { "true" } else { "false" }),
            ],
        );
    }
    w.end();
    for &o in &aligned {
        w.start("imsss:objective", &[("objectiveID", &sco::objective_id(cx, o))]);
        w.empty(
            "imsss:mapInfo",
            &[
                ("targetObjectiveID", &sco::objective_target(cx, o)),
                ("readSatisfiedStatus", "true"),
                ("readNormalizedMeasure", "true"),
                ("writeSatisfiedStatus", "true"),
                ("writeNormalizedMeasure", "true"),
            ],
        );
        w.end();
    }
    if let Some(p) = &pathway {
        for &o in p.objectives.iter().filter(|o| !aligned.contains(o)) {
            w.start("imsss:objective", &[("objectiveID", &pathway_objective_id(cx, o))]);
            w.empty(
                "imsss:mapInfo",
                &[
                    ("targetObjectiveID", &sco::objective_target(cx, o)),
                    ("readSatisfiedStatus", "true"),
                    ("readNormalizedMeasure", "false"),
                    ("writeSatisfiedStatus", "false"),
                    ("writeNormalizedMeasure", "false"),
                ],
            );
            w.end();
        }
    }
    for p in &prereqs {
        w.start("imsss:objective", &[("objectiveID", &prereq_objective_id(cx, plan, *p))]);
        w.empty(
            "imsss:mapInfo",
            &[
                ("targetObjectiveID", &node_target(cx, entry_node(plan, *p))),
                ("readSatisfiedStatus", "true"),
                ("readNormalizedMeasure", "false"),
                ("writeSatisfiedStatus", "false"),
                ("writeNormalizedMeasure", "false"),
            ],
        );
        w.end();
    }
    w.end();
    if matches!(entry, Entry::Sco(_)) {
        // The page reports completion and success itself; the LMS must not assume them.
        w.empty(
            "imsss:deliveryControls",
            &[("completionSetByContent", "true"), ("objectiveSetByContent", "true")],
        );
    }
    w.end();
    w.end();
}

/// An entry's mastery pathway, its objectives resolved to `cx.objectives` indices.
struct EntryPathway {
    role: PathwayRole,
    objectives: Vec<usize>,
}

/// The pathway of the node an entry stands for as a whole (a cluster, a leaf lesson or a unit
/// SCO; never the overview or assessment part of a node with children), when it names at least
/// one objective.
fn pathway_of(cx: &ExportContext<'_>, plan: &Plan, me: EntryRef) -> Option<EntryPathway> {
    if let EntryRef::Sco(s) = me
        && !matches!(plan.scos[s].part, sco::Part::Whole | sco::Part::Subtree)
    {
        return None;
    }
    let p = cx.nodes[entry_node(plan, me)].node.pathway.as_ref()?;
    let objectives: Vec<usize> = p.objectives.iter().filter_map(|o| cx.objective_index(*o)).collect();
    (!objectives.is_empty()).then_some(EntryPathway { role: p.role, objectives })
}

/// The activity's own id of a pathway objective it is not otherwise aligned to.
fn pathway_objective_id(cx: &ExportContext<'_>, objective: usize) -> String {
    format!("pathway-{}", cx.objectives[objective].ident)
}

/// Precondition rules of a detour: a remediation is skipped in flow and hidden from choice when
/// every objective it remediates is satisfied; an enrichment when any of them is not (an
/// unknown status counts as not satisfied).
fn pathway_rules(cx: &ExportContext<'_>, p: &EntryPathway, aligned: &[usize], w: &mut XmlWriter) {
    let id = |o: usize| {
        if aligned.contains(&o) { sco::objective_id(cx, o) } else { pathway_objective_id(cx, o) }
    };
    let (combination, operator) = match p.role {
        PathwayRole::Remediation => ("all", None),
        PathwayRole::Enrichment => ("any", Some("not")),
    };
    for action in ["skip", "hiddenFromChoice"] {
        w.start("imsss:preConditionRule", &[]);
        w.start("imsss:ruleConditions", &[("conditionCombination", combination)]);
        for &o in &p.objectives {
            let obj = id(o);
            let mut attrs = vec![("referencedObjective", obj.as_str())];
            if let Some(op) = operator {
                attrs.push(("operator", op));
            }
            attrs.push(("condition", "satisfied"));
            w.empty("imsss:ruleCondition", &attrs);
        }
        w.end();
        w.empty("imsss:ruleAction", &[("action", action)]);
        w.end();
    }
}

fn subtree_has_measure(plan: &Plan, entry: &Entry) -> bool {
    match entry {
        Entry::Sco(s) => plan.scos[*s].mastery.is_some(),
        Entry::Cluster { children, .. } => children.iter().any(|c| subtree_has_measure(plan, c)),
    }
}
