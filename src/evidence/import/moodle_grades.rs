//! Moodle's grade export as a plain text file (Grades → Export → Plain text file; CSV): an
//! optional `Groups` column, the user profile fields (by default `First name`, `Last name`,
//! `ID number`, `Institution`, `Department`, `Email address`), an optional `Suspended`, then
//! one column per grade item and display type, `<Module name>: <item name> (Real)`,
//! `… (Percentage)` or `… (Letter)` (a manual item has no module prefix; `… (Feedback)` when
//! feedback is exported), `Course total (Real)` and last `Last downloaded from this course` (a
//! Unix time). Moodle writes it with the separator the user chose: `,`, tab, `;` or `:`; all are
//! accepted, as are a byte order mark and headers differing in case and runs of spaces.
//!
//! Each grade item is matched to the assessment of its name (with or without the module
//! prefix); an item naming no assessment is reported by name. `Percentage` cells are scores out
//! of 100 (the kind says so); `Real` cells are points, out of the assessment's points in the
//! design (Moodle's export does not carry the item's maximum grade; the report says so), and an
//! item read as Real whose assessment has no points is reported. When an item has both,
//! `Percentage` is read. `Letter`, feedback, totals and the download time are not read; `-`
//! and empty cells are no result. The learner is the `ID number`, else the `Email address`, else
//! the `Username`.

use std::collections::HashMap;
use std::io::Read;

use uuid::Uuid;

use super::{
    Limits, Matcher, Sink, column_of, first_headers, header_error, header_key, next_data_row, number,
    open_sniffed,
};
use crate::Result;
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;

/// How a grade column shows the grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Real,
    Percentage,
    /// A column without a display type (exports of Moodle before 2.8): read as Real.
    Plain,
    Letter,
    Feedback,
}

/// Profile and bookkeeping columns (header keys) that are not grade items.
const PROFILE: &[&str] = &[
    "first name",
    "last name",
    "surname",
    "id number",
    "idnumber",
    "username",
    "email address",
    "email",
    "institution",
    "department",
    "groups",
    "group",
    "suspended",
    "city/town",
    "city",
    "country",
    "phone",
    "mobile phone",
    "address",
    "full name",
    "last downloaded from this course",
];

/// A grade column's item name and kind: `Quiz: Unit 1 (Real)` → (`Quiz: Unit 1`, Real).
fn grade_column(header: &str) -> (String, Kind) {
    let h = header.split_whitespace().collect::<Vec<_>>().join(" ");
    for (suffix, kind) in [
        ("(real)", Kind::Real),
        ("(percentage)", Kind::Percentage),
        ("(letter)", Kind::Letter),
        ("(feedback)", Kind::Feedback),
    ] {
        let cut = h.len().saturating_sub(suffix.len());
        if h.is_char_boundary(cut) && h[cut..].eq_ignore_ascii_case(suffix) {
            return (h[..cut].trim().to_owned(), kind);
        }
    }
    (h, Kind::Plain)
}

/// The assessment a grade item's name names: the whole name, else the name after the module
/// prefix (`Quiz: `, `Assignment: `, …).
fn assessment(matcher: &Matcher, item: &str) -> Option<(Uuid, Option<f64>)> {
    matcher.assessment(item).or_else(|| item.split_once(": ").and_then(|(_, rest)| matcher.assessment(rest)))
}

