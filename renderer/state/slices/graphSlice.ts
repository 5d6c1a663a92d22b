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
 * - `change` names what the last update touched, so the canvas can apply it imperatively.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { EdgeDto, NodeDto } from '../../../engine/contract/index';
import type { EchoState, GraphSlice, SyncState } from '../types';
import { elementKey } from '../keys';
import { assignTypeIndex } from '../selectors';

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
    change: null,
    sync: FRESH_SYNC,

    applySnapshot: (s, live) =>
      set((st) => {
        const nodes: Record<string, NodeDto> = {};
        const edges: Record<string, EdgeDto> = {};
        for (const n of s.nodes) nodes[elementKey(n.warp, n.id)] = n;
        for (const e of s.edges) edges[elementKey(e.warp, e.id)] = e;
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
            change: { kind: 'reset' },
            // A snapshot re-anchors the chain; the sequence keeps counting.
            sync: { seq: st.graph.sync.seq, ok: true, error: null, deltasApplied: 0 },
          },
        };
      }),

    receiveTick: (e) => {
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
      set((st) => {
        const d = e.delta;
        // Copy a record only when the delta touches it: a 100k-element spread costs ~0.1 s.
        const nodes = d.upsertNodes.length || d.removeNodes.length ? { ...st.graph.nodes } : st.graph.nodes;
        const edges = d.upsertEdges.length || d.removeEdges.length ? { ...st.graph.edges } : st.graph.edges;
        const upsertNodes: string[] = [];
        const removeNodes: string[] = [];
        const upsertEdges: string[] = [];
        const removeEdges: string[] = [];
        let structural = false;
        for (const r of d.removeEdges) {
          const k = elementKey(r.warp, r.id);
          if (k in edges) {
            delete (edges as Record<string, EdgeDto>)[k];
            removeEdges.push(k);
          }
        }
        for (const r of d.removeNodes) {
          const k = elementKey(r.warp, r.id);
          if (k in nodes) {
            delete (nodes as Record<string, NodeDto>)[k];
            removeNodes.push(k);
          }
        }
        if (removeEdges.length || removeNodes.length) structural = true;
        for (const n of d.upsertNodes) {
          const k = elementKey(n.warp, n.id);
          if (!structural && !(k in nodes)) structural = true;
          (nodes as Record<string, NodeDto>)[k] = n;
          upsertNodes.push(k);
        }
        for (const x of d.upsertEdges) {
          const k = elementKey(x.warp, x.id);
          const old = edges[k];
          if (!structural && (!old || old.from !== x.from || old.to !== x.to)) structural = true;
          (edges as Record<string, EdgeDto>)[k] = x;
          upsertEdges.push(k);
        }
        return {
          graph: {
            ...st.graph,
            nodes,
            edges,
            typeIndex: assignTypeIndex(st.graph.typeIndex, d.upsertNodes.map((n) => n.type)),
            commit: d.toCommit,
            tick: e.summary.tick,
            branch: e.summary.branch,
            instances: d.instances.length > 0 ? d.instances : st.graph.instances,
            version: st.graph.version + 1,
            change: { kind: 'delta', upsertNodes, removeNodes, upsertEdges, removeEdges, structural },
            sync: { seq: e.seq, ok: true, error: null, deltasApplied: st.graph.sync.deltasApplied + 1 },
          },
        };
      });
      return 'applied';
    },

    beginResync: () => set((st) => ({ graph: { ...st.graph, resyncing: true } })),
    endResync: () => set((st) => ({ graph: { ...st.graph, resyncing: false } })),
    resetSync: () => set((st) => ({ graph: { ...st.graph, sync: FRESH_SYNC } })),
  },
});
