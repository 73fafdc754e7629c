//! Evidence importers: one file per source, all streamed (CSV with the `csv` crate, xAPI
//! statement by statement) into one transaction and one undo step, each ending with an
//! [`ImportReport`] (results added, updated, already there, rows not matched and why, with the
//! first examples and their line numbers). On any error nothing is written. Results are keyed by
//! (cohort, source, learner, target and the source's attempt key; see
//! [`super::store::Writer`]), so importing the same file again changes nothing and a corrected
//! row replaces the result it corrects. [`lrs`] reads xAPI statements from an LRS over HTTP
//! through the same xAPI reader.
//!
//! Objectives are matched by id (also as `urn:trellis:objective:<id>`), then by code, then by
//! the title Trellis writes for a Canvas outcome (`code statement`, or the statement), then by
//! the statement; assessments by title. Sizes are checked at the door ([`Limits`]).

mod canvas_gradebook;
mod canvas_mastery;
mod canvas_outcomes;
pub mod lrs;
mod moodle_grades;
mod plain_csv;
mod xapi;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use uuid::Uuid;

use super::store::{NewResult, Writer};
use crate::model::Document;
use crate::store::Store;
use crate::{Error, Result};

/// Where evidence comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Canvas's Outcome Results report (CSV).
    CanvasOutcomes,
    /// A Canvas gradebook export (CSV).
    CanvasGradebook,
    /// xAPI statements (JSON array or JSON Lines).
    Xapi,
    /// The plain CSV: `learner, objective, score, points_possible, date`.
    Csv,
    /// Canvas's Learning Mastery Gradebook export (CSV, one row per student).
    CanvasMastery,
    /// Moodle's grade export (plain text file, CSV).
    MoodleGrades,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 6] = [
        Source::CanvasOutcomes,
        Source::CanvasGradebook,
        Source::Xapi,
        Source::Csv,
        Source::CanvasMastery,
        Source::MoodleGrades,
    ];

    /// The name used on the command line and in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::CanvasOutcomes => "canvas-outcomes",
            Source::CanvasGradebook => "canvas-gradebook",
            Source::Xapi => "xapi",
            Source::Csv => "csv",
            Source::CanvasMastery => "canvas-mastery",
            Source::MoodleGrades => "moodle-grades",
        }
    }

    /// The source a name means.
    pub fn parse(text: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Limits checked before and while reading a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest source file in bytes.
    pub max_bytes: u64,
    /// Most rows (or statements) in one source.
    pub max_rows: u64,
    /// Largest single field (or JSON statement) in bytes.
    pub max_field_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 1 << 30, max_rows: 10_000_000, max_field_bytes: 64 << 10 }
    }
}

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The cohort to import into (default: the source file's name without extension).
    pub cohort: Option<String>,
    /// Term or section of a new cohort.
    pub term: String,
    /// Keep learners' names (otherwise only pseudonyms are stored).
    pub keep_names: bool,
    /// Size limits.
    pub limits: Limits,
}

/// Rows not matched for one reason.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "UnmatchedRows"))]
pub struct Unmatched {
    /// Why.
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first few, as (line, what the row named).
    pub examples: Vec<(u64, String)>,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "EvidenceImportReport"))]
pub struct ImportReport {
    /// The source.
    pub source: String,
    /// The cohort imported into.
    pub cohort: String,
    /// Data rows (or statements) read.
    pub rows: u64,
    /// Results written.
    pub added: u64,
    /// Results already in the document (an earlier import of the same rows).
    pub already: u64,
    /// Stored results replaced by a changed row (same learner, target and attempt, another
    /// score, points possible or time).
    pub updated: u64,
    /// Learners seen in matched rows.
    pub learners: u64,
    /// Rows without a result (an empty score cell), not counted as unmatched.
    pub empty: u64,
    /// Columns of the source that were not read.
    pub ignored_columns: Vec<String>,
    /// Rows that could not be matched, by reason.
    pub unmatched: Vec<Unmatched>,
    /// Assumptions the import made (points possible taken from the design, scores taken to be
    /// on the objective's scale, …).
    pub notes: Vec<String>,
}

/// Examples kept per reason.
const EXAMPLES: usize = 5;

