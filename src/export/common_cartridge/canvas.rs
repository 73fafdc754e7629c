//! The Canvas profile of a Common Cartridge: the files Canvas itself writes next to the standard
//! ones (`course_settings/`), so that a Canvas import creates Outcomes (the objectives, grouped
//! by outline node, with a mastery scale), Rubrics whose criteria are linked to those outcomes,
//! assignments and quizzes that use them, assignment groups per purpose, and modules in outline
//! order with prerequisites.
//!
//! The shapes follow Canvas's own exports (see the samples in `shared/samples/cc/`): the flag
//! file `course_settings/canvas_export.txt` makes Canvas read the package as a Canvas cartridge,
//! quizzes are read from `non_cc_assessments/*.xml.qti` plus `assessment_meta.xml`, and
//! assignment settings (rubric, group, points) from an `assignment_settings.xml` next to the
//! assignment's HTML. A spaced-review plan with a start date becomes calendar events
//! (`course_settings/events.xml`, one per review day, naming the objectives to retrieve); without
//! a plan, or without a start date, the file is not written. The Canvas namespace has no published schema, so these files are only
//! checked for being well-formed; everything the CC schemas cover stays valid.

use super::{FROM_SUBDIR, LeafKind, OrgNode, Res, Run};
use crate::Result;
use crate::export::html::Page;
use crate::export::lower::{AssessmentView, ExportContext, ident, ident_with, relink_assets};
use crate::export::qti::{self, QtiFlavour};
use crate::export::xml::{XmlWriter, number};
use crate::export::{option, option_base};
use crate::model::{AssessmentFormat, AssessmentPurpose, Rubric};
use crate::pedagogy::FieldSpec;

const NS: &str = "http://canvas.instructure.com/xsd/cccv1p0";
const XSD: &str = "https://canvas.instructure.com/xsd/cccv1p0.xsd";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Canvas's default outcome scale, used for objectives no rubric measures.
const DEFAULT_SCALE: [(&str, f64); 5] = [
    ("Exceeds Mastery", 4.0),
    ("Meets Mastery", 3.0),
    ("Near Mastery", 2.0),
    ("Below Mastery", 1.0),
    ("No Evidence", 0.0),
];
const DEFAULT_MASTERY: f64 = 3.0;
/// Share of a rubric's top level that counts as mastery when nothing else says so.
const DEFAULT_MASTERY_SHARE: f64 = 0.75;

fn start(w: &mut XmlWriter, root: &str, identifier: Option<&str>) {
    let location = format!("{NS} {XSD}");
    let mut attrs = Vec::new();
    if let Some(id) = identifier {
        attrs.push(("identifier", id));
    }
    attrs.extend([("xmlns", NS), ("xmlns:xsi", XSI), ("xsi:schemaLocation", location.as_str())]);
    w.start(root, &attrs);
}

/// The `publish` option (Canvas profile only).
pub(super) fn publish_spec() -> FieldSpec {
    FieldSpec::Toggle {
        base: option_base(
            option::PUBLISH,
            "Publish in Canvas",
            "Canvas profile only: modules, pages, assignments and quizzes arrive published instead of unpublished.",
            Some(serde_json::Value::Bool(false)),
        ),
    }
}

/// `published` when the export option `publish` is on, otherwise `unpublished`.
pub(super) fn workflow(cx: &ExportContext<'_>, published: &'static str) -> &'static str {
    let publish =
        cx.options.values.get(option::PUBLISH).and_then(serde_json::Value::as_bool).unwrap_or(false);
    if publish { published } else { "unpublished" }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn group_ident(cx: &ExportContext<'_>, purpose: AssessmentPurpose) -> String {
    let tag = match purpose {
        AssessmentPurpose::Diagnostic => "group_diagnostic",
        AssessmentPurpose::Formative => "group_formative",
        AssessmentPurpose::Summative => "group_summative",
    };
    ident_with(cx.doc.curriculum.id.0, tag)
}

