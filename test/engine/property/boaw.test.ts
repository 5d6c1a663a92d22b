/**
 * BOAW, single-threaded parts (ENGINE-SPEC §5.2-5.3, §12.3 items 2-4): frozen shard vectors, the
 * transport codecs, execute_serial / execute_parallel + merge_deltas (with the P1 checksum), the
 * engine's BOAW seam driven by an in-process executor (worker counts × shuffled apply orders ×
 * seeds → identical hashes), the delta-length rule, and strict footprints.
 * Real worker threads: test/main/workerPool.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  executeParallel,
  executeSerial,
  FootprintViolation,
  IsolatedDelta,
  LaneDelta,
  runInLane,
  RUN_READ_DELTA,
  RUN_THREW,
  mergeDeltas,
  MergeConflict,
  NUM_SHARDS,
  partitionIntoShards,
  shardOf,
  BoawReplica,
  type BoawBatch,
  type BoawExecutor,
  type ExecItem,
} from '../../../engine/boaw/index';
import {
  decodeDirectEdits,
  decodeOps,
  encodeDirectEdits,
  encodeOps,
  BinReader,
  BinWriter,
  LANE_FLAG,
  readOrigin,
  writeOrigin,
} from '../../../engine/codec/opsBinary';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import { toastRule } from '../../../engine/dind/rules';
import {
  computeStateRoot,
  Engine,
  EngineError,
  Footprint,
  GraphStore,
  makeEdgeId,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  edgeBeta,
  atom,
  toHex,
  viewOf,
  WarpTickPatchV1,
  type DirectEdit,
  type NodeId,
  type OpOrigin,
  type RewriteRule,
  type WarpOp,
} from '../../../engine/index';
import { motionExecutor } from '../../../engine/rules/motion';
import { instantiateWorld, WorldSession, type WorldDefinition } from '../../../engine/world';
import demoModule from '../../../engine/worlds/demo';
import motionModule from '../../../engine/worlds/motion';
import { InProcessBoaw, runWorld, tickShuffled } from '../../support/boawHarness';
import { prop } from '../../support/prop';

const demo = instantiateWorld(demoModule, 'demo');
const motion = instantiateWorld(motionModule, 'motion');
const fromBytes = (...b: number[]) => {
  const s = new Uint8Array(32);
  s.set(b);
  return s;
};
const O = (matchIx: number, opIx = 0, ruleId = 0, intentId = 1): OpOrigin => ({ intentId, ruleId, matchIx, opIx });

describe('shards (frozen)', () => {
  it('shardOf vectors', () => {
    expect(shardOf(fromBytes(0xbe, 0xba, 0xfe, 0xca, 0xef, 0xbe, 0xad, 0xde, 1, 2, 3))).toBe(190);
    expect(shardOf(new Uint8Array(32))).toBe(0);
    expect(shardOf(fromBytes(42))).toBe(42);
    expect(shardOf(fromBytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(255);
    expect(shardOf(fromBytes(7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff))).toBe(7); // bytes after 7 ignored
    expect(NUM_SHARDS).toBe(256);
    expect(() => shardOf(new Uint8Array(4))).toThrow(EngineError);
  });

  it('shardOf is u64le(scope[0..8]) & 255 and partition keeps input order', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const u64 = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
        expect(shardOf(b)).toBe(Number(u64 & 255n));
      }),
      prop(200),
    );
    const items = Array.from({ length: 600 }, (_, i) => ({ scope: makeNodeId(`n${i}`), i }));
    const shards = partitionIntoShards(items);
    expect(shards).toHaveLength(256);
    expect(shards.flat().length).toBe(600);
    for (const [s, list] of shards.entries()) {
      for (const it of list) expect(shardOf(it.scope)).toBe(s);
      expect(list.map((x) => x.i)).toEqual([...list.map((x) => x.i)].sort((a, b) => a - b));
    }
  });
});

// ------------------------------------------------------------------------------------- codecs

const W = makeWarpId('root');
const n1 = makeNodeId('a');
const n2 = makeNodeId('b');
const e1 = makeEdgeId('a->b');
const ty = makeTypeId('t');

function everyOp(): WarpOp[] {
  return [
    { op: 'OpenPortal', key: nodeAlpha(W, n1), childWarp: makeWarpId('c'), childRoot: n2, init: { kind: 'empty', rootRecord: { ty } } },
    { op: 'OpenPortal', key: edgeBeta(W, e1), childWarp: makeWarpId('c'), childRoot: n2, init: { kind: 'requireExisting' } },
    { op: 'UpsertWarpInstance', instance: { warpId: makeWarpId('c'), rootNode: n2, parent: nodeAlpha(W, n1) } },
    { op: 'UpsertWarpInstance', instance: { warpId: makeWarpId('d'), rootNode: n2, parent: null } },
    { op: 'DeleteWarpInstance', warp: makeWarpId('c') },
    { op: 'DeleteEdge', warp: W, from: n1, edgeId: e1 },
    { op: 'DeleteNode', node: { warp: W, local: n1 } },
    { op: 'UpsertNode', node: { warp: W, local: n1 }, record: { ty } },
    { op: 'UpsertEdge', warp: W, record: { id: e1, from: n1, to: n2, ty } },
    { op: 'SetAttachment', key: nodeAlpha(W, n1), value: atom(ty, new Uint8Array([1, 2, 3])) },
    { op: 'SetAttachment', key: nodeAlpha(W, n1), value: atom(ty, new Uint8Array(0)) },
    { op: 'SetAttachment', key: edgeBeta(W, e1), value: { kind: 'descend', warp: makeWarpId('c') } },
    { op: 'SetAttachment', key: nodeAlpha(W, n2), value: null },
  ];
}

describe('transport codecs (engine/codec/opsBinary.ts) and replica snapshots', () => {
  it('every op kind, origins and direct edits round-trip', () => {
    const ops = everyOp();
    expect(decodeOps(encodeOps(ops).finish())).toEqual(ops);
    const w = new BinWriter();
    const origins = [O(0), O(3, 7, 2, 2 ** 40 + 5)];
    for (const o of origins) writeOrigin(w, o);
    const r = new BinReader(w.finish());
    expect([readOrigin(r), readOrigin(r)]).toEqual(origins);
    const edits: DirectEdit[] = [
      { kind: 'ingestIntent', bytes: new Uint8Array([9, 8, 7]) },
      { kind: 'insertNode', warp: W, id: n1, record: { ty } },
      { kind: 'setNodeAttachment', warp: W, id: n1, value: atom(ty, new Uint8Array([5])) },
      { kind: 'setNodeAttachment', warp: W, id: n1, value: null },
      { kind: 'insertEdge', warp: W, from: n2, record: { id: e1, from: n1, to: n2, ty } },
      { kind: 'setEdgeAttachment', warp: W, id: e1, value: { kind: 'descend', warp: W } },
      { kind: 'deleteNode', warp: W, id: n2 },
      { kind: 'deleteEdge', warp: W, from: n1, id: e1 },
    ];
    expect(decodeDirectEdits(encodeDirectEdits(edits).finish())).toEqual(edits);
    expect(() => decodeOps(encodeOps(ops).finish().subarray(0, 40))).toThrow(/truncated/);
  });

  it('decoding from shared memory copies (no aliasing)', () => {
    const bytes = encodeOps(everyOp()).finish();
    const sab = new SharedArrayBuffer(bytes.length);
    new Uint8Array(sab).set(bytes);
    const ops = decodeOps(new Uint8Array(sab));
    new Uint8Array(sab).fill(0);
    expect(ops).toEqual(everyOp());
    const up = ops[7] as Extract<WarpOp, { op: 'UpsertNode' }>;
    expect(up.node.local.buffer instanceof SharedArrayBuffer).toBe(false);
  });

  it('a replica loaded from a state snapshot has the engine state root and bucket orders (demo, 6 ticks)', () => {
    const s = new WorldSession(demo);
    for (let k = 0; k < 6; k++) s.tick();
    const rep = new BoawReplica(demo.rules({}));
    rep.load(encodeWarpState(s.engine.warpState), s.engine.root);
    expect(toHex(rep.stateRoot())).toBe(toHex(computeStateRoot(s.engine.warpState, s.engine.root)));
    expect(rep.state.instances.size).toBe(2);
    for (const [k, store] of s.engine.warpState.stores.sortedEntries()) {
      const copy = rep.state.stores.get(k)!;
      for (const from of store.bucketSourcesSorted()) {
        expect(copy.edgesFromHex(from).map((e) => toHex(e.id))).toEqual(store.edgesFromHex(from).map((e) => toHex(e.id)));
      }
    }
  });
});

// --------------------------------------------------------------- execute_* and merge_deltas

/** The P1 workload (REFERENCE.md §3) = the motion world: N entities, `ticks` committed ticks. */
function p1Engine(n: number, ticks: number): { engine: Engine; ents: NodeId[] } {
  const s = new WorldSession(motion, { n: String(n) });
  for (let t = 0; t < ticks; t++) s.tick();
  return { engine: s.engine, ents: Array.from({ length: n }, (_, i) => makeNodeId(`ent-${i}`)) };
}

