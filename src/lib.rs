//! Trellis: design curricula backward from outcomes and export them as LMS packages.
//!
//! The pipeline: a curriculum document lives in one SQLite file, opened by [`store`]; the store
//! loads it into the pure [`model`] (`model::Document`), which [`json`] writes and reads as the
//! canonical text format. [`pedagogy`] classifies objectives (Bloom level, measurability, ABCD),
//! [`analysis`] checks the whole document and builds the review views, [`export`] lowers the
//! model into an `ExportContext` and serialises it as packages (Common Cartridge, SCORM, cmi5,
//! CASE, …), and [`import`] turns outside formats into model entities. The `trellis` CLI and the
//! desktop app are thin layers over these modules; this crate never depends on the UI toolkit.

#![warn(missing_docs)]

pub mod analysis;
pub mod error;
pub mod evidence;
pub mod export;
pub mod finding;
pub mod folder;
pub mod fsutil;
pub mod generate;
pub mod import;
pub mod interactive;
pub mod json;
pub mod markdown;
pub mod merge;
pub mod model;
pub mod pedagogy;
pub mod store;
pub mod task;
pub mod translate;
pub mod workflow;
pub mod workspace;

pub use error::{Error, ErrorCode, Result};
pub use finding::{Finding, Severity, Target};
