//! Rubrics: ordered performance levels, criteria, one descriptor per criterion and level.

use serde::{Deserialize, Serialize};

use super::{CriterionId, ObjectiveId, RubricId, RubricLevelId};

/// A rubric, shared by any number of assessments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rubric {
    /// Stable identity.
    pub id: RubricId,
    /// Title.
    pub title: String,
    /// Analytic, holistic or single-point.
    pub kind: RubricKind,
    /// Markdown description.
    #[serde(default)]
    pub description: String,
    /// Performance levels, from lowest to highest.
    pub levels: Vec<RubricLevel>,
    /// Criteria, in display order.
    pub criteria: Vec<Criterion>,
}

/// The three rubric shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum RubricKind {
    /// Criteria × levels, each cell a descriptor.
    Analytic,
    /// One overall judgement per level.
    Holistic,
    /// One "proficient" descriptor per criterion, with room for concerns and excellence.
    SinglePoint,
}

/// A performance level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RubricLevel {
    /// Stable identity.
    pub id: RubricLevelId,
    /// Label (e.g. "Proficient").
    pub label: String,
    /// Points awarded at this level.
    pub points: f64,
}

/// A criterion (row) of a rubric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Criterion {
    /// Stable identity.
    pub id: CriterionId,
    /// Title.
    pub title: String,
    /// Longer description.
    #[serde(default)]
    pub description: String,
    /// Relative weight (1.0 = normal).
    #[serde(default = "one")]
    pub weight: f64,
    /// Objective the criterion measures.
    #[serde(default)]
    pub objective: Option<ObjectiveId>,
    /// One descriptor per level, in level order.
    #[serde(default)]
    pub descriptors: Vec<Descriptor>,
}

fn one() -> f64 {
    1.0
}

/// What performance at one level looks like for one criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Descriptor {
    /// The level described.
    pub level: RubricLevelId,
    /// Descriptor text.
    pub text: String,
}
