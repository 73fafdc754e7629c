//! The offline course website (`--format site`): a static, accessible, printable website of the
//! course that works from a folder or a zip opened on any computer, with nothing fetched from
//! elsewhere.
//!
//! It owns the site's layout: the page shell (language, skip link, header with the search box,
//! outline navigation with the current page marked `aria-current="page"`, breadcrumb, previous
//! and next page, footer), the index page (the course overview, its objectives and the whole
//! outline), one page per outline node (its content, objectives with their Bloom levels,
//! activities, assessments with their rubrics, sub-pages), the practice quiz forms, the search
//! page and its prebuilt index (`site/search-index.js`), and the small script (`site.js`) that
//! searches and scores practice quizzes in the page. What a page shows of a node, an activity or
//! an assessment is drawn by the shared renderer (`html.rs`); the styles are the one Trellis
//! stylesheet (`assets/trellis.css`, shipped whole) plus the site's own rules
//! (`assets/site.css`: layout, navigation, search, print).
//!
//! Only practice quizzes (formative or diagnostic) are playable: a summative quiz's questions
//! would publish its answer key, so the site shows its description only (`X30`). Remote images
//! are shown as links (`X20`), links the author wrote keep `rel="noopener noreferrer"` and are
//! never fetched by the site itself. Same document, same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::html::{self, Frame, PageKind};
use super::lower::{self, ExportContext, NodeView};
use super::xml::escape;
use super::{ExportFormat, ExportOptions, ExportReport, Exporter, PackageWriter, Progress, finding};
use crate::model::{AssessmentPurpose, Document, ItemBody};
use crate::{Finding, Result, Severity, Target};

/// The site's own stylesheet rules (layout, navigation, search, print).
const SITE_CSS: &str = include_str!("../assets/site.css");
/// Search and practice-quiz scoring.
const SITE_JS: &str = include_str!("site.js");
/// Folder of the stylesheets, the script and the search index.
const SITE_DIR: &str = "site";
/// Outlines up to this many nodes are shown whole on every page; larger ones show the top level
/// and the branch of the current page, so pages stay small.
const FULL_OUTLINE_MAX: usize = 150;
/// Characters of text per search-index entry.
const SEARCH_TEXT_MAX: usize = 1_000;
/// Pages the second drawing thread may be ahead of the writer.
const PAGES_IN_FLIGHT: usize = 64;

/// The error when the thread drawing pages stopped without its pages.
fn page_thread_failed() -> crate::Error {
    crate::Error::Refused("site export: the thread drawing pages stopped unexpectedly".into())
}

/// Writes the offline course website.
pub(crate) struct SiteExporter;

