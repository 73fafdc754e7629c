//! QTI item banks (`--format qti3`, `--format qti21`): the QTI 2.1 packages of the examples and
//! the test documents are validated against the official QTI 2.1 XSDs in `tests/schemas/qti21`
//! (xmllint, offline); the QTI 3.0 packages, for which no official XSD is available offline (see
//! tests/schemas/SOURCES.md), are checked to be exactly the validated QTI 2.1 packages under
//! QTI 3.0's systematic renaming, and to use only QTI 3.0 vocabulary. Scoring, feedback,
//! objectives, preflight, determinism and golden files are checked too. The scores a real QTI 3
//! player computes are checked by `tests/runtime/qti.test.js`.
//!
//! Regenerate the golden files with `SNAPSHOTS=overwrite cargo test --test it qti_bank`.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;
use trellis::export::{ExportFormat, ExportOptions, LmsProfile, MemWriter, export_document, option};
use trellis::model::*;

use super::export_cc::{assert_golden, examples, export, fixture_document, hostile_document};
use super::support::{root, write_package, xmllint_in};

const QTI3_NS: &str = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
const QTI21_NS: &str = "http://www.imsglobal.org/xsd/imsqti_v2p1";

/// The fixture document with every item type (all with feedback, 2 points each), the same
/// document without any feedback and with items worth 1 point (so standard templates apply),
/// the hostile document and the examples.
fn documents() -> Vec<(String, Document)> {
    let mut plain = fixture_document();
    for a in &mut plain.assessments {
        for item in &mut a.items {
            item.feedback_correct.clear();
            item.feedback_incorrect.clear();
            item.points = 1.0;
            if let ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } =
                &mut item.body
            {
                for c in choices {
                    c.feedback.clear();
                }
            }
        }
    }
    let mut docs = vec![
        ("fixture".to_owned(), fixture_document()),
        ("fixture-plain".to_owned(), plain),
        ("hostile".to_owned(), hostile_document()),
    ];
    docs.extend(examples());
    docs
}

fn bank(doc: &Document, format: ExportFormat) -> MemWriter {
    export(doc, format, LmsProfile::Generic).0
}

/// Runs xmllint on every XML file of a QTI 2.1 package against the vendored XSDs.
fn validate_qti21(label: &str, mem: &MemWriter) {
    let schemas = root().join("tests/schemas");
    let tmp = tempfile::tempdir().unwrap();
    write_package(mem, tmp.path());
    let files: Vec<&str> = mem.paths().iter().map(String::as_str).filter(|p| p.ends_with(".xml")).collect();
    assert!(files.contains(&"imsmanifest.xml"), "{label}: no manifest");
    let lint = xmllint_in(
        tmp.path(),
        &schemas.join("qti21/driver.xsd"),
        &files,
        &[schemas.join("qti21/catalog.xml")],
    );
    super::export_cc::assert_validates(label, &lint, files.len());
}

/// One XML event, normalised for comparison.
#[derive(Debug, PartialEq, Eq, Clone)]
enum Ev {
    Start(String, BTreeMap<String, String>),
    End(String),
    Text(String),
}

/// Parses a whole document (any error fails the test).
fn events(label: &str, text: &str) -> Vec<Ev> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let attrs = |e: &quick_xml::events::BytesStart<'_>| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap_or_else(|err| panic!("{label}: bad attribute: {err}"));
                let value = a
                    .normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 1, |_| None)
                    .unwrap_or_else(|err| panic!("{label}: {err}"))
                    .into_owned();
                (a.key.as_ref().to_owned(), value)
            })
            .collect()
    };
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => out.push(Ev::Start(e.name().as_ref().to_owned(), attrs(&e))),
            Ok(Event::Empty(e)) => {
                let name = e.name().as_ref().to_owned();
                out.push(Ev::Start(name.clone(), attrs(&e)));
                out.push(Ev::End(name));
            }
            Ok(Event::End(e)) => out.push(Ev::End(e.name().as_ref().to_owned())),
            Ok(Event::Text(t)) => {
                let text = t.xml10_content().into_owned();
                if !text.trim().is_empty() {
                    out.push(Ev::Text(text));
                }
            }
            Ok(Event::GeneralRef(r)) => out.push(Ev::Text(format!("&{};", &*r))),
            Ok(_) => {}
            Err(err) => panic!("{label} is not well-formed XML at {}: {err}", reader.buffer_position()),
        }
    }
    out
}

