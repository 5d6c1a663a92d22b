/**
 * `GraphStore`: one warp instance's skeleton (nodes, directed edges) and attachments (ENGINE-SPEC §2.3).
 *
 * Invariants (reproduced exactly — rules observe bucket order through `GraphView.edgesFrom`):
 * - Nodes, attachments and indexes iterate in ascending id order.
 * - `edgesFrom[from]` keeps insertion order; re-upserting an edge removes it from its old buckets
 *   and appends it, i.e. moves it to the END of its bucket. Empty buckets are removed.
 * - An edge id is unique across the whole store (`edgeIndex`).
 * - `deleteEdgeExact` fails unless the edge is in the given `from` bucket; it drops the edge's attachment.
 * - `deleteNodeCascade` removes the node, its attachment, its outbound edges (bucket order) and its
 *   inbound edges, with their attachments and index entries.
 * - Setting an attachment does not check that the owner exists (patch application does).
 *
 * Journal: while a `StoreJournal` is attached, every mutation first records the prior value of
 * each structure it touches (first touch only). That gives exact rollback and the before-values a
 * diff needs, without cloning the store per tick.
 */
import { WriteHooks } from './writeHooks';
import { bytesEqual, fromHex, toHex } from './bytes';
import type { EdgeId, IdHex, NodeId, WarpId } from './ident';
import { ROOT_WARP } from './ident';
import { OrderedMap } from './orderedMap';
import type { AttachmentValue, EdgeRecord, NodeRecord } from './record';

/** Inbound edge ids of one node: one bare id (the common case; no array per node) or several in order. */
type ToBucket = IdHex | IdHex[];

/** First-touch prior values of everything a tick mutated in one store. @internal */
export class StoreJournal {
  readonly nodes = new Map<IdHex, NodeRecord | undefined>();
  readonly nodeAttachments = new Map<IdHex, AttachmentValue | undefined>();
  readonly edgeAttachments = new Map<IdHex, AttachmentValue | undefined>();
  /** Edge id → its record before the tick (undefined when it did not exist). */
  readonly edges = new Map<IdHex, EdgeRecord | undefined>();
  readonly edgesFrom = new Map<IdHex, EdgeRecord[] | undefined>();
  readonly edgesTo = new Map<IdHex, ToBucket | undefined>();
}

/** @public */
export class GraphStore {
  warpId: WarpId;
  // Not readonly only so that `clone` can install copies; nothing else reassigns them.
  private nodes = new OrderedMap<NodeRecord>();
  private edgesFromMap = new OrderedMap<EdgeRecord[]>();
  /** Node → ids of the edges pointing at it, in insertion order; a lone edge id is kept bare. */
  private edgesTo = new Map<IdHex, ToBucket>();
  private nodeAtt = new OrderedMap<AttachmentValue>();
  private edgeAtt = new OrderedMap<AttachmentValue>();
  /** edge id → the edge record (from, to, ty); doubles as warp-core's edge_index/edge_to_index. */
  private edgeIndex = new OrderedMap<EdgeRecord>();
  /** Ids (hex) of nodes / edges whose attachment is a `Descend` (portal bookkeeping in O(#portals)). */
  private descendNodes = new Set<IdHex>();
  private descendEdges = new Set<IdHex>();
  private journal: StoreJournal | null = null;
  /** Mutations made while no journal was attached (a cached state root must then rebuild). */
  private untracked = 0;
  /** Run once, just before the next mutation (copy-before-write snapshots, ./copyBeforeWrite.ts). */
  private readonly writeHooks = new WriteHooks();

  constructor(warpId: WarpId = ROOT_WARP) {
    this.warpId = warpId;
  }

  // ---------------------------------------------------------------- journal

  /** Starts recording prior values; returns the journal. @internal */
  beginJournal(): StoreJournal {
    this.journal = new StoreJournal();
    return this.journal;
  }

  /** Stops recording. @internal */
  endJournal(): void {
    this.journal = null;
  }

  /**
   * How many mutations ran with no journal attached (monotonic). An incremental state root is
   * only valid while this is unchanged since it was last brought up to date. @internal
   */
  get untrackedWrites(): number {
    return this.untracked;
  }

  /** Calls `cb` once, just before this store next changes (any mutation, journaled or not). @internal */
  onNextWrite(cb: () => void): void {
    this.writeHooks.add(cb);
  }

  /** Withdraws a callback registered with `onNextWrite`. @internal */
  offNextWrite(cb: () => void): void {
    this.writeHooks.remove(cb);
  }

