//! The conflicts `trellis merge` could not resolve when it merged folders: it writes the merged
//! folder holding ours of each, and lists every conflict (path, entity, base, ours, theirs) in
//! `conflicts/merge.json` inside it ([`FILE`]; reading the folder ignores that file).
//!
//! This module owns reading that file as untrusted input ([`read`]: at most [`MAX_BYTES`] and
//! [`MAX_CONFLICTS`] conflicts, the kind and format checked, every conflict's path parsed and
//! found in the folder's document, each problem named with the file and the conflict's place),
//! listing the conflicts with the entity's current title ([`list`]), turning one choice (ours,
//! theirs or an edited value) into the document that holds it ([`resolved_document`]), and
//! taking a conflict out of the file once its choice is stored ([`mark_resolved`]; the file is
//! removed with the last one). Nothing is written when a conflict cannot be applied.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::folder::conflicts::Resolution;
use crate::merge::{Conflict, ConflictsFile};
use crate::model::Document;
use crate::{Error, Result};

/// Where `trellis merge` lists a folder merge's conflicts, relative to the folder.
pub const FILE: &str = "conflicts/merge.json";

/// Largest conflicts file read (16 MiB).
pub const MAX_BYTES: u64 = 16 << 20;

/// Most conflicts one file may list.
pub const MAX_CONFLICTS: usize = 10_000;

/// Longest path of one conflict, and most parts in it.
const MAX_PATH_LEN: usize = 1024;
const MAX_PATH_PARTS: usize = 32;

/// The undo label of a resolved merge conflict.
pub const LABEL: &str = "Resolve merge conflict";

/// One conflict of the file, as the app lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MergeConflict {
    /// Its place in the file (0-based); resolving names it with its path.
    pub index: u32,
    /// Where in the canonical JSON (`objectives[ID].statement`).
    pub path: String,
    /// The entity's kind (`objective`, `node`, …; `document` for top-level fields).
    pub kind: String,
    /// The entity's id (empty for top-level fields).
    pub id: String,
    /// The entity's title (or statement, name, code) in the folder now; empty when it has none.
    pub title: String,
    /// The field inside the entity; empty when the whole entity conflicts (deleted on one side,
    /// edited on the other).
    pub field: String,
    /// The common ancestor's value (absent when unknown or unset).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub base: Option<Value>,
    /// Our value (absent when we deleted it).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub ours: Option<Value>,
    /// Their value (absent when they deleted it).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub theirs: Option<Value>,
}

/// One part of a conflict's path: a field name or a list element by its key.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Field(String),
    Element(String),
}

/// The conflicts file of the folder `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Reads the folder's conflicts file; `None` when there is none. A file that is too large, not
/// JSON, not a conflicts file, or lists a conflict whose path does not parse is an error naming
/// the file and the place.
pub fn read(dir: &Path) -> Result<Option<ConflictsFile>> {
    use std::io::Read;
    let path = path_in(dir);
    let name = || FILE.to_owned();
    let parse = |message: String| Error::Parse { source_name: name(), message };
    let file = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
        Ok(meta) if !meta.is_file() => return Err(parse("not a regular file".into())),
        Ok(meta) if meta.len() > MAX_BYTES => {
            return Err(parse(format!(
                "{} bytes is larger than the {} MiB limit",
                meta.len(),
                MAX_BYTES >> 20
            )));
        }
        Ok(_) => std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?,
    };
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Error::io(&path, e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(parse(format!("larger than the {} MiB limit", MAX_BYTES >> 20)));
    }
    let parsed: ConflictsFile = serde_json::from_slice(&bytes).map_err(|e| {
        parse(format!("line {}, column {}: not a merge conflicts file ({e})", e.line(), e.column()))
    })?;
    if parsed.kind != "trellis-merge-conflicts" {
        return Err(parse(format!("kind {:?} is not trellis-merge-conflicts", parsed.kind)));
    }
    if parsed.format != 1 {
        return Err(parse(format!("format {} is not known (this version reads format 1)", parsed.format)));
    }
    if parsed.conflicts.len() > MAX_CONFLICTS {
        return Err(parse(format!(
            "{} conflicts is more than the {MAX_CONFLICTS} limit",
            parsed.conflicts.len()
        )));
    }
    for (i, c) in parsed.conflicts.iter().enumerate() {
        parts(&c.path).map_err(|e| parse(format!("{}: {e}", place(i, c))))?;
    }
    Ok(Some(parsed))
}

