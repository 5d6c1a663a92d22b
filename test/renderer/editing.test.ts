/**
 * The controller's editing and long-operation commands against a real EngineHost (in-memory
 * bridge): edge selection fetches `echo:query.edge`; edits and intents are committed by the host
 * and reach the store only through the normal tick stream (the naive twin — the host's whole
 * snapshot — matches after each); long operations register an op with progress and disappear
 * when they answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { elementKey } from '../../renderer/state/keys';
import { syncBadge } from '../../renderer/state/selectors';
import { settle } from './fakeBridge';
import { controllerHarness, sameAsSnapshot } from './controllerHarness';

const harness = controllerHarness();
const setup = harness.setup;
afterEach(() => harness.disposeAll());

describe('controller: edits, intents, edge detail, long operations', () => {
  it('selecting an edge loads its detail (record, β attachment, provenance)', async () => {
    const { store, c } = await setup();
    const e = Object.values(store.getState().graph.edges).find((x) => x.label === 'demo/world->room')!;
    await c.selectEdge(e.warp, e.id);
    const d = store.getState().inspector.edgeDetail;
    expect(d?.edge).toMatchObject({ id: e.id, from: e.from, to: e.to, attachment: null });
    expect(d?.provenance).toEqual([]);
    expect(store.getState().selection.edge).toEqual({ warp: e.warp, id: e.id });
    expect(store.getState().inspector.tab).toBe('node');
  });

  it('edits are committed as the next tick and arrive through the delta stream; the view stays in sync with the host', async () => {
    const { store, bridge, c } = await setup();
    await c.step(2);
    const g = store.getState().graph;
    const world = g.nodes[elementKey(g.rootWarp, g.rootNode)]!;
    await c.selectNode(world.warp, world.id);
    const r = await c.applyEdits([{ kind: 'setAttachment', owner: 'node', warp: world.warp, id: world.id, value: { codec: 'demo/heat', value: { heat: 12 } } }]);
    expect(r?.summary.tick).toBe(3);
    await settle();
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    // The graph record carries no value; the inspector's detail (asked of the host) has it.
    expect(store.getState().graph.nodes[elementKey(world.warp, world.id)]).not.toHaveProperty('attachment');
    expect(store.getState().inspector.nodeDetail?.node.attachment).toMatchObject({ decoded: { heat: 12 } });
    expect(syncBadge(store.getState()).level).toBe('ok');
    expect(bridge.calls.filter((x) => x === 'echo:graph.snapshot')).toHaveLength(2); // init + the twin above: no resync

    // Add a child, then delete it: the selection of a deleted node is cleared.
    const add = await c.applyEdits([
      { kind: 'addNode', warp: world.warp, name: 'probe', typeName: 'user/probe' },
      { kind: 'addEdge', warp: world.warp, from: world.id, toName: 'probe', name: 'probe/in', typeName: 'user/child' },
    ]);
    await settle();
    const probe = add!.created[0]!;
    expect(store.getState().graph.nodes[elementKey(world.warp, probe)]).toMatchObject({ label: 'probe', reachable: true });
    await c.selectNode(world.warp, probe);
    await c.applyEdits([{ kind: 'deleteNode', warp: world.warp, id: probe }]);
    await settle();
    expect(store.getState().selection.node).toBeNull();
    expect(store.getState().graph.nodes[elementKey(world.warp, probe)]).toBeUndefined();
    expect(store.getState().graph.edges[elementKey(world.warp, add!.created[1]!)]).toBeUndefined();
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));

    // A refused edit is a toast and changes nothing.
    const before = store.getState().graph.commit;
    expect(await c.applyEdits([{ kind: 'deleteNode', warp: world.warp, id: world.id }])).toBeUndefined();
    expect(store.getState().ui.toasts.at(-1)).toMatchObject({ level: 'error', code: 'NotAllowed' });
    expect(store.getState().graph.commit).toBe(before);
  });

  it('ingests an intent (committed, in sync) and verifies green afterwards', async () => {
    const { store, bridge, c } = await setup();
    const r = await c.ingestIntent('68656c6c6f');
    expect(r?.disposition).toBe('accepted');
    await settle();
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    await c.verify();
    expect(store.getState().timeline.verify['main']).toMatchObject({ ok: true, count: 1 });
  });

  it('long operations register an op with progress while they run and drop it when they answer', async () => {
    const { store, bridge, c } = await setup();
    const seen: string[] = [];
    const off = store.subscribe((s) => {
      for (const op of Object.values(s.ui.ops)) seen.push(`${op.label}:${op.total}`);
    });
    await c.step(20);
    await c.checkDeterminism();
    off();
    expect(store.getState().ui.ops).toEqual({});
    expect(seen).toContain('step 20:0');
    expect(seen.some((x) => x === 'step 20:20')).toBe(true);
    const progress = bridge.events.filter((e) => e.channel === 'echo:op.progress').map((e) => e.payload as { op: string; label: string });
    expect(progress.some((p) => p.op.startsWith('tick.step-') && p.label === 'step 20')).toBe(true);
    expect(progress.some((p) => p.op.startsWith('determinism.check-'))).toBe(true);
    // Cancelling an op that already answered does nothing.
    await c.cancelOp('tick.step-1-zzzzzz');
    expect(store.getState().ui.toasts.filter((t) => t.level === 'error')).toEqual([]);
  });
});
