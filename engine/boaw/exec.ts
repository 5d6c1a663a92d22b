/**
 * BOAW execution helpers (ENGINE-SPEC §5.2-5.3): pure, single-threaded building blocks shared by
 * the engine's commit path, the worker replicas and the tests.
 *
 * - `ScopedDelta` stamps real origins (intent = tx, rule = compact id, match = index of the
 *   accepted rewrite in drain order, op = index within that executor) while FORWARDING to a shared
 *   delta, so `len()` stays the shared length the reference exposes (the DIND toast rule reads it).
 *   warp-core creates a ScopedDelta and then bypasses it (origins all zero); we keep the origins.
 * - `IsolatedDelta` gives one executor its own delta (parallel lanes). It records whether the
 *   executor READ the delta (len / opsUnsorted / originsUnsorted / finalize): such a read is the
 *   one thing a per-item delta cannot reproduce, so a lane reports it and the engine re-runs the
 *   tick serially (hashes identical by construction).
 * - `executeSerial(view, items)` = warp-core `execute_serial`: one delta, items in slice order.
 * - `executeParallel(view, items, workers)` = warp-core `execute_parallel` (sharded variant) with
 *   the threads simulated: `workers` lanes (capped at NUM_SHARDS), lane w runs shards w, w+W, …
 *   in order, each into its own delta; empty input gives `workers` empty deltas. Real threads live
 *   outside engine/ (main/workers/boawPool.ts) and claim shards dynamically; which lane ran a shard
 *   never matters, because results are re-assembled per item (engine path) or merged canonically
 *   (`mergeDeltas`).
 *
 * Key fact the engine relies on: executors see only the pre-tick state, so running them in any
 * order or place and then concatenating each executor's ops in DRAIN order reproduces the serial
 * shared-delta emission order exactly — hence the same last-wins result — unless an executor reads
 * the delta, which `IsolatedDelta.observed` detects.
 */
import { EngineError } from '../errors';
import type { GraphView } from '../graphView';
import type { NodeId } from '../ident';
import type { ExecuteFn } from '../rule';
import { TickDelta, type OpOrigin, type WarpOp } from '../tickDelta';
import { NUM_SHARDS, partitionIntoShards } from './shard';

/** One unit of BOAW work (warp-core `ExecItem`): the view decides the instance. @public */
export interface ExecItem {
  readonly exec: ExecuteFn;
  readonly scope: NodeId;
  readonly origin: OpOrigin;
}

/** `origin` with its op index replaced. @public */
export function originAt(base: OpOrigin, opIx: number): OpOrigin {
  return { intentId: base.intentId, ruleId: base.ruleId, matchIx: base.matchIx, opIx };
}

/** A delta view for one executor that stamps origins and forwards to a shared delta. @public */
export class ScopedDelta extends TickDelta {
  private nextOpIx = 0;

  constructor(
    readonly inner: TickDelta,
    readonly base: OpOrigin,
  ) {
    super();
  }

  override emit(op: WarpOp): void {
    this.inner.emitWithOrigin(op, originAt(this.base, this.nextOpIx++));
  }
  override emitWithOrigin(op: WarpOp, origin: OpOrigin): void {
    this.nextOpIx++;
    this.inner.emitWithOrigin(op, origin);
  }
  override len(): number {
    return this.inner.len();
  }
  override opsUnsorted(): readonly WarpOp[] {
    return this.inner.opsUnsorted();
  }
  override originsUnsorted(): readonly OpOrigin[] {
    return this.inner.originsUnsorted();
  }
  override finalize(): WarpOp[] {
    return this.inner.finalize();
  }
}

/** A private delta for one executor that notices when the executor reads it. @public */
export class IsolatedDelta extends TickDelta {
  private nextOpIx = 0;
  /** True once the executor read the delta (its answers differ from the shared delta's). */
  observed = false;

  constructor(readonly base: OpOrigin) {
    super();
  }

  override emit(op: WarpOp): void {
    super.emitWithOrigin(op, originAt(this.base, this.nextOpIx++));
  }
  override emitWithOrigin(op: WarpOp, origin: OpOrigin): void {
    this.nextOpIx++;
    super.emitWithOrigin(op, origin);
  }
  override len(): number {
    this.observed = true;
    return super.len();
  }
  override opsUnsorted(): readonly WarpOp[] {
    this.observed = true;
    return super.opsUnsorted();
  }
  override originsUnsorted(): readonly OpOrigin[] {
    this.observed = true;
    return super.originsUnsorted();
  }
  override finalize(): WarpOp[] {
    this.observed = true;
    return super.finalize();
  }
  /** The ops emitted (does not count as a read). */
  ownOps(): readonly WarpOp[] {
    return super.opsUnsorted();
  }
  /** The origins, parallel to `ownOps()` (does not count as a read). */
  ownOrigins(): readonly OpOrigin[] {
    return super.originsUnsorted();
  }
}

/**
 * One delta reused by every executor a lane runs (fewer allocations than an `IsolatedDelta` per
 * item): `begin(origin)` starts the next executor's slice. Reads are detected per executor, and
 * what an executor would read is its OWN slice — wrong either way, hence the serial fallback.
 * @public
 */
