//! `trellis import FILE --from FORMAT SRC`: brings outside data into a document. Every import
//! validates the complete result before anything is written, and writes in one transaction.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use trellis::store::{EditOp, Store};

use super::exit;

/// Source formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Source {
    /// Trellis canonical JSON (a whole document).
    Json,
}

/// Arguments of `trellis import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The `.trellis` document to import into (created when it does not exist).
    pub file: PathBuf,
    /// Source format.
    #[arg(long = "from", value_enum)]
    pub from: Source,
    /// The file to import.
    pub source: PathBuf,
    /// For `--from json` into an existing document: replace its content (undoable).
    #[arg(long)]
    pub replace: bool,
}

impl ImportArgs {
    /// Runs the import.
    pub fn run(self) -> anyhow::Result<u8> {
        match self.from {
            Source::Json => {
                let doc = trellis::json::read(&self.source)
                    .with_context(|| format!("reading {}", self.source.display()))?;
                if self.file.exists() {
                    if !self.replace {
                        return Err(anyhow::Error::new(trellis::Error::Exists { path: self.file.clone() })
                            .context(
                                "pass --replace to replace its content (undoable with `trellis undo`)",
                            ));
                    }
                    let mut store = Store::open(&self.file)
                        .with_context(|| format!("opening {}", self.file.display()))?;
                    store
                        .apply(EditOp::ReplaceDocument { document: Box::new(doc) })
                        .with_context(|| format!("replacing the content of {}", self.file.display()))?;
                } else {
                    Store::create(&self.file, &doc)
                        .with_context(|| format!("creating {}", self.file.display()))?;
                }
                println!("imported {} into {}", self.source.display(), self.file.display());
            }
        }
        Ok(exit::OK)
    }
}
