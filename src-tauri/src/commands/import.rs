//! Importing a standards framework (CASE JSON or an outcomes CSV) into the open document, as one
//! undoable edit, and a Common Cartridge course as a new document: adapters over
//! `trellis::workflow::import` (the functions `trellis import` uses). The merged document
//! replaces the old one in one store transaction; a cartridge becomes a new `.trellis` file in
//! the documents folder only once it has parsed and validated.
//!
//! The cartridge import reports its stages to the window as [`PROGRESS_EVENT`] and stops at the
//! next stage or resource when [`cancel_import`] is called, with nothing created (error code
//! `cancelled`). Writing the new document is the point of no return: a cancel that arrives
//! during it is too late, and the import finishes.

use serde::Serialize;
use tauri::{AppHandle, State, Window};
use trellis::Finding;
use trellis::store::EditOp;
use trellis::task::Task;
use trellis::workflow::import::{FrameworkFormat, cartridge_document, merge_framework_file};

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::{AppState, blocking};

/// Event carrying `trellis::task::Progress` to the window importing a cartridge.
pub const PROGRESS_EVENT: &str = "import-progress";

/// What an import did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// The document after the import.
    pub state: DocumentState,
    /// What changed, in sentences ("Framework … created: 12 items").
    pub summary: String,
    /// What the parser could not carry over.
    pub findings: Vec<Finding>,
}

/// Imports a framework file into the window's document; without a path, asks with the native
/// dialog (`None` when the user cancels). `.csv` is read as an outcomes CSV, anything else as
/// CASE JSON.
#[tauri::command]
pub async fn import_framework(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<ImportOutcome>, CommandError> {
    let Some(source) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::ImportFramework,
        path,
        "Import a standards framework",
        "CASE JSON or outcomes CSV",
        &["json", "csv"],
    )?
    else {
        return Ok(None);
    };
    let merged = state
        .with_document(window.label(), move |doc| {
            merge_framework_file(doc, &source, FrameworkFormat::for_path(&source))
        })
        .await?;
    if merged.changed {
        let document = Box::new(merged.document);
        state
            .with_store(window.label(), move |store| store.apply(EditOp::ReplaceDocument { document }))
            .await?;
    }
    let open = state.document_state(window.label()).await?;
    Ok(Some(ImportOutcome { state: open, summary: merged.summary, findings: merged.findings }))
}

/// Imports an IMS Common Cartridge (`.imscc`/`.zip`, e.g. a Canvas or Moodle course export) as a
/// new document in the documents folder and opens it in this window; without a path, asks with
/// the native dialog (`None` when the user cancels). The outcome's findings say what could not
/// be carried over. A package that cannot be read (not a zip, no manifest, an entry that climbs
/// out of the package) is refused with an error naming the file, and nothing is created.
/// Progress goes to the window as [`PROGRESS_EVENT`]; [`cancel_import`] stops it.
#[tauri::command]
pub async fn import_cartridge(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<ImportOutcome>, CommandError> {
    let Some(source) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::ImportCartridge,
        path,
        "Import a Common Cartridge",
        "IMS Common Cartridge",
        &["imscc", "zip"],
    )?
    else {
        return Ok(None);
    };
    let dir = state.documents_dir.clone();
    let cancel = state.cancel_import.start(window.label());
    let progress = super::progress_to(&window, PROGRESS_EVENT);
    let made =
        blocking(move || cartridge_document(&source, &dir, &Task::new("the import", &progress, &cancel)))
            .await?;
    let open = super::documents::attach_and_read(&window, &state, made.store).await?;
    Ok(Some(ImportOutcome { state: open, summary: made.summary, findings: made.findings }))
}

/// Asks the running cartridge import to stop.
#[tauri::command]
pub fn cancel_import(window: Window, state: State<'_, AppState>) {
    state.cancel_import.cancel(window.label());
}
