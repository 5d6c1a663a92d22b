/**
 * Naive-twin checks for `StateRootIndex` (engine/stateRootIndex.ts): on random op sequences applied
 * tick by tick exactly as the engine does (journal → applyOps → validatePortalInvariants →
 * rollback on failure → endJournal), `index.update(state, root, journal)` must equal
 * `computeStateRoot(state, root)` after EVERY tick, and its stream must be the reference stream
 * byte for byte. The counters prove the fast path (in-place rewrite), the splice path, local loss
 * settlement and the full reachability recomputation were all exercised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GraphStore,
  ROOT_WARP,
  WarpState,
  applyOps,
  asId,
  atom,
  canonicalizeOps,
  computeStateRoot,
  concatBytes,
  descend,
  edgeBeta,
  fromHex,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  toHex,
  validatePortalInvariants,
  wasmBlake3,
  type Blake3,
  type EdgeId,
  type NodeId,
  type NodeKey,
  type WarpId,
  type WarpOp,
} from '../../../engine/index';
import { StateRootIndex, type StateRootIndexOptions, type StateRootIndexStats } from '../../../engine/stateRootIndex';
import { prop } from '../../support/prop';

const N = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => makeNodeId(`n${i}`));
const E = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => makeEdgeId(`e${i}`));
const T = [0, 1].map((i) => makeTypeId(`t${i}`));
const W = [ROOT_WARP, makeWarpId('c0'), makeWarpId('c1')];
const ROOT: NodeKey = { warp: ROOT_WARP, local: N[0]! };

const pick = <X>(xs: readonly X[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]!);
const warp = fc.oneof({ arbitrary: fc.constant(ROOT_WARP), weight: 5 }, { arbitrary: pick(W.slice(1)), weight: 2 });
/** Atoms of a fixed length (same-length rewrites: the fast path) and of varying lengths. */
const sameLenAtom = fc.tuple(pick(T), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([t, b]) => atom(t, b));
const value = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: sameLenAtom, weight: 4 },
  { arbitrary: fc.tuple(pick(T), fc.uint8Array({ maxLength: 12 })).map(([t, b]) => atom(t, b)), weight: 2 },
  { arbitrary: pick(W.slice(1)).map((w) => descend(w)), weight: 1 },
);

const rawOp: fc.Arbitrary<WarpOp> = fc.oneof(
  { arbitrary: fc.tuple(warp, pick(N), pick(T)).map(([warp, local, ty]) => ({ op: 'UpsertNode', node: { warp, local }, record: { ty } }) as WarpOp), weight: 3 },
  { arbitrary: fc.tuple(warp, pick(N)).map(([warp, local]) => ({ op: 'DeleteNode', node: { warp, local } }) as WarpOp), weight: 1 },
  {
    arbitrary: fc.tuple(warp, pick(E), pick(N), pick(N), pick(T)).map(([warp, id, from, to, ty]) => ({ op: 'UpsertEdge', warp, record: { id, from, to, ty } }) as WarpOp),
    weight: 3,
  },
  { arbitrary: fc.tuple(warp, pick(N), pick(E)).map(([warp, from, edgeId]) => ({ op: 'DeleteEdge', warp, from, edgeId }) as WarpOp), weight: 1 },
  { arbitrary: fc.tuple(warp, pick(N), value).map(([w, n, v]) => ({ op: 'SetAttachment', key: nodeAlpha(w, n), value: v }) as WarpOp), weight: 4 },
  { arbitrary: fc.tuple(warp, pick(E), value).map(([w, e, v]) => ({ op: 'SetAttachment', key: edgeBeta(w, e), value: v }) as WarpOp), weight: 2 },
  {
    arbitrary: fc.tuple(pick(W.slice(1)), pick(N), pick(N), fc.boolean(), pick(E)).map(
      ([child, owner, root, onEdge, edge]) =>
        ({
          op: 'OpenPortal',
          key: onEdge ? edgeBeta(ROOT_WARP, edge) : nodeAlpha(ROOT_WARP, owner),
          childWarp: child,
          childRoot: root,
          init: { kind: 'empty', rootRecord: { ty: T[0]! } },
        }) as WarpOp,
    ),
    weight: 2,
  },
  { arbitrary: pick(W.slice(1)).map((w) => ({ op: 'DeleteWarpInstance', warp: w }) as WarpOp), weight: 1 },
  { arbitrary: fc.tuple(pick(W.slice(1)), pick(N)).map(([w, r]) => ({ op: 'UpsertWarpInstance', instance: { warpId: w, rootNode: r, parent: null } }) as WarpOp), weight: 1 },
);

