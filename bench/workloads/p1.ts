/**
 * P1 (REFERENCE §3): commit throughput of the motion rule, N independent rewrites per tick, ticks
 * back to back on one engine; then the BOAW part on the post-tick state.
 *
 * tick = apply phase (begin + N × apply) + commit phase (commit). Checksum: the commit hash after
 * the last tick (1k: 12 ticks). Baselines (same process): a full `computeStateRoot` of the
 * post-tick state (the naive full-recompute path a commit contains) and raw BLAKE3 of its bytes.
 */
import { computeStateRoot, Engine, toHex, wasmBlake3 } from '../../engine/index';
import { motionRule } from '../../engine/rules/motion';
import { CHECKSUMS, p1Counts, sizeLabel } from '../reference';
import { buildMotion, countingHasher, rawStreamHashMs, type Built } from '../setup';
import { gcNow, log, sample, summarize, time, type JobResult } from '../stats';
import { runBoaw } from './boaw';

export async function runP1(n: number, r: JobResult): Promise<void> {
  const counts = p1Counts(n);
  const post = runTicks(n, counts, r);
  // The tick engine (and its history: N ops, N footprints, … per tick) is unreachable now, so it
  // does not weigh on the BOAW samples' GC.
  gcNow();
  await runBoaw(post, n, counts, r);
}

function runTicks(n: number, { warmup, measured }: { warmup: number; measured: number }, r: JobResult): Built {
  const L = sizeLabel(n);
  log(`P1 N=${L}: building motion world`);
  const t0 = performance.now();
  const { engine, ids } = buildMotion(n);
  r.notes.push(`P1 N=${L}: setup ${(performance.now() - t0).toFixed(0)} ms (not timed)`);
  gcNow(); // setup garbage only; none between ticks

  const apply: number[] = [];
  const commit: number[] = [];
  let lastHash = '';
  let ops = -1;
  for (let t = 0; t < warmup + measured; t++) {
    const a0 = performance.now();
    const tx = engine.begin();
    for (let i = 0; i < n; i++) engine.apply(tx, 'motion/update', ids[i]!);
    const a1 = performance.now();
    const rec = engine.commitWithReceipt(tx);
    const a2 = performance.now();
    lastHash = toHex(rec.snapshot.hash);
    ops = rec.patch.ops.length;
    if (t >= warmup) {
      apply.push(a1 - a0);
      commit.push(a2 - a1);
    }
    log(`P1 N=${L}: tick ${t + 1}/${warmup + measured} ${(a2 - a0).toFixed(1)} ms${t < warmup ? ' (warm-up)' : ''}`);
  }
  const tick = apply.map((a, i) => a + commit[i]!);
  const w = 'P1';
  r.figures.push(
    { id: `p1.tick.${L}`, workload: w, label: `tick N=${L}`, unit: 'ms', stats: summarize(tick) },
    { id: `p1.apply.${L}`, workload: w, label: `apply phase N=${L}`, unit: 'ms', stats: summarize(apply) },
    { id: `p1.commit.${L}`, workload: w, label: `commit phase N=${L}`, unit: 'ms', stats: summarize(commit) },
    { id: `p1.rps.${L}`, workload: w, label: `rewrites/s N=${L}`, unit: 'rewrites/s', higherIsBetter: true, stats: summarize(tick.map((ms) => (n * 1000) / ms)) },
  );
  const total = warmup + measured;
  if (ops !== n) throw new Error(`P1 N=${L}: last tick emitted ${ops} ops, expected ${n}`);
  const expected = n === 1_000 && total === 12 ? CHECKSUMS.p1Commit1k : null;
  r.checksums.push({ id: `p1.commit.${L}`, label: `P1 N=${L} commit hash after ${total} ticks`, expected, actual: lastHash, ok: expected ? lastHash === expected : true });
  const mu = process.memoryUsage();
  r.notes.push(`P1 N=${L}: after ${total} ticks heapUsed ${(mu.heapUsed / 1e9).toFixed(2)} GB, RSS ${(mu.rss / 1e9).toFixed(2)} GB (the engine keeps every tick's record)`);

  // Baselines: the full state-root recompute of the post-tick state, and raw BLAKE3 of its bytes.
  const state = engine.warpState;
  const root = engine.root;
  const counter = countingHasher(wasmBlake3);
  computeStateRoot(state, root, counter.hasher);
  const bytes = counter.bytes();
  const full = summarize(sample(1, measured, () => time(() => void computeStateRoot(state, root))));
  const buf = new Uint8Array(1 << 16).fill(0x5a);
  const raw = summarize(sample(1, measured, () => rawStreamHashMs(wasmBlake3, buf, bytes)));
  const tickMed = summarize(tick).median;
  r.baselines.push(
    { id: `p1.vsFullRoot.${L}`, workload: w, label: `tick N=${L}`, value: tickMed, baselineLabel: 'full computeStateRoot of the same state', baseline: full.median, unit: 'ms', ratio: tickMed / full.median },
    {
      id: `p1.vsRawHash.${L}`,
      workload: w,
      label: `tick N=${L}`,
      value: tickMed,
      baselineLabel: `raw BLAKE3 (hash-wasm) of the state-root bytes (${(bytes / 1e6).toFixed(2)} MB)`,
      baseline: raw.median,
      unit: 'ms',
      ratio: tickMed / raw.median,
    },
  );

  // A fresh engine over the same (post-tick) state, without the tick history.
  const fresh = Engine.withState(state, root);
  fresh.registerRule(motionRule());
  return { engine: fresh, store: fresh.rootStore, root: root.local, ids };
}
