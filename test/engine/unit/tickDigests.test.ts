/**
 * computeTickDigests (the commit's one-pass plan / rewrites / receipt digests) equals the three
 * separate digest functions — the frozen layouts, written field by field through ByteWriter — for
 * any candidates and dispositions, including none and all rejected. Ids that are not 32 bytes are
 * refused rather than hashed into a different layout. The order candidates are read in (`visit`)
 * does not change the digests; a visit order that is not a permutation is refused.
 * Its packed entries (what the engine's receipts keep) read back as the entries, as fresh copies;
 * `PackedReceiptEntries.of` packs the same bytes; `dispositionAt` / `appliedCount` agree on packed
 * lists and plain arrays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedReceiptEntries, appliedCount, computePlanDigest, computeReceiptDigest, computeRewritesDigest, computeTickDigests, dispositionAt, toHex, type NodeId, type TickReceiptEntry, type WarpId } from '../../../engine/index';
import { prop } from '../../support/prop';
import { expectReadsBack } from '../../support/packedList';

const id32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const entry = fc.record({ ruleId: id32, scopeHash: id32, warp: id32, local: id32, applied: fc.boolean() });

describe('computeTickDigests', () => {
  it('equals computePlanDigest, computeRewritesDigest (applied only) and computeReceiptDigest', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), (xs, keys) => {
        const entries: TickReceiptEntry[] = xs.map((x) => ({ ruleId: x.ruleId, scopeHash: x.scopeHash, scope: { warp: x.warp as WarpId, local: x.local as NodeId }, disposition: x.applied ? 'applied' : 'rejected' }));
        const d = computeTickDigests(entries, xs.map((x) => x.applied));
        // Reading the candidates in another order (the engine's arrival order) changes nothing.
        const visit = xs.map((_, i) => i).sort((a, b) => (keys[a] ?? a) - (keys[b] ?? b) || a - b);
        const dv = computeTickDigests(entries, xs.map((x) => x.applied), visit);
        expect([dv.plan, dv.rewrites, dv.receipt].map(toHex)).toEqual([d.plan, d.rewrites, d.receipt].map(toHex));
        expect(dv.entries).toEqual(d.entries);
        expect(toHex(d.plan)).toBe(toHex(computePlanDigest(entries)));
        expect(toHex(d.rewrites)).toBe(toHex(computeRewritesDigest(entries.filter((e) => e.disposition === 'applied'))));
        expect(toHex(d.receipt)).toBe(toHex(computeReceiptDigest(entries)));

        const packed = d.entries;
        expectReadsBack(packed, entries);
        expect(PackedReceiptEntries.of(entries)).toEqual(packed);
        for (let i = 0; i < entries.length; i++) {
          expect(dispositionAt(packed, i)).toBe(entries[i]!.disposition);
          expect(dispositionAt(entries, i)).toBe(entries[i]!.disposition);
        }
        expect(appliedCount(packed)).toBe(xs.filter((x) => x.applied).length);
        expect(appliedCount(entries)).toBe(xs.filter((x) => x.applied).length);
        if (entries.length > 0) {
          // Each read is a fresh copy: changing one changes nothing kept.
          packed.at(0)!.scopeHash.fill(0xee);
          expect(packed.at(0)!.scopeHash).toEqual(entries[0]!.scopeHash);
        }
      }),
      prop(300),
    );
  });

  it('equals the three digests for streams longer than the 64 KiB copy buffer (3,001 candidates)', () => {
    // Plan and rewrites are copied out of the receipt stream through a 64 KiB buffer: 3,001
    // entries (192 KB of plan, up to 384 KB of rewrites) cross it several times, at 64- and
    // 128-byte runs that do not divide it evenly once the 8-byte count is in front.
    let seed = 0x9e3779b9;
    const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) & 0xff);
    const id = () => Uint8Array.from({ length: 32 }, next);
    const rule = id();
    const warp = id() as WarpId;
    const entries: TickReceiptEntry[] = Array.from({ length: 3001 }, (_, i) => ({ ruleId: i % 7 === 0 ? id() : rule, scopeHash: id(), scope: { warp, local: id() as NodeId }, disposition: next() % 5 === 0 ? 'rejected' : 'applied' }));
    for (const flags of [entries.map((e) => e.disposition === 'applied'), entries.map(() => true)]) {
      const list = entries.map((e, i) => ({ ...e, disposition: flags[i] ? ('applied' as const) : ('rejected' as const) }));
      const d = computeTickDigests(list, flags);
      expect(toHex(d.plan)).toBe(toHex(computePlanDigest(list)));
      expect(toHex(d.rewrites)).toBe(toHex(computeRewritesDigest(list.filter((e) => e.disposition === 'applied'))));
      expect(toHex(d.receipt)).toBe(toHex(computeReceiptDigest(list)));
    }
  });

  it('refuses an id that is not 32 bytes, and bytes that are not a receipt stream', () => {
    const ok = new Uint8Array(32);
    const c = { ruleId: ok, scopeHash: ok, scope: { warp: ok as WarpId, local: new Uint8Array(31) as NodeId } };
    expect(() => computeTickDigests([c], [true])).toThrow(RangeError);
    const d = { ruleId: ok, scopeHash: ok, scope: { warp: ok as WarpId, local: ok as NodeId } };
    for (const visit of [[0, 0], [0], [0, 2], [1, -1]]) expect(() => computeTickDigests([d, d], [true, false], visit)).toThrow(/visit order/);
    expect(() => PackedReceiptEntries.of([{ ...c, disposition: 'applied' }])).toThrow(RangeError);
    expect(() => new PackedReceiptEntries(new Uint8Array(10 + 128))).toThrow(RangeError);
    expect(() => new PackedReceiptEntries(new Uint8Array(9))).toThrow(RangeError);
  });
});
