//! The plain evidence CSV, for any source without an importer of its own: a header row naming
//! `learner, objective, score` and optionally `points_possible, date, attempt, name, section,
//! response` (in any order), then one result per row. `objective` is an objective's id, code or
//! statement, or a quiz item's id (`i<hex>` as packages name it, or the UUID): a result on that
//! item; a missing `points_possible` means the score is on the objective's (or the item's) point
//! scale. `response` is what the learner answered a quiz item (choice identifiers, letters or
//! texts separated by `[,]`; `true`/`false`), kept for the distractor analysis. A header this
//! format does not know is refused, naming the expected ones.

use std::io::Read;

use super::{
    Limits, Matcher, Sink, csv_reader, header_error, header_key, header_row, next_data_row, number,
    parse_time,
};
use crate::Result;
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;

const COLUMNS: [&str; 9] =
    ["learner", "objective", "score", "points_possible", "date", "attempt", "name", "section", "response"];
const REQUIRED: [&str; 3] = ["learner", "objective", "score"];

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    let mut reader = csv_reader(input);
    let mut record = header_row(&mut reader, name, limits)?;
    let mut at = [None; 9];
    for (i, h) in record.iter().enumerate() {
        let k = header_key(h).replace(' ', "_");
        if k.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|c| *c == k) {
            Some(c) if at[c].is_none() => at[c] = Some(i),
            Some(_) => {
                return Err(header_error(name, format!("the column \"{h}\" appears twice")));
            }
            None => {
                return Err(header_error(
                    name,
                    format!(
                        "unknown column \"{}\"; the plain evidence CSV has the columns {} (the first three required)",
                        h.chars().take(60).collect::<String>(),
                        COLUMNS.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some(missing) = REQUIRED.iter().enumerate().find(|(i, _)| at[*i].is_none()).map(|(_, c)| c) {
        return Err(header_error(
            name,
            format!(
                "the header lacks the column \"{missing}\"; the plain evidence CSV has the columns {} (the first three required)",
                COLUMNS.join(", ")
            ),
        ));
    }
    let cell = |record: &csv::StringRecord, c: usize| -> String {
        at[c].and_then(|i| record.get(i)).unwrap_or("").to_owned()
    };
    let mut rows = 0u64;
    while let Some(line) = next_data_row(&mut reader, &mut record, name, limits, &mut rows)? {
        sink.report().rows += 1;
        let learner = cell(&record, 0);
        let objective = cell(&record, 1);
        let score_text = cell(&record, 2);
        if learner.is_empty() {
            sink.report().unmatched("no learner", line, &objective);
            continue;
        }
        if score_text.is_empty() {
            sink.report().empty += 1;
            continue;
        }
        let item = || {
            let t = objective.trim();
            let hex = t.strip_prefix('i').filter(|h| h.len() == 32).unwrap_or(t);
            uuid::Uuid::parse_str(hex).ok().filter(|u| matcher.item(*u).is_some())
        };
        let (kind, target) = match matcher.objective(&objective) {
            Some(o) => (TargetKind::Objective, o),
            None => match item() {
                Some(i) => (TargetKind::Item, i),
                None => {
                    sink.report().unmatched("unknown objective", line, &objective);
                    continue;
                }
            },
        };
        let Some(score) = number(&score_text) else {
            sink.report().unmatched("score is not a number", line, &score_text);
            continue;
        };
        let pp_text = cell(&record, 3);
        let points_possible = if pp_text.is_empty() {
            None
        } else {
            match number(&pp_text).filter(|p| *p > 0.0) {
                Some(p) => Some(p),
                None => {
                    sink.report().unmatched("points possible is not a number above 0", line, &pp_text);
                    continue;
                }
            }
        };
        let date = cell(&record, 4);
        let at_time = if date.is_empty() {
            None
        } else {
            match parse_time(&date) {
                Some(t) => Some(t),
                None => {
                    sink.report().unmatched("date is not YYYY-MM-DD or an ISO 8601 date-time", line, &date);
                    continue;
                }
            }
        };
        let attempt = number(&cell(&record, 5)).map(|a| a as i64);
        let result = NewResult {
            target_kind: kind,
            target_id: target,
            score,
            points_possible,
            at: at_time,
            attempt,
            source_row: line as i64,
        };
        // A learner's results on one objective are told apart by their date and attempt.
        let attempt_text = cell(&record, 5);
        let row: Vec<&str> = record.iter().collect();
        let response = cell(&record, 8);
        let response = (kind == TargetKind::Item && !response.trim().is_empty()).then(|| response.trim());
        sink.result_with_response(
            &learner,
            &cell(&record, 6),
            &cell(&record, 7),
            &[&date, &attempt_text],
            &row,
            &result,
            response,
        )?;
    }
    Ok(())
}
