//! IMS Common Cartridge 1.3 and 1.1 packages.
//!
//! The organization mirrors the outline (top-level units become modules, deeper nodes nested
//! folders), lessons and activities become web content pages in `wiki_content/`, discussions
//! discussion topics (imsdt), links web links (imswl), LTI activities Basic LTI links
//! (`imsbasiclti_xmlv1p0` in 1.1, `…v1p3` in 1.3), quizzes and exams QTI 1.2 assessments
//! ([`crate::export::qti`]), assignments and performance tasks the CC 1.3 assignment extension (pages in
//! 1.1, which has none). Shared files (the stylesheet and the document's assets) live in
//! `web_resources/` under one webcontent resource every page depends on. In 1.3, resources
//! aligned to objectives carry curriculum standards metadata (csmd): the objectives' CASE
//! identifiers and those of the framework items they are aligned to.
//!
//! The Canvas profile adds Canvas's own files through [`canvas`]. This module writes
//! files in a fixed order and the manifest last, so the same context gives the same package.

pub(crate) mod canvas;

use std::collections::BTreeSet;

use crate::Result;
use crate::export::html::{self, Page};
use crate::export::lower::{ActivityView, ExportContext, ident_with, is_launch_url, relink_assets};
use crate::export::qti::{self, QtiFlavour};
use crate::export::xml::XmlWriter;
use crate::export::{
    ExportFormat, ExportOptions, ExportReport, Exporter, LmsProfile, PackageWriter, Progress, finding,
    package_findings,
};
use crate::finding::{Finding, Severity, Target};
use crate::model::Document;
use crate::model::{ActivityKind, AssessmentFormat};
use crate::pedagogy::FieldSpec;

/// What a cartridge of this version and profile cannot carry: empty quizzes (`X04`), item types
/// the CC QTI profile degrades (`X05`), assignments in 1.1 (`X06`), Canvas discussions in 1.3
/// (`X11`), outcomes and rubrics outside Canvas (`X07`).
fn cartridge_findings(doc: &Document, version: CcVersion, profile: LmsProfile) -> Vec<Finding> {
    use crate::model::ItemBody;
    use AssessmentFormat as F;
    let mut out = Vec::new();
    let index = doc.index();
    let curriculum =
        || Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() };
    for a in &doc.assessments {
        let path = index.path(a.node);
        if matches!(a.format, F::Quiz | F::Exam) {
            if a.items.is_empty() {
                out.push(finding(
                    "X04-empty-quiz",
                    Severity::Warning,
                    format!(
                        "The {} \"{}\" has no items; it is exported as a page with its instructions.",
                        if a.format == F::Exam { "exam" } else { "quiz" },
                        a.title
                    ),
                    Target { kind: "assessment".into(), id: Some(a.id.to_string()), path: path.clone() },
                    "Add items, or change the format to assignment.",
                ));
            }
            // Canvas reads its own QTI flavour, which keeps numeric and matching items.
            let degrades = profile != LmsProfile::Canvas;
            for item in a.items.iter().filter(|_| degrades) {
                if matches!(item.body, ItemBody::Numeric { .. } | ItemBody::Matching { .. }) {
                    out.push(finding(
                        "X05-item-type-degraded",
                        Severity::Warning,
                        format!(
                            "Item \"{}\" of \"{}\" is a {} item, which the Common Cartridge QTI profile cannot carry; it is exported as {}.",
                            crate::markdown::to_plain_text(&item.stem).chars().take(60).collect::<String>(),
                            a.title,
                            item.body.type_name(),
                            if matches!(item.body, ItemBody::Numeric { .. }) { "a fill-in item accepting the exact answer" } else { "an essay item listing the pairs for manual grading" },
                        ),
                        Target { kind: "item".into(), id: Some(item.id.to_string()), path: path.clone() },
                        "Use a supported item type (multiple choice, multiple response, true/false, short answer, essay) if it must be auto-graded.",
                    ));
                }
            }
        }
        if version == CcVersion::V1p1 && matches!(a.format, F::Assignment | F::PerformanceTask | F::Project) {
            out.push(finding(
                "X06-assignment-as-page",
                Severity::Info,
                format!("Common Cartridge 1.1 has no assignments; \"{}\" is exported as a page with its instructions.", a.title),
                Target { kind: "assessment".into(), id: Some(a.id.to_string()), path },
                "Export Common Cartridge 1.3 to create a gradable assignment.",
            ));
        }
    }
    let discussions = doc.activities.iter().any(|a| a.kind == ActivityKind::Discussion)
        || doc.assessments.iter().any(|a| a.format == F::Discussion);
    if profile == LmsProfile::Canvas && version == CcVersion::V1p3 && discussions {
        out.push(finding(
            "X11-canvas-discussions-cc13",
            Severity::Warning,
            "Canvas reads the discussion topics of a Canvas-profile cartridge only as Common Cartridge 1.1 resources, which a valid 1.3 package cannot contain; the discussions are in the package but Canvas will skip them.".into(),
            curriculum(),
            "Export cc11 with the canvas profile to bring discussions into Canvas (outcomes, rubrics and assignments are kept there too).",
        ));
    }
    if profile != LmsProfile::Canvas && (!doc.rubrics.is_empty() || !doc.objectives.is_empty()) {
        out.push(finding(
            "X07-outcomes-as-metadata",
            Severity::Info,
            format!(
                "The {profile} profile has no portable way to create outcomes and rubrics; objectives and rubrics are exported as pages and standards metadata only."
            ),
            curriculum(),
            "Use the canvas profile to create Canvas outcomes and rubrics.",
        ));
    }
    out
}

