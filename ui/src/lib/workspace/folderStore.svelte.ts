// The window's curriculum folder, when its document is one: looks for files changed on disk
// every second (one `stat` per file on the Rust side; the patch it answers with is applied like
// an undo's, so the selection and scroll position stay), keeps the entities changed since the
// last commit (for the outline's badges), the conflicts of an unresolved merge (files with
// conflict markers) and those `trellis merge` listed in the folder's `conflicts/merge.json`.
import { documentStore as ds } from '../document/documentStore.svelte';
import { AppError } from '../ipc/errors';
import { folderBackend, type EntityChange, type FieldChoice, type FileConflict, type FolderRefresh, type MergeConflict, type Resolution } from './folderClient';

/** How often the folder is looked at (ms). */
export const POLL_MS = 1000;
/** How often `git status` is asked again when nothing else changed (a commit changes no file). */
export const STATUS_MS = 5000;

export class FolderStore {
  /** Whether the window's document is a folder. */
  active = $state(false);
  /** Entities changed since the last commit (null: unknown, e.g. no git). */
  changes = $state<EntityChange[] | null>(null);
  /** Conflicted files of an unresolved merge (edits are refused until they are resolved). */
  conflicts = $state<FileConflict[]>([]);
  /** The conflicts `trellis merge` listed in the folder's `conflicts/merge.json`. */
  mergeConflicts = $state<MergeConflict[]>([]);
  /** Why `conflicts/merge.json` could not be listed or a choice not applied (the file is kept). */
  mergeError = $state<AppError | null>(null);
  /** The folder whose conflicts are shown when it did not open (null: the window's folder). */
  conflictDir = $state<string | null>(null);
  /** Files changed underneath at the last look that changed something. */
  lastExternal = $state<string[]>([]);
  error = $state<AppError | null>(null);
  /** Entity id → its status since the last commit. */
  changed = $derived(new Map((this.changes ?? []).map((c) => [c.id, c.status])));

  private timer: ReturnType<typeof setInterval> | null = null;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private busy = false;
  private path: string | null = null;

  /** The folder of the open document (its working store is `<folder>/.trellis-cache/working.trellis`). */
  get dir(): string | null {
    const p = ds.path;
    if (!p) return null;
    return p.replace(/[\\/]\.trellis-cache[\\/]working\.trellis$/, '');
  }

  /** Starts following the window's document if it is a folder (call when a document opens). */
  async follow(): Promise<void> {
    if (ds.path === this.path) return;
    this.stop();
    this.path = ds.path;
    this.active = false;
    this.changes = null;
    if (!ds.path) return;
    const first = await folderBackend().refresh().catch(() => null);
    if (!first) return;
    this.active = true;
    await this.take(first);
    await this.loadMergeConflicts();
    await this.refreshChanges();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.statusTimer = setInterval(() => void this.refreshChanges(), STATUS_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.timer = null;
    this.statusTimer = null;
  }

  /** One look at the folder (also right after an own change, so the badges follow). */
  async poll(): Promise<void> {
    if (this.busy || !this.active) return;
    this.busy = true;
    try {
      await ds.settled();
      const found = await folderBackend().refresh();
      if (found) await this.take(found);
      this.error = null;
    } catch (err) {
      this.error = AppError.from(err);
    } finally {
      this.busy = false;
    }
  }

  private async take(found: FolderRefresh): Promise<void> {
    const r = found.refresh;
    if (r.files.length === 0) return;
    if (r.patch) {
      await ds.receive(r.patch, found.history);
      this.lastExternal = r.files;
    }
    this.conflictDir = null;
    this.conflicts = r.conflicts;
    // A merge run while the folder is open writes files and its conflicts file.
    await this.loadMergeConflicts();
    await this.refreshChanges();
  }

  /** Reads the folder's `conflicts/merge.json` again (a file that does not read is shown as the error). */
  async loadMergeConflicts(): Promise<void> {
    if (!this.active) return;
    try {
      this.mergeConflicts = await folderBackend().mergeConflicts();
      this.mergeError = null;
    } catch (err) {
      this.mergeConflicts = [];
      this.mergeError = AppError.from(err);
    }
  }

  /** Resolves one conflict of `conflicts/merge.json` as one undoable step; resolves to whether it worked. */
  async resolveMerge(c: MergeConflict, choice: Resolution): Promise<boolean> {
    try {
      await ds.settled();
      const done = await folderBackend().resolveMerge(c.index, c.path, choice);
      await ds.receive(done.change.patch, done.change.history);
      this.mergeConflicts = done.conflicts;
      this.mergeError = null;
      await this.refreshChanges();
      return true;
    } catch (err) {
      this.mergeError = AppError.from(err);
      return false;
    }
  }

  async refreshChanges(): Promise<void> {
    if (!this.active) return;
    try {
      this.changes = await folderBackend().changes();
    } catch {
      this.changes = null;
    }
  }

  /** Shows the conflicts of a folder that did not open because of them. */
  showConflictsOf(dir: string, conflicts: FileConflict[]): void {
    this.conflictDir = dir;
    this.conflicts = conflicts;
  }

  /** Resolves one conflicted file; resolves to whether it worked. */
  async resolve(file: string, choices: FieldChoice[]): Promise<boolean> {
    try {
      this.conflicts = await folderBackend().resolve(this.conflictDir, file, choices);
      this.error = null;
      if (this.active) await this.poll();
      return true;
    } catch (err) {
      this.error = AppError.from(err);
      return false;
    }
  }
}

/** The folder of this window. */
export const folderStore = new FolderStore();
