//! Analysis of the evidence of learning: mastery heatmaps (objectives × cohorts and sections,
//! objectives × learners), score distributions, skill gaps with their prerequisites and where to
//! intervene, classical item analysis of quiz items (difficulty, corrected point-biserial
//! discrimination, KR-20 and Cronbach's α per assessment), distractor analysis of choice items
//! when the learners' responses are known (the share choosing each option, in the upper and lower
//! groups), the comparison of cohorts, and the evidence findings (codes `E1…E10`,
//! `docs/findings.md`).
//!
//! This module owns these computations only: they are pure functions of the design
//! ([`Document`]), the evidence ([`Evidence`]) and the mastery computed from it
//! ([`MasteryReport`]), never touch the store, and give the same answer (and the same order)
//! for the same input. Every result is serialisable so that the desktop app can show it.
//! Formulas and thresholds: `docs/evidence.md` ("Analysis").

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use uuid::Uuid;

use super::mastery::{self, MasteryReport};
use super::{Evidence, TargetKind};
use crate::analysis::Ctx;
use crate::finding::{Finding, Severity};
use crate::model::Document;

/// Share of mastered learners below which an objective is a skill gap (and finding `E1`).
pub const DEFAULT_GAP_THRESHOLD: f64 = 0.7;
/// Fewest learners with complete item results before item statistics are judged (`E3`–`E6`);
/// below it finding `E8` says so.
pub const MIN_ITEM_LEARNERS: usize = 5;
/// Mean item difficulty above which an assessment is too easy (`E4`).
pub const TOO_EASY: f64 = 0.9;
/// Mean item difficulty below which an assessment is too hard (`E5`).
pub const TOO_HARD: f64 = 0.3;
/// Mean difficulty of an objective's items from which high item scores contrast with low
/// mastery (`E6`).
pub const HIGH_ITEM_SCORE: f64 = 0.8;
/// Share of mastered learners below which high item scores are a contradiction (`E6`).
pub const LOW_MASTERY: f64 = 0.5;
/// Share of the learners with a known response, by total score on the assessment, in each of
/// the upper and lower groups of the distractor analysis (Kelley's 27 %).
pub const GROUP_SHARE: f64 = 0.27;

/// Settings of the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceAnalysisOptions"))]
pub struct Options {
    /// Share of mastered learners below which an objective is a skill gap.
    pub gap_threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { gap_threshold: DEFAULT_GAP_THRESHOLD }
    }
}

/// Everything the analysis computes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceAnalysis"))]
pub struct Analysis {
    /// The settings used.
    pub options: Options,
    /// Objectives × cohorts and sections.
    pub heatmap: Heatmap,
    /// Objectives × learners (pseudonyms).
    pub learners: LearnerHeatmap,
    /// The distribution of scores per objective.
    pub distributions: Vec<Distribution>,
    /// Skill gaps, most severe first.
    pub gaps: Vec<SkillGap>,
    /// Item analysis per assessment.
    pub items: ItemAnalysis,
    /// Mastery of each objective per cohort, cohorts in import order.
    pub trends: Vec<CohortTrend>,
}

/// An objective as a row of the analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceObjective"))]
pub struct ObjectiveRef {
    /// Its id.
    pub id: Uuid,
    /// Its code.
    pub code: String,
}

/// One cell of the group heatmap: the mastery of one objective in one group of learners.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "MasteryCell"))]
pub enum Cell {
    /// No learner of the group has a result reaching the objective.
    NoEvidence,
    /// Learners have results, but none has the policy's minimum number of results (or `n_mastery`
    /// is not reached): not a zero, no judgement.
    #[serde(rename_all = "camelCase")]
    NotEnoughData {
        /// Learners with results.
        learners: u32,
    },
    /// Learners were judged.
    #[serde(rename_all = "camelCase")]
    Measured {
        /// Learners with a judgement.
        n: u32,
        /// Of them, those who reached mastery.
        mastered: u32,
        /// `mastered / n`.
        share: f64,
        /// Mean score on the objective's scale.
        mean: f64,
    },
}

impl Cell {
    /// The share of mastered learners, when measured.
    pub fn share(&self) -> Option<f64> {
        match self {
            Cell::Measured { share, .. } => Some(*share),
            _ => None,
        }
    }

    /// The mean score, when measured.
    pub fn mean(&self) -> Option<f64> {
        match self {
            Cell::Measured { mean, .. } => Some(*mean),
            _ => None,
        }
    }

    /// Learners judged (0 unless measured).
    pub fn n(&self) -> u32 {
        match self {
            Cell::Measured { n, .. } => *n,
            _ => 0,
        }
    }
}

/// What a heatmap column groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceGroupKind"))]
pub enum GroupKind {
    /// A whole cohort.
    Cohort,
    /// The learners of one LMS section of a cohort.
    Section,
}

/// One column of the group heatmap.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceColumn"))]
pub struct Column {
    /// Cohort or section.
    pub kind: GroupKind,
    /// The cohort.
    pub cohort: String,
    /// The section (empty for a cohort column).
    pub section: String,
    /// When the cohort was first imported.
    pub imported_at: String,
    /// One cell per objective, in the order of [`Heatmap::objectives`].
    pub cells: Vec<Cell>,
}

