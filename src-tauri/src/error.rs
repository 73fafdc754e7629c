//! `CommandError`: the one error shape that crosses IPC. The UI branches on `code` (the library's
//! coarse [`ErrorCode`]) and shows `message` (one sentence naming the file and the place). This
//! module only converts; it never decides what is an error.

use serde::Serialize;
use trellis::ErrorCode;

/// An error as the UI receives it: `{ code, message }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// Coarse class the UI branches on.
    pub code: ErrorCode,
    /// One sentence for the user.
    pub message: String,
}

impl CommandError {
    /// An error of the given class.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError { code, message: message.into() }
    }

    /// A failure of the shell itself (a panicked task, a poisoned lock).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// No document is open in the calling window.
    pub fn no_document() -> Self {
        Self::new(ErrorCode::NotFound, "no document is open in this window")
    }
}

impl From<trellis::Error> for CommandError {
    fn from(err: trellis::Error) -> Self {
        CommandError { code: err.code(), message: err.to_string() }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_keep_their_class_and_sentence() {
        let err: CommandError = trellis::Error::Refused("a prerequisite cycle".into()).into();
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(err.message, "a prerequisite cycle");
    }

    #[test]
    fn serialises_as_code_and_message() -> Result<(), serde_json::Error> {
        let json = serde_json::to_value(CommandError::no_document())?;
        assert_eq!(
            json,
            serde_json::json!({"code": "notFound", "message": "no document is open in this window"})
        );
        Ok(())
    }
}
