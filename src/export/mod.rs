//! Export: lowering a `Document` into an [`ExportContext`] and serialising it as packages.
//!
//! The closed [`ExportFormat`] enum names every format; each has one [`Exporter`] (one file per
//! format) returned by [`ExportFormat::exporter`]. [`export_document`] is the one entry point the
//! CLI and the desktop app call: it runs [`preflight`], refuses in strict mode when there are
//! errors, lowers the document once ([`lower::lower`]) and hands the context to the exporter,
//! which writes into a [`PackageWriter`] (directory, zip or memory). Exporters only serialise:
//! they never touch the store, the clock or the filesystem, so the same document and options
//! always give byte-identical packages. This module deliberately holds no format details.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{Document, Timestamp};
use crate::pedagogy::{FieldBase, FieldSpec, SelectOption};
use crate::{Error, Finding, Result, Severity, Target};

mod case;
mod cmi5;
mod common_cartridge;
pub mod html;
pub mod lower;
pub mod package;
mod qti;
mod sco;
mod scorm12;
mod scorm2004;
pub mod xml;

pub use lower::{ExportContext, ident, ident_with};
pub use package::{DirWriter, FileWriter, MemWriter, PackageWriter, ZipWriter};

/// Every export format Trellis writes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// IMS Common Cartridge 1.3 (`.imscc`).
    Cc13,
    /// IMS Common Cartridge 1.1, for LMSs that do not read 1.3.
    Cc11,
    /// 1EdTech CASE 1.1 JSON package of the objectives (or of an imported framework).
    Case,
    /// The canonical Trellis JSON document.
    Json,
    /// SCORM 1.2 (`.zip`).
    Scorm12,
    /// SCORM 2004 4th edition (`.zip`).
    Scorm2004,
    /// cmi5 (`.zip`).
    Cmi5,
}