impl ImportReport {
    /// Records a row not matched.
    pub fn unmatched(&mut self, reason: &str, line: u64, what: &str) {
        let entry = match self.unmatched.iter_mut().position(|u| u.reason == reason) {
            Some(i) => &mut self.unmatched[i],
            None => {
                self.unmatched.push(Unmatched { reason: reason.to_owned(), ..Unmatched::default() });
                let last = self.unmatched.len() - 1;
                &mut self.unmatched[last]
            }
        };
        entry.count += 1;
        if entry.examples.len() < EXAMPLES {
            let short: String = what.chars().take(80).collect();
            entry.examples.push((line, short));
        }
    }

    /// Rows not matched, over all reasons.
    pub fn unmatched_rows(&self) -> u64 {
        self.unmatched.iter().map(|u| u.count).sum()
    }

    /// The report as text lines, for the CLI.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Imported {} into cohort \"{}\": {} rows read, {} results added, {} updated, {} already there, {} learners",
            self.source, self.cohort, self.rows, self.added, self.updated, self.already, self.learners
        );
        if self.empty > 0 {
            out.push_str(&format!(", {} empty cells skipped", self.empty));
        }
        out.push('\n');
        if !self.ignored_columns.is_empty() {
            out.push_str(&format!("  columns not read: {}\n", self.ignored_columns.join(", ")));
        }
        for u in &self.unmatched {
            out.push_str(&format!("  {} rows not matched: {}\n", u.count, u.reason));
            for (line, what) in &u.examples {
                out.push_str(&format!("    line {line}: {what}\n"));
            }
        }
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        out
    }
}

/// Looks objectives and assessments of the design up by the names sources use.
pub(crate) struct Matcher {
    by_id: HashMap<Uuid, Uuid>,
    by_name: HashMap<String, Uuid>,
    assessments: HashMap<String, (Uuid, Option<f64>)>,
    assessment_ids: HashMap<Uuid, Option<f64>>,
    items: HashMap<Uuid, f64>,
}

fn key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Matcher {
    pub(crate) fn new(doc: &Document) -> Matcher {
        let mut by_name = HashMap::new();
        // Later keys do not replace earlier ones: codes win over titles, titles over statements.
        let mut add = |k: String, id: Uuid| {
            if !k.is_empty() {
                by_name.entry(k).or_insert(id);
            }
        };
        for o in &doc.objectives {
            add(key(&o.code), o.id.0);
        }
        for o in &doc.objectives {
            add(key(&canvas_title(&o.code, &o.statement)), o.id.0);
        }
        for o in &doc.objectives {
            add(key(&o.statement), o.id.0);
        }
        let by_id = doc.objectives.iter().map(|o| (o.id.0, o.id.0)).collect();
        let mut assessments = HashMap::new();
        for a in &doc.assessments {
            assessments.entry(key(&a.title)).or_insert((a.id.0, a.points));
        }
        let assessment_ids = doc.assessments.iter().map(|a| (a.id.0, a.points)).collect();
        let items = doc.assessments.iter().flat_map(|a| &a.items).map(|i| (i.id.0, i.points)).collect();
        Matcher { by_id, by_name, assessments, assessment_ids, items }
    }

    /// The objective an id names (a UUID, or `urn:trellis:objective:<uuid>`).
    pub(crate) fn objective_by_id(&self, text: &str) -> Option<Uuid> {
        let text = text.trim();
        let id = text.strip_prefix("urn:trellis:objective:").unwrap_or(text);
        Uuid::parse_str(id).ok().and_then(|id| self.by_id.get(&id).copied())
    }

    /// The objective an id, code, exported Canvas title or statement names.
    pub(crate) fn objective(&self, text: &str) -> Option<Uuid> {
        self.objective_by_id(text).or_else(|| self.by_name.get(&key(text)).copied())
    }

    /// The assessment a title names, with its points.
    pub(crate) fn assessment(&self, title: &str) -> Option<(Uuid, Option<f64>)> {
        self.assessments.get(&key(title)).copied()
    }

    /// An assessment by id, with its points.
    pub(crate) fn assessment_by_id(&self, id: Uuid) -> Option<Option<f64>> {
        self.assessment_ids.get(&id).copied()
    }

    /// A quiz item by id, with its points.
    pub(crate) fn item(&self, id: Uuid) -> Option<f64> {
        self.items.get(&id).copied()
    }
}

/// The title Trellis's Canvas export gives an objective's outcome (see
/// `src/export/common_cartridge/canvas.rs`): `code statement`, or the statement alone, cut to 250
/// characters.
pub fn canvas_title(code: &str, statement: &str) -> String {
    let statement = statement.trim();
    let title =
        if code.trim().is_empty() { statement.to_owned() } else { format!("{} {statement}", code.trim()) };
    if title.chars().count() > 250 { title.chars().take(249).collect::<String>() + "…" } else { title }
}

