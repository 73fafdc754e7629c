// An in-memory backend with the same contract as the Rust side, for unit tests and the
// browser build used by Playwright. It applies edits to a plain Document and keeps undo/redo as
// whole-document snapshots, which is enough to exercise every screen without a window.
import { AppError } from './errors';
import type { Backend } from './client';
import { emptyDocument, makeNode, sampleDocument } from '../document/factories';
import type {
  BloomLevel,
  Document,
  DocumentState,
  EditOp,
  ExampleInfo,
  ExportChoices,
  ExportFormat,
  ExportOutcome,
  ExportRequest,
  LmsProfile,
  Progress,
  Finding,
  Views,
  Link,
  ObjectiveAnalysis,
  RecentDocument,
  DocumentDiff,
  Template,
} from './types';
import { newId, nowStamp } from '../util/ids';
import { mockDiff, mockViews } from './mockViews';

const VERBS: Record<string, BloomLevel> = {
  list: 'remember', define: 'remember', recall: 'remember', identify: 'remember', name: 'remember',
  explain: 'understand', describe: 'understand', summarize: 'understand', interpret: 'understand', classify: 'understand',
  apply: 'apply', compute: 'apply', calculate: 'apply', construct: 'apply', use: 'apply', solve: 'apply',
  analyze: 'analyze', compare: 'analyze', distinguish: 'analyze', differentiate: 'analyze',
  evaluate: 'evaluate', judge: 'evaluate', critique: 'evaluate', justify: 'evaluate', assess: 'evaluate',
  create: 'create', design: 'create', develop: 'create', compose: 'create', formulate: 'create',
};
const UNMEASURABLE = ['understand', 'know', 'learn', 'appreciate', 'realize', 'grasp', 'be aware'];

const base = { help: '', required: false, default: null };
const tpl = (t: Pick<Template, 'id' | 'name' | 'description' | 'levels' | 'fields'>): Template => ({
  ...t, objectiveKinds: [], tagSets: [], skeleton: [], checks: [], source: 'builtin',
});
const level = (kind: string, label: string, children: string[]) => ({ kind, label, plural: `${label}s`, children, help: '' });

export const MOCK_TEMPLATES: Template[] = [
  tpl({
    id: 'backward-design-unit',
    name: 'Backward design unit (UbD)',
    description: 'Start from desired results and evidence, then plan learning: essential questions, transfer goals, GRASPS tasks.',
    levels: [level('course', 'Course', ['unit']), level('unit', 'Unit', ['lesson']), level('lesson', 'Learning event', [])],
    fields: {
      unit: [
        { type: 'list', name: 'essentialQuestions', label: 'Essential questions', itemLabel: 'Essential question', ...base, help: 'Open questions that frame the unit.' },
        { type: 'list', name: 'transferGoals', label: 'Transfer goals', itemLabel: 'Goal', ...base },
      ],
      lesson: [{ type: 'markdown', name: 'materials', label: 'Materials', ...base }],
    },
  }),
  tpl({
    id: 'bloom-course-map',
    name: 'Bloom course map',
    description: 'A course organised into modules, each with objectives classified on the revised Bloom taxonomy.',
    levels: [level('course', 'Course', ['module']), level('module', 'Module', ['lesson']), level('lesson', 'Lesson', [])],
    fields: { module: [{ type: 'bloomLevel', name: 'targetLevel', label: 'Target level', ...base }] },
  }),
  tpl({
    id: 'gagne-lesson',
    name: 'Gagné nine events',
    description: 'Lessons planned around the nine events of instruction, from gaining attention to enhancing transfer.',
    levels: [level('course', 'Course', ['lesson']), level('lesson', 'Lesson', [])],
    fields: {
      lesson: [{ type: 'select', name: 'focusEvent', label: 'Focus event', ...base, options: [
        { value: 'gainAttention', label: 'Gain attention' },
        { value: 'informObjectives', label: 'Inform learners of objectives' },
        { value: 'practice', label: 'Elicit performance (practice)' },
      ] }],
    },
  }),
];

