/**
 * WarpState binary v1: an exact, canonical byte encoding of a whole `WarpState` — every instance,
 * node, attachment (including attachments whose owner is missing) and edge, AND the insertion
 * order of every edge bucket (`edgesFrom`) and inbound list (`edgesTo`), which rules observe.
 * Used for U0 in session files and journals.
 *
 * Layout (little-endian, fixed width; AK / AV as in `codec/canonical.ts`):
 *
 *     u16 version = 1
 *     u32 instance count, then per instance in ascending warp id:
 *       warp(32) ‖ root node(32) ‖ parent: 00 | 01 ‖ AK
 *       u32 n ‖ n × (node id(32) ‖ type(32))                  nodes, ascending id
 *       u32 n ‖ n × (node id(32) ‖ AV)                        node α attachments, ascending id
 *       u32 n ‖ n × (from(32) ‖ u32 k ‖ k × (edge id(32) ‖ to(32) ‖ type(32)))
 *                                                            edge buckets, ascending `from`,
 *                                                            each in bucket (insertion) order, k ≥ 1
 *       u32 n ‖ n × (edge id(32) ‖ AV)                        edge β attachments, ascending id
 *       u32 n ‖ n × (to(32) ‖ u32 k ‖ k × edge id(32))        inbound lists, ascending `to`,
 *                                                            each in `edgesTo` order, k ≥ 1
 *
 * Frozen: changing this changes every session file's bytes and needs a new version (v2 beside v1).
 *
 * Invariants:
 * - Canonical: `encode(decode(b))` is `b` and `decode(encode(s))` equals `s` exactly, bucket
 *   orders included; the decoder rejects unsorted or duplicate keys, empty buckets, an edge in
 *   two buckets, and inbound lists that do not list exactly the edges with that target.
 * - Both orders are reproduced through the public store API: edges are inserted in a
 *   topological order of "precedes in its bucket" ∪ "precedes in its inbound list" (both orders
 *   come from one history of upserts, so the union is acyclic; a cycle is rejected).
 * - The decoder throws only `CodecError` and allocates no more than the input can hold.
 */
import { ByteWriter, fromHex, toHex } from '../bytes';
import { GraphStore } from '../graph';
import type { EdgeId, NodeId, TypeId, WarpId } from '../ident';
import type { EdgeRecord } from '../record';
import { WarpState } from '../warpState';
import { ByteReader, CodecError } from './byteReader';
import { writeAttachmentKey, writeAttachmentValue } from './canonical';
import { readAttachmentKey, readAttachmentValue } from './canonicalRead';

/** Version of the WarpState binary layout. @public */
export const WARP_STATE_BINARY_VERSION = 1;

/** Appends the encoding of `state` to `w`. @public */
export function writeWarpState(w: ByteWriter, state: WarpState): void {
  w.u16(WARP_STATE_BINARY_VERSION);
  const instances = Array.from(state.instances.sortedEntries());
  w.u32(instances.length);
  for (const [k, inst] of instances) {
    const store = state.stores.get(k);
    if (!store) throw new CodecError(`instance ${k} has no store`, w.length);
    w.bytes(inst.warpId).bytes(inst.rootNode);
    if (inst.parent) {
      w.u8(1);
      writeAttachmentKey(w, inst.parent);
    } else w.u8(0);
    const nodes = store.nodeIdsSorted();
    w.u32(nodes.length);
    for (const n of nodes) w.bytes(fromHex(n)).bytes(store.nodeByHex(n)!.ty);
    const natt = Array.from(store.iterNodeAttachments());
    w.u32(natt.length);
    for (const [n, v] of natt) {
      w.bytes(fromHex(n));
      writeAttachmentValue(w, v);
    }
    const sources = store.bucketSourcesSorted();
    w.u32(sources.length);
    const targets = new Set<string>();
    for (const f of sources) {
      const bucket = store.edgesFromHex(f);
      w.bytes(fromHex(f)).u32(bucket.length);
      for (const e of bucket) {
        w.bytes(e.id).bytes(e.to).bytes(e.ty);
        targets.add(toHex(e.to));
      }
    }
    const eatt = Array.from(store.iterEdgeAttachments());
    w.u32(eatt.length);
    for (const [e, v] of eatt) {
      w.bytes(fromHex(e));
      writeAttachmentValue(w, v);
    }
    const sortedTargets = Array.from(targets).sort();
    w.u32(sortedTargets.length);
    for (const t of sortedTargets) {
      const inbound = store.edgesToHex(t);
      w.bytes(fromHex(t)).u32(inbound.length);
      for (const e of inbound) w.bytes(fromHex(e));
    }
  }
}

/** The canonical bytes of `state`. @public */
export function encodeWarpState(state: WarpState): Uint8Array {
  const w = new ByteWriter(4096);
  writeWarpState(w, state);
  return w.finish();
}

/** Reads one encoded state from `r`. @throws CodecError @public */
export function readWarpState(r: ByteReader): WarpState {
  const vAt = r.offset;
  const version = r.u16('state version');
  if (version !== WARP_STATE_BINARY_VERSION) throw new CodecError(`unsupported WarpState binary version ${version}`, vAt);
  const state = new WarpState();
  const nInst = r.count(65, 'instance count');
  let prevWarp = '';
  for (let i = 0; i < nInst; i++) {
    const at = r.offset;
    const warpId = r.id('instance warp') as WarpId;
    const wk = toHex(warpId);
    if (wk <= prevWarp) throw new CodecError(`instance ${wk} is out of order or repeated`, at);
    prevWarp = wk;
    const rootNode = r.id('instance root') as NodeId;
    const parent = r.tag([0, 1], 'instance parent tag') === 1 ? readAttachmentKey(r) : null;
    const store = readStore(r, warpId);
    state.upsertInstance({ warpId, rootNode, parent }, store);
  }
  return state;
}