/** An op resolved against the current state (targets something that exists), or a raw random op. */
type OpGen = (s: WarpState) => WarpOp | null;

function existingStore(s: WarpState, k: number): [WarpId, GraphStore] | null {
  const keys = Array.from(s.stores.sortedEntries());
  if (keys.length === 0) return null;
  const [, st] = keys[k % keys.length]!;
  return [st.warpId, st];
}

const opArb: fc.Arbitrary<OpGen> = fc.oneof(
  { arbitrary: rawOp.map((o): OpGen => () => o), weight: 4 },
  {
    // Set an attachment on an existing node (any warp): mostly same-length atoms.
    arbitrary: fc.tuple(fc.nat(), fc.nat(), value).map(
      ([w, n, v]): OpGen =>
        (s) => {
          const ws = existingStore(s, w);
          if (!ws) return null;
          const keys = ws[1].nodeIdsSorted();
          if (keys.length === 0) return null;
          return { op: 'SetAttachment', key: nodeAlpha(ws[0], asId<NodeId>(fromHex(keys[n % keys.length]!))), value: v };
        },
    ),
    weight: 6,
  },
  {
    arbitrary: fc.tuple(fc.nat(), fc.nat(), value).map(
      ([w, n, v]): OpGen =>
        (s) => {
          const ws = existingStore(s, w);
          if (!ws) return null;
          const edges = Array.from(ws[1].iterEdges());
          if (edges.length === 0) return null;
          return { op: 'SetAttachment', key: edgeBeta(ws[0], edges[n % edges.length]!.id), value: v };
        },
    ),
    weight: 3,
  },
  {
    // Delete an existing edge (with its real source).
    arbitrary: fc.tuple(fc.nat(), fc.nat()).map(
      ([w, n]): OpGen =>
        (s) => {
          const ws = existingStore(s, w);
          if (!ws) return null;
          const edges = Array.from(ws[1].iterEdges());
          if (edges.length === 0) return null;
          const e = edges[n % edges.length]!;
          return { op: 'DeleteEdge', warp: ws[0], from: e.from, edgeId: e.id };
        },
    ),
    weight: 2,
  },
  {
    // Add an edge between existing nodes of one warp (fresh or reused id).
    arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.nat(), pick(E), pick(T)).map(
      ([w, a, b, id, ty]): OpGen =>
        (s) => {
          const ws = existingStore(s, w);
          if (!ws) return null;
          const keys = ws[1].nodeIdsSorted();
          if (keys.length === 0) return null;
          const from = asId<NodeId>(fromHex(keys[a % keys.length]!));
          return { op: 'UpsertEdge', warp: ws[0], record: { id, from, to: asId<NodeId>(fromHex(keys[b % keys.length]!)), ty } };
        },
    ),
    weight: 2,
  },
);

/** Rewrites an existing atom (node or edge, any warp) with new bytes of the same length. */
const sameLenRewrite: fc.Arbitrary<OpGen> = fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(
  ([w, n, onEdge, fresh]): OpGen =>
    (s) => {
      const ws = existingStore(s, w);
      if (!ws) return null;
      const atoms = Array.from(onEdge ? ws[1].iterEdgeAttachments() : ws[1].iterNodeAttachments()).filter(([, v]) => v.kind === 'atom');
      if (atoms.length === 0) return null;
      const [k, v] = atoms[n % atoms.length]!;
      if (v.kind !== 'atom') return null;
      const bytes = v.bytes.map((b, i) => b ^ fresh[i % 16]! ^ 1);
      const key = onEdge ? edgeBeta(ws[0], asId<EdgeId>(fromHex(k))) : nodeAlpha(ws[0], asId<NodeId>(fromHex(k)));
      return { op: 'SetAttachment', key, value: atom(v.typeId, bytes) };
    },
);