/// Objectives × cohorts, then objectives × sections (when learners have sections): cohorts in
/// import order, each cohort's sections by name.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "MasteryHeatmap"))]
pub struct Heatmap {
    /// Rows, in document order.
    pub objectives: Vec<ObjectiveRef>,
    /// Columns.
    pub columns: Vec<Column>,
    /// The whole evidence (all cohorts), one cell per objective.
    pub overall: Vec<Cell>,
}

/// One cell of the learner heatmap.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "LearnerMasteryCell"))]
pub enum LearnerCell {
    /// No result reaches the objective.
    NoEvidence,
    /// Results, but fewer than the policy asks for.
    #[serde(rename_all = "camelCase")]
    NotEnoughData {
        /// Results counted.
        results: u32,
    },
    /// A score.
    #[serde(rename_all = "camelCase")]
    Scored {
        /// The score on the objective's scale.
        score: f64,
        /// Whether it reaches mastery.
        mastered: bool,
        /// Results counted.
        results: u32,
    },
}

/// Objectives × learners over all cohorts (a learner in two cohorts is one column).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "LearnerMasteryHeatmap"))]
pub struct LearnerHeatmap {
    /// Rows, in document order.
    pub objectives: Vec<ObjectiveRef>,
    /// Pseudonyms, sorted.
    pub learners: Vec<String>,
    /// `cells[objective][learner]`.
    pub cells: Vec<Vec<LearnerCell>>,
}

/// A band of the point scale and how many learners' scores fall in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "ScoreBand"))]
pub struct Band {
    /// Lower bound (included).
    pub from: f64,
    /// Upper bound (excluded, except for the last band).
    pub to: f64,
    /// Learners.
    pub count: u32,
}

/// The distribution of learners' scores on one objective.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "ScoreDistribution"))]
pub struct Distribution {
    /// The objective.
    pub objective: ObjectiveRef,
    /// Learners with a score.
    pub n: u32,
    /// Learners with results but no judgement.
    pub not_enough_data: u32,
    /// Mastery points.
    pub mastery_points: f64,
    /// The bands, lowest first: one per point of the scale when it is a whole number of at
    /// most 10 points, else five equal bands.
    pub bands: Vec<Band>,
}

/// An activity or assessment aligned to an objective (where to intervene).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "AlignedWork"))]
pub struct Aligned {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
}

/// A prerequisite of a gap objective and its mastery.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "GapPrerequisite"))]
pub struct Prerequisite {
    /// The prerequisite objective.
    pub objective: ObjectiveRef,
    /// `objective` (a prerequisite of the objective itself) or `node` (an objective of a
    /// prerequisite of the objective's node).
    pub via: String,
    /// Its mastery over all cohorts.
    pub cell: Cell,
}

/// An objective whose share of mastered learners is below the threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SkillGap {
    /// The objective.
    pub objective: ObjectiveRef,
    /// Learners judged.
    pub n: u32,
    /// Of them, mastered.
    pub mastered: u32,
    /// `mastered / n`.
    pub share: f64,
    /// Mean score.
    pub mean: f64,
    /// `threshold − share`: how far below the threshold (the sort key).
    pub shortfall: f64,
    /// Its prerequisites and their mastery.
    pub prerequisites: Vec<Prerequisite>,
    /// Activities aligned to it, in document order.
    pub activities: Vec<Aligned>,
    /// Assessments aligned to it (directly or through their items), in document order.
    pub assessments: Vec<Aligned>,
}

/// Statistics of one quiz item.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ItemStats {
    /// The item's id.
    pub id: Uuid,
    /// Its position in the assessment (from 1).
    pub number: usize,
    /// Learners with a result on it.
    pub n: u32,
    /// Difficulty (p-value): the mean proportion of points.
    pub difficulty: Option<f64>,
    /// Corrected point-biserial: Pearson correlation of the item's points with the rest score
    /// (the learner's points on the assessment's other items), over the learners with results on
    /// every analysed item; None with fewer than 3 of them or without variance.
    pub discrimination: Option<f64>,
    /// Learners whose response (the option chosen) is known; 0 for items that are not choice
    /// items (multiple choice, multiple response, true/false) or without responses.
    pub responses: u32,
    /// The options of a choice item, in display order, with how often each was chosen; empty
    /// when no response is known.
    pub options: Vec<OptionStats>,
}

/// How often one option of a choice item was chosen, among the learners whose response to the
/// item is known, and in the upper and lower groups of them by total score on the assessment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OptionStats {
    /// The choice's id (None for the two options of a true/false item).
    pub id: Option<Uuid>,
    /// Its letter in display order (`A`, `B`, …), or `True` / `False`.
    pub label: String,
    /// The choice's text as the design holds it (Markdown).
    pub text: String,
    /// Whether choosing it is correct (a key).
    pub key: bool,
    /// Learners who chose it.
    pub chosen: u32,
    /// Share of the learners with a known response who chose it.
    pub share: f64,
    /// Share of the upper group who chose it (None with fewer than 2 responses).
    pub upper: Option<f64>,
    /// Share of the lower group who chose it (None with fewer than 2 responses).
    pub lower: Option<f64>,
}

