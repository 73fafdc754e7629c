//! IMS Common Cartridge 1.0–1.3 (exports of Canvas, Moodle and others; zipped or unpacked) →
//! an editable curriculum ([`CourseImport`]).
//!
//! The manifest's organization becomes the outline: one `course` node, a `module` node per
//! folder item (nested folders nest), and inside each module:
//! - web content HTML pages → `lesson` nodes whose summary is the page as Markdown (what
//!   Markdown cannot express stays as sanitised HTML, see [`super::html_to_markdown`]);
//! - other web content files → assets, with a reading/video activity that uses them;
//! - web links (imswl) → link activities; discussions (imsdt) → discussion activities (or
//!   discussion assessments when Canvas grades them);
//! - assignments (CC 1.3 extension, Canvas `assignment_settings.xml`) → assignment assessments;
//! - QTI 1.2 quizzes → quiz assessments with their items (Canvas's fuller
//!   `non_cc_assessments` copy is preferred when present); question banks → quiz assessments
//!   named as banks;
//! - LTI links → activities holding the launch URL (the tool itself must be set up in the LMS).
//!
//! Canvas course settings add the course code, outcomes (`learning_outcomes.xml` → course
//! objectives) and rubrics (`rubrics.xml` → rubrics, criteria aligned to the outcomes, attached
//! to the assignments that use them, which are then aligned to those outcomes). Files linked
//! from pages and quizzes (`$IMS-CC-FILEBASE$`, relative paths) become assets and the links
//! `assets/NAME`. Resources outside any module are added to the course node.
//!
//! Packages written by Trellis's own exporter come back as written: the course's `…_overview`
//! folder and a node's `…_page` are the node's own content, generated page parts (time,
//! points, objective lists) are left out, and assignment groups named after a purpose give it
//! back (see docs/import.md for what an import → export → import does not keep).
//!
//! Everything that is not carried over is reported as a [`Finding`]: unsupported resources and
//! question types, text headers, missing files, internal LMS links, LMS settings without a model
//! field. A resource whose XML file is not well-formed is skipped with a finding naming the file,
//! line and column; the rest of the course is imported. Hostile packages are refused by
//! [`super::safety`] and [`super::xml`].

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::html_to_markdown::{self, UrlAction, UrlRewriter, UrlUse};
use super::safety::{Package, parent_dir, parse_error, percent_decode, resolve_href};
use super::xml::{self, Element};
use super::{CourseImport, finding, qti12};
use crate::finding::{Finding, Severity};
use crate::model::*;
use crate::{Error, Result};

/// Reads a cartridge from a `.imscc`/`.zip` file or an unpacked directory.
pub fn parse_path(path: &Path) -> Result<CourseImport> {
    let package = Package::open(path)?;
    parse_package(&package)
}

/// Reads a zipped cartridge held in memory.
pub fn parse_bytes(bytes: Vec<u8>, source_name: &str) -> Result<CourseImport> {
    let package = Package::from_zip_bytes(bytes, source_name, super::Limits::default())?;
    parse_package(&package)
}

/// Reads a cartridge from an opened package.
pub fn parse_package(package: &Package) -> Result<CourseImport> {
    Importer::new(package)?.run()
}

/// [`parse_package`] calling `on_resource(done, total)` once before converting (`done` = 0,
/// `total` = the manifest's resources) and then as each resource is converted. An error it
/// returns stops the import with that error (this is how the app cancels an import).
pub fn parse_package_with(
    package: &Package,
    on_resource: &dyn Fn(usize, usize) -> Result<()>,
) -> Result<CourseImport> {
    let mut importer = Importer::new(package)?;
    importer.on_resource = Some(on_resource);
    importer.run()
}

/// The Markdown link target of an asset: `assets/` + the name, percent-encoded where needed.
pub fn asset_link(name: &str) -> String {
    let mut out = String::from("assets/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A resource of the manifest.
#[derive(Clone, Debug)]
struct ManifestResource {
    identifier: String,
    kind: String,
    href: Option<String>,
    files: Vec<String>,
    dependencies: Vec<String>,
    variant_of: Option<String>,
    intended_use: String,
}

/// Assets loaded so far, by package path.
#[derive(Default)]
struct AssetStore {
    /// Index into `assets` by package path.
    by_path: HashMap<String, usize>,
    /// Package files by file name (for links written without their folder), built on first use.
    by_file_name: Option<HashMap<String, Vec<String>>>,
    names: HashSet<String>,
    assets: Vec<Asset>,
}

impl AssetStore {
    /// The asset for a package file, loading it on first use. `Ok(None)` when the file is not
    /// in the package.
    fn load(&mut self, package: &Package, prefix: &str, path: &str) -> Result<Option<(AssetId, String)>> {
        if let Some(&index) = self.by_path.get(path)
            && let Some(asset) = self.assets.get(index)
        {
            return Ok(Some((asset.id, asset.name.clone())));
        }
        if !package.contains(path) {
            return Ok(None);
        }
        let data = package.read(path)?;
        let relative = path.strip_prefix(prefix).unwrap_or(path);
        let short = relative.strip_prefix("web_resources/").unwrap_or(relative);
        let name = if self.names.contains(short) { relative.to_owned() } else { short.to_owned() };
        let mut asset = Asset::new(name.clone(), media_type(&name), data);
        asset.alt = String::new();
        self.names.insert(name.clone());
        self.by_path.insert(path.to_owned(), self.assets.len());
        let id = asset.id;
        self.assets.push(asset);
        Ok(Some((id, name)))
    }
}

fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "pdf" => "application/pdf",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" | "qti" => "application/xml",
        "json" => "application/json",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "m4a" => "audio/mp4",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Maps the URLs of one piece of HTML (page, quiz, description) and reports broken ones.
struct Links<'a> {
    package: &'a Package,
    prefix: &'a str,
    base_dir: String,
    assets: &'a mut AssetStore,
    findings: &'a mut Vec<Finding>,
    place: String,
    pages: &'a HashSet<String>,
    error: Option<Error>,
}

impl Links<'_> {
    fn note(&mut self, severity: Severity, code: &str, message: String) {
        self.findings.push(finding(code, severity, message, "node", self.place.clone()));
    }

    fn file(&mut self, path: &str, original: &str, usage: UrlUse) -> UrlAction {
        // Canvas writes some file links without the folder they are stored in; fall back to a
        // unique file of the same name.
        let mut path = path.to_owned();
        if !self.package.contains(&path) {
            let base = path.rsplit('/').next().unwrap_or(&path).to_owned();
            let (package, prefix) = (self.package, self.prefix);
            // Built once per import: listing the package for every such link was quadratic.
            let by_file_name = self.assets.by_file_name.get_or_insert_with(|| {
                let mut index: HashMap<String, Vec<String>> = HashMap::new();
                for f in package.files().into_iter().filter(|f| f.starts_with(prefix)) {
                    index.entry(f.rsplit('/').next().unwrap_or(&f).to_owned()).or_default().push(f.clone());
                }
                index
            });
            if let Some([only]) = by_file_name.get(&base).map(Vec::as_slice) {
                path = only.clone();
            }
        }
        if self.pages.contains(&path) {
            self.note(
                Severity::Info,
                "import-cc-internal-link",
                format!(
                    "a link to the course page `{original}` was turned into plain text (link between pages)"
                ),
            );
            return UrlAction::Unlink;
        }
        match self.assets.load(self.package, self.prefix, &path) {
            Ok(Some((_, name))) => UrlAction::Keep(asset_link(&name)),
            Ok(None) => {
                self.note(
                    Severity::Warning,
                    "import-cc-missing-file",
                    format!(
                        "the {} `{original}` refers to `{path}`, which is not in the package; the {} was removed",
                        if usage == UrlUse::Image { "image" } else { "link" },
                        if usage == UrlUse::Image { "image (its alt text is kept)" } else { "link (its text is kept)" }
                    ),
                );
                UrlAction::Unlink
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
                UrlAction::Unlink
            }
        }
    }
}

