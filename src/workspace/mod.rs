//! A curriculum folder opened for editing: the folder of text files (`crate::folder`, the
//! version git sees) plus a working store kept beside it in an ignored cache,
//! `<folder>/.trellis-cache/working.trellis`, which holds the undo history.
//!
//! This module owns that pairing. [`Workspace::open`] reads the folder and reconciles the cache
//! with it: when the files differ from the cache (a pull, a checkout, an edit in another
//! program while the folder was closed), the folder wins and the difference is recorded as one
//! undoable step, "Changes in the folder". Every edit, undo and redo goes through the store and
//! is then written through at once to the files of the entities it changed
//! ([`crate::folder::sync::write_patch`]), so `git status` shows it. [`Workspace::refresh`]
//! notices files changed underneath (by size and modification time) and brings the store and
//! the loaded document up to date, answering with a [`DocumentPatch`] so a window keeps its
//! place; the look itself ([`Looker`]) needs no lock on the link and states only what may
//! have changed (see [`crate::folder::sync::Looker::look`]). A folder holding a conflicted
//! merge is listed field by field
//! ([`crate::folder::conflicts`]) and cannot be edited until each conflicted file is resolved.
//! The conflicts `trellis merge` could not resolve, listed in the merged folder's
//! `conflicts/merge.json`, are listed and resolved one choice at a time ([`merge_conflicts`]).
//! [`changed_since_commit`] maps `git status` to the entities that changed since the last
//! commit (git runs as a child process with a time limit; without git the answer is `None`).
//!
//! The curriculum's `updatedAt` stamp, which the store sets on every edit, is written to the
//! folder only with another change of the curriculum record itself: otherwise every edit on
//! two branches would change `curriculum.md` and conflict there.

pub mod merge_conflicts;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::folder::conflicts::{self, FileConflict};
use crate::folder::sync::{self, Index, Look, Looker};
use crate::folder::{self, WriteReport};
use crate::model::{Curriculum, Document, DocumentPatch};
use crate::store::{EditOp, History, Store};
use crate::{Error, Result};

/// The cache folder inside a curriculum folder (listed in the folder's `.gitignore`).
pub const CACHE_DIR: &str = ".trellis-cache";

/// The working store inside [`CACHE_DIR`].
pub const STORE_FILE: &str = "working.trellis";

/// The undo label of changes that came from the folder's files.
pub const EXTERNAL_LABEL: &str = "Changes in the folder";

/// How long a `git` command may run before it is stopped.
pub const GIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The `.gitignore` line that keeps the cache out of git.
pub const IGNORE_LINE: &str = ".trellis-cache/";

/// The folder side of an open folder: where it is, what is known about its files, and whether
/// edits may be written to it. The desktop app holds one beside the window's store; a
/// [`Workspace`] is a store, its loaded document and this.
pub struct FolderLink {
    dir: PathBuf,
    index: Index,
    /// The curriculum record as the folder's `curriculum.md` holds it.
    written: Curriculum,
    /// Why edits are refused (the folder holds conflicts or does not read); `None` when they
    /// are not.
    blocked: Option<String>,
    /// Whether opening found the folder changed since the cache last saw it.
    external_at_open: bool,
}

/// A curriculum folder open for editing: the working store, its committed document, the folder.
pub struct Workspace {
    store: Store,
    doc: Document,
    link: FolderLink,
}

/// What one edit, undo or redo changed.
#[derive(Clone, Debug)]
pub struct Change {
    /// The undo label of the step.
    pub label: String,
    /// What changed in the document.
    pub patch: DocumentPatch,
    /// The files written and removed in the folder.
    pub files: WriteReport,
}

/// What [`Workspace::refresh`] found.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Refresh {
    /// The files (relative to the folder) that changed on disk since the last look.
    pub files: Vec<String>,
    /// What changed in the document (applied to the store as one undoable step); absent when
    /// nothing did (no file changed, or the files changed but say the same).
    pub patch: Option<DocumentPatch>,
    /// Conflicted files, when the folder now holds an unresolved merge (edits are refused until
    /// they are resolved).
    pub conflicts: Vec<FileConflict>,
}

/// An entity whose files differ from the last commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EntityChange {
    /// The file, relative to the folder.
    pub file: String,
    /// The entity's kind (`node`, `objective`, …, `curriculum`).
    pub kind: String,
    /// The entity's id (empty for the curriculum file).
    pub id: String,
    /// `modified`, `added`, `deleted` or `conflicted`.
    pub status: String,
}

