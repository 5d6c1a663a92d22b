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
 * - The result is exactly `keys.slice().sort()` (code-unit order), for any input: keys of
 *   different lengths, or with a character in the packed window that is not a lowercase hex digit,
 *   take the plain sort.
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
  const n = keys.length;
  if (n < MIN_PACKED) return keys.slice().sort();
  const first = keys[0]!;
  const len = first.length;
  let lcp = len;
  for (let i = 1; i < n; i++) {
    const k = keys[i]!;
    if (k.length !== len) return keys.slice().sort();
    let j = 0;
    while (j < lcp && k.charCodeAt(j) === first.charCodeAt(j)) j++;
    lcp = j;
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
      if (x < 0) return keys.slice().sort();
      v = v * 16 + x;
    }
    packed[i] = v * scale + i;
  }
  packed.sort();
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = keys[packed[i]! % scale]!;
  // Runs that tie on the packed digits are in index order: order them by the whole key.
  for (let i = 0; i < n; ) {
    const p = Math.floor(packed[i]! / scale);
    let j = i + 1;
    while (j < n && Math.floor(packed[j]! / scale) === p) j++;
    if (j - i > 1) {
      const run = out.slice(i, j).sort();
      for (let k = i; k < j; k++) out[k] = run[k - i]!;
    }
    i = j;
  }
  return out;
}