impl UrlRewriter for Links<'_> {
    fn rewrite(&mut self, url: &str, usage: UrlUse) -> UrlAction {
        let decoded = percent_decode(url.trim());
        for marker in ["$IMS-CC-FILEBASE$", "$IMS_CC_FILEBASE$"] {
            if let Some(rest) = decoded.strip_prefix(marker) {
                let rest = rest.split(['?', '#']).next().unwrap_or("").trim_start_matches('/');
                let path = format!("{}web_resources/{rest}", self.prefix);
                return self.file(&path, url, usage);
            }
        }
        if decoded.starts_with('$') {
            // $WIKI_REFERENCE$, $CANVAS_OBJECT_REFERENCE$, $CANVAS_COURSE_REFERENCE$ …
            self.note(
                Severity::Info,
                "import-cc-internal-link",
                format!(
                    "a link to another part of the LMS course (`{}`) was turned into plain text",
                    clip(url)
                ),
            );
            return UrlAction::Unlink;
        }
        match resolve_href(&self.base_dir, url) {
            Ok(None) => {
                if url.trim_start().starts_with('/') {
                    self.note(
                        Severity::Warning,
                        "import-cc-server-link",
                        format!("the link `{}` points into the LMS server and was removed", clip(url)),
                    );
                    UrlAction::Unlink
                } else {
                    UrlAction::Keep(url.to_owned())
                }
            }
            Ok(Some(path)) => self.file(&path, url, usage),
            Err(why) => {
                self.note(Severity::Warning, "import-cc-unsafe-link", format!("a link was removed: {why}"));
                UrlAction::Unlink
            }
        }
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

struct Importer<'p> {
    package: &'p Package,
    prefix: String,
    manifest: Element,
    doc: Document,
    findings: Vec<Finding>,
    resources: Vec<ManifestResource>,
    by_identifier: HashMap<String, usize>,
    assets: AssetStore,
    used: HashSet<String>,
    pages: HashSet<String>,
    paths: HashMap<NodeId, String>,
    course: NodeId,
    outcomes: HashMap<String, ObjectiveId>,
    rubrics: HashMap<String, (RubricId, Vec<ObjectiveId>)>,
    /// Canvas assignment groups named after a purpose (as Trellis exports them), by identifier.
    group_purposes: HashMap<String, AssessmentPurpose>,
    /// Told of each converted resource ([`parse_package_with`]); `converted` counts them.
    on_resource: Option<&'p dyn Fn(usize, usize) -> Result<()>>,
    converted: usize,
}