/// The conflicts of the folder `dir` (empty when it has no conflicts file), each found in `doc`
/// (the folder's document) with its entity's title. A conflict whose entity or field is not in
/// the document is an error naming the file and the conflict.
pub fn list(dir: &Path, doc: &Document) -> Result<Vec<MergeConflict>> {
    let Some(file) = read(dir)? else { return Ok(Vec::new()) };
    if file.conflicts.is_empty() {
        return Ok(Vec::new());
    }
    let root = document_value(doc)?;
    let mut out = Vec::with_capacity(file.conflicts.len());
    for (i, c) in file.conflicts.into_iter().enumerate() {
        let title = locate(&root, &c).map_err(|e| Error::Parse {
            source_name: FILE.into(),
            message: format!("{}: {e}", place(i, &c)),
        })?;
        out.push(MergeConflict {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            path: c.path,
            kind: c.kind,
            id: c.id,
            title,
            field: c.field,
            base: c.base,
            ours: c.ours,
            theirs: c.theirs,
        });
    }
    Ok(out)
}

/// The document `doc` with conflict `index` (whose path must be `path`, as listed) resolved by
/// `choice`, normalised and valid; `None` when `doc` already holds that value. Nothing is
/// written; an unknown conflict, a path that is not in the document, or a value that does not
/// fit (wrong type, breaks an invariant) is an error naming the file and the conflict.
pub fn resolved_document(
    dir: &Path,
    doc: &Document,
    index: u32,
    path: &str,
    choice: &Resolution,
) -> Result<Option<Document>> {
    let file = read(dir)?.ok_or_else(|| Error::Conflict(format!("{FILE} is gone: nothing to resolve")))?;
    let (i, conflict) = find(&file, index, path)?;
    let value = match choice {
        Resolution::Ours => conflict.ours.clone(),
        Resolution::Theirs => conflict.theirs.clone(),
        Resolution::Edit(v) => Some(v.clone()),
    };
    let at = || place(i, conflict);
    let fail =
        |message: String| Error::Parse { source_name: FILE.into(), message: format!("{}: {message}", at()) };
    let mut root = document_value(doc)?;
    set(&mut root, conflict, value).map_err(&fail)?;
    let mut new: Document = serde_json::from_value(root)
        .map_err(|e| fail(format!("the chosen value does not fit the document ({e})")))?;
    new.normalize();
    new.validate_as(format!("{FILE}, {}", at()))?;
    Ok((new != *doc).then_some(new))
}

/// Takes conflict `index` (whose path must be `path`) out of the folder's conflicts file, once
/// its choice is stored; the file is removed with its last conflict (and the `conflicts`
/// folder when nothing else is in it). Answers with the conflicts that remain in the file.
pub fn mark_resolved(dir: &Path, index: u32, path: &str) -> Result<Vec<Conflict>> {
    let Some(mut file) = read(dir)? else { return Ok(Vec::new()) };
    let (i, _) = find(&file, index, path)?;
    file.conflicts.remove(i);
    let at = path_in(dir);
    if file.conflicts.is_empty() {
        std::fs::remove_file(&at).map_err(|e| Error::io(&at, e))?;
        if let Some(parent) = at.parent() {
            // Only an empty folder is removed; anything else in it stays.
            let _ = std::fs::remove_dir(parent);
        }
    } else {
        crate::json::write_atomic(&at, file.to_json().as_bytes())?;
    }
    Ok(file.conflicts)
}

/// The conflict at `index`, when its path is `path` (the file may have changed since it was
/// listed).
fn find<'a>(file: &'a ConflictsFile, index: u32, path: &str) -> Result<(usize, &'a Conflict)> {
    let i = usize::try_from(index).unwrap_or(usize::MAX);
    match file.conflicts.get(i) {
        Some(c) if c.path == path => Ok((i, c)),
        _ => Err(Error::Conflict(format!(
            "{FILE} has no conflict {index} at {path:?} (it changed since it was listed); list the conflicts again"
        ))),
    }
}

/// How a conflict is named in errors: its place in the file and its path.
fn place(i: usize, c: &Conflict) -> String {
    let path: String = c.path.chars().take(120).collect();
    format!("conflicts[{i}] ({path})")
}

fn document_value(doc: &Document) -> Result<Value> {
    serde_json::to_value(doc).map_err(|e| Error::Internal(format!("serialising the document: {e}")))
}

/// Splits `objectives[ID].abcd.behavior` into its parts.
fn parts(path: &str) -> std::result::Result<Vec<Part>, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if path.len() > MAX_PATH_LEN {
        return Err(format!("the path is longer than {MAX_PATH_LEN} bytes"));
    }
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if out.len() >= MAX_PATH_PARTS {
            return Err(format!("the path has more than {MAX_PATH_PARTS} parts"));
        }
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').ok_or("a '[' without its ']'")?;
            let key = &inner[..end];
            if key.is_empty() {
                return Err("an empty [] in the path".into());
            }
            out.push(Part::Element(key.to_owned()));
            rest = &inner[end + 1..];
        } else {
            let name = if out.is_empty() {
                rest
            } else {
                rest.strip_prefix('.').ok_or("a field without '.' before it")?
            };
            let end = name.find(['.', '[']).unwrap_or(name.len());
            if end == 0 {
                return Err("an empty field name in the path".into());
            }
            out.push(Part::Field(name[..end].to_owned()));
            rest = &name[end..];
        }
    }
    if !matches!(out.first(), Some(Part::Field(_))) {
        return Err("the path does not start with a field".into());
    }
    Ok(out)
}

