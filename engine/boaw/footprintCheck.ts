/**
 * Strict footprints: every op an executor emits must fall inside the WRITE sets of the footprint
 * its rule declared for that scope. warp-core never checks this (§12.3 item 3); this port can, as
 * an opt-in engine mode (`EngineOptions.strictFootprints`): off for conformance runs, meant to be
 * on in the Studio, where a silent out-of-footprint write is a bug the user wants named.
 *
 * What each op writes (node and edge sets hold raw ids lifted to the scope's warp, §3.2):
 * - UpsertNode / DeleteNode      → node slot (op warp must be the scope warp, id ∈ n_write)
 * - UpsertEdge / DeleteEdge      → edge slot (op warp must be the scope warp, id ∈ e_write)
 * - SetAttachment / OpenPortal   → attachment slot (key ∈ a_write)
 * - UpsertWarpInstance           → its parent attachment slot (∈ a_write); a root instance (no
 *                                  parent) is never inside a footprint
 * - DeleteWarpInstance           → the pre-tick parent slot of that instance, looked up by the caller
 *
 * The check runs on the engine thread before any op is applied, on the serial and the parallel
 * path alike, so a violation leaves the state untouched (the tick fails, the tx is closed).
 */
import { toHex } from '../bytes';
import { EngineError } from '../errors';
import type { Footprint } from '../footprint';
import type { WarpId } from '../ident';
import { attachmentSortKey, type AttachmentKey, type NodeKey, type SlotId } from '../record';
import type { WarpOp } from '../tickDelta';

/** The slot a violating op wrote: a patch slot, or a warp instance (which has no slot kind). @public */
export type WrittenSlot = SlotId | { readonly kind: 'instance'; readonly warp: WarpId };

/** An executor emitted an op outside its declared write footprint. @public */
export class FootprintViolation extends EngineError {
  constructor(
    readonly ruleName: string,
    readonly scope: NodeKey,
    readonly slot: WrittenSlot,
    readonly op: WarpOp['op'],
    readonly tx: number,
  ) {
    super('FootprintViolation', `rule "${ruleName}" at scope ${toHex(scope.local)} (warp ${toHex(scope.warp)}) in tx ${tx} emitted ${op} on ${describeSlot(slot)}, which is outside its declared write footprint`);
    this.name = 'FootprintViolation';
  }
  get scopeHex(): string {
    return toHex(this.scope.local);
  }
  get warpHex(): string {
    return toHex(this.scope.warp);
  }
}

/** A short human description of a slot. @public */
export function describeSlot(s: WrittenSlot): string {
  switch (s.kind) {
    case 'node':
      return `node ${toHex(s.key.local)} (warp ${toHex(s.key.warp)})`;
    case 'edge':
      return `edge ${toHex(s.key.local)} (warp ${toHex(s.key.warp)})`;
    case 'attachment':
      return `attachment ${s.key.owner}/${s.key.plane} of ${toHex(s.key.local)} (warp ${toHex(s.key.warp)})`;
    case 'port':
      return `port ${s.port.toString(16)}`;
    case 'instance':
      return `warp instance ${toHex(s.warp)}`;
  }
}

/** The slot `op` writes. `parentOf` gives a live instance's parent (for DeleteWarpInstance). @public */
export function slotWrittenBy(op: WarpOp, parentOf: (w: WarpId) => AttachmentKey | null): WrittenSlot {
  switch (op.op) {
    case 'UpsertNode':
    case 'DeleteNode':
      return { kind: 'node', key: op.node };
    case 'UpsertEdge':
      return { kind: 'edge', key: { warp: op.warp, local: op.record.id } };
    case 'DeleteEdge':
      return { kind: 'edge', key: { warp: op.warp, local: op.edgeId } };
    case 'SetAttachment':
    case 'OpenPortal':
      return { kind: 'attachment', key: op.key };
    case 'UpsertWarpInstance': {
      const p = op.instance.parent;
      return p ? { kind: 'attachment', key: p } : { kind: 'instance', warp: op.instance.warpId };
    }
    case 'DeleteWarpInstance': {
      const p = parentOf(op.warp);
      return p ? { kind: 'attachment', key: p } : { kind: 'instance', warp: op.warp };
    }
  }
}

/** True when `fp` (declared at a scope in `scopeWarp`) allows writing `slot`. @public */
export function footprintAllows(fp: Footprint, scopeWarp: WarpId, slot: WrittenSlot): boolean {
  switch (slot.kind) {
    case 'node':
      return toHex(slot.key.warp) === toHex(scopeWarp) && fp.nWrite.has(toHex(slot.key.local));
    case 'edge':
      return toHex(slot.key.warp) === toHex(scopeWarp) && fp.eWrite.has(toHex(slot.key.local));
    case 'attachment':
      return fp.aWrite.has(attachmentSortKey(slot.key));
    case 'port':
    case 'instance':
      return false;
  }
}

/** The first op of `ops` outside `fp`'s writes, with its slot, or null. @public */
export function firstFootprintViolation(
  fp: Footprint,
  scopeWarp: WarpId,
  ops: readonly WarpOp[],
  parentOf: (w: WarpId) => AttachmentKey | null,
): { readonly op: WarpOp; readonly slot: WrittenSlot } | null {
  for (const op of ops) {
    const slot = slotWrittenBy(op, parentOf);
    if (!footprintAllows(fp, scopeWarp, slot)) return { op, slot };
  }
  return null;
}
