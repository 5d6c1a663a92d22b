/**
 * Footprints: what a rewrite declares it reads and writes, and the independence predicates
 * (ENGINE-SPEC §3.2-3.4, §4.4, §6.4).
 *
 * Invariants:
 * - Node and edge sets hold RAW ids (no warp); the scheduler lifts them to (scope warp, id).
 *   Attachment keys already carry their warp. Ports are opaque u64s, not warp-scoped.
 * - Conflict matrix: write vs read-or-write conflicts, read vs write conflicts, read-read never
 *   does; any two uses of the same port conflict. `factorMask` is ignored except by the Legacy
 *   predicate `independent`, whose fast path treats disjoint masks (including both 0) as independent.
 * - Set iteration order never reaches an output: slots are sorted by their canonical key.
 */
import { toHex } from './bytes';
import type { EdgeId, NodeId, WarpId } from './ident';
import {
  attachmentSortKey,
  slotSortKey,
  u64SortKey,
  type AttachmentKey,
  type PortKey,
  type SlotId,
} from './record';

/** The shared empty set behind every unused footprint set (never mutated: the views are read-only). */
const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/** @public */
export class Footprint {
  // Each set is allocated on first insert: most footprints use one or two of the eight, and
  // the tick history keeps every footprint, so empty Maps would dominate its memory.
  private nr: Map<string, NodeId> | null = null;
  private nw: Map<string, NodeId> | null = null;
  private er: Map<string, EdgeId> | null = null;
  private ew: Map<string, EdgeId> | null = null;
  private ar: Map<string, AttachmentKey> | null = null;
  private aw: Map<string, AttachmentKey> | null = null;
  private pi: Map<string, PortKey> | null = null;
  private po: Map<string, PortKey> | null = null;
  factorMask = 0n;

  /** Node ids read, keyed by lowercase hex (read-only view; mutate through `readNode`). */
  get nRead(): ReadonlyMap<string, NodeId> {
    return this.nr ?? EMPTY;
  }
  get nWrite(): ReadonlyMap<string, NodeId> {
    return this.nw ?? EMPTY;
  }
  get eRead(): ReadonlyMap<string, EdgeId> {
    return this.er ?? EMPTY;
  }
  get eWrite(): ReadonlyMap<string, EdgeId> {
    return this.ew ?? EMPTY;
  }
  /** Attachment keys read, keyed by `attachmentSortKey`. */
  get aRead(): ReadonlyMap<string, AttachmentKey> {
    return this.ar ?? EMPTY;
  }
  get aWrite(): ReadonlyMap<string, AttachmentKey> {
    return this.aw ?? EMPTY;
  }
  /** Ports, keyed by `u64SortKey`. */
  get bIn(): ReadonlyMap<string, PortKey> {
    return this.pi ?? EMPTY;
  }
  get bOut(): ReadonlyMap<string, PortKey> {
    return this.po ?? EMPTY;
  }

  readNode(id: NodeId): this {
    (this.nr ??= new Map()).set(toHex(id), id);
    return this;
  }
  writeNode(id: NodeId): this {
    (this.nw ??= new Map()).set(toHex(id), id);
    return this;
  }
  readEdge(id: EdgeId): this {
    (this.er ??= new Map()).set(toHex(id), id);
    return this;
  }
  writeEdge(id: EdgeId): this {
    (this.ew ??= new Map()).set(toHex(id), id);
    return this;
  }
  readAttachment(k: AttachmentKey): this {
    (this.ar ??= new Map()).set(attachmentSortKey(k), k);
    return this;
  }
  writeAttachment(k: AttachmentKey): this {
    (this.aw ??= new Map()).set(attachmentSortKey(k), k);
    return this;
  }
  portIn(p: PortKey): this {
    (this.pi ??= new Map()).set(u64SortKey(p), p);
    return this;
  }
  portOut(p: PortKey): this {
    (this.po ??= new Map()).set(u64SortKey(p), p);
    return this;
  }
  withFactorMask(mask: bigint): this {
    this.factorMask = BigInt.asUintN(64, mask);
    return this;
  }

  /** True when a node or edge set is in use (a set exists only once it holds an id; these are the sets whose keys the scheduler lifts by warp). */
  hasNodeOrEdgeSets(): boolean {
    return this.nr !== null || this.nw !== null || this.er !== null || this.ew !== null;
  }

  /** True when every set is empty. */
  isEmpty(): boolean {
    return (
      this.nRead.size + this.nWrite.size + this.eRead.size + this.eWrite.size +
        this.aRead.size + this.aWrite.size + this.bIn.size + this.bOut.size === 0
    );
  }
}