impl Exporter for SiteExporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Site
    }

    /// The checks every outline package shares (`X01`–`X03`) and what the site leaves out: the
    /// questions of summative quizzes (`X30`, info).
    fn preflight(&self, doc: &Document, _options: &ExportOptions) -> Vec<Finding> {
        let mut out = super::package_findings(doc);
        let index = doc.index();
        for a in &doc.assessments {
            if a.purpose == AssessmentPurpose::Summative && !a.items.is_empty() {
                out.push(finding(
                    "X30-summative-questions-left-out",
                    Severity::Info,
                    format!(
                        "The site shows the summative assessment \"{}\" without its {} question(s): a public page would give away the answer key.",
                        a.title,
                        a.items.len()
                    ),
                    Target { kind: "assessment".into(), id: Some(a.id.to_string()), path: index.path(a.node) },
                    "Mark the quiz formative to publish it as a practice quiz scored in the page.",
                ));
            }
        }
        out
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let site = Site::new(cx);
        let total = (cx.nodes.len() + cx.assets.len() + 6) as u64;
        let mut done = 0u64;
        let mut step = |path: &str, progress: &mut dyn FnMut(Progress)| {
            done += 1;
            progress(Progress { done, total, message: path.to_owned() });
        };
        let mut findings = Vec::new();
        let fixed: [(String, &[u8]); 3] = [
            (format!("{SITE_DIR}/trellis.css"), html::LESSON_STYLESHEET.as_bytes()),
            (format!("{SITE_DIR}/site.css"), SITE_CSS.as_bytes()),
            (format!("{SITE_DIR}/site.js"), SITE_JS.as_bytes()),
        ];
        for (path, bytes) in &fixed {
            out.add(path, bytes)?;
            step(path, progress);
        }
        out.add("index.html", site.index_page(&mut findings).as_bytes())?;
        step("index.html", progress);
        // Pages are drawn on two threads (the second draws every other page and the search
        // index) and written here in outline order, so the bytes do not depend on timing.
        let (search_index, node_findings) = std::thread::scope(|scope| -> Result<(String, Vec<Finding>)> {
            let (send, receive) = std::sync::mpsc::sync_channel::<(String, Vec<Finding>)>(PAGES_IN_FLIGHT);
            let site = &site;
            let helper = scope.spawn(move || {
                for n in (1..site.cx.nodes.len()).step_by(2) {
                    let mut found = Vec::new();
                    let page = site.node_page(n, &mut found);
                    if send.send((page, found)).is_err() {
                        break;
                    }
                }
                drop(send);
                site.search_index()
            });
            let mut node_findings = Vec::new();
            for n in 0..cx.nodes.len() {
                let page = if n % 2 == 0 {
                    site.node_page(n, &mut node_findings)
                } else {
                    let (page, found) = receive.recv().map_err(|_| page_thread_failed())?;
                    node_findings.extend(found);
                    page
                };
                out.add(&site.pages[n], page.as_bytes())?;
                step(&site.pages[n], progress);
            }
            drop(receive);
            let index = helper.join().map_err(|_| page_thread_failed())?;
            Ok((index, node_findings))
        })?;
        findings.extend(node_findings);
        out.add("search.html", site.search_page().as_bytes())?;
        step("search.html", progress);
        let index_path = format!("{SITE_DIR}/search-index.js");
        out.add(&index_path, search_index.as_bytes())?;
        step(&index_path, progress);
        for asset in &cx.assets {
            // A package only shown as interactive content is carried extracted, below.
            if !crate::export::interactive::only_interactive(cx, asset.asset) {
                out.add(&asset.path, &asset.asset.data)?;
            }
            step(&asset.path, progress);
        }
        for (path, data) in crate::export::interactive::files(cx)? {
            out.add(&path, &data)?;
        }
        Ok(ExportReport { files: Vec::new(), findings })
    }
}

/// The site being written: the context and every node's page file.
struct Site<'c, 'a> {
    cx: &'c ExportContext<'a>,
    /// Per node, its page (`unit-2-sampling-1a2b3c4d.html`).
    pages: Vec<String>,
    /// Whether every page shows the whole outline.
    full_outline: bool,
}

impl<'c, 'a> Site<'c, 'a> {
    fn new(cx: &'c ExportContext<'a>) -> Self {
        let mut taken = BTreeSet::from(["index.html".to_owned(), "search.html".to_owned()]);
        let pages = cx
            .nodes
            .iter()
            .map(|n| {
                let hex = n.node.id.0.simple().to_string();
                let short = format!("{}-{}.html", html::slug(&n.title), &hex[hex.len() - 8..]);
                let name = if taken.contains(&short) {
                    format!("{}-{hex}.html", html::slug(&n.title))
                } else {
                    short
                };
                taken.insert(name.clone());
                name
            })
            .collect();
        Site { cx, pages, full_outline: cx.nodes.len() <= FULL_OUTLINE_MAX }
    }

