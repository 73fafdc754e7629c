//! Common Cartridge export: every example (and two documents built here, one of them hostile) in
//! every CC version and LMS profile is validated against the official XSDs copied in
//! `tests/schemas` (xmllint, offline), parsed back, checked for dangling references and links,
//! re-exported byte for byte, and compared with golden files. When `../shared` exists the
//! packages also go through `shared/standards/validate-package`.
//!
//! Regenerate the golden files with `SNAPSHOTS=overwrite cargo test --test it export_cc` and
//! review the diff.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quick_xml::events::Event;
use trellis::export::{
    ExportFormat, ExportOptions, ExportReport, LmsProfile, MemWriter, export_document, ident, ident_with,
};
use trellis::model::*;
use uuid::Uuid;

use super::support::{Xmllint, root, write_package, xmllint_in};

/// The shipped examples that exist.
pub(crate) fn examples() -> Vec<(String, Document)> {
    let mut out = Vec::new();
    for name in ["intro-statistics.json", "nursing-pharmacology.json"] {
        let path = root().join("examples").join(name);
        if path.exists() {
            out.push((name.trim_end_matches(".json").to_owned(), trellis::json::read(&path).unwrap()));
        }
    }
    out
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn ts() -> Timestamp {
    Timestamp("2026-01-15T10:00:00Z".into())
}

fn node(n: u128, parent: Option<u128>, kind: &str, code: &str, title: &str, summary: &str) -> Node {
    Node {
        id: NodeId(id(n)),
        code: code.into(),
        summary: summary.into(),
        ..super::support::node(parent.map(|p| NodeId(id(p))), kind, title)
    }
}

fn objective(n: u128, node: u128, code: &str, statement: &str, level: BloomLevel) -> Objective {
    Objective {
        id: ObjectiveId(id(n)),
        node: NodeId(id(node)),
        code: code.into(),
        statement: statement.into(),
        abcd: Abcd::default(),
        level: Some(level),
        level_source: LevelSource::Designer,
        knowledge: Some(KnowledgeDimension::Conceptual),
        domain: Domain::Cognitive,
        supports: Vec::new(),
        prerequisites: Vec::new(),
        standards: Vec::new(),
        emphasis: Vec::new(),
    }
}

fn activity(n: u128, node: u128, kind: ActivityKind, title: &str, instructions: &str) -> Activity {
    Activity {
        id: ActivityId(id(n)),
        node: NodeId(id(node)),
        title: title.into(),
        kind,
        instructions: instructions.into(),
        duration_minutes: Some(30),
        grouping: Grouping::Individual,
        event: None,
        objectives: Vec::new(),
        resources: Vec::new(),
        content: None,
        pathway: None,
    }
}

fn assessment(n: u128, node: u128, format: AssessmentFormat, title: &str, instructions: &str) -> Assessment {
    Assessment {
        id: AssessmentId(id(n)),
        node: NodeId(id(node)),
        title: title.into(),
        purpose: AssessmentPurpose::Summative,
        format,
        instructions: instructions.into(),
        points: None,
        weight: None,
        duration_minutes: None,
        mastery_score: None,
        grasps: None,
        rubric: None,
        objectives: Vec::new(),
        items: Vec::new(),
    }
}

fn item(n: u128, stem: &str, body: ItemBody) -> QuizItem {
    QuizItem {
        id: ItemId(id(n)),
        stem: stem.into(),
        body,
        points: 2.0,
        feedback_correct: "Well done.".into(),
        feedback_incorrect: "Look at the *definition* again.".into(),
        level: Some(BloomLevel::Understand),
        objectives: Vec::new(),
    }
}

fn choice(n: u128, text: &str, correct: bool) -> Choice {
    Choice { id: ChoiceId(id(n)), text: text.into(), correct, feedback: String::new() }
}

/// A small course with every kind of content the cartridge writes, with fixed ids and times.
pub(crate) fn fixture_document() -> Document {
    let mut doc = Document::new("Data Literacy Basics");
    doc.curriculum.id = CurriculumId(id(1));
    doc.curriculum.code = "DL 100".into();
    doc.curriculum.level = "undergraduate".into();
    doc.curriculum.description = "Read, question and present **data** responsibly.".into();
    doc.curriculum.created_at = ts();
    doc.curriculum.updated_at = ts();
    doc.nodes = vec![
        node(10, None, "course", "DL100", "Data Literacy Basics", "Welcome to the course."),
        node(11, Some(10), "unit", "U1", "Describing data", "# Overview\n\nWe start with *distributions*."),
        node(
            12,
            Some(11),
            "lesson",
            "L1.1",
            "Charts that tell the truth",
            "## Reading a chart\n\n![](asset:chart.png)\n\n| Chart | Use |\n|---|---|\n| Bar | Categories |\n",
        ),
        node(13, Some(11), "lesson", "L1.2", "An empty lesson", ""),
        node(14, Some(10), "unit", "U2", "Comparing groups", "Two groups, one question."),
    ];
    doc.nodes[4].prerequisites = vec![NodeId(id(11))];
    doc.frameworks = vec![Framework {
        id: FrameworkId(id(20)),
        identifier: "7c4a1f00-0000-4000-8000-00000000aaaa".into(),
        uri: "https://case.example.org/uri/7c4a1f00-0000-4000-8000-00000000aaaa".into(),
        title: "Data standards".into(),
        creator: "Example Board".into(),
        version: "1".into(),
        language: "en".into(),
        source: "case".into(),
        extra: serde_json::Value::Null,
    }];
    doc.standard_items = vec![StandardItem {
        id: StandardItemId(id(21)),
        framework: FrameworkId(id(20)),
        parent: None,
        identifier: "7c4a1f00-0000-4000-8000-00000000bbbb".into(),
        uri: "https://case.example.org/uri/7c4a1f00-0000-4000-8000-00000000bbbb".into(),
        code: "DATA.1".into(),
        statement: "Interpret displays of data.".into(),
        abbreviated: String::new(),
        item_type: "Standard".into(),
        extra: serde_json::Value::Null,
    }];
    let mut co1 = objective(30, 10, "CO1", "Evaluate claims made from data displays.", BloomLevel::Evaluate);
    co1.abcd.behavior = "evaluate claims".into();
    let mut u11 = objective(31, 11, "U1.1", "Interpret a bar chart and a histogram.", BloomLevel::Understand);
    u11.supports = vec![ObjectiveId(id(30))];
    u11.standards = vec![StandardItemId(id(21))];
    let mut l11 = objective(32, 12, "L1.1a", "Identify a truncated axis in a chart.", BloomLevel::Remember);
    l11.supports = vec![ObjectiveId(id(31))];
    l11.prerequisites = vec![];
    doc.objectives = vec![co1, u11, l11];

    let mut reading =
        activity(40, 12, ActivityKind::Reading, "Reading: misleading charts", "Read the chapter.");
    reading.objectives = vec![ObjectiveId(id(32))];
    reading.resources = vec![Resource {
        title: "OpenIntro chapter 2".into(),
        url: Some("https://www.openintro.org/book/os/".into()),
        asset: None,
    }];
    let mut discussion = activity(
        41,
        12,
        ActivityKind::Discussion,
        "Discuss: a chart you distrust",
        "Post a chart and say why.",
    );
    discussion.objectives = vec![ObjectiveId(id(31))];
    let mut link = activity(42, 14, ActivityKind::Link, "Gapminder", "");
    link.resources = vec![Resource {
        title: "Gapminder tools".into(),
        url: Some("https://www.gapminder.org/tools/".into()),
        asset: None,
    }];
    doc.activities = vec![reading, discussion, link];

    let mut quiz = assessment(50, 12, AssessmentFormat::Quiz, "Quiz: charts", "Answer every question.");
    quiz.purpose = AssessmentPurpose::Formative;
    quiz.objectives = vec![ObjectiveId(id(32))];
    quiz.items = vec![
        item(
            51,
            "Which chart suits categories?",
            ItemBody::MultipleChoice {
                choices: vec![choice(511, "Bar chart", true), choice(512, "Histogram", false)],
            },
        ),
        item(
            52,
            "Which are distributions?",
            ItemBody::MultipleResponse {
                choices: vec![
                    choice(521, "Histogram", true),
                    choice(522, "Box plot", true),
                    choice(523, "Pie chart", false),
                ],
            },
        ),
        item(53, "A truncated axis can exaggerate differences.", ItemBody::TrueFalse { answer: true }),
        item(
            54,
            "The middle value of sorted data is the ___.",
            ItemBody::ShortAnswer { answers: vec!["median".into(), "Median".into()], case_sensitive: false },
        ),
        item(55, "What is 3 + 4?", ItemBody::Numeric { answer: 7.0, tolerance: 0.5 }),
        item(56, "Explain why a chart misleads.", ItemBody::Essay { guidance: "Look for the axis.".into() }),
        item(
            57,
            "Match the chart to its use.",
            ItemBody::Matching {
                pairs: vec![
                    MatchPair { id: ChoiceId(id(571)), prompt: "Bar".into(), answer: "Categories".into() },
                    MatchPair { id: ChoiceId(id(572)), prompt: "Histogram".into(), answer: "Numbers".into() },
                ],
            },
        ),
    ];
    quiz.items[0].objectives = vec![ObjectiveId(id(31))];
    let mut task = assessment(
        58,
        14,
        AssessmentFormat::PerformanceTask,
        "Performance task: the council brief",
        "Write a brief.",
    );
    task.points = Some(20.0);
    task.weight = Some(40.0);
    task.mastery_score = Some(0.75);
    task.rubric = Some(RubricId(id(60)));
    task.objectives = vec![ObjectiveId(id(30)), ObjectiveId(id(31))];
    task.grasps = Some(Grasps {
        goal: "Advise the council.".into(),
        role: "Analyst".into(),
        audience: "City council".into(),
        situation: "A budget vote".into(),
        product: "A two-page brief".into(),
        standards: "The rubric".into(),
    });
    let mut exam = assessment(59, 10, AssessmentFormat::Exam, "Final exam", "");
    exam.items = vec![item(
        591,
        "Name one chart for categories.",
        ItemBody::ShortAnswer { answers: vec!["bar chart".into()], case_sensitive: false },
    )];
    doc.assessments = vec![exam, quiz, task];

    let levels: Vec<RubricLevel> =
        [(61, "Beginning", 1.0), (62, "Developing", 2.0), (63, "Proficient", 3.0), (64, "Exemplary", 4.0)]
            .into_iter()
            .map(|(n, label, points)| RubricLevel { id: RubricLevelId(id(n)), label: label.into(), points })
            .collect();
    let criterion = |n: u128, title: &str, objective: u128| Criterion {
        id: CriterionId(id(n)),
        title: title.into(),
        description: format!("How well the brief handles {}.", title.to_lowercase()),
        weight: 1.0,
        objective: Some(ObjectiveId(id(objective))),
        descriptors: levels
            .iter()
            .map(|l| Descriptor { level: l.id, text: format!("{} {}", l.label, title.to_lowercase()) })
            .collect(),
    };
    doc.rubrics = vec![Rubric {
        id: RubricId(id(60)),
        title: "Council brief rubric".into(),
        kind: RubricKind::Analytic,
        description: "Used for the performance task.".into(),
        levels: levels.clone(),
        criteria: vec![
            criterion(65, "Evidence", 31),
            criterion(66, "Reasoning", 30),
            criterion(67, "Charts", 31),
            Criterion { objective: None, ..criterion(68, "Writing", 30) },
        ],
    }];
    let mut png = Asset::new("chart.png", "image/png", b"\x89PNG\r\n\x1a\nnot really a png".to_vec());
    png.id = AssetId(id(70));
    png.alt = "Bar chart of survey answers".into();
    doc.assets = vec![png];
    doc.normalize();
    doc.validate().unwrap();
    doc
}

/// A document written to break exporters: raw HTML and scripts in Markdown, `javascript:`
/// links, unicode and very long titles, empty nodes, a quiz without items.
pub(crate) fn hostile_document() -> Document {
    let mut doc = Document::new("Statistik für Anfänger — 統計 🚀 & <friends>");
    doc.curriculum.id = CurriculumId(id(100));
    doc.curriculum.language = "de".into();
    doc.curriculum.created_at = ts();
    doc.curriculum.updated_at = ts();
    doc.curriculum.description = "<script>alert('d')</script>Beschreibung".into();
    let long = "Ein sehr langer Titel ".repeat(20);
    doc.nodes = vec![
        node(101, None, "course", "", "", "<script>alert(1)</script>\n\n[click](javascript:alert(2))"),
        node(
            102,
            Some(101),
            "unit",
            "",
            &long,
            "<img src=x onerror=alert(3)>\n\n<iframe src=\"https://evil.example\"></iframe>",
        ),
        node(103, Some(102), "lesson", "", "Leer", ""),
        node(104, Some(101), "unit", "", "Ünïcödé 🚀 \"quotes\" & 'apostrophes'", ""),
    ];
    let mut o = objective(110, 102, "", "<b>Erklären</b> Sie & vergleichen <i>x</i>", BloomLevel::Understand);
    o.statement.push_str(&" sehr".repeat(100));
    doc.objectives = vec![o];
    let mut a = activity(
        120,
        102,
        ActivityKind::Reading,
        &long,
        "<script>steal()</script>Lies <a href=\"javascript:evil()\">das</a>.",
    );
    a.resources = vec![
        Resource { title: "böse".into(), url: Some("javascript:alert(4)".into()), asset: None },
        Resource {
            title: "gut & sicher".into(),
            url: Some("https://example.org/?a=1&b=2".into()),
            asset: None,
        },
    ];
    a.objectives = vec![ObjectiveId(id(110))];
    doc.activities =
        vec![a, activity(121, 104, ActivityKind::Discussion, "", "<style>body{}</style>Diskutiert!")];
    let mut quiz = assessment(130, 104, AssessmentFormat::Quiz, "Leeres Quiz <b>", "");
    quiz.objectives = vec![ObjectiveId(id(110))];
    let mut q2 = assessment(131, 104, AssessmentFormat::Quiz, "Quiz 2", "");
    q2.items = vec![item(
        132,
        "<script>alert(5)</script>Welche?",
        ItemBody::MultipleChoice {
            choices: vec![
                choice(133, "<img src=x onerror=alert(6)>A", true),
                choice(134, "[B](javascript:alert(7))", false),
            ],
        },
    )];
    doc.assessments = vec![quiz, q2];
    doc.normalize();
    doc.validate().unwrap();
    doc
}

pub(crate) fn export(doc: &Document, format: ExportFormat, profile: LmsProfile) -> (MemWriter, ExportReport) {
    let options = ExportOptions::for_document(doc).with_profile(profile);
    let mut mem = MemWriter::new();
    let report = export_document(doc, format, &options, &mut mem, &mut |_| {})
        .unwrap_or_else(|e| panic!("{format} {profile} export failed: {e}"));
    (mem, report)
}

fn all_documents() -> Vec<(String, Document)> {
    let mut docs =
        vec![("fixture".to_owned(), fixture_document()), ("hostile".to_owned(), hostile_document())];
    docs.extend(examples());
    docs
}

const CC: [ExportFormat; 2] = [ExportFormat::Cc13, ExportFormat::Cc11];

/// One parsed element: name (without prefix) and attributes.
#[derive(Debug)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
}

