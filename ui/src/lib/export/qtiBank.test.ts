import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ExportDialog from './ExportDialog.svelte';
import { openExample } from '../test-support';
import type { MockBackend } from '../ipc/mock';
import type { ExportRequest } from '../ipc/types';

// The QTI item banks come from the library's format list (`ExportFormat::ALL`, option specs and
// preflight through the mock fixtures): the dialog needs no code of its own for them.

afterEach(() => cleanup());

function requests(mock: MockBackend, cmd: 'preflight_export' | 'export_document'): ExportRequest[] {
  return mock.calls.filter((c) => c.cmd === cmd).map((c) => (c.args as { request: ExportRequest }).request);
}

test('the QTI 3.0 and 2.1 item banks are offered with their shuffle option and their pre-export check', async () => {
  const mock = await openExample();
  render(ExportDialog, { onClose: () => {} });
  const select = (await screen.findByLabelText('Format')) as HTMLSelectElement;
  const labels = Array.from(select.options).map((o) => o.textContent);
  expect(labels).toEqual(expect.arrayContaining(['QTI 3.0 item bank (.zip)', 'QTI 2.1 item bank (.zip)']));

  for (const [format, label] of [
    ['qti21', 'QTI 2.1 item bank'],
    ['qti3', 'QTI 3.0 item bank'],
  ] as const) {
    await fireEvent.change(select, { target: { value: format } });
    const group = screen.getByRole('group', { name: new RegExp(`${label} options`) });
    const shuffle = within(group).getByLabelText('Shuffle choices') as HTMLInputElement;
    expect(shuffle.checked).toBe(false);
    await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)).toMatchObject({ format, values: {} }));
    // What the bank degrades, one finding per item type: essays are scored by a person,
    // assessments without items stay out, short answers compare the typed text.
    expect(await screen.findByText(new RegExp(`essay item\\(s\\) have no automatic scoring in ${label}`))).toBeTruthy();
    expect(screen.getByText(new RegExp(`are not in the ${label}: a bank holds items and tests only`))).toBeTruthy();
    expect(screen.getByText(/short answer item\(s\) are scored by comparing the typed text/)).toBeTruthy();
  }

  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  await screen.findByText('Exported');
  expect(requests(mock, 'export_document').at(-1)).toMatchObject({ format: 'qti3', values: {} });
});
