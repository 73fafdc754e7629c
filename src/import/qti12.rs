//! QTI 1.2 (the Common Cartridge profile, and Canvas's fuller `non_cc_assessments` flavour) →
//! quiz items of the model.
//!
//! Recognised: multiple choice, multiple response, true/false, fill-in-the-blank / short
//! answer, essay, numeric (exact or range), matching. The type comes from the `cc_profile` or
//! Canvas `question_type` metadata, or else from the response structure. Correct answers come
//! from the response conditions that set a positive score; feedback from `itemfeedback`
//! (Canvas's `correct_fb`, `general_incorrect_fb`, `<choice>_fb`, `general_fb`; essay
//! solutions become grading guidance). Question groups (random draws) are flattened into the
//! assessment and reported. Items of other types (dropdowns, multiple blanks, formula, file
//! upload, text-only, unknown profiles) are skipped and reported as findings, never dropped
//! silently. Pattern answers (`varsubstring`) are kept as plain accepted answers and reported.
//!
//! Not here: where an assessment sits in a course (that is the cartridge importer).

use std::collections::HashMap;

use super::finding;
use super::html_to_markdown::{self, UrlRewriter};
use super::xml::{self, Element};
use crate::Result;
use crate::finding::{Finding, Severity};
use crate::model::{Choice, ChoiceId, ItemBody, ItemId, MatchPair, QuizItem};

/// One assessment (or question bank) read from a QTI file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QtiAssessment {
    /// The `ident` attribute.
    pub ident: String,
    /// The title.
    pub title: String,
    /// Assessment metadata (`qmd_timelimit`, `cc_maxattempts`, …) in source order.
    pub metadata: Vec<(String, String)>,
    /// Items in delivery order.
    pub items: Vec<QuizItem>,
    /// Whether this is an `objectbank` (question bank) rather than an `assessment`.
    pub bank: bool,
}

impl QtiAssessment {
    /// A metadata value.
    pub fn meta(&self, label: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| k == label).map(|(_, v)| v.as_str())
    }

    /// Time limit in minutes (`qmd_timelimit`), when given.
    pub fn time_limit_minutes(&self) -> Option<u32> {
        self.meta("qmd_timelimit")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|m| m.round().max(0.0) as u32)
    }

    /// Sum of the item points.
    pub fn points(&self) -> f64 {
        self.items.iter().map(|i| i.points).sum()
    }
}

/// Everything read from one QTI file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QtiDocument {
    /// Assessments and question banks in file order.
    pub assessments: Vec<QtiAssessment>,
    /// Items skipped or approximated, with the reason.
    pub findings: Vec<Finding>,
}

/// Parses a QTI 1.2 `questestinterop` file. URLs in item text go through `urls`.
pub fn parse(bytes: &[u8], source_name: &str, urls: &mut dyn UrlRewriter) -> Result<QtiDocument> {
    let root = xml::parse(bytes, source_name)?;
    if root.name != "questestinterop" {
        return Err(super::safety::parse_error(
            source_name,
            format!(
                "line {}: the root element is <{}>, not <questestinterop> (QTI 1.2)",
                root.line, root.name
            ),
        ));
    }
    let mut out = QtiDocument::default();
    let mut reader = Reader { source_name, urls, findings: Vec::new() };
    for child in root.elements() {
        match child.name.as_str() {
            "assessment" | "objectbank" => {
                let mut a = QtiAssessment {
                    ident: child.attr("ident").unwrap_or_default().to_owned(),
                    title: child.attr("title").unwrap_or_default().to_owned(),
                    metadata: metadata(child),
                    items: Vec::new(),
                    bank: child.name == "objectbank",
                };
                if a.title.is_empty() {
                    a.title = a.meta("bank_title").unwrap_or_default().to_owned();
                }
                reader.container(child, &a.title.clone(), &mut a.items);
                out.assessments.push(a);
            }
            "item" => {
                let mut a = QtiAssessment::default();
                reader.item(child, "", &mut a.items);
                out.assessments.push(a);
            }
            "section" => {
                let mut a = QtiAssessment {
                    ident: child.attr("ident").unwrap_or_default().to_owned(),
                    title: child.attr("title").unwrap_or_default().to_owned(),
                    ..QtiAssessment::default()
                };
                reader.container(child, &a.title.clone(), &mut a.items);
                out.assessments.push(a);
            }
            _ => {}
        }
    }
    out.findings = reader.findings;
    Ok(out)
}

