//! The one lowering both QTI versions share: the export context's assessments and quiz items as a
//! bank of items and tests, with the content already in QTI XHTML (relinked for files in
//! `items/` and `tests/`), the interaction of every item type and how it is scored.
//!
//! Scoring (the item outcome `SCORE` is in the item's points): a standard template where one
//! fits and the item has no feedback to show (`match_correct` for one-point choice items,
//! `map_response` for choice items worth other points, short answers and matching items), explicit
//! rules otherwise (feedback, numeric tolerance, all-or-nothing multiple response worth other
//! than one point), none for essays, which a person scores.

use std::collections::{BTreeSet, HashMap};

use super::xhtml;
use crate::export::lower::{ASSET_DIR, AssessmentView, ExportContext, ItemView, ident_with, relink};
use crate::model::{ItemBody, MatchPair};

/// Everything the bank holds.
pub(super) struct Bank<'c> {
    /// Items, assessment by assessment, in item order.
    pub items: Vec<BankItem<'c>>,
    /// One test per assessment with items, in the context's order.
    pub tests: Vec<BankTest<'c>>,
}

/// One quiz item.
pub(super) struct BankItem<'c> {
    /// The item.
    pub view: &'c ItemView<'c>,
    /// Identifier (item and manifest resource).
    pub ident: String,
    /// Package path (`items/<ident>.xml`).
    pub file: String,
    /// Title: the stem's first 80 characters.
    pub title: String,
    /// Points for a fully correct answer (the item's `SCORE` maximum).
    pub points: f64,
    /// How the candidate answers.
    pub interaction: Interaction<'c>,
    /// How the answer is scored.
    pub scoring: Scoring,
    /// The stem as QTI XHTML.
    pub stem: String,
    /// Choices (choice and true/false items).
    pub choices: Vec<BankChoice>,
    /// Feedback on a correct answer (modal), QTI XHTML, empty when none.
    pub feedback_correct: String,
    /// Feedback on an incorrect answer (modal), QTI XHTML, empty when none.
    pub feedback_incorrect: String,
    /// Whether the player may shuffle choices.
    pub shuffle: bool,
    /// Indices into the context's assets that the item's content uses.
    pub assets: Vec<usize>,
}

impl BankItem<'_> {
    /// Whether the item shows feedback (and so declares the `FEEDBACK` outcome).
    pub fn has_feedback(&self) -> bool {
        !self.feedback_correct.is_empty()
            || !self.feedback_incorrect.is_empty()
            || self.choices.iter().any(|c| !c.feedback.is_empty())
    }
}

/// A choice of a choice or true/false item.
pub(super) struct BankChoice {
    /// Identifier.
    pub ident: String,
    /// Content, QTI XHTML.
    pub html: String,
    /// Whether choosing it is (part of) the correct answer.
    pub correct: bool,
    /// Feedback shown inline when chosen, QTI inline XHTML, empty when none.
    pub feedback: String,
}

/// The interaction of an item.
pub(super) enum Interaction<'c> {
    /// Choose `max` of the choices (1 for multiple choice and true/false, 0 = any number).
    Choice {
        /// `maxChoices`.
        max: u32,
    },
    /// Type a text matched against accepted answers.
    Text {
        /// Accepted answers.
        answers: &'c [String],
        /// Whether case counts.
        case_sensitive: bool,
    },
    /// Type a number within a tolerance.
    Numeric {
        /// The correct value.
        answer: f64,
        /// Accepted absolute deviation.
        tolerance: f64,
    },
    /// Write an essay scored by a person.
    Essay {
        /// Grading guidance, QTI XHTML (empty when none).
        guidance: String,
    },
    /// Match prompts to answers.
    Matching {
        /// The pairs in the model's order (prompts are shown in it).
        pairs: &'c [MatchPair],
        /// Answer choices: (identifier, text), in alphabetical order of the text.
        answers: Vec<(String, &'c str)>,
    },
}

/// How an item's response is scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scoring {
    /// The standard `match_correct` template (`SCORE` 1 or 0).
    MatchCorrect,
    /// The standard `map_response` template (`SCORE` from the response's mapping).
    MapResponse,
    /// Explicit response-processing rules.
    Rules,
    /// No automatic scoring.
    Manual,
}

/// One test: an assessment with items.
pub(super) struct BankTest<'c> {
    /// The assessment.
    pub view: &'c AssessmentView<'c>,
    /// Identifier (test and manifest resource).
    pub ident: String,
    /// Package path (`tests/<ident>.xml`).
    pub file: String,
    /// Instructions, QTI XHTML (empty when none).
    pub instructions: String,
    /// Indices into [`Bank::items`].
    pub items: Vec<usize>,
    /// Indices into the context's assets that the instructions use.
    pub assets: Vec<usize>,
}

/// Identifier of a matching item's prompt choice.
pub(super) fn prompt_ident(p: &MatchPair) -> String {
    ident_with(p.id.0, "prompt")
}

/// Identifier of a matching item's answer choice.
pub(super) fn answer_ident(p: &MatchPair) -> String {
    ident_with(p.id.0, "answer")
}

