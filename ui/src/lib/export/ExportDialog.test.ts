import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ExportDialog from './ExportDialog.svelte';
import { openExample, openSample } from '../test-support';
import { documentStore as ds } from '../document/documentStore.svelte';
import type { MockBackend } from '../ipc/mock';
import type { ExportRequest } from '../ipc/types';

afterEach(() => cleanup());

function requests(mock: MockBackend, cmd: 'preflight_export' | 'export_document'): ExportRequest[] {
  return mock.calls.filter((c) => c.cmd === cmd).map((c) => (c.args as { request: ExportRequest }).request);
}

async function open(): Promise<MockBackend> {
  const mock = await openExample();
  render(ExportDialog, { onClose: () => {} });
  await screen.findByLabelText('Format');
  return mock;
}

test('the chosen format draws its options from the specs and sends them with the preflight and the export', async () => {
  const mock = await open();
  // Common Cartridge 1.3 (the first format): publish and the CASE base URI.
  expect(screen.getByRole('group', { name: /IMS Common Cartridge 1.3 options/ })).toBeTruthy();
  expect(screen.getByLabelText('Publish in Canvas')).toBeTruthy();
  expect(screen.queryByLabelText('Default mastery score')).toBeNull();

  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'scorm2004' } });
  const group = screen.getByRole('group', { name: /SCORM 2004 4th edition options/ });
  const level = within(group).getByLabelText('Launchable lessons') as HTMLSelectElement;
  expect(level.value).toBe('lesson');
  const mastery = within(group).getByLabelText('Default mastery score') as HTMLInputElement;
  expect(mastery.value).toBe('0.8');
  expect(screen.queryByLabelText('Publish in Canvas')).toBeNull();

  await fireEvent.change(level, { target: { value: 'unit' } });
  await fireEvent.change(mastery, { target: { value: '0.9' } });
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)?.values).toEqual({ scoLevel: 'unit', masteryScore: 0.9 }));
  expect(requests(mock, 'preflight_export').at(-1)?.format).toBe('scorm2004');

  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  await screen.findByText('Exported');
  expect(requests(mock, 'export_document')).toHaveLength(1);
  expect(requests(mock, 'export_document')[0]).toMatchObject({ format: 'scorm2004', values: { scoLevel: 'unit', masteryScore: 0.9 }, framework: null });
});

test('an out-of-range value is re-checked at once and blocks a strict export', async () => {
  await open();
  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'cmi5' } });
  await fireEvent.click(screen.getByLabelText(/Refuse to export when the check finds errors/));
  await fireEvent.change(screen.getByLabelText('Default mastery score'), { target: { value: '1.5' } });
  expect(await screen.findByText(/masteryScore .* is 1\.5, but it must be a number from 0 to 1/)).toBeTruthy();
  expect((screen.getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(true);

  expect(screen.getByText(/^2 errors, \d+ warnings?\.$/)).toBeTruthy();

  // A valid value removes the option's error; the library's own analysis error (an objective
  // of the example that no assessment measures) still blocks a strict export.
  await fireEvent.change(screen.getByLabelText('Default mastery score'), { target: { value: '0.7' } });
  await waitFor(() => expect(screen.queryByText(/must be a number from 0 to 1/)).toBeNull());
  expect(await screen.findByText(/^1 error, \d+ warnings?\.$/)).toBeTruthy();
  expect((screen.getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(true);
  await fireEvent.click(screen.getByLabelText(/Refuse to export when the check finds errors/));
  expect((screen.getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(false);
});

test('options are kept per format, and a format without options shows none', async () => {
  const mock = await open();
  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'scorm12' } });
  await fireEvent.change(screen.getByLabelText('Launchable lessons'), { target: { value: 'unit' } });
  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'json' } });
  expect(screen.queryByRole('group', { name: /options/ })).toBeNull();
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)).toMatchObject({ format: 'json', values: {} }));
  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'scorm12' } });
  expect((screen.getByLabelText('Launchable lessons') as HTMLSelectElement).value).toBe('unit');
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)).toMatchObject({ format: 'scorm12', values: { scoLevel: 'unit' } }));
});

test('CASE offers the imported frameworks and sends the chosen one', async () => {
  const mock = await openExample();
  await mock.importFramework(null);
  ds.load(await mock.currentDocument());
  const gaise = mock.doc!.frameworks[0];
  render(ExportDialog, { onClose: () => {} });
  await fireEvent.change(await screen.findByLabelText('Format'), { target: { value: 'case' } });
  const what = screen.getByLabelText('What to export') as HTMLSelectElement;
  expect([...what.options].map((o) => o.text)).toEqual(["The curriculum's objectives", 'Framework: GAISE College Report']);
  await fireEvent.change(screen.getByLabelText('Standards association'), { target: { value: 'exactMatchOf' } });
  await fireEvent.change(what, { target: { value: gaise.id } });
  await waitFor(() =>
    expect(requests(mock, 'preflight_export').at(-1)).toMatchObject({ format: 'case', framework: gaise.id, values: { standardsAssociation: 'exactMatchOf' } }),
  );
  // Other formats export no framework, whatever was picked for CASE.
  await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'cc13' } });
  expect(screen.queryByLabelText('What to export')).toBeNull();
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)).toMatchObject({ format: 'cc13', framework: null }));
});

