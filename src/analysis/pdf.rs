//! Printing a review packet to PDF (and screenshots for checks) with an installed headless
//! Chromium. Trellis does not bundle a browser: when none is found, the error says which
//! programs were looked for and how to install one. The browser runs with networking
//! disabled in effect: the packet references nothing outside itself.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::{Error, Result};

/// Program names tried, in order, when `TRELLIS_CHROMIUM` is not set.
pub const BROWSERS: [&str; 5] =
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// Finds a Chromium-family browser: `TRELLIS_CHROMIUM` if set, else the first of [`BROWSERS`] on
/// `PATH`.
pub fn find_browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TRELLIS_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in BROWSERS {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn browser() -> Result<PathBuf> {
    find_browser().ok_or_else(|| {
        Error::Refused(format!(
            "no headless browser found to print the PDF (looked for {} on PATH and TRELLIS_CHROMIUM); install Chromium (Debian/Ubuntu: apt-get install chromium) or open the HTML packet in a browser and print it",
            BROWSERS.join(", ")
        ))
    })
}

fn file_url(path: &Path) -> Result<String> {
    let abs = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => url.push(b as char),
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(url)
}

/// How often a running browser is checked on (finished? cancelled?).
const POLL: Duration = Duration::from_millis(50);

/// What a cancelled print's [`Error::Cancelled`] names.
const PRINTING: &str = "printing the PDF";

fn run(args: &[String], html: &Path, out: &Path, what: &str, cancel: &AtomicBool) -> Result<()> {
    let exe = browser()?;
    run_with(&exe, args, html, out, what, cancel)
}

/// Runs `exe` headless on `html` with `args`, polling every [`POLL`] until it exits or `cancel`
/// is set. A cancelled run kills the browser (its whole process group on Unix: Chromium starts
/// helper processes) and removes `out`; the temporary profile is always removed.
fn run_with(
    exe: &Path,
    args: &[String],
    html: &Path,
    out: &Path,
    what: &str,
    cancel: &AtomicBool,
) -> Result<()> {
    let url = file_url(html)?;
    let profile = tempdir_for(out)?;
    let result = run_in(exe, args, &url, &profile, out, what, cancel);
    let _ = std::fs::remove_dir_all(&profile);
    if result.is_err() {
        let _ = std::fs::remove_file(out);
    }
    result
}

fn run_in(
    exe: &Path,
    args: &[String],
    url: &str,
    profile: &Path,
    out: &Path,
    what: &str,
    cancel: &AtomicBool,
) -> Result<()> {
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Cancelled { what: PRINTING });
    }
    // The browser's messages go to a file, not a pipe: a pipe nobody reads while polling
    // could fill up and stall the browser.
    let log_path = profile.join("trellis-browser.log");
    let log = std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))?;
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--run-all-compositor-stages-before-draw",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.args(args);
    cmd.arg(url);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| Error::io(exe, e))?;
    let status = loop {
        if cancel.load(Ordering::SeqCst) {
            kill(&mut child);
            return Err(Error::Cancelled { what: PRINTING });
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                kill(&mut child);
                return Err(Error::io(exe, e));
            }
        }
    };
    let made = std::fs::metadata(out).map(|m| m.len() > 0).unwrap_or(false);
    if !status.success() || !made {
        let stderr = std::fs::read(&log_path).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(Error::Internal(format!(
            "{} could not {what} {} ({status}; last message: {last})",
            exe.display(),
            out.display(),
        )));
    }
    Ok(())
}

/// Kills the browser and its helpers and reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        // The browser leads its own process group (see `run_in`): end the helpers with it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn tempdir_for(out: &Path) -> Result<PathBuf> {
    let base = std::env::temp_dir();
    let name = format!(
        "trellis-browser-{}-{}",
        std::process::id(),
        out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    );
    let dir = base.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

fn print_args(pdf: &Path) -> Vec<String> {
    vec![format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_owned()]
}

/// Prints an HTML file to PDF (A4, backgrounds, no browser header or footer).
pub fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    print_pdf_cancellable(html, pdf, &AtomicBool::new(false))
}

/// [`print_pdf`] that stops when `cancel` is set: the browser is killed within about 50 ms,
/// no PDF is left at `pdf` (not even a partial one) and the error is [`Error::Cancelled`].
pub fn print_pdf_cancellable(html: &Path, pdf: &Path, cancel: &AtomicBool) -> Result<()> {
    let _ = std::fs::remove_file(pdf);
    run(&print_args(pdf), html, pdf, "print", cancel)
}

