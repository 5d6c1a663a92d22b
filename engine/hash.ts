/**
 * BLAKE3-256 behind one small interface, plus SHA-256 (only for the DIND generated type ids).
 *
 * Backends:
 * - `wasmBlake3` (hash-wasm) is the engine default: ~10-17x faster than pure JS here.
 * - `nobleBlake3` (@noble/hashes) is the audited reference; tests cross-check the two.
 *
 * Invariants:
 * - `hash(x)` is plain unkeyed BLAKE3 with a 32-byte output; streaming equals one-shot hashing of
 *   the concatenation, so canonical streams may be fed in any chunking.
 * - The wasm hasher instances are created once when this module loads (top-level await) and
 *   hold no state between calls: every `hash` re-initialises, every stream owns its instance
 *   until `digest`. Nothing observable depends on call history (lint allowlist: scripts/lint-allowlist.md).
 */
import { blake3 as nobleBlake3Fn } from '@noble/hashes/blake3.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createBLAKE3, type IHasher } from 'hash-wasm';

/** An incremental BLAKE3 computation. @public */
export interface Blake3Stream {
  update(data: Uint8Array): void;
  /** Finishes the stream; the stream must not be used afterwards. */
  digest(): Uint8Array;
}

/** A BLAKE3-256 implementation. @public */
export interface Blake3 {
  readonly name: string;
  hash(data: Uint8Array): Uint8Array;
  stream(): Blake3Stream;
}

/** The audited pure-JS reference backend. @public */
export const nobleBlake3: Blake3 = {
  name: '@noble/hashes',
  hash: (data) => nobleBlake3Fn(data),
  stream() {
    const h = nobleBlake3Fn.create();
    return {
      update: (d) => void h.update(d),
      digest: () => h.digest(),
    };
  },
};

const POOL_SIZE = 4;
const oneShot: IHasher = await createBLAKE3(256);
const streamPool: IHasher[] = [];
for (let i = 0; i < POOL_SIZE; i++) streamPool.push(await createBLAKE3(256));

function wasmOneShot(data: Uint8Array): Uint8Array {
  oneShot.init();
  oneShot.update(data);
  return oneShot.digest('binary');
}

/** The hash-wasm backend (engine default). @public */
export const wasmBlake3: Blake3 = {
  name: 'hash-wasm',
  hash: wasmOneShot,
  stream() {
    const h = streamPool.pop();
    if (!h) {
      // More nested streams than pooled instances: buffer, then hash once.
      const chunks: Uint8Array[] = [];
      return {
        update: (d) => void chunks.push(d.slice()),
        digest: () => {
          let n = 0;
          for (const c of chunks) n += c.length;
          const all = new Uint8Array(n);
          let o = 0;
          for (const c of chunks) {
            all.set(c, o);
            o += c.length;
          }
          return wasmOneShot(all);
        },
      };
    }
    h.init();
    let done = false;
    return {
      update: (d) => {
        if (done) throw new Error('Blake3Stream used after digest');
        h.update(d);
      },
      digest: () => {
        if (done) throw new Error('Blake3Stream digested twice');
        done = true;
        const out = h.digest('binary');
        streamPool.push(h);
        return out;
      },
    };
  },
};

/** The backend the engine uses. @public */
export const defaultBlake3: Blake3 = wasmBlake3;

/** BLAKE3-256 of `data` with the default backend. @public */
export function blake3(data: Uint8Array): Uint8Array {
  return wasmOneShot(data);
}

/** SHA-256 of `data` (DIND generated type ids only, ENGINE-SPEC §11.5). @public */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}
