import { expect, test } from 'vitest';
import { optionProblem, optionProblems, requestValues } from './exportOptions';
import { MOCK_EXPORT_CHOICES } from '../ipc/mock';
import type { FieldSpec } from '../ipc/types';

const specsOf = (format: string): FieldSpec[] => MOCK_EXPORT_CHOICES.formats.find((f) => f.format === format)!.options;

test('the request carries only the format’s own keys, without cleared fields', () => {
  const scorm = specsOf('scorm2004');
  expect(requestValues(scorm, { scoLevel: 'unit', masteryScore: null, publish: true, baseUri: 'x' })).toEqual({ scoLevel: 'unit' });
  expect(requestValues(specsOf('case'), { baseUri: '', creator: 'Dept.' })).toEqual({ creator: 'Dept.' });
  expect(requestValues(specsOf('json'), { scoLevel: 'unit' })).toEqual({});
});

test('values are checked against the specs as the library checks them (X12)', () => {
  const scorm = specsOf('scorm2004');
  const mastery = scorm.find((s) => s.name === 'masteryScore')!;
  expect(optionProblem(mastery, 0.9)).toBeNull();
  expect(optionProblem(mastery, 1.5)).toBe('must be a number from 0 to 1');
  expect(optionProblem(mastery, '0.9')).toBe('must be a number');
  expect(optionProblem(mastery, null)).toBeNull();
  expect(optionProblems(scorm, { scoLevel: 'chapter', masteryScore: -1 })).toEqual({
    scoLevel: 'must be one of "lesson", "unit"',
    masteryScore: 'must be a number from 0 to 1',
  });
  const publish = specsOf('cc13').find((s) => s.name === 'publish')!;
  expect(optionProblem(publish, 'yes')).toBe('must be true or false');
  expect(optionProblem(specsOf('case').find((s) => s.name === 'creator')!, 2024)).toBe('must be text');
});
