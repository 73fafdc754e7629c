//! Merge conflicts inside a Trellis folder: entity files that a line merge (git's own, which
//! folders use) left with conflict markers, listed field by field and resolved one file at a
//! time.
//!
//! A conflicted file holds both versions between `<<<<<<<`, `=======` and `>>>>>>>` lines (and
//! the common ancestor's after `|||||||` when git writes the `diff3` style). [`list`] splits each
//! such file back into ours, theirs and (when present) the base, reads each as an entity file,
//! and compares them field by field: a field only one side changed takes that side's value, a
//! field both sides set differently is a [`FieldConflict`]. When both branches added the same
//! file (add/add), there is no base and every field the two sides wrote differently conflicts.
//! When the markers hold no base (git's default style), the base is read from git's index
//! (stage 1 of the unmerged file), so a field only one side changed is still merged.
//! [`resolve`] writes the file back, clean, with a choice for each conflicting field (ours,
//! theirs or an edited value), and checks that the result reads as an entity of its kind.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::sync::entity_file;
use super::text::Tree;
use super::{
    CURRICULUM, CURRICULUM_FILE, KINDS, Kind, MAX_TEXT_FILE_BYTES, decode, file_text, managed_files, put,
};
use crate::model::Asset;
use crate::model::{
    Activity, Assessment, Comment, Curriculum, Framework, Node, Objective, ReviewEvent, Rubric, Snapshot,
    StandardAssociation, StandardItem,
};
use crate::{Error, Result};

/// How long reading the common ancestor from git may take.
const GIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// One field set differently by the two sides of a merge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FieldConflict {
    /// The field (`title`, `abcd`, `statement`; the body of a Markdown file is its field too).
    pub field: String,
    /// The common ancestor's value; absent when the file had no base (both sides added it) or
    /// the base did not set the field.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub base: Option<Value>,
    /// Our value (absent when our version does not set the field).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub ours: Option<Value>,
    /// Their value.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub theirs: Option<Value>,
}

/// One entity file with unresolved conflict markers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FileConflict {
    /// The file, relative to the folder, `/`-separated (`objectives/<id>.md`).
    pub file: String,
    /// The entity's kind (`objective`, `node`, …, `curriculum`).
    pub kind: String,
    /// The entity's id.
    pub id: String,
    /// Whether the common ancestor was in the file (false for add/add).
    pub has_base: bool,
    /// The fields set differently, in name order; fields only one side changed are merged.
    pub fields: Vec<FieldConflict>,
}

/// How to resolve one field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "take", content = "value", rename_all = "camelCase")]
pub enum Resolution {
    /// Keep our value.
    Ours,
    /// Take their value.
    Theirs,
    /// Use this value (as JSON: a string for text fields).
    Edit(#[cfg_attr(feature = "ts", ts(type = "unknown"))] Value),
}

/// Whether a file's text holds conflict markers.
pub fn has_markers(text: &str) -> bool {
    text.lines().any(|l| marker(l, '<'))
}

/// A conflict marker line: seven `c` and then the end of the line or a space.
fn marker(line: &str, c: char) -> bool {
    let line = line.trim_end_matches('\r');
    let count = line.chars().take_while(|&x| x == c).count();
    count == 7 && line[7..].chars().next().is_none_or(|x| x == ' ')
}

/// The versions in a file with conflict markers: (ours, base if present, theirs).
fn split_versions(text: &str) -> (String, Option<String>, String) {
    #[derive(PartialEq)]
    enum At {
        Both,
        Ours,
        Base,
        Theirs,
    }
    let (mut ours, mut base, mut theirs) = (String::new(), String::new(), String::new());
    let mut has_base = false;
    let mut at = At::Both;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if at == At::Both && marker(bare, '<') {
            at = At::Ours;
        } else if at == At::Ours && marker(bare, '|') {
            at = At::Base;
            has_base = true;
        } else if (at == At::Ours || at == At::Base) && bare == "=======" {
            at = At::Theirs;
        } else if at == At::Theirs && marker(bare, '>') {
            at = At::Both;
        } else {
            match at {
                At::Both => {
                    ours.push_str(line);
                    base.push_str(line);
                    theirs.push_str(line);
                }
                At::Ours => ours.push_str(line),
                At::Base => base.push_str(line),
                At::Theirs => theirs.push_str(line),
            }
        }
    }
    (ours, has_base.then_some(base), theirs)
}

