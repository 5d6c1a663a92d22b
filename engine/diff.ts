/**
 * `diff_state(before, after)`: the ops that get HASHED for every commit (ENGINE-SPEC §6.6).
 *
 * Two implementations with one contract:
 * - `diffState(before, after)` walks both whole states (the naive twin, O(graph));
 * - `diffFromJournal(journal, after)` visits only what the tick touched (O(change)), using the
 *   first-touch prior values recorded by the store/state journals.
 * Tests compare them on random op sequences.
 *
 * Contract (reproduced exactly, quirks included):
 * - A new instance whose parent slot holds `Descend(it)` and whose store holds its root becomes one
 *   `OpenPortal{Empty{root record}}`; its root-node upsert and the slot's SetAttachment are folded in.
 * - Deleted instances → DeleteWarpInstance; new (non-portal) or changed instances → UpsertWarpInstance.
 * - Per store in `after`: DeleteNode / UpsertNode by record; SetAttachment for nodes still present
 *   whose value changed (cascaded attachments are never emitted); DeleteEdge / UpsertEdge by edge
 *   id (a changed `from` emits DeleteEdge under the OLD from first); SetAttachment for edges still
 *   present whose value changed. A re-parented edge that keeps its attachment emits no
 *   SetAttachment (warp-core's known replay divergence).
 * - Result is ordered by op sort key; no two ops share a key.
 */
import { fromHex, toHex } from './bytes';
import { EngineError } from './errors';
import type { GraphStore } from './graph';
import type { EdgeId, IdHex, NodeId, WarpId } from './ident';
import {
  attachmentSortKey,
  attachmentValuesEqual,
  edgeRecordsEqual,
  nodeRecordsEqual,
  type AttachmentKey,
  type AttachmentValue,
  type EdgeRecord,
  type NodeRecord,
} from './record';
import { canonicalizeOps, type WarpOp } from './tickDelta';
import { attachmentAt, instancesEqual, type StateJournal, type WarpInstance, type WarpState } from './warpState';

interface PortalSkips {
  readonly nodes: Set<string>; // warpHex + nodeHex
  readonly attachments: Set<string>; // attachmentSortKey
}

function portalOp(after: WarpState, inst: WarpInstance, skips: PortalSkips): WarpOp | null {
  if (!inst.parent) return null;
  const v = attachmentAt(after, inst.parent);
  if (!v || v.kind !== 'descend' || toHex(v.warp) !== toHex(inst.warpId)) return null;
  const store = after.store(inst.warpId);
  if (!store) return null;
  const rootRec = store.node(inst.rootNode);
  if (!rootRec) return null;
  skips.nodes.add(toHex(inst.warpId) + toHex(inst.rootNode));
  skips.attachments.add(attachmentSortKey(inst.parent));
  return { op: 'OpenPortal', key: inst.parent, childWarp: inst.warpId, childRoot: inst.rootNode, init: { kind: 'empty', rootRecord: rootRec } };
}

/** Emits the per-id node, attachment and edge ops for one store, given before-lookups. */
function diffStoreKeys(
  ops: WarpOp[],
  warp: WarpId,
  after: GraphStore,
  skips: PortalSkips,
  nodeKeys: Iterable<IdHex>,
  beforeNode: (k: IdHex) => NodeRecord | undefined,
  nodeAttKeys: Iterable<IdHex>,
  beforeNodeAtt: (k: IdHex) => AttachmentValue | undefined,
  edgeKeys: Iterable<IdHex>,
  beforeEdge: (k: IdHex) => EdgeRecord | undefined,
  edgeAttKeys: Iterable<IdHex>,
  beforeEdgeAtt: (k: IdHex) => AttachmentValue | undefined,
): void {
  const wHex = toHex(warp);
  for (const k of nodeKeys) {
    if (skips.nodes.size > 0 && skips.nodes.has(wHex + k)) continue;
    const b = beforeNode(k);
    const a = after.nodeByHex(k);
    const local = fromHex(k) as NodeId;
    if (b && !a) ops.push({ op: 'DeleteNode', node: { warp, local } });
    else if (a && !nodeRecordsEqual(a, b)) ops.push({ op: 'UpsertNode', node: { warp, local }, record: a });
  }
  for (const k of nodeAttKeys) {
    if (!after.nodeByHex(k)) continue;
    const b = beforeNodeAtt(k);
    const a = after.nodeAttachmentByHex(k);
    if (attachmentValuesEqual(a, b)) continue;
    const key: AttachmentKey = { owner: 'node', warp, local: fromHex(k), plane: 'alpha' };
    // The skip set is almost always empty: no sort key is built for it then.
    if (skips.attachments.size > 0 && skips.attachments.has(attachmentSortKey(key))) continue;
    ops.push({ op: 'SetAttachment', key, value: a ?? null });
  }
  for (const k of edgeKeys) {
    const b = beforeEdge(k);
    const a = after.edgeByHex(k);
    if (b && !a) ops.push({ op: 'DeleteEdge', warp, from: b.from, edgeId: b.id });
    else if (a && !b) ops.push({ op: 'UpsertEdge', warp, record: a });
    else if (a && b && !edgeRecordsEqual(a, b)) {
      if (toHex(a.from) !== toHex(b.from)) ops.push({ op: 'DeleteEdge', warp, from: b.from, edgeId: b.id });
      ops.push({ op: 'UpsertEdge', warp, record: a });
    }
  }
  for (const k of edgeAttKeys) {
    if (!after.edgeByHex(k)) continue;
    const b = beforeEdgeAtt(k);
    const a = after.edgeAttachmentByHex(k);
    if (attachmentValuesEqual(a, b)) continue;
    const key: AttachmentKey = { owner: 'edge', warp, local: fromHex(k) as EdgeId, plane: 'beta' };
    if (skips.attachments.size > 0 && skips.attachments.has(attachmentSortKey(key))) continue;
    ops.push({ op: 'SetAttachment', key, value: a ?? null });
  }
}

