// `trellis::model::DocumentPatch` in TypeScript: the answer to edits the UI cannot predict
// (deletes with their cascades, moves, review status, snapshots) and to undo and redo. Applying
// it makes a new document that shares every unchanged entity with the old one, so a change
// to a 40-course curriculum costs what changed, not the whole document. `patchBetween` is the
// same difference computed here; the mock backend answers with it.
import type { Document, DocumentPatch, ListPatch } from '../ipc/types';

type Keyed = { id: string };

/** The document's entity lists, by their name in `Document` and `DocumentPatch`. */
const LISTS = [
  'nodes',
  'objectives',
  'frameworks',
  'standardItems',
  'associations',
  'activities',
  'assessments',
  'rubrics',
  'comments',
  'reviewEvents',
  'snapshots',
  'assets',
] as const satisfies readonly (keyof Document & keyof DocumentPatch)[];

/** A patch that names an entity the document does not have: it was made from another version. */
export class PatchMismatch extends Error {}

function applyList<T extends Keyed>(list: T[], patch: ListPatch<T> | null | undefined, what: string): T[] {
  if (!patch) return list;
  const changed = new Map(patch.changed.map((e) => [e.id, e]));
  if (!patch.order) {
    let replaced = 0;
    const next = list.map((e) => {
      const fresh = changed.get(e.id);
      if (!fresh) return e;
      replaced += 1;
      return fresh;
    });
    if (replaced !== changed.size) throw new PatchMismatch(`the change names a ${what} this window does not have`);
    return next;
  }
  const before = new Map(list.map((e) => [e.id, e]));
  return patch.order.map((id) => {
    const entity = changed.get(id) ?? before.get(id);
    if (!entity) throw new PatchMismatch(`the change keeps ${what} ${id}, which this window does not have`);
    return entity;
  });
}

/** The document after `patch`; `doc` itself is left as it was. Throws `PatchMismatch`. */
export function applyPatch(doc: Document, patch: DocumentPatch): Document {
  const next: Document = { ...doc, curriculum: patch.curriculum ?? doc.curriculum };
  for (const name of LISTS) {
    (next[name] as Keyed[]) = applyList(doc[name] as Keyed[], patch[name] as ListPatch<Keyed> | null, name);
  }
  // Language variants come whole when any changed.
  if (patch.translations) next.translations = patch.translations;
  return next;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function listBetween<T extends Keyed>(old: T[], now: T[]): ListPatch<T> | null {
  const sameOrder = old.length === now.length && old.every((e, i) => e.id === now[i].id);
  if (sameOrder) {
    const changed = now.filter((e, i) => !same(old[i], e));
    return changed.length ? { order: null, changed } : null;
  }
  const before = new Map(old.map((e) => [e.id, e]));
  return { order: now.map((e) => e.id), changed: now.filter((e) => !same(before.get(e.id), e)) };
}

/** What turns `old` into `now` (the mock backend's answer; the real one comes from Rust). */
export function patchBetween(old: Document, now: Document): DocumentPatch {
  const patch = { curriculum: same(old.curriculum, now.curriculum) ? null : now.curriculum } as DocumentPatch;
  for (const name of LISTS) {
    (patch[name] as ListPatch<Keyed> | null) = listBetween(old[name] as Keyed[], now[name] as Keyed[]);
  }
  if (!same(old.translations ?? [], now.translations ?? [])) patch.translations = now.translations ?? [];
  return patch;
}
