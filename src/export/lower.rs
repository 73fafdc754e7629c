//! Lowering: turns a `Document` into the one [`ExportContext`] every exporter reads.
//!
//! Everything exporters would otherwise each redo is done here, once: Markdown is rendered and
//! sanitised through [`crate::markdown::render`] (headings demoted one level because every page
//! has its title as `<h1>`, images given their asset's alt text, `asset:NAME` links pointed at
//! the packaged file), ids are resolved into indices, identifiers are derived from the stable
//! UUIDs ([`ident`]), assets get safe package paths and the order is the document's canonical
//! order. Lowering reads no clock and no files: the time comes in through the options.
//! It deliberately knows nothing about any package format.

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use super::ExportOptions;
use crate::markdown;
use crate::model::*;
use crate::{Finding, Result, Severity, Target};

/// Package directory that [`ExportContext`] HTML points assets at (`assets/NAME`).
pub const ASSET_DIR: &str = "assets";

/// The identifier of an entity in packages: `i` + the UUID's 32 hex digits. Valid as `xs:ID`
/// and `xs:NCName` (never starts with a digit), stable across exports.
pub fn ident(uuid: Uuid) -> String {
    format!("i{}", uuid.simple())
}

/// A second identifier derived from the same UUID (`i<hex>_<tag>`), for packages that need
/// several (an organization item and its resource, a quiz and its QTI file).
pub fn ident_with(uuid: Uuid, tag: &str) -> String {
    format!("i{}_{tag}", uuid.simple())
}

/// Everything an exporter needs, prepared once per export.
pub struct ExportContext<'a> {
    /// The document (for fields the views below do not carry).
    pub doc: &'a Document,
    /// Lookups over the document.
    pub index: Index<'a>,
    /// The options of this export.
    pub options: &'a ExportOptions,
    /// Package identifier (from the curriculum id).
    pub ident: String,
    /// Title (never empty).
    pub title: String,
    /// BCP 47 language tag (never empty; `en` when unset).
    pub language: String,
    /// Description rendered to sanitised HTML.
    pub description_html: String,
    /// Description as plain text.
    pub description_text: String,
    /// Outline nodes in pre-order.
    pub nodes: Vec<NodeView<'a>>,
    /// Objectives in canonical order.
    pub objectives: Vec<ObjectiveView<'a>>,
    /// Activities in canonical order.
    pub activities: Vec<ActivityView<'a>>,
    /// Assessments in canonical order.
    pub assessments: Vec<AssessmentView<'a>>,
    /// Rubrics in document order.
    pub rubrics: Vec<RubricView<'a>>,
    /// Assets in document order, with their package paths.
    pub assets: Vec<AssetView<'a>>,
    /// Problems found while lowering (links to files the document does not hold).
    pub findings: Vec<Finding>,
    node_ix: HashMap<NodeId, usize>,
    objective_ix: HashMap<ObjectiveId, usize>,
    rubric_ix: HashMap<RubricId, usize>,
}

/// A node of the outline.
pub struct NodeView<'a> {
    /// The node.
    pub node: &'a Node,
    /// Package identifier.
    pub ident: String,
    /// Title (never empty: falls back to kind and code).
    pub title: String,
    /// 0 for top-level nodes.
    pub depth: usize,
    /// Parent's index in [`ExportContext::nodes`].
    pub parent: Option<usize>,
    /// Children's indices, in outline order.
    pub children: Vec<usize>,
    /// Summary rendered to sanitised HTML.
    pub summary_html: String,
    /// Indices into [`ExportContext::objectives`].
    pub objectives: Vec<usize>,
    /// Indices into [`ExportContext::activities`].
    pub activities: Vec<usize>,
    /// Indices into [`ExportContext::assessments`].
    pub assessments: Vec<usize>,
    /// Human path (`Course › Unit 2 › Lesson 2.1`).
    pub path: String,
}

/// An objective.
pub struct ObjectiveView<'a> {
    /// The objective.
    pub objective: &'a Objective,
    /// Package identifier.
    pub ident: String,
    /// Index of its node.
    pub node: usize,
    /// Short label: the code, or the first words of the statement.
    pub label: String,
    /// Indices of the objectives it supports.
    pub supports: Vec<usize>,
    /// Framework items it is aligned to.
    pub standards: Vec<&'a StandardItem>,
}

