/**
 * The whole-tick Radix reserve (`reserveDrained`, `Scheduler.reserveAll`) against its naive twin:
 * `ActiveFootprints.conflicts` + `mark` called candidate by candidate in drain order. Footprints
 * draw from small pools of ids, warps and ports so that reads, writes and port uses collide often,
 * across warps too (the same raw node id in two warps is two slots). Any visit order gives the
 * same answers; a visit order that is not a permutation is refused; a tx reserved whole accepts no
 * one-by-one reserve afterwards, and the other way round.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError, Footprint, ROOT_WARP, Scheduler, nodeAlpha, type PendingRewrite } from '../../../engine/index';
import { ActiveFootprints } from '../../../engine/footprint';
import { reserveDrained } from '../../../engine/internedFrontier';
import { FP_WARPS, footprintArb, fpIds, warpArb } from '../../support/footprintArb';
import { prop } from '../../support/prop';

const ids = fpIds(4);
const warps = FP_WARPS;
const fpArb = footprintArb({ ids: 4, sets: { nodes: 2, edges: 2, ports: 1 }, ports: fc.constantFrom(0n, 1n, 2n ** 63n), mask: false });

const candidateArb = fc.tuple(fpArb, warpArb).map(([footprint, warp]) => ({ footprint, scope: { warp } }));

/** The naive twin: the frontier sets, candidate by candidate. */
function naive(cands: readonly { footprint: Footprint; scope: { warp: Uint8Array } }[]): number[] {
  const a = new ActiveFootprints();
  return cands.map(({ footprint, scope }) => {
    if (a.conflicts(footprint, scope.warp as never)) return 0;
    a.mark(footprint, scope.warp as never);
    return 1;
  });
}

const pending = (c: { footprint: Footprint; scope: { warp: Uint8Array } }, i: number): PendingRewrite => ({
  ruleId: new Uint8Array(32),
  compactRule: 0,
  scopeHash: new Uint8Array(32).fill(i),
  scope: { warp: c.scope.warp as never, local: ids[0]! },
  footprint: c.footprint,
  phase: 'matched',
});

describe('reserveDrained', () => {
  it('accepts exactly what conflicts + mark accept in drain order, whatever the visit order', () => {
    fc.assert(
      fc.property(fc.array(candidateArb, { maxLength: 24 }), fc.array(fc.nat(), { maxLength: 24 }), (cands, keys) => {
        const want = naive(cands);
        expect(Array.from(reserveDrained(cands))).toEqual(want);
        const visit = cands.map((_, i) => i).sort((a, b) => (keys[a] ?? a) - (keys[b] ?? b) || a - b);
        expect(Array.from(reserveDrained(cands, visit))).toEqual(want);

        const s = new Scheduler();
        const prs = cands.map(pending);
        expect(Array.from(s.reserveAll(7, prs, visit))).toEqual(want);
        expect(prs.map((p) => p.phase)).toEqual(want.map((w) => (w ? 'reserved' : 'aborted')));
      }),
      prop(400),
    );
  });

  it('rejects what it must on a hand-built tick: write/write, write/read, read/write, ports, warps', () => {
    const [a, b] = [ids[0]!, ids[1]!];
    const c = (fp: Footprint, warp = ROOT_WARP) => ({ footprint: fp, scope: { warp } });
    const got = reserveDrained([
      c(new Footprint().writeNode(a)), // accepted
      c(new Footprint().readNode(a)), // read meets write: rejected
      c(new Footprint().writeNode(a), warps[1]!), // same raw id, other warp: accepted
      c(new Footprint().readNode(b)), // accepted
      c(new Footprint().readNode(b)), // read/read: accepted
      c(new Footprint().writeNode(b)), // write meets read: rejected
      c(new Footprint().portIn(5n)), // accepted
      c(new Footprint().portOut(5n)), // any port use meets any: rejected
      c(new Footprint().writeAttachment(nodeAlpha(ROOT_WARP, b)).readAttachment(nodeAlpha(ROOT_WARP, b))), // its own slots never conflict
    ]);
    expect(Array.from(got)).toEqual([1, 0, 1, 1, 1, 0, 1, 0, 1]);
  });

  it('refuses a visit order that is not a permutation, and mixing reserveAll with reserve', () => {
    const cands = [candidateArb, candidateArb].map(() => ({ footprint: new Footprint(), scope: { warp: ROOT_WARP } }));
    for (const visit of [[0, 0], [0], [0, 2], [1, -1]]) expect(() => reserveDrained(cands, visit)).toThrow(/visit order/);
    const s = new Scheduler();
    const prs = cands.map(pending);
    s.reserveAll(1, prs);
    expect(() => s.reserve(1, pending(cands[0]!, 9))).toThrow(EngineError);
    s.reserve(2, pending(cands[0]!, 9));
    expect(() => s.reserveAll(2, prs)).toThrow(EngineError);
    s.finalizeTx(1);
    expect(() => s.reserveAll(1, prs)).not.toThrow();
  });
});
