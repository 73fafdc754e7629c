//! Which files the webview may name. Every command that reads, writes, opens or reveals a file
//! the webview names checks it here first: a path is accepted only when the app itself chose or
//! issued it for that purpose in that window —
//!
//! - the user picked it in a native dialog opened from Rust (open, import, export or packet
//!   destination; recorded by [`Grants::grant`] as the dialog answers);
//! - the app created it (a new document, an example copy, an imported cartridge) or wrote it
//!   (an export package, a review packet: granted for [`Purpose::Reveal`] only);
//! - it is on the app's own recent-documents list, or was given on the command line at start-up
//!   (both for [`Purpose::Open`]).
//!
//! Anything else is refused with a `validation` [`CommandError`] naming the path, so a buggy or
//! compromised webview cannot make the app overwrite, read, open or reveal a file the user did
//! not choose. Paths are compared after resolving `..` and symbolic links (of the file, or of
//! its folder when the file does not exist yet), so a granted name cannot be bent elsewhere.
//!
//! Debug builds only: `TRELLIS_TEST_GRANTS` (folders separated like `PATH`) grants every path
//! under those folders for every purpose. The real-app tests use it to name files without the
//! native dialogs; release builds never read it, and the webview cannot set it.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use trellis::ErrorCode;

use crate::error::CommandError;

/// What a granted path may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Open as a document (`open_document`, `open_in_new_window`).
    Open,
    /// Open a curriculum folder as a document, list and resolve its merge conflicts
    /// (`open_folder`, `folder_conflicts`, `resolve_folder_conflict`).
    OpenFolder,
    /// Read as a standards framework (`import_framework`).
    ImportFramework,
    /// Read as a Common Cartridge (`import_cartridge`).
    ImportCartridge,
    /// Read as evidence of learning (`import_evidence`).
    ImportEvidence,
    /// Read as interactive content of an activity (`attach_interactive`).
    AttachInteractive,
    /// Write an export package to (`export_document`).
    Export,
    /// Write a review packet to (`write_review_packet`; its PDF goes beside it).
    Packet,
    /// Show in the file manager (`show_in_folder`): files the app wrote.
    Reveal,
}

impl Purpose {
    fn describe(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::OpenFolder => "opened",
            Purpose::ImportFramework | Purpose::ImportCartridge | Purpose::ImportEvidence => "imported",
            Purpose::AttachInteractive => "attached as interactive content",
            Purpose::Export => "exported to",
            Purpose::Packet => "written as a review packet",
            Purpose::Reveal => "shown in its folder",
        }
    }

    fn how(self) -> &'static str {
        match self {
            Purpose::Reveal => "only files the app wrote in this window can be shown",
            Purpose::Open | Purpose::OpenFolder => "choose it in the Open dialog or from the recent list",
            _ => "choose it in the file dialog",
        }
    }
}

/// The environment variable of the test-only grant (read by debug builds only).
pub const TEST_GRANTS_VAR: &str = "TRELLIS_TEST_GRANTS";

/// The granted paths of every window, plus the folders granted to tests.
#[derive(Default)]
pub struct Grants {
    by_window: Mutex<HashMap<String, HashSet<(Purpose, PathBuf)>>>,
    test_dirs: Vec<PathBuf>,
}

impl Grants {
    /// No grants but those of `test_dirs` (every path under them, for every purpose).
    pub fn new(test_dirs: Vec<PathBuf>) -> Self {
        let test_dirs = test_dirs.iter().filter_map(|d| resolve(d)).collect();
        Grants { by_window: Mutex::default(), test_dirs }
    }

    /// Grants from the environment: the folders of [`TEST_GRANTS_VAR`] in a debug build,
    /// nothing in a release build.
    pub fn from_env() -> Self {
        #[cfg(debug_assertions)]
        if let Some(dirs) = std::env::var_os(TEST_GRANTS_VAR) {
            let dirs: Vec<PathBuf> = std::env::split_paths(&dirs).filter(|d| d.is_absolute()).collect();
            if !dirs.is_empty() {
                eprintln!("trellis: debug build: every file under {dirs:?} is granted ({TEST_GRANTS_VAR})");
            }
            return Grants::new(dirs);
        }
        Grants::default()
    }