/// Parses XML completely (any error fails the test) and returns the start elements in order.
fn parse_xml(name: &str, text: &str) -> Vec<El> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let full = e.name().as_ref().to_owned();
                let local = full.rsplit(':').next().unwrap_or(&full).to_owned();
                let mut attrs = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("{name}: bad attribute: {err}"));
                    let value = a
                        .normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 1, |_| None)
                        .unwrap_or_else(|err| panic!("{name}: {err}"))
                        .into_owned();
                    attrs.insert(a.key.as_ref().to_owned(), value);
                }
                out.push(El { name: local, attrs });
            }
            Ok(Event::Text(t)) => {
                let _ = t.xml10_content();
            }
            Ok(_) => {}
            Err(err) => panic!("{name} is not well-formed XML at {}: {err}", reader.buffer_position()),
        }
    }
    out
}

fn root_namespace(text: &str) -> String {
    let start = text.find("xmlns=\"").map(|i| i + 7).unwrap_or(0);
    text[start..].split('"').next().unwrap_or_default().to_owned()
}

/// Fails with xmllint's messages unless it passed `files` files and said each validates.
pub(crate) fn assert_validates(label: &str, lint: &Xmllint, files: usize) {
    let failures = lint.failures();
    assert!(failures.is_empty(), "{label}: schema validation failed:\n{}", failures.join("\n"));
    assert_eq!(lint.validated(), files, "{label}: {}", lint.stderr);
}

