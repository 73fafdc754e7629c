// Lookup tables over a Document, rebuilt whenever the document changes (cheap: one pass), so
// that every lookup by id or by node is a map access, whatever the size of the curriculum.
import type { Activity, Assessment, Document, Node, Objective, Rubric } from '../ipc/types';

export class DocIndex {
  readonly doc: Document | null;
  private nodes = new Map<string, Node>();
  private objectives = new Map<string, Objective>();
  private activities = new Map<string, Activity>();
  private assessments = new Map<string, Assessment>();
  private rubrics = new Map<string, Rubric>();
  private kids = new Map<string | null, Node[]>();
  private objectivesByNode = new Map<string, Objective[]>();
  private activitiesByNode = new Map<string, Activity[]>();
  private assessmentsByNode = new Map<string, Assessment[]>();

  constructor(doc: Document | null) {
    this.doc = doc;
    if (!doc) return;
    for (const n of doc.nodes) {
      this.nodes.set(n.id, n);
      const list = this.kids.get(n.parent) ?? [];
      list.push(n);
      this.kids.set(n.parent, list);
    }
    for (const o of doc.objectives) {
      this.objectives.set(o.id, o);
      group(this.objectivesByNode, o.node, o);
    }
    for (const a of doc.activities) {
      this.activities.set(a.id, a);
      group(this.activitiesByNode, a.node, a);
    }
    for (const a of doc.assessments) {
      this.assessments.set(a.id, a);
      group(this.assessmentsByNode, a.node, a);
    }
    for (const r of doc.rubrics) this.rubrics.set(r.id, r);
  }

  node(id: string) { return this.nodes.get(id); }
  objective(id: string) { return this.objectives.get(id); }
  activity(id: string) { return this.activities.get(id); }
  assessment(id: string) { return this.assessments.get(id); }
  rubric(id: string) { return this.rubrics.get(id); }
  roots(): Node[] { return this.kids.get(null) ?? []; }
  children(id: string): Node[] { return this.kids.get(id) ?? []; }
  /** The node's objectives in document order (a fresh array the caller may keep). */
  objectivesOf(node: string): Objective[] { return [...(this.objectivesByNode.get(node) ?? [])]; }
  activitiesOf(node: string): Activity[] { return [...(this.activitiesByNode.get(node) ?? [])]; }
  assessmentsOf(node: string): Assessment[] { return [...(this.assessmentsByNode.get(node) ?? [])]; }

  /** Ancestors, nearest first. */
  ancestors(id: string): Node[] {
    const out: Node[] = [];
    let cur = this.nodes.get(id)?.parent ?? null;
    while (cur) {
      const n = this.nodes.get(cur);
      if (!n || out.includes(n)) break;
      out.push(n);
      cur = n.parent;
    }
    return out;
  }

  /** `Course › Unit 2 › Lesson 2.1` */
  path(id: string): string {
    const n = this.nodes.get(id);
    if (!n) return '';
    return [...this.ancestors(id).reverse(), n].map((x) => x.title).join(' › ');
  }

  /** The node an entity lives in (itself for nodes). */
  nodeOf(kind: string, id: string): string | null {
    if (kind === 'node') return this.nodes.has(id) ? id : null;
    if (kind === 'objective') return this.objectives.get(id)?.node ?? null;
    if (kind === 'activity') return this.activities.get(id)?.node ?? null;
    if (kind === 'assessment') return this.assessments.get(id)?.node ?? null;
    return null;
  }

  /** Short label of an objective for lists and matrices. */
  objectiveLabel(o: Objective): string {
    return o.code ? `${o.code} ${o.statement}` : o.statement;
  }
}

function group<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
