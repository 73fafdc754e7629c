//! The review views as plain data (serialised in camelCase for the desktop app; rendered to
//! HTML and SVG by [`super::report`]): curriculum map (program outcomes × courses, I/R/M),
//! alignment matrix (objectives × activities and assessments, with gaps and level mismatches),
//! Bloom taxonomy table (6 levels × 4 knowledge dimensions with counts and share of grade),
//! standards coverage heatmap, workload per week, and the sequence graph with a left-to-right
//! layered layout. Views compute nothing the checks do not: gaps shown here are the same
//! findings the checks report.

use std::collections::{HashMap, HashSet};

use petgraph::algo::{condensation, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::finding::Finding;
use crate::model::{BloomLevel, Document, Emphasis, KnowledgeDimension, NodeId, Objective, ObjectiveId};
use crate::pedagogy::templates::Catalog;

use super::context::{effective_item_objectives, is_graded};
use super::{Ctx, Scope, alignment, coverage, workload};

/// Every view of a document, computed together.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Views {
    /// Program outcomes × courses.
    pub curriculum_map: CurriculumMap,
    /// Objectives × activities and assessments.
    pub alignment_matrix: AlignmentMatrix,
    /// Level × knowledge dimension.
    pub bloom_table: BloomTable,
    /// Standards coverage heatmap.
    pub standards_coverage: StandardsCoverage,
    /// Workload per week and per node.
    pub workload: WorkloadView,
    /// Prerequisite graph with layout.
    pub sequence_graph: SequenceGraph,
}

/// Computes every view (runs the checks once for the gap flags; `templates` resolves the
/// document's template as in [`super::check`]).
pub fn all(doc: &Document, templates: &Catalog) -> Views {
    let findings = super::check(doc, templates);
    all_with(doc, &findings)
}

/// Computes every view given the findings of [`super::check`].
pub fn all_with(doc: &Document, findings: &[Finding]) -> Views {
    let cx = Ctx::new(doc);
    Views {
        curriculum_map: curriculum_map_cx(&cx),
        alignment_matrix: alignment_matrix_cx(&cx, findings),
        bloom_table: bloom_table_cx(&cx),
        standards_coverage: standards_coverage_cx(&cx),
        workload: workload_cx(&cx),
        sequence_graph: sequence_graph_cx(&cx),
    }
}

/// A reference to an objective, with what a view needs to label it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveRef {
    /// Objective id.
    pub id: String,
    /// Code (may be empty).
    pub code: String,
    /// Statement.
    pub statement: String,
    /// Level used by the analysis.
    pub level: Option<BloomLevel>,
    /// Knowledge dimension.
    pub knowledge: Option<KnowledgeDimension>,
    /// Scope of its node.
    pub scope: Scope,
    /// Node the objective belongs to.
    pub node: String,
    /// Course it belongs to, if any.
    pub course: Option<String>,
    /// Outline path of its node.
    pub path: String,
}

impl ObjectiveRef {
    fn of(cx: &Ctx, o: &Objective) -> Self {
        ObjectiveRef {
            id: o.id.to_string(),
            code: o.code.clone(),
            statement: o.statement.clone(),
            level: cx.level(o.id),
            knowledge: o.knowledge,
            scope: cx.objective_scope(o),
            node: o.node.to_string(),
            course: cx.course_of(o.node).map(|c| c.to_string()),
            path: cx.node_path(o.node),
        }
    }

    /// Code, or the start of the statement.
    pub fn label(&self) -> String {
        if self.code.trim().is_empty() {
            super::context::shorten(&self.statement, 48)
        } else {
            self.code.clone()
        }
    }
}

/// A reference to an outline node.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NodeRef {
    /// Node id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Kind (template-defined).
    pub kind: String,
    /// Outline path.
    pub path: String,
}

