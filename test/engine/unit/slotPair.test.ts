/**
 * canonicalSlotPair (one sort for a commit's in/out slot maps) equals two canonicalSlots calls,
 * for maps where out ⊆ in (what commits build) and for maps where it is not (the fallback).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSlotPair, canonicalSlots, slotSortKey, type SlotId } from '../../../engine/index';
import { prop } from '../../support/prop';
import { slotArb } from '../../support/slotArb';

const slot = slotArb;

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
