//! Student workload (REFERENCE.md §7): hours per node and per teaching week from activity and
//! assessment durations, compared with the credit system (US semester credit ≈ 45 h; ECTS
//! 25–30 h per credit), and weeks that spike above the rest.
//!
//! A node's hours are its own activities and assessments plus its children's hours, but never
//! less than the node's own duration estimate (contact time): planned work describes what
//! happens in the scheduled time, so the two are not added. Weeks come from `Node::week`,
//! inherited by descendants; work in nodes without a week is "unscheduled".

use std::collections::{BTreeMap, HashMap};

use crate::finding::{Finding, Severity};
use crate::model::{AssessmentPurpose, CreditSystem, Document, NodeId};

use super::Ctx;
use super::alignment::fmt_num;

/// A week is a spike when it exceeds the median week by this factor (and by at least two hours).
pub const SPIKE_FACTOR: f64 = 1.5;
/// Summative assessments due in one week that count as a clash.
pub const CLASH: usize = 3;
/// Tolerance around the credit norm before the total is reported.
pub const TOLERANCE: f64 = 0.10;

/// Planned hours of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeHours {
    /// Hours of the node's own activities and assessments.
    pub own: f64,
    /// Hours of the node with its descendants (at least its duration estimate).
    pub total: f64,
}

/// Planned hours of one teaching week.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WeekHours {
    /// Hours from activities.
    pub activities: f64,
    /// Hours from assessments.
    pub assessments: f64,
    /// Contact time in node duration estimates not covered by planned work.
    pub other: f64,
    /// Titles of summative assessments due this week.
    pub summative: Vec<String>,
}

impl WeekHours {
    /// All hours of the week.
    pub fn total(&self) -> f64 {
        self.activities + self.assessments + self.other
    }
}

/// The workload of a whole document.
#[derive(Clone, Debug, Default)]
pub struct Workload {
    /// Hours per node.
    pub nodes: HashMap<NodeId, NodeHours>,
    /// Hours per week (1-based week numbers).
    pub weeks: BTreeMap<u32, WeekHours>,
    /// Hours not placed in any week.
    pub unscheduled: f64,
    /// All planned hours.
    pub total: f64,
    /// Expected hours for the curriculum's credits as `(low, high)`.
    pub expected: Option<(f64, f64)>,
    /// Number of teaching weeks (declared, else the highest week used).
    pub term_weeks: Option<u32>,
    /// Activities and assessments without a duration.
    pub missing_durations: usize,
    /// Activities and assessments in all.
    pub timed_entities: usize,
}

impl Workload {
    /// Expected hours per week (middle of the credit norm spread over the term).
    pub fn weekly_norm(&self) -> Option<f64> {
        match (self.expected, self.term_weeks) {
            (Some((lo, hi)), Some(w)) if w > 0 => Some((lo + hi) / 2.0 / f64::from(w)),
            _ => None,
        }
    }

    /// Median of the weeks that have any work.
    pub fn median_week(&self) -> Option<f64> {
        let mut v: Vec<f64> = self.weeks.values().map(WeekHours::total).filter(|h| *h > 0.0).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
    }
}

fn hours(minutes: Option<u32>) -> f64 {
    f64::from(minutes.unwrap_or(0)) / 60.0
}

/// Expected hours for a number of credits.
pub fn expected_hours(system: CreditSystem, credits: f64) -> Option<(f64, f64)> {
    system.hours_per_credit().map(|(lo, hi)| (lo * credits, hi * credits))
}

/// Computes the workload of a document.
pub fn compute(doc: &Document) -> Workload {
    compute_cx(&Ctx::new(doc))
}

pub(crate) fn compute_cx(cx: &Ctx) -> Workload {
    let doc = cx.doc;
    let mut w = Workload::default();
    let mut own_planned: HashMap<NodeId, f64> = HashMap::new();
    let week_of_entity = |node: NodeId, h: f64, w: &mut Workload, is_assessment: bool| match cx.week_of(node)
    {
        Some(week) => {
            let e = w.weeks.entry(week).or_default();
            if is_assessment {
                e.assessments += h;
            } else {
                e.activities += h;
            }
        }
        None => w.unscheduled += h,
    };
    for a in &doc.activities {
        w.timed_entities += 1;
        if a.duration_minutes.is_none() {
            w.missing_durations += 1;
        }
        let h = hours(a.duration_minutes);
        *own_planned.entry(a.node).or_default() += h;
        week_of_entity(a.node, h, &mut w, false);
    }
    for a in &doc.assessments {
        w.timed_entities += 1;
        if a.duration_minutes.is_none() {
            w.missing_durations += 1;
        }
        let h = hours(a.duration_minutes);
        *own_planned.entry(a.node).or_default() += h;
        week_of_entity(a.node, h, &mut w, true);
        if a.purpose == AssessmentPurpose::Summative
            && let Some(week) = cx.week_of(a.node)
        {
            w.weeks.entry(week).or_default().summative.push(a.title.clone());
        }
    }
    // Bottom-up totals: reverse pre-order visits children before parents.
    let mut order: Vec<_> = doc.nodes.iter().collect();
    order.sort_by_key(|n| std::cmp::Reverse(cx.rank(n.id)));
    for n in order {
        let own = own_planned.get(&n.id).copied().unwrap_or(0.0);
        let kids: f64 = cx.children(n.id).iter().filter_map(|c| w.nodes.get(&c.id)).map(|h| h.total).sum();
        let planned = own + kids;
        let estimate = hours(n.duration_minutes);
        let total = planned.max(estimate);
        if estimate > planned {
            let extra = estimate - planned;
            match cx.week_of(n.id) {
                Some(week) => w.weeks.entry(week).or_default().other += extra,
                None => w.unscheduled += extra,
            }
        }
        w.nodes.insert(n.id, NodeHours { own, total });
    }
    w.total = w.weeks.values().map(WeekHours::total).sum::<f64>() + w.unscheduled;
    let c = &doc.curriculum;
    w.expected = c.credits.and_then(|cr| expected_hours(c.credit_system, cr));
    w.term_weeks = c.weeks.or_else(|| w.weeks.keys().max().copied());
    // Weeks without work still exist in the term.
    if let Some(n) = w.term_weeks {
        for week in 1..=n.min(104) {
            w.weeks.entry(week).or_default();
        }
    }
    w
}

