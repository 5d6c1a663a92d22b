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

/** Read access to a tick's footprints (an array, or `PackedFootprints`). @public */
export interface FootprintList extends Iterable<Footprint> {
  readonly length: number;
  at(i: number): Footprint | undefined;
}

/** @public */
export class PackedFootprints implements FootprintList {
  private constructor(
    private readonly bytes: Uint8Array,
    /** Start offset of entry i; `offsets[length]` is the end. */
    private readonly offsets: Uint32Array,
  ) {}

  static pack(fps: readonly Footprint[]): PackedFootprints {
    const w = new ByteWriter(64 + fps.length * 104);
    const offsets = new Uint32Array(fps.length + 1);
    for (let i = 0; i < fps.length; i++) {
      offsets[i] = w.length;
      writeFootprint(w, fps[i]!);
    }
    offsets[fps.length] = w.length;
    return new PackedFootprints(w.finish(), offsets);
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  /** Bytes held (payload + offset table). */
  get byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength;
  }

  at(i: number): Footprint | undefined {
    const n = this.length;
    const k = i < 0 ? i + n : i;
    if (!Number.isInteger(k) || k < 0 || k >= n) return undefined;
    return readFootprint(new ByteReader(this.bytes, this.offsets[k]!, this.offsets[k + 1]!));
  }

  *[Symbol.iterator](): Iterator<Footprint> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