/// Item statistics of one assessment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AssessmentStats {
    /// The assessment's id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Learners with results on every analysed item (the learners of α, KR-20 and
    /// discrimination).
    pub complete: u32,
    /// Items with results, in the assessment's order.
    pub items: Vec<ItemStats>,
    /// The mean of the items' difficulties.
    pub mean_difficulty: Option<f64>,
    /// Cronbach's α (population variances); None with fewer than 2 items or 2 complete learners,
    /// or without variance of the total.
    pub alpha: Option<f64>,
    /// KR-20, when every item score is 0 or full points (then equal to α).
    pub kr20: Option<f64>,
}

/// Item analysis of every assessment with item results.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ItemAnalysis {
    /// Whether any learner's response (the option chosen) is known, so that options are counted
    /// (`ItemStats::options`); responses come from xAPI `result.response` or the plain CSV's
    /// `response` column.
    pub responses_known: bool,
    /// Assessments in document order.
    pub assessments: Vec<AssessmentStats>,
}

/// Mastery of one objective in one cohort.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "CohortTrendPoint"))]
pub struct TrendPoint {
    /// The cohort.
    pub cohort: String,
    /// When it was first imported.
    pub imported_at: String,
    /// Its mastery.
    pub cell: Cell,
}

/// Mastery of one objective cohort by cohort, in import order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CohortTrend {
    /// The objective.
    pub objective: ObjectiveRef,
    /// One point per cohort.
    pub cohorts: Vec<TrendPoint>,
}

/// Runs the whole analysis. `report` is `mastery::compute(doc, evidence)`.
pub fn analyse(doc: &Document, evidence: &Evidence, report: &MasteryReport, options: Options) -> Analysis {
    analyse_with(doc, evidence, report, options, true)
}

/// [`analyse`], with the objectives × learners heatmap only when `learners` is true (otherwise
/// it is empty: no objectives, learners or cells). Everything else is the same as [`analyse`]'s.
/// `report` is `mastery::compute(doc, evidence)`: a cohort or section column that holds every
/// learner of `evidence` takes its cells from `report` instead of computing mastery again.
pub fn analyse_with(
    doc: &Document,
    evidence: &Evidence,
    report: &MasteryReport,
    options: Options,
    learners: bool,
) -> Analysis {
    let objectives: Vec<ObjectiveRef> =
        doc.objectives.iter().map(|o| ObjectiveRef { id: o.id.0, code: o.code.clone() }).collect();
    let overall = cells_of(doc, report);
    // The item analysis reads the evidence only: it runs beside the rest on a second thread.
    let (items, heatmap) = std::thread::scope(|scope| {
        let items = scope.spawn(|| item_analysis(doc, evidence));
        let heatmap = heatmap(doc, evidence, objectives.clone(), overall.clone());
        let items = items.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (items, heatmap)
    });
    let trends = objectives
        .iter()
        .enumerate()
        .map(|(o, obj)| CohortTrend {
            objective: obj.clone(),
            cohorts: heatmap
                .columns
                .iter()
                .filter(|c| c.kind == GroupKind::Cohort)
                .map(|c| TrendPoint {
                    cohort: c.cohort.clone(),
                    imported_at: c.imported_at.clone(),
                    cell: c.cells[o].clone(),
                })
                .collect(),
        })
        .collect();
    Analysis {
        options,
        learners: if learners {
            learner_heatmap(doc, report, objectives.clone())
        } else {
            LearnerHeatmap { objectives: Vec::new(), learners: Vec::new(), cells: Vec::new() }
        },
        distributions: distributions(doc, report, &objectives),
        gaps: gaps(doc, &overall, &objectives, options.gap_threshold),
        items,
        heatmap,
        trends,
    }
}

/// The cell of every objective of `doc` in a mastery report.
fn cells_of(doc: &Document, report: &MasteryReport) -> Vec<Cell> {
    let mut with_results: HashMap<Uuid, u32> = HashMap::new();
    for l in &report.learners {
        *with_results.entry(l.objective).or_default() += 1;
    }
    let by_id: HashMap<Uuid, &mastery::ObjectiveMastery> =
        report.objectives.iter().map(|m| (m.id, m)).collect();
    doc.objectives
        .iter()
        .map(|o| match by_id.get(&o.id.0) {
            Some(m) if m.assessed > 0 => Cell::Measured {
                n: m.assessed,
                mastered: m.mastered,
                share: f64::from(m.mastered) / f64::from(m.assessed),
                mean: m.mean.unwrap_or(0.0),
            },
            _ => match with_results.get(&o.id.0) {
                Some(&learners) if learners > 0 => Cell::NotEnoughData { learners },
                _ => Cell::NoEvidence,
            },
        })
        .collect()
}

