//! Learner-facing HTML pages shared by the package formats: the page shell (language attribute,
//! title as the one `<h1>`, the shared stylesheet) and the bodies for nodes, activities and
//! assignments (objectives, resources, GRASPS, the rubric as an accessible table). The GRASPS
//! list and the rubric table are the one renderer of those parts: cartridge pages and the
//! SCORM/cmi5 lesson pages (`sco.rs`) both write them through [`grasps_list`] and
//! [`rubric_table`].
//!
//! Every piece of user text is either sanitised HTML from the [`ExportContext`] or escaped here;
//! nothing else reaches a page. Where a page lives in the package (and so how it reaches the
//! assets) is the caller's business: bodies point at assets as `assets/…` and callers relink them.

use super::lower::{ActivityView, AssessmentView, ExportContext, NodeView, RubricView};
use super::xml::{escape, number};
use crate::model::{AssessmentFormat, Grasps, Grouping};

/// The shared stylesheet.
pub const STYLESHEET: &str = include_str!("assets/trellis.css");

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

impl Page<'_> {
    /// The page as an HTML5 document.
    pub fn render(&self) -> String {
        let title = escape(self.title);
        let mut out = String::with_capacity(self.body.len() + 512);
        out.push_str("<!DOCTYPE html>\n");
        out.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", escape(self.lang)));
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str(&format!("<title>{title}</title>\n"));
        for (name, content) in &self.meta {
            out.push_str(&format!("<meta name=\"{}\" content=\"{}\">\n", escape(name), escape(content)));
        }
        if !self.stylesheet.is_empty() {
            out.push_str(&format!("<link rel=\"stylesheet\" href=\"{}\">\n", escape(self.stylesheet)));
        }
        out.push_str("</head>\n<body>\n<main>\n");
        out.push_str(&format!("<h1>{title}</h1>\n"));
        out.push_str(&self.body);
        if !self.body.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// A list of objectives with their codes, or nothing when there are none.
pub fn objectives_section(cx: &ExportContext<'_>, heading: &str, objectives: &[usize]) -> String {
    if objectives.is_empty() {
        return String::new();
    }
    let mut out = format!("<section class=\"trellis-objectives\">\n<h2>{}</h2>\n<ul>\n", escape(heading));
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

/// Body of a node's overview page: summary and objectives.
pub fn node_body(cx: &ExportContext<'_>, node: &NodeView<'_>) -> String {
    let mut out = String::new();
    if let Some(minutes) = node.node.duration_minutes {
        out.push_str(&format!("<p class=\"trellis-meta\">Estimated time: {}</p>\n", duration(minutes)));
    }
    out.push_str(&node.summary_html);
    out.push_str(&objectives_section(cx, "Learning objectives", &node.objectives));
    out
}

/// Body of an activity's page: instructions, time and grouping, resources, objectives.
pub fn activity_body(cx: &ExportContext<'_>, a: &ActivityView<'_>) -> String {
    let mut out = String::new();
    let mut meta = Vec::new();
    if let Some(minutes) = a.activity.duration_minutes {
        meta.push(format!("Estimated time: {}", duration(minutes)));
    }
    let grouping = match a.activity.grouping {
        Grouping::Individual => "",
        Grouping::Pairs => "Work in pairs",
        Grouping::SmallGroups => "Work in small groups",
        Grouping::WholeClass => "Whole class",
    };
    if !grouping.is_empty() {
        meta.push(grouping.to_owned());
    }
    if !meta.is_empty() {
        out.push_str(&format!("<p class=\"trellis-meta\">{}</p>\n", escape(&meta.join(" · "))));
    }
    out.push_str(&a.instructions_html);
    let resources: Vec<String> = a
        .resources
        .iter()
        .filter_map(|r| {
            let href = match (&r.url, r.asset) {
                (Some(url), _) => url.clone(),
                (None, Some(i)) => cx.assets[i].path.clone(),
                (None, None) => return None,
            };
            let rel = if r.url.is_some() { " rel=\"noopener noreferrer\"" } else { "" };
            Some(format!("<li><a href=\"{}\"{rel}>{}</a></li>\n", escape(&href), escape(&r.title)))
        })
        .collect();
    if !resources.is_empty() {
        out.push_str("<h2>Resources</h2>\n<ul>\n");
        out.extend(resources);
        out.push_str("</ul>\n");
    }
    out.push_str(&objectives_section(cx, "This activity works towards", &a.objectives));
    out
}

/// Body of an assignment (instructions, GRASPS, points, objectives, rubric).
pub fn assignment_body(cx: &ExportContext<'_>, a: &AssessmentView<'_>) -> String {
    let mut out = String::new();
    let mut meta = Vec::new();
    if let Some(points) = a.points {
        meta.push(format!("Points: {}", number(points)));
    }
    if let Some(minutes) = a.assessment.duration_minutes {
        meta.push(format!("Estimated time: {}", duration(minutes)));
    }
    if !meta.is_empty() {
        out.push_str(&format!("<p class=\"trellis-meta\">{}</p>\n", escape(&meta.join(" · "))));
    }
    out.push_str(&a.instructions_html);
    if let Some(g) = &a.assessment.grasps {
        out.push_str(&grasps_list(g, 2, &mut str::to_owned));
    }
    if a.assessment.format == AssessmentFormat::Discussion && a.instructions_html.is_empty() {
        out.push_str("<p>Post your contribution to the discussion.</p>\n");
    }
    out.push_str(&objectives_section(cx, "This assessment measures", &a.objectives));
    if let Some(r) = a.rubric {
        out.push_str(&rubric_table(&cx.rubrics[r], 2, &mut str::to_owned));
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
    fn slugs_are_short_ascii_names() {
        assert_eq!(slug("Unit 2: Sampling & Bias"), "unit-2-sampling-bias");
        assert_eq!(slug("Ümlaut"), "mlaut");
        assert_eq!(slug("日本語"), "page");
        assert!(slug(&"x".repeat(500)).len() <= 50);
    }
}
