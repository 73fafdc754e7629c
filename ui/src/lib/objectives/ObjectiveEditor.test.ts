import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ObjectiveEditor from './ObjectiveEditor.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';

afterEach(() => cleanup());

test('typing a statement suggests its Bloom level with the reason, and committing keeps it', async () => {
  const mock = await openSample();
  const objective = ds.document!.objectives.find((o) => o.code === 'L3.1a')!;
  render(ObjectiveEditor, { objective });
  const box = screen.getByLabelText('Statement') as HTMLTextAreaElement;
  await fireEvent.input(box, { target: { value: 'Compare two confidence intervals given their margins' } });
  await waitFor(() => expect(screen.getByTestId('analysis-reason').textContent).toContain('analyze'));
  expect(screen.getByTestId('analysis-convention').textContent).toContain('built-in rules');
  const suggested = screen.getByRole('radio', { name: /Analyze/ });
  expect(suggested.textContent).toContain('★');
  await fireEvent.blur(box);
  await ds.settled();
  const saved = ds.index.objective(objective.id)!;
  expect(saved.statement).toBe('Compare two confidence intervals given their margins');
  expect(saved.level).toBe('analyze');
  expect(saved.levelSource).toBe('inferred');
  expect(mock.calls.some((c) => c.cmd === 'analyze_objective')).toBe(true);
});

test('an unmeasurable verb is flagged with the library’s finding and suggestion', async () => {
  await openSample();
  // "Understand confidence intervals.": the library's O3 finding, from the mock's fixtures.
  const objective = ds.document!.objectives.find((o) => o.code === 'L3.1a')!;
  render(ObjectiveEditor, { objective });
  await waitFor(() => expect(screen.getAllByText(/"understand" is not measurable/).length).toBeGreaterThan(0));
  expect(screen.getByText(/Use an observable verb at the understand level: explain, describe/)).toBeTruthy();
});

test('picking a level marks it as the designer’s choice', async () => {
  await openSample();
  const objective = ds.document!.objectives.find((o) => o.code === 'CO1')!;
  render(ObjectiveEditor, { objective });
  await fireEvent.click(screen.getByRole('radio', { name: /Evaluate/ }));
  await ds.settled();
  expect(ds.index.objective(objective.id)).toMatchObject({ level: 'evaluate', levelSource: 'designer' });
});
