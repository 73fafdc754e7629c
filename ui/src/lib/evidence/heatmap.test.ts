import { expect, test } from 'vitest';
import { buildGrid, groupCell, learnerCell, masteryBadge, moveFocus, shareBand } from './heatmap';
import { fixtureEvidence } from '../ipc/mockFixtures';
import type { EvidenceAnalysis } from '../ipc/types';

const origin = { example: 'intro-statistics', ops: [] };
const twoCohorts = (): EvidenceAnalysis =>
  fixtureEvidence(origin, ['import:Fall 2025 outcomes.csv', 'import:Spring 2026 outcomes.csv']).analysis!;

test('cells are coloured by the share of learners reaching mastery, in five bands', () => {
  expect([0, 0.24, 0.25, 0.49, 0.5, 0.69, 0.7, 0.84, 0.85, 1].map(shareBand)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  const cell = groupCell({ state: 'measured', n: 12, mastered: 9, share: 0.75, mean: 3.1 }, 'U1.1, Fall');
  expect(cell).toEqual({ state: 'measured', band: 3, text: '75 %', label: 'U1.1, Fall: 9 of 12 learners reached mastery (75 %), mean score 3.10' });
});

test('"not enough data" and "no evidence" are never shown as a share', () => {
  const pending = groupCell({ state: 'notEnoughData', learners: 4 }, 'U2.3, Fall');
  expect(pending).toMatchObject({ state: 'notEnoughData', band: -1, text: '…' });
  expect(pending.label).toBe('U2.3, Fall: not enough data (4 learners with results, none judged yet)');
  const none = groupCell({ state: 'noEvidence' }, 'U5.1, Fall');
  expect(none).toMatchObject({ state: 'noEvidence', band: -1, text: '—', label: 'U5.1, Fall: no evidence' });
  expect(learnerCell({ state: 'scored', score: 1, mastered: false, results: 2 }, 'x', 4)).toMatchObject({ band: 1, text: '1' });
  expect(learnerCell({ state: 'notEnoughData', results: 1 }, 'x', 4).label).toBe('x: not enough data (1 result)');
});

test('the grid follows the mode: cohorts with an "all cohorts" column, sections, learners', () => {
  const a = twoCohorts();
  const cohorts = buildGrid(a, 'cohorts');
  expect(cohorts.columns.map((c) => c.label)).toEqual(['Fall 2025 outcomes', 'Spring 2026 outcomes', 'All cohorts']);
  expect(cohorts.rows).toHaveLength(a.heatmap.objectives.length);
  expect(cohorts.cells.every((row) => row.length === 3)).toBe(true);
  const u = cohorts.rows.findIndex((r) => r.code === 'L2.3.1');
  expect(cohorts.cells[u][2].state).toBe('noEvidence');
  const sections = buildGrid(a, 'sections');
  expect(sections.columns.map((c) => c.label)).toEqual([
    'Fall 2025 outcomes · Section 01', 'Fall 2025 outcomes · Section 02', 'Spring 2026 outcomes · Section 01', 'Spring 2026 outcomes · Section 02',
  ]);
  const learners = buildGrid(a, 'learners');
  // 12 + 10 learners, two of whom are in both cohorts (one column each).
  expect(learners.columns).toHaveLength(20);
  expect(learners.cells[0]).toHaveLength(20);
  // The learner heatmap is asked for only when shown; without it, no learner columns.
  expect(buildGrid({ ...a, learners: { objectives: [], learners: [], cells: [] } }, 'learners').columns).toEqual([]);
});

test('the "not enough data" cells of an objective whose policy needs more results are kept apart', () => {
  const a = fixtureEvidence(origin, ['import:Fall 2025 outcomes.csv', 'import:Spring 2026 outcomes.csv', 'policy:U2.3']).analysis!;
  const grid = buildGrid(a, 'cohorts');
  const row = grid.rows.findIndex((r) => r.code === 'U2.3');
  expect(grid.cells[row].map((c) => c.state)).toEqual(['notEnoughData', 'notEnoughData', 'notEnoughData']);
});

test('arrow keys move by one cell and stop at the edges; Home/End, Ctrl and paging jump', () => {
  const at = { row: 1, col: 1 };
  expect(moveFocus(at, 'ArrowUp', 5, 3)).toEqual({ row: 0, col: 1 });
  expect(moveFocus(at, 'ArrowDown', 5, 3)).toEqual({ row: 2, col: 1 });
  expect(moveFocus(at, 'ArrowLeft', 5, 3)).toEqual({ row: 1, col: 0 });
  expect(moveFocus(at, 'ArrowRight', 5, 3)).toEqual({ row: 1, col: 2 });
  expect(moveFocus({ row: 0, col: 0 }, 'ArrowUp', 5, 3)).toEqual({ row: 0, col: 0 });
  expect(moveFocus({ row: 4, col: 2 }, 'ArrowRight', 5, 3)).toEqual({ row: 4, col: 2 });
  expect(moveFocus(at, 'Home', 5, 3)).toEqual({ row: 1, col: 0 });
  expect(moveFocus(at, 'End', 5, 3, true)).toEqual({ row: 4, col: 2 });
  expect(moveFocus(at, 'PageDown', 5, 3)).toEqual({ row: 4, col: 1 });
  expect(moveFocus(at, 'a', 5, 3)).toBeNull();
  expect(moveFocus(at, 'ArrowDown', 0, 0)).toBeNull();
});

test('the design shows a badge only when there is evidence, marked below the target', () => {
  expect(masteryBadge(undefined)).toBeNull();
  expect(masteryBadge({ state: 'noEvidence' })).toBeNull();
  expect(masteryBadge({ state: 'measured', n: 10, mastered: 5, share: 0.5, mean: 2.5 })).toEqual({
    text: '50%', label: 'Mastery: 5 of 10 learners (50 %), below the target', gap: true, pending: false,
  });
  expect(masteryBadge({ state: 'measured', n: 10, mastered: 8, share: 0.8, mean: 3.2 })?.gap).toBe(false);
  expect(masteryBadge({ state: 'notEnoughData', learners: 3 })?.pending).toBe(true);
});
