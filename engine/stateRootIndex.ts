/**
 * `StateRootIndex`: the state root (ENGINE-SPEC §7.1) maintained in O(change) instead of O(graph).
 *
 * The index keeps the exact byte stream that `computeStateRoot` hashes, a `Blake3Tree` over it
 * (every chunk and complete-subtree chaining value cached), and enough structure to find any
 * record's bytes:
 *
 *   stream = root.warp ‖ root.local ‖ for each reachable warp W ascending: SEG(W)
 *   SEG(W) = header(W ‖ root_node ‖ PARENT) ‖ node records (ascending id) ‖ bucket records (ascending source)
 *
 * Per warp it stores the sorted record keys and their offsets relative to the segment, plus the
 * reachable nodes that have no record ("dangling" targets: reachable, never emitted).
 *
 * After a journaled tick, `update` re-encodes only the records the journal can have affected,
 * compares them with the old bytes and
 * - writes same-length changes in place, re-hashing only the dirty chunks and their O(log n)
 *   ancestors (the fast path: an atom of the same length, a same-length type change, ...);
 * - otherwise splices the records (insert / delete / resize) and re-hashes from the first byte
 *   that moved: BLAKE3's fixed 1024-byte chunking makes every later chunk change, so a length
 *   change costs O(stream after it) hashing, but no re-encoding of the untouched records.
 *
 * Reachability (what can add or remove records):
 * - Only links out of reachable owners matter: edges of reachable buckets, `Descend` on reachable
 *   nodes and on edges of reachable buckets, and the root node of a reached instance.
 * - Growth (new targets, new portals) is explored by a BFS from the new links only.
 * - A removed link from a reachable owner makes its target a loss candidate. The nodes that may
 *   be lost are within the forward closure K of the candidates (every old path to a lost node
 *   passes through a candidate). K is recomputed locally: a node of K survives iff it is
 *   reachable from the root, or from a node outside K, through the current graph. When K is too
 *   large, touches a portal, or a `Descend` / instance / store of a reachable warp changed, the
 *   index recomputes reachability for the whole state (an ordinal BFS, no string sets) and
 *   re-encodes only warps whose reachable set changed.
 *
 * Contract:
 * - `update(state, root, journals)` equals `computeStateRoot(state, root)` PROVIDED every mutation
 *   of `state` since the previous `rebuild` / `update` is recorded in `journals` (in order).
 *   Untracked edits (direct store calls outside a journal) require `invalidate()`.
 * - Defensive fallbacks to a full rebuild: another state object or root, a reachable warp whose
 *   store object changed without a journal entry, a journal that does not cover a reachable store,
 *   reachable warps without instance or store (portal invariant violations), any inconsistency
 *   met while patching. When in doubt the index rebuilds rather than guess.
 * - Deterministic and host-free: no clocks, no randomness, no mutable module state (one read-only
 *   hex-digit table); the index is an object owned by its caller (one per engine).
 */
import { toHex } from './bytes';
import { Blake3Tree } from './blake3Tree';
import type { Hash, IdHex, WarpId } from './ident';
import { ownerTag, planeTag, type AttachmentValue, type EdgeRecord, type NodeKey } from './record';
import type { GraphStore, StoreJournal } from './graph';
import type { StateJournal, WarpInstance, WarpState } from './warpState';

const ID = 32;
/** root.warp ‖ root.local */
const STREAM_HDR = 64;

// ------------------------------------------------------------------------------------ bytes

/** Hex digit values by char code (read-only after module load; ids are lowercase hex). */
const NIBBLE: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i;
    t[65 + i] = 10 + i;
  }
  return t;
})();

/** Writes the 32 bytes of a hex id at `off` (a table lookup per digit: ~2x faster than branching). */
function hexInto(hex: string, out: Uint8Array, off: number): void {
  const t = NIBBLE;
  for (let i = 0, j = 0; i < ID; i++, j += 2) out[off + i] = (t[hex.charCodeAt(j)]! << 4) | t[hex.charCodeAt(j + 1)]!;
}

function copy32(src: Uint8Array, so: number, dst: Uint8Array, d: number): void {
  for (let i = 0; i < ID; i++) dst[d + i] = src[so + i]!;
}

