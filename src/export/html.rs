//! Learner-facing HTML pages of the package formats, and the one renderer of what cartridge
//! pages and SCORM/cmi5 lesson pages (`sco.rs`) both draw: the page shell ([`Page`]: language
//! attribute, title as the one `<h1>`, the stylesheet; a lesson page adds its [`Shell`]), a
//! node's content ([`node_part`]), activities ([`activity_part`]), assessment headers and
//! instructions ([`assessment_part`]), objective lists ([`objectives_section`]), the GRASPS list
//! ([`grasps_list`]) and the rubric table ([`rubric_table`]). A [`Frame`] says where a part is
//! drawn: on a cartridge page of its own, or as one part of a lesson page, with the kind line,
//! heading and `data-section` hooks `runtime/lesson.js` reads. It also draws the quiz form
//! ([`quiz_form`]) that lesson pages and the offline site play; the lesson page's layout and
//! runtime data stay in `sco.rs`.
//!
//! It also owns the one stylesheet (`assets/trellis.css`): cartridges ship its shared part
//! ([`STYLESHEET`]), lesson packages all of it ([`LESSON_STYLESHEET`]).
//!
//! Every piece of user text is either sanitised HTML from the [`ExportContext`] or escaped here;
//! nothing else reaches a page. Where a page lives in the package (and so how it reaches the
//! assets) is the caller's business: bodies point at assets as `assets/…` and callers relink them
//! (lesson pages through the frame's `fit`).

use std::fmt::Write as _;

use super::lower::{ActivityView, AssessmentView, ExportContext, NodeView, RubricView};
use super::xml::{escape, number};
use crate::model::{AssessmentFormat, Grasps, Grouping, ItemBody};

/// The one stylesheet of Trellis pages (`assets/trellis.css`): the rules every page uses, then,
/// after [`LESSON_RULES_MARKER`], the rules only lesson pages need (quiz interaction, progress,
/// notices, the end-of-page footer). Lesson packages ship all of it as `runtime/trellis.css`.
pub const LESSON_STYLESHEET: &str = include_str!("assets/trellis.css");

/// The comment line that opens the lesson-only part of the stylesheet.
pub const LESSON_RULES_MARKER: &str = "/* == Lesson pages only";

/// The part of the stylesheet every page uses, which cartridges ship as
/// `web_resources/trellis.css`.
pub const STYLESHEET: &str = before(LESSON_STYLESHEET, LESSON_RULES_MARKER);

/// `text` up to the first `marker` (checked when the crate is compiled).
const fn before(text: &'static str, marker: &str) -> &'static str {
    let (bytes, m) = (text.as_bytes(), marker.as_bytes());
    let mut at = 0;
    while at + m.len() <= bytes.len() {
        let mut k = 0;
        while k < m.len() && bytes[at + k] == m[k] {
            k += 1;
        }
        if k == m.len() {
            match std::str::from_utf8(bytes.split_at(at).0) {
                Ok(head) => return head,
                Err(_) => panic!("the stylesheet marker splits a character"),
            }
        }
        at += 1;
    }
    panic!("assets/trellis.css lacks the lesson rules marker")
}

/// A complete HTML page.
pub struct Page<'a> {
    /// Title (plain text; becomes `<title>` and the `<h1>`).
    pub title: &'a str,
    /// BCP 47 language tag.
    pub lang: &'a str,
    /// Link to the stylesheet, relative to the page (empty for none).
    pub stylesheet: &'a str,
    /// Extra `<meta name content>` pairs (e.g. Canvas page metadata).
    pub meta: Vec<(&'a str, String)>,
    /// Sanitised body HTML (headings start at `<h2>`).
    pub body: String,
}

/// What a lesson page adds around a [`Page`]: head elements (its content security policy), a
/// line above the title (the breadcrumb) and elements after `<main>` (the runtime's data and
/// scripts). Cartridge pages add nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shell<'a> {
    /// Complete head elements, each ending with a newline, written before the stylesheet link.
    pub head: &'a str,
    /// Body HTML written in `<main>` before the `<h1>`.
    pub before_title: &'a str,
    /// Body HTML written after `</main>`.
    pub after_main: &'a str,
}

