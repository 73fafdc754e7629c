//! Keeping a Trellis folder in step with a document that is edited one change at a time, and
//! noticing when the folder's files change underneath (a pull, a checkout, another editor).
//!
//! [`Index`] remembers, for every file of the format in a folder, its size and modification time
//! (to tell which files changed since) and, for every entity file, its rank and group (so a
//! changed entity is written with the rank it already has and a new or moved one gets a rank
//! between its neighbours without reading the folder again). [`write_patch`] writes the files
//! of the entities a [`DocumentPatch`] names and removes the files of entities it dropped; no
//! other file is read or written, so one edit costs its own file. The bytes are exactly what
//! [`super::write`] would write for the same document and ranks.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use serde::Serialize;
use uuid::Uuid;

use super::text::Tree;
use super::{
    ASSETS, CURRICULUM, CURRICULUM_FILE, KINDS, Kind, MARKER, Previous, SNAPSHOTS, WriteReport,
    canonical_uuid, data_file_name, file_text, group_of, previous_ranks, put, rank, record, scan_rank,
};
use crate::model::{Document, DocumentPatch, Keyed, ListPatch};
use crate::{Error, Result};

/// Size, modification time and inode of one file or folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_file().then(|| Stamp::from(&meta))
    }

    fn of_dir(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_dir().then(|| Stamp::from(&meta))
    }

    /// Whether the stamp's time is so recent that a change in the same clock tick could still
    /// follow unseen (file systems with coarse times): such a folder is listed again.
    fn recent(&self) -> bool {
        self.modified.and_then(|m| SystemTime::now().duration_since(m).ok()).is_none_or(|age| age < RECENT)
    }
}

impl From<&std::fs::Metadata> for Stamp {
    fn from(meta: &std::fs::Metadata) -> Self {
        Stamp { len: meta.len(), modified: meta.modified().ok(), ino: ino(meta) }
    }
}

