//! A curriculum as a folder of small text files, for reading diffs and merging with git.
//!
//! This module owns the folder format (documented in `docs/folder-format.md`): [`write`] turns a
//! [`Document`] into one file per entity, [`read`] turns a folder back into the same document
//! (its canonical JSON is identical). Each entity file is named by the entity's id, holds its
//! fields as TOML front matter (one field per line, in the model's order) and its prose as a
//! Markdown body; list order is kept in `rank` keys ([`rank`]) instead of positions, so two
//! people inserting into the same list change different files. Assets are their own data
//! files beside a small metadata file; snapshots are canonical JSON files.
//!
//! Reading treats the folder as untrusted input: only the known sub-folders are listed (unknown
//! files and folders such as `.git` or a README are ignored), symbolic links are refused, file
//! sizes, the number of files and the total size are limited before anything is read, every
//! problem names the file and the line, and the document is validated as a whole, so a broken
//! folder yields an error and never part of a document.

pub mod conflicts;
mod rank;
pub mod sync;
mod text;
mod translations;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{Asset, Document, Snapshot, sha256_hex};
use crate::{Error, Result};
use text::{TomlWriter, Tree};

/// Version of the folder layout, written in [`MARKER`].
pub const FORMAT: i64 = 1;

/// The file at the root that makes a folder a Trellis folder.
pub const MARKER: &str = "trellis-folder.toml";

/// Most entity files read from one folder.
pub const MAX_FILES: usize = 200_000;

/// Largest entity text file (TOML or Markdown) read.
pub const MAX_TEXT_FILE_BYTES: u64 = 32 << 20;

/// Largest asset data file or snapshot file read.
pub const MAX_DATA_FILE_BYTES: u64 = 256 << 20;

/// Largest sum of the sizes of every file read from one folder.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// What one kind of entity looks like in the folder.
struct Kind {
    /// Entity name in messages.
    what: &'static str,
    /// Sub-folder.
    dir: &'static str,
    /// The field written as the Markdown body (then the file is `.md`, else `.toml`).
    body: Option<&'static str>,
    /// The field whose value scopes the order (ranks compare within one value).
    group: Option<&'static str>,
    /// Top-level fields holding free JSON.
    free: &'static [&'static str],
    /// Fields kept in another file or computed on reading.
    detached: &'static [&'static str],
}

impl Kind {
    fn ext(&self) -> &'static str {
        if self.body.is_some() { "md" } else { "toml" }
    }
}

const NODES: Kind = Kind {
    what: "node",
    dir: "nodes",
    body: Some("summary"),
    group: Some("parent"),
    free: &["fields"],
    detached: &[],
};
const OBJECTIVES: Kind = Kind {
    what: "objective",
    dir: "objectives",
    body: Some("statement"),
    group: Some("node"),
    free: &[],
    detached: &[],
};
const FRAMEWORKS: Kind =
    Kind { what: "framework", dir: "frameworks", body: None, group: None, free: &["extra"], detached: &[] };
const STANDARD_ITEMS: Kind = Kind {
    what: "standard item",
    dir: "standard-items",
    body: Some("statement"),
    group: Some("framework"),
    free: &["extra"],
    detached: &[],
};
const ASSOCIATIONS: Kind = Kind {
    what: "association",
    dir: "associations",
    body: None,
    group: Some("framework"),
    free: &["extra"],
    detached: &[],
};
const ACTIVITIES: Kind = Kind {
    what: "activity",
    dir: "activities",
    body: Some("instructions"),
    group: Some("node"),
    free: &[],
    detached: &[],
};
const ASSESSMENTS: Kind = Kind {
    what: "assessment",
    dir: "assessments",
    body: Some("instructions"),
    group: Some("node"),
    free: &[],
    detached: &[],
};
const RUBRICS: Kind =
    Kind { what: "rubric", dir: "rubrics", body: Some("description"), group: None, free: &[], detached: &[] };