impl FolderLink {
    /// Opens the Trellis folder `dir`: reads it (a folder with conflict markers is refused with
    /// the list of conflicted files), makes sure `.gitignore` keeps the cache out of git, opens
    /// or creates the working store in the cache and reconciles it with the files (the folder
    /// wins; the difference is one undoable step). Returns the store, its committed document
    /// and the link.
    pub fn open(dir: &Path) -> Result<(Store, Document, FolderLink)> {
        if !folder::is_folder(dir) {
            return Err(Error::NotTrellis {
                path: dir.to_owned(),
                reason: format!("it has no {}", folder::MARKER),
            });
        }
        let folder_doc = read_folder(dir)?;
        ensure_ignored(dir)?;
        let cache = dir.join(CACHE_DIR);
        std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
        let path = cache.join(STORE_FILE);
        let (mut store, created) = if path.exists() {
            (Store::open(&path)?, false)
        } else {
            (Store::create(&path, &folder_doc)?, true)
        };
        let mut doc = store.load()?;
        let external = !created && !same_content(&doc, &folder_doc);
        if external {
            store.apply_all(
                EXTERNAL_LABEL,
                vec![EditOp::ReplaceDocument { document: Box::new(folder_doc.clone()) }],
            )?;
            doc = store.load()?;
        }
        let index = Index::scan(dir)?;
        let link = FolderLink {
            dir: dir.to_owned(),
            index,
            written: folder_doc.curriculum,
            blocked: None,
            external_at_open: external,
        };
        Ok((store, doc, link))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether opening applied changes found in the folder (one undoable step).
    pub fn changed_at_open(&self) -> bool {
        self.external_at_open
    }

    /// Refuses when edits may not be written to the folder now (it holds an unresolved merge or
    /// files that do not read); the store must not be changed then.
    pub fn check_editable(&self) -> Result<()> {
        match &self.blocked {
            Some(reason) => Err(Error::Conflict(reason.clone())),
            None => Ok(()),
        }
    }

    /// Writes what `patch` changed (`doc` being the committed document after it) to the
    /// folder's files: only the files of the entities it names.
    pub fn write_through(&mut self, doc: &Document, patch: &DocumentPatch) -> Result<WriteReport> {
        self.check_editable()?;
        // The record's own `updatedAt` alone is not written (see the module docs).
        let mut write = None;
        if let Some(c) = &patch.curriculum {
            let mut same = c.clone();
            same.updated_at = self.written.updated_at.clone();
            if same != self.written {
                write = Some(c.clone());
            }
        }
        let report = if write.is_some() == patch.curriculum.is_some() {
            sync::write_patch(&self.dir, doc, patch, &mut self.index)?
        } else {
            let without = DocumentPatch { curriculum: None, ..patch.clone() };
            sync::write_patch(&self.dir, doc, &without, &mut self.index)?
        };
        if let Some(c) = write {
            self.written = c;
        }
        Ok(report)
    }

    /// Looks for files changed on disk since the last look (size and modification time of
    /// every file of the format; nothing is read when none changed). When some did, the folder
    /// is read again; what differs from `doc` (the store's committed document) is applied to
    /// `store` as one undoable step, returned as a patch, and `doc` becomes the new version. A
    /// folder that now holds conflict markers answers with its conflicts and blocks edits until
    /// they are resolved; a folder that does not read is an error (and blocks edits) until its
    /// files are fixed.
    pub fn refresh(&mut self, store: &mut Store, doc: &mut Document) -> Result<Refresh> {
        let look = self.index.looker().look(&self.dir)?;
        self.refresh_with(store, doc, &look)
    }

    /// A handle that looks at the folder without this link ([`Looker::look`]), so the look
    /// can run without holding whatever holds the link; its answer is then taken in by
    /// [`FolderLink::refresh_with`].
    pub fn looker(&self) -> Looker {
        self.index.looker()
    }

    /// [`FolderLink::refresh`] with a look already made (by [`FolderLink::looker`], perhaps
    /// before later edits of this link: files it wrote since are not changes).
    pub fn refresh_with(&mut self, store: &mut Store, doc: &mut Document, look: &Look) -> Result<Refresh> {
        if look.is_empty() {
            return Ok(Refresh::default());
        }
        let files = self.index.confirm(&self.dir, look);
        if files.is_empty() {
            return Ok(Refresh::default());
        }
        // Entities edited in place are read alone and stored as their edits; anything else
        // (added, removed or moved entities) reads the whole folder.
        let only = sync::reread(&self.dir, doc, &files, &self.index)?;
        self.index.update(&self.dir, &files);
        if let Some((new, ops)) = only {
            self.blocked = None;
            self.written = new.curriculum.clone();
            if same_content(doc, &new) {
                return Ok(Refresh { files, patch: None, conflicts: Vec::new() });
            }
            let patch = DocumentPatch::between(doc, &new);
            store.apply_all(EXTERNAL_LABEL, ops)?;
            *doc = new;
            return Ok(Refresh { files, patch: Some(patch), conflicts: Vec::new() });
        }
        let new = match folder::read(&self.dir) {
            Ok(new) => new,
            Err(e) => {
                let conflicts = conflicts::list(&self.dir).unwrap_or_default();
                if conflicts.is_empty() {
                    self.blocked =
                        Some(format!("the folder's files do not read ({e}); fix them, then edit again"));
                    return Err(e);
                }
                self.blocked = Some(conflicted_message(&self.dir, &conflicts));
                return Ok(Refresh { files, patch: None, conflicts });
            }
        };
        self.blocked = None;
        self.written = new.curriculum.clone();
        if same_content(doc, &new) {
            return Ok(Refresh { files, patch: None, conflicts: Vec::new() });
        }
        let patch = DocumentPatch::between(doc, &new);
        store.apply_all(EXTERNAL_LABEL, vec![EditOp::ReplaceDocument { document: Box::new(new.clone()) }])?;
        *doc = new;
        Ok(Refresh { files, patch: Some(patch), conflicts: Vec::new() })
    }

    /// The conflicted files of the folder, field by field.
    pub fn conflicts(&self) -> Result<Vec<FileConflict>> {
        conflicts::list(&self.dir)
    }

    /// Entities whose files differ from the last commit (see [`changed_since_commit`]).
    pub fn changed_since_commit(&self) -> Option<Vec<EntityChange>> {
        changed_since_commit(&self.dir)
    }
}

impl Workspace {
    /// Opens the Trellis folder `dir` (see [`FolderLink::open`]).
    pub fn open(dir: &Path) -> Result<Workspace> {
        let (store, doc, link) = FolderLink::open(dir)?;
        Ok(Workspace { store, doc, link })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        self.link.dir()
    }

