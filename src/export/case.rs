//! CASE 1.1 JSON (1EdTech Competencies and Academic Standards Exchange): one CFPackage.
//!
//! By default the package is the curriculum's own objective framework: the CFDocument is the
//! curriculum, outline nodes that hold objectives become grouping CFItems (typed by their kind:
//! `Course`, `Unit`, …), objectives become CFItems typed by the level they sit at (`Course
//! Outcome`, `Lesson Objective`, …) with `humanCodingScheme` = objective code, and the
//! associations carry the hierarchy (`isChildOf`, ordered by `sequenceNumber`), vertical
//! alignment (`isPartOf`: an objective is part of the outcome it supports), prerequisites
//! (`precedes`) and standards alignment (`isRelatedTo`, or `exactMatchOf` with the option
//! `standardsAssociation`). Identifiers are the objectives' own UUIDs, so the GUIDs in a
//! cartridge's curriculum standards metadata point into this package.
//!
//! With `options.framework`, the package instead reproduces an imported framework through
//! [`crate::import::case::package`], the inverse of the CASE import: fields with a column of
//! their own come from the model and everything else verbatim from `extra`, so importing and
//! exporting a CASE file loses nothing; [`to_case_1_1`] then writes it as CASE 1.1 (a framework
//! imported from CASE 1.0 has its 1.0-only fields renamed or moved into `extensions`), so the
//! package is what its label says.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::lower::ExportContext;
use super::{
    ExportFormat, ExportOptions, ExportReport, Exporter, PackageWriter, Progress, finding, option,
    option_base, option_choice,
};
use crate::model::{Document, StandardItem};
use crate::pedagogy::{FieldBase, FieldSpec};
use crate::{Error, Finding, Result, Severity, Target};

/// Name of the package entry.
pub const FILE_NAME: &str = "case.json";

/// The `baseUri` option (CASE, and Common Cartridge 1.3's standards metadata).
pub(crate) fn base_uri_spec() -> FieldSpec {
    FieldSpec::Text {
        base: option_base(
            option::BASE_URI,
            "CASE base URI",
            "Base of the CASE URIs of the curriculum's objectives (<base>/CFItems/<uuid>); empty gives urn:uuid: URIs.",
            None,
        ),
        placeholder: "https://case.example.edu/uri".into(),
    }
}

/// Finds an imported framework by Trellis id or source identifier.
pub fn find_framework<'d>(doc: &'d Document, wanted: &str) -> Option<&'d crate::model::Framework> {
    let wanted = wanted.trim();
    doc.frameworks
        .iter()
        .find(|f| f.id.to_string() == wanted || (!f.identifier.is_empty() && f.identifier == wanted))
}

/// The CASE exporter.
pub struct Case;

impl Exporter for Case {
    fn format(&self) -> ExportFormat {
        ExportFormat::Case
    }

    fn option_specs(&self) -> Vec<FieldSpec> {
        vec![
            base_uri_spec(),
            FieldSpec::Text {
                base: option_base(
                    option::CREATOR,
                    "Creator",
                    "The CFDocument's creator; empty uses the curriculum's code or title.",
                    None,
                ),
                placeholder: String::new(),
            },
            FieldSpec::Select {
                base: FieldBase {
                    required: true,
                    ..option_base(
                        option::STANDARDS_ASSOCIATION,
                        "Standards association",
                        "How an objective is linked to the framework items it is aligned to.",
                        Some(option::RELATED.into()),
                    )
                },
                options: vec![
                    option_choice(option::RELATED, "Is related to (isRelatedTo)"),
                    option_choice(option::EXACT_MATCH, "Exact match of (exactMatchOf)"),
                ],
            },
        ]
    }

    /// A framework that is not in the document (`X08`), or no objectives to export (`X09`).
    fn preflight(&self, doc: &Document, options: &ExportOptions) -> Vec<Finding> {
        let curriculum = || Target {
            kind: "curriculum".into(),
            id: Some(doc.curriculum.id.to_string()),
            path: String::new(),
        };
        match &options.framework {
            Some(wanted) if find_framework(doc, wanted).is_none() => vec![finding(
                "X08-framework-not-found",
                Severity::Error,
                format!("The document has no framework \"{wanted}\"."),
                curriculum(),
                "Give the Trellis id or the source identifier of an imported framework.",
            )],
            None if doc.objectives.is_empty() => vec![finding(
                "X09-no-objectives",
                Severity::Error,
                "The curriculum has no objectives to export as a CASE framework.".into(),
                curriculum(),
                "Write objectives first, or export an imported framework with --framework.",
            )],
            _ => Vec::new(),
        }
    }

