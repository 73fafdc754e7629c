//! Interactive activity content: H5P packages (`.h5p`) and HTML5 simulations (a folder or a zip
//! with an `index.html`). This module owns everything about such a package before and after it is
//! stored: checking it ([`read_path`], [`read_zip`]: size, file-count, per-file and compression
//! limits, no path that leaves the package, `h5p.json` read with its title, main library and
//! preloaded libraries, `content/content.json` and every listed library folder present, or an
//! `index.html` at the root or in one top folder), turning it into one stored asset (the package
//! as a zip) plus the activity's [`InteractiveContent`], the edit that attaches it to an activity
//! ([`attach_ops`]), and reading the checked files back out for the exporters and the desktop
//! preview ([`files`]). Reading goes through [`crate::import::safety::Package`], so the same zip
//! slip, bomb and symbolic-link defences apply as for every other import; nothing is extracted to
//! disk here.
//!
//! What this module does not do: play the content (the exporters bundle the H5P player and the
//! lesson runtime's bridge, `src/export/interactive.rs`), or decide which objectives the content
//! counts for (the activity's alignments do).

use std::io::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::import::safety::{Limits, Package};
use crate::model::{ActivityId, Asset, Document, InteractiveContent, InteractiveKind};
use crate::store::EditOp;
use crate::{Error, Result};

/// Limits of one interactive package. Real H5P packages are a few hundred files and a few
/// megabytes (large ones with video some hundred megabytes); the limits leave room for that and
/// refuse archives built to exhaust memory or the file system.
pub const LIMITS: Limits = Limits {
    max_source_bytes: 8 << 20,
    max_archive_bytes: 512 << 20,
    max_entries: 10_000,
    max_file_bytes: 256 << 20,
    max_total_bytes: 768 << 20,
    max_ratio: 100,
    ratio_floor: 1 << 20,
    max_markup_bytes: 8 << 20,
};

/// Media type of a stored H5P package.
pub const H5P_MEDIA_TYPE: &str = "application/vnd.h5p+zip";
/// Media type of a stored HTML5 simulation.
pub const HTML5_MEDIA_TYPE: &str = "application/zip";

/// A checked package, ready to be stored: the asset (the package as a zip) and the content
/// description that points at it.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The stored package.
    pub asset: Asset,
    /// What the activity holds.
    pub content: InteractiveContent,
    /// Number of files in the package.
    pub files: usize,
    /// Sum of the files' uncompressed sizes, as the archive declares them.
    pub bytes: u64,
}

impl Imported {
    /// The import report, one line each: kind, title, entry, main library, libraries, size.
    pub fn report(&self) -> Vec<String> {
        let c = &self.content;
        let mut out = vec![format!(
            "{}: \"{}\" ({} files, {} bytes, starts at {})",
            match c.kind {
                InteractiveKind::H5p => "H5P package",
                InteractiveKind::Html5 => "HTML5 simulation",
            },
            c.title,
            self.files,
            self.bytes,
            c.entry
        )];
        if !c.main_library.is_empty() {
            out.push(format!("content type: {}", c.main_library));
        }
        if !c.libraries.is_empty() {
            out.push(format!("libraries: {}", c.libraries.join(", ")));
        }
        out
    }
}

