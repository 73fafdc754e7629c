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
