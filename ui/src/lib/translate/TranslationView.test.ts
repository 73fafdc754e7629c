import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import TranslationView from './TranslationView.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openExample } from '../test-support';
import type { TranslationOverview } from '../ipc/gen/TranslationOverview';
import type { DocumentChange } from '../ipc/types';

afterEach(() => cleanup());

/** What the library answers for French: one field of each status. */
function french(language: string | null): TranslationOverview {
  const row = (id: string, status: 'untranslated' | 'translated' | 'approved' | 'outdated', translation: string | null) => ({
    id, place: `objective ${id} statement`, markdown: false, level: 'apply' as const, maxChars: null,
    source: `Source ${id}`, translation, status,
  });
  return {
    sourceLanguage: 'en',
    languages: [{ language: 'fr', fields: 4, translated: 2, approved: 1, outdated: 1, untranslated: 1 }],
    language,
    rows: language === 'fr'
      ? [row('a', 'untranslated', null), row('b', 'translated', 'B fr'), row('c', 'approved', 'C fr'), row('d', 'outdated', 'D fr')]
      : [],
  };
}

test('the language switcher shows the source, then a language with the fields that need work, and saves one', async () => {
  const mock = await openExample();
  const saved: unknown[] = [];
  mock.translationOverview = async (language) => french(language);
  mock.setTranslation = async (language, id, text, approved): Promise<DocumentChange> => {
    saved.push({ language, id, text, approved });
    return { patch: { curriculum: null, nodes: null, objectives: null, frameworks: null, standardItems: null, associations: null, activities: null, assessments: null, rubrics: null, comments: null, reviewEvents: null, snapshots: null, assets: null, translations: [{ language: 'fr', texts: [] }] }, history: ds.history };
  };
  render(TranslationView);
  expect((await screen.findByTestId('translation-source')).textContent).toContain('(en)');
  expect(screen.getByText(/2 of 4 translated \(1 approved\), 1 need review, 1 untranslated/)).toBeTruthy();

  await fireEvent.change(screen.getByTestId('translation-language'), { target: { value: 'fr' } });
  await screen.findByTestId('translation-coverage');
  // By default only the untranslated and outdated fields.
  const rows = () => [...document.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-status'));
  await waitFor(() => expect(rows()).toEqual(['untranslated', 'outdated']));
  expect(screen.getByText('Needs review')).toBeTruthy();
  await fireEvent.click(screen.getByLabelText('All fields'));
  expect(rows()).toEqual(['untranslated', 'translated', 'approved', 'outdated']);

  const box = screen.getByLabelText('fr translation: objective a statement') as HTMLTextAreaElement;
  await fireEvent.input(box, { target: { value: 'A fr' } });
  await fireEvent.click(box.closest('td')!.querySelector('button')!);
  await waitFor(() => expect(saved).toEqual([{ language: 'fr', id: 'a', text: 'A fr', approved: false }]));
  await waitFor(() => expect(ds.document?.translations).toEqual([{ language: 'fr', texts: [] }]));
});

test('a language is added by its tag, and a bad tag is refused', async () => {
  const mock = await openExample();
  mock.translationOverview = async (language) => ({ ...french(null), languages: [], language, rows: [] });
  render(TranslationView);
  const input = await screen.findByLabelText('Add language');
  await fireEvent.input(input, { target: { value: 'not a tag' } });
  await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
  expect((await screen.findByRole('alert')).textContent).toContain('is not a language tag');
  await fireEvent.input(input, { target: { value: 'de-CH' } });
  await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
  await waitFor(() => expect((screen.getByTestId('translation-language') as HTMLSelectElement).value).toBe('de-CH'));
});
