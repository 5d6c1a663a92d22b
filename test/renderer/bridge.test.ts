/**
 * The controller (renderer/state/bridge.ts) against a real EngineHost through an in-memory bridge:
 * events enter the store only through slice actions, incremental tick deltas reproduce the host's
 * snapshot (checked against the from-scratch twin), and the timeline flows of PRODUCT.md work
 * without React.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { branchChain, syncBadge } from '../../renderer/state/selectors';
import { settle } from './fakeBridge';
import { controllerHarness, sameAsSnapshot } from './controllerHarness';

const harness = controllerHarness();
const setup = harness.setup;
afterEach(() => harness.disposeAll());

describe('controller over the engine host', () => {
  it('init shows the demo world at tick 0 (U0), in sync', async () => {
    const { store } = await setup();
    const s = store.getState();
    expect(s.ui.world?.name).toBe('demo');
    expect(s.graph.loaded).toBe(true);
    expect(s.graph.commit).toBeNull();
    expect(s.graph.tick).toBe(0);
    expect(Object.keys(s.graph.nodes)).toHaveLength(62);
    expect(syncBadge(s).level).toBe('ok');
  });

  it('incremental tick deltas reproduce the host snapshot at every step (naive twin)', async () => {
    const { store, bridge, c } = await setup();
    for (let i = 0; i < 9; i++) {
      await c.step(i === 4 ? 3 : 1);
      const snap = await bridge.invoke('echo:graph.snapshot', {});
      sameAsSnapshot(store, snap);
      expect(store.getState().graph.sync.ok).toBe(true);
    }
    expect(store.getState().graph.tick).toBe(11);
    expect(store.getState().graph.commit).toBe(bridge.host.liveCommit());
    expect(store.getState().graph.sync.deltasApplied).toBe(11);
    // The timeline followed the ticks locally.
    expect(branchChain(store.getState().timeline.dto).map((x) => x.tick)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a lost tick event shows a loud desync; Resync re-anchors on a snapshot', async () => {
    const { store, bridge, c } = await setup();
    await c.step(2);
    bridge.drop('echo:tick', 1);
    await c.step(2);
    expect(syncBadge(store.getState()).level).toBe('error');
    expect(store.getState().ui.toasts.some((t) => t.code === 'Desync')).toBe(true);
    await c.resync();
    expect(syncBadge(store.getState()).level).toBe('ok');
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    // The lost event's commit is in the timeline again (timeline events only carry news now).
    const host = await bridge.invoke('echo:timeline.get', {});
    expect(store.getState().timeline.dto!.commits.map((x) => x.commit).sort()).toEqual(host.commits.map((x) => x.commit).sort());
    await c.step(1);
    expect(store.getState().graph.sync.ok).toBe(true);
  });

  it('seeking shows history without changing it; stepping from there follows the head', async () => {
    const { store, bridge, c } = await setup();
    await c.step(10);
    const head = bridge.host.liveCommit();
    await c.seekTick(3);
    let s = store.getState();
    expect(s.graph.tick).toBe(3);
    expect(s.graph.live).toBe(false);
    expect(s.graph.commit).toBe(branchChain(s.timeline.dto)[2]!.commit);
    expect(bridge.host.liveCommit()).toBe(head);
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', { commit: s.graph.commit }));
    await c.stepBack();
    expect(store.getState().graph.tick).toBe(2);
    await c.step(1);
    await settle();
    s = store.getState();
    expect(s.graph.tick).toBe(11);
    expect(s.graph.live).toBe(true);
    expect(syncBadge(s).level).toBe('ok');
  });

  it('timeline events carry only news; one the page cannot complete makes it fetch the whole timeline', async () => {
    const { store, bridge, c } = await setup();
    await c.step(6);
    await c.seekTick(2);
    await settle();
    const full = await bridge.invoke('echo:timeline.get', {});
    expect(store.getState().timeline.dto!.commits.map((x) => x.commit)).toEqual(full.commits.map((x) => x.commit));
    // Scrubbing sends no commits again, and the page does not fetch.
    bridge.calls.length = 0;
    const before = bridge.events.length;
    await c.seekTick(5);
    await settle();
    const seekEvents = bridge.events.slice(before).filter((e) => e.channel === 'echo:timeline.changed');
    expect(seekEvents.map((e) => (e.payload as { commits: unknown[] }).commits.length)).toEqual([0]);
    expect(bridge.calls).not.toContain('echo:timeline.get');
    // Another window steps and seeks: the seek's event (which leaves out the commits the tick
    // events carried) is folded in after those ticks, still queued in the page, are handled.
    bridge.calls.length = 0;
    await bridge.invoke('echo:tick.step', { n: 5 });
    await bridge.invoke('echo:timeline.seek', { commit: full.commits[1]!.commit });
    const last = bridge.events.filter((e) => e.channel === 'echo:timeline.changed').at(-1)!.payload as { base: number; commits: unknown[] };
    expect(last).toMatchObject({ base: 11, commits: [] });
    await settle();
    expect(bridge.calls).not.toContain('echo:timeline.get');
    expect(store.getState().timeline.dto!.commits).toHaveLength(11);
    expect(store.getState().graph.tick).toBe(2);
    // The page lost part of its history (as after a missed event): the next event cannot complete it.
    store.getState().timeline.setTimeline({ ...full, commits: full.commits.slice(0, 3) });
    bridge.calls.length = 0;
    await bridge.invoke('echo:timeline.seek', { commit: full.commits[3]!.commit }); // another window seeks
    await settle();
    expect(bridge.calls).toContain('echo:timeline.get');
    const s = store.getState();
    expect(s.timeline.dto!.commits.map((x) => x.commit)).toEqual((await bridge.invoke('echo:timeline.get', {})).commits.map((x) => x.commit));
    expect(s.graph.tick).toBe(4);
    expect(syncBadge(s).level).toBe('ok');
  });

  it('fork, step on the fork, compare, merge with conflicts resolved per slot', async () => {
    const { store, bridge, c } = await setup();
    await c.step(10);
    await c.seekTick(3);
    await c.fork();
    let s = store.getState();
    expect(s.timeline.dto?.active).toBe('fork-1');
    expect(s.graph.tick).toBe(3);
    expect(s.graph.live).toBe(true);
    await c.step(5);
    expect(store.getState().graph.tick).toBe(8);
    // Deterministic engine: the fork's commits are main's, so fork-1 is a prefix of main.
    await c.diverge('fork-1', 'main');
    expect(store.getState().timeline.divergence).toMatchObject({ index: 8, b: expect.any(String), a: null });
    // Catch up with main (a merge on fork-1), then both branches run on: real divergence.
    await c.previewMerge('fork-1', 'main');
    expect(store.getState().timeline.merge?.preview.conflicts).toHaveLength(0);
    await c.commitMerge();
    expect(store.getState().timeline.merge).toBeNull();
    await c.step(3);
    await c.switchBranch('main');
    expect(store.getState().graph.tick).toBe(10);
    await c.step(2);
    await c.diverge('main', 'fork-1');
    const d = store.getState().timeline.divergence!;
    expect(d.index).toBe(8);
    expect(d.a && d.b).toBeTruthy();
    await c.previewMerge('main', 'fork-1');
    const m = store.getState().timeline.merge!;
    expect(m.preview.conflicts.length).toBeGreaterThan(0);
    store.getState().timeline.resolveAll('ours');
    store.getState().timeline.resolve(m.preview.conflicts[0]!.key, 'theirs');
    const forkHead = store.getState().timeline.dto!.branches.find((b) => b.name === 'fork-1')!.head;
    const mainBefore = store.getState().timeline.dto!.branches.find((b) => b.name === 'main')!.head;
    await c.commitMerge();
    s = store.getState();
    expect(s.ui.toasts.filter((t) => t.code === 'BadRequest')).toEqual([]);
    const mainHead = s.timeline.dto!.branches.find((b) => b.name === 'main')!;
    const mc = s.timeline.dto!.commits.find((x) => x.commit === mainHead.head)!;
    expect(mc.kind).toBe('merge');
    expect(mc.parents).toEqual([mainBefore, forkHead]);
    expect(s.graph.commit).toBe(mainHead.head);
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    await c.verify('main');
    expect(store.getState().timeline.verify['main']).toMatchObject({ ok: true });
  });

  it('tick detail, diff, node query and profile land in the inspector slice', async () => {
    const { store, c } = await setup();
    await c.step(4);
    await c.loadTickDetail();
    const d = store.getState().inspector.tickDetail!;
    expect(d.summary.commit).toBe(store.getState().graph.commit);
    const rejected = d.candidates.find((x) => x.disposition === 'rejected')!;
    expect(rejected.overlaps[0]!.slots.length).toBeGreaterThan(0);
    await c.loadDiff();
    expect(store.getState().inspector.diff?.b).toBe(store.getState().graph.commit);
    expect(store.getState().inspector.diff!.ops.length).toBeGreaterThan(0);
    const cell = Object.values(store.getState().graph.nodes).find((n) => n.label === 'cell-0-0')!;
    await c.selectNode(cell.warp, cell.id);
    const nd = store.getState().inspector.nodeDetail!;
    expect(nd.node.label).toBe('cell-0-0');
    expect(nd.provenance.length).toBeGreaterThan(0);
    await c.loadProfile();
    const chain = branchChain(store.getState().timeline.dto);
    expect(chain.every((x) => store.getState().timeline.summaries.get(x.commit))).toBe(true);
  });

  it('host errors become toasts, never throws: NotAvailable export, unknown branch, broken world', async () => {
    const { store, c } = await setup();
    await c.step(2);
    const r = await c.exportSession();
    const codes = () => store.getState().ui.toasts.map((t) => t.code);
    if (r === undefined) expect(codes()).toContain('NotAvailable');
    else expect(r.bytesBase64.length).toBeGreaterThan(0);
    await c.switchBranch('nope');
    expect(codes()).toContain('UnknownBranch');
    const before = store.getState().graph.commit;
    await c.loadWorld('/definitely/missing/world.ts');
    expect(store.getState().ui.toasts.at(-1)?.level).toBe('error');
    expect(store.getState().ui.world?.name).toBe('demo');
    expect(store.getState().graph.commit).toBe(before);
  });

  it('determinism check: recorded = 1 worker = shuffled', async () => {
    const { store, c } = await setup();
    await c.step(5);
    await c.checkDeterminism();
    const d = store.getState().ui.determinism!;
    expect(d.agree).toBe(true);
    expect(d.chains).toHaveLength(3);
  });
});

describe('controller: big tick deltas are prepared in slices', () => {
  /** Every delta counts as big here (bigDelta 1, a yield at every slice point). */
  const setupSliced = () => setup({ bigDelta: 1, sliceMs: 0 });

  it('applies them in order with task turns between slices; the step resolves once its ticks are shown, exactly at the host snapshot', async () => {
    const { store, bridge, c } = await setupSliced();
    // Another task on the UI thread, re-queued at every turn: it sees the ticks arrive one by one.
    const seen: number[] = [];
    let on = true;
    const turn = () => {
      seen.push(store.getState().graph.tick);
      if (on) setTimeout(turn, 0);
    };
    setTimeout(turn, 0);
    await c.step(3);
    on = false;
    expect(store.getState().graph.tick).toBe(3);
    expect(seen.some((t) => t > 0 && t < 3)).toBe(true);
    expect(store.getState().graph.sync).toMatchObject({ ok: true, deltasApplied: 3 });
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    expect(store.getState().ui.toasts.filter((t) => t.code === 'Desync')).toEqual([]);
  });

  it('a snapshot asked for while the step\'s deltas are being prepared: they are handled first (covered), no false desync, and the chain continues', async () => {
    const { store, bridge, c } = await setupSliced();
    // The snapshot is asked for while the step's two deltas are still being prepared.
    const stepping = c.step(2);
    await c.resync();
    await stepping;
    await settle(200);
    const g = store.getState().graph;
    expect(g.sync.ok).toBe(true);
    expect(g.tick).toBe(2);
    expect(store.getState().ui.toasts.filter((t) => t.code === 'Desync')).toEqual([]);
    sameAsSnapshot(store, await bridge.invoke('echo:graph.snapshot', {}));
    // And the chain continues from there.
    await c.step(1);
    await settle(200);
    expect(store.getState().graph.tick).toBe(3);
    expect(store.getState().graph.sync.ok).toBe(true);
  });
});

