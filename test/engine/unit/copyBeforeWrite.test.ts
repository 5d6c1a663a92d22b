/**
 * The engine's initial state (U0) is copied lazily (engine/copyBeforeWrite.ts): whatever the first
 * change is — a tick, a direct edit, or a caller writing to the store or the instance table behind
 * the engine's back through any mutator — `initial()` is the state at construction, byte for byte.
 * Checked against an eager copy taken at construction (the naive twin).
 */
import { describe, expect, it } from 'vitest';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import { CopyBeforeWrite } from '../../../engine/copyBeforeWrite';
import { atom, Engine, GraphStore, makeEdgeId, makeNodeId, makeTypeId, makeWarpId, WarpState, type NodeId } from '../../../engine/index';
import { motionRule } from '../../../engine/rules/motion';
import { encodeMotionAtomPayload } from '../../../engine/payload';

const ty = makeTypeId('t');
const n = (s: string): NodeId => makeNodeId(s);

function world(): { engine: Engine; store: GraphStore; eager: Uint8Array } {
  const store = new GraphStore();
  store.insertNode(n('root'), { ty });
  for (let i = 0; i < 4; i++) {
    store.insertNode(n(`e${i}`), { ty: makeTypeId('entity') });
    store.setNodeAttachment(n(`e${i}`), encodeMotionAtomPayload([i, 0, 0], [1, 0, 0]));
    store.insertEdge(n('root'), { id: makeEdgeId(`r-e${i}`), from: n('root'), to: n(`e${i}`), ty });
  }
  store.setEdgeAttachment(makeEdgeId('r-e0'), atom(makeTypeId('w'), Uint8Array.of(1, 2, 3)));
  const engine = new Engine(store, n('root'));
  engine.registerRule(motionRule());
  return { engine, store: engine.rootStore, eager: encodeWarpState(engine.warpState.clone()) };
}

const u0 = (e: Engine) => encodeWarpState(e.initial());

describe('lazy initial state (copy before write)', () => {
  const firstWrites: Array<[string, (e: Engine, s: GraphStore) => void]> = [
    ['insertNode', (_e, s) => s.insertNode(n('new'), { ty })],
    ['insertEdge', (_e, s) => s.insertEdge(n('e1'), { id: makeEdgeId('x'), from: n('e1'), to: n('e2'), ty })],
    ['re-point an edge', (_e, s) => s.insertEdge(n('e3'), { id: makeEdgeId('r-e0'), from: n('e3'), to: n('e1'), ty })],
    ['deleteEdgeExact', (_e, s) => void s.deleteEdgeExact(n('root'), makeEdgeId('r-e1'))],
    ['deleteNodeCascade', (_e, s) => void s.deleteNodeCascade(n('e2'))],
    ['setNodeAttachment', (_e, s) => s.setNodeAttachment(n('e0'), null)],
    ['setEdgeAttachment', (_e, s) => s.setEdgeAttachment(makeEdgeId('r-e0'), null)],
    ['upsertInstance', (e) => e.warpState.upsertInstance({ warpId: makeWarpId('child'), rootNode: n('c'), parent: null }, new GraphStore())],
    ['deleteInstance', (e) => void e.warpState.deleteInstance(e.root.warp)],
    ['takeOrCreateStore', (e) => void e.warpState.takeOrCreateStore(e.root.warp)],
    ['the root store adopted by another state', (e, s) => {
      new WarpState().upsertInstance({ warpId: makeWarpId('elsewhere'), rootNode: n('root'), parent: null }, s);
      expect(e.initial().store(e.root.warp)!.warpId).toEqual(e.root.warp);
    }],
    ['a tick', (e) => {
      const tx = e.begin();
      for (let i = 0; i < 4; i++) e.apply(tx, 'motion/update', n(`e${i}`));
      e.commit(tx);
    }],
  ];

  for (const [what, write] of firstWrites) {
    it(`initial() is the construction state after a first write by ${what}`, () => {
      const { engine, store, eager } = world();
      write(engine, store);
      expect(Buffer.from(u0(engine)).equals(Buffer.from(eager))).toBe(true);
      // The write happened (two of them change what the state encoding does not cover: a store
      // taken out, a store's warp id reassigned by another state).
      if (!['takeOrCreateStore', 'the root store adopted by another state'].includes(what)) {
        expect(Buffer.from(encodeWarpState(engine.warpState)).equals(Buffer.from(eager))).toBe(false);
      }
    });
  }

  it('a read-only engine never copies; asking for U0 copies once, and later writes do not reach it', () => {
    const { engine, store, eager } = world();
    const lazy = (engine as unknown as { initialState: CopyBeforeWrite }).initialState;
    engine.snapshot();
    expect(lazy.taken).toBe(false);
    const a = engine.initial();
    expect(lazy.taken).toBe(true);
    store.insertNode(n('later'), { ty });
    expect(engine.initial()).toBe(a);
    expect(Buffer.from(u0(engine)).equals(Buffer.from(eager))).toBe(true);
  });

  it('jumpToTick replays from the construction state (tick 0 = after the first commit)', () => {
    const { engine } = world();
    const after: Uint8Array[] = [];
    for (let t = 0; t < 3; t++) {
      const tx = engine.begin();
      for (let i = 0; i < 4; i++) engine.apply(tx, 'motion/update', n(`e${i}`));
      engine.commit(tx);
      after.push(encodeWarpState(engine.warpState.clone()));
    }
    for (const t of [0, 2, 1]) {
      engine.jumpToTick(t);
      expect(Buffer.from(encodeWarpState(engine.warpState)).equals(Buffer.from(after[t]!))).toBe(true);
    }
  });

  it('two engines over one store each keep their own construction state', () => {
    const { engine: a, store } = world();
    const before = encodeWarpState(a.warpState.clone());
    const b = new Engine(store, n('root'));
    store.insertNode(n('shared-write'), { ty });
    expect(Buffer.from(u0(a)).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(u0(b)).equals(Buffer.from(before))).toBe(true);
  });
});
