//! xAPI statements: a JSON array of statements, or JSON Lines (one statement per line). A
//! statement whose object is one of the design's quiz items (`…/item/<id>`, or the `i<hex>`
//! identifier Trellis packages give it) is a result on that item, which reaches its objectives
//! through the design's alignments. Otherwise it becomes results on the objectives it names by id
//! (`urn:trellis:objective:<id>`, as Trellis's cmi5 packages send them, per answered question and
//! once per objective judged) in `object.id` or in any `context.contextActivities.*[].id`;
//! failing that, on the assessment its object id ends with. Its score is `result.score.scaled` (points possible 1), else
//! `result.score.raw` of `max` (minus `min`). The learner is the actor's account (`homePage`
//! and `name`), `mbox`, `mbox_sha1sum` or `openid`; the time is `timestamp`. A result on a quiz
//! item keeps the learner's `result.response` (the choice identifiers Trellis packages send,
//! joined by `[,]`; at most [`MAX_RESPONSE_CHARS`] characters), which the distractor analysis
//! reads. Voided and voiding
//! statements, statements without a score and statements naming nothing of the design are
//! reported.

use std::io::{BufRead, Read};

use serde_json::Value;
use uuid::Uuid;

use super::{Limits, Matcher, Sink, parse_time};
use crate::evidence::TargetKind;
use crate::evidence::store::NewResult;
use crate::{Error, Result};

const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

/// Longest response kept (SCORM 2004's long-fill-in limit); a longer one is cut.
pub const MAX_RESPONSE_CHARS: usize = 4000;

pub(super) fn read<R: Read>(
    input: R,
    name: &str,
    matcher: &Matcher,
    limits: &Limits,
    sink: &mut Sink<'_, '_>,
) -> Result<()> {
    let mut reader = std::io::BufReader::new(input);
    // Peek the first non-space byte: `[` is an array, anything else JSON Lines.
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| Error::io(name, e))?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF) {
            Some(i) => {
                let b = buf[i];
                reader.consume(i);
                break Some(b);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let Some(first) = first else {
        return Err(Error::Parse {
            source_name: name.into(),
            message: "the file is empty (expected xAPI statements)".into(),
        });
    };
    if first == b'[' {
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(|_| Error::Parse {
            source_name: name.into(),
            message: "the file is not UTF-8 text".into(),
        })?;
        let statements: Vec<Value> = serde_json::from_str(&text).map_err(|e| Error::Parse {
            source_name: format!("{name}:{}:{}", e.line(), e.column()),
            message: format!("not a JSON array of xAPI statements ({e})"),
        })?;
        drop(text);
        if statements.len() as u64 > limits.max_rows {
            return Err(Error::Refused(format!(
                "{name}: more than {} statements; an evidence import reads at most that many",
                limits.max_rows
            )));
        }
        for (i, s) in statements.iter().enumerate() {
            statement(s, (i + 1) as u64, matcher, sink)?;
        }
        return Ok(());
    }
    let mut line_no = 0u64;
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|_| Error::Parse {
            source_name: format!("{name}:{}", line_no + 1),
            message: "the line is not UTF-8 text".into(),
        })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if line_no > limits.max_rows {
            return Err(Error::Refused(format!(
                "{name}: more than {} lines; an evidence import reads at most that many",
                limits.max_rows
            )));
        }
        if line.len() > limits.max_field_bytes * 16 {
            return Err(Error::Parse {
                source_name: format!("{name}:{line_no}"),
                message: format!("the statement is {} bytes, more than an evidence import reads", line.len()),
            });
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            source_name: format!("{name}:{line_no}:{}", e.column()),
            message: format!("not an xAPI statement in JSON ({e})"),
        })?;
        statement(&value, line_no, matcher, sink)?;
    }
    Ok(())
}

/// The learner id of an actor.
fn actor_id(actor: &Value) -> Option<String> {
    if let Some(account) = actor.get("account") {
        let home = account.get("homePage").and_then(Value::as_str).unwrap_or("");
        let name = account.get("name").and_then(Value::as_str)?;
        return Some(format!("account:{home}|{name}"));
    }
    for key in ["mbox", "mbox_sha1sum", "openid"] {
        if let Some(v) = actor.get(key).and_then(Value::as_str) {
            return Some(format!("{key}:{v}"));
        }
    }
    None
}

