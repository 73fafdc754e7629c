//! Committee review: threaded comments on any entity, the audit trail of node status changes,
//! and named snapshots of the whole document for version comparison.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CommentId, NodeId, ReviewEventId, ReviewStatus, SnapshotId, Timestamp};

/// A comment on any entity (node, objective, activity, assessment, rubric, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Comment {
    /// Stable identity.
    pub id: CommentId,
    /// Id of the entity commented on (or of the curriculum).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub target: Uuid,
    /// Comment replied to.
    #[serde(default)]
    pub parent: Option<CommentId>,
    /// Author's name.
    pub author: String,
    /// Markdown body.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
    /// Whether the thread is resolved.
    #[serde(default)]
    pub resolved: bool,
}

/// One change of a node's review status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewEvent {
    /// Stable identity.
    pub id: ReviewEventId,
    /// Node whose status changed.
    pub node: NodeId,
    /// Status before.
    pub from: ReviewStatus,
    /// Status after.
    pub to: ReviewStatus,
    /// Who changed it.
    pub author: String,
    /// When.
    pub at: Timestamp,
    /// Why.
    #[serde(default)]
    pub note: String,
}

/// A named, complete copy of the document (canonical JSON without snapshots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// Stable identity.
    pub id: SnapshotId,
    /// Name given by the user ("Submitted to committee 2026-10").
    pub name: String,
    /// When it was taken.
    pub created_at: Timestamp,
    /// The document at that time, as canonical JSON.
    pub document: String,
}