/// Which Common Cartridge version to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CcVersion {
    /// 1.1 (no assignments, no curriculum standards metadata).
    V1p1,
    /// 1.3.
    V1p3,
}

/// The Common Cartridge exporter.
pub struct CommonCartridge(pub CcVersion);

/// Where shared files go, and how pages one directory down reach them.
pub(super) const FILES_DIR: &str = "web_resources/";
pub(super) const FROM_SUBDIR: &str = "../web_resources/";
const STYLESHEET_PATH: &str = "web_resources/trellis.css";

/// Names and namespaces that differ between versions.
pub(super) struct Spec {
    pub version: CcVersion,
    manifest_ns: &'static str,
    manifest_xsd: &'static str,
    lom_manifest_ns: &'static str,
    lom_manifest_xsd: &'static str,
    lom_resource_ns: &'static str,
    lom_resource_xsd: &'static str,
    schemaversion: &'static str,
    dt_ns: &'static str,
    dt_xsd: &'static str,
    wl_ns: &'static str,
    wl_xsd: &'static str,
    pub t_topic: &'static str,
    pub t_weblink: &'static str,
    pub t_quiz: &'static str,
    pub t_app: &'static str,
    pub t_lti: &'static str,
}

const CSMD_NS: &str = "http://www.imsglobal.org/xsd/imsccv1p3/imscsmd_v1p0";
const CSMD_XSD: &str = "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscsmd_v1p0.xsd";
const ASSIGNMENT_NS: &str = "http://www.imsglobal.org/xsd/imscc_extensions/assignment";
const ASSIGNMENT_XSD: &str =
    "http://www.imsglobal.org/profile/cc/cc_extensions/cc_extresource_assignmentv1p0_v1p0.xsd";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
// Basic LTI links use the namespaces of IMS LTI 1.0 in both versions (Canvas and the CC 1.3
// binding read them; no CC 1.3 `imslticc_v1p3` schema is available to check against).
const LTICC_NS: &str = "http://www.imsglobal.org/xsd/imslticc_v1p0";
const BLTI_NS: &str = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0";
const LTICM_NS: &str = "http://www.imsglobal.org/xsd/imslticm_v1p0";
const LTICP_NS: &str = "http://www.imsglobal.org/xsd/imslticp_v1p0";

impl Spec {
    pub(super) fn of(version: CcVersion) -> Spec {
        match version {
            CcVersion::V1p3 => Spec {
                version,
                manifest_ns: "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
                manifest_xsd: "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
                lom_manifest_ns: "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest",
                lom_manifest_xsd: "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd",
                lom_resource_ns: "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource",
                lom_resource_xsd: "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomresource_v1p0.xsd",
                schemaversion: "1.3.0",
                dt_ns: "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3",
                dt_xsd: "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imsdt_v1p3.xsd",
                wl_ns: "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3",
                wl_xsd: "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imswl_v1p3.xsd",
                t_topic: "imsdt_xmlv1p3",
                t_weblink: "imswl_xmlv1p3",
                t_quiz: "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
                t_app: "associatedcontent/imscc_xmlv1p3/learning-application-resource",
                t_lti: "imsbasiclti_xmlv1p3",
            },
            CcVersion::V1p1 => Spec {
                version,
                manifest_ns: "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
                manifest_xsd: "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
                lom_manifest_ns: "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
                lom_manifest_xsd: "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd",
                lom_resource_ns: "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource",
                lom_resource_xsd: "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd",
                schemaversion: "1.1.0",
                dt_ns: "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1",
                dt_xsd: "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsdt_v1p1.xsd",
                wl_ns: "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1",
                wl_xsd: "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd",
                t_topic: "imsdt_xmlv1p1",
                t_weblink: "imswl_xmlv1p1",
                t_quiz: "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
                t_app: "associatedcontent/imscc_xmlv1p1/learning-application-resource",
                t_lti: "imsbasiclti_xmlv1p0",
            },
        }
    }
}

/// One manifest resource.
pub(super) struct Res {
    pub ident: String,
    pub kind: String,
    pub href: Option<String>,
    pub files: Vec<String>,
    pub deps: Vec<String>,
    /// Objectives (indices) whose standards metadata the resource carries.
    pub objectives: Vec<usize>,
}

/// What an organization leaf points at (Canvas module items need the kind).
#[derive(Clone, Debug)]
pub(super) enum LeafKind {
    Page,
    Topic,
    WebLink(String),
    /// An LTI link and its launch URL.
    Lti(String),
    /// A course file.
    File,
    Quiz,
    Assignment,
}

