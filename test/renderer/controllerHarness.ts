/**
 * Shared harness of the controller tests: a store connected to a real EngineHost through the
 * in-memory bridge (`setup`), torn down by `disposeAll` (register it with `afterEach`), and the
 * from-scratch twin check `sameAsSnapshot` (the store's graph equals the host's whole snapshot).
 */
import { expect } from 'vitest';
import type { GraphSnapshotDto } from '../../engine/contract/index';
import { createEchoStore, type EchoStore } from '../../renderer/state/store';
import { connectBridge, type EchoController } from '../../renderer/state/bridge';
import { elementKey } from '../../renderer/state/keys';
import { fakeBridge, type FakeBridge } from './fakeBridge';

export interface Connected {
  store: EchoStore;
  bridge: FakeBridge;
  c: EchoController;
}

type ConnectOptions = Parameters<typeof connectBridge>[2];

export function controllerHarness(world = 'demo'): { setup(opts?: ConnectOptions): Promise<Connected>; disposeAll(): void } {
  let live: { bridge: FakeBridge; controller: EchoController }[] = [];
  return {
    async setup(opts?: ConnectOptions) {
      const store = createEchoStore();
      const bridge = await fakeBridge(world);
      const c = connectBridge(store, bridge, opts);
      live.push({ bridge, controller: c });
      await c.init();
      return { store, bridge, c };
    },
    disposeAll() {
      for (const x of live) {
        x.controller.dispose();
        x.bridge.host.dispose();
      }
      live = [];
    },
  };
}

/** The store's graph as the host would send it whole (the from-scratch twin). */
export function sameAsSnapshot(store: EchoStore, snap: GraphSnapshotDto): void {
  const g = store.getState().graph;
  expect(g.commit).toBe(snap.commit);
  expect(g.tick).toBe(snap.tick);
  const nodes = Object.fromEntries(snap.nodes.map((n) => [elementKey(n.warp, n.id), n]));
  const edges = Object.fromEntries(snap.edges.map((e) => [elementKey(e.warp, e.id), e]));
  expect(Object.keys(g.nodes).sort()).toEqual(Object.keys(nodes).sort());
  expect(Object.keys(g.edges).sort()).toEqual(Object.keys(edges).sort());
  for (const k of Object.keys(nodes)) expect(g.nodes[k]).toEqual(nodes[k]);
  for (const k of Object.keys(edges)) expect(g.edges[k]).toEqual(edges[k]);
  expect([...g.instances].sort((a, b) => (a.warp < b.warp ? -1 : 1))).toEqual([...snap.instances].sort((a, b) => (a.warp < b.warp ? -1 : 1)));
}