/// Validates every XML file of a package whose namespace the driver schema covers, in one
/// xmllint run against the copies in tests/schemas.
pub(crate) fn xsd_validate(label: &str, mem: &MemWriter, format: ExportFormat) {
    let schemas = root().join("tests/schemas");
    let driver = schemas.join(match format {
        ExportFormat::Cc11 => "drivers/cc-v1p1.xsd",
        _ => "drivers/cc-v1p3.xsd",
    });
    let tmp = tempfile::tempdir().unwrap();
    write_package(mem, tmp.path());
    let files: Vec<&str> = mem
        .paths()
        .iter()
        .map(String::as_str)
        .filter(|p| p.ends_with(".xml"))
        .filter(|p| !root_namespace(mem.text(p).unwrap()).starts_with("http://canvas.instructure.com/"))
        .collect();
    assert!(files.contains(&"imsmanifest.xml"), "{label}: no manifest");
    let lint = xmllint_in(tmp.path(), &driver, &files, &[]);
    assert_validates(label, &lint, files.len());
}

/// Every manifest reference resolves: resource hrefs and files exist, dependencies and item
/// references name resources, identifiers are unique NCNames.
pub(crate) fn check_manifest(label: &str, mem: &MemWriter) {
    let manifest = parse_xml("imsmanifest.xml", mem.text("imsmanifest.xml").unwrap());
    let resources: BTreeSet<&str> =
        manifest.iter().filter(|e| e.name == "resource").map(|e| e.attrs["identifier"].as_str()).collect();
    let mut ids = BTreeSet::new();
    for e in &manifest {
        if let Some(id) = e.attrs.get("identifier")
            && e.name != "labelledGUID"
        {
            assert!(ids.insert(id.clone()), "{label}: identifier {id} is used twice");
            let first = id.chars().next().unwrap();
            assert!(first.is_ascii_alphabetic() || first == '_', "{label}: identifier {id} is not an NCName");
        }
        for key in ["href"] {
            if let Some(href) = e.attrs.get(key) {
                assert!(mem.get(href).is_some(), "{label}: {} {key}={href} is not in the package", e.name);
            }
        }
        for key in ["identifierref"] {
            if let Some(r) = e.attrs.get(key) {
                assert!(resources.contains(r.as_str()), "{label}: {} {key}={r} names no resource", e.name);
            }
        }
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every relative `href`/`src` in pages and in HTML carried inside XML points at a package file.
pub(crate) fn check_links(label: &str, mem: &MemWriter) {
    for path in mem.paths() {
        let Some(text) = mem.text(path) else { continue };
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".qti")) {
            continue;
        }
        let text = if path.ends_with(".html") { text.to_owned() } else { unescape(text) };
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for attr in ["href=\"", "src=\""] {
            for chunk in text.split(attr).skip(1) {
                let target = chunk.split('"').next().unwrap_or_default();
                let external = target.contains(':') || target.starts_with('#') || target.starts_with("//");
                if external || target.is_empty() {
                    continue;
                }
                let mut resolved = dir.to_path_buf();
                for part in target.split('/') {
                    match part {
                        ".." => {
                            resolved.pop();
                        }
                        "." => {}
                        p => resolved.push(p),
                    }
                }
                let resolved = resolved.to_string_lossy().replace('\\', "/");
                assert!(
                    mem.get(&resolved).is_some(),
                    "{label}: {path} links to {target}, which is not in the package"
                );
            }
        }
    }
}

