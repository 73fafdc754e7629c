//! The SQL of the evidence tables (`evidence_*`, `src/store/migrations/0003_evidence.sql`):
//! reading them into an [`Evidence`], writing an import through a [`Writer`], removing a cohort
//! and setting mastery policies. Callers run the changes inside `Store::apply_with`, so each is
//! one transaction and one undo step. Everything read is checked (the file is untrusted): an
//! unknown method or target kind, an unreadable id or a non-finite score is refused with an error
//! naming the file and the row.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::import::Source;
use super::{Cohort, Evidence, Learner, Method, Policy, ResultRow, TargetKind, pseudonym};
use crate::model::Timestamp;
use crate::{Error, Result};

fn damaged(path: &Path, reason: String) -> Error {
    Error::Damaged { path: path.to_owned(), reason: format!("its evidence {reason}") }
}

fn read_policy(row: &rusqlite::Row<'_>, first: usize, path: &Path, place: &str) -> Result<Policy> {
    let method: String = row.get(first + 2)?;
    let method = Method::parse(&method)
        .ok_or_else(|| damaged(path, format!("{place} names the unknown method {method:?}")))?;
    let min: i64 = row.get(first + 4)?;
    let policy = Policy {
        points_possible: row.get(first)?,
        mastery_points: row.get(first + 1)?,
        method,
        calculation_int: row.get(first + 3)?,
        min_results: u32::try_from(min).unwrap_or(0),
    };
    policy.validate(place).map_err(|e| damaged(path, format!("has an invalid policy ({e})")))?;
    Ok(policy)
}

/// The salt and the default policy, if an import created them.
pub fn settings(conn: &Connection, path: &Path) -> Result<Option<(Vec<u8>, Policy)>> {
    let mut stmt = conn.prepare(
        "SELECT salt, points_possible, mastery_points, method, calculation_int, min_results FROM evidence_settings WHERE id = 1",
    )?;
    let mut rows = stmt.query([])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let salt: Vec<u8> = match row.get_ref(0)? {
        ValueRef::Blob(b) if b.len() >= 16 => b.to_vec(),
        _ => return Err(damaged(path, "settings hold no usable salt".into())),
    };
    Ok(Some((salt, read_policy(row, 1, path, "default policy")?)))
}

/// A document's mastery policy: the curriculum's default and the per-objective overrides.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PolicySet {
    /// The curriculum's default.
    pub default: Policy,
    /// Overrides, by objective id.
    pub overrides: Vec<(Uuid, Policy)>,
}

impl PolicySet {
    /// The policy that applies to an objective.
    pub fn policy_for(&self, objective: Uuid) -> &Policy {
        self.overrides.iter().find(|(id, _)| *id == objective).map_or(&self.default, |(_, p)| p)
    }
}

/// The document's mastery policy, or None when it has none (no evidence imported and no policy
/// set; also a document from before the evidence tables existed).
pub fn policies(conn: &Connection, path: &Path) -> Result<Option<PolicySet>> {
    let has_tables: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_settings')",
        [],
        |r| r.get(0),
    )?;
    if !has_tables {
        return Ok(None);
    }
    let Some((_, default)) = settings(conn, path)? else { return Ok(None) };
    let mut stmt = conn.prepare(
        "SELECT objective_id, points_possible, mastery_points, method, calculation_int, min_results FROM evidence_policies ORDER BY objective_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut overrides = Vec::new();
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let id = Uuid::parse_str(&id)
            .map_err(|_| damaged(path, format!("policy names the unreadable objective id {id:?}")))?;
        overrides.push((id, read_policy(row, 1, path, &format!("policy of objective {id}"))?));
    }
    Ok(Some(PolicySet { default, overrides }))
}

/// The mastery policy of the document at `path`: None for a `.json` file or a document without
/// one.
pub fn policies_at(path: &Path) -> Result<Option<PolicySet>> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return Ok(None);
    }
    let store = crate::store::Store::open_read_only(path)?;
    policies(store.connection(), path)
}

