//! Markdown preview: rendered and sanitised by the library, never in the webview.

/// Renders Markdown to sanitised HTML for the editor's preview.
#[tauri::command]
pub fn render_markdown(markdown: String) -> String {
    trellis::markdown::render(&markdown)
}