describe('execute_serial / execute_parallel / merge_deltas', () => {
  it('P1 BOAW part at N=1k: merged patch digest 45ed7754…4547 for w = 1, 2, 4, 8', () => {
    const { engine, ents } = p1Engine(1000, 12);
    expect(toHex(engine.lastCommit!.hash)).toBe('120ae6b41dd50cb0c2a63b173fd16e7d9649b1cc76dfd1b1523c42f9640f2e2c');
    const view = viewOf(engine.rootStore);
    const items: ExecItem[] = ents.map((scope) => ({ exec: motionExecutor, scope, origin: { intentId: 0, ruleId: 0, matchIx: 0, opIx: 0 } }));
    const digests = [1, 2, 4, 8].map((w) => {
      const deltas = executeParallel(view, items, w);
      expect(deltas).toHaveLength(w);
      const ops = mergeDeltas(deltas);
      expect(ops).toHaveLength(1000);
      return toHex(new WarpTickPatchV1(0x30504f4e, new Uint8Array(32), 'committed', [], [], ops).digest);
    });
    expect(new Set(digests)).toEqual(new Set(['45ed7754043267e331754b00ac553207117fb4582c1a41e2134af2e661914547']));
    const serial = executeSerial(view, items);
    expect(toHex(new WarpTickPatchV1(0x30504f4e, new Uint8Array(32), 'committed', [], [], serial.opsUnsorted()).digest)).toBe(digests[0]);
    expect(() => executeParallel(view, items, 0)).toThrow(EngineError);
    expect(executeParallel(view, [], 3).map((d) => d.len())).toEqual([0, 0, 0]);
  });

  it('origins carry real (intent, rule, match, op) indices', () => {
    const view = viewOf(new GraphStore());
    const two: ExecItem['exec'] = (v, s, d) => {
      d.emit({ op: 'UpsertNode', node: { warp: v.warpId(), local: s }, record: { ty } });
      d.emit({ op: 'SetAttachment', key: nodeAlpha(v.warpId(), s), value: null });
    };
    const d = executeSerial(view, [
      { exec: two, scope: n1, origin: O(0, 0, 3, 9) },
      { exec: two, scope: n2, origin: O(1, 0, 4, 9) },
    ]);
    expect(d.originsUnsorted()).toEqual([O(0, 0, 3, 9), O(0, 1, 3, 9), O(1, 0, 4, 9), O(1, 1, 4, 9)]);
  });

  it('merge keeps one copy of identical ops and throws MergeConflict (key + writers) on divergent ones', () => {
    const same: WarpOp = { op: 'UpsertNode', node: { warp: W, local: n1 }, record: { ty } };
    const view = viewOf(new GraphStore());
    const emitting =
      (op: WarpOp): ExecItem['exec'] =>
      (_v, _s, d) =>
        d.emit(op);
    const a = executeSerial(view, [{ exec: emitting(same), scope: n1, origin: O(1) }]);
    const b = executeSerial(view, [{ exec: emitting({ ...same, record: { ty } }), scope: n2, origin: O(0) }]);
    expect(mergeDeltas([a, b])).toEqual([same]);

    const v1: WarpOp = { op: 'SetAttachment', key: nodeAlpha(W, n1), value: atom(ty, new Uint8Array([1])) };
    const v2: WarpOp = { op: 'SetAttachment', key: nodeAlpha(W, n1), value: atom(ty, new Uint8Array([2])) };
    const c = executeSerial(view, [{ exec: emitting(v1), scope: n1, origin: O(5, 0, 2) }]);
    const d = executeSerial(view, [
      { exec: emitting(v2), scope: n2, origin: O(4, 0, 1) },
      { exec: emitting(same), scope: n2, origin: O(6, 0, 1) },
    ]);
    let err: unknown;
    try {
      mergeDeltas([c, d]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MergeConflict);
    const mc = err as MergeConflict;
    expect(mc).toBeInstanceOf(EngineError);
    expect(mc.code).toBe('MergeConflict');
    expect(mc.key).toBe('08' + toHex(W) + '0101' + '0'.repeat(60) + toHex(n1));
    expect(mc.writers).toEqual([O(4, 0, 1), O(5, 0, 2)]); // sorted by origin
  });

  it('IsolatedDelta and LaneDelta notice reads; lane flags match the transport flags', () => {
    const d = new IsolatedDelta(O(0));
    d.emit({ op: 'DeleteNode', node: { warp: W, local: n1 } });
    expect(d.observed).toBe(false);
    expect(d.ownOps()).toHaveLength(1);
    expect(d.len()).toBe(1);
    expect(d.observed).toBe(true);
    const lane = new LaneDelta();
    const view = viewOf(new GraphStore());
    const quiet: ExecItem['exec'] = (_v, s, dd) => dd.emit({ op: 'DeleteNode', node: { warp: W, local: s } });
    const nosy: ExecItem['exec'] = (_v, s, dd) => dd.emit({ op: 'DeleteNode', node: { warp: W, local: dd.len() ? s : n2 } });
    expect(runInLane(lane, quiet, view, n1, O(0))).toBe(0);
    expect(runInLane(lane, nosy, view, n1, O(1))).toBe(RUN_READ_DELTA);
    expect(runInLane(lane, () => { throw new Error('x'); }, view, n1, O(2))).toBe(RUN_THREW);
    expect(lane.allOrigins()).toEqual([O(0), O(1)]);
    expect([RUN_READ_DELTA, RUN_THREW]).toEqual([LANE_FLAG.READ_DELTA, LANE_FLAG.THREW]);
  });
});

// ------------------------------------------------------------------------- the engine path

const WORLDS: Array<{ world: WorldDefinition; params: Record<string, string>; ticks: number }> = [
  { world: demo, params: {}, ticks: 10 },
  { world: motion, params: { n: '48' }, ticks: 4 },
];

describe('engine commits through a BOAW executor: same hashes as serial', () => {
  for (const { world, params, ticks } of WORLDS) {
    it(`${world.name}: worker counts {1,2,4,8} × shuffled apply orders × pinned seeds`, () => {
      const expected = runWorld(world, params, ticks);
      fc.assert(
        fc.property(fc.constantFrom(1, 2, 4, 8), fc.integer({ min: 0, max: 1 << 30 }), fc.boolean(), (lanes, seed, shuffleApplies) => {
          const exec = new InProcessBoaw(world.rules(new WorldSession(world, params).params), lanes, seed);
          expect(runWorld(world, params, ticks, { boaw: exec }, shuffleApplies ? seed : null)).toEqual(expected);
          expect(exec.parallel).toBe(exec.offered);
          expect(exec.parallel).toBeGreaterThanOrEqual(ticks - 1);
        }),
        prop(12),
      );
    });
  }

  it('receipts, patches and appliedOps are identical too (demo, 4 lanes)', () => {
    const a = new WorldSession(demo);
    const b = new WorldSession(demo, {}, { boaw: new InProcessBoaw(demo.rules(a.params), 4, 3) });
    for (let k = 0; k < 8; k++) {
      const ra = a.tick();
      const rb = b.tick();
      expect(toHex(rb.patch.digest)).toBe(toHex(ra.patch.digest));
      expect(toHex(rb.receipt.digest)).toBe(toHex(ra.receipt.digest));
      expect(encodeOps(Array.from(rb.appliedOps)).finish()).toEqual(encodeOps(Array.from(ra.appliedOps)).finish());
    }
  });

  it('jumpToTick invalidates the replicas (resync by snapshot) and hashes stay identical', () => {
    const exec = new InProcessBoaw(demo.rules({}), 2, 1);
    const s = new WorldSession(demo, {}, { boaw: exec });
    const ref = new WorldSession(demo);
    for (let k = 0; k < 5; k++) {
      s.tick();
      ref.tick();
    }
    s.engine.jumpToTick(4); // same state, but replicas must not trust it
    const before = exec.snapshots;
    expect(toHex(s.tick().snapshot.stateRoot)).toBe(toHex(ref.tick().snapshot.stateRoot));
    expect(exec.snapshots).toBe(before + 1);
  });
});

describe('shared-delta semantics that BOAW must keep (§12.3 items 2-4)', () => {
  it('the DIND toast rule is flagged readsDeltaLength and such ticks are never offered to the executor', () => {
    expect(toastRule().readsDeltaLength).toBe(true);
    const offered: number[] = [];
    const spy: BoawExecutor = {
      execute: (b: BoawBatch) => {
        offered.push(b.items.length);
        return null;
      },
      committed: () => {},
      invalidate: () => {},
    };
    const dind = new WorldSession(
      instantiateWorld((api: unknown) => {
        const a = api as typeof import('../../../engine/world').worldApi;
        return {
          name: 't',
          description: 't',
          rules: () => [a.motionRule(), ...a.dind.dindAppRules(), a.inbox.ackPendingRule()],
          init: () => {
            const store = new a.GraphStore();
            store.insertNode(a.dind.WORLD_ROOT, { ty: a.makeTypeId('world') });
            return { store, root: a.dind.WORLD_ROOT };
          },
          driver: (ctx: import('../../../engine/world').TickContext) => {
            ctx.ingest(a.dind.packIntentV1(a.dind.OP_ID.TOAST, a.dind.encodeLenPrefixedString(`hi ${ctx.tick}`)));
            ctx.dispatchNextIntent();
          },
        };
      }, 't'),
      {},
      { boaw: spy },
    );
    for (let k = 0; k < 3; k++) dind.tick();
    expect(offered).toEqual([]);
  });

  it('last-wins across executors and an UNflagged delta.len() reader still match serial (fallback)', () => {
    const tgt = makeNodeId('target');
    const writer = (name: string, val: number, readLen = false): RewriteRule => ({
      id: makeRuleId(name),
      name,
      matcher: (v, s) => v.node(s) !== undefined,
      computeFootprint: (v, s) => new Footprint().readNode(s),
      executor: (v, _s, d) => {
        const x = readLen ? d.len() : val;
        d.emit({ op: 'SetAttachment', key: nodeAlpha(v.warpId(), tgt), value: atom(ty, new Uint8Array([x])) });
      },
    });
    const build = (exec?: BoawExecutor) => {
      const store = new GraphStore();
      const root = makeNodeId('r');
      store.insertNode(root, { ty });
      store.insertNode(tgt, { ty });
      for (let i = 0; i < 6; i++) store.insertNode(makeNodeId(`s${i}`), { ty });
      const e = new Engine(store, root, exec ? { boaw: exec } : {});
      e.registerRule(writer('w/a', 1));
      e.registerRule(writer('w/b', 2));
      e.registerRule(writer('w/len', 0, true));
      return e;
    };
    const run = (e: Engine, withLen: boolean) => {
      const tx = e.begin();
      for (let i = 0; i < 6; i++) e.apply(tx, i % 2 ? 'w/a' : 'w/b', makeNodeId(`s${i}`));
      if (withLen) e.apply(tx, 'w/len', makeNodeId('s3'));
      const r = e.commitWithReceipt(tx);
      return [toHex(r.snapshot.hash), toHex(e.rootStore.nodeAttachment(tgt)!.kind === 'atom' ? (e.rootStore.nodeAttachment(tgt) as { bytes: Uint8Array }).bytes : new Uint8Array())];
    };
    for (const withLen of [false, true]) {
      const exec = new InProcessBoaw([writer('w/a', 1), writer('w/b', 2), writer('w/len', 0, true)], 4, 11);
      const serial = run(build(), withLen);
      expect(run(build(exec), withLen)).toEqual(serial);
      expect(exec.fallbacks).toBe(withLen ? 1 : 0);
    }
  });
});

describe('robustness', () => {
  it('an op the transport cannot encode (a 5-byte id) makes the tick fall back to serial, same hash', () => {
    const odd: RewriteRule = {
      id: makeRuleId('odd/short-id'),
      name: 'odd/short-id',
      matcher: (v, s) => v.node(s) !== undefined,
      computeFootprint: (v, s) => new Footprint().readNode(s),
      executor: (v, _s, d) => d.emit({ op: 'UpsertNode', node: { warp: v.warpId(), local: new Uint8Array(5) as NodeId }, record: { ty } }),
    };
    const run = (exec?: InProcessBoaw) => {
      const store = new GraphStore();
      const root = makeNodeId('r');
      store.insertNode(root, { ty });
      const e = new Engine(store, root, exec ? { boaw: exec } : {});
      e.registerRule(odd);
      const tx = e.begin();
      e.apply(tx, 'odd/short-id', root);
      return toHex(e.commitWithReceipt(tx).snapshot.hash);
    };
    const exec = new InProcessBoaw([odd], 2, 1);
    expect(run(exec)).toBe(run());
    expect(exec.fallbacks).toBe(1);
  });
});

describe('strict footprints', () => {
  const rogue = (): RewriteRule => ({
    id: makeRuleId('bad/rogue'),
    name: 'bad/rogue',
    matcher: (v, s) => v.node(s) !== undefined,
    computeFootprint: (v, s) => new Footprint().readNode(s).writeAttachment(nodeAlpha(v.warpId(), s)),
    executor: (v, s, d) => {
      d.emit({ op: 'SetAttachment', key: nodeAlpha(v.warpId(), s), value: atom(ty, new Uint8Array([1])) });
      d.emit({ op: 'UpsertNode', node: { warp: v.warpId(), local: makeNodeId('elsewhere') }, record: { ty } });
    },
  });

  for (const via of ['serial', 'boaw'] as const) {
    it(`an out-of-footprint op fails the tick with FootprintViolation naming rule, scope and slot (${via})`, () => {
      const store = new GraphStore();
      const root = makeNodeId('r');
      store.insertNode(root, { ty });
      const e = new Engine(store, root, { strictFootprints: true, ...(via === 'boaw' ? { boaw: new InProcessBoaw([rogue()], 2, 5) } : {}) });
      e.registerRule(rogue());
      const before = toHex(e.snapshot().stateRoot);
      const tx = e.begin();
      e.apply(tx, 'bad/rogue', root);
      let err: unknown;
      try {
        e.commitWithReceipt(tx);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(FootprintViolation);
      const v = err as FootprintViolation;
      expect(v.code).toBe('FootprintViolation');
      expect(v.ruleName).toBe('bad/rogue');
      expect(v.scopeHex).toBe(toHex(root));
      expect(v.slot).toEqual({ kind: 'node', key: { warp: e.root.warp, local: makeNodeId('elsewhere') } });
      expect(v.message).toMatch(/bad\/rogue.*UpsertNode.*outside its declared write footprint/);
      expect(e.isLive(tx)).toBe(false);
      expect(toHex(e.snapshot().stateRoot)).toBe(before);
      expect(e.ledger()).toHaveLength(0);
      // Off (the default, conformance mode): the same tick commits.
      e.setStrictFootprints(false);
      const tx2 = e.begin();
      e.apply(tx2, 'bad/rogue', root);
      expect(e.commitWithReceipt(tx2).patch.ops.length).toBeGreaterThan(0);
    });
  }

  it('the sample worlds respect their footprints (demo 12 ticks, motion, strict on)', () => {
    const s = new WorldSession(demo, {}, { strictFootprints: true });
    for (let k = 0; k < 12; k++) tickShuffled(s, k, null);
    const m = new WorldSession(motion, { n: '20' }, { strictFootprints: true });
    m.tick();
    expect(s.engine.ledger()).toHaveLength(12);
  });
});
