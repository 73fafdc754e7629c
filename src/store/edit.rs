//! Edit operations: the closed set of changes a user can make to a document. The desktop app and
//! the CLI send these; [`super::Store::apply`] runs each one as one transaction and one undo step.
//! Each operation checks what the foreign keys cannot (cycles, entity-local invariants) before
//! it touches a row.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::write;
use crate::model::*;
use crate::{Error, Result};

/// A link between two entities that can be made or removed on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[allow(missing_docs)] // the variant docs say what the fields are
pub enum Link {
    /// An activity practises an objective.
    ActivityObjective { activity: ActivityId, objective: ObjectiveId },
    /// An assessment measures an objective.
    AssessmentObjective { assessment: AssessmentId, objective: ObjectiveId },
    /// A quiz item measures an objective.
    ItemObjective { item: ItemId, objective: ObjectiveId },
    /// An objective is aligned to a framework item.
    ObjectiveStandard { objective: ObjectiveId, item: StandardItemId },
    /// An objective supports a higher-level objective.
    ObjectiveSupports { objective: ObjectiveId, supports: ObjectiveId },
    /// An objective requires another first.
    ObjectivePrerequisite { objective: ObjectiveId, prerequisite: ObjectiveId },
    /// A node requires another first.
    NodePrerequisite { node: NodeId, prerequisite: NodeId },
    /// A rubric criterion measures an objective.
    CriterionObjective { criterion: CriterionId, objective: ObjectiveId },
}

/// One user edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[allow(missing_docs)] // the variant docs say what the fields are
pub enum EditOp {
    /// Change the curriculum's own fields (title, credits, …).
    UpdateCurriculum { curriculum: Curriculum },
    /// Add a node under `node.parent` at `position` (end when `None`).
    CreateNode { node: Node, position: Option<u32> },
    /// Change a node's fields (not its place in the tree).
    UpdateNode { node: Node },
    /// Move a node under a new parent at a position.
    MoveNode { id: NodeId, parent: Option<NodeId>, position: u32 },
    /// Delete a node and everything in it.
    DeleteNode { id: NodeId },
    /// Add an objective to `objective.node`.
    CreateObjective { objective: Objective, position: Option<u32> },
    /// Change an objective (statement, level, links).
    UpdateObjective { objective: Objective },
    /// Move an objective to a node at a position.
    MoveObjective { id: ObjectiveId, node: NodeId, position: u32 },
    /// Delete an objective and its links.
    DeleteObjective { id: ObjectiveId },
    /// Add an activity.
    CreateActivity { activity: Activity, position: Option<u32> },
    /// Change an activity.
    UpdateActivity { activity: Activity },
    /// Move an activity.
    MoveActivity { id: ActivityId, node: NodeId, position: u32 },
    /// Delete an activity.
    DeleteActivity { id: ActivityId },
    /// Add an assessment (with its items).
    CreateAssessment { assessment: Assessment, position: Option<u32> },
    /// Change an assessment and its items.
    UpdateAssessment { assessment: Assessment },
    /// Move an assessment.
    MoveAssessment { id: AssessmentId, node: NodeId, position: u32 },
    /// Delete an assessment.
    DeleteAssessment { id: AssessmentId },
    /// Add a rubric.
    CreateRubric { rubric: Rubric },
    /// Change a rubric (levels and criteria as a whole).
    UpdateRubric { rubric: Rubric },
    /// Delete a rubric (assessments keep existing without it).
    DeleteRubric { id: RubricId },
    /// Make a link.
    Link { link: Link },
    /// Remove a link.
    Unlink { link: Link },
    /// Add a comment.
    AddComment { comment: Comment },
    /// Resolve or reopen a comment thread.
    ResolveComment { id: CommentId, resolved: bool },
    /// Delete a comment and its replies.
    DeleteComment { id: CommentId },
    /// Change a node's review status (recorded in the audit trail).
    SetReviewStatus { node: NodeId, status: ReviewStatus, author: String, note: String },
    /// Take a named snapshot of the whole document.
    TakeSnapshot { name: String },
    /// Delete a snapshot.
    DeleteSnapshot { id: SnapshotId },
    /// Store a file.
    AddAsset { asset: Asset },
    /// Delete a stored file.
    DeleteAsset { id: AssetId },
    /// Replace the whole document (imports, merges); undoable like any edit.
    ReplaceDocument { document: Box<Document> },
}

