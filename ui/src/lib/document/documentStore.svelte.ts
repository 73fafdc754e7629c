// The open document as the UI sees it. Every change goes through `apply`, which sends one
// EditOp to the backend (one store transaction and one undo step: that is the autosave) and
// brings the local copy to what the store committed (light edits are applied here at once, the
// others come back as a patch). Edits are queued, so fast typing and clicking never reorder or
// overlap.
import { backend } from '../ipc/client';
import { AppError } from '../ipc/errors';
import type { Document, DocumentChange, DocumentPatch, DocumentState, EditOp, History } from '../ipc/types';
import { DocIndex } from './docIndex';
import { applyOp, isLight, shallowCopy } from './applyOp';
import { applyPatch, PatchMismatch } from './patch';

/** What the main panel shows. */
export type Selection =
  | { kind: 'curriculum' }
  | { kind: 'node'; id: string }
  | { kind: 'objective'; id: string }
  | { kind: 'activity'; id: string }
  | { kind: 'assessment'; id: string }
  | { kind: 'rubric'; id: string };

export type SaveStatus = 'saved' | 'saving' | 'error';

const NO_HISTORY: History = { undo: null, redo: null, undoDepth: 0, redoDepth: 0 };

export class DocumentStore {
  path = $state<string | null>(null);
  document = $state.raw<Document | null>(null);
  history = $state<History>(NO_HISTORY);
  selection = $state<Selection>({ kind: 'curriculum' });
  saveStatus = $state<SaveStatus>('saved');
  error = $state<AppError | null>(null);
  /** A short message about the last edit, with an undo offer (shown as a toast). */
  notice = $state<{ message: string; undo: boolean } | null>(null);
  /** Bumped on every committed change (views that fetch derived data refresh on it). */
  revision = $state(0);
  index = $derived(new DocIndex(this.document));

  private queue: Promise<unknown> = Promise.resolve();

  get isOpen(): boolean {
    return this.document !== null;
  }

  /** Takes over a state the backend returned (open, create, edit, undo). */
  load(state: DocumentState | null): void {
    if (!state) return;
    const fresh = state.path !== this.path;
    this.path = state.path;
    this.document = state.document;
    this.history = state.history;
    this.revision += 1;
    if (fresh) this.selection = { kind: 'curriculum' };
    this.fixSelection();
  }

  close(): void {
    this.path = null;
    this.document = null;
    this.history = NO_HISTORY;
    this.selection = { kind: 'curriculum' };
  }

  select(sel: Selection): void {
    this.selection = sel;
  }

  /**
   * Applies one edit. Resolves to false (and sets `error`) when the store refused it.
   * A light edit (one entity or link) shows at once: it is applied to the local copy with the
   * store's semantics and only the history comes back; if the store refuses it, the committed
   * document is reloaded. Other edits answer with a patch from the local copy to the committed
   * version.
   */
  apply(op: EditOp): Promise<boolean> {
    if (!isLight(op) || !this.document) return this.run(() => backend().applyEdit(op));
    try {
      const next = shallowCopy(this.document);
      applyOp(next, op);
      this.document = next;
      this.revision += 1;
    } catch (err) {
      // Refused locally (a cycle, a missing entity): the store would refuse it too.
      this.error = AppError.from(err);
      return Promise.resolve(false);
    }
    this.saveStatus = 'saving';
    const next = this.queue.then(async () => {
      try {
        this.history = await backend().applyEditLean(op);
        this.error = null;
        this.saveStatus = 'saved';
        return true;
      } catch (err) {
        this.error = AppError.from(err);
        this.saveStatus = 'saved';
        try {
          this.load(await backend().currentDocument());
        } catch {
          this.saveStatus = 'error';
        }
        return false;
      }
    });
    this.queue = next;
    return next;
  }

  /** Imports a standards framework (one undoable edit); resolves to the import's summary, or null. */
  importFramework(path: string | null = null): Promise<string | null> {
    this.saveStatus = 'saving';
    const next = this.queue.then(async () => {
      try {
        const outcome = await backend().importFramework(path);
        if (outcome) this.load(outcome.state);
        this.error = null;
        this.saveStatus = 'saved';
        return outcome?.summary ?? null;
      } catch (err) {
        this.error = AppError.from(err);
        this.saveStatus = 'saved';
        return null;
      }
    });
    this.queue = next;
    return next;
  }

  /** Shows a toast for a few seconds. */
  notify(message: string, undo = false): void {
    this.notice = { message, undo };
    const mine = this.notice;
    setTimeout(() => {
      if (this.notice === mine) this.notice = null;
    }, 6000);
  }

  undo(): Promise<boolean> {
    this.notice = null;
    if (this.history.undoDepth === 0) return Promise.resolve(false);
    return this.run(() => backend().undo());
  }

  redo(): Promise<boolean> {
    if (this.history.redoDepth === 0) return Promise.resolve(false);
    return this.run(() => backend().redo());
  }

  /**
   * Takes over a change that did not come from this window's edits (the files of an open
   * folder changed on disk), after the edits in flight; the selection stays where it is.
   */
  receive(patch: DocumentPatch, history: History): Promise<void> {
    const next = this.queue.then(() => this.take({ patch, history }));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Waits until every queued edit is committed. */
  settled(): Promise<unknown> {
    return this.queue;
  }

  /**
   * Takes over a committed change: the patch turns the local copy into the committed version
   * (sharing every unchanged entity). A patch made from another version than the local copy
   * reloads the committed document instead.
   */
  private async take(change: DocumentChange): Promise<void> {
    this.history = change.history;
    if (!this.document) return;
    try {
      this.document = applyPatch(this.document, change.patch);
    } catch (err) {
      if (!(err instanceof PatchMismatch)) throw err;
      this.load(await backend().currentDocument());
      return;
    }
    this.revision += 1;
    this.fixSelection();
  }

  private run(step: () => Promise<DocumentChange>): Promise<boolean> {
    this.saveStatus = 'saving';
    const next = this.queue.then(async () => {
      try {
        await this.take(await step());
        this.error = null;
        this.saveStatus = 'saved';
        return true;
      } catch (err) {
        this.error = AppError.from(err);
        this.saveStatus = this.error.code === 'validation' || this.error.code === 'notFound' || this.error.code === 'historyEmpty' ? 'saved' : 'error';
        return false;
      }
    });
    this.queue = next;
    return next;
  }

  /** After undo or delete the selected entity may be gone: fall back to its node or the root. */
  private fixSelection(): void {
    const sel = this.selection;
    if (sel.kind === 'curriculum') return;
    const ix = this.index;
    const exists =
      (sel.kind === 'node' && ix.node(sel.id)) ||
      (sel.kind === 'objective' && ix.objective(sel.id)) ||
      (sel.kind === 'activity' && ix.activity(sel.id)) ||
      (sel.kind === 'assessment' && ix.assessment(sel.id)) ||
      (sel.kind === 'rubric' && ix.rubric(sel.id));
    if (!exists) this.selection = { kind: 'curriculum' };
  }
}

/** The store of this window. */
export const documentStore = new DocumentStore();
