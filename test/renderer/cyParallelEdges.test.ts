import cytoscape from 'cytoscape';
import { describe, expect, it } from 'vitest';
import { installFastParallelEdges } from '../../renderer/graph/cyParallelEdges';

/** A hub with many edges, parallel and opposite edges, self-loops, and removals in between. */
function graph(): cytoscape.Core {
  const cy = cytoscape({ headless: true, styleEnabled: true });
  const els: cytoscape.ElementDefinition[] = [{ group: 'nodes', data: { id: 'hub' } }];
  for (let i = 0; i < 40; i++) els.push({ group: 'nodes', data: { id: `n${i}` } });
  let e = 0;
  for (let i = 0; i < 40; i++) {
    els.push({ group: 'edges', data: { id: `e${e++}`, source: 'hub', target: `n${i}` } });
    if (i % 3 === 0) els.push({ group: 'edges', data: { id: `e${e++}`, source: `n${i}`, target: 'hub' } });
    if (i % 5 === 0) els.push({ group: 'edges', data: { id: `e${e++}`, source: 'hub', target: `n${i}` } });
    if (i % 7 === 0) els.push({ group: 'edges', data: { id: `e${e++}`, source: `n${i}`, target: `n${i}` } });
    if (i > 0 && i % 4 === 0) els.push({ group: 'edges', data: { id: `e${e++}`, source: `n${i}`, target: `n${i - 1}` } });
  }
  cy.add(els);
  cy.remove(cy.getElementById('e6').union(cy.getElementById('e20')));
  cy.add([
    { group: 'edges', data: { id: 'late1', source: 'hub', target: 'n0' } },
    { group: 'edges', data: { id: 'late2', source: 'n5', target: 'hub' } },
  ]);
  return cy;
}

const ids = (c: { map: (f: (x: { id: () => string }) => string) => string[] }) => c.map((x) => x.id()).join(',');

describe('installFastParallelEdges', () => {
  it('gives the same parallel edges, in the same order, as cytoscape', () => {
    const before = graph();
    const want = before.edges().map((e) => [e.id(), ids(e.parallelEdges()), ids(e.codirectedEdges())]);
    installFastParallelEdges(before);
    const after = graph();
    const got = after.edges().map((e) => [e.id(), ids(e.parallelEdges()), ids(e.codirectedEdges())]);
    expect(got).toEqual(want);
    // Collections of several edges and selectors keep cytoscape's own path.
    expect(ids(after.edges('[source = "hub"]').parallelEdges())).toBe(ids(before.edges('[source = "hub"]').parallelEdges()));
    expect(ids(after.getElementById('e0').parallelEdges('[id = "e0"]'))).toBe('e0');
    expect(after.getElementById('e0').parallelEdges().length).toBeGreaterThan(1);
    expect((Object.getPrototypeOf(after.collection()) as { __echoParallel?: true }).__echoParallel).toBe(true);
  });
});
