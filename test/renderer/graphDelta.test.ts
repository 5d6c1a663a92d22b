/**
 * Tick deltas carry graph records, not attachment values: a value rewrite alone is only counted
 * (`valueChanges`), while a portal flag that flips through a plain SetAttachment (or OpenPortal)
 * re-sends its node, and a deleted instance's elements are listed as removed. Checked against the from-scratch twin — the host's whole snapshot — after
 * every tick of a world built to flip portals (test/support/worlds/portalFlip.ts), and on the
 * motion world, whose ticks change values only.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TickEventDto } from '../../engine/contract/index';
import { makeNodeId, toHex } from '../../engine/index';
import { elementKey } from '../../renderer/state/keys';
import { controllerHarness, sameAsSnapshot } from './controllerHarness';
import { settle } from './fakeBridge';
import { LIVE_DETAIL_MS } from '../../renderer/state/bridge';

const FLIP = fileURLToPath(new URL('../support/worlds/portalFlip.ts', import.meta.url));
const flip = controllerHarness(FLIP);
const motion = controllerHarness('motion');
afterEach(() => {
  flip.disposeAll();
  motion.disposeAll();
});

const ticks = (events: { channel: string; payload: unknown }[]) => events.filter((e) => e.channel === 'echo:tick').map((e) => e.payload as TickEventDto);

describe('graph deltas leave attachment values to the inspector', () => {
  it('a portal flag flipped by SetAttachment reaches the page; value rewrites are counted, not sent', async () => {
    const { store, bridge, c } = await flip.setup();
    const snap0 = await bridge.invoke('echo:graph.snapshot', {});
    const gate = snap0.nodes.find((n) => n.label === 'flip/gate')!;
    const gateKey = elementKey(gate.warp, gate.id);
    const childRootId = toHex(makeNodeId('flip/gate-child-root'));
    const portalAt: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      await c.step(1);
      sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
      portalAt.push(store.getState().graph.nodes[gateKey]!.portal !== undefined);
    }
    // Tick 1 opens the door; then the gate is a portal on every other tick.
    expect(portalAt).toEqual([false, true, false, true, false, true]);
    const evs = ticks(bridge.events);
    expect(evs).toHaveLength(6);
    for (const e of evs) {
      // 5 counters' α and the link's β change every tick and no graph record of theirs does.
      expect(e.delta.valueChanges).toBe(6);
      expect(e.delta.upsertNodes.every((n) => !n.label?.startsWith('flip/counter'))).toBe(true);
      expect(e.delta.upsertEdges).toEqual([]);
      expect(Object.keys(e.delta.upsertNodes[0] ?? {})).not.toContain('attachment');
    }
    // From tick 2 on, each delta lists the gate (its portal flag flipped) and its child's root
    // node: created with the instance, or removed with it (DeleteWarpInstance has no DeleteNode).
    for (const e of evs.slice(2)) {
      expect(e.delta.upsertNodes.filter((n) => n.warp === gate.warp).map((n) => n.id)).toEqual([gate.id]);
      const child = [...e.delta.upsertNodes, ...e.delta.removeNodes].filter((n) => n.warp !== gate.warp);
      expect(child.map((n) => n.id)).toEqual([childRootId]);
    }
  });

  it('forking at a past tick and stepping the fork keeps every delta equal to the snapshot', async () => {
    const { store, bridge, c } = await flip.setup();
    await c.step(4);
    await c.seekTick(2);
    await c.fork('side', store.getState().graph.commit);
    await settle();
    expect(store.getState().timeline.dto?.active).toBe('side');
    for (let i = 0; i < 3; i++) {
      await c.step(1);
      await settle();
      sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    }
    expect(store.getState().graph.tick).toBe(5);
  });

  it('a motion tick rewrites every value and sends no graph record', async () => {
    const { store, bridge, c } = await motion.setup();
    const before = store.getState().graph.nodes;
    await c.step(3);
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    const evs = ticks(bridge.events);
    expect(evs).toHaveLength(3);
    for (const e of evs) {
      expect(e.delta.upsertNodes).toEqual([]);
      expect(e.delta.upsertEdges).toEqual([]);
      expect(e.delta.valueChanges).toBeGreaterThan(0);
    }
    // Nothing on the page changed but the commit it shows.
    expect(store.getState().graph.nodes).toBe(before);
  });

  it('while playing, the selected node\'s values follow the ticks (re-read at most every LIVE_DETAIL_MS)', async () => {
    const { store, bridge, c } = await motion.setup();
    const g = store.getState().graph;
    const entity = Object.values(g.nodes).find((n) => n.id !== g.rootNode)!;
    await c.selectNode(entity.warp, entity.id);
    await settle();
    const first = JSON.stringify(store.getState().inspector.nodeDetail?.node.attachment);
    const before = bridge.calls.filter((x) => x === 'echo:query.node').length;
    const t0 = Date.now();
    await c.play(50);
    await settle(1300);
    const during = bridge.calls.filter((x) => x === 'echo:query.node').length - before;
    const elapsed = Date.now() - t0;
    const seen = JSON.stringify(store.getState().inspector.nodeDetail?.node.attachment);
    await c.pause();
    expect(store.getState().graph.tick).toBeGreaterThan(5);
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(Math.ceil(elapsed / LIVE_DETAIL_MS) + 1);
    // The entity moved, and the inspector showed it moving while playing.
    expect(seen).not.toBe(first);
  });
});
