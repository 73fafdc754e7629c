//! Interactive activity content (`trellis::interactive`, docs/export.md "Interactive content"):
//! hostile packages built here are refused with the entry named (zip slip, absolute path,
//! backslash, 100,000 entries, a zip bomb, no h5p.json, a missing library); a generated H5P package
//! and an HTML5 simulation round-trip through the store, canonical JSON, the folder format and a
//! three-way merge; SCORM and cmi5 packages carry each package and the player once and frame the
//! content on the lesson page with the runtime's data; every frame of interactive content is
//! sandboxed to scripts and forms, the H5P player page carries the JSON files the player reads,
//! and the player's and the libraries' fonts are written into their stylesheets (in packages and
//! the desktop preview alike); the real sample of `../shared` attaches, exports and passes
//! `validate-package`. How the contained content plays is tested in `tests/runtime/h5p.test.js`
//! and `tests/runtime/interactive.test.js`.

#![allow(clippy::unwrap_used)]

use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
use trellis::interactive::{self, Imported};
use trellis::model::{ActivityId, Document, InteractiveKind};
use trellis::store::Store;

use crate::support::{root, samples_dir, zip_with};

const ACTIVITY: &str = "0190f100-0000-7000-8000-000000000006";
const AGAIN: &str = "0190f100-0000-7000-8000-000000000007";
const OBJECTIVE: &str = "0190f100-0000-7000-8000-000000000005";

fn fixture() -> Document {
    trellis::json::read(&root().join("tests/fixtures/interactive/h5p-lesson.json")).unwrap()
}

fn activity_id(text: &str) -> ActivityId {
    text.parse().unwrap()
}

