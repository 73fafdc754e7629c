//! Every `.trellis` file is untrusted input: a crafted journal, schema or header must never make
//! the store run SQL from the file, touch another database, or change the file it refuses;
//! creating a document is atomic; the CLI's outcomes (exit codes, closed output) are exact.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use trellis::model::*;
use trellis::store::{APPLICATION_ID, EditOp, Store};
use trellis::{Error, ErrorCode};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> Document {
    trellis::json::read(&repo().join("examples/intro-statistics.json")).unwrap()
}

fn trellis_cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trellis"))
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A real document made by `Store::create`, with one undoable edit (a node renamed), closed.
fn document_with_history(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &example()).unwrap();
    let mut node = store.load().unwrap().nodes[1].clone();
    node.title = "Renamed by the user".into();
    store.apply(EditOp::UpdateNode { node }).unwrap();
    drop(store);
    path
}

/// A raw connection for altering a file the way an attacker would.
fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

/// Files beside `path` whose names start with its name (`-wal`, `-shm`, `-journal`).
fn sidecars(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&name) && *n != name)
        .collect()
}

/// Another SQLite database on the machine that a crafted journal tries to change.
fn victim(dir: &tempfile::TempDir) -> PathBuf {
    let other = dir.path().join("other.sqlite");
    raw(&other)
        .execute_batch("CREATE TABLE secrets (v TEXT); INSERT INTO secrets VALUES ('original');")
        .unwrap();
    other
}

fn newest_update_of(path: &Path, table: &str) -> i64 {
    raw(path)
        .query_row("SELECT max(seq) FROM journal WHERE op = 'update' AND tbl = ?1", [table], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .unwrap()
        .expect("the rename left an update row in the journal")
}

#[test]
fn undo_never_executes_sql_stored_in_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let other = victim(&dir);
    let other_before = bytes(&other);
    let attach =
        format!("ATTACH DATABASE '{}' AS x; UPDATE x.secrets SET v = 'changed'; SELECT 1", other.display());
    for column in ["op", "tbl", "data"] {
        let path = document_with_history(&dir);
        let seq = newest_update_of(&path, "nodes");
        raw(&path)
            .execute(&format!("UPDATE journal SET {column} = ?1 WHERE seq = ?2"), (&attach, seq))
            .unwrap();
        let mut store = Store::open(&path).unwrap();
        let before = store.load().unwrap();
        let err = store.undo().unwrap_err();
        assert!(matches!(err, Error::Damaged { .. }), "{column}: {err}");
        let message = err.to_string();
        assert!(
            message.contains(&path.display().to_string()),
            "{column}: the error names the file: {message}"
        );
        assert!(!message.contains('\n'), "{message}");
        assert_eq!(store.load().unwrap(), before, "{column}: nothing of the step was applied");
        assert_eq!(store.history().unwrap().undo_depth, 1, "{column}: the step is still there");
        drop(store);
        assert_eq!(bytes(&other), other_before, "{column}: the other database was touched");
        std::fs::remove_file(&path).unwrap();
    }
    let secret: String = raw(&other).query_row("SELECT v FROM secrets", [], |r| r.get(0)).unwrap();
    assert_eq!(secret, "original");
}

#[test]
fn a_version_one_journal_of_sql_is_dropped_unexecuted_by_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let other = victim(&dir);
    let other_before = bytes(&other);
    let path = dir.path().join("v1.trellis");
    {
        let mut conn = raw(&path);
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        trellis::store::migrations().to_version(&mut conn, 1).unwrap();
        let mut doc = Document::new("Version one");
        doc.normalize();
        // Version 1 stored inverse SQL that undo executed.
        conn.execute_batch(&format!(
            "INSERT INTO curriculum (id, format, title, code, description, audience, level, language,
                credit_system, credits, weeks, template, created_at, updated_at)
             VALUES ('{}', 1, 'Version one', '', '', '', '', 'en', 'none', NULL, NULL, NULL,
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO journal_steps (step, label, state, at) VALUES (1, 'Rename', 'done', '2026-01-01T00:00:00Z');
             INSERT INTO journal (step, statement) VALUES (1, 'ATTACH DATABASE ''{}'' AS x; UPDATE x.secrets SET v = ''changed''');",
            doc.curriculum.id,
            other.display()
        ))
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.history().unwrap().undo_depth, 0, "the old history is dropped");
    let err = store.undo().unwrap_err();
    assert!(matches!(err, Error::NothingTo("undo")), "{err}");
    let columns: Vec<String> = store
        .connection()
        .prepare("SELECT name FROM pragma_table_info('journal')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["seq", "step", "op", "tbl", "row_id", "data"]);
    drop(store);
    assert_eq!(bytes(&other), other_before);
}

