/**
 * The footprints of one tick's receipt entries, as the tick history keeps them.
 *
 * A live `Footprint` costs ~2 KB of heap (Maps, hex keys, key objects) and the history keeps
 * one per candidate per tick, so a long run's history was mostly footprints and every GC walked
 * them. `PackedFootprints` keeps them as their canonical bytes (~100 B for a one-slot footprint)
 * and decodes an entry on demand; only "why rejected" views, blame and session export read them.
 *
 * Invariants:
 * - `at(i)` returns a footprint equal (same sets, same factor mask) to the i-th packed one, a
 *   fresh object each call (callers may not rely on identity).
 * - Plain arrays satisfy `FootprintList` too (records built by timelines or session import).
 */
import { ByteWriter } from './bytes';
import { ByteReader } from './codec/byteReader';
import { readFootprint, writeFootprint } from './codec/footprintBinary';
import type { Footprint } from './footprint';
import { visitOrder } from './visitOrder';

/** Read access to a tick's footprints (an array, or `PackedFootprints`). @public */
export interface FootprintList extends Iterable<Footprint> {
  readonly length: number;
  at(i: number): Footprint | undefined;
}

/** @public */
export class PackedFootprints implements FootprintList {
  private constructor(
    private readonly bytes: Uint8Array,
    /** Entry i is `bytes[starts[i], ends[i])` (entries need not be stored in index order). */
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
  ) {}

  /**
   * Packs `fps`; entry i is `fps[i]`. `visit`, when given, is a permutation of 0..n−1 giving the
   * order the footprints are READ and stored in — the engine passes the order its candidates were
   * queued in (their allocation order): reading them in drain order (at random) costs several
   * times more in cache misses. What `at(i)` returns does not depend on it.
   * @throws RangeError when `visit` is not a permutation
   */
  static pack(fps: readonly Footprint[], visit?: ArrayLike<number>): PackedFootprints {
    const n = fps.length;
    const at = visitOrder(visit, n, 'footprints');
    // Presized for one-slot footprints (106 bytes each, the common case: no growth copy).
    const w = new ByteWriter(64 + n * 106);
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      const i = at(j);
      starts[i] = w.length;
      writeFootprint(w, fps[i]!);
      ends[i] = w.length;
    }
    return new PackedFootprints(w.take(), starts, ends);
  }

  get length(): number {
    return this.starts.length;
  }

  /** Bytes held (payload + offset tables). */
  get byteLength(): number {
    return this.bytes.byteLength + this.starts.byteLength + this.ends.byteLength;
  }

  at(i: number): Footprint | undefined {
    const n = this.length;
    const k = i < 0 ? i + n : i;
    if (!Number.isInteger(k) || k < 0 || k >= n) return undefined;
    return readFootprint(new ByteReader(this.bytes, this.starts[k]!, this.ends[k]!));
  }

  *[Symbol.iterator](): Iterator<Footprint> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