/// Reads and checks an interactive package from a file (`.h5p`, `.zip`) or a folder holding an
/// HTML5 simulation. A folder is stored as a zip of its files.
pub fn read_path(path: &Path) -> Result<Imported> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if meta.is_dir() {
        let package = Package::open_with(path, LIMITS)?;
        let zip = zip_package(&package)?;
        return read_zip(zip, &name, &format!("{}.zip", file_name.trim_end_matches('/')));
    }
    if meta.len() > LIMITS.max_archive_bytes {
        return Err(refused(
            &name,
            format!("the package is {} bytes; the limit is {} bytes", meta.len(), LIMITS.max_archive_bytes),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    read_zip(bytes, &name, &file_name)
}

/// Reads and checks an interactive package held in memory; `source_name` names it in errors,
/// `file_name` is the stored asset's name (`quiz.h5p`). An archive with `h5p.json` at its root
/// is an H5P package, anything else must be an HTML5 simulation.
pub fn read_zip(bytes: Vec<u8>, source_name: &str, file_name: &str) -> Result<Imported> {
    // `Package` checks the entry count, names, sizes and ratios first; the names are then
    // listed once more for what it accepts silently (backslashes).
    let package = Package::from_zip_bytes(bytes.clone(), source_name, LIMITS)?;
    let bytes_total = scan_names(&bytes, source_name)?;
    let files = package.files();
    let mut content =
        if package.contains("h5p.json") { inspect_h5p(&package)? } else { inspect_html5(&package, &files)? };
    let data = bytes;
    let media_type = match content.kind {
        InteractiveKind::H5p => H5P_MEDIA_TYPE,
        InteractiveKind::Html5 => HTML5_MEDIA_TYPE,
    };
    let stored_name =
        if file_name.trim().is_empty() { "interactive.zip".to_owned() } else { file_name.to_owned() };
    let asset = Asset::new(stored_name, media_type, data);
    content.asset = asset.id;
    if content.title.trim().is_empty() {
        content.title = asset.name.clone();
    }
    Ok(Imported { asset, content, files: files.len(), bytes: bytes_total })
}

/// The edits that store `imported` and make it the content of `activity`, as one undo step
/// (`Store::apply_all`). A package the document already stores (same bytes) is reused, so two
/// activities playing the same package share one asset; otherwise the asset gets a name no other
/// asset of `doc` has. Content the activity held before stays stored as a file (it may be used
/// elsewhere).
pub fn attach_ops(doc: &Document, activity: ActivityId, mut imported: Imported) -> Result<Vec<EditOp>> {
    let Some(existing) = doc.activities.iter().find(|a| a.id == activity) else {
        return Err(Error::NotFound { kind: "activity", id: activity.to_string() });
    };
    let mut ops = Vec::new();
    // The same package attached twice is stored (and exported) once.
    match doc.assets.iter().find(|a| a.sha256 == imported.asset.sha256 && a.data == imported.asset.data) {
        Some(stored) => imported.content.asset = stored.id,
        None => {
            imported.asset.name = unique_name(doc, &imported.asset.name);
            ops.push(EditOp::AddAsset { asset: imported.asset });
        }
    }
    let mut updated = existing.clone();
    updated.content = Some(imported.content);
    ops.push(EditOp::UpdateActivity { activity: updated });
    Ok(ops)
}

/// Every file of a stored package, checked again as it is read (the stored bytes may come from
/// a document someone else wrote), as `(path inside the package, bytes)` in path order.
pub fn files(asset: &Asset) -> Result<Vec<(String, Vec<u8>)>> {
    let source = format!("stored package \"{}\"", asset.name);
    let package = Package::from_zip_bytes(asset.data.clone(), &source, LIMITS)?;
    scan_names(&asset.data, &source)?;
    package.files().into_iter().map(|path| package.read(&path).map(|data| (path, data))).collect()
}

/// The paths of every file of a stored package, from its directory alone (nothing inflated).
pub fn file_names(asset: &Asset) -> Result<Vec<String>> {
    let source = format!("stored package \"{}\"", asset.name);
    let package = Package::from_zip_bytes(asset.data.clone(), &source, LIMITS)?;
    scan_names(&asset.data, &source)?;
    Ok(package.files())
}

/// One file of a stored package (the desktop preview serves files one by one); `None` when the
/// package has no such file.
pub fn file(asset: &Asset, path: &str) -> Result<Option<Vec<u8>>> {
    let source = format!("stored package \"{}\"", asset.name);
    let package = Package::from_zip_bytes(asset.data.clone(), &source, LIMITS)?;
    if !package.contains(path) {
        return Ok(None);
    }
    package.read(path).map(Some)
}

fn refused(source_name: &str, message: String) -> Error {
    Error::Parse { source_name: source_name.to_owned(), message }
}

/// Lists the entry names of an archive `Package` accepted and returns the sum of the declared
/// uncompressed sizes. Backslashes in entry names are read as folder separators by some unzip
/// tools and as part of a name by others, so a package using them is refused (naming the entry)
/// instead of guessed.
fn scan_names(bytes: &[u8], source_name: &str) -> Result<u64> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| refused(source_name, format!("is not a readable zip archive: {e}")))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| refused(source_name, format!("entry #{i}: {e}")))?;
        let raw = String::from_utf8_lossy(entry.name_raw());
        if raw.contains('\\') {
            return Err(refused(
                source_name,
                format!("entry `{raw}` uses a backslash in its path; the package was refused"),
            ));
        }
        total = total.saturating_add(entry.size());
    }
    Ok(total)
}

