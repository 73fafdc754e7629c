//! Editing: every change is one `EditOp`, applied by the store as one transaction and one undo
//! step (that is the autosave). Edits the UI has applied to its copy are answered with the
//! history only; the others, undo and redo with a [`DocumentChange`] (the patch from the
//! window's version to the committed one), never with the whole document.

use tauri::{State, Window};
use trellis::store::{EditOp, History};

use super::documents::set_title;
use crate::dto::DocumentChange;
use crate::error::CommandError;
use crate::state::AppState;

/// Applies one edit.
#[tauri::command]
pub async fn apply_edit(
    window: Window,
    state: State<'_, AppState>,
    op: EditOp,
) -> Result<DocumentChange, CommandError> {
    let change = state.change(window.label(), move |store| store.apply(op)).await?;
    Ok(retitled(&window, change))
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
    let title = match &op {
        EditOp::UpdateCurriculum { curriculum } => Some(curriculum.title.clone()),
        _ => None,
    };
    let history = state
        .with_store(window.label(), move |store| {
            store.apply(op)?;
            store.history()
        })
        .await?;
    if let Some(title) = title {
        set_title(&window, Some(&title));
    }
    Ok(history)
}

/// Reverts the newest edit.
#[tauri::command]
pub async fn undo(window: Window, state: State<'_, AppState>) -> Result<DocumentChange, CommandError> {
    let change = state.change(window.label(), |store| store.undo().map(drop)).await?;
    Ok(retitled(&window, change))
}

/// Re-applies the newest undone edit.
#[tauri::command]
pub async fn redo(window: Window, state: State<'_, AppState>) -> Result<DocumentChange, CommandError> {
    let change = state.change(window.label(), |store| store.redo().map(drop)).await?;
    Ok(retitled(&window, change))
}

/// The native window title follows the curriculum's title when a change renamed it.
fn retitled(window: &Window, change: DocumentChange) -> DocumentChange {
    if let Some(curriculum) = &change.patch.curriculum {
        set_title(window, Some(&curriculum.title));
    }
    change
}
