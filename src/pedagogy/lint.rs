//! Document lint: the objective analysis applied to every objective of a document, with
//! findings targeted at the objective (id and outline path) and adjusted to what the document
//! already says (a curriculum-wide audience, ABCD parts stored on the objective, the stored
//! level). When the document stores a calibration profile (`curriculum.objectiveProfile`), the
//! suggestions follow its convention; a profile that does not parse is ignored and reported
//! once (finding `O14-objective-profile-invalid`).

use crate::finding::{Finding, Severity, Target};
use crate::model::{Document, LevelSource, Objective};

use super::objective::{ObjectiveAnalysis, analyze_objective_using, codes};
use super::profile::Profile;
use super::templates::Template;

/// Findings about measurable wording (not raised for objective kinds a template exempts).
const MEASURABILITY: &[&str] =
    &[codes::UNMEASURABLE, codes::WEAK_OBJECT, codes::NO_CONDITION, codes::NO_DEGREE, codes::LEVEL_DIFFERS];

/// Kinds whose objectives are program or course outcomes: behaviour-only wording is accepted
/// there, so missing condition and degree are not reported.
const OUTCOME_KINDS: &[&str] = &["program", "programme", "course", "degree", "certificate", "qualification"];

/// Objective findings for every objective of `doc`, in document order.
///
/// `template` is the document's template as the caller resolved it (through a
/// [`super::templates::Catalog`], so a user template counts). When it declares an objective
/// kind whose wording is not meant to be measurable (UbD understandings "Students will
/// understand that …"), the measurability findings of those objectives are left out.
pub fn lint_document(doc: &Document, template: Option<&Template>) -> Vec<Finding> {
    let index = doc.index();
    let mut out = Vec::new();
    let profile = match document_profile(doc) {
        Ok(p) => p,
        Err(message) => {
            out.push(Finding {
                code: codes::PROFILE_INVALID.to_owned(),
                severity: Severity::Warning,
                message,
                target: Target { kind: "curriculum".to_owned(), id: Some(doc.curriculum.id.to_string()), path: String::new() },
                hint: "Load the profile again (trellis objectives calibrate writes one), or clear it; until then the \
                       built-in rules suggest the levels."
                    .to_owned(),
            });
            None
        }
    };
    for objective in &doc.objectives {
        let analysis = analyze_objective_using(&objective.statement, profile.as_ref());
        let node = index.node(objective.node);
        let mut path = index.path(objective.node);
        let label =
            if objective.code.is_empty() { short(&objective.statement) } else { objective.code.clone() };
        if !path.is_empty() {
            path.push_str(" › ");
        }
        path.push_str(&label);
        let target = Target { kind: "objective".to_owned(), id: Some(objective.id.to_string()), path };
        let outcome = node.is_some_and(|n| OUTCOME_KINDS.contains(&n.kind.to_ascii_lowercase().as_str()));
        let exempt = template.and_then(|t| t.objective_kind(&objective.code)).is_some_and(|k| !k.measurable);
        for finding in objective_findings(doc, objective, &analysis, outcome) {
            if exempt && MEASURABILITY.contains(&finding.code.as_str()) {
                continue;
            }
            out.push(Finding { target: target.clone(), ..finding });
        }
    }
    out
}

/// The calibration profile the document stores, if any; `Err` says why it cannot be used.
pub fn document_profile(doc: &Document) -> Result<Option<Profile>, String> {
    match doc.curriculum.objective_profile.as_deref() {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(None),
        Some(text) => Profile::from_json(text, "the document's objective profile")
            .map(Some)
            .map_err(|e| format!("The document's objective-level profile cannot be used: {e}.")),
    }
}

fn objective_findings(
    doc: &Document,
    objective: &Objective,
    a: &ObjectiveAnalysis,
    outcome: bool,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = a
        .findings
        .iter()
        .filter(|f| match f.code.as_str() {
            codes::NO_AUDIENCE => {
                doc.curriculum.audience.trim().is_empty() && objective.abcd.audience.trim().is_empty()
            }
            codes::NO_CONDITION => !outcome && objective.abcd.condition.trim().is_empty(),
            codes::NO_DEGREE => !outcome && objective.abcd.degree.trim().is_empty(),
            // The designer has confirmed a level the wording supports.
            codes::AMBIGUOUS => {
                !(objective.level_source == LevelSource::Designer
                    && objective.level.is_some_and(|l| a.candidates.contains(&l)))
            }
            _ => true,
        })
        .cloned()
        .collect();
    match (objective.level, a.level) {
        (Some(stored), Some(_)) if !a.candidates.contains(&stored) => {
            let candidates: Vec<&str> = a.candidates.iter().map(|l| l.as_str()).collect();
            let source = match objective.level_source {
                LevelSource::Designer => "set by the designer",
                LevelSource::Inferred => "inferred earlier",
                LevelSource::Unset => "stored",
            };
            out.push(Finding {
                code: codes::LEVEL_DIFFERS.to_owned(),
                severity: Severity::Info,
                message: format!(
                    "The level {} ({source}) is not one the wording supports ({}).",
                    stored.as_str(),
                    candidates.join(", ")
                ),
                target: Target::default(),
                hint: format!(
                    "Either reword the objective with a {} verb, or confirm the level ({}).",
                    stored.as_str(),
                    a.rule
                ),
            });
        }
        (None, Some(suggested)) => out.push(Finding {
            code: codes::LEVEL_UNSET.to_owned(),
            severity: Severity::Info,
            message: format!("No level is set; the wording suggests {}.", suggested.as_str()),
            target: Target::default(),
            hint: format!("Confirm the suggested level ({}).", a.rule),
        }),
        _ => {}
    }
    out
}

fn short(statement: &str) -> String {
    let mut s: String = statement.chars().take(48).collect();
    if statement.chars().count() > 48 {
        s.push('…');
    }
    s
}