#[cfg(unix)]
fn ino(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn ino(_: &std::fs::Metadata) -> u64 {
    0
}

#[cfg(unix)]
fn entry_ino(entry: &std::fs::DirEntry) -> Option<u64> {
    Some(std::os::unix::fs::DirEntryExt::ino(entry))
}

#[cfg(not(unix))]
fn entry_ino(_: &std::fs::DirEntry) -> Option<u64> {
    None
}

/// Stamps of files by relative name.
type FileStamps = HashMap<String, Stamp>;

/// Stamps of the format's sub-folders by name.
type DirStamps = HashMap<&'static str, Stamp>;

/// A sub-folder with at most this many files has every file stated at every look.
pub const SMALL_FOLDER: usize = 256;

/// How many files of the larger sub-folders one look states (in turn, so each is stated once
/// every `files / LOOK_BUDGET` looks, rounded up).
pub const LOOK_BUDGET: usize = 2048;

/// A folder changed this recently is listed again at the next look.
const RECENT: std::time::Duration = std::time::Duration::from_secs(2);

/// What is known about the files of a folder: each file's stamp, each sub-folder's stamp when it
/// was last listed, each entity's rank and group.
#[derive(Clone, Debug, Default)]
pub struct Index {
    look: Looker,
    ranks: Previous,
}

/// The part of an [`Index`] a look needs, cheap to clone (shared), so that a look can run
/// without holding whatever holds the index.
#[derive(Clone, Debug, Default)]
pub struct Looker {
    stamps: Arc<FileStamps>,
    dirs: Arc<DirStamps>,
    /// Which share of the larger sub-folders' files the next look states.
    turn: Arc<AtomicUsize>,
}

/// What one look found: the files that may have changed (confirm them with
/// [`Index::confirm`]) and the sub-folders' stamps as seen before they were listed.
#[derive(Clone, Debug, Default)]
pub struct Look {
    files: Vec<String>,
    dirs: Vec<(&'static str, Option<Stamp>)>,
}

impl Look {
    /// The files (relative, `/`-separated, sorted) added, changed or removed.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether the look found nothing to record: no file, no sub-folder listed anew.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.dirs.is_empty()
    }
}

impl Index {
    /// Scans a Trellis folder: stamps every file of the format and each sub-folder, and reads
    /// the rank of every entity file (the top lines of each file only).
    pub fn scan(dir: &Path) -> Result<Index> {
        let (stamps, dirs) = stamps(dir)?;
        let ranks = previous_ranks(dir)?;
        let look = Looker { stamps: Arc::new(stamps), dirs: Arc::new(dirs), turn: Arc::default() };
        Ok(Index { look, ranks })
    }

    /// The files (relative, `/`-separated) added, changed or removed since the index was made
    /// or last updated, sorted: [`Looker::look`] and [`Index::confirm`].
    pub fn changed(&mut self, dir: &Path) -> Result<Vec<String>> {
        let look = self.look.look(dir)?;
        Ok(self.confirm(dir, &look))
    }

    /// A handle to look at the folder without this index (see [`Looker::look`]).
    pub fn looker(&self) -> Looker {
        self.look.clone()
    }

    /// Takes a look made from this index (or an earlier state of it): records the sub-folder
    /// stamps it saw and answers with those of its files whose stamp still differs from what
    /// the index knows now (a file this index wrote since is not a change).
    pub fn confirm(&mut self, dir: &Path, look: &Look) -> Vec<String> {
        if !look.dirs.is_empty() {
            let dirs = Arc::make_mut(&mut self.look.dirs);
            for (sub, stamp) in &look.dirs {
                match stamp {
                    Some(stamp) => dirs.insert(sub, *stamp),
                    None => dirs.remove(sub),
                };
            }
        }
        look.files
            .iter()
            .filter(|name| {
                Stamp::of(&dir.join(name.as_str())).as_ref() != self.look.stamps.get(name.as_str())
            })
            .cloned()
            .collect()
    }

    /// Takes the current state of `files` (relative paths) into the index: their stamps and,
    /// for entity files, their rank and group.
    pub fn update(&mut self, dir: &Path, files: &[String]) {
        for name in files {
            let path = dir.join(name);
            let stamps = Arc::make_mut(&mut self.look.stamps);
            match Stamp::of(&path) {
                Some(stamp) => stamps.insert(name.clone(), stamp),
                None => stamps.remove(name),
            };
            let Some((kind, id)) = entity_file(name) else { continue };
            let found = std::fs::read_to_string(&path).ok().and_then(|content| {
                let (rank, group) = scan_rank(&content, kind.group);
                Some((group.unwrap_or_default(), rank?))
            });
            match found {
                Some(entry) => self.ranks.insert((kind.dir, id), entry),
                None => self.ranks.remove(&(kind.dir, id)),
            };
        }
    }

    /// How many files the index knows.
    pub fn len(&self) -> usize {
        self.look.stamps.len()
    }

    /// Whether the index knows no file.
    pub fn is_empty(&self) -> bool {
        self.look.stamps.is_empty()
    }

    fn stamps_mut(&mut self) -> &mut HashMap<String, Stamp> {
        Arc::make_mut(&mut self.look.stamps)
    }
}

impl Looker {
    /// Looks for files of the Trellis folder `dir` added, changed or removed since the index
    /// this handle came from was made or updated. Cheap when little changed: one `stat` of each
    /// sub-folder; a sub-folder is listed only when its own stamp changed (a file added,
    /// removed or replaced by a rename changes it) or it is small ([`SMALL_FOLDER`] files or
    /// fewer, whose files are then all stated); of the files of larger sub-folders, which an
    /// edit in place changes without changing the folder, [`LOOK_BUDGET`] are stated per look
    /// in turn. Reads no file.
    pub fn look(&self, dir: &Path) -> Result<Look> {
        let mut out = Look::default();
        for name in [MARKER, CURRICULUM_FILE] {
            if Stamp::of(&dir.join(name)).as_ref() != self.stamps.get(name) {
                out.files.push(name.to_owned());
            }
        }
        // Files known per sub-folder.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for name in self.stamps.keys() {
            if let Some((sub, _)) = name.split_once('/') {
                *counts.entry(sub).or_default() += 1;
            }
        }
        let mut listed: HashSet<&str> = HashSet::new();
        let mut seen: HashSet<String> = HashSet::new();
        for sub in subs() {
            let path = dir.join(sub);
            let now = Stamp::of_dir(&path);
            let known = self.dirs.get(sub);
            let count = counts.get(sub).copied().unwrap_or(0);
            let small = count <= SMALL_FOLDER;
            let changed = now.as_ref() != known || now.is_some_and(|s| s.recent());
            if !changed && (!small || count == 0) {
                continue;
            }
            if changed {
                out.dirs.push((sub, now));
            }
            listed.insert(sub);
            let Ok(entries) = std::fs::read_dir(&path) else { continue };
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&path, e))?;
                let file = entry.file_name();
                let Some(file) = file.to_str() else { continue };
                if !ours(sub, file) {
                    continue;
                }
                let name = format!("{sub}/{file}");
                let differs = match (self.stamps.get(&name), small) {
                    (None, _) => entry.metadata().is_ok_and(|m| m.is_file()),
                    // A small folder's files are all stated.
                    (Some(k), true) => {
                        entry.metadata().ok().filter(|m| m.is_file()).map(|m| Stamp::from(&m)) != Some(*k)
                    }
                    // A larger folder's files: replaced (another inode) or gone; edits in
                    // place are found in turn below.
                    (Some(k), false) => entry_ino(&entry).is_some_and(|ino| ino != k.ino),
                };
                if differs {
                    out.files.push(name.clone());
                }
                seen.insert(name);
            }
        }
        // Known files of the listed sub-folders that are gone; in turn, a share of the larger
        // sub-folders' files.
        let large: usize = counts.values().filter(|&&n| n > SMALL_FOLDER).sum();
        let shares = large.div_ceil(LOOK_BUDGET).max(1);
        let turn = self.turn.fetch_add(1, Ordering::Relaxed) % shares;
        for (name, stamp) in self.stamps.iter() {
            let Some((sub, _)) = name.split_once('/') else { continue };
            if listed.contains(sub) && !seen.contains(name) {
                out.files.push(name.clone());
                continue;
            }
            if large > 0
                && share(name, shares) == turn
                && counts.get(sub).is_some_and(|&n| n > SMALL_FOLDER)
                && Stamp::of(&dir.join(name)).as_ref() != Some(stamp)
            {
                out.files.push(name.clone());
            }
        }
        out.files.sort();
        out.files.dedup();
        Ok(out)
    }
}

