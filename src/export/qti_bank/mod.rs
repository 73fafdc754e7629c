//! QTI item banks: `--format qti3` (QTI 3.0) and `--format qti21` (QTI 2.1) content packages.
//!
//! One lowering ([`lower::bank`]) turns the export context into a version-neutral bank: per quiz
//! item its interaction, how it is scored (a standard response-processing template where one
//! fits, explicit rules where not, none for essays), its feedback and the objectives it
//! measures; per assessment with items a test with one section. One writer ([`write`]) serialises
//! that bank through a [`Dialect`], the only place the versions differ: [`v21::V21`] keeps the
//! QTI 2.1 names, [`v3::V3`] applies QTI 3.0's renaming and content wrappers. The package is
//! `imsmanifest.xml`, `items/<id>.xml`, `tests/<id>.xml` and the assets under `assets/`.
//! Objectives travel as IEEE LOM `classification` (purpose `educational objective`) in each
//! item resource's metadata in the manifest. See docs/export.md, "QTI item banks".

mod lower;
mod v21;
mod v3;
mod write;
pub mod xhtml;

use std::borrow::Cow;

use super::{
    ExportContext, ExportFormat, ExportOptions, ExportReport, Exporter, PackageWriter, Progress, finding,
    option, option_base,
};
use crate::model::{AssessmentFormat, Document, ItemBody};
use crate::pedagogy::FieldSpec;
use crate::{Finding, Result, Severity, Target};

/// The IEEE LOM namespace (objectives and titles in the manifest).
const LOM_NS: &str = "http://ltsc.ieee.org/xsd/LOM";
/// The loose LOM binding both QTI packaging profiles import.
const LOM_XSD: &str = "http://www.imsglobal.org/xsd/imsmd_loose_v1p3p2.xsd";

/// What differs between the QTI versions; everything else is shared.
trait Dialect: Sync {
    /// Namespace of items and tests.
    fn namespace(&self) -> &'static str;
    /// `xsi:schemaLocation` of items and tests.
    fn schema_location(&self) -> String;
    /// The element name for a QTI 2.1 element name.
    fn elem(&self, name: &'static str) -> Cow<'static, str>;
    /// The attribute name for a QTI 2.1 attribute name.
    fn attr(&self, name: &'static str) -> Cow<'static, str>;
    /// URI of a standard response-processing template (`match_correct`, `map_response`).
    fn template(&self, name: &str) -> String;
    /// Whether modal feedback and rubric blocks wrap their content in `contentBody`.
    fn wraps_content_body(&self) -> bool;
    /// Namespace of the manifest.
    fn cp_namespace(&self) -> &'static str;
    /// `xsi:schemaLocation` of the manifest.
    fn cp_schema_location(&self) -> String;
    /// The manifest's `schema` and `schemaversion`.
    fn package_schema(&self) -> (&'static str, &'static str);
    /// Resource type of items.
    fn item_type(&self) -> &'static str;
    /// Resource type of tests.
    fn test_type(&self) -> &'static str;
    /// Namespace of the QTI metadata written on item resources, when the version has one here.
    fn qti_metadata_namespace(&self) -> Option<&'static str>;
}

/// Which QTI version a bank is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QtiVersion {
    /// QTI 3.0.
    V3,
    /// QTI 2.1.
    V21,
}

/// The QTI item bank exporter of one version.
pub struct QtiBank(pub QtiVersion);

impl QtiBank {
    fn dialect(&self) -> &'static dyn Dialect {
        match self.0 {
            QtiVersion::V3 => &v3::V3,
            QtiVersion::V21 => &v21::V21,
        }
    }
}

/// Whether an option asks for shuffled choices (`shuffle`).
fn shuffle(options: &ExportOptions) -> bool {
    options.values.get(option::SHUFFLE).and_then(serde_json::Value::as_bool).unwrap_or(false)
}

impl Exporter for QtiBank {
    fn format(&self) -> ExportFormat {
        match self.0 {
            QtiVersion::V3 => ExportFormat::Qti3,
            QtiVersion::V21 => ExportFormat::Qti21,
        }
    }

    fn option_specs(&self) -> Vec<FieldSpec> {
        vec![FieldSpec::Toggle {
            base: option_base(
                option::SHUFFLE,
                "Shuffle choices",
                "Let the player shuffle the choices of multiple choice and multiple response items and the answer column of matching items (true/false items keep their order).",
                Some(serde_json::Value::Bool(false)),
            ),
        }]
    }

