//! `trellis export FILE --format F [--profile P] [--strict] -o OUT`: lists the pre-export
//! findings, then writes the package (a zip for `.imscc`/`.zip`, one file for `.json`, a
//! directory otherwise) with a progress bar on a terminal. One call into `trellis::export`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use trellis::Severity;
use trellis::export::{self, ExportOptions, LmsProfile};
use trellis::model::Timestamp;
use trellis::task::Task;
use trellis::workflow::export::export_to_path;

use super::exit;

/// Arguments of `trellis export`.
#[derive(Args)]
pub struct ExportArgs {
    /// The document (`.trellis`, or canonical `.json`).
    pub file: PathBuf,
    /// Format: cc13, cc11, case, json, scorm12, scorm2004, cmi5, qti3, qti21 (QTI item banks),
    /// site (offline course website), canvas-outcomes-csv, moodle-competency-csv (outcome lists),
    /// or folder (text files, see docs/folder-format.md).
    #[arg(long, value_parser = super::folder::parse_format)]
    pub format: super::folder::Format,
    /// Target LMS: canvas, moodle, blackboard, brightspace, generic.
    #[arg(long, default_value = "generic", value_parser = parse_profile)]
    pub profile: LmsProfile,
    /// Refuse to export when the pre-export checks report errors.
    #[arg(long)]
    pub strict: bool,
    /// Output: `.imscc`/`.zip` → zip file, `.json`/`.csv` → one file, anything else → a new
    /// directory.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// CASE: export this imported framework (id or source identifier) instead of the objectives.
    #[arg(long)]
    pub framework: Option<String>,
    /// A format option as KEY=VALUE (VALUE is JSON when it parses, else a string), e.g.
    /// `--option publish=true` or `--option baseUri=https://case.example.edu/uri`.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,
    /// Time written into the package (RFC 3339); defaults to the document's last edit, so
    /// re-exporting an unchanged document gives identical bytes.
    #[arg(long)]
    pub generated_at: Option<String>,
    /// Export in this language (BCP 47 tag): the document's translation replaces the source
    /// text where there is one, and the package's language metadata is LANG (see
    /// docs/translation.md).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

fn parse_profile(s: &str) -> Result<LmsProfile, String> {
    s.parse().map_err(|e: trellis::Error| e.to_string())
}

impl ExportArgs {
    /// Runs the export.
    pub fn run(self) -> anyhow::Result<u8> {
        let format = match self.format {
            super::folder::Format::Folder => return super::folder::export(&self.file, &self.output),
            super::folder::Format::Package(format) => format,
        };
        let doc = trellis::store::load_path(&self.file)
            .with_context(|| format!("reading {}", self.file.display()))?;
        let mut options = ExportOptions::for_document(&doc).with_profile(self.profile);
        options.strict = self.strict;
        options.framework = self.framework.clone();
        options.mastery = trellis::evidence::store::policies_at(&self.file)?;
        options.templates = trellis::pedagogy::templates::user_dir();
        options.lang = self.lang.clone();
        if let Some(at) = &self.generated_at {
            options.generated_at = Timestamp(at.clone());
        }
        for pair in &self.options {
            let (key, value) =
                pair.split_once('=').with_context(|| format!("--option {pair}: expected KEY=VALUE"))?;
            let value =
                serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
            options.values.insert(key.trim().to_owned(), value);
        }

        let findings = export::preflight(&doc, format, &options);
        for f in &findings {
            let place =
                if f.target.path.is_empty() { String::new() } else { format!(" [{}]", f.target.path) };
            eprintln!("{}: {} {}{place}", f.severity.as_str(), f.code, f.message);
        }
        let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        if self.strict && errors > 0 {
            eprintln!("error: {errors} error finding(s); nothing was exported (--strict)");
            return Ok(exit::FINDINGS);
        }

        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
                bar.set_style(style);
            }
            bar
        });
        let progress = |p: export::Progress| {
            if let Some(bar) = &bar {
                bar.set_length(p.total);
                bar.set_position(p.done);
                bar.set_message(p.message);
            }
        };
        let never = std::sync::atomic::AtomicBool::new(false);
        let task = Task::new("the export", &progress, &never);
        let report = export_to_path(&doc, format, &options, &self.output, &task).with_context(|| {
            format!("exporting {} as {} to {}", self.file.display(), format, self.output.display())
        })?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        // Findings the exporter added while writing (details of degraded items, …).
        let known: std::collections::HashSet<&trellis::Finding> = findings.iter().collect();
        for f in report.findings.iter().filter(|f| !known.contains(f)) {
            eprintln!("{}: {} {}", f.severity.as_str(), f.code, f.message);
        }
        println!(
            "exported {} ({}, {} profile, {} files) to {}",
            self.file.display(),
            format.label(),
            self.profile,
            report.files.len(),
            self.output.display()
        );
        Ok(exit::OK)
    }
}