type Snapshot = { doc: Document; label: string };

export class MockBackend implements Backend {
  doc: Document | null = null;
  path = '';
  undoStack: Snapshot[] = [];
  redoStack: Snapshot[] = [];
  recent: RecentDocument[] = [];
  calls: { cmd: string; args: unknown }[] = [];
  private cancelled = false;

  constructor(opts: { document?: Document; path?: string } = {}) {
    if (opts.document) {
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

  private open(doc: Document, path: string): DocumentState {
    this.doc = doc;
    this.path = path;
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
  async templates() { this.log('list_templates'); return structuredClone(MOCK_TEMPLATES); }
  async examples(): Promise<ExampleInfo[]> {
    this.log('list_examples');
    return [{ id: 'intro-statistics', title: 'Introduction to Statistics', summary: 'A 3-credit undergraduate course planned with backward design.' }];
  }
  async currentDocument() { this.log('current_document'); return this.doc ? this.state() : null; }
  async createDocument(template: string, title: string) {
    this.log('create_document', { template, title });
    const found = MOCK_TEMPLATES.find((t) => t.id === template);
    if (!found) throw new AppError('notFound', `template ${template} does not exist`);
    const doc = emptyDocument(title, template);
    doc.nodes.push(makeNode(found.levels[0].kind, title, null));
    return this.open(doc, `/home/designer/Trellis/${title}.trellis`);
  }
  async openExample(id: string) {
    this.log('open_example', { id });
    return this.open(sampleDocument(), '/home/designer/Trellis/Introduction to Statistics.trellis');
  }
  async openDocument(path: string | null) {
    this.log('open_document', { path });
    if (path === null) return null;
    if (!this.recent.some((r) => r.path === path)) throw new AppError('notFound', `${path}: No such file or directory`);
    return this.open(sampleDocument(), path);
  }
  async closeDocument() { this.log('close_document'); this.doc = null; }

  async applyEdit(op: EditOp) {
    this.log('apply_edit', { op });
    const before = structuredClone(this.requireDoc());
    const next = structuredClone(before);
    applyOp(next, op);
    next.curriculum.updatedAt = nowStamp();
    this.undoStack.push({ doc: before, label: op.op });
    this.redoStack = [];
    this.doc = next;
    return this.state();
  }
  async undo() {
    this.log('undo');
    const step = this.undoStack.pop();
    if (!step) throw new AppError('validation', 'nothing to undo');
    this.redoStack.push({ doc: this.requireDoc(), label: step.label });
    this.doc = step.doc;
    return this.state();
  }
  async redo() {
    this.log('redo');
    const step = this.redoStack.pop();
    if (!step) throw new AppError('validation', 'nothing to redo');
    this.undoStack.push({ doc: this.requireDoc(), label: step.label });
    this.doc = step.doc;
    return this.state();
  }
  async renderMarkdown(markdown: string) {
    this.log('render_markdown', { markdown });
    const esc = markdown.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return esc
      .split(/\n{2,}/)
      .filter((p) => p.trim())
      .map((p) => `<p>${p.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/\*(.+?)\*/g, '<em>$1</em>')}</p>`)
      .join('\n');
  }
  async analyzeObjective(statement: string): Promise<ObjectiveAnalysis> {
    this.log('analyze_objective', { statement });
    return analyze(statement);
  }
  async checkDocument(): Promise<Finding[]> {
    this.log('check_document');
    return check(this.requireDoc());
  }
  async insights(): Promise<Views> {
    this.log('insights');
    return mockViews(this.requireDoc());
  }
  async diffSnapshot(name: string): Promise<DocumentDiff> {
    this.log('diff_snapshot', { name });
    const doc = this.requireDoc();
    const snap = doc.snapshots.find((s) => s.name === name);
    if (!snap) throw new AppError('notFound', `there is no snapshot named “${name}”`);
    return mockDiff(JSON.parse(snap.document) as Document, doc);
  }
  async exportChoices(): Promise<ExportChoices> {
    this.log('export_choices');
    return {
      formats: [
        { format: 'cc13', label: 'IMS Common Cartridge 1.3', extension: 'imscc' },
        { format: 'scorm2004', label: 'SCORM 2004 4th edition', extension: 'zip' },
        { format: 'cmi5', label: 'cmi5', extension: 'zip' },
        { format: 'json', label: 'Trellis JSON', extension: 'json' },
      ],
      profiles: ['canvas', 'moodle', 'blackboard', 'brightspace', 'generic'],
    };
  }
  async preflightExport(format: ExportFormat, profile: LmsProfile): Promise<Finding[]> {
    this.log('preflight_export', { format, profile });
    const doc = this.requireDoc();
    const essays = doc.assessments.flatMap((a) => a.items.filter((i) => i.body.type === 'essay').map((i) => ({ a, i })));
    return essays.map(({ a, i }) => ({
      code: 'X3-item-degraded', severity: 'warning' as const,
      message: `Essay item in “${a.title}” is exported as a manually graded question.`,
      target: { kind: 'item', id: i.id, path: a.title }, hint: '',
    }));
  }
  async exportDocument(request: ExportRequest, onProgress: (p: Progress) => void): Promise<ExportOutcome | null> {
    this.log('export_document', { request });
    this.cancelled = false;
    const steps = ['Checking', 'Lowering', 'Writing pages', 'Writing quizzes', 'Packaging'];
    for (let i = 0; i < steps.length; i++) {
      if (this.cancelled) throw new AppError('validation', 'the export was cancelled; nothing was written');
      onProgress({ message: steps[i], done: i, total: steps.length });
      await new Promise((r) => setTimeout(r, 60));
    }
    const ext = request.format === 'cc13' ? 'imscc' : request.format === 'json' ? 'json' : 'zip';
    return { path: request.destination ?? `/home/designer/Trellis/Introduction to Statistics.${ext}`, report: { files: ['imsmanifest.xml', 'course.html'], findings: [] } };
  }
  async cancelExport() { this.log('cancel_export'); this.cancelled = true; }
  async showInFolder(path: string) { this.log('show_in_folder', { path }); }
}

function remove<T extends { id: string }>(list: T[], id: string, what: string): T[] {
  if (!list.some((x) => x.id === id)) throw new AppError('notFound', `${what} ${id} does not exist`);
  return list.filter((x) => x.id !== id);
}

function replace<T extends { id: string }>(list: T[], item: T, what: string) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) throw new AppError('notFound', `${what} ${item.id} does not exist`);
  list[i] = item;
}

function hasCycle(doc: Document): boolean {
  const edges = new Map(doc.nodes.map((n) => [n.id, n.prerequisites]));
  const state = new Map<string, number>();
  const visit = (id: string): boolean => {
    const s = state.get(id);
    if (s === 1) return true;
    if (s === 2) return false;
    state.set(id, 1);
    for (const p of edges.get(id) ?? []) if (visit(p)) return true;
    state.set(id, 2);
    return false;
  };
  return doc.nodes.some((n) => visit(n.id));
}

function subtree(doc: Document, id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of doc.nodes) if (n.parent && out.has(n.parent) && !out.has(n.id)) { out.add(n.id); grew = true; }
  }
  return out;
}

