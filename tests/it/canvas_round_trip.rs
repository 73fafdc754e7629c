//! Canvas course round trip: a cartridge imported, exported for Canvas and imported again gives
//! the same document (ids aside, see docs/import.md), and exporting that again gives the same
//! package (identifiers aside). Also: one malformed quiz does not stop a course, Canvas's
//! `rubrics.xml` carries plain text, and question-group findings agree with the item findings.

#![allow(clippy::unwrap_used)]

use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
use trellis::import::common_cartridge;
use trellis::model::*;

use crate::export_cc::{check_links, check_manifest, xsd_validate};

use super::support::zip_with;

/// The canonical JSON with every UUID replaced by its order of first appearance and the
/// curriculum's timestamps left out: what must survive a round trip.
fn comparable(doc: &Document) -> String {
    let mut doc = doc.clone();
    doc.curriculum.created_at = Timestamp(String::new());
    doc.curriculum.updated_at = Timestamp(String::new());
    renumber_ids(&trellis::json::to_string(&doc))
}

/// Replaces UUIDs (`8-4-4-4-12` hex) and package identifiers (`i` + 32 hex digits) with
/// `#1`, `#2`, … in order of first appearance.
fn renumber_ids(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let is_uuid = |s: &[u8]| {
        s.len() >= 36
            && s[..36]
                .iter()
                .enumerate()
                .all(|(i, &b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { hex(b) })
    };
    let is_ident = |s: &[u8]| s.len() >= 33 && s[0] == b'i' && s[1..33].iter().all(|&b| hex(b));
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let len = if boundary && is_uuid(rest) {
            36
        } else if boundary && is_ident(rest) {
            33
        } else {
            0
        };
        if len == 0 {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let key = text[i..i + len].replace('-', "");
        let key = key.trim_start_matches('i').to_owned();
        let n = seen.iter().position(|s| *s == key).unwrap_or_else(|| {
            seen.push(key);
            seen.len() - 1
        });
        out.push_str(&format!("#{n}"));
        i += len;
    }
    out
}

fn export(doc: &Document, format: ExportFormat) -> MemWriter {
    let mut options = ExportOptions::for_document(doc).with_profile(LmsProfile::Canvas);
    options.generated_at = Timestamp("2026-01-15T10:00:00Z".into());
    let mut mem = MemWriter::new();
    export_document(doc, format, &options, &mut mem, &mut |_| {}).unwrap();
    mem
}

/// The package as comparable text: entries in written order, identifiers renumbered.
fn package_text(mem: &MemWriter) -> String {
    let mut text = String::new();
    for (path, bytes) in mem.entries() {
        text.push_str(&format!("== {path}\n"));
        match std::str::from_utf8(bytes) {
            Ok(t) => text.push_str(t),
            Err(_) => {
                text.push_str(&format!("{} binary bytes {:?}\n", bytes.len(), &bytes[..bytes.len().min(16)]))
            }
        }
        text.push('\n');
    }
    // Page names and rating ids end with the last 8 hex digits of an id.
    let text = mask_hex8(&text, '-', ".html");
    let text = mask_hex8(&text, '-', "\"");
    let text = renumber_ids(&text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("_") {
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 1..];
        let tail = rest.as_bytes();
        let hex8 = tail.len() >= 9
            && tail[..8].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && tail[8] == b'<';
        if hex8
            && out
                .trim_end_matches('_')
                .rsplit('#')
                .next()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        {
            out.push_str("criterion");
            rest = &rest[8..];
        }
    }
    out.push_str(rest);
    out
}

fn import_package(mem: &MemWriter, name: &str) -> trellis::import::CourseImport {
    common_cartridge::parse_bytes(mem.to_zip().unwrap(), name).unwrap()
}

/// Import → export → import gives the same document; the second export gives the same
/// package; every export validates.
fn assert_round_trip(label: &str, first: &Document) {
    for format in [ExportFormat::Cc11, ExportFormat::Cc13] {
        let label = format!("{label} {format}");
        let exported = export(first, format);
        xsd_validate(&label, &exported, format);
        check_manifest(&label, &exported);
        check_links(&label, &exported);
        let second = import_package(&exported, "round-trip.imscc").document;
        let (a, b) = (comparable(first), comparable(&second));
        if a != b {
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .take(12)
                .map(|(x, y)| format!("- {x}\n+ {y}"))
                .collect();
            panic!("{label}: the document changed on the round trip:\n{}", diff.join("\n"));
        }
        let again = export(&second, format);
        let (a, b) = (package_text(&exported), package_text(&again));
        if let Some((x, y)) = a.lines().zip(b.lines()).find(|(x, y)| x != y) {
            panic!("{label}: the second export differs:\n- {x}\n+ {y}");
        }
        assert_eq!(a, b, "{label}: the second export differs");
    }
}

const PAGE_HTML: &str = r#"<html><head><title>Welcome</title></head><body>
<p>Read the <a href="$IMS-CC-FILEBASE$/handouts/syllabus.pdf">syllabus</a> first.</p>
<p><img src="$IMS-CC-FILEBASE$/media/diagram_1.png" alt="A diagram"></p></body></html>"#;

/// A small Canvas-style cartridge: two modules with a page, a graded discussion, an assignment
/// and a quiz, course files in folders (one no page links to).
fn canvas_cartridge(broken_quiz: bool) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>
<lom><general><title><string>Round Trip 101</string></title></general></lom></metadata>
<organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="LearningModules">
  <item identifier="m1"><title>Week 1</title>
    <item identifier="m1a" identifierref="page1"><title>Welcome</title></item>
    <item identifier="m1b" identifierref="topic1"><title>Introduce yourself</title></item>
    <item identifier="m1c" identifierref="quiz1"><title>Check-in quiz</title></item>
  </item>
  <item identifier="m2"><title>Week 2</title>
    <item identifier="m2a" identifierref="asg1"><title>Essay</title></item>
    <item identifier="m2b" identifierref="quiz2"><title>Second quiz</title></item>
  </item>
</item></organization></organizations>
<resources>
  <resource identifier="page1" type="webcontent" href="wiki_content/welcome.html"><file href="wiki_content/welcome.html"/></resource>
  <resource identifier="topic1" type="imsdt_xmlv1p1"><file href="topic1.xml"/><dependency identifierref="topic1_meta"/></resource>
  <resource identifier="topic1_meta" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" href="topic1_meta.xml"><file href="topic1_meta.xml"/></resource>
  <resource identifier="asg1" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" href="asg1/essay.html"><file href="asg1/essay.html"/><file href="asg1/assignment_settings.xml"/></resource>
  <resource identifier="quiz1" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="quiz1/assessment_qti.xml"/></resource>
  <resource identifier="quiz2" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="quiz2/assessment_qti.xml"/></resource>
  <resource identifier="f1" type="webcontent" href="web_resources/media/diagram_1.png"><file href="web_resources/media/diagram_1.png"/></resource>
  <resource identifier="f2" type="webcontent" href="web_resources/handouts/syllabus.pdf"><file href="web_resources/handouts/syllabus.pdf"/></resource>
  <resource identifier="f3" type="webcontent" href="web_resources/handouts/unused_notes.pdf"><file href="web_resources/handouts/unused_notes.pdf"/></resource>
</resources></manifest>"#;
    let topic = r#"<topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"><title>Introduce yourself</title>
<text texttype="text/html">&lt;p&gt;Say hello to the class.&lt;/p&gt;</text></topic>"#;
    let topic_meta = r#"<topicMeta identifier="topic1_meta" xmlns="http://canvas.instructure.com/xsd/cccv1p0">
<topic_id>topic1</topic_id><title>Introduce yourself</title><type>topic</type>
<assignment identifier="a1"><title>Introduce yourself</title><points_possible>5.0</points_possible><grading_type>points</grading_type></assignment></topicMeta>"#;
    let essay = r#"<html><head><title>Assignment: Essay</title></head><body><p>Write <strong>500 words</strong>.</p></body></html>"#;
    let settings = r#"<assignment identifier="asg1" xmlns="http://canvas.instructure.com/xsd/cccv1p0"><title>Essay</title>
<points_possible>20.0</points_possible><grading_type>points</grading_type></assignment>"#;
    let quiz = |title: &str, stem: &str| {
        format!(
            r#"<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment ident="A" title="{title}"><section ident="root">
<item ident="q1" title="Q"><itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.multiple_choice.v0p1</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>
<presentation><material><mattext texttype="text/html">{stem}</mattext></material>
<response_lid ident="r" rcardinality="Single"><render_choice>
<response_label ident="a"><material><mattext texttype="text/plain">Yes</mattext></material></response_label>
<response_label ident="b"><material><mattext texttype="text/plain">No</mattext></material></response_label>
</render_choice></response_lid></presentation>
<resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
<respcondition continue="No"><conditionvar><varequal respident="r">a</varequal></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>
</item></section></assessment></questestinterop>"#
        )
    };
    let quiz1 = quiz("Check-in quiz", "&lt;p&gt;Ready?&lt;/p&gt;");
    // A bare <br> inside the XML (not escaped) makes the file not well-formed.
    let quiz2 = if broken_quiz {
        quiz("Second quiz", "&lt;p&gt;Line one<br>line two&lt;/p&gt;")
    } else {
        quiz("Second quiz", "&lt;p&gt;Still here?&lt;/p&gt;")
    };
    zip_with(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("wiki_content/welcome.html", PAGE_HTML.as_bytes()),
        ("topic1.xml", topic.as_bytes()),
        ("topic1_meta.xml", topic_meta.as_bytes()),
        ("asg1/essay.html", essay.as_bytes()),
        ("asg1/assignment_settings.xml", settings.as_bytes()),
        ("quiz1/assessment_qti.xml", quiz1.as_bytes()),
        ("quiz2/assessment_qti.xml", quiz2.as_bytes()),
        ("web_resources/media/diagram_1.png", b"\x89PNG\r\n\x1a\n-diagram"),
        ("web_resources/handouts/syllabus.pdf", b"%PDF-1.4 syllabus"),
        ("web_resources/handouts/unused_notes.pdf", b"%PDF-1.4 notes"),
        ("course_settings/canvas_export.txt", b"Canvas"),
    ])
}

