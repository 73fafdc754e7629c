//! Applying imports to a document: [`merge_framework`] (first import or re-import of a newer
//! version, updated in place by source identifier) and [`merge_course`] (a parsed course added
//! to a document). Both are pure transformations of a `Document`; callers validate and save.
//!
//! A re-import keeps the Trellis ids of items it recognises (CASE identifier, else code, else
//! statement), so objective alignments survive. Items that disappear are removed; objectives
//! aligned to them move to the item's `replacedBy` successor when the new version names one,
//! and otherwise lose that alignment, which the report lists.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::{CourseImport, FrameworkImport};
use crate::model::{
    AssetId, Document, FrameworkId, ItemBody, NodeId, ObjectiveId, StandardAssociation, StandardItem,
    StandardItemId,
};

/// An item as shown in reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ItemRef {
    /// Source identifier.
    pub identifier: String,
    /// Human coding scheme.
    pub code: String,
    /// The statement, shortened to 80 characters.
    pub statement: String,
}

impl ItemRef {
    fn of(item: &StandardItem) -> Self {
        let mut statement: String = item.statement.chars().take(80).collect();
        if item.statement.chars().count() > 80 {
            statement.push('…');
        }
        ItemRef { identifier: item.identifier.clone(), code: item.code.clone(), statement }
    }

    fn label(&self) -> String {
        match (self.code.is_empty(), self.identifier.is_empty()) {
            (false, _) => self.code.clone(),
            (true, false) => self.identifier.clone(),
            (true, true) => format!("\"{}\"", self.statement),
        }
    }
}

/// One changed field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// Field name (`statement`, `parent`, `extra.notes`, …).
    pub field: String,
    /// Value before (JSON text for `extra` fields).
    pub before: String,
    /// Value after.
    pub after: String,
}

/// An item whose fields changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ItemChange {
    /// The item (as it is now).
    pub item: ItemRef,
    /// What changed.
    pub fields: Vec<FieldChange>,
}

/// An objective alignment moved from a removed item to its replacement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Realignment {
    /// The objective.
    pub objective: ObjectiveId,
    /// Its code.
    pub objective_code: String,
    /// The removed item.
    pub from: ItemRef,
    /// Its replacement.
    pub to: ItemRef,
}

/// An objective alignment dropped because its item was removed without a replacement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Unalignment {
    /// The objective.
    pub objective: ObjectiveId,
    /// Its code.
    pub objective_code: String,
    /// The removed item.
    pub item: ItemRef,
}

/// What a framework import changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ChangeReport {
    /// The framework (new or updated).
    pub framework: FrameworkId,
    /// Its title.
    pub title: String,
    /// Whether the framework was new to the document.
    pub created: bool,
    /// Version before the import (empty when new or unversioned).
    pub previous_version: String,
    /// Version after the import.
    pub version: String,
    /// Framework fields that changed.
    pub framework_fields: Vec<FieldChange>,
    /// Items added.
    pub added: Vec<ItemRef>,
    /// Items updated in place.
    pub changed: Vec<ItemChange>,
    /// Items removed.
    pub removed: Vec<ItemRef>,
    /// Items present and identical.
    pub unchanged: usize,
    /// Associations added.
    pub associations_added: usize,
    /// Associations whose content changed.
    pub associations_changed: usize,
    /// Associations removed.
    pub associations_removed: usize,
    /// Alignments moved to a replacement item.
    pub realigned: Vec<Realignment>,
    /// Alignments dropped.
    pub unaligned: Vec<Unalignment>,
}

impl ChangeReport {
    /// Whether the import changed nothing.
    pub fn is_empty(&self) -> bool {
        !self.created
            && self.framework_fields.is_empty()
            && self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.associations_added == 0
            && self.associations_changed == 0
            && self.associations_removed == 0
    }

