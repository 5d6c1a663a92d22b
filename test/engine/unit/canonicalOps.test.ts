/**
 * canonicalizeOps (sort by op key, last op per key wins; strictly ascending input returned as is)
 * against the naive Map + sort, on random op lists with duplicate keys, pre-sorted runs and
 * every op kind's key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atom, canonicalizeOps, makeEdgeId, makeNodeId, makeTypeId, makeWarpId, opSortKey, type WarpOp } from '../../../engine/index';
import { prop } from '../../support/prop';

const warp = fc.constantFrom(makeWarpId('w0'), makeWarpId('w1'));
const node = fc.constantFrom(...['a', 'b', 'c', 'd'].map(makeNodeId));
const edge = fc.constantFrom(...['x', 'y'].map(makeEdgeId));
const ty = makeTypeId('t');
let serial = 0;
const op: fc.Arbitrary<WarpOp> = fc.oneof(
  fc.tuple(warp, node).map(([w, n]) => ({ op: 'UpsertNode', node: { warp: w, local: n }, record: { ty } }) as WarpOp),
  fc.tuple(warp, node).map(([w, n]) => ({ op: 'DeleteNode', node: { warp: w, local: n } }) as WarpOp),
  fc.tuple(warp, node, edge).map(([w, n, e]) => ({ op: 'UpsertEdge', warp: w, record: { id: e, from: n, to: n, ty } }) as WarpOp),
  fc.tuple(warp, node, edge).map(([w, n, e]) => ({ op: 'DeleteEdge', warp: w, from: n, edgeId: e }) as WarpOp),
  fc.tuple(warp, node, fc.constantFrom('node', 'edge'), fc.constantFrom('alpha', 'beta')).map(
    ([w, n, o, p]) => ({ op: 'SetAttachment', key: { owner: o, plane: p, warp: w, local: n }, value: atom(ty, Uint8Array.of(serial++ & 255)) }) as WarpOp,
  ),
  warp.map((w) => ({ op: 'DeleteWarpInstance', warp: w }) as WarpOp),
);

function naive(ops: readonly WarpOp[]): WarpOp[] {
  const m = new Map<string, WarpOp>();
  for (const o of ops) m.set(opSortKey(o), o);
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

describe('canonicalizeOps', () => {
  it('equals the naive Map + sort (last wins), for shuffled, duplicated and pre-sorted lists', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), (ops, presort) => {
        const input = presort ? naive(ops) : ops;
        const got = canonicalizeOps(input);
        const want = naive(input);
        expect(got.length).toBe(want.length);
        got.forEach((o, i) => expect(o).toBe(want[i]));
      }),
      prop(400),
    );
  });
});
