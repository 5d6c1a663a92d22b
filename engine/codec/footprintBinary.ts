/**
 * Canonical binary form of a `Footprint` (used by session files and by the tick history's packed
 * footprints), plus the strictly-ascending list reader the canonical formats share.
 *
 * Layout (little-endian): for each of node-read, node-write, edge-read, edge-write: u32 count ‖
 * 32-byte ids; for attachment-read, attachment-write: u32 count ‖ attachment keys (66 bytes);
 * for port-in, port-out: u32 count ‖ u64 ports; then u64 factor mask.
 *
 * Invariants:
 * - Every list is written in ascending canonical-key order, and the reader rejects anything else
 *   (out of order or repeated), so `write(read(b))` is `b` for every accepted `b`.
 * - Reading throws only `CodecError` (from `ByteReader`), with the absolute offset.
 */
import { toHex, type ByteWriter } from '../bytes';
import { Footprint } from '../footprint';
import type { EdgeId, NodeId } from '../ident';
import { attachmentSortKey, u64SortKey } from '../record';
import type { ByteReader } from './byteReader';
import { writeAttachmentKey } from './canonical';
import { readAttachmentKey } from './canonicalRead';

/** Values of a footprint set in ascending order of the set's own canonical key. */
function sortedSet<T>(m: ReadonlyMap<string, T>): T[] {
  if (m.size === 0) return [];
  if (m.size === 1) return Array.from(m.values());
  return Array.from(m.keys())
    .sort()
    .map((k) => m.get(k)!);
}

/** Appends the canonical bytes of `fp`. @public */
export function writeFootprint(w: ByteWriter, fp: Footprint): void {
  writeSet(w, fp.nRead, writeId);
  writeSet(w, fp.nWrite, writeId);
  writeSet(w, fp.eRead, writeId);
  writeSet(w, fp.eWrite, writeId);
  writeSet(w, fp.aRead, writeAttachmentKey);
  writeSet(w, fp.aWrite, writeAttachmentKey);
  writeSet(w, fp.bIn, writePort);
  writeSet(w, fp.bOut, writePort);
  w.u64(fp.factorMask);
}

const writeId = (w: ByteWriter, id: Uint8Array): void => void w.bytes(id);
const writePort = (w: ByteWriter, p: bigint): void => void w.u64(p);

/** u32 count, then the items in key order (the tick history packs one footprint per candidate: no array for 0 or 1 item). */
function writeSet<T>(w: ByteWriter, s: ReadonlyMap<string, T>, write: (w: ByteWriter, v: T) => void): void {
  w.u32(s.size);
  if (s.size === 1) for (const v of s.values()) write(w, v);
  else if (s.size > 1) for (const v of sortedSet(s)) write(w, v);
}

/**
 * Reads a u32 count then `count` items (each at least `minBytes` long) whose canonical keys must
 * be strictly ascending; hands each to `add`. @public
 */
export function readAscending<T>(r: ByteReader, minBytes: number, what: string, item: () => T, key: (v: T) => string, add: (v: T) => void): void {
  const n = r.count(minBytes, what + ' count');
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const v = item();
    const k = key(v);
    if (prev !== null && k <= prev) r.fail(`${what} out of canonical order or repeated`, at);
    prev = k;
    add(v);
  }
}

/** Reads one footprint written by `writeFootprint`. @public */
export function readFootprint(r: ByteReader): Footprint {
  const fp = new Footprint();
  readAscending(r, 32, 'footprint node read', () => r.id() as NodeId, toHex, (v) => fp.readNode(v));
  readAscending(r, 32, 'footprint node write', () => r.id() as NodeId, toHex, (v) => fp.writeNode(v));
  readAscending(r, 32, 'footprint edge read', () => r.id() as EdgeId, toHex, (v) => fp.readEdge(v));
  readAscending(r, 32, 'footprint edge write', () => r.id() as EdgeId, toHex, (v) => fp.writeEdge(v));
  readAscending(r, 66, 'footprint attachment read', () => readAttachmentKey(r), attachmentSortKey, (v) => fp.readAttachment(v));
  readAscending(r, 66, 'footprint attachment write', () => readAttachmentKey(r), attachmentSortKey, (v) => fp.writeAttachment(v));
  readAscending(r, 8, 'footprint port in', () => r.u64big('port'), u64SortKey, (v) => fp.portIn(v));
  readAscending(r, 8, 'footprint port out', () => r.u64big('port'), u64SortKey, (v) => fp.portOut(v));
  fp.withFactorMask(r.u64big('factor mask'));
  return fp;
}