/// Position of an assessment among all assessments (Canvas orders assignments by it).
fn position(cx: &ExportContext<'_>, a: &AssessmentView<'_>) -> usize {
    cx.assessments.iter().position(|x| x.ident == a.ident).map(|p| p + 1).unwrap_or(1)
}

/// Writes `assessment_meta.xml` and the Canvas-flavoured QTI for quiz `i`; returns the
/// identifier of the resource holding them (the quiz resource depends on it).
pub(super) fn quiz_files(run: &mut Run<'_, '_>, i: usize) -> Result<String> {
    let cx = run.cx;
    let a = &cx.assessments[i];
    let meta_ident = ident_with(a.assessment.id.0, "meta");
    let meta_path = format!("{}/assessment_meta.xml", a.ident);
    let qti_path = format!("non_cc_assessments/{}.xml.qti", a.ident);
    let exam = a.assessment.format == AssessmentFormat::Exam;
    let points = number(a.points.unwrap_or(0.0));

    let mut w = XmlWriter::new();
    start(&mut w, "quiz", Some(&a.ident));
    w.text("title", &a.title);
    w.text("description", &relink_assets(&a.instructions_html, FROM_SUBDIR));
    w.text("shuffle_answers", "false");
    w.text("scoring_policy", "keep_highest");
    let quiz_type =
        if a.assessment.purpose == AssessmentPurpose::Diagnostic { "practice_quiz" } else { "assignment" };
    w.text("quiz_type", quiz_type);
    w.text("points_possible", &points);
    w.text("allowed_attempts", if exam { "1" } else { "-1" });
    if let Some(minutes) = a.assessment.duration_minutes
        && exam
    {
        w.text("time_limit", &minutes.to_string());
    }
    w.text("show_correct_answers", bool_text(!exam));
    w.text("one_question_at_a_time", "false");
    w.text("cant_go_back", "false");
    w.text("available", bool_text(workflow(cx, "published") == "published"));
    if quiz_type == "assignment" {
        w.start("assignment", &[("identifier", &ident_with(a.assessment.id.0, "assignment"))]);
        w.text("title", &a.title);
        w.text("workflow_state", workflow(cx, "published"));
        w.text("assignment_group_identifierref", &group_ident(cx, a.assessment.purpose));
        w.text("quiz_identifierref", &a.ident);
        w.text("points_possible", &points);
        w.text("grading_type", "points");
        w.text("submission_types", "online_quiz");
        w.text("position", &position(cx, a).to_string());
        w.end();
    }
    // The group says the purpose (and lets an import tell a formative quiz from a summative one).
    w.text("assignment_group_identifierref", &group_ident(cx, a.assessment.purpose));
    run.write(&meta_path, w.finish().as_bytes())?;

    let (xml, _) = qti::assessment_xml(cx, a, QtiFlavour::Canvas, FROM_SUBDIR);
    run.write(&qti_path, xml.as_bytes())?;
    run.resources.push(Res {
        ident: meta_ident.clone(),
        kind: run.spec.t_app.into(),
        href: Some(meta_path.clone()),
        files: vec![meta_path, qti_path],
        deps: Vec::new(),
        objectives: Vec::new(),
    });
    Ok(meta_ident)
}

/// Writes Canvas's `topicMeta` of graded discussion `i` (the topic and its assignment: points,
/// group, grading type); returns the identifier of the resource holding it (the topic resource
/// depends on it, as in Canvas's own exports).
pub(super) fn topic_meta(run: &mut Run<'_, '_>, i: usize) -> Result<String> {
    let cx = run.cx;
    let a = &cx.assessments[i];
    let meta_ident = ident_with(a.assessment.id.0, "meta");
    let path = format!("{}/topic_meta.xml", a.ident);
    let mut w = XmlWriter::new();
    start(&mut w, "topicMeta", Some(&meta_ident));
    w.text("topic_id", &a.ident);
    w.text("title", &a.title);
    w.text("type", "topic");
    w.text("discussion_type", "threaded");
    w.text("workflow_state", workflow(cx, "active"));
    w.start("assignment", &[("identifier", &ident_with(a.assessment.id.0, "assignment"))]);
    w.text("title", &a.title);
    w.text("workflow_state", workflow(cx, "published"));
    w.text("assignment_group_identifierref", &group_ident(cx, a.assessment.purpose));
    w.text("points_possible", &number(a.points.unwrap_or(0.0)));
    w.text("grading_type", "points");
    w.text("submission_types", "discussion_topic");
    w.text("position", &position(cx, a).to_string());
    w.end();
    run.write(&path, w.finish().as_bytes())?;
    run.resources.push(Res {
        ident: meta_ident.clone(),
        kind: run.spec.t_app.into(),
        href: Some(path.clone()),
        files: vec![path],
        deps: Vec::new(),
        objectives: Vec::new(),
    });
    Ok(meta_ident)
}

