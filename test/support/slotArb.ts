/**
 * A fast-check arbitrary over slots of every kind (node, edge, attachment of either owner and
 * plane, port over the whole u64 range), drawn from a few ids and two warps so lists repeat slots.
 */
import fc from 'fast-check';
import { makeEdgeId, makeNodeId, makeWarpId, type SlotId } from '../../engine/index';

const id = fc.constantFrom(makeNodeId('a'), makeNodeId('b'), makeNodeId('c'), makeNodeId('d'));
const warp = fc.constantFrom(makeWarpId('w0'), makeWarpId('w1'));

export const slotArb: fc.Arbitrary<SlotId> = fc.oneof(
  fc.tuple(warp, id).map(([w, l]) => ({ kind: 'node', key: { warp: w, local: l } }) as SlotId),
  fc.tuple(warp, fc.constantFrom(makeEdgeId('a'), makeEdgeId('b'))).map(([w, l]) => ({ kind: 'edge', key: { warp: w, local: l } }) as SlotId),
  fc.tuple(fc.constantFrom('node', 'edge'), warp, id, fc.constantFrom('alpha', 'beta')).map(([o, w, l, p]) => ({ kind: 'attachment', key: { owner: o, warp: w, local: l, plane: p } }) as SlotId),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((port) => ({ kind: 'port', port }) as SlotId),
);
