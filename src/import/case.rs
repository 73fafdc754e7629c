//! IMS CASE 1.0/1.1 CFPackage JSON → [`FrameworkImport`], and back with [`package`].
//!
//! Nothing is dropped. Fields with a column of their own (identifier, uri, title, creator,
//! version, language; humanCodingScheme, fullStatement, abbreviatedStatement, CFItemType;
//! associationType, originNodeURI, destinationNodeURI) go there; every other field is kept
//! verbatim in `extra`: the rest of CFDocument under `extra.CFDocument`, CFDefinitions and
//! CFRubrics under `extra.CFDefinitions` / `extra.CFRubrics`, other top-level keys under
//! `extra.package`, and the rest of each CFItem / CFAssociation (listEnumeration,
//! sequenceNumber, educationLevel, conceptKeywords, subjects, licenseURI, language, notes,
//! CFDocumentURI, …) in that item's or association's `extra`. A mapped field whose value is not a
//! non-empty string stays in `extra` as it was, so [`package`] reproduces the source exactly.
//!
//! The hierarchy comes from the `isChildOf` associations (all of which are kept as
//! associations too); siblings are ordered by the association's sequenceNumber, then the item's
//! listEnumeration, then humanCodingScheme (natural order: `L1.2` before `L1.10`), then source
//! order. Associations whose ends lie outside the package are kept as external references.
//!
//! Not here: merging into a document ([`super::merge_framework`]) and CASE export of a
//! curriculum's own objectives (`crate::export`).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::safety::{check_source_len, parse_error, utf8};
use super::{FrameworkImport, Limits, finding};
use crate::Result;
use crate::finding::Severity;
use crate::model::{
    AssociationId, Document, ExternalRef, Framework, FrameworkId, StandardAssociation, StandardItem,
    StandardItemId,
};

/// `Framework::source` of frameworks imported from CASE.
pub const SOURCE: &str = "case";

/// Parses a CASE CFPackage (the object itself, or wrapped as `{"CFPackage": {…}}`).
pub fn parse(bytes: &[u8], source_name: &str) -> Result<FrameworkImport> {
    check_source_len(bytes.len() as u64, source_name, &Limits::default())?;
    let text = utf8(bytes, source_name)?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        parse_error(
            source_name,
            format!("line {}, column {}: not valid JSON: {}", e.line(), e.column(), strip_at(&e)),
        )
    })?;
    from_value(value, source_name)
}

