// The Evidence view's presentation logic, kept out of the components so it is tested on its
// own: which grid the heatmap draws for a mode (objectives × cohorts, × sections or ×
// learners), the colour band and accessible name of each cell, the small mastery badge of an
// objective, and keyboard movement in the grid. Every figure comes from the library's analysis
// (`trellis::evidence::analysis`); nothing here computes mastery.
import type { EvidenceAnalysis, LearnerMasteryCell, MasteryCell } from '../ipc/types';

export type HeatMode = 'cohorts' | 'sections' | 'learners';

export const HEAT_MODES: { id: HeatMode; label: string }[] = [
  { id: 'cohorts', label: 'Cohorts' },
  { id: 'sections', label: 'Sections' },
  { id: 'learners', label: 'Learners' },
];

/** One drawn cell: its state, its colour band and the words it is announced with. */
export type HeatCell = {
  state: 'noEvidence' | 'notEnoughData' | 'measured';
  /** 0 (few reach mastery) … 4 (nearly all); -1 when there is no judgement. */
  band: number;
  /** What the cell shows (a percentage, a score, "…" or "—"). */
  text: string;
  /** The exact figures, in a sentence (accessible name and tooltip). */
  label: string;
};

export type HeatRow = { id: string; code: string };
export type HeatGrid = { rows: HeatRow[]; columns: { key: string; label: string }[]; cells: HeatCell[][] };

/** The share bands' upper bounds: below 25 %, 50 %, 70 % (the default gap threshold), 85 %, then the rest. */
const BANDS = [0.25, 0.5, 0.7, 0.85];

/** The colour band of a share of learners reaching mastery (0–4). */
export function shareBand(share: number): number {
  const i = BANDS.findIndex((b) => share < b);
  return i === -1 ? BANDS.length : i;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function number(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A group cell (a cohort, a section, everyone) as drawn, with `where` naming its row and column. */
export function groupCell(cell: MasteryCell, where: string): HeatCell {
  switch (cell.state) {
    case 'noEvidence':
      return { state: 'noEvidence', band: -1, text: '—', label: `${where}: no evidence` };
    case 'notEnoughData':
      return {
        state: 'notEnoughData',
        band: -1,
        text: '…',
        label: `${where}: not enough data (${cell.learners} learner${cell.learners === 1 ? '' : 's'} with results, none judged yet)`,
      };
    case 'measured':
      return {
        state: 'measured',
        band: shareBand(cell.share),
        text: percent(cell.share),
        label: `${where}: ${cell.mastered} of ${cell.n} learners reached mastery (${percent(cell.share)}), mean score ${number(cell.mean)}`,
      };
  }
}

/** A learner cell as drawn; `pointsPossible` scales the score to a colour band. */
export function learnerCell(cell: LearnerMasteryCell, where: string, pointsPossible: number): HeatCell {
  switch (cell.state) {
    case 'noEvidence':
      return { state: 'noEvidence', band: -1, text: '—', label: `${where}: no evidence` };
    case 'notEnoughData':
      return { state: 'notEnoughData', band: -1, text: '…', label: `${where}: not enough data (${cell.results} result${cell.results === 1 ? '' : 's'})` };
    case 'scored':
      return {
        state: 'measured',
        band: shareBand(pointsPossible > 0 ? cell.score / pointsPossible : 0),
        text: number(cell.score),
        label: `${where}: score ${number(cell.score)} of ${number(pointsPossible)}, ${cell.mastered ? 'mastered' : 'not mastered'} (${cell.results} result${cell.results === 1 ? '' : 's'})`,
      };
  }
}

/** The grid of a mode: rows are the objectives, columns the mode's groups. */
export function buildGrid(analysis: EvidenceAnalysis, mode: HeatMode): HeatGrid {
  const rows = analysis.heatmap.objectives.map((o) => ({ id: o.id, code: o.code || o.id.slice(0, 8) }));
  if (mode === 'learners') {
    const learners = analysis.learners;
    const top = new Map(analysis.distributions.map((d) => [d.objective.id, d.bands.at(-1)?.to ?? 0]));
    const byId = new Map(learners.objectives.map((o, i) => [o.id, i]));
    return {
      rows,
      columns: learners.learners.map((l) => ({ key: l, label: l.slice(0, 6) })),
      cells: rows.map((r) => {
        const i = byId.get(r.id);
        return learners.learners.map((l, j) =>
          i === undefined
            ? groupCell({ state: 'noEvidence' }, `${r.code}, learner ${l}`)
            : learnerCell(learners.cells[i][j], `${r.code}, learner ${l}`, top.get(r.id) ?? 0),
        );
      }),
    };
  }
  const columns = analysis.heatmap.columns.filter((c) => c.kind === (mode === 'cohorts' ? 'cohort' : 'section'));
  const named = columns.map((c) => ({ key: `${c.cohort}\u0000${c.section}`, label: mode === 'cohorts' ? c.cohort : `${c.cohort} · ${c.section}` }));
  const all = mode === 'cohorts' && columns.length > 1;
  return {
    rows,
    columns: all ? [...named, { key: '\u0000all', label: 'All cohorts' }] : named,
    cells: rows.map((r, i) => {
      const cells = columns.map((c, j) => groupCell(c.cells[i], `${r.code}, ${named[j].label}`));
      if (all) cells.push(groupCell(analysis.heatmap.overall[i], `${r.code}, all cohorts`));
      return cells;
    }),
  };
}

/** An objective's badge on the design: null without evidence (no badge), else its text and words. */
export function masteryBadge(cell: MasteryCell | undefined, threshold = 0.7): { text: string; label: string; gap: boolean; pending: boolean } | null {
  if (!cell || cell.state === 'noEvidence') return null;
  if (cell.state === 'notEnoughData') {
    return { text: '…', label: `Mastery: not enough data yet (${cell.learners} learner${cell.learners === 1 ? '' : 's'} with results)`, gap: false, pending: true };
  }
  return {
    text: `${Math.round(cell.share * 100)}%`,
    label: `Mastery: ${cell.mastered} of ${cell.n} learners (${percent(cell.share)})${cell.share < threshold ? ', below the target' : ''}`,
    gap: cell.share < threshold,
    pending: false,
  };
}

/** A position in the grid. */
export type Pos = { row: number; col: number };

/**
 * Where a key moves the focus in a grid of `rows` × `cols`: arrows by one cell, Home/End to the
 * row's ends (with Ctrl: the grid's corners), PageUp/PageDown by `page` rows. Null for keys
 * that do not move.
 */
export function moveFocus(pos: Pos, key: string, rows: number, cols: number, ctrl = false, page = 10): Pos | null {
  if (rows === 0 || cols === 0) return null;
  const clamp = (p: Pos): Pos => ({ row: Math.max(0, Math.min(rows - 1, p.row)), col: Math.max(0, Math.min(cols - 1, p.col)) });
  switch (key) {
    case 'ArrowUp': return clamp({ row: pos.row - 1, col: pos.col });
    case 'ArrowDown': return clamp({ row: pos.row + 1, col: pos.col });
    case 'ArrowLeft': return clamp({ row: pos.row, col: pos.col - 1 });
    case 'ArrowRight': return clamp({ row: pos.row, col: pos.col + 1 });
    case 'Home': return ctrl ? { row: 0, col: 0 } : { row: pos.row, col: 0 };
    case 'End': return ctrl ? { row: rows - 1, col: cols - 1 } : { row: pos.row, col: cols - 1 };
    case 'PageUp': return clamp({ row: pos.row - page, col: pos.col });
    case 'PageDown': return clamp({ row: pos.row + page, col: pos.col });
    default: return null;
  }
}