    fn export(
        &self,
        cx: &ExportContext<'_>,
        out: &mut dyn PackageWriter,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        progress(Progress { done: 0, total: 1, message: FILE_NAME.into() });
        let package = match &cx.options.framework {
            Some(wanted) => {
                let fw = find_framework(cx.doc, wanted)
                    .ok_or_else(|| Error::Refused(format!("the document has no framework \"{wanted}\"")))?;
                // The importer owns the mapping between CASE and the model, so it also owns
                // the way back: one place decides where each source field is kept. The package
                // is then written as CASE 1.1 whatever version it was imported from.
                let mut package = crate::import::case::package(cx.doc, fw.id)
                    .ok_or_else(|| Error::Internal(format!("framework {} could not be packaged", fw.id)))?;
                to_case_1_1(&mut package);
                package
            }
            None => curriculum_package(cx),
        };
        let mut text = serde_json::to_string_pretty(&package)
            .map_err(|e| Error::Internal(format!("serialising the CASE package: {e}")))?;
        text.push('\n');
        out.add(FILE_NAME, text.as_bytes())?;
        progress(Progress { done: 1, total: 1, message: FILE_NAME.into() });
        Ok(ExportReport::default())
    }
}

/// URI of an entity of this curriculum's package: `<baseUri>/<kind>/<uuid>` when the export
/// option `baseUri` is set, otherwise `urn:uuid:<uuid>`.
fn uri(cx: &ExportContext<'_>, kind: &str, id: &str) -> String {
    match cx
        .options
        .values
        .get(super::option::BASE_URI)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        Some(base) => format!("{}/{kind}/{id}", base.trim_end_matches('/')),
        None => format!("urn:uuid:{id}"),
    }
}

/// URI of the curriculum's CFDocument (also the provider of its csmd GUIDs in cartridges).
pub fn document_uri(cx: &ExportContext<'_>) -> String {
    uri(cx, "CFDocuments", &cx.doc.curriculum.id.to_string())
}

/// A name-based UUID: SHA-256 of the curriculum id and a name, with RFC 4122 version (5) and
/// variant bits, so derived entities keep their identifiers across exports.
fn derived_uuid(scope: Uuid, name: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes).hyphenated().to_string()
}

fn link(title: &str, identifier: &str, uri: &str) -> Value {
    json!({ "title": title, "identifier": identifier, "uri": uri })
}

