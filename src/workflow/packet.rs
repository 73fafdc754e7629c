//! Writing the committee review packet as long work, for `trellis report` and the app alike:
//! resolving what to compare with (`--since`), rendering (`analysis::report::render`), writing
//! the HTML and, on request, printing a PDF beside it with a headless browser — so that neither
//! file is ever left half-written.
//!
//! Stages ("Checking the curriculum", "Rendering the packet", "Writing <file>", "Printing the
//! PDF") go to the [`Task`], whose cancel flag is checked before each and watched while the PDF
//! prints. Both files stay under hidden temporary names ([`Staged`]) until everything is made,
//! so a cancelled packet ([`crate::Error::Cancelled`]) leaves no file and no temporary, and a
//! packet written earlier at that path stays as it was. A failed print (no browser, a printing
//! error) still puts the HTML in place: the outcome then carries the printing error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::analysis::report::{ReportOptions, render_with_evidence};
use crate::fsutil::Staged;
use crate::model::Document;
use crate::pedagogy::templates::Catalog;
use crate::task::Task;
use crate::{Error, Result};

/// A function printing an HTML file (first path) to a PDF (second path) that stops, leaving no
/// PDF, when the flag is set (`analysis::pdf::print_pdf_cancellable`; tests pass stand-ins).
pub type PrintPdf = fn(&Path, &Path, &AtomicBool) -> Result<()>;

/// The earlier version a packet's "changes since" section compares with.
#[derive(Clone, Debug)]
pub enum Since {
    /// A snapshot stored in the document, by name or id (resolved by [`Since::resolve`]).
    Snapshot(String),
    /// A version the caller loaded (another document file), shown under `name`.
    Version {
        /// How the section names it.
        name: String,
        /// The earlier document.
        document: Box<Document>,
    },
}

impl Since {
    /// The name the section shows and the earlier document. A snapshot is found by name (exact,
    /// then ignoring case) or id and shown under its name; an unknown one is
    /// `Error::NotFound` naming it.
    pub fn resolve(self, doc: &Document) -> Result<(String, Document)> {
        match self {
            Since::Version { name, document } => Ok((name, *document)),
            Since::Snapshot(spec) => {
                let old = crate::analysis::diff::snapshot_document(doc, &spec)?;
                let name = doc
                    .snapshots
                    .iter()
                    .find(|s| s.id.to_string() == spec)
                    .map(|s| s.name.clone())
                    .unwrap_or(spec);
                Ok((name, old))
            }
        }
    }
}

/// What to write.
#[derive(Clone, Debug)]
pub struct PacketRequest {
    /// Add a "changes since" section comparing with this version.
    pub since: Option<Since>,
    /// Shown as the generation time (an RFC 3339 timestamp).
    pub generated_at: String,
    /// Also print the packet to PDF at this path with this printer.
    pub pdf: Option<(PathBuf, PrintPdf)>,
}

/// The files a packet was written to.
#[derive(Debug)]
pub struct PacketOutcome {
    /// The HTML packet.
    pub html: PathBuf,
    /// The PDF, when one was asked for and printed.
    pub pdf: Option<PathBuf>,
    /// Why no PDF was made although one was asked for (the HTML is in place all the same).
    pub pdf_error: Option<Error>,
}

/// Renders the packet of `doc` (the document's template resolved in `templates`) and writes it
/// to `html`, and the PDF when asked for; see the module docs for stages, cancellation and what
/// is left on disk.
pub fn write_packet(
    doc: &Document,
    templates: &Catalog,
    html: &Path,
    request: PacketRequest,
    task: &Task<'_>,
) -> Result<PacketOutcome> {
    write_packet_with_evidence(doc, templates, html, request, None, task)
}

/// [`write_packet`] with the document's evidence of learning, for the packet's "Evidence of
/// learning" section (`analysis::report::render_with_evidence`).
pub fn write_packet_with_evidence(
    doc: &Document,
    templates: &Catalog,
    html: &Path,
    request: PacketRequest,
    evidence: Option<&crate::evidence::Evidence>,
    task: &Task<'_>,
) -> Result<PacketOutcome> {
    let total = if request.pdf.is_some() { 4 } else { 3 };
    task.stage(0, total, "Checking the curriculum")?;
    let since = request.since.map(|s| s.resolve(doc)).transpose()?;
    task.stage(1, total, "Rendering the packet")?;
    let options = ReportOptions {
        generated_at: Some(request.generated_at),
        since: since.as_ref().map(|(name, d)| (name.as_str(), d)),
    };
    let text = render_with_evidence(doc, templates, &options, evidence);
    let file_name = html.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    task.stage(2, total, format!("Writing {file_name}"))?;
    let (staged_html, mut file) = Staged::create(html, Some("html"))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| Error::io(html, e))?;
    drop(file);
    let mut outcome = PacketOutcome { html: html.to_owned(), pdf: None, pdf_error: None };
    let Some((pdf, print)) = request.pdf else {
        task.check()?;
        staged_html.place()?;
        return Ok(outcome);
    };
    let staged_pdf = Staged::beside(&pdf, Some("pdf"));
    let printed = task
        .stage(3, total, "Printing the PDF")
        .and_then(|()| print(staged_html.temp(), staged_pdf.temp(), task.cancel_flag()));
    if task.is_cancelled() || printed.as_ref().is_err_and(crate::task::is_cancelled) {
        // Dropping the staged files removes them; nothing is renamed into place.
        return Err(task.cancelled());
    }
    // From here on the packet is made: the files are renamed into place.
    staged_html.place()?;
    match printed.and_then(|()| staged_pdf.place()) {
        Ok(()) => outcome.pdf = Some(pdf),
        Err(e) => outcome.pdf_error = Some(e),
    }
    Ok(outcome)
}
