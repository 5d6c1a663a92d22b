/**
 * State slots for merge, blame and diffs: every addressable piece of a `WarpState` — a node record,
 * an edge record, a node's α attachment, an edge's β attachment, an instance — with a canonical
 * value string for equality.
 *
 * Invariants:
 * - Slot keys are `kind:warpHex:idHex` and sort canonically with `<`.
 * - `valueRepr` is injective on values (hex of their canonical fields), so equal repr ⇔ equal value.
 */
import { toHex } from '../bytes';
import { fromHex } from '../bytes';
import type { EdgeId, NodeId, WarpId } from '../ident';
import type { AttachmentValue, EdgeRecord, NodeRecord } from '../record';
import type { WarpOp } from '../tickDelta';
import type { WarpInstance, WarpState } from '../warpState';

/** @public */
export type StateSlotKind = 'node' | 'edge' | 'nodeAttachment' | 'edgeAttachment' | 'instance';

/** @public */
export interface StateSlot {
  readonly kind: StateSlotKind;
  readonly warp: WarpId;
  /** Node or edge id (for `instance`, the warp id again). */
  readonly id: Uint8Array;
}

/** @public */
export type SlotValue =
  | { readonly kind: 'node'; readonly value: NodeRecord }
  | { readonly kind: 'edge'; readonly value: EdgeRecord }
  | { readonly kind: 'nodeAttachment' | 'edgeAttachment'; readonly value: AttachmentValue }
  | { readonly kind: 'instance'; readonly value: WarpInstance };

/** @public */
export const slotKey = (s: StateSlot): string => `${s.kind}:${toHex(s.warp)}:${toHex(s.id)}`;

/** Parses a slot key. @public */
export function parseSlotKey(k: string): StateSlot {
  const [kind, w, id] = k.split(':');
  return { kind: kind as StateSlotKind, warp: fromHex(w!) as WarpId, id: fromHex(id!) };
}

/** Canonical equality string of a slot value (undefined = absent). @public */
export function valueRepr(v: SlotValue | undefined): string {
  if (!v) return '-';
  switch (v.kind) {
    case 'node':
      return 'n' + toHex(v.value.ty);
    case 'edge':
      return 'e' + toHex(v.value.from) + toHex(v.value.to) + toHex(v.value.ty);
    case 'nodeAttachment':
    case 'edgeAttachment':
      return v.value.kind === 'atom' ? 'a' + toHex(v.value.typeId) + ':' + toHex(v.value.bytes) : 'd' + toHex(v.value.warp);
    case 'instance':
      return 'i' + toHex(v.value.rootNode) + (v.value.parent ? v.value.parent.owner + v.value.parent.plane + toHex(v.value.parent.warp) + toHex(v.value.parent.local) : '-');
  }
}

/** Every slot of a state with its value, keyed by slot key. @public */
export function slotValues(state: WarpState): Map<string, { slot: StateSlot; value: SlotValue }> {
  const out = new Map<string, { slot: StateSlot; value: SlotValue }>();
  const put = (slot: StateSlot, value: SlotValue) => out.set(slotKey(slot), { slot, value });
  for (const [, inst] of state.instances.sortedEntries()) put({ kind: 'instance', warp: inst.warpId, id: inst.warpId }, { kind: 'instance', value: inst });
  for (const [, store] of state.stores.sortedEntries()) {
    const w = store.warpId;
    for (const [k, rec] of store.iterNodes()) put({ kind: 'node', warp: w, id: fromHex(k) }, { kind: 'node', value: rec });
    for (const [k, v] of store.iterNodeAttachments()) put({ kind: 'nodeAttachment', warp: w, id: fromHex(k) }, { kind: 'nodeAttachment', value: v });
    for (const k of store.edgeIdsSorted()) put({ kind: 'edge', warp: w, id: fromHex(k) }, { kind: 'edge', value: store.edgeByHex(k)! });
    for (const [k, v] of store.iterEdgeAttachments()) put({ kind: 'edgeAttachment', warp: w, id: fromHex(k) }, { kind: 'edgeAttachment', value: v });
  }
  return out;
}

