import cytoscape from 'cytoscape';
import { describe, expect, it } from 'vitest';
import { installCytoscapeFastPaths } from '../../renderer/graph/cyFastPaths';

/** cytoscape's own `dirtyStyleCache`, taken before any test installs the fast paths (they patch the shared prototype). */
type Proto = { dirtyStyleCache: (this: unknown) => unknown; __echoFastPaths?: true };
const proto = Object.getPrototypeOf(cytoscape({ headless: true }).collection()) as Proto;
const originalDirtyStyleCache = proto.dirtyStyleCache;

/** A hub with many edges, parallel and opposite edges, self-loops, and removals in between. */
function graph(compound = false): cytoscape.Core {
  const cy = cytoscape({ headless: true, styleEnabled: true });
  const els: cytoscape.ElementDefinition[] = [{ group: 'nodes', data: { id: 'hub' } }];
  if (compound) els.push({ group: 'nodes', data: { id: 'box' } });
  for (let i = 0; i < 40; i++) els.push({ group: 'nodes', data: { id: `n${i}`, ...(compound && i % 2 ? { parent: 'box' } : {}) } });
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

type Priv = { _private: { styleCache?: unknown } };
/** Gives every element a style cache, runs `dirty` on the collection `pick` chooses, and lists the elements left without one. */
function dirtied(cy: cytoscape.Core, pick: (cy: cytoscape.Core) => cytoscape.Collection, dirty: (c: cytoscape.Collection) => void): string {
  cy.elements().forEach((el) => void ((el as unknown as Priv)._private.styleCache = ['cached']));
  dirty(pick(cy));
  return cy
    .elements()
    .filter((el) => (el as unknown as Priv)._private.styleCache === null)
    .map((el) => el.id())
    .sort()
    .join(',');
}

describe('installCytoscapeFastPaths', () => {
  it('gives the same parallel edges, in the same order, as cytoscape', () => {
    const before = graph();
    const want = before.edges().map((e) => [e.id(), ids(e.parallelEdges()), ids(e.codirectedEdges())]);
    installCytoscapeFastPaths(before);
    const after = graph();
    const got = after.edges().map((e) => [e.id(), ids(e.parallelEdges()), ids(e.codirectedEdges())]);
    expect(got).toEqual(want);
    // Collections of several edges and selectors keep cytoscape's own path.
    expect(ids(after.edges('[source = "hub"]').parallelEdges())).toBe(ids(before.edges('[source = "hub"]').parallelEdges()));
    expect(ids(after.getElementById('e0').parallelEdges('[id = "e0"]'))).toBe('e0');
    expect(after.getElementById('e0').parallelEdges().length).toBeGreaterThan(1);
    expect(proto.__echoFastPaths).toBe(true);
  });

  it('clears exactly the style caches cytoscape clears, with and without compound nodes', () => {
    installCytoscapeFastPaths(graph());
    expect(proto.dirtyStyleCache).not.toBe(originalDirtyStyleCache);
    const picks: [string, (cy: cytoscape.Core) => cytoscape.Collection][] = [
      ['the hub', (cy) => cy.getElementById('hub')],
      ['a leaf with a self-loop', (cy) => cy.getElementById('n7')],
      ['one edge', (cy) => cy.getElementById('e0')],
      ['a self-loop edge', (cy) => cy.getElementById('e2')],
      ['nodes and edges', (cy) => cy.$('#n3, #n4, #e9, #late2')],
      ['everything', (cy) => cy.elements()],
      ['nothing', (cy) => cy.collection()],
    ];
    for (const compound of [false, true]) {
      for (const [what, pick] of picks) {
        const want = dirtied(graph(compound), pick, (c) => void originalDirtyStyleCache.call(c));
        const got = dirtied(graph(compound), pick, (c) => void (c as unknown as Proto).dirtyStyleCache());
        expect(got, `${what}${compound ? ' (compound)' : ''}`).toBe(want);
        if (what !== 'nothing') expect(want.length, what).toBeGreaterThan(0);
      }
    }
    // The hub's edges are among the caches cleared (the reason the method exists).
    expect(dirtied(graph(), (cy) => cy.getElementById('hub'), (c) => void (c as unknown as Proto).dirtyStyleCache()).split(',')).toContain('late2');
  });
});
