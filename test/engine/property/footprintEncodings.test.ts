/**
 * Footprint encodings the commit relies on, against the live objects:
 * - `PackedFootprints` (the tick history's compact footprints): `at(i)` has the same sets (keys
 *   and values), factor mask and conflict answers, and iteration yields them in order, whatever
 *   order they were stored in;
 * - the slot maps `extendSlotsFromFootprint` builds are keyed by exactly `slotSortKey(slot)`
 *   (the patch sorts those keys directly), and a patch built from the maps equals one built from
 *   the plain slot arrays;
 * - `TickSlots` (what a commit collects) packs the same canonical in/out slots as those maps
 *   through `canonicalSlotPair`, with the very bytes `PackedSlots.pair` writes for them, and the
 *   patch digest over its lists equals the frozen layout written slot by slot; so does the digest
 *   over the slot objects, whether the out-slots are the in-slot objects, copies of them, or a mix.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, Footprint, ROOT_WARP, TickSlots, WarpTickPatchV1, blake3, canonicalSlotPair, extendSlotsFromFootprint, footprintsConflict, slotSortKey, toHex, type SlotId, nodeAlpha } from '../../../engine/index';
import { PackedFootprints } from '../../../engine/footprintList';
import { writeSlot } from '../../../engine/codec/canonical';
import { PackedSlots, writeSlotList } from '../../../engine/slotList';
import { footprintArb, fpIds, warpArb } from '../../support/footprintArb';
import { prop } from '../../support/prop';

const ids = fpIds(6);
const fpArb = footprintArb({ ids: 6, sets: { nodes: 3, edges: 2, ports: 2 }, ports: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), mask: true });

const sets = (fp: Footprint) =>
  ([fp.nRead, fp.nWrite, fp.eRead, fp.eWrite, fp.aRead, fp.aWrite, fp.bIn, fp.bOut] as ReadonlyMap<string, unknown>[]).map((m) =>
    Array.from(m.entries()).sort(([a], [b]) => (a < b ? -1 : 1)),
  );

describe('PackedFootprints', () => {
  it('decodes every footprint exactly, in order', () => {
    fc.assert(
      fc.property(fc.array(fpArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (fps, keys) => {
        // Stored in another order (the engine's arrival order): the same entries at the same indices.
        const visit = fps.map((_, i) => i).sort((a, b) => (keys[a] ?? a) - (keys[b] ?? b) || a - b);
        const visited = PackedFootprints.pack(fps, visit);
        const packed = PackedFootprints.pack(fps);
        expect(Array.from(visited, sets)).toEqual(Array.from(packed, sets));
        expect(visited.byteLength).toBe(packed.byteLength);
        expect(packed.length).toBe(fps.length);
        expect(packed.at(fps.length)).toBeUndefined();
        const back = Array.from(packed);
        for (let i = 0; i < fps.length; i++) {
          const got = packed.at(i)!;
          expect(sets(got)).toEqual(sets(fps[i]!));
          expect(got.factorMask).toBe(fps[i]!.factorMask);
          expect(sets(back[i]!)).toEqual(sets(fps[i]!));
          for (let j = 0; j < fps.length; j++) expect(footprintsConflict(got, packed.at(j)!)).toBe(footprintsConflict(fps[i]!, fps[j]!));
        }
      }),
      prop(100),
    );
  });

  it('keeps a one-slot footprint in its 106 canonical bytes plus two 4-byte offsets', () => {
    // 8 u32 counts (32) + one attachment key (66) + u64 factor mask (8) = 106.
    const fp = new Footprint().writeAttachment(nodeAlpha(ROOT_WARP, ids[0]!));
    const packed = PackedFootprints.pack(Array.from({ length: 1000 }, () => fp));
    expect(packed.byteLength).toBe(1000 * 106 + 1000 * 8);
  });

  it('refuses a visit order that is not a permutation', () => {
    const fp = new Footprint();
    for (const visit of [[0, 0], [0], [0, 2], [1, -1]]) expect(() => PackedFootprints.pack([fp, fp], visit)).toThrow(/visit order/);
  });
});

describe('extendSlotsFromFootprint', () => {
  it('keys every slot by its slotSortKey; a patch from the maps equals one from arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fpArb, warpArb), { maxLength: 8 }), (fws) => {
        const inS = new Map<string, SlotId>();
        const outS = new Map<string, SlotId>();
        for (const [fp, w] of fws) extendSlotsFromFootprint(fp, w, inS, outS);
        for (const m of [inS, outS]) for (const [k, s] of m) expect(k).toBe(slotSortKey(s));
        const rp = new Uint8Array(32);
        const a = new WarpTickPatchV1(0, rp, 'committed', inS, outS, []);
        const b = new WarpTickPatchV1(0, rp, 'committed', Array.from(inS.values()).reverse(), Array.from(outS.values()), []);
        expect(toHex(a.digest)).toBe(toHex(b.digest));
        expect(Array.from(a.inSlots, slotSortKey)).toEqual(Array.from(b.inSlots, slotSortKey));
      }),
      prop(100),
    );
  });
});

/** Patch digest v2 with no ops, written slot by slot (the frozen layout, tickPatch.ts). */
function naivePatchDigest(rp: Uint8Array, ins: readonly SlotId[], outs: readonly SlotId[]): string {
  const w = new ByteWriter();
  w.u16(2).u32(0).bytes(rp).u8(1).u64(ins.length);
  for (const s of ins) writeSlot(w, s);
  w.u64(outs.length);
  for (const s of outs) writeSlot(w, s);
  w.u64(0);
  return toHex(blake3(w.finish()));
}

