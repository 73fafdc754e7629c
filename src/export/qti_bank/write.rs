//! The shared QTI writer: items, tests and the manifest of a [`Bank`], with element and attribute
//! names given in their QTI 2.1 spelling and turned into the target version's by the
//! [`Dialect`]. Output is deterministic: two-space indentation, attributes in the order written,
//! XHTML content on the line of its element.

use std::borrow::Cow;

use super::lower::{Bank, BankItem, BankTest, Interaction, Scoring, answer_ident, prompt_ident};
use super::{Dialect, LOM_NS, Progress};
use crate::Result;
use crate::export::lower::ExportContext;
use crate::export::package::PackageWriter;
use crate::export::xml::escape_into;
use crate::model::AssessmentFormat;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const RESPONSE: &str = "RESPONSE";

/// A number as QTI writes it: integers without a fraction, others in the shortest form that
/// reads back as the same double (so mapped shares of a matching item add up exactly).
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    format!("{value}")
}

/// A tolerance bound: the difference rounded to 12 decimals, so `2.5 - 0.05` is written `2.45`
/// (not `2.4500000000000002`, which would refuse an answer of exactly 2.45).
fn rounded(value: f64) -> String {
    let text = format!("{value:.12}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

/// A small XML writer that maps QTI names through the dialect.
struct Out<'d> {
    s: String,
    d: &'d dyn Dialect,
    stack: Vec<Cow<'static, str>>,
    open_has_children: bool,
}

impl<'d> Out<'d> {
    fn new(d: &'d dyn Dialect, capacity: usize) -> Self {
        let mut s = String::with_capacity(capacity);
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Out { s, d, stack: Vec::new(), open_has_children: true }
    }

    fn indent(&mut self) {
        if !self.open_has_children {
            self.s.push('\n');
            self.open_has_children = true;
        }
        for _ in 0..self.stack.len() {
            self.s.push_str("  ");
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&'static str, &str)]) {
        self.s.push('<');
        self.s.push_str(name);
        for (key, value) in attrs {
            self.s.push(' ');
            if key.contains(':') || *key == "xmlns" {
                self.s.push_str(key);
            } else {
                let key = self.d.attr(key);
                self.s.push_str(&key);
            }
            self.s.push_str("=\"");
            escape_into(&mut self.s, value);
            self.s.push('"');
        }
    }

    /// Opens a QTI element.
    fn start(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        let name = self.d.elem(name);
        self.start_named(name, attrs);
    }

    /// Opens an element whose name is not mapped (XHTML, manifest).
    fn start_named(&mut self, name: Cow<'static, str>, attrs: &[(&'static str, &str)]) {
        self.indent();
        self.tag(&name, attrs);
        self.s.push('>');
        self.stack.push(name);
        self.open_has_children = false;
    }

    fn end(&mut self) {
        if let Some(name) = self.stack.pop() {
            if self.open_has_children {
                for _ in 0..self.stack.len() {
                    self.s.push_str("  ");
                }
            }
            self.s.push_str("</");
            self.s.push_str(&name);
            self.s.push_str(">\n");
        }
        self.open_has_children = true;
    }

    /// A QTI element with escaped text (or empty).
    fn leaf(&mut self, name: &'static str, attrs: &[(&'static str, &str)], text: &str) {
        let name = self.d.elem(name);
        self.leaf_named(&name, attrs, text);
    }

    fn leaf_named(&mut self, name: &str, attrs: &[(&'static str, &str)], text: &str) {
        self.indent();
        self.tag(name, attrs);
        if text.is_empty() {
            self.s.push_str("/>\n");
        } else {
            self.s.push('>');
            escape_into(&mut self.s, text);
            self.s.push_str("</");
            self.s.push_str(name);
            self.s.push_str(">\n");
        }
    }

    /// An element (QTI name when `qti`) holding already-converted XHTML.
    fn xhtml(&mut self, name: &'static str, qti: bool, attrs: &[(&'static str, &str)], content: &str) {
        let name = if qti { self.d.elem(name) } else { Cow::Borrowed(name) };
        self.indent();
        self.tag(&name, attrs);
        self.s.push('>');
        self.s.push_str(content);
        self.s.push_str("</");
        self.s.push_str(&name);
        self.s.push_str(">\n");
    }

    /// Block content of modal feedback or a rubric block (wrapped in `contentBody` in QTI 3).
    fn body(&mut self, content: &str) {
        if self.d.wraps_content_body() {
            self.start("contentBody", &[]);
            self.xhtml("div", false, &[], content);
            self.end();
        } else {
            self.xhtml("div", false, &[], content);
        }
    }

    fn value(&mut self, text: &str) {
        self.leaf("value", &[], text);
    }

    fn base_value(&mut self, base_type: &str, text: &str) {
        self.leaf("baseValue", &[("baseType", base_type)], text);
    }

    fn variable(&mut self, identifier: &str) {
        self.leaf("variable", &[("identifier", identifier)], "");
    }

    fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.end();
        }
        self.s
    }
}

