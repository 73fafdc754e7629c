//! Bringing a loaded copy of the document up to date after a change, reading only the parts the
//! change touched (from its journal step), and saying what changed as a [`DocumentPatch`]. The
//! desktop app keeps one loaded copy per window; a change to a large curriculum then costs the
//! tables it touched, not a whole load.

use uuid::Uuid;

use super::Store;
use super::read::Parts;
use crate::Result;
use crate::model::patch::{diff_list, reorder_list};
use crate::model::{Document, DocumentPatch, Keyed};

/// A list of the copy before the change: the entities themselves when the change touched the
/// list's tables, otherwise only its order (re-sorting may still move its entities, e.g. the
/// objectives of a node that moved).
enum Before<T> {
    Touched(Vec<T>),
    Order(Vec<Uuid>),
}

impl<T: Keyed + PartialEq + Clone> Before<T> {
    fn take(list: &mut Vec<T>, touched: bool) -> Self {
        if touched {
            Before::Touched(std::mem::take(list))
        } else {
            Before::Order(list.iter().map(Keyed::key).collect())
        }
    }

    fn patch(&self, now: &[T]) -> Option<crate::model::ListPatch<T>> {
        match self {
            Before::Touched(old) => diff_list(old, now),
            Before::Order(order) => reorder_list(order, now),
        }
    }
}

macro_rules! refresh_lists {
    ($store:expr, $doc:expr, $parts:expr, $($list:ident),* $(,)?) => {{
        let curriculum = $parts.curriculum.then(|| $doc.curriculum.clone());
        $(let $list = Before::take(&mut $doc.$list, $parts.$list);)*
        $store.reload($doc, $parts)?;
        DocumentPatch {
            curriculum: curriculum.filter(|c| *c != $doc.curriculum).map(|_| $doc.curriculum.clone()),
            $($list: $list.patch(&$doc.$list),)*
        }
    }};
}

impl Store {
    /// Brings `doc`, the committed document as it was before the newest change through this
    /// store (edit, undo or redo), up to date by re-reading only what that change touched, and
    /// returns what changed. Applied to the old version, the patch gives the new one.
    pub fn refresh(&self, doc: &mut Document) -> Result<DocumentPatch> {
        let parts: Parts = self.last_change_parts()?;
        Ok(refresh_lists!(
            self,
            doc,
            parts,
            nodes,
            objectives,
            frameworks,
            standard_items,
            associations,
            activities,
            assessments,
            rubrics,
            comments,
            review_events,
            snapshots,
            assets,
        ))
    }
}