/** A small reachable graph: a chain n0 → n1 → … → n5 plus one cross edge, some atoms. */
function freshState(): WarpState {
  const s = new WarpState();
  const store = new GraphStore();
  for (let i = 0; i < 6; i++) store.insertNode(N[i]!, { ty: T[i % 2]! });
  for (let i = 0; i < 5; i++) store.insertEdge(N[i]!, { id: E[i]!, from: N[i]!, to: N[i + 1]!, ty: T[0]! });
  store.insertEdge(N[1]!, { id: E[5]!, from: N[1]!, to: N[4]!, ty: T[1]! });
  store.setNodeAttachment(N[2]!, atom(T[0]!, new Uint8Array(8)));
  store.setEdgeAttachment(E[2]!, atom(T[1]!, new Uint8Array(8)));
  s.upsertInstance({ warpId: ROOT_WARP, rootNode: N[0]!, parent: null }, store);
  return s;
}

/** The exact bytes `computeStateRoot` hashes. */
function referenceStream(state: WarpState, root: NodeKey): Uint8Array {
  const parts: Uint8Array[] = [];
  const capture: Blake3 = {
    name: 'capture',
    hash: (d) => wasmBlake3.hash(d),
    stream: () => ({ update: (d) => void parts.push(d.slice()), digest: () => new Uint8Array(32) }),
  };
  computeStateRoot(state, root, capture);
  return concatBytes(...parts);
}

function resolve(state: WarpState, gens: readonly OpGen[]): WarpOp[] {
  const ops: WarpOp[] = [];
  for (const g of gens) {
    const o = g(state);
    if (o) ops.push(o);
  }
  return ops;
}

interface Seen {
  ok: number;
  failed: number;
}

/** Runs one random history against the naive twin; returns the number of committed ticks. */
function runHistory(ticks: OpGen[][], opts: StateRootIndexOptions, totals: StateRootIndexStats, seen: Seen, checkBytes: boolean): void {
  const state = freshState();
  const index = new StateRootIndex(opts);
  expect(toHex(index.rebuild(state, ROOT))).toBe(toHex(computeStateRoot(state, ROOT)));
  for (const gens of ticks) {
    const ops = canonicalizeOps(resolve(state, gens));
    const j = state.beginJournal();
    try {
      applyOps(state, ops);
      validatePortalInvariants(state);
    } catch {
      state.rollback(j);
      state.endJournal();
      seen.failed++;
      continue;
    }
    state.endJournal();
    seen.ok++;
    const got = toHex(index.update(state, ROOT, j));
    if (checkBytes) expect(toHex(index.streamBytes())).toBe(toHex(referenceStream(state, ROOT)));
    expect(got).toBe(toHex(computeStateRoot(state, ROOT)));
  }
  for (const k of Object.keys(totals) as (keyof StateRootIndexStats)[]) totals[k] += index.stats[k];
}

function zeroStats(): StateRootIndexStats {
  return { rebuilds: 0, updates: 0, noops: 0, inPlace: 0, spliced: 0, reachRecomputes: 0, localLoss: 0, fallbacks: 0 };
}

const tickArb = fc.oneof(
  { arbitrary: fc.array(opArb, { minLength: 1, maxLength: 3 }), weight: 3 },
  { arbitrary: fc.array(sameLenRewrite, { minLength: 1, maxLength: 3 }), weight: 1 },
);
const history = fc.array(tickArb, { minLength: 4, maxLength: 24 });

