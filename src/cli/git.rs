//! `trellis git setup [DIR]` configures a repository to merge and diff curricula with Trellis
//! (`trellis::merge::git::setup`); `trellis git diff-driver` is the external diff git then runs
//! (the semantic diff of two versions, in words).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use trellis::analysis::diff::{diff, render_text};
use trellis::merge::git::{document_at, is_revision, setup, shell_quote};
use trellis::model::Document;

use super::exit;

/// Arguments of `trellis git`.
#[derive(Args)]
pub struct GitArgs {
    #[command(subcommand)]
    command: GitCommand,
}

#[derive(Subcommand)]
enum GitCommand {
    /// Write .gitattributes and the repository's config so git merges curricula with
    /// `trellis merge` and diffs them with `trellis diff`.
    Setup {
        /// A folder inside the repository (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The trellis command git should run (default: this program's full path).
        #[arg(long)]
        program: Option<String>,
    },
    /// The external diff git runs for curriculum files (PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE
    /// NEW-HEX NEW-MODE).
    #[command(hide = true)]
    DiffDriver {
        /// The path in the repository and git's six arguments.
        #[arg(num_args = 1..=7)]
        args: Vec<PathBuf>,
    },
}

impl GitArgs {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            GitCommand::Setup { dir, program } => {
                let program = match program {
                    Some(p) => p,
                    None => {
                        let exe = std::env::current_exe().context("finding the trellis program")?;
                        shell_quote(&exe.to_string_lossy())
                    }
                };
                let report =
                    setup(&dir, &program).with_context(|| format!("setting up git in {}", dir.display()))?;
                if report.added.is_empty() {
                    eprintln!("{} already lists the curriculum files", report.attributes.display());
                } else {
                    eprintln!("added to {}: {}", report.attributes.display(), report.added.join("; "));
                }
                for (key, value) in &report.config {
                    eprintln!("git config {key} \"{value}\"");
                }
                if report.ignored {
                    eprintln!("added to {}: .trellis-cache/", dir.join(".gitignore").display());
                }
                Ok(exit::OK)
            }
            GitCommand::DiffDriver { args } => {
                let path = args.first().cloned().unwrap_or_default();
                let (old, new) = (args.get(1), args.get(4));
                let load = |p: Option<&PathBuf>| -> anyhow::Result<Option<Document>> {
                    match p {
                        Some(p) if p != Path::new("/dev/null") => super::merge::load_any(p).map(Some),
                        _ => Ok(None),
                    }
                };
                println!("trellis diff {}", path.display());
                match (load(old)?, load(new)?) {
                    (Some(old), Some(new)) => print!("{}", render_text(&diff(&old, &new))),
                    (None, Some(new)) => println!("new curriculum \"{}\"", new.curriculum.title),
                    (Some(old), None) => println!("deleted curriculum \"{}\"", old.curriculum.title),
                    (None, None) => {}
                }
                Ok(exit::OK)
            }
        }
    }
}

/// The version a `--since SPEC` names when SPEC is a git revision rather than a snapshot of
/// `doc`: `None` when `doc` has a snapshot of that name or id, or SPEC is no commit of the
/// repository around `file`; else the document at `file` in that commit.
pub fn since_revision(spec: &str, file: &Path, doc: &Document) -> Option<anyhow::Result<Document>> {
    if doc.snapshots.iter().any(|s| s.name == spec || s.id.to_string() == spec) || !is_revision(file, spec) {
        return None;
    }
    Some(document_at(spec, file).with_context(|| format!("reading {} at revision {spec}", file.display())))
}
