//! Assessments and their quiz items. Items are owned by their assessment and kept in order.

use serde::{Deserialize, Serialize};

use super::{AssessmentId, BloomLevel, ChoiceId, ItemId, NodeId, ObjectiveId, RubricId};

/// One assessment inside a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Assessment {
    /// Stable identity.
    pub id: AssessmentId,
    /// Node the assessment belongs to.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Diagnostic, formative or summative.
    pub purpose: AssessmentPurpose,
    /// Quiz, assignment, performance task, …
    pub format: AssessmentFormat,
    /// Markdown instructions.
    #[serde(default)]
    pub instructions: String,
    /// Points possible.
    #[serde(default)]
    pub points: Option<f64>,
    /// Share of the final grade in percent.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Expected student time in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Share of the score needed to pass (0–1), used for mastery in SCORM/cmi5.
    #[serde(default)]
    pub mastery_score: Option<f64>,
    /// GRASPS description for performance tasks.
    #[serde(default)]
    pub grasps: Option<Grasps>,
    /// Rubric used to grade it.
    #[serde(default)]
    pub rubric: Option<RubricId>,
    /// Objectives the assessment measures.
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
    /// Quiz items, in order.
    #[serde(default)]
    pub items: Vec<QuizItem>,
}

/// Why an assessment is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum AssessmentPurpose {
    Diagnostic,
    Formative,
    Summative,
}

/// The form an assessment takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum AssessmentFormat {
    Quiz,
    Assignment,
    PerformanceTask,
    Discussion,
    Exam,
    Project,
}

/// GRASPS: goal, role, audience, situation, product/performance, standards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Grasps {
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub situation: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub standards: String,
}

/// One quiz item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuizItem {
    /// Stable identity.
    pub id: ItemId,
    /// Markdown stem (the question).
    pub stem: String,
    /// Type-specific answer data.
    pub body: ItemBody,
    /// Points for a fully correct answer.
    #[serde(default = "one")]
    pub points: f64,
    /// Feedback shown on a correct answer.
    #[serde(default)]
    pub feedback_correct: String,
    /// Feedback shown on an incorrect answer.
    #[serde(default)]
    pub feedback_incorrect: String,
    /// Cognitive level the item targets.
    #[serde(default)]
    pub level: Option<BloomLevel>,
    /// Objectives the item measures.
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
}

fn one() -> f64 {
    1.0
}

/// The seven item types and their answer data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ItemBody {
    /// One correct choice.
    MultipleChoice {
        /// Choices in display order.
        choices: Vec<Choice>,
    },
    /// Any number of correct choices.
    MultipleResponse {
        /// Choices in display order.
        choices: Vec<Choice>,
    },
    /// A statement that is true or false.
    TrueFalse {
        /// The correct answer.
        answer: bool,
    },
    /// A short typed answer matched against accepted answers.
    ShortAnswer {
        /// Accepted answers.
        answers: Vec<String>,
        /// Whether matching is case sensitive.
        #[serde(default)]
        case_sensitive: bool,
    },
    /// A number within a tolerance.
    Numeric {
        /// The correct value.
        answer: f64,
        /// Accepted absolute deviation.
        #[serde(default)]
        tolerance: f64,
    },
    /// A free-text answer graded by a person.
    Essay {
        /// Guidance for graders (Markdown).
        #[serde(default)]
        guidance: String,
    },
    /// Match prompts to answers.
    Matching {
        /// Prompt/answer pairs (the answer column is shuffled at delivery).
        pairs: Vec<MatchPair>,
    },
}

impl ItemBody {
    /// The serialised type name (`multipleChoice`).
    pub fn type_name(&self) -> &'static str {
        match self {
            ItemBody::MultipleChoice { .. } => "multipleChoice",
            ItemBody::MultipleResponse { .. } => "multipleResponse",
            ItemBody::TrueFalse { .. } => "trueFalse",
            ItemBody::ShortAnswer { .. } => "shortAnswer",
            ItemBody::Numeric { .. } => "numeric",
            ItemBody::Essay { .. } => "essay",
            ItemBody::Matching { .. } => "matching",
        }
    }
}

/// A choice of a multiple-choice or multiple-response item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    /// Stable identity.
    pub id: ChoiceId,
    /// Choice text (Markdown, inline).
    pub text: String,
    /// Whether selecting it is correct.
    #[serde(default)]
    pub correct: bool,
    /// Feedback when chosen.
    #[serde(default)]
    pub feedback: String,
}

/// A prompt/answer pair of a matching item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MatchPair {
    /// Stable identity.
    pub id: ChoiceId,
    /// Left column.
    pub prompt: String,
    /// Right column.
    pub answer: String,
}