    /// A few lines for people: totals, then each change.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        if self.created {
            out.push_str(&format!(
                "Imported framework \"{}\": {} items, {} associations.\n",
                self.title,
                self.added.len(),
                self.associations_added
            ));
            return out;
        }
        let version = if self.previous_version != self.version {
            format!(" (version {} → {})", blank(&self.previous_version), blank(&self.version))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "Updated framework \"{}\"{version}: {} added, {} changed, {} removed, {} unchanged; associations {} added, {} changed, {} removed.\n",
            self.title,
            self.added.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged,
            self.associations_added,
            self.associations_changed,
            self.associations_removed
        ));
        for f in &self.framework_fields {
            out.push_str(&format!("  ~ framework {}: {} → {}\n", f.field, clip(&f.before), clip(&f.after)));
        }
        for a in &self.added {
            out.push_str(&format!("  + {} {}\n", a.label(), a.statement));
        }
        for c in &self.changed {
            let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
            out.push_str(&format!("  ~ {} ({})\n", c.item.label(), fields.join(", ")));
        }
        for r in &self.removed {
            out.push_str(&format!("  - {} {}\n", r.label(), r.statement));
        }
        for r in &self.realigned {
            out.push_str(&format!(
                "  objective {} now aligned to {} (replaces {})\n",
                r.objective_code,
                r.to.label(),
                r.from.label()
            ));
        }
        for u in &self.unaligned {
            out.push_str(&format!(
                "  objective {} lost its alignment to removed item {}\n",
                u.objective_code,
                u.item.label()
            ));
        }
        out
    }
}