impl Page<'_> {
    /// The page as an HTML5 document.
    pub fn render(&self) -> String {
        self.render_in(&Shell::default())
    }

    /// The page as an HTML5 document inside `shell`.
    pub fn render_in(&self, shell: &Shell<'_>) -> String {
        let title = escape(self.title);
        let mut out = String::with_capacity(self.body.len() + shell.after_main.len() + 512);
        out.push_str("<!DOCTYPE html>\n");
        out.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", escape(self.lang)));
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str(&format!("<title>{title}</title>\n"));
        for (name, content) in &self.meta {
            out.push_str(&format!("<meta name=\"{}\" content=\"{}\">\n", escape(name), escape(content)));
        }
        out.push_str(shell.head);
        if !self.stylesheet.is_empty() {
            out.push_str(&format!("<link rel=\"stylesheet\" href=\"{}\">\n", escape(self.stylesheet)));
        }
        out.push_str("</head>\n<body>\n<main>\n");
        out.push_str(shell.before_title);
        out.push_str(&format!("<h1>{title}</h1>\n"));
        out.push_str(&self.body);
        if !self.body.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("</main>\n");
        out.push_str(shell.after_main);
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// Which kind of page a part is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// A Common Cartridge page: one node, activity or assessment per page, whose title is the
    /// page's `<h1>`.
    Cartridge,
    /// A SCORM/cmi5 lesson page: several parts on one page, each under its own heading after a
    /// kind line (`trellis-kind`), inside the `data-section` elements by which `runtime/lesson.js`
    /// tracks where the learner is.
    Lesson,
}

/// How a part is drawn: on which kind of page, at which heading level, and how sanitised HTML is
/// made to fit the page.
pub struct Frame<F: FnMut(&str) -> String> {
    /// The kind of page.
    pub kind: PageKind,
    /// Level of the part's own heading (1 on cartridge pages, where it is the page title drawn
    /// by [`Page`]); the part's sub-headings are one level below.
    pub level: u8,
    /// Makes sanitised HTML fit the page (identity for cartridge pages; lesson pages relink
    /// assets one directory up, open external links in a new window and turn remote images
    /// into links).
    pub fit: F,
}

impl<F: FnMut(&str) -> String> Frame<F> {
    fn sub(&self) -> u8 {
        self.level.saturating_add(1).min(6)
    }

    fn lesson(&self) -> bool {
        self.kind == PageKind::Lesson
    }
}

/// Draws `part` in the frame of a cartridge page (identity fit, title as the page's `<h1>`).
fn on_cartridge_page(part: impl FnOnce(&mut Frame<fn(&str) -> String>) -> String) -> String {
    part(&mut Frame { kind: PageKind::Cartridge, level: 1, fit: str::to_owned })
}

