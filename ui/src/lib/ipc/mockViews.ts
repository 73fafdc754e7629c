// Simplified versions of `trellis::analysis::views` and `diff` for the mock backend, in the same
// shapes, so every view can be exercised without the Rust side. The real numbers come from the
// library; these only need to be plausible and consistent.
import type { Document, DocumentDiff, Views } from './types';
import type { NodeRef } from './gen/NodeRef';
import type { ObjectiveRef } from './gen/ObjectiveRef';
import type { BloomLevel } from './gen/BloomLevel';
import type { KnowledgeDimension } from './gen/KnowledgeDimension';
import type { Scope } from './gen/Scope';
import type { Change } from './gen/Change';

const LEVELS: BloomLevel[] = ['remember', 'understand', 'apply', 'analyze', 'evaluate', 'create'];
const DIMS: KnowledgeDimension[] = ['factual', 'conceptual', 'procedural', 'metacognitive'];

export function mockViews(doc: Document): Views {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const pathOf = (id: string): string => {
    const parts: string[] = [];
    let n = byId.get(id);
    while (n) { parts.unshift(n.title); n = n.parent ? byId.get(n.parent) : undefined; }
    return parts.join(' › ');
  };
  const ref = (id: string): NodeRef => {
    const n = byId.get(id)!;
    return { id: n.id, code: n.code, title: n.title, kind: n.kind, path: pathOf(n.id) };
  };
  const scopeOf = (kind: string): Scope => (kind === 'program' ? 'program' : kind === 'course' ? 'course' : kind === 'lesson' ? 'lesson' : 'unit');
  const courseOf = (id: string): string | null => {
    let n = byId.get(id);
    while (n) { if (n.kind === 'course') return n.id; n = n.parent ? byId.get(n.parent) : undefined; }
    return null;
  };
  const oref = (oid: string): ObjectiveRef => {
    const o = doc.objectives.find((x) => x.id === oid)!;
    return { id: o.id, code: o.code, statement: o.statement, level: o.level, knowledge: o.knowledge, scope: scopeOf(byId.get(o.node)?.kind ?? 'unit'), node: o.node, course: courseOf(o.node), path: pathOf(o.node) };
  };
  const weekOf = (id: string): number | null => {
    let n = byId.get(id);
    while (n) { if (n.week) return n.week; n = n.parent ? byId.get(n.parent) : undefined; }
    return null;
  };

  // Bloom table
  const cell = (level: BloomLevel | null, dim: KnowledgeDimension | null | 'any') => ({
    level,
    count: doc.objectives.filter((o) => o.level === level && (dim === 'any' || o.knowledge === dim)).length,
    gradeShare: 0,
  });
  const rows = [...DIMS, null].map((dimension) => ({ dimension, cells: [...LEVELS, null].map((l) => cell(l, dimension)) }));
  const totals = [...LEVELS, null].map((l) => cell(l, 'any'));

  // Workload
  const weeksN = Math.max(doc.curriculum.weeks ?? 0, ...doc.nodes.map((n) => n.week ?? 0));
  const weeks = Array.from({ length: weeksN }, (_, i) => ({ week: i + 1, hours: 0, activityHours: 0, assessmentHours: 0, otherHours: 0, summative: [] as string[], spike: false }));
  for (const a of doc.activities) { const w = weekOf(a.node); if (w && a.durationMinutes) { weeks[w - 1].activityHours += a.durationMinutes / 60; } }
  for (const a of doc.assessments) {
    const w = weekOf(a.node);
    if (!w) continue;
    if (a.durationMinutes) weeks[w - 1].assessmentHours += a.durationMinutes / 60;
    if (a.purpose === 'summative') weeks[w - 1].summative.push(a.title);
  }
  for (const n of doc.nodes) if (n.week && n.durationMinutes && n.kind === 'lesson') weeks[n.week - 1].otherHours += n.durationMinutes / 60;
  for (const w of weeks) w.hours = w.activityHours + w.assessmentHours + w.otherHours;
  const total = weeks.reduce((s, w) => s + w.hours, 0);
  const credits = doc.curriculum.credits;
  const expected = credits && doc.curriculum.creditSystem === 'usCreditHours' ? { low: credits * 45, high: credits * 45 } : credits && doc.curriculum.creditSystem === 'ects' ? { low: credits * 25, high: credits * 30 } : null;

  // Sequence graph: longest-path layers over the shown nodes.
  const shown = doc.nodes.filter((n) => n.kind === 'course' || n.kind === 'unit' || n.kind === 'module' || n.prerequisites.length > 0 || doc.nodes.some((m) => m.prerequisites.includes(n.id)));
  const shownIds = new Set(shown.map((n) => n.id));
  const layer = new Map<string, number>();
  const layerOf = (id: string, seen = new Set<string>()): number => {
    if (layer.has(id)) return layer.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = byId.get(id)!;
    const l = Math.max(-1, ...n.prerequisites.filter((p) => shownIds.has(p)).map((p) => layerOf(p, seen))) + 1;
    layer.set(id, l);
    return l;
  };
  const perLayer = new Map<number, number>();
  const gnodes = shown.map((n) => {
    const l = layerOf(n.id);
    const order = perLayer.get(l) ?? 0;
    perLayer.set(l, order + 1);
    return { node: ref(n.id), layer: l, order, x: 12 + l * 240, y: 12 + order * 58, maxLevel: null, week: n.week };
  });
  const index = new Map(gnodes.map((g, i) => [g.node.id, i]));
  const edges = shown.flatMap((n) => n.prerequisites.filter((p) => index.has(p)).map((p) => ({ from: index.get(p)!, to: index.get(n.id)!, backward: false, cyclic: false })));
  const layers = Math.max(0, ...gnodes.map((g) => g.layer + 1));

  // Curriculum map: top-level objectives × courses.
  const courses = doc.nodes.filter((n) => n.kind === 'course');
  const outcomes = doc.objectives.filter((o) => byId.get(o.node)?.kind === 'program');

  return {
    curriculumMap: {
      courses: courses.map((c) => ref(c.id)),
      rows: outcomes.map((o) => ({
        outcome: oref(o.id),
        cells: courses.map((c) => ({ emphasis: o.emphasis.find((e) => e.course === c.id)?.emphasis ?? null, evidence: [], gap: null })),
        mastered: o.emphasis.some((e) => e.emphasis === 'mastered'),
      })),
    },
    alignmentMatrix: { rows: [], columns: [], cells: [] },
    bloomTable: { rows, totals, objectives: doc.objectives.length, unalignedGradeShare: 0 },
    standardsCoverage: {
      courses: courses.map((c) => ref(c.id)),
      frameworks: doc.frameworks.map((f) => {
        const items = doc.standardItems.filter((s) => s.framework === f.id).map((s) => {
          const aligned = doc.objectives.filter((o) => o.standards.includes(s.id));
          return { id: s.id, code: s.code, statement: s.statement, depth: 0, grouping: false, objectives: aligned.length, assessed: 0, perCourse: courses.map((c) => aligned.filter((o) => courseOf(o.node) === c.id).length) };
        });
        return { id: f.id, title: f.title, items, covered: items.filter((i) => i.objectives > 0).length, coverable: items.length };
      }),
    },
    workload: {
      weeks,
      unscheduledHours: 0,
      totalHours: total,
      expectedHours: expected,
      weeklyNorm: expected && weeksN ? expected.low / weeksN : null,
      medianWeek: null,
      nodes: [],
    },
    sequenceGraph: { nodes: gnodes, edges, layers, width: 24 + layers * 240, height: 24 + Math.max(0, ...perLayer.values()) * 58 },
  };
}

export function mockDiff(old: Document, doc: Document): DocumentDiff {
  const changes: Change[] = [];
  const base = { fields: [], level: null, moved: null, path: '' };
  const oldNodes = new Map(old.nodes.map((n) => [n.id, n]));
  for (const n of doc.nodes) {
    const o = oldNodes.get(n.id);
    if (!o) changes.push({ ...base, kind: 'node', id: n.id, label: n.title, change: 'added' });
    else if (o.title !== n.title) changes.push({ ...base, kind: 'node', id: n.id, label: n.title, change: 'modified', fields: [{ field: 'title', old: o.title, new: n.title }] });
  }
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const o of old.nodes) if (!ids.has(o.id)) changes.push({ ...base, kind: 'node', id: o.id, label: o.title, change: 'removed' });
  const count = (k: string) => changes.filter((c) => c.change === k).length;
  return {
    oldTitle: old.curriculum.title,
    newTitle: doc.curriculum.title,
    changes,
    links: [],
    summary: { added: count('added'), removed: count('removed'), modified: count('modified'), moved: 0, linksAdded: 0, linksRemoved: 0, levelChanges: 0, reweighted: 0 },
  };
}
