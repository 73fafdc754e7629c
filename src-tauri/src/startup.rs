//! The document given on the command line (how the `.trellis` file association starts us) is
//! opened, loaded and packed for the UI on a thread started before Tauri, so that this work runs
//! while GTK, the window and its webview start instead of after them, and nothing of it holds
//! up the main thread, which serves the page. [`Opening`] is the window's wait for it: the first
//! `current_document` answers once the document is in place (or its open failed, which is
//! reported on stderr as before and leaves the window on the start screen).
//!
//! Start-up marks: [`mark`] notes when a step of this path finished (wall-clock ms since the
//! Unix epoch, so the webview can place them on its own timeline with `performance.timeOrigin`);
//! the `startup_marks` command answers with them ([`marks_json`]), and the real-app start-up test
//! prints them beside the webview's own (`window.trellisStartup`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::state::{AppState, Prepared};

/// The start-up marks noted so far, in the order they were noted.
static MARKS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

/// Notes that the start-up step `name` finished now (the first time only).
pub fn mark(name: &'static str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    if let Ok(mut marks) = MARKS.lock()
        && !marks.iter().any(|(n, _)| *n == name)
    {
        marks.push((name, now));
    }
}

/// The marks noted so far as a JSON object (`{"process":1733500000000.5,…}`, ms since the
/// epoch); `{}` when there are none.
pub fn marks_json() -> String {
    let marks = MARKS.lock().map(|m| m.clone()).unwrap_or_default();
    let fields: Vec<String> = marks.iter().map(|(name, at)| format!("\"{name}\":{at:.1}")).collect();
    format!("{{{}}}", fields.join(","))
}

/// The thread preparing the command line's document, started by [`begin`].
pub struct Early(JoinHandle<Option<Prepared>>);

/// Starts preparing the first `.trellis` file among `args`, unless a curriculum folder is given
/// (a folder opens in the setup, as before).
pub fn begin(args: &[PathBuf]) -> Option<Early> {
    mark("process");
    if args.iter().any(|p| p.is_dir() && trellis::folder::is_folder(p)) {
        return None;
    }
    let path = args.iter().find(|p| is_document(p))?.clone();
    Some(Early(std::thread::spawn(move || match trellis::store::Store::open(&path) {
        Ok(store) => {
            mark("opened");
            Some(Prepared::new(store))
        }
        Err(e) => {
            eprintln!("trellis: {e}");
            None
        }
    })))
}

/// Whether `path` names a Trellis document by its extension.
pub fn is_document(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("trellis"))
}

/// Whether the document prepared at start-up is in place yet (managed state; open when there
/// was none).
#[derive(Clone, Default)]
pub struct Opening(Arc<(Mutex<bool>, Condvar)>);

impl Opening {
    /// An opening that is still running.
    fn running() -> Opening {
        Opening(Arc::new((Mutex::new(false), Condvar::new())))
    }

    /// An opening that is over (no document was given).
    pub fn done() -> Opening {
        let opening = Opening::running();
        opening.finish();
        opening
    }

    fn finish(&self) {
        let (done, changed) = &*self.0;
        if let Ok(mut done) = done.lock() {
            *done = true;
        }
        changed.notify_all();
    }

    /// Waits (off the async runtime) until the prepared document is attached or has failed.
    pub async fn settled(&self) {
        let gate = self.0.clone();
        let _ = tauri::async_runtime::spawn_blocking(move || {
            let (done, changed) = &*gate;
            if let Ok(guard) = done.lock() {
                drop(changed.wait_while(guard, |done| !*done));
            }
        })
        .await;
    }
}

/// Attaches the prepared document to `window` when its thread is done, on a thread of its own
/// (the setup returns at once); the returned [`Opening`] is over then.
pub fn attach_when_ready(app: &tauri::AppHandle, window: &str, early: Early) -> Opening {
    use tauri::Manager;
    mark("setup");
    let opening = Opening::running();
    let (app, window, gate) = (app.clone(), window.to_owned(), opening.clone());
    std::thread::spawn(move || {
        if let Ok(Some(prepared)) = early.0.join()
            && let Err(e) = app.state::<AppState>().attach_prepared(&window, prepared)
        {
            eprintln!("trellis: {e}");
        }
        mark("attached");
        gate.finish();
    });
    opening
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[test]
    fn the_first_request_waits_until_the_opening_is_over() {
        let opening = Opening::running();
        let finished = Arc::new(AtomicBool::new(false));
        let (gate, flag) = (opening.clone(), finished.clone());
        let worker = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.store(true, Ordering::SeqCst);
            gate.finish();
        });
        tauri::async_runtime::block_on(opening.settled());
        assert!(finished.load(Ordering::SeqCst), "settled before the opening finished");
        assert!(worker.join().is_ok());
        // Without a document on the command line nothing is waited for.
        tauri::async_runtime::block_on(Opening::done().settled());
    }

    #[test]
    fn only_a_trellis_file_starts_opening_and_a_bad_one_opens_nothing() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        assert!(begin(&[dir.path().join("notes.txt")]).is_none());
        let bad = dir.path().join("bad.trellis");
        std::fs::write(&bad, b"not a database")?;
        let early = begin(&[bad]).map(|e| e.0.join());
        assert!(matches!(early, Some(Ok(None))), "a file that does not open gives no document");
        Ok(())
    }
}
