import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import ReviewPacket from './ReviewPacket.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';

afterEach(() => cleanup());

test('the packet is written with the chosen snapshot and PDF, then its files are shown', async () => {
  const mock = await openSample();
  await ds.apply({ op: 'takeSnapshot', name: 'Submitted to committee' });
  const snapshot = ds.document!.snapshots[0];
  render(ReviewPacket, { onClose: () => {} });
  await fireEvent.change(screen.getByLabelText('Changes since snapshot'), { target: { value: snapshot.id } });
  await fireEvent.click(screen.getByLabelText(/Also print a PDF/));
  await fireEvent.click(screen.getByRole('button', { name: 'Write packet…' }));
  const status = screen.getByRole('status');
  expect(status.textContent).toContain('Writing…');
  expect(screen.getByRole('progressbar', { name: 'Review packet progress' })).toBeTruthy();
  expect(await screen.findByText('Printing the PDF')).toBeTruthy();
  expect(await screen.findByText(/review packet\.pdf$/)).toBeTruthy();
  expect(mock.calls.find((c) => c.cmd === 'write_review_packet')?.args).toEqual({ request: { since: snapshot.id, pdf: true, destination: null } });
  const html = `/home/designer/Trellis/${ds.document!.curriculum.title} review packet.html`;
  expect(screen.getByText(html)).toBeTruthy();
  await fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
  expect(mock.calls.at(-1)).toEqual({ cmd: 'show_in_folder', args: { path: html } });
});

test('without a browser the error says what is missing and where the HTML went', async () => {
  const mock = await openSample();
  mock.hasBrowser = false;
  render(ReviewPacket, { onClose: () => {} });
  await fireEvent.click(screen.getByLabelText(/Also print a PDF/));
  await fireEvent.click(screen.getByRole('button', { name: 'Write packet…' }));
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('no headless browser found');
  expect(alert.textContent).toContain('review packet.html');
  expect(screen.getByRole('button', { name: 'Write packet…' })).toHaveProperty('disabled', false);
});

test('the stages show in a progress bar and Cancel stops the packet with nothing written', async () => {
  const mock = await openSample();
  render(ReviewPacket, { onClose: () => {} });
  await fireEvent.click(screen.getByLabelText(/Also print a PDF/));
  await fireEvent.click(screen.getByRole('button', { name: 'Write packet…' }));
  const bar = screen.getByRole('progressbar', { name: 'Review packet progress' }) as HTMLProgressElement;
  expect(await screen.findByText('Printing the PDF')).toBeTruthy();
  expect([bar.value, bar.max]).toEqual([3, 4]);
  expect(screen.getByRole('button', { name: 'Write packet…' })).toHaveProperty('disabled', true);
  const cancel = screen.getByRole('button', { name: 'Cancel' });
  expect(document.activeElement).toBe(cancel);
  await fireEvent.click(cancel);
  expect(await screen.findByText('Cancelled — nothing was written.')).toBeTruthy();
  expect(mock.calls.filter((c) => c.cmd === 'cancel_report')).toHaveLength(1);
  expect(screen.queryByRole('progressbar')).toBeNull();
  expect(screen.queryByRole('alert')).toBeNull();
  expect(screen.queryByText(/review packet\.pdf$/)).toBeNull();
  expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();

  // A new run clears the notice and finishes when nobody cancels.
  mock.printMs = 0;
  await fireEvent.click(screen.getByRole('button', { name: 'Write packet…' }));
  expect(screen.queryByText('Cancelled — nothing was written.')).toBeNull();
  expect(await screen.findByText(/review packet\.pdf$/)).toBeTruthy();
});

test('Escape cancels while the packet is written, and closes the dialog otherwise', async () => {
  const mock = await openSample();
  let closed = 0;
  render(ReviewPacket, { onClose: () => (closed += 1) });
  const dialog = screen.getByRole('dialog', { name: 'Review packet' });
  await fireEvent.click(screen.getByLabelText(/Also print a PDF/));
  await fireEvent.click(screen.getByRole('button', { name: 'Write packet…' }));
  await screen.findByText('Rendering the packet');
  await fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(await screen.findByText('Cancelled — nothing was written.')).toBeTruthy();
  expect(closed).toBe(0);
  expect(mock.calls.some((c) => c.cmd === 'cancel_report')).toBe(true);
  await fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(closed).toBe(1);
});