/// Reads `h5p.json`: title, main library, preloaded libraries; checks `content/content.json` and
/// that every preloaded library's folder is in the package.
fn inspect_h5p(package: &Package) -> Result<InteractiveContent> {
    let place = package.place("h5p.json");
    let text = package.read_markup("h5p.json")?;
    let json: Value = serde_json::from_slice(&text).map_err(|e| {
        refused(&place, format!("is not valid JSON (line {}, column {}): {e}", e.line(), e.column()))
    })?;
    let title = json.get("title").and_then(Value::as_str).unwrap_or_default().trim().to_owned();
    let main_library = json
        .get("mainLibrary")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| refused(&place, "names no mainLibrary, so the content cannot be played".into()))?
        .to_owned();
    let deps = json.get("preloadedDependencies").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut libraries = Vec::new();
    let mut missing = Vec::new();
    for (i, dep) in deps.iter().enumerate() {
        let machine = dep.get("machineName").and_then(Value::as_str).unwrap_or_default();
        let version = |key: &str| match dep.get(key) {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let (major, minor) = (version("majorVersion"), version("minorVersion"));
        let safe = |s: &str| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        };
        if !safe(machine)
            || !major.chars().all(|c| c.is_ascii_digit())
            || !minor.chars().all(|c| c.is_ascii_digit())
            || major.is_empty()
            || minor.is_empty()
        {
            return Err(refused(
                &place,
                format!("preloadedDependencies[{i}] is not a library name and version"),
            ));
        }
        let folder = format!("{machine}-{major}.{minor}");
        if !package.contains(&format!("{folder}/library.json")) {
            missing.push(folder);
        }
        libraries.push(format!("{machine} {major}.{minor}"));
    }
    if !libraries.iter().any(|l| l.split(' ').next() == Some(main_library.as_str())) {
        return Err(refused(
            &place,
            format!("its main library {main_library} is not among its preloadedDependencies"),
        ));
    }
    if !missing.is_empty() {
        return Err(refused(
            &package.place(""),
            format!(
                "the package does not contain the libraries {} (library.json missing); export the content with its libraries",
                missing.join(", ")
            ),
        ));
    }
    if !package.contains("content/content.json") {
        return Err(refused(
            &package.place("content/content.json"),
            "is missing; this is not a playable H5P package".into(),
        ));
    }
    let content_place = package.place("content/content.json");
    serde_json::from_slice::<Value>(&package.read_markup("content/content.json")?)
        .map_err(|e| refused(&content_place, format!("is not valid JSON: {e}")))?;
    Ok(InteractiveContent {
        kind: InteractiveKind::H5p,
        asset: crate::model::AssetId::new(),
        entry: "h5p.json".into(),
        title,
        main_library,
        libraries,
    })
}

/// An HTML5 simulation starts at `index.html` at the root, or in the one folder everything is in.
fn inspect_html5(package: &Package, files: &[String]) -> Result<InteractiveContent> {
    let entry = if package.contains("index.html") {
        "index.html".to_owned()
    } else {
        let tops: std::collections::BTreeSet<&str> =
            files.iter().map(|f| f.split('/').next().unwrap_or_default()).collect();
        match tops.into_iter().collect::<Vec<_>>().as_slice() {
            [top] if package.contains(&format!("{top}/index.html")) => format!("{top}/index.html"),
            _ => {
                return Err(refused(
                    &package.place(""),
                    "has neither h5p.json (H5P) nor index.html at its root or in its one top folder (HTML5 simulation)".into(),
                ));
            }
        }
    };
    let html = package.read_markup(&entry)?;
    let title = title_of(&String::from_utf8_lossy(&html));
    Ok(InteractiveContent {
        kind: InteractiveKind::Html5,
        asset: crate::model::AssetId::new(),
        entry,
        title,
        main_library: String::new(),
        libraries: Vec::new(),
    })
}

/// The text of the first `<title>` element, whitespace collapsed.
fn title_of(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<title") else { return String::new() };
    let Some(open_end) = lower[start..].find('>') else { return String::new() };
    let from = start + open_end + 1;
    let Some(len) = lower[from..].find("</title") else { return String::new() };
    html[from..from + len].split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect()
}

/// A deterministic zip of every file of a (directory) package.
fn zip_package(package: &Package) -> Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for path in package.files() {
            let data = package.read(&path)?;
            let fail = |e: &dyn std::fmt::Display| {
                Error::Internal(format!("{}: zipping {path}: {e}", package.name()))
            };
            zip.start_file(path.as_str(), options).map_err(|e| fail(&e))?;
            zip.write_all(&data).map_err(|e| fail(&e))?;
        }
        zip.finish().map_err(|e| Error::Internal(format!("{}: zipping: {e}", package.name())))?;
    }
    Ok(out.into_inner())
}

fn unique_name(doc: &Document, wanted: &str) -> String {
    let taken = |n: &str| doc.assets.iter().any(|a| a.name == n);
    if !taken(wanted) {
        return wanted.to_owned();
    }
    let (stem, ext) = match wanted.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (wanted, String::new()),
    };
    (2..).map(|n| format!("{stem}-{n}{ext}")).find(|n| !taken(n)).unwrap_or_else(|| wanted.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_read_from_the_first_title_element() {
        assert_eq!(title_of("<html><head><TITLE>\n Pendulum  lab </TITLE>"), "Pendulum lab");
        assert_eq!(title_of("<html>"), "");
    }
}