/// An activity.
pub struct ActivityView<'a> {
    /// The activity.
    pub activity: &'a Activity,
    /// Package identifier.
    pub ident: String,
    /// Index of its node.
    pub node: usize,
    /// Title (never empty).
    pub title: String,
    /// Instructions rendered to sanitised HTML.
    pub instructions_html: String,
    /// Indices of aligned objectives.
    pub objectives: Vec<usize>,
    /// Resources with safe targets.
    pub resources: Vec<ResourceView>,
}

/// A resource of an activity, checked.
pub struct ResourceView {
    /// Title (never empty).
    pub title: String,
    /// An `http`, `https` or `mailto` URL (other schemes are dropped with a finding).
    pub url: Option<String>,
    /// Index into [`ExportContext::assets`].
    pub asset: Option<usize>,
}

/// An assessment.
pub struct AssessmentView<'a> {
    /// The assessment.
    pub assessment: &'a Assessment,
    /// Package identifier.
    pub ident: String,
    /// Index of its node.
    pub node: usize,
    /// Title (never empty).
    pub title: String,
    /// Instructions rendered to sanitised HTML.
    pub instructions_html: String,
    /// Points possible: the assessment's, else the sum of its items', else the rubric's maximum.
    pub points: Option<f64>,
    /// Indices of aligned objectives.
    pub objectives: Vec<usize>,
    /// Index into [`ExportContext::rubrics`].
    pub rubric: Option<usize>,
    /// Quiz items in order.
    pub items: Vec<ItemView<'a>>,
}

/// A quiz item.
pub struct ItemView<'a> {
    /// The item.
    pub item: &'a QuizItem,
    /// Package identifier.
    pub ident: String,
    /// Stem rendered to sanitised HTML.
    pub stem_html: String,
    /// Stem as plain text (item titles).
    pub stem_text: String,
    /// Feedback on a correct answer, as HTML (empty when none).
    pub feedback_correct_html: String,
    /// Feedback on an incorrect answer, as HTML (empty when none).
    pub feedback_incorrect_html: String,
    /// Choices (multiple choice / response), in order.
    pub choices: Vec<ChoiceView>,
    /// Indices of aligned objectives.
    pub objectives: Vec<usize>,
}

/// A choice of a quiz item.
pub struct ChoiceView {
    /// Package identifier.
    pub ident: String,
    /// Text rendered inline to sanitised HTML.
    pub html: String,
    /// Whether it is correct.
    pub correct: bool,
    /// Feedback as HTML (empty when none).
    pub feedback_html: String,
}

/// A rubric.
pub struct RubricView<'a> {
    /// The rubric.
    pub rubric: &'a Rubric,
    /// Package identifier.
    pub ident: String,
    /// Description rendered to sanitised HTML.
    pub description_html: String,
    /// Highest total: per criterion the best level's points times the weight.
    pub max_points: f64,
    /// Per criterion, the index of the aligned objective.
    pub criterion_objectives: Vec<Option<usize>>,
}

/// An asset with its place in packages.
pub struct AssetView<'a> {
    /// The stored file.
    pub asset: &'a Asset,
    /// Package path relative to the package root (`assets/plot.png`).
    pub path: String,
}

impl<'a> ExportContext<'a> {
    /// Index of a node in [`ExportContext::nodes`].
    pub fn node_index(&self, id: NodeId) -> Option<usize> {
        self.node_ix.get(&id).copied()
    }
    /// Index of an objective in [`ExportContext::objectives`].
    pub fn objective_index(&self, id: ObjectiveId) -> Option<usize> {
        self.objective_ix.get(&id).copied()
    }
    /// Index of a rubric in [`ExportContext::rubrics`].
    pub fn rubric_index(&self, id: RubricId) -> Option<usize> {
        self.rubric_ix.get(&id).copied()
    }
    /// Top-level nodes' indices.
    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes.iter().enumerate().filter(|(_, n)| n.parent.is_none()).map(|(i, _)| i)
    }
    /// The generated-at time of this export.
    pub fn generated_at(&self) -> &Timestamp {
        &self.options.generated_at
    }
}

/// Builds the context for one export, rendering the Markdown on every core.
pub fn lower<'a>(doc: &'a Document, options: &'a ExportOptions) -> Result<ExportContext<'a>> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    lower_with_threads(doc, options, threads)
}

