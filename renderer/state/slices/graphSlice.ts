/**
 * Graph slice: the viewed commit's nodes and edges, keyed by `elementKey(warp, id)`, plus the
 * gapless-chain check over tick events.
 *
 * Invariants:
 * - A tick delta is applied only when it starts at the viewed commit and its `seq` is the previous
 *   one + 1; anything else is a desync (loud, sticky until the next snapshot) — or, when the view
 *   was scrubbed back (not live), a request to resync to the head, which is how the host behaves.
 * - While a snapshot request is in flight (`resyncing`), deltas are covered by it and ignored; the
 *   sequence numbers are still tracked.
 * - `change` names what the last update touched, so the canvas can apply it imperatively;
 *   `shapeVersion` moves only when the shape or the node types changed (what the legend counts).
 * - A big delta may arrive with its records prepared in slices (deltaRecords.ts, by the controller);
 *   they are used only when computed from the current records, else the delta is applied here.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { GraphEdgeDto, GraphNodeDto } from '../../../engine/contract/index';
import type { EchoState, GraphSlice, SyncState } from '../types';
import { elementKey } from '../keys';
import { assignTypeIndex } from '../selectors';
import { applyDelta, runToEnd } from '../deltaRecords';
import { compactEdge, compactNode } from '../compactRecords';

const FRESH_SYNC: SyncState = { seq: null, ok: true, error: null, deltasApplied: 0 };

export const createGraphSlice: StateCreator<EchoState, [], [], GraphSlice> = (set, get) => ({
  graph: {
    loaded: false,
    commit: null,
    tick: 0,
    branch: 'main',
    rootWarp: '',
    rootNode: '',
    instances: [],
    nodes: {},
    edges: {},
    typeIndex: {},
    live: true,
    resyncing: false,
    version: 0,
    shapeVersion: 0,
    change: null,
    sync: FRESH_SYNC,

    applySnapshot: (s, live) =>
      set((st) => {
        const nodes: Record<string, GraphNodeDto> = {};
        const edges: Record<string, GraphEdgeDto> = {};
        for (const n of s.nodes) nodes[elementKey(n.warp, n.id)] = compactNode(n);
        for (const e of s.edges) edges[elementKey(e.warp, e.id)] = compactEdge(e, nodes);
        return {
          graph: {
            ...st.graph,
            loaded: true,
            commit: s.commit,
            tick: s.tick,
            branch: s.branch,
            rootWarp: s.rootWarp,
            rootNode: s.rootNode,
            instances: s.instances,
            nodes,
            edges,
            typeIndex: assignTypeIndex(st.graph.typeIndex, s.nodes.map((n) => n.type)),
            live,
            resyncing: false,
            version: st.graph.version + 1,
            shapeVersion: st.graph.shapeVersion + 1,
            change: { kind: 'reset' },
            // A snapshot re-anchors the chain; the sequence keeps counting.
            sync: { seq: st.graph.sync.seq, ok: true, error: null, deltasApplied: 0 },
          },
        };
      }),

    receiveTick: (e, prepared) => {
      const g = get().graph;
      const prevSeq = g.sync.seq;
      const seqOk = prevSeq === null || e.seq === prevSeq + 1;
      if (g.resyncing) {
        set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq: e.seq } } }));
        return 'ignored';
      }
      if (!seqOk) {
        const error = `event stream gap: expected seq ${prevSeq! + 1}, got ${e.seq} (commit ${e.summary.commit.slice(0, 12)})`;
        set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq: e.seq, ok: false, error } } }));
        return 'desync';
      }
      if (e.delta.fromCommit !== g.commit) {
        if (!g.live) {
          // The host continues the branch head after a scrub-back; follow it with a snapshot.
          set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq: e.seq } } }));
          return 'resync';
        }
        const error = `delta for ${e.delta.toCommit.slice(0, 12)} starts at ${(e.delta.fromCommit ?? 'U0').slice(0, 12)}, but the view is at ${(g.commit ?? 'U0').slice(0, 12)}`;
        set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq: e.seq, ok: false, error } } }));
        return 'desync';
      }
      if (!g.sync.ok) {
        // Sticky: once the chain broke, the view is not trusted until a snapshot re-anchors it.
        set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq: e.seq } } }));
        return 'desync';
      }
      // A result prepared in slices by the controller is used when it was computed on these records.
      const r = prepared && prepared.delta === e.delta && prepared.baseNodes === g.nodes && prepared.baseEdges === g.edges ? prepared : runToEnd(applyDelta(g.nodes, g.edges, g.typeIndex, e.delta));
      set((st) => ({
        graph: {
          ...st.graph,
          nodes: r.nodes,
          edges: r.edges,
          typeIndex: r.typeIndex,
          commit: e.delta.toCommit,
          tick: e.summary.tick,
          branch: e.summary.branch,
          instances: e.delta.instances.length > 0 ? e.delta.instances : st.graph.instances,
          version: st.graph.version + 1,
          shapeVersion: r.shapeChanged ? st.graph.shapeVersion + 1 : st.graph.shapeVersion,
          change: r.change,
          sync: { seq: e.seq, ok: true, error: null, deltasApplied: st.graph.sync.deltasApplied + 1 },
        },
      }));
      return 'applied';
    },

    coverTick: (seq) => set((st) => ({ graph: { ...st.graph, sync: { ...st.graph.sync, seq } } })),

    beginResync: () => set((st) => ({ graph: { ...st.graph, resyncing: true } })),
    endResync: () => set((st) => ({ graph: { ...st.graph, resyncing: false } })),
    resetSync: () => set((st) => ({ graph: { ...st.graph, sync: FRESH_SYNC } })),
  },
});
