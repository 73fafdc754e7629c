// An in-memory backend with the same contract as the Rust side, for unit tests and the
// browser build used by Playwright. It applies edits to a plain Document and keeps undo/redo as
// whole-document snapshots, which is enough to exercise every screen without a window. It holds
// no curriculum logic of its own: findings, views, diffs, preflights, objective analyses and
// Markdown previews come from fixtures the library computed (mockFixtures.ts), looked up by the
// example the document came from and the edits applied to it since.
import { AppError } from './errors';
import { REST_FIELDS, type Backend, type DocumentRest, type OpeningState } from './client';
import { emptyDocument, makeActivity, makeNode } from '../document/factories';
import type {
  DocumentChange,
  Catalog,
  Document,
  DocumentState,
  EditOp,
  ExampleInfo,
  ExportChoices,
  ExportOutcome,
  ExportRequest,
  Progress,
  Finding,
  Views,
  ImportOutcome,
  ObjectiveAnalysis,
  RecentDocument,
  DocumentDiff,
  ReviewPacketOutcome,
  ReviewPacketRequest,
  Template,
  CohortSummary,
  EvidenceAnalysis,
  EvidenceAnalysisRequest,
  EvidenceImportOutcome,
  EvidenceImportRequest,
  EvidenceLrsRequest,
  EvidenceSourceInfo,
  History,
  MasteryPolicies,
  MasteryReport,
  PolicyInput,
} from './types';
import { newId, nowStamp } from '../util/ids';
import {
  exampleDocument,
  fixtureAnalysis,
  fixtureDiff,
  fixtureExamples,
  fixtureFindings,
  fixturePreflight,
  fixtureMarkdown,
  fixtureViews,
  fixtureEvidence,
  fixtureEvidenceImport,
  fixtureEvidenceSources,
  fixturePolicyStep,
  type Origin,
} from './mockFixtures';
import { applyOp } from '../document/applyOp';
import { patchBetween } from '../document/patch';
import builtinTemplates from './gen/builtin-templates.json';
import exportChoicesFixture from './gen/export-choices.json';
import type { TranslationOverview } from './gen/TranslationOverview';

// The library's built-in templates and export choices, written next to the bindings by the
// desktop crate's tests (which fail when they drift), so the mock serves the real shapes.
export const MOCK_TEMPLATES: Template[] = builtinTemplates as unknown as Template[];
export const MOCK_EXPORT_CHOICES: ExportChoices = exportChoicesFixture as unknown as ExportChoices;

/** An undo or redo step: the document before it and, for a document from an example, the edits that led there. */
type Snapshot = { doc: Document; label: string; ops: unknown[] | null; evidence?: string[] };

export class MockBackend implements Backend {
  doc: Document | null = null;
  path = '';
  undoStack: Snapshot[] = [];
  redoStack: Snapshot[] = [];
  recent: RecentDocument[] = [];
  /** The example the document came from and the edits since (null: not from an example, so no fixtures). */
  origin: Origin = null;
  calls: { cmd: string; args: unknown }[] = [];
  private cancelled = false;
  private reportCancelled = false;
  private importCancelled = false;
  /** Files this backend "wrote" (exports, packets): the only ones `showInFolder` shows. */
  private written = new Set<string>();
  /** How long the mock "prints" the packet's PDF and converts a cartridge's items (ms). */
  printMs = 600;
  convertMs = 480;
  /** Templates of the user's folder (source = their file) and the folder's load errors. */
  userTemplates: Template[] = [];
  templateErrors: string[] = [];
  /** The file the native dialog "picks" for a cartridge import (null: the user cancels). */
  cartridgePick: string | null = '/home/designer/Downloads/Cell Biology export.imscc';
  /** Whether a Chromium is "installed" for the review packet's PDF. */
  hasBrowser = true;
  /** The evidence steps taken since the document opened (`import:<file>`, `policy:<code>`, `remove:<cohort>`). */
  evidenceSteps: string[] = [];
  /** The file the native dialog "picks" for an evidence import (null: the user cancels). */
  evidencePick: string | null = '/home/designer/Downloads/Fall 2025 outcomes.csv';
  /** How long the mock's evidence import "reads" (ms). */
  evidenceMs = 300;
  private evidenceCancelled = false;

