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
  expect(screen.getByRole('status').textContent).toBe('Writing…');
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
