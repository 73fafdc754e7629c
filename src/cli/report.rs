//! `trellis report FILE -o packet.html [--since SNAPSHOT] [--pdf [PDF]]`: writes the committee
//! review packet (`trellis::analysis::report::render`), one self-contained HTML file, and on
//! request prints it to PDF with an installed headless Chromium. The document's template is
//! resolved among the built-in and the user's templates, as in `trellis check`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use trellis::analysis::report::{ReportOptions, render};
use trellis::model::Timestamp;

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
    /// or with another document file.
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
        let since = match &self.since {
            None => None,
            Some(s) => Some((s.clone(), super::diff::resolve(s, Some(&doc))?)),
        };
        let generated_at = self.generated_at.clone().unwrap_or_else(|| Timestamp::now().to_string());
        let opts = ReportOptions {
            generated_at: Some(generated_at),
            since: since.as_ref().map(|(name, d)| (name.as_str(), d)),
        };
        let templates = super::templates::catalog_for(&doc);
        let html = render(&doc, &templates, &opts);
        trellis::json::write_atomic(&self.output, html.as_bytes())
            .with_context(|| format!("writing {}", self.output.display()))?;
        eprintln!("wrote {}", self.output.display());
        if let Some(pdf) = self.pdf {
            let pdf = pdf.unwrap_or_else(|| self.output.with_extension("pdf"));
            trellis::analysis::pdf::print_pdf(&self.output, &pdf)
                .with_context(|| format!("printing {} to PDF", self.output.display()))?;
            eprintln!("wrote {}", pdf.display());
        }
        Ok(exit::OK)
    }
}