fn blank(s: &str) -> &str {
    if s.is_empty() { "(none)" } else { s }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Adds a framework to the document, or updates the framework with the same source identifier
/// (or, without one, the same source and title) in place, and reports what changed.
pub fn merge_framework(doc: &mut Document, import: FrameworkImport) -> ChangeReport {
    let FrameworkImport { framework: incoming, items, associations, .. } = import;
    let existing = doc.frameworks.iter().position(|f| {
        if !incoming.identifier.is_empty() {
            f.identifier == incoming.identifier
        } else {
            f.identifier.is_empty() && f.source == incoming.source && f.title == incoming.title
        }
    });
    let Some(position) = existing else {
        let report = ChangeReport {
            framework: incoming.id,
            title: incoming.title.clone(),
            created: true,
            version: incoming.version.clone(),
            added: items.iter().map(ItemRef::of).collect(),
            associations_added: associations.len(),
            ..ChangeReport::default()
        };
        doc.frameworks.push(incoming);
        doc.standard_items.extend(items);
        doc.associations.extend(associations);
        return report;
    };

    let old_framework = doc.frameworks[position].clone();
    let framework_id = old_framework.id;
    let mut report = ChangeReport {
        framework: framework_id,
        title: incoming.title.clone(),
        previous_version: old_framework.version.clone(),
        version: incoming.version.clone(),
        ..ChangeReport::default()
    };
    for (field, before, after) in [
        ("identifier", &old_framework.identifier, &incoming.identifier),
        ("uri", &old_framework.uri, &incoming.uri),
        ("title", &old_framework.title, &incoming.title),
        ("creator", &old_framework.creator, &incoming.creator),
        ("version", &old_framework.version, &incoming.version),
        ("language", &old_framework.language, &incoming.language),
        ("source", &old_framework.source, &incoming.source),
    ] {
        if before != after {
            report.framework_fields.push(FieldChange {
                field: field.into(),
                before: before.clone(),
                after: after.clone(),
            });
        }
    }
    extra_changes(&old_framework.extra, &incoming.extra, &mut report.framework_fields);
    doc.frameworks[position] = crate::model::Framework { id: framework_id, ..incoming };

    // Match incoming items to existing ones. The framework's items are moved out (not copied)
    // and the new list goes back where the old one was.
    let items_at = doc.standard_items.iter().position(|s| s.framework == framework_id);
    let (old_items, other_items): (Vec<StandardItem>, Vec<StandardItem>) =
        std::mem::take(&mut doc.standard_items).into_iter().partition(|s| s.framework == framework_id);
    doc.standard_items = other_items;
    let mut by_identifier: HashMap<&str, usize> = HashMap::new();
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_statement: HashMap<&str, usize> = HashMap::new();
    for (i, item) in old_items.iter().enumerate() {
        if !item.identifier.is_empty() {
            by_identifier.entry(&item.identifier).or_insert(i);
        }
        if !item.code.is_empty() {
            by_code.entry(&item.code).or_insert(i);
        }
        by_statement.entry(&item.statement).or_insert(i);
    }
    let mut matched: Vec<Option<usize>> = vec![None; items.len()];
    let mut taken = vec![false; old_items.len()];
    for (n, item) in items.iter().enumerate() {
        let candidate = if !item.identifier.is_empty() {
            by_identifier.get(item.identifier.as_str()).copied()
        } else if !item.code.is_empty() {
            by_code.get(item.code.as_str()).copied()
        } else {
            by_statement.get(item.statement.as_str()).copied()
        };
        if let Some(i) = candidate
            && !taken[i]
        {
            taken[i] = true;
            matched[n] = Some(i);
        }
    }
    let mut id_map: HashMap<StandardItemId, StandardItemId> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        let id = matched[n].map_or(item.id, |i| old_items[i].id);
        id_map.insert(item.id, id);
    }
    let old_by_id: HashMap<StandardItemId, &StandardItem> = old_items.iter().map(|i| (i.id, i)).collect();
    let new_items: Vec<StandardItem> = items
        .into_iter()
        .map(|item| {
            let id = id_map[&item.id];
            let parent = item.parent.and_then(|p| id_map.get(&p).copied());
            StandardItem { id, framework: framework_id, parent, ..item }
        })
        .collect();
    let new_by_id: HashMap<StandardItemId, &StandardItem> = new_items.iter().map(|i| (i.id, i)).collect();
    for (n, merged) in new_items.iter().enumerate() {
        match matched[n] {
            None => report.added.push(ItemRef::of(merged)),
            Some(i) => {
                let fields = item_changes(&old_items[i], merged, &old_by_id, &new_by_id);
                if fields.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.changed.push(ItemChange { item: ItemRef::of(merged), fields });
                }
            }
        }
    }
    let kept: HashSet<StandardItemId> = new_items.iter().map(|i| i.id).collect();
    let removed: Vec<&StandardItem> = old_items.iter().filter(|i| !kept.contains(&i.id)).collect();
    report.removed = removed.iter().map(|i| ItemRef::of(i)).collect();

    // Alignments to removed items: follow `replacedBy`, else drop.
    let new_by_identifier: HashMap<&str, &StandardItem> =
        new_items.iter().filter(|i| !i.identifier.is_empty()).map(|i| (i.identifier.as_str(), i)).collect();
    // One pass over the associations (not one per removed item): the first `replacedBy` of an
    // item whose destination is in the new version names its successor.
    let mut replaced_by: HashMap<&str, &StandardItem> = HashMap::new();
    for a in associations.iter().filter(|a| a.association_type == "replacedBy") {
        if let Some(next) = new_by_identifier.get(a.destination.identifier.as_str()) {
            replaced_by.entry(a.origin.identifier.as_str()).or_insert(next);
        }
    }
    let mut successor: HashMap<StandardItemId, &StandardItem> = HashMap::new();
    for r in &removed {
        if let Some(next) =
            (!r.identifier.is_empty()).then(|| replaced_by.get(r.identifier.as_str())).flatten()
        {
            successor.insert(r.id, next);
        }
    }
    let removed_ids: HashMap<StandardItemId, &StandardItem> = removed.iter().map(|i| (i.id, *i)).collect();
    for objective in &mut doc.objectives {
        if !objective.standards.iter().any(|s| removed_ids.contains_key(s)) {
            continue;
        }
        let mut standards = Vec::with_capacity(objective.standards.len());
        for s in &objective.standards {
            match (removed_ids.get(s), successor.get(s)) {
                (None, _) => standards.push(*s),
                (Some(old), Some(next)) => {
                    if !standards.contains(&next.id) && !objective.standards.contains(&next.id) {
                        standards.push(next.id);
                    }
                    report.realigned.push(Realignment {
                        objective: objective.id,
                        objective_code: objective.code.clone(),
                        from: ItemRef::of(old),
                        to: ItemRef::of(next),
                    });
                }
                (Some(old), None) => report.unaligned.push(Unalignment {
                    objective: objective.id,
                    objective_code: objective.code.clone(),
                    item: ItemRef::of(old),
                }),
            }
        }
        objective.standards = standards;
    }

    // Put the framework's items back where they were.
    let at = items_at.unwrap_or(doc.standard_items.len()).min(doc.standard_items.len());
    doc.standard_items.splice(at..at, new_items);

    // Associations: keep ids by identifier.
    let assocs_at = doc.associations.iter().position(|a| a.framework == framework_id);
    let (old_assocs, other_assocs): (Vec<StandardAssociation>, Vec<StandardAssociation>) =
        std::mem::take(&mut doc.associations).into_iter().partition(|a| a.framework == framework_id);
    doc.associations = other_assocs;
    let old_assoc_by_identifier: HashMap<&str, &StandardAssociation> =
        old_assocs.iter().filter(|a| !a.identifier.is_empty()).map(|a| (a.identifier.as_str(), a)).collect();
    let mut new_assocs = Vec::with_capacity(associations.len());
    let mut kept_assocs = HashSet::new();
    for a in associations {
        let merged = match old_assoc_by_identifier.get(a.identifier.as_str()) {
            Some(old) if !a.identifier.is_empty() => {
                kept_assocs.insert(old.id);
                let merged = StandardAssociation { id: old.id, framework: framework_id, ..a };
                if merged != **old {
                    report.associations_changed += 1;
                }
                merged
            }
            _ => {
                report.associations_added += 1;
                StandardAssociation { framework: framework_id, ..a }
            }
        };
        new_assocs.push(merged);
    }
    report.associations_removed = old_assocs.iter().filter(|a| !kept_assocs.contains(&a.id)).count();
    let at = assocs_at.unwrap_or(doc.associations.len()).min(doc.associations.len());
    doc.associations.splice(at..at, new_assocs);
    report
}