impl EditOp {
    /// A short label for undo menus ("Rename node" style).
    pub fn label(&self) -> String {
        let text = match self {
            EditOp::UpdateCurriculum { .. } => "Edit curriculum",
            EditOp::CreateNode { .. } => "Add node",
            EditOp::UpdateNode { .. } => "Edit node",
            EditOp::MoveNode { .. } => "Move node",
            EditOp::DeleteNode { .. } => "Delete node",
            EditOp::CreateObjective { .. } => "Add objective",
            EditOp::UpdateObjective { .. } => "Edit objective",
            EditOp::MoveObjective { .. } => "Move objective",
            EditOp::DeleteObjective { .. } => "Delete objective",
            EditOp::CreateActivity { .. } => "Add activity",
            EditOp::UpdateActivity { .. } => "Edit activity",
            EditOp::MoveActivity { .. } => "Move activity",
            EditOp::DeleteActivity { .. } => "Delete activity",
            EditOp::CreateAssessment { .. } => "Add assessment",
            EditOp::UpdateAssessment { .. } => "Edit assessment",
            EditOp::MoveAssessment { .. } => "Move assessment",
            EditOp::DeleteAssessment { .. } => "Delete assessment",
            EditOp::CreateRubric { .. } => "Add rubric",
            EditOp::UpdateRubric { .. } => "Edit rubric",
            EditOp::DeleteRubric { .. } => "Delete rubric",
            EditOp::Link { .. } => "Link",
            EditOp::Unlink { .. } => "Unlink",
            EditOp::AddComment { .. } => "Add comment",
            EditOp::ResolveComment { .. } => "Resolve comment",
            EditOp::DeleteComment { .. } => "Delete comment",
            EditOp::SetReviewStatus { .. } => "Change review status",
            EditOp::TakeSnapshot { .. } => "Take snapshot",
            EditOp::DeleteSnapshot { .. } => "Delete snapshot",
            EditOp::AddAsset { .. } => "Add file",
            EditOp::DeleteAsset { .. } => "Delete file",
            EditOp::ReplaceDocument { .. } => "Replace document",
        };
        text.to_owned()
    }
}

fn not_found(kind: &'static str, id: impl std::fmt::Display) -> Error {
    Error::NotFound { kind, id: id.to_string() }
}

fn exists(conn: &Connection, table: &str, id: Uuid) -> Result<bool> {
    Ok(conn
        .query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id.hyphenated().to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn require(conn: &Connection, table: &str, kind: &'static str, id: Uuid) -> Result<()> {
    if exists(conn, table, id)? { Ok(()) } else { Err(not_found(kind, id)) }
}

/// The objectives a pathway names exist (the pathway column holds JSON, no foreign key).
fn check_pathway(conn: &Connection, pathway: Option<&crate::model::Pathway>) -> Result<()> {
    for o in pathway.iter().flat_map(|p| &p.objectives) {
        require(conn, "objectives", "pathway objective", o.0)?;
    }
    Ok(())
}

/// Checks a single entity's own invariants by validating a one-entity document around it (`put`
/// places the entity) and ignoring references to entities outside it (those are the foreign keys'
/// job).
fn check_local(put: impl FnOnce(&mut Document)) -> Result<()> {
    let mut doc = Document::new("");
    put(&mut doc);
    doc.curriculum.id = CurriculumId(Uuid::nil());
    let problems: Vec<String> = doc
        .violations()
        .into_iter()
        .filter(|v| !v.problem.ends_with("does not exist"))
        .map(|v| v.to_string())
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid { source_name: "edit".into(), problems }) }
}