#[test]
fn every_store_connection_refuses_attach_extensions_and_schema_writes() {
    let dir = tempfile::tempdir().unwrap();
    let other = victim(&dir);
    let path = document_with_history(&dir);
    {
        let store = Store::open(&path).unwrap();
        let conn = store.connection();
        let attach = conn.execute_batch(&format!("ATTACH DATABASE '{}' AS x", other.display()));
        assert!(attach.is_err(), "ATTACH must be refused");
        assert!(conn.query_row("SELECT load_extension('libnothing')", [], |_| Ok(())).is_err());
        let tamper = conn.execute_batch(
            "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'x' WHERE name = 'nodes';",
        );
        assert!(tamper.is_err(), "defensive mode refuses writes to sqlite_master");
        assert!(!conn.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA).unwrap());
    }
    let reader = Store::open_read_only(&path).unwrap();
    assert!(
        reader.connection().execute_batch(&format!("ATTACH DATABASE '{}' AS x", other.display())).is_err()
    );
}

#[test]
fn a_schema_with_anything_extra_or_changed_is_refused_untouched() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "trigger",
            "CREATE TRIGGER evil AFTER UPDATE ON nodes BEGIN DELETE FROM objectives; END",
            "unexpected trigger \"evil\"",
        ),
        ("view", "CREATE VIEW peek AS SELECT * FROM nodes", "unexpected view \"peek\""),
        ("table", "CREATE TABLE extra (x TEXT)", "unexpected table \"extra\""),
        ("index", "CREATE INDEX nodes_by_title ON nodes(title)", "unexpected index \"nodes_by_title\""),
        ("column", "ALTER TABLE nodes ADD COLUMN extra TEXT", "table \"nodes\" differs"),
        ("missing index", "DROP INDEX nodes_by_parent", "lacks the index \"nodes_by_parent\""),
        (
            "changed trigger",
            "DROP TRIGGER nodes_drop_comments;
             CREATE TRIGGER nodes_drop_comments AFTER DELETE ON nodes BEGIN DELETE FROM comments; END",
            "trigger \"nodes_drop_comments\" differs",
        ),
    ];
    for (name, sql, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = document_with_history(&dir);
        raw(&path).execute_batch(sql).unwrap();
        let before = bytes(&path);
        for read_only in [false, true] {
            let err = if read_only { Store::open_read_only(&path) } else { Store::open(&path) }.unwrap_err();
            let message = err.to_string();
            assert!(matches!(err, Error::NotTrellis { .. }), "{name}: {message}");
            assert_eq!(err.code(), ErrorCode::Validation);
            assert!(message.contains(needle), "{name}: expected {needle:?} in {message}");
            assert!(message.contains(&path.display().to_string()), "{name}: {message}");
            assert_eq!(bytes(&path), before, "{name}: the refused file was written");
            assert!(sidecars(&path).is_empty(), "{name}: files left beside it: {:?}", sidecars(&path));
        }
        // Through the CLI: invalid input.
        let out = trellis_cli().args(["undo", path.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(bytes(&path), before);
    }
}

#[test]
fn a_recursive_query_in_the_journal_is_refused_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let path = document_with_history(&dir);
    let forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    let seq = newest_update_of(&path, "nodes");
    raw(&path)
        .execute("UPDATE journal SET op = ?1, tbl = ?1, data = ?1 WHERE seq = ?2", (forever, seq))
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.clone();
    std::thread::spawn(move || {
        let mut store = Store::open(&p).unwrap();
        let _ = tx.send(store.undo().map_err(|e| e.to_string()));
    });
    // Generous bound: a query that ran would never return at all.
    let result = rx.recv_timeout(Duration::from_secs(60)).expect("undo hung on a query from the file");
    let err = result.unwrap_err();
    assert!(err.contains("damaged") && err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn journal_rows_naming_unknown_tables_or_columns_are_refused_with_the_name() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown table",
            "UPDATE journal SET tbl = 'sqlite_master' WHERE seq = ?1",
            "unknown table \"sqlite_master\"",
        ),
        ("unknown op", "UPDATE journal SET op = 'drop' WHERE seq = ?1", "unknown kind \"drop\""),
        (
            "unknown column",
            "UPDATE journal SET data = json_set(data, '$.evil', 1) WHERE seq = ?1",
            "unknown column \"evil\"",
        ),
        (
            "missing column",
            "UPDATE journal SET data = json_remove(data, '$.title') WHERE seq = ?1",
            "without the column title",
        ),
        ("not an object", "UPDATE journal SET data = '[1, 2]' WHERE seq = ?1", "not a JSON object"),
        (
            "blob value",
            "UPDATE journal SET data = json_set(data, '$.title', json('{\"x\": 1}')) WHERE seq = ?1",
            "unreadable value",
        ),
    ];
    for (name, sql, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = document_with_history(&dir);
        let seq = newest_update_of(&path, "nodes");
        raw(&path).execute(sql, [seq]).unwrap();
        let mut store = Store::open(&path).unwrap();
        let before = store.load().unwrap();
        let err = store.undo().unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Damaged { .. }), "{name}: {message}");
        assert!(message.contains(needle), "{name}: expected {needle:?} in {message}");
        assert!(message.contains(&path.display().to_string()), "{name}: {message}");
        assert_eq!(store.load().unwrap(), before, "{name}");
        drop(store);
        let out = trellis_cli().args(["undo", path.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{name}");
    }
}

