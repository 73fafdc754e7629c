import { afterEach, describe, expect, test } from 'vitest';
import { documentStore as ds } from '../document/documentStore.svelte';
import { sampleDocument } from '../document/factories';
import type { DocumentPatch, History } from '../ipc/types';
import { setFolderBackend, type FieldChoice, type FileConflict, type FolderBackend, type FolderRefresh } from './folderClient';
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
});
