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

/** A view over a live store. @public */
export function viewOf(store: GraphStore): GraphView {
  return {
    warpId: () => store.warpId,
    node: (id) => store.node(id),
    nodeAttachment: (id) => store.nodeAttachment(id),
    edgesFrom: (id) => store.edgesFrom(id),
    hasEdge: (id) => store.hasEdge(id),
    edgeAttachment: (id) => store.edgeAttachment(id),
  };
}
