import { expect, test } from 'vitest';
import { dropIndex, moveItem, reorderCriteria, reorderLevels, sideAt } from './rubric';
import { makeRubric } from '../document/factories';
import type { Rubric } from '../ipc/types';

test('moveItem puts the item at the given index of the resulting list', () => {
  expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
  expect(moveItem(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
  expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'b', 'c']);
  const list = ['a', 'b'];
  moveItem(list, 0, 1);
  expect(list).toEqual(['a', 'b']);
});

test('dropIndex: before/after the item under the pointer, null when nothing moves', () => {
  // Dragging the first of four down.
  expect(dropIndex(0, 2, 'before')).toBe(1);
  expect(dropIndex(0, 2, 'after')).toBe(2);
  expect(dropIndex(0, 3, 'after')).toBe(3);
  // Dragging the last up.
  expect(dropIndex(3, 0, 'before')).toBe(0);
  expect(dropIndex(3, 0, 'after')).toBe(1);
  // Dropping on itself, or right next to itself on the near side, changes nothing.
  expect(dropIndex(1, 1, 'before')).toBeNull();
  expect(dropIndex(1, 1, 'after')).toBeNull();
  expect(dropIndex(1, 0, 'after')).toBeNull();
  expect(dropIndex(1, 2, 'before')).toBeNull();
  expect(moveItem(['a', 'b', 'c', 'd'], 0, dropIndex(0, 2, 'after')!)).toEqual(['b', 'c', 'a', 'd']);
});

test('sideAt splits an element in halves', () => {
  expect(sideAt(104, 100, 40)).toBe('before');
  expect(sideAt(121, 100, 40)).toBe('after');
});

function rubric(): Rubric {
  const r = makeRubric('R');
  r.criteria = ['Claim', 'Evidence', 'Reasoning'].map((title, i) => ({
    id: `c${i}`, title, description: '', weight: 1, objective: null,
    descriptors: r.levels.map((l) => ({ level: l.id, text: `${title} at ${l.label}` })),
  }));
  return r;
}

test('reordering criteria keeps everything else; out of range or unchanged is null', () => {
  const r = rubric();
  const next = reorderCriteria(r, 2, 0)!;
  expect(next.criteria.map((c) => c.title)).toEqual(['Reasoning', 'Claim', 'Evidence']);
  expect(next.levels).toBe(r.levels);
  expect(next.criteria[0]).toBe(r.criteria[2]);
  expect(r.criteria.map((c) => c.title)).toEqual(['Claim', 'Evidence', 'Reasoning']);
  expect(reorderCriteria(r, 0, 0)).toBeNull();
  expect(reorderCriteria(r, 0, -1)).toBeNull();
  expect(reorderCriteria(r, 2, 3)).toBeNull();
});

test('reordering levels moves the column; descriptors follow their level by id', () => {
  const r = rubric();
  const next = reorderLevels(r, 3, 0)!;
  expect(next.levels.map((l) => l.label)).toEqual(['Exemplary', 'Beginning', 'Developing', 'Proficient']);
  const top = next.levels[0].id;
  expect(next.criteria[0].descriptors.find((d) => d.level === top)?.text).toBe('Claim at Exemplary');
  expect(reorderLevels(r, 0, 4)).toBeNull();
});
