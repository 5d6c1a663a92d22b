/**
 * Naive-twin checks for the O(change) commit machinery: on random op sequences,
 * - `diffFromJournal` equals the whole-state `diffState(before, after)`;
 * - a sequence that fails to apply is rolled back EXACTLY (records, attachments, bucket order);
 * - replaying the diff onto the before-state reproduces the after-state (outside warp-core's
 *   documented re-parented-edge divergence).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GraphStore,
  ROOT_WARP,
  WarpState,
  applyOps,
  atom,
  canonicalStateHash,
  canonicalizeOps,
  opSortKey,
  descend,
  diffFromJournal,
  diffState,
  edgeBeta,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  toHex,
  validatePortalInvariants,
  type WarpOp,
} from '../../../engine/index';
import { prop } from '../../support/prop';

const N = [0, 1, 2, 3, 4].map((i) => makeNodeId(`n${i}`));
const E = [0, 1, 2, 3, 4].map((i) => makeEdgeId(`e${i}`));
const T = [0, 1].map((i) => makeTypeId(`t${i}`));
const W = [ROOT_WARP, makeWarpId('c0'), makeWarpId('c1')];

const pick = <T>(xs: readonly T[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]!);
const warp = fc.oneof({ arbitrary: fc.constant(ROOT_WARP), weight: 6 }, { arbitrary: pick(W.slice(1)), weight: 1 });
const value = fc.oneof(
  fc.constant(null),
  fc.tuple(pick(T), fc.uint8Array({ maxLength: 3 })).map(([t, b]) => atom(t, b)),
  pick(W.slice(1)).map((w) => descend(w)),
);

const opArb: fc.Arbitrary<WarpOp> = fc.oneof(
  fc.tuple(warp, pick(N), pick(T)).map(([warp, local, ty]) => ({ op: 'UpsertNode', node: { warp, local }, record: { ty } }) as WarpOp),
  fc.tuple(warp, pick(N)).map(([warp, local]) => ({ op: 'DeleteNode', node: { warp, local } }) as WarpOp),
  fc.tuple(warp, pick(E), pick(N), pick(N), pick(T)).map(([warp, id, from, to, ty]) => ({ op: 'UpsertEdge', warp, record: { id, from, to, ty } }) as WarpOp),
  fc.tuple(warp, pick(N), pick(E)).map(([warp, from, edgeId]) => ({ op: 'DeleteEdge', warp, from, edgeId }) as WarpOp),
  fc.tuple(warp, pick(N), value).map(([w, n, v]) => ({ op: 'SetAttachment', key: nodeAlpha(w, n), value: v }) as WarpOp),
  fc.tuple(warp, pick(E), value).map(([w, e, v]) => ({ op: 'SetAttachment', key: edgeBeta(w, e), value: v }) as WarpOp),
  fc.tuple(pick(W.slice(1)), pick(N), pick(N)).map(
    ([child, owner, root]) => ({ op: 'OpenPortal', key: nodeAlpha(ROOT_WARP, owner), childWarp: child, childRoot: root, init: { kind: 'empty', rootRecord: { ty: T[0]! } } }) as WarpOp,
  ),
  pick(W.slice(1)).map((w) => ({ op: 'DeleteWarpInstance', warp: w }) as WarpOp),
  fc.tuple(pick(W.slice(1)), pick(N)).map(([w, r]) => ({ op: 'UpsertWarpInstance', instance: { warpId: w, rootNode: r, parent: null } }) as WarpOp),
);

/** Everything observable about a state, including bucket order. */
function fingerprint(s: WarpState): string {
  const parts: string[] = [];
  for (const [k, inst] of s.instances.sortedEntries()) {
    parts.push(`I ${k} ${toHex(inst.rootNode)} ${inst.parent ? inst.parent.owner + toHex(inst.parent.local) : '-'}`);
  }
  for (const [k, st] of s.stores.sortedEntries()) {
    parts.push(`S ${k} ${toHex(st.warpId)} ${toHex(canonicalStateHash(st))}`);
    parts.push('B ' + Array.from(st.iterEdges()).map((e) => toHex(e.id).slice(0, 6)).join(','));
    const targets = new Set(Array.from(st.iterEdges()).map((e) => toHex(e.to)));
    for (const t of Array.from(targets).sort()) parts.push(`T ${t.slice(0, 6)} ${st.edgesToHex(t).map((x) => x.slice(0, 6)).join(',')}`);
  }
  return parts.join('\n');
}

function freshState(): WarpState {
  const s = new WarpState();
  const store = new GraphStore();
  store.insertNode(N[0]!, { ty: T[0]! });
  s.upsertInstance({ warpId: ROOT_WARP, rootNode: N[0]!, parent: null }, store);
  return s;
}

