/**
 * canonicalSlotPair (one sort for a commit's in/out slot maps) equals two canonicalSlots calls,
 * for maps where out ⊆ in (what commits build) and for maps where it is not (the fallback).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSlotPair, canonicalSlots, makeEdgeId, makeNodeId, makeWarpId, slotSortKey, type SlotId } from '../../../engine/index';
import { prop } from '../../support/prop';

const id = fc.constantFrom(makeNodeId('a'), makeNodeId('b'), makeNodeId('c'), makeNodeId('d'));
const warp = fc.constantFrom(makeWarpId('w0'), makeWarpId('w1'));
const slot: fc.Arbitrary<SlotId> = fc.oneof(
  fc.tuple(warp, id).map(([w, l]) => ({ kind: 'node', key: { warp: w, local: l } }) as SlotId),
  fc.tuple(warp, fc.constantFrom(makeEdgeId('a'), makeEdgeId('b'))).map(([w, l]) => ({ kind: 'edge', key: { warp: w, local: l } }) as SlotId),
  fc.tuple(fc.constantFrom('node', 'edge'), warp, id, fc.constantFrom('alpha', 'beta')).map(([o, w, l, p]) => ({ kind: 'attachment', key: { owner: o, warp: w, local: l, plane: p } }) as SlotId),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((port) => ({ kind: 'port', port }) as SlotId),
);

const toMap = (xs: readonly SlotId[]): Map<string, SlotId> => new Map(xs.map((s) => [slotSortKey(s), s]));
const keys = (xs: readonly SlotId[]): string[] => xs.map(slotSortKey);

describe('canonicalSlotPair', () => {
  it('equals canonicalSlots on each side, whether or not out ⊆ in', () => {
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), fc.array(slot, { maxLength: 3 }), (ins, pick, extra) => {
        const outSubset = ins.length > 0 ? pick.map((i) => ins[i % ins.length]!) : [];
        for (const outs of [outSubset, [...outSubset, ...extra]]) {
          const [a, b] = canonicalSlotPair(toMap(ins), toMap(outs));
          expect(keys(a)).toEqual(keys(canonicalSlots(ins)));
          expect(keys(b)).toEqual(keys(canonicalSlots(outs)));
        }
      }),
      prop(400),
    );
  });
});