/// Imports `path` (read as `source`) into the document open in `store`, whose design is `doc`,
/// as one undo step. Nothing is written when it fails or matches nothing new.
pub fn import(
    store: &mut Store,
    doc: &Document,
    source: Source,
    path: &Path,
    options: &Options,
) -> Result<ImportReport> {
    import_with_task(store, doc, source, path, options, &crate::task::Task::quiet("the evidence import"))
}

/// Imports like [`import`], reporting the bytes read to `task` and stopping, with nothing
/// written, once it is cancelled ([`Error::Cancelled`]).
pub fn import_with_task(
    store: &mut Store,
    doc: &Document,
    source: Source,
    path: &Path,
    options: &Options,
    task: &crate::task::Task<'_>,
) -> Result<ImportReport> {
    let len = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if len > options.limits.max_bytes {
        return Err(Error::Refused(format!(
            "{}: the file is {} MB, more than the {} MB an evidence import reads",
            path.display(),
            len >> 20,
            options.limits.max_bytes >> 20
        )));
    }
    let cohort = match &options.cohort {
        Some(c) if !c.trim().is_empty() => c.trim().to_owned(),
        Some(_) => return Err(Error::Refused("the cohort name is empty".into())),
        None => path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "cohort".into()),
    };
    let matcher = Matcher::new(doc);
    let doc_path = store.path().to_owned();
    let label = format!("Import {} evidence into cohort {cohort}", source.as_str());
    store.apply_with(&label, |tx| {
        // A larger page cache (48 MB) while the import runs: results are keyed by a hash, so
        // their index is written in random order (restored afterwards). The memory it used stays
        // with the process after the import, so it is kept at half of the 96 MB it once was:
        // 1,000,000 rows import about as fast, and loading and mastery after them peak 57 MB
        // lower (BENCHMARKS.md).
        let cache: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        tx.pragma_update(None, "cache_size", -49_152)?;
        let result = import_into(tx, &doc_path, &cohort, source, path, &matcher, options, task, len);
        tx.pragma_update(None, "cache_size", cache)?;
        match result {
            Err(_) if task.is_cancelled() => Err(task.cancelled()),
            other => other,
        }
    })
}

/// Reads `path` into the open transaction.
#[allow(clippy::too_many_arguments)]
fn import_into(
    tx: &rusqlite::Transaction<'_>,
    doc_path: &Path,
    cohort: &str,
    source: Source,
    path: &Path,
    matcher: &Matcher,
    options: &Options,
    task: &crate::task::Task<'_>,
    len: u64,
) -> Result<ImportReport> {
    let mut writer = Writer::new(tx, doc_path, cohort, &options.term, source, options.keep_names)?;
    let mut report =
        ImportReport { source: source.as_str().into(), cohort: cohort.to_owned(), ..ImportReport::default() };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let file = crate::task::ProgressRead::new(file, task, len, format!("Reading {name}"));
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut sink = Sink { writer: &mut writer, report: &mut report, learners: HashMap::new() };
    let name = path.display().to_string();
    let limits = &options.limits;
    match source {
        Source::CanvasOutcomes => canvas_outcomes::read(reader, &name, matcher, limits, &mut sink)?,
        Source::CanvasGradebook => canvas_gradebook::read(reader, &name, matcher, limits, &mut sink)?,
        Source::Xapi => xapi::read(reader, &name, matcher, limits, &mut sink)?,
        Source::Csv => plain_csv::read(reader, &name, matcher, limits, &mut sink)?,
        Source::CanvasMastery => canvas_mastery::read(reader, &name, matcher, limits, &mut sink)?,
        Source::MoodleGrades => moodle_grades::read(reader, &name, matcher, limits, &mut sink)?,
    }
    sink.finish()?;
    Ok(report)
}

/// What the readers hand their results to.
pub(crate) struct Sink<'a, 'c> {
    writer: &'a mut Writer<'c>,
    report: &'a mut ImportReport,
    learners: HashMap<String, String>,
}

