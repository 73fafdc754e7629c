//! The pure domain model: every entity of a curriculum document and the invariants between them.
//! No IO happens here; the store persists these types, the canonical JSON serialises them, and
//! analysis, export and import read them. Invariants are enforced in one place,
//! [`Document::validate`].

mod activity;
mod assessment;
mod asset;
mod curriculum;
mod document;
mod ids;
pub mod limits;
mod node;
mod objective;
pub(crate) mod patch;
mod pathway;
mod review;
mod rubric;
mod standards;
mod time;
mod translation;

pub use activity::*;
pub use assessment::*;
pub use asset::{Asset, sha256_hex};
pub use curriculum::*;
pub use document::*;
pub use ids::*;
pub use limits::{MAX_FRAMEWORK_DEPTH, MAX_HTML_DEPTH, MAX_OUTLINE_DEPTH};
pub use node::*;
pub use objective::*;
pub use patch::{DocumentPatch, Keyed, ListPatch};
pub use pathway::*;
pub use review::*;
pub use rubric::*;
pub use standards::*;
pub use time::Timestamp;
pub use translation::*;
