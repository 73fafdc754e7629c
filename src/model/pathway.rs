//! Mastery pathways and spaced review: what the design says about learners who did not (or
//! did) reach an objective, and when objectives come back for retrieval practice.
//!
//! A [`Pathway`] marks a lesson node or an activity as *remediation* (for learners who have not
//! yet mastered the objectives it names) or *enrichment* (for those who have). Exporters turn it
//! into sequencing (SCORM 2004), blocks with `moveOn` (cmi5) or links (SCORM 1.2, the offline
//! site); the analysis draws it and checks it (`P…` findings, `docs/findings.md`).
//!
//! A [`ReviewPlan`] on the curriculum asks for retrieval practice of every objective on expanding
//! intervals after the objective is introduced; `analysis::spaced` computes the dates.

use serde::{Deserialize, Serialize};

use super::ObjectiveId;

/// Whether a pathway catches learners up or takes them further.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum PathwayRole {
    /// Delivered when the objectives are not yet satisfied.
    Remediation,
    /// Offered when the objectives are satisfied.
    Enrichment,
}

impl PathwayRole {
    /// Both roles.
    pub const ALL: [PathwayRole; 2] = [PathwayRole::Remediation, PathwayRole::Enrichment];

    /// The serialised name (`remediation`).
    pub fn as_str(self) -> &'static str {
        match self {
            PathwayRole::Remediation => "remediation",
            PathwayRole::Enrichment => "enrichment",
        }
    }

    /// Parses the serialised name.
    pub fn parse(s: &str) -> Option<PathwayRole> {
        PathwayRole::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for PathwayRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lesson or activity that is a remediation or an enrichment route for objectives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pathway {
    /// Remediation or enrichment.
    pub role: PathwayRole,
    /// The objectives whose mastery decides the route (usually those of the lesson before it).
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
}

/// The review intervals used when a plan names none: 1, 3, 7, 14 and 30 days.
pub const DEFAULT_REVIEW_INTERVALS: [u32; 5] = [1, 3, 7, 14, 30];

/// Minutes of one retrieval-practice session when the plan names none.
pub const DEFAULT_REVIEW_MINUTES: u32 = 10;

/// Longest interval a plan may name (a year), and most intervals.
pub const MAX_REVIEW_INTERVAL_DAYS: u32 = 366;
/// Most intervals a plan may name.
pub const MAX_REVIEW_INTERVALS: usize = 20;

/// Retrieval practice of the curriculum's objectives on expanding intervals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewPlan {
    /// Whether reviews are planned (a switched-off plan keeps its settings).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Days after an objective's introduction at which it is reviewed, increasing.
    #[serde(default = "default_intervals")]
    pub intervals_days: Vec<u32>,
    /// Minutes of student time per review of one objective.
    #[serde(default = "default_minutes")]
    pub minutes_per_review: u32,
    /// First day of teaching week 1 (`YYYY-MM-DD`); without it reviews are placed in weeks only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub start_date: Option<String>,
}

impl Default for ReviewPlan {
    fn default() -> Self {
        ReviewPlan {
            enabled: true,
            intervals_days: default_intervals(),
            minutes_per_review: DEFAULT_REVIEW_MINUTES,
            start_date: None,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_intervals() -> Vec<u32> {
    DEFAULT_REVIEW_INTERVALS.to_vec()
}

fn default_minutes() -> u32 {
    DEFAULT_REVIEW_MINUTES
}

impl ReviewPlan {
    /// What is wrong with the plan's settings, one sentence each (empty when it is sound).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.intervals_days.is_empty() {
            out.push("names no review interval".to_owned());
        }
        if self.intervals_days.len() > MAX_REVIEW_INTERVALS {
            out.push(format!(
                "names {} review intervals; at most {MAX_REVIEW_INTERVALS} are allowed",
                self.intervals_days.len()
            ));
        }
        if self.intervals_days.iter().any(|&d| d == 0 || d > MAX_REVIEW_INTERVAL_DAYS) {
            out.push(format!("review intervals must be between 1 and {MAX_REVIEW_INTERVAL_DAYS} days"));
        }
        if !self.intervals_days.windows(2).all(|w| w[0] < w[1]) {
            out.push("review intervals must increase".to_owned());
        }
        if self.minutes_per_review > 600 {
            out.push("minutesPerReview must be at most 600".to_owned());
        }
        if let Some(d) = &self.start_date
            && parse_date(d).is_none()
        {
            out.push(format!("startDate \"{d}\" is not a date (YYYY-MM-DD)"));
        }
        out
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date, or `None` when it is not a valid date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn format_date(days: i64) -> String {
    let ts = super::Timestamp::from_unix(days.saturating_mul(86_400));
    ts.as_str().get(..10).unwrap_or_default().to_owned()
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's civil-to-days conversion (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-02-29").map(format_date).as_deref(), Some("2000-02-29"));
        assert_eq!(parse_date("2026-09-07").map(|d| format_date(d + 30)).as_deref(), Some("2026-10-07"));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-9-7"), None);
    }

    #[test]
    fn plan_problems() {
        assert!(ReviewPlan::default().problems().is_empty());
        let bad = ReviewPlan { intervals_days: vec![3, 1, 0], ..ReviewPlan::default() };
        assert_eq!(bad.problems().len(), 2);
    }
}
