/**
 * BLAKE3-256 with an exposed, cached hash tree (pure TypeScript), for streams that change in place.
 *
 * BLAKE3 (https://github.com/BLAKE3-team/BLAKE3-specs) splits its input into 1024-byte chunks.
 * Chunk i is compressed block by block (64-byte blocks, counter t = i, flags CHUNK_START on the
 * first block and CHUNK_END on the last) into a chaining value (CV). CVs are merged pairwise by
 * PARENT compressions (key = IV, counter 0, block = left CV ‖ right CV); the left subtree always
 * holds the largest power of two of chunks that leaves at least one chunk on the right. The root
 * compression additionally carries ROOT (a single chunk's last block, or the top parent).
 *
 * `Blake3Tree` keeps every chunk CV and every CV of a complete, aligned subtree of 2^l chunks
 * (level l, index i covers chunks [i·2^l, (i+1)·2^l)). The root then folds the "peaks" (the
 * binary decomposition of the chunk count) right to left. Hence:
 * - an in-place edit of bytes [a, b) (`markDirty`) costs the dirty chunks plus O(log n) parents
 *   per dirty chunk, plus O(log n) for the root fold;
 * - a change from byte k on, with any new length (`markChangedFrom`), recomputes only chunks from
 *   k's chunk on and their ancestors.
 *
 * Contract:
 * - `update(data)` / `build(data)` equal plain BLAKE3-256 of `data` for every input, PROVIDED every
 *   byte that differs from the previous call lies in a range declared with `markDirty` /
 *   `markChangedFrom` (a length change implies "changed from the shorter length").
 * - Deterministic and allocation-light: scratch buffers live on the instance (no module state).
 * - Words are read little-endian; on a (hypothetical) big-endian host every block is assembled
 *   byte by byte instead of through a `Uint32Array` view.
 */
import type { Hash } from './ident';

/** BLAKE3 chunk length in bytes. @public */
export const BLAKE3_CHUNK_LEN = 1024;

const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;

const IV0 = 0x6a09e667 | 0;
const IV1 = 0xbb67ae85 | 0;
const IV2 = 0x3c6ef372 | 0;
const IV3 = 0xa54ff53a | 0;
const IV4 = 0x510e527f | 0;
const IV5 = 0x9b05688c | 0;
const IV6 = 0x1f83d9ab | 0;
const IV7 = 0x5be0cd19 | 0;

const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/**
 * One BLAKE3 compression (7 rounds, fully unrolled). Reads the input CV from `h[hOff..hOff+8)` and
 * the 16 message words from `m[mOff..mOff+16)`; writes the output CV (the first 8 words of the
 * compression output, v[i] ^ v[i+8]) to `out[oOff..oOff+8)`. `out` may alias `h`.
 */