    /// Lets `window` name `path` for `purpose` from now on (a dialog's answer, a file the app
    /// created or wrote). A path that cannot be resolved is not granted.
    pub fn grant(&self, window: &str, purpose: Purpose, path: &Path) {
        let Some(path) = resolve(path) else { return };
        if let Ok(mut grants) = self.by_window.lock() {
            grants.entry(window.to_owned()).or_default().insert((purpose, path));
        }
    }

    /// Whether `window` may name `path` for `purpose` (see the module documentation);
    /// `also` are further paths the app issued for it (the recent list).
    pub fn allows(&self, window: &str, purpose: Purpose, path: &Path, also: &[PathBuf]) -> bool {
        let Some(resolved) = resolve(path) else { return false };
        if self.test_dirs.iter().any(|d| resolved.starts_with(d)) {
            return true;
        }
        if also.iter().filter_map(|p| resolve(p)).any(|p| p == resolved) {
            return true;
        }
        self.by_window
            .lock()
            .map(|g| g.get(window).is_some_and(|set| set.contains(&(purpose, resolved))))
            .unwrap_or(false)
    }

    /// `path` when `window` may name it for `purpose`, otherwise the refusal the UI shows.
    pub fn check(
        &self,
        window: &str,
        purpose: Purpose,
        path: &Path,
        also: &[PathBuf],
    ) -> Result<PathBuf, CommandError> {
        if self.allows(window, purpose, path, also) {
            Ok(path.to_owned())
        } else {
            Err(refused(purpose, path))
        }
    }

    /// Drops a closed window's grants.
    pub fn forget_window(&self, window: &str) {
        if let Ok(mut grants) = self.by_window.lock() {
            grants.remove(window);
        }
    }
}

/// The refusal of a path that was not granted for `purpose`.
pub fn refused(purpose: Purpose, path: &Path) -> CommandError {
    CommandError::new(
        ErrorCode::Validation,
        format!(
            "{} cannot be {}: it was not chosen in a file dialog or issued by the app ({})",
            path.display(),
            purpose.describe(),
            purpose.how()
        ),
    )
}