    fn preflight(&self, doc: &Document, _options: &ExportOptions) -> Vec<Finding> {
        preflight(doc, self.format())
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let bank = lower::bank(cx, shuffle(cx.options));
        write::package(cx, &bank, self.dialect(), out, progress)?;
        Ok(ExportReport::default())
    }
}

/// What the bank cannot carry, one finding per item type (not per item: banks are large):
/// essays are scored by a person (`X40`), assessments without items are left out (`X41`),
/// short answers are compared as typed (`X42`), and an item type the bank has no item for is
/// never mentioned.
fn preflight(doc: &Document, format: ExportFormat) -> Vec<Finding> {
    let mut out = Vec::new();
    let curriculum =
        || Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() };
    let index = doc.index();
    let mut essays = 0usize;
    let mut essays_with_rubric = 0usize;
    let mut first_essay = None;
    let mut short = 0usize;
    let mut first_short = None;
    let mut empty = Vec::new();
    for a in &doc.assessments {
        if a.items.is_empty() {
            empty.push(a);
        }
        for item in &a.items {
            match &item.body {
                ItemBody::Essay { .. } => {
                    essays += 1;
                    if a.rubric.is_some() {
                        essays_with_rubric += 1;
                    }
                    first_essay.get_or_insert((a, item));
                }
                ItemBody::ShortAnswer { .. } => {
                    short += 1;
                    first_short.get_or_insert((a, item));
                }
                _ => {}
            }
        }
    }
    if let Some((a, item)) = first_essay {
        let rubric = if essays_with_rubric > 0 {
            format!(
                " {essays_with_rubric} of them belong to rubric-scored assessments; QTI has no rubric scoring, so the rubric is not in the bank."
            )
        } else {
            String::new()
        };
        out.push(finding(
            "X40-manual-scoring",
            Severity::Info,
            format!(
                "{essays} essay item(s) have no automatic scoring in {}: the player records the answer and a person scores it (the grading guidance is a scorer rubric block).{rubric}",
                format.label()
            ),
            Target { kind: "item".into(), id: Some(item.id.to_string()), path: index.path(a.node) },
            "Score essays in the delivery system, or use choice, short answer, numeric or matching items for automatic scores.",
        ));
    }
    if let Some((a, item)) = first_short {
        out.push(finding(
            "X42-exact-text-match",
            Severity::Info,
            format!(
                "{short} short answer item(s) are scored by comparing the typed text with the accepted answers (QTI's stringMatch: spaces and punctuation count; case as each item says)."
            ),
            Target { kind: "item".into(), id: Some(item.id.to_string()), path: index.path(a.node) },
            "List the spellings you accept as separate answers.",
        ));
    }
    if let Some(a) = empty.first() {
        let kinds: Vec<&str> = {
            let mut k: Vec<&str> = empty.iter().map(|a| format_name(a.format)).collect();
            k.sort_unstable();
            k.dedup();
            k
        };
        out.push(finding(
            "X41-not-in-bank",
            Severity::Info,
            format!(
                "{} assessment(s) without quiz items ({}) are not in the {}: a bank holds items and tests only.",
                empty.len(),
                kinds.join(", "),
                format.label()
            ),
            Target { kind: "assessment".into(), id: Some(a.id.to_string()), path: index.path(a.node) },
            "Export a Common Cartridge, SCORM or cmi5 package to carry assignments, projects and discussions.",
        ));
    }
    if doc.assessments.iter().all(|a| a.items.is_empty()) {
        out.push(finding(
            "X43-empty-bank",
            Severity::Warning,
            "The curriculum has no quiz items, so the bank will hold no items or tests.".into(),
            curriculum(),
            "Add items to a quiz or exam.",
        ));
    }
    out
}

fn format_name(f: AssessmentFormat) -> &'static str {
    match f {
        AssessmentFormat::Quiz => "quiz",
        AssessmentFormat::Assignment => "assignment",
        AssessmentFormat::PerformanceTask => "performance task",
        AssessmentFormat::Discussion => "discussion",
        AssessmentFormat::Exam => "exam",
        AssessmentFormat::Project => "project",
    }
}