describe('StateRootIndex equals computeStateRoot after every tick (naive twin)', () => {
  it('default options: fast path, splices, local loss', () => {
    const totals = zeroStats();
    const seen: Seen = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(history, (ticks) => runHistory(ticks, {}, totals, seen, true)),
      prop(200),
    );
    console.log('default', seen, totals);
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.failed).toBeGreaterThan(100);
    // Every path was exercised, and the fast path is a meaningful share of the committed ticks.
    expect(totals.inPlace).toBeGreaterThan(seen.ok * 0.15);
    expect(totals.spliced).toBeGreaterThan(50);
    expect(totals.localLoss).toBeGreaterThan(20);
    expect(totals.reachRecomputes).toBeGreaterThan(5);
    expect(totals.noops).toBeGreaterThan(5);
    // Fallback rebuilds happen only for portal-invariant-violating states, never routinely.
    expect(totals.fallbacks).toBeLessThan(seen.ok * 0.05);
  });

  it('no local budget: every possible loss recomputes reachability for the whole state', () => {
    const totals = zeroStats();
    const seen: Seen = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(history, (ticks) => runHistory(ticks, { localLossMin: 0, localLossFraction: 0 }, totals, seen, false)),
      prop(120),
    );
    console.log('nobudget', seen, totals);
    expect(totals.reachRecomputes).toBeGreaterThan(50);
    expect(totals.inPlace).toBeGreaterThan(0);
  });

  it('without portal validation (direct-edit-like states: dangling portals, orphans) it still matches', () => {
    const totals = zeroStats();
    let ok = 0;
    fc.assert(
      fc.property(history, (ticks) => {
        const state = freshState();
        const index = new StateRootIndex();
        index.rebuild(state, ROOT);
        for (const gens of ticks) {
          const ops = canonicalizeOps(resolve(state, gens));
          const j = state.beginJournal();
          try {
            applyOps(state, ops);
          } catch {
            state.rollback(j);
            state.endJournal();
            continue;
          }
          state.endJournal();
          ok++;
          expect(toHex(index.update(state, ROOT, j))).toBe(toHex(computeStateRoot(state, ROOT)));
        }
        for (const k of Object.keys(totals) as (keyof StateRootIndexStats)[]) totals[k] += index.stats[k];
      }),
      prop(120),
    );
    expect(ok).toBeGreaterThan(500);
    expect(totals.inPlace + totals.spliced).toBeGreaterThan(100);
  });

  it('several journals per update (direct edits journaled separately, then the tick)', () => {
    const totals = zeroStats();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(opArb, { maxLength: 3 }), fc.array(opArb, { maxLength: 3 })), { minLength: 1, maxLength: 10 }), (pairs) => {
        const state = freshState();
        const index = new StateRootIndex();
        index.rebuild(state, ROOT);
        for (const [a, b] of pairs) {
          const journals = [];
          for (const gens of [a, b]) {
            const raw = resolve(state, gens);
            const j = state.beginJournal();
            try {
              applyOps(state, canonicalizeOps(raw));
              validatePortalInvariants(state);
              state.endJournal();
              journals.push(j);
            } catch {
              state.rollback(j);
              state.endJournal();
            }
          }
          if (journals.length === 0) continue;
          expect(toHex(index.update(state, ROOT, journals))).toBe(toHex(computeStateRoot(state, ROOT)));
        }
        for (const k of Object.keys(totals) as (keyof StateRootIndexStats)[]) totals[k] += index.stats[k];
      }),
      prop(100),
    );
    expect(totals.inPlace + totals.spliced).toBeGreaterThan(50);
  });
});

