//! What the SCORM 1.2, SCORM 2004 and cmi5 exporters share: the *plan* (which outline nodes
//! become launchable lessons — SCOs or AUs — and how the rest of the outline groups them), the
//! lesson page each one gets, and the small runtime (`runtime/*.js`, and as
//! `runtime/trellis.css` the one stylesheet with its lesson rules, see `html.rs`) that is
//! bundled into every package.
//!
//! A lesson page shows the node's rendered content, objectives, activities and assessments,
//! drawn by the renderer cartridge pages use (`html.rs`) in its lesson frame; this module lays
//! them out and adds what only lessons have: quizzes become forms graded in the page by
//! `runtime/lesson.js`, whose adapter (`runtime/scorm.js` or `runtime/cmi5.js`) reports to the
//! LMS. Everything a page needs is in the package: remote images are turned into links and
//! external links open in a new window, so no request leaves the package and the lesson never
//! navigates itself away.
//! It also writes what the packages share around their manifests: the package itself
//! ([`write_package`]: manifest, schema files, runtime, assets, pages), the SCORM `<resources>`,
//! objective targets and measures. Each format file owns only its manifest: it names it and the
//! schema files beside it in a [`ScoExporter`], the one exporter of the three formats.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::html;
use super::interactive;
use super::lower::{self, ExportContext, ident_with, relink};
use super::xml::{XmlWriter, escape};
use super::{
    ExportFormat, ExportOptions, ExportReport, Exporter, PackageWriter, Progress, option, option_base,
    option_choice, package_findings,
};
use crate::model::{AssessmentPurpose, Document, ItemBody};
use crate::pedagogy::{FieldBase, FieldSpec};
use crate::{Error, Finding, Result, Severity, Target};

/// Directory of the bundled runtime inside packages.
pub(crate) const RUNTIME_DIR: &str = "runtime";
/// Directory of the lesson pages inside packages.
pub(crate) const PAGE_DIR: &str = "lessons";

/// The lesson controller (grading, progress, resume state).
pub(crate) const LESSON_JS: &str = include_str!("runtime/lesson.js");
/// The SCORM 1.2 / 2004 adapter.
pub(crate) const SCORM_JS: &str = include_str!("runtime/scorm.js");
/// The cmi5 adapter.
pub(crate) const CMI5_JS: &str = include_str!("runtime/cmi5.js");
/// The lesson pages' stylesheet: the one Trellis stylesheet with its lesson-only rules
/// ([`html::LESSON_STYLESHEET`]).
pub(crate) const CSS: &str = html::LESSON_STYLESHEET;

/// Mastery score used when a scored quiz has none in the design (share of points, 0–1).
pub(crate) const DEFAULT_MASTERY: f64 = 0.8;

/// Which run-time standard a page talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standard {
    /// SCORM 1.2 (`API`).
    Scorm12,
    /// SCORM 2004 (`API_1484_11`).
    Scorm2004,
    /// cmi5 (xAPI statements).
    Cmi5,
}

impl Standard {
    fn as_str(self) -> &'static str {
        match self {
            Standard::Scorm12 => "scorm12",
            Standard::Scorm2004 => "scorm2004",
            Standard::Cmi5 => "cmi5",
        }
    }

    /// The name findings and errors use (`SCORM 2004`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Standard::Scorm12 => "SCORM 1.2",
            Standard::Scorm2004 => "SCORM 2004",
            Standard::Cmi5 => "cmi5",
        }
    }

    fn adapter(self) -> &'static str {
        match self {
            Standard::Scorm12 | Standard::Scorm2004 => "scorm.js",
            Standard::Cmi5 => "cmi5.js",
        }
    }

    /// The export format whose packages talk to this standard.
    fn format(self) -> ExportFormat {
        match self {
            Standard::Scorm12 => ExportFormat::Scorm12,
            Standard::Scorm2004 => ExportFormat::Scorm2004,
            Standard::Cmi5 => ExportFormat::Cmi5,
        }
    }
}

/// Schema files a package carries beside its manifest (path in the package, bytes).
pub(crate) type ControlFiles = Vec<(&'static str, &'static [u8])>;

