import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import CurriculumEditor from './CurriculumEditor.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';

afterEach(() => cleanup());

const PROFILE = JSON.stringify({
  format: 'trellis-objective-profile',
  version: 1,
  name: 'stats-dept',
  rows: 64,
  verbs: { interpret: { level: 'apply', builtin: 'understand', support: 32, share: 1 } },
  model: { alpha: 1, features: [], classes: [], weights: [], intercepts: [], margin: 0.693147 },
});

function pick(input: HTMLInputElement, name: string, text: string) {
  const file = new File([text], name, { type: 'application/json' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  return fireEvent.change(input);
}

test('the designer loads a calibration profile into the document and clears it again', async () => {
  await openSample();
  render(CurriculumEditor, { curriculum: ds.document!.curriculum });
  expect(screen.getByTestId('objective-convention').textContent).toContain('built-in rules');
  const input = screen.getByLabelText(/Load a calibration profile/) as HTMLInputElement;

  await pick(input, 'notes.json', '{"hello": 1}');
  await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('not a calibration profile'));
  expect(ds.document!.curriculum.objectiveProfile).toBeUndefined();

  await pick(input, 'stats-dept.json', PROFILE);
  await waitFor(() => expect(ds.document!.curriculum.objectiveProfile).toBe(PROFILE));
  cleanup();
  render(CurriculumEditor, { curriculum: ds.document!.curriculum });
  expect(screen.getByTestId('objective-convention').textContent).toContain('“stats-dept” convention');

  await fireEvent.click(screen.getByRole('button', { name: 'Use the built-in rules' }));
  await waitFor(() => expect(ds.document!.curriculum.objectiveProfile).toBeUndefined());
});
