//! The committee review packet: ONE self-contained HTML file (inline CSS and SVG, no scripts,
//! no external references) with the summary, the Quality-Matters-style checklist, the
//! accessibility findings counted by WCAG criterion (Quality Matters 8), every finding grouped
//! by severity, the outline, every view (curriculum map, alignment matrix,
//! Bloom table, standards heatmap, workload chart, sequence graph), comments, review status
//! and audit trail, the evidence of learning when the document holds results (aggregates only),
//! and optionally the changes since a snapshot. Print CSS gives clean pages;
//! [`super::pdf`] prints it with a headless browser.
//!
//! Rendering is deterministic: the time of generation is passed in, never read here. Document
//! text is escaped and Markdown is reduced to plain text, so nothing in a document can add a
//! link, an image or a script to the packet.

use std::collections::HashMap;
use std::fmt::Write;

use crate::finding::{Finding, Severity};
use crate::model::{BloomLevel, Document, Emphasis, KnowledgeDimension, Node, NodeId, ReviewStatus};
use crate::pedagogy::templates::Catalog;

use crate::evidence::Evidence;
use crate::evidence::analysis::{self as evidence_analysis, Analysis, Cell};
use crate::evidence::mastery::{self, MasteryReport};

use super::checklist::{ChecklistItem, Status, checklist};
use super::html::{CSS, esc, md_plain, num, pct};
use super::views::{self, ColumnKind, MapGap, Views};
use super::{Ctx, Scope, SeverityCounts, accessibility, alignment, diff, svg};

/// Dense alignment matrices are drawn up to this many columns; wider ones become lists.
pub const MAX_MATRIX_COLUMNS: usize = 40;

/// Options of the packet.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions<'a> {
    /// Shown in the header and footer (e.g. an RFC 3339 timestamp).
    pub generated_at: Option<String>,
    /// Include "changes since" this earlier version: `(name, document)`.
    pub since: Option<(&'a str, &'a Document)>,
}

/// Renders the review packet of a document. `templates` resolves the document's template (pass
/// the user's catalog so a user template's checks are in the packet, as in `trellis check`).
pub fn render(doc: &Document, templates: &Catalog, opts: &ReportOptions) -> String {
    render_with_evidence(doc, templates, opts, None)
}

/// [`render`], with an "Evidence of learning" section (and the evidence findings `E…` among the
/// findings) when `evidence` holds results. The section shows aggregates only: no learner's
/// pseudonym or name reaches the packet.
pub fn render_with_evidence(
    doc: &Document,
    templates: &Catalog,
    opts: &ReportOptions,
    evidence: Option<&Evidence>,
) -> String {
    let evidence = evidence.filter(|e| !e.results.is_empty()).map(|e| {
        let report = mastery::compute(doc, e);
        let analysis = evidence_analysis::analyse(doc, e, &report, evidence_analysis::Options::default());
        (e, report, analysis)
    });
    let mut findings = super::check(doc, templates);
    if let Some((_, _, analysis)) = &evidence {
        findings.extend(evidence_analysis::findings(doc, analysis));
        super::sort_findings(doc, &mut findings);
    }
    let views = views::all_with(doc, &findings);
    let list = checklist(doc, &findings, templates.template_of(doc));
    let cx = Ctx::new(doc);
    let mut r = Packet { out: String::with_capacity(64 * 1024), cx: &cx };
    let c = &doc.curriculum;
    let title = if c.code.is_empty() { c.title.clone() } else { format!("{} — {}", c.code, c.title) };
    let _ = write!(
        r.out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><meta name=\"generator\" content=\"Trellis {}\"/><title>Review packet: {}</title><style>{CSS}</style></head><body>",
        esc(&c.language),
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    let _ = write!(
        r.out,
        "<header class=\"cover\"><p class=\"eyebrow\">Curriculum review packet</p><h1>{}</h1>{}<p class=\"muted\">{}</p></header>",
        esc(&title),
        md_plain(&c.description),
        esc(&opts.generated_at.as_ref().map(|g| format!("Generated {g}")).unwrap_or_default())
    );
    r.contents(opts.since.is_some(), evidence.is_some());
    r.summary(&findings, &list, &views);
    r.checklist(&list);
    r.accessibility(&findings);
    r.findings(&findings);
    r.outline();
    r.curriculum_map(&views);
    r.alignment(&views);
    r.bloom(&views);
    r.standards(&views);
    r.workload(&views);
    r.sequence(&views);
    r.review();
    if let Some((e, report, analysis)) = &evidence {
        r.evidence(e, report, analysis, opts.since.map(|(name, _)| name));
    }
    if let Some((name, old)) = opts.since {
        let d = diff::diff(old, doc);
        let _ = write!(
            r.out,
            "<section id=\"changes\"><h2>Changes since “{}”</h2>{}</section>",
            esc(name),
            diff::render_html_fragment(&d)
        );
    }
    let _ = writeln!(
        r.out,
        "<footer><p>Trellis {} review packet{}. Findings codes are explained in the Trellis documentation (docs/findings.md).</p></footer></body></html>",
        env!("CARGO_PKG_VERSION"),
        esc(&opts.generated_at.as_ref().map(|g| format!(", generated {g}")).unwrap_or_default())
    );
    r.out
}

struct Packet<'a, 'd> {
    out: String,
    cx: &'a Ctx<'d>,
}

fn level_badge(level: Option<BloomLevel>) -> String {
    match level {
        Some(l) => format!("<span class=\"lvl lvl-{}\">{}</span>", l.as_str(), alignment::level_name(l)),
        None => "<span class=\"lvl lvl-none\">no level</span>".to_owned(),
    }
}

/// The level badge of an objective; affective and psychomotor objectives without a cognitive
/// level show their domain instead of "no level".
fn objective_badge(cx: &Ctx, id: crate::model::ObjectiveId) -> String {
    let level = cx.level(id);
    match cx.objective(id).map(|o| o.domain) {
        Some(crate::model::Domain::Affective) if level.is_none() => {
            "<span class=\"lvl lvl-domain\">affective</span>".to_owned()
        }
        Some(crate::model::Domain::Psychomotor) if level.is_none() => {
            "<span class=\"lvl lvl-domain\">psychomotor</span>".to_owned()
        }
        _ => level_badge(level),
    }
}

fn status_badge(s: ReviewStatus) -> String {
    let label = match s {
        ReviewStatus::Draft => "draft",
        ReviewStatus::InReview => "in review",
        ReviewStatus::ChangesRequested => "changes requested",
        ReviewStatus::Approved => "approved",
    };
    format!("<span class=\"status status-{}\">{label}</span>", s.as_str())
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Information",
    }
}

