//! QTI 1.2 assessments as Common Cartridge carries them: the CC QTI profile
//! (`cc.multiple_choice.v0p1`, … validated against `ccv1p1_qtiasiv1p2p1_v1p0.xsd`) and the
//! Canvas flavour of the same XML (Canvas's `question_type` metadata, points, numeric and
//! matching items), which Canvas reads from `non_cc_assessments/`.
//!
//! The CC profile has no numeric or matching items: numeric items become fill-in items that
//! accept the exact answer, matching items become essays listing the pairs, and each such
//! degradation is reported as a finding. Only serialisation lives here; which file a quiz goes
//! to is the cartridge's business.

use super::lower::{AssessmentView, ExportContext, ItemView, ident_with, relink_assets};
use super::xml::{XmlWriter, number};
use crate::model::{AssessmentFormat, ItemBody};
use crate::{Finding, Severity, Target};

/// Which dialect to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QtiFlavour {
    /// The IMS CC profile of QTI 1.2.1.
    CommonCartridge,
    /// Canvas's QTI 1.2 (`non_cc_assessments/*.xml.qti`).
    Canvas,
}

const NS: &str = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2";
const CC_XSD: &str = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd";
const QTI_XSD: &str = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd";

/// Writes one assessment. `assets_to` replaces `assets/` in item HTML (the route from the QTI
/// file to the packaged assets). Returns the XML and findings about degraded items.
pub fn assessment_xml(
    cx: &ExportContext<'_>,
    a: &AssessmentView<'_>,
    flavour: QtiFlavour,
    assets_to: &str,
) -> (String, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut w = XmlWriter::new();
    let schema_location = match flavour {
        QtiFlavour::CommonCartridge => format!("{NS} {CC_XSD}"),
        QtiFlavour::Canvas => format!("{NS} {QTI_XSD}"),
    };
    w.start(
        "questestinterop",
        &[
            ("xmlns", NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", &schema_location),
        ],
    );
    w.start("assessment", &[("ident", &a.ident), ("title", &a.title)]);
    let exam = a.assessment.format == AssessmentFormat::Exam;
    let attempts = if exam { "1" } else { "unlimited" };
    w.start("qtimetadata", &[]);
    if flavour == QtiFlavour::CommonCartridge {
        field(&mut w, "cc_profile", "cc.exam.v0p1");
        field(&mut w, "qmd_assessmenttype", "Examination");
        field(&mut w, "qmd_scoretype", "Percentage");
    }
    field(&mut w, "cc_maxattempts", attempts);
    if let Some(minutes) = a.assessment.duration_minutes
        && exam
    {
        field(&mut w, "qmd_timelimit", &minutes.to_string());
    }
    w.end();
    w.start("section", &[("ident", "root_section")]);
    for item in &a.items {
        if let Some(f) = write_item(&mut w, cx, a, item, flavour, assets_to) {
            findings.push(f);
        }
    }
    w.end(); // section
    w.end(); // assessment
    (w.finish(), findings)
}

fn field(w: &mut XmlWriter, label: &str, entry: &str) {
    w.start("qtimetadatafield", &[]);
    w.text("fieldlabel", label);
    w.text("fieldentry", entry);
    w.end();
}

fn mattext(w: &mut XmlWriter, html: &str) {
    w.start("material", &[]);
    w.elem("mattext", &[("texttype", "text/html")], html);
    w.end();
}

fn plain_mattext(w: &mut XmlWriter, text: &str) {
    w.start("material", &[]);
    w.elem("mattext", &[("texttype", "text/plain")], text);
    w.end();
}

fn score_decvar(w: &mut XmlWriter) {
    w.start("outcomes", &[]);
    w.empty(
        "decvar",
        &[("maxvalue", "100"), ("minvalue", "0"), ("varname", "SCORE"), ("vartype", "Decimal")],
    );
    w.end();
}

fn set_score(w: &mut XmlWriter, action: &str, value: &str) {
    w.elem("setvar", &[("action", action), ("varname", "SCORE")], value);
}

fn show_feedback(w: &mut XmlWriter, id: &str) {
    w.empty("displayfeedback", &[("feedbacktype", "Response"), ("linkrefid", id)]);
}

/// How one item is written after the profile's constraints.
enum Shape<'i> {
    Choice { multiple: bool },
    TrueFalse { answer: bool },
    Text { answers: Vec<String>, case_sensitive: bool },
    Numeric { answer: f64, tolerance: f64 },
    Essay { extra_html: String },
    Matching { pairs: &'i [crate::model::MatchPair] },
}

fn write_item(
    w: &mut XmlWriter,
    cx: &ExportContext<'_>,
    a: &AssessmentView<'_>,
    item: &ItemView<'_>,
    flavour: QtiFlavour,
    assets_to: &str,
) -> Option<Finding> {
    let canvas = flavour == QtiFlavour::Canvas;
    let mut degraded = None;
    let shape = match &item.item.body {
        ItemBody::MultipleChoice { .. } => Shape::Choice { multiple: false },
        ItemBody::MultipleResponse { .. } => Shape::Choice { multiple: true },
        ItemBody::TrueFalse { answer } => Shape::TrueFalse { answer: *answer },
        ItemBody::ShortAnswer { answers, case_sensitive } => {
            Shape::Text { answers: answers.clone(), case_sensitive: *case_sensitive }
        }
        ItemBody::Essay { .. } => Shape::Essay { extra_html: String::new() },
        ItemBody::Numeric { answer, tolerance } if canvas => {
            Shape::Numeric { answer: *answer, tolerance: *tolerance }
        }
        ItemBody::Numeric { answer, tolerance } => {
            degraded = Some(format!(
                "is numeric; the Common Cartridge QTI profile has no numeric items, so it accepts only the exact text \"{}\"{}",
                number(*answer),
                if *tolerance > 0.0 { " (the tolerance is lost)" } else { "" }
            ));
            Shape::Text { answers: vec![number(*answer)], case_sensitive: false }
        }
        ItemBody::Matching { pairs } if canvas => Shape::Matching { pairs },
        ItemBody::Matching { pairs } => {
            degraded = Some(
                "is a matching item; the Common Cartridge QTI profile has no matching items, so it is an essay listing the pairs for manual grading"
                    .to_owned(),
            );
            let mut extra = String::from("<p>Match each item on the left with one on the right:</p>\n<ul>\n");
            let mut answers: Vec<&str> = pairs.iter().map(|p| p.answer.as_str()).collect();
            answers.sort_unstable();
            for p in pairs {
                extra.push_str(&format!("<li>{}</li>\n", super::xml::escape(&p.prompt)));
            }
            extra.push_str("</ul>\n<p>Options:</p>\n<ul>\n");
            for answer in answers {
                extra.push_str(&format!("<li>{}</li>\n", super::xml::escape(answer)));
            }
            extra.push_str("</ul>\n");
            Shape::Essay { extra_html: extra }
        }
    };

    let title: String = item.stem_text.chars().take(80).collect();
    let title = if title.trim().is_empty() { "Question".to_owned() } else { title };
    w.start("item", &[("ident", &item.ident), ("title", &title)]);
    w.start("itemmetadata", &[]);
    w.start("qtimetadata", &[]);
    if canvas {
        let question_type = match shape {
            Shape::Choice { multiple: false } => "multiple_choice_question",
            Shape::Choice { multiple: true } => "multiple_answers_question",
            Shape::TrueFalse { .. } => "true_false_question",
            Shape::Text { .. } => "short_answer_question",
            Shape::Numeric { .. } => "numerical_question",
            Shape::Essay { .. } => "essay_question",
            Shape::Matching { .. } => "matching_question",
        };
        field(w, "question_type", question_type);
        field(w, "points_possible", &number(item.item.points));
        let ids: Vec<&str> = item.choices.iter().map(|c| c.ident.as_str()).collect();
        if !ids.is_empty() {
            field(w, "original_answer_ids", &ids.join(","));
        }
        field(w, "assessment_question_identifierref", &ident_with(item.item.id.0, "question"));
    } else {
        let profile = match shape {
            Shape::Choice { multiple: false } => "cc.multiple_choice.v0p1",
            Shape::Choice { multiple: true } => "cc.multiple_response.v0p1",
            Shape::TrueFalse { .. } => "cc.true_false.v0p1",
            Shape::Text { .. } | Shape::Numeric { .. } => "cc.fib.v0p1",
            Shape::Essay { .. } | Shape::Matching { .. } => "cc.essay.v0p1",
        };
        field(w, "cc_profile", profile);
        field(w, "cc_weighting", &number(item.item.points));
    }
    w.end();
    w.end(); // itemmetadata

    let stem = relink_assets(&item.stem_html, assets_to);
    let correct_fb = (!item.feedback_correct_html.is_empty()).then_some("correct_fb");
    let incorrect_fb = (!item.feedback_incorrect_html.is_empty()).then_some("general_incorrect_fb");
    w.start("presentation", &[]);
    match &shape {
        Shape::Essay { extra_html } => mattext(w, &format!("{stem}{extra_html}")),
        Shape::Matching { .. } => mattext(w, &stem),
        _ => mattext(w, &stem),
    }
    match &shape {
        Shape::Choice { multiple } => {
            let card = if *multiple { "Multiple" } else { "Single" };
            w.start("response_lid", &[("ident", "response1"), ("rcardinality", card)]);
            w.start("render_choice", &[]);
            for c in &item.choices {
                w.start("response_label", &[("ident", &c.ident)]);
                mattext(w, &relink_assets(&c.html, assets_to));
                w.end();
            }
            w.end();
            w.end();
        }
        Shape::TrueFalse { .. } => {
            w.start("response_lid", &[("ident", "response1"), ("rcardinality", "Single")]);
            w.start("render_choice", &[]);
            for (id, label) in [("true", "True"), ("false", "False")] {
                w.start("response_label", &[("ident", &ident_with(item.item.id.0, id))]);
                plain_mattext(w, label);
                w.end();
            }
            w.end();
            w.end();
        }
        Shape::Text { .. } | Shape::Numeric { .. } | Shape::Essay { .. } => {
            w.start("response_str", &[("ident", "response1"), ("rcardinality", "Single")]);
            let fib: &[(&str, &str)] =
                if matches!(shape, Shape::Numeric { .. }) { &[("fibtype", "Decimal")] } else { &[] };
            w.start("render_fib", fib);
            w.empty("response_label", &[("ident", "answer1"), ("rshuffle", "No")]);
            w.end();
            w.end();
        }
        Shape::Matching { pairs } => {
            for p in pairs.iter() {
                let rid = format!("response_{}", ident_with(p.id.0, "prompt"));
                w.start("response_lid", &[("ident", &rid)]);
                plain_mattext(w, &p.prompt);
                w.start("render_choice", &[]);
                for q in pairs.iter() {
                    w.start("response_label", &[("ident", &ident_with(q.id.0, "answer"))]);
                    plain_mattext(w, &q.answer);
                    w.end();
                }
                w.end();
                w.end();
            }
        }
    }
    w.end(); // presentation

    w.start("resprocessing", &[]);
    score_decvar(w);
    // Scoring first, per-choice feedback after: importers that read the conditions up to the
    // first `continue="No"` as the answer key (Open edX's cc2olx, Moodle) see only the correct
    // choices. The scoring condition also shows the feedback of the choices it requires, so an
    // engine that evaluates every condition shows the same feedback as before.
    let choice_fb =
        |c: &super::lower::ChoiceView| (!c.feedback_html.is_empty()).then(|| format!("{}_fb", c.ident));
    match &shape {
        Shape::Choice { multiple: false } => {
            if let Some(c) = item.choices.iter().find(|c| c.correct) {
                w.start("respcondition", &[("continue", "No")]);
                w.start("conditionvar", &[]);
                w.elem("varequal", &[("respident", "response1")], &c.ident);
                w.end();
                set_score(w, "Set", "100");
                if let Some(fb) = choice_fb(c) {
                    show_feedback(w, &fb);
                }
                if let Some(fb) = correct_fb {
                    show_feedback(w, fb);
                }
                w.end();
            }
        }
        Shape::Choice { multiple: true } => {
            w.start("respcondition", &[("continue", "No")]);
            w.start("conditionvar", &[]);
            w.start("and", &[]);
            for c in &item.choices {
                if c.correct {
                    w.elem("varequal", &[("respident", "response1")], &c.ident);
                } else {
                    w.start("not", &[]);
                    w.elem("varequal", &[("respident", "response1")], &c.ident);
                    w.end();
                }
            }
            w.end();
            w.end();
            set_score(w, "Set", "100");
            for fb in item.choices.iter().filter(|c| c.correct).filter_map(choice_fb) {
                show_feedback(w, &fb);
            }
            if let Some(fb) = correct_fb {
                show_feedback(w, fb);
            }
            w.end();
        }
        Shape::TrueFalse { answer } => {
            w.start("respcondition", &[("continue", "No")]);
            w.start("conditionvar", &[]);
            let id = ident_with(item.item.id.0, if *answer { "true" } else { "false" });
            w.elem("varequal", &[("respident", "response1")], &id);
            w.end();
            set_score(w, "Set", "100");
            if let Some(fb) = correct_fb {
                show_feedback(w, fb);
            }
            w.end();
        }
        Shape::Text { answers, case_sensitive } => {
            let case = if *case_sensitive { "Yes" } else { "No" };
            for answer in answers {
                w.start("respcondition", &[("continue", "No")]);
                w.start("conditionvar", &[]);
                w.elem("varequal", &[("respident", "response1"), ("case", case)], answer);
                w.end();
                set_score(w, "Set", "100");
                if let Some(fb) = correct_fb {
                    show_feedback(w, fb);
                }
                w.end();
            }
        }
        Shape::Numeric { answer, tolerance } => {
            w.start("respcondition", &[("continue", "No")]);
            w.start("conditionvar", &[]);
            w.start("or", &[]);
            w.elem("varequal", &[("respident", "response1")], &number(*answer));
            w.start("and", &[]);
            w.elem("vargte", &[("respident", "response1")], &number(answer - tolerance));
            w.elem("varlte", &[("respident", "response1")], &number(answer + tolerance));
            w.end();
            w.end();
            w.end();
            set_score(w, "Set", "100");
            if let Some(fb) = correct_fb {
                show_feedback(w, fb);
            }
            w.end();
        }
        Shape::Matching { pairs } => {
            let share = if pairs.is_empty() { 0.0 } else { 100.0 / pairs.len() as f64 };
            for p in pairs.iter() {
                let rid = format!("response_{}", ident_with(p.id.0, "prompt"));
                w.start("respcondition", &[]);
                w.start("conditionvar", &[]);
                w.elem("varequal", &[("respident", &rid)], &ident_with(p.id.0, "answer"));
                w.end();
                set_score(w, "Add", &number(share));
                w.end();
            }
        }
        Shape::Essay { .. } => {
            w.start("respcondition", &[("continue", "No")]);
            w.start("conditionvar", &[]);
            w.empty("other", &[]);
            w.end();
            w.end();
        }
    }
    // Reached only when the scoring condition did not match (it stops processing).
    for c in &item.choices {
        if let Some(fb) = choice_fb(c) {
            w.start("respcondition", &[("continue", "Yes")]);
            w.start("conditionvar", &[]);
            w.elem("varequal", &[("respident", "response1")], &c.ident);
            w.end();
            show_feedback(w, &fb);
            w.end();
        }
    }
    if let Some(fb) = incorrect_fb
        && !matches!(shape, Shape::Essay { .. } | Shape::Matching { .. })
    {
        w.start("respcondition", &[("continue", "No")]);
        w.start("conditionvar", &[]);
        w.empty("other", &[]);
        w.end();
        show_feedback(w, fb);
        w.end();
    }
    w.end(); // resprocessing

    let mut feedback = Vec::new();
    if let Some(fb) = correct_fb {
        feedback.push((fb.to_owned(), item.feedback_correct_html.clone()));
    }
    if let Some(fb) = incorrect_fb {
        feedback.push((fb.to_owned(), item.feedback_incorrect_html.clone()));
    }
    for c in &item.choices {
        if !c.feedback_html.is_empty() {
            feedback.push((format!("{}_fb", c.ident), c.feedback_html.clone()));
        }
    }
    for (id, html) in feedback {
        w.start("itemfeedback", &[("ident", &id)]);
        w.start("flow_mat", &[]);
        mattext(w, &relink_assets(&html, assets_to));
        w.end();
        w.end();
    }
    w.end(); // item

    degraded.map(|why| Finding {
        code: "X05-item-type-degraded".into(),
        severity: Severity::Warning,
        message: format!("Item \"{}\" of \"{}\" {why}.", title.chars().take(60).collect::<String>(), a.title),
        target: Target {
            kind: "item".into(),
            id: Some(item.item.id.to_string()),
            path: cx.nodes.get(a.node).map(|n| n.path.clone()).unwrap_or_default(),
        },
        hint: "Use a multiple choice, multiple response, true/false, short answer or essay item if it must be auto-graded everywhere.".into(),
    })
}
