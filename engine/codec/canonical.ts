/**
 * Canonical byte encodings shared by the patch digest and the state root (ENGINE-SPEC §6.2-6.4, §7.1).
 *
 * Frozen — changing any of this changes every hash:
 * - AK  (attachment key)  = u8(owner_tag) ‖ u8(plane_tag) ‖ warp(32) ‖ local(32)       (66 bytes)
 * - AV  (value)           = 01 ‖ type_id(32) ‖ u64le(len) ‖ bytes  |  02 ‖ warp_id(32)
 * - AV? (optional value)  = 00  |  01 ‖ AV
 * - slot                  = 01 ‖ warp ‖ node | 02 ‖ warp ‖ edge | 03 ‖ AK | 04 ‖ u64le(port)
 * - op tags (patch digest, NOT the sort kinds): UpsertWarpInstance 01, DeleteWarpInstance 02,
 *   UpsertNode 03, DeleteNode 04, UpsertEdge 05 (from, id, to, ty), DeleteEdge 06,
 *   SetAttachment 07, OpenPortal 08 (PI = 00 RequireExisting | 01 ‖ root ty for Empty).
 */
import type { ByteWriter } from '../bytes';
import { ownerTag, planeTag, type AttachmentKey, type AttachmentValue, type SlotId } from '../record';
import type { WarpOp } from '../tickDelta';

/** @internal */
export function writeAttachmentKey(w: ByteWriter, k: AttachmentKey): void {
  w.u8(ownerTag(k.owner)).u8(planeTag(k.plane)).bytes(k.warp).bytes(k.local);
}

/** @internal */
export function writeAttachmentValue(w: ByteWriter, v: AttachmentValue): void {
  if (v.kind === 'atom') w.u8(1).bytes(v.typeId).u64(v.bytes.length).bytes(v.bytes);
  else w.u8(2).bytes(v.warp);
}

/** @internal */
export function writeAttachmentValueOpt(w: ByteWriter, v: AttachmentValue | null | undefined): void {
  if (!v) {
    w.u8(0);
    return;
  }
  w.u8(1);
  writeAttachmentValue(w, v);
}

/** Bytes `writeSlot` writes per slot kind: tag ‖ warp ‖ id; tag ‖ owner ‖ plane ‖ warp ‖ id; tag ‖ u64. @internal */
export const SLOT_ENCODED_BYTES = { node: 65, edge: 65, attachment: 67, port: 9 } as const;

/** @internal */
export function writeSlot(w: ByteWriter, s: SlotId): void {
  switch (s.kind) {
    case 'node':
      w.u8(1).bytes(s.key.warp).bytes(s.key.local);
      return;
    case 'edge':
      w.u8(2).bytes(s.key.warp).bytes(s.key.local);
      return;
    case 'attachment':
      w.u8(3);
      writeAttachmentKey(w, s.key);
      return;
    case 'port':
      w.u8(4).u64(s.port);
      return;
  }
}

/** @internal */
export function writeOp(w: ByteWriter, op: WarpOp): void {
  switch (op.op) {
    case 'UpsertWarpInstance': {
      const i = op.instance;
      w.u8(1).bytes(i.warpId).bytes(i.rootNode);
      if (i.parent) {
        w.u8(1);
        writeAttachmentKey(w, i.parent);
      } else w.u8(0);
      return;
    }
    case 'DeleteWarpInstance':
      w.u8(2).bytes(op.warp);
      return;
    case 'UpsertNode':
      w.u8(3).bytes(op.node.warp).bytes(op.node.local).bytes(op.record.ty);
      return;
    case 'DeleteNode':
      w.u8(4).bytes(op.node.warp).bytes(op.node.local);
      return;
    case 'UpsertEdge':
      w.u8(5).bytes(op.warp).bytes(op.record.from).bytes(op.record.id).bytes(op.record.to).bytes(op.record.ty);
      return;
    case 'DeleteEdge':
      w.u8(6).bytes(op.warp).bytes(op.from).bytes(op.edgeId);
      return;
    case 'SetAttachment':
      w.u8(7);
      writeAttachmentKey(w, op.key);
      writeAttachmentValueOpt(w, op.value);
      return;
    case 'OpenPortal':
      w.u8(8);
      writeAttachmentKey(w, op.key);
      w.bytes(op.childWarp).bytes(op.childRoot);
      if (op.init.kind === 'empty') w.u8(1).bytes(op.init.rootRecord.ty);
      else w.u8(0);
      return;
  }
}
