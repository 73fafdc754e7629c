import { afterEach, beforeEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import EvidenceView from './EvidenceView.svelte';
import EvidenceImportDialog from './EvidenceImportDialog.svelte';
import MasteryBadge from './MasteryBadge.svelte';
import { evidenceStore } from './evidenceStore.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openExample } from '../test-support';

beforeEach(() => evidenceStore.reset());
afterEach(() => cleanup());

const noop = () => {};

test('a document without evidence shows the call to import, and no badge', async () => {
  await openExample();
  let asked = 0;
  render(EvidenceView, { onImport: () => (asked += 1), onOpenObjective: noop });
  const empty = await screen.findByTestId('evidence-empty');
  expect(empty.textContent).toContain('No evidence of learning yet');
  await fireEvent.click(empty.querySelector('button')!);
  expect(asked).toBe(1);
  render(MasteryBadge, { id: ds.document!.objectives[6].id });
  expect(screen.queryByTestId('mastery-badge')).toBeNull();
});

test('an import shows its stages, then the report with the rows not matched and why', async () => {
  const mock = await openExample();
  render(EvidenceImportDialog, { onClose: noop });
  await screen.findByRole('option', { name: 'Canvas Outcome Results (CSV)' });
  await fireEvent.click(screen.getByRole('button', { name: 'Choose file and import…' }));
  expect(screen.getByRole('progressbar', { name: 'Evidence import progress' })).toBeTruthy();
  const title = await screen.findByText('Imported into “Fall 2025 outcomes”', {}, { timeout: 3000 });
  expect(title).toBeTruthy();
  expect(screen.getByText(/read as Canvas Outcome Results \(CSV\) \(told from the file\)/)).toBeTruthy();
  expect(screen.getByText(/unknown outcome/).closest('tr')?.textContent).toContain('218: Old outcome: regression');
  expect(mock.calls.find((c) => c.cmd === 'import_evidence')?.args).toEqual({ path: null, request: { source: null, cohort: null, term: '' } });
  expect(ds.history.undo).toBe('Import canvas-outcomes evidence into cohort Fall 2025 outcomes');
});

test('Cancel stops the import before it writes', async () => {
  const mock = await openExample();
  mock.evidenceMs = 3000;
  render(EvidenceImportDialog, { onClose: noop });
  await fireEvent.click(screen.getByRole('button', { name: 'Choose file and import…' }));
  await fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
  expect(await screen.findByText('Cancelled — nothing was imported.')).toBeTruthy();
  expect(mock.evidenceSteps).toEqual([]);
  expect(ds.history.undoDepth).toBe(0);
});

test('the heatmap is a keyboard grid: arrows move, Enter drills down into the objective', async () => {
  await openExample();
  await evidenceStore.importFile(null, { source: null, cohort: null, term: '' });
  render(EvidenceView, { onImport: noop, onOpenObjective: noop });
  const grid = await screen.findByRole('grid', {}, { timeout: 3000 });
  const cells = () => Array.from(grid.querySelectorAll<HTMLElement>('[role="gridcell"]'));
  expect(cells().filter((c) => c.tabIndex === 0)).toHaveLength(1);
  const first = cells()[0];
  first.focus();
  await fireEvent.keyDown(first, { key: 'ArrowDown' });
  const below = grid.querySelector<HTMLElement>('[data-row="1"][data-col="0"]')!;
  expect(document.activeElement).toBe(below);
  expect(below.querySelector('.visually-hidden')?.textContent).toMatch(/^CO2, Fall 2025 outcomes: \d+ of 12 learners reached mastery \(\d+ %\), mean score/);
  await fireEvent.keyDown(below, { key: 'Enter' });
  const drill = await screen.findByRole('heading', { name: /CO2/ });
  expect(drill.textContent).toContain(ds.document!.objectives[1].statement);
  expect(screen.getByText('Distribution of scores')).toBeTruthy();
  // A badge on the design once there is evidence.
  render(MasteryBadge, { id: ds.document!.objectives[1].id });
  expect(screen.getByTestId('mastery-badge').textContent).toMatch(/Mastery: \d+ of 12 learners/);
});

test('undo takes the import back and the view returns to its empty state', async () => {
  await openExample();
  await evidenceStore.importFile(null, { source: null, cohort: null, term: '' });
  render(EvidenceView, { onImport: noop, onOpenObjective: noop });
  await screen.findByRole('grid', {}, { timeout: 3000 });
  await ds.undo();
  evidenceStore.refresh(true);
  await waitFor(() => expect(screen.getByTestId('evidence-empty')).toBeTruthy());
  expect(ds.history.redo).toBe('Import canvas-outcomes evidence into cohort Fall 2025 outcomes');
});

test('the drill-down lists the item analysis rows of the quiz items aligned to the objective', async () => {
  const mock = await openExample();
  for (const file of ['Fall 2025 outcomes.csv', 'Spring 2026 outcomes.csv', 'Quiz 1 statements.jsonl']) {
    mock.evidencePick = `/home/designer/Downloads/${file}`;
    await evidenceStore.importFile(null, { source: null, cohort: null, term: '' });
  }
  render(EvidenceView, { onImport: noop, onOpenObjective: noop });
  const grid = await screen.findByRole('grid', {}, { timeout: 3000 });
  const row = Array.from(grid.querySelectorAll('tbody tr')).find((r) => r.querySelector('th')?.textContent?.trim() === 'U2.3')!;
  await fireEvent.click(row.querySelector('[role="gridcell"]')!);
  const table = (await screen.findByText(/^Quiz 1: Exploring and describing data: 8 complete learners/)).closest('table')!;
  const rows = Array.from(table.querySelectorAll('tbody tr'), (r) => Array.from(r.querySelectorAll('td'), (d) => d.textContent));
  expect(rows.map((r) => r[0])).toEqual(['3', '4']);
  expect(rows.every((r) => r[1] === '8')).toBe(true);
});
