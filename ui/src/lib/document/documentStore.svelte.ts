// The open document as the UI sees it. Every change goes through `apply`, which sends one
// EditOp to the backend (one store transaction and one undo step: that is the autosave) and
// brings the local copy to what the store committed (light edits are applied here at once, the
// others come back as a patch). Edits are queued, so fast typing and clicking never reorder or
// overlap.
//
// A large document opens in two steps (see docs/desktop.md, "Speed"): `load` takes its outline
// (the document without `REST_FIELDS`, which stand empty meanwhile) and `completeLoad` fetches
// the remainder after the outline is painted and merges it. Until then `complete` is false:
// every edit, undo and redo waits for the remainder (none ever runs on half a document), and the
// views that read the remainder show that it is loading.
import { backend, REST_FIELDS, type OpeningState } from '../ipc/client';
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
  /** False while only the outline of a large document is here (its remainder is coming). */
  complete = $state(true);

  private queue: Promise<unknown> = Promise.resolve();
  /** The remainder being waited for: its version, and the gate the queue waits on. */
  private pending: { version: number; promise: Promise<void>; open: () => void } | null = null;

  get isOpen(): boolean {
    return this.document !== null;
  }

  /**
   * Takes over a state the backend returned (open, create, edit, undo). An outline (`rest` set)
   * stands for the whole document until `completeLoad` brings the remainder; a whole state
   * replaces any half-loaded one.
   */
  load(state: DocumentState | OpeningState | null): void {
    if (!state) return;
    const fresh = state.path !== this.path;
    this.pending?.open();
    this.pending = null;
    this.path = state.path;
    if ('rest' in state && state.rest !== undefined) {
      const empty = Object.fromEntries(REST_FIELDS.filter((f) => f !== 'translations').map((f) => [f, []]));
      this.document = { ...empty, ...state.document } as Document;
      this.complete = false;
      let open = () => {};
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.pending = { version: state.rest, promise, open };
      // Edits, undo and redo queue behind the remainder.
      this.queue = this.queue.then(() => promise);
    } else {
      this.document = state.document as Document;
      this.complete = true;
    }
    this.history = state.history;
    this.revision += 1;
    if (fresh) this.selection = { kind: 'curriculum' };
    this.fixSelection();
  }

  /**
   * Fetches the remainder of a half-loaded document and merges it into the outline (nothing to
   * do for a whole one). A remainder that no longer matches the outline, or that fails, is
   * replaced by reading the whole document; if that fails too, the error shows and edits stay
   * refused. `mark` is told when the remainder arrived, was decompressed and parsed.
   */
  async completeLoad(mark?: (step: string) => void): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    try {
      const rest = await backend().documentRest(pending.version, mark);
      if (this.pending !== pending) return;
      if (rest && this.document) {
        this.document = { ...this.document, ...rest };
        this.complete = true;
        this.fixSelection();
      } else {
        const whole = await backend().currentDocument();
        if (this.pending === pending) this.load(whole);
      }
    } catch (err) {
      if (this.pending !== pending) return;
      this.error = AppError.from(err);
      try {
        const whole = await backend().currentDocument();
        if (this.pending === pending) this.load(whole);
      } catch {
        this.saveStatus = 'error';
      }
    } finally {
      if (this.pending === pending) this.pending = null;
      pending.open();
    }
  }

  close(): void {
    this.pending?.open();
    this.pending = null;
    this.complete = true;
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
   * document is reloaded. Other edits, and every edit while the document is half loaded, answer
   * with a patch from the local copy to the committed version.
   */
  apply(op: EditOp): Promise<boolean> {
    // On half a document (the remainder still coming) every edit queues behind the remainder
    // and is answered with a patch: nothing is applied to the outline alone.
    if (!isLight(op) || !this.document || !this.complete) return this.run(() => backend().applyEdit(op));
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
      if (!this.whole()) {
        this.saveStatus = 'saved';
        return null;
      }
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
    if (!this.complete) {
      // A change from elsewhere while the remainder never came: read the whole document.
      this.load(await backend().currentDocument());
      return;
    }
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

  /** Whether the whole document is here; if not (its remainder failed to come), says so. */
  private whole(): boolean {
    if (this.complete) return true;
    this.error = new AppError('internal', 'The document has not finished loading, so it cannot be changed. Close it and open it again.');
    return false;
  }

  private run(step: () => Promise<DocumentChange>): Promise<boolean> {
    this.saveStatus = 'saving';
    const next = this.queue.then(async () => {
      if (!this.whole()) {
        this.saveStatus = 'error';
        return false;
      }
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