#[test]
fn a_canvas_cartridge_survives_import_export_import_with_modules_grading_and_files() {
    let import = common_cartridge::parse_bytes(canvas_cartridge(false), "course.imscc").unwrap();
    let doc = &import.document;
    let modules: Vec<&str> =
        doc.nodes.iter().filter(|n| n.kind == "module").map(|n| n.title.as_str()).collect();
    assert_eq!(modules, ["Week 1", "Week 2"]);
    let discussion = doc.assessments.iter().find(|a| a.title == "Introduce yourself").unwrap();
    assert_eq!((discussion.format, discussion.points), (AssessmentFormat::Discussion, Some(5.0)));
    let mut names: Vec<&str> = doc.assets.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["handouts/syllabus.pdf", "handouts/unused_notes.pdf", "media/diagram_1.png"]);
    assert_round_trip("course.imscc", doc);

    // The graded discussion reaches Canvas as one: its topicMeta holds the assignment.
    let exported = export(doc, ExportFormat::Cc11);
    let meta = exported.paths().iter().find(|p| p.ends_with("topic_meta.xml")).unwrap();
    let meta = exported.text(meta).unwrap();
    assert!(
        meta.contains("<points_possible>5</points_possible>") && meta.contains("discussion_topic"),
        "{meta}"
    );
    // Files keep their folders.
    assert!(exported.get("web_resources/media/diagram_1.png").is_some(), "{:?}", exported.paths());
    // Three modules would be wrong: lessons are pages in their module, not modules of their own.
    let module_meta = exported.text("course_settings/module_meta.xml").unwrap();
    assert_eq!(module_meta.matches("<module ").count(), 2, "{module_meta}");
}