impl Sink<'_, '_> {
    /// Ends the writer's import (journals the results it inserted, see [`Writer::finish`]) and
    /// copies its counts into the report.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.writer.finish()?;
        self.report.learners = self.learners.len() as u64;
        self.report.added = self.writer.added;
        self.report.already = self.writer.already;
        self.report.updated = self.writer.updated;
        Ok(())
    }

    /// Writes one matched result of the learner with `lms_id`: `attempt_key` tells it apart
    /// from the learner's other results on the same target in this source, `row` is the source
    /// row (see [`Writer::result`]).
    pub(crate) fn result(
        &mut self,
        lms_id: &str,
        name: &str,
        section: &str,
        attempt_key: &[&str],
        row: &[&str],
        result: &NewResult,
    ) -> Result<()> {
        self.result_with_response(lms_id, name, section, attempt_key, row, result, None)
    }

    /// [`Sink::result`] with the learner's response to a quiz item, when the source gives it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn result_with_response(
        &mut self,
        lms_id: &str,
        name: &str,
        section: &str,
        attempt_key: &[&str],
        row: &[&str],
        result: &NewResult,
        response: Option<&str>,
    ) -> Result<()> {
        let pseudonym = match self.learners.get(lms_id) {
            Some(p) => p.clone(),
            None => {
                let p = self.writer.learner(lms_id, name, section)?;
                self.learners.insert(lms_id.to_owned(), p.clone());
                p
            }
        };
        self.writer.result_with_response(&pseudonym, attempt_key, row, result, response)
    }

    pub(crate) fn report(&mut self) -> &mut ImportReport {
        self.report
    }
}

/// A CSV reader over `input` with the limits applied by the callers (flexible rows: exports
/// often have fewer cells than headers).
pub(crate) fn csv_reader<R: std::io::Read>(input: R) -> csv::Reader<CrLf<R>> {
    csv_reader_with(input, b',')
}

/// [`csv_reader`] with another field separator.
pub(crate) fn csv_reader_with<R: std::io::Read>(input: R, delimiter: u8) -> csv::Reader<CrLf<R>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(CrLf { inner: input, last_cr: false })
}

/// Reads `\r\n` (and a lone `\r`) as `\n`: the CSV reader counts a record's line before it
/// consumes the `\n` of a `\r\n`, so without this every line number of a Windows file would be
/// one short.
pub(crate) struct CrLf<R> {
    inner: R,
    /// The last byte read was `\r` (a `\n` right after it is dropped).
    last_cr: bool,
}

impl<R: std::io::Read> std::io::Read for CrLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut out = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' && self.last_cr {
                    self.last_cr = false;
                    continue;
                }
                self.last_cr = b == b'\r';
                buf[out] = if b == b'\r' { b'\n' } else { b };
                out += 1;
            }
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

/// Opens a spreadsheet export whose separator is one of `candidates` (told from its header
/// line, see [`sniff_separator`]): the reader, positioned after the header row, and that row.
pub(crate) fn open_sniffed<R: std::io::Read>(
    input: R,
    candidates: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<(csv::Reader<CrLf<std::io::BufReader<R>>>, csv::StringRecord)> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let separator = sniff_separator(&mut input, candidates, name)?;
    let mut reader = csv_reader_with(input, separator);
    let headers = header_row(&mut reader, name, limits)?;
    Ok((reader, headers))
}

/// The field separator of a CSV export whose first line is at the start of `input`: the one of
/// `candidates` found most often outside quotes in that line (`,` when none is). Exports that
/// follow the user's locale use `;` (Canvas with semicolon separators, Moodle's "semicolon"),
/// a tab or `:` (Moodle's other choices). Reads ahead without consuming.
pub(crate) fn sniff_separator<R: std::io::BufRead>(
    input: &mut R,
    candidates: &[u8],
    name: &str,
) -> Result<u8> {
    let buf = input.fill_buf().map_err(|e| Error::io(name, e))?;
    let mut counts = vec![0usize; candidates.len()];
    let mut quoted = false;
    for &b in buf {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = counts.iter().enumerate().max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)));
    Ok(match best {
        Some((i, n)) if *n > 0 => candidates[i],
        _ => b',',
    })
}

