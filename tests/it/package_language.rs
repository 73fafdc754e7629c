//! The language of SCORM packages (docs/export.md, "Language metadata"): with `--lang` (or the
//! document's own declared language) the SCORM 1.2 manifest carries an IMS Metadata 1.2.1 record
//! and the SCORM 2004 manifest an inline IEEE LOM record, each with the title and
//! `general/language`; every page of the package says the same language in `<html lang>`. The
//! manifests validate against the official XSDs vendored in `tests/schemas` and against the
//! schema files the package itself carries; with `../shared`, `validate-package` passes too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use trellis::export::{ExportFormat, ExportOptions, MemWriter, export_document};
use trellis::model::{Document, TranslatedText, Translation, TranslationState};
use trellis::store::EditOp;
use trellis::translate::{self, fields};

use super::export_scorm::{validate_with_own_schemas, xmllint};
use super::support::{root, zip_with};

const SCORM: [ExportFormat; 2] = [ExportFormat::Scorm12, ExportFormat::Scorm2004];

fn read(path: &str) -> Document {
    trellis::json::read(&root().join(path)).unwrap()
}

/// The runtime fixture (every item type) and the statistics example, both declaring `en`.
fn documents() -> Vec<(&'static str, Document)> {
    vec![
        ("scorm-sample", read("tests/runtime/fixtures/scorm-sample.json")),
        ("intro-statistics", read("examples/intro-statistics.json")),
    ]
}

/// `doc` with a French variant: every translatable field prefixed with `FR `.
fn with_french(doc: &Document) -> Document {
    let texts = fields::list(doc)
        .into_iter()
        .map(|f| TranslatedText {
            id: f.meta.id.clone(),
            text: format!("FR {}", f.text),
            source_hash: translate::source_hash(&f.text),
            state: TranslationState::Translated,
        })
        .collect();
    let mut out = doc.clone();
    out.translations = vec![Translation { language: "fr".into(), texts }];
    out.normalize();
    out.validate().unwrap();
    out
}

fn export(doc: &Document, format: ExportFormat, lang: Option<&str>) -> MemWriter {
    let mut options = ExportOptions::for_document(doc);
    options.lang = lang.map(str::to_owned);
    let mut mem = MemWriter::new();
    export_document(doc, format, &options, &mut mem, &mut |_| {})
        .unwrap_or_else(|e| panic!("{format} export failed: {e}"));
    mem
}

fn manifest(mem: &MemWriter) -> &str {
    mem.text("imsmanifest.xml").expect("the package has imsmanifest.xml")
}

/// The manifest's `<metadata>` element, as written.
fn metadata(manifest: &str) -> &str {
    let start = manifest.find("<metadata>").expect("a <metadata> element");
    let end = manifest.find("</metadata>").expect("a </metadata> end tag") + "</metadata>".len();
    &manifest[start..end]
}

/// The LOM record's language and title in `manifest`, as `(general/language, title string,
/// the title string's language)`; `None` when the manifest has no LOM record.
fn lom(format: ExportFormat, manifest: &str) -> Option<(String, String, String)> {
    let meta = metadata(manifest);
    let (title_open, title_close, lang_attr, language) = match format {
        ExportFormat::Scorm12 => {
            ("<imsmd:langstring", "</imsmd:langstring>", "xml:lang=\"", "imsmd:language")
        }
        _ => ("<string", "</string>", "language=\"", "language"),
    };
    if !meta.contains("lom") {
        return None;
    }
    let between = |open: &str, close: &str| {
        let at = meta.find(open).unwrap_or_else(|| panic!("{open} in {meta}"));
        let start = at + meta[at..].find('>').unwrap() + 1;
        let end = start + meta[start..].find(close).unwrap_or_else(|| panic!("{close} in {meta}"));
        (at, meta[start..end].to_owned())
    };
    let (at, title) = between(title_open, title_close);
    let attr_at = at + meta[at..].find(lang_attr).unwrap() + lang_attr.len();
    let title_lang = meta[attr_at..attr_at + meta[attr_at..].find('"').unwrap()].to_owned();
    let (_, lang) = between(&format!("<{language}>"), &format!("</{language}>"));
    Some((lang, title, title_lang))
}

