/**
 * `echo:timeline.changed` carries what changed, not the whole history: after a complete first
 * event of an epoch, each event lists only the commits created since the previous one that no tick
 * event carried (`base` = how many came before). A subscriber that folds tick summaries and timeline
 * events into its timeline as the renderer does (the timeline slice's `applySummaries`, then
 * `completeTimeline`) holds, after each event, exactly the commits `echo:timeline.get` returns; one
 * that missed events (a late subscriber) cannot complete an incremental event and must fetch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EchoEvents, EventChannel, InvokeChannel, Reply, Res, TickEventDto, TimelineDto } from '../../engine/contract/index';
import { EngineHost } from '../../main/host/engineHost';
import { completeTimeline } from '../../renderer/state/selectors';
import { createEchoStore } from '../../renderer/state/store';

const hosts: EngineHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

function ok<K extends InvokeChannel>(r: Reply<InvokeChannel>): Res<K> {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as Res<K>;
}

/** A subscriber that keeps its timeline the way the renderer's store does, and every event it got. */
function follower(h: EngineHost) {
  const store = createEchoStore();
  const f = {
    get dto(): TimelineDto | null {
      return store.getState().timeline.dto;
    },
    set dto(d: TimelineDto | null) {
      if (d) store.getState().timeline.setTimeline(d);
    },
    events: [] as TimelineDto[],
    /** Commits in the order this subscriber first heard of them (tick events, timeline events). */
    heard: [] as string[],
    incomplete: 0,
  };
  h.subscribe(<K extends EventChannel>(ch: K, p: EchoEvents[K]) => {
    if (ch === 'echo:tick') {
      const e = p as TickEventDto;
      f.heard.push(e.summary.commit);
      store.getState().timeline.applySummaries([e.summary]);
    }
    if (ch !== 'echo:timeline.changed') return;
    const ev = p as TimelineDto;
    f.events.push(ev);
    f.heard.push(...ev.commits.map((c) => c.commit));
    const next = completeTimeline(f.dto, ev);
    if (next) f.dto = next;
    else f.incomplete++;
  });
  return f;
}

/** What a timeline says (the page's own copy names a tick's branch as its summary does: compared by hash, parents, tick, kind). */
const shape = (t: TimelineDto) => ({ ...t, commits: t.commits.map((c) => ({ commit: c.commit, parents: c.parents, tick: c.tick, kind: c.kind, rejected: c.rejected })), branches: t.branches.map((b) => ({ ...b })) });

