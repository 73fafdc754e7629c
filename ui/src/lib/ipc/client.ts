// The one door to the Rust side. Components and stores talk to a `Backend`; the app uses the
// Tauri implementation, tests and the browser build use the mock (mock.ts). Every method maps to
// one Rust command (src-tauri/src/commands/), named the same in snake_case.
import { invoke } from '@tauri-apps/api/core';
import { getCurrentWebviewWindow } from '@tauri-apps/api/webviewWindow';
import { AppError } from './errors';
import type {
  DocumentChange,
  Catalog,
  Document,
  DocumentState,
  EditOp,
  ExampleInfo,
  History,
  ImportOutcome,
  ExportChoices,
  ExportOutcome,
  ExportRequest,
  Progress,
  Finding,
  Views,
  ObjectiveAnalysis,
  RecentDocument,
  DocumentDiff,
  ReviewPacketOutcome,
  ReviewPacketRequest,
  CohortSummary,
  EvidenceAnalysis,
  EvidenceAnalysisRequest,
  EvidenceImportOutcome,
  EvidenceImportRequest,
  EvidenceLrsRequest,
  EvidenceSourceInfo,
  MasteryPolicies,
  MasteryReport,
  PolicyInput,
} from './types';
import type { TranslationOverview } from './gen/TranslationOverview';
import type { AttachOutcome } from './gen/AttachOutcome';
import type { InteractiveInfo } from './gen/InteractiveInfo';

/**
 * The fields of a large document that arrive after its outline has been painted (the
 * `document_rest` command); the outline answer carries the others (format, curriculum, nodes,
 * frameworks): what the outline rows read. Kept equal to `REST_FIELDS` in src-tauri/src/state.rs.
 */
export const REST_FIELDS = ['objectives', 'standardItems', 'associations', 'activities', 'assessments', 'rubrics', 'comments', 'reviewEvents', 'snapshots', 'assets', 'translations'] as const;

/** The remainder of a large document (`translations` only when it has some). */
export type DocumentRest = Pick<Document, Exclude<(typeof REST_FIELDS)[number], 'translations'>> & Pick<Document, 'translations'>;

/**
 * The window's first answer at start-up: the whole state, or for a large document its outline
 * (only the fields that are not in `REST_FIELDS`) with `rest`, the version of the remainder to
 * ask `documentRest` for.
 */
export type OpeningState = Omit<DocumentState, 'document'> & { document: Document | Omit<Document, (typeof REST_FIELDS)[number]>; rest?: number };