impl ExportFormat {
    /// All formats, in menu order.
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Cc13,
        ExportFormat::Cc11,
        ExportFormat::Case,
        ExportFormat::Json,
        ExportFormat::Scorm12,
        ExportFormat::Scorm2004,
        ExportFormat::Cmi5,
    ];

    /// The CLI name (`cc13`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Cc13 => "cc13",
            ExportFormat::Cc11 => "cc11",
            ExportFormat::Case => "case",
            ExportFormat::Json => "json",
            ExportFormat::Scorm12 => "scorm12",
            ExportFormat::Scorm2004 => "scorm2004",
            ExportFormat::Cmi5 => "cmi5",
        }
    }

    /// A human name (`IMS Common Cartridge 1.3`).
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Cc13 => "IMS Common Cartridge 1.3",
            ExportFormat::Cc11 => "IMS Common Cartridge 1.1",
            ExportFormat::Case => "CASE 1.1 JSON",
            ExportFormat::Json => "Trellis JSON",
            ExportFormat::Scorm12 => "SCORM 1.2",
            ExportFormat::Scorm2004 => "SCORM 2004 4th edition",
            ExportFormat::Cmi5 => "cmi5",
        }
    }

    /// The usual file extension of the package (`imscc`, `zip`, `json`).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Cc13 | ExportFormat::Cc11 => "imscc",
            ExportFormat::Case | ExportFormat::Json => "json",
            ExportFormat::Scorm12 | ExportFormat::Scorm2004 | ExportFormat::Cmi5 => "zip",
        }
    }

    /// The format-specific options this format reads from [`ExportOptions::values`], as field
    /// specs: the desktop export dialog draws its form from them, the CLI takes the same keys as
    /// `--option KEY=VALUE`, and [`preflight`] checks given values against them
    /// (`X12-invalid-option`, `X13-unknown-option`). Keys are in [`option`].
    pub fn option_specs(self) -> Vec<FieldSpec> {
        let base = |name: &str, label: &str, help: &str, default: Option<serde_json::Value>| FieldBase {
            name: name.to_owned(),
            label: label.to_owned(),
            help: help.to_owned(),
            required: false,
            default,
        };
        let choice =
            |value: &str, label: &str| SelectOption { value: value.to_owned(), label: label.to_owned() };
        let publish = || FieldSpec::Toggle {
            base: base(
                option::PUBLISH,
                "Publish in Canvas",
                "Canvas profile only: modules, pages, assignments and quizzes arrive published instead of unpublished.",
                Some(serde_json::Value::Bool(false)),
            ),
        };
        let base_uri = || FieldSpec::Text {
            base: base(
                option::BASE_URI,
                "CASE base URI",
                "Base of the CASE URIs of the curriculum's objectives (<base>/CFItems/<uuid>); empty gives urn:uuid: URIs.",
                None,
            ),
            placeholder: "https://case.example.edu/uri".into(),
        };
        match self {
            ExportFormat::Cc13 => vec![publish(), base_uri()],
            ExportFormat::Cc11 => vec![publish()],
            ExportFormat::Case => vec![
                base_uri(),
                FieldSpec::Text {
                    base: base(
                        option::CREATOR,
                        "Creator",
                        "The CFDocument's creator; empty uses the curriculum's code or title.",
                        None,
                    ),
                    placeholder: String::new(),
                },
                FieldSpec::Select {
                    base: FieldBase {
                        required: true,
                        ..base(
                            option::STANDARDS_ASSOCIATION,
                            "Standards association",
                            "How an objective is linked to the framework items it is aligned to.",
                            Some(option::RELATED.into()),
                        )
                    },
                    options: vec![
                        choice(option::RELATED, "Is related to (isRelatedTo)"),
                        choice(option::EXACT_MATCH, "Exact match of (exactMatchOf)"),
                    ],
                },
            ],
            ExportFormat::Json => Vec::new(),
            ExportFormat::Scorm12 | ExportFormat::Scorm2004 | ExportFormat::Cmi5 => vec![
                FieldSpec::Select {
                    base: FieldBase {
                        required: true,
                        ..base(
                            option::SCO_LEVEL,
                            "Launchable lessons",
                            "Lesson: every leaf node is its own SCO/AU. Unit: a node whose children are all leaves is one SCO/AU showing its lessons one after the other.",
                            Some(option::LEVEL_LESSON.into()),
                        )
                    },
                    options: vec![
                        choice(option::LEVEL_LESSON, "One per lesson"),
                        choice(option::LEVEL_UNIT, "One per unit"),
                    ],
                },
                FieldSpec::Number {
                    base: base(
                        option::MASTERY_SCORE,
                        "Default mastery score",
                        "Share of the points (0–1) a learner needs to pass a scored quiz that states no mastery score of its own.",
                        Some(serde_json::json!(sco::DEFAULT_MASTERY)),
                    ),
                    min: Some(0.0),
                    max: Some(1.0),
                    unit: String::new(),
                },
            ],
        }
    }

    /// Whether the format can export an imported framework instead of the curriculum's
    /// objectives ([`ExportOptions::framework`]).
    pub fn exports_frameworks(self) -> bool {
        self == ExportFormat::Case
    }

    /// Whether the format is a Common Cartridge variant.
    pub fn is_common_cartridge(self) -> bool {
        matches!(self, ExportFormat::Cc13 | ExportFormat::Cc11)
    }

    /// The exporter for this format.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            ExportFormat::Cc13 => &common_cartridge::CommonCartridge(common_cartridge::CcVersion::V1p3),
            ExportFormat::Cc11 => &common_cartridge::CommonCartridge(common_cartridge::CcVersion::V1p1),
            ExportFormat::Case => &case::Case,
            ExportFormat::Json => &JsonExporter,
            ExportFormat::Scorm12 => &scorm12::Scorm12Exporter,
            ExportFormat::Scorm2004 => &scorm2004::Scorm2004Exporter,
            ExportFormat::Cmi5 => &cmi5::Cmi5Exporter,
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
            Error::Refused(format!("unknown export format \"{s}\"; expected one of {}", names.join(", ")))
        })
    }
}

/// Keys (and fixed values) of the format options in [`ExportOptions::values`]; the exporters
/// read them through these constants and [`ExportFormat::option_specs`] describes them.
pub mod option {
    /// Canvas profile: publish modules, pages, assignments and quizzes (bool).
    pub const PUBLISH: &str = "publish";
    /// CASE URIs: base of `<baseUri>/CFItems/<uuid>` (text).
    pub const BASE_URI: &str = "baseUri";
    /// CASE: the CFDocument's creator (text).
    pub const CREATOR: &str = "creator";
    /// CASE: association type of objective → standard links ([`RELATED`] or [`EXACT_MATCH`]).
    pub const STANDARDS_ASSOCIATION: &str = "standardsAssociation";
    /// `standardsAssociation` value: `isRelatedTo` (the default).
    pub const RELATED: &str = "isRelatedTo";
    /// `standardsAssociation` value: `exactMatchOf`.
    pub const EXACT_MATCH: &str = "exactMatchOf";
    /// SCORM and cmi5: which nodes become launchable lessons ([`LEVEL_LESSON`] or [`LEVEL_UNIT`]).
    pub const SCO_LEVEL: &str = "scoLevel";
    /// `scoLevel` value: one SCO/AU per leaf node (the default).
    pub const LEVEL_LESSON: &str = "lesson";
    /// `scoLevel` value: one SCO/AU per node whose children are all leaves.
    pub const LEVEL_UNIT: &str = "unit";
    /// SCORM and cmi5: mastery score (0–1) of scored quizzes that state none.
    pub const MASTERY_SCORE: &str = "masteryScore";
}