/// The CFItemType of an objective at a node of `kind`: program and course objectives are
/// outcomes, the rest objectives.
fn objective_type(kind: &str) -> String {
    let kind = capitalise(kind.trim());
    let kind = if kind.is_empty() { "Curriculum".to_owned() } else { kind };
    if matches!(kind.to_ascii_lowercase().as_str(), "program" | "course") {
        format!("{kind} Outcome")
    } else {
        format!("{kind} Objective")
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn curriculum_package(cx: &ExportContext<'_>) -> Value {
    let c = &cx.doc.curriculum;
    let scope = c.id.0;
    let now = cx.generated_at().as_str().to_owned();
    let doc_id = c.id.to_string();
    let doc_uri = document_uri(cx);
    let doc_link = link(&cx.title, &doc_id, &doc_uri);
    let creator = cx
        .options
        .values
        .get(super::option::CREATOR)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(
            || if c.code.trim().is_empty() { cx.title.clone() } else { c.code.trim().to_owned() },
        );

    let mut document = Map::new();
    document.insert("identifier".into(), json!(doc_id));
    document.insert("uri".into(), json!(doc_uri));
    document.insert("frameworkType".into(), json!("Curriculum"));
    document.insert("caseVersion".into(), json!("1.1"));
    document.insert("creator".into(), json!(creator));
    document.insert("title".into(), json!(cx.title));
    document.insert("lastChangeDateTime".into(), json!(now));
    if !cx.description_text.is_empty() {
        document.insert("description".into(), json!(cx.description_text));
    }
    document.insert("language".into(), json!(cx.language));
    document.insert("adoptionStatus".into(), json!("Draft"));

    // Item types in first-use order.
    let mut types: Vec<(String, usize)> = Vec::new();
    let mut type_link = |name: String, depth: usize| -> Value {
        if !types.iter().any(|(t, _)| *t == name) {
            types.push((name.clone(), depth));
        }
        let id = derived_uuid(scope, &format!("CFItemType:{name}"));
        link(&name, &id, &uri(cx, "CFItemTypes", &id))
    };

    // Nodes that hold objectives somewhere below them become grouping items.
    let mut keep = vec![false; cx.nodes.len()];
    for i in (0..cx.nodes.len()).rev() {
        if !cx.nodes[i].objectives.is_empty() || cx.nodes[i].children.iter().any(|&c| keep[c]) {
            keep[i] = true;
        }
    }
    let node_link = |i: usize| {
        let n = &cx.nodes[i];
        let id = n.node.id.to_string();
        link(&n.title, &id, &uri(cx, "CFItems", &id))
    };
    let objective_link = |i: usize| {
        let o = &cx.objectives[i];
        let id = o.objective.id.to_string();
        link(&o.label, &id, &uri(cx, "CFItems", &id))
    };

    let mut items = Vec::new();
    let mut associations = Vec::new();
    let mut associate = |kind: &str, origin: Value, destination: Value, sequence: Option<usize>| {
        let key = format!(
            "{kind}:{}:{}",
            origin["identifier"].as_str().unwrap_or_default(),
            destination["identifier"].as_str().unwrap_or_default()
        );
        let id = derived_uuid(scope, &key);
        let mut a = Map::new();
        a.insert("identifier".into(), json!(id));
        a.insert("associationType".into(), json!(kind));
        if let Some(n) = sequence {
            a.insert("sequenceNumber".into(), json!(n));
        }
        a.insert("uri".into(), json!(uri(cx, "CFAssociations", &id)));
        a.insert("originNodeURI".into(), origin);
        a.insert("destinationNodeURI".into(), destination);
        a.insert("lastChangeDateTime".into(), json!(now));
        associations.push(Value::Object(a));
    };

    for (i, n) in cx.nodes.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let id = n.node.id.to_string();
        let mut item = Map::new();
        item.insert("identifier".into(), json!(id));
        item.insert("fullStatement".into(), json!(n.title));
        let kind = capitalise(n.node.kind.trim());
        item.insert("CFItemType".into(), json!(kind));
        item.insert("CFItemTypeURI".into(), type_link(kind, n.depth));
        item.insert("uri".into(), json!(uri(cx, "CFItems", &id)));
        if !n.node.code.trim().is_empty() {
            item.insert("humanCodingScheme".into(), json!(n.node.code.trim()));
        }
        item.insert("language".into(), json!(cx.language));
        item.insert("lastChangeDateTime".into(), json!(now));
        items.push(Value::Object(item));
        let parent = n.parent.filter(|&p| keep[p]);
        let siblings: Vec<usize> = match parent {
            Some(p) => cx.nodes[p].children.iter().copied().filter(|&c| keep[c]).collect(),
            None => cx.roots().filter(|&r| keep[r]).collect(),
        };
        let offset = parent.map(|p| cx.nodes[p].objectives.len()).unwrap_or(0);
        let sequence = siblings.iter().position(|&s| s == i).map(|p| offset + p + 1);
        let destination = parent.map(node_link).unwrap_or_else(|| doc_link.clone());
        associate("isChildOf", node_link(i), destination, sequence);
    }

    let association_kind =
        match cx.options.values.get(super::option::STANDARDS_ASSOCIATION).and_then(Value::as_str) {
            Some(super::option::EXACT_MATCH) => super::option::EXACT_MATCH,
            _ => super::option::RELATED,
        };
    for (i, o) in cx.objectives.iter().enumerate() {
        let obj = o.objective;
        let id = obj.id.to_string();
        let node = &cx.nodes[o.node];
        let mut item = Map::new();
        item.insert("identifier".into(), json!(id));
        item.insert("fullStatement".into(), json!(obj.statement.trim()));
        let kind = objective_type(&node.node.kind);
        item.insert("CFItemType".into(), json!(kind));
        item.insert("CFItemTypeURI".into(), type_link(kind, node.depth + 1));
        item.insert("uri".into(), json!(uri(cx, "CFItems", &id)));
        if !obj.code.trim().is_empty() {
            item.insert("humanCodingScheme".into(), json!(obj.code.trim()));
        }
        let behavior = obj.abcd.behavior.trim();
        if !behavior.is_empty() {
            item.insert("abbreviatedStatement".into(), json!(behavior));
        }
        let mut keywords = Vec::new();
        if let Some(level) = obj.level {
            keywords.push(format!("Bloom: {}", level.as_str()));
        }
        if let Some(k) = obj.knowledge {
            keywords.push(format!("Knowledge: {}", k.as_str()));
        }
        if !keywords.is_empty() {
            item.insert("conceptKeywords".into(), json!(keywords));
        }
        item.insert("language".into(), json!(cx.language));
        item.insert("lastChangeDateTime".into(), json!(now));
        items.push(Value::Object(item));
        let sequence = node.objectives.iter().position(|&x| x == i).map(|p| p + 1);
        associate("isChildOf", objective_link(i), node_link(o.node), sequence);
        for &s in &o.supports {
            associate("isPartOf", objective_link(i), objective_link(s), None);
        }
        for p in &obj.prerequisites {
            if let Some(p) = cx.objective_index(*p) {
                associate("precedes", objective_link(p), objective_link(i), None);
            }
        }
        for s in &o.standards {
            associate(association_kind, objective_link(i), standard_link(s), None);
        }
    }

    let item_types: Vec<Value> = types
        .iter()
        .map(|(name, depth)| {
            let id = derived_uuid(scope, &format!("CFItemType:{name}"));
            json!({
                "identifier": id,
                "uri": uri(cx, "CFItemTypes", &id),
                "title": name,
                "description": format!("{name} in the outline of {}", cx.title),
                "hierarchyCode": (depth + 1).to_string(),
                "lastChangeDateTime": now,
            })
        })
        .collect();
    let mut package = Map::new();
    package.insert("CFDocument".into(), Value::Object(document));
    package.insert("CFItems".into(), Value::Array(items));
    package.insert("CFAssociations".into(), Value::Array(associations));
    package.insert("CFDefinitions".into(), json!({ "CFItemTypes": item_types }));
    Value::Object(package)
}

/// A link to a framework item as CASE addresses it (its source identifier and URI).
/// Properties CASE 1.1 allows on each object of a package (its JSON Schema forbids others).
const DOCUMENT_FIELDS: &[&str] = &[
    "identifier",
    "uri",
    "frameworkType",
    "caseVersion",
    "creator",
    "title",
    "lastChangeDateTime",
    "officialSourceURL",
    "publisher",
    "description",
    "subject",
    "subjectURI",
    "language",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
    "notes",
    "extensions",
];
const ITEM_FIELDS: &[&str] = &[
    "identifier",
    "fullStatement",
    "alternativeLabel",
    "CFItemType",
    "uri",
    "humanCodingScheme",
    "listEnumeration",
    "abbreviatedStatement",
    "conceptKeywords",
    "conceptKeywordsURI",
    "notes",
    "subject",
    "subjectURI",
    "language",
    "educationLevel",
    "CFItemTypeURI",
    "licenseURI",
    "statusStartDate",
    "statusEndDate",
    "lastChangeDateTime",
    "extensions",
];
const ASSOCIATION_FIELDS: &[&str] = &[
    "identifier",
    "associationType",
    "sequenceNumber",
    "uri",
    "originNodeURI",
    "destinationNodeURI",
    "CFAssociationGroupingURI",
    "lastChangeDateTime",
    "notes",
    "extensions",
];
const PACKAGE_FIELDS: &[&str] =
    &["CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics", "extensions"];

/// Rewrites a CFPackage imported from CASE 1.0 (or kept verbatim from any source) as CASE 1.1,
/// losing nothing: the `{"CFPackage": …}` wrapper is removed, `caseVersion` is set to `1.1`,
/// the 1.0 spelling `educationalLevel` becomes `educationLevel`, a `sequenceNumber` given as
/// text becomes a number, a LinkURI given as a plain URI becomes a LinkURI object, null values
/// in `CFDefinitions` are dropped and the text fields 1.1 requires of item types are filled
/// with `""`, a `lastChangeDateTime` without a time zone is read as UTC, lists written as one
/// comma-separated string (`educationLevel`, `conceptKeywords`, `subject`) become arrays, and
/// every property 1.1 has no place for (1.0's `CFPackageURI`, `CFDocumentURI`,
/// `CFItemAssociationURI`, vendor fields) moves into that object's `extensions`. A package that
/// is already CASE 1.1 only gains `caseVersion`.
pub fn to_case_1_1(package: &mut Value) {
    if let Some(Value::Object(inner)) = package.get_mut("CFPackage").map(Value::take) {
        *package = Value::Object(inner);
    }
    let Value::Object(top) = package else { return };
    if let Some(Value::Object(document)) = top.get_mut("CFDocument") {
        document.insert("caseVersion".into(), json!("1.1"));
        zoned_date_time(document);
        listed(document, "subject");
        into_extensions(document, DOCUMENT_FIELDS);
    }
    if let Some(Value::Array(items)) = top.get_mut("CFItems") {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            if !item.contains_key("educationLevel")
                && let Some(level) = item.remove("educationalLevel")
            {
                item.insert("educationLevel".into(), level);
            }
            zoned_date_time(item);
            for key in ["educationLevel", "conceptKeywords", "subject"] {
                listed(item, key);
            }
            into_extensions(item, ITEM_FIELDS);
        }
    }
    if let Some(Value::Array(associations)) = top.get_mut("CFAssociations") {
        for a in associations.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::String(text)) = a.get("sequenceNumber")
                && let Ok(n) = text.trim().parse::<i64>()
            {
                a.insert("sequenceNumber".into(), json!(n));
            }
            for key in ["originNodeURI", "destinationNodeURI"] {
                if let Some(Value::String(uri)) = a.get(key) {
                    let identifier = uri.trim_end_matches('/').rsplit('/').next().unwrap_or(uri).to_owned();
                    let uri = uri.clone();
                    a.insert(key.into(), link("", &identifier, &uri));
                }
            }
            if a.get("sequenceNumber").is_some_and(|n| !n.is_i64())
                && let Some(moved) = a.remove("sequenceNumber")
            {
                put_extension(a, "sequenceNumber".into(), moved);
            }
            zoned_date_time(a);
            into_extensions(a, ASSOCIATION_FIELDS);
        }
    }
    if let Some(Value::Object(definitions)) = top.get_mut("CFDefinitions") {
        for (key, list) in definitions.iter_mut() {
            let Value::Array(list) = list else { continue };
            for entry in list.iter_mut().filter_map(Value::as_object_mut) {
                entry.retain(|_, v| !v.is_null());
                zoned_date_time(entry);
                if key == "CFItemTypes" {
                    for field in ["description", "hierarchyCode"] {
                        entry.entry(field).or_insert_with(|| json!(""));
                    }
                }
            }
        }
    }
    into_extensions(top, PACKAGE_FIELDS);
}