export interface Backend {
  /** Recently opened documents, newest first. */
  recentDocuments(): Promise<RecentDocument[]>;
  /** Removes a document from the recent list (the file is untouched). */
  forgetRecent(path: string): Promise<RecentDocument[]>;
  /** The template gallery: built-in and user templates, with one line per user template file that could not be loaded. */
  templates(): Promise<Catalog>;
  /** Bundled example curricula. */
  examples(): Promise<ExampleInfo[]>;
  /** The document this window has open, if any (e.g. a file passed on the command line); `mark` is told when the answer arrived, was decompressed and parsed. */
  currentDocument(mark?: (step: string) => void): Promise<DocumentState | null>;
  /** The window's document at start-up: a large one comes as its outline first, with `rest` set (see `documentRest`); `mark` is told when the answer arrived, was decompressed and parsed. */
  openingDocument(mark?: (step: string) => void): Promise<OpeningState | null>;
  /** The remainder of the document whose outline `openingDocument` answered with version `version`; null when the document changed since (then read it whole). */
  documentRest(version: number, mark?: (step: string) => void): Promise<DocumentRest | null>;
  /** When the steps of opening the command line's document finished on the Rust side (ms since the Unix epoch; empty without one). */
  startupMarks(): Promise<Record<string, number>>;
  /** Creates a new document from a template in the documents folder and opens it. */
  createDocument(template: string, title: string): Promise<DocumentState>;
  /** Copies a bundled example into a new document and opens it. */
  openExample(id: string): Promise<DocumentState>;
  /** Opens a `.trellis` file; with no path, asks with the native dialog (null when cancelled). A path must be one the app issued (the recent list); others are refused with `validation`. */
  openDocument(path: string | null): Promise<DocumentState | null>;
  /** Opens a document in a new window (asks with the native dialog when `path` is null); the new window's label, or null. */
  openInNewWindow(path: string | null): Promise<string | null>;
  /** Closes the window's document. */
  closeDocument(): Promise<void>;
  /** Applies one edit: one transaction, one undo step; answers with what changed. */
  applyEdit(op: EditOp): Promise<DocumentChange>;
  /** Applies one edit; answers only with the undo/redo history (the UI applied it itself). */
  applyEditLean(op: EditOp): Promise<History>;
  undo(): Promise<DocumentChange>;
  redo(): Promise<DocumentChange>;
  /** Imports a standards framework (CASE JSON or CSV) as one edit; asks for the file when `path` is null (null when cancelled). */
  importFramework(path: string | null): Promise<ImportOutcome | null>;
  /** Checks an H5P package (.h5p) or an HTML5 simulation (.zip with index.html) and attaches it to an activity as one undoable edit; asks for the file when `path` is null (null when cancelled). */
  attachInteractive(activity: string, path: string | null): Promise<AttachOutcome | null>;
  /** What an activity's interactive content is, with the address of its sandboxed preview; null when it has none. */
  interactiveInfo(activity: string): Promise<InteractiveInfo | null>;
  /** Markdown → sanitised HTML (rendered by the library). */
  renderMarkdown(markdown: string): Promise<string>;
  /** Live analysis of one objective statement. */
  analyzeObjective(statement: string): Promise<ObjectiveAnalysis>;
  /** Every finding of the whole-document check. */
  checkDocument(): Promise<Finding[]>;
  /** Data of every review view (Bloom table, workload, coverage, curriculum map, sequence graph). */
  insights(): Promise<Views>;
  /** Semantic diff between the named snapshot and the current document. */
  diffSnapshot(name: string): Promise<DocumentDiff>;
  /** Formats and LMS profiles of the export dialog. */
  exportChoices(): Promise<ExportChoices>;
  /** Pre-export findings for a request (format, profile, format options, framework; the destination is not used). */
  preflightExport(request: ExportRequest): Promise<Finding[]>;
  /** Runs an export off the UI thread; progress arrives through `onProgress`. Null when the save dialog was cancelled. */
  exportDocument(request: ExportRequest, onProgress: (p: Progress) => void): Promise<ExportOutcome | null>;
  /** Cancels the running export. */
  cancelExport(): Promise<void>;
  /** Opens the folder of a file this window wrote (an export, a review packet) in the system file manager; any other path is refused with `validation`. */
  showInFolder(path: string): Promise<void>;
  /** Writes the review packet (HTML, and a PDF beside it on request) off the UI thread; asks where with the native save dialog when `destination` is null (null when cancelled). Its stages arrive through `onProgress`. */
  writeReviewPacket(request: ReviewPacketRequest, onProgress?: (p: Progress) => void): Promise<ReviewPacketOutcome | null>;
  /** Cancels the running review packet (it then fails with a "cancelled" error and writes nothing). */
  cancelReport(): Promise<void>;
  /** Imports a Common Cartridge as a new document and opens it in this window; asks for the file when `path` is null (null when cancelled). Its stages arrive through `onProgress`. */
  importCartridge(path: string | null, onProgress?: (p: Progress) => void): Promise<ImportOutcome | null>;
  /** Cancels the running cartridge import (it then fails with a "cancelled" error and creates nothing). */
  cancelImport(): Promise<void>;
  /** The evidence formats the library reads (for the import dialog's format list). */
  evidenceSources(): Promise<EvidenceSourceInfo[]>;
  /** Imports an LMS/LRS results file as one undo step; asks for the file when `path` is null (null when cancelled). A null `request.source` lets the library tell the format from the file. Its stages arrive through `onProgress`. */
  importEvidence(path: string | null, request: EvidenceImportRequest, onProgress?: (p: Progress) => void): Promise<EvidenceImportOutcome | null>;
  /** Reads the statements of a Learning Record Store (http or https; the password is used for this import only) as one undo step; the statements read arrive through `onProgress` page by page, and `cancelEvidenceImport` stops it before the next page. */
  importEvidenceLrs(request: EvidenceLrsRequest, onProgress?: (p: Progress) => void): Promise<EvidenceImportOutcome>;
  /** Cancels the running evidence import before it writes (it then fails with a "cancelled" error). */
  cancelEvidenceImport(): Promise<void>;
  /** The document's cohorts with their learners and results. */
  evidenceCohorts(): Promise<CohortSummary[]>;
  /** Removes a cohort (one undo step); answers with the history. */
  removeCohort(name: string): Promise<History>;
  /** Mastery per objective and learner (`trellis mastery`). */
  masteryReport(cohort: string | null): Promise<MasteryReport>;
  /** Heatmaps, distributions, skill gaps, item analysis and cohort trends (`trellis evidence analyse`). */
  evidenceAnalysis(request: EvidenceAnalysisRequest): Promise<EvidenceAnalysis>;
  /** The default mastery policy, the per-objective overrides and the methods. */
  masteryPolicy(): Promise<MasteryPolicies>;
  /** Sets the default policy (`objective` null) or an objective's (`policy` null removes it); one undo step. */
  setMasteryPolicy(objective: string | null, policy: PolicyInput | null): Promise<History>;
  /** The document's languages and, for `language` (null: the source language), its learner-facing fields with their translations. */
  translationOverview(language: string | null): Promise<TranslationOverview>;
  /** Stores (approved or not) or, with a blank text, removes one field's translation; one undo step. */
  setTranslation(language: string, id: string, text: string, approved: boolean): Promise<DocumentChange>;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw AppError.from(err);
  }
}