/// The LMS a package is tuned for. The profile changes what is added on top of the standard
/// package (e.g. Canvas outcome and rubric files), never whether the package is valid.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum LmsProfile {
    /// Instructure Canvas.
    Canvas,
    /// Moodle.
    Moodle,
    /// Blackboard Learn.
    Blackboard,
    /// D2L Brightspace.
    Brightspace,
    /// No LMS-specific additions.
    #[default]
    Generic,
}

impl LmsProfile {
    /// All profiles, in menu order.
    pub const ALL: [LmsProfile; 5] = [
        LmsProfile::Canvas,
        LmsProfile::Moodle,
        LmsProfile::Blackboard,
        LmsProfile::Brightspace,
        LmsProfile::Generic,
    ];

    /// The CLI name (`canvas`).
    pub fn as_str(self) -> &'static str {
        match self {
            LmsProfile::Canvas => "canvas",
            LmsProfile::Moodle => "moodle",
            LmsProfile::Blackboard => "blackboard",
            LmsProfile::Brightspace => "brightspace",
            LmsProfile::Generic => "generic",
        }
    }
}

impl fmt::Display for LmsProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LmsProfile {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        LmsProfile::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = LmsProfile::ALL.iter().map(|p| p.as_str()).collect();
            Error::Refused(format!("unknown LMS profile \"{s}\"; expected one of {}", names.join(", ")))
        })
    }
}

/// Options of one export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    /// Target LMS.
    #[serde(default)]
    pub profile: LmsProfile,
    /// Refuse to export when pre-export checks report errors.
    #[serde(default)]
    pub strict: bool,
    /// Time written into packages (metadata dates). Callers pass it in so that exports are
    /// reproducible; the CLI uses the document's `updatedAt`.
    pub generated_at: Timestamp,
    /// CASE: export this imported framework (Trellis id or source identifier) instead of the
    /// curriculum's objectives.
    #[serde(default)]
    pub framework: Option<String>,
    /// Format-specific options by name (described to the UI as field specs).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub values: BTreeMap<String, serde_json::Value>,
}

impl ExportOptions {
    /// Generic-profile, non-strict options with the given time.
    pub fn new(generated_at: Timestamp) -> Self {
        ExportOptions {
            profile: LmsProfile::Generic,
            strict: false,
            generated_at,
            framework: None,
            values: BTreeMap::new(),
        }
    }

    /// Options for a document: the time is the document's last edit, so re-exporting an
    /// unchanged document gives the same bytes.
    pub fn for_document(doc: &Document) -> Self {
        Self::new(doc.curriculum.updated_at.clone())
    }

    /// Same options with another profile.
    pub fn with_profile(mut self, profile: LmsProfile) -> Self {
        self.profile = profile;
        self
    }
}

/// Progress of a running export, reported through the callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Steps done.
    pub done: u64,
    /// Steps in total (known up front).
    pub total: u64,
    /// What is being written.
    pub message: String,
}

/// What an export produced.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    /// Package entries written, in order.
    pub files: Vec<String>,
    /// Pre-export findings and anything the exporter had to degrade.
    pub findings: Vec<Finding>,
}

/// One export format.
pub trait Exporter: Sync {
    /// The format written.
    fn format(&self) -> ExportFormat;

    /// Serialises the prepared context into `out`, reporting progress. Returns findings about
    /// anything that had to be degraded; `files` is filled in by [`export_document`].
    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport>;
}

