//! Semantic diff between two versions of a curriculum, in curriculum terms: entities added,
//! removed and changed (matched by their stable ids, never by text) with field-level changes,
//! nodes moved or reordered, objectives reworded with their level change, alignments and
//! prerequisites added or removed, curriculum-map marks changed, assessments re-weighted.
//! Renders as text, JSON (the [`DocumentDiff`] data) or an HTML fragment/page for committees.
//! Snapshots stored in a document can be diffed like files ([`snapshot_document`]).

use std::fmt::Write;

use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{
    Activity, Assessment, Asset, BloomLevel, Comment, Curriculum, Document, Framework, Node, NodeId,
    Objective, ReviewEvent, Rubric, StandardAssociation, StandardItem,
};
use crate::{Error, Result};

use super::context::{IdMap, IdSet};
use super::html::esc;

/// Everything that changed between two documents.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DocumentDiff {
    /// Title of the old version.
    pub old_title: String,
    /// Title of the new version.
    pub new_title: String,
    /// Entity changes, grouped by kind (curriculum, nodes, objectives, …), in outline order.
    pub changes: Vec<Change>,
    /// Links added or removed (alignments, supports, prerequisites, standards, I/R/M marks).
    pub links: Vec<LinkChange>,
    /// Counts.
    pub summary: DiffSummary,
}

impl DocumentDiff {
    /// Whether the two versions are the same in every compared respect.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.links.is_empty()
    }
}

/// Counts of a diff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    /// Entities added.
    pub added: usize,
    /// Entities removed.
    pub removed: usize,
    /// Entities whose fields changed.
    pub modified: usize,
    /// Entities moved (other parent) or reordered among their siblings.
    pub moved: usize,
    /// Links added.
    pub links_added: usize,
    /// Links removed.
    pub links_removed: usize,
    /// Objectives whose cognitive level changed.
    pub level_changes: usize,
    /// Assessments whose weight or points changed.
    pub reweighted: usize,
}

/// What happened to an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with changes.
    Modified,
}

/// One entity's change.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Entity kind (`node`, `objective`, `activity`, `assessment`, `item`, `rubric`, …).
    pub kind: String,
    /// Entity id.
    pub id: String,
    /// Code and title (new version when it exists).
    pub label: String,
    /// Where it is (outline path; the old one for removed entities).
    pub path: String,
    /// Added, removed or modified.
    pub change: ChangeKind,
    /// Field-level changes (modified entities only).
    pub fields: Vec<FieldChange>,
    /// Cognitive level change (objectives and items).
    pub level: Option<LevelChange>,
    /// Move to another parent, or reorder among siblings.
    pub moved: Option<Move>,
}

/// One field's old and new value.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// Field name as in the canonical JSON.
    pub field: String,
    /// Old value.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub old: Value,
    /// New value.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub new: Value,
}

/// A change of cognitive level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct LevelChange {
    /// Old level.
    pub from: Option<BloomLevel>,
    /// New level.
    pub to: Option<BloomLevel>,
}

/// A move in the outline (or of an entity to another node/assessment).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Move {
    /// Where it was (path of the old parent).
    pub from: String,
    /// Where it is (path of the new parent).
    pub to: String,
    /// Same parent, different position among siblings.
    pub reordered: bool,
}

/// A link added or removed.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct LinkChange {
    /// `practises`, `assesses`, `judges`, `supports`, `requires`, `alignsTo`, `introduces`,
    /// `reinforces`, `masters`.
    pub relation: String,
    /// Kind of the source entity.
    pub from_kind: String,
    /// Source id.
    pub from_id: String,
    /// Source label.
    pub from_label: String,
    /// Kind of the target entity.
    pub to_kind: String,
    /// Target id.
    pub to_id: String,
    /// Target label.
    pub to_label: String,
    /// Added (true) or removed (false).
    pub added: bool,
}

