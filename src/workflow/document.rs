//! Making a new document in a folder (the app's documents folder): under a fresh name made from
//! the curriculum's title, never over an existing file, and only once the content is known to be
//! valid — so a refused document creates nothing, not even the folder. Also finding the template
//! "new from template" instantiates.

use std::path::{Path, PathBuf};

use crate::model::Document;
use crate::pedagogy::templates::{Catalog, Template};
use crate::store::Store;
use crate::{Error, Result};

/// A file-name stem for a document titled `title`: path separators and other awkward characters
/// become `-`, at most 80 characters, never empty or hidden.
pub fn fresh_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() || " -_.,()".contains(c) { c } else { '-' })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(80)
        .collect();
    if stem.is_empty() { "Untitled curriculum".to_owned() } else { stem }
}

/// A file name in `dir` for a new document titled `title` that does not exist yet:
/// `Title.trellis`, then `Title 2.trellis`, …
pub fn fresh_path(dir: &Path, title: &str) -> PathBuf {
    let stem = fresh_stem(title);
    let mut path = dir.join(format!("{stem}.trellis"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} {n}.trellis"));
        n += 1;
    }
    path
}

/// How often a name taken by a simultaneous creation is retried with the next fresh name.
const RACES: usize = 8;

/// Creates a new document holding `doc` in `dir` (created when missing) under a fresh name
/// ([`fresh_path`]) and returns it open. `source_name` names where the content came from in the
/// error when it is not valid; then nothing is created. A name another process takes at the
/// same moment is skipped for the next one.
pub fn create_in(dir: &Path, doc: &Document, source_name: &str) -> Result<Store> {
    doc.validate_as(source_name)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut attempt = 0;
    loop {
        let path = fresh_path(dir, &doc.curriculum.title);
        match Store::create(&path, doc) {
            Err(Error::Exists { .. }) if attempt < RACES => attempt += 1,
            Err(e @ Error::Exists { .. }) => return Err(e),
            Err(e) => {
                // Store::create stages through a temporary file; only when opening the finished
                // file failed is it left in place, and then it is ours to remove.
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
            Ok(store) => return Ok(store),
        }
    }
}

/// The template with id `id` in `catalog` (what "new from template" instantiates); an unknown
/// id is `Error::NotFound` naming it.
pub fn find_template(catalog: &Catalog, id: &str) -> Result<Template> {
    catalog.get(id).cloned().ok_or_else(|| Error::UnknownTemplate {
        id: id.to_owned(),
        available: catalog.templates.iter().map(|t| t.id.clone()).collect(),
        skipped: catalog.errors.clone(),
    })
}

/// A new document in `dir` from the template `template_id` of `catalog` (its starting outline),
/// titled `title`.
pub fn from_template(dir: &Path, catalog: &Catalog, template_id: &str, title: &str) -> Result<Store> {
    let template = find_template(catalog, template_id)?;
    create_in(dir, &template.instantiate(title), &format!("template {template_id}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fresh_paths_never_overwrite_and_drop_path_separators() {
        let dir = tempfile::tempdir().unwrap();
        let first = fresh_path(dir.path(), "Stats / Probability");
        assert_eq!(first.file_name().and_then(|n| n.to_str()), Some("Stats - Probability.trellis"));
        std::fs::write(&first, b"x").unwrap();
        let second = fresh_path(dir.path(), "Stats / Probability");
        assert_eq!(second.file_name().and_then(|n| n.to_str()), Some("Stats - Probability 2.trellis"));
        assert_eq!(fresh_path(dir.path(), "../..").parent(), Some(dir.path()));
    }
}