#[test]
fn a_file_with_our_application_id_but_no_trellis_tables_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in
        [("notes", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');"), ("empty", "")]
    {
        let path = dir.path().join(format!("{name}.trellis"));
        {
            let conn = raw(&path);
            conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
            conn.execute_batch(sql).unwrap();
        }
        let before = bytes(&path);
        for read_only in [false, true] {
            let err = if read_only { Store::open_read_only(&path) } else { Store::open(&path) }.unwrap_err();
            assert!(
                matches!(&err, Error::NotTrellis { reason, .. } if reason.contains("no Trellis tables")),
                "{name}: {err}"
            );
            assert_eq!(bytes(&path), before, "{name}: the file was migrated or written");
            assert!(sidecars(&path).is_empty(), "{name}: {:?}", sidecars(&path));
        }
    }
}

#[test]
fn reading_a_document_leaves_no_files_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = document_with_history(&dir);
    assert!(sidecars(&path).is_empty(), "a closed store leaves nothing: {:?}", sidecars(&path));
    let before = bytes(&path);
    {
        let store = Store::open_read_only(&path).unwrap();
        store.load().unwrap();
        store.history().unwrap();
        let second = Store::open_read_only(&path).unwrap();
        second.load().unwrap();
    }
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    assert_eq!(bytes(&path), before);
    // The CLI's readers too.
    for command in ["show", "stats"] {
        let out = trellis_cli().args([command, path.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{command}");
        assert!(sidecars(&path).is_empty(), "{command}: {:?}", sidecars(&path));
    }
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_closed_store_leaves_its_edits_in_the_document_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    let mut store = Store::create(&path, &example()).unwrap();
    // Another connection keeps the file open, so SQLite's own close does not checkpoint.
    let other = raw(&path);
    let _: i64 = other.query_row("SELECT count(*) FROM nodes", [], |r| r.get(0)).unwrap();
    let mut node = store.load().unwrap().nodes[1].clone();
    node.title = "Checkpointed on close".into();
    store.apply(EditOp::UpdateNode { node }).unwrap();
    drop(store);
    // The document file alone (as copied or mailed without its -wal) holds the edit.
    let copy = dir.path().join("copy.trellis");
    std::fs::copy(&path, &copy).unwrap();
    let titles: Vec<String> =
        Store::open_read_only(&copy).unwrap().load().unwrap().nodes.into_iter().map(|n| n.title).collect();
    assert!(titles.iter().any(|t| t == "Checkpointed on close"), "{titles:?}");
    drop(other);
}

const CRASH_ENV: &str = "TRELLIS_UNTRUSTED_CRASH_CHILD";

#[test]
#[ignore = "runs only as the child of edits_left_in_the_wal_by_a_crash_are_read_and_checkpointed_on_open"]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_ENV) else { return };
    let mut store = Store::open(Path::new(&path)).unwrap();
    let mut node = store.load().unwrap().nodes[1].clone();
    node.title = "Only in the WAL".into();
    store.apply(EditOp::UpdateNode { node }).unwrap();
    println!("committed");
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn has_title(path: &Path, title: &str, read_only: bool) -> bool {
    let store = if read_only { Store::open_read_only(path) } else { Store::open(path) }.unwrap();
    store.load().unwrap().nodes.iter().any(|n| n.title == title)
}

#[test]
fn edits_left_in_the_wal_by_a_crash_are_read_and_checkpointed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    drop(Store::create(&path, &example()).unwrap());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "untrusted_store::crash_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CRASH_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.any(|l| l.is_ok_and(|l| l.contains("committed"))), "the child did not commit");
    child.kill().unwrap(); // SIGKILL: no checkpoint, no clean close
    child.wait().unwrap();
    let wal = dir.path().join("doc.trellis-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the edit sits in the -wal");
    let _ = std::fs::remove_file(dir.path().join("doc.trellis-shm"));
    let alone = dir.path().join("alone.trellis");
    std::fs::copy(&path, &alone).unwrap();
    assert!(!has_title(&alone, "Only in the WAL", true), "the document file alone lacks the edit");

    // A reader sees the edit and leaves no -shm of its own.
    assert!(has_title(&path, "Only in the WAL", true));
    assert!(!dir.path().join("doc.trellis-shm").exists(), "the reader left its -shm");

    // A writable open moves it into the document before anything else.
    let store = Store::open(&path).unwrap();
    let copy = dir.path().join("copy.trellis");
    std::fs::copy(&path, &copy).unwrap();
    drop(store);
    assert!(has_title(&copy, "Only in the WAL", true), "the open did not checkpoint");
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
}

#[test]
fn a_damaged_file_is_reported_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.trellis");
    drop(Store::create(&path, &trellis::generate::random(3)).unwrap());
    raw(&path).pragma_update(None, "journal_mode", "DELETE").unwrap();
    let mut data = bytes(&path);
    let page = 4096;
    assert!(data.len() > 6 * page, "a document of several pages");
    // Scribble over the middle of every page after the schema.
    let mut rng = trellis::generate::Rng::new(9);
    for start in (2 * page..data.len()).step_by(page) {
        for b in &mut data[start + 100..start + 600] {
            *b = rng.next_u64() as u8;
        }
    }
    std::fs::write(&path, &data).unwrap();
    let err = Store::open(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Damaged { .. }), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(!message.contains('\n') && message.len() < 300, "one sentence: {message}");
    assert_eq!(bytes(&path), data, "the damaged file was written");
}

