//! Interactive content of activities (H5P packages, HTML5 simulations): attaching a package to an
//! activity of the open document (checked and stored by `trellis::interactive`, one undoable
//! step), describing it, and the preview protocol.
//!
//! The preview is served on a URI scheme of its own ([`SCHEME`]), so the content runs on an
//! origin that is not the app's: the UI frames it with `sandbox="allow-scripts"` (no
//! `allow-same-origin`), and every response carries a `sandbox allow-scripts` content security
//! policy as well, so even a frame without the attribute (or the page opened on its own) is an
//! opaque origin. Such a page cannot touch `window.parent`'s document, and it has no way to the
//! IPC: Tauri's isolation pattern encrypts every command in the app's own frame with a key the
//! content never sees, and the isolation hook passes only the app's own commands. The protocol
//! serves only the files of the package attached to the activity named in the address, of the
//! document of the window that asks (`trellis::export::interactive::preview_file`).

use serde::Serialize;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{AppHandle, Manager, Runtime, State, UriSchemeContext, UriSchemeResponder, Window};
use trellis::model::{ActivityId, InteractiveKind};

use crate::dto::DocumentState;
use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::AppState;

/// The URI scheme of the preview.
pub const SCHEME: &str = "trellis-interactive";

/// What an activity's interactive content is, for the editor.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct InteractiveInfo {
    /// `h5p` or `html5`.
    pub kind: InteractiveKind,
    /// Title the package gives itself.
    pub title: String,
    /// H5P: the content type (main library).
    pub main_library: String,
    /// H5P: the libraries it preloads.
    pub libraries: Vec<String>,
    /// The stored file's name.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Where the sandboxed preview frame points.
    pub preview_url: String,
}

/// What attaching did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachOutcome {
    /// The document after the edit.
    pub state: DocumentState,
    /// The content now attached.
    pub info: InteractiveInfo,
    /// The import report, one line each.
    pub report: Vec<String>,
}

fn parse_activity(activity: &str) -> Result<ActivityId, CommandError> {
    activity.parse().map_err(|e| {
        CommandError::new(trellis::ErrorCode::Validation, format!("{activity:?} is not an activity id: {e}"))
    })
}

/// The preview address of an activity's content (`trellis-interactive://localhost/<id>/<page>`;
/// Windows' webview names custom schemes `http://trellis-interactive.localhost/`).
fn preview_url(activity: ActivityId, entry: &str) -> String {
    if cfg!(windows) {
        format!("http://{SCHEME}.localhost/{activity}/{entry}")
    } else {
        format!("{SCHEME}://localhost/{activity}/{entry}")
    }
}

fn info_of(doc: &trellis::model::Document, activity: ActivityId) -> Option<InteractiveInfo> {
    let a = doc.activities.iter().find(|a| a.id == activity)?;
    let content = a.content.as_ref()?;
    let asset = doc.assets.iter().find(|x| x.id == content.asset)?;
    Some(InteractiveInfo {
        kind: content.kind,
        title: content.title.clone(),
        main_library: content.main_library.clone(),
        libraries: content.libraries.clone(),
        file: asset.name.clone(),
        bytes: asset.data.len() as u64,
        preview_url: preview_url(activity, &trellis::export::interactive::preview_entry(content)),
    })
}

/// Checks an H5P package (`.h5p`) or an HTML5 simulation (`.zip`) and attaches it to `activity`
/// as one undoable edit; without a path, asks with the native dialog (`None` when cancelled). A
/// refused package is a `validation` error naming the file and the reason.
#[tauri::command]
pub async fn attach_interactive(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    activity: String,
    path: Option<String>,
) -> Result<Option<AttachOutcome>, CommandError> {
    let id = parse_activity(&activity)?;
    let Some(source) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::AttachInteractive,
        path,
        "Attach interactive content",
        "H5P package or HTML5 simulation",
        &["h5p", "zip"],
    )?
    else {
        return Ok(None);
    };
    let imported = crate::state::blocking(move || trellis::interactive::read_path(&source)).await?;
    let report = imported.report();
    let ops = state
        .with_document(window.label(), move |doc| trellis::interactive::attach_ops(doc, id, imported))
        .await?;
    state.with_store(window.label(), move |store| store.apply_all("Attach interactive content", ops)).await?;
    let info = state
        .with_document(window.label(), move |doc| Ok(info_of(doc, id)))
        .await?
        .ok_or_else(|| CommandError::internal("the attached content is not in the document"))?;
    let open = state.document_state(window.label()).await?;
    Ok(Some(AttachOutcome { state: open, info, report }))
}

