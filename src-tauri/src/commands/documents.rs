//! Opening, creating and closing documents, and the start screen's lists. One document per
//! window: a window's document lives in [`AppState`] under the window's label.

use tauri::ipc::Response;
use tauri::{AppHandle, State, Window};
use trellis::store::Store;

use crate::dto::{DocumentState, ExampleInfo, RecentDocument};
use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::{AppState, blocking};

/// Recently opened documents, newest first.
#[tauri::command]
pub fn recent_documents(state: State<'_, AppState>) -> Vec<RecentDocument> {
    state.recent.lock().map(|r| r.entries()).unwrap_or_default()
}

/// Removes a document from the recent list (the file is untouched).
#[tauri::command]
pub fn forget_recent(state: State<'_, AppState>, path: String) -> Vec<RecentDocument> {
    state
        .recent
        .lock()
        .map(|mut r| {
            r.forget(&path);
            r.entries()
        })
        .unwrap_or_default()
}

/// The bundled examples.
#[tauri::command]
pub fn list_examples() -> Vec<ExampleInfo> {
    crate::examples::list()
}

/// The window's document, if one is open (e.g. a file given on the command line, once its
/// opening at start-up is over): the gzipped JSON of an `Option<DocumentState>`, made from the
/// document's cached JSON. With `staged` (the window's start-up), a large document answers with
/// its outline and `"rest": version` instead, and its remainder is then asked for with
/// [`document_rest`] (docs/desktop.md, "Speed").
#[tauri::command]
pub async fn current_document(
    window: Window,
    state: State<'_, AppState>,
    opening: State<'_, crate::startup::Opening>,
    staged: Option<bool>,
) -> Result<Response, CommandError> {
    opening.settled().await;
    if !state.has_document(window.label()) {
        return Ok(Response::new("null".to_owned()));
    }
    if staged != Some(true) {
        return answer(&window, &state).await;
    }
    let (response, doc) = state.opening_state_response(window.label()).await?;
    set_title(&window, Some(&doc.curriculum.title));
    crate::startup::mark("answered");
    Ok(response)
}

/// The remainder of a large document whose outline `current_document` answered with
/// `"rest": version` (gzipped JSON of the fields the outline left out), or `null` when the
/// document changed since (the window then asks for it whole).
#[tauri::command]
pub async fn document_rest(
    window: Window,
    state: State<'_, AppState>,
    version: u64,
) -> Result<Response, CommandError> {
    state.document_rest_response(window.label(), version).await
}

/// When the steps of opening the command line's document finished (ms since the Unix epoch,
/// by step name; empty without one): the real-app start-up test prints them.
#[tauri::command]
pub fn startup_marks() -> Response {
    Response::new(crate::startup::marks_json())
}

/// Creates a new document from a template (its starting outline) in the documents folder and
/// opens it in this window.
#[tauri::command]
pub async fn create_document(
    window: Window,
    state: State<'_, AppState>,
    template: String,
    title: String,
) -> Result<DocumentState, CommandError> {
    let dir = state.documents_dir.clone();
    let store = blocking(move || {
        trellis::workflow::document::from_template(&dir, &super::pedagogy::catalog(), &template, &title)
    })
    .await?;
    attach_and_read(&window, &state, store).await
}

/// Copies a bundled example into a new document in the documents folder and opens it.
#[tauri::command]
pub async fn open_example(
    window: Window,
    state: State<'_, AppState>,
    id: String,
) -> Result<DocumentState, CommandError> {
    let dir = state.documents_dir.clone();
    let store = blocking(move || {
        let doc = crate::examples::document(&id)?;
        trellis::workflow::document::create_in(&dir, &doc, &format!("example {id}"))
    })
    .await?;
    attach_and_read(&window, &state, store).await
}

/// Opens a `.trellis` file in this window; without a path, asks with the native dialog
/// (`None` when the user cancels). A path from the UI must be one the window may open (the
/// recent list, a file the app created; see [`crate::grants`]).
#[tauri::command]
pub async fn open_document(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Response, CommandError> {
    let Some(path) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::Open,
        path,
        "Open a curriculum",
        "Trellis curriculum",
        &["trellis"],
    )?
    else {
        return Ok(Response::new("null".to_owned()));
    };
    if path.is_dir() {
        // A curriculum folder from the recent list.
        let opened = super::workspace::open_folder_at(&window, &state, path).await?;
        let Some(open) = opened.state else { return Err(CommandError::from(conflicted(&opened))) };
        return Ok(Response::new(
            serde_json::to_string(&open).map_err(|e| CommandError::internal(e.to_string()))?,
        ));
    }
    let store = blocking(move || Store::open(&path)).await?;
    state.attach(window.label(), store)?;
    answer(&window, &state).await
}

/// The error of a folder that did not open because it holds an unresolved merge.
fn conflicted(opened: &super::workspace::FolderOpen) -> trellis::Error {
    trellis::Error::Conflict(format!(
        "{} holds an unresolved merge ({} conflicted file(s)); open it with Open folder… to resolve them",
        opened.dir,
        opened.conflicts.len()
    ))
}

/// Opens a document in a new window (one document per window); without a path, asks with the
/// native dialog. Returns the new window's label, or `None` when the user cancelled.
#[tauri::command]
pub async fn open_in_new_window(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<String>, CommandError> {
    let Some(path) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::Open,
        path,
        "Open a curriculum in a new window",
        "Trellis curriculum",
        &["trellis"],
    )?
    else {
        return Ok(None);
    };
    let store = blocking(move || Store::open(&path)).await?;
    let label = state.next_window_label();
    // The document is in place before the window's UI asks for it.
    state.attach(&label, store)?;
    let built = tauri::WebviewWindowBuilder::new(&app, &label, tauri::WebviewUrl::App("index.html".into()))
        .title("Trellis")
        .inner_size(1280.0, 800.0)
        .min_inner_size(900.0, 600.0)
        .build();
    if let Err(e) = built {
        state.detach(&label);
        return Err(CommandError::internal(format!("the window could not be opened: {e}")));
    }
    Ok(Some(label))
}

/// Closes this window's document (everything is already saved).
#[tauri::command]
pub fn close_document(window: Window, state: State<'_, AppState>) {
    state.detach(window.label());
    set_title(&window, None);
}

/// The native window title names the open curriculum (the task bar and window switcher show it).
pub(crate) fn set_title(window: &Window, document: Option<&str>) {
    let title = document.map(|t| format!("{t} — Trellis")).unwrap_or_else(|| "Trellis".to_owned());
    let _ = window.set_title(&title);
}

/// The window's [`DocumentState`] as a ready-made answer; names the window after the curriculum.
async fn answer(window: &Window, state: &AppState) -> Result<Response, CommandError> {
    let (response, doc) = state.document_state_response(window.label()).await?;
    set_title(window, Some(&doc.curriculum.title));
    Ok(response)
}

/// Makes `store` the window's document and answers with its state.
pub(crate) async fn attach_and_read(
    window: &Window,
    state: &AppState,
    store: Store,
) -> Result<DocumentState, CommandError> {
    state.attach(window.label(), store)?;
    let open = state.document_state(window.label()).await?;
    set_title(window, Some(&open.document.curriculum.title));
    Ok(open)
}
