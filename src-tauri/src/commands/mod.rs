//! The IPC commands, one file per area. Each command takes its arguments, borrows the state,
//! calls one library function and converts the error; nothing else.

pub mod analysis;
pub mod documents;
pub mod edit;
pub mod export;
pub mod import;
pub mod markdown;
pub mod pedagogy;
pub mod report;

use std::path::PathBuf;

use tauri::{AppHandle, Window};
use tauri_plugin_dialog::DialogExt;

/// The file a command works on: `path` when the UI gave one (tests, recent files), otherwise the
/// one the user picks in the native open dialog (filtered to `extensions`); `None` when the
/// user cancels. Blocking: call it from an async command, never from the main thread.
pub(crate) fn path_or_pick(
    app: &AppHandle,
    window: &Window,
    path: Option<String>,
    title: &str,
    filter: &str,
    extensions: &[&str],
) -> Option<PathBuf> {
    if let Some(p) = path {
        return Some(PathBuf::from(p));
    }
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(filter, extensions)
        .set_parent(window)
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}