fn item_changes(
    old: &StandardItem,
    new: &StandardItem,
    old_by_id: &HashMap<StandardItemId, &StandardItem>,
    new_by_id: &HashMap<StandardItemId, &StandardItem>,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (field, before, after) in [
        ("identifier", &old.identifier, &new.identifier),
        ("uri", &old.uri, &new.uri),
        ("code", &old.code, &new.code),
        ("statement", &old.statement, &new.statement),
        ("abbreviated", &old.abbreviated, &new.abbreviated),
        ("itemType", &old.item_type, &new.item_type),
    ] {
        if before != after {
            out.push(FieldChange { field: field.into(), before: before.clone(), after: after.clone() });
        }
    }
    if old.parent != new.parent {
        let label = |id: Option<StandardItemId>, table: &dyn Fn(StandardItemId) -> Option<String>| match id {
            None => "(top level)".to_owned(),
            Some(id) => table(id).unwrap_or_else(|| id.to_string()),
        };
        out.push(FieldChange {
            field: "parent".into(),
            before: label(old.parent, &|id| old_by_id.get(&id).map(|i| ItemRef::of(i).label())),
            after: label(new.parent, &|id| new_by_id.get(&id).map(|i| ItemRef::of(i).label())),
        });
    }
    extra_changes(&old.extra, &new.extra, &mut out);
    out
}

fn extra_changes(old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let empty = serde_json::Map::new();
    let before = old.as_object().unwrap_or(&empty);
    let after = new.as_object().unwrap_or(&empty);
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (b, a) = (before.get(key.as_str()), after.get(key.as_str()));
        if b != a {
            let text = |v: Option<&Value>| match v {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            out.push(FieldChange { field: format!("extra.{key}"), before: text(b), after: text(a) });
        }
    }
}

/// What adding a course to a document did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CourseMergeReport {
    /// Top-level nodes added (normally the one course node).
    pub roots: Vec<NodeId>,
    /// Nodes added.
    pub nodes: usize,
    /// Objectives added.
    pub objectives: usize,
    /// Activities added.
    pub activities: usize,
    /// Assessments added.
    pub assessments: usize,
    /// Quiz items added.
    pub items: usize,
    /// Rubrics added.
    pub rubrics: usize,
    /// Assets added.
    pub assets_added: usize,
    /// Assets already in the document (same name and content), reused.
    pub assets_reused: usize,
    /// Assets renamed because the document already had another file of that name: (old, new).
    pub assets_renamed: Vec<(String, String)>,
}

