//! `trellis lint FILE [--format text|json] [--fail-on error|warning|info]`: the objective
//! findings of a document (`trellis::pedagogy::lint_document`), grouped by objective. The
//! document's template (built-in or the user's, as in `trellis check`) decides which objective
//! kinds are exempt from the measurability findings.

use clap::Args;
use trellis::{Finding, Severity};

use super::check::FindingsArgs;

/// Arguments of `trellis lint` (those of `trellis check`).
#[derive(Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub findings: FindingsArgs,
}

impl LintArgs {
    /// Runs the lint.
    pub fn run(self) -> anyhow::Result<u8> {
        let args = &self.findings;
        let (doc, templates) = args.open()?;
        let findings = trellis::pedagogy::lint_document(&doc, templates.template_of(&doc));
        args.report(&findings, || {
            print_text(&args.file.display().to_string(), doc.objectives.len(), &findings)
        })
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