/// The organization tree.
pub(super) enum OrgNode {
    Folder { ident: String, title: String, node: usize, children: Vec<OrgNode> },
    Leaf { ident: String, title: String, resource: String, kind: LeafKind },
}

/// State of one export run.
pub(super) struct Run<'c, 'o> {
    pub cx: &'c ExportContext<'c>,
    pub spec: Spec,
    pub canvas: bool,
    pub out: &'o mut dyn PackageWriter,
    progress: &'o mut dyn FnMut(Progress),
    done: u64,
    total: u64,
    pub resources: Vec<Res>,
    pub files_ident: String,
    used_paths: BTreeSet<String>,
    pub report: ExportReport,
}

impl Run<'_, '_> {
    pub(super) fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.out.add(path, bytes)
    }

    fn step(&mut self, message: &str) {
        self.done = (self.done + 1).min(self.total);
        (self.progress)(Progress { done: self.done, total: self.total, message: message.to_owned() });
    }

    /// Writes `body` as a web page in `wiki_content/` and lists it as the webcontent resource
    /// `ident` (depending on the shared files) carrying the standards metadata of `objectives`.
    fn push_page(
        &mut self,
        title: &str,
        ident: &str,
        uuid: uuid::Uuid,
        body: String,
        objectives: Vec<usize>,
    ) -> Result<()> {
        let path = self.page_path("wiki_content/", title, uuid);
        let page = self.page(title, ident, body);
        self.write(&path, page.as_bytes())?;
        let deps = vec![self.files_ident.clone()];
        self.resources.push(Res {
            ident: ident.to_owned(),
            kind: "webcontent".into(),
            href: Some(path.clone()),
            files: vec![path],
            deps,
            objectives,
        });
        Ok(())
    }

    /// A unique page path in `dir` from a title and an id (`wiki_content/sampling-3fa9c2d1.html`).
    fn page_path(&mut self, dir: &str, title: &str, uuid: uuid::Uuid) -> String {
        let hex = uuid.simple().to_string();
        let base = format!("{dir}{}-{}", html::slug(title), &hex[hex.len() - 8..]);
        let mut path = format!("{base}.html");
        let mut n = 2;
        while !self.used_paths.insert(path.to_ascii_lowercase()) {
            path = format!("{base}-{n}.html");
            n += 1;
        }
        path
    }

    pub(super) fn page(&self, title: &str, ident: &str, body: String) -> String {
        let mut meta = Vec::new();
        if self.canvas {
            meta.push(("identifier", ident.to_owned()));
            meta.push(("editing_roles", "teachers".to_owned()));
            meta.push(("workflow_state", canvas::workflow(self.cx, "active").to_owned()));
        }
        let stylesheet = format!("{FROM_SUBDIR}trellis.css");
        Page {
            title,
            lang: &self.cx.language,
            stylesheet: &stylesheet,
            meta,
            body: relink_assets(&body, FROM_SUBDIR),
        }
        .render()
    }
}

impl Exporter for CommonCartridge {
    fn format(&self) -> ExportFormat {
        match self.0 {
            CcVersion::V1p1 => ExportFormat::Cc11,
            CcVersion::V1p3 => ExportFormat::Cc13,
        }
    }

    fn option_specs(&self) -> Vec<FieldSpec> {
        match self.0 {
            // Only 1.3 carries curriculum standards metadata, which names CASE URIs.
            CcVersion::V1p3 => vec![canvas::publish_spec(), crate::export::case::base_uri_spec()],
            CcVersion::V1p1 => vec![canvas::publish_spec()],
        }
    }

    fn preflight(&self, doc: &Document, options: &ExportOptions) -> Vec<Finding> {
        let mut out = package_findings(doc);
        out.extend(cartridge_findings(doc, self.0, options.profile));
        out
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let canvas = cx.options.profile == LmsProfile::Canvas;
        let total = 2
            + cx.assets.len() as u64
            + cx.nodes.len() as u64
            + cx.activities.len() as u64
            + cx.assessments.len() as u64
            + if canvas { 1 } else { 0 };
        let mut run = Run {
            cx,
            spec: Spec::of(self.0),
            canvas,
            out,
            progress,
            done: 0,
            total,
            resources: Vec::new(),
            files_ident: ident_with(cx.doc.curriculum.id.0, "files"),
            used_paths: BTreeSet::new(),
            report: ExportReport::default(),
        };
        (run.progress)(Progress { done: 0, total, message: "Preparing".into() });

        // Shared files first: every page depends on them.
        let mut files = vec![STYLESHEET_PATH.to_owned()];
        run.write(STYLESHEET_PATH, html::STYLESHEET.as_bytes())?;
        run.step("trellis.css");
        for a in &cx.assets {
            // A package only shown as interactive content is carried extracted, below.
            if crate::export::interactive::only_interactive(cx, a.asset) {
                run.step(&a.asset.name);
                continue;
            }
            let path = asset_path(&a.path);
            run.write(&path, &a.asset.data)?;
            files.push(path);
            run.step(&a.asset.name);
        }
        // Interactive content with its player, framed by its activity's page.
        for (path, data) in crate::export::interactive::files(cx)? {
            let path = asset_path(&path);
            run.write(&path, &data)?;
            files.push(path);
        }
        run.resources.push(Res {
            ident: run.files_ident.clone(),
            kind: "webcontent".into(),
            href: None,
            files,
            deps: Vec::new(),
            objectives: Vec::new(),
        });

        let org = build_org(&mut run)?;
        if canvas {
            canvas::course_files(&mut run, &org)?;
            run.step("Canvas course settings");
        }
        let manifest = manifest_xml(&run, &org);
        run.write("imsmanifest.xml", manifest.as_bytes())?;
        run.step("imsmanifest.xml");
        Ok(run.report)
    }
}

