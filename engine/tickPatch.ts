/**
 * `WarpTickPatchV1`: the committed, hashed record of one tick, and how it applies to a state
 * (ENGINE-SPEC §6.1-6.5).
 *
 * Frozen (patch digest v2 — changing it changes every commit hash):
 *   u16le(2) ‖ u32le(policy_id) ‖ rule_pack_id(32) ‖ u8(status: 1 Committed, 2 Aborted)
 *   ‖ u64le(|in|) ‖ in slots ‖ u64le(|out|) ‖ out slots ‖ u64le(|ops|) ‖ ops (canonical order)
 *
 * Invariants:
 * - The constructor sorts and dedups slots (kept packed: `PackedSlots`), orders ops by sort key
 *   keeping the LAST op per key, and computes the digest once.
 * - `applyToState` applies ops in canonical order and validates portal invariants. Unlike
 *   warp-core, a failure leaves the state EXACTLY as before (journal rollback) — the error is the
 *   same typed `TickPatchError`.
 * - Ordering hazards are reproduced, not fixed: OpenPortal (kind 1) runs before UpsertNode (6);
 *   DeleteNode (5) before UpsertNode (6); UpsertWarpInstance (2) before DeleteWarpInstance (3).
 */
import { bytesEqual, ByteWriter, toHex } from './bytes';
import { TickPatchError } from './errors';
import { GraphStore } from './graph';
import { sortHexKeys } from './hexKeySort';
import { PackedSlots, writeSlotList, type SlotList } from './slotList';
import { PackedOps, writeOpList, type OpList } from './opList';
import { defaultBlake3 } from './hash';
import type { Hash } from './ident';
import { descend, nodeRecordsEqual, slotSortKey, attachmentKeysEqual, type SlotId } from './record';
import { canonicalizeOps, type WarpOp } from './tickDelta';
import { checkAttachmentOwner, validatePortalInvariants, type WarpState } from './warpState';

/** @public */
export type CommitStatus = 'committed' | 'aborted';

/**
 * Sorts slots canonically and removes duplicates. A map keyed by `slotSortKey` (what
 * `extendSlotsFromFootprint` builds) is sorted by its keys without re-deriving them. @public
 */
export function canonicalSlots(slots: readonly SlotId[] | ReadonlyMap<string, SlotId>): SlotId[] {
  let m: ReadonlyMap<string, SlotId>;
  if (isSlotMap(slots)) m = slots;
  else {
    const built = new Map<string, SlotId>();
    for (const s of slots) built.set(slotSortKey(s), s);
    m = built;
  }
  // Code-unit order: for these fixed-layout hex keys it is byte order.
  const keys = sortHexKeys(Array.from(m.keys()));
  const out = new Array<SlotId>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = m.get(keys[i]!)!;
  return out;
}

/**
 * `[canonicalSlots(inSlots), canonicalSlots(outSlots)]`, sorting once when every out-slot is also
 * an in-slot (what a commit builds: each write slot enters both maps) — the out list is then the
 * sorted in list filtered by membership. Other inputs take the two separate sorts.
 */
export function canonicalSlotPair(
  inSlots: readonly SlotId[] | ReadonlyMap<string, SlotId>,
  outSlots: readonly SlotId[] | ReadonlyMap<string, SlotId>,
): [SlotId[], SlotId[]] {
  if (!isSlotMap(inSlots) || !isSlotMap(outSlots) || outSlots.size > inSlots.size) return [canonicalSlots(inSlots), canonicalSlots(outSlots)];
  const keys = sortHexKeys(Array.from(inSlots.keys()));
  const ins = new Array<SlotId>(keys.length);
  const outs: SlotId[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    ins[i] = inSlots.get(k)!;
    const o = outSlots.get(k);
    if (o !== undefined) outs.push(o);
  }
  if (outs.length !== outSlots.size) return [ins, canonicalSlots(outSlots)];
  return [ins, outs];
}

