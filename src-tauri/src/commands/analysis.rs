//! Analysis for the open document: the findings panel, the insight views (Bloom table,
//! workload, coverage, curriculum map, sequence graph) and the snapshot comparison of review
//! mode. All of it is computed by `trellis::analysis` from the committed document, with the
//! document's template resolved in the gallery's catalog (built-in plus the user's templates),
//! so a user template's own checks show in the findings panel.

use tauri::{State, Window};
use trellis::Finding;
use trellis::analysis::diff::DocumentDiff;
use trellis::analysis::views::Views;
use trellis::model::Document;

use crate::error::CommandError;
use crate::state::AppState;

/// Every finding of the whole-document check, most severe first.
#[tauri::command]
pub async fn check_document(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<Finding>, CommandError> {
    state.with_document(window.label(), |doc| Ok(findings(doc))).await
}

/// The findings panel's list: the whole-document check with the gallery's catalog
/// ([`super::pedagogy::catalog`]), read afresh like the gallery.
pub fn findings(doc: &Document) -> Vec<Finding> {
    trellis::analysis::check(doc, &super::pedagogy::catalog())
}

/// The data of every review view.
#[tauri::command]
pub async fn insights(window: Window, state: State<'_, AppState>) -> Result<Views, CommandError> {
    state
        .with_document(window.label(), |doc| {
            Ok(trellis::analysis::views::all(doc, &super::pedagogy::catalog()))
        })
        .await
}

/// What changed since the named snapshot.
#[tauri::command]
pub async fn diff_snapshot(
    window: Window,
    state: State<'_, AppState>,
    name: String,
) -> Result<DocumentDiff, CommandError> {
    state
        .with_document(window.label(), move |doc| {
            let old = trellis::analysis::diff::snapshot_document(doc, &name)?;
            Ok(trellis::analysis::diff::diff(&old, doc))
        })
        .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::process::Command;

    use trellis::pedagogy::templates::Catalog;
    use trellis::task::Task;
    use trellis::workflow::packet::{PacketRequest, write_packet};

    use super::*;

    const CHILD: &str = "commands::analysis::tests::print_findings_for_the_parent_test";
    const CODE: &str = "SEM1-session-without-readings";

    /// A template that exists only in the user's folder; its check fires on its own skeleton.
    const SEMINAR: &str = r#"
id = "our-seminar"
name = "Our seminar"
[[levels]]
kind = "course"
label = "Course"
plural = "Courses"
children = ["session"]
[[levels]]
kind = "session"
label = "Session"
plural = "Sessions"
[[fields.session]]
type = "list"
name = "readings"
label = "Readings"
[[skeleton]]
kind = "course"
title = "{title}"
[[skeleton.children]]
kind = "session"
title = "Peer review"
[[checks]]
code = "SEM1-session-without-readings"
severity = "error"
message = "Session {node} lists no readings."
rule = { kind = "requiredField", nodeKind = "session", field = "readings" }
"#;

    #[test]
    #[ignore = "run in a child process by the findings test, with TRELLIS_TEMPLATES set"]
    fn print_findings_for_the_parent_test() {
        // The parent put the document beside the template folder.
        let dir = std::path::PathBuf::from(std::env::var_os("TRELLIS_TEMPLATES").unwrap());
        let doc = trellis::json::read(&dir.with_file_name("seminar.json")).unwrap();
        for f in findings(&doc) {
            println!("\nFINDING {}", f.code);
        }
        let html = dir.with_file_name("packet.html");
        let request = PacketRequest { since: None, generated_at: "now".into(), pdf: None };
        let task = Task::quiet("the review packet");
        write_packet(&doc, &super::super::pedagogy::catalog(), &html, request, &task).unwrap();
    }

    /// The findings panel and the desktop's review packet run the checks of a template that
    /// lives in the user's folder (the folder the gallery reads, `TRELLIS_TEMPLATES`).
    #[test]
    fn the_findings_panel_and_the_packet_run_a_user_templates_checks() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("templates");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("seminar.toml"), SEMINAR).unwrap();
        let catalog = Catalog::load(Some(&dir));
        let doc = catalog.get("our-seminar").unwrap().instantiate("Research ethics");
        trellis::json::write_atomic(
            &root.path().join("seminar.json"),
            trellis::json::to_string(&doc).as_bytes(),
        )
        .unwrap();

        let out = Command::new(std::env::current_exe().unwrap())
            .args([CHILD, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("TRELLIS_TEMPLATES", &dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        let codes: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("FINDING ")).collect();
        assert!(codes.contains(&CODE), "the findings panel lists the user template's check: {codes:?}");
        let packet = std::fs::read_to_string(root.path().join("packet.html")).unwrap();
        assert!(packet.contains(CODE) && packet.contains("Our seminar"), "the packet has it too");
    }
}
