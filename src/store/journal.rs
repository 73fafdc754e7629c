//! The persistent undo/redo journal.
//!
//! On open, the store installs connection-local (TEMP) triggers on every document table. While an
//! edit step is being recorded, each trigger writes one row into the `journal` table describing
//! how to reverse its row change: the operation (`insert` a deleted row back, `update` a changed
//! row back, `delete` an inserted row), the table, the rowid and the row's column values as a JSON
//! object. Outside a step (bulk writes) the triggers stay silent. Undoing a step applies its rows
//! newest-first inside one transaction while the triggers record the reverse of the replay under
//! the same step number: that becomes the redo. Because the journal lives in the document,
//! reopening a file keeps its history.
//!
//! The journal is data from the file, so it is never executed: every row is checked against the
//! compiled-in table and column lists ([`TABLE_DEFS`]) and applied through fixed prepared
//! statements built from those lists alone. A row naming an unknown operation, table or column
//! is refused with an error naming the file, before anything of the step is applied.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};

use crate::model::Timestamp;
use crate::{Error, Result};

/// A document table as this build knows it: its name, its columns in declaration order and its
/// primary key. The journal and the document replacement only ever name these.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// The table's name.
    pub name: &'static str,
    /// Its columns, in declaration order.
    pub columns: &'static [&'static str],
    /// The columns of its primary key.
    pub key: &'static [&'static str],
}

/// Every document table with its columns (the schema of `migrations/`; a test compares them).
#[rustfmt::skip]
pub const TABLE_DEFS: &[Table] = &[
    Table { name: "curriculum", columns: &["id", "format", "title", "code", "description", "audience", "level", "language", "credit_system", "credits", "weeks", "template", "created_at", "updated_at", "objective_profile", "review_plan"], key: &["id"] },
    Table { name: "nodes", columns: &["id", "parent_id", "position", "kind", "code", "title", "summary", "duration_minutes", "week", "fields", "status", "pathway"], key: &["id"] },
    Table { name: "node_prerequisites", columns: &["node_id", "prerequisite_id", "position"], key: &["node_id", "prerequisite_id"] },
    Table { name: "frameworks", columns: &["id", "position", "identifier", "uri", "title", "creator", "version", "language", "source", "extra"], key: &["id"] },
    Table { name: "standard_items", columns: &["id", "framework_id", "parent_id", "position", "identifier", "uri", "code", "statement", "abbreviated", "item_type", "extra"], key: &["id"] },
    Table { name: "associations", columns: &["id", "framework_id", "position", "identifier", "association_type", "origin_identifier", "origin_uri", "origin_title", "destination_identifier", "destination_uri", "destination_title", "extra"], key: &["id"] },
    Table { name: "objectives", columns: &["id", "node_id", "position", "code", "statement", "audience", "behavior", "condition", "degree", "level", "level_source", "knowledge", "domain"], key: &["id"] },
    Table { name: "objective_supports", columns: &["objective_id", "supported_id", "position"], key: &["objective_id", "supported_id"] },
    Table { name: "objective_prerequisites", columns: &["objective_id", "prerequisite_id", "position"], key: &["objective_id", "prerequisite_id"] },
    Table { name: "objective_standards", columns: &["objective_id", "item_id", "position"], key: &["objective_id", "item_id"] },
    Table { name: "objective_emphasis", columns: &["objective_id", "course_id", "position", "emphasis"], key: &["objective_id", "course_id"] },
    Table { name: "assets", columns: &["id", "position", "name", "media_type", "alt", "sha256", "data"], key: &["id"] },
    Table { name: "activities", columns: &["id", "node_id", "position", "title", "kind", "instructions", "duration_minutes", "grouping", "event", "content", "pathway"], key: &["id"] },
    Table { name: "activity_objectives", columns: &["activity_id", "objective_id", "position"], key: &["activity_id", "objective_id"] },
    Table { name: "activity_resources", columns: &["activity_id", "position", "title", "url", "asset_id"], key: &["activity_id", "position"] },
    Table { name: "rubrics", columns: &["id", "position", "title", "kind", "description"], key: &["id"] },
    Table { name: "rubric_levels", columns: &["id", "rubric_id", "position", "label", "points"], key: &["id"] },
    Table { name: "criteria", columns: &["id", "rubric_id", "position", "title", "description", "weight", "objective_id"], key: &["id"] },
    Table { name: "descriptors", columns: &["criterion_id", "level_id", "position", "text"], key: &["criterion_id", "level_id"] },
    Table { name: "assessments", columns: &["id", "node_id", "position", "title", "purpose", "format", "instructions", "points", "weight", "duration_minutes", "mastery_score", "grasps", "rubric_id"], key: &["id"] },
    Table { name: "assessment_objectives", columns: &["assessment_id", "objective_id", "position"], key: &["assessment_id", "objective_id"] },
    Table { name: "items", columns: &["id", "assessment_id", "position", "stem", "body", "points", "feedback_correct", "feedback_incorrect", "level"], key: &["id"] },
    Table { name: "item_objectives", columns: &["item_id", "objective_id", "position"], key: &["item_id", "objective_id"] },
    Table { name: "comments", columns: &["id", "position", "target", "parent_id", "author", "body", "created_at", "resolved"], key: &["id"] },
    Table { name: "review_events", columns: &["id", "position", "node_id", "from_status", "to_status", "author", "at", "note"], key: &["id"] },
    Table { name: "snapshots", columns: &["id", "position", "name", "created_at", "document"], key: &["id"] },
    Table { name: "translations", columns: &["language", "entity_kind", "entity_id", "field", "text", "source_hash", "state"], key: &["language", "entity_kind", "entity_id", "field"] },
];

