import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import AlignmentMatrix from './AlignmentMatrix.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';

afterEach(() => cleanup());

test('clicking a cell links the objective, clicking again unlinks it', async () => {
  const mock = await openSample();
  render(AlignmentMatrix);
  const cell = () => screen.getByRole('button', { name: /Link L2\.1a and assessment Critique a news claim|Unlink L2\.1a and assessment Critique a news claim/ });
  expect(cell().getAttribute('aria-pressed')).toBe('false');
  await fireEvent.click(cell());
  await ds.settled();
  const task = ds.document!.assessments.find((a) => a.title === 'Critique a news claim')!;
  const l21 = ds.document!.objectives.find((o) => o.code === 'L2.1a')!;
  expect(task.objectives).toContain(l21.id);
  expect(cell().getAttribute('aria-pressed')).toBe('true');
  expect(mock.calls.at(-1)).toMatchObject({ cmd: 'apply_edit_lean', args: { op: { op: 'link', link: { type: 'assessmentObjective' } } } });
  await fireEvent.click(cell());
  await ds.settled();
  expect(ds.document!.assessments.find((a) => a.id === task.id)!.objectives).not.toContain(l21.id);
});

test('objectives without an assessment are marked as gaps', async () => {
  await openSample();
  render(AlignmentMatrix);
  const row = screen.getByRole('button', { name: 'L2.1a' }).closest('tr')!;
  expect(row.classList.contains('gap')).toBe(true);
  const assessedRow = screen.getByRole('button', { name: 'L1.2a' }).closest('tr')!;
  expect(assessedRow.classList.contains('gap')).toBe(false);
});