/// Reads the evidence (every cohort, or only `cohort`).
///
/// From 200,000 stored results on, when a second core is free ([`core_to_spare`]), the upper
/// half of the results is read on a second connection on another thread while this one reads
/// the lower half (see [`load_with`]); the evidence is the same either way.
pub fn load(conn: &Connection, path: &Path, cohort: Option<&str>) -> Result<Evidence> {
    load_with(conn, path, cohort, if core_to_spare() { PARALLEL_ROWS } else { u64::MAX })
}

/// Whether a second scan would get a core of its own: always from four cores on; with two or
/// three, when the system's one-minute load average (`/proc/loadavg`, Linux) leaves at least
/// half a core idle beside this one. Two scans at once on two cores busy with other work were
/// measured slower than one (BENCHMARKS.md); on an idle machine they share the work.
fn core_to_spare() -> bool {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    match cores {
        0 | 1 => false,
        2 | 3 => load_average().is_some_and(|load| spare(cores, load)),
        _ => true,
    }
}

/// Whether `cores` cores under a load average of `load` have a core to spare.
fn spare(cores: usize, load: f64) -> bool {
    cores >= 2 && load.is_finite() && load < cores as f64 - 0.5
}

/// The one-minute load average, where the system publishes it.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// [`load`], reading the results in two halves at once when the table holds at least
/// `parallel_from` rowids (and a second read-only connection to `path` opens and sees the same
/// rows; otherwise in one scan). The halves are joined in rowid order, so the evidence is the
/// same as one scan's.
pub fn load_with(
    conn: &Connection,
    path: &Path,
    cohort: Option<&str>,
    parallel_from: u64,
) -> Result<Evidence> {
    let tx = conn.unchecked_transaction()?;
    let mut evidence =
        Evidence { policy: settings(&tx, path)?.map(|(_, p)| p).unwrap_or_default(), ..Evidence::default() };
    {
        let mut stmt = tx.prepare(
            "SELECT objective_id, points_possible, mastery_points, method, calculation_int, min_results FROM evidence_policies ORDER BY objective_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let id = Uuid::parse_str(&id)
                .map_err(|_| damaged(path, format!("policy names the unreadable objective id {id:?}")))?;
            let policy = read_policy(row, 1, path, &format!("policy of objective {id}"))?;
            evidence.overrides.push((id, policy));
        }
    }
    let filter = cohort.unwrap_or("");
    let all = cohort.is_none();
    {
        let mut stmt = tx.prepare(
            "SELECT name, term, source, imported_at FROM evidence_cohorts WHERE ?1 OR name = ?2 ORDER BY name",
        )?;
        evidence.cohorts = stmt
            .query_map(params![all, filter], |r| {
                Ok(Cohort { name: r.get(0)?, term: r.get(1)?, source: r.get(2)?, imported_at: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    if let Some(name) = cohort
        && evidence.cohorts.is_empty()
    {
        return Err(Error::NotFound { kind: "cohort", id: format!("{name:?} in {}", path.display()) });
    }
    // Learners by cohort, then pseudonym; results refer to them by index.
    let mut index: LearnerIndex = HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT cohort, pseudonym, name, section FROM evidence_learners WHERE ?1 OR cohort = ?2 ORDER BY cohort, pseudonym",
        )?;
        let mut rows = stmt.query(params![all, filter])?;
        while let Some(row) = rows.next()? {
            let learner = Learner {
                cohort: row.get(0)?,
                pseudonym: row.get(1)?,
                name: row.get(2)?,
                section: row.get(3)?,
            };
            let i = evidence.learners.len() as u32;
            index
                .entry(learner.cohort.as_bytes().to_vec())
                .or_default()
                .insert(learner.pseudonym.as_bytes().to_vec(), i);
            evidence.learners.push(learner);
        }
    }
    let (first, last) = rowid_bounds(&tx)?;
    let scan = Scan { path, all, filter, index: &index };
    let span = last.saturating_sub(first).saturating_add(1).max(0);
    // Room for every row (up to a bound) when every cohort is read.
    let room = |n: i64| if all { usize::try_from(n.min(MAX_RESERVED)).unwrap_or(0) } else { 0 };
    evidence.results.reserve(room(span));
    let split = (span >= 2 && span as u64 >= parallel_from).then(|| first + span / 2);
    match split.and_then(|mid| second_reader(path, first, last).map(|reader| (mid, reader))) {
        Some((mid, reader)) => {
            PARALLEL_LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // The upper half is read on a second connection, on its own thread, while this one
            // reads the lower half; both see the same data (below), and the halves are joined
            // in rowid order, so the result is the same as one scan's.
            let upper = std::thread::scope(|threads| {
                let upper = threads.spawn(move || -> Result<Vec<ResultRow>> {
                    let mut rows = Vec::with_capacity(room(last - mid + 1));
                    scan.read(&reader, mid, last, &mut rows)?;
                    Ok(rows)
                });
                let lower = scan.read(&tx, first, mid - 1, &mut evidence.results);
                let upper = upper.join().unwrap_or_else(|_| {
                    Err(Error::Refused(format!("{}: reading the evidence failed", path.display())))
                });
                lower.and(upper)
            })?;
            evidence.results.extend(upper);
        }
        None => scan.read(&tx, first, last, &mut evidence.results)?,
    }
    evidence.results.shrink_to_fit();
    tx.commit()?;
    Ok(evidence)
}

/// The lowest and highest rowid of the results (`(0, -1)` when there are none).
///
/// Two subqueries, not `min(rowid), max(rowid)` in one: SQLite answers a lone `min` or `max` of
/// the rowid from one end of the table's b-tree, but both in one select make it scan every row
/// (0.17 s for a million results).
fn rowid_bounds(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(ROWID_BOUNDS, [], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// The query of [`rowid_bounds`].
const ROWID_BOUNDS: &str = "SELECT (SELECT coalesce(min(rowid), 0) FROM evidence_results), \
     (SELECT coalesce(max(rowid), -1) FROM evidence_results)";

/// Learners by the bytes of their cohort, then of their pseudonym: their index in
/// [`Evidence::learners`].
type LearnerIndex = HashMap<Vec<u8>, HashMap<Vec<u8>, u32>>;

/// How many loads of this process read their results in two halves at once (for tests that
/// must know the parallel path ran).
pub static PARALLEL_LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// From this many stored results on, [`load`] reads the two halves of the table at once.
const PARALLEL_ROWS: u64 = 200_000;

/// The most results [`load`] makes room for before reading (more are still read).
const MAX_RESERVED: i64 = 20_000_000;

/// A second, read-only connection to the document at `path`, inside a read transaction, that
/// sees the same results as the caller's (the rowids `first..=last`): None when it cannot be
/// opened or sees other data, and the caller reads everything itself.
///
/// The caller holds the document (its lock keeps other programs' writers out) and no
/// transaction of its own is open (`load` begins one, which fails inside another), so every
/// change is committed and the second connection reads the same state. It is made as the
/// store's own are ([`crate::store::harden`]: the file is untrusted), and checked: the same
/// lowest and highest rowid, or it is not used.
fn second_reader(path: &Path, first: i64, last: i64) -> Option<Connection> {
    use rusqlite::OpenFlags;
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .ok()?;
    crate::store::harden(&conn).ok()?;
    conn.execute_batch("BEGIN").ok()?;
    let seen = rowid_bounds(&conn).ok()?;
    (seen == (first, last)).then_some(conn)
}

/// What one scan of the results needs: the file (for errors), the cohort filter and the learners.
#[derive(Clone, Copy)]
struct Scan<'a> {
    path: &'a Path,
    all: bool,
    filter: &'a str,
    index: &'a LearnerIndex,
}

impl Scan<'_> {
    /// Reads the results with rowids `from..=to` (of every cohort, or of the filter's) in rowid
    /// order into `out`, checking each.
    fn read(&self, conn: &Connection, from: i64, to: i64, out: &mut Vec<ResultRow>) -> Result<()> {
        let path = self.path;
        let mut stmt = conn.prepare_cached(
            "SELECT cohort, learner, source, target_kind, target_id, score, points_possible, at, attempt, source_row, response
             FROM evidence_results WHERE rowid BETWEEN ?3 AND ?4 AND (?1 OR cohort = ?2) ORDER BY rowid",
        )?;
        let mut rows = stmt.query(params![self.all, self.filter, from, to])?;
        // Rows of one learner, and of one target, usually follow each other (an import writes
        // them so): the last learner, source, kind and target found are reused without hashing
        // or parsing again. Text is compared as the stored bytes.
        let mut last_learner: Option<(Vec<u8>, Vec<u8>, u32)> = None;
        let mut last_target: Option<(Vec<u8>, Uuid)> = None;
        let mut last_source: Option<(Vec<u8>, Source)> = None;
        let mut last_kind: Option<(Vec<u8>, TargetKind)> = None;
        while let Some(row) = rows.next()? {
            let text = |i: usize| -> Result<&[u8]> {
                match row.get_ref(i)? {
                    ValueRef::Text(t) => Ok(t),
                    _ => Err(damaged(path, "holds a result whose text columns are not text".into())),
                }
            };
            let source_row = match row.get_ref(9)? {
                ValueRef::Integer(n) => n,
                _ => return Err(damaged(path, "holds a result whose source line is not a number".into())),
            };
            let bad = |what: String| damaged(path, format!("result from line {source_row} {what}"));
            let utf8 = |t: &[u8]| -> Result<()> {
                std::str::from_utf8(t)
                    .map(|_| ())
                    .map_err(|_| damaged(path, "holds text that is not UTF-8".into()))
            };
            let (cohort, pseudonym) = (text(0)?, text(1)?);
            let learner = match &last_learner {
                Some((c, p, i)) if c.as_slice() == cohort && p.as_slice() == pseudonym => *i,
                _ => {
                    utf8(cohort)?;
                    utf8(pseudonym)?;
                    let i = self
                        .index
                        .get(cohort)
                        .and_then(|m| m.get(pseudonym))
                        .copied()
                        .ok_or_else(|| bad("names a learner that is not in its cohort".into()))?;
                    last_learner = Some((cohort.to_vec(), pseudonym.to_vec(), i));
                    i
                }
            };
            let source_text = text(2)?;
            let source = match &last_source {
                Some((t, s)) if t.as_slice() == source_text => *s,
                _ => {
                    let s = std::str::from_utf8(source_text)
                        .ok()
                        .and_then(Source::parse)
                        .ok_or_else(|| bad("names an unknown source".into()))?;
                    last_source = Some((source_text.to_vec(), s));
                    s
                }
            };
            let kind_text = text(3)?;
            let target_kind = match &last_kind {
                Some((t, k)) if t.as_slice() == kind_text => *k,
                _ => {
                    let k = std::str::from_utf8(kind_text)
                        .ok()
                        .and_then(TargetKind::parse)
                        .ok_or_else(|| bad("measures an unknown kind of thing".into()))?;
                    last_kind = Some((kind_text.to_vec(), k));
                    k
                }
            };
            let target_text = text(4)?;
            let target_id = match &last_target {
                Some((t, id)) if t.as_slice() == target_text => *id,
                _ => {
                    let id = Uuid::try_parse_ascii(target_text)
                        .map_err(|_| bad("has an unreadable target id".into()))?;
                    match &mut last_target {
                        Some((t, last)) => {
                            t.clear();
                            t.extend_from_slice(target_text);
                            *last = id;
                        }
                        None => last_target = Some((target_text.to_vec(), id)),
                    }
                    id
                }
            };
            let score: f64 = row.get(5)?;
            let points_possible: Option<f64> = row.get(6)?;
            if !score.is_finite() || points_possible.is_some_and(|p| !p.is_finite() || p <= 0.0) {
                return Err(bad("has a score or points possible that is not a finite number".into()));
            }
            let response = match row.get_ref(10)? {
                ValueRef::Null => None,
                ValueRef::Text(t) => Some(
                    std::str::from_utf8(t)
                        .map_err(|_| damaged(path, "holds text that is not UTF-8".into()))?
                        .to_owned(),
                ),
                _ => return Err(bad("has a response that is not text".into())),
            };
            out.push(ResultRow {
                learner,
                source,
                target_kind,
                target_id,
                score,
                points_possible,
                at: row.get(7)?,
                attempt: row.get(8)?,
                source_row,
                response,
            });
        }
        Ok(())
    }
}

/// A cohort with its counts, for `trellis evidence list`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CohortSummary {
    /// The cohort.
    #[serde(flatten)]
    pub cohort: Cohort,
    /// Its learners.
    pub learners: i64,
    /// Its results.
    pub results: i64,
    /// Learners whose names were kept.
    pub named: i64,
}

/// Every cohort with its counts.
pub fn cohorts(conn: &Connection) -> Result<Vec<CohortSummary>> {
    let mut stmt = conn.prepare(
        "SELECT c.name, c.term, c.source, c.imported_at,
                (SELECT count(*) FROM evidence_learners l WHERE l.cohort = c.name),
                (SELECT count(*) FROM evidence_results r WHERE r.cohort = c.name),
                (SELECT count(*) FROM evidence_learners l WHERE l.cohort = c.name AND l.name IS NOT NULL)
         FROM evidence_cohorts c ORDER BY c.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CohortSummary {
            cohort: Cohort { name: r.get(0)?, term: r.get(1)?, source: r.get(2)?, imported_at: r.get(3)? },
            learners: r.get(4)?,
            results: r.get(5)?,
            named: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every cohort with its counts, taken from evidence read for every cohort ([`load`] without a
/// cohort): what [`cohorts`] answers, without asking the store again (its counts walk the
/// results' index: 60–90 ms for a million results, where this pass takes a few).
pub fn summaries(evidence: &Evidence) -> Vec<CohortSummary> {
    let position: HashMap<&str, usize> =
        evidence.cohorts.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
    let cohort_of: Vec<Option<usize>> =
        evidence.learners.iter().map(|l| position.get(l.cohort.as_str()).copied()).collect();
    let mut summaries: Vec<CohortSummary> = evidence
        .cohorts
        .iter()
        .map(|c| CohortSummary { cohort: c.clone(), learners: 0, results: 0, named: 0 })
        .collect();
    for (learner, cohort) in evidence.learners.iter().zip(&cohort_of) {
        if let Some(summary) = cohort.and_then(|c| summaries.get_mut(c)) {
            summary.learners += 1;
            summary.named += i64::from(learner.name.is_some());
        }
    }
    for result in &evidence.results {
        let cohort = cohort_of.get(result.learner as usize).copied().flatten();
        if let Some(summary) = cohort.and_then(|c| summaries.get_mut(c)) {
            summary.results += 1;
        }
    }
    summaries
}

/// Removes a cohort with its learners and results; false if there is none of that name.
pub fn remove_cohort(conn: &Connection, name: &str) -> Result<bool> {
    conn.execute("DELETE FROM evidence_results WHERE cohort = ?1", [name])?;
    conn.execute("DELETE FROM evidence_learners WHERE cohort = ?1", [name])?;
    Ok(conn.execute("DELETE FROM evidence_cohorts WHERE name = ?1", [name])? > 0)
}

/// The salt, creating the settings row (with the default policy) on first use.
pub fn ensure_salt(conn: &Connection, path: &Path) -> Result<Vec<u8>> {
    if let Some((salt, _)) = settings(conn, path)? {
        return Ok(salt);
    }
    let salt = super::new_salt();
    write_settings(conn, &salt, &Policy::default())?;
    Ok(salt)
}

fn write_settings(conn: &Connection, salt: &[u8], p: &Policy) -> Result<()> {
    conn.execute(
        "INSERT INTO evidence_settings (id, salt, points_possible, mastery_points, method, calculation_int, min_results)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET points_possible = ?2, mastery_points = ?3, method = ?4, calculation_int = ?5, min_results = ?6",
        params![salt, p.points_possible, p.mastery_points, p.method.as_str(), p.calculation_int, p.min_results],
    )?;
    Ok(())
}

/// Sets the curriculum's default policy (`objective` None) or one objective's override; `None`
/// as the policy removes an override.
pub fn set_policy(
    conn: &Connection,
    path: &Path,
    objective: Option<Uuid>,
    policy: Option<&Policy>,
) -> Result<()> {
    match (objective, policy) {
        (None, Some(p)) => {
            let salt = ensure_salt(conn, path)?;
            write_settings(conn, &salt, p)
        }
        (None, None) => Err(Error::Refused("the default policy cannot be removed, only changed".into())),
        (Some(id), None) => {
            conn.execute("DELETE FROM evidence_policies WHERE objective_id = ?1", [id.to_string()])?;
            Ok(())
        }
        (Some(id), Some(p)) => {
            conn.execute(
                "INSERT OR REPLACE INTO evidence_policies (objective_id, points_possible, mastery_points, method, calculation_int, min_results)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.to_string(), p.points_possible, p.mastery_points, p.method.as_str(), p.calculation_int, p.min_results],
            )?;
            Ok(())
        }
    }
}

/// One result read by an importer, before it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct NewResult {
    /// What was measured.
    pub target_kind: TargetKind,
    /// Its id.
    pub target_id: Uuid,
    /// The score.
    pub score: f64,
    /// Points possible, if known.
    pub points_possible: Option<f64>,
    /// When (seconds since the Unix epoch, UTC).
    pub at: Option<i64>,
    /// The attempt.
    pub attempt: Option<i64>,
    /// The line of the source.
    pub source_row: i64,
}

/// Writes one import into the open transaction: the cohort (created if new), its learners and
/// its results.
///
/// A result is keyed by (cohort, source, SHA-256 of learner, target and *attempt key*, cut to 16
/// bytes); the attempt key is what tells two results of one learner on one target apart in the
/// source (a statement id, a submission's assessment and attempt, a gradebook column). A result
/// whose key is stored already is left alone when its values are the same ("already") and
/// replaced when its score, points possible, time or attempt changed ("updated"), so importing a
/// file again changes nothing and importing a corrected export replaces the corrected results.
/// When one import holds two results with the same key (a source that does not tell them apart),
/// the later ones are keyed by their whole row instead and all are kept.
pub struct Writer<'c> {
    conn: &'c Connection,
    cohort: String,
    term: String,
    cohort_written: bool,
    /// The salt is new: the settings row is written with the first learner.
    new_salt: bool,
    source: Source,
    salt: Vec<u8>,
    keep_names: bool,
    learners: HashMap<String, String>,
    /// Keys (their first 8 bytes) written or matched by this import: a second result with the
    /// same key in one import is kept beside the first, not written over it.
    seen: std::collections::HashSet<u64>,
    /// The largest rowid of the results stored before this import (rows written by it are
    /// above).
    stored_before: i64,
    /// The SQL of the undo journal's trigger on inserted results, set aside while this import
    /// writes (see [`Writer::new`]); restored by [`Writer::finish`].
    insert_trigger: Option<String>,
    /// The cohort held no results of this source before this import.
    fresh: bool,
    /// Results written.
    pub added: u64,
    /// Results that were already stored with the same values.
    pub already: u64,
    /// Stored results replaced because the source changed their values.
    pub updated: u64,
}

/// The undo journal's trigger on inserted results (`crate::store::journal`).
const INSERT_TRIGGER: &str = "journal_evidence_results_insert";

/// Feeds one length-prefixed part of a result's key to `hash`.
fn hash_part(hash: &mut Sha256, part: &[u8]) {
    hash.update((part.len() as u64).to_le_bytes());
    hash.update(part);
}

impl<'c> Writer<'c> {
    /// Starts an import into `cohort` (created with `term`, when it does not exist, as the first
    /// learner is written).
    pub fn new(
        conn: &'c Connection,
        path: &Path,
        cohort: &str,
        term: &str,
        source: Source,
        keep_names: bool,
    ) -> Result<Writer<'c>> {
        let (salt, new_salt) = match settings(conn, path)? {
            Some((salt, _)) => (salt, false),
            None => (super::new_salt(), true),
        };
        let stored_before: i64 =
            conn.query_row("SELECT coalesce(max(rowid), 0) FROM evidence_results", [], |r| r.get(0))?;
        // The results an import inserts are journaled by one statement at its end (every row
        // above `stored_before`, see [`Writer::finish`]) instead of by the journal's trigger row
        // by row: a trigger makes each insert a statement of several writes, which SQLite guards
        // with a statement journal (a copy of every page the statement changes, written to a
        // temporary file), most of an import's time. New rows get the rowids above the largest,
        // so they are exactly the rows above `stored_before` (not so next to the largest
        // possible rowid: then the trigger stays).
        let insert_trigger: Option<String> = if stored_before < i64::MAX / 2 {
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_temp_master WHERE type = 'trigger' AND name = ?1",
                    [INSERT_TRIGGER],
                    |r| r.get(0),
                )
                .optional()?;
            // SQLite keeps a temporary trigger's SQL without its TEMP.
            sql.and_then(|s| {
                s.strip_prefix("CREATE TRIGGER ").map(|rest| format!("CREATE TEMP TRIGGER {rest}"))
            })
        } else {
            None
        };
        if insert_trigger.is_some() {
            conn.execute_batch(&format!("DROP TRIGGER temp.{INSERT_TRIGGER}"))?;
        }
        let fresh: bool = !conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM evidence_results WHERE cohort = ?1 AND source = ?2)",
            params![cohort, source.as_str()],
            |r| r.get(0),
        )?;
        Ok(Writer {
            insert_trigger,
            fresh,
            stored_before,
            new_salt,
            conn,
            cohort: cohort.to_owned(),
            term: term.to_owned(),
            cohort_written: false,
            source,
            salt,
            keep_names,
            learners: HashMap::new(),
            seen: std::collections::HashSet::new(),
            added: 0,
            already: 0,
            updated: 0,
        })
    }

    /// The pseudonym of a learner (stored on first sight); the name is kept only when asked.
    pub fn learner(&mut self, lms_id: &str, name: &str, section: &str) -> Result<String> {
        if let Some(p) = self.learners.get(lms_id) {
            return Ok(p.clone());
        }
        if !self.cohort_written {
            // Created with its first learner: an import that matched nothing leaves no cohort.
            self.conn.execute(
                "INSERT OR IGNORE INTO evidence_cohorts (name, term, source, imported_at) VALUES (?1, ?2, ?3, ?4)",
                params![self.cohort, self.term, self.source.as_str(), Timestamp::now().0],
            )?;
            self.cohort_written = true;
            if self.new_salt {
                write_settings(self.conn, &self.salt, &Policy::default())?;
            }
        }
        let p = pseudonym(&self.salt, lms_id);
        let name = (self.keep_names && !name.trim().is_empty()).then(|| name.trim());
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO evidence_learners (cohort, pseudonym, name, section) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (cohort, pseudonym) DO UPDATE SET name = coalesce(name, excluded.name)
             WHERE excluded.name IS NOT NULL AND name IS NULL",
        )?;
        stmt.execute(params![self.cohort, p, name, section.trim()])?;
        self.learners.insert(lms_id.to_owned(), p.clone());
        Ok(p)
    }

    /// Writes one result of `learner` (a pseudonym from [`Writer::learner`]). `attempt_key`
    /// tells this result apart from the learner's other results on the same target in the
    /// source; `row` is the source row's content, the key of a second result with the same
    /// attempt key in one import.
    pub fn result(&mut self, learner: &str, attempt_key: &[&str], row: &[&str], r: &NewResult) -> Result<()> {
        self.result_with_response(learner, attempt_key, row, r, None)
    }

    /// [`Writer::result`] with the learner's response to a quiz item (`None`: not known); a
    /// changed response replaces the stored result as a changed score does.
    pub fn result_with_response(
        &mut self,
        learner: &str,
        attempt_key: &[&str],
        row: &[&str],
        r: &NewResult,
        response: Option<&str>,
    ) -> Result<()> {
        let mut target = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let target: &str = r.target_id.hyphenated().encode_lower(&mut target);
        let mut hash = Sha256::new();
        for part in [learner.as_bytes(), r.target_kind.as_str().as_bytes(), target.as_bytes()]
            .into_iter()
            .chain(attempt_key.iter().map(|p| p.as_bytes()))
        {
            hash_part(&mut hash, part);
        }
        let identity: [u8; 32] = hash.finalize().into();
        let mut short = [0u8; 8];
        short.copy_from_slice(&identity[..8]);
        let first = self.seen.insert(u64::from_le_bytes(short));
        let key: [u8; 32] = if first {
            identity
        } else {
            let mut hash = Sha256::new();
            hash_part(&mut hash, &identity);
            hash_part(&mut hash, b"row");
            for part in row {
                hash_part(&mut hash, part.as_bytes());
            }
            hash.finalize().into()
        };
        let key = &key[..16];
        // A first key of this import that is stored already replaces the stored result when a
        // value changed; otherwise a result is inserted unless its key is stored (a repeated key
        // of this import is keyed by its row and only inserted). Into a cohort that held no
        // results of this source every first key is new: no look-up. The plain insert is one
        // write (no statement journal, no RETURNING table); an update is journaled by the
        // journal's trigger.
        if first && !self.fresh {
            let mut find = self.conn.prepare_cached(
                "SELECT rowid, score IS NOT ?4 OR points_possible IS NOT ?5 OR at IS NOT ?6 OR attempt IS NOT ?7
                   OR response IS NOT ?8
                 FROM evidence_results WHERE cohort = ?1 AND source = ?2 AND row_hash = ?3",
            )?;
            let stored: Option<(i64, bool)> = find
                .query_row(
                    params![
                        self.cohort,
                        self.source.as_str(),
                        key,
                        r.score,
                        r.points_possible,
                        r.at,
                        r.attempt,
                        response
                    ],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            match stored {
                Some((_, false)) => {
                    self.already += 1;
                    return Ok(());
                }
                Some((rowid, true)) => {
                    let mut update = self.conn.prepare_cached(
                        "UPDATE evidence_results SET score = ?2, points_possible = ?3, at = ?4, attempt = ?5,
                           source_row = ?6, response = ?7
                         WHERE rowid = ?1",
                    )?;
                    update.execute(params![
                        rowid,
                        r.score,
                        r.points_possible,
                        r.at,
                        r.attempt,
                        r.source_row,
                        response
                    ])?;
                    self.updated += 1;
                    return Ok(());
                }
                None => {}
            }
        }
        let mut insert = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO evidence_results
               (cohort, source, row_hash, learner, target_kind, target_id, score, points_possible, at, attempt, source_row, response)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let inserted = insert.execute(params![
            self.cohort,
            self.source.as_str(),
            key,
            learner,
            r.target_kind.as_str(),
            target,
            r.score,
            r.points_possible,
            r.at,
            r.attempt,
            r.source_row,
            response
        ])?;
        if inserted > 0 {
            self.added += 1;
        } else {
            self.already += 1;
        }
        Ok(())
    }

    /// Ends the import: journals the results it inserted (one undo row each, as the journal's
    /// trigger would have written them) and puts the trigger back. Call it before the
    /// transaction commits.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(sql) = self.insert_trigger.take() {
            self.conn.execute(
                "INSERT INTO journal (step, op, tbl, row_id, data)
                 SELECT trellis_step(), 'delete', 'evidence_results', rowid, '{}'
                 FROM evidence_results WHERE rowid > ?1 AND trellis_step() > 0 ORDER BY rowid",
                [self.stored_before],
            )?;
            self.conn.execute_batch(&sql)?;
        }
        Ok(())
    }
}

