/**
 * Canonical byte helpers: hex, byte-wise comparison and a growable little-endian writer.
 *
 * Invariants:
 * - Every integer that reaches a hash is written little-endian with a fixed width (no varints).
 * - Ids compare with `compareBytes` (memcmp order) — never `localeCompare`, never default sort.
 * - Lowercase hex of equal-length byte strings sorts exactly like the bytes, so hex keys may be
 *   ordered with plain `<` (used by the ordered maps of the graph store).
 */

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = [];
for (let i = 0; i < 256; i++) HEX_PAIRS.push(HEX[i >> 4]! + HEX[i & 15]!);

/** Char codes of each byte's two hex digits: HEX_CODES[2b], HEX_CODES[2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_CODES[2 * i] = HEX_PAIRS[i]!.charCodeAt(0);
  HEX_CODES[2 * i + 1] = HEX_PAIRS[i]!.charCodeAt(1);
}
/** Bytes per `String.fromCharCode` call (its argument count stays far below engine limits). */
const HEX_BLOCK = 4096;

/**
 * Lowercase hex of `bytes`, as one flat string. (Appending two-char pieces would leave a chain of
 * ~30 rope nodes per 32-byte id that V8 hashes and compares without flattening: ~1 KB per key and
 * 3–5× slower map inserts and sorts — these strings are the graph store's keys.) @public
 */
export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n === 32) return idHex(bytes);
  if (n <= HEX_BLOCK) return hexBlock(bytes, 0, n);
  const parts: string[] = [];
  for (let i = 0; i < n; i += HEX_BLOCK) parts.push(hexBlock(bytes, i, Math.min(n, i + HEX_BLOCK)));
  return parts.join('');
}

/**
 * The last id converted, by identity and by content: matcher, footprint and executor of one
 * candidate, and a store's consecutive lookups, ask for the same id's hex several times in a row.
 * Compared byte for byte before reuse, so a changed or different array never gets a stale string.
 */
const lastId = new Uint8Array(32);
let lastIdObj: Uint8Array | null = null;
let lastIdHex = '';

function idHex(bytes: Uint8Array): string {
  if (bytes === lastIdObj) {
    let same = true;
    for (let i = 0; i < 32; i++) {
      if (bytes[i] !== lastId[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastIdHex;
  }
  const h = hexBlock(bytes, 0, 32);
  lastId.set(bytes);
  lastIdObj = bytes;
  lastIdHex = h;
  return h;
}

function hexBlock(bytes: Uint8Array, from: number, to: number): string {
  const codes = new Array<number>(2 * (to - from));
  for (let i = from, j = 0; i < to; i++, j += 2) {
    const b = bytes[i]!;
    codes[j] = HEX_CODES[2 * b]!;
    codes[j + 1] = HEX_CODES[2 * b + 1]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Digit value of each UTF-16 code unit: 0–15 for hex digits (either case), −1 otherwise. */
const HEX_VALUE = new Int8Array(65536).fill(-1);
for (let c = 48; c <= 57; c++) HEX_VALUE[c] = c - 48;
for (let c = 97; c <= 102; c++) HEX_VALUE[c] = c - 87;
for (let c = 65; c <= 70; c++) HEX_VALUE[c] = c - 55;

/** Value of the hex digit with UTF-16 code unit `c` (either case), or −1. @internal */
export function hexDigitValue(c: number): number {
  return HEX_VALUE[c]!;
}

/** Parses hex (either case) into bytes. @throws RangeError on odd length or a non-hex digit. @public */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError(`hex string has odd length ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = HEX_VALUE[hex.charCodeAt(2 * i)]!;
    const lo = HEX_VALUE[hex.charCodeAt(2 * i + 1)]!;
    if (hi < 0 || lo < 0) throw new RangeError(`invalid hex digit near offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** memcmp-style total order on byte strings (shorter prefix sorts first). @public */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when both byte strings are identical. @public */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Orders two strings by UTF-16 code units (equals byte order for lowercase hex). @internal */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a string. @public */
export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** Strict UTF-8 decode; returns `null` on invalid input. @public */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Concatenates byte strings. @public */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A sink that receives canonical bytes (a hasher or a buffer). @internal */
export interface ByteSink {
  update(bytes: Uint8Array): void;
}

/**
 * Growable little-endian byte writer. When constructed with a `sink`, it flushes to it whenever
 * the buffer fills, so arbitrarily long canonical streams are hashed in bounded memory.
 * @public
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialCapacity = 256, private readonly sink?: ByteSink, private readonly flushAt = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, sink ? Math.max(initialCapacity, flushAt) : initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    if (this.sink && this.len > 0) {
      this.flush();
      if (extra <= this.buf.length) return;
    }
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Pushes buffered bytes to the sink (no-op without a sink). */
  flush(): void {
    if (!this.sink || this.len === 0) return;
    this.sink.update(this.buf.subarray(0, this.len));
    this.len = 0;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.len, v >>> 0, true);
    this.len += 4;
    return this;
  }

  /** Writes a u64 from a non-negative safe integer or a bigint (wrapped to 64 bits). */
  u64(v: number | bigint): this {
    this.ensure(8);
    if (typeof v === 'number') {
      this.view.setUint32(this.len, v >>> 0, true);
      this.view.setUint32(this.len + 4, Math.floor(v / 0x100000000) >>> 0, true);
    } else {
      this.view.setBigUint64(this.len, BigInt.asUintN(64, v), true);
    }
    this.len += 8;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.len, BigInt.asIntN(64, v), true);
    this.len += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    if (this.sink && b.length >= this.flushAt) {
      this.flush();
      this.sink.update(b);
      return this;
    }
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /**
   * Writes the bytes a hex string spells (what `bytes(fromHex(hex))` writes, without the
   * intermediate array). @throws RangeError on odd length or a non-hex digit (nothing written)
   */
  hexBytes(hex: string): this {
    if (hex.length % 2 !== 0) throw new RangeError(`hex string has odd length ${hex.length}`);
    const n = hex.length >> 1;
    this.ensure(n);
    const buf = this.buf;
    const at = this.len;
    // Table lookup per digit; any invalid digit makes `bad` negative (checked once at the end, and
    // `len` only advances when every digit was valid, so nothing counts as written).
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const hi = HEX_VALUE[hex.charCodeAt(2 * i)]!;
      const lo = HEX_VALUE[hex.charCodeAt(2 * i + 1)]!;
      bad |= hi | lo;
      buf[at + i] = (hi << 4) | (lo & 15);
    }
    if (bad < 0) {
      for (let i = 0; i < hex.length; i++) if (HEX_VALUE[hex.charCodeAt(i)]! < 0) throw new RangeError(`invalid hex digit near offset ${i - (i % 2)}`);
    }
    this.len += n;
    return this;
  }

  /**
   * A view of the bytes written so far, valid until the next write: for hashing them without a
   * copy. Never keep it (use `finish` or `take`). Only meaningful without a sink.
   */
  written(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of the bytes written so far (only meaningful without a sink). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /**
   * The bytes written so far, for a caller that is done writing: a view of the buffer itself when
   * they fill at least 7/8 of it (no copy; the view keeps at most 1/8 unused), else a copy. The
   * writer then starts over, empty, on a buffer of its own. Only meaningful without a sink.
   */
  take(): Uint8Array {
    const out = this.len * 8 >= this.buf.length * 7 ? this.buf.subarray(0, this.len) : this.buf.slice(0, this.len);
    this.buf = new Uint8Array(16);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
    return out;
  }
}
