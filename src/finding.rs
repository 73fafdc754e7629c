//! `Finding`: the one shape every check in Trellis reports (objective analysis, curriculum
//! analysis, pre-export checks). Codes are stable and documented in `docs/findings.md`; the UI,
//! the CLI and the review packet show the same findings.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Warning,
    /// Must be fixed (e.g. before a strict export).
    Error,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Kind of entity (`objective`, `node`, `assessment`, `item`, `rubric`, `curriculum`, …).
    pub kind: String,
    /// Entity id, when there is one.
    #[serde(default)]
    pub id: Option<String>,
    /// Human-readable path in the outline (`Course › Unit 2 › Lesson 2.1`).
    #[serde(default)]
    pub path: String,
}

/// One result of a check.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, e.g. `A1-objective-unassessed`.
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// What it is about.
    pub target: Target,
    /// How to fix it.
    #[serde(default)]
    pub hint: String,
}
