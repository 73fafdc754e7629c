//! Mastery of each objective per learner, with the calculation methods LMSs use, exactly as they
//! define them, and the roll-up of supporting objectives.
//!
//! Each result reaches objectives through the design's alignments (an objective result directly;
//! an assessment the objectives it measures, or those of its items when it names none; a quiz
//! item its objectives; a rubric criterion its objective) and is scaled to the objective's point
//! scale: `score / points_possible × policy.points_possible` (a result without points possible is
//! taken to be on that scale already). When a learner has results on the objective itself (LMS
//! outcome results, objective statements), those alone are the judgement; results that reach it
//! only through alignments (grades, quiz items) count for learners who have none of its own, so
//! one submission reported both per question and per objective is not counted twice. A learner's results on one objective are put in time order
//! (time, then attempt, then score, so rows arriving in any order give the same answer) and
//! reduced by the objective's [`Method`]; scores are rounded to two decimals, as Canvas does.
//! An objective without results of its own for a learner takes the mean of its supporting
//! objectives' scores (each as a share of its own scale) on its own scale. Formulas and examples:
//! `docs/evidence.md`.

use std::collections::HashMap;

use serde::Serialize;
use uuid::Uuid;

use super::{Evidence, ResultRow, TargetKind};
use crate::model::Document;
use crate::{Error, Result};

/// A calculation method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "MasteryMethod"))]
pub enum Method {
    /// Canvas `highest`: the highest score.
    Highest,
    /// Canvas `latest`: the most recent score.
    Latest,
    /// Canvas `average`: the mean of all scores.
    Average,
    /// Canvas `n_mastery`: at least n (calculation_int, 1–10) scores at or above the mastery
    /// points; the score is the mean of those scores, none when there are fewer.
    NMastery,
    /// Canvas `decaying_average` (Canvas's "weighted average"): latest·w + mean(earlier)·(1−w),
    /// w = calculation_int / 100 (default 65).
    DecayingAverage,
    /// Canvas `standard_decaying_average`: a₁ = s₁, aₖ = aₖ₋₁·(1−d) + sₖ·d, d = calculation_int / 100
    /// (default 65).
    StandardDecayingAverage,
    /// Brightspace "most common level": the score given most often; a tie goes to the highest.
    MostCommon,
}

impl Method {
    /// Every method, in documentation order.
    pub const ALL: [Method; 7] = [
        Method::Highest,
        Method::Latest,
        Method::Average,
        Method::NMastery,
        Method::DecayingAverage,
        Method::StandardDecayingAverage,
        Method::MostCommon,
    ];

    /// The method's name (Canvas's name for Canvas's methods).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Highest => "highest",
            Method::Latest => "latest",
            Method::Average => "average",
            Method::NMastery => "n_mastery",
            Method::DecayingAverage => "decaying_average",
            Method::StandardDecayingAverage => "standard_decaying_average",
            Method::MostCommon => "most_common",
        }
    }

    /// The method a name means.
    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// The range of calculation_int the method takes, and its default (None: it takes none).
    pub fn parameter(self) -> Option<(std::ops::RangeInclusive<i64>, i64)> {
        match self {
            Method::NMastery => Some((1..=10, 1)),
            Method::DecayingAverage | Method::StandardDecayingAverage => Some((1..=99, 65)),
            _ => None,
        }
    }
}

/// How mastery of an objective is judged.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "MasteryPolicy"))]
pub struct Policy {
    /// The top of the objective's point scale.
    pub points_possible: f64,
    /// The score at or above which the objective is mastered.
    pub mastery_points: f64,
    /// The calculation method.
    pub method: Method,
    /// The method's parameter (None for methods that take none).
    pub calculation_int: Option<i64>,
    /// Fewest results before a judgement is made.
    pub min_results: u32,
}

impl Default for Policy {
    /// Canvas's defaults, as Trellis exports outcomes: a 4-point scale, mastery at 3, decaying
    /// average with 65, judged from the first result.
    fn default() -> Self {
        Policy {
            points_possible: 4.0,
            mastery_points: 3.0,
            method: Method::DecayingAverage,
            calculation_int: Some(65),
            min_results: 1,
        }
    }
}

