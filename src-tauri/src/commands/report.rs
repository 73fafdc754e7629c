//! The committee review packet from the app: one self-contained HTML file rendered by
//! `trellis::analysis::report::render` (the function `trellis report` uses), optionally with
//! the changes since one of the document's snapshots, and optionally printed to PDF beside it
//! by an installed headless Chromium (`trellis::analysis::pdf`). This file picks the
//! destination and writes the files so that neither is ever left half-written; it renders
//! nothing itself. "Show in folder" is the export dialog's command.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::analysis::report::{ReportOptions, render};
use trellis::model::{Document, Timestamp};

use crate::error::CommandError;
use crate::state::{AppState, fresh_stem};

/// What the review-packet dialog asks for.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewPacketRequest {
    /// Add a "changes since" section comparing with this snapshot of the document (its id or
    /// name); `None` for no such section.
    #[serde(default)]
    pub since: Option<String>,
    /// Also print the packet to PDF beside the HTML file (needs an installed Chromium).
    #[serde(default)]
    pub pdf: bool,
    /// Where to write the HTML file; `None` asks with the native save dialog.
    #[serde(default)]
    pub destination: Option<String>,
}

/// The files a review packet was written to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewPacketOutcome {
    /// The HTML packet.
    pub html_path: String,
    /// The PDF beside it, when one was asked for.
    pub pdf_path: Option<String>,
}

/// A function printing an HTML file (first path) to a PDF (second path).
pub type PrintPdf = fn(&Path, &Path) -> trellis::Result<()>;