/// The `lang` of every HTML page of the package (path, value).
fn page_languages(mem: &MemWriter) -> Vec<(String, String)> {
    mem.entries()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let html = String::from_utf8_lossy(b);
            let at = html.find("<html lang=\"").unwrap_or_else(|| panic!("{p}: no <html lang>"));
            let start = at + "<html lang=\"".len();
            let end = start + html[start..].find('"').unwrap();
            (p.to_owned(), html[start..end].to_owned())
        })
        .collect()
}

/// [`xmllint`] of a manifest against the vendored official schemas, as a result.
fn validate_vendored(format: ExportFormat, xml: &str) -> Result<(), String> {
    let failures = xmllint(format, xml);
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

#[test]
fn lang_fr_reaches_the_manifest_lom_and_every_page_of_scorm_12_and_2004_packages() {
    for (name, doc) in documents() {
        let french = with_french(&doc);
        let title = translate::localise(&french, "fr").curriculum.title;
        assert!(title.starts_with("FR "), "{name}: the title is translated");
        for format in SCORM {
            let label = format!("{name} {format} --lang fr");
            let mem = export(&french, format, Some("fr"));
            let xml = manifest(&mem);
            let (lang, lom_title, title_lang) = lom(format, xml).unwrap_or_else(|| panic!("{label}: no LOM"));
            assert_eq!(lang, "fr", "{label}");
            assert_eq!(title_lang, "fr", "{label}");
            assert_eq!(lom_title, trellis::export::xml::escape(&title), "{label}: the LOM title");
            let pages = page_languages(&mem);
            assert!(pages.len() > 2, "{label}: {pages:?}");
            let other: Vec<_> = pages.iter().filter(|(_, l)| l != "fr").collect();
            assert!(other.is_empty(), "{label}: pages in another language: {other:?}");
            validate_vendored(format, xml).unwrap_or_else(|e| panic!("{label}: {e}"));
            validate_with_own_schemas(format, &mem).unwrap_or_else(|e| panic!("{label}: {e}"));
        }
    }
}

#[test]
fn the_declared_language_is_the_manifest_language_and_no_language_means_no_lom() {
    let mut doc = read("examples/nursing-pharmacology.json");
    assert_eq!(doc.curriculum.language, "en-GB");
    for format in SCORM {
        let mem = export(&doc, format, None);
        let (lang, _, title_lang) = lom(format, manifest(&mem)).unwrap();
        assert_eq!((lang.as_str(), title_lang.as_str()), ("en-GB", "en-GB"), "{format}");
        assert!(page_languages(&mem).iter().all(|(_, l)| l == "en-GB"), "{format}");
        validate_vendored(format, manifest(&mem)).unwrap();
        validate_with_own_schemas(format, &mem).unwrap();
        if format == ExportFormat::Scorm2004 {
            assert!(mem.get("lom.xsd").is_some() && mem.get("common/elementTypes.xsd").is_some());
        }
    }
    // A document that declares no language (or something that is no language tag) gets no LOM
    // record and no LOM schema files: the package claims no language it was not told.
    for language in ["", "English (UK)"] {
        doc.curriculum.language = language.to_owned();
        for format in SCORM {
            let mem = export(&doc, format, None);
            let xml = manifest(&mem);
            assert!(lom(format, xml).is_none(), "{format} {language:?}: {}", metadata(xml));
            assert!(!xml.contains("ltsc.ieee.org") && !xml.contains("imsmd:"), "{format} {language:?}");
            assert!(mem.get("lom.xsd").is_none(), "{format} {language:?}");
            validate_vendored(format, xml).unwrap();
            validate_with_own_schemas(format, &mem).unwrap();
        }
    }
}

#[test]
fn the_schemas_check_the_lom_record() {
    // Guards the validation above: a LOM record the official schemas reject must fail it.
    let doc = with_french(&read("tests/runtime/fixtures/scorm-sample.json"));
    let m12 = export(&doc, ExportFormat::Scorm12, Some("fr"));
    let xml = manifest(&m12);
    let lang_start = xml.find("<imsmd:language>").unwrap();
    let lang_end = xml.find("</imsmd:language>").unwrap() + "</imsmd:language>".len();
    let language = &xml[lang_start..lang_end];
    // IMS MD 1.2.1: the language belongs to general, not directly to the record.
    let moved =
        xml.replacen(language, "", 1).replacen("</imsmd:general>", &format!("</imsmd:general>{language}"), 1);
    let err = validate_vendored(ExportFormat::Scorm12, &moved).expect_err("language outside general");
    assert!(err.contains("language"), "{err}");
    // The title's language is an xml:lang (a language tag).
    let bad = xml.replacen("<imsmd:langstring xml:lang=\"fr\">", "<imsmd:langstring xml:lang=\"fr_FR!\">", 1);
    assert_ne!(bad, xml);
    let err = validate_vendored(ExportFormat::Scorm12, &bad).expect_err("a bad xml:lang");
    assert!(err.contains("lang"), "{err}");

    let m2004 = export(&doc, ExportFormat::Scorm2004, Some("fr"));
    let xml = manifest(&m2004);
    // LOM's general/language is a language tag (xs:language).
    let bad = xml.replacen("<language>fr</language>", "<language>fr_FR!</language>", 1);
    assert_ne!(bad, xml);
    let err = validate_vendored(ExportFormat::Scorm2004, &bad).expect_err("a bad language tag");
    assert!(err.contains("language"), "{err}");
    let err = validate_with_own_schemas_text(&m2004, &bad).expect_err("a bad language tag, own schemas");
    assert!(err.contains("language"), "{err}");
}

/// [`validate_with_own_schemas`] of the package `mem` with its manifest replaced by `xml`.
fn validate_with_own_schemas_text(mem: &MemWriter, xml: &str) -> Result<(), String> {
    let mut copy = MemWriter::new();
    for (path, bytes) in mem.entries() {
        let bytes = if path == "imsmanifest.xml" { xml.as_bytes() } else { bytes };
        trellis::export::PackageWriter::add(&mut copy, path, bytes).unwrap();
    }
    validate_with_own_schemas(ExportFormat::Scorm2004, &copy)
}

#[test]
fn h5p_player_pages_follow_the_package_language_too() {
    // The H5P lesson fixture with a small but complete H5P package on its activity.
    let mut doc = read("tests/fixtures/interactive/h5p-lesson.json");
    let package = zip_with(&[
        (
            "h5p.json",
            br#"{"title":"Demo","language":"en","mainLibrary":"H5P.Demo","embedTypes":["div"],"preloadedDependencies":[{"machineName":"H5P.Demo","majorVersion":"1","minorVersion":"2"}]}"#,
        ),
        ("content/content.json", br#"{"question":"Is it?"}"#),
        ("H5P.Demo-1.2/library.json", br#"{"machineName":"H5P.Demo","majorVersion":1,"minorVersion":2}"#),
        ("H5P.Demo-1.2/demo.js", b"var H5P = H5P || {};"),
    ]);
    let imported = trellis::interactive::read_zip(package, "demo.h5p", "demo.h5p").unwrap();
    let activity = "0190f100-0000-7000-8000-000000000006".parse().unwrap();
    for op in trellis::interactive::attach_ops(&doc, activity, imported).unwrap() {
        match op {
            EditOp::AddAsset { asset } => doc.assets.push(asset),
            EditOp::UpdateActivity { activity } => {
                let slot = doc.activities.iter_mut().find(|a| a.id == activity.id).unwrap();
                *slot = activity;
            }
            other => panic!("unexpected edit {other:?}"),
        }
    }
    let french = with_french(&doc);
    for format in SCORM {
        let mem = export(&french, format, Some("fr"));
        let pages = page_languages(&mem);
        assert!(
            pages.iter().any(|(p, _)| p.contains("trellis-interactive/")),
            "{format}: no player page: {pages:?}"
        );
        assert!(pages.iter().all(|(_, l)| l == "fr"), "{format}: {pages:?}");
        assert_eq!(lom(format, manifest(&mem)).unwrap().0, "fr", "{format}");
        validate_vendored(format, manifest(&mem)).unwrap();
    }
}

#[test]
#[ignore = "needs ../shared"]
fn validate_package_passes_on_scorm_packages_with_language_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let mut packages = Vec::new();
    for (name, doc) in documents() {
        let french = with_french(&doc);
        for format in SCORM {
            for lang in [Some("fr"), None] {
                let mem = export(&french, format, lang);
                assert!(lom(format, manifest(&mem)).is_some());
                let path = tmp.path().join(format!("{name}-{format}-{}.zip", lang.unwrap_or("source")));
                std::fs::write(&path, mem.to_zip().unwrap()).unwrap();
                packages.push(path);
            }
        }
    }
    super::support::assert_validate_package(&packages);
}