impl Policy {
    /// Checks the policy; `place` names where it came from in the error.
    pub fn validate(&self, place: &str) -> Result<()> {
        let bad = |m: String| Err(Error::Refused(format!("{place}: {m}")));
        if !(self.points_possible.is_finite() && self.points_possible > 0.0) {
            return bad(format!("points possible must be above 0 (found {})", self.points_possible));
        }
        if !(self.mastery_points.is_finite()
            && self.mastery_points > 0.0
            && self.mastery_points <= self.points_possible)
        {
            return bad(format!(
                "mastery points must be above 0 and at most the points possible {} (found {})",
                self.points_possible, self.mastery_points
            ));
        }
        match (self.method.parameter(), self.calculation_int) {
            (None, None) => {}
            (None, Some(n)) => {
                return bad(format!("{} takes no calculation_int (found {n})", self.method.as_str()));
            }
            (Some((range, _)), Some(n)) if range.contains(&n) => {}
            (Some((range, _)), n) => {
                return bad(format!(
                    "{} needs a calculation_int from {} to {} (found {})",
                    self.method.as_str(),
                    range.start(),
                    range.end(),
                    n.map_or("none".to_owned(), |n| n.to_string())
                ));
            }
        }
        if self.min_results == 0 || self.min_results > 1000 {
            return bad(format!("the minimum number of results must be 1–1000 (found {})", self.min_results));
        }
        Ok(())
    }

    /// A policy with `method`, filling calculation_int with the method's default when not given.
    pub fn with_method(mut self, method: Method, calculation_int: Option<i64>) -> Policy {
        self.method = method;
        self.calculation_int = calculation_int.or(method.parameter().map(|(_, d)| d));
        if method.parameter().is_none() {
            self.calculation_int = calculation_int;
        }
        self
    }
}

/// Rounds to two decimals, as Canvas does (`round(2)`).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One result on an objective's scale, with what orders it in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Seconds since the epoch (None sorts first).
    pub at: Option<i64>,
    /// Attempt number (None sorts first).
    pub attempt: Option<i64>,
    /// Score on the objective's scale.
    pub score: f64,
}

/// Puts results in time order; ties in time and attempt are broken by the score, so the order
/// the rows arrived in never matters.
pub fn sort_in_time(results: &mut [Scored]) {
    results.sort_by(|a, b| a.at.cmp(&b.at).then(a.attempt.cmp(&b.attempt)).then(a.score.total_cmp(&b.score)));
}

/// The score `policy` gives to `scores` (in time order, on the objective's scale), rounded to two
/// decimals; None when the method gives none (no scores, or fewer than n mastery scores).
pub fn calculate(policy: &Policy, scores: &[f64]) -> Option<f64> {
    calculate_with(policy, scores, &mut Vec::new())
}

/// [`calculate`] with a buffer for the most common level, so that a caller reducing many cells
/// allocates it once.
fn calculate_with(policy: &Policy, scores: &[f64], levels: &mut Vec<i64>) -> Option<f64> {
    let (&latest, earlier) = scores.split_last()?;
    let int = policy.calculation_int.or(policy.method.parameter().map(|(_, d)| d)).unwrap_or(65);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let score = match policy.method {
        Method::Highest => scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Method::Latest => latest,
        Method::Average => mean(scores),
        Method::NMastery => {
            let n = usize::try_from(int).unwrap_or(1);
            if scores.len() < n {
                return None;
            }
            let kept = || scores.iter().copied().filter(|s| *s >= policy.mastery_points);
            let count = kept().count();
            if count < n {
                return None;
            }
            kept().sum::<f64>() / count as f64
        }
        Method::DecayingAverage => {
            if earlier.is_empty() {
                latest
            } else {
                let w = int as f64;
                latest * (0.01 * w) + mean(earlier) * (0.01 * (100.0 - w))
            }
        }
        Method::StandardDecayingAverage => {
            let d = int as f64;
            let mut avg = scores[0];
            for s in &scores[1..] {
                avg = avg * (0.01 * (100.0 - d)) + s * (0.01 * d);
            }
            avg
        }
        Method::MostCommon => {
            // The level given most often; among those, the highest.
            levels.clear();
            levels.extend(scores.iter().map(|s| (s * 100.0).round() as i64));
            levels.sort_unstable();
            let (level, _) = levels
                .chunk_by(|a, b| a == b)
                .map(|run| (run[0], run.len()))
                .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))?;
            level as f64 / 100.0
        }
    };
    Some(round2(score))
}

/// The mastery of one objective for one learner.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LearnerMastery {
    /// The learner's pseudonym.
    pub learner: String,
    /// The objective's id.
    pub objective: Uuid,
    /// The score on the objective's point scale (None: no judgement yet).
    pub score: Option<f64>,
    /// Whether the objective is mastered.
    pub mastered: bool,
    /// Results counted (for a rolled-up objective, those of its supporting objectives).
    pub results: u32,
}

