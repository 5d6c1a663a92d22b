/**
 * BOAW test helpers: an in-process executor (the pool's protocol with the threads simulated:
 * replicas synchronized through the same transport bytes, shards claimed in a seeded random order
 * by a chosen number of lanes), and a world runner that can shuffle the driver's apply calls.
 */
import { toHex } from '../../engine/bytes';
import { LaneDelta } from '../../engine/boaw/exec';
import { BoawReplica } from '../../engine/boaw/replica';
import type { BoawBatch, BoawCommit, BoawExecutor } from '../../engine/boaw/seam';
import { NUM_SHARDS, shardOf } from '../../engine/boaw/shard';
import { encodeWarpState } from '../../engine/codec/stateBinary';
import { BinWriter, encodeDirectEdits, encodeOps, LANE_FLAG, readLaneItems } from '../../engine/codec/opsBinary';
import type { DirectEdit } from '../../engine/directEdit';
import type { EngineOptions, TickRecord } from '../../engine/engine';
import type { RewriteRule } from '../../engine/rule';
import type { WarpOp } from '../../engine/tickDelta';
import { WorldSession, type TickContext, type WorldDefinition } from '../../engine/world';
import { shuffle } from './prop';

/** The pool's protocol, single-threaded: `lanes` replicas, seeded shard claim order. */
export class InProcessBoaw implements BoawExecutor {
  readonly replicas: BoawReplica[];
  offered = 0;
  parallel = 0;
  fallbacks = 0;
  snapshots = 0;
  private engine: object | null = null;
  private synced = false;
  private sentArr: readonly DirectEdit[] | null = null;
  private sentCount = 0;
  private last: { tx: number; bufs: Uint8Array[]; n: number } | null = null;

  constructor(
    rules: readonly RewriteRule[],
    readonly lanes: number,
    readonly seed: number,
  ) {
    this.replicas = Array.from({ length: lanes }, () => new BoawReplica(rules));
  }

  execute(batch: BoawBatch): ReadonlyArray<readonly WarpOp[]> | null {
    this.offered++;
    try {
      return this.run(batch);
    } catch {
      this.synced = false;
      this.fallbacks++;
      return null;
    }
  }

  private run(batch: BoawBatch): ReadonlyArray<readonly WarpOp[]> | null {
    if (batch.engine !== this.engine) {
      this.engine = batch.engine;
      this.synced = false;
    }
    const keys = batch.rules.map((r) => toHex(r.id) + ':' + r.name);
    if (!this.synced) {
      const bytes = encodeWarpState(batch.state);
      for (const r of this.replicas) r.load(bytes, batch.root);
      this.snapshots++;
      this.synced = true;
      this.sentArr = batch.pendingInputs;
      this.sentCount = batch.pendingInputs.length;
    } else {
      const start = this.sentArr === batch.pendingInputs ? this.sentCount : 0;
      if (batch.pendingInputs.length > start) {
        const bytes = encodeDirectEdits(batch.pendingInputs.slice(start)).finish();
        for (const r of this.replicas) r.applyEdits(bytes);
      }
      this.sentArr = batch.pendingInputs;
      this.sentCount = batch.pendingInputs.length;
    }
    for (const r of this.replicas) r.setRuleTable(keys);
    // Shards claimed in a seeded random order, each by a random lane.
    const order = shuffle(
      Array.from({ length: NUM_SHARDS }, (_, s) => s),
      this.seed * 7919 + batch.tx,
    );
    const laneOf = shuffle(
      Array.from({ length: NUM_SHARDS }, (_, s) => s % this.lanes),
      this.seed * 104729 + batch.tx,
    );
    const byShard: number[][] = Array.from({ length: NUM_SHARDS }, () => []);
    batch.items.forEach((it, i) => byShard[shardOf(it.scope)]!.push(i));
    const writers = this.replicas.map(() => new BinWriter());
    const deltas = this.replicas.map(() => new LaneDelta());
    for (const s of order) {
      const lane = laneOf[s]!;
      for (const i of byShard[s]!) {
        const it = batch.items[i]!;
        this.replicas[lane]!.runItem(writers[lane]!, deltas[lane]!, i, it.compactRule, it.warp, it.scope, it.origin);
      }
    }
    const bufs = writers.map((w) => w.finish());
    const perItem: WarpOp[][] = new Array(batch.items.length);
    let flags = 0;
    for (const b of bufs) {
      readLaneItems(b, (it) => {
        perItem[it.itemIx] = it.ops;
        flags |= it.flags;
      });
    }
    if (flags & (LANE_FLAG.READ_DELTA | LANE_FLAG.THREW | LANE_FLAG.UNAVAILABLE)) {
      this.fallbacks++;
      return null;
    }
    this.parallel++;
    this.last = { tx: batch.tx, bufs, n: batch.items.length };
    return perItem;
  }

