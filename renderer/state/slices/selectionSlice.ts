/** Selection slice: the selected node or edge, and the selected candidate of the viewed tick. */
import type { StateCreator } from 'zustand/vanilla';
import type { EchoState, SelectionSlice } from '../types';

export const createSelectionSlice: StateCreator<EchoState, [], [], SelectionSlice> = (set) => ({
  selection: {
    node: null,
    edge: null,
    candidate: null,
    selectNode: (warp, id) => set((st) => ({ selection: { ...st.selection, node: { warp, id }, edge: null } })),
    selectEdge: (warp, id) => set((st) => ({ selection: { ...st.selection, edge: { warp, id }, node: null } })),
    selectCandidate: (i) => set((st) => ({ selection: { ...st.selection, candidate: i } })),
    clear: () => set((st) => ({ selection: { ...st.selection, node: null, edge: null, candidate: null } })),
  },
});
