//! Evidence of learning in the app: importing an LMS or LRS results file into the window's
//! document (the format chosen or told from the file by `trellis::workflow::evidence::detect`),
//! or the statements of a Learning Record Store read over http or https (address, user, a
//! password that is used for that import only and never stored, since / until / activity
//! filters),
//! listing and removing cohorts, the mastery report, the analysis (heatmaps, distributions,
//! skill gaps, item analysis) and the mastery policy. Adapters over `trellis::evidence` and
//! `trellis::workflow::evidence` (what `trellis evidence` and `trellis mastery` use).
//!
//! Every change (an import, a removed cohort, a policy) is one undo step of the document's
//! journal, so the app's undo and redo cover it; each answers with the new history. The import
//! reports its stages to the window as [`PROGRESS_EVENT`] and stops before it writes when
//! [`cancel_evidence_import`] is called (error code `cancelled`, nothing written; an LRS import
//! stops before its next page). The file it
//! reads must be one the user picked in the dialog (or otherwise granted: `crate::grants`).
//!
//! The reads (cohorts, analysis, mastery report, policies) use the evidence the window keeps
//! (`AppState::evidence`: read again only after the evidence changed, never for a design
//! edit) and compute what depends on the design after the window's lock is released.
//!
//! The pure parts (`*_in` functions) take the store and the design, so the tests and the mock
//! backend's fixtures (`crate::mock_fixtures`) compute exactly what the commands answer.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State, Window};
use trellis::ErrorCode;
use trellis::evidence::analysis::{self, Analysis};
use trellis::evidence::import::lrs::{LrsLimits, LrsQuery};
use trellis::evidence::import::{ImportReport, Options, Source};
use trellis::evidence::mastery::{self, MasteryReport, Method};
use trellis::evidence::store::CohortSummary;
use trellis::evidence::{Evidence, Policy};
use trellis::model::{Document, ObjectiveId};
use trellis::store::{History, Store};
use trellis::task::{Progress, Task};
use trellis::workflow::evidence as flow;

use crate::error::CommandError;
use crate::grants::Purpose;
use crate::state::AppState;

/// Event carrying `trellis::task::Progress` to the window importing evidence.
pub const PROGRESS_EVENT: &str = "evidence-progress";

/// A source the import dialog offers.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceSourceInfo {
    /// Its name (`canvas-outcomes`, …; what `trellis evidence import --from` takes).
    pub id: String,
    /// What it is, for people.
    pub label: String,
}

/// The import dialog's choices.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceImportRequest {
    /// The source's name; `None` tells it from the file.
    #[serde(default)]
    pub source: Option<String>,
    /// The cohort to import into; `None` names it after the file.
    #[serde(default)]
    pub cohort: Option<String>,
    /// Term or section of a new cohort.
    #[serde(default)]
    pub term: String,
}

/// The import dialog's choices for reading a Learning Record Store.
#[derive(Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceLrsRequest {
    /// The LRS's xAPI endpoint (`https://lrs.example/xapi/`).
    pub endpoint: String,
    /// The user for HTTP Basic authentication.
    #[serde(default)]
    pub user: Option<String>,
    /// The password: used for this import only, never stored or logged.
    #[serde(default)]
    pub password: Option<String>,
    /// Only statements stored since this date or date-time.
    #[serde(default)]
    pub since: Option<String>,
    /// Only statements stored until this date or date-time.
    #[serde(default)]
    pub until: Option<String>,
    /// Only statements about this activity IRI.
    #[serde(default)]
    pub activity: Option<String>,
    /// The cohort to import into; `None` names it after the LRS's host.
    #[serde(default)]
    pub cohort: Option<String>,
    /// Term or section of a new cohort.
    #[serde(default)]
    pub term: String,
}

impl std::fmt::Debug for EvidenceLrsRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceLrsRequest")
            .field("endpoint", &self.endpoint)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(given)"))
            .field("since", &self.since)
            .field("until", &self.until)
            .field("activity", &self.activity)
            .field("cohort", &self.cohort)
            .field("term", &self.term)
            .finish()
    }
}

/// What an evidence import did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceImportOutcome {
    /// The file read.
    pub file: String,
    /// Whether its format was told from the file (not chosen).
    pub detected: bool,
    /// Rows read, results added, rows not matched and why.
    pub report: ImportReport,
    /// What undo and redo would do now.
    pub history: History,
}

