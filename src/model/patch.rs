//! Entity-level difference between two versions of one document: [`DocumentPatch`]. It is what
//! the desktop app sends after an edit whose effect it cannot predict (deletes with their
//! cascades, moves, review status, snapshots, undo and redo): the entities that are new or
//! changed, and each list's new order when it changed, instead of the whole document. Applying
//! a patch to the version it was made from gives the other version exactly.
//!
//! The semantic diff for reviewers is [`crate::analysis::diff`]; this module only moves data.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::*;
use crate::{Error, Result};

/// An entity of one of the document's lists, known by its id.
pub trait Keyed {
    /// The entity's id.
    fn key(&self) -> Uuid;
}

macro_rules! keyed {
    ($($ty:ty),* $(,)?) => {$(
        impl Keyed for $ty {
            fn key(&self) -> Uuid {
                self.id.uuid()
            }
        }
    )*};
}

keyed!(
    Node,
    Objective,
    Framework,
    StandardItem,
    StandardAssociation,
    Activity,
    Assessment,
    Rubric,
    Comment,
    ReviewEvent,
    Snapshot,
    Asset,
);

/// How one list changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ListPatch<T> {
    /// The ids of the new list in order; absent when the ids and their order are unchanged
    /// (then every entity of `changed` replaces the one with its id).
    pub order: Option<Vec<Uuid>>,
    /// The entities that are new or differ from the old version, in the new list's order.
    pub changed: Vec<T>,
}

/// What differs between two versions of a document. A list or the curriculum that did not
/// change is absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DocumentPatch {
    /// The new curriculum record.
    pub curriculum: Option<Curriculum>,
    /// Outline nodes.
    pub nodes: Option<ListPatch<Node>>,
    /// Objectives.
    pub objectives: Option<ListPatch<Objective>>,
    /// Frameworks.
    pub frameworks: Option<ListPatch<Framework>>,
    /// Framework items.
    pub standard_items: Option<ListPatch<StandardItem>>,
    /// Framework associations.
    pub associations: Option<ListPatch<StandardAssociation>>,
    /// Activities.
    pub activities: Option<ListPatch<Activity>>,
    /// Assessments.
    pub assessments: Option<ListPatch<Assessment>>,
    /// Rubrics.
    pub rubrics: Option<ListPatch<Rubric>>,
    /// Comments.
    pub comments: Option<ListPatch<Comment>>,
    /// Review events.
    pub review_events: Option<ListPatch<ReviewEvent>>,
    /// Snapshots.
    pub snapshots: Option<ListPatch<Snapshot>>,
    /// Assets.
    pub assets: Option<ListPatch<Asset>>,
    /// Every language variant, when any changed (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub translations: Option<Vec<Translation>>,
}

/// What turns the list `old` into `new`; `None` when they are equal.
pub(crate) fn diff_list<T: Keyed + PartialEq + Clone>(old: &[T], new: &[T]) -> Option<ListPatch<T>> {
    if old == new {
        return None;
    }
    let same_order = old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.key() == b.key());
    if same_order {
        let changed = old.iter().zip(new).filter(|(a, b)| a != b).map(|(_, b)| b.clone()).collect();
        return Some(ListPatch { order: None, changed });
    }
    let before: HashMap<Uuid, &T> = old.iter().map(|e| (e.key(), e)).collect();
    let changed = new.iter().filter(|e| before.get(&e.key()).is_none_or(|o| *o != *e)).cloned().collect();
    Some(ListPatch { order: Some(new.iter().map(Keyed::key).collect()), changed })
}

/// The patch of a list whose entities are known to be unchanged but whose order may have
/// changed (`old` is its former order); `None` when the order is the same.
pub(crate) fn reorder_list<T: Keyed>(old: &[Uuid], new: &[T]) -> Option<ListPatch<T>> {
    let same = old.len() == new.len() && old.iter().zip(new).all(|(a, b)| *a == b.key());
    (!same).then(|| ListPatch { order: Some(new.iter().map(Keyed::key).collect()), changed: Vec::new() })
}

