/**
 * Tick receipts and the diagnostic digests stored in a snapshot (ENGINE-SPEC §4.5, §7.4, §7.5).
 *
 * Frozen — changing any of this changes recorded digests:
 * - plan digest     = H( u64le(n) ‖ for each drained candidate: scope_hash ‖ rule_id )
 * - rewrites digest = H( u64le(n) ‖ for each accepted: rule_id ‖ scope_hash ‖ warp ‖ node )
 * - receipt digest  = H(u64le(0)) when empty, else
 *                     H( u16le(2) ‖ u64le(n) ‖ for each entry: rule_id ‖ scope_hash ‖ warp ‖ node ‖ u8(code) )
 *                     with code 1 = Applied, 2 = Rejected(FootprintConflict)
 * - rule pack id    = H( u16le(1) ‖ u64le(k) ‖ sorted unique rule ids )
 * Neither `tx` nor `blockedBy` is hashed.
 */
import { ByteWriter } from './bytes';
import { blake3, defaultBlake3, type Blake3Stream } from './hash';
import type { Hash, NodeId, WarpId } from './ident';
import type { NodeKey } from './record';
import { visitOrder } from './visitOrder';

/** @public */
export type TickDisposition = 'applied' | 'rejected';

/** One candidate of a tick, in canonical drain order. @public */
export interface TickReceiptEntry {
  readonly ruleId: Hash;
  readonly scopeHash: Hash;
  readonly scope: NodeKey;
  readonly disposition: TickDisposition;
}

/**
 * Read access to a tick's receipt entries, in drain order: an array, or `PackedReceiptEntries`
 * (what the engine keeps). @public
 */
export interface ReceiptEntryList extends Iterable<TickReceiptEntry> {
  readonly length: number;
  at(i: number): TickReceiptEntry | undefined;
}

/** @public */
export interface TickReceipt {
  readonly tx: number;
  readonly entries: ReceiptEntryList;
  /** For entry i: the indices of accepted entries whose footprints overlap it (ascending). */
  readonly blockedBy: readonly (readonly number[])[];
  readonly digest: Hash;
}

/** A candidate as the digests see it. @internal */
export interface DigestCandidate {
  readonly ruleId: Hash;
  readonly scopeHash: Hash;
  readonly scope: NodeKey;
}

/** @public */
export function computePlanDigest(cands: readonly DigestCandidate[]): Hash {
  const w = new ByteWriter(8 + 64 * cands.length);
  w.u64(cands.length);
  for (const c of cands) w.bytes(c.scopeHash).bytes(c.ruleId);
  return blake3(w.written());
}

/** @public */
export function computeRewritesDigest(cands: readonly DigestCandidate[]): Hash {
  const w = new ByteWriter(8 + 128 * cands.length);
  w.u64(cands.length);
  for (const c of cands) w.bytes(c.ruleId).bytes(c.scopeHash).bytes(c.scope.warp).bytes(c.scope.local);
  return blake3(w.written());
}

/** @public */
export function computeReceiptDigest(entries: readonly TickReceiptEntry[]): Hash {
  return entries.length === 0 ? digestLen0U64() : blake3(receiptStream(entries));
}

/** The receipt digest's stream: u16le(2) ‖ u64le(n) ‖ per entry rule ‖ scope hash ‖ warp ‖ node ‖ code. */
function receiptStream(entries: readonly TickReceiptEntry[]): Uint8Array {
  const w = new ByteWriter(10 + 129 * entries.length);
  w.u16(2).u64(entries.length);
  for (const e of entries) {
    w.bytes(e.ruleId).bytes(e.scopeHash).bytes(e.scope.warp).bytes(e.scope.local).u8(e.disposition === 'applied' ? 1 : 2);
  }
  return w.finish();
}

/** Every id of the candidate is 32 bytes (the fixed-stride layouts need it). */
function idsAre32(c: DigestCandidate): boolean {
  return c.ruleId.length === 32 && c.scopeHash.length === 32 && c.scope.warp.length === 32 && c.scope.local.length === 32;
}

/** The plan, rewrites and receipt digests of one tick. @public */
export interface TickDigests {
  readonly plan: Hash;
  readonly rewrites: Hash;
  readonly receipt: Hash;
  /** The receipt entries, packed: the very bytes the receipt digest hashed. */
  readonly entries: PackedReceiptEntries;
}