impl Packet<'_, '_> {
    fn doc(&self) -> &Document {
        self.cx.doc
    }

    fn badge_for(&self, o: &views::ObjectiveRef) -> String {
        match o.id.parse() {
            Ok(id) => objective_badge(self.cx, id),
            Err(_) => level_badge(o.level),
        }
    }

    fn contents(&mut self, changes: bool, evidence: bool) {
        let mut items = vec![
            ("summary", "Summary"),
            ("checklist", "Quality checklist"),
            ("accessibility", "Accessibility (QM 8)"),
            ("findings", "Findings"),
            ("outline", "Outline"),
            ("curriculum-map", "Curriculum map"),
            ("alignment", "Alignment matrix"),
            ("bloom", "Bloom taxonomy table"),
            ("standards", "Standards coverage"),
            ("workload", "Workload"),
            ("sequence", "Sequence graph"),
            ("review", "Review"),
        ];
        if evidence {
            items.push(("evidence", "Evidence of learning"));
        }
        if changes {
            items.push(("changes", "Changes"));
        }
        self.out.push_str("<nav class=\"toc\"><h2>Contents</h2><ol>");
        for (id, label) in items {
            let _ = write!(self.out, "<li><a href=\"#{id}\">{label}</a></li>");
        }
        self.out.push_str("</ol></nav>");
    }