#[test]
fn asset_links_with_parentheses_and_spaces_still_point_at_the_file_after_export() {
    let manifest = r#"<manifest identifier="m"><metadata><schema>IMS Common Cartridge</schema></metadata>
<organizations><organization identifier="o"><item identifier="root"><item identifier="m1"><title>Unit</title>
<item identifier="i1" identifierref="p"><title>Figures</title></item></item></item></organization></organizations>
<resources><resource identifier="p" type="webcontent" href="wiki_content/figures.html"><file href="wiki_content/figures.html"/></resource>
<resource identifier="f" type="webcontent" href="web_resources/Uploaded Media/figure (2).png"><file href="web_resources/Uploaded Media/figure (2).png"/></resource>
</resources></manifest>"#;
    let page = r#"<html><head><title>Figures</title></head><body><p><img src="$IMS-CC-FILEBASE$/Uploaded%20Media/figure%20(2).png" alt="Figure 2"></p>
<p><a href="$IMS-CC-FILEBASE$/Uploaded%20Media/figure%20%282%29.png">full size</a></p></body></html>"#;
    let bytes = zip_with(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("wiki_content/figures.html", page.as_bytes()),
        ("web_resources/Uploaded Media/figure (2).png", b"\x89PNG\r\n\x1a\nfigure"),
    ]);
    let doc = common_cartridge::parse_bytes(bytes, "figures.imscc").unwrap().document;
    let options = ExportOptions::for_document(&doc).with_profile(LmsProfile::Canvas);
    let mut mem = MemWriter::new();
    let report = export_document(&doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {}).unwrap();
    assert!(!report.findings.iter().any(|f| f.code == "X10-dangling-link"), "{:?}", report.findings);
    let page = mem.paths().iter().find(|p| p.starts_with("wiki_content/figures")).unwrap();
    let html = mem.text(page).unwrap();
    assert_eq!(html.matches("\"../web_resources/Uploaded-Media/figure--2-.png\"").count(), 2, "{html}");
    assert!(mem.get("web_resources/Uploaded-Media/figure--2-.png").is_some(), "{:?}", mem.paths());
}

