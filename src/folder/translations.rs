//! Language variants in the folder format: one file per language, `translations/<lang>.toml`,
//! holding the variant's translated fields in field-id order (`[[texts]]` tables with `id`,
//! `text`, `sourceHash` and `state`). A whole language per file keeps the folder small (a
//! translation has thousands of short fields) while a git diff still shows one field per table.

use std::collections::BTreeMap;
use std::path::Path;

use super::text::{TomlWriter, Tree, table_to_json};
use super::{Error, MAX_TEXT_FILE_BYTES, Reader, Result, parse_error};
use crate::model::{Translation, is_language_tag};

/// The sub-folder.
pub(super) const DIR: &str = "translations";

/// Adds one file per language variant to `files`.
pub(super) fn render(translations: &[Translation], files: &mut BTreeMap<String, Vec<u8>>) {
    for t in translations {
        let mut text =
            String::from("# A language variant of the curriculum: translated learner-facing fields.\n");
        if let Tree::Obj(entries) = Tree::of(t) {
            text.push_str(&TomlWriter { free: &[] }.document(&entries));
        }
        files.insert(format!("{DIR}/{}.toml", t.language), text.into_bytes());
    }
}

/// The variants in the folder, in language order.
pub(super) fn read(reader: &Reader) -> Result<Vec<Translation>> {
    let mut out = Vec::new();
    for name in file_names(&reader.dir)? {
        let rel = Path::new(DIR).join(&name);
        let bytes = reader.bytes(&rel, MAX_TEXT_FILE_BYTES)?;
        let place = reader.place(&rel);
        let content = crate::import::safety::utf8(&bytes, &place)?;
        let table: toml::Table =
            toml::from_str(content).map_err(|e| super::toml_error(&e, content, 0, &place))?;
        let json = table_to_json(table).map_err(|e| parse_error(&place, e))?;
        let t: Translation = serde_json::from_value(serde_json::Value::Object(json))
            .map_err(|e| parse_error(&place, e.to_string()))?;
        let stem = name.strip_suffix(".toml").unwrap_or(&name);
        if t.language != stem {
            return Err(parse_error(
                &place,
                format!("the file is named for \"{stem}\" but holds language \"{}\"", t.language),
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// Names of the variant files (`<language tag>.toml`) in the folder, sorted.
pub(super) fn file_names(dir: &Path) -> Result<Vec<String>> {
    let sub = dir.join(DIR);
    let Ok(entries) = std::fs::read_dir(&sub) else { return Ok(Vec::new()) };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&sub, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        let ours = name.strip_suffix(".toml").is_some_and(is_language_tag);
        if ours && entry.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
