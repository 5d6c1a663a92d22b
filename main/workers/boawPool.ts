/**
 * The BOAW worker pool: the host module that owns worker_threads and plugs into the engine's
 * synchronous executor seam (engine/boaw/seam.ts). The engine stays pure; this file is the only
 * place that spawns threads, blocks on Atomics and reads clocks for BOAW.
 *
 * Design (numbers: ../shared/guides/TOOLCHAIN.md §4):
 * - Started once (`BoawPool.start`), sized in LANES: the engine thread is lane 0 and runs shards
 *   too, so `workers: W` means W − 1 worker threads. Default `defaultLanes()` =
 *   min(4, os.availableParallelism()), i.e. availableParallelism − 1 threads plus the engine
 *   thread on small machines.
 * - Each worker loads the rules from the world module itself (the same file the engine's rules
 *   came from) and keeps a replica of the engine state. Replicas are synchronized lazily: a full
 *   state snapshot before the first parallel tick (and after any `invalidate`), then, after every
 *   commit, the tick's direct edits plus either the lane buffers of a parallel tick (already
 *   shared memory, zero copies) or the canonical `appliedOps` of an inline tick. All payloads are
 *   SharedArrayBuffers of transport bytes (engine/codec/opsBinary.ts, engine/codec/stateBinary.ts);
 *   no object graph is ever structured-cloned.
 * - A parallel tick: one item table in shared memory, lanes claim the 256 virtual shards with
 *   Atomics.add, the engine thread blocks (Atomics.wait in 50 ms slices, re-checking the value it
 *   just read) until every shard is done, then reads the lane buffers synchronously with
 *   `receiveMessageOnPort`. Per-item results are returned to the engine, which concatenates them
 *   in drain order (= serial emission order) and keeps warp-core's last-wins semantics.
 * - Break-even: in `auto` mode the pool measures (clock: host side only) the fixed dispatch cost
 *   (empty worker-only rounds at start: wake, claim, post, read back), the inline cost per item (timing `batch.runInline()`) and the
 *   parallel cost per item, and runs a tick in parallel only when
 *   dispatch + n·c_parallel < n·c_inline (both measured as wall time of real ticks); it
 *   re-explores the other mode every 16 decisions, so a wrong early estimate is corrected.
 *   `always` forces the worker path (tests), `never` disables it.
 * - Anything unexpected (an executor that read its delta or threw, a rule the world module lacks,
 *   a desynchronized replica, a timeout) makes `execute` return null: the engine then runs the
 *   tick serially and gets the reference result and the reference errors. Rules caught reading
 *   their delta are remembered and never offered again. A timeout disables the pool for good.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { toHex } from '../../engine/bytes';
import { LaneDelta, runInLane } from '../../engine/boaw/exec';
import { laneWriter, writeLaneItemSafe } from '../../engine/boaw/replica';
import type { BoawBatch, BoawCommit, BoawExecutor } from '../../engine/boaw/seam';
import { NUM_SHARDS } from '../../engine/boaw/shard';
import { encodeWarpState } from '../../engine/codec/stateBinary';
import { encodeDirectEdits, encodeOps, LANE_FLAG, readLaneItems } from '../../engine/codec/opsBinary';
import type { DirectEdit } from '../../engine/directEdit';
import type { GraphView } from '../../engine/graphView';
import { viewOf } from '../../engine/graphView';
import type { RewriteRule } from '../../engine/rule';
import type { WarpOp } from '../../engine/tickDelta';
import { resolveWorldPath } from '../worlds/loader';
import {
  buildItemTable,
  claimShards,
  H_DONE,
  H_FAIL,
  H_POSTED,
  readItemTable,
  toShared,
  type FromWorker,
  type ToWorker,
  type WorkerEvent,
} from './protocol';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./boawWorker.ts', import.meta.url).href;
const EXPLORE_EVERY = 16;
const EMA = 0.3;

/** @public */
export type BoawMode = 'auto' | 'always' | 'never';