/** Decodes a whole buffer (no trailing bytes allowed). @throws CodecError @public */
export function decodeWarpState(bytes: Uint8Array): WarpState {
  const r = new ByteReader(bytes);
  const s = readWarpState(r);
  r.expectEnd('WarpState');
  return s;
}

/** Reads ascending 32-byte keys one by one, rejecting disorder and repeats. */
function ascending(r: ByteReader, what: string): () => { hex: string; bytes: Uint8Array } {
  let prev = '';
  return () => {
    const at = r.offset;
    const bytes = r.id(what);
    const hex = toHex(bytes);
    if (hex <= prev) throw new CodecError(`${what} ${hex} is out of order or repeated`, at);
    prev = hex;
    return { hex, bytes };
  };
}

function readStore(r: ByteReader, warpId: WarpId): GraphStore {
  const store = new GraphStore(warpId);
  const nNodes = r.count(64, 'node count');
  const nodeKey = ascending(r, 'node id');
  for (let i = 0; i < nNodes; i++) {
    const { bytes } = nodeKey();
    store.insertNode(bytes as NodeId, { ty: r.id('node type') as TypeId });
  }
  const nAtt = r.count(33, 'node attachment count');
  const attKey = ascending(r, 'node attachment owner');
  for (let i = 0; i < nAtt; i++) {
    const { bytes } = attKey();
    store.setNodeAttachment(bytes as NodeId, readAttachmentValue(r));
  }
  // Edge buckets, in bucket order.
  const edges = new Map<string, { rec: EdgeRecord; ix: number }>();
  const order: EdgeRecord[] = [];
  const buckets: number[][] = [];
  const nBuckets = r.count(36, 'bucket count');
  const fromKey = ascending(r, 'bucket source');
  for (let i = 0; i < nBuckets; i++) {
    const { bytes: from } = fromKey();
    const kAt = r.offset;
    const k = r.count(96, 'bucket length');
    if (k === 0) throw new CodecError('empty edge bucket', kAt);
    const bucket: number[] = [];
    for (let j = 0; j < k; j++) {
      const at = r.offset;
      const id = r.id('edge id') as EdgeId;
      const hex = toHex(id);
      if (edges.has(hex)) throw new CodecError(`edge ${hex} appears twice`, at);
      const rec: EdgeRecord = { id, from: from as NodeId, to: r.id('edge target') as NodeId, ty: r.id('edge type') as TypeId };
      edges.set(hex, { rec, ix: order.length });
      bucket.push(order.length);
      order.push(rec);
    }
    buckets.push(bucket);
  }
  const nEAtt = r.count(33, 'edge attachment count');
  const eAttKey = ascending(r, 'edge attachment owner');
  const edgeAtts: Array<[EdgeId, ReturnType<typeof readAttachmentValue>]> = [];
  for (let i = 0; i < nEAtt; i++) {
    const { bytes } = eAttKey();
    edgeAtts.push([bytes as EdgeId, readAttachmentValue(r)]);
  }
  // Inbound lists: exactly the edges with that target, each once.
  const nIn = r.count(36, 'inbound list count');
  const toKey = ascending(r, 'inbound target');
  const seen = new Set<string>();
  for (let i = 0; i < nIn; i++) {
    const { hex: toHexKey } = toKey();
    const kAt = r.offset;
    const k = r.count(32, 'inbound list length');
    if (k === 0) throw new CodecError('empty inbound list', kAt);
    const list: number[] = [];
    for (let j = 0; j < k; j++) {
      const at = r.offset;
      const hex = toHex(r.id('inbound edge id'));
      const e = edges.get(hex);
      if (!e) throw new CodecError(`inbound list names unknown edge ${hex}`, at);
      if (toHex(e.rec.to) !== toHexKey) throw new CodecError(`edge ${hex} is listed under target ${toHexKey} but points elsewhere`, at);
      if (seen.has(hex)) throw new CodecError(`edge ${hex} is listed twice in inbound lists`, at);
      seen.add(hex);
      list.push(e.ix);
    }
    buckets.push(list);
  }
  if (seen.size !== order.length) throw new CodecError(`${order.length - seen.size} edge(s) missing from the inbound lists`, r.offset);
  // Insert edges in a topological order of both bucket orders (Kahn; ties by position).
  const succ: number[][] = order.map(() => []);
  const indeg = new Array<number>(order.length).fill(0);
  for (const b of buckets) {
    for (let j = 1; j < b.length; j++) {
      succ[b[j - 1]!]!.push(b[j]!);
      indeg[b[j]!]!++;
    }
  }
  const queue: number[] = [];
  for (let i = 0; i < order.length; i++) if (indeg[i] === 0) queue.push(i);
  for (let qi = 0; qi < queue.length; qi++) {
    const e = order[queue[qi]!]!;
    store.insertEdge(e.from, e);
    for (const s of succ[queue[qi]!]!) if (--indeg[s]! === 0) queue.push(s);
  }
  if (queue.length !== order.length) throw new CodecError('edge bucket and inbound orders contradict each other', r.offset);
  for (const [id, v] of edgeAtts) store.setEdgeAttachment(id, v);
  return store;
}