fn kebab_to_camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A QTI 3.0 file brought back to QTI 2.1 names: `qti-` prefixes and kebab case undone, the
/// `qti-content-body` wrappers dropped, namespaces and template URIs reduced to what they name.
fn qti3_as_qti21(events: Vec<Ev>) -> Vec<Ev> {
    events
        .into_iter()
        .filter(|e| !matches!(e, Ev::Start(n, _) | Ev::End(n) if n == "qti-content-body"))
        .map(|e| match e {
            Ev::Start(name, attrs) => {
                let name = name.strip_prefix("qti-").map(kebab_to_camel).unwrap_or(name);
                let attrs = attrs
                    .into_iter()
                    .map(|(k, v)| if k.contains(':') { (k, v) } else { (kebab_to_camel(&k), v) })
                    .collect();
                Ev::Start(name, normalise(attrs))
            }
            Ev::End(name) => Ev::End(name.strip_prefix("qti-").map(kebab_to_camel).unwrap_or(name)),
            text => text,
        })
        .collect()
}

fn normalise(mut attrs: BTreeMap<String, String>) -> BTreeMap<String, String> {
    attrs.remove("xmlns");
    attrs.remove("xsi:schemaLocation");
    if let Some(t) = attrs.get_mut("template") {
        *t = t.rsplit('/').next().unwrap_or_default().trim_end_matches(".xml").to_owned();
    }
    attrs
}

fn qti21_normalised(events: Vec<Ev>) -> Vec<Ev> {
    events
        .into_iter()
        .map(|e| match e {
            Ev::Start(name, attrs) => Ev::Start(name, normalise(attrs)),
            e => e,
        })
        .collect()
}

#[test]
fn qti21_banks_validate_against_the_official_xsds() {
    for (label, doc) in documents() {
        validate_qti21(&format!("{label} qti21"), &bank(&doc, ExportFormat::Qti21));
    }
}

#[test]
fn qti3_banks_are_the_validated_qti21_banks_under_the_qti3_renaming() {
    for (label, doc) in documents() {
        let v3 = bank(&doc, ExportFormat::Qti3);
        let v21 = bank(&doc, ExportFormat::Qti21);
        assert_eq!(v3.paths(), v21.paths(), "{label}: the same files");
        for path in v3.paths().iter().filter(|p| p.starts_with("items/") || p.starts_with("tests/")) {
            let a = qti3_as_qti21(events(path, v3.text(path).unwrap()));
            let b = qti21_normalised(events(path, v21.text(path).unwrap()));
            let at = a.iter().zip(&b).position(|(x, y)| x != y);
            assert!(
                a == b,
                "{label} {path}: differs at event {at:?}: {:?} vs {:?}",
                at.map(|i| &a[i]),
                at.map(|i| &b[i])
            );
            assert!(v3.text(path).unwrap().contains(&format!("xmlns=\"{QTI3_NS}\"")), "{label} {path}");
            assert!(v21.text(path).unwrap().contains(&format!("xmlns=\"{QTI21_NS}\"")), "{label} {path}");
        }
    }
}

