//! Pedagogy for the editors: the template gallery (with each template's outline levels and field
//! specs, which drive the generated forms) and the live analysis of an objective statement.
//!
//! The gallery and "new from template" both read one catalog: the built-in templates plus the
//! user's folder (`trellis::pedagogy::templates::user_dir`, `TRELLIS_TEMPLATES` overrides it),
//! read afresh on each call so a template dropped into the folder shows up without a restart.
//! The analysis follows the calibration profile the window's document stores, if any.

use tauri::{State, Window};
use trellis::pedagogy::ObjectiveAnalysis;
use trellis::pedagogy::templates::{self, Catalog};

use crate::error::CommandError;
use crate::state::AppState;

/// Every template (built-in and the user's own, which override built-ins with the same id),
/// sorted by name, with one sentence per user template file that could not be loaded.
#[tauri::command]
pub fn list_templates() -> Catalog {
    catalog()
}

/// The catalog of the gallery: built-ins plus the user's template folder.
pub fn catalog() -> Catalog {
    templates::catalog(templates::user_dir().as_deref())
}

/// Verb, Bloom level with the reason, measurability and ABCD parts of one statement, in the
/// convention of the window's document (its stored calibration profile; the built-in rules when
/// it has none, when no document is open, or when the profile cannot be read). Fast, so it runs
/// on the async runtime's thread pool as typed; `convention` says which convention suggested.
#[tauri::command]
pub async fn analyze_objective(
    window: Window,
    state: State<'_, AppState>,
    statement: String,
) -> Result<ObjectiveAnalysis, CommandError> {
    let profile = if state.has_document(window.label()) {
        state
            .with_document(window.label(), |doc| Ok(trellis::pedagogy::document_profile(doc).ok().flatten()))
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    // Never fails: a document that cannot be read gives the built-in convention.
    Ok(trellis::pedagogy::analyze_objective_using(&statement, profile.as_ref()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    const CHILD: &str = "commands::pedagogy::tests::print_catalog_for_the_parent_test";
    const MARK: &str = "CATALOG ";

    /// Runs [`print_catalog_for_the_parent_test`] in a child process with `TRELLIS_TEMPLATES`
    /// set (the variable cannot be set safely inside a multi-threaded test binary).
    fn catalog_with_user_dir(dir: &Path) -> (serde_json::Value, bool) {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([CHILD, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("TRELLIS_TEMPLATES", dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        let line = stdout.lines().find_map(|l| l.strip_prefix(MARK)).unwrap_or_else(|| panic!("{stdout}"));
        let found = stdout.lines().any(|l| l == "FOUND our-5e");
        (serde_json::from_str(line).unwrap(), found)
    }

    #[test]
    #[ignore = "run in a child process by the catalog test, with TRELLIS_TEMPLATES set"]
    fn print_catalog_for_the_parent_test() {
        // A line of its own: libtest has already printed "test … ... " on the current one.
        println!("\n{MARK}{}", serde_json::to_string(&list_templates()).unwrap());
        if let Ok(t) = trellis::workflow::document::find_template(&catalog(), "our-5e") {
            println!("\nFOUND {}", t.id);
        }
    }

    #[test]
    fn user_templates_show_up_in_the_catalog_and_a_bad_file_yields_one_error_line_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/5e-lesson.toml");
        let ours = std::fs::read_to_string(builtin)
            .unwrap()
            .replace("id = \"5e-lesson\"", "id = \"our-5e\"")
            .replace("name = \"5E inquiry lesson\"", "name = \"Our inquiry lesson\"");
        assert!(ours.contains("our-5e") && ours.contains("Our inquiry lesson"), "the built-in file changed");
        std::fs::write(dir.path().join("ours.toml"), ours).unwrap();
        std::fs::write(dir.path().join("broken.toml"), "id = \"broken\"\nname = \n").unwrap();

        let (catalog, found) = catalog_with_user_dir(dir.path());
        let list = catalog["templates"].as_array().unwrap();
        let ours = list.iter().find(|t| t["id"] == "our-5e").unwrap();
        assert_eq!(ours["name"], "Our inquiry lesson");
        assert!(ours["source"].as_str().unwrap().ends_with("ours.toml"), "{}", ours["source"]);
        for t in templates::all() {
            let entry = list.iter().find(|x| x["id"] == t.id.as_str()).unwrap();
            assert_eq!(entry["source"], "builtin");
        }
        let errors: Vec<&str> =
            catalog["errors"].as_array().unwrap().iter().filter_map(|e| e.as_str()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("broken.toml") && !errors[0].contains('\n'), "{}", errors[0]);
        assert!(found, "new from template finds the user's template in the same catalog");
    }

    /// The built-in templates as the mock backend serves them (`ui/src/lib/ipc/mock.ts` imports
    /// this file), so the browser tests see exactly the library's gallery. Like the bindings test,
    /// it rewrites the file and fails when it drifted; `make bindings-check` catches it uncommitted.
    #[test]
    fn the_mock_backends_template_fixture_is_the_builtin_catalog() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/gen/builtin-templates.json");
        let fresh =
            format!("{}\n", serde_json::to_string_pretty(&templates::catalog(None).templates).unwrap());
        if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
            std::fs::write(&path, fresh).unwrap();
            panic!("{} was out of date and has been regenerated; review and commit it", path.display());
        }
    }
}