/// A small but complete H5P package: h5p.json, content/content.json and its one library.
fn h5p_package(title: &str) -> Vec<u8> {
    let h5p = format!(
        r#"{{"title":"{title}","language":"en","mainLibrary":"H5P.Demo","embedTypes":["div"],"preloadedDependencies":[{{"machineName":"H5P.Demo","majorVersion":"1","minorVersion":"2"}}]}}"#
    );
    zip_with(&[
        ("h5p.json", h5p.as_bytes()),
        ("content/content.json", br#"{"question":"Is it?"}"#),
        ("H5P.Demo-1.2/library.json", br#"{"machineName":"H5P.Demo","majorVersion":1,"minorVersion":2}"#),
        ("H5P.Demo-1.2/demo.js", b"var H5P = H5P || {};"),
    ])
}

fn read(bytes: Vec<u8>) -> trellis::Result<Imported> {
    interactive::read_zip(bytes, "test.h5p", "test.h5p")
}

fn refused(bytes: Vec<u8>) -> String {
    read(bytes).map(|_| ()).unwrap_err().to_string()
}

fn attach(doc: &mut Document, activity: &str, imported: Imported) {
    let ops = interactive::attach_ops(doc, activity_id(activity), imported).unwrap();
    for op in ops {
        match op {
            trellis::store::EditOp::AddAsset { asset } => doc.assets.push(asset),
            trellis::store::EditOp::UpdateActivity { activity } => {
                let slot = doc.activities.iter_mut().find(|a| a.id == activity.id).unwrap();
                *slot = activity;
            }
            other => panic!("unexpected edit {other:?}"),
        }
    }
    doc.validate().unwrap();
}

fn export(doc: &Document, format: ExportFormat) -> MemWriter {
    let options = ExportOptions::for_document(doc);
    let mut mem = MemWriter::new();
    export_document(doc, format, &options, &mut mem, &mut |_| {}).unwrap();
    mem
}

// ---- hostile packages ----------------------------------------------------------------------

#[test]
fn a_path_that_climbs_out_of_the_package_is_refused_with_the_entry_named() {
    let mut entries: Vec<(&str, &[u8])> = vec![("h5p.json", b"{}"), ("../evil.js", b"alert(1)")];
    let message = refused(zip_with(&entries));
    assert!(message.contains("../evil.js") && message.contains("zip slip"), "{message}");
    entries[1].0 = "/etc/evil.js";
    let message = refused(zip_with(&entries));
    assert!(message.contains("/etc/evil.js") && message.contains("absolute"), "{message}");
}

#[test]
fn a_backslash_in_an_entry_name_is_refused_with_the_entry_named() {
    let message = refused(zip_with(&[("index.html", b"<title>x</title>"), ("js\\app.js", b"1")]));
    assert!(message.contains("js\\app.js") && message.contains("backslash"), "{message}");
    let message = refused(zip_with(&[("index.html", b"<title>x</title>"), ("..\\..\\evil.js", b"1")]));
    assert!(message.contains("evil.js"), "{message}");
}

#[test]
fn a_package_of_100000_files_is_refused_before_it_is_read() {
    use std::io::Write;
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..100_000 {
            zip.start_file(format!("f{i}.txt"), options).unwrap();
            zip.write_all(b"").unwrap();
        }
        zip.finish().unwrap();
    }
    let message = refused(buffer.into_inner());
    assert!(message.contains("100000 entries") && message.contains("10000"), "{message}");
}

#[test]
fn a_zip_bomb_is_refused_by_its_compression_ratio() {
    let zeros = vec![0u8; 40 << 20];
    let bytes = zip_with(&[("index.html", b"<title>bomb</title>"), ("data.bin", &zeros)]);
    assert!(bytes.len() < 1 << 20, "the bomb is small: {}", bytes.len());
    let message = refused(bytes);
    assert!(
        message.contains("data.bin") || message.contains("bomb") || message.contains("ratio"),
        "{message}"
    );
}

#[test]
fn a_package_without_h5p_json_or_index_html_is_refused() {
    let message = refused(zip_with(&[("content/content.json", b"{}"), ("lib/x.js", b"1")]));
    assert!(message.contains("h5p.json") && message.contains("index.html"), "{message}");
}

#[test]
fn an_h5p_package_missing_a_library_or_its_content_is_refused() {
    let h5p = br#"{"title":"T","mainLibrary":"H5P.Demo","preloadedDependencies":[{"machineName":"H5P.Demo","majorVersion":"1","minorVersion":"2"}]}"#;
    let message = refused(zip_with(&[("h5p.json", h5p), ("content/content.json", b"{}")]));
    assert!(message.contains("H5P.Demo-1.2"), "{message}");
    let message = refused(zip_with(&[("h5p.json", h5p), ("H5P.Demo-1.2/library.json", b"{}")]));
    assert!(message.contains("content/content.json"), "{message}");
    let message = refused(zip_with(&[("h5p.json", br#"{"title":"T"}"#), ("content/content.json", b"{}")]));
    assert!(message.contains("mainLibrary"), "{message}");
    let message = refused(zip_with(&[("h5p.json", b"{not json"), ("content/content.json", b"{}")]));
    assert!(message.contains("h5p.json") && message.contains("line 1"), "{message}");
}

// ---- reading and round trips ---------------------------------------------------------------

#[test]
fn an_h5p_package_is_read_with_its_title_content_type_and_libraries() {
    let imported = read(h5p_package("Demo question")).unwrap();
    let c = &imported.content;
    assert_eq!(c.kind, InteractiveKind::H5p);
    assert_eq!(c.title, "Demo question");
    assert_eq!(c.main_library, "H5P.Demo");
    assert_eq!(c.libraries, vec!["H5P.Demo 1.2".to_owned()]);
    assert_eq!(c.entry, "h5p.json");
    assert_eq!(c.asset, imported.asset.id);
    assert_eq!(imported.asset.media_type, interactive::H5P_MEDIA_TYPE);
    let report = imported.report().join("\n");
    assert!(
        report.contains("content type: H5P.Demo") && report.contains("libraries: H5P.Demo 1.2"),
        "{report}"
    );
}

#[test]
fn an_html5_simulation_folder_with_one_top_folder_is_stored_as_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("pendulum");
    std::fs::create_dir_all(top.join("js")).unwrap();
    std::fs::write(top.join("index.html"), "<html><head><title>Pendulum lab</title></head></html>").unwrap();
    std::fs::write(top.join("js/app.js"), "1").unwrap();
    let imported = interactive::read_path(dir.path()).unwrap();
    assert_eq!(imported.content.kind, InteractiveKind::Html5);
    assert_eq!(imported.content.entry, "pendulum/index.html");
    assert_eq!(imported.content.title, "Pendulum lab");
    let names = interactive::file_names(&imported.asset).unwrap();
    assert_eq!(names, vec!["pendulum/index.html".to_owned(), "pendulum/js/app.js".to_owned()]);
}

#[test]
fn content_round_trips_through_store_canonical_json_folder_and_merge() {
    let mut doc = fixture();
    let before = trellis::json::to_string(&doc);
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let content = doc.activities.iter().find(|a| a.id == activity_id(ACTIVITY)).unwrap().content.clone();
    assert!(content.is_some());

    // Canonical JSON: present when set, absent (same bytes as before) when not.
    let text = trellis::json::to_string(&doc);
    assert!(text.contains("\"content\"") && text.contains("\"mainLibrary\": \"H5P.Demo\""));
    assert_eq!(trellis::json::from_str(&text, "doc.json").unwrap(), doc);
    assert!(!before.contains("\"content\""));

    // Store.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    drop(Store::create(&path, &doc).unwrap());
    let loaded = trellis::store::load_path(&path).unwrap();
    assert_eq!(loaded, doc);

    // Folder.
    let folder = dir.path().join("folder");
    trellis::folder::write(&doc, &folder).unwrap();
    assert_eq!(trellis::folder::read(&folder).unwrap(), doc);

    // Merge: one side attaches content, the other renames the activity.
    let base = fixture();
    let mut theirs = base.clone();
    theirs.activities.iter_mut().find(|a| a.id == activity_id(ACTIVITY)).unwrap().title = "Renamed".into();
    let merged = trellis::merge::merge(&base, &doc, &theirs).unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    let a = merged.document.activities.iter().find(|a| a.id == activity_id(ACTIVITY)).unwrap();
    assert_eq!(a.title, "Renamed");
    assert_eq!(a.content, content);
}

#[test]
fn attaching_the_same_package_twice_stores_it_once() {
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    attach(&mut doc, AGAIN, read(h5p_package("Demo")).unwrap());
    assert_eq!(doc.assets.len(), 1);
    let assets: Vec<_> = doc.activities.iter().filter_map(|a| a.content.as_ref().map(|c| c.asset)).collect();
    assert_eq!(assets, vec![doc.assets[0].id, doc.assets[0].id]);
}

// ---- export ----------------------------------------------------------------------------------

#[test]
fn lesson_packages_carry_each_package_and_the_player_once_and_frame_the_content() {
    let plain = fixture();
    let mut one = fixture();
    attach(&mut one, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let mut two = one.clone();
    attach(&mut two, AGAIN, read(h5p_package("Demo")).unwrap());
    for format in [ExportFormat::Scorm2004, ExportFormat::Scorm12, ExportFormat::Cmi5] {
        let p0 = export(&plain, format);
        let p1 = export(&one, format);
        let p2 = export(&two, format);
        assert!(
            !p0.paths().iter().any(|p| p.contains("trellis-interactive")),
            "{format}: no player without H5P"
        );
        let count = |m: &MemWriter, suffix: &str| m.paths().iter().filter(|p| p.ends_with(suffix)).count();
        for m in [&p1, &p2] {
            assert_eq!(count(m, "player/main.bundle.js"), 1, "{format}: the player once");
            assert_eq!(count(m, "/h5p.json"), 1, "{format}: the content once");
            assert_eq!(count(m, ".h5p"), 0, "{format}: the stored zip is carried extracted, not as well");
        }
        // A second lesson showing the same package adds its page's frame, not the package again.
        let size = |m: &MemWriter| m.entries().map(|(_, b)| b.len()).sum::<usize>();
        let (s0, s1, s2) = (size(&p0), size(&p1), size(&p2));
        assert!(s1 > s0 + 1_000_000, "{format}: the player and the package are carried ({s0} -> {s1})");
        assert!(s2 - s1 < 4_000, "{format}: a second use grows the package by {} bytes", s2 - s1);

        let page =
            p1.paths().iter().find(|p| p.ends_with("i0190f100000070008000000000000003_sco.html")).unwrap();
        let html = p1.text(page).unwrap();
        let frame = "data-interactive=\"i0190f100000070008000000000000006\"";
        assert!(html.contains(frame), "{format}: the activity frames its content");
        assert!(html.contains("src=\"../assets/trellis-interactive/i"), "{format}: {html}");
        assert!(html.contains("\"interactives\":[{\"id\":\"i0190f100000070008000000000000006\""), "{format}");
        assert!(html.contains("\"interactives\":[\"i0190f100000070008000000000000006\"]"), "{format}");
        assert!(html.contains(OBJECTIVE), "{format}");
        // Pages without interactive content keep their bytes.
        let overview = p0.paths().iter().find(|p| p.ends_with("_overview.html")).unwrap();
        assert_eq!(p0.get(overview), p1.get(overview), "{format}: other pages unchanged");
    }
}

#[test]
fn an_html5_simulation_is_framed_in_a_scripts_only_sandbox() {
    let mut doc = fixture();
    let sim =
        zip_with(&[("index.html", b"<title>Sim</title><script src=\"app.js\"></script>"), ("app.js", b"1")]);
    attach(&mut doc, ACTIVITY, interactive::read_zip(sim, "sim.zip", "sim.zip").unwrap());
    let p = export(&doc, ExportFormat::Scorm2004);
    assert!(!p.paths().iter().any(|p| p.contains("player/")), "no H5P player for a simulation");
    let page = p.paths().iter().find(|p| p.ends_with("i0190f100000070008000000000000003_sco.html")).unwrap();
    let html = p.text(page).unwrap();
    let iframe = &html[html.find("<iframe").unwrap()..];
    let iframe = &iframe[..iframe.find('>').unwrap()];
    assert!(iframe.contains("sandbox=\"allow-scripts allow-forms\""), "{iframe}");
    assert!(!iframe.contains("allow-same-origin"), "{iframe}");
    assert!(iframe.contains("/index.html\""), "{iframe}");
    assert!(p.paths().iter().any(|x| x.ends_with("/app.js")));
}

#[test]
fn h5p_content_is_framed_in_a_scripts_only_sandbox_with_its_json_files_in_the_player_page() {
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let ident = format!("i{}", doc.assets[0].id.0.simple());
    for format in [
        ExportFormat::Scorm2004,
        ExportFormat::Scorm12,
        ExportFormat::Cmi5,
        ExportFormat::Site,
        ExportFormat::Cc13,
    ] {
        let p = export(&doc, format);
        let page = p
            .entries()
            .find(|(_, b)| std::str::from_utf8(b).is_ok_and(|t| t.contains("data-interactive=")))
            .map(|(p, _)| p.to_owned())
            .unwrap();
        let html = p.text(&page).unwrap();
        let iframe = &html[html.find("<iframe").unwrap()..];
        let iframe = &iframe[..iframe.find('>').unwrap()];
        assert!(iframe.contains(&format!("trellis-interactive/{ident}.html\"")), "{format}: {iframe}");
        assert!(iframe.contains("sandbox=\"allow-scripts allow-forms\""), "{format}: {iframe}");
        assert!(!iframe.contains("allow-same-origin"), "{format}: {iframe}");

        // The player reads h5p.json, content.json and each library.json from its own page.
        let player =
            p.paths().iter().find(|x| x.ends_with(&format!("trellis-interactive/{ident}.html"))).unwrap();
        let player = p.text(player).unwrap();
        let start = player.find("id=\"trellis-interactive\">").unwrap() + "id=\"trellis-interactive\">".len();
        let json = &player[start..start + player[start..].find("</script>").unwrap()];
        assert!(!json.contains('<'), "{format}: the embedded JSON cannot close its script element");
        let config: serde_json::Value = serde_json::from_str(json).unwrap();
        let files = config["files"].as_object().unwrap();
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                format!("{ident}/H5P.Demo-1.2/library.json"),
                format!("{ident}/content/content.json"),
                format!("{ident}/h5p.json")
            ],
            "{format}"
        );
        assert_eq!(
            files[&format!("{ident}/content/content.json")],
            r#"{"question":"Is it?"}"#,
            "{format}: the file's text"
        );
        assert!(!files.keys().any(|k| k.ends_with(".js")), "{format}: scripts load by tags");

        // The player's fonts are in its stylesheet: a sandboxed frame could not load font files.
        let css = p.paths().iter().find(|x| x.ends_with("player/styles/h5p.css")).unwrap();
        let css = p.text(css).unwrap();
        assert!(!css.contains("../fonts/"), "{format}: no font is named by address");
        assert!(css.contains("url(\"data:font/woff2;base64,"), "{format}");
        assert!(!p.paths().iter().any(|x| x.ends_with(".woff2")), "{format}: the font files are not written");
        assert!(
            p.paths().iter().any(|x| x.ends_with("player/fonts/open-sans/OFL.txt")),
            "{format}: licences kept"
        );
    }
    // Same document, same bytes.
    let (a, b) = (export(&doc, ExportFormat::Scorm2004), export(&doc, ExportFormat::Scorm2004));
    assert!(a.entries().eq(b.entries()));
}

#[test]
fn the_desktop_preview_serves_the_same_self_contained_player_page() {
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let (asset, content) = (&doc.assets[0], doc.activities.iter().find_map(|a| a.content.as_ref()).unwrap());
    let preview =
        |path: &str| trellis::export::interactive::preview_file(asset, content, "en", path).unwrap();
    let (page, media) = preview("index.html").unwrap();
    assert_eq!(media, "text/html");
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("\"content/h5p.json\":"), "the JSON files are in the page: {page}");
    assert!(page.contains("\"content/H5P.Demo-1.2/library.json\":"));
    let (css, _) = preview("player/styles/h5p.css").unwrap();
    let css = String::from_utf8(css).unwrap();
    assert!(css.contains("data:font/woff2;base64,") && !css.contains("../fonts/"));
    assert!(preview("player/fonts/h5p-core-30.woff2").is_none(), "the fonts are in the stylesheet only");
    assert!(preview("content/H5P.Demo-1.2/demo.js").is_some());
}

#[test]
fn the_fonts_an_h5p_library_names_in_its_css_are_written_into_the_css() {
    let h5p = br#"{"title":"Fonts","mainLibrary":"H5P.Demo","preloadedDependencies":[{"machineName":"H5P.Demo","majorVersion":1,"minorVersion":2}]}"#;
    let css = b"@font-face{font-family:x;src:url('../fonts/x.eot?#iefix') format('embedded-opentype'),url(../fonts/x.woff?v=1) format('woff'),url(\"../../../outside.woff\")}.a{background:url(img.png)}";
    let mut doc = fixture();
    let package = zip_with(&[
        ("h5p.json", h5p.as_slice()),
        ("content/content.json", b"{}"),
        ("H5P.Demo-1.2/library.json", br#"{"machineName":"H5P.Demo","majorVersion":1,"minorVersion":2}"#),
        ("H5P.Demo-1.2/styles/demo.css", css.as_slice()),
        ("H5P.Demo-1.2/fonts/x.woff", b"wOFFfont"),
        ("H5P.Demo-1.2/fonts/x.eot", b"eot"),
    ]);
    attach(&mut doc, ACTIVITY, read(package).unwrap());
    let ident = format!("i{}", doc.assets[0].id.0.simple());
    let p = export(&doc, ExportFormat::Scorm2004);
    let out = p.text(&format!("assets/trellis-interactive/{ident}/H5P.Demo-1.2/styles/demo.css")).unwrap();
    assert!(out.contains("url(\"data:font/woff;base64,d09GRmZvbnQ=\") format('woff')"), "{out}");
    assert!(
        out.contains("url('../fonts/x.eot?#iefix')"),
        "an Embedded OpenType font stays an address: {out}"
    );
    assert!(out.contains("url(\"../../../outside.woff\")"), "an address leaving the package stays: {out}");
    assert!(out.contains("url(img.png)"), "images load by address: {out}");
    assert!(p.get(&format!("assets/trellis-interactive/{ident}/H5P.Demo-1.2/fonts/x.woff")).is_some());
}

#[test]
fn a_damaged_stored_package_stops_the_export_with_its_name() {
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let asset = &mut doc.assets[0];
    asset.data = zip_with(&[("../evil.js", b"1")]);
    asset.sha256 = trellis::model::sha256_hex(&asset.data);
    let options = ExportOptions::for_document(&doc);
    let err = export_document(&doc, ExportFormat::Scorm2004, &options, &mut MemWriter::new(), &mut |_| {})
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("test.h5p") && message.contains("../evil.js"), "{message}");
}

// ---- the real sample -------------------------------------------------------------------------

fn sample() -> std::path::PathBuf {
    std::fs::read_dir(samples_dir("h5p"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "h5p"))
        .unwrap()
}

#[test]
#[ignore = "needs ../shared"]
fn the_real_sample_attaches_exports_and_validates() {
    let imported = interactive::read_path(&sample()).unwrap();
    assert_eq!(imported.content.main_library, "H5P.TrueFalse");
    assert!(
        imported.content.libraries.iter().any(|l| l == "H5P.Question 1.4"),
        "{:?}",
        imported.content.libraries
    );
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, imported);
    let dir = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for format in [ExportFormat::Scorm2004, ExportFormat::Scorm12, ExportFormat::Cmi5, ExportFormat::Cc13] {
        let mem = export(&doc, format);
        assert!(mem.paths().iter().any(|p| p.ends_with("/H5P.TrueFalse-1.6/library.json")));
        let path = dir.path().join(format!("interactive-{format}.zip"));
        std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
        packages.push(path);
    }
    super::support::assert_validate_package(&packages);
}

#[test]
fn the_offline_site_and_common_cartridge_carry_the_content_with_its_player_as_a_page() {
    let mut doc = fixture();
    attach(&mut doc, ACTIVITY, read(h5p_package("Demo")).unwrap());
    let ident = format!("i{}", doc.assets[0].id.0.simple());

    let site = export(&doc, ExportFormat::Site);
    assert!(site.get("assets/trellis-interactive/player/main.bundle.js").is_some());
    assert!(site.get(&format!("assets/trellis-interactive/{ident}/h5p.json")).is_some());
    assert!(site.get(&format!("assets/trellis-interactive/{ident}.html")).is_some());
    let page = site.paths().iter().find(|p| p.starts_with("true-or-false")).unwrap();
    let html = site.text(page).unwrap();
    assert!(html.contains(&format!("src=\"assets/trellis-interactive/{ident}.html\"")), "{html}");
    assert!(html.contains("frame-src 'self';"), "the page lets its own frames in");
    let other = site.paths().iter().find(|p| p.starts_with("second-look")).unwrap();
    assert!(
        !site.text(other).unwrap().contains("frame-src"),
        "pages without interactive content keep their policy"
    );

    let cc = export(&doc, ExportFormat::Cc13);
    let manifest = cc.text("imsmanifest.xml").unwrap();
    let player = "web_resources/trellis-interactive/player/main.bundle.js";
    assert!(cc.get(player).is_some() && manifest.contains(player));
    assert!(manifest.contains(&format!("web_resources/trellis-interactive/{ident}/h5p.json")));
    let page = cc
        .entries()
        .find(|(_, b)| std::str::from_utf8(b).is_ok_and(|t| t.contains("data-interactive=")))
        .map(|(p, _)| p.to_owned())
        .unwrap();
    let html = cc.text(&page).unwrap();
    assert!(html.contains(&format!("src=\"../web_resources/trellis-interactive/{ident}.html\"")), "{html}");
}

#[test]
fn attaching_is_one_undoable_step_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &fixture()).unwrap();
    let doc = store.load().unwrap();
    let ops =
        interactive::attach_ops(&doc, activity_id(ACTIVITY), read(h5p_package("Demo")).unwrap()).unwrap();
    store.apply_all("Attach interactive content", ops).unwrap();
    let attached = store.load().unwrap();
    assert_eq!(attached.assets.len(), 1);
    assert!(attached.activities.iter().any(|a| a.content.is_some()));
    store.undo().unwrap();
    let undone = store.load().unwrap();
    assert!(undone.assets.is_empty() && undone.activities.iter().all(|a| a.content.is_none()));
    store.redo().unwrap();
    assert_eq!(store.load().unwrap(), attached);
}