/// Element names of QTI 3.0 (ASI information model) that a bank may use, and the XHTML ones.
const QTI3_ELEMENTS: &[&str] = &[
    "qti-assessment-item",
    "qti-assessment-test",
    "qti-test-part",
    "qti-assessment-section",
    "qti-assessment-item-ref",
    "qti-rubric-block",
    "qti-content-body",
    "qti-response-declaration",
    "qti-outcome-declaration",
    "qti-correct-response",
    "qti-default-value",
    "qti-value",
    "qti-mapping",
    "qti-map-entry",
    "qti-item-body",
    "qti-choice-interaction",
    "qti-simple-choice",
    "qti-feedback-inline",
    "qti-text-entry-interaction",
    "qti-extended-text-interaction",
    "qti-match-interaction",
    "qti-simple-match-set",
    "qti-simple-associable-choice",
    "qti-response-processing",
    "qti-response-condition",
    "qti-response-if",
    "qti-response-else",
    "qti-set-outcome-value",
    "qti-match",
    "qti-variable",
    "qti-correct",
    "qti-map-response",
    "qti-base-value",
    "qti-multiple",
    "qti-or",
    "qti-and",
    "qti-gte",
    "qti-lte",
    "qti-string-match",
    "qti-equal",
    "qti-modal-feedback",
    "qti-outcome-processing",
    "qti-sum",
    "qti-test-variables",
    "qti-time-limits",
    "qti-item-session-control",
];

const XHTML: &[&str] = &[
    "a",
    "abbr",
    "address",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "var",
];

#[test]
fn qti3_banks_use_only_qti3_vocabulary() {
    for (label, doc) in documents() {
        let mem = bank(&doc, ExportFormat::Qti3);
        for path in mem.paths().iter().filter(|p| p.starts_with("items/") || p.starts_with("tests/")) {
            for e in events(path, mem.text(path).unwrap()) {
                if let Ev::Start(name, attrs) = e {
                    assert!(
                        QTI3_ELEMENTS.contains(&name.as_str()) || XHTML.contains(&name.as_str()),
                        "{label} {path}: <{name}> is not QTI 3.0"
                    );
                    for key in attrs.keys() {
                        assert!(
                            key.contains(':') || !key.bytes().any(|b| b.is_ascii_uppercase()),
                            "{label} {path}: attribute {key} of <{name}> is not kebab case"
                        );
                    }
                }
            }
        }
        let manifest = mem.text("imsmanifest.xml").unwrap();
        assert!(
            manifest.contains("xmlns=\"http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1\""),
            "{label}"
        );
        assert!(manifest.contains("type=\"imsqti_item_xmlv3p0\""), "{label}");
    }
}

/// Resource `href`s and files of a manifest, and the `dependency`s of each resource.
fn manifest_resources(mem: &MemWriter) -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>, Vec<String>)> = Vec::new();
    for e in events("imsmanifest.xml", mem.text("imsmanifest.xml").unwrap()) {
        if let Ev::Start(name, attrs) = e {
            match name.as_str() {
                "resource" => {
                    out.push((attrs["identifier"].clone(), attrs["type"].clone(), Vec::new(), Vec::new()))
                }
                "file" => out.last_mut().unwrap().2.push(attrs["href"].clone()),
                "dependency" => out.last_mut().unwrap().3.push(attrs["identifierref"].clone()),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn manifests_list_every_file_and_every_test_depends_on_its_items() {
    for (label, doc) in documents() {
        for (format, item_type, test_type) in [
            (ExportFormat::Qti3, "imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0"),
            (ExportFormat::Qti21, "imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1"),
        ] {
            let mem = bank(&doc, format);
            let resources = manifest_resources(&mem);
            let listed: BTreeSet<&str> =
                resources.iter().flat_map(|r| r.2.iter().map(String::as_str)).collect();
            let files: BTreeSet<&str> =
                mem.paths().iter().map(String::as_str).filter(|p| *p != "imsmanifest.xml").collect();
            assert_eq!(listed, files, "{label} {format}: every file is listed and every listed file exists");
            let items: BTreeSet<&str> =
                resources.iter().filter(|r| r.1 == item_type).map(|r| r.0.as_str()).collect();
            let item_count: usize = doc.assessments.iter().map(|a| a.items.len()).sum();
            assert_eq!(items.len(), item_count, "{label} {format}: one item resource per quiz item");
            let tests: Vec<_> = resources.iter().filter(|r| r.1 == test_type).collect();
            assert_eq!(
                tests.len(),
                doc.assessments.iter().filter(|a| !a.items.is_empty()).count(),
                "{label} {format}: one test per assessment with items"
            );
            for t in tests {
                let refs: BTreeSet<&str> = t.3.iter().map(String::as_str).collect();
                assert!(refs.iter().all(|r| items.contains(r)), "{label} {format}: {} depends on items", t.0);
                let text = mem.text(&t.2[0]).unwrap();
                for r in &refs {
                    assert!(
                        text.contains(&format!("href=\"../items/{r}.xml\"")),
                        "{label} {format}: {r} in {}",
                        t.0
                    );
                }
            }
        }
    }
}

#[test]
fn item_resources_carry_their_objectives_as_lom_educational_objective_classification() {
    let doc = fixture_document();
    let a = doc.assessments.iter().find(|a| !a.items.is_empty() && !a.objectives.is_empty()).unwrap();
    let item = &a.items[0];
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let manifest = bank(&doc, format).text("imsmanifest.xml").unwrap().to_owned();
        let ident = format!("i{}", item.id.0.simple());
        let start = manifest.find(&format!("<resource identifier=\"{ident}\"")).unwrap();
        let resource = &manifest[start..start + manifest[start..].find("</resource>").unwrap()];
        assert!(
            resource.contains("<imsmd:value>educational objective</imsmd:value>"),
            "{format}: {resource}"
        );
        let objectives = if item.objectives.is_empty() { &a.objectives } else { &item.objectives };
        for o in objectives {
            assert!(
                resource.contains(&format!("<imsmd:id>{o}</imsmd:id>")),
                "{format}: objective {o} in {resource}"
            );
        }
    }
}

/// The item file of the item whose stem starts with `stem` in a bank.
fn item_file<'m>(mem: &'m MemWriter, doc: &Document, stem: &str) -> &'m str {
    let item = doc.assessments.iter().flat_map(|a| &a.items).find(|i| i.stem.starts_with(stem)).unwrap();
    mem.text(&format!("items/i{}.xml", item.id.0.simple())).unwrap()
}

