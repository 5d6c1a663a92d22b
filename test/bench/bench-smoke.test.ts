/**
 * Smoke test of `npm run bench -- --quick --only p1,p2,p3,p4`: it runs the engine workloads at small sizes in child
 * processes, verifies the checksums (P1 1k commit hash, BOAW 1k merged digest, P2 10k state root
 * and canonical hash) and writes the JSON document. Only the shape and the checksums are checked —
 * never a timing (speed targets live in the bench output only).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Doc {
  schema: string;
  mode: string;
  ok: boolean;
  startedAt: string;
  machine: { cpu: string; nproc: number; node: string };
  jobs: Array<{ name: string; ok: boolean }>;
  figures: Array<{ id: string; unit: string; stats: { median: number; min: number; max: number; n: number; samples: number[] }; ratioVsRust: number | null }>;
  baselines: Array<{ id: string; value: number; baseline: number; ratio: number }>;
  checksums: Array<{ id: string; expected: string | null; actual: string; ok: boolean }>;
  unavailable: Array<{ id: string; reason: string }>;
  targets: Array<{ label: string; figureId: string; met: boolean | null; status: string }>;
}

describe('npm run bench -- --quick', () => {
  it('runs P1–P4 at smoke sizes, checksums match, JSON has the documented shape', { timeout: 180_000 }, async () => {
    const out = path.join(dir, 'quick.json');
    // The studio job needs Chromium and takes minutes; test/e2e/benchStudio.e2e.ts runs it.
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench.ts', '--quick', '--only', 'p1,p2,p3,p4', '--out', out], {
      cwd: REPO,
      maxBuffer: 64 << 20,
    });
    expect(stdout).toContain('bench: all checksums OK');
    expect(stdout).toContain('## Targets');

    const doc = JSON.parse(readFileSync(out, 'utf8')) as Doc;
    expect(doc.schema).toBe('echo-studio-bench/1');
    expect(doc.mode).toBe('quick');
    expect(doc.ok).toBe(true);
    expect(Number.isNaN(Date.parse(doc.startedAt))).toBe(false);
    expect(doc.machine.nproc).toBeGreaterThan(0);
    expect(doc.machine.node).toBe(process.version);
    expect(doc.jobs.map((j) => j.name)).toEqual(['p1-1k', 'p2-10k', 'p3-2k', 'p4']);
    expect(doc.jobs.every((j) => j.ok)).toBe(true);

    const ids = new Set(doc.figures.map((f) => f.id));
    for (const id of ['p1.tick.1k', 'p1.apply.1k', 'p1.commit.1k', 'p2.snapshot.10k', 'p2.canonical.10k', 'p2.naive.10k', 'p3.noop_fp.estimate.2k', 'p3.noop.direct.2k', 'p4.hash-wasm.64B', 'p4.noble.1MiB', 'mem.peakRss.10k']) {
      expect(ids, id).toContain(id);
    }
    for (const f of doc.figures) {
      expect(f.stats.n).toBe(f.stats.samples.length);
      expect(f.stats.min).toBeLessThanOrEqual(f.stats.max);
    }
    expect(doc.figures.find((f) => f.id === 'p1.tick.1k')!.stats.n).toBe(9); // 3 warm-up + 9 measured
    expect(doc.figures.find((f) => f.id === 'p1.tick.1k')!.ratioVsRust).not.toBeNull();
    expect(doc.baselines.length).toBeGreaterThan(0);

    const sum = new Map(doc.checksums.map((c) => [c.id, c]));
    expect(sum.get('p1.commit.1k')).toMatchObject({ expected: '120ae6b41dd50cb0c2a63b173fd16e7d9649b1cc76dfd1b1523c42f9640f2e2c', ok: true });
    expect(sum.get('p2.stateRoot.10k')).toMatchObject({ expected: '149a67bf5a7e97571809677fc57c3acf25c39396fdb4583a8ba91a3efe13ce4e', ok: true });
    expect(sum.get('p2.canonical.10k')).toMatchObject({ expected: '68f655eea93d33d0a96ae428576374f8c44c1565383a2eb9117bbd9fb66c5f88', ok: true });
    for (const c of doc.checksums) {
      expect(c.ok, c.id).toBe(true);
      if (c.expected && c.expected !== '(recorded)') expect(c.actual, c.id).toBe(c.expected);
    }
    // BOAW: either measured with the reference digest, or explicitly reported as unavailable.
    if (ids.has('boaw.exec.w1.1k')) {
      expect(sum.get('boaw.merged.w1.1k')).toMatchObject({ expected: '45ed7754043267e331754b00ac553207117fb4582c1a41e2134af2e661914547', ok: true });
    } else {
      expect(doc.unavailable.map((u) => u.id)).toContain('boaw.exec.w1.1k');
    }

    // Targets are listed, but at --quick sizes (and without the studio job) none is judged.
    expect(doc.targets).toHaveLength((await import('../../bench/reference')).TARGETS.length);
    for (const t of doc.targets) expect(t.met).toBeNull();
  });
});

describe('bench report', () => {
  it('a wrong checksum makes the run fail and prints FAIL', async () => {
    const { assemble, render } = await import('../../bench/report');
    const good = { id: 'a', label: 'good', expected: 'aa', actual: 'aa', ok: true };
    const bad = { id: 'b', label: 'bad', expected: 'bb', actual: 'cc', ok: false };
    const result = { job: 'x', figures: [], baselines: [], checksums: [good, bad], unavailable: [], notes: [] };
    const doc = assemble('quick', [result], [{ name: 'x', ok: true, wallMs: 1 }], new Date().toISOString(), [0, 0, 0]);
    expect(doc.ok).toBe(false);
    const text = render(doc);
    expect(text).toContain('FAIL: checksum bad: expected bb, got cc');
    expect(text).toMatch(/bench: FAIL$/);
    const okDoc = assemble('quick', [{ ...result, checksums: [good] }], [{ name: 'x', ok: true, wallMs: 1 }], new Date().toISOString(), [0, 0, 0]);
    expect(okDoc.ok).toBe(true);
  });
});
