import { describe, expect, it } from 'vitest';
import type { TranslationRow } from '../ipc/gen/TranslationRow';
import { coverageLine, isLanguageTag, statusLabel, tooLong, visibleRows } from './translation';

const row = (id: string, status: TranslationRow['status'], maxChars: number | null = null): TranslationRow => ({
  id,
  place: 'objective statement',
  markdown: false,
  level: null,
  maxChars,
  source: 'Compute a mean.',
  translation: status === 'untranslated' ? null : 'Calculer une moyenne.',
  status,
});

describe('translation view helpers', () => {
  const rows = [row('a', 'untranslated'), row('b', 'translated'), row('c', 'approved'), row('d', 'outdated')];

  it('shows the rows that need work, or all', () => {
    expect(visibleRows(rows, 'todo').map((r) => r.id)).toEqual(['a', 'd']);
    expect(visibleRows(rows, 'all')).toHaveLength(4);
  });

  it('names each status and the coverage', () => {
    expect(rows.map((r) => statusLabel(r.status))).toEqual(['Untranslated', 'Translated', 'Approved', 'Needs review']);
    expect(coverageLine({ language: 'fr', fields: 10, translated: 6, approved: 2, outdated: 1, untranslated: 3 })).toBe(
      '6 of 10 translated (2 approved), 1 need review, 3 untranslated',
    );
  });

  it('checks language tags and length limits', () => {
    expect(['fr', 'pt-BR', 'de-CH', 'zh-Hant-TW'].every(isLanguageTag)).toBe(true);
    expect(['', 'f', 'not a tag', 'fr_FR'].some(isLanguageTag)).toBe(false);
    expect(tooLong(row('t', 'translated', 5), 'abcdef')).toBe(true);
    expect(tooLong(row('t', 'translated', 5), 'abcde')).toBe(false);
    expect(tooLong(row('t', 'translated'), 'x'.repeat(1000))).toBe(false);
  });
});