/// Builds the bank.
pub(super) fn bank<'c>(cx: &'c ExportContext<'c>, shuffle: bool) -> Bank<'c> {
    let asset_ix: HashMap<&str, usize> =
        cx.assets.iter().enumerate().map(|(i, a)| (a.path.as_str(), i)).collect();
    let mut items = Vec::new();
    let mut tests = Vec::new();
    for a in &cx.assessments {
        if a.items.is_empty() {
            continue;
        }
        let mut used = BTreeSet::new();
        let instructions = content(&a.instructions_html, &asset_ix, &mut used, false);
        let first = items.len();
        for view in &a.items {
            items.push(item(view, &asset_ix, shuffle));
        }
        tests.push(BankTest {
            view: a,
            ident: a.ident.clone(),
            file: format!("tests/{}.xml", a.ident),
            instructions,
            items: (first..items.len()).collect(),
            assets: used.into_iter().collect(),
        });
    }
    Bank { items, tests }
}

/// Converts context HTML to QTI XHTML for a file one folder down, noting the assets it uses.
fn content(html: &str, asset_ix: &HashMap<&str, usize>, used: &mut BTreeSet<usize>, inline: bool) -> String {
    if html.is_empty() {
        return String::new();
    }
    if html.contains(ASSET_DIR) {
        for attr in [" src=\"", " href=\""] {
            for (at, _) in html.match_indices(attr) {
                let value = &html[at + attr.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                if let Some(i) = asset_ix.get(value) {
                    used.insert(*i);
                }
            }
        }
    }
    let relinked;
    let html = if html.contains(ASSET_DIR) {
        relinked = relink(html, "../");
        relinked.as_str()
    } else {
        html
    };
    if inline { xhtml::inline(html) } else { xhtml::flow(html).trim().to_owned() }
}

fn item<'c>(view: &'c ItemView<'c>, asset_ix: &HashMap<&str, usize>, shuffle: bool) -> BankItem<'c> {
    let mut used = BTreeSet::new();
    let points = if view.item.points.is_finite() && view.item.points >= 0.0 { view.item.points } else { 0.0 };
    let stem = content(&view.stem_html, asset_ix, &mut used, false);
    let feedback_correct = content(&view.feedback_correct_html, asset_ix, &mut used, false);
    let feedback_incorrect = content(&view.feedback_incorrect_html, asset_ix, &mut used, false);
    let mut choices: Vec<BankChoice> = view
        .choices
        .iter()
        .map(|c| BankChoice {
            ident: c.ident.clone(),
            html: content(&c.html, asset_ix, &mut used, false),
            correct: c.correct,
            feedback: content(&c.feedback_html, asset_ix, &mut used, true),
        })
        .collect();
    let interaction = match &view.item.body {
        ItemBody::MultipleChoice { .. } => Interaction::Choice { max: 1 },
        ItemBody::MultipleResponse { .. } => Interaction::Choice { max: 0 },
        ItemBody::TrueFalse { answer } => {
            choices = [(true, "True"), (false, "False")]
                .into_iter()
                .map(|(value, label)| BankChoice {
                    ident: ident_with(view.item.id.0, if value { "true" } else { "false" }),
                    html: label.to_owned(),
                    correct: value == *answer,
                    feedback: String::new(),
                })
                .collect();
            Interaction::Choice { max: 1 }
        }
        ItemBody::ShortAnswer { answers, case_sensitive } => {
            Interaction::Text { answers, case_sensitive: *case_sensitive }
        }
        ItemBody::Numeric { answer, tolerance } => Interaction::Numeric {
            answer: if answer.is_finite() { *answer } else { 0.0 },
            tolerance: if tolerance.is_finite() { tolerance.abs() } else { 0.0 },
        },
        ItemBody::Essay { guidance } => {
            let html =
                if guidance.trim().is_empty() { String::new() } else { crate::markdown::render(guidance) };
            Interaction::Essay { guidance: xhtml::flow(&html).trim().to_owned() }
        }
        ItemBody::Matching { pairs } => {
            let mut answers: Vec<(String, &str)> =
                pairs.iter().map(|p| (answer_ident(p), p.answer.as_str())).collect();
            answers.sort_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(&b.0)));
            Interaction::Matching { pairs, answers }
        }
    };
    let title: String = view.stem_text.chars().take(80).collect();
    let title = if title.trim().is_empty() { "Question".to_owned() } else { title.trim().to_owned() };
    let mut item = BankItem {
        view,
        ident: view.ident.clone(),
        file: format!("items/{}.xml", view.ident),
        title,
        points,
        interaction,
        scoring: Scoring::Rules,
        stem,
        choices,
        feedback_correct,
        feedback_incorrect,
        shuffle,
        assets: used.into_iter().collect(),
    };
    item.scoring = scoring(&item);
    item
}

fn scoring(item: &BankItem<'_>) -> Scoring {
    let feedback = item.has_feedback();
    let any_correct = item.choices.iter().any(|c| c.correct);
    match &item.interaction {
        Interaction::Essay { .. } => Scoring::Manual,
        Interaction::Numeric { .. } => Scoring::Rules,
        _ if feedback => Scoring::Rules,
        Interaction::Choice { .. } if !any_correct => Scoring::Rules,
        Interaction::Choice { .. } if item.points == 1.0 => Scoring::MatchCorrect,
        Interaction::Choice { max: 1 } => Scoring::MapResponse,
        Interaction::Choice { .. } => Scoring::Rules,
        Interaction::Text { answers: [], .. } | Interaction::Matching { pairs: [], .. } => Scoring::Rules,
        Interaction::Text { .. } | Interaction::Matching { .. } => Scoring::MapResponse,
    }
}
