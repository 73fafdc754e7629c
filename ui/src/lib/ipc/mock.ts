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
  ExportProgress,
  ExportReport,
  ExportRequest,
  ExportOptions,
  Finding,
  InsightViews,
  Link,
  ObjectiveAnalysis,
  RecentDocument,
  SnapshotDiff,
  TemplateInfo,
} from './types';
import { newId, nowStamp } from '../util/ids';

const VERBS: Record<string, BloomLevel> = {
  list: 'remember', define: 'remember', recall: 'remember', identify: 'remember', name: 'remember',
  explain: 'understand', describe: 'understand', summarize: 'understand', interpret: 'understand', classify: 'understand',
  apply: 'apply', compute: 'apply', calculate: 'apply', construct: 'apply', use: 'apply', solve: 'apply',
  analyze: 'analyze', compare: 'analyze', distinguish: 'analyze', differentiate: 'analyze',
  evaluate: 'evaluate', judge: 'evaluate', critique: 'evaluate', justify: 'evaluate', assess: 'evaluate',
  create: 'create', design: 'create', develop: 'create', compose: 'create', formulate: 'create',
};
const UNMEASURABLE = ['understand', 'know', 'learn', 'appreciate', 'realize', 'grasp', 'be aware'];

export const MOCK_TEMPLATES: TemplateInfo[] = [
  {
    id: 'backward-design-unit',
    name: 'Backward design (UbD)',
    summary: 'Start from desired results and evidence, then plan learning: essential questions, transfer goals, GRASPS tasks.',
    nodeKinds: [
      { kind: 'course', label: 'Course', children: ['unit'], fields: [] },
      {
        kind: 'unit',
        label: 'Unit',
        children: ['lesson'],
        fields: [
          { type: 'text', name: 'essentialQuestions', label: 'Essential questions', help: 'Open questions that frame the unit.', multiline: true },
          { type: 'text', name: 'transferGoals', label: 'Transfer goals', help: 'What students should be able to do on their own, later.', multiline: true },
        ],
      },
      { kind: 'lesson', label: 'Lesson', children: [], fields: [{ type: 'markdown', name: 'materials', label: 'Materials' }] },
    ],
  },
  {
    id: 'bloom-course',
    name: 'Bloom course map',
    summary: 'A course organised into modules, each with objectives classified on the revised Bloom taxonomy.',
    nodeKinds: [
      { kind: 'course', label: 'Course', children: ['module'], fields: [] },
      { kind: 'module', label: 'Module', children: ['lesson'], fields: [{ type: 'bloomLevel', name: 'targetLevel', label: 'Target level' }] },
      { kind: 'lesson', label: 'Lesson', children: [], fields: [] },
    ],
  },
  {
    id: 'gagne-lesson',
    name: 'Gagné nine events',
    summary: 'Lessons planned around the nine events of instruction, from gaining attention to enhancing transfer.',
    nodeKinds: [
      { kind: 'course', label: 'Course', children: ['lesson'], fields: [] },
      {
        kind: 'lesson',
        label: 'Lesson',
        children: [],
        fields: [{ type: 'select', name: 'focusEvent', label: 'Focus event', options: [
          { value: 'gainAttention', label: 'Gain attention' },
          { value: 'informObjectives', label: 'Inform learners of objectives' },
          { value: 'practice', label: 'Elicit performance (practice)' },
        ] }],
      },
    ],
  },
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
    const tpl = MOCK_TEMPLATES.find((t) => t.id === template);
    if (!tpl) throw new AppError('notFound', `template ${template} does not exist`);
    const doc = emptyDocument(title, template);
    doc.nodes.push(makeNode(tpl.nodeKinds[0].kind, title, null));
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
  async insights(): Promise<InsightViews> {
    this.log('insights');
    return insights(this.requireDoc());
  }
  async diffSnapshot(snapshotId: string): Promise<SnapshotDiff> {
    this.log('diff_snapshot', { snapshotId });
    const doc = this.requireDoc();
    const snap = doc.snapshots.find((s) => s.id === snapshotId);
    if (!snap) throw new AppError('notFound', `snapshot ${snapshotId} does not exist`);
    const old = JSON.parse(snap.document) as Document;
    const entries: SnapshotDiff['entries'] = [];
    const oldNodes = new Map(old.nodes.map((n) => [n.id, n]));
    for (const n of doc.nodes) {
      const o = oldNodes.get(n.id);
      if (!o) entries.push({ change: 'added', kind: 'node', id: n.id, label: n.title, detail: '' });
      else if (o.title !== n.title) entries.push({ change: 'changed', kind: 'node', id: n.id, label: n.title, detail: `title was “${o.title}”` });
    }
    const ids = new Set(doc.nodes.map((n) => n.id));
    for (const o of old.nodes) if (!ids.has(o.id)) entries.push({ change: 'removed', kind: 'node', id: o.id, label: o.title, detail: '' });
    return { snapshot: snap.name, entries };
  }
  async exportOptions(): Promise<ExportOptions> {
    this.log('export_options');
    return {
      formats: [
        { id: 'commonCartridge13', name: 'IMS Common Cartridge 1.3', summary: 'Modules, pages, quizzes, outcomes and rubrics for most LMSs.', extension: 'imscc' },
        { id: 'scorm2004', name: 'SCORM 2004 4th edition', summary: 'A player-tracked package with objectives and sequencing.', extension: 'zip' },
        { id: 'html', name: 'HTML course site', summary: 'A static site to read or print.', extension: 'zip' },
      ],
      profiles: [
        { id: 'generic', name: 'Generic' },
        { id: 'canvas', name: 'Canvas' },
        { id: 'moodle', name: 'Moodle' },
      ],
      fields: [{ type: 'toggle', name: 'includeRubrics', label: 'Include rubrics', default: true }],
    };
  }
  async exportDocument(request: ExportRequest, onProgress: (p: ExportProgress) => void): Promise<ExportReport> {
    this.log('export_document', { request });
    this.cancelled = false;
    const steps = ['Checking', 'Lowering', 'Writing pages', 'Writing quizzes', 'Packaging'];
    for (let i = 0; i < steps.length; i++) {
      if (this.cancelled) throw new AppError('validation', 'the export was cancelled; nothing was written');
      onProgress({ step: steps[i], done: i, total: steps.length });
      await new Promise((r) => setTimeout(r, 40));
    }
    onProgress({ step: 'Done', done: steps.length, total: steps.length });
    return { path: `/home/designer/Trellis/out/course.${request.format === 'commonCartridge13' ? 'imscc' : 'zip'}`, files: 12, bytes: 48211, findings: [] };
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
  const text = statement.toLowerCase().replace(/^\s*(students|learners)\s+will\s+(be\s+able\s+to\s+)?/, '');
  const words = text.match(/[a-z]+/g) ?? [];
  const verbs: ObjectiveAnalysis['verbs'] = [];
  const findings: Finding[] = [];
  const target = { kind: 'objective', id: null, path: '' };
  for (const w of words.slice(0, 3)) {
    const base = w.replace(/(e?s)$/, '');
    if (UNMEASURABLE.includes(w)) {
      verbs.push({ verb: w, level: null, measurable: false });
      findings.push({ code: 'O1-unmeasurable-verb', severity: 'warning', message: `“${w}” cannot be observed or measured.`, target, hint: 'Use an observable verb such as explain, compute or compare.' });
      break;
    }
    const level = VERBS[w] ?? VERBS[base];
    if (level) {
      verbs.push({ verb: w, level, measurable: true });
      break;
    }
  }
  if (words.length > 0 && !/\b(given|using|with|from|after)\b/.test(text)) {
    findings.push({ code: 'O3-missing-condition', severity: 'info', message: 'No condition says under which circumstances students perform.', target, hint: 'Add a condition such as “given a data set”.' });
  }
  const found = verbs.find((v) => v.level);
  return {
    verbs,
    suggestedLevel: found?.level ?? null,
    reason: found ? `“${found.verb}” is a ${found.level} verb.` : verbs.length ? 'The verb is not measurable.' : 'No known verb was found.',
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

export function insights(doc: Document): InsightViews {
  const levels: BloomLevel[] = ['remember', 'understand', 'apply', 'analyze', 'evaluate', 'create'];
  const dims = ['factual', 'conceptual', 'procedural', 'metacognitive'];
  const rows = levels.map((level) => {
    const counts = dims.map((d) => doc.objectives.filter((o) => o.level === level && o.knowledge === d).length);
    const total = doc.objectives.filter((o) => o.level === level).length;
    return { level, counts, total };
  });
  const weeks = new Map<number, { contactMinutes: number; activityMinutes: number; assessmentMinutes: number }>();
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const weekOf = (id: string): number | null => {
    let n = byId.get(id);
    while (n) { if (n.week) return n.week; n = n.parent ? byId.get(n.parent) : undefined; }
    return null;
  };
  const bucket = (w: number) => {
    if (!weeks.has(w)) weeks.set(w, { contactMinutes: 0, activityMinutes: 0, assessmentMinutes: 0 });
    return weeks.get(w)!;
  };
  for (const n of doc.nodes) if (n.week && n.durationMinutes) bucket(n.week).contactMinutes += n.durationMinutes;
  for (const a of doc.activities) { const w = weekOf(a.node); if (w && a.durationMinutes) bucket(w).activityMinutes += a.durationMinutes; }
  for (const a of doc.assessments) { const w = weekOf(a.node); if (w && a.durationMinutes) bucket(w).assessmentMinutes += a.durationMinutes; }
  const total = doc.curriculum.weeks ?? 0;
  const weekList = Array.from({ length: Math.max(total, ...weeks.keys(), 0) }, (_, i) => ({ week: i + 1, ...(weeks.get(i + 1) ?? { contactMinutes: 0, activityMinutes: 0, assessmentMinutes: 0 }) }));
  const expected = doc.curriculum.credits && total ? (doc.curriculum.credits * 45) / total : null;
  const units = doc.nodes.filter((n) => n.kind === 'unit' || n.kind === 'module');
  const courses = doc.nodes.filter((n) => n.kind === 'course');
  const outcomes = doc.objectives.filter((o) => byId.get(o.node)?.parent === null);
  return {
    bloom: { rows, dimensions: dims, unclassified: doc.objectives.filter((o) => !o.level).length },
    workload: { weeks: weekList, expectedHoursPerWeek: expected },
    coverage: {
      standards: doc.standardItems.map((s) => ({ id: s.id, code: s.code, label: s.statement })),
      units: units.map((u) => ({ id: u.id, title: u.title })),
      cells: [],
    },
    curriculumMap: {
      outcomes: outcomes.map((o) => ({ id: o.id, code: o.code, statement: o.statement })),
      courses: courses.map((c) => ({ id: c.id, title: c.title })),
      cells: outcomes.flatMap((o) => courses.map((c) => ({ outcome: o.id, course: c.id, emphasis: o.emphasis.find((e) => e.course === c.id)?.emphasis ?? null }))),
    },
  };
}
