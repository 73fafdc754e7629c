//! Typed identifiers. Every entity carries a UUID v7 that never changes, so re-exports and
//! re-imports update in place. The newtypes keep an `ObjectiveId` from being passed where a
//! `NodeId` is expected; all of them serialise as the plain hyphenated UUID string.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[derive(schemars::JsonSchema)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered (v7) identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }
    )*};
}

id_type!(
    /// The curriculum document itself.
    CurriculumId,
    /// A node of the outline (program, course, unit, lesson, …).
    NodeId,
    /// A learning objective or outcome.
    ObjectiveId,
    /// An imported standards or competency framework.
    FrameworkId,
    /// One item (standard, competency) of a framework.
    StandardItemId,
    /// An association between framework items (CASE CFAssociation).
    AssociationId,
    /// A learning activity.
    ActivityId,
    /// An assessment.
    AssessmentId,
    /// A quiz item inside an assessment.
    ItemId,
    /// A choice or matching pair inside a quiz item.
    ChoiceId,
    /// A rubric.
    RubricId,
    /// A performance level of a rubric.
    RubricLevelId,
    /// A criterion of a rubric.
    CriterionId,
    /// A review comment.
    CommentId,
    /// An entry of a node's review audit trail.
    ReviewEventId,
    /// A named snapshot of the whole document.
    SnapshotId,
    /// A file stored in the document.
    AssetId,
);