// ---------------------------------------------------------------------------------------------
// Creating a document: atomic, and a killed creation leaves nothing behind.

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".creating-"))
        .collect()
}

#[test]
fn simultaneous_creations_of_one_path_give_one_document_and_exists_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.trellis");
    let threads = 12;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (barrier, path) = (barrier.clone(), path.clone());
            std::thread::spawn(move || {
                let doc = Document::new(format!("Writer {i}"));
                barrier.wait();
                Store::create(&path, &doc).map(|s| {
                    let title = s.load().unwrap().curriculum.title;
                    drop(s);
                    title
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let winners: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(matches!(e, Error::Exists { .. }), "{e}");
            assert_eq!(e.code(), ErrorCode::Conflict);
        }
    }
    assert_eq!(&Store::open(&path).unwrap().load().unwrap().curriculum.title, winners[0]);
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));

    // Processes: `trellis new` and `trellis import` at once; exactly one exits 0, the others 4.
    let path = dir.path().join("race-cli.trellis");
    let source = dir.path().join("source.json");
    trellis::json::write(&example(), &source).unwrap();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = trellis_cli();
            if i % 2 == 0 {
                cmd.args(["new", path.to_str().unwrap(), "--title", &format!("Process {i}")]);
            } else {
                cmd.args(["import", path.to_str().unwrap(), "--from", "json", source.to_str().unwrap()]);
            }
            cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let codes: Vec<Option<i32>> =
        children.into_iter().map(|c| c.wait_with_output().unwrap().status.code()).collect();
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), 1, "{codes:?}");
    // The losers either lost the race to create (4) or found the file already there and were
    // told it exists (4) or that it is open in the winner (4).
    assert!(codes.iter().all(|c| *c == Some(0) || *c == Some(4)), "{codes:?}");
    Store::open(&path).unwrap().load().unwrap().validate().unwrap();
    assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
}

