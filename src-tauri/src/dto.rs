//! Shapes that exist only at the IPC boundary: what a window shows about its open document, the
//! recent-files list and the bundled examples. Library types cross unchanged; these wrap them.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use trellis::model::{Document, DocumentPatch};
use trellis::store::History;

/// The open document as the window shows it, returned by every open, edit, undo and redo.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentState {
    /// The `.trellis` file.
    pub path: String,
    /// The whole document as committed.
    #[ts(as = "Document")]
    pub document: Arc<Document>,
    /// What undo and redo would do.
    pub history: History,
}

/// A committed change as the window learns it (edits whose effect the UI cannot predict, undo,
/// redo): what differs from the version the window has, instead of the whole document.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentChange {
    /// From the window's version to the committed one.
    pub patch: DocumentPatch,
    /// What undo and redo would do now.
    pub history: History,
}

/// One entry of the recent-documents list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentDocument {
    /// The file.
    pub path: String,
    /// The curriculum title when it was last open.
    pub title: String,
    /// When it was last opened (RFC 3339).
    pub opened_at: String,
    /// Whether the file still exists.
    #[serde(default)]
    pub exists: bool,
}

/// A bundled example curriculum.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExampleInfo {
    /// Identifier (the file stem, e.g. `intro-statistics`).
    pub id: String,
    /// Curriculum title.
    pub title: String,
    /// One sentence about it.
    pub summary: String,
}