/// Loads the document stored in a snapshot, by name (exact, then case-insensitive) or id.
pub fn snapshot_document(doc: &Document, name: &str) -> Result<Document> {
    let snap = doc
        .snapshots
        .iter()
        .find(|s| s.name == name)
        .or_else(|| doc.snapshots.iter().find(|s| s.name.eq_ignore_ascii_case(name)))
        .or_else(|| doc.snapshots.iter().find(|s| s.id.to_string() == name))
        .ok_or_else(|| Error::NotFound { kind: "snapshot", id: name.to_owned() })?;
    crate::json::from_str(&snap.document, &format!("snapshot “{}”", snap.name))
}

/// One entity of either version, as a reference into its document.
#[derive(Clone, Copy)]
enum Ref<'a> {
    Curriculum(&'a Curriculum),
    Node(&'a Node),
    Objective(&'a Objective),
    Activity(&'a Activity),
    Assessment(&'a Assessment),
    Item(&'a Assessment, usize),
    Rubric(&'a Rubric),
    RubricLevel(&'a Rubric, usize),
    Criterion(&'a Rubric, usize),
    Framework(&'a Framework),
    StandardItem(&'a StandardItem),
    Association(&'a StandardAssociation),
    Comment(&'a Comment),
    ReviewEvent(&'a ReviewEvent),
    Asset(&'a Asset),
}

/// Entity kinds in the order changes are listed.
const KINDS: [&str; 15] = [
    "curriculum",
    "node",
    "objective",
    "activity",
    "assessment",
    "item",
    "rubric",
    "rubricLevel",
    "criterion",
    "framework",
    "standardItem",
    "association",
    "comment",
    "reviewEvent",
    "asset",
];

impl<'a> Ref<'a> {
    fn kind_index(self) -> usize {
        match self {
            Ref::Curriculum(_) => 0,
            Ref::Node(_) => 1,
            Ref::Objective(_) => 2,
            Ref::Activity(_) => 3,
            Ref::Assessment(_) => 4,
            Ref::Item(..) => 5,
            Ref::Rubric(_) => 6,
            Ref::RubricLevel(..) => 7,
            Ref::Criterion(..) => 8,
            Ref::Framework(_) => 9,
            Ref::StandardItem(_) => 10,
            Ref::Association(_) => 11,
            Ref::Comment(_) => 12,
            Ref::ReviewEvent(_) => 13,
            Ref::Asset(_) => 14,
        }
    }

    fn kind(self) -> &'static str {
        KINDS[self.kind_index()]
    }

    fn id(self) -> Uuid {
        match self {
            Ref::Curriculum(c) => c.id.0,
            Ref::Node(n) => n.id.0,
            Ref::Objective(o) => o.id.0,
            Ref::Activity(a) => a.id.0,
            Ref::Assessment(a) => a.id.0,
            Ref::Item(a, i) => a.items[i].id.0,
            Ref::Rubric(r) => r.id.0,
            Ref::RubricLevel(r, i) => r.levels[i].id.0,
            Ref::Criterion(r, i) => r.criteria[i].id.0,
            Ref::Framework(f) => f.id.0,
            Ref::StandardItem(s) => s.id.0,
            Ref::Association(a) => a.id.0,
            Ref::Comment(c) => c.id.0,
            Ref::ReviewEvent(e) => e.id.0,
            Ref::Asset(a) => a.id.0,
        }
    }

    /// Cheap structural equality with the other version of the same entity.
    fn same(self, other: Ref) -> bool {
        match (self, other) {
            (Ref::Curriculum(a), Ref::Curriculum(b)) => a == b,
            (Ref::Node(a), Ref::Node(b)) => a == b,
            (Ref::Objective(a), Ref::Objective(b)) => a == b,
            (Ref::Activity(a), Ref::Activity(b)) => a == b,
            (Ref::Assessment(a), Ref::Assessment(b)) => a == b,
            (Ref::Item(a, i), Ref::Item(b, j)) => a.items[i] == b.items[j],
            (Ref::Rubric(a), Ref::Rubric(b)) => a == b,
            (Ref::RubricLevel(a, i), Ref::RubricLevel(b, j)) => a.levels[i] == b.levels[j],
            (Ref::Criterion(a, i), Ref::Criterion(b, j)) => a.criteria[i] == b.criteria[j],
            (Ref::Framework(a), Ref::Framework(b)) => a == b,
            (Ref::StandardItem(a), Ref::StandardItem(b)) => a == b,
            (Ref::Association(a), Ref::Association(b)) => a == b,
            (Ref::Comment(a), Ref::Comment(b)) => a == b,
            (Ref::ReviewEvent(a), Ref::ReviewEvent(b)) => a == b,
            (Ref::Asset(a), Ref::Asset(b)) => a == b,
            _ => false,
        }
    }

    /// The JSON fields compared field by field: links, children, moves and levels are
    /// reported separately and left out.
    fn fields(self) -> Map<String, Value> {
        match self {
            Ref::Curriculum(c) => fields_of(c, &["id", "createdAt", "updatedAt"]),
            Ref::Node(n) => fields_of(n, &["id", "parent", "prerequisites"]),
            Ref::Objective(o) => {
                fields_of(o, &["id", "node", "supports", "prerequisites", "standards", "emphasis", "level"])
            }
            Ref::Activity(a) => fields_of(a, &["id", "node", "objectives"]),
            Ref::Assessment(a) => fields_of(a, &["id", "node", "objectives", "items"]),
            Ref::Item(a, i) => fields_of(&a.items[i], &["id", "objectives", "level"]),
            Ref::Rubric(r) => fields_of(r, &["id", "criteria", "levels"]),
            Ref::RubricLevel(r, i) => fields_of(&r.levels[i], &["id"]),
            Ref::Criterion(r, i) => fields_of(&r.criteria[i], &["id", "objective"]),
            Ref::Framework(f) => fields_of(f, &["id"]),
            Ref::StandardItem(s) => fields_of(s, &["id"]),
            Ref::Association(a) => fields_of(a, &["id"]),
            Ref::Comment(c) => fields_of(c, &["id"]),
            Ref::ReviewEvent(e) => fields_of(e, &["id"]),
            Ref::Asset(a) => fields_of(a, &["id", "data"]),
        }
    }

    /// Cognitive level, for objectives and items.
    fn level(self) -> Option<Option<BloomLevel>> {
        match self {
            Ref::Objective(o) => Some(o.level),
            Ref::Item(a, i) => Some(a.items[i].level),
            _ => None,
        }
    }

    /// What the entity hangs from (node moves are computed separately).
    fn parent(self) -> Option<Uuid> {
        match self {
            Ref::Objective(o) => Some(o.node.0),
            Ref::Activity(a) => Some(a.node.0),
            Ref::Assessment(a) => Some(a.node.0),
            Ref::Item(a, _) => Some(a.id.0),
            Ref::RubricLevel(r, _) | Ref::Criterion(r, _) => Some(r.id.0),
            _ => None,
        }
    }

    /// Label of an entity in a list of changes.
    fn label(self, side: &Side) -> String {
        match self {
            Ref::Curriculum(c) => c.title.clone(),
            Ref::Node(n) => code_title(&n.code, &n.title),
            Ref::Objective(o) => super::Ctx::objective_label(o),
            Ref::Activity(a) => a.title.clone(),
            Ref::Assessment(a) => a.title.clone(),
            Ref::Item(a, i) => format!("Item {} of “{}”", i + 1, a.title),
            Ref::Rubric(r) => r.title.clone(),
            Ref::RubricLevel(r, i) => format!("Level “{}” of “{}”", r.levels[i].label, r.title),
            Ref::Criterion(r, i) => format!("Criterion “{}” of “{}”", r.criteria[i].title, r.title),
            Ref::Framework(f) => f.title.clone(),
            Ref::StandardItem(s) => standard_label(s),
            Ref::Association(a) => {
                format!("{} → {} ({})", a.origin.title, a.destination.title, a.association_type)
            }
            Ref::Comment(c) => format!("Comment by {}", c.author),
            Ref::ReviewEvent(e) => format!(
                "{}: {} → {} by {}",
                side.idx.node(e.node).map(|n| code_title(&n.code, &n.title)).unwrap_or_default(),
                e.from.as_str(),
                e.to.as_str(),
                e.author
            ),
            Ref::Asset(a) => a.name.clone(),
        }
    }

    /// Label of an entity named by a link.
    fn link_label(self, side: &Side) -> String {
        match self {
            Ref::Activity(a) => format!("“{}”", a.title),
            Ref::Assessment(a) => format!("“{}”", a.title),
            Ref::Item(a, i) => format!("item {} of “{}”", i + 1, a.title),
            Ref::Criterion(r, i) => format!("criterion “{}” of “{}”", r.criteria[i].title, r.title),
            other => other.label(side),
        }
    }

    /// Outline path of the entity (the node it belongs to), when it has one.
    fn path(self, side: &Side) -> String {
        match self {
            Ref::Node(n) => side.idx.path(n.id),
            Ref::Objective(o) => side.idx.path(o.node),
            Ref::Activity(a) => side.idx.path(a.node),
            Ref::Assessment(a) | Ref::Item(a, _) => side.idx.path(a.node),
            Ref::ReviewEvent(e) => side.idx.path(e.node),
            _ => String::new(),
        }
    }
}

fn standard_label(s: &StandardItem) -> String {
    if s.code.is_empty() { super::context::shorten(&s.statement, 48) } else { s.code.clone() }
}

/// A link: relation, source id, target id.
type Link = (&'static str, Uuid, Uuid);

/// One version with its lookup tables.
struct Side<'a> {
    doc: &'a Document,
    idx: crate::model::Index<'a>,
    /// Every entity, grouped by kind in [`KINDS`] order, each group in document order.
    by_kind: Vec<Vec<Ref<'a>>>,
    refs: IdMap<Uuid, Ref<'a>>,
}

impl<'a> Side<'a> {
    fn new(doc: &'a Document) -> Self {
        let mut by_kind: Vec<Vec<Ref>> = vec![Vec::new(); KINDS.len()];
        let mut push = |r: Ref<'a>| by_kind[r.kind_index()].push(r);
        push(Ref::Curriculum(&doc.curriculum));
        doc.nodes.iter().for_each(|n| push(Ref::Node(n)));
        doc.objectives.iter().for_each(|o| push(Ref::Objective(o)));
        doc.activities.iter().for_each(|a| push(Ref::Activity(a)));
        for a in &doc.assessments {
            push(Ref::Assessment(a));
            (0..a.items.len()).for_each(|i| push(Ref::Item(a, i)));
        }
        for r in &doc.rubrics {
            push(Ref::Rubric(r));
            (0..r.levels.len()).for_each(|i| push(Ref::RubricLevel(r, i)));
            (0..r.criteria.len()).for_each(|i| push(Ref::Criterion(r, i)));
        }
        doc.frameworks.iter().for_each(|f| push(Ref::Framework(f)));
        doc.standard_items.iter().for_each(|s| push(Ref::StandardItem(s)));
        doc.associations.iter().for_each(|a| push(Ref::Association(a)));
        doc.comments.iter().for_each(|c| push(Ref::Comment(c)));
        doc.review_events.iter().for_each(|e| push(Ref::ReviewEvent(e)));
        doc.assets.iter().for_each(|a| push(Ref::Asset(a)));
        let refs = by_kind.iter().flatten().map(|r| (r.id(), *r)).collect();
        Side { doc, idx: doc.index(), by_kind, refs }
    }

    /// Path of the thing an entity hangs from (node path, or the assessment's or rubric's title).
    fn parent_label(&self, id: Uuid) -> String {
        match self.refs.get(&id) {
            Some(Ref::Node(n)) => self.idx.path(n.id),
            Some(r) => format!("“{}”", r.label(self)),
            None => String::new(),
        }
    }

    fn links(&self) -> Vec<Link> {
        let doc = self.doc;
        let mut out: Vec<Link> = Vec::new();
        for n in &doc.nodes {
            out.extend(n.prerequisites.iter().map(|p| ("requires", n.id.0, p.0)));
        }
        for o in &doc.objectives {
            out.extend(o.supports.iter().map(|s| ("supports", o.id.0, s.0)));
            out.extend(o.prerequisites.iter().map(|p| ("requires", o.id.0, p.0)));
            out.extend(o.standards.iter().map(|s| ("alignsTo", o.id.0, s.0)));
            for e in &o.emphasis {
                let rel = match e.emphasis {
                    crate::model::Emphasis::Introduced => "introduces",
                    crate::model::Emphasis::Reinforced => "reinforces",
                    crate::model::Emphasis::Mastered => "masters",
                };
                out.push((rel, e.course.0, o.id.0));
            }
        }
        for a in &doc.activities {
            out.extend(a.objectives.iter().map(|o| ("practises", a.id.0, o.0)));
        }
        for a in &doc.assessments {
            out.extend(a.objectives.iter().map(|o| ("assesses", a.id.0, o.0)));
            for i in &a.items {
                out.extend(i.objectives.iter().map(|o| ("assesses", i.id.0, o.0)));
            }
        }
        for r in &doc.rubrics {
            for c in &r.criteria {
                if let Some(o) = c.objective {
                    out.push(("judges", c.id.0, o.0));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Kind and label of a linked entity.
    fn describe(&self, id: Uuid) -> Option<(String, String)> {
        self.refs.get(&id).map(|r| (r.kind().to_owned(), r.link_label(self)))
    }
}

/// The JSON fields of an entity without those compared elsewhere.
fn fields_of<T: Serialize>(v: &T, drop: &[&str]) -> Map<String, Value> {
    let mut m = match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for d in drop {
        m.remove(*d);
    }
    m
}

fn code_title(code: &str, title: &str) -> String {
    if code.trim().is_empty() { title.to_owned() } else { format!("{code} {title}") }
}

/// Computes the semantic diff from `old` to `new`.
pub fn diff(old: &Document, new: &Document) -> DocumentDiff {
    let (a, b) = (Side::new(old), Side::new(new));
    let moves = node_moves(&a, &b);
    let mut changes = Vec::new();
    for k in 0..KINDS.len() {
        for r in &b.by_kind[k] {
            let id = r.id();
            let Some(o) = a.refs.get(&id).copied() else {
                changes.push(Change {
                    kind: r.kind().into(),
                    id: id.to_string(),
                    label: r.label(&b),
                    path: r.path(&b),
                    change: ChangeKind::Added,
                    fields: Vec::new(),
                    level: None,
                    moved: None,
                });
                continue;
            };
            let moved = if let Ref::Node(_) = r {
                moves.get(&id).cloned()
            } else {
                match (o.parent(), r.parent()) {
                    (Some(op), Some(np)) if op != np => {
                        Some(Move { from: a.parent_label(op), to: b.parent_label(np), reordered: false })
                    }
                    _ => None,
                }
            };
            if o.same(*r) && moved.is_none() {
                continue;
            }
            let fields = field_changes(&o.fields(), &r.fields());
            let level = match (o.level(), r.level()) {
                (Some(from), Some(to)) if from != to => Some(LevelChange { from, to }),
                _ => None,
            };
            if !fields.is_empty() || level.is_some() || moved.is_some() {
                changes.push(Change {
                    kind: r.kind().into(),
                    id: id.to_string(),
                    label: r.label(&b),
                    path: r.path(&b),
                    change: ChangeKind::Modified,
                    fields,
                    level,
                    moved,
                });
            }
        }
        for o in &a.by_kind[k] {
            if !b.refs.contains_key(&o.id()) {
                changes.push(Change {
                    kind: o.kind().into(),
                    id: o.id().to_string(),
                    label: o.label(&a),
                    path: o.path(&a),
                    change: ChangeKind::Removed,
                    fields: Vec::new(),
                    level: None,
                    moved: None,
                });
            }
        }
    }
    let (old_links, new_links) = (a.links(), b.links());
    let mut links = Vec::new();
    for (set, other, added, side, fallback) in
        [(&new_links, &old_links, true, &b, &a), (&old_links, &new_links, false, &a, &b)]
    {
        for l in set.iter().filter(|l| other.binary_search(l).is_err()) {
            let (fk, fl) = side.describe(l.1).or_else(|| fallback.describe(l.1)).unwrap_or_default();
            let (tk, tl) = side.describe(l.2).or_else(|| fallback.describe(l.2)).unwrap_or_default();
            links.push(LinkChange {
                relation: l.0.to_owned(),
                from_kind: fk,
                from_id: l.1.to_string(),
                from_label: fl,
                to_kind: tk,
                to_id: l.2.to_string(),
                to_label: tl,
                added,
            });
        }
    }
    let mut summary = DiffSummary::default();
    for c in &changes {
        match c.change {
            ChangeKind::Added => summary.added += 1,
            ChangeKind::Removed => summary.removed += 1,
            ChangeKind::Modified => {
                if c.moved.is_some() {
                    summary.moved += 1;
                }
                if !c.fields.is_empty() || c.level.is_some() {
                    summary.modified += 1;
                }
            }
        }
        if c.kind == "objective" && c.level.is_some() {
            summary.level_changes += 1;
        }
        if c.kind == "assessment" && c.fields.iter().any(|f| f.field == "weight" || f.field == "points") {
            summary.reweighted += 1;
        }
    }
    summary.links_added = links.iter().filter(|l| l.added).count();
    summary.links_removed = links.len() - summary.links_added;
    DocumentDiff {
        old_title: old.curriculum.title.clone(),
        new_title: new.curriculum.title.clone(),
        changes,
        links,
        summary,
    }
}

fn field_changes(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = new.keys().collect();
    for k in old.keys() {
        if !new.contains_key(k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .filter_map(|k| {
            let (o, n) = (old.get(k).unwrap_or(&Value::Null), new.get(k).unwrap_or(&Value::Null));
            (o != n).then(|| FieldChange { field: k.clone(), old: o.clone(), new: n.clone() })
        })
        .collect()
}

/// Nodes moved to another parent, or reordered among siblings that both versions share.
fn node_moves(a: &Side, b: &Side) -> IdMap<Uuid, Move> {
    let mut out = IdMap::default();
    let old_parent: IdMap<NodeId, Option<NodeId>> = a.doc.nodes.iter().map(|n| (n.id, n.parent)).collect();
    let top = || "(top level)".to_owned();
    for n in &b.doc.nodes {
        if let Some(op) = old_parent.get(&n.id)
            && *op != n.parent
        {
            out.insert(
                n.id.0,
                Move {
                    from: op.map(|p| a.idx.path(p)).unwrap_or_else(top),
                    to: n.parent.map(|p| b.idx.path(p)).unwrap_or_else(top),
                    reordered: false,
                },
            );
        }
    }
    // Reorders: among the children a parent has in both versions, those outside the longest
    // common subsequence moved.
    let mut parents: Vec<Option<NodeId>> = vec![None];
    parents.extend(b.doc.nodes.iter().map(|n| Some(n.id)));
    for p in parents {
        let kids = |s: &Side| -> Vec<NodeId> {
            match p {
                Some(p) => s.idx.children(p).iter().map(|n| n.id).collect(),
                None => s.idx.roots().iter().map(|n| n.id).collect(),
            }
        };
        let (ka, kb) = (kids(a), kids(b));
        if ka == kb {
            continue;
        }
        let common_b: IdSet<NodeId> = kb.iter().copied().collect();
        let common_a: IdSet<NodeId> = ka.iter().copied().collect();
        let sa: Vec<NodeId> = ka.into_iter().filter(|n| common_b.contains(n)).collect();
        let sb: Vec<NodeId> = kb.into_iter().filter(|n| common_a.contains(n)).collect();
        if sa == sb {
            continue;
        }
        let keep = lcs(&sa, &sb);
        for n in sb.iter().filter(|n| !keep.contains(n)) {
            let path = p.map(|p| b.idx.path(p)).unwrap_or_else(top);
            let from = sa.iter().position(|x| x == n).map(|i| i + 1).unwrap_or(0);
            let to = sb.iter().position(|x| x == n).map(|i| i + 1).unwrap_or(0);
            out.entry(n.0).or_insert(Move {
                from: format!("{path}, position {from}"),
                to: format!("{path}, position {to}"),
                reordered: true,
            });
        }
    }
    out
}

fn lcs(a: &[NodeId], b: &[NodeId]) -> IdSet<NodeId> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = IdSet::default();
    while i < n && j < m {
        if a[i] == b[j] {
            out.insert(a[i]);
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn kind_heading(kind: &str) -> &'static str {
    match kind {
        "curriculum" => "Curriculum",
        "node" => "Outline",
        "objective" => "Objectives",
        "activity" => "Activities",
        "assessment" => "Assessments",
        "item" => "Quiz items",
        "rubric" => "Rubrics",
        "rubricLevel" => "Rubric levels",
        "criterion" => "Rubric criteria",
        "framework" => "Frameworks",
        "standardItem" => "Standards",
        "association" => "Standard associations",
        "comment" => "Comments",
        "reviewEvent" => "Review status",
        "asset" => "Files",
        _ => "Other",
    }
}

fn relation_words(l: &LinkChange) -> String {
    let verb = match l.relation.as_str() {
        "practises" => "practises",
        "assesses" => "assesses",
        "judges" => "judges",
        "supports" => "supports",
        "requires" => "requires",
        "alignsTo" => "is aligned to standard",
        "introduces" => "introduces",
        "reinforces" => "reinforces",
        "masters" => "masters",
        other => other,
    };
    format!("{} {verb} {}", l.from_label, l.to_label)
}

/// A value for people: strings quoted and shortened, `null` as a dash, structures compact.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "(empty)".into(),
        Value::String(s) => format!("“{}”", super::context::shorten(s, 120)),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => n.to_string(),
        other => super::context::shorten(&other.to_string(), 120),
    }
}

fn level_text(l: Option<BloomLevel>) -> &'static str {
    l.map(super::alignment::level_name).unwrap_or("unset")
}

fn summary_line(d: &DocumentDiff) -> String {
    let s = &d.summary;
    format!(
        "{} added, {} removed, {} changed, {} moved; links +{} −{}; {} level change(s); {} assessment(s) re-weighted",
        s.added,
        s.removed,
        s.modified,
        s.moved,
        s.links_added,
        s.links_removed,
        s.level_changes,
        s.reweighted
    )
}

/// Plain-text rendering for terminals and e-mails.
pub fn render_text(d: &DocumentDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Changes from “{}” to “{}”", d.old_title, d.new_title);
    if d.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let _ = writeln!(out, "{}", summary_line(d));
    let mut last_kind = "";
    for c in &d.changes {
        if c.kind != last_kind {
            let _ = writeln!(out, "\n{}", kind_heading(&c.kind));
            last_kind = &c.kind;
        }
        let mark = match c.change {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Modified => "~",
        };
        let at = if c.path.is_empty() || c.kind == "node" { String::new() } else { format!(" ({})", c.path) };
        let what = match c.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "changed",
        };
        let _ = writeln!(out, "  {mark} {}{at} {what}", c.label);
        if let Some(l) = &c.level {
            let _ = writeln!(out, "      level: {} → {}", level_text(l.from), level_text(l.to));
        }
        if let Some(m) = &c.moved {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                if m.reordered { "reordered" } else { "moved" },
                m.from,
                m.to
            );
        }
        for f in &c.fields {
            let _ = writeln!(out, "      {}: {} → {}", f.field, show(&f.old), show(&f.new));
        }
    }
    if !d.links.is_empty() {
        out.push_str("\nLinks\n");
        for l in &d.links {
            let _ = writeln!(out, "  {} {}", if l.added { "+" } else { "-" }, relation_words(l));
        }
    }
    out
}

/// HTML fragment (a `<div>`) for the review packet and the HTML page.
pub fn render_html_fragment(d: &DocumentDiff) -> String {
    let mut out = String::from("<div class=\"diff\">");
    if d.is_empty() {
        out.push_str("<p>No changes.</p></div>");
        return out;
    }
    let _ = write!(out, "<p class=\"summary\">{}</p>", esc(&summary_line(d)));
    let mut i = 0;
    while i < d.changes.len() {
        let kind = &d.changes[i].kind;
        let end = d.changes[i..].iter().position(|c| &c.kind != kind).map_or(d.changes.len(), |p| i + p);
        let _ = write!(
            out,
            "<h3>{}</h3><table class=\"diff-table\"><thead><tr><th>Change</th><th>Entity</th><th>Where</th><th>Details</th></tr></thead><tbody>",
            kind_heading(kind)
        );
        for c in &d.changes[i..end] {
            let (class, word) = match c.change {
                ChangeKind::Added => ("added", "added"),
                ChangeKind::Removed => ("removed", "removed"),
                ChangeKind::Modified => (
                    "modified",
                    if c.moved.is_some() && c.fields.is_empty() && c.level.is_none() {
                        "moved"
                    } else {
                        "changed"
                    },
                ),
            };
            let mut details = String::new();
            if let Some(l) = &c.level {
                let _ = write!(
                    details,
                    "<div>level: {} → <strong>{}</strong></div>",
                    level_text(l.from),
                    level_text(l.to)
                );
            }
            if let Some(m) = &c.moved {
                let _ = write!(
                    details,
                    "<div>{}: {} → <strong>{}</strong></div>",
                    if m.reordered { "reordered" } else { "moved" },
                    esc(&m.from),
                    esc(&m.to)
                );
            }
            for f in &c.fields {
                let _ = write!(
                    details,
                    "<div><span class=\"field\">{}</span>: <del>{}</del> → <ins>{}</ins></div>",
                    esc(&f.field),
                    esc(&show(&f.old)),
                    esc(&show(&f.new))
                );
            }
            let _ = write!(
                out,
                "<tr class=\"{class}\"><td>{word}</td><td>{}</td><td>{}</td><td>{details}</td></tr>",
                esc(&c.label),
                esc(&c.path)
            );
        }
        out.push_str("</tbody></table>");
        i = end;
    }
    if !d.links.is_empty() {
        out.push_str("<h3>Links</h3><ul class=\"links\">");
        for l in &d.links {
            let _ = write!(
                out,
                "<li class=\"{}\">{} {}</li>",
                if l.added { "added" } else { "removed" },
                if l.added { "added:" } else { "removed:" },
                esc(&relation_words(l))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>");
    out
}

/// A complete, self-contained HTML page of the diff.
pub fn render_html(d: &DocumentDiff) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>Changes: {}</title><style>{}</style></head><body><h1>Changes from “{}” to “{}”</h1>{}</body></html>\n",
        esc(&d.new_title),
        super::html::CSS,
        esc(&d.old_title),
        esc(&d.new_title),
        render_html_fragment(d)
    )
}