/// The mastery of one objective over the learners.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ObjectiveMastery {
    /// The objective's id.
    pub id: Uuid,
    /// Its code.
    pub code: String,
    /// The calculation method (Canvas's name).
    pub method: Method,
    /// The method's parameter, or None.
    pub calculation_int: Option<i64>,
    /// Mastery points.
    pub mastery_points: f64,
    /// Points possible.
    pub points_possible: f64,
    /// Learners with a judgement (a score from at least the minimum number of results).
    pub assessed: u32,
    /// Learners who mastered it.
    pub mastered: u32,
    /// Mean score of the assessed learners (None when nobody was assessed).
    pub mean: Option<f64>,
}

/// Mastery per objective and per learner (the `trellis mastery` JSON contract).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MasteryReport {
    /// One entry per objective of the design, in document order.
    pub objectives: Vec<ObjectiveMastery>,
    /// One entry per learner and objective with a score or results, by objective then learner.
    pub learners: Vec<LearnerMastery>,
    /// Results whose target is no longer in the design (not counted).
    #[serde(skip)]
    pub orphaned: u64,
}

/// Where each kind of target leads, from the design.
struct Alignments {
    objective: HashMap<Uuid, usize>,
    assessment: HashMap<Uuid, Vec<usize>>,
    item: HashMap<Uuid, Vec<usize>>,
    criterion: HashMap<Uuid, usize>,
}