describe('journal diff and rollback (naive twin)', () => {
  it('diffFromJournal == diffState, rollback is exact, replay reproduces', () => {
    const seen = { ok: 0, failed: 0, nonEmptyDiffs: 0, portals: 0 };
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 4 }), { minLength: 1, maxLength: 12 }), (ticks) => {
        const state = freshState();
        for (const raw of ticks) {
          const ops = canonicalizeOps(raw);
          const before = state.clone();
          const beforeFp = fingerprint(state);
          const j = state.beginJournal();
          let failed = false;
          try {
            applyOps(state, ops);
            validatePortalInvariants(state);
          } catch {
            failed = true;
          }
          if (failed) {
            state.rollback(j);
            state.endJournal();
            expect(fingerprint(state)).toBe(beforeFp);
            seen.failed++;
            continue;
          }
          seen.ok++;
          const fromJournal = diffFromJournal(j, state);
          state.endJournal();
          // Canonical as it comes (the engine's patch takes it without sorting again).
          const keys = fromJournal.map(opSortKey);
          for (let i = 1; i < keys.length; i++) expect(keys[i - 1]! < keys[i]!).toBe(true);
          if (fromJournal.length > 0) seen.nonEmptyDiffs++;
          if (fromJournal.some((o) => o.op === 'OpenPortal')) seen.portals++;
          const naive = diffState(before, state);
          expect(fromJournal.map((o) => JSON.stringify(o, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v)))).toEqual(
            naive.map((o) => JSON.stringify(o, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v))),
          );
          const reparented = naive.some(
            (o) => o.op === 'DeleteEdge' && naive.some((u) => u.op === 'UpsertEdge' && toHex(u.record.id) === toHex(o.edgeId)),
          );
          if (!reparented) {
            const replay = before.clone();
            applyOps(replay, naive);
            for (const [k, st] of state.stores.sortedEntries()) {
              expect(toHex(canonicalStateHash(replay.stores.get(k)!))).toBe(toHex(canonicalStateHash(st)));
            }
            expect(Array.from(replay.stores.sortedEntries()).map(([k]) => k)).toEqual(Array.from(state.stores.sortedEntries()).map(([k]) => k));
          }
        }
      }),
      prop(150),
    );
    // The generator must actually exercise both paths (guards against a vacuous pass).
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.failed).toBeGreaterThan(100);
    expect(seen.nonEmptyDiffs).toBeGreaterThan(50);
    expect(seen.portals).toBeGreaterThan(0);
  });

  it('clone is an exact, independent copy (records, bucket order, descends, sorted views)', () => {
    // Ops one at a time (a failing op is skipped), on a state where every node exists, so most ops
    // take effect and buckets hold several edges.
    const applyEach = (st: WarpState, ops: readonly WarpOp[]): void => {
      for (const op of ops) {
        try {
          applyOps(st, [op]);
        } catch {
          // invalid here (missing owner, …): skipped
        }
      }
    };
    const seen = { multiEdgeBuckets: 0, descends: 0 };
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { minLength: 1, maxLength: 10 }), (ops, later) => {
        const state = freshState();
        applyEach(state, N.map((local) => ({ op: 'UpsertNode', node: { warp: ROOT_WARP, local }, record: { ty: T[0]! } }) as WarpOp));
        applyEach(state, E.slice(0, 3).map((id, i) => ({ op: 'UpsertEdge', warp: ROOT_WARP, record: { id, from: N[0]!, to: N[i + 1]!, ty: T[1]! } }) as WarpOp));
        applyEach(state, ops);
        const root = state.stores.get(toHex(ROOT_WARP))!;
        if (N.some((n) => root.edgesFrom(n).length > 1)) seen.multiEdgeBuckets++;
        if (Array.from(root.descendingAttachments()).length > 0) seen.descends++;
        const c = state.clone();
        const fp = fingerprint(state);
        expect(fingerprint(c)).toBe(fp);
        for (const [k, st] of state.stores.sortedEntries()) {
          const cs = c.stores.get(k)!;
          expect(cs.nodeIdsSorted()).toEqual(st.nodeIdsSorted());
          expect(cs.edgeIdsSorted()).toEqual(st.edgeIdsSorted());
          expect(Array.from(cs.descendingAttachments()).map(([o, w]) => o.owner + toHex(o.local) + toHex(w))).toEqual(
            Array.from(st.descendingAttachments()).map(([o, w]) => o.owner + toHex(o.local) + toHex(w)),
          );
        }
        // Writes to the clone never reach the original, and vice versa (portal bookkeeping included).
        const full = (st: WarpState): string =>
          fingerprint(st) +
          Array.from(st.stores.sortedEntries())
            .map(([k, g]) => k + ':' + Array.from(g.descendingAttachments()).map(([o, w]) => o.owner + toHex(o.local) + toHex(w)).join(','))
            .join(';');
        const before = full(state);
        applyEach(c, later);
        expect(full(state)).toBe(before);
        const cfp = full(c);
        applyEach(state, later.slice().reverse());
        expect(full(c)).toBe(cfp);
      }),
      prop(200),
    );
    expect(seen.multiEdgeBuckets).toBeGreaterThan(100);
    expect(seen.descends, JSON.stringify(seen)).toBeGreaterThan(5);
  });
});