/// Writes `assignment_settings.xml` and the assignment's HTML for assessment `i`; returns the
/// identifier of the resource holding them and the path of the HTML.
pub(super) fn assignment_files(run: &mut Run<'_, '_>, i: usize, body: &str) -> Result<(String, String)> {
    let cx = run.cx;
    let a = &cx.assessments[i];
    let settings_ident = ident_with(a.assessment.id.0, "settings");
    let settings_path = format!("{}/assignment_settings.xml", a.ident);
    let html_path = format!("{}/{}.html", a.ident, crate::export::html::slug(&a.title));

    let mut w = XmlWriter::new();
    start(&mut w, "assignment", Some(&a.ident));
    w.text("title", &a.title);
    w.text("workflow_state", workflow(cx, "published"));
    w.text("assignment_group_identifierref", &group_ident(cx, a.assessment.purpose));
    if let Some(r) = a.rubric {
        w.text("rubric_identifierref", &cx.rubrics[r].ident);
        w.text("rubric_use_for_grading", "true");
        w.text("rubric_hide_score_total", "false");
        w.text("rubric_hide_points", "false");
        w.text("rubric_hide_outcome_results", "false");
    }
    if let Some(points) = a.points {
        w.text("points_possible", &number(points));
    }
    w.text("grading_type", "points");
    w.text("submission_types", "online_text_entry,online_upload,online_url");
    w.text("position", &position(cx, a).to_string());
    w.text("peer_reviews", "false");
    w.text("omit_from_final_grade", bool_text(a.assessment.purpose == AssessmentPurpose::Diagnostic));
    run.write(&settings_path, w.finish().as_bytes())?;

    let stylesheet = format!("{FROM_SUBDIR}trellis.css");
    let page = Page {
        title: &a.title,
        lang: &cx.language,
        stylesheet: &stylesheet,
        meta: Vec::new(),
        body: relink_assets(body, FROM_SUBDIR),
    }
    .render();
    run.write(&html_path, page.as_bytes())?;
    run.resources.push(Res {
        ident: settings_ident.clone(),
        kind: run.spec.t_app.into(),
        href: Some(settings_path.clone()),
        files: vec![settings_path, html_path.clone()],
        deps: vec![run.files_ident.clone()],
        objectives: Vec::new(),
    });
    Ok((settings_ident, html_path))
}

/// Writes the course-level Canvas files and their resource.
pub(super) fn course_files(run: &mut Run<'_, '_>, org: &[OrgNode]) -> Result<()> {
    let cx = run.cx;
    let mut files = Vec::new();
    let mut put = |run: &mut Run<'_, '_>, name: &str, text: String| -> Result<()> {
        let path = format!("course_settings/{name}");
        run.write(&path, text.as_bytes())?;
        files.push(path);
        Ok(())
    };
    put(run, "course_settings.xml", course_settings(cx))?;
    put(run, "module_meta.xml", module_meta(cx, org))?;
    put(run, "assignment_groups.xml", assignment_groups(cx))?;
    put(run, "learning_outcomes.xml", learning_outcomes(cx))?;
    put(run, "rubrics.xml", rubrics(cx))?;
    if let Some(events) = review_events(cx) {
        put(run, "events.xml", events)?;
    }
    put(run, "canvas_export.txt", "Exported by Trellis for Canvas.\n".to_owned())?;
    // Canvas finds its files through a resource whose href is the flag file.
    run.resources.push(Res {
        ident: ident_with(cx.doc.curriculum.id.0, "canvas"),
        kind: run.spec.t_app.into(),
        href: Some("course_settings/canvas_export.txt".into()),
        files,
        deps: Vec::new(),
        objectives: Vec::new(),
    });
    Ok(())
}