/// Package path of an asset (`assets/x.png` → `web_resources/x.png`).
pub(super) fn asset_path(context_path: &str) -> String {
    format!("{FILES_DIR}{}", context_path.trim_start_matches("assets/"))
}

/// Top-level folders: the children of a single root (whose own content comes first as its own
/// folder), or the roots themselves.
fn build_org(run: &mut Run<'_, '_>) -> Result<Vec<OrgNode>> {
    let cx = run.cx;
    let roots: Vec<usize> = cx.roots().collect();
    let mut top = Vec::new();
    if let [root] = roots.as_slice() {
        let root = *root;
        let own = node_content(run, root, false)?;
        if !own.is_empty() {
            top.push(OrgNode::Folder {
                ident: ident_with(cx.nodes[root].node.id.0, "overview"),
                title: cx.nodes[root].title.clone(),
                node: root,
                children: own,
            });
        }
        run.step(&cx.nodes[root].title);
        for &child in &cx.nodes[root].children {
            top.push(node_folder(run, child)?);
        }
    } else {
        for root in roots {
            top.push(node_folder(run, root)?);
        }
    }
    Ok(top)
}

fn node_folder(run: &mut Run<'_, '_>, node: usize) -> Result<OrgNode> {
    let cx = run.cx;
    let n = &cx.nodes[node];
    // A node that is only a page (a lesson without activities, assessments or sub-nodes) is a
    // page in its parent's module, as LMSs show lessons, not a folder holding one page:
    // importing the package gives the same outline back.
    let only_page = n.children.is_empty() && n.activities.is_empty() && n.assessments.is_empty();
    // (Even an empty lesson is a page: an empty folder would come back as a text header.)
    let mut children = node_content(run, node, only_page)?;
    run.step(&n.title);
    if only_page
        && let [OrgNode::Leaf { .. }] = children.as_slice()
        && let Some(page) = children.pop()
    {
        return Ok(page);
    }
    for &child in &cx.nodes[node].children {
        children.push(node_folder(run, child)?);
    }
    Ok(OrgNode::Folder {
        ident: cx.nodes[node].ident.clone(),
        title: cx.nodes[node].title.clone(),
        node,
        children,
    })
}

/// A node's own items: its overview page (when it has a summary or objectives, or
/// `always_page`), activities, assessments.
fn node_content(run: &mut Run<'_, '_>, node: usize, always_page: bool) -> Result<Vec<OrgNode>> {
    let cx = run.cx;
    let n = &cx.nodes[node];
    let mut items = Vec::new();
    if always_page || !n.summary_html.trim().is_empty() || !n.objectives.is_empty() {
        let ident = ident_with(n.node.id.0, "page");
        run.push_page(&n.title, &ident, n.node.id.0, html::node_body(cx, n), n.objectives.clone())?;
        items.push(OrgNode::Leaf {
            ident: ident_with(n.node.id.0, "page_item"),
            title: n.title.clone(),
            resource: ident,
            kind: LeafKind::Page,
        });
    }
    for &a in &n.activities {
        activity_items(run, a, &mut items)?;
        run.step(&cx.activities[a].title);
    }
    for &a in &n.assessments {
        assessment_item(run, a, &mut items)?;
        run.step(&cx.assessments[a].title);
    }
    Ok(items)
}

