//! `trellis lint FILE [--format text|json] [--fail-on error|warning|info]`: the objective
//! findings of a document (`trellis::pedagogy::lint_document`), grouped by objective. The
//! document's template (built-in or the user's, as in `trellis check`) decides which objective
//! kinds are exempt from the measurability findings.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use trellis::{Finding, Severity};

use super::check::FailOn;
use super::exit;

/// Arguments of `trellis lint`.
#[derive(Args)]
pub struct LintArgs {
    /// The document (`.trellis`, or canonical `.json`).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with code 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Findings grouped by objective, for people.
    Text,
    /// A JSON array of findings.
    Json,
}

impl LintArgs {
    /// Runs the lint.
    pub fn run(self) -> anyhow::Result<u8> {
        let doc = trellis::store::load_path(&self.file)
            .with_context(|| format!("reading {}", self.file.display()))?;
        let templates = super::templates::catalog_for(&doc);
        let findings = trellis::pedagogy::lint_document(&doc, templates.template_of(&doc));
        match self.format {
            Format::Json => {
                println!("{}", serde_json::to_string_pretty(&findings).context("serialising findings")?)
            }
            Format::Text => print_text(&self.file.display().to_string(), doc.objectives.len(), &findings),
        }
        let threshold = self.fail_on.severity();
        Ok(if findings.iter().any(|f| f.severity >= threshold) { exit::FINDINGS } else { exit::OK })
    }
}

fn print_text(file: &str, objectives: usize, findings: &[Finding]) {
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in findings {
        let key = f.target.path.as_str();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    for (path, list) in &groups {
        println!("{path}");
        for f in list {
            println!("  {:<7} {}: {}", f.severity.as_str(), f.code, f.message);
            if !f.hint.is_empty() {
                println!("          {}", f.hint);
            }
        }
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    println!(
        "{file}: {objectives} objective(s); {} error(s), {} warning(s), {} info",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
}