/// The evidence of the learners `keep` accepts (learner indexes renumbered).
fn subset(evidence: &Evidence, keep: impl Fn(&super::Learner) -> bool) -> Evidence {
    let mut index = vec![None; evidence.learners.len()];
    let mut learners = Vec::new();
    for (i, l) in evidence.learners.iter().enumerate() {
        if keep(l) {
            index[i] = Some(learners.len() as u32);
            learners.push(l.clone());
        }
    }
    let results = evidence
        .results
        .iter()
        .filter_map(|r| {
            let learner = index.get(r.learner as usize).copied().flatten()?;
            Some(super::ResultRow { learner, ..r.clone() })
        })
        .collect();
    Evidence {
        policy: evidence.policy.clone(),
        overrides: evidence.overrides.clone(),
        cohorts: evidence.cohorts.clone(),
        learners,
        results,
    }
}

/// The cells of the group of learners `keep` accepts: `overall` (the cells of the whole
/// evidence) when the group holds every learner and every result of `evidence`, since
/// [`subset`] would then give back the same evidence; otherwise computed over the subset.
fn group_cells(
    doc: &Document,
    evidence: &Evidence,
    overall: &[Cell],
    keep: impl Fn(&super::Learner) -> bool,
) -> Vec<Cell> {
    let everyone = evidence.learners.iter().all(&keep);
    let n = evidence.learners.len();
    if everyone && evidence.results.iter().all(|r| (r.learner as usize) < n) {
        return overall.to_vec();
    }
    let sub = subset(evidence, keep);
    cells_of(doc, &mastery::compute(doc, &sub))
}

fn heatmap(
    doc: &Document,
    evidence: &Evidence,
    objectives: Vec<ObjectiveRef>,
    overall: Vec<Cell>,
) -> Heatmap {
    let mut cohorts: Vec<&super::Cohort> = evidence.cohorts.iter().collect();
    cohorts.sort_by(|a, b| a.imported_at.cmp(&b.imported_at).then(a.name.cmp(&b.name)));
    let mut columns = Vec::new();
    for c in &cohorts {
        columns.push(Column {
            kind: GroupKind::Cohort,
            cohort: c.name.clone(),
            section: String::new(),
            imported_at: c.imported_at.clone(),
            cells: group_cells(doc, evidence, &overall, |l| l.cohort == c.name),
        });
    }
    for c in &cohorts {
        let sections: std::collections::BTreeSet<&str> = evidence
            .learners
            .iter()
            .filter(|l| l.cohort == c.name && !l.section.is_empty())
            .map(|l| l.section.as_str())
            .collect();
        for section in sections {
            columns.push(Column {
                kind: GroupKind::Section,
                cohort: c.name.clone(),
                section: section.to_owned(),
                imported_at: c.imported_at.clone(),
                cells: group_cells(doc, evidence, &overall, |l| l.cohort == c.name && l.section == section),
            });
        }
    }
    Heatmap { objectives, columns, overall }
}

fn learner_heatmap(doc: &Document, report: &MasteryReport, objectives: Vec<ObjectiveRef>) -> LearnerHeatmap {
    let mut learners: Vec<String> = report.learners.iter().map(|l| l.learner.clone()).collect();
    learners.sort();
    learners.dedup();
    let column: HashMap<&str, usize> = learners.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
    let row: HashMap<Uuid, usize> = doc.objectives.iter().enumerate().map(|(i, o)| (o.id.0, i)).collect();
    let mut cells = vec![vec![LearnerCell::NoEvidence; learners.len()]; doc.objectives.len()];
    for l in &report.learners {
        let (Some(&r), Some(&c)) = (row.get(&l.objective), column.get(l.learner.as_str())) else {
            continue;
        };
        cells[r][c] = match l.score {
            Some(score) => LearnerCell::Scored { score, mastered: l.mastered, results: l.results },
            None => LearnerCell::NotEnoughData { results: l.results },
        };
    }
    LearnerHeatmap { objectives, learners, cells }
}

fn distributions(doc: &Document, report: &MasteryReport, objectives: &[ObjectiveRef]) -> Vec<Distribution> {
    let mut scores: HashMap<Uuid, (Vec<f64>, u32)> = HashMap::new();
    for l in &report.learners {
        let entry = scores.entry(l.objective).or_default();
        match l.score {
            Some(s) => entry.0.push(s),
            None => entry.1 += 1,
        }
    }
    let by_id: HashMap<Uuid, &mastery::ObjectiveMastery> =
        report.objectives.iter().map(|m| (m.id, m)).collect();
    doc.objectives
        .iter()
        .zip(objectives)
        .map(|(o, r)| {
            let m = by_id.get(&o.id.0);
            let scale = m.map_or(4.0, |m| m.points_possible);
            let mastery_points = m.map_or(3.0, |m| m.mastery_points);
            let bounds: Vec<f64> = if scale.fract() == 0.0 && (1.0..=10.0).contains(&scale) {
                (0..=scale as u32).map(f64::from).collect()
            } else {
                (0..=5).map(|k| scale * f64::from(k) / 5.0).collect()
            };
            let mut bands: Vec<Band> =
                bounds.windows(2).map(|w| Band { from: w[0], to: w[1], count: 0 }).collect();
            let (list, not_enough_data) = scores.get(&o.id.0).cloned().unwrap_or_default();
            let last = bands.len().saturating_sub(1);
            for s in &list {
                let k = bands.iter().position(|b| *s < b.to).unwrap_or(last);
                if let Some(b) = bands.get_mut(k) {
                    b.count += 1;
                }
            }
            Distribution {
                objective: r.clone(),
                n: list.len() as u32,
                not_enough_data,
                mastery_points,
                bands,
            }
        })
        .collect()
}

