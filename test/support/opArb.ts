/**
 * A fast-check arbitrary over ops of every kind (portals, instances, nodes, edges, attachments of
 * every value kind), drawn from a few ids and two warps so lists repeat keys.
 */
import fc from 'fast-check';
import { atom, descend, edgeBeta, makeEdgeId, makeNodeId, makeTypeId, makeWarpId, nodeAlpha, type WarpOp } from '../../engine/index';

const warp = fc.constantFrom(makeWarpId('w0'), makeWarpId('w1'));
const node = fc.constantFrom(...['a', 'b', 'c'].map(makeNodeId));
const edge = fc.constantFrom(...['x', 'y'].map(makeEdgeId));
const ty = fc.constantFrom(makeTypeId('t'), makeTypeId('u'));
const key = fc.oneof(fc.tuple(warp, node).map(([w, n]) => nodeAlpha(w, n)), fc.tuple(warp, edge).map(([w, e]) => edgeBeta(w, e)));
const value = fc.oneof(
  fc.tuple(ty, fc.uint8Array({ maxLength: 40 })).map(([t, b]) => atom(t, b)),
  warp.map((w) => descend(w)),
  fc.constant(null),
);
export const opArb: fc.Arbitrary<WarpOp> = fc.oneof(
  fc.tuple(key, warp, node, ty, fc.boolean()).map(
    ([k, w, n, t, empty]) => ({ op: 'OpenPortal', key: k, childWarp: w, childRoot: n, init: empty ? { kind: 'empty', rootRecord: { ty: t } } : { kind: 'requireExisting' } }) as WarpOp,
  ),
  fc.tuple(warp, node, fc.option(key, { nil: null })).map(([w, n, parent]) => ({ op: 'UpsertWarpInstance', instance: { warpId: w, rootNode: n, parent } }) as WarpOp),
  warp.map((w) => ({ op: 'DeleteWarpInstance', warp: w }) as WarpOp),
  fc.tuple(warp, node, edge).map(([w, n, e]) => ({ op: 'DeleteEdge', warp: w, from: n, edgeId: e }) as WarpOp),
  fc.tuple(warp, node).map(([w, n]) => ({ op: 'DeleteNode', node: { warp: w, local: n } }) as WarpOp),
  fc.tuple(warp, node, ty).map(([w, n, t]) => ({ op: 'UpsertNode', node: { warp: w, local: n }, record: { ty: t } }) as WarpOp),
  fc.tuple(warp, edge, node, node, ty).map(([w, e, a, b, t]) => ({ op: 'UpsertEdge', warp: w, record: { id: e, from: a, to: b, ty: t } }) as WarpOp),
  fc.tuple(key, value).map(([k, v]) => ({ op: 'SetAttachment', key: k, value: v }) as WarpOp),
);