function toggle(list: string[], id: string, on: boolean): string[] {
  return on ? (list.includes(id) ? list : [...list, id]) : list.filter((x) => x !== id);
}

function applyLink(doc: Document, link: Link, on: boolean): void {
  const find = <T extends { id: string }>(list: T[], id: string, what: string): T => {
    const x = list.find((e) => e.id === id);
    if (!x) throw new AppError('notFound', `${what} ${id} does not exist`);
    return x;
  };
  switch (link.type) {
    case 'activityObjective': { const a = find(doc.activities, link.activity, 'activity'); a.objectives = toggle(a.objectives, link.objective, on); break; }
    case 'assessmentObjective': { const a = find(doc.assessments, link.assessment, 'assessment'); a.objectives = toggle(a.objectives, link.objective, on); break; }
    case 'itemObjective': {
      const item = doc.assessments.flatMap((a) => a.items).find((i) => i.id === link.item);
      if (!item) throw new AppError('notFound', `item ${link.item} does not exist`);
      item.objectives = toggle(item.objectives, link.objective, on);
      break;
    }
    case 'objectiveStandard': { const o = find(doc.objectives, link.objective, 'objective'); o.standards = toggle(o.standards, link.item, on); break; }
    case 'objectiveSupports': { const o = find(doc.objectives, link.objective, 'objective'); o.supports = toggle(o.supports, link.supports, on); break; }
    case 'objectivePrerequisite': { const o = find(doc.objectives, link.objective, 'objective'); o.prerequisites = toggle(o.prerequisites, link.prerequisite, on); break; }
    case 'nodePrerequisite': {
      const n = find(doc.nodes, link.node, 'node');
      const before = n.prerequisites;
      n.prerequisites = toggle(n.prerequisites, link.prerequisite, on);
      if (on && hasCycle(doc)) {
        n.prerequisites = before;
        const p = doc.nodes.find((x) => x.id === link.prerequisite);
        throw new AppError('validation', `“${n.title}” cannot require “${p?.title ?? link.prerequisite}”: “${p?.title}” already depends on “${n.title}”, so the prerequisites would form a cycle`);
      }
      break;
    }
    case 'criterionObjective': {
      const c = doc.rubrics.flatMap((r) => r.criteria).find((x) => x.id === link.criterion);
      if (!c) throw new AppError('notFound', `criterion ${link.criterion} does not exist`);
      c.objective = on ? link.objective : null;
      break;
    }
  }
}

