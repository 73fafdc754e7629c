//! `AppState`: which document each window has open, plus the app-wide settings files (recent
//! documents). [`AppState::with_store`] (changes) and [`AppState::with_document`] (reads) are the
//! one place that locks a document and moves the blocking SQLite work off the async runtime;
//! commands never lock or spawn themselves. The committed document is loaded once and shared
//! (`Arc`) by everything that reads it: the edit's answer, the findings, the insight views, the
//! export. A change re-reads only the parts it touched (`Store::refresh`/`Store::reload`), so
//! editing a large curriculum never waits on a whole load.
//!
//! The evidence of learning (`trellis::evidence`, up to millions of results beside the design)
//! is read once and kept (`Arc<Evidence>`, with the cohort list) until it changes: an evidence
//! change ([`AppState::change_evidence`]), a change whose journal step touched anything but the
//! design's own tables (an undo or redo of an evidence step; a failed change, not knowing what
//! it did), or a commit by another connection to the file (SQLite's `data_version`). A design
//! edit keeps it, so the analysis the design's badges need is recomputed from the kept
//! evidence and the current design without reading the results again. When it must be read,
//! it is read on a read-only connection of its own, without the window's lock (edits go on
//! meanwhile), and kept only when no evidence change came in between.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use trellis::evidence::Evidence;
use trellis::evidence::store::{self as evidence_store, CohortSummary};
use trellis::model::{Document, DocumentPatch};
use trellis::store::{Parts, Store};
use trellis::workspace::{FolderLink, Refresh};

use crate::dto::{DocumentChange, DocumentState};
use crate::error::CommandError;
use crate::grants::{Grants, Purpose};
use crate::recent::RecentList;

/// A window's open document and its last loaded state.
struct OpenDocument {
    store: Store,
    loaded: Option<Arc<Document>>,
    /// Parts of `loaded` that changes since it was loaded touched: re-read before the next use.
    stale: Parts,
    /// `loaded` as JSON, made once per change (the large answers to the UI are built from it).
    json: Option<Arc<str>>,
    /// The gzipped answers made from `loaded`, made once per change.
    packed: Option<Packed>,
    /// `loaded` holds only the outline's parts, the rest stale (a large document read for its
    /// first answer, [`OpenDocument::load_for_opening`]); [`OpenDocument::document`] reads the
    /// rest.
    partial: bool,
    /// When the document is a curriculum folder (`store` is then its working store in the
    /// folder's cache): every change is written through to the folder's files.
    folder: Option<FolderLink>,
    /// The evidence of learning as last read, kept until it changes.
    evidence: EvidenceCache,
}

/// The evidence of learning read for a window, with what it was read from. Emptied by every
/// change that may have touched the evidence tables (see the module docs).
#[derive(Default)]
struct EvidenceCache {
    /// The evidence read, by the cohort it was read for (`None`: every cohort); the newest last.
    loads: Vec<(Option<String>, Arc<Evidence>)>,
    /// The store connection's `PRAGMA data_version` when this was read: it changes when another
    /// connection commits to the file.
    data_version: Option<i64>,
    /// Counts the times the kept evidence was forgotten: a read that started before a change
    /// is not kept.
    generation: u64,
    /// Held while the evidence is read, so that requests at once read it once.
    reading: Arc<Mutex<()>>,
    /// How many times the evidence was read from the store (for the tests).
    #[cfg(test)]
    reads: u32,
    /// Called without the window's lock right before the evidence is read (for the tests).
    #[cfg(test)]
    before_read: Option<ReadHook>,
}

/// A test's hook run right before the evidence is read.
#[cfg(test)]
type ReadHook = Arc<dyn Fn(&Shared) + Send + Sync>;

/// The most evidence reads kept per window (all cohorts and one cohort, say): each may hold
/// millions of results.
const KEPT_EVIDENCE: usize = 2;

impl EvidenceCache {
    /// Forgets what was read (the evidence may have changed).
    fn clear(&mut self) {
        self.loads.clear();
        self.data_version = None;
        self.generation += 1;
    }

    /// The kept evidence of `cohort`, if any.
    fn kept(&self, cohort: Option<&str>) -> Option<Arc<Evidence>> {
        self.loads.iter().find(|(c, _)| c.as_deref() == cohort).map(|(_, kept)| kept.clone())
    }

    /// Keeps `read` as the evidence of `cohort`.
    fn keep(&mut self, cohort: Option<&str>, read: Arc<Evidence>) {
        if self.loads.len() >= KEPT_EVIDENCE {
            self.loads.remove(0);
        }
        self.loads.push((cohort.map(str::to_owned), read));
    }

    /// Forgets what was read when another connection committed to the file since.
    fn check(&mut self, store: &Store) -> trellis::Result<()> {
        let version: i64 = store.connection().query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.data_version != Some(version) {
            self.clear();
            self.data_version = Some(version);
        }
        Ok(())
    }
}

impl OpenDocument {
    fn new(store: Store, folder: Option<FolderLink>) -> Self {
        OpenDocument {
            store,
            loaded: None,
            stale: Parts::default(),
            json: None,
            packed: None,
            partial: false,
            folder,
            evidence: EvidenceCache::default(),
        }
    }

    /// Notes a change through the store: the kept evidence is forgotten unless the change
    /// succeeded and its journal step touched only the design's own tables (evidence tables,
    /// or tables the design does not know, make the parts unknown: every part).
    fn note_evidence(&mut self, succeeded: bool) {
        let design_only = succeeded && self.store.last_change_parts().is_ok_and(|p| p != Parts::ALL);
        if !design_only {
            self.evidence.clear();
        }
    }

