/**
 * P3 (REFERENCE §3): scheduler drain + reserve, for `bench/noop_fp` (a_write = own α) and
 * `bench/noop` (empty footprint), on the demo engine (world-root + motion/update) with N unlinked
 * `sched-ent-i` nodes. 1 warm-up + 7 samples on the same engine; per sample: empty commit,
 * enqueue (begin + N × apply), commit with N pending.
 *
 * Figures:
 * - estimate (like Rust): median(commit with N pending) − median(empty commit); range = min/max of
 *   the per-sample differences.
 * - direct: `Scheduler` driven without the engine — the same N PendingRewrites enqueued, then
 *   (a) drain + reserve as the engine does them (`drainWithArrival`, `reserveAll`), and (b) the
 *   same plus what the Rust estimate also covers:
 *   plan / rewrites / receipt digests, in/out slots and the (empty-ops) patch digest.
 * Check: every candidate is accepted (N applied receipt entries), and for noop_fp N in/out slots.
 */
import {
  computeTickDigests,
  Footprint,
  makeRuleId,
  nodeAlpha,
  Scheduler,
  scopeHash,
  TickSlots,
  WarpTickPatchV1,
  type PendingRewrite,
  type RewriteRule,
} from '../../engine/index';
import { P3_COUNTS, sizeLabel } from '../reference';
import { buildSchedulerWorld } from '../setup';
import { gcNow, log, median, summarize, time, type JobResult } from '../stats';

type Variant = 'noop_fp' | 'noop';

function benchRule(v: Variant): RewriteRule {
  const name = `bench/${v}`;
  return {
    id: makeRuleId(name),
    name,
    matcher: () => true,
    executor: () => {},
    computeFootprint: v === 'noop_fp' ? (view, scope) => new Footprint().writeAttachment(nodeAlpha(view.warpId(), scope)).withFactorMask(1n) : () => new Footprint(),
    left: [],
    factorMask: 0n,
    conflictPolicy: 'abort',
  };
}

export function runP3(n: number, r: JobResult): void {
  for (const v of ['noop_fp', 'noop'] as const) {
    runVariant(n, v, r);
    gcNow();
  }
}

