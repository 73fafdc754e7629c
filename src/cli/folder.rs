//! `trellis export DOC --format folder -o DIR` and `trellis import NEW.trellis --from folder DIR`:
//! the curriculum as a folder of text files (`trellis::folder`, docs/folder-format.md). The
//! folder format is handled here, before `export` reaches the package exporters.

use std::path::Path;

use anyhow::Context;
use trellis::export::ExportFormat;

/// What `--format` names: a package format, or the folder of text files.
#[derive(Clone, Copy, Debug)]
pub enum Format {
    /// `--format folder`.
    Folder,
    /// A package exporter.
    Package(ExportFormat),
}

/// Parses `--format`: `folder`, or a package format.
pub fn parse_format(s: &str) -> Result<Format, String> {
    if s.trim().eq_ignore_ascii_case("folder") {
        return Ok(Format::Folder);
    }
    s.parse().map(Format::Package).map_err(|e: trellis::Error| e.to_string())
}

/// Writes the document `file` as a folder of text files into `output` (created, or updated in
/// place when it already holds a Trellis folder).
pub fn export(file: &Path, output: &Path) -> anyhow::Result<u8> {
    let doc = trellis::store::load_path(file).with_context(|| format!("reading {}", file.display()))?;
    let report = trellis::folder::write(&doc, output)
        .with_context(|| format!("exporting {} as a folder", file.display()))?;
    println!(
        "exported {} (folder of text files) to {}: {} file(s) written, {} removed, {} unchanged",
        file.display(),
        output.display(),
        report.written.len(),
        report.removed.len(),
        report.unchanged
    );
    Ok(super::exit::OK)
}

/// Reads a Trellis folder as a whole document.
pub fn read(dir: &Path) -> anyhow::Result<trellis::model::Document> {
    trellis::folder::read(dir).with_context(|| format!("reading the folder {}", dir.display()))
}