#[test]
fn scoring_uses_standard_templates_where_they_fit_and_explicit_rules_elsewhere() {
    let docs = documents();
    let plain = &docs[1].1;
    let with_feedback = &docs[0].1;
    let mem = bank(plain, ExportFormat::Qti21);
    let template = |text: &str| {
        text.find("template=\"")
            .map(|i| text[i + 10..].split('"').next().unwrap().rsplit('/').next().unwrap().to_owned())
    };
    for (stem, expected) in [
        ("What is 3 + 4?", None),
        ("Explain why a chart misleads.", None),
        ("A truncated axis", Some("match_correct")),
    ] {
        assert_eq!(template(item_file(&mem, plain, stem)).as_deref(), expected, "{stem}");
    }
    // Essays: no response processing at all; numeric: an explicit tolerance rule.
    assert!(!item_file(&mem, plain, "Explain why").contains("<responseProcessing"));
    let numeric = item_file(&mem, plain, "What is 3 + 4?");
    let bounds = numeric.split("<gte>").nth(1).unwrap_or_default();
    assert!(
        bounds.contains(">6.5</baseValue>")
            && bounds.contains("<lte>")
            && bounds.contains(">7.5</baseValue>"),
        "the tolerance as inclusive bounds: {numeric}"
    );
    // Every short answer and matching item of the plain document maps its response.
    for a in &plain.assessments {
        for item in &a.items {
            let text = mem.text(&format!("items/i{}.xml", item.id.0.simple())).unwrap();
            match &item.body {
                ItemBody::ShortAnswer { .. } | ItemBody::Matching { .. } => {
                    assert_eq!(template(text).as_deref(), Some("map_response"), "{}", item.stem)
                }
                ItemBody::MultipleChoice { .. }
                | ItemBody::MultipleResponse { .. }
                | ItemBody::TrueFalse { .. } => {
                    assert_eq!(template(text).as_deref(), Some("match_correct"), "{}", item.stem)
                }
                _ => {}
            }
        }
    }
    // With feedback (and 2 points) every scored item has explicit rules that set SCORE to its
    // points and FEEDBACK to correct/incorrect, and shows modal feedback.
    let mem = bank(with_feedback, ExportFormat::Qti21);
    for a in &with_feedback.assessments {
        for item in &a.items {
            let text = mem.text(&format!("items/i{}.xml", item.id.0.simple())).unwrap();
            if matches!(item.body, ItemBody::Essay { .. }) {
                assert!(!text.contains("<responseProcessing"), "{}", item.stem);
                assert!(text.contains("<rubricBlock view=\"scorer\">"), "grading guidance: {text}");
                continue;
            }
            assert_eq!(template(text), None, "{}", item.stem);
            assert!(text.contains("<baseValue baseType=\"identifier\">correct</baseValue>"), "{text}");
            assert!(
                text.contains("<modalFeedback outcomeIdentifier=\"FEEDBACK\" identifier=\"incorrect\""),
                "{text}"
            );
            if let ItemBody::Matching { pairs } = &item.body {
                assert!(text.contains("<mapResponse identifier=\"RESPONSE\"/>"), "{text}");
                let share: f64 = 2.0 / pairs.len() as f64;
                assert_eq!(
                    text.matches(&format!(
                        "mappedValue=\"{}\"",
                        if share.fract() == 0.0 { format!("{}", share as i64) } else { format!("{share}") }
                    ))
                    .count(),
                    pairs.len()
                );
            } else {
                assert!(text.contains("<baseValue baseType=\"float\">2</baseValue>"), "points: {text}");
            }
        }
    }
}