/// The exporter of one of the three formats: the shared plan, pages and package, with the
/// manifest and schema files its format file supplies.
pub(crate) struct ScoExporter {
    /// The run-time standard the lessons talk to.
    pub standard: Standard,
    /// The manifest's path in the package (`imsmanifest.xml`, `cmi5.xml`).
    pub manifest_name: &'static str,
    /// Writes the manifest of a plan.
    pub manifest: fn(&ExportContext<'_>, &Plan) -> String,
    /// The schema files the manifest names.
    pub control_files: fn(&ExportContext<'_>) -> ControlFiles,
}

impl Exporter for ScoExporter {
    fn format(&self) -> ExportFormat {
        self.standard.format()
    }

    fn option_specs(&self) -> Vec<FieldSpec> {
        option_specs()
    }

    fn preflight(&self, doc: &Document, _options: &ExportOptions) -> Vec<Finding> {
        package_findings(doc)
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let plan = plan(cx, self.standard)?;
        let manifest = (self.manifest)(cx, &plan);
        let control = (self.control_files)(cx);
        write_package(cx, &plan, self.standard, self.manifest_name, manifest, &control, out, progress)
    }
}

/// Which nodes become SCOs/AUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Granularity {
    /// Every leaf of the outline (normally a lesson) is one SCO.
    Lesson,
    /// Every node whose children are all leaves (normally a unit) is one SCO showing its lessons.
    Unit,
}

/// Which part of a node a SCO shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// A leaf node: all of it.
    Whole,
    /// A node and all its (leaf) children, one section each.
    Subtree,
    /// The summary, objectives and activities of a node that also has children.
    Overview,
    /// The assessments of a node that also has children.
    Assessments,
}

/// One launchable lesson (SCO in SCORM, AU in cmi5).
pub(crate) struct Sco {
    /// The node it is made from (index into `cx.nodes`).
    pub node: usize,
    /// Which part of the node.
    pub part: Part,
    /// Organization item identifier (xs:ID).
    pub ident: String,
    /// Resource identifier (xs:ID).
    pub resource: String,
    /// Package path of the page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Nodes whose content the page shows, in order.
    pub nodes: Vec<usize>,
    /// Assessments shown, in order.
    pub assessments: Vec<usize>,
    /// Objectives the page is aligned to (its nodes' objectives and everything its activities,
    /// assessments and items are aligned to), in canonical order.
    pub objectives: Vec<usize>,
    /// Assessments whose machine-scored items make up the score.
    pub scored: Vec<usize>,
    /// Share of points needed to pass; `None` when nothing is scored.
    pub mastery: Option<f64>,
}

/// An entry of the organization: a group of entries (a node with children) or a SCO.
pub(crate) enum Entry {
    /// A node with children.
    Cluster {
        /// The node.
        node: usize,
        /// Item identifier.
        ident: String,
        /// Title.
        title: String,
        /// Entries in outline order.
        children: Vec<Entry>,
    },
    /// Index into [`Plan::scos`].
    Sco(usize),
}

/// The organization of a SCORM/cmi5 package.
pub(crate) struct Plan {
    /// Top-level entries.
    pub entries: Vec<Entry>,
    /// Every SCO, in outline order.
    pub scos: Vec<Sco>,
}

impl Plan {
    /// Plans the package. A single top-level course or program is the organization itself, so
    /// its children become the top-level entries.
    pub fn new(cx: &ExportContext<'_>, granularity: Granularity, default_mastery: f64) -> Plan {
        let mut plan = Plan { entries: Vec::new(), scos: Vec::new() };
        let roots: Vec<usize> = cx.roots().collect();
        let entries = match roots.as_slice() {
            [root] if !cx.nodes[*root].children.is_empty() && !unit_like(cx, *root, granularity) => {
                plan.flatten(cx, *root, granularity, default_mastery)
            }
            _ => roots.iter().flat_map(|&r| plan.build(cx, r, granularity, default_mastery)).collect(),
        };
        plan.entries = entries;
        plan
    }

    fn build(&mut self, cx: &ExportContext<'_>, node: usize, g: Granularity, mastery: f64) -> Vec<Entry> {
        let view = &cx.nodes[node];
        if view.children.is_empty() {
            return vec![self.push(cx, node, Part::Whole, mastery)];
        }
        if unit_like(cx, node, g) {
            return vec![self.push(cx, node, Part::Subtree, mastery)];
        }
        let children = self.flatten(cx, node, g, mastery);
        vec![Entry::Cluster { node, ident: view.ident.clone(), title: view.title.clone(), children }]
    }

    /// The entries under a node with children: its own content first, its children, then its
    /// own assessments.
    fn flatten(&mut self, cx: &ExportContext<'_>, node: usize, g: Granularity, mastery: f64) -> Vec<Entry> {
        let view = &cx.nodes[node];
        let mut out = Vec::new();
        if !view.summary_html.trim().is_empty() || !view.activities.is_empty() {
            out.push(self.push(cx, node, Part::Overview, mastery));
        }
        for &child in &view.children {
            out.extend(self.build(cx, child, g, mastery));
        }
        if !view.assessments.is_empty() {
            out.push(self.push(cx, node, Part::Assessments, mastery));
        }
        out
    }