/// Pages declare their language, have one `<h1>`, no skipped heading levels, alt on images.
fn check_accessibility(label: &str, mem: &MemWriter, lang: &str) {
    for path in mem.paths().iter().filter(|p| p.ends_with(".html")) {
        let html = mem.text(path).unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{label}: {path} has no lang attribute");
        assert_eq!(html.matches("<h1>").count(), 1, "{label}: {path} must have exactly one h1");
        let mut last = 1;
        for (i, _) in html.match_indices("<h") {
            let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else { continue };
            assert!(level <= last + 1, "{label}: {path} jumps from h{last} to h{level}");
            last = level;
        }
        for (i, _) in html.match_indices("<img ") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(tag.contains(" alt=\""), "{label}: {path} has an image without alt: {tag}");
        }
    }
}

#[test]
fn cc_packages_of_every_document_and_profile_validate_against_the_official_schemas() {
    for (name, doc) in all_documents() {
        for format in CC {
            for profile in LmsProfile::ALL {
                let label = format!("{name} {format} {profile}");
                let (mem, _) = export(&doc, format, profile);
                for path in mem.paths().iter().filter(|p| p.ends_with(".xml") || p.ends_with(".qti")) {
                    parse_xml(&format!("{label} {path}"), mem.text(path).unwrap());
                }
                check_manifest(&label, &mem);
                check_links(&label, &mem);
                check_accessibility(&label, &mem, &doc.curriculum.language);
                xsd_validate(&label, &mem, format);
            }
        }
    }
}

