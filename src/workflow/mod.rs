//! Whole user-facing workflows that the CLI and the desktop app share, each one library call:
//! writing the review packet ([`packet`]), making a new document in a folder — from a template,
//! an example or a cartridge — under a fresh name ([`document`]), importing a framework or a
//! cartridge ([`import`]), exporting to a file with progress and cancellation ([`export`]),
//! the names a save dialog proposes ([`save`]), and evidence of learning — telling a results
//! file's format, importing it, removing a cohort, setting a mastery policy ([`evidence`]).
//!
//! These functions decide everything except how the caller talks to its user: they take the
//! paths already chosen, a [`crate::task::Task`] for progress and cancellation, and return
//! typed outcomes and errors. The app's commands and the CLI's subcommands only convert
//! arguments, call one of them and present the answer.

pub mod document;
pub mod evidence;
pub mod export;
pub mod import;
pub mod packet;
pub mod save;
