/**
 * The intent inbox: ids of the inbox structure and the two built-in system rules
 * (ENGINE-SPEC §3.6, §8.3).
 *
 * Frozen:
 * - pending edge id = H("edge:" ‖ "sim/inbox/pending:" ‖ inbox_node_id(32) ‖ intent_id(32)) (87 bytes)
 * - system rule ids use the TYPE domain: make_type_id("rule:sys/…")
 *
 * Invariants:
 * - The inbox is a ledger: event nodes and their `intent` attachments are never deleted; only
 *   pending edges are removed (by `sys/ack_pending` or `sys/dispatch_inbox`).
 * - Neither rule is registered automatically.
 */
import { concatBytes, toHex, utf8 } from './bytes';
import { Footprint } from './footprint';
import { blake3 } from './hash';
import { makeEdgeId, makeNodeId, makeTypeId, type EdgeId, type Hash, type NodeId } from './ident';
import type { RewriteRule } from './rule';

/** @public */ export const SIM_NODE = makeNodeId('sim');
/** @public */ export const INBOX_NODE = makeNodeId('sim/inbox');
/** @public */ export const SIM_TYPE = makeTypeId('sim');
/** @public */ export const INBOX_TYPE = makeTypeId('sim/inbox');
/** @public */ export const EVENT_TYPE = makeTypeId('sim/inbox/event');
/** @public */ export const INTENT_ATOM_TYPE = makeTypeId('intent');
/** @public */ export const PENDING_EDGE_TYPE = makeTypeId('edge:pending');
/** @public */ export const ROOT_SIM_EDGE = makeEdgeId('edge:root/sim');
/** @public */ export const SIM_INBOX_EDGE = makeEdgeId('edge:sim/inbox');
/** @public */ export const ROOT_SIM_EDGE_TYPE = makeTypeId('edge:sim');
/** @public */ export const SIM_INBOX_EDGE_TYPE = makeTypeId('edge:inbox');

/** @public */ export const DISPATCH_INBOX_RULE_NAME = 'sys/dispatch_inbox';
/** @public */ export const ACK_PENDING_RULE_NAME = 'sys/ack_pending';

/** Pending edge id for (inbox node, intent). @public */
export function pendingEdgeId(inbox: NodeId, intentId: Hash): EdgeId {
  return blake3(concatBytes(utf8('edge:sim/inbox/pending:'), inbox, intentId)) as EdgeId;
}

/** Result of `ingestIntent`. @public */
export type IngestDisposition = { readonly kind: 'accepted'; readonly intentId: Hash } | { readonly kind: 'duplicate'; readonly intentId: Hash };

/** Result of `dispatchNextIntent`. @public */
export type DispatchDisposition =
  | { readonly kind: 'noPending' }
  | { readonly kind: 'consumed'; readonly intentId: Hash; readonly handlerMatched: boolean };

/** `sys/dispatch_inbox`: deletes every pending edge of the inbox node. @public */
export function dispatchInboxRule(): RewriteRule {
  const pending = (view: Parameters<RewriteRule['matcher']>[0], scope: NodeId) =>
    view.edgesFrom(scope).filter((e) => toHex(e.ty) === toHex(PENDING_EDGE_TYPE));
  return {
    id: makeTypeId('rule:' + DISPATCH_INBOX_RULE_NAME),
    name: DISPATCH_INBOX_RULE_NAME,
    matcher: (view, scope) => {
      const rec = view.node(scope);
      return !!rec && toHex(rec.ty) === toHex(INBOX_TYPE) && pending(view, scope).length > 0;
    },
    computeFootprint: (view, scope) => {
      const fp = new Footprint().readNode(scope);
      for (const e of pending(view, scope)) fp.readEdge(e.id).writeEdge(e.id);
      return fp;
    },
    executor: (view, scope, delta) => {
      for (const e of pending(view, scope)) delta.emit({ op: 'DeleteEdge', warp: view.warpId(), from: scope, edgeId: e.id });
    },
  };
}

/** `sys/ack_pending`: deletes the pending edge of the event node `scope`. @public */
export function ackPendingRule(): RewriteRule {
  return {
    id: makeTypeId('rule:' + ACK_PENDING_RULE_NAME),
    name: ACK_PENDING_RULE_NAME,
    matcher: (view, scope) => view.hasEdge(pendingEdgeId(INBOX_NODE, scope)),
    computeFootprint: (_view, scope) => {
      const pe = pendingEdgeId(INBOX_NODE, scope);
      return new Footprint().readNode(INBOX_NODE).readNode(scope).readEdge(pe).writeEdge(pe);
    },
    executor: (view, scope, delta) => {
      delta.emit({ op: 'DeleteEdge', warp: view.warpId(), from: INBOX_NODE, edgeId: pendingEdgeId(INBOX_NODE, scope) });
    },
  };
}
