//! Rubric quality (REFERENCE.md §6): every criterion traces to an objective and judges one
//! dimension, every criterion has a descriptor for every level (one "proficient" descriptor for
//! single-point rubrics), level points rise strictly from the lowest to the highest level,
//! 3–5 levels and 3–7 criteria, descriptors say what makes work good instead of only that it
//! is "good", and rubrics are used by an assessment.

use crate::finding::{Finding, Severity};
use crate::model::{Document, Rubric, RubricKind};

use super::Ctx;

/// Words that judge without describing (REFERENCE.md §6).
pub const VAGUE_WORDS: [&str; 6] = ["good", "excellent", "poor", "adequate", "some", "many"];

/// Runs the rubric checks on a document.
pub fn check(doc: &Document) -> Vec<Finding> {
    run(&Ctx::new(doc))
}

pub(crate) fn run(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &cx.doc.rubrics {
        rubric(cx, r, &mut out);
    }
    for a in &cx.doc.assessments {
        if a.rubric.is_none() && super::checklist::needs_rubric(a) {
            out.push(Ctx::finding(
                "R10-task-without-rubric",
                Severity::Info,
                cx.t_assessment(a),
                format!("Graded task “{}” has no rubric, so learners do not see how it is judged.", a.title),
                "Attach a rubric whose criteria are aligned to the task's objectives.",
            ));
        }
    }
    out
}

fn rubric(cx: &Ctx, r: &Rubric, out: &mut Vec<Finding>) {
    let single = r.kind == RubricKind::SinglePoint;
    if cx.rubric_users(r.id).is_empty() {
        out.push(Ctx::finding(
            "R8-rubric-unused",
            Severity::Info,
            cx.t_rubric(r),
            format!("Rubric “{}” is not used by any assessment.", r.title),
            "Attach it to the assessment it grades, or remove it.",
        ));
    }
    // Points rise strictly from the first (lowest) level to the last.
    if let Some(w) = r.levels.windows(2).find(|w| w[1].points <= w[0].points) {
        out.push(Ctx::finding(
            "R3-points-not-ordered",
            Severity::Error,
            cx.t_rubric(r),
            format!(
                "Levels of rubric “{}” are not strictly ordered by points: “{}” ({}) is followed by “{}” ({}).",
                r.title,
                w[0].label,
                w[0].points,
                w[1].label,
                w[1].points
            ),
            "List levels from lowest to highest with strictly increasing points (e.g. 1, 2, 3, 4).",
        ));
    }
    if !single && !(3..=5).contains(&r.levels.len()) {
        out.push(Ctx::finding(
            "R4-level-count",
            Severity::Warning,
            cx.t_rubric(r),
            format!(
                "Rubric “{}” has {} performance levels; 3–5 levels discriminate best.",
                r.title,
                r.levels.len()
            ),
            "Use 3 to 5 levels (e.g. Beginning, Developing, Proficient, Exemplary).",
        ));
    }
    if r.kind == RubricKind::Analytic && !(3..=7).contains(&r.criteria.len()) {
        out.push(Ctx::finding(
            "R5-criterion-count",
            Severity::Warning,
            cx.t_rubric(r),
            format!("Analytic rubric “{}” has {} criteria; 3–7 keep it usable.", r.title, r.criteria.len()),
            "Merge overlapping criteria or split a rubric that judges too much at once.",
        ));
    }
    for c in &r.criteria {
        let target = cx.t_criterion(r, c);
        if c.objective.is_none() {
            out.push(Ctx::finding(
                "R1-criterion-unaligned",
                Severity::Warning,
                target.clone(),
                format!("Criterion “{}” of rubric “{}” is not aligned to an objective.", c.title, r.title),
                "Align the criterion to the objective it judges.",
            ));
        }
        let present = |level| c.descriptors.iter().any(|d| d.level == level && !d.text.trim().is_empty());
        if single {
            if !c.descriptors.iter().any(|d| !d.text.trim().is_empty()) {
                out.push(Ctx::finding(
                    "R2-descriptor-missing",
                    Severity::Warning,
                    target.clone(),
                    format!(
                        "Criterion “{}” of single-point rubric “{}” describes no proficient performance.",
                        c.title, r.title
                    ),
                    "Describe what proficient work looks like for this criterion.",
                ));
            }
        } else {
            let missing: Vec<&str> =
                r.levels.iter().filter(|l| !present(l.id)).map(|l| l.label.as_str()).collect();
            if !missing.is_empty() {
                out.push(Ctx::finding(
                    "R2-descriptor-missing",
                    Severity::Warning,
                    target.clone(),
                    format!(
                        "Criterion “{}” of rubric “{}” has no descriptor for {}.",
                        c.title,
                        r.title,
                        missing.iter().map(|m| format!("“{m}”")).collect::<Vec<_>>().join(", ")
                    ),
                    "Describe what work at every level looks like, in parallel wording.",
                ));
            }
        }
        if is_bundled(&c.title) {
            out.push(Ctx::finding(
                "R6-criterion-bundled",
                Severity::Info,
                target.clone(),
                format!("Criterion “{}” seems to judge more than one dimension.", c.title),
                "Split it so that each criterion judges one quality.",
            ));
        }
        let vague: Vec<&str> = VAGUE_WORDS
            .iter()
            .copied()
            .filter(|w| c.descriptors.iter().any(|d| has_word(&d.text, w)))
            .collect();
        if !vague.is_empty() {
            out.push(Ctx::finding(
                "R7-vague-descriptor",
                Severity::Info,
                target.clone(),
                format!(
                    "Descriptors of “{}” use judging words ({}) without necessarily saying what makes the work so.",
                    c.title,
                    vague.join(", ")
                ),
                "Describe observable qualities (e.g. “cites three sources that support the claim”).",
            ));
        }
        if !(c.weight.is_finite() && c.weight > 0.0) {
            out.push(Ctx::finding(
                "R9-criterion-weight-invalid",
                Severity::Warning,
                target,
                format!("Criterion “{}” has weight {}; weights must be positive.", c.title, c.weight),
                "Give the criterion a positive relative weight (1 = normal).",
            ));
        }
    }
}

fn is_bundled(title: &str) -> bool {
    let t = format!(" {} ", title.to_lowercase());
    t.contains(" and ") || t.contains(" & ") || t.contains(" / ")
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|t| t.eq_ignore_ascii_case(word))
}
