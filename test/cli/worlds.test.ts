/**
 * World modules through the real CLI (`node scripts/echo-studio.mjs`), child processes:
 * sample worlds run; --json is exactly one object per tick; two fresh processes agree; a world file
 * in an empty temp dir (no node_modules) runs; every bad input gives one clear line and its exit code.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'worlds-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/echo-studio.mjs'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
  return { code: r.status, out: lines(r.stdout), err: lines(r.stderr) };
}

const KEYS = ['tick', 'tx', 'state_root', 'patch_digest', 'commit_hash', 'plan_digest', 'decision_digest', 'rewrites_digest', 'applied', 'rejected'];

function world(name: string, body: string): string {
  const p = join(tmp, name);
  writeFileSync(p, body);
  return p;
}

const OK_WORLD = (extra = '') => `
export default function (api) {
  const root = api.makeNodeId('r');
  const rule = api.defineRule({
    name: 'w/touch',
    matcher: (v, s) => v.node(s) !== undefined,
    footprint: (v, s) => new api.Footprint().writeAttachment(api.nodeAlpha(v.warpId(), s)),
    executor: (v, s, d) => { ${extra} d.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), s), value: api.atom(api.makeTypeId('x'), new Uint8Array([1])) }); },
  });
  return {
    name: 'w', description: 'test world',
    rules: () => [rule],
    init: () => { const s = new api.GraphStore(); s.insertNode(root, { ty: api.makeTypeId('t') }); return { store: s, root }; },
    driver: (ctx) => { ctx.apply('w/touch', root); },
  };
}`;

describe('echo-studio run', () => {
  it('motion world, n=1000, 12 ticks --json: 12 lines, last commit_hash = the Rust reference checksum', () => {
    const r = cli('run', 'motion', '--ticks', '12', '--param', 'n=1000', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out).toHaveLength(12);
    const rows = r.out.map((l) => JSON.parse(l));
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(KEYS);
      for (const k of KEYS.slice(2, 8)) expect(row[k]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(rows.map((x) => x.tick)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows[11].commit_hash).toBe('120ae6b41dd50cb0c2a63b173fd16e7d9649b1cc76dfd1b1523c42f9640f2e2c');
    expect(rows[11].applied).toBe(1000);
  });

  it('the demo world gives identical per-tick hashes in two fresh processes, with rejections', () => {
    const a = cli('run', 'demo', '--ticks', '15', '--json');
    const b = cli('run', 'demo', '--ticks', '15', '--json');
    expect(a.code).toBe(0);
    expect(a.out).toHaveLength(15);
    expect(b.out).toEqual(a.out);
    const rows = a.out.map((l) => JSON.parse(l));
    expect(rows.every((x) => x.rejected > 0)).toBe(true);
    expect(new Set(rows.map((x) => x.state_root)).size).toBe(15);
  });

  it('the dind world and the human summary', () => {
    const r = cli('run', 'dind', '--ticks', '20');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/world\s+dind/);
    expect(r.out.join('\n')).toMatch(/commit\s+[0-9a-f]{64}/);
  });

  it('a world file copied into an empty temp dir (no node_modules) runs', () => {
    const p = join(tmp, 'counters.ts');
    copyFileSync(join(REPO, 'docs/examples/counters.ts'), p);
    const r = cli('run', p, '--ticks', '5', '--json');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const rows = r.out.map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    expect(rows.some((x) => x.rejected > 0)).toBe(true); // reset collides with increment
    const ins = cli('inspect', p, '--ticks', '2', '--node', 'counter-a');
    expect(ins.code).toBe(0);
    expect(ins.out.join('\n')).toContain('counters/count {"count":2}');
  });
});

describe('bad input: one clear line naming the file and the problem', () => {
  const expectOneLine = (r: ReturnType<typeof cli>, code: number, ...needles: string[]) => {
    expect(r.code).toBe(code);
    expect(r.err).toHaveLength(1);
    for (const n of needles) expect(r.err[0]).toContain(n);
    expect(r.err[0]).not.toMatch(/\bat \S+:\d+:\d+/); // no stack frames
  };

  it('missing world file → 2', () => {
    const p = join(tmp, 'missing.ts');
    expectOneLine(cli('run', p), 2, p, 'not found');
  });

  it('syntax error → 2', () => {
    const p = world('syntax.ts', 'export default function (api) { return { name: "x", ');
    expectOneLine(cli('run', p), 2, p, 'syntax error');
  });

  it('default export of the wrong shape → 2', () => {
    const p = world('shape.ts', 'export default { name: "not a function" };');
    expectOneLine(cli('run', p), 2, p, 'default export must be a function');
    const q = world('shape2.ts', 'export default function (api) { return { name: "x", description: "d", rules: () => [], init: 5, driver: () => {} }; }');
    expectOneLine(cli('run', q), 2, q, 'world.init must be a function');
  });

  it('duplicate rule → 2', () => {
    const p = world('dup.ts', OK_WORLD().replace('rules: () => [rule]', 'rules: () => [rule, rule]'));
    expectOneLine(cli('run', p), 2, 'duplicate rule name "w/touch"');
  });

  it('unknown rule in the driver → 2, naming the tick', () => {
    const p = world('unknown.ts', OK_WORLD().replace("ctx.apply('w/touch', root)", "ctx.apply('w/nope', root)"));
    expectOneLine(cli('run', p), 2, 'tick 0', 'unknown rule "w/nope"');
  });

  it('a rule that throws during a tick → 1, naming rule, scope and tick', () => {
    const p = world('throws.ts', OK_WORLD('if (true) throw new Error("bad executor");'));
    const r = cli('run', p, '--ticks', '3');
    expectOneLine(r, 1, 'tick 0', 'rule "w/touch"', 'scope', 'bad executor');
  });

  it('unknown parameter and bad options → 2', () => {
    expectOneLine(cli('run', 'demo', '--param', 'nope=1'), 2, 'no parameter "nope"');
    expectOneLine(cli('run', 'demo', '--ticks', 'x'), 2, '--ticks must be an integer');
    expectOneLine(cli('inspect', 'demo', '--node', 'no-such-node'), 2, 'not found');
  });
});

void readFileSync;