/**
 * Reads a document answer that may come gzipped: opening a document answers with the gzipped
 * JSON of a `DocumentState` (an ArrayBuffer; a large curriculum crosses the webview's IPC far
 * faster that way), or with `null`.
 */
export async function unpackDocumentState(answer: ArrayBuffer | DocumentState | null, mark?: (step: string) => void): Promise<DocumentState | null> {
  return unpack<DocumentState | null>(answer, mark);
}

/**
 * Reads an answer that may come as gzipped JSON (an ArrayBuffer); anything else passes through.
 * `mark` is told when the text is decompressed and when it is parsed (start-up marks).
 */
async function unpack<T>(answer: unknown, mark?: (step: string) => void): Promise<T> {
  if (Object.prototype.toString.call(answer) !== '[object ArrayBuffer]') return answer as T;
  const body = new Response(answer as ArrayBuffer).body;
  if (!body) throw new Error('the document answer is empty');
  const text = await new Response(body.pipeThrough(new DecompressionStream('gzip'))).text();
  mark?.('decompressed');
  const value = JSON.parse(text) as T;
  mark?.('parsed');
  return value;
}

/**
 * Calls `cmd`, whose answer may come as gzipped JSON, and reads it; `mark` is told when the answer
 * was received, decompressed and parsed (start-up marks).
 */
async function callPacked<T>(cmd: string, args?: Record<string, unknown>, mark?: (step: string) => void): Promise<T> {
  const answer = await call<unknown>(cmd, args);
  mark?.('received');
  return unpack<T>(answer, mark);
}

/** Runs `work` while the backend's `event` (a `Progress` sent to this window only) goes to `onProgress`. */
async function withProgress<T>(event: string, onProgress: (p: Progress) => void, work: () => Promise<T>): Promise<T> {
  const unlisten = await getCurrentWebviewWindow().listen<Progress>(event, (e) => onProgress(e.payload));
  try {
    return await work();
  } finally {
    unlisten();
  }
}

