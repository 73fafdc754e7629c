export type View = 'editor' | 'alignment' | 'sequence' | 'insights' | 'review' | 'evidence' | 'translation';

export const VIEWS: { id: View; label: string }[] = [
  { id: 'editor', label: 'Design' },
  { id: 'alignment', label: 'Alignment' },
  { id: 'sequence', label: 'Sequence' },
  { id: 'insights', label: 'Insights' },
  { id: 'review', label: 'Review' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'translation', label: 'Translation' },
];
