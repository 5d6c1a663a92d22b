/**
 * `echo-studio dind verify|converge` end to end: the real bin shim in a child process, cwd = repo root.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DIND_DIR } from '../support/vectors';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dind-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/echo-studio.mjs', ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
  return { code: r.status, out: lines(r.stdout), err: lines(r.stderr) };
}

/** Copies a shared log (and its golden) into a fresh dir under tmp; returns the dir. */
function copyCase(name: string, sub: string): string {
  const dir = join(tmp, sub);
  mkdirSync(dir, { recursive: true });
  copyFileSync(DIND_DIR + name + '.eintlog', join(dir, name + '.eintlog'));
  copyFileSync(DIND_DIR + name + '.hashes.json', join(dir, name + '.hashes.json'));
  return dir;
}

function expectOneErrorLine(r: ReturnType<typeof cli>, ...needles: string[]): void {
  expect(r.code).toBe(2);
  expect(r.err).toHaveLength(1);
  for (const n of needles) expect(r.err[0]).toContain(n);
  expect(r.err.join('\n')).not.toMatch(/\n\s+at |Error:.*\n.*at /);
  expect(r.out).toEqual([]);
}

describe('echo-studio dind verify', () => {
  it('verifies every shared log: DIND: 1769/1769 hashes match, exit 0', () => {
    const r = cli('dind', 'verify', '../shared/vectors/dind');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('DIND: 1769/1769 hashes match');
    expect(r.out).toHaveLength(11);
    expect(r.out[0]).toMatch(/^ok {3}000_smoke_theme +3\/3 +\(sequential\) +\d+ ms$/);
    expect(r.out.find((l) => l.includes('050_randomized_order_small_seed0002'))).toMatch(/201\/201 +\(ingest-all-first\)/);
  });

  it('accepts a .hashes.json file argument', () => {
    const r = cli('dind', 'verify', DIND_DIR + '030_error_determinism.hashes.json');
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('DIND: 7/7 hashes match');
  });

  it('a tampered golden: exit 1 with the log, step, expected and actual hash', () => {
    const name = '060_math_determinism';
    const dir = copyCase(name, 'tampered');
    const goldenPath = join(dir, name + '.hashes.json');
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8'));
    const actual: string = golden.hashes_hex[7];
    const flipped = (actual[0] === '0' ? '1' : '0') + actual.slice(1);
    golden.hashes_hex[7] = flipped;
    writeFileSync(goldenPath, JSON.stringify(golden));
    const r = cli('dind', 'verify', dir);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^FAIL 060_math_determinism +51\/52/);
    expect(r.out).toContain(`  mismatch ${name} step 7: expected ${flipped} actual ${actual}`);
    expect(r.out.at(-1)).toBe('DIND: 51/52 hashes match');
  });

  it('a missing path: exit 2, one stderr line, no stack trace', () => {
    expectOneErrorLine(cli('dind', 'verify', join(tmp, 'nope')), 'nope', 'no such file or directory');
  });

  it('a truncated log: exit 2 naming the file', () => {
    const name = '000_smoke_theme';
    const dir = copyCase(name, 'truncated');
    const p = join(dir, name + '.eintlog');
    const bytes = readFileSync(p);
    writeFileSync(p, bytes.subarray(0, bytes.length - 3));
    expectOneErrorLine(cli('dind', 'verify', dir), p, 'truncated log', 'TruncatedFrame');
  });

  it('malformed golden JSON: exit 2 naming the file', () => {
    const name = '000_smoke_theme';
    const dir = copyCase(name, 'badjson');
    const p = join(dir, name + '.hashes.json');
    writeFileSync(p, '{"elog_version": 1, "hashes_hex": [');
    expectOneErrorLine(cli('dind', 'verify', join(dir, name + '.eintlog')), p, 'malformed JSON');
  });

  it('bad hex in a golden: exit 2 naming the field', () => {
    const name = '000_smoke_theme';
    const dir = copyCase(name, 'badhex');
    const p = join(dir, name + '.hashes.json');
    const golden = JSON.parse(readFileSync(p, 'utf8'));
    golden.hashes_hex[1] = 'xyz';
    writeFileSync(p, JSON.stringify(golden));
    expectOneErrorLine(cli('dind', 'verify', dir), p, 'hashes_hex[1]');
  });

  it('a wrong schema hash in the log: exit 2', () => {
    const name = '000_smoke_theme';
    const dir = copyCase(name, 'badschema');
    const p = join(dir, name + '.eintlog');
    const bytes = readFileSync(p);
    bytes[8] ^= 0xff;
    writeFileSync(p, bytes);
    expectOneErrorLine(cli('dind', 'verify', dir), p, 'wrong schema hash');
  });

  it('usage: no args exits 2, help exits 0, unknown command exits 2', () => {
    const none = cli();
    expect(none.code).toBe(2);
    expect(none.err[0]).toMatch(/^usage: echo-studio/);
    const help = cli('help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('dind verify');
    const bad = cli('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err).toHaveLength(1);
    expect(cli('dind', 'verify').code).toBe(2);
  });
});

describe('echo-studio dind converge', () => {
  it('the three 051 logs agree on the projected sim/state hash', () => {
    const r = cli('dind', 'converge', ...[1, 2, 3].map((i) => `${DIND_DIR}051_randomized_convergent_seed000${i}.eintlog`));
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('DIND converge: OK: 3 logs agree on the projected hash of "sim/state" ca762cd3e43e9eb655b06be2f636825d487d9224a0d6034cf666161f06f33fb3');
  });

  it('logs with different final hashes fail with exit 1', () => {
    const r = cli('dind', 'converge', DIND_DIR + '000_smoke_theme.eintlog', DIND_DIR + '030_error_determinism.eintlog');
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toMatch(/^DIND converge: FAILED/);
  });
});
