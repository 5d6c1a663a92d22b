/**
 * One loader for the golden vectors in ../shared/vectors (read in place, never copied into the
 * repo). A missing folder fails loudly, never skips.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the shared folder beside the checkout. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const VECTORS_DIR = SHARED_DIR + 'vectors/';
export const DIND_DIR = VECTORS_DIR + 'dind/';

function requireDir(dir: string): void {
  if (!existsSync(dir)) {
    throw new Error(`golden vectors not found at ${dir}: the checkout needs ../shared beside it (see README)`);
  }
}

export function loadReferenceVectors(): any {
  requireDir(VECTORS_DIR);
  return JSON.parse(readFileSync(VECTORS_DIR + 'reference-vectors.json', 'utf8'));
}

export function dindLogNames(): string[] {
  requireDir(DIND_DIR);
  return readdirSync(DIND_DIR)
    .filter((f) => f.endsWith('.eintlog'))
    .map((f) => f.slice(0, -'.eintlog'.length))
    .sort();
}

export function readDind(name: string): { log: Uint8Array; hashes: any } {
  requireDir(DIND_DIR);
  return {
    log: new Uint8Array(readFileSync(DIND_DIR + name + '.eintlog')),
    hashes: JSON.parse(readFileSync(DIND_DIR + name + '.hashes.json', 'utf8')),
  };
}
