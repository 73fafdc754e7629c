//! `trellis report FILE -o packet.html [--since SNAPSHOT] [--pdf [PDF]]`: writes the committee
//! review packet, one self-contained HTML file, and on request prints it to PDF with an
//! installed headless Chromium, through `trellis::workflow::packet::write_packet` (what the
//! app's review packet uses: neither file is ever half-written). The document's template is
//! resolved among the built-in and the user's templates, as in `trellis check`. A `.trellis`
//! document holding evidence of learning gets the packet's "Evidence of learning" section.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use trellis::model::Timestamp;
use trellis::task::Task;
use trellis::workflow::packet::{PacketRequest, Since, write_packet_with_evidence};

use super::exit;

/// Arguments of `trellis report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The document (`.trellis`, or canonical `.json`).
    pub file: PathBuf,
    /// Where to write the HTML packet.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Add a "changes since" section comparing with this snapshot of the document (name or id)
    /// or with another document file, or with the document as it was in a git revision (`HEAD~3`).
    #[arg(long, value_name = "SNAPSHOT|FILE")]
    pub since: Option<String>,
    /// Also print the packet to PDF with headless Chromium (default: the output path with `.pdf`).
    #[arg(long, value_name = "PDF", num_args = 0..=1)]
    pub pdf: Option<Option<PathBuf>>,
    /// Time shown as the generation time (RFC 3339); defaults to now.
    #[arg(long)]
    pub generated_at: Option<String>,
}

impl ReportArgs {
    /// Writes the packet.
    pub fn run(self) -> anyhow::Result<u8> {
        let doc = trellis::store::load_path(&self.file)
            .with_context(|| format!("reading {}", self.file.display()))?;
        let since = match self.since {
            None => None,
            Some(spec) if names_a_file(&spec) => {
                let document = Box::new(super::diff::resolve(&spec, None)?);
                Some(Since::Version { name: spec, document })
            }
            Some(spec) => match super::git::since_revision(&spec, &self.file, &doc) {
                Some(document) => Some(Since::Version { name: spec, document: Box::new(document?) }),
                None => Some(Since::Snapshot(spec)),
            },
        };
        let pdf = self.pdf.map(|pdf| {
            let path = pdf.unwrap_or_else(|| self.output.with_extension("pdf"));
            (path, trellis::analysis::pdf::print_pdf_cancellable as trellis::workflow::packet::PrintPdf)
        });
        let request = PacketRequest {
            since,
            generated_at: self.generated_at.unwrap_or_else(|| Timestamp::now().to_string()),
            pdf,
        };
        let templates = super::templates::catalog_for(&doc);
        let evidence = super::check::load_evidence(&self.file)?;
        let outcome = write_packet_with_evidence(
            &doc,
            &templates,
            &self.output,
            request,
            evidence.as_ref(),
            &Task::quiet("the review packet"),
        )
        .with_context(|| format!("writing {}", self.output.display()))?;
        eprintln!("wrote {}", outcome.html.display());
        if let Some(e) = outcome.pdf_error {
            return Err(anyhow::Error::new(e).context(format!("printing {} to PDF", outcome.html.display())));
        }
        if let Some(pdf) = outcome.pdf {
            eprintln!("wrote {}", pdf.display());
        }
        Ok(exit::OK)
    }
}

/// Whether `--since` names another document (a file, or `FILE@SNAPSHOT`) rather than a snapshot
/// of this one.
fn names_a_file(spec: &str) -> bool {
    Path::new(spec).exists() || spec.rsplit_once('@').is_some_and(|(file, _)| Path::new(file).exists())
}
