import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import OutlineTree from './OutlineTree.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';
import { emptyDocument, makeNode } from '../document/factories';

afterEach(() => cleanup());

test('arrow keys move the selection through the tree', async () => {
  await openSample();
  render(OutlineTree);
  const items = screen.getAllByRole('treeitem');
  expect(items[0].textContent).toContain('Introduction to Statistics');
  await fireEvent.click(items[0]);
  await fireEvent.keyDown(items[0], { key: 'ArrowDown' });
  const unit = ds.document!.nodes.find((n) => n.title === 'Describing data')!;
  expect(ds.selection).toEqual({ kind: 'node', id: unit.id });
});

test('F2 renames a node as one edit and undo restores the title', async () => {
  const mock = await openSample();
  render(OutlineTree);
  const row = screen.getAllByRole('treeitem').find((r) => r.textContent?.includes('Probability'))!;
  await fireEvent.keyDown(row, { key: 'F2' });
  const input = screen.getByLabelText('Rename Probability') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: 'Chance' } });
  await fireEvent.keyDown(input, { key: 'Enter' });
  await waitFor(() => expect(screen.getAllByRole('treeitem').some((r) => r.textContent?.includes('Chance'))).toBe(true));
  expect(mock.calls.filter((c) => c.cmd.startsWith('apply_edit'))).toHaveLength(1);
  await ds.undo();
  await waitFor(() => expect(screen.getAllByRole('treeitem').some((r) => r.textContent?.includes('Probability'))).toBe(true));
});

test('Delete removes the node with its subtree and Alt+ArrowUp reorders siblings', async () => {
  await openSample();
  render(OutlineTree);
  const inference = () => screen.getAllByRole('treeitem').find((r) => r.textContent?.includes('Inference'))!;
  await fireEvent.keyDown(inference(), { key: 'ArrowUp', altKey: true });
  await ds.settled();
  const course = ds.document!.nodes[0];
  expect(ds.index.children(course.id).map((n) => n.title)).toEqual(['Describing data', 'Inference', 'Probability']);
  await fireEvent.keyDown(inference(), { key: 'Delete' });
  await ds.settled();
  expect(ds.document!.nodes.some((n) => n.title === 'Confidence intervals')).toBe(false);
});

test('N adds a sibling of the same kind and opens it for renaming', async () => {
  await openSample();
  render(OutlineTree);
  const row = screen.getAllByRole('treeitem').find((r) => r.textContent?.includes('Probability'))!;
  await fireEvent.keyDown(row, { key: 'n' });
  await waitFor(() => expect(screen.getByLabelText('Rename New unit')).toBeTruthy());
  const course = ds.document!.nodes[0];
  expect(ds.index.children(course.id).map((n) => n.title)).toEqual(['Describing data', 'Probability', 'New unit', 'Inference']);
});

test('a document that replaces the open one opens with its first two levels expanded', async () => {
  await openSample();
  render(OutlineTree);
  const other = emptyDocument('Another course');
  const course = makeNode('course', 'Another course', null);
  const unit = makeNode('unit', 'First unit', course.id);
  const lesson = makeNode('lesson', 'First lesson', unit.id);
  other.nodes = [course, unit, lesson];
  ds.load({ path: '/home/designer/Trellis/Another.trellis', document: other, history: ds.history });
  await waitFor(() => expect(screen.getAllByRole('treeitem')[0].textContent).toContain('Another course'));
  const titles = screen.getAllByRole('treeitem').map((r) => r.textContent ?? '');
  expect(titles.some((t) => t.includes('First unit'))).toBe(true);
  expect(titles.some((t) => t.includes('First lesson'))).toBe(true);
});