impl NodeRef {
    fn of(cx: &Ctx, id: NodeId) -> Self {
        let n = cx.node(id);
        NodeRef {
            id: id.to_string(),
            code: n.map(|n| n.code.clone()).unwrap_or_default(),
            title: n.map(|n| n.title.clone()).unwrap_or_default(),
            kind: n.map(|n| n.kind.clone()).unwrap_or_default(),
            path: cx.node_path(id),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Curriculum map

/// Program outcomes × courses with I/R/M.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CurriculumMap {
    /// Courses (columns), in outline order.
    pub courses: Vec<NodeRef>,
    /// One row per program outcome.
    pub rows: Vec<CurriculumMapRow>,
}

/// One program outcome's row.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CurriculumMapRow {
    /// The outcome.
    pub outcome: ObjectiveRef,
    /// One cell per course.
    pub cells: Vec<CurriculumMapCell>,
    /// Whether some course masters it.
    pub mastered: bool,
}

/// One outcome × course cell.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CurriculumMapCell {
    /// Declared emphasis.
    pub emphasis: Option<Emphasis>,
    /// Ids of course objectives that support the outcome.
    pub evidence: Vec<String>,
    /// What does not add up, if anything.
    pub gap: Option<MapGap>,
}

/// A mismatch between the declared map and the `supports` links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum MapGap {
    /// The map claims an emphasis, no course objective supports the outcome.
    DeclaredWithoutEvidence,
    /// Course objectives support the outcome, the map has no mark.
    EvidenceWithoutEmphasis,
}

/// Computes the curriculum map.
pub fn curriculum_map(doc: &Document) -> CurriculumMap {
    curriculum_map_cx(&Ctx::new(doc))
}

fn curriculum_map_cx(cx: &Ctx) -> CurriculumMap {
    let map = coverage::outcome_map(cx);
    let uses_links = map.cells.iter().flatten().any(|c| !c.evidence.is_empty());
    let rows = map
        .outcomes
        .iter()
        .zip(&map.cells)
        .filter_map(|(id, row)| {
            let o = cx.objective(*id)?;
            let cells: Vec<CurriculumMapCell> = row
                .iter()
                .map(|c| CurriculumMapCell {
                    emphasis: c.declared,
                    evidence: c.evidence.iter().map(ToString::to_string).collect(),
                    gap: match (c.declared, c.evidence.is_empty()) {
                        (Some(_), true) if uses_links => Some(MapGap::DeclaredWithoutEvidence),
                        (None, false) => Some(MapGap::EvidenceWithoutEmphasis),
                        _ => None,
                    },
                })
                .collect();
            let mastered = cells.iter().any(|c| c.emphasis == Some(Emphasis::Mastered));
            Some(CurriculumMapRow { outcome: ObjectiveRef::of(cx, o), cells, mastered })
        })
        .collect();
    CurriculumMap { courses: map.courses.iter().map(|c| NodeRef::of(cx, *c)).collect(), rows }
}

// ---------------------------------------------------------------------------------------------
// Alignment matrix

/// Objectives × activities and assessments. Cells are sparse (only linked pairs).
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AlignmentMatrix {
    /// One row per objective, in outline order.
    pub rows: Vec<MatrixRow>,
    /// Activities then assessments, each in outline order.
    pub columns: Vec<MatrixColumn>,
    /// Linked (row, column) pairs.
    pub cells: Vec<MatrixCell>,
}

/// One objective's row.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MatrixRow {
    /// The objective.
    pub objective: ObjectiveRef,
    /// Measured by some assessment (directly or through supporting objectives).
    pub assessed: bool,
    /// Practised by some activity (directly or through supporting objectives).
    pub practised: bool,
    /// Direct share of the grade (0–1).
    pub grade_share: f64,
    /// Codes of the findings about this objective (gaps, level mismatches).
    pub findings: Vec<String>,
}

/// Column kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// A learning activity.
    Activity,
    /// An assessment.
    Assessment,
}

/// One activity or assessment.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MatrixColumn {
    /// Entity id.
    pub id: String,
    /// Activity or assessment.
    pub kind: ColumnKind,
    /// Title.
    pub title: String,
    /// Activity kind or assessment format (serialised name).
    pub subkind: String,
    /// Whether it counts towards the grade (assessments only).
    pub graded: bool,
    /// Node it belongs to.
    pub node: String,
    /// Course it belongs to.
    pub course: Option<String>,
    /// Outline path of its node.
    pub path: String,
    /// Whether it is linked to any objective.
    pub aligned: bool,
}