/// The evidence tables (`migrations/0003_evidence.sql`, owned by `crate::evidence`): journaled like
/// the design tables, so an import is one undo step, but not part of the design, so replacing the
/// document ([`TABLE_DEFS`]) never touches them.
#[rustfmt::skip]
pub const EVIDENCE_TABLE_DEFS: &[Table] = &[
    Table { name: "evidence_settings", columns: &["id", "salt", "points_possible", "mastery_points", "method", "calculation_int", "min_results"], key: &["id"] },
    Table { name: "evidence_policies", columns: &["objective_id", "points_possible", "mastery_points", "method", "calculation_int", "min_results"], key: &["objective_id"] },
    Table { name: "evidence_cohorts", columns: &["name", "term", "source", "imported_at"], key: &["name"] },
    Table { name: "evidence_learners", columns: &["cohort", "pseudonym", "name", "section"], key: &["cohort", "pseudonym"] },
    Table { name: "evidence_results", columns: &["cohort", "source", "row_hash", "learner", "target_kind", "target_id", "score", "points_possible", "at", "attempt", "source_row", "response"], key: &["cohort", "source", "row_hash"] },
];

/// Names of the tables whose changes are journaled (every document table, as in [`TABLE_DEFS`]).
pub const TABLES: &[&str] = &[
    "curriculum",
    "nodes",
    "node_prerequisites",
    "frameworks",
    "standard_items",
    "associations",
    "objectives",
    "objective_supports",
    "objective_prerequisites",
    "objective_standards",
    "objective_emphasis",
    "assets",
    "activities",
    "activity_objectives",
    "activity_resources",
    "rubrics",
    "rubric_levels",
    "criteria",
    "descriptors",
    "assessments",
    "assessment_objectives",
    "items",
    "item_objectives",
    "comments",
    "review_events",
    "snapshots",
    "translations",
];

/// Number of steps kept; older ones are dropped when a new step is recorded.
pub const MAX_STEPS: i64 = 500;

/// The compiled-in definition of a journaled table (design or evidence), if `name` is one.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLE_DEFS.iter().chain(EVIDENCE_TABLE_DEFS).find(|t| t.name == name)
}