/// Writes the whole package: items, tests, the assets they use and the manifest.
pub(super) fn package(
    cx: &ExportContext<'_>,
    bank: &Bank<'_>,
    d: &dyn Dialect,
    out: &mut dyn PackageWriter,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let mut used: Vec<usize> = bank
        .items
        .iter()
        .flat_map(|i| i.assets.iter().copied())
        .chain(bank.tests.iter().flat_map(|t| t.assets.iter().copied()))
        .collect();
    used.sort_unstable();
    used.dedup();
    let total = (bank.items.len() + bank.tests.len() + used.len() + 1) as u64;
    let mut done = 0u64;
    let step = (total / 100).max(1);
    let report = |done: u64, message: &str, progress: &mut dyn FnMut(Progress)| {
        if done.is_multiple_of(step) || done + 1 >= total {
            progress(Progress { done, total, message: message.to_owned() });
        }
    };
    for item in &bank.items {
        out.add(&item.file, item_xml(cx, item, d).as_bytes())?;
        done += 1;
        report(done, &item.file, progress);
    }
    for test in &bank.tests {
        out.add(&test.file, test_xml(bank, test, d).as_bytes())?;
        done += 1;
        report(done, &test.file, progress);
    }
    for &i in &used {
        let asset = &cx.assets[i];
        out.add(&asset.path, &asset.asset.data)?;
        done += 1;
        report(done, &asset.path, progress);
    }
    out.add("imsmanifest.xml", manifest(cx, bank, d).as_bytes())?;
    progress(Progress { done: total, total, message: "imsmanifest.xml".into() });
    Ok(())
}

/// The response declaration's base type and cardinality.
fn response_kind(item: &BankItem<'_>) -> (&'static str, &'static str) {
    match &item.interaction {
        Interaction::Choice { max: 1 } => ("identifier", "single"),
        Interaction::Choice { .. } => ("identifier", "multiple"),
        Interaction::Text { .. } | Interaction::Essay { .. } => ("string", "single"),
        Interaction::Numeric { .. } => ("float", "single"),
        Interaction::Matching { .. } => ("directedPair", "multiple"),
    }
}

