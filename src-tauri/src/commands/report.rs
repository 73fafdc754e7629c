//! The committee review packet from the app: one self-contained HTML file rendered by
//! `trellis::analysis::report::render` (the function `trellis report` uses), optionally with
//! the changes since one of the document's snapshots, and optionally printed to PDF beside it
//! by an installed headless Chromium (`trellis::analysis::pdf`). This file picks the
//! destination and writes the files so that neither is ever left half-written; it renders
//! nothing itself. "Show in folder" is the export dialog's command.
//!
//! The work reports its stages to the window as [`PROGRESS_EVENT`] (the export's
//! `trellis::export::Progress`) and stops at the next stage when [`cancel_report`] is called;
//! while the PDF prints, cancelling kills the browser at once. A cancelled packet writes
//! nothing: both files stay under temporary names until the PDF is printed (or the packet has
//! none), so a cancel — even during printing — removes only the temporaries and leaves any
//! packet written earlier at that path untouched.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::analysis::report::{ReportOptions, render};
use trellis::export::Progress;
use trellis::model::{Document, Timestamp};

use crate::error::CommandError;
use crate::grants::Purpose;
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
    /// Where to write the HTML file; `None` asks with the native save dialog. A path is accepted
    /// only when the window was granted it for packets (`src-tauri/src/grants.rs`).
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

/// Event carrying `trellis::export::Progress` to the window that asked for the packet.
pub const PROGRESS_EVENT: &str = "report-progress";

/// The message of a cancelled packet's error.
pub const CANCELLED: &str = "the review packet was cancelled; nothing was written";

/// A function printing an HTML file (first path) to a PDF (second path) that stops, leaving no
/// PDF, when the flag is set (`trellis::analysis::pdf::print_pdf_cancellable`).
pub type PrintPdf = fn(&Path, &Path, &AtomicBool) -> trellis::Result<()>;

/// Writes the review packet of the window's document; without a destination, asks where with
/// the native save dialog (`None` when the user cancels). The HTML is rendered and written off
/// the UI thread, with progress as [`PROGRESS_EVENT`]; [`cancel_report`] stops it with nothing
/// written. When the PDF cannot be made (no Chromium installed, a printing failure) the error
/// says why and where the HTML packet was written. A destination from the UI must have been
/// granted to the window for packets ([`crate::grants`]); the one picked in the save dialog is.
#[tauri::command]
pub async fn write_review_packet(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    request: ReviewPacketRequest,
) -> Result<Option<ReviewPacketOutcome>, CommandError> {
    let html = match request.destination.clone() {
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
                Some(p) => {
                    state.grants.grant(window.label(), Purpose::Packet, &p);
                    p
                }
                None => return Ok(None),
            }
        }
    };
    let print: Option<PrintPdf> = request.pdf.then_some(trellis::analysis::pdf::print_pdf_cancellable);
    let progress_window = window.clone();
    let progress = move |p: Progress| {
        let _ = progress_window.emit_to(progress_window.label(), PROGRESS_EVENT, p);
    };
    packet_to(&state, window.label(), request.since, html, print, progress).await.map(Some)
}

/// Writes the review packet of `window`'s document to `html` (see [`write_packet`]), which the
/// window must be allowed to write a packet to ([`Purpose::Packet`]): otherwise it is refused
/// before anything is written. The files written are granted to the window for "show in
/// folder".
pub async fn packet_to(
    state: &AppState,
    window: &str,
    since: Option<String>,
    html: PathBuf,
    print: Option<PrintPdf>,
    progress: impl Fn(Progress) + Send + 'static,
) -> Result<ReviewPacketOutcome, CommandError> {
    let html = state.check_path(window, Purpose::Packet, &html)?;
    let generated_at = Timestamp::now().to_string();
    let cancel = state.cancel_report.start(window);
    let outcome = state
        .with_document(window, move |doc| {
            Ok(write_packet(doc, since.as_deref(), &html, generated_at, print, &progress, &cancel))
        })
        .await?;
    // A failed print still put the HTML in place (the error names it).
    let written = match &outcome {
        Ok(o) => {
            std::iter::once(PathBuf::from(&o.html_path)).chain(o.pdf_path.iter().map(PathBuf::from)).collect()
        }
        Err(_) => Vec::new(),
    };
    for path in written {
        state.grants.grant(window, Purpose::Reveal, &path);
    }
    outcome
}

