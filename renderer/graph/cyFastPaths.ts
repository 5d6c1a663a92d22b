/**
 * Cheaper forms of two cytoscape internals that a churning delta calls thousands of times,
 * installed once on cytoscape's collection prototype. Both give exactly what the originals give
 * (same elements, same order, same effect) and fall back to the original outside the case they
 * handle. They rely on cytoscape's `_private` fields (checked against 3.34; where those are
 * missing the original runs).
 *
 * - `parallelEdges()` of one edge, no selector. cytoscape asks every edge it adds or removes for
 *   its parallel edges (to clear their traversal caches), and computes them by scanning every
 *   edge of the edge's *source* node: O(degree of the source) per edge. An edge out of a hub (the
 *   churn world's root with 750 items, any star) makes a delta that adds 250 of them scan
 *   250 × ~1,000 edges — about half of the `cy.add` cost. The parallel edges of an edge s–t are
 *   exactly the edges that join s and t, and both endpoints list them in the same relative order
 *   (cytoscape pushes an edge onto both lists in one step and removes it from both), so scanning
 *   the endpoint with fewer edges gives the same collection in the same order.
 * - `dirtyStyleCache()` without compound nodes. cytoscape calls it once per style property it
 *   applies (from `checkTriggers`), and it clears the element's style cache and those of its
 *   connected edges through `connectedEdges()`, which builds a new collection on every call (it is
 *   never cached without a selector): ~9,000 collections per 1,000-element delta. Clearing the
 *   same caches straight from the node's edge list builds none.
 */
import type cytoscape from 'cytoscape';

interface PrivNode {
  readonly _private?: { readonly edges?: readonly PrivEdge[]; readonly data: { readonly id: string } };
}
interface PrivEdge {
  readonly _private: { readonly group?: string; readonly source?: PrivNode; readonly target?: PrivNode; readonly data: { readonly source: string; readonly target: string } };
}
/** The fields `dirtyStyleCache` touches. */
interface StylePrivate {
  group?: string;
  styleCache?: unknown;
  readonly edges?: readonly PrivEdge[];
}
type Coll = ArrayLike<PrivEdge> & { spawn: (els: PrivEdge[], unique: boolean) => unknown; cy: () => { hasCompoundNodes: () => boolean } };
interface ProtoLike {
  parallelEdges: (this: Coll, selector?: unknown) => unknown;
  dirtyStyleCache?: (this: Coll) => unknown;
  __echoFastPaths?: true;
}

export function installCytoscapeFastPaths(cy: cytoscape.Core): void {
  const proto = Object.getPrototypeOf(cy.collection()) as ProtoLike;
  if (proto.__echoFastPaths || typeof proto.parallelEdges !== 'function') return;
  const original = proto.parallelEdges;
  proto.parallelEdges = function (selector?: unknown) {
    const edge = this.length === 1 && selector == null ? this[0] : undefined;
    const p = edge?._private;
    const srcEdges = p?.group === 'edges' ? p.source?._private?.edges : undefined;
    const tgtEdges = p?.target?._private?.edges;
    if (!p || !srcEdges || !tgtEdges || srcEdges.length <= tgtEdges.length) return original.call(this, selector);
    const s = p.source!._private!.data.id;
    const t = p.data.target;
    const out: PrivEdge[] = [];
    for (const e of tgtEdges) {
      const d = e._private.data;
      if ((d.source === s && d.target === t) || (d.source === t && d.target === s)) out.push(e);
    }
    return this.spawn(out, true);
  };
  proto.__echoFastPaths = true;
  const dirtyStyleCache = proto.dirtyStyleCache;
  if (typeof dirtyStyleCache === 'function')
    proto.dirtyStyleCache = function () {
      if (this.cy().hasCompoundNodes()) return dirtyStyleCache.call(this);
      for (let i = 0; i < this.length; i++) {
        const p = this[i]!._private as StylePrivate | undefined;
        if (!p || !(p.group === 'edges' || (p.group === 'nodes' && Array.isArray(p.edges)))) return dirtyStyleCache.call(this);
      }
      for (let i = 0; i < this.length; i++) {
        const p = this[i]!._private as StylePrivate;
        p.styleCache = null;
        if (p.group === 'nodes') for (const e of p.edges!) (e._private as StylePrivate).styleCache = null;
      }
      return this;
    };
}
