//! `AppState`: which document each window has open, plus the app-wide settings files (recent
//! documents). [`AppState::with_store`] is the one place that locks a document and moves the
//! blocking SQLite work off the async runtime; commands never lock or spawn themselves.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use trellis::store::Store;

use crate::error::CommandError;
use crate::recent::RecentList;

/// Shared state of the running app.
pub struct AppState {
    windows: Mutex<HashMap<String, Arc<Mutex<Store>>>>,
    /// Recently opened documents (persisted in the config directory).
    pub recent: Mutex<RecentList>,
    /// Where new documents are created.
    pub documents_dir: PathBuf,
    /// Set to ask the running export to stop.
    pub cancel_export: Arc<AtomicBool>,
}

impl AppState {
    /// State with the recent list stored under `config_dir` and new documents created in
    /// `documents_dir`.
    pub fn new(config_dir: &Path, documents_dir: PathBuf) -> Self {
        AppState {
            windows: Mutex::new(HashMap::new()),
            recent: Mutex::new(RecentList::load(config_dir.join("recent.json"))),
            documents_dir,
            cancel_export: Arc::new(AtomicBool::new(false)),
        }
    }

    fn store(&self, window: &str) -> Result<Arc<Mutex<Store>>, CommandError> {
        let windows =
            self.windows.lock().map_err(|_| CommandError::internal("the window table is poisoned"))?;
        windows.get(window).cloned().ok_or_else(CommandError::no_document)
    }

    /// Whether the window has a document open.
    pub fn has_document(&self, window: &str) -> bool {
        self.windows.lock().map(|w| w.contains_key(window)).unwrap_or(false)
    }

    /// Runs `f` on the window's document on a blocking thread, holding its lock, and converts
    /// the library error.
    pub async fn with_store<T, F>(&self, window: &str, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> trellis::Result<T> + Send + 'static,
    {
        let store = self.store(window)?;
        blocking(move || {
            let mut guard =
                store.lock().map_err(|_| trellis::Error::Internal("the document lock is poisoned".into()))?;
            f(&mut guard)
        })
        .await
    }

    /// Makes `store` the window's document (replacing and closing any previous one).
    pub fn attach(&self, window: &str, store: Store) -> Result<(), CommandError> {
        let title = store.load().map(|d| d.curriculum.title).unwrap_or_default();
        let path = store.path().to_owned();
        self.windows
            .lock()
            .map_err(|_| CommandError::internal("the window table is poisoned"))?
            .insert(window.to_owned(), Arc::new(Mutex::new(store)));
        if let Ok(mut recent) = self.recent.lock() {
            recent.touch(&path, &title);
        }
        Ok(())
    }

    /// Closes the window's document.
    pub fn detach(&self, window: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(window);
        }
    }
}

/// Runs blocking library work off the async runtime and converts its error.
pub async fn blocking<T, F>(f: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce() -> trellis::Result<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::internal(format!("a background task failed: {e}")))?
        .map_err(CommandError::from)
}

/// A file-name stem for a document titled `title`: path separators and other awkward characters
/// become `-`, at most 80 characters, never empty or hidden.
pub fn fresh_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() || " -_.,()".contains(c) { c } else { '-' })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(80)
        .collect();
    if stem.is_empty() { "Untitled curriculum".to_owned() } else { stem }
}

/// A file name in `dir` for a new document titled `title` that does not exist yet:
/// `Title.trellis`, then `Title 2.trellis`, …
pub fn fresh_path(dir: &Path, title: &str) -> PathBuf {
    let stem = fresh_stem(title);
    let mut path = dir.join(format!("{stem}.trellis"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} {n}.trellis"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_paths_never_overwrite_and_drop_path_separators() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let first = fresh_path(dir.path(), "Stats / Probability");
        assert_eq!(first.file_name().and_then(|n| n.to_str()), Some("Stats - Probability.trellis"));
        std::fs::write(&first, b"x")?;
        let second = fresh_path(dir.path(), "Stats / Probability");
        assert_eq!(second.file_name().and_then(|n| n.to_str()), Some("Stats - Probability 2.trellis"));
        assert_eq!(fresh_path(dir.path(), "../..").parent(), Some(dir.path()));
        Ok(())
    }
}
