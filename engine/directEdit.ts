/**
 * Direct edits: mutations made outside any tick (ENGINE-SPEC §2.6, §8.3) — intent ingestion and
 * the store setters. warp-core records none of them, so its history cannot be replayed once
 * intents were ingested (§12.1 T14). This port records each one as plain data next to the tick
 * that follows it, so replay from the initial state reproduces every hash.
 *
 * Invariants:
 * - `applyDirectEdit` has exactly the store-level semantics of the setter it records (no owner
 *   existence checks for attachments, upsert/move-to-end for edges, replace-insert for nodes).
 * - Ingestion follows §8.3 step by step, including re-upserting `root→sim` and `sim→inbox` on
 *   every call (which moves them to the end of their buckets).
 */
import { EngineError } from './errors';
import { computeIntentId, type EdgeId, type Hash, type NodeId, type WarpId } from './ident';
import {
  EVENT_TYPE,
  INBOX_NODE,
  INBOX_TYPE,
  INTENT_ATOM_TYPE,
  PENDING_EDGE_TYPE,
  ROOT_SIM_EDGE,
  ROOT_SIM_EDGE_TYPE,
  SIM_INBOX_EDGE,
  SIM_INBOX_EDGE_TYPE,
  SIM_NODE,
  SIM_TYPE,
  pendingEdgeId,
  type IngestDisposition,
} from './inbox';
import { atom, type AttachmentValue, type EdgeRecord, type NodeKey, type NodeRecord } from './record';
import type { WarpState } from './warpState';

/** A mutation applied outside a tick. @public */
export type DirectEdit =
  | { readonly kind: 'ingestIntent'; readonly bytes: Uint8Array }
  | { readonly kind: 'insertNode'; readonly warp: WarpId; readonly id: NodeId; readonly record: NodeRecord }
  | { readonly kind: 'setNodeAttachment'; readonly warp: WarpId; readonly id: NodeId; readonly value: AttachmentValue | null }
  | { readonly kind: 'insertEdge'; readonly warp: WarpId; readonly from: NodeId; readonly record: EdgeRecord }
  | { readonly kind: 'setEdgeAttachment'; readonly warp: WarpId; readonly id: EdgeId; readonly value: AttachmentValue | null }
  | { readonly kind: 'deleteNode'; readonly warp: WarpId; readonly id: NodeId }
  | { readonly kind: 'deleteEdge'; readonly warp: WarpId; readonly from: NodeId; readonly id: EdgeId };

function storeOf(state: WarpState, w: WarpId) {
  const s = state.store(w);
  if (!s) throw new EngineError('UnknownWarp', `no store for warp`);
  return s;
}

/** `ingest_intent` against `root`'s store (§8.3). @throws EngineError(UnknownWarp) @public */
export function ingestIntentInto(state: WarpState, root: NodeKey, bytes: Uint8Array): IngestDisposition {
  const intentId: Hash = computeIntentId(bytes);
  const event = intentId as NodeId;
  const store = storeOf(state, root.warp);
  store.insertNode(SIM_NODE, { ty: SIM_TYPE });
  store.insertNode(INBOX_NODE, { ty: INBOX_TYPE });
  store.insertEdge(root.local, { id: ROOT_SIM_EDGE, from: root.local, to: SIM_NODE, ty: ROOT_SIM_EDGE_TYPE });
  store.insertEdge(SIM_NODE, { id: SIM_INBOX_EDGE, from: SIM_NODE, to: INBOX_NODE, ty: SIM_INBOX_EDGE_TYPE });
  if (store.hasNode(event)) return { kind: 'duplicate', intentId };
  store.insertNode(event, { ty: EVENT_TYPE });
  store.setNodeAttachment(event, atom(INTENT_ATOM_TYPE, bytes.slice()));
  store.insertEdge(INBOX_NODE, { id: pendingEdgeId(INBOX_NODE, intentId), from: INBOX_NODE, to: event, ty: PENDING_EDGE_TYPE });
  return { kind: 'accepted', intentId };
}

/**
 * Applies a recorded direct edit. Returns the ingest disposition for `ingestIntent`, else null.
 * @throws EngineError(UnknownWarp) when the target store is missing; a `deleteNode`/`deleteEdge`
 * that finds nothing returns null without error (the setter semantics).
 * @public
 */
export function applyDirectEdit(state: WarpState, root: NodeKey, e: DirectEdit): IngestDisposition | null {
  switch (e.kind) {
    case 'ingestIntent':
      return ingestIntentInto(state, root, e.bytes);
    case 'insertNode':
      storeOf(state, e.warp).insertNode(e.id, e.record);
      return null;
    case 'setNodeAttachment':
      storeOf(state, e.warp).setNodeAttachment(e.id, e.value);
      return null;
    case 'insertEdge':
      storeOf(state, e.warp).insertEdge(e.from, e.record);
      return null;
    case 'setEdgeAttachment':
      storeOf(state, e.warp).setEdgeAttachment(e.id, e.value);
      return null;
    case 'deleteNode':
      storeOf(state, e.warp).deleteNodeCascade(e.id);
      return null;
    case 'deleteEdge':
      storeOf(state, e.warp).deleteEdgeExact(e.from, e.id);
      return null;
  }
}
