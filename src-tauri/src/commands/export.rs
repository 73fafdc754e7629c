//! The export dialog: the formats and LMS profiles on offer, the pre-export check, the export
//! itself (off the UI thread, with progress events and cancellation) and "show in folder".
//! Exporting is `trellis::workflow::export::export_to_path` (lowering, the staged package
//! writer, cancellation before every entry); this file only picks and checks the destination,
//! relays progress and the cancel flag, and converts the request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, Window};
use trellis::Finding;
use trellis::export::{ExportFormat, ExportOptions, ExportReport, LmsProfile};
use trellis::model::Document;
use trellis::pedagogy::FieldSpec;
use trellis::task::{Progress, Task};

use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::AppState;

/// Event carrying `trellis::task::Progress` to the window that started the export.
pub const PROGRESS_EVENT: &str = "export-progress";

/// One format of the dialog.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    /// The format.
    pub format: ExportFormat,
    /// Human name.
    pub label: String,
    /// File extension of the package.
    pub extension: String,
    /// The format's options (`ExportFormat::option_specs`), drawn by the dialog as a form; their
    /// values go into [`ExportRequest::values`].
    pub options: Vec<FieldSpec>,
    /// Whether the format can export one of the document's imported frameworks instead of the
    /// curriculum's objectives ([`ExportRequest::framework`]).
    pub exports_frameworks: bool,
}

/// What the export dialog offers.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportChoices {
    /// Formats in menu order.
    pub formats: Vec<FormatChoice>,
    /// LMS profiles in menu order.
    pub profiles: Vec<LmsProfile>,
}

/// What the user asked for.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// The format.
    pub format: ExportFormat,
    /// The target LMS.
    pub profile: LmsProfile,
    /// Refuse when the pre-export check reports errors.
    pub strict: bool,
    /// Where to write; `None` asks with the native save dialog. A path is accepted only when the
    /// window was granted it for exports (`src-tauri/src/grants.rs`).
    pub destination: Option<String>,
    /// Format options by key (the names of [`FormatChoice::options`]); checked by the preflight.
    #[serde(default)]
    #[ts(type = "Record<string, unknown>")]
    pub values: BTreeMap<String, serde_json::Value>,
    /// Formats that export frameworks: the imported framework (Trellis id or source identifier)
    /// to export instead of the curriculum's objectives.
    #[serde(default)]
    pub framework: Option<String>,
    /// Export in this language variant (BCP 47 tag of one of the document's translations); `None`
    /// or empty: the source language.
    #[serde(default)]
    #[ts(optional)]
    pub lang: Option<String>,
}

impl ExportRequest {
    /// The library's options for this request on `doc`: the preflight and the export see the same.
    pub fn options(&self, doc: &Document) -> ExportOptions {
        let mut options = ExportOptions::for_document(doc).with_profile(self.profile);
        options.strict = self.strict;
        options.framework = self.framework.clone().filter(|f| !f.trim().is_empty());
        options.lang = self.lang.clone().filter(|l| !l.trim().is_empty());
        options.values =
            self.values.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
        options.templates = trellis::pedagogy::templates::user_dir();
        options
    }
}

/// A finished export.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    /// The package written.
    pub path: String,
    /// Entries and findings.
    pub report: ExportReport,
}

/// Formats and profiles.
#[tauri::command]
pub fn export_choices() -> ExportChoices {
    ExportChoices {
        formats: ExportFormat::ALL
            .iter()
            .map(|&format| FormatChoice {
                format,
                label: format.label().to_owned(),
                extension: format.extension().to_owned(),
                options: format.option_specs(),
                exports_frameworks: format.exports_frameworks(),
            })
            .collect(),
        profiles: LmsProfile::ALL.to_vec(),
    }
}

