//! The persistent undo/redo journal.
//!
//! On open, the store installs connection-local (TEMP) triggers on every document table. While an
//! edit step is being recorded, each trigger writes the SQL statement that reverses its row
//! change into the `journal` table under the step number; outside a step (bulk writes) they stay
//! silent. Undoing a step replays its statements newest-first inside one transaction while the
//! triggers record the reverse of the replay under the same step number: that becomes the redo.
//! Because the journal lives in the document, reopening a file keeps its history.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};

use crate::model::Timestamp;
use crate::{Error, Result};

/// Tables whose changes are journaled (every document table).
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
];

/// Number of steps kept; older ones are dropped when a new step is recorded.
pub const MAX_STEPS: i64 = 500;

/// The step currently being recorded (0 = not recording), shared with the SQL function the
/// triggers call.
#[derive(Clone, Default)]
pub struct Recorder(Arc<AtomicI64>);

impl Recorder {
    fn set(&self, step: i64) {
        self.0.store(step, Ordering::SeqCst);
    }
}

/// Registers `trellis_step()` and creates the TEMP triggers on this connection.
pub fn install(conn: &Connection, recorder: &Recorder) -> Result<()> {
    let cell = recorder.0.clone();
    conn.create_scalar_function("trellis_step", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(cell.load(Ordering::SeqCst))
    })?;
    let mut sql = String::new();
    for table in TABLES {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let quoted = |prefix: &str| -> String {
            columns.iter().map(|c| format!("quote({prefix}.\"{c}\")")).collect::<Vec<_>>().join(" || ',' || ")
        };
        let names = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",");
        let sets = columns
            .iter()
            .map(|c| format!("'\"{c}\"=' || quote(old.\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS journal_{table}_insert AFTER INSERT ON main.{table}
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO journal (step, statement)
               VALUES (trellis_step(), 'DELETE FROM {table} WHERE rowid=' || new.rowid);
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{table}_update AFTER UPDATE ON main.{table}
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO journal (step, statement)
               VALUES (trellis_step(), 'UPDATE {table} SET ' || {sets} || ' WHERE rowid=' || old.rowid);
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{table}_delete BEFORE DELETE ON main.{table}
               WHEN trellis_step() > 0 BEGIN
               INSERT INTO journal (step, statement)
               VALUES (trellis_step(), 'INSERT INTO {table} (rowid,{names}) VALUES (' || old.rowid || ',' || {values} || ')');
             END;\n",
            values = quoted("old"),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
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
/// open transaction. Returns the step's number and label.
pub fn replay(conn: &Connection, recorder: &Recorder, undo: bool) -> Result<(i64, String)> {
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
    let statements: Vec<String> = conn
        .prepare("SELECT statement FROM journal WHERE step = ?1 ORDER BY seq DESC")?
        .query_map([step], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    conn.execute("DELETE FROM journal WHERE step = ?1", [step])?;
    recorder.set(step);
    let result = statements.iter().try_for_each(|s| conn.execute_batch(s));
    recorder.set(0);
    result?;
    conn.execute("UPDATE journal_steps SET state = ?2 WHERE step = ?1", params![step, next])?;
    Ok((step, label))
}

/// The tables step `step` changed, from its recorded statements (each names its table right
/// after `DELETE FROM`, `UPDATE` or `INSERT INTO`).
pub fn step_tables(conn: &Connection, step: i64) -> Result<Vec<String>> {
    let mut tables: Vec<String> = conn
        .prepare("SELECT statement FROM journal WHERE step = ?1")?
        .query_map([step], |r| r.get::<_, String>(0))?
        .map(|s| {
            s.map(|s| {
                let mut words = s.split_whitespace();
                let table = match words.next() {
                    Some("UPDATE") => words.next(),
                    Some("DELETE" | "INSERT") => words.nth(1),
                    _ => None,
                };
                table.unwrap_or_default().to_owned()
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    tables.sort();
    tables.dedup();
    Ok(tables)
}
