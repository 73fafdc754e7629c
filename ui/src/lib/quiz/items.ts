// Quiz item bodies: defaults per type and conversions that keep what still fits.
import { newId } from '../util/ids';
import type { ItemBody, QuizItem } from '../ipc/types';

export const ITEM_TYPES: { type: ItemBody['type']; label: string }[] = [
  { type: 'multipleChoice', label: 'Multiple choice' },
  { type: 'multipleResponse', label: 'Multiple response' },
  { type: 'trueFalse', label: 'True / false' },
  { type: 'shortAnswer', label: 'Short answer' },
  { type: 'numeric', label: 'Numeric' },
  { type: 'essay', label: 'Essay' },
  { type: 'matching', label: 'Matching' },
];

export function defaultBody(type: ItemBody['type'], from?: ItemBody): ItemBody {
  const choices = from && (from.type === 'multipleChoice' || from.type === 'multipleResponse') ? from.choices : null;
  switch (type) {
    case 'multipleChoice':
      return { type, choices: choices?.map((c, i) => ({ ...c, correct: i === choices.findIndex((x) => x.correct) })) ?? [
        { id: newId(), text: '', correct: true, feedback: '' },
        { id: newId(), text: '', correct: false, feedback: '' },
      ] };
    case 'multipleResponse':
      return { type, choices: choices ?? [
        { id: newId(), text: '', correct: true, feedback: '' },
        { id: newId(), text: '', correct: false, feedback: '' },
      ] };
    case 'trueFalse': return { type, answer: true };
    case 'shortAnswer': return { type, answers: [''], caseSensitive: false };
    case 'numeric': return { type, answer: 0, tolerance: 0 };
    case 'essay': return { type, guidance: '' };
    case 'matching': return { type, pairs: [{ id: newId(), prompt: '', answer: '' }] };
  }
}

export function newItem(type: ItemBody['type'] = 'multipleChoice'): QuizItem {
  return { id: newId(), stem: '', body: defaultBody(type), points: 1, feedbackCorrect: '', feedbackIncorrect: '', level: null, objectives: [] };
}
