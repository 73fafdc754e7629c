//! `trellis objectives classify` (one objective per line on stdin → one JSON object per line on
//! stdout, in order) and `trellis objectives explain STATEMENT` (the analysis in words). Both
//! call `trellis::pedagogy::analyze_objective`.

use std::io::{BufRead, BufWriter, Write};

use anyhow::Context;
use clap::{Args, Subcommand};
use serde::Serialize;
use trellis::model::BloomLevel;
use trellis::pedagogy::{ObjectiveAnalysis, analyze_objective};

use super::exit;

/// Arguments of `trellis objectives`.
#[derive(Args)]
pub struct ObjectivesArgs {
    #[command(subcommand)]
    command: ObjectivesCommand,
}

#[derive(Subcommand)]
enum ObjectivesCommand {
    /// Read one objective per line on stdin; write one JSON object per line on stdout:
    /// {"text", "level", "candidates", "verbs", "measurable", "findings"}.
    Classify {
        /// Write the whole analysis (knowledge dimension, ABCD parts, rule, explanation, …).
        #[arg(long)]
        full: bool,
    },
    /// Explain the analysis of one objective in words.
    Explain {
        /// The objective statement.
        statement: String,
    },
}

/// The line format of `classify` (the contract used by acceptance tests; keep it stable).
#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    level: Option<BloomLevel>,
    candidates: &'a [BloomLevel],
    verbs: &'a [String],
    measurable: bool,
    findings: &'a [trellis::Finding],
}

impl<'a> From<&'a ObjectiveAnalysis> for Line<'a> {
    fn from(a: &'a ObjectiveAnalysis) -> Self {
        Line {
            text: &a.text,
            level: a.level,
            candidates: &a.candidates,
            verbs: &a.verbs,
            measurable: a.measurable,
            findings: &a.findings,
        }
    }
}

impl ObjectivesArgs {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            ObjectivesCommand::Classify { full } => classify(full),
            ObjectivesCommand::Explain { statement } => {
                explain(&analyze_objective(&statement));
                Ok(exit::OK)
            }
        }
    }
}

fn classify(full: bool) -> anyhow::Result<u8> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = input.read_until(b'\n', &mut buf).context("reading objectives from stdin")?;
        if n == 0 {
            break;
        }
        // Invalid UTF-8 is replaced, not fatal: one bad line must not stop a batch.
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        let analysis = analyze_objective(line);
        let json = if full {
            serde_json::to_string(&analysis)
        } else {
            serde_json::to_string(&Line::from(&analysis))
        }
        .context("serialising an analysis")?;
        if writeln!(out, "{json}").is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            return Ok(exit::OK);
        }
    }
    if out.flush().is_err() {
        return Ok(exit::OK);
    }
    Ok(exit::OK)
}

fn explain(a: &ObjectiveAnalysis) {
    let level = a.level.map_or("none", BloomLevel::as_str);
    println!("{}", a.text);
    println!("  level:       {level}");
    if a.candidates.len() > 1 {
        let c: Vec<&str> = a.candidates.iter().map(|l| l.as_str()).collect();
        println!("  candidates:  {}", c.join(", "));
    }
    println!("  verbs:       {}", a.verbs.join(", "));
    println!("  measurable:  {}", if a.measurable { "yes" } else { "no" });
    if let Some(k) = a.knowledge {
        println!("  knowledge:   {}", k.as_str());
    }
    let mark = |b: bool| if b { "yes" } else { "no" };
    println!(
        "  ABCD:        audience {}, behaviour {}, condition {}, degree {}",
        mark(a.abcd.audience),
        mark(a.abcd.behavior),
        mark(a.abcd.condition),
        mark(a.abcd.degree)
    );
    println!("  rule:        {}", a.rule);
    for step in &a.explanation {
        println!("    - {step}");
    }
    for f in &a.findings {
        println!("  {} {}: {}", f.severity.as_str(), f.code, f.message);
        if !f.hint.is_empty() {
            println!("      {}", f.hint);
        }
    }
}