fn gaps(doc: &Document, overall: &[Cell], objectives: &[ObjectiveRef], threshold: f64) -> Vec<SkillGap> {
    let cx = Ctx::new(doc);
    let index: HashMap<Uuid, usize> = doc.objectives.iter().enumerate().map(|(i, o)| (o.id.0, i)).collect();
    let mut out: Vec<(usize, SkillGap)> = Vec::new();
    for (i, o) in doc.objectives.iter().enumerate() {
        let Cell::Measured { n, mastered, share, mean } = overall[i] else { continue };
        if share >= threshold {
            continue;
        }
        let mut prerequisites = Vec::new();
        let mut seen = HashSet::new();
        for p in &o.prerequisites {
            if let Some(&k) = index.get(&p.0)
                && seen.insert(k)
            {
                prerequisites.push(Prerequisite {
                    objective: objectives[k].clone(),
                    via: "objective".into(),
                    cell: overall[k].clone(),
                });
            }
        }
        if let Some(node) = cx.node(o.node) {
            for pn in &node.prerequisites {
                for (k, other) in doc.objectives.iter().enumerate() {
                    if other.node == *pn && seen.insert(k) {
                        prerequisites.push(Prerequisite {
                            objective: objectives[k].clone(),
                            via: "node".into(),
                            cell: overall[k].clone(),
                        });
                    }
                }
            }
        }
        let activities = doc
            .activities
            .iter()
            .filter(|a| a.objectives.contains(&o.id))
            .map(|a| Aligned { id: a.id.0, title: a.title.clone() })
            .collect();
        let assessments = doc
            .assessments
            .iter()
            .filter(|a| {
                a.objectives.contains(&o.id)
                    || a.items
                        .iter()
                        .any(|it| crate::analysis::effective_item_objectives(a, it).contains(&o.id))
            })
            .map(|a| Aligned { id: a.id.0, title: a.title.clone() })
            .collect();
        out.push((
            i,
            SkillGap {
                objective: objectives[i].clone(),
                n,
                mastered,
                share,
                mean,
                shortfall: threshold - share,
                prerequisites,
                activities,
                assessments,
            },
        ));
    }
    out.sort_by(|(ia, a), (ib, b)| a.share.total_cmp(&b.share).then(b.n.cmp(&a.n)).then(ia.cmp(ib)));
    out.into_iter().map(|(_, g)| g).collect()
}

/// Population variance.
fn variance(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n
}

/// Pearson correlation; None with fewer than 3 pairs or without variance.
fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() < 3 || xs.len() != ys.len() {
        return None;
    }
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let d = (sxx * syy).sqrt();
    (d > 1e-12).then(|| sxy / d)
}

/// One option of a choice item: (choice id, label, text, key).
type ItemOption = (Option<Uuid>, String, String, bool);

