//! A template's own checks: evaluating the `[[checks]]` rules a template declares
//! ([`CheckRule`]) on a document. [`crate::analysis::check`] runs them for the document's
//! template, resolved by the caller through a [`crate::pedagogy::templates::Catalog`] that
//! holds the built-in and the user's templates; parsing and validating the rules is
//! [`crate::pedagogy::templates`]'s job.
//!
//! Messages and hints fill in `{node}`, `{objective}`, `{assessment}`, `{activity}`, `{tag}`,
//! `{field}` and `{count}`; each finding carries the check's code and severity.

use std::collections::{HashMap, HashSet};

use crate::finding::{Finding, Target};
use crate::model::{Assessment, AssessmentFormat, Document, Index, Node, Objective};
use crate::pedagogy::FieldSpec;
use crate::pedagogy::templates::{CheckRule, Template, TemplateCheck, code_has_prefix};

/// Runs every check `template` declares on `doc`, in declaration order.
pub fn run(template: &Template, doc: &Document) -> Vec<Finding> {
    let index = doc.index();
    let assessed_by = assessed_objectives(doc);
    let mut out = Vec::new();
    for check in &template.checks {
        run_check(template, check, doc, &index, &assessed_by, &mut out);
    }
    out
}

fn run_check(
    template: &Template,
    check: &TemplateCheck,
    doc: &Document,
    index: &Index<'_>,
    assessed_by: &HashMap<String, Vec<AssessmentFormat>>,
    out: &mut Vec<Finding>,
) {
    fn nodes_of<'d>(doc: &'d Document, kind: &'d str) -> impl Iterator<Item = &'d Node> {
        doc.nodes.iter().filter(move |n| n.kind == kind)
    }
    let emit = |out: &mut Vec<Finding>, target: Target, vars: &[(&str, String)]| {
        let mut message = check.message.clone();
        let mut hint = check.hint.clone();
        for (k, v) in vars {
            message = message.replace(&format!("{{{k}}}"), v);
            hint = hint.replace(&format!("{{{k}}}"), v);
        }
        out.push(Finding { code: check.code.clone(), severity: check.severity, message, target, hint });
    };
    let node_target =
        |n: &Node| Target { kind: "node".to_owned(), id: Some(n.id.to_string()), path: index.path(n.id) };
    match &check.rule {
        CheckRule::RequiredField { node_kind, field } => {
            for n in nodes_of(doc, node_kind) {
                if !FieldSpec::is_filled(n.fields.get(field)) {
                    let label = template
                        .fields_of(node_kind)
                        .iter()
                        .find(|f| f.name() == field)
                        .map_or(field.clone(), |f| f.base().label.clone());
                    emit(out, node_target(n), &[("node", n.title.clone()), ("field", label)]);
                }
            }
        }
        CheckRule::MinObjectives { node_kind, min, code_prefix } => {
            for n in nodes_of(doc, node_kind) {
                let count = index
                    .objectives_of(n.id)
                    .filter(|o| code_prefix.as_deref().is_none_or(|p| code_has_prefix(&o.code, p)))
                    .count();
                if count < *min {
                    emit(out, node_target(n), &[("node", n.title.clone()), ("count", count.to_string())]);
                }
            }
        }
        CheckRule::MaxObjectives { node_kind, max } => {
            for n in nodes_of(doc, node_kind) {
                let count = index.objectives_of(n.id).count();
                if count > *max {
                    emit(out, node_target(n), &[("node", n.title.clone()), ("count", count.to_string())]);
                }
            }
        }
        CheckRule::ObjectiveLevelSet { node_kind } => {
            for o in &doc.objectives {
                let in_scope =
                    node_kind.as_deref().is_none_or(|k| index.node(o.node).is_some_and(|n| n.kind == k));
                if in_scope && o.level.is_none() {
                    emit(out, objective_target(index, o), &[("objective", objective_label(o))]);
                }
            }
        }
        CheckRule::ObjectivesAssessed { code_prefix, node_kind, format } => {
            for o in &doc.objectives {
                let in_scope = code_prefix.as_deref().is_none_or(|p| code_has_prefix(&o.code, p))
                    && node_kind.as_deref().is_none_or(|k| index.node(o.node).is_some_and(|n| n.kind == k));
                if !in_scope {
                    continue;
                }
                let assessed = assessed_by
                    .get(&o.id.to_string())
                    .is_some_and(|formats| format.is_none_or(|f| formats.contains(&f)));
                if !assessed {
                    emit(out, objective_target(index, o), &[("objective", objective_label(o))]);
                }
            }
        }
        CheckRule::AllTagsUsed { node_kind, tag_set } => {
            let Some(set) = template.tag_set(tag_set) else { return };
            for n in nodes_of(doc, node_kind) {
                let used: HashSet<&str> =
                    index.activities_of(n.id).filter_map(|a| a.event.as_deref()).collect();
                for tag in set.tags.iter().filter(|t| !used.contains(t.id.as_str())) {
                    emit(out, node_target(n), &[("node", n.title.clone()), ("tag", tag.label.clone())]);
                }
            }
        }
        CheckRule::TagsInOrder { node_kind, tag_set } => {
            let Some(set) = template.tag_set(tag_set) else { return };
            let rank: HashMap<&str, usize> =
                set.tags.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
            for n in nodes_of(doc, node_kind) {
                let mut highest: Option<(usize, &str)> = None;
                for a in index.activities_of(n.id) {
                    let Some(r) = a.event.as_deref().and_then(|e| rank.get(e).copied()) else { continue };
                    if let Some((h, after)) = highest.filter(|&(h, _)| r < h) {
                        let _ = h;
                        let tag = &set.tags[r].label;
                        emit(
                            out,
                            Target {
                                kind: "activity".to_owned(),
                                id: Some(a.id.to_string()),
                                path: format!("{} › {}", index.path(n.id), a.title),
                            },
                            &[
                                ("node", n.title.clone()),
                                ("activity", a.title.clone()),
                                ("tag", format!("{tag} after {after}")),
                            ],
                        );
                    } else {
                        highest = Some((r, &set.tags[r].label));
                    }
                }
            }
        }
        CheckRule::ActivitiesTagged { node_kind, tag_set } => {
            let Some(set) = template.tag_set(tag_set) else { return };
            for n in nodes_of(doc, node_kind) {
                for a in index.activities_of(n.id) {
                    let ok = a.event.as_deref().is_some_and(|e| set.tags.iter().any(|t| t.id == e));
                    if !ok {
                        emit(
                            out,
                            Target {
                                kind: "activity".to_owned(),
                                id: Some(a.id.to_string()),
                                path: format!("{} › {}", index.path(n.id), a.title),
                            },
                            &[
                                ("node", n.title.clone()),
                                ("activity", a.title.clone()),
                                ("tag", set.label.clone()),
                            ],
                        );
                    }
                }
            }
        }
        CheckRule::MinAssessments { node_kind, min, format, purpose } => {
            for n in nodes_of(doc, node_kind) {
                let count = index
                    .subtree(n.id)
                    .iter()
                    .flat_map(|s| index.assessments_of(s.id))
                    .filter(|a| {
                        format.is_none_or(|f| a.format == f) && purpose.is_none_or(|p| a.purpose == p)
                    })
                    .count();
                if count < *min {
                    emit(out, node_target(n), &[("node", n.title.clone()), ("count", count.to_string())]);
                }
            }
        }
        CheckRule::AssessmentsHaveRubric { format } => {
            for a in doc.assessments.iter().filter(|a| a.format == *format && a.rubric.is_none()) {
                emit(out, assessment_target(index, a), &[("assessment", a.title.clone())]);
            }
        }
        CheckRule::GraspsComplete {} => {
            for a in doc.assessments.iter().filter(|a| a.format == AssessmentFormat::PerformanceTask) {
                let missing: Vec<&str> = match &a.grasps {
                    None => vec!["goal", "role", "audience", "situation", "product", "standards"],
                    Some(g) => [
                        ("goal", &g.goal),
                        ("role", &g.role),
                        ("audience", &g.audience),
                        ("situation", &g.situation),
                        ("product", &g.product),
                        ("standards", &g.standards),
                    ]
                    .into_iter()
                    .filter(|(_, v)| v.trim().is_empty())
                    .map(|(k, _)| k)
                    .collect(),
                };
                if !missing.is_empty() {
                    emit(
                        out,
                        assessment_target(index, a),
                        &[("assessment", a.title.clone()), ("field", missing.join(", "))],
                    );
                }
            }
        }
        CheckRule::MasteryThreshold { node_kind } => {
            for a in &doc.assessments {
                let in_scope = node_kind.as_deref().is_none_or(|k| {
                    std::iter::once(a.node)
                        .chain(index.ancestors(a.node).iter().map(|n| n.id))
                        .any(|id| index.node(id).is_some_and(|n| n.kind == k))
                });
                if in_scope && a.mastery_score.is_none() {
                    emit(out, assessment_target(index, a), &[("assessment", a.title.clone())]);
                }
            }
        }
    }
}

