//! Editing: every change is one `EditOp`, applied by the store as one transaction and one undo
//! step (that is the autosave), and answered with the committed document (loaded once and
//! shared with the findings and views that refresh after it).

use tauri::{State, Window};
use trellis::store::{EditOp, History};

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::state::AppState;

/// Applies one edit.
#[tauri::command]
pub async fn apply_edit(
    window: Window,
    state: State<'_, AppState>,
    op: EditOp,
) -> Result<DocumentState, CommandError> {
    state.with_store(window.label(), move |store| store.apply(op)).await?;
    state.document_state(window.label()).await
}

/// Applies one edit and answers only with the undo/redo history. The UI uses it for edits whose
/// whole effect it can apply to its own copy (one entity, one link), so a large document is not
/// sent back on every keystroke.
#[tauri::command]
pub async fn apply_edit_lean(
    window: Window,
    state: State<'_, AppState>,
    op: EditOp,
) -> Result<History, CommandError> {
    state
        .with_store(window.label(), move |store| {
            store.apply(op)?;
            store.history()
        })
        .await
}

/// Reverts the newest edit.
#[tauri::command]
pub async fn undo(window: Window, state: State<'_, AppState>) -> Result<DocumentState, CommandError> {
    state.with_store(window.label(), |store| store.undo()).await?;
    state.document_state(window.label()).await
}

/// Re-applies the newest undone edit.
#[tauri::command]
pub async fn redo(window: Window, state: State<'_, AppState>) -> Result<DocumentState, CommandError> {
    state.with_store(window.label(), |store| store.redo()).await?;
    state.document_state(window.label()).await
}
