//! A curriculum folder as the window's document (`trellis::workspace`): opening it (its working
//! store lives in the folder's ignored `.trellis-cache/`; every change is then written through to
//! the folder's files by [`AppState`]), looking for files changed underneath (the window polls
//! [`folder_refresh`] every second and applies the patch it answers with), the entities changed
//! since the last commit, a conflicted merge's files listed and resolved field by field, and the
//! conflicts `trellis merge` listed in the folder's `conflicts/merge.json`, resolved one choice
//! at a time as undoable edits (`trellis::workspace::merge_conflicts`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;
use trellis::folder::conflicts::{self, FileConflict, Resolution};
use trellis::store::{EditOp, History};
use trellis::workspace::merge_conflicts::{self, MergeConflict};
use trellis::workspace::{EntityChange, FolderLink, Refresh};

use super::documents::set_title;
use crate::dto::{DocumentChange, DocumentState};
use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::{AppState, blocking};

/// What opening a folder found.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderOpen {
    /// The folder.
    pub dir: String,
    /// The window's document, when the folder opened; absent when it holds an unresolved merge.
    pub state: Option<DocumentState>,
    /// The conflicted files, when the folder holds an unresolved merge (resolve each with
    /// [`resolve_folder_conflict`], then open again).
    pub conflicts: Vec<FileConflict>,
    /// Whether opening applied changes made to the files while the folder was closed (one
    /// undoable step).
    pub changed_at_open: bool,
}

/// What a look at the window's folder found, with the history after it.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderRefresh {
    /// Files changed on disk, the patch to apply, or the conflicts found.
    pub refresh: Refresh,
    /// What undo and redo would do now (a change from the folder is an undoable step).
    pub history: History,
}

/// The choice for one conflicting field.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldChoice {
    /// The field (`FieldConflict::field`).
    pub field: String,
    /// Ours, theirs or an edited value.
    pub choice: Resolution,
}

