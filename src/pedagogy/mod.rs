//! Pedagogy: Bloom levels, the verb lexicon, objective analysis and templates (loaded from
//! `templates/`).
//!
//! - [`bloom`]: the verb lexicon (`templates/lexicon/bloom-verbs.toml`, embedded) built once
//!   into lookup tables with every inflection and British/US spelling;
//! - [`objective`]: [`analyze_objective`], the explainable analysis of one statement (level,
//!   candidates, verbs, measurability, knowledge dimension, ABCD, findings);
//! - [`profile`] and [`calibrate`]: an institution's convention learnt from its labelled
//!   objectives (verb adjustments and a small logistic regression), saved as a versionable JSON
//!   profile and applied on top of the built-in analysis ([`analyze_objective_using`]);
//! - [`lint_document`]: the same findings for every objective of a document, targeted at the
//!   objective and its place in the outline;
//! - [`templates`]: templates as data (`templates/*.toml`, embedded, plus a user folder) with
//!   their outline levels, [`FieldSpec`]s, objective kinds, activity tag sets, skeletons and
//!   checks.
//!
//! This module judges wording and declares templates. Alignment, sequencing and workload
//! checks over a whole curriculum belong to [`crate::analysis`], which calls in here.

pub mod bloom;
pub mod calibrate;
mod fields;
mod lint;
pub mod objective;
pub mod profile;
pub mod templates;
mod text;
mod zeroshot;

pub use fields::{FieldBase, FieldSpec, SelectOption};
pub use lint::{document_profile, lint_document};
pub use objective::{
    AbcdPresence, Basis, Confidence, ObjectiveAnalysis, VerbMatch, analyze_objective,
    analyze_objective_using, analyze_with, codes,
};
pub use profile::Profile;
pub use templates::Template;
