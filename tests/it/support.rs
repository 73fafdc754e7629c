//! What several test modules share: where the repository is, and the third-party samples and
//! validators in `../shared` beside it.
//!
//! Tests that read `../shared` are `#[ignore = "needs ../shared"]`: `make test` runs them (with
//! `--include-ignored`) whenever `../shared` exists, as in CI. Run without it, they fail with a
//! message instead of passing without having checked anything.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// The repository's root.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, which every caller needs: panics with the reason when it is missing.
pub(crate) fn shared_dir() -> PathBuf {
    let dir = root().join("../shared");
    assert!(
        dir.join("samples").is_dir() && dir.join("standards").is_dir(),
        "this test needs ../shared (third-party samples and validators) beside the repository"
    );
    dir
}

/// One folder of `../shared/samples` (`case`, `csv`, `cc`, …).
pub(crate) fn samples_dir(kind: &str) -> PathBuf {
    shared_dir().join("samples").join(kind)
}

/// A deflated zip archive holding `entries` (name, bytes) in order.
pub(crate) fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}

/// How long a hang guard waits: far beyond what any guarded body takes in a debug build on a
/// busy machine, so reaching it means the body hangs, not that it is slow (speed is reported by
/// the benchmarks, never asserted by a test).
pub(crate) const HANG_BOUND: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs `body` on a thread of its own and answers its value; fails naming `what` when `body`
/// has not finished after [`HANG_BOUND`]. A panic inside `body` (a failed assertion) is passed
/// on as it is.
pub(crate) fn without_hanging<T: Send + 'static>(what: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    use std::sync::mpsc::RecvTimeoutError;
    let (done, answer) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(what.to_owned())
        .spawn(move || {
            let _ = done.send(body());
        })
        .unwrap();
    match answer.recv_timeout(HANG_BOUND) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => panic!("{what}: the guarded thread ended without an answer"),
        },
        Err(RecvTimeoutError::Timeout) => {
            panic!("{what} had not finished after {} s: it hangs", HANG_BOUND.as_secs())
        }
    }
}

/// What xmllint said of some files validated against a schema.
pub(crate) struct Xmllint {
    /// Whether it exited with success (every file valid, the schema loaded).
    pub success: bool,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Xmllint {
    /// Its messages other than `… validates` and the schema parser's notes on the imports it
    /// skips (several schemas import the W3C `xml.xsd`; libxml2 loads it once); `xmllint exited
    /// with …` when it failed without a message. Empty when every file is valid.
    pub(crate) fn failures(&self) -> Vec<String> {
        let mut failures: Vec<String> = self
            .stderr
            .lines()
            .filter(|l| !l.ends_with(" validates"))
            .filter(|l| !l.contains("Schemas parser warning") && !l.contains("Skipping import"))
            .map(str::to_owned)
            .collect();
        if !self.success && failures.is_empty() {
            failures.push("xmllint exited with a failure".to_owned());
        }
        failures
    }

    /// How many files it said validate.
    pub(crate) fn validated(&self) -> usize {
        self.stderr.lines().filter(|l| l.ends_with(" validates")).count()
    }
}

/// xmllint, offline (`--nonet`, the repository's `tests/schemas/catalog.xml` and `catalogs`),
/// run in `dir` on `files` (relative to `dir`) against `schema`.
pub(crate) fn xmllint_in(dir: &Path, schema: &Path, files: &[&str], catalogs: &[PathBuf]) -> Xmllint {
    let catalogs = std::iter::once(root().join("tests/schemas/catalog.xml"))
        .chain(catalogs.iter().cloned())
        .map(|c| c.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let output = std::process::Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(schema)
        .args(files)
        .current_dir(dir)
        .env("XML_CATALOG_FILES", catalogs)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils, installed by scripts/setup)");
    Xmllint { success: output.status.success(), stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
}

/// `xml` written as `file_name` in a temporary folder and validated against `schema` (see
/// [`xmllint_in`]).
pub(crate) fn xmllint_text(schema: &Path, file_name: &str, xml: &str) -> Xmllint {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file_name), xml).unwrap();
    xmllint_in(dir.path(), schema, &[file_name], &[])
}

/// Writes every file of an exported package under `dir`.
pub(crate) fn write_package(mem: &trellis::export::MemWriter, dir: &Path) {
    for (path, bytes) in mem.entries() {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
}

/// `../shared/standards/validate-package` over `packages`: fails with its report unless it
/// exits with success and ends with ` 0 failed`.
pub(crate) fn assert_validate_package(packages: &[PathBuf]) {
    let output = std::process::Command::new(shared_dir().join("standards/validate-package"))
        .args(packages)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "validate-package failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.trim_end().ends_with(" 0 failed"), "{stdout}");
}

/// A draft outline node with a new id and nothing but its place, kind and title (set the other
/// fields with `Node { code, ..node(…) }`).
pub(crate) fn node(parent: Option<trellis::model::NodeId>, kind: &str, title: &str) -> trellis::model::Node {
    trellis::model::Node::draft(parent, kind, title)
}

/// Runs the `trellis` command-line program with `args` and answers what it did.
pub(crate) fn trellis_cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_trellis")).args(args).output().unwrap()
}

/// Runs git in `dir` with a fixed author and no system or user configuration.
pub(crate) fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.org")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap()
}

/// [`git`] that must succeed; its standard output.
pub(crate) fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
