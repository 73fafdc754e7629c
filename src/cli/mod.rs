//! Argument parsing and dispatch for the `trellis` CLI. One file per area (`document.rs`,
//! `objectives.rs`, `check.rs`, `export.rs`, `import.rs`); each subcommand calls one library
//! function. Errors are printed as one sentence naming the file and the problem.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod activity;
mod check;
mod diff;
mod document;
mod evidence;
mod export;
mod folder;
mod git;
mod import;
mod lint;
mod merge;
mod objectives;
mod pathway;
mod report;
mod templates;
mod translate;

/// Exit codes (also listed in `trellis --help`).
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The command ran, and found problems at or above the `--fail-on` threshold.
    pub const FINDINGS: u8 = 1;
    /// Bad usage (unknown flag, missing argument).
    pub const USAGE: u8 = 2;
    /// Input could not be read or is invalid (not a Trellis file, malformed JSON, …).
    pub const INPUT: u8 = 3;
    /// The file is locked, newer, or already exists.
    pub const CONFLICT: u8 = 4;
    /// Anything else (IO failure, internal error).
    pub const FAILURE: u8 = 5;
    /// `undo` or `redo` found no edit to revert or re-apply; the file was not changed.
    pub const NOTHING_TO_DO: u8 = 6;
    /// Standard output was closed before everything was written (e.g. `trellis show X | head`):
    /// the command stops quietly, like a program killed by SIGPIPE (128 + 13).
    pub const CLOSED_OUTPUT: u8 = 141;
}

const AFTER_HELP: &str = "Exit codes: 0 success; 1 findings at or above --fail-on; 2 usage error; \
3 invalid or unreadable input; 4 file locked, newer or already exists; 5 other failure; \
6 nothing to undo or redo; 141 output closed early (e.g. piped into head).";

/// Design curricula backward from outcomes and export them as LMS packages.
#[derive(Parser)]
#[command(name = "trellis", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Document(document::DocumentCommand),
    /// Export a document as an LMS package (Common Cartridge, CASE, JSON, SCORM, cmi5).
    Export(export::ExportArgs),
    /// Attach interactive content (an H5P package or an HTML5 simulation) to an activity.
    Activity(activity::ActivityArgs),
    /// Import data into a document (canonical JSON, standards frameworks, courses).
    Import(import::ImportArgs),
    /// Analyse objective statements (Bloom level, verbs, measurability, ABCD).
    Objectives(objectives::ObjectivesArgs),
    /// Mark lessons or activities as remediation or enrichment for objectives (mastery pathways).
    Pathway(pathway::PathwayArgs),
    /// Plan spaced retrieval practice of the objectives (review intervals, dates, minutes per week).
    ReviewPlan(pathway::ReviewPlanArgs),
    /// Report the objective-wording findings of a document.
    Lint(lint::LintArgs),
    /// Check alignment, sequencing, workload, coverage and rubrics; exit 1 on findings (for CI).
    Check(check::CheckArgs),
    /// Write the committee review packet (one self-contained HTML file, optionally a PDF).
    Report(report::ReportArgs),
    /// Show what changed between two versions of a curriculum (files or snapshots).
    Diff(diff::DiffArgs),
    /// List the templates `trellis new --template` can start from (built-in and user).
    Templates(templates::TemplatesArgs),
    /// Merge two versions of a curriculum field by field (three-way); exit 1 on conflicts.
    Merge(merge::MergeArgs),
    /// Set up a git repository to merge and diff curricula with Trellis.
    Git(git::GitArgs),
    /// Evidence of learning: import results into cohorts, list and remove cohorts, set mastery policies.
    Evidence(evidence::EvidenceArgs),
    /// Mastery per objective and learner from the document's evidence (text, JSON or CSV).
    Mastery(evidence::MasteryArgs),
    /// Translate a document: export XLIFF 2.1/1.2, import a translation as a language variant, status.
    Translate(translate::TranslateArgs),
}

/// Parses the command line, runs the command, maps errors to exit codes.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let result = match quiet_on_closed_output(move || run(cli.command)) {
        Some(result) => result,
        None => return ExitCode::from(exit::CLOSED_OUTPUT),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code_for(&err))
        }
    }
}

fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Document(cmd) => cmd.run(),
        Command::Export(args) => args.run(),
        Command::Activity(args) => args.run(),
        Command::Import(args) => args.run(),
        Command::Objectives(args) => args.run(),
        Command::Pathway(args) => args.run(),
        Command::ReviewPlan(args) => args.run(),
        Command::Lint(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Report(args) => args.run(),
        Command::Diff(args) => args.run(),
        Command::Templates(args) => args.run(),
        Command::Merge(args) => args.run(),
        Command::Git(args) => args.run(),
        Command::Evidence(args) => args.run(),
        Command::Mastery(args) => args.run(),
        Command::Translate(args) => args.run(),
    }
}

/// Runs `f`; `None` when it stopped because standard output or error was closed (a reader such
/// as `head` went away). Rust ignores SIGPIPE, so `print!` then panics; that panic is caught
/// here, after the command's destructors ran (open documents are closed cleanly), and no panic
/// message is printed. Every other panic goes on as usual.
fn quiet_on_closed_output<T>(f: impl FnOnce() -> T) -> Option<T> {
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        // `failed printing to stdout: Broken pipe (os error 32)` (EPIPE; 232 on Windows).
        let closed = message.starts_with("failed printing to std")
            && ["Broken pipe", "(os error 32)", "(os error 232)"].iter().any(|m| message.contains(m));
        if closed {
            CLOSED.store(true, Ordering::SeqCst);
        } else {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(_) if CLOSED.load(Ordering::SeqCst) => None,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Maps an error chain to an exit code by the first library error in it.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    use trellis::ErrorCode;
    match err.chain().find_map(|e| e.downcast_ref::<trellis::Error>()).map(trellis::Error::code) {
        Some(ErrorCode::Validation | ErrorCode::NotFound) => exit::INPUT,
        Some(ErrorCode::Conflict) => exit::CONFLICT,
        Some(ErrorCode::HistoryEmpty) => exit::NOTHING_TO_DO,
        _ => exit::FAILURE,
    }
}
