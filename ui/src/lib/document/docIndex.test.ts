import { expect, test } from 'vitest';
import { DocIndex } from './docIndex';
import { sampleDocument } from './factories';

test('per-node lists are the document order of that node’s entities, and copies', () => {
  const doc = sampleDocument();
  const ix = new DocIndex(doc);
  for (const n of doc.nodes) {
    expect(ix.objectivesOf(n.id)).toEqual(doc.objectives.filter((o) => o.node === n.id));
    expect(ix.activitiesOf(n.id)).toEqual(doc.activities.filter((a) => a.node === n.id));
    expect(ix.assessmentsOf(n.id)).toEqual(doc.assessments.filter((a) => a.node === n.id));
  }
  const withObjectives = doc.nodes.find((n) => ix.objectivesOf(n.id).length > 1)!;
  ix.objectivesOf(withObjectives.id).reverse();
  expect(ix.objectivesOf(withObjectives.id)[0]).toBe(doc.objectives.find((o) => o.node === withObjectives.id));
  expect(ix.objectivesOf('no-such-node')).toEqual([]);
});