impl Alignments {
    fn new(doc: &Document) -> Alignments {
        let objective: HashMap<Uuid, usize> =
            doc.objectives.iter().enumerate().map(|(i, o)| (o.id.0, i)).collect();
        let index = |ids: &mut dyn Iterator<Item = Uuid>| -> Vec<usize> {
            let mut out: Vec<usize> = ids.filter_map(|id| objective.get(&id).copied()).collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let mut assessment = HashMap::new();
        let mut item = HashMap::new();
        for a in &doc.assessments {
            let mut direct = a.objectives.iter().map(|o| o.0);
            let mut objectives = index(&mut direct);
            if objectives.is_empty() {
                let mut through = a.items.iter().flat_map(|i| i.objectives.iter().map(|o| o.0));
                objectives = index(&mut through);
            }
            assessment.insert(a.id.0, objectives);
            for i in &a.items {
                item.insert(i.id.0, index(&mut i.objectives.iter().map(|o| o.0)));
            }
        }
        let criterion = doc
            .rubrics
            .iter()
            .flat_map(|r| &r.criteria)
            .filter_map(|c| Some((c.id.0, *objective.get(&c.objective?.0)?)))
            .collect();
        Alignments { objective, assessment, item, criterion }
    }

    fn objectives(&self, kind: TargetKind, id: Uuid) -> Option<&[usize]> {
        match kind {
            TargetKind::Objective => self.objective.get_key_value(&id).map(|(_, i)| std::slice::from_ref(i)),
            TargetKind::Assessment => self.assessment.get(&id).map(Vec::as_slice),
            TargetKind::Item => self.item.get(&id).map(Vec::as_slice),
            TargetKind::Criterion => self.criterion.get_key_value(&id).map(|(_, i)| std::slice::from_ref(i)),
        }
    }
}

/// One result on one objective: the learner's rank (its place in pseudonym order), the score on
/// the objective's scale and the row it came from (whose time and attempt order the learner's
/// results). 16 bytes; the cells of one objective are contiguous.
#[derive(Clone, Copy, Default)]
struct Cell {
    learner: u32,
    row: u32,
    score: f64,
}

/// A learner's judgement on one objective: the learner's rank, the score and the results counted.
#[derive(Clone, Copy)]
struct Judged {
    learner: u32,
    score: Option<f64>,
    results: u32,
}

/// Below this many cells the calculation runs on one thread.
const PARALLEL_FROM: usize = 200_000;

/// Computes the mastery of every objective of `doc` from `evidence`.
///
/// A first pass resolves each result's target once per distinct target (through the alignment
/// maps, built once) and counts the results each objective receives; a second writes every
/// (objective, learner, result) as a 16-byte cell into one flat vector, grouped by objective
/// (a counting sort). Each objective's cells are then sorted by learner rank and time and reduced
/// run by run, on two threads when there are many; the judgements come out per objective in
/// learner order, which is the report's order. No map entry or string is made per result.
pub fn compute(doc: &Document, evidence: &Evidence) -> MasteryReport {
    let align = Alignments::new(doc);
    let policies: Vec<&Policy> = doc.objectives.iter().map(|o| evidence.policy_for(o.id.0)).collect();
    // Learners ranked by pseudonym (the same person in two cohorts is one learner: the salt is
    // per document), so that sorting by rank sorts by pseudonym.
    let mut by_name: Vec<u32> = (0..evidence.learners.len() as u32).collect();
    by_name.sort_unstable_by(|&a, &b| {
        evidence.learners[a as usize].pseudonym.cmp(&evidence.learners[b as usize].pseudonym)
    });
    let mut names: Vec<&str> = Vec::new();
    let mut rank_of = vec![0u32; evidence.learners.len()];
    for &i in &by_name {
        let name = evidence.learners[i as usize].pseudonym.as_str();
        if names.last() != Some(&name) {
            names.push(name);
        }
        rank_of[i as usize] = (names.len() - 1) as u32;
    }
    drop(by_name);
    // Pass 1: the objectives each result reaches (an index into `reached`; NONE: orphaned), and
    // how many cells each objective receives.
    const NONE: u32 = u32::MAX;
    let results = &evidence.results;
    let mut reached: Vec<&[usize]> = Vec::new();
    let mut seen: HashMap<(TargetKind, Uuid), u32> = HashMap::new();
    let mut reach_of: Vec<u32> = Vec::with_capacity(results.len());
    let mut starts = vec![0usize; doc.objectives.len() + 1];
    let mut orphaned = 0u64;
    let mut last: Option<(TargetKind, Uuid, u32)> = None;
    for r in results {
        let reach = match last {
            _ if rank_of.get(r.learner as usize).is_none() => NONE,
            Some((kind, id, reach)) if kind == r.target_kind && id == r.target_id => reach,
            _ => {
                let reach = *seen.entry((r.target_kind, r.target_id)).or_insert_with(|| {
                    match align.objectives(r.target_kind, r.target_id).filter(|t| !t.is_empty()) {
                        Some(targets) => {
                            reached.push(targets);
                            (reached.len() - 1) as u32
                        }
                        None => NONE,
                    }
                });
                last = Some((r.target_kind, r.target_id, reach));
                reach
            }
        };
        if reach == NONE {
            orphaned += 1;
        } else {
            for &o in reached[reach as usize] {
                starts[o + 1] += 1;
            }
        }
        reach_of.push(reach);
    }
    drop(seen);
    for o in 0..doc.objectives.len() {
        starts[o + 1] += starts[o];
    }
    // Pass 2: the cells, grouped by objective.
    let mut cells = vec![Cell::default(); starts[doc.objectives.len()]];
    let mut next = starts.clone();
    for (row, (r, &reach)) in results.iter().zip(&reach_of).enumerate() {
        if reach == NONE {
            continue;
        }
        let learner = rank_of[r.learner as usize];
        for &o in reached[reach as usize] {
            let scale = policies[o].points_possible;
            let score = match r.points_possible {
                Some(pp) if pp > 0.0 => r.score / pp * scale,
                _ => r.score,
            };
            cells[next[o]] = Cell { learner, row: row as u32, score };
            next[o] += 1;
        }
    }
    drop((reach_of, next, reached));
    // Direct judgements, per objective in learner order: on two threads (each taking whole
    // objectives, about half the cells each) when there are many cells and two cores.
    let judge = |cells: &mut [Cell], objectives: std::ops::Range<usize>| -> Vec<Vec<Judged>> {
        let base = starts[objectives.start];
        let mut scratch = Vec::new();
        let mut levels = Vec::new();
        objectives
            .map(|o| {
                judge_objective(
                    &mut cells[starts[o] - base..starts[o + 1] - base],
                    policies[o],
                    results,
                    &mut scratch,
                    &mut levels,
                )
            })
            .collect()
    };
    let n = doc.objectives.len();
    let two =
        cells.len() >= PARALLEL_FROM && std::thread::available_parallelism().is_ok_and(|p| p.get() >= 2);
    let mut judged: Vec<Vec<Judged>> = if two {
        let half = cells.len() / 2;
        let split = starts.partition_point(|&s| s < half).min(n);
        let (first, second) = cells.split_at_mut(starts[split]);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| judge(first, 0..split));
            let mut rest = judge(second, split..n);
            // A panic on the other thread is a bug of this function: resume it here.
            let mut all = other.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            all.append(&mut rest);
            all
        })
    } else {
        judge(&mut cells, 0..n)
    };
    drop(cells);
    // Roll-up along `supports`: supporters of each objective, then objectives in an order where
    // supporters come first (the supports graph is acyclic in a valid document).
    let mut supporters: Vec<Vec<usize>> = vec![Vec::new(); doc.objectives.len()];
    for (i, o) in doc.objectives.iter().enumerate() {
        for s in &o.supports {
            if let Some(&target) = align.objective.get(&s.0) {
                supporters[target].push(i);
            }
        }
    }
    let find = |list: &[Judged], learner: u32| -> Option<Judged> {
        list.binary_search_by_key(&learner, |j| j.learner).ok().map(|i| list[i])
    };
    for o in supports_order(&supporters) {
        if supporters[o].is_empty() {
            continue;
        }
        let own = std::mem::take(&mut judged[o]);
        let mut next = Vec::with_capacity(own.len());
        let mut own_iter = own.iter().copied().peekable();
        let mut shares = Vec::new();
        for learner in 0..names.len() as u32 {
            let mine = own_iter.next_if(|j| j.learner == learner);
            if mine.is_some_and(|j| j.score.is_some()) {
                next.extend(mine);
                continue;
            }
            shares.clear();
            let mut count = 0;
            for &s in &supporters[o] {
                if let Some(Judged { score: Some(score), results, .. }) = find(&judged[s], learner) {
                    shares.push(score / policies[s].points_possible);
                    count += results;
                }
            }
            if shares.is_empty() {
                next.extend(mine);
                continue;
            }
            let mean = shares.iter().sum::<f64>() / shares.len() as f64;
            let own_results = mine.map_or(0, |j| j.results);
            next.push(Judged {
                learner,
                score: Some(round2(mean * policies[o].points_possible)),
                results: count + own_results,
            });
        }
        judged[o] = next;
    }
    let total = judged.iter().map(Vec::len).sum();
    let mut report =
        MasteryReport { orphaned, learners: Vec::with_capacity(total), ..MasteryReport::default() };
    for (o, obj) in doc.objectives.iter().enumerate() {
        let policy = policies[o];
        let (mut assessed, mut mastered_count, mut sum) = (0u32, 0u32, 0.0);
        for j in std::mem::take(&mut judged[o]) {
            let mastered = j.score.is_some_and(|s| s >= policy.mastery_points);
            if let Some(s) = j.score {
                assessed += 1;
                mastered_count += u32::from(mastered);
                sum += s;
            }
            report.learners.push(LearnerMastery {
                learner: names[j.learner as usize].to_owned(),
                objective: obj.id.0,
                score: j.score,
                mastered,
                results: j.results,
            });
        }
        report.objectives.push(ObjectiveMastery {
            id: obj.id.0,
            code: obj.code.clone(),
            method: policy.method,
            calculation_int: policy.calculation_int,
            mastery_points: policy.mastery_points,
            points_possible: policy.points_possible,
            assessed,
            mastered: mastered_count,
            mean: (assessed > 0).then(|| round2(sum / f64::from(assessed))),
        });
    }
    report
}