/// Adds a parsed course to a document: its nodes become new top-level nodes, and everything
/// else follows. Assets identical to ones already stored are reused; name clashes are renamed
/// and the course's links rewritten.
pub fn merge_course(doc: &mut Document, import: CourseImport) -> CourseMergeReport {
    let mut source = import.document;
    let mut report = CourseMergeReport {
        roots: source.nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.id).collect(),
        nodes: source.nodes.len(),
        objectives: source.objectives.len(),
        activities: source.activities.len(),
        assessments: source.assessments.len(),
        items: source.assessments.iter().map(|a| a.items.len()).sum(),
        rubrics: source.rubrics.len(),
        ..CourseMergeReport::default()
    };
    let mut asset_map: HashMap<AssetId, AssetId> = HashMap::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut names: HashSet<String> = doc.assets.iter().map(|a| a.name.clone()).collect();
    for mut asset in std::mem::take(&mut source.assets) {
        if let Some(same) = doc.assets.iter().find(|a| a.name == asset.name && a.sha256 == asset.sha256) {
            asset_map.insert(asset.id, same.id);
            report.assets_reused += 1;
            continue;
        }
        if names.contains(&asset.name) {
            let new_name = free_name(&asset.name, &names);
            renames.push((asset.name.clone(), new_name.clone()));
            asset.name = new_name;
        }
        names.insert(asset.name.clone());
        report.assets_added += 1;
        doc.assets.push(asset);
    }
    if !renames.is_empty() {
        rewrite_texts(&mut source, &renames);
    }
    report.assets_renamed = renames;
    for activity in &mut source.activities {
        for r in &mut activity.resources {
            if let Some(a) = r.asset
                && let Some(to) = asset_map.get(&a)
            {
                r.asset = Some(*to);
            }
        }
    }
    doc.nodes.extend(source.nodes);
    doc.objectives.extend(source.objectives);
    doc.frameworks.extend(source.frameworks);
    doc.standard_items.extend(source.standard_items);
    doc.associations.extend(source.associations);
    doc.activities.extend(source.activities);
    doc.assessments.extend(source.assessments);
    doc.rubrics.extend(source.rubrics);
    doc.normalize();
    report
}

fn free_name(name: &str, taken: &HashSet<String>) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > name.rfind('/').map_or(0, |s| s + 1) => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{stem}-{}{ext}", uuid::Uuid::now_v7()))
}

/// Rewrites `assets/OLD` links to `assets/NEW` in every Markdown field of a course.
fn rewrite_texts(doc: &mut Document, renames: &[(String, String)]) {
    let fix = |text: &mut String| {
        for (old, new) in renames {
            let (from, to) =
                (super::common_cartridge::asset_link(old), super::common_cartridge::asset_link(new));
            if text.contains(&from) {
                *text = text.replace(&from, &to);
            }
        }
    };
    for n in &mut doc.nodes {
        fix(&mut n.summary);
    }
    for a in &mut doc.activities {
        fix(&mut a.instructions);
    }
    for a in &mut doc.assessments {
        fix(&mut a.instructions);
        for item in &mut a.items {
            fix(&mut item.stem);
            fix(&mut item.feedback_correct);
            fix(&mut item.feedback_incorrect);
            match &mut item.body {
                ItemBody::MultipleChoice { choices } | ItemBody::MultipleResponse { choices } => {
                    for c in choices {
                        fix(&mut c.text);
                        fix(&mut c.feedback);
                    }
                }
                ItemBody::Essay { guidance } => fix(guidance),
                ItemBody::Matching { pairs } => {
                    for p in pairs {
                        fix(&mut p.prompt);
                        fix(&mut p.answer);
                    }
                }
                ItemBody::TrueFalse { .. } | ItemBody::ShortAnswer { .. } | ItemBody::Numeric { .. } => {}
            }
        }
    }
    for r in &mut doc.rubrics {
        fix(&mut r.description);
        for c in &mut r.criteria {
            fix(&mut c.description);
        }
    }
}
