//! Hostile and oversized inputs at every way into a document: deeply nested HTML, outlines and
//! framework hierarchies, zip bombs made of many small entries, duplicate zip entries, and CASE
//! packages with duplicates, self-associations, cycles and 1.0 fields. Every input is built here,
//! so these tests need nothing outside the repository. Where an input once made the importer run
//! for minutes, the test runs it under a hang guard ([`without_hanging`]) and asserts what was
//! refused and what was not read or written; it never asserts a time.

#![allow(clippy::unwrap_used)]

use std::io::Write;

use serde_json::{Value, json};
use trellis::Severity;
use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document};
use trellis::import::html_to_markdown;
use trellis::import::safety::Package;
use trellis::import::{Limits, case, common_cartridge};
use trellis::model::Document;

use super::support::trellis_cli;
use super::support::{root, without_hanging, zip_with};

const MANIFEST: &str = r#"<manifest identifier="m"><organizations><organization><item identifier="root">
<item identifier="m1"><title>Week 1</title><item identifier="i" identifierref="p"><title>Deep page</title></item></item></item></organization></organizations>
<resources><resource identifier="p" type="webcontent" href="page.html"><file href="page.html"/></resource></resources></manifest>"#;

fn cartridge(page: &str) -> Vec<u8> {
    zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("page.html", page.as_bytes())])
}

fn nested(tag: &str, depth: usize) -> String {
    format!(
        "<html><body>\n{}deep text{}</body></html>",
        format!("<{tag}>").repeat(depth),
        format!("</{tag}>").repeat(depth)
    )
}

#[test]
fn a_cartridge_page_nested_4000_deep_is_refused_naming_the_file_and_page() {
    for tag in ["span", "b", "div", "blockquote"] {
        let text = without_hanging("importing a page nested 4,000 deep", move || {
            common_cartridge::parse_bytes(cartridge(&nested(tag, 4000)), "deep.imscc")
                .unwrap_err()
                .to_string()
        });
        assert!(
            text.contains("deep.imscc") && text.contains("Deep page") && text.contains("line 2"),
            "<{tag}>: {text}"
        );
        assert!(text.contains("nested more than 256") && text.contains("at most 256"), "<{tag}>: {text}");
    }
    // An ordinary page in the same cartridge imports.
    let import = common_cartridge::parse_bytes(cartridge(&nested("span", 20)), "fine.imscc").unwrap();
    let lesson = import.document.nodes.iter().find(|n| n.kind == "lesson").unwrap();
    assert_eq!(lesson.summary, "deep text");
    import.document.validate().unwrap();
}

#[test]
fn html_at_the_depth_limit_converts_and_deeper_html_keeps_only_its_text() {
    // The converter recurses over the page's tree: at the limit it must fit on the 2 MiB
    // stack of a worker thread, for block and inline nesting alike.
    let list = format!("{}deep text{}", "<ul><li>".repeat(125), "</li></ul>".repeat(125));
    for (tag, html) in
        ["span", "b", "blockquote", "div"].map(|t| (t, nested(t, 250))).into_iter().chain([("ul", list)])
    {
        let converted = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || html_to_markdown::convert(&html))
            .unwrap()
            .join()
            .unwrap();
        assert!(converted.markdown.contains("deep text"), "<{tag}>: {}", converted.markdown);
    }
    let converted = html_to_markdown::convert(&nested("span", 100_000));
    assert_eq!(converted.markdown, "deep text");
    assert!(converted.notes.iter().any(|n| n.contains("only its text was kept")), "{:?}", converted.notes);
}

fn chain(depth: usize) -> Document {
    let mut doc = Document::new("Deep");
    let mut parent = None;
    for n in 1..=depth {
        let node = super::support::node(parent, "module", &format!("Level {n}"));
        parent = Some(node.id);
        doc.nodes.push(node);
    }
    doc
}