/** The value of one slot in a state. @public */
export function slotValueIn(state: WarpState, s: StateSlot): SlotValue | undefined {
  if (s.kind === 'instance') {
    const i = state.instance(s.warp);
    return i ? { kind: 'instance', value: i } : undefined;
  }
  const store = state.store(s.warp);
  if (!store) return undefined;
  const k = toHex(s.id);
  switch (s.kind) {
    case 'node': {
      const r = store.nodeByHex(k);
      return r ? { kind: 'node', value: r } : undefined;
    }
    case 'edge': {
      const r = store.edgeByHex(k);
      return r ? { kind: 'edge', value: r } : undefined;
    }
    case 'nodeAttachment': {
      const v = store.nodeAttachmentByHex(k);
      return v ? { kind: 'nodeAttachment', value: v } : undefined;
    }
    case 'edgeAttachment': {
      const v = store.edgeAttachmentByHex(k);
      return v ? { kind: 'edgeAttachment', value: v } : undefined;
    }
  }
}

/** The slots an op writes directly (cascades not included). @public */
export function slotsWrittenBy(op: WarpOp): StateSlot[] {
  switch (op.op) {
    case 'UpsertNode':
    case 'DeleteNode':
      return [{ kind: 'node', warp: op.node.warp, id: op.node.local }];
    case 'UpsertEdge':
      return [{ kind: 'edge', warp: op.warp, id: op.record.id }];
    case 'DeleteEdge':
      return [{ kind: 'edge', warp: op.warp, id: op.edgeId }];
    case 'SetAttachment':
      return [{ kind: op.key.owner === 'node' ? 'nodeAttachment' : 'edgeAttachment', warp: op.key.warp, id: op.key.local }];
    case 'OpenPortal':
      return [
        { kind: op.key.owner === 'node' ? 'nodeAttachment' : 'edgeAttachment', warp: op.key.warp, id: op.key.local },
        { kind: 'instance', warp: op.childWarp, id: op.childWarp },
        { kind: 'node', warp: op.childWarp, id: op.childRoot },
      ];
    case 'UpsertWarpInstance':
      return [{ kind: 'instance', warp: op.instance.warpId, id: op.instance.warpId }];
    case 'DeleteWarpInstance':
      return [{ kind: 'instance', warp: op.warp, id: op.warp }];
  }
}

/** The op that sets slot `s` to `v` (absent = delete). `prev` is needed to delete an edge. @public */
export function opForSlot(s: StateSlot, v: SlotValue | undefined, prev: SlotValue | undefined): WarpOp[] {
  switch (s.kind) {
    case 'node':
      return v && v.kind === 'node'
        ? [{ op: 'UpsertNode', node: { warp: s.warp, local: s.id as NodeId }, record: v.value }]
        : [{ op: 'DeleteNode', node: { warp: s.warp, local: s.id as NodeId } }];
    case 'edge': {
      const ops: WarpOp[] = [];
      const before = prev && prev.kind === 'edge' ? prev.value : undefined;
      const after = v && v.kind === 'edge' ? v.value : undefined;
      if (before && (!after || toHex(before.from) !== toHex(after.from))) ops.push({ op: 'DeleteEdge', warp: s.warp, from: before.from, edgeId: s.id as EdgeId });
      if (after) ops.push({ op: 'UpsertEdge', warp: s.warp, record: after });
      return ops;
    }
    case 'nodeAttachment':
    case 'edgeAttachment': {
      const owner = s.kind === 'nodeAttachment' ? 'node' : 'edge';
      const value = v && (v.kind === 'nodeAttachment' || v.kind === 'edgeAttachment') ? v.value : null;
      return [{ op: 'SetAttachment', key: { owner, warp: s.warp, local: s.id, plane: owner === 'node' ? 'alpha' : 'beta' }, value }];
    }
    case 'instance':
      return v && v.kind === 'instance' ? [{ op: 'UpsertWarpInstance', instance: v.value }] : [{ op: 'DeleteWarpInstance', warp: s.warp }];
  }
}