  committed(c: BoawCommit): void {
    try {
      this.replicate(c);
    } catch {
      this.synced = false; // must not throw (seam contract): resync by snapshot next time
    }
  }

  private replicate(c: BoawCommit): void {
    const last = this.last;
    this.last = null;
    if (c.engine !== this.engine || !this.synced) return;
    const start = this.sentArr === c.inputs ? this.sentCount : 0;
    this.sentArr = null;
    this.sentCount = 0;
    if (c.inputs.length > start) {
      const bytes = encodeDirectEdits(c.inputs.slice(start)).finish();
      for (const r of this.replicas) r.applyEdits(bytes);
    }
    if (last && last.tx === c.tx) for (const r of this.replicas) r.applyLaneBuffers(last.bufs, last.n);
    else if (c.appliedOps.length > 0) {
      const bytes = encodeOps(c.appliedOps).finish();
      for (const r of this.replicas) r.applyCanonicalOps(bytes);
    }
  }

  invalidate(engine: object): void {
    this.engine = engine;
    this.synced = false;
    this.last = null;
  }
}

/** One tick of `session`'s driver with its apply calls deferred and replayed in a shuffled order. */
export function tickShuffled(session: WorldSession, k: number, seed: number | null): TickRecord {
  const e = session.engine;
  const tx = e.begin();
  const deferred: Array<() => unknown> = [];
  const store = () => e.rootStore;
  const ctx: TickContext = {
    tick: k,
    params: session.params,
    view: {
      warpId: () => store().warpId,
      node: (id) => store().node(id),
      nodeAttachment: (id) => store().nodeAttachment(id),
      edgesFrom: (id) => store().edgesFrom(id),
      hasEdge: (id) => store().hasEdge(id),
      edgeAttachment: (id) => store().edgeAttachment(id),
    },
    engine: e,
    ingest: (b) => e.ingestIntent(b),
    dispatchNextIntent: () => e.dispatchNextIntent(tx),
    apply: (rule, scope) => {
      if (seed === null) return e.applyInWarp(tx, e.root.warp, rule, scope, []);
      deferred.push(() => e.applyInWarp(tx, e.root.warp, rule, scope, []));
      return 'applied';
    },
    applyInWarp: (warp, rule, scope, descent = []) => {
      if (seed === null) return e.applyInWarp(tx, warp, rule, scope, descent);
      deferred.push(() => e.applyInWarp(tx, warp, rule, scope, descent));
      return 'applied';
    },
  };
  session.world.driver(ctx);
  if (seed !== null) for (const f of shuffle(deferred, seed * 31 + k)) f();
  return e.commitWithReceipt(tx);
}

/** Commit hashes of `ticks` ticks of a fresh session. */
export function runWorld(world: WorldDefinition, params: Record<string, string>, ticks: number, opts: EngineOptions = {}, seed: number | null = null): string[] {
  const s = new WorldSession(world, params, opts);
  const out: string[] = [];
  for (let k = 0; k < ticks; k++) out.push(toHex(tickShuffled(s, k, seed).snapshot.hash));
  return out;
}
