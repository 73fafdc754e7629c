//! The QTI 2.1 serialiser: the IMS QTI 2.1 (2.1.2) binding of the shared item bank, namespace
//! `imsqti_v2p1`, camelCase element and attribute names as the shared writer names them, the IMS
//! CP 1.2 profile `qtiv2p1_imscpv1p2_v1p0` manifest with resource types `imsqti_item_xmlv2p1`
//! and `imsqti_test_xmlv2p1`, and QTI metadata (`imsqti_metadata_v2p1`) on every item resource.

use std::borrow::Cow;

use super::Dialect;

/// QTI 2.1.
pub struct V21;

const NS: &str = "http://www.imsglobal.org/xsd/imsqti_v2p1";
const XSD: &str = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd";
const CP_NS: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
const CP_XSD: &str = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd";
const QMD_NS: &str = "http://www.imsglobal.org/xsd/imsqti_metadata_v2p1";
const QMD_XSD: &str = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_metadata_v2p1p1.xsd";

impl Dialect for V21 {
    fn namespace(&self) -> &'static str {
        NS
    }
    fn schema_location(&self) -> String {
        format!("{NS} {XSD}")
    }
    fn elem(&self, name: &'static str) -> Cow<'static, str> {
        Cow::Borrowed(name)
    }
    fn attr(&self, name: &'static str) -> Cow<'static, str> {
        Cow::Borrowed(name)
    }
    fn template(&self, name: &str) -> String {
        format!("http://www.imsglobal.org/question/qti_v2p1/rptemplates/{name}")
    }
    fn wraps_content_body(&self) -> bool {
        false
    }
    fn cp_namespace(&self) -> &'static str {
        CP_NS
    }
    fn cp_schema_location(&self) -> String {
        format!(
            "{CP_NS} {CP_XSD} {QMD_NS} {QMD_XSD} {lom} {lom_xsd}",
            lom = super::LOM_NS,
            lom_xsd = super::LOM_XSD
        )
    }
    fn package_schema(&self) -> (&'static str, &'static str) {
        ("QTIv2.1 Package", "1.0.0")
    }
    fn item_type(&self) -> &'static str {
        "imsqti_item_xmlv2p1"
    }
    fn test_type(&self) -> &'static str {
        "imsqti_test_xmlv2p1"
    }
    fn qti_metadata_namespace(&self) -> Option<&'static str> {
        Some(QMD_NS)
    }
}