/// Reads the next CSV record, turning a CSV error into one that names the file and line and
/// checking the row count and field sizes.
pub(crate) fn next_record<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    name: &str,
    limits: &Limits,
    rows: u64,
) -> Result<bool> {
    let more = reader.read_record(record).map_err(|e| {
        let line = e.position().map_or(0, |p| p.line());
        let what = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
            _ => format!("cannot be read as CSV ({e})"),
        };
        Error::Parse { source_name: format!("{name}:{line}"), message: format!("the row {what}") }
    })?;
    if more {
        if rows >= limits.max_rows {
            return Err(Error::Refused(format!(
                "{name}: more than {} rows; an evidence import reads at most that many",
                limits.max_rows
            )));
        }
        if let Some(big) = record.iter().find(|f| f.len() > limits.max_field_bytes) {
            let line = record.position().map_or(0, |p| p.line());
            return Err(Error::Parse {
                source_name: format!("{name}:{line}"),
                message: format!(
                    "a cell holds {} bytes, more than the {} an evidence import reads",
                    big.len(),
                    limits.max_field_bytes
                ),
            });
        }
    }
    Ok(more)
}

/// Reads the next data row after the header into `record` and answers its line, or `None` at
/// the end. Blank rows are passed over; `rows` counts every record read, blank or not, for the
/// row limit.
pub(crate) fn next_data_row<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    name: &str,
    limits: &Limits,
    rows: &mut u64,
) -> Result<Option<u64>> {
    while next_record(reader, record, name, limits, *rows)? {
        *rows += 1;
        if !record.iter().all(str::is_empty) {
            return Ok(Some(record.position().map_or(0, |p| p.line())));
        }
    }
    Ok(None)
}

/// An error in the header row of `name` (line 1): a column missing, unknown or given twice, or a
/// file that is not the export it was read as.
pub(crate) fn header_error(name: &str, message: impl Into<String>) -> Error {
    Error::Parse { source_name: format!("{name}:1"), message: message.into() }
}

/// The first `n` headers, `, `-separated, for an error that says what the file holds instead.
pub(crate) fn first_headers(headers: &csv::StringRecord, n: usize) -> String {
    headers.iter().take(n).collect::<Vec<_>>().join(", ")
}

/// The first column whose header is one of `keys` (each a [`header_key`]).
pub(crate) fn column_of(headers: &csv::StringRecord, keys: &[&str]) -> Option<usize> {
    headers.iter().position(|h| keys.contains(&header_key(h).as_str()))
}

/// The header row of a CSV source (the first record), or an error naming the file when it is
/// empty.
pub(crate) fn header_row<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    name: &str,
    limits: &Limits,
) -> Result<csv::StringRecord> {
    let mut record = csv::StringRecord::new();
    if !next_record(reader, &mut record, name, limits, 0)? {
        return Err(Error::Parse {
            source_name: name.into(),
            message: "the file is empty (expected a header row)".into(),
        });
    }
    Ok(record)
}

/// Normalises a header for matching: lowercase, `_` and runs of spaces as one space.
pub(crate) fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A number from a cell (`,` as decimal separator accepted when it is the only separator).
pub(crate) fn number(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    let parsed = cell.parse::<f64>().ok().or_else(|| {
        (cell.matches(',').count() == 1 && !cell.contains('.'))
            .then(|| cell.replace(',', ".").parse().ok())
            .flatten()
    })?;
    parsed.is_finite().then_some(parsed)
}

/// Seconds since the Unix epoch of a date or date-time: `YYYY-MM-DD`, optionally followed by `T`
/// or a space and `HH:MM[:SS[.fff]]`, optionally followed by `Z`, `UTC` or an offset `±HH:MM` /
/// `±HHMM` (no offset: UTC).
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    let b = t.as_bytes();
    let digits = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let mut rest = t[10..].trim_start_matches(['T', ' ']);
    if rest.len() >= 5 && rest.as_bytes()[2] == b':' {
        let rb = rest.as_bytes();
        let (hh, mm) = (digits(&rb[0..2])?, digits(&rb[3..5])?);
        let mut ss = 0;
        rest = &rest[5..];
        if rest.starts_with(':') && rest.len() >= 3 {
            ss = digits(&rest.as_bytes()[1..3])?;
            rest = &rest[3..];
            if let Some(frac) = rest.strip_prefix('.') {
                rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
            }
        }
        if hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        secs += hh * 3600 + mm * 60 + ss;
    }
    let rest = rest.trim();
    if rest.is_empty() || rest == "Z" || rest.eq_ignore_ascii_case("utc") {
        return Some(secs);
    }
    let sign = match rest.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let off = rest[1..].replace(':', "");
    if off.len() != 4 {
        return None;
    }
    let (oh, om) = (digits(&off.as_bytes()[0..2])?, digits(&off.as_bytes()[2..4])?);
    Some(secs - sign * (oh * 3600 + om * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