/// A grade column that is read.
struct Column {
    index: usize,
    assessment: Uuid,
    points_possible: Option<f64>,
    percentage: bool,
}

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    let (mut reader, headers) = open_sniffed(input, b",;\t:", name, limits)?;
    let mut record = headers.clone();
    let pos = |keys: &[&str]| column_of(&headers, keys);
    let (first, last) = (pos(&["first name"]), pos(&["last name", "surname"]));
    let full = pos(&["full name"]);
    let id_cols = [pos(&["id number", "idnumber"]), pos(&["email address", "email"]), pos(&["username"])];
    let group = pos(&["groups", "group"]);
    if first.is_none() && last.is_none() && id_cols.iter().all(Option::is_none) {
        return Err(header_error(
            name,
            format!(
                "not a Moodle grade export: no \"First name\", \"Last name\", \"ID number\" or \"Email address\" column; expected the user fields then one column per grade item such as \"Quiz: Unit 1 (Real)\" (found {})",
                first_headers(&headers, 6)
            ),
        ));
    }
    // Grade items by assessment: the Percentage column wins over the Real one.
    let mut chosen: HashMap<Uuid, Column> = HashMap::new();
    let mut order: Vec<Uuid> = Vec::new();
    let mut not_read: Vec<String> = Vec::new();
    let mut assumed: Vec<String> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let k = header_key(h);
        if k.is_empty() {
            continue;
        }
        if PROFILE.contains(&k.as_str()) {
            if ![first, last, full, group].contains(&Some(i)) && !id_cols.contains(&Some(i)) {
                not_read.push(h.to_owned());
            }
            continue;
        }
        let (item, kind) = grade_column(h);
        if matches!(kind, Kind::Letter | Kind::Feedback) {
            not_read.push(h.to_owned());
            continue;
        }
        let Some((id, points)) = assessment(matcher, &item) else {
            let key = header_key(&item);
            if key == "course total" || key.ends_with(" total") {
                not_read.push(h.to_owned());
            } else {
                sink.report().unmatched("grade item names no assessment of the design", 1, h);
            }
            continue;
        };
        let percentage = kind == Kind::Percentage;
        let column = Column {
            index: i,
            assessment: id,
            points_possible: if percentage { Some(100.0) } else { points.filter(|p| *p > 0.0) },
            percentage,
        };
        match chosen.get(&id) {
            Some(existing) if existing.percentage || !percentage => not_read.push(h.to_owned()),
            Some(existing) => {
                not_read.push(headers.get(existing.index).unwrap_or("").to_owned());
                chosen.insert(id, column);
            }
            None => {
                order.push(id);
                chosen.insert(id, column);
            }
        }
    }
    let columns: Vec<Column> = order.into_iter().filter_map(|id| chosen.remove(&id)).collect();
    for c in &columns {
        if !c.percentage {
            let header = headers.get(c.index).unwrap_or("");
            if let Some(p) = c.points_possible {
                assumed.push(format!("\"{header}\" read as points out of {p}"));
            }
        }
    }
    sink.report().ignored_columns.extend(not_read);
    if !assumed.is_empty() {
        sink.report().notes.push(format!(
            "Moodle's export does not carry an item's maximum grade: Real scores are taken to be out of the assessment's points in the design ({})",
            assumed.join("; ")
        ));
    }
    let mut rows = 0;
    while let Some(line) = next_data_row(&mut reader, &mut record, name, limits, &mut rows)? {
        sink.report().rows += 1;
        let cell = |c: Option<usize>| c.and_then(|i| record.get(i)).unwrap_or("").trim().to_owned();
        let learner_name = match full {
            Some(_) => cell(full),
            None => format!("{} {}", cell(first), cell(last)).trim().to_owned(),
        };
        let Some(learner) = id_cols.iter().map(|c| cell(*c)).find(|v| !v.is_empty()) else {
            sink.report().unmatched(
                "no learner id (ID number, Email address or Username)",
                line,
                &learner_name,
            );
            continue;
        };
        let section = cell(group);
        for c in &columns {
            let text = record.get(c.index).unwrap_or("").trim();
            if text.is_empty() || text == "-" {
                sink.report().empty += 1;
                continue;
            }
            let value = if c.percentage { text.trim_end_matches('%').trim_end() } else { text };
            let Some(score) = number(value) else {
                sink.report().unmatched("grade is not a number", line, text);
                continue;
            };
            let header = headers.get(c.index).unwrap_or("");
            let Some(points_possible) = c.points_possible else {
                sink.report().unmatched(
                    "Real grade of an assessment without points in the design (export Percentage too, or give the assessment its points)",
                    line,
                    header,
                );
                continue;
            };
            let result = NewResult {
                target_kind: TargetKind::Assessment,
                target_id: c.assessment,
                score,
                points_possible: Some(points_possible),
                at: None,
                attempt: None,
                source_row: line as i64,
            };
            // One grade per learner and item: a later export replaces it.
            let item = c.assessment.to_string();
            sink.result(&learner, &learner_name, &section, &[&item], &[&learner, header, text], &result)?;
        }
    }
    Ok(())
}
