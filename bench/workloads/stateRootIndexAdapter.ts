/**
 * Adapter from the bench to engine/stateRootIndex.ts (`StateRootIndex`: rebuild / update /
 * invalidate). Returns null when the module is absent.
 *
 * A change is made the way a tick makes it: inside a `WarpState` journal (`beginJournal` …
 * `endJournal`), then `update(state, root, journal)`; only `update` is timed.
 */
import type { AttachmentValue, Engine, Hash, NodeId, NodeKey, WarpState } from '../../engine/index';
import type { StateJournal } from '../../engine/warpState';
import { importOptional } from '../optional';

interface IndexLike {
  rebuild(state: WarpState, root: NodeKey): Hash;
  update(state: WarpState, root: NodeKey, journal: StateJournal): Hash;
  root(): Hash;
  readonly stats: Readonly<Record<string, number>>;
}

interface IndexModule {
  StateRootIndex: new () => IndexLike;
}

export interface IncrementalSession {
  /** Full build of the index from the engine's current state; returns ms. */
  rebuild(): number;
  /** Sets `node`'s α attachment (journaled) and brings the index up to date; returns ms of `update` only. */
  change(node: NodeId, value: AttachmentValue): number;
  /** The index's current state root. */
  root(): Hash;
  /** The index's own counters (which update path ran). */
  stats(): Readonly<Record<string, number>>;
}

export interface IncrementalIndex {
  open(engine: Engine): IncrementalSession;
}

export async function loadStateRootIndex(): Promise<IncrementalIndex | null> {
  const mod = await importOptional<IndexModule>('engine/stateRootIndex.ts');
  if (!mod || typeof mod.StateRootIndex !== 'function') return null;
  return {
    open(engine) {
      const idx = new mod.StateRootIndex();
      const state = engine.warpState;
      const root = engine.root;
      return {
        rebuild() {
          const t0 = performance.now();
          idx.rebuild(state, root);
          return performance.now() - t0;
        },
        change(node, value) {
          const j = state.beginJournal();
          try {
            engine.rootStore.setNodeAttachment(node, value);
          } finally {
            state.endJournal();
          }
          const t0 = performance.now();
          idx.update(state, root, j);
          return performance.now() - t0;
        },
        root: () => idx.root(),
        stats: () => ({ ...idx.stats }),
      };
    },
  };
}