const CREATE_ENV: &str = "TRELLIS_UNTRUSTED_CREATE_CHILD";

#[test]
#[ignore = "runs only as the child of a_killed_creation_leaves_no_temporary_file"]
fn create_child() {
    let Some(dir) = std::env::var_os(CREATE_ENV) else { return };
    let doc = trellis::generate::large(trellis::generate::Scale { courses: 4, units: 5, lessons: 4 });
    for i in 0.. {
        println!("creating {i}");
        drop(
            Store::create(&Path::new(&dir).join(format!("doc-{}-{i}.trellis", std::process::id())), &doc)
                .unwrap(),
        );
    }
}

#[test]
fn a_killed_creation_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = trellis::generate::Rng::new(77);
    let mut caught = 0;
    // At least four kills; more (up to 40) until one lands midway, which a busy machine's timing
    // can make rarer.
    for attempt in 0..40 {
        if attempt >= 4 && caught > 0 {
            break;
        }
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "untrusted_store::create_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CREATE_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.is_ok_and(|l| l.starts_with("creating 1"))));
        std::thread::sleep(Duration::from_millis(rng.below(40) as u64));
        child.kill().unwrap();
        child.wait().unwrap();
        if !temporaries(dir.path()).is_empty() {
            caught += 1;
        }
        // The next creation in the folder removes what the killed one left.
        let next = dir.path().join(format!("next-{}.trellis", rng.next_u64()));
        drop(Store::create(&next, &Document::new("Next")).unwrap());
        assert!(temporaries(dir.path()).is_empty(), "{:?}", temporaries(dir.path()));
    }
    assert!(caught > 0, "no creation was killed midway; the test proved nothing");
    // Every document that made it into place is whole.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "trellis") {
            Store::open(&path).unwrap().load().unwrap().validate().unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Imports write and journal only what changed.

