//! Import: turning outside formats into model entities, safely and without losing anything.
//!
//! Parsers never touch the store: each one turns a source into plain model values
//! ([`FrameworkImport`] for standards frameworks, [`CourseImport`] for courses) plus the
//! findings that say what could not be carried over. Applying an import is a pure
//! `&mut Document` transformation ([`merge_framework`], [`merge_course`]); the caller validates
//! the result and saves it in one transaction, so a failed import never leaves anything
//! half-written.
//!
//! - [`case`]: IMS CASE 1.0/1.1 CFPackage JSON, every field kept.
//! - [`csv`]: Moodle competency frameworks, Canvas outcomes, OpenSALT spreadsheets.
//! - [`common_cartridge`]: IMS Common Cartridge 1.1–1.3 from Canvas, Moodle and others, with
//!   [`qti12`] quizzes and pages converted by [`html_to_markdown`].
//! - [`safety`]: limits, zip-slip and zip-bomb defences, UTF-8 checks; [`xml`](self) refuses DTDs.
//! - [`search`]: the in-memory framework item index behind the standards picker.
//!
//! The canonical JSON format has its own reader in [`crate::json`]; this module does not
//! duplicate it.

pub mod case;
pub mod common_cartridge;
pub mod csv;
pub mod html_to_markdown;
mod merge;
pub mod qti12;
pub mod safety;
pub mod search;
mod xml;

use serde::Serialize;

use crate::finding::{Finding, Severity, Target};
use crate::model::{Document, Framework, StandardAssociation, StandardItem};

pub use merge::{
    ChangeReport, CourseMergeReport, FieldChange, ItemChange, ItemRef, Realignment, Unalignment,
    merge_course, merge_framework,
};
pub use safety::Limits;

/// A parsed standards framework, ready to be merged into a document.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkImport {
    /// The framework (CASE CFDocument or the CSV's framework row).
    pub framework: Framework,
    /// Items in outline order: parents before children, siblings in source order
    /// (CASE: by sequenceNumber, then listEnumeration, then humanCodingScheme).
    pub items: Vec<StandardItem>,
    /// Every association of the source, including those pointing outside it.
    pub associations: Vec<StandardAssociation>,
    /// What the parser noticed (repairs, ignored rows); never errors.
    pub findings: Vec<Finding>,
}

/// A parsed course, as a complete document of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseImport {
    /// The course: one top-level `course` node with its modules, lessons, objectives,
    /// activities, assessments, rubrics and assets. It validates on its own.
    pub document: Document,
    /// Everything that could not be imported as such, and why (never silently dropped).
    pub findings: Vec<Finding>,
}

impl CourseImport {
    /// What the import brought over, in one sentence (the CLI prints it, the app shows it).
    pub fn summary(&self) -> String {
        let d = &self.document;
        let count = |kind: &str| d.nodes.iter().filter(|n| n.kind == kind).count();
        let not_imported = self.findings.iter().filter(|f| f.severity >= crate::Severity::Warning).count();
        format!(
            "Course “{}”: {} modules, {} lessons, {} activities, {} assessments ({} quiz items), {} rubrics, {} objectives, {} files; {} item(s) not imported as such.",
            d.curriculum.title,
            count("module"),
            count("lesson"),
            d.activities.len(),
            d.assessments.len(),
            d.assessments.iter().map(|a| a.items.len()).sum::<usize>(),
            d.rubrics.len(),
            d.objectives.len(),
            d.assets.len(),
            not_imported,
        )
    }
}

/// The import sources the CLI and the desktop app offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceFormat {
    /// CASE CFPackage JSON.
    Case,
    /// Outcomes or competency CSV.
    Csv,
    /// Common Cartridge (zip or unpacked directory).
    CommonCartridge,
}

/// A finding produced by an importer.
pub(crate) fn finding(
    code: &str,
    severity: Severity,
    message: impl Into<String>,
    kind: &str,
    path: impl Into<String>,
) -> Finding {
    Finding {
        code: code.to_owned(),
        severity,
        message: message.into(),
        target: Target { kind: kind.to_owned(), id: None, path: path.into() },
        hint: String::new(),
    }
}