/// The spaced-review plan as Canvas calendar events: one event per day on which objectives come
/// back (inside the course), titled with their codes, lasting the plan's minutes per objective.
/// `None` without an enabled plan with a start date.
fn review_events(cx: &ExportContext<'_>) -> Option<String> {
    let schedule = crate::analysis::spaced::plan(cx.doc)?;
    let plan = cx.doc.curriculum.review_plan.as_ref()?;
    plan.start_date.as_ref()?;
    let mut days: std::collections::BTreeMap<&str, Vec<(&str, usize)>> = std::collections::BTreeMap::new();
    for o in &schedule.objectives {
        let statement = cx.objective_index(o.objective).unwrap_or(usize::MAX);
        for r in o.reviews.iter().filter(|r| r.within_course) {
            if let Some(date) = r.date.as_deref() {
                days.entry(date).or_default().push((o.label.as_str(), statement));
            }
        }
    }
    let mut w = XmlWriter::new();
    start(&mut w, "events", None);
    for (date, objectives) in &days {
        let codes: Vec<&str> = objectives.iter().map(|(label, _)| *label).collect();
        // From 9:00, at most until 23:00.
        let minutes = plan.minutes_per_review.saturating_mul(objectives.len() as u32).clamp(1, 14 * 60);
        let (h, m) = (9 + minutes / 60, minutes % 60);
        let mut description =
            String::from("<p>Retrieval practice: recall, without notes, what you learnt about</p><ul>");
        for (label, i) in objectives {
            let text = cx.objectives.get(*i).map(|o| o.objective.statement.trim()).unwrap_or_default();
            description.push_str(&format!(
                "<li><strong>{}</strong> {}</li>",
                crate::export::xml::escape(label),
                crate::export::xml::escape(text)
            ));
        }
        description.push_str("</ul>");
        let ident = ident_with(cx.doc.curriculum.id.0, &format!("review{}", date.replace('-', "")));
        w.start("event", &[("identifier", &ident)]);
        w.text("title", &format!("Spaced review: {}", codes.join(", ")));
        w.text("description", &description);
        w.text("start_at", &format!("{date}T09:00:00"));
        w.text("end_at", &format!("{date}T{h:02}:{m:02}:00"));
        w.end();
    }
    Some(w.finish())
}

fn course_settings(cx: &ExportContext<'_>) -> String {
    let c = &cx.doc.curriculum;
    let mut w = XmlWriter::new();
    start(&mut w, "course", Some(&ident_with(c.id.0, "course")));
    w.text("title", &cx.title);
    // Canvas falls back to the title for a course without a code; writing the title here would
    // give the course a code it did not have when the package is imported again.
    if !c.code.trim().is_empty() {
        w.text("course_code", c.code.trim());
    }
    w.text("is_public", "false");
    w.text("default_view", "modules");
    w.text("license", "private");
    w.text("locale", &cx.language);
    w.finish()
}

