/**
 * DIND conformance (ENGINE-SPEC §10.2, §10.4 DV-6, §11): every pinned hash of every log in
 * ../shared/vectors/dind, in the mode its name / MANIFEST selects; the 051 convergence projection;
 * the commit chain of the kernel's own commits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EchoKernel,
  GENERATED_TYPE_LABELS,
  modeFor,
  parseGolden,
  parseManifest,
  projectedHash,
  runDindScenario,
  verifyAgainstGolden,
  type DindManifestEntry,
} from '../../../engine/dind/index';
import { GraphStore, toHex } from '../../../engine/index';
import { DIND_DIR, dindLogNames, readDind } from '../../support/vectors';

const manifest: DindManifestEntry[] = parseManifest(JSON.parse(readFileSync(DIND_DIR + 'MANIFEST.json', 'utf8')));
const names = dindLogNames();
const run = (name: string) => runDindScenario(readDind(name).log, { ingestAllFirst: modeFor(name + '.eintlog', manifest) === 'ingest-all-first' });

const FRESH_KERNEL_HASH = '735cc97c3644839430223c0f4df36d4a9fd9f3efb6d7c9558bc96745c1c181b8';

describe('DIND goldens (testdata/dind @ d7bf2740)', () => {
  it('has the ten logs, 1,769 pinned hashes, and the expected modes', () => {
    expect(names).toHaveLength(10);
    const total = names.reduce((n, name) => n + parseGolden(readDind(name).hashes).hashes_hex.length, 0);
    expect(total).toBe(1769);
    const modes = Object.fromEntries(names.map((n) => [n, modeFor(n + '.eintlog', manifest)]));
    for (const n of names) expect(modes[n]).toBe(n.startsWith('050_') ? 'ingest-all-first' : 'sequential');
    expect(GENERATED_TYPE_LABELS).toHaveLength(10);
  });

  it('a fresh kernel hashes to 735cc97c…81b8', () => {
    expect(new EchoKernel().stateHashHex()).toBe(FRESH_KERNEL_HASH);
  });

  it.each(names)('%s reproduces every pinned hash', (name) => {
    const golden = parseGolden(readDind(name).hashes);
    const result = run(name);
    const report = verifyAgainstGolden(result, golden);
    expect(report.mismatches.slice(0, 3)).toEqual([]);
    expect(report.lengthMismatch).toBeUndefined();
    expect(report.schemaMismatch).toBeUndefined();
    expect(result.hashes).toEqual(golden.hashes_hex);
    expect(report).toMatchObject({ ok: true, matched: golden.hashes_hex.length, total: golden.hashes_hex.length });
  });

  it('the three 050 files give identical chains (permutation invariance)', () => {
    const chains = names.filter((n) => n.startsWith('050_')).map((n) => run(n).hashes);
    expect(chains).toHaveLength(3);
    expect(chains[1]).toEqual(chains[0]);
    expect(chains[2]).toEqual(chains[0]);
  });

  it('the three 051 logs converge on the projected sim/state hash ca762cd3…3fb3', () => {
    const logs = names.filter((n) => n.startsWith('051_'));
    expect(logs).toHaveLength(3);
    for (const n of logs) expect(manifest.find((e) => e.path === n + '.eintlog')?.converge_scope).toBe('sim/state');
    const results = logs.map(run);
    const projected = results.map((r) => projectedHash(r.kernel.engine.rootStore, 'sim/state'));
    expect(projected).toEqual(Array(3).fill('ca762cd3e43e9eb655b06be2f636825d487d9224a0d6034cf666161f06f33fb3'));
    // The full hashes agree at the end too, but not along the way (hashes[1] differ).
    expect(new Set(results.map((r) => r.hashes[r.hashes.length - 1])).size).toBe(1);
    expect(new Set(results.map((r) => r.hashes[1])).size).toBe(3);
  });

  it('a missing scope projects to the empty-store hash 64a5a5d3…357a', () => {
    const emptyHash = '64a5a5d30175f9febd3a5b6db3abfa59695733c255b7d38642ed0f17f5ed357a';
    expect(projectedHash(new GraphStore(), 'sim/state')).toBe(emptyHash);
    expect(projectedHash(new EchoKernel().engine.rootStore, 'sim/state')).toBe(emptyHash);
    // The scope itself with no out-edges: a one-node store.
    const k = run('000_smoke_theme').kernel;
    expect(projectedHash(k.engine.rootStore, 'world-root')).not.toBe(emptyHash);
  });
});

describe('DV-6: the kernel commit chain (derived, ENGINE-SPEC §10.4)', () => {
  const chain = (name: string) =>
    run(name)
      .kernel.engine.ledger()
      .map((t) => ({ stateRoot: toHex(t.snapshot.stateRoot), patchDigest: toHex(t.snapshot.patchDigest), commit: toHex(t.snapshot.hash) }));

  it('000_smoke_theme commits 0 and 1', () => {
    const c = chain('000_smoke_theme');
    expect(c).toHaveLength(2);
    expect(c[0]).toEqual({
      stateRoot: 'dac0acbccc58e34f08dc3ac029f7a507e5e5a22755e87692714c4c3b79ecec53',
      patchDigest: '54e78e8fc0340435447ce3b08d69eedff1186e58ca06a53b5b4d340551a47bb0',
      commit: 'e6289a77ceeda5967f2194451ecf2eed698b0fd65cad8ce09487f87841e12c95',
    });
    expect(c[1]).toEqual({
      stateRoot: 'dac0acbccc58e34f08dc3ac029f7a507e5e5a22755e87692714c4c3b79ecec53',
      patchDigest: 'e430e11befd61e8324af9aab8993131dc5ff3c2fb65921d90aa70b3af33f5f2b',
      commit: 'cd9b36f52f648fd37c693c64ceb39ee55a779ab6d06f53a2abf0dedea44d0ab0',
    });
  });

  it('060_math_determinism commits 0 (drop_ball) and 1', () => {
    const c = chain('060_math_determinism');
    expect(c[0]).toEqual({
      stateRoot: 'dac0acbccc58e34f08dc3ac029f7a507e5e5a22755e87692714c4c3b79ecec53',
      patchDigest: 'eb0de8a4e27d6dc53fd272f0da5bb16fc800e3287f4a339cb2d2cde9f37de08e',
      commit: '3ceea9294c0e0a44f53505324157b01fc34d47403b7edb236a479b8921956470',
    });
    expect(c[1]).toEqual({
      stateRoot: '4d5f231815c06b7e7919e99df89dd669cc356f2f82ee3c357f501d31f005c7b0',
      patchDigest: '1badc7af1c141988b3649b1ed5aadabd6d5535e275b4042d1274ca075cbba51e',
      commit: '38b4322ce37b24df5ec828e4b3603e5a4a018a0966646851f0337f3966717e06',
    });
  });
});