/// A list of objectives with their codes under `<h{level}>heading`, or nothing when there are
/// none. `section` is the `data-section` id lesson pages give it.
pub fn objectives_section(
    cx: &ExportContext<'_>,
    heading: &str,
    level: u8,
    section: Option<&str>,
    objectives: &[usize],
) -> String {
    if objectives.is_empty() {
        return String::new();
    }
    let hook = section.map(|s| format!(" data-section=\"{}\"", escape(s))).unwrap_or_default();
    let mut out = format!(
        "<section class=\"trellis-objectives\"{hook}>\n<h{level}>{}</h{level}>\n<ul>\n",
        escape(heading)
    );
    for &i in objectives {
        let o = &cx.objectives[i];
        let code = o.objective.code.trim();
        if code.is_empty() {
            out.push_str(&format!("<li>{}</li>\n", escape(o.objective.statement.trim())));
        } else {
            out.push_str(&format!(
                "<li><span class=\"trellis-code\">{}</span> {}</li>\n",
                escape(code),
                escape(o.objective.statement.trim())
            ));
        }
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// The line of facts under a part's heading (`Estimated time: 1 h · Work in pairs`), or
/// nothing.
fn meta_line(meta: &[String]) -> String {
    if meta.is_empty() {
        String::new()
    } else {
        format!("<p class=\"trellis-meta\">{}</p>\n", escape(&meta.join(" · ")))
    }
}

/// The opening of a part on a lesson page: the element `open`, the part's kind line and its
/// heading. Nothing on cartridge pages, where the part's title is the page's.
fn lesson_opening<F: FnMut(&str) -> String>(
    frame: &Frame<F>,
    open: &str,
    kind: impl FnOnce() -> String,
    title: &str,
) -> String {
    if !frame.lesson() {
        return String::new();
    }
    let level = frame.level;
    format!(
        "{open}\n<p class=\"trellis-kind\">{}</p>\n<h{level}>{}</h{level}>\n",
        escape(&kind()),
        escape(title)
    )
}

/// `Estimated time: 1 h 30 min`.
fn estimated(minutes: u32) -> String {
    format!("Estimated time: {}", duration(minutes))
}

/// A node's own content: estimated time, summary and objectives ("Learning objectives"). On
/// lesson pages the summary and the objectives are the sections `<ident>-intro` and
/// `<ident>-objectives`.
pub fn node_part(
    cx: &ExportContext<'_>,
    node: &NodeView<'_>,
    frame: &mut Frame<impl FnMut(&str) -> String>,
) -> String {
    let mut out = String::new();
    if let Some(minutes) = node.node.duration_minutes {
        out.push_str(&meta_line(&[estimated(minutes)]));
    }
    if !frame.lesson() {
        out.push_str(&node.summary_html);
    } else if !node.summary_html.trim().is_empty() {
        out.push_str(&format!(
            "<section class=\"trellis-intro\" data-section=\"{}-intro\">\n{}</section>\n",
            escape(&node.ident),
            (frame.fit)(&node.summary_html)
        ));
    }
    let section = frame.lesson().then(|| format!("{}-objectives", node.ident));
    out.push_str(&objectives_section(
        cx,
        "Learning objectives",
        frame.sub(),
        section.as_deref(),
        &node.objectives,
    ));
    out
}

/// Body of a node's overview page: summary and objectives.
pub fn node_body(cx: &ExportContext<'_>, node: &NodeView<'_>) -> String {
    on_cartridge_page(|frame| node_part(cx, node, frame))
}

/// An activity: time and grouping, instructions, resources, the objectives it works towards.
/// On lesson pages it is an `<article class="trellis-activity">` with its kind and title.
pub fn activity_part(
    cx: &ExportContext<'_>,
    a: &ActivityView<'_>,
    frame: &mut Frame<impl FnMut(&str) -> String>,
) -> String {
    let kind = || kind_label(&format!("{:?}", a.activity.kind));
    let mut out = lesson_opening(frame, "<article class=\"trellis-activity\">", kind, &a.title);
    let mut meta: Vec<String> = a.activity.duration_minutes.map(estimated).into_iter().collect();
    let grouping = match a.activity.grouping {
        Grouping::Individual => "",
        Grouping::Pairs => "Work in pairs",
        Grouping::SmallGroups => "Work in small groups",
        Grouping::WholeClass => "Whole class",
    };
    if !grouping.is_empty() {
        meta.push(grouping.to_owned());
    }
    out.push_str(&meta_line(&meta));
    out.push_str(&pathway_label(cx, a.activity.pathway.as_ref()));
    out.push_str(&(frame.fit)(&a.instructions_html));
    if let Some(content) = &a.activity.content {
        out.push_str(&(frame.fit)(&super::interactive::frame_html(&a.ident, &a.title, content)));
    }
    if !a.resources.is_empty() {
        let level = frame.sub();
        let mut list = format!("<h{level}>Resources</h{level}>\n<ul>\n");
        for r in &a.resources {
            let href = match (&r.url, r.asset) {
                (Some(url), _) => url.as_str(),
                (None, Some(i)) => cx.assets[i].path.as_str(),
                (None, None) => {
                    list.push_str(&format!("<li>{}</li>\n", escape(&r.title)));
                    continue;
                }
            };
            let rel = if r.url.is_some() { " rel=\"noopener noreferrer\"" } else { "" };
            list.push_str(&format!("<li><a href=\"{}\"{rel}>{}</a></li>\n", escape(href), escape(&r.title)));
        }
        list.push_str("</ul>\n");
        out.push_str(&(frame.fit)(&list));
    }
    out.push_str(&objectives_section(cx, "This activity works towards", frame.sub(), None, &a.objectives));
    if frame.lesson() {
        out.push_str("</article>\n");
    }
    out
}

/// Whom an activity on a mastery pathway is for, as a sentence naming the kind and the objectives
/// by their labels ("Remediation: for learners who have not yet reached L2.3.1."); empty for an
/// activity on no pathway, so such pages keep their bytes.
fn pathway_label(cx: &ExportContext<'_>, pathway: Option<&crate::model::Pathway>) -> String {
    use crate::model::PathwayRole;
    let Some(p) = pathway else { return String::new() };
    let labels: Vec<&str> = p
        .objectives
        .iter()
        .filter_map(|o| cx.objective_index(*o))
        .map(|o| cx.objectives[o].label.as_str())
        .collect();
    let (kind, who) = match p.role {
        PathwayRole::Remediation => ("Remediation", "for learners who have not yet reached"),
        PathwayRole::Enrichment => ("Enrichment", "for learners who have reached"),
    };
    let text =
        if labels.is_empty() { format!("{kind}.") } else { format!("{kind}: {who} {}.", labels.join(", ")) };
    format!("<p class=\"trellis-pathway\">{}</p>\n", escape(&text))
}

/// Body of an activity's page: instructions, time and grouping, resources, objectives.
pub fn activity_body(cx: &ExportContext<'_>, a: &ActivityView<'_>) -> String {
    on_cartridge_page(|frame| activity_part(cx, a, frame))
}

/// An assessment's header and instructions: points and time, instructions, GRASPS, the
/// objectives it measures, the rubric. On lesson pages it is the section `<ident>` (class
/// `trellis-assessment`) with its purpose and format as kind line and its title, and
/// `interaction` (the quiz form) at its end; cartridge pages invite a contribution to a
/// discussion without instructions, since the cartridge makes it a discussion topic.
pub fn assessment_part(
    cx: &ExportContext<'_>,
    a: &AssessmentView<'_>,
    frame: &mut Frame<impl FnMut(&str) -> String>,
    interaction: &str,
) -> String {
    let asmt = a.assessment;
    let open = format!("<section class=\"trellis-assessment\" data-section=\"{}\">", escape(&a.ident));
    let kind = || {
        format!(
            "{} · {}",
            kind_label(&format!("{:?}", asmt.purpose)),
            kind_label(&format!("{:?}", asmt.format))
        )
    };
    let mut out = lesson_opening(frame, &open, kind, &a.title);
    let mut meta: Vec<String> = a.points.map(|p| format!("Points: {}", number(p))).into_iter().collect();
    meta.extend(asmt.duration_minutes.map(estimated));
    out.push_str(&meta_line(&meta));
    out.push_str(&(frame.fit)(&a.instructions_html));
    let sub = frame.sub();
    if let Some(g) = &asmt.grasps {
        out.push_str(&grasps_list(g, sub, &mut frame.fit));
    }
    if !frame.lesson() && asmt.format == AssessmentFormat::Discussion && a.instructions_html.is_empty() {
        out.push_str("<p>Post your contribution to the discussion.</p>\n");
    }
    out.push_str(&objectives_section(cx, "This assessment measures", sub, None, &a.objectives));
    if let Some(r) = a.rubric {
        out.push_str(&rubric_table(&cx.rubrics[r], sub, &mut frame.fit));
    }
    out.push_str(interaction);
    if frame.lesson() {
        out.push_str("</section>\n");
    }
    out
}

/// Body of an assignment (instructions, GRASPS, points, objectives, rubric).
pub fn assignment_body(cx: &ExportContext<'_>, a: &AssessmentView<'_>) -> String {
    on_cartridge_page(|frame| assessment_part(cx, a, frame, ""))
}

/// `CaseStudy` → `Case study` (model enum names as labels).
pub fn kind_label(debug: &str) -> String {
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The GRASPS parts of a performance task that are filled in, as a definition list under the
/// heading "The task" (`<h{level}>`); empty when none is. Each part is rendered as inline
/// Markdown and passed through `fit`, which makes sanitised HTML fit the page it goes into
/// (identity for cartridge pages; lesson pages relink assets and turn remote images into links).
pub fn grasps_list(g: &Grasps, level: u8, fit: &mut dyn FnMut(&str) -> String) -> String {
    let parts = [
        ("Goal", &g.goal),
        ("Role", &g.role),
        ("Audience", &g.audience),
        ("Situation", &g.situation),
        ("Product or performance", &g.product),
        ("Standards for success", &g.standards),
    ];
    if parts.iter().all(|(_, v)| v.trim().is_empty()) {
        return String::new();
    }
    let mut out = format!("<h{level}>The task</h{level}>\n<dl>\n");
    for (label, value) in parts {
        if !value.trim().is_empty() {
            out.push_str(&format!(
                "<dt>{label}</dt>\n<dd>{}</dd>\n",
                fit(&crate::markdown::render_inline(value))
            ));
        }
    }
    out.push_str("</dl>\n");
    out
}

/// The rubric as a table with a caption and header cells, readable by screen readers, under
/// the heading "Rubric: …" (`<h{level}>`), levels highest first as graders read rubrics. The
/// description (sanitised HTML) goes through `fit` (see [`grasps_list`]).
pub fn rubric_table(r: &RubricView<'_>, level: u8, fit: &mut dyn FnMut(&str) -> String) -> String {
    let rubric = r.rubric;
    let mut out = format!("<h{level}>Rubric: {}</h{level}>\n", escape(&rubric.title));
    out.push_str(&fit(&r.description_html));
    out.push_str(&format!(
        "<table>\n<caption>{}</caption>\n<thead>\n<tr><th scope=\"col\">Criterion</th>",
        escape(&rubric.title)
    ));
    for level in rubric.levels.iter().rev() {
        out.push_str(&format!(
            "<th scope=\"col\">{} ({} pts)</th>",
            escape(&level.label),
            number(level.points)
        ));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for c in &rubric.criteria {
        out.push_str(&format!("<tr><th scope=\"row\">{}", escape(&c.title)));
        if !c.description.trim().is_empty() {
            out.push_str(&format!(
                "<br><span class=\"trellis-meta\">{}</span>",
                escape(c.description.trim())
            ));
        }
        out.push_str("</th>");
        for level in rubric.levels.iter().rev() {
            let text =
                c.descriptors.iter().find(|d| d.level == level.id).map(|d| d.text.as_str()).unwrap_or("");
            out.push_str(&format!("<td>{}</td>", escape(text)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// An ASCII file-name slug of a title (`Unit 2: Sampling` → `unit-2-sampling`), at most 50
/// characters, `page` when nothing is left.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 50 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "page".to_owned() } else { out }
}

/// What differs between the pages that play a quiz form: lesson pages (`runtime/lesson.js`) and
/// the offline site (`site/site.js`).
pub struct QuizForm<'a> {
    /// The form's classes.
    pub class: &'a str,
    /// `data-scored` (lesson pages: whether the quiz counts towards the lesson's score).
    pub scored: Option<bool>,
    /// The label of an essay's text box.
    pub essay_label: &'a str,
    /// Whether a numeric answer's box also turns spell checking off.
    pub numeric_spellcheck_off: bool,
}

/// The form of a quiz: one fieldset per item (stem, answer controls, feedback templates, a live
/// feedback region), then the actions. Questions are numbered on from `counter`, which ends at
/// the last number used; `fit` relinks and fits sanitised HTML to where the page lives.
pub fn quiz_form(
    body: &mut String,
    av: &AssessmentView<'_>,
    form: &QuizForm<'_>,
    counter: &mut usize,
    fit: &mut dyn FnMut(&str) -> String,
) {
    let _ = write!(body, "<form class=\"{}\" data-quiz=\"{}\"", form.class, av.ident);
    if let Some(scored) = form.scored {
        let _ = write!(body, " data-scored=\"{scored}\"");
    }
    body.push_str(" novalidate>\n");
    for iv in &av.items {
        *counter += 1;
        let item = iv.item;
        let id = &iv.ident;
        let unit = if (item.points - 1.0).abs() < f64::EPSILON { "point" } else { "points" };
        let _ = writeln!(
            body,
            "<fieldset class=\"trellis-item\" data-item=\"{id}\">\n<legend>Question {} <span class=\"trellis-points\">({} {unit})</span></legend>\n<div class=\"trellis-stem\">{}</div>",
            counter,
            number(item.points),
            fit(&iv.stem_html)
        );
        match &item.body {
            ItemBody::MultipleChoice { .. } | ItemBody::MultipleResponse { .. } => {
                let kind =
                    if matches!(item.body, ItemBody::MultipleChoice { .. }) { "radio" } else { "checkbox" };
                for c in &iv.choices {
                    let _ = writeln!(
                        body,
                        "<label><input type=\"{kind}\" name=\"{id}\" value=\"{}\"> <span>{}</span></label>",
                        c.ident,
                        fit(&c.html)
                    );
                }
                for c in iv.choices.iter().filter(|c| !c.feedback_html.is_empty()) {
                    let _ = writeln!(
                        body,
                        "<template class=\"fb-choice\" data-choice=\"{}\">{}</template>",
                        c.ident,
                        fit(&c.feedback_html)
                    );
                }
            }
            ItemBody::TrueFalse { .. } => {
                for (value, label) in [("true", "True"), ("false", "False")] {
                    let _ = writeln!(
                        body,
                        "<label><input type=\"radio\" name=\"{id}\" value=\"{value}\"> <span>{label}</span></label>"
                    );
                }
            }
            ItemBody::ShortAnswer { .. } => {
                let _ = writeln!(
                    body,
                    "<label>Your answer <input type=\"text\" name=\"{id}\" autocomplete=\"off\" spellcheck=\"false\"></label>"
                );
            }
            ItemBody::Numeric { .. } => {
                let spellcheck = if form.numeric_spellcheck_off { " spellcheck=\"false\"" } else { "" };
                let _ = writeln!(
                    body,
                    "<label>Your answer <input type=\"text\" inputmode=\"decimal\" name=\"{id}\" autocomplete=\"off\"{spellcheck}></label>"
                );
            }
            ItemBody::Essay { .. } => {
                let _ = writeln!(
                    body,
                    "<label for=\"{id}-text\">{}</label>\n<textarea id=\"{id}-text\" name=\"{id}\" rows=\"6\"></textarea>",
                    form.essay_label
                );
            }
            ItemBody::Matching { pairs } => {
                // Answers in alphabetical order: stable across exports, unrelated to the key.
                let mut answers: Vec<(String, String)> = pairs
                    .iter()
                    .map(|p| (crate::markdown::to_plain_text(&p.answer), super::lower::ident(p.id.0)))
                    .collect();
                answers.sort();
                body.push_str("<div class=\"trellis-match\">\n");
                for (k, p) in pairs.iter().enumerate() {
                    let pid = super::lower::ident(p.id.0);
                    let _ = write!(
                        body,
                        "<label for=\"{id}-{k}\">{}</label>\n<select id=\"{id}-{k}\" data-pair=\"{pid}\">\n<option value=\"\">Choose…</option>\n",
                        fit(&crate::markdown::render_inline(&p.prompt))
                    );
                    for (text, value) in &answers {
                        let _ = writeln!(body, "<option value=\"{value}\">{}</option>", escape(text));
                    }
                    body.push_str("</select>\n");
                }
                body.push_str("</div>\n");
            }
        }
        for (class, html) in
            [("fb-correct", &iv.feedback_correct_html), ("fb-incorrect", &iv.feedback_incorrect_html)]
        {
            if !html.is_empty() {
                let _ = writeln!(body, "<template class=\"{class}\">{}</template>", fit(html));
            }
        }
        body.push_str("<div class=\"trellis-feedback\" aria-live=\"polite\"></div>\n</fieldset>\n");
    }
    body.push_str("<div class=\"trellis-actions\">\n<button type=\"submit\">Check answers</button>\n<button type=\"button\" class=\"secondary trellis-retry\">Try again</button>\n<span class=\"trellis-result\" role=\"status\"></span>\n</div>\n</form>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_declare_language_and_have_one_h1() {
        let page = Page {
            title: "Sampling <basics>",
            lang: "de",
            stylesheet: "../web_resources/trellis.css",
            meta: vec![],
            body: "<h2>Part</h2>\n".into(),
        }
        .render();
        assert!(page.contains("<html lang=\"de\">"), "{page}");
        assert!(page.contains("<h1>Sampling &lt;basics&gt;</h1>"), "{page}");
        assert_eq!(page.matches("<h1>").count(), 1);
    }

    #[test]
    fn kinds_read_as_people_write_them() {
        assert_eq!(kind_label("CaseStudy"), "Case study");
        assert_eq!(kind_label("SmallGroups"), "Small groups");
    }

    #[test]
    fn cartridges_ship_the_shared_rules_and_lessons_add_their_own() {
        assert!(LESSON_STYLESHEET.starts_with(STYLESHEET));
        assert!(STYLESHEET.contains("caption {"), "rubric captions are styled on every page");
        assert!(!STYLESHEET.contains(".trellis-quiz"), "cartridges carry no quiz rules");
        let lesson = &LESSON_STYLESHEET[STYLESHEET.len()..];
        assert!(lesson.starts_with(LESSON_RULES_MARKER));
        for rule in [".trellis-quiz", ".trellis-feedback", ".trellis-notice", ".trellis-end", ".is-correct"] {
            assert!(lesson.contains(rule), "lesson rules style {rule}");
        }
    }

    #[test]
    fn slugs_are_short_ascii_names() {
        assert_eq!(slug("Unit 2: Sampling & Bias"), "unit-2-sampling-bias");
        assert_eq!(slug("Ümlaut"), "mlaut");
        assert_eq!(slug("日本語"), "page");
        assert!(slug(&"x".repeat(500)).len() <= 50);
    }
}