/// What the analysis is asked for.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceAnalysisRequest {
    /// Only this cohort (`None`: all).
    #[serde(default)]
    pub cohort: Option<String>,
    /// Share below which an objective is a skill gap (`None`: 0.7).
    #[serde(default)]
    pub gap_threshold: Option<f64>,
    /// Include the objectives × learners heatmap (pseudonyms; one cell per learner and
    /// objective, so large): off unless the view shows learners.
    #[serde(default)]
    pub learners: bool,
}

/// A calculation method and the parameter it takes.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MethodInfo {
    /// Its name (Canvas's for Canvas's methods).
    pub id: String,
    /// The smallest calculation_int it takes (None: it takes none).
    pub min: Option<i64>,
    /// The largest.
    pub max: Option<i64>,
    /// The default.
    pub default: Option<i64>,
}

/// One objective's own policy.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyOverride {
    /// The objective.
    pub objective: ObjectiveId,
    /// Its policy.
    pub policy: Policy,
}

/// The mastery policies of the document and the methods to choose from.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MasteryPolicies {
    /// The curriculum's default.
    pub default: Policy,
    /// Per-objective overrides.
    pub overrides: Vec<PolicyOverride>,
    /// Every method.
    pub methods: Vec<MethodInfo>,
}

/// A policy as the editor sends it.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInput {
    /// The method's name.
    pub method: String,
    /// Its parameter (`None`: the method's default).
    #[serde(default)]
    pub calculation_int: Option<i64>,
    /// Top of the point scale.
    pub points_possible: f64,
    /// Score from which the objective is mastered.
    pub mastery_points: f64,
    /// Fewest results before a judgement.
    pub min_results: u32,
}

impl PolicyInput {
    /// The library's policy; an unknown method is refused with the known ones.
    pub fn policy(&self) -> Result<Policy, CommandError> {
        let Some(method) = Method::parse(&self.method) else {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
            return Err(CommandError::new(
                ErrorCode::Validation,
                format!("unknown method {:?}; expected one of {}", self.method, names.join(", ")),
            ));
        };
        Ok(Policy {
            points_possible: self.points_possible,
            mastery_points: self.mastery_points,
            method,
            calculation_int: self.calculation_int.or(method.parameter().map(|(_, d)| d)),
            min_results: self.min_results,
        })
    }
}

fn label(source: Source) -> String {
    match source.as_str() {
        "canvas-outcomes" => "Canvas Outcome Results (CSV)".to_owned(),
        "canvas-gradebook" => "Canvas gradebook (CSV)".to_owned(),
        "xapi" => "xAPI statements (JSON or JSON Lines)".to_owned(),
        "csv" => "Plain CSV (learner, objective, score)".to_owned(),
        "canvas-mastery" => "Canvas Learning Mastery Gradebook (CSV)".to_owned(),
        "moodle-grades" => "Moodle grades export (CSV or text)".to_owned(),
        other => other.to_owned(),
    }
}

/// Every source the library reads, in its order.
pub fn sources() -> Vec<EvidenceSourceInfo> {
    Source::ALL.iter().map(|s| EvidenceSourceInfo { id: s.as_str().to_owned(), label: label(*s) }).collect()
}

fn source_named(name: Option<&str>) -> Result<Option<Source>, CommandError> {
    match name.map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => Source::parse(n).map(Some).ok_or_else(|| {
            let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
            CommandError::new(
                ErrorCode::Validation,
                format!("unknown evidence format {n:?}; expected one of {}", names.join(", ")),
            )
        }),
    }
}

/// Imports `file` into the document as the request says (one undo step).
pub fn import_in(
    store: &mut Store,
    doc: &Document,
    file: &Path,
    request: &EvidenceImportRequest,
    task: &Task<'_>,
) -> Result<EvidenceImportOutcome, CommandError> {
    let source = source_named(request.source.as_deref())?;
    let options =
        Options { cohort: request.cohort.clone(), term: request.term.clone(), ..Options::default() };
    let report = flow::import_file(store, doc, file, source, &options, task)?;
    Ok(EvidenceImportOutcome {
        file: file.display().to_string(),
        detected: source.is_none(),
        report,
        history: store.history()?,
    })
}