/// Opens a curriculum folder in this window; without a path, asks with the native folder
/// dialog (`None` when the user cancels). A path from the UI must be one the window may open (a
/// folder it picked, the recent list).
#[tauri::command]
pub async fn open_folder(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<FolderOpen>, CommandError> {
    let dir = match path {
        Some(p) => state.check_path(window.label(), Purpose::OpenFolder, &PathBuf::from(p))?,
        None => {
            let picked = app
                .dialog()
                .file()
                .set_title("Open a curriculum folder")
                .set_parent(&window)
                .blocking_pick_folder()
                .and_then(|p| p.into_path().ok());
            let Some(dir) = picked else { return Ok(None) };
            state.grants.grant(window.label(), Purpose::OpenFolder, &dir);
            dir
        }
    };
    open_folder_at(&window, &state, dir).await.map(Some)
}

/// Opens the folder `dir` (already checked) in this window.
pub(crate) async fn open_folder_at(
    window: &Window,
    state: &AppState,
    dir: PathBuf,
) -> Result<FolderOpen, CommandError> {
    let shown = dir.display().to_string();
    let at = dir.clone();
    let opened = blocking(move || match FolderLink::open(&at) {
        Ok(opened) => Ok(Ok(opened)),
        Err(e) => match conflicts::list(&at) {
            Ok(found) if !found.is_empty() => Ok(Err(found)),
            _ => Err(e),
        },
    })
    .await?;
    let (store, _, link) = match opened {
        Ok(opened) => opened,
        Err(conflicts) => {
            return Ok(FolderOpen { dir: shown, state: None, conflicts, changed_at_open: false });
        }
    };
    let changed_at_open = link.changed_at_open();
    state.attach_folder(window.label(), store, link)?;
    let open = state.document_state(window.label()).await?;
    set_title(window, Some(&open.document.curriculum.title));
    Ok(FolderOpen { dir: shown, state: Some(open), conflicts: Vec::new(), changed_at_open })
}

/// Looks for files of the window's folder changed on disk; `None` when its document is not a
/// folder. Cheap when nothing changed (one `stat` per file).
#[tauri::command]
pub async fn folder_refresh(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Option<FolderRefresh>, CommandError> {
    let found = state.refresh_folder(window.label()).await?;
    Ok(found.map(|(refresh, history)| {
        if let Some(curriculum) = refresh.patch.as_ref().and_then(|p| p.curriculum.as_ref()) {
            set_title(&window, Some(&curriculum.title));
        }
        FolderRefresh { refresh, history }
    }))
}

/// Entities of the window's folder changed since the last commit (`git status`); `None` when
/// the document is not a folder, git is missing or the folder is not in a repository.
#[tauri::command]
pub async fn folder_changes(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Option<Vec<EntityChange>>, CommandError> {
    // git runs without the window's lock: edits never wait for it.
    let Some(dir) = state.with_folder(window.label(), |folder| Ok(folder.dir().to_owned())).await? else {
        return Ok(None);
    };
    blocking(move || Ok(trellis::workspace::changed_since_commit(&dir))).await
}

/// The folder to work on: `path` when given (a folder the window may open), else the window's.
async fn folder_dir(
    window: &Window,
    state: &AppState,
    path: Option<String>,
) -> Result<PathBuf, CommandError> {
    match path {
        Some(p) => state.check_path(window.label(), Purpose::OpenFolder, &PathBuf::from(p)),
        None => state
            .with_folder(window.label(), |folder| Ok(folder.dir().to_owned()))
            .await?
            .ok_or_else(|| CommandError::internal("this window's document is not a folder")),
    }
}

/// The conflicted files of a folder, field by field: of `path` (a folder the window picked,
/// e.g. one that did not open because of them), or of the window's folder.
#[tauri::command]
pub async fn folder_conflicts(
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Vec<FileConflict>, CommandError> {
    let dir = folder_dir(&window, &state, path).await?;
    blocking(move || conflicts::list(&dir)).await
}

/// Resolves one conflicted file of a folder (of `path`, or the window's) with a choice per
/// conflicting field, and answers with the conflicts that remain. The window's next
/// [`folder_refresh`] applies the resolved file.
#[tauri::command]
pub async fn resolve_folder_conflict(
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
    file: String,
    choices: Vec<FieldChoice>,
) -> Result<Vec<FileConflict>, CommandError> {
    let dir = folder_dir(&window, &state, path).await?;
    blocking(move || {
        let choices: Vec<(String, Resolution)> = choices.into_iter().map(|c| (c.field, c.choice)).collect();
        conflicts::resolve(&dir, &file, &choices)?;
        conflicts::list(&dir)
    })
    .await
}

/// What resolving one conflict of `conflicts/merge.json` did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MergeConflictResolved {
    /// The change to apply (one undoable step; its patch is empty when the document already
    /// held the chosen value).
    pub change: DocumentChange,
    /// The conflicts left in the file (empty: the file is gone).
    pub conflicts: Vec<MergeConflict>,
}

/// The conflicts `trellis merge` left in the window's folder (`conflicts/merge.json`), each with
/// its entity's title; empty when the folder has no such file. A file that does not read, or
/// names entities the folder does not have, is refused naming the file and the place.
#[tauri::command]
pub async fn folder_merge_conflicts(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<MergeConflict>, CommandError> {
    let dir = folder_dir(&window, &state, None).await?;
    state.with_document(window.label(), move |doc| merge_conflicts::list(&dir, doc)).await
}

/// Resolves conflict `index` of the window's `conflicts/merge.json` (listed with `path`) with
/// ours, theirs or an edited value: one undoable step written to the entity's files, then the
/// conflict is taken out of the file (removed with its last conflict). When the choice cannot
/// be applied, nothing changes, the file included.
#[tauri::command]
pub async fn resolve_merge_conflict(
    window: Window,
    state: State<'_, AppState>,
    index: u32,
    path: String,
    choice: Resolution,
) -> Result<MergeConflictResolved, CommandError> {
    let dir = folder_dir(&window, &state, None).await?;
    let (at, named) = (dir.clone(), path.clone());
    let change = state
        .change_from(window.label(), move |doc, store| {
            match merge_conflicts::resolved_document(&at, doc, index, &named, &choice)? {
                Some(document) => store.apply_all(
                    merge_conflicts::LABEL,
                    vec![EditOp::ReplaceDocument { document: Box::new(document) }],
                ),
                None => Ok(()),
            }
        })
        .await?;
    blocking(move || merge_conflicts::mark_resolved(&dir, index, &path).map(drop)).await?;
    let dir = folder_dir(&window, &state, None).await?;
    let conflicts = state.with_document(window.label(), move |doc| merge_conflicts::list(&dir, doc)).await?;
    Ok(MergeConflictResolved { change, conflicts })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use trellis::store::EditOp;
    use trellis::workspace::FolderLink;

    use crate::state::AppState;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn every_change_of_a_folder_window_is_written_to_its_files_and_files_changed_underneath_come_back_as_a_patch()
    -> TestResult {
        let dir = tempfile::tempdir()?;
        let course = dir.path().join("course");
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 1, units: 2, lessons: 2 });
        trellis::folder::write(&doc, &course)?;
        let (store, _, link) = FolderLink::open(&course)?;
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach_folder("main", store, link)?;
        let node = doc.nodes[1].clone();
        let file = course.join(format!("nodes/{}.md", node.id));
        tauri::async_runtime::block_on(async {
            // An edit answered with a patch.
            let mut renamed = node.clone();
            renamed.title = "Renamed through the window".into();
            state.change("main", move |s| s.apply(EditOp::UpdateNode { node: renamed })).await?;
            assert!(std::fs::read_to_string(&file)?.contains("Renamed through the window"));
            // A light edit the UI applied itself.
            let mut lean = node.clone();
            lean.title = "Typed in the outline".into();
            state.with_store("main", move |s| s.apply(EditOp::UpdateNode { node: lean })).await?;
            assert!(std::fs::read_to_string(&file)?.contains("Typed in the outline"));
            // Undo writes the file back.
            state.change("main", |s| s.undo().map(drop)).await?;
            assert!(std::fs::read_to_string(&file)?.contains("Renamed through the window"));

            let nothing = state.refresh_folder("main").await?.ok_or("a folder window")?;
            assert!(nothing.0.files.is_empty(), "our own writes are not changes underneath");
            let text = std::fs::read_to_string(&file)?;
            std::fs::write(&file, text.replace("Renamed through the window", "Pulled title"))?;
            let (refresh, history) = state.refresh_folder("main").await?.ok_or("a folder window")?;
            let patch = refresh.patch.ok_or("a patch")?;
            assert_eq!(patch.nodes.map(|n| n.changed.len()), Some(1));
            assert_eq!(history.undo.as_deref(), Some(trellis::workspace::EXTERNAL_LABEL));
            let loaded = state.with_document("main", |d| Ok(Arc::new(d.clone()))).await?;
            assert_eq!(loaded.nodes[1].title, "Pulled title");
            Ok::<_, Box<dyn std::error::Error>>(())
        })
    }
}
