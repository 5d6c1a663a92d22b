/**
 * Optional engine modules that other work streams add (engine/stateRootIndex.ts, engine/boaw/**,
 * main/workers/boawPool.ts). The bench loads them when present and prints "not available in this
 * build" otherwise — it never substitutes a number.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Imports `rel` (relative to the repo root) if the file exists; null otherwise. */
export async function importOptional<T>(rel: string): Promise<T | null> {
  const url = new URL(`../${rel}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  return (await import(url.href)) as T;
}
