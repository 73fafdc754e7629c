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
            Some(ExampleInfo {
                id: (*id).to_owned(),
                title: doc.curriculum.title,
                summary: first_sentence(&plain),
            })
        })
        .collect()
}

/// The text up to and including the first full stop that ends a sentence.
fn first_sentence(text: &str) -> String {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '.' && chars.peek().is_none_or(|(_, next)| next.is_whitespace()) {
            return text[..=i].trim().to_owned();
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_the_first_sentence_even_across_lines() {
        assert_eq!(first_sentence("A course. Six units.\nMore"), "A course.");
        assert_eq!(first_sentence("Uses v1.2 data.\nThen"), "Uses v1.2 data.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }

    #[test]
    fn every_bundled_example_parses_and_is_listed() {
        assert_eq!(list().len(), EXAMPLES.len(), "an example failed to parse");
    }
}