function insertAt<T extends { id: string }>(list: T[], item: T, group: (x: T) => boolean, position: number | null) {
  const members = list.filter(group);
  const anchor = position === null ? undefined : members[position];
  if (anchor) list.splice(list.indexOf(anchor), 0, item);
  else {
    const lastMember = members.at(-1);
    if (lastMember) list.splice(list.indexOf(lastMember) + 1, 0, item);
    else list.push(item);
  }
}

/** Applies an edit the way the store does (validation included). */
export function applyOp(doc: Document, op: EditOp): void {
  switch (op.op) {
    case 'updateCurriculum': doc.curriculum = op.curriculum; break;
    case 'createNode': insertAt(doc.nodes, op.node, (n) => n.parent === op.node.parent, op.position); break;
    case 'updateNode': {
      const prev = doc.nodes.find((n) => n.id === op.node.id);
      replace(doc.nodes, op.node, 'node');
      if (hasCycle(doc)) {
        if (prev) replace(doc.nodes, prev, 'node');
        throw new AppError('validation', `“${op.node.title}” cannot require that: the prerequisites would form a cycle`);
      }
      break;
    }
    case 'moveNode': {
      const node = doc.nodes.find((n) => n.id === op.id);
      if (!node) throw new AppError('notFound', `node ${op.id} does not exist`);
      if (op.parent && subtree(doc, op.id).has(op.parent)) throw new AppError('validation', 'a node cannot move inside itself');
      doc.nodes = doc.nodes.filter((n) => n.id !== op.id);
      node.parent = op.parent;
      insertAt(doc.nodes, node, (n) => n.parent === op.parent, op.position);
      break;
    }
    case 'deleteNode': {
      if (!doc.nodes.some((n) => n.id === op.id)) throw new AppError('notFound', `node ${op.id} does not exist`);
      const gone = subtree(doc, op.id);
      doc.nodes = doc.nodes.filter((n) => !gone.has(n.id)).map((n) => ({ ...n, prerequisites: n.prerequisites.filter((p) => !gone.has(p)) }));
      const goneObjectives = new Set(doc.objectives.filter((o) => gone.has(o.node)).map((o) => o.id));
      doc.objectives = doc.objectives.filter((o) => !gone.has(o.node));
      doc.activities = doc.activities.filter((a) => !gone.has(a.node)).map((a) => ({ ...a, objectives: a.objectives.filter((o) => !goneObjectives.has(o)) }));
      doc.assessments = doc.assessments.filter((a) => !gone.has(a.node)).map((a) => ({ ...a, objectives: a.objectives.filter((o) => !goneObjectives.has(o)) }));
      break;
    }
    case 'createObjective': insertAt(doc.objectives, op.objective, (o) => o.node === op.objective.node, op.position); break;
    case 'updateObjective': replace(doc.objectives, op.objective, 'objective'); break;
    case 'moveObjective': {
      const o = doc.objectives.find((x) => x.id === op.id);
      if (!o) throw new AppError('notFound', `objective ${op.id} does not exist`);
      doc.objectives = doc.objectives.filter((x) => x.id !== op.id);
      o.node = op.node;
      insertAt(doc.objectives, o, (x) => x.node === op.node, op.position);
      break;
    }
    case 'deleteObjective':
      doc.objectives = remove(doc.objectives, op.id, 'objective');
      doc.activities = doc.activities.map((a) => ({ ...a, objectives: a.objectives.filter((o) => o !== op.id) }));
      doc.assessments = doc.assessments.map((a) => ({ ...a, objectives: a.objectives.filter((o) => o !== op.id) }));
      break;
    case 'createActivity': insertAt(doc.activities, op.activity, (a) => a.node === op.activity.node, op.position); break;
    case 'updateActivity': replace(doc.activities, op.activity, 'activity'); break;
    case 'deleteActivity': doc.activities = remove(doc.activities, op.id, 'activity'); break;
    case 'createAssessment': insertAt(doc.assessments, op.assessment, (a) => a.node === op.assessment.node, op.position); break;
    case 'updateAssessment': replace(doc.assessments, op.assessment, 'assessment'); break;
    case 'deleteAssessment': doc.assessments = remove(doc.assessments, op.id, 'assessment'); break;
    case 'createRubric': doc.rubrics.push(op.rubric); break;
    case 'updateRubric': replace(doc.rubrics, op.rubric, 'rubric'); break;
    case 'deleteRubric':
      doc.rubrics = remove(doc.rubrics, op.id, 'rubric');
      doc.assessments = doc.assessments.map((a) => (a.rubric === op.id ? { ...a, rubric: null } : a));
      break;
    case 'link': applyLink(doc, op.link, true); break;
    case 'unlink': applyLink(doc, op.link, false); break;
    case 'addComment': doc.comments.push(op.comment); break;
    case 'resolveComment': {
      const c = doc.comments.find((x) => x.id === op.id);
      if (!c) throw new AppError('notFound', `comment ${op.id} does not exist`);
      c.resolved = op.resolved;
      break;
    }
    case 'deleteComment': doc.comments = doc.comments.filter((c) => c.id !== op.id && c.parent !== op.id); break;
    case 'setReviewStatus': {
      const n = doc.nodes.find((x) => x.id === op.node);
      if (!n) throw new AppError('notFound', `node ${op.node} does not exist`);
      doc.reviewEvents.push({ id: newId(), node: n.id, from: n.status, to: op.status, author: op.author, at: nowStamp(), note: op.note });
      n.status = op.status;
      break;
    }
    case 'takeSnapshot': {
      const copy = structuredClone(doc);
      copy.snapshots = [];
      doc.snapshots.push({ id: newId(), name: op.name, createdAt: nowStamp(), document: JSON.stringify(copy) });
      break;
    }
    case 'deleteSnapshot': doc.snapshots = remove(doc.snapshots, op.id, 'snapshot'); break;
    case 'moveActivity': case 'moveAssessment': case 'addAsset': case 'deleteAsset': case 'replaceDocument':
      throw new AppError('internal', `the mock backend does not implement ${op.op}`);
  }
}