  /** Sets `warpId` (what `WarpState.upsertInstance` does to the stores it adopts). @internal */
  assignWarp(w: WarpId): void {
    if (this.writeHooks.armed) this.writeHooks.fire();
    this.warpId = w;
  }

  /** Restores every structure recorded in `j` to its prior value. @internal */
  rollback(j: StoreJournal): void {
    const saved = this.journal;
    this.journal = null;
    for (const [k, v] of j.nodes) v ? this.nodes.set(k, v) : this.nodes.delete(k);
    for (const [k, v] of j.nodeAttachments) this.writeNodeAtt(k, v);
    for (const [k, v] of j.edgeAttachments) this.writeEdgeAtt(k, v);
    for (const [k, v] of j.edges) v ? this.edgeIndex.set(k, v) : this.edgeIndex.delete(k);
    for (const [k, v] of j.edgesFrom) v ? this.edgesFromMap.set(k, v) : this.edgesFromMap.delete(k);
    for (const [k, v] of j.edgesTo) v ? this.edgesTo.set(k, v) : this.edgesTo.delete(k);
    this.journal = saved;
  }

  private writeNodeAtt(k: IdHex, v: AttachmentValue | undefined | null): void {
    if (v) this.nodeAtt.set(k, v);
    else this.nodeAtt.delete(k);
    if (v && v.kind === 'descend') this.descendNodes.add(k);
    else this.descendNodes.delete(k);
  }

  private writeEdgeAtt(k: IdHex, v: AttachmentValue | undefined | null): void {
    if (v) this.edgeAtt.set(k, v);
    else this.edgeAtt.delete(k);
    if (v && v.kind === 'descend') this.descendEdges.add(k);
    else this.descendEdges.delete(k);
  }

  /** Every `Descend` attachment of this store: owner (node before edge, ascending id) and child warp. */
  *descendingAttachments(): IterableIterator<[{ owner: 'node' | 'edge'; local: Uint8Array }, WarpId]> {
    for (const k of Array.from(this.descendNodes).sort()) {
      const v = this.nodeAtt.get(k);
      if (v && v.kind === 'descend') yield [{ owner: 'node', local: fromHex(k) }, v.warp];
    }
    for (const k of Array.from(this.descendEdges).sort()) {
      const v = this.edgeAtt.get(k);
      if (v && v.kind === 'descend') yield [{ owner: 'edge', local: fromHex(k) }, v.warp];
    }
  }

  /** Every mutation's first step: run the write hooks, then the journal (or count it untracked). */
  private beforeWrite(): StoreJournal | null {
    if (this.writeHooks.armed) this.writeHooks.fire();
    if (!this.journal) this.untracked++;
    return this.journal;
  }

