/**
 * `echo-studio run <world> --workers W --json` prints exactly the lines of `--workers 1` (real CLI,
 * child processes). ECHO_STUDIO_BOAW_MODE=always forces every tick through the worker pool, so the
 * comparison exercises the worker path rather than the pool's inline fallback.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/echo-studio.mjs'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout.split('\n').filter((l) => l.length > 0), err: r.stderr };
}

describe('run --workers', () => {
  it('demo: --workers 4 --json prints the same lines as --workers 1', () => {
    const one = cli({}, 'run', 'demo', '--ticks', '12', '--workers', '1', '--json');
    const four = cli({ ECHO_STUDIO_BOAW_MODE: 'always' }, 'run', 'demo', '--ticks', '12', '--workers', '4', '--json');
    expect(one.code, one.err).toBe(0);
    expect(four.code, four.err).toBe(0);
    expect(one.out).toHaveLength(12);
    expect(four.out).toEqual(one.out);
  });

  it('motion (auto mode, the pool decides per tick): --workers 2 matches --workers 1', () => {
    const one = cli({}, 'run', 'motion', '--ticks', '6', '--json', '--param', 'n=300');
    const two = cli({}, 'run', 'motion', '--ticks', '6', '--workers', '2', '--json', '--param', 'n=300');
    expect(two.code, two.err).toBe(0);
    expect(two.out).toHaveLength(6);
    expect(two.out).toEqual(one.out);
  });

  it('rejects a bad ECHO_STUDIO_BOAW_MODE', () => {
    const r = cli({ ECHO_STUDIO_BOAW_MODE: 'sometimes' }, 'run', 'demo', '--workers', '2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ECHO_STUDIO_BOAW_MODE/);
  });
});
