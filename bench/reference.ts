/**
 * The Rust warp-core reference figures, checksums and targets, transcribed from
 * ../shared/bench/REFERENCE.md (release profile, 5 runs: median (range) [best]) and the bench issue.
 * Nothing here is measured; the bench compares against it.
 */

/** A Rust figure: median over 5 process runs, range of run medians, best sample. */
export interface RustFigure {
  readonly median: number;
  readonly range?: readonly [number, number];
  readonly best?: number;
}

/** Sizes per workload: the REFERENCE sizes (full run) and the smoke-test sizes (--quick). */
export const SIZES = {
  full: { p1: [1_000, 10_000, 100_000], p2: [10_000, 100_000, 1_000_000], p3: [10_000, 100_000], mem: 1_000_000 },
  quick: { p1: [1_000], p2: [10_000], p3: [2_000], mem: 10_000 },
} as const;

/** P1 warm-up / measured tick counts per N (REFERENCE §3 P1); other N use the 100k counts. */
export function p1Counts(n: number): { warmup: number; measured: number } {
  if (n <= 1_000) return { warmup: 3, measured: 9 };
  if (n <= 10_000) return { warmup: 2, measured: 7 };
  return { warmup: 1, measured: 5 };
}

/** P2: 1 warm-up call, then 9 samples (5 for N = 1M). */
export const p2Counts = (n: number) => ({ warmup: 1, measured: n >= 1_000_000 ? 5 : 9 });

/** P3: 1 warm-up sample and 7 measured. */
export const P3_COUNTS = { warmup: 1, measured: 7 } as const;

/** P4 per-sample work and sample counts (REFERENCE §3 P4). */
export const P4 = {
  full: { small: 2_000_000, mib: 300, stream: 1_000_000 },
  quick: { small: 20_000, mib: 4, stream: 20_000 },
  counts: { warmup: 1, measured: 7, streamMeasured: 5 },
} as const;

export const CHECKSUMS = {
  /** P1: commit hash after the last (12th) tick at N = 1k. */
  p1Commit1k: '120ae6b41dd50cb0c2a63b173fd16e7d9649b1cc76dfd1b1523c42f9640f2e2c',
  /** P1 BOAW: merged patch digest at N = 1k. */
  boawMerged1k: '45ed7754043267e331754b00ac553207117fb4582c1a41e2134af2e661914547',
  /** P2: state root and canonical_state_hash of the 10k chain. */
  p2StateRoot10k: '149a67bf5a7e97571809677fc57c3acf25c39396fdb4583a8ba91a3efe13ce4e',
  p2Canonical10k: '68f655eea93d33d0a96ae428576374f8c44c1565383a2eb9117bbd9fb66c5f88',
} as const;

const k = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n));
/** "1k", "10k", "1M", … as used in figure ids. */
export const sizeLabel = k;

