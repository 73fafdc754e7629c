//! Evidence of learning as whole jobs the desktop app and the CLI share: telling which LMS or
//! LRS export a file is ([`detect`]), importing it with progress and cancellation
//! ([`import_file`]), reading the statements of a Learning Record Store over http or https with
//! progress and cancellation ([`import_lrs`]), removing a cohort ([`remove_cohort`]) and setting a mastery policy
//! ([`set_policy`]), each one undo step of the document's journal. The importers, the mastery
//! methods and the analysis are in [`crate::evidence`]; formats and rules: `docs/evidence.md`.

use std::io::Read;
use std::path::Path;

use uuid::Uuid;

use crate::evidence::import::lrs::{LrsLimits, LrsQuery};
use crate::evidence::import::{self, ImportReport, Options, Source};
use crate::evidence::{Policy, store as evidence_store};
use crate::model::Document;
use crate::store::Store;
use crate::task::Task;
use crate::{Error, Result};

/// Bytes read from the start of a file to tell its format.
const SNIFF_BYTES: usize = 64 << 10;

/// A header cell compared without case, spaces, `_` or `-`.
fn header_key(cell: &str) -> String {
    cell.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which source `path` is, from its first bytes: a JSON array or object, or JSON Lines, is xAPI;
/// a CSV is told by its header row — `outcome score` or `learning outcome …` columns are Canvas
/// Outcome Results, `learner`, `objective` and `score` the plain CSV, `Student` (or
/// `LastName`/`FirstName`) with `ID`/`SIS User ID` a Canvas gradebook, `Student name` with
/// `… result` or `… mastery points` columns Canvas's Learning Mastery Gradebook, `First name`,
/// `Last name` and `Email address` or `ID number` Moodle's grade export (comma, tab or
/// semicolon separated). A file that matches none is refused with its first line, so the user
/// can choose the format instead.
pub fn detect(path: &Path) -> Result<Source> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return Err(Error::Refused(format!("{}: the file is empty", path.display())));
    }
    if text.starts_with('[') || text.starts_with('{') {
        return Ok(Source::Xapi);
    }
    let first = text.lines().next().unwrap_or("");
    // Moodle lets the user pick the separator; the most frequent of these in the header wins.
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(first.as_bytes());
    let header: Vec<String> = reader
        .records()
        .next()
        .and_then(|r| r.ok())
        .map(|r| r.iter().map(header_key).collect())
        .unwrap_or_default();
    let has = |k: &str| header.iter().any(|h| h == k);
    // Sources are named, so one the library does not (yet) have is simply not found.
    let named = |name: &str| Source::parse(name);
    let found = if has("outcomescore") || has("learningoutcomename") || has("learningoutcomevendorguid") {
        Some(Source::CanvasOutcomes)
    } else if has("learner") && has("objective") && has("score") {
        Some(Source::Csv)
    } else if has("studentname")
        && header.iter().any(|h| h.ends_with("result") || h.ends_with("masterypoints"))
    {
        named("canvas-mastery")
    } else if has("firstname") && has("lastname") && (has("emailaddress") || has("idnumber")) {
        named("moodle-grades")
    } else if (has("student") || (has("lastname") && has("firstname")))
        && (has("id") || has("sisuserid") || has("sisloginid"))
    {
        Some(Source::CanvasGradebook)
    } else {
        None
    };
    found.ok_or_else(|| {
        let shown: String = first.chars().take(120).collect();
        Error::Refused(format!(
            "{}: the format could not be told from its first line ({shown:?}); choose the format",
            path.display()
        ))
    })
}

/// Imports `path` into the document open in `store` (whose design is `doc`) as one undo step:
/// read as `source`, or as what [`detect`] finds. Progress goes to `task`: telling the format,
/// then the bytes read (every mebibyte), then done; a cancel ends it with [`Error::Cancelled`]
/// and nothing written, whenever it arrives before the import's transaction commits (the
/// reader fails at its next read and the transaction is rolled back).
pub fn import_file(
    store: &mut Store,
    doc: &Document,
    path: &Path,
    source: Option<Source>,
    options: &Options,
    task: &Task<'_>,
) -> Result<ImportReport> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    task.stage(0, 3, format!("Reading {name}"))?;
    let source = match source {
        Some(s) => s,
        None => detect(path)?,
    };
    task.stage(1, 3, format!("Importing {name} as {}", source.as_str()))?;
    let report = import::import_with_task(store, doc, source, path, options, task)?;
    task.report(crate::task::Progress { done: 3, total: 3, message: "Done".into() });
    Ok(report)
}

