/**
 * P1 BOAW part (REFERENCE §3), on the post-tick P1 state:
 * items = [{exec: motionExecutor, scope: ent-i, origin: default}], timed through the BOAW executor
 * API for w ∈ {1, 2}, then the merge: concatenate every op, `new WarpTickPatchV1(NOP0, 0³², Committed,
 * [], [], ops)` (sort, dedup, digest). Same warm-up / sample counts as P1.
 * Checksum: the merged patch digest (1k: 45ed7754…), identical for w = 1 and w = 2.
 *
 * w = 1 runs `executeParallel(view, items, 1)` from engine/boaw in this thread (the Rust w=1 path).
 * w = 2 needs real threads: the worker pool in main/workers (see ./boawPoolAdapter.ts). When a
 * module is missing the row is reported as not available — no number is substituted.
 */
import { POLICY_ID_NO_POLICY_V0, toHex, viewOf, WarpTickPatchV1, ZERO_ID, DEFAULT_ORIGIN, type WarpOp, type TickDelta } from '../../engine/index';
import { motionExecutor } from '../../engine/rules/motion';
import { CHECKSUMS, sizeLabel } from '../reference';
import type { Built } from '../setup';
import { log, sample, summarize, time, type JobResult } from '../stats';
import { importOptional } from '../optional';
import { loadBoawPool } from './boawPoolAdapter';

interface BoawModule {
  executeSerial(view: unknown, items: readonly unknown[]): TickDelta;
  executeParallel(view: unknown, items: readonly unknown[], workers: number): TickDelta[];
}

function mergeDigest(opLists: ReadonlyArray<readonly WarpOp[]>): string {
  const ops: WarpOp[] = [];
  for (const l of opLists) for (const op of l) ops.push(op);
  return toHex(new WarpTickPatchV1(POLICY_ID_NO_POLICY_V0, ZERO_ID, 'committed', [], [], ops).digest);
}