    fn push(&mut self, cx: &ExportContext<'_>, node: usize, part: Part, default_mastery: f64) -> Entry {
        let view = &cx.nodes[node];
        let uuid = view.node.id.0;
        let (tag, title) = match part {
            Part::Whole | Part::Subtree => ("sco", view.title.clone()),
            Part::Overview => ("overview", format!("{}: overview", view.title)),
            Part::Assessments => ("assessment", format!("{}: assessment", view.title)),
        };
        let nodes: Vec<usize> = match part {
            Part::Subtree => std::iter::once(node).chain(view.children.iter().copied()).collect(),
            _ => vec![node],
        };
        let assessments: Vec<usize> = match part {
            Part::Overview => Vec::new(),
            Part::Whole | Part::Assessments => view.assessments.clone(),
            // The unit's own assessments come after its lessons.
            Part::Subtree => view
                .children
                .iter()
                .chain(std::iter::once(&node))
                .flat_map(|&n| cx.nodes[n].assessments.iter().copied())
                .collect(),
        };
        let mut objectives = BTreeSet::new();
        for &n in &nodes {
            if part != Part::Assessments {
                objectives.extend(cx.nodes[n].objectives.iter().copied());
                for &a in &cx.nodes[n].activities {
                    objectives.extend(cx.activities[a].objectives.iter().copied());
                }
            }
        }
        for &a in &assessments {
            objectives.extend(cx.assessments[a].objectives.iter().copied());
            for item in &cx.assessments[a].items {
                objectives.extend(item.objectives.iter().copied());
            }
        }
        let scored: Vec<usize> = assessments.iter().copied().filter(|&a| is_scored(cx, a)).collect();
        let mastery = (!scored.is_empty()).then(|| {
            scored
                .iter()
                .find_map(|&a| cx.assessments[a].assessment.mastery_score)
                .filter(|m| m.is_finite() && (0.0..=1.0).contains(m))
                .unwrap_or(default_mastery)
        });
        let ident = ident_with(uuid, tag);
        self.scos.push(Sco {
            node,
            part,
            resource: ident_with(uuid, &format!("{tag}_res")),
            href: format!("{PAGE_DIR}/{ident}.html"),
            ident,
            title,
            nodes,
            assessments,
            objectives: objectives.into_iter().collect(),
            scored,
            mastery,
        });
        Entry::Sco(self.scos.len() - 1)
    }

    /// The entry that stands for a whole node (its cluster, or the SCO showing all of it), as a
    /// path of child positions from the top; `None` when the node has no such entry (the
    /// organization root, or a lesson shown inside a unit SCO is represented by that SCO).
    pub fn entry_for_node(&self, node: usize) -> Option<EntryRef> {
        fn walk(entries: &[Entry], plan: &Plan, node: usize) -> Option<EntryRef> {
            for e in entries {
                match e {
                    Entry::Cluster { node: n, children, .. } => {
                        if *n == node {
                            return Some(EntryRef::Cluster(*n));
                        }
                        if let Some(found) = walk(children, plan, node) {
                            return Some(found);
                        }
                    }
                    Entry::Sco(s) => {
                        let sco = &plan.scos[*s];
                        if matches!(sco.part, Part::Whole | Part::Subtree) && sco.nodes.contains(&node) {
                            return Some(EntryRef::Sco(*s));
                        }
                    }
                }
            }
            None
        }
        walk(&self.entries, self, node)
    }
}

/// A reference to a plan entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EntryRef {
    /// The cluster of this node.
    Cluster(usize),
    /// This SCO.
    Sco(usize),
}

fn unit_like(cx: &ExportContext<'_>, node: usize, g: Granularity) -> bool {
    let view = &cx.nodes[node];
    g == Granularity::Unit
        && !view.children.is_empty()
        && view.children.iter().all(|&c| cx.nodes[c].children.is_empty())
}

/// An assessment counts for the score when it has machine-scored items and is not diagnostic.
fn is_scored(cx: &ExportContext<'_>, a: usize) -> bool {
    let view = &cx.assessments[a];
    view.assessment.purpose != AssessmentPurpose::Diagnostic
        && view.items.iter().any(|i| !matches!(i.item.body, ItemBody::Essay { .. }))
}

/// The options of the SCORM family (`scoLevel`, `masteryScore`).
pub(crate) fn option_specs() -> Vec<FieldSpec> {
    vec![
        FieldSpec::Select {
            base: FieldBase {
                required: true,
                ..option_base(
                    option::SCO_LEVEL,
                    "Launchable lessons",
                    "Lesson: every leaf node is its own SCO/AU. Unit: a node whose children are all leaves is one SCO/AU showing its lessons one after the other.",
                    Some(option::LEVEL_LESSON.into()),
                )
            },
            options: vec![
                option_choice(option::LEVEL_LESSON, "One per lesson"),
                option_choice(option::LEVEL_UNIT, "One per unit"),
            ],
        },
        FieldSpec::Number {
            base: option_base(
                option::MASTERY_SCORE,
                "Default mastery score",
                "Share of the points (0–1) a learner needs to pass a scored quiz that states no mastery score of its own.",
                Some(serde_json::json!(DEFAULT_MASTERY)),
            ),
            min: Some(0.0),
            max: Some(1.0),
            unit: String::new(),
        },
    ]
}