  /** `example` opens a bundled example (answered from the fixtures); `document` any other document (no fixtures). */
  constructor(opts: { document?: Document; example?: string; path?: string } = {}) {
    if (opts.example) {
      this.doc = exampleDocument(opts.example);
      this.origin = { example: opts.example, ops: [] };
      this.path = opts.path ?? `/home/designer/Trellis/${this.doc.curriculum.title}.trellis`;
    } else if (opts.document) {
      this.doc = structuredClone(opts.document);
      this.path = opts.path ?? '/home/designer/Trellis/Sample.trellis';
    }
    this.recent = [
      { path: '/home/designer/Trellis/Intro Statistics.trellis', title: 'Introduction to Statistics', openedAt: '2026-11-20T10:00:00Z', exists: true },
    ];
  }

  private log(cmd: string, args: unknown = {}) {
    this.calls.push({ cmd, args });
  }

  private state(): DocumentState {
    const doc = this.requireDoc();
    return {
      path: this.path,
      document: structuredClone(doc),
      history: {
        undo: this.undoStack.at(-1)?.label ?? null,
        redo: this.redoStack.at(-1)?.label ?? null,
        undoDepth: this.undoStack.length,
        redoDepth: this.redoStack.length,
      },
    };
  }

  private requireDoc(): Document {
    if (!this.doc) throw new AppError('notFound', 'no document is open in this window');
    return this.doc;
  }

  private open(doc: Document, path: string, example: string | null = null): DocumentState {
    this.doc = doc;
    this.path = path;
    this.origin = example ? { example, ops: [] } : null;
    this.evidenceSteps = [];
    this.undoStack = [];
    this.redoStack = [];
    this.recent = [
      { path, title: doc.curriculum.title, openedAt: nowStamp(), exists: true },
      ...this.recent.filter((r) => r.path !== path),
    ];
    return this.state();
  }