/// The options of a choice item; None for other item types.
fn options_of(item: &crate::model::QuizItem) -> Option<Vec<ItemOption>> {
    use crate::model::ItemBody;
    let letter = |i: usize| {
        let mut label = String::new();
        let mut n = i;
        loop {
            label.insert(0, char::from(b'A' + (n % 26) as u8));
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        label
    };
    match &item.body {
        ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => Some(
            choices
                .iter()
                .enumerate()
                .map(|(i, c)| (Some(c.id.0), letter(i), c.text.clone(), c.correct))
                .collect(),
        ),
        ItemBody::TrueFalse { answer } => Some(vec![
            (None, "True".to_owned(), "True".to_owned(), *answer),
            (None, "False".to_owned(), "False".to_owned(), !*answer),
        ]),
        _ => None,
    }
}

/// The options a response names (indices into [`options_of`], in the response's order, each
/// once): identifiers separated by `[,]` (xAPI and SCORM 2004) or `,` (SCORM 1.2), each the
/// choice's package identifier (`i<hex>`), its id, its letter, or its text (case and spaces
/// aside); `true`/`t`/`false`/`f` for a true/false item. A multiple-choice response counts its
/// first option only. None when it names no option.
fn chosen(item: &crate::model::QuizItem, response: &str) -> Option<Vec<usize>> {
    use crate::model::ItemBody;
    let options = options_of(item)?;
    let tokens: Vec<&str> = if response.contains("[,]") {
        response.split("[,]").collect()
    } else if matches!(item.body, ItemBody::MultipleResponse { .. }) && response.contains(',') {
        response.split(',').collect()
    } else {
        vec![response]
    };
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let mut out: Vec<usize> = Vec::new();
    for token in tokens.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let found = if matches!(item.body, ItemBody::TrueFalse { .. }) {
            match token.to_ascii_lowercase().as_str() {
                "true" | "t" => Some(0),
                "false" | "f" => Some(1),
                _ => None,
            }
        } else {
            let hex = token.strip_prefix('i').filter(|h| h.len() == 32).unwrap_or(token);
            let id = Uuid::parse_str(hex).ok();
            options
                .iter()
                .position(|(oid, ..)| id.is_some() && *oid == id)
                .or_else(|| options.iter().position(|(_, label, ..)| label.eq_ignore_ascii_case(token)))
                .or_else(|| {
                    let t = norm(token);
                    options.iter().position(|(_, _, text, _)| norm(text) == t)
                })
        };
        if let Some(i) = found
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    if matches!(item.body, ItemBody::MultipleChoice { .. }) {
        out.truncate(1);
    }
    (!out.is_empty()).then_some(out)
}

/// Counts per option for the learners whose response is known (`responses`: learner → options
/// chosen), with upper and lower groups by `totals` (learner → total score on the assessment):
/// the [`GROUP_SHARE`] of them, at least one, highest and lowest totals (ties by learner order).
fn option_stats(
    options: Vec<ItemOption>,
    responses: &BTreeMap<u32, Vec<usize>>,
    totals: &BTreeMap<u32, f64>,
) -> Vec<OptionStats> {
    let n = responses.len();
    let mut ranked: Vec<u32> = responses.keys().copied().collect();
    ranked.sort_by(|a, b| {
        let (ta, tb) = (totals.get(a).copied().unwrap_or(0.0), totals.get(b).copied().unwrap_or(0.0));
        tb.total_cmp(&ta).then(a.cmp(b))
    });
    let size = ((n as f64 * GROUP_SHARE).ceil() as usize).max(1);
    let grouped = n >= 2;
    let (upper, lower): (Vec<u32>, Vec<u32>) = if grouped {
        (ranked[..size.min(n / 2)].to_vec(), ranked[n - size.min(n / 2)..].to_vec())
    } else {
        (Vec::new(), Vec::new())
    };
    let share_in = |group: &[u32], o: usize| {
        let chose = group.iter().filter(|l| responses.get(l).is_some_and(|c| c.contains(&o))).count();
        chose as f64 / group.len().max(1) as f64
    };
    options
        .into_iter()
        .enumerate()
        .map(|(o, (id, label, text, key))| {
            let chose = responses.values().filter(|c| c.contains(&o)).count();
            OptionStats {
                id,
                label,
                text,
                key,
                chosen: chose as u32,
                share: if n == 0 { 0.0 } else { chose as f64 / n as f64 },
                upper: grouped.then(|| share_in(&upper, o)),
                lower: grouped.then(|| share_in(&lower, o)),
            }
        })
        .collect()
}

/// Item analysis: per assessment with item results, each learner's latest result on each item
/// (by time, then attempt) as a proportion of its points possible (the result's, else the
/// item's).
pub fn item_analysis(doc: &Document, evidence: &Evidence) -> ItemAnalysis {
    // item id → (assessment index, item index)
    let mut where_item: HashMap<Uuid, (usize, usize)> = HashMap::new();
    for (a, asm) in doc.assessments.iter().enumerate() {
        for (i, item) in asm.items.iter().enumerate() {
            where_item.insert(item.id.0, (a, i));
        }
    }
    // (assessment, item, learner) → (at, attempt, proportion)
    type Key = (Option<i64>, Option<i64>, f64);
    let mut latest: BTreeMap<(usize, usize, u32), Key> = BTreeMap::new();
    // (assessment, item, learner) → the latest known response (at, attempt, text)
    type Said<'e> = (Option<i64>, Option<i64>, &'e str);
    let mut said: BTreeMap<(usize, usize, u32), Said<'_>> = BTreeMap::new();
    for r in &evidence.results {
        if r.target_kind != TargetKind::Item {
            continue;
        }
        let Some(&(a, i)) = where_item.get(&r.target_id) else { continue };
        let item_points = doc.assessments[a].items[i].points;
        let possible = match r.points_possible {
            Some(p) if p > 0.0 => p,
            _ if item_points > 0.0 => item_points,
            _ => 1.0,
        };
        let key = (r.at, r.attempt, r.score / possible);
        let slot = latest.entry((a, i, r.learner)).or_insert(key);
        if (key.0, key.1).cmp(&(slot.0, slot.1)).then(key.2.total_cmp(&slot.2)).is_gt() {
            *slot = key;
        }
        if let Some(text) = r.response.as_deref() {
            let now = (r.at, r.attempt, text);
            let slot = said.entry((a, i, r.learner)).or_insert(now);
            if (now.0, now.1).cmp(&(slot.0, slot.1)).then(now.2.cmp(slot.2)).is_gt() {
                *slot = now;
            }
        }
    }
    let mut responses_known = false;
    let mut assessments = Vec::new();
    for (a, asm) in doc.assessments.iter().enumerate() {
        let cells: Vec<(&(usize, usize, u32), &Key)> = latest.range((a, 0, 0)..(a + 1, 0, 0)).collect();
        if cells.is_empty() {
            continue;
        }
        let mut items: Vec<usize> = cells.iter().map(|((_, i, _), _)| *i).collect();
        items.dedup();
        let weight = |i: usize| if asm.items[i].points > 0.0 { asm.items[i].points } else { 1.0 };
        // learner → points per analysed item
        let mut by_learner: BTreeMap<u32, Vec<Option<f64>>> = BTreeMap::new();
        let mut per_item: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
        for ((_, i, learner), (_, _, p)) in &cells {
            let Some(k) = items.iter().position(|x| x == i) else { continue };
            per_item[k].push(*p);
            by_learner.entry(*learner).or_insert_with(|| vec![None; items.len()])[k] = Some(p * weight(*i));
        }
        let complete: Vec<Vec<f64>> =
            by_learner.values().filter_map(|row| row.iter().copied().collect::<Option<Vec<f64>>>()).collect();
        // Every learner's total on the assessment (items without a result count 0), for the
        // upper and lower groups of the distractor analysis.
        let learner_totals: BTreeMap<u32, f64> =
            by_learner.iter().map(|(l, row)| (*l, row.iter().map(|x| x.unwrap_or(0.0)).sum())).collect();
        let totals: Vec<f64> = complete.iter().map(|row| row.iter().sum()).collect();
        let k = items.len();
        let stats: Vec<ItemStats> = items
            .iter()
            .enumerate()
            .map(|(col, &i)| {
                let xs: Vec<f64> = complete.iter().map(|row| row[col]).collect();
                let rest: Vec<f64> = complete.iter().zip(&totals).map(|(row, t)| t - row[col]).collect();
                let ps = &per_item[col];
                let item = &asm.items[i];
                let answers: BTreeMap<u32, Vec<usize>> = said
                    .range((a, i, 0)..=(a, i, u32::MAX))
                    .filter_map(|((_, _, learner), (_, _, text))| chosen(item, text).map(|c| (*learner, c)))
                    .collect();
                let options = match options_of(item) {
                    Some(options) if !answers.is_empty() => option_stats(options, &answers, &learner_totals),
                    _ => Vec::new(),
                };
                ItemStats {
                    id: item.id.0,
                    number: i + 1,
                    n: ps.len() as u32,
                    difficulty: (!ps.is_empty()).then(|| ps.iter().sum::<f64>() / ps.len() as f64),
                    discrimination: if k >= 2 { correlation(&xs, &rest) } else { None },
                    responses: if options.is_empty() { 0 } else { answers.len() as u32 },
                    options,
                }
            })
            .collect();
        let var_total = variance(&totals);
        let alpha = (k >= 2 && complete.len() >= 2 && var_total > 1e-12).then(|| {
            let sum_item: f64 =
                (0..k).map(|col| variance(&complete.iter().map(|row| row[col]).collect::<Vec<_>>())).sum();
            k as f64 / (k as f64 - 1.0) * (1.0 - sum_item / var_total)
        });
        let dichotomous = complete.iter().all(|row| {
            row.iter().enumerate().all(|(col, x)| *x == 0.0 || (*x - weight(items[col])).abs() < 1e-9)
        });
        let kr20 = alpha.filter(|_| dichotomous).map(|_| {
            let sum_pq: f64 = (0..k)
                .map(|col| {
                    let w = weight(items[col]);
                    let p = complete.iter().map(|row| row[col] / w).sum::<f64>() / complete.len() as f64;
                    p * (1.0 - p) * w * w
                })
                .sum();
            k as f64 / (k as f64 - 1.0) * (1.0 - sum_pq / var_total)
        });
        responses_known |= stats.iter().any(|s| s.responses > 0);
        let diffs: Vec<f64> = stats.iter().filter_map(|s| s.difficulty).collect();
        assessments.push(AssessmentStats {
            id: asm.id.0,
            title: asm.title.clone(),
            complete: complete.len() as u32,
            mean_difficulty: (!diffs.is_empty()).then(|| diffs.iter().sum::<f64>() / diffs.len() as f64),
            items: stats,
            alpha,
            kr20,
        });
    }
    ItemAnalysis { responses_known, assessments }
}

