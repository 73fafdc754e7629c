//! `trellis activity …`: `attach DOC ACTIVITY FILE` checks an H5P package (`.h5p`) or an HTML5
//! simulation (a folder or zip with `index.html`) with `trellis::interactive`, stores it in the
//! document and makes it the activity's content, in one undoable step, and prints what was read
//! (content type, libraries, size); `detach DOC ACTIVITY` removes the content again (the stored
//! file stays, like any asset).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use trellis::model::ActivityId;
use trellis::store::{EditOp, Store};

use super::exit;

/// Arguments of `trellis activity`.
#[derive(Args)]
pub struct ActivityArgs {
    #[command(subcommand)]
    command: ActivityCommand,
}

#[derive(Subcommand)]
enum ActivityCommand {
    /// Attach an H5P package or an HTML5 simulation to an activity as its interactive content.
    Attach {
        /// The document (`.trellis`).
        document: PathBuf,
        /// The activity's id.
        activity: String,
        /// The package: a `.h5p` file, or a folder or `.zip` with `index.html`.
        package: PathBuf,
    },
    /// Remove an activity's interactive content.
    Detach {
        /// The document (`.trellis`).
        document: PathBuf,
        /// The activity's id.
        activity: String,
    },
}

impl ActivityArgs {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.command {
            ActivityCommand::Attach { document, activity, package } => {
                let Some(id) = parse_activity(&activity) else { return Ok(exit::USAGE) };
                let imported = match trellis::interactive::read_path(&package) {
                    Ok(i) => i,
                    Err(e) => {
                        eprintln!("error: the package was refused: {e}");
                        return Ok(exit::INPUT);
                    }
                };
                let report = imported.report();
                let mut store =
                    Store::open(&document).with_context(|| format!("opening {}", document.display()))?;
                let doc = store.load().with_context(|| format!("reading {}", document.display()))?;
                let ops = trellis::interactive::attach_ops(&doc, id, imported)
                    .with_context(|| format!("{}", document.display()))?;
                store
                    .apply_all("Attach interactive content", ops)
                    .with_context(|| format!("writing {}", document.display()))?;
                for line in report {
                    println!("{line}");
                }
                println!("{}: attached to activity {id}", document.display());
                Ok(exit::OK)
            }
            ActivityCommand::Detach { document, activity } => {
                let Some(id) = parse_activity(&activity) else { return Ok(exit::USAGE) };
                let mut store =
                    Store::open(&document).with_context(|| format!("opening {}", document.display()))?;
                let doc = store.load().with_context(|| format!("reading {}", document.display()))?;
                let Some(mut a) = doc.activities.into_iter().find(|a| a.id == id) else {
                    eprintln!("error: {}: activity {id} does not exist", document.display());
                    return Ok(exit::INPUT);
                };
                a.content = None;
                store
                    .apply(EditOp::UpdateActivity { activity: a })
                    .with_context(|| format!("writing {}", document.display()))?;
                println!("{}: activity {id} has no interactive content now", document.display());
                Ok(exit::OK)
            }
        }
    }
}

fn parse_activity(text: &str) -> Option<ActivityId> {
    match text.trim().parse::<ActivityId>() {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!("error: {text:?} is not an activity id: {e}");
            None
        }
    }
}