/// Granularity from the format options (`scoLevel`: `lesson` or `unit`).
pub(crate) fn granularity(cx: &ExportContext<'_>) -> Granularity {
    match cx.options.values.get(option::SCO_LEVEL).and_then(Value::as_str) {
        Some(option::LEVEL_UNIT) => Granularity::Unit,
        _ => Granularity::Lesson,
    }
}

/// Default mastery score from the format options (`masteryScore`, 0–1).
pub(crate) fn default_mastery(cx: &ExportContext<'_>) -> f64 {
    cx.options
        .values
        .get(option::MASTERY_SCORE)
        .and_then(Value::as_f64)
        .filter(|m| (0.0..=1.0).contains(m))
        .unwrap_or(DEFAULT_MASTERY)
}

/// What the lesson pages cannot carry into the LMS's tracking, as findings (codes X21–X23).
pub(crate) fn plan_findings(cx: &ExportContext<'_>, plan: &Plan, format: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let target = |kind: &str, id: String, node: usize| Target {
        kind: kind.into(),
        id: Some(id),
        path: cx.nodes[node].path.clone(),
    };
    for sco in &plan.scos {
        for &a in &sco.assessments {
            let av = &cx.assessments[a];
            let essays = av.items.iter().filter(|i| matches!(i.item.body, ItemBody::Essay { .. })).count();
            if essays > 0 {
                out.push(Finding {
                    code: "X21-essay-not-scored".into(),
                    severity: Severity::Info,
                    message: format!(
                        "{essays} essay item(s) of \"{}\" are answered in the {format} lesson but not scored and not sent to the LMS.",
                        av.title
                    ),
                    target: target("assessment", av.assessment.id.to_string(), av.node),
                    hint: "Collect essays with an LMS assignment (Common Cartridge export) if they must be graded.".into(),
                });
            }
            if av.items.is_empty() {
                out.push(Finding {
                    code: "X23-assessment-not-tracked".into(),
                    severity: Severity::Info,
                    message: format!(
                        "\"{}\" has no quiz items: the {format} lesson shows its instructions{}, but the LMS receives no score for it.",
                        av.title,
                        if av.rubric.is_some() { " and rubric" } else { "" }
                    ),
                    target: target("assessment", av.assessment.id.to_string(), av.node),
                    hint: "Grade it in the LMS gradebook, or export Common Cartridge to create a gradable assignment.".into(),
                });
            }
        }
        let designed = sco.scored.iter().any(|&a| cx.assessments[a].assessment.mastery_score.is_some());
        if let Some(m) = sco.mastery.filter(|_| !designed) {
            let view = &cx.nodes[sco.node];
            out.push(Finding {
                code: "X22-default-mastery-score".into(),
                severity: Severity::Info,
                message: format!(
                    "The quiz of \"{}\" has no mastery score; the {format} lesson passes at {}%.",
                    sco.title,
                    fmt_num(m * 100.0)
                ),
                target: target("node", view.node.id.to_string(), sco.node),
                hint: "Set the assessment's mastery score, or change the default with the masteryScore export option.".into(),
            });
        }
    }
    out
}

/// The runtime and asset files every package carries, as `(path, bytes)`.
pub(crate) fn shared_files<'c>(cx: &'c ExportContext<'_>, standard: Standard) -> Vec<(String, &'c [u8])> {
    let mut files = vec![
        (format!("{RUNTIME_DIR}/trellis.css"), CSS.as_bytes()),
        (format!("{RUNTIME_DIR}/lesson.js"), LESSON_JS.as_bytes()),
    ];
    match standard {
        Standard::Scorm12 | Standard::Scorm2004 => {
            files.push((format!("{RUNTIME_DIR}/scorm.js"), SCORM_JS.as_bytes()))
        }
        Standard::Cmi5 => files.push((format!("{RUNTIME_DIR}/cmi5.js"), CMI5_JS.as_bytes())),
    }
    for asset in &cx.assets {
        // A package only shown as interactive content is carried extracted (`interactive.rs`).
        if !interactive::only_interactive(cx, asset.asset) {
            files.push((asset.path.clone(), asset.asset.data.as_slice()));
        }
    }
    files
}

/// Plans the package of `standard` from the format options; an outline without nodes gives
/// nothing to launch, which is refused.
pub(crate) fn plan(cx: &ExportContext<'_>, standard: Standard) -> Result<Plan> {
    let plan = Plan::new(cx, granularity(cx), default_mastery(cx));
    if plan.scos.is_empty() {
        let what = match standard {
            Standard::Cmi5 => "an AU",
            Standard::Scorm12 | Standard::Scorm2004 => "a lesson",
        };
        return Err(Error::Refused(format!(
            "{} export needs at least one outline node to turn into {what}",
            standard.label()
        )));
    }
    Ok(plan)
}

