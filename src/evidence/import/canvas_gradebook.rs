//! A Canvas gradebook export (CSV): identity columns (`Student` or `LastName`/`FirstName`, `ID`,
//! `SIS User ID`, `SIS Login ID`, `Integration ID`, `Section`), then one column per assignment
//! (`Title (id)`), read-only totals (`… (read only)`, `Current Score`, …) and `Comments`; a
//! `Points Possible` row may follow the header. Each assignment column is matched to the
//! assessment with the same title (the Canvas id in parentheses is dropped), and each score
//! becomes a result on that assessment, which reaches objectives through the design's
//! alignments. Columns naming no assessment are reported once each; empty, `-` and `EX` cells
//! are no result.

use std::io::Read;

use uuid::Uuid;

use super::{
    Limits, Matcher, Sink, first_headers, header_error, header_key, next_data_row, number, open_sniffed,
};
use crate::Result;
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;

const IDENTITY: [&str; 11] = [
    "student",
    "lastname",
    "firstname",
    "id",
    "sis user id",
    "sis login id",
    "integration id",
    "section",
    "root account",
    "login id",
    "student id",
];

fn skipped(key: &str) -> bool {
    key.ends_with("(read only)")
        || key == "comments"
        || key.starts_with("current ")
        || key.starts_with("final ")
        || key.starts_with("unposted ")
        || key.starts_with("override ")
}

/// The assignment title of a gradebook column: `Title (12345)` → `Title`.
fn column_title(header: &str) -> &str {
    let h = header.trim();
    if let Some(open) = h.rfind(" (")
        && h.ends_with(')')
        && h[open + 2..h.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && h.len() > open + 3
    {
        return &h[..open];
    }
    h
}

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    // Canvas writes `;` instead of `,` when the user asked for semicolon separators.
    let (mut reader, headers) = open_sniffed(input, b",;\t", name, limits)?;
    let mut record = headers.clone();
    let pos = |k: &str| headers.iter().position(|h| header_key(h) == k);
    let (student, last, first) = (pos("student"), pos("lastname"), pos("firstname"));
    let id_col = pos("id").or(pos("sis user id")).or(pos("sis login id")).or(pos("integration id"));
    let section = pos("section");
    let Some(id_col) = id_col else {
        return Err(header_error(
            name,
            format!(
                "not a Canvas gradebook: no learner id column; expected \"Student, ID, SIS User ID, SIS Login ID, Section\" then one column per assignment (found {})",
                first_headers(&headers, 8)
            ),
        ));
    };
    // Assignment columns: (index, assessment, points from the design).
    let mut columns: Vec<(usize, Uuid, Option<f64>)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let k = header_key(h);
        if k.is_empty() || IDENTITY.contains(&k.as_str()) {
            continue;
        }
        if skipped(&k) {
            sink.report().ignored_columns.push(h.to_owned());
            continue;
        }
        match matcher.assessment(column_title(h)) {
            Some((id, points)) => columns.push((i, id, points)),
            None => sink.report().unmatched("assignment column names no assessment of the design", 1, h),
        }
    }
    let mut possible: Vec<Option<f64>> = columns.iter().map(|c| c.2).collect();
    let mut rows = 0;
    while let Some(line) = next_data_row(&mut reader, &mut record, name, limits, &mut rows)? {
        let first_cell = record.get(0).unwrap_or("");
        if header_key(first_cell) == "points possible" {
            for (k, (i, _, _)) in columns.iter().enumerate() {
                if let Some(p) = record.get(*i).and_then(number).filter(|p| *p > 0.0) {
                    possible[k] = Some(p);
                }
            }
            continue;
        }
        sink.report().rows += 1;
        let learner = record.get(id_col).unwrap_or("").to_owned();
        let learner_name = match (student, last, first) {
            (Some(s), _, _) => record.get(s).unwrap_or("").to_owned(),
            (None, Some(l), Some(f)) => {
                format!("{} {}", record.get(f).unwrap_or(""), record.get(l).unwrap_or(""))
            }
            _ => String::new(),
        };
        if learner.is_empty() {
            sink.report().unmatched("no learner id", line, &learner_name);
            continue;
        }
        let section_name = section.and_then(|s| record.get(s)).unwrap_or("").to_owned();
        for (k, (i, assessment, _)) in columns.iter().enumerate() {
            let cell = record.get(*i).unwrap_or("");
            if cell.is_empty() || cell == "-" || cell.eq_ignore_ascii_case("ex") {
                sink.report().empty += 1;
                continue;
            }
            let Some(score) = number(cell) else {
                sink.report().unmatched("score is not a number", line, cell);
                continue;
            };
            let Some(points_possible) = possible[k] else {
                sink.report().unmatched(
                    "no points possible (no Points Possible row, no points on the assessment)",
                    line,
                    headers.get(*i).unwrap_or(""),
                );
                continue;
            };
            let result = NewResult {
                target_kind: TargetKind::Assessment,
                target_id: *assessment,
                score,
                points_possible: Some(points_possible),
                at: None,
                attempt: None,
                source_row: line as i64,
            };
            // One result per learner and column: a changed cell replaces that cell's result when
            // the file is imported again.
            let header = headers.get(*i).unwrap_or("");
            sink.result(
                &learner,
                &learner_name,
                &section_name,
                &[header],
                &[&learner, header, cell],
                &result,
            )?;
        }
    }
    Ok(())
}
