//! A Quality-Matters-style review checklist: for each alignment standard (QM Higher Education
//! Rubric, 7th ed., specific review standards 2.1, 2.2, 3.1, 3.3, 3.4, 3.5, 4.1, 5.1 and 2.5) and
//! for the curriculum-level questions a committee adds (sequence, workload, program map,
//! standards), whether it is met, and the evidence: counts from the document and the findings
//! that decide it. QM's own annotation text is licensed, so labels are our own words and only
//! the standard numbers are QM's.

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::model::{AssessmentPurpose, Document};
use crate::pedagogy::Template;

use super::context::{is_graded, is_material};
use super::{Ctx, Scope};

/// Whether a checklist item is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// No finding at or above the item's threshold.
    Met,
    /// At least one deciding finding.
    NotMet,
    /// Nothing to judge (e.g. no rubrics, no program outcomes).
    NotApplicable,
}

impl Status {
    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::NotApplicable => "not applicable",
        }
    }
}

/// One checklist line.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    /// Standard number (`QM 2.1`) or `Trellis` for curriculum-level items.
    pub standard: String,
    /// What is checked, in our words.
    pub title: String,
    /// Met, not met or not applicable.
    pub status: Status,
    /// Facts from the document supporting the verdict.
    pub evidence: Vec<String>,
    /// Finding codes (prefixes) that decide the item.
    pub codes: Vec<String>,
    /// Number of deciding findings.
    pub findings: usize,
}