/// Writes a package of the SCORM family: the manifest (`manifest_name`), its schema files
/// (`control`), the runtime, the assets and one page per SCO, in that order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_package(
    cx: &ExportContext<'_>,
    plan: &Plan,
    standard: Standard,
    manifest_name: &str,
    manifest: String,
    control: &[(&str, &[u8])],
    out: &mut dyn PackageWriter,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let shared = shared_files(cx, standard);
    let interactive = interactive::files(cx)?;
    let total = (plan.scos.len() + shared.len() + interactive.len() + control.len() + 1) as u64;
    let mut done = 0u64;
    let mut report = ExportReport { files: Vec::new(), findings: plan_findings(cx, plan, standard.label()) };
    let step = |done: &mut u64, message: &str, progress: &mut dyn FnMut(Progress)| {
        *done += 1;
        progress(Progress { done: *done, total, message: message.to_owned() });
    };
    out.add(manifest_name, manifest.as_bytes())?;
    step(&mut done, manifest_name, progress);
    for (path, bytes) in control {
        out.add(path, bytes)?;
        step(&mut done, path, progress);
    }
    for (path, bytes) in &shared {
        out.add(path, bytes)?;
        step(&mut done, path, progress);
    }
    for (path, bytes) in &interactive {
        out.add(path, bytes)?;
        step(&mut done, path, progress);
    }
    for s in &plan.scos {
        let page = render_page(cx, s, standard);
        out.add(&s.href, page.html.as_bytes())?;
        report.findings.extend(page.findings);
        step(&mut done, &s.href, progress);
    }
    Ok(report)
}

/// The language a SCORM manifest's LOM metadata names: the one the document declares (with
/// `--lang`, the export's language) when it is a language tag. `None` otherwise: the manifest
/// then carries no LOM metadata, so a package never claims a language the document does not.
pub(crate) fn manifest_language<'a>(cx: &'a ExportContext<'_>) -> Option<&'a str> {
    let lang = cx.doc.curriculum.language.trim();
    crate::model::is_language_tag(lang).then_some(lang)
}

/// The `<resources>` of a SCORM manifest (1.2 and 2004 differ only in how they spell the
/// `scormType` attribute): one resource per SCO, each depending on the shared resource that
/// holds the runtime and the assets.
pub(crate) fn manifest_resources(cx: &ExportContext<'_>, plan: &Plan, standard: Standard, w: &mut XmlWriter) {
    let scorm_type = match standard {
        Standard::Scorm12 => "adlcp:scormtype",
        Standard::Scorm2004 | Standard::Cmi5 => "adlcp:scormType",
    };
    let shared = format!("{}_shared", cx.ident);
    w.start("resources", &[]);
    for s in &plan.scos {
        w.start(
            "resource",
            &[("identifier", &s.resource), ("type", "webcontent"), (scorm_type, "sco"), ("href", &s.href)],
        );
        w.empty("file", &[("href", &s.href)]);
        w.empty("dependency", &[("identifierref", &shared)]);
        w.end();
    }
    w.start("resource", &[("identifier", &shared), ("type", "webcontent"), (scorm_type, "asset")]);
    for (path, _) in shared_files(cx, standard) {
        w.empty("file", &[("href", &path)]);
    }
    // A package that cannot be read is refused by `write_package` with its reason.
    for path in interactive::paths(cx).unwrap_or_default() {
        w.empty("file", &[("href", &path)]);
    }
    w.end();
    w.end();
}

/// Global objective of a curriculum objective (SCORM 2004 global objectives, cmi5 objectives).
pub(crate) fn objective_target(cx: &ExportContext<'_>, objective: usize) -> String {
    format!("urn:trellis:objective:{}", cx.objectives[objective].objective.id)
}

/// A measure (−1…1) with at most four decimals, as the SCORM 2004 `measureType` and the cmi5
/// `masteryScore` want.
pub(crate) fn measure(m: f64) -> String {
    let s = format!("{:.4}", m.clamp(-1.0, 1.0));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" { "0".to_owned() } else { s.to_owned() }
}

/// The stable id an LMS sees for a curriculum objective (`cmi.objectives.n.id`).
pub(crate) fn objective_id(cx: &ExportContext<'_>, objective: usize) -> String {
    cx.objectives[objective].objective.id.to_string()
}

/// A rendered lesson page and what rendering had to change.
pub(crate) struct Page {
    /// The HTML document.
    pub html: String,
    /// Findings (remote images turned into links).
    pub findings: Vec<Finding>,
}

