/**
 * Seek fast paths against a naive twin: `Timeline.stateAt` (incremental state root via
 * `StateRootIndex`, the seek cursor, the patch digest over already-canonical slots) must give the
 * same states, byte for byte, as a fresh replay from U0 with a full `computeStateRoot` per commit,
 * whatever the order of seeks; a tampered commit must still fail naming the commit and the field,
 * also when reached from the cursor; and a cancelled seek must not leave a half-replayed cursor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSlots, computeStateRoot, makeEdgeId, makeNodeId, makeTypeId, makeWarpId, atom, toHex, type SlotId } from '../../../engine/index';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import { WorldSession, instantiateWorld } from '../../../engine/world';
import demo from '../../../engine/worlds/demo';
import { Timeline, TimelineError, replayCommit, slotsCanonical, type CommitNode } from '../../../engine/timeline/index';
import { prop } from '../../support/prop';

const HEAT = makeTypeId('demo/heat');
const cell = (r: number, c: number) => makeNodeId(`cell-${r}-${c}`);
const heat = (n: number) => atom(HEAT, new Uint8Array([n & 255, 0, 0, 0]));

/** A demo timeline with a main line, direct edits (commit inputs) and two forks. */
function history(k: number, n: number, edits: ReadonlyArray<readonly [number, number, number, number]>): Timeline {
  const session = new WorldSession(instantiateWorld(demo, 'demo'));
  const tl = new Timeline(session, { checkpointEvery: k });
  const byTick = new Map(edits.map(([t, r, c, v]) => [t % n, [r, c, v] as const]));
  const run = (count: number) => {
    for (let t = 0; t < count; t++) {
      const e = byTick.get(t);
      if (e) session.engine.setNodeAttachment(cell(e[0], e[1]), heat(e[2]));
      tl.step(1);
    }
  };
  run(n);
  const main = tl.chain(tl.head('main'));
  tl.fork('a', main[Math.floor(n / 3)]!.hex);
  run(Math.ceil(n / 2));
  tl.fork('b', main[Math.floor((2 * n) / 3)]!.hex);
  session.engine.setNodeAttachment(cell(2, 2), heat(201));
  run(Math.ceil(n / 3));
  return tl;
}

/** The naive twin: U0 plus every commit of the first-parent chain, full state root per commit. */
function naiveState(tl: Timeline, hex: string | null) {
  const st = tl.initialState();
  for (const c of tl.chain(hex)) replayCommit(st, c, tl.env);
  return st;
}

const bytesHex = (b: Uint8Array) => toHex(b);

