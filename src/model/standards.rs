//! Imported standards and competency frameworks. CASE identifiers and URIs are kept verbatim,
//! and every field a source carries that has no column of its own is kept in `extra`, so an
//! import followed by an export loses nothing.

use serde::{Deserialize, Serialize};

use super::{AssociationId, FrameworkId, StandardItemId};

/// A framework (CASE CFDocument, a Moodle competency framework, an outcomes CSV).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Framework {
    /// Stable identity inside Trellis.
    pub id: FrameworkId,
    /// Source identifier (CASE GUID, CSV idnumber).
    #[serde(default)]
    pub identifier: String,
    /// Source URI.
    #[serde(default)]
    pub uri: String,
    /// Title.
    pub title: String,
    /// Creator / publisher.
    #[serde(default)]
    pub creator: String,
    /// Version string.
    #[serde(default)]
    pub version: String,
    /// Language tag.
    #[serde(default)]
    pub language: String,
    /// Where it came from (`case`, `csv:moodle`, `csv:canvas`, `manual`).
    #[serde(default)]
    pub source: String,
    /// Every other source field, verbatim (CASE CFDefinitions, CFRubrics, licence, …).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub extra: serde_json::Value,
}

/// One item of a framework (CASE CFItem).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StandardItem {
    /// Stable identity inside Trellis.
    pub id: StandardItemId,
    /// Framework the item belongs to.
    pub framework: FrameworkId,
    /// Parent item in the framework's hierarchy.
    #[serde(default)]
    pub parent: Option<StandardItemId>,
    /// Source identifier (CASE GUID).
    #[serde(default)]
    pub identifier: String,
    /// Source URI.
    #[serde(default)]
    pub uri: String,
    /// Human coding scheme (e.g. `CCSS.MATH.3.OA.A.1`).
    #[serde(default)]
    pub code: String,
    /// Full statement.
    pub statement: String,
    /// Abbreviated statement.
    #[serde(default)]
    pub abbreviated: String,
    /// Item type (CFItemType title, e.g. `Standard`, `Competency`).
    #[serde(default)]
    pub item_type: String,
    /// Every other source field, verbatim.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub extra: serde_json::Value,
}

/// A typed association between items (CASE CFAssociation), possibly pointing outside the
/// framework, in which case the other end is kept as an external reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StandardAssociation {
    /// Stable identity inside Trellis.
    pub id: AssociationId,
    /// Framework the association was imported with.
    pub framework: FrameworkId,
    /// Source identifier.
    #[serde(default)]
    pub identifier: String,
    /// CASE association type (`isChildOf`, `exactMatchOf`, `precedes`, …).
    pub association_type: String,
    /// Origin node (identifier, URI and title as in the source).
    pub origin: ExternalRef,
    /// Destination node.
    pub destination: ExternalRef,
    /// Every other source field, verbatim.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub extra: serde_json::Value,
}

/// A reference to a node that may or may not be in this document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalRef {
    /// Source identifier.
    pub identifier: String,
    /// Source URI.
    #[serde(default)]
    pub uri: String,
    /// Title as given by the source.
    #[serde(default)]
    pub title: String,
}