/** Rust figures keyed by bench figure id (see the workloads for the ids). */
export const RUST: Record<string, RustFigure> = {
  // P1 tick / apply / commit (ms)
  'p1.tick.1k': { median: 9.99, range: [7.39, 11.7], best: 7.23 },
  'p1.tick.10k': { median: 146.2, range: [130.7, 279.3], best: 117.3 },
  'p1.tick.100k': { median: 2378, range: [2115, 3637], best: 1785 },
  'p1.apply.1k': { median: 0.81 },
  'p1.apply.10k': { median: 17.1 },
  'p1.apply.100k': { median: 284.7 },
  'p1.commit.1k': { median: 9.16 },
  'p1.commit.10k': { median: 127.7 },
  'p1.commit.100k': { median: 2116.5 },
  'p1.rps.1k': { median: 100_100 },
  'p1.rps.10k': { median: 68_400 },
  'p1.rps.100k': { median: 42_100 },
  // BOAW (ms; speedup = w1 / w2)
  'boaw.exec.w1.1k': { median: 0.7 },
  'boaw.exec.w2.1k': { median: 0.64 },
  'boaw.merge.w1.1k': { median: 0.7 },
  'boaw.merge.w2.1k': { median: 0.9 },
  'boaw.speedup.1k': { median: 0.7 / 0.64 },
  'boaw.exec.w1.10k': { median: 8.41 },
  'boaw.exec.w2.10k': { median: 5.68 },
  'boaw.merge.w1.10k': { median: 11.8 },
  'boaw.merge.w2.10k': { median: 9.0 },
  'boaw.speedup.10k': { median: 8.41 / 5.68 },
  'boaw.exec.w1.100k': { median: 105.5 },
  'boaw.exec.w2.100k': { median: 92.8 },
  'boaw.merge.w1.100k': { median: 137.5 },
  'boaw.merge.w2.100k': { median: 131.1 },
  'boaw.speedup.100k': { median: 1.14 },
  // P2 (ms)
  'p2.snapshot.10k': { median: 24.5, range: [18.9, 39.3], best: 16.7 },
  'p2.snapshot.100k': { median: 383, range: [363, 554], best: 309 },
  'p2.snapshot.1M': { median: 6425, range: [5214, 9019], best: 4734 },
  'p2.canonical.10k': { median: 7.2, best: 5.0 },
  'p2.canonical.100k': { median: 107, best: 71 },
  'p2.canonical.1M': { median: 1298, best: 888 },
  'p2.build.10k': { median: 66 },
  'p2.build.100k': { median: 740 },
  'p2.build.1M': { median: 11_800 },
  // P3 (ms)
  'p3.noop_fp.enqueue.10k': { median: 9.1 },
  'p3.noop_fp.commit.10k': { median: 47.4 },
  'p3.noop_fp.empty.10k': { median: 3.77 },
  'p3.noop_fp.estimate.10k': { median: 43.1, range: [35.0, 66.7] },
  'p3.noop.enqueue.10k': { median: 5.69 },
  'p3.noop.commit.10k': { median: 20.1 },
  'p3.noop.empty.10k': { median: 3.37 },
  'p3.noop.estimate.10k': { median: 16.7, range: [12.5, 27.5] },
  'p3.noop_fp.enqueue.100k': { median: 135.6 },
  'p3.noop_fp.commit.100k': { median: 648.9 },
  'p3.noop_fp.empty.100k': { median: 52.6 },
  'p3.noop_fp.estimate.100k': { median: 590, range: [499, 1025] },
  'p3.noop.enqueue.100k': { median: 65.1 },
  'p3.noop.commit.100k': { median: 202.4 },
  'p3.noop.empty.100k': { median: 47.7 },
  'p3.noop.estimate.100k': { median: 157, range: [131, 335] },
  'p3.noop_fp.cps.10k': { median: 232_000 },
  'p3.noop.cps.10k': { median: 597_000 },
  'p3.noop_fp.cps.100k': { median: 169_000 },
  'p3.noop.cps.100k': { median: 637_000 },
  // P4 (MB/s, MB = 10^6 bytes; Rust's single backend is compared with each JS library)
  'p4.hash-wasm.64B': { median: 598, range: [378, 608], best: 633 },
  'p4.hash-wasm.1MiB': { median: 3006, range: [1589, 3109], best: 3921 },
  'p4.hash-wasm.stream32': { median: 482, range: [312, 516], best: 528 },
  'p4.noble.64B': { median: 598, range: [378, 608], best: 633 },
  'p4.noble.1MiB': { median: 3006, range: [1589, 3109], best: 3921 },
  'p4.noble.stream32': { median: 482, range: [312, 516], best: 528 },
};

/**
 * The Studio workload (bench/workloads/studio.ts): the built renderer in headless Debian Chromium
 * (software rendering) against browser mode. Quick: fewer samples, a shorter play window and a
 * smaller world for the frame-time run (its figure ids then carry that size, so the 100k targets
 * read "not run (--quick sizes)").
 */
export const STUDIO = {
  full: { deltaWarmup: 3, deltaSamples: 40, firstDemo: 5, first5k: 3, frameN: 100_000, frameWindowMs: 10_000, frameMinTicks: 2, frameMaxWindowMs: 600_000, stepN: 3_000, stepMaxMs: 600_000 },
  quick: { deltaWarmup: 1, deltaSamples: 5, firstDemo: 3, first5k: 2, frameN: 10_000, frameWindowMs: 4_000, frameMinTicks: 1, frameMaxWindowMs: 120_000, stepN: 300, stepMaxMs: 120_000 },
  /** bench/worlds/churn.ts: 750 items, 250 replaced per tick → 1,000 graph changes per delta. */
  churn: { n: 750, replace: 250 },
  /** motion world size of the 5,000-element graph: 2,500 entities + root = 2,501 nodes + 2,500 edges. */
  fiveK: 2_500,
} as const;

/** How a target is judged. */
export type TargetRule =
  | { readonly kind: 'ratioMax'; readonly factor: number } // TS median ≤ factor × Rust median
  | { readonly kind: 'max'; readonly value: number; readonly on?: 'median' | 'max' } // TS median (or max sample) ≤ value (figure unit)
  | { readonly kind: 'min'; readonly value: number }; // TS figure ≥ value

