/**
 * §4.3 drain order: the comparison order (≤ 1024 candidates) and warp-core's 20-pass LSD radix
 * order (> 1024), checked against a from-scratch LSD radix sort (the naive twin), plus the
 * boundary at exactly 1024 / 1025 where the two orders differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drainOrder, SMALL_SORT_THRESHOLD, toHex } from '../../../engine/index';
import { prop } from '../../support/prop';

interface Entry {
  scopeHex: string;
  compact: number;
  nonce: number;
}

/** warp-core's radix: 20 stable counting passes over 16-bit digits, least significant first. */
function lsdRadix(entries: readonly Entry[], scopes: Map<string, Uint8Array>): Entry[] {
  let cur = entries.slice();
  const digit = (e: Entry, pass: number): number => {
    if (pass === 0) return e.nonce & 0xffff;
    if (pass === 1) return e.nonce >>> 16;
    if (pass === 2) return e.compact & 0xffff;
    if (pass === 3) return e.compact >>> 16;
    const s = scopes.get(e.scopeHex)!;
    const b = 2 * (pass - 4);
    return s[b]! * 256 + s[b + 1]!;
  };
  for (let pass = 0; pass < 20; pass++) {
    const buckets: Entry[][] = Array.from({ length: 65536 }, () => []);
    for (const e of cur) buckets[digit(e, pass)]!.push(e);
    cur = buckets.flat();
  }
  return cur;
}

function byteLex(entries: readonly Entry[]): Entry[] {
  return entries.slice().sort((a, b) => (a.scopeHex < b.scopeHex ? -1 : a.scopeHex > b.scopeHex ? 1 : a.compact - b.compact || a.nonce - b.nonce));
}

const scopeArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

function build(scopes: Uint8Array[], compacts: number[]): { entries: Entry[]; map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  const entries: Entry[] = [];
  scopes.forEach((s, i) => {
    const hex = toHex(s);
    if (map.has(hex)) return;
    map.set(hex, s);
    entries.push({ scopeHex: hex, compact: compacts[i % compacts.length]!, nonce: entries.length });
  });
  return { entries, map };
}

describe('drain order (§4.3)', () => {
  it('n ≤ 1024 is byte-lexicographic', () => {
    fc.assert(
      fc.property(fc.array(scopeArb, { minLength: 2, maxLength: 200 }), (scopes) => {
        const { entries } = build(scopes, [0]);
        expect(drainOrder(entries)).toEqual(byteLex(entries));
      }),
      prop(40),
    );
  });

  it('n > 1024 equals the 20-pass LSD radix order', () => {
    fc.assert(
      fc.property(fc.array(scopeArb, { minLength: 1025, maxLength: 1100 }), fc.array(fc.integer({ min: 0, max: 70000 }), { minLength: 1, maxLength: 4 }), (scopes, compacts) => {
        const { entries, map } = build(scopes, compacts);
        fc.pre(entries.length > SMALL_SORT_THRESHOLD);
        expect(drainOrder(entries)).toEqual(lsdRadix(entries, map));
      }),
      prop(3),
    );
  });

  it('n > 1024 with repeated scopes: compact id and nonce decide, in the radix order', () => {
    // Few distinct scopes, so most entries tie on every scope digit; nonces are large and
    // shuffled (both 16-bit halves matter), compacts span both halves too.
    fc.assert(
      fc.property(
        fc.array(scopeArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1025, maxLength: 1200 }),
        fc.array(fc.integer({ min: 0, max: 0x1ffff }), { minLength: 1, maxLength: 5 }),
        (scopes, nonces, compacts) => {
          const map = new Map<string, Uint8Array>(scopes.map((s) => [toHex(s), s]));
          const hexes = Array.from(map.keys());
          const seen = new Set<number>();
          const entries: Entry[] = [];
          nonces.forEach((nonce, i) => {
            if (seen.has(nonce)) return;
            seen.add(nonce);
            entries.push({ scopeHex: hexes[i % hexes.length]!, compact: compacts[(i * 7) % compacts.length]!, nonce });
          });
          fc.pre(entries.length > SMALL_SORT_THRESHOLD);
          expect(drainOrder(entries)).toEqual(lsdRadix(entries, map));
        },
      ),
      prop(3),
    );
  });

  it('n > 1024 where scopes tie on their most significant bytes: the lower digits decide', () => {
    // Bytes 24..31 (the radix's most significant digits) come from two patterns, so long runs of
    // entries tie on them and are ordered by digits further down.
    fc.assert(
      fc.property(fc.array(scopeArb, { minLength: 1025, maxLength: 1100 }), fc.array(fc.integer({ min: 0, max: 70000 }), { minLength: 1, maxLength: 3 }), (raw, compacts) => {
        const scopes = raw.map((s, i) => {
          const c = s.slice();
          c.fill(i % 2 === 0 ? 0x5a : 0xa5, 24, 32);
          if (i % 3 === 0) c.fill(0, 8, 24);
          return c;
        });
        const { entries, map } = build(scopes, compacts);
        fc.pre(entries.length > SMALL_SORT_THRESHOLD);
        expect(drainOrder(entries)).toEqual(lsdRadix(entries, map));
      }),
      prop(3),
    );
  });

  it('the two orders differ and the switch is at exactly 1024 / 1025', () => {
    // Scopes whose first byte and last two bytes disagree on the order.
    const mk = (i: number): Uint8Array => {
      const s = new Uint8Array(32);
      s[0] = i & 0xff;
      s[1] = i >> 8;
      s[30] = 0xff - (i & 0xff);
      s[31] = i >> 8;
      return s;
    };
    for (const n of [1024, 1025]) {
      const scopes = Array.from({ length: n }, (_, i) => mk(i));
      const { entries, map } = build(scopes, [0]);
      const got = drainOrder(entries).map((e) => e.scopeHex);
      const lex = byteLex(entries).map((e) => e.scopeHex);
      const radix = lsdRadix(entries, map).map((e) => e.scopeHex);
      expect(lex).not.toEqual(radix);
      expect(got).toEqual(n <= 1024 ? lex : radix);
    }
  });
});