fn item_xml(cx: &ExportContext<'_>, item: &BankItem<'_>, d: &dyn Dialect) -> String {
    let mut w = Out::new(d, 2048 + item.stem.len());
    let location = d.schema_location();
    w.start(
        "assessmentItem",
        &[
            ("xmlns", d.namespace()),
            ("xmlns:xsi", XSI),
            ("xsi:schemaLocation", &location),
            ("identifier", &item.ident),
            ("title", &item.title),
            ("adaptive", "false"),
            ("timeDependent", "false"),
            ("xml:lang", &cx.language),
        ],
    );
    let points = num(item.points);
    let (base_type, cardinality) = response_kind(item);

    // Response declaration: the key, and the mapping the map_response template or rules read.
    w.start(
        "responseDeclaration",
        &[("identifier", RESPONSE), ("cardinality", cardinality), ("baseType", base_type)],
    );
    let key: Vec<String> = match &item.interaction {
        Interaction::Choice { .. } => {
            item.choices.iter().filter(|c| c.correct).map(|c| c.ident.clone()).collect()
        }
        Interaction::Text { answers, .. } => answers.iter().take(1).cloned().collect(),
        Interaction::Numeric { answer, .. } => vec![num(*answer)],
        Interaction::Essay { .. } => Vec::new(),
        Interaction::Matching { pairs, .. } => {
            pairs.iter().map(|p| format!("{} {}", prompt_ident(p), answer_ident(p))).collect()
        }
    };
    if !key.is_empty() {
        w.start("correctResponse", &[]);
        for value in &key {
            w.value(value);
        }
        w.end();
    }
    let mapped = item.scoring == Scoring::MapResponse
        || (item.scoring == Scoring::Rules && matches!(item.interaction, Interaction::Matching { .. }));
    if mapped {
        w.start("mapping", &[("lowerBound", "0"), ("upperBound", &points), ("defaultValue", "0")]);
        match &item.interaction {
            Interaction::Choice { .. } => {
                for c in item.choices.iter().filter(|c| c.correct) {
                    w.leaf("mapEntry", &[("mapKey", &c.ident), ("mappedValue", &points)], "");
                }
            }
            Interaction::Text { answers, case_sensitive } => {
                let case = if *case_sensitive { "true" } else { "false" };
                let mut seen = std::collections::BTreeSet::new();
                for answer in answers.iter() {
                    let key = if *case_sensitive { answer.clone() } else { answer.to_lowercase() };
                    if seen.insert(key) {
                        w.leaf(
                            "mapEntry",
                            &[("mapKey", answer), ("mappedValue", &points), ("caseSensitive", case)],
                            "",
                        );
                    }
                }
            }
            Interaction::Matching { pairs, .. } => {
                let share = num(item.points / pairs.len().max(1) as f64);
                for p in pairs.iter() {
                    let key = format!("{} {}", prompt_ident(p), answer_ident(p));
                    w.leaf("mapEntry", &[("mapKey", &key), ("mappedValue", &share)], "");
                }
            }
            Interaction::Numeric { .. } | Interaction::Essay { .. } => {}
        }
        w.end();
    }
    w.end(); // responseDeclaration

    w.start(
        "outcomeDeclaration",
        &[
            ("identifier", "SCORE"),
            ("cardinality", "single"),
            ("baseType", "float"),
            ("normalMaximum", &points),
        ],
    );
    w.start("defaultValue", &[]);
    w.value("0");
    w.end();
    w.end();
    w.start(
        "outcomeDeclaration",
        &[("identifier", "MAXSCORE"), ("cardinality", "single"), ("baseType", "float")],
    );
    w.start("defaultValue", &[]);
    w.value(&points);
    w.end();
    w.end();
    if item.has_feedback() {
        w.leaf(
            "outcomeDeclaration",
            &[("identifier", "FEEDBACK"), ("cardinality", "multiple"), ("baseType", "identifier")],
            "",
        );
    }

    w.start("itemBody", &[]);
    if let Interaction::Essay { guidance } = &item.interaction
        && !guidance.is_empty()
    {
        w.start("rubricBlock", &[("view", "scorer")]);
        w.body(guidance);
        w.end();
    }
    if !item.stem.is_empty() {
        w.xhtml("div", false, &[], &item.stem);
    }
    let shuffle = if item.shuffle { "true" } else { "false" };
    match &item.interaction {
        Interaction::Choice { max } => {
            // True/false keeps its order whatever the option says.
            let is_tf = matches!(item.view.item.body, crate::model::ItemBody::TrueFalse { .. });
            let max = max.to_string();
            w.start(
                "choiceInteraction",
                &[
                    ("responseIdentifier", RESPONSE),
                    ("shuffle", if is_tf { "false" } else { shuffle }),
                    ("maxChoices", &max),
                ],
            );
            for c in &item.choices {
                let mut html = c.html.clone();
                if !c.feedback.is_empty() {
                    let name = d.elem("feedbackInline");
                    html.push_str(&format!(
                        " <{name} {}=\"FEEDBACK\" identifier=\"{}\" {}=\"show\">{}</{name}>",
                        d.attr("outcomeIdentifier"),
                        c.ident,
                        d.attr("showHide"),
                        c.feedback
                    ));
                }
                w.xhtml("simpleChoice", true, &[("identifier", &c.ident)], &html);
            }
            w.end();
        }
        Interaction::Text { answers, .. } => {
            let longest =
                answers.iter().map(|a| a.chars().count()).max().unwrap_or(10).clamp(10, 200).to_string();
            w.start_named(Cow::Borrowed("p"), &[]);
            w.leaf(
                "textEntryInteraction",
                &[("responseIdentifier", RESPONSE), ("expectedLength", &longest)],
                "",
            );
            w.end();
        }
        Interaction::Numeric { .. } => {
            w.start_named(Cow::Borrowed("p"), &[]);
            w.leaf("textEntryInteraction", &[("responseIdentifier", RESPONSE), ("expectedLength", "10")], "");
            w.end();
        }
        Interaction::Essay { .. } => {
            w.leaf(
                "extendedTextInteraction",
                &[("responseIdentifier", RESPONSE), ("expectedLength", "2000")],
                "",
            );
        }
        Interaction::Matching { pairs, answers } => {
            let n = pairs.len().to_string();
            w.start(
                "matchInteraction",
                &[("responseIdentifier", RESPONSE), ("shuffle", shuffle), ("maxAssociations", &n)],
            );
            w.start("simpleMatchSet", &[]);
            for p in pairs.iter() {
                let text = plain_xhtml(&p.prompt);
                w.xhtml(
                    "simpleAssociableChoice",
                    true,
                    &[("identifier", &prompt_ident(p)), ("matchMax", "1")],
                    &text,
                );
            }
            w.end();
            w.start("simpleMatchSet", &[]);
            for (ident, text) in answers {
                let text = plain_xhtml(text);
                w.xhtml("simpleAssociableChoice", true, &[("identifier", ident), ("matchMax", "1")], &text);
            }
            w.end();
            w.end();
        }
    }
    w.end(); // itemBody

    match item.scoring {
        Scoring::MatchCorrect => {
            w.leaf("responseProcessing", &[("template", &d.template("match_correct"))], "")
        }
        Scoring::MapResponse => {
            w.leaf("responseProcessing", &[("template", &d.template("map_response"))], "")
        }
        Scoring::Rules => rules(&mut w, item, &points),
        Scoring::Manual => {}
    }

    for (ident, html) in [("correct", &item.feedback_correct), ("incorrect", &item.feedback_incorrect)] {
        if !html.is_empty() {
            w.start(
                "modalFeedback",
                &[("outcomeIdentifier", "FEEDBACK"), ("identifier", ident), ("showHide", "show")],
            );
            w.body(html);
            w.end();
        }
    }
    w.finish()
}

