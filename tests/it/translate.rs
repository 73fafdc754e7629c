//! Translation round trip (`trellis::translate`, docs/translation.md): XLIFF 2.1 and 1.2 export
//! validated against the official schemas, a pseudo-translation by a real translation tool
//! (translate-toolkit, installed by `scripts/setup` into `target/venv`) imported back as a
//! language variant that leaves the design identical, review marking by source hash, per-unit
//! errors for bad files, the variant through store, undo, canonical JSON, folder and merge, and
//! `--lang` exports with the package's language metadata.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use trellis::export::package::MemWriter;
use trellis::export::{ExportFormat, ExportOptions, export_document};
use trellis::model::{Document, TranslatedText, Translation, TranslationState};
use trellis::store::{EditOp, Store};
use trellis::translate::{self, XliffVersion, fields, inline, xliff};

use super::support::root;

fn example(name: &str) -> Document {
    trellis::json::read(&root().join("examples").join(name)).unwrap()
}

fn examples() -> Vec<(&'static str, Document)> {
    vec![
        ("intro-statistics", example("intro-statistics.json")),
        ("nursing-pharmacology", example("nursing-pharmacology.json")),
    ]
}

/// A pseudo-translation made in the test: every text piece upper-cased and wrapped in « »,
/// codes kept (so inline markup survives as in a real translation).
fn pseudo(text: &str, markdown: bool) -> String {
    fn walk(pieces: &[inline::Piece]) -> Vec<inline::Piece> {
        pieces
            .iter()
            .map(|p| match p {
                inline::Piece::Text(t) if !t.trim().is_empty() => {
                    inline::Piece::Text(format!("«{}»", t.to_uppercase()))
                }
                inline::Piece::Pair { id, open, close, inner } => inline::Piece::Pair {
                    id: *id,
                    open: open.clone(),
                    close: close.clone(),
                    inner: walk(inner),
                },
                other => other.clone(),
            })
            .collect()
    }
    inline::join(&walk(&inline::split(text, markdown)))
}

/// `doc` with a French variant translating every field by [`pseudo`].
fn with_french(doc: &Document, state: TranslationState) -> Document {
    let texts = fields::list(doc)
        .into_iter()
        .map(|f| TranslatedText {
            id: f.meta.id.clone(),
            text: pseudo(&f.text, f.meta.markdown),
            source_hash: translate::source_hash(&f.text),
            state,
        })
        .collect();
    let mut out = doc.clone();
    out.translations = vec![Translation { language: "fr".into(), texts }];
    out.normalize();
    out.validate().unwrap();
    out
}

/// The design of a localised document: every translatable field set back to the source text.
fn design_of(localised: &Document, source: &Document) -> Document {
    let texts: HashMap<String, String> = {
        let mut copy = source.clone();
        let mut map = HashMap::new();
        fields::walk(&mut copy, |meta, text| {
            map.insert(meta.id, text.clone());
        });
        map
    };
    let mut out = localised.clone();
    fields::walk(&mut out, |meta, text| {
        if let Some(t) = texts.get(&meta.id) {
            *text = t.clone();
        }
    });
    out.curriculum.language = source.curriculum.language.clone();
    out.translations = source.translations.clone();
    out
}

/// Checks that `translated` holds `doc`'s design with a complete French variant, and that the
/// French document differs from the source in every field and nowhere else.
fn assert_fully_translated(label: &str, doc: &Document, translated: &Document) {
    let mut design = translated.clone();
    design.translations.clear();
    assert_eq!(&design, doc, "{label}: the design changed");
    let c = translate::coverage(translated, "fr");
    assert!(c.fields > 100, "{label}: {c:?}");
    assert_eq!((c.translated, c.outdated, c.untranslated), (c.fields, 0, 0), "{label}: {c:?}");
    let french = translate::localise(translated, "fr");
    assert_eq!(french.curriculum.language, "fr");
    assert_eq!(design_of(&french, doc), *doc, "{label}: localising changed more than the text");
    let source: HashMap<String, String> =
        fields::list(doc).into_iter().map(|f| (f.meta.id, f.text)).collect();
    let mut same = Vec::new();
    for f in fields::list(&french) {
        if source.get(&f.meta.id) == Some(&f.text) && f.text.chars().any(char::is_alphabetic) {
            same.push(f.meta.id);
        }
    }
    assert!(same.is_empty(), "{label}: fields left in the source language: {same:?}");
}