    /// The working store's file (in the cache).
    pub fn store_path(&self) -> &Path {
        self.store.path()
    }

    /// The document as committed.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Whether opening applied changes found in the folder (one undoable step).
    pub fn changed_at_open(&self) -> bool {
        self.link.changed_at_open()
    }

    /// What can be undone and redone.
    pub fn history(&self) -> Result<History> {
        self.store.history()
    }

    /// Applies one edit (one undo step) and writes the files it changed.
    pub fn apply(&mut self, op: EditOp) -> Result<Change> {
        let label = op.label();
        self.commit(|store| store.apply(op).map(|()| label))
    }

    /// Reverts the newest step and writes the files it changed.
    pub fn undo(&mut self) -> Result<Change> {
        self.commit(Store::undo)
    }

    /// Re-applies the newest undone step and writes the files it changed.
    pub fn redo(&mut self) -> Result<Change> {
        self.commit(Store::redo)
    }

    fn commit(&mut self, step: impl FnOnce(&mut Store) -> Result<String>) -> Result<Change> {
        self.link.check_editable()?;
        let label = step(&mut self.store)?;
        let patch = self.store.refresh(&mut self.doc)?;
        let files = self.link.write_through(&self.doc, &patch)?;
        Ok(Change { label, patch, files })
    }

    /// Brings the store and the document up to date with files changed on disk (see
    /// [`FolderLink::refresh`]).
    pub fn refresh(&mut self) -> Result<Refresh> {
        self.link.refresh(&mut self.store, &mut self.doc)
    }

    /// The conflicted files of the folder, field by field.
    pub fn conflicts(&self) -> Result<Vec<FileConflict>> {
        self.link.conflicts()
    }

    /// Entities whose files differ from the last commit (`None` when git is not installed, the
    /// folder is not in a repository, or git took longer than [`GIT_TIMEOUT`]).
    pub fn changed_since_commit(&self) -> Option<Vec<EntityChange>> {
        self.link.changed_since_commit()
    }

    /// The conflicts `trellis merge` left in the folder's `conflicts/merge.json` (see
    /// [`merge_conflicts`]); empty when there is no such file.
    pub fn merge_conflicts(&self) -> Result<Vec<merge_conflicts::MergeConflict>> {
        merge_conflicts::list(self.dir(), &self.doc)
    }

