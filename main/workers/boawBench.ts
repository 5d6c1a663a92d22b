/**
 * BOAW execute benchmark (the BOAW part of P1, ../shared/bench/REFERENCE.md): N motion items on
 * the motion world's state, 1 lane (the engine's serial path: executors into one shared delta)
 * versus W lanes (the pool, `always` mode: engine thread + W − 1 workers), interleaved so both
 * see the same machine load. Also prints how many cores the process actually got (CPU time /
 * wall time): on a saturated machine that number, not the pool, bounds the speedup.
 *
 *   npx tsx main/workers/boawBench.ts [N=100000] [W=2] [samples]
 *   npx tsx main/workers/boawBench.ts auto [N=1000] [W=2] [ticks=40]    (auto mode on real ticks)
 *
 * One JSON line on stdout. Not a test; the bench harness may call `benchBoawExecute` directly.
 */
import { performance } from 'node:perf_hooks';
import { toHex } from '../../engine/bytes';
import { ScopedDelta } from '../../engine/boaw/exec';
import type { BoawBatch, BoawItem } from '../../engine/boaw/seam';
import { viewOf } from '../../engine/graphView';
import { makeNodeId } from '../../engine/ident';
import { motionExecutor } from '../../engine/rules/motion';
import { canonicalizeOps, TickDelta, type WarpOp } from '../../engine/tickDelta';
import { WarpTickPatchV1 } from '../../engine/tickPatch';
import { resolveParams, WorldSession } from '../../engine/world';
import { loadWorld } from '../worlds/loader';
import { BoawPool, type BoawPoolStats } from './boawPool';

/** @public */
export interface BoawBenchResult {
  readonly n: number;
  readonly lanes: number;
  readonly samples: number;
  readonly inlineMs: { readonly median: number; readonly best: number };
  readonly poolMs: { readonly median: number; readonly best: number };
  readonly speedup: { readonly median: number; readonly best: number };
  /** CPU time / wall time of the whole process while sampling (all threads). */
  readonly coresUsed: { readonly inline: number; readonly pool: number };
  readonly workerShare: number;
  readonly digestsEqual: boolean;
  readonly snapshotMs: number;
  readonly pool: BoawPoolStats;
}

/** Runs the benchmark; every sample's merged patch digest must equal the serial one. */
export async function benchBoawExecute(n: number, lanes: number, samples = n >= 100_000 ? 5 : 9): Promise<BoawBenchResult> {
  const warm = n >= 100_000 ? 1 : 3;
  const { world } = await loadWorld('motion');
  const params = resolveParams(world, { n: String(n) });
  const s = new WorldSession(world, { n: String(n) });
  const e = s.engine;
  const items: BoawItem[] = Array.from({ length: n }, (_, i) => ({
    compactRule: 0,
    warp: e.root.warp,
    scope: makeNodeId(`ent-${i}`),
    origin: { intentId: 1, ruleId: 0, matchIx: i, opIx: 0 },
  }));
  const view = viewOf(e.rootStore);
  const inline = (): readonly WarpOp[] => {
    const d = new TickDelta();
    for (const it of items) motionExecutor(view, it.scope, new ScopedDelta(d, it.origin));
    return d.opsUnsorted();
  };
  const digest = (ops: readonly WarpOp[]) => toHex(new WarpTickPatchV1(0x30504f4e, new Uint8Array(32), 'committed', [], [], canonicalizeOps(ops)).digest);
  const pool = await BoawPool.start({ world: 'motion', params, workers: lanes, mode: 'always' });
  try {
    const batch: BoawBatch = {
      engine: e,
      tx: 1,
      items,
      rules: e.registeredRules(),
      state: e.warpState,
      root: e.root,
      pendingInputs: [],
      runInline: () => {
        throw new Error('benchmark: the pool declined');
      },
    };
    const t0 = performance.now();
    if (!pool.execute(batch) && lanes > 1) throw new Error('benchmark: the pool declined');
    const snapshotMs = performance.now() - t0;
    const inl: number[] = [];
    const par: number[] = [];
    const cpu = { inline: 0, pool: 0, wallInline: 0, wallPool: 0 };
    let same = true;
    const ref = digest(inline());
    for (let k = 0; k < warm + samples; k++) {
      let c = process.cpuUsage();
      let a = performance.now();
      inline();
      const wi = performance.now() - a;
      let u = process.cpuUsage(c);
      if (k >= warm) {
        inl.push(wi);
        cpu.inline += (u.user + u.system) / 1000;
        cpu.wallInline += wi;
      }
      c = process.cpuUsage();
      a = performance.now();
      const per = pool.execute(batch);
      const wp = performance.now() - a;
      u = process.cpuUsage(c);
      if (!per) throw new Error('benchmark: the pool declined');
      if (k >= warm) {
        par.push(wp);
        cpu.pool += (u.user + u.system) / 1000;
        cpu.wallPool += wp;
      }
      if (k === warm + samples - 1) same = digest(per.flat()) === ref;
    }
    const med = (x: number[]) => x.slice().sort((p, q) => p - q)[x.length >> 1]!;
    const best = (x: number[]) => Math.min(...x);
    const st = pool.stats();
    return {
      n,
      lanes,
      samples,
      inlineMs: { median: med(inl), best: best(inl) },
      poolMs: { median: med(par), best: best(par) },
      speedup: { median: med(inl) / med(par), best: best(inl) / best(par) },
      coresUsed: { inline: cpu.inline / cpu.wallInline, pool: cpu.pool / cpu.wallPool },
      workerShare: st.workerItems / Math.max(1, st.workerItems + st.engineItems),
      digestsEqual: same,
      snapshotMs,
      pool: st,
    };
  } finally {
    await pool.close();
  }
}

/**
 * Auto mode on real ticks: the motion world with N entities, `ticks` commits through a W-lane pool
 * that decides per tick; returns what it measured (break-even, per-item costs, decisions) and
 * whether every commit hash equals the serial run's.
 */
export async function benchBoawAuto(n: number, lanes: number, ticks: number): Promise<{ readonly hashesEqual: boolean; readonly tickMs: { serial: number; pool: number }; readonly pool: BoawPoolStats }> {
  const { world } = await loadWorld('motion');
  const params = resolveParams(world, { n: String(n) });
  const pool = await BoawPool.start({ world: 'motion', params, workers: lanes, mode: 'auto' });
  try {
    const serial = new WorldSession(world, { n: String(n) });
    const par = new WorldSession(world, { n: String(n) }, { boaw: pool });
    let equal = true;
    const ms = { serial: 0, pool: 0 };
    for (let k = 0; k < ticks; k++) {
      let t = performance.now();
      const a = toHex(serial.tick().snapshot.hash);
      ms.serial += performance.now() - t;
      t = performance.now();
      const b = toHex(par.tick().snapshot.hash);
      ms.pool += performance.now() - t;
      equal &&= a === b;
    }
    return { hashesEqual: equal, tickMs: { serial: ms.serial / ticks, pool: ms.pool / ticks }, pool: pool.stats() };
  } finally {
    await pool.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const round = (_k: string, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);
  const args = process.argv.slice(2);
  if (args[0] === 'auto') {
    const [n = 1000, w = 2, ticks = 40] = args.slice(1).map(Number);
    process.stdout.write(JSON.stringify(await benchBoawAuto(n, w, ticks), round) + '\n');
  } else {
    const [n = 100_000, w = 2, samples] = args.map(Number);
    process.stdout.write(JSON.stringify(await benchBoawExecute(n, w, samples), round) + '\n');
  }
}