const COMMENTS: Kind =
    Kind { what: "comment", dir: "comments", body: Some("body"), group: None, free: &[], detached: &[] };
const REVIEW_EVENTS: Kind = Kind {
    what: "review event",
    dir: "review-events",
    body: Some("note"),
    group: None,
    free: &[],
    detached: &[],
};
const SNAPSHOTS: Kind =
    Kind { what: "snapshot", dir: "snapshots", body: None, group: None, free: &[], detached: &["document"] };
const ASSETS: Kind =
    Kind { what: "asset", dir: "assets", body: None, group: None, free: &[], detached: &["sha256", "data"] };

/// Every sub-folder the format writes, in the order they are read.
const KINDS: [&Kind; 12] = [
    &NODES,
    &OBJECTIVES,
    &FRAMEWORKS,
    &STANDARD_ITEMS,
    &ASSOCIATIONS,
    &ACTIVITIES,
    &ASSESSMENTS,
    &RUBRICS,
    &COMMENTS,
    &REVIEW_EVENTS,
    &SNAPSHOTS,
    &ASSETS,
];

/// The curriculum's own file.
const CURRICULUM_FILE: &str = "curriculum.md";
const CURRICULUM: Kind =
    Kind { what: "curriculum", dir: "", body: Some("description"), group: None, free: &[], detached: &[] };

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads a Trellis folder into a validated document. Errors name the file and, for a broken
/// file, the line; nothing is returned unless the whole folder reads and validates.
pub fn read(dir: &Path) -> Result<Document> {
    let reader = Reader::open(dir)?;
    let (curriculum, _) =
        reader.entity::<crate::model::Curriculum>(&CURRICULUM, Path::new(CURRICULUM_FILE), None)?;
    let mut doc = Document::new("");
    doc.curriculum = curriculum;
    doc.nodes = reader.list(&NODES)?;
    doc.objectives = reader.list(&OBJECTIVES)?;
    doc.frameworks = reader.list(&FRAMEWORKS)?;
    doc.standard_items = reader.list(&STANDARD_ITEMS)?;
    doc.associations = reader.list(&ASSOCIATIONS)?;
    doc.activities = reader.list(&ACTIVITIES)?;
    doc.assessments = reader.list(&ASSESSMENTS)?;
    doc.rubrics = reader.list(&RUBRICS)?;
    doc.comments = reader.list(&COMMENTS)?;
    doc.review_events = reader.list(&REVIEW_EVENTS)?;
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for (id, mut snapshot) in reader.list_with_ids::<Snapshot>(&SNAPSHOTS)? {
        let name = Path::new(SNAPSHOTS.dir).join(format!("{id}.json"));
        let bytes = reader.bytes(&name, MAX_DATA_FILE_BYTES)?;
        snapshot.document = crate::import::safety::utf8(&bytes, &reader.place(&name))?.to_owned();
        snapshots.push(snapshot);
    }
    doc.snapshots = snapshots;
    let mut assets: Vec<Asset> = Vec::new();
    for (id, mut asset) in reader.list_with_ids::<Asset>(&ASSETS)? {
        let name = Path::new(ASSETS.dir).join(data_file_name(id, &asset.name));
        asset.data = reader.bytes(&name, MAX_DATA_FILE_BYTES)?;
        asset.sha256 = sha256_hex(&asset.data);
        assets.push(asset);
    }
    doc.assets = assets;
    doc.translations = translations::read(&reader)?;
    doc.normalize();
    doc.validate().map_err(|problems| Error::Invalid {
        source_name: dir.display().to_string(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })?;
    Ok(doc)
}

/// Whether `dir` holds a Trellis folder (its marker file exists).
pub fn is_folder(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

struct Reader {
    dir: PathBuf,
    files: AtomicUsize,
    total: AtomicU64,
}

impl Reader {
    fn open(dir: &Path) -> Result<Reader> {
        let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
        if !meta.is_dir() {
            return Err(Error::NotTrellis { path: dir.to_owned(), reason: "it is not a folder".to_owned() });
        }
        let reader = Reader { dir: dir.to_owned(), files: AtomicUsize::new(0), total: AtomicU64::new(0) };
        if !dir.join(MARKER).is_file() {
            return Err(Error::NotTrellis {
                path: dir.to_owned(),
                reason: format!("it has no {MARKER}; `trellis export --format folder` writes one"),
            });
        }
        let marker = reader.bytes(Path::new(MARKER), MAX_TEXT_FILE_BYTES)?;
        let place = reader.place(Path::new(MARKER));
        let text = crate::import::safety::utf8(&marker, &place)?;
        check_marker(text, &place)?;
        Ok(reader)
    }

    fn place(&self, name: &Path) -> String {
        self.dir.join(name).display().to_string()
    }

    /// Reads one file within the limits (no symbolic links, size checked before and during).
    fn bytes(&self, name: &Path, limit: u64) -> Result<Vec<u8>> {
        let path = self.dir.join(name);
        let place = path.display().to_string();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
        if meta.file_type().is_symlink() {
            return Err(parse_error(&place, "is a symbolic link; a Trellis folder holds regular files only"));
        }
        if !meta.is_file() {
            return Err(parse_error(&place, "is not a regular file"));
        }
        if self.files.fetch_add(1, Ordering::Relaxed) + 1 > MAX_FILES {
            return Err(parse_error(
                &self.dir.display().to_string(),
                format!("the folder holds more than {MAX_FILES} files; Trellis reads at most {MAX_FILES}"),
            ));
        }
        let too_large =
            |len: u64| parse_error(&place, format!("the file is {len} bytes; the limit is {limit} bytes"));
        if meta.len() > limit {
            return Err(too_large(meta.len()));
        }
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::io(&path, e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        let total = self.total.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(parse_error(
                &self.dir.display().to_string(),
                format!("the folder's files add up to more than {MAX_TOTAL_BYTES} bytes; that is the limit"),
            ));
        }
        Ok(bytes)
    }

    /// The ids of the entity files of one kind, sorted.
    fn ids(&self, kind: &Kind) -> Result<Vec<Uuid>> {
        entity_ids(&self.dir, kind)
    }

    fn list<T: DeserializeOwned + Send>(&self, kind: &Kind) -> Result<Vec<T>> {
        Ok(self.list_with_ids(kind)?.into_iter().map(|(_, t)| t).collect())
    }

    /// Every entity of one kind, ordered by rank (then id).
    fn list_with_ids<T: DeserializeOwned + Send>(&self, kind: &Kind) -> Result<Vec<(Uuid, T)>> {
        let ids = self.ids(kind)?;
        let read = parallel(&ids, |&id| {
            let name = Path::new(kind.dir).join(format!("{id}.{}", kind.ext()));
            self.entity::<T>(kind, &name, Some(id))
                .map(|(entity, rank)| (rank.unwrap_or_default(), id, entity))
        });
        let mut out = read.into_iter().collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        Ok(out.into_iter().map(|(_, id, t)| (id, t)).collect())
    }

    /// Reads and decodes one entity file; `id` comes from the file name (the curriculum file
    /// holds its own).
    fn entity<T: DeserializeOwned>(
        &self,
        kind: &Kind,
        name: &Path,
        id: Option<Uuid>,
    ) -> Result<(T, Option<String>)> {
        let bytes = self.bytes(name, MAX_TEXT_FILE_BYTES)?;
        let place = self.place(name);
        let content = crate::import::safety::utf8(&bytes, &place)?;
        decode(kind, content, &place, id)
    }
}

fn check_marker(text: &str, place: &str) -> Result<()> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(&e, text, 0, place))?;
    match table.get("format").and_then(toml::Value::as_integer) {
        Some(FORMAT) => Ok(()),
        Some(found) if found > FORMAT => Err(parse_error(
            place,
            format!(
                "the folder was written by a newer Trellis (folder format {found}; this version reads format {FORMAT})"
            ),
        )),
        _ => Err(parse_error(place, format!("line 1: expected `format = {FORMAT}`"))),
    }
}