/// The step currently being recorded (0 = not recording), shared with the SQL function the
/// triggers call.
#[derive(Clone, Default)]
pub struct Recorder(Arc<AtomicI64>);

impl Recorder {
    fn set(&self, step: i64) {
        self.0.store(step, Ordering::SeqCst);
    }
}

/// Registers `trellis_step()` and `trellis_row()` and creates the TEMP triggers on this
/// connection. Both functions are direct-only: SQL stored in a file (a view, a trigger of its
/// schema) cannot call them; our TEMP triggers can.
pub fn install(conn: &Connection, recorder: &Recorder) -> Result<()> {
    let cell = recorder.0.clone();
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY;
    conn.create_scalar_function("trellis_step", 0, flags, move |_| Ok(cell.load(Ordering::SeqCst)))?;
    conn.create_scalar_function("trellis_row", -1, flags | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        let name: String = ctx.get(0)?;
        let Some(table) = table(&name) else {
            return Err(rusqlite::Error::UserFunctionError(format!("not a document table: {name}").into()));
        };
        if ctx.len() != table.columns.len() + 1 {
            return Err(rusqlite::Error::UserFunctionError(
                format!("{name}: expected {} values, got {}", table.columns.len(), ctx.len() - 1).into(),
            ));
        }
        let mut row = serde_json::Map::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            row.insert((*column).to_owned(), encode(ctx.get_raw(i + 1)));
        }
        Ok(serde_json::Value::Object(row).to_string())
    })?;
    let mut sql = String::new();
    for table in TABLE_DEFS.iter().chain(EVIDENCE_TABLE_DEFS) {
        let name = table.name;
        let old_values = table.columns.iter().map(|c| format!("old.\"{c}\"")).collect::<Vec<_>>().join(", ");
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS journal_{name}_insert AFTER INSERT ON main.\"{name}\"
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO main.journal (step, op, tbl, row_id, data)
               VALUES (trellis_step(), 'delete', '{name}', new.rowid, '{{}}');
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{name}_update AFTER UPDATE ON main.\"{name}\"
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO main.journal (step, op, tbl, row_id, data)
               VALUES (trellis_step(), 'update', '{name}', old.rowid, trellis_row('{name}', {old_values}));
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{name}_delete BEFORE DELETE ON main.\"{name}\"
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO main.journal (step, op, tbl, row_id, data)
               VALUES (trellis_step(), 'insert', '{name}', old.rowid, trellis_row('{name}', {old_values}));
             END;\n"
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// A column value as JSON: integers and reals as JSON numbers (a real always has a fraction or
/// an exponent, so the type survives), text as a string, NULL as null, a blob as
/// `{"blob": base64}` and a non-finite real as `{"real": "inf"}` / `{"real": "-inf"}`.
fn encode(value: ValueRef<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        ValueRef::Null => J::Null,
        ValueRef::Integer(i) => J::from(i),
        ValueRef::Real(f) => match serde_json::Number::from_f64(f) {
            Some(n) => J::Number(n),
            None => serde_json::json!({ "real": if f > 0.0 { "inf" } else { "-inf" } }),
        },
        ValueRef::Text(t) => J::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => {
            serde_json::json!({ "blob": base64::engine::general_purpose::STANDARD.encode(b) })
        }
    }
}

/// The inverse of [`encode`]; `None` for anything it does not produce.
fn decode(value: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match value {
        J::Null => Value::Null,
        J::Number(n) if n.is_f64() => Value::Real(n.as_f64()?),
        J::Number(n) => Value::Integer(n.as_i64()?),
        J::String(s) => Value::Text(s.clone()),
        J::Object(map) if map.len() == 1 => match map.iter().next()? {
            (k, J::String(b)) if k == "blob" => {
                Value::Blob(base64::engine::general_purpose::STANDARD.decode(b).ok()?)
            }
            (k, J::String(s)) if k == "real" && s == "inf" => Value::Real(f64::INFINITY),
            (k, J::String(s)) if k == "real" && s == "-inf" => Value::Real(f64::NEG_INFINITY),
            _ => return None,
        },
        _ => return None,
    })
}

