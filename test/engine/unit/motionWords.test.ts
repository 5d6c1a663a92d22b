/**
 * The motion rule's bigint-free step (`stepV2`, on `toF32Words` / `setFromF32`) equals its
 * definition on bigints: `toF32` of the raw, `fromF32` written as an i64, and the decode → step →
 * `encodeMotionRaw` path, bit for bit — over raws of the whole i64 range and of the exact-double
 * range with its edges, over every kind of f32 (zeros, subnormals, normals, the 2²⁰ edge,
 * saturating values, infinities, NaNs) and exact halfway cases of the half-to-even rounding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f32FromBits, fromF32, setFromF32, toF32, toF32Words } from '../../../engine/fixedQ32';
import { decodeMotionPayload, encodeMotionRaw } from '../../../engine/payload';
import { stepV2 } from '../../../engine/rules/motion';
import { prop } from '../../support/prop';

const words = (raw: bigint): [number, number] => {
  const r = BigInt.asUintN(64, raw);
  return [Number(r & 0xffffffffn), Number(BigInt.asIntN(32, r >> 32n))];
};

/**
 * Raws near the edges: 0, ±1, ±2⁵³ ± 1, the 2²¹ high words, i64 bounds — and ±(2⁵³ + 2²⁹ + 1),
 * just above an f32 halfway point, where a double (which rounds it onto the halfway point) would
 * round a second time the wrong way.
 */
const EDGE_RAWS = [2n ** 53n + 2n ** 29n + 1n, -(2n ** 53n + 2n ** 29n + 1n), 0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n - 1n, -(2n ** 53n), -(2n ** 53n) - 1n, -(2n ** 53n) + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, -(2n ** 32n), 0xffffffffn, -0xffffffffn];
const rawArb = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  fc.constantFrom(...EDGE_RAWS),
);

const viaBigint = (x: number): string => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigInt64(0, fromF32(x), true);
  return Buffer.from(dv.buffer).toString('hex');
};
const viaWords = (x: number): string => {
  const dv = new DataView(new ArrayBuffer(8));
  setFromF32(dv, 0, x);
  return Buffer.from(dv.buffer).toString('hex');
};

/** Halfway and near-halfway cases of x·2³² (odd multiples of 2⁻³³, 2⁻³⁴), and the 2²⁰ edge. */
const SPECIAL_F32: number[] = [0, -0, NaN, Infinity, -Infinity, 2 ** 20, -(2 ** 20), Math.fround(2 ** 20 - 2 ** -4), 2 ** 31, -(2 ** 31), 2 ** 63, 1e-40, -1e-40, 2 ** -32, 2 ** -33, -(2 ** -33), 2 ** -126, 2 ** -149];
for (let k = 0; k < 64; k++) SPECIAL_F32.push((2 * k + 1) * 2 ** -33, -(2 * k + 1) * 2 ** -33, (2 * k + 1) * 2 ** -34, (4 * k + 3) * 2 ** -35);

describe('bigint-free Q32.32 words', () => {
  it('toF32Words(lo, hi) is toF32 of the raw they spell', () => {
    for (const raw of EDGE_RAWS) expect(Object.is(toF32Words(...words(raw)), toF32(raw))).toBe(true);
    fc.assert(
      fc.property(rawArb, (raw) => Object.is(toF32Words(...words(raw)), toF32(raw))),
      prop(3000),
    );
  });

  it('setFromF32 writes fromF32(x) as an i64 LE', () => {
    for (const x of SPECIAL_F32) expect(viaWords(x), String(x)).toBe(viaBigint(x));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => viaWords(f32FromBits(bits)) === viaBigint(f32FromBits(bits))),
      prop(5000),
    );
    // Doubles that are not f32s are rounded with Math.fround first, as fromF32 does.
    fc.assert(
      fc.property(fc.double({ min: -(2 ** 22), max: 2 ** 22 }), (x) => viaWords(x) === viaBigint(x)),
      prop(2000),
    );
  });

  it('stepV2 equals decode → toF32/fromF32 step → encodeMotionRaw for any 48 bytes', () => {
    const naive = (b: Uint8Array): Uint8Array => {
      const { pos, vel } = decodeMotionPayload(b)!;
      const p: bigint[] = [];
      const v: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const f = toF32(vel[i]!);
        p.push(fromF32(Math.fround(toF32(pos[i]!) + f)));
        v.push(fromF32(f));
      }
      return encodeMotionRaw(p, v);
    };
    const payload = fc.oneof(
      fc.uint8Array({ minLength: 48, maxLength: 48 }),
      fc.array(rawArb, { minLength: 6, maxLength: 6 }).map((r) => encodeMotionRaw(r.slice(0, 3), r.slice(3))),
    );
    fc.assert(
      fc.property(payload, fc.nat(8), (b, off) => {
        // Also at an offset inside a bigger buffer (attachment bytes may be views).
        const host = new Uint8Array(48 + off);
        host.set(b, off);
        const view = host.subarray(off, off + 48);
        expect(Buffer.from(stepV2(view)).toString('hex')).toBe(Buffer.from(naive(b)).toString('hex'));
      }),
      prop(3000),
    );
  });
});
