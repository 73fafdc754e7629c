//! Document commands: new, show, stats, export/import of canonical JSON, undo, redo.

use clap::Subcommand;

/// Commands on a whole document.
#[derive(Subcommand)]
pub enum DocumentCommand {}

impl DocumentCommand {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<u8> {
        match self {}
    }
}