function idsEqualAt(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let i = 0; i < ID; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

function compareEdgeIds(x: EdgeRecord, y: EdgeRecord): number {
  const a = x.id;
  const b = y.id;
  for (let i = 0; i < ID; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** A growable little-endian byte writer specialised for the state-root records. */
class Out {
  buf: Uint8Array;
  pos = 0;

  /** Writes into `reuse` (from offset 0) when given, else into a fresh buffer of `cap` bytes. */
  constructor(cap = 1024, reuse: Uint8Array | null = null) {
    this.buf = reuse ?? new Uint8Array(Math.max(64, cap));
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let c = Math.max(64, this.buf.length * 2);
    while (c < this.pos + n) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  id(src: Uint8Array, off: number): void {
    this.reserve(ID);
    copy32(src, off, this.buf, this.pos);
    this.pos += ID;
  }

  hexId(hex: string): void {
    this.reserve(ID);
    hexInto(hex, this.buf, this.pos);
    this.pos += ID;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  u64(v: number): void {
    this.reserve(8);
    const b = this.buf;
    const p = this.pos;
    const lo = v >>> 0;
    const hi = Math.floor(v / 0x100000000) >>> 0;
    b[p] = lo & 0xff;
    b[p + 1] = (lo >>> 8) & 0xff;
    b[p + 2] = (lo >>> 16) & 0xff;
    b[p + 3] = lo >>> 24;
    b[p + 4] = hi & 0xff;
    b[p + 5] = (hi >>> 8) & 0xff;
    b[p + 6] = (hi >>> 16) & 0xff;
    b[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }

  raw(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** AV? := 00 | 01 ‖ (01 ‖ type_id ‖ u64le(len) ‖ bytes | 02 ‖ warp_id) */
  avOpt(v: AttachmentValue | undefined): void {
    if (!v) {
      this.u8(0);
      return;
    }
    this.u8(1);
    if (v.kind === 'atom') {
      this.u8(1);
      this.id(v.typeId, 0);
      this.u64(v.bytes.length);
      this.raw(v.bytes);
    } else {
      this.u8(2);
      this.id(v.warp, 0);
    }
  }

  header(warp: Uint8Array, inst: WarpInstance): void {
    this.id(warp, 0);
    this.id(inst.rootNode, 0);
    const p = inst.parent;
    if (!p) {
      this.u8(0);
      return;
    }
    this.u8(1);
    this.u8(ownerTag(p.owner));
    this.u8(planeTag(p.plane));
    this.id(p.warp, 0);
    this.id(p.local, 0);
  }

  /** u64le(|L|) ‖ for e in L by id: id ‖ ty ‖ to ‖ AV? (the source F is written by the caller). */
  bucketBody(bucket: readonly EdgeRecord[], att: ((e: EdgeRecord) => AttachmentValue | undefined) | null): void {
    this.u64(bucket.length);
    const list = bucket.length > 1 ? bucket.slice().sort(compareEdgeIds) : bucket;
    if (!att) {
      // No attachments in the store: one reservation, straight copies.
      this.reserve(list.length * (3 * ID + 1));
      const b = this.buf;
      let p = this.pos;
      for (let j = 0; j < list.length; j++) {
        const e = list[j]!;
        copy32(e.id, 0, b, p);
        copy32(e.ty, 0, b, p + ID);
        copy32(e.to, 0, b, p + 2 * ID);
        b[p + 3 * ID] = 0;
        p += 3 * ID + 1;
      }
      this.pos = p;
      return;
    }
    for (const e of list) {
      this.id(e.id, 0);
      this.id(e.ty, 0);
      this.id(e.to, 0);
      this.avOpt(att(e));
    }
  }

  take(from: number): Uint8Array {
    return this.buf.slice(from, this.pos);
  }

  /**
   * A view of the bytes written since `from`. It stays valid: growing the buffer copies to a new
   * one and never writes the old one again (callers never rewind an arena they took views of).
   */
  view(from: number): Uint8Array {
    return this.buf.subarray(from, this.pos);
  }
}

/** Length of the AV? field at `p`. */
function avLenAt(b: Uint8Array, p: number): number {
  if (b[p] === 0) return 1;
  if (b[p + 1] === 2) return 2 + ID;
  const q = p + 2 + ID;
  const lo = (b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16) | (b[q + 3]! << 24)) >>> 0;
  const hi = (b[q + 4]! | (b[q + 5]! << 8) | (b[q + 6]! << 16) | (b[q + 7]! << 24)) >>> 0;
  return 2 + ID + 8 + lo + hi * 0x100000000;
}

// ------------------------------------------------------------------------------ id tables

/** Open-addressing table from 32-byte ids to their index in a key list (no strings on lookup). */
class IdTable {
  readonly ids: Uint8Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  private constructor(ids: Uint8Array, n: number) {
    this.ids = ids;
    let size = 16;
    while (size < n * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < n; i++) {
      let h = slotOf(ids, i * ID) & this.mask;
      while (this.slots[h] !== 0) h = (h + 1) & this.mask;
      this.slots[h] = i + 1;
    }
  }

  static fromHex(keys: readonly string[]): IdTable {
    const ids = new Uint8Array(keys.length * ID);
    for (let i = 0; i < keys.length; i++) hexInto(keys[i]!, ids, i * ID);
    return new IdTable(ids, keys.length);
  }

  static fromBytes(list: readonly Uint8Array[]): IdTable {
    const ids = new Uint8Array(list.length * ID);
    for (let i = 0; i < list.length; i++) ids.set(list[i]!, i * ID);
    return new IdTable(ids, list.length);
  }

  /** Index of `id`, or -1. */
  find(id: Uint8Array): number {
    let h = slotOf(id, 0) & this.mask;
    for (;;) {
      const s = this.slots[h]!;
      if (s === 0) return -1;
      if (idsEqualAt(this.ids, (s - 1) * ID, id, 0)) return s - 1;
      h = (h + 1) & this.mask;
    }
  }
}

function slotOf(b: Uint8Array, o: number): number {
  let h = (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) ^ Math.imul(b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Attachments of a store keyed by id bytes (built once per encode when the store has any). */
function edgeAttachmentLookup(store: GraphStore): ((e: EdgeRecord) => AttachmentValue | undefined) | null {
  const keys: string[] = [];
  const vals: AttachmentValue[] = [];
  for (const [k, v] of store.iterEdgeAttachments()) {
    keys.push(k);
    vals.push(v);
  }
  if (keys.length === 0) return null;
  const t = IdTable.fromHex(keys);
  return (e) => {
    const i = t.find(e.id);
    return i < 0 ? undefined : vals[i];
  };
}

function hasNodeAttachments(store: GraphStore): boolean {
  return !store.iterNodeAttachments().next().done;
}

function hasEdgeAttachments(store: GraphStore): boolean {
  return !store.iterEdgeAttachments().next().done;
}

// --------------------------------------------------------------------------- segments

/** One reachable warp's part of the stream. Offsets are relative to the segment start. */
interface Seg {
  readonly wk: IdHex;
  readonly warp: WarpId;
  store: GraphStore;
  base: number;
  len: number;
  hdrLen: number;
  /** Relative offset of the bucket section (= end of the node section). */
  nodeEnd: number;
  nodeKeys: string[];
  nodeOffs: number[];
  bucketKeys: string[];
  bucketOffs: number[];
  /** Reachable nodes without a record (never emitted, but part of reachability). */
  dangling: Set<string>;
  /** Lazy key → index maps; dropped whenever keys are inserted or deleted. */
  nodeIndex: Map<string, number> | null;
  bucketIndex: Map<string, number> | null;
}

function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function indexOfKey(keys: readonly string[], index: Map<string, number> | null, k: string): number {
  if (index) {
    const i = index.get(k);
    return i === undefined ? -1 : i;
  }
  const i = lowerBound(keys, k);
  return i < keys.length && keys[i] === k ? i : -1;
}

function buildIndex(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, i);
  return m;
}

function nodeIdx(seg: Seg, k: string): number {
  return indexOfKey(seg.nodeKeys, seg.nodeIndex, k);
}

function bucketIdx(seg: Seg, k: string): number {
  return indexOfKey(seg.bucketKeys, seg.bucketIndex, k);
}

function nodeLen(seg: Seg, i: number): number {
  return (i + 1 < seg.nodeOffs.length ? seg.nodeOffs[i + 1]! : seg.nodeEnd) - seg.nodeOffs[i]!;
}

function bucketLen(seg: Seg, i: number): number {
  return (i + 1 < seg.bucketOffs.length ? seg.bucketOffs[i + 1]! : seg.len) - seg.bucketOffs[i]!;
}

/**
 * Encodes a whole segment. `flags[i]` marks `store.nodeIdsSorted()[i]` reachable; `dangling` holds
 * reachable nodes without a record; `ids` (optional) holds the parsed ids of the sorted keys.
 */
function encodeSeg(
  out: Out,
  wk: IdHex,
  warp: WarpId,
  inst: WarpInstance,
  store: GraphStore,
  flags: Uint8Array,
  dangling: Set<string>,
  ids: Uint8Array | null,
  buckets: (readonly EdgeRecord[] | undefined)[] | null,
): Seg {
  const base = out.pos;
  out.header(warp, inst);
  const hdrLen = out.pos - base;
  const keys = store.nodeIdsSorted();
  const n = keys.length;
  const nodeKeys: string[] = [];
  const nodeOffs: number[] = [];
  const withAtt = hasNodeAttachments(store);
  for (let i = 0; i < n; i++) {
    if (flags[i] === 0) continue;
    const k = keys[i]!;
    nodeKeys.push(k);
    nodeOffs.push(out.pos - base);
    out.reserve(2 * ID + 1);
    const b = out.buf;
    const p = out.pos;
    if (ids) copy32(ids, i * ID, b, p);
    else hexInto(k, b, p);
    copy32(store.nodeByHex(k)!.ty, 0, b, p + ID);
    out.pos = p + 2 * ID;
    if (withAtt) out.avOpt(store.nodeAttachmentByHex(k));
    else b[out.pos++] = 0;
  }
  const nodeEnd = out.pos - base;
  const bucketKeys: string[] = [];
  const bucketOffs: number[] = [];
  const att = edgeAttachmentLookup(store);
  // Bucket sources in ascending order: reachable record-holding nodes (in key order) merged with
  // reachable dangling sources (sorted). Both lists are sorted by the same hex order.
  const extra: string[] = [];
  for (const d of dangling) if (store.edgesFromHex(d).length > 0) extra.push(d);
  extra.sort();
  let x = 0;
  const emit = (k: string, i: number): void => {
    const bucket = i >= 0 && buckets ? (buckets[i] ?? store.edgesFromHex(k)) : store.edgesFromHex(k);
    if (bucket.length === 0) return;
    bucketKeys.push(k);
    bucketOffs.push(out.pos - base);
    if (i >= 0 && ids) out.id(ids, i * ID);
    else out.hexId(k);
    out.bucketBody(bucket, att);
  };
  for (let i = 0; i < n; i++) {
    if (flags[i] === 0) continue;
    const k = keys[i]!;
    while (x < extra.length && extra[x]! < k) emit(extra[x++]!, -1);
    emit(k, i);
  }
  while (x < extra.length) emit(extra[x++]!, -1);
  return {
    wk,
    warp,
    store,
    base,
    len: out.pos - base,
    hdrLen,
    nodeEnd,
    nodeKeys,
    nodeOffs,
    bucketKeys,
    bucketOffs,
    dangling: new Set(dangling),
    nodeIndex: null,
    bucketIndex: null,
  };
}

// ------------------------------------------------------------------------ full reachability

/** One warp's result of the full reachability BFS. */
class WarpReach {
  table: IdTable | null = null;
  keys: readonly string[] = [];
  flags: Uint8Array = new Uint8Array(0);
  /** Bucket of each reached node (by key index), captured during the BFS for the encoder. */
  buckets: (readonly EdgeRecord[] | undefined)[] = [];
  readonly dangling = new Set<string>();
  descNodes: Map<string, WarpId> | null = null;
  descEdges: { table: IdTable; warps: WarpId[] } | null = null;
  /** Pending reached nodes: key indexes, and dangling hex ids. */
  readonly queue: number[] = [];
  qHead = 0;
  readonly queueDangling: string[] = [];
  queued = false;

  constructor(
    readonly wk: IdHex,
    readonly warp: WarpId,
    readonly store: GraphStore | undefined,
    readonly inst: WarpInstance | undefined,
  ) {
    if (store) {
      this.keys = store.nodeIdsSorted();
      this.flags = new Uint8Array(this.keys.length);
      this.buckets = new Array<readonly EdgeRecord[] | undefined>(this.keys.length);
      const nodes = new Map<string, WarpId>();
      const edgeIds: Uint8Array[] = [];
      const edgeWarps: WarpId[] = [];
      for (const [owner, c] of store.descendingAttachments()) {
        if (owner.owner === 'node') nodes.set(toHex(owner.local), c);
        else {
          edgeIds.push(owner.local);
          edgeWarps.push(c);
        }
      }
      if (nodes.size > 0) this.descNodes = nodes;
      if (edgeIds.length > 0) this.descEdges = { table: IdTable.fromBytes(edgeIds), warps: edgeWarps };
    }
  }

  getTable(): IdTable {
    if (!this.table) this.table = IdTable.fromHex(this.keys);
    return this.table;
  }
}

/**
 * `reachability(state, root)` of snapshot.ts on id tables: a node is its index in the store's
 * sorted key list, found from edge targets' bytes without building strings. Visiting order differs
 * from the reference BFS; only the resulting sets matter (ENGINE-SPEC §7.1).
 */
function fullReach(state: WarpState, root: NodeKey): Map<IdHex, WarpReach> {
  const warps = new Map<IdHex, WarpReach>();
  const work: WarpReach[] = [];
  const warpOf = (c: WarpId): WarpReach => {
    const ck = toHex(c);
    let wr = warps.get(ck);
    if (!wr) {
      wr = new WarpReach(ck, c, state.stores.get(ck), state.instances.get(ck));
      warps.set(ck, wr);
    }
    return wr;
  };
  const schedule = (wr: WarpReach): void => {
    if (!wr.queued) {
      wr.queued = true;
      work.push(wr);
    }
  };
  const reachNode = (wr: WarpReach, id: Uint8Array): void => {
    if (wr.store) {
      const i = wr.getTable().find(id);
      if (i >= 0) {
        if (wr.flags[i] === 0) {
          wr.flags[i] = 1;
          wr.queue.push(i);
          schedule(wr);
        }
        return;
      }
    }
    const h = toHex(id);
    if (!wr.dangling.has(h)) {
      wr.dangling.add(h);
      wr.queueDangling.push(h);
      schedule(wr);
    }
  };
  const descend = (c: WarpId): void => {
    const wr = warpOf(c);
    if (wr.inst) reachNode(wr, wr.inst.rootNode);
  };
  /** Follows one reached node's out-links (edges, edge portals, node portal). */
  const expand = (wr: WarpReach, hex: string, bucket: readonly EdgeRecord[]): void => {
    const de = wr.descEdges;
    const table = wr.getTable();
    const flags = wr.flags;
    for (let j = 0; j < bucket.length; j++) {
      const e = bucket[j]!;
      const t = table.find(e.to);
      if (t >= 0) {
        if (flags[t] === 0) {
          flags[t] = 1;
          wr.queue.push(t);
        }
      } else reachNode(wr, e.to);
      if (de) {
        const d = de.table.find(e.id);
        if (d >= 0) descend(de.warps[d]!);
      }
    }
    if (wr.descNodes) {
      const c = wr.descNodes.get(hex);
      if (c) descend(c);
    }
  };
  reachNode(warpOf(root.warp), root.local);
  while (work.length > 0) {
    const wr = work.pop()!;
    wr.queued = false;
    const store = wr.store;
    if (!store) {
      wr.queue.length = 0;
      wr.queueDangling.length = 0;
      continue;
    }
    const keys = wr.keys;
    const buckets = wr.buckets;
    while (wr.qHead < wr.queue.length || wr.queueDangling.length > 0) {
      while (wr.qHead < wr.queue.length) {
        const o = wr.queue[wr.qHead++]!;
        const hex = keys[o]!;
        const bucket = store.edgesFromHex(hex);
        buckets[o] = bucket;
        expand(wr, hex, bucket);
      }
      const h = wr.queueDangling.pop();
      if (h !== undefined) expand(wr, h, store.edgesFromHex(h));
    }
    wr.queue.length = 0;
    wr.qHead = 0;
  }
  return warps;
}

/** Upper-bound-ish size of the stream (every node and edge of the reached stores, no atoms). */
function estimateStream(reach: Map<IdHex, WarpReach>): number {
  let n = STREAM_HDR;
  for (const wr of reach.values()) {
    const s = wr.store;
    if (s) n += 2 * ID + 67 + s.nodeCount * (2 * ID + 1) + s.edgeCount * (3 * ID + 1 + ID + 8);
  }
  return Math.min(n, 1 << 30);
}

// ----------------------------------------------------------------------------- journals

/**
 * Keys a tick touched in one store, read straight from its store journal(s) (in order; the FIRST
 * journal holding a key has its prior value). Nothing is copied for the common single journal.
 */
class TouchedWarp {
  readonly sjs: StoreJournal[] = [];
  private nodeSet: KeySet | null = null;
  private bucketSet: KeySet | null = null;
  private edgeAttSet: KeySet | null = null;

  /** Nodes whose record or attachment was touched, each once. */
  get nodes(): KeySet {
    return (this.nodeSet ??= union(this.sjs.flatMap((sj) => [sj.nodes, sj.nodeAttachments])));
  }
  /** Sources whose bucket was touched, each once. */
  get buckets(): KeySet {
    return (this.bucketSet ??= union(this.sjs.map((sj) => sj.edgesFrom)));
  }
  /** Edges whose attachment was touched, each once. */
  get edgeAtts(): KeySet {
    return (this.edgeAttSet ??= union(this.sjs.map((sj) => sj.edgeAttachments)));
  }
  /** The attachment of node `n` before the journals (else `current`). */
  priorNodeAtt(n: string, current: AttachmentValue | undefined): AttachmentValue | undefined {
    for (const sj of this.sjs) if (sj.nodeAttachments.has(n)) return sj.nodeAttachments.get(n);
    return current;
  }
  priorEdgeAtt(e: string, current: AttachmentValue | undefined): AttachmentValue | undefined {
    for (const sj of this.sjs) if (sj.edgeAttachments.has(e)) return sj.edgeAttachments.get(e);
    return current;
  }
  priorBucket(f: string, current: readonly EdgeRecord[]): readonly EdgeRecord[] {
    for (const sj of this.sjs) if (sj.edgesFrom.has(f)) return sj.edgesFrom.get(f) ?? EMPTY;
    return current;
  }
  /** Whether any prior node / edge attachment was a portal (`Descend`). */
  priorDescend(): boolean {
    for (const sj of this.sjs) {
      for (const v of sj.nodeAttachments.values()) if (v && v.kind === 'descend') return true;
      for (const v of sj.edgeAttachments.values()) if (v && v.kind === 'descend') return true;
    }
    return false;
  }
}

/** Distinct keys with a size (a map's own keys when only one map is non-empty). */
interface KeySet extends Iterable<string> {
  readonly size: number;
}

function union(maps: ReadonlyArray<ReadonlyMap<string, unknown>>): KeySet {
  const nonEmpty = maps.filter((m) => m.size > 0);
  if (nonEmpty.length === 0) return EMPTY_KEYS;
  if (nonEmpty.length === 1) {
    const m = nonEmpty[0]!;
    return { size: m.size, [Symbol.iterator]: () => m.keys() };
  }
  const set = new Set<string>();
  for (const m of nonEmpty) for (const k of m.keys()) set.add(k);
  return set;
}

const EMPTY_KEYS: KeySet = new Set<string>();

interface Touched {
  readonly warps: Map<IdHex, TouchedWarp>;
  readonly instPrior: Map<IdHex, WarpInstance | undefined>;
  readonly stores: Set<IdHex>;
}

/** The journals' touched keys by warp (instances: the FIRST journal's prior value). */
function collectTouched(journals: readonly StateJournal[]): Touched {
  const t: Touched = { warps: new Map(), instPrior: new Map(), stores: new Set() };
  for (const j of journals) {
    for (const [k, v] of j.instances) if (!t.instPrior.has(k)) t.instPrior.set(k, v);
    for (const k of j.stores.keys()) t.stores.add(k);
    for (const [wk, sj] of j.storeJournals) {
      const empty = sj.nodes.size + sj.nodeAttachments.size + sj.edgeAttachments.size + sj.edgesFrom.size === 0;
      if (empty) continue;
      let tw = t.warps.get(wk);
      if (!tw) {
        tw = new TouchedWarp();
        t.warps.set(wk, tw);
      }
      tw.sjs.push(sj);
    }
  }
  return t;
}

function isEmpty(t: Touched): boolean {
  return t.warps.size === 0 && t.instPrior.size === 0 && t.stores.size === 0;
}

// --------------------------------------------------------------------------------- edits

const SEC_HEADER = 0;
const SEC_NODE = 1;
const SEC_BUCKET = 2;
const SEC_ENTRY = 3;

/** A replacement of `oldLen` bytes at relative offset `start` of a segment by `bytes` (null = delete). */
interface Edit {
  readonly start: number;
  readonly oldLen: number;
  readonly bytes: Uint8Array | null;
  readonly sec: number;
  /** Index in the section's old key array (insertion point for inserts). */
  readonly idx: number;
  readonly key: string;
  readonly insert: boolean;
}

function compareEdits(a: Edit, b: Edit): number {
  if (a.start !== b.start) return a.start - b.start;
  if (a.sec !== b.sec) return a.sec - b.sec;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function editDelta(e: Edit): number {
  return (e.bytes ? e.bytes.length : 0) - e.oldLen;
}

/** A piece of the new stream: old bytes [from, to) or new bytes. */
type Piece = { readonly from: number; readonly to: number } | Uint8Array;

/** What changes in one segment (in stream order of new segments). */
interface SegPlan {
  /** The segment after the update (mutated in place for edited segments). */
  readonly seg: Seg;
  /** Old absolute base, or -1 for a new segment. */
  readonly oldBase: number;
  readonly oldLen: number;
  /** Same-length edits (may be empty); used only when `pieces` is null. */
  readonly inPlace: Edit[];
  /** New content when the segment changes length or structure; null otherwise. */
  readonly pieces: Piece[] | null;
  /** Relative offset of the first byte that differs (Infinity when none). */
  readonly firstRel: number;
}

/** Thrown internally to abandon an incremental update for a full rebuild. */
class Fallback extends Error {}

/** Counters for tests and benchmarks. @public */
export interface StateRootIndexStats {
  /** Full builds (explicit, invalidated, or fallbacks). */
  rebuilds: number;
  /** `update` calls. */
  updates: number;
  /** Updates where nothing reachable changed (no hashing). */
  noops: number;
  /** Updates that only rewrote bytes in place (fast path: dirty chunks + O(log n) parents). */
  inPlace: number;
  /** Updates that spliced records (length change or structure) and re-hashed from the first moved byte. */
  spliced: number;
  /** Updates that recomputed reachability for the whole state (ordinal BFS). */
  reachRecomputes: number;
  /** Updates that settled a possible loss of reachability locally. */
  localLoss: number;
  /** Updates that fell back to a rebuild. */
  fallbacks: number;
}

/** Tuning knobs (tests use them to force each path). @public */
export interface StateRootIndexOptions {
  /** Largest loss closure settled locally, as a fraction of the reachable node count (default 1/16). */
  readonly localLossFraction?: number;
  /** …and in absolute nodes on top of that fraction (default 4096). */
  readonly localLossMin?: number;
}

/**
 * Incrementally maintained `computeStateRoot` (see the file header). One instance per engine.
 * @public
 */
export class StateRootIndex {
  private buf: Uint8Array = new Uint8Array(0);
  private len = 0;
  /** Assembly space for tails that cannot be shifted in place (kept to avoid re-allocation). */
  private scratch: Uint8Array = new Uint8Array(0);
  private readonly tree = new Blake3Tree();
  private valid = false;
  private anomalous = false;
  private state: WarpState | null = null;
  private rootWarp = '';
  private rootLocal = '';
  private segs: Seg[] = [];
  private readonly segByWarp = new Map<IdHex, Seg>();
  private reachCount = 0;
  private rootHash: Hash = new Uint8Array(32);
  private readonly lossFraction: number;
  private readonly lossMin: number;
  readonly stats: StateRootIndexStats = { rebuilds: 0, updates: 0, noops: 0, inPlace: 0, spliced: 0, reachRecomputes: 0, localLoss: 0, fallbacks: 0 };

  constructor(opts: StateRootIndexOptions = {}) {
    this.lossFraction = opts.localLossFraction ?? 1 / 16;
    this.lossMin = opts.localLossMin ?? 4096;
  }

  /** The last computed state root (a copy). @throws Error when nothing was computed yet. */
  root(): Hash {
    if (!this.valid) throw new Error('StateRootIndex: no root computed (call rebuild or update)');
    return this.rootHash.slice();
  }

  /** Whether a root is cached (the next `update` may then be incremental). */
  get isValid(): boolean {
    return this.valid;
  }

  /** Length of the canonical stream in bytes. */
  get byteLength(): number {
    return this.len;
  }

  /** A copy of the canonical stream (tests and debugging). */
  streamBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** Forgets everything; the next `update` rebuilds (use after untracked edits or a state swap). */
  invalidate(): void {
    this.valid = false;
    this.state = null;
    this.segs = [];
    this.segByWarp.clear();
    this.tree.reset();
  }

  /** Builds the stream and its hash tree from scratch; equals `computeStateRoot(state, root)`. */
  rebuild(state: WarpState, root: NodeKey): Hash {
    this.stats.rebuilds++;
    this.invalidate();
    const reach = fullReach(state, root);
    const out = new Out(0, this.buf.length > 0 ? this.buf : null);
    out.reserve(estimateStream(reach));
    out.id(root.warp, 0);
    out.id(root.local, 0);
    const segs: Seg[] = [];
    let anomalous = false;
    let count = 0;
    for (const wk of Array.from(reach.keys()).sort()) {
      const wr = reach.get(wk)!;
      if (!wr.inst || !wr.store) {
        anomalous = true;
        continue;
      }
      const seg = encodeSeg(out, wk, wr.warp, wr.inst, wr.store, wr.flags, wr.dangling, wr.table ? wr.table.ids : null, wr.buckets);
      count += seg.nodeKeys.length + seg.dangling.size;
      segs.push(seg);
    }
    this.buf = out.buf;
    this.len = out.pos;
    this.segs = segs;
    for (const s of segs) this.segByWarp.set(s.wk, s);
    this.reachCount = count;
    this.anomalous = anomalous;
    this.state = state;
    this.rootWarp = toHex(root.warp);
    this.rootLocal = toHex(root.local);
    this.rootHash = this.tree.build(this.buf.subarray(0, this.len));
    this.valid = true;
    return this.rootHash.slice();
  }

  /**
   * Brings the root up to date after mutations recorded in `journal` (one tick's `StateJournal`,
   * or several in order, e.g. direct edits journaled separately and then the tick). Must be called
   * after the journal(s) ended and before any untracked mutation. Equals `computeStateRoot`.
   */
  update(state: WarpState, root: NodeKey, journal: StateJournal | readonly StateJournal[]): Hash {
    this.stats.updates++;
    if (!this.valid || this.anomalous || state !== this.state || toHex(root.warp) !== this.rootWarp || toHex(root.local) !== this.rootLocal) {
      return this.rebuild(state, root);
    }
    const journals: readonly StateJournal[] = Array.isArray(journal) ? journal : [journal as StateJournal];
    const t = collectTouched(journals);
    for (const seg of this.segs) {
      if (t.stores.has(seg.wk)) continue;
      if (state.stores.get(seg.wk) !== seg.store) return this.fallback(state, root);
      for (const j of journals) if (!j.storeJournals.has(seg.wk)) return this.fallback(state, root);
    }
    if (isEmpty(t)) {
      this.stats.noops++;
      return this.rootHash.slice();
    }
    let ok = false;
    try {
      const h = this.incremental(state, root, t);
      ok = true;
      return h;
    } catch (e) {
      if (e instanceof Fallback) {
        ok = true;
        return this.fallback(state, root);
      }
      throw e;
    } finally {
      if (!ok) this.invalidate();
    }
  }

  private fallback(state: WarpState, root: NodeKey): Hash {
    this.stats.fallbacks++;
    return this.rebuild(state, root);
  }

  // -------------------------------------------------------------------- membership

  private inOldR(wk: IdHex, hex: string): boolean {
    const seg = this.segByWarp.get(wk);
    if (!seg) return false;
    return seg.dangling.has(hex) || nodeIdx(seg, hex) >= 0;
  }

  // ------------------------------------------------------------------- incremental

  private incremental(state: WarpState, root: NodeKey, t: Touched): Hash {
    for (const [wk, tw] of t.warps) {
      const seg = this.segByWarp.get(wk);
      // Many lookups: a key → index map (kept while no key is inserted or deleted) beats binary search.
      const nb = tw.buckets.size + tw.edgeAtts.size;
      if (seg && !seg.nodeIndex && tw.nodes.size > 64 && tw.nodes.size * 16 > seg.nodeKeys.length) seg.nodeIndex = buildIndex(seg.nodeKeys);
      if (seg && !seg.bucketIndex && nb > 64 && nb * 16 > seg.bucketKeys.length) seg.bucketIndex = buildIndex(seg.bucketKeys);
    }
    const portalCache = new Map<IdHex, boolean>();
    const hasPortals = (S: GraphStore, wk: IdHex): boolean => {
      let v = portalCache.get(wk);
      if (v === undefined) {
        v = !S.descendingAttachments().next().done;
        portalCache.set(wk, v);
      }
      return v;
    };
    // 1. Reachability effects of the touched links, judged against the OLD reachable set.
    let warpLoss = false;
    const lossCands: Array<[IdHex, string]> = [];
    const growth: Array<[IdHex, string, string]> = []; // warp, target, source owner node
    const descends: Array<[WarpId, IdHex, string]> = []; // child, owner warp, owner node
    for (const wk of t.stores) if (this.segByWarp.has(wk)) warpLoss = true;
    for (const [wk, prior] of t.instPrior) {
      if (!this.segByWarp.has(wk)) continue;
      const cur = state.instances.get(wk);
      if (!cur || !prior || toHex(prior.rootNode) !== toHex(cur.rootNode)) warpLoss = true;
    }
    for (const [wk, tw] of t.warps) {
      if (warpLoss) break;
      const seg = this.segByWarp.get(wk);
      if (!seg) continue; // unreachable warp: only growth can reach it, and growth reads the current graph
      const S = seg.store;
      // Attachments matter to reachability only through portals: skip the per-node and per-edge
      // checks when the store has none and none was removed.
      const portalsInvolved = hasPortals(S, wk) || tw.priorDescend();
      for (const n of portalsInvolved ? tw.nodes : EMPTY_KEYS) {
        if (!this.inOldR(wk, n)) continue;
        const curV = S.nodeAttachmentByHex(n);
        const oldV = tw.priorNodeAtt(n, curV);
        if (oldV && oldV.kind === 'descend' && !(curV && curV.kind === 'descend' && toHex(curV.warp) === toHex(oldV.warp))) warpLoss = true;
        if (curV && curV.kind === 'descend') descends.push([curV.warp, wk, n]);
      }
      for (const f of tw.buckets) {
        if (!this.inOldR(wk, f)) continue;
        const cur = S.edgesFromHex(f);
        const old = tw.priorBucket(f, cur);
        // Edges present in both (same record object) keep their target; compare the rest.
        let p = 0;
        while (p < old.length && p < cur.length && old[p] === cur[p]) p++;
        let so = old.length;
        let sc = cur.length;
        while (so > p && sc > p && old[so - 1] === cur[sc - 1]) {
          so--;
          sc--;
        }
        const oldD = new Set<string>();
        for (let i = p; i < so; i++) {
          const e = old[i]!;
          lossCands.push([wk, toHex(e.to)]);
          const ek = toHex(e.id);
          const v = tw.priorEdgeAtt(ek, S.edgeAttachmentByHex(ek));
          if (v && v.kind === 'descend') oldD.add(toHex(v.warp));
        }
        for (let i = p; i < sc; i++) {
          const e = cur[i]!;
          const th = toHex(e.to);
          if (!this.inOldR(wk, th)) growth.push([wk, th, f]);
          const v = S.edgeAttachmentByHex(toHex(e.id));
          if (v && v.kind === 'descend') {
            oldD.delete(toHex(v.warp));
            descends.push([v.warp, wk, f]);
          }
        }
        if (oldD.size > 0) warpLoss = true;
      }
      for (const ek of portalsInvolved ? tw.edgeAtts : EMPTY_KEYS) {
        const rec = S.edgeByHex(ek);
        if (!rec) continue; // deleted: its old bucket is journaled and handled above
        const f = toHex(rec.from);
        if (!this.inOldR(wk, f)) continue;
        const curV = S.edgeAttachmentByHex(ek);
        const prior = tw.priorEdgeAtt(ek, curV);
        if (prior && prior.kind === 'descend' && !(curV && curV.kind === 'descend' && toHex(curV.warp) === toHex(prior.warp))) warpLoss = true;
        if (curV && curV.kind === 'descend') descends.push([curV.warp, wk, f]);
      }
    }
    if (warpLoss) return this.recomputeAll(state, root, t);

    // 2. Settle losses locally (closure K of the candidates) and explore growth.
    const K = new Map<IdHex, Set<string>>();
    let kSize = 0;
    const budget = this.lossMin + Math.floor(this.reachCount * this.lossFraction);
    const kq: Array<[IdHex, string]> = [];
    const inK = (wk: IdHex, n: string): boolean => K.get(wk)?.has(n) ?? false;
    const addK = (wk: IdHex, n: string): void => {
      if (inK(wk, n) || !this.inOldR(wk, n)) return;
      let s = K.get(wk);
      if (!s) {
        s = new Set();
        K.set(wk, s);
      }
      s.add(n);
      kSize++;
      kq.push([wk, n]);
    };
    for (const [wk, n] of lossCands) addK(wk, n);
    for (let qi = 0; qi < kq.length; qi++) {
      if (kSize > budget) return this.recomputeAll(state, root, t);
      const [wk, n] = kq[qi]!;
      const S = this.segByWarp.get(wk)!.store;
      const portals = hasPortals(S, wk);
      if (portals) {
        const v = S.nodeAttachmentByHex(n);
        if (v && v.kind === 'descend') return this.recomputeAll(state, root, t);
      }
      for (const e of S.edgesFromHex(n)) {
        if (portals) {
          const v = S.edgeAttachment(e.id);
          if (v && v.kind === 'descend') return this.recomputeAll(state, root, t);
        }
        addK(wk, toHex(e.to));
      }
    }
    if (kSize > 0) this.stats.localLoss++;
    // Start set: K nodes with a surviving in-link (or the root / an instance root), growth targets
    // and portal roots whose owner is outside K.
    const visited = new Map<IdHex, Set<string>>();
    const q: Array<[IdHex, string]> = [];
    const newWarps = new Set<IdHex>();
    const visit = (wk: IdHex, n: string): void => {
      if (this.inOldR(wk, n) && !inK(wk, n)) return; // already reachable, never lost
      let s = visited.get(wk);
      if (!s) {
        s = new Set();
        visited.set(wk, s);
      }
      if (s.has(n)) return;
      s.add(n);
      q.push([wk, n]);
    };
    const visitWarp = (c: WarpId): void => {
      const ck = toHex(c);
      if (!this.segByWarp.has(ck)) {
        if (!newWarps.has(ck)) {
          newWarps.add(ck);
          if (!state.instances.get(ck) || !state.stores.get(ck)) throw new Fallback('portal into a warp without instance or store');
        }
      }
      const inst = state.instances.get(ck);
      if (inst) visit(ck, toHex(inst.rootNode));
    };
    for (const [wk, set] of K) {
      const S = this.segByWarp.get(wk)!.store;
      const inst = state.instances.get(wk);
      const instRoot = inst ? toHex(inst.rootNode) : '';
      for (const n of set) {
        if (wk === this.rootWarp && n === this.rootLocal) {
          visit(wk, n);
          continue;
        }
        if (n === instRoot) {
          if (wk === this.rootWarp) return this.recomputeAll(state, root, t);
          visit(wk, n);
          continue;
        }
        for (const ek of S.edgesToHex(n)) {
          const rec = S.edgeByHex(ek);
          if (!rec) continue;
          const f = toHex(rec.from);
          if (!inK(wk, f) && this.inOldR(wk, f)) {
            visit(wk, n);
            break;
          }
        }
      }
    }
    for (const [wk, target, src] of growth) if (!inK(wk, src)) visit(wk, target);
    for (const [c, wk, owner] of descends) if (!inK(wk, owner)) visitWarp(c);
    for (let qi = 0; qi < q.length; qi++) {
      const [wk, n] = q[qi]!;
      const S = state.stores.get(wk);
      if (!S) throw new Fallback('reached a warp without a store');
      for (const e of S.edgesFromHex(n)) {
        visit(wk, toHex(e.to));
        const v = S.edgeAttachment(e.id);
        if (v && v.kind === 'descend') visitWarp(v.warp);
      }
      const v = S.nodeAttachmentByHex(n);
      if (v && v.kind === 'descend') visitWarp(v.warp);
    }
    // added = visited \ oldR, removed = K \ visited
    const added = new Map<IdHex, Set<string>>();
    const removed = new Map<IdHex, Set<string>>();
    for (const [wk, set] of visited) {
      const a = new Set<string>();
      for (const n of set) if (!this.inOldR(wk, n)) a.add(n);
      if (a.size > 0) added.set(wk, a);
    }
    for (const [wk, set] of K) {
      const vs = visited.get(wk);
      const r = new Set<string>();
      for (const n of set) if (!vs || !vs.has(n)) r.add(n);
      if (r.size > 0) removed.set(wk, r);
    }
    return this.applyChanges(state, t, added, removed, newWarps, null);
  }

  /** Full reachability, then per warp: edits when its reachable set is unchanged, else re-encode. */
  private recomputeAll(state: WarpState, root: NodeKey, t: Touched): Hash {
    this.stats.reachRecomputes++;
    const reach = fullReach(state, root);
    for (const wr of reach.values()) if (!wr.inst || !wr.store) throw new Fallback('reachable warp without instance or store');
    return this.applyChanges(state, t, new Map(), new Map(), new Set(), reach);
  }

  /**
   * Applies reachability changes and touched records. Either `reach` (full recomputation) or the
   * `added` / `removed` / `newWarps` deltas describe the new reachable set.
   */
  private applyChanges(
    state: WarpState,
    t: Touched,
    added: Map<IdHex, Set<string>>,
    removed: Map<IdHex, Set<string>>,
    newWarps: Set<IdHex>,
    reach: Map<IdHex, WarpReach> | null,
  ): Hash {
    const plans: SegPlan[] = [];
    const removedSegs: Seg[] = [];
    const newOrder: IdHex[] = reach
      ? Array.from(reach.keys()).sort()
      : Array.from(new Set([...this.segs.map((s) => s.wk), ...newWarps])).sort();
    if (reach) for (const s of this.segs) if (!reach.has(s.wk)) removedSegs.push(s);
    const out = new Out(4096); // fresh segments (copied out)
    const arena = new Out(4096); // re-encoded records (viewed, never rewound)
    for (const wk of newOrder) {
      const old = this.segByWarp.get(wk);
      const inst = state.instances.get(wk);
      const S = state.stores.get(wk);
      if (!inst || !S) throw new Fallback('reachable warp without instance or store');
      if (reach) {
        const wr = reach.get(wk)!;
        if (old && old.store === S && !t.stores.has(wk) && sameMembership(old, wr)) {
          plans.push(this.editSeg(old, S, inst, t.warps.get(wk), t.instPrior.has(wk), null, null, arena));
        } else {
          out.pos = 0;
          const seg = encodeSeg(out, wk, wr.warp, inst, S, wr.flags, wr.dangling, wr.table ? wr.table.ids : null, wr.buckets);
          plans.push(this.freshPlan(old, seg, out.take(0)));
        }
        continue;
      }
      if (!old) {
        // A newly reached warp: everything reached in it is new.
        const a = added.get(wk) ?? new Set<string>();
        const keys = S.nodeIdsSorted();
        const flags = new Uint8Array(keys.length);
        const dangling = new Set(a);
        for (let i = 0; i < keys.length; i++) {
          if (a.has(keys[i]!)) {
            flags[i] = 1;
            dangling.delete(keys[i]!);
          }
        }
        out.pos = 0;
        const seg = encodeSeg(out, wk, inst.warpId, inst, S, flags, dangling, null, null);
        plans.push(this.freshPlan(undefined, seg, out.take(0)));
        continue;
      }
      const a = added.get(wk) ?? null;
      const r = removed.get(wk) ?? null;
      const tw = t.warps.get(wk);
      const changes = (a ? a.size : 0) + (r ? r.size : 0);
      if (changes > 64 && changes * 8 > old.nodeKeys.length) {
        // Many reachability changes in one warp: re-encode it from the new membership.
        const keys = S.nodeIdsSorted();
        const flags = new Uint8Array(keys.length);
        const dangling = new Set<string>();
        let j = 0;
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          while (j < old.nodeKeys.length && old.nodeKeys[j]! < k) j++;
          const wasIn = (j < old.nodeKeys.length && old.nodeKeys[j] === k) || old.dangling.has(k);
          if ((wasIn && !(r && r.has(k))) || (a && a.has(k))) flags[i] = 1;
        }
        for (const d of old.dangling) if (!(r && r.has(d)) && !S.nodeByHex(d)) dangling.add(d);
        if (a) for (const n of a) if (!S.nodeByHex(n)) dangling.add(n);
        // Old record holders that lost their record but stay reachable become dangling.
        if (tw) for (const n of tw.nodes) if (!S.nodeByHex(n) && (old.dangling.has(n) || nodeIdx(old, n) >= 0) && !(r && r.has(n))) dangling.add(n);
        out.pos = 0;
        const seg = encodeSeg(out, wk, old.warp, inst, S, flags, dangling, null, null);
        plans.push(this.freshPlan(old, seg, out.take(0)));
        continue;
      }
      plans.push(this.editSeg(old, S, inst, tw, t.instPrior.has(wk), a, r, arena));
    }
    return this.commitPlans(plans, removedSegs);
  }

  private freshPlan(old: Seg | undefined, seg: Seg, bytes: Uint8Array): SegPlan {
    if (!old) return { seg, oldBase: -1, oldLen: 0, inPlace: [], pieces: [bytes], firstRel: 0 };
    const oldBytes = this.buf.subarray(old.base, old.base + old.len);
    const n = Math.min(oldBytes.length, bytes.length);
    let first = 0;
    while (first < n && oldBytes[first] === bytes[first]) first++;
    if (bytes.length === oldBytes.length) {
      if (first === n) return { seg, oldBase: old.base, oldLen: old.len, inPlace: [], pieces: null, firstRel: Infinity };
      let last = n - 1;
      while (last > first && oldBytes[last] === bytes[last]) last--;
      const e: Edit = { start: first, oldLen: last + 1 - first, bytes: bytes.slice(first, last + 1), sec: SEC_HEADER, idx: 0, key: '', insert: false };
      return { seg, oldBase: old.base, oldLen: old.len, inPlace: [e], pieces: null, firstRel: first };
    }
    return { seg, oldBase: old.base, oldLen: old.len, inPlace: [], pieces: [bytes], firstRel: first };
  }

  /**
   * Re-encodes the candidate records of one existing segment and turns them into edits. Mutates
   * `seg`'s arrays (and dangling set) to describe the NEW segment; the old bytes stay in `buf`.
   */
  private editSeg(
    seg: Seg,
    S: GraphStore,
    inst: WarpInstance,
    tw: TouchedWarp | undefined,
    headerTouched: boolean,
    added: Set<string> | null,
    removed: Set<string> | null,
    out: Out,
  ): SegPlan {
    const base = seg.base;
    const buf = this.buf;
    const edits: Edit[] = [];
    const inNew = (n: string, wasIn: boolean): boolean => (wasIn && !(removed && removed.has(n))) || (added !== null && added.has(n));
    // Header.
    if (headerTouched) {
      const at0 = out.pos;
      out.header(seg.warp, inst);
      const bytes = out.view(at0);
      if (!rangeEquals(buf, base, seg.hdrLen, bytes)) edits.push({ start: 0, oldLen: seg.hdrLen, bytes, sec: SEC_HEADER, idx: 0, key: '', insert: false });
    }
    // Node records.
    let nodeCands: Iterable<string> = tw ? tw.nodes : EMPTY_KEYS;
    if (added || removed) {
      const set = new Set<string>(nodeCands);
      if (added) for (const n of added) set.add(n);
      if (removed) for (const n of removed) set.add(n);
      nodeCands = set;
    }
    const danglingAdd: string[] = [];
    const danglingDel: string[] = [];
    for (const n of nodeCands) {
      const i = nodeIdx(seg, n);
      const wasIn = i >= 0 || seg.dangling.has(n);
      const isIn = inNew(n, wasIn);
      const rec = isIn ? S.nodeByHex(n) : undefined;
      if (isIn && !rec) danglingAdd.push(n);
      else if (seg.dangling.has(n)) danglingDel.push(n);
      if (rec) {
        const at0 = out.pos;
        if (i >= 0) out.id(buf, base + seg.nodeOffs[i]!); // the id is already in the stream
        else out.hexId(n);
        out.id(rec.ty, 0);
        out.avOpt(S.nodeAttachmentByHex(n));
        const bytes = out.view(at0);
        if (i >= 0) {
          const st = seg.nodeOffs[i]!;
          const ol = nodeLen(seg, i);
          if (!rangeEquals(buf, base + st, ol, bytes)) edits.push({ start: st, oldLen: ol, bytes, sec: SEC_NODE, idx: i, key: n, insert: false });
        } else {
          const at = lowerBound(seg.nodeKeys, n);
          const st = at < seg.nodeKeys.length ? seg.nodeOffs[at]! : seg.nodeEnd;
          edits.push({ start: st, oldLen: 0, bytes, sec: SEC_NODE, idx: at, key: n, insert: true });
        }
      } else if (i >= 0) {
        edits.push({ start: seg.nodeOffs[i]!, oldLen: nodeLen(seg, i), bytes: null, sec: SEC_NODE, idx: i, key: n, insert: false });
      }
    }
    // Bucket records.
    const bucketCands = new Set<string>();
    if (tw) for (const f of tw.buckets) bucketCands.add(f);
    if (added) for (const n of added) bucketCands.add(n);
    if (removed) for (const n of removed) bucketCands.add(n);
    const withEdgeAtt = hasEdgeAttachments(S);
    const attOf = withEdgeAtt ? (e: EdgeRecord): AttachmentValue | undefined => S.edgeAttachment(e.id) : null;
    for (const f of bucketCands) {
      const i = bucketIdx(seg, f);
      let wasIn = i >= 0;
      if (!wasIn) wasIn = seg.dangling.has(f) || nodeIdx(seg, f) >= 0;
      const isIn = inNew(f, wasIn);
      const bucket = isIn ? S.edgesFromHex(f) : EMPTY;
      if (bucket.length > 0) {
        const at0 = out.pos;
        out.hexId(f);
        out.bucketBody(bucket, attOf);
        const bytes = out.view(at0);
        if (i >= 0) {
          const st = seg.bucketOffs[i]!;
          const ol = bucketLen(seg, i);
          if (!rangeEquals(buf, base + st, ol, bytes)) edits.push({ start: st, oldLen: ol, bytes, sec: SEC_BUCKET, idx: i, key: f, insert: false });
        } else {
          const at = lowerBound(seg.bucketKeys, f);
          const st = at < seg.bucketKeys.length ? seg.bucketOffs[at]! : seg.len;
          edits.push({ start: st, oldLen: 0, bytes, sec: SEC_BUCKET, idx: at, key: f, insert: true });
        }
      } else if (i >= 0) {
        edits.push({ start: seg.bucketOffs[i]!, oldLen: bucketLen(seg, i), bytes: null, sec: SEC_BUCKET, idx: i, key: f, insert: false });
      }
    }
    // Edge attachments inside buckets that are otherwise unchanged: patch the entry's AV? only.
    if (tw) {
      for (const ek of tw.edgeAtts) {
        const rec = S.edgeByHex(ek);
        if (!rec) continue;
        const f = toHex(rec.from);
        if (bucketCands.has(f)) continue;
        const i = bucketIdx(seg, f);
        if (i < 0) continue; // source unreachable (reachable sources with edges always have a record)
        const st = seg.bucketOffs[i]!;
        const end = st + bucketLen(seg, i);
        let p = base + st + ID + 8;
        let found = -1;
        while (p < base + end) {
          if (idsEqualAt(buf, p, rec.id, 0)) {
            found = p;
            break;
          }
          p += 3 * ID + avLenAt(buf, p + 3 * ID);
        }
        if (found < 0) throw new Fallback('edge entry not found in its bucket record');
        const avAt = found + 3 * ID;
        const ol = avLenAt(buf, avAt);
        const at0 = out.pos;
        out.avOpt(S.edgeAttachmentByHex(ek));
        const bytes = out.view(at0);
        if (!rangeEquals(buf, avAt, ol, bytes)) edits.push({ start: avAt - base, oldLen: ol, bytes, sec: SEC_ENTRY, idx: i, key: ek, insert: false });
      }
    }
    for (const n of danglingDel) seg.dangling.delete(n);
    for (const n of danglingAdd) seg.dangling.add(n);
    const oldBase = seg.base;
    const oldLen = seg.len;
    if (edits.length === 0) return { seg, oldBase, oldLen, inPlace: [], pieces: null, firstRel: Infinity };
    const sameLength = edits.every((e) => e.bytes !== null && !e.insert && e.bytes.length === e.oldLen);
    if (sameLength) {
      // In place: order does not matter for writing; `firstRel` is the smallest start.
      let first = Infinity;
      for (const e of edits) if (e.start < first) first = e.start;
      return { seg, oldBase, oldLen, inPlace: edits, pieces: null, firstRel: first };
    }
    edits.sort(compareEdits);
    // Structural: new pieces and new key/offset arrays.
    const pieces: Piece[] = [];
    let cursor = 0;
    for (const e of edits) {
      if (e.start > cursor) pieces.push({ from: oldBase + cursor, to: oldBase + e.start });
      if (e.bytes && e.bytes.length > 0) pieces.push(e.bytes);
      cursor = e.start + e.oldLen;
    }
    if (cursor < oldLen) pieces.push({ from: oldBase + cursor, to: oldBase + oldLen });
    let headerDelta = 0;
    const nodeEdits: Edit[] = [];
    const bucketEdits: Edit[] = [];
    for (const e of edits) {
      if (e.sec === SEC_HEADER) headerDelta += editDelta(e);
      else if (e.sec === SEC_NODE) nodeEdits.push(e);
      else bucketEdits.push(e);
    }
    const ns = rebuildSection(seg.nodeKeys, seg.nodeOffs, seg.nodeEnd, nodeEdits, headerDelta);
    const bs = rebuildSection(seg.bucketKeys, seg.bucketOffs, oldLen, bucketEdits, ns.shift);
    if (ns.keysChanged) seg.nodeIndex = null;
    if (bs.keysChanged) seg.bucketIndex = null;
    seg.nodeKeys = ns.keys;
    seg.nodeOffs = ns.offs;
    seg.bucketKeys = bs.keys;
    seg.bucketOffs = bs.offs;
    seg.hdrLen += headerDelta;
    seg.nodeEnd += ns.shift;
    seg.len = oldLen + bs.shift;
    return { seg, oldBase, oldLen, inPlace: [], pieces, firstRel: edits[0]!.start };
  }

  /** Writes the planned segments into the stream and re-hashes what changed. */
  private commitPlans(plans: SegPlan[], removedSegs: Seg[]): Hash {
    // First old offset where bytes move (everything before it keeps its position).
    let first = Number.POSITIVE_INFINITY;
    let structural = removedSegs.length > 0;
    for (const s of removedSegs) first = Math.min(first, s.base);
    const oldSegsSorted = this.segs;
    for (const p of plans) {
      if (p.oldBase < 0) {
        structural = true;
        // Position of a new segment: the old base of the next old segment in warp order, or the end.
        let pos = this.len;
        for (const s of oldSegsSorted) {
          if (s.wk > p.seg.wk) {
            pos = s.base;
            break;
          }
        }
        first = Math.min(first, pos);
      } else if (p.pieces) {
        structural = true;
        first = Math.min(first, p.oldBase + p.firstRel);
      }
    }
    let anyInPlace = false;
    for (const p of plans) {
      if (p.pieces || p.oldBase < 0) continue;
      for (const e of p.inPlace) {
        const at = p.oldBase + e.start;
        if (at >= first) continue; // rewritten with the tail below
        this.writeInPlace(at, e.bytes!);
        anyInPlace = true;
      }
    }
    // New layout.
    let pos = STREAM_HDR;
    for (const p of plans) {
      p.seg.base = pos;
      pos += p.seg.len;
    }
    const newLen = pos;
    if (first !== Number.POSITIVE_INFINITY) {
      this.writeTail(plans, first, newLen);
      this.tree.markChangedFrom(first);
    }
    this.len = newLen;
    // Index maintenance.
    this.segs = plans.map((p) => p.seg);
    this.segByWarp.clear();
    let count = 0;
    for (const s of this.segs) {
      this.segByWarp.set(s.wk, s);
      count += s.nodeKeys.length + s.dangling.size;
    }
    this.reachCount = count;
    if (!structural && !anyInPlace) {
      this.stats.noops++;
      return this.rootHash.slice();
    }
    if (structural) this.stats.spliced++;
    else this.stats.inPlace++;
    this.rootHash = this.tree.update(this.buf.subarray(0, this.len));
    return this.rootHash.slice();
  }

  /**
   * Rewrites the stream from `first` on. Pieces are old ranges (in increasing old order) and new
   * bytes. When every old range moves the same way (all right: a net growth, or all left), the
   * tail is shifted in place with `copyWithin` (right to left, resp. left to right), so a length
   * change allocates nothing; otherwise it is assembled in a persistent scratch buffer.
   */
  private writeTail(plans: readonly SegPlan[], first: number, newLen: number): void {
    const at: number[] = [];
    const src: Piece[] = [];
    let np = STREAM_HDR;
    const add = (pc: Piece): void => {
      const n = pc instanceof Uint8Array ? pc.length : pc.to - pc.from;
      if (np + n > first && n > 0) {
        const skip = Math.max(0, first - np);
        at.push(np + skip);
        src.push(skip === 0 ? pc : pc instanceof Uint8Array ? pc.subarray(skip) : { from: pc.from + skip, to: pc.to });
      }
      np += n;
    };
    for (const p of plans) {
      if (p.pieces) {
        for (const pc of p.pieces) add(pc);
        continue;
      }
      let cursor = 0;
      const inPlace = p.inPlace.length > 1 ? p.inPlace.slice().sort((x, y) => x.start - y.start) : p.inPlace;
      for (const e of inPlace) {
        if (e.start > cursor) add({ from: p.oldBase + cursor, to: p.oldBase + e.start });
        add(e.bytes!);
        cursor = e.start + e.oldLen;
      }
      if (cursor < p.oldLen) add({ from: p.oldBase + cursor, to: p.oldBase + p.oldLen });
    }
    if (np !== newLen) throw new Error('StateRootIndex: internal layout mismatch');
    let right = true;
    let left = true;
    for (let i = 0; i < src.length; i++) {
      const pc = src[i]!;
      if (pc instanceof Uint8Array) continue;
      if (at[i]! < pc.from) right = false;
      if (at[i]! > pc.from) left = false;
    }
    const old = this.buf;
    if (newLen > old.length) {
      const nb = new Uint8Array(Math.ceil(newLen * 1.25) + 1024);
      nb.set(old.subarray(0, first));
      for (let i = 0; i < src.length; i++) {
        const pc = src[i]!;
        if (pc instanceof Uint8Array) nb.set(pc, at[i]!);
        else nb.set(old.subarray(pc.from, pc.to), at[i]!);
      }
      this.buf = nb;
    } else if (right) {
      for (let i = src.length - 1; i >= 0; i--) {
        const pc = src[i]!;
        if (pc instanceof Uint8Array) old.set(pc, at[i]!);
        else if (at[i] !== pc.from) old.copyWithin(at[i]!, pc.from, pc.to);
      }
    } else if (left) {
      for (let i = 0; i < src.length; i++) {
        const pc = src[i]!;
        if (pc instanceof Uint8Array) old.set(pc, at[i]!);
        else if (at[i] !== pc.from) old.copyWithin(at[i]!, pc.from, pc.to);
      }
    } else {
      if (this.scratch.length < newLen - first) this.scratch = new Uint8Array(Math.ceil((newLen - first) * 1.25) + 1024);
      const sc = this.scratch;
      for (let i = 0; i < src.length; i++) {
        const pc = src[i]!;
        if (pc instanceof Uint8Array) sc.set(pc, at[i]! - first);
        else sc.set(old.subarray(pc.from, pc.to), at[i]! - first);
      }
      old.set(sc.subarray(0, newLen - first), first);
    }
  }

  /** Writes `bytes` at `at` and marks only the bytes that actually differ. */
  private writeInPlace(at: number, bytes: Uint8Array): void {
    const b = this.buf;
    let lo = 0;
    while (lo < bytes.length && b[at + lo] === bytes[lo]) lo++;
    if (lo === bytes.length) return;
    let hi = bytes.length - 1;
    while (hi > lo && b[at + hi] === bytes[hi]) hi--;
    if (hi - lo >= 64) b.set(bytes.subarray(lo, hi + 1), at + lo);
    else for (let i = lo; i <= hi; i++) b[at + i] = bytes[i]!;
    this.tree.markDirty(at + lo, at + hi + 1);
  }
}

const EMPTY: readonly EdgeRecord[] = Object.freeze([]);

function rangeEquals(buf: Uint8Array, at: number, len: number, bytes: Uint8Array): boolean {
  if (bytes.length !== len) return false;
  for (let i = 0; i < len; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

/** Whether a warp's reachable set (record holders and dangling) equals the BFS result. */
function sameMembership(seg: Seg, wr: WarpReach): boolean {
  if (seg.dangling.size !== wr.dangling.size) return false;
  for (const d of wr.dangling) if (!seg.dangling.has(d)) return false;
  const keys = wr.keys;
  let j = 0;
  for (let i = 0; i < keys.length; i++) {
    if (wr.flags[i] === 0) continue;
    if (j >= seg.nodeKeys.length || seg.nodeKeys[j] !== keys[i]) return false;
    j++;
  }
  return j === seg.nodeKeys.length;
}

/**
 * New keys and offsets of one section after `edits` (sorted, this section only; entry edits count
 * toward their bucket). `shiftIn` is the length delta of everything before the section.
 *
 * Few edits are applied IN PLACE (offsets shifted in one pass, records spliced in or out), so a
 * length change in a million-record section allocates nothing; many structural edits rebuild the
 * arrays in one merge.
 */
function rebuildSection(
  keys: string[],
  offs: number[],
  secEnd: number,
  edits: readonly Edit[],
  shiftIn: number,
): { keys: string[]; offs: number[]; shift: number; keysChanged: boolean } {
  const n = keys.length;
  if (edits.length === 0 && shiftIn === 0) return { keys, offs, shift: 0, keysChanged: false };
  let structural = 0;
  for (const e of edits) if (e.insert || e.bytes === null) structural++;
  if (structural <= 64) return shiftSectionInPlace(keys, offs, secEnd, edits, shiftIn, structural > 0);
  const i0 = shiftIn !== 0 || edits.length === 0 ? 0 : edits[0]!.idx;
  const nk = keys.slice(0, i0);
  const no = offs.slice(0, i0);
  let shift = shiftIn;
  let e = 0;
  let keysChanged = false;
  for (let i = i0; i <= n; i++) {
    while (e < edits.length && edits[e]!.idx === i && edits[e]!.insert) {
      const ed = edits[e]!;
      nk.push(ed.key);
      no.push((i < n ? offs[i]! : secEnd) + shift);
      shift += ed.bytes!.length;
      keysChanged = true;
      e++;
    }
    if (i === n) break;
    let kept = true;
    let d = 0;
    while (e < edits.length && edits[e]!.idx === i && !edits[e]!.insert) {
      const ed = edits[e]!;
      if (ed.bytes === null) kept = false;
      d += editDelta(ed);
      e++;
    }
    if (kept) {
      nk.push(keys[i]!);
      no.push(offs[i]! + shift);
    } else keysChanged = true;
    shift += d;
  }
  if (e !== edits.length) throw new Fallback('unsorted section edits');
  return { keys: nk, offs: no, shift, keysChanged };
}

/** `rebuildSection` for few structural edits: shift offsets in place, then splice (descending). */
function shiftSectionInPlace(
  keys: string[],
  offs: number[],
  secEnd: number,
  edits: readonly Edit[],
  shiftIn: number,
  structural: boolean,
): { keys: string[]; offs: number[]; shift: number; keysChanged: boolean } {
  const n = keys.length;
  // Pass A (old indexes): offsets of inserted records, and per edited index the shift of the
  // record itself and of the records after it.
  const insOff: number[] = new Array<number>(edits.length).fill(0);
  const gIdx: number[] = [];
  const gSelf: number[] = [];
  const gAfter: number[] = [];
  let shift = shiftIn;
  let e = 0;
  while (e < edits.length) {
    const i = edits[e]!.idx;
    while (e < edits.length && edits[e]!.idx === i && edits[e]!.insert) {
      insOff[e] = (i < n ? offs[i]! : secEnd) + shift;
      shift += edits[e]!.bytes!.length;
      e++;
    }
    const self = shift;
    while (e < edits.length && edits[e]!.idx === i && !edits[e]!.insert) {
      shift += editDelta(edits[e]!);
      e++;
    }
    if (e < edits.length && edits[e]!.idx < i) throw new Fallback('unsorted section edits');
    gIdx.push(i);
    gSelf.push(self);
    gAfter.push(shift);
  }
  // Pass B: shift every old offset from the first affected index on.
  let g = 0;
  let cur = shiftIn;
  const i0 = shiftIn !== 0 || gIdx.length === 0 ? 0 : gIdx[0]!;
  for (let i = i0; i < n; i++) {
    if (g < gIdx.length && gIdx[g] === i) {
      offs[i] = offs[i]! + gSelf[g]!;
      cur = gAfter[g]!;
      g++;
    } else if (cur !== 0) offs[i] = offs[i]! + cur;
  }
  // Pass C (descending, so lower indexes stay valid): remove deleted records, insert new ones.
  if (structural) {
    for (let k = edits.length - 1; k >= 0; k--) {
      const ed = edits[k]!;
      if (ed.insert) {
        keys.splice(ed.idx, 0, ed.key);
        offs.splice(ed.idx, 0, insOff[k]!);
      } else if (ed.bytes === null) {
        keys.splice(ed.idx, 1);
        offs.splice(ed.idx, 1);
      }
    }
  }
  return { keys, offs, shift, keysChanged: structural };
}
