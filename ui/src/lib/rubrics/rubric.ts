// Rubric checks shown while editing (the library's analysis reports the same in findings), and
// the reorder logic of the grid (criteria rows and level columns; drag and keyboard share it).
import type { Rubric } from '../ipc/types';

export function rubricProblems(r: Rubric): string[] {
  const out: string[] = [];
  for (let i = 1; i < r.levels.length; i++) {
    if (r.levels[i].points <= r.levels[i - 1].points) {
      out.push(`Level “${r.levels[i].label}” is worth ${r.levels[i].points} points, not more than “${r.levels[i - 1].label}”.`);
    }
  }
  for (const c of r.criteria) {
    const missing = r.levels.filter((l) => !c.descriptors.some((d) => d.level === l.id && d.text.trim()));
    if (missing.length) out.push(`Criterion “${c.title}” has no descriptor for ${missing.map((l) => l.label).join(', ')}.`);
    if (!c.objective) out.push(`Criterion “${c.title}” is not aligned to an objective.`);
  }
  return out;
}

/** Highest score: top level points × sum of criterion weights. */
export function maxPoints(r: Rubric): number {
  const top = Math.max(0, ...r.levels.map((l) => l.points));
  return top * r.criteria.reduce((s, c) => s + c.weight, 0);
}

/** Which side of the item under the pointer a dragged item lands on. */
export type DropSide = 'before' | 'after';

/** The list with the item at `from` moved to index `to` (an index of the resulting list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(next.length, to)), 0, item);
  return next;
}

/** Index the item at `from` takes when dropped on `side` of the item at `over`; null when the drop changes nothing. */
export function dropIndex(from: number, over: number, side: DropSide): number | null {
  let to = side === 'before' ? over : over + 1;
  if (to > from) to -= 1;
  return to === from ? null : to;
}

/** The side of an element (its extent along the drag axis) a pointer position falls on. */
export function sideAt(pos: number, start: number, size: number): DropSide {
  return pos < start + size / 2 ? 'before' : 'after';
}

/** The rubric with criterion `from` moved to `to`; null when out of range or unchanged. */
export function reorderCriteria(r: Rubric, from: number, to: number): Rubric | null {
  if (from === to || from < 0 || to < 0 || from >= r.criteria.length || to >= r.criteria.length) return null;
  return { ...r, criteria: moveItem(r.criteria, from, to) };
}

/** The rubric with level (column) `from` moved to `to`; descriptors follow their level by id. */
export function reorderLevels(r: Rubric, from: number, to: number): Rubric | null {
  if (from === to || from < 0 || to < 0 || from >= r.levels.length || to >= r.levels.length) return null;
  return { ...r, levels: moveItem(r.levels, from, to) };
}