/// The pre-export findings for a request (format, profile, options, framework; the destination
/// is not used).
#[tauri::command]
pub async fn preflight_export(
    window: Window,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Vec<Finding>, CommandError> {
    state
        .with_document(window.label(), move |doc| {
            Ok(trellis::export::preflight(doc, request.format, &request.options(doc)))
        })
        .await
}

/// Exports the window's document. Progress goes to the window as [`PROGRESS_EVENT`]; the export
/// stops at the next file when [`cancel_export`] is called, and nothing is left behind.
/// `None` when the user cancelled the save dialog. A destination from the UI must have been
/// granted to the window for exports ([`crate::grants`]); the one picked in the save dialog is.
#[tauri::command]
pub async fn export_document(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Option<ExportOutcome>, CommandError> {
    let format = request.format;
    let Some(dest) = super::destination_or_pick(
        &app,
        &window,
        &state,
        Purpose::Export,
        request.destination.clone(),
        |title| trellis::workflow::save::export_package(title, format),
    )
    .await?
    else {
        return Ok(None);
    };
    let progress = super::progress_to(&window, PROGRESS_EVENT);
    export_to(&state, window.label(), request, dest, progress).await.map(Some)
}

/// Exports `window`'s document to `dest`, which the window must be allowed to export to
/// ([`Purpose::Export`]): otherwise it is refused before anything is written. The written
/// package is granted to the window for "show in folder".
pub async fn export_to(
    state: &AppState,
    window: &str,
    request: ExportRequest,
    dest: PathBuf,
    progress: impl Fn(Progress) + Send + 'static,
) -> Result<ExportOutcome, CommandError> {
    let dest = state.check_path(window, Purpose::Export, &dest)?;
    let cancel = state.cancel_export.start(window);
    let path = dest.display().to_string();
    let written = dest.clone();
    // The document's mastery policy (evidence of learning) goes into the Canvas outcomes, as
    // `trellis export` writes it.
    let mastery = state
        .read_evidence(window, |store, _| {
            trellis::evidence::store::policies(store.connection(), store.path())
        })
        .await?;
    let report = state
        .with_document(window, move |doc| {
            let task = Task::new("the export", &progress, &cancel);
            let mut options = request.options(doc);
            options.mastery = mastery;
            trellis::workflow::export::export_to_path(doc, request.format, &options, &dest, &task)
        })
        .await?;
    state.grants.grant(window, Purpose::Reveal, &written);
    Ok(ExportOutcome { path, report })
}

/// Asks the running export to stop.
#[tauri::command]
pub fn cancel_export(window: Window, state: State<'_, AppState>) {
    state.cancel_export.cancel(window.label());
}

/// Shows the folder holding `path` in the system file manager. Only a file the app wrote from
/// this window (an export, a review packet) can be shown, and only its folder is opened —
/// never the file itself, which the folder opener would hand to the file's default program.
#[tauri::command]
pub fn show_in_folder(window: Window, state: State<'_, AppState>, path: String) -> Result<(), CommandError> {
    let dir = folder_to_reveal(&state, window.label(), Path::new(&path))?;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&dir)
        .spawn()
        .map(|_| ())
        .map_err(|e| CommandError::from(trellis::Error::io(&dir, e)))
}

/// The folder "show in folder" opens for `path`: the resolved parent folder of a file the window
/// wrote ([`Purpose::Reveal`]); refused for anything else, or when that folder is not a folder.
pub fn folder_to_reveal(state: &AppState, window: &str, path: &Path) -> Result<PathBuf, CommandError> {
    state.check_path(window, Purpose::Reveal, path)?;
    let refused = || crate::grants::refused(Purpose::Reveal, path);
    let resolved = crate::grants::resolve(path).ok_or_else(refused)?;
    let dir = resolved.parent().ok_or_else(refused)?.to_path_buf();
    if !dir.is_dir() {
        return Err(refused());
    }
    Ok(dir)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn request(format: ExportFormat, values: serde_json::Value) -> ExportRequest {
        serde_json::from_value(serde_json::json!({
            "format": format, "profile": "canvas", "strict": true, "destination": null, "values": values,
        }))
        .unwrap()
    }

    #[test]
    fn every_format_offers_the_libraries_option_specs() {
        let choices = export_choices();
        assert_eq!(choices.formats.len(), ExportFormat::ALL.len());
        for c in &choices.formats {
            assert_eq!(c.options, c.format.option_specs(), "{}", c.format);
            assert_eq!(c.exports_frameworks, c.format == ExportFormat::Case);
        }
        let scorm = choices.formats.iter().find(|c| c.format == ExportFormat::Scorm2004).unwrap();
        let names: Vec<&str> = scorm.options.iter().map(FieldSpec::name).collect();
        assert_eq!(names, ["scoLevel", "masteryScore"]);
    }

    /// What the mock backend's `exportChoices` answers (`ui/src/lib/ipc/mock.ts` imports it), so the
    /// browser tests draw the same option forms as the app. Rewritten and failing when it drifted.
    #[test]
    fn the_mock_backends_export_choices_fixture_is_the_command_answer() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/src/lib/ipc/gen/export-choices.json");
        let fresh = format!("{}\n", serde_json::to_string_pretty(&export_choices()).unwrap());
        if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
            std::fs::write(&path, fresh).unwrap();
            panic!("{} was out of date and has been regenerated; review and commit it", path.display());
        }
    }

    #[test]
    fn a_request_becomes_the_options_the_preflight_and_the_export_use() {
        let doc = Document::new("Statistics");
        let r = request(
            ExportFormat::Scorm2004,
            serde_json::json!({ "scoLevel": "unit", "masteryScore": 0.9, "cleared": null }),
        );
        let options = r.options(&doc);
        assert_eq!(options.profile, LmsProfile::Canvas);
        assert!(options.strict);
        assert_eq!(options.framework, None);
        // Cleared fields fall back to the format's default.
        assert_eq!(options.values.keys().collect::<Vec<_>>(), ["masteryScore", "scoLevel"]);
        assert_eq!(options.values["masteryScore"], serde_json::json!(0.9));
        let bad = request(ExportFormat::Scorm2004, serde_json::json!({ "masteryScore": 1.5 }));
        let findings = trellis::export::preflight(&doc, bad.format, &bad.options(&doc));
        assert!(findings.iter().any(|f| f.code == "X12-invalid-option"), "{findings:?}");

        // Older callers send neither values nor a framework.
        let plain: ExportRequest = serde_json::from_value(serde_json::json!({
            "format": "case", "profile": "generic", "strict": false, "destination": null, "framework": "  ",
        }))
        .unwrap();
        let options = plain.options(&doc);
        assert!(options.values.is_empty());
        assert_eq!(options.framework, None, "a blank framework means the curriculum's objectives");
        assert_eq!(options.lang, None, "no language: the source language");

        // A language variant goes to the library's options; a blank one means the source.
        for (sent, expected) in [("fr", Some("fr")), (" ", None)] {
            let localised: ExportRequest = serde_json::from_value(serde_json::json!({
                "format": "scorm2004", "profile": "generic", "strict": false, "destination": null, "lang": sent,
            }))
            .unwrap();
            assert_eq!(localised.options(&doc).lang.as_deref(), expected, "{sent:?}");
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A destination the webview names without the user having chosen it (a forged
    /// `export_document` call) is refused: nothing is written and a file already there is
    /// untouched. Chosen in the save dialog (granted), the same path is written, and only then
    /// can it be shown in its folder.
    #[test]
    fn a_forged_export_destination_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        let doc = crate::examples::document("intro-statistics").unwrap();
        state
            .attach("main", trellis::store::Store::create(&dir.path().join("c.trellis"), &doc).unwrap())
            .unwrap();
        let victim = out.join("victim.zip");
        std::fs::write(&victim, b"precious").unwrap();
        let fresh = out.join("course.zip");
        let request = |dest: &Path| -> ExportRequest {
            serde_json::from_value(serde_json::json!({
                "format": "scorm2004", "profile": "generic", "strict": false,
                "destination": dest.display().to_string(),
            }))
            .unwrap()
        };
        tauri::async_runtime::block_on(async {
            // Granted for another purpose or to another window does not count either.
            state.grants.grant("main", Purpose::Packet, &fresh);
            state.grants.grant("doc-2", Purpose::Export, &fresh);
            for dest in [&victim, &fresh] {
                let err = export_to(&state, "main", request(dest), dest.clone(), |_| {}).await.unwrap_err();
                assert_eq!(err.code, trellis::ErrorCode::Validation);
                assert!(err.message.contains(&dest.display().to_string()), "{}", err.message);
                assert!(err.message.contains("not chosen in a file dialog"), "{}", err.message);
                let reveal = folder_to_reveal(&state, "main", dest).unwrap_err();
                assert_eq!(reveal.code, trellis::ErrorCode::Validation, "not written by the app: not shown");
            }
            assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
            assert_eq!(files(&out), ["victim.zip"], "nothing was written, not even a temporary file");

            state.grants.grant("main", Purpose::Export, &fresh);
            let outcome = export_to(&state, "main", request(&fresh), fresh.clone(), |_| {}).await.unwrap();
            assert_eq!(outcome.path, fresh.display().to_string());
            assert!(std::fs::metadata(&fresh).unwrap().len() > 1000);
            assert_eq!(folder_to_reveal(&state, "main", &fresh).unwrap(), out.canonicalize().unwrap());
            assert!(folder_to_reveal(&state, "doc-2", &fresh).is_err(), "another window did not write it");
        });
    }
    /// The app's export writes the document's mastery policy into the Canvas outcomes, as
    /// `trellis export` does.
    #[test]
    fn a_canvas_export_from_the_app_carries_the_documents_mastery_policy() {
        use std::io::Read as _;
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        let doc = crate::examples::document("intro-statistics").unwrap();
        let mut store = trellis::store::Store::create(&dir.path().join("c.trellis"), &doc).unwrap();
        let policy = trellis::evidence::mastery::Policy {
            method: trellis::evidence::mastery::Method::NMastery,
            calculation_int: Some(3),
            ..Default::default()
        };
        trellis::workflow::evidence::set_policy(&mut store, &doc, None, Some(&policy)).unwrap();
        state.attach("main", store).unwrap();
        let dest = dir.path().join("course.imscc");
        state.grants.grant("main", Purpose::Export, &dest);
        let request: ExportRequest = serde_json::from_value(serde_json::json!({
            "format": "cc13", "profile": "canvas", "strict": false,
            "destination": dest.display().to_string(),
        }))
        .unwrap();
        tauri::async_runtime::block_on(export_to(&state, "main", request, dest.clone(), |_| {})).unwrap();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&dest).unwrap()).unwrap();
        let mut xml = String::new();
        archive.by_name("course_settings/learning_outcomes.xml").unwrap().read_to_string(&mut xml).unwrap();
        let n = doc.objectives.len();
        assert_eq!(xml.matches("<calculation_method>n_mastery</calculation_method>").count(), n, "{xml}");
        assert_eq!(xml.matches("<calculation_int>3</calculation_int>").count(), n);
    }
}
