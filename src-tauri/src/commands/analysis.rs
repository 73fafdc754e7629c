//! Analysis for the open document: the findings panel, the insight views (Bloom table,
//! workload, coverage, curriculum map, sequence graph) and the snapshot comparison of review
//! mode. All of it is computed by `trellis::analysis` from the committed document.

use tauri::{State, Window};
use trellis::Finding;
use trellis::analysis::diff::DocumentDiff;
use trellis::analysis::views::Views;

use crate::error::CommandError;
use crate::state::AppState;

/// Every finding of the whole-document check, most severe first.
#[tauri::command]
pub async fn check_document(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<Finding>, CommandError> {
    state.with_document(window.label(), |doc| Ok(trellis::analysis::check(doc))).await
}

/// The data of every review view.
#[tauri::command]
pub async fn insights(window: Window, state: State<'_, AppState>) -> Result<Views, CommandError> {
    state.with_document(window.label(), |doc| Ok(trellis::analysis::views::all(doc))).await
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