/// Reads the statements `request` selects from an LRS into the document (one undo step); the
/// outcome's `file` is the endpoint.
pub fn import_lrs_in(
    store: &mut Store,
    doc: &Document,
    request: &EvidenceLrsRequest,
    limits: &LrsLimits,
    task: &Task<'_>,
) -> Result<EvidenceImportOutcome, CommandError> {
    let blank = |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let endpoint = request.endpoint.trim().to_owned();
    if endpoint.is_empty() {
        return Err(CommandError::new(ErrorCode::Validation, "give the LRS's address (https://…/xapi/)"));
    }
    let query = LrsQuery {
        endpoint: endpoint.clone(),
        since: blank(&request.since),
        until: blank(&request.until),
        activity: blank(&request.activity),
        user: blank(&request.user),
        password: request.password.clone().filter(|p| !p.is_empty()),
        ca_file: None,
    };
    let options = Options {
        cohort: blank(&request.cohort),
        term: request.term.trim().to_owned(),
        ..Options::default()
    };
    let report = flow::import_lrs(store, doc, &query, limits, &options, task)?;
    Ok(EvidenceImportOutcome { file: endpoint, detected: false, report, history: store.history()? })
}

/// The analysis the Evidence view draws.
pub fn analysis_in(
    store: &Store,
    doc: &Document,
    request: &EvidenceAnalysisRequest,
) -> trellis::Result<Analysis> {
    let evidence = Evidence::load(store, request.cohort.as_deref())?;
    analysis_of(doc, &evidence, request)
}

/// The analysis of evidence already read (computed without holding the document's lock).
pub fn analysis_of(
    doc: &Document,
    evidence: &Evidence,
    request: &EvidenceAnalysisRequest,
) -> trellis::Result<Analysis> {
    let gap_threshold = request.gap_threshold.unwrap_or(analysis::DEFAULT_GAP_THRESHOLD);
    if !(0.0..=1.0).contains(&gap_threshold) {
        return Err(trellis::Error::Refused(format!(
            "the skill-gap threshold must be a share from 0 to 1 (found {gap_threshold})"
        )));
    }
    let report = mastery::compute(doc, evidence);
    Ok(analysis::analyse_with(doc, evidence, &report, analysis::Options { gap_threshold }, request.learners))
}

/// The policies and the methods.
pub fn policies_in(store: &Store) -> trellis::Result<MasteryPolicies> {
    // The overrides are read with the evidence of no cohort in particular: cohorts filter the
    // learners and results only.
    Ok(policies_of(&Evidence::load(store, None)?))
}

/// The policies of evidence already read (of every cohort) and the methods.
pub fn policies_of(evidence: &Evidence) -> MasteryPolicies {
    let overrides = evidence
        .overrides
        .iter()
        .map(|(objective, policy)| PolicyOverride {
            objective: ObjectiveId(*objective),
            policy: policy.clone(),
        })
        .collect();
    let methods = Method::ALL
        .iter()
        .map(|m| {
            let p = m.parameter();
            MethodInfo {
                id: m.as_str().to_owned(),
                min: p.as_ref().map(|(r, _)| *r.start()),
                max: p.as_ref().map(|(r, _)| *r.end()),
                default: p.map(|(_, d)| d),
            }
        })
        .collect();
    MasteryPolicies { default: evidence.policy.clone(), overrides, methods }
}

/// Sets (or, without `policy`, removes an objective's) mastery policy.
pub fn set_policy_in(
    store: &mut Store,
    doc: &Document,
    objective: Option<&str>,
    policy: Option<&PolicyInput>,
) -> Result<History, CommandError> {
    let objective = match objective {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse::<ObjectiveId>()
                .map_err(|_| {
                    CommandError::new(ErrorCode::Validation, format!("{text:?} is not an objective id"))
                })?
                .uuid(),
        ),
    };
    let policy = policy.map(PolicyInput::policy).transpose()?;
    flow::set_policy(store, doc, objective, policy.as_ref())?;
    Ok(store.history()?)
}

/// The sources the import dialog offers (the library's, in its order).
#[tauri::command]
pub fn evidence_sources() -> Vec<EvidenceSourceInfo> {
    sources()
}

/// Imports an LMS or LRS results file into the window's document as one undo step; without a
/// path, asks with the native dialog (`None` when the user cancels). Progress goes to the
/// window as [`PROGRESS_EVENT`]; [`cancel_evidence_import`] stops it before it writes.
#[tauri::command]
pub async fn import_evidence(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    path: Option<String>,
    request: EvidenceImportRequest,
) -> Result<Option<EvidenceImportOutcome>, CommandError> {
    source_named(request.source.as_deref())?;
    let Some(file) = super::path_or_pick(
        &app,
        &window,
        &state,
        Purpose::ImportEvidence,
        path,
        "Import evidence of learning",
        "LMS or LRS results (CSV, xAPI JSON)",
        &["csv", "txt", "json", "jsonl"],
    )?
    else {
        return Ok(None);
    };
    let cancel = state.cancel_evidence.start(window.label());
    let progress_window = window.clone();
    let outcome = state
        .change_evidence(window.label(), move |store, doc| {
            let progress = |p: Progress| {
                let _ = progress_window.emit_to(progress_window.label(), PROGRESS_EVENT, p);
            };
            let task = Task::new("the evidence import", &progress, &cancel);
            Ok(import_in(store, doc, &file, &request, &task))
        })
        .await??;
    Ok(Some(outcome))
}

