/**
 * computePatchDigestV2 streams its bytes into the hasher through a 4 KiB buffer, handing packed
 * runs of 4 KiB or more over uncopied. Whatever the list sizes (below, across and far past that
 * buffer) and whether the lists are plain or packed (out-slots picking in-slots in runs), the
 * digest equals BLAKE3 of the frozen layout written whole, field by field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, PackedOps, blake3, computePatchDigestV2, toHex, type SlotId, type WarpOp } from '../../../engine/index';
import { writeOp, writeSlot } from '../../../engine/codec/canonical';
import { PackedSlots } from '../../../engine/slotList';
import { opArb } from '../../support/opArb';
import { slotArb } from '../../support/slotArb';
import { prop } from '../../support/prop';

/** Patch digest v2, the frozen layout written whole (tickPatch.ts), hashed in one piece. */
function naive(policy: number, rp: Uint8Array, committed: boolean, ins: readonly SlotId[], outs: readonly SlotId[], ops: readonly WarpOp[]): string {
  const w = new ByteWriter();
  w.u16(2).u32(policy).bytes(rp).u8(committed ? 1 : 2).u64(ins.length);
  for (const s of ins) writeSlot(w, s);
  w.u64(outs.length);
  for (const s of outs) writeSlot(w, s);
  w.u64(ops.length);
  for (const o of ops) writeOp(w, o);
  return toHex(blake3(w.finish()));
}

describe('computePatchDigestV2', () => {
  it('equals the frozen layout hashed whole, for plain and packed lists of any size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.boolean(),
        fc.oneof(fc.array(slotArb, { maxLength: 8 }), fc.array(slotArb, { minLength: 50, maxLength: 400 })),
        fc.array(fc.boolean(), { maxLength: 400 }),
        fc.oneof(fc.array(opArb, { maxLength: 8 }), fc.array(opArb, { minLength: 30, maxLength: 300 })),
        (policy, committed, ins, take, ops) => {
          const rp = new Uint8Array(32).fill(policy & 0xff);
          // Out-slots: the in-slot objects picked in runs (packed as picks of the in-list's bytes).
          const outs = ins.filter((_, i) => take[i] ?? false);
          const want = naive(policy, rp, committed, ins, outs, ops);
          const status = committed ? 'committed' : 'aborted';
          expect(toHex(computePatchDigestV2(policy, rp, status, ins, outs, ops))).toBe(want);
          const [pIns, pOuts] = PackedSlots.pair(ins, outs);
          expect(toHex(computePatchDigestV2(policy, rp, status, pIns, pOuts, PackedOps.of(ops)))).toBe(want);
        },
      ),
      prop(60),
    );
  });
});
