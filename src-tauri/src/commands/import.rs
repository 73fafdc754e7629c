//! Importing a standards framework (CASE JSON or an outcomes CSV) into the open document, as one
//! undoable edit, and a Common Cartridge course as a new document. Parsing and merging are
//! `trellis::import`'s, the same functions `trellis import` uses; the merged document replaces
//! the old one in one store transaction, and a cartridge becomes a new `.trellis` file in the
//! documents folder only once it has parsed and validated.
//!
//! The cartridge import reports its stages to the window as [`PROGRESS_EVENT`] (the export's
//! `trellis::export::Progress`: reading the package, converting its resources one by one,
//! writing the new document) and stops at the next stage or resource when [`cancel_import`]
//! is called, with nothing created. Writing the new document is the point of no return: a
//! cancel that arrives during it is too late, and the import finishes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tauri::{AppHandle, Emitter, State, Window};
use trellis::Finding;
use trellis::export::Progress;
use trellis::store::{EditOp, Store};

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::{AppState, blocking, fresh_path};

/// Event carrying `trellis::export::Progress` to the window importing a cartridge.
pub const PROGRESS_EVENT: &str = "import-progress";

/// The message of a cancelled import's error.
pub const CANCELLED: &str = "the import was cancelled; nothing was created";

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
    let progress_window = window.clone();
    let (store, summary, findings) = blocking(move || {
        let progress = |p: Progress| {
            let _ = progress_window.emit_to(progress_window.label(), PROGRESS_EVENT, p);
        };
        cartridge_document_with(&source, &dir, &progress, &cancel)
    })
    .await?;
    let open = super::documents::attach_and_read(&window, &state, store).await?;
    Ok(Some(ImportOutcome { state: open, summary, findings }))
}

/// Asks the running cartridge import to stop.
#[tauri::command]
pub fn cancel_import(window: Window, state: State<'_, AppState>) {
    state.cancel_import.cancel(window.label());
}

/// Parses the cartridge at `source` and creates a new document holding its course in
/// `documents_dir` (named after the course, never over an existing file). Returns the open
/// store, a one-sentence summary and the importer's findings. Nothing is written unless the
/// course parsed and validated; the document is created through a temporary file.
pub fn cartridge_document(
    source: &Path,
    documents_dir: &Path,
) -> trellis::Result<(Store, String, Vec<Finding>)> {
    cartridge_document_with(source, documents_dir, &|_| {}, &AtomicBool::new(false))
}

