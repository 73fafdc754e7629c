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
pub(crate) mod common_cartridge;
pub mod html;
pub mod interactive;
pub mod lower;
mod outcomes_csv;
pub mod package;
mod qti;
mod qti_bank;
mod sco;
mod scorm12;
mod scorm2004;
mod site;
pub mod xml;

pub use case::find_framework;
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
    /// QTI 3.0 item bank: an IMS content package of items and tests (`.zip`).
    Qti3,
    /// QTI 2.1 item bank: an IMS content package of items and tests (`.zip`).
    Qti21,
    /// A static, accessible, offline website of the course (a directory, or `.zip`).
    Site,
    /// The objectives as a Canvas outcomes import CSV (`.csv`).
    #[serde(rename = "canvas-outcomes-csv")]
    CanvasOutcomesCsv,
    /// The objectives as a Moodle competency framework CSV (`tool_lpimportcsv`, `.csv`).
    #[serde(rename = "moodle-competency-csv")]
    MoodleCompetencyCsv,
}

impl ExportFormat {
    /// All formats, in menu order.
    pub const ALL: [ExportFormat; 12] = [
        ExportFormat::Cc13,
        ExportFormat::Cc11,
        ExportFormat::Case,
        ExportFormat::Json,
        ExportFormat::Scorm12,
        ExportFormat::Scorm2004,
        ExportFormat::Cmi5,
        ExportFormat::Qti3,
        ExportFormat::Qti21,
        ExportFormat::Site,
        ExportFormat::CanvasOutcomesCsv,
        ExportFormat::MoodleCompetencyCsv,
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
            ExportFormat::Qti3 => "qti3",
            ExportFormat::Qti21 => "qti21",
            ExportFormat::Site => "site",
            ExportFormat::CanvasOutcomesCsv => "canvas-outcomes-csv",
            ExportFormat::MoodleCompetencyCsv => "moodle-competency-csv",
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
            ExportFormat::Qti3 => "QTI 3.0 item bank",
            ExportFormat::Qti21 => "QTI 2.1 item bank",
            ExportFormat::Site => "Offline course website",
            ExportFormat::CanvasOutcomesCsv => "Canvas outcomes CSV",
            ExportFormat::MoodleCompetencyCsv => "Moodle competency framework CSV",
        }
    }

    /// The usual file extension of the package (`imscc`, `zip`, `json`).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Cc13 | ExportFormat::Cc11 => "imscc",
            ExportFormat::Case | ExportFormat::Json => "json",
            ExportFormat::Scorm12 | ExportFormat::Scorm2004 | ExportFormat::Cmi5 => "zip",
            ExportFormat::Qti3 | ExportFormat::Qti21 => "zip",
            // A directory on the command line; the save dialog proposes the zipped site.
            ExportFormat::Site => "zip",
            ExportFormat::CanvasOutcomesCsv | ExportFormat::MoodleCompetencyCsv => "csv",
        }
    }

    /// The format-specific options this format reads from [`ExportOptions::values`], as field
    /// specs ([`Exporter::option_specs`]): the desktop export dialog draws its form from them,
    /// the CLI takes the same keys as `--option KEY=VALUE`, and [`preflight`] checks given values
    /// against them (`X12-invalid-option`, `X13-unknown-option`). Keys are in [`option`].
    pub fn option_specs(self) -> Vec<FieldSpec> {
        self.exporter().option_specs()
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
            ExportFormat::Scorm12 => &scorm12::EXPORTER,
            ExportFormat::Scorm2004 => &scorm2004::EXPORTER,
            ExportFormat::Cmi5 => &cmi5::EXPORTER,
            ExportFormat::Qti3 => &qti_bank::QtiBank(qti_bank::QtiVersion::V3),
            ExportFormat::Qti21 => &qti_bank::QtiBank(qti_bank::QtiVersion::V21),
            ExportFormat::Site => &site::SiteExporter,
            ExportFormat::CanvasOutcomesCsv => &outcomes_csv::OutcomesCsv(outcomes_csv::Flavour::Canvas),
            ExportFormat::MoodleCompetencyCsv => &outcomes_csv::OutcomesCsv(outcomes_csv::Flavour::Moodle),
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
    /// QTI item banks: let the player shuffle choices (bool).
    pub const SHUFFLE: &str = "shuffle";
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
    /// The document's mastery policy (from its evidence settings), written into the Canvas
    /// outcome metadata; None keeps Canvas's defaults. Read from the document by the caller,
    /// not part of the serialized options.
    #[serde(skip)]
    #[schemars(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub mastery: Option<crate::evidence::store::PolicySet>,
    /// The user's template folder: [`preflight`] resolves the document's template through the
    /// built-in templates and this folder, so a user template's own checks are part of it. None:
    /// built-in templates only. Set by the caller, not part of the serialized options.
    #[serde(skip)]
    #[schemars(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub templates: Option<std::path::PathBuf>,
    /// Export the document in this language (BCP 47): translated text replaces the source text
    /// where the document has a translation ([`crate::translate::localise`]) and the package's
    /// language metadata says this language. None: the source language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub lang: Option<String>,
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
            mastery: None,
            templates: None,
            lang: None,
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

/// Progress of a running export, reported through the callback (the one type of
/// [`crate::task`]).
pub use crate::task::Progress;

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

    /// The format-specific options it reads from [`ExportOptions::values`], as field specs
    /// (keys in [`option`]; build them with [`option_base`] and [`option_choice`]). None by
    /// default.
    fn option_specs(&self) -> Vec<FieldSpec> {
        Vec::new()
    }

    /// The format's own pre-export findings (what the format cannot carry, what it will
    /// degrade). [`preflight`] adds the checks every format shares around them. None by default.
    fn preflight(&self, _doc: &Document, _options: &ExportOptions) -> Vec<Finding> {
        Vec::new()
    }

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
    let original = doc;
    let localised;
    let doc = match &options.lang {
        Some(lang) => {
            crate::translate::check_language(lang)?;
            localised = crate::translate::localise(doc, lang);
            &localised
        }
        None => doc,
    };
    let mut findings = preflight(doc, format, options);
    findings.splice(0..0, language_findings(original, options));
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
/// and profile (option values that do not fit the format's [`Exporter::option_specs`], then the
/// format's own [`Exporter::preflight`]: item types the target cannot import, unsafe links,
/// missing alt text, …; codes in `docs/export.md`), then, for every format but the canonical
/// JSON, the warnings and errors of the curriculum analysis ([`crate::analysis::check`], with
/// the built-in templates and those of [`ExportOptions::templates`], so a user template's own
/// checks are part of it as they are of `trellis check`, the findings panel and the packet).
pub fn preflight(doc: &Document, format: ExportFormat, options: &ExportOptions) -> Vec<Finding> {
    use crate::pedagogy::templates::Catalog;
    let exporter = format.exporter();
    let mut out = option_findings(doc, exporter, options);
    out.extend(language_findings(doc, options));
    out.extend(exporter.preflight(doc, options));
    if format != ExportFormat::Json {
        let users;
        let templates = match &options.templates {
            Some(dir) => {
                users = Catalog::load(Some(dir));
                &users
            }
            None => Catalog::builtin(),
        };
        out.extend(
            crate::analysis::check(doc, templates).into_iter().filter(|f| f.severity >= Severity::Warning),
        );
    }
    out
}

/// `X50-untranslated-fields` (a warning) when the export is in another language than the
/// document's and fields have no translation (they keep the source text) or an outdated one.
/// Nothing for an already localised document (its variants are gone).
fn language_findings(doc: &Document, options: &ExportOptions) -> Vec<Finding> {
    let Some(lang) = &options.lang else { return Vec::new() };
    if doc.curriculum.language.eq_ignore_ascii_case(lang) && crate::translate::variant(doc, lang).is_none() {
        return Vec::new();
    }
    let c = crate::translate::coverage(doc, lang);
    if c.untranslated == 0 && c.outdated == 0 {
        return Vec::new();
    }
    vec![finding(
        "X50-untranslated-fields",
        Severity::Warning,
        format!(
            "{} of {} learner-facing fields have no {lang} translation and keep the {} text; {} translation(s) were made from an earlier source text.",
            c.untranslated, c.fields, doc.curriculum.language, c.outdated
        ),
        Target { kind: "curriculum".into(), id: Some(doc.curriculum.id.to_string()), path: String::new() },
        "Export the missing fields with `trellis translate export`, translate them and import the file.",
    )]
}

/// Format options that this format does not read (`X13-unknown-option`, a warning: probably a
/// typo) or whose value does not fit the option's spec (`X12-invalid-option`, an error: the
/// export falls back to the default, which is not what was asked for).
fn option_findings(doc: &Document, exporter: &dyn Exporter, options: &ExportOptions) -> Vec<Finding> {
    let format = exporter.format();
    let specs = exporter.option_specs();
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

/// The checks every format that packages the outline shares (Common Cartridge, SCORM, cmi5; each
/// calls it from its [`Exporter::preflight`]): an empty outline (`X01`), resource links that are
/// not http(s) or mailto (`X02`) and images without alternative text (`X03`).
pub(crate) fn package_findings(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    let index = doc.index();
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
                    Target { kind: "activity".into(), id: Some(a.id.to_string()), path: index.path(a.node) },
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
    out
}

/// The common part of an option's field spec (not required, with an optional default).
pub(crate) fn option_base(
    name: &str,
    label: &str,
    help: &str,
    default: Option<serde_json::Value>,
) -> FieldBase {
    FieldBase {
        name: name.to_owned(),
        label: label.to_owned(),
        help: help.to_owned(),
        required: false,
        default,
    }
}

/// One choice of a select option.
pub(crate) fn option_choice(value: &str, label: &str) -> SelectOption {
    SelectOption { value: value.to_owned(), label: label.to_owned() }
}

/// A pre-export finding.
pub(crate) fn finding(
    code: &str,
    severity: Severity,
    message: String,
    target: Target,
    hint: &str,
) -> Finding {
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