    /// Runs one change on the store and answers with the patch from the committed version
    /// before to the one after; in a folder, the files of what changed are written too. When
    /// `f` fails, nothing changed.
    fn change_with_patch<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> trellis::Result<T>,
    ) -> trellis::Result<(T, DocumentPatch)> {
        if let Some(folder) = &self.folder {
            folder.check_editable()?;
        }
        let before = self.document()?;
        self.loaded = None;
        // Edits, undo and redo are one transaction each: when refused, nothing changed.
        let value = match f(&mut self.store) {
            Ok(value) => value,
            Err(e) => {
                self.note_evidence(false);
                self.loaded = Some(before);
                return Err(e);
            }
        };
        self.note_evidence(true);
        self.json = None;
        self.packed = None;
        let mut doc = Arc::try_unwrap(before).unwrap_or_else(|shared| (*shared).clone());
        // On failure `loaded` stays empty: the next read loads the whole document.
        let patch = self.store.refresh(&mut doc)?;
        let written = match self.folder.as_mut() {
            Some(folder) => folder.write_through(&doc, &patch).map(drop),
            None => Ok(()),
        };
        self.loaded = Some(Arc::new(doc));
        written?;
        Ok((value, patch))
    }

    /// The committed document: the loaded copy, with the parts changes touched re-read (a full
    /// load only the first time or after a failure).
    fn document(&mut self) -> trellis::Result<Arc<Document>> {
        let stale = std::mem::take(&mut self.stale);
        let doc = match self.loaded.take() {
            Some(doc) if stale.is_empty() => doc,
            Some(doc) => {
                let mut doc = Arc::try_unwrap(doc).unwrap_or_else(|shared| (*shared).clone());
                self.store.reload(&mut doc, stale)?;
                Arc::new(doc)
            }
            None => Arc::new(self.store.load()?),
        };
        self.loaded = Some(doc.clone());
        self.partial = false;
        Ok(doc)
    }

    fn document_json(&mut self) -> trellis::Result<Arc<str>> {
        if let Some(json) = &self.json {
            return Ok(json.clone());
        }
        let doc = self.document()?;
        let json: Arc<str> = serde_json::to_string(&*doc)
            .map_err(|e| trellis::Error::Internal(format!("the document could not be serialised: {e}")))?
            .into();
        self.json = Some(json.clone());
        Ok(json)
    }

    /// Notes a change made through the store. A whole loaded copy that nothing else holds is
    /// brought up to date at once for the rows the change touched ([`Store::refresh`], as after
    /// a structural edit: under a millisecond on the large curriculum), so that the next
    /// structural edit does not re-read whole tables first; otherwise (the copy is shared by a
    /// read in flight, or holds only the outline) the parts the change touched are re-read on
    /// the next use (all of them when `f` failed, not knowing what it did).
    fn changed(&mut self, succeeded: bool) {
        let touched =
            if succeeded { self.store.last_change_parts().unwrap_or(Parts::ALL) } else { Parts::ALL };
        if touched == Parts::ALL {
            self.evidence.clear();
        }
        self.json = None;
        self.packed = None;
        if succeeded && self.stale.is_empty() && !self.partial {
            match self.loaded.take().map(Arc::try_unwrap) {
                Some(Ok(mut doc)) => {
                    // On failure the copy is dropped: the next use loads the whole document.
                    if self.store.refresh(&mut doc).is_ok() {
                        self.loaded = Some(Arc::new(doc));
                    }
                    return;
                }
                Some(Err(shared)) => self.loaded = Some(shared),
                None => return,
            }
        }
        self.stale = self.stale.union(touched);
    }

    /// [`OpenDocument::state_json`] gzipped.
    fn packed_state(&mut self) -> trellis::Result<(Arc<Vec<u8>>, Arc<Document>)> {
        let doc = self.document()?;
        if let Some(packed) = self.packed.as_ref().and_then(|p| p.whole.clone()) {
            return Ok((packed, doc));
        }
        let (json, _) = self.state_json()?;
        let packed = Arc::new(gzip(json.as_bytes())?);
        self.packed.get_or_insert_with(Packed::new).whole = Some(packed.clone());
        Ok((packed, doc))
    }

    /// The window's first answer at start-up, gzipped: for a large document ([`is_large`]) the
    /// state with only its outline and `"rest": version` (`true` beside it), otherwise the whole
    /// state ([`OpenDocument::packed_state`]).
    fn opening_state(&mut self) -> trellis::Result<(Arc<Vec<u8>>, Arc<Document>, bool)> {
        let doc = match &self.loaded {
            // Read for its outline only, and no change touched the outline since.
            Some(doc)
                if self.partial && !self.stale.curriculum && !self.stale.nodes && !self.stale.frameworks =>
            {
                doc.clone()
            }
            _ => self.document()?,
        };
        if !self.partial && (!is_large(&doc) || startup_whole()) {
            let (packed, doc) = self.packed_state()?;
            return Ok((packed, doc, false));
        }
        if let Some(packed) = self.packed.as_ref().and_then(|p| p.outline.clone()) {
            return Ok((packed, doc, true));
        }
        let text = |e: serde_json::Error| trellis::Error::Internal(format!("serialising the answer: {e}"));
        let version = self.packed.get_or_insert_with(Packed::new).version;
        let path = serde_json::to_string(&self.store.path().display().to_string()).map_err(text)?;
        let outline = serde_json::to_string(&split(&doc).0).map_err(text)?;
        let history = serde_json::to_string(&self.store.history()?).map_err(text)?;
        let json =
            format!("{{\"path\":{path},\"document\":{outline},\"history\":{history},\"rest\":{version}}}");
        let packed = Arc::new(gzip(json.as_bytes())?);
        self.packed.get_or_insert_with(Packed::new).outline = Some(packed.clone());
        Ok((packed, doc, true))
    }

    /// Reads the document for its first answer: of a large document (counted in the tables, see
    /// [`STAGED_FROM`]) only the outline's parts, leaving the rest stale, so that the outline
    /// is ready sooner and the rest is read after it was answered; any other document whole.
    fn load_for_opening(&mut self) -> trellis::Result<()> {
        let entities: i64 = self.store.connection().query_row(
            "SELECT (SELECT count(*) FROM objectives) + (SELECT count(*) FROM activities) \
             + (SELECT count(*) FROM assessments)",
            [],
            |r| r.get(0),
        )?;
        if entities < STAGED_FROM as i64 || startup_whole() {
            self.document()?;
            return Ok(());
        }
        let mut doc = Document::new("");
        self.store.reload(
            &mut doc,
            Parts { curriculum: true, nodes: true, frameworks: true, ..Parts::default() },
        )?;
        self.loaded = Some(Arc::new(doc));
        self.stale = Parts { curriculum: false, nodes: false, frameworks: false, ..Parts::ALL };
        self.json = None;
        self.packed = None;
        self.partial = true;
        Ok(())
    }

    /// The gzipped JSON of the remainder ([`RestPart`]) of the version whose outline was answered
    /// as `version`; `None` when the document changed since (the UI then reads it whole).
    fn rest_packed(&mut self, version: u64) -> trellis::Result<Option<Arc<Vec<u8>>>> {
        if self.packed.as_ref().is_none_or(|p| p.version != version) {
            return Ok(None);
        }
        if let Some(packed) = self.packed.as_ref().and_then(|p| p.rest.clone()) {
            return Ok(Some(packed));
        }
        let doc = self.document()?;
        let json = serde_json::to_string(&split(&doc).1)
            .map_err(|e| trellis::Error::Internal(format!("serialising the answer: {e}")))?;
        let packed = Arc::new(gzip(json.as_bytes())?);
        match self.packed.as_mut() {
            Some(p) if p.version == version => p.rest = Some(packed.clone()),
            _ => return Ok(None),
        }
        Ok(Some(packed))
    }

    /// The window's answer after an open or a change, as the JSON of [`DocumentState`] built
    /// from the cached document JSON (no second serialisation of a large document).
    fn state_json(&mut self) -> trellis::Result<(String, Arc<Document>)> {
        let doc = self.document()?;
        let document = self.document_json()?;
        let text = |e: serde_json::Error| trellis::Error::Internal(format!("serialising the answer: {e}"));
        let path = serde_json::to_string(&self.store.path().display().to_string()).map_err(text)?;
        let history = serde_json::to_string(&self.store.history()?).map_err(text)?;
        let mut out = String::with_capacity(document.len() + path.len() + history.len() + 40);
        out.push_str("{\"path\":");
        out.push_str(&path);
        out.push_str(",\"document\":");
        out.push_str(&document);
        out.push_str(",\"history\":");
        out.push_str(&history);
        out.push('}');
        Ok((out, doc))
    }
}

