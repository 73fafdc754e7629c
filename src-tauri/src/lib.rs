//! `trellis-desktop`: the Tauri shell of the Trellis studio. It owns windows, native dialogs,
//! recent files and the IPC surface; every command is a thin wrapper that borrows the window's
//! document through [`state::AppState::with_store`] and calls one `trellis` library function.
//! It deliberately holds no curriculum logic, SQL or export code: those live in the library,
//! where the CLI and the tests reach them without a window.

pub mod commands;
pub mod dto;
pub mod error;
pub mod examples;
pub mod grants;
pub mod recent;
pub mod startup;
pub mod state;
mod window_state;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod mock_fixtures;

use std::path::PathBuf;

use tauri::Manager;

pub use error::CommandError;
use state::AppState;

/// Builds and runs the app until the last window closes. A `.trellis` path on the command line
/// (how the desktop's file association starts us) opens in the first window (and may be opened
/// again there: [`grants`]); so does a curriculum folder (`trellis::workspace`).
pub fn run() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    // The document starts opening now, while GTK, the window and its webview start.
    let mut early = startup::begin(&args);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol(
            commands::interactive::SCHEME,
            commands::interactive::protocol,
        )
        .setup(move |app| {
            let config_dir = app.path().app_config_dir().unwrap_or_else(|_| PathBuf::from(".trellis"));
            let documents_dir = std::env::var_os("TRELLIS_DOCUMENTS_DIR")
                .map(PathBuf::from)
                .or_else(|| app.path().document_dir().ok().map(|d| d.join("Trellis")))
                .unwrap_or_else(|| config_dir.join("documents"));
            let mut state = AppState::new(&config_dir, documents_dir);
            state.grants = grants::Grants::from_env();
            if let Some(path) = args.iter().find(|p| p.is_dir() && trellis::folder::is_folder(p)) {
                // A curriculum folder opens as the first window's document.
                match trellis::workspace::FolderLink::open(path) {
                    Ok((store, _, link)) => {
                        if let Err(e) = state.attach_folder("main", store, link) {
                            eprintln!("trellis: {e}");
                        }
                    }
                    Err(e) => eprintln!("trellis: {e}"),
                }
            }
            app.manage(state);
            let opening = match early.take() {
                Some(early) => startup::attach_when_ready(app.handle(), "main", early),
                None => startup::Opening::done(),
            };
            app.manage(opening);
            if let Some(window) = app.get_webview_window("main") {
                window_state::restore(&window, &config_dir);
            }
            Ok(())
        })
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::CloseRequested { .. } => {
                if let Ok(dir) = window.path().app_config_dir() {
                    window_state::save(window, &dir);
                }
            }
            // A closed window releases its document (and the file lock).
            tauri::WindowEvent::Destroyed => {
                if let Some(state) = window.try_state::<AppState>() {
                    state.detach(window.label());
                    state.grants.forget_window(window.label());
                }
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::documents::recent_documents,
            commands::documents::forget_recent,
            commands::documents::list_examples,
            commands::documents::current_document,
            commands::documents::startup_marks,
            commands::documents::document_rest,
            commands::documents::create_document,
            commands::documents::open_example,
            commands::documents::open_document,
            commands::documents::close_document,
            commands::documents::open_in_new_window,
            commands::edit::apply_edit,
            commands::edit::apply_edit_lean,
            commands::edit::undo,
            commands::edit::redo,
            commands::markdown::render_markdown,
            commands::analysis::check_document,
            commands::analysis::insights,
            commands::analysis::diff_snapshot,
            commands::pedagogy::list_templates,
            commands::pedagogy::analyze_objective,
            commands::import::import_framework,
            commands::import::import_cartridge,
            commands::import::cancel_import,
            commands::interactive::attach_interactive,
            commands::interactive::interactive_info,
            commands::evidence::evidence_sources,
            commands::evidence::import_evidence,
            commands::evidence::import_evidence_lrs,
            commands::evidence::cancel_evidence_import,
            commands::evidence::evidence_cohorts,
            commands::evidence::remove_cohort,
            commands::evidence::mastery_report,
            commands::evidence::evidence_analysis,
            commands::evidence::mastery_policy,
            commands::evidence::set_mastery_policy,
            commands::export::export_choices,
            commands::export::preflight_export,
            commands::export::export_document,
            commands::export::cancel_export,
            commands::export::show_in_folder,
            commands::report::write_review_packet,
            commands::report::cancel_report,
            commands::translate::translation_overview,
            commands::translate::set_translation,
            commands::workspace::open_folder,
            commands::workspace::folder_refresh,
            commands::workspace::folder_changes,
            commands::workspace::folder_conflicts,
            commands::workspace::resolve_folder_conflict,
            commands::workspace::folder_merge_conflicts,
            commands::workspace::resolve_merge_conflict,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("trellis: the app could not start: {err}");
        std::process::exit(1);
    }
}
