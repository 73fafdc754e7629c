//! What the export formats share: one escaper for every HTML and XML text (package manifests,
//! cartridge and lesson pages, the review packet), one renderer of rubrics and GRASPS tasks for
//! cartridge pages and SCORM/cmi5 lesson pages, and options declared by each format's exporter.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
use trellis::model::Document;

fn statistics() -> Document {
    trellis::json::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intro-statistics.json"))
        .unwrap()
}

fn export(doc: &Document, format: ExportFormat) -> MemWriter {
    let mut mem = MemWriter::new();
    export_document(doc, format, &ExportOptions::for_document(doc), &mut mem, &mut |_| {}).unwrap();
    mem
}

/// The rubric table (`<table>…</table>` after "Rubric: TITLE") of the first page that has one.
fn rubric_table(mem: &MemWriter, title: &str, dir: &str) -> String {
    let heading = format!("Rubric: {title}</h");
    for path in mem.paths().iter().filter(|p| p.starts_with(dir) && p.ends_with(".html")) {
        let text = mem.text(path).unwrap();
        if let Some(at) = text.find(&heading) {
            let start = at + text[at..].find("<table").unwrap();
            let end = start + text[start..].find("</table>").unwrap() + "</table>".len();
            return text[start..end].to_owned();
        }
    }
    panic!("no page under {dir} shows the rubric {title}");
}

#[test]
fn scorm_and_cmi5_manifests_drop_characters_xml_cannot_carry() {
    let mut doc = statistics();
    doc.curriculum.title = "Statistics \u{1}one\u{FFFE} & 'two'".into();
    doc.nodes[0].title = "Unit \u{7}\u{85}".into();
    for format in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        let mem = export(&doc, format);
        let name = if format == ExportFormat::Cmi5 { "cmi5.xml" } else { "imsmanifest.xml" };
        let manifest = mem.text(name).unwrap();
        assert!(manifest.contains("Statistics one &amp; &apos;two&apos;"), "{format}: {manifest}");
        for c in ['\u{1}', '\u{7}', '\u{85}', '\u{FFFE}'] {
            assert!(!manifest.contains(c), "{format}: {c:?} in the manifest");
        }
        let mut reader = quick_xml::Reader::from_str(manifest);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{format}: the manifest is not well-formed XML: {e}"),
            }
        }
        for page in mem.paths().iter().filter(|p| p.starts_with("lessons/")) {
            assert!(!mem.text(page).unwrap().contains('\u{1}'), "{format}: a control character in {page}");
        }
    }
}

#[test]
fn lesson_pages_and_cartridge_pages_render_rubrics_and_grasps_alike() {
    let doc = statistics();
    let task = doc.assessments.iter().find(|a| a.grasps.is_some() && a.rubric.is_some()).unwrap();
    let rubric = doc.rubrics.iter().find(|r| Some(r.id) == task.rubric).unwrap();
    let rubric = trellis::export::xml::escape(&rubric.title);
    // Common Cartridge 1.1 has no assignments: the task is a page of its own.
    let cartridge = export(&doc, ExportFormat::Cc11);
    let cartridge_table = rubric_table(&cartridge, &rubric, "");
    assert!(cartridge_table.contains("<caption>"), "{cartridge_table}");
    for format in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        let lesson = export(&doc, format);
        assert_eq!(rubric_table(&lesson, &rubric, "lessons/"), cartridge_table, "{format}");
    }
    let goal = trellis::markdown::render_inline(&task.grasps.as_ref().unwrap().goal);
    let item = format!("<dt>Goal</dt>\n<dd>{goal}</dd>\n");
    let lesson = export(&doc, ExportFormat::Scorm2004);
    let shows = |mem: &MemWriter, dir: &str| {
        mem.paths()
            .iter()
            .filter(|p| p.starts_with(dir))
            .any(|p| mem.text(p).is_some_and(|t| t.contains(&item)))
    };
    assert!(shows(&cartridge, ""), "no cartridge page lists the task's goal as {item}");
    assert!(shows(&lesson, "lessons/"), "no lesson page lists the task's goal as {item}");
}

#[test]
fn the_packet_escapes_like_the_packages() {
    let mut doc = statistics();
    doc.curriculum.title = "Tom's \u{1}<course>".into();
    let packet = trellis::analysis::report::render(
        &doc,
        trellis::pedagogy::templates::Catalog::builtin(),
        &trellis::analysis::report::ReportOptions::default(),
    );
    assert!(
        packet.contains("Tom&apos;s &lt;course&gt;</h1>"),
        "the packet's title is escaped like package text"
    );
    assert!(!packet.contains('\u{1}') && !packet.contains('\u{FFFD}'), "control characters are dropped");
}

#[test]
fn every_format_declares_its_options_through_its_exporter() {
    for format in ExportFormat::ALL {
        assert_eq!(format.option_specs(), format.exporter().option_specs(), "{format}");
    }
    assert!(ExportFormat::Json.option_specs().is_empty());
    let names = |f: ExportFormat| f.option_specs().iter().map(|s| s.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(ExportFormat::Cc13), ["publish", "baseUri"]);
    assert_eq!(names(ExportFormat::Cc11), ["publish"]);
    assert_eq!(names(ExportFormat::Case), ["baseUri", "creator", "standardsAssociation"]);
    for f in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        assert_eq!(names(f), ["scoLevel", "masteryScore"]);
    }
}