/// What to do to a row when its step is replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// Put a deleted row back.
    Insert,
    /// Set a changed row's columns back.
    Update,
    /// Remove an inserted row.
    Delete,
}

/// One checked journal row.
struct Change {
    op: Op,
    table: &'static Table,
    row_id: i64,
    /// The table's columns in declaration order (empty for `Delete`).
    values: Vec<Value>,
}

/// What the undo and redo stacks hold, for menus ("Undo rename node").
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// Label of the step `undo` would revert.
    pub undo: Option<String>,
    /// Label of the step `redo` would re-apply.
    pub redo: Option<String>,
    /// Number of steps that can be undone.
    pub undo_depth: u32,
    /// Number of steps that can be redone.
    pub redo_depth: u32,
}

/// Reads the stacks.
pub fn history(conn: &Connection) -> Result<History> {
    let label = |state: &str, order: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT label FROM journal_steps WHERE state = ?1 ORDER BY step {order} LIMIT 1"),
                [state],
                |r| r.get(0),
            )
            .optional()?)
    };
    let count = |state: &str| -> Result<u32> {
        Ok(conn.query_row("SELECT count(*) FROM journal_steps WHERE state = ?1", [state], |r| r.get(0))?)
    };
    Ok(History {
        undo: label("done", "DESC")?,
        redo: label("undone", "ASC")?,
        undo_depth: count("done")?,
        redo_depth: count("undone")?,
    })
}

/// Starts recording a new step inside the open transaction: drops the redo stack and returns
/// the step number.
pub fn begin_step(conn: &Connection, recorder: &Recorder, label: &str) -> Result<i64> {
    conn.execute(
        "DELETE FROM journal WHERE step IN (SELECT step FROM journal_steps WHERE state = 'undone')",
        [],
    )?;
    conn.execute("DELETE FROM journal_steps WHERE state = 'undone'", [])?;
    let step: i64 =
        conn.query_row("SELECT coalesce(max(step), 0) + 1 FROM journal_steps", [], |r| r.get(0))?;
    conn.execute(
        "INSERT INTO journal_steps (step, label, state, at) VALUES (?1, ?2, 'done', ?3)",
        params![step, label, Timestamp::now().0],
    )?;
    // Keep the journal bounded.
    conn.execute("DELETE FROM journal WHERE step <= ?1", [step - MAX_STEPS])?;
    conn.execute("DELETE FROM journal_steps WHERE step <= ?1", [step - MAX_STEPS])?;
    recorder.set(step);
    Ok(step)
}

/// Stops recording.
pub fn end_step(recorder: &Recorder) {
    recorder.set(0);
}

