//! The document store: one SQLite file per curriculum (`*.trellis`).
//!
//! Every file is untrusted input. [`Store::open`] recognises the file (SQLite header,
//! `application_id`, a schema version this build knows), compares its whole schema (every table,
//! index and trigger in `sqlite_master`) with the schema our migrations create for that version,
//! runs SQLite's `quick_check`, and refuses newer, foreign, altered or damaged files and files
//! another process holds, all before writing a byte and without leaving `-wal`/`-shm` files
//! behind. Only then does it migrate and set the connection up (WAL, foreign keys, busy
//! timeout). Every connection the store opens is hardened ([`harden`]): no attached databases,
//! defensive mode, untrusted schema, no views. Every [`EditOp`] runs in one immediate
//! transaction and one undo step ([`journal`]; the journal is data applied through fixed
//! statements, never SQL from the file). The store owns SQL; it hands out and accepts only model
//! types.
//!
//! [`Store::create`] builds a new document under a temporary name (`.NAME.creating-PID-N`, held
//! under an advisory lock while it is written) and links it into place only if nothing exists
//! there, so of two simultaneous creations of one path exactly one succeeds. A temporary file
//! left by a killed process is removed by the next create in the same folder (its lock is free).

mod codec;
mod edit;
pub mod journal;
mod read;
mod refresh;
mod write;

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use edit::{EditOp, Link};
pub use journal::History;
pub use read::Parts;
pub use refresh::MAX_ROW_CHANGES;

use crate::model::{Document, Timestamp};
use crate::{Error, Result};

/// `PRAGMA application_id` of Trellis documents ("TRLS").
pub const APPLICATION_ID: i32 = 0x5452_4C53;

