/**
 * Turns job results into the printed tables and the JSON document (bench/results/latest.json).
 */
import os from 'node:os';
import { RUST, TARGETS, type RustFigure, type TargetDef } from './reference';
import type { BaselineRatio, Checksum, Figure, JobResult, Unavailable, Unit } from './stats';

export interface JobStatus {
  readonly name: string;
  readonly ok: boolean;
  readonly wallMs: number;
  readonly error?: string;
  /** Peak RSS of the job's process (child: its own; in-process: cumulative). */
  readonly peakRssBytes?: number;
  readonly heapLimitBytes?: number;
}

export interface TargetRow {
  readonly label: string;
  readonly figureId: string;
  readonly rust: string;
  readonly target: string;
  /** TS median in the figure's unit, or null when not measured. */
  readonly value: number | null;
  readonly valueText: string;
  /** value / Rust median for ratio targets. */
  readonly ratioVsRust: number | null;
  /** null = not evaluated (not run, or not available in this build). */
  readonly met: boolean | null;
  readonly status: string;
}

export interface FigureOut extends Figure {
  readonly rust: RustFigure | null;
  /** TS median / Rust median (same unit). */
  readonly ratioVsRust: number | null;
  readonly target: string | null;
  readonly met: boolean | null;
}

export interface BenchDoc {
  readonly schema: 'echo-studio-bench/1';
  readonly mode: 'full' | 'quick';
  readonly ok: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: {
    readonly cpu: string;
    readonly nproc: number;
    readonly node: string;
    readonly os: string;
    readonly totalMemBytes: number;
    readonly loadavgStart: number[];
    readonly loadavgEnd: number[];
  };
  readonly jobs: readonly JobStatus[];
  readonly figures: readonly FigureOut[];
  readonly baselines: readonly BaselineRatio[];
  readonly checksums: readonly Checksum[];
  readonly unavailable: readonly Unavailable[];
  readonly targets: readonly TargetRow[];
  readonly notes: readonly string[];
}

export function machineInfo(loadavgStart: number[]): BenchDoc['machine'] {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemBytes: os.totalmem(),
    loadavgStart,
    loadavgEnd: os.loadavg(),
  };
}

// ------------------------------------------------------------------ formatting