describe('echo:timeline.changed events', () => {
  it('carry only the commits created since the previous event; folded in, they equal echo:timeline.get', async () => {
    const h = new EngineHost({});
    hosts.push(h);
    const f = follower(h);
    await h.load('demo', {});
    const get = async () => ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}));
    const same = async () => expect(shape(f.dto!)).toEqual(shape(await get()));

    // The first event of an epoch is complete.
    expect(f.events).toHaveLength(1);
    expect(f.events[0]).toMatchObject({ base: 0, commits: [] });
    const epoch = f.events[0]!.epoch;

    // Ticks announce themselves through tick events.
    ok(await h.handle('echo:tick.step', { n: 12 }));
    expect(f.events).toHaveLength(1);
    const full = await get();
    expect(full.base).toBe(0);
    expect(full.commits).toHaveLength(12);
    expect(full.commits.map((c) => c.tick)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // The tick events carried them: the seek's event lists none.
    ok(await h.handle('echo:timeline.seek', { commit: full.commits[4]!.commit }));
    expect(f.events.at(-1)).toMatchObject({ base: 12, commits: [], epoch, viewing: full.commits[4]!.commit });
    await same();

    // Scrubbing: nothing new, so nothing but the view.
    for (const i of [2, 9, 0, 11]) {
      ok(await h.handle('echo:timeline.seek', { commit: full.commits[i]!.commit }));
      expect(f.events.at(-1)).toMatchObject({ base: 12, commits: [], viewing: full.commits[i]!.commit, epoch });
      await same();
    }

    // Fork at tick 6, three ticks there, back to main, two more: the new commits arrive once each.
    const forked = ok<'echo:timeline.fork'>(await h.handle('echo:timeline.fork', { name: 'side', at: full.commits[5]!.commit }));
    expect(f.events.at(-1)).toMatchObject({ base: 12, commits: [], active: 'side' });
    expect(forked).toEqual(f.events.at(-1)); // a command's reply is the event it caused
    await same();
    // (Commits are content-addressed: without an edit the fork would recreate main's ticks 7–9.)
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', warp: snap.rootWarp, id: snap.rootNode!, value: { codec: 'demo/heat', value: { heat: 7 } } }] }));
    ok(await h.handle('echo:tick.step', { n: 2 }));
    ok(await h.handle('echo:timeline.switch', { branch: 'main' }));
    expect(f.events.at(-1)).toMatchObject({ base: 15, commits: [], active: 'main' });
    expect((await get()).commits.slice(12).map((c) => [c.tick, c.createdOn])).toEqual([
      [7, 'side'],
      [8, 'side'],
      [9, 'side'],
    ]);
    await same();
    ok(await h.handle('echo:tick.step', { n: 2 }));

    // A merge adds its own commit (and the two main ticks not announced yet).
    const preview = ok<'echo:timeline.mergePreview'>(await h.handle('echo:timeline.mergePreview', { ours: 'main', theirs: 'side' }));
    const resolutions = Object.fromEntries(preview.conflicts.map((c) => [c.key, 'theirs' as const]));
    const mergeReply = ok<'echo:timeline.merge'>(await h.handle('echo:timeline.merge', { ours: 'main', theirs: 'side', resolutions }));
    const merged = f.events.at(-1)!;
    expect(mergeReply).toEqual(merged);
    expect(merged.base).toBe(17);
    expect(merged.commits.map((c) => c.kind)).toEqual(['merge']);
    await same();
    expect(f.incomplete).toBe(0);

    // Each commit was heard of once — by its tick event or by a timeline event — in creation order.
    const announced = f.heard;
    expect(new Set(announced).size).toBe(announced.length);
    expect(announced).toEqual((await get()).commits.map((c) => c.commit));

    // An imported session is a new timeline: a new epoch, announced whole.
    const exported = ok<'echo:session.export'>(await h.handle('echo:session.export', {}));
    ok(await h.handle('echo:session.import', { bytesBase64: exported.bytesBase64 }));
    const imported = f.events.at(-1)!;
    expect(imported.epoch).toBeGreaterThan(epoch);
    expect(imported.base).toBe(0);
    expect(new Set(imported.commits.map((c) => c.commit))).toEqual(new Set(announced));
    await same();
    expect(f.incomplete).toBe(0);
  });

  it('a subscriber that missed events cannot complete an incremental one and fetches the timeline', async () => {
    const h = new EngineHost({});
    hosts.push(h);
    await h.load('demo', {});
    ok(await h.handle('echo:tick.step', { n: 4 }));
    const first = ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}));
    const late = follower(h);
    ok(await h.handle('echo:tick.step', { n: 2 }));
    ok(await h.handle('echo:timeline.seek', { commit: first.commits[0]!.commit }));
    expect(late.events.at(-1)).toMatchObject({ base: 6, commits: [] });
    expect(late.incomplete).toBe(1);
    // Holding an older timeline of the same epoch is no better: it lacks commits before `base`.
    expect(completeTimeline(first, late.events.at(-1)!)).toBeNull();
    // After fetching, it follows the next ticks and events.
    late.dto = ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}));
    ok(await h.handle('echo:tick.step', { n: 1 }));
    ok(await h.handle('echo:timeline.seek', { commit: first.commits[3]!.commit }));
    expect(late.incomplete).toBe(1);
    expect(late.dto!.commits).toHaveLength(7);
    expect(shape(late.dto!)).toEqual(shape(ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}))));
    // A merge commit (no tick event carries it) comes with the timeline event.
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    ok(await h.handle('echo:timeline.fork', { name: 'x' }));
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', warp: snap.rootWarp, id: snap.rootNode!, value: { codec: 'demo/heat', value: { heat: 3 } } }] }));
    ok(await h.handle('echo:timeline.switch', { branch: 'main' }));
    ok(await h.handle('echo:tick.step', { n: 1 }));
    const preview = ok<'echo:timeline.mergePreview'>(await h.handle('echo:timeline.mergePreview', { ours: 'main', theirs: 'x' }));
    ok(await h.handle('echo:timeline.merge', { ours: 'main', theirs: 'x', resolutions: Object.fromEntries(preview.conflicts.map((c) => [c.key, 'ours' as const])) }));
    expect(late.events.at(-1)!.commits.map((c) => c.kind)).toEqual(['merge']);
    expect(late.incomplete).toBe(1);
    expect(shape(late.dto!)).toEqual(shape(ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}))));
    // Ticks that recreate known commits (a fork replaying main's ticks) add none, and announce none.
    const count = ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {})).commits.length;
    ok(await h.handle('echo:timeline.fork', { name: 'dup', at: first.commits[1]!.commit }));
    ok(await h.handle('echo:tick.step', { n: 2 }));
    ok(await h.handle('echo:timeline.seek', { commit: first.commits[0]!.commit }));
    expect(late.events.at(-1)).toMatchObject({ base: count, commits: [] });
    expect(late.incomplete).toBe(1);
    expect(shape(late.dto!)).toEqual(shape(ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}))));
    // Another world is another epoch: an incremental event of it never completes an old timeline.
    const old = late.dto!;
    await h.load('motion', { n: '3' });
    ok(await h.handle('echo:tick.step', { n: 1 }));
    ok(await h.handle('echo:timeline.seek', { commit: null }));
    const ev = late.events.at(-1)!;
    expect(ev).toMatchObject({ base: 1, commits: [] });
    expect(ev.epoch).not.toBe(old.epoch);
    expect(completeTimeline(old, ev)).toBeNull();
  });
});