/// Exports a document: preflight, strict check, lowering, serialising, finishing the writer.
pub fn export_document(
    doc: &Document,
    format: ExportFormat,
    options: &ExportOptions,
    out: &mut dyn PackageWriter,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let mut findings = preflight(doc, format, options);
    if options.strict {
        let errors: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
        if let Some(first) = errors.first() {
            let mut codes: Vec<&str> = errors.iter().map(|f| f.code.as_str()).collect();
            codes.dedup();
            return Err(Error::Refused(format!(
                "{} export refused in strict mode: {} error finding(s) ({}); first: {}",
                format.as_str(),
                errors.len(),
                codes.join(", "),
                first.message
            )));
        }
    }
    let cx = lower::lower(doc, options)?;
    findings.extend(cx.findings.iter().cloned());
    let mut recording = Recording { inner: out, files: Vec::new() };
    let report = format.exporter().export(&cx, &mut recording, progress)?;
    let files = recording.files;
    out.finish()?;
    // Exporters repeat some preflight findings with export detail; keep the first of each.
    for f in report.findings {
        if !findings.iter().any(|g| g.code == f.code && g.target.id == f.target.id) {
            findings.push(f);
        }
    }
    Ok(ExportReport { files, findings })
}

/// Records the entries an exporter writes.
struct Recording<'w> {
    inner: &'w mut dyn PackageWriter,
    files: Vec<String>,
}

impl PackageWriter for Recording<'_> {
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.inner.add(path, bytes)?;
        self.files.push(path.to_owned());
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        // The caller finishes the real writer once the exporter has returned.
        Ok(())
    }
}

/// What to check before exporting: the export-specific problems of a document for one format
/// and profile (item types the target cannot import, unsafe links, missing alt text, …; codes in
/// `docs/export.md`), then, for every format but the canonical JSON, the warnings and errors of
/// the curriculum analysis ([`crate::analysis::check`], with the built-in templates only: a
/// user template's own checks show in `trellis check`, the findings panel and the packet).
pub fn preflight(doc: &Document, format: ExportFormat, options: &ExportOptions) -> Vec<Finding> {
    let mut out = export_findings(doc, format, options);
    if format != ExportFormat::Json {
        let templates = crate::pedagogy::templates::Catalog::builtin();
        out.extend(
            crate::analysis::check(doc, templates).into_iter().filter(|f| f.severity >= Severity::Warning),
        );
    }
    out
}

/// Format options that this format does not read (`X13-unknown-option`, a warning: probably a
/// typo) or whose value does not fit the option's spec (`X12-invalid-option`, an error: the
/// export falls back to the default, which is not what was asked for).
fn option_findings(doc: &Document, format: ExportFormat, options: &ExportOptions) -> Vec<Finding> {
    let specs = format.option_specs();
    let target =
        || Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() };
    let mut out = Vec::new();
    for (key, value) in &options.values {
        let Some(spec) = specs.iter().find(|s| s.name() == key) else {
            let known: Vec<&str> = specs.iter().map(FieldSpec::name).collect();
            out.push(finding(
                "X13-unknown-option",
                Severity::Warning,
                format!("The export option \"{key}\" means nothing to {}; it is ignored.", format.label()),
                target(),
                &if known.is_empty() {
                    format!("The {format} export takes no options.")
                } else {
                    format!("The {format} export takes {}.", known.join(", "))
                },
            ));
            continue;
        };
        if spec.mismatch(value).is_none() {
            continue;
        }
        let expected = match spec {
            FieldSpec::Select { options, .. } => format!(
                "one of {}",
                options.iter().map(|o| format!("\"{}\"", o.value)).collect::<Vec<_>>().join(", ")
            ),
            FieldSpec::Number { min: Some(lo), max: Some(hi), .. } => format!("a number from {lo} to {hi}"),
            FieldSpec::Number { .. } => "a number".to_owned(),
            FieldSpec::Toggle { .. } => "true or false".to_owned(),
            _ => "text".to_owned(),
        };
        let fallback = match &spec.base().default {
            Some(d) => {
                format!("the default ({})", d.as_str().map(str::to_owned).unwrap_or_else(|| d.to_string()))
            }
            None => "the default".to_owned(),
        };
        out.push(finding(
            "X12-invalid-option",
            Severity::Error,
            format!(
                "The export option {key} ({}) is {value}, but it must be {expected}; {fallback} would be used instead.",
                spec.base().label
            ),
            target(),
            "Correct the value (on the command line, a value that looks like a number or true/false is read as one; quote it as JSON, e.g. --option 'creator=\"2024\"', to pass it as text).",
        ));
    }
    out
}

