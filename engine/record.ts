/**
 * Skeleton records, attachment values and the composite keys that address them (ENGINE-SPEC §1.3, §2.1-2.2).
 *
 * Invariants:
 * - A node record stores only its type; the store supplies the id. Edge records are directed and
 *   carry their own id; nothing validates that `from`/`to` exist.
 * - Two records are equal iff all fields are byte-equal (the diff relies on this).
 * - Attachment keys are (owner, plane): Node=1 < Edge=2, Alpha=1 < Beta=2. Well-formed keys pair
 *   Node with Alpha and Edge with Beta; malformed keys can be built and are rejected by patch
 *   application (`InvalidAttachmentKey`), not here.
 * - Canonical orders are exposed as string keys (`*SortKey`) built from lowercase hex, so plain
 *   string comparison equals warp-core's derived `Ord`.
 */
import { bytesEqual, toHex } from './bytes';
import type { EdgeId, NodeId, TypeId, WarpId } from './ident';

/** @public */
export interface NodeRecord {
  readonly ty: TypeId;
}

/** @public */
export interface EdgeRecord {
  readonly id: EdgeId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly ty: TypeId;
}

/** Typed opaque payload ("depth-0" attachment). @public */
export interface AtomPayload {
  readonly typeId: TypeId;
  readonly bytes: Uint8Array;
}

/** An attachment value: an atom, or a portal into a child instance. @public */
export type AttachmentValue =
  | { readonly kind: 'atom'; readonly typeId: TypeId; readonly bytes: Uint8Array }
  | { readonly kind: 'descend'; readonly warp: WarpId };

/** @public */
export interface NodeKey {
  readonly warp: WarpId;
  readonly local: NodeId;
}

/** @public */
export interface EdgeKey {
  readonly warp: WarpId;
  readonly local: EdgeId;
}

/** @public */ export type AttachmentOwnerKind = 'node' | 'edge';
/** @public */ export type AttachmentPlane = 'alpha' | 'beta';

/** Attachment slot address; `local` is a node id for Node owners and an edge id for Edge owners. @public */
export interface AttachmentKey {
  readonly owner: AttachmentOwnerKind;
  readonly warp: WarpId;
  readonly local: Uint8Array;
  readonly plane: AttachmentPlane;
}

/** Boundary port key: an opaque u64. @public */
export type PortKey = bigint;

/** Patch slot ids (tag order Node=1 < Edge=2 < Attachment=3 < Port=4). @public */
export type SlotId =
  | { readonly kind: 'node'; readonly key: NodeKey }
  | { readonly kind: 'edge'; readonly key: EdgeKey }
  | { readonly kind: 'attachment'; readonly key: AttachmentKey }
  | { readonly kind: 'port'; readonly port: PortKey };

/** @public */
export const atom = (typeId: TypeId, bytes: Uint8Array): AttachmentValue => ({ kind: 'atom', typeId, bytes });
/** @public */
export const descend = (warp: WarpId): AttachmentValue => ({ kind: 'descend', warp });
/** @public */
export const nodeKey = (warp: WarpId, local: NodeId): NodeKey => ({ warp, local });
/** @public */
export const edgeKey = (warp: WarpId, local: EdgeId): EdgeKey => ({ warp, local });
/** The α-plane attachment key of a node. @public */
export const nodeAlpha = (warp: WarpId, node: NodeId): AttachmentKey => ({ owner: 'node', warp, local: node, plane: 'alpha' });
/** The β-plane attachment key of an edge. @public */
export const edgeBeta = (warp: WarpId, edge: EdgeId): AttachmentKey => ({ owner: 'edge', warp, local: edge, plane: 'beta' });

/** @public */ export const ownerTag = (o: AttachmentOwnerKind): number => (o === 'node' ? 1 : 2);
/** @public */ export const planeTag = (p: AttachmentPlane): number => (p === 'alpha' ? 1 : 2);
/** True when the plane matches the owner (Node/Alpha or Edge/Beta). @public */
export const isWellFormedKey = (k: AttachmentKey): boolean => (k.owner === 'node') === (k.plane === 'alpha');

/** @public */
export function nodeRecordsEqual(a: NodeRecord | undefined, b: NodeRecord | undefined): boolean {
  if (!a || !b) return a === b;
  return bytesEqual(a.ty, b.ty);
}

/** @public */
export function edgeRecordsEqual(a: EdgeRecord | undefined, b: EdgeRecord | undefined): boolean {
  if (!a || !b) return a === b;
  return bytesEqual(a.id, b.id) && bytesEqual(a.from, b.from) && bytesEqual(a.to, b.to) && bytesEqual(a.ty, b.ty);
}

/** Structural equality of optional attachment values (absent counts as a value). @public */
export function attachmentValuesEqual(a: AttachmentValue | undefined | null, b: AttachmentValue | undefined | null): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'atom') {
    const bb = b as Extract<AttachmentValue, { kind: 'atom' }>;
    return bytesEqual(a.typeId, bb.typeId) && bytesEqual(a.bytes, bb.bytes);
  }
  return bytesEqual(a.warp, (b as Extract<AttachmentValue, { kind: 'descend' }>).warp);
}

/** @public */
export function attachmentKeysEqual(a: AttachmentKey, b: AttachmentKey): boolean {
  return a.owner === b.owner && a.plane === b.plane && bytesEqual(a.warp, b.warp) && bytesEqual(a.local, b.local);
}

/** Order key of a NodeKey / EdgeKey: (warp, local). @internal */
export const pairKey = (warp: Uint8Array, local: Uint8Array): string => [toHex(warp), toHex(local)].join('');

/** Order key of an AttachmentKey: (owner tag, warp, local, plane tag). @internal */
export function attachmentSortKey(k: AttachmentKey): string {
  // Joined, not appended: one flat string (these keys are sorted and hashed in bulk).
  return [k.owner === 'node' ? '1' : '2', toHex(k.warp), toHex(k.local), k.plane === 'alpha' ? '1' : '2'].join('');
}

/** Fixed-width big-endian hex of a u64, so string order equals numeric order. @internal */
export function u64SortKey(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** Order key of a SlotId: tag first, then the inner key. @public */
export function slotSortKey(s: SlotId): string {
  switch (s.kind) {
    case 'node':
      return ['1', toHex(s.key.warp), toHex(s.key.local)].join('');
    case 'edge':
      return ['2', toHex(s.key.warp), toHex(s.key.local)].join('');
    case 'attachment':
      return ['3', attachmentSortKey(s.key)].join('');
    case 'port':
      return '4' + u64SortKey(s.port);
  }
}
