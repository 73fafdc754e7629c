//! Writing files so that they are never half-written: the one staging scheme every writer of a
//! finished file uses (canonical JSON, the CLI's outputs, zip packages, the review packet and
//! its PDF, the app's settings files).
//!
//! A [`Staged`] file lives under a hidden temporary name ([`temp_beside`]) in the target's own folder
//! (`.NAME.staging-PID-N[.ext]`, so the final rename never crosses file systems); it is
//! flushed to disk (`fsync`) and renamed over the target by [`Staged::place`], and removed when
//! it is dropped unplaced — on an error, a cancel or a panic. [`write_atomic`] is the whole
//! scheme for bytes already in memory.
//!
//! Creating a new document (`Store::create`) is not staged here: it must fail when the target
//! exists, so it links its temporary into place without replacing and keeps a lock on it for
//! other processes to see (see `src/store/mod.rs`).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Makes temporary names unique within the process (the process id makes them unique across).
static STAGED: AtomicU64 = AtomicU64::new(0);

/// A file being made under a temporary name beside its target; see the module docs.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    placed: bool,
}

impl Staged {
    /// Reserves a temporary name beside `target` without creating it, for a program that writes
    /// the file itself (the browser printing a PDF). `extension` ends the name when the writer
    /// goes by it (a browser reads `.html` files as HTML). Whatever is at that name when the
    /// value is dropped unplaced is removed.
    pub fn beside(target: &Path, extension: Option<&str>) -> Staged {
        Staged { temp: temp_beside(target, extension), target: target.to_owned(), placed: false }
    }

    /// Creates the temporary file for `target` (never over an existing file) and returns it
    /// open for writing.
    pub fn create(target: &Path, extension: Option<&str>) -> Result<(Staged, File)> {
        loop {
            let mut staged = Staged::beside(target, extension);
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&staged.temp) {
                Ok(file) => return Ok((staged, file)),
                // Left by an earlier process with the same id: take the next name.
                // Not ours to remove in either case: the name is taken (left by an earlier process
                // with the same id: take the next name) or nothing was created.
                Err(e) => {
                    staged.placed = true;
                    if e.kind() != std::io::ErrorKind::AlreadyExists {
                        return Err(Error::io(target, e));
                    }
                }
            }
        }
    }

    /// The temporary name (what a writer writes to).
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// The final name.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the temporary file to disk and renames it over the target (replacing a file
    /// there), then flushes the folder so the new name survives a crash. On failure the
    /// temporary is removed and the target is as it was; the error names the target.
    pub fn place(mut self) -> Result<()> {
        let synced = File::open(&self.temp).and_then(|f| f.sync_all());
        synced
            .and_then(|()| std::fs::rename(&self.temp, &self.target))
            .map_err(|e| Error::io(&self.target, e))?;
        self.placed = true;
        sync_folder(folder_of(&self.target));
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A hidden temporary name beside `target`, unique in this process and across processes:
/// `.NAME.staging-PID-N`, ending in `.extension` when given. Nothing is created; [`Staged`]
/// uses it for files, and a folder export stages its folder under it.
pub fn temp_beside(target: &Path, extension: Option<&str>) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = STAGED.fetch_add(1, Ordering::Relaxed);
    let ext = extension.map(|e| format!(".{e}")).unwrap_or_default();
    folder_of(target).join(format!(".{name}.staging-{}-{n}{ext}", std::process::id()))
}

/// Writes `bytes` to `path` so that it is either the whole new content or untouched: through a
/// [`Staged`] file, flushed to disk and renamed into place. The error names `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (staged, mut file) = Staged::create(path, None)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| Error::io(path, e))?;
    drop(file);
    staged.place()
}

/// The folder `path` is in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Flushes a folder's entries (a rename into it) to disk where the platform allows it; a
/// failure only weakens crash safety, so it is ignored.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The sorted entries of `dir`.
    fn names(dir: &Path) -> Vec<String> {
        let entries = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name());
        let sorted: std::collections::BTreeSet<String> =
            entries.map(|n| n.to_string_lossy().into()).collect();
        sorted.into_iter().collect()
    }

    #[test]
    fn a_placed_file_replaces_the_target_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn a_dropped_staged_file_is_removed_and_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.html");
        std::fs::write(&path, "old").unwrap();
        let (staged, mut file) = Staged::create(&path, Some("html")).unwrap();
        file.write_all(b"half").unwrap();
        assert!(staged.temp().to_string_lossy().ends_with(".html"));
        assert!(staged.temp().file_name().unwrap().to_string_lossy().starts_with(".out.html.staging-"));
        assert_eq!(names(dir.path()).len(), 2);
        drop((staged, file));
        assert_eq!(names(dir.path()), ["out.html"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }

    #[test]
    fn two_staged_files_for_one_target_never_share_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let (a, _fa) = Staged::create(&path, None).unwrap();
        let (b, _fb) = Staged::create(&path, None).unwrap();
        assert_ne!(a.temp(), b.temp());
    }

    #[test]
    fn an_unwritable_folder_is_named_after_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.txt");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }
}
