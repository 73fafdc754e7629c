import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import NodeEditor from '../editor/NodeEditor.svelte';
import ActivityEditor from '../editor/ActivityEditor.svelte';
import CurriculumEditor from '../editor/CurriculumEditor.svelte';
import ReviewMinutes from './ReviewMinutes.svelte';
import { documentStore as ds } from '../document/documentStore.svelte';
import { openSample } from '../test-support';
import type { WorkloadView } from '../ipc/gen/WorkloadView';

afterEach(() => cleanup());

test('a lesson becomes a remediation for an objective and goes back to the main path', async () => {
  await openSample();
  const node = ds.document!.nodes.at(-1)!;
  const objective = ds.document!.objectives[0];
  render(NodeEditor, { node });
  const route = screen.getByLabelText('Route') as HTMLSelectElement;
  await fireEvent.change(route, { target: { value: 'remediation' } });
  await waitFor(() => expect(ds.index.node(node.id)?.pathway).toEqual({ role: 'remediation', objectives: [] }));
  cleanup();
  render(NodeEditor, { node: ds.index.node(node.id)! });
  expect(screen.getByRole('status').textContent).toContain('Choose at least one objective');
  const box = screen.getAllByRole('checkbox')[0] as HTMLInputElement;
  await fireEvent.click(box);
  await waitFor(() => expect(ds.index.node(node.id)?.pathway?.objectives).toEqual([objective.id]));
  cleanup();
  render(NodeEditor, { node: ds.index.node(node.id)! });
  await fireEvent.change(screen.getByLabelText('Route'), { target: { value: 'main' } });
  await waitFor(() => expect(ds.index.node(node.id)?.pathway).toBeUndefined());
});

test('an activity can be marked as enrichment', async () => {
  await openSample();
  const activity = ds.document!.activities[0];
  render(ActivityEditor, { activity });
  await fireEvent.change(screen.getByLabelText('Route'), { target: { value: 'enrichment' } });
  await waitFor(() => expect(ds.document!.activities.find((a) => a.id === activity.id)?.pathway?.role).toBe('enrichment'));
});

test('the curriculum settings switch the spaced-review plan on, set intervals and refuse shrinking ones', async () => {
  await openSample();
  render(CurriculumEditor, { curriculum: ds.document!.curriculum });
  await fireEvent.click(screen.getByLabelText(/Plan retrieval practice/));
  await waitFor(() => expect(ds.document!.curriculum.reviewPlan?.intervalsDays).toEqual([1, 3, 7, 14, 30]));
  cleanup();
  render(CurriculumEditor, { curriculum: ds.document!.curriculum });
  const intervals = screen.getByLabelText('Review after (days)') as HTMLInputElement;
  await fireEvent.change(intervals, { target: { value: '2, 5, 12' } });
  await waitFor(() => expect(ds.document!.curriculum.reviewPlan?.intervalsDays).toEqual([2, 5, 12]));
  cleanup();
  render(CurriculumEditor, { curriculum: ds.document!.curriculum });
  await fireEvent.change(screen.getByLabelText('Review after (days)'), { target: { value: '9, 3' } });
  expect(screen.getByRole('alert').textContent).toContain('longer than the one before');
  expect(ds.document!.curriculum.reviewPlan?.intervalsDays).toEqual([2, 5, 12]);
});

test('the workload view lists review minutes per week only under a plan', () => {
  const base = { weeks: [], unscheduledHours: 0, totalHours: 0, nodes: [] } as unknown as WorkloadView;
  render(ReviewMinutes, { workload: base });
  expect(screen.queryByTestId('review-minutes')).toBeNull();
  cleanup();
  const planned = { ...base, reviews: { objectives: [], minutesPerWeek: [[1, 20], [2, 10]] } } as unknown as WorkloadView;
  render(ReviewMinutes, { workload: planned });
  expect(screen.getByTestId('review-minutes').textContent).toContain('week 1 20 min · week 2 10 min');
});

test('the sequence graph draws pathway edges dashed and named', async () => {
  const { default: PathwayEdges } = await import('./PathwayEdges.svelte');
  const node = (id: string, title: string, x: number, y: number) => ({
    node: { id, title, code: '', kind: 'lesson', path: title },
    layer: 0,
    order: 0,
    x,
    y,
    week: null,
    maxLevel: null,
  });
  const graph = {
    nodes: [node('a', 'The mean', 12, 12), node('b', 'The mean, step by step', 252, 12)],
    edges: [],
    pathways: [{ from: 0, to: 1, role: 'remediation', label: 'L1.1' }],
    layers: 2,
    width: 500,
    height: 100,
  };
  const { container } = render(PathwayEdges, { graph: graph as never, width: 180, height: 44 });
  const edge = screen.getByRole('img', { name: 'The mean, step by step: remediation for L1.1, after The mean' });
  expect(edge.querySelector('path')?.getAttribute('stroke-dasharray')).toBe('4 4');
  expect(container.textContent).toContain('remediation · L1.1');
});
