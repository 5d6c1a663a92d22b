/**
 * Q32.32 fixed point, as warp-core's `math::fixed_q32_32` (ENGINE-SPEC §2.7).
 *
 * A raw value is an i64 (held in a `bigint`) equal to value·2³²; the representable grid step is 2⁻³².
 *
 * Frozen (motion payload bytes and every hash over them depend on it):
 * - `fromF32`: NaN → 0, +∞ → i64::MAX, −∞ → i64::MIN, ±0 → 0. Otherwise the exact value
 *   `mantissa·2^(exp−127−23+32)` (subnormals: exponent −126, no implicit bit) with right shifts
 *   rounded half-to-even on the MAGNITUDE, then the sign applied, then saturation to i64
 *   (so a value ≤ −2³¹ — raw ≤ −2⁶³ — gives i64::MIN, and ≥ 2³¹ gives i64::MAX).
 * - `toF32`: the exact raw·2⁻³² rounded half-to-even to 24 significant bits; 0 gives +0, never −0.
 *   Every nonzero result is a normal f32 with magnitude in [2⁻³², 2⁶³].
 *
 * Invariants:
 * - Both directions are exact integer/bit computations; no step depends on host float rounding
 *   other than `Math.fround`, which ECMAScript defines as roundTiesToEven to binary32.
 * - `toF32(fromF32(x)) === x` for every f32 x with |x| < 2³¹ that is a multiple of 2⁻³².
 */

/** i64::MAX. @public */
export const I64_MAX = (1n << 63n) - 1n;
/** i64::MIN. @public */
export const I64_MIN = -(1n << 63n);
/** Raw value of 1.0 (2³²). @public */
export const Q32_ONE = 1n << 32n;

const F32_SCRATCH = new DataView(new ArrayBuffer(4));
const TWO_POW_53 = 1n << 53n;
const TWO_POW_M32 = 2 ** -32;

/** The IEEE-754 binary32 bit pattern of `Math.fround(x)`. @public */
export function f32Bits(x: number): number {
  F32_SCRATCH.setFloat32(0, x, true);
  return F32_SCRATCH.getUint32(0, true);
}

/** The f32 (as a JS number) with the given bit pattern. @public */
export function f32FromBits(bits: number): number {
  F32_SCRATCH.setUint32(0, bits >>> 0, true);
  return F32_SCRATCH.getFloat32(0, true);
}

/** `fixed_q32_32::from_f32`: an f32 value (rounded with `Math.fround` first) to a Q32.32 raw i64. @public */
export function fromF32(x: number): bigint {
  const v = Math.fround(x);
  if (Number.isNaN(v)) return 0n;
  if (v === Infinity) return I64_MAX;
  if (v === -Infinity) return I64_MIN;
  const bits = f32Bits(v);
  const negative = bits >>> 31 !== 0;
  const expField = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (expField === 0 && frac === 0) return 0n;
  const mantissa = expField === 0 ? frac : frac | 0x800000; // < 2^24
  const unbiased = expField === 0 ? -126 : expField - 127;
  const shift = unbiased + (32 - 23); // value·2^32 = mantissa·2^shift, shift ∈ [−117, 136]
  let magnitude: bigint;
  if (shift >= 0) {
    magnitude = BigInt(mantissa) << BigInt(shift);
  } else {
    const r = -shift;
    // mantissa < 2^24, so for r ≥ 25 the exact quotient is < 1/2 and rounds to 0.
    if (r >= 25) return 0n;
    const q = mantissa >>> r;
    const rem = mantissa & ((1 << r) - 1);
    const half = 1 << (r - 1);
    const rounded = rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
    magnitude = BigInt(rounded);
  }
  const signed = negative ? -magnitude : magnitude;
  if (signed > I64_MAX) return I64_MAX;
  if (signed < I64_MIN) return I64_MIN;
  return signed;
}

/**
 * `fixed_q32_32::to_f32`: a Q32.32 raw to the nearest f32 (ties to even), returned as a JS number.
 * `raw` is taken modulo 2⁶⁴ as an i64. Never returns −0.
 * @public
 */
export function toF32(raw: bigint): number {
  const r = BigInt.asIntN(64, raw);
  if (r === 0n) return 0;
  const negative = r < 0n;
  const abs = negative ? -r : r; // 1 ≤ abs ≤ 2^63
  let magnitude: number;
  if (abs <= TWO_POW_53) {
    // Number(abs) and the power-of-two scaling are exact; fround is the only rounding.
    magnitude = Math.fround(Number(abs) * TWO_POW_M32);
  } else {
    // Round to odd at 53 bits (truncate, OR the sticky bit into the last place), then to 24 bits:
    // 53 ≥ 24 + 2, so the second rounding equals one correct rounding of the exact value.
    let sh = 1n;
    while (abs >> (53n + sh) !== 0n) sh++;
    let t = abs >> sh;
    if ((abs & ((1n << sh) - 1n)) !== 0n) t |= 1n;
    magnitude = Math.fround(Number(t) * 2 ** (Number(sh) - 32));
  }
  return negative ? -magnitude : magnitude;
}

const TWO_POW_32 = 2 ** 32;
/** Raws with |raw| ≤ 2⁵³ have a high word in [−2²¹, 2²¹]: there a double holds them exactly. */
const EXACT_HI = 0x200000;
/** Below this magnitude (2²⁰), `fromF32` neither saturates nor leaves the exact-double range. */
const SMALL_F32 = 2 ** 20;

/**
 * `toF32` of the i64 raw stored as two 32-bit words (`lo` unsigned, `hi` signed: raw = hi·2³² + lo),
 * without a bigint when |raw| ≤ 2⁵³ — exactly the first branch of `toF32`, whose `Number(abs)` is
 * the double computed here; larger raws go through `toF32` itself.
 * @public
 */
export function toF32Words(lo: number, hi: number): number {
  if (hi < -EXACT_HI || hi > EXACT_HI || (hi === EXACT_HI && lo !== 0)) return toF32((BigInt(hi) << 32n) + BigInt(lo >>> 0));
  const raw = hi * TWO_POW_32 + (lo >>> 0);
  if (raw === 0) return 0;
  const magnitude = Math.fround(Math.abs(raw) * TWO_POW_M32);
  return raw < 0 ? -magnitude : magnitude;
}

/**
 * Writes `fromF32(x)` as an i64 LE at `dv[at]`, without a bigint when |fround(x)| < 2²⁰: then
 * x·2³² is exact in a double (an f32 times a power of two), and rounding its magnitude half to
 * even gives the integer `fromF32`'s shifts give; NaN, infinities and larger values go through
 * `fromF32` itself.
 * @public
 */
export function setFromF32(dv: DataView, at: number, x: number): void {
  const v = Math.fround(x);
  const a = Math.abs(v);
  if (!(a < SMALL_F32)) {
    dv.setBigInt64(at, fromF32(v), true);
    return;
  }
  const m = a * TWO_POW_32;
  let q = Math.floor(m);
  const rem = m - q;
  if (rem > 0.5 || (rem === 0.5 && q % 2 === 1)) q += 1;
  const raw = v < 0 && q !== 0 ? -q : q;
  const hi = Math.floor(raw / TWO_POW_32);
  dv.setUint32(at, raw - hi * TWO_POW_32, true);
  dv.setInt32(at + 4, hi, true);
}