impl Drop for Writer<'_> {
    /// An import that failed before [`Writer::finish`] is rolled back, which restores the
    /// trigger with the rest; it is put back here as well, so the connection never goes on
    /// without it.
    fn drop(&mut self) {
        if let Some(sql) = self.insert_trigger.take() {
            let _ = self.conn.execute_batch(&sql);
        }
    }
}

/// Whether a cohort of this name exists.
pub fn has_cohort(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM evidence_cohorts WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rowid bounds come from the two ends of the results' b-tree: no step of the plan
    /// scans the table (one `min(rowid), max(rowid)` select did, every row of it).
    #[test]
    fn the_rowid_bounds_are_searched_not_scanned() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store =
            crate::store::Store::create(&dir.path().join("d.trellis"), &crate::model::Document::new("D"))?;
        let conn = store.connection();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {ROWID_BOUNDS}"))?;
        let steps: Vec<String> = stmt.query_map([], |r| r.get(3))?.collect::<rusqlite::Result<_>>()?;
        assert!(steps.iter().any(|s| s.starts_with("SEARCH evidence_results")), "{steps:?}");
        assert!(!steps.iter().any(|s| s.starts_with("SCAN evidence_results")), "{steps:?}");
        assert_eq!(rowid_bounds(conn)?, (0, -1), "no results");
        Ok(())
    }

    #[test]
    fn a_second_scan_needs_half_a_core_idle_beside_this_one() {
        assert!(spare(2, 0.3) && spare(2, 1.4) && spare(3, 2.4));
        assert!(!spare(2, 1.5) && !spare(2, 4.0) && !spare(3, 2.5) && !spare(2, f64::NAN));
        assert!(!spare(1, 0.0), "one core has none to spare");
    }
}