/// [`lower`] with the Markdown rendered on `threads` threads (1: on the calling thread only).
/// The result is the same for any number of threads: every distinct text is rendered once, on
/// whichever thread, and the views are assembled in document order from those renderings.
pub fn lower_with_threads<'a>(
    doc: &'a Document,
    options: &'a ExportOptions,
    threads: usize,
) -> Result<ExportContext<'a>> {
    let index = doc.index();
    let assets = asset_views(doc);
    let (rendered, broken) = render_all(&markdown_fields(doc), &assets, threads);
    let broken = std::cell::RefCell::new(broken);
    // Every field below was rendered above; rendering again here is only a fallback.
    let render = |md: &str| match rendered.get(md) {
        Some(html) => html.clone(),
        None => render_html(md, &assets, &mut broken.borrow_mut()),
    };

    let node_ix: HashMap<NodeId, usize> = doc.nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let objective_ix: HashMap<ObjectiveId, usize> =
        doc.objectives.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let rubric_ix: HashMap<RubricId, usize> =
        doc.rubrics.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let objectives_of = |ids: &[ObjectiveId]| -> Vec<usize> {
        ids.iter().filter_map(|id| objective_ix.get(id).copied()).collect()
    };

    let mut nodes: Vec<NodeView<'a>> = doc
        .nodes
        .iter()
        .map(|node| {
            let parent = node.parent.and_then(|p| node_ix.get(&p).copied());
            NodeView {
                node,
                ident: ident(node.id.0),
                title: non_empty(&node.title, || format!("{} {}", capitalise(&node.kind), node.code)),
                depth: index.ancestors(node.id).len(),
                parent,
                children: Vec::new(),
                summary_html: render(&node.summary),
                objectives: Vec::new(),
                activities: Vec::new(),
                assessments: Vec::new(),
                path: index.path(node.id),
            }
        })
        .collect();
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[p].children.push(i);
        }
    }

    let objectives: Vec<ObjectiveView<'a>> = doc
        .objectives
        .iter()
        .map(|o| ObjectiveView {
            objective: o,
            ident: ident(o.id.0),
            node: node_ix.get(&o.node).copied().unwrap_or_default(),
            label: objective_label(o),
            supports: objectives_of(&o.supports),
            standards: o.standards.iter().filter_map(|s| index.standard_item(*s)).collect(),
        })
        .collect();
    for (i, o) in objectives.iter().enumerate() {
        if let Some(n) = nodes.get_mut(o.node) {
            n.objectives.push(i);
        }
    }

    let asset_ix: HashMap<AssetId, usize> = assets.iter().enumerate().map(|(i, a)| (a.asset.id, i)).collect();
    let activities: Vec<ActivityView<'a>> = doc
        .activities
        .iter()
        .map(|a| ActivityView {
            activity: a,
            ident: ident(a.id.0),
            node: node_ix.get(&a.node).copied().unwrap_or_default(),
            title: non_empty(&a.title, || "Activity".to_owned()),
            instructions_html: render(&a.instructions),
            objectives: objectives_of(&a.objectives),
            resources: a
                .resources
                .iter()
                .map(|r| ResourceView {
                    title: non_empty(&r.title, || r.url.clone().unwrap_or_else(|| "Resource".to_owned())),
                    url: r.url.as_deref().filter(|u| is_safe_url(u)).map(str::to_owned),
                    asset: r.asset.and_then(|id| asset_ix.get(&id).copied()),
                })
                .collect(),
        })
        .collect();
    for (i, a) in activities.iter().enumerate() {
        if let Some(n) = nodes.get_mut(a.node) {
            n.activities.push(i);
        }
    }

    let rubrics: Vec<RubricView<'a>> = doc
        .rubrics
        .iter()
        .map(|r| RubricView {
            rubric: r,
            ident: ident(r.id.0),
            description_html: render(&r.description),
            max_points: rubric_max_points(r),
            criterion_objectives: r
                .criteria
                .iter()
                .map(|c| c.objective.and_then(|o| objective_ix.get(&o).copied()))
                .collect(),
        })
        .collect();

    let assessments: Vec<AssessmentView<'a>> = doc
        .assessments
        .iter()
        .map(|a| {
            let rubric = a.rubric.and_then(|r| rubric_ix.get(&r).copied());
            let item_points: f64 = a.items.iter().map(|i| i.points).sum();
            let points = a
                .points
                .or((!a.items.is_empty()).then_some(item_points))
                .or(rubric.map(|r| rubrics[r].max_points));
            AssessmentView {
                assessment: a,
                ident: ident(a.id.0),
                node: node_ix.get(&a.node).copied().unwrap_or_default(),
                title: non_empty(&a.title, || "Assessment".to_owned()),
                instructions_html: render(&a.instructions),
                points,
                objectives: objectives_of(&a.objectives),
                rubric,
                items: a.items.iter().map(|item| item_view(item, &render, &objectives_of)).collect(),
            }
        })
        .collect();
    for (i, a) in assessments.iter().enumerate() {
        if let Some(n) = nodes.get_mut(a.node) {
            n.assessments.push(i);
        }
    }

    let c = &doc.curriculum;
    let description_html = render(&c.description);
    Ok(ExportContext {
        doc,
        index,
        options,
        ident: ident(c.id.0),
        title: non_empty(&c.title, || "Untitled curriculum".to_owned()),
        language: non_empty(&c.language, || "en".to_owned()),
        description_html,
        description_text: markdown::to_plain_text(&c.description),
        nodes,
        objectives,
        activities,
        assessments,
        rubrics,
        findings: broken_link_findings(broken.into_inner(), c.id),
        assets,
        node_ix,
        objective_ix,
        rubric_ix,
    })
}

