//! Bringing a loaded copy of the document up to date after a change and saying what changed as
//! a [`DocumentPatch`]. The desktop app keeps one loaded copy per window; a change to a large
//! curriculum then costs the rows it touched, not a whole load.
//!
//! The newest change's journal step names every row it inserted, updated or deleted (cascades
//! included: the journal's triggers see them too). Each row is mapped to the entity of the
//! document it belongs to (a link row or a quiz item to its owner), and only those entities are
//! re-read by id, replaced, added or removed. Order is restored only where it can have changed:
//! a row that was added, removed, or changed its parent or position has its sibling list (old
//! and new parent) re-read as ids in position order; the canonical pre-order and the grouping of
//! objectives, activities and assessments by node follow from [`Document::normalize`]. A step
//! larger than [`MAX_ROW_CHANGES`] rows, or one naming a table outside the document, falls back
//! to re-reading the whole tables it touched ([`super::read::reload`]).

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use uuid::Uuid;

use super::Store;
use super::read::{self, Only, Parts};
use crate::model::patch::{diff_list, reorder_list};
use crate::model::{
    Activity, Assessment, Document, DocumentPatch, Keyed, ListPatch, Node, Objective, StandardAssociation,
    StandardItem,
};
use crate::{Error, Result};

/// Journal rows of one step above which the copy is refreshed table by table (a document
/// replacement, a large import or deleting a whole course): re-reading that many entities one by
/// one is no cheaper than reading their tables.
pub const MAX_ROW_CHANGES: i64 = 2_000;

/// A list of the copy before the change: the entities themselves when the change touched the
/// list's tables, otherwise only its order (re-sorting may still move its entities, e.g. the
/// objectives of a node that moved).
enum Before<T> {
    Touched(Vec<T>),
    Order(Vec<Uuid>),
}

impl<T: Keyed + PartialEq + Clone> Before<T> {
    fn take(list: &mut Vec<T>, touched: bool) -> Self {
        if touched {
            Before::Touched(std::mem::take(list))
        } else {
            Before::Order(list.iter().map(Keyed::key).collect())
        }
    }

    fn patch(&self, now: &[T]) -> Option<ListPatch<T>> {
        match self {
            Before::Touched(old) => diff_list(old, now),
            Before::Order(order) => reorder_list(order, now),
        }
    }
}

macro_rules! refresh_lists {
    ($conn:expr, $doc:expr, $parts:expr, $($list:ident),* $(,)?) => {{
        let curriculum = $parts.curriculum.then(|| $doc.curriculum.clone());
        $(let $list = Before::take(&mut $doc.$list, $parts.$list);)*
        read::reload($conn, $doc, $parts)?;
        DocumentPatch {
            curriculum: curriculum.filter(|c| *c != $doc.curriculum).map(|_| $doc.curriculum.clone()),
            $($list: $list.patch(&$doc.$list),)*
            translations: None,
        }
    }};
}

impl Store {
    /// Brings `doc`, the committed document as it was before the newest change through this
    /// store (edit, undo or redo), up to date by re-reading only what that change touched, and
    /// returns what changed. Applied to the old version, the patch gives the new one.
    pub fn refresh(&self, doc: &mut Document) -> Result<DocumentPatch> {
        // One read transaction: every row and order read sees the same committed state.
        let tx = self.conn.unchecked_transaction()?;
        // Language variants are read whole when the change touched them (no row-level refresh).
        let translations_touched = match self.last_step {
            Some(step) => tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM journal WHERE step = ?1 AND tbl = 'translations')",
                [step],
                |r| r.get::<_, bool>(0),
            )?,
            None => true,
        };
        let translations_before = translations_touched.then(|| doc.translations.clone());
        let changes = match self.last_step {
            Some(step) => step_changes(&tx, step)?,
            None => None,
        };
        let mut patch = match changes {
            Some(changes) => refresh_rows(&tx, doc, &changes)?,
            None => {
                let parts: Parts = self.last_change_parts()?;
                refresh_lists!(
                    &tx,
                    doc,
                    parts,
                    nodes,
                    objectives,
                    frameworks,
                    standard_items,
                    associations,
                    activities,
                    assessments,
                    rubrics,
                    comments,
                    review_events,
                    snapshots,
                    assets,
                )
            }
        };
        if let Some(before) = translations_before {
            doc.translations = read::read_translations(&tx)?;
            if before != doc.translations {
                patch.translations = Some(doc.translations.clone());
            }
        }
        tx.commit()?;
        Ok(patch)
    }
}