/// Choice or match text written as escaped text (the model keeps it plain).
fn plain_xhtml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape_into(&mut s, text);
    s
}

/// Explicit response processing: `SCORE` is the points when the answer is correct (the mapped
/// sum for matching items), else 0; `FEEDBACK` holds `correct` or `incorrect` and the chosen
/// choices (for their inline feedback).
fn rules(w: &mut Out<'_>, item: &BankItem<'_>, points: &str) {
    let feedback = item.has_feedback();
    let choice_feedback = item.choices.iter().any(|c| !c.feedback.is_empty());
    w.start("responseProcessing", &[]);
    if let Interaction::Matching { .. } = item.interaction {
        w.start("setOutcomeValue", &[("identifier", "SCORE")]);
        w.leaf("mapResponse", &[("identifier", RESPONSE)], "");
        w.end();
    }
    w.start("responseCondition", &[]);
    w.start("responseIf", &[]);
    condition(w, item);
    if !matches!(item.interaction, Interaction::Matching { .. }) {
        w.start("setOutcomeValue", &[("identifier", "SCORE")]);
        w.base_value("float", points);
        w.end();
    }
    if feedback {
        set_feedback(w, "correct", choice_feedback);
    }
    w.end(); // responseIf
    w.start("responseElse", &[]);
    if !matches!(item.interaction, Interaction::Matching { .. }) {
        w.start("setOutcomeValue", &[("identifier", "SCORE")]);
        w.base_value("float", "0");
        w.end();
    }
    if feedback {
        set_feedback(w, "incorrect", choice_feedback);
    }
    w.end(); // responseElse
    w.end(); // responseCondition
    w.end(); // responseProcessing
}