function isSlotMap(x: readonly SlotId[] | ReadonlyMap<string, SlotId>): x is ReadonlyMap<string, SlotId> {
  return !Array.isArray(x);
}

/** @public */
export class WarpTickPatchV1 {
  /** Canonical in-slots, packed (`PackedSlots`: the history keeps no object per slot). */
  readonly inSlots: SlotList;
  readonly outSlots: SlotList;
  /** Canonical ops, packed (`PackedOps`). */
  readonly ops: OpList;
  readonly digest: Hash;

  constructor(
    readonly policyId: number,
    readonly rulePackId: Hash,
    readonly commitStatus: CommitStatus,
    inSlots: SlotList | ReadonlyMap<string, SlotId>,
    outSlots: SlotList | ReadonlyMap<string, SlotId>,
    ops: readonly WarpOp[],
    /**
     * @internal The slot arrays and the ops are already canonical (`TickSlots.canonical()`, a
     * diff's output: sorted by key, no duplicates): neither is sorted again.
     */
    inputsCanonical = false,
  ) {
    if (inSlots instanceof PackedSlots && outSlots instanceof PackedSlots) [this.inSlots, this.outSlots] = [inSlots, outSlots];
    else {
      const [ins, outs] = inputsCanonical && Array.isArray(inSlots) && Array.isArray(outSlots) ? [inSlots, outSlots] : canonicalSlotPair(arrayOrMap(inSlots), arrayOrMap(outSlots));
      [this.inSlots, this.outSlots] = PackedSlots.pair(ins, outs);
    }
    this.ops = PackedOps.of(inputsCanonical ? ops : canonicalizeOps(ops));
    this.digest = computePatchDigestV2(policyId, rulePackId, commitStatus, this.inSlots, this.outSlots, this.ops);
  }

  /** Recomputes the digest. @throws TickPatchError(DigestMismatch) */
  validateDigest(): void {
    const d = computePatchDigestV2(this.policyId, this.rulePackId, this.commitStatus, this.inSlots, this.outSlots, this.ops);
    if (!bytesEqual(d, this.digest)) throw new TickPatchError('DigestMismatch', `expected ${toHex(this.digest)}, computed ${toHex(d)}`);
  }

  /** Applies the ops, then validates portals; on any error the state is unchanged. @throws TickPatchError */
  applyToState(state: WarpState): void {
    applyOpsAtomically(state, this.ops);
  }
}

/**
 * Bytes the patch digest gathers before handing them to the hasher; a packed run at least this
 * long (a big tick's slot or op encodings, megabytes) goes to the hasher as it is, uncopied.
 */
const PATCH_DIGEST_BUFFER = 4096;

/**
 * Patch digest v2 over already-canonical fields, streamed into the hasher: packed slot and op
 * lists hand over their encodings (big runs uncopied), nothing the size of the patch is built. @public
 */
export function computePatchDigestV2(
  policyId: number,
  rulePackId: Hash,
  status: CommitStatus,
  inSlots: SlotList,
  outSlots: SlotList,
  ops: OpList,
): Hash {
  const h = defaultBlake3.stream();
  const w = new ByteWriter(PATCH_DIGEST_BUFFER, h, PATCH_DIGEST_BUFFER);
  w.u16(2).u32(policyId).bytes(rulePackId).u8(status === 'committed' ? 1 : 2);
  w.u64(inSlots.length);
  writeSlotList(w, inSlots);
  w.u64(outSlots.length);
  writeSlotList(w, outSlots);
  w.u64(ops.length);
  writeOpList(w, ops);
  w.flush();
  return h.digest();
}

function arrayOrMap(x: SlotList | ReadonlyMap<string, SlotId>): readonly SlotId[] | ReadonlyMap<string, SlotId> {
  if (Array.isArray(x)) return x as readonly SlotId[];
  return 'get' in x ? x : Array.from(x);
}

/** Applies canonical ops and validates portals, rolling back on error. @throws TickPatchError */
export function applyOpsAtomically(state: WarpState, ops: Iterable<WarpOp>): void {
  const j = state.beginJournal();
  try {
    applyOps(state, ops);
    validatePortalInvariants(state);
  } catch (e) {
    state.rollback(j);
    throw e;
  } finally {
    state.endJournal();
  }
}