/// Renders the page of one SCO: the breadcrumb, the title, the notice the runtime fills, then
/// per node its content and activities and the assessments, each drawn by the shared renderer
/// ([`html::node_part`], [`html::activity_part`], [`html::assessment_part`]) in the lesson frame,
/// then the end-of-page footer and the runtime.
pub(crate) fn render_page(cx: &ExportContext<'_>, sco: &Sco, standard: Standard) -> Page {
    let mut r = Renderer { cx, findings: Vec::new(), node: sco.node };
    let view = &cx.nodes[sco.node];
    let mut body = String::new();

    let crumbs: Vec<&str> = {
        let mut up = Vec::new();
        let mut p = view.parent;
        while let Some(i) = p {
            up.push(cx.nodes[i].title.as_str());
            p = cx.nodes[i].parent;
        }
        up.reverse();
        up
    };
    let breadcrumb = if crumbs.is_empty() {
        String::new()
    } else {
        format!("<p class=\"trellis-breadcrumb\">{}</p>\n", escape(&crumbs.join(" › ")))
    };
    body.push_str("<p id=\"trellis-notice\" class=\"trellis-notice\" role=\"status\" hidden></p>\n");

    let mut counter = 0usize;
    for (k, &n) in sco.nodes.iter().enumerate() {
        let nv = &cx.nodes[n];
        let nested = sco.part == Part::Subtree && k > 0;
        // A lesson inside a unit SCO is a section under an <h2>; its parts sit one level lower.
        let level = if nested { 3 } else { 2 };
        if nested {
            let _ = writeln!(
                body,
                "<section data-section=\"{}\">\n<h2>{}</h2>",
                escape(&nv.ident),
                escape(&nv.title)
            );
        }
        if sco.part != Part::Assessments {
            body.push_str(&html::node_part(cx, nv, &mut r.frame(level - 1)));
            if !nv.activities.is_empty() {
                let _ = writeln!(
                    body,
                    "<section data-section=\"{}-activities\">\n<h{level}>Activities</h{level}>",
                    escape(&nv.ident)
                );
                for &a in &nv.activities {
                    body.push_str(&html::activity_part(cx, &cx.activities[a], &mut r.frame(level + 1)));
                }
                body.push_str("</section>\n");
            }
        }
        // A unit SCO shows each lesson's assessments inside the lesson's section.
        if nested {
            for &a in &nv.assessments {
                body.push_str(&r.assessment(a, &mut counter, sco.scored.contains(&a), level));
            }
            body.push_str("</section>\n");
        }
    }
    let own: Vec<usize> = match sco.part {
        Part::Subtree => view.assessments.clone(),
        _ => sco.assessments.clone(),
    };
    for a in own {
        body.push_str(&r.assessment(a, &mut counter, sco.scored.contains(&a), 2));
    }

    if standard != Standard::Scorm2004 {
        body.push_str(&pathway_notes(cx, sco));
    }

    let finish_label = match sco.part {
        Part::Assessments => "Finish assessment",
        _ => "Finish lesson",
    };
    let _ = writeln!(
        body,
        "<footer id=\"trellis-end\" class=\"trellis-end\" data-section=\"end\">\n<p>You have reached the end of this page.</p>\n<button type=\"button\" id=\"trellis-finish\">{finish_label}</button>\n<p id=\"trellis-done\" role=\"status\" hidden>Your progress has been saved. You can close this lesson or move on to the next one.</p>\n</footer>"
    );

    let config = page_config(cx, sco, standard);
    let csp = match standard {
        // SCORM content talks to the LMS through the API object only; it never fetches.
        Standard::Scorm12 | Standard::Scorm2004 => "connect-src 'none'",
        // cmi5 content sends xAPI statements to the LMS's endpoint, which is known only at launch.
        Standard::Cmi5 => "connect-src *",
    };
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; {csp}; object-src 'none'; base-uri 'none'; form-action 'none'\">\n"
    );
    let scripts = format!(
        "<script type=\"application/json\" id=\"trellis-data\">{config}</script>\n<script src=\"../{RUNTIME_DIR}/lesson.js\"></script>\n<script src=\"../{RUNTIME_DIR}/{adapter}\"></script>\n",
        adapter = standard.adapter(),
    );
    let stylesheet = format!("../{RUNTIME_DIR}/trellis.css");
    let html =
        html::Page { title: &sco.title, lang: &cx.language, stylesheet: &stylesheet, meta: Vec::new(), body }
            .render_in(&html::Shell { head: &head, before_title: &breadcrumb, after_main: &scripts });
    Page { html, findings: r.findings }
}