/// Inserts a sibling at `position` (end when `None`) by shifting the later siblings.
fn open_slot(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    parent: Option<String>,
    position: Option<u32>,
) -> Result<i64> {
    // No row has an empty id, so nothing is skipped.
    open_slot_excluding(conn, table, parent_col, parent, position.unwrap_or(u32::MAX), "")
}

/// Renumbers the siblings 0..n in their current order.
fn compact(conn: &Connection, table: &str, parent_col: &str, parent: Option<String>) -> Result<()> {
    compact_excluding(conn, table, parent_col, parent, "")
}

/// Gives `ids` the positions 0..n in the order given, touching only rows that move.
fn renumber(conn: &Connection, table: &str, ids: &[String]) -> Result<()> {
    let mut stmt =
        conn.prepare(&format!("UPDATE {table} SET position = ?2 WHERE id = ?1 AND position != ?2"))?;
    for (i, id) in ids.iter().enumerate() {
        stmt.execute(params![id, i as i64])?;
    }
    Ok(())
}

fn parent_of(conn: &Connection, table: &str, parent_col: &str, id: Uuid) -> Result<Option<Option<String>>> {
    Ok(conn
        .query_row(
            &format!("SELECT {parent_col} FROM {table} WHERE id = ?1"),
            [id.hyphenated().to_string()],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?)
}

/// Moves a row to `parent` at `position`, keeping both sibling lists dense.
fn move_row(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    kind: &'static str,
    id: Uuid,
    parent: Option<String>,
    position: u32,
) -> Result<()> {
    let old_parent = parent_of(conn, table, parent_col, id)?.ok_or_else(|| not_found(kind, id))?;
    let key = id.hyphenated().to_string();
    // Take the row out of its list, then open a slot in the target list.
    conn.execute(&format!("UPDATE {table} SET position = -1 WHERE id = ?1"), [&key])?;
    compact_excluding(conn, table, parent_col, old_parent.clone(), &key)?;
    conn.execute(
        &format!("UPDATE {table} SET {parent_col} = ?2, position = -1 WHERE id = ?1"),
        params![key, parent],
    )?;
    compact_excluding(conn, table, parent_col, parent.clone(), &key)?;
    let pos = open_slot_excluding(conn, table, parent_col, parent, position, &key)?;
    conn.execute(&format!("UPDATE {table} SET position = ?2 WHERE id = ?1"), params![key, pos])?;
    Ok(())
}

fn compact_excluding(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    parent: Option<String>,
    skip: &str,
) -> Result<()> {
    let cond = if parent.is_some() { format!("{parent_col} = ?1") } else { format!("{parent_col} IS NULL") };
    let ids: Vec<String> = conn
        .prepare(&format!("SELECT id FROM {table} WHERE {cond} AND id != ?2 ORDER BY position"))?
        .query_map(params![parent, skip], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    renumber(conn, table, &ids)
}

fn open_slot_excluding(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    parent: Option<String>,
    position: u32,
    skip: &str,
) -> Result<i64> {
    let cond = if parent.is_some() { format!("{parent_col} = ?1") } else { format!("{parent_col} IS NULL") };
    let count: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE {cond} AND id != ?2"),
        params![parent, skip],
        |r| r.get(0),
    )?;
    let pos = i64::from(position).min(count);
    conn.execute(
        &format!("UPDATE {table} SET position = position + 1 WHERE {cond} AND id != ?3 AND position >= ?2"),
        params![parent, pos, skip],
    )?;
    Ok(pos)
}

/// Whether `to` is reachable from `from` along `table`'s (owner → target) edges.
fn reaches(conn: &Connection, table: &str, owner: &str, target: &str, from: Uuid, to: Uuid) -> Result<bool> {
    let sql = format!(
        "WITH RECURSIVE walk(id) AS (SELECT ?1 UNION SELECT t.{target} FROM {table} t JOIN walk w ON t.{owner} = w.id)
         SELECT 1 FROM walk WHERE id = ?2 LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, params![from.hyphenated().to_string(), to.hyphenated().to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether `to` is `from` or one of its descendants in the outline.
fn is_descendant(conn: &Connection, ancestor: Uuid, node: Uuid) -> Result<bool> {
    let sql =
        "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT n.parent_id FROM nodes n JOIN up ON n.id = up.id
               WHERE n.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2 LIMIT 1";
    Ok(conn
        .query_row(sql, params![node.hyphenated().to_string(), ancestor.hyphenated().to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn refuse_cycle(
    conn: &Connection,
    table: &str,
    owner: &str,
    target: &str,
    from: Uuid,
    to: Uuid,
    what: &str,
) -> Result<()> {
    if from == to || reaches(conn, table, owner, target, to, from)? {
        return Err(Error::Refused(format!(
            "{what}: this link would create a cycle ({to} already depends on {from}, directly or through others)"
        )));
    }
    Ok(())
}

/// Applies one operation inside the caller's transaction.
pub fn apply(conn: &Connection, op: &EditOp) -> Result<()> {
    match op {
        EditOp::UpdateCurriculum { curriculum } => {
            check_local(|d| d.curriculum = curriculum.clone())?;
            require(conn, "curriculum", "curriculum", curriculum.id.0)?;
            write::update_curriculum(conn, curriculum)?;
        }
        EditOp::CreateNode { node, position } => {
            check_local(|d| d.nodes.push(node.clone()))?;
            if let Some(parent) = node.parent {
                require(conn, "nodes", "node", parent.0)?;
            }
            let pos = open_slot(conn, "nodes", "parent_id", node.parent.map(|p| p.to_string()), *position)?;
            write::insert_node(conn, node, pos)?;
            check_node_prerequisites(conn, node)?;
            check_pathway(conn, node.pathway.as_ref())?;
        }
        EditOp::UpdateNode { node } => {
            check_local(|d| d.nodes.push(Node { parent: None, ..node.clone() }))?;
            if write::update_node(conn, node)? == 0 {
                return Err(not_found("node", node.id));
            }
            check_node_prerequisites(conn, node)?;
            check_pathway(conn, node.pathway.as_ref())?;
        }
        EditOp::MoveNode { id, parent, position } => {
            if let Some(p) = parent {
                require(conn, "nodes", "node", p.0)?;
                if is_descendant(conn, id.0, p.0)? {
                    return Err(Error::Refused(
                        "a node cannot be moved into itself or one of its descendants".into(),
                    ));
                }
            }
            move_row(conn, "nodes", "parent_id", "node", id.0, parent.map(|p| p.to_string()), *position)?;
        }
        EditOp::DeleteNode { id } => delete_in_list(conn, "nodes", "parent_id", "node", id.0)?,
        EditOp::CreateObjective { objective, position } => {
            check_local(|d| d.objectives.push(objective.clone()))?;
            require(conn, "nodes", "node", objective.node.0)?;
            let pos = open_slot(conn, "objectives", "node_id", Some(objective.node.to_string()), *position)?;
            write::insert_objective(conn, objective, pos)?;
            write::insert_objective_links(conn, objective)?;
            check_objective_links(conn, objective)?;
        }
        EditOp::UpdateObjective { objective } => {
            check_local(|d| d.objectives.push(objective.clone()))?;
            if write::update_objective(conn, objective)? == 0 {
                return Err(not_found("objective", objective.id));
            }
            check_objective_links(conn, objective)?;
        }
        EditOp::MoveObjective { id, node, position } => {
            require(conn, "nodes", "node", node.0)?;
            move_row(conn, "objectives", "node_id", "objective", id.0, Some(node.to_string()), *position)?;
        }
        EditOp::DeleteObjective { id } => delete_in_list(conn, "objectives", "node_id", "objective", id.0)?,
        EditOp::CreateActivity { activity, position } => {
            check_local(|d| d.activities.push(activity.clone()))?;
            require(conn, "nodes", "node", activity.node.0)?;
            let pos = open_slot(conn, "activities", "node_id", Some(activity.node.to_string()), *position)?;
            write::insert_activity(conn, activity, pos)?;
            check_pathway(conn, activity.pathway.as_ref())?;
        }
        EditOp::UpdateActivity { activity } => {
            check_local(|d| d.activities.push(activity.clone()))?;
            if write::update_activity(conn, activity)? == 0 {
                return Err(not_found("activity", activity.id));
            }
            check_pathway(conn, activity.pathway.as_ref())?;
        }
        EditOp::MoveActivity { id, node, position } => {
            require(conn, "nodes", "node", node.0)?;
            move_row(conn, "activities", "node_id", "activity", id.0, Some(node.to_string()), *position)?;
        }
        EditOp::DeleteActivity { id } => delete_in_list(conn, "activities", "node_id", "activity", id.0)?,
        EditOp::CreateAssessment { assessment, position } => {
            check_local(|d| d.assessments.push(assessment.clone()))?;
            require(conn, "nodes", "node", assessment.node.0)?;
            let pos =
                open_slot(conn, "assessments", "node_id", Some(assessment.node.to_string()), *position)?;
            write::insert_assessment(conn, assessment, pos)?;
        }
        EditOp::UpdateAssessment { assessment } => {
            check_local(|d| d.assessments.push(assessment.clone()))?;
            if write::update_assessment(conn, assessment)? == 0 {
                return Err(not_found("assessment", assessment.id));
            }
        }
        EditOp::MoveAssessment { id, node, position } => {
            require(conn, "nodes", "node", node.0)?;
            move_row(conn, "assessments", "node_id", "assessment", id.0, Some(node.to_string()), *position)?;
        }
        EditOp::DeleteAssessment { id } => {
            delete_in_list(conn, "assessments", "node_id", "assessment", id.0)?
        }
        EditOp::CreateRubric { rubric } => {
            check_local(|d| d.rubrics.push(rubric.clone()))?;
            let pos: i64 = conn.query_row("SELECT count(*) FROM rubrics", [], |r| r.get(0))?;
            write::insert_rubric(conn, rubric, pos)?;
        }
        EditOp::UpdateRubric { rubric } => {
            check_local(|d| d.rubrics.push(rubric.clone()))?;
            if write::update_rubric(conn, rubric)? == 0 {
                return Err(not_found("rubric", rubric.id));
            }
        }
        EditOp::DeleteRubric { id } => delete_flat(conn, "rubrics", "rubric", id.0)?,
        EditOp::Link { link } => set_link(conn, link, true)?,
        EditOp::Unlink { link } => set_link(conn, link, false)?,
        EditOp::AddComment { comment } => {
            if !comment_target_exists(conn, comment.target)? {
                return Err(not_found("comment target", comment.target));
            }
            let pos: i64 = conn.query_row("SELECT count(*) FROM comments", [], |r| r.get(0))?;
            write::insert_comment(conn, comment, pos)?;
        }
        EditOp::ResolveComment { id, resolved } => {
            if conn.execute(
                "UPDATE comments SET resolved = ?2 WHERE id = ?1",
                params![id.to_string(), resolved],
            )? == 0
            {
                return Err(not_found("comment", id));
            }
        }
        EditOp::DeleteComment { id } => delete_flat(conn, "comments", "comment", id.0)?,
        EditOp::SetReviewStatus { node, status, author, note } => {
            let from: String = conn
                .query_row("SELECT status FROM nodes WHERE id = ?1", [node.to_string()], |r| r.get(0))
                .optional()?
                .ok_or_else(|| not_found("node", node))?;
            let from: ReviewStatus = super::codec::parse_enum("nodes.status", &from)?;
            conn.execute(
                "UPDATE nodes SET status = ?2 WHERE id = ?1",
                params![node.to_string(), super::codec::enum_str(status)],
            )?;
            let pos: i64 = conn.query_row("SELECT count(*) FROM review_events", [], |r| r.get(0))?;
            let event = ReviewEvent {
                id: ReviewEventId::new(),
                node: *node,
                from,
                to: *status,
                author: author.clone(),
                at: Timestamp::now(),
                note: note.clone(),
            };
            write::insert_review_event(conn, &event, pos)?;
        }
        EditOp::TakeSnapshot { name } => {
            let mut doc = super::read::load(conn)?;
            doc.snapshots.clear();
            let snapshot = Snapshot {
                id: SnapshotId::new(),
                name: name.clone(),
                created_at: Timestamp::now(),
                document: crate::json::to_string_normalized(&doc),
            };
            let pos: i64 = conn.query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))?;
            write::insert_snapshot(conn, &snapshot, pos)?;
        }
        EditOp::DeleteSnapshot { id } => delete_flat(conn, "snapshots", "snapshot", id.0)?,
        EditOp::AddAsset { asset } => {
            check_local(|d| d.assets.push(asset.clone()))?;
            let taken: bool = conn
                .query_row("SELECT 1 FROM assets WHERE name = ?1", [&asset.name], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                return Err(Error::Refused(format!("a file named {:?} is already stored", asset.name)));
            }
            let pos: i64 = conn.query_row("SELECT count(*) FROM assets", [], |r| r.get(0))?;
            write::insert_asset(conn, asset, pos)?;
        }
        EditOp::DeleteAsset { id } => delete_flat(conn, "assets", "asset", id.0)?,
        EditOp::ReplaceDocument { document } => {
            let mut doc = (**document).clone();
            doc.normalize();
            doc.validate_as("document")?;
            write::replace_document(conn, &doc)?;
        }
    }
    Ok(())
}

fn delete_in_list(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    kind: &'static str,
    id: Uuid,
) -> Result<()> {
    let parent = parent_of(conn, table, parent_col, id)?.ok_or_else(|| not_found(kind, id))?;
    conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id.hyphenated().to_string()])?;
    compact(conn, table, parent_col, parent)
}

fn delete_flat(conn: &Connection, table: &str, kind: &'static str, id: Uuid) -> Result<()> {
    if conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id.hyphenated().to_string()])? == 0 {
        return Err(not_found(kind, id));
    }
    let ids: Vec<String> = conn
        .prepare(&format!("SELECT id FROM {table} ORDER BY position"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    renumber(conn, table, &ids)
}

fn comment_target_exists(conn: &Connection, target: Uuid) -> Result<bool> {
    for table in [
        "curriculum",
        "nodes",
        "objectives",
        "activities",
        "assessments",
        "items",
        "rubrics",
        "rubric_levels",
        "criteria",
        "frameworks",
        "standard_items",
        "associations",
        "assets",
        "snapshots",
        "review_events",
        "comments",
    ] {
        if exists(conn, table, target)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn check_node_prerequisites(conn: &Connection, node: &Node) -> Result<()> {
    for p in &node.prerequisites {
        require(conn, "nodes", "prerequisite node", p.0)?;
    }
    if let Some(p) = node.prerequisites.iter().find(|p| {
        reaches(conn, "node_prerequisites", "prerequisite_id", "node_id", node.id.0, p.0).unwrap_or(false)
    }) {
        return Err(Error::Refused(format!(
            "node \"{}\": requiring {p} would create a prerequisite cycle",
            node.title
        )));
    }
    Ok(())
}

fn check_objective_links(conn: &Connection, o: &Objective) -> Result<()> {
    for s in &o.supports {
        if reaches(conn, "objective_supports", "supported_id", "objective_id", o.id.0, s.0)? {
            return Err(Error::Refused(format!("objective {}: supporting {s} would create a cycle", o.code)));
        }
    }
    for p in &o.prerequisites {
        if reaches(conn, "objective_prerequisites", "prerequisite_id", "objective_id", o.id.0, p.0)? {
            return Err(Error::Refused(format!(
                "objective {}: requiring {p} would create a prerequisite cycle",
                o.code
            )));
        }
    }
    Ok(())
}

fn set_link(conn: &Connection, link: &Link, on: bool) -> Result<()> {
    let (table, owner_col, target_col, owner, target, owner_table, owner_kind, target_table, target_kind) =
        match *link {
            Link::ActivityObjective { activity, objective } => (
                "activity_objectives",
                "activity_id",
                "objective_id",
                activity.0,
                objective.0,
                "activities",
                "activity",
                "objectives",
                "objective",
            ),
            Link::AssessmentObjective { assessment, objective } => (
                "assessment_objectives",
                "assessment_id",
                "objective_id",
                assessment.0,
                objective.0,
                "assessments",
                "assessment",
                "objectives",
                "objective",
            ),
            Link::ItemObjective { item, objective } => (
                "item_objectives",
                "item_id",
                "objective_id",
                item.0,
                objective.0,
                "items",
                "item",
                "objectives",
                "objective",
            ),
            Link::ObjectiveStandard { objective, item } => (
                "objective_standards",
                "objective_id",
                "item_id",
                objective.0,
                item.0,
                "objectives",
                "objective",
                "standard_items",
                "standard item",
            ),
            Link::ObjectiveSupports { objective, supports } => (
                "objective_supports",
                "objective_id",
                "supported_id",
                objective.0,
                supports.0,
                "objectives",
                "objective",
                "objectives",
                "objective",
            ),
            Link::ObjectivePrerequisite { objective, prerequisite } => (
                "objective_prerequisites",
                "objective_id",
                "prerequisite_id",
                objective.0,
                prerequisite.0,
                "objectives",
                "objective",
                "objectives",
                "objective",
            ),
            Link::NodePrerequisite { node, prerequisite } => (
                "node_prerequisites",
                "node_id",
                "prerequisite_id",
                node.0,
                prerequisite.0,
                "nodes",
                "node",
                "nodes",
                "node",
            ),
            Link::CriterionObjective { criterion, objective } => {
                require(conn, "criteria", "criterion", criterion.0)?;
                if on {
                    require(conn, "objectives", "objective", objective.0)?;
                }
                let value = on.then(|| objective.to_string());
                let changed = if on {
                    conn.execute(
                        "UPDATE criteria SET objective_id = ?2 WHERE id = ?1",
                        params![criterion.to_string(), value],
                    )?
                } else {
                    conn.execute(
                        "UPDATE criteria SET objective_id = NULL WHERE id = ?1 AND objective_id = ?2",
                        params![criterion.to_string(), objective.to_string()],
                    )?
                };
                if changed == 0 && !on {
                    return Err(Error::Refused("that criterion is not linked to that objective".into()));
                }
                return Ok(());
            }
        };
    require(conn, owner_table, owner_kind, owner)?;
    require(conn, target_table, target_kind, target)?;
    let (o, t) = (owner.hyphenated().to_string(), target.hyphenated().to_string());
    if on {
        match link {
            Link::ObjectiveSupports { .. } => {
                refuse_cycle(conn, table, owner_col, target_col, owner, target, "supports")?
            }
            Link::ObjectivePrerequisite { .. } | Link::NodePrerequisite { .. } => {
                refuse_cycle(conn, table, target_col, owner_col, target, owner, "prerequisite")?
            }
            _ => {}
        }
        let pos: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {table} WHERE {owner_col} = ?1"), [&o], |r| {
                r.get(0)
            })?;
        let inserted = conn.execute(
            &format!(
                "INSERT OR IGNORE INTO {table} ({owner_col}, {target_col}, position) VALUES (?1, ?2, ?3)"
            ),
            params![o, t, pos],
        )?;
        if inserted == 0 {
            return Err(Error::Refused("those two are already linked".into()));
        }
    } else {
        let removed = conn.execute(
            &format!("DELETE FROM {table} WHERE {owner_col} = ?1 AND {target_col} = ?2"),
            params![o, t],
        )?;
        if removed == 0 {
            return Err(Error::Refused("those two are not linked".into()));
        }
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT {target_col} FROM {table} WHERE {owner_col} = ?1 ORDER BY position"))?
            .query_map([&o], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for (i, id) in ids.iter().enumerate() {
            conn.execute(
                &format!("UPDATE {table} SET position = ?3 WHERE {owner_col} = ?1 AND {target_col} = ?2 AND position != ?3"),
                params![o, id, i as i64],
            )?;
        }
    }
    Ok(())
}