  async recentDocuments() { this.log('recent_documents'); return structuredClone(this.recent); }
  async forgetRecent(path: string) {
    this.log('forget_recent', { path });
    this.recent = this.recent.filter((r) => r.path !== path);
    return structuredClone(this.recent);
  }
  async templates(): Promise<Catalog> {
    this.log('list_templates');
    return structuredClone(this.catalog());
  }
  /** Built-ins overridden by the user's templates with the same id, sorted by name (as the library does). */
  private catalog(): Catalog {
    const byId = new Map(MOCK_TEMPLATES.map((t) => [t.id, t]));
    for (const t of this.userTemplates) byId.set(t.id, t);
    const templates = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { templates, errors: this.templateErrors };
  }
  async examples(): Promise<ExampleInfo[]> {
    this.log('list_examples');
    return fixtureExamples().map((id) => {
      const doc = exampleDocument(id);
      return { id, title: doc.curriculum.title, summary: doc.curriculum.description.split(/(?<=\.)\s/)[0].replace(/[*_`]/g, '') };
    });
  }
  async currentDocument() { this.log('current_document'); return this.doc ? this.state() : null; }
  /**
   * Whether `openingDocument` answers with the outline first, like the app does for a large
   * document (off by default: the mock's documents are small). `restGate`, when set, holds the
   * answer of `documentRest` back until it resolves.
   */
  staged = false;
  restGate: Promise<void> | null = null;
  /** The document (as JSON) whose outline was last answered, by its version. */
  private outlined: { version: number; json: string } | null = null;
  async openingDocument(): Promise<OpeningState | null> {
    this.log('current_document', { staged: true });
    if (!this.doc) return null;
    const state = this.state();
    if (!this.staged) return state;
    const outline: Record<string, unknown> = { ...state.document };
    for (const field of REST_FIELDS) delete outline[field];
    const version = (this.outlined?.version ?? 0) + 1;
    this.outlined = { version, json: JSON.stringify(this.doc) };
    return { ...state, document: outline as OpeningState['document'], rest: version };
  }
  async documentRest(version: number): Promise<DocumentRest | null> {
    this.log('document_rest', { version });
    await this.restGate;
    const doc = this.requireDoc();
    // A document changed since its outline was answered: the window reads it whole.
    if (this.outlined?.version !== version || this.outlined.json !== JSON.stringify(doc)) return null;
    const rest: Record<string, unknown> = {};
    for (const field of REST_FIELDS) if (field in doc) rest[field] = structuredClone(doc[field]);
    return rest as DocumentRest;
  }
  async startupMarks() { this.log('startup_marks'); return {}; }
  async createDocument(template: string, title: string) {
    this.log('create_document', { template, title });
    const found = this.catalog().templates.find((t) => t.id === template);
    if (!found) throw new AppError('notFound', `template ${template} does not exist`);
    const doc = emptyDocument(title, template);
    doc.nodes.push(makeNode(found.levels[0].kind, title, null));
    return this.open(doc, `/home/designer/Trellis/${title}.trellis`);
  }
  async openExample(id: string) {
    this.log('open_example', { id });
    const doc = exampleDocument(id);
    return this.open(doc, `/home/designer/Trellis/${doc.curriculum.title}.trellis`, id);
  }
  async openDocument(path: string | null) {
    this.log('open_document', { path });
    if (path === null) return null;
    if (!this.recent.some((r) => r.path === path)) throw new AppError('notFound', `${path}: No such file or directory`);
    return this.open(exampleDocument('intro-statistics'), path, 'intro-statistics');
  }
  async openInNewWindow(path: string | null) { this.log('open_in_new_window', { path }); return null; }
  async closeDocument() { this.log('close_document'); this.doc = null; }

  async applyEdit(op: EditOp) {
    this.log('apply_edit', { op });
    const before = structuredClone(this.requireDoc());
    const next = structuredClone(before);
    applyOp(next, op);
    next.curriculum.updatedAt = nowStamp();
    this.undoStack.push({ doc: before, label: op.op, ops: this.origin?.ops ?? null, evidence: [...this.evidenceSteps] });
    this.redoStack = [];
    this.doc = next;
    if (this.origin) this.origin = { ...this.origin, ops: [...this.origin.ops, structuredClone(op)] };
    return this.change(before);
  }
  async applyEditLean(op: EditOp) {
    const change = await this.applyEdit(op);
    this.calls[this.calls.length - 1].cmd = 'apply_edit_lean';
    return change.history;
  }

  /** The answer to an edit, undo or redo: the patch from `before` and the history. */
  private change(before: Document): DocumentChange {
    const { document, history } = this.state();
    return { patch: patchBetween(before, document), history };
  }
  async undo() {
    this.log('undo');
    const step = this.undoStack.pop();
    if (!step) throw new AppError('validation', 'nothing to undo');
    const before = this.requireDoc();
    this.redoStack.push({ doc: before, label: step.label, ops: this.origin?.ops ?? null, evidence: [...this.evidenceSteps] });
    this.doc = step.doc;
    this.restoreOps(step.ops);
    if (step.evidence) this.evidenceSteps = step.evidence;
    return this.change(before);
  }
  /** After undo or redo: the edits since the example, as they were at that step. */
  private restoreOps(ops: unknown[] | null) {
    if (this.origin) this.origin = ops ? { ...this.origin, ops } : null;
  }
  async redo() {
    this.log('redo');
    const step = this.redoStack.pop();
    if (!step) throw new AppError('validation', 'nothing to redo');
    const before = this.requireDoc();
    this.undoStack.push({ doc: before, label: step.label, ops: this.origin?.ops ?? null, evidence: [...this.evidenceSteps] });
    this.doc = step.doc;
    this.restoreOps(step.ops);
    if (step.evidence) this.evidenceSteps = step.evidence;
    return this.change(before);
  }
  // The mock cannot read packages: attaching answers like a cancelled dialog, and no activity has content info.
  async attachInteractive(activity: string, path: string | null) { this.log('attach_interactive', { activity, path }); return null; }
  async interactiveInfo(activity: string) { this.log('interactive_info', { activity }); return null; }
  async importFramework(path: string | null): Promise<ImportOutcome | null> {
    this.log('import_framework', { path });
    const doc = this.requireDoc();
    const framework = { id: newId(), identifier: 'gaise-college', uri: '', title: 'GAISE College Report', creator: 'ASA', version: '2016', language: 'en', source: 'case', extra: null };
    const item = (code: string, statement: string) => ({ id: newId(), framework: framework.id, parent: null, identifier: code, uri: '', code, statement, abbreviated: '', itemType: 'Recommendation', extra: null });
    const next = structuredClone(doc);
    next.frameworks.push(framework);
    next.standardItems.push(item('G1', 'Teach statistical thinking'), item('G2', 'Focus on conceptual understanding'), item('G3', 'Integrate real data with a context and a purpose'));
    this.undoStack.push({ doc, label: 'Replace document', ops: this.origin?.ops ?? null });
    this.redoStack = [];
    this.doc = next;
    // The framework's ids are made up here, so no fixture can hold this state.
    this.origin = null;
    return { state: (await this.currentDocument())!, summary: 'Framework “GAISE College Report” created: 3 items.\n', findings: [] };
  }
  async renderMarkdown(markdown: string) {
    this.log('render_markdown', { markdown });
    return fixtureMarkdown(markdown);
  }
  async analyzeObjective(statement: string): Promise<ObjectiveAnalysis> {
    this.log('analyze_objective', { statement });
    return fixtureAnalysis(statement);
  }
  async checkDocument(): Promise<Finding[]> {
    this.log('check_document');
    this.requireDoc();
    return fixtureFindings(this.origin);
  }
  async insights(): Promise<Views> {
    this.log('insights');
    this.requireDoc();
    return fixtureViews(this.origin);
  }
  async diffSnapshot(name: string): Promise<DocumentDiff> {
    this.log('diff_snapshot', { name });
    const doc = this.requireDoc();
    const snap = doc.snapshots.find((s) => s.name === name);
    if (!snap) throw new AppError('notFound', `there is no snapshot named “${name}”`);
    return fixtureDiff(this.origin, name);
  }
  async exportChoices(): Promise<ExportChoices> {
    this.log('export_choices');
    return structuredClone(MOCK_EXPORT_CHOICES);
  }
  async preflightExport(request: ExportRequest): Promise<Finding[]> {
    this.log('preflight_export', { request });
    this.requireDoc();
    return fixturePreflight(this.origin, request);
  }
  async exportDocument(request: ExportRequest, onProgress: (p: Progress) => void): Promise<ExportOutcome | null> {
    this.log('export_document', { request });
    this.cancelled = false;
    const steps = ['Checking', 'Lowering', 'Writing pages', 'Writing quizzes', 'Packaging'];
    for (let i = 0; i < steps.length; i++) {
      if (this.cancelled) throw new AppError('cancelled', 'the export was cancelled; nothing was written');
      onProgress({ message: steps[i], done: i, total: steps.length });
      await new Promise((r) => setTimeout(r, 60));
    }
    const ext = request.format === 'cc13' ? 'imscc' : request.format === 'json' ? 'json' : 'zip';
    const path = request.destination ?? `/home/designer/Trellis/Introduction to Statistics.${ext}`;
    this.written.add(path);
    return { path, report: { files: ['imsmanifest.xml', 'course.html'], findings: [] } };
  }
  async cancelExport() { this.log('cancel_export'); this.cancelled = true; }
  /** As the app: only a file this window wrote (an export, a review packet) can be shown. */
  async showInFolder(path: string) {
    this.log('show_in_folder', { path });
    if (!this.written.has(path)) {
      throw new AppError('validation', `${path} cannot be shown in its folder: it was not chosen in a file dialog or issued by the app (only files the app wrote in this window can be shown)`);
    }
  }
  /** Waits `ms`, in slices, failing with `message` as soon as `cancelled()` is true. */
  private async work(ms: number, cancelled: () => boolean, message: string): Promise<void> {
    const end = Date.now() + ms;
    do {
      if (cancelled()) throw new AppError('cancelled', message);
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(20, end - Date.now()))));
    } while (Date.now() < end);
    if (cancelled()) throw new AppError('cancelled', message);
  }
  async writeReviewPacket(request: ReviewPacketRequest, onProgress: (p: Progress) => void = () => {}): Promise<ReviewPacketOutcome | null> {
    this.log('write_review_packet', { request });
    this.reportCancelled = false;
    const doc = this.requireDoc();
    const htmlPath = request.destination ?? `/home/designer/Trellis/${doc.curriculum.title} review packet.html`;
    const total = request.pdf ? 4 : 3;
    const stop = 'the review packet was cancelled; nothing was written';
    const cancelled = () => this.reportCancelled;
    onProgress({ done: 0, total, message: 'Checking the curriculum' });
    if (request.since !== null && !doc.snapshots.some((s) => s.id === request.since || s.name === request.since)) {
      throw new AppError('notFound', `snapshot ${request.since} does not exist`);
    }
    await this.work(60, cancelled, stop);
    onProgress({ done: 1, total, message: 'Rendering the packet' });
    await this.work(120, cancelled, stop);
    onProgress({ done: 2, total, message: `Writing ${htmlPath.split('/').pop()}` });
    await this.work(60, cancelled, stop);
    this.written.add(htmlPath);
    if (!request.pdf) return { htmlPath, pdfPath: null };
    onProgress({ done: 3, total, message: 'Printing the PDF' });
    if (this.hasBrowser) await this.work(this.printMs, cancelled, stop);
    if (!this.hasBrowser) {
      throw new AppError('validation', `The review packet was written to ${htmlPath}, but no PDF was made: no headless browser found to print the PDF (looked for chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH and TRELLIS_CHROMIUM); install Chromium (Debian/Ubuntu: apt-get install chromium) or open the HTML packet in a browser and print it`);
    }
    const pdfPath = htmlPath.replace(/\.html?$/, '.pdf');
    this.written.add(pdfPath);
    return { htmlPath, pdfPath };
  }
  async cancelReport() { this.log('cancel_report'); this.reportCancelled = true; }
  async importCartridge(path: string | null, onProgress: (p: Progress) => void = () => {}): Promise<ImportOutcome | null> {
    this.log('import_cartridge', { path });
    this.importCancelled = false;
    const source = path ?? this.cartridgePick;
    if (source === null) return null;
    const stop = 'the import was cancelled; nothing was written';
    const cancelled = () => this.importCancelled;
    onProgress({ done: 0, total: 2, message: `Reading ${source.split('/').pop()}` });
    await this.work(40, cancelled, stop);
    if (!/\.(imscc|zip)$/i.test(source)) {
      throw new AppError('validation', `${source}: there is no imsmanifest.xml at the top of the package; this is not an IMS Common Cartridge`);
    }
    const items = 12;
    for (let i = 0; i < items; i++) {
      onProgress({ done: 1 + i, total: items + 2, message: `Converting ${items} items` });
      await this.work(this.convertMs / items, cancelled, stop);
    }
    onProgress({ done: items + 1, total: items + 2, message: 'Writing the new document' });
    const doc = cartridgeDocument();
    const state = this.open(doc, `/home/designer/Trellis/${doc.curriculum.title}.trellis`);
    return { state, summary: `Course “${doc.curriculum.title}”: 2 modules, 3 lessons, 2 activities, 0 assessments (0 quiz items), 0 rubrics, 0 objectives, 0 files; 2 item(s) not imported as such.`, findings: CARTRIDGE_FINDINGS };
  }
  async cancelImport() { this.log('cancel_import'); this.importCancelled = true; }

  // Evidence of learning: answered from gen/fixtures/evidence.json by the evidence steps taken.
  private history(): History {
    return this.state().history;
  }
  /** An evidence change: one undo step (the design is unchanged). */
  private evidenceStep(step: string, label: string): History {
    const doc = this.requireDoc();
    this.undoStack.push({ doc: structuredClone(doc), label, ops: this.origin?.ops ?? null, evidence: [...this.evidenceSteps] });
    this.redoStack = [];
    this.evidenceSteps = [...this.evidenceSteps, step];
    return this.history();
  }
  async evidenceSources(): Promise<EvidenceSourceInfo[]> {
    this.log('evidence_sources');
    return fixtureEvidenceSources();
  }
  async importEvidence(path: string | null, request: EvidenceImportRequest, onProgress: (p: Progress) => void = () => {}): Promise<EvidenceImportOutcome | null> {
    this.log('import_evidence', { path, request });
    this.evidenceCancelled = false;
    this.requireDoc();
    const file = path ?? this.evidencePick;
    if (file === null) return null;
    const name = file.split('/').pop() ?? file;
    const stop = 'the evidence import was cancelled; nothing was written';
    onProgress({ done: 0, total: 3, message: `Reading ${name}` });
    await this.work(this.evidenceMs / 3, () => this.evidenceCancelled, stop);
    const found = fixtureEvidenceImport(this.origin, this.evidenceSteps, name);
    if (request.source && request.source !== found.report.source) {
      throw new AppError('notFound', `Importing ${name} as ${request.source} is not in the mock fixtures`);
    }
    onProgress({ done: 1, total: 3, message: `Importing ${name} as ${found.report.source}` });
    await this.work((this.evidenceMs * 2) / 3, () => this.evidenceCancelled, stop);
    onProgress({ done: 3, total: 3, message: 'Done' });
    const history = this.evidenceStep(`import:${name}`, `Import ${found.report.source} evidence into cohort ${found.report.cohort}`);
    return { ...found, file, history };
  }
  /** What the mock's LRS answers: the fixtures' xAPI statements (the import of that file), or this refusal. */
  lrsRefusal: string | null = null;
  async importEvidenceLrs(request: EvidenceLrsRequest, onProgress: (p: Progress) => void = () => {}): Promise<EvidenceImportOutcome> {
    this.log('import_evidence_lrs', { request: { ...request, password: request.password ? '(given)' : null } });
    this.evidenceCancelled = false;
    this.requireDoc();
    const endpoint = request.endpoint.trim();
    if (!endpoint) throw new AppError('validation', "give the LRS's address (https://…/xapi/)");
    if (this.lrsRefusal) throw new AppError('validation', this.lrsRefusal);
    const stop = 'the LRS import was cancelled; nothing was written';
    onProgress({ done: 0, total: 1, message: `Connecting to ${endpoint}` });
    await this.work(this.evidenceMs / 3, () => this.evidenceCancelled, stop);
    const found = fixtureEvidenceImport(this.origin, this.evidenceSteps, 'Quiz 1 statements.jsonl');
    const origin = endpoint.replace(/^(https?:\/\/[^/]+).*$/, '$1');
    onProgress({ done: found.report.rows, total: found.report.rows + 500, message: `Read ${found.report.rows} statements (1 pages) from ${origin}` });
    await this.work((this.evidenceMs * 2) / 3, () => this.evidenceCancelled, stop);
    onProgress({ done: found.report.rows, total: found.report.rows, message: 'Done' });
    const history = this.evidenceStep('import:Quiz 1 statements.jsonl', `Import xapi evidence from ${origin} into cohort ${found.report.cohort}`);
    return { ...found, file: endpoint, detected: false, history };
  }
  async cancelEvidenceImport() { this.log('cancel_evidence_import'); this.evidenceCancelled = true; }
  async evidenceCohorts(): Promise<CohortSummary[]> {
    this.log('evidence_cohorts');
    this.requireDoc();
    return fixtureEvidence(this.origin, this.evidenceSteps).cohorts;
  }
  async removeCohort(name: string): Promise<History> {
    this.log('remove_cohort', { name });
    const now = fixtureEvidence(this.origin, this.evidenceSteps);
    if (!now.cohorts.some((c) => c.name === name)) throw new AppError('notFound', `cohort "${name}" does not exist`);
    // Answered only when the fixtures hold the state after it.
    fixtureEvidence(this.origin, [...this.evidenceSteps, `remove:${name}`]);
    return this.evidenceStep(`remove:${name}`, `Remove cohort ${name}`);
  }
  async masteryReport(cohort: string | null): Promise<MasteryReport> {
    this.log('mastery_report', { cohort });
    throw new AppError('notFound', 'The mastery report is not in the mock fixtures (the Evidence view draws the analysis)');
  }
  async evidenceAnalysis(request: EvidenceAnalysisRequest): Promise<EvidenceAnalysis> {
    this.log('evidence_analysis', { request });
    this.requireDoc();
    const state = fixtureEvidence(this.origin, this.evidenceSteps);
    const found = state.analysis;
    if (!found || request.cohort || (request.gapThreshold !== null && request.gapThreshold !== undefined && request.gapThreshold !== 0.7)) {
      throw new AppError('notFound', 'This evidence analysis is not in the mock fixtures');
    }
    if (!request.learners) found.learners = { objectives: [], learners: [], cells: [] };
    return found;
  }
  async masteryPolicy(): Promise<MasteryPolicies> {
    this.log('mastery_policy');
    this.requireDoc();
    return fixtureEvidence(this.origin, this.evidenceSteps).policies;
  }
  async setMasteryPolicy(objective: string | null, policy: PolicyInput | null): Promise<History> {
    this.log('set_mastery_policy', { objective, policy });
    const step = fixturePolicyStep(this.requireDoc(), objective, policy);
    fixtureEvidence(this.origin, [...this.evidenceSteps, step]);
    return this.evidenceStep(step, 'Set the mastery policy');
  }
  // Translation needs the library's list of learner-facing fields: the mock lists the languages only.
  async translationOverview(language: string | null): Promise<TranslationOverview> {
    this.log('translation_overview', { language });
    const doc = this.requireDoc();
    const languages = (doc.translations ?? []).map((t) => ({
      language: t.language, fields: 0, translated: t.texts.length, approved: 0, outdated: 0, untranslated: 0,
    }));
    return { sourceLanguage: doc.curriculum.language, languages, language, rows: [] };
  }
  async setTranslation(language: string, id: string, text: string, approved: boolean): Promise<DocumentChange> {
    this.log('set_translation', { language, id, text, approved });
    throw new AppError('validation', 'Translating fields is not available in the mock backend');
  }
}

/** What the mock's cartridge import could not carry over (codes as the library's importer uses them). */
export const CARTRIDGE_FINDINGS: Finding[] = [
  { code: 'import-cc-lms-setting', severity: 'info', message: 'the Canvas settings in course_settings/course_settings.xml (grading groups, schemes, calendar) have no Trellis equivalent and were not imported', target: { kind: 'curriculum', id: null, path: '' }, hint: '' },
  { code: 'import-cc-internal-link', severity: 'warning', message: 'a link to another part of the LMS course (`/courses/812/quizzes/3`) was turned into plain text', target: { kind: 'node', id: null, path: 'Week 1: Cells › Cell membranes' }, hint: '' },
  { code: 'import-qti-item', severity: 'warning', message: 'question 4 of “Genetics check” is a hot-spot question, which Trellis cannot represent; it was not imported', target: { kind: 'assessment', id: null, path: 'Week 2: Genetics' }, hint: 'Recreate it as a multiple-choice question.' },
];

/** The course a Canvas cartridge would turn into: a course node, two modules, lessons and activities. */
function cartridgeDocument(): Document {
  const doc = emptyDocument('Cell Biology');
  const course = makeNode('course', 'Cell Biology', null, { code: 'BIO 110' });
  const week1 = makeNode('module', 'Week 1: Cells', course.id);
  const week2 = makeNode('module', 'Week 2: Genetics', course.id);
  const membranes = makeNode('lesson', 'Cell membranes', week1.id, { summary: 'Phospholipid bilayers and transport.' });
  const organelles = makeNode('lesson', 'Organelles', week1.id);
  const mendel = makeNode('lesson', 'Mendelian inheritance', week2.id);
  doc.nodes.push(course, week1, membranes, organelles, week2, mendel);
  doc.activities.push(makeActivity(membranes.id, 'Lab simulator (LTI)'), makeActivity(mendel.id, 'Discussion: dominant traits'));
  return doc;
}
