/**
 * A tick's ops as the engine's history keeps them (the patch's ops, the applied executor ops):
 * their canonical encodings (`writeOp`, the bytes the patch digest hashes) in one array, instead
 * of three to six objects per op that every major GC walks. A 100k-entity motion tick has 100k ops
 * in each list; as objects they were ~600 bytes of heap per entity per tick.
 *
 * Invariants:
 * - `at(i)` returns an op equal to the i-th one packed, as fresh objects each call.
 * - `writeTo(w)` appends exactly what `writeOp` writes for each op, in order.
 * - `sameBytes(other)` holds exactly when both lists encode to the same bytes (then they list
 *   equal ops, and one may stand for the other).
 */
import { ByteWriter } from './bytes';
import { ByteReader } from './codec/byteReader';
import { writeOp } from './codec/canonical';
import { readOp } from './codec/canonicalRead';
import type { WarpOp } from './tickDelta';

/** Read access to a list of ops (an array, or `PackedOps`). @public */
export interface OpList extends Iterable<WarpOp> {
  readonly length: number;
  at(i: number): WarpOp | undefined;
}

/** @public */
export class PackedOps implements OpList {
  readonly length: number;

  private constructor(
    private readonly bytes: Uint8Array,
    /** End offset of op k in `bytes` (op k starts where k − 1 ends). */
    private readonly ends: Uint32Array,
  ) {
    this.length = ends.length;
  }

  /** Packs `ops` in the given order. */
  static of(ops: readonly WarpOp[]): PackedOps {
    // Presized for an attachment write with a 48-byte atom (~157 bytes), the common op.
    const w = new ByteWriter(64 + 160 * ops.length);
    const ends = new Uint32Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      writeOp(w, ops[i]!);
      ends[i] = w.length;
    }
    return new PackedOps(w.take(), ends);
  }

  /** Bytes held (encodings and offsets). */
  get byteLength(): number {
    return this.bytes.byteLength + this.ends.byteLength;
  }

  at(i: number): WarpOp | undefined {
    const k = i < 0 ? i + this.length : i;
    if (!Number.isInteger(k) || k < 0 || k >= this.length) return undefined;
    return readOp(new ByteReader(this.bytes, k === 0 ? 0 : this.ends[k - 1]!, this.ends[k]!));
  }

  *[Symbol.iterator](): Iterator<WarpOp> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** Appends the ops' canonical encodings, in order. */
  writeTo(w: ByteWriter): void {
    w.bytes(this.bytes);
  }

  /** True when `other` holds the same encodings (same ops, same order). */
  sameBytes(other: PackedOps): boolean {
    if (other.length !== this.length || !sameContent(this.bytes, other.bytes)) return false;
    for (let i = 0; i < this.ends.length; i++) if (this.ends[i] !== other.ends[i]) return false;
    return true;
  }
}

/** Byte equality, four bytes a step where both arrays allow a 32-bit view. */
function sameContent(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let k = 0; k < words; k++) if (wa[k] !== wb[k]) return false;
    i = words << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Appends the encodings of `ops` (packed lists copy their bytes). @internal */
export function writeOpList(w: ByteWriter, ops: OpList): void {
  if (ops instanceof PackedOps) ops.writeTo(w);
  else for (const op of ops) writeOp(w, op);
}