export class LaneDelta extends TickDelta {
  private base: OpOrigin = { intentId: 0, ruleId: 0, matchIx: 0, opIx: 0 };
  private nextOpIx = 0;
  /** Index in `allOps()` where the current executor's ops start. */
  start = 0;
  /** True once the current executor read the delta. */
  observed = false;

  begin(origin: OpOrigin): void {
    this.base = origin;
    this.nextOpIx = 0;
    this.start = super.len();
    this.observed = false;
  }
  override emit(op: WarpOp): void {
    super.emitWithOrigin(op, originAt(this.base, this.nextOpIx++));
  }
  override emitWithOrigin(op: WarpOp, origin: OpOrigin): void {
    this.nextOpIx++;
    super.emitWithOrigin(op, origin);
  }
  override len(): number {
    this.observed = true;
    return super.len() - this.start;
  }
  override opsUnsorted(): readonly WarpOp[] {
    this.observed = true;
    return super.opsUnsorted().slice(this.start);
  }
  override originsUnsorted(): readonly OpOrigin[] {
    this.observed = true;
    return super.originsUnsorted().slice(this.start);
  }
  override finalize(): WarpOp[] {
    this.observed = true;
    return super.finalize().slice(this.start);
  }
  /** Every op of the lane so far (not a read). */
  allOps(): readonly WarpOp[] {
    return super.opsUnsorted();
  }
  /** Every origin of the lane so far, parallel to `allOps()` (not a read). */
  allOrigins(): readonly OpOrigin[] {
    return super.originsUnsorted();
  }
  /** Number of ops in the lane so far (not a read). */
  get size(): number {
    return super.opsUnsorted().length;
  }
}

/** Lane flag bits of `runInLane` (same values as the transport's LANE_FLAG). @public */
export const RUN_READ_DELTA = 1;
/** @public */
export const RUN_THREW = 2;

/**
 * Runs one executor into a lane delta; its ops are `d.allOps()[d.start .. d.size)`. Returns
 * RUN_READ_DELTA | RUN_THREW bits (0 when clean). Never throws.
 * @public
 */
export function runInLane(d: LaneDelta, exec: ExecuteFn, view: GraphView, scope: NodeId, origin: OpOrigin): number {
  d.begin(origin);
  let threw = false;
  try {
    exec(view, scope, d);
  } catch {
    threw = true;
  }
  return (d.observed ? RUN_READ_DELTA : 0) | (threw ? RUN_THREW : 0);
}

/** Outcome of running one executor on its own delta. @public */
export interface IsolatedRun {
  readonly ops: readonly WarpOp[];
  readonly origins: readonly OpOrigin[];
  /** The executor read its delta: only a serial run is exact. */
  readonly readDelta: boolean;
  /** What the executor threw, if it threw (`threw` tells undefined throws apart). */
  readonly threw: boolean;
  readonly error?: unknown;
}

/** Runs one executor against `view` into a fresh `IsolatedDelta`. Never throws. @public */
export function runIsolated(exec: ExecuteFn, view: GraphView, scope: NodeId, origin: OpOrigin): IsolatedRun {
  const d = new IsolatedDelta(origin);
  try {
    exec(view, scope, d);
  } catch (error) {
    return { ops: d.ownOps(), origins: d.ownOrigins(), readDelta: d.observed, threw: true, error };
  }
  return { ops: d.ownOps(), origins: d.ownOrigins(), readDelta: d.observed, threw: false };
}

/** warp-core `execute_serial`: one delta, items in slice order (origins stamped). @public */
export function executeSerial(view: GraphView, items: readonly ExecItem[]): TickDelta {
  const delta = new TickDelta();
  for (const it of items) it.exec(view, it.scope, new ScopedDelta(delta, it.origin));
  return delta;
}

/**
 * Runs the given shards (indices into `shards`) in the given order into `into`; the loop body of
 * one BOAW lane.
 * @public
 */
export function executeShards(view: GraphView, shards: readonly (readonly ExecItem[])[], shardIds: Iterable<number>, into: TickDelta = new TickDelta()): TickDelta {
  for (const s of shardIds) {
    const shard = shards[s];
    if (!shard) continue;
    for (const it of shard) it.exec(view, it.scope, new ScopedDelta(into, it.origin));
  }
  return into;
}

/**
 * warp-core `execute_parallel` (sharded variant), single-threaded: `min(workers, NUM_SHARDS)`
 * lanes, lane w runs shards w, w+W, w+2W, … in order into its own delta.
 * @throws EngineError(InvalidArgument) when workers < 1 (upstream panics)
 * @public
 */
export function executeParallel(view: GraphView, items: readonly ExecItem[], workers: number): TickDelta[] {
  if (!Number.isInteger(workers) || workers < 1) throw new EngineError('InvalidArgument', `executeParallel: workers must be an integer ≥ 1, got ${workers}`);
  const lanes = Math.min(workers, NUM_SHARDS);
  const deltas = Array.from({ length: lanes }, () => new TickDelta());
  if (items.length === 0) return deltas;
  const shards = partitionIntoShards(items);
  for (let w = 0; w < lanes; w++) {
    const mine: number[] = [];
    for (let s = w; s < NUM_SHARDS; s += lanes) mine.push(s);
    executeShards(view, shards, mine, deltas[w]);
  }
  return deltas;
}