/// xmllint against the vendored XLIFF schema of `version`.
fn validate(label: &str, xml: &str, version: XliffVersion) {
    let schema = match version {
        XliffVersion::V21 => root().join("tests/schemas/xliff/v2.1/xliff_core_2.0.xsd"),
        XliffVersion::V12 => root().join("tests/schemas/xliff/v1.2/xliff-core-1.2-strict.xsd"),
    };
    let lint = super::support::xmllint_text(&schema, "file.xlf", xml);
    assert!(lint.success, "{label}: XLIFF schema validation failed:\n{}", lint.stderr);
}

#[test]
fn xliff_exports_of_both_examples_validate_against_the_official_schemas() {
    for (name, doc) in examples() {
        for version in [XliffVersion::V21, XliffVersion::V12] {
            let label = format!("{name} {version:?}");
            validate(&label, &translate::export_xliff(&doc, "fr", version).unwrap(), version);
            // With translations, some outdated (review state and notes).
            let mut translated = with_french(&doc, TranslationState::Final);
            translated.objectives[0].statement.push_str(" (edited)");
            validate(
                &format!("{label} translated"),
                &translate::export_xliff(&translated, "fr", version).unwrap(),
                version,
            );
        }
    }
}

#[test]
fn every_markdown_field_of_the_examples_splits_into_codes_and_joins_back_byte_for_byte() {
    for (name, doc) in examples() {
        for f in fields::list(&doc) {
            let pieces = inline::split(&f.text, f.meta.markdown);
            assert_eq!(inline::join(&pieces), f.text, "{name} {}", f.meta.id);
        }
    }
}