/// The interactive content of `activity`, if it has any.
#[tauri::command]
pub async fn interactive_info(
    window: Window,
    state: State<'_, AppState>,
    activity: String,
) -> Result<Option<InteractiveInfo>, CommandError> {
    let id = parse_activity(&activity)?;
    state.with_document(window.label(), move |doc| Ok(info_of(doc, id))).await
}

/// The preview protocol: `<scheme>://localhost/<activity id>/<path>` answers with that file of
/// the package attached to the activity, in the document of the window that asks; anything else
/// is 404. Every answer is sandboxed by its content security policy.
pub fn protocol<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let window = ctx.webview_label().to_owned();
    let path = request.uri().path().to_owned();
    tauri::async_runtime::spawn(async move {
        let answer = serve(&app, &window, &path).await;
        responder.respond(answer);
    });
}

async fn serve<R: Runtime>(app: &AppHandle<R>, window: &str, path: &str) -> Response<Vec<u8>> {
    let not_found = || respond(StatusCode::NOT_FOUND, "text/plain", b"not found".to_vec());
    let decoded = percent_decode(path.trim_start_matches('/'));
    let Some((activity, file)) = decoded.split_once('/') else { return not_found() };
    let Ok(id) = activity.parse::<ActivityId>() else { return not_found() };
    let file = file.to_owned();
    let Some(state) = app.try_state::<AppState>() else { return not_found() };
    let found = state
        .with_document(window, move |doc| {
            let Some(content) = doc.activities.iter().find(|a| a.id == id).and_then(|a| a.content.as_ref())
            else {
                return Ok(None);
            };
            let Some(asset) = doc.assets.iter().find(|x| x.id == content.asset) else { return Ok(None) };
            trellis::export::interactive::preview_file(asset, content, &doc.curriculum.language, &file)
        })
        .await;
    match found {
        Ok(Some((bytes, media_type))) => respond(StatusCode::OK, media_type, bytes),
        Ok(None) => not_found(),
        Err(e) => respond(StatusCode::UNPROCESSABLE_ENTITY, "text/plain", e.message.into_bytes()),
    }
}

/// The policy of every preview answer: an opaque origin with scripts (the `sandbox` directive),
/// files of the preview only, no requests elsewhere.
const PREVIEW_CSP: &str = "sandbox allow-scripts; default-src 'self' trellis-interactive: 'unsafe-inline' 'unsafe-eval' data: blob:; connect-src trellis-interactive:; object-src 'none'; base-uri 'self'; form-action 'none'";

fn respond(status: StatusCode, media_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    let built = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, media_type)
        .header(header::CONTENT_SECURITY_POLICY, PREVIEW_CSP)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        // The sandboxed (opaque-origin) player reads the content's JSON files with `fetch`.
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .body(body);
    built.unwrap_or_else(|_| Response::new(Vec::new()))
}

/// `%XX` sequences decoded (a file name with spaces arrives as `%20`); invalid ones kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Some(b) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_decoded_and_name_the_activity() {
        assert_eq!(percent_decode("a%20b/c.js"), "a b/c.js");
        assert_eq!(percent_decode("100%"), "100%");
        let id: ActivityId = "0190f100-0000-7000-8000-000000000006".parse().unwrap_or_default();
        let url = preview_url(id, "index.html");
        assert!(url.ends_with("/0190f100-0000-7000-8000-000000000006/index.html"), "{url}");
    }
}