/// Reads one statement (`at`: its line, or its number in an array).
pub(super) fn statement(s: &Value, at: u64, matcher: &Matcher, sink: &mut Sink<'_, '_>) -> Result<()> {
    sink.report().rows += 1;
    let id = s.get("id").and_then(Value::as_str).unwrap_or("");
    let verb = s.pointer("/verb/id").and_then(Value::as_str).unwrap_or("");
    let object_id = s.pointer("/object/id").and_then(Value::as_str).unwrap_or("");
    let what = if object_id.is_empty() { id } else { object_id };
    if verb == VOIDED {
        sink.report().unmatched("voiding statement (not a result)", at, what);
        return Ok(());
    }
    let Some(learner) = s.get("actor").and_then(actor_id) else {
        sink.report().unmatched("no identified actor (account, mbox, mbox_sha1sum or openid)", at, what);
        return Ok(());
    };
    // Targets: a quiz item of the design named by the object (its objectives are reached
    // through the design's alignments, so the context's objective ids are not counted again);
    // else objective ids in the object or the context activities.
    let mut targets: Vec<(TargetKind, Uuid)> = Vec::new();
    let mut design_points = None;
    if let Some((uuid, points)) = design_uuid(object_id).and_then(|u| matcher.item(u).map(|p| (u, p))) {
        targets.push((TargetKind::Item, uuid));
        design_points = Some(points);
    } else if let Some(o) = matcher.objective_by_id(object_id) {
        targets.push((TargetKind::Objective, o));
    }
    if targets.first().is_none_or(|(kind, _)| *kind == TargetKind::Objective)
        && let Some(Value::Object(groups)) = s.pointer("/context/contextActivities")
    {
        for list in groups.values() {
            let list: Vec<&Value> = match list {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for a in list {
                if let Some(o) = a.get("id").and_then(Value::as_str).and_then(|i| matcher.objective_by_id(i))
                    && !targets.contains(&(TargetKind::Objective, o))
                {
                    targets.push((TargetKind::Objective, o));
                }
            }
        }
    }
    if targets.is_empty() {
        // An id ending in an assessment's id.
        if let Some(uuid) = design_uuid(object_id)
            && let Some(points) = matcher.assessment_by_id(uuid)
        {
            targets.push((TargetKind::Assessment, uuid));
            design_points = points;
        }
    }
    if targets.is_empty() {
        sink.report().unmatched("names no objective, quiz item or assessment of this document", at, what);
        return Ok(());
    }
    let score = s.pointer("/result/score");
    let num = |k: &str| score.and_then(|v| v.get(k)).and_then(Value::as_f64).filter(|x| x.is_finite());
    let (value, points_possible) = match (num("scaled"), num("raw"), num("max")) {
        (Some(scaled), _, _) => (scaled, Some(1.0)),
        (None, Some(raw), Some(max)) => {
            let min = num("min").unwrap_or(0.0);
            if max - min <= 0.0 {
                sink.report().unmatched("score max is not above min", at, what);
                return Ok(());
            }
            (raw - min, Some(max - min))
        }
        (None, Some(raw), None) if design_points.is_some() => (raw, design_points),
        _ => {
            sink.report().unmatched("no score (result.score.scaled, or raw with max)", at, what);
            return Ok(());
        }
    };
    let name = s.pointer("/actor/name").and_then(Value::as_str).unwrap_or("");
    let time = s.get("timestamp").and_then(Value::as_str).and_then(parse_time);
    let text;
    let key: &str = if id.is_empty() {
        text = s.to_string();
        &text
    } else {
        id
    };
    let response: Option<String> = s
        .pointer("/result/response")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(MAX_RESPONSE_CHARS).collect());
    for (kind, target) in targets {
        let result = NewResult {
            target_kind: kind,
            target_id: target,
            score: value,
            points_possible,
            at: time,
            attempt: None,
            source_row: at as i64,
        };
        let target_text = target.to_string();
        // A statement is immutable and identified by its id: the id is its attempt key.
        let response = if kind == TargetKind::Item { response.as_deref() } else { None };
        sink.result_with_response(&learner, name, "", &[key], &[key, &target_text], &result, response)?;
    }
    Ok(())
}

/// The design id an activity id ends with: `…/item/<uuid>`, or the `i<32 hex>` identifier
/// Trellis packages give items and assessments (`…/item/i0190…`).
fn design_uuid(activity_id: &str) -> Option<Uuid> {
    let tail = activity_id.rsplit(['/', ':']).next().unwrap_or("");
    let hex = match tail.strip_prefix('i') {
        Some(rest) if rest.len() == 32 => rest,
        _ => tail,
    };
    Uuid::parse_str(hex).ok()
}
