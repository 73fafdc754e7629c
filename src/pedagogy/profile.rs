//! Calibration profiles: an institution's convention for Bloom levels, learnt from its own
//! labelled objectives (see [`super::calibrate`]) and applied on top of the built-in analysis.
//!
//! A profile holds two things, both readable and versionable as a small JSON file:
//!
//! - **verb adjustments**: "at this institution, *interpret* is apply" — used when the verb
//!   that decided the built-in level has one;
//! - **a regularised logistic regression** over the analysis' features (suggested level,
//!   candidate levels, what decided it, confidence, measurability, compound, domain), which
//!   learns the institution-wide shifts ("compare" is read as analyze when the candidates allow
//!   it, affective statements get no level, …).
//!
//! This module owns the file format (load, save, validation) and [`Profile::apply`]. Learning a
//! profile is [`super::calibrate`]'s job. The built-in analysis never reads a profile: without
//! one, [`super::analyze_objective`] gives exactly what it always gave.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::bloom::lexicon;
use super::objective::{Basis, Confidence, ObjectiveAnalysis};
use crate::model::{BloomLevel, Domain};
use crate::{Error, Result};

/// The `format` value of a profile file.
pub const FORMAT: &str = "trellis-objective-profile";
/// The profile format version this build writes and reads.
pub const VERSION: u32 = 1;
/// The convention name of suggestions made without a profile.
pub const BUILTIN: &str = "built-in";

/// The class names of the model, in this order (`none`: no cognitive level).
pub const CLASSES: [&str; 7] = ["remember", "understand", "apply", "analyze", "evaluate", "create", "none"];

/// The features the model reads from an analysis, by name (stored in the profile, so a file
/// says what each weight means).
pub const FEATURES: [&str; 27] = [
    "level:remember",
    "level:understand",
    "level:apply",
    "level:analyze",
    "level:evaluate",
    "level:create",
    "level:none",
    "candidate:remember",
    "candidate:understand",
    "candidate:apply",
    "candidate:analyze",
    "candidate:evaluate",
    "candidate:create",
    "basis:lexicon",
    "basis:context",
    "basis:noun",
    "basis:adverb",
    "basis:unmeasurable",
    "confidence:high",
    "confidence:low",
    "confidence:none",
    "measurable",
    "compound",
    "condition",
    "degree",
    "domain:affective",
    "domain:psychomotor",
];

/// A calibration profile (see the module docs). Serialised as camelCase JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The convention's name, shown with every suggestion it makes.
    pub name: String,
    /// How many labelled rows it was learnt from.
    pub rows: usize,
    /// Verb (US base form) → the level this institution gives it.
    #[serde(default)]
    pub verbs: BTreeMap<String, VerbAdjustment>,
    /// The logistic regression over the analysis' features.
    pub model: Model,
    /// Cross-validated agreement of the built-in analysis and of this profile on the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kfold: Option<KFold>,
}

/// One verb adjustment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerbAdjustment {
    /// The level the institution gives the verb.
    pub level: BloomLevel,
    /// The built-in level it replaces (absent: the built-in analysis gave none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<BloomLevel>,
    /// Labelled rows decided by this verb.
    pub support: usize,
    /// Share of those rows whose labels include `level`.
    pub share: f64,
}

/// A multinomial logistic regression: `score[c] = intercepts[c] + Σ weights[c][f] · x[f]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Model {
    /// L2 regularisation strength it was fitted with.
    pub alpha: f64,
    /// Feature names (see [`FEATURES`]), the columns of `weights`.
    pub features: Vec<String>,
    /// Class names (see [`CLASSES`]), the rows of `weights`; only classes seen in training.
    pub classes: Vec<String>,
    /// One row per class, one column per feature.
    pub weights: Vec<Vec<f64>>,
    /// One intercept per class.
    pub intercepts: Vec<f64>,
    /// How much higher (in log-odds) another class must score than the current level before
    /// the model overrides it: the model changes a suggestion only when it is clearly better.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// Where each of `features` is in this build's feature vector (filled when the profile is
    /// loaded or learnt; not stored).
    #[serde(skip)]
    pub(crate) columns: Vec<Option<usize>>,
}