fn set_feedback(w: &mut Out<'_>, which: &str, with_choices: bool) {
    w.start("setOutcomeValue", &[("identifier", "FEEDBACK")]);
    w.start("multiple", &[]);
    w.base_value("identifier", which);
    if with_choices {
        w.variable(RESPONSE);
    }
    w.end();
    w.end();
}

/// The condition under which the answer is fully correct.
fn condition(w: &mut Out<'_>, item: &BankItem<'_>) {
    match &item.interaction {
        Interaction::Choice { .. } if item.choices.iter().any(|c| c.correct) => match_correct(w),
        Interaction::Matching { pairs, .. } if !pairs.is_empty() => match_correct(w),
        Interaction::Text { answers, case_sensitive } if !answers.is_empty() => {
            let case = if *case_sensitive { "true" } else { "false" };
            w.start("or", &[]);
            for answer in answers.iter() {
                w.start("stringMatch", &[("caseSensitive", case)]);
                w.variable(RESPONSE);
                w.base_value("string", answer);
                w.end();
            }
            w.end();
        }
        // Within an absolute tolerance as two inclusive bounds rather than `equal` with
        // `toleranceMode`, which some engines (Citolab's QTI 3 player among them) do not support.
        Interaction::Numeric { answer, tolerance } if *tolerance > 0.0 => {
            w.start("and", &[]);
            for (op, bound) in [("gte", answer - tolerance), ("lte", answer + tolerance)] {
                w.start(op, &[]);
                w.variable(RESPONSE);
                w.base_value("float", &rounded(bound));
                w.end();
            }
            w.end();
        }
        Interaction::Numeric { answer, .. } => {
            w.start("equal", &[("toleranceMode", "exact")]);
            w.variable(RESPONSE);
            w.base_value("float", &num(*answer));
            w.end();
        }
        // Nothing can be correct (no correct choice, no accepted answer, no pair).
        _ => w.base_value("boolean", "false"),
    }
}

fn match_correct(w: &mut Out<'_>) {
    w.start("match", &[]);
    w.variable(RESPONSE);
    w.leaf("correct", &[("identifier", RESPONSE)], "");
    w.end();
}

