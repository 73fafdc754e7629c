//! Calibration: learning an institution's convention ([`Profile`]) from its labelled
//! objectives, and measuring agreement with labels (share of statements whose labels include
//! the suggestion; Cohen's κ against the first label).
//!
//! The labelled file is CSV with a header naming (at least) `statement` and `levels`; `levels`
//! lists every acceptable level separated by `;` (`remember` … `create`, or `none` for no
//! cognitive level). A malformed file is refused with the line named.
//!
//! Learning has two steps, both deterministic: verb adjustments (a verb that decided at least
//! [`Options::min_support`] rows, whose labels give it another level in at least
//! [`Options::min_share`] of them and its built-in level in fewer than half), then an
//! L2-regularised multinomial logistic regression (`smartcore`) over the features of the
//! analysis (see [`super::profile::FEATURES`]). The regression's target is the adjusted level
//! when the labels accept it, else the first label, so it learns only the changes the labels
//! ask for. k-fold cross-validation (fold = row number modulo k) reports what to expect on new
//! statements.

use std::collections::BTreeMap;

use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

use super::objective::{ObjectiveAnalysis, analyze_objective};
use super::profile::{
    CLASSES, FEATURES, FORMAT, KFold, Model, Profile, VERSION, VerbAdjustment, deciding_lemma, features,
    round6,
};
use crate::model::BloomLevel;
use crate::{Error, Result};

/// Rows the logistic regression is fitted on at most (an even stride through the rows); the
/// verb adjustments always count every row.
pub const MAX_REGRESSION_ROWS: usize = 2_000;

/// One labelled statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledRow {
    /// The objective statement.
    pub statement: String,
    /// Every acceptable level, preferred first (`None`: no cognitive level).
    pub levels: Vec<Option<BloomLevel>>,
    /// Line of the row in its file (1-based).
    pub line: u64,
}

