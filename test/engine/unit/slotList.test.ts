/**
 * PackedSlots (how a patch keeps its slots): for canonical in/out lists, out ⊆ in by identity or
 * not, each list reads back slot for slot (`at`, negative indices, iteration, fresh objects), and
 * `writeTo` appends exactly the per-slot `writeSlot` encodings — whether the out-list shares the
 * in-list's bytes (any subset: runs and gaps) or has its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, PackedSlots, canonicalSlots, type SlotId } from '../../../engine/index';
import { writeSlot } from '../../../engine/codec/canonical';
import { prop } from '../../support/prop';
import { expectReadsBack } from '../../support/packedList';
import { slotArb } from '../../support/slotArb';

const slot = slotArb;

const encoded = (slots: readonly SlotId[]): Uint8Array => {
  const w = new ByteWriter();
  for (const s of slots) writeSlot(w, s);
  return w.finish();
};
const written = (p: PackedSlots): Uint8Array => {
  const w = new ByteWriter();
  p.writeTo(w);
  return w.finish();
};

describe('PackedSlots', () => {
  it('reads back and re-encodes canonical in/out lists exactly, shared or not', () => {
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 16 }), fc.array(fc.boolean(), { maxLength: 16 }), fc.boolean(), (raw, keep, copyOuts) => {
        const ins = canonicalSlots(raw);
        const picked = ins.filter((_, i) => keep[i]);
        const outs = copyOuts ? picked.map((s) => structuredClone(s)) : picked;
        const [pi, po] = PackedSlots.pair(ins, outs);
        for (const [p, list] of [[pi, ins], [po, outs]] as const) {
          expectReadsBack(p, list);
          expect(written(p)).toEqual(encoded(list));
        }
        if (ins.length > 0) expect(pi.at(0)).not.toBe(pi.at(0)); // fresh objects per read
        // Shared: the out-list adds only its picks (4 bytes each) to the in-list's bytes.
        if (!copyOuts) expect(po.byteLength - pi.byteLength).toBe(4 * outs.length);
      }),
      prop(400),
    );
  });
});