/// A linked objective × column pair.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MatrixCell {
    /// Row index.
    pub row: usize,
    /// Column index.
    pub col: usize,
    /// Linked through the assessment itself.
    pub direct: bool,
    /// Quiz items measuring the objective.
    pub items: usize,
    /// Rubric criteria judging the objective.
    pub criteria: usize,
    /// Highest level among those items.
    pub item_level: Option<BloomLevel>,
    /// `item_level − objective level` in Bloom ranks.
    pub level_delta: Option<i8>,
    /// The items under-measure (delta ≤ −1) or over-demand (delta ≥ 2).
    pub mismatch: bool,
}

/// Computes the alignment matrix (runs the checks for the per-row finding codes; `templates`
/// resolves the document's template as in [`super::check`]).
pub fn alignment_matrix(doc: &Document, templates: &Catalog) -> AlignmentMatrix {
    alignment_matrix_cx(&Ctx::new(doc), &super::check(doc, templates))
}

fn alignment_matrix_cx(cx: &Ctx, findings: &[Finding]) -> AlignmentMatrix {
    let doc = cx.doc;
    let shares = alignment::grade_shares(doc);
    let mut codes: HashMap<&str, Vec<String>> = HashMap::new();
    for f in findings {
        if f.target.kind == "objective"
            && let Some(id) = f.target.id.as_deref()
        {
            let list = codes.entry(id).or_default();
            if !list.contains(&f.code) {
                list.push(f.code.clone());
            }
        }
    }
    let row_of: HashMap<ObjectiveId, usize> =
        doc.objectives.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let rows = doc
        .objectives
        .iter()
        .map(|o| {
            let closure = cx.support_closure(o.id);
            let r = ObjectiveRef::of(cx, o);
            MatrixRow {
                assessed: closure.iter().any(|id| !cx.evidence(*id).is_empty()),
                practised: closure.iter().any(|id| !cx.practice(*id).is_empty()),
                grade_share: shares.objectives.get(&o.id).copied().unwrap_or(0.0),
                findings: codes.get(r.id.as_str()).cloned().unwrap_or_default(),
                objective: r,
            }
        })
        .collect();
    let mut columns = Vec::new();
    let mut cells = Vec::new();
    for a in &doc.activities {
        let col = columns.len();
        columns.push(MatrixColumn {
            id: a.id.to_string(),
            kind: ColumnKind::Activity,
            title: a.title.clone(),
            subkind: serde_name(&a.kind),
            graded: false,
            node: a.node.to_string(),
            course: cx.course_of(a.node).map(|c| c.to_string()),
            path: cx.node_path(a.node),
            aligned: !a.objectives.is_empty(),
        });
        for o in &a.objectives {
            if let Some(&row) = row_of.get(o) {
                cells.push(MatrixCell {
                    row,
                    col,
                    direct: true,
                    items: 0,
                    criteria: 0,
                    item_level: None,
                    level_delta: None,
                    mismatch: false,
                });
            }
        }
    }
    for a in &doc.assessments {
        let col = columns.len();
        let rubric = a.rubric.and_then(|r| cx.rubric(r));
        let mut per: Vec<(ObjectiveId, MatrixCell)> = Vec::new();
        let cell = |o: ObjectiveId, per: &mut Vec<(ObjectiveId, MatrixCell)>| -> Option<usize> {
            let row = *row_of.get(&o)?;
            if let Some(i) = per.iter().position(|(id, _)| *id == o) {
                return Some(i);
            }
            per.push((
                o,
                MatrixCell {
                    row,
                    col,
                    direct: false,
                    items: 0,
                    criteria: 0,
                    item_level: None,
                    level_delta: None,
                    mismatch: false,
                },
            ));
            Some(per.len() - 1)
        };
        for o in &a.objectives {
            if let Some(i) = cell(*o, &mut per) {
                per[i].1.direct = true;
            }
        }
        for item in &a.items {
            for o in effective_item_objectives(a, item) {
                if let Some(i) = cell(*o, &mut per) {
                    let c = &mut per[i].1;
                    c.items += 1;
                    c.item_level = c.item_level.max(item.level);
                }
            }
        }
        if let Some(r) = rubric {
            for c in &r.criteria {
                if let Some(o) = c.objective
                    && let Some(i) = cell(o, &mut per)
                {
                    per[i].1.criteria += 1;
                }
            }
        }
        let aligned = !per.is_empty();
        for (o, mut c) in per {
            if let (Some(il), Some(ol)) = (c.item_level, cx.level(o)) {
                let d = il.rank() as i8 - ol.rank() as i8;
                c.level_delta = Some(d);
                c.mismatch = d <= -1 || d >= 2;
            }
            cells.push(c);
        }
        columns.push(MatrixColumn {
            id: a.id.to_string(),
            kind: ColumnKind::Assessment,
            title: a.title.clone(),
            subkind: serde_name(&a.format),
            graded: is_graded(a),
            node: a.node.to_string(),
            course: cx.course_of(a.node).map(|c| c.to_string()),
            path: cx.node_path(a.node),
            aligned,
        });
    }
    cells.sort_by_key(|c| (c.row, c.col));
    AlignmentMatrix { rows, columns, cells }
}

