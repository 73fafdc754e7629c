// Display facts about the revised Bloom taxonomy used across views.
import type { BloomLevel } from '../ipc/types';

export const BLOOM_LEVELS: BloomLevel[] = ['remember', 'understand', 'apply', 'analyze', 'evaluate', 'create'];

export const BLOOM_LABEL: Record<BloomLevel, string> = {
  remember: 'Remember',
  understand: 'Understand',
  apply: 'Apply',
  analyze: 'Analyze',
  evaluate: 'Evaluate',
  create: 'Create',
};

export const BLOOM_HINT: Record<BloomLevel, string> = {
  remember: 'Retrieve relevant knowledge (list, define, recall)',
  understand: 'Construct meaning (explain, summarize, classify)',
  apply: 'Carry out a procedure (compute, use, solve)',
  analyze: 'Break into parts and relate them (compare, distinguish)',
  evaluate: 'Judge against criteria (critique, justify)',
  create: 'Put elements together into something new (design, compose)',
};

export function bloomRank(level: BloomLevel | null | undefined): number {
  return level ? BLOOM_LEVELS.indexOf(level) + 1 : 0;
}