/**
 * Applies ops in the given order with warp-core's per-op semantics (§6.5). No rollback and no
 * portal validation here; callers journal.
 * @throws TickPatchError
 * @internal
 */
export function applyOps(state: WarpState, ops: Iterable<WarpOp>): void {
  for (const op of ops) applyOp(state, op);
}

function storeOr(state: WarpState, w: Uint8Array): GraphStore {
  const s = state.stores.get(toHex(w));
  if (!s) throw new TickPatchError('MissingWarp', toHex(w));
  return s;
}

function applyOp(state: WarpState, op: WarpOp): void {
  switch (op.op) {
    case 'OpenPortal': {
      const parentStore = checkAttachmentOwner(state, op.key);
      const existing = state.instance(op.childWarp);
      if (existing) {
        if (!existing.parent || !attachmentKeysEqual(existing.parent, op.key) || !bytesEqual(existing.rootNode, op.childRoot)) {
          throw new TickPatchError('PortalInvariantViolation', `instance ${toHex(op.childWarp)} exists with another parent or root`);
        }
        const child = state.store(op.childWarp);
        if (op.init.kind === 'empty') {
          if (!child) throw new TickPatchError('MissingWarp', toHex(op.childWarp));
          const root = child.node(op.childRoot);
          if (!root) child.insertNode(op.childRoot, op.init.rootRecord);
          else if (!nodeRecordsEqual(root, op.init.rootRecord)) {
            throw new TickPatchError('PortalInvariantViolation', `child root ${toHex(op.childRoot)} has another record`);
          }
        } else {
          if (!child) throw new TickPatchError('MissingWarp', toHex(op.childWarp));
          if (!child.node(op.childRoot)) throw new TickPatchError('MissingNode', `${toHex(op.childWarp)}/${toHex(op.childRoot)}`);
        }
      } else {
        if (op.init.kind !== 'empty') throw new TickPatchError('PortalInitRequired', `instance ${toHex(op.childWarp)} does not exist`);
        const store = new GraphStore(op.childWarp);
        store.insertNode(op.childRoot, op.init.rootRecord);
        state.upsertInstance({ warpId: op.childWarp, rootNode: op.childRoot, parent: op.key }, store);
      }
      if (op.key.owner === 'node') parentStore.setNodeAttachment(op.key.local as never, descend(op.childWarp));
      else parentStore.setEdgeAttachment(op.key.local as never, descend(op.childWarp));
      return;
    }
    case 'UpsertWarpInstance': {
      const store = state.takeOrCreateStore(op.instance.warpId);
      state.upsertInstance(op.instance, store);
      return;
    }
    case 'DeleteWarpInstance':
      if (!state.deleteInstance(op.warp)) throw new TickPatchError('MissingWarp', toHex(op.warp));
      return;
    case 'UpsertNode':
      storeOr(state, op.node.warp).insertNode(op.node.local, op.record);
      return;
    case 'DeleteNode':
      if (!storeOr(state, op.node.warp).deleteNodeCascade(op.node.local)) {
        throw new TickPatchError('MissingNode', `${toHex(op.node.warp)}/${toHex(op.node.local)}`);
      }
      return;
    case 'UpsertEdge':
      storeOr(state, op.warp).insertEdge(op.record.from, op.record);
      return;
    case 'DeleteEdge':
      if (!storeOr(state, op.warp).deleteEdgeExact(op.from, op.edgeId)) {
        throw new TickPatchError('MissingEdge', `${toHex(op.warp)}/${toHex(op.edgeId)}`);
      }
      return;
    case 'SetAttachment': {
      const s = checkAttachmentOwner(state, op.key);
      if (op.key.owner === 'node') s.setNodeAttachment(op.key.local as never, op.value);
      else s.setEdgeAttachment(op.key.local as never, op.value);
      return;
    }
  }
}

