//! Importing a standards framework (CASE JSON or an outcomes CSV) into the open document, as one
//! undoable edit, and a Common Cartridge course as a new document. Parsing and merging are
//! `trellis::import`'s, the same functions `trellis import` uses; the merged document replaces
//! the old one in one store transaction, and a cartridge becomes a new `.trellis` file in the
//! documents folder only once it has parsed and validated.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::Finding;
use trellis::store::{EditOp, Store};

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::state::{AppState, blocking, fresh_path};

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

/// Imports an IMS Common Cartridge (`.imscc`/`.zip`, e.g. a Canvas or Moodle course export) as a
/// new document in the documents folder and opens it in this window; without a path, asks with
/// the native dialog (`None` when the user cancels). The outcome's findings say what could not
/// be carried over. A package that cannot be read (not a zip, no manifest, an entry that climbs
/// out of the package) is refused with an error naming the file, and nothing is created.
#[tauri::command]
pub async fn import_cartridge(
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
                .set_title("Import a Common Cartridge")
                .add_filter("IMS Common Cartridge", &["imscc", "zip"])
                .set_parent(&window)
                .blocking_pick_file();
            match picked.and_then(|p| p.into_path().ok()) {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let dir = state.documents_dir.clone();
    let (store, summary, findings) = blocking(move || cartridge_document(&source, &dir)).await?;
    let open = super::documents::attach_and_read(&window, &state, store).await?;
    Ok(Some(ImportOutcome { state: open, summary, findings }))
}

/// Parses the cartridge at `source` and creates a new document holding its course in
/// `documents_dir` (named after the course, never over an existing file). Returns the open
/// store, a one-sentence summary and the importer's findings. Nothing is written unless the
/// course parsed and validated; the document is created through a temporary file.
pub fn cartridge_document(
    source: &Path,
    documents_dir: &Path,
) -> trellis::Result<(Store, String, Vec<Finding>)> {
    let import = trellis::import::common_cartridge::parse_path(source)?;
    let doc = import.document;
    doc.validate().map_err(|problems| trellis::Error::Invalid {
        source_name: source.display().to_string(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })?;
    let summary = cartridge_summary(&doc, &import.findings);
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

/// What the import brought over, in the words `trellis import --from cc` prints.
fn cartridge_summary(d: &trellis::model::Document, findings: &[Finding]) -> String {
    let count = |kind: &str| d.nodes.iter().filter(|n| n.kind == kind).count();
    let not_imported = findings.iter().filter(|f| f.severity >= trellis::Severity::Warning).count();
    format!(
        "Course “{}”: {} modules, {} lessons, {} activities, {} assessments ({} quiz items), {} rubrics, {} objectives, {} files; {} item(s) not imported as such.",
        d.curriculum.title,
        count("module"),
        count("lesson"),
        d.activities.len(),
        d.assessments.len(),
        d.assessments.iter().map(|a| a.items.len()).sum::<usize>(),
        d.rubrics.len(),
        d.objectives.len(),
        d.assets.len(),
        not_imported,
    )
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
    fn cartridge(dir: &Path) -> (trellis::model::Document, PathBuf) {
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