fn export_findings(doc: &Document, format: ExportFormat, options: &ExportOptions) -> Vec<Finding> {
    let mut out = option_findings(doc, format, options);
    let index = doc.index();
    let node_path = |id| index.path(id);
    if format.is_common_cartridge()
        || matches!(format, ExportFormat::Scorm12 | ExportFormat::Scorm2004 | ExportFormat::Cmi5)
    {
        if doc.nodes.is_empty() {
            out.push(finding(
                "X01-empty-outline",
                Severity::Warning,
                "The curriculum has no outline nodes, so the package will be empty.".into(),
                Target {
                    kind: "curriculum".into(),
                    id: Some(doc.curriculum.id.to_string()),
                    path: String::new(),
                },
                "Add at least one course, unit or lesson.",
            ));
        }
        for a in &doc.activities {
            for r in &a.resources {
                if let Some(url) = &r.url
                    && !lower::is_safe_url(url)
                {
                    out.push(finding(
                        "X02-unsafe-link",
                        Severity::Warning,
                        format!("The link \"{}\" of activity \"{}\" is not an http(s) or mailto address and will be left out.", r.title, a.title),
                        Target { kind: "activity".into(), id: Some(a.id.to_string()), path: node_path(a.node) },
                        "Use a full https:// address.",
                    ));
                }
            }
        }
        for asset in &doc.assets {
            if asset.media_type.starts_with("image/") && asset.alt.trim().is_empty() {
                out.push(finding(
                    "X03-image-without-alt",
                    Severity::Warning,
                    format!("The image \"{}\" has no alternative text.", asset.name),
                    Target { kind: "asset".into(), id: Some(asset.id.to_string()), path: String::new() },
                    "Describe the image for screen-reader users, or mark it decorative in the Markdown with an empty alt.",
                ));
            }
        }
    }
    if format.is_common_cartridge() {
        for a in &doc.assessments {
            use crate::model::{AssessmentFormat as F, ItemBody};
            let path = node_path(a.node);
            if matches!(a.format, F::Quiz | F::Exam) {
                if a.items.is_empty() {
                    out.push(finding(
                        "X04-empty-quiz",
                        Severity::Warning,
                        format!(
                            "The {} \"{}\" has no items; it is exported as a page with its instructions.",
                            fmt_format(a.format),
                            a.title
                        ),
                        Target { kind: "assessment".into(), id: Some(a.id.to_string()), path: path.clone() },
                        "Add items, or change the format to assignment.",
                    ));
                }
                // Canvas reads its own QTI flavour, which keeps numeric and matching items.
                let degrades = options.profile != LmsProfile::Canvas;
                for item in a.items.iter().filter(|_| degrades) {
                    if matches!(item.body, ItemBody::Numeric { .. } | ItemBody::Matching { .. }) {
                        out.push(finding(
                            "X05-item-type-degraded",
                            Severity::Warning,
                            format!(
                                "Item \"{}\" of \"{}\" is a {} item, which the Common Cartridge QTI profile cannot carry; it is exported as {}.",
                                crate::markdown::to_plain_text(&item.stem).chars().take(60).collect::<String>(),
                                a.title,
                                item.body.type_name(),
                                if matches!(item.body, ItemBody::Numeric { .. }) { "a fill-in item accepting the exact answer" } else { "an essay item listing the pairs for manual grading" },
                            ),
                            Target { kind: "item".into(), id: Some(item.id.to_string()), path: path.clone() },
                            "Use a supported item type (multiple choice, multiple response, true/false, short answer, essay) if it must be auto-graded.",
                        ));
                    }
                }
            }
            if format == ExportFormat::Cc11
                && matches!(a.format, F::Assignment | F::PerformanceTask | F::Project)
            {
                out.push(finding(
                    "X06-assignment-as-page",
                    Severity::Info,
                    format!("Common Cartridge 1.1 has no assignments; \"{}\" is exported as a page with its instructions.", a.title),
                    Target { kind: "assessment".into(), id: Some(a.id.to_string()), path },
                    "Export Common Cartridge 1.3 to create a gradable assignment.",
                ));
            }
        }
        let discussions = doc.activities.iter().any(|a| a.kind == crate::model::ActivityKind::Discussion)
            || doc.assessments.iter().any(|a| a.format == crate::model::AssessmentFormat::Discussion);
        if options.profile == LmsProfile::Canvas && format == ExportFormat::Cc13 && discussions {
            out.push(finding(
                "X11-canvas-discussions-cc13",
                Severity::Warning,
                "Canvas reads the discussion topics of a Canvas-profile cartridge only as Common Cartridge 1.1 resources, which a valid 1.3 package cannot contain; the discussions are in the package but Canvas will skip them.".into(),
                Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() },
                "Export cc11 with the canvas profile to bring discussions into Canvas (outcomes, rubrics and assignments are kept there too).",
            ));
        }
        if options.profile != LmsProfile::Canvas && (!doc.rubrics.is_empty() || !doc.objectives.is_empty()) {
            out.push(finding(
                "X07-outcomes-as-metadata",
                Severity::Info,
                format!(
                    "The {} profile has no portable way to create outcomes and rubrics; objectives and rubrics are exported as pages and standards metadata only.",
                    options.profile
                ),
                Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() },
                "Use the canvas profile to create Canvas outcomes and rubrics.",
            ));
        }
    }
    if format == ExportFormat::Case {
        match &options.framework {
            Some(wanted) if find_framework(doc, wanted).is_none() => out.push(finding(
                "X08-framework-not-found",
                Severity::Error,
                format!("The document has no framework \"{wanted}\"."),
                Target {
                    kind: "curriculum".into(),
                    id: Some(doc.curriculum.id.to_string()),
                    path: String::new(),
                },
                "Give the Trellis id or the source identifier of an imported framework.",
            )),
            None if doc.objectives.is_empty() => out.push(finding(
                "X09-no-objectives",
                Severity::Error,
                "The curriculum has no objectives to export as a CASE framework.".into(),
                Target {
                    kind: "curriculum".into(),
                    id: Some(doc.curriculum.id.to_string()),
                    path: String::new(),
                },
                "Write objectives first, or export an imported framework with --framework.",
            )),
            _ => {}
        }
    }
    out
}

