/**
 * The renderer's one store (STYLE.md item 11): a framework-free zustand store built from five
 * slices — graph, timeline, selection, inspector, ui. Usable outside React and resettable in tests
 * (`createEchoStore()` per test). React binds to it through `useEcho` (hooks.ts); bridge events
 * enter it only in `bridge.ts`, through slice actions.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EchoState } from './types';
import { createGraphSlice } from './slices/graphSlice';
import { createTimelineSlice } from './slices/timelineSlice';
import { createSelectionSlice } from './slices/selectionSlice';
import { createInspectorSlice } from './slices/inspectorSlice';
import { createUiSlice } from './slices/uiSlice';

export type EchoStore = StoreApi<EchoState>;

/** A fresh store (tests make one per test; the app makes one at startup). */
export function createEchoStore(): EchoStore {
  return createStore<EchoState>()((...a) => ({
    ...createGraphSlice(...a),
    ...createTimelineSlice(...a),
    ...createSelectionSlice(...a),
    ...createInspectorSlice(...a),
    ...createUiSlice(...a),
  }));
}

/** The app's store instance. */
export const echoStore: EchoStore = createEchoStore();

export type { EchoState } from './types';
