/**
 * Readers for the canonical encodings written by `codec/canonical.ts` (attachment key/value,
 * slot, warp op), so binary formats that embed them (session files, journals) decode with the
 * SAME layout the patch digest hashes.
 *
 * Invariants:
 * - `readX(writeX(v))` is `v` field for field; every unknown tag is a `CodecError`, never a
 *   partially built value. Layouts are documented (and frozen) in `codec/canonical.ts`.
 */
import type { EdgeId, NodeId, TypeId, WarpId } from '../ident';
import type { AttachmentKey, AttachmentValue, SlotId } from '../record';
import type { WarpOp } from '../tickDelta';
import type { ByteReader } from './byteReader';

/** AK = u8 owner ‖ u8 plane ‖ warp(32) ‖ local(32). @internal */
export function readAttachmentKey(r: ByteReader): AttachmentKey {
  const owner = r.tag([1, 2], 'attachment owner tag') === 1 ? 'node' : 'edge';
  const plane = r.tag([1, 2], 'attachment plane tag') === 1 ? 'alpha' : 'beta';
  const warp = r.id('attachment warp') as WarpId;
  const local = r.id('attachment owner id');
  return { owner, warp, local, plane };
}

/** AV = 01 ‖ type(32) ‖ u64 len ‖ bytes | 02 ‖ warp(32). @internal */
export function readAttachmentValue(r: ByteReader): AttachmentValue {
  if (r.tag([1, 2], 'attachment value tag') === 1) {
    const typeId = r.id('atom type') as TypeId;
    const n = r.u64('atom length');
    return { kind: 'atom', typeId, bytes: r.bytes(n, 'atom bytes') };
  }
  return { kind: 'descend', warp: r.id('descend warp') as WarpId };
}

/** AV? = 00 | 01 ‖ AV. @internal */
export function readAttachmentValueOpt(r: ByteReader): AttachmentValue | null {
  return r.tag([0, 1], 'optional value tag') === 0 ? null : readAttachmentValue(r);
}

/** slot = 01 ‖ warp ‖ node | 02 ‖ warp ‖ edge | 03 ‖ AK | 04 ‖ u64 port. @internal */
export function readSlot(r: ByteReader): SlotId {
  switch (r.tag([1, 2, 3, 4], 'slot tag')) {
    case 1:
      return { kind: 'node', key: { warp: r.id() as WarpId, local: r.id() as NodeId } };
    case 2:
      return { kind: 'edge', key: { warp: r.id() as WarpId, local: r.id() as EdgeId } };
    case 3:
      return { kind: 'attachment', key: readAttachmentKey(r) };
    default:
      return { kind: 'port', port: r.u64big('port') };
  }
}

/** A warp op in the patch-digest layout (tags 01..08). @internal */
export function readOp(r: ByteReader): WarpOp {
  switch (r.tag([1, 2, 3, 4, 5, 6, 7, 8], 'op tag')) {
    case 1: {
      const warpId = r.id() as WarpId;
      const rootNode = r.id() as NodeId;
      const parent = r.tag([0, 1], 'instance parent tag') === 1 ? readAttachmentKey(r) : null;
      return { op: 'UpsertWarpInstance', instance: { warpId, rootNode, parent } };
    }
    case 2:
      return { op: 'DeleteWarpInstance', warp: r.id() as WarpId };
    case 3: {
      const warp = r.id() as WarpId;
      const local = r.id() as NodeId;
      return { op: 'UpsertNode', node: { warp, local }, record: { ty: r.id() as TypeId } };
    }
    case 4:
      return { op: 'DeleteNode', node: { warp: r.id() as WarpId, local: r.id() as NodeId } };
    case 5: {
      const warp = r.id() as WarpId;
      const from = r.id() as NodeId;
      const id = r.id() as EdgeId;
      const to = r.id() as NodeId;
      const ty = r.id() as TypeId;
      return { op: 'UpsertEdge', warp, record: { id, from, to, ty } };
    }
    case 6:
      return { op: 'DeleteEdge', warp: r.id() as WarpId, from: r.id() as NodeId, edgeId: r.id() as EdgeId };
    case 7: {
      const key = readAttachmentKey(r);
      return { op: 'SetAttachment', key, value: readAttachmentValueOpt(r) };
    }
    default: {
      const key = readAttachmentKey(r);
      const childWarp = r.id() as WarpId;
      const childRoot = r.id() as NodeId;
      const init = r.tag([0, 1], 'portal init tag') === 1 ? { kind: 'empty' as const, rootRecord: { ty: r.id() as TypeId } } : { kind: 'requireExisting' as const };
      return { op: 'OpenPortal', key, childWarp, childRoot, init };
    }
  }
}
