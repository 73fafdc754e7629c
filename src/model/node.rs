//! The outline: a tree of nodes (program → course → unit → lesson). Node kinds are open strings
//! because templates name them (a 5E template has "phase" nodes, a competency template "module").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::NodeId;

/// One node of the outline tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Node {
    /// Stable identity.
    pub id: NodeId,
    /// Parent node; `None` for top-level nodes.
    #[serde(default)]
    pub parent: Option<NodeId>,
    /// Kind as named by the template: `program`, `course`, `unit`, `module`, `lesson`, …
    pub kind: String,
    /// Short code (e.g. `U2`, `L2.3`).
    #[serde(default)]
    pub code: String,
    /// Title.
    pub title: String,
    /// Markdown summary or lesson content.
    #[serde(default)]
    pub summary: String,
    /// Estimated duration in minutes (contact time for lessons).
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Teaching week the node falls in (1-based), for the workload view.
    #[serde(default)]
    pub week: Option<u32>,
    /// Nodes that must be completed before this one (prerequisite edges; must stay acyclic).
    #[serde(default)]
    pub prerequisites: Vec<NodeId>,
    /// Template fields (e.g. `essentialQuestions`, `transferGoals`), keyed by field name.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Current review status.
    #[serde(default)]
    pub status: ReviewStatus,
    /// Remediation or enrichment route this lesson is for (see `pathway.rs`); absent for the
    /// main path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pathway: Option<super::Pathway>,
}

impl Node {
    /// A new draft node of `kind` titled `title` under `parent`, with a fresh id and every other
    /// field empty (no code, summary, duration, week, prerequisites or template fields).
    pub fn draft(parent: Option<NodeId>, kind: &str, title: impl Into<String>) -> Node {
        Node {
            id: NodeId::new(),
            parent,
            kind: kind.to_owned(),
            code: String::new(),
            title: title.into(),
            summary: String::new(),
            duration_minutes: None,
            week: None,
            prerequisites: Vec::new(),
            fields: BTreeMap::new(),
            status: ReviewStatus::Draft,
            pathway: None,
        }
    }
}

/// Review status of a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ReviewStatus {
    /// Being written.
    #[default]
    Draft,
    /// Submitted to the committee.
    InReview,
    /// The committee asked for changes.
    ChangesRequested,
    /// Approved.
    Approved,
}

impl ReviewStatus {
    /// All statuses in workflow order.
    pub const ALL: [ReviewStatus; 4] =
        [ReviewStatus::Draft, ReviewStatus::InReview, ReviewStatus::ChangesRequested, ReviewStatus::Approved];

    /// The serialised name (`inReview`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "draft",
            ReviewStatus::InReview => "inReview",
            ReviewStatus::ChangesRequested => "changesRequested",
            ReviewStatus::Approved => "approved",
        }
    }
}
