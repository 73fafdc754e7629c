//! What the export formats share: one escaper for every HTML and XML text (package manifests,
//! cartridge and lesson pages, the review packet), one renderer of node content, activities,
//! assessment headers, objective lists, rubrics and GRASPS tasks for cartridge pages and
//! SCORM/cmi5 lesson pages, one stylesheet for both, and options declared by each format's
//! exporter.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
use trellis::model::{Document, Grouping};

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

/// The page of `mem` whose `<title>` is `title` (escaped), and its path.
fn page_titled<'m>(mem: &'m MemWriter, title: &str) -> (&'m str, &'m str) {
    let want = format!("<title>{}</title>", trellis::export::xml::escape(title));
    mem.paths()
        .iter()
        .filter(|p| p.ends_with(".html"))
        .find_map(|p| mem.text(p).filter(|t| t.contains(&want)).map(|t| (p.as_str(), t)))
        .unwrap_or_else(|| panic!("no page titled {title}"))
}

/// The text between the first `open` after the first `from` and the next `close`.
fn between<'t>(text: &'t str, from: &str, open: &str, close: &str) -> &'t str {
    let at = text.find(from).unwrap_or_else(|| panic!("{from} not in {text}")) + from.len();
    let start = at + text[at..].find(open).unwrap_or_else(|| panic!("{open} after {from}")) + open.len();
    let end = start + text[start..].find(close).unwrap_or_else(|| panic!("{close} after {open}"));
    &text[start..end]
}

/// HTML with every heading at level 2 and without the lesson page's own additions to links
/// and sections (new-window targets, `data-section` hooks), to compare what both pages draw.
fn drawn(html: &str) -> String {
    let mut out = html.replace(" target=\"_blank\"", "");
    for level in 3..=6 {
        out = out.replace(&format!("<h{level}>"), "<h2>").replace(&format!("</h{level}>"), "</h2>");
    }
    while let Some(at) = out.find(" data-section=\"") {
        let end = at + " data-section=\"".len() + out[at + " data-section=\"".len()..].find('"').unwrap() + 1;
        out.replace_range(at..end, "");
    }
    out
}

#[test]
fn lesson_pages_draw_activities_as_cartridge_pages_do() {
    let doc = statistics();
    let activity = doc
        .activities
        .iter()
        .find(|a| {
            !a.resources.is_empty()
                && !a.objectives.is_empty()
                && a.duration_minutes.is_some()
                && a.grouping != Grouping::Individual
        })
        .unwrap();
    let cartridge = export(&doc, ExportFormat::Cc13);
    let (_, page) = page_titled(&cartridge, &activity.title);
    let on_cartridge = between(page, "<main>", "</h1>\n", "</main>");
    assert!(on_cartridge.contains("Resources</h2>"), "{on_cartridge}");
    assert!(on_cartridge.contains("This activity works towards"), "{on_cartridge}");
    let heading = format!("<h3>{}</h3>\n", trellis::export::xml::escape(&activity.title));
    for format in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        let lesson = export(&doc, format);
        let page = lesson
            .paths()
            .iter()
            .filter(|p| p.starts_with("lessons/"))
            .find_map(|p| lesson.text(p).filter(|t| t.contains(&heading)))
            .unwrap_or_else(|| panic!("{format}: no lesson page shows {heading}"));
        let article = between(page, &heading, "", "</article>");
        assert_eq!(drawn(article), on_cartridge, "{format}: the activity is drawn alike");
        let kind =
            between(page, "<article class=\"trellis-activity\">", "<p class=\"trellis-kind\">", "</p>");
        assert!(!kind.is_empty(), "{format}: the lesson page names the activity's kind");
    }
}

