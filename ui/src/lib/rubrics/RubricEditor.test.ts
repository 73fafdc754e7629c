import { afterEach, expect, test, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import RubricEditor from './RubricEditor.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { setBackend } from '../ipc/client';
import { MockBackend } from '../ipc/mock';
import { sampleDocument } from '../document/factories';
import { newId } from '../util/ids';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The sample document with a three-criterion rubric, open in the store; the editor rendered. */
async function setup() {
  const doc = sampleDocument();
  const r = doc.rubrics[0];
  for (const title of ['Judges the inference', 'Cites the source']) {
    r.criteria.push({ id: newId(), title, description: '', weight: 1, objective: null, descriptors: r.levels.map((l) => ({ level: l.id, text: `${title}: ${l.label}` })) });
  }
  const mock = new MockBackend({ document: doc });
  setBackend(mock);
  ds.close();
  ds.load(await mock.currentDocument());
  const rubricId = r.id;
  const current = () => ds.document!.rubrics.find((x) => x.id === rubricId)!;
  const view = render(RubricEditor, { rubric: current() });
  // The studio passes the committed rubric down after every edit; do the same.
  const follow = () => view.rerender({ rubric: current() });
  const titles = () => current().criteria.map((c) => c.title);
  const edits = () => mock.calls.filter((c) => c.cmd.startsWith('apply_edit'));
  return { mock, current, follow, titles, edits };
}

test('Alt+↓ on a focused criterion moves it down as one edit, keeps the focus, and undo restores the order', async () => {
  const t = await setup();
  const first = t.current().criteria[0];
  const input = screen.getByLabelText('Criterion 1', { exact: true });
  input.focus();
  await fireEvent.keyDown(input, { key: 'ArrowDown', altKey: true });
  await ds.settled();
  await t.follow();
  expect(t.titles()).toEqual(['Judges the inference', 'Identifies the sample', 'Cites the source']);
  expect(t.edits()).toHaveLength(1);
  expect(t.edits()[0].args).toMatchObject({ op: { op: 'updateRubric' } });
  await waitFor(() => expect(document.activeElement?.id).toBe(`crit-${first.id}`));

  // Alt+↑ from a descriptor cell of the same criterion moves it back.
  const cell = document.getElementById(`d-${first.id}-${t.current().levels[0].id}`)!;
  await fireEvent.keyDown(cell, { key: 'ArrowUp', altKey: true });
  await ds.settled();
  await t.follow();
  expect(t.titles()[0]).toBe('Identifies the sample');

  await ds.undo();
  await t.follow();
  expect(t.titles()).toEqual(['Judges the inference', 'Identifies the sample', 'Cites the source']);
  // Without Alt, arrows are left to the field.
  await fireEvent.keyDown(screen.getByLabelText('Criterion 1', { exact: true }), { key: 'ArrowDown' });
  await ds.settled();
  expect(t.edits()).toHaveLength(2);
});

test('the ↑/↓ buttons still reorder, and the first and last cannot move further', async () => {
  const t = await setup();
  expect((screen.getByRole('button', { name: 'Move Identifies the sample up' }) as HTMLButtonElement).disabled).toBe(true);
  expect((screen.getByRole('button', { name: 'Move Cites the source down' }) as HTMLButtonElement).disabled).toBe(true);
  await fireEvent.click(screen.getByRole('button', { name: 'Move Cites the source up' }));
  await ds.settled();
  await t.follow();
  expect(t.titles()).toEqual(['Identifies the sample', 'Cites the source', 'Judges the inference']);
});

test('Alt+← in a level header moves the column; its descriptors move with it', async () => {
  const t = await setup();
  const exemplary = t.current().levels[3];
  await fireEvent.keyDown(screen.getByLabelText('Level 4 label'), { key: 'ArrowLeft', altKey: true });
  await ds.settled();
  await t.follow();
  expect(t.current().levels.map((l) => l.label)).toEqual(['Beginning', 'Developing', 'Exemplary', 'Proficient']);
  expect(t.current().criteria[1].descriptors.find((d) => d.level === exemplary.id)?.text).toBe('Judges the inference: Exemplary');
  // The points check notices the order no longer rises.
  expect(screen.getByRole('list', { name: 'Rubric problems' }).textContent).toContain('“Proficient” is worth 3 points, not more than “Exemplary”');
});

test('dragging a criterion grip below another row drops it there, with a drop line while dragging', async () => {
  const t = await setup();
  // jsdom has no layout: rows are 100px tall, stacked from y = 0.
  const rows = () => Array.from(document.querySelectorAll<HTMLElement>('tbody tr[data-criterion]'));
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const i = rows().indexOf(this);
    const top = Math.max(0, i) * 100;
    return { top, bottom: top + 100, left: 0, right: 800, width: 800, height: 100, x: 0, y: top, toJSON: () => ({}) } as DOMRect;
  });
  await fireEvent.pointerDown(screen.getByTestId('criterion-grip-0'), { button: 0, clientX: 10, clientY: 50 });
  await fireEvent.pointerMove(window, { clientX: 10, clientY: 120 });
  await fireEvent.pointerMove(window, { clientX: 10, clientY: 280 });
  expect(rows()[2].classList.contains('drop-after')).toBe(true);
  expect(rows()[0].classList.contains('dragging')).toBe(true);
  await fireEvent.pointerUp(window, { clientX: 10, clientY: 280 });
  await ds.settled();
  await t.follow();
  expect(t.titles()).toEqual(['Judges the inference', 'Cites the source', 'Identifies the sample']);
  expect(t.edits()).toHaveLength(1);
  expect(rows().some((r) => r.classList.contains('drop-after') || r.classList.contains('drop-before'))).toBe(false);

  // A click on the grip without moving is not a drag.
  await fireEvent.pointerDown(screen.getByTestId('criterion-grip-0'), { button: 0, clientX: 10, clientY: 50 });
  await fireEvent.pointerUp(window, { clientX: 10, clientY: 51 });
  await ds.settled();
  expect(t.edits()).toHaveLength(1);
});