/// Reverts the newest done step (`undo = true`) or re-applies the oldest undone one, inside the
/// open transaction. Every row of the step is read and checked before any is applied; `path`
/// names the document in errors. Returns the step's number and label.
pub fn replay(conn: &Connection, recorder: &Recorder, undo: bool, path: &Path) -> Result<(i64, String)> {
    let (state, order, next) = if undo { ("done", "DESC", "undone") } else { ("undone", "ASC", "done") };
    let found: Option<(i64, String)> = conn
        .query_row(
            &format!("SELECT step, label FROM journal_steps WHERE state = ?1 ORDER BY step {order} LIMIT 1"),
            [state],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((step, label)) = found else {
        return Err(Error::NothingTo(if undo { "undo" } else { "redo" }));
    };
    let changes = read_step(conn, step, path)?;
    conn.execute("DELETE FROM journal WHERE step = ?1", [step])?;
    recorder.set(step);
    let result = changes.iter().try_for_each(|c| apply_change(conn, c));
    recorder.set(0);
    result?;
    conn.execute("UPDATE journal_steps SET state = ?2 WHERE step = ?1", params![step, next])?;
    Ok((step, label))
}

/// Reads and checks the rows of one step, newest first.
fn read_step(conn: &Connection, step: i64, path: &Path) -> Result<Vec<Change>> {
    let damaged = |reason: String| Error::Damaged {
        path: path.to_owned(),
        reason: format!("its undo history {reason}; the edit was not undone or redone"),
    };
    let mut stmt =
        conn.prepare("SELECT seq, op, tbl, row_id, data FROM journal WHERE step = ?1 ORDER BY seq DESC")?;
    let mut rows = stmt.query([step])?;
    let mut changes = Vec::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let text = |i: usize| -> Result<String> {
            match row.get_ref(i)? {
                ValueRef::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
                _ => Err(damaged(format!("has a change (number {seq}) that is not text"))),
            }
        };
        let (op, tbl, data) = (text(1)?, text(2)?, text(4)?);
        let ValueRef::Integer(row_id) = row.get_ref(3)? else {
            return Err(damaged(format!("has a change (number {seq}) without a row number")));
        };
        let op = match op.as_str() {
            "insert" => Op::Insert,
            "update" => Op::Update,
            "delete" => Op::Delete,
            other => return Err(damaged(format!("has a change of the unknown kind {}", excerpt(other)))),
        };
        let Some(table) = table(&tbl) else {
            return Err(damaged(format!("names the unknown table {}", excerpt(&tbl))));
        };
        let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str::<serde_json::Value>(&data) else {
            return Err(damaged(format!(
                "has a change to {} whose values are not a JSON object",
                table.name
            )));
        };
        let mut values = Vec::new();
        if op != Op::Delete {
            values.reserve(table.columns.len());
            for column in table.columns {
                let value = map.remove(*column).ok_or_else(|| {
                    damaged(format!("has a change to {} without the column {column}", table.name))
                })?;
                values.push(decode(&value).ok_or_else(|| {
                    damaged(format!("has a change to {}.{column} with an unreadable value", table.name))
                })?);
            }
        }
        if let Some(unknown) = map.keys().next() {
            return Err(damaged(format!("names the unknown column {} of {}", excerpt(unknown), table.name)));
        }
        changes.push(Change { op, table, row_id, values });
    }
    Ok(changes)
}

/// A name from the file, shortened and escaped for an error message.
fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    let more = if text.chars().count() > 40 { "…" } else { "" };
    format!("\"{}{more}\"", short.escape_debug())
}

/// Applies one checked change through a statement built from the compiled-in table definition.
fn apply_change(conn: &Connection, change: &Change) -> Result<()> {
    let Table { name, columns, .. } = *change.table;
    let sql = match change.op {
        Op::Insert => format!(
            "INSERT INTO main.\"{name}\" (rowid, {}) VALUES (?1, {})",
            columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
            (0..columns.len()).map(|i| format!("?{}", i + 2)).collect::<Vec<_>>().join(", ")
        ),
        Op::Update => format!(
            "UPDATE main.\"{name}\" SET {} WHERE rowid = ?1",
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| format!("\"{c}\" = ?{}", i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Delete => format!("DELETE FROM main.\"{name}\" WHERE rowid = ?1"),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.raw_bind_parameter(1, change.row_id)?;
    for (i, value) in change.values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 2, value)?;
    }
    stmt.raw_execute()?;
    Ok(())
}

/// The tables step `step` changed, from the `tbl` column of its journal rows (names this build
/// does not know are returned as they are; callers treat them as "everything").
pub fn step_tables(conn: &Connection, step: i64) -> Result<Vec<String>> {
    let tables: Vec<String> = conn
        .prepare("SELECT DISTINCT CAST(tbl AS TEXT) FROM journal WHERE step = ?1 ORDER BY 1")?
        .query_map([step], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tables)
}
