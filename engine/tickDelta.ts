/**
 * Warp ops, their canonical sort keys, and `TickDelta`, the op list executors emit into
 * (ENGINE-SPEC §5.2, §5.4).
 *
 * Frozen (changing any of this changes every hash):
 * - sort key = (kind, warp, a, b) compared lexicographically, kinds:
 *   OpenPortal 1, UpsertWarpInstance 2, DeleteWarpInstance 3, DeleteEdge 4, DeleteNode 5,
 *   UpsertNode 6, UpsertEdge 7, SetAttachment 8. Attachment-addressed ops use
 *   a = [owner_tag, plane_tag, 0 × 30] and b = owner local id.
 * - Two ops are "the same op" iff their keys are equal; the patch keeps the LAST one emitted.
 *
 * Invariants:
 * - One `TickDelta` is shared by every executor of a tick, so `len()` observed by an executor
 *   counts ops emitted by earlier executors (the DIND toast rule depends on it).
 * - Origins never affect output; they are carried for BOAW merge diagnostics.
 */
import { toHex } from './bytes';
import type { EdgeId, NodeId, WarpId } from './ident';
import type { AttachmentKey, AttachmentValue, EdgeRecord, NodeKey, NodeRecord } from './record';
import type { WarpInstance } from './warpState';

/** How `OpenPortal` initialises the child. @public */
export type PortalInit = { readonly kind: 'empty'; readonly rootRecord: NodeRecord } | { readonly kind: 'requireExisting' };

/** @public */
export type WarpOp =
  | { readonly op: 'OpenPortal'; readonly key: AttachmentKey; readonly childWarp: WarpId; readonly childRoot: NodeId; readonly init: PortalInit }
  | { readonly op: 'UpsertWarpInstance'; readonly instance: WarpInstance }
  | { readonly op: 'DeleteWarpInstance'; readonly warp: WarpId }
  | { readonly op: 'DeleteEdge'; readonly warp: WarpId; readonly from: NodeId; readonly edgeId: EdgeId }
  | { readonly op: 'DeleteNode'; readonly node: NodeKey }
  | { readonly op: 'UpsertNode'; readonly node: NodeKey; readonly record: NodeRecord }
  | { readonly op: 'UpsertEdge'; readonly warp: WarpId; readonly record: EdgeRecord }
  | { readonly op: 'SetAttachment'; readonly key: AttachmentKey; readonly value: AttachmentValue | null };

/** Op origin for BOAW merges: (intent, compact rule, match index, op index). @public */
export interface OpOrigin {
  readonly intentId: number;
  readonly ruleId: number;
  readonly matchIx: number;
  readonly opIx: number;
}

/** @public */
export const DEFAULT_ORIGIN: OpOrigin = Object.freeze({ intentId: 0, ruleId: 0, matchIx: 0, opIx: 0 });

const Z64 = '0'.repeat(64);

/** The 64-char owner/plane field of an attachment key, one constant per combination. */
const PAD60 = '0'.repeat(60);
const TAG_NODE_ALPHA = '0101' + PAD60;
const TAG_NODE_BETA = '0102' + PAD60;
const TAG_EDGE_ALPHA = '0201' + PAD60;
const TAG_EDGE_BETA = '0202' + PAD60;

function tagpad(k: AttachmentKey): string {
  if (k.owner === 'node') return k.plane === 'alpha' ? TAG_NODE_ALPHA : TAG_NODE_BETA;
  return k.plane === 'alpha' ? TAG_EDGE_ALPHA : TAG_EDGE_BETA;
}

/** One flat string (`+` would leave a rope that every comparison of the sort walks). */
const key4 = (a: string, b: string, c: string, d: string): string => [a, b, c, d].join('');

/** The op's canonical sort key as a fixed-width hex string (kind ‖ warp ‖ a ‖ b). @public */
export function opSortKey(op: WarpOp): string {
  switch (op.op) {
    case 'OpenPortal':
      return key4('01', toHex(op.key.warp), tagpad(op.key), toHex(op.key.local));
    case 'UpsertWarpInstance':
      return key4('02', toHex(op.instance.warpId), toHex(op.instance.warpId), Z64);
    case 'DeleteWarpInstance':
      return key4('03', toHex(op.warp), toHex(op.warp), Z64);
    case 'DeleteEdge':
      return key4('04', toHex(op.warp), toHex(op.from), toHex(op.edgeId));
    case 'DeleteNode':
      return key4('05', toHex(op.node.warp), toHex(op.node.local), Z64);
    case 'UpsertNode':
      return key4('06', toHex(op.node.warp), toHex(op.node.local), Z64);
    case 'UpsertEdge':
      return key4('07', toHex(op.warp), toHex(op.record.from), toHex(op.record.id));
    case 'SetAttachment':
      return key4('08', toHex(op.key.warp), tagpad(op.key), toHex(op.key.local));
  }
}

/** The list of ops emitted during one tick. @public */
export class TickDelta {
  private readonly ops: WarpOp[] = [];
  private readonly origins: OpOrigin[] = [];

  /** Appends an op with the default origin. */
  emit(op: WarpOp): void {
    this.ops.push(op);
    this.origins.push(DEFAULT_ORIGIN);
  }

  /** Appends an op with an explicit origin. */
  emitWithOrigin(op: WarpOp, origin: OpOrigin): void {
    this.ops.push(op);
    this.origins.push(origin);
  }

  /** Number of ops emitted so far (observable by executors). */
  len(): number {
    return this.ops.length;
  }

  /** The raw ops in emission order. */
  opsUnsorted(): readonly WarpOp[] {
    return this.ops;
  }

  /** The raw origins, parallel to `opsUnsorted()`. */
  originsUnsorted(): readonly OpOrigin[] {
    return this.origins;
  }

  /** Stable canonical sort by (sort key, emission index); no dedup. */
  finalize(): WarpOp[] {
    const keyed = this.ops.map((op, i) => ({ op, k: opSortKey(op), i }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    return keyed.map((x) => x.op);
  }
}

/**
 * Canonical op list as `WarpTickPatchV1::new` builds it: ordered by sort key, keeping the LAST
 * op emitted for each key.
 * @public
 */
export function canonicalizeOps(ops: readonly WarpOp[]): WarpOp[] {
  const n = ops.length;
  const keys = new Array<string>(n);
  let ascending = true;
  for (let i = 0; i < n; i++) {
    keys[i] = opSortKey(ops[i]!);
    if (ascending && i > 0 && !(keys[i - 1]! < keys[i]!)) ascending = false;
  }
  // Strictly ascending (a diff's output, a patch read back): already canonical, no duplicates.
  if (ascending) return ops.slice();
  const byKey = new Map<string, WarpOp>();
  for (let i = 0; i < n; i++) byKey.set(keys[i]!, ops[i]!);
  const sorted = Array.from(byKey.keys()).sort();
  return sorted.map((k) => byKey.get(k) as WarpOp);
}