fn test_xml(bank: &Bank<'_>, test: &BankTest<'_>, d: &dyn Dialect) -> String {
    let mut w = Out::new(d, 1024 + 128 * test.items.len());
    let location = d.schema_location();
    let a = test.view;
    w.start(
        "assessmentTest",
        &[
            ("xmlns", d.namespace()),
            ("xmlns:xsi", XSI),
            ("xsi:schemaLocation", &location),
            ("identifier", &test.ident),
            ("title", &a.title),
            ("toolName", "Trellis"),
        ],
    );
    for id in ["SCORE", "MAXSCORE"] {
        w.leaf(
            "outcomeDeclaration",
            &[("identifier", id), ("cardinality", "single"), ("baseType", "float")],
            "",
        );
    }
    let exam = a.assessment.format == AssessmentFormat::Exam;
    if exam && let Some(minutes) = a.assessment.duration_minutes {
        w.leaf("timeLimits", &[("maxTime", &(u64::from(minutes) * 60).to_string())], "");
    }
    let part = format!("{}_part", test.ident);
    w.start(
        "testPart",
        &[("identifier", &part), ("navigationMode", "nonlinear"), ("submissionMode", "individual")],
    );
    if exam {
        w.leaf("itemSessionControl", &[("maxAttempts", "1")], "");
    }
    let section = format!("{}_section", test.ident);
    w.start("assessmentSection", &[("identifier", &section), ("title", &a.title), ("visible", "true")]);
    if !test.instructions.is_empty() {
        w.start("rubricBlock", &[("view", "candidate")]);
        w.body(&test.instructions);
        w.end();
    }
    for &i in &test.items {
        let item = &bank.items[i];
        let href = format!("../{}", item.file);
        w.leaf("assessmentItemRef", &[("identifier", &item.ident), ("href", &href)], "");
    }
    w.end(); // assessmentSection
    w.end(); // testPart
    w.start("outcomeProcessing", &[]);
    for id in ["SCORE", "MAXSCORE"] {
        w.start("setOutcomeValue", &[("identifier", id)]);
        w.start("sum", &[]);
        w.leaf("testVariables", &[("variableIdentifier", id)], "");
        w.end();
        w.end();
    }
    w.end();
    w.finish()
}

