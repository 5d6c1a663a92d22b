/**
 * Naive twin for the Engine's incremental state root: two engines run the same random history —
 * ticks whose single rule emits random ops (portals included), direct edits, ingested intents,
 * failing ticks, edits that throw, untracked writes straight into the live store, `snapshot()`
 * calls and `adoptHead` — one with `incrementalStateRoot` (the default), one with the full walk.
 * After every step both report the same snapshot/commit hashes, and both equal a from-scratch
 * `computeStateRoot` of the live state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Engine,
  Footprint,
  GraphStore,
  ROOT_WARP,
  atom,
  computeStateRoot,
  descend,
  edgeBeta,
  makeEdgeId,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  toHex,
  type DirectEdit,
  type NodeId,
  type RewriteRule,
  type WarpOp,
} from '../../../engine/index';
import { prop } from '../../support/prop';

const N = [0, 1, 2, 3, 4, 5].map((i) => makeNodeId(`n${i}`));
const E = [0, 1, 2, 3].map((i) => makeEdgeId(`e${i}`));
const T = [0, 1].map((i) => makeTypeId(`t${i}`));
const CHILD = [makeWarpId('c0'), makeWarpId('c1')];

const pick = <X>(xs: readonly X[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]!);
const value = fc.oneof(fc.constant(null), fc.tuple(pick(T), fc.uint8Array({ maxLength: 40 })).map(([t, b]) => atom(t, b)));

const opArb: fc.Arbitrary<WarpOp> = fc.oneof(
  fc.tuple(pick(N), pick(T)).map(([local, ty]) => ({ op: 'UpsertNode', node: { warp: ROOT_WARP, local }, record: { ty } }) as WarpOp),
  pick(N.slice(1)).map((local) => ({ op: 'DeleteNode', node: { warp: ROOT_WARP, local } }) as WarpOp),
  fc.tuple(pick(E), pick(N), pick(N), pick(T)).map(([id, from, to, ty]) => ({ op: 'UpsertEdge', warp: ROOT_WARP, record: { id, from, to, ty } }) as WarpOp),
  fc.tuple(pick(N), pick(E)).map(([from, edgeId]) => ({ op: 'DeleteEdge', warp: ROOT_WARP, from, edgeId }) as WarpOp),
  fc.tuple(pick(N), value).map(([n, v]) => ({ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, n), value: v }) as WarpOp),
  fc.tuple(pick(E), value).map(([e, v]) => ({ op: 'SetAttachment', key: edgeBeta(ROOT_WARP, e), value: v }) as WarpOp),
  fc.tuple(pick(CHILD), pick(N), pick(N)).map(
    ([child, owner, root]) => ({ op: 'OpenPortal', key: nodeAlpha(ROOT_WARP, owner), childWarp: child, childRoot: root, init: { kind: 'empty', rootRecord: { ty: T[0]! } } }) as WarpOp,
  ),
);

const editArb: fc.Arbitrary<DirectEdit> = fc.oneof(
  fc.tuple(pick(N), pick(T)).map(([id, ty]) => ({ kind: 'insertNode', warp: ROOT_WARP, id, record: { ty } }) as DirectEdit),
  fc.tuple(pick(N), value).map(([id, v]) => ({ kind: 'setNodeAttachment', warp: ROOT_WARP, id, value: v }) as DirectEdit),
  fc.tuple(pick(E), pick(N), pick(N), pick(T)).map(([id, from, to, ty]) => ({ kind: 'insertEdge', warp: ROOT_WARP, from, record: { id, from, to, ty } }) as DirectEdit),
  fc.tuple(pick(N.slice(1))).map(([id]) => ({ kind: 'deleteNode', warp: ROOT_WARP, id }) as DirectEdit),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => ({ kind: 'ingestIntent', bytes }) as DirectEdit),
  // An edit in a warp that may not exist: throws, and must leave no trace.
  fc.tuple(pick(CHILD), pick(N), pick(T)).map(([warp, id, ty]) => ({ kind: 'insertNode', warp, id, record: { ty } }) as DirectEdit),
);

type Step =
  | { s: 'tick'; ops: WarpOp[] }
  | { s: 'edit'; e: DirectEdit }
  | { s: 'untracked'; n: NodeId; v: Uint8Array }
  | { s: 'snapshot' }
  | { s: 'adopt' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.array(opArb, { maxLength: 6 }).map((ops) => ({ s: 'tick', ops }) as Step), weight: 5 },
  { arbitrary: editArb.map((e) => ({ s: 'edit', e }) as Step), weight: 3 },
  { arbitrary: fc.tuple(pick(N), fc.uint8Array({ maxLength: 8 })).map(([n, v]) => ({ s: 'untracked', n, v }) as Step), weight: 1 },
  { arbitrary: fc.constant({ s: 'snapshot' } as Step), weight: 1 },
  { arbitrary: fc.constant({ s: 'adopt' } as Step), weight: 1 },
);

/** One engine with a rule `emit` whose executor emits `ops.current` (empty footprint; strict off). */
function makeEngine(incrementalStateRoot: boolean): { engine: Engine; ops: { current: WarpOp[] } } {
  const ops = { current: [] as WarpOp[] };
  const store = new GraphStore();
  store.insertNode(N[0]!, { ty: T[0]! });
  const engine = new Engine(store, N[0]!, { incrementalStateRoot });
  const rule: RewriteRule = {
    id: makeRuleId('test/emit'),
    name: 'test/emit',
    matcher: () => true,
    computeFootprint: () => new Footprint(),
    executor: (_v, _s, d) => {
      for (const op of ops.current) d.emit(op);
    },
  };
  engine.registerRule(rule);
  return { engine, ops };
}