function num(v: number, digits: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmt(v: number, unit: Unit): string {
  if (!Number.isFinite(v)) return String(v);
  switch (unit) {
    case 'ms':
      return `${num(v, Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0)} ms`;
    case 'MB/s':
      return `${num(v, v < 10 ? 1 : 0)} MB/s`;
    case 'rewrites/s':
    case 'candidates/s':
      return v >= 1e6 ? `${num(v / 1e6, 2)} M/s` : `${num(v / 1e3, 1)} k/s`;
    case '×':
      return `${num(v, 2)}×`;
    case 'bytes':
      return v >= 1e9 ? `${num(v / 1e9, 2)} GB` : `${num(v / 1e6, 0)} MB`;
    case 'B/elem':
      return `${num(v, 0)} B/elem`;
    case 'count':
      return num(v, Number.isInteger(v) ? 0 : 1);
  }
}

/** `a` without its unit suffix when `b` has the same suffix ("12.3 ms", "45.6 ms" → "12.3"). */
function bare(a: string, b: string): string {
  const sa = a.replace(/^[-0-9.,]+/, '');
  const sb = b.replace(/^[-0-9.,]+/, '');
  return sa === sb ? a.slice(0, a.length - sa.length) : a;
}

function fmtRange(f: Figure): string {
  const s = f.stats;
  if (s.n <= 1) return fmt(s.median, f.unit);
  const max = fmt(s.max, f.unit);
  return `${fmt(s.median, f.unit)} (${bare(fmt(s.min, f.unit), max)}–${max})`;
}

function fmtRust(r: RustFigure | null, unit: Unit): string {
  if (!r) return '—';
  const med = fmt(r.median, unit);
  let s = med;
  if (r.range) s += ` (${bare(fmt(r.range[0], unit), med)}–${bare(fmt(r.range[1], unit), med)})`;
  if (r.best !== undefined) s += ` [${bare(fmt(r.best, unit), med)}]`;
  return s;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------ assembly

function targetFor(id: string): TargetDef | undefined {
  return TARGETS.find((t) => t.figureId === id);
}

function judge(t: TargetDef, stats: Figure['stats']): { met: boolean; ratio: number | null } {
  const rust = RUST[t.figureId]?.median;
  const median = stats.median;
  switch (t.rule.kind) {
    case 'ratioMax':
      return { met: median <= t.rule.factor * rust!, ratio: median / rust! };
    case 'max':
      // `on: 'max'`: every sample must meet it (e.g. the longest frame of a window).
      return { met: (t.rule.on === 'max' ? stats.max : median) <= t.rule.value, ratio: rust ? median / rust : null };
    case 'min':
      return { met: median >= t.rule.value, ratio: rust ? median / rust : null };
  }
}

export function assemble(
  mode: 'full' | 'quick',
  results: readonly JobResult[],
  jobs: readonly JobStatus[],
  startedAt: string,
  loadavgStart: number[],
): BenchDoc {
  const figures: FigureOut[] = [];
  for (const r of results) {
    for (const f of r.figures) {
      const rust = RUST[f.id] ?? null;
      const t = targetFor(f.id);
      const j = t ? judge(t, f.stats) : null;
      figures.push({ ...f, rust, ratioVsRust: rust ? f.stats.median / rust.median : null, target: t ? t.targetText : null, met: j ? j.met : null });
    }
  }
  const unavailable = results.flatMap((r) => r.unavailable);
  const checksums = results.flatMap((r) => r.checksums);
  const targets: TargetRow[] = TARGETS.map((t) => {
    const f = figures.find((x) => x.id === t.figureId);
    if (f) {
      const j = judge(t, f.stats);
      return { label: t.label, figureId: t.figureId, rust: t.rustText, target: t.targetText, value: f.stats.median, valueText: fmtRange(f), ratioVsRust: j.ratio, met: j.met, status: j.met ? 'met' : 'NOT met' };
    }
    const u = unavailable.find((x) => x.id === t.figureId);
    const status = u ? (u.status ?? 'not available in this build') : mode === 'quick' ? 'not run (--quick sizes)' : 'not run';
    return { label: t.label, figureId: t.figureId, rust: t.rustText, target: t.targetText, value: null, valueText: '—', ratioVsRust: null, met: null, status };
  });
  const ok = jobs.every((j) => j.ok) && checksums.every((c) => c.ok);
  return {
    schema: 'echo-studio-bench/1',
    mode,
    ok,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(loadavgStart),
    jobs,
    figures,
    baselines: results.flatMap((r) => r.baselines),
    checksums,
    unavailable,
    targets,
    notes: results.flatMap((r) => r.notes),
  };
}

const WORKLOAD_TITLES: Record<string, string> = {
  P1: 'P1 — commit throughput (motion rule; tick = apply + commit)',
  BOAW: 'P1 BOAW — execute + merge on the post-tick state',
  P2: 'P2 — state root, chain graph',
  Memory: 'Memory — P2 chain graph',
  P3: 'P3 — scheduler drain + reserve',
  P4: 'P4 — raw BLAKE3, this process (MB = 10^6 B)',
  Studio: 'Studio — the graph view in headless Chromium (software rendering), browser mode',
};

export function render(doc: BenchDoc): string {
  const out: string[] = [];
  const m = doc.machine;
  out.push(`Echo Studio bench (${doc.mode}) — ${doc.startedAt}`);
  out.push(`machine: ${m.cpu}, nproc ${m.nproc}, node ${m.node}, ${m.os}, load ${m.loadavgStart.map((x) => x.toFixed(2)).join(' ')} → ${m.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}`);
  out.push('ratio vs Rust = TS median / Rust median (times: < 1 is faster than Rust; MB/s, k/s, ×: > 1 is faster).');
  for (const wl of Object.keys(WORKLOAD_TITLES)) {
    const figs = doc.figures.filter((f) => f.workload === wl);
    const un = doc.unavailable.filter((u) => (wl === 'BOAW' ? u.id.startsWith('boaw.') : wl === 'P2' ? u.id.startsWith('p2.') : wl === 'Studio' ? u.id.startsWith('studio.') : false));
    if (figs.length === 0 && un.length === 0) continue;
    out.push('', `## ${WORKLOAD_TITLES[wl]}`);
    const rows = figs.map((f) => [
      f.label,
      fmtRange(f),
      fmtRust(f.rust, f.unit),
      f.ratioVsRust === null ? '—' : `${num(f.ratioVsRust, f.ratioVsRust < 0.1 ? 3 : 2)}×`,
      f.target ?? '',
      f.met === null ? '' : f.met ? 'met' : 'NOT met',
    ]);
    for (const u of un) rows.push([u.label, u.status ?? 'not available in this build', '', '', targetFor(u.id)?.targetText ?? '', '']);
    out.push(table(['figure', 'median (min–max)', 'Rust median (range) [best]', 'ratio vs Rust', 'target', 'met?'], rows));
    const bl = doc.baselines.filter((b) => b.workload === wl);
    if (bl.length) {
      out.push('', 'Baselines measured in this run:');
      out.push(
        table(
          ['figure', 'value', 'baseline', 'baseline value', 'ratio', 'note'],
          bl.map((b) => [b.label, fmt(b.value, b.unit), b.baselineLabel, fmt(b.baseline, b.unit), `${num(b.ratio, b.ratio < 0.1 ? 4 : 2)}×`, b.note ?? '']),
        ),
      );
    }
  }
  out.push('', '## Checksums');
  out.push(
    table(
      ['checksum', 'expected', 'actual', 'result'],
      doc.checksums.map((c) => [c.label, c.expected ?? '(recorded)', c.actual, c.ok ? (c.expected ? 'OK' : 'recorded') : 'FAIL']),
    ),
  );
  out.push('', '## Targets');
  out.push(
    table(
      ['target', 'Rust', 'TS median (min–max)', 'ratio vs Rust', 'target', 'met?'],
      doc.targets.map((t) => [t.label, t.rust, t.valueText, t.ratioVsRust === null ? '—' : `${num(t.ratioVsRust, 3)}×`, t.target, t.status]),
    ),
  );
  out.push('', '## Jobs (one child process each)');
  out.push(
    table(
      ['job', 'wall time', 'peak RSS', 'V8 heap limit', 'result'],
      doc.jobs.map((j) => [j.name, `${num(j.wallMs / 1000, 1)} s`, j.peakRssBytes ? fmt(j.peakRssBytes, 'bytes') : '—', j.heapLimitBytes ? fmt(j.heapLimitBytes, 'bytes') : '—', j.ok ? 'ok' : `FAIL: ${j.error ?? ''}`]),
    ),
  );
  if (doc.notes.length) out.push('', 'Notes:', ...doc.notes.map((n) => `- ${n}`));
  const failedJobs = doc.jobs.filter((j) => !j.ok);
  for (const j of failedJobs) out.push(`FAIL: job ${j.name}: ${j.error ?? 'failed'}`);
  for (const c of doc.checksums.filter((x) => !x.ok)) out.push(`FAIL: checksum ${c.label}: expected ${c.expected}, got ${c.actual}`);
  out.push('', doc.ok ? 'bench: all checksums OK' : 'bench: FAIL');
  return out.join('\n');
}
