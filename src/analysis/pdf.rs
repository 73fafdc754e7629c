//! Printing a review packet to PDF (and screenshots for checks) with an installed headless
//! Chromium. Trellis does not bundle a browser: when none is found, the error says which
//! programs were looked for and how to install one. The browser runs with networking
//! disabled in effect: the packet references nothing outside itself.

use std::path::{Path, PathBuf};
use std::process::Command;

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

fn run(args: &[String], html: &Path, out: &Path, what: &str) -> Result<()> {
    let exe = browser()?;
    let profile = tempdir_for(out)?;
    let mut cmd = Command::new(&exe);
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
    cmd.arg(file_url(html)?);
    let result = cmd.output();
    let _ = std::fs::remove_dir_all(&profile);
    let output = result.map_err(|e| Error::io(&exe, e))?;
    let made = std::fs::metadata(out).map(|m| m.len() > 0).unwrap_or(false);
    if !output.status.success() || !made {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(Error::Internal(format!(
            "{} could not {what} {} ({}; last message: {last})",
            exe.display(),
            out.display(),
            output.status
        )));
    }
    Ok(())
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

/// Prints an HTML file to PDF (A4, backgrounds, no browser header or footer).
pub fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let _ = std::fs::remove_file(pdf);
    let args = vec![format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_owned()];
    run(&args, html, pdf, "print")
}

/// Takes a PNG screenshot of an HTML file at the given window size.
pub fn screenshot(html: &Path, png: &Path, width: u32, height: u32) -> Result<()> {
    let _ = std::fs::remove_file(png);
    let args = vec![format!("--screenshot={}", png.display()), format!("--window-size={width},{height}")];
    run(&args, html, png, "take a screenshot into")
}