fn parse_error(place: &str, message: impl Into<String>) -> Error {
    Error::Parse { source_name: place.to_owned(), message: message.into() }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn toml_error(e: &toml::de::Error, toml_text: &str, first_line: usize, place: &str) -> Error {
    let line = e.span().map_or(1, |span| line_of(toml_text, span.start)) + first_line;
    parse_error(place, format!("line {line}: {}", e.message().trim()))
}

/// The front matter (TOML) and body of a `.md` entity file, with the line the TOML starts on
/// minus one.
fn split_front_matter<'a>(content: &'a str, place: &str) -> Result<(&'a str, &'a str)> {
    let rest = content
        .strip_prefix("+++\n")
        .or_else(|| content.strip_prefix("+++\r\n"))
        .ok_or_else(|| parse_error(place, "line 1: expected `+++` (the start of the TOML front matter)"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "+++" {
            let toml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((toml, body));
        }
        offset += line.len();
    }
    Err(parse_error(
        place,
        format!("line {}: the front matter is not closed by a `+++` line", content.lines().count() + 1),
    ))
}

/// Decodes an entity file's text; returns the entity and its rank.
fn decode<T: DeserializeOwned>(
    kind: &Kind,
    content: &str,
    place: &str,
    id: Option<Uuid>,
) -> Result<(T, Option<String>)> {
    let (toml_text, body, first_line) = if kind.body.is_some() {
        let (toml_text, body) = split_front_matter(content, place)?;
        (toml_text, Some(body), 1)
    } else {
        (content, None, 0)
    };
    let table: toml::Table =
        toml::from_str(toml_text).map_err(|e| toml_error(&e, toml_text, first_line, place))?;
    let at = |key: &str, message: String| {
        parse_error(place, format!("line {}: {message}", key_line(toml_text, key) + first_line))
    };
    let mut object = text::table_to_json(table).map_err(|e| {
        let key = e.split(':').next().unwrap_or_default().to_owned();
        at(&key, e)
    })?;
    for key in kind.free {
        text::restore_free(&mut object, key).map_err(|e| at(&format!("{key}-json"), e))?;
    }
    let rank = match object.remove("rank") {
        None if id.is_some() => return Err(at("", format!("the {} has no `rank`", kind.what))),
        None => None,
        Some(Value::String(rank)) => match rank::problem(&rank) {
            Some(problem) => return Err(at("rank", problem)),
            None => Some(rank),
        },
        Some(_) => return Err(at("rank", "rank must be a quoted string".to_owned())),
    };
    for key in kind.detached {
        if object.contains_key(*key) {
            return Err(at(
                key,
                format!("`{key}` is not written in a folder (it is kept in its own file or computed)"),
            ));
        }
        object.insert((*key).to_owned(), Value::String(String::new()));
    }
    if let Some(field) = kind.body {
        if object.contains_key(field) {
            return Err(at(
                field,
                format!("`{field}` is the Markdown body after the front matter, not a TOML key"),
            ));
        }
        let body = body.unwrap_or_default();
        let body = body.strip_suffix('\n').unwrap_or(body);
        object.insert(field.to_owned(), Value::String(body.to_owned()));
    }
    if let Some(id) = id {
        if object.contains_key("id") {
            return Err(at("id", "`id` is the file name, not a TOML key".to_owned()));
        }
        object.insert("id".to_owned(), Value::String(id.hyphenated().to_string()));
    }
    // Deserialised from a borrowed value: no copy of the entity for the (rare) error path.
    let object = Value::Object(object);
    match <T as serde::Deserialize>::deserialize(&object) {
        Ok(entity) => Ok((entity, rank)),
        Err(_) => {
            let Value::Object(object) = object else {
                return Err(at("", "the file is not a TOML table".to_owned()));
            };
            // The message of the owned deserialiser, as errors have always read.
            let message = match serde_json::from_value::<T>(Value::Object(object.clone())) {
                Ok(entity) => return Ok((entity, rank)),
                Err(e) => e.to_string(),
            };
            let key = culprit::<T>(&object, &message);
            Err(at(
                &key,
                format!("{}{message}", if key.is_empty() { String::new() } else { format!("{key}: ") }),
            ))
        }
    }
}

/// The top-level key an error is about: the one named in backticks, or the first whose removal
/// changes the error.
fn culprit<T: DeserializeOwned>(object: &Map<String, Value>, message: &str) -> String {
    if let Some(start) = message.find('`') {
        let name = &message[start + 1..];
        if let Some(end) = name.find('`') {
            let name = &name[..end];
            if object.contains_key(name) || message.starts_with("missing field") {
                return if message.starts_with("missing field") { String::new() } else { name.to_owned() };
            }
        }
    }
    for key in object.keys() {
        let mut without = object.clone();
        without.remove(key);
        match serde_json::from_value::<T>(Value::Object(without)) {
            Ok(_) => return key.clone(),
            Err(e) if e.to_string() != message => return key.clone(),
            Err(_) => {}
        }
    }
    String::new()
}

/// 1-based line (within the TOML) where `key` is set; 1 when it is not found.
fn key_line(toml_text: &str, key: &str) -> usize {
    if key.is_empty() {
        return 1;
    }
    let quoted = format!("\"{key}\"");
    let header = format!("[{key}]");
    for (i, line) in toml_text.lines().enumerate() {
        let line = line.trim_start();
        let named = line.strip_prefix(key).or_else(|| line.strip_prefix(&quoted));
        if named.is_some_and(|rest| rest.trim_start().starts_with('=')) || line.starts_with(&header) {
            return i + 1;
        }
    }
    1
}

/// Ids of a kind's entity files (`<uuid>.md` / `<uuid>.toml`, canonical lower-case form) in a
/// folder, sorted; other files are ignored, symbolic links refused.
fn entity_ids(dir: &Path, kind: &Kind) -> Result<Vec<Uuid>> {
    let sub = dir.join(kind.dir);
    let meta = match std::fs::symlink_metadata(&sub) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&sub, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(parse_error(
            &sub.display().to_string(),
            "is a symbolic link; a Trellis folder holds regular folders only",
        ));
    }
    if !meta.is_dir() {
        return Err(parse_error(&sub.display().to_string(), "is not a folder"));
    }
    let suffix = format!(".{}", kind.ext());
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(&sub).map_err(|e| Error::io(&sub, e))? {
        let entry = entry.map_err(|e| Error::io(&sub, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(id) = name.strip_suffix(&suffix).and_then(canonical_uuid) else { continue };
        ids.push(id);
        if ids.len() > MAX_FILES {
            return Err(parse_error(
                &sub.display().to_string(),
                format!("holds more than {MAX_FILES} files; Trellis reads at most {MAX_FILES}"),
            ));
        }
    }
    ids.sort();
    Ok(ids)
}

/// A UUID written in the canonical lower-case hyphenated form, else `None`.
fn canonical_uuid(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok().filter(|id| id.hyphenated().to_string() == text)
}

/// The data file of an asset: its id plus the extension of its name (`bin` when it has none).
fn data_file_name(id: Uuid, name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| (1..=10).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .filter(|ext| ext != "toml")
        .unwrap_or_else(|| "bin".to_owned());
    format!("{id}.{ext}")
}

// ---------------------------------------------------------------------------------------------
// Writing

/// What [`write`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (new or changed), relative to the folder, `/`-separated.
    pub written: Vec<String>,
    /// Files removed (entities no longer in the document).
    pub removed: Vec<String>,
    /// Files left as they were.
    pub unchanged: usize,
}

/// Writes `doc` into `dir`: creates the folder (or uses an empty one), or updates a Trellis
/// folder in place, writing only files whose bytes change, removing the files of entities that
/// are gone and keeping the ranks of entities whose order did not change. A non-empty folder
/// that is not a Trellis folder (hidden entries such as `.git` aside) is refused.
pub fn write(doc: &Document, dir: &Path) -> Result<WriteReport> {
    let mut doc = doc.clone();
    doc.normalize();
    doc.validate().map_err(|problems| Error::Invalid {
        source_name: "the document".to_owned(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })?;
    let existing = prepare(dir)?;
    let previous = if existing { previous_ranks(dir)? } else { HashMap::new() };
    let files = render(&doc, &previous);

    let mut report = WriteReport::default();
    let marker = format!(
        "# A Trellis curriculum as a folder of text files (the layout is described in Trellis's docs/folder-format.md).\nformat = {FORMAT}\n"
    );
    record(&mut report, MARKER, put(dir, MARKER, marker.as_bytes(), existing)?);
    // Only the sub-folders that get files (git keeps no empty folders anyway).
    let subs: BTreeSet<&str> =
        files.keys().filter_map(|name| name.split_once('/').map(|(sub, _)| sub)).collect();
    for sub in subs {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| Error::io(dir.join(sub), e))?;
    }
    let entries: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    let outcomes = parallel(&entries, |(name, bytes)| put(dir, name, bytes, existing));
    for ((name, _), outcome) in entries.iter().zip(outcomes) {
        record(&mut report, name, outcome?);
    }
    if existing {
        for name in managed_files(dir)? {
            if !files.contains_key(&name) {
                let path = dir.join(&name);
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                report.removed.push(name);
            }
        }
    }
    Ok(report)
}

/// The file contents of a document: relative path → bytes.
pub fn render(doc: &Document, previous: &Previous) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let (_, text) = file_text(&CURRICULUM, &Tree::of(&doc.curriculum), None, true);
    files.insert(CURRICULUM_FILE.to_owned(), text.into_bytes());
    render_list(&NODES, &doc.nodes, previous, &mut files);
    render_list(&OBJECTIVES, &doc.objectives, previous, &mut files);
    render_list(&FRAMEWORKS, &doc.frameworks, previous, &mut files);
    render_list(&STANDARD_ITEMS, &doc.standard_items, previous, &mut files);
    render_list(&ASSOCIATIONS, &doc.associations, previous, &mut files);
    render_list(&ACTIVITIES, &doc.activities, previous, &mut files);
    render_list(&ASSESSMENTS, &doc.assessments, previous, &mut files);
    render_list(&RUBRICS, &doc.rubrics, previous, &mut files);
    render_list(&COMMENTS, &doc.comments, previous, &mut files);
    render_list(&REVIEW_EVENTS, &doc.review_events, previous, &mut files);
    render_list(&SNAPSHOTS, &doc.snapshots, previous, &mut files);
    for s in &doc.snapshots {
        files.insert(format!("{}/{}.json", SNAPSHOTS.dir, s.id), s.document.clone().into_bytes());
    }
    render_list(&ASSETS, &doc.assets, previous, &mut files);
    for a in &doc.assets {
        files.insert(format!("{}/{}", ASSETS.dir, data_file_name(a.id.0, &a.name)), a.data.clone());
    }
    translations::render(&doc.translations, &mut files);
    files
}

