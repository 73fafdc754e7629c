//! Pedagogy for the editors: the template gallery (with each template's outline levels and field
//! specs, which drive the generated forms) and the live analysis of an objective statement.

use trellis::pedagogy::{ObjectiveAnalysis, Template};

/// Every template (built-in and the user's own), in gallery order.
#[tauri::command]
pub fn list_templates() -> Vec<Template> {
    trellis::pedagogy::templates::all()
}

/// Verb, Bloom level with the reason, measurability and ABCD parts of one statement. Pure and
/// fast (no document involved), so it runs on the async runtime's thread pool as typed.
#[tauri::command]
pub async fn analyze_objective(statement: String) -> ObjectiveAnalysis {
    trellis::pedagogy::analyze_objective(&statement)
}
