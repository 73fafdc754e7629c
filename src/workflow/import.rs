//! Importing as whole workflows: a standards framework by format (CASE JSON or an outcomes CSV)
//! merged into a document, and a Common Cartridge read as long work and made into a new
//! document. Parsing and merging are [`crate::import`]'s; this module chooses the parser,
//! reports stages and honours cancellation ([`Task`]), and validates before anything is written.

use std::path::Path;

use crate::Finding;
use crate::Result;
use crate::import::csv::CsvFormat;
use crate::import::{CourseImport, FrameworkImport};
use crate::model::Document;
use crate::store::Store;
use crate::task::{Progress, Task};

/// The formats a standards framework is imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkFormat {
    /// IMS CASE 1.0/1.1 CFPackage JSON.
    Case,
    /// An outcomes or competency CSV (Moodle, Canvas, OpenSALT; detected from the header row
    /// when `None`).
    Csv(Option<CsvFormat>),
}

impl FrameworkFormat {
    /// The format of a file chosen without saying which: `.csv` is an outcomes CSV, anything
    /// else CASE JSON.
    pub fn for_path(path: &Path) -> Self {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            FrameworkFormat::Csv(None)
        } else {
            FrameworkFormat::Case
        }
    }
}

/// Parses the framework file `source` as `format`.
pub fn read_framework(source: &Path, format: FrameworkFormat) -> Result<FrameworkImport> {
    match format {
        FrameworkFormat::Case => crate::import::case::parse_path(source),
        FrameworkFormat::Csv(csv) => crate::import::csv::parse_path(source, csv),
    }
}

/// A framework merged into a copy of a document.
#[derive(Debug)]
pub struct FrameworkMerge {
    /// The document with the framework merged in.
    pub document: Document,
    /// What changed, in sentences ("Framework … created: 12 items").
    pub summary: String,
    /// What the parser could not carry over.
    pub findings: Vec<Finding>,
    /// Whether the document changed at all (re-importing the same version changes nothing).
    pub changed: bool,
}

/// Reads the framework file `source` as `format` and merges it into a copy of `doc`.
pub fn merge_framework_file(
    doc: &Document,
    source: &Path,
    format: FrameworkFormat,
) -> Result<FrameworkMerge> {
    let import = read_framework(source, format)?;
    let findings = import.findings.clone();
    let mut document = doc.clone();
    let report = crate::import::merge_framework(&mut document, import);
    Ok(FrameworkMerge { document, summary: report.summary(), findings, changed: !report.is_empty() })
}

/// Reads the cartridge at `source` (a `.imscc`/`.zip` or an unpacked folder) as long work:
/// "Reading <file>", then "Converting N items" once per converted resource (`done` counting
/// them, `total` = N + 2), checking `task` before each; the course is validated before it is
/// returned. A cancel ends it with [`crate::Error::Cancelled`].
pub fn read_cartridge(source: &Path, task: &Task<'_>) -> Result<CourseImport> {
    read_counting(source, task).map(|(import, _)| import)
}

/// [`read_cartridge`], also answering how many resources the converting stage counted.
fn read_counting(source: &Path, task: &Task<'_>) -> Result<(CourseImport, u64)> {
    let file_name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    task.stage(0, 2, format!("Reading {file_name}"))?;
    let package = crate::import::safety::Package::open(source)?;
    let resources = std::cell::Cell::new(0u64);
    let import = crate::import::common_cartridge::parse_package_with(&package, &|done, total| {
        task.check()?;
        let (done, total) = (done as u64, total as u64);
        resources.set(total);
        task.report(Progress {
            done: 1 + done,
            total: total + 2,
            message: format!("Converting {total} items"),
        });
        Ok(())
    })?;
    import.document.validate_as(source.display().to_string())?;
    Ok((import, resources.get()))
}

/// A document made from an import.
#[derive(Debug)]
pub struct NewDocument {
    /// The new document, open.
    pub store: Store,
    /// What was imported, in one sentence.
    pub summary: String,
    /// What the importer could not carry over.
    pub findings: Vec<Finding>,
}

/// Reads the cartridge at `source` ([`read_cartridge`]) and creates a new document holding its
/// course in `dir`, named after the course and never over an existing file
/// ([`super::document::create_in`]), reporting "Writing the new document" last. Nothing is
/// created (not even `dir`) unless the course parsed and validated and no cancel came first;
/// creating the document is the point of no return, after which a cancel is too late.
pub fn cartridge_document(source: &Path, dir: &Path, task: &Task<'_>) -> Result<NewDocument> {
    let (import, resources) = read_counting(source, task)?;
    let summary = import.summary();
    task.stage(resources + 1, resources + 2, "Writing the new document")?;
    let store = super::document::create_in(dir, &import.document, &source.display().to_string())?;
    Ok(NewDocument { store, summary, findings: import.findings })
}