function run(e: { engine: Engine; ops: { current: WarpOp[] } }, step: Step, adoptFrom: Engine): string {
  const { engine } = e;
  try {
    switch (step.s) {
      case 'tick': {
        e.ops.current = step.ops;
        const tx = engine.begin();
        engine.apply(tx, 'test/emit', N[0]!);
        return 'tick ' + toHex(engine.commitWithReceipt(tx).snapshot.hash);
      }
      case 'edit':
        engine.edit(step.e);
        return 'edit ok';
      case 'untracked':
        // Bypasses the engine entirely (what `warpState` allows): the root must notice.
        engine.rootStore.insertNode(step.n, { ty: T[1]! });
        engine.rootStore.setNodeAttachment(step.n, atom(T[0]!, step.v));
        return 'untracked';
      case 'snapshot':
        return 'snap ' + toHex(engine.snapshot().hash);
      case 'adopt':
        // Continue from a clone of the (shared-history) twin's live state.
        engine.adoptHead(adoptFrom.warpState.clone(), engine.lastCommit);
        return 'adopt';
    }
  } catch (err) {
    return `threw ${(err as Error).name}`;
  }
}

describe('Engine incremental state root (naive twin)', () => {
  it('equals the full walk after every tick, edit, untracked write, snapshot and adopt', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const inc = makeEngine(true);
        const full = makeEngine(false);
        for (const step of steps) {
          const a = run(inc, step, full.engine);
          const b = run(full, step, full.engine);
          expect(a).toBe(b);
          const root = toHex(computeStateRoot(inc.engine.warpState, inc.engine.root));
          expect(toHex(inc.engine.snapshot().stateRoot)).toBe(root);
          expect(toHex(full.engine.snapshot().stateRoot)).toBe(root);
        }
      }),
      prop(150),
    );
  });

  it('takes the incremental path for journaled ticks and edits (not a rebuild per commit)', () => {
    const inc = makeEngine(true);
    const full = makeEngine(false);
    for (let i = 0; i < 20; i++) {
      const step: Step = i % 3 === 2
        ? { s: 'edit', e: { kind: 'setNodeAttachment', warp: ROOT_WARP, id: N[i % 4]!, value: atom(T[0]!, new Uint8Array([i])) } }
        : { s: 'tick', ops: [{ op: 'UpsertNode', node: { warp: ROOT_WARP, local: N[1 + (i % 5)]! }, record: { ty: T[i % 2]! } }] };
      expect(run(inc, step, full.engine)).toBe(run(full, step, full.engine));
    }
    const st = inc.engine.stateRootStats()!;
    expect(st.rebuilds).toBe(1);
    expect(st.updates).toBeGreaterThanOrEqual(13);
    expect(full.engine.stateRootStats()).toBeNull();
  });

  it('portal ops and descends keep the index exact', () => {
    const inc = makeEngine(true);
    const full = makeEngine(false);
    const steps: Step[] = [
      { s: 'tick', ops: [{ op: 'OpenPortal', key: nodeAlpha(ROOT_WARP, N[1]!), childWarp: CHILD[0]!, childRoot: N[2]!, init: { kind: 'empty', rootRecord: { ty: T[0]! } } }] },
      { s: 'tick', ops: [{ op: 'UpsertNode', node: { warp: CHILD[0]!, local: N[3]! }, record: { ty: T[1]! } }] },
      { s: 'tick', ops: [{ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, N[1]!), value: null }] },
      { s: 'tick', ops: [{ op: 'SetAttachment', key: nodeAlpha(ROOT_WARP, N[1]!), value: descend(CHILD[1]!) }] },
    ];
    for (const s of steps) {
      expect(run(inc, s, full.engine)).toBe(run(full, s, full.engine));
      expect(toHex(inc.engine.snapshot().stateRoot)).toBe(toHex(computeStateRoot(inc.engine.warpState, inc.engine.root)));
    }
  });

  it('a failed edit leaves no trace', () => {
    const { engine } = makeEngine(true);
    const before = toHex(engine.snapshot().hash);
    expect(() => engine.edit({ kind: 'insertNode', warp: CHILD[0]!, id: N[1]!, record: { ty: T[0]! } })).toThrow();
    expect(engine.uncommittedInputs()).toHaveLength(0);
    expect(toHex(engine.snapshot().hash)).toBe(before);
  });
});
