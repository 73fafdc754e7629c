//! The example curricula bundled into the app (examples/*.json at build time, see build.rs), so
//! "open an example" works without any file next to the binary.

use trellis::model::Document;

use crate::dto::ExampleInfo;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// Parses a bundled example by id.
pub fn document(id: &str) -> trellis::Result<Document> {
    let (_, text) = EXAMPLES
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| trellis::Error::NotFound { kind: "example", id: id.to_owned() })?;
    trellis::json::from_str(text, &format!("examples/{id}.json"))
}

/// Every bundled example that parses, with its title and the first sentence of its description.
pub fn list() -> Vec<ExampleInfo> {
    EXAMPLES
        .iter()
        .filter_map(|(id, text)| {
            let doc = trellis::json::from_str(text, id).ok()?;
            let plain = trellis::markdown::to_plain_text(&doc.curriculum.description);
            let summary = plain.split_inclusive(". ").next().unwrap_or_default().trim().to_owned();
            Some(ExampleInfo { id: (*id).to_owned(), title: doc.curriculum.title, summary })
        })
        .collect()
}
