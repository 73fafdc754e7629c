//! Importing a standards framework (CASE JSON or an outcomes CSV) into the open document, as one
//! undoable edit. Parsing and merging are `trellis::import`'s, the same functions `trellis import`
//! uses; the merged document replaces the old one in one store transaction.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::Finding;
use trellis::store::EditOp;

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::state::AppState;

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
    let source = match path {
        Some(p) => PathBuf::from(p),
        None => {
            let picked = app
                .dialog()
                .file()
                .set_title("Import a standards framework")
                .add_filter("CASE JSON or outcomes CSV", &["json", "csv"])
                .set_parent(&window)
                .blocking_pick_file();
            match picked.and_then(|p| p.into_path().ok()) {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let merged = state
        .with_document(window.label(), move |doc| {
            let is_csv = source.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let import = if is_csv {
                trellis::import::csv::parse_path(&source, None)?
            } else {
                trellis::import::case::parse_path(&source)?
            };
            let findings = import.findings.clone();
            let mut next = doc.clone();
            let report = trellis::import::merge_framework(&mut next, import);
            Ok((next, report.summary(), findings, report.is_empty()))
        })
        .await?;
    let (next, summary, findings, unchanged) = merged;
    if !unchanged {
        state
            .with_store(window.label(), move |store| {
                store.apply(EditOp::ReplaceDocument { document: Box::new(next) })
            })
            .await?;
    }
    Ok(Some(ImportOutcome { state: state.document_state(window.label()).await?, summary, findings }))
}