fn metadata(e: &Element) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for md in e.children_named("qtimetadata") {
        for field in md.children_named("qtimetadatafield") {
            let label = field.child_text("fieldlabel").unwrap_or_default();
            let entry = field.child("fieldentry").map(|f| f.text().trim().to_owned()).unwrap_or_default();
            if !label.is_empty() {
                out.push((label, entry));
            }
        }
    }
    out
}

struct Reader<'a> {
    source_name: &'a str,
    urls: &'a mut dyn UrlRewriter,
    findings: Vec<Finding>,
}

/// A response condition reduced to what the importer needs.
struct Condition {
    /// Positive score set or added.
    scores: bool,
    /// `(respident, value, case-sensitive)` tested for equality (outside `<not>`).
    equals: Vec<(String, String, bool)>,
    /// `varsubstring` patterns.
    patterns: Vec<String>,
    /// `(respident, lower bound, upper bound)` from `vargte`/`vargt` and `varlte`/`varlt`.
    ranges: Vec<(f64, f64)>,
    /// Item feedback ids shown.
    feedback: Vec<String>,
    /// The condition tests `<other/>`.
    other: bool,
}

impl Reader<'_> {
    fn note(&mut self, severity: Severity, message: String) {
        self.findings.push(finding("import-qti-item", severity, message, "item", self.source_name));
    }

    fn container(&mut self, e: &Element, assessment: &str, items: &mut Vec<QuizItem>) {
        for child in e.elements() {
            match child.name.as_str() {
                "item" => self.item(child, assessment, items),
                "section" => {
                    let (items_before, findings_before) = (items.len(), self.findings.len());
                    self.container(child, assessment, items);
                    if let Some(selection) = child.path(&["selection_ordering", "selection"]) {
                        // Told after the group's items are read, so the numbers agree with the
                        // findings about the items that could not be imported.
                        let count = selection.child_text("selection_number").unwrap_or_default();
                        let pool = child.descendants("item").len();
                        let imported = items.len() - items_before;
                        let group = child.attr("title").unwrap_or("a question group");
                        let bank = selection.child_text("sourcebank_ref");
                        let message = match (pool, bank) {
                            (0, Some(bank)) => format!(
                                "question group \"{group}\" in \"{assessment}\" draws {count} question(s) at random from the \
                                 question bank `{bank}`; those questions are not in this quiz, so none were imported for the group"
                            ),
                            _ => {
                                let kept = if imported == pool {
                                    format!("all {pool} were imported")
                                } else {
                                    format!(
                                        "{imported} of the {pool} were imported (each other one is reported on its own)"
                                    )
                                };
                                format!(
                                    "question group \"{group}\" in \"{assessment}\" draws {count} of {pool} questions at random; \
                                     {kept} and the random draw is not kept"
                                )
                            }
                        };
                        let note =
                            finding("import-qti-item", Severity::Warning, message, "item", self.source_name);
                        self.findings.insert(findings_before, note);
                    }
                }
                _ => {}
            }
        }
    }

    /// Markdown of a `material` (or anything holding `mattext`).
    fn material(&mut self, e: &Element) -> String {
        let mut parts = Vec::new();
        for m in e.descendants("mattext") {
            let text = m.text();
            let html = m.attr("texttype").is_some_and(|t| t.contains("html"))
                || (text.contains('<') && text.contains('>'));
            let md = if html {
                html_to_markdown::convert_with(&text, self.urls).markdown
            } else {
                let escaped = html_to_markdown::escape(text.trim());
                escaped.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            if !md.trim().is_empty() {
                parts.push(md.trim().to_owned());
            }
        }
        for m in e.descendants("matimage") {
            if let Some(uri) = m.attr("uri") {
                let alt = m.attr("label").unwrap_or("");
                let html = format!(
                    "<img src=\"{}\" alt=\"{}\">",
                    uri.replace('"', "&quot;"),
                    alt.replace('"', "&quot;")
                );
                parts.push(html_to_markdown::convert_with(&html, self.urls).markdown);
            }
        }
        parts.join("\n\n")
    }

    fn item(&mut self, item: &Element, assessment: &str, items: &mut Vec<QuizItem>) {
        let ident = item.attr("ident").unwrap_or_default().to_owned();
        let meta = item.child("itemmetadata").map(metadata).unwrap_or_default();
        let get = |k: &str| meta.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
        let profile = get("cc_profile").unwrap_or_default().to_owned();
        let canvas_type = get("question_type").unwrap_or_default().to_owned();
        let points = get("points_possible")
            .or_else(|| get("cc_weighting"))
            .and_then(|p| p.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite() && *p >= 0.0)
            .unwrap_or(1.0);
        let presentation = item.child("presentation");
        let stem = presentation
            .map(|p| {
                let mut parts = Vec::new();
                for child in p.elements() {
                    match child.name.as_str() {
                        "material" => parts.push(self.material(child)),
                        "flow" => {
                            for m in child.children_named("material") {
                                parts.push(self.material(m));
                            }
                        }
                        _ => {}
                    }
                }
                parts.retain(|p| !p.is_empty());
                parts.join("\n\n")
            })
            .unwrap_or_default();
        let label = {
            let title = item.attr("title").unwrap_or("");
            let excerpt: String = crate::markdown::to_plain_text(&stem).chars().take(60).collect();
            let name = if excerpt.is_empty() { title.to_owned() } else { excerpt };
            format!("item {ident} (\"{name}\") of \"{assessment}\"")
        };
        let conditions = item.descendants("respcondition").into_iter().map(condition).collect::<Vec<_>>();
        let feedback: HashMap<String, String> = item
            .children_named("itemfeedback")
            .map(|f| (f.attr("ident").unwrap_or_default().to_owned(), self.material(f)))
            .collect();
        let lids: Vec<&Element> = presentation.map(|p| p.descendants("response_lid")).unwrap_or_default();
        let strs: Vec<&Element> = presentation.map(|p| p.descendants("response_str")).unwrap_or_default();
        let nums: Vec<&Element> = presentation.map(|p| p.descendants("response_num")).unwrap_or_default();

        let kind = match (profile.as_str(), canvas_type.as_str()) {
            ("cc.multiple_choice.v0p1", _) | (_, "multiple_choice_question") => Kind::Choice(false),
            ("cc.multiple_response.v0p1", _) | (_, "multiple_answers_question") => Kind::Choice(true),
            ("cc.true_false.v0p1", _) | (_, "true_false_question") => Kind::TrueFalse,
            ("cc.fib.v0p1" | "cc.pattern_match.v0p1", _) | (_, "short_answer_question") => Kind::Short,
            ("cc.essay.v0p1", _) | (_, "essay_question") => Kind::Essay,
            (_, "numerical_question") => Kind::Numeric,
            (_, "matching_question") => Kind::Matching,
            (
                _,
                other @ ("multiple_dropdowns_question"
                | "fill_in_multiple_blanks_question"
                | "calculated_question"
                | "file_upload_question"
                | "text_only_question"),
            ) => Kind::Unsupported(other.replace('_', " ")),
            ("", "") => {
                if lids.len() > 1 {
                    Kind::Matching
                } else if let Some(lid) = lids.first() {
                    Kind::Choice(lid.attr("rcardinality").is_some_and(|c| c.eq_ignore_ascii_case("multiple")))
                } else if !nums.is_empty() {
                    Kind::Numeric
                } else if !strs.is_empty() {
                    if conditions.iter().any(|c| c.scores && (!c.equals.is_empty() || !c.patterns.is_empty()))
                    {
                        Kind::Short
                    } else {
                        Kind::Essay
                    }
                } else {
                    Kind::Unsupported("item without a response".into())
                }
            }
            (profile, canvas) => {
                Kind::Unsupported(if profile.is_empty() { canvas.to_owned() } else { profile.to_owned() })
            }
        };

        let mut quiz = QuizItem {
            id: ItemId::new(),
            stem,
            body: ItemBody::Essay { guidance: String::new() },
            points,
            feedback_correct: feedback.get("correct_fb").cloned().unwrap_or_default(),
            feedback_incorrect: feedback.get("general_incorrect_fb").cloned().unwrap_or_default(),
            level: None,
            objectives: Vec::new(),
        };
        let general = feedback.get("general_fb").cloned().unwrap_or_default();
        let scoring: Vec<&Condition> = conditions.iter().filter(|c| c.scores).collect();

        quiz.body = match kind {
            Kind::Unsupported(what) => {
                self.note(
                    Severity::Warning,
                    format!(
                        "{label} was not imported: Trellis has no equivalent of the \"{what}\" question type"
                    ),
                );
                return;
            }
            Kind::Choice(_) | Kind::TrueFalse if lids.is_empty() => {
                self.note(Severity::Warning, format!("{label} was not imported: it has no choices"));
                return;
            }
            Kind::Choice(multiple) => {
                let lid = lids[0];
                let respident = lid.attr("ident").unwrap_or_default();
                let correct: Vec<&str> = scoring
                    .iter()
                    .flat_map(|c| c.equals.iter())
                    .filter(|(r, _, _)| r.is_empty() || r == respident)
                    .map(|(_, v, _)| v.as_str())
                    .collect();
                let choices = self.choices(lid, &correct, &conditions, &feedback);
                let count = choices.iter().filter(|c| c.correct).count();
                if count == 0 {
                    self.note(
                        Severity::Warning,
                        format!("{label} has no correct choice in its scoring rules"),
                    );
                }
                if multiple {
                    ItemBody::MultipleResponse { choices }
                } else if count > 1 {
                    self.note(
                        Severity::Info,
                        format!(
                            "{label} accepts {count} different answers; it was imported as multiple response"
                        ),
                    );
                    ItemBody::MultipleResponse { choices }
                } else {
                    ItemBody::MultipleChoice { choices }
                }
            }
            Kind::TrueFalse => {
                let lid = lids[0];
                let correct: Vec<&str> =
                    scoring.iter().flat_map(|c| c.equals.iter()).map(|(_, v, _)| v.as_str()).collect();
                let choices = self.choices(lid, &correct, &conditions, &feedback);
                let truthy = |t: &str| {
                    matches!(t.trim().to_lowercase().as_str(), "true" | "vrai" | "wahr" | "verdadero" | "yes")
                };
                match choices.iter().find(|c| c.correct) {
                    Some(c) if choices.len() == 2 => ItemBody::TrueFalse {
                        answer: truthy(&c.text)
                            || (!truthy(&choices[0].text)
                                && !truthy(&choices[1].text)
                                && c.id == choices[0].id),
                    },
                    _ => {
                        self.note(
                            Severity::Info,
                            format!(
                                "{label} is not a plain true/false item; it was imported as multiple choice"
                            ),
                        );
                        ItemBody::MultipleChoice { choices }
                    }
                }
            }
            Kind::Short => {
                let mut answers: Vec<String> = Vec::new();
                let mut case_sensitive = false;
                for c in &scoring {
                    for (_, v, case) in &c.equals {
                        if !answers.contains(v) {
                            answers.push(v.clone());
                        }
                        case_sensitive |= *case;
                    }
                    for p in &c.patterns {
                        self.note(
                            Severity::Info,
                            format!(
                                "{label} accepts the pattern `{p}`; it was kept as a literal accepted answer"
                            ),
                        );
                        if !answers.contains(p) {
                            answers.push(p.clone());
                        }
                    }
                }
                if answers.is_empty() {
                    self.note(
                        Severity::Warning,
                        format!("{label} has no accepted answer in its scoring rules"),
                    );
                }
                ItemBody::ShortAnswer { answers, case_sensitive }
            }
            Kind::Essay => {
                let mut guidance = item
                    .descendants("solution")
                    .into_iter()
                    .map(|s| self.material(s))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                if guidance.is_empty() {
                    guidance = general.clone();
                }
                ItemBody::Essay { guidance }
            }
            Kind::Numeric => {
                let exact = scoring
                    .iter()
                    .flat_map(|c| c.equals.iter())
                    .find_map(|(_, v, _)| v.trim().parse::<f64>().ok());
                let range = scoring.iter().flat_map(|c| c.ranges.iter()).next().copied();
                match (exact, range) {
                    (Some(answer), Some((lo, hi))) => ItemBody::Numeric {
                        answer,
                        tolerance: ((hi - lo) / 2.0).abs().max((answer - lo).abs()).max((hi - answer).abs()),
                    },
                    (Some(answer), None) => ItemBody::Numeric { answer, tolerance: 0.0 },
                    (None, Some((lo, hi))) if lo.is_finite() && hi.is_finite() => {
                        ItemBody::Numeric { answer: (lo + hi) / 2.0, tolerance: (hi - lo).abs() / 2.0 }
                    }
                    _ => {
                        self.note(
                            Severity::Warning,
                            format!("{label} was not imported: no numeric answer found"),
                        );
                        return;
                    }
                }
            }
            Kind::Matching => {
                let mut pairs = Vec::new();
                let mut distractors = 0usize;
                for lid in &lids {
                    let respident = lid.attr("ident").unwrap_or_default();
                    let prompt = lid.child("material").map(|m| self.material(m)).unwrap_or_default();
                    let labels: Vec<(String, String)> = lid
                        .descendants("response_label")
                        .into_iter()
                        .map(|l| (l.attr("ident").unwrap_or_default().to_owned(), self.material(l)))
                        .collect();
                    let correct = scoring
                        .iter()
                        .flat_map(|c| c.equals.iter())
                        .find(|(r, _, _)| r == respident)
                        .and_then(|(_, v, _)| labels.iter().find(|(id, _)| id == v))
                        .map(|(_, text)| text.clone());
                    match correct {
                        Some(answer) if !prompt.is_empty() => {
                            pairs.push(MatchPair { id: ChoiceId::new(), prompt, answer })
                        }
                        _ => distractors += 1,
                    }
                }
                let answers: std::collections::HashSet<&str> =
                    pairs.iter().map(|p| p.answer.as_str()).collect();
                let unused = lids
                    .first()
                    .map(|l| l.descendants("response_label").len().saturating_sub(answers.len()))
                    .unwrap_or(0);
                if distractors > 0 || unused > 0 {
                    self.note(
                        Severity::Info,
                        format!("{label}: {} unmatched prompt(s) and {unused} distractor answer(s) are not kept (Trellis matching items are pairs)", distractors),
                    );
                }
                if pairs.is_empty() {
                    self.note(
                        Severity::Warning,
                        format!("{label} was not imported: no complete prompt/answer pair"),
                    );
                    return;
                }
                ItemBody::Matching { pairs }
            }
        };
        if !general.is_empty() && !matches!(quiz.body, ItemBody::Essay { .. }) {
            // General feedback is shown whatever the answer.
            for slot in [&mut quiz.feedback_correct, &mut quiz.feedback_incorrect] {
                if slot.is_empty() {
                    *slot = general.clone();
                }
            }
        }
        items.push(quiz);
    }

    fn choices(
        &mut self,
        lid: &Element,
        correct: &[&str],
        conditions: &[Condition],
        feedback: &HashMap<String, String>,
    ) -> Vec<Choice> {
        let mut out = Vec::new();
        for label in lid.descendants("response_label") {
            let ident = label.attr("ident").unwrap_or_default();
            let text = self.material(label);
            // Per-choice feedback: Canvas names it `<ident>_fb`; generic QTI links it from a
            // condition that tests this choice.
            let mut fb = feedback.get(&format!("{ident}_fb")).cloned().unwrap_or_default();
            if fb.is_empty() {
                for c in conditions {
                    if c.equals.len() == 1
                        && c.equals[0].1 == ident
                        && let Some(f) = c.feedback.iter().find_map(|id| {
                            (!matches!(id.as_str(), "correct_fb" | "general_incorrect_fb" | "general_fb"))
                                .then(|| feedback.get(id))
                                .flatten()
                        })
                    {
                        fb = f.clone();
                        break;
                    }
                }
            }
            out.push(Choice { id: ChoiceId::new(), text, correct: correct.contains(&ident), feedback: fb });
        }
        out
    }
}