/// Every Markdown field [`lower`] renders, blank ones left out, each distinct text once (in
/// first-seen order, so the work is split the same way on every run).
fn markdown_fields<'d>(doc: &'d Document) -> Vec<&'d str> {
    let mut seen = std::collections::HashSet::new();
    let mut fields = Vec::new();
    let mut add = |md: &'d str| {
        if !md.trim().is_empty() && seen.insert(md) {
            fields.push(md);
        }
    };
    add(&doc.curriculum.description);
    doc.nodes.iter().for_each(|n| add(&n.summary));
    doc.activities.iter().for_each(|a| add(&a.instructions));
    doc.rubrics.iter().for_each(|r| add(&r.description));
    for a in &doc.assessments {
        add(&a.instructions);
        for item in &a.items {
            add(&item.stem);
            add(&item.feedback_correct);
            add(&item.feedback_incorrect);
            if let ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } = &item.body
            {
                for c in choices {
                    add(&c.text);
                    add(&c.feedback);
                }
            }
        }
    }
    fields
}

/// Renders `fields` with [`render_html`] on up to `threads` scoped threads, each taking a
/// contiguous chunk; returns each text's HTML and the union of the dangling links found.
fn render_all<'m>(
    fields: &[&'m str],
    assets: &[AssetView<'_>],
    threads: usize,
) -> (HashMap<&'m str, String>, BTreeSet<String>) {
    let render_chunk = |chunk: &[&'m str]| {
        let mut broken = BTreeSet::new();
        let html: Vec<String> = chunk.iter().map(|md| render_html(md, assets, &mut broken)).collect();
        (html, broken)
    };
    // Below a few hundred fields a thread costs more than it saves.
    let threads = threads.clamp(1, fields.len().div_ceil(256).max(1));
    let parts: Vec<(Vec<String>, BTreeSet<String>)> = if threads == 1 {
        vec![render_chunk(fields)]
    } else {
        let chunk_len = fields.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> =
                fields.chunks(chunk_len).map(|chunk| scope.spawn(move || render_chunk(chunk))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    };
    let mut rendered = HashMap::with_capacity(fields.len());
    let mut broken = BTreeSet::new();
    let mut texts = fields.iter();
    for (html, part_broken) in parts {
        broken.extend(part_broken);
        // `html` first: when a chunk ends, `zip` stops without taking the next text.
        for (html, md) in html.into_iter().zip(texts.by_ref()) {
            rendered.insert(*md, html);
        }
    }
    (rendered, broken)
}

fn item_view<'a>(
    item: &'a QuizItem,
    render: &dyn Fn(&str) -> String,
    objectives_of: &dyn Fn(&[ObjectiveId]) -> Vec<usize>,
) -> ItemView<'a> {
    let choices = match &item.body {
        ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => choices
            .iter()
            .map(|c| ChoiceView {
                ident: ident(c.id.0),
                html: inline(&render(&c.text)),
                correct: c.correct,
                feedback_html: if c.feedback.trim().is_empty() { String::new() } else { render(&c.feedback) },
            })
            .collect(),
        _ => Vec::new(),
    };
    let optional = |md: &str| if md.trim().is_empty() { String::new() } else { render(md) };
    ItemView {
        item,
        ident: ident(item.id.0),
        stem_html: render(&item.stem),
        stem_text: markdown::to_plain_text(&item.stem),
        feedback_correct_html: optional(&item.feedback_correct),
        feedback_incorrect_html: optional(&item.feedback_incorrect),
        choices,
        objectives: objectives_of(&item.objectives),
    }
}

