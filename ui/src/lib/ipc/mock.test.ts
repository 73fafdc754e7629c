// The mock backend answers analysis questions only from the library's fixtures: real finding
// codes, views and analyses for the bundled examples and the edits the fixtures cover, and a
// clear "not in the mock fixtures" error (or a neutral analysis) for anything else.
import { expect, test } from 'vitest';
import { MockBackend } from './mock';
import { sampleDocument } from '../document/factories';
import { canonical } from './mockFixtures';

test('findings of an example are the library’s, with its finding codes', async () => {
  const mock = new MockBackend({ example: 'intro-statistics' });
  const codes = new Set((await mock.checkDocument()).map((f) => f.code));
  expect(codes.has('A1-objective-unassessed')).toBe(true);
  // The codes the mock once invented do not exist in the library.
  for (const invented of ['A2-objective-unpractised', 'B1-level-missing', 'O1-unmeasurable-verb', 'O3-missing-condition', 'X3-item-degraded']) {
    expect(codes.has(invented)).toBe(false);
  }
});

test('an edit the fixtures cover is answered, an edit they do not is refused, and undo returns to the fixtures', async () => {
  const mock = new MockBackend({ example: 'intro-statistics' });
  const unit = (code: string) => mock.doc!.nodes.find((n) => n.code === code)!;
  const before = await mock.insights();
  expect(before.sequenceGraph.edges.length).toBeGreaterThan(0);

  await mock.applyEdit({ op: 'link', link: { type: 'nodePrerequisite', node: unit('U4').id, prerequisite: unit('U1').id } });
  const after = await mock.insights();
  expect(after.sequenceGraph.edges.length).toBe(before.sequenceGraph.edges.length + 1);
  expect((await mock.checkDocument()).some((f) => f.code === 'S5-redundant-prerequisite')).toBe(true);

  await mock.applyEdit({ op: 'updateNode', node: { ...unit('U1'), title: 'Renamed' } });
  await expect(mock.checkDocument()).rejects.toMatchObject({ code: 'notFound', message: expect.stringMatching(/not in the mock fixtures/) });
  await mock.undo();
  expect(canonical(await mock.insights())).toBe(canonical(after));
  await mock.undo();
  expect(canonical(await mock.insights())).toBe(canonical(before));
  await mock.redo();
  expect(canonical(await mock.insights())).toBe(canonical(after));
});

test('a document that is not an example has no fixtures; statements and Markdown outside them are not invented', async () => {
  const mock = new MockBackend({ document: sampleDocument() });
  await expect(mock.insights()).rejects.toMatchObject({ code: 'notFound' });
  await expect(mock.preflightExport({ format: 'cc13', profile: 'generic', strict: false, destination: null, values: {}, framework: null }))
    .rejects.toMatchObject({ message: expect.stringMatching(/not in the mock fixtures/) });

  const known = await mock.analyzeObjective('Understand confidence intervals.');
  expect(known.findings.map((f) => f.code)).toContain('O3-objective-unmeasurable');
  const unknown = await mock.analyzeObjective('Frobnicate the widgets');
  expect(unknown).toMatchObject({ level: null, verbs: [], confidence: 'none', findings: [] });
  expect(unknown.rule).toMatch(/not in the mock fixtures/);

  expect(await mock.renderMarkdown('Plot the **median** and the *quartiles*.\n\nThen compare <script>x</script> them.')).toContain('<strong>median</strong>');
  await expect(mock.renderMarkdown('**not** a fixture')).rejects.toMatchObject({ code: 'notFound' });
});
