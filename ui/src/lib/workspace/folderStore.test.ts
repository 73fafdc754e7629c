import { afterEach, describe, expect, test } from 'vitest';
import { documentStore as ds } from '../document/documentStore.svelte';
import { sampleDocument } from '../document/factories';
import type { DocumentPatch, History } from '../ipc/types';
import { AppError } from '../ipc/errors';
import { setFolderBackend, type FieldChoice, type FileConflict, type FolderBackend, type FolderRefresh, type MergeConflict, type MergeConflictResolved, type Resolution } from './folderClient';
import { FolderStore } from './folderStore.svelte';

const HISTORY: History = { undo: 'Changes in the folder', redo: null, undoDepth: 1, redoDepth: 0 };
const NONE: FolderRefresh = { refresh: { files: [], patch: null, conflicts: [] }, history: { undo: null, redo: null, undoDepth: 0, redoDepth: 0 } };

/** A folder backend answering from a queue of refreshes, recording what it was asked. */
class FakeFolder implements FolderBackend {
  refreshes: FolderRefresh[] = [];
  resolved: [string | null, string, FieldChoice[]][] = [];
  remaining: FileConflict[] = [];
  async openFolder() { return null; }
  async refresh(): Promise<FolderRefresh | null> { return this.refreshes.shift() ?? NONE; }
  async changes() { return [{ file: 'nodes/x.md', kind: 'node', id: 'x', status: 'modified' }]; }
  async conflicts() { return this.remaining; }
  async resolve(path: string | null, file: string, choices: FieldChoice[]) {
    this.resolved.push([path, file, choices]);
    return this.remaining;
  }
  merge: MergeConflict[] = [];
  mergeChoices: [number, string, Resolution][] = [];
  mergeAnswer: MergeConflictResolved | Error | null = null;
  async mergeConflicts() { return this.merge; }
  async resolveMerge(index: number, path: string, choice: Resolution): Promise<MergeConflictResolved> {
    this.mergeChoices.push([index, path, choice]);
    if (this.mergeAnswer instanceof Error) throw this.mergeAnswer;
    if (!this.mergeAnswer) throw new Error('no answer');
    return this.mergeAnswer;
  }
}

function openFolderDocument() {
  const document = sampleDocument();
  ds.close();
  ds.load({ path: '/work/course/.trellis-cache/working.trellis', document, history: NONE.history });
  return document;
}

afterEach(() => setFolderBackend(null));

describe('FolderStore', () => {
  test('a document that is not a folder is left alone', async () => {
    const fake = new FakeFolder();
    fake.refresh = async () => null;
    setFolderBackend(fake);
    openFolderDocument();
    const fs = new FolderStore();
    await fs.follow();
    expect(fs.active).toBe(false);
    fs.stop();
  });

  test('files changed underneath come in as a patch, the selection stays, the badges follow git', async () => {
    const fake = new FakeFolder();
    setFolderBackend(fake);
    const doc = openFolderDocument();
    const [first, second] = doc.nodes;
    ds.select({ kind: 'node', id: first.id });
    const fs = new FolderStore();
    await fs.follow();
    expect(fs.active).toBe(true);
    expect(fs.dir).toBe('/work/course');
    expect(fs.changed.get('x')).toBe('modified');

    const patch: DocumentPatch = { curriculum: null, nodes: { order: null, changed: [{ ...second, title: 'From a pull' }] },
      objectives: null, frameworks: null, standardItems: null, associations: null, activities: null, assessments: null,
      rubrics: null, comments: null, reviewEvents: null, snapshots: null, assets: null } as DocumentPatch;
    fake.refreshes.push({ refresh: { files: [`nodes/${second.id}.md`], patch, conflicts: [] }, history: HISTORY });
    await fs.poll();
    expect(ds.index.node(second.id)?.title).toBe('From a pull');
    expect(ds.selection).toEqual({ kind: 'node', id: first.id });
    expect(ds.history.undo).toBe('Changes in the folder');
    expect(fs.lastExternal).toEqual([`nodes/${second.id}.md`]);
    fs.stop();
  });

  test('conflicts found in the folder are kept until resolved, and resolving sends each field choice', async () => {
    const fake = new FakeFolder();
    setFolderBackend(fake);
    openFolderDocument();
    const fs = new FolderStore();
    await fs.follow();
    const conflict: FileConflict = { file: 'nodes/a.md', kind: 'node', id: 'a', hasBase: true,
      fields: [{ field: 'title', base: 'Old', ours: 'Ours', theirs: 'Theirs' }] };
    fake.refreshes.push({ refresh: { files: ['nodes/a.md'], patch: null, conflicts: [conflict] }, history: NONE.history });
    await fs.poll();
    expect(fs.conflicts).toEqual([conflict]);
    // Nothing changed on disk since: the conflicts stay.
    await fs.poll();
    expect(fs.conflicts).toHaveLength(1);
    fake.refreshes.push({ refresh: { files: ['nodes/a.md'], patch: null, conflicts: [] }, history: NONE.history });
    expect(await fs.resolve('nodes/a.md', [{ field: 'title', choice: { take: 'theirs' } }])).toBe(true);
    expect(fake.resolved).toEqual([[null, 'nodes/a.md', [{ field: 'title', choice: { take: 'theirs' } }]]]);
    expect(fs.conflicts).toEqual([]);
    fs.stop();
  });

  test('conflicts listed by trellis merge are loaded, a choice is applied as a patch, a refusal keeps them', async () => {
    const fake = new FakeFolder();
    setFolderBackend(fake);
    const doc = openFolderDocument();
    const node = doc.nodes[1];
    const conflict: MergeConflict = { index: 0, path: `nodes[${node.id}].title`, kind: 'node', id: node.id, title: node.title,
      field: 'title', base: 'Old', ours: node.title, theirs: 'Their title' };
    fake.merge = [conflict];
    const fs = new FolderStore();
    await fs.follow();
    expect(fs.mergeConflicts).toEqual([conflict]);

    // Refused (e.g. the file changed since): the conflict stays listed, the reason is shown.
    fake.mergeAnswer = new AppError('conflict', 'conflicts/merge.json has no conflict 0 at …; list the conflicts again');
    expect(await fs.resolveMerge(conflict, { take: 'theirs' })).toBe(false);
    expect(fs.mergeConflicts).toEqual([conflict]);
    expect(fs.mergeError?.message).toContain('conflicts/merge.json');

    const patch = { curriculum: null, nodes: { order: null, changed: [{ ...node, title: 'Their title' }] },
      objectives: null, frameworks: null, standardItems: null, associations: null, activities: null, assessments: null,
      rubrics: null, comments: null, reviewEvents: null, snapshots: null, assets: null } as DocumentPatch;
    fake.mergeAnswer = { change: { patch, history: { undo: 'Resolve merge conflict', redo: null, undoDepth: 1, redoDepth: 0 } }, conflicts: [] };
    expect(await fs.resolveMerge(conflict, { take: 'theirs' })).toBe(true);
    expect(fake.mergeChoices.at(-1)).toEqual([0, conflict.path, { take: 'theirs' }]);
    expect(ds.index.node(node.id)?.title).toBe('Their title');
    expect(ds.history.undo).toBe('Resolve merge conflict');
    expect(fs.mergeConflicts).toEqual([]);
    expect(fs.mergeError).toBeNull();
    fs.stop();
  });
});