describe('StateRootIndex on a chain (P2 shape)', () => {
  const n = 3000;
  const ids = Array.from({ length: n }, (_, i) => makeNodeId(`ent-${i}`));
  const edgeIds = Array.from({ length: n }, (_, i) => makeEdgeId(`edge-${i === 0 ? 'root' : `ent-${i - 1}`}-to-ent-${i}`));
  const rootId = makeNodeId('root');
  const root: NodeKey = { warp: ROOT_WARP, local: rootId };
  const ent = makeTypeId('entity');
  const link = makeTypeId('link');

  function chain(): WarpState {
    const store = new GraphStore();
    store.insertNode(rootId, { ty: makeTypeId('world') });
    for (let i = 0; i < n; i++) {
      store.insertNode(ids[i]!, { ty: ent });
      const from = i === 0 ? rootId : ids[i - 1]!;
      store.insertEdge(from, { id: edgeIds[i]!, from, to: ids[i]!, ty: link });
    }
    const s = new WarpState();
    s.upsertInstance({ warpId: ROOT_WARP, rootNode: rootId, parent: null }, store);
    return s;
  }

  function tick(state: WarpState, index: StateRootIndex, ops: WarpOp[]): string {
    const j = state.beginJournal();
    applyOps(state, canonicalizeOps(ops));
    validatePortalInvariants(state);
    state.endJournal();
    const got = toHex(index.update(state, root, j));
    expect(got).toBe(toHex(computeStateRoot(state, root)));
    return got;
  }

  it.each([
    ['a small local budget', { localLossMin: 200, localLossFraction: 0 }, 1, 1],
    ['the default budget', {}, 2, 0],
  ] as const)('attachment changes, cuts, reconnects and a portal all match (%s)', (_name, opts, localLosses, recomputes) => {
    const state = chain();
    const index = new StateRootIndex(opts);
    expect(toHex(index.rebuild(state, root))).toBe(toHex(computeStateRoot(state, root)));
    const motion = makeTypeId('payload/motion/v2');
    const k = ids[1234]!;
    tick(state, index, [{ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, k), value: atom(motion, new Uint8Array(48).fill(1)) }]);
    expect(index.stats.spliced).toBe(1);
    tick(state, index, [{ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, k), value: atom(motion, new Uint8Array(48).fill(2)) }]);
    expect(index.stats.inPlace).toBe(1);
    // Many same-length changes at once (a P1-style tick): still in place.
    const many: WarpOp[] = ids.slice(0, 500).map((id, i) => ({ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, id), value: atom(motion, new Uint8Array(48).fill(i & 0xff)) }));
    tick(state, index, many);
    tick(state, index, many.map((o, i) => ({ ...o, value: atom(motion, new Uint8Array(48).fill((i + 7) & 0xff)) }) as WarpOp));
    expect(index.stats.inPlace).toBe(2);
    // Edge attachment (same length twice).
    tick(state, index, [{ op: 'SetAttachment', key: edgeBeta(ROOT_WARP, edgeIds[77]!), value: atom(motion, new Uint8Array(4)) }]);
    tick(state, index, [{ op: 'SetAttachment', key: edgeBeta(ROOT_WARP, edgeIds[77]!), value: atom(motion, new Uint8Array(4).fill(9)) }]);
    expect(index.stats.inPlace).toBe(3);
    // Unreachable node changes do not touch the stream.
    const lone = makeNodeId('lonely');
    tick(state, index, [{ op: 'UpsertNode', node: { warp: ROOT_WARP, local: lone }, record: { ty: ent } }]);
    tick(state, index, [{ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, lone), value: atom(motion, new Uint8Array(3)) }]);
    expect(index.stats.noops).toBe(2);
    // Cut the chain near the end: the tail is lost (settled locally).
    const cut = n - 100;
    tick(state, index, [{ op: 'DeleteEdge', warp: ROOT_WARP, from: ids[cut - 1]!, edgeId: edgeIds[cut]! }]);
    expect(index.stats.localLoss).toBe(1);
    // Reconnect from the unreachable node's side: growth only.
    tick(state, index, [{ op: 'UpsertEdge', warp: ROOT_WARP, record: { id: edgeIds[cut]!, from: ids[cut - 1]!, to: ids[cut]!, ty: link } }]);
    // Cut near the root: beyond a small budget → whole-state recomputation; within the default
    // budget → settled locally, and the warp is re-encoded from its new membership.
    tick(state, index, [{ op: 'DeleteEdge', warp: ROOT_WARP, from: ids[9]!, edgeId: edgeIds[10]! }]);
    expect(index.stats.localLoss).toBe(localLosses);
    expect(index.stats.reachRecomputes).toBe(recomputes);
    tick(state, index, [{ op: 'UpsertEdge', warp: ROOT_WARP, record: { id: edgeIds[10]!, from: ids[9]!, to: ids[10]!, ty: link } }]);
    // A fan of 100 new leaves (many record inserts in one warp), then their edges removed (deletes).
    const leaves = Array.from({ length: 100 }, (_, i) => makeNodeId(`leaf-${i}`));
    const leafEdges = leaves.map((_, i) => makeEdgeId(`leaf-edge-${i}`));
    tick(
      state,
      index,
      leaves.flatMap((id, i): WarpOp[] => [
        { op: 'UpsertNode', node: { warp: ROOT_WARP, local: id }, record: { ty: ent } },
        { op: 'UpsertEdge', warp: ROOT_WARP, record: { id: leafEdges[i]!, from: ids[i * 7]!, to: id, ty: link } },
      ]),
    );
    tick(state, index, leaves.map((_, i): WarpOp => ({ op: 'DeleteEdge', warp: ROOT_WARP, from: ids[i * 7]!, edgeId: leafEdges[i]! })));
    // A portal: child instance opened on a chain node, then an op inside it, then closed.
    const child = makeWarpId('child');
    tick(state, index, [{ op: 'OpenPortal', key: nodeAlpha(ROOT_WARP, ids[5]!), childWarp: child, childRoot: makeNodeId('c-root'), init: { kind: 'empty', rootRecord: { ty: ent } } }]);
    tick(state, index, [{ op: 'UpsertNode', node: { warp: child, local: makeNodeId('c-root') }, record: { ty: link } }]);
    tick(state, index, [
      { op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, ids[5]!), value: null },
      { op: 'DeleteWarpInstance', warp: child },
    ]);
    expect(index.stats.fallbacks).toBe(0);
    expect(toHex(index.streamBytes())).toBe(toHex(referenceStream(state, root)));
  });

  it('a star (one bucket of 2000 edges): edge attachments patch their entry in place', () => {
    const store = new GraphStore();
    store.insertNode(rootId, { ty: makeTypeId('world') });
    const spokes = Array.from({ length: 2000 }, (_, i) => makeEdgeId(`spoke-${i}`));
    for (let i = 0; i < 2000; i++) {
      store.insertNode(ids[i]!, { ty: ent });
      store.insertEdge(rootId, { id: spokes[i]!, from: rootId, to: ids[i]!, ty: link });
    }
    const state = new WarpState();
    state.upsertInstance({ warpId: ROOT_WARP, rootNode: rootId, parent: null }, store);
    const index = new StateRootIndex();
    index.rebuild(state, root);
    const set = (from: number, count: number, fill: number): WarpOp[] =>
      spokes.slice(from, from + count).map((id) => ({ op: 'SetAttachment', key: edgeBeta(ROOT_WARP, id), value: atom(ent, new Uint8Array(6).fill(fill)) }));
    tick(state, index, set(0, 100, 1)); // 00 → atom: the bucket grows
    tick(state, index, set(0, 100, 2)); // same length: in place
    tick(state, index, set(1500, 3, 3));
    tick(state, index, set(1500, 3, 4));
    expect(index.stats.inPlace).toBe(2);
    // Large atoms: the stream outgrows its buffer (re-allocated), then shrinks back (shifted left),
    // then one record grows while another shrinks (assembled in scratch space).
    const big = (from: number, count: number, len: number): WarpOp[] =>
      ids.slice(from, from + count).map((id) => ({ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, id), value: len < 0 ? null : atom(ent, new Uint8Array(len).fill(5)) }));
    tick(state, index, big(0, 400, 3000));
    tick(state, index, big(0, 400, -1));
    tick(state, index, [...big(10, 1, 500), ...big(1900, 1, 600)]);
    tick(state, index, [...big(10, 1, 10), ...big(1900, 1, 900)]);
    // A new spoke and a removed spoke re-encode the big bucket.
    tick(state, index, [{ op: 'DeleteEdge', warp: ROOT_WARP, from: rootId, edgeId: spokes[7]! }]);
    tick(state, index, [{ op: 'UpsertEdge', warp: ROOT_WARP, record: { id: spokes[7]!, from: rootId, to: ids[2500]!, ty: link } }]);
    expect(index.stats.fallbacks).toBe(0);
    expect(toHex(index.streamBytes())).toBe(toHex(referenceStream(state, root)));
  });

  it('ids that tie on their first 8 bytes are ordered by their full bytes (radix sort tie-break)', () => {
    const store = new GraphStore();
    store.insertNode(rootId, { ty: makeTypeId('world') });
    const odd: NodeId[] = [];
    for (let i = 0; i < 600; i++) {
      const b = new Uint8Array(32);
      b[0] = i % 3; // three 8-byte prefixes shared by 200 ids each
      b[20] = (i * 37) & 0xff;
      b[31] = i >> 8;
      odd.push(asId<NodeId>(b));
    }
    for (let i = 0; i < odd.length; i++) {
      store.insertNode(odd[i]!, { ty: ent });
      const from = i === 0 ? rootId : odd[i - 1]!;
      store.insertEdge(from, { id: makeEdgeId(`odd-${i}`), from, to: odd[i]!, ty: link });
    }
    const state = new WarpState();
    state.upsertInstance({ warpId: ROOT_WARP, rootNode: rootId, parent: null }, store);
    const index = new StateRootIndex({ localLossMin: 0, localLossFraction: 0 });
    expect(toHex(index.rebuild(state, root))).toBe(toHex(computeStateRoot(state, root)));
    // A cut recomputes reachability with the same builder.
    tick(state, index, [{ op: 'DeleteEdge', warp: ROOT_WARP, from: odd[99]!, edgeId: makeEdgeId('odd-100') }]);
    expect(index.stats.reachRecomputes).toBe(1);
  });

  it('two warps: a length change in the first segment and same-length edits in the next one', () => {
    const child = makeWarpId('child-warp');
    const a = [0, 1, 2, 3].map((i) => makeNodeId(`a-${i}`));
    const c = [0, 1, 2, 3].map((i) => makeNodeId(`c-${i}`));
    const state = new WarpState();
    const store = new GraphStore();
    store.insertNode(rootId, { ty: ent });
    const setup: WarpOp[] = [{ op: 'OpenPortal', key: nodeAlpha(ROOT_WARP, rootId), childWarp: child, childRoot: c[0]!, init: { kind: 'empty', rootRecord: { ty: ent } } }];
    state.upsertInstance({ warpId: ROOT_WARP, rootNode: rootId, parent: null }, store);
    const index = new StateRootIndex();
    index.rebuild(state, root);
    tick(state, index, setup);
    const grow: WarpOp[] = [];
    for (const [w, ns, r] of [[ROOT_WARP, a, rootId], [child, c, c[0]!]] as const) {
      for (let i = 0; i < ns.length; i++) {
        grow.push({ op: 'UpsertNode', node: { warp: w, local: ns[i]! }, record: { ty: ent } });
        grow.push({ op: 'SetAttachment', key: nodeAlpha(w, ns[i]!), value: atom(ent, new Uint8Array(8).fill(i)) });
        if (ns[i] !== r) grow.push({ op: 'UpsertEdge', warp: w, record: { id: makeEdgeId(`${toHex(w)}-${i}`), from: r, to: ns[i]!, ty: link } });
      }
    }
    tick(state, index, grow.filter((o) => !(o.op === 'SetAttachment' && o.key.warp === ROOT_WARP && toHex(o.key.local) === toHex(rootId))));
    // The warp whose segment comes first gets a length change, the other two same-length edits.
    const [firstW, firstNodes, secondW, secondNodes] = toHex(ROOT_WARP) < toHex(child) ? [ROOT_WARP, a, child, c] : [child, c, ROOT_WARP, a];
    tick(state, index, [
      { op: 'SetAttachment', key: nodeAlpha(firstW, firstNodes[1]!), value: atom(ent, new Uint8Array(20).fill(7)) },
      { op: 'SetAttachment', key: nodeAlpha(secondW, secondNodes[1]!), value: atom(ent, new Uint8Array(8).fill(9)) },
      { op: 'SetAttachment', key: nodeAlpha(secondW, secondNodes[3]!), value: atom(ent, new Uint8Array(8).fill(9)) },
    ]);
    expect(toHex(index.streamBytes())).toBe(toHex(referenceStream(state, root)));
    expect(index.stats.fallbacks).toBe(0);
  });

  it('invalidate() after an untracked edit rebuilds; a foreign state rebuilds', () => {
    const state = chain();
    const index = new StateRootIndex();
    index.rebuild(state, root);
    state.store(ROOT_WARP)!.setNodeAttachment(ids[3]!, atom(ent, new Uint8Array([1, 2, 3])));
    index.invalidate();
    const j = state.beginJournal();
    state.endJournal();
    expect(toHex(index.update(state, root, j))).toBe(toHex(computeStateRoot(state, root)));
    expect(index.stats.rebuilds).toBe(2);
    const other = chain();
    const j2 = other.beginJournal();
    other.endJournal();
    expect(toHex(index.update(other, root, j2))).toBe(toHex(computeStateRoot(other, root)));
    expect(index.stats.rebuilds).toBe(3);
  });
});
