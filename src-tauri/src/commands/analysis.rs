//! Analysis for the open document: the findings panel, the insight views (Bloom table,
//! workload, coverage, curriculum map, sequence graph) and the snapshot comparison of review
//! mode. All of it is computed by `trellis::analysis` from the committed document, with the
//! document's template resolved in the gallery's catalog (built-in plus the user's templates),
//! so a user template's own checks show in the findings panel.

use tauri::{State, Window};
use trellis::Finding;
use trellis::analysis::diff::DocumentDiff;
use trellis::analysis::views::Views;
use trellis::model::Document;

use crate::error::CommandError;
use crate::state::AppState;

/// Every finding of the whole-document check, most severe first.
#[tauri::command]
pub async fn check_document(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<Finding>, CommandError> {
    state.with_document(window.label(), |doc| Ok(findings(doc))).await
}

/// The findings panel's list: the whole-document check with the gallery's catalog
/// ([`super::pedagogy::catalog`]), read afresh like the gallery.
pub fn findings(doc: &Document) -> Vec<Finding> {
    trellis::analysis::check(doc, &super::pedagogy::catalog())
}

/// The data of every review view.
#[tauri::command]
pub async fn insights(window: Window, state: State<'_, AppState>) -> Result<Views, CommandError> {
    state
        .with_document(window.label(), |doc| {
            Ok(trellis::analysis::views::all(doc, &super::pedagogy::catalog()))
        })
        .await
}

/// What changed since the named snapshot.
#[tauri::command]
pub async fn diff_snapshot(
    window: Window,
    state: State<'_, AppState>,
    name: String,
) -> Result<DocumentDiff, CommandError> {
    state
        .with_document(window.label(), move |doc| {
            let old = trellis::analysis::diff::snapshot_document(doc, &name)?;
            Ok(trellis::analysis::diff::diff(&old, doc))
        })
        .await
}
