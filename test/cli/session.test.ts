/**
 * Session commands through the real CLI (`node scripts/echo-studio.mjs`, child processes):
 * `session export` writes a verifiable file; `verify` prints per-branch results and
 * "verified N commits, M branches" (exit 0), one stderr line naming record and offset for a
 * tampered file (exit 1), exit 2 for a missing path; `diff` prints the state diff and slots between
 * two commits given by hex prefix or branch; `diverge` finds the first divergence of two files
 * (exit 1) or reports identical chains (exit 0); `session recover` turns a journal into a session.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSession, Timeline } from '../../engine/timeline/index';
import { saveSession } from '../../main/sessions/files';
import { SessionJournal } from '../../main/sessions/journal';
import { newSession } from '../support/sessionFixtures';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'session-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  out: string[];
  err: string[];
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(REPO, 'scripts/echo-studio.mjs'), ...args], { cwd: tmp });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
      resolve({ code, out: lines(out), err: lines(err) });
    });
  });
}

const A = join(tmp, 'a.echo');
const B = join(tmp, 'b.echo');
const BAD = join(tmp, 'bad.echo');
const J = join(tmp, 'run.journal');
let exported: Run;

beforeAll(async () => {
  // b.echo: the demo world's main branch, 6 ticks, written in process; a journal of the toy world.
  const s = newSession('demo');
  const tl = new Timeline(s);
  tl.step(6);
  const toy = newSession('toy');
  const tt = new Timeline(toy);
  const j = SessionJournal.create(J, tt, { worldName: 'toy', params: toy.params });
  for (let i = 0; i < 3; i++) (tt.step(1), j.sync());
  j.close();
  [exported] = await Promise.all([cli('session', 'export', 'demo', '--ticks', '4', '--fork', 'alt@2=hello', '--merge', 'main:alt', '--out', A), saveSession(B, tl, { worldName: 'demo', params: s.params })]);
}, 120_000);

describe('echo-studio session files', () => {
  it('session export writes a session; verify replays it: per-branch lines, last line "verified N commits, M branches"', async () => {
    expect(exported.err).toEqual([]);
    expect(exported.code).toBe(0);
    expect(exported.out.at(-1)).toMatch(/^wrote .*a\.echo: \d+ bytes, 7 commits, 2 branches \(alt, main\)$/);
    const r = await cli('verify', A);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.filter((l) => l.startsWith('branch'))).toHaveLength(2);
    expect(r.out.filter((l) => l.startsWith('branch')).every((l) => l.endsWith('verified'))).toBe(true);
    expect(r.out.at(-1)).toBe('verified 7 commits, 2 branches');
  });

  it('verify: a tampered file fails with one stderr line naming record and offset (exit 1); a missing path exits 2', async () => {
    const b = readFileSync(A);
    b[Math.floor(b.length * 0.6)] ^= 0x20;
    writeFileSync(BAD, b);
    const [bad, missing] = await Promise.all([cli('verify', BAD), cli('verify', join(tmp, 'nope.echo'))]);
    expect(bad.code).toBe(1);
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]).toMatch(/^echo-studio verify: .*bad\.echo: BadChecksum: record \d+ at offset \d+/);
    expect(bad.err[0]).not.toMatch(/\n|    at /);
    expect(missing.code).toBe(2);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/nope\.echo: no such file/);
  });

  it('diff: state diff and slots of B vs A by hex prefix or branch; an unknown reference exits 2', async () => {
    const data = decodeSession(readFileSync(A));
    const mainChain = data.commits.filter((c) => c.createdOn === 'main' && c.kind === 'tick').sort((x, y) => x.depth - y.depth);
    const a = mainChain[1]!.hex.slice(0, 10);
    const [r, bad] = await Promise.all([cli('diff', A, a, 'alt'), cli('diff', A, 'zz-not-a-ref', 'main')]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(new RegExp(`^A  ${a}[0-9a-f]{54} depth 2 \\(tick, created on main\\)$`));
    expect(r.out[1]).toMatch(/^B  [0-9a-f]{64} depth 4 \(tick, created on alt\)$/);
    const n = Number(/state diff A → B: (\d+) ops?/.exec(r.out[2]!)![1]);
    expect(n).toBeGreaterThan(0);
    expect(r.out.slice(3, 3 + n).every((l) => /^  (UpsertNode|DeleteNode|UpsertEdge|DeleteEdge|SetAttachment|OpenPortal|UpsertWarpInstance|DeleteWarpInstance) /.test(l))).toBe(true);
    expect(r.out).toContain('slots of B vs A');
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual([expect.stringMatching(/^echo-studio diff: "zz-not-a-ref" is neither a branch, u0, nor a hex commit prefix$/)]);
  });

  it('diverge: first divergence of two files (exit 1); identical chains (exit 0)', async () => {
    const [d, same] = await Promise.all([cli('diverge', A, B), cli('diverge', B, B)]);
    expect(d.err).toEqual([]);
    expect(d.code).toBe(1);
    // a.echo's main: 4 ticks then the merge; b.echo: 6 ticks of the same world.
    expect(d.out).toContain('common   4 commits (3 hash compares)');
    expect(d.out).toContain('first divergence at commit 5 (depth 5)');
    expect(same.code).toBe(0);
    expect(same.out.at(-1)).toBe('identical: both chains hold the same 6 commits');
  });

  it('session recover turns an autosave journal into a verifiable session file', async () => {
    const out = join(tmp, 'recovered.echo');
    const r = await cli('session', 'recover', J, '--out', out);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toMatch(/recovered\.echo: \d+ bytes, 3 commits, 1 branches$/);
    const v = await cli('verify', out);
    expect(v.code).toBe(0);
    expect(v.out.at(-1)).toBe('verified 3 commits, 1 branch');
  });
});