/// `E9` (a distractor nobody chose) and `E10` (a distractor the upper group chose more often
/// than every key) of one item with at least [`MIN_ITEM_LEARNERS`] known responses.
fn distractor_findings(
    cx: &Ctx<'_>,
    asm: &crate::model::Assessment,
    item: &crate::model::QuizItem,
    s: &ItemStats,
    out: &mut Vec<Finding>,
) {
    if (s.responses as usize) < MIN_ITEM_LEARNERS {
        return;
    }
    let best_key = s
        .options
        .iter()
        .filter(|o| o.key)
        .filter_map(|o| o.upper)
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    for o in s.options.iter().filter(|o| !o.key) {
        if o.chosen == 0 {
            out.push(Ctx::finding(
                "E9-distractor-never-chosen",
                Severity::Info,
                cx.t_item(asm, item),
                format!(
                    "No learner chose option {} of item {} of “{}” (of {} learners whose response is known): it does not distract.",
                    o.label, s.number, asm.title, s.responses
                ),
                "Replace it with a wrong answer learners actually give (a common misconception).",
            ));
        } else if let (Some(up), Some(key)) = (o.upper, best_key)
            && up > key
        {
            out.push(Ctx::finding(
                "E10-distractor-attracts-upper-group",
                Severity::Warning,
                cx.t_item(asm, item),
                format!(
                    "Option {} of item {} of “{}” was chosen by {} of the upper group, more than the key ({}).",
                    o.label,
                    s.number,
                    asm.title,
                    share_text(up),
                    share_text(key)
                ),
                "Check the key, and whether the option is also right or the stem ambiguous.",
            ));
        }
    }
}