/// Reads a labelled CSV file (`statement,levels`, other columns ignored).
pub fn read_labelled(text: &str, source_name: &str) -> Result<Vec<LabelledRow>> {
    let parse = |message: String| Error::Parse { source_name: source_name.to_owned(), message };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| parse(format!("line 1: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(statement_col), Some(levels_col)) = (column("statement"), column("levels")) else {
        let missing: Vec<&str> =
            ["statement", "levels"].into_iter().filter(|c| column(c).is_none()).collect();
        return Err(parse(format!(
            "line 1: the header has no \"{}\" column (expected a header naming statement and levels)",
            missing.join("\" or \"")
        )));
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            parse(format!("line {line}: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let statement = record.get(statement_col).unwrap_or("").trim();
        let Some(levels_text) = record.get(levels_col) else {
            return Err(parse(format!("line {line}: no levels column in this row")));
        };
        if statement.is_empty() {
            return Err(parse(format!("line {line}: the statement is empty")));
        }
        let mut levels = Vec::new();
        for part in levels_text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let level = if part.eq_ignore_ascii_case("none") {
                None
            } else {
                Some(BloomLevel::parse(part).ok_or_else(|| {
                    parse(format!(
                        "line {line}: unknown level \"{part}\" (expected remember, understand, apply, analyze, \
                         evaluate, create or none, separated by ';')"
                    ))
                })?)
            };
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
        if levels.is_empty() {
            return Err(parse(format!("line {line}: no level given for \"{statement}\"")));
        }
        rows.push(LabelledRow { statement: statement.to_owned(), levels, line });
    }
    Ok(rows)
}

/// How a profile is learnt.
#[derive(Clone, Debug)]
pub struct Options {
    /// The convention's name.
    pub name: String,
    /// Folds of the cross-validation (0 or 1: none).
    pub folds: usize,
    /// L2 regularisation strength of the logistic regression.
    pub alpha: f64,
    /// Rows a verb must decide before it gets an adjustment.
    pub min_support: usize,
    /// Share of those rows whose labels must include the new level.
    pub min_share: f64,
}

impl Options {
    /// Defaults: 5 folds, α = 1, a verb adjustment needs 3 rows and 75 % of them.
    pub fn named(name: &str) -> Options {
        Options { name: name.to_owned(), folds: 5, alpha: 1.0, min_support: 3, min_share: 0.75 }
    }
}

/// Agreement of suggestions with labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Statements scored.
    pub n: usize,
    /// Statements whose labels include the suggestion.
    pub agreed: usize,
    /// `agreed / n`.
    pub agreement: f64,
    /// Cohen's κ of the suggestion against the first label, over seven categories.
    pub kappa: f64,
    /// `confusion[first label][suggestion]`, categories in [`CLASSES`] order.
    pub confusion: [[usize; 7]; 7],
}

fn class_index(level: Option<BloomLevel>) -> usize {
    level.map_or(6, |l| l.rank() as usize - 1)
}

/// Scores suggestions against labelled rows (same order).
pub fn score(suggested: &[Option<BloomLevel>], rows: &[LabelledRow]) -> Score {
    let mut confusion = [[0usize; 7]; 7];
    let mut agreed = 0;
    for (s, row) in suggested.iter().zip(rows) {
        if row.levels.contains(s) {
            agreed += 1;
        }
        let first = row.levels.first().copied().flatten();
        confusion[class_index(first)][class_index(*s)] += 1;
    }
    let n = suggested.len().min(rows.len());
    let total = n as f64;
    let kappa = if n == 0 {
        0.0
    } else {
        let observed = (0..7).map(|i| confusion[i][i]).sum::<usize>() as f64 / total;
        let expected = (0..7)
            .map(|i| {
                let row: usize = confusion[i].iter().sum();
                let col: usize = confusion.iter().map(|r| r[i]).sum();
                row as f64 * col as f64
            })
            .sum::<f64>()
            / (total * total);
        if (1.0 - expected).abs() < f64::EPSILON { 1.0 } else { (observed - expected) / (1.0 - expected) }
    };
    Score { n, agreed, agreement: if n == 0 { 0.0 } else { agreed as f64 / total }, kappa, confusion }
}

/// Learns a profile from labelled rows, with k-fold figures when there are enough rows.
pub fn calibrate(rows: &[LabelledRow], options: &Options) -> Result<Profile> {
    if rows.is_empty() {
        return Err(Error::Refused("no labelled rows to learn from".to_owned()));
    }
    let analyses: Vec<ObjectiveAnalysis> = rows.iter().map(|r| analyze_objective(&r.statement)).collect();
    let all: Vec<usize> = (0..rows.len()).collect();
    let mut profile = fit(rows, &analyses, &all, options)?;
    let k = options.folds;
    if k >= 2 && rows.len() >= 2 * k {
        let mut predicted = vec![None; rows.len()];
        for fold in 0..k {
            let train: Vec<usize> = all.iter().copied().filter(|i| i % k != fold).collect();
            let model = fit(rows, &analyses, &train, options)?;
            for i in all.iter().copied().filter(|i| i % k == fold) {
                predicted[i] = model.predict(&analyses[i]).0;
            }
        }
        let builtin: Vec<Option<BloomLevel>> = analyses.iter().map(|a| a.level).collect();
        let b = score(&builtin, rows);
        let p = score(&predicted, rows);
        profile.kfold = Some(KFold {
            folds: k,
            builtin_agreement: round6(b.agreement),
            builtin_kappa: round6(b.kappa),
            agreement: round6(p.agreement),
            kappa: round6(p.kappa),
        });
    }
    Ok(profile)
}

/// Fits verb adjustments and the regression on the rows `train`.
fn fit(
    rows: &[LabelledRow],
    analyses: &[ObjectiveAnalysis],
    train: &[usize],
    options: &Options,
) -> Result<Profile> {
    // Verb adjustments.
    struct Tally {
        n: usize,
        builtin: Option<BloomLevel>,
        builtin_ok: usize,
        by_level: [usize; 6],
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for &i in train {
        let a = &analyses[i];
        let Some(verb) = deciding_lemma(a) else { continue };
        let t =
            tallies.entry(verb).or_insert(Tally { n: 0, builtin: a.level, builtin_ok: 0, by_level: [0; 6] });
        t.n += 1;
        if rows[i].levels.contains(&a.level) {
            t.builtin_ok += 1;
        }
        for l in rows[i].levels.iter().flatten() {
            t.by_level[l.rank() as usize - 1] += 1;
        }
    }
    let mut verbs = BTreeMap::new();
    for (verb, t) in tallies {
        if t.n < options.min_support || (t.builtin_ok as f64) >= 0.5 * t.n as f64 {
            continue;
        }
        // The most accepted level; ties go to the lower level.
        let (best, count) =
            t.by_level.iter().enumerate().fold((0, 0), |acc, (i, &c)| if c > acc.1 { (i, c) } else { acc });
        let share = count as f64 / t.n as f64;
        let level = BloomLevel::ALL[best];
        if share >= options.min_share && Some(level) != t.builtin {
            verbs.insert(
                verb,
                VerbAdjustment { level, builtin: t.builtin, support: t.n, share: round6(share) },
            );
        }
    }
    let mut profile = Profile {
        format: FORMAT.to_owned(),
        version: VERSION,
        name: options.name.clone(),
        rows: train.len(),
        verbs,
        model: Model {
            alpha: options.alpha,
            features: FEATURES.iter().map(|f| (*f).to_owned()).collect(),
            classes: Vec::new(),
            weights: Vec::new(),
            intercepts: Vec::new(),
            margin: super::profile::DEFAULT_MARGIN,
            columns: Vec::new(),
        },
        kfold: None,
    };
    // The regression, over the levels after the verb adjustments, fitted on at most
    // `MAX_REGRESSION_ROWS` rows taken at an even stride (the features are few and binary, so
    // more rows add time, not information).
    let stride = train.len().div_ceil(MAX_REGRESSION_ROWS).max(1);
    let mut xs = Vec::with_capacity(train.len() / stride + 1);
    let mut ys = Vec::with_capacity(train.len() / stride + 1);
    for &i in train.iter().step_by(stride) {
        let adjusted = profile.predict_verbs_only(&analyses[i]);
        let target = if rows[i].levels.contains(&adjusted) { adjusted } else { rows[i].levels[0] };
        xs.push(features(&analyses[i], adjusted).to_vec());
        ys.push(class_index(target) as i32);
    }
    let mut seen: Vec<i32> = ys.clone();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() < 2 {
        // One class only: nothing to learn beyond the verb adjustments.
        profile.model.index_features();
        return Ok(profile);
    }
    let x = DenseMatrix::from_2d_vec(&xs).map_err(|e| Error::Internal(format!("calibration matrix: {e}")))?;
    let params = LogisticRegressionParameters::default().with_alpha(options.alpha);
    let lr = LogisticRegression::fit(&x, &ys, params)
        .map_err(|e| Error::Internal(format!("fitting the calibration model: {e}")))?;
    let classes: Vec<i32> = lr.classes().clone();
    let coef = lr.coefficients();
    let icpt = lr.intercept();
    let m = FEATURES.len();
    let row = |r: usize| -> Vec<f64> { (0..m).map(|c| round6(*coef.get((r, c)))).collect() };
    let (weights, intercepts) = if classes.len() == 2 {
        // Binary fit: one weight row for the second class against the first.
        (vec![vec![0.0; m], row(0)], vec![0.0, round6(*icpt.get((0, 0)))])
    } else {
        (
            (0..classes.len()).map(row).collect(),
            (0..classes.len()).map(|r| round6(*icpt.get((r, 0)))).collect(),
        )
    };
    profile.model.classes = classes.iter().map(|&c| CLASSES[c as usize].to_owned()).collect();
    profile.model.weights = weights;
    profile.model.intercepts = intercepts;
    profile.model.index_features();
    Ok(profile)
}

impl Profile {
    /// The level after the verb adjustments alone.
    fn predict_verbs_only(&self, a: &ObjectiveAnalysis) -> Option<BloomLevel> {
        deciding_lemma(a).and_then(|v| self.verbs.get(&v)).map_or(a.level, |adj| Some(adj.level))
    }
}