/// Finds an imported framework by Trellis id or source identifier.
pub fn find_framework<'d>(doc: &'d Document, wanted: &str) -> Option<&'d crate::model::Framework> {
    let wanted = wanted.trim();
    doc.frameworks
        .iter()
        .find(|f| f.id.to_string() == wanted || (!f.identifier.is_empty() && f.identifier == wanted))
}

fn fmt_format(f: crate::model::AssessmentFormat) -> &'static str {
    match f {
        crate::model::AssessmentFormat::Exam => "exam",
        _ => "quiz",
    }
}

fn finding(code: &str, severity: Severity, message: String, target: Target, hint: &str) -> Finding {
    Finding { code: code.to_owned(), severity, message, target, hint: hint.to_owned() }
}

/// Writes the canonical Trellis JSON document (`document.json`).
struct JsonExporter;

impl Exporter for JsonExporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Json
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        progress(Progress { done: 0, total: 1, message: "document.json".into() });
        out.add("document.json", crate::json::to_string(cx.doc).as_bytes())?;
        progress(Progress { done: 1, total: 1, message: "document.json".into() });
        Ok(ExportReport::default())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn format_and_profile_names_round_trip() {
        for f in ExportFormat::ALL {
            assert_eq!(f.as_str().parse::<ExportFormat>().unwrap(), f);
            assert_eq!(f.exporter().format(), f, "the exporter of {f} writes {f}");
        }
        for p in LmsProfile::ALL {
            assert_eq!(p.as_str().parse::<LmsProfile>().unwrap(), p);
        }
        assert!("scorm3".parse::<ExportFormat>().is_err());
    }

    #[test]
    fn json_export_is_the_canonical_document() {
        let doc = Document::new("Statistics");
        let mut mem = MemWriter::new();
        let report = export_document(
            &doc,
            ExportFormat::Json,
            &ExportOptions::for_document(&doc),
            &mut mem,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(report.files, ["document.json"]);
        assert!(mem.is_finished());
        assert_eq!(mem.text("document.json").unwrap(), crate::json::to_string(&doc));
    }

    #[test]
    fn strict_mode_refuses_when_preflight_has_errors() {
        let doc = Document::new("No objectives");
        let mut options = ExportOptions::for_document(&doc);
        options.strict = true;
        let err = export_document(&doc, ExportFormat::Case, &options, &mut MemWriter::new(), &mut |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("X09-no-objectives"), "{err}");
    }
}