/** The per-tx frontier of accepted footprints, warp-lifted (ENGINE-SPEC §4.4). @internal */
export class ActiveFootprints {
  readonly nodesWritten = new Set<string>();
  readonly nodesRead = new Set<string>();
  readonly edgesWritten = new Set<string>();
  readonly edgesRead = new Set<string>();
  readonly attachmentsWritten = new Set<string>();
  readonly attachmentsRead = new Set<string>();
  readonly ports = new Set<string>();

  /** The Radix conflict predicate of §3.3 against this frontier. */
  conflicts(fp: Footprint, warp: WarpId): boolean {
    // Empty sets are skipped by size: most footprints use one or two of the eight, and iterating
    // an empty map still allocates an iterator.
    if (fp.hasNodeOrEdgeSets()) {
      const w = toHex(warp);
      for (const k of fp.nWrite.keys()) if (this.nodesWritten.has(w + k) || this.nodesRead.has(w + k)) return true;
      for (const k of fp.nRead.keys()) if (this.nodesWritten.has(w + k)) return true;
      for (const k of fp.eWrite.keys()) if (this.edgesWritten.has(w + k) || this.edgesRead.has(w + k)) return true;
      for (const k of fp.eRead.keys()) if (this.edgesWritten.has(w + k)) return true;
    }
    if (fp.aWrite.size > 0) for (const k of fp.aWrite.keys()) if (this.attachmentsWritten.has(k) || this.attachmentsRead.has(k)) return true;
    if (fp.aRead.size > 0) for (const k of fp.aRead.keys()) if (this.attachmentsWritten.has(k)) return true;
    if (fp.bIn.size > 0) for (const k of fp.bIn.keys()) if (this.ports.has(k)) return true;
    if (fp.bOut.size > 0) for (const k of fp.bOut.keys()) if (this.ports.has(k)) return true;
    return false;
  }

  /** Marks every set of `fp` as used. */
  mark(fp: Footprint, warp: WarpId): void {
    if (fp.hasNodeOrEdgeSets()) {
      const w = toHex(warp);
      for (const k of fp.nWrite.keys()) this.nodesWritten.add(w + k);
      for (const k of fp.nRead.keys()) this.nodesRead.add(w + k);
      for (const k of fp.eWrite.keys()) this.edgesWritten.add(w + k);
      for (const k of fp.eRead.keys()) this.edgesRead.add(w + k);
    }
    if (fp.aWrite.size > 0) for (const k of fp.aWrite.keys()) this.attachmentsWritten.add(k);
    if (fp.aRead.size > 0) for (const k of fp.aRead.keys()) this.attachmentsRead.add(k);
    if (fp.bIn.size > 0) for (const k of fp.bIn.keys()) this.ports.add(k);
    if (fp.bOut.size > 0) for (const k of fp.bOut.keys()) this.ports.add(k);
  }
}

function meets<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): boolean {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const k of small.keys()) if (big.has(k)) return true;
  return false;
}

/**
 * `footprints_conflict(a, b)`: the same matrix on RAW sets (no warp lifting, no factor mask).
 * Used for receipt blocker attribution, so it may name extra cross-warp "blockers".
 * @public
 */
export function footprintsConflict(a: Footprint, b: Footprint): boolean {
  if (meets(a.nWrite, b.nWrite) || meets(a.nWrite, b.nRead) || meets(a.nRead, b.nWrite)) return true;
  if (meets(a.eWrite, b.eWrite) || meets(a.eWrite, b.eRead) || meets(a.eRead, b.eWrite)) return true;
  if (meets(a.aWrite, b.aWrite) || meets(a.aWrite, b.aRead) || meets(a.aRead, b.aWrite)) return true;
  return meets(a.bIn, b.bIn) || meets(a.bIn, b.bOut) || meets(a.bOut, b.bIn) || meets(a.bOut, b.bOut);
}

/** Legacy `Footprint::independent`: factor-mask fast path, then the raw matrix. @public */
export function independent(a: Footprint, b: Footprint): boolean {
  if ((a.factorMask & b.factorMask) === 0n) return true;
  return !footprintsConflict(a, b);
}

/** How a footprint uses a slot. @public */
export type SlotAccess = 'read' | 'write' | 'port-in' | 'port-out';

/** One overlapping slot between a candidate and a blocker. @public */
export interface SlotOverlap {
  readonly slot: SlotId;
  readonly candidate: SlotAccess;
  readonly blocker: SlotAccess;
}

/**
 * The exact slots behind `footprintsConflict(candidate, blocker)`, in canonical slot order, each
 * with how both sides use it. Node/edge slots are shown in the candidate's and blocker's warps.
 * @public
 */