pub(crate) fn serde_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Bloom taxonomy table

/// Level × knowledge dimension, with counts and share of grade. Row and column `None` hold
/// objectives without a dimension or level.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BloomTable {
    /// Rows: factual, conceptual, procedural, metacognitive, then unclassified.
    pub rows: Vec<BloomRow>,
    /// Column totals: the six levels, then unclassified.
    pub totals: Vec<BloomCell>,
    /// Objectives counted.
    pub objectives: usize,
    /// Share of the grade on assessments (or parts) aligned to no objective.
    pub unaligned_grade_share: f64,
}

/// One knowledge dimension.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BloomRow {
    /// The dimension (`None`: not classified).
    pub dimension: Option<KnowledgeDimension>,
    /// One cell per level, then one for unclassified.
    pub cells: Vec<BloomCell>,
}

/// One cell of the taxonomy table.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BloomCell {
    /// The level (`None`: not classified).
    pub level: Option<BloomLevel>,
    /// Number of objectives.
    pub count: usize,
    /// Share of the grade carried directly by them (0–1).
    pub grade_share: f64,
}

/// Computes the Bloom taxonomy table.
pub fn bloom_table(doc: &Document) -> BloomTable {
    bloom_table_cx(&Ctx::new(doc))
}

fn bloom_table_cx(cx: &Ctx) -> BloomTable {
    let shares = alignment::grade_shares(cx.doc);
    let levels: Vec<Option<BloomLevel>> = BloomLevel::ALL.iter().copied().map(Some).chain([None]).collect();
    let dims: Vec<Option<KnowledgeDimension>> =
        KnowledgeDimension::ALL.iter().copied().map(Some).chain([None]).collect();
    let mut rows: Vec<BloomRow> = dims
        .iter()
        .map(|d| BloomRow {
            dimension: *d,
            cells: levels.iter().map(|l| BloomCell { level: *l, ..BloomCell::default() }).collect(),
        })
        .collect();
    let mut totals: Vec<BloomCell> =
        levels.iter().map(|l| BloomCell { level: *l, ..BloomCell::default() }).collect();
    for o in &cx.doc.objectives {
        let l = cx.level(o.id);
        let li = levels.iter().position(|x| *x == l).unwrap_or(levels.len() - 1);
        let di = dims.iter().position(|x| *x == o.knowledge).unwrap_or(dims.len() - 1);
        let share = shares.objectives.get(&o.id).copied().unwrap_or(0.0);
        rows[di].cells[li].count += 1;
        rows[di].cells[li].grade_share += share;
        totals[li].count += 1;
        totals[li].grade_share += share;
    }
    BloomTable { rows, totals, objectives: cx.doc.objectives.len(), unaligned_grade_share: shares.unaligned }
}