type Shared = Arc<Mutex<OpenDocument>>;

/// A document with at least this many objectives, activities and assessments (together) opens
/// in two steps at start-up: its outline first, the remainder after the outline is painted
/// (docs/desktop.md, "Speed"). Below it the whole document is one answer, as for every other
/// open.
const STAGED_FROM: usize = 2_000;

/// The fields of the document that a large document's remainder carries (`document_rest`); its
/// outline carries the others. Kept equal to `REST_FIELDS` in ui/src/lib/ipc/client.ts.
#[cfg(test)]
const REST_FIELDS: [&str; 11] = [
    "objectives",
    "standardItems",
    "associations",
    "activities",
    "assessments",
    "rubrics",
    "comments",
    "reviewEvents",
    "snapshots",
    "assets",
    "translations",
];

/// Versions of [`Packed`]: a remainder is answered only for the version its outline came with.
static NEXT_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The gzipped answers of one committed version of a window's document.
struct Packed {
    /// Tells this version's remainder from another's.
    version: u64,
    /// The JSON of the whole [`DocumentState`].
    whole: Option<Arc<Vec<u8>>>,
    /// A large document's first answer: the state with only the outline's fields (see
    /// [`OutlinePart`]) and `"rest": version`.
    outline: Option<Arc<Vec<u8>>>,
    /// The JSON of its [`RestPart`].
    rest: Option<Arc<Vec<u8>>>,
}

impl Packed {
    fn new() -> Packed {
        let version = NEXT_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Packed { version, whole: None, outline: None, rest: None }
    }
}

/// What a large document's first answer carries: what the outline rows read (not the rubrics:
/// the sidebar lists them once the remainder is in).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct OutlinePart<'a> {
    format: u32,
    curriculum: &'a trellis::model::Curriculum,
    nodes: &'a [trellis::model::Node],
    frameworks: &'a [trellis::model::Framework],
}

/// The rest of a large document, sent after its outline (`translations` omitted when empty, as
/// in the document's own JSON).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RestPart<'a> {
    objectives: &'a [trellis::model::Objective],
    standard_items: &'a [trellis::model::StandardItem],
    associations: &'a [trellis::model::StandardAssociation],
    activities: &'a [trellis::model::Activity],
    assessments: &'a [trellis::model::Assessment],
    rubrics: &'a [trellis::model::Rubric],
    comments: &'a [trellis::model::Comment],
    review_events: &'a [trellis::model::ReviewEvent],
    snapshots: &'a [trellis::model::Snapshot],
    assets: &'a [trellis::model::Asset],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    translations: &'a [trellis::model::Translation],
}

/// `doc` cut into its outline and its remainder; every field goes to exactly one of them (the
/// pattern names them all, so a new field of `Document` must be given to one).
fn split(doc: &Document) -> (OutlinePart<'_>, RestPart<'_>) {
    let Document {
        format,
        curriculum,
        nodes,
        objectives,
        frameworks,
        standard_items,
        associations,
        activities,
        assessments,
        rubrics,
        comments,
        review_events,
        snapshots,
        assets,
        translations,
    } = doc;
    (
        OutlinePart { format: *format, curriculum, nodes, frameworks },
        RestPart {
            objectives,
            standard_items,
            associations,
            activities,
            assessments,
            rubrics,
            comments,
            review_events,
            snapshots,
            assets,
            translations,
        },
    )
}

/// Whether `TRELLIS_STARTUP_WHOLE` is set: the start-up then reads and sends every document
/// whole, as before the outline-first start-up (for comparing the two; docs/desktop.md).
fn startup_whole() -> bool {
    std::env::var_os("TRELLIS_STARTUP_WHOLE").is_some()
}

/// Whether `doc` is large enough to open in two steps ([`STAGED_FROM`]).
fn is_large(doc: &Document) -> bool {
    doc.objectives.len() + doc.activities.len() + doc.assessments.len() >= STAGED_FROM
}

/// `bytes` gzipped (fast level: the webview's IPC, not the CPU, is the slow part for a large
/// document).
fn gzip(bytes: &[u8]) -> trellis::Result<Vec<u8>> {
    let mut gz =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 5), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, bytes)
        .and_then(|()| gz.finish())
        .map_err(|e| trellis::Error::Internal(format!("compressing the document: {e}")))
}

/// A document opened, loaded and packed for the UI before its window asks for it (the file
/// given on the command line, prepared while the window starts; see `crate::startup`).
pub struct Prepared(OpenDocument);

impl Prepared {
    /// Loads `store`'s document and makes its first answer to the UI (the gzipped JSON: a
    /// large document's outline, see [`OpenDocument::opening_state`]). A failure is kept for
    /// the UI's request, which then loads again and reports it.
    pub fn new(store: Store) -> Prepared {
        let mut open = OpenDocument::new(store, None);
        if open.load_for_opening().is_ok() {
            crate::startup::mark("loaded");
        }
        if open.opening_state().is_ok() {
            crate::startup::mark("packed");
        }
        Prepared(open)
    }
}

fn lock(open: &Shared) -> trellis::Result<std::sync::MutexGuard<'_, OpenDocument>> {
    open.lock().map_err(|_| trellis::Error::Internal("the document lock is poisoned".into()))
}

/// One cancel flag per window for one kind of long work, so that Cancel in one window never
/// stops another window's work.
#[derive(Default)]
pub struct CancelFlags(Mutex<HashMap<String, Arc<AtomicBool>>>);

impl CancelFlags {
    /// The window's flag, cleared: call when its work starts, and check the flag while it runs.
    pub fn start(&self, window: &str) -> Arc<AtomicBool> {
        let flag = self.flag(window);
        flag.store(false, std::sync::atomic::Ordering::SeqCst);
        flag
    }

