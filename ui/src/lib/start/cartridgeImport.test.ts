import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { cartridgeImport } from './cartridgeImport.svelte';
import StartScreen from './StartScreen.svelte';
import ImportReport from './ImportReport.svelte';
import { setBackend } from '../ipc/client';
import { MockBackend } from '../ipc/mock';
import type { DocumentState } from '../ipc/types';

afterEach(() => {
  cleanup();
  cartridgeImport.dismiss();
});

test('an import keeps its report for the new document only, most serious findings first', async () => {
  const mock = new MockBackend();
  setBackend(mock);
  const state = await cartridgeImport.run(null);
  expect(mock.calls.at(-1)).toEqual({ cmd: 'import_cartridge', args: { path: null } });
  expect(state?.document.nodes.map((n) => n.title)).toContain('Week 1: Cells');
  const report = cartridgeImport.reportFor(state!.path);
  expect(report?.summary).toMatch(/^Course “Cell Biology”: 2 modules/);
  expect(report?.findings.map((f) => f.severity)).toEqual(['warning', 'warning', 'info']);
  expect(cartridgeImport.reportFor('/home/designer/Trellis/Other.trellis')).toBeNull();
  cartridgeImport.dismiss();
  expect(cartridgeImport.reportFor(state!.path)).toBeNull();
});

test('cancelling the file dialog imports nothing and keeps no report', async () => {
  const mock = new MockBackend();
  mock.cartridgePick = null;
  setBackend(mock);
  expect(await cartridgeImport.run(null)).toBeNull();
  expect(cartridgeImport.report).toBeNull();
  expect(mock.doc).toBeNull();
});

test('the start screen imports a cartridge and opens it, or shows why the file was refused', async () => {
  const mock = new MockBackend();
  setBackend(mock);
  const opened: DocumentState[] = [];
  render(StartScreen, { onOpen: (s: DocumentState) => opened.push(s) });
  mock.cartridgePick = '/home/designer/Downloads/notes.pdf';
  await fireEvent.click(screen.getByRole('button', { name: 'Import a Common Cartridge…' }));
  expect(await screen.findByRole('alert')).toHaveProperty('textContent', expect.stringContaining('notes.pdf'));
  expect(opened).toHaveLength(0);

  mock.cartridgePick = '/home/designer/Downloads/Cell Biology export.imscc';
  await fireEvent.click(screen.getByRole('button', { name: 'Import a Common Cartridge…' }));
  await waitFor(() => expect(opened).toHaveLength(1));
  expect(opened[0].document.curriculum.title).toBe('Cell Biology');
  expect(cartridgeImport.reportFor(opened[0].path)?.findings).toHaveLength(3);
  expect(screen.queryByRole('alert')).toBeNull();
});

test('the report dialog lists what was not carried over and closes with Escape', async () => {
  setBackend(new MockBackend());
  const state = await cartridgeImport.run(null);
  let dismissed = 0;
  render(ImportReport, { report: cartridgeImport.reportFor(state!.path)!, onDismiss: () => (dismissed += 1) });
  const dialog = screen.getByRole('dialog', { name: 'Imported “Cell Biology”' });
  expect(dialog.getAttribute('aria-describedby')).toBe('import-report-summary');
  const items = screen.getByRole('list', { name: 'Not carried over' }).querySelectorAll('li');
  expect(items).toHaveLength(3);
  expect(items[1].textContent).toContain('hot-spot question');
  expect(items[1].textContent).toContain('Recreate it as a multiple-choice question.');
  expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close report' }));
  await fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(dismissed).toBe(1);
});

test('an import shows its stages and Cancel stops it with nothing created and a notice', async () => {
  const mock = new MockBackend();
  setBackend(mock);
  const opened: DocumentState[] = [];
  render(StartScreen, { onOpen: (s: DocumentState) => opened.push(s) });
  await fireEvent.click(screen.getByRole('button', { name: 'Import a Common Cartridge…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Importing a Common Cartridge' });
  expect(await screen.findByText('Converting 12 items')).toBeTruthy();
  const bar = screen.getByRole('progressbar', { name: 'Import progress' }) as HTMLProgressElement;
  expect(bar.max).toBe(14);
  expect(bar.value).toBeGreaterThan(0);
  await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(await screen.findByText('Cancelled — nothing was written.')).toBeTruthy();
  expect(mock.calls.map((c) => c.cmd).filter((c) => c.includes('import'))).toEqual(['import_cartridge', 'cancel_import']);
  expect(mock.doc).toBeNull();
  expect(opened).toHaveLength(0);
  expect(cartridgeImport.report).toBeNull();
  expect(screen.queryByRole('alert')).toBeNull();
  expect(screen.queryByRole('progressbar')).toBeNull();
  // Escape (or OK) puts the notice away; the start screen is usable again.
  await fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(screen.queryByRole('dialog', { name: 'Importing a Common Cartridge' })).toBeNull();
  expect(screen.getByRole('button', { name: 'Import a Common Cartridge…' })).toHaveProperty('disabled', false);
});

test('Escape cancels a running import; a finished one is not taken for a cancelled one', async () => {
  const mock = new MockBackend();
  setBackend(mock);
  render(StartScreen, { onOpen: () => {} });
  await fireEvent.click(screen.getByRole('button', { name: 'Import a Common Cartridge…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Importing a Common Cartridge' });
  await fireEvent.keyDown(dialog, { key: 'Escape' });
  await waitFor(() => expect(cartridgeImport.task.cancelled).toBe(true));
  expect(mock.doc).toBeNull();

  // Cancel asked after the work finished: the import stands.
  mock.convertMs = 0;
  const state = await cartridgeImport.run(null);
  await cartridgeImport.cancel();
  expect(state?.document.curriculum.title).toBe('Cell Biology');
  expect(cartridgeImport.task.cancelled).toBe(false);
  expect(mock.calls.filter((c) => c.cmd === 'cancel_import')).toHaveLength(1);
});