test('"show in folder" shows the package the export wrote; a refusal for another file is shown', async () => {
  const mock = await open();
  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  await screen.findByText('Exported');
  await fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
  await waitFor(() => expect(mock.calls.at(-1)?.cmd).toBe('show_in_folder'));
  expect(screen.queryByRole('alert')).toBeNull();

  // As the app: a file this window did not write is never shown, and the dialog says why.
  await expect(mock.showInFolder('/etc/passwd')).rejects.toMatchObject({ code: 'validation' });
  const written = (mock.calls.at(-2)?.args as { path: string }).path;
  const mockShow = mock.showInFolder.bind(mock);
  mock.showInFolder = (path: string) => mockShow(path === written ? '/etc/passwd' : path);
  await fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
  expect((await screen.findByRole('alert')).textContent).toMatch(/\/etc\/passwd cannot be shown in its folder: it was not chosen in a file dialog/);
});

test('the preflight shows the library’s findings for the example, and says so when it cannot run', async () => {
  await open();
  // Common Cartridge 1.3, generic profile: the library's analysis warnings (real codes' messages).
  expect(await screen.findByText(/\d+ errors?, \d+ warnings?\./)).toBeTruthy();
  cleanup();
  await openSample();
  render(ExportDialog, { onClose: () => {} });
  expect((await screen.findByRole('alert')).textContent).toMatch(/The pre-export check failed: .*not in the mock fixtures/);
  expect(screen.queryByText('No problems for this format and LMS.')).toBeNull();
});

test('the export shows its stages in the shared progress bar; Escape cancels it with nothing written, then closes', async () => {
  let closed = 0;
  const mock = await openExample();
  render(ExportDialog, { onClose: () => closed++ });
  await screen.findByLabelText('Format');
  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  const bar = await screen.findByRole('progressbar', { name: 'Export progress' });
  await waitFor(() => expect(bar.getAttribute('max')).toBe('5'));
  await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel export' })));
  await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
  expect(await screen.findByText('Cancelled — nothing was written.')).toBeTruthy();
  expect(screen.queryByRole('progressbar')).toBeNull();
  expect(screen.queryByRole('alert')).toBeNull();
  expect(screen.queryByText('Exported')).toBeNull();
  expect(mock.calls.map((c) => c.cmd).filter((c) => c === 'export_document' || c === 'cancel_export')).toEqual(['export_document', 'cancel_export']);
  expect(closed).toBe(0);
  await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
  expect(closed).toBe(1);
});

test('the offline site and the outcome lists are offered from the library with their pre-export check', async () => {
  const mock = await open();
  const select = screen.getByLabelText('Format') as HTMLSelectElement;
  const labels = Array.from(select.options).map((o) => o.textContent);
  expect(labels).toEqual(expect.arrayContaining(['Offline course website (.zip)', 'Canvas outcomes CSV (.csv)', 'Moodle competency framework CSV (.csv)']));

  await fireEvent.change(select, { target: { value: 'site' } });
  // What the site leaves out: the summative quizzes' questions.
  expect((await screen.findAllByText(/The site shows the summative assessment .* without its \d+ question/)).length).toBeGreaterThan(0);
  expect(screen.queryByRole('group', { name: /Offline course website options/ })).toBeNull();

  await fireEvent.change(select, { target: { value: 'moodle-competency-csv' } });
  expect(await screen.findByText(/Moodle competency frameworks carry each objective/)).toBeTruthy();
  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  await screen.findByText('Exported');
  expect(requests(mock, 'export_document').at(-1)).toMatchObject({ format: 'moodle-competency-csv', values: {} });
});

test('a document with translations offers its languages and sends the chosen one', async () => {
  const mock = await openExample();
  ds.document!.translations = [{ language: 'fr', texts: [] }];
  render(ExportDialog, { onClose: () => {} });
  const select = (await screen.findByLabelText('Language')) as HTMLSelectElement;
  expect([...select.options].map((o) => o.value)).toEqual(['', 'fr']);
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)?.lang).toBeUndefined());
  await fireEvent.change(select, { target: { value: 'fr' } });
  await waitFor(() => expect(requests(mock, 'preflight_export').at(-1)?.lang).toBe('fr'));
  await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  await screen.findByText('Exported');
  expect(requests(mock, 'export_document')[0]).toMatchObject({ lang: 'fr' });
});

test('a document without translations shows no language choice', async () => {
  await open();
  expect(screen.queryByLabelText('Language')).toBeNull();
});