    /// Resolves conflict `index` of `conflicts/merge.json` (listed with `path`) by `choice`: the
    /// document takes the chosen value as one undoable step (written through to the entity's
    /// files), then the conflict is taken out of the file, which is removed with the last one.
    /// When the choice cannot be applied nothing changes, the file included. Answers with the
    /// change (`None` when the document already held the chosen value) and the conflicts left.
    pub fn resolve_merge_conflict(
        &mut self,
        index: u32,
        path: &str,
        choice: &crate::folder::conflicts::Resolution,
    ) -> Result<(Option<Change>, Vec<merge_conflicts::MergeConflict>)> {
        self.link.check_editable()?;
        let change = match merge_conflicts::resolved_document(self.dir(), &self.doc, index, path, choice)? {
            Some(doc) => Some(self.commit(|store| {
                store
                    .apply_all(
                        merge_conflicts::LABEL,
                        vec![EditOp::ReplaceDocument { document: Box::new(doc) }],
                    )
                    .map(|()| merge_conflicts::LABEL.to_owned())
            })?),
            None => None,
        };
        merge_conflicts::mark_resolved(self.dir(), index, path)?;
        Ok((change, self.merge_conflicts()?))
    }
}

/// Reads the folder; a folder that does not read because of conflict markers is refused with
/// the conflicted files named.
fn read_folder(dir: &Path) -> Result<Document> {
    match folder::read(dir) {
        Ok(doc) => Ok(doc),
        Err(e) => match conflicts::list(dir) {
            Ok(conflicts) if !conflicts.is_empty() => {
                Err(Error::Conflict(conflicted_message(dir, &conflicts)))
            }
            _ => Err(e),
        },
    }
}

fn conflicted_message(dir: &Path, conflicts: &[FileConflict]) -> String {
    let names: Vec<&str> = conflicts.iter().take(5).map(|c| c.file.as_str()).collect();
    format!(
        "{} holds an unresolved merge: {} file(s) with conflict markers ({}{}); resolve them first",
        dir.display(),
        conflicts.len(),
        names.join(", "),
        if conflicts.len() > names.len() { ", …" } else { "" }
    )
}

/// Whether two versions say the same, the curriculum's `updatedAt` aside.
fn same_content(a: &Document, b: &Document) -> bool {
    if a.curriculum.updated_at == b.curriculum.updated_at {
        return a == b;
    }
    let mut b = b.clone();
    b.curriculum.updated_at = a.curriculum.updated_at.clone();
    *a == b
}

/// Adds [`IGNORE_LINE`] to `dir/.gitignore` unless a line already says it.
pub fn ensure_ignored(dir: &Path) -> Result<bool> {
    let path = dir.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let known = [IGNORE_LINE, "/.trellis-cache/", ".trellis-cache", "/.trellis-cache"];
    if text.lines().any(|l| known.contains(&l.trim())) {
        return Ok(false);
    }
    let mut out = text;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(IGNORE_LINE);
    out.push('\n');
    crate::json::write_atomic(&path, out.as_bytes())?;
    Ok(true)
}

/// Entities of the Trellis folder `dir` whose files differ from the last commit, from
/// `git status` (`None` when git is missing, `dir` is not in a repository, or git took longer
/// than [`GIT_TIMEOUT`]). A deleted entity is listed by the id in its file name.
pub fn changed_since_commit(dir: &Path) -> Option<Vec<EntityChange>> {
    let prefix = crate::merge::git::run_with_timeout(dir, GIT_TIMEOUT, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8(prefix).ok()?.trim_end_matches(['\n', '\r']).to_owned();
    let status = crate::merge::git::run_with_timeout(
        dir,
        GIT_TIMEOUT,
        &["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", "."],
    )?;
    let mut out = Vec::new();
    for entry in status.split(|&b| b == 0).filter(|e| e.len() > 3) {
        let (code, path) = entry.split_at(3);
        let Ok(path) = std::str::from_utf8(path) else { continue };
        let Some(file) = path.strip_prefix(prefix.as_str()) else { continue };
        let (kind, id) = if file == "curriculum.md" {
            ("curriculum", String::new())
        } else {
            match sync::entity_of_file(file) {
                Some((kind, id)) => (kind, id.to_string()),
                None => continue,
            }
        };
        let status = match &code[..2] {
            b"AA" | b"DD" | [b'U', _] | [_, b'U'] => "conflicted",
            b"??" | [b'A', _] | [_, b'A'] => "added",
            [b'D', _] | [_, b'D'] => "deleted",
            _ => "modified",
        };
        // A data file and its metadata file are one entity.
        if out.iter().any(|c: &EntityChange| c.kind == kind && c.id == id && !id.is_empty()) {
            continue;
        }
        out.push(EntityChange {
            file: file.to_owned(),
            kind: kind.to_owned(),
            id,
            status: status.to_owned(),
        });
    }
    Some(out)
}