/// Asks the running review packet to stop.
#[tauri::command]
pub fn cancel_report(window: Window, state: State<'_, AppState>) {
    state.cancel_report.cancel(window.label());
}

/// The file name the save dialog proposes: `<title> review packet.html`.
pub fn default_file_name(title: &str) -> String {
    format!("{} review packet.html", fresh_stem(title))
}

/// Renders the packet of `doc` (with the changes since the snapshot `since`, by id or name)
/// and writes it to `html`, so that the file is either the whole new packet or untouched. With
/// `print`, the PDF is printed beside it under the same name with the `.pdf` extension.
///
/// Stages ("Checking the curriculum", "Rendering the packet", "Writing <file>", "Printing the
/// PDF") go to `progress`; `cancel` is checked before each and watched while printing. Both
/// files are written under hidden temporary names and renamed into place only once everything
/// is made, so a cancelled packet leaves no file and no temporary, and a packet written
/// earlier at `html` stays as it was. A failed print (no browser, a printing error) still
/// puts the HTML in place and leaves no PDF; the error names the HTML file.
pub fn write_packet(
    doc: &Document,
    since: Option<&str>,
    html: &Path,
    generated_at: String,
    print: Option<PrintPdf>,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<ReviewPacketOutcome, CommandError> {
    let total = if print.is_some() { 4 } else { 3 };
    let stage = |done: u64, message: String| -> trellis::Result<()> {
        if cancel.load(Ordering::SeqCst) {
            return Err(cancelled());
        }
        progress(Progress { done, total, message });
        Ok(())
    };
    stage(0, "Checking the curriculum".into())?;
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
    stage(1, "Rendering the packet".into())?;
    let options = ReportOptions {
        generated_at: Some(generated_at),
        since: old.as_ref().map(|(name, d)| (name.as_str(), d)),
    };
    let text = render(doc, &super::pedagogy::catalog(), &options);
    let file_name = html.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    stage(2, format!("Writing {file_name}"))?;
    let staged_html = staging_path(html, "writing", "html");
    write_file(&staged_html, text.as_bytes()).map_err(|e| {
        let _ = std::fs::remove_file(&staged_html);
        trellis::Error::io(html, e)
    })?;
    let mut outcome = ReviewPacketOutcome { html_path: html.display().to_string(), pdf_path: None };
    let Some(print) = print else {
        let placed = if cancel.load(Ordering::SeqCst) { Err(cancelled()) } else { place(&staged_html, html) };
        return placed.map(|()| outcome).map_err(|e| {
            let _ = std::fs::remove_file(&staged_html);
            e.into()
        });
    };
    let pdf = html.with_extension("pdf");
    let staged_pdf = staging_path(&pdf, "printing", "pdf");
    let printed = stage(3, "Printing the PDF".into()).and_then(|()| print(&staged_html, &staged_pdf, cancel));
    let cancelled_now = match &printed {
        Err(e) => trellis::analysis::pdf::is_cancelled(e) || is_cancelled(e),
        Ok(()) => cancel.load(Ordering::SeqCst),
    };
    if cancelled_now {
        let _ = std::fs::remove_file(&staged_pdf);
        let _ = std::fs::remove_file(&staged_html);
        return Err(cancelled().into());
    }
    // From here on the packet is made: the files are renamed into place.
    if let Err(e) = place(&staged_html, html) {
        let _ = std::fs::remove_file(&staged_pdf);
        let _ = std::fs::remove_file(&staged_html);
        return Err(e.into());
    }
    printed.and_then(|()| place(&staged_pdf, &pdf)).map_err(|e| {
        let _ = std::fs::remove_file(&staged_pdf);
        CommandError {
            code: e.code(),
            message: format!("The review packet was written to {}, but no PDF was made: {e}", html.display()),
        }
    })?;
    outcome.pdf_path = Some(pdf.display().to_string());
    Ok(outcome)
}

fn cancelled() -> trellis::Error {
    trellis::Error::Refused(CANCELLED.into())
}

fn is_cancelled(e: &trellis::Error) -> bool {
    matches!(e, trellis::Error::Refused(m) if m == CANCELLED)
}

/// A hidden temporary name beside `path`, ending in `.ext` (the browser reads HTML by its
/// extension).
fn staging_path(path: &Path, what: &str, ext: &str) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{name}.{what}-{}.{ext}", std::process::id()))
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn place(staged: &Path, path: &Path) -> trellis::Result<()> {
    std::fs::rename(staged, path).map_err(|e| trellis::Error::io(path, e))
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

    fn no_browser(_: &Path, _: &Path, _: &AtomicBool) -> trellis::Result<()> {
        Err(trellis::Error::Refused(
            "no headless browser found to print the PDF (looked for chromium on PATH and TRELLIS_CHROMIUM)"
                .into(),
        ))
    }

    fn half_then_fail(_: &Path, out: &Path, _: &AtomicBool) -> trellis::Result<()> {
        std::fs::write(out, b"%PDF-1.7 trunc").unwrap();
        Err(trellis::Error::Internal("chromium could not print (exit status: 1)".into()))
    }

    fn fake_print(html: &Path, out: &Path, _: &AtomicBool) -> trellis::Result<()> {
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
        let outcome = write_packet(
            &doc,
            None,
            &html,
            "2026-11-28T10:00:00Z".into(),
            None,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
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
        write_packet(&doc, Some(&id), &html, "now".into(), None, &|_| {}, &AtomicBool::new(false)).unwrap();
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
        let err = write_packet(
            &example(),
            Some("Draft 9"),
            &html,
            "now".into(),
            None,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
        assert_eq!(err.code, trellis::ErrorCode::NotFound);
        assert!(err.message.contains("Draft 9"), "{}", err.message);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn an_unwritable_destination_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("missing folder").join("packet.html");
        let err = write_packet(&example(), None, &html, "now".into(), None, &|_| {}, &AtomicBool::new(false))
            .unwrap_err();
        assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn without_a_browser_the_html_is_kept_and_the_error_says_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let err = write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(no_browser),
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
        assert!(err.message.contains("no headless browser found"), "{}", err.message);
        assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
        assert_eq!(names(dir.path()), ["packet.html"]);
    }

    #[test]
    fn a_failed_print_leaves_no_partial_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let err = write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(half_then_fail),
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
        assert_eq!(err.code, trellis::ErrorCode::Internal);
        assert_eq!(names(dir.path()), ["packet.html"]);
    }

    #[test]
    fn the_pdf_lands_beside_the_packet_under_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("Statistics review packet.html");
        let outcome = write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(fake_print),
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        let pdf = dir.path().join("Statistics review packet.pdf");
        assert_eq!(outcome.pdf_path, Some(pdf.display().to_string()));
        assert!(std::fs::read_to_string(&pdf).unwrap().starts_with("%PDF"));
        assert_eq!(names(dir.path()), ["Statistics review packet.html", "Statistics review packet.pdf"]);
    }

    /// Prints like a browser that takes long: a partial PDF at once, then waits (polling like
    /// `print_pdf_cancellable`) until cancelled or 10 s have passed.
    fn slow_print(_: &Path, out: &Path, cancel: &AtomicBool) -> trellis::Result<()> {
        std::fs::write(out, b"%PDF-1.7 partial").unwrap();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(10) {
            if cancel.load(Ordering::SeqCst) {
                let _ = std::fs::remove_file(out);
                return Err(trellis::Error::Refused(trellis::analysis::pdf::CANCELLED.into()));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Err(trellis::Error::Internal("the test was never cancelled".into()))
    }

    fn older_packet(dir: &Path) -> PathBuf {
        let html = dir.join("packet.html");
        std::fs::write(&html, "an older packet").unwrap();
        std::fs::write(dir.join("packet.pdf"), "an older PDF").unwrap();
        html
    }

    fn assert_older_packet_untouched(dir: &Path) {
        assert_eq!(names(dir), ["packet.html", "packet.pdf"], "no temporary is left beside them");
        assert_eq!(std::fs::read_to_string(dir.join("packet.html")).unwrap(), "an older packet");
        assert_eq!(std::fs::read_to_string(dir.join("packet.pdf")).unwrap(), "an older PDF");
    }

    #[test]
    fn the_stages_are_reported_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push(p);
        write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(fake_print),
            &progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        let seen = seen.into_inner().unwrap();
        let stages: Vec<(u64, u64, &str)> =
            seen.iter().map(|p| (p.done, p.total, p.message.as_str())).collect();
        assert_eq!(
            stages,
            [
                (0, 4, "Checking the curriculum"),
                (1, 4, "Rendering the packet"),
                (2, 4, "Writing packet.html"),
                (3, 4, "Printing the PDF")
            ]
        );

        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push(p.message);
        write_packet(&example(), None, &html, "now".into(), None, &progress, &AtomicBool::new(false))
            .unwrap();
        assert_eq!(
            seen.into_inner().unwrap(),
            ["Checking the curriculum", "Rendering the packet", "Writing packet.html"],
            "no printing stage without a PDF"
        );
    }

    #[test]
    fn a_packet_cancelled_before_it_starts_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let html = older_packet(dir.path());
        let seen = std::sync::Mutex::new(0);
        let progress = |_: Progress| *seen.lock().unwrap() += 1;
        let err = write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(fake_print),
            &progress,
            &AtomicBool::new(true),
        )
        .unwrap_err();
        assert_eq!(err.code, trellis::ErrorCode::Validation);
        assert_eq!(err.message, CANCELLED);
        assert_eq!(*seen.lock().unwrap(), 0, "no stage was started");
        assert_older_packet_untouched(dir.path());
    }

    #[test]
    fn a_packet_cancelled_between_stages_writes_nothing() {
        for at in ["Rendering the packet", "Writing packet.html"] {
            let dir = tempfile::tempdir().unwrap();
            let html = older_packet(dir.path());
            let cancel = AtomicBool::new(false);
            // The designer presses Cancel while this stage runs; the next check stops the work.
            let progress = |p: Progress| {
                if p.message == at {
                    cancel.store(true, Ordering::SeqCst);
                }
            };
            let err =
                write_packet(&example(), None, &html, "now".into(), None, &progress, &cancel).unwrap_err();
            assert_eq!(err.message, CANCELLED, "cancelled during {at}");
            assert_older_packet_untouched(dir.path());
        }
    }

    #[test]
    fn a_packet_cancelled_while_the_pdf_prints_leaves_the_older_packet_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let html = older_packet(dir.path());
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let progress = move |p: Progress| {
            if p.message == "Printing the PDF" {
                let _ = tx.send(());
            }
        };
        let canceller = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                rx.recv().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(100));
                cancel.store(true, Ordering::SeqCst);
            })
        };
        let started = std::time::Instant::now();
        let err = write_packet(&example(), None, &html, "now".into(), Some(slow_print), &progress, &cancel)
            .unwrap_err();
        canceller.join().unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "stopped at once");
        assert_eq!(err.code, trellis::ErrorCode::Validation);
        assert_eq!(err.message, CANCELLED);
        assert_older_packet_untouched(dir.path());

        // Without an older packet, nothing at all is left.
        let empty = tempfile::tempdir().unwrap();
        let html = empty.path().join("packet.html");
        let err = write_packet(
            &example(),
            None,
            &html,
            "now".into(),
            Some(slow_print),
            &|_| {},
            &AtomicBool::new(true),
        )
        .unwrap_err();
        assert_eq!(err.message, CANCELLED);
        assert!(names(empty.path()).is_empty());
    }

    #[test]
    fn the_proposed_name_follows_the_title_without_path_separators() {
        assert_eq!(default_file_name("Stats / Probability"), "Stats - Probability review packet.html");
    }

    /// A forged packet destination (not chosen in the save dialog) is refused before anything
    /// is rendered: an older file there stays as it was and nothing appears beside it.
    #[test]
    fn a_forged_packet_destination_is_refused_and_the_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("c.trellis"), &example()).unwrap()).unwrap();
        let html = out.join("notes.html");
        std::fs::write(&html, "my own notes").unwrap();
        tauri::async_runtime::block_on(async {
            let err =
                packet_to(&state, "main", None, html.clone(), Some(fake_print), |_| {}).await.unwrap_err();
            assert_eq!(err.code, trellis::ErrorCode::Validation);
            assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
            assert_eq!(std::fs::read_to_string(&html).unwrap(), "my own notes");
            assert_eq!(names(&out), ["notes.html"]);

            // Chosen in the dialog: written, and both files may be shown in their folder.
            state.grants.grant("main", Purpose::Packet, &html);
            let outcome =
                packet_to(&state, "main", None, html.clone(), Some(fake_print), |_| {}).await.unwrap();
            assert!(std::fs::read_to_string(&html).unwrap().starts_with("<!DOCTYPE html>"));
            let pdf = PathBuf::from(outcome.pdf_path.unwrap());
            for written in [&html, &pdf] {
                assert!(state.grants.allows("main", Purpose::Reveal, written, &[]), "{}", written.display());
            }
        });
    }
}