fn activity_items(run: &mut Run<'_, '_>, i: usize, items: &mut Vec<OrgNode>) -> Result<()> {
    let cx = run.cx;
    let a = &cx.activities[i];
    let uuid = a.activity.id.0;
    // A video that is one video-site address is a web link, as an import of one gives.
    let video_link = a.activity.kind == ActivityKind::Video
        && a.activity.resources.len() == 1
        && a.resources.iter().all(|r| r.url.as_deref().is_some_and(is_video_site));
    let is_link = a.activity.kind == ActivityKind::Link || video_link;
    let has_text = !a.instructions_html.trim().is_empty();
    // An LTI link launches its first http(s) resource; without one it is a page.
    let launch = (a.activity.kind == ActivityKind::Lti)
        .then(|| a.resources.iter().position(|r| r.url.as_deref().is_some_and(is_launch_url)))
        .flatten();
    if a.activity.kind == ActivityKind::Lti && launch.is_none() {
        run.report.findings.push(Finding {
            code: "X14-lti-without-launch-url".into(),
            severity: Severity::Warning,
            message: format!(
                "The LTI activity \"{}\" has no http(s) launch URL, so it is exported as a page.",
                a.title
            ),
            target: Target {
                kind: "activity".into(),
                id: Some(a.activity.id.to_string()),
                path: cx.nodes.get(a.node).map(|n| n.title.clone()).unwrap_or_default(),
            },
            hint: "Add the tool's launch address (https://…) as the activity's first link.".into(),
        });
    }
    if let Some(launch) = launch
        && let Some(url) = a.resources.get(launch).and_then(|r| r.url.clone())
    {
        lti_link(run, a, &url)?;
        items.push(OrgNode::Leaf {
            ident: ident_with(uuid, "item"),
            title: a.title.clone(),
            resource: a.ident.clone(),
            kind: LeafKind::Lti(url),
        });
    } else if let Some(path) = file_only(cx, a) {
        // A reading or video that is one file is the file itself, as LMSs list course files.
        run.resources.push(Res {
            ident: a.ident.clone(),
            kind: "webcontent".into(),
            href: Some(path.clone()),
            files: vec![path],
            deps: Vec::new(),
            objectives: a.objectives.clone(),
        });
        items.push(OrgNode::Leaf {
            ident: ident_with(uuid, "item"),
            title: a.title.clone(),
            resource: a.ident.clone(),
            kind: LeafKind::File,
        });
    } else if a.activity.kind == ActivityKind::Discussion {
        let body = html::activity_body(cx, a);
        topic(run, &a.ident, &a.title, &body, a.objectives.clone())?;
        items.push(OrgNode::Leaf {
            ident: ident_with(uuid, "item"),
            title: a.title.clone(),
            resource: a.ident.clone(),
            kind: LeafKind::Topic,
        });
    } else if !is_link || has_text {
        run.push_page(&a.title, &a.ident, uuid, html::activity_body(cx, a), a.objectives.clone())?;
        items.push(OrgNode::Leaf {
            ident: ident_with(uuid, "item"),
            title: a.title.clone(),
            resource: a.ident.clone(),
            kind: LeafKind::Page,
        });
    }
    // Each web address becomes a web link right after its activity.
    for (n, r) in a.resources.iter().enumerate() {
        let Some(url) = &r.url else { continue };
        if launch == Some(n) {
            continue;
        }
        let ident = ident_with(uuid, &format!("link{}", n + 1));
        let path = format!("{ident}/weblink.xml");
        let mut w = XmlWriter::new();
        let location = format!("{} {}", run.spec.wl_ns, run.spec.wl_xsd);
        w.start(
            "webLink",
            &[("xmlns", run.spec.wl_ns), ("xmlns:xsi", XSI), ("xsi:schemaLocation", &location)],
        );
        w.text("title", &r.title);
        w.empty("url", &[("href", url), ("target", "_blank")]);
        run.write(&path, w.finish().as_bytes())?;
        run.resources.push(Res {
            ident: ident.clone(),
            kind: run.spec.t_weblink.into(),
            href: None,
            files: vec![path],
            deps: Vec::new(),
            objectives: a.objectives.clone(),
        });
        let title = if is_link && a.resources.iter().filter(|r| r.url.is_some()).count() == 1 && !has_text {
            a.title.clone()
        } else {
            r.title.clone()
        };
        items.push(OrgNode::Leaf {
            ident: format!("{ident}_item"),
            title,
            resource: ident,
            kind: LeafKind::WebLink(url.clone()),
        });
    }
    Ok(())
}

/// Whether a web address is on a video site (YouTube, Vimeo), which a cartridge import makes a
/// video activity.
fn is_video_site(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["youtube.com", "youtu.be", "vimeo.com"].iter().any(|h| lower.contains(h))
}

/// The package path of the one file a reading or video consists of: no instructions, one
/// resource that is a stored file with the activity's title, and the kind an import gives such
/// a file (video for video and audio, reading otherwise).
fn file_only(cx: &ExportContext<'_>, a: &ActivityView<'_>) -> Option<String> {
    let [resource] = a.activity.resources.as_slice() else { return None };
    let [view] = a.resources.as_slice() else { return None };
    let asset = cx.assets.get(view.asset?)?;
    let media = asset.asset.media_type.split('/').next().unwrap_or_default();
    let kind = if matches!(media, "video" | "audio") { ActivityKind::Video } else { ActivityKind::Reading };
    (a.activity.kind == kind
        && a.activity.instructions.trim().is_empty()
        && resource.url.is_none()
        && resource.title.trim() == a.title
        && a.title == a.activity.title.trim())
    .then(|| asset_path(&asset.path))
}