/// Runs the workload checks on a document.
pub fn check(doc: &Document) -> Vec<Finding> {
    run(&Ctx::new(doc))
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let w = compute_cx(cx);
    let mut out = Vec::new();
    let doc = cx.doc;
    // Totals against the credit norm: the whole document, and each course that states credits.
    let mut targets = Vec::new();
    if let Some((lo, hi)) = w.expected {
        targets.push((cx.t_curriculum(), doc.curriculum.title.clone(), w.total, lo, hi));
    }
    for n in &doc.nodes {
        let credits = n.fields.get("credits").and_then(serde_json::Value::as_f64);
        if let Some(cr) = credits
            && let Some((lo, hi)) = expected_hours(doc.curriculum.credit_system, cr)
        {
            let total = w.nodes.get(&n.id).map(|h| h.total).unwrap_or(0.0);
            targets.push((cx.t_node(n), n.title.clone(), total, lo, hi));
        }
    }
    for (target, title, total, lo, hi) in targets {
        let norm = if (lo - hi).abs() < f64::EPSILON {
            format!("{} h", fmt_num(lo))
        } else {
            format!("{}–{} h", fmt_num(lo), fmt_num(hi))
        };
        if total > hi * (1.0 + TOLERANCE) {
            out.push(Ctx::finding(
                "W1-workload-above-credit",
                Severity::Warning,
                target,
                format!(
                    "“{title}” plans {} h of student work; its credits correspond to {norm}.",
                    fmt_num(total)
                ),
                "Cut or shorten activities, or check the durations and the credits.",
            ));
        } else if total < lo * (1.0 - TOLERANCE) {
            out.push(Ctx::finding(
                "W2-workload-below-credit",
                Severity::Info,
                target,
                format!(
                    "“{title}” plans {} h of student work ({} % of the {norm} its credits stand for).",
                    fmt_num(total),
                    fmt_num(100.0 * total / lo.max(f64::EPSILON))
                ),
                "Plan the independent study time too (readings, practice, preparation), or check the credits.",
            ));
        }
    }
    if let Some(median) = w.median_week() {
        let norm = w.weekly_norm();
        for (week, h) in &w.weeks {
            let t = h.total();
            let above_norm = norm.is_none_or(|n| t > n * 1.25);
            if t > median * SPIKE_FACTOR && t - median >= 2.0 && above_norm {
                out.push(Ctx::finding(
                    "W3-week-spike",
                    Severity::Warning,
                    cx.t_curriculum(),
                    format!(
                        "Week {week} plans {} h of work, against a median week of {} h{}.",
                        fmt_num(t),
                        fmt_num(median),
                        norm.map(|n| format!(" and a norm of {} h", fmt_num(n))).unwrap_or_default()
                    ),
                    "Spread the work of that week over its neighbours, or move an assessment.",
                ));
            }
        }
    }
    for (week, h) in &w.weeks {
        if h.summative.len() >= CLASH {
            out.push(Ctx::finding(
                "W4-summative-clash",
                Severity::Warning,
                cx.t_curriculum(),
                format!(
                    "{} summative assessments are due in week {week}: {}.",
                    h.summative.len(),
                    h.summative.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", ")
                ),
                "Stagger summative assessments so that no week carries more than two.",
            ));
        }
    }
    if w.missing_durations > 0 {
        out.push(Ctx::finding(
            "W5-durations-missing",
            Severity::Info,
            cx.t_curriculum(),
            format!(
                "{} of {} activities and assessments have no duration, so the workload figures undercount.",
                w.missing_durations, w.timed_entities
            ),
            "Estimate the student time of each activity and assessment.",
        ));
    }
    out
}