// ---------------------------------------------------------------------------------------------
// Standards coverage

/// Framework items × courses: how many objectives address each item.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StandardsCoverage {
    /// Columns (courses in outline order; empty when the document has no course nodes).
    pub courses: Vec<NodeRef>,
    /// One block per framework.
    pub frameworks: Vec<FrameworkCoverage>,
}

/// Coverage of one framework.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FrameworkCoverage {
    /// Framework id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Items in framework order (parents before children).
    pub items: Vec<StandardCoverage>,
    /// Items that are addressed by at least one objective.
    pub covered: usize,
    /// Items that should be addressed (leaves and items someone aligned to).
    pub coverable: usize,
}

/// Coverage of one framework item.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StandardCoverage {
    /// Item id.
    pub id: String,
    /// Human coding scheme.
    pub code: String,
    /// Statement.
    pub statement: String,
    /// Depth in the framework hierarchy (0 = top).
    pub depth: usize,
    /// Grouping item (has children; covered through them).
    pub grouping: bool,
    /// Objectives aligned to it.
    pub objectives: usize,
    /// Of those, objectives that some assessment measures.
    pub assessed: usize,
    /// Aligned objectives per course (same order as `courses`).
    pub per_course: Vec<usize>,
}

/// Computes the standards coverage heatmap data.
pub fn standards_coverage(doc: &Document) -> StandardsCoverage {
    standards_coverage_cx(&Ctx::new(doc))
}

fn standards_coverage_cx(cx: &Ctx) -> StandardsCoverage {
    let doc = cx.doc;
    let courses: Vec<NodeId> =
        doc.nodes.iter().filter(|n| cx.scope(n.id) == Scope::Course).map(|n| n.id).collect();
    let col: HashMap<NodeId, usize> = courses.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let cov = coverage::item_coverage(doc);
    let parents: HashMap<_, _> = doc.standard_items.iter().map(|s| (s.id, s.parent)).collect();
    let depth = |mut id| {
        let mut d = 0;
        while let Some(Some(p)) = parents.get(&id) {
            d += 1;
            id = *p;
            if d > 64 {
                break;
            }
        }
        d
    };
    let frameworks = doc
        .frameworks
        .iter()
        .map(|f| {
            let items: Vec<StandardCoverage> = framework_order(doc, f.id)
                .into_iter()
                .map(|s| {
                    let c = cov.get(&s.id).cloned().unwrap_or_default();
                    let mut per_course = vec![0; courses.len()];
                    let mut assessed = 0;
                    for o in &c.objectives {
                        if let Some(obj) = cx.objective(*o) {
                            if let Some(&i) = cx.course_of(obj.node).and_then(|c| col.get(&c)) {
                                per_course[i] += 1;
                            }
                            if cx.support_closure(*o).iter().any(|id| !cx.evidence(*id).is_empty()) {
                                assessed += 1;
                            }
                        }
                    }
                    StandardCoverage {
                        id: s.id.to_string(),
                        code: s.code.clone(),
                        statement: s.statement.clone(),
                        depth: depth(s.id),
                        grouping: c.has_children,
                        objectives: c.objectives.len(),
                        assessed,
                        per_course,
                    }
                })
                .collect();
            let coverable = items.iter().filter(|i| !i.grouping || i.objectives > 0).count();
            let covered = items.iter().filter(|i| i.objectives > 0).count();
            FrameworkCoverage { id: f.id.to_string(), title: f.title.clone(), items, covered, coverable }
        })
        .collect();
    StandardsCoverage { courses: courses.iter().map(|c| NodeRef::of(cx, *c)).collect(), frameworks }
}