    fn summary(&mut self, findings: &[Finding], list: &[ChecklistItem], views: &Views) {
        let doc = self.cx.doc;
        let c = &doc.curriculum;
        let credits = match (c.credits, c.credit_system) {
            (Some(cr), crate::model::CreditSystem::UsCreditHours) => {
                format!("{} US semester credit hours", num(cr))
            }
            (Some(cr), crate::model::CreditSystem::Ects) => format!("{} ECTS", num(cr)),
            (Some(cr), crate::model::CreditSystem::None) => format!("{} credits", num(cr)),
            (None, _) => "not stated".to_owned(),
        };
        self.out.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"grid\"><dl class=\"facts\">");
        let facts = [
            ("Code", c.code.clone()),
            ("Level", c.level.clone()),
            ("Audience", c.audience.clone()),
            ("Language", c.language.clone()),
            ("Credits", credits),
            ("Teaching weeks", c.weeks.map(|w| w.to_string()).unwrap_or_default()),
            ("Template", c.template.clone().unwrap_or_default()),
            ("Last edited", c.updated_at.to_string()),
        ];
        for (k, v) in facts {
            if !v.is_empty() {
                let _ = write!(self.out, "<dt>{k}</dt><dd>{}</dd>", esc(&v));
            }
        }
        self.out.push_str("</dl>");
        let counts = SeverityCounts::of(findings);
        let met = list.iter().filter(|i| i.status == Status::Met).count();
        let judged = list.iter().filter(|i| i.status != Status::NotApplicable).count();
        let items: usize = doc.assessments.iter().map(|a| a.items.len()).sum();
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for n in &doc.nodes {
            match kinds.iter_mut().find(|(k, _)| *k == n.kind) {
                Some(e) => e.1 += 1,
                None => kinds.push((n.kind.clone(), 1)),
            }
        }
        let outline = kinds.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join(", ");
        let w = &views.workload;
        let workload = match w.expected_hours {
            Some(e) if (e.low - e.high).abs() < 0.01 => {
                format!("{} h planned of {} h", num(w.total_hours), num(e.low))
            }
            Some(e) => format!("{} h planned of {}–{} h", num(w.total_hours), num(e.low), num(e.high)),
            None => format!("{} h planned", num(w.total_hours)),
        };
        let open_comments = doc.comments.iter().filter(|c| !c.resolved).count();
        let approved = doc.nodes.iter().filter(|n| n.status == ReviewStatus::Approved).count();
        let cards = [
            ("Outline", if outline.is_empty() { "empty".to_owned() } else { outline }),
            ("Objectives", doc.objectives.len().to_string()),
            ("Activities", doc.activities.len().to_string()),
            ("Assessments", format!("{} ({items} quiz items)", doc.assessments.len())),
            ("Rubrics", doc.rubrics.len().to_string()),
            (
                "Standards",
                format!("{} items in {} frameworks", doc.standard_items.len(), doc.frameworks.len()),
            ),
            ("Workload", workload),
            (
                "Review",
                format!("{approved} of {} nodes approved; {open_comments} open comments", doc.nodes.len()),
            ),
        ];
        self.out.push_str("<dl class=\"facts\">");
        for (k, v) in cards {
            let _ = write!(self.out, "<dt>{k}</dt><dd>{}</dd>", esc(&v));
        }
        self.out.push_str("</dl></div>");
        let _ = write!(
            self.out,
            "<div class=\"cards\"><div class=\"card sev-error\"><b>{}</b> errors</div><div class=\"card sev-warning\"><b>{}</b> warnings</div><div class=\"card sev-info\"><b>{}</b> notes</div><div class=\"card\"><b>{met}/{judged}</b> checklist items met</div></div></section>",
            counts.error, counts.warning, counts.info
        );
    }

    fn checklist(&mut self, list: &[ChecklistItem]) {
        self.out.push_str(
            "<section id=\"checklist\"><h2>Quality checklist</h2><p class=\"muted\">Alignment standards of the Quality Matters Higher Education Rubric (standard numbers only; wording ours) and curriculum-level questions. “Met” means no finding decides against it.</p><table class=\"checklist\"><thead><tr><th>Standard</th><th>Question</th><th>Status</th><th>Evidence</th></tr></thead><tbody>",
        );
        for i in list {
            let class = match i.status {
                Status::Met => "met",
                Status::NotMet => "not-met",
                Status::NotApplicable => "na",
            };
            let evidence: String = i.evidence.iter().map(|e| format!("<div>{}</div>", esc(e))).collect();
            let _ = write!(
                self.out,
                "<tr class=\"{class}\"><td>{}</td><td>{}</td><td><span class=\"verdict {class}\">{}</span></td><td>{evidence}</td></tr>",
                esc(&i.standard),
                esc(&i.title),
                i.status.label()
            );
        }
        self.out.push_str("</tbody></table></section>");
    }

    /// Quality Matters 8: the accessibility findings (`AX…`) counted by WCAG success criterion,
    /// then listed; one sentence when there are none.
    fn accessibility(&mut self, findings: &[Finding]) {
        let list: Vec<&Finding> =
            findings.iter().filter(|f| accessibility::is_accessibility_code(&f.code)).collect();
        self.out.push_str(
            "<section id=\"accessibility\"><h2>Quality Matters 8 — Accessibility and usability</h2>",
        );
        if list.is_empty() {
            self.out.push_str(
                "<p>No accessibility findings: the learner-facing content passes the WCAG 2.2 AA checks Trellis \
                 runs (AX1–AX11: text alternatives, headings, table headers, link text, captions, contrast, \
                 language, sensory instructions, time limits).</p></section>",
            );
            return;
        }
        let _ = write!(
            self.out,
            "<p class=\"muted\">{} finding{} from the WCAG 2.2 AA checks of the learner-facing content (codes AX1–AX11, see docs/findings.md).</p><table class=\"findings\"><thead><tr><th>WCAG 2.2 success criterion</th><th>Check</th><th>Findings</th></tr></thead><tbody>",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        );
        for rule in &accessibility::RULES {
            let n = list.iter().filter(|f| f.code == rule.code).count();
            if n > 0 {
                let _ = write!(
                    self.out,
                    "<tr><td>{}</td><td><span class=\"code\">{}</span> {}</td><td>{n}</td></tr>",
                    esc(rule.criterion),
                    esc(rule.code),
                    esc(rule.title)
                );
            }
        }
        self.out.push_str(
            "</tbody></table><table class=\"findings\"><thead><tr><th>Code</th><th>Where</th><th>Finding</th><th>How to fix</th></tr></thead><tbody>",
        );
        for f in list {
            let _ = write!(
                self.out,
                "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.code),
                esc(&f.target.path),
                esc(&f.message),
                esc(&f.hint)
            );
        }
        self.out.push_str("</tbody></table></section>");
    }

    fn findings(&mut self, findings: &[Finding]) {
        self.out.push_str("<section id=\"findings\"><h2>Findings</h2>");
        if findings.is_empty() {
            self.out.push_str("<p>No findings.</p>");
        }
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            let list: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
            if list.is_empty() {
                continue;
            }
            let _ = write!(
                self.out,
                "<h3 class=\"sev-{}\">{} ({})</h3><table class=\"findings\"><thead><tr><th>Code</th><th>Where</th><th>Finding</th><th>How to fix</th></tr></thead><tbody>",
                sev.as_str(),
                severity_label(sev),
                list.len()
            );
            for f in list {
                let _ = write!(
                    self.out,
                    "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&f.code),
                    esc(&f.target.path),
                    esc(&f.message),
                    esc(&f.hint)
                );
            }
            self.out.push_str("</tbody></table>");
        }
        self.out.push_str("</section>");
    }

    fn outline(&mut self) {
        self.out.push_str("<section id=\"outline\"><h2>Outline</h2>");
        let cx = self.cx;
        let roots: Vec<&Node> = cx.roots().to_vec();
        if roots.is_empty() {
            self.out.push_str("<p>The outline is empty.</p>");
        } else {
            let mut activities: HashMap<NodeId, usize> = HashMap::new();
            for a in &cx.doc.activities {
                *activities.entry(a.node).or_default() += 1;
            }
            let mut assessments: HashMap<NodeId, Vec<&str>> = HashMap::new();
            for a in &cx.doc.assessments {
                assessments.entry(a.node).or_default().push(&a.title);
            }
            self.out.push_str("<ul class=\"outline\">");
            // Iterative depth-first walk (outlines can be deep; no recursion limit).
            enum Step<'n> {
                Open(&'n Node),
                Close,
            }
            let mut stack: Vec<Step> = roots.iter().rev().map(|n| Step::Open(n)).collect();
            while let Some(step) = stack.pop() {
                let n = match step {
                    Step::Close => {
                        self.out.push_str("</ul></li>");
                        continue;
                    }
                    Step::Open(n) => n,
                };
                let mut meta = Vec::new();
                if let Some(w) = n.week {
                    meta.push(format!("week {w}"));
                }
                if let Some(d) = n.duration_minutes {
                    meta.push(format!("{} h", num(f64::from(d) / 60.0)));
                }
                if let Some(c) = activities.get(&n.id) {
                    meta.push(format!("{c} activit{}", if *c == 1 { "y" } else { "ies" }));
                }
                let _ = write!(
                    self.out,
                    "<li><div class=\"node\"><span class=\"kind\">{}</span> <strong>{}</strong> {} {} <span class=\"muted\">{}</span></div>",
                    esc(&n.kind),
                    esc(&n.code),
                    esc(&n.title),
                    status_badge(n.status),
                    esc(&meta.join(" · "))
                );
                let objs = cx.objectives_of(n.id);
                if !objs.is_empty() {
                    self.out.push_str("<ul class=\"objectives\">");
                    for o in objs {
                        let _ = write!(
                            self.out,
                            "<li>{} <b>{}</b> {}</li>",
                            objective_badge(cx, o.id),
                            esc(&o.code),
                            esc(&o.statement)
                        );
                    }
                    self.out.push_str("</ul>");
                }
                if let Some(list) = assessments.get(&n.id) {
                    let _ = write!(
                        self.out,
                        "<div class=\"assess muted\">Assessed by: {}</div>",
                        esc(&list.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(", "))
                    );
                }
                let kids = cx.children(n.id);
                if kids.is_empty() {
                    self.out.push_str("</li>");
                } else {
                    self.out.push_str("<ul>");
                    stack.push(Step::Close);
                    stack.extend(kids.iter().rev().map(|k| Step::Open(k)));
                }
            }
            self.out.push_str("</ul>");
        }
        self.out.push_str("</section>");
    }

    fn curriculum_map(&mut self, v: &Views) {
        let m = &v.curriculum_map;
        self.out.push_str("<section id=\"curriculum-map\"><h2>Curriculum map</h2>");
        if m.rows.is_empty() || m.courses.is_empty() {
            self.out.push_str(
                "<p>This curriculum has no program outcomes mapped to courses. The map applies to programs: program outcomes × courses, marked I (introduced), R (reinforced), M (mastered).</p></section>",
            );
            return;
        }
        self.out.push_str("<p class=\"muted\">Program outcomes × courses. I = introduced, R = reinforced, M = mastered. A dashed cell is declared in the map but no course objective supports the outcome; a “+” marks course objectives supporting an outcome the map does not mark.</p><table class=\"map\"><thead><tr><th>Program outcome</th>");
        for c in &m.courses {
            let _ = write!(self.out, "<th>{}</th>", esc(if c.code.is_empty() { &c.title } else { &c.code }));
        }
        self.out.push_str("</tr></thead><tbody>");
        for row in &m.rows {
            let _ = write!(
                self.out,
                "<tr{}><th class=\"rowhead\"><b>{}</b> {}</th>",
                if row.mastered { "" } else { " class=\"gap\"" },
                esc(&row.outcome.code),
                esc(&row.outcome.statement)
            );
            for cell in &row.cells {
                let letter = cell.emphasis.map(Emphasis::letter).map(String::from).unwrap_or_default();
                let (class, extra) = match cell.gap {
                    Some(MapGap::DeclaredWithoutEvidence) => (" class=\"irm gap-declared\"", String::new()),
                    Some(MapGap::EvidenceWithoutEmphasis) => (" class=\"irm gap-evidence\"", "+".to_owned()),
                    None => (" class=\"irm\"", String::new()),
                };
                let _ = write!(
                    self.out,
                    "<td{class}><span class=\"irm-{}\">{letter}</span>{extra}{}</td>",
                    letter.to_lowercase(),
                    if cell.evidence.is_empty() {
                        String::new()
                    } else {
                        format!("<small>{}</small>", cell.evidence.len())
                    }
                );
            }
            self.out.push_str("</tr>");
        }
        self.out.push_str("</tbody></table></section>");
    }

    fn alignment(&mut self, v: &Views) {
        let m = &v.alignment_matrix;
        self.out.push_str("<section id=\"alignment\"><h2>Alignment matrix</h2><p class=\"muted\">Objectives × activities (●) and assessments (■ whole assessment, number = quiz items, ◆ rubric criteria). Red rows are objectives that are not assessed or not practised; orange cells measure at a different level than the objective.</p>");
        // Group by course; program outcomes are shown in the curriculum map instead.
        let mut groups: Vec<Option<String>> = Vec::new();
        for r in &m.rows {
            if r.objective.scope != Scope::Program && !groups.contains(&r.objective.course) {
                groups.push(r.objective.course.clone());
            }
        }
        if groups.is_empty() {
            self.out.push_str("<p>No objectives to align.</p>");
        }
        let mut cells_by_row: HashMap<usize, Vec<&views::MatrixCell>> = HashMap::new();
        for c in &m.cells {
            cells_by_row.entry(c.row).or_default().push(c);
        }
        for g in groups {
            let title = g
                .as_deref()
                .and_then(|id| self.doc().nodes.iter().find(|n| n.id.to_string() == id))
                .map(|n| n.title.clone())
                .unwrap_or_else(|| "Objectives outside any course".to_owned());
            let rows: Vec<usize> = m
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.objective.course == g && r.objective.scope != Scope::Program)
                .map(|(i, _)| i)
                .collect();
            let cols: Vec<usize> =
                m.columns.iter().enumerate().filter(|(_, c)| c.course == g).map(|(i, _)| i).collect();
            let _ = write!(self.out, "<h3>{}</h3>", esc(&title));
            if cols.len() <= MAX_MATRIX_COLUMNS {
                self.dense_matrix(m, &rows, &cols, &cells_by_row);
            } else {
                self.list_matrix(m, &rows, &cells_by_row);
            }
        }
        self.out.push_str("</section>");
    }

    fn dense_matrix(
        &mut self,
        m: &views::AlignmentMatrix,
        rows: &[usize],
        cols: &[usize],
        cells_by_row: &HashMap<usize, Vec<&views::MatrixCell>>,
    ) {
        self.out.push_str("<table class=\"matrix\"><thead><tr><th>Objective</th>");
        for &c in cols {
            let col = &m.columns[c];
            let _ = write!(
                self.out,
                "<th class=\"vert {}\"><span>{}</span></th>",
                if col.kind == ColumnKind::Activity { "act" } else { "asm" },
                esc(&super::context::shorten(&col.title, 28))
            );
        }
        self.out.push_str("</tr></thead><tbody>");
        for &r in rows {
            let row = &m.rows[r];
            let gap = !row.assessed || !row.practised;
            let _ = write!(
                self.out,
                "<tr{}><th class=\"rowhead\">{} <b>{}</b> {}{}</th>",
                if gap { " class=\"gap\"" } else { "" },
                self.badge_for(&row.objective),
                esc(&row.objective.code),
                esc(&super::context::shorten(&row.objective.statement, 90)),
                if row.findings.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"codes\">{}</div>", esc(&row.findings.join(" ")))
                }
            );
            let cells = cells_by_row.get(&r).map(Vec::as_slice).unwrap_or(&[]);
            for &c in cols {
                match cells.iter().find(|x| x.col == c) {
                    None => self.out.push_str("<td></td>"),
                    Some(cell) => {
                        let col = &m.columns[c];
                        let mut mark = String::new();
                        if col.kind == ColumnKind::Activity {
                            mark.push('●');
                        } else {
                            if cell.direct {
                                mark.push('■');
                            }
                            if cell.items > 0 {
                                mark.push_str(&cell.items.to_string());
                            }
                            if cell.criteria > 0 {
                                mark.push('◆');
                            }
                        }
                        let tip = match (cell.item_level, cell.level_delta) {
                            (Some(l), Some(d)) => format!(
                                " title=\"items at {} ({}{d} levels)\"",
                                alignment::level_name(l),
                                if d > 0 { "+" } else { "" }
                            ),
                            _ => String::new(),
                        };
                        let _ = write!(
                            self.out,
                            "<td class=\"cell{}\"{tip}>{mark}</td>",
                            if cell.mismatch { " mismatch" } else { "" }
                        );
                    }
                }
            }
            self.out.push_str("</tr>");
        }
        self.out.push_str("</tbody></table>");
    }

    fn list_matrix(
        &mut self,
        m: &views::AlignmentMatrix,
        rows: &[usize],
        cells_by_row: &HashMap<usize, Vec<&views::MatrixCell>>,
    ) {
        self.out.push_str("<table class=\"alignlist\"><thead><tr><th>Objective</th><th>Practised by</th><th>Assessed by</th><th>Issues</th></tr></thead><tbody>");
        for &r in rows {
            let row = &m.rows[r];
            let cells = cells_by_row.get(&r).map(Vec::as_slice).unwrap_or(&[]);
            let names = |kind: ColumnKind| -> String {
                cells
                    .iter()
                    .filter(|c| m.columns[c.col].kind == kind)
                    .map(|c| {
                        let t = esc(&m.columns[c.col].title);
                        if c.mismatch { format!("<span class=\"mismatch\">{t}</span>") } else { t }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = write!(
                self.out,
                "<tr{}><td>{} <b>{}</b> {}</td><td>{}</td><td>{}</td><td class=\"codes\">{}</td></tr>",
                if !row.assessed || !row.practised { " class=\"gap\"" } else { "" },
                self.badge_for(&row.objective),
                esc(&row.objective.code),
                esc(&super::context::shorten(&row.objective.statement, 90)),
                or_through(names(ColumnKind::Activity), row.practised),
                or_through(names(ColumnKind::Assessment), row.assessed),
                esc(&row.findings.join(" "))
            );
        }
        self.out.push_str("</tbody></table>");
    }

    fn bloom(&mut self, v: &Views) {
        let t = &v.bloom_table;
        self.out.push_str("<section id=\"bloom\"><h2>Bloom taxonomy table</h2><p class=\"muted\">Objectives by knowledge dimension (rows) and cognitive process (columns); each cell gives the number of objectives and the share of the grade that assesses them directly.</p><table class=\"bloom\"><thead><tr><th></th>");
        for l in BloomLevel::ALL {
            let _ = write!(self.out, "<th>{}</th>", alignment::level_name(l));
        }
        self.out.push_str("<th>No level</th></tr></thead><tbody>");
        let max = t.rows.iter().flat_map(|r| &r.cells).map(|c| c.count).max().unwrap_or(0).max(1);
        for row in &t.rows {
            let name = row.dimension.map(dimension_name).unwrap_or("No dimension");
            let _ = write!(self.out, "<tr><th class=\"rowhead\">{name}</th>");
            for c in &row.cells {
                // At most 0.7 of the blue under dark text keeps a contrast of 4.5:1 (WCAG 1.4.3).
                let alpha = if c.count == 0 { 0.0 } else { 0.12 + 0.58 * c.count as f64 / max as f64 };
                let _ = write!(
                    self.out,
                    "<td style=\"background: rgba(33, 102, 172, {alpha:.2})\">{}</td>",
                    if c.count == 0 {
                        String::new()
                    } else {
                        format!("{}<small>{}</small>", c.count, pct(c.grade_share))
                    }
                );
            }
            self.out.push_str("</tr>");
        }
        self.out.push_str("<tr class=\"total\"><th class=\"rowhead\">All</th>");
        for c in &t.totals {
            let _ = write!(self.out, "<td>{}<small>{}</small></td>", c.count, pct(c.grade_share));
        }
        let _ = write!(self.out, "</tr></tbody></table>{}", svg::bloom_chart(t));
        if t.unaligned_grade_share > 0.0 {
            let _ = write!(
                self.out,
                "<p class=\"warn\">{} of the grade is carried by assessments (or items) aligned to no objective.</p>",
                pct(t.unaligned_grade_share)
            );
        }
        self.out.push_str("</section>");
    }

    fn standards(&mut self, v: &Views) {
        let s = &v.standards_coverage;
        self.out.push_str("<section id=\"standards\"><h2>Standards coverage</h2>");
        if s.frameworks.is_empty() {
            self.out.push_str("<p>No standards framework is part of this curriculum.</p></section>");
            return;
        }
        self.out.push_str("<p class=\"muted\">Number of objectives aligned to each framework item, per course. Red rows are items no objective addresses.</p>");
        for f in &s.frameworks {
            let _ = write!(
                self.out,
                "<h3>{} <span class=\"muted\">({} of {} items covered)</span></h3><table class=\"heat\"><thead><tr><th>Item</th>",
                esc(&f.title),
                f.covered,
                f.coverable
            );
            if s.courses.is_empty() {
                self.out.push_str("<th>Objectives</th>");
            } else {
                for c in &s.courses {
                    let _ = write!(
                        self.out,
                        "<th>{}</th>",
                        esc(if c.code.is_empty() { &c.title } else { &c.code })
                    );
                }
            }
            self.out.push_str("<th>Assessed</th></tr></thead><tbody>");
            let max = f
                .items
                .iter()
                .flat_map(|i| i.per_course.iter().copied().chain([i.objectives]))
                .max()
                .unwrap_or(1)
                .max(1);
            for i in &f.items {
                let uncovered = i.objectives == 0 && !i.grouping;
                let _ = write!(
                    self.out,
                    "<tr{}><th class=\"rowhead\" style=\"padding-left: {}em\"><b>{}</b> {}</th>",
                    if uncovered {
                        " class=\"gap\""
                    } else if i.grouping {
                        " class=\"group\""
                    } else {
                        ""
                    },
                    0.4 + i.depth as f64,
                    esc(&i.code),
                    esc(&super::context::shorten(&i.statement, 100))
                );
                let counts: Vec<usize> =
                    if s.courses.is_empty() { vec![i.objectives] } else { i.per_course.clone() };
                for n in counts {
                    let alpha = if n == 0 { 0.0 } else { 0.2 + 0.7 * n as f64 / max as f64 };
                    let _ = write!(
                        self.out,
                        "<td style=\"background: rgba(44, 160, 44, {alpha:.2})\">{}</td>",
                        if n == 0 { String::new() } else { n.to_string() }
                    );
                }
                let _ = write!(
                    self.out,
                    "<td>{}</td></tr>",
                    if i.objectives == 0 {
                        String::new()
                    } else {
                        format!("{}/{}", i.assessed, i.objectives)
                    }
                );
            }
            self.out.push_str("</tbody></table>");
        }
        self.out.push_str("</section>");
    }

    fn workload(&mut self, v: &Views) {
        let w = &v.workload;
        self.out.push_str("<section id=\"workload\"><h2>Workload</h2>");
        let expected = match w.expected_hours {
            Some(e) if (e.low - e.high).abs() < 0.01 => format!("; the credits stand for {} h", num(e.low)),
            Some(e) => format!("; the credits stand for {}–{} h", num(e.low), num(e.high)),
            None => String::new(),
        };
        let _ = write!(
            self.out,
            "<p>{} h of student work planned{}{}.</p>",
            num(w.total_hours),
            expected,
            if w.unscheduled_hours > 0.0 {
                format!(" ({} h not placed in a week)", num(w.unscheduled_hours))
            } else {
                String::new()
            }
        );
        let chart = svg::workload_chart(w);
        if chart.is_empty() {
            self.out
                .push_str("<p class=\"muted\">No node has a teaching week, so there is no weekly chart.</p>");
        } else {
            self.out.push_str(&chart);
            self.out.push_str("<p class=\"legend\"><span class=\"key\" style=\"background:#4c78a8\"></span> activities <span class=\"key\" style=\"background:#f58518\"></span> assessments <span class=\"key\" style=\"background:#bab0ac\"></span> other scheduled time <span class=\"key spike\"></span> spike week</p>");
        }
        self.out.push_str("<table class=\"hours\"><thead><tr><th>Node</th><th>Week</th><th>Own hours</th><th>Total hours</th></tr></thead><tbody>");
        for n in w.nodes.iter().filter(|n| n.depth <= 2) {
            let _ = write!(
                self.out,
                "<tr><td style=\"padding-left: {}em\">{} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                0.4 + n.depth as f64,
                esc(&n.node.code),
                esc(&n.node.title),
                n.week.map(|w| w.to_string()).unwrap_or_default(),
                num(n.own_hours),
                num(n.total_hours)
            );
        }
        self.out.push_str("</tbody></table></section>");
    }

    fn sequence(&mut self, v: &Views) {
        let g = &v.sequence_graph;
        self.out.push_str("<section id=\"sequence\"><h2>Sequence graph</h2>");
        if g.nodes.is_empty() {
            self.out.push_str("<p>No units or courses to sequence.</p></section>");
            return;
        }
        let _ = write!(
            self.out,
            "<p class=\"muted\">Prerequisites run left to right ({} layer{}, {} link{}). Boxes are coloured by the highest objective level inside; red dashed arrows go against the outline order or lie on a cycle.</p><div class=\"scroll\">{}</div></section>",
            g.layers,
            if g.layers == 1 { "" } else { "s" },
            g.edges.len(),
            if g.edges.len() == 1 { "" } else { "s" },
            svg::sequence_graph(g)
        );
    }

    fn review(&mut self) {
        let cx = self.cx;
        let doc = cx.doc;
        self.out.push_str("<section id=\"review\"><h2>Review</h2><h3>Status</h3><table class=\"status-table\"><thead><tr><th>Node</th><th>Status</th><th>Last change</th></tr></thead><tbody>");
        let mut last: HashMap<NodeId, &crate::model::ReviewEvent> = HashMap::new();
        for e in &doc.review_events {
            if last.get(&e.node).is_none_or(|l| l.at <= e.at) {
                last.insert(e.node, e);
            }
        }
        for n in doc.nodes.iter().filter(|n| {
            matches!(cx.scope(n.id), Scope::Program | Scope::Course | Scope::Unit)
                || n.status != ReviewStatus::Draft
        }) {
            let change = last
                .get(&n.id)
                .map(|e| format!("{} by {} ({})", e.at, e.author, e.to.as_str()))
                .unwrap_or_default();
            let _ = write!(
                self.out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&cx.node_path(n.id)),
                status_badge(n.status),
                esc(&change)
            );
        }
        self.out.push_str("</tbody></table><h3>Comments</h3>");
        if doc.comments.is_empty() {
            self.out.push_str("<p>No comments.</p>");
        } else {
            let names = target_names(doc);
            let mut replies: HashMap<crate::model::CommentId, Vec<&crate::model::Comment>> = HashMap::new();
            for c in &doc.comments {
                if let Some(p) = c.parent {
                    replies.entry(p).or_default().push(c);
                }
            }
            let ids: std::collections::HashSet<_> = doc.comments.iter().map(|c| c.id).collect();
            let mut roots: Vec<&crate::model::Comment> =
                doc.comments.iter().filter(|c| c.parent.is_none_or(|p| !ids.contains(&p))).collect();
            roots.sort_by(|a, b| a.created_at.cmp(&b.created_at));
            self.out.push_str("<div class=\"comments\">");
            for root in roots {
                let on =
                    names.get(&root.target.to_string()).cloned().unwrap_or_else(|| "the curriculum".into());
                let _ = write!(
                    self.out,
                    "<div class=\"thread{}\"><div class=\"on\">On {}{}</div>",
                    if root.resolved { " resolved" } else { "" },
                    esc(&on),
                    if root.resolved { " · resolved" } else { " · open" }
                );
                let mut stack = vec![(root, 0usize)];
                let mut seen = std::collections::HashSet::new();
                while let Some((c, depth)) = stack.pop() {
                    if !seen.insert(c.id) {
                        continue;
                    }
                    let _ = write!(
                        self.out,
                        "<div class=\"comment\" style=\"margin-left: {}em\"><div class=\"who\">{} <span class=\"muted\">{}</span></div>{}</div>",
                        depth as f64 * 1.5,
                        esc(&c.author),
                        esc(c.created_at.as_str()),
                        md_plain(&c.body)
                    );
                    if let Some(rs) = replies.get(&c.id) {
                        let mut rs = rs.clone();
                        rs.sort_by(|a, b| b.created_at.cmp(&a.created_at));
                        stack.extend(rs.into_iter().map(|r| (r, depth + 1)));
                    }
                }
                self.out.push_str("</div>");
            }
            self.out.push_str("</div>");
        }
        self.out.push_str("<h3>Audit trail</h3>");
        if doc.review_events.is_empty() {
            self.out.push_str("<p>No status changes recorded.</p>");
        } else {
            let mut events: Vec<_> = doc.review_events.iter().collect();
            events.sort_by(|a, b| a.at.cmp(&b.at));
            self.out.push_str("<table class=\"audit\"><thead><tr><th>When</th><th>Node</th><th>Change</th><th>Who</th><th>Note</th></tr></thead><tbody>");
            for e in events {
                let _ = write!(
                    self.out,
                    "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
                    esc(e.at.as_str()),
                    esc(&cx.node_path(e.node)),
                    status_badge(e.from),
                    status_badge(e.to),
                    esc(&e.author),
                    esc(&e.note)
                );
            }
            self.out.push_str("</tbody></table>");
        }
        self.out.push_str("</section>");
    }
}

/// A cell listing direct links, or a note when the links come only through supporting objectives.
/// How a cell of the evidence analysis reads in the packet.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::NoEvidence => "no evidence".to_owned(),
        Cell::NotEnoughData { .. } => "not enough data".to_owned(),
        Cell::Measured { n, share, .. } => format!("{} of {n}", pct(*share)),
    }
}