/// Builds the checklist from a document and its findings (from [`super::check`]). `template`
/// is the document's template as resolved for that check (built-in or the user's); when it
/// declares checks, one more line says whether they pass.
pub fn checklist(doc: &Document, findings: &[Finding], template: Option<&Template>) -> Vec<ChecklistItem> {
    let cx = Ctx::new(doc);
    let course_objs = cx.objectives_in_scope(Scope::Course).count();
    let unit_objs =
        cx.objectives_in_scope(Scope::Unit).count() + cx.objectives_in_scope(Scope::Lesson).count();
    let courses = doc.nodes.iter().filter(|n| cx.scope(n.id) == Scope::Course).count();
    let non_program: Vec<_> =
        doc.objectives.iter().filter(|o| cx.objective_scope(o) != Scope::Program).collect();
    let assessed = non_program
        .iter()
        .filter(|o| {
            cx.support_closure(o.id).iter().any(|id| cx.evidence(*id).iter().any(|e| is_graded(e.assessment)))
        })
        .count();
    let practised = non_program
        .iter()
        .filter(|o| cx.support_closure(o.id).iter().any(|id| !cx.practice(*id).is_empty()))
        .count();
    let leveled = doc.objectives.iter().filter(|o| cx.level(o.id).is_some()).count();
    let materials: Vec<_> = doc.activities.iter().filter(|a| is_material(a.kind)).collect();
    let linked_materials = materials.iter().filter(|a| !a.objectives.is_empty()).count();
    let activities: Vec<_> = doc.activities.iter().filter(|a| !is_material(a.kind)).collect();
    let linked_activities = activities.iter().filter(|a| !a.objectives.is_empty()).count();
    let mut formats: Vec<String> =
        doc.assessments.iter().map(|a| words(&super::views::serde_name(&a.format))).collect();
    formats.sort();
    formats.dedup();
    let formative = doc.assessments.iter().filter(|a| a.purpose == AssessmentPurpose::Formative).count();
    let summative = doc.assessments.iter().filter(|a| a.purpose == AssessmentPurpose::Summative).count();
    let outcomes = cx.objectives_in_scope(Scope::Program).count();
    let prereqs: usize = doc.nodes.iter().map(|n| n.prerequisites.len()).sum();
    let items_total = doc.standard_items.len();

    let ped = pedagogy_codes(findings);
    let scopes: std::collections::HashMap<String, Scope> =
        doc.objectives.iter().map(|o| (o.id.to_string(), cx.objective_scope(o))).collect();
    let objective_scope = |f: &Finding| -> Option<Scope> { scopes.get(f.target.id.as_deref()?).copied() };
    let is_pedagogy = |f: &Finding| ped.contains(&f.code);
    let any = |_: &Finding| true;
    let open_tasks = doc.assessments.iter().filter(|a| needs_rubric(a)).count();
    let supporting = doc
        .objectives
        .iter()
        .filter(|o| matches!(cx.objective_scope(o), Scope::Unit | Scope::Lesson) && !o.supports.is_empty())
        .count();

    let mut out = vec![
        item(
            Rule {
                standard: "QM 2.1",
                title: "Course-level objectives describe outcomes that can be measured",
                applicable: courses > 0 || course_objs > 0,
                codes: &["QM2.1-", WORDING],
                threshold: Severity::Warning,
            },
            findings,
            &|f| {
                f.code.starts_with("QM2.1-") || (is_pedagogy(f) && objective_scope(f) == Some(Scope::Course))
            },
            vec![format!(
                "{course_objs} course objective(s) in {courses} course(s); {leveled} of {} objectives have a cognitive level.",
                doc.objectives.len()
            )],
        ),
        item(
            Rule {
                standard: "QM 2.2",
                title: "Unit objectives are measurable and support the course objectives",
                applicable: unit_objs > 0 || doc.nodes.iter().any(|n| cx.scope(n.id) == Scope::Unit),
                codes: &["QM2.2-", "A8-", WORDING],
                threshold: Severity::Warning,
            },
            findings,
            &|f| {
                f.code.starts_with("QM2.2-")
                    || f.code.starts_with("A8-")
                    || (is_pedagogy(f) && matches!(objective_scope(f), Some(Scope::Unit | Scope::Lesson)))
            },
            vec![format!(
                "{unit_objs} unit and lesson objective(s); {supporting} of them support a higher objective."
            )],
        ),
        item(
            Rule {
                standard: "QM 2.5",
                title: "Objectives suit the level of the course",
                applicable: leveled > 0,
                codes: &["A11-"],
                threshold: Severity::Info,
            },
            findings,
            &any,
            vec![format!(
                "Level of the curriculum: {}.",
                if doc.curriculum.level.is_empty() { "not stated" } else { &doc.curriculum.level }
            )],
        ),
        item(
            Rule {
                standard: "QM 3.1",
                title: "Assessments measure the stated objectives",
                applicable: !doc.objectives.is_empty(),
                codes: &["A1-", "A2-", "A5-assessment", "A5-item", "A10-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![
                format!(
                    "{assessed} of {} objectives are measured by a graded assessment (directly or through supporting objectives).",
                    non_program.len()
                ),
                format!(
                    "{} assessments ({summative} summative, {formative} formative).",
                    doc.assessments.len()
                ),
            ],
        ),
        item(
            Rule {
                standard: "QM 3.3",
                title: "Specific, descriptive criteria are given for graded work",
                applicable: !doc.rubrics.is_empty() || open_tasks > 0,
                codes: &["R1-", "R2-", "R3-", "R10-"],
                threshold: Severity::Info,
            },
            findings,
            &|f| f.severity >= Severity::Warning || f.code.starts_with("R10-"),
            vec![format!("{} rubric(s); {open_tasks} graded task(s) judged by a person.", doc.rubrics.len())],
        ),
        item(
            Rule {
                standard: "QM 3.4",
                title: "Assessments are varied and spaced",
                applicable: !doc.assessments.is_empty(),
                codes: &["W4-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![format!("{} assessment format(s): {}.", formats.len(), formats.join(", "))],
        ),
        simple(
            "QM 3.5",
            "Learners get several chances to check their progress",
            !doc.assessments.is_empty(),
            formative > 0,
            vec![format!("{formative} formative and {summative} summative assessment(s).")],
        ),
        item(
            Rule {
                standard: "QM 4.1",
                title: "Instructional materials contribute to the objectives",
                applicable: !materials.is_empty(),
                codes: &["A9-"],
                threshold: Severity::Info,
            },
            findings,
            &any,
            vec![format!("{linked_materials} of {} materials are linked to objectives.", materials.len())],
        ),
        item(
            Rule {
                standard: "QM 5.1",
                title: "Learning activities help learners reach the objectives",
                applicable: !doc.objectives.is_empty(),
                codes: &["A3-", "A4-", "A6-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![
                format!("{linked_activities} of {} activities are linked to objectives.", activities.len()),
                format!("{practised} of {} objectives are practised by an activity.", non_program.len()),
            ],
        ),
        item(
            Rule {
                standard: "QM 8",
                title: "Learner-facing content is accessible (WCAG 2.2 AA)",
                applicable: !doc.nodes.is_empty(),
                codes: &["AX"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec!["Text alternatives, headings, tables, link text, captions, contrast, language and time limits checked (AX1–AX11).".to_owned()],
        ),
        item(
            Rule {
                standard: "Trellis",
                title: "Prerequisites form a sequence the outline follows",
                applicable: prereqs > 0 || doc.objectives.iter().any(|o| !o.prerequisites.is_empty()),
                codes: &["S1-", "S2-", "S3-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![format!("{prereqs} prerequisite link(s) between nodes.")],
        ),
        item(
            Rule {
                standard: "Trellis",
                title: "Student workload matches the credits",
                applicable: doc.curriculum.credits.is_some(),
                codes: &["W1-", "W3-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![match doc.curriculum.credits {
                Some(c) => format!("{} credit(s) ({}).", super::alignment::fmt_num(c), credit_name(doc)),
                None => "No credits stated.".to_owned(),
            }],
        ),
        item(
            Rule {
                standard: "Trellis",
                title: "Every program outcome is introduced, reinforced and mastered",
                applicable: outcomes > 0,
                codes: &["C3-", "C4-", "C5-", "C7-", "C8-", "C10-", "C11-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![format!("{outcomes} program outcome(s).")],
        ),
        item(
            Rule {
                standard: "Trellis",
                title: "The standards the curriculum aligns to are covered",
                applicable: items_total > 0,
                codes: &["C1-"],
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![format!("{items_total} framework item(s) in {} framework(s).", doc.frameworks.len())],
        ),
    ];
    if let Some(t) = template
        && !t.checks.is_empty()
    {
        let codes: Vec<&str> = t.checks.iter().map(|c| c.code.as_str()).collect();
        let title = format!("The checks of the “{}” template pass", t.name);
        out.push(item(
            Rule {
                standard: "Template",
                title: &title,
                applicable: true,
                codes: &codes,
                threshold: Severity::Warning,
            },
            findings,
            &any,
            vec![format!("{} check(s) declared by the template.", t.checks.len())],
        ));
    }
    // Variety is part of 3.4: one format only is not met, whatever the findings say.
    if formats.len() < 2
        && let Some(i) = out.iter_mut().find(|i| i.standard == "QM 3.4" && i.status == Status::Met)
    {
        i.status = Status::NotMet;
        i.evidence.push("Only one assessment format is used.".into());
    }
    out
}

/// `performanceTask` → `performance task`.
fn words(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn credit_name(doc: &Document) -> &'static str {
    match doc.curriculum.credit_system {
        crate::model::CreditSystem::UsCreditHours => "US semester credit hours",
        crate::model::CreditSystem::Ects => "ECTS",
        crate::model::CreditSystem::None => "no credit system",
    }
}

/// Stands for the objective-wording findings of the pedagogy engine in a rule's code list.
const WORDING: &str = "(objective wording)";

struct Rule<'r> {
    standard: &'r str,
    title: &'r str,
    applicable: bool,
    codes: &'r [&'r str],
    threshold: Severity,
}

fn item(
    rule: Rule,
    findings: &[Finding],
    filter: &dyn Fn(&Finding) -> bool,
    mut evidence: Vec<String>,
) -> ChecklistItem {
    let deciding: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= rule.threshold && filter(f))
        // Objective-wording findings have the pedagogy engine's codes; the filter selects them.
        .filter(|f| rule.codes.iter().any(|c| f.code.starts_with(c)) || rule.codes.contains(&WORDING))
        .collect();
    let status = if !rule.applicable {
        Status::NotApplicable
    } else if deciding.is_empty() {
        Status::Met
    } else {
        Status::NotMet
    };
    if !deciding.is_empty() {
        let mut by_code: Vec<(String, usize)> = Vec::new();
        for f in &deciding {
            match by_code.iter_mut().find(|(c, _)| *c == f.code) {
                Some(e) => e.1 += 1,
                None => by_code.push((f.code.clone(), 1)),
            }
        }
        evidence.push(format!(
            "Findings: {}.",
            by_code.iter().map(|(c, n)| format!("{c} × {n}")).collect::<Vec<_>>().join(", ")
        ));
    }
    ChecklistItem {
        standard: rule.standard.to_owned(),
        title: rule.title.to_owned(),
        status,
        evidence,
        codes: rule.codes.iter().map(|c| (*c).to_owned()).collect(),
        findings: deciding.len(),
    }
}

fn simple(standard: &str, title: &str, applicable: bool, met: bool, evidence: Vec<String>) -> ChecklistItem {
    ChecklistItem {
        standard: standard.to_owned(),
        title: title.to_owned(),
        status: if !applicable {
            Status::NotApplicable
        } else if met {
            Status::Met
        } else {
            Status::NotMet
        },
        evidence,
        codes: Vec::new(),
        findings: 0,
    }
}

/// Assessments graded by judgement (tasks, projects, assignments, discussions) that should
/// come with descriptive criteria.
pub(crate) fn needs_rubric(a: &crate::model::Assessment) -> bool {
    use crate::model::AssessmentFormat as F;
    is_graded(a) && matches!(a.format, F::PerformanceTask | F::Project | F::Assignment | F::Discussion)
}

/// Codes of objective-wording findings: the pedagogy engine's `O<n>-…` codes.
fn pedagogy_codes(findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.code.strip_prefix('O').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(|f| f.code.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}
