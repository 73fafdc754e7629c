//! Semantic diff between two versions of a curriculum, in curriculum terms: entities added,
//! removed and changed (matched by their stable ids, never by text) with field-level changes,
//! nodes moved or reordered, objectives reworded with their level change, alignments and
//! prerequisites added or removed, curriculum-map marks changed, assessments re-weighted.
//! Renders as text, JSON (the [`DocumentDiff`] data) or an HTML fragment/page for committees.
//! Snapshots stored in a document can be diffed like files ([`snapshot_document`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{BloomLevel, Document, NodeId};
use crate::{Error, Result};

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

/// Entity as compared: its JSON fields minus those handled as links, moves or children.
struct Ent {
    id: String,
    label: String,
    path: String,
    parent: String,
    fields: Map<String, Value>,
}

type Link = (&'static str, String, String);

struct Side<'a> {
    doc: &'a Document,
    idx: crate::model::Index<'a>,
    names: HashMap<String, (String, String)>,
}

impl<'a> Side<'a> {
    fn new(doc: &'a Document) -> Self {
        Side { doc, idx: doc.index(), names: names(doc) }
    }

    fn node_label(&self, id: NodeId) -> String {
        self.idx.node(id).map(|n| code_title(&n.code, &n.title)).unwrap_or_default()
    }