/**
 * `computePlanDigest(cands)`, `computeRewritesDigest(applied ones)` and
 * `computeReceiptDigest(entries)` in one pass over the candidates: each candidate's four ids are
 * read once, into the receipt stream (a commit of 100k candidates reads 400k scattered 32-byte
 * arrays). The plan and rewrites streams hold no byte the receipt stream lacks — per entry
 * scope hash ‖ rule id, and the first 128 bytes of each applied entry — so they are not built:
 * they are copied out of the receipt stream in order, through a small buffer, into their hashers.
 * `applied[i]` is candidate i's disposition (truthy: applied — booleans, or the 0/1 flags
 * `Scheduler.reserveAll` returns).
 *
 * `visit`, when given, is a permutation of 0..n−1: the order in which candidates are READ (each
 * still lands at its own position, so the digests do not depend on it). The engine passes the
 * order the candidates were queued in, which is the order their ids were allocated: reading them
 * in drain order (by scope hash, i.e. at random) costs several times more in cache misses.
 * @public
 */
export function computeTickDigests(cands: readonly DigestCandidate[], applied: ArrayLike<boolean | number>, visit?: ArrayLike<number>): TickDigests {
  const n = cands.length;
  const at = visitOrder(visit, n, 'candidates');
  const receipt = new Uint8Array(HEADER_BYTES + ENTRY_BYTES * n);
  const rv = new DataView(receipt.buffer);
  rv.setUint16(0, 2, true);
  rv.setUint32(2, n, true);
  rv.setUint32(6, Math.floor(n / 0x100000000), true);
  let k = 0;
  for (let j = 0; j < n; j++) {
    const i = at(j);
    const c = cands[i]!;
    if (!idsAre32(c)) throw new RangeError(`candidate ${i}: ids must be 32 bytes`);
    const r = HEADER_BYTES + ENTRY_BYTES * i;
    receipt.set(c.ruleId, r);
    receipt.set(c.scopeHash, r + 32);
    receipt.set(c.scope.warp, r + 64);
    receipt.set(c.scope.local, r + 96);
    if (applied[i]) {
      receipt[r + 128] = 1;
      k++;
    } else receipt[r + 128] = 2;
  }
  return {
    plan: planOfReceipt(receipt, n),
    rewrites: rewritesOfReceipt(receipt, n, k),
    receipt: n === 0 ? digestLen0U64() : blake3(receipt),
    entries: new PackedReceiptEntries(receipt),
  };
}

/** The plan digest of a receipt stream's n entries: H(u64le(n) ‖ per entry scope hash ‖ rule id). */
function planOfReceipt(receipt: Uint8Array, n: number): Hash {
  const out = new EntryCopier(n);
  for (let i = 0, r = HEADER_BYTES; i < n; i++, r += ENTRY_BYTES) {
    out.copy(receipt, r + 32, 32);
    out.copy(receipt, r, 32);
  }
  return out.digest();
}

/** The rewrites digest: H(u64le(k) ‖ per applied entry rule id ‖ scope hash ‖ warp ‖ node). */
function rewritesOfReceipt(receipt: Uint8Array, n: number, k: number): Hash {
  const out = new EntryCopier(k);
  for (let i = 0, r = HEADER_BYTES; i < n; i++, r += ENTRY_BYTES) if (receipt[r + 128] === 1) out.copy(receipt, r, 128);
  return out.digest();
}

/**
 * Streams u64le(count) and then copied byte runs into a BLAKE3 hasher through one 64 KiB buffer
 * (equal to hashing their concatenation): no buffer the size of the stream is allocated.
 */
class EntryCopier {
  private readonly buf = new Uint8Array(1 << 16);
  private readonly stream: Blake3Stream = defaultBlake3.stream();
  private len = 8;

  constructor(count: number) {
    const v = new DataView(this.buf.buffer);
    v.setUint32(0, count, true);
    v.setUint32(4, Math.floor(count / 0x100000000), true);
  }

  copy(src: Uint8Array, from: number, length: number): void {
    if (this.len + length > this.buf.length) {
      this.stream.update(this.buf.subarray(0, this.len));
      this.len = 0;
    }
    this.buf.set(src.subarray(from, from + length), this.len);
    this.len += length;
  }

  digest(): Hash {
    this.stream.update(this.buf.subarray(0, this.len));
    return this.stream.digest();
  }
}