    /// Asks the window's running work to stop.
    pub fn cancel(&self, window: &str) {
        self.flag(window).store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn flag(&self, window: &str) -> Arc<AtomicBool> {
        match self.0.lock() {
            Ok(mut flags) => flags.entry(window.to_owned()).or_default().clone(),
            // A poisoned table only loses the ability to cancel.
            Err(_) => Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Shared state of the running app.
pub struct AppState {
    windows: Mutex<HashMap<String, Shared>>,
    /// Recently opened documents (persisted in the config directory).
    pub recent: Arc<Mutex<RecentList>>,
    /// Where new documents are created.
    pub documents_dir: PathBuf,
    /// Per window: set to ask its running export to stop.
    pub cancel_export: CancelFlags,
    /// Per window: set to ask its running review packet to stop.
    pub cancel_report: CancelFlags,
    /// Per window: set to ask its running cartridge import to stop.
    pub cancel_import: CancelFlags,
    /// Per window: set to ask its running evidence import to stop.
    pub cancel_evidence: CancelFlags,
    /// The paths each window may name (chosen in a dialog, created or written by the app).
    pub grants: Grants,
    next_window: std::sync::atomic::AtomicU32,
}

impl AppState {
    /// State with the recent list stored under `config_dir` and new documents created in
    /// `documents_dir`.
    pub fn new(config_dir: &Path, documents_dir: PathBuf) -> Self {
        AppState {
            windows: Mutex::new(HashMap::new()),
            recent: Arc::new(Mutex::new(RecentList::load(config_dir.join("recent.json")))),
            documents_dir,
            cancel_export: CancelFlags::default(),
            cancel_report: CancelFlags::default(),
            cancel_import: CancelFlags::default(),
            cancel_evidence: CancelFlags::default(),
            grants: Grants::default(),
            next_window: std::sync::atomic::AtomicU32::new(2),
        }
    }

    /// `path` when the window may name it for `purpose` (see [`crate::grants`]): for opening,
    /// the recent list's documents count as issued by the app.
    pub fn check_path(&self, window: &str, purpose: Purpose, path: &Path) -> Result<PathBuf, CommandError> {
        let recent: Vec<PathBuf> = if matches!(purpose, Purpose::Open | Purpose::OpenFolder) {
            self.recent
                .lock()
                .map(|r| r.entries().into_iter().map(|e| PathBuf::from(e.path)).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        self.grants.check(window, purpose, path, &recent)
    }

    fn open(&self, window: &str) -> Result<Shared, CommandError> {
        let windows =
            self.windows.lock().map_err(|_| CommandError::internal("the window table is poisoned"))?;
        windows.get(window).cloned().ok_or_else(CommandError::no_document)
    }

    /// Whether the window has a document open.
    pub fn has_document(&self, window: &str) -> bool {
        self.windows.lock().map(|w| w.contains_key(window)).unwrap_or(false)
    }

    /// Changes the window's document: runs `f` on its store on a blocking thread, holding the
    /// lock, and converts the library error. The loaded document is brought up to date (see
    /// [`OpenDocument::changed`]); when `f` committed nothing (a refused edit is rolled back
    /// whole), it is kept as it is.
    pub async fn with_store<T, F>(&self, window: &str, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> trellis::Result<T> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            if guard.folder.is_some() {
                return guard.change_with_patch(f).map(|(value, _)| value);
            }
            let commits = guard.store.commits();
            let result = f(&mut guard.store);
            if guard.store.commits() != commits {
                guard.changed(result.is_ok());
            }
            result
        })
        .await
    }

    /// Changes the window's document like [`AppState::with_store`] and answers with what
    /// changed: the patch from the version before (the one the window shows) to the committed
    /// one, and the history. Only the parts the change touched are re-read; the new version
    /// stays loaded for the findings and views that refresh after the change.
    pub async fn change<F>(&self, window: &str, f: F) -> Result<DocumentChange, CommandError>
    where
        F: FnOnce(&mut Store) -> trellis::Result<()> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            let ((), patch) = guard.change_with_patch(f)?;
            Ok(DocumentChange { patch, history: guard.store.history()? })
        })
        .await
    }

    /// Changes the window's document like [`AppState::change`], with `f` also given the
    /// committed document, read under the same lock (nothing can change in between).
    pub async fn change_from<F>(&self, window: &str, f: F) -> Result<DocumentChange, CommandError>
    where
        F: FnOnce(&Document, &mut Store) -> trellis::Result<()> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            let doc = guard.document()?;
            let ((), patch) = guard.change_with_patch(move |store| f(&doc, store))?;
            Ok(DocumentChange { patch, history: guard.store.history()? })
        })
        .await
    }

    /// For a window whose document is a folder: brings the store and the loaded document up to
    /// date with the folder's files changed on disk (`trellis::workspace::FolderLink::refresh`)
    /// and answers with what it found and the history; `None` when the document is not a folder.
    /// The look runs without the window's lock, which is taken only to apply what it found.
    pub async fn refresh_folder(
        &self,
        window: &str,
    ) -> Result<Option<(Refresh, trellis::store::History)>, CommandError> {
        let open = self.open(window)?;
        blocking(move || {
            let Some((dir, looker)) = lock(&open)?.folder.as_ref().map(|f| (f.dir().to_owned(), f.looker()))
            else {
                return Ok(None);
            };
            let look = looker.look(&dir)?;
            let mut guard = lock(&open)?;
            if guard.folder.is_none() {
                return Ok(None);
            }
            if look.is_empty() {
                return Ok(Some((Refresh::default(), guard.store.history()?)));
            }
            let before = guard.document()?;
            guard.loaded = None;
            let mut doc = Arc::try_unwrap(before).unwrap_or_else(|shared| (*shared).clone());
            let guard = &mut *guard;
            let Some(folder) = guard.folder.as_mut() else { return Ok(None) };
            let result = folder.refresh_with(&mut guard.store, &mut doc, &look);
            if result.as_ref().is_ok_and(|r| r.patch.is_some()) {
                guard.json = None;
                guard.packed = None;
                guard.note_evidence(true);
            } else if result.is_err() {
                guard.note_evidence(false);
            }
            guard.loaded = Some(Arc::new(doc));
            Ok(Some((result?, guard.store.history()?)))
        })
        .await
    }

    /// Reads the window's folder link (`None` when its document is not a folder) on a blocking
    /// thread, holding the lock.
    pub async fn with_folder<T, F>(&self, window: &str, f: F) -> Result<Option<T>, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&FolderLink) -> trellis::Result<T> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let guard = lock(&open)?;
            guard.folder.as_ref().map(f).transpose()
        })
        .await
    }

    /// Reads the window's committed document (loaded once per change) and runs `f` on it on a
    /// blocking thread, without holding the lock: long reads (export, views) never block edits.
    pub async fn with_document<T, F>(&self, window: &str, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&Document) -> trellis::Result<T> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let doc = lock(&open)?.document()?;
            f(&doc)
        })
        .await
    }

    /// Reads the evidence of learning, which lives beside the design in the same file: runs `f`
    /// on the window's store and its committed design, holding the lock, on a blocking thread.
    /// `f` should only read what it needs from the store and hand the design (an `Arc`) back,
    /// so that long computations run after the lock is released.
    pub async fn read_evidence<T, F>(&self, window: &str, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &Arc<Document>) -> trellis::Result<T> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            let doc = guard.document()?;
            f(&guard.store, &doc)
        })
        .await
    }

    /// Changes the evidence of learning like [`AppState::read_evidence`] reads it. Evidence is
    /// never part of the design, so the loaded design stays as it is; only the ready-made
    /// answer, which carries the undo history, is made again.
    pub async fn change_evidence<T, F>(&self, window: &str, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &Document) -> trellis::Result<T> + Send + 'static,
    {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            let doc = guard.document()?;
            let result = f(&mut guard.store, &doc);
            guard.packed = None;
            // Whatever `f` did (or, failing, did not do), the evidence is read again.
            guard.evidence.clear();
            result
        })
        .await
    }

    /// The evidence of learning of `cohort` (`None`: every cohort) and the committed design.
    /// The evidence is read once and kept until it changes (see the module docs), so after a
    /// design edit this answers at once; when it must be read, it is read on a read-only
    /// connection of its own without the window's lock (a million results take about a
    /// second), and kept only when no evidence change came in between. Requests at once read
    /// it once. What depends on the design is the caller's to compute.
    pub async fn evidence(
        &self,
        window: &str,
        cohort: Option<String>,
    ) -> Result<(Arc<Evidence>, Arc<Document>), CommandError> {
        let open = self.open(window)?;
        blocking(move || {
            let cohort = cohort.as_deref();
            let reading = lock(&open)?.evidence.reading.clone();
            let _reading = reading
                .lock()
                .map_err(|_| trellis::Error::Internal("the evidence lock is poisoned".into()))?;
            let (doc, generation, path) = {
                let mut guard = lock(&open)?;
                let doc = guard.document()?;
                let guard = &mut *guard;
                guard.evidence.check(&guard.store)?;
                if let Some(kept) = guard.evidence.kept(cohort) {
                    return Ok((kept, doc));
                }
                (doc, guard.evidence.generation, guard.store.path().to_owned())
            };
            #[cfg(test)]
            {
                let hook = lock(&open)?.evidence.before_read.clone();
                if let Some(hook) = hook {
                    hook(&open);
                }
            }
            let read = match read_evidence_apart(&path, cohort) {
                Some(read) => read?,
                // No connection of its own: read on the store's, under the lock.
                None => Evidence::load(&lock(&open)?.store, cohort)?,
            };
            let read = Arc::new(read);
            let mut guard = lock(&open)?;
            let guard = &mut *guard;
            #[cfg(test)]
            {
                guard.evidence.reads += 1;
            }
            guard.evidence.check(&guard.store)?;
            if guard.evidence.generation == generation {
                guard.evidence.keep(cohort, read.clone());
            }
            Ok((read, doc))
        })
        .await
    }

    /// The cohorts with their counts, counted in the evidence of every cohort, which is read
    /// and kept like [`AppState::evidence`]: the Evidence view asks for the cohorts and then for
    /// the analysis of that same evidence, so the million results of a large set are read once
    /// and the counts cost a pass over them instead of a query under the window's lock.
    pub async fn evidence_cohorts(&self, window: &str) -> Result<Vec<CohortSummary>, CommandError> {
        let (evidence, _) = self.evidence(window, None).await?;
        blocking(move || Ok(evidence_store::summaries(&evidence))).await
    }

    /// How many times the window's evidence was read from its store.
    #[cfg(test)]
    pub fn evidence_reads(&self, window: &str) -> u32 {
        self.open(window).ok().and_then(|open| lock(&open).ok().map(|g| g.evidence.reads)).unwrap_or(0)
    }

    /// The window's document as the UI shows it: path, committed document, undo/redo history.
    pub async fn document_state(&self, window: &str) -> Result<DocumentState, CommandError> {
        let open = self.open(window)?;
        blocking(move || {
            let mut guard = lock(&open)?;
            Ok(DocumentState {
                path: guard.store.path().display().to_string(),
                document: guard.document()?,
                history: guard.store.history()?,
            })
        })
        .await
    }

    /// [`AppState::document_state`] as a ready-made IPC answer: its JSON, gzipped (the UI's
    /// `unpackDocumentState` reads it), plus the document for the command's own use. Made once
    /// per change, and ahead of the UI's request by [`AppState::attach`].
    pub async fn document_state_response(
        &self,
        window: &str,
    ) -> Result<(tauri::ipc::Response, Arc<Document>), CommandError> {
        let open = self.open(window)?;
        blocking(move || {
            let (packed, doc) = lock(&open)?.packed_state()?;
            Ok((tauri::ipc::Response::new(packed.to_vec()), doc))
        })
        .await
    }

    /// The window's first answer at start-up ([`OpenDocument::opening_state`]) as a ready-made
    /// IPC answer, the document for the command's own use, and whether a remainder follows. A
    /// remainder is packed at once on a thread of its own, while the webview reads and paints
    /// the outline.
    pub async fn opening_state_response(
        &self,
        window: &str,
    ) -> Result<(tauri::ipc::Response, Arc<Document>), CommandError> {
        let open = self.open(window)?;
        let (packed, doc, version) = {
            let open = open.clone();
            blocking(move || {
                let mut guard = lock(&open)?;
                let (packed, doc, staged) = guard.opening_state()?;
                Ok((packed, doc, guard.packed.as_ref().map(|p| p.version).filter(|_| staged)))
            })
            .await?
        };
        if let Some(version) = version {
            std::thread::spawn(move || {
                if let Ok(mut guard) = lock(&open)
                    && let Ok(Some(_)) = guard.rest_packed(version)
                {
                    crate::startup::mark("rest-packed");
                }
            });
        }
        Ok((tauri::ipc::Response::new(packed.to_vec()), doc))
    }

    /// The remainder of the version `version` of the window's document as a ready-made IPC
    /// answer (gzipped JSON), or `null` when the document changed since its outline was sent.
    pub async fn document_rest_response(
        &self,
        window: &str,
        version: u64,
    ) -> Result<tauri::ipc::Response, CommandError> {
        let open = self.open(window)?;
        blocking(move || {
            Ok(match lock(&open)?.rest_packed(version)? {
                Some(packed) => tauri::ipc::Response::new(packed.to_vec()),
                None => tauri::ipc::Response::new("null".to_owned()),
            })
        })
        .await
    }

    /// Makes `store` the window's document (replacing and closing any previous one). The
    /// document is loaded and serialised on a background thread right away, so that it is ready
    /// (or nearly) when the window's UI asks for it; the recent list learns the title then.
    pub fn attach(&self, window: &str, store: Store) -> Result<(), CommandError> {
        self.attach_with(window, store, None)
    }

    /// Makes a prepared document the window's document, like [`AppState::attach`] but with the
    /// document already loaded and packed.
    pub fn attach_prepared(&self, window: &str, prepared: Prepared) -> Result<(), CommandError> {
        let open = prepared.0;
        let path = open.store.path().to_owned();
        self.grants.grant(window, Purpose::Open, &path);
        let title = open.loaded.as_ref().map(|doc| doc.curriculum.title.clone());
        self.windows
            .lock()
            .map_err(|_| CommandError::internal("the window table is poisoned"))?
            .insert(window.to_owned(), Arc::new(Mutex::new(open)));
        if let (Some(title), Ok(mut recent)) = (title, self.recent.lock()) {
            recent.touch(&path, &title);
        }
        Ok(())
    }

    /// Makes a curriculum folder the window's document like [`AppState::attach`]: `store` is
    /// its working store, and every change is written through to the folder's files. The recent
    /// list names the folder.
    pub fn attach_folder(&self, window: &str, store: Store, folder: FolderLink) -> Result<(), CommandError> {
        self.attach_with(window, store, Some(folder))
    }

    fn attach_with(
        &self,
        window: &str,
        store: Store,
        folder: Option<FolderLink>,
    ) -> Result<(), CommandError> {
        let path = folder.as_ref().map_or_else(|| store.path().to_owned(), |f| f.dir().to_owned());
        // A document the app opened or created in a window may be opened there again.
        let purpose = if folder.is_some() { Purpose::OpenFolder } else { Purpose::Open };
        self.grants.grant(window, purpose, &path);
        let open = Arc::new(Mutex::new(OpenDocument::new(store, folder)));
        self.windows
            .lock()
            .map_err(|_| CommandError::internal("the window table is poisoned"))?
            .insert(window.to_owned(), open.clone());
        let recent = self.recent.clone();
        std::thread::spawn(move || {
            let Ok(mut guard) = lock(&open) else { return };
            // A failure here is reported to the UI when it asks for the document.
            let Ok((_, doc)) = guard.packed_state() else { return };
            // The copy is let go under the lock: an edit that comes next finds it held by the
            // window alone and brings it up to date in place (see `OpenDocument::changed`).
            let title = doc.curriculum.title.clone();
            drop(doc);
            drop(guard);
            if let Ok(mut recent) = recent.lock() {
                recent.touch(&path, &title);
            }
        });
        Ok(())
    }

    /// A label for a new document window (`doc-2`, `doc-3`, …), matching the capability's
    /// `doc-*` windows.
    pub fn next_window_label(&self) -> String {
        let n = self.next_window.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        format!("doc-{n}")
    }

    /// Closes the window's document.
    pub fn detach(&self, window: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(window);
        }
    }
}