/// Writes an IMS Basic LTI link (`cartridge_basiclti_link`): the activity's title, its
/// instructions as the plain-text description (paragraphs kept), the launch URL (also as the
/// secure launch URL when it is https) and the unknown vendor Canvas writes too.
fn lti_link(run: &mut Run<'_, '_>, a: &ActivityView<'_>, url: &str) -> Result<()> {
    let path = format!("{}/basiclti.xml", a.ident);
    let mut w = XmlWriter::new();
    let location = [
        (LTICC_NS, "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0.xsd"),
        (BLTI_NS, "http://www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd"),
        (LTICM_NS, "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd"),
        (LTICP_NS, "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd"),
    ]
    .map(|(ns, xsd)| format!("{ns} {xsd}"))
    .join(" ");
    w.start(
        "cartridge_basiclti_link",
        &[
            ("xmlns", LTICC_NS),
            ("xmlns:blti", BLTI_NS),
            ("xmlns:lticm", LTICM_NS),
            ("xmlns:lticp", LTICP_NS),
            ("xmlns:xsi", XSI),
            ("xsi:schemaLocation", &location),
        ],
    );
    w.text("blti:title", &a.title);
    let description = plain_paragraphs(&a.activity.instructions);
    if !description.is_empty() {
        w.text("blti:description", &description);
    }
    w.text("blti:launch_url", url);
    if url.trim().to_ascii_lowercase().starts_with("https://") {
        w.text("blti:secure_launch_url", url);
    }
    w.start("blti:vendor", &[]);
    w.text("lticp:code", "unknown");
    w.text("lticp:name", "unknown");
    w.end();
    run.write(&path, w.finish().as_bytes())?;
    run.resources.push(Res {
        ident: a.ident.clone(),
        kind: run.spec.t_lti.into(),
        href: None,
        files: vec![path],
        deps: Vec::new(),
        objectives: a.objectives.clone(),
    });
    Ok(())
}