/// Ranks found in an existing folder: `(sub-folder, id)` → `(group value, rank)`.
pub type Previous = HashMap<(&'static str, Uuid), (String, String)>;

fn render_list<T: Serialize + Sync>(
    kind: &Kind,
    items: &[T],
    previous: &Previous,
    files: &mut BTreeMap<String, Vec<u8>>,
) {
    let trees: Vec<Tree> = parallel(items, Tree::of);
    let ids: Vec<Uuid> = trees
        .iter()
        .map(|t| tree_str(t, "id").and_then(|s| Uuid::parse_str(&s).ok()).unwrap_or_default())
        .collect();
    let groups: Vec<String> = trees.iter().map(|t| group_of(kind, t)).collect();
    // Positions of each group's members, groups in order of first appearance.
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        members.entry(g.as_str()).or_default().push(i);
    }
    let mut ranks = vec![String::new(); trees.len()];
    for (group, positions) in members {
        let old: Vec<Option<&str>> = positions
            .iter()
            .map(|&i| {
                previous
                    .get(&(kind.dir, ids[i]))
                    .filter(|(g, r)| g == group && rank::problem(r).is_none())
                    .map(|(_, r)| r.as_str())
            })
            .collect();
        for (&i, r) in positions.iter().zip(rank::assign(&old)) {
            ranks[i] = r;
        }
    }
    let pairs: Vec<(&Tree, &String)> = trees.iter().zip(&ranks).collect();
    for (id, text) in parallel(&pairs, |(tree, rank)| file_text(kind, tree, Some(rank), false)) {
        files.insert(format!("{}/{id}.{}", kind.dir, kind.ext()), text.into_bytes());
    }
}

