/**
 * computeTickDigests (the commit's one-pass plan / rewrites / receipt digests) equals the three
 * separate digest functions — the frozen layouts, written field by field through ByteWriter — for
 * any candidates and dispositions, including none and all rejected. Ids that are not 32 bytes are
 * refused rather than hashed into a different layout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePlanDigest, computeReceiptDigest, computeRewritesDigest, computeTickDigests, toHex, type NodeId, type TickReceiptEntry, type WarpId } from '../../../engine/index';
import { prop } from '../../support/prop';

const id32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const entry = fc.record({ ruleId: id32, scopeHash: id32, warp: id32, local: id32, applied: fc.boolean() });

describe('computeTickDigests', () => {
  it('equals computePlanDigest, computeRewritesDigest (applied only) and computeReceiptDigest', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (xs) => {
        const entries: TickReceiptEntry[] = xs.map((x) => ({ ruleId: x.ruleId, scopeHash: x.scopeHash, scope: { warp: x.warp as WarpId, local: x.local as NodeId }, disposition: x.applied ? 'applied' : 'rejected' }));
        const d = computeTickDigests(entries, xs.map((x) => x.applied));
        expect(toHex(d.plan)).toBe(toHex(computePlanDigest(entries)));
        expect(toHex(d.rewrites)).toBe(toHex(computeRewritesDigest(entries.filter((e) => e.disposition === 'applied'))));
        expect(toHex(d.receipt)).toBe(toHex(computeReceiptDigest(entries)));
      }),
      prop(300),
    );
  });

  it('refuses an id that is not 32 bytes', () => {
    const ok = new Uint8Array(32);
    const c = { ruleId: ok, scopeHash: ok, scope: { warp: ok as WarpId, local: new Uint8Array(31) as NodeId } };
    expect(() => computeTickDigests([c], [true])).toThrow(RangeError);
  });
});