/// Items of a framework with parents before children, siblings in document order.
fn framework_order(doc: &Document, framework: crate::model::FrameworkId) -> Vec<&crate::model::StandardItem> {
    let items: Vec<_> = doc.standard_items.iter().filter(|s| s.framework == framework).collect();
    let ids: HashSet<_> = items.iter().map(|s| s.id).collect();
    let mut kids: HashMap<Option<crate::model::StandardItemId>, Vec<usize>> = HashMap::new();
    for (i, s) in items.iter().enumerate() {
        let parent = s.parent.filter(|p| ids.contains(p));
        kids.entry(parent).or_default().push(i);
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<usize> =
        kids.get(&None).map(|v| v.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        out.push(items[i]);
        if let Some(k) = kids.get(&Some(items[i].id)) {
            stack.extend(k.iter().rev());
        }
    }
    // Items caught in a parent cycle are appended so nothing disappears.
    for (i, s) in items.iter().enumerate() {
        if !seen.contains(&i) {
            out.push(s);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Workload

/// Workload per week and per node.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WorkloadView {
    /// Weeks of the term in order.
    pub weeks: Vec<WeekLoad>,
    /// Hours placed in no week.
    pub unscheduled_hours: f64,
    /// All planned hours.
    pub total_hours: f64,
    /// Hours the credits stand for.
    pub expected_hours: Option<HourRange>,
    /// Expected hours per week.
    pub weekly_norm: Option<f64>,
    /// Median hours of the weeks with work.
    pub median_week: Option<f64>,
    /// Hours per node, in outline order.
    pub nodes: Vec<NodeLoad>,
    /// The spaced-review schedule, when the curriculum plans reviews (`analysis::spaced`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reviews: Option<super::spaced::ReviewSchedule>,
}

/// A range of hours.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HourRange {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// One week.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WeekLoad {
    /// Week number (1-based).
    pub week: u32,
    /// All hours.
    pub hours: f64,
    /// Hours of activities.
    pub activity_hours: f64,
    /// Hours of assessments.
    pub assessment_hours: f64,
    /// Scheduled time not covered by planned activities.
    pub other_hours: f64,
    /// Summative assessments due.
    pub summative: Vec<String>,
    /// Reported as a spike (W3).
    pub spike: bool,
    /// Minutes of planned spaced review in the week (not counted in `hours`); absent without a
    /// review plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub review_minutes: Option<u32>,
}

/// One node's hours.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NodeLoad {
    /// The node.
    pub node: NodeRef,
    /// Depth in the outline (0 = top).
    pub depth: usize,
    /// Week, when scheduled.
    pub week: Option<u32>,
    /// Hours of its own activities and assessments.
    pub own_hours: f64,
    /// Hours with descendants.
    pub total_hours: f64,
}

/// Computes the workload view.
pub fn workload(doc: &Document) -> WorkloadView {
    workload_cx(&Ctx::new(doc))
}

fn workload_cx(cx: &Ctx) -> WorkloadView {
    let w = workload::compute_cx(cx);
    let median = w.median_week();
    let norm = w.weekly_norm();
    let reviews =
        cx.doc.curriculum.review_plan.as_ref().filter(|p| p.enabled).map(|p| super::spaced::plan_with(cx, p));
    let review_minutes = |week: u32| {
        reviews.as_ref().map(|r| r.minutes_per_week.iter().find(|(w, _)| *w == week).map_or(0, |(_, m)| *m))
    };
    let weeks = w
        .weeks
        .iter()
        .map(|(week, h)| {
            let t = h.total();
            WeekLoad {
                week: *week,
                hours: t,
                activity_hours: h.activities,
                assessment_hours: h.assessments,
                other_hours: h.other,
                summative: h.summative.clone(),
                spike: median.is_some_and(|m| {
                    t > m * workload::SPIKE_FACTOR && t - m >= 2.0 && norm.is_none_or(|n| t > n * 1.25)
                }),
                review_minutes: review_minutes(*week),
            }
        })
        .collect();
    let mut nodes: Vec<_> = cx.doc.nodes.iter().collect();
    nodes.sort_by_key(|n| cx.rank(n.id));
    WorkloadView {
        weeks,
        unscheduled_hours: w.unscheduled,
        total_hours: w.total,
        expected_hours: w.expected.map(|(low, high)| HourRange { low, high }),
        weekly_norm: norm,
        median_week: median,
        nodes: nodes
            .iter()
            .map(|n| {
                let h = w.nodes.get(&n.id).copied().unwrap_or_default();
                NodeLoad {
                    node: NodeRef::of(cx, n.id),
                    depth: cx.ancestors(n.id).len(),
                    week: cx.week_of(n.id),
                    own_hours: h.own,
                    total_hours: h.total,
                }
            })
            .collect(),
        reviews,
    }
}

// ---------------------------------------------------------------------------------------------
// Sequence graph

/// Width of a node box in the layout.
pub const GRAPH_NODE_W: f64 = 200.0;
/// Height of a node box.
pub const GRAPH_NODE_H: f64 = 44.0;
/// Horizontal gap between layers.
pub const GRAPH_GAP_X: f64 = 60.0;
/// Vertical gap between nodes of a layer.
pub const GRAPH_GAP_Y: f64 = 14.0;
/// Margin around the drawing.
pub const GRAPH_MARGIN: f64 = 12.0;

/// Nodes and prerequisite edges, laid out left to right: `layer` is the longest prerequisite
/// path leading to the node (nodes on a cycle share a layer), `order` the position in the layer
/// by outline order; `x`/`y` are the top-left corner of the node's box.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SequenceGraph {
    /// Nodes with their layout.
    pub nodes: Vec<GraphNode>,
    /// Prerequisite edges.
    pub edges: Vec<GraphEdge>,
    /// Mastery-pathway edges (drawn dashed, labelled), from the lesson whose assessment decides
    /// the route to the remediation or enrichment lesson; omitted when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<PathwayEdge>>", optional))]
    pub pathways: Vec<PathwayEdge>,
    /// Number of layers.
    pub layers: usize,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// A node of the sequence graph.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    /// The outline node.
    pub node: NodeRef,
    /// Column (longest path from a node without prerequisites).
    pub layer: usize,
    /// Row inside the column.
    pub order: usize,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Highest objective level in the node's subtree.
    pub max_level: Option<BloomLevel>,
    /// Week, when scheduled.
    pub week: Option<u32>,
}

