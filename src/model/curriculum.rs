//! The document root: what the curriculum is, for whom, and under which credit system.

use serde::{Deserialize, Serialize};

use super::{CurriculumId, Timestamp};

/// The root of a curriculum document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Curriculum {
    /// Stable identity of the document.
    pub id: CurriculumId,
    /// Title shown everywhere.
    pub title: String,
    /// Institutional code (e.g. `STAT 101`).
    #[serde(default)]
    pub code: String,
    /// Markdown description.
    #[serde(default)]
    pub description: String,
    /// Who the curriculum is for.
    #[serde(default)]
    pub audience: String,
    /// Education level (e.g. `undergraduate`, `CEFR A1`).
    #[serde(default)]
    pub level: String,
    /// BCP 47 language tag of the content.
    #[serde(default = "default_language")]
    pub language: String,
    /// How student workload is counted.
    #[serde(default)]
    pub credit_system: CreditSystem,
    /// Credits in `credit_system` units.
    #[serde(default)]
    pub credits: Option<f64>,
    /// Number of teaching weeks (used by the workload view).
    #[serde(default)]
    pub weeks: Option<u32>,
    /// Template the curriculum was started from (`templates/<id>.toml`).
    #[serde(default)]
    pub template: Option<String>,
    /// The calibration profile (JSON text of `trellis::pedagogy::Profile`, from `trellis
    /// objectives calibrate`) whose convention the objective analysis follows in this document;
    /// absent: the built-in rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub objective_profile: Option<String>,
    /// Spaced retrieval practice of the objectives (see `pathway.rs`); absent: none planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub review_plan: Option<super::ReviewPlan>,
    /// When the document was created.
    pub created_at: Timestamp,
    /// When the document was last edited.
    pub updated_at: Timestamp,
}

fn default_language() -> String {
    "en".to_owned()
}

/// How credits translate into student hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum CreditSystem {
    /// No credit system.
    #[default]
    None,
    /// US semester credit hours (about 45 student hours per credit).
    UsCreditHours,
    /// European Credit Transfer System (25–30 student hours per credit).
    Ects,
}

impl CreditSystem {
    /// Student hours expected per credit as `(low, high)`, or `None` when there is no system.
    pub fn hours_per_credit(self) -> Option<(f64, f64)> {
        match self {
            CreditSystem::None => None,
            CreditSystem::UsCreditHours => Some((45.0, 45.0)),
            CreditSystem::Ects => Some((25.0, 30.0)),
        }
    }
}