fn share_text(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// The evidence findings (`E1`–`E10`, `docs/findings.md`) of an analysis, unsorted.
pub fn findings(doc: &Document, analysis: &Analysis) -> Vec<Finding> {
    let cx = Ctx::new(doc);
    let mut out = Vec::new();
    let overall = &analysis.heatmap.overall;
    let any_evidence = overall.iter().any(|c| !matches!(c, Cell::NoEvidence));
    let threshold = analysis.options.gap_threshold;
    for (o, cell) in doc.objectives.iter().zip(overall) {
        let label = Ctx::objective_label(o);
        match cell {
            Cell::Measured { n, mastered, share, .. } if *share < threshold => out.push(Ctx::finding(
                "E1-objective-few-mastered",
                Severity::Warning,
                cx.t_objective(o),
                format!(
                    "{label} was mastered by {mastered} of {n} learners ({}), below {}.",
                    share_text(*share),
                    share_text(threshold)
                ),
                "Look at its prerequisites and at the activities and assessments aligned to it (`trellis evidence analyse` lists them).",
            )),
            Cell::NoEvidence if any_evidence => out.push(Ctx::finding(
                "E2-objective-no-evidence",
                Severity::Info,
                cx.t_objective(o),
                format!("No result reaches {label}, while other objectives have evidence."),
                "Align an assessed item, assessment or rubric criterion to it, or import its results.",
            )),
            Cell::NotEnoughData { learners } => out.push(Ctx::finding(
                "E7-objective-too-few-results",
                Severity::Info,
                cx.t_objective(o),
                format!(
                    "{learners} learner(s) have results on {label}, but none has enough for a judgement under its mastery policy."
                ),
                "Collect more results or lower the policy's minimum number of results (`trellis evidence policy`).",
            )),
            _ => {}
        }
    }
    let mut item_p: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for stats in &analysis.items.assessments {
        let Some(asm) = doc.assessments.iter().find(|a| a.id.0 == stats.id) else { continue };
        // Distractors are judged on the learners whose response is known, whatever `E8` says.
        for s in &stats.items {
            if let Some(item) = asm.items.iter().find(|i| i.id.0 == s.id) {
                distractor_findings(&cx, asm, item, s, &mut out);
            }
        }
        if (stats.complete as usize) < MIN_ITEM_LEARNERS {
            out.push(Ctx::finding(
                "E8-items-too-few-learners",
                Severity::Info,
                cx.t_assessment(asm),
                format!(
                    "Item statistics of “{}” rest on {} learner(s) with results on every item; at least {MIN_ITEM_LEARNERS} are needed to judge them.",
                    asm.title, stats.complete
                ),
                "",
            ));
            continue;
        }
        for s in &stats.items {
            let Some(item) = asm.items.iter().find(|i| i.id.0 == s.id) else { continue };
            if let Some(p) = s.difficulty {
                for obj in crate::analysis::effective_item_objectives(asm, item) {
                    item_p.entry(obj.0).or_default().push(p);
                }
            }
            if let Some(r) = s.discrimination.filter(|r| *r < 0.0) {
                out.push(Ctx::finding(
                    "E3-item-negative-discrimination",
                    Severity::Warning,
                    cx.t_item(asm, item),
                    format!(
                        "Item {} of “{}” discriminates negatively (point-biserial {r:.2}): learners who did well on the rest of the assessment did worse on it.",
                        s.number, asm.title
                    ),
                    "Check the key, the wording and whether the item measures the same objective as the rest.",
                ));
            }
        }
        match stats.mean_difficulty {
            Some(p) if p > TOO_EASY => out.push(Ctx::finding(
                "E4-assessment-too-easy",
                Severity::Info,
                cx.t_assessment(asm),
                format!(
                    "“{}” is very easy: the mean item difficulty (p) is {p:.2}, above {TOO_EASY}.",
                    asm.title
                ),
                "Harder items tell more about who has mastered the objectives.",
            )),
            Some(p) if p < TOO_HARD => out.push(Ctx::finding(
                "E5-assessment-too-hard",
                Severity::Warning,
                cx.t_assessment(asm),
                format!(
                    "“{}” is very hard: the mean item difficulty (p) is {p:.2}, below {TOO_HARD}.",
                    asm.title
                ),
                "Check the items against what was taught and practised before it.",
            )),
            _ => {}
        }
    }
    for (o, cell) in doc.objectives.iter().zip(overall) {
        let (Some(share), Some(ps)) = (cell.share(), item_p.get(&o.id.0)) else { continue };
        let mean_p = ps.iter().sum::<f64>() / ps.len() as f64;
        if mean_p >= HIGH_ITEM_SCORE && share < LOW_MASTERY {
            out.push(Ctx::finding(
                "E6-items-high-mastery-low",
                Severity::Warning,
                cx.t_objective(o),
                format!(
                    "The items aligned to {} average {mean_p:.2} of their points, yet only {} of learners mastered it.",
                    Ctx::objective_label(o),
                    share_text(share)
                ),
                "The items may not measure the objective at its level, or the mastery policy may be stricter than the items.",
            ));
        }
    }
    out
}