/// A list CASE 1.0 tools sometimes wrote as one comma-separated string (`"06,07"`) becomes the
/// array CASE 1.1 requires.
fn listed(obj: &mut Map<String, Value>, key: &str) {
    if let Some(Value::String(text)) = obj.get(key) {
        let list: Vec<Value> =
            text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| json!(s)).collect();
        obj.insert(key.to_owned(), Value::Array(list));
    }
}

/// CASE 1.1 requires `lastChangeDateTime` with a time zone (RFC 3339); CASE 1.0 tools often
/// wrote `2017-05-25T18:05:29` or `2017-05-25 18:05:29`. Such a value is read as UTC.
fn zoned_date_time(obj: &mut Map<String, Value>) {
    let Some(Value::String(text)) = obj.get_mut("lastChangeDateTime") else { return };
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let local = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b.len() == 19 || (b[19] == b'.' && b.len() > 20 && digits(20..b.len())));
    if local {
        text.replace_range(10..11, "T");
        text.push('Z');
    }
}

/// Moves every property not in `allowed` into the object's `extensions`.
fn into_extensions(obj: &mut Map<String, Value>, allowed: &[&str]) {
    let unknown: Vec<String> = obj.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
    for key in unknown {
        if let Some(value) = obj.remove(&key) {
            put_extension(obj, key, value);
        }
    }
}