    /// A complete page: skip link, header with the search box, outline navigation, `main` with
    /// the title as its one `<h1>`, footer, script. `current` is the node shown (`None`: the
    /// index page, or no page of the outline for the search page).
    fn shell(&self, title: &str, current: Current, before_title: &str, body: &str, head: &str) -> String {
        let cx = self.cx;
        let page_title = if title == cx.title {
            escape(title)
        } else {
            format!("{} – {}", escape(title), escape(&cx.title))
        };
        let mut out = String::with_capacity(body.len() + 4096);
        // Only a page framing interactive content lets frames of the site's own files in.
        let frames =
            if body.contains("<div class=\"trellis-interactive\"") { " frame-src 'self';" } else { "" };
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{page_title}</title>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self';{frames} form-action 'self'; base-uri 'none'\">\n<meta name=\"generator\" content=\"Trellis\">\n<link rel=\"stylesheet\" href=\"{SITE_DIR}/trellis.css\">\n<link rel=\"stylesheet\" href=\"{SITE_DIR}/site.css\">\n{head}</head>\n<body class=\"site\">\n<a class=\"site-skip\" href=\"#content\">Skip to content</a>\n<header class=\"site-header\">\n<p class=\"site-name\"><a href=\"index.html\">{course}</a></p>\n<form class=\"site-search\" role=\"search\" action=\"search.html\" method=\"get\">\n<label for=\"site-q\">Search the course</label>\n<input type=\"search\" id=\"site-q\" name=\"q\" autocomplete=\"off\">\n<button type=\"submit\">Search</button>\n</form>\n</header>\n<div class=\"site-layout\">\n",
            lang = escape(&cx.language),
            course = escape(&cx.title),
        );
        out.push_str(&self.outline_nav(current));
        let _ = write!(
            out,
            "<main id=\"content\" tabindex=\"-1\">\n{before_title}<h1>{}</h1>\n{body}",
            escape(title)
        );
        if !out.ends_with('\n') {
            out.push('\n');
        }
        let _ = write!(
            out,
            "</main>\n</div>\n<footer class=\"site-footer\">\n<p>{} · exported from Trellis, {}</p>\n</footer>\n<script src=\"{SITE_DIR}/site.js\"></script>\n</body>\n</html>\n",
            escape(&cx.title),
            escape(date(&cx.generated_at().0)),
        );
        out
    }

    /// The outline as nested lists: every node when the outline is small, otherwise the top
    /// level, the current page's ancestors with their children, and the current page's children.
    fn outline_nav(&self, current: Current) -> String {
        let cx = self.cx;
        let mut open = vec![self.full_outline; cx.nodes.len()];
        if let Current::Node(n) = current {
            let mut at = Some(n);
            while let Some(i) = at {
                open[i] = true;
                at = cx.nodes[i].parent;
            }
        }
        let mut out = String::from("<nav class=\"site-nav\" aria-label=\"Course outline\">\n<ul>\n");
        let here = |yes: bool| if yes { " aria-current=\"page\"" } else { "" };
        let _ =
            writeln!(out, "<li><a href=\"index.html\"{}>Overview</a></li>", here(current == Current::Index));
        let roots: Vec<usize> = cx.roots().collect();
        self.outline_items(&mut out, &roots, &open, current);
        out.push_str("</ul>\n</nav>\n");
        out
    }

    fn outline_items(&self, out: &mut String, nodes: &[usize], open: &[bool], current: Current) {
        for &n in nodes {
            let view = &self.cx.nodes[n];
            let mark = if current == Current::Node(n) { " aria-current=\"page\"" } else { "" };
            let _ = write!(out, "<li><a href=\"{}\"{mark}>{}</a>", self.pages[n], escape(&view.title));
            if open[n] && !view.children.is_empty() {
                out.push_str("\n<ul>\n");
                self.outline_items(out, &view.children, open, current);
                out.push_str("</ul>\n");
            }
            out.push_str("</li>\n");
        }
    }

    fn index_page(&self, findings: &mut Vec<Finding>) -> String {
        let cx = self.cx;
        let mut body = String::new();
        let mut fit = Fitter { cx, findings, node: None };
        body.push_str(&fit.fit(&cx.description_html));
        let roots: Vec<usize> = cx.roots().collect();
        let objectives: Vec<usize> =
            roots.iter().flat_map(|&r| cx.nodes[r].objectives.iter().copied()).collect();
        body.push_str(&objective_list(cx, "Course objectives", &objectives));
        if !cx.nodes.is_empty() {
            body.push_str("<section class=\"site-contents\">\n<h2>Contents</h2>\n<ul>\n");
            let all = vec![true; cx.nodes.len()];
            self.outline_items(&mut body, &roots, &all, Current::Index);
            body.push_str("</ul>\n</section>\n");
        }
        let next = if cx.nodes.is_empty() { None } else { Some(0) };
        body.push_str(&self.pager(None, next, Some("Start with")));
        self.shell(&cx.title, Current::Index, "", &body, "")
    }

    fn node_page(&self, n: usize, findings: &mut Vec<Finding>) -> String {
        let cx = self.cx;
        let view = &cx.nodes[n];
        let mut crumbs = String::from("<p class=\"site-breadcrumb\"><a href=\"index.html\">Overview</a>");
        let mut up = Vec::new();
        let mut at = view.parent;
        while let Some(i) = at {
            up.push(i);
            at = cx.nodes[i].parent;
        }
        for &i in up.iter().rev() {
            let _ = write!(crumbs, " › <a href=\"{}\">{}</a>", self.pages[i], escape(&cx.nodes[i].title));
        }
        crumbs.push_str("</p>\n");
        if !view.node.kind.trim().is_empty() {
            let _ = writeln!(
                crumbs,
                "<p class=\"trellis-kind\">{}</p>",
                escape(&html::kind_label(view.node.kind.trim()))
            );
        }

        let mut fit = Fitter { cx, findings, node: Some(n) };
        let mut body = String::new();
        if let Some(minutes) = view.node.duration_minutes {
            let _ = writeln!(body, "<p class=\"trellis-meta\">Estimated time: {}</p>", duration(minutes));
        }
        body.push_str(&fit.fit(&view.summary_html));
        body.push_str(&objective_list(cx, "Learning objectives", &view.objectives));
        if !view.activities.is_empty() {
            body.push_str("<section class=\"site-activities\">\n<h2>Activities</h2>\n");
            for &a in &view.activities {
                let av = &cx.activities[a];
                let _ = writeln!(body, "<div id=\"{}\">", av.ident);
                body.push_str(&html::activity_part(cx, av, &mut fit.frame()));
                body.push_str("</div>\n");
            }
            body.push_str("</section>\n");
        }
        if !view.assessments.is_empty() {
            body.push_str("<section class=\"site-assessments\">\n<h2>Assessments</h2>\n");
            for &a in &view.assessments {
                let av = &cx.assessments[a];
                let interaction = quiz_form(cx, a, &mut fit);
                let _ = writeln!(body, "<div id=\"{}\">", av.ident);
                body.push_str(&html::assessment_part(cx, av, &mut fit.frame(), &interaction));
                body.push_str("</div>\n");
            }
            body.push_str("</section>\n");
        }
        body.push_str(&self.pathway_links(n));
        if !view.children.is_empty() {
            body.push_str("<section class=\"site-children\">\n<h2>Contents</h2>\n<ul>\n");
            for &c in &view.children {
                let _ = writeln!(
                    body,
                    "<li><a href=\"{}\">{}</a></li>",
                    self.pages[c],
                    escape(&cx.nodes[c].title)
                );
            }
            body.push_str("</ul>\n</section>\n");
        }
        let data = quiz_data(cx, view);
        if !data.is_empty() {
            let _ = writeln!(body, "<script type=\"application/json\" id=\"site-quiz-data\">{data}</script>");
        }
        let prev = if n == 0 { None } else { Some(n - 1) };
        let next = (n + 1 < cx.nodes.len()).then_some(n + 1);
        body.push_str(&self.pager(prev, next, None));
        self.shell(&view.title, Current::Node(n), &crumbs, &body, "")
    }

    /// Mastery pathways on a node's page: on a page whose assessments measure an objective that a
    /// remediation or enrichment names, a link to each ("If you did not reach …, review: …",
    /// "Go further: …"); on the route's own page, whom it is for. Empty without pathways.
    fn pathway_links(&self, n: usize) -> String {
        use crate::model::PathwayRole;
        let cx = self.cx;
        let label = |objectives: &[crate::model::ObjectiveId],
                     only: &dyn Fn(crate::model::ObjectiveId) -> bool| {
            let labels: Vec<&str> = objectives
                .iter()
                .filter(|o| only(**o))
                .filter_map(|o| cx.objective_index(*o))
                .map(|o| cx.objectives[o].label.as_str())
                .collect();
            escape(&labels.join(", "))
        };
        let mut lines = Vec::new();
        if let Some(p) = &cx.nodes[n].node.pathway {
            let who = match p.role {
                PathwayRole::Remediation => "for learners who have not yet reached",
                PathwayRole::Enrichment => "for learners who have reached",
            };
            lines.push(format!("<p>This page is {} {who} {}.</p>", p.role, label(&p.objectives, &|_| true)));
        }
        let measured: Vec<crate::model::ObjectiveId> = cx.nodes[n]
            .assessments
            .iter()
            .map(|&a| cx.assessments[a].assessment)
            .filter(|a| a.purpose != crate::model::AssessmentPurpose::Diagnostic)
            .flat_map(|a| {
                a.objectives.iter().chain(a.items.iter().flat_map(|i| i.objectives.iter())).copied()
            })
            .collect();
        for (i, view) in cx.nodes.iter().enumerate() {
            let Some(p) = &view.node.pathway else { continue };
            if i == n || !p.objectives.iter().any(|o| measured.contains(o)) {
                continue;
            }
            let link = format!("<a href=\"{}\">{}</a>", self.pages[i], escape(&view.title));
            lines.push(match p.role {
                PathwayRole::Remediation => format!(
                    "<p>If you did not reach {}, review: {link}</p>",
                    label(&p.objectives, &|o| measured.contains(&o))
                ),
                PathwayRole::Enrichment => format!("<p>Go further: {link}</p>"),
            });
        }
        if lines.is_empty() {
            return String::new();
        }
        format!(
            "<section class=\"site-pathways\" aria-label=\"Pathways\">\n{}\n</section>\n",
            lines.join("\n")
        )
    }

    /// Links to the previous and next page in outline order (the index before the first).
    fn pager(&self, prev: Option<usize>, next: Option<usize>, next_label: Option<&str>) -> String {
        let cx = self.cx;
        let mut out = String::from("<nav class=\"site-pager\" aria-label=\"Previous and next page\">\n");
        match prev {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "<a rel=\"prev\" href=\"{}\">Previous: {}</a>",
                    self.pages[p],
                    escape(&cx.nodes[p].title)
                );
            }
            None if next_label.is_none() => {
                out.push_str("<a rel=\"prev\" href=\"index.html\">Previous: Overview</a>\n")
            }
            None => {}
        }
        if let Some(n) = next {
            let _ = writeln!(
                out,
                "<a rel=\"next\" href=\"{}\">{}: {}</a>",
                self.pages[n],
                next_label.unwrap_or("Next"),
                escape(&cx.nodes[n].title)
            );
        }
        out.push_str("</nav>\n");
        out
    }

    fn search_page(&self) -> String {
        let body = "<p id=\"site-results-summary\" role=\"status\">Type words in the search box to find pages, activities and assessments of the course.</p>\n<ol id=\"site-results\" class=\"site-results\"></ol>\n<noscript><p>Searching needs JavaScript; the outline lists every page.</p></noscript>\n";
        let head = format!("<script src=\"{SITE_DIR}/search-index.js\"></script>\n");
        self.shell("Search", Current::Search, "", body, &head)
    }

    /// `window.TRELLIS_SEARCH = [...]`: per page, activity and assessment its title, address,
    /// place in the outline and plain text (loaded by a script element, so it works from
    /// `file://`, where pages cannot fetch files).
    fn search_index(&self) -> String {
        let cx = self.cx;
        let mut entries = Vec::new();
        let entry = |title: &str, url: String, path: &str, text: String| {
            let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            json!({ "t": title, "u": url, "p": path, "x": text.chars().take(SEARCH_TEXT_MAX).collect::<String>() })
        };
        for (n, view) in cx.nodes.iter().enumerate() {
            let mut text = crate::markdown::to_plain_text(&view.node.summary);
            for &o in &view.objectives {
                let obj = cx.objectives[o].objective;
                let _ = write!(text, " {} {}", obj.code, obj.statement);
            }
            entries.push(entry(&view.title, self.pages[n].clone(), &view.path, text));
            for &a in &view.activities {
                let av = &cx.activities[a];
                let text = crate::markdown::to_plain_text(&av.activity.instructions);
                entries.push(entry(&av.title, format!("{}#{}", self.pages[n], av.ident), &view.path, text));
            }
            for &a in &view.assessments {
                let av = &cx.assessments[a];
                let text = crate::markdown::to_plain_text(&av.assessment.instructions);
                entries.push(entry(&av.title, format!("{}#{}", self.pages[n], av.ident), &view.path, text));
            }
        }
        format!("window.TRELLIS_SEARCH = {};\n", Value::Array(entries))
    }
}