#[test]
fn a_small_import_into_a_large_document_journals_only_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.trellis");
    let doc = trellis::generate::large(trellis::generate::Scale::LARGE);
    drop(Store::create(&path, &doc).unwrap());
    let original = trellis::json::to_string(&Store::open_read_only(&path).unwrap().load().unwrap());
    let csv = dir.path().join("outcomes.csv");
    std::fs::write(
        &csv,
        "vendor_guid,object_type,title,description\nr1,outcome,Reads closely,Reads a text closely\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = trellis_cli()
        .args([
            "import",
            path.to_str().unwrap(),
            "--from",
            "csv",
            csv.to_str().unwrap(),
            "--csv-format",
            "canvas",
        ])
        .output()
        .unwrap();
    let import_time = started.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (rows, bytes): (i64, i64) = {
        let store = Store::open_read_only(&path).unwrap();
        store
            .connection()
            .query_row(
                "SELECT count(*), coalesce(sum(length(data)), 0) FROM journal
                 WHERE step = (SELECT max(step) FROM journal_steps)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    eprintln!(
        "1-row CSV import into the large document: {import_time:?} (debug build), {rows} journal rows, {bytes} bytes"
    );
    assert!(rows <= 5, "a one-item import journals a handful of rows, not the document: {rows}");
    assert!(bytes < 4096, "{bytes} bytes of journal");
    let imported = trellis::json::to_string(&Store::open_read_only(&path).unwrap().load().unwrap());
    assert_ne!(imported, original);
    assert!(imported.contains("Reads closely"));

    let out = trellis_cli().args(["undo", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(trellis::json::to_string(&Store::open_read_only(&path).unwrap().load().unwrap()), original);
    let out = trellis_cli().args(["redo", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(trellis::json::to_string(&Store::open_read_only(&path).unwrap().load().unwrap()), imported);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Replacing a document with another (related or not) gives exactly the other, and undo
    /// gives exactly the first back.
    #[test]
    fn replacing_a_document_gives_exactly_the_new_one_and_undo_the_old(seed in proptest::prelude::any::<u64>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.trellis");
        let first = trellis::generate::random(seed);
        let mut store = Store::create(&path, &first).unwrap();
        let first = store.load().unwrap();
        // A related version (some entities changed, moved, removed, added) and an unrelated one.
        let mut related = first.clone();
        related.nodes.reverse();
        related.curriculum.title = "Replaced".into();
        if let Some(o) = related.objectives.first_mut() { o.statement = "Students will argue a claim.".into(); }
        let removed = related.assessments.pop().map(|a| a.id);
        related.comments.retain(|c| Some(c.target) != removed.map(|r| r.0));
        related.assets.reverse();
        if related.assets.len() >= 2 {
            let (a, b) = (related.assets[0].name.clone(), related.assets[1].name.clone());
            related.assets[0].name = b;
            related.assets[1].name = a;
        }
        related.normalize();
        let unrelated = trellis::generate::random(seed.wrapping_add(1));
        for next in [related, unrelated] {
            if next.validate().is_err() { continue; }
            let before = store.load().unwrap();
            store.apply(EditOp::ReplaceDocument { document: Box::new(next.clone()) }).unwrap();
            let mut expected = next.clone();
            expected.normalize();
            proptest::prop_assert_eq!(trellis::json::to_string(&store.load().unwrap()), trellis::json::to_string(&expected));
            store.undo().unwrap();
            proptest::prop_assert_eq!(store.load().unwrap(), before.clone());
            store.redo().unwrap();
            proptest::prop_assert_eq!(trellis::json::to_string(&store.load().unwrap()), trellis::json::to_string(&expected));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CLI outcomes.

#[test]
fn nothing_to_undo_has_its_own_exit_code_and_error_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.trellis");
    let out = trellis_cli().args(["new", path.to_str().unwrap(), "--title", "Fresh"]).output().unwrap();
    assert!(out.status.success());
    let before = bytes(&path);
    for command in ["undo", "redo"] {
        let out = trellis_cli().args([command, path.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("nothing to {command}")), "{stderr}");
    }
    assert_eq!(bytes(&path), before);
    assert_eq!(Error::NothingTo("undo").code(), ErrorCode::HistoryEmpty);
    let help = trellis_cli().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("6 nothing to undo or redo"), "{help}");
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("6 nothing to undo or redo"), "README lists exit code 6");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.trellis");
    drop(
        Store::create(
            &path,
            &trellis::generate::large(trellis::generate::Scale { courses: 6, units: 5, lessons: 4 }),
        )
        .unwrap(),
    );
    for command in ["show", "stats"] {
        let mut child = trellis_cli()
            .args([command, path.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command has printed anything (it reads the document
        // first), as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        assert!(stderr.is_empty(), "{command}: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{command}: {stderr}");
    }
}

#[test]
fn json_imports_over_the_documented_128_mib_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("huge.json");
    // Sparse: no disk is used, and the size check comes before any read.
    std::fs::File::create(&source).unwrap().set_len((128 << 20) + 1).unwrap();
    let target = dir.path().join("out.trellis");
    let out = trellis_cli()
        .args(["import", target.to_str().unwrap(), "--from", "json", source.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&source.display().to_string()) && stderr.contains("128 MiB"), "{stderr}");
    assert!(!target.exists());
    let err = trellis::json::read_import(&source).unwrap_err();
    assert!(err.to_string().contains("128 MiB limit"), "{err}");
    assert!(matches!(err, Error::Parse { .. }));
}