fn tree_str(tree: &Tree, key: &str) -> Option<String> {
    match tree {
        Tree::Obj(entries) => entries.iter().find(|(k, _)| k == key).and_then(|(_, v)| match v {
            Tree::Str(s) => Some(s.clone()),
            _ => None,
        }),
        _ => None,
    }
}

fn group_of(kind: &Kind, tree: &Tree) -> String {
    kind.group.and_then(|g| tree_str(tree, g)).unwrap_or_default()
}

/// The text of one entity file and the entity's id.
fn file_text(kind: &Kind, tree: &Tree, rank: Option<&str>, keep_id: bool) -> (String, String) {
    let Tree::Obj(entries) = tree else { return (String::new(), String::new()) };
    let mut id = String::new();
    let mut body = String::new();
    let mut fields: Vec<(String, Tree)> = Vec::with_capacity(entries.len() + 1);
    if let Some(rank) = rank {
        fields.push(("rank".to_owned(), Tree::Str(rank.to_owned())));
    }
    for (key, value) in entries {
        if key == "id" {
            if let Tree::Str(s) = value {
                id = s.clone();
            }
            if !keep_id {
                continue;
            }
        }
        if Some(key.as_str()) == kind.body {
            if let Tree::Str(s) = value {
                body = s.clone();
            }
            continue;
        }
        if kind.detached.contains(&key.as_str())
            || (key == "fields" && matches!(value, Tree::Obj(e) if e.is_empty()))
        {
            continue;
        }
        fields.push((key.clone(), value.clone()));
    }
    let toml = TomlWriter { free: kind.free }.document(&fields);
    let text = if kind.body.is_some() {
        let mut text = String::with_capacity(toml.len() + body.len() + 10);
        text.push_str("+++\n");
        text.push_str(&toml);
        text.push_str("+++\n");
        if !body.is_empty() {
            text.push_str(&body);
            text.push('\n');
        }
        text
    } else {
        toml
    };
    (id, text)
}

