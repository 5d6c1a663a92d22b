/** Test helpers for comparing hashes in hex. */
import { expect } from 'vitest';
import { toHex } from '../../engine/index';

/** Asserts two hashes are equal, printing both in hex on failure. */
export function assertHashEq(actual: Uint8Array, expectedHex: string, what = 'hash'): void {
  expect(toHex(actual), what).toBe(expectedHex);
}