fn strip_at(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Builds the import from an already parsed JSON value.
pub fn from_value(value: Value, source_name: &str) -> Result<FrameworkImport> {
    let err = |message: String| parse_error(source_name, message);
    let Value::Object(mut top) = value else {
        return Err(err("the top level is not a JSON object; a CASE CFPackage is expected".into()));
    };
    let mut wrapped = false;
    if !top.contains_key("CFDocument")
        && let Some(Value::Object(inner)) = top.get("CFPackage")
    {
        top = inner.clone();
        wrapped = true;
    }
    let Some(Value::Object(mut cf_document)) = top.remove("CFDocument") else {
        return Err(err("`CFDocument` is missing or not an object; this is not a CASE CFPackage".into()));
    };
    let items_value = top.remove("CFItems").unwrap_or(Value::Array(Vec::new()));
    let assocs_value = top.remove("CFAssociations").unwrap_or(Value::Array(Vec::new()));
    let Value::Array(raw_items) = items_value else {
        return Err(err("`CFItems` is not an array".into()));
    };
    let Value::Array(raw_assocs) = assocs_value else {
        return Err(err("`CFAssociations` is not an array".into()));
    };

    let identifier = take_str(&mut cf_document, "identifier");
    if identifier.is_empty() {
        return Err(err("`CFDocument.identifier` is missing or empty".into()));
    }
    let title = take_str(&mut cf_document, "title");
    if title.is_empty() {
        return Err(err("`CFDocument.title` is missing or empty; a CASE framework needs a title".into()));
    }
    let mut extra = Map::new();
    let framework_id = FrameworkId::new();
    let framework = Framework {
        id: framework_id,
        uri: take_str(&mut cf_document, "uri"),
        creator: take_str(&mut cf_document, "creator"),
        version: take_str(&mut cf_document, "version"),
        language: take_str(&mut cf_document, "language"),
        identifier: identifier.clone(),
        title,
        source: SOURCE.to_owned(),
        extra: Value::Null,
    };
    extra.insert("CFDocument".into(), Value::Object(cf_document));
    for key in ["CFDefinitions", "CFRubrics"] {
        if let Some(v) = top.remove(key) {
            extra.insert(key.into(), v);
        }
    }
    if !top.is_empty() {
        extra.insert("package".into(), Value::Object(top));
    }
    if wrapped {
        extra.insert("wrapped".into(), Value::Bool(true));
    }
    let framework = Framework { extra: Value::Object(extra), ..framework };

    let mut findings = Vec::new();
    let mut items: Vec<StandardItem> = Vec::with_capacity(raw_items.len());
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, raw) in raw_items.into_iter().enumerate() {
        let Value::Object(mut obj) = raw else {
            return Err(err(format!("`CFItems[{i}]` is not an object")));
        };
        let item_identifier = take_str(&mut obj, "identifier");
        if item_identifier.is_empty() {
            return Err(err(format!("`CFItems[{i}].identifier` is missing or empty")));
        }
        if !obj.contains_key("fullStatement") {
            return Err(err(format!("`CFItems[{i}].fullStatement` is missing (item {item_identifier})")));
        }
        let item = StandardItem {
            id: StandardItemId::new(),
            framework: framework_id,
            parent: None,
            identifier: item_identifier,
            uri: take_str(&mut obj, "uri"),
            code: take_str(&mut obj, "humanCodingScheme"),
            statement: take_str(&mut obj, "fullStatement"),
            abbreviated: take_str(&mut obj, "abbreviatedStatement"),
            item_type: take_str(&mut obj, "CFItemType"),
            extra: Value::Object(obj),
        };
        if let Some(&(first, at)) = seen.get(&item.identifier) {
            let same = StandardItem { id: items[at].id, ..item.clone() } == items[at];
            findings.push(duplicate("CFItems", i, first, &item.identifier, same, source_name));
            continue;
        }
        seen.insert(item.identifier.clone(), (i, items.len()));
        items.push(item);
    }

    let mut associations: Vec<StandardAssociation> = Vec::with_capacity(raw_assocs.len());
    let mut assoc_seen: HashMap<String, (usize, usize)> = HashMap::new();
    let mut self_associations = Vec::new();
    for (i, raw) in raw_assocs.into_iter().enumerate() {
        let Value::Object(mut obj) = raw else {
            return Err(err(format!("`CFAssociations[{i}]` is not an object")));
        };
        let assoc_identifier = take_str(&mut obj, "identifier");
        if assoc_identifier.is_empty() {
            return Err(err(format!("`CFAssociations[{i}].identifier` is missing or empty")));
        }
        let association_type = take_str(&mut obj, "associationType");
        if association_type.is_empty() {
            return Err(err(format!("`CFAssociations[{i}].associationType` is missing or empty")));
        }
        let origin = take_ref(&mut obj, "originNodeURI")
            .ok_or_else(|| err(format!("`CFAssociations[{i}].originNodeURI` is missing")))?;
        let destination = take_ref(&mut obj, "destinationNodeURI")
            .ok_or_else(|| err(format!("`CFAssociations[{i}].destinationNodeURI` is missing")))?;
        let association = StandardAssociation {
            id: AssociationId::new(),
            framework: framework_id,
            identifier: assoc_identifier,
            association_type,
            origin,
            destination,
            extra: Value::Object(obj),
        };
        if let Some(&(first, at)) = assoc_seen.get(&association.identifier) {
            let same =
                StandardAssociation { id: associations[at].id, ..association.clone() } == associations[at];
            findings.push(duplicate("CFAssociations", i, first, &association.identifier, same, source_name));
            continue;
        }
        if association.origin.identifier == association.destination.identifier {
            self_associations.push(format!(
                "`CFAssociations[{i}]` ({} {})",
                association.association_type, association.origin.identifier
            ));
        }
        assoc_seen.insert(association.identifier.clone(), (i, associations.len()));
        associations.push(association);
    }
    if !self_associations.is_empty() {
        findings.push(finding(
            "import-case-self-association",
            Severity::Warning,
            format!(
                "{} association(s) link an item to itself; they are kept as associations but place nothing in the hierarchy: {}",
                self_associations.len(),
                clip_list(&self_associations)
            ),
            "framework",
            source_name,
        ));
    }

    let items = order_items(items, &associations, source_name, &mut findings);
    let known: HashSet<&str> =
        items.iter().map(|i| i.identifier.as_str()).chain(std::iter::once(identifier.as_str())).collect();
    let external = associations
        .iter()
        .filter(|a| {
            !known.contains(a.origin.identifier.as_str())
                || !known.contains(a.destination.identifier.as_str())
        })
        .count();
    if external > 0 {
        findings.push(finding(
            "import-case-external-associations",
            Severity::Info,
            format!(
                "{external} association(s) point outside this package; they are kept as external references"
            ),
            "framework",
            source_name,
        ));
    }
    Ok(FrameworkImport { framework, items, associations, findings })
}

