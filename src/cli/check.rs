//! `trellis check FILE [--format text|json] [--fail-on error|warning|info]`: every finding of
//! the curriculum analysis (`trellis::analysis::check`), grouped by severity, coloured on a
//! terminal; the exit code says whether findings reach the threshold, so curriculum teams can
//! use it in CI. The document's template is resolved among the built-in and the user's
//! templates (`TRELLIS_TEMPLATES` or the config folder), so a user template's checks run. A
//! `.trellis` document holding evidence of learning also gets the evidence findings (`E…`,
//! `trellis::analysis::check_with_evidence`). The arguments, the JSON output and the exit code are
//! shared with `trellis lint` ([`FindingsArgs`]).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use trellis::model::Document;
use trellis::pedagogy::templates::Catalog;
use trellis::{Finding, Severity};

use super::exit;

/// The arguments `trellis check` and `trellis lint` share.
#[derive(Args)]
pub struct FindingsArgs {
    /// The document (`.trellis`, or canonical `.json`).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with code 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

impl FindingsArgs {
    /// The document and the templates it is read with (built-in and the user's).
    pub(super) fn open(&self) -> anyhow::Result<(Document, Catalog)> {
        let doc = trellis::store::load_path(&self.file)
            .with_context(|| format!("reading {}", self.file.display()))?;
        let templates = super::templates::catalog_for(&doc);
        Ok((doc, templates))
    }

    /// Prints `findings` (as JSON, or by `text` for people) and answers the exit code: whether a
    /// finding reaches the `--fail-on` threshold.
    pub(super) fn report(&self, findings: &[Finding], text: impl FnOnce()) -> anyhow::Result<u8> {
        match self.format {
            Format::Json => {
                println!("{}", serde_json::to_string_pretty(findings).context("serialising findings")?)
            }
            Format::Text => text(),
        }
        let threshold = self.fail_on.severity();
        Ok(if findings.iter().any(|f| f.severity >= threshold) { exit::FINDINGS } else { exit::OK })
    }
}

/// Arguments of `trellis check`.
#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub findings: FindingsArgs,
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Findings for people: grouped by severity (`check`) or by objective (`lint`).
    Text,
    /// A JSON array of findings (`check`: most severe first, in outline order).
    Json,
}

/// Severity threshold for exit code 1 (`trellis check` and `trellis lint`).
#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

impl FailOn {
    /// The least severe finding that fails the run.
    pub(super) fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

impl CheckArgs {
    /// Runs the checks.
    pub fn run(self) -> anyhow::Result<u8> {
        let args = &self.findings;
        let (doc, templates) = args.open()?;
        let findings = match load_evidence(&args.file)? {
            Some(evidence) => trellis::analysis::check_with_evidence(&doc, &templates, &evidence),
            None => trellis::analysis::check(&doc, &templates),
        };
        args.report(&findings, || {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", render_text(&args.file.display().to_string(), &findings, colour));
        })
    }
}

/// The evidence of learning of a `.trellis` document, when it has results (a canonical `.json`
/// holds the design only).
pub fn load_evidence(file: &std::path::Path) -> anyhow::Result<Option<trellis::evidence::Evidence>> {
    if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return Ok(None);
    }
    let store =
        trellis::store::Store::open_read_only(file).with_context(|| format!("opening {}", file.display()))?;
    let evidence = trellis::evidence::Evidence::load(&store, None)
        .with_context(|| format!("reading the evidence of {}", file.display()))?;
    Ok((!evidence.results.is_empty()).then_some(evidence))
}

/// Findings grouped by severity, optionally with ANSI colours.
pub fn render_text(file: &str, findings: &[Finding], colour: bool) -> String {
    let paint =
        |code: &str, text: &str| if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
    let mut out = String::new();
    for (sev, title, code) in [
        (Severity::Error, "Errors", "1;31"),
        (Severity::Warning, "Warnings", "1;33"),
        (Severity::Info, "Info", "1;34"),
    ] {
        let list: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
        if list.is_empty() {
            continue;
        }
        out.push_str(&paint(code, &format!("{title} ({})", list.len())));
        out.push('\n');
        for f in list {
            out.push_str(&format!("  {}  {}\n", paint("1", &f.code), f.target.path));
            out.push_str(&format!("      {}\n", f.message));
            if !f.hint.is_empty() {
                out.push_str(&format!("      {}\n", paint("2", &format!("fix: {}", f.hint))));
            }
        }
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    out.push_str(&format!(
        "{file}: {} error(s), {} warning(s), {} info\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    ));
    out
}
