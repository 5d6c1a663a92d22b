/**
 * Blocker attribution (`blockedBy`): the index computation equals the scan (the definition, each
 * rejected candidate against every earlier accepted one by `footprintsConflict`) for any
 * footprints — every set, two warps sharing raw ids, ports — under any accepted flags and under
 * the flags a real reserve gives; `tickBlockers` equals both on whichever path it takes, including
 * a tick big enough for the index path; and the engine and a session read back agree with it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Footprint, footprintsConflict, makeNodeId, makeWarpId, nodeAlpha } from '../../../engine/index';
import { reserveDrained } from '../../../engine/internedFrontier';
import { blockersByIndex, blockersByScan, SCAN_PAIRS, tickBlockers } from '../../../engine/tickBlockers';
import { footprintArb, warpArb } from '../../support/footprintArb';
import { prop } from '../../support/prop';

const fpArb = footprintArb({ ids: 6, sets: { nodes: 3, edges: 2, ports: 2 }, ports: fc.bigInt({ min: 0n, max: 3n }), mask: false });

/** The definition, written out once more. */
function naive(fps: readonly Footprint[], accepted: ArrayLike<number>): number[][] {
  return fps.map((fp, i) => {
    if (accepted[i]) return [];
    const out: number[] = [];
    for (let k = 0; k < i; k++) if (accepted[k] && footprintsConflict(fp, fps[k]!)) out.push(k);
    return out;
  });
}

describe('tick blockers', () => {
  it('index = scan = definition, for any flags and for the flags a reserve gives', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fpArb, warpArb), { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), (cands, bits) => {
        const fps = cands.map(([fp]) => fp);
        const anyFlags = Uint8Array.from(fps, (_, i) => (bits[i] ? 1 : 0));
        const reserved = reserveDrained(cands.map(([footprint, warp]) => ({ footprint, scope: { warp } })));
        for (const flags of [anyFlags, reserved]) {
          const want = naive(fps, flags);
          expect(blockersByScan(fps, flags).map((b) => [...b])).toEqual(want);
          expect(blockersByIndex(fps, flags).map((b) => [...b])).toEqual(want);
          expect(tickBlockers(fps, flags).map((b) => [...b])).toEqual(want);
        }
      }),
      prop(400),
    );
  });

  it('takes the index past SCAN_PAIRS and still gives the scan’s lists (a neighbour-reading chain)', () => {
    // Each candidate writes its own α and reads the next node's α: about half are rejected, each
    // by the accepted neighbours around it — well over SCAN_PAIRS (rejected × earlier accepted).
    const n = 2000;
    const w = makeWarpId('chain');
    const ids = Array.from({ length: n }, (_, i) => makeNodeId(`c${i}`));
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n); // a fixed shuffle (7919 is prime to n)
    const fps = order.map((i) => new Footprint().writeAttachment(nodeAlpha(w, ids[i]!)).readAttachment(nodeAlpha(w, ids[(i + 1) % n]!)));
    const accepted = reserveDrained(fps.map((footprint) => ({ footprint, scope: { warp: w } })));
    let pairs = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) accepted[i] ? acc++ : (pairs += acc);
    expect(pairs).toBeGreaterThan(SCAN_PAIRS);
    const byIndex = tickBlockers(fps, accepted);
    expect(byIndex.map((b) => [...b])).toEqual(blockersByScan(fps, accepted).map((b) => [...b]));
    // Every rejected candidate has a blocker; accepted ones have none.
    for (let i = 0; i < n; i++) expect(byIndex[i]!.length > 0).toBe(accepted[i] === 0);
  });
});
