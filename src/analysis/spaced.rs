//! The spaced-review planner: given a curriculum's [`ReviewPlan`], when each objective comes back
//! for retrieval practice. A pure function of the document (no clock): the dates follow from the
//! plan's start date, the weeks from the outline.
//!
//! An objective is *introduced* in the earliest teaching week in which it is stated (its node's
//! week, inherited from the nearest ancestor), practised or assessed, at the start of that week
//! (day `7 × (week − 1)` counted from the first day of week 1). Each review falls
//! `interval` days after that; its week is the one the day falls in. Lesson and unit objectives
//! are planned; course and program outcomes are reviewed through the objectives that support
//! them, so they get no reviews of their own. A review past the last teaching week
//! (`Curriculum::weeks`, else the highest week of the outline) is kept but marked outside the
//! course. The workload view counts `minutes_per_review` per review in its week; the outline
//! lists a lesson's reviews; the check `P3-objective-not-revisited` flags objectives that nothing
//! brings back inside the course (see `docs/findings.md`); the Canvas profile can turn the
//! reviews into dated items.

use serde::Serialize;

use crate::model::{Document, NodeId, ObjectiveId, ReviewPlan, format_date, parse_date};

use super::{Ctx, Scope};

/// One planned review of an objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// Days after the introduction.
    pub interval_days: u32,
    /// Day counted from the first day of teaching week 1 (0-based).
    pub day: u32,
    /// Teaching week the review falls in (1-based).
    pub week: u32,
    /// Calendar date (`YYYY-MM-DD`), when the plan has a start date.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Whether the review falls inside the course's teaching weeks.
    pub within_course: bool,
}

/// The reviews of one objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveReviews {
    /// The objective.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub objective: ObjectiveId,
    /// Its code (or the start of its statement).
    pub label: String,
    /// The node where it is introduced (its own node when nothing earlier practises it).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub node: NodeId,
    /// Week of introduction; `None` when the outline gives it no week (then nothing is planned).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introduced_week: Option<u32>,
    /// The planned reviews, in time order.
    pub reviews: Vec<Review>,
}

/// The whole plan: reviews per objective and review time per week.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReviewSchedule {
    /// Objectives in outline order.
    pub objectives: Vec<ObjectiveReviews>,
    /// Minutes of review per teaching week, `(week, minutes)` for weeks that have any, in week
    /// order (reviews outside the course included).
    pub minutes_per_week: Vec<(u32, u32)>,
    /// The last teaching week, when known.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_week: Option<u32>,
}

impl ReviewSchedule {
    /// The reviews of one objective.
    pub fn of(&self, objective: ObjectiveId) -> Option<&ObjectiveReviews> {
        self.objectives.iter().find(|o| o.objective == objective)
    }

    /// Objectives introduced in a node (for the outline's badges), with their reviews.
    pub fn introduced_in(&self, node: NodeId) -> impl Iterator<Item = &ObjectiveReviews> + '_ {
        self.objectives.iter().filter(move |o| o.node == node)
    }
}

/// The review schedule of a document, or `None` when it has no enabled plan.
pub fn plan(doc: &Document) -> Option<ReviewSchedule> {
    let plan = doc.curriculum.review_plan.as_ref().filter(|p| p.enabled)?;
    Some(plan_with(&Ctx::new(doc), plan))
}

pub(crate) fn plan_with(cx: &Ctx, plan: &ReviewPlan) -> ReviewSchedule {
    let doc = cx.doc;
    let start = plan.start_date.as_deref().and_then(parse_date);
    let last_week =
        doc.curriculum.weeks.filter(|w| *w > 0).or_else(|| doc.nodes.iter().filter_map(|n| n.week).max());
    let mut objectives = Vec::new();
    let mut minutes: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
    for o in &doc.objectives {
        if !matches!(cx.objective_scope(o), Scope::Lesson | Scope::Unit) {
            continue;
        }
        let (node, week) = introduction(cx, o.id, o.node);
        let mut reviews = Vec::new();
        if let Some(week) = week {
            let intro_day = week.saturating_sub(1).saturating_mul(7);
            for &interval in &plan.intervals_days {
                let day = intro_day.saturating_add(interval);
                let review_week = day / 7 + 1;
                let within_course = last_week.is_none_or(|last| review_week <= last);
                *minutes.entry(review_week).or_default() += plan.minutes_per_review;
                reviews.push(Review {
                    interval_days: interval,
                    day,
                    week: review_week,
                    date: start.map(|s| format_date(s + i64::from(day))),
                    within_course,
                });
            }
        }
        objectives.push(ObjectiveReviews {
            objective: o.id,
            label: Ctx::objective_label(o),
            node,
            introduced_week: week,
            reviews,
        });
    }
    ReviewSchedule { objectives, minutes_per_week: minutes.into_iter().collect(), last_week }
}

/// Where and when an objective is introduced: the earliest week among its own node, the
/// activities practising it and the assessments measuring it (ties: the earliest in outline
/// order), with the node that introduces it.
fn introduction(cx: &Ctx, objective: ObjectiveId, own: NodeId) -> (NodeId, Option<u32>) {
    let mut best: (NodeId, Option<u32>, usize) = (own, cx.week_of(own), cx.rank(own));
    let mut consider = |node: NodeId| {
        let (week, rank) = (cx.week_of(node), cx.rank(node));
        let earlier = match (week, best.1) {
            (Some(a), Some(b)) => a < b || (a == b && rank < best.2),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => rank < best.2,
        };
        if earlier {
            best = (node, week, rank);
        }
    };
    for a in cx.practice(objective) {
        consider(a.node);
    }
    for e in cx.evidence(objective) {
        consider(e.assessment.node);
    }
    (best.0, best.1)
}

/// The later weeks (after its introduction) in which an activity or assessment brings the
/// objective back, in order.
pub(crate) fn revisits(cx: &Ctx, objective: ObjectiveId, introduced: u32) -> Vec<u32> {
    let mut weeks: Vec<u32> = cx
        .practice(objective)
        .iter()
        .map(|a| a.node)
        .chain(cx.evidence(objective).iter().map(|e| e.assessment.node))
        .filter_map(|n| cx.week_of(n))
        .filter(|w| *w > introduced)
        .collect();
    weeks.sort_unstable();
    weeks.dedup();
    weeks
}
