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

use tauri::{AppHandle, Emitter, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::task::Progress;

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

/// Where a command writes: `destination` when the UI gave one (the command checks that the window
/// may write there), or else the file the user picks in the native save dialog that `proposal`
/// describes for the window's curriculum title (opened in the documents folder), granted to the
/// window for `purpose`; `None` when the user cancels.
pub(crate) async fn destination_or_pick(
    app: &AppHandle,
    window: &Window,
    state: &AppState,
    purpose: Purpose,
    destination: Option<String>,
    proposal: impl FnOnce(&str) -> trellis::workflow::save::SaveProposal,
) -> Result<Option<PathBuf>, CommandError> {
    if let Some(d) = destination {
        return Ok(Some(PathBuf::from(d)));
    }
    let title = state.with_document(window.label(), |doc| Ok(doc.curriculum.title.clone())).await?;
    let proposal = proposal(&title);
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
    Ok(picked)
}

/// Sends a long command's progress to `window` as `event`.
pub(crate) fn progress_to(window: &Window, event: &'static str) -> impl Fn(Progress) + Send + 'static {
    let window = window.clone();
    move |p: Progress| {
        let _ = window.emit_to(window.label(), event, p);
    }
}