impl Model {
    /// Fills [`Model::columns`] from the feature names.
    pub(crate) fn index_features(&mut self) {
        self.columns = self.features.iter().map(|n| FEATURES.iter().position(|f| f == n)).collect();
    }
}

/// ln 2: the other level must be at least twice as likely as the current one.
pub const DEFAULT_MARGIN: f64 = std::f64::consts::LN_2;

fn default_margin() -> f64 {
    DEFAULT_MARGIN
}

/// k-fold cross-validated figures on the labelled rows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KFold {
    /// Number of folds.
    pub folds: usize,
    /// Built-in analysis: share of rows whose labels include the suggestion.
    pub builtin_agreement: f64,
    /// Built-in analysis: Cohen's κ against the first label.
    pub builtin_kappa: f64,
    /// With the profile learnt on the other folds: agreement.
    pub agreement: f64,
    /// With the profile learnt on the other folds: κ.
    pub kappa: f64,
}

impl Profile {
    /// Reads a profile file; errors name the file and what is wrong.
    pub fn load(path: &Path) -> Result<Profile> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Profile::from_json(&text, &path.display().to_string())
    }

    /// Parses and validates a profile; `source_name` names it in errors.
    pub fn from_json(text: &str, source_name: &str) -> Result<Profile> {
        let parse = |message: String| Error::Parse { source_name: source_name.to_owned(), message };
        let mut profile: Profile = serde_json::from_str(text)
            .map_err(|e| parse(format!("line {}, column {}: {e}", e.line(), e.column())))?;
        if profile.format != FORMAT {
            return Err(parse(format!("\"format\" is \"{}\", expected \"{FORMAT}\"", profile.format)));
        }
        if profile.version != VERSION {
            return Err(parse(format!(
                "profile version {} is not supported (this version reads {VERSION})",
                profile.version
            )));
        }
        if profile.name.trim().is_empty() {
            return Err(parse("\"name\" is empty".to_owned()));
        }
        let m = &profile.model;
        if let Some(c) = m.classes.iter().find(|c| !CLASSES.contains(&c.as_str())) {
            return Err(parse(format!(
                "model class \"{c}\" is not a level (expected one of {})",
                CLASSES.join(", ")
            )));
        }
        if m.weights.len() != m.classes.len() || m.intercepts.len() != m.classes.len() {
            return Err(parse(format!(
                "the model has {} classes but {} weight rows and {} intercepts",
                m.classes.len(),
                m.weights.len(),
                m.intercepts.len()
            )));
        }
        if let Some((i, _)) = m.weights.iter().enumerate().find(|(_, w)| w.len() != m.features.len()) {
            return Err(parse(format!(
                "weight row {} (class \"{}\") has {} values for {} features",
                i + 1,
                m.classes[i],
                m.weights[i].len(),
                m.features.len()
            )));
        }
        if m.weights.iter().flatten().chain(&m.intercepts).any(|w| !w.is_finite())
            || !m.margin.is_finite()
            || m.margin < 0.0
        {
            return Err(parse("the model holds a weight that is not a finite number".to_owned()));
        }
        profile.model.index_features();
        Ok(profile)
    }

    /// The profile as pretty JSON (keys in a fixed order, numbers rounded: the same rows give
    /// the same bytes).
    pub fn to_json(&self) -> String {
        // Serialising plain data to a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Writes the profile to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()).map_err(|source| Error::Io { path: path.to_owned(), source })
    }

    /// The level this profile gives an analysis made by the built-in rules, and why.
    pub fn predict(&self, a: &ObjectiveAnalysis) -> (Option<BloomLevel>, String) {
        let mut level = a.level;
        let mut why = String::new();
        if let Some(verb) = deciding_lemma(a)
            && let Some(adj) = self.verbs.get(&verb)
        {
            level = Some(adj.level);
            why = format!(
                "\"{verb}\" is {} in this convention ({} of {} labelled rows)",
                adj.level.as_str(),
                (adj.share * adj.support as f64).round(),
                adj.support
            );
        }
        let x = features(a, level);
        let computed;
        let columns = if self.model.columns.len() == self.model.features.len() {
            &self.model.columns
        } else {
            computed =
                self.model.features.iter().map(|n| FEATURES.iter().position(|f| f == n)).collect::<Vec<_>>();
            &computed
        };
        let mut best: Option<(usize, f64)> = None;
        let current = CLASSES[level.map_or(6, |l| l.rank() as usize - 1)];
        let mut current_score = None;
        for (c, (w, b)) in self.model.weights.iter().zip(&self.model.intercepts).enumerate() {
            let mut score = *b;
            for (column, wf) in columns.iter().zip(w) {
                if let Some(k) = column {
                    score += wf * x[*k];
                }
            }
            if self.model.classes[c] == current {
                current_score = Some(score);
            }
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
        let clearly_better = |s: f64| current_score.is_none_or(|cs| s - cs >= self.model.margin);
        if let Some((c, _)) = best.filter(|&(_, s)| clearly_better(s)) {
            let class = self.model.classes[c].as_str();
            let predicted = BloomLevel::parse(class);
            if predicted != level {
                why = format!(
                    "this convention reads statements like this one as {class} (built-in rules: {})",
                    a.level.map_or("none", BloomLevel::as_str)
                );
                level = predicted;
            }
        }
        (level, why)
    }

    /// Applies the profile to an analysis made by the built-in rules: the suggested level may
    /// change, `convention` names the profile, and the explanation says what it changed.
    pub fn apply(&self, a: &mut ObjectiveAnalysis) {
        a.convention = self.name.clone();
        let (level, why) = self.predict(a);
        if level == a.level {
            a.explanation.push(format!("convention \"{}\": the built-in level stands", self.name));
            return;
        }
        let builtin = a.level.map_or("none", BloomLevel::as_str);
        a.explanation.push(format!("convention \"{}\": {why}", self.name));
        a.rule = format!("{why}; the built-in rules said {builtin} ({})", a.rule);
        if let Some(l) = level
            && !a.candidates.contains(&l)
        {
            a.candidates.push(l);
            a.candidates.sort();
        }
        a.level = level;
    }
}