enum Kind {
    Choice(bool),
    TrueFalse,
    Short,
    Essay,
    Numeric,
    Matching,
    Unsupported(String),
}

fn condition(rc: &Element) -> Condition {
    let mut c = Condition {
        scores: false,
        equals: Vec::new(),
        patterns: Vec::new(),
        ranges: Vec::new(),
        feedback: Vec::new(),
        other: false,
    };
    for sv in rc.children_named("setvar") {
        let value: f64 = sv.text().trim().parse().unwrap_or(0.0);
        let action = sv.attr("action").unwrap_or("Set");
        if value > 0.0 && (action.eq_ignore_ascii_case("set") || action.eq_ignore_ascii_case("add")) {
            c.scores = true;
        }
    }
    for df in rc.children_named("displayfeedback") {
        if let Some(id) = df.attr("linkrefid") {
            c.feedback.push(id.to_owned());
        }
    }
    if let Some(cv) = rc.child("conditionvar") {
        collect_tests(cv, false, &mut c);
    }
    c
}

fn collect_tests(e: &Element, negated: bool, c: &mut Condition) {
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut has_range = false;
    for t in e.elements() {
        match t.name.as_str() {
            "not" => collect_tests(t, !negated, c),
            "and" | "or" => collect_tests(t, negated, c),
            "other" => c.other = true,
            "varequal" if !negated => c.equals.push((
                t.attr("respident").unwrap_or_default().to_owned(),
                t.text().trim().to_owned(),
                t.attr("case").is_some_and(|v| v.eq_ignore_ascii_case("yes")),
            )),
            "varsubstring" if !negated => c.patterns.push(t.text().trim().to_owned()),
            "vargte" | "vargt" if !negated => {
                if let Ok(v) = t.text().trim().parse::<f64>() {
                    lo = v;
                    has_range = true;
                }
            }
            "varlte" | "varlt" if !negated => {
                if let Ok(v) = t.text().trim().parse::<f64>() {
                    hi = v;
                    has_range = true;
                }
            }
            _ => {}
        }
    }
    if has_range {
        c.ranges.push((lo, hi));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::import::html_to_markdown::KeepUrls;

    const MC: &str = r#"<questestinterop><assessment ident="A" title="Quiz">
      <qtimetadata><qtimetadatafield><fieldlabel>qmd_timelimit</fieldlabel><fieldentry>5</fieldentry></qtimetadatafield></qtimetadata>
      <section ident="root"><item ident="q1">
        <itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.multiple_choice.v0p1</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>
        <presentation><material><mattext texttype="text/html">&lt;p&gt;Pick &lt;b&gt;D&lt;/b&gt;&lt;/p&gt;</mattext></material>
          <response_lid ident="r" rcardinality="Single"><render_choice>
            <response_label ident="a"><material><mattext>A</mattext></material></response_label>
            <response_label ident="d"><material><mattext>D</mattext></material></response_label>
          </render_choice></response_lid></presentation>
        <resprocessing><respcondition><conditionvar><varequal respident="r">d</varequal></conditionvar>
          <setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>
      </item></section></assessment></questestinterop>"#;

    #[test]
    fn multiple_choice_items_keep_stem_choices_and_the_answer() {
        let doc = parse(MC.as_bytes(), "q.xml", &mut KeepUrls).unwrap();
        let a = &doc.assessments[0];
        assert_eq!(a.title, "Quiz");
        assert_eq!(a.time_limit_minutes(), Some(5));
        assert_eq!(a.items[0].stem, "Pick **D**");
        let ItemBody::MultipleChoice { choices } = &a.items[0].body else { panic!("{:?}", a.items[0].body) };
        assert_eq!(
            choices.iter().map(|c| (c.text.as_str(), c.correct)).collect::<Vec<_>>(),
            [("A", false), ("D", true)]
        );
    }

    #[test]
    fn unsupported_items_are_reported_not_dropped_silently() {
        let xml = MC.replace("cc.multiple_choice.v0p1", "cc.strange.v0p1");
        let doc = parse(xml.as_bytes(), "q.xml", &mut KeepUrls).unwrap();
        assert!(doc.assessments[0].items.is_empty());
        assert_eq!(doc.findings.len(), 1);
        assert!(doc.findings[0].message.contains("cc.strange.v0p1"), "{}", doc.findings[0].message);
    }

    #[test]
    fn question_group_findings_agree_with_the_item_findings() {
        // One group of two questions, one of a type Trellis has no equivalent for.
        let item = MC.split("<section ident=\"root\">").nth(1).unwrap().split("</section>").next().unwrap();
        let odd = item
            .replace("cc.multiple_choice.v0p1", "cc.strange.v0p1")
            .replace("ident=\"q1\"", "ident=\"q2\"");
        let group = format!(
            "<section ident=\"g\" title=\"Group 1\"><selection_ordering><selection><selection_number>1</selection_number></selection></selection_ordering>{item}{odd}</section>"
        );
        let xml = MC.replace(item, &group);
        let doc = parse(xml.as_bytes(), "q.xml", &mut KeepUrls).unwrap();
        assert_eq!(doc.assessments[0].items.len(), 1);
        let messages: Vec<&str> = doc.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("\"Group 1\"") && messages[0].contains("1 of the 2 were imported"),
            "{messages:?}"
        );
        assert!(!messages[0].contains("all 2"), "{messages:?}");
        assert!(messages[1].contains("q2") && messages[1].contains("was not imported"), "{messages:?}");

        // A group drawing from a bank that is not in the file imports nothing and says so.
        let banked = MC.replace(
            item,
            "<section ident=\"g\" title=\"From bank\"><selection_ordering><selection><sourcebank_ref>bank1</sourcebank_ref><selection_number>2</selection_number></selection></selection_ordering></section>",
        );
        let doc = parse(banked.as_bytes(), "q.xml", &mut KeepUrls).unwrap();
        assert!(doc.assessments[0].items.is_empty());
        let message = &doc.findings[0].message;
        assert!(
            message.contains("bank1") && message.contains("none were imported") && !message.contains("all 0"),
            "{message}"
        );
    }
}