/// Writes the review packet of the window's document; without a destination, asks where with
/// the native save dialog (`None` when the user cancels). The HTML is rendered and written off
/// the UI thread; when the PDF cannot be made (no Chromium installed, a printing failure) the
/// error says why and where the HTML packet was written.
#[tauri::command]
pub async fn write_review_packet(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    request: ReviewPacketRequest,
) -> Result<Option<ReviewPacketOutcome>, CommandError> {
    let html = match request.destination {
        Some(d) => PathBuf::from(d),
        None => {
            let title = state.with_document(window.label(), |doc| Ok(doc.curriculum.title.clone())).await?;
            let picked = app
                .dialog()
                .file()
                .set_title("Write the review packet")
                .set_directory(&state.documents_dir)
                .set_file_name(default_file_name(&title))
                .add_filter("Web page", &["html", "htm"])
                .set_parent(&window)
                .blocking_save_file();
            match picked.and_then(|p| p.into_path().ok()) {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let generated_at = Timestamp::now().to_string();
    let since = request.since;
    let print: Option<PrintPdf> = request.pdf.then_some(trellis::analysis::pdf::print_pdf);
    state
        .with_document(window.label(), move |doc| {
            Ok(write_packet(doc, since.as_deref(), &html, generated_at, print))
        })
        .await?
        .map(Some)
}

/// The file name the save dialog proposes: `<title> review packet.html`.
pub fn default_file_name(title: &str) -> String {
    format!("{} review packet.html", fresh_stem(title))
}

/// Renders the packet of `doc` (with the changes since the snapshot `since`, by id or name)
/// and writes it to `html` through a temporary name, so the file is either the whole new packet
/// or untouched. With `print`, the PDF is then printed to a temporary name beside it and
/// renamed to `html` with the `.pdf` extension; a failure leaves no PDF and an error naming the
/// HTML file that was written.
pub fn write_packet(
    doc: &Document,
    since: Option<&str>,
    html: &Path,
    generated_at: String,
    print: Option<PrintPdf>,
) -> Result<ReviewPacketOutcome, CommandError> {
    let old = match since {
        None => None,
        Some(spec) => {
            let old = trellis::analysis::diff::snapshot_document(doc, spec)?;
            let name = doc
                .snapshots
                .iter()
                .find(|s| s.id.to_string() == spec)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| spec.to_owned());
            Some((name, old))
        }
    };
    let options = ReportOptions {
        generated_at: Some(generated_at),
        since: old.as_ref().map(|(name, d)| (name.as_str(), d)),
    };
    let text = render(doc, &options);
    trellis::json::write_atomic(html, text.as_bytes())?;
    let mut outcome = ReviewPacketOutcome { html_path: html.display().to_string(), pdf_path: None };
    if let Some(print) = print {
        let pdf = html.with_extension("pdf");
        print_beside(html, &pdf, print).map_err(|e| CommandError {
            code: e.code(),
            message: format!("The review packet was written to {}, but no PDF was made: {e}", html.display()),
        })?;
        outcome.pdf_path = Some(pdf.display().to_string());
    }
    Ok(outcome)
}

/// Prints to a hidden temporary file next to `pdf`, then renames it into place.
fn print_beside(html: &Path, pdf: &Path, print: PrintPdf) -> trellis::Result<()> {
    let dir = pdf.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.printing-{}.pdf", std::process::id()));
    let result =
        print(html, &tmp).and_then(|()| std::fs::rename(&tmp, pdf).map_err(|e| trellis::Error::io(pdf, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use trellis::store::{EditOp, Store};

    fn example() -> Document {
        crate::examples::document("intro-statistics").unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn no_browser(_: &Path, _: &Path) -> trellis::Result<()> {
        Err(trellis::Error::Refused(
            "no headless browser found to print the PDF (looked for chromium on PATH and TRELLIS_CHROMIUM)"
                .into(),
        ))
    }

    fn half_then_fail(_: &Path, out: &Path) -> trellis::Result<()> {
        std::fs::write(out, b"%PDF-1.7 trunc").unwrap();
        Err(trellis::Error::Internal("chromium could not print (exit status: 1)".into()))
    }

    fn fake_print(html: &Path, out: &Path) -> trellis::Result<()> {
        let source = std::fs::read_to_string(html).map_err(|e| trellis::Error::io(html, e))?;
        std::fs::write(out, format!("%PDF-1.7 {} bytes of HTML", source.len()))
            .map_err(|e| trellis::Error::io(out, e))
    }

    #[test]
    fn the_packet_is_one_whole_file_naming_the_curriculum() {
        let dir = tempfile::tempdir().unwrap();
        let doc = example();
        let html = dir.path().join("packet.html");
        std::fs::write(&html, "an older packet").unwrap();
        let outcome = write_packet(&doc, None, &html, "2026-11-28T10:00:00Z".into(), None).unwrap();
        assert_eq!(outcome, ReviewPacketOutcome { html_path: html.display().to_string(), pdf_path: None });
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>"), "{}", &text[..40]);
        assert!(text.contains(&doc.curriculum.title));
        assert!(text.contains("Generated 2026-11-28T10:00:00Z"));
        assert!(text.trim_end().ends_with("</html>"));
        assert!(!text.contains("Changes since"));
        assert_eq!(names(dir.path()), ["packet.html"], "no temporary file is left beside it");
    }

    #[test]
    fn changes_since_a_snapshot_chosen_by_id_are_in_the_packet_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("c.trellis"), &example()).unwrap();
        store.apply(EditOp::TakeSnapshot { name: "Submitted to committee".into() }).unwrap();
        let mut curriculum = store.load().unwrap().curriculum;
        curriculum.title = "Statistics for the sciences".into();
        store.apply(EditOp::UpdateCurriculum { curriculum }).unwrap();
        let doc = store.load().unwrap();
        let id = doc.snapshots[0].id.to_string();
        let html = dir.path().join("packet.html");
        write_packet(&doc, Some(&id), &html, "now".into(), None).unwrap();
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(
            text.contains("Changes since “Submitted to committee”"),
            "the section is named by the snapshot"
        );
        assert!(text.contains("Statistics for the sciences"));
    }

    #[test]
    fn an_unknown_snapshot_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let err = write_packet(&example(), Some("Draft 9"), &html, "now".into(), None).unwrap_err();
        assert_eq!(err.code, trellis::ErrorCode::NotFound);
        assert!(err.message.contains("Draft 9"), "{}", err.message);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn an_unwritable_destination_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("missing folder").join("packet.html");
        let err = write_packet(&example(), None, &html, "now".into(), None).unwrap_err();
        assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn without_a_browser_the_html_is_kept_and_the_error_says_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let err = write_packet(&example(), None, &html, "now".into(), Some(no_browser)).unwrap_err();
        assert!(err.message.contains("no headless browser found"), "{}", err.message);
        assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
        assert_eq!(names(dir.path()), ["packet.html"]);
    }

    #[test]
    fn a_failed_print_leaves_no_partial_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let err = write_packet(&example(), None, &html, "now".into(), Some(half_then_fail)).unwrap_err();
        assert_eq!(err.code, trellis::ErrorCode::Internal);
        assert_eq!(names(dir.path()), ["packet.html"]);
    }

    #[test]
    fn the_pdf_lands_beside_the_packet_under_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("Statistics review packet.html");
        let outcome = write_packet(&example(), None, &html, "now".into(), Some(fake_print)).unwrap();
        let pdf = dir.path().join("Statistics review packet.pdf");
        assert_eq!(outcome.pdf_path, Some(pdf.display().to_string()));
        assert!(std::fs::read_to_string(&pdf).unwrap().starts_with("%PDF"));
        assert_eq!(names(dir.path()), ["Statistics review packet.html", "Statistics review packet.pdf"]);
    }

    #[test]
    fn the_proposed_name_follows_the_title_without_path_separators() {
        assert_eq!(default_file_name("Stats / Probability"), "Stats - Probability review packet.html");
    }
}
