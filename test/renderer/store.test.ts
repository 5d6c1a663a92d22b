/**
 * Store slices without React: the graph slice's gapless delta chain (STYLE.md item 11), the
 * timeline slice's local extension by tick summaries, merge resolutions, selection and toasts.
 */
import { describe, expect, it } from 'vitest';
import { createEchoStore } from '../../renderer/state/store';
import { elementKey } from '../../renderer/state/keys';
import { MAX_TOASTS } from '../../renderer/state/slices/uiSlice';
import { branchChain, branchHead, branchTree, chainOf } from '../../renderer/state/selectors';
import type { TickSummaryDto, TimelineDto } from '../../engine/contract/index';
import { W, commit, h, node, snapshot, summary, tickEvent, timeline } from './dto';

/** The branch tree computed on a structurally equal copy of `dto` (nothing cached for it yet). */
const branchTreeOf = (dto: TimelineDto) => branchTree({ ...dto, commits: [...dto.commits], branches: [...dto.branches] });

describe('graph slice: snapshots and the gapless delta chain', () => {
  it('a snapshot replaces the graph, keys by warp/id and marks a reset', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1)), node(h(2))]), true);
    const g = store.getState().graph;
    expect(g.loaded).toBe(true);
    expect(Object.keys(g.nodes)).toEqual([elementKey(W, h(1)), elementKey(W, h(2))]);
    expect(g.change).toEqual({ kind: 'reset' });
    expect(g.sync.ok).toBe(true);
  });

  it('applies a delta that starts at the viewed commit with the next seq, and names what changed', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1)), node(h(2))]), true);
    const out = store.getState().graph.receiveTick(tickEvent(1, null, h(10), 1, [node(h(3))], [h(2)]));
    expect(out).toBe('applied');
    const g = store.getState().graph;
    expect(g.commit).toBe(h(10));
    expect(g.tick).toBe(1);
    expect(Object.keys(g.nodes).sort()).toEqual([elementKey(W, h(1)), elementKey(W, h(3))]);
    expect(g.change).toEqual({ kind: 'delta', upsertNodes: [elementKey(W, h(3))], removeNodes: [elementKey(W, h(2))], upsertEdges: [], removeEdges: [], structural: true });
    // A tick that only rewrites an existing record keeps the shape (and the untouched edge record).
    const edgesBefore = store.getState().graph.edges;
    expect(store.getState().graph.receiveTick(tickEvent(2, h(10), h(11), 2, [node(h(3))]))).toBe('applied');
    expect(store.getState().graph.change).toMatchObject({ kind: 'delta', upsertNodes: [elementKey(W, h(3))], structural: false });
    expect(store.getState().graph.edges).toBe(edgesBefore);
    expect(store.getState().graph.receiveTick(tickEvent(3, h(11), h(12), 3))).toBe('applied');
    expect(store.getState().graph.sync).toMatchObject({ seq: 3, ok: true, deltasApplied: 3 });
  });

  it('a sequence gap is a desync, and it stays one until a snapshot re-anchors the view', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1))]), true);
    expect(store.getState().graph.receiveTick(tickEvent(1, null, h(10), 1))).toBe('applied');
    expect(store.getState().graph.receiveTick(tickEvent(3, h(10), h(11), 2))).toBe('desync');
    expect(store.getState().graph.sync.ok).toBe(false);
    expect(store.getState().graph.sync.error).toMatch(/expected seq 2, got 3/);
    // Even a well-formed next link is not trusted after a break.
    expect(store.getState().graph.receiveTick(tickEvent(4, h(10), h(12), 3))).toBe('desync');
    expect(store.getState().graph.commit).toBe(h(10));
    store.getState().graph.applySnapshot(snapshot(h(12), [node(h(1))], [], 3), true);
    expect(store.getState().graph.sync.ok).toBe(true);
    expect(store.getState().graph.receiveTick(tickEvent(5, h(12), h(13), 4))).toBe('applied');
  });

  it('a delta that does not start at the viewed commit is a desync when live', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(h(10), [node(h(1))], [], 1), true);
    expect(store.getState().graph.receiveTick(tickEvent(1, h(99), h(11), 2))).toBe('desync');
    expect(store.getState().graph.sync.error).toMatch(/starts at/);
  });

  it('when scrubbed back (not live) a tick asks for a resync instead, as the host continues the head', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(h(10), [node(h(1))], [], 1), false);
    expect(store.getState().graph.receiveTick(tickEvent(1, h(20), h(21), 3))).toBe('resync');
    expect(store.getState().graph.sync.ok).toBe(true);
    expect(store.getState().graph.commit).toBe(h(10));
  });

  it('while a snapshot is in flight, deltas are ignored but their seq is tracked', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1))]), true);
    store.getState().graph.beginResync();
    expect(store.getState().graph.receiveTick(tickEvent(7, h(30), h(31), 5))).toBe('ignored');
    expect(store.getState().graph.sync.seq).toBe(7);
    store.getState().graph.applySnapshot(snapshot(h(31), [node(h(1))], [], 5), true);
    expect(store.getState().graph.resyncing).toBe(false);
    expect(store.getState().graph.receiveTick(tickEvent(8, h(31), h(32), 6))).toBe('applied');
  });

  it('assigns type palette slots in order of first sight, sorted within a batch', () => {
    const store = createEchoStore();
    const tb = 'b'.repeat(64);
    const ta = 'a'.repeat(64);
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1), { type: tb }), node(h(2), { type: ta })]), true);
    expect(store.getState().graph.typeIndex).toEqual({ [ta]: 0, [tb]: 1 });
    const tc = 'c'.repeat(64);
    store.getState().graph.receiveTick(tickEvent(1, null, h(10), 1, [node(h(3), { type: tc })]));
    expect(store.getState().graph.typeIndex[tc]).toBe(2);
  });
});