impl<'p> Importer<'p> {
    fn new(package: &'p Package) -> Result<Self> {
        let prefix = if package.contains("imsmanifest.xml") {
            String::new()
        } else {
            let nested: Vec<String> = package
                .files()
                .into_iter()
                .filter(|f| f.ends_with("/imsmanifest.xml") && f.matches('/').count() == 1)
                .collect();
            match nested.as_slice() {
                [one] => format!("{}/", parent_dir(one)),
                _ => {
                    return Err(parse_error(
                        package.name(),
                        "there is no imsmanifest.xml at the top of the package; this is not an IMS Common Cartridge",
                    ));
                }
            }
        };
        let manifest_path = format!("{prefix}imsmanifest.xml");
        let bytes = package.read_markup(&manifest_path)?;
        let manifest = xml::parse(&bytes, &package.place(&manifest_path))?;
        if manifest.name != "manifest" {
            return Err(parse_error(
                &package.place(&manifest_path),
                format!("the root element is <{}>, not <manifest>", manifest.name),
            ));
        }
        let title = manifest
            .path(&["metadata", "lom", "general", "title"])
            .map(|t| t.text().split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                Path::new(package.name())
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let mut doc = Document::new(title.clone());
        let course = NodeId::new();
        doc.nodes.push(Node { id: course, ..Node::draft(None, "course", title.clone()) });
        let mut paths = HashMap::new();
        paths.insert(course, title);
        Ok(Importer {
            package,
            prefix,
            manifest,
            doc,
            findings: Vec::new(),
            resources: Vec::new(),
            by_identifier: HashMap::new(),
            assets: AssetStore::default(),
            used: HashSet::new(),
            pages: HashSet::new(),
            paths,
            course,
            outcomes: HashMap::new(),
            rubrics: HashMap::new(),
            group_purposes: HashMap::new(),
            on_resource: None,
            converted: 0,
        })
    }

    fn manifest_place(&self) -> String {
        self.package.place(&format!("{}imsmanifest.xml", self.prefix))
    }

    fn note(&mut self, code: &str, severity: Severity, message: String, kind: &str, path: String) {
        self.findings.push(finding(code, severity, message, kind, path));
    }

    /// Tells `on_resource` that `converted` more resources were converted.
    fn converted(&mut self, converted: usize) -> Result<()> {
        self.converted += converted;
        match self.on_resource {
            Some(f) => f(self.converted.min(self.resources.len()), self.resources.len()),
            None => Ok(()),
        }
    }

    fn run(mut self) -> Result<CourseImport> {
        self.check_schema();
        self.read_resources()?;
        self.converted(0)?;
        self.course_settings()?;
        self.outcomes()?;
        self.rubrics()?;
        // Pages reachable from the organization are lessons; links to them are internal.
        for r in &self.resources {
            if r.kind == "webcontent"
                && let Some(href) = &r.href
                && is_html(href)
            {
                self.pages.insert(href.clone());
            }
        }
        let organization = self.manifest.path(&["organizations", "organization"]).cloned();
        if let Some(org) = organization {
            let top: Vec<Element> = org.elements().filter(|e| e.name == "item").cloned().collect();
            for item in &top {
                // The single root item (Canvas "LearningModules") is a container, not a module.
                if item.attr("identifierref").is_none() && item.child("title").is_none() {
                    for child in item.children_named("item") {
                        self.org_item(child, self.course)?;
                    }
                } else {
                    self.org_item(item, self.course)?;
                }
            }
        }
        self.unorganized()?;
        self.unreferenced_files();
        let Importer { mut doc, assets, mut findings, .. } = self;
        doc.assets = assets.assets;
        doc.normalize();
        doc.validate_as("imported course")?;
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        Ok(CourseImport { document: doc, findings })
    }

    fn check_schema(&mut self) {
        let schema = self
            .manifest
            .path(&["metadata", "schema"])
            .map(|s| s.text().trim().to_owned())
            .unwrap_or_default();
        let version = self
            .manifest
            .path(&["metadata", "schemaversion"])
            .map(|s| s.text().trim().to_owned())
            .unwrap_or_default();
        let place = self.manifest_place();
        if schema.is_empty() {
            self.note(
                "import-cc-no-schema",
                Severity::Info,
                "the manifest does not name its schema; it was read as a Common Cartridge".into(),
                "curriculum",
                place,
            );
        } else if !schema.to_lowercase().contains("common cartridge") {
            self.note(
                "import-cc-schema",
                Severity::Warning,
                format!("the manifest declares the schema \"{schema}\", not IMS Common Cartridge; it was read as one anyway"),
                "curriculum",
                place,
            );
        } else if !matches!(version.as_str(), "1.0.0" | "1.1.0" | "1.2.0" | "1.3.0" | "") {
            self.note(
                "import-cc-version",
                Severity::Info,
                format!("Common Cartridge version {version} is newer than 1.3; it was read as 1.3"),
                "curriculum",
                place,
            );
        }
    }

    fn read_resources(&mut self) -> Result<()> {
        let place = self.manifest_place();
        let Some(resources) = self.manifest.child("resources").cloned() else { return Ok(()) };
        let base = format!("{}{}", self.prefix, resources.attr("base").unwrap_or(""));
        for r in resources.children_named("resource") {
            let identifier = r.attr("identifier").unwrap_or_default().to_owned();
            let dir = format!("{}{}", base, r.attr("base").unwrap_or(""));
            let resolve = |href: &str| -> Result<Option<String>> {
                resolve_href(dir.trim_end_matches('/'), href).map_err(|why| {
                    parse_error(
                        &place,
                        format!("line {}: resource {identifier}: {why}; the package was refused", r.line),
                    )
                })
            };
            let href = match r.attr("href") {
                Some(h) => resolve(h)?,
                None => None,
            };
            let mut files = Vec::new();
            for f in r.children_named("file") {
                if let Some(h) = f.attr("href")
                    && let Some(path) = resolve(h)?
                {
                    files.push(path);
                }
            }
            let href = href.or_else(|| files.first().cloned());
            let resource = ManifestResource {
                identifier: identifier.clone(),
                kind: r.attr("type").unwrap_or_default().to_owned(),
                href,
                files,
                dependencies: r
                    .children_named("dependency")
                    .filter_map(|d| d.attr("identifierref"))
                    .map(str::to_owned)
                    .collect(),
                variant_of: r.child("variant").and_then(|v| v.attr("identifierref")).map(str::to_owned),
                intended_use: r.attr("intendeduse").unwrap_or_default().to_owned(),
            };
            if self.by_identifier.contains_key(&identifier) {
                self.note(
                    "import-cc-duplicate-resource",
                    Severity::Warning,
                    format!(
                        "line {}: a second resource has the identifier {identifier}; only the first is used",
                        r.line
                    ),
                    "curriculum",
                    place.clone(),
                );
                continue;
            }
            for f in &resource.files {
                if !self.package.contains(f) {
                    self.note(
                        "import-cc-missing-file",
                        Severity::Warning,
                        format!("resource {identifier} lists `{f}`, which is not in the package"),
                        "curriculum",
                        place.clone(),
                    );
                }
            }
            self.by_identifier.insert(identifier, self.resources.len());
            self.resources.push(resource);
        }
        Ok(())
    }

    /// Resolves a reference from a file in `base_dir`, including Canvas's
    /// `$IMS-CC-FILEBASE$` (the course files folder).
    fn package_path(&self, base_dir: &str, href: &str) -> std::result::Result<Option<String>, String> {
        let decoded = percent_decode(href.trim());
        for marker in ["$IMS-CC-FILEBASE$", "$IMS_CC_FILEBASE$"] {
            if let Some(rest) = decoded.strip_prefix(marker) {
                let rest = rest.split(['?', '#']).next().unwrap_or("");
                return resolve_href(&format!("{}web_resources", self.prefix), rest.trim_start_matches('/'));
            }
        }
        resolve_href(base_dir, href)
    }

    fn settings_file(&self, name: &str) -> Option<String> {
        let path = format!("{}course_settings/{name}", self.prefix);
        self.package.contains(&path).then_some(path)
    }

    fn read_xml(&self, path: &str) -> Result<Element> {
        let bytes = self.package.read_markup(path)?;
        xml::parse(&bytes, &self.package.place(path))
    }

    fn course_settings(&mut self) -> Result<()> {
        if let Some(path) = self.settings_file("course_settings.xml") {
            let settings = self.read_xml(&path)?;
            if let Some(code) = settings.child_text("course_code") {
                self.doc.curriculum.code = code.clone();
                self.doc.nodes[0].code = code;
            }
            if let Some(title) = settings.child_text("title")
                && self.doc.curriculum.title.is_empty()
            {
                self.doc.curriculum.title = title;
            }
        }
        // Canvas writes the syllabus as a learning-application resource (or as a file only).
        let syllabus = self
            .resources
            .iter()
            .find(|r| {
                r.intended_use == "syllabus"
                    || r.href.as_deref().is_some_and(|h| h.ends_with("course_settings/syllabus.html"))
            })
            .and_then(|r| r.href.clone())
            .or_else(|| self.settings_file("syllabus.html"));
        if let Some(path) = syllabus
            && self.package.contains(&path)
        {
            let place = self.paths[&self.course].clone();
            let (_, body) = self.html_page(&path, &place)?;
            if !body.trim().is_empty() {
                self.doc.curriculum.description = body.clone();
                self.doc.nodes[0].summary = body;
            }
        }
        for name in [
            "assignment_groups.xml",
            "grading_standards.xml",
            "late_policy.xml",
            "events.xml",
            "external_feeds.xml",
        ] {
            if let Some(path) = self.settings_file(name) {
                let root = self.read_xml(&path)?;
                if name == "assignment_groups.xml" {
                    for group in root.children_named("assignmentGroup") {
                        let title = group.child_text("title").unwrap_or_default().to_ascii_lowercase();
                        let purpose = [
                            ("summative", AssessmentPurpose::Summative),
                            ("formative", AssessmentPurpose::Formative),
                            ("diagnostic", AssessmentPurpose::Diagnostic),
                        ]
                        .into_iter()
                        .find(|(word, _)| title.starts_with(word))
                        .map(|(_, p)| p);
                        if let (Some(id), Some(purpose)) = (group.attr("identifier"), purpose) {
                            self.group_purposes.insert(id.to_owned(), purpose);
                        }
                    }
                }
                if root.elements().next().is_some() {
                    let place = self.package.place(&path);
                    self.note(
                        "import-cc-lms-setting",
                        Severity::Info,
                        format!("the Canvas settings in {name} (grading groups, schemes, calendar) have no Trellis equivalent and were not imported"),
                        "curriculum",
                        place,
                    );
                }
            }
        }
        Ok(())
    }

    fn outcomes(&mut self) -> Result<()> {
        let Some(path) = self.settings_file("learning_outcomes.xml") else { return Ok(()) };
        let root = self.read_xml(&path)?;
        let mut lost_scales = 0usize;
        let mut groups = 0usize;
        self.outcome_list(&root, &mut lost_scales, &mut groups);
        let place = self.package.place(&path);
        if lost_scales > 0 || groups > 0 {
            self.note(
                "import-cc-outcome-details",
                Severity::Info,
                format!(
                    "{} outcome(s) became course objectives; {groups} outcome group(s) were flattened and {lost_scales} mastery scale(s) (ratings, mastery points, calculation method) are not kept",
                    self.outcomes.len()
                ),
                "objective",
                place,
            );
        }
        Ok(())
    }

    fn outcome_list(&mut self, e: &Element, lost_scales: &mut usize, groups: &mut usize) {
        for child in e.elements() {
            match child.name.as_str() {
                "learningOutcomeGroup" => {
                    *groups += 1;
                    self.outcome_list(child, lost_scales, groups);
                }
                "learningOutcomes" => self.outcome_list(child, lost_scales, groups),
                "learningOutcome" => {
                    let identifier = child.attr("identifier").unwrap_or_default().to_owned();
                    let title = child.child_text("title").unwrap_or_default();
                    let description = child
                        .child_text("description")
                        .map(|d| html_to_markdown::to_plain_text(&d))
                        .unwrap_or_default();
                    if child.child("ratings").is_some_and(|r| r.elements().next().is_some())
                        || child.child_text("mastery_points").is_some()
                    {
                        *lost_scales += 1;
                    }
                    let (code, statement) =
                        if description.is_empty() { (String::new(), title) } else { (title, description) };
                    if statement.is_empty() {
                        continue;
                    }
                    let id = ObjectiveId::new();
                    self.doc.objectives.push(Objective {
                        id,
                        node: self.course,
                        code,
                        statement,
                        abcd: Abcd::default(),
                        level: None,
                        level_source: LevelSource::Unset,
                        knowledge: None,
                        domain: Domain::Cognitive,
                        supports: Vec::new(),
                        prerequisites: Vec::new(),
                        standards: Vec::new(),
                        emphasis: Vec::new(),
                    });
                    if !identifier.is_empty() {
                        self.outcomes.insert(identifier, id);
                    }
                }
                _ => {}
            }
        }
    }

    fn rubrics(&mut self) -> Result<()> {
        let Some(path) = self.settings_file("rubrics.xml") else { return Ok(()) };
        let root = self.read_xml(&path)?;
        let place = self.package.place(&path);
        for r in root.children_named("rubric") {
            let identifier = r.attr("identifier").unwrap_or_default().to_owned();
            let title = r.child_text("title").unwrap_or_else(|| "Rubric".into());
            struct Rating {
                label: String,
                text: String,
                points: f64,
            }
            let mut criteria: Vec<(String, String, Option<ObjectiveId>, Vec<Rating>)> = Vec::new();
            for c in r.descendants("criterion") {
                let mut ratings: Vec<Rating> = c
                    .descendants("rating")
                    .into_iter()
                    .map(|rt| {
                        let label = rt.child_text("description").unwrap_or_default();
                        let long =
                            rt.child_text("long_description").map(|d| html_to_markdown::to_plain_text(&d));
                        Rating {
                            text: match long {
                                Some(l) if !l.is_empty() && l != label => format!("{label}: {l}"),
                                _ => label.clone(),
                            },
                            label,
                            points: rt.child_text("points").and_then(|p| p.parse().ok()).unwrap_or(0.0),
                        }
                    })
                    .collect();
                ratings.sort_by(|a, b| a.points.partial_cmp(&b.points).unwrap_or(std::cmp::Ordering::Equal));
                let objective = c
                    .child_text("learning_outcome_identifierref")
                    .and_then(|o| self.outcomes.get(&o).copied());
                let long = c
                    .child_text("long_description")
                    .map(|d| html_to_markdown::to_plain_text(&d))
                    .unwrap_or_default();
                criteria.push((
                    c.child_text("description").unwrap_or_else(|| "Criterion".into()),
                    long,
                    objective,
                    ratings,
                ));
            }
            let count = criteria.iter().map(|c| c.3.len()).max().unwrap_or(0);
            if count == 0 {
                self.note(
                    "import-cc-rubric",
                    Severity::Warning,
                    format!("rubric \"{title}\" has no ratings and was not imported"),
                    "rubric",
                    place.clone(),
                );
                continue;
            }
            // Levels follow the criterion with the most ratings; others align from the top.
            let template = criteria.iter().max_by_key(|c| c.3.len()).map(|c| &c.3);
            let levels: Vec<RubricLevel> = (0..count)
                .map(|i| {
                    let rating = template.and_then(|t| t.get(i));
                    let agree = criteria.iter().all(|c| {
                        let offset = count - c.3.len();
                        i < offset || c.3.get(i - offset).map(|r| &r.label) == rating.map(|r| &r.label)
                    });
                    RubricLevel {
                        id: RubricLevelId::new(),
                        label: match rating {
                            Some(r) if agree && !r.label.is_empty() => r.label.clone(),
                            _ => format!("Level {}", i + 1),
                        },
                        points: rating.map_or(i as f64, |r| r.points),
                    }
                })
                .collect();
            let top = levels.last().map_or(1.0, |l| l.points);
            let mut uneven = false;
            let mut aligned = Vec::new();
            let rubric_criteria: Vec<Criterion> = criteria
                .into_iter()
                .map(|(title, description, objective, ratings)| {
                    let offset = count - ratings.len();
                    uneven |= offset > 0;
                    let max = ratings.last().map_or(0.0, |r| r.points);
                    if let Some(o) = objective
                        && !aligned.contains(&o)
                    {
                        aligned.push(o);
                    }
                    Criterion {
                        id: CriterionId::new(),
                        title,
                        description,
                        weight: if top > 0.0 && max > 0.0 { max / top } else { 1.0 },
                        objective,
                        descriptors: ratings
                            .iter()
                            .enumerate()
                            .map(|(i, r)| Descriptor { level: levels[i + offset].id, text: r.text.clone() })
                            .collect(),
                    }
                })
                .collect();
            if uneven {
                self.note(
                    "import-cc-rubric",
                    Severity::Info,
                    format!("rubric \"{title}\": criteria have different numbers of ratings; they were aligned from the highest level"),
                    "rubric",
                    place.clone(),
                );
            }
            let id = RubricId::new();
            self.doc.rubrics.push(Rubric {
                id,
                title,
                kind: RubricKind::Analytic,
                description: String::new(),
                levels,
                criteria: rubric_criteria,
            });
            if !identifier.is_empty() {
                self.rubrics.insert(identifier, (id, aligned));
            }
        }
        Ok(())
    }

    /// The purpose told by the assignment group an element (quiz meta, assignment settings,
    /// discussion assignment) refers to, when the group is named after one.
    fn group_purpose(&self, e: Option<&Element>) -> Option<AssessmentPurpose> {
        let e = e?;
        let group = e
            .child_text("assignment_group_identifierref")
            .or_else(|| e.child("assignment").and_then(|a| a.child_text("assignment_group_identifierref")))?;
        self.group_purposes.get(&group).copied()
    }

    fn add_node(&mut self, parent: NodeId, kind: &str, title: &str, summary: String) -> NodeId {
        let id = NodeId::new();
        let path = format!("{} › {}", self.paths.get(&parent).cloned().unwrap_or_default(), title);
        self.paths.insert(id, path);
        let title = if title.trim().is_empty() { "Untitled".into() } else { title.trim().to_owned() };
        self.doc.nodes.push(Node { id, summary, ..Node::draft(Some(parent), kind, title) });
        id
    }

    fn org_item(&mut self, item: &Element, parent: NodeId) -> Result<()> {
        let title = item.child_text("title").unwrap_or_default();
        let children: Vec<&Element> = item.children_named("item").collect();
        if !children.is_empty() {
            let ident = item.attr("identifier").unwrap_or_default();
            // Trellis writes the course's own content as a first folder `<course>_overview`
            // and a node's own page as `<node>_page` inside the node's folder: both go back to
            // the node instead of becoming a module and a lesson of their own.
            let node = if parent == self.course && ident.ends_with("_overview") {
                self.course
            } else {
                let title = if title.is_empty() { "Module".to_owned() } else { title.clone() };
                self.add_node(parent, "module", &title, String::new())
            };
            if let Some(r) = item.attr("identifierref") {
                self.resource(r, node, &title)?;
            }
            let own_page = format!("{}_page", ident.trim_end_matches("_overview"));
            for child in children {
                let own = !ident.is_empty()
                    && child.attr("identifierref") == Some(own_page.as_str())
                    && child.children_named("item").next().is_none();
                if own {
                    self.own_page(&own_page, node)?;
                } else {
                    self.org_item(child, node)?;
                }
            }
            return Ok(());
        }
        match item.attr("identifierref") {
            Some(r) => self.resource(r, parent, &title),
            None => {
                let path = self.paths[&parent].clone();
                self.note(
                    "import-cc-text-header",
                    Severity::Info,
                    format!(
                        "the text header \"{title}\" was not imported (Trellis outlines have no headers)"
                    ),
                    "node",
                    path,
                );
                Ok(())
            }
        }
    }

    /// The page Trellis writes for a node's own summary: it becomes the node's summary again.
    fn own_page(&mut self, identifier: &str, node: NodeId) -> Result<()> {
        self.converted(1)?;
        let href = self.by_identifier.get(identifier).and_then(|&i| self.resources[i].href.clone());
        let Some(href) = href.filter(|h| is_html(h) && self.package.contains(h)) else {
            return self.resource(identifier, node, "");
        };
        self.used.insert(identifier.to_owned());
        let place = self.paths[&node].clone();
        let (_, markdown) = self.html_page(&href, &place)?;
        if let Some(n) = self.doc.nodes.iter_mut().find(|n| n.id == node) {
            n.summary = markdown;
        }
        Ok(())
    }

    fn resource(&mut self, identifier: &str, parent: NodeId, title: &str) -> Result<()> {
        self.converted(1)?;
        let Some(&index) = self.by_identifier.get(identifier) else {
            let path = self.paths[&parent].clone();
            self.note(
                "import-cc-missing-resource",
                Severity::Warning,
                format!("the module item \"{title}\" refers to resource {identifier}, which is not in the manifest"),
                "node",
                path,
            );
            return Ok(());
        };
        let resource = self.resources[index].clone();
        self.used.insert(resource.identifier.clone());
        for d in &resource.dependencies {
            self.used.insert(d.clone());
        }
        let kind = resource.kind.to_ascii_lowercase();
        let place = format!("{} › {}", self.paths[&parent], title);
        if kind == "webcontent"
            && let Some(settings) =
                self.dependency_files(&resource, "assignment_settings.xml").into_iter().next()
        {
            // A Canvas assignment in a CC 1.1 cartridge: its page plus the settings it depends on.
            let mut assignment = resource.clone();
            assignment.files.push(settings);
            self.canvas_assignment(&assignment, parent, title)
        } else if kind == "webcontent" {
            self.web_content(&resource, parent, title)
        } else if kind.starts_with("imswl") {
            self.web_link(&resource, parent, title)
        } else if kind.starts_with("imsdt") {
            self.discussion(&resource, parent, title)
        } else if kind.starts_with("assignment_xml") {
            self.assignment(&resource, parent, title)
        } else if kind.starts_with("imsqti_xmlv1p2") || kind.starts_with("imsqti_xmlv1p3") {
            self.quiz(&resource, parent, title, kind.ends_with("question-bank"))
        } else if kind.starts_with("imsbasiclti") {
            self.lti(&resource, parent, title)
        } else if kind.starts_with("associatedcontent") {
            if resource.files.iter().any(|f| f.ends_with("assignment_settings.xml")) {
                self.canvas_assignment(&resource, parent, title)
            } else if resource.files.iter().any(|f| f.ends_with(".xml.qti")) {
                self.quiz(&resource, parent, title, true)
            } else if let Some(href) = resource.href.clone().filter(|h| is_html(h)) {
                self.page(&href, parent, title)
            } else {
                self.note(
                    "import-cc-unsupported-resource",
                    Severity::Warning,
                    format!(
                        "resource {} ({}) has no Trellis equivalent and was not imported",
                        resource.identifier, resource.kind
                    ),
                    "node",
                    place,
                );
                Ok(())
            }
        } else {
            self.note(
                "import-cc-unsupported-resource",
                Severity::Warning,
                format!("\"{title}\" is a {} resource, which Trellis cannot import", resource.kind),
                "node",
                place,
            );
            Ok(())
        }
    }

    /// Reads an HTML file as Markdown; returns its `<title>` and body.
    fn html_page(&mut self, path: &str, place: &str) -> Result<(String, String)> {
        let bytes = self.package.read_markup(path)?;
        let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
            Ok(t) => t.to_owned(),
            Err(e) => {
                let (line, column) = super::safety::line_col(&bytes, e.valid_up_to());
                self.note(
                    "import-cc-encoding",
                    Severity::Warning,
                    format!(
                        "{}: line {line}, column {column}: the page is not valid UTF-8; invalid bytes were replaced with �",
                        self.package.place(path)
                    ),
                    "node",
                    place.to_owned(),
                );
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        let title = html_title(&text);
        let markdown = self.convert(&text, parent_dir(path), place)?;
        // Pages written by Trellis repeat their title as the page's one heading; it is the
        // title, not part of the text.
        let heading = format!("# {}", html_to_markdown::escape(&title));
        let markdown = match markdown.strip_prefix(&heading) {
            Some(rest) if !title.is_empty() && (rest.is_empty() || rest.starts_with('\n')) => {
                rest.trim_start_matches('\n').to_owned()
            }
            _ => markdown,
        };
        Ok((title, markdown))
    }

    /// HTML → Markdown with package links mapped to assets.
    fn convert(&mut self, html: &str, base_dir: &str, place: &str) -> Result<String> {
        let mut links = Links {
            package: self.package,
            prefix: &self.prefix,
            base_dir: base_dir.to_owned(),
            assets: &mut self.assets,
            findings: &mut self.findings,
            place: place.to_owned(),
            pages: &self.pages,
            error: None,
        };
        let html = strip_generated(html);
        let converted = html_to_markdown::try_convert_with(&html, &mut links)
            .map_err(|too_deep| parse_error(self.package.name(), format!("{place}: {too_deep}")))?;
        if let Some(e) = links.error.take() {
            return Err(e);
        }
        for note in converted.notes {
            self.findings.push(finding("import-cc-html", Severity::Info, note, "node", place.to_owned()));
        }
        Ok(converted.markdown)
    }

    fn page(&mut self, path: &str, parent: NodeId, title: &str) -> Result<()> {
        let place = format!("{} › {}", self.paths[&parent], title);
        if !self.package.contains(path) {
            self.note(
                "import-cc-missing-file",
                Severity::Warning,
                format!("the page `{path}` is not in the package; \"{title}\" was imported without content"),
                "node",
                place.clone(),
            );
            self.add_node(parent, "lesson", title, String::new());
            return Ok(());
        }
        let (html_title, markdown) = self.html_page(path, &place)?;
        let title = if title.trim().is_empty() { html_title } else { title.to_owned() };
        self.add_node(parent, "lesson", &title, markdown);
        Ok(())
    }

    fn web_content(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let Some(href) = resource.href.clone() else {
            let place = format!("{} › {}", self.paths[&parent], title);
            self.note(
                "import-cc-missing-file",
                Severity::Warning,
                format!("resource {} names no file; \"{title}\" was not imported", resource.identifier),
                "node",
                place,
            );
            return Ok(());
        };
        if is_html(&href) {
            return self.page(&href, parent, title);
        }
        let place = format!("{} › {}", self.paths[&parent], title);
        match self.assets.load(self.package, &self.prefix, &href)? {
            Some((asset, name)) => {
                let kind = match media_type(&name).split('/').next() {
                    Some("video" | "audio") => ActivityKind::Video,
                    _ => ActivityKind::Reading,
                };
                let title = if title.is_empty() { name.clone() } else { title.to_owned() };
                self.add_activity(
                    parent,
                    &title,
                    kind,
                    String::new(),
                    vec![ActivityResource(title.clone(), None, Some(asset))],
                );
            }
            None => self.note(
                "import-cc-missing-file",
                Severity::Warning,
                format!("the file `{href}` of \"{title}\" is not in the package; it was not imported"),
                "node",
                place,
            ),
        }
        Ok(())
    }

    fn add_activity(
        &mut self,
        node: NodeId,
        title: &str,
        kind: ActivityKind,
        instructions: String,
        resources: Vec<ActivityResource>,
    ) {
        self.doc.activities.push(Activity {
            id: ActivityId::new(),
            node,
            title: if title.trim().is_empty() { "Untitled".into() } else { title.trim().to_owned() },
            kind,
            instructions,
            duration_minutes: None,
            grouping: Grouping::Individual,
            event: None,
            objectives: Vec::new(),
            resources: resources
                .into_iter()
                .map(|r| crate::model::Resource { title: r.0, url: r.1, asset: r.2 })
                .collect(),
            content: None,
            pathway: None,
        });
    }

    fn main_xml(&self, resource: &ManifestResource) -> Option<String> {
        resource
            .href
            .iter()
            .chain(resource.files.iter())
            .find(|f| f.ends_with(".xml") && self.package.contains(f))
            .cloned()
    }

    fn missing_main(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let place = format!("{} › {}", self.paths[&parent], title);
        self.note(
            "import-cc-missing-file",
            Severity::Warning,
            format!(
                "the file of resource {} is not in the package; \"{title}\" was not imported",
                resource.identifier
            ),
            "node",
            place,
        );
        Ok(())
    }

    /// Reports a resource file that could not be read as XML; the resource is skipped and the
    /// rest of the course is imported.
    fn bad_file(&mut self, place: &str, title: &str, error: &Error) {
        let what = if title.trim().is_empty() { "a resource".to_owned() } else { format!("\"{title}\"") };
        self.note(
            "import-cc-bad-file",
            Severity::Warning,
            format!("{what} was not imported: {error}"),
            "node",
            place.to_owned(),
        );
    }

    /// Reads the XML file of a resource; `Ok(None)` (with a finding) when it is not
    /// well-formed, so one broken file does not stop the course. Reading errors (limits,
    /// missing files) still stop the import.
    fn resource_xml(&mut self, path: &str, place: &str, title: &str) -> Result<Option<Element>> {
        let bytes = self.package.read_markup(path)?;
        match xml::parse(&bytes, &self.package.place(path)) {
            Ok(root) => Ok(Some(root)),
            Err(e) => {
                self.bad_file(place, title, &e);
                Ok(None)
            }
        }
    }

    fn web_link(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let Some(path) = self.main_xml(resource) else { return self.missing_main(resource, parent, title) };
        let file_place = format!("{} › {}", self.paths[&parent], title);
        let Some(root) = self.resource_xml(&path, &file_place, title)? else { return Ok(()) };
        let link_title = root.child_text("title").unwrap_or_default();
        let url = root.child("url").and_then(|u| u.attr("href")).unwrap_or_default().trim().to_owned();
        let place = format!("{} › {}", self.paths[&parent], title);
        if url.is_empty() {
            self.note(
                "import-cc-weblink",
                Severity::Warning,
                format!("the web link \"{title}\" has no URL"),
                "node",
                place,
            );
            return Ok(());
        }
        let url = if !url.contains(':') && url.split('/').next().is_some_and(|host| host.contains('.')) {
            format!("https://{url}")
        } else {
            url
        };
        if !url.contains("://") && !url.starts_with("mailto:") {
            self.note(
                "import-cc-weblink",
                Severity::Warning,
                format!("the web link \"{title}\" has no full address (`{url}`); it was kept as written"),
                "activity",
                place.clone(),
            );
        }
        let lower = url.to_ascii_lowercase();
        let kind = if ["youtube.com", "youtu.be", "vimeo.com"].iter().any(|h| lower.contains(h)) {
            ActivityKind::Video
        } else {
            ActivityKind::Link
        };
        let title = if title.is_empty() { link_title } else { title.to_owned() };
        self.add_activity(
            parent,
            &title,
            kind,
            String::new(),
            vec![ActivityResource(title.clone(), Some(url), None)],
        );
        Ok(())
    }

    /// Files of the resources `resource` depends on whose name ends with `suffix`.
    fn dependency_files(&self, resource: &ManifestResource, suffix: &str) -> Vec<String> {
        resource
            .dependencies
            .iter()
            .filter_map(|d| self.by_identifier.get(d))
            .flat_map(|&i| self.resources[i].files.iter())
            .filter(|f| f.ends_with(suffix) && self.package.contains(f))
            .cloned()
            .collect()
    }

    /// Canvas meta file of a resource (topicMeta, assessment_meta, assignment_settings) via
    /// its dependencies or its own files.
    fn canvas_meta(&mut self, resource: &ManifestResource, name: &str) -> Result<Option<Element>> {
        let mut candidates: Vec<String> = resource.files.clone();
        for d in &resource.dependencies {
            if let Some(&i) = self.by_identifier.get(d) {
                candidates.extend(self.resources[i].href.iter().cloned());
                candidates.extend(self.resources[i].files.iter().cloned());
            }
        }
        for c in candidates {
            if !c.ends_with(".xml") || !self.package.contains(&c) {
                continue;
            }
            // A meta file that is not well-formed is reported and passed over; the resource
            // itself is kept.
            let bytes = self.package.read_markup(&c)?;
            let root = match xml::parse(&bytes, &self.package.place(&c)) {
                Ok(root) => root,
                Err(e) => {
                    self.note(
                        "import-cc-bad-file",
                        Severity::Warning,
                        format!("the settings of resource {} were not read: {e}", resource.identifier),
                        "node",
                        self.package.place(&c),
                    );
                    continue;
                }
            };
            if root.name == name {
                return Ok(Some(root));
            }
        }
        Ok(None)
    }

    fn discussion(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let Some(path) = self.main_xml(resource) else { return self.missing_main(resource, parent, title) };
        let file_place = format!("{} › {}", self.paths[&parent], title);
        let Some(root) = self.resource_xml(&path, &file_place, title)? else { return Ok(()) };
        let place = format!("{} › {}", self.paths[&parent], title);
        let topic_title = root.child_text("title").unwrap_or_default();
        let text = root.child("text").map(Element::text).unwrap_or_default();
        let instructions = self.convert(&text, parent_dir(&path), &place)?;
        let mut resources = Vec::new();
        for a in root
            .path(&["attachments"])
            .map(|a| a.children_named("attachment").collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Some(href) = a.attr("href") {
                match self.package_path(parent_dir(&path), href) {
                    Ok(Some(p)) => match self.assets.load(self.package, &self.prefix, &p)? {
                        Some((asset, name)) => resources.push(ActivityResource(name, None, Some(asset))),
                        None => self.note(
                            "import-cc-missing-file",
                            Severity::Warning,
                            format!("the attachment `{href}` is not in the package"),
                            "node",
                            place.clone(),
                        ),
                    },
                    Ok(None) => {
                        resources.push(ActivityResource(href.to_owned(), Some(href.to_owned()), None))
                    }
                    Err(why) => {
                        return Err(parse_error(
                            &self.package.place(&path),
                            format!("attachment: {why}; the package was refused"),
                        ));
                    }
                }
            }
        }
        let title = if title.is_empty() { topic_title } else { title.to_owned() };
        let meta = self.canvas_meta(resource, "topicMeta")?;
        let graded_points = meta
            .as_ref()
            .and_then(|m| m.child("assignment"))
            .map(|a| a.child_text("points_possible").and_then(|p| p.parse::<f64>().ok()).unwrap_or(0.0));
        if let Some(points) = graded_points {
            let purpose = self
                .group_purpose(meta.as_ref().and_then(|m| m.child("assignment")))
                .unwrap_or(AssessmentPurpose::Formative);
            self.doc.assessments.push(Assessment {
                id: AssessmentId::new(),
                node: parent,
                title,
                purpose,
                format: AssessmentFormat::Discussion,
                instructions,
                points: Some(points),
                weight: None,
                duration_minutes: None,
                mastery_score: None,
                grasps: None,
                rubric: None,
                objectives: Vec::new(),
                items: Vec::new(),
            });
        } else {
            self.add_activity(parent, &title, ActivityKind::Discussion, instructions, resources);
        }
        Ok(())
    }

    fn push_assignment(
        &mut self,
        parent: NodeId,
        title: String,
        instructions: String,
        points: Option<f64>,
        rubric: Option<&str>,
        purpose: Option<AssessmentPurpose>,
    ) {
        let (rubric, objectives) = match rubric.and_then(|r| self.rubrics.get(r)) {
            Some((id, objectives)) => (Some(*id), objectives.clone()),
            None => (None, Vec::new()),
        };
        self.doc.assessments.push(Assessment {
            id: AssessmentId::new(),
            node: parent,
            title: if title.trim().is_empty() { "Assignment".into() } else { title },
            purpose: purpose.unwrap_or(if points.is_some_and(|p| p > 0.0) {
                AssessmentPurpose::Summative
            } else {
                AssessmentPurpose::Formative
            }),
            format: AssessmentFormat::Assignment,
            instructions,
            points: points.filter(|p| p.is_finite() && *p >= 0.0),
            weight: None,
            duration_minutes: None,
            mastery_score: None,
            grasps: None,
            rubric,
            objectives,
            items: Vec::new(),
        });
    }

    fn assignment(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let Some(path) = self.main_xml(resource) else { return self.missing_main(resource, parent, title) };
        let file_place = format!("{} › {}", self.paths[&parent], title);
        let Some(root) = self.resource_xml(&path, &file_place, title)? else { return Ok(()) };
        let place = format!("{} › {}", self.paths[&parent], title);
        let text = root.child("text").map(Element::text).unwrap_or_default();
        let instructions = self.convert(&text, parent_dir(&path), &place)?;
        let canvas = root.path(&["extensions", "assignment"]);
        let points = root
            .child("gradable")
            .and_then(|g| g.attr("points_possible"))
            .and_then(|p| p.parse::<f64>().ok())
            .or_else(|| canvas.and_then(|c| c.child_text("points_possible")).and_then(|p| p.parse().ok()));
        let mut rubric = canvas.and_then(|c| c.child_text("rubric_identifierref"));
        let mut points = points;
        let mut purpose = None;
        // Canvas's settings of a CC 1.3 assignment may sit in a resource it depends on.
        if let Some(settings) = self.dependency_files(resource, "assignment_settings.xml").into_iter().next()
            && let Some(settings) = self.resource_xml(&settings, &place, title)?
        {
            points = points.or_else(|| settings.child_text("points_possible").and_then(|p| p.parse().ok()));
            rubric = rubric.or_else(|| settings.child_text("rubric_identifierref"));
            purpose = self.group_purpose(Some(&settings));
        }
        let title =
            if title.is_empty() { root.child_text("title").unwrap_or_default() } else { title.to_owned() };
        self.push_assignment(parent, title, instructions, points, rubric.as_deref(), purpose);
        // The webcontent fallback of a CC 1.3 assignment duplicates it.
        for r in &self.resources {
            if r.variant_of.as_deref() == Some(resource.identifier.as_str()) {
                self.used.insert(r.identifier.clone());
            }
        }
        Ok(())
    }

    fn canvas_assignment(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let settings = resource.files.iter().find(|f| f.ends_with("assignment_settings.xml")).cloned();
        let file_place = format!("{} › {}", self.paths[&parent], title);
        let root = match settings.filter(|s| self.package.contains(s)) {
            Some(s) => match self.resource_xml(&s, &file_place, title)? {
                Some(root) => Some(root),
                None => return Ok(()),
            },
            None => None,
        };
        let place = format!("{} › {}", self.paths[&parent], title);
        let html = resource
            .href
            .clone()
            .filter(|h| is_html(h))
            .or_else(|| resource.files.iter().find(|f| is_html(f)).cloned());
        let (page_title, instructions) = match html {
            Some(h) if self.package.contains(&h) => self.html_page(&h, &place)?,
            _ => (String::new(), String::new()),
        };
        let points = root.as_ref().and_then(|r| r.child_text("points_possible")).and_then(|p| p.parse().ok());
        let rubric = root.as_ref().and_then(|r| r.child_text("rubric_identifierref"));
        let title = if !title.is_empty() {
            title.to_owned()
        } else {
            root.as_ref()
                .and_then(|r| r.child_text("title"))
                .unwrap_or_else(|| page_title.trim_start_matches("Assignment:").trim().to_owned())
        };
        let purpose = self.group_purpose(root.as_ref());
        self.push_assignment(parent, title, instructions, points, rubric.as_deref(), purpose);
        Ok(())
    }

    fn quiz(&mut self, resource: &ManifestResource, parent: NodeId, title: &str, bank: bool) -> Result<()> {
        // Prefer Canvas's full QTI (non_cc_assessments) over the CC-profile copy.
        let mut candidates: Vec<String> = Vec::new();
        for d in &resource.dependencies {
            if let Some(&i) = self.by_identifier.get(d) {
                candidates
                    .extend(self.resources[i].files.iter().filter(|f| f.ends_with(".xml.qti")).cloned());
            }
        }
        candidates.extend(resource.files.iter().filter(|f| f.ends_with(".xml.qti")).cloned());
        candidates.extend(
            resource.href.iter().chain(resource.files.iter()).filter(|f| f.ends_with(".xml")).cloned(),
        );
        candidates.retain(|c| self.package.contains(c));
        candidates.dedup();
        let place = format!("{} › {}", self.paths[&parent], title);
        // A copy that is not well-formed is left out (with a finding); the others still count.
        // Canvas's copy has more question types, but exporters sometimes put fewer items
        // in it: take the copy with the most items (Canvas's on a tie).
        let mut best: Option<(usize, String, Vec<u8>)> = None;
        let mut broken = false;
        for c in &candidates {
            let bytes = self.package.read_markup(c)?;
            let count = if candidates.len() > 1 {
                match qti12::parse(&bytes, &self.package.place(c), &mut html_to_markdown::KeepUrls) {
                    Ok(probe) => probe.assessments.iter().map(|a| a.items.len()).sum(),
                    Err(e) => {
                        self.bad_file(&place, title, &e);
                        broken = true;
                        continue;
                    }
                }
            } else {
                0
            };
            if best.as_ref().is_none_or(|(n, _, _)| count > *n) {
                best = Some((count, c.clone(), bytes));
            }
        }
        let Some((_, path, bytes)) = best else {
            return if broken { Ok(()) } else { self.missing_main(resource, parent, title) };
        };
        let mut links = Links {
            package: self.package,
            prefix: &self.prefix,
            base_dir: parent_dir(&path).to_owned(),
            assets: &mut self.assets,
            findings: &mut self.findings,
            place: place.clone(),
            pages: &self.pages,
            error: None,
        };
        let parsed = qti12::parse(&bytes, &self.package.place(&path), &mut links);
        if let Some(e) = links.error.take() {
            return Err(e);
        }
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                self.bad_file(&place, title, &e);
                return Ok(());
            }
        };
        for mut f in parsed.findings {
            f.target.path = place.clone();
            self.findings.push(f);
        }
        let meta = self.canvas_meta(resource, "quiz")?;
        let description =
            meta.as_ref().and_then(|m| m.child("description")).map(Element::text).unwrap_or_default();
        let instructions = if description.trim().is_empty() {
            String::new()
        } else {
            self.convert(&description, parent_dir(&path), &place)?
        };
        let quiz_type = meta.as_ref().and_then(|m| m.child_text("quiz_type")).unwrap_or_default();
        let purpose = self.group_purpose(meta.as_ref()).unwrap_or(match quiz_type.as_str() {
            "assignment" => AssessmentPurpose::Summative,
            "survey" | "graded_survey" => AssessmentPurpose::Diagnostic,
            _ => AssessmentPurpose::Formative,
        });
        let meta_points =
            meta.as_ref().and_then(|m| m.child_text("points_possible")).and_then(|p| p.parse::<f64>().ok());
        let meta_minutes =
            meta.as_ref().and_then(|m| m.child_text("time_limit")).and_then(|t| t.parse::<u32>().ok());
        if parsed.assessments.is_empty() {
            self.note(
                "import-cc-empty-quiz",
                Severity::Warning,
                format!("the quiz file of \"{title}\" holds no assessment"),
                "assessment",
                place,
            );
            return Ok(());
        }
        for a in parsed.assessments {
            let name = if !title.is_empty() {
                title.to_owned()
            } else if !a.title.is_empty() {
                a.title.clone()
            } else {
                "Quiz".to_owned()
            };
            let name = if bank || a.bank { format!("Question bank: {name}") } else { name };
            if bank || a.bank {
                self.note(
                    "import-cc-question-bank",
                    Severity::Info,
                    format!("the question bank \"{}\" ({} items) was imported as a quiz (Trellis keeps questions inside assessments)", a.title, a.items.len()),
                    "assessment",
                    place.clone(),
                );
            }
            if a.items.is_empty() {
                self.note(
                    "import-cc-empty-quiz",
                    Severity::Info,
                    format!("the quiz \"{name}\" has no items that could be imported"),
                    "assessment",
                    place.clone(),
                );
            }
            let points = match meta_points {
                Some(p) if p > 0.0 => Some(p),
                _ if !a.items.is_empty() => Some(a.points()),
                _ => None,
            };
            self.doc.assessments.push(Assessment {
                id: AssessmentId::new(),
                node: parent,
                title: name,
                purpose,
                format: AssessmentFormat::Quiz,
                instructions: instructions.clone(),
                points,
                weight: None,
                duration_minutes: a.time_limit_minutes().or(meta_minutes).filter(|m| *m > 0),
                mastery_score: None,
                grasps: None,
                rubric: None,
                objectives: Vec::new(),
                items: a.items,
            });
        }
        Ok(())
    }