#[test]
#[ignore = "needs ../shared"]
fn validate_package_passes_on_every_cartridge() {
    let tmp = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for (name, doc) in all_documents() {
        for format in CC {
            for profile in [LmsProfile::Generic, LmsProfile::Canvas] {
                let (mem, _) = export(&doc, format, profile);
                let path = tmp.path().join(format!("{name}-{format}-{profile}.imscc"));
                std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
                packages.push(path);
            }
        }
    }
    super::support::assert_validate_package(&packages);
}

#[test]
fn re_exporting_the_same_document_gives_byte_identical_packages() {
    for (name, doc) in all_documents() {
        for format in [ExportFormat::Cc13, ExportFormat::Cc11, ExportFormat::Case, ExportFormat::Json] {
            let (one, _) = export(&doc, format, LmsProfile::Canvas);
            let (two, _) = export(&doc.clone(), format, LmsProfile::Canvas);
            assert_eq!(
                one.to_zip().unwrap(),
                two.to_zip().unwrap(),
                "{name} {format} differs between exports"
            );
        }
    }
    // The zip file on disk is exactly the in-memory zip.
    let doc = fixture_document();
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("course.imscc");
    let mut writer = trellis::export::package::writer_for_path(&target).unwrap();
    let options = ExportOptions::for_document(&doc);
    export_document(&doc, ExportFormat::Cc13, &options, writer.as_mut(), &mut |_| {}).unwrap();
    let (mem, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    assert_eq!(std::fs::read(&target).unwrap(), mem.to_zip().unwrap());
}

#[test]
fn identifiers_come_from_the_uuids_and_match_across_versions_and_profiles() {
    let doc = fixture_document();
    let (cc13, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let (cc11, _) = export(&doc, ExportFormat::Cc11, LmsProfile::Canvas);
    for mem in [&cc13, &cc11] {
        let manifest = mem.text("imsmanifest.xml").unwrap();
        assert!(manifest.contains(&format!("<manifest identifier=\"{}\"", ident(doc.curriculum.id.0))));
        // Units are organization items named by their own id; lesson pages by theirs.
        assert!(manifest.contains(&format!("<item identifier=\"{}\">", ident(id(11)))), "{manifest}");
        assert!(manifest.contains(&format!("identifierref=\"{}\"", ident_with(id(12), "page"))));
        assert!(manifest.contains(&format!("identifier=\"{}\"", ident(id(50)))), "quiz resource");
        assert!(ident(id(50)).starts_with('i'));
    }
}

#[test]
fn organization_mirrors_the_outline() {
    let doc = fixture_document();
    let (mem, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let manifest = mem.text("imsmanifest.xml").unwrap();
    let titles: Vec<&str> =
        manifest.split("<title>").skip(1).map(|t| t.split("</title>").next().unwrap_or_default()).collect();
    let position =
        |t: &str| titles.iter().position(|x| *x == t).unwrap_or_else(|| panic!("{t} missing: {titles:?}"));
    // The course's own content comes first, then the units in order, each with its lessons.
    assert!(position("Final exam") < position("Describing data"));
    assert!(position("Describing data") < position("Charts that tell the truth"));
    assert!(position("Charts that tell the truth") < position("Quiz: charts"));
    assert!(position("Quiz: charts") < position("An empty lesson"));
    assert!(position("An empty lesson") < position("Comparing groups"));
    assert!(position("Comparing groups") < position("Performance task: the council brief"));
}

#[test]
fn quizzes_carry_every_cc_item_type_and_degrade_the_rest_with_findings() {
    let doc = fixture_document();
    let (mem, report) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let qti = mem.text(&format!("{}/assessment_qti.xml", ident(id(50)))).unwrap();
    for profile in [
        "cc.multiple_choice.v0p1",
        "cc.multiple_response.v0p1",
        "cc.true_false.v0p1",
        "cc.fib.v0p1",
        "cc.essay.v0p1",
    ] {
        assert!(qti.contains(profile), "{profile} missing");
    }
    let degraded: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "X05-item-type-degraded")
        .filter_map(|f| f.target.id.as_deref())
        .collect();
    assert_eq!(degraded, [id(55).to_string(), id(57).to_string()], "numeric and matching items are reported");
    // Canvas reads its own flavour, which keeps numeric and matching items.
    let (canvas, canvas_report) = export(&doc, ExportFormat::Cc13, LmsProfile::Canvas);
    assert!(
        canvas_report.findings.iter().all(|f| f.code != "X05-item-type-degraded"),
        "nothing is lost for Canvas"
    );
    let flavour = canvas.text(&format!("non_cc_assessments/{}.xml.qti", ident(id(50)))).unwrap();
    assert!(flavour.contains("numerical_question") && flavour.contains("matching_question"));
    assert!(flavour.contains("<vargte respident=\"response1\">6.5</vargte>"), "tolerance is kept");
}

#[test]
fn assignments_use_the_cc13_extension_and_become_pages_in_cc11() {
    let doc = fixture_document();
    let (cc13, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let xml = cc13.text(&format!("{}/assignment.xml", ident(id(58)))).unwrap();
    assert!(xml.contains("<gradable>true</gradable>"));
    assert!(xml.contains("Points: 20"), "points are stated in the instructions");
    assert!(xml.contains("Council brief rubric"), "the rubric travels with the instructions");
    let (cc11, report) = export(&doc, ExportFormat::Cc11, LmsProfile::Generic);
    assert!(cc11.paths().iter().all(|p| !p.ends_with("assignment.xml")));
    assert!(report.findings.iter().any(|f| f.code == "X06-assignment-as-page"));
}

#[test]
fn cc13_resources_aligned_to_objectives_carry_curriculum_standards_metadata() {
    let doc = fixture_document();
    let (mem, _) = export(&doc, ExportFormat::Cc13, LmsProfile::Generic);
    let manifest = mem.text("imsmanifest.xml").unwrap();
    assert!(
        manifest.contains("<csmd:GUID>7c4a1f00-0000-4000-8000-00000000bbbb</csmd:GUID>"),
        "framework item GUID"
    );
    assert!(manifest.contains(&format!("<csmd:GUID>{}</csmd:GUID>", id(31))), "the objective's own GUID");
    assert!(
        manifest.contains("providerId=\"https://case.example.org/uri/7c4a1f00-0000-4000-8000-00000000aaaa\"")
    );
    let (cc11, _) = export(&doc, ExportFormat::Cc11, LmsProfile::Generic);
    assert!(!cc11.text("imsmanifest.xml").unwrap().contains("csmd"), "CC 1.1 has no csmd");
}

#[test]
fn canvas_profile_creates_outcomes_and_rubrics_linked_to_assignments() {
    let doc = fixture_document();
    for format in CC {
        let (mem, _) = export(&doc, format, LmsProfile::Canvas);
        let manifest = mem.text("imsmanifest.xml").unwrap();
        assert!(
            manifest.contains("href=\"course_settings/canvas_export.txt\""),
            "Canvas recognises its cartridges by this"
        );
        let outcomes =
            parse_xml("learning_outcomes.xml", mem.text("course_settings/learning_outcomes.xml").unwrap());
        let outcome_ids: BTreeSet<&str> = outcomes
            .iter()
            .filter(|e| e.name == "learningOutcome")
            .map(|e| e.attrs["identifier"].as_str())
            .collect();
        let expected: BTreeSet<String> = doc.objectives.iter().map(|o| ident(o.id.0)).collect();
        assert_eq!(
            outcome_ids,
            expected.iter().map(String::as_str).collect(),
            "every objective is an outcome"
        );
        let outcomes_text = mem.text("course_settings/learning_outcomes.xml").unwrap();
        assert!(
            outcomes_text.contains("<mastery_points>3</mastery_points>"),
            "mastery from the rubric's Proficient level"
        );
        assert!(
            outcomes_text.contains(&format!("<content_id>{}</content_id>", ident(id(58)))),
            "aligned to the task"
        );

        let rubrics = mem.text("course_settings/rubrics.xml").unwrap();
        let linked: Vec<&str> = rubrics
            .split("<learning_outcome_identifierref>")
            .skip(1)
            .map(|s| s.split('<').next().unwrap_or_default())
            .collect();
        assert_eq!(
            linked,
            [ident(id(31)), ident(id(30))],
            "criteria link outcomes, each outcome once per rubric"
        );
        assert!(rubrics.contains(&format!("<rubric identifier=\"{}\">", ident(id(60)))));

        let settings = mem.text(&format!("{}/assignment_settings.xml", ident(id(58)))).unwrap();
        assert!(
            settings.contains(&format!("<rubric_identifierref>{}</rubric_identifierref>", ident(id(60))))
        );
        assert!(settings.contains("<rubric_use_for_grading>true</rubric_use_for_grading>"));
        assert!(settings.contains("<points_possible>20</points_possible>"));
        assert!(
            settings.contains(&format!("<assignment identifier=\"{}\"", ident(id(58)))),
            "merges with the CC assignment"
        );

        let modules = mem.text("course_settings/module_meta.xml").unwrap();
        assert!(modules.contains("<content_type>Quizzes::Quiz</content_type>"));
        assert!(
            modules.contains(&format!("<identifierref>{}</identifierref>", ident(id(11)))),
            "U2 requires U1"
        );
    }
}

#[test]
fn hostile_content_is_sanitised_and_escaped_in_every_file() {
    let doc = hostile_document();
    for format in CC {
        for profile in [LmsProfile::Generic, LmsProfile::Canvas] {
            let (mem, report) = export(&doc, format, profile);
            for (path, bytes) in mem.entries() {
                // Pages are HTML as is; XML files carry HTML escaped once (plain-text fields
                // here hold no markup that could be mistaken for it).
                let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
                let decoded = if path.ends_with(".html") { text.clone() } else { unescape(&text) };
                for bad in ["<script", "javascript:", "onerror", "<iframe", "<style"] {
                    assert!(!decoded.contains(bad), "{format} {profile}: {path} contains {bad}");
                }
            }
            assert!(
                report.findings.iter().any(|f| f.code == "X02-unsafe-link"),
                "the dropped link is reported"
            );
            assert!(report.findings.iter().any(|f| f.code == "X04-empty-quiz"));
            let manifest = mem.text("imsmanifest.xml").unwrap();
            assert!(
                manifest.contains("Ünïcödé 🚀 &quot;quotes&quot; &amp; &apos;apostrophes&apos;"),
                "unicode survives"
            );
            assert!(manifest.contains("<lomimscc:language>de</lomimscc:language>"));
        }
    }
}

/// Compares `mem` with `tests/fixtures/export/<case>/`, or rewrites it with `SNAPSHOTS=overwrite`.
pub(crate) fn assert_golden(case: &str, mem: &MemWriter) {
    let dir = root().join("tests/fixtures/export").join(case);
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let mut listing: Vec<String> = mem.paths().to_vec();
    listing.sort();
    let listing = listing.join("\n") + "\n";
    let text_files: Vec<&String> = mem.paths().iter().filter(|p| mem.text(p).is_some()).collect();
    if overwrite {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("FILES.txt"), &listing).unwrap();
        for path in &text_files {
            let file = dir.join("files").join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, mem.get(path).unwrap()).unwrap();
        }
        return;
    }
    let expected = std::fs::read_to_string(dir.join("FILES.txt"))
        .unwrap_or_else(|_| panic!("no golden files for {case}; run with SNAPSHOTS=overwrite and review"));
    assert_eq!(listing, expected, "{case}: the file list changed (SNAPSHOTS=overwrite to accept)");
    for path in text_files {
        let golden = std::fs::read_to_string(dir.join("files").join(path)).unwrap();
        let actual = mem.text(path).unwrap();
        if golden != actual {
            let line = golden.lines().zip(actual.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            panic!(
                "{case}: {path} differs from the golden file near line {line} (SNAPSHOTS=overwrite to accept)"
            );
        }
    }
}

#[test]
fn cc_exports_of_the_fixture_document_match_the_golden_files() {
    let doc = fixture_document();
    for (format, profile) in [
        (ExportFormat::Cc13, LmsProfile::Generic),
        (ExportFormat::Cc13, LmsProfile::Canvas),
        (ExportFormat::Cc11, LmsProfile::Generic),
    ] {
        let (mem, _) = export(&doc, format, profile);
        assert_golden(&format!("fixture/{format}-{profile}"), &mem);
    }
}

#[test]
fn preflight_lists_analysis_findings_and_strict_mode_refuses_on_their_errors() {
    let mut doc = fixture_document();
    // An objective nothing measures is an analysis error (A1).
    doc.objectives.push(Objective { id: ObjectiveId(id(33)), ..doc.objectives[2].clone() });
    doc.objectives[3].code = "L1.1b".into();
    doc.objectives[3].supports = Vec::new();
    doc.normalize();
    let options = ExportOptions::for_document(&doc);
    let findings = trellis::export::preflight(&doc, ExportFormat::Cc13, &options);
    assert!(
        findings
            .iter()
            .any(|f| f.code == "A1-objective-unassessed" && f.target.id == Some(id(33).to_string())),
        "{findings:?}"
    );
    assert!(
        trellis::export::preflight(&doc, ExportFormat::Json, &options).is_empty(),
        "JSON is a plain dump"
    );
    let strict = ExportOptions { strict: true, ..options };
    let mut mem = MemWriter::new();
    let err = export_document(&doc, ExportFormat::Cc13, &strict, &mut mem, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("A1-objective-unassessed"), "{err}");
    assert!(mem.paths().is_empty(), "a refused export writes nothing");
}

#[test]
fn a_generated_curriculum_exports_to_valid_cartridges() {
    let doc = trellis::generate::large(trellis::generate::Scale { courses: 2, units: 2, lessons: 2 });
    for format in CC {
        let (mem, _) = export(&doc, format, LmsProfile::Canvas);
        let label = format!("generated {format}");
        check_manifest(&label, &mem);
        check_links(&label, &mem);
        xsd_validate(&label, &mem, format);
    }
}
