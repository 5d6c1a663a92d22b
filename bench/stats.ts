/**
 * Sample statistics and the result records a workload produces (child → parent as JSON).
 */

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
  readonly samples: readonly number[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarize(samples: readonly number[]): Stats {
  return {
    median: median(samples),
    min: samples.length ? Math.min(...samples) : NaN,
    max: samples.length ? Math.max(...samples) : NaN,
    n: samples.length,
    samples: samples.slice(),
  };
}

/** A stats record from a single value (derived figures). */
export const single = (v: number): Stats => ({ median: v, min: v, max: v, n: 1, samples: [v] });

export type Unit = 'ms' | 'MB/s' | 'rewrites/s' | 'candidates/s' | '×' | 'bytes' | 'B/elem' | 'count';

export interface Figure {
  readonly id: string;
  readonly workload: string;
  readonly label: string;
  readonly unit: Unit;
  readonly stats: Stats;
  /** True for throughputs (MB/s, rewrites/s, speedups): bigger is better. */
  readonly higherIsBetter?: boolean;
}

/** A figure compared with a baseline measured in the same run. */
export interface BaselineRatio {
  readonly id: string;
  readonly workload: string;
  readonly label: string;
  readonly value: number;
  readonly baselineLabel: string;
  readonly baseline: number;
  readonly unit: Unit;
  /** value / baseline. */
  readonly ratio: number;
  readonly note?: string;
}

export interface Checksum {
  readonly id: string;
  readonly label: string;
  /** Null when only recorded (no reference value) — never fails. */
  readonly expected: string | null;
  readonly actual: string;
  readonly ok: boolean;
}

export interface Unavailable {
  readonly id: string;
  readonly label: string;
  readonly reason: string;
  /** What the tables print instead of a value (default "not available in this build"). */
  readonly status?: string;
}

/** What one job (one child process) reports. */
export interface JobResult {
  readonly job: string;
  readonly figures: Figure[];
  readonly baselines: BaselineRatio[];
  readonly checksums: Checksum[];
  readonly unavailable: Unavailable[];
  readonly notes: string[];
  /** Filled by the child process at the end of the job. */
  resources?: { peakRssBytes: number; heapLimitBytes: number };
}

export function emptyResult(job: string): JobResult {
  return { job, figures: [], baselines: [], checksums: [], unavailable: [], notes: [] };
}

/** A full GC when node runs with --expose-gc (between workload phases and for memory figures only). */
export function gcNow(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

/**
 * Runs `fn` warmup + measured times back to back; returns the measured durations in ms. `fn`
 * returns its own duration when it times only part of itself. No forced GC between samples: GC is
 * part of the engine's real cost (and a forced full GC measurably slows the next samples).
 */
export function sample(warmup: number, measured: number, fn: (i: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < warmup + measured; i++) {
    const ms = fn(i);
    if (i >= warmup) out.push(ms);
  }
  return out;
}

/** Times `fn` once in ms. */
export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
