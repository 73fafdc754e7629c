//! The curriculum's objectives as outcome lists an LMS imports: the Canvas outcomes import CSV
//! (`canvas-outcomes-csv`) and the Moodle competency framework CSV of `tool_lpimportcsv`
//! (`moodle-competency-csv`). Both are the inverse of the importers in `src/import/csv.rs`:
//! importing the file back gives the same objectives, hierarchy and identifiers.
//!
//! Canvas: the columns of Canvas's "Outcomes Import Format" (`vendor_guid, object_type, title,
//! description, display_name, calculation_method, calculation_int, mastery_points,
//! parent_guids, ratings`), the ratings spread over the trailing unnamed columns as
//! `points, description` pairs, best first (Canvas requires them to be the final columns, so
//! `parent_guids` comes before them). Groups follow the outline (only nodes with objectives at
//! or below them; `vendor_guid` = the node's UUID); outcomes are the objectives with
//! `vendor_guid` = the objective's UUID, the title, scale and calculation the Canvas cartridge
//! writes in `learning_outcomes.xml`, so both imports update the same outcomes.
//!
//! Moodle: the header `tool_lpimportcsv` writes and reads, one framework row (id number = the
//! curriculum's UUID, the scale "Not yet competent,Competent", one taxonomy term per level) and
//! one row per objective (id number = its UUID, short name = its code or first words,
//! description = its statement as plain text); the parent id number is the first objective it
//! supports, the others are cross-referenced competencies.

use std::collections::HashMap;

use super::common_cartridge::canvas::{OutcomeIndex, outcome_scale};
use super::lower::ExportContext;
use super::xml::{escape, number};
use super::{ExportFormat, ExportOptions, ExportReport, Exporter, PackageWriter, Progress, finding};
use crate::model::Document;
use crate::{Error, Finding, Result, Severity, Target};

/// Which outcome list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// Canvas outcomes import CSV.
    Canvas,
    /// Moodle competency framework CSV.
    Moodle,
}

/// The exporter of one outcome list.
pub(crate) struct OutcomesCsv(pub(crate) Flavour);

/// The named columns of the Canvas file; the ratings continue in unnamed columns.
const CANVAS_COLUMNS: [&str; 10] = [
    "vendor_guid",
    "object_type",
    "title",
    "description",
    "display_name",
    "calculation_method",
    "calculation_int",
    "mastery_points",
    "parent_guids",
    "ratings",
];

/// The header of `tool_lpimportcsv` (as Moodle's own export writes it).
const MOODLE_COLUMNS: [&str; 14] = [
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
];

/// Moodle's `FORMAT_PLAIN`: descriptions are written as plain text.
const MOODLE_FORMAT_PLAIN: &str = "2";
/// The framework's scale (Moodle finds or creates a global scale with these items).
const MOODLE_SCALE: &str = "Not yet competent,Competent";
/// Its configuration: item 2 ("Competent") is the default and proficient.
const MOODLE_SCALE_CONFIG: &str = r#"[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]"#;
/// Moodle cuts short names at 100 characters.
const MOODLE_SHORTNAME_MAX: usize = 100;
/// Canvas outcome titles are at most 255 characters; the cartridge uses the same limit.
const CANVAS_TITLE_MAX: usize = 250;

impl Exporter for OutcomesCsv {
    fn format(&self) -> ExportFormat {
        match self.0 {
            Flavour::Canvas => ExportFormat::CanvasOutcomesCsv,
            Flavour::Moodle => ExportFormat::MoodleCompetencyCsv,
        }
    }

    /// An outcome list without objectives is empty (`X09`, an error as for CASE); what the list
    /// cannot carry is said once (`X31`, info).
    fn preflight(&self, doc: &Document, _options: &ExportOptions) -> Vec<Finding> {
        let target = || Target {
            kind: "curriculum".into(),
            id: Some(doc.curriculum.id.to_string()),
            path: String::new(),
        };
        let mut out = Vec::new();
        if doc.objectives.is_empty() {
            out.push(finding(
                "X09-no-objectives",
                Severity::Error,
                format!("The curriculum has no objectives, so the {} would be empty.", self.format().label()),
                target(),
                "Add objectives, or choose another format.",
            ));
            return out;
        }
        let left_out = match self.0 {
            Flavour::Canvas => {
                "Canvas outcome lists carry each objective's code, statement, outline group and mastery scale; Bloom levels, prerequisites, alignments and the objectives' own hierarchy (supports) are left out."
            }
            Flavour::Moodle => {
                "Moodle competency frameworks carry each objective's code, statement and the objective it supports (as parent); the outline, Bloom levels, prerequisites and alignments are left out."
            }
        };
        out.push(finding(
            "X31-outcome-list-leaves-out",
            Severity::Info,
            left_out.to_owned(),
            target(),
            "Use a Common Cartridge (Canvas profile) or CASE export to carry the rest.",
        ));
        out
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let name = match self.0 {
            Flavour::Canvas => "outcomes.csv",
            Flavour::Moodle => "competency-framework.csv",
        };
        progress(Progress { done: 0, total: 1, message: name.into() });
        let rows = match self.0 {
            Flavour::Canvas => canvas_rows(cx),
            Flavour::Moodle => moodle_rows(cx),
        };
        out.add(name, &write_csv(&rows, name)?)?;
        progress(Progress { done: 1, total: 1, message: name.into() });
        Ok(ExportReport::default())
    }
}

