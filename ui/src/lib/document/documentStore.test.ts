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

describe('DocumentStore: a large document opened in two steps', () => {
  /** A window whose backend answers the start-up request with the outline first. */
  async function staged() {
    const mock = new MockBackend({ document: sampleDocument() });
    mock.staged = true;
    let release = () => {};
    mock.restGate = new Promise<void>((resolve) => (release = resolve));
    setBackend(mock);
    const store = new DocumentStore();
    store.load(await mock.openingDocument());
    return { mock, store, release };
  }

  test('the outline stands for the document until the remainder is merged into it', async () => {
    const { mock, store, release } = await staged();
    expect(store.complete).toBe(false);
    expect(store.document!.nodes).toEqual(mock.doc!.nodes);
    expect(store.document!.curriculum).toEqual(mock.doc!.curriculum);
    expect(mock.doc!.objectives.length).toBeGreaterThan(0);
    expect(mock.doc!.rubrics.length).toBeGreaterThan(0);
    expect(store.document!.objectives).toEqual([]);
    expect(store.document!.rubrics).toEqual([]);
    const nodes = store.document!.nodes;
    const revision = store.revision;
    const done = store.completeLoad();
    release();
    await done;
    expect(store.complete).toBe(true);
    expect(store.document).toEqual(mock.doc);
    // The outline's entities are kept, and merging is no change of the document.
    expect(store.document!.nodes).toBe(nodes);
    expect(store.revision).toBe(revision);
    expect(store.index.objective(mock.doc!.objectives[0].id)).toBeDefined();
    expect(mock.calls.map((c) => c.cmd)).toEqual(['current_document', 'document_rest']);
  });

  test('edits made meanwhile wait for the remainder and run on the whole document', async () => {
    const { mock, store, release } = await staged();
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    const objective = mock.doc!.objectives[0];
    const rename = store.apply({ op: 'updateNode', node: { ...unit, title: 'Renamed early' } });
    const reword = store.apply({ op: 'updateObjective', objective: { ...objective, statement: 'Explain the median of a data set.' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Nothing reached the backend or the outline while the remainder was on its way.
    expect(mock.calls.map((c) => c.cmd)).toEqual(['current_document']);
    expect(store.index.node(unit.id)?.title).toBe(unit.title);
    expect(store.saveStatus).toBe('saving');
    void store.completeLoad();
    release();
    expect(await rename).toBe(true);
    expect(await reword).toBe(true);
    await store.settled();
    expect(mock.calls.map((c) => c.cmd)).toEqual(['current_document', 'document_rest', 'apply_edit', 'apply_edit']);
    expect(store.document).toEqual(mock.doc);
    expect(store.index.node(unit.id)?.title).toBe('Renamed early');
    expect(store.index.objective(objective.id)?.statement).toBe('Explain the median of a data set.');
    expect(await store.undo()).toBe(true);
    expect(store.index.objective(objective.id)?.statement).toBe(objective.statement);
    expect(store.document).toEqual(mock.doc);
  });

  test('a remainder that no longer matches the outline is replaced by the whole document', async () => {
    const { mock, store, release } = await staged();
    // The backend's document moves on between the two answers.
    await mock.applyEdit({ op: 'createNode', node: makeNode('unit', 'Added elsewhere', null), position: null });
    const done = store.completeLoad();
    release();
    await done;
    expect(mock.calls.map((c) => c.cmd)).toContain('document_rest');
    expect(mock.calls.at(-1)?.cmd).toBe('current_document');
    expect(store.complete).toBe(true);
    expect(store.document).toEqual(mock.doc);
  });

  test('when neither the remainder nor the whole document comes, edits are refused, not run on the outline', async () => {
    const { mock, store, release } = await staged();
    mock.documentRest = async () => {
      throw { code: 'internal', message: 'the window is gone' };
    };
    mock.currentDocument = async () => {
      throw { code: 'internal', message: 'the window is gone' };
    };
    const unit = store.document!.nodes.find((n) => n.kind === 'unit')!;
    const rename = store.apply({ op: 'updateNode', node: { ...unit, title: 'Never' } });
    release();
    await store.completeLoad();
    expect(await rename).toBe(false);
    expect(store.complete).toBe(false);
    expect(store.error?.message).toMatch(/not finished loading/);
    expect(mock.calls.map((c) => c.cmd)).not.toContain('apply_edit');
    expect(store.index.node(unit.id)?.title).toBe(unit.title);
  });

  test('a whole document opened meanwhile replaces the half one and its late remainder is dropped', async () => {
    const { mock, store, release } = await staged();
    const done = store.completeLoad();
    const other = sampleDocument();
    other.curriculum.title = 'Another course';
    store.load({ path: '/elsewhere/other.trellis', document: other, history: store.history });
    expect(store.complete).toBe(true);
    release();
    await done;
    expect(store.document).toEqual(other);
    expect(mock.calls.filter((c) => c.cmd === 'current_document')).toHaveLength(1);
  });

  test('a small document comes whole at once and nothing more is asked for', async () => {
    const mock = new MockBackend({ document: sampleDocument() });
    setBackend(mock);
    const store = new DocumentStore();
    store.load(await mock.openingDocument());
    expect(store.complete).toBe(true);
    await store.completeLoad();
    expect(store.document).toEqual(mock.doc);
    expect(mock.calls.map((c) => c.cmd)).toEqual(['current_document']);
  });
});