/** @public */
export interface BoawPoolOptions {
  /** The world module the engine's rules come from (built-in name or path). */
  readonly world: string;
  /** The world's resolved params (`WorldSession.params`); `rules(params)` runs in each worker. */
  readonly params?: Readonly<Record<string, number | string>>;
  /** Lanes including the engine thread (≥ 1); default `defaultLanes()`. */
  readonly workers?: number;
  readonly mode?: BoawMode;
  /** Longest a parallel tick may wait for its lanes before the pool gives up (default 60 s). */
  readonly timeoutMs?: number;
  /** Base directory for a relative world path (default: process.cwd()). */
  readonly cwd?: string;
  /**
   * Whether the engine thread runs shards too (default true). false makes the worker replicas
   * run every item of a parallel tick (tests use it to exercise replication end to end).
   */
  readonly engineLane?: boolean;
}

/** What the pool measured and decided so far. @public */
export interface BoawPoolStats {
  readonly lanes: number;
  readonly threads: number;
  readonly mode: BoawMode;
  readonly ticksParallel: number;
  readonly ticksInline: number;
  /** Ticks offered in parallel that fell back to serial (delta read, throw, desync, timeout). */
  readonly fallbacks: number;
  /** Full state snapshots sent to the replicas. */
  readonly snapshots: number;
  /** Items executed on worker threads (the rest of the parallel ticks ran on the engine thread). */
  readonly workerItems: number;
  readonly engineItems: number;
  /** Fixed cost of a parallel tick (median empty worker-only round at start), ms. */
  readonly dispatchMs: number;
  readonly inlineMsPerItem: number | null;
  readonly parallelMsPerItem: number | null;
  /** Busy time per item summed over lanes (execution + encoding, all lanes side by side). */
  readonly laneMsPerItem: number | null;
  /** Rule work per tick (ms, inline-equivalent) above which the pool goes parallel. */
  readonly breakEvenMs: number;
  /** Where the last parallel tick's time went (ms): item table, engine lane, waiting, reading results. */
  readonly lastParallel: { readonly tableMs: number; readonly engineLaneMs: number; readonly waitMs: number; readonly resultsMs: number } | null;
  readonly broken: string | null;
  /** The last unexpected error the pool recovered from by running a tick serially. */
  readonly lastError: string | null;
}