describe('timeline slice', () => {
  it('a tick summary extends the commit list and moves the branch head without a round trip', () => {
    const store = createEchoStore();
    store.getState().timeline.setTimeline(timeline([commit(h(1), [], 1)], [{ name: 'main', head: h(1) }]));
    store.getState().timeline.applySummary(summary(h(2), h(1), 2, { rejected: 4 }));
    const dto = store.getState().timeline.dto!;
    expect(dto.commits.map((c) => c.commit)).toEqual([h(1), h(2)]);
    expect(dto.commits[1]).toMatchObject({ parents: [h(1)], tick: 2, rejected: 4, createdOn: 'main' });
    expect(dto.branches[0]).toMatchObject({ head: h(2), tick: 2 });
    expect(store.getState().timeline.summaries.get(h(2))?.tick).toBe(2);
    // Idempotent for a commit already known.
    store.getState().timeline.applySummary(summary(h(2), h(1), 2));
    expect(store.getState().timeline.dto!.commits).toHaveLength(2);
  });

  it('chains and the branch tree derived incrementally across batches equal a from-scratch walk after every batch (naive twin)', () => {
    const hx = (i: number) => i.toString(16).padStart(64, '0');
    const store = createEchoStore();
    const t = () => store.getState().timeline;
    t().setTimeline(timeline([commit(hx(1), [], 1)], [
      { name: 'main', head: hx(1) },
      { name: 'fork-1', head: hx(1) },
    ]));
    const heads: Record<string, { commit: string; tick: number }> = { main: { commit: hx(1), tick: 1 }, 'fork-1': { commit: hx(1), tick: 1 } };
    let next = 2;
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const fresh = (dto: TimelineDto, branch: string) => chainOf(dto, branchHead(dto, branch), new Map(dto.commits.map((c) => [c.commit, c])));
    for (let batch = 0; batch < 60; batch++) {
      // Derive from the current DTO first (the Studio does, every render), so the next batch extends it.
      const before = t().dto!;
      for (const b of ['main', 'fork-1']) expect(branchChain(before, b)).toEqual(fresh(before, b));
      const list: TickSummaryDto[] = [];
      for (let k = rand(6); k >= 0; k--) {
        const b = rand(3) === 0 ? 'fork-1' : 'main';
        const head = heads[b]!;
        const c = hx(next++);
        list.push(summary(c, head.commit, head.tick + 1, { branch: b, rejected: rand(2) }));
        heads[b] = { commit: c, tick: head.tick + 1 };
      }
      if (batch === 30) list.push(list[list.length - 1]!); // a repeated summary adds no commit
      if (batch === 45) {
        // fork-1's head moves to a commit that does not descend from its old head (re-forked at the root).
        const c = hx(next++);
        list.push(summary(c, hx(1), 2, { branch: 'fork-1' }));
        heads['fork-1'] = { commit: c, tick: 2 };
      }
      t().applySummaries(list);
      const dto = t().dto!;
      for (const b of ['main', 'fork-1']) {
        expect(branchChain(dto, b)).toEqual(fresh(dto, b));
        expect(branchChain(dto, b).at(-1)?.commit).toBe(heads[b]!.commit);
      }
      expect(branchTree(dto)).toEqual(branchTreeOf(dto));
    }
    // A fresh DTO from the host (fork, seek, load) is derived from scratch.
    const host = { ...t().dto!, commits: [...t().dto!.commits] };
    t().setTimeline(host);
    expect(branchChain(host)).toEqual(fresh(host, 'main'));
  });

  it('applySummaries(list) is one store update equal to applySummary of each in order (duplicates included)', () => {
    const base = () => {
      const st = createEchoStore();
      st.getState().timeline.setTimeline(timeline([commit(h(1), [], 1)], [{ name: 'main', head: h(1) }]));
      return st;
    };
    const list = [summary(h(2), h(1), 2), summary(h(3), h(2), 3, { rejected: 1 }), summary(h(2), h(1), 2), summary(h(4), h(3), 4)];
    const one = base();
    for (const x of list) one.getState().timeline.applySummary(x);
    const batch = base();
    let updates = 0;
    batch.subscribe(() => updates++);
    batch.getState().timeline.applySummaries(list);
    expect(updates).toBe(1);
    expect(batch.getState().timeline.dto).toEqual(one.getState().timeline.dto);
    expect(batch.getState().timeline.summaries).toEqual(one.getState().timeline.summaries);
  });

  it('merge preparation: per-conflict and bulk resolutions', () => {
    const store = createEchoStore();
    const conflict = (key: string) => ({ key, slot: key, base: '1', ours: '2', theirs: '3', oursCommits: [], theirsCommits: [] });
    store.getState().timeline.openMerge('main', 'fork-1', { base: h(1), ours: h(2), theirs: h(3), clean: 2, conflicts: [conflict('k1'), conflict('k2')] });
    store.getState().timeline.resolveAll('ours');
    store.getState().timeline.resolve('k2', 'theirs');
    expect(store.getState().timeline.merge?.resolutions).toEqual({ k1: 'ours', k2: 'theirs' });
    store.getState().timeline.closeMerge();
    expect(store.getState().timeline.merge).toBeNull();
  });
});

