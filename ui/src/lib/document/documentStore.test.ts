import { describe, expect, test } from 'vitest';
import { DocumentStore } from './documentStore.svelte';
import { setBackend } from '../ipc/client';
import { MockBackend } from '../ipc/mock';
import { makeNode, sampleDocument } from './factories';

async function fresh() {
  const mock = new MockBackend({ document: sampleDocument() });
  setBackend(mock);
  const store = new DocumentStore();
  store.load(await mock.currentDocument());
  return { mock, store };
}

describe('DocumentStore', () => {
  test('an edit is sent as one op and the committed document replaces the local copy', async () => {
    const { mock, store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    expect(await store.apply({ op: 'updateNode', node: { ...unit, title: 'Exploring data' } })).toBe(true);
    expect(store.index.node(unit.id)?.title).toBe('Exploring data');
    expect(mock.calls.filter((c) => c.cmd.startsWith('apply_edit'))).toHaveLength(1);
    expect(store.history.undoDepth).toBe(1);
    expect(store.saveStatus).toBe('saved');
  });

  test('undo and redo go through the backend and restore each state', async () => {
    const { store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    await store.apply({ op: 'updateNode', node: { ...unit, title: 'Renamed' } });
    await store.undo();
    expect(store.index.node(unit.id)?.title).toBe(unit.title);
    expect(store.history.redoDepth).toBe(1);
    await store.redo();
    expect(store.index.node(unit.id)?.title).toBe('Renamed');
  });

  test('a structural edit patches the local copy: unchanged entities are kept, not reloaded', async () => {
    const { mock, store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    const rubrics = store.document!.rubrics;
    const untouched = store.document!.objectives.find((o) => !store.document!.nodes.some((n) => n.id === o.node && (n.id === unit.id || n.parent === unit.id)))!;
    mock.calls = [];
    expect(await store.apply({ op: 'deleteNode', id: unit.id })).toBe(true);
    expect(store.index.node(unit.id)).toBeUndefined();
    expect(store.document!.rubrics).toBe(rubrics);
    expect(store.document!.objectives).toContain(untouched);
    expect(store.document).toEqual(mock.doc);
    expect(mock.calls.map((c) => c.cmd)).not.toContain('current_document');
    await store.undo();
    expect(store.index.node(unit.id)?.title).toBe(unit.title);
    expect(store.document).toEqual(mock.doc);
  });

  test('a change made from another version than the local copy reloads the committed document', async () => {
    const { mock, store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    // The backend's document moves on without this window knowing (e.g. a lost answer).
    const stranger = makeNode('unit', 'Added elsewhere', null);
    await mock.applyEdit({ op: 'createNode', node: stranger, position: null });
    mock.calls = [];
    expect(await store.apply({ op: 'deleteNode', id: unit.id })).toBe(true);
    expect(mock.calls.map((c) => c.cmd)).toContain('current_document');
    expect(store.document).toEqual(mock.doc);
    expect(store.index.node(stranger.id)?.title).toBe('Added elsewhere');
    expect(store.index.node(unit.id)).toBeUndefined();
  });

  test('queued edits are committed in the order they were made', async () => {
    const { store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    void store.apply({ op: 'updateNode', node: { ...unit, title: 'First' } });
    void store.apply({ op: 'updateNode', node: { ...unit, title: 'Second' } });
    await store.settled();
    expect(store.index.node(unit.id)?.title).toBe('Second');
    expect(store.history.undoDepth).toBe(2);
  });

  test('a refused edit keeps the document and reports the reason', async () => {
    const { store } = await fresh();
    const units = store.document!.nodes.filter((n) => n.kind === 'unit');
    // U2 requires U1, so U1 requiring U2 would be a cycle.
    const ok = await store.apply({ op: 'link', link: { type: 'nodePrerequisite', node: units[0].id, prerequisite: units[1].id } });
    expect(ok).toBe(false);
    expect(store.error?.code).toBe('validation');
    expect(store.error?.message).toMatch(/cycle/);
    expect(store.index.node(units[0].id)?.prerequisites).toEqual([]);
  });

  test('a light edit shows before the store answers and only the history comes back', async () => {
    const { mock, store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    const pending = store.apply({ op: 'updateNode', node: { ...unit, title: 'At once' } });
    expect(store.index.node(unit.id)?.title).toBe('At once');
    expect(store.saveStatus).toBe('saving');
    await pending;
    expect(mock.calls.at(-1)?.cmd).toBe('apply_edit_lean');
    expect(store.history.undoDepth).toBe(1);
    expect(mock.doc!.nodes.find((n) => n.id === unit.id)?.title).toBe('At once');
  });

  test('when the store refuses a light edit the committed document comes back', async () => {
    const { mock, store } = await fresh();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    mock.applyEditLean = async () => {
      throw { code: 'conflict', message: 'the file is read-only' };
    };
    expect(await store.apply({ op: 'updateNode', node: { ...unit, title: 'Never saved' } })).toBe(false);
    expect(store.error?.message).toBe('the file is read-only');
    expect(store.index.node(unit.id)?.title).toBe(unit.title);
  });

  test('structural edits answer with the committed document', async () => {
    const { mock, store } = await fresh();
    const lesson = store.document!.nodes.find((n) => n.kind === 'lesson')!;
    await store.apply({ op: 'deleteNode', id: lesson.id });
    expect(mock.calls.at(-1)?.cmd).toBe('apply_edit');
    expect(store.index.node(lesson.id)).toBeUndefined();
  });

  test('deleting the selected entity moves the selection back to the curriculum', async () => {
    const { store } = await fresh();
    const lesson = store.document!.nodes.find((n) => n.kind === 'lesson')!;
    store.select({ kind: 'node', id: lesson.id });
    await store.apply({ op: 'deleteNode', id: lesson.id });
    expect(store.selection).toEqual({ kind: 'curriculum' });
  });
});