/// Makes sure `dir` can be written: creates it, accepts an empty one (hidden entries aside) or
/// a Trellis folder of a format this version writes. `true` when it is an existing Trellis folder.
fn prepare(dir: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            return Ok(false);
        }
        Err(e) => return Err(Error::io(dir, e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::Conflict(format!(
                "{} exists and is not a folder; nothing was written",
                dir.display()
            )));
        }
        Ok(_) => {}
    }
    let marker = dir.join(MARKER);
    if marker.is_file() {
        let text = std::fs::read_to_string(&marker).map_err(|e| Error::io(&marker, e))?;
        check_marker(&text, &marker.display().to_string())?;
        return Ok(true);
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            return Err(Error::Conflict(format!(
                "{} is not empty and is not a Trellis folder (it has no {MARKER}); choose an empty or new folder; nothing was written",
                dir.display()
            )));
        }
    }
    Ok(false)
}

/// The ranks (and their groups) of the entity files already in a Trellis folder, found by
/// scanning the top-level `rank = "…"` and group lines of each file's TOML (a full parse is not
/// needed: a file whose rank is not found simply gets a new one).
fn previous_ranks(dir: &Path) -> Result<Previous> {
    let mut files = Vec::new();
    for kind in KINDS {
        files.extend(entity_ids(dir, kind)?.into_iter().map(|id| (kind, id)));
    }
    let found = parallel(&files, |&(kind, id)| {
        let path = dir.join(kind.dir).join(format!("{id}.{}", kind.ext()));
        let content = std::fs::read_to_string(&path).ok()?;
        let (rank, group) = scan_rank(&content, kind.group);
        Some(((kind.dir, id), (group.unwrap_or_default(), rank?)))
    });
    Ok(found.into_iter().flatten().collect())
}

