/**
 * sortHexKeys equals `keys.slice().sort()` on every input: hash-like keys behind a long common
 * prefix, keys that tie on the packed digits (so the run fix-up decides), all-equal keys, and the
 * inputs it must hand to the plain sort (mixed lengths, upper case or non-hex in the window).
 * hexKeyOrder gives the same order as indices, equal keys in input order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexKeyOrder, sortHexKeys } from '../../../engine/hexKeySort';
import { prop } from '../../support/prop';

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

/** The naive stable order: indices sorted by key, ties by index. */
const stableOrder = (keys: readonly string[]) => keys.map((k, i) => [k, i] as const).sort(([a, i], [b, j]) => (a < b ? -1 : a > b ? 1 : i - j)).map(([, i]) => i);

describe('sortHexKeys / hexKeyOrder', () => {
  it('orders like the plain sort: common prefix, random tails, repeated heads', () => {
    fc.assert(
      fc.property(hex(20), fc.array(fc.tuple(fc.nat(7), hex(24)), { minLength: 60, maxLength: 400 }), fc.array(hex(10), { minLength: 1, maxLength: 8 }), (prefix, rows, heads) => {
        // Keys = prefix ‖ one of a few heads ‖ a random tail: many tie on the packed digits.
        const keys = rows.map(([h, tail]) => prefix + heads[h % heads.length]! + tail);
        const input = keys.slice();
        expect(sortHexKeys(keys)).toEqual(keys.slice().sort());
        expect(Array.from(hexKeyOrder(keys))).toEqual(stableOrder(keys));
        expect(keys).toEqual(input);
      }),
      prop(200),
    );
  });

  it('orders like the plain sort when it must fall back, or everything ties', () => {
    const base = Array.from({ length: 100 }, (_, i) => (i * 7919).toString(16).padStart(8, '0'));
    for (const keys of [
      [...base, 'abc'], // another length
      [...base.slice(0, 50), 'ABCDEF01', ...base.slice(50)], // upper case in the window
      [...base, '0000000g'], // not hex
      [...base, '\u0130' + '0000000'], // a code unit past ASCII
      Array.from({ length: 100 }, () => 'ffee'), // all equal
      [], ['b', 'a'],
    ]) {
      expect(sortHexKeys(keys)).toEqual(keys.slice().sort());
      expect(Array.from(hexKeyOrder(keys))).toEqual(stableOrder(keys));
    }
  });
});
