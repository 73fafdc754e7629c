import { afterEach, expect, test, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import SchemaForm from './SchemaForm.svelte';
import type { FieldSpec } from '../ipc/types';

afterEach(() => cleanup());

const base = { help: '', required: false, default: null };
const fields: FieldSpec[] = [
  { type: 'text', name: 'essentialQuestions', label: 'Essential questions', placeholder: '', ...base, help: 'Open questions.' },
  { type: 'number', name: 'hours', label: 'Hours', min: 0, max: null, unit: '', ...base },
  { type: 'toggle', name: 'graded', label: 'Graded', ...base },
  { type: 'select', name: 'event', label: 'Event', options: [{ value: 'hook', label: 'Hook' }, { value: 'practice', label: 'Practice' }], ...base },
  { type: 'multiselect', name: 'tags', label: 'Tags', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], ...base },
  { type: 'bloomLevel', name: 'target', label: 'Target level', ...base },
  { type: 'list', name: 'goals', label: 'Goals', itemLabel: 'Goal', ...base },
];

test('renders every field type with its label and current value', () => {
  render(SchemaForm, { fields, values: { essentialQuestions: 'Why?', hours: 3, graded: true, event: 'practice', tags: ['b'], target: 'apply' }, onChange: () => {} });
  expect((screen.getByLabelText('Essential questions') as HTMLInputElement).value).toBe('Why?');
  expect((screen.getByLabelText('Hours') as HTMLInputElement).value).toBe('3');
  expect((screen.getByLabelText('Graded') as HTMLInputElement).checked).toBe(true);
  expect((screen.getByLabelText('Event') as HTMLSelectElement).value).toBe('practice');
  expect((screen.getByLabelText('B') as HTMLInputElement).checked).toBe(true);
  expect(screen.getByRole('radio', { name: /Apply/ }).getAttribute('aria-checked')).toBe('true');
  expect(screen.getByText('Open questions.')).toBeTruthy();
});

test('reports each change as (name, value)', async () => {
  const onChange = vi.fn();
  render(SchemaForm, { fields, values: { tags: ['b'] }, onChange });
  await fireEvent.change(screen.getByLabelText('Hours'), { target: { value: '4.5' } });
  await fireEvent.click(screen.getByLabelText('Graded'));
  await fireEvent.click(screen.getByLabelText('A'));
  await fireEvent.click(screen.getByRole('radio', { name: /Create/ }));
  const text = screen.getByLabelText('Essential questions');
  await fireEvent.input(text, { target: { value: 'How?' } });
  await fireEvent.blur(text);
  const goals = screen.getByLabelText('Goals');
  await fireEvent.input(goals, { target: { value: 'First\n\n Second ' } });
  await fireEvent.blur(goals);
  expect(onChange.mock.calls).toEqual([
    ['hours', 4.5],
    ['graded', true],
    ['tags', ['b', 'a']],
    ['target', 'create'],
    ['essentialQuestions', 'How?'],
    ['goals', ['First', 'Second']],
  ]);
});