/// A small inline SVG line of shares (0–1) in order; gaps (None) are skipped.
fn sparkline(points: &[Option<f64>], threshold: f64) -> String {
    let (w, h) = (120.0, 28.0);
    let n = points.len();
    if n == 0 || points.iter().all(Option::is_none) {
        return String::new();
    }
    let x = |i: usize| if n == 1 { w / 2.0 } else { 4.0 + (w - 8.0) * i as f64 / (n - 1) as f64 };
    let y = |v: f64| 2.0 + (h - 4.0) * (1.0 - v.clamp(0.0, 1.0));
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect();
    let dots: String = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.map(|v| format!("<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"#175cd3\"/>", x(i), y(v)))
        })
        .collect();
    format!(
        "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"share mastered per cohort\"><line x1=\"0\" x2=\"{w}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"#d0d5dd\" stroke-dasharray=\"3 2\"/><polyline fill=\"none\" stroke=\"#175cd3\" stroke-width=\"1.5\" points=\"{}\"/>{dots}</svg>",
        coords.join(" "),
        ty = y(threshold)
    )
}

impl Packet<'_, '_> {
    /// "Evidence of learning": per outcome (the objectives of the highest scope present) the
    /// target, the share of learners who reached it, the trend over cohorts and the gaps; then
    /// the skill gaps, the reliability of assessments and a pointer to the design changes.
    /// Aggregates only.
    fn evidence(&mut self, e: &Evidence, report: &MasteryReport, a: &Analysis, since: Option<&str>) {
        let cx = self.cx;
        let doc = cx.doc;
        let learners: std::collections::BTreeSet<&str> =
            e.learners.iter().map(|l| l.pseudonym.as_str()).collect();
        let cohorts: Vec<&str> = a
            .heatmap
            .columns
            .iter()
            .filter(|c| c.kind == evidence_analysis::GroupKind::Cohort)
            .map(|c| c.cohort.as_str())
            .collect();
        let threshold = a.options.gap_threshold;
        let _ = write!(
            self.out,
            "<section id=\"evidence\"><h2>Evidence of learning</h2><p>{} learner(s) in {} cohort(s) ({}), {} result(s). Aggregates only: no learner is named or identified here. An outcome is a gap when fewer than {} of the learners judged reached its mastery points.</p>",
            learners.len(),
            cohorts.len(),
            esc(&cohorts.join(", ")),
            e.results.len(),
            pct(threshold)
        );
        let top = doc.objectives.iter().map(|o| cx.objective_scope(o)).min();
        let outcomes: Vec<usize> = doc
            .objectives
            .iter()
            .enumerate()
            .filter(|(_, o)| Some(cx.objective_scope(o)) == top)
            .map(|(i, _)| i)
            .collect();
        let scope = top.map_or("course", Scope::as_str);
        let _ = write!(
            self.out,
            "<h3>{} outcomes</h3><table class=\"evidence\"><thead><tr><th>Outcome</th><th>Target</th><th>Reached</th><th>Mean</th><th>Trend over cohorts</th><th>Status</th></tr></thead><tbody>",
            esc(&format!("{}{}", scope[..1].to_uppercase(), &scope[1..]))
        );
        for &i in &outcomes {
            let o = &doc.objectives[i];
            let m = report.objectives.iter().find(|m| m.id == o.id.0);
            let target = m.map_or(String::new(), |m| {
                format!(
                    "{} of {} points ({})",
                    num(m.mastery_points),
                    num(m.points_possible),
                    m.method.as_str()
                )
            });
            let cell = &a.heatmap.overall[i];
            let trend = &a.trends[i];
            let shares: Vec<Option<f64>> = trend.cohorts.iter().map(|p| p.cell.share()).collect();
            let steps: Vec<String> = trend
                .cohorts
                .iter()
                .map(|p| format!("{}: {}", esc(&p.cohort), esc(&cell_text(&p.cell))))
                .collect();
            let status = match cell {
                Cell::Measured { share, .. } if *share < threshold => {
                    "<span class=\"verdict not-met\">gap</span>"
                }
                Cell::Measured { .. } => "<span class=\"verdict met\">reached</span>",
                _ => "<span class=\"verdict na\">not judged</span>",
            };
            let _ = write!(
                self.out,
                "<tr><th class=\"rowhead\"><b>{}</b> {}</th><td>{}</td><td>{}</td><td>{}</td><td>{}<div class=\"legend\">{}</div></td><td>{status}</td></tr>",
                esc(&o.code),
                esc(&o.statement),
                esc(&target),
                esc(&cell_text(cell)),
                cell.mean().map(num).unwrap_or_default(),
                sparkline(&shares, threshold),
                steps.join(" → ")
            );
        }
        self.out.push_str("</tbody></table>");
        self.out.push_str("<h3>Skill gaps</h3>");
        if a.gaps.is_empty() {
            self.out.push_str("<p>No objective is below the threshold.</p>");
        } else {
            self.out.push_str("<table class=\"evidence\"><thead><tr><th>Objective</th><th>Reached</th><th>Prerequisites</th><th>Where to intervene</th></tr></thead><tbody>");
            for g in &a.gaps {
                let statement = doc
                    .objectives
                    .iter()
                    .find(|o| o.id.0 == g.objective.id)
                    .map_or("", |o| o.statement.as_str());
                let pre: Vec<String> = g
                    .prerequisites
                    .iter()
                    .map(|p| format!("{} ({})", esc(&p.objective.code), esc(&cell_text(&p.cell))))
                    .collect();
                let places: Vec<String> =
                    g.assessments.iter().chain(&g.activities).map(|x| esc(&x.title)).collect();
                let _ = write!(
                    self.out,
                    "<tr><th class=\"rowhead\"><b>{}</b> {}</th><td>{} of {}</td><td>{}</td><td>{}</td></tr>",
                    esc(&g.objective.code),
                    esc(statement),
                    pct(g.share),
                    g.n,
                    if pre.is_empty() { "none".to_owned() } else { pre.join(", ") },
                    if places.is_empty() { "nothing aligned".to_owned() } else { places.join("; ") }
                );
            }
            self.out.push_str("</tbody></table>");
        }
        if !a.items.assessments.is_empty() {
            self.out.push_str("<h3>Assessments</h3><p class=\"muted\">Difficulty p: mean share of points per item. Discrimination: corrected point-biserial (item with the rest of the assessment). Reliability: Cronbach’s α (KR-20 for right/wrong items). Responses are not stored, so distractors are not analysed.</p><table class=\"evidence\"><thead><tr><th>Assessment</th><th>Items</th><th>Learners</th><th>Mean p</th><th>α</th><th>KR-20</th><th>Items with negative discrimination</th></tr></thead><tbody>");
            for s in &a.items.assessments {
                let fmt = |x: Option<f64>| x.map_or("–".to_owned(), |v| format!("{v:.2}"));
                let negative: Vec<String> = s
                    .items
                    .iter()
                    .filter(|i| i.discrimination.is_some_and(|r| r < 0.0))
                    .map(|i| i.number.to_string())
                    .collect();
                let _ = write!(
                    self.out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&s.title),
                    s.items.len(),
                    s.complete,
                    fmt(s.mean_difficulty),
                    fmt(s.alpha),
                    fmt(s.kr20),
                    if negative.is_empty() { "none".to_owned() } else { negative.join(", ") }
                );
            }
            self.out.push_str("</tbody></table>");
        }
        match since {
            Some(name) => {
                let _ = write!(
                    self.out,
                    "<p>What the design changed since “{}”: see <a href=\"#changes\">Changes</a>.</p>",
                    esc(name)
                );
            }
            None => self.out.push_str(
                "<p class=\"muted\">No earlier version was given, so design changes are not listed (trellis report --since SNAPSHOT).</p>",
            ),
        }
        self.out.push_str("</section>");
    }
}