function diffWholeStore(ops: WarpOp[], warp: WarpId, before: GraphStore | undefined, after: GraphStore, skips: PortalSkips): void {
  const nodeKeys = new Set<IdHex>(after.nodeIdsSorted());
  const edgeKeys = new Set<IdHex>(after.edgeIdsSorted());
  if (before) {
    for (const k of before.nodeIdsSorted()) nodeKeys.add(k);
    for (const k of before.edgeIdsSorted()) edgeKeys.add(k);
  }
  diffStoreKeys(
    ops,
    warp,
    after,
    skips,
    nodeKeys,
    (k) => before?.nodeByHex(k),
    after.nodeIdsSorted(),
    (k) => before?.nodeAttachmentByHex(k),
    edgeKeys,
    (k) => before?.edgeByHex(k),
    after.edgeIdsSorted(),
    (k) => before?.edgeAttachmentByHex(k),
  );
}

/** The naive twin: diff two whole states. @public */
export function diffState(before: WarpState, after: WarpState): WarpOp[] {
  const ops: WarpOp[] = [];
  const skips: PortalSkips = { nodes: new Set(), attachments: new Set() };
  const portalWarps = new Set<string>();
  for (const [k, inst] of after.instances.sortedEntries()) {
    if (before.instances.has(k)) continue;
    const p = portalOp(after, inst, skips);
    if (p) {
      ops.push(p);
      portalWarps.add(k);
    }
  }
  for (const [k, inst] of before.instances.sortedEntries()) {
    if (!after.instances.has(k)) ops.push({ op: 'DeleteWarpInstance', warp: inst.warpId });
  }
  for (const [k, inst] of after.instances.sortedEntries()) {
    const prev = before.instances.get(k);
    if (!prev) {
      if (!portalWarps.has(k)) ops.push({ op: 'UpsertWarpInstance', instance: inst });
    } else if (!instancesEqual(prev, inst)) ops.push({ op: 'UpsertWarpInstance', instance: inst });
  }
  for (const [k, store] of after.stores.sortedEntries()) {
    diffWholeStore(ops, store.warpId, before.stores.get(k), store, skips);
  }
  return canonicalizeOps(ops);
}

/** The O(change) diff from a tick's journal (same contract as `diffState`). @public */
export function diffFromJournal(j: StateJournal, after: WarpState): WarpOp[] {
  const ops: WarpOp[] = [];
  const skips: PortalSkips = { nodes: new Set(), attachments: new Set() };
  const portalWarps = new Set<string>();
  const touchedInstances = Array.from(j.instances.keys()).sort();
  for (const k of touchedInstances) {
    const inst = after.instances.get(k);
    if (!inst || j.instances.get(k)) continue;
    const p = portalOp(after, inst, skips);
    if (p) {
      ops.push(p);
      portalWarps.add(k);
    }
  }
  for (const k of touchedInstances) {
    const prev = j.instances.get(k);
    const inst = after.instances.get(k);
    if (prev && !inst) ops.push({ op: 'DeleteWarpInstance', warp: prev.warpId });
    else if (inst && !prev) {
      if (!portalWarps.has(k)) ops.push({ op: 'UpsertWarpInstance', instance: inst });
    } else if (inst && prev && !instancesEqual(prev, inst)) ops.push({ op: 'UpsertWarpInstance', instance: inst });
  }
  const storeKeys = new Set<string>([...j.stores.keys(), ...j.storeJournals.keys()]);
  for (const k of Array.from(storeKeys).sort()) {
    const store = after.stores.get(k);
    if (!store) continue;
    const touchedAtStateLevel = j.stores.has(k);
    const prior = touchedAtStateLevel ? j.stores.get(k) : store;
    if (!prior) {
      diffWholeStore(ops, store.warpId, undefined, store, skips);
      continue;
    }
    if (prior !== store) throw new EngineError('InternalCorruption', `store ${k} was replaced by another object within one tick`);
    const sj = j.storeJournals.get(k);
    if (!sj) throw new EngineError('InternalCorruption', `store ${k} has no journal`);
    diffStoreKeys(
      ops,
      store.warpId,
      store,
      skips,
      sj.nodes.keys(),
      (x) => sj.nodes.get(x),
      sj.nodeAttachments.keys(),
      (x) => (sj.nodeAttachments.has(x) ? sj.nodeAttachments.get(x) : store.nodeAttachmentByHex(x)),
      sj.edges.keys(),
      (x) => sj.edges.get(x),
      sj.edgeAttachments.keys(),
      (x) => (sj.edgeAttachments.has(x) ? sj.edgeAttachments.get(x) : store.edgeAttachmentByHex(x)),
    );
  }
  return canonicalizeOps(ops);
}
