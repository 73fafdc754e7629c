//! The QTI 3.0 serialiser: the 1EdTech QTI 3.0 binding of the shared item bank, namespace
//! `imsqtiasi_v3p0`. QTI 3.0 renamed the 2.x vocabulary systematically: every QTI element gets
//! the `qti-` prefix and kebab case (`choiceInteraction` → `qti-choice-interaction`), every
//! attribute kebab case (`responseIdentifier` → `response-identifier`), while the XHTML content
//! elements keep their names; modal feedback and rubric blocks wrap their content in
//! `qti-content-body`. The manifest is the QTI 3.0 profile of IMS CP 1.2 (`imscp_v1p1` of
//! `qtiv3p0`) with resource types `imsqti_item_xmlv3p0` and `imsqti_test_xmlv3p0`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::Dialect;

/// QTI 3.0.
pub struct V3;

const NS: &str = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
const XSD: &str = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd";
const CP_NS: &str = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1";
const CP_XSD: &str = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd";

/// `camelCase` → `kebab-case`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Renamed names, computed once per name: the writer passes only string literals, so the set is
/// small and fixed, and a bank of 30,000 items renames each name once instead of once per use.
type Names = OnceLock<Mutex<HashMap<&'static str, &'static str>>>;

fn cached(names: &'static Names, name: &'static str, rename: impl Fn(&str) -> String) -> Cow<'static, str> {
    let map = names.get_or_init(Mutex::default);
    let mut map = match map.lock() {
        Ok(map) => map,
        Err(poisoned) => poisoned.into_inner(),
    };
    Cow::Borrowed(map.entry(name).or_insert_with(|| Box::leak(rename(name).into_boxed_str())))
}

impl Dialect for V3 {
    fn namespace(&self) -> &'static str {
        NS
    }
    fn schema_location(&self) -> String {
        format!("{NS} {XSD}")
    }
    fn elem(&self, name: &'static str) -> Cow<'static, str> {
        static ELEMENTS: Names = OnceLock::new();
        cached(&ELEMENTS, name, |n| format!("qti-{}", kebab(n)))
    }
    fn attr(&self, name: &'static str) -> Cow<'static, str> {
        static ATTRIBUTES: Names = OnceLock::new();
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            cached(&ATTRIBUTES, name, kebab)
        } else {
            Cow::Borrowed(name)
        }
    }
    fn template(&self, name: &str) -> String {
        format!("https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{name}.xml")
    }
    fn wraps_content_body(&self) -> bool {
        true
    }
    fn cp_namespace(&self) -> &'static str {
        CP_NS
    }
    fn cp_schema_location(&self) -> String {
        format!("{CP_NS} {CP_XSD} {lom} {lom_xsd}", lom = super::LOM_NS, lom_xsd = super::LOM_XSD)
    }
    fn package_schema(&self) -> (&'static str, &'static str) {
        ("QTI Package", "3.0.0")
    }
    fn item_type(&self) -> &'static str {
        "imsqti_item_xmlv3p0"
    }
    fn test_type(&self) -> &'static str {
        "imsqti_test_xmlv3p0"
    }
    fn qti_metadata_namespace(&self) -> Option<&'static str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_qti3_renaming() {
        assert_eq!(V3.elem("choiceInteraction"), "qti-choice-interaction");
        assert_eq!(V3.elem("assessmentItemRef"), "qti-assessment-item-ref");
        assert_eq!(V3.attr("responseIdentifier"), "response-identifier");
        assert_eq!(V3.attr("identifier"), "identifier");
        assert_eq!(V3.attr("xml:lang"), "xml:lang");
    }
}
