//! Semantic three-way merge of curriculum documents: `merge(base, ours, theirs)`.
//!
//! This module owns the merge and what follows it. Entities are matched by id and merged field
//! by field ([`tree`]: different fields or entities never conflict, list orders merge as
//! three-way merges of id sequences); the same field changed both ways, or an entity deleted on
//! one side and edited on the other, is a [`Conflict`] listed by path and id with the base, ours
//! and theirs values (the result keeps ours, or the edited entity). The merged document is then
//! repaired and validated ([`repair`]): cross-entity problems that neither side had alone (a
//! reference to an entity the other side deleted, a prerequisite cycle made by two branches, a
//! node moved under its own descendant, a duplicate code) are reported as `M1`–`M5`
//! [`Finding`]s, each with its deterministic resolution, so the result is always a valid
//! document. The conflicts file format and the git integration are described in
//! `docs/folder-format.md` and `README.md` ("Working as a team").

pub mod git;
mod repair;
mod tree;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Document;
use crate::{Error, Finding, Result};

/// One field changed both ways (or an entity deleted on one side and edited on the other).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// Where in the canonical JSON: `objectives.[ID].abcd.behavior`.
    pub path: String,
    /// Kind of the entity (`objective`, `node`, `item`, …; `document` for top-level fields).
    pub kind: String,
    /// Id of the entity (empty for top-level fields).
    pub id: String,
    /// The field inside the entity (`abcd.behavior`); empty when the whole entity conflicts.
    pub field: String,
    /// The common ancestor's value (`null` when it had none).
    pub base: Option<Value>,
    /// Our value (`null` when we deleted it); the merged document holds this one, or theirs
    /// when we deleted the entity.
    pub ours: Option<Value>,
    /// Their value (`null` when they deleted it).
    pub theirs: Option<Value>,
}

/// The result of a merge.
#[derive(Clone, Debug)]
pub struct MergeOutcome {
    /// The merged document: normalised and valid.
    pub document: Document,
    /// Fields changed both ways, in document order; empty when the merge is clean.
    pub conflicts: Vec<Conflict>,
    /// Cross-entity problems the merge created, each with the resolution applied (`M1`–`M5`).
    pub findings: Vec<Finding>,
}

/// The conflicts file written beside a merge result (`OUT.conflicts.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictsFile {
    /// Always `trellis-merge-conflicts`.
    pub kind: String,
    /// Format version (1).
    pub format: u32,
    /// Every conflict; the merged document holds the `ours` value of each.
    pub conflicts: Vec<Conflict>,
    /// The merge findings, for the record.
    pub findings: Vec<Finding>,
}

impl ConflictsFile {
    /// The file for an outcome.
    pub fn new(outcome: &MergeOutcome) -> Self {
        ConflictsFile {
            kind: "trellis-merge-conflicts".into(),
            format: 1,
            conflicts: outcome.conflicts.clone(),
            findings: outcome.findings.clone(),
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Merges `ours` and `theirs`, two versions descended from `base`.
///
/// Fails only when a version cannot be serialised or the merged document could not be made
/// valid (the error lists the remaining problems); conflicts and findings are not errors.
pub fn merge(base: &Document, ours: &Document, theirs: &Document) -> Result<MergeOutcome> {
    merge_from(Some(base), ours, theirs)
}

/// Merges `ours` and `theirs` when there may be no common ancestor: both sides added the same
/// document (git's add/add, where the merge driver gets an empty base file). Without a base,
/// entities only one side has are kept, entities both sides added identically are kept once,
/// and every field the two sides set differently is a [`Conflict`] with no base value (the
/// result keeps ours). With a base this is [`merge`].
pub fn merge_from(base: Option<&Document>, ours: &Document, theirs: &Document) -> Result<MergeOutcome> {
    let to_value = |doc: &Document, name: &str| {
        let mut doc = doc.clone();
        doc.normalize();
        serde_json::to_value(&doc).map_err(|e| Error::Internal(format!("serialising {name}: {e}")))
    };
    let b = base.map(|base| to_value(base, "the base")).transpose()?;
    let (o, t) = (to_value(ours, "ours")?, to_value(theirs, "theirs")?);
    let mut merger = tree::TreeMerge::new();
    let merged = merger.merge(b.as_ref(), Some(&o), Some(&t)).unwrap_or(o);
    let mut doc: Document = serde_json::from_value(merged).map_err(|e| {
        Error::Internal(format!("the merged document does not have the document's shape: {e}"))
    })?;
    doc.normalize();
    // Without a base, ours stands in for it where repairs look for an earlier owner or parent.
    let findings = repair::repair(&mut doc, base.unwrap_or(ours), ours, theirs);
    doc.normalize();
    doc.validate_as("the merged document")?;
    Ok(MergeOutcome { document: doc, conflicts: merger.conflicts, findings })
}
