//! The document store: one SQLite file per curriculum (`*.trellis`).
//!
//! [`Store::open`] recognises the file (SQLite header, `application_id`), refuses newer schema
//! versions, damaged files and files another process holds, and only then migrates and sets the
//! connection up (WAL, foreign keys, busy timeout). Every [`EditOp`] runs in one immediate
//! transaction and one undo step ([`journal`]). The store owns SQL; it hands out and accepts only
//! model types.

mod codec;
mod edit;
pub mod journal;
mod read;
mod refresh;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use edit::{EditOp, Link};
pub use journal::History;
pub use read::Parts;

use crate::model::{Document, Timestamp};
use crate::{Error, Result};

/// `PRAGMA application_id` of Trellis documents ("TRLS").
pub const APPLICATION_ID: i32 = 0x5452_4C53;

/// The schema migrations, oldest first. Append-only.
pub const MIGRATIONS: &[M<'static>] = &[M::up(include_str!("migrations/0001_init.sql"))];

/// Highest schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The migrations as a `Migrations` value (also used by the schema tests).
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// An open document.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    recorder: journal::Recorder,
    read_only: bool,
    /// The journal step of the newest change made through this store (edit, undo or redo).
    last_step: Option<i64>,
    // Held for the store's lifetime: an advisory lock on the document file so that a second
    // process gets a clear "open elsewhere" error. Declared after `conn` so it is released last.
    _lock: File,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("read_only", &self.read_only).finish()
    }
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Creates a new document file holding `doc`. Fails if `path` exists. The file is written
    /// under a temporary name and renamed into place, so a failure leaves nothing behind.
    pub fn create(path: &Path, doc: &Document) -> Result<Store> {
        if path.exists() {
            return Err(Error::Exists { path: path.to_owned() });
        }
        let mut doc = doc.clone();
        doc.normalize();
        doc.validate().map_err(|problems| Error::Invalid {
            source_name: path.display().to_string(),
            problems: problems.iter().map(ToString::to_string).collect(),
        })?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.creating-{}", std::process::id()));
        let result = (|| -> Result<()> {
            let mut conn = Connection::open(&tmp)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            conn.pragma_update(None, "journal_mode", "DELETE")?;
            migrations()
                .to_latest(&mut conn)
                .map_err(|e| Error::Internal(format!("migration failed: {e}")))?;
            let tx = conn.transaction()?;
            write::insert_document(&tx, &doc)?;
            tx.commit()?;
            conn.close().map_err(|(_, e)| Error::from(e))?;
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Store::open(path)
    }

    /// Opens an existing document for editing.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, false)
    }

    /// Opens an existing document for reading only (shared with other readers).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Store::open_with(path, true)
    }

    fn open_with(path: &Path, read_only: bool) -> Result<Store> {
        let mut lock = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut header = [0u8; 16];
        let n = read_up_to(&mut lock, &mut header).map_err(|e| Error::io(path, e))?;
        if n < 16 || &header != SQLITE_HEADER {
            return Err(Error::NotTrellis {
                path: path.to_owned(),
                reason: "it is not an SQLite database".into(),
            });
        }
        let locked = if read_only { lock.try_lock_shared() } else { lock.try_lock() };
        if locked.is_err() {
            return Err(Error::Locked { path: path.to_owned() });
        }
        let damaged = |e: rusqlite::Error| Error::Damaged { path: path.to_owned(), reason: e.to_string() };

        // Inspect read-only first: nothing is written to a file we end up refusing.
        {
            let probe = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(damaged)?;
            let app_id: i32 =
                probe.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(damaged)?;
            if app_id != APPLICATION_ID {
                return Err(Error::NotTrellis {
                    path: path.to_owned(),
                    reason: format!("its application id is {app_id:#x}, not Trellis's {APPLICATION_ID:#x}"),
                });
            }
            let version: i64 =
                probe.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(damaged)?;
            if version > SCHEMA_VERSION {
                return Err(Error::TooNew {
                    path: path.to_owned(),
                    found: version,
                    supported: SCHEMA_VERSION,
                });
            }
            let check: Vec<String> = probe
                .prepare("PRAGMA quick_check")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(damaged)?;
            if check.first().map(String::as_str) != Some("ok") {
                return Err(Error::Damaged { path: path.to_owned(), reason: check.join("; ") });
            }
        }

        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(damaged)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let recorder = journal::Recorder::default();
        if !read_only {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // NORMAL in WAL mode: a committed edit survives a crash or kill of the process; only
            // an OS crash or power loss can lose the newest commits (never corrupt the file).
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            migrations().to_latest(&mut conn).map_err(|e| Error::Damaged {
                path: path.to_owned(),
                reason: format!("migration failed: {e}"),
            })?;
            journal::install(&conn, &recorder)?;
        } else {
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version != SCHEMA_VERSION {
                return Err(Error::Conflict(format!(
                    "{} uses schema version {version}; open it for editing once to upgrade it",
                    path.display()
                )));
            }
        }
        Ok(Store { conn, path: path.to_owned(), recorder, read_only, last_step: None, _lock: lock })
    }

    /// The file this store edits.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the whole document.
    pub fn load(&self) -> Result<Document> {
        let tx = self.conn.unchecked_transaction()?;
        let doc = read::load(&tx)?;
        tx.commit()?;
        Ok(doc)
    }

    /// Applies one edit as one transaction and one undo step. On any error nothing changes.
    pub fn apply(&mut self, op: EditOp) -> Result<()> {
        self.writable()?;
        let label = op.label();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let step = journal::begin_step(&tx, &self.recorder, &label)?;
        let result = edit::apply(&tx, &op).and_then(|()| {
            if !matches!(op, EditOp::UpdateCurriculum { .. } | EditOp::ReplaceDocument { .. }) {
                tx.execute("UPDATE curriculum SET updated_at = ?1", [Timestamp::now().0])?;
            }
            Ok(())
        });
        journal::end_step(&self.recorder);
        result?; // dropping `tx` rolls back
        tx.commit().map_err(|e| commit_error(e, &label))?;
        self.last_step = Some(step);
        Ok(())
    }

    /// Applies several edits as one transaction and one undo step (e.g. an import).
    pub fn apply_all(&mut self, label: &str, ops: Vec<EditOp>) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let step = journal::begin_step(&tx, &self.recorder, label)?;
        let result = ops.iter().try_for_each(|op| edit::apply(&tx, op));
        journal::end_step(&self.recorder);
        result?;
        tx.commit().map_err(|e| commit_error(e, label))?;
        self.last_step = Some(step);
        Ok(())
    }

    /// Reverts the newest edit; returns its label.
    pub fn undo(&mut self) -> Result<String> {
        self.replay(true)
    }

    /// Re-applies the newest undone edit; returns its label.
    pub fn redo(&mut self) -> Result<String> {
        self.replay(false)
    }

    fn replay(&mut self, undo: bool) -> Result<String> {
        self.writable()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (step, label) = journal::replay(&tx, &self.recorder, undo)?;
        tx.commit()?;
        self.last_step = Some(step);
        Ok(label)
    }

    /// The parts of the document the newest change through this store (edit, undo or redo)
    /// touched, read from its journal step; every part when that is unknown.
    pub fn last_change_parts(&self) -> Result<Parts> {
        let Some(step) = self.last_step else { return Ok(Parts::ALL) };
        let tables = journal::step_tables(&self.conn, step)?;
        let mut parts = Parts::default();
        if tables.is_empty() || !tables.iter().all(|t| parts.add_table(t)) {
            return Ok(Parts::ALL);
        }
        Ok(parts)
    }

    /// Brings a loaded copy of the document up to date by re-reading only `parts` (those a
    /// change touched, see [`Store::last_change_parts`]); the other parts of `doc` must be as
    /// committed. Far cheaper than [`Store::load`] when a change touched a few parts.
    pub fn reload(&self, doc: &mut Document, parts: Parts) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        read::reload(&tx, doc, parts)?;
        tx.commit()?;
        Ok(())
    }

    /// What can be undone and redone.
    pub fn history(&self) -> Result<History> {
        journal::history(&self.conn)
    }

    /// Row counts per table (for `trellis stats` and diagnostics).
    pub fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for table in journal::TABLES {
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            out.push(((*table).to_owned(), n));
        }
        Ok(out)
    }

    /// The schema as SQL, for the golden schema test.
    pub fn schema_sql(&self) -> Result<String> {
        let rows: Vec<String> = self
            .conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.join(";\n") + ";\n")
    }

    /// The underlying connection, for benchmarks and tests that compare with raw SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn writable(&self) -> Result<()> {
        if self.read_only {
            Err(Error::Refused(format!("{} is open read-only", self.path.display())))
        } else {
            Ok(())
        }
    }
}

fn commit_error(e: rusqlite::Error, label: &str) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Refused(format!("{label}: the edit refers to something that does not exist"))
        }
        other => other.into(),
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Loads a document file for reading: a `.json` file as canonical JSON, anything else as a
/// Trellis document (opened read-only).
pub fn load_path(path: &Path) -> Result<Document> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        crate::json::read(path)
    } else {
        Store::open_read_only(path)?.load()
    }
}

/// Timestamp helper re-exported for edit construction.
pub fn now() -> Timestamp {
    Timestamp::now()
}