/** Default lane count: min(4, availableParallelism) (the engine thread is one lane). @public */
export function defaultLanes(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Lane {
  readonly worker: Worker;
  readonly results: MessagePort;
}

/** @public */
export class BoawPool implements BoawExecutor {
  readonly lanes: number;
  readonly mode: BoawMode;
  private readonly workers: Lane[];
  private readonly workerRules: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private dispatchMs = 0;
  private ci: number | null = null;
  private laneMsPerItem: number | null = null;
  private cp: number | null = null;
  private sinceParallel = 0;
  private sinceInline = 0;
  private counts = { parallel: 0, inline: 0, fallbacks: 0, snapshots: 0, workerItems: 0, engineItems: 0 };
  private readonly engineLane: boolean;
  private broken: string | null = null;
  private closed = false;
  // replica synchronization
  private engine: object | null = null;
  private synced = false;
  private ruleKeys: string[] = [];
  private available: boolean[] = [];
  private rulesSent = 0;
  private sentArr: readonly DirectEdit[] | null = null;
  private sentCount = 0;
  private lastParallel: { engine: object; tx: number; bufs: SharedArrayBuffer[]; n: number } | null = null;
  private readonly deltaReaders = new Set<string>();
  private phases: BoawPoolStats['lastParallel'] = null;
  private lastError: string | null = null;
  private seq = 0;
  private verifySeq = 0;

  private constructor(lanes: number, mode: BoawMode, workers: Lane[], workerRules: ReadonlySet<string>, timeoutMs: number, engineLane: boolean) {
    this.lanes = lanes;
    this.engineLane = engineLane;
    this.mode = mode;
    this.workers = workers;
    this.workerRules = workerRules;
    this.timeoutMs = timeoutMs;
    for (const l of workers) {
      l.worker.on('error', (e) => {
        this.broken ??= `a BOAW worker failed: ${e.message}`;
      });
      l.worker.on('exit', (code) => {
        if (!this.closed) this.broken ??= `a BOAW worker exited (code ${code})`;
      });
      // A forgotten close() must not keep the process alive.
      l.worker.unref();
    }
  }

  /** Starts `workers − 1` threads (in parallel), waits until each loaded the world, calibrates. */
  static async start(opts: BoawPoolOptions): Promise<BoawPool> {
    const lanes = opts.workers ?? defaultLanes();
    if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`BoawPool: workers must be an integer ≥ 1, got ${lanes}`);
    const world = resolveWorldPath(opts.world, opts.cwd);
    const params = { ...(opts.params ?? {}) };
    const started = await Promise.allSettled(Array.from({ length: lanes - 1 }, () => spawn(world, params)));
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((l) => l.lane.worker.terminate()));
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
    const rules = new Set(ok[0]?.rules ?? []);
    const pool = new BoawPool(lanes, opts.mode ?? 'auto', ok.map((l) => l.lane), rules, opts.timeoutMs ?? 60_000, opts.engineLane ?? true);
    pool.calibrate();
    return pool;
  }

  get threads(): number {
    return this.workers.length;
  }

  // ------------------------------------------------------------------ seam

  execute(batch: BoawBatch): ReadonlyArray<readonly WarpOp[]> | null {
    if (this.closed || this.broken || this.workers.length === 0 || this.mode === 'never') return null;
    if (batch.engine !== this.engine) this.invalidate(batch.engine);
    this.refreshRules(batch.rules);
    for (const it of batch.items) {
      if (!this.available[it.compactRule] || this.deltaReaders.has(this.ruleKeys[it.compactRule]!)) return null;
    }
    const n = batch.items.length;
    if (this.mode === 'auto' && !this.chooseParallel(n)) {
      const t0 = performance.now();
      batch.runInline();
      this.ci = ema(this.ci, (performance.now() - t0) / n);
      this.counts.inline++;
      return null;
    }
    let res: Array<readonly WarpOp[]> | null;
    let t0 = performance.now();
    try {
      this.sync(batch); // replication cost, not execution: excluded from the estimate
      t0 = performance.now();
      res = this.runParallel(batch);
    } catch (e) {
      // A bug or malformed data on this side (not an executor error: those are lane flags).
      // The serial path is always exact; replicas are rebuilt before the next parallel tick.
      this.synced = false;
      this.lastError = e instanceof Error ? e.message : String(e);
      res = null;
    }
    if (!res) {
      this.counts.fallbacks++;
      return null;
    }
    this.cp = ema(this.cp, Math.max(0, performance.now() - t0 - this.dispatchMs) / n);
    this.counts.parallel++;
    return res;
  }

  committed(c: BoawCommit): void {
    const lp = this.lastParallel;
    this.lastParallel = null;
    if (this.closed || this.broken || c.engine !== this.engine || !this.synced) return;
    const start = this.sentArr === c.inputs ? this.sentCount : 0;
    this.sentArr = null;
    this.sentCount = 0;
    try {
      if (c.inputs.length > start) this.broadcast({ t: 'edits', bytes: toShared(encodeDirectEdits(c.inputs.slice(start)).view()) });
      if (lp && lp.engine === c.engine && lp.tx === c.tx) this.broadcast({ t: 'lanes', bufs: lp.bufs, n: lp.n });
      else if (c.appliedOps.length > 0) this.broadcast({ t: 'ops', bytes: toShared(encodeOps(c.appliedOps).view()) });
    } catch (e) {
      // Something the transport cannot carry: rebuild the replicas before the next parallel tick.
      this.synced = false;
      this.lastError = e instanceof Error ? e.message : String(e);
    }
  }

  invalidate(engine: object): void {
    this.engine = engine;
    this.synced = false;
    this.lastParallel = null;
    this.ruleKeys = []; // another engine may register other rules under the same compact ids
    this.available = [];
  }

  // --------------------------------------------------------------- internals

  private broadcast(m: ToWorker): void {
    for (const l of this.workers) l.worker.postMessage(m);
  }

  /** Rules can only be appended to an engine, so the length tells whether the table changed. */
  private refreshRules(rules: readonly RewriteRule[]): void {
    if (rules.length === this.ruleKeys.length) return;
    this.ruleKeys = rules.map((r) => toHex(r.id) + ':' + r.name);
    this.available = this.ruleKeys.map((k) => this.workerRules.has(k));
  }

  /** Brings every replica to the batch's pre-tick state (snapshot or pending edits). */
  private sync(batch: BoawBatch): void {
    if (!this.synced) {
      const state = toShared(encodeWarpState(batch.state));
      this.broadcast({ t: 'load', seq: ++this.seq, state, root: { warp: batch.root.warp.slice(), local: batch.root.local.slice() }, rules: this.ruleKeys });
      this.counts.snapshots++;
      this.synced = true;
      this.rulesSent = this.ruleKeys.length;
      this.sentArr = batch.pendingInputs;
      this.sentCount = batch.pendingInputs.length;
      return;
    }
    if (this.rulesSent !== this.ruleKeys.length) {
      this.broadcast({ t: 'rules', rules: this.ruleKeys });
      this.rulesSent = this.ruleKeys.length;
    }
    const arr = batch.pendingInputs;
    const start = this.sentArr === arr ? this.sentCount : 0;
    if (arr.length > start) this.broadcast({ t: 'edits', bytes: toShared(encodeDirectEdits(arr.slice(start)).view()) });
    this.sentArr = arr;
    this.sentCount = arr.length;
  }

  /** Parallel cost per item for a tick of n items: never better than n items spread over min(lanes, n). */
  private parallelPerItem(n: number): number {
    const ci = this.ci ?? 0;
    return Math.max(this.cp ?? 0, ci / Math.min(this.lanes, Math.max(1, n)));
  }

  private chooseParallel(n: number): boolean {
    if (this.ci === null) return false; // measure the inline cost first
    const inline = n * this.ci;
    const par = this.dispatchMs + n * this.parallelPerItem(n);
    let parallel = par < inline;
    if (!parallel && inline > this.dispatchMs && this.sinceParallel >= EXPLORE_EVERY) parallel = true;
    else if (parallel && this.sinceInline >= EXPLORE_EVERY && inline < 4 * par) parallel = false;
    if (parallel) {
      this.sinceParallel = 0;
      this.sinceInline++;
    } else {
      this.sinceInline = 0;
      this.sinceParallel++;
    }
    return parallel;
  }

  private runParallel(batch: BoawBatch): Array<readonly WarpOp[]> | null {
    const items = batch.items;
    const n = items.length;
    const seq = ++this.seq;
    const tTable = performance.now();
    const table = buildItemTable(batch.tx, items);
    this.broadcast({ t: 'exec', seq, table });
    const t = readItemTable(table);

    // Lane 0: the engine thread, on the live pre-tick state.
    const perItem: Array<readonly WarpOp[] | undefined> = new Array(n);
    const w = laneWriter(Math.ceil(n / this.lanes));
    const views = new Map<Uint8Array, GraphView>(); // by warp object: items share their warp ids
    const lane = new LaneDelta();
    let flags = 0;
    const flaggedRules = new Set<number>();
    let mine = 0;
    const run = (i: number): void => {
      const it = items[i]!;
      const rule = batch.rules[it.compactRule]!;
      let view = views.get(it.warp);
      if (!view) {
        view = viewOf(batch.state.store(it.warp)!);
        views.set(it.warp, view);
      }
      const f = writeLaneItemSafe(w, i, runInLane(lane, rule.executor, view, it.scope, it.origin), lane.allOps(), lane.allOrigins(), lane.start, lane.size);
      if (f & LANE_FLAG.READ_DELTA) flaggedRules.add(it.compactRule);
      flags |= f;
      perItem[i] = lane.allOps().slice(lane.start, lane.size);
      mine++;
    };
    const tLane = performance.now();
    const tableMs = tLane - tTable;
    if (this.engineLane) Atomics.add(t.header, H_DONE, claimShards(t, run));
    const busyLane = performance.now() - tLane;
    let busyMs = busyLane;

    // Wait for the shards other lanes claimed.
    const deadline = performance.now() + this.timeoutMs;
    let engineHelped = this.engineLane;
    for (let v = Atomics.load(t.header, H_DONE); v < NUM_SHARDS; v = Atomics.load(t.header, H_DONE)) {
      if (performance.now() > deadline) return this.fail(`a parallel tick waited more than ${this.timeoutMs} ms for its worker lanes`);
      // Every worker declined (replicas out of sync): the engine thread takes the shards left.
      if (!engineHelped && Atomics.load(t.header, H_FAIL) >= this.workers.length) {
        engineHelped = true;
        const t1 = performance.now();
        Atomics.add(t.header, H_DONE, claimShards(t, run));
        busyMs += performance.now() - t1;
        continue;
      }
      Atomics.wait(t.header, H_DONE, v, 50);
    }
    const posted = Atomics.load(t.header, H_POSTED);
    const tResults = performance.now();
    const bufs: SharedArrayBuffer[] = [toShared(w.view())];
    let got = 0;
    while (got < posted) {
      let progressed = false;
      for (const l of this.workers) {
        for (let m = receiveMessageOnPort(l.results); m; m = receiveMessageOnPort(l.results)) {
          const msg = m.message as FromWorker;
          progressed = true;
          if (msg.t === 'desync') {
            this.synced = false;
            continue;
          }
          if (msg.seq !== seq) continue;
          got++;
          bufs.push(msg.buf);
          this.counts.workerItems += msg.items;
          busyMs += msg.busyMs;
          readLaneItems(
            new Uint8Array(msg.buf),
            (it) => {
              perItem[it.itemIx] = it.ops;
              flags |= it.flags;
              if (it.flags & LANE_FLAG.READ_DELTA) flaggedRules.add(items[it.itemIx]!.compactRule);
            },
            false, // origins are for diagnostics; the engine derives them
          );
        }
      }
      if (!progressed && got < posted) {
        if (performance.now() > deadline) return this.fail('a worker lane finished but its result never arrived');
        Atomics.wait(t.header, H_DONE, NUM_SHARDS, 1);
      }
    }
    // Drain late desync notices without waiting.
    if (Atomics.load(t.header, H_FAIL) !== 0) this.synced = false;
    for (const c of flaggedRules) this.deltaReaders.add(this.ruleKeys[c]!);
    this.counts.engineItems += mine;
    const tEnd = performance.now();
    this.phases = { tableMs, engineLaneMs: this.engineLane ? busyLane : 0, waitMs: tResults - tLane - (this.engineLane ? busyLane : 0), resultsMs: tEnd - tResults };
    if (flags !== 0) return null;
    for (let i = 0; i < n; i++) if (!perItem[i]) return this.fail(`item ${i} of ${n} has no result`);
    this.lastParallel = { engine: batch.engine, tx: batch.tx, bufs, n };
    // Lane busy time is NOT used as an inline estimate: lanes running side by side are slower per
    // item (shared cores, the GC's helper threads lose their idle core), so only real inline runs
    // (and the periodic re-exploration) set c_inline.
    this.laneMsPerItem = ema(this.laneMsPerItem, busyMs / n);
    return perItem as Array<readonly WarpOp[]>;
  }

  private fail(why: string): null {
    this.broken = why;
    this.synced = false;
    return null;
  }

  /**
   * Measures the fixed cost of a parallel tick: an empty item table that only the workers may
   * claim (wake, claim, post an empty lane buffer, read it back). Median of `rounds`, after 2
   * warm-up rounds.
   */
  private calibrate(rounds = 9): void {
    if (this.workers.length === 0) return;
    const samples: number[] = [];
    for (let r = 0; r < rounds + 2; r++) {
      const seq = ++this.seq;
      const table = buildItemTable(0, []);
      const h = new Int32Array(table, 0, 8);
      const t0 = performance.now();
      this.broadcast({ t: 'exec', seq, table });
      const deadline = t0 + 10_000;
      for (let v = Atomics.load(h, H_DONE); v < NUM_SHARDS; v = Atomics.load(h, H_DONE)) {
        if (performance.now() > deadline) {
          this.fail('workers did not answer the calibration round');
          return;
        }
        Atomics.wait(h, H_DONE, v, 50);
      }
      const posted = Atomics.load(h, H_POSTED);
      for (let got = 0; got < posted; ) {
        for (const l of this.workers) for (let m = receiveMessageOnPort(l.results); m; m = receiveMessageOnPort(l.results)) if ((m.message as FromWorker).t === 'lane') got++;
        if (performance.now() > deadline) return;
      }
      if (r >= 2) samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    this.dispatchMs = samples[samples.length >> 1]!;
  }

  // ------------------------------------------------------------------ public

  /** What the pool measured and decided. */
  stats(): BoawPoolStats {
    const ci = this.ci;
    const cp = ci !== null ? this.parallelPerItem(Infinity) : null;
    // n·ci = F + n·cp  ⇒  n* = F / (ci − cp); break-even work = n*·ci.
    const breakEvenMs =
      this.workers.length === 0 ? Infinity : ci !== null && cp !== null ? (ci > cp ? (this.dispatchMs * ci) / (ci - cp) : Infinity) : (this.dispatchMs * this.lanes) / (this.lanes - 1);
    return {
      lanes: this.lanes,
      threads: this.workers.length,
      mode: this.mode,
      ticksParallel: this.counts.parallel,
      ticksInline: this.counts.inline,
      fallbacks: this.counts.fallbacks,
      snapshots: this.counts.snapshots,
      workerItems: this.counts.workerItems,
      engineItems: this.counts.engineItems,
      dispatchMs: this.dispatchMs,
      inlineMsPerItem: this.ci,
      parallelMsPerItem: this.cp,
      laneMsPerItem: this.laneMsPerItem,
      breakEvenMs,
      lastParallel: this.phases,
      broken: this.broken,
      lastError: this.lastError,
    };
  }

  /** Each replica's state root (lowercase hex; null when out of sync), after all queued syncs. */
  async replicaStateRoots(): Promise<Array<string | null>> {
    const seq = ++this.verifySeq;
    return Promise.all(
      this.workers.map(
        (l) =>
          new Promise<string | null>((resolve) => {
            const on = (m: WorkerEvent) => {
              if (m.t === 'root' && m.seq === seq) {
                l.worker.off('message', on);
                resolve(m.root);
              }
            };
            l.worker.on('message', on);
            l.worker.postMessage({ t: 'verify', seq } satisfies ToWorker);
          }),
      ),
    );
  }

  /** Stops every worker. The pool declines all work afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.workers.map(async (l) => {
        l.results.close();
        await l.worker.terminate();
      }),
    );
  }
}

function ema(prev: number | null, x: number): number {
  return prev === null ? x : prev * (1 - EMA) + x * EMA;
}

function spawn(world: string, params: Record<string, number | string>): Promise<{ lane: Lane; rules: string[] }> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BOOTSTRAP, {
    workerData: { __tsEntry: WORKER_ENTRY, world, params, resultPort: port1 },
    transferList: [port1],
  });
  return new Promise((resolve, reject) => {
    const done = (f: () => void) => {
      worker.off('message', onMsg);
      worker.off('error', onErr);
      worker.off('exit', onExit);
      f();
    };
    const onMsg = (m: WorkerEvent) => {
      if (m.t === 'ready') done(() => resolve({ lane: { worker, results: port2 }, rules: m.rules }));
      else if (m.t === 'fatal') {
        done(() => reject(new Error(`BOAW worker could not load ${world}: ${m.error}`)));
        void worker.terminate();
      }
    };
    const onErr = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`BOAW worker exited with code ${code} while starting`)));
    worker.on('message', onMsg);
    worker.on('error', onErr);
    worker.on('exit', onExit);
  });
}