/// Takes a PNG screenshot of an HTML file at the given window size.
pub fn screenshot(html: &Path, png: &Path, width: u32, height: u32) -> Result<()> {
    let _ = std::fs::remove_file(png);
    let args = vec![format!("--screenshot={}", png.display()), format!("--window-size={width},{height}")];
    run(&args, html, png, "take a screenshot into", &AtomicBool::new(false))
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;
    use std::time::Instant;

    /// A stand-in browser: a shell script given the browser's arguments.
    fn fake_browser(dir: &Path, body: &str) -> PathBuf {
        let exe = dir.join("fake-chromium");
        std::fs::write(&exe, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        exe
    }

    /// `run_with` printing `html` to `pdf`, retried while the script is briefly "text file busy"
    /// (another test thread forking while it was being written).
    fn print_with(exe: &Path, html: &Path, pdf: &Path, cancel: &AtomicBool) -> Result<()> {
        for _ in 0..20 {
            match run_with(exe, &print_args(pdf), html, pdf, "print", cancel) {
                Err(Error::Io { source, .. }) if source.raw_os_error() == Some(26) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
        Err(Error::Internal("the fake browser stayed busy".into()))
    }

    /// Writes a partial PDF where the browser was told to print, then takes 30 s.
    const SLOW: &str = r#"for a in "$@"; do case "$a" in --print-to-pdf=*) printf '%%PDF-1.7 partial' > "${a#--print-to-pdf=}";; esac; done
sleep 30"#;

    #[test]
    fn cancelling_a_print_kills_the_browser_promptly_and_leaves_no_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let exe = fake_browser(dir.path(), SLOW);
        let html = dir.path().join("packet.html");
        std::fs::write(&html, "<!DOCTYPE html><p>packet</p>").unwrap();
        let pdf = dir.path().join("cancelled-packet.pdf");
        let cancel = Arc::new(AtomicBool::new(false));
        let setter = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                cancel.store(true, Ordering::SeqCst);
            })
        };
        let started = Instant::now();
        let err = print_with(&exe, &html, &pdf, &cancel).unwrap_err();
        let took = started.elapsed();
        setter.join().unwrap();
        assert!(crate::task::is_cancelled(&err), "{err}");
        assert_eq!(err.code(), crate::ErrorCode::Cancelled);
        assert!(took < Duration::from_secs(5), "returned after {took:?}, not at once");
        assert!(!pdf.exists(), "the partial PDF is removed");
        assert!(!tempdir_for(&pdf).unwrap().join("trellis-browser.log").exists(), "the profile is removed");
        let _ = std::fs::remove_dir_all(tempdir_for(&pdf).unwrap());
    }

    #[test]
    fn a_print_cancelled_before_it_starts_never_runs_the_browser() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let exe = fake_browser(dir.path(), &format!("touch '{}'", marker.display()));
        let html = dir.path().join("packet.html");
        std::fs::write(&html, "<p>packet</p>").unwrap();
        let pdf = dir.path().join("never-packet.pdf");
        let err = print_with(&exe, &html, &pdf, &AtomicBool::new(true)).unwrap_err();
        assert!(crate::task::is_cancelled(&err), "{err}");
        assert!(!marker.exists());
        assert!(!pdf.exists());
    }

    #[test]
    fn a_browser_that_prints_succeeds_and_one_that_fails_is_named_with_its_last_message() {
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("packet.html");
        std::fs::write(&html, "<p>packet</p>").unwrap();
        let good = fake_browser(
            dir.path(),
            r#"for a in "$@"; do case "$a" in --print-to-pdf=*) printf '%%PDF-1.7 whole' > "${a#--print-to-pdf=}";; esac; done"#,
        );
        let pdf = dir.path().join("good-packet.pdf");
        print_with(&good, &html, &pdf, &AtomicBool::new(false)).unwrap();
        assert_eq!(std::fs::read_to_string(&pdf).unwrap(), "%PDF-1.7 whole");

        let bad_dir = dir.path().join("bad");
        std::fs::create_dir(&bad_dir).unwrap();
        let bad = fake_browser(&bad_dir, "echo 'starting' >&2\necho 'cannot open display' >&2\nexit 3");
        let pdf = dir.path().join("bad-packet.pdf");
        let err = print_with(&bad, &html, &pdf, &AtomicBool::new(false)).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Internal);
        let message = err.to_string();
        assert!(message.contains("fake-chromium"), "{message}");
        assert!(message.contains("last message: cannot open display"), "{message}");
        assert!(!pdf.exists());
    }
}