/// Reads an LRS's statements into the window's document as one undo step. Progress goes to the
/// window as [`PROGRESS_EVENT`] (the statements read after each page); [`cancel_evidence_import`]
/// stops it before the next page, with nothing written. The password is dropped with the
/// request.
#[tauri::command]
pub async fn import_evidence_lrs(
    window: Window,
    state: State<'_, AppState>,
    request: EvidenceLrsRequest,
) -> Result<EvidenceImportOutcome, CommandError> {
    let cancel = state.cancel_evidence.start(window.label());
    let progress_window = window.clone();
    state
        .change_evidence(window.label(), move |store, doc| {
            let progress = |p: Progress| {
                let _ = progress_window.emit_to(progress_window.label(), PROGRESS_EVENT, p);
            };
            let task = Task::new("the LRS import", &progress, &cancel);
            Ok(import_lrs_in(store, doc, &request, &LrsLimits::default(), &task))
        })
        .await?
}

/// Asks the running evidence import to stop.
#[tauri::command]
pub fn cancel_evidence_import(window: Window, state: State<'_, AppState>) {
    state.cancel_evidence.cancel(window.label());
}

/// The cohorts with their learners and results.
#[tauri::command]
pub async fn evidence_cohorts(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<CohortSummary>, CommandError> {
    state.evidence_cohorts(window.label()).await
}

/// Removes a cohort (one undo step); answers with the history.
#[tauri::command]
pub async fn remove_cohort(
    window: Window,
    state: State<'_, AppState>,
    name: String,
) -> Result<History, CommandError> {
    state
        .change_evidence(window.label(), move |store, _| {
            flow::remove_cohort(store, &name)?;
            store.history()
        })
        .await
}

/// Mastery per objective and learner (`trellis mastery --format json`), computed after the
/// document's lock is released.
#[tauri::command]
pub async fn mastery_report(
    window: Window,
    state: State<'_, AppState>,
    cohort: Option<String>,
) -> Result<MasteryReport, CommandError> {
    let (evidence, doc) = state.evidence(window.label(), cohort).await?;
    crate::state::blocking(move || Ok(mastery::compute(&doc, &evidence))).await
}

/// Heatmaps, distributions, skill gaps, item analysis and cohort trends, computed after the
/// document's lock is released (edits do not wait for them).
#[tauri::command]
pub async fn evidence_analysis(
    window: Window,
    state: State<'_, AppState>,
    request: EvidenceAnalysisRequest,
) -> Result<Analysis, CommandError> {
    let (evidence, doc) = state.evidence(window.label(), request.cohort.clone()).await?;
    crate::state::blocking(move || analysis_of(&doc, &evidence, &request)).await
}

/// The mastery policies and the methods.
#[tauri::command]
pub async fn mastery_policy(
    window: Window,
    state: State<'_, AppState>,
) -> Result<MasteryPolicies, CommandError> {
    let (evidence, _) = state.evidence(window.label(), None).await?;
    Ok(policies_of(&evidence))
}

/// Sets the default policy (`objective` null) or an objective's (`policy` null removes the
/// objective's own), one undo step; answers with the history.
#[tauri::command]
pub async fn set_mastery_policy(
    window: Window,
    state: State<'_, AppState>,
    objective: Option<String>,
    policy: Option<PolicyInput>,
) -> Result<History, CommandError> {
    state
        .change_evidence(window.label(), move |store, doc| {
            Ok(set_policy_in(store, doc, objective.as_deref(), policy.as_ref()))
        })
        .await?
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use trellis::evidence::store as evidence_store;

    use super::*;

    /// A Canvas Outcome Results report of three learners on the example's first two objectives,
    /// plus one row naming an outcome the design does not have.
    pub(crate) fn canvas_outcomes(doc: &Document) -> String {
        let mut out = String::from(
            "student name,student id,learning outcome name,learning outcome vendor guid,outcome score,learning outcome points possible,submission date\n",
        );
        let scores = [[4.0, 3.0], [2.0, 3.5], [1.0, 1.0]];
        for (learner, row) in scores.iter().enumerate() {
            for (o, score) in doc.objectives.iter().zip(row) {
                out.push_str(&format!(
                    "Learner {learner},{},{},{},{score},4,2026-03-0{}\n",
                    1000 + learner,
                    o.code,
                    o.id.0,
                    learner + 1
                ));
            }
        }
        out.push_str("Learner 0,1000,Unknown outcome,,3,4,2026-03-01\n");
        out
    }

    fn open_example(dir: &Path) -> (Store, Document) {
        let doc = crate::examples::document("intro-statistics").unwrap();
        let store = Store::create(&dir.join("course.trellis"), &doc).unwrap();
        let doc = store.load().unwrap();
        (store, doc)
    }

    #[test]
    fn an_import_detects_canvas_outcomes_reports_unmatched_rows_and_is_one_undo_step() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        let file = dir.path().join("Fall 2026.csv");
        std::fs::write(&file, canvas_outcomes(&doc)).unwrap();
        let outcome =
            import_in(&mut store, &doc, &file, &EvidenceImportRequest::default(), &Task::quiet("the import"))
                .unwrap();
        assert!(outcome.detected);
        assert_eq!(outcome.report.source, "canvas-outcomes");
        assert_eq!(outcome.report.cohort, "Fall 2026");
        assert_eq!(outcome.report.added, 6);
        assert_eq!(outcome.report.unmatched_rows(), 1, "{:?}", outcome.report.unmatched);
        assert_eq!(outcome.history.undo_depth, 1);

        let analysis = analysis_in(&store, &doc, &EvidenceAnalysisRequest::default()).unwrap();
        assert_eq!(analysis.heatmap.columns.len(), 1);
        // On the first objective learner 0 scores 4 of 4 (mastery from 3), learners 1 and 2 score 2 and 1.
        assert_eq!(analysis.heatmap.overall[0].share().map(|s| (s * 100.0).round()), Some(33.0));
        assert!(analysis.learners.learners.is_empty(), "learners only when asked");
        let with = EvidenceAnalysisRequest { learners: true, ..EvidenceAnalysisRequest::default() };
        assert_eq!(analysis_in(&store, &doc, &with).unwrap().learners.learners.len(), 3);

        store.undo().unwrap();
        assert!(evidence_store::cohorts(store.connection()).unwrap().is_empty(), "undo removes the import");
        store.redo().unwrap();
        assert_eq!(evidence_store::cohorts(store.connection()).unwrap().len(), 1);
    }

    #[test]
    fn a_cancelled_import_writes_nothing_and_an_unknown_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        let file = dir.path().join("results.csv");
        std::fs::write(&file, canvas_outcomes(&doc)).unwrap();
        let cancel = AtomicBool::new(true);
        let task = Task::new("the evidence import", &|_| {}, &cancel);
        let err = import_in(&mut store, &doc, &file, &EvidenceImportRequest::default(), &task).unwrap_err();
        assert_eq!(err.code, ErrorCode::Cancelled);
        assert!(evidence_store::cohorts(store.connection()).unwrap().is_empty());
        assert_eq!(store.history().unwrap().undo_depth, 0);

        let request =
            EvidenceImportRequest { source: Some("moodle-xml".into()), ..EvidenceImportRequest::default() };
        let err = import_in(&mut store, &doc, &file, &request, &Task::quiet("x")).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.message.contains("canvas-outcomes"), "{}", err.message);
    }

    #[test]
    fn an_import_cancelled_while_it_reads_the_file_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        // Several MB: 2,000 learners × 24 objectives, so the file is read in several mebibytes.
        let mut text = String::from("student id,learning outcome name,outcome score\n");
        for l in 0..2000 {
            for o in doc.objectives.iter().take(24) {
                text.push_str(&format!("{l:06},{} {},{}\n", o.code, o.statement.replace(',', ""), l % 5));
            }
        }
        let file = dir.path().join("large.csv");
        std::fs::write(&file, &text).unwrap();
        let cancel = AtomicBool::new(false);
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| {
            if p.message.starts_with("Reading large.csv (") {
                // The first mebibyte is read: cancel from here.
                cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            seen.lock().unwrap().push(p.message);
        };
        let task = Task::new("the evidence import", &progress, &cancel);
        let err = import_in(&mut store, &doc, &file, &EvidenceImportRequest::default(), &task).unwrap_err();
        assert_eq!(err.code, ErrorCode::Cancelled, "{}", err.message);
        let seen = seen.into_inner().unwrap();
        assert!(seen.iter().any(|m| m.starts_with("Reading large.csv (1 of ")), "{seen:?}");
        assert!(evidence_store::cohorts(store.connection()).unwrap().is_empty(), "nothing written");
        assert_eq!(store.history().unwrap().undo_depth, 0);
    }

    /// A one-page LRS on 127.0.0.1 answering every request with `body` (at most 4 requests).
    fn one_page_lrs(body: String) -> String {
        use std::io::{BufRead, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let Ok(mut stream) = stream else { return };
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        format!("http://{addr}/xapi/")
    }

    #[test]
    fn an_lrs_import_reads_the_statements_reports_progress_and_is_one_undo_step() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        let statements: Vec<serde_json::Value> = (0..3)
            .map(|i| {
                serde_json::json!({
                    "id": format!("5c1d0c2e-0000-4000-8000-00000000000{i}"),
                    "actor": {"mbox": format!("mailto:l{i}@example.org")},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                    "object": {"id": format!("urn:trellis:objective:{}", doc.objectives[0].id.0)},
                    "result": {"score": {"scaled": 0.9}},
                })
            })
            .collect();
        let endpoint = one_page_lrs(serde_json::json!({"statements": statements, "more": ""}).to_string());
        let request = EvidenceLrsRequest {
            endpoint: format!("  {endpoint}  "),
            user: Some("teacher".into()),
            password: Some("s3cret".into()),
            since: Some(" ".into()),
            cohort: Some("Spring LRS".into()),
            ..EvidenceLrsRequest::default()
        };
        assert!(!format!("{request:?}").contains("s3cret"), "the password is never printed");
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push(p.message);
        let cancel = AtomicBool::new(false);
        let task = Task::new("the LRS import", &progress, &cancel);
        let outcome = import_lrs_in(&mut store, &doc, &request, &LrsLimits::default(), &task).unwrap();
        assert_eq!(outcome.file, endpoint);
        assert!(!outcome.detected);
        assert_eq!((outcome.report.added, outcome.report.cohort.as_str()), (3, "Spring LRS"));
        assert_eq!(outcome.history.undo_depth, 1);
        let messages = seen.lock().unwrap().clone();
        assert!(messages.iter().any(|m| m.starts_with("Read 3 statements")), "{messages:?}");

        // No address: refused before anything is asked.
        let err =
            import_lrs_in(&mut store, &doc, &EvidenceLrsRequest::default(), &LrsLimits::default(), &task)
                .unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        // Cancelled: nothing written, no step recorded.
        let cancelled = AtomicBool::new(true);
        let task = Task::new("the LRS import", &|_| {}, &cancelled);
        let again = EvidenceLrsRequest { cohort: Some("Other".into()), ..request };
        let err = import_lrs_in(&mut store, &doc, &again, &LrsLimits::default(), &task).unwrap_err();
        assert_eq!(err.code, ErrorCode::Cancelled);
        assert_eq!(store.history().unwrap().undo_depth, 1);
    }

    #[test]
    fn a_policy_is_set_per_objective_checked_and_undoable() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        let id = doc.objectives[0].id.0.to_string();
        let input = PolicyInput {
            method: "highest".into(),
            calculation_int: None,
            points_possible: 5.0,
            mastery_points: 4.0,
            min_results: 1,
        };
        let history = set_policy_in(&mut store, &doc, Some(&id), Some(&input)).unwrap();
        assert_eq!(history.undo_depth, 1);
        let policies = policies_in(&store).unwrap();
        assert_eq!(policies.overrides.len(), 1);
        assert_eq!(policies.overrides[0].policy.mastery_points, 4.0);
        assert_eq!(policies.methods.len(), Method::ALL.len());

        let bad = PolicyInput { mastery_points: 9.0, ..input.clone() };
        let err = set_policy_in(&mut store, &doc, Some(&id), Some(&bad)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{}", err.message);
        let unknown = PolicyInput { method: "median".into(), ..input };
        assert!(
            set_policy_in(&mut store, &doc, None, Some(&unknown)).unwrap_err().message.contains("n_mastery")
        );
        assert_eq!(store.history().unwrap().undo_depth, 1, "refused policies record nothing");

        store.undo().unwrap();
        assert!(policies_in(&store).unwrap().overrides.is_empty());
    }

    #[test]
    fn an_evidence_change_keeps_the_loaded_design_and_the_windows_undo_takes_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let doc = crate::examples::document("intro-statistics").unwrap();
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("course.trellis"), &doc).unwrap()).unwrap();
        let file = dir.path().join("fall.csv");
        std::fs::write(&file, canvas_outcomes(&doc)).unwrap();
        tauri::async_runtime::block_on(async {
            let before = state.document_state("main").await.unwrap();
            let request = EvidenceImportRequest::default();
            let outcome = state
                .change_evidence("main", move |store, doc| {
                    Ok(import_in(store, doc, &file, &request, &Task::quiet("x")))
                })
                .await
                .unwrap()
                .unwrap();
            assert_eq!(outcome.report.added, 6);
            let after = state.document_state("main").await.unwrap();
            assert!(std::sync::Arc::ptr_eq(&before.document, &after.document), "the design is not re-read");
            assert_eq!(
                after.history.undo.as_deref(),
                Some("Import canvas-outcomes evidence into cohort fall")
            );

            let undone = state.change("main", |s| s.undo().map(|_| ())).await.unwrap();
            assert_eq!(undone.history.redo_depth, 1);
            let cohorts =
                state.read_evidence("main", |s, _| evidence_store::cohorts(s.connection())).await.unwrap();
            assert!(cohorts.is_empty(), "undo took the import back");
        });
    }

    /// The analysis as `evidence_analysis` answers it (kept evidence, current design), beside
    /// a fresh one: the evidence read again from the store, under the lock.
    async fn kept_and_fresh(state: &AppState) -> (serde_json::Value, serde_json::Value) {
        let request = EvidenceAnalysisRequest::default();
        let (evidence, doc) = state.evidence("main", None).await.unwrap();
        let kept = serde_json::to_value(analysis_of(&doc, &evidence, &request).unwrap()).unwrap();
        let fresh = state.read_evidence("main", move |s, d| analysis_in(s, d, &request)).await.unwrap();
        (kept, serde_json::to_value(fresh).unwrap())
    }

    /// After an evidence change: the analysis (asked twice) and the cohorts follow it, with
    /// one read of the evidence more in all (`reads`); answers the analysis.
    async fn step(state: &AppState, reads: u32, cohorts: usize) -> serde_json::Value {
        let (kept, fresh) = kept_and_fresh(state).await;
        let (again, _) = kept_and_fresh(state).await;
        assert_eq!(kept, fresh);
        assert_eq!(kept, again);
        assert_eq!(state.evidence_reads("main"), reads);
        assert_eq!(kept["heatmap"]["columns"].as_array().map(Vec::len), Some(cohorts));
        let counted = state.evidence_cohorts("main").await.unwrap();
        assert_eq!(counted.len(), cohorts);
        let stored =
            state.read_evidence("main", |s, _| evidence_store::cohorts(s.connection())).await.unwrap();
        assert_eq!(counted, stored, "the counts taken from the kept evidence are the store's");
        kept
    }

    #[test]
    fn a_design_edit_reuses_the_kept_evidence_and_an_evidence_change_reads_it_again() {
        use trellis::store::EditOp;
        let dir = tempfile::tempdir().unwrap();
        let doc = crate::examples::document("intro-statistics").unwrap();
        let state = AppState::new(dir.path(), dir.path().join("documents"));
        state.attach("main", Store::create(&dir.path().join("course.trellis"), &doc).unwrap()).unwrap();
        let fall = dir.path().join("fall.csv");
        std::fs::write(&fall, canvas_outcomes(&doc)).unwrap();
        let spring = dir.path().join("spring.csv");
        // The second cohort: every learner masters the first objective.
        std::fs::write(
            &spring,
            canvas_outcomes(&doc).replace(",1,4,2026", ",4,4,2026").replace(",2,4,2026", ",4,4,2026"),
        )
        .unwrap();
        let import = |file: std::path::PathBuf| {
            let state = &state;
            async move {
                state
                    .change_evidence("main", move |store, doc| {
                        Ok(import_in(store, doc, &file, &EvidenceImportRequest::default(), &Task::quiet("x")))
                    })
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let overall = |a: &serde_json::Value| a["heatmap"]["overall"][0].clone();
        tauri::async_runtime::block_on(async {
            import(fall.clone()).await;
            let (first, fresh) = kept_and_fresh(&state).await;
            assert_eq!(first, fresh);
            assert_eq!(state.evidence_reads("main"), 1);
            assert_eq!(state.evidence_cohorts("main").await.unwrap().len(), 1);

            // Design edits: a renamed objective, a moved lesson, a review status; and their undo.
            let mut objective = doc.objectives[0].clone();
            objective.code = "RENAMED-1".into();
            state.with_store("main", move |s| s.apply(EditOp::UpdateObjective { objective })).await.unwrap();
            let (kept, fresh) = kept_and_fresh(&state).await;
            assert_eq!(kept, fresh, "the design part is recomputed from the current design");
            assert_eq!(kept["heatmap"]["objectives"][0]["code"], "RENAMED-1");
            assert_eq!(state.evidence_reads("main"), 1, "a rename reads no evidence");
            let lesson = doc.nodes.iter().filter(|n| n.kind == "lesson").nth(1).unwrap().clone();
            let (id, parent) = (lesson.id, lesson.parent);
            state
                .change("main", move |s| s.apply(EditOp::MoveNode { id, parent, position: 0 }))
                .await
                .unwrap();
            let node = doc.nodes[0].id;
            state
                .change("main", move |s| {
                    s.apply(EditOp::SetReviewStatus {
                        node,
                        status: trellis::model::ReviewStatus::InReview,
                        author: "Ada".into(),
                        note: String::new(),
                    })
                })
                .await
                .unwrap();
            state.change("main", |s| s.undo().map(drop)).await.unwrap();
            let (kept, fresh) = kept_and_fresh(&state).await;
            assert_eq!(kept, fresh);
            assert_eq!(overall(&kept), overall(&first), "the same figures");
            state.evidence_cohorts("main").await.unwrap();
            assert_eq!(state.evidence_reads("main"), 1, "moves, statuses and their undo read no evidence");

            // Evidence changes: each is read again once, and the figures follow.
            let first = kept;
            import(spring.clone()).await;
            step(&state, 2, 2).await;
            state.change("main", |s| s.undo().map(drop)).await.unwrap();
            step(&state, 3, 1).await;
            state.change("main", |s| s.redo().map(drop)).await.unwrap();
            step(&state, 4, 2).await;
            state.change_evidence("main", |s, _| flow::remove_cohort(s, "spring")).await.unwrap();
            step(&state, 5, 1).await;
            state.change("main", |s| s.undo().map(drop)).await.unwrap();
            let with_spring = overall(&step(&state, 6, 2).await);
            assert_ne!(overall(&first), with_spring, "the second cohort's learners count");

            let id = doc.objectives[0].id.0.to_string();
            let strict = PolicyInput {
                method: "highest".into(),
                calculation_int: None,
                points_possible: 4.0,
                mastery_points: 4.0,
                min_results: 1,
            };
            state
                .change_evidence("main", move |s, d| Ok(set_policy_in(s, d, Some(&id), Some(&strict))))
                .await
                .unwrap()
                .unwrap();
            let strict_figure = overall(&step(&state, 7, 2).await);
            assert_ne!(strict_figure, with_spring, "the policy changes the figures");
            let (policies, _) = state.evidence("main", None).await.unwrap();
            assert_eq!(policies_of(&policies).overrides.len(), 1);
            state.change("main", |s| s.undo().map(drop)).await.unwrap();
            assert_eq!(overall(&step(&state, 8, 2).await), with_spring);
            state.change("main", |s| s.redo().map(drop)).await.unwrap();
            assert_eq!(overall(&step(&state, 9, 2).await), strict_figure);

            // Another document in the window: its own evidence (none).
            let other = crate::examples::document("intro-statistics").unwrap();
            state.attach("main", Store::create(&dir.path().join("other.trellis"), &other).unwrap()).unwrap();
            assert_eq!(state.evidence_reads("main"), 0);
            assert!(state.evidence_cohorts("main").await.unwrap().is_empty());
            let (evidence, _) = state.evidence("main", None).await.unwrap();
            assert!(evidence.results.is_empty());
            assert_eq!(state.evidence_reads("main"), 1);
        });
    }

    #[test]
    fn removing_a_cohort_is_undoable_and_an_unknown_one_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, doc) = open_example(dir.path());
        let file = dir.path().join("spring.csv");
        std::fs::write(&file, canvas_outcomes(&doc)).unwrap();
        import_in(&mut store, &doc, &file, &EvidenceImportRequest::default(), &Task::quiet("x")).unwrap();
        flow::remove_cohort(&mut store, "spring").unwrap();
        assert!(evidence_store::cohorts(store.connection()).unwrap().is_empty());
        let err = CommandError::from(flow::remove_cohort(&mut store, "spring").unwrap_err());
        assert_eq!(err.code, ErrorCode::NotFound);
        store.undo().unwrap();
        assert_eq!(evidence_store::cohorts(store.connection()).unwrap().len(), 1);
    }
}