#[test]
fn trellis_activity_attach_reports_the_package_and_refuses_a_hostile_one() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.trellis");
    drop(Store::create(&doc, &fixture()).unwrap());
    let run = |args: &[&std::ffi::OsStr]| super::support::trellis_cli(args);
    let package = dir.path().join("demo.h5p");
    std::fs::write(&package, h5p_package("Demo question")).unwrap();
    let out = run(&[
        "activity".as_ref(),
        "attach".as_ref(),
        doc.as_os_str(),
        ACTIVITY.as_ref(),
        package.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("content type: H5P.Demo") && stdout.contains("libraries: H5P.Demo 1.2"),
        "{stdout}"
    );
    let stored = trellis::store::load_path(&doc).unwrap();
    assert!(stored.activities.iter().any(|a| a.content.as_ref().is_some_and(|c| c.title == "Demo question")));

    let hostile = dir.path().join("slip.h5p");
    std::fs::write(&hostile, zip_with(&[("h5p.json", b"{}"), ("../../evil.js", b"1")])).unwrap();
    let out =
        run(&["activity".as_ref(), "attach".as_ref(), doc.as_os_str(), AGAIN.as_ref(), hostile.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("../../evil.js"), "{stderr}");
    assert_eq!(trellis::store::load_path(&doc).unwrap(), stored, "nothing changed");
}