function runVariant(n: number, v: Variant, r: JobResult): void {
  const L = sizeLabel(n);
  const w = 'P3';
  log(`P3 ${v} N=${L}: building`);
  const { engine, ids } = buildSchedulerWorld(n);
  const rule = benchRule(v);
  engine.registerRule(rule);

  const empty: number[] = [];
  const enqueue: number[] = [];
  const commit: number[] = [];
  const { warmup, measured } = P3_COUNTS;
  for (let s = 0; s < warmup + measured; s++) {
    const e = time(() => void engine.commit(engine.begin()));
    let tx = 0;
    const q = time(() => {
      tx = engine.begin();
      for (let i = 0; i < n; i++) engine.apply(tx, rule.name, ids[i]!);
    });
    let applied = 0;
    let inSlots = 0;
    const c = time(() => {
      const rec = engine.commitWithReceipt(tx);
      applied = rec.receipt.entries.length;
      inSlots = rec.patch.inSlots.length;
    });
    if (applied !== n) throw new Error(`P3 ${v} N=${L}: ${applied} receipt entries, expected ${n}`);
    if (v === 'noop_fp' && inSlots !== n) throw new Error(`P3 ${v} N=${L}: ${inSlots} in-slots, expected ${n}`);
    if (s >= warmup) {
      empty.push(e);
      enqueue.push(q);
      commit.push(c);
    }
  }
  const diffs = commit.map((c, i) => c - empty[i]!);
  const est = median(commit) - median(empty);
  r.figures.push(
    { id: `p3.${v}.enqueue.${L}`, workload: w, label: `${v} enqueue (N × apply) N=${L}`, unit: 'ms', stats: summarize(enqueue) },
    { id: `p3.${v}.commit.${L}`, workload: w, label: `${v} commit with N pending N=${L}`, unit: 'ms', stats: summarize(commit) },
    { id: `p3.${v}.empty.${L}`, workload: w, label: `${v} empty commit N=${L}`, unit: 'ms', stats: summarize(empty) },
    {
      id: `p3.${v}.estimate.${L}`,
      workload: w,
      label: `${v} drain+reserve estimate (subtraction) N=${L}`,
      unit: 'ms',
      stats: { median: est, min: Math.min(...diffs), max: Math.max(...diffs), n: diffs.length, samples: diffs },
    },
    { id: `p3.${v}.cps.${L}`, workload: w, label: `${v} candidates/s (estimate) N=${L}`, unit: 'candidates/s', higherIsBetter: true, stats: summarize(diffs.map((d) => (n * 1000) / d)) },
  );
  r.checksums.push({ id: `p3.${v}.accepted.${L}`, label: `P3 ${v} N=${L}: all ${n} candidates accepted every sample`, expected: null, actual: 'yes', ok: true });

  // Direct: the Scheduler without the engine.
  const view = { warpId: () => engine.root.warp } as Parameters<RewriteRule['computeFootprint']>[0];
  const warp = engine.root.warp;
  const prs: PendingRewrite[] = ids.map((id) => ({
    ruleId: rule.id,
    compactRule: 1,
    scopeHash: scopeHash(rule.id, warp, id),
    scope: { warp, local: id },
    footprint: rule.computeFootprint(view, id),
    phase: 'matched',
  }));
  const rulePackId = engine.rulePackId();
  const sched = new Scheduler('radix');
  let tx = 0;
  const fill = (): number => {
    tx++;
    for (const pr of prs) {
      pr.phase = 'matched';
      sched.enqueue(tx, pr);
    }
    return tx;
  };
  const dr: number[] = [];
  const full: number[] = [];
  for (let s = 0; s < warmup + measured; s++) {
    let t = fill();
    let accepted = 0;
    const a = time(() => {
      const { drained, arrival } = sched.drainWithArrival(t);
      const ok = sched.reserveAll(t, drained, arrival);
      for (let i = 0; i < drained.length; i++) accepted += ok[i]!;
    });
    sched.finalizeTx(t);
    if (accepted !== n) throw new Error(`P3 direct ${v}: ${accepted} accepted, expected ${n}`);
    t = fill();
    const b = time(() => {
      const { drained, arrival } = sched.drainWithArrival(t);
      const applied = sched.reserveAll(t, drained, arrival);
      const slots = new TickSlots();
      for (let j = 0; j < arrival.length; j++) {
        const i = arrival[j]!;
        if (applied[i]) slots.add(drained[i]!.footprint, drained[i]!.scope.warp);
      }
      computeTickDigests(drained, applied, arrival);
      const [ins, outs] = slots.packed();
      void new WarpTickPatchV1(engine.policyId, rulePackId, 'committed', ins, outs, [], true).digest;
    });
    sched.finalizeTx(t);
    if (s >= warmup) {
      dr.push(a);
      full.push(b);
    }
  }
  r.figures.push(
    { id: `p3.${v}.direct.${L}`, workload: w, label: `${v} drain+reserve, Scheduler direct N=${L}`, unit: 'ms', stats: summarize(dr) },
    { id: `p3.${v}.directFull.${L}`, workload: w, label: `${v} drain+reserve+digests+slots, direct N=${L}`, unit: 'ms', stats: summarize(full) },
  );
  r.baselines.push(
    {
      id: `p3.${v}.estimateVsEmpty.${L}`,
      workload: w,
      label: `${v} commit with N pending N=${L}`,
      value: median(commit),
      baselineLabel: 'empty commit, same graph',
      baseline: median(empty),
      unit: 'ms',
      ratio: median(commit) / median(empty),
    },
    {
      id: `p3.${v}.directVsEstimate.${L}`,
      workload: w,
      label: `${v} direct drain+reserve+digests N=${L}`,
      value: median(full),
      baselineLabel: 'subtraction estimate',
      baseline: est,
      unit: 'ms',
      ratio: median(full) / est,
    },
  );
  log(`P3 ${v} N=${L}: estimate ${est.toFixed(1)} ms, direct ${median(dr).toFixed(1)} ms`);
}