/// The kind of a file of the folder that holds one entity (the curriculum file included).
fn kind_of(file: &str) -> Option<(&'static Kind, Option<uuid::Uuid>)> {
    if file == CURRICULUM_FILE {
        return Some((&CURRICULUM, None));
    }
    entity_file(file).map(|(kind, id)| (kind, Some(id)))
}

/// One side of a conflicted file, read as an entity: its fields and rank.
type Side = (Map<String, Value>, Option<String>);

fn read_side(kind: &Kind, text: &str, place: &str, id: Option<uuid::Uuid>) -> Result<Side> {
    let (value, rank) = decode::<Value>(kind, text, place, id)?;
    match value {
        Value::Object(map) => Ok((map, rank)),
        _ => Err(Error::Parse { source_name: place.to_owned(), message: "not a table".to_owned() }),
    }
}

/// A conflicted file taken apart: the merged fields (ours where a field conflicts), the rank,
/// and the conflicts.
struct Parsed {
    kind: &'static Kind,
    merged: Map<String, Value>,
    rank: Option<String>,
    conflict: FileConflict,
}

fn parse(dir: &Path, file: &str, text: &str) -> Result<Parsed> {
    let place = dir.join(file).display().to_string();
    let (kind, id) = kind_of(file).ok_or_else(|| Error::Parse {
        source_name: place.clone(),
        message: "is not an entity file".into(),
    })?;
    let (ours_text, base_text, theirs_text) = split_versions(text);
    let ours = read_side(kind, &ours_text, &format!("{place} (our side)"), id)?;
    let theirs = read_side(kind, &theirs_text, &format!("{place} (their side)"), id)?;
    // Without a base section (git's default conflict style), the base is the common
    // ancestor's version git keeps in its index (stage 1) while the merge is unresolved; an
    // add/add has none. A base that does not read counts as none.
    let base_text = base_text.or_else(|| {
        let dir = dir.join(file);
        let parent = dir.parent()?;
        let name = dir.file_name()?.to_str()?;
        let spec = format!(":1:./{name}");
        let bytes = crate::merge::git::run_with_timeout(parent, GIT_TIMEOUT, &["show", &spec])?;
        String::from_utf8(bytes).ok()
    });
    let base = base_text.and_then(|t| read_side(kind, &t, &place, id).ok());
    let mut merged = Map::new();
    let mut fields = Vec::new();
    let mut keys: Vec<&String> = ours.0.keys().chain(theirs.0.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let b = base.as_ref().and_then(|(m, _)| m.get(key));
        let (o, t) = (ours.0.get(key), theirs.0.get(key));
        let value = if o == t || b == t {
            o
        } else if b == o {
            t
        } else {
            fields.push(FieldConflict {
                field: key.clone(),
                base: b.cloned(),
                ours: o.cloned(),
                theirs: t.cloned(),
            });
            o.or(t)
        };
        if let Some(v) = value {
            merged.insert(key.clone(), v.clone());
        }
    }
    // Order only: the rank one side changed, else ours.
    let rank = match (base.as_ref().map(|(_, r)| r), &ours.1, &theirs.1) {
        (Some(b), o, t) if b == o => t.clone(),
        (_, o, _) => o.clone(),
    };
    let id_text = match id {
        Some(id) => id.to_string(),
        None => merged.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
    };
    let conflict = FileConflict {
        file: file.to_owned(),
        kind: kind.what.to_owned(),
        id: id_text,
        has_base: base.is_some(),
        fields,
    };
    Ok(Parsed { kind, merged, rank, conflict })
}

/// Reads one file of the folder as text within the entity file size limit.
fn read_text(dir: &Path, file: &str) -> Result<Option<String>> {
    let path = dir.join(file);
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(None) };
    if !meta.is_file() || meta.len() > MAX_TEXT_FILE_BYTES {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok(String::from_utf8(bytes).ok())
}