/// The `rank` and the group field of a file's first table (before any `[table]` header).
fn scan_rank(content: &str, group: Option<&str>) -> (Option<String>, Option<String>) {
    let quoted = |line: &str, key: &str| -> Option<String> {
        let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
        let value = rest.strip_prefix('"')?.strip_suffix('"')?;
        (!value.contains(['"', '\\'])).then(|| value.to_owned())
    };
    let (mut rank, mut group_value) = (None, None);
    for (i, line) in content.lines().enumerate() {
        if line.starts_with('[') || (i > 0 && line == "+++") {
            break;
        }
        if let Some(value) = quoted(line, "rank") {
            rank = Some(value);
        } else if let Some(value) = group.and_then(|g| quoted(line, g)) {
            group_value = Some(value);
        }
    }
    (rank, group_value)
}

/// Files of the format already in a folder (names starting with a canonical UUID and a dot in
/// the format's sub-folders), relative and `/`-separated.
fn managed_files(dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for kind in KINDS {
        let sub = dir.join(kind.dir);
        let Ok(entries) = std::fs::read_dir(&sub) else { continue };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&sub, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            let ours = name.split_once('.').is_some_and(|(stem, _)| canonical_uuid(stem).is_some());
            if is_file && ours {
                out.insert(format!("{}/{name}", kind.dir));
            }
        }
    }
    for name in translations::file_names(dir)? {
        out.insert(format!("{}/{name}", translations::DIR));
    }
    Ok(out)
}

/// What [`put`] did.
enum Put {
    Written,
    Unchanged,
}

fn record(report: &mut WriteReport, name: &str, outcome: Put) {
    match outcome {
        Put::Written => report.written.push(name.to_owned()),
        Put::Unchanged => report.unchanged += 1,
    }
}

/// Writes one file. In a folder that already held a Trellis folder, a file that already holds
/// these bytes is left alone and a changed one is written through a temporary file and a rename,
/// so a reader never sees half a file; in a new folder files are written directly.
fn put(dir: &Path, name: &str, bytes: &[u8], existing: bool) -> Result<Put> {
    let path = dir.join(name);
    if !existing {
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        return Ok(Put::Written);
    }
    if let Ok(meta) = std::fs::symlink_metadata(&path)
        && meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(&path).is_ok_and(|old| old == bytes)
    {
        return Ok(Put::Unchanged);
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&path, e)
    })?;
    Ok(Put::Written)
}

/// Runs `f` on every item on a few threads (file work waits on the disk as much as on the CPU)
/// and returns the results in the items' order. A panic in `f` is passed on.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const THREADS: usize = 4;
    if items.len() < 256 {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(THREADS))
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