describe('selection, inspector and ui slices', () => {
  it('selecting a node clears the edge selection and vice versa', () => {
    const store = createEchoStore();
    store.getState().selection.selectEdge(W, h(5));
    store.getState().selection.selectNode(W, h(1));
    expect(store.getState().selection).toMatchObject({ node: { warp: W, id: h(1) }, edge: null });
    store.getState().selection.selectCandidate(3);
    store.getState().selection.clear();
    expect(store.getState().selection).toMatchObject({ node: null, edge: null, candidate: null });
  });

  it('keeps at most MAX_TOASTS toasts, dropping the oldest', () => {
    const store = createEchoStore();
    for (let i = 0; i < MAX_TOASTS + 3; i++) store.getState().ui.pushToast({ level: 'error', code: `E${i}`, message: 'x' });
    const codes = store.getState().ui.toasts.map((t) => t.code);
    expect(codes).toHaveLength(MAX_TOASTS);
    expect(codes[codes.length - 1]).toBe(`E${MAX_TOASTS + 2}`);
    const id = store.getState().ui.toasts[0]!.id;
    store.getState().ui.dismissToast(id);
    expect(store.getState().ui.toasts.some((t) => t.id === id)).toBe(false);
  });

  it('clamps step N and hops', () => {
    const store = createEchoStore();
    store.getState().ui.setStepN(0);
    expect(store.getState().ui.stepN).toBe(1);
    store.getState().ui.setHops(99);
    expect(store.getState().ui.hops).toBe(6);
  });

  it('stores are independent (one per test, STYLE.md: reset or create per test)', () => {
    const a = createEchoStore();
    const b = createEchoStore();
    a.getState().inspector.setTab('profile');
    expect(b.getState().inspector.tab).toBe('node');
  });
});