function compress(
  h: Uint32Array,
  hOff: number,
  m: Uint32Array,
  mOff: number,
  counterLo: number,
  counterHi: number,
  blockLen: number,
  flags: number,
  out: Uint32Array,
  oOff: number,
): void {
  const m0 = m[mOff]! | 0, m1 = m[mOff + 1]! | 0, m2 = m[mOff + 2]! | 0, m3 = m[mOff + 3]! | 0;
  const m4 = m[mOff + 4]! | 0, m5 = m[mOff + 5]! | 0, m6 = m[mOff + 6]! | 0, m7 = m[mOff + 7]! | 0;
  const m8 = m[mOff + 8]! | 0, m9 = m[mOff + 9]! | 0, m10 = m[mOff + 10]! | 0, m11 = m[mOff + 11]! | 0;
  const m12 = m[mOff + 12]! | 0, m13 = m[mOff + 13]! | 0, m14 = m[mOff + 14]! | 0, m15 = m[mOff + 15]! | 0;
  let v0 = h[hOff]! | 0, v1 = h[hOff + 1]! | 0, v2 = h[hOff + 2]! | 0, v3 = h[hOff + 3]! | 0;
  let v4 = h[hOff + 4]! | 0, v5 = h[hOff + 5]! | 0, v6 = h[hOff + 6]! | 0, v7 = h[hOff + 7]! | 0;
  let v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
  let v12 = counterLo | 0, v13 = counterHi | 0, v14 = blockLen | 0, v15 = flags | 0;
  // round 0
  v0 = (v0 + v4 + m0) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m1) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m2) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m3) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m4) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m5) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m6) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m7) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m8) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m9) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m10) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m11) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m12) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m13) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m14) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m15) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 1
  v0 = (v0 + v4 + m2) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m6) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m3) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m10) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m7) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m0) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m4) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m13) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m1) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m11) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m12) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m5) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m9) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m14) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m15) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m8) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 2
  v0 = (v0 + v4 + m3) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m4) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m10) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m12) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m13) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m2) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m7) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m14) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m6) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m5) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m9) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m0) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m11) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m15) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m8) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m1) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 3
  v0 = (v0 + v4 + m10) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m7) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m12) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m9) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m14) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m3) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m13) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m15) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m4) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m0) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m11) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m2) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m5) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m8) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m1) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m6) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 4
  v0 = (v0 + v4 + m12) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m13) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m9) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m11) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m15) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m10) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m14) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m8) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m7) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m2) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m5) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m3) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m0) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m1) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m6) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m4) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 5
  v0 = (v0 + v4 + m9) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m14) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m11) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m5) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m8) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m12) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m15) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m1) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m13) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m3) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m0) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m10) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m2) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m6) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m4) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m7) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  // round 6
  v0 = (v0 + v4 + m11) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
  v0 = (v0 + v4 + m15) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
  v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
  v1 = (v1 + v5 + m5) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
  v1 = (v1 + v5 + m0) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
  v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
  v2 = (v2 + v6 + m1) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
  v2 = (v2 + v6 + m9) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
  v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
  v3 = (v3 + v7 + m8) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
  v3 = (v3 + v7 + m6) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
  v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
  v0 = (v0 + v5 + m14) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
  v0 = (v0 + v5 + m10) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
  v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
  v1 = (v1 + v6 + m2) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
  v1 = (v1 + v6 + m12) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
  v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
  v2 = (v2 + v7 + m3) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
  v2 = (v2 + v7 + m4) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
  v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
  v3 = (v3 + v4 + m7) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
  v3 = (v3 + v4 + m13) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
  v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
  out[oOff] = v0 ^ v8;
  out[oOff + 1] = v1 ^ v9;
  out[oOff + 2] = v2 ^ v10;
  out[oOff + 3] = v3 ^ v11;
  out[oOff + 4] = v4 ^ v12;
  out[oOff + 5] = v5 ^ v13;
  out[oOff + 6] = v6 ^ v14;
  out[oOff + 7] = v7 ^ v15;
}

function clampLen(cap: number, need: number): number {
  let c = Math.max(cap, 64);
  while (c < need) c = Math.ceil(c * 1.5);
  return c;
}

/** Work counters (compressions by kind) since construction; for tests and benchmarks. @public */
export interface Blake3TreeStats {
  /** Chunk CVs computed (each is up to 16 compressions). */
  chunks: number;
  /** Parent (and root-fold) compressions. */
  parents: number;
  /** Calls to `update` / `build`. */
  updates: number;
}

/**
 * BLAKE3-256 over a byte stream with every chunk and complete-subtree CV cached (see the file header).
 *
 * Usage: `build(data)` once; later, after editing the stream, declare what changed with
 * `markDirty(start, end)` (same length) or `markChangedFrom(offset)` (anything from `offset` on,
 * new length allowed) and call `update(newData)`. Undeclared differences give a wrong hash.
 * @public
 */
export class Blake3Tree {
  private len = 0;
  private n = 0;
  private built = false;
  /** levels[l] holds the CVs (8 words each) of level l: chunk CVs at l = 0. */
  private levels: Uint32Array[] = [];
  private dirty: number[] = [];
  private changedFrom = Number.POSITIVE_INFINITY;
  private rootHash: Uint8Array = new Uint8Array(32);
  private readonly iv = Uint32Array.of(IV0, IV1, IV2, IV3, IV4, IV5, IV6, IV7);
  private readonly scratchCv = new Uint32Array(8);
  private readonly block = new Uint32Array(16);
  private readonly pair = new Uint32Array(16);
  private readonly rootWords = new Uint32Array(8);
  readonly stats: Blake3TreeStats = { chunks: 0, parents: 0, updates: 0 };

  /** Bytes covered by the cached tree (the length passed to the last `update`). */
  get length(): number {
    return this.len;
  }

