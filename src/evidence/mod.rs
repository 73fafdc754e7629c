//! Evidence of learning: cohorts of pseudonymous learners and their results, imported from an
//! LMS or an LRS, and the mastery of each objective computed from them.
//!
//! This module owns the evidence tables of a `.trellis` document (`evidence_*`, schema version
//! 3) and everything read from or written to them. Evidence is kept apart from the design: it is
//! not part of [`crate::model::Document`] (loading the design never reads it) and is loaded on
//! demand as an [`Evidence`] value ([`Evidence::load`]). Every change (an import, the removal of
//! a cohort, a policy) runs in one transaction and is one undo step of the document's journal.
//!
//! - [`store`]: the SQL (load, write an import, remove a cohort, settings and policies);
//! - [`import`]: the importers (Canvas Outcome Results, Canvas gradebook, xAPI, plain CSV), each
//!   streamed and ending with an [`import::ImportReport`];
//! - [`mastery`]: the calculation methods (Canvas's and Brightspace's) and the roll-up;
//! - [`analysis`]: heatmaps, distributions, skill gaps, item analysis, cohort trends and the
//!   evidence findings (`E…`), computed from the design, the evidence and the mastery.
//!
//! Learners are pseudonymous: a learner is stored as a salted hash of the LMS id
//! ([`pseudonym`]); the salt is random, per document, and stored in the document. Names are kept
//! only when the import is asked to (`keep_names`). Formats and rules: `docs/evidence.md`.

pub mod analysis;
pub mod import;
pub mod mastery;
pub mod store;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use mastery::{Method, Policy};

/// What a result measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetKind {
    /// An objective, directly (Canvas outcome results, xAPI, plain CSV).
    Objective,
    /// An assessment (a gradebook column); reaches the objectives it is aligned to.
    Assessment,
    /// A quiz item; reaches the objectives the item is aligned to.
    Item,
    /// A rubric criterion; reaches the criterion's objective.
    Criterion,
}

impl TargetKind {
    /// The name stored in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Objective => "objective",
            TargetKind::Assessment => "assessment",
            TargetKind::Item => "item",
            TargetKind::Criterion => "criterion",
        }
    }

    /// The kind a stored name means.
    pub fn parse(text: &str) -> Option<TargetKind> {
        Some(match text {
            "objective" => TargetKind::Objective,
            "assessment" => TargetKind::Assessment,
            "item" => TargetKind::Item,
            "criterion" => TargetKind::Criterion,
            _ => return None,
        })
    }
}

/// A group of learners whose results were imported together.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Cohort {
    /// Its name (unique in the document).
    pub name: String,
    /// Term or section, as given at import (may be empty).
    pub term: String,
    /// The importer of its first import (`canvas-outcomes`, `canvas-gradebook`, `xapi`, `csv`).
    pub source: String,
    /// When it was first imported (RFC 3339, UTC).
    pub imported_at: String,
}

/// A learner of a cohort.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Learner {
    /// The cohort.
    pub cohort: String,
    /// The pseudonym ([`pseudonym`] of the LMS id).
    pub pseudonym: String,
    /// The name, only when the import kept names.
    pub name: Option<String>,
    /// The LMS section, when the source names one.
    pub section: String,
}

/// One result as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultRow {
    /// The learner: an index into [`Evidence::learners`] (which names the cohort).
    pub learner: u32,
    /// The importer that read it.
    pub source: import::Source,
    /// What was measured.
    pub target_kind: TargetKind,
    /// The id of what was measured.
    pub target_id: uuid::Uuid,
    /// The score.
    pub score: f64,
    /// Points possible, when the source says (otherwise the score is taken to be on the
    /// objective's own point scale).
    pub points_possible: Option<f64>,
    /// When (seconds since the Unix epoch, UTC), when the source says.
    pub at: Option<i64>,
    /// The attempt number, when the source says.
    pub attempt: Option<i64>,
    /// The line of the source file it came from.
    pub source_row: i64,
    /// What the learner answered, when the source says (a quiz item's response: choice
    /// identifiers, letters, `true`/`false` or text; see `docs/evidence.md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

/// The evidence of a document, loaded on demand (never part of the design).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The curriculum's default mastery policy.
    pub policy: Policy,
    /// Per-objective overrides of the policy.
    pub overrides: Vec<(uuid::Uuid, Policy)>,
    /// Cohorts, by name.
    pub cohorts: Vec<Cohort>,
    /// Learners, by cohort and pseudonym.
    pub learners: Vec<Learner>,
    /// Results, in storage order.
    pub results: Vec<ResultRow>,
}

impl Evidence {
    /// Reads the evidence of an open document (all cohorts, or only `cohort`).
    pub fn load(store: &crate::store::Store, cohort: Option<&str>) -> crate::Result<Evidence> {
        store::load(store.connection(), store.path(), cohort)
    }

    /// The policy that applies to `objective`.
    pub fn policy_for(&self, objective: uuid::Uuid) -> &Policy {
        self.overrides.iter().find(|(id, _)| *id == objective).map_or(&self.policy, |(_, p)| p)
    }
}

/// The pseudonym of an LMS learner id under a document's salt: the first 8 bytes of
/// SHA-256(salt ‖ 0x00 ‖ id), as 16 lowercase hex digits. The id is trimmed first, so the same
/// learner exported with stray spaces keeps one pseudonym.
pub fn pseudonym(salt: &[u8], lms_id: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(salt);
    hash.update([0u8]);
    hash.update(lms_id.trim().as_bytes());
    let digest = hash.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A new random salt (32 bytes): SHA-256 over the random bits of four UUID v7 values (drawn from
/// the operating system's generator) and the time.
pub fn new_salt() -> Vec<u8> {
    let mut hash = Sha256::new();
    for _ in 0..4 {
        hash.update(uuid::Uuid::now_v7().as_bytes());
    }
    hash.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
    hash.finalize().to_vec()
}