fn module_meta(cx: &ExportContext<'_>, org: &[OrgNode]) -> String {
    let mut w = XmlWriter::new();
    start(&mut w, "modules", None);
    let module_of_node = |node: usize| -> Option<&OrgNode> {
        org.iter().find(|m| matches!(m, OrgNode::Folder { node: n, ident, .. } if *n == node && *ident == cx.nodes[node].ident))
    };
    for (position, module) in org.iter().enumerate() {
        let OrgNode::Folder { ident, title, node, children } = module else { continue };
        w.start("module", &[("identifier", ident)]);
        w.text("title", title);
        w.text("workflow_state", workflow(cx, "active"));
        w.text("position", &(position + 1).to_string());
        w.text("require_sequential_progress", "false");
        w.text("locked", "false");
        let prereqs: Vec<&OrgNode> = cx.nodes[*node]
            .node
            .prerequisites
            .iter()
            .filter_map(|p| cx.node_index(*p))
            .filter_map(module_of_node)
            .collect();
        if !prereqs.is_empty() {
            w.start("prerequisites", &[]);
            for p in prereqs {
                if let OrgNode::Folder { ident, title, .. } = p {
                    w.start("prerequisite", &[("type", "context_module")]);
                    w.text("title", title);
                    w.text("identifierref", ident);
                    w.end();
                }
            }
            w.end();
        }
        w.start("items", &[]);
        let mut counter = 0;
        for child in children {
            module_items(cx, &mut w, child, 0, &mut counter);
        }
        w.end();
        w.end();
    }
    w.finish()
}

fn module_items(
    cx: &ExportContext<'_>,
    w: &mut XmlWriter,
    node: &OrgNode,
    indent: usize,
    position: &mut usize,
) {
    *position += 1;
    match node {
        OrgNode::Folder { ident, title, children, .. } => {
            w.start("item", &[("identifier", ident)]);
            w.text("content_type", "ContextModuleSubHeader");
            w.text("workflow_state", workflow(cx, "active"));
            w.text("title", title);
            w.text("position", &position.to_string());
            w.text("indent", &indent.min(5).to_string());
            w.end();
            for child in children {
                module_items(cx, w, child, indent + 1, position);
            }
        }
        OrgNode::Leaf { ident, title, resource, kind } => {
            let content_type = match kind {
                LeafKind::Page => "WikiPage",
                LeafKind::Topic => "DiscussionTopic",
                LeafKind::WebLink(_) => "ExternalUrl",
                LeafKind::Lti(_) => "ContextExternalTool",
                LeafKind::File => "Attachment",
                LeafKind::Quiz => "Quizzes::Quiz",
                LeafKind::Assignment => "Assignment",
            };
            w.start("item", &[("identifier", ident)]);
            w.text("content_type", content_type);
            w.text("workflow_state", workflow(cx, "active"));
            w.text("title", title);
            w.text("identifierref", resource);
            match kind {
                LeafKind::WebLink(url) => {
                    w.text("url", url);
                    w.text("new_tab", "true");
                }
                LeafKind::Lti(url) => {
                    w.text("url", url);
                }
                _ => {}
            }
            w.text("position", &position.to_string());
            w.text("indent", &indent.min(5).to_string());
            w.end();
        }
    }
}

fn assignment_groups(cx: &ExportContext<'_>) -> String {
    let mut w = XmlWriter::new();
    start(&mut w, "assignmentGroups", None);
    let purposes = [
        (AssessmentPurpose::Summative, "Summative assessments"),
        (AssessmentPurpose::Formative, "Formative assessments"),
        (AssessmentPurpose::Diagnostic, "Diagnostic assessments"),
    ];
    let mut position = 0;
    for (purpose, title) in purposes {
        let members: Vec<&AssessmentView<'_>> =
            cx.assessments.iter().filter(|a| a.assessment.purpose == purpose).collect();
        if members.is_empty() {
            continue;
        }
        position += 1;
        let weight: f64 = members.iter().filter_map(|a| a.assessment.weight).sum();
        w.start("assignmentGroup", &[("identifier", &group_ident(cx, purpose))]);
        w.text("title", title);
        w.text("position", &position.to_string());
        w.text("group_weight", &number(weight));
        w.end();
    }
    w.finish()
}