export interface TargetDef {
  readonly label: string;
  readonly figureId: string;
  readonly rustText: string;
  readonly targetText: string;
  readonly rule: TargetRule;
}

/** The targets table (full sizes only). */
export const TARGETS: readonly TargetDef[] = [
  { label: 'P1 motion tick N=10k', figureId: 'p1.tick.10k', rustText: '146 ms', targetText: '≤ 0.25× Rust', rule: { kind: 'ratioMax', factor: 0.25 } },
  { label: 'P1 motion tick N=100k', figureId: 'p1.tick.100k', rustText: '2,378 ms', targetText: '≤ 0.1× Rust', rule: { kind: 'ratioMax', factor: 0.1 } },
  { label: 'P2 state root, chain 1M, cold', figureId: 'p2.snapshot.1M', rustText: '6,425 ms', targetText: '≤ 0.5× Rust', rule: { kind: 'ratioMax', factor: 0.5 } },
  { label: 'P2 state root after one attachment (value) change, 1M', figureId: 'p2.update.1M', rustText: '—', targetText: '≤ 5 ms', rule: { kind: 'max', value: 5 } },
  { label: 'P3 drain + reserve, 100k noop_fp', figureId: 'p3.noop_fp.estimate.100k', rustText: '590 ms', targetText: '≤ 1× Rust', rule: { kind: 'ratioMax', factor: 1 } },
  { label: 'BOAW execute N=100k, 2 workers vs 1', figureId: 'boaw.speedup.100k', rustText: '1.14×', targetText: '≥ 1.7×', rule: { kind: 'min', value: 1.7 } },
  { label: 'P2 chain 1M memory (peak RSS)', figureId: 'mem.peakRss.1M', rustText: '—', targetText: '≤ 1.5 GB', rule: { kind: 'max', value: 1.5e9 } },
  // Studio (issue 7): measured in headless Chromium with software rendering.
  { label: 'Studio: apply a 1,000-op tick delta to the graph view', figureId: 'studio.delta.apply', rustText: '—', targetText: '≤ 16 ms', rule: { kind: 'max', value: 16 } },
  { label: 'Studio: 1,000-op delta applied and its frame drawn', figureId: 'studio.delta.paint', rustText: '—', targetText: '≤ 16 ms', rule: { kind: 'max', value: 16 } },
  { label: 'Studio: first render, demo world', figureId: 'studio.first.demo', rustText: '—', targetText: '≤ 1 s', rule: { kind: 'max', value: 1000 } },
  { label: 'Studio: first render, 5,001-element graph (default view)', figureId: 'studio.first.5k.default', rustText: '—', targetText: '≤ 3 s', rule: { kind: 'max', value: 3000 } },
  { label: 'Studio: first render, 5,001-element graph (all drawn)', figureId: 'studio.first.5k.all', rustText: '—', targetText: '≤ 3 s', rule: { kind: 'max', value: 3000 } },
  { label: 'Studio: longest UI frame while playing 100k entities', figureId: 'studio.frame.gapMax.100k', rustText: '—', targetText: 'max ≤ 50 ms', rule: { kind: 'max', value: 50, on: 'max' } },
  { label: 'Studio: p99 UI frame while playing 100k entities', figureId: 'studio.frame.gapP99.100k', rustText: '—', targetText: '≤ 50 ms', rule: { kind: 'max', value: 50 } },
  { label: 'Studio: longest long task while playing 100k entities', figureId: 'studio.frame.longTask.100k', rustText: '—', targetText: 'none (max ≤ 50 ms)', rule: { kind: 'max', value: 50, on: 'max' } },
  { label: 'Studio: input latency while playing 100k entities', figureId: 'studio.frame.input.100k', rustText: '—', targetText: 'max ≤ 50 ms', rule: { kind: 'max', value: 50, on: 'max' } },
  // The same "never blocks input" target for the other way to run at full speed: an unpaced step N
  // whose thousands of small ticks stream faster than one render each (demo world).
  { label: 'Studio: longest UI frame during a 3,000-tick step', figureId: 'studio.step.gapMax.3k', rustText: '—', targetText: 'max ≤ 50 ms', rule: { kind: 'max', value: 50, on: 'max' } },
  { label: 'Studio: input latency during a 3,000-tick step', figureId: 'studio.step.input.3k', rustText: '—', targetText: 'max ≤ 50 ms', rule: { kind: 'max', value: 50, on: 'max' } },
  { label: 'Studio: page round trip (what a click waits for) during a 3,000-tick step', figureId: 'studio.step.rtt.3k', rustText: '—', targetText: 'max ≤ 50 ms', rule: { kind: 'max', value: 50, on: 'max' } },
];