describe('seek cursor and incremental verification', () => {
  it('any sequence of seeks gives byte-identical states to a fresh replay from U0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 12, max: 30 }),
        fc.array(fc.tuple(fc.nat(60), fc.nat(5), fc.nat(5), fc.nat(255)), { maxLength: 6 }),
        fc.array(fc.oneof(fc.nat(1000).map((i) => ({ kind: 'at' as const, i })), fc.nat(1000).map((i) => ({ kind: 'next' as const, i })), fc.constant({ kind: 'u0' as const })), { minLength: 1, maxLength: 30 }),
        (k, n, edits, seeks) => {
          const tl = history(k, n, edits);
          const all = tl.allCommits();
          let last: CommitNode | null = null;
          const naive = new Map<string | null, string>();
          for (const s of seeks) {
            let target: string | null;
            if (s.kind === 'u0') target = null;
            else if (s.kind === 'at' || !last) target = all[s.i % all.length]!.hex;
            else {
              // a child of the last sought commit (a forward scrub), when it has one
              const kids = all.filter((c) => c.parentHexes[0] === last!.hex);
              target = kids.length ? kids[s.i % kids.length]!.hex : all[s.i % all.length]!.hex;
            }
            expect(tl.replayDistance(target)).toBeLessThan(k);
            if (!naive.has(target)) naive.set(target, bytesHex(encodeWarpState(naiveState(tl, target))));
            // Seek twice (the second is a "scrub": it keeps a cursor copy) and then once more (from it).
            for (let rep = 0; rep < (s.kind === 'u0' ? 1 : (s.i % 3) + 1); rep++) {
              const st = tl.stateAt(target);
              expect(bytesHex(encodeWarpState(st))).toBe(naive.get(target));
              expect(toHex(computeStateRoot(st, tl.env.root))).toBe(target ? toHex(tl.commit(target).stateRoot) : toHex(computeStateRoot(tl.initialState(), tl.env.root)));
              // The state is the caller's: wrecking it does not leak into later seeks.
              st.deleteInstance(tl.env.root.warp);
              if (target !== null && rep > 0) expect(tl.replayDistance(target)).toBe(0); // the cursor is there
            }
            if (target !== null) last = tl.commit(target);
          }
        },
      ),
      prop(15),
    );
  });

  it('a forward scrub replays one commit per seek from the cursor', () => {
    const tl = history(32, 40, []);
    const main = tl.chain(tl.head('main'));
    tl.stateAt(main[3]!.hex);
    expect(tl.replayDistance(main[3]!.hex)).toBe(4); // a scattered seek keeps no copy
    tl.stateAt(main[3]!.hex); // the same target again: scrubbing, keep a cursor
    for (let i = 4; i < 30; i++) {
      const at = main[i]!;
      expect(tl.replayDistance(at.hex)).toBe(at.depth % 32 === 0 ? 0 : 1);
      expect(toHex(computeStateRoot(tl.stateAt(at.hex), tl.env.root))).toBe(toHex(at.stateRoot));
    }
    // backwards: from the checkpoint (U0 here), not the cursor
    expect(tl.replayDistance(main[2]!.hex)).toBe(3);
  });

  it('a tampered commit fails naming the commit and the field, also when reached from the cursor', () => {
    const tamper = (c: CommitNode): Array<[string, CommitNode]> => [
      ['ops', { ...c, appliedOps: Array.from(c.appliedOps).slice(1) }],
      ['state_root', { ...c, stateRoot: new Uint8Array(32).fill(7) }],
      ['patch_digest', { ...c, patchDigest: new Uint8Array(32).fill(9) }],
      ['patch_digest', { ...c, outSlots: Array.from(c.outSlots).slice(1) }],
      ['input', { ...c, inputs: [{ kind: 'setNodeAttachment', warp: makeWarpId('nowhere'), id: cell(0, 0), value: heat(1) }] }],
    ];
    const tl = history(8, 24, [[11, 1, 1, 5]]);
    const main = tl.chain(tl.head('main'));
    const victim = main[11]!; // depth 12: between checkpoints 8 and 16
    const commits = (tl as unknown as { commits: Map<string, CommitNode> }).commits;
    for (const [field, bad] of tamper(victim)) {
      for (const via of ['cursor', 'checkpoint'] as const) {
        tl.stateAt(via === 'cursor' ? main[10]!.hex : main[4]!.hex);
        if (via === 'cursor') tl.stateAt(main[10]!.hex);
        expect(tl.replayDistance(victim.hex)).toBe(via === 'cursor' ? 1 : 4);
        commits.set(victim.hex, bad);
        for (const target of [victim, main[13]!]) {
          let err: unknown = null;
          try {
            tl.stateAt(target.hex);
          } catch (e) {
            err = e;
          }
          expect(err, `${field} via ${via}`).toBeInstanceOf(TimelineError);
          expect((err as TimelineError).code).toBe('VerifyFailed');
          expect((err as TimelineError).detail.commit).toBe(victim.hex);
          if (field !== 'ops' && field !== 'input') expect((err as TimelineError).detail.field).toBe(field);
        }
        commits.set(victim.hex, victim);
        // after the failure the cursor is gone, and seeks are right again
        for (const c of [main[13]!, main[12]!, main[14]!]) expect(toHex(computeStateRoot(tl.stateAt(c.hex), tl.env.root))).toBe(toHex(c.stateRoot));
      }
    }
  });

  it('a seek cancelled from onReplay leaves no half-replayed cursor', () => {
    const tl = history(16, 30, [[3, 2, 2, 9]]);
    const main = tl.chain(tl.head('main'));
    tl.stateAt(main[1]!.hex);
    tl.stateAt(main[1]!.hex);
    expect(tl.replayDistance(main[12]!.hex)).toBe(11); // from the cursor
    let n = 0;
    expect(() =>
      tl.stateAt(main[12]!.hex, () => {
        if (++n === 5) throw new Error('cancel');
      }),
    ).toThrow('cancel');
    expect(tl.replayDistance(main[12]!.hex)).toBe(13); // depth 13, from U0: the cursor was dropped
    for (const c of [main[6]!, main[12]!, main[13]!]) {
      expect(bytesHex(encodeWarpState(tl.stateAt(c.hex)))).toBe(bytesHex(encodeWarpState(naiveState(tl, c.hex))));
    }
  });

  it('slotsCanonical(xs) holds exactly when canonicalSlots(xs) returns xs unchanged', () => {
    const id = fc.constantFrom(makeNodeId('a'), makeNodeId('b'), makeNodeId('c'));
    const warp = fc.constantFrom(makeWarpId('w0'), makeWarpId('w1'));
    const slot: fc.Arbitrary<SlotId> = fc.oneof(
      fc.tuple(warp, id).map(([w, l]) => ({ kind: 'node', key: { warp: w, local: l } }) as SlotId),
      fc.tuple(warp, fc.constantFrom(makeEdgeId('a'), makeEdgeId('b'))).map(([w, l]) => ({ kind: 'edge', key: { warp: w, local: l } }) as SlotId),
      fc.tuple(fc.constantFrom('node', 'edge'), warp, id, fc.constantFrom('alpha', 'beta')).map(([o, w, l, p]) => ({ kind: 'attachment', key: { owner: o, warp: w, local: l, plane: p } }) as SlotId),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((port) => ({ kind: 'port', port }) as SlotId),
    );
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 8 }), fc.boolean(), (xs, sortFirst) => {
        const list = sortFirst ? canonicalSlots(xs) : xs;
        const c = canonicalSlots(list);
        const same = c.length === list.length && c.every((s, i) => s === list[i]);
        expect(slotsCanonical(list)).toBe(same);
      }),
      prop(300),
    );
  });
});