fn apply_list<T: Keyed + Clone>(list: &mut Vec<T>, patch: &Option<ListPatch<T>>, what: &str) -> Result<()> {
    let Some(patch) = patch else { return Ok(()) };
    let mut changed: HashMap<Uuid, &T> = patch.changed.iter().map(|e| (e.key(), e)).collect();
    match &patch.order {
        None => {
            for entity in list.iter_mut() {
                if let Some(new) = changed.remove(&entity.key()) {
                    *entity = new.clone();
                }
            }
            if let Some(id) = changed.keys().next() {
                return Err(Error::Conflict(format!("the patch changes {what} {id}, which does not exist")));
            }
        }
        Some(order) => {
            let mut before: HashMap<Uuid, T> = list.drain(..).map(|e| (e.key(), e)).collect();
            let mut next = Vec::with_capacity(order.len());
            for id in order {
                let entity = match changed.remove(id) {
                    Some(new) => new.clone(),
                    None => before.remove(id).ok_or_else(|| {
                        Error::Conflict(format!("the patch keeps {what} {id}, which does not exist"))
                    })?,
                };
                next.push(entity);
            }
            *list = next;
        }
    }
    Ok(())
}

impl DocumentPatch {
    /// What turns `old` into `new`.
    pub fn between(old: &Document, new: &Document) -> DocumentPatch {
        DocumentPatch {
            curriculum: (old.curriculum != new.curriculum).then(|| new.curriculum.clone()),
            nodes: diff_list(&old.nodes, &new.nodes),
            objectives: diff_list(&old.objectives, &new.objectives),
            frameworks: diff_list(&old.frameworks, &new.frameworks),
            standard_items: diff_list(&old.standard_items, &new.standard_items),
            associations: diff_list(&old.associations, &new.associations),
            activities: diff_list(&old.activities, &new.activities),
            assessments: diff_list(&old.assessments, &new.assessments),
            rubrics: diff_list(&old.rubrics, &new.rubrics),
            comments: diff_list(&old.comments, &new.comments),
            review_events: diff_list(&old.review_events, &new.review_events),
            snapshots: diff_list(&old.snapshots, &new.snapshots),
            assets: diff_list(&old.assets, &new.assets),
            translations: (old.translations != new.translations).then(|| new.translations.clone()),
        }
    }

    /// Whether the two versions were equal.
    pub fn is_empty(&self) -> bool {
        *self == DocumentPatch::default()
    }

    /// Turns the version the patch was made from into the other one. Refuses a patch that
    /// keeps or changes an entity `doc` does not have (it was made from another version); `doc`
    /// may then be partly patched, so callers apply it to a copy or reload.
    pub fn apply(&self, doc: &mut Document) -> Result<()> {
        if let Some(c) = &self.curriculum {
            doc.curriculum = c.clone();
        }
        apply_list(&mut doc.nodes, &self.nodes, "node")?;
        apply_list(&mut doc.objectives, &self.objectives, "objective")?;
        apply_list(&mut doc.frameworks, &self.frameworks, "framework")?;
        apply_list(&mut doc.standard_items, &self.standard_items, "framework item")?;
        apply_list(&mut doc.associations, &self.associations, "association")?;
        apply_list(&mut doc.activities, &self.activities, "activity")?;
        apply_list(&mut doc.assessments, &self.assessments, "assessment")?;
        apply_list(&mut doc.rubrics, &self.rubrics, "rubric")?;
        apply_list(&mut doc.comments, &self.comments, "comment")?;
        apply_list(&mut doc.review_events, &self.review_events, "review event")?;
        apply_list(&mut doc.snapshots, &self.snapshots, "snapshot")?;
        apply_list(&mut doc.assets, &self.assets, "asset")?;
        if let Some(t) = &self.translations {
            doc.translations = t.clone();
        }
        Ok(())
    }
}
