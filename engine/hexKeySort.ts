/**
 * Sorting many equal-length lowercase-hex keys (slot keys: ids in hex, a commit sorts one per
 * slot), faster than `Array.prototype.sort`'s string comparisons.
 *
 * Every key shares its first `lcp` characters with every other. The next few hex digits, as a
 * number, are packed with the key's index into one exactly representable double; a native
 * Float64Array sort orders those, and each run of keys that tie on the packed digits is then
 * ordered by plain string comparison. Hash-like keys rarely tie beyond their common prefix, so
 * that pass is short.
 *
 * Invariants:
 * - `sortHexKeys` is exactly `keys.slice().sort()` (code-unit order), for any input: keys of
 *   different lengths, or with a character in the packed window that is not a lowercase hex digit,
 *   take the plain sort. `hexKeyOrder` is the same order as stable indices.
 * - The input array is not modified.
 */

/** Value of a lowercase hex digit's code unit, −1 for anything else. */
const DIGIT = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) DIGIT[c] = c - 48;
for (let c = 97; c <= 102; c++) DIGIT[c] = c - 87;

/** Below this many keys the plain sort is as fast. */
const MIN_PACKED = 64;

/** `keys.slice().sort()`, for equal-length lowercase-hex keys in less time. @internal */
export function sortHexKeys(keys: readonly string[]): string[] {
  const order = hexKeyOrder(keys);
  const out = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) out[i] = keys[order[i]!]!;
  return out;
}

/**
 * The stable ascending order of `keys` (code-unit order) as indices: `keys[order[0]]` is the
 * least, equal keys keep their input order. Same speed-up as `sortHexKeys` for equal-length
 * lowercase-hex keys; anything else takes a plain comparison sort of the indices. @internal
 */
export function hexKeyOrder(keys: readonly string[]): Uint32Array {
  const n = keys.length;
  if (n < MIN_PACKED) return plainOrder(keys);
  const first = keys[0]!;
  const len = first.length;
  let lcp = len;
  let prefix = first;
  for (let i = 1; i < n; i++) {
    const k = keys[i]!;
    if (k.length !== len) return plainOrder(keys);
    // Most keys share the whole current prefix; a substring compared with === is a native
    // comparison (several times faster here than startsWith or a charCodeAt loop).
    if (k.substring(0, lcp) === prefix) continue;
    let j = 0;
    while (j < lcp && k.charCodeAt(j) === first.charCodeAt(j)) j++;
    lcp = j;
    prefix = first.slice(0, lcp);
  }
  // index bits + 4 bits per digit ≤ 52: the packed value is an exact integer below 2^53.
  let indexBits = 1;
  while (2 ** indexBits < n) indexBits++;
  const digits = Math.min(Math.floor((52 - indexBits) / 4), len - lcp);
  const scale = 2 ** indexBits;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    let v = 0;
    for (let d = 0; d < digits; d++) {
      const c = k.charCodeAt(lcp + d);
      const x = c < 128 ? DIGIT[c]! : -1;
      if (x < 0) return plainOrder(keys);
      v = v * 16 + x;
    }
    packed[i] = v * scale + i;
  }
  packed.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = packed[i]! % scale;
  // Runs that tie on the packed digits are in index order: order them by the whole key (stably).
  for (let i = 0; i < n; ) {
    const p = Math.floor(packed[i]! / scale);
    let j = i + 1;
    while (j < n && Math.floor(packed[j]! / scale) === p) j++;
    if (j - i > 1) order.subarray(i, j).sort((a, b) => compareKeys(keys, a, b));
    i = j;
  }
  return order;
}

/** Code-unit order of keys[a] and keys[b], then index order (stability). */
function compareKeys(keys: readonly string[], a: number, b: number): number {
  const x = keys[a]!;
  const y = keys[b]!;
  return x < y ? -1 : x > y ? 1 : a - b;
}

function plainOrder(keys: readonly string[]): Uint32Array {
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => compareKeys(keys, a, b));
}
