/**
 * `GraphView`: the read-only window a rule gets onto ONE instance's store (ENGINE-SPEC §2.5).
 *
 * Invariants:
 * - There is no way to reach another instance through a view.
 * - `edgesFrom` yields the bucket in insertion order (warp-core semantics; rules may observe it).
 * - It is an interface, so other backings (e.g. a worker's decoded snapshot) can serve rules unchanged.
 */
import type { GraphStore } from './graph';
import type { EdgeId, NodeId, WarpId } from './ident';
import type { AttachmentValue, EdgeRecord, NodeRecord } from './record';

/** @public */
export interface GraphView {
  warpId(): WarpId;
  node(id: NodeId): NodeRecord | undefined;
  nodeAttachment(id: NodeId): AttachmentValue | undefined;
  edgesFrom(id: NodeId): readonly EdgeRecord[];
  hasEdge(id: EdgeId): boolean;
  edgeAttachment(id: EdgeId): AttachmentValue | undefined;
}

/**
 * A view over a live store. A class (methods on the prototype), not an object of closures: the
 * engine makes one per matched candidate, and one per instance for a tick's executors.
 */
class StoreView implements GraphView {
  constructor(private readonly store: GraphStore) {}
  warpId(): WarpId {
    return this.store.warpId;
  }
  node(id: NodeId): NodeRecord | undefined {
    return this.store.node(id);
  }
  nodeAttachment(id: NodeId): AttachmentValue | undefined {
    return this.store.nodeAttachment(id);
  }
  edgesFrom(id: NodeId): readonly EdgeRecord[] {
    return this.store.edgesFrom(id);
  }
  hasEdge(id: EdgeId): boolean {
    return this.store.hasEdge(id);
  }
  edgeAttachment(id: EdgeId): AttachmentValue | undefined {
    return this.store.edgeAttachment(id);
  }
}

/** A view over a live store. @public */
export function viewOf(store: GraphStore): GraphView {
  return new StoreView(store);
}