#[test]
fn choice_feedback_is_inline_and_shown_for_the_chosen_choice() {
    let mut doc = fixture_document();
    let mc = doc
        .assessments
        .iter_mut()
        .flat_map(|a| &mut a.items)
        .find(|i| matches!(i.body, ItemBody::MultipleChoice { .. }))
        .unwrap();
    if let ItemBody::MultipleChoice { choices } = &mut mc.body {
        choices[0].feedback = "Not *quite*:\n\n- look again".into();
    }
    let mc_id = mc.id;
    let mem = bank(&doc, ExportFormat::Qti21);
    let text = mem.text(&format!("items/i{}.xml", mc_id.0.simple())).unwrap();
    assert!(
        text.contains("showHide=\"show\">Not <em>quite</em>: look again</feedbackInline>"),
        "blocks flattened: {text}"
    );
    assert!(text.contains("<multiple>\n"), "{text}");
    assert!(
        text.contains("<variable identifier=\"RESPONSE\"/>\n          </multiple>"),
        "the chosen choices join FEEDBACK: {text}"
    );
    validate_qti21("choice feedback", &mem);
}

#[test]
fn re_exporting_gives_byte_identical_zip_packages() {
    let doc = fixture_document();
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let dir = tempfile::tempdir().unwrap();
        let mut zips = Vec::new();
        for n in 0..2 {
            let path = dir.path().join(format!("bank{n}.zip"));
            let mut out = trellis::export::ZipWriter::create(&path).unwrap();
            export_document(&doc, format, &ExportOptions::for_document(&doc), &mut out, &mut |_| {}).unwrap();
            zips.push(std::fs::read(&path).unwrap());
        }
        assert_eq!(zips[0], zips[1], "{format}");
    }
}

#[test]
fn shuffle_option_is_declared_and_reaches_choice_and_match_interactions_but_not_true_false() {
    let doc = fixture_document();
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let names: Vec<String> = format.option_specs().iter().map(|s| s.name().to_owned()).collect();
        assert_eq!(names, [option::SHUFFLE]);
        let mut options = ExportOptions::for_document(&doc);
        options.values.insert(option::SHUFFLE.into(), serde_json::json!(true));
        let mut mem = MemWriter::new();
        let report = export_document(&doc, format, &options, &mut mem, &mut |_| {}).unwrap();
        assert!(!report.findings.iter().any(|f| f.code.starts_with("X12") || f.code.starts_with("X13")));
        let tf = item_file(&mem, &doc, "A truncated axis");
        assert!(tf.contains("shuffle=\"false\""), "true/false keeps its order");
        let shuffled =
            mem.paths().iter().filter(|p| mem.text(p).unwrap().contains("shuffle=\"true\"")).count();
        assert!(shuffled >= 3, "{format}: choice and match interactions shuffle ({shuffled})");
    }
}

