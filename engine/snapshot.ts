/**
 * Snapshots: the state root, the commit id (commit hash v2) and the `Snapshot` record
 * (ENGINE-SPEC §7.1, §7.2, §8.1).
 *
 * Frozen — changing any of this changes every hash:
 * - state root = H( root.warp ‖ root.local ‖ for each reachable warp W ascending (instance and
 *   store present): W ‖ root_node ‖ PARENT ‖ [reachable nodes ascending: N ‖ ty ‖ AV?]
 *   ‖ [reachable bucket sources F ascending: F ‖ u64le(|L|) ‖ for e in L by id: id ‖ ty ‖ to ‖ AV?] )
 *   where L = the bucket's edges to reachable targets; PARENT = 00 | 01 ‖ AK. No counts of nodes or
 *   instances, no separators, no version tag, no domain prefix (at d7bf2740).
 * - Reachability: BFS from the root over `edgesFrom` within an instance, plus `Descend(c)` on any
 *   reached node or traversed edge, which reaches instance c's root. Targets count as reached even
 *   without a node record (dangling edges).
 * - commit id v2 = H( u16le(2) ‖ u64le(N) ‖ parents(32·N) ‖ state_root ‖ patch_digest ‖ u32le(policy) ).
 */
import { ByteWriter, toHex } from './bytes';
import { writeAttachmentKey, writeAttachmentValueOpt } from './codec/canonical';
import { defaultBlake3, type Blake3 } from './hash';
import type { Hash, IdHex, NodeId, WarpId } from './ident';
import type { NodeKey } from './record';
import type { WarpState } from './warpState';

/** An immutable commit record. @public */
export interface Snapshot {
  readonly root: NodeKey;
  /** Commit id v2. */
  readonly hash: Hash;
  readonly stateRoot: Hash;
  readonly parents: readonly Hash[];
  readonly planDigest: Hash;
  readonly decisionDigest: Hash;
  readonly rewritesDigest: Hash;
  readonly patchDigest: Hash;
  readonly policyId: number;
  readonly tx: number;
}

/** Nodes reachable from `root`, grouped by warp (hex → set of node hex). @public */
export function reachability(state: WarpState, root: NodeKey): Map<IdHex, Set<IdHex>> {
  const reach = new Map<IdHex, Set<IdHex>>();
  // The queue as two flat arrays (warp, node), not an array of pairs: a 1M-node graph would
  // otherwise hold a million two-element arrays while it walks.
  const queueW: IdHex[] = [];
  const queueN: IdHex[] = [];
  const add = (w: IdHex, n: IdHex): void => {
    let s = reach.get(w);
    if (!s) {
      s = new Set();
      reach.set(w, s);
    }
    if (!s.has(n)) {
      s.add(n);
      queueW.push(w);
      queueN.push(n);
    }
  };
  const descend = (c: WarpId): void => {
    const ck = toHex(c);
    if (!reach.has(ck)) reach.set(ck, new Set());
    const inst = state.instances.get(ck);
    if (inst) add(ck, toHex(inst.rootNode));
  };
  add(toHex(root.warp), toHex(root.local));
  for (let qi = 0; qi < queueN.length; qi++) {
    const w = queueW[qi]!;
    const n = queueN[qi]!;
    const store = state.stores.get(w);
    if (!store) continue;
    const edgePortals = store.hasDescendEdges;
    for (const e of store.edgesFromHex(n)) {
      add(w, toHex(e.to));
      if (!edgePortals) continue;
      const ea = store.edgeAttachment(e.id);
      if (ea && ea.kind === 'descend') descend(ea.warp);
    }
    if (!store.hasDescendNodes) continue;
    const na = store.nodeAttachmentByHex(n);
    if (na && na.kind === 'descend') descend(na.warp);
  }
  return reach;
}

/** `compute_state_root(state, root)` — the full O(reachable graph) computation. @public */
export function computeStateRoot(state: WarpState, root: NodeKey, hasher: Blake3 = defaultBlake3): Hash {
  const reach = reachability(state, root);
  const stream = hasher.stream();
  const w = new ByteWriter(1 << 16, stream);
  w.bytes(root.warp).bytes(root.local);
  const warps = Array.from(reach.keys()).sort();
  for (const wk of warps) {
    const inst = state.instances.get(wk);
    const store = state.stores.get(wk);
    if (!inst || !store) continue;
    const nodes = reach.get(wk)!;
    w.hexBytes(wk).bytes(inst.rootNode);
    if (inst.parent) {
      w.u8(1);
      writeAttachmentKey(w, inst.parent);
    } else w.u8(0);
    const allNodes = store.nodeIdsSorted();
    if (nodes.size * 8 < allNodes.length) {
      for (const nk of Array.from(nodes).sort()) {
        const rec = store.nodeByHex(nk);
        if (!rec) continue;
        w.hexBytes(nk).bytes(rec.ty);
        writeAttachmentValueOpt(w, store.nodeAttachmentByHex(nk));
      }
    } else {
      for (const nk of allNodes) {
        if (!nodes.has(nk)) continue;
        const rec = store.nodeByHex(nk)!;
        w.hexBytes(nk).bytes(rec.ty);
        writeAttachmentValueOpt(w, store.nodeAttachmentByHex(nk));
      }
    }
    const sources = store.bucketSourcesSorted();
    const emitBucket = (fk: IdHex): void => {
      // L = the bucket's edges to reachable targets — every edge of a reachable source: the walk in
      // `reachability` adds each such edge's target to this warp's set. So no per-edge filter.
      const bucket = store.edgesFromHex(fk);
      const list = bucket.length > 1 ? bucket.slice().sort((a, b) => compareIds(a.id, b.id)) : bucket;
      w.hexBytes(fk).u64(list.length);
      for (const e of list) {
        w.bytes(e.id).bytes(e.ty).bytes(e.to);
        writeAttachmentValueOpt(w, store.edgeAttachment(e.id));
      }
    };
    if (nodes.size * 8 < sources.length) {
      for (const fk of Array.from(nodes).sort()) if (store.edgesFromHex(fk).length > 0) emitBucket(fk);
    } else {
      for (const fk of sources) if (nodes.has(fk)) emitBucket(fk);
    }
  }
  w.flush();
  return stream.digest();
}

function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Commit hash v2 (78 + 32·N bytes of preimage). @public */
export function computeCommitHashV2(stateRoot: Hash, parents: readonly Hash[], patchDigest: Hash, policyId: number): Hash {
  const w = new ByteWriter(78 + 32 * parents.length);
  w.u16(2).u64(parents.length);
  for (const p of parents) w.bytes(p);
  w.bytes(stateRoot).bytes(patchDigest).u32(policyId);
  return defaultBlake3.hash(w.written());
}

/** Node key of a root, for convenience. @public */
export const rootKey = (warp: WarpId, local: NodeId): NodeKey => ({ warp, local });