/// Objective id → formats of the assessments that assess it (directly or through an item).
fn assessed_objectives(doc: &Document) -> HashMap<String, Vec<AssessmentFormat>> {
    let mut map: HashMap<String, Vec<AssessmentFormat>> = HashMap::new();
    for a in &doc.assessments {
        let ids = a.objectives.iter().chain(a.items.iter().flat_map(|i| i.objectives.iter()));
        for id in ids {
            map.entry(id.to_string()).or_default().push(a.format);
        }
    }
    map
}

fn objective_label(o: &Objective) -> String {
    if o.code.is_empty() {
        let mut s: String = o.statement.chars().take(60).collect();
        if o.statement.chars().count() > 60 {
            s.push('…');
        }
        s
    } else {
        format!("{} \"{}\"", o.code, o.statement.chars().take(60).collect::<String>())
    }
}

fn objective_target(index: &Index<'_>, o: &Objective) -> Target {
    let label = if o.code.is_empty() { objective_label(o) } else { o.code.clone() };
    Target {
        kind: "objective".to_owned(),
        id: Some(o.id.to_string()),
        path: format!("{} › {label}", index.path(o.node)),
    }
}

fn assessment_target(index: &Index<'_>, a: &Assessment) -> Target {
    Target {
        kind: "assessment".to_owned(),
        id: Some(a.id.to_string()),
        path: format!("{} › {}", index.path(a.node), a.title),
    }
}
