import { expect, test } from 'vitest';
import { DocIndex } from '../document/docIndex';
import { sampleDocument } from '../document/factories';
import { childKind, dropTarget, visibleRows } from './outline';

const doc = sampleDocument();
const ix = new DocIndex(doc);
const course = doc.nodes[0];
const [u1, u2, u3] = ix.children(course.id);

test('only children of expanded nodes are visible, in outline order', () => {
  const rows = visibleRows(ix, new Set([course.id]));
  expect(rows.map((r) => r.node.title)).toEqual([course.title, u1.title, u2.title, u3.title]);
  expect(rows[1]).toMatchObject({ depth: 1, hasChildren: true, expanded: false, posinset: 1, setsize: 3 });
  const deeper = visibleRows(ix, new Set([course.id, u1.id]));
  expect(deeper.map((r) => r.depth)).toEqual([0, 1, 2, 2, 1, 1]);
});

test('dropping before or after a sibling gives its position without the moved node', () => {
  expect(dropTarget(ix, u3.id, u1, 'before')).toEqual({ parent: course.id, position: 0 });
  expect(dropTarget(ix, u1.id, u3, 'after')).toEqual({ parent: course.id, position: 2 });
  expect(dropTarget(ix, u1.id, u2, 'inside')).toEqual({ parent: u2.id, position: ix.children(u2.id).length });
});

test('a node cannot be dropped into itself or its own subtree', () => {
  const lesson = ix.children(u1.id)[0];
  expect(dropTarget(ix, u1.id, u1, 'inside')).toBeNull();
  expect(dropTarget(ix, u1.id, lesson, 'inside')).toBeNull();
  expect(dropTarget(ix, course.id, lesson, 'before')).toBeNull();
});

test('new children take the template kind, then the usual hierarchy', () => {
  expect(childKind('unit', ['session'])).toBe('session');
  expect(childKind('course', undefined)).toBe('unit');
  expect(childKind('program', [])).toBe('course');
});