/// Where a scored lesson's learners go next on a mastery pathway, for packages whose LMS cannot
/// deliver the route itself (SCORM 1.2, cmi5): one line per remediation or enrichment lesson
/// whose pathway names an objective this page scores, naming the lesson as the course menu
/// shows it (a lesson page never navigates itself to another lesson). Empty when there is none.
pub(crate) fn pathway_notes(cx: &ExportContext<'_>, sco: &Sco) -> String {
    if sco.mastery.is_none() {
        return String::new();
    }
    let mut lines = Vec::new();
    for view in &cx.nodes {
        let Some(p) = &view.node.pathway else { continue };
        if sco.nodes.iter().any(|&n| cx.nodes[n].node.id == view.node.id) {
            continue;
        }
        let reached: Vec<&str> = p
            .objectives
            .iter()
            .filter_map(|o| cx.objective_index(*o))
            .filter(|o| sco.objectives.contains(o))
            .map(|o| cx.objectives[o].label.as_str())
            .collect();
        if reached.is_empty() {
            continue;
        }
        let line = match p.role {
            crate::model::PathwayRole::Remediation => format!(
                "<p>If you did not reach {}, review: <strong>{}</strong> (in the course menu).</p>",
                escape(&reached.join(", ")),
                escape(&view.title)
            ),
            crate::model::PathwayRole::Enrichment => {
                format!("<p>Go further: <strong>{}</strong> (in the course menu).</p>", escape(&view.title))
            }
        };
        lines.push(line);
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "<aside class=\"trellis-pathways\" aria-label=\"Where to go next\">\n{}\n</aside>\n",
        lines.join("\n")
    )
}

