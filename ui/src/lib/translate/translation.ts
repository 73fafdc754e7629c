// Pure helpers of the translation view: which rows to show, how a status reads, the coverage
// line. The rows and statuses come from the library (`translation_overview`,
// src-tauri/src/commands/translate.rs); nothing here decides what is translatable.
import type { LanguageCoverage } from '../ipc/gen/LanguageCoverage';
import type { RowStatus } from '../ipc/gen/RowStatus';
import type { TranslationRow } from '../ipc/gen/TranslationRow';

export type RowFilter = 'todo' | 'all';

/** The rows to show: all of them, or those that still need work (untranslated or outdated). */
export function visibleRows(rows: TranslationRow[], filter: RowFilter): TranslationRow[] {
  return filter === 'all' ? rows : rows.filter((r) => r.status === 'untranslated' || r.status === 'outdated');
}

/** A status in words (the badge of a row). */
export function statusLabel(status: RowStatus): string {
  switch (status) {
    case 'untranslated':
      return 'Untranslated';
    case 'translated':
      return 'Translated';
    case 'approved':
      return 'Approved';
    case 'outdated':
      return 'Needs review';
  }
}

/** `42 of 120 translated (10 approved), 3 need review, 75 untranslated`. */
export function coverageLine(c: LanguageCoverage): string {
  return `${c.translated} of ${c.fields} translated (${c.approved} approved), ${c.outdated} need review, ${c.untranslated} untranslated`;
}

/** Whether `tag` looks like a BCP 47 language tag (as the library checks it). */
export function isLanguageTag(tag: string): boolean {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) && tag.length <= 35;
}

/** Whether a translation is longer than the field allows. */
export function tooLong(row: TranslationRow, text: string): boolean {
  return row.maxChars !== null && [...text].length > row.maxChars;
}
