import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import TemplateGallery from './TemplateGallery.svelte';
import { templatesStore } from './templatesStore.svelte';
import { setBackend } from '../ipc/client';
import { MOCK_TEMPLATES, MockBackend } from '../ipc/mock';

afterEach(() => cleanup());

function mockWithUserFolder(): MockBackend {
  const mock = new MockBackend();
  const base = MOCK_TEMPLATES.find((t) => t.id === '5e-lesson')!;
  mock.userTemplates = [{ ...structuredClone(base), id: 'our-5e', name: 'Our inquiry lesson', source: '/home/designer/.config/trellis/templates/ours.toml' }];
  mock.templateErrors = [
    '/home/designer/.config/trellis/templates/broken.toml: TOML parse error at line 2, column 8: string values must be quoted',
    '/home/designer/.config/trellis/templates/old.toml: line 4: unknown field `stages`',
  ];
  setBackend(mock);
  return mock;
}

test('the gallery lists every built-in template and marks the user’s own as yours', async () => {
  mockWithUserFolder();
  render(TemplateGallery, { onCreate: () => {} });
  const gallery = screen.getByRole('list', { name: 'New from template' });
  await waitFor(() => expect(within(gallery).getAllByRole('listitem')).toHaveLength(MOCK_TEMPLATES.length + 1));
  for (const t of MOCK_TEMPLATES) expect(screen.getByRole('button', { name: new RegExp(t.name.replace(/[()]/g, '\\$&')) })).toBeTruthy();
  const ours = screen.getByRole('button', { name: /Our inquiry lesson/ });
  expect(ours.textContent).toContain('yours');
  expect(ours.getAttribute('title')).toContain('ours.toml');
  expect(screen.getByRole('button', { name: /5E inquiry lesson/ }).textContent).not.toContain('yours');
});

test('files that could not be loaded are listed one line each, naming the file', async () => {
  mockWithUserFolder();
  render(TemplateGallery, { onCreate: () => {} });
  const errors = await screen.findByRole('list', { name: /2 of your template files could not be loaded/ });
  const lines = within(errors).getAllByRole('listitem').map((li) => li.textContent);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('broken.toml');
  expect(lines[1]).toContain('old.toml');
});

test('no error block without errors; choosing a user template creates from it', async () => {
  const mock = mockWithUserFolder();
  mock.templateErrors = [];
  const created: [string, string][] = [];
  render(TemplateGallery, { onCreate: (id: string, title: string) => created.push([id, title]) });
  await fireEvent.click(await screen.findByRole('button', { name: /Our inquiry lesson/ }));
  expect(screen.queryByText(/could not be loaded/)).toBeNull();
  await fireEvent.input(screen.getByLabelText('Title of the new curriculum'), { target: { value: 'Floating and sinking' } });
  await fireEvent.submit(screen.getByRole('button', { name: 'Create' }).closest('form')!);
  expect(created).toEqual([['our-5e', 'Floating and sinking']]);
  // The store keeps the catalog for the editors (fields of the user's template).
  expect(templatesStore.get('our-5e')?.source).toContain('ours.toml');
  expect(await mock.createDocument('our-5e', 'Floating and sinking')).toMatchObject({ document: { curriculum: { template: 'our-5e' } } });
});
