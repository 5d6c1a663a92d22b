/** Inspector slice: the open tab and the details it shows (node, edge, tick, diff). */
import type { StateCreator } from 'zustand/vanilla';
import type { EchoState, InspectorSlice } from '../types';

export const createInspectorSlice: StateCreator<EchoState, [], [], InspectorSlice> = (set) => ({
  inspector: {
    tab: 'node',
    nodeDetail: null,
    edgeDetail: null,
    tickDetail: null,
    diff: null,
    diffPair: null,
    setTab: (tab) => set((st) => ({ inspector: { ...st.inspector, tab } })),
    setNodeDetail: (nodeDetail) => set((st) => ({ inspector: { ...st.inspector, nodeDetail } })),
    setEdgeDetail: (edgeDetail) => set((st) => ({ inspector: { ...st.inspector, edgeDetail } })),
    setTickDetail: (tickDetail) => set((st) => ({ inspector: { ...st.inspector, tickDetail } })),
    setDiff: (diff) => set((st) => ({ inspector: { ...st.inspector, diff } })),
    setDiffPair: (diffPair) => set((st) => ({ inspector: { ...st.inspector, diffPair } })),
  },
});
