import { describe, expect, it } from 'vitest';
import type { Document, DocumentPatch } from '../ipc/types';
import fixture from '../ipc/gen/patch-fixture.json';
import { applyOp } from './applyOp';
import { emptyDocument, sampleDocument } from './factories';
import { applyPatch, patchBetween, PatchMismatch } from './patch';

const { before, after, patch } = fixture as unknown as { before: Document; after: Document; patch: DocumentPatch };

function edited(doc: Document, ...ops: Parameters<typeof applyOp>[1][]): Document {
  const next = structuredClone(doc);
  for (const op of ops) applyOp(next, op);
  return next;
}

describe('applyPatch', () => {
  it('applies a patch made by the Rust library to the version it was made from', () => {
    expect(patch.objectives?.order).not.toBeNull();
    expect(applyPatch(before, patch)).toEqual(after);
  });

  it('leaves the old version untouched and shares every unchanged entity', () => {
    const copy = structuredClone(before);
    const next = applyPatch(before, patch);
    expect(before).toEqual(copy);
    const unchanged = next.objectives.filter((o) => before.objectives.includes(o));
    expect(unchanged.length).toBe(before.objectives.length - 1);
    expect(next.rubrics).toBe(before.rubrics);
  });

  it('refuses a patch made from another version', () => {
    expect(() => applyPatch(sampleDocument(), patch)).toThrow(PatchMismatch);
  });
});

describe('patchBetween', () => {
  const doc = sampleDocument();
  const unit = doc.nodes.find((n) => n.kind === 'unit')!;
  const cases: [string, Document][] = [
    ['a deleted unit with its cascades', edited(doc, { op: 'deleteNode', id: unit.id })],
    ['a moved node', edited(doc, { op: 'moveNode', id: unit.id, parent: null, position: 0 })],
    ['a review status change', edited(doc, { op: 'setReviewStatus', node: unit.id, status: 'approved', author: 'Chair', note: '' })],
    ['a snapshot', edited(doc, { op: 'takeSnapshot', name: 'Submitted' })],
    ['an unrelated document', emptyDocument('Other')],
    ['the same document', structuredClone(doc)],
  ];
  for (const [what, now] of cases) {
    it(`rebuilds ${what}`, () => {
      const p = patchBetween(doc, now);
      expect(applyPatch(doc, p)).toEqual(now);
    });
  }

  it('sends only what changed', () => {
    const now = edited(doc, { op: 'setReviewStatus', node: unit.id, status: 'approved', author: 'Chair', note: '' });
    const p = patchBetween(doc, now);
    expect(p.nodes?.order).toBeNull();
    expect(p.nodes?.changed.map((n) => n.id)).toEqual([unit.id]);
    expect(p.objectives).toBeNull();
    expect(p.reviewEvents?.changed).toHaveLength(1);
  });
});