/// The scale an objective is judged on: the levels of `rubric`, the first rubric with a
/// criterion that measures it ([`OutcomeIndex`]), best first as Canvas lists ratings, and the
/// points that count as mastery; without one, Canvas's default scale.
pub(crate) fn outcome_scale(cx: &ExportContext<'_>, rubric: Option<usize>) -> (Vec<(String, f64)>, f64) {
    if let Some(r) = rubric.map(|r| &cx.rubrics[r]) {
        let ratings = r.rubric.levels.iter().rev().map(|l| (l.label.clone(), l.points)).collect();
        return (ratings, mastery_points(r.rubric, mastery_share(cx, r.rubric)));
    }
    (DEFAULT_SCALE.iter().map(|(l, p)| ((*l).to_owned(), *p)).collect(), DEFAULT_MASTERY)
}

/// The mastery share for a rubric: the mastery score of an assessment that uses it, else 75 %.
fn mastery_share(cx: &ExportContext<'_>, rubric: &Rubric) -> f64 {
    cx.assessments
        .iter()
        .filter(|a| a.assessment.rubric == Some(rubric.id))
        .find_map(|a| a.assessment.mastery_score)
        .unwrap_or(DEFAULT_MASTERY_SHARE)
}

/// Points of the lowest level that reaches `share` of the top level.
fn mastery_points(rubric: &Rubric, share: f64) -> f64 {
    let best = rubric.levels.iter().map(|l| l.points).fold(0.0_f64, f64::max);
    let mut points: Vec<f64> = rubric.levels.iter().map(|l| l.points).collect();
    points.sort_by(f64::total_cmp);
    points.into_iter().find(|p| *p >= share * best - 1e-9).unwrap_or(best)
}

fn learning_outcomes(cx: &ExportContext<'_>) -> String {
    let mut w = XmlWriter::new();
    start(&mut w, "learningOutcomes", None);
    // Groups follow the outline; only nodes with objectives somewhere below them appear.
    let has_objectives: Vec<bool> = {
        let mut flags: Vec<bool> = cx.nodes.iter().map(|n| !n.objectives.is_empty()).collect();
        for i in (0..cx.nodes.len()).rev() {
            if flags[i]
                && let Some(p) = cx.nodes[i].parent
            {
                flags[p] = true;
            }
        }
        flags
    };
    let index = OutcomeIndex::new(cx);
    for root in cx.roots().collect::<Vec<_>>() {
        outcome_group(cx, &mut w, root, &has_objectives, &index);
    }
    w.finish()
}

/// What the outcome entries look up per objective, gathered in one pass over the assessments
/// and rubrics (looking it up per objective made the file quadratic in the curriculum's size).
pub(crate) struct OutcomeIndex {
    /// Per objective: the assessments (in order) that measure it directly or through an item,
    /// discussions left out.
    aligned: Vec<Vec<usize>>,
    /// Per objective: the first rubric with levels one of whose criteria is aligned to it.
    pub(crate) rubric: Vec<Option<usize>>,
}

impl OutcomeIndex {
    pub(crate) fn new(cx: &ExportContext<'_>) -> Self {
        let mut aligned = vec![Vec::new(); cx.objectives.len()];
        for (i, a) in cx.assessments.iter().enumerate() {
            if a.assessment.format == AssessmentFormat::Discussion {
                continue;
            }
            let mut measured: Vec<usize> = a
                .objectives
                .iter()
                .chain(a.items.iter().flat_map(|item| item.objectives.iter()))
                .copied()
                .collect();
            measured.sort_unstable();
            measured.dedup();
            for o in measured {
                if let Some(list) = aligned.get_mut(o) {
                    list.push(i);
                }
            }
        }
        let mut rubric = vec![None; cx.objectives.len()];
        for (i, r) in cx.rubrics.iter().enumerate() {
            if r.rubric.levels.is_empty() {
                continue;
            }
            for o in r.criterion_objectives.iter().flatten() {
                if let Some(slot @ None) = rubric.get_mut(*o) {
                    *slot = Some(i);
                }
            }
        }
        OutcomeIndex { aligned, rubric }
    }
}