/// Which page is being drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Current {
    Index,
    Search,
    Node(usize),
}

/// Makes sanitised context HTML fit a site page: remote images become links (the site loads
/// nothing from elsewhere), with a finding.
struct Fitter<'c, 'a, 'f> {
    cx: &'c ExportContext<'a>,
    findings: &'f mut Vec<Finding>,
    node: Option<usize>,
}

impl Fitter<'_, '_, '_> {
    fn fit(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(start) = rest.find("<img ") {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let Some(len) = tail.find('>') else {
                out.push_str(tail);
                rest = "";
                break;
            };
            let tag = &tail[..=len];
            let src = lower::attr(tag, "src").unwrap_or_default();
            if is_remote(src) {
                let alt = lower::attr(tag, "alt").filter(|a| !a.is_empty()).unwrap_or("image");
                let _ = write!(
                    out,
                    "<a href=\"{src}\" rel=\"noopener noreferrer\">{alt} (an image on the web)</a>"
                );
                let (kind, id, title, path) = match self.node.map(|n| &self.cx.nodes[n]) {
                    Some(v) => ("node", v.node.id.to_string(), v.title.as_str(), v.path.clone()),
                    None => (
                        "curriculum",
                        self.cx.doc.curriculum.id.to_string(),
                        self.cx.title.as_str(),
                        String::new(),
                    ),
                };
                self.findings.push(Finding {
                    code: "X20-remote-image-linked".into(),
                    severity: Severity::Warning,
                    message: format!(
                        "The image {src} in \"{title}\" is on the web; the offline site loads nothing from elsewhere, so it is shown as a link."
                    ),
                    target: Target { kind: kind.into(), id: Some(id), path },
                    hint: "Add the image to the document's assets and reference it as asset:NAME.".into(),
                });
            } else {
                out.push_str(tag);
            }
            rest = &tail[len + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The frame of parts on a site page: under the page's `<h2>` sections, each part with its
    /// kind line and an `<h3>`.
    fn frame(&mut self) -> Frame<impl FnMut(&str) -> String + '_> {
        Frame { kind: PageKind::Lesson, level: 3, fit: |h: &str| self.fit(h) }
    }
}

fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// The objectives under `<h2>heading</h2>`, each with its code and Bloom level; nothing when
/// there are none.
fn objective_list(cx: &ExportContext<'_>, heading: &str, objectives: &[usize]) -> String {
    if objectives.is_empty() {
        return String::new();
    }
    let mut out = format!("<section class=\"trellis-objectives\">\n<h2>{}</h2>\n<ul>\n", escape(heading));
    for &o in objectives {
        let obj = cx.objectives[o].objective;
        out.push_str("<li>");
        if !obj.code.trim().is_empty() {
            let _ = write!(out, "<span class=\"trellis-code\">{}</span> ", escape(obj.code.trim()));
        }
        out.push_str(&escape(obj.statement.trim()));
        if let Some(level) = obj.level {
            let _ = write!(
                out,
                " <span class=\"site-bloom\">Bloom level: {}</span>",
                escape(&html::kind_label(&format!("{level:?}")))
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// Whether an assessment is played on the site: a practice quiz with questions.
fn is_practice(cx: &ExportContext<'_>, a: usize) -> bool {
    let av = &cx.assessments[a];
    av.assessment.purpose != AssessmentPurpose::Summative && !av.items.is_empty()
}

/// The form of a practice quiz (scored in the page by `site.js`), a note for a summative quiz
/// with questions, nothing otherwise.
fn quiz_form(cx: &ExportContext<'_>, a: usize, fit: &mut Fitter<'_, '_, '_>) -> String {
    let av = &cx.assessments[a];
    if av.items.is_empty() {
        return String::new();
    }
    if !is_practice(cx, a) {
        return "<p class=\"site-note\">The questions of this assessment are not published on this site.</p>\n".into();
    }
    let mut body = String::new();
    let form = html::QuizForm {
        class: "trellis-quiz site-quiz",
        scored: None,
        essay_label: "Your answer (not scored)",
        numeric_spellcheck_off: true,
    };
    html::quiz_form(&mut body, av, &form, &mut 0, &mut |h| fit.fit(h));
    body
}

/// The answer keys of a node's practice quizzes, as the JSON `site.js` reads (`<` escaped, so
/// no text can close the script element); empty when the node has none.
fn quiz_data(cx: &ExportContext<'_>, view: &NodeView<'_>) -> String {
    let mut items = Vec::new();
    for &a in view.assessments.iter().filter(|&&a| is_practice(cx, a)) {
        for iv in &cx.assessments[a].items {
            let item = iv.item;
            let key = match &item.body {
                ItemBody::MultipleChoice { choices } => {
                    json!({ "correct": choices.iter().position(|c| c.correct).map(|p| iv.choices[p].ident.clone()) })
                }
                ItemBody::MultipleResponse { .. } => {
                    json!({ "correct": iv.choices.iter().filter(|c| c.correct).map(|c| c.ident.clone()).collect::<Vec<_>>() })
                }
                ItemBody::TrueFalse { answer } => json!({ "answer": answer.to_string() }),
                ItemBody::ShortAnswer { answers, case_sensitive } => {
                    json!({ "answers": answers, "caseSensitive": case_sensitive })
                }
                ItemBody::Numeric { answer, tolerance } => {
                    json!({ "answer": answer, "tolerance": tolerance.abs() })
                }
                ItemBody::Essay { .. } => Value::Null,
                ItemBody::Matching { pairs } => {
                    json!({ "pairs": pairs.iter().map(|p| lower::ident(p.id.0)).collect::<Vec<_>>() })
                }
            };
            let points = if item.points.is_finite() && item.points > 0.0 { item.points } else { 0.0 };
            items
                .push(json!({ "id": iv.ident, "type": item.body.type_name(), "points": points, "key": key }));
        }
    }
    if items.is_empty() {
        return String::new();
    }
    json!({ "items": items }).to_string().replace('<', "\\u003c")
}

/// `1 h 30 min`.
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The date part of an RFC 3339 time (`2024-05-01`).
fn date(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_addresses_are_recognised_and_dates_shortened() {
        assert!(is_remote("HTTPS://example.org/a.png"));
        assert!(is_remote(" //cdn.example.org/a.png"));
        assert!(!is_remote("assets/a.png"));
        assert_eq!(date("2024-05-01T10:00:00Z"), "2024-05-01");
        assert_eq!(date("soon"), "soon");
        assert_eq!(duration(90), "1 h 30 min");
    }
}
