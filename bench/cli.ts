/**
 * `npm run bench` driver. Every job (one workload at one size) runs in its own child process
 * (`--child NAME --result FILE`), so the 1M graphs, GC state and RSS of one workload never disturb
 * another; the parent collects the JSON results, prints the tables and writes the results file.
 *
 *   npm run bench                     all workloads at the REFERENCE sizes → bench/results/latest.json
 *   npm run bench -- --quick          small sizes (smoke test)              → bench/results/latest-quick.json
 *   npm run bench -- --only p2,p4     a subset: p1, boaw (= p1), p2, mem (= P2 at the memory size), p3, p4,
 *                                     studio (the graph view in headless Chromium: bench/workloads/studio.ts)
 *   npm run bench -- --out FILE       where to write the JSON
 *   npm run bench -- --in-process     no child processes (debugging)
 *   npm run bench -- --heap-mb N      V8 old-space limit of each child (default 12288)
 *
 * Exit code 1 when a checksum is wrong or a job fails. Targets never fail the run.
 */
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZES, sizeLabel } from './reference';
import { assemble, render, type JobStatus } from './report';
import { emptyResult, log, type JobResult } from './stats';

interface Job {
  readonly name: string;
  readonly kind: 'p1' | 'p2' | 'p3' | 'p4' | 'studio';
  readonly n: number;
  readonly memory: boolean;
}

interface Options {
  quick: boolean;
  only: Set<string> | null;
  out: string | null;
  inProcess: boolean;
  heapMb: number;
  child: string | null;
  result: string | null;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = path.join(REPO, 'scripts', 'bench.ts');
/**
 * Node's default old-space limit here is ~4.3 GB; P1 at 100k retains several GB of tick history
 * and the 1M chain needs more than that, so near the limit the run would measure GC thrash (or
 * die). The peak RSS of every job is reported, so memory use stays visible.
 */
const DEFAULT_HEAP_MB = 12_288;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, only: null, out: null, inProcess: false, heapMb: DEFAULT_HEAP_MB, child: null, result: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--in-process') o.inProcess = true;
    else if (a.startsWith('--only')) o.only = new Set(val().toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
    else if (a.startsWith('--out')) o.out = val();
    else if (a.startsWith('--heap-mb')) o.heapMb = Number(val());
    else if (a.startsWith('--child')) o.child = val();
    else if (a.startsWith('--result')) o.result = val();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench [-- --quick] [--only p1,boaw,p2,mem,p3,p4,studio] [--out FILE] [--in-process]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

export function jobList(quick: boolean, only: Set<string> | null): Job[] {
  const s = quick ? SIZES.quick : SIZES.full;
  const jobs: Job[] = [];
  for (const n of s.p1) jobs.push({ name: `p1-${sizeLabel(n)}`, kind: 'p1', n, memory: false });
  const p2 = new Set<number>(s.p2);
  p2.add(s.mem);
  for (const n of [...p2].sort((a, b) => a - b)) jobs.push({ name: `p2-${sizeLabel(n)}`, kind: 'p2', n, memory: n === s.mem });
  for (const n of s.p3) jobs.push({ name: `p3-${sizeLabel(n)}`, kind: 'p3', n, memory: false });
  jobs.push({ name: 'p4', kind: 'p4', n: 0, memory: false });
  jobs.push({ name: 'studio', kind: 'studio', n: 0, memory: false });
  if (!only) return jobs;
  for (const k of only) if (!['p1', 'boaw', 'p2', 'mem', 'p3', 'p4', 'studio'].includes(k)) throw new Error(`--only: unknown workload ${k}`);
  return jobs.filter((j) => only.has(j.kind) || (j.kind === 'p1' && only.has('boaw')) || (j.kind === 'p2' && j.memory && only.has('mem')));
}

async function runJobHere(job: Job, quick: boolean): Promise<JobResult> {
  const r = emptyResult(job.name);
  switch (job.kind) {
    case 'p1':
      await (await import('./workloads/p1')).runP1(job.n, r);
      break;
    case 'p2':
      await (await import('./workloads/p2')).runP2(job.n, r, { memory: job.memory });
      break;
    case 'p3':
      (await import('./workloads/p3')).runP3(job.n, r);
      break;
    case 'p4':
      (await import('./workloads/p4')).runP4(quick, r);
      break;
    case 'studio':
      await (await import('./workloads/studio')).runStudio(quick, r);
      break;
  }
  return r;
}

function runJobChild(job: Job, quick: boolean, heapMb: number, dir: string): Promise<JobResult> {
  const file = path.join(dir, `${job.name}.json`);
  const args = [`--max-old-space-size=${heapMb}`, '--expose-gc', '--import', 'tsx', SCRIPT, '--child', job.name, '--result', file];
  if (quick) args.push('--quick');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`child exited with ${signal ?? `code ${code}`}`));
      try {
        resolve(JSON.parse(readFileSync(file, 'utf8')) as JobResult);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

async function childMain(o: Options): Promise<void> {
  const job = jobList(o.quick, null).find((j) => j.name === o.child);
  if (!job) throw new Error(`unknown job ${o.child}`);
  if (!o.result) throw new Error('--child needs --result FILE');
  const r = await runJobHere(job, o.quick);
  r.resources = { peakRssBytes: process.resourceUsage().maxRSS * 1024, heapLimitBytes: v8.getHeapStatistics().heap_size_limit };
  writeFileSync(o.result, JSON.stringify(r));
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parseArgs(argv);
  if (o.child) {
    await childMain(o);
    return 0;
  }
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg();
  const jobs = jobList(o.quick, o.only);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'echo-bench-'));
  const results: JobResult[] = [];
  const statuses: JobStatus[] = [];
  try {
    for (const job of jobs) {
      log(`job ${job.name} (${o.inProcess ? 'in process' : 'child process'})`);
      const t0 = performance.now();
      try {
        const res = o.inProcess ? await runJobHere(job, o.quick) : await runJobChild(job, o.quick, o.heapMb, dir);
        results.push(res);
        statuses.push({ name: job.name, ok: true, wallMs: performance.now() - t0, peakRssBytes: res.resources?.peakRssBytes, heapLimitBytes: res.resources?.heapLimitBytes });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`job ${job.name} FAILED: ${msg}`);
        statuses.push({ name: job.name, ok: false, wallMs: performance.now() - t0, error: msg });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const doc = assemble(o.quick ? 'quick' : 'full', results, statuses, startedAt, loadStart);
  const out = o.out ?? path.join(REPO, 'bench', 'results', o.quick ? 'latest-quick.json' : 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(render(doc) + '\n');
  process.stdout.write(`results: ${path.relative(process.cwd(), out) || out}\n`);
  return doc.ok ? 0 : 1;
}
