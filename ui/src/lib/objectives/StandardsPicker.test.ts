import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import StandardsPicker from './StandardsPicker.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { setBackend } from '../ipc/client';
import { MockBackend } from '../ipc/mock';
import { sampleDocument } from '../document/factories';
import { newId } from '../util/ids';

afterEach(() => cleanup());

async function withFramework() {
  const doc = sampleDocument();
  const framework = { id: newId(), identifier: 'gaise', uri: '', title: 'GAISE', creator: '', version: '', language: 'en', source: 'manual', extra: null };
  const item = (code: string, statement: string) => ({
    id: newId(), framework: framework.id, parent: null, identifier: code, uri: '', code, statement, abbreviated: '', itemType: 'Standard', extra: null,
  });
  doc.frameworks = [framework];
  doc.standardItems = [item('S.ID.2', 'Use statistics appropriate to the shape of the data to compare center and spread'), item('S.IC.1', 'Understand statistics as a process for making inferences')];
  const mock = new MockBackend({ document: doc });
  setBackend(mock);
  ds.close();
  ds.load(await mock.currentDocument());
  return mock;
}

test('searching finds standards by code or words and a checkbox links one', async () => {
  const mock = await withFramework();
  const objective = ds.document!.objectives.find((o) => o.code === 'L1.2a')!;
  const { rerender } = render(StandardsPicker, { objective });
  await fireEvent.input(screen.getByLabelText('Find a standard'), { target: { value: 'center spread' } });
  const box = screen.getByRole('checkbox', { name: /S\.ID\.2/ });
  expect(screen.queryByRole('checkbox', { name: /S\.IC\.1/ })).toBeNull();
  await fireEvent.click(box);
  await ds.settled();
  const saved = ds.index.objective(objective.id)!;
  expect(saved.standards).toEqual([ds.document!.standardItems[0].id]);
  expect(mock.calls.at(-1)).toMatchObject({ args: { op: { op: 'link', link: { type: 'objectiveStandard' } } } });
  await rerender({ objective: saved });
  expect(screen.getAllByRole('checkbox', { name: /S\.ID\.2/ })[0]).toHaveProperty('checked', true);
});

test('a framework can be imported from the picker as one undoable edit', async () => {
  const mock = new MockBackend({ document: sampleDocument() });
  setBackend(mock);
  ds.close();
  ds.load(await mock.currentDocument());
  const objective = ds.document!.objectives[0];
  render(StandardsPicker, { objective });
  await fireEvent.click(screen.getByRole('button', { name: /Import a framework/ }));
  await ds.settled();
  expect(await screen.findByRole('status')).toHaveProperty('textContent', expect.stringContaining('GAISE'));
  expect(ds.document!.standardItems).toHaveLength(3);
  expect(ds.history.undoDepth).toBe(1);
  await ds.undo();
  expect(ds.document!.standardItems).toHaveLength(0);
});
