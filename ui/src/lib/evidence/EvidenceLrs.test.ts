import { afterEach, beforeEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import EvidenceImportDialog from './EvidenceImportDialog.svelte';
import EvidenceView from './EvidenceView.svelte';
import { evidenceStore } from './evidenceStore.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openExample } from '../test-support';

beforeEach(() => evidenceStore.reset());
afterEach(() => cleanup());

const noop = () => {};

async function fillLrs(password = 's3cret') {
  await fireEvent.click(screen.getByRole('radio', { name: 'A Learning Record Store (LRS)' }));
  await fireEvent.input(screen.getByLabelText('LRS address (xAPI endpoint)'), { target: { value: ' https://lrs.example.edu/xapi/ ' } });
  await fireEvent.input(screen.getByLabelText('User'), { target: { value: 'teacher' } });
  await fireEvent.input(screen.getByLabelText('Password (used for this import only, not stored)'), { target: { value: password } });
  await fireEvent.input(screen.getByLabelText('Stored since (optional)'), { target: { value: '2026-02-01' } });
}

/** Imports the two outcome reports the mock's fixtures hold before their xAPI statements. */
async function twoCohorts(mock: Awaited<ReturnType<typeof openExample>>) {
  for (const file of ['Fall 2025 outcomes.csv', 'Spring 2026 outcomes.csv']) {
    mock.evidencePick = `/home/designer/Downloads/${file}`;
    await evidenceStore.importFile(null, { source: null, cohort: null, term: '' });
  }
}

test('an LRS import sends the address, user, password and filters, shows its progress, then the report', async () => {
  const mock = await openExample();
  // The mock's LRS answers with the statements its fixtures import after two outcome reports.
  await twoCohorts(mock);
  const sent: unknown[] = [];
  const real = mock.importEvidenceLrs.bind(mock);
  mock.importEvidenceLrs = (request, onProgress) => {
    sent.push(structuredClone(request));
    return real(request, onProgress);
  };
  render(EvidenceImportDialog, { onClose: noop });
  const start = () => screen.getByRole('button', { name: 'Read from the LRS and import' });
  await fireEvent.click(screen.getByRole('radio', { name: 'A Learning Record Store (LRS)' }));
  expect((start() as HTMLButtonElement).disabled).toBe(true);
  await fillLrs();
  expect((start() as HTMLButtonElement).disabled).toBe(false);
  await fireEvent.click(start());
  expect(screen.getByRole('progressbar', { name: 'Evidence import progress' })).toBeTruthy();
  expect(await screen.findByText('Imported into “Quiz 1 statements”', {}, { timeout: 3000 })).toBeTruthy();
  expect(screen.getByText(/Statements read from https:\/\/lrs\.example\.edu\/xapi\/ as xAPI statements/)).toBeTruthy();
  expect(sent).toEqual([
    {
      endpoint: 'https://lrs.example.edu/xapi/',
      user: 'teacher',
      password: 's3cret',
      since: '2026-02-01',
      until: null,
      activity: null,
      cohort: null,
      term: '',
    },
  ]);
  // The password was for that import only: the field is empty and nothing kept it.
  expect((screen.getByLabelText('Password (used for this import only, not stored)') as HTMLInputElement).value).toBe('');
  expect(JSON.stringify(mock.calls)).not.toContain('s3cret');
  expect(JSON.stringify({ ...localStorage })).not.toContain('s3cret');
  expect(JSON.stringify(evidenceStore)).not.toContain('s3cret');
  expect(ds.history.undo).toBe('Import xapi evidence from https://lrs.example.edu into cohort Quiz 1 statements');
});

test('Cancel stops an LRS import before it writes', async () => {
  const mock = await openExample();
  mock.evidenceMs = 3000;
  render(EvidenceImportDialog, { onClose: noop });
  await fillLrs();
  await fireEvent.click(screen.getByRole('button', { name: 'Read from the LRS and import' }));
  expect(await screen.findByText(/^Connecting to https:\/\/lrs\.example\.edu/)).toBeTruthy();
  await fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
  expect(await screen.findByText('Cancelled — nothing was imported.')).toBeTruthy();
  expect(mock.evidenceSteps).toEqual([]);
  expect(ds.history.undoDepth).toBe(0);
});

test('an LRS that refuses is named in an alert, and the password is cleared', async () => {
  const mock = await openExample();
  mock.lrsRefusal = 'https://lrs.example.edu/xapi/statements: the LRS answered HTTP 401 Unauthorized (check --lrs-user and TRELLIS_LRS_PASSWORD)';
  render(EvidenceImportDialog, { onClose: noop });
  await fillLrs('wrong');
  await fireEvent.click(screen.getByRole('button', { name: 'Read from the LRS and import' }));
  expect((await screen.findByRole('alert')).textContent).toContain('HTTP 401');
  expect((screen.getByLabelText('Password (used for this import only, not stored)') as HTMLInputElement).value).toBe('');
  expect(mock.evidenceSteps).toEqual([]);
});

test('the drill-down shows the options chosen of a choice item, with the upper and lower groups', async () => {
  const mock = await openExample();
  for (const file of ['Fall 2025 outcomes.csv', 'Spring 2026 outcomes.csv', 'Quiz 1 statements.jsonl']) {
    mock.evidencePick = `/home/designer/Downloads/${file}`;
    await evidenceStore.importFile(null, { source: null, cohort: null, term: '' });
  }
  render(EvidenceView, { onImport: noop, onOpenObjective: noop });
  const grid = await screen.findByRole('grid', {}, { timeout: 3000 });
  const row = Array.from(grid.querySelectorAll('tbody tr')).find((r) => r.querySelector('th')?.textContent?.trim() === 'U1.4')!;
  await fireEvent.click(row.querySelector('[role="gridcell"]')!);
  const table = await screen.findByTestId('distractors');
  expect(table.querySelector('caption')?.textContent).toContain('Item 1: options chosen by the 8 learners');
  const rows = Array.from(table.querySelectorAll('tbody tr'), (r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent?.trim()));
  expect(rows.map((r) => r[0]?.slice(0, 7))).toEqual(['A Vitam', 'B (key)', 'C Vitam', 'D The r']);
  expect(rows[0].slice(1)).toEqual(['13 % (1)', '0 %', '33 %', '']);
  expect(rows[1].slice(1)).toEqual(['63 % (5)', '100 %', '0 %', '']);
  expect(rows[3].slice(1)).toEqual(['0 % (0)', '0 %', '0 %', 'never chosen']);
});
