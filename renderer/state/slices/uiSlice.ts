/** UI slice: theme, transport state, canvas view options, busy flags, long operations and toasts. */
import type { StateCreator } from 'zustand/vanilla';
import type { EchoState, UiSlice } from '../types';

/** At most this many toasts stay on screen; older ones drop first. */
export const MAX_TOASTS = 5;

export const createUiSlice: StateCreator<EchoState, [], [], UiSlice> = (set, get) => ({
  ui: {
    theme: 'dark',
    world: null,
    playing: false,
    ticksPerSecond: 4,
    stepN: 10,
    search: '',
    filterOnly: false,
    viewWarp: null,
    focusThreshold: 2000,
    hops: 2,
    showAll: false,
    determinism: null,
    busy: {},
    ops: {},
    toasts: [],
    nextToastId: 1,
    searchFocus: 0,
    setTheme: (theme) => set((st) => ({ ui: { ...st.ui, theme } })),
    setWorld: (world) => set((st) => ({ ui: { ...st.ui, world } })),
    setPlaying: (playing, tps) => set((st) => ({ ui: { ...st.ui, playing, ticksPerSecond: tps ?? st.ui.ticksPerSecond } })),
    setTicksPerSecond: (ticksPerSecond) => set((st) => ({ ui: { ...st.ui, ticksPerSecond } })),
    setStepN: (n) => set((st) => ({ ui: { ...st.ui, stepN: Math.max(1, Math.min(10_000, Math.floor(n) || 1)) } })),
    setSearch: (search) => set((st) => ({ ui: { ...st.ui, search } })),
    setFilterOnly: (filterOnly) => set((st) => ({ ui: { ...st.ui, filterOnly } })),
    setViewWarp: (viewWarp) => set((st) => ({ ui: { ...st.ui, viewWarp } })),
    setFocusThreshold: (n) => set((st) => ({ ui: { ...st.ui, focusThreshold: Math.max(1, Math.floor(n) || 1) } })),
    setHops: (n) => set((st) => ({ ui: { ...st.ui, hops: Math.max(0, Math.min(6, Math.floor(n))) } })),
    setShowAll: (showAll) => set((st) => ({ ui: { ...st.ui, showAll } })),
    setDeterminism: (determinism) => set((st) => ({ ui: { ...st.ui, determinism } })),
    setBusy: (key, v) =>
      set((st) => {
        const busy = { ...st.ui.busy };
        if (v) busy[key] = true;
        else delete busy[key];
        return { ui: { ...st.ui, busy } };
      }),
    startOp: (id, label) => set((st) => ({ ui: { ...st.ui, ops: { ...st.ui.ops, [id]: { id, label, done: 0, total: 0, cancelling: false } } } })),
    opProgress: (p) =>
      set((st) => {
        const op = st.ui.ops[p.op];
        if (!op) return {};
        return { ui: { ...st.ui, ops: { ...st.ui.ops, [p.op]: { ...op, label: p.label, done: p.done, total: p.total } } } };
      }),
    markCancelling: (id) =>
      set((st) => {
        const op = st.ui.ops[id];
        return op ? { ui: { ...st.ui, ops: { ...st.ui.ops, [id]: { ...op, cancelling: true } } } } : {};
      }),
    endOp: (id) =>
      set((st) => {
        if (!st.ui.ops[id]) return {};
        const ops = { ...st.ui.ops };
        delete ops[id];
        return { ui: { ...st.ui, ops } };
      }),
    pushToast: (t) => {
      const id = get().ui.nextToastId;
      set((st) => ({ ui: { ...st.ui, nextToastId: id + 1, toasts: [...st.ui.toasts, { ...t, id }].slice(-MAX_TOASTS) } }));
      return id;
    },
    dismissToast: (id) => set((st) => ({ ui: { ...st.ui, toasts: st.ui.toasts.filter((t) => t.id !== id) } })),
    focusSearch: () => set((st) => ({ ui: { ...st.ui, searchFocus: st.ui.searchFocus + 1 } })),
  },
});
