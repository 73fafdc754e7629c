//! The library's error type. Variants carry the context a user needs (file, place, reason);
//! [`Error::code`] is the coarse class the UI and the CLI's exit codes branch on.

use std::path::PathBuf;

use serde::Serialize;

/// Coarse error class for callers that branch (UI, CLI exit codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The entity or file does not exist.
    NotFound,
    /// The input is malformed or breaks an invariant.
    Validation,
    /// The file is in use, newer, or otherwise cannot be used as asked.
    Conflict,
    /// Reading or writing failed.
    Io,
    /// A bug.
    Internal,
    /// There is no edit to undo (or redo): not a failure, the history is simply empty.
    HistoryEmpty,
    /// Long work (an export, a review packet, an import) stopped because the user asked it to;
    /// it wrote nothing. Not a failure to show as one.
    Cancelled,
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a Trellis document.
    #[error("{path} is not a Trellis document ({reason})")]
    NotTrellis {
        /// The file.
        path: PathBuf,
        /// Why we think so.
        reason: String,
    },
    /// The file was written by a newer Trellis.
    #[error(
        "{path} was written by a newer Trellis (schema version {found}, this version reads up to {supported}); it was not changed"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Highest version this build understands.
        supported: i64,
    },
    /// The file is damaged.
    #[error("{path} is damaged and was not changed: {reason}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the integrity check said.
        reason: String,
    },
    /// Another process holds the file.
    #[error("{path} is open in another Trellis window or process; close it there and try again")]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// The file already exists.
    #[error("{path} already exists; choose another name or remove it first")]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// An entity was not found.
    #[error("{kind} {id} does not exist")]
    NotFound {
        /// Kind of entity.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// No template of the catalog (built-in or the user's folder) has this id.
    #[error(
        "unknown template {id:?}; available: {}{}",
        .available.join(", "),
        .skipped.iter().map(|e| format!("\n  (user template not loaded: {e})")).collect::<String>()
    )]
    UnknownTemplate {
        /// The id asked for.
        id: String,
        /// The ids the catalog has.
        available: Vec<String>,
        /// User template files that failed to load (one line each).
        skipped: Vec<String>,
    },
    /// Input failed to parse.
    #[error("{source_name}: {message}")]
    Parse {
        /// File or input name.
        source_name: String,
        /// What and where (line/column when known).
        message: String,
    },
    /// The document breaks invariants.
    #[error("{source_name}: {} problem(s): {}", problems.len(), summarize(problems))]
    Invalid {
        /// File or input name.
        source_name: String,
        /// Every violation found.
        problems: Vec<String>,
    },
    /// The operation conflicts with the file's state.
    #[error("{0}")]
    Conflict(String),
    /// An edit was refused because it would break an invariant.
    #[error("{0}")]
    Refused(String),
    /// Nothing to undo or redo.
    #[error("nothing to {0}")]
    NothingTo(&'static str),
    /// Long work was stopped on request ([`crate::task::Task`]); it wrote nothing.
    #[error("{what} was cancelled; nothing was written")]
    Cancelled {
        /// The work, as the start of a sentence ("the export", "the review packet").
        what: &'static str,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

fn summarize(problems: &[String]) -> String {
    let mut text = problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if problems.len() > 5 {
        text.push_str(&format!("; and {} more", problems.len() - 5));
    }
    text
}

impl Error {
    /// The coarse class.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => ErrorCode::NotFound,
            Error::Io { .. } => ErrorCode::Io,
            Error::NotFound { .. } | Error::UnknownTemplate { .. } => ErrorCode::NotFound,
            Error::NotTrellis { .. }
            | Error::Damaged { .. }
            | Error::Parse { .. }
            | Error::Invalid { .. } => ErrorCode::Validation,
            Error::Refused(_) => ErrorCode::Validation,
            Error::NothingTo(_) => ErrorCode::HistoryEmpty,
            Error::Cancelled { .. } => ErrorCode::Cancelled,
            Error::TooNew { .. } | Error::Locked { .. } | Error::Exists { .. } | Error::Conflict(_) => {
                ErrorCode::Conflict
            }
            Error::Sqlite(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The `Error::Invalid` of a document whose [`crate::model::Document::validate`] found
    /// `problems`, naming the input it came from.
    pub fn invalid(source_name: impl Into<String>, problems: &[impl std::fmt::Display]) -> Self {
        Error::Invalid {
            source_name: source_name.into(),
            problems: problems.iter().map(ToString::to_string).collect(),
        }
    }

    /// Wraps an IO error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// Library result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