    /// An IMS Basic LTI link → an [`ActivityKind::Lti`] activity: its title, its description
    /// as the instructions, its launch URL (the secure one when given) as the one resource.
    /// Vendor, custom parameters, extensions and icons have no place in the model; a finding
    /// names those the link had.
    fn lti(&mut self, resource: &ManifestResource, parent: NodeId, title: &str) -> Result<()> {
        let Some(path) = self.main_xml(resource) else { return self.missing_main(resource, parent, title) };
        let file_place = format!("{} › {}", self.paths[&parent], title);
        let Some(root) = self.resource_xml(&path, &file_place, title)? else { return Ok(()) };
        let place = format!("{} › {}", self.paths[&parent], title);
        let tool_title = root.child_text("title").unwrap_or_default();
        let title = if title.is_empty() { tool_title } else { title.to_owned() };
        let written = root.child_text("secure_launch_url").or_else(|| root.child_text("launch_url"));
        let url = written.clone().filter(|u| crate::export::lower::is_launch_url(u));
        if let Some(bad) = written.filter(|u| !crate::export::lower::is_launch_url(u)) {
            self.note(
                "import-cc-lti",
                Severity::Warning,
                format!("the LTI link \"{title}\" launches `{}`, which is not an http(s) address; it was left out", clip(&bad)),
                "activity",
                place.clone(),
            );
        }
        let description = root.child_text("description").map(|d| lti_description(&d)).unwrap_or_default();
        let mut lost: Vec<&str> = Vec::new();
        if root.child("custom").is_some_and(|c| c.elements().next().is_some()) {
            lost.push("custom parameters");
        }
        if root.children_named("extensions").any(|e| e.elements().next().is_some()) {
            lost.push("LMS extensions");
        }
        if root.child("icon").is_some() || root.child("secure_icon").is_some() {
            lost.push("icon");
        }
        if root.child("vendor").and_then(|v| v.child_text("code")).is_some_and(|c| c != "unknown") {
            lost.push("vendor");
        }
        let lost =
            if lost.is_empty() { String::new() } else { format!("; its {} were not kept", lost.join(", ")) };
        self.note(
            "import-cc-lti",
            Severity::Info,
            format!(
                "\"{title}\" is an external (LTI) tool kept as an LTI link{}{lost}; the tool must be set up in the LMS",
                url.as_deref().map(|u| format!(" launching {u}")).unwrap_or_default()
            ),
            "activity",
            place,
        );
        let resources = url.map(|u| vec![ActivityResource(title.clone(), Some(u), None)]).unwrap_or_default();
        self.add_activity(parent, &title, ActivityKind::Lti, description, resources);
        Ok(())
    }