#[test]
fn one_malformed_quiz_is_skipped_with_a_finding_and_the_rest_of_the_course_imports() {
    let import = common_cartridge::parse_bytes(canvas_cartridge(true), "course.imscc").unwrap();
    let doc = &import.document;
    let titles: Vec<&str> = doc.assessments.iter().map(|a| a.title.as_str()).collect();
    assert!(titles.contains(&"Check-in quiz") && titles.contains(&"Essay"), "{titles:?}");
    assert!(!titles.contains(&"Second quiz"), "{titles:?}");
    assert!(doc.nodes.iter().any(|n| n.title == "Welcome"));
    let bad: Vec<&trellis::Finding> =
        import.findings.iter().filter(|f| f.code == "import-cc-bad-file").collect();
    assert_eq!(bad.len(), 1, "{:?}", import.findings);
    let message = &bad[0].message;
    assert!(
        message.contains("\"Second quiz\"")
            && message.contains("course.imscc: quiz2/assessment_qti.xml")
            && message.contains("line 3, column"),
        "{message}"
    );
}

#[test]
fn canvas_rubrics_xml_holds_criterion_texts_as_plain_text() {
    let mut doc = Document::new("Rubric course");
    doc.nodes.push(crate::support::node(None, "course", "Course"));
    let (low, high) = (RubricLevelId::new(), RubricLevelId::new());
    doc.rubrics.push(Rubric {
        id: RubricId::new(),
        title: "Essay rubric".into(),
        kind: RubricKind::Analytic,
        description: String::new(),
        levels: vec![
            RubricLevel { id: low, label: "Developing".into(), points: 1.0 },
            RubricLevel { id: high, label: "Proficient".into(), points: 3.0 },
        ],
        criteria: vec![Criterion {
            id: CriterionId::new(),
            title: "Argument".into(),
            description: "Makes a **claim** <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>".into(),
            weight: 1.0,
            objective: None,
            descriptors: vec![
                Descriptor { level: low, text: "Vague <img src=y onerror=alert(3)>".into() },
                Descriptor { level: high, text: "<script>steal()</script>Clear and *supported*".into() },
            ],
        }],
    });
    doc.validate().unwrap();
    let mem = export(&doc, ExportFormat::Cc13);
    let rubrics = mem.text("course_settings/rubrics.xml").unwrap();
    for bad in ["<script", "&lt;script", "onerror", "alert", "steal", "<img", "&lt;img"] {
        assert!(!rubrics.contains(bad), "`{bad}` in rubrics.xml:\n{rubrics}");
    }
    assert!(rubrics.contains("<long_description>Makes a claim</long_description>"), "{rubrics}");
    // After a script the line is an HTML block, so its asterisks are text, not emphasis.
    assert!(rubrics.contains("<long_description>Clear and *supported*</long_description>"), "{rubrics}");
    assert!(rubrics.contains("<long_description>Vague</long_description>"), "{rubrics}");
}