/// Highest total a rubric gives: per criterion the best level's points times the weight.
pub fn rubric_max_points(r: &Rubric) -> f64 {
    let best = r.levels.iter().map(|l| l.points).fold(0.0_f64, f64::max);
    if r.criteria.is_empty() { best } else { r.criteria.iter().map(|c| best * c.weight).sum() }
}

fn objective_label(o: &Objective) -> String {
    if !o.code.trim().is_empty() {
        return o.code.trim().to_owned();
    }
    let words: Vec<&str> = o.statement.split_whitespace().take(8).collect();
    let mut label = words.join(" ");
    if o.statement.split_whitespace().count() > 8 {
        label.push('…');
    }
    non_empty(&label, || "Objective".to_owned())
}

fn non_empty(text: &str, fallback: impl FnOnce() -> String) -> String {
    let t = text.trim();
    if t.is_empty() { fallback().trim().to_owned() } else { t.to_owned() }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a URL may be put in front of learners (`http`, `https`, `mailto`).
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s))
        && !url.chars().any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
}

/// Whether a URL may launch an external (LTI) tool: a URL [`is_safe_url`] allows that is
/// `http` or `https` (not `mailto`).
pub fn is_launch_url(url: &str) -> bool {
    is_safe_url(url) && !url.trim().to_ascii_lowercase().starts_with("mailto:")
}

/// Safe, unique package paths for assets: `assets/` + the name with anything but ASCII letters,
/// digits, `.`, `-`, `_` replaced by `-`, keeping the name's folders (`Uploaded Media/a.png` →
/// `assets/Uploaded-Media/a.png`); clashes get a numeric prefix.
fn asset_views(doc: &Document) -> Vec<AssetView<'_>> {
    let mut used = BTreeSet::new();
    doc.assets
        .iter()
        .map(|asset| {
            let segments: Vec<String> = asset
                .name
                .split('/')
                .map(|segment| {
                    let safe: String =
                        segment
                            .chars()
                            .map(|c| {
                                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                                    c
                                } else {
                                    '-'
                                }
                            })
                            .collect();
                    safe.trim_start_matches('.').to_owned()
                })
                .filter(|segment| !segment.is_empty())
                .collect();
            let (file, folders) = match segments.split_last() {
                Some((file, folders)) => (file.clone(), folders.join("/")),
                None => (format!("asset-{}", asset.id.0.simple()), String::new()),
            };
            let folder = if folders.is_empty() { String::new() } else { format!("{folders}/") };
            let mut candidate = format!("{folder}{file}");
            let mut n = 2;
            while !used.insert(candidate.to_ascii_lowercase()) {
                candidate = format!("{folder}{n}-{file}");
                n += 1;
            }
            AssetView { asset, path: format!("{ASSET_DIR}/{candidate}") }
        })
        .collect()
}