fn outcome_group(
    cx: &ExportContext<'_>,
    w: &mut XmlWriter,
    node: usize,
    has_objectives: &[bool],
    index: &OutcomeIndex,
) {
    if !has_objectives[node] {
        return;
    }
    let n = &cx.nodes[node];
    w.start("learningOutcomeGroup", &[("identifier", &ident_with(n.node.id.0, "outcomes"))]);
    w.text("title", &n.title);
    w.start("learningOutcomes", &[]);
    for &o in &n.objectives {
        outcome(cx, w, o, index);
    }
    for &child in &n.children {
        outcome_group(cx, w, child, has_objectives, index);
    }
    w.end();
    w.end();
}

fn outcome(cx: &ExportContext<'_>, w: &mut XmlWriter, o: usize, index: &OutcomeIndex) {
    let view = &cx.objectives[o];
    let obj = view.objective;
    let statement = obj.statement.trim();
    let mut title = if obj.code.trim().is_empty() {
        statement.to_owned()
    } else {
        format!("{} {statement}", obj.code.trim())
    };
    if title.chars().count() > 250 {
        title = title.chars().take(249).collect::<String>() + "…";
    }
    let mut description = format!("<p>{}</p>", crate::export::xml::escape(statement));
    if let Some(level) = obj.level {
        description.push_str(&format!("<p>Cognitive level: {}</p>", level.as_str()));
    }
    let (mut scale, mut mastery) = outcome_scale(cx, index.rubric[o]);
    let mut best = scale.iter().map(|(_, p)| *p).fold(0.0_f64, f64::max);
    let policy =
        cx.options.mastery.as_ref().map(|m| m.policy_for(obj.id.0)).filter(|p| !is_canvas_default(p));
    let (method, calculation_int) = match policy {
        // Without a policy of its own (none in the document, or the default one): Canvas's
        // defaults and the scale of the rubric that measures it, as before.
        None => ("decaying_average", Some(65)),
        Some(policy) => {
            policy_scale(policy, &mut scale, &mut best);
            mastery = policy.mastery_points;
            canvas_calculation(policy)
        }
    };
    w.start("learningOutcome", &[("identifier", &view.ident)]);
    w.text("title", &title);
    w.text("description", &description);
    w.text("calculation_method", method);
    if let Some(int) = calculation_int {
        w.text("calculation_int", &int.to_string());
    }
    w.text("vendor_guid", &obj.id.to_string());
    // Alignments: every assessment that measures the objective (directly or through an item).
    let aligned: Vec<&AssessmentView<'_>> = index.aligned[o].iter().map(|&a| &cx.assessments[a]).collect();
    if !aligned.is_empty() {
        w.start("alignments", &[]);
        for (position, a) in aligned.iter().enumerate() {
            let content_id = if matches!(a.assessment.format, AssessmentFormat::Quiz | AssessmentFormat::Exam)
            {
                ident_with(a.assessment.id.0, "assignment")
            } else {
                a.ident.clone()
            };
            w.start("alignment", &[]);
            w.text("content_type", "Assignment");
            w.text("content_id", &content_id);
            w.text("mastery_type", "points_mastery");
            if let Some(score) = a.assessment.mastery_score {
                w.text("mastery_score", &number(score));
            }
            w.text("position", &(position + 1).to_string());
            w.end();
        }
        w.end();
    }
    w.text("points_possible", &number(best));
    w.text("mastery_points", &number(mastery));
    w.start("ratings", &[]);
    for (label, points) in &scale {
        w.start("rating", &[]);
        w.text("description", label);
        w.text("points", &number(*points));
        w.end();
    }
    w.end();
    w.end();
}

/// The policy's point scale: the ratings scaled to its points possible (two decimals) when the
/// scale's top differs from it.
fn policy_scale(policy: &crate::evidence::Policy, scale: &mut [(String, f64)], best: &mut f64) {
    let top = policy.points_possible;
    if *best > 0.0 && (top - *best).abs() > 1e-9 {
        for (_, points) in scale.iter_mut() {
            *points = (*points * top / *best * 100.0).round() / 100.0;
        }
    }
    *best = top;
}