export async function runBoaw(b: Built, n: number, counts: { warmup: number; measured: number }, r: JobResult): Promise<void> {
  const L = sizeLabel(n);
  const w = 'BOAW';
  const boaw = await importOptional<BoawModule>('engine/boaw/index.ts');
  if (!boaw || typeof boaw.executeParallel !== 'function' || typeof boaw.executeSerial !== 'function') {
    for (const x of ['exec.w1', 'exec.w2', 'merge.w1', 'merge.w2', 'speedup']) {
      r.unavailable.push({ id: `boaw.${x}.${L}`, label: `BOAW ${x} N=${L}`, reason: 'engine/boaw (executeParallel/executeSerial) is not available in this build' });
    }
    return;
  }
  const view = viewOf(b.engine.rootStore);
  const items = b.ids.map((scope) => ({ exec: motionExecutor, scope, origin: DEFAULT_ORIGIN }));
  const expected = n === 1_000 ? CHECKSUMS.boawMerged1k : null;

  // w = 1, in-process.
  let deltas: TickDelta[] = [];
  const e1 = sample(counts.warmup, counts.measured, () => time(() => void (deltas = boaw.executeParallel(view, items, 1))));
  let d1 = '';
  const m1 = sample(counts.warmup, counts.measured, () => time(() => void (d1 = mergeDigest(deltas.map((d) => d.opsUnsorted())))));
  let serial: TickDelta | null = null;
  const es = sample(counts.warmup, counts.measured, () => time(() => void (serial = boaw.executeSerial(view, items))));
  const ds = mergeDigest([serial!.opsUnsorted()]);
  r.figures.push(
    { id: `boaw.exec.w1.${L}`, workload: w, label: `execute w=1 (executeParallel, this thread) N=${L}`, unit: 'ms', stats: summarize(e1) },
    { id: `boaw.merge.w1.${L}`, workload: w, label: `merge w=1 N=${L}`, unit: 'ms', stats: summarize(m1) },
    { id: `boaw.exec.serial.${L}`, workload: w, label: `executeSerial N=${L}`, unit: 'ms', stats: summarize(es) },
  );
  r.checksums.push({ id: `boaw.merged.w1.${L}`, label: `BOAW N=${L} merged patch digest, w=1`, expected, actual: d1, ok: expected ? d1 === expected : true });
  r.checksums.push({ id: `boaw.serialEqualsW1.${L}`, label: `BOAW N=${L} executeSerial digest = w=1 digest`, expected: d1, actual: ds, ok: ds === d1 });
  log(`BOAW N=${L}: w=1 execute ${summarize(e1).median.toFixed(2)} ms, merge ${summarize(m1).median.toFixed(2)} ms`);

  // w = 2: real worker threads (the engine thread is lane 0, plus one worker thread).
  const pools = await loadBoawPool();
  if (!pools) {
    const reason = 'no BOAW worker pool in this build (main/workers/boawPool.ts)';
    for (const x of ['exec.w2', 'merge.w2', 'speedup']) r.unavailable.push({ id: `boaw.${x}.${L}`, label: `BOAW ${x} N=${L}`, reason });
    return;
  }
  const e1med = summarize(e1).median;
  const runPool = async (lanes: number, engineLane: boolean, key: string, label: string): Promise<number[]> => {
    const s = await pools.open(b, lanes, engineLane);
    try {
      let per: ReadonlyArray<readonly WarpOp[]> = [];
      const ex = sample(counts.warmup, counts.measured, () => time(() => void (per = s.execute())));
      let d = '';
      const mg = sample(counts.warmup, counts.measured, () => time(() => void (d = mergeDigest(per))));
      const st = s.stats();
      r.figures.push(
        { id: `boaw.exec.${key}.${L}`, workload: w, label: `execute ${label} N=${L}`, unit: 'ms', stats: summarize(ex) },
        { id: `boaw.merge.${key}.${L}`, workload: w, label: `merge ${label} N=${L}`, unit: 'ms', stats: summarize(mg) },
      );
      r.checksums.push({ id: `boaw.merged.${key}.${L}`, label: `BOAW N=${L} merged patch digest, ${label}`, expected: expected ?? d1, actual: d, ok: d === (expected ?? d1) });
      r.notes.push(`BOAW N=${L} ${label}: ${st.threads} worker thread(s), items on workers ${st.workerItems} / on the engine thread ${st.engineItems} (all samples), dispatch ping ${st.dispatchMs.toFixed(2)} ms`);
      log(`BOAW N=${L}: ${label} execute ${summarize(ex).median.toFixed(2)} ms`);
      return ex;
    } finally {
      await s.close();
    }
  };
  const e2 = await runPool(2, true, 'w2', 'w=2 (BoawPool: engine thread + 1 worker)');
  const e2med = summarize(e2).median;
  r.figures.push({
    id: `boaw.speedup.${L}`,
    workload: w,
    label: `execute speedup w=2 (pool) vs w=1 (this thread) N=${L}`,
    unit: '×',
    higherIsBetter: true,
    stats: { median: e1med / e2med, min: e1med / Math.max(...e2), max: e1med / Math.min(...e2), n: e2.length, samples: e2.map((x) => e1med / x) },
  });
  const p1 = await runPool(2, false, 'pool1', 'w=1 via BoawPool (1 worker thread, engine thread idle)');
  const p1med = summarize(p1).median;
  r.baselines.push({
    id: `boaw.poolW2VsPoolW1.${L}`,
    workload: w,
    label: `execute w=2 (pool) N=${L}`,
    value: e2med,
    baselineLabel: 'w=1 through the same pool (1 worker thread)',
    baseline: p1med,
    unit: 'ms',
    ratio: e2med / p1med,
    note: `speedup ${(p1med / e2med).toFixed(2)}× with the pool's transport cost on both sides`,
  });
}