#[test]
fn lesson_pages_draw_objectives_and_assessment_headers_as_cartridge_pages_do() {
    let doc = statistics();
    let cartridge = export(&doc, ExportFormat::Cc11);
    let lesson = export(&doc, ExportFormat::Scorm2004);
    let lessons: Vec<&str> =
        lesson.paths().iter().filter(|p| p.starts_with("lessons/")).filter_map(|p| lesson.text(p)).collect();

    // A node's objectives: the same list under the same heading; the lesson page's list is the
    // section `<ident>-objectives` that the runtime reports as the learner's location.
    let node = doc
        .nodes
        .iter()
        .find(|n| {
            doc.objectives.iter().any(|o| o.node == n.id) && doc.nodes.iter().any(|c| c.parent == Some(n.id))
        })
        .unwrap();
    let (_, page) = page_titled(&cartridge, &node.title);
    let list = between(page, "<section class=\"trellis-objectives\">", "", "</section>");
    assert!(list.starts_with("\n<h2>Learning objectives</h2>"), "{list}");
    let hook =
        format!("<section class=\"trellis-objectives\" data-section=\"{}-objectives\">", ident(node.id.0));
    let shown =
        lessons.iter().find(|t| t.contains(&hook)).unwrap_or_else(|| panic!("no lesson page has {hook}"));
    assert_eq!(drawn(between(shown, &hook, "", "</section>")), list);

    // An assessment without quiz items: points and time, instructions, GRASPS, objectives and
    // rubric as on its cartridge page; the lesson page adds only its kind line and heading.
    let task = doc.assessments.iter().find(|a| a.grasps.is_some() && a.rubric.is_some()).unwrap();
    let (_, page) = page_titled(&cartridge, &task.title);
    let on_cartridge = between(page, "<main>", "</h1>\n", "</main>");
    assert!(on_cartridge.starts_with("<p class=\"trellis-meta\">Points: "), "{on_cartridge}");
    let hook = format!("<section class=\"trellis-assessment\" data-section=\"{}\">", ident(task.id.0));
    let shown =
        lessons.iter().find(|t| t.contains(&hook)).unwrap_or_else(|| panic!("no lesson page has {hook}"));
    let section = between(shown, &hook, "", "<footer id=\"trellis-end\"");
    assert!(section.starts_with("\n<p class=\"trellis-kind\">Summative · "), "{section}");
    let after_heading = &section[section.find("</h").unwrap()..];
    let after_heading = drawn(&after_heading[after_heading.find('\n').unwrap() + 1..]);
    assert!(
        after_heading.starts_with(&format!("{on_cartridge}</section>\n")),
        "the lesson page draws\n{after_heading}\nthe cartridge page draws\n{on_cartridge}"
    );
}

#[test]
fn lesson_pages_keep_every_hook_the_runtime_reads() {
    let doc = statistics();
    for format in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        let mem = export(&doc, format);
        let lesson_js = mem.text("runtime/lesson.js").unwrap();
        for id in ["trellis-data", "trellis-end", "trellis-finish", "trellis-done", "trellis-notice"] {
            assert!(lesson_js.contains(&format!("\"{id}\"")), "lesson.js reads #{id}");
        }
        for page in mem.paths().iter().filter(|p| p.starts_with("lessons/")) {
            let html = mem.text(page).unwrap();
            for id in ["trellis-data", "trellis-end", "trellis-finish", "trellis-done", "trellis-notice"] {
                assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1, "{format} {page}: #{id}");
            }
            let sections: Vec<&str> =
                html.match_indices("data-section=\"").map(|(at, m)| &html[at + m.len()..]).collect();
            let mut ids: Vec<&str> = sections.iter().map(|s| &s[..s.find('"').unwrap()]).collect();
            let count = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), count, "{format} {page}: every data-section is unique");
            for quiz in html.match_indices("<form class=\"trellis-quiz\" data-quiz=\"") {
                let rest = &html[quiz.0 + quiz.1.len()..];
                let id = &rest[..rest.find('"').unwrap()];
                assert!(
                    html.contains(&format!("class=\"trellis-assessment\" data-section=\"{id}\"")),
                    "{format} {page}: quiz {id} sits in its assessment's section"
                );
            }
        }
        for a in &doc.activities {
            let heading = format!(">{}</h", trellis::export::xml::escape(&a.title));
            assert!(
                mem.paths().iter().filter_map(|p| mem.text(p)).any(|t| t.contains(&heading)),
                "{format}: {} is shown",
                a.title
            );
        }
    }
}

#[test]
fn cartridges_and_lessons_ship_one_stylesheet() {
    let doc = statistics();
    let cartridge = export(&doc, ExportFormat::Cc13);
    let base = cartridge.text("web_resources/trellis.css").unwrap();
    assert!(base.contains("caption {"), "rubric captions are styled");
    assert!(!base.contains(".trellis-quiz"), "cartridges carry no quiz rules");
    for format in [ExportFormat::Scorm12, ExportFormat::Scorm2004, ExportFormat::Cmi5] {
        let lesson = export(&doc, format);
        let css = lesson.text("runtime/trellis.css").unwrap();
        assert!(css.starts_with(base), "{format}: lesson pages use the cartridge rules, then their own");
        for rule in [".trellis-quiz", ".trellis-feedback", ".trellis-notice", ".trellis-end"] {
            assert!(css[base.len()..].contains(rule), "{format}: {rule} is styled");
        }
        let page = lesson.paths().iter().find(|p| p.starts_with("lessons/")).unwrap();
        assert!(
            lesson.text(page).unwrap().contains("<link rel=\"stylesheet\" href=\"../runtime/trellis.css\">")
        );
    }
}

/// The package identifier of a model id (`i` and the hex digits).
fn ident(uuid: uuid::Uuid) -> String {
    format!("i{}", uuid.simple())
}