#[test]
fn an_exported_translation_imports_back_identically_in_both_versions() {
    for (name, doc) in examples() {
        let translated = with_french(&doc, TranslationState::Translated);
        for version in [XliffVersion::V21, XliffVersion::V12] {
            let label = format!("{name} {version:?}");
            let xliff = translate::export_xliff(&translated, "fr", version).unwrap();
            let (imported, report) = translate::import_xliff(&doc, &xliff, "fr.xlf").unwrap();
            assert_eq!(report.translated, report.units, "{label}: {report:?}");
            assert_eq!(imported, translated, "{label}");
            assert_fully_translated(&label, &doc, &imported);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A real translation tool: translate-toolkit's podebug (XLIFF 1.2) and its XLIFF 2.0 storage
// with podebug's rewrite (XLIFF 2.1).

fn venv_bin(name: &str) -> PathBuf {
    let bin = root().join("target/venv/bin").join(name);
    assert!(
        bin.exists(),
        "{} is missing: translate-toolkit is installed into target/venv by scripts/setup (run `make setup`)",
        bin.display()
    );
    bin
}

/// Pseudo-translates `input` into `output` with translate-toolkit.
pub(crate) fn pseudo_translate_with_the_toolkit(input: &Path, output: &Path, version: XliffVersion) {
    let status = match version {
        XliffVersion::V12 => Command::new(venv_bin("podebug"))
            .args(["--rewrite", "unicode", "--progress", "none", "-i"])
            .arg(input)
            .arg("-o")
            .arg(output)
            .output()
            .unwrap(),
        XliffVersion::V21 => Command::new(venv_bin("python"))
            .arg(root().join("tests/fixtures/translate/pseudo_xliff2.py"))
            .arg(input)
            .arg(output)
            .output()
            .unwrap(),
    };
    assert!(
        status.status.success() && output.exists(),
        "translate-toolkit failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
#[ignore = "needs translate-toolkit (make test installs it)"]
fn both_examples_round_trip_through_a_real_translation_tool_in_xliff_21_and_12() {
    let dir = tempfile::tempdir().unwrap();
    for (name, doc) in examples() {
        for version in [XliffVersion::V21, XliffVersion::V12] {
            let label = format!("{name} {version:?}");
            let out = dir.path().join(format!("{name}-{version:?}.xlf"));
            let pseudo = dir.path().join(format!("{name}-{version:?}-pseudo.xlf"));
            std::fs::write(&out, translate::export_xliff(&doc, "fr", version).unwrap()).unwrap();
            pseudo_translate_with_the_toolkit(&out, &pseudo, version);
            let text = std::fs::read_to_string(&pseudo).unwrap();
            let (translated, report) = translate::import_xliff(&doc, &text, &pseudo.display().to_string())
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!((report.translated, report.untranslated), (report.units, 0), "{label}: {report:?}");
            assert_fully_translated(&label, &doc, &translated);
            // Links and emphasis came back as the same Markdown around translated words.
            let french = translate::localise(&translated, "fr");
            let count = |d: &Document, needle: &str| {
                fields::list(d).iter().map(|f| f.text.matches(needle).count()).sum::<usize>()
            };
            for markup in ["**", "](", "\n- ", "`"] {
                assert_eq!(count(&french, markup), count(&doc, markup), "{label}: {markup:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Review by source hash

#[test]
fn a_changed_source_marks_exactly_its_units_for_review_and_keeps_the_others() {
    let doc = example("intro-statistics.json");
    let mut translated = with_french(&doc, TranslationState::Final);
    let objective = translated.objectives[3].id;
    translated.objectives[3].statement = "Compute a confidence interval for a mean.".into();
    let (item, choice) = translated
        .assessments
        .iter_mut()
        .flat_map(|a| a.items.iter_mut())
        .find_map(|i| match &mut i.body {
            trellis::model::ItemBody::MultipleChoice { choices } => {
                choices[0].feedback = "A new explanation.".into();
                Some((i.id, choices[0].id))
            }
            _ => None,
        })
        .unwrap();
    let changed =
        [format!("objective.{objective}.statement"), format!("quizItem.{item}.choice.{choice}.feedback")];
    let c = translate::coverage(&translated, "fr");
    assert_eq!(c.outdated, 2, "{c:?}");
    assert_eq!(c.approved, c.fields - 2);

    let v21 = translate::export_xliff(&translated, "fr", XliffVersion::V21).unwrap();
    let marked: Vec<String> = units_21(&v21)
        .into_iter()
        .filter(|(_, segment)| segment.contains("subState=\"trellis:needs-review\""))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(marked, changed);
    let finals = units_21(&v21).iter().filter(|(_, s)| s.contains("state=\"final\"")).count();
    assert_eq!(finals, c.fields - 2, "approved translations of unchanged sources are kept");

    let v12 = translate::export_xliff(&translated, "fr", XliffVersion::V12).unwrap();
    let marked: Vec<String> = v12
        .split("<trans-unit id=\"")
        .skip(1)
        .filter(|u| u.contains("state=\"needs-review-translation\""))
        .map(|u| u.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(marked, changed);

    // The translator reviews them: importing the file back stores the reviewed units as current.
    let reviewed = v21.replace("state=\"initial\" subState=\"trellis:needs-review\"", "state=\"translated\"");
    let (after, _) = translate::import_xliff(&translated, &reviewed, "reviewed.xlf").unwrap();
    let c = translate::coverage(&after, "fr");
    assert_eq!((c.outdated, c.translated), (0, c.fields), "{c:?}");
}

/// `(unit id, segment start tag)` of every unit of an XLIFF 2 file.
fn units_21(xliff: &str) -> Vec<(String, String)> {
    xliff
        .split("<unit id=\"")
        .skip(1)
        .map(|u| {
            let id = u.split('"').next().unwrap().to_owned();
            let segment = u.split("<segment").nth(1).unwrap().split('>').next().unwrap().to_owned();
            (id, segment)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Bad files

#[test]
fn bad_xliff_is_reported_per_unit_and_nothing_is_imported() {
    let doc = example("intro-statistics.json");
    let translated = with_french(&doc, TranslationState::Translated);
    let good = translate::export_xliff(&translated, "fr", XliffVersion::V21).unwrap();
    let units = units_21(&good);
    // A unit whose target holds a link pair: its pair is dropped from the target.
    let with_pair = good
        .split("<unit id=\"")
        .skip(1)
        .find(|u| u.split("<target").nth(1).is_some_and(|t| t.contains("<pc id=\"")))
        .map(|u| u.split('"').next().unwrap().to_owned())
        .unwrap();
    let (unknown, changed_source) = (units[0].0.clone(), units[5].0.clone());
    let mut bad = good.replacen(
        &format!("<unit id=\"{unknown}\""),
        "<unit id=\"objective.0190aaaa-0000-7000-8000-000000000000.statement\"",
        1,
    );
    // Change the source text of one unit.
    let at = bad.find(&format!("<unit id=\"{changed_source}\"")).unwrap();
    let src = at
        + bad[at..].find("<source xml:space=\"preserve\">").unwrap()
        + "<source xml:space=\"preserve\">".len();
    bad.insert_str(src, "Edited ");
    // Break the inline codes of another: drop its first paired code's start tag in the target.
    let at = bad.find(&format!("<unit id=\"{with_pair}\"")).unwrap();
    let target = at + bad[at..].find("<target").unwrap();
    let pc = target + bad[target..].find("<pc id=\"").unwrap();
    let pc_end = pc + bad[pc..].find('>').unwrap() + 1;
    let pc_close = pc_end + bad[pc_end..].find("</pc>").unwrap();
    bad.replace_range(pc_close..pc_close + "</pc>".len(), "");
    bad.replace_range(pc..pc_end, "");

    let err = translate::import_xliff(&doc, &bad, "bad.xlf").unwrap_err();
    let trellis::Error::Invalid { source_name, problems } = &err else { panic!("{err:?}") };
    assert_eq!(source_name, "bad.xlf");
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.contains("objective.0190aaaa") && p.contains("unknown unit id")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains(&changed_source) && p.contains("source text")),
        "{problems:#?}"
    );
    assert!(problems.iter().any(|p| p.contains(&with_pair) && p.contains("inline code")), "{problems:#?}");

    // Through the store: the file is refused and the document is unchanged (no undo step).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    let store = Store::create(&path, &doc).unwrap();
    drop(store);
    let xlf = dir.path().join("bad.xlf");
    std::fs::write(&xlf, &bad).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["translate", "import"])
        .arg(&path)
        .arg(&xlf)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown unit id") && stderr.contains("bad.xlf"), "{stderr}");
    assert_eq!(trellis::store::load_path(&path).unwrap(), doc);
}

#[test]
fn hostile_xliff_is_refused_before_anything_is_read() {
    let doc = example("intro-statistics.json");
    let dtd = "<?xml version=\"1.0\"?><!DOCTYPE xliff [<!ENTITY e \"boom\">]><xliff version=\"2.1\" srcLang=\"en\" trgLang=\"fr\"><file id=\"f\"><unit id=\"u\"><segment><source>&e;</source></segment></unit></file></xliff>";
    let err = translate::import_xliff(&doc, dtd, "dtd.xlf").unwrap_err().to_string();
    assert!(err.contains("DTD"), "{err}");
    let deep = format!(
        "<xliff version=\"2.1\" srcLang=\"en\" trgLang=\"fr\"><file id=\"f\"><unit id=\"u\"><segment><source>{}x{}</source></segment></unit></file></xliff>",
        "<pc id=\"1\">".repeat(500),
        "</pc>".repeat(500)
    );
    let err = translate::import_xliff(&doc, &deep, "deep.xlf").unwrap_err().to_string();
    assert!(err.contains("nested"), "{err}");
    let other = "<xliff version=\"3.0\" srcLang=\"en\" trgLang=\"fr\"/>";
    assert!(
        translate::import_xliff(&doc, other, "v3.xlf").unwrap_err().to_string().contains("not supported")
    );
    let wrong_source = translate::export_xliff(&doc, "fr", XliffVersion::V21)
        .unwrap()
        .replace("srcLang=\"en\"", "srcLang=\"de\"");
    assert!(
        translate::import_xliff(&doc, &wrong_source, "de.xlf")
            .unwrap_err()
            .to_string()
            .contains("translates from de")
    );
}

// ---------------------------------------------------------------------------------------------
// The variant as part of the document

#[test]
fn a_variant_round_trips_through_store_undo_json_folder_and_merge() {
    let doc = example("nursing-pharmacology.json");
    let translated = with_french(&doc, TranslationState::Translated);
    // Canonical JSON: omitted when empty (existing documents keep their bytes), kept otherwise.
    assert!(!trellis::json::to_string(&doc).contains("\"translations\""));
    let text = trellis::json::to_string(&translated);
    assert_eq!(trellis::json::from_str(&text, "t.json").unwrap(), translated);

    // Store: the import is one undoable step, and the refreshed copy says what changed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &doc).unwrap();
    let mut copy = store.load().unwrap();
    let xliff = translate::export_xliff(&translated, "fr", XliffVersion::V12).unwrap();
    let (imported, _) = translate::import_xliff(&copy, &xliff, "fr.xlf").unwrap();
    store
        .apply_all("Import translation (fr)", vec![EditOp::ReplaceDocument { document: Box::new(imported) }])
        .unwrap();
    assert_eq!(store.load().unwrap(), translated);
    let patch = store.refresh(&mut copy).unwrap();
    assert_eq!(copy, translated);
    assert_eq!(patch.translations.as_deref(), Some(translated.translations.as_slice()));
    store.undo().unwrap();
    assert_eq!(store.load().unwrap(), doc);
    drop(store);

    // Folder format: one file per language, read back identically.
    let folder = dir.path().join("folder");
    trellis::folder::write(&translated, &folder).unwrap();
    assert!(folder.join("translations/fr.toml").is_file());
    assert_eq!(trellis::folder::read(&folder).unwrap(), translated);
    trellis::folder::write(&doc, &folder).unwrap();
    assert!(!folder.join("translations/fr.toml").exists(), "a removed variant's file is removed");

    // Merge: a translation on one side and a design edit on the other are both kept.
    let mut theirs = doc.clone();
    theirs.objectives[0].code = "X1".into();
    let merged = trellis::merge::merge(&doc, &translated, &theirs).unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(merged.document.translations, translated.translations);
    assert_eq!(merged.document.objectives[0].code, "X1");
    // Two translators changing different fields of one language merge field by field.
    let mut a = translated.clone();
    a.translations[0].texts[0].text = "A".into();
    let mut b = translated.clone();
    b.translations[0].texts[1].text = "B".into();
    let merged = trellis::merge::merge(&translated, &a, &b).unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(merged.document.translations[0].texts[0].text, "A");
    assert_eq!(merged.document.translations[0].texts[1].text, "B");
}

// ---------------------------------------------------------------------------------------------
// --lang exports

fn export(doc: &Document, format: ExportFormat, lang: Option<&str>) -> (MemWriter, Vec<trellis::Finding>) {
    let mut options = ExportOptions::for_document(doc);
    options.lang = lang.map(str::to_owned);
    let mut mem = MemWriter::new();
    let report = export_document(doc, format, &options, &mut mem, &mut |_| {}).unwrap();
    (mem, report.findings)
}

fn file(mem: &MemWriter, path: &str) -> String {
    String::from_utf8(mem.get(path).unwrap_or_else(|| panic!("no {path} in {:?}", mem.paths())).to_vec())
        .unwrap()
}

#[test]
fn lang_exports_write_the_translation_and_the_language_metadata() {
    let doc = example("intro-statistics.json");
    let translated = with_french(&doc, TranslationState::Translated);
    let title = fields::list(&translated)
        .into_iter()
        .find(|f| f.meta.id.starts_with("assessment/"))
        .map(|f| pseudo(&f.text, false))
        .unwrap();

    let (cc, findings) = export(&translated, ExportFormat::Cc13, Some("fr"));
    assert!(!findings.iter().any(|f| f.code == "X50-untranslated-fields"), "{findings:#?}");
    let manifest = file(&cc, "imsmanifest.xml");
    assert!(manifest.contains("<lomimscc:language>fr</lomimscc:language>"), "{manifest}");
    assert!(
        manifest.contains(&translate::localise(&translated, "fr").curriculum.title),
        "the title is translated"
    );
    let pages: String = cc
        .entries()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(pages.contains("<html lang=\"fr\">"));

    let (scorm, _) = export(&translated, ExportFormat::Scorm2004, Some("fr"));
    let lessons: String = scorm
        .entries()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(lessons.contains("<html lang=\"fr\">") && !lessons.contains("<html lang=\"en\">"));
    assert!(
        lessons.contains(&trellis::export::xml::escape(&title)) || lessons.contains(&title),
        "translated text in the lesson pages"
    );

    let (cmi5, _) = export(&translated, ExportFormat::Cmi5, Some("fr"));
    let course = file(&cmi5, "cmi5.xml");
    assert!(course.contains("lang=\"fr\"") && !course.contains("lang=\"en\""), "{course}");

    let (qti, _) = export(&translated, ExportFormat::Qti21, Some("fr"));
    let items: String = qti
        .entries()
        .filter(|(p, _)| p.ends_with(".xml") && *p != "imsmanifest.xml")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(items.contains("xml:lang=\"fr\"") && !items.contains("xml:lang=\"en\""));

    // Without --lang nothing changes; a partial variant falls back and says how many.
    let (plain, _) = export(&translated, ExportFormat::Cc13, None);
    let (source, _) = export(&doc, ExportFormat::Cc13, None);
    assert_eq!(file(&plain, "imsmanifest.xml"), file(&source, "imsmanifest.xml"));
    let mut partial = translated.clone();
    partial.translations[0].texts.truncate(10);
    let (_, findings) = export(&partial, ExportFormat::Cc13, Some("fr"));
    let x50 = findings.iter().find(|f| f.code == "X50-untranslated-fields").expect("X50 finding");
    let missing = translate::coverage(&partial, "fr").untranslated;
    assert!(x50.message.starts_with(&format!("{missing} of ")), "{}", x50.message);
}

#[test]
fn a_translation_with_markup_of_its_own_goes_out_and_comes_back() {
    let mut doc = example("intro-statistics.json");
    doc.activities[0].instructions = "Read [the guide](https://example.org/guide) *first*.".into();
    let field = format!("activity/{}/instructions", doc.activities[0].id);
    let mut translated = with_french(&doc, TranslationState::Translated);
    let own = "Lisez *d'abord* [le guide](https://example.org/fr/guide).";
    translated.translations[0].texts.iter_mut().find(|t| t.id == field).unwrap().text = own.into();
    for version in [XliffVersion::V21, XliffVersion::V12] {
        let xliff = translate::export_xliff(&translated, "fr", version).unwrap();
        validate(&format!("{version:?}"), &xliff, version);
        let (back, _) = translate::import_xliff(&translated, &xliff, "fr.xlf")
            .unwrap_or_else(|e| panic!("{version:?}: {e}"));
        assert_eq!(back, translated, "{version:?}");
        // The source's emphasis is still required: dropping it is refused.
        let unit = xliff::unit_id(&field);
        let at = xliff.find(&format!("id=\"{unit}\"")).unwrap();
        let target = at + xliff[at..].find("<target").unwrap();
        let end = target + xliff[target..].find("</target>").unwrap();
        let stripped = xliff[target..end]
            .replace("<pc id=\"2\" dataRefStart=\"d2o\" dataRefEnd=\"d2c\">", "")
            .replace("<g id=\"2\" ctype=\"italic\">", "");
        let stripped = stripped.replacen("</pc>", "", usize::from(version == XliffVersion::V21)).replacen(
            "</g>",
            "",
            usize::from(version == XliffVersion::V12),
        );
        let broken = format!("{}{}{}", &xliff[..target], stripped, &xliff[end..]);
        let err = translate::import_xliff(&translated, &broken, "fr.xlf").unwrap_err().to_string();
        assert!(err.contains("inline code 2 of the source is missing"), "{version:?}: {err}");
    }
}