    /// Resources outside the organization: pages, assignments, quizzes, discussions, links
    /// and course files are added to the course node.
    fn unorganized(&mut self) -> Result<()> {
        let course = self.course;
        let resources = self.resources.clone();
        let dependency_of: HashSet<String> =
            resources.iter().flat_map(|r| r.dependencies.iter().cloned()).collect();
        let mut added = 0usize;
        for r in &resources {
            let kind = r.kind.to_ascii_lowercase();
            if kind == "webcontent" && !r.href.as_deref().is_some_and(is_html) {
                // Course files (also those no page links to, and those of a shared resource
                // every page depends on) are kept as assets. Trellis's own stylesheet is not
                // course content.
                let stylesheet = format!("{}web_resources/trellis.css", self.prefix);
                for f in &r.files {
                    let own_stylesheet = r.identifier.ends_with("_files") && *f == stylesheet;
                    let settings = f[self.prefix.len().min(f.len())..].starts_with("course_settings/");
                    if !own_stylesheet && !settings && !is_html(f) && self.package.contains(f) {
                        self.assets.load(self.package, &self.prefix, f)?;
                    }
                }
                if !dependency_of.contains(&r.identifier) {
                    self.used.insert(r.identifier.clone());
                }
                continue;
            }
            if self.used.contains(&r.identifier)
                || dependency_of.contains(&r.identifier)
                || r.variant_of.is_some()
            {
                continue;
            }
            let is_settings = r.href.as_deref().is_some_and(|h| h.contains("course_settings/"))
                || r.files.iter().all(|f| f.contains("course_settings/"));
            if is_settings {
                continue;
            }
            if kind == "webcontent" {
                match r.href.as_deref() {
                    // A missing page file was reported with the manifest; nothing to add.
                    Some(h) if is_html(h) && !self.package.contains(h) => {}
                    Some(h) if is_html(h) && !h.contains("web_resources/") => {
                        self.converted(1)?;
                        let title = self.page_title(h)?;
                        self.used.insert(r.identifier.clone());
                        self.page(h, course, &title)?;
                        added += 1;
                    }
                    _ => {
                        // Course files: kept as assets.
                        for f in &r.files {
                            self.assets.load(self.package, &self.prefix, f)?;
                        }
                        self.used.insert(r.identifier.clone());
                    }
                }
                continue;
            }
            if kind.starts_with("associatedcontent")
                && !r.files.iter().any(|f| f.ends_with("assignment_settings.xml") || f.ends_with(".xml.qti"))
            {
                continue;
            }
            self.resource(&r.identifier, course, "")?;
            added += 1;
        }
        if added > 0 {
            let path = self.paths[&course].clone();
            self.note(
                "import-cc-unorganized",
                Severity::Info,
                format!("{added} resource(s) not placed in any module were added to the course itself"),
                "node",
                path,
            );
        }
        Ok(())
    }

