/**
 * Plain-data (JSON-safe) views of engine values, with every id as lowercase hex. The shapes match
 * the reference vectors' JSON (`reference-vectors.json`), so tests compare field by field and the
 * CLI / IPC contract reuse them.
 *
 * Invariants: views are for display and comparison only — nothing here is hashed (JSON is never a
 * canonical encoding; see `codec/canonical.ts`).
 */
import { toHex } from '../bytes';
import type { AttachmentKey, AttachmentValue, SlotId } from '../record';
import { appliedCount, type TickReceipt } from '../receipt';
import type { Snapshot } from '../snapshot';
import type { WarpTickPatchV1 } from '../tickPatch';
import type { WarpOp } from '../tickDelta';

/** @public */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** @public */
export function attachmentKeyJson(k: AttachmentKey): { owner: string; warp_id: string; local_id: string; plane: string } {
  return { owner: k.owner, warp_id: toHex(k.warp), local_id: toHex(k.local), plane: k.plane };
}

/** @public */
export function attachmentValueJson(v: AttachmentValue | null | undefined): JsonValue {
  if (!v) return null;
  if (v.kind === 'atom') return { kind: 'atom', type_id: toHex(v.typeId), bytes_hex: toHex(v.bytes) };
  return { kind: 'descend', warp_id: toHex(v.warp) };
}

/** @public */
export function slotJson(s: SlotId): JsonValue {
  switch (s.kind) {
    case 'node':
      return { slot: 'node', warp_id: toHex(s.key.warp), local_id: toHex(s.key.local) };
    case 'edge':
      return { slot: 'edge', warp_id: toHex(s.key.warp), local_id: toHex(s.key.local) };
    case 'attachment':
      return { slot: 'attachment', key: attachmentKeyJson(s.key) };
    case 'port':
      return { slot: 'port', port_key: s.port.toString() };
  }
}

/** @public */
export function opJson(op: WarpOp): JsonValue {
  switch (op.op) {
    case 'UpsertNode':
      return { op: op.op, warp_id: toHex(op.node.warp), node_id: toHex(op.node.local), ty: toHex(op.record.ty) };
    case 'DeleteNode':
      return { op: op.op, warp_id: toHex(op.node.warp), node_id: toHex(op.node.local) };
    case 'UpsertEdge':
      return {
        op: op.op,
        warp_id: toHex(op.warp),
        edge_id: toHex(op.record.id),
        from: toHex(op.record.from),
        to: toHex(op.record.to),
        ty: toHex(op.record.ty),
      };
    case 'DeleteEdge':
      return { op: op.op, warp_id: toHex(op.warp), from: toHex(op.from), edge_id: toHex(op.edgeId) };
    case 'SetAttachment':
      return { op: op.op, key: attachmentKeyJson(op.key), value: attachmentValueJson(op.value) };
    case 'OpenPortal':
      return {
        op: op.op,
        key: attachmentKeyJson(op.key),
        child_warp: toHex(op.childWarp),
        child_root: toHex(op.childRoot),
        init: op.init.kind === 'empty' ? { kind: 'empty', root_record_ty: toHex(op.init.rootRecord.ty) } : { kind: 'require_existing' },
      };
    case 'UpsertWarpInstance':
      return {
        op: op.op,
        warp_id: toHex(op.instance.warpId),
        root_node: toHex(op.instance.rootNode),
        parent: op.instance.parent ? attachmentKeyJson(op.instance.parent) : null,
      };
    case 'DeleteWarpInstance':
      return { op: op.op, warp_id: toHex(op.warp) };
  }
}

/** @public */
export function snapshotJson(s: Snapshot): JsonValue {
  return {
    commit_hash: toHex(s.hash),
    decision_digest: toHex(s.decisionDigest),
    parents: s.parents.map(toHex),
    patch_digest: toHex(s.patchDigest),
    plan_digest: toHex(s.planDigest),
    policy_id: s.policyId,
    rewrites_digest: toHex(s.rewritesDigest),
    root_node_id: toHex(s.root.local),
    root_warp_id: toHex(s.root.warp),
    state_root: toHex(s.stateRoot),
    tx: s.tx,
  };
}

/** @public */
export function receiptJson(r: TickReceipt): JsonValue {
  return {
    applied_count: appliedCount(r.entries),
    digest: toHex(r.digest),
    entries: Array.from(r.entries, (e, i) => ({
      blocked_by: [...r.blockedBy[i]!],
      disposition: e.disposition === 'applied' ? 'Applied' : 'Rejected(FootprintConflict)',
      rule_id: toHex(e.ruleId),
      scope_hash: toHex(e.scopeHash),
      scope_node_id: toHex(e.scope.local),
      scope_warp_id: toHex(e.scope.warp),
    })),
    entries_count: r.entries.length,
  };
}

/** @public */
export function patchJson(p: WarpTickPatchV1): JsonValue {
  return {
    commit_status: p.commitStatus === 'committed' ? 'Committed' : 'Aborted',
    digest: toHex(p.digest),
    in_slots: Array.from(p.inSlots, (s) => slotJson(s)),
    in_slots_count: p.inSlots.length,
    ops: Array.from(p.ops, (op) => opJson(op)),
    ops_count: p.ops.length,
    out_slots: Array.from(p.outSlots, (s) => slotJson(s)),
    out_slots_count: p.outSlots.length,
    policy_id: p.policyId,
    rule_pack_id: toHex(p.rulePackId),
  };
}