/// The US base form of the verb that decided the built-in level.
pub(crate) fn deciding_lemma(a: &ObjectiveAnalysis) -> Option<String> {
    let verb = a.deciding_verb.as_deref().or_else(|| a.verbs.first().map(String::as_str))?;
    let lex = lexicon();
    Some(lex.word(verb).map_or_else(|| verb.to_owned(), |f| lex.entry(f.entry).lemma.clone()))
}

/// The feature vector of an analysis (in [`FEATURES`] order) when its level is `level`.
pub(crate) fn features(a: &ObjectiveAnalysis, level: Option<BloomLevel>) -> [f64; FEATURES.len()] {
    let mut x = [0.0; FEATURES.len()];
    let level_index = level.map_or(6, |l| l.rank() as usize - 1);
    x[level_index] = 1.0;
    for c in &a.candidates {
        x[7 + c.rank() as usize - 1] = 1.0;
    }
    let deciding =
        a.deciding_verb.as_ref().and_then(|v| a.matches.iter().find(|m| &m.verb == v)).or(a.matches.first());
    if let Some(m) = deciding {
        let k = match m.basis {
            Basis::Lexicon => 13,
            Basis::Context => 14,
            Basis::Noun => 15,
            Basis::Adverb => 16,
            Basis::Unmeasurable => 17,
        };
        x[k] = 1.0;
    }
    x[match a.confidence {
        Confidence::High => 18,
        Confidence::Low => 19,
        Confidence::None => 20,
    }] = 1.0;
    x[21] = f64::from(u8::from(a.measurable));
    x[22] = f64::from(u8::from(a.verbs.len() > 1));
    x[23] = f64::from(u8::from(a.abcd.condition));
    x[24] = f64::from(u8::from(a.abcd.degree));
    x[25] = f64::from(u8::from(a.domain == Domain::Affective));
    x[26] = f64::from(u8::from(a.domain == Domain::Psychomotor));
    x
}

/// Rounds a weight for the file (six decimals: readable, and stable across platforms).
pub(crate) fn round6(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r }
}