export function conflictingSlots(candidate: Footprint, candWarp: WarpId, blocker: Footprint, blockerWarp: WarpId): SlotOverlap[] {
  const out: Array<SlotOverlap & { sort: string }> = [];
  const pairs = <T>(
    ca: ReadonlyMap<string, T>,
    caAccess: SlotAccess,
    ba: ReadonlyMap<string, T>,
    baAccess: SlotAccess,
    mk: (v: T) => SlotId,
  ): void => {
    for (const [k, v] of ca) {
      if (!ba.has(k)) continue;
      const slot = mk(v);
      out.push({ slot, candidate: caAccess, blocker: baAccess, sort: slotSortKey(slot) + caAccess + baAccess });
    }
  };
  const node = (id: NodeId): SlotId => ({ kind: 'node', key: { warp: candWarp, local: id } });
  const edge = (id: EdgeId): SlotId => ({ kind: 'edge', key: { warp: candWarp, local: id } });
  const att = (k: AttachmentKey): SlotId => ({ kind: 'attachment', key: k });
  const port = (p: PortKey): SlotId => ({ kind: 'port', port: p });
  pairs(candidate.nWrite, 'write', blocker.nWrite, 'write', node);
  pairs(candidate.nWrite, 'write', blocker.nRead, 'read', node);
  pairs(candidate.nRead, 'read', blocker.nWrite, 'write', node);
  pairs(candidate.eWrite, 'write', blocker.eWrite, 'write', edge);
  pairs(candidate.eWrite, 'write', blocker.eRead, 'read', edge);
  pairs(candidate.eRead, 'read', blocker.eWrite, 'write', edge);
  pairs(candidate.aWrite, 'write', blocker.aWrite, 'write', att);
  pairs(candidate.aWrite, 'write', blocker.aRead, 'read', att);
  pairs(candidate.aRead, 'read', blocker.aWrite, 'write', att);
  pairs(candidate.bIn, 'port-in', blocker.bIn, 'port-in', port);
  pairs(candidate.bIn, 'port-in', blocker.bOut, 'port-out', port);
  pairs(candidate.bOut, 'port-out', blocker.bIn, 'port-in', port);
  pairs(candidate.bOut, 'port-out', blocker.bOut, 'port-out', port);
  void blockerWarp;
  out.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return out.map(({ slot, candidate: c, blocker: b }) => ({ slot, candidate: c, blocker: b }));
}

/**
 * `extend_slots_from_footprint` (§6.4): in-slots get every read and write, out-slots every write
 * (ports: b_in → in, b_out → in and out). Keyed by canonical slot order.
 * @internal
 */
export function extendSlotsFromFootprint(fp: Footprint, warp: WarpId, inSlots: Map<string, SlotId>, outSlots: Map<string, SlotId>): void {
  // Keys are `slotSortKey`s, joined into flat strings (they are sorted and hashed in bulk). Empty
  // sets are skipped by size (no iterator, no warp hex).
  if (fp.hasNodeOrEdgeSets()) {
    const w = toHex(warp);
    for (const [k, id] of fp.nRead) inSlots.set(['1', w, k].join(''), { kind: 'node', key: { warp, local: id } });
    for (const [k, id] of fp.nWrite) addWrittenSlot(['1', w, k].join(''), { kind: 'node', key: { warp, local: id } }, inSlots, outSlots);
    for (const [k, id] of fp.eRead) inSlots.set(['2', w, k].join(''), { kind: 'edge', key: { warp, local: id } });
    for (const [k, id] of fp.eWrite) addWrittenSlot(['2', w, k].join(''), { kind: 'edge', key: { warp, local: id } }, inSlots, outSlots);
  }
  if (fp.aRead.size > 0) for (const [k, key] of fp.aRead) inSlots.set(['3', k].join(''), { kind: 'attachment', key });
  if (fp.aWrite.size > 0) for (const [k, key] of fp.aWrite) addWrittenSlot(['3', k].join(''), { kind: 'attachment', key }, inSlots, outSlots);
  if (fp.bIn.size > 0) for (const [k, p] of fp.bIn) inSlots.set(['4', k].join(''), { kind: 'port', port: p });
  if (fp.bOut.size > 0) for (const [k, p] of fp.bOut) addWrittenSlot(['4', k].join(''), { kind: 'port', port: p }, inSlots, outSlots);
}

/** A written slot is also read: it enters both maps (what `canonicalSlotPair` relies on). */
function addWrittenSlot(k: string, s: SlotId, inSlots: Map<string, SlotId>, outSlots: Map<string, SlotId>): void {
  inSlots.set(k, s);
  outSlots.set(k, s);
}

/** Warp-core's `pack_port_key(node, port_id, dir_in)` helper (only node bytes 0..3 survive). @public */
export function packPortKey(node: NodeId, portId: number, dirIn: boolean): PortKey {
  const dv = new DataView(node.buffer, node.byteOffset, 8);
  const nodeBits = BigInt(dv.getUint32(0, true));
  return BigInt.asUintN(64, (nodeBits << 32n) | ((BigInt(portId) & 0x3fffffffn) << 2n) | (dirIn ? 1n : 0n));
}
