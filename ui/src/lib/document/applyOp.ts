// The edit semantics of `trellis::store::EditOp` in TypeScript: the mock backend applies edits
// with it, and the document store applies "light" edits (changes to one entity, links) to its
// copy at once while the store commits them, so typing and clicking never wait for a reload of
// the whole document. Refusals mirror the store's (cycles, missing entities).
import { AppError } from '../ipc/errors';
import type { Document, EditOp, Link } from '../ipc/types';
import { newId, nowStamp } from '../util/ids';

/** Edits whose whole effect is the entity or link they carry (no cascades, no ids made by the store). */
export function isLight(op: EditOp): boolean {
  switch (op.op) {
    case 'updateCurriculum':
    case 'createNode':
    case 'updateNode':
    case 'createObjective':
    case 'updateObjective':
    case 'createActivity':
    case 'updateActivity':
    case 'createAssessment':
    case 'updateAssessment':
    case 'createRubric':
    case 'updateRubric':
    case 'link':
    case 'unlink':
    case 'resolveComment':
      return true;
    default:
      return false;
  }
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

/** Replaces the entity with `id` in `list` by `change(entity)` (entities are never mutated in place). */
function patch<T extends { id: string }>(list: T[], id: string, what: string, change: (x: T) => T): void {
  const i = list.findIndex((e) => e.id === id);
  if (i < 0) throw new AppError('notFound', `${what} ${id} does not exist`);
  list[i] = change(list[i]);
}

function applyLink(doc: Document, link: Link, on: boolean): void {
  switch (link.type) {
    case 'activityObjective': patch(doc.activities, link.activity, 'activity', (a) => ({ ...a, objectives: toggle(a.objectives, link.objective, on) })); break;
    case 'assessmentObjective': patch(doc.assessments, link.assessment, 'assessment', (a) => ({ ...a, objectives: toggle(a.objectives, link.objective, on) })); break;
    case 'itemObjective': {
      const owner = doc.assessments.find((a) => a.items.some((i) => i.id === link.item));
      if (!owner) throw new AppError('notFound', `item ${link.item} does not exist`);
      patch(doc.assessments, owner.id, 'assessment', (a) => ({
        ...a,
        items: a.items.map((i) => (i.id === link.item ? { ...i, objectives: toggle(i.objectives, link.objective, on) } : i)),
      }));
      break;
    }
    case 'objectiveStandard': patch(doc.objectives, link.objective, 'objective', (o) => ({ ...o, standards: toggle(o.standards, link.item, on) })); break;
    case 'objectiveSupports': patch(doc.objectives, link.objective, 'objective', (o) => ({ ...o, supports: toggle(o.supports, link.supports, on) })); break;
    case 'objectivePrerequisite': patch(doc.objectives, link.objective, 'objective', (o) => ({ ...o, prerequisites: toggle(o.prerequisites, link.prerequisite, on) })); break;
    case 'nodePrerequisite': {
      const before = doc.nodes.find((x) => x.id === link.node);
      patch(doc.nodes, link.node, 'node', (n) => ({ ...n, prerequisites: toggle(n.prerequisites, link.prerequisite, on) }));
      if (on && before && hasCycle(doc)) {
        patch(doc.nodes, link.node, 'node', () => before);
        const p = doc.nodes.find((x) => x.id === link.prerequisite);
        throw new AppError('validation', `“${before.title}” cannot require “${p?.title ?? link.prerequisite}”: “${p?.title}” already depends on “${before.title}”, so the prerequisites would form a cycle`);
      }
      break;
    }
    case 'criterionObjective': {
      const owner = doc.rubrics.find((r) => r.criteria.some((c) => c.id === link.criterion));
      if (!owner) throw new AppError('notFound', `criterion ${link.criterion} does not exist`);
      patch(doc.rubrics, owner.id, 'rubric', (r) => ({
        ...r,
        criteria: r.criteria.map((c) => (c.id === link.criterion ? { ...c, objective: on ? link.objective : null } : c)),
      }));
      break;
    }
  }
}

/** A copy of the document whose entity lists can be changed without touching `doc`. */
export function shallowCopy(doc: Document): Document {
  return {
    ...doc,
    nodes: [...doc.nodes],
    objectives: [...doc.objectives],
    activities: [...doc.activities],
    assessments: [...doc.assessments],
    rubrics: [...doc.rubrics],
    comments: [...doc.comments],
  };
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
    case 'resolveComment': patch(doc.comments, op.id, 'comment', (c) => ({ ...c, resolved: op.resolved })); break;
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