/// The schema migrations, oldest first. Append-only.
pub const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_structured_journal.sql")),
    M::up(include_str!("migrations/0003_evidence.sql")),
    M::up(include_str!("migrations/0004_objective_profile.sql")),
    M::up(include_str!("migrations/0005_translations.sql")),
    M::up(include_str!("migrations/0006_interactive.sql")),
    M::up(include_str!("migrations/0007_pathways.sql")),
    M::up(include_str!("migrations/0008_evidence_responses.sql")),
];

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
    /// Changes committed through this store (see [`Store::commits`]).
    commits: u64,
    // Files this store made beside the document that SQLite does not remove itself (the `-shm`
    // of a read-only connection); removed after `conn` is closed.
    _sidecars: Sidecars,
    // Held for the store's lifetime: an advisory lock on the document file so that a second
    // process gets a clear "open elsewhere" error. Declared after `conn` so it is released last.
    _lock: File,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("read_only", &self.read_only).finish()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Move committed edits from the `-wal` into the document itself, so a copy of the file
        // holds them even if this process dies before SQLite's own close.
        if !self.read_only {
            let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

/// How many times a busy document lock is tried again, 20 ms apart, before the document
/// counts as open elsewhere.
const LOCK_RETRIES: u32 = 10;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Sets SQLite's limits for untrusted files on a connection, before it reads the schema: no
/// `ATTACH` (limit 0), defensive mode (no writes to `sqlite_master`, no `PRAGMA writable_schema`
/// tricks), the schema is not trusted (SQL functions with side effects cannot run from the file's
/// triggers or views), views are disabled, cells are size-checked, no memory mapping, and no
/// double-quoted string literals. Extension loading stays disabled (SQLite's default; this build
/// never enables it).
pub fn harden(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
    conn.pragma_update(None, "cell_size_check", true)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    Ok(())
}

/// Distinguishes the temporary files of creations running at once in one process.
static CREATING: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// Creates a new document file holding `doc`. Fails with [`Error::Exists`] if `path` exists,
    /// also when another process or thread creates it at the same moment: the file is written
    /// under a temporary name and linked into place only if nothing is there (an atomic step),
    /// so a failure or a lost race leaves nothing behind.
    pub fn create(path: &Path, doc: &Document) -> Result<Store> {
        if path.exists() {
            return Err(Error::Exists { path: path.to_owned() });
        }
        let mut doc = doc.clone();
        doc.normalize();
        doc.validate_as(path.display().to_string())?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        remove_stale_temporaries(dir);
        let (tmp, lock) = new_temporary(dir, &name).map_err(|e| Error::io(path, e))?;
        let result = (|| -> Result<()> {
            let mut conn = Connection::open(&tmp)?;
            harden(&conn)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            // The temporary file is thrown away on any failure, so it needs no rollback journal;
            // it is synced as a whole before it is linked into place.
            conn.pragma_update(None, "journal_mode", "OFF")?;
            conn.pragma_update(None, "synchronous", "OFF")?;
            migrations()
                .to_latest(&mut conn)
                .map_err(|e| Error::Internal(format!("migration failed: {e}")))?;
            let tx = conn.transaction()?;
            write::insert_document(&tx, &doc)?;
            tx.commit()?;
            conn.close().map_err(|(_, e)| Error::from(e))?;
            lock.sync_all().map_err(|e| Error::io(&tmp, e))?;
            link_no_replace(&tmp, path)?;
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        let _ = std::fs::remove_file(&tmp);
        result?;
        // The lock taken on the temporary file is the lock on the new document (same file).
        Store::open_with(path, false, Some(lock))
    }

    /// Opens an existing document for editing.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, false, None)
    }

    /// Opens an existing document for reading only (shared with other readers).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Store::open_with(path, true, None)
    }

    /// Opens `path`; `created` is the locked file of a document this process just created.
    fn open_with(path: &Path, read_only: bool, created: Option<File>) -> Result<Store> {
        let fresh = created.is_some();
        let mut lock = match created {
            Some(file) => file,
            None => File::open(path).map_err(|e| Error::io(path, e))?,
        };
        let mut header = [0u8; 16];
        lock.rewind().map_err(|e| Error::io(path, e))?;
        let n = read_up_to(&mut lock, &mut header).map_err(|e| Error::io(path, e))?;
        if n < 16 || &header != SQLITE_HEADER {
            return Err(Error::NotTrellis {
                path: path.to_owned(),
                reason: "it is not an SQLite database".into(),
            });
        }
        if !fresh {
            // A process being started elsewhere in this program holds a copy of every open file
            // between its fork and its exec, and with it the lock of a document just closed; so a
            // lock that is busy is tried again for a moment before the document counts as open
            // in another program.
            let mut tries = 0;
            loop {
                let locked = if read_only { lock.try_lock_shared() } else { lock.try_lock() };
                match locked {
                    Ok(()) => break,
                    Err(_) if tries < LOCK_RETRIES => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(_) => return Err(Error::Locked { path: path.to_owned() }),
                }
            }
        }
        // We hold the lock: no other Trellis process uses the file, so `-wal`/`-shm` files that
        // appear from here on are ours, and are removed again if the open fails.
        let mut sidecars = Sidecars::watch(path);
        match Store::connect(path, read_only, fresh) {
            Ok((conn, recorder)) => {
                if !read_only {
                    // A writable connection removes its `-wal`/`-shm` itself when it closes.
                    sidecars.paths.clear();
                }
                Ok(Store {
                    conn,
                    path: path.to_owned(),
                    recorder,
                    read_only,
                    last_step: None,
                    commits: 0,
                    _sidecars: sidecars,
                    _lock: lock,
                })
            }
            Err(e) => {
                drop(sidecars); // removes what the failed open left
                Err(e)
            }
        }
    }

    /// Inspects the file through a read-only connection, then opens the connection the store
    /// keeps (migrated and with the journal's triggers when writable).
    fn connect(path: &Path, read_only: bool, fresh: bool) -> Result<(Connection, journal::Recorder)> {
        let damaged =
            |e: rusqlite::Error| Error::Damaged { path: path.to_owned(), reason: sqlite_damage(&e) };

        // Inspect read-only first: nothing is written to a file we end up refusing.
        {
            let probe = open_reader(path).map_err(damaged)?;
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
            if version < 1 {
                return Err(Error::NotTrellis {
                    path: path.to_owned(),
                    reason: "it has Trellis's application id but no Trellis tables".into(),
                });
            }
            check_schema(&probe, version, path)?;
            if !fresh {
                // The tables of the design are checked; the evidence tables (up to millions of
                // results) and the undo journal are not read to open the design: SQLite refuses
                // a damaged page of theirs when they are read (docs/evidence.md).
                let tables: Vec<String> = probe
                    .prepare(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'evidence!_%' ESCAPE '!' AND name <> 'journal' ORDER BY name",
                    )
                    .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                    .map_err(damaged)?;
                for table in tables {
                    let check: Vec<String> = probe
                        .prepare(&format!("PRAGMA quick_check(\"{}\")", table.replace('"', "\"\"")))
                        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                        .map_err(damaged)?;
                    if check.first().map(String::as_str) != Some("ok") {
                        return Err(Error::Damaged {
                            path: path.to_owned(),
                            reason: integrity_damage(&check),
                        });
                    }
                }
            }
            if read_only && version != SCHEMA_VERSION {
                return Err(Error::Conflict(format!(
                    "{} uses schema version {version}; open it for editing once to upgrade it",
                    path.display()
                )));
            }
        }

        let recorder = journal::Recorder::default();
        if read_only {
            let conn = open_reader(path).map_err(damaged)?;
            return Ok((conn, recorder));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(damaged)?;
        harden(&conn)?;
        conn.set_prepared_statement_cache_capacity(128);
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode: a committed edit survives a crash or kill of the process; only
        // an OS crash or power loss can lose the newest commits (never corrupt the file).
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Edits committed by a process that died are still only in the `-wal`: move them into
        // the document now.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        migrations().to_latest(&mut conn).map_err(|e| Error::Damaged {
            path: path.to_owned(),
            reason: format!("its schema could not be upgraded ({})", one_line(&e.to_string())),
        })?;
        journal::install(&conn, &recorder)?;
        Ok((conn, recorder))
    }

    /// The file this store edits.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the whole document. The assessments are read through a second read-only
    /// connection on a thread of their own while the rest is read through this one (nothing can
    /// change the file meanwhile: this store holds its lock and `&self` allows no edit); when a
    /// second connection cannot be opened, everything is read through this one.
    pub fn load(&self) -> Result<Document> {
        let tx = self.conn.unchecked_transaction()?;
        let doc = match open_reader(&self.path) {
            Ok(second) => read::load_split(&tx, second)?,
            Err(_) => read::load(&tx)?,
        };
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
        self.commits += 1;
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
        self.commits += 1;
        Ok(())
    }

    /// Runs `f` in one immediate transaction recorded as one undo step labelled `label`, for
    /// changes outside the design's `EditOp`s (the evidence tables, `crate::evidence`). When `f`
    /// fails, or changes nothing, the transaction is rolled back and no step is recorded.
    pub fn apply_with<T>(
        &mut self,
        label: &str,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.writable()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let step = journal::begin_step(&tx, &self.recorder, label)?;
        let result = f(&tx);
        journal::end_step(&self.recorder);
        let value = result?;
        let changed: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM journal WHERE step = ?1)", [step], |r| r.get(0))?;
        if changed {
            tx.commit().map_err(|e| commit_error(e, label))?;
            self.last_step = Some(step);
            self.commits += 1;
        }
        Ok(value)
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
        let (step, label) = journal::replay(&tx, &self.recorder, undo, &self.path)?;
        tx.commit()?;
        self.last_step = Some(step);
        self.commits += 1;
        Ok(label)
    }

    /// How many changes (edits, undos, redos, [`Store::apply_with`] steps) this store has
    /// committed since it was opened. A refused change is rolled back whole and not counted, so
    /// a caller can tell by comparing it whether what it ran committed anything (journal step
    /// numbers cannot tell: an undo and the edit after it reuse the undone step's number).
    pub fn commits(&self) -> u64 {
        self.commits
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

/// `path` with `suffix` appended to its file name (`doc.trellis` → `doc.trellis-wal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The `-wal`/`-shm` files that did not exist beside a document when it was locked: whatever
/// SQLite leaves of them is removed when this is dropped (SQLite removes them itself only when a
/// writable connection closes).
struct Sidecars {
    paths: Vec<PathBuf>,
}

impl Sidecars {
    fn watch(path: &Path) -> Sidecars {
        let paths = ["-wal", "-shm"].iter().map(|s| sidecar(path, s)).filter(|p| !p.exists()).collect();
        Sidecars { paths }
    }
}

impl Drop for Sidecars {
    fn drop(&mut self) {
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A hardened read-only connection that creates no files beside the document: when no `-wal`
/// holds committed data (and no rollback journal is pending) the file is opened as immutable,
/// which is safe because the caller holds the document's lock; otherwise SQLite must read the
/// `-wal`, and the `-shm` it may create is removed by [`Sidecars`].
fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match immutable_uri(path) {
        Some(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?,
        None => Connection::open_with_flags(path, flags)?,
    };
    harden(&conn)?;
    Ok(conn)
}

/// The `file:` URI opening `path` read-only and immutable, when that is safe (see
/// [`open_reader`]) and the path can be written as a URI.
fn immutable_uri(path: &Path) -> Option<String> {
    if !cfg!(unix) {
        return None;
    }
    let wal_has_data = std::fs::metadata(sidecar(path, "-wal")).is_ok_and(|m| m.len() > 0);
    if wal_has_data || sidecar(path, "-journal").exists() {
        return None;
    }
    let text = path.to_str()?;
    let mut uri = String::from(if text.starts_with('/') { "file://" } else { "file:" });
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Some(uri)
}

/// One entry of `sqlite_master`: type, name, table and the SQL with whitespace runs collapsed.
type SchemaEntry = (String, String, String, Option<String>);

fn schema_entries(conn: &Connection) -> rusqlite::Result<Vec<SchemaEntry>> {
    use rusqlite::types::Value;
    let text = |v: Value| match v {
        Value::Text(s) => s,
        other => format!("{other:?}"),
    };
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| {
        let sql: Value = r.get(3)?;
        Ok((
            text(r.get(0)?),
            text(r.get(1)?),
            text(r.get(2)?),
            match sql {
                Value::Null => None,
                v => Some(text(v).split_whitespace().collect::<Vec<_>>().join(" ")),
            },
        ))
    })?;
    rows.collect()
}

/// The schema our migrations create, for each version (index 0 is version 1), built once in
/// memory.
fn expected_schemas() -> Result<&'static [Vec<SchemaEntry>]> {
    static SCHEMAS: OnceLock<std::result::Result<Vec<Vec<SchemaEntry>>, String>> = OnceLock::new();
    let built = SCHEMAS.get_or_init(|| {
        (1..=SCHEMA_VERSION as usize)
            .map(|version| {
                let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
                harden(&conn).map_err(|e| e.to_string())?;
                migrations().to_version(&mut conn, version).map_err(|e| e.to_string())?;
                schema_entries(&conn).map_err(|e| e.to_string())
            })
            .collect()
    });
    built.as_deref().map_err(|e| Error::Internal(format!("building the expected schema: {e}")))
}

/// Refuses a file whose schema is not exactly the one our migrations create for `version`: an
/// extra, missing or changed table, index or trigger (a trigger or view added to a file would
/// run inside our transactions).
fn check_schema(conn: &Connection, version: i64, path: &Path) -> Result<()> {
    let found = schema_entries(conn)
        .map_err(|e| Error::Damaged { path: path.to_owned(), reason: sqlite_damage(&e) })?;
    let expected = usize::try_from(version - 1)
        .ok()
        .and_then(|i| expected_schemas().map(|s| s.get(i).cloned()).transpose())
        .transpose()?
        .unwrap_or_default();
    let refuse = |reason: String| Err(Error::NotTrellis { path: path.to_owned(), reason });
    for entry in &found {
        let (kind, name) = (&entry.0, &entry.1);
        match expected.iter().find(|e| e.0 == *kind && e.1 == *name) {
            None => {
                return refuse(format!(
                    "its schema has an unexpected {kind} {} that Trellis does not create",
                    excerpt(name)
                ));
            }
            Some(e) if e != entry => {
                return refuse(format!(
                    "its {kind} {} differs from the one Trellis creates (schema version {version})",
                    excerpt(name)
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(missing) = expected.iter().find(|e| !found.iter().any(|f| f.0 == e.0 && f.1 == e.1)) {
        return refuse(format!("its schema lacks the {} {}", missing.0, excerpt(&missing.1)));
    }
    Ok(())
}

/// A name from the file, shortened and escaped for an error message.
fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    let more = if text.chars().count() > 40 { "…" } else { "" };
    format!("\"{}{more}\"", short.escape_debug())
}

/// What kind of damage an SQLite error on reading means, in a few words.
fn sqlite_damage(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => "its database pages are corrupt".into(),
        Some(rusqlite::ErrorCode::NotADatabase) => "its database header is not valid".into(),
        _ => format!("SQLite cannot read it ({})", one_line(&e.to_string())),
    }
}

/// What kind of damage `PRAGMA quick_check` found, in a few words (its own report can run to
/// hundreds of lines).
fn integrity_damage(lines: &[String]) -> String {
    let text = lines.join(" ").to_lowercase();
    let kind = if text.contains("missing from index") || text.contains("wrong # of entries in index") {
        "an index does not match its table"
    } else if text.contains("constraint") || text.contains("null value") {
        "a row breaks the schema's constraints"
    } else {
        "its database pages are corrupt"
    };
    let n = lines.len();
    format!("{kind} (SQLite's integrity check reports {n} problem{})", if n == 1 { "" } else { "s" })
}

/// `text` on one line, at most 120 characters.
fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 120 {
        format!("{}…", line.chars().take(120).collect::<String>())
    } else {
        line
    }
}

/// Creates and locks a new temporary file for a document being created as `name` in `dir`.
fn new_temporary(dir: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    loop {
        let n = CREATING.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.creating-{}-{n}", std::process::id()));
        let file = match std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&tmp) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        // A concurrent clean-up (another thread or process creating a document in this folder)
        // may take the new file for a stale one between its creation and our lock: it then holds
        // the lock while it removes the file. Either way, start again with another name.
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => continue,
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(std::io::Error::other(format!("cannot lock {}: {e}", tmp.display())));
            }
        }
        if same_file(&file, &tmp) {
            return Ok((tmp, file));
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Gives `tmp` the name `path` only if nothing has that name: a hard link fails when the name
/// exists, atomically. Where the file system has no hard links, the name is reserved with an
/// exclusive create and the file renamed over the reservation.
fn link_no_replace(tmp: &Path, path: &Path) -> Result<()> {
    let exists = || Error::Exists { path: path.to_owned() };
    match std::fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        Err(_) => match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            Err(e) => Err(Error::io(path, e)),
            Ok(_) => std::fs::rename(tmp, path).map_err(|e| Error::io(path, e)),
        },
    }
}

/// Removes the temporary files of creations in `dir` whose process died (their lock is free),
/// with the journal files SQLite may have left beside them.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(base) = temporary_base(name) else { continue };
        let base_path = dir.join(base);
        match File::open(&base_path) {
            Ok(file) => {
                if file.try_lock().is_ok() {
                    for suffix in ["", "-journal", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(sidecar(&base_path, suffix));
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != base => {
                let _ = std::fs::remove_file(dir.join(name));
            }
            Err(_) => {}
        }
    }
}

/// The temporary file a directory entry belongs to (`.NAME.creating-PID-N`, optionally with a
/// journal suffix), if it is one.
fn temporary_base(name: &str) -> Option<&str> {
    let base = ["-journal", "-wal", "-shm"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
    let (_, tail) = base.rsplit_once(".creating-")?;
    let (pid, n) = tail.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (base.starts_with('.') && digits(pid) && digits(n)).then_some(base)
}
