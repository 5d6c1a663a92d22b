/**
 * Bounds-checked little-endian reader for the engine's binary formats (session files, journals,
 * the WarpState codec) — the mirror of `ByteWriter`.
 *
 * Invariants:
 * - Every read checks the remaining length first and throws `CodecError` (never a `RangeError`
 *   or any other error) naming the absolute byte offset where the read failed.
 * - Allocations are bounded by the input: `bytes(n)` fails before allocating when fewer than `n`
 *   bytes remain, and `count(min)` rejects an item count whose items could not fit in what
 *   remains (at least `min` bytes each), so a corrupted length never allocates gigabytes.
 * - Integers are fixed width, little-endian; u64 values beyond 2^53 - 1 are rejected by `u64()`
 *   (use `u64big()` to read them exactly).
 */
import { decodeUtf8 } from '../bytes';

/** A malformed or truncated encoding, at absolute byte offset `offset`. @public */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** True when the input ended before the structure did. */
    readonly truncated = false,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

/** Reads a window `[start, end)` of a byte array; offsets in errors are absolute. @public */
export class ByteReader {
  private p: number;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.p = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.p;
  }

  get remaining(): number {
    return this.end - this.p;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.p) throw new CodecError(`${what}: needs ${n} bytes, ${this.end - this.p} remain`, this.p, true);
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.p++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.p, true);
    this.p += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.p, true);
    this.p += 4;
    return v;
  }

  /** A u64 that must fit a safe integer. */
  u64(what = 'u64'): number {
    const at = this.p;
    const v = this.u64big(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError(`${what}: ${v} exceeds 2^53 - 1`, at);
    return Number(v);
  }

  u64big(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.p, true);
    this.p += 8;
    return v;
  }

  /** A copy of the next `n` bytes. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.buf.slice(this.p, this.p + n);
    this.p += n;
    return out;
  }

  /** A 32-byte id or hash (a copy). */
  id(what = 'id'): Uint8Array {
    return this.bytes(32, what);
  }

  /** u32 byte length ‖ strict UTF-8. */
  str(what = 'string'): string {
    const at = this.p;
    const n = this.u32(what + ' length');
    this.need(n, what);
    const s = decodeUtf8(this.buf.subarray(this.p, this.p + n));
    if (s === null) throw new CodecError(`${what}: invalid UTF-8`, at);
    this.p += n;
    return s;
  }

  /** u32 byte length ‖ bytes. */
  blob(what = 'bytes'): Uint8Array {
    const n = this.u32(what + ' length');
    return this.bytes(n, what);
  }

  /** A u32 item count whose items (at least `minItemBytes` each) must fit in what remains. */
  count(minItemBytes: number, what = 'count'): number {
    const at = this.p;
    const n = this.u32(what);
    if (n * Math.max(1, minItemBytes) > this.end - this.p) {
      throw new CodecError(`${what} ${n} cannot fit: ${n} × ≥${minItemBytes} bytes, ${this.end - this.p} remain`, at);
    }
    return n;
  }

  /** A one-byte tag that must be one of `allowed`. */
  tag(allowed: readonly number[], what = 'tag'): number {
    const at = this.p;
    const t = this.u8(what);
    if (!allowed.includes(t)) throw new CodecError(`${what}: unknown value ${t}`, at);
    return t;
  }

  /** Throws unless every byte of the window was read. */
  expectEnd(what = 'structure'): void {
    if (this.p !== this.end) throw new CodecError(`${what}: ${this.end - this.p} unexpected trailing bytes`, this.p);
  }

  /** Throws a `CodecError` at the current offset (or `at`). */
  fail(message: string, at = this.p): never {
    throw new CodecError(message, at);
  }
}