/// Every entity file of the Trellis folder `dir` that holds conflict markers, with its
/// conflicting fields. A side that does not read as an entity is an error naming the file.
pub fn list(dir: &Path) -> Result<Vec<FileConflict>> {
    let mut files = vec![CURRICULUM_FILE.to_owned()];
    files.extend(
        managed_files(dir)?
            .into_iter()
            .filter(|name| KINDS.iter().any(|k| name.starts_with(k.dir) && name.ends_with(k.ext()))),
    );
    let mut out = Vec::new();
    for file in files {
        let Some(text) = read_text(dir, &file)? else { continue };
        if has_markers(&text) && kind_of(&file).is_some() {
            out.push(parse(dir, &file, &text)?.conflict);
        }
    }
    Ok(out)
}

/// Resolves the conflicted file `file` (relative to `dir`) with one choice per conflicting
/// field (fields without a choice are refused, naming them) and writes it back without
/// markers. Fields only one side changed keep that change.
pub fn resolve(dir: &Path, file: &str, choices: &[(String, Resolution)]) -> Result<()> {
    let place = dir.join(file).display().to_string();
    let text = read_text(dir, file)?.ok_or_else(|| Error::Parse {
        source_name: place.clone(),
        message: "cannot be read as text".into(),
    })?;
    if !has_markers(&text) {
        return Err(Error::Conflict(format!("{place} holds no merge conflict")));
    }
    let Parsed { kind, mut merged, rank, conflict } = parse(dir, file, &text)?;
    let mut missing = Vec::new();
    for field in &conflict.fields {
        let choice = choices.iter().find(|(name, _)| *name == field.field).map(|(_, c)| c);
        let value = match choice {
            None => {
                missing.push(field.field.clone());
                continue;
            }
            Some(Resolution::Ours) => field.ours.clone(),
            Some(Resolution::Theirs) => field.theirs.clone(),
            Some(Resolution::Edit(value)) => Some(value.clone()),
        };
        match value {
            Some(v) => merged.insert(field.field.clone(), v),
            None => merged.remove(&field.field),
        };
    }
    if !missing.is_empty() {
        return Err(Error::Conflict(format!(
            "{place}: choose ours, theirs or an edited value for {}",
            missing.join(", ")
        )));
    }
    let tree = typed_tree(kind, merged).map_err(|message| Error::Parse {
        source_name: place.clone(),
        message: format!("the resolved entity is not a valid {}: {message}", kind.what),
    })?;
    let rank = if kind.dir.is_empty() { None } else { Some(rank.unwrap_or_else(|| "V".to_owned())) };
    let (_, text) = file_text(kind, &tree, rank.as_deref(), kind.dir.is_empty());
    put(dir, file, text.as_bytes(), true)?;
    Ok(())
}

/// The entity's fields in the model's order, checked by reading them as the kind's type.
fn typed_tree(kind: &Kind, object: Map<String, Value>) -> std::result::Result<Tree, String> {
    fn via<T: DeserializeOwned + Serialize>(object: Map<String, Value>) -> std::result::Result<Tree, String> {
        let entity: T = serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())?;
        Ok(Tree::of(&entity))
    }
    match kind.dir {
        "" => via::<Curriculum>(object),
        "nodes" => via::<Node>(object),
        "objectives" => via::<Objective>(object),
        "frameworks" => via::<Framework>(object),
        "standard-items" => via::<StandardItem>(object),
        "associations" => via::<StandardAssociation>(object),
        "activities" => via::<Activity>(object),
        "assessments" => via::<Assessment>(object),
        "rubrics" => via::<Rubric>(object),
        "comments" => via::<Comment>(object),
        "review-events" => via::<ReviewEvent>(object),
        "snapshots" => via::<Snapshot>(object),
        "assets" => via::<Asset>(object),
        other => Err(format!("unknown sub-folder {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_split_with_and_without_a_base() {
        let text = "a\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\nz\n";
        assert_eq!(split_versions(text), ("a\nours\nz\n".into(), None, "a\ntheirs\nz\n".into()));
        let text = "<<<<<<< HEAD\no\n||||||| base\nb\n=======\nt\n>>>>>>> x\n";
        assert_eq!(split_versions(text), ("o\n".into(), Some("b\n".into()), "t\n".into()));
        assert!(!has_markers("title = \"<<<<<<<< not a marker\"\n"));
    }
}