const copySlot = (s: SlotId): SlotId => structuredClone(s);

/** A slot list's encodings, as `writeSlotList` appends them. */
function listBytes(l: PackedSlots): string {
  const w = new ByteWriter();
  writeSlotList(w, l);
  return toHex(w.finish());
}

describe('TickSlots', () => {
  it('lists what extendSlotsFromFootprint + canonicalSlotPair list; the digest matches the frozen layout', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fpArb, warpArb), { maxLength: 8 }), fc.nat(), (fws, cut) => {
        const inS = new Map<string, SlotId>();
        const outS = new Map<string, SlotId>();
        const slots = new TickSlots();
        for (const [fp, w] of fws) {
          extendSlotsFromFootprint(fp, w, inS, outS);
          slots.add(fp, w);
        }
        const [ins, outs] = canonicalSlotPair(inS, outS);
        const [packedIns, packedOuts] = slots.packed();
        expect(Array.from(packedIns, slotSortKey)).toEqual(ins.map(slotSortKey));
        expect(Array.from(packedOuts, slotSortKey)).toEqual(outs.map(slotSortKey));
        // The very bytes PackedSlots.pair writes from the slot objects.
        const [pairIns, pairOuts] = PackedSlots.pair(ins, outs);
        expect(listBytes(packedIns)).toEqual(listBytes(pairIns));
        expect(listBytes(packedOuts)).toEqual(listBytes(pairOuts));

        const rp = new Uint8Array(32).fill(7);
        const want = naivePatchDigest(rp, ins, outs);
        expect(toHex(new WarpTickPatchV1(0, rp, 'committed', packedIns, packedOuts, [], true).digest)).toBe(want);
        expect(toHex(new WarpTickPatchV1(0, rp, 'committed', ins, outs, [], true).digest)).toBe(want);
        expect(toHex(new WarpTickPatchV1(0, rp, 'committed', inS, outS, []).digest)).toBe(want);
        // Out-slots that are not the in-slot objects: copies, and each mix of the two.
        const k = outs.length === 0 ? 0 : cut % (outs.length + 1);
        for (const mixed of [outs.map(copySlot), [...outs.slice(0, k), ...outs.slice(k).map(copySlot)], [...outs.slice(0, k).map(copySlot), ...outs.slice(k)]]) {
          expect(toHex(new WarpTickPatchV1(0, rp, 'committed', ins, mixed, [], true).digest)).toBe(want);
        }
      }),
      prop(300),
    );
  });
});