/// Writes rows (the header first) as RFC 4180 CSV, every row as wide as the widest.
fn write_csv(rows: &[Vec<String>], name: &str) -> Result<Vec<u8>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    let empty = String::new();
    for row in rows {
        let cells = row.iter().chain(std::iter::repeat(&empty)).take(width);
        w.write_record(cells).map_err(|e| Error::Refused(format!("{name}: {e}")))?;
    }
    w.into_inner().map_err(|e| Error::Refused(format!("{name}: {e}")))
}

/// Plain text as a description an HTML field shows as written: unchanged unless it holds a
/// character HTML reads as markup, then escaped in a paragraph.
fn html_description(text: &str) -> String {
    let text = text.trim();
    if text.contains(['<', '>', '&']) { format!("<p>{}</p>", escape(text)) } else { text.to_owned() }
}

/// At most `max` characters, an ellipsis marking the cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn canvas_rows(cx: &ExportContext<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![CANVAS_COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    // Groups follow the outline; only nodes with objectives at or below them appear.
    let mut has_objectives: Vec<bool> = cx.nodes.iter().map(|n| !n.objectives.is_empty()).collect();
    for i in (0..cx.nodes.len()).rev() {
        if has_objectives[i]
            && let Some(p) = cx.nodes[i].parent
        {
            has_objectives[p] = true;
        }
    }
    let index = OutcomeIndex::new(cx);
    // Nodes are in pre-order, so every group's row comes before the rows that name it.
    for (i, n) in cx.nodes.iter().enumerate() {
        if !has_objectives[i] {
            continue;
        }
        let parent = n.parent.map(|p| cx.nodes[p].node.id.to_string()).unwrap_or_default();
        let summary = crate::markdown::to_plain_text(&n.node.summary);
        rows.push(vec![
            n.node.id.to_string(),
            "group".into(),
            shorten(&n.title, CANVAS_TITLE_MAX),
            html_description(&summary),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            parent,
        ]);
        for &o in &n.objectives {
            let obj = cx.objectives[o].objective;
            let statement = obj.statement.trim();
            let code = obj.code.trim();
            let title = if code.is_empty() { statement.to_owned() } else { format!("{code} {statement}") };
            let (scale, mastery) = outcome_scale(cx, index.rubric[o]);
            let mut row = vec![
                obj.id.to_string(),
                "outcome".into(),
                shorten(&title, CANVAS_TITLE_MAX),
                html_description(statement),
                code.to_owned(),
                "decaying_average".into(),
                "65".into(),
                number(mastery),
                n.node.id.to_string(),
            ];
            for (label, points) in scale {
                row.push(number(points));
                row.push(label);
            }
            rows.push(row);
        }
    }
    rows
}

fn moodle_rows(cx: &ExportContext<'_>) -> Vec<Vec<String>> {
    let mut rows = vec![MOODLE_COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    let ids: Vec<String> = cx.objectives.iter().map(|o| o.objective.id.to_string()).collect();
    // Parent: the first supported objective; the rows are written parents first.
    let parent: Vec<Option<usize>> = cx.objectives.iter().map(|o| o.supports.first().copied()).collect();
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Some(p) = parent[i] {
            d += 1;
            i = p;
            if d > parent.len() {
                break;
            }
        }
        d
    };
    let levels = (0..cx.objectives.len()).map(depth).max().map_or(1, |d| d + 1);
    let taxonomy = vec!["outcome"; levels].join(",");
    rows.push(vec![
        String::new(),
        cx.doc.curriculum.id.to_string(),
        shorten(&cx.title, MOODLE_SHORTNAME_MAX),
        cx.description_text.trim().to_owned(),
        MOODLE_FORMAT_PLAIN.into(),
        MOODLE_SCALE.into(),
        MOODLE_SCALE_CONFIG.into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "1".into(),
        taxonomy,
    ]);
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, p) in parent.iter().enumerate() {
        children.entry(*p).or_default().push(i);
    }
    let mut written = vec![false; cx.objectives.len()];
    let mut stack: Vec<usize> =
        children.get(&None).map(|c| c.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut written[i], true) {
            continue;
        }
        let view = &cx.objectives[i];
        let obj = view.objective;
        let related: Vec<&str> = view.supports.iter().skip(1).map(|&s| ids[s].as_str()).collect();
        let shortname = if obj.code.trim().is_empty() { view.label.as_str() } else { obj.code.trim() };
        rows.push(vec![
            parent[i].map(|p| ids[p].clone()).unwrap_or_default(),
            ids[i].clone(),
            shorten(shortname, MOODLE_SHORTNAME_MAX),
            obj.statement.trim().to_owned(),
            MOODLE_FORMAT_PLAIN.into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            related.join(","),
            String::new(),
            String::new(),
            String::new(),
        ]);
        if let Some(kids) = children.get(&Some(i)) {
            stack.extend(kids.iter().rev().copied());
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_escape_only_what_html_would_read_as_markup() {
        assert_eq!(html_description(" Compute the mean. "), "Compute the mean.");
        assert_eq!(html_description("Show that a < b & c"), "<p>Show that a &lt; b &amp; c</p>");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