/** Bytes of one entry in the receipt digest stream: rule ‖ scope hash ‖ warp ‖ node ‖ code. */
const ENTRY_BYTES = 129;
/** The stream's header: u16le(2) ‖ u64le(n). */
const HEADER_BYTES = 10;

/**
 * Receipt entries kept as the receipt digest's byte stream (129 bytes an entry, outside the JS
 * heap) instead of four objects and two arrays an entry: a tick history of 100k-candidate ticks
 * held millions of them, and every major GC walked them all.
 *
 * Invariants:
 * - `at(i)` returns an entry equal to the i-th one hashed, as fresh objects and fresh id arrays
 *   each call (callers may neither rely on identity nor change what is kept).
 * - `bytes` is exactly the stream `computeReceiptDigest` hashes for these entries (when there is
 *   at least one).
 * @public
 */
export class PackedReceiptEntries implements ReceiptEntryList {
  readonly length: number;

  /** @throws RangeError when `bytes` is not a receipt stream's length. */
  constructor(private readonly bytes: Uint8Array) {
    const n = (bytes.length - HEADER_BYTES) / ENTRY_BYTES;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${bytes.length} bytes is not a receipt stream`);
    this.length = n;
  }

  /** Packs entries given as objects (ids must be 32 bytes). @throws RangeError */
  static of(entries: readonly TickReceiptEntry[]): PackedReceiptEntries {
    const bad = entries.findIndex((e) => !idsAre32(e));
    if (bad >= 0) throw new RangeError(`receipt entry ${bad}: ids must be 32 bytes`);
    return new PackedReceiptEntries(receiptStream(entries));
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.bytes.byteLength;
  }

  at(i: number): TickReceiptEntry | undefined {
    const k = this.index(i);
    if (k < 0) return undefined;
    const o = HEADER_BYTES + ENTRY_BYTES * k;
    const b = this.bytes;
    return {
      ruleId: b.slice(o, o + 32),
      scopeHash: b.slice(o + 32, o + 64),
      scope: { warp: b.slice(o + 64, o + 96) as WarpId, local: b.slice(o + 96, o + 128) as NodeId },
      disposition: b[o + 128] === 1 ? 'applied' : 'rejected',
    };
  }

  /** Entry i's disposition without decoding the entry. */
  disposition(i: number): TickDisposition | undefined {
    const k = this.index(i);
    return k < 0 ? undefined : this.bytes[HEADER_BYTES + ENTRY_BYTES * k + 128] === 1 ? 'applied' : 'rejected';
  }

  *[Symbol.iterator](): Iterator<TickReceiptEntry> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private index(i: number): number {
    const k = i < 0 ? i + this.length : i;
    return Number.isInteger(k) && k >= 0 && k < this.length ? k : -1;
  }
}

/** Entry i's disposition (packed lists are read without decoding). @public */
export function dispositionAt(list: ReceiptEntryList, i: number): TickDisposition | undefined {
  return list instanceof PackedReceiptEntries ? list.disposition(i) : list.at(i)?.disposition;
}

/** How many entries of `list` were applied (packed lists are read without decoding). @public */
export function appliedCount(list: ReceiptEntryList): number {
  let n = 0;
  if (list instanceof PackedReceiptEntries) {
    for (let i = 0; i < list.length; i++) if (list.disposition(i) === 'applied') n++;
  } else {
    for (const e of list) if (e.disposition === 'applied') n++;
  }
  return n;
}

/** `digest_len0_u64()` = H(u64le(0)). @public */
export function digestLen0U64(): Hash {
  return blake3(new Uint8Array(8));
}

/** `blake3_empty()` = H(""). @public */
export function blake3Empty(): Hash {
  return blake3(new Uint8Array(0));
}

/** Rule pack id over the registered rule ids. @public */
export function computeRulePackId(ruleIds: readonly Hash[]): Hash {
  const uniq = new Map<string, Hash>();
  for (const id of ruleIds) {
    let k = '';
    for (let i = 0; i < id.length; i++) k += id[i]!.toString(16).padStart(2, '0');
    uniq.set(k, id);
  }
  const keys = Array.from(uniq.keys()).sort();
  const w = new ByteWriter(10 + 32 * keys.length);
  w.u16(1).u64(keys.length);
  for (const k of keys) w.bytes(uniq.get(k)!);
  return blake3(w.written());
}