/// A prerequisite edge (`from` must come before `to`).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct GraphEdge {
    /// Index of the prerequisite in `nodes`.
    pub from: usize,
    /// Index of the dependant in `nodes`.
    pub to: usize,
    /// The prerequisite comes after the dependant in the outline (S2).
    pub backward: bool,
    /// The edge lies on a cycle (S1).
    pub cyclic: bool,
}

/// A mastery-pathway edge of the sequence graph.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PathwayEdge {
    /// Index of the lesson whose assessment decides the route, in `nodes`.
    pub from: usize,
    /// Index of the remediation or enrichment lesson in `nodes`.
    pub to: usize,
    /// Remediation or enrichment.
    pub role: crate::model::PathwayRole,
    /// The objectives that decide it (codes).
    pub label: String,
}

/// Computes the sequence graph with its layout.
pub fn sequence_graph(doc: &Document) -> SequenceGraph {
    sequence_graph_cx(&Ctx::new(doc))
}

fn sequence_graph_cx(cx: &Ctx) -> SequenceGraph {
    let doc = cx.doc;
    // Nodes shown: every node on a prerequisite edge and its siblings; without any edge, the
    // courses and units (so the graph still shows the sequence to review).
    let routes = super::pathways::route_edges(cx);
    let on_edge: HashSet<NodeId> = doc
        .nodes
        .iter()
        .flat_map(|n| n.prerequisites.iter().copied().chain(n.prerequisites.first().map(|_| n.id)))
        .chain(routes.iter().flat_map(|r| [r.from, r.to]))
        .collect();
    let parents: HashSet<Option<NodeId>> =
        doc.nodes.iter().filter(|n| on_edge.contains(&n.id)).map(|n| n.parent).collect();
    let mut shown: Vec<NodeId> = doc
        .nodes
        .iter()
        .filter(|n| {
            if on_edge.is_empty() {
                matches!(cx.scope(n.id), Scope::Course | Scope::Unit)
            } else {
                on_edge.contains(&n.id) || parents.contains(&n.parent)
            }
        })
        .map(|n| n.id)
        .collect();
    shown.sort_by_key(|id| cx.rank(*id));
    let pos: HashMap<NodeId, usize> = shown.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    for i in 0..shown.len() {
        g.add_node(i);
    }
    let mut edges = Vec::new();
    for n in &doc.nodes {
        let Some(&to) = pos.get(&n.id) else { continue };
        for p in &n.prerequisites {
            if let Some(&from) = pos.get(p) {
                g.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                edges.push((from, to));
            }
        }
    }
    // A pathway edge places its route right of the lesson that decides it; cycles are judged on
    // the prerequisites alone.
    let prerequisites_only = (!routes.is_empty()).then(|| g.clone());
    for r in &routes {
        if let (Some(&from), Some(&to)) = (pos.get(&r.from), pos.get(&r.to)) {
            g.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
        }
    }
    let components = |g: DiGraph<usize, ()>| {
        let cond = condensation(g, true);
        let mut comp_of = vec![0usize; shown.len()];
        for ci in cond.node_indices() {
            for &v in &cond[ci] {
                comp_of[v] = ci.index();
            }
        }
        (cond, comp_of)
    };
    // Longest path on the condensation (strongly connected components collapsed).
    let (cond, comp_of) = components(g.clone());
    let cycle_of = match prerequisites_only {
        Some(p) => components(p).1,
        None => comp_of.clone(),
    };
    let mut comp_layer = vec![0usize; cond.node_count()];
    if let Ok(order) = toposort(&cond, None) {
        for c in order {
            let l = comp_layer[c.index()];
            for next in cond.neighbors(c) {
                if next != c {
                    comp_layer[next.index()] = comp_layer[next.index()].max(l + 1);
                }
            }
        }
    }
    let layers = comp_layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut in_layer = vec![0usize; layers.max(1)];
    let mut nodes = Vec::with_capacity(shown.len());
    let mut max_rows = 0;
    for (i, id) in shown.iter().enumerate() {
        let layer = comp_layer[comp_of[i]];
        let order = in_layer[layer];
        in_layer[layer] += 1;
        max_rows = max_rows.max(order + 1);
        let max_level =
            cx.subtree(*id).iter().flat_map(|d| cx.objectives_of(d.id)).filter_map(|o| cx.level(o.id)).max();
        nodes.push(GraphNode {
            node: NodeRef::of(cx, *id),
            layer,
            order,
            x: GRAPH_MARGIN + layer as f64 * (GRAPH_NODE_W + GRAPH_GAP_X),
            y: GRAPH_MARGIN + order as f64 * (GRAPH_NODE_H + GRAPH_GAP_Y),
            max_level,
            week: cx.week_of(*id),
        });
    }
    let edges = edges
        .into_iter()
        .map(|(from, to)| GraphEdge {
            from,
            to,
            backward: cx.rank(shown[from]) > cx.rank(shown[to]) && !cx.is_ancestor(shown[to], shown[from]),
            cyclic: cycle_of[from] == cycle_of[to],
        })
        .collect();
    let width = if nodes.is_empty() {
        0.0
    } else {
        2.0 * GRAPH_MARGIN + layers as f64 * GRAPH_NODE_W + layers.saturating_sub(1) as f64 * GRAPH_GAP_X
    };
    let height = if nodes.is_empty() {
        0.0
    } else {
        2.0 * GRAPH_MARGIN + max_rows as f64 * GRAPH_NODE_H + max_rows.saturating_sub(1) as f64 * GRAPH_GAP_Y
    };
    let pathways = routes
        .into_iter()
        .filter_map(|r| {
            Some(PathwayEdge { from: *pos.get(&r.from)?, to: *pos.get(&r.to)?, role: r.role, label: r.label })
        })
        .collect::<Vec<_>>();
    // Pathway edges loop below the boxes, with their labels.
    let height = if pathways.is_empty() { height } else { height + 32.0 };
    SequenceGraph { nodes, edges, pathways, layers, width, height }
}