#[test]
fn preflight_reports_per_item_type_what_the_bank_degrades() {
    let mut doc = fixture_document();
    let rubric = doc.rubrics.first().map(|r| r.id);
    let a = doc
        .assessments
        .iter_mut()
        .find(|a| a.items.iter().any(|i| matches!(i.body, ItemBody::Essay { .. })))
        .unwrap();
    a.rubric = rubric;
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let findings = trellis::export::preflight(&doc, format, &ExportOptions::for_document(&doc));
        let find = |code: &str| {
            findings
                .iter()
                .find(|f| f.code == code)
                .unwrap_or_else(|| panic!("{format}: no {code}: {findings:?}"))
        };
        let essays = find("X40-manual-scoring");
        assert!(
            essays.message.starts_with("1 essay item(s) have no automatic scoring"),
            "{}",
            essays.message
        );
        if rubric.is_some() {
            assert!(essays.message.contains("rubric-scored"), "{}", essays.message);
        }
        assert!(
            find("X42-exact-text-match").message.starts_with("2 short answer item(s)"),
            "one finding for both items"
        );
        assert!(find("X41-not-in-bank").message.contains("without quiz items"));
        assert_eq!(
            findings.iter().filter(|f| f.code == "X40-manual-scoring").count(),
            1,
            "one finding per item type"
        );
    }
    let empty = Document::new("Nothing");
    let findings =
        trellis::export::preflight(&empty, ExportFormat::Qti3, &ExportOptions::for_document(&empty));
    assert!(findings.iter().any(|f| f.code == "X43-empty-bank"), "{findings:?}");
}

#[test]
fn hostile_text_stays_escaped_and_valid() {
    let mut doc = fixture_document();
    let item = doc.assessments.iter_mut().flat_map(|a| &mut a.items).next().unwrap();
    item.stem = "<script>alert(1)</script>a < b && c\u{1} &nbsp; ~~struck~~ <u>under</u> <iframe src=x></iframe>\n\n- [x] task".into();
    let id = item.id;
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let mem = bank(&doc, format);
        let text = mem.text(&format!("items/i{}.xml", id.0.simple())).unwrap();
        events("hostile item", text);
        assert!(!text.contains("<script") && !text.contains("alert") && !text.contains("<iframe"), "{text}");
        assert!(text.contains("a &lt; b &amp;&amp; c"), "{text}");
        assert!(text.contains("struck") && text.contains("under") && !text.contains("<input"), "{text}");
        if format == ExportFormat::Qti21 {
            validate_qti21("hostile item", &mem);
        }
    }
}

#[test]
fn qti_banks_of_the_examples_match_the_golden_files() {
    for (name, doc) in examples() {
        for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
            assert_golden(&format!("examples/{name}-{format}"), &bank(&doc, format));
        }
    }
}

#[test]
fn media_used_by_items_are_packaged_listed_and_linked_from_the_item_folder() {
    let mut doc = fixture_document();
    let unused = Asset::new("unused.png", "image/png", b"\x89PNG\r\n\x1a\nunused".to_vec());
    doc.assets.push(unused);
    let item = doc.assessments.iter_mut().flat_map(|a| &mut a.items).next().unwrap();
    item.stem = format!("{}\n\n![The chart](asset:chart.png)", item.stem);
    let id = item.id;
    for format in [ExportFormat::Qti3, ExportFormat::Qti21] {
        let mem = bank(&doc, format);
        let text = mem.text(&format!("items/i{}.xml", id.0.simple())).unwrap();
        assert!(text.contains("<img src=\"../assets/chart.png\" alt=\"The chart\"/>"), "{format}: {text}");
        assert!(mem.get("assets/chart.png").is_some(), "{format}: the image is packaged");
        assert!(mem.get("assets/unused.png").is_none(), "{format}: assets no item or test uses stay out");
        let resources = manifest_resources(&mem);
        let resource = resources.iter().find(|r| r.0 == format!("i{}", id.0.simple())).unwrap();
        assert!(resource.2.contains(&"assets/chart.png".to_owned()), "{format}: {resource:?}");
        if format == ExportFormat::Qti21 {
            validate_qti21("item with an image", &mem);
        }
    }
}