  private noteNode(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.nodes.has(k)) j.nodes.set(k, this.nodes.get(k));
  }
  private noteNodeAtt(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.nodeAttachments.has(k)) j.nodeAttachments.set(k, this.nodeAtt.get(k));
  }
  private noteEdgeAtt(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.edgeAttachments.has(k)) j.edgeAttachments.set(k, this.edgeAtt.get(k));
  }
  private noteEdge(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.edges.has(k)) j.edges.set(k, this.edgeIndex.get(k));
  }
  private noteFromBucket(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.edgesFrom.has(k)) {
      const b = this.edgesFromMap.get(k);
      j.edgesFrom.set(k, b ? b.slice() : undefined);
    }
  }
  private noteToBucket(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.edgesTo.has(k)) {
      const b = this.edgesTo.get(k);
      j.edgesTo.set(k, typeof b === 'object' ? b.slice() : b);
    }
  }

  // ------------------------------------------------------------------ reads

  node(id: NodeId): NodeRecord | undefined {
    return this.nodes.get(toHex(id));
  }
  nodeByHex(k: IdHex): NodeRecord | undefined {
    return this.nodes.get(k);
  }
  hasNode(id: NodeId): boolean {
    return this.nodes.has(toHex(id));
  }
  nodeAttachment(id: NodeId): AttachmentValue | undefined {
    return this.nodeAtt.get(toHex(id));
  }
  nodeAttachmentByHex(k: IdHex): AttachmentValue | undefined {
    return this.nodeAtt.get(k);
  }
  edgeAttachment(id: EdgeId): AttachmentValue | undefined {
    // Most stores have no β at all: skip building the hex key.
    return this.edgeAtt.size === 0 ? undefined : this.edgeAtt.get(toHex(id));
  }
  /** Whether any node's α / any edge's β here is a portal (`Descend`); walks skip the lookups when not. */
  get hasDescendNodes(): boolean {
    return this.descendNodes.size > 0;
  }
  get hasDescendEdges(): boolean {
    return this.descendEdges.size > 0;
  }
  edgeAttachmentByHex(k: IdHex): AttachmentValue | undefined {
    return this.edgeAtt.get(k);
  }
  /** Outbound edges of `id` in bucket (insertion) order. The array must not be mutated. */
  edgesFrom(id: NodeId): readonly EdgeRecord[] {
    return this.edgesFromMap.get(toHex(id)) ?? EMPTY;
  }
  edgesFromHex(k: IdHex): readonly EdgeRecord[] {
    return this.edgesFromMap.get(k) ?? EMPTY;
  }
  /** Inbound edge ids of `id` in insertion order. */
  edgesToHex(k: IdHex): readonly IdHex[] {
    const b = this.edgesTo.get(k);
    return b === undefined ? EMPTY_IDS : typeof b === 'string' ? [b] : b;
  }
  hasEdge(id: EdgeId): boolean {
    return this.edgeIndex.has(toHex(id));
  }
  edge(id: EdgeId): EdgeRecord | undefined {
    return this.edgeIndex.get(toHex(id));
  }
  edgeByHex(k: IdHex): EdgeRecord | undefined {
    return this.edgeIndex.get(k);
  }
  get nodeCount(): number {
    return this.nodes.size;
  }
  get edgeCount(): number {
    return this.edgeIndex.size;
  }
  /** Node ids (hex) ascending. */
  nodeIdsSorted(): readonly IdHex[] {
    return this.nodes.sortedKeys();
  }
  /** Edge ids (hex) ascending. */
  edgeIdsSorted(): readonly IdHex[] {
    return this.edgeIndex.sortedKeys();
  }
  /** Source node ids (hex) of non-empty buckets, ascending. */
  bucketSourcesSorted(): readonly IdHex[] {
    return this.edgesFromMap.sortedKeys();
  }
  *iterNodes(): IterableIterator<[IdHex, NodeRecord]> {
    yield* this.nodes.sortedEntries();
  }
  *iterNodeAttachments(): IterableIterator<[IdHex, AttachmentValue]> {
    yield* this.nodeAtt.sortedEntries();
  }
  *iterEdgeAttachments(): IterableIterator<[IdHex, AttachmentValue]> {
    yield* this.edgeAtt.sortedEntries();
  }
  /** Every edge: buckets in ascending `from` order, each bucket in insertion order. */
  *iterEdges(): IterableIterator<EdgeRecord> {
    for (const [, bucket] of this.edgesFromMap.sortedEntries()) yield* bucket;
  }

  // -------------------------------------------------------------- mutations

  /** Inserts or replaces a node record; attachments and edges are untouched. */
  insertNode(id: NodeId, rec: NodeRecord): void {
    const k = toHex(id);
    this.noteNode(k);
    this.nodes.set(k, rec);
  }

  /** `upsert_edge_record`: forces `rec.from := from`, then moves the edge to the end of its buckets. */
  insertEdge(from: NodeId, rec: EdgeRecord): void {
    const r: EdgeRecord = bytesEqual(rec.from, from) ? rec : { id: rec.id, from, to: rec.to, ty: rec.ty };
    const k = toHex(r.id);
    const prev = this.edgeIndex.get(k);
    const fromK = toHex(from);
    const toK = toHex(r.to);
    this.noteEdge(k);
    this.noteFromBucket(fromK);
    this.noteToBucket(toK);
    if (prev) {
      const pf = toHex(prev.from);
      const pt = toHex(prev.to);
      this.noteFromBucket(pf);
      this.noteToBucket(pt);
      this.removeFromFromBucket(pf, prev);
      this.removeFromToBucket(pt, k);
    }
    this.edgeIndex.set(k, r);
    const fb = this.edgesFromMap.get(fromK);
    if (fb) fb.push(r);
    else this.edgesFromMap.set(fromK, [r]);
    const tb = this.edgesTo.get(toK);
    if (tb === undefined) this.edgesTo.set(toK, k);
    else if (typeof tb === 'string') this.edgesTo.set(toK, [tb, k]);
    else tb.push(k);
  }

  /**
   * Removes the edge `rec` from its source's bucket, keeping the others in order. The bucket holds
   * the very record the edge index holds, so a native identity search finds it (a hub's bucket
   * compared id by id made removing many of its edges quadratic in practice); by id otherwise.
   */
  private removeFromFromBucket(fromK: IdHex, rec: EdgeRecord): void {
    const b = this.edgesFromMap.get(fromK);
    if (!b) return;
    let idx = b.indexOf(rec);
    if (idx < 0) idx = b.findIndex((e) => bytesEqual(e.id, rec.id));
    if (idx < 0) return;
    if (b.length === 1) this.edgesFromMap.delete(fromK);
    else b.splice(idx, 1);
  }

  private removeFromToBucket(toK: IdHex, edgeK: IdHex): void {
    const b = this.edgesTo.get(toK);
    if (b === undefined) return;
    if (typeof b === 'string') {
      if (b === edgeK) this.edgesTo.delete(toK);
      return;
    }
    const idx = b.indexOf(edgeK);
    if (idx < 0) return;
    if (b.length === 1) this.edgesTo.delete(toK);
    else if (b.length === 2) this.edgesTo.set(toK, b[1 - idx]!);
    else b.splice(idx, 1);
  }


  /** Deletes edge `id` only if it lives in the `from` bucket; also drops its attachment. */
  deleteEdgeExact(from: NodeId, id: EdgeId): boolean {
    const k = toHex(id);
    const rec = this.edgeIndex.get(k);
    if (!rec || !bytesEqual(rec.from, from)) return false;
    this.removeEdgeFully(k, rec);
    return true;
  }

  private removeEdgeFully(k: IdHex, rec: EdgeRecord): void {
    const fromK = toHex(rec.from);
    const toK = toHex(rec.to);
    this.noteEdge(k);
    this.noteFromBucket(fromK);
    this.noteToBucket(toK);
    this.noteEdgeAtt(k);
    this.removeFromFromBucket(fromK, rec);
    this.removeFromToBucket(toK, k);
    this.edgeIndex.delete(k);
    this.writeEdgeAtt(k, undefined);
  }

  /** Removes a node with its attachment and every incident edge (and their attachments). */
  deleteNodeCascade(id: NodeId): boolean {
    const k = toHex(id);
    if (!this.nodes.has(k)) return false;
    this.noteNode(k);
    this.noteNodeAtt(k);
    this.nodes.delete(k);
    this.writeNodeAtt(k, undefined);
    const out = this.edgesFromMap.get(k);
    if (out) for (const e of out.slice()) this.removeEdgeFully(toHex(e.id), e);
    const inbound = this.edgesTo.get(k);
    if (inbound !== undefined) {
      for (const ek of typeof inbound === 'string' ? [inbound] : inbound.slice()) {
        const rec = this.edgeIndex.get(ek);
        if (rec) this.removeEdgeFully(ek, rec);
      }
    }
    return true;
  }

  /** `null` removes, a value inserts or replaces. No existence check. */
  setNodeAttachment(id: NodeId, v: AttachmentValue | null): void {
    const k = toHex(id);
    this.noteNodeAtt(k);
    this.writeNodeAtt(k, v);
  }

  /** `null` removes, a value inserts or replaces. No existence check. */
  setEdgeAttachment(id: EdgeId, v: AttachmentValue | null): void {
    const k = toHex(id);
    this.noteEdgeAtt(k);
    this.writeEdgeAtt(k, v);
  }

  /** A deep copy of the skeleton (records and payload bytes are immutable and shared). */
  clone(): GraphStore {
    // Whole-map copies with the sorted key lists reused (no re-insertion, no re-sort); buckets are
    // the only mutable values and are copied.
    const c = new GraphStore(this.warpId);
    c.nodes = this.nodes.clone();
    c.nodeAtt = this.nodeAtt.clone();
    c.edgeAtt = this.edgeAtt.clone();
    c.edgeIndex = this.edgeIndex.clone();
    c.edgesFromMap = this.edgesFromMap.clone((b) => b.slice());
    c.edgesTo = new Map<IdHex, ToBucket>();
    for (const [k, v] of this.edgesTo) c.edgesTo.set(k, typeof v === 'string' ? v : v.slice());
    c.descendNodes = new Set(this.descendNodes);
    c.descendEdges = new Set(this.descendEdges);
    return c;
  }
}

const EMPTY: readonly EdgeRecord[] = Object.freeze([]);
const EMPTY_IDS: readonly IdHex[] = Object.freeze([]);