/// Which of `shares` turns the file `name` is stated in (FNV-1a of the name).
fn share(name: &str, shares: usize) -> usize {
    let hash =
        name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    (hash % shares as u64) as usize
}

/// The sub-folders of the format.
fn subs() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.dir).chain([super::translations::DIR])
}

/// Whether `name` in the sub-folder `sub` is a file of the format: `<uuid>.ext` (36 characters
/// and a dot), or `<language>.toml` in `translations/`; temporaries start with a dot.
fn ours(sub: &str, name: &str) -> bool {
    if sub == super::translations::DIR {
        name.ends_with(".toml") && !name.starts_with('.')
    } else {
        name.len() > 37 && name.as_bytes()[36] == b'.' && canonical_uuid(&name[..36]).is_some()
    }
}

/// The kind and id of an entity file name (`nodes/<id>.md`); `None` for any other file.
pub(super) fn entity_file(name: &str) -> Option<(&'static Kind, Uuid)> {
    let (dir, file) = name.split_once('/')?;
    let kind = KINDS.iter().find(|k| k.dir == dir)?;
    let id = file.strip_suffix(&format!(".{}", kind.ext())).and_then(canonical_uuid)?;
    Some((kind, id))
}

/// What an entity file name says about the entity, for people: kind and id.
pub fn entity_of_file(name: &str) -> Option<(&'static str, Uuid)> {
    if let Some((kind, id)) = entity_file(name) {
        return Some((kind.what, id));
    }
    // Data files of snapshots and assets belong to their entity too.
    let (dir, file) = name.split_once('/')?;
    let kind = [&SNAPSHOTS, &ASSETS].into_iter().find(|k| k.dir == dir)?;
    let id = file.split_once('.').and_then(|(stem, _)| canonical_uuid(stem))?;
    Some((kind.what, id))
}

