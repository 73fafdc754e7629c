//! Canvas's Outcome Results report (CSV, one row per result): `student name`, `student id`,
//! `assessment title`, `learning outcome id`, `learning outcome name`, `outcome score`,
//! `learning outcome points possible`, `submission date`, `attempt`, `section name`, … (header
//! names are matched ignoring case, `_` and spaces). The outcome is matched by its vendor GUID
//! (Trellis exports the objective id there) when a column holds one, else by its name as Trellis
//! exports it (`code statement`), its code or its statement. The assessment or assignment
//! columns (`assessment title`/`id`, `assignment title`/`id`), the attempt and the submission
//! date tell one student's results on one outcome apart: a regraded row replaces the result it
//! regrades. Columns the importer does not read are listed in the report; a missing required
//! column is refused, naming the expected ones.

use std::io::Read;

use super::{
    Limits, Matcher, Sink, csv_reader, header_error, header_key, header_row, next_data_row, number,
    parse_time,
};
use crate::Result;
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;

/// Columns read: (role, accepted header names).
const COLUMNS: &[(&str, &[&str])] = &[
    ("student id", &["student id", "user id"]),
    ("student name", &["student name", "user name"]),
    (
        "outcome guid",
        &["learning outcome vendor guid", "learning outcome guid", "vendor guid", "outcome vendor guid"],
    ),
    ("outcome name", &["learning outcome name", "outcome name", "learning outcome title"]),
    ("outcome score", &["outcome score", "learning outcome score", "learning outcome rating points"]),
    ("points possible", &["learning outcome points possible", "outcome points possible"]),
    ("submission date", &["submission date", "submitted at", "assessed at"]),
    ("attempt", &["attempt"]),
    ("section", &["section name", "section"]),
    (
        "assessment",
        &["assessment title", "assessment id", "assessment question id", "assignment title", "assignment id"],
    ),
];

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    let mut reader = csv_reader(input);
    let mut record = header_row(&mut reader, name, limits)?;
    let mut at: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    let mut assessment_cols = Vec::new();
    for (i, h) in record.iter().enumerate() {
        let k = header_key(h);
        match COLUMNS.iter().position(|(_, names)| names.contains(&k.as_str())) {
            // Part of the result's identity (which submission), not needed to match it.
            Some(c) if COLUMNS[c].0 == "assessment" => assessment_cols.push(i),
            Some(c) if at[c].is_none() => at[c] = Some(i),
            _ => sink.report().ignored_columns.push(h.to_owned()),
        }
    }
    let has = |role: &str| COLUMNS.iter().position(|(r, _)| *r == role).and_then(|c| at[c]);
    let expected = || {
        COLUMNS.iter().filter(|(r, _)| *r != "assessment").map(|(_, n)| n[0]).collect::<Vec<_>>().join(", ")
    };
    for role in ["student id", "outcome score"] {
        if has(role).is_none() {
            return Err(header_error(
                name,
                format!(
                    "not a Canvas Outcome Results report: no \"{role}\" column; expected the columns {}",
                    expected()
                ),
            ));
        }
    }
    if has("outcome guid").is_none() && has("outcome name").is_none() {
        return Err(header_error(
            name,
            format!(
                "not a Canvas Outcome Results report: no \"learning outcome name\" (or vendor guid) column; expected the columns {}",
                expected()
            ),
        ));
    }
    let col = |role: &str| has(role);
    let (id_c, name_c, guid_c, oname_c, score_c, pp_c, date_c, attempt_c, section_c) = (
        col("student id"),
        col("student name"),
        col("outcome guid"),
        col("outcome name"),
        col("outcome score"),
        col("points possible"),
        col("submission date"),
        col("attempt"),
        col("section"),
    );
    let get = |r: &csv::StringRecord, c: Option<usize>| -> String {
        c.and_then(|i| r.get(i)).unwrap_or("").to_owned()
    };
    let mut rows = 0;
    while let Some(line) = next_data_row(&mut reader, &mut record, name, limits, &mut rows)? {
        sink.report().rows += 1;
        let student = get(&record, id_c);
        let guid = get(&record, guid_c);
        let outcome = get(&record, oname_c);
        if student.is_empty() {
            sink.report().unmatched("no student id", line, &outcome);
            continue;
        }
        let score_text = get(&record, score_c);
        if score_text.is_empty() {
            sink.report().empty += 1;
            continue;
        }
        let target = (!guid.is_empty())
            .then(|| matcher.objective_by_id(&guid))
            .flatten()
            .or_else(|| matcher.objective(&outcome));
        let Some(target) = target else {
            let what = if outcome.is_empty() { &guid } else { &outcome };
            sink.report().unmatched(
                "unknown outcome (no objective has its vendor guid, title, code or statement)",
                line,
                what,
            );
            continue;
        };
        let Some(score) = number(&score_text) else {
            sink.report().unmatched("outcome score is not a number", line, &score_text);
            continue;
        };
        let pp_text = get(&record, pp_c);
        let points_possible = number(&pp_text).filter(|p| *p > 0.0);
        if !pp_text.is_empty() && points_possible.is_none() {
            sink.report().unmatched("points possible is not a number above 0", line, &pp_text);
            continue;
        }
        let date = get(&record, date_c);
        let result = NewResult {
            target_kind: TargetKind::Objective,
            target_id: target,
            score,
            points_possible,
            at: parse_time(&date),
            attempt: number(&get(&record, attempt_c)).map(|a| a as i64),
            source_row: line as i64,
        };
        // One result per learner, outcome, assessment, attempt and submission: a regraded row
        // replaces the result it regrades.
        let mut attempt_key: Vec<&str> =
            assessment_cols.iter().map(|&i| record.get(i).unwrap_or("")).collect();
        attempt_key.push(record.get(attempt_c.unwrap_or(usize::MAX)).unwrap_or(""));
        attempt_key.push(&date);
        let row: Vec<&str> = record.iter().collect();
        sink.result(&student, &get(&record, name_c), &get(&record, section_c), &attempt_key, &row, &result)?;
    }
    Ok(())
}
