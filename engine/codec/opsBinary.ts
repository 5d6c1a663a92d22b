/**
 * Binary codec for warp ops, op origins and direct edits: what BOAW sends between the engine and
 * its worker replicas (execution results, replication of committed ticks). It is a TRANSPORT
 * format, never hashed; the hashed encodings live in ./canonical.ts.
 *
 * Layout (little-endian, no padding; `id` = 32 raw bytes):
 * - AK  = u8 owner(1 node, 2 edge) ‖ u8 plane(1 alpha, 2 beta) ‖ warp id ‖ local id
 * - AV? = 00 | 01 ‖ type id ‖ u32 len ‖ bytes | 02 ‖ warp id
 * - op  = u8 kind (the SORT kind of tickDelta.ts) ‖ fields:
 *     1 OpenPortal        AK ‖ child warp ‖ child root ‖ (00 | 01 ‖ root type)
 *     2 UpsertWarpInstance warp ‖ root node ‖ (00 | 01 ‖ AK parent)
 *     3 DeleteWarpInstance warp
 *     4 DeleteEdge         warp ‖ from ‖ edge id
 *     5 DeleteNode         warp ‖ local
 *     6 UpsertNode         warp ‖ local ‖ type
 *     7 UpsertEdge         warp ‖ id ‖ from ‖ to ‖ type
 *     8 SetAttachment      AK ‖ AV?
 * - origin = u64 intent ‖ u32 compact rule ‖ u32 match index ‖ u32 op index
 * - edit = u8 kind ‖ fields: 1 ingestIntent u32 len ‖ bytes; 2 insertNode warp ‖ id ‖ type;
 *     3 setNodeAttachment warp ‖ id ‖ AV?; 4 insertEdge warp ‖ from ‖ id ‖ record.from ‖ to ‖ type;
 *     5 setEdgeAttachment warp ‖ id ‖ AV?; 6 deleteNode warp ‖ id; 7 deleteEdge warp ‖ from ‖ id
 * - lane item = u32 item index ‖ u32 flags ‖ u32 op count ‖ (origin ‖ op) × count
 *
 * Invariants:
 * - decode(encode(x)) is structurally equal to x for every op, origin and edit (tested).
 * - Decoding never aliases its input: every id and payload is copied into a fresh, non-shared
 *   buffer, so a source in a SharedArrayBuffer may be reused afterwards. Equal warp and type ids
 *   that follow each other share one copy (ids are immutable everywhere in the engine).
 * - A truncated or malformed buffer throws `EngineError('InvalidArgument')`.
 */
import type { DirectEdit } from '../directEdit';
import { EngineError } from '../errors';
import type { EdgeId, NodeId, TypeId, WarpId } from '../ident';
import type { AttachmentKey, AttachmentValue } from '../record';
import type { OpOrigin, WarpOp } from '../tickDelta';

/** A growable little-endian writer whose bytes can be read without a copy. @public */
export class BinWriter {
  private buf: Uint8Array;
  private dv: DataView;
  private len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(64, initialCapacity));
    this.dv = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }
  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }
  /** A non-negative safe integer as u64. */
  u64(v: number): void {
    this.ensure(8);
    this.dv.setUint32(this.len, v >>> 0, true);
    this.dv.setUint32(this.len + 4, Math.floor(v / 0x100000000) >>> 0, true);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A 32-byte id. @throws EngineError(InvalidArgument) when `b` is not 32 bytes */
  id(b: Uint8Array): void {
    if (!(b instanceof Uint8Array) || b.length !== ID) throw new EngineError('InvalidArgument', `opsBinary: an id must be ${ID} bytes, got ${describeId(b)}`);
    this.bytes(b);
  }
  /** Drops everything written after `len` bytes. */
  truncate(len: number): void {
    if (len < this.len) this.len = Math.max(0, len);
  }
  /** Overwrites a u32 written earlier (for counts known only afterwards). */
  patchU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, true);
  }
  /** The bytes written so far, WITHOUT a copy (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
  reset(): void {
    this.len = 0;
  }
}

const ID = 32;

function describeId(b: unknown): string {
  return b instanceof Uint8Array ? `${b.length} bytes` : typeof b;
}

/** Reads what `BinWriter` wrote. Works over shared and non-shared buffers alike. @public */
export class BinReader {
  private readonly dv: DataView;
  private pos: number;
  private readonly end: number;
  private readonly recent: Uint8Array[] = [];