/** The real backend: Tauri IPC to src-tauri/src/commands. */
export class TauriBackend implements Backend {
  recentDocuments() { return call<RecentDocument[]>('recent_documents'); }
  forgetRecent(path: string) { return call<RecentDocument[]>('forget_recent', { path }); }
  templates() { return call<Catalog>('list_templates'); }
  examples() { return call<ExampleInfo[]>('list_examples'); }
  currentDocument(mark?: (step: string) => void) {
    return callPacked<DocumentState | null>('current_document', undefined, mark);
  }
  openingDocument(mark?: (step: string) => void) {
    return callPacked<OpeningState | null>('current_document', { staged: true }, mark);
  }
  documentRest(version: number, mark?: (step: string) => void) {
    return callPacked<DocumentRest | null>('document_rest', { version }, mark);
  }
  startupMarks() { return call<Record<string, number>>('startup_marks'); }
  createDocument(template: string, title: string) {
    return call<DocumentState>('create_document', { template, title });
  }
  openExample(id: string) { return call<DocumentState>('open_example', { id }); }
  async openDocument(path: string | null) {
    return callPacked<DocumentState | null>('open_document', { path });
  }
  closeDocument() { return call<void>('close_document'); }
  openInNewWindow(path: string | null) { return call<string | null>('open_in_new_window', { path }); }
  applyEdit(op: EditOp) { return call<DocumentChange>('apply_edit', { op }); }
  applyEditLean(op: EditOp) { return call<History>('apply_edit_lean', { op }); }
  undo() { return call<DocumentChange>('undo'); }
  redo() { return call<DocumentChange>('redo'); }
  renderMarkdown(markdown: string) { return call<string>('render_markdown', { markdown }); }
  importFramework(path: string | null) { return call<ImportOutcome | null>('import_framework', { path }); }
  attachInteractive(activity: string, path: string | null) { return call<AttachOutcome | null>('attach_interactive', { activity, path }); }
  interactiveInfo(activity: string) { return call<InteractiveInfo | null>('interactive_info', { activity }); }
  analyzeObjective(statement: string) { return call<ObjectiveAnalysis>('analyze_objective', { statement }); }
  checkDocument() { return call<Finding[]>('check_document'); }
  insights() { return call<Views>('insights'); }
  diffSnapshot(name: string) { return call<DocumentDiff>('diff_snapshot', { name }); }
  exportChoices() { return call<ExportChoices>('export_choices'); }
  preflightExport(request: ExportRequest) { return call<Finding[]>('preflight_export', { request }); }
  async exportDocument(request: ExportRequest, onProgress: (p: Progress) => void) {
    const unlisten = await getCurrentWebviewWindow().listen<Progress>('export-progress', (e) => onProgress(e.payload));
    try {
      return await call<ExportOutcome | null>('export_document', { request });
    } finally {
      unlisten();
    }
  }
  cancelExport() { return call<void>('cancel_export'); }
  showInFolder(path: string) { return call<void>('show_in_folder', { path }); }
  writeReviewPacket(request: ReviewPacketRequest, onProgress: (p: Progress) => void = () => {}) {
    return withProgress('report-progress', onProgress, () => call<ReviewPacketOutcome | null>('write_review_packet', { request }));
  }
  cancelReport() { return call<void>('cancel_report'); }
  translationOverview(language: string | null) { return call<TranslationOverview>('translation_overview', { language }); }
  setTranslation(language: string, id: string, text: string, approved: boolean) {
    return call<DocumentChange>('set_translation', { language, id, text, approved });
  }
  importCartridge(path: string | null, onProgress: (p: Progress) => void = () => {}) {
    return withProgress('import-progress', onProgress, () => call<ImportOutcome | null>('import_cartridge', { path }));
  }
  cancelImport() { return call<void>('cancel_import'); }
  evidenceSources() { return call<EvidenceSourceInfo[]>('evidence_sources'); }
  importEvidence(path: string | null, request: EvidenceImportRequest, onProgress: (p: Progress) => void = () => {}) {
    return withProgress('evidence-progress', onProgress, () => call<EvidenceImportOutcome | null>('import_evidence', { path, request }));
  }
  importEvidenceLrs(request: EvidenceLrsRequest, onProgress: (p: Progress) => void = () => {}) {
    return withProgress('evidence-progress', onProgress, () => call<EvidenceImportOutcome>('import_evidence_lrs', { request }));
  }
  cancelEvidenceImport() { return call<void>('cancel_evidence_import'); }
  evidenceCohorts() { return call<CohortSummary[]>('evidence_cohorts'); }
  removeCohort(name: string) { return call<History>('remove_cohort', { name }); }
  masteryReport(cohort: string | null) { return call<MasteryReport>('mastery_report', { cohort }); }
  evidenceAnalysis(request: EvidenceAnalysisRequest) { return call<EvidenceAnalysis>('evidence_analysis', { request }); }
  masteryPolicy() { return call<MasteryPolicies>('mastery_policy'); }
  setMasteryPolicy(objective: string | null, policy: PolicyInput | null) { return call<History>('set_mastery_policy', { objective, policy }); }
}

let current: Backend | null = null;

/** The backend in use (Tauri unless a test or the browser build installed another). */
export function backend(): Backend {
  current ??= new TauriBackend();
  return current;
}

/** Replaces the backend (tests, the mocked browser build). */
export function setBackend(b: Backend): void {
  current = b;
}

export type { Document };