/// Renders Markdown for a page body: `asset:NAME` and `assets/NAME` links point at the packaged
/// asset, headings move one level down (the page title is the `<h1>`), images without alt text
/// get their asset's.
fn render_html(md: &str, assets: &[AssetView<'_>], broken: &mut BTreeSet<String>) -> String {
    if md.trim().is_empty() {
        return String::new();
    }
    // `asset:` is not an allowed URL scheme for the sanitiser; turn it into a relative path first.
    let md =
        md.replace("](asset:", &format!("]({ASSET_DIR}/")).replace("](<asset:", &format!("](<{ASSET_DIR}/"));
    let mut html = point_at_packaged_assets(&markdown::render(&md), assets);
    html = drop_dangling_links(&html, assets, broken);
    html = demote_headings(&html);
    fill_alt_text(&html, assets)
}

/// A one-paragraph fragment without its `<p>` (choice texts).
fn inline(html: &str) -> String {
    let trimmed = html.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// Removes `src`/`href` attributes with relative targets that are not packaged assets (a link
/// to `notes.pdf` that nobody uploaded would be a dead link in every LMS), recording them.
fn drop_dangling_links(html: &str, assets: &[AssetView<'_>], broken: &mut BTreeSet<String>) -> String {
    let mut out = html.to_owned();
    for attr in [" src=\"", " href=\""] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(attr) {
            let value_start = i + attr.len();
            let Some(len) = rest[value_start..].find('"') else { break };
            let value = &rest[value_start..value_start + len];
            let external = value.starts_with('#')
                || value.starts_with("//")
                || value.split('/').next().is_some_and(|first| first.contains(':'));
            let packaged = assets.iter().any(|a| a.path == value);
            result.push_str(&rest[..i]);
            if external || packaged {
                result.push_str(&rest[i..value_start + len + 1]);
            } else {
                broken.insert(value.to_owned());
            }
            rest = &rest[value_start + len + 1..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

fn broken_link_findings(broken: BTreeSet<String>, curriculum: CurriculumId) -> Vec<Finding> {
    broken
        .into_iter()
        .map(|target| Finding {
            code: "X10-dangling-link".into(),
            severity: Severity::Warning,
            message: format!(
                "A link or image points to \"{target}\", which is neither a web address nor a stored file; it was left out of the package."
            ),
            target: Target { kind: "curriculum".into(), id: Some(curriculum.to_string()), path: String::new() },
            hint: "Add the file to the document's assets and refer to it as asset:NAME, or use a full https:// address.".into(),
        })
        .collect()
}

/// Points `src="assets/NAME"` and `href="assets/NAME"` at the packaged file of the asset called
/// NAME. The name in the link may be percent-encoded or not (imports encode parentheses,
/// spaces and non-ASCII; people type them as they are), and `&` is HTML-escaped by the
/// renderer: both spellings find the same asset.
fn point_at_packaged_assets(html: &str, assets: &[AssetView<'_>]) -> String {
    if assets.is_empty() {
        return html.to_owned();
    }
    let by_name: HashMap<&str, &str> =
        assets.iter().map(|a| (a.asset.name.as_str(), a.path.as_str())).collect();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next =
            [" src=\"", " href=\""].iter().filter_map(|attr| rest.find(attr).map(|i| i + attr.len())).min();
        let Some(value_start) = next else { break };
        let Some(len) = rest[value_start..].find('"') else { break };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        let packaged = value.strip_prefix(ASSET_DIR).and_then(|v| v.strip_prefix('/')).and_then(|name| {
            let unescaped = name.replace("&amp;", "&");
            by_name
                .get(unescaped.as_str())
                .or_else(|| by_name.get(percent_decode(&unescaped).as_str()))
                .copied()
        });
        out.push_str(packaged.unwrap_or(value));
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// Decodes `%XX` escapes (invalid UTF-8 is replaced; a `%` without two hex digits stays).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Renumbers headings so that the fragment fits under the page's `<h1>`: the first heading
/// becomes `<h2>` and no heading is more than one level below the one before it (screen-reader
/// users navigate by heading level; skipped levels read as missing sections).
fn demote_headings(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut last_out = 1u32;
    let mut last_in = 0u32;
    let mut open: Option<u32> = None;
    loop {
        let (at, closing) = match (rest.find("<h"), rest.find("</h")) {
            (Some(o), Some(c)) if c < o => (c, true),
            (Some(o), _) => (o, false),
            (None, Some(c)) => (c, true),
            (None, None) => break,
        };
        let digit_at = at + if closing { 3 } else { 2 };
        let level = rest[digit_at..].chars().next().and_then(|c| c.to_digit(10));
        let next = rest[digit_at + 1..].chars().next();
        let is_tag = matches!(level, Some(1..=6)) && matches!(next, Some('>' | ' '));
        if !is_tag {
            out.push_str(&rest[..digit_at]);
            rest = &rest[digit_at..];
            continue;
        }
        let level = level.unwrap_or(2);
        out.push_str(&rest[..at]);
        let new_level = if closing {
            open.take().unwrap_or(level)
        } else {
            let mapped = if last_in == 0 || level > last_in {
                (last_out + 1).min(6)
            } else if level == last_in {
                last_out.max(2)
            } else {
                // Going back up: as many levels up as the source went, but never above h2.
                last_out.saturating_sub(last_in - level).max(2)
            };
            last_in = level;
            last_out = mapped;
            open = Some(mapped);
            mapped
        };
        out.push_str(if closing { "</h" } else { "<h" });
        out.push_str(&new_level.to_string());
        rest = &rest[digit_at + 1..];
    }
    out.push_str(rest);
    out
}

fn fill_alt_text(html: &str, assets: &[AssetView<'_>]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img ") {
        let Some(len) = rest[start..].find('>') else { break };
        let tag = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        let src = attr(tag, "src").unwrap_or_default();
        let alt = attr(tag, "alt").unwrap_or_default();
        let asset_alt = assets.iter().find(|a| a.path == src).map(|a| a.asset.alt.trim()).unwrap_or("");
        if alt.is_empty() && !asset_alt.is_empty() {
            let escaped = super::xml::escape(asset_alt);
            let fixed = if tag.contains(" alt=\"\"") {
                tag.replacen(" alt=\"\"", &format!(" alt=\"{escaped}\""), 1)
            } else {
                tag.replacen("<img ", &format!("<img alt=\"{escaped}\" "), 1)
            };
            out.push_str(&fixed);
        } else {
            out.push_str(tag);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of a double-quoted attribute in one tag (as the sanitiser writes them).
pub(crate) fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Rewrites `src="assets/…"` and `href="assets/…"` in context HTML for a page that lives
/// `prefix` away from the package root (e.g. `"../"` for a page in `wiki_content/`).
pub fn relink(html: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return html.to_owned();
    }
    html.replace(&format!("src=\"{ASSET_DIR}/"), &format!("src=\"{prefix}{ASSET_DIR}/"))
        .replace(&format!("href=\"{ASSET_DIR}/"), &format!("href=\"{prefix}{ASSET_DIR}/"))
}

/// Rewrites `src="assets/…"` and `href="assets/…"` in context HTML so that they start with
/// `to` instead of `assets/` (e.g. `"../web_resources/"` when a format keeps assets elsewhere).
pub fn relink_assets(html: &str, to: &str) -> String {
    let from = format!("{ASSET_DIR}/");
    if to == from {
        return html.to_owned();
    }
    html.replace(&format!("src=\"{from}"), &format!("src=\"{to}"))
        .replace(&format!("href=\"{from}"), &format!("href=\"{to}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_ncnames_even_for_uuids_starting_with_a_digit() {
        let uuid = Uuid::parse_str("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap();
        assert_eq!(ident(uuid), "i0190a1b2c3d47e5f8a9b0c1d2e3f4a5b");
        assert_eq!(ident_with(uuid, "res"), "i0190a1b2c3d47e5f8a9b0c1d2e3f4a5b_res");
    }

    #[test]
    fn asset_links_point_at_packaged_files_with_alt_text() {
        let mut doc = Document::new("T");
        let mut asset = Asset::new("my plot.png", "image/png", vec![1, 2, 3]);
        asset.alt = "A histogram of exam scores".into();
        doc.assets.push(asset);
        let views = asset_views(&doc);
        assert_eq!(views[0].path, "assets/my-plot.png");
        let mut broken = BTreeSet::new();
        let html = render_html(
            "# Data\n\n![](<asset:my plot.png>)\n\n[notes](notes.pdf) ![x](gone.png)",
            &views,
            &mut broken,
        );
        assert!(!html.contains("notes.pdf") && !html.contains("gone.png"), "dangling links go: {html}");
        assert_eq!(broken.into_iter().collect::<Vec<_>>(), ["gone.png", "notes.pdf"]);
        assert!(html.contains("<h2>Data</h2>"), "headings are demoted: {html}");
        assert!(html.contains("src=\"assets/my-plot.png\""), "{html}");
        assert!(html.contains("alt=\"A histogram of exam scores\""), "{html}");
        let headings = render_html("## A\n\n#### B\n\n## C\n\n# D", &views, &mut BTreeSet::new());
        assert_eq!(headings.matches("<h").count(), 4, "four headings: {headings}");
        assert!(
            headings.contains("<h2>A</h2>") && headings.contains("<h3>B</h3>"),
            "no skipped level: {headings}"
        );
        assert!(
            headings.contains("<h2>C</h2>") && headings.contains("<h2>D</h2>"),
            "never above h2: {headings}"
        );
        assert_eq!(
            relink("<img src=\"assets/a.png\">", "../"),
            "<img src=\"../assets/a.png\">",
            "pages in sub-directories reach assets"
        );
    }

    #[test]
    fn asset_links_with_parentheses_or_folders_find_their_file_encoded_or_not() {
        let mut doc = Document::new("T");
        doc.assets.push(Asset::new("Uploaded Media/plot (1).png", "image/png", vec![1]));
        doc.assets.push(Asset::new("notes & more.pdf", "application/pdf", vec![2]));
        let views = asset_views(&doc);
        assert_eq!(views[0].path, "assets/Uploaded-Media/plot--1-.png", "folders are kept");
        for md in [
            "![plot](assets/Uploaded%20Media/plot%20%281%29.png)",
            "![plot](<assets/Uploaded Media/plot (1).png>)",
            "![plot](<asset:Uploaded Media/plot (1).png>)",
        ] {
            let mut broken = BTreeSet::new();
            let html = render_html(md, &views, &mut broken);
            assert!(html.contains("src=\"assets/Uploaded-Media/plot--1-.png\""), "{md}: {html}");
            assert!(broken.is_empty(), "{md}: {broken:?}");
        }
        let html = render_html("[notes](assets/notes%20%26%20more.pdf)", &views, &mut BTreeSet::new());
        assert!(html.contains("href=\"assets/notes---more.pdf\""), "{html}");
    }

    /// Every rendered field of a context, in order, with the findings: what exporters read.
    fn rendered_fields(cx: &ExportContext<'_>) -> Vec<String> {
        let mut out = vec![cx.description_html.clone(), cx.description_text.clone()];
        out.extend(cx.nodes.iter().map(|n| n.summary_html.clone()));
        out.extend(cx.activities.iter().map(|a| a.instructions_html.clone()));
        out.extend(cx.rubrics.iter().map(|r| r.description_html.clone()));
        for a in &cx.assessments {
            out.push(a.instructions_html.clone());
            for item in &a.items {
                out.extend([
                    item.stem_html.clone(),
                    item.stem_text.clone(),
                    item.feedback_correct_html.clone(),
                    item.feedback_incorrect_html.clone(),
                ]);
                for c in &item.choices {
                    out.extend([c.html.clone(), c.feedback_html.clone()]);
                }
            }
        }
        out.extend(cx.findings.iter().map(|f| format!("{} {}", f.code, f.message)));
        out
    }

    #[test]
    fn parallel_lowering_equals_sequential_lowering_on_the_large_curriculum() {
        let mut doc = crate::generate::large(crate::generate::Scale::LARGE);
        let mut asset = Asset::new("plot (1).png", "image/png", vec![1]);
        asset.alt = "A plot".into();
        doc.assets.push(asset);
        // Links spread over every chunk: dangling ones (findings), packaged ones, and texts
        // repeated in many fields (rendered once, handed to each).
        let count = doc.activities.len();
        for (i, a) in doc.activities.iter_mut().enumerate() {
            a.instructions.push_str(&format!(
                "\n\n# Part\n\n![](<asset:plot (1).png>) [notes](missing-{}.pdf)",
                i * 7 % 13
            ));
        }
        for n in doc.nodes.iter_mut().step_by(3) {
            n.summary = "Shared *summary* [gone](gone.pdf)".into();
        }
        let options = ExportOptions::for_document(&doc);
        let sequential = lower_with_threads(&doc, &options, 1).unwrap();
        let seq = rendered_fields(&sequential);
        assert!(count > 1000 && sequential.findings.len() >= 14, "{}", sequential.findings.len());
        assert!(seq.iter().any(
            |h| h.contains("src=\"assets/plot--1-.png\" alt=\"A plot\"") || h.contains("alt=\"A plot\"")
        ));
        for threads in [2, 3, 8] {
            let parallel = lower_with_threads(&doc, &options, threads).unwrap();
            let par = rendered_fields(&parallel);
            assert_eq!(seq.len(), par.len(), "{threads} threads");
            for (i, (s, p)) in seq.iter().zip(&par).enumerate() {
                assert_eq!(s, p, "field {i} differs with {threads} threads");
            }
        }
    }

    #[test]
    fn unsafe_resource_urls_are_recognised() {
        assert!(is_safe_url("https://example.org/x"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url("data:text/html,hi"));
    }
}
