/**
 * A tick patch's in/out slots as the engine's history keeps them: their canonical encodings
 * (`writeSlot`, the bytes the patch digest hashes) in one array, instead of two or three objects
 * per slot that every major GC walks. A 100k-candidate tick has 100k–200k slots.
 *
 * Invariants:
 * - A `PackedSlots` is only built from canonical lists (sorted by `slotSortKey`, no duplicates):
 *   by `PackedSlots.pair` from slot objects, or by `TickSlots.packed` through `fromEncoded`. It
 *   is canonical by construction, and `slotsCanonical`-style checks may take it as such.
 * - `at(i)` returns a slot equal to the i-th one packed, as fresh objects each call.
 * - `writeTo(w)` appends exactly what `writeSlot` would write for each slot, in order.
 * - In- and out-lists of one pair share one byte array: an out-slot that is (the same object as)
 *   an in-slot is stored as the in-slot's index; out-lists whose slots are not in-slot objects
 *   get bytes of their own.
 */
import { ByteWriter } from './bytes';
import { ByteReader } from './codec/byteReader';
import { SLOT_ENCODED_BYTES, writeSlot } from './codec/canonical';
import { readSlot } from './codec/canonicalRead';
import type { SlotId } from './record';

/** Read access to a patch's slots (an array, or `PackedSlots`). @public */
export interface SlotList extends Iterable<SlotId> {
  readonly length: number;
  at(i: number): SlotId | undefined;
}

/** @public */
export class PackedSlots implements SlotList {
  readonly length: number;

  private constructor(
    private readonly bytes: Uint8Array,
    /** End offset of encoded slot k in `bytes` (slot k starts where k − 1 ends). */
    private readonly ends: Uint32Array,
    /** Which encoded slots this list lists, in order; null: all of them. */
    private readonly pick: Uint32Array | null,
  ) {
    this.length = pick ? pick.length : ends.length;
  }

  /**
   * Packs a canonical in-list and out-list. Out-slots found among the in-slots (by identity,
   * walking forward: both lists are in canonical order) share the in-slots' bytes.
   */
  static pair(ins: readonly SlotId[], outs: readonly SlotId[]): [PackedSlots, PackedSlots] {
    const [bytes, ends] = encode(ins);
    const packedIns = new PackedSlots(bytes, ends, null);
    const pick = new Uint32Array(outs.length);
    let j = 0;
    for (let i = 0; i < outs.length; i++) {
      while (j < ins.length && ins[j] !== outs[i]) j++;
      if (j === ins.length) {
        const [ob, oe] = encode(outs);
        return [packedIns, new PackedSlots(ob, oe, null)];
      }
      pick[i] = j++;
    }
    return [packedIns, new PackedSlots(bytes, ends, pick)];
  }

  /**
   * An in-list of canonical slot encodings (slot k ends at `ends[k]`) and the out-list that picks
   * the in-slots at the ascending indices `pick`. @internal Callers guarantee canonical order.
   */
  static fromEncoded(bytes: Uint8Array, ends: Uint32Array, pick: Uint32Array): [PackedSlots, PackedSlots] {
    return [new PackedSlots(bytes, ends, null), new PackedSlots(bytes, ends, pick)];
  }

  /** Bytes held (encodings, offsets and picks; shared bytes count in each list that shares them). */
  get byteLength(): number {
    return this.bytes.byteLength + this.ends.byteLength + (this.pick?.byteLength ?? 0);
  }

  at(i: number): SlotId | undefined {
    const k = i < 0 ? i + this.length : i;
    if (!Number.isInteger(k) || k < 0 || k >= this.length) return undefined;
    const e = this.pick ? this.pick[k]! : k;
    return readSlot(new ByteReader(this.bytes, e === 0 ? 0 : this.ends[e - 1]!, this.ends[e]!));
  }

  *[Symbol.iterator](): Iterator<SlotId> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** Appends the slots' canonical encodings, in order (runs of consecutive slots in one copy). */
  writeTo(w: ByteWriter): void {
    const { bytes, ends, pick } = this;
    if (!pick) {
      w.bytes(ends.length === 0 ? bytes.subarray(0, 0) : bytes.subarray(0, ends[ends.length - 1]!));
      return;
    }
    let i = 0;
    while (i < pick.length) {
      const first = pick[i]!;
      let last = first;
      while (i + 1 < pick.length && pick[i + 1] === last + 1) last = pick[++i]!;
      w.bytes(bytes.subarray(first === 0 ? 0 : ends[first - 1]!, ends[last]!));
      i++;
    }
  }
}

function encode(slots: readonly SlotId[]): [Uint8Array, Uint32Array] {
  let size = 0;
  for (const s of slots) size += SLOT_ENCODED_BYTES[s.kind];
  const w = new ByteWriter(size);
  const ends = new Uint32Array(slots.length);
  for (let i = 0; i < slots.length; i++) {
    writeSlot(w, slots[i]!);
    ends[i] = w.length;
  }
  return [w.finish(), ends];
}

/** Appends the encodings of `slots` (packed lists copy their bytes). @internal */
export function writeSlotList(w: ByteWriter, slots: SlotList): void {
  if (slots instanceof PackedSlots) slots.writeTo(w);
  else for (const s of slots) writeSlot(w, s);
}
