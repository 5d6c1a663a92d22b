/**
 * Property-test configuration: every fast-check run is seeded from FC_SEED (default 20261124) so CI
 * is reproducible; a failing seed is printed by fast-check and becomes a named regression test.
 */
import fc from 'fast-check';

export const FC_SEED = Number(process.env.FC_SEED ?? 20261124);
export const FC_RUNS = Number(process.env.FC_RUNS ?? 60);

/** fast-check parameters with the pinned seed. */
export function prop(numRuns = FC_RUNS): fc.Parameters<unknown> {
  return { seed: FC_SEED, numRuns };
}

/** A deterministic shuffle driven by a seeded PRNG (mulberry32). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const a = items.slice();
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
