//! The export dialog: the formats and LMS profiles on offer, the pre-export check, the export
//! itself (off the UI thread, with progress events and cancellation) and "show in folder".
//! Lowering and serialising are `trellis::export`'s; this file only picks the destination and
//! relays progress.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::Finding;
use trellis::export::{ExportFormat, ExportOptions, ExportReport, LmsProfile, PackageWriter};

use crate::error::CommandError;
use crate::state::{AppState, fresh_stem};

/// Event carrying `trellis::export::Progress` to the window that started the export.
pub const PROGRESS_EVENT: &str = "export-progress";

/// One format of the dialog.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    /// The format.
    pub format: ExportFormat,
    /// Human name.
    pub label: String,
    /// File extension of the package.
    pub extension: String,
}

/// What the export dialog offers.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportChoices {
    /// Formats in menu order.
    pub formats: Vec<FormatChoice>,
    /// LMS profiles in menu order.
    pub profiles: Vec<LmsProfile>,
}

/// What the user asked for.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// The format.
    pub format: ExportFormat,
    /// The target LMS.
    pub profile: LmsProfile,
    /// Refuse when the pre-export check reports errors.
    pub strict: bool,
    /// Where to write; `None` asks with the native save dialog.
    pub destination: Option<String>,
}

/// A finished export.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    /// The package written.
    pub path: String,
    /// Entries and findings.
    pub report: ExportReport,
}

/// Formats and profiles.
#[tauri::command]
pub fn export_choices() -> ExportChoices {
    ExportChoices {
        formats: ExportFormat::ALL
            .iter()
            .map(|&format| FormatChoice {
                format,
                label: format.label().to_owned(),
                extension: format.extension().to_owned(),
            })
            .collect(),
        profiles: LmsProfile::ALL.to_vec(),
    }
}

/// The pre-export findings for a format and profile.
#[tauri::command]
pub async fn preflight_export(
    window: Window,
    state: State<'_, AppState>,
    format: ExportFormat,
    profile: LmsProfile,
) -> Result<Vec<Finding>, CommandError> {
    state
        .with_store(window.label(), move |store| {
            let doc = store.load()?;
            Ok(trellis::export::preflight(
                &doc,
                format,
                &ExportOptions::for_document(&doc).with_profile(profile),
            ))
        })
        .await
}

/// Exports the window's document. Progress goes to the window as [`PROGRESS_EVENT`]; the export
/// stops at the next file when [`cancel_export`] is called, and nothing is left behind.
/// `None` when the user cancelled the save dialog.
#[tauri::command]
pub async fn export_document(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Option<ExportOutcome>, CommandError> {
    let title = state.with_document(window.label(), |doc| Ok(doc.curriculum.title.clone())).await?;
    let dest = match request.destination {
        Some(d) => PathBuf::from(d),
        None => {
            let ext = request.format.extension();
            let picked = app
                .dialog()
                .file()
                .set_title("Export")
                .set_directory(&state.documents_dir)
                .set_file_name(format!("{}.{ext}", fresh_stem(&title)))
                .add_filter(request.format.label(), &[ext])
                .set_parent(&window)
                .blocking_save_file();
            match picked.and_then(|p| p.into_path().ok()) {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let cancel = state.cancel_export.clone();
    cancel.store(false, Ordering::SeqCst);
    let path = dest.display().to_string();
    let progress_window = window.clone();
    let report = state
        .with_document(window.label(), move |doc| {
            let mut options = ExportOptions::for_document(doc).with_profile(request.profile);
            options.strict = request.strict;
            let mut out = Cancellable { inner: trellis::export::package::writer_for_path(&dest)?, cancel };
            trellis::export::export_document(doc, request.format, &options, &mut out, &mut |p| {
                let _ = progress_window.emit(PROGRESS_EVENT, p);
            })
        })
        .await?;
    Ok(Some(ExportOutcome { path, report }))
}

/// Asks the running export to stop.
#[tauri::command]
pub fn cancel_export(state: State<'_, AppState>) {
    state.cancel_export.store(true, Ordering::SeqCst);
}

/// Opens the folder holding `path` in the system file manager.
#[tauri::command]
pub fn show_in_folder(path: String) -> Result<(), CommandError> {
    let dir = Path::new(&path).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&dir)
        .spawn()
        .map(|_| ())
        .map_err(|e| CommandError::from(trellis::Error::io(&dir, e)))
}

/// A package writer that fails at the next file once cancellation was asked for; the real
/// writer then removes its staging files, so a cancelled export leaves nothing behind.
struct Cancellable {
    inner: Box<dyn PackageWriter>,
    cancel: Arc<AtomicBool>,
}

impl PackageWriter for Cancellable {
    fn add(&mut self, path: &str, bytes: &[u8]) -> trellis::Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(trellis::Error::Refused("the export was cancelled; nothing was written".into()));
        }
        self.inner.add(path, bytes)
    }

    fn finish(&mut self) -> trellis::Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(trellis::Error::Refused("the export was cancelled; nothing was written".into()));
        }
        self.inner.finish()
    }
}