  /** Chunk count of the cached tree (≥ 1 once built: the empty input is one empty chunk). */
  get chunkCount(): number {
    return this.n;
  }

  /** Whether a tree is cached. */
  get isBuilt(): boolean {
    return this.built;
  }

  /** The root of the last `update` / `build` (a copy). */
  root(): Hash {
    return this.rootHash.slice();
  }

  /** Forgets the cached tree; the next `update` hashes everything. */
  reset(): void {
    this.built = false;
    this.dirty = [];
    this.changedFrom = Number.POSITIVE_INFINITY;
  }

  /** Hashes `data` from scratch and caches its tree. */
  build(data: Uint8Array): Hash {
    this.reset();
    return this.update(data);
  }

  /** Declares that bytes in [start, end) changed in place (the length is unchanged by this edit). */
  markDirty(start: number, end: number): void {
    if (end <= start) return;
    const a = Math.floor(start / BLAKE3_CHUNK_LEN);
    const b = Math.floor((end - 1) / BLAKE3_CHUNK_LEN);
    const d = this.dirty;
    for (let c = a; c <= b; c++) if (d.length === 0 || d[d.length - 1] !== c) d.push(c); // neighbours often share a chunk
  }

  /** Declares that any byte at or after `offset` may differ and that the length may change. */
  markChangedFrom(offset: number): void {
    if (offset < this.changedFrom) this.changedFrom = Math.max(0, offset);
  }

  /**
   * Re-hashes `data` (the whole current stream) reusing every cached CV that no declared change
   * can reach, and returns the BLAKE3-256 root.
   */
  update(data: Uint8Array): Hash {
    this.stats.updates++;
    const newLen = data.length;
    const newN = Math.max(1, Math.ceil(newLen / BLAKE3_CHUNK_LEN));
    let from: number;
    if (!this.built) {
      from = 0;
    } else {
      let byteFrom = this.changedFrom;
      if (newLen !== this.len) byteFrom = Math.min(byteFrom, this.len, newLen);
      from = byteFrom === Number.POSITIVE_INFINITY ? newN : Math.floor(byteFrom / BLAKE3_CHUNK_LEN);
    }
    if (from > newN) from = newN;
    let dirty = this.dirty;
    this.dirty = [];
    this.changedFrom = Number.POSITIVE_INFINITY;
    if (dirty.length > 0) {
      dirty = uniqueBelow(dirty, from);
      // A mostly dirty stream is cheaper as one contiguous pass.
      if (dirty.length > 0 && dirty.length * 2 > newN - dirty[0]!) {
        from = Math.min(from, dirty[0]!);
        dirty = [];
      }
    }

    const words = LITTLE_ENDIAN && (data.byteOffset & 3) === 0 ? new Uint32Array(data.buffer, data.byteOffset, newLen >>> 2) : null;
    // Level 0: chunk CVs.
    let level = this.ensureLevel(0, newN, from);
    for (const c of dirty) this.chunkCv(data, words, newLen, c, 0, level, c * 8);
    for (let c = from; c < newN; c++) this.chunkCv(data, words, newLen, c, 0, level, c * 8);
    this.stats.chunks += dirty.length + (newN - from);

    // Levels ≥ 1: complete aligned subtrees.
    let count = newN;
    let l = 0;
    while (count >> 1 >= 1) {
      const below = level;
      count >>= 1;
      l++;
      from >>= 1;
      if (from > count) from = count;
      level = this.ensureLevel(l, count, from);
      let prev = -1;
      const next: number[] = [];
      for (const c of dirty) {
        const p = c >> 1;
        if (p === prev || p >= from) continue;
        prev = p;
        next.push(p);
        compress(this.iv, 0, below, p * 16, 0, 0, 64, PARENT, level, p * 8);
      }
      for (let p = from; p < count; p++) compress(this.iv, 0, below, p * 16, 0, 0, 64, PARENT, level, p * 8);
      this.stats.parents += next.length + (count - from);
      dirty = next;
    }
    this.levels.length = l + 1;
    this.len = newLen;
    this.n = newN;
    this.built = true;
    this.rootHash = this.computeRoot(data, words);
    return this.rootHash.slice();
  }

