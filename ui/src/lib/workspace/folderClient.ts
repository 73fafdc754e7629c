// The IPC of a curriculum folder open as the window's document (src-tauri/src/commands/
// workspace.rs). Outside the desktop app (the mocked browser build, unit tests) there is no
// folder: `folderBackend()` then answers as for a document that is not a folder.
import { invoke } from '@tauri-apps/api/core';
import { AppError } from '../ipc/errors';
import type { EntityChange } from '../ipc/gen/EntityChange';
import type { FieldChoice } from '../ipc/gen/FieldChoice';
import type { FileConflict } from '../ipc/gen/FileConflict';
import type { FolderOpen } from '../ipc/gen/FolderOpen';
import type { FolderRefresh } from '../ipc/gen/FolderRefresh';
import type { MergeConflict } from '../ipc/gen/MergeConflict';
import type { MergeConflictResolved } from '../ipc/gen/MergeConflictResolved';
import type { Resolution } from '../ipc/gen/Resolution';

export type { EntityChange, FieldChoice, FileConflict, FolderOpen, FolderRefresh, MergeConflict, MergeConflictResolved, Resolution };

export interface FolderBackend {
  /** Opens a curriculum folder in this window; asks with the native folder dialog when `path` is null (null when cancelled). */
  openFolder(path: string | null): Promise<FolderOpen | null>;
  /** Files of the window's folder changed on disk, applied as a patch; null when the document is not a folder. */
  refresh(): Promise<FolderRefresh | null>;
  /** Entities changed since the last commit; null when unknown (no git, not a repository, not a folder). */
  changes(): Promise<EntityChange[] | null>;
  /** Conflicted files of the folder `path` (one that did not open), or of the window's folder. */
  conflicts(path: string | null): Promise<FileConflict[]>;
  /** Resolves one conflicted file; answers with the conflicts that remain. */
  resolve(path: string | null, file: string, choices: FieldChoice[]): Promise<FileConflict[]>;
  /** The conflicts `trellis merge` listed in the window's folder (`conflicts/merge.json`). */
  mergeConflicts(): Promise<MergeConflict[]>;
  /** Resolves one of them (one undoable step); answers with the change and the conflicts left. */
  resolveMerge(index: number, path: string, choice: Resolution): Promise<MergeConflictResolved>;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw AppError.from(err);
  }
}

class TauriFolderBackend implements FolderBackend {
  openFolder(path: string | null) { return call<FolderOpen | null>('open_folder', { path }); }
  refresh() { return call<FolderRefresh | null>('folder_refresh'); }
  changes() { return call<EntityChange[] | null>('folder_changes'); }
  conflicts(path: string | null) { return call<FileConflict[]>('folder_conflicts', { path }); }
  resolve(path: string | null, file: string, choices: FieldChoice[]) {
    return call<FileConflict[]>('resolve_folder_conflict', { path, file, choices });
  }
  mergeConflicts() { return call<MergeConflict[]>('folder_merge_conflicts'); }
  resolveMerge(index: number, path: string, choice: Resolution) {
    return call<MergeConflictResolved>('resolve_merge_conflict', { index, path, choice });
  }
}

/** No folder support (outside the desktop app). */
class NoFolders implements FolderBackend {
  async openFolder(): Promise<FolderOpen | null> {
    throw new AppError('conflict', 'Folders can be opened in the desktop app only.');
  }
  async refresh() { return null; }
  async changes() { return null; }
  async conflicts() { return []; }
  async resolve() { return []; }
  async mergeConflicts() { return []; }
  async resolveMerge(): Promise<MergeConflictResolved> {
    throw new AppError('conflict', 'Folders can be opened in the desktop app only.');
  }
}

let current: FolderBackend | null = null;

/** The folder backend in use: Tauri in the desktop app, none elsewhere, or one a test installed. */
export function folderBackend(): FolderBackend {
  current ??= typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window ? new TauriFolderBackend() : new NoFolders();
  return current;
}

/** Replaces the folder backend (tests). */
export function setFolderBackend(b: FolderBackend | null): void {
  current = b;
}
