//! `trellis objectives …`: `classify` (one objective per line on stdin → one JSON object per
//! line on stdout, in order), `explain STATEMENT` (the analysis in words), `calibrate` (learn an
//! institution's convention from labelled rows into a profile file) and `export-labels` (the
//! designer's confirmed levels of a document as labelled rows). Classification calls
//! `trellis::pedagogy::analyze_objective_using`, with the profile given by `--profile`.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use serde::Serialize;
use trellis::model::{BloomLevel, LevelSource};
use trellis::pedagogy::calibrate::{self, Options};
use trellis::pedagogy::{ObjectiveAnalysis, Profile, analyze_objective_using};

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
        /// A calibration profile (from `trellis objectives calibrate`); each line then names it
        /// as `"profile"`.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<PathBuf>,
    },
    /// Explain the analysis of one objective in words.
    Explain {
        /// The objective statement.
        statement: String,
        /// A calibration profile to apply.
        #[arg(long, value_name = "PROFILE")]
        profile: Option<PathBuf>,
    },
    /// Learn an institution's convention from labelled objectives (CSV with a header naming
    /// `statement` and `levels`; several acceptable levels separated by `;`, `none` for no
    /// cognitive level) and write it as a profile; prints k-fold agreement and Cohen's kappa.
    Calibrate {
        /// The labelled CSV file.
        labelled: PathBuf,
        /// The profile file to write (JSON).
        #[arg(short, long, value_name = "PROFILE")]
        output: PathBuf,
        /// The convention's name (default: the profile file's name without extension).
        #[arg(long)]
        name: Option<String>,
        /// Folds of the cross-validation (0: none).
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Store a calibration profile in a `.trellis` document (its objective analysis, `trellis
    /// check` and `trellis lint` then follow that convention), or clear it with `--clear`.
    SetProfile {
        /// The document (`.trellis`).
        document: PathBuf,
        /// The profile file (from `trellis objectives calibrate`).
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        profile: Option<PathBuf>,
        /// Remove the document's profile (back to the built-in rules).
        #[arg(long)]
        clear: bool,
    },
    /// Write the levels a designer confirmed in a document as labelled rows (`statement,levels`).
    ExportLabels {
        /// The document (`.trellis`, or canonical `.json`).
        document: PathBuf,
        /// The CSV file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
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
    /// The profile's name, only when a profile was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<&'a str>,
}

/// The whole analysis, with the profile's name when one was applied.
#[derive(Serialize)]
struct FullLine<'a> {
    #[serde(flatten)]
    analysis: &'a ObjectiveAnalysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<&'a str>,
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
            profile: None,
        }
    }
}

impl ObjectivesArgs {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            ObjectivesCommand::Classify { full, profile } => {
                let Some(profile) = load_profile(profile.as_deref()) else { return Ok(exit::INPUT) };
                classify(full, profile.as_ref())
            }
            ObjectivesCommand::Explain { statement, profile } => {
                let Some(profile) = load_profile(profile.as_deref()) else { return Ok(exit::INPUT) };
                explain(&analyze_objective_using(&statement, profile.as_ref()));
                Ok(exit::OK)
            }
            ObjectivesCommand::Calibrate { labelled, output, name, folds } => {
                calibrate_file(&labelled, &output, name, folds)
            }
            ObjectivesCommand::ExportLabels { document, output } => export_labels(&document, &output),
            ObjectivesCommand::SetProfile { document, profile, clear: _ } => {
                set_profile(&document, profile.as_deref())
            }
        }
    }
}

/// Loads `--profile`; `Some(None)` without one, `None` (after printing why) when it fails.
fn load_profile(path: Option<&Path>) -> Option<Option<Profile>> {
    let Some(path) = path else { return Some(None) };
    match Profile::load(path) {
        Ok(p) => Some(Some(p)),
        Err(e) => {
            eprintln!("error: the profile was not loaded: {e}");
            None
        }
    }
}

