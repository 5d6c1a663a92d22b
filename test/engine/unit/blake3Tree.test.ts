/**
 * `Blake3Tree` (engine/blake3Tree.ts) equals plain BLAKE3-256 (@noble/hashes and hash-wasm) for
 * every input length, and stays equal after in-place edits, truncations, appends and splices
 * declared through `markDirty` / `markChangedFrom`, while recomputing only what changed.
 */
import { describe, expect, it } from 'vitest';
import { Blake3Tree, BLAKE3_CHUNK_LEN, blake3TreeHash } from '../../../engine/blake3Tree';
import { nobleBlake3, toHex, wasmBlake3 } from '../../../engine/index';
import { FC_SEED } from '../../support/prop';

/** mulberry32, seeded from the pinned property seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

const hex = (b: Uint8Array): string => toHex(b);
const reference = (b: Uint8Array): string => hex(b.length <= 1 << 16 ? nobleBlake3.hash(b) : wasmBlake3.hash(b));

describe('Blake3Tree one-shot equals BLAKE3', () => {
  it('official vectors (empty input; 1024 bytes of i % 251)', () => {
    expect(hex(blake3TreeHash(new Uint8Array(0)))).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    const v = new Uint8Array(1024).map((_, i) => i % 251);
    expect(hex(blake3TreeHash(v))).toBe('42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7');
  });

  it('boundary lengths against noble and hash-wasm', () => {
    const r = rng(FC_SEED);
    const lengths = [0, 1, 2, 3, 4, 5, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2047, 2048, 2049, 3072, 3073, 4095, 4096, 4097, 5 * 1024 + 7, 8 * 1024, 16 * 1024 - 1, 16 * 1024, 31 * 1024 + 1, 32 * 1024, 33 * 1024 + 5];
    for (const n of lengths) {
      const d = randomBytes(r, n);
      const want = hex(nobleBlake3.hash(d));
      expect(hex(wasmBlake3.hash(d)), `wasm n=${n}`).toBe(want);
      expect(hex(blake3TreeHash(d)), `tree n=${n}`).toBe(want);
    }
  });

  it('random lengths (incl. unaligned views) against noble', () => {
    const r = rng(FC_SEED + 1);
    for (let k = 0; k < 60; k++) {
      const n = (r() * 70_000) | 0;
      const pad = (r() * 4) | 0;
      const backing = randomBytes(r, n + pad);
      const d = backing.subarray(pad); // byteOffset 0..3: exercises the unaligned path
      expect(hex(blake3TreeHash(d)), `n=${n} pad=${pad}`).toBe(hex(nobleBlake3.hash(d)));
    }
  });

  it('multi-MB input against hash-wasm', () => {
    const r = rng(FC_SEED + 2);
    for (const n of [3 * 1024 * 1024 + 17, 5_000_000]) {
      const d = randomBytes(r, n);
      expect(hex(blake3TreeHash(d))).toBe(hex(wasmBlake3.hash(d)));
    }
  });
});

describe('Blake3Tree incremental updates', () => {
  it('random in-place edits, truncations, appends and splices stay equal to BLAKE3', () => {
    const r = rng(FC_SEED + 3);
    for (let round = 0; round < 12; round++) {
      let data = randomBytes(r, (r() * 40_000) | 0);
      const tree = new Blake3Tree();
      expect(hex(tree.build(data))).toBe(reference(data));
      for (let step = 0; step < 25; step++) {
        const kind = (r() * 5) | 0;
        if (kind <= 1 && data.length > 0) {
          // Several in-place edits of random ranges.
          const edits = 1 + ((r() * 4) | 0);
          for (let e = 0; e < edits; e++) {
            const a = (r() * data.length) | 0;
            const b = Math.min(data.length, a + 1 + ((r() * 300) | 0));
            for (let i = a; i < b; i++) data[i] = (r() * 256) | 0;
            tree.markDirty(a, b);
          }
        } else if (kind === 2) {
          const cut = (r() * (data.length + 1)) | 0;
          data = data.slice(0, cut);
          tree.markChangedFrom(cut);
        } else if (kind === 3) {
          const extra = randomBytes(r, (r() * 5000) | 0);
          const next = new Uint8Array(data.length + extra.length);
          next.set(data);
          next.set(extra, data.length);
          // Appending changes nothing before the old end: no declaration needed.
          data = next;
        } else {
          const at = (r() * (data.length + 1)) | 0;
          const ins = randomBytes(r, (r() * 3000) | 0);
          const del = Math.min(data.length - at, (r() * 3000) | 0);
          const next = new Uint8Array(data.length - del + ins.length);
          next.set(data.subarray(0, at));
          next.set(ins, at);
          next.set(data.subarray(at + del), at + ins.length);
          data = next;
          tree.markChangedFrom(at);
        }
        expect(hex(tree.update(data)), `round ${round} step ${step} kind ${kind} len ${data.length}`).toBe(reference(data));
        expect(tree.length).toBe(data.length);
      }
    }
  });

  it('edits across every chunk-count shape (1..40 chunks) re-hash correctly', () => {
    const r = rng(FC_SEED + 4);
    for (let chunks = 1; chunks <= 40; chunks++) {
      for (const tailBytes of [0, 1, 1023]) {
        const n = (chunks - 1) * BLAKE3_CHUNK_LEN + (tailBytes === 0 ? BLAKE3_CHUNK_LEN : tailBytes);
        const data = randomBytes(r, n);
        const tree = new Blake3Tree();
        tree.build(data);
        const at = (r() * n) | 0;
        data[at] ^= 0xff;
        tree.markDirty(at, at + 1);
        expect(hex(tree.update(data)), `chunks=${chunks} tail=${tailBytes}`).toBe(hex(nobleBlake3.hash(data)));
      }
    }
  });

  it('a one-byte edit in a multi-MB stream recomputes one chunk and O(log n) parents', () => {
    const r = rng(FC_SEED + 5);
    const n = 4 * 1024 * 1024 + 333;
    const data = randomBytes(r, n);
    const tree = new Blake3Tree();
    tree.build(data);
    const before = { ...tree.stats };
    const at = 1_234_567;
    data[at] ^= 1;
    tree.markDirty(at, at + 1);
    const h = tree.update(data);
    expect(hex(h)).toBe(hex(wasmBlake3.hash(data)));
    expect(tree.stats.chunks - before.chunks).toBe(1);
    // ≤ one parent per level (13 levels for 4097 chunks) plus the root fold over the peaks.
    expect(tree.stats.parents - before.parents).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n / BLAKE3_CHUNK_LEN)) + 2);
    // Nothing declared: nothing recomputed but the root, and the same root.
    const again = { ...tree.stats };
    expect(hex(tree.update(data))).toBe(hex(h));
    expect(tree.stats.chunks - again.chunks).toBe(0);
  });

  it('a change from offset k recomputes only chunks from k on', () => {
    const r = rng(FC_SEED + 6);
    const n = 600 * BLAKE3_CHUNK_LEN + 10;
    let data = randomBytes(r, n);
    const tree = new Blake3Tree();
    tree.build(data);
    const before = tree.stats.chunks;
    const k = 500 * BLAKE3_CHUNK_LEN + 100;
    const next = new Uint8Array(n + 7);
    next.set(data.subarray(0, k));
    next.set(randomBytes(r, n + 7 - k), k);
    data = next;
    tree.markChangedFrom(k);
    expect(hex(tree.update(data))).toBe(hex(wasmBlake3.hash(data)));
    expect(tree.stats.chunks - before).toBe(Math.ceil(data.length / BLAKE3_CHUNK_LEN) - 500);
  });
});
