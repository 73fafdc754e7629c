// Rubric checks shown while editing (the library's analysis reports the same in findings).
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