fn calibrate_file(labelled: &Path, output: &Path, name: Option<String>, folds: usize) -> anyhow::Result<u8> {
    let text = match std::fs::read_to_string(labelled) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", labelled.display());
            return Ok(exit::INPUT);
        }
    };
    let rows = match calibrate::read_labelled(&text, &labelled.display().to_string()) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::INPUT);
        }
    };
    let name = name.unwrap_or_else(|| {
        output.file_stem().map_or_else(|| "profile".to_owned(), |s| s.to_string_lossy().into_owned())
    });
    let options = Options { folds, ..Options::named(&name) };
    let profile = calibrate::calibrate(&rows, &options).context("calibrating")?;
    profile.save(output).with_context(|| format!("writing {}", output.display()))?;
    println!("{} labelled rows → profile \"{}\" in {}", rows.len(), profile.name, output.display());
    println!("verb adjustments: {}", profile.verbs.len());
    for (verb, adj) in &profile.verbs {
        println!(
            "  {verb}: {} (built-in: {}; {} rows, {:.0} % labelled {})",
            adj.level.as_str(),
            adj.builtin.map_or("none", BloomLevel::as_str),
            adj.support,
            adj.share * 100.0,
            adj.level.as_str()
        );
    }
    match profile.kfold {
        Some(k) => {
            println!(
                "{}-fold cross-validation (agreement = suggestion among the labels; kappa against the first label):",
                k.folds
            );
            println!(
                "  built-in rules: agreement {:.1} %, kappa {:.3}",
                k.builtin_agreement * 100.0,
                k.builtin_kappa
            );
            println!("  with the profile: agreement {:.1} %, kappa {:.3}", k.agreement * 100.0, k.kappa);
        }
        None => {
            println!("too few rows for {folds}-fold cross-validation (at least {} needed)", 2 * folds.max(2))
        }
    }
    Ok(exit::OK)
}

fn set_profile(document: &Path, profile: Option<&Path>) -> anyhow::Result<u8> {
    let text = match profile {
        None => None,
        Some(path) => {
            // Validated before it is stored; stored as written (readable in the canonical JSON).
            let Some(Some(p)) = load_profile(Some(path)) else { return Ok(exit::INPUT) };
            Some((p.name.clone(), p.to_json()))
        }
    };
    let mut store =
        trellis::store::Store::open(document).with_context(|| format!("opening {}", document.display()))?;
    let mut curriculum = store.load().with_context(|| format!("reading {}", document.display()))?.curriculum;
    curriculum.objective_profile = text.as_ref().map(|(_, json)| json.clone());
    store
        .apply(trellis::store::EditOp::UpdateCurriculum { curriculum })
        .with_context(|| format!("writing {}", document.display()))?;
    match text {
        Some((name, _)) => {
            println!("{}: objective levels now follow the \"{name}\" convention", document.display())
        }
        None => println!("{}: objective levels follow the built-in rules", document.display()),
    }
    Ok(exit::OK)
}

fn export_labels(document: &Path, output: &Path) -> anyhow::Result<u8> {
    let doc =
        trellis::store::load_path(document).with_context(|| format!("reading {}", document.display()))?;
    let mut w = csv::Writer::from_path(output).with_context(|| format!("writing {}", output.display()))?;
    w.write_record(["statement", "levels"]).with_context(|| format!("writing {}", output.display()))?;
    let mut n = 0;
    for o in &doc.objectives {
        if o.level_source != LevelSource::Designer || o.statement.trim().is_empty() {
            continue;
        }
        let Some(level) = o.level else { continue };
        w.write_record([o.statement.trim(), level.as_str()])
            .with_context(|| format!("writing {}", output.display()))?;
        n += 1;
    }
    w.flush().with_context(|| format!("writing {}", output.display()))?;
    println!(
        "{n} of {} objectives have a level confirmed by the designer; written to {}",
        doc.objectives.len(),
        output.display()
    );
    Ok(exit::OK)
}

fn classify(full: bool, profile: Option<&Profile>) -> anyhow::Result<u8> {
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
        let analysis = analyze_objective_using(line, profile);
        let name = profile.map(|p| p.name.as_str());
        let json = if full {
            serde_json::to_string(&FullLine { analysis: &analysis, profile: name })
        } else {
            serde_json::to_string(&Line { profile: name, ..Line::from(&analysis) })
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
    println!("  convention:  {}", a.convention);
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