/// `path` made absolute and free of `.`, `..` and symbolic links: the file itself when it
/// exists, otherwise its (existing) folder plus the file name. `None` for a relative path, a
/// path ending in `..`, or a folder that does not exist.
pub fn resolve(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let name = match path.components().next_back()? {
        Component::Normal(name) => name.to_owned(),
        _ => return None,
    };
    Some(path.parent()?.canonicalize().ok()?.join(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_the_granted_path_for_that_purpose_in_that_window_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = dir.path().join("course.zip");
        let grants = Grants::default();
        assert!(!grants.allows("main", Purpose::Export, &chosen, &[]), "nothing is granted at first");
        grants.grant("main", Purpose::Export, &chosen);
        assert!(grants.allows("main", Purpose::Export, &chosen, &[]));
        assert!(!grants.allows("main", Purpose::Packet, &chosen, &[]), "another purpose");
        assert!(!grants.allows("main", Purpose::Reveal, &chosen, &[]), "another purpose");
        assert!(!grants.allows("doc-2", Purpose::Export, &chosen, &[]), "another window");
        assert!(!grants.allows("main", Purpose::Export, &dir.path().join("other.zip"), &[]));
        grants.forget_window("main");
        assert!(!grants.allows("main", Purpose::Export, &chosen, &[]), "a closed window's grants go");
    }

    #[test]
    fn a_granted_name_cannot_be_bent_elsewhere_with_dots_or_links() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("inner");
        std::fs::create_dir(&inner).unwrap();
        let grants = Grants::new(vec![inner.clone()]);
        assert!(grants.allows("main", Purpose::Export, &inner.join("a.zip"), &[]));
        assert!(grants.allows("main", Purpose::Export, &inner.join("new.zip"), &[]), "a file to be made");
        assert!(!grants.allows("main", Purpose::Export, &inner.join("../escaped.zip"), &[]));
        assert!(!grants.allows("main", Purpose::Export, &inner.join(".."), &[]));
        assert!(!grants.allows("main", Purpose::Export, Path::new("inner/a.zip"), &[]), "relative");
        assert!(!grants.allows("main", Purpose::Export, &inner.join("missing/a.zip"), &[]));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), inner.join("up")).unwrap();
            assert!(!grants.allows("main", Purpose::Export, &inner.join("up/escaped.zip"), &[]));
        }
        // The same file named another way is the same grant.
        let chosen = dir.path().join("chosen.html");
        grants.grant("main", Purpose::Packet, &chosen);
        assert!(grants.allows("main", Purpose::Packet, &inner.join("../chosen.html"), &[]));
    }

    #[test]
    fn app_issued_paths_are_accepted_and_the_refusal_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let recent = dir.path().join("recent.trellis");
        std::fs::write(&recent, b"x").unwrap();
        let grants = Grants::default();
        assert!(grants.check("main", Purpose::Open, &recent, std::slice::from_ref(&recent)).is_ok());
        let forged = dir.path().join("forged.trellis");
        let err = grants.check("main", Purpose::Open, &forged, std::slice::from_ref(&recent)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.message.contains(&forged.display().to_string()), "{}", err.message);
        assert!(err.message.contains("not chosen in a file dialog"), "{}", err.message);
    }

    fn quoted(text: &str) -> Vec<String> {
        text.split('\'').skip(1).step_by(2).map(str::to_owned).collect()
    }

    /// The isolation application passes exactly the app's own commands: its list is the
    /// handler list of `lib.rs`, so a new command cannot be forgotten there (or kept after it
    /// is removed).
    #[test]
    fn the_isolation_hook_allows_exactly_the_registered_commands() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let hook = std::fs::read_to_string(root.join("isolation/index.js")).unwrap();
        let list = hook.split("const COMMANDS = new Set([").nth(1).unwrap().split("]);").next().unwrap();
        let mut allowed = quoted(list);
        let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
        let handlers = lib.split("generate_handler![").nth(1).unwrap().split(']').next().unwrap();
        let mut registered: Vec<String> = handlers
            .split(',')
            .filter_map(|h| h.trim().rsplit("::").next())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect();
        allowed.sort();
        registered.sort();
        assert_eq!(allowed, registered);
        assert!(hook.contains("window.__TAURI_ISOLATION_HOOK__ ="));
    }

    /// The app runs under Tauri's isolation pattern with a strict CSP: scripts from the app
    /// only, no remote connections, frames only from the app and Tauri's isolation frame.
    #[test]
    fn the_config_uses_the_isolation_pattern_and_a_strict_csp() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        let security = &config["app"]["security"];
        assert_eq!(security["pattern"]["use"], "isolation");
        let dir = root.join(security["pattern"]["options"]["dir"].as_str().unwrap());
        assert!(dir.join("index.html").is_file() && dir.join("index.js").is_file());
        let csp = security["csp"].as_object().unwrap();
        assert_eq!(csp["script-src"], "'self'");
        // The interactive preview's own scheme may be framed (its answers are sandboxed).
        assert_eq!(csp["default-src"], "'self' trellis-interactive:");
        assert_eq!(csp["object-src"], "'none'");
        assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost");
        // Frames fall back to `default-src`, to which Tauri adds the isolation frame's origin (a
        // scheme made per build, `isolation-<uuid>:`, which a fixed `frame-src` cannot name).
        assert!(!csp.contains_key("frame-src") && !csp.contains_key("child-src"));
        for (directive, value) in csp {
            let value = value.as_str().unwrap();
            assert!(!value.contains("unsafe-eval") && !value.contains("https:"), "{directive}: {value}");
        }
        // The isolation application loads nothing from outside it.
        for file in ["index.html", "index.js"] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            assert!(!text.contains("http://") && !text.contains("https://"), "{file} names a remote address");
        }
    }
}