  private ensureLevel(l: number, count: number, validPrefix: number): Uint32Array {
    const need = count * 8;
    let arr = this.levels[l];
    if (!arr || arr.length < need) {
      const next = new Uint32Array(clampLen(arr ? arr.length : 0, need));
      if (arr && this.built) next.set(arr.subarray(0, Math.min(arr.length, validPrefix * 8)));
      arr = next;
      this.levels[l] = arr;
    }
    return arr;
  }

  /** CV of chunk `c` (its last block also carries `lastFlags`), written to out[oOff..oOff+8). */
  private chunkCv(data: Uint8Array, words: Uint32Array | null, len: number, c: number, lastFlags: number, out: Uint32Array, oOff: number): void {
    const start = c * BLAKE3_CHUNK_LEN;
    const clen = Math.min(BLAKE3_CHUNK_LEN, len - start);
    const blocks = clen <= 0 ? 1 : (clen + 63) >> 6;
    const cv = this.scratchCv;
    cv.set(this.iv);
    const lo = c % 0x100000000 | 0;
    const hi = Math.floor(c / 0x100000000) | 0;
    for (let b = 0; b < blocks; b++) {
      const bOff = start + (b << 6);
      const bl = Math.max(0, Math.min(64, clen - (b << 6)));
      let flags = b === 0 ? CHUNK_START : 0;
      const last = b === blocks - 1;
      if (last) flags |= CHUNK_END | lastFlags;
      const dst = last ? out : cv;
      const dOff = last ? oOff : 0;
      if (bl === 64 && words) {
        compress(cv, 0, words, bOff >> 2, lo, hi, 64, flags, dst, dOff);
      } else {
        this.loadBlock(data, bOff, bl);
        compress(cv, 0, this.block, 0, lo, hi, bl, flags, dst, dOff);
      }
    }
  }

  /** Loads `bl` bytes at `off` into the zero-padded scratch block, little-endian. */
  private loadBlock(data: Uint8Array, off: number, bl: number): void {
    const m = this.block;
    m.fill(0);
    for (let i = 0; i < bl; i++) m[i >> 2] = m[i >> 2]! | (data[off + i]! << ((i & 3) << 3));
  }

  private computeRoot(data: Uint8Array, words: Uint32Array | null): Uint8Array {
    const n = this.n;
    const rw = this.rootWords;
    if (n === 1) {
      this.chunkCv(data, words, this.len, 0, ROOT, rw, 0);
      this.stats.chunks++;
    } else {
      const bits: number[] = [];
      for (let l = 0; 2 ** l <= n; l++) if (Math.floor(n / 2 ** l) % 2 === 1) bits.push(l);
      if (bits.length === 1) {
        const top = bits[0]!;
        compress(this.iv, 0, this.levels[top - 1]!, 0, 0, 0, 64, PARENT | ROOT, rw, 0);
        this.stats.parents++;
      } else {
        const pair = this.pair;
        const peak = (l: number): number => (Math.floor(n / 2 ** l) - 1) * 8;
        const l0 = bits[0]!;
        pair.set(this.levels[l0]!.subarray(peak(l0), peak(l0) + 8), 8);
        for (let k = 1; k < bits.length; k++) {
          const lk = bits[k]!;
          pair.set(this.levels[lk]!.subarray(peak(lk), peak(lk) + 8), 0);
          const isRoot = k === bits.length - 1;
          compress(this.iv, 0, pair, 0, 0, 0, 64, isRoot ? PARENT | ROOT : PARENT, isRoot ? rw : pair, isRoot ? 0 : 8);
          this.stats.parents++;
        }
      }
    }
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const w = rw[i]!;
      out[4 * i] = w & 0xff;
      out[4 * i + 1] = (w >>> 8) & 0xff;
      out[4 * i + 2] = (w >>> 16) & 0xff;
      out[4 * i + 3] = (w >>> 24) & 0xff;
    }
    return out;
  }
}

/** Sorted distinct values of `xs` below `limit`. */
function uniqueBelow(xs: number[], limit: number): number[] {
  xs.sort((a, b) => a - b);
  const out: number[] = [];
  for (const x of xs) if (x < limit && (out.length === 0 || out[out.length - 1] !== x)) out.push(x);
  return out;
}

/** Plain one-shot BLAKE3-256 through the tree code (no cache kept). @public */
export function blake3TreeHash(data: Uint8Array): Hash {
  return new Blake3Tree().build(data);
}
