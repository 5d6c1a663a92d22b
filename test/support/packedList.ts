/**
 * The read-back contract every packed history list shares (PackedFootprints-style `length` /
 * `at` / iteration): the list holds exactly `want`, in order, `at` takes negative indices from the
 * end, and indices past either end or not integers give undefined.
 */
import { expect } from 'vitest';

export function expectReadsBack<T>(list: Iterable<T> & { readonly length: number; at(i: number): T | undefined }, want: readonly T[]): void {
  expect(list.length).toBe(want.length);
  expect(Array.from(list)).toEqual(want);
  for (let i = 0; i < want.length; i++) {
    expect(list.at(i)).toEqual(want[i]);
    expect(list.at(i - want.length)).toEqual(want[i]);
  }
  expect(list.at(want.length)).toBeUndefined();
  expect(list.at(-want.length - 1)).toBeUndefined();
  expect(list.at(0.5)).toBeUndefined();
}