    fn page_title(&mut self, path: &str) -> Result<String> {
        if !self.package.contains(path) {
            return Ok(path.rsplit('/').next().unwrap_or(path).to_owned());
        }
        let bytes = self.package.read_markup(path)?;
        let title = html_title(&String::from_utf8_lossy(&bytes));
        Ok(if title.is_empty() { path.rsplit('/').next().unwrap_or(path).to_owned() } else { title })
    }

    /// Course files not listed in the manifest: under web_resources they are kept as assets;
    /// anything else is reported.
    fn unreferenced_files(&mut self) {
        let listed: HashSet<String> = self
            .resources
            .iter()
            .flat_map(|r| r.files.iter().cloned().chain(r.href.iter().cloned()))
            .chain(std::iter::once(format!("{}imsmanifest.xml", self.prefix)))
            .collect();
        let mut other = Vec::new();
        for f in self.package.files() {
            if listed.contains(&f) || self.assets.by_path.contains_key(&f) || !f.starts_with(&self.prefix) {
                continue;
            }
            let relative = &f[self.prefix.len()..];
            if relative.starts_with("course_settings/") || relative.starts_with("non_cc_assessments/") {
                continue;
            }
            if relative.starts_with("web_resources/") {
                if let Err(e) = self.assets.load(self.package, &self.prefix, &f) {
                    self.note(
                        "import-cc-file",
                        Severity::Warning,
                        format!("the course file `{relative}` could not be kept: {e}"),
                        "curriculum",
                        self.package.name().to_owned(),
                    );
                }
                continue;
            }
            other.push(relative.to_owned());
        }
        if !other.is_empty() {
            let shown: Vec<&str> = other.iter().take(10).map(String::as_str).collect();
            self.note(
                "import-cc-unlisted-files",
                Severity::Info,
                format!(
                    "{} file(s) are in the package but not in the manifest and were not imported: {}{}",
                    other.len(),
                    shown.join(", "),
                    if other.len() > 10 { ", …" } else { "" }
                ),
                "curriculum",
                self.package.name().to_owned(),
            );
        }
    }
}