/// A Canvas cartridge with two LTI links (one with a secure launch URL, custom parameters and
/// a two-paragraph description; one launching a `javascript:` address).
fn lti_cartridge() -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>
<organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="LearningModules">
  <item identifier="m1"><title>Week 1</title>
    <item identifier="m1a" identifierref="tool1"><title>Smart Quiz</title></item>
    <item identifier="m1b" identifierref="tool2"><title>Sneaky tool</title></item>
  </item>
</item></organization></organizations>
<resources>
  <resource identifier="tool1" type="imsbasiclti_xmlv1p0"><file href="tool1.xml"/></resource>
  <resource identifier="tool2" type="imsbasiclti_xmlv1p0"><file href="tool2.xml"/></resource>
</resources></manifest>"#;
    let tool = |description: &str, launch: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0" xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0" xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0" xmlns:lticp="http://www.imsglobal.org/xsd/imslticp_v1p0">
  <blti:title>Smart Quiz</blti:title>
  <blti:description>{description}</blti:description>
  <blti:custom><lticm:property name="course">c1</lticm:property></blti:custom>
  {launch}
  <blti:vendor><lticp:code>CLMS</lticp:code><lticp:name>Custom LMS</lticp:name></blti:vendor>
</cartridge_basiclti_link>"#
        )
    };
    let tool1 = tool(
        "Practise *every* day\n  with the\ttool.\n\nScores go to the gradebook.",
        "<blti:launch_url>http://lti.example.org/start</blti:launch_url>\n  <blti:secure_launch_url>https://lti.example.org/start?x=1&amp;y=2</blti:secure_launch_url>",
    );
    let tool2 = tool("", "<blti:launch_url>javascript:alert(1)</blti:launch_url>");
    zip_with(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("tool1.xml", tool1.as_bytes()),
        ("tool2.xml", tool2.as_bytes()),
        ("course_settings/canvas_export.txt", b"Canvas"),
    ])
}