    fn entities(&self, kind: &str) -> Vec<Ent> {
        let doc = self.doc;
        match kind {
            "curriculum" => vec![Ent {
                id: doc.curriculum.id.to_string(),
                label: doc.curriculum.title.clone(),
                path: String::new(),
                parent: String::new(),
                fields: fields_of(&doc.curriculum, &["id", "createdAt", "updatedAt"]),
            }],
            "node" => doc
                .nodes
                .iter()
                .map(|n| Ent {
                    id: n.id.to_string(),
                    label: code_title(&n.code, &n.title),
                    path: self.idx.path(n.id),
                    parent: n.parent.map(|p| self.idx.path(p)).unwrap_or_default(),
                    fields: fields_of(n, &["id", "parent", "prerequisites"]),
                })
                .collect(),
            "objective" => doc
                .objectives
                .iter()
                .map(|o| Ent {
                    id: o.id.to_string(),
                    label: super::Ctx::objective_label(o),
                    path: self.idx.path(o.node),
                    parent: self.idx.path(o.node),
                    fields: fields_of(
                        o,
                        &["id", "node", "supports", "prerequisites", "standards", "emphasis", "level"],
                    ),
                })
                .collect(),
            "activity" => doc
                .activities
                .iter()
                .map(|a| Ent {
                    id: a.id.to_string(),
                    label: a.title.clone(),
                    path: self.idx.path(a.node),
                    parent: self.idx.path(a.node),
                    fields: fields_of(a, &["id", "node", "objectives"]),
                })
                .collect(),
            "assessment" => doc
                .assessments
                .iter()
                .map(|a| Ent {
                    id: a.id.to_string(),
                    label: a.title.clone(),
                    path: self.idx.path(a.node),
                    parent: self.idx.path(a.node),
                    fields: fields_of(a, &["id", "node", "objectives", "items"]),
                })
                .collect(),
            "item" => doc
                .assessments
                .iter()
                .flat_map(|a| {
                    a.items.iter().enumerate().map(move |(i, item)| Ent {
                        id: item.id.to_string(),
                        label: format!("Item {} of “{}”", i + 1, a.title),
                        path: self.idx.path(a.node),
                        parent: format!("“{}”", a.title),
                        fields: fields_of(item, &["id", "objectives", "level"]),
                    })
                })
                .collect(),
            "rubric" => doc
                .rubrics
                .iter()
                .map(|r| Ent {
                    id: r.id.to_string(),
                    label: r.title.clone(),
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(r, &["id", "criteria", "levels"]),
                })
                .collect(),
            "rubricLevel" => doc
                .rubrics
                .iter()
                .flat_map(|r| {
                    r.levels.iter().map(move |l| Ent {
                        id: l.id.to_string(),
                        label: format!("Level “{}” of “{}”", l.label, r.title),
                        path: String::new(),
                        parent: format!("“{}”", r.title),
                        fields: fields_of(l, &["id"]),
                    })
                })
                .collect(),
            "criterion" => doc
                .rubrics
                .iter()
                .flat_map(|r| {
                    r.criteria.iter().map(move |c| Ent {
                        id: c.id.to_string(),
                        label: format!("Criterion “{}” of “{}”", c.title, r.title),
                        path: String::new(),
                        parent: format!("“{}”", r.title),
                        fields: fields_of(c, &["id", "objective"]),
                    })
                })
                .collect(),
            "framework" => doc
                .frameworks
                .iter()
                .map(|f| Ent {
                    id: f.id.to_string(),
                    label: f.title.clone(),
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(f, &["id"]),
                })
                .collect(),
            "standardItem" => doc
                .standard_items
                .iter()
                .map(|s| Ent {
                    id: s.id.to_string(),
                    label: if s.code.is_empty() {
                        super::context::shorten(&s.statement, 48)
                    } else {
                        s.code.clone()
                    },
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(s, &["id"]),
                })
                .collect(),
            "association" => doc
                .associations
                .iter()
                .map(|a| Ent {
                    id: a.id.to_string(),
                    label: format!("{} → {} ({})", a.origin.title, a.destination.title, a.association_type),
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(a, &["id"]),
                })
                .collect(),
            "comment" => doc
                .comments
                .iter()
                .map(|c| Ent {
                    id: c.id.to_string(),
                    label: format!("Comment by {}", c.author),
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(c, &["id"]),
                })
                .collect(),
            "reviewEvent" => doc
                .review_events
                .iter()
                .map(|e| Ent {
                    id: e.id.to_string(),
                    label: format!(
                        "{}: {} → {} by {}",
                        self.node_label(e.node),
                        e.from.as_str(),
                        e.to.as_str(),
                        e.author
                    ),
                    path: self.idx.path(e.node),
                    parent: String::new(),
                    fields: fields_of(e, &["id"]),
                })
                .collect(),
            "asset" => doc
                .assets
                .iter()
                .map(|a| Ent {
                    id: a.id.to_string(),
                    label: a.name.clone(),
                    path: String::new(),
                    parent: String::new(),
                    fields: fields_of(a, &["id", "data"]),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn links(&self) -> Vec<Link> {
        let doc = self.doc;
        let mut out: Vec<Link> = Vec::new();
        for n in &doc.nodes {
            for p in &n.prerequisites {
                out.push(("requires", n.id.to_string(), p.to_string()));
            }
        }
        for o in &doc.objectives {
            for s in &o.supports {
                out.push(("supports", o.id.to_string(), s.to_string()));
            }
            for p in &o.prerequisites {
                out.push(("requires", o.id.to_string(), p.to_string()));
            }
            for s in &o.standards {
                out.push(("alignsTo", o.id.to_string(), s.to_string()));
            }
            for e in &o.emphasis {
                let rel = match e.emphasis {
                    crate::model::Emphasis::Introduced => "introduces",
                    crate::model::Emphasis::Reinforced => "reinforces",
                    crate::model::Emphasis::Mastered => "masters",
                };
                out.push((rel, e.course.to_string(), o.id.to_string()));
            }
        }
        for a in &doc.activities {
            for o in &a.objectives {
                out.push(("practises", a.id.to_string(), o.to_string()));
            }
        }
        for a in &doc.assessments {
            for o in &a.objectives {
                out.push(("assesses", a.id.to_string(), o.to_string()));
            }
            for i in &a.items {
                for o in &i.objectives {
                    out.push(("assesses", i.id.to_string(), o.to_string()));
                }
            }
        }
        for r in &doc.rubrics {
            for c in &r.criteria {
                if let Some(o) = c.objective {
                    out.push(("judges", c.id.to_string(), o.to_string()));
                }
            }
        }
        out
    }

    /// Kind and label of any linkable entity.
    fn describe(&self, id: &str) -> Option<(String, String)> {
        self.names.get(id).cloned()
    }
}

/// Kind and label of every entity a link can name.
fn names(doc: &Document) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let mut put = |id: String, kind: &str, label: String| {
        out.insert(id, (kind.to_owned(), label));
    };
    for n in &doc.nodes {
        put(n.id.to_string(), "node", code_title(&n.code, &n.title));
    }
    for o in &doc.objectives {
        put(o.id.to_string(), "objective", super::Ctx::objective_label(o));
    }
    for a in &doc.activities {
        put(a.id.to_string(), "activity", format!("“{}”", a.title));
    }
    for a in &doc.assessments {
        put(a.id.to_string(), "assessment", format!("“{}”", a.title));
        for (i, item) in a.items.iter().enumerate() {
            put(item.id.to_string(), "item", format!("item {} of “{}”", i + 1, a.title));
        }
    }
    for r in &doc.rubrics {
        for c in &r.criteria {
            put(c.id.to_string(), "criterion", format!("criterion “{}” of “{}”", c.title, r.title));
        }
    }
    for s in &doc.standard_items {
        let label =
            if s.code.is_empty() { super::context::shorten(&s.statement, 48) } else { s.code.clone() };
        put(s.id.to_string(), "standardItem", label);
    }
    out
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

/// Computes the semantic diff from `old` to `new`.
pub fn diff(old: &Document, new: &Document) -> DocumentDiff {
    let (a, b) = (Side::new(old), Side::new(new));
    let mut changes = Vec::new();
    let moves = node_moves(&a, &b);
    let levels = level_changes(old, new);
    for kind in KINDS {
        let olds = a.entities(kind);
        let news = b.entities(kind);
        let old_by: HashMap<&str, &Ent> = olds.iter().map(|e| (e.id.as_str(), e)).collect();
        let new_ids: HashSet<&str> = news.iter().map(|e| e.id.as_str()).collect();
        for e in &news {
            match old_by.get(e.id.as_str()) {
                None => changes.push(Change {
                    kind: kind.into(),
                    id: e.id.clone(),
                    label: e.label.clone(),
                    path: e.path.clone(),
                    change: ChangeKind::Added,
                    fields: Vec::new(),
                    level: None,
                    moved: None,
                }),
                Some(o) => {
                    let fields = field_changes(&o.fields, &e.fields);
                    let level = levels.get(e.id.as_str()).cloned();
                    let moved = if kind == "node" {
                        moves.get(e.id.as_str()).cloned()
                    } else if o.parent != e.parent {
                        Some(Move { from: o.parent.clone(), to: e.parent.clone(), reordered: false })
                    } else {
                        None
                    };
                    if !fields.is_empty() || level.is_some() || moved.is_some() {
                        changes.push(Change {
                            kind: kind.into(),
                            id: e.id.clone(),
                            label: e.label.clone(),
                            path: e.path.clone(),
                            change: ChangeKind::Modified,
                            fields,
                            level,
                            moved,
                        });
                    }
                }
            }
        }
        for o in &olds {
            if !new_ids.contains(o.id.as_str()) {
                changes.push(Change {
                    kind: kind.into(),
                    id: o.id.clone(),
                    label: o.label.clone(),
                    path: o.path.clone(),
                    change: ChangeKind::Removed,
                    fields: Vec::new(),
                    level: None,
                    moved: None,
                });
            }
        }
    }
    let old_links: BTreeSet<Link> = a.links().into_iter().collect();
    let new_links: BTreeSet<Link> = b.links().into_iter().collect();
    let mut links = Vec::new();
    for (set, other, added, side, fallback) in
        [(&new_links, &old_links, true, &b, &a), (&old_links, &new_links, false, &a, &b)]
    {
        for l in set.difference(other) {
            let (fk, fl) = side.describe(&l.1).or_else(|| fallback.describe(&l.1)).unwrap_or_default();
            let (tk, tl) = side.describe(&l.2).or_else(|| fallback.describe(&l.2)).unwrap_or_default();
            links.push(LinkChange {
                relation: l.0.to_owned(),
                from_kind: fk,
                from_id: l.1.clone(),
                from_label: fl,
                to_kind: tk,
                to_id: l.2.clone(),
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

/// Level changes of objectives and quiz items, keyed by id.
fn level_changes(old: &Document, new: &Document) -> HashMap<String, LevelChange> {
    let mut levels: HashMap<String, Option<BloomLevel>> = HashMap::new();
    for o in &old.objectives {
        levels.insert(o.id.to_string(), o.level);
    }
    for i in old.assessments.iter().flat_map(|a| &a.items) {
        levels.insert(i.id.to_string(), i.level);
    }
    let mut out = HashMap::new();
    let news = new.objectives.iter().map(|o| (o.id.to_string(), o.level));
    let items = new.assessments.iter().flat_map(|a| &a.items).map(|i| (i.id.to_string(), i.level));
    for (id, to) in news.chain(items) {
        if let Some(from) = levels.get(&id)
            && *from != to
        {
            out.insert(id, LevelChange { from: *from, to });
        }
    }
    out
}

/// Nodes moved to another parent, or reordered among siblings that both versions share.
fn node_moves(a: &Side, b: &Side) -> HashMap<String, Move> {
    let mut out = HashMap::new();
    let old_parent: HashMap<NodeId, Option<NodeId>> = a.doc.nodes.iter().map(|n| (n.id, n.parent)).collect();
    for n in &b.doc.nodes {
        if let Some(op) = old_parent.get(&n.id)
            && *op != n.parent
        {
            out.insert(
                n.id.to_string(),
                Move {
                    from: op.map(|p| a.idx.path(p)).unwrap_or_else(|| "(top level)".into()),
                    to: n.parent.map(|p| b.idx.path(p)).unwrap_or_else(|| "(top level)".into()),
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
        let common_b: HashSet<NodeId> = kb.iter().copied().collect();
        let common_a: HashSet<NodeId> = ka.iter().copied().collect();
        let sa: Vec<NodeId> = ka.into_iter().filter(|n| common_b.contains(n)).collect();
        let sb: Vec<NodeId> = kb.into_iter().filter(|n| common_a.contains(n)).collect();
        if sa == sb {
            continue;
        }
        let keep = lcs(&sa, &sb);
        for n in sb.iter().filter(|n| !keep.contains(n)) {
            let path = p.map(|p| b.idx.path(p)).unwrap_or_else(|| "(top level)".into());
            let from = sa.iter().position(|x| x == n).map(|i| i + 1).unwrap_or(0);
            let to = sb.iter().position(|x| x == n).map(|i| i + 1).unwrap_or(0);
            out.entry(n.to_string()).or_insert(Move {
                from: format!("{path}, position {from}"),
                to: format!("{path}, position {to}"),
                reordered: true,
            });
        }
    }
    out
}

fn lcs(a: &[NodeId], b: &[NodeId]) -> HashSet<NodeId> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = HashSet::new();
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
        super::report::CSS,
        esc(&d.old_title),
        esc(&d.new_title),
        render_html_fragment(d)
    )
}