#[test]
fn an_outline_7000_levels_deep_is_refused_at_every_door_and_nothing_is_written() {
    let deep = chain(7000);
    let text = trellis::json::to_string(&deep);
    let err = without_hanging("reading an outline 7,000 levels deep", {
        let text = text.clone();
        move || trellis::json::from_str(&text, "deep.json").unwrap_err().to_string()
    });
    assert!(
        err.contains("deep.json") && err.contains("nested 7,000 levels deep") && err.contains("at most 64"),
        "{err}"
    );
    // The store refuses it too.
    let dir = tempfile::tempdir().unwrap();
    assert!(trellis::store::Store::create(&dir.path().join("s.trellis"), &deep).is_err());
    // The CLI refuses it before creating the document, then a normal import works.
    let source = dir.path().join("deep.json");
    std::fs::write(&source, &text).unwrap();
    let target = dir.path().join("d.trellis");
    let out = trellis_cli(&["import", target.to_str().unwrap(), "--from", "json", source.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("7,000 levels") && stderr.contains("at most 64"), "{stderr}");
    assert!(!target.exists(), "nothing is written");
    std::fs::write(&source, trellis::json::to_string(&chain(64))).unwrap();
    let out = trellis_cli(&["import", target.to_str().unwrap(), "--from", "json", source.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = trellis_cli(&["show", target.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Level 64"));
}

/// A CASE package whose items form one `isChildOf` chain `depth` items deep.
fn case_chain(depth: usize) -> String {
    let items: Vec<Value> = (0..depth)
        .map(|i| json!({"identifier": format!("i{i}"), "fullStatement": format!("s{i}")}))
        .collect();
    let associations: Vec<Value> = (1..depth)
        .map(|i| {
            json!({"identifier": format!("a{i}"), "associationType": "isChildOf",
                   "originNodeURI": {"identifier": format!("i{i}"), "uri": format!("u:i{i}"), "title": "c"},
                   "destinationNodeURI": {"identifier": format!("i{}", i - 1), "uri": "u:p", "title": "p"}})
        })
        .collect();
    json!({"CFDocument": {"identifier": format!("deep-{depth}"), "title": format!("Deep {depth}")},
           "CFItems": items, "CFAssociations": associations})
    .to_string()
}

#[test]
fn a_framework_100000_levels_deep_is_refused_and_later_imports_still_work() {
    let text: Vec<String> = without_hanging("importing a framework 100,000 levels deep", || {
        let import = case::parse(case_chain(100_000).as_bytes(), "deep-case.json").unwrap();
        let mut doc = Document::new("Host");
        trellis::import::merge_framework(&mut doc, import);
        doc.validate().unwrap_err().iter().map(ToString::to_string).collect()
    });
    assert!(
        text.iter().any(|p| p.contains("nested 100,000 levels deep") && p.contains("at most 64")),
        "{text:?}"
    );

    // Through the CLI: refused, the document unchanged, and the next import works.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("f.trellis");
    let small = dir.path().join("small.json");
    std::fs::write(&small, case_chain(3)).unwrap();
    let import = |source: &std::path::Path| {
        trellis_cli(&["import", target.to_str().unwrap(), "--from", "case", source.to_str().unwrap()])
    };
    assert!(import(&small).status.success());
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, case_chain(5000)).unwrap();
    let out = import(&deep);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("deep.json") && stderr.contains("5,000 levels"), "{stderr}");
    let other = dir.path().join("other.json");
    std::fs::write(&other, case_chain(64).replace("deep-64", "other-64")).unwrap();
    let out = import(&other);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = trellis::store::Store::open(&target).unwrap().load().unwrap();
    assert_eq!(doc.frameworks.len(), 2);
    assert_eq!(doc.standard_items.len(), 3 + 64);
}

#[test]
fn a_zip_bomb_of_many_small_entries_is_refused_before_it_is_read() {
    // One entry of 1 MiB of zeros, deflated once and copied 1,000 times under new names. Its
    // deflated data is then overwritten with bytes no inflater accepts (a reserved block type),
    // while its sizes and checksum still declare 1 MiB of zeros: an importer that inflated any
    // entry before refusing would fail on corrupt data instead of naming a zip bomb.
    let mut one = zip_with(&[("zeros.bin", &vec![0u8; 1 << 20])]);
    let (data_start, compressed) = first_entry_data(&one);
    one[data_start..data_start + compressed].fill(0xff);
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        zip.start_file("imsmanifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(MANIFEST.as_bytes()).unwrap();
        for i in 0..1000 {
            zip.raw_copy_file_rename(source.by_index_raw(0).unwrap(), format!("web_resources/z{i}.bin"))
                .unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = buffer.into_inner();
    assert!(bytes.len() < 2 << 20, "the archive is small: {} bytes", bytes.len());
    let err =
        Package::from_zip_bytes(bytes.clone(), "many.imscc", Limits::default()).unwrap_err().to_string();
    assert!(err.contains("many.imscc") && err.contains("zip bomb") && err.contains("expands"), "{err}");
    let err = common_cartridge::parse_bytes(bytes.clone(), "many.imscc").unwrap_err().to_string();
    assert!(err.contains("zip bomb"), "{err}");

    // The corrupt data is really there: a reader that inflates the entry fails on it.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entry = archive.by_name("web_resources/z0.bin").unwrap();
    assert!(std::io::copy(&mut entry, &mut std::io::sink()).is_err(), "the entry's data is corrupt");
}

/// Where the data of the first entry of a zip archive starts, and how many compressed bytes it
/// has, read from its local header (signature, 22 bytes to the sizes, then the name and extra
/// field lengths).
fn first_entry_data(zip: &[u8]) -> (usize, usize) {
    assert_eq!(&zip[..4], b"PK\x03\x04", "a local file header first");
    let u16_at = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
    let compressed = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
    (30 + u16_at(26) + u16_at(28), compressed)
}

#[test]
fn an_archive_naming_one_entry_twice_is_refused() {
    let bytes =
        zip_with(&[("imsmanifest.xml", MANIFEST.as_bytes()), ("page.html", b"a"), ("pagX.html", b"b")]);
    // Rename the second entry in its local header and in the central directory.
    let mut patched = bytes.clone();
    let needle = b"pagX.html";
    let mut i = 0;
    while let Some(at) = patched[i..].windows(needle.len()).position(|w| w == needle) {
        patched[i + at + 3] = b'e';
        i += at + needle.len();
    }
    let err = Package::from_zip_bytes(patched, "twice.imscc", Limits::default()).unwrap_err().to_string();
    assert!(err.contains("twice.imscc") && err.contains("appears twice"), "{err}");
    // Names that differ only in spelling (`./`, `//`) are the same entry.
    let bytes = zip_with(&[("a/b.html", b"a"), ("a//b.html", b"b")]);
    assert!(Package::from_zip_bytes(bytes, "slashes.zip", Limits::default()).is_err());
}

fn association(id: &str, kind: &str, origin: &str, destination: &str) -> Value {
    json!({"identifier": id, "associationType": kind,
           "originNodeURI": {"identifier": origin, "uri": format!("u:{origin}"), "title": origin},
           "destinationNodeURI": {"identifier": destination, "uri": format!("u:{destination}"), "title": destination}})
}

fn package(associations: Vec<Value>) -> Value {
    json!({"CFDocument": {"identifier": "D", "title": "Consortium"},
           "CFItems": [{"identifier": "A", "fullStatement": "a"}, {"identifier": "B", "fullStatement": "b"},
                       {"identifier": "C", "fullStatement": "c"}, {"identifier": "A", "fullStatement": "a"}],
           "CFAssociations": associations})
}

#[test]
fn case_duplicates_merge_conflicts_keep_the_first_and_self_links_and_cycles_are_findings() {
    let twice = association("1", "isChildOf", "B", "A");
    let json = package(vec![
        twice.clone(),
        twice,
        association("2", "isChildOf", "C", "A"),
        association("2", "isChildOf", "C", "B"),
        association("3", "isRelatedTo", "C", "C"),
    ]);
    let import = case::parse(json.to_string().as_bytes(), "consortium.json").unwrap();
    let codes: Vec<(&str, Severity)> =
        import.findings.iter().map(|f| (f.code.as_str(), f.severity)).collect();
    assert_eq!(
        import.findings.iter().filter(|f| f.code == "import-case-duplicate").count(),
        2,
        "the repeated item and association merge: {codes:?}"
    );
    assert!(
        import.findings.iter().all(|f| f.code != "import-case-duplicate" || f.severity == Severity::Info)
    );
    let conflict = import.findings.iter().find(|f| f.code == "import-case-conflicting-duplicate").unwrap();
    assert_eq!(conflict.severity, Severity::Warning);
    assert!(conflict.message.contains("CFAssociations[3]") && conflict.message.contains("first was kept"));
    assert!(import.findings.iter().any(|f| f.code == "import-case-self-association"), "{codes:?}");
    assert_eq!(import.items.len(), 3);
    assert_eq!(import.associations.len(), 3);
    let c = import.items.iter().find(|i| i.identifier == "C").unwrap();
    let a = import.items.iter().find(|i| i.identifier == "A").unwrap();
    assert_eq!(c.parent, Some(a.id), "the first of the conflicting associations is kept");
    let mut doc = Document::new("Host");
    trellis::import::merge_framework(&mut doc, import);
    doc.validate().unwrap();

    // A cycle (and a self-parent) is a finding; the import goes on.
    let json = package(vec![
        association("1", "isChildOf", "A", "B"),
        association("2", "isChildOf", "B", "A"),
        association("3", "isChildOf", "C", "C"),
    ]);
    let source = json.to_string();
    let import = without_hanging("importing a framework with a cycle", move || {
        case::parse(source.as_bytes(), "cycle.json")
    })
    .unwrap();
    let cycle = import.findings.iter().find(|f| f.code == "import-case-cycle").unwrap();
    assert!(cycle.message.contains("2 item(s)"), "{}", cycle.message);
    let mut doc = Document::new("Host");
    trellis::import::merge_framework(&mut doc, import);
    doc.validate().unwrap();

    // The CLI imports conflicting duplicates with a warning, and refuses them with --strict.
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("conflict.json");
    let json =
        package(vec![association("1", "isChildOf", "B", "A"), association("1", "isChildOf", "C", "A")]);
    std::fs::write(&source, json.to_string()).unwrap();
    let target = dir.path().join("t.trellis");
    let run = |extra: &[&str]| {
        let mut args = vec!["import", target.to_str().unwrap(), "--from", "case", source.to_str().unwrap()];
        args.extend_from_slice(extra);
        trellis_cli(&args)
    };
    let out = run(&["--strict"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--strict"));
    assert!(!target.exists(), "nothing is written with --strict");
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("import-case-conflicting-duplicate"));
}

#[test]
fn a_case_1_0_framework_is_exported_as_valid_case_1_1() {
    let doc_id = "9a1c5c1e-0000-4000-8000-000000000001";
    let parent = "9a1c5c1e-0000-4000-8000-000000000002";
    let child = "9a1c5c1e-0000-4000-8000-000000000003";
    let link =
        |id: &str| json!({"identifier": id, "uri": format!("https://case.example/uri/{id}"), "title": "t"});
    let when = "2017-06-01T12:00:00+00:00";
    // CASE 1.0: CFPackageURI and CFDocumentURI, `educationalLevel`, a sequenceNumber as text, a
    // LinkURI given as a plain URI, an item type with a null description.
    let source = json!({
        "CFDocument": {"identifier": doc_id, "uri": format!("https://case.example/uri/{doc_id}"),
                       "creator": "Consortium", "title": "Math", "lastChangeDateTime": when,
                       "CFPackageURI": link(doc_id)},
        "CFItems": [
            {"identifier": parent, "uri": format!("https://case.example/uri/{parent}"), "fullStatement": "Numbers",
             "lastChangeDateTime": when, "CFDocumentURI": link(doc_id), "educationalLevel": ["03"]},
            {"identifier": child, "uri": format!("https://case.example/uri/{child}"), "fullStatement": "Count",
             "lastChangeDateTime": when, "CFDocumentURI": link(doc_id), "CFItemAssociationURI": link(parent)}
        ],
        "CFAssociations": [
            {"identifier": "9a1c5c1e-0000-4000-8000-000000000004", "associationType": "isChildOf",
             "uri": "https://case.example/uri/a4", "lastChangeDateTime": when, "sequenceNumber": "1",
             "CFDocumentURI": link(doc_id), "originNodeURI": link(child), "destinationNodeURI": link(parent)},
            {"identifier": "9a1c5c1e-0000-4000-8000-000000000005", "associationType": "exactMatchOf",
             "uri": "https://case.example/uri/a5", "lastChangeDateTime": when,
             "originNodeURI": link(child),
             "destinationNodeURI": "https://elsewhere.example/uri/9a1c5c1e-0000-4000-8000-000000000009"}
        ],
        "CFDefinitions": {"CFItemTypes": [{"identifier": "9a1c5c1e-0000-4000-8000-000000000006",
            "uri": "https://case.example/uri/t", "title": "Standard", "description": null,
            "hierarchyCode": "1", "lastChangeDateTime": when}]}
    });
    let import = case::parse(source.to_string().as_bytes(), "math-1.0.json").unwrap();
    let mut doc = Document::new("Host");
    trellis::import::merge_framework(&mut doc, import);
    let mut options = ExportOptions::for_document(&doc).with_profile(LmsProfile::Generic);
    options.framework = Some(doc_id.to_owned());
    let mut mem = MemWriter::new();
    export_document(&doc, ExportFormat::Case, &options, &mut mem, &mut |_| {}).unwrap();
    let exported: Value = serde_json::from_str(mem.text("case.json").unwrap()).unwrap();

    let path = root().join("tests/schemas/case/v1p1/case_v1p1_cfpackage-jsonschema1.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&exported).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    assert_eq!(exported["CFDocument"]["caseVersion"], "1.1");
    assert_eq!(exported["CFDocument"]["extensions"]["CFPackageURI"], link(doc_id), "nothing is lost");
    let item =
        |id: &str| exported["CFItems"].as_array().unwrap().iter().find(|i| i["identifier"] == id).unwrap();
    assert_eq!(item(parent)["educationLevel"], json!(["03"]));
    assert_eq!(item(child)["extensions"]["CFItemAssociationURI"], link(parent));
    let first = &exported["CFAssociations"][0];
    assert_eq!(first["sequenceNumber"], 1);
    assert_eq!(first["extensions"]["CFDocumentURI"], link(doc_id));
    assert_eq!(
        exported["CFAssociations"][1]["destinationNodeURI"]["identifier"],
        "9a1c5c1e-0000-4000-8000-000000000009"
    );
}
