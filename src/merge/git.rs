//! Git integration: reading a curriculum as it was at a revision (`git show`, `git ls-tree`),
//! and configuring a repository so that git merges and diffs curricula with Trellis
//! ([`setup`]). Git is run as a program (`git` on the `PATH`); nothing else here touches the
//! outside world.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::model::Document;
use crate::{Error, Result};

/// The `.gitattributes` lines [`setup`] adds (canonical JSON files and folder entity files).
pub const ATTRIBUTES: [&str; 2] =
    ["*.trellis.json merge=trellis diff=trellis", "*.curriculum.json merge=trellis diff=trellis"];

/// Runs git in `dir` and returns its standard output.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output =
        Command::new("git").arg("-C").arg(dir).args(args).output().map_err(|e| {
            Error::Internal(format!("running git in {}: {e} (is git installed?)", dir.display()))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Parse {
            source_name: format!("git {} (in {})", args.join(" "), dir.display()),
            message: stderr.trim().to_owned(),
        });
    }
    Ok(output.stdout)
}

/// The folder git runs in and the path relative to it (`./name`) for a worktree path.
fn split(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| ".".into());
    (dir, format!("./{name}"))
}

/// The document stored at `path` (a canonical JSON file, a `.trellis` file or a Trellis
/// folder, named as in the working tree) in revision `rev` of the repository around it.
pub fn document_at(rev: &str, path: &Path) -> Result<Document> {
    if rev.starts_with('-') {
        return Err(Error::Refused(format!("{rev} is not a revision")));
    }
    let (dir, rel) = split(path);
    let spec = format!("{rev}:{rel}");
    let source = format!("{rev}:{}", path.display());
    let kind = git(&dir, &["cat-file", "-t", &spec])?;
    if kind.trim_ascii() == b"tree" {
        return folder_at(&dir, rev, &rel, &source);
    }
    let size = git(&dir, &["cat-file", "-s", &spec])?;
    let size: usize = String::from_utf8_lossy(&size).trim().parse().unwrap_or(usize::MAX);
    if size > crate::json::MAX_INPUT_LEN {
        return Err(Error::Parse {
            source_name: source,
            message: format!("{size} bytes is larger than the {} byte limit", crate::json::MAX_INPUT_LEN),
        });
    }
    let bytes = git(&dir, &["cat-file", "blob", &spec])?;
    if bytes.starts_with(b"SQLite format 3\0") {
        let scratch = Scratch::new()?;
        let file = scratch.0.join("document.trellis");
        std::fs::write(&file, &bytes).map_err(|e| Error::io(&file, e))?;
        return crate::store::load_path(&file);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::Parse { source_name: source.clone(), message: "not UTF-8 text".into() })?;
    crate::json::from_str(&text, &source)
}

/// Whether `rev` names a commit in the repository around `path` (false outside a repository).
pub fn is_revision(path: &Path, rev: &str) -> bool {
    !rev.starts_with('-')
        && git(&split(path).0, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).is_ok()
}

/// A Trellis folder at a revision, checked out file by file into a scratch folder.
fn folder_at(dir: &Path, rev: &str, rel: &str, source: &str) -> Result<Document> {
    let listing = git(dir, &["ls-tree", "-r", "-z", "--name-only", rev, "--", &format!("{rel}/")])?;
    let scratch = Scratch::new()?;
    let prefix = rel.trim_start_matches("./").trim_end_matches('/').to_owned() + "/";
    let mut count = 0usize;
    for name in listing.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        // `ls-tree` names files relative to `dir`.
        let Some(inner) = name.strip_prefix(&prefix) else { continue };
        if inner.split('/').any(|part| part == ".." || part.is_empty()) {
            continue;
        }
        count += 1;
        if count > crate::folder::MAX_FILES {
            return Err(Error::Parse {
                source_name: source.to_owned(),
                message: format!("more than {} files", crate::folder::MAX_FILES),
            });
        }
        let bytes = git(dir, &["cat-file", "blob", &format!("{rev}:./{name}")])?;
        let target = scratch.0.join(inner);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
    }
    crate::folder::read(&scratch.0)
        .map_err(|e| Error::Parse { source_name: source.to_owned(), message: e.to_string() })
}

/// A scratch folder removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "trellis-git-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What [`setup`] changed.
#[derive(Clone, Debug, Default)]
pub struct SetupReport {
    /// The `.gitattributes` file written.
    pub attributes: PathBuf,
    /// Lines added to it (empty when every line was there).
    pub added: Vec<String>,
    /// The `git config` keys set, with their values.
    pub config: Vec<(String, String)>,
    /// Whether `.trellis-cache/` (the app's working store beside a curriculum folder, see
    /// `crate::workspace`) was added to `DIR/.gitignore`.
    pub ignored: bool,
}

/// Configures the repository around `dir`: adds [`ATTRIBUTES`] to `dir/.gitattributes` (and
/// `.trellis-cache/`, the app's working store beside a curriculum folder, to `dir/.gitignore`) and sets
/// the repository's (local) config so that git merges canonical JSON curricula with
/// `PROGRAM merge %O %A %B -o %A` (conflicts in `PATH.conflicts.json`), and diffs them with
/// `PROGRAM git diff-driver` (the semantic diff, in words). `program` is the `trellis` command
/// to run, quoted for the shell as needed.
pub fn setup(dir: &Path, program: &str) -> Result<SetupReport> {
    git(dir, &["rev-parse", "--git-dir"])?;
    let attributes = dir.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&attributes, e)),
    };
    let mut text = existing.clone();
    let mut added = Vec::new();
    for line in ATTRIBUTES {
        if !existing.lines().any(|l| l.trim() == line) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            added.push(line.to_owned());
        }
    }
    if !added.is_empty() {
        crate::json::write_atomic(&attributes, text.as_bytes())?;
    }
    let config = vec![
        ("merge.trellis.name".to_owned(), "Trellis semantic merge of curricula".to_owned()),
        (
            "merge.trellis.driver".to_owned(),
            format!("{program} merge %O %A %B -o %A --conflicts %P.conflicts.json"),
        ),
        ("diff.trellis.command".to_owned(), format!("{program} git diff-driver")),
    ];
    for (key, value) in &config {
        git(dir, &["config", "--local", key, value])?;
    }
    let ignored = crate::workspace::ensure_ignored(dir)?;
    Ok(SetupReport { attributes, added, config, ignored })
}

/// Quotes `word` for a POSIX shell when it needs it.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:=@".contains(c)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Runs git in `dir` without touching the index lock; its standard output, or `None` when it
/// cannot run, fails, or outlives `timeout` (then it is stopped).
pub fn run_with_timeout(dir: &Path, timeout: Duration, args: &[&str]) -> Option<Vec<u8>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = reader.join().ok()?.ok()?;
                return status.success().then_some(out);
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}
