//! The vendored XLIFF 1.2 strict schema (`tests/schemas/xliff/v1.2/`, see its README): it is the
//! OASIS file byte for byte (its published SHA-256), documentation included, it resolves its
//! `xml.xsd` import offline through `tests/schemas/catalog.xml`, the XLIFF 1.2 files Trellis
//! writes validate against it, and broken 1.2 files do not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use trellis::translate::{self, XliffVersion};

use super::support::root;

/// SHA-256 of `http://docs.oasis-open.org/xliff/v1.2/os/xliff-core-1.2-strict.xsd` (recorded in
/// tests/schemas/xliff/README.md with where it was published).
const OFFICIAL_SHA256: &str = "9f37af564ecd27d5f69154d7cfe7ba8deb1f620c81b94cf0eab1f4205c74d5f8";

fn schema() -> PathBuf {
    root().join("tests/schemas/xliff/v1.2/xliff-core-1.2-strict.xsd")
}

/// xmllint (offline, with the repository's catalog) of `xml` against the XLIFF 1.2 strict schema:
/// `Ok(())` when valid, else xmllint's messages.
fn validate_12(xml: &str) -> Result<(), String> {
    let lint = super::support::xmllint_text(&schema(), "file.xlf", xml);
    let stderr = lint.stderr;
    // A schema that fails to load (e.g. an import that cannot be resolved offline) also makes
    // xmllint fail; say so apart from an invalid document.
    assert!(!stderr.contains("failed to compile"), "the XLIFF 1.2 schema did not load:\n{stderr}");
    if lint.success { Ok(()) } else { Err(stderr) }
}

/// A French XLIFF 1.2 export of the intro-statistics example, as Trellis writes it.
fn trellis_12() -> String {
    let doc = trellis::json::read(&root().join("examples/intro-statistics.json")).unwrap();
    translate::export_xliff(&doc, "fr", XliffVersion::V12).unwrap()
}

#[test]
fn the_vendored_xliff_12_schema_is_the_official_file_with_its_documentation() {
    let bytes = std::fs::read(schema()).unwrap();
    assert_eq!(hex(&Sha256::digest(&bytes)), OFFICIAL_SHA256, "the file differs from the OASIS file");
    let text = std::str::from_utf8(&bytes).unwrap();
    // The abridged copy it replaces had neither the documentation nor the change history.
    assert!(text.matches("<xsd:documentation>").count() > 280);
    assert!(text.contains("Jan-10-2006"));
    // The only import is the W3C xml.xsd, which the catalog maps to the local copy.
    assert!(text.contains(r#"schemaLocation="http://www.w3.org/2001/xml.xsd""#));
    let catalog = std::fs::read_to_string(root().join("tests/schemas/catalog.xml")).unwrap();
    assert!(catalog.contains(r#"systemId="http://www.w3.org/2001/xml.xsd" uri="xml/xml.xsd""#));
}

#[test]
fn trellis_xliff_12_validates_against_the_full_schema() {
    validate_12(&trellis_12()).unwrap();
}

#[test]
fn broken_xliff_12_files_fail_the_full_schema() {
    let good = trellis_12();
    let first_unit = {
        let at = good.find("<trans-unit ").unwrap();
        let id_at = at + good[at..].find("id=\"").unwrap() + 4;
        let end = id_at + good[id_at..].find('"').unwrap();
        good[id_at..end].to_string()
    };
    let second_unit_at = {
        let first = good.find("<trans-unit ").unwrap();
        first + 1 + good[first + 1..].find("<trans-unit ").unwrap()
    };
    let second_id_at = second_unit_at + good[second_unit_at..].find("id=\"").unwrap() + 4;
    let second_id_end = second_id_at + good[second_id_at..].find('"').unwrap();
    let duplicate_id = format!("{}{}{}", &good[..second_id_at], first_unit, &good[second_id_end..]);
    let cases: Vec<(&str, String, &str)> = vec![
        ("an unknown version", good.replacen("version=\"1.2\"", "version=\"1.3\"", 1), "version"),
        ("a file without its original", good.replacen(" original=\"", " x-original=\"", 1), "original"),
        ("an unknown datatype", good.replacen("datatype=\"", "datatype=\"x", 1), "datatype"),
        (
            "an approved flag that is neither yes nor no",
            good.replacen("<trans-unit ", "<trans-unit approved=\"maybe\" ", 1),
            "approved",
        ),
        ("a unit without a source", remove_first(&good, "<source", "</source>"), "source"),
        ("an element XLIFF 1.2 does not have", good.replacen("<source", "<segment/><source", 1), "segment"),
        ("two units with one id", duplicate_id, "K_unit_id"),
    ];
    validate_12(&good).unwrap();
    for (what, xml, mentioned) in cases {
        assert_ne!(xml, good, "{what}: the test did not change the file");
        let err = validate_12(&xml).expect_err(what);
        assert!(err.contains(mentioned), "{what}: xmllint did not name {mentioned}:\n{err}");
    }
}

/// `text` without its first `open … close` element (the opening tag's start to the end tag).
fn remove_first(text: &str, open: &str, close: &str) -> String {
    let start = text.find(open).unwrap();
    let end = start + text[start..].find(close).unwrap() + close.len();
    format!("{}{}", &text[..start], &text[end..])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