/// Reads the xAPI statements `query` selects from a Learning Record Store into the document open
/// in `store` (whose design is `doc`) as one undo step, within `limits`. Progress goes to
/// `task`: connecting, then the statements read after each page, then done; a cancel ends it
/// with [`Error::Cancelled`] before the next page is asked for, and nothing is written (the
/// import is one transaction). The password in `query` is used for this import only: nothing
/// here stores it.
pub fn import_lrs(
    store: &mut Store,
    doc: &Document,
    query: &LrsQuery,
    limits: &LrsLimits,
    options: &Options,
    task: &Task<'_>,
) -> Result<ImportReport> {
    task.stage(0, 1, format!("Connecting to {}", query.endpoint.trim()))?;
    let report = import::lrs::import_with_task(store, doc, query, limits, options, task)?;
    let n = report.rows;
    task.report(crate::task::Progress { done: n.max(1), total: n.max(1), message: "Done".into() });
    Ok(report)
}

/// Removes the cohort `name` with its learners and results, as one undo step; `NotFound` when
/// the document has no cohort of that name (nothing is recorded then).
pub fn remove_cohort(store: &mut Store, name: &str) -> Result<()> {
    let path = store.path().to_owned();
    let label = format!("Remove cohort {name}");
    store.apply_with(&label, |tx| {
        if evidence_store::remove_cohort(tx, name)? {
            Ok(())
        } else {
            Err(Error::NotFound { kind: "cohort", id: format!("{name:?} in {}", path.display()) })
        }
    })
}

/// Sets the curriculum's default mastery policy (`objective` None) or one objective's override
/// (`policy` None removes the override), checked first, as one undo step. An objective that is
/// not in `doc` is refused.
pub fn set_policy(
    store: &mut Store,
    doc: &Document,
    objective: Option<Uuid>,
    policy: Option<&Policy>,
) -> Result<()> {
    let place = match objective {
        Some(id) => {
            let o = doc
                .objectives
                .iter()
                .find(|o| o.id.0 == id)
                .ok_or_else(|| Error::NotFound { kind: "objective", id: id.to_string() })?;
            if o.code.is_empty() {
                format!("the policy of objective {id}")
            } else {
                format!("the policy of {}", o.code)
            }
        }
        None => "the default policy".to_owned(),
    };
    if let Some(p) = policy {
        p.validate(&place)?;
    }
    let path = store.path().to_owned();
    let label = match (objective, policy) {
        (Some(_), None) => format!("Remove {place}"),
        _ => format!("Set {place}"),
    };
    store.apply_with(&label, |tx| evidence_store::set_policy(tx, &path, objective, policy))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn each_source_is_told_by_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("\u{feff}Student name,Student ID,Learning outcome name,Outcome score\n", Source::CanvasOutcomes),
            ("student_id,learning_outcome_vendor_guid,outcome_score\n", Source::CanvasOutcomes),
            ("learner,objective,score,points_possible\n", Source::Csv),
            ("Student,ID,SIS User ID,Section,Quiz 1 (12)\n", Source::CanvasGradebook),
            ("  [{\"actor\": {}}]", Source::Xapi),
            ("{\"id\": \"x\"}\n{\"id\": \"y\"}\n", Source::Xapi),
        ];
        let mut cases = cases.to_vec();
        if let Some(mastery) = Source::parse("canvas-mastery") {
            cases.push(("Student name,Student ID,Section,Course > Outcome 1 result,Course > Outcome 1 mastery points\n", mastery));
        }
        if let Some(moodle) = Source::parse("moodle-grades") {
            cases.push(("First name\tLast name\tID number\tEmail address\tQuiz: Q1 (Real)\n", moodle));
        }
        for (i, (text, source)) in cases.into_iter().enumerate() {
            let path = write(dir.path(), &format!("f{i}"), text);
            assert_eq!(detect(&path).unwrap(), source, "{text:?}");
        }
        let odd = write(dir.path(), "odd.csv", "name,grade\n");
        let err = detect(&odd).unwrap_err().to_string();
        assert!(
            err.contains("odd.csv") && err.contains("name,grade") && err.contains("choose the format"),
            "{err}"
        );
        let empty = write(dir.path(), "empty.csv", "");
        assert!(detect(&empty).unwrap_err().to_string().contains("empty"));
    }
}