/// The QTI 2.1 name of an item's interaction (QTI metadata).
fn interaction_type(item: &BankItem<'_>) -> &'static str {
    match item.interaction {
        Interaction::Choice { .. } => "choiceInteraction",
        Interaction::Text { .. } | Interaction::Numeric { .. } => "textEntryInteraction",
        Interaction::Essay { .. } => "extendedTextInteraction",
        Interaction::Matching { .. } => "matchInteraction",
    }
}

fn manifest(cx: &ExportContext<'_>, bank: &Bank<'_>, d: &dyn Dialect) -> String {
    let plain: &dyn Dialect = &super::v21::V21;
    let mut w = Out::new(plain, 4096 + 512 * bank.items.len());
    let location = d.cp_schema_location();
    let id = format!("{}_manifest", cx.ident);
    let mut attrs: Vec<(&'static str, &str)> =
        vec![("identifier", &id), ("xmlns", d.cp_namespace()), ("xmlns:imsmd", LOM_NS)];
    if let Some(qmd) = d.qti_metadata_namespace() {
        attrs.push(("xmlns:imsqti", qmd));
    }
    attrs.extend([("xmlns:xsi", XSI), ("xsi:schemaLocation", location.as_str())]);
    w.start_named(Cow::Borrowed("manifest"), &attrs);
    w.start_named(Cow::Borrowed("metadata"), &[]);
    let (schema, version) = d.package_schema();
    w.leaf_named("schema", &[], schema);
    w.leaf_named("schemaversion", &[], version);
    w.start_named(Cow::Borrowed("imsmd:lom"), &[]);
    w.start_named(Cow::Borrowed("imsmd:general"), &[]);
    lang_string(&mut w, "imsmd:title", &cx.language, &cx.title);
    w.leaf_named("imsmd:language", &[], &cx.language);
    if !cx.description_text.is_empty() {
        lang_string(&mut w, "imsmd:description", &cx.language, &cx.description_text);
    }
    w.end();
    w.end(); // lom
    w.end(); // metadata
    w.leaf_named("organizations", &[], "");
    w.start_named(Cow::Borrowed("resources"), &[]);
    let test_of: std::collections::HashMap<usize, usize> =
        bank.tests.iter().enumerate().flat_map(|(t, test)| test.items.iter().map(move |&i| (i, t))).collect();
    for (i, item) in bank.items.iter().enumerate() {
        w.start_named(
            Cow::Borrowed("resource"),
            &[("identifier", &item.ident), ("type", d.item_type()), ("href", &item.file)],
        );
        w.start_named(Cow::Borrowed("metadata"), &[]);
        if d.qti_metadata_namespace().is_some() {
            w.start_named(Cow::Borrowed("imsqti:qtiMetadata"), &[]);
            w.leaf_named("imsqti:timeDependent", &[], "false");
            w.leaf_named("imsqti:interactionType", &[], interaction_type(item));
            w.leaf_named(
                "imsqti:feedbackType",
                &[],
                if item.has_feedback() { "nonadaptive" } else { "none" },
            );
            let solution = !matches!(item.interaction, Interaction::Essay { .. });
            w.leaf_named("imsqti:solutionAvailable", &[], if solution { "true" } else { "false" });
            w.leaf_named("imsqti:toolName", &[], "Trellis");
            w.end();
        }
        w.start_named(Cow::Borrowed("imsmd:lom"), &[]);
        w.start_named(Cow::Borrowed("imsmd:general"), &[]);
        lang_string(&mut w, "imsmd:title", &cx.language, &item.title);
        w.end();
        // The item's own objectives, else those of its assessment.
        let objectives = if item.view.objectives.is_empty() {
            test_of.get(&i).map(|&t| bank.tests[t].view.objectives.as_slice()).unwrap_or_default()
        } else {
            item.view.objectives.as_slice()
        };
        if !objectives.is_empty() {
            w.start_named(Cow::Borrowed("imsmd:classification"), &[]);
            w.start_named(Cow::Borrowed("imsmd:purpose"), &[]);
            w.leaf_named("imsmd:source", &[], "LOMv1.0");
            w.leaf_named("imsmd:value", &[], "educational objective");
            w.end();
            for &o in objectives {
                let o = &cx.objectives[o];
                w.start_named(Cow::Borrowed("imsmd:taxonPath"), &[]);
                lang_string(&mut w, "imsmd:source", &cx.language, &cx.title);
                w.start_named(Cow::Borrowed("imsmd:taxon"), &[]);
                w.leaf_named("imsmd:id", &[], &o.objective.id.to_string());
                let entry = if o.objective.code.trim().is_empty() {
                    o.objective.statement.trim().to_owned()
                } else {
                    format!("{} {}", o.objective.code.trim(), o.objective.statement.trim())
                };
                lang_string(&mut w, "imsmd:entry", &cx.language, &entry);
                w.end();
                w.end();
            }
            w.end();
        }
        w.end(); // lom
        w.end(); // metadata
        w.leaf_named("file", &[("href", &item.file)], "");
        for &a in &item.assets {
            w.leaf_named("file", &[("href", &cx.assets[a].path)], "");
        }
        w.end();
    }
    for test in &bank.tests {
        w.start_named(
            Cow::Borrowed("resource"),
            &[("identifier", &test.ident), ("type", d.test_type()), ("href", &test.file)],
        );
        w.leaf_named("file", &[("href", &test.file)], "");
        for &a in &test.assets {
            w.leaf_named("file", &[("href", &cx.assets[a].path)], "");
        }
        for &i in &test.items {
            w.leaf_named("dependency", &[("identifierref", &bank.items[i].ident)], "");
        }
        w.end();
    }
    w.end(); // resources
    w.finish()
}

fn lang_string(w: &mut Out<'_>, name: &'static str, language: &str, text: &str) {
    w.start_named(Cow::Borrowed(name), &[]);
    w.leaf_named("imsmd:string", &[("language", language)], text);
    w.end();
}