fn or_through(direct: String, covered: bool) -> String {
    if direct.is_empty() && covered {
        "<span class=\"muted\">through supporting objectives</span>".to_owned()
    } else {
        direct
    }
}

fn dimension_name(d: KnowledgeDimension) -> &'static str {
    match d {
        KnowledgeDimension::Factual => "Factual",
        KnowledgeDimension::Conceptual => "Conceptual",
        KnowledgeDimension::Procedural => "Procedural",
        KnowledgeDimension::Metacognitive => "Metacognitive",
    }
}

/// Labels for comment targets (any entity).
fn target_names(doc: &Document) -> HashMap<String, String> {
    let idx = doc.index();
    let mut out = HashMap::new();
    out.insert(doc.curriculum.id.to_string(), "the curriculum".to_owned());
    for n in &doc.nodes {
        out.insert(n.id.to_string(), idx.path(n.id));
    }
    for o in &doc.objectives {
        out.insert(o.id.to_string(), format!("objective {}", Ctx::objective_label(o)));
    }
    for a in &doc.activities {
        out.insert(a.id.to_string(), format!("activity “{}”", a.title));
    }
    for a in &doc.assessments {
        out.insert(a.id.to_string(), format!("assessment “{}”", a.title));
        for (i, item) in a.items.iter().enumerate() {
            out.insert(item.id.to_string(), format!("item {} of “{}”", i + 1, a.title));
        }
    }
    for r in &doc.rubrics {
        out.insert(r.id.to_string(), format!("rubric “{}”", r.title));
        for c in &r.criteria {
            out.insert(c.id.to_string(), format!("criterion “{}” of “{}”", c.title, r.title));
        }
    }
    out
}