/// An LTI description (plain text) as Markdown: paragraphs (split at blank lines) with their
/// whitespace collapsed and Markdown characters escaped, so exporting it as plain text and
/// importing that again gives the same text.
fn lti_description(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.extend(line.split_whitespace());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    paragraphs.iter().map(|p| html_to_markdown::escape(p)).collect::<Vec<_>>().join("\n\n")
}

/// Removes what Trellis's exporter adds to a page around the text itself (the estimated time and
/// points line, the list of objectives), so importing an exported page gives back its text
/// rather than the text plus the generated parts. Other HTML is left alone.
fn strip_generated(html: &str) -> std::borrow::Cow<'_, str> {
    const PARTS: [(&str, &str); 2] =
        [("<p class=\"trellis-meta\">", "</p>"), ("<section class=\"trellis-objectives\">", "</section>")];
    if !PARTS.iter().any(|(open, _)| html.contains(open)) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = html.to_owned();
    for (open, close) in PARTS {
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(start) = rest.find(open) {
            let Some(len) = rest[start..].find(close) else { break };
            kept.push_str(&rest[..start]);
            rest = rest[start + len + close.len()..].trim_start_matches('\n');
        }
        kept.push_str(rest);
        out = kept;
    }
    std::borrow::Cow::Owned(out)
}

/// A resource of an activity (title, url, asset) before it becomes a model `Resource`.
struct ActivityResource(String, Option<String>, Option<AssetId>);

fn is_html(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml")
}

/// The text of the first `<title>` element of an HTML document.
fn html_title(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<title") else { return String::new() };
    let Some(open_end) = lower[start..].find('>').map(|i| start + i + 1) else { return String::new() };
    let Some(end) = lower[open_end..].find("</title").map(|i| open_end + i) else { return String::new() };
    html_to_markdown::to_plain_text(&format!("<p>{}</p>", &html[open_end..end]))
}
