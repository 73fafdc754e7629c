//! Canvas's Learning Mastery Gradebook export ("Export report", CSV, one row per student):
//! `Student name`, `Student ID`, `Student SIS ID` (`N/A` when none; older exports lack it),
//! then two columns per outcome, `<group path> > <outcome title> result` and `… mastery points`
//! (the path's parts joined by ` > `). Canvas writes the file with `,`, or `;` when the user asked
//! for semicolon separators, and may start it with a byte order mark; both are accepted, and
//! headers are matched ignoring case and runs of spaces.
//!
//! Each `result` column is matched to an objective by its outcome title (the last part of the
//! path, or more of it when the title holds ` > `), as code, exported title, statement or id;
//! a column naming no objective is reported by name. A cell is the student's rolled-up score
//! (Canvas's calculation method already applied), stored as one result on the objective's point
//! scale (the export has no points possible). `mastery points` columns are not read: the
//! document's policy decides mastery.

use std::io::Read;

use uuid::Uuid;

use super::{
    Limits, Matcher, Sink, column_of, first_headers, header_error, next_data_row, number, open_sniffed,
};
use crate::Result;
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;

/// The objective a `<group path> > <outcome title>` names: the last part first, then longer
/// tails of the path, then the whole header text.
fn outcome(matcher: &Matcher, path: &str) -> Option<Uuid> {
    let parts: Vec<&str> = path.split(" > ").collect();
    (1..=parts.len()).map(|k| parts[parts.len() - k..].join(" > ")).find_map(|tail| matcher.objective(&tail))
}

/// `header` without a suffix (matched ignoring case), trimmed.
fn strip_suffix_ci<'a>(header: &'a str, suffix: &str) -> Option<&'a str> {
    let h = header.trim_end();
    let cut = h.len().checked_sub(suffix.len())?;
    (h.is_char_boundary(cut) && h[cut..].eq_ignore_ascii_case(suffix)).then(|| h[..cut].trim())
}

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    let (mut reader, headers) = open_sniffed(input, b",;\t", name, limits)?;
    let mut record = headers.clone();
    let pos = |keys: &[&str]| column_of(&headers, keys);
    let id_col = pos(&["student id", "user id", "id"]);
    let sis_col = pos(&["student sis id", "sis user id", "sis id"]);
    let name_col = pos(&["student name", "student", "name"]);
    let section_col = pos(&["section", "section name", "sections"]);
    // Outcome columns: (index, objective).
    let mut columns: Vec<(usize, Uuid)> = Vec::new();
    let mut mastery_columns = 0;
    for (i, h) in headers.iter().enumerate() {
        if [id_col, sis_col, name_col, section_col].contains(&Some(i)) {
            continue;
        }
        let h = h.trim_start_matches('\u{feff}').split_whitespace().collect::<Vec<_>>().join(" ");
        if strip_suffix_ci(&h, " mastery points").is_some() {
            mastery_columns += 1;
        } else if let Some(path) = strip_suffix_ci(&h, " result") {
            match outcome(matcher, path) {
                Some(objective) => columns.push((i, objective)),
                None => sink.report().unmatched("outcome column names no objective of the design", 1, &h),
            }
        } else if !h.is_empty() {
            sink.report().ignored_columns.push(h);
        }
    }
    if id_col.is_none() && sis_col.is_none() {
        return Err(header_error(
            name,
            format!(
                "not a Canvas Learning Mastery Gradebook export: no \"Student ID\" column; expected \"Student name, Student ID, Student SIS ID\" then \"<outcome> result, <outcome> mastery points\" per outcome (found {})",
                first_headers(&headers, 6)
            ),
        ));
    }
    if columns.is_empty() && sink.report().unmatched.is_empty() {
        return Err(header_error(
            name,
            "not a Canvas Learning Mastery Gradebook export: no \"<outcome> result\" column",
        ));
    }
    sink.report().notes.push(
        "Learning Mastery Gradebook scores are each student's rolled-up score (Canvas's calculation method already applied), read as one result on the objective's point scale; the export has no points possible"
            .into(),
    );
    if mastery_columns > 0 {
        sink.report().notes.push(format!(
            "{mastery_columns} \"mastery points\" columns not read: the document's policy decides mastery"
        ));
    }
    let mut rows = 0;
    while let Some(line) = next_data_row(&mut reader, &mut record, name, limits, &mut rows)? {
        sink.report().rows += 1;
        let cell = |c: Option<usize>| c.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let sis = cell(sis_col);
        let learner = match cell(id_col) {
            id if !id.is_empty() => id,
            _ if !sis.is_empty() && !sis.eq_ignore_ascii_case("n/a") => sis,
            _ => String::new(),
        };
        let learner_name = cell(name_col);
        if learner.is_empty() {
            sink.report().unmatched("no student id", line, &learner_name);
            continue;
        }
        let section = cell(section_col);
        for (i, objective) in &columns {
            let text = record.get(*i).unwrap_or("");
            if text.is_empty() || text == "-" {
                sink.report().empty += 1;
                continue;
            }
            let Some(score) = number(text) else {
                sink.report().unmatched("score is not a number", line, text);
                continue;
            };
            let result = NewResult {
                target_kind: TargetKind::Objective,
                target_id: *objective,
                score,
                points_possible: None,
                at: None,
                attempt: None,
                source_row: line as i64,
            };
            // One rolled-up score per student and outcome column: a later export replaces it.
            let header = headers.get(*i).unwrap_or("");
            sink.result(&learner, &learner_name, &section, &[header], &[&learner, header, text], &result)?;
        }
    }
    Ok(())
}
