//! The committee review packet from the app: an adapter over
//! `trellis::workflow::packet::write_packet` (what `trellis report` uses), which renders the
//! packet, optionally with the changes since one of the document's snapshots, writes it so that
//! it is never half-written, and optionally prints a PDF beside it. This file asks where with
//! the save dialog, checks the destination's grant, relays progress as [`PROGRESS_EVENT`] and
//! the cancel flag ([`cancel_report`]), and converts the answer. "Show in folder" is the export
//! dialog's command.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, Window};
use trellis::model::Timestamp;
use trellis::task::{Progress, Task};
use trellis::workflow::packet::{PacketRequest, Since, write_packet};

pub use trellis::workflow::packet::PrintPdf;

use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::AppState;

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

/// Event carrying `trellis::task::Progress` to the window that asked for the packet.
pub const PROGRESS_EVENT: &str = "report-progress";

/// Writes the review packet of the window's document; without a destination, asks where with
/// the native save dialog (`None` when the user cancels). The packet is written off the UI
/// thread, with progress as [`PROGRESS_EVENT`]; [`cancel_report`] stops it with nothing
/// written (error code `cancelled`). When the PDF cannot be made (no Chromium installed, a
/// printing failure) the error says why and where the HTML packet was written. A destination
/// from the UI must have been granted to the window for packets ([`crate::grants`]); the one
/// picked in the save dialog is.
#[tauri::command]
pub async fn write_review_packet(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    request: ReviewPacketRequest,
) -> Result<Option<ReviewPacketOutcome>, CommandError> {
    let Some(html) = super::destination_or_pick(
        &app,
        &window,
        &state,
        Purpose::Packet,
        request.destination.clone(),
        trellis::workflow::save::review_packet,
    )
    .await?
    else {
        return Ok(None);
    };
    let print: Option<PrintPdf> = request.pdf.then_some(trellis::analysis::pdf::print_pdf_cancellable);
    let progress = super::progress_to(&window, PROGRESS_EVENT);
    packet_to(&state, window.label(), request.since, html, print, progress).await.map(Some)
}

/// Writes the review packet of `window`'s document to `html` (with the changes since the
/// snapshot `since`, by id or name; printed to the `.pdf` beside it with `print`), which the
/// window must be allowed to write a packet to ([`Purpose::Packet`]): otherwise it is refused
/// before anything is written. The files written are granted to the window for "show in
/// folder" — the HTML also when the PDF failed.
pub async fn packet_to(
    state: &AppState,
    window: &str,
    since: Option<String>,
    html: PathBuf,
    print: Option<PrintPdf>,
    progress: impl Fn(Progress) + Send + 'static,
) -> Result<ReviewPacketOutcome, CommandError> {
    let html = state.check_path(window, Purpose::Packet, &html)?;
    let request = PacketRequest {
        since: since.map(Since::Snapshot),
        generated_at: Timestamp::now().to_string(),
        pdf: print.map(|print| (html.with_extension("pdf"), print)),
    };
    let cancel = state.cancel_report.start(window);
    let outcome = state
        .with_document(window, move |doc| {
            let task = Task::new("the review packet", &progress, &cancel);
            write_packet(doc, &super::pedagogy::catalog(), &html, request, &task)
        })
        .await?;
    for path in std::iter::once(&outcome.html).chain(&outcome.pdf) {
        state.grants.grant(window, Purpose::Reveal, path);
    }
    if let Some(e) = outcome.pdf_error {
        return Err(CommandError {
            code: e.code(),
            message: format!(
                "The review packet was written to {}, but no PDF was made: {e}",
                outcome.html.display()
            ),
        });
    }
    Ok(ReviewPacketOutcome {
        html_path: outcome.html.display().to_string(),
        pdf_path: outcome.pdf.map(|p| p.display().to_string()),
    })
}

/// Asks the running review packet to stop.
#[tauri::command]
pub fn cancel_report(window: Window, state: State<'_, AppState>) {
    state.cancel_report.cancel(window.label());
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::AtomicBool;

    use super::*;
    use trellis::store::Store;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn fake_print(html: &Path, out: &Path, _: &AtomicBool) -> trellis::Result<()> {
        let source = std::fs::read_to_string(html).map_err(|e| trellis::Error::io(html, e))?;
        std::fs::write(out, format!("%PDF-1.7 {} bytes of HTML", source.len()))
            .map_err(|e| trellis::Error::io(out, e))
    }

    fn no_browser(_: &Path, _: &Path, _: &AtomicBool) -> trellis::Result<()> {
        Err(trellis::Error::Refused("no headless browser found to print the PDF".into()))
    }

    /// The example open in window `main`, and an empty `out` folder for packets.
    fn state_with_example(dir: &Path) -> (AppState, PathBuf) {
        let state = AppState::new(dir, dir.join("documents"));
        let doc = crate::examples::document("intro-statistics").unwrap();
        state.attach("main", Store::create(&dir.join("c.trellis"), &doc).unwrap()).unwrap();
        let out = dir.join("out");
        std::fs::create_dir(&out).unwrap();
        (state, out)
    }

    /// `out/packet.html`, granted to `main` for packets as the save dialog does.
    fn granted_packet(state: &AppState, out: &Path) -> PathBuf {
        let html = out.join("packet.html");
        state.grants.grant("main", Purpose::Packet, &html);
        html
    }

    /// A forged packet destination (not chosen in the save dialog) is refused before anything
    /// is rendered: an older file there stays as it was and nothing appears beside it.
    #[test]
    fn a_forged_packet_destination_is_refused_and_the_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let (state, out) = state_with_example(dir.path());
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

    /// Without a browser the command fails with the printing error's code, naming the HTML file
    /// that was written, which may then be shown in its folder.
    #[test]
    fn a_failed_pdf_names_the_written_packet_which_can_be_shown() {
        let dir = tempfile::tempdir().unwrap();
        let (state, out) = state_with_example(dir.path());
        let html = granted_packet(&state, &out);
        tauri::async_runtime::block_on(async {
            let err =
                packet_to(&state, "main", None, html.clone(), Some(no_browser), |_| {}).await.unwrap_err();
            assert_eq!(err.code, trellis::ErrorCode::Validation);
            assert!(err.message.contains("no headless browser found"), "{}", err.message);
            assert!(err.message.contains(&html.display().to_string()), "{}", err.message);
            assert!(state.grants.allows("main", Purpose::Reveal, &html, &[]));
        });
    }

    /// A packet cancelled before it starts answers with the `cancelled` code (what the UI
    /// branches on) and writes nothing.
    #[test]
    fn a_cancelled_packet_answers_with_the_cancelled_code() {
        let dir = tempfile::tempdir().unwrap();
        let (state, out) = state_with_example(dir.path());
        let html = granted_packet(&state, &out);
        // Cancel as soon as the first stage is reported.
        let flag = state.cancel_report.start("main");
        let progress = move |_: Progress| flag.store(true, std::sync::atomic::Ordering::SeqCst);
        tauri::async_runtime::block_on(async {
            let err = packet_to(&state, "main", None, html.clone(), None, progress).await.unwrap_err();
            assert_eq!(err.code, trellis::ErrorCode::Cancelled);
            assert_eq!(err.message, "the review packet was cancelled; nothing was written");
        });
        assert!(names(&out).is_empty());
    }
}