/// The finding for a second entry with an identifier already seen: byte-identical copies are
/// merged (info), conflicting ones are reported and the first is kept (warning; `--strict`
/// refuses the import).
fn duplicate(
    list: &str,
    i: usize,
    first: usize,
    identifier: &str,
    same: bool,
    source_name: &str,
) -> crate::Finding {
    if same {
        finding(
            "import-case-duplicate",
            Severity::Info,
            format!("`{list}[{i}]` repeats `{list}[{first}]` ({identifier}) exactly; the copies were merged"),
            "framework",
            source_name,
        )
    } else {
        finding(
            "import-case-conflicting-duplicate",
            Severity::Warning,
            format!(
                "`{list}[{i}]` has the identifier of `{list}[{first}]` ({identifier}) but different content; the first was kept and this one ignored"
            ),
            "framework",
            source_name,
        )
    }
}

/// The first few entries of a list for a message, with how many more there are.
fn clip_list(entries: &[String]) -> String {
    let shown: Vec<&str> = entries.iter().take(5).map(String::as_str).collect();
    match entries.len().saturating_sub(5) {
        0 => shown.join(", "),
        more => format!("{}, and {more} more", shown.join(", ")),
    }
}

/// Removes and returns `key` when it holds a non-empty string; otherwise leaves it in place
/// (so `extra` keeps unusual values verbatim) and returns `""`.
fn take_str(obj: &mut Map<String, Value>, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => match obj.remove(key) {
            Some(Value::String(s)) => s,
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// Reads a LinkURI. The plain shape (`identifier`, `uri`, `title`, all non-empty strings) is
/// moved into an [`ExternalRef`]; any other shape stays in `extra` verbatim and a best-effort
/// reference is derived from it.
fn take_ref(obj: &mut Map<String, Value>, key: &str) -> Option<ExternalRef> {
    let value = obj.get(key)?;
    if let Value::Object(link) = value {
        let plain = link.keys().all(|k| matches!(k.as_str(), "identifier" | "uri" | "title"))
            && link.values().all(|v| matches!(v, Value::String(s) if !s.is_empty()))
            && link.contains_key("identifier");
        let get = |k: &str| link.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let reference = ExternalRef { identifier: get("identifier"), uri: get("uri"), title: get("title") };
        if plain {
            obj.remove(key);
        }
        let reference = if reference.identifier.is_empty() {
            ExternalRef { identifier: last_segment(&reference.uri), ..reference }
        } else {
            reference
        };
        return Some(reference);
    }
    if let Value::String(uri) = value {
        return Some(ExternalRef { identifier: last_segment(uri), uri: uri.clone(), title: String::new() });
    }
    None
}

fn last_segment(uri: &str) -> String {
    uri.trim_end_matches('/').rsplit('/').next().unwrap_or(uri).to_owned()
}

/// Orders items parents-first with siblings sorted, and sets `parent` from `isChildOf`.
fn order_items(
    mut items: Vec<StandardItem>,
    associations: &[StandardAssociation],
    source_name: &str,
    findings: &mut Vec<crate::Finding>,
) -> Vec<StandardItem> {
    let index: HashMap<String, usize> =
        items.iter().enumerate().map(|(i, it)| (it.identifier.clone(), i)).collect();
    // First isChildOf per child wins; later ones stay associations only.
    let mut placed: HashMap<usize, (Option<usize>, Option<f64>)> = HashMap::new();
    for a in associations {
        if a.association_type != "isChildOf" {
            continue;
        }
        let Some(&child) = index.get(&a.origin.identifier) else { continue };
        if placed.contains_key(&child) {
            continue;
        }
        let parent = match index.get(&a.destination.identifier) {
            Some(&p) if p != child => Some(p),
            _ => None,
        };
        placed.insert(child, (parent, sequence_number(&a.extra)));
    }
    let key = |i: usize| -> (Option<f64>, String, String, usize) {
        let seq = placed.get(&i).and_then(|p| p.1);
        let list = items[i].extra.get("listEnumeration").map(value_text).unwrap_or_default();
        (seq, list, items[i].code.clone(), i)
    };
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for i in 0..items.len() {
        let parent = placed.get(&i).and_then(|p| p.0);
        children.entry(parent).or_default().push(i);
    }
    let keys: Vec<_> = (0..items.len()).map(key).collect();
    for list in children.values_mut() {
        list.sort_by(|&a, &b| compare_keys(&keys[a], &keys[b]));
    }
    let mut order = Vec::with_capacity(items.len());
    let mut visited = vec![false; items.len()];
    let mut stack: Vec<usize> =
        children.get(&None).map(|v| v.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut visited[i], true) {
            continue;
        }
        order.push(i);
        if let Some(kids) = children.get(&Some(i)) {
            stack.extend(kids.iter().rev().copied());
        }
    }
    let mut cyclic = Vec::new();
    for (i, seen) in visited.iter().enumerate() {
        if !seen {
            order.push(i);
            cyclic.push(i);
        }
    }
    let ids: Vec<StandardItemId> = items.iter().map(|i| i.id).collect();
    for (i, item) in items.iter_mut().enumerate() {
        item.parent = placed.get(&i).and_then(|p| p.0).map(|p| ids[p]);
    }
    // One finding for all of them: a cycle can hold every item of a large package.
    let mut names = Vec::new();
    for &i in &cyclic {
        items[i].parent = None;
        names.push(if items[i].code.is_empty() {
            items[i].identifier.clone()
        } else {
            format!("{} ({})", items[i].identifier, items[i].code)
        });
    }
    if !names.is_empty() {
        findings.push(finding(
            "import-case-cycle",
            Severity::Warning,
            format!(
                "{} item(s) are part of an isChildOf cycle or hang below one; they were placed at the top level (their associations are kept): {}",
                names.len(),
                clip_list(&names)
            ),
            "standardItem",
            source_name,
        ));
    }
    let mut slots: Vec<Option<StandardItem>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn compare_keys(
    a: &(Option<f64>, String, String, usize),
    b: &(Option<f64>, String, String, usize),
) -> Ordering {
    let seq = match (a.0, b.0) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    seq.then_with(|| empty_last(&a.1, &b.1)).then_with(|| empty_last(&a.2, &b.2)).then_with(|| a.3.cmp(&b.3))
}

fn empty_last(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => natural_cmp(a, b),
    }
}

fn sequence_number(extra: &Value) -> Option<f64> {
    match extra.get("sequenceNumber")? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Compares strings the way people number things: digit runs by value (`L1.2` < `L1.10`),
/// other text case-insensitively.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(&c) = it.peek() {
                        if !c.is_ascii_digit() {
                            break;
                        }
                        s.push(c);
                        it.next();
                    }
                    s
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let ord = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// Rebuilds the CASE CFPackage of a framework stored in `doc` (the inverse of [`parse`] for
/// frameworks imported from CASE; other frameworks get the CASE fields they have, with
/// `isChildOf` associations derived from the item hierarchy).
pub fn package(doc: &Document, framework: FrameworkId) -> Option<Value> {
    let fw = doc.frameworks.iter().find(|f| f.id == framework)?;
    let from_case = fw.source == SOURCE;
    let extra = fw.extra.as_object().cloned().unwrap_or_default();
    let mut cf_document = match extra.get("CFDocument") {
        Some(Value::Object(o)) if from_case => o.clone(),
        _ => Map::new(),
    };
    let document_identifier =
        if fw.identifier.is_empty() { fw.id.to_string() } else { fw.identifier.clone() };
    put(&mut cf_document, "identifier", &document_identifier);
    put(&mut cf_document, "uri", &fw.uri);
    put(&mut cf_document, "title", &fw.title);
    put(&mut cf_document, "creator", &fw.creator);
    put(&mut cf_document, "version", &fw.version);
    put(&mut cf_document, "language", &fw.language);

    let items: Vec<&StandardItem> = doc.standard_items.iter().filter(|s| s.framework == framework).collect();
    let item_identifier = |item: &StandardItem| {
        if item.identifier.is_empty() { item.id.to_string() } else { item.identifier.clone() }
    };
    let mut cf_items = Vec::with_capacity(items.len());
    for item in &items {
        let mut obj = match &item.extra {
            Value::Object(o) if from_case => o.clone(),
            _ => Map::new(),
        };
        put(&mut obj, "identifier", &item_identifier(item));
        put(&mut obj, "uri", &item.uri);
        put(&mut obj, "humanCodingScheme", &item.code);
        put(&mut obj, "fullStatement", &item.statement);
        put(&mut obj, "abbreviatedStatement", &item.abbreviated);
        put(&mut obj, "CFItemType", &item.item_type);
        cf_items.push(Value::Object(obj));
    }

    let mut cf_associations = Vec::new();
    for a in doc.associations.iter().filter(|a| a.framework == framework) {
        let mut obj = match &a.extra {
            Value::Object(o) if from_case => o.clone(),
            _ => Map::new(),
        };
        put(&mut obj, "identifier", &a.identifier);
        put(&mut obj, "associationType", &a.association_type);
        if !obj.contains_key("originNodeURI") {
            obj.insert("originNodeURI".into(), link(&a.origin));
        }
        if !obj.contains_key("destinationNodeURI") {
            obj.insert("destinationNodeURI".into(), link(&a.destination));
        }
        cf_associations.push(Value::Object(obj));
    }
    if !from_case {
        // Frameworks from CSV keep their hierarchy in `parent`; CASE needs it as associations.
        let by_id: HashMap<StandardItemId, &StandardItem> = items.iter().map(|i| (i.id, *i)).collect();
        for (n, item) in items.iter().enumerate() {
            let destination = match item.parent.and_then(|p| by_id.get(&p)) {
                Some(parent) => ExternalRef {
                    identifier: item_identifier(parent),
                    uri: parent.uri.clone(),
                    title: parent.code.clone(),
                },
                None => ExternalRef {
                    identifier: document_identifier.clone(),
                    uri: fw.uri.clone(),
                    title: fw.title.clone(),
                },
            };
            let mut obj = Map::new();
            put(&mut obj, "identifier", &derived_uuid(&format!("isChildOf:{}", item.id)));
            put(&mut obj, "associationType", "isChildOf");
            obj.insert(
                "originNodeURI".into(),
                link(&ExternalRef {
                    identifier: item_identifier(item),
                    uri: item.uri.clone(),
                    title: item.code.clone(),
                }),
            );
            obj.insert("destinationNodeURI".into(), link(&destination));
            obj.insert("sequenceNumber".into(), Value::from(n as u64 + 1));
            cf_associations.push(Value::Object(obj));
        }
    }

    let mut top = match extra.get("package") {
        Some(Value::Object(o)) if from_case => o.clone(),
        _ => Map::new(),
    };
    top.insert("CFDocument".into(), Value::Object(cf_document));
    top.insert("CFItems".into(), Value::Array(cf_items));
    top.insert("CFAssociations".into(), Value::Array(cf_associations));
    if from_case {
        for key in ["CFDefinitions", "CFRubrics"] {
            if let Some(v) = extra.get(key) {
                top.insert(key.into(), v.clone());
            }
        }
    }
    if from_case && extra.get("wrapped") == Some(&Value::Bool(true)) {
        let mut outer = Map::new();
        outer.insert("CFPackage".into(), Value::Object(top));
        return Some(Value::Object(outer));
    }
    Some(Value::Object(top))
}

fn put(obj: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        obj.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

fn link(r: &ExternalRef) -> Value {
    let mut obj = Map::new();
    put(&mut obj, "title", &r.title);
    put(&mut obj, "identifier", &r.identifier);
    put(&mut obj, "uri", &r.uri);
    Value::Object(obj)
}

/// A stable UUID-shaped identifier derived from a seed (SHA-256, version nibble 8).
fn derived_uuid(seed: &str) -> String {
    let hash = crate::model::sha256_hex(seed.as_bytes());
    let h = &hash[..32];
    format!("{}-{}-8{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// Reads and parses a CASE file from disk under the default limits.
pub fn parse_path(path: &std::path::Path) -> Result<FrameworkImport> {
    let bytes = super::safety::read_source(path, &Limits::default())?;
    parse(&bytes, &path.display().to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_by_value() {
        let mut codes = vec!["L1.10", "L1.2", "L1.1", "l1.3", "L2"];
        codes.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(codes, ["L1.1", "L1.2", "l1.3", "L1.10", "L2"]);
    }

    #[test]
    fn minimal_package_keeps_every_field_and_orders_children() {
        let json = r#"{
          "CFDocument": {"identifier": "D", "uri": "u:D", "title": "T", "adoptionStatus": "Draft"},
          "CFItems": [
            {"identifier": "B", "fullStatement": "b", "humanCodingScheme": "X.10", "conceptKeywords": ["k"]},
            {"identifier": "A", "fullStatement": "a", "humanCodingScheme": "X.2", "educationLevel": ["03"]},
            {"identifier": "P", "fullStatement": "p", "humanCodingScheme": "X"}
          ],
          "CFAssociations": [
            {"identifier": "1", "associationType": "isChildOf",
             "originNodeURI": {"identifier": "B", "uri": "u:B", "title": "b"},
             "destinationNodeURI": {"identifier": "P", "uri": "u:P", "title": "p"}},
            {"identifier": "2", "associationType": "isChildOf",
             "originNodeURI": {"identifier": "A", "uri": "u:A", "title": "a"},
             "destinationNodeURI": {"identifier": "P", "uri": "u:P", "title": "p"}},
            {"identifier": "3", "associationType": "isChildOf",
             "originNodeURI": {"identifier": "P", "uri": "u:P", "title": "p"},
             "destinationNodeURI": {"identifier": "D", "uri": "u:D", "title": "T"}},
            {"identifier": "4", "associationType": "exactMatchOf",
             "originNodeURI": {"identifier": "A", "uri": "u:A", "title": "a"},
             "destinationNodeURI": "http://elsewhere.example/Z"}
          ],
          "CFRubrics": [{"identifier": "R"}]
        }"#;
        let import = parse(json.as_bytes(), "t.json").unwrap();
        let codes: Vec<&str> = import.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["X", "X.2", "X.10"], "parent first, then natural order");
        assert_eq!(import.items[1].parent, Some(import.items[0].id));
        assert_eq!(import.items[1].extra["educationLevel"][0], "03");
        assert_eq!(import.associations[3].destination.identifier, "Z");
        assert_eq!(import.framework.extra["CFRubrics"][0]["identifier"], "R");

        let mut doc = Document::new("d");
        crate::import::merge_framework(&mut doc, import);
        let back = package(&doc, doc.frameworks[0].id).unwrap();
        let original: Value = serde_json::from_str(json).unwrap();
        assert_eq!(back["CFDocument"], original["CFDocument"]);
        assert_eq!(back["CFRubrics"], original["CFRubrics"]);
        let find = |v: &Value, key: &str, id: &str| {
            v[key].as_array().unwrap().iter().find(|x| x["identifier"] == id).cloned().unwrap()
        };
        for id in ["A", "B", "P"] {
            assert_eq!(find(&back, "CFItems", id), find(&original, "CFItems", id));
        }
        for id in ["1", "2", "3", "4"] {
            assert_eq!(find(&back, "CFAssociations", id), find(&original, "CFAssociations", id));
        }
    }

    #[test]
    fn malformed_packages_are_refused_with_the_json_path() {
        let e = parse(
            br#"{"CFDocument": {"identifier": "D", "title": "T"}, "CFItems": [{"fullStatement": "x"}]}"#,
            "f.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("f.json") && e.contains("CFItems[0].identifier"), "{e}");
        let e = parse(b"{\"CFDocument\": ", "g.json").unwrap_err().to_string();
        assert!(e.contains("g.json") && e.contains("line 1"), "{e}");
    }
}