export function analyze(statement: string): ObjectiveAnalysis {
  const text = statement.trim();
  const body = text.toLowerCase().replace(/^\s*(students|learners)\s+will\s+(be\s+able\s+to\s+)?/, '');
  const words = body.match(/[a-z]+/g) ?? [];
  const matches: ObjectiveAnalysis['matches'] = [];
  const findings: Finding[] = [];
  const target = { kind: 'objective', id: null, path: '' };
  for (const w of words.slice(0, 3)) {
    const base = w.replace(/(e?s)$/, '');
    const start = text.toLowerCase().indexOf(w);
    if (UNMEASURABLE.includes(w)) {
      matches.push({ verb: w, text: w, level: 'understand', candidates: ['understand'], measurable: false, basis: 'unmeasurable', why: `“${w}” names an inner state, not an observable behaviour`, start, end: start + w.length });
      findings.push({ code: 'O1-unmeasurable-verb', severity: 'warning', message: `“${w}” cannot be observed or measured.`, target, hint: 'Use an observable verb such as explain, compute or compare.' });
      break;
    }
    const level = VERBS[w] ?? VERBS[base];
    if (level) {
      matches.push({ verb: VERBS[w] ? w : base, text: w, level, candidates: [level], measurable: true, basis: 'lexicon', why: `“${w}” is a ${level} verb`, start, end: start + w.length });
      break;
    }
  }
  const condition = /\b(given|using|with|from|after|without)\b/.test(body);
  const degree = /\b(\d+ ?%|accuracy|correctly|within)\b/.test(body);
  if (words.length > 0 && !condition) {
    findings.push({ code: 'O3-missing-condition', severity: 'info', message: 'No condition says under which circumstances students perform.', target, hint: 'Add a condition such as “given a data set”.' });
  }
  const found = matches.find((m) => m.level && m.measurable) ?? matches[0];
  return {
    text,
    level: found?.level ?? null,
    candidates: found?.candidates ?? [],
    verbs: matches.map((m) => m.verb),
    measurable: matches.every((m) => m.measurable),
    knowledge: null,
    abcd: { audience: /^(students|learners)/i.test(text), behavior: matches.length > 0, condition, degree },
    parts: { audience: '', behavior: '', condition: '', degree: '' },
    matches,
    decidingVerb: found?.verb ?? null,
    rule: found ? `“${found.verb}” is a ${found.level} verb.` : 'No known verb was found.',
    explanation: [],
    confidence: found ? 'high' : 'none',
    findings,
  };
}

export function check(doc: Document): Finding[] {
  const out: Finding[] = [];
  const assessed = new Set(doc.assessments.flatMap((a) => [...a.objectives, ...a.items.flatMap((i) => i.objectives)]));
  const practised = new Set(doc.activities.flatMap((a) => a.objectives));
  for (const o of doc.objectives) {
    const target = { kind: 'objective', id: o.id, path: `${o.code} ${o.statement}`.trim() };
    if (!assessed.has(o.id)) out.push({ code: 'A1-objective-unassessed', severity: 'warning', message: `Objective ${o.code || o.statement} is not assessed.`, target, hint: 'Link it to an assessment or quiz item.' });
    if (!practised.has(o.id)) out.push({ code: 'A2-objective-unpractised', severity: 'info', message: `Objective ${o.code || o.statement} has no activity that practises it.`, target, hint: 'Link an activity in the alignment matrix.' });
    if (!o.level) out.push({ code: 'B1-level-missing', severity: 'warning', message: `Objective ${o.code || o.statement} has no Bloom level.`, target, hint: 'Pick a level or rephrase with a measurable verb.' });
  }
  return out;
}
