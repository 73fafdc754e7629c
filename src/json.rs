//! The canonical JSON format: the whole document as deterministic, pretty JSON. Keys come out in
//! declaration order (serde derives), collections in canonical order ([`Document::normalize`]),
//! so two saves of the same document are byte-identical and diffs are readable.
//! [`from_str`] is the only way text becomes a `Document`: it limits size, parses, normalises
//! and validates, and names the input and the place of every problem.

use crate::model::Document;
use crate::{Error, Result};

/// Largest canonical JSON accepted (512 MiB; assets are inline as base64).
pub const MAX_INPUT_LEN: usize = 512 << 20;

/// Serialises a document as canonical JSON (normalised copy, two-space indent, trailing newline).
pub fn to_string(doc: &Document) -> String {
    let mut doc = doc.clone();
    doc.normalize();
    to_string_normalized(&doc)
}

/// Serialises a document that is already in canonical order.
pub fn to_string_normalized(doc: &Document) -> String {
    // Serialising plain data structs to a String cannot fail: no maps with non-string keys,
    // no custom serialisers that error.
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Parses, normalises and validates canonical JSON. `source_name` names the input in errors.
pub fn from_str(text: &str, source_name: &str) -> Result<Document> {
    if text.len() > MAX_INPUT_LEN {
        return Err(Error::Parse {
            source_name: source_name.to_owned(),
            message: format!("{} bytes is larger than the {} byte limit", text.len(), MAX_INPUT_LEN),
        });
    }
    let mut doc: Document = serde_json::from_str(text).map_err(|e| Error::Parse {
        source_name: source_name.to_owned(),
        message: format!("line {}, column {}: {}", e.line(), e.column(), strip_position(&e.to_string())),
    })?;
    doc.normalize();
    doc.validate_as(source_name)?;
    Ok(doc)
}

/// Largest canonical JSON file `trellis import --from json` reads (128 MiB, the limit every
/// single-file import source has, see `import::Limits::max_source_bytes` and docs/import.md).
pub const MAX_IMPORT_LEN: u64 = 128 << 20;

/// Reads a canonical JSON file (documents up to [`MAX_INPUT_LEN`]).
pub fn read(path: &std::path::Path) -> Result<Document> {
    read_limited(path, MAX_INPUT_LEN as u64)
}

/// Reads a canonical JSON file to import, refusing files over [`MAX_IMPORT_LEN`].
pub fn read_import(path: &std::path::Path) -> Result<Document> {
    read_limited(path, MAX_IMPORT_LEN)
}

/// Reads a canonical JSON file of at most `limit` bytes. The size is checked before reading and
/// the read itself stops after `limit` bytes, so a file that grows meanwhile is refused too.
pub fn read_limited(path: &std::path::Path, limit: u64) -> Result<Document> {
    use std::io::Read;
    let too_large = |len: u64| Error::Parse {
        source_name: path.display().to_string(),
        message: format!("{len} bytes is larger than the {} limit", size_text(limit)),
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::Parse {
        source_name: path.display().to_string(),
        message: format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
    })?;
    from_str(&text, &path.display().to_string())
}

/// A byte count as a short text: `128 MiB` for whole mebibytes, else bytes.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} byte")
    }
}

/// Writes canonical JSON atomically (temporary file + rename), so a failed write never leaves a
/// half-written file behind.
pub fn write(doc: &Document, path: &std::path::Path) -> Result<()> {
    write_atomic(path, to_string(doc).as_bytes())
}

/// Writes bytes to `path` through a temporary sibling and a rename ([`crate::fsutil`]).
pub use crate::fsutil::write_atomic;

/// The JSON Schema of the canonical format, generated from the Rust types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
