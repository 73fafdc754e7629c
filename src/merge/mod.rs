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

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Document, FrameworkId, NodeId};
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
    let b = base.map(normalized);
    let (o, t) = (normalized(ours), normalized(theirs));
    let mut merger = tree::TreeMerge::new();
    let mut doc = merge_documents(&mut merger, b.as_deref(), &o, &t).map_err(|e| {
        Error::Internal(format!("the merged document does not have the document's shape: {e}"))
    })?;
    doc.normalize();
    // Without a base, ours stands in for it where repairs look for an earlier owner or parent.
    let findings = repair::repair(&mut doc, base.unwrap_or(ours), ours, theirs);
    doc.normalize();
    doc.validate_as("the merged document")?;
    Ok(MergeOutcome { document: doc, conflicts: merger.conflicts, findings })
}

/// The field-by-field merge of three documents in canonical order, with the same result and
/// conflicts as merging the documents' serialised values ([`tree`]): the fields are merged in
/// the order a `serde_json` object lists them (that is the conflicts' order), the entity lists
/// on the model types (only entities both sides changed are serialised), the other fields as
/// values.
fn merge_documents(
    m: &mut tree::TreeMerge,
    base: Option<&Document>,
    ours: &Document,
    theirs: &Document,
) -> std::result::Result<Document, String> {
    const KEYS: [&str; 15] = [
        "format",
        "curriculum",
        "nodes",
        "objectives",
        "frameworks",
        "standardItems",
        "associations",
        "activities",
        "assessments",
        "rubrics",
        "comments",
        "reviewEvents",
        "snapshots",
        "assets",
        "translations",
    ];
    // An object of the document's keys iterates them as the value merge did.
    let order: serde_json::Map<String, Value> = KEYS.iter().map(|k| ((*k).to_owned(), Value::Null)).collect();
    let shape = |what: &str, e: serde_json::Error| format!("{what}: {e}");
    let mut doc = Document::with_curriculum(0, ours.curriculum.clone());
    macro_rules! list {
        ($key:expr, $field:ident) => {
            doc.$field = m.merge_entities($key, base.map(|b| &b.$field[..]), &ours.$field, &theirs.$field)?
        };
    }
    for key in order.keys() {
        let key = key.as_str();
        match key {
            "format" => {
                let format = m.merge_field(
                    key,
                    base.map(|b| Value::from(b.format)).as_ref(),
                    Some(&Value::from(ours.format)),
                    Some(&Value::from(theirs.format)),
                );
                if let Some(v) = format {
                    doc.format = serde_json::from_value(v).map_err(|e| shape(key, e))?;
                }
            }
            "curriculum" => {
                let curriculum = m.merge_field(
                    key,
                    base.map(|b| to_value(&b.curriculum)).transpose()?.as_ref(),
                    Some(&to_value(&ours.curriculum)?),
                    Some(&to_value(&theirs.curriculum)?),
                );
                let v = curriculum.ok_or("missing field `curriculum`")?;
                doc.curriculum = serde_json::from_value(v).map_err(|e| shape(key, e))?;
            }
            "nodes" => list!(key, nodes),
            "objectives" => list!(key, objectives),
            "frameworks" => list!(key, frameworks),
            "standardItems" => list!(key, standard_items),
            "associations" => list!(key, associations),
            "activities" => list!(key, activities),
            "assessments" => list!(key, assessments),
            "rubrics" => list!(key, rubrics),
            "comments" => list!(key, comments),
            "reviewEvents" => list!(key, review_events),
            "snapshots" => list!(key, snapshots),
            "assets" => list!(key, assets),
            _ => {
                // An empty list of translations is not written, so it is absent rather than
                // empty; being the last key, it is merged last either way.
                let translations = |doc: &Document| -> std::result::Result<Option<Value>, String> {
                    if doc.translations.is_empty() { Ok(None) } else { to_value(&doc.translations).map(Some) }
                };
                let tb = base.map(translations).transpose()?.flatten();
                let (to, tt) = (translations(ours)?, translations(theirs)?);
                if let Some(v) = m.merge_field(key, tb.as_ref(), to.as_ref(), tt.as_ref()) {
                    doc.translations = serde_json::from_value(v).map_err(|e| shape(key, e))?;
                }
            }
        }
    }
    Ok(doc)
}

/// `doc` itself when it is in canonical order, else a normalised copy.
fn normalized(doc: &Document) -> Cow<'_, Document> {
    if in_canonical_order(doc) {
        Cow::Borrowed(doc)
    } else {
        let mut doc = doc.clone();
        doc.normalize();
        Cow::Owned(doc)
    }
}

fn to_value<T: Serialize + ?Sized>(v: &T) -> std::result::Result<Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