/// Reads the evidence of the document at `path` on a read-only connection of its own (one
/// snapshot: the library reads it in one transaction); `None` when no such connection opens.
fn read_evidence_apart(path: &Path, cohort: Option<&str>) -> Option<trellis::Result<Evidence>> {
    use rusqlite::{Connection, OpenFlags};
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .ok()?;
    trellis::store::harden(&conn).ok()?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).ok()?;
    Some(evidence_store::load(&conn, path, cohort))
}

/// Runs blocking library work off the async runtime and converts its error.
pub async fn blocking<T, F>(f: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce() -> trellis::Result<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::internal(format!("a background task failed: {e}")))?
        .map_err(CommandError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use trellis::store::EditOp;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A lean edit (answered with the history only) brings the window's whole copy up to date
    /// for the rows it touched at once, so the next structural edit starts from it instead of
    /// re-reading whole tables; a copy a read in flight still holds is not copied for that, and
    /// its parts are re-read on the next use. Either way the copy equals a fresh load.
    #[test]
    fn a_lean_edit_refreshes_the_windows_copy_unless_a_read_holds_it() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = crate::examples::document("intro-statistics")?;
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        let check = |state: &AppState, fresh: bool| -> TestResult {
            let open = state.open("main")?;
            let guard = lock(&open)?;
            assert_eq!(guard.stale.is_empty(), fresh, "refreshed at once: {fresh}");
            if fresh {
                let kept = guard.loaded.as_deref().ok_or("no copy kept")?;
                assert_eq!(*kept, guard.store.load()?, "the refreshed copy is the committed document");
            }
            Ok(())
        };
        let rename = |title: &str| {
            let mut node = doc.nodes[1].clone();
            node.title = title.into();
            move |s: &mut Store| s.apply(EditOp::UpdateNode { node })
        };
        use tauri::async_runtime::block_on as block;
        block(state.document_state("main"))?;
        block(state.with_store("main", rename("Renamed once")))?;
        check(&state, true)?;
        let held = block(state.document_state("main"))?.document;
        block(state.with_store("main", rename("Renamed twice")))?;
        check(&state, false)?;
        assert_eq!(held.nodes[1].title, "Renamed once", "the held copy is left as it was");
        drop(held);
        let after = block(state.document_state("main"))?;
        assert_eq!(after.document.nodes[1].title, "Renamed twice");
        check(&state, true)?;
        let change = block(state.change("main", |s| s.undo().map(drop)))?;
        assert_eq!(change.patch.nodes.as_ref().map(|n| n.changed.len()), Some(1), "{:?}", change.patch.nodes);
        assert_eq!(block(state.document_state("main"))?.document.nodes[1].title, "Renamed once");
        Ok(())
    }

    /// A refused lean edit commits nothing, so the window keeps its copy (and its packed
    /// answer) instead of re-reading every table at the next use (a third of a second on the
    /// large curriculum).
    #[test]
    fn a_refused_edit_keeps_the_windows_copy() -> TestResult {
        use tauri::async_runtime::block_on as block;
        let dir = tempfile::tempdir()?;
        let doc = crate::examples::document("intro-statistics")?;
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        let first = block(state.document_state("main"))?.document;
        let mut unknown = doc.nodes[1].clone();
        unknown.id = trellis::model::NodeId::new();
        let refused = block(state.with_store("main", move |s| s.apply(EditOp::UpdateNode { node: unknown })));
        assert!(refused.is_err(), "an edit of a node that does not exist is refused");
        {
            let open = state.open("main")?;
            let guard = lock(&open)?;
            assert!(guard.stale.is_empty(), "nothing is marked for re-reading");
        }
        let again = block(state.document_state("main"))?.document;
        assert!(Arc::ptr_eq(&first, &again), "the same copy, not read again");
        // A change that commits is still seen.
        let mut node = doc.nodes[1].clone();
        node.title = "Renamed".into();
        block(state.with_store("main", move |s| s.apply(EditOp::UpdateNode { node })))?;
        assert_eq!(block(state.document_state("main"))?.document.nodes[1].title, "Renamed");
        Ok(())
    }

    #[test]
    fn reads_share_one_load_until_the_next_change() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = Store::create(&dir.path().join("t.trellis"), &Document::new("Statistics"))?;
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", store)?;
        tauri::async_runtime::block_on(async {
            let first = state.document_state("main").await?;
            let again = state.document_state("main").await?;
            assert!(Arc::ptr_eq(&first.document, &again.document), "a second read reuses the load");

            let mut curriculum = first.document.curriculum.clone();
            curriculum.title = "Probability".into();
            state.with_store("main", move |s| s.apply(EditOp::UpdateCurriculum { curriculum })).await?;
            let after = state.document_state("main").await?;
            assert_eq!(after.document.curriculum.title, "Probability");
            assert!(!Arc::ptr_eq(&first.document, &after.document), "a change drops the old load");
            assert_eq!(after.history.undo_depth, 1);
            let title = state.with_document("main", |d| Ok(d.curriculum.title.clone())).await?;
            assert_eq!(title, "Probability");
            Ok::<_, CommandError>(())
        })?;
        Ok(())
    }

    fn gunzip(packed: &[u8]) -> serde_json::Result<serde_json::Value> {
        serde_json::from_reader(flate2::read::GzDecoder::new(packed))
    }

    #[test]
    fn a_large_document_opens_as_its_outline_then_its_remainder_which_together_are_the_whole_state()
    -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 8, units: 5, lessons: 5 });
        assert!(is_large(&doc), "the generated document is below STAGED_FROM");
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        let whole = tauri::async_runtime::block_on(state.document_state("main"))?;
        let open = state.open("main")?;
        let (outline, _, staged) = lock(&open)?.opening_state()?;
        assert!(staged);
        let mut outline = gunzip(&outline)?;
        let version = outline["rest"].as_u64().ok_or("the outline names no remainder")?;
        let first = outline["document"].as_object().ok_or("no document")?.clone();
        assert_eq!(first["nodes"].as_array().map(Vec::len), Some(doc.nodes.len()));
        assert!(REST_FIELDS.iter().all(|f| !first.contains_key(*f)), "the outline carries a remainder field");

        let rest = lock(&open)?.rest_packed(version)?.ok_or("no remainder for the outline's version")?;
        let rest = gunzip(&rest)?;
        let rest = rest.as_object().ok_or("the remainder is no object")?;
        assert!(rest.keys().all(|k| REST_FIELDS.contains(&k.as_str())), "{:?}", rest.keys());
        // The outline and the remainder together are the whole state, field for field.
        let mut merged = first;
        merged.extend(rest.clone());
        outline["document"] = serde_json::Value::Object(merged);
        outline.as_object_mut().ok_or("no state")?.remove("rest");
        assert_eq!(outline, serde_json::to_value(&whole)?);
        Ok(())
    }

    #[test]
    fn a_large_document_prepared_at_start_up_is_read_for_its_outline_first_and_completed_for_its_remainder()
    -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 8, units: 5, lessons: 5 });
        let path = dir.path().join("t.trellis");
        drop(Store::create(&path, &doc)?);
        let mut open = Prepared::new(Store::open(&path)?).0;
        assert!(open.partial);
        let outline = open.loaded.clone().ok_or("nothing was read")?;
        assert_eq!((outline.nodes.len(), outline.objectives.len()), (doc.nodes.len(), 0));
        let (first, _, staged) = open.opening_state()?;
        assert!(staged);
        let first = gunzip(&first)?;
        assert_eq!(first["document"], serde_json::to_value(split(&doc).0)?);
        let version = first["rest"].as_u64().ok_or("no remainder")?;
        let rest = open.rest_packed(version)?.ok_or("no remainder for the outline's version")?;
        assert_eq!(gunzip(&rest)?, serde_json::to_value(split(&doc).1)?);
        assert!(!open.partial);
        assert_eq!(*open.document()?, doc);
        Ok(())
    }

    #[test]
    fn a_remainder_is_answered_only_for_the_version_its_outline_came_with() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 8, units: 5, lessons: 5 });
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        let open = state.open("main")?;
        let (outline, _, _) = lock(&open)?.opening_state()?;
        let version = gunzip(&outline)?["rest"].as_u64().ok_or("no remainder")?;
        let mut curriculum = doc.curriculum.clone();
        curriculum.title = "Renamed".into();
        tauri::async_runtime::block_on(
            state.change("main", move |s| s.apply(EditOp::UpdateCurriculum { curriculum })),
        )?;
        assert!(lock(&open)?.rest_packed(version)?.is_none(), "a remainder of an older version was answered");
        assert!(lock(&open)?.rest_packed(version + 1_000_000)?.is_none());
        Ok(())
    }

    #[test]
    fn a_document_of_ordinary_size_opens_whole_in_one_answer() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 1, units: 2, lessons: 2 });
        assert!(!is_large(&doc));
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        let open = state.open("main")?;
        let (first, _, staged) = lock(&open)?.opening_state()?;
        assert!(!staged);
        let (whole, _) = lock(&open)?.packed_state()?;
        assert_eq!(gunzip(&first)?, gunzip(&whole)?);
        assert!(gunzip(&first)?.get("rest").is_none());
        Ok(())
    }

    #[test]
    fn the_ui_merges_the_same_remainder_fields_the_backend_sends() -> TestResult {
        let client = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/client.ts"),
        )?;
        let list = client
            .split("export const REST_FIELDS = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .ok_or("REST_FIELDS not found in client.ts")?;
        let ui: Vec<&str> =
            list.split(',').map(|f| f.trim().trim_matches('\'')).filter(|f| !f.is_empty()).collect();
        assert_eq!(ui, REST_FIELDS);
        Ok(())
    }

    #[test]
    fn the_ready_made_answer_is_the_gzipped_json_of_the_document_state() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 2, units: 2, lessons: 2 });
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        tauri::async_runtime::block_on(async {
            let typed = serde_json::to_value(state.document_state("main").await?)?;
            let open = state.open("main")?;
            let (packed, _) = lock(&open)?.packed_state()?;
            let ready: serde_json::Value =
                serde_json::from_reader(flate2::read::GzDecoder::new(packed.as_slice()))?;
            assert_eq!(ready, typed);
            assert_eq!(ready["document"]["nodes"].as_array().map(Vec::len), Some(doc.nodes.len()));
            Ok::<_, Box<dyn std::error::Error>>(())
        })
    }

    #[test]
    fn a_change_answers_with_a_patch_that_turns_the_window_copy_into_the_committed_document() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = trellis::generate::large(trellis::generate::Scale { courses: 2, units: 2, lessons: 2 });
        let unit = doc.nodes.iter().find(|n| n.kind == "unit").map(|n| n.id).ok_or("no unit")?;
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("t.trellis"), &doc)?)?;
        tauri::async_runtime::block_on(async {
            let mut copy = (*state.document_state("main").await?.document).clone();
            let deleted = state.change("main", move |s| s.apply(EditOp::DeleteNode { id: unit })).await?;
            assert!(
                deleted.patch.nodes.as_ref().is_some_and(|p| p.order.is_some()),
                "the outline order changed"
            );
            deleted.patch.apply(&mut copy)?;
            let committed = state.with_document("main", |d| Ok(d.clone())).await?;
            assert_eq!(copy, committed);
            assert!(copy.nodes.iter().all(|n| n.id != unit));
            assert_eq!(deleted.history.undo_depth, 1);

            let undone = state.change("main", |s| s.undo().map(drop)).await?;
            undone.patch.apply(&mut copy)?;
            assert_eq!(copy, doc, "undo restores the unit and everything under it");
            assert_eq!(undone.history.redo_depth, 1);

            // A light edit (the UI applies it itself): the loaded copy re-reads what it touched.
            let mut objective = copy.objectives[0].clone();
            objective.statement = "Students will compare two estimators.".into();
            let expected = objective.clone();
            state.with_store("main", move |s| s.apply(EditOp::UpdateObjective { objective })).await?;
            let loaded = state.with_document("main", |d| Ok(d.clone())).await?;
            assert_eq!(loaded.objectives[0], expected);
            assert_eq!(loaded, state.with_store("main", |s| s.load()).await?);

            state.change("main", move |s| s.apply(EditOp::DeleteNode { id: unit })).await?;
            let missing = state.change("main", move |s| s.apply(EditOp::DeleteNode { id: unit })).await;
            assert_eq!(missing.err().map(|e| e.code), Some(trellis::ErrorCode::NotFound));
            Ok::<_, Box<dyn std::error::Error>>(())
        })
    }

    /// A patch made by the library, with the versions it joins, for the UI's `applyPatch` test
    /// (`ui/src/lib/document/patch.test.ts`): the two languages must agree on the format. Like
    /// the bindings test, it rewrites the file and fails when it drifted.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn the_ui_patch_fixture_is_what_the_library_makes() {
        let before = trellis::generate::random(11);
        let mut after = before.clone();
        after.curriculum.title = "Renamed curriculum".into();
        after.nodes[0].title = "Renamed node".into();
        after.objectives.remove(1);
        after.activities.rotate_right(1);
        if let Some(a) = after.assessments.first_mut() {
            a.items.reverse();
        }
        let mut comment = before.comments.first().cloned().unwrap();
        comment.id =
            trellis::model::CommentId(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0011));
        comment.body = "A new comment".into();
        after.comments.push(comment);
        let patch = trellis::model::DocumentPatch::between(&before, &after);
        let fixture = serde_json::json!({ "before": before, "after": after, "patch": patch });
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/gen/patch-fixture.json");
        let fresh = format!("{}\n", serde_json::to_string(&fixture).unwrap());
        if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
            std::fs::write(&path, fresh).unwrap();
            panic!("{} was out of date and has been regenerated; review and commit it", path.display());
        }
    }

    #[test]
    fn a_window_may_open_only_its_own_documents_and_the_recent_list() -> TestResult {
        let dir = tempfile::tempdir()?;
        let own = dir.path().join("own.trellis");
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&own, &Document::new("Statistics"))?)?;
        assert!(state.check_path("main", Purpose::Open, &own).is_ok(), "the window's own document");
        let recent = dir.path().join("recent.trellis");
        Store::create(&recent, &Document::new("Probability"))?;
        state.recent.lock().map_err(|_| "poisoned")?.touch(&recent, "Probability");
        assert!(state.check_path("doc-2", Purpose::Open, &recent).is_ok(), "the recent list is the app's");
        assert!(state.check_path("doc-2", Purpose::Export, &recent).is_err(), "for opening only");
        let forged = dir.path().join("forged.trellis");
        Store::create(&forged, &Document::new("Forged"))?;
        let err =
            state.check_path("main", Purpose::Open, &forged).err().ok_or("a forged path was accepted")?;
        assert_eq!(err.code, trellis::ErrorCode::Validation);
        assert!(err.message.contains("forged.trellis"), "{}", err.message);
        Ok(())
    }

    #[test]
    fn cancelling_one_windows_work_leaves_the_other_windows_running() {
        let flags = CancelFlags::default();
        let main = flags.start("main");
        let other = flags.start("doc-2");
        flags.cancel("main");
        assert!(main.load(std::sync::atomic::Ordering::SeqCst));
        assert!(!other.load(std::sync::atomic::Ordering::SeqCst));
        let again = flags.start("main");
        assert!(!again.load(std::sync::atomic::Ordering::SeqCst), "new work starts uncancelled");
    }

    /// A window on the example with one cohort of three learners' results (imported through
    /// the window, as the import command does).
    fn example_with_evidence(dir: &Path) -> Result<AppState, Box<dyn std::error::Error>> {
        let doc = crate::examples::document("intro-statistics")?;
        let state = AppState::new(dir, dir.join("documents"));
        state.attach("main", Store::create(&dir.join("course.trellis"), &doc)?)?;
        let mut csv = String::from(
            "student name,student id,learning outcome name,learning outcome vendor guid,outcome score,learning outcome points possible,submission date\n",
        );
        for (learner, score) in [4.0, 2.0, 1.0].iter().enumerate() {
            let o = &doc.objectives[0];
            csv.push_str(&format!("L{learner},{learner},{},{},{score},4,2026-03-01\n", o.code, o.id.0));
        }
        let file = dir.join("fall.csv");
        std::fs::write(&file, csv)?;
        tauri::async_runtime::block_on(state.change_evidence("main", move |store, doc| {
            let task = trellis::task::Task::quiet("the import");
            trellis::workflow::evidence::import_file(store, doc, &file, None, &Default::default(), &task)
        }))?;
        Ok(state)
    }

    fn set_before_read(state: &AppState, hook: ReadHook) -> TestResult {
        let open = state.open("main")?;
        lock(&open)?.evidence.before_read = Some(hook);
        Ok(())
    }

    #[test]
    fn the_evidence_is_read_without_the_windows_lock_and_kept_only_without_a_change_meanwhile() -> TestResult
    {
        let dir = tempfile::tempdir()?;
        let state = example_with_evidence(dir.path())?;
        let free = Arc::new(AtomicBool::new(false));
        let seen = free.clone();
        set_before_read(
            &state,
            Arc::new(move |open: &Shared| {
                // The window's lock is free while the evidence is read: an edit could take it.
                seen.store(open.try_lock().is_ok(), std::sync::atomic::Ordering::SeqCst);
            }),
        )?;
        tauri::async_runtime::block_on(async {
            let (evidence, _) = state.evidence("main", None).await?;
            assert_eq!(evidence.results.len(), 3);
            assert!(free.load(std::sync::atomic::Ordering::SeqCst), "the lock was held during the read");
            let (again, _) = state.evidence("main", None).await?;
            assert!(Arc::ptr_eq(&evidence, &again), "kept");
            assert_eq!(state.evidence_reads("main"), 1);

            // An evidence change noted while a read runs (as `change_evidence` notes one): what
            // was read is answered but not kept; the next request reads again and keeps it.
            set_before_read(
                &state,
                Arc::new(|open: &Shared| {
                    if let Ok(mut guard) = open.lock() {
                        guard.evidence.before_read = None;
                        guard.evidence.clear();
                    }
                }),
            )?;
            let fall = Some("fall".to_owned());
            let (read, _) = state.evidence("main", fall.clone()).await?;
            assert_eq!((read.results.len(), state.evidence_reads("main")), (3, 2));
            let (again, _) = state.evidence("main", fall.clone()).await?;
            assert!(!Arc::ptr_eq(&read, &again), "a read with a change meanwhile is not kept");
            assert_eq!(state.evidence_reads("main"), 3);
            let (kept, _) = state.evidence("main", fall).await?;
            assert!(Arc::ptr_eq(&again, &kept));
            assert_eq!(state.evidence_reads("main"), 3);
            Ok::<_, Box<dyn std::error::Error>>(())
        })
    }

    #[test]
    fn requests_at_once_read_the_evidence_once() -> TestResult {
        let dir = tempfile::tempdir()?;
        let state = Arc::new(example_with_evidence(dir.path())?);
        // The first read lingers, so the second request comes while it runs.
        set_before_read(
            &state,
            Arc::new(|_: &Shared| std::thread::sleep(std::time::Duration::from_millis(300))),
        )?;
        let ask = |state: Arc<AppState>| {
            tauri::async_runtime::spawn(async move { state.evidence("main", None).await.map(|(e, _)| e) })
        };
        let first = ask(state.clone());
        std::thread::sleep(std::time::Duration::from_millis(50));
        let second = ask(state.clone());
        tauri::async_runtime::block_on(async {
            let (first, second) = (first.await??, second.await??);
            assert!(Arc::ptr_eq(&first, &second), "one read for both");
            Ok::<_, Box<dyn std::error::Error>>(())
        })?;
        assert_eq!(state.evidence_reads("main"), 1);
        Ok(())
    }

    #[test]
    fn a_window_without_a_document_gets_a_not_found_error() {
        let state = AppState::new(Path::new("/nonexistent"), PathBuf::from("/nonexistent"));
        let err = tauri::async_runtime::block_on(state.document_state("doc-2")).err();
        assert_eq!(err.map(|e| e.code), Some(trellis::ErrorCode::NotFound));
    }
}