/// Sorts one objective's cells by learner, then in time order (time, attempt, score), and reduces
/// each learner's run to a judgement.
fn judge_objective(
    cells: &mut [Cell],
    policy: &Policy,
    results: &[ResultRow],
    scratch: &mut Vec<f64>,
    levels: &mut Vec<i64>,
) -> Vec<Judged> {
    cells.sort_unstable_by(|a, b| {
        a.learner.cmp(&b.learner).then_with(|| {
            let (x, y) = (&results[a.row as usize], &results[b.row as usize]);
            x.at.cmp(&y.at).then(x.attempt.cmp(&y.attempt)).then(a.score.total_cmp(&b.score))
        })
    });
    let mut judged = Vec::with_capacity(cells.len());
    for run in cells.chunk_by(|a, b| a.learner == b.learner) {
        // The objective's own results (outcome results, objective statements) are the judgement
        // when the learner has any; results that reach it through alignments count otherwise.
        let own = |c: &Cell| results[c.row as usize].target_kind == TargetKind::Objective;
        let direct = run.iter().any(own);
        scratch.clear();
        scratch.extend(run.iter().filter(|c| !direct || own(c)).map(|c| c.score));
        let n = scratch.len() as u32;
        let score = if n >= policy.min_results { calculate_with(policy, scratch, levels) } else { None };
        judged.push(Judged { learner: run[0].learner, score, results: n });
    }
    judged
}

/// Objectives ordered so that each comes after all its supporters (those on a cycle, which a
/// valid document has not, are left out).
fn supports_order(supporters: &[Vec<usize>]) -> Vec<usize> {
    let n = supporters.len();
    let mut waiting: Vec<usize> = supporters.iter().map(Vec::len).collect();
    let mut supported: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (o, list) in supporters.iter().enumerate() {
        for &s in list {
            supported[s].push(o);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&o| waiting[o] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(o) = ready.pop() {
        order.push(o);
        for &t in &supported[o] {
            waiting[t] -= 1;
            if waiting[t] == 0 {
                ready.push(t);
            }
        }
    }
    order
}