#[test]
fn an_lti_link_comes_back_as_an_lti_link_after_import_export_import() {
    let import = common_cartridge::parse_bytes(lti_cartridge(), "tools.imscc").unwrap();
    let doc = &import.document;
    let tool = doc.activities.iter().find(|a| a.title == "Smart Quiz").unwrap();
    assert_eq!(tool.kind, ActivityKind::Lti);
    let urls: Vec<Option<&str>> = tool.resources.iter().map(|r| r.url.as_deref()).collect();
    assert_eq!(urls, [Some("https://lti.example.org/start?x=1&y=2")], "the secure launch URL is kept");
    assert_eq!(tool.instructions, "Practise \\*every\\* day with the tool.\n\nScores go to the gradebook.");
    // A launch URL that is not http(s) is left out, with a finding naming it.
    let sneaky = doc.activities.iter().find(|a| a.title == "Sneaky tool").unwrap();
    assert_eq!(sneaky.kind, ActivityKind::Lti);
    assert!(sneaky.resources.is_empty(), "{:?}", sneaky.resources);
    let messages: Vec<&str> =
        import.findings.iter().filter(|f| f.code == "import-cc-lti").map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("javascript:alert(1)") && m.contains("left out")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("custom parameters, vendor were not kept")), "{messages:?}");

    // Only the link with a launch URL: the other is a page (with a finding) and comes back as
    // one, which the round trip would not compare as an LTI link.
    let mut doc = doc.clone();
    doc.activities.retain(|a| a.title != "Sneaky tool");
    assert_round_trip("tools.imscc", &doc);

    for (format, kind) in
        [(ExportFormat::Cc11, "imsbasiclti_xmlv1p0"), (ExportFormat::Cc13, "imsbasiclti_xmlv1p3")]
    {
        let exported = export(&doc, format);
        let manifest = exported.text("imsmanifest.xml").unwrap();
        assert_eq!(manifest.matches(&format!("type=\"{kind}\"")).count(), 1, "{manifest}");
        assert!(!manifest.contains("imswl_xmlv"), "no web link beside the LTI link: {manifest}");
        let link = exported.paths().iter().find(|p| p.ends_with("/basiclti.xml")).unwrap().to_owned();
        let xml = exported.text(&link).unwrap();
        for part in [
            "<blti:title>Smart Quiz</blti:title>",
            "<blti:launch_url>https://lti.example.org/start?x=1&amp;y=2</blti:launch_url>",
            "<blti:secure_launch_url>https://lti.example.org/start?x=1&amp;y=2</blti:secure_launch_url>",
            "<blti:description>Practise *every* day with the tool.\n\nScores go to the gradebook.</blti:description>",
        ] {
            assert!(xml.contains(part), "{part} missing in {xml}");
        }
        let module_meta = exported.text("course_settings/module_meta.xml").unwrap();
        assert!(module_meta.contains("<content_type>ContextExternalTool</content_type>"), "{module_meta}");
    }
}

#[test]
fn an_lti_activity_without_an_http_launch_url_is_exported_as_a_page_with_a_finding() {
    let import = common_cartridge::parse_bytes(lti_cartridge(), "tools.imscc").unwrap();
    let mut doc = import.document;
    for a in doc.activities.iter_mut() {
        a.resources = vec![Resource {
            title: "Write".into(),
            url: Some("mailto:tool@example.org".into()),
            asset: None,
        }];
    }
    let options = ExportOptions::for_document(&doc).with_profile(LmsProfile::Canvas);
    let mut mem = MemWriter::new();
    let report = export_document(&doc, ExportFormat::Cc13, &options, &mut mem, &mut |_| {}).unwrap();
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "X14-lti-without-launch-url").count(), 2, "{codes:?}");
    let manifest = mem.text("imsmanifest.xml").unwrap();
    assert!(!manifest.contains("imsbasiclti"), "{manifest}");
}

/// Real Canvas exports: import → export → import gives the same document and the second
/// export the same package. (`cc2olx/main` does not yet: see docs/import.md.)
#[test]
#[ignore = "needs ../shared"]
fn real_canvas_cartridges_survive_import_export_import() {
    let dir = crate::support::samples_dir("cc");
    for name in
        ["canvas_cc_gem_course.imscc", "assignment-rubrics", "single-page", "multiple-pages", "course-1"]
    {
        let doc = common_cartridge::parse_path(&dir.join(name)).unwrap().document;
        assert_round_trip(name, &doc);
    }
}

/// Replaces `<sep>` + 8 lowercase hex digits + `<end>` with `<sep>hex8<end>`.
fn mask_hex8(text: &str, sep: char, end: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(sep) {
        out.push_str(&rest[..at + sep.len_utf8()]);
        rest = &rest[at + sep.len_utf8()..];
        let hex = rest.len() >= 8
            && rest.as_bytes()[..8].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
        if hex && rest[8..].starts_with(end) {
            out.push_str("hex8");
            rest = &rest[8..];
        }
    }
    out.push_str(rest);
    out
}