/// Markdown as plain text, paragraph by paragraph (blank-line separated), for descriptions
/// that are text only.
fn plain_paragraphs(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .map(crate::markdown::to_plain_text)
        .filter(|p| !p.is_empty())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Writes a discussion topic.
fn topic(run: &mut Run<'_, '_>, ident: &str, title: &str, body: &str, objectives: Vec<usize>) -> Result<()> {
    let path = format!("{ident}/topic.xml");
    let mut w = XmlWriter::new();
    let location = format!("{} {}", run.spec.dt_ns, run.spec.dt_xsd);
    w.start("topic", &[("xmlns", run.spec.dt_ns), ("xmlns:xsi", XSI), ("xsi:schemaLocation", &location)]);
    w.text("title", title);
    w.elem("text", &[("texttype", "text/html")], &relink_assets(body, FROM_SUBDIR));
    run.write(&path, w.finish().as_bytes())?;
    run.resources.push(Res {
        ident: ident.to_owned(),
        kind: run.spec.t_topic.into(),
        href: None,
        files: vec![path],
        deps: vec![run.files_ident.clone()],
        objectives,
    });
    Ok(())
}

fn assessment_item(run: &mut Run<'_, '_>, i: usize, items: &mut Vec<OrgNode>) -> Result<()> {
    let cx = run.cx;
    let a = &cx.assessments[i];
    let uuid = a.assessment.id.0;
    let mut objectives = a.objectives.clone();
    for item in &a.items {
        for &o in &item.objectives {
            if !objectives.contains(&o) {
                objectives.push(o);
            }
        }
    }
    let empty_quiz =
        a.items.is_empty() && matches!(a.assessment.format, AssessmentFormat::Quiz | AssessmentFormat::Exam);
    let kind = match a.assessment.format {
        // QTI needs at least one item; a quiz without items is a page until it gets some.
        AssessmentFormat::Quiz | AssessmentFormat::Exam if empty_quiz => {
            run.push_page(&a.title, &a.ident, uuid, html::assignment_body(cx, a), objectives)?;
            LeafKind::Page
        }
        AssessmentFormat::Quiz | AssessmentFormat::Exam => {
            let path = format!("{}/assessment_qti.xml", a.ident);
            let (xml, findings) = qti::assessment_xml(cx, a, QtiFlavour::CommonCartridge, FROM_SUBDIR);
            if !run.canvas {
                run.report.findings.extend(findings);
            }
            run.write(&path, xml.as_bytes())?;
            let mut deps = vec![run.files_ident.clone()];
            if run.canvas {
                deps.push(canvas::quiz_files(run, i)?);
            }
            run.resources.push(Res {
                ident: a.ident.clone(),
                kind: run.spec.t_quiz.into(),
                href: None,
                files: vec![path],
                deps,
                objectives,
            });
            LeafKind::Quiz
        }
        AssessmentFormat::Discussion if run.canvas => {
            // A Canvas graded discussion: the topic with its assignment (points, group) in
            // Canvas's topicMeta, which Canvas shows itself; the text is the instructions.
            topic(run, &a.ident, &a.title, &a.instructions_html, objectives)?;
            let meta = canvas::topic_meta(run, i)?;
            if let Some(topic) = run.resources.iter_mut().rev().find(|r| r.ident == a.ident) {
                topic.deps.push(meta);
            }
            LeafKind::Topic
        }
        AssessmentFormat::Discussion => {
            let body = html::assignment_body(cx, a);
            topic(run, &a.ident, &a.title, &body, objectives)?;
            LeafKind::Topic
        }
        AssessmentFormat::Assignment | AssessmentFormat::PerformanceTask | AssessmentFormat::Project => {
            let body = html::assignment_body(cx, a);
            // Canvas shows the points and the rubric of an assignment itself (from its
            // settings and rubrics.xml): its page holds the instructions and the task.
            let canvas_body = canvas_assignment_body(cx, a);
            if run.spec.version == CcVersion::V1p3 {
                let path = format!("{}/assignment.xml", a.ident);
                let mut w = XmlWriter::new();
                let location = format!("{ASSIGNMENT_NS} {ASSIGNMENT_XSD}");
                w.start(
                    "assignment",
                    &[
                        ("identifier", &a.ident),
                        ("xmlns", ASSIGNMENT_NS),
                        ("xmlns:xsi", XSI),
                        ("xsi:schemaLocation", &location),
                    ],
                );
                w.text("title", &a.title);
                let text = if run.canvas { &canvas_body } else { &body };
                w.elem("text", &[("texttype", "text/html")], &relink_assets(text, FROM_SUBDIR));
                w.text("gradable", "true");
                w.start("submission_formats", &[]);
                for format in ["html", "file", "url"] {
                    w.empty("format", &[("type", format)]);
                }
                w.end();
                run.write(&path, w.finish().as_bytes())?;
                let mut deps = vec![run.files_ident.clone()];
                if run.canvas {
                    deps.push(canvas::assignment_files(run, i, &canvas_body)?.0);
                }
                run.resources.push(Res {
                    ident: a.ident.clone(),
                    kind: "assignment_xmlv1p0".into(),
                    href: Some(path.clone()),
                    files: vec![path],
                    deps,
                    objectives,
                });
                LeafKind::Assignment
            } else {
                // CC 1.1 has no assignments: the instructions become a page. For Canvas the
                // settings file turns it back into an assignment, and the page stays out of
                // `wiki_content/` so that Canvas does not also make it a wiki page.
                let mut deps = vec![run.files_ident.clone()];
                let (path, kind) = if run.canvas {
                    let (settings, html) = canvas::assignment_files(run, i, &canvas_body)?;
                    deps.push(settings);
                    (html, LeafKind::Assignment)
                } else {
                    let path = run.page_path("wiki_content/", &a.title, uuid);
                    let page = run.page(&a.title, &a.ident, body.clone());
                    run.write(&path, page.as_bytes())?;
                    (path, LeafKind::Page)
                };
                run.resources.push(Res {
                    ident: a.ident.clone(),
                    kind: "webcontent".into(),
                    href: Some(path.clone()),
                    files: vec![path],
                    deps,
                    objectives,
                });
                kind
            }
        }
    };
    items.push(OrgNode::Leaf {
        ident: ident_with(uuid, "item"),
        title: a.title.clone(),
        resource: a.ident.clone(),
        kind,
    });
    Ok(())
}

/// An assignment's page for Canvas: Canvas shows the points and the rubric from its own files,
/// so an assignment without a GRASPS task gets its instructions alone (with one, the whole
/// body, which lays out the task).
fn canvas_assignment_body(cx: &ExportContext<'_>, a: &crate::export::lower::AssessmentView<'_>) -> String {
    if a.assessment.grasps.is_none() { a.instructions_html.clone() } else { html::assignment_body(cx, a) }
}

fn manifest_xml(run: &Run<'_, '_>, org: &[OrgNode]) -> String {
    let cx = run.cx;
    let spec = &run.spec;
    let v13 = spec.version == CcVersion::V1p3;
    let mut location = format!(
        "{} {} {} {} {} {}",
        spec.manifest_ns,
        spec.manifest_xsd,
        spec.lom_manifest_ns,
        spec.lom_manifest_xsd,
        spec.lom_resource_ns,
        spec.lom_resource_xsd
    );
    let mut attrs = vec![
        ("identifier", cx.ident.as_str()),
        ("xmlns", spec.manifest_ns),
        ("xmlns:lomimscc", spec.lom_manifest_ns),
        ("xmlns:lom", spec.lom_resource_ns),
    ];
    if v13 {
        attrs.push(("xmlns:csmd", CSMD_NS));
        location.push_str(&format!(" {CSMD_NS} {CSMD_XSD}"));
    }
    attrs.push(("xmlns:xsi", XSI));
    attrs.push(("xsi:schemaLocation", &location));
    let mut w = XmlWriter::new();
    w.start("manifest", &attrs);

    w.start("metadata", &[]);
    w.text("schema", "IMS Common Cartridge");
    w.text("schemaversion", spec.schemaversion);
    w.start("lomimscc:lom", &[]);
    w.start("lomimscc:general", &[]);
    lang_string(&mut w, "lomimscc:title", &cx.title, &cx.language);
    w.text("lomimscc:language", &cx.language);
    if !cx.description_text.is_empty() {
        lang_string(&mut w, "lomimscc:description", &cx.description_text, &cx.language);
    }
    let c = &cx.doc.curriculum;
    let mut keywords: Vec<&str> = Vec::new();
    for k in [c.code.trim(), c.level.trim()] {
        if !k.is_empty() && !keywords.contains(&k) {
            keywords.push(k);
        }
    }
    for k in keywords {
        lang_string(&mut w, "lomimscc:keyword", k, &cx.language);
    }
    w.end(); // general
    w.start("lomimscc:lifeCycle", &[]);
    w.start("lomimscc:contribute", &[]);
    w.start("lomimscc:date", &[]);
    let date: String = cx.generated_at().as_str().chars().take(10).collect();
    w.text("lomimscc:dateTime", &date);
    w.end();
    w.end();
    w.end(); // lifeCycle
    w.end(); // lom
    w.end(); // metadata

    w.start("organizations", &[]);
    w.start("organization", &[("identifier", &ident_with(c.id.0, "org")), ("structure", "rooted-hierarchy")]);
    w.start("item", &[("identifier", "LearningModules")]);
    for node in org {
        org_item(&mut w, node);
    }
    w.end();
    w.end();
    w.end();

    w.start("resources", &[]);
    for r in &run.resources {
        let mut attrs = vec![("identifier", r.ident.as_str()), ("type", r.kind.as_str())];
        if let Some(href) = &r.href {
            attrs.push(("href", href));
        }
        w.start("resource", &attrs);
        if v13 {
            standards_metadata(&mut w, cx, &r.objectives);
        }
        for f in &r.files {
            w.empty("file", &[("href", f)]);
        }
        for d in &r.deps {
            w.empty("dependency", &[("identifierref", d)]);
        }
        w.end();
    }
    w.end();
    w.finish()
}

fn lang_string(w: &mut XmlWriter, name: &str, text: &str, lang: &str) {
    w.start(name, &[]);
    let string = format!("{}:string", name.split(':').next().unwrap_or("lomimscc"));
    w.elem(&string, &[("language", lang)], text);
    w.end();
}

fn org_item(w: &mut XmlWriter, node: &OrgNode) {
    match node {
        OrgNode::Folder { ident, title, children, .. } => {
            w.start("item", &[("identifier", ident)]);
            w.text("title", title);
            for child in children {
                org_item(w, child);
            }
            w.end();
        }
        OrgNode::Leaf { ident, title, resource, .. } => {
            w.start("item", &[("identifier", ident), ("identifierref", resource)]);
            w.text("title", title);
            w.end();
        }
    }
}

/// Curriculum standards metadata: the objectives themselves (as in the CASE export of this
/// curriculum) and every framework item they are aligned to, one entry per provider.
fn standards_metadata(w: &mut XmlWriter, cx: &ExportContext<'_>, objectives: &[usize]) {
    if objectives.is_empty() {
        return;
    }
    // (provider, [(label, guid)]) in first-seen order.
    let mut providers: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut add = |provider: String, label: String, guid: String| {
        let entry = match providers.iter().position(|(p, _)| *p == provider) {
            Some(i) => &mut providers[i].1,
            None => {
                providers.push((provider, Vec::new()));
                let last = providers.len() - 1;
                &mut providers[last].1
            }
        };
        if !entry.iter().any(|(_, g)| *g == guid) {
            entry.push((label, guid));
        }
    };
    let own_provider = crate::export::case::document_uri(cx);
    for &o in objectives {
        let view = &cx.objectives[o];
        add(own_provider.clone(), view.label.clone(), view.objective.id.to_string());
        for s in &view.standards {
            let framework = cx.doc.frameworks.iter().find(|f| f.id == s.framework);
            let provider = framework
                .map(|f| {
                    [f.uri.trim(), f.identifier.trim()]
                        .into_iter()
                        .find(|p| !p.is_empty())
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("urn:uuid:{}", f.id))
                })
                .unwrap_or_default();
            let guid = if s.identifier.trim().is_empty() {
                s.id.to_string()
            } else {
                s.identifier.trim().to_owned()
            };
            let label = if s.code.trim().is_empty() {
                s.statement.chars().take(60).collect()
            } else {
                s.code.clone()
            };
            add(provider, label, guid);
        }
    }
    w.start("metadata", &[]);
    w.start("csmd:curriculumStandardsMetadataSet", &[]);
    for (provider, guids) in providers {
        w.start("csmd:curriculumStandardsMetadata", &[("providerId", &provider)]);
        w.start("csmd:setOfGUIDs", &[]);
        for (label, guid) in guids {
            w.start("csmd:labelledGUID", &[]);
            if !label.trim().is_empty() {
                w.text("csmd:label", label.trim());
            }
            w.text("csmd:GUID", &guid);
            w.end();
        }
        w.end();
        w.end();
    }
    w.end();
    w.end();
}