/// Adds one property to the object's `extensions` (created when missing; a value that was not
/// an object is kept inside it under `extensions`).
fn put_extension(obj: &mut Map<String, Value>, key: String, value: Value) {
    if let Some(Value::Object(map)) = obj.get_mut("extensions") {
        map.insert(key, value);
        return;
    }
    let mut map = Map::new();
    if let Some(old) = obj.remove("extensions") {
        map.insert("extensions".into(), old);
    }
    map.insert(key, value);
    obj.insert("extensions".into(), Value::Object(map));
}

fn standard_link(s: &StandardItem) -> Value {
    let identifier =
        if s.identifier.trim().is_empty() { s.id.to_string() } else { s.identifier.trim().to_owned() };
    let uri =
        if s.uri.trim().is_empty() { format!("urn:uuid:{identifier}") } else { s.uri.trim().to_owned() };
    let title =
        if s.code.trim().is_empty() { s.statement.trim().to_owned() } else { s.code.trim().to_owned() };
    link(&title, &identifier, &uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_uuids_are_stable_and_well_formed() {
        let scope = Uuid::nil();
        let a = derived_uuid(scope, "CFItemType:Unit");
        assert_eq!(a, derived_uuid(scope, "CFItemType:Unit"));
        assert_ne!(a, derived_uuid(scope, "CFItemType:Lesson"));
        let parsed = Uuid::parse_str(&a).unwrap_or_default();
        assert_eq!(parsed.get_version_num(), 5);
    }

    #[test]
    fn objectives_of_programs_and_courses_are_outcomes() {
        assert_eq!(objective_type("course"), "Course Outcome");
        assert_eq!(objective_type("lesson"), "Lesson Objective");
        assert_eq!(objective_type(""), "Curriculum Objective");
    }
}
