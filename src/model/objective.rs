//! Objectives and outcomes with their Bloom classification, ABCD parts and vertical links.
//! The vocabularies (Bloom levels, knowledge dimensions, domains, I/R/M emphasis) live here
//! because every other module speaks them.

use serde::{Deserialize, Serialize};

use super::{NodeId, ObjectiveId, StandardItemId};

/// One learning objective (program outcome, course outcome, unit or lesson objective).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Objective {
    /// Stable identity.
    pub id: ObjectiveId,
    /// Node the objective belongs to; its scope (program, course, unit, lesson) follows.
    pub node: NodeId,
    /// Code such as `CO1` or `U2.3`.
    #[serde(default)]
    pub code: String,
    /// The full statement.
    pub statement: String,
    /// ABCD parts (audience, behaviour, condition, degree).
    #[serde(default)]
    pub abcd: Abcd,
    /// Cognitive level (revised Bloom).
    #[serde(default)]
    pub level: Option<BloomLevel>,
    /// Where `level` came from.
    #[serde(default)]
    pub level_source: LevelSource,
    /// Knowledge dimension.
    #[serde(default)]
    pub knowledge: Option<KnowledgeDimension>,
    /// Learning domain.
    #[serde(default)]
    pub domain: Domain,
    /// Higher-level objectives this one supports (vertical alignment).
    #[serde(default)]
    pub supports: Vec<ObjectiveId>,
    /// Objectives that must be reached before this one.
    #[serde(default)]
    pub prerequisites: Vec<ObjectiveId>,
    /// Standards or competency items this objective is aligned to.
    #[serde(default)]
    pub standards: Vec<StandardItemId>,
    /// Curriculum-map emphasis of this (program) outcome per course.
    #[serde(default)]
    pub emphasis: Vec<CourseEmphasis>,
}

/// The ABCD decomposition of an objective statement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Abcd {
    /// Who (e.g. "students").
    #[serde(default)]
    pub audience: String,
    /// The observable behaviour (verb + object).
    #[serde(default)]
    pub behavior: String,
    /// Under which conditions ("given a data set").
    #[serde(default)]
    pub condition: String,
    /// To which degree ("with 90 % accuracy").
    #[serde(default)]
    pub degree: String,
}

/// How strongly a course treats a program outcome (curriculum map).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CourseEmphasis {
    /// The course node.
    pub course: NodeId,
    /// Introduced, reinforced or mastered.
    pub emphasis: Emphasis,
}

/// Introduced / Reinforced / Mastered.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Emphasis {
    /// First encountered.
    Introduced,
    /// Practised further.
    Reinforced,
    /// Demonstrated at the expected level.
    Mastered,
}

impl Emphasis {
    /// The one-letter label used in curriculum maps.
    pub fn letter(self) -> char {
        match self {
            Emphasis::Introduced => 'I',
            Emphasis::Reinforced => 'R',
            Emphasis::Mastered => 'M',
        }
    }
}

/// The six levels of the revised Bloom taxonomy, in increasing order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum BloomLevel {
    /// Retrieve relevant knowledge.
    Remember,
    /// Construct meaning.
    Understand,
    /// Carry out a procedure.
    Apply,
    /// Break into parts and relate them.
    Analyze,
    /// Judge against criteria.
    Evaluate,
    /// Put elements together into a new whole.
    Create,
}

impl BloomLevel {
    /// All levels from lowest to highest.
    pub const ALL: [BloomLevel; 6] = [
        BloomLevel::Remember,
        BloomLevel::Understand,
        BloomLevel::Apply,
        BloomLevel::Analyze,
        BloomLevel::Evaluate,
        BloomLevel::Create,
    ];

    /// 1 (remember) … 6 (create).
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }

    /// Lower-case name as serialised (`analyze`).
    pub fn as_str(self) -> &'static str {
        match self {
            BloomLevel::Remember => "remember",
            BloomLevel::Understand => "understand",
            BloomLevel::Apply => "apply",
            BloomLevel::Analyze => "analyze",
            BloomLevel::Evaluate => "evaluate",
            BloomLevel::Create => "create",
        }
    }

    /// Parses the serialised name (also accepts British `analyse`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "remember" => Some(BloomLevel::Remember),
            "understand" => Some(BloomLevel::Understand),
            "apply" => Some(BloomLevel::Apply),
            "analyze" | "analyse" => Some(BloomLevel::Analyze),
            "evaluate" => Some(BloomLevel::Evaluate),
            "create" => Some(BloomLevel::Create),
            _ => None,
        }
    }
}

/// Where an objective's level came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum LevelSource {
    /// Not classified yet.
    #[default]
    Unset,
    /// Inferred from the statement's verb.
    Inferred,
    /// Set (or confirmed) by the designer.
    Designer,
}

/// Knowledge dimension of the revised taxonomy.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum KnowledgeDimension {
    /// Terminology and specific details.
    Factual,
    /// Classifications, principles, theories.
    Conceptual,
    /// Methods, techniques, criteria for using them.
    Procedural,
    /// Awareness of one's own cognition.
    Metacognitive,
}

impl KnowledgeDimension {
    /// All dimensions from concrete to abstract.
    pub const ALL: [KnowledgeDimension; 4] = [
        KnowledgeDimension::Factual,
        KnowledgeDimension::Conceptual,
        KnowledgeDimension::Procedural,
        KnowledgeDimension::Metacognitive,
    ];

    /// Lower-case name as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            KnowledgeDimension::Factual => "factual",
            KnowledgeDimension::Conceptual => "conceptual",
            KnowledgeDimension::Procedural => "procedural",
            KnowledgeDimension::Metacognitive => "metacognitive",
        }
    }
}

/// Learning domain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Domain {
    /// Thinking.
    #[default]
    Cognitive,
    /// Attitudes and values.
    Affective,
    /// Physical skills.
    Psychomotor,
}