/// The JSON the runtime reads: answer keys, which items count, objectives and mastery.
fn page_config(cx: &ExportContext<'_>, sco: &Sco, standard: Standard) -> String {
    let mut items = Vec::new();
    let mut quizzes = Vec::new();
    for &a in &sco.assessments {
        let av = &cx.assessments[a];
        if av.items.is_empty() {
            continue;
        }
        quizzes.push(json!({
            "id": av.ident,
            "scored": sco.scored.contains(&a),
            "items": av.items.iter().map(|i| i.ident.clone()).collect::<Vec<_>>(),
        }));
        for iv in &av.items {
            let item = iv.item;
            let mut entry = json!({
                "id": iv.ident,
                "quiz": av.ident,
                "type": item.body.type_name(),
                "points": if item.points.is_finite() && item.points > 0.0 { item.points } else { 0.0 },
                "objectives": iv.objectives.iter().map(|&o| objective_id(cx, o)).collect::<Vec<_>>(),
                "text": iv.stem_text.chars().take(250).collect::<String>(),
            });
            let key = match &item.body {
                ItemBody::MultipleChoice { choices } => {
                    entry["choices"] = json!(iv.choices.iter().map(|c| c.ident.clone()).collect::<Vec<_>>());
                    let correct = choices.iter().position(|c| c.correct).map(|p| iv.choices[p].ident.clone());
                    json!({ "correct": correct })
                }
                ItemBody::MultipleResponse { .. } => {
                    entry["choices"] = json!(iv.choices.iter().map(|c| c.ident.clone()).collect::<Vec<_>>());
                    json!({ "correct": iv.choices.iter().filter(|c| c.correct).map(|c| c.ident.clone()).collect::<Vec<_>>() })
                }
                ItemBody::TrueFalse { answer } => json!({ "answer": answer }),
                ItemBody::ShortAnswer { answers, case_sensitive } => {
                    json!({ "answers": answers, "caseSensitive": case_sensitive })
                }
                ItemBody::Numeric { answer, tolerance } => {
                    json!({ "answer": answer, "tolerance": tolerance.abs() })
                }
                ItemBody::Essay { .. } => Value::Null,
                ItemBody::Matching { pairs } => {
                    let ids: Vec<String> = pairs.iter().map(|p| lower::ident(p.id.0)).collect();
                    entry["pairs"] = json!(ids);
                    json!({ "pairs": ids })
                }
            };
            entry["key"] = key;
            items.push(entry);
        }
    }
    let objectives: Vec<Value> = sco
        .objectives
        .iter()
        .map(|&o| {
            let linked: Vec<String> = sco
                .assessments
                .iter()
                .flat_map(|&a| cx.assessments[a].items.iter())
                .filter(|iv| iv.objectives.contains(&o))
                .map(|iv| iv.ident.clone())
                .collect();
            let interactives: Vec<String> = interactive_activities(cx, sco)
                .filter(|&a| cx.activities[a].objectives.contains(&o))
                .map(|a| cx.activities[a].ident.clone())
                .collect();
            let mut entry = json!({ "id": objective_id(cx, o), "items": linked });
            if !interactives.is_empty() {
                entry["interactives"] = json!(interactives);
            }
            entry
        })
        .collect();
    let interactives: Vec<Value> = interactive_activities(cx, sco)
        .map(|a| {
            let av = &cx.activities[a];
            json!({
                "id": av.ident,
                "title": av.title.chars().take(250).collect::<String>(),
                "objectives": av.objectives.iter().map(|&o| objective_id(cx, o)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut config = json!({
        "standard": standard.as_str(),
        "sco": sco.ident,
        "mastery": sco.mastery,
        "quizzes": quizzes,
        "items": items,
        "objectives": objectives,
    });
    // Only pages with interactive content carry the key, so other pages keep their bytes.
    if !interactives.is_empty() {
        config["interactives"] = json!(interactives);
    }
    // `<` never appears raw inside the script element, so no text can close it early.
    config.to_string().replace('<', "\\u003c")
}

/// The activities with interactive content a SCO's page shows, in page order.
fn interactive_activities<'s>(cx: &'s ExportContext<'_>, sco: &'s Sco) -> impl Iterator<Item = usize> + 's {
    sco.nodes
        .iter()
        .filter(move |_| sco.part != Part::Assessments)
        .flat_map(move |&n| cx.nodes[n].activities.iter().copied())
        .filter(move |&a| cx.activities[a].activity.content.is_some())
}

struct Renderer<'c, 'a> {
    cx: &'c ExportContext<'a>,
    findings: Vec<Finding>,
    node: usize,
}

impl Renderer<'_, '_> {
    /// Context HTML made fit for a packaged page: assets one directory up, remote images as
    /// links, external links in a new window.
    fn html(&mut self, html: &str) -> String {
        let html = relink(html, "../");
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let Some(len) = tail.find('>') else {
                out.push_str(tail);
                rest = "";
                break;
            };
            let tag = &tail[..=len];
            if tag.starts_with("<img ") {
                let src = lower::attr(tag, "src").unwrap_or_default();
                if is_remote(src) {
                    let alt = lower::attr(tag, "alt").filter(|a| !a.is_empty()).unwrap_or("image");
                    let _ = write!(
                        out,
                        "<a href=\"{src}\" target=\"_blank\" rel=\"noopener noreferrer\">{alt} (opens the image on the web)</a>"
                    );
                    let view = &self.cx.nodes[self.node];
                    self.findings.push(Finding {
                        code: "X20-remote-image-linked".into(),
                        severity: Severity::Warning,
                        message: format!(
                            "The image {src} in \"{}\" is on the web; SCORM and cmi5 lessons load nothing from outside the package, so it is shown as a link.",
                            view.title
                        ),
                        target: Target {
                            kind: "node".into(),
                            id: Some(view.node.id.to_string()),
                            path: view.path.clone(),
                        },
                        hint: "Add the image to the document's assets and reference it as asset:NAME.".into(),
                    });
                } else {
                    out.push_str(tag);
                }
            } else if tag.starts_with("<a ")
                && is_remote(lower::attr(tag, "href").unwrap_or_default())
                && !tag.contains(" target=")
            {
                out.push_str(&tag.replacen("<a ", "<a target=\"_blank\" ", 1));
            } else {
                out.push_str(tag);
            }
            rest = &tail[len + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The lesson frame at heading `level`, fitting HTML through [`Renderer::html`].
    fn frame(&mut self, level: u8) -> html::Frame<impl FnMut(&str) -> String + '_> {
        html::Frame { kind: html::PageKind::Lesson, level, fit: |h: &str| self.html(h) }
    }

    /// An assessment's section: the shared header and instructions with the quiz form (when it
    /// has items) at its end.
    fn assessment(&mut self, a: usize, counter: &mut usize, scored: bool, level: u8) -> String {
        let cx = self.cx;
        let av = &cx.assessments[a];
        let mut quiz = String::new();
        if !av.items.is_empty() {
            self.quiz(&mut quiz, a, counter, scored);
        }
        html::assessment_part(cx, av, &mut self.frame(level), &quiz)
    }

    fn quiz(&mut self, body: &mut String, a: usize, counter: &mut usize, scored: bool) {
        let av = &self.cx.assessments[a];
        let form = html::QuizForm {
            class: "trellis-quiz",
            scored: Some(scored),
            essay_label: "Your answer",
            numeric_spellcheck_off: false,
        };
        html::quiz_form(body, av, &form, counter, &mut |h| self.html(h));
    }
}

fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Numbers as people write them: `3`, `2.5`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{}", (x * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(1.0 / 3.0), "0.33");
    }

    #[test]
    fn measures_fit_the_schema_decimal_with_at_most_four_places() {
        assert_eq!(measure(0.8), "0.8");
        assert_eq!(measure(0.75), "0.75");
        assert_eq!(measure(1.0), "1");
        assert_eq!(measure(0.0), "0");
        assert_eq!(measure(2.0 / 3.0), "0.6667");
        assert_eq!(measure(1.5), "1", "clamped to the measure range");
    }

    #[test]
    fn remote_addresses_are_recognised_whatever_their_case() {
        assert!(is_remote("HTTPS://example.org/a.png"));
        assert!(is_remote("//cdn.example.org/a.js"));
        assert!(!is_remote("../assets/a.png"));
        assert!(!is_remote("data:image/png;base64,AAAA"));
    }
}
