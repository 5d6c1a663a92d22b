/**
 * Graph builders for the REFERENCE §3 workloads. Stores are filled BEFORE `new Engine(store, root)`
 * (same state as warp-core's direct edits after `Engine::new`, without recording 3N direct edits in
 * the history); the P1 1k checksum proves the equivalence.
 */
import {
  Engine,
  GraphStore,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  type Blake3,
  type Blake3Stream,
  type NodeId,
} from '../engine/index';
import { encodeMotionAtomPayload } from '../engine/payload';
import { motionRule } from '../engine/rules/motion';

export interface Built {
  readonly engine: Engine;
  readonly store: GraphStore;
  readonly root: NodeId;
  readonly ids: NodeId[];
}

/** Demo engine + P1 motion entities (pos = [i, 0, 0], vel = [1, 0, 0]), all linked from world-root. */
export function buildMotion(n: number): Built {
  const store = new GraphStore();
  const root = makeNodeId('world-root');
  store.insertNode(root, { ty: makeTypeId('world') });
  const entityTy = makeTypeId('entity');
  const edgeTy = makeTypeId('edge:entity');
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++) {
    const id = makeNodeId(`ent-${i}`);
    ids.push(id);
    store.insertNode(id, { ty: entityTy });
    store.setNodeAttachment(id, encodeMotionAtomPayload([i, 0, 0], [1, 0, 0]));
    store.insertEdge(root, { id: makeEdgeId(`world-root->ent-${i}`), from: root, to: id, ty: edgeTy });
  }
  const engine = new Engine(store, root);
  engine.registerRule(motionRule());
  return { engine, store: engine.rootStore, root, ids };
}

/** The P2 chain store: root → ent-0 → ent-1 → … (ty "link"), no attachments. */
export function buildChainStore(n: number): { store: GraphStore; root: NodeId; ids: NodeId[] } {
  const store = new GraphStore();
  const root = makeNodeId('root');
  store.insertNode(root, { ty: makeTypeId('world') });
  const entityTy = makeTypeId('entity');
  const linkTy = makeTypeId('link');
  const ids: NodeId[] = [];
  let prev = root;
  let prevName = 'root';
  for (let i = 0; i < n; i++) {
    const name = `ent-${i}`;
    const id = makeNodeId(name);
    ids.push(id);
    store.insertNode(id, { ty: entityTy });
    store.insertEdge(prev, { id: makeEdgeId(`edge-${prevName}-to-${name}`), from: prev, to: id, ty: linkTy });
    prev = id;
    prevName = name;
  }
  return { store, root, ids };
}

/** Demo engine (world-root + motion rule) with N unlinked `sched-ent-i` nodes (P3). */
export function buildSchedulerWorld(n: number): Built {
  const store = new GraphStore();
  const root = makeNodeId('world-root');
  store.insertNode(root, { ty: makeTypeId('world') });
  const entityTy = makeTypeId('entity');
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++) {
    const id = makeNodeId(`sched-ent-${i}`);
    ids.push(id);
    store.insertNode(id, { ty: entityTy });
  }
  const engine = new Engine(store, root);
  engine.registerRule(motionRule());
  return { engine, store: engine.rootStore, root, ids };
}

/** A hasher wrapper that counts the bytes and update() calls it sees (not for timed runs). */
export function countingHasher(inner: Blake3): { hasher: Blake3; bytes: () => number; updates: () => number } {
  let bytes = 0;
  let updates = 0;
  const hasher: Blake3 = {
    name: `${inner.name} (counting)`,
    hash(d) {
      bytes += d.length;
      updates++;
      return inner.hash(d);
    },
    stream(): Blake3Stream {
      const s = inner.stream();
      return {
        update(d) {
          bytes += d.length;
          updates++;
          s.update(d);
        },
        digest: () => s.digest(),
      };
    },
  };
  return { hasher, bytes: () => bytes, updates: () => updates };
}

/** Hashes `total` bytes as a stream of `chunk`-byte updates (the ByteWriter pattern); returns ms. */
export function rawStreamHashMs(h: Blake3, buf: Uint8Array, total: number): number {
  const t0 = performance.now();
  const s = h.stream();
  let left = total;
  while (left > 0) {
    const take = Math.min(left, buf.length);
    s.update(take === buf.length ? buf : buf.subarray(0, take));
    left -= take;
  }
  s.digest();
  return performance.now() - t0;
}