/// The key of a list element, as the merge matches elements (`id`, `course`, `level`,
/// `language`, the first one the element has).
fn element_key(v: &Value) -> Option<&str> {
    let m = v.as_object()?;
    ["id", "course", "level", "language"].iter().find_map(|k| m.get(*k)).and_then(Value::as_str)
}

/// A readable title of an entity value.
fn title_of(v: &Value) -> String {
    ["title", "statement", "name", "code", "body", "text"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .find(|s| !s.trim().is_empty())
        .map(|s| s.chars().take(200).collect())
        .unwrap_or_default()
}

/// Checks that the conflict's entity is in `root` and its field's parent exists; answers with
/// the entity's title.
fn locate(root: &Value, c: &Conflict) -> std::result::Result<String, String> {
    let parts = parts(&c.path)?;
    let mut at = root;
    let mut title = if c.id.is_empty() {
        title_of(root.get("curriculum").unwrap_or(&Value::Null))
    } else {
        String::new()
    };
    let mut found_id = c.id.is_empty();
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        match part {
            Part::Field(name) => match at.get(name) {
                Some(v) => at = v,
                // A field one side does not set may be absent now; its object must exist.
                None if last && at.is_object() => break,
                None => return Err(format!("the document has no field {name:?} there")),
            },
            Part::Element(key) => {
                let list = at.as_array().ok_or_else(|| format!("[{key}] is not in a list"))?;
                at = list.iter().find(|v| element_key(v) == Some(key)).ok_or_else(|| {
                    let kind: String = c.kind.chars().take(40).collect();
                    let key: String = key.chars().take(80).collect();
                    format!("no {} {key} in the folder", if kind.is_empty() { "entity" } else { &kind })
                })?;
                if *key == c.id {
                    found_id = true;
                    title = title_of(at);
                }
            }
        }
    }
    if !found_id {
        let (kind, id): (String, String) =
            (c.kind.chars().take(40).collect(), c.id.chars().take(80).collect());
        return Err(format!("the path does not lead to {kind} {id}"));
    }
    Ok(title)
}

/// Sets (or removes, for `None`) the value at the conflict's path in `root`.
fn set(root: &mut Value, c: &Conflict, value: Option<Value>) -> std::result::Result<(), String> {
    locate(root, c)?;
    let parts = parts(&c.path)?;
    let (last, inner) = parts.split_last().ok_or("the path is empty")?;
    let mut at = root;
    for part in inner {
        at = match part {
            Part::Field(name) => {
                at.get_mut(name).ok_or_else(|| format!("the document has no field {name:?} there"))?
            }
            Part::Element(key) => {
                let list = at.as_array_mut().ok_or_else(|| format!("[{key}] is not in a list"))?;
                list.iter_mut()
                    .find(|v| element_key(v) == Some(key))
                    .ok_or_else(|| format!("no entity {key}"))?
            }
        };
    }
    match last {
        Part::Field(name) => {
            let object = at.as_object_mut().ok_or_else(|| format!("{name:?} is not a field of an object"))?;
            match value {
                Some(v) => {
                    object.insert(name.clone(), v);
                }
                None => {
                    object.remove(name);
                }
            }
        }
        Part::Element(key) => {
            let list = at.as_array_mut().ok_or_else(|| format!("[{key}] is not in a list"))?;
            let i = list
                .iter()
                .position(|v| element_key(v) == Some(key))
                .ok_or_else(|| format!("no entity {key}"))?;
            match value {
                Some(v) if element_key(&v) == Some(key) => list[i] = v,
                Some(_) => return Err(format!("the chosen value is not entity {key} (its id differs)")),
                None => {
                    list.remove(i);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Part, parts};

    #[test]
    fn paths_split_into_fields_and_elements() {
        assert_eq!(
            parts("objectives[a-b].abcd.behavior"),
            Ok(vec![
                Part::Field("objectives".into()),
                Part::Element("a-b".into()),
                Part::Field("abcd".into()),
                Part::Field("behavior".into())
            ])
        );
        assert_eq!(parts("curriculum.title").map(|p| p.len()), Ok(2));
        for bad in ["", "[x]", "a[", "a[]", "a..b", "a.", "a[x]b"] {
            assert!(parts(bad).is_err(), "{bad}");
        }
    }
}
