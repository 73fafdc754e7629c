//! The IPC commands, one file per area. Each command takes its arguments, borrows the state,
//! calls one library function and converts the error; nothing else. A path the webview names is
//! accepted only when the window may name it ([`crate::grants`]).

pub mod analysis;
pub mod documents;
pub mod edit;
pub mod evidence;
pub mod export;
pub mod import;
pub mod interactive;
pub mod markdown;
pub mod pedagogy;
pub mod report;
pub mod translate;
pub mod workspace;

use std::path::PathBuf;

use tauri::{AppHandle, Window};
use tauri_plugin_dialog::DialogExt;

use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::AppState;

/// The file a command works on: `path` when the UI gave one and the window may name it for
/// `purpose` (the recent list, a file the app issued; see [`crate::grants`]) — refused
/// otherwise — or else the one the user picks in the native open dialog (filtered to
/// `extensions`), which is granted to the window for `purpose`; `None` when the user cancels.
/// Blocking: call it from an async command, never from the main thread.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_or_pick(
    app: &AppHandle,
    window: &Window,
    state: &AppState,
    purpose: Purpose,
    path: Option<String>,
    title: &str,
    filter: &str,
    extensions: &[&str],
) -> Result<Option<PathBuf>, CommandError> {
    if let Some(p) = path {
        return state.check_path(window.label(), purpose, &PathBuf::from(p)).map(Some);
    }
    let picked = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter, extensions)
        .set_parent(window)
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok());
    if let Some(p) = &picked {
        state.grants.grant(window.label(), purpose, p);
    }
    Ok(picked)
}

/// The file the user picks in the native save dialog `proposal` describes (opened in the
/// documents folder), granted to the window for `purpose`; `None` when the user cancels.
/// Blocking: call it from an async command, never from the main thread.
pub(crate) fn pick_save_path(
    app: &AppHandle,
    window: &Window,
    state: &AppState,
    purpose: Purpose,
    proposal: trellis::workflow::save::SaveProposal,
) -> Option<PathBuf> {
    let picked = app
        .dialog()
        .file()
        .set_title(proposal.title)
        .set_directory(&state.documents_dir)
        .set_file_name(proposal.file_name)
        .add_filter(proposal.filter_name, &proposal.extensions)
        .set_parent(window)
        .blocking_save_file()
        .and_then(|p| p.into_path().ok());
    if let Some(p) = &picked {
        state.grants.grant(window.label(), purpose, p);
    }
    picked
}