  constructor(
    private readonly src: Uint8Array,
    start = 0,
    end = src.length,
  ) {
    this.dv = new DataView(src.buffer, src.byteOffset, src.length);
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new EngineError('InvalidArgument', `opsBinary: truncated input at byte ${this.pos} (need ${n} more)`);
  }
  u8(): number {
    this.need(1);
    return this.src[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  /** `n` bytes, copied. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.src.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A 32-byte id, copied. */
  id(): Uint8Array {
    return this.bytes(ID);
  }
  /** A 32-byte id that is likely to repeat (warps, types): reuses a recent equal copy. */
  sharedId(): Uint8Array {
    this.need(ID);
    const s = this.src;
    const p = this.pos;
    for (const r of this.recent) {
      let eq = true;
      for (let i = 0; i < ID; i++) {
        if (r[i] !== s[p + i]) {
          eq = false;
          break;
        }
      }
      if (eq) {
        this.pos += ID;
        return r;
      }
    }
    const id = this.bytes(ID);
    if (this.recent.length >= 8) this.recent.shift();
    this.recent.push(id);
    return id;
  }
}

function bad(what: string): never {
  throw new EngineError('InvalidArgument', `opsBinary: ${what}`);
}

// ------------------------------------------------------------------ pieces

/** Appends an attachment key. @public */
export function writeBinKey(w: BinWriter, k: AttachmentKey): void {
  w.u8(k.owner === 'node' ? 1 : 2);
  w.u8(k.plane === 'alpha' ? 1 : 2);
  w.id(k.warp);
  w.id(k.local);
}

/** Reads an attachment key. @public */
export function readBinKey(r: BinReader): AttachmentKey {
  const o = r.u8();
  const p = r.u8();
  if ((o !== 1 && o !== 2) || (p !== 1 && p !== 2)) bad(`bad attachment key tags ${o}/${p}`);
  const warp = r.sharedId() as WarpId;
  const local = r.id();
  return { owner: o === 1 ? 'node' : 'edge', warp, local, plane: p === 1 ? 'alpha' : 'beta' };
}

/** Appends an optional attachment value. @public */
export function writeBinValue(w: BinWriter, v: AttachmentValue | null | undefined): void {
  if (!v) w.u8(0);
  else if (v.kind === 'atom') {
    w.u8(1);
    w.id(v.typeId);
    w.u32(v.bytes.length);
    w.bytes(v.bytes);
  } else {
    w.u8(2);
    w.id(v.warp);
  }
}

/** Reads an optional attachment value. @public */
export function readBinValue(r: BinReader): AttachmentValue | null {
  const t = r.u8();
  if (t === 0) return null;
  if (t === 1) {
    const typeId = r.sharedId() as TypeId;
    return { kind: 'atom', typeId, bytes: r.bytes(r.u32()) };
  }
  if (t === 2) return { kind: 'descend', warp: r.sharedId() as WarpId };
  return bad(`bad attachment value tag ${t}`);
}

// --------------------------------------------------------------------- ops

/** Appends one op. @public */
export function writeBinOp(w: BinWriter, op: WarpOp): void {
  switch (op.op) {
    case 'OpenPortal':
      w.u8(1);
      writeBinKey(w, op.key);
      w.id(op.childWarp);
      w.id(op.childRoot);
      if (op.init.kind === 'empty') {
        w.u8(1);
        w.id(op.init.rootRecord.ty);
      } else w.u8(0);
      return;
    case 'UpsertWarpInstance':
      w.u8(2);
      w.id(op.instance.warpId);
      w.id(op.instance.rootNode);
      if (op.instance.parent) {
        w.u8(1);
        writeBinKey(w, op.instance.parent);
      } else w.u8(0);
      return;
    case 'DeleteWarpInstance':
      w.u8(3);
      w.id(op.warp);
      return;
    case 'DeleteEdge':
      w.u8(4);
      w.id(op.warp);
      w.id(op.from);
      w.id(op.edgeId);
      return;
    case 'DeleteNode':
      w.u8(5);
      w.id(op.node.warp);
      w.id(op.node.local);
      return;
    case 'UpsertNode':
      w.u8(6);
      w.id(op.node.warp);
      w.id(op.node.local);
      w.id(op.record.ty);
      return;
    case 'UpsertEdge':
      w.u8(7);
      w.id(op.warp);
      w.id(op.record.id);
      w.id(op.record.from);
      w.id(op.record.to);
      w.id(op.record.ty);
      return;
    case 'SetAttachment':
      w.u8(8);
      writeBinKey(w, op.key);
      writeBinValue(w, op.value);
      return;
    default:
      bad(`not a warp op: ${JSON.stringify((op as { op?: unknown }).op)}`);
  }
}

/** Reads one op. @throws EngineError(InvalidArgument) @public */
export function readBinOp(r: BinReader): WarpOp {
  const kind = r.u8();
  switch (kind) {
    case 1: {
      const key = readBinKey(r);
      const childWarp = r.sharedId() as WarpId;
      const childRoot = r.id() as NodeId;
      const init = r.u8();
      if (init === 1) return { op: 'OpenPortal', key, childWarp, childRoot, init: { kind: 'empty', rootRecord: { ty: r.sharedId() as TypeId } } };
      if (init === 0) return { op: 'OpenPortal', key, childWarp, childRoot, init: { kind: 'requireExisting' } };
      return bad(`bad portal init tag ${init}`);
    }
    case 2: {
      const warpId = r.sharedId() as WarpId;
      const rootNode = r.id() as NodeId;
      const has = r.u8();
      if (has > 1) bad(`bad parent flag ${has}`);
      return { op: 'UpsertWarpInstance', instance: { warpId, rootNode, parent: has === 1 ? readBinKey(r) : null } };
    }
    case 3:
      return { op: 'DeleteWarpInstance', warp: r.sharedId() as WarpId };
    case 4: {
      const warp = r.sharedId() as WarpId;
      const from = r.id() as NodeId;
      return { op: 'DeleteEdge', warp, from, edgeId: r.id() as EdgeId };
    }
    case 5: {
      const warp = r.sharedId() as WarpId;
      return { op: 'DeleteNode', node: { warp, local: r.id() as NodeId } };
    }
    case 6: {
      const warp = r.sharedId() as WarpId;
      const local = r.id() as NodeId;
      return { op: 'UpsertNode', node: { warp, local }, record: { ty: r.sharedId() as TypeId } };
    }
    case 7: {
      const warp = r.sharedId() as WarpId;
      const id = r.id() as EdgeId;
      const from = r.id() as NodeId;
      const to = r.id() as NodeId;
      return { op: 'UpsertEdge', warp, record: { id, from, to, ty: r.sharedId() as TypeId } };
    }
    case 8: {
      const key = readBinKey(r);
      return { op: 'SetAttachment', key, value: readBinValue(r) };
    }
    default:
      return bad(`bad op kind ${kind}`);
  }
}

/** Appends one origin. @public */
export function writeOrigin(w: BinWriter, o: OpOrigin): void {
  w.u64(o.intentId);
  w.u32(o.ruleId);
  w.u32(o.matchIx);
  w.u32(o.opIx);
}

/** Reads one origin. @public */
export function readOrigin(r: BinReader): OpOrigin {
  const intentId = r.u64();
  const ruleId = r.u32();
  const matchIx = r.u32();
  return { intentId, ruleId, matchIx, opIx: r.u32() };
}

/** `u32 count ‖ op × count`. @public */
export function encodeOps(ops: readonly WarpOp[], w: BinWriter = new BinWriter(64 + ops.length * 96)): BinWriter {
  w.u32(ops.length);
  for (const op of ops) writeBinOp(w, op);
  return w;
}

/** Inverse of `encodeOps`. @public */
export function decodeOps(bytes: Uint8Array): WarpOp[] {
  const r = new BinReader(bytes);
  const n = r.u32();
  const out: WarpOp[] = [];
  for (let i = 0; i < n; i++) out.push(readBinOp(r));
  if (!r.done) bad('trailing bytes after ops');
  return out;
}

/** The canonical bytes of one op in this codec (used for structural equality). @public */
export function opBytes(op: WarpOp): Uint8Array {
  const w = new BinWriter(160);
  writeBinOp(w, op);
  return w.finish();
}

// ------------------------------------------------------------ direct edits

/** Appends one direct edit. @public */
export function writeDirectEdit(w: BinWriter, e: DirectEdit): void {
  switch (e.kind) {
    case 'ingestIntent':
      w.u8(1);
      w.u32(e.bytes.length);
      w.bytes(e.bytes);
      return;
    case 'insertNode':
      w.u8(2);
      w.id(e.warp);
      w.id(e.id);
      w.id(e.record.ty);
      return;
    case 'setNodeAttachment':
      w.u8(3);
      w.id(e.warp);
      w.id(e.id);
      writeBinValue(w, e.value);
      return;
    case 'insertEdge':
      w.u8(4);
      w.id(e.warp);
      w.id(e.from);
      w.id(e.record.id);
      w.id(e.record.from);
      w.id(e.record.to);
      w.id(e.record.ty);
      return;
    case 'setEdgeAttachment':
      w.u8(5);
      w.id(e.warp);
      w.id(e.id);
      writeBinValue(w, e.value);
      return;
    case 'deleteNode':
      w.u8(6);
      w.id(e.warp);
      w.id(e.id);
      return;
    case 'deleteEdge':
      w.u8(7);
      w.id(e.warp);
      w.id(e.from);
      w.id(e.id);
      return;
    default:
      bad(`not a direct edit: ${JSON.stringify((e as { kind?: unknown }).kind)}`);
  }
}

/** Reads one direct edit. @public */
export function readDirectEdit(r: BinReader): DirectEdit {
  const k = r.u8();
  switch (k) {
    case 1:
      return { kind: 'ingestIntent', bytes: r.bytes(r.u32()) };
    case 2: {
      const warp = r.sharedId() as WarpId;
      const id = r.id() as NodeId;
      return { kind: 'insertNode', warp, id, record: { ty: r.sharedId() as TypeId } };
    }
    case 3: {
      const warp = r.sharedId() as WarpId;
      const id = r.id() as NodeId;
      return { kind: 'setNodeAttachment', warp, id, value: readBinValue(r) };
    }
    case 4: {
      const warp = r.sharedId() as WarpId;
      const from = r.id() as NodeId;
      const id = r.id() as EdgeId;
      const recFrom = r.id() as NodeId;
      const to = r.id() as NodeId;
      return { kind: 'insertEdge', warp, from, record: { id, from: recFrom, to, ty: r.sharedId() as TypeId } };
    }
    case 5: {
      const warp = r.sharedId() as WarpId;
      const id = r.id() as EdgeId;
      return { kind: 'setEdgeAttachment', warp, id, value: readBinValue(r) };
    }
    case 6: {
      const warp = r.sharedId() as WarpId;
      return { kind: 'deleteNode', warp, id: r.id() as NodeId };
    }
    case 7: {
      const warp = r.sharedId() as WarpId;
      const from = r.id() as NodeId;
      return { kind: 'deleteEdge', warp, from, id: r.id() as EdgeId };
    }
    default:
      return bad(`bad direct edit kind ${k}`);
  }
}

/** `u32 count ‖ edit × count`. @public */
export function encodeDirectEdits(edits: readonly DirectEdit[], w: BinWriter = new BinWriter()): BinWriter {
  w.u32(edits.length);
  for (const e of edits) writeDirectEdit(w, e);
  return w;
}

/** Inverse of `encodeDirectEdits`. @public */
export function decodeDirectEdits(bytes: Uint8Array): DirectEdit[] {
  const r = new BinReader(bytes);
  const n = r.u32();
  const out: DirectEdit[] = [];
  for (let i = 0; i < n; i++) out.push(readDirectEdit(r));
  if (!r.done) bad('trailing bytes after direct edits');
  return out;
}

// -------------------------------------------------------------- lane items

/** Flags of a lane item result. @public */
export const LANE_FLAG = Object.freeze({
  /** The executor read the delta (len / ops / origins / finalize): only the serial path is exact. */
  READ_DELTA: 1,
  /** The executor threw. */
  THREW: 2,
  /** The lane had no rule for the item's compact id or no store for its warp. */
  UNAVAILABLE: 4,
} as const);

/**
 * Appends one item's result: index, flags and its ops with origins in emission order — the ops
 * are `ops[start .. end)` (default: all of them).
 * @public
 */
export function writeLaneItem(w: BinWriter, itemIx: number, flags: number, ops: readonly WarpOp[], origins: readonly OpOrigin[], start = 0, end = ops.length): void {
  w.u32(itemIx);
  w.u32(flags);
  w.u32(end - start);
  for (let i = start; i < end; i++) {
    writeOrigin(w, origins[i]!);
    writeBinOp(w, ops[i]!);
  }
}

/** One decoded lane item. @public */
export interface LaneItemResult {
  readonly itemIx: number;
  readonly flags: number;
  readonly ops: WarpOp[];
  readonly origins: readonly OpOrigin[];
}

const ORIGIN_BYTES = 20;
const NO_ORIGINS: readonly OpOrigin[] = Object.freeze([]);

/**
 * Decodes every item of a lane buffer, in buffer order. With `withOrigins: false` the origins are
 * skipped (`origins` is empty), which saves an allocation per op when only the ops matter.
 * @public
 */
export function readLaneItems(bytes: Uint8Array, visit: (item: LaneItemResult) => void, withOrigins = true): void {
  const r = new BinReader(bytes);
  while (!r.done) {
    const itemIx = r.u32();
    const flags = r.u32();
    const n = r.u32();
    const ops: WarpOp[] = new Array(n);
    const origins: OpOrigin[] | null = withOrigins ? new Array(n) : null;
    for (let i = 0; i < n; i++) {
      if (origins) origins[i] = readOrigin(r);
      else r.skip(ORIGIN_BYTES);
      ops[i] = readBinOp(r);
    }
    visit({ itemIx, flags, ops, origins: origins ?? NO_ORIGINS });
  }
}