/// Whether `doc` is already in the order [`Document::normalize`] gives (then the merge reads it
/// as it is instead of from a normalised copy): nodes in pre-order, objectives, activities and
/// assessments grouped by node in that order, framework items and associations by framework,
/// translations sorted.
fn in_canonical_order(doc: &Document) -> bool {
    let ids: HashSet<NodeId> = doc.nodes.iter().map(|n| n.id).collect();
    if ids.len() != doc.nodes.len() {
        return false;
    }
    // Pre-order holds when each node's parent came earlier and the children of a parent are
    // contiguous after it (each node follows its previous sibling's whole subtree).
    let mut rank: HashMap<NodeId, usize> = HashMap::with_capacity(doc.nodes.len());
    let mut open: Vec<NodeId> = Vec::new();
    for (i, node) in doc.nodes.iter().enumerate() {
        match node.parent {
            None => open.clear(),
            Some(p) if !ids.contains(&p) || p == node.id => return false,
            Some(p) => {
                while open.last().is_some_and(|&top| top != p) {
                    open.pop();
                }
                if open.is_empty() {
                    return false;
                }
            }
        }
        open.push(node.id);
        rank.insert(node.id, i);
    }
    fn sorted(keys: impl Iterator<Item = usize>) -> bool {
        keys.is_sorted()
    }
    let node = |id: &NodeId| rank.get(id).copied().unwrap_or(usize::MAX);
    let fw: HashMap<FrameworkId, usize> = doc.frameworks.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let framework = |id: &FrameworkId| fw.get(id).copied().unwrap_or(usize::MAX);
    sorted(doc.objectives.iter().map(|o| node(&o.node)))
        && sorted(doc.activities.iter().map(|a| node(&a.node)))
        && sorted(doc.assessments.iter().map(|a| node(&a.node)))
        && sorted(doc.standard_items.iter().map(|s| framework(&s.framework)))
        && sorted(doc.associations.iter().map(|s| framework(&s.framework)))
        && doc.translations.is_sorted_by(|a, b| a.language <= b.language)
        && doc.translations.iter().all(|t| t.texts.is_sorted_by(|a, b| a.id <= b.id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::generate::{Rng, random};
    use crate::model::{ActivityId, Timestamp};

    /// The merge as it was first written: every version serialised whole to a value tree,
    /// merged, and the tree deserialised back. The typed merge must give the same outcome.
    fn merge_as_values(base: Option<&Document>, ours: &Document, theirs: &Document) -> Result<MergeOutcome> {
        let to_value = |doc: &Document| {
            let mut doc = doc.clone();
            doc.normalize();
            serde_json::to_value(&doc).unwrap()
        };
        let b = base.map(to_value);
        let (o, t) = (to_value(ours), to_value(theirs));
        let mut merger = tree::TreeMerge::new();
        let merged = merger.merge(b.as_ref(), Some(&o), Some(&t)).unwrap_or(o);
        let mut doc: Document = serde_json::from_value(merged).unwrap();
        doc.normalize();
        let findings = repair::repair(&mut doc, base.unwrap_or(ours), ours, theirs);
        doc.normalize();
        doc.validate_as("the merged document")?;
        Ok(MergeOutcome { document: doc, conflicts: merger.conflicts, findings })
    }

    /// Random edits, some on the same fields and entities as the other side's.
    fn edit(doc: &mut Document, rng: &mut Rng, label: &str) {
        for _ in 0..1 + rng.below(8) {
            match rng.below(9) {
                0 if !doc.nodes.is_empty() => {
                    let i = rng.below(doc.nodes.len());
                    doc.nodes[i].title = format!("{label} {}", rng.below(3));
                }
                1 if !doc.objectives.is_empty() => {
                    let i = rng.below(doc.objectives.len());
                    doc.objectives[i].statement = format!("{label} statement {}", rng.below(3));
                }
                2 if !doc.activities.is_empty() => {
                    let i = rng.below(doc.activities.len());
                    let id = doc.activities.remove(i).id;
                    doc.comments.retain(|c| c.target != id.0);
                }
                3 if !doc.activities.is_empty() => {
                    let i = rng.below(doc.activities.len());
                    let mut a = doc.activities[i].clone();
                    a.id = ActivityId(rng.uuid());
                    a.title = format!("{label} new");
                    doc.activities.insert(rng.below(doc.activities.len()), a);
                }
                4 => doc.curriculum.title = format!("{label} title {}", rng.below(2)),
                5 if doc.activities.len() > 1 => {
                    let i = rng.below(doc.activities.len() - 1);
                    doc.activities.swap(i, i + 1);
                }
                6 if !doc.activities.is_empty() => {
                    let i = rng.below(doc.activities.len());
                    doc.activities[i].duration_minutes = Some(rng.below(4) as u32 + 1);
                }
                7 if !doc.rubrics.is_empty() => {
                    let i = rng.below(doc.rubrics.len());
                    doc.rubrics[i].title = format!("{label} rubric {}", rng.below(2));
                }
                _ => {
                    doc.curriculum.updated_at = Timestamp(format!("2026-0{}-01T00:00:00Z", 1 + rng.below(9)))
                }
            }
        }
    }

    #[test]
    fn the_typed_merge_gives_the_same_outcome_as_merging_value_trees() {
        let mut conflicts = 0;
        for seed in 0..120u64 {
            let base = random(seed);
            let mut rng = Rng::new(seed + 1000);
            let (mut ours, mut theirs) = (base.clone(), base.clone());
            edit(&mut ours, &mut rng, "ours");
            edit(&mut theirs, &mut rng, "theirs");
            // Half the inputs are not in canonical order (normalised copies are merged then).
            if seed % 2 == 0 {
                ours.activities.reverse();
            } else {
                ours.normalize();
            }
            theirs.normalize();
            let no_base = seed % 5 == 0;
            let b = (!no_base).then_some(&base);
            let new = merge_from(b, &ours, &theirs);
            let old = merge_as_values(b, &ours, &theirs);
            match (new, old) {
                (Ok(new), Ok(old)) => {
                    assert_eq!(new.document, old.document, "seed {seed}");
                    assert_eq!(new.conflicts, old.conflicts, "seed {seed}");
                    assert_eq!(new.findings, old.findings, "seed {seed}");
                    conflicts += new.conflicts.len();
                }
                (Err(new), Err(old)) => assert_eq!(new.to_string(), old.to_string(), "seed {seed}"),
                (new, old) => panic!("seed {seed}: {:?} vs {:?}", new.err(), old.err()),
            }
        }
        assert!(conflicts > 20, "the inputs make conflicts too ({conflicts})");
    }
}