/// The document's lists, as indices into [`Changes::lists`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    Nodes,
    Objectives,
    Frameworks,
    StandardItems,
    Associations,
    Activities,
    Assessments,
    Rubrics,
    Comments,
    ReviewEvents,
    Snapshots,
    Assets,
}

const LISTS: usize = 12;

/// How a table's row names the entity it belongs to.
#[derive(Clone, Copy, Debug)]
enum Owner {
    /// This column holds the entity's id.
    Column(&'static str),
    /// This column holds the id of a row of `table` whose `owner` column is the entity's id (a
    /// criterion's descriptors belong to its rubric, a quiz item's objectives to its assessment).
    Via { column: &'static str, table: &'static str, owner: &'static str },
}

/// What a changed row of a table can do to its list's order.
#[derive(Clone, Copy, Debug)]
enum Order {
    /// Nothing: the row is a link or child re-read with its owner.
    Inner,
    /// The entity sits among the siblings sharing this column, by `position`.
    Grouped(&'static str),
    /// The entity sits in one list by `position`.
    Global,
}

/// Where a document table's rows go in a [`Document`]; `None` for the curriculum and for tables
/// outside the document.
fn spec(table: &str) -> Option<(List, Owner, Order)> {
    use List::*;
    use Order::*;
    use Owner::Column;
    Some(match table {
        "nodes" => (Nodes, Column("id"), Grouped("parent_id")),
        "node_prerequisites" => (Nodes, Column("node_id"), Inner),
        "frameworks" => (Frameworks, Column("id"), Global),
        "standard_items" => (StandardItems, Column("id"), Grouped("framework_id")),
        "associations" => (Associations, Column("id"), Grouped("framework_id")),
        "objectives" => (Objectives, Column("id"), Grouped("node_id")),
        "objective_supports" | "objective_prerequisites" | "objective_standards" | "objective_emphasis" => {
            (Objectives, Column("objective_id"), Inner)
        }
        "assets" => (Assets, Column("id"), Global),
        "activities" => (Activities, Column("id"), Grouped("node_id")),
        "activity_objectives" | "activity_resources" => (Activities, Column("activity_id"), Inner),
        "rubrics" => (Rubrics, Column("id"), Global),
        "rubric_levels" | "criteria" => (Rubrics, Column("rubric_id"), Inner),
        "descriptors" => {
            (Rubrics, Owner::Via { column: "criterion_id", table: "criteria", owner: "rubric_id" }, Inner)
        }
        "assessments" => (Assessments, Column("id"), Grouped("node_id")),
        "assessment_objectives" | "items" => (Assessments, Column("assessment_id"), Inner),
        "item_objectives" => {
            (Assessments, Owner::Via { column: "item_id", table: "items", owner: "assessment_id" }, Inner)
        }
        "comments" => (Comments, Column("id"), Global),
        "review_events" => (ReviewEvents, Column("id"), Global),
        "snapshots" => (Snapshots, Column("id"), Global),
        _ => return None,
    })
}

/// What one step did to one list.
#[derive(Debug, Default)]
struct Touch {
    /// Entities with a changed row (their own or one of their links or children).
    ids: HashSet<Uuid>,
    /// Sibling lists (by parent, node or framework) whose order must be re-read.
    groups: HashSet<Option<Uuid>>,
    /// Whether the list's whole order must be re-read (lists ordered by position alone).
    all_order: bool,
}

/// What one step did to the document.
#[derive(Debug)]
struct Changes {
    curriculum: bool,
    lists: [Touch; LISTS],
}

/// A cell as JSON, the form the journal keeps old values in (only ids, parents and positions
/// are compared, so other types never matter).
fn cell(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(_) => serde_json::Value::Bool(false),
    }
}

/// An id cell: `Ok(None)` for NULL, an error for anything but an id.
fn id_cell(value: Option<&serde_json::Value>) -> std::result::Result<Option<Uuid>, ()> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Uuid::parse_str(s).map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

/// The rows step `step` changed, mapped to entities; `None` when the step is too large or names
/// something this build cannot map (then the caller re-reads whole tables).
fn step_changes(conn: &Connection, step: i64) -> Result<Option<Changes>> {
    let count: i64 = conn.query_row("SELECT count(*) FROM journal WHERE step = ?1", [step], |r| r.get(0))?;
    if count == 0 || count > MAX_ROW_CHANGES {
        return Ok(None);
    }
    let mut changes = Changes { curriculum: false, lists: std::array::from_fn(|_| Touch::default()) };
    // Children reached through another table (criteria, quiz items): their id → owners seen in
    // this step, for link rows whose child was deleted in the same step.
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut via: Vec<(List, Owner, Uuid)> = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT op, tbl, row_id, data FROM journal WHERE step = ?1")?;
    let mut rows = stmt.query([step])?;
    while let Some(row) = rows.next()? {
        let (ValueRef::Text(op), ValueRef::Text(table), ValueRef::Integer(row_id), ValueRef::Text(data)) =
            (row.get_ref(0)?, row.get_ref(1)?, row.get_ref(2)?, row.get_ref(3)?)
        else {
            return Ok(None);
        };
        let (op, table) = (String::from_utf8_lossy(op), String::from_utf8_lossy(table));
        if table == "curriculum" {
            changes.curriculum = true;
            continue;
        }
        if table == "translations" {
            // Read whole by `Store::refresh`.
            continue;
        }
        let Some((list, owner, order)) = spec(&table) else { return Ok(None) };
        let owner_column = match owner {
            Owner::Column(c) | Owner::Via { column: c, .. } => c,
        };
        let mut columns = vec![owner_column];
        match order {
            Order::Grouped(group) => columns.extend([group, "position"]),
            Order::Global => columns.push("position"),
            Order::Inner => {}
        }
        let is_parent = matches!(table.as_ref(), "criteria" | "items");
        if is_parent {
            columns.push("id");
        }
        // The journal row says how to reverse the change: `delete` = the row was inserted,
        // `insert` = it was deleted (with its old values), `update` = it changed (old values).
        let old = match op.as_ref() {
            "delete" => None,
            "insert" | "update" => match serde_json::from_slice::<serde_json::Value>(data) {
                Ok(serde_json::Value::Object(map)) => {
                    Some(columns.iter().map(|c| map.get(*c).cloned().unwrap_or_default()).collect::<Vec<_>>())
                }
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let now = if op == "insert" {
            None
        } else {
            let sql = format!(
                "SELECT {} FROM main.\"{table}\" WHERE rowid = ?1",
                columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            );
            let mut current = conn.prepare_cached(&sql)?;
            let mut found = current.query([row_id])?;
            match found.next()? {
                Some(r) => {
                    Some((0..columns.len()).map(|i| Ok(cell(r.get_ref(i)?))).collect::<Result<Vec<_>>>()?)
                }
                None => None,
            }
        };
        let touch = &mut changes.lists[list as usize];
        for values in old.iter().chain(now.iter()) {
            let Ok(Some(id)) = id_cell(values.first()) else { return Ok(None) };
            match owner {
                Owner::Column(_) => {
                    touch.ids.insert(id);
                }
                Owner::Via { .. } => via.push((list, owner, id)),
            }
            if is_parent {
                let Ok(Some(child)) = id_cell(values.last()) else { return Ok(None) };
                children.entry(child).or_default().push(id);
            }
        }
        let moved = op != "update" || old.as_ref().map(|v| &v[1..]) != now.as_ref().map(|v| &v[1..]);
        match order {
            Order::Grouped(_) if moved => {
                for values in old.iter().chain(now.iter()) {
                    let Ok(group) = id_cell(values.get(1)) else { return Ok(None) };
                    touch.groups.insert(group);
                }
            }
            Order::Global if moved => touch.all_order = true,
            _ => {}
        }
    }
    drop(rows);
    for (list, owner, child) in via {
        let Owner::Via { table, owner, .. } = owner else { continue };
        let mut found = false;
        if let Some(owners) = children.get(&child) {
            changes.lists[list as usize].ids.extend(owners);
            found = !owners.is_empty();
        }
        let mut stmt = conn.prepare_cached(&format!("SELECT {owner} FROM {table} WHERE id = ?1"))?;
        let mut rows = stmt.query([child.hyphenated().to_string()])?;
        while let Some(r) = rows.next()? {
            let Ok(Some(id)) = id_cell(Some(&cell(r.get_ref(0)?))) else { return Ok(None) };
            changes.lists[list as usize].ids.insert(id);
            found = true;
        }
        if !found {
            return Ok(None);
        }
    }
    Ok(Some(changes))
}

/// How a list's order is kept.
enum Arrange<T> {
    /// Siblings sharing a parent (node, framework) by position, in `table`.`column`.
    Groups { table: &'static str, column: &'static str, of: fn(&T) -> Option<Uuid> },
    /// One list by position.
    All { table: &'static str },
}

/// A list before the change, as much of it as the patch needs.
struct Old<T> {
    /// Its ids in order.
    order: Vec<Uuid>,
    /// The old version of every touched entity that is still there.
    changed: HashMap<Uuid, T>,
    /// Whether the list had to be read whole (the copy did not match the tables).
    replaced: bool,
}

impl<T: Keyed + PartialEq + Clone> Old<T> {
    /// What turns the old list into `now`, as [`diff_list`] would say it.
    fn patch(&self, now: &[T], touched: &HashSet<Uuid>) -> Option<ListPatch<T>> {
        if self.replaced {
            let order = now.iter().map(Keyed::key).collect();
            return Some(ListPatch { order: Some(order), changed: now.to_vec() });
        }
        let same_order =
            self.order.len() == now.len() && self.order.iter().zip(now).all(|(a, b)| *a == b.key());
        let changed: Vec<T> = if touched.is_empty() {
            Vec::new()
        } else {
            now.iter()
                .filter(|e| touched.contains(&e.key()) && self.changed.get(&e.key()).is_none_or(|o| o != *e))
                .cloned()
                .collect()
        };
        if same_order {
            (!changed.is_empty()).then_some(ListPatch { order: None, changed })
        } else {
            Some(ListPatch { order: Some(now.iter().map(Keyed::key).collect()), changed })
        }
    }
}

/// Ids read from an `id` column.
fn read_ids(rows: &mut rusqlite::Rows<'_>, table: &str) -> Result<Vec<Uuid>> {
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        let text = r.get_ref(0)?.as_str().map_err(|e| Error::Internal(format!("{table}.id: {e}")))?;
        ids.push(
            Uuid::parse_str(text).map_err(|e| Error::Internal(format!("{table}.id is not an id: {e}")))?,
        );
    }
    Ok(ids)
}

/// Puts the members of each group in `groups` into their order in the tables, in the places
/// they occupy in `list`. `false` when the members differ from the tables'.
fn arrange_groups<T: Keyed + Clone>(
    conn: &Connection,
    list: &mut [T],
    groups: &HashSet<Option<Uuid>>,
    table: &str,
    column: &str,
    of: fn(&T) -> Option<Uuid>,
) -> Result<bool> {
    let mut slots: HashMap<Option<Uuid>, Vec<usize>> = groups.iter().map(|g| (*g, Vec::new())).collect();
    for (i, entity) in list.iter().enumerate() {
        if let Some(s) = slots.get_mut(&of(entity)) {
            s.push(i);
        }
    }
    let mut stmt =
        conn.prepare_cached(&format!("SELECT id FROM {table} WHERE {column} IS ?1 ORDER BY position"))?;
    for (group, slots) in slots {
        let ids = read_ids(&mut stmt.query([group.map(|g| g.hyphenated().to_string())])?, table)?;
        if ids.len() != slots.len() {
            return Ok(false);
        }
        let at: HashMap<Uuid, usize> = slots.iter().map(|&i| (list[i].key(), i)).collect();
        let Some(sources) = ids.iter().map(|id| at.get(id).copied()).collect::<Option<Vec<usize>>>() else {
            return Ok(false);
        };
        if sources != slots {
            let moved: Vec<T> = sources.iter().map(|&s| list[s].clone()).collect();
            for (slot, entity) in slots.iter().zip(moved) {
                list[*slot] = entity;
            }
        }
    }
    Ok(true)
}

/// Puts `list` into its order in `table`. `false` when its entities differ from the table's
/// (the list may then be incomplete: the caller reads it whole).
fn arrange_all<T: Keyed>(conn: &Connection, list: &mut Vec<T>, table: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!("SELECT id FROM {table} ORDER BY position"))?;
    let ids = read_ids(&mut stmt.query([])?, table)?;
    if ids.len() != list.len() {
        return Ok(false);
    }
    if ids.iter().zip(list.iter()).all(|(id, e)| *id == e.key()) {
        return Ok(true);
    }
    let mut by_id: HashMap<Uuid, T> = list.drain(..).map(|e| (e.key(), e)).collect();
    for id in ids {
        match by_id.remove(&id) {
            Some(entity) => list.push(entity),
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Brings one list up to date: re-reads the touched entities, replaces, adds or removes them,
/// and restores the order of the groups whose order may have changed. `watch` keeps the old
/// order of an untouched list whose order may still change (by [`Document::normalize`]).
/// Returns the old state for the patch, `None` when the list cannot have changed.
fn refresh_list<T: Keyed + PartialEq + Clone>(
    conn: &Connection,
    list: &mut Vec<T>,
    touch: &Touch,
    watch: bool,
    read: fn(&Connection, Only<'_>) -> Result<Vec<T>>,
    arrange: Arrange<T>,
) -> Result<Option<Old<T>>> {
    if touch.ids.is_empty() && !watch {
        return Ok(None);
    }
    let order: Vec<Uuid> = list.iter().map(Keyed::key).collect();
    let mut changed = HashMap::new();
    if !touch.ids.is_empty() {
        let ids: Vec<String> = touch.ids.iter().map(|id| id.hyphenated().to_string()).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| Error::Internal(format!("listing ids: {e}")))?;
        let mut fresh: Vec<Option<T>> = read(conn, Only::Ids(&ids))?.into_iter().map(Some).collect();
        let index: HashMap<Uuid, usize> =
            fresh.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|e| (e.key(), i))).collect();
        list.retain_mut(|entity| {
            let key = entity.key();
            if !touch.ids.contains(&key) {
                return true;
            }
            match index.get(&key).and_then(|&i| fresh[i].take()) {
                Some(new) => {
                    changed.insert(key, std::mem::replace(entity, new));
                    true
                }
                None => false,
            }
        });
        list.extend(fresh.into_iter().flatten());
    }
    let consistent = match arrange {
        Arrange::Groups { table, column, of } if !touch.groups.is_empty() => {
            arrange_groups(conn, list, &touch.groups, table, column, of)?
        }
        Arrange::All { table } if touch.all_order => arrange_all(conn, list, table)?,
        _ => true,
    };
    if !consistent {
        *list = read(conn, Only::All)?;
    }
    Ok(Some(Old { order, changed, replaced: !consistent }))
}

/// Brings `doc` up to date from the rows of one step (see the module documentation).
fn refresh_rows(conn: &Connection, doc: &mut Document, ch: &Changes) -> Result<DocumentPatch> {
    let touch = |list: List| &ch.lists[list as usize];
    let curriculum = if ch.curriculum {
        let (format, now) = read::read_curriculum(conn)?;
        doc.format = format;
        (now != doc.curriculum).then(|| {
            doc.curriculum = now;
            doc.curriculum.clone()
        })
    } else {
        None
    };
    // Moving, adding or removing a node or a framework can reorder the lists grouped by them.
    let nodes_moved = !touch(List::Nodes).groups.is_empty();
    let frameworks_moved = touch(List::Frameworks).all_order;
    let nodes = refresh_list(
        conn,
        &mut doc.nodes,
        touch(List::Nodes),
        false,
        read::read_nodes,
        Arrange::Groups { table: "nodes", column: "parent_id", of: |n: &Node| n.parent.map(|p| p.0) },
    )?;
    let objectives = refresh_list(
        conn,
        &mut doc.objectives,
        touch(List::Objectives),
        nodes_moved,
        read::read_objectives,
        Arrange::Groups { table: "objectives", column: "node_id", of: |o: &Objective| Some(o.node.0) },
    )?;
    let activities = refresh_list(
        conn,
        &mut doc.activities,
        touch(List::Activities),
        nodes_moved,
        read::read_activities,
        Arrange::Groups { table: "activities", column: "node_id", of: |a: &Activity| Some(a.node.0) },
    )?;
    let assessments = refresh_list(
        conn,
        &mut doc.assessments,
        touch(List::Assessments),
        nodes_moved,
        read::read_assessments,
        Arrange::Groups { table: "assessments", column: "node_id", of: |a: &Assessment| Some(a.node.0) },
    )?;
    let frameworks = refresh_list(
        conn,
        &mut doc.frameworks,
        touch(List::Frameworks),
        false,
        read::read_frameworks,
        Arrange::All { table: "frameworks" },
    )?;
    let standard_items = refresh_list(
        conn,
        &mut doc.standard_items,
        touch(List::StandardItems),
        frameworks_moved,
        read::read_standard_items,
        Arrange::Groups {
            table: "standard_items",
            column: "framework_id",
            of: |s: &StandardItem| Some(s.framework.0),
        },
    )?;
    let associations = refresh_list(
        conn,
        &mut doc.associations,
        touch(List::Associations),
        frameworks_moved,
        read::read_associations,
        Arrange::Groups {
            table: "associations",
            column: "framework_id",
            of: |a: &StandardAssociation| Some(a.framework.0),
        },
    )?;
    let rubrics = refresh_list(
        conn,
        &mut doc.rubrics,
        touch(List::Rubrics),
        false,
        read::read_rubrics,
        Arrange::All { table: "rubrics" },
    )?;
    let comments = refresh_list(
        conn,
        &mut doc.comments,
        touch(List::Comments),
        false,
        read::read_comments,
        Arrange::All { table: "comments" },
    )?;
    let review_events = refresh_list(
        conn,
        &mut doc.review_events,
        touch(List::ReviewEvents),
        false,
        read::read_review_events,
        Arrange::All { table: "review_events" },
    )?;
    let snapshots = refresh_list(
        conn,
        &mut doc.snapshots,
        touch(List::Snapshots),
        false,
        read::read_snapshots,
        Arrange::All { table: "snapshots" },
    )?;
    let assets = refresh_list(
        conn,
        &mut doc.assets,
        touch(List::Assets),
        false,
        read::read_assets,
        Arrange::All { table: "assets" },
    )?;
    // Pre-order of the outline and grouping by node and framework: only when an order changed.
    let grouped =
        [List::Objectives, List::Activities, List::Assessments, List::StandardItems, List::Associations];
    let replaced = nodes.as_ref().is_some_and(|o| o.replaced)
        || objectives.as_ref().is_some_and(|o| o.replaced)
        || activities.as_ref().is_some_and(|o| o.replaced)
        || assessments.as_ref().is_some_and(|o| o.replaced)
        || frameworks.as_ref().is_some_and(|o| o.replaced)
        || standard_items.as_ref().is_some_and(|o| o.replaced)
        || associations.as_ref().is_some_and(|o| o.replaced);
    if nodes_moved || frameworks_moved || replaced || grouped.iter().any(|&l| !touch(l).groups.is_empty()) {
        doc.normalize();
    }
    Ok(DocumentPatch {
        curriculum,
        nodes: patch(nodes, &doc.nodes, touch(List::Nodes)),
        objectives: patch(objectives, &doc.objectives, touch(List::Objectives)),
        frameworks: patch(frameworks, &doc.frameworks, touch(List::Frameworks)),
        standard_items: patch(standard_items, &doc.standard_items, touch(List::StandardItems)),
        associations: patch(associations, &doc.associations, touch(List::Associations)),
        activities: patch(activities, &doc.activities, touch(List::Activities)),
        assessments: patch(assessments, &doc.assessments, touch(List::Assessments)),
        rubrics: patch(rubrics, &doc.rubrics, touch(List::Rubrics)),
        comments: patch(comments, &doc.comments, touch(List::Comments)),
        review_events: patch(review_events, &doc.review_events, touch(List::ReviewEvents)),
        snapshots: patch(snapshots, &doc.snapshots, touch(List::Snapshots)),
        assets: patch(assets, &doc.assets, touch(List::Assets)),
        translations: None,
    })
}

/// The patch of one list, `None` when it cannot have changed.
fn patch<T: Keyed + PartialEq + Clone>(
    old: Option<Old<T>>,
    now: &[T],
    touch: &Touch,
) -> Option<ListPatch<T>> {
    old.and_then(|old| old.patch(now, &touch.ids))
}