/// Whether a policy says no more than Canvas's defaults as Trellis exports them (4 points,
/// mastery at 3, `decaying_average` 65): such an outcome keeps the scale of the rubric that
/// measures it, so a document whose policy was never changed exports the same bytes.
fn is_canvas_default(policy: &crate::evidence::Policy) -> bool {
    let d = crate::evidence::Policy::default();
    policy.points_possible == d.points_possible
        && policy.mastery_points == d.mastery_points
        && policy.method == d.method
        && policy.calculation_int.unwrap_or(65) == d.calculation_int.unwrap_or(65)
}

/// Canvas's calculation method and parameter for a policy. `most_common` (Brightspace's) has no
/// Canvas counterpart: such outcomes keep Canvas's default, `decaying_average` 65.
fn canvas_calculation(policy: &crate::evidence::Policy) -> (&'static str, Option<i64>) {
    use crate::evidence::Method;
    match policy.method {
        Method::MostCommon => ("decaying_average", Some(65)),
        Method::Highest | Method::Latest | Method::Average => (policy.method.as_str(), None),
        m => (m.as_str(), policy.calculation_int.or(m.parameter().map(|(_, d)| d))),
    }
}

/// Markdown as plain text for Canvas fields shown as text: rendered and sanitised first, so
/// that the content of a script or an event handler never reaches the text.
fn plain_text(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    crate::import::html_to_markdown::to_plain_text(&crate::markdown::render(markdown))
}

fn rubrics(cx: &ExportContext<'_>) -> String {
    let mut w = XmlWriter::new();
    start(&mut w, "rubrics", None);
    for r in &cx.rubrics {
        let rubric = r.rubric;
        let share = mastery_share(cx, rubric);
        w.start("rubric", &[("identifier", &r.ident)]);
        w.text("read_only", "false");
        w.text("title", &rubric.title);
        w.text("reusable", "false");
        w.text("public", "false");
        w.text("points_possible", &number(r.max_points));
        w.text("hide_score_total", "false");
        w.text("free_form_criterion_comments", "false");
        if !rubric.description.trim().is_empty() {
            w.text("description", &crate::markdown::to_plain_text(&rubric.description));
        }
        w.start("criteria", &[]);
        // Canvas refuses a rubric that links one outcome to two criteria: link the first only.
        let mut linked = Vec::new();
        for (c, objective) in rubric.criteria.iter().zip(&r.criterion_objectives) {
            let criterion_id = ident(c.id.0);
            let hex = c.id.0.simple().to_string();
            let best = rubric.levels.iter().map(|l| l.points).fold(0.0_f64, f64::max) * c.weight;
            w.start("criterion", &[]);
            w.text("criterion_id", &criterion_id);
            w.text("points", &number(best));
            w.text("description", &c.title);
            // Criterion and rating texts are Markdown (which may hold HTML): Canvas gets them as
            // plain text, as the rubric description and every other Canvas text field.
            let long = plain_text(&c.description);
            if !long.is_empty() {
                w.text("long_description", &long);
            }
            if let Some(o) = objective
                && !linked.contains(o)
            {
                linked.push(*o);
                w.text("mastery_points", &number(mastery_points(rubric, share) * c.weight));
                w.text("ignore_for_scoring", "false");
                w.text("learning_outcome_identifierref", &cx.objectives[*o].ident);
            }
            w.start("ratings", &[]);
            for level in rubric.levels.iter().rev() {
                let text = c
                    .descriptors
                    .iter()
                    .find(|d| d.level == level.id)
                    .map(|d| plain_text(&d.text))
                    .unwrap_or_default();
                w.start("rating", &[]);
                w.text("description", &level.label);
                if !text.is_empty() {
                    w.text("long_description", &text);
                }
                w.text("points", &number(level.points * c.weight));
                w.text("criterion_id", &criterion_id);
                w.text("id", &ident_with(level.id.0, &hex[hex.len() - 8..]));
                w.end();
            }
            w.end();
            w.end();
        }
        w.end();
        w.end();
    }
    w.finish()
}