/// Stamps of every file of the format in `dir` (the marker, the curriculum file and the files
/// in the format's sub-folders) and of each sub-folder, taken before it is listed (so a change
/// made while it is listed shows at the next look). One directory listing per sub-folder and
/// one `stat` per file (relative to its open folder).
fn stamps(dir: &Path) -> Result<(FileStamps, DirStamps)> {
    let mut out = HashMap::with_capacity(4096);
    let mut dirs = HashMap::new();
    for name in [MARKER, CURRICULUM_FILE] {
        if let Some(stamp) = Stamp::of(&dir.join(name)) {
            out.insert(name.to_owned(), stamp);
        }
    }
    for sub in subs() {
        let path = dir.join(sub);
        let Some(stamp) = Stamp::of_dir(&path) else { continue };
        dirs.insert(sub, stamp);
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&path, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !ours(sub, name) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_file() {
                out.insert(format!("{sub}/{name}"), Stamp::from(&meta));
            }
        }
    }
    Ok((out, dirs))
}

/// Files to write and remove for one change.
#[derive(Default)]
struct Plan {
    write: BTreeMap<String, Vec<u8>>,
    remove: Vec<String>,
}

/// Writes into the Trellis folder `dir` what `patch` changed, `doc` being the document after the
/// change: the files of changed and new entities (changed ones keep their rank), new ranks for
/// entities whose place in their list changed (only those whose rank must change), and removes
/// the files of entities no longer in `doc`. Files whose bytes would not change are left alone.
/// The index is updated to the files as written.
pub fn write_patch(
    dir: &Path,
    doc: &Document,
    patch: &DocumentPatch,
    index: &mut Index,
) -> Result<WriteReport> {
    let mut plan = Plan::default();
    if let Some(curriculum) = &patch.curriculum {
        let (_, text) = file_text(&CURRICULUM, &Tree::of(curriculum), None, true);
        plan.write.insert(CURRICULUM_FILE.to_owned(), text.into_bytes());
    }
    sync_list(&super::NODES, &doc.nodes, patch.nodes.as_ref(), index, &mut plan);
    sync_list(&super::OBJECTIVES, &doc.objectives, patch.objectives.as_ref(), index, &mut plan);
    sync_list(&super::FRAMEWORKS, &doc.frameworks, patch.frameworks.as_ref(), index, &mut plan);
    sync_list(&super::STANDARD_ITEMS, &doc.standard_items, patch.standard_items.as_ref(), index, &mut plan);
    sync_list(&super::ASSOCIATIONS, &doc.associations, patch.associations.as_ref(), index, &mut plan);
    sync_list(&super::ACTIVITIES, &doc.activities, patch.activities.as_ref(), index, &mut plan);
    sync_list(&super::ASSESSMENTS, &doc.assessments, patch.assessments.as_ref(), index, &mut plan);
    sync_list(&super::RUBRICS, &doc.rubrics, patch.rubrics.as_ref(), index, &mut plan);
    sync_list(&super::COMMENTS, &doc.comments, patch.comments.as_ref(), index, &mut plan);
    sync_list(&super::REVIEW_EVENTS, &doc.review_events, patch.review_events.as_ref(), index, &mut plan);
    sync_list(&SNAPSHOTS, &doc.snapshots, patch.snapshots.as_ref(), index, &mut plan);
    if let Some(p) = &patch.snapshots {
        for s in &p.changed {
            plan.write.insert(format!("{}/{}.json", SNAPSHOTS.dir, s.id), s.document.clone().into_bytes());
        }
    }
    sync_list(&ASSETS, &doc.assets, patch.assets.as_ref(), index, &mut plan);
    if let Some(p) = &patch.assets {
        for a in &p.changed {
            let data = data_file_name(a.id.0, &a.name);
            // A renamed asset may have changed its data file's extension.
            let stale: Vec<String> = index
                .look
                .stamps
                .keys()
                .filter(|name| {
                    name.strip_prefix("assets/").is_some_and(|f| {
                        f.starts_with(&format!("{}.", a.id)) && !f.ends_with(".toml") && *f != data
                    })
                })
                .cloned()
                .collect();
            plan.remove.extend(stale);
            plan.write.insert(format!("{}/{data}", ASSETS.dir), a.data.clone());
        }
    }
    if let Some(translations) = &patch.translations {
        let mut files = BTreeMap::new();
        super::translations::render(translations, &mut files);
        let prefix = format!("{}/", super::translations::DIR);
        plan.remove.extend(
            index
                .look
                .stamps
                .keys()
                .filter(|name| name.starts_with(&prefix) && !files.contains_key(*name))
                .cloned(),
        );
        plan.write.extend(files);
    }

    let mut report = WriteReport::default();
    let mut touched = Vec::with_capacity(plan.write.len() + plan.remove.len());
    for (name, bytes) in &plan.write {
        if let Some(parent) = dir.join(name).parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        record(&mut report, name, put(dir, name, bytes, true)?);
        touched.push(name.clone());
    }
    for name in plan.remove {
        let path = dir.join(&name);
        match std::fs::remove_file(&path) {
            Ok(()) => report.removed.push(name.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        touched.push(name);
    }
    for name in &touched {
        match Stamp::of(&dir.join(name)) {
            Some(stamp) => index.stamps_mut().insert(name.clone(), stamp),
            None => index.stamps_mut().remove(name),
        };
    }
    Ok(report)
}

/// Plans the files of one list: `list` is the list after the change, `patch` how it changed.
fn sync_list<T: Serialize + Keyed>(
    kind: &'static Kind,
    list: &[T],
    patch: Option<&ListPatch<T>>,
    index: &mut Index,
    plan: &mut Plan,
) {
    let Some(patch) = patch else { return };
    let trees: HashMap<Uuid, Tree> = patch.changed.iter().map(|e| (e.key(), Tree::of(e))).collect();
    let known = |index: &Index, id: Uuid| index.ranks.get(&(kind.dir, id)).cloned();
    // An entity that is new to the folder, or whose group changed, needs the list's ranks.
    let reorder = patch.order.is_some()
        || trees.iter().any(|(id, tree)| known(index, *id).is_none_or(|(g, _)| g != group_of(kind, tree)));
    let mut targets: Vec<(Uuid, String, String)> = Vec::new(); // id, group, rank
    if reorder {
        let mut members: BTreeMap<String, Vec<Uuid>> = BTreeMap::new();
        for e in list {
            let id = e.key();
            let group = match trees.get(&id) {
                Some(tree) => group_of(kind, tree),
                None => match known(index, id) {
                    Some((g, _)) => g,
                    None => group_of(kind, &Tree::of(e)),
                },
            };
            members.entry(group).or_default().push(id);
        }
        for (group, ids) in &members {
            let old: Vec<Option<String>> = ids
                .iter()
                .map(|&id| {
                    known(index, id).filter(|(g, r)| g == group && rank::problem(r).is_none()).map(|(_, r)| r)
                })
                .collect();
            let old_refs: Vec<Option<&str>> = old.iter().map(Option::as_deref).collect();
            for ((&id, previous), new) in ids.iter().zip(&old).zip(rank::assign(&old_refs)) {
                if trees.contains_key(&id) || previous.as_deref() != Some(new.as_str()) {
                    targets.push((id, group.clone(), new));
                }
            }
        }
        let present: HashSet<Uuid> = list.iter().map(Keyed::key).collect();
        let gone: Vec<Uuid> = index
            .ranks
            .keys()
            .filter(|(dir, id)| *dir == kind.dir && !present.contains(id))
            .map(|(_, id)| *id)
            .collect();
        for id in gone {
            index.ranks.remove(&(kind.dir, id));
            let prefix = format!("{}/{id}.", kind.dir);
            plan.remove.extend(index.look.stamps.keys().filter(|name| name.starts_with(&prefix)).cloned());
        }
    } else {
        for id in trees.keys() {
            if let Some((group, rank)) = known(index, *id) {
                targets.push((*id, group, rank));
            }
        }
    }
    let by_id: HashMap<Uuid, &T> = if targets.iter().all(|(id, _, _)| trees.contains_key(id)) {
        HashMap::new()
    } else {
        list.iter().map(|e| (e.key(), e)).collect()
    };
    for (id, group, rank) in targets {
        let owned;
        let tree = match trees.get(&id) {
            Some(tree) => tree,
            None => {
                let Some(entity) = by_id.get(&id) else { continue };
                owned = Tree::of(*entity);
                &owned
            }
        };
        let (_, text) = file_text(kind, tree, Some(&rank), false);
        plan.write.insert(format!("{}/{id}.{}", kind.dir, kind.ext()), text.into_bytes());
        index.ranks.insert((kind.dir, id), (group, rank));
    }
}

/// The document with the entities of `files` (changed on disk) read again, and the edits that
/// make the store say the same, when every file is the curriculum file or an existing entity
/// file of a kind edited in place (node, objective, activity, assessment, rubric) whose list and
/// rank did not change: then only those files are read. `None` when the folder must be read as
/// a whole (a file added, removed or moved in its list, another kind, a file that does not
/// read, or a result that does not validate: reading the whole folder then reports it).
pub fn reread(
    dir: &Path,
    doc: &Document,
    files: &[String],
    index: &Index,
) -> Result<Option<(Document, Vec<crate::store::EditOp>)>> {
    use crate::store::EditOp;
    let mut new = doc.clone();
    let mut ops = Vec::with_capacity(files.len());
    for name in files {
        let path = dir.join(name);
        let Some(stamp) = Stamp::of(&path) else { return Ok(None) };
        if stamp.len > super::MAX_TEXT_FILE_BYTES {
            return Ok(None);
        }
        let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
        let place = path.display().to_string();
        if name == CURRICULUM_FILE {
            let Ok((curriculum, _)) =
                super::decode::<crate::model::Curriculum>(&CURRICULUM, &text, &place, None)
            else {
                return Ok(None);
            };
            new.curriculum = curriculum.clone();
            ops.push(EditOp::UpdateCurriculum { curriculum });
            continue;
        }
        let Some((kind, id)) = entity_file(name) else { return Ok(None) };
        let Some((group, rank)) = index.ranks.get(&(kind.dir, id)) else { return Ok(None) };
        if scan_rank(&text, kind.group) != (Some(rank.clone()), kind.group.map(|_| group.clone())) {
            return Ok(None);
        }
        let op = match kind.dir {
            "nodes" => swap(&mut new.nodes, kind, &text, &place, id).map(|node| EditOp::UpdateNode { node }),
            "objectives" => swap(&mut new.objectives, kind, &text, &place, id)
                .map(|objective| EditOp::UpdateObjective { objective }),
            "activities" => swap(&mut new.activities, kind, &text, &place, id)
                .map(|activity| EditOp::UpdateActivity { activity }),
            "assessments" => swap(&mut new.assessments, kind, &text, &place, id)
                .map(|assessment| EditOp::UpdateAssessment { assessment }),
            "rubrics" => {
                swap(&mut new.rubrics, kind, &text, &place, id).map(|rubric| EditOp::UpdateRubric { rubric })
            }
            _ => None,
        };
        let Some(op) = op else { return Ok(None) };
        ops.push(op);
    }
    new.normalize();
    if new.validate().is_err() {
        return Ok(None);
    }
    Ok(Some((new, ops)))
}

/// Replaces the entity `id` of `list` by the one `text` holds; its new value, or `None` when the
/// list has no such entity or the text does not read.
fn swap<T: serde::de::DeserializeOwned + Keyed + Clone>(
    list: &mut [T],
    kind: &Kind,
    text: &str,
    place: &str,
    id: Uuid,
) -> Option<T> {
    let (entity, _) = super::decode::<T>(kind, text, place, Some(id)).ok()?;
    let slot = list.iter_mut().find(|e| e.key() == id)?;
    *slot = entity.clone();
    Some(entity)
}