/// [`cartridge_document`] reporting its stages to `progress` — "Reading <file>", "Converting
/// N items" (once per converted resource, `done` counting them), "Writing the new document" —
/// and checking `cancel` before each stage and each resource. A cancelled import is refused
/// with [`CANCELLED`] and creates nothing (not even the documents folder).
pub fn cartridge_document_with(
    source: &Path,
    documents_dir: &Path,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> trellis::Result<(Store, String, Vec<Finding>)> {
    let check = || {
        if cancel.load(Ordering::SeqCst) { Err(trellis::Error::Refused(CANCELLED.into())) } else { Ok(()) }
    };
    let file_name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    check()?;
    progress(Progress { done: 0, total: 2, message: format!("Reading {file_name}") });
    let package = trellis::import::safety::Package::open(source)?;
    let items = std::cell::Cell::new(0u64);
    let import = trellis::import::common_cartridge::parse_package_with(&package, &|done, total| {
        check()?;
        let (done, total) = (done as u64, total as u64);
        items.set(total);
        progress(Progress { done: 1 + done, total: total + 2, message: format!("Converting {total} items") });
        Ok(())
    })?;
    drop(package);
    let summary = import.summary();
    let doc = import.document;
    doc.validate().map_err(|problems| trellis::Error::Invalid {
        source_name: source.display().to_string(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })?;
    check()?;
    let items = items.get();
    progress(Progress { done: items + 1, total: items + 2, message: "Writing the new document".into() });
    std::fs::create_dir_all(documents_dir).map_err(|e| trellis::Error::io(documents_dir, e))?;
    let path = fresh_path(documents_dir, &doc.curriculum.title);
    let store = Store::create(&path, &doc).inspect_err(|e| {
        // Store::create stages through a temporary file; only when opening the finished file
        // failed is it left in place, and then it is ours to remove (never a file that existed).
        if !matches!(e, trellis::Error::Exists { .. }) {
            let _ = std::fs::remove_file(&path);
        }
    })?;
    Ok((store, summary, import.findings))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use trellis::export::{ExportFormat, ExportOptions};

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The bundled example exported by the library's own Common Cartridge 1.3 writer.
    fn cartridge(dir: &Path) -> (trellis::model::Document, std::path::PathBuf) {
        let doc = crate::examples::document("intro-statistics").unwrap();
        let path = dir.join("intro-statistics.imscc");
        let mut out = trellis::export::package::writer_for_path(&path).unwrap();
        let options = ExportOptions::new(trellis::model::Timestamp("2026-11-28T10:00:00Z".into()));
        trellis::export::export_document(&doc, ExportFormat::Cc13, &options, out.as_mut(), &mut |_| {})
            .unwrap();
        (doc, path)
    }

    #[test]
    fn a_cartridge_becomes_a_new_document_named_after_its_course() {
        let scratch = tempfile::tempdir().unwrap();
        let (original, source) = cartridge(scratch.path());
        let documents = scratch.path().join("documents");
        let (store, summary, _findings) = cartridge_document(&source, &documents).unwrap();
        let title = &original.curriculum.title;
        assert_eq!(store.path(), documents.join(format!("{title}.trellis")));
        let imported = store.load().unwrap();
        for unit in original.nodes.iter().filter(|n| n.kind == "unit") {
            assert!(
                imported.nodes.iter().any(|n| n.title == unit.title),
                "unit {} is in the outline",
                unit.title
            );
        }
        let modules = imported.nodes.iter().filter(|n| n.kind == "module").count();
        assert!(modules > 0);
        assert!(
            summary.starts_with(&format!("Course “{}”: {modules} modules", imported.curriculum.title)),
            "{summary}"
        );

        // A second import of the same course never overwrites the first.
        drop(store);
        let (again, _, _) = cartridge_document(&source, &documents).unwrap();
        assert_eq!(again.path(), documents.join(format!("{title} 2.trellis")));
    }

    #[test]
    fn the_stages_of_an_import_are_reported_in_order() {
        let scratch = tempfile::tempdir().unwrap();
        let (_, source) = cartridge(scratch.path());
        let documents = scratch.path().join("documents");
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push(p);
        cartridge_document_with(&source, &documents, &progress, &AtomicBool::new(false)).unwrap();
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen[0].message, "Reading intro-statistics.imscc");
        let converting: Vec<&Progress> =
            seen.iter().filter(|p| p.message.starts_with("Converting")).collect();
        let n = converting[0].total - 2;
        assert!(n > 10, "the example's cartridge has many resources ({n})");
        assert_eq!(converting[0].message, format!("Converting {n} items"));
        assert!(converting.len() > 10, "one event per converted resource, not just one");
        assert!(converting.windows(2).all(|w| w[0].done < w[1].done), "done counts up");
        let last = seen.last().unwrap();
        assert_eq!(
            (last.message.as_str(), last.done, last.total),
            ("Writing the new document", n + 1, n + 2)
        );
        assert!(seen.iter().all(|p| p.done <= p.total));
    }

    #[test]
    fn a_cancelled_import_creates_nothing() {
        let scratch = tempfile::tempdir().unwrap();
        let (_, source) = cartridge(scratch.path());
        let documents = scratch.path().join("documents");
        // Cancelled before it starts, while reading, after a few resources, before writing.
        let cancel_at: [&dyn Fn(&Progress) -> bool; 4] = [
            &|_| false,
            &|p| p.message.starts_with("Reading"),
            &|p| p.message.starts_with("Converting") && p.done == 4,
            &|p| p.message.starts_with("Converting") && p.done + 2 == p.total,
        ];
        for (i, when) in cancel_at.iter().enumerate() {
            let cancel = AtomicBool::new(i == 0);
            let last = std::sync::Mutex::new(String::new());
            let progress = |p: Progress| {
                if when(&p) {
                    cancel.store(true, Ordering::SeqCst);
                }
                *last.lock().unwrap() = p.message;
            };
            let err = CommandError::from(
                cartridge_document_with(&source, &documents, &progress, &cancel).err().unwrap(),
            );
            assert_eq!(err.code, trellis::ErrorCode::Validation);
            assert_eq!(err.message, CANCELLED, "case {i}");
            assert!(!documents.exists(), "case {i}: not even the documents folder is created");
            assert!(!last.lock().unwrap().starts_with("Writing"), "case {i}");
        }
        // The same cartridge imports when nobody cancels.
        cartridge_document_with(&source, &documents, &|_| {}, &AtomicBool::new(false)).unwrap();
        assert_eq!(entries(&documents).len(), 1);
    }

    #[test]
    fn a_file_that_is_not_a_zip_is_refused_by_name_and_creates_nothing() {
        let scratch = tempfile::tempdir().unwrap();
        let source = scratch.path().join("course.imscc");
        std::fs::write(&source, b"this is not a zip archive at all").unwrap();
        let documents = scratch.path().join("documents");
        let err = CommandError::from(cartridge_document(&source, &documents).err().unwrap());
        assert!(err.message.contains(&source.display().to_string()), "{}", err.message);
        assert!(!documents.exists(), "the documents folder is not even created");
    }

    #[test]
    fn a_zip_without_a_manifest_is_not_a_cartridge() {
        let scratch = tempfile::tempdir().unwrap();
        let source = scratch.path().join("notes.zip");
        let bytes =
            trellis::export::package::zip_bytes([("notes/week1.html", b"<p>hi</p>".as_slice())]).unwrap();
        std::fs::write(&source, bytes).unwrap();
        let documents = scratch.path().join("documents");
        std::fs::create_dir_all(&documents).unwrap();
        let err = CommandError::from(cartridge_document(&source, &documents).err().unwrap());
        assert!(err.message.contains("notes.zip"), "{}", err.message);
        assert!(err.message.contains("imsmanifest.xml"), "{}", err.message);
        assert!(entries(&documents).is_empty());
    }

    #[test]
    fn an_entry_climbing_out_of_the_package_is_refused_and_nothing_is_created() {
        let scratch = tempfile::tempdir().unwrap();
        // The example's cartridge plus one extra entry, renamed to `../` in the raw bytes (local
        // header and central directory): a zip slip the library's writer would never make.
        let doc = crate::examples::document("intro-statistics").unwrap();
        let mut package = trellis::export::package::MemWriter::new();
        let options = ExportOptions::new(trellis::model::Timestamp("2026-11-28T10:00:00Z".into()));
        trellis::export::export_document(&doc, ExportFormat::Cc13, &options, &mut package, &mut |_| {})
            .unwrap();
        let mut files: Vec<(&str, &[u8])> =
            package.paths().iter().map(|p| (p.as_str(), package.get(p).unwrap_or_default())).collect();
        files.push(("xx/evil.html", b"<p>outside</p>"));
        let mut bytes = trellis::export::package::zip_bytes(files).unwrap();
        let needle = b"xx/evil.html";
        let at: Vec<usize> =
            bytes.windows(needle.len()).enumerate().filter(|(_, w)| w == needle).map(|(i, _)| i).collect();
        assert_eq!(at.len(), 2, "the name is in the local header and the central directory");
        for i in at {
            bytes[i..i + 3].copy_from_slice(b"../");
        }
        let source = scratch.path().join("slip.imscc");
        std::fs::write(&source, bytes).unwrap();
        let documents = scratch.path().join("documents");
        let err = CommandError::from(cartridge_document(&source, &documents).err().unwrap());
        assert!(err.message.contains("slip.imscc"), "{}", err.message);
        assert!(err.message.contains("../evil.html"), "{}", err.message);
        assert!(!documents.exists());
    }
}
