export type View = 'editor' | 'alignment' | 'sequence' | 'insights' | 'review';

export const VIEWS: { id: View; label: string }[] = [
  { id: 'editor', label: 'Design' },
  { id: 'alignment', label: 'Alignment' },
  { id: 'sequence', label: 'Sequence' },
  { id: 'insights', label: 'Insights' },
  { id: 'review', label: 'Review' },
];
