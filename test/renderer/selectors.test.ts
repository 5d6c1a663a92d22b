/** Pure selectors (renderer/state/selectors.ts), tested without React or a DOM. */
import { describe, expect, it } from 'vitest';
import type { CandidateDto, DeterminismDto, SlotDto } from '../../engine/contract/index';
import { createEchoStore } from '../../renderer/state/store';
import { elementKey } from '../../renderer/state/keys';
import {
  assignTypeIndex,
  branchChain,
  branchTree,
  chainOf,
  chainPosition,
  determinismText,
  footprintOverlay,
  legendEntries,
  matchesSearch,
  mergeReady,
  nextForkName,
  nodeName,
  overlapSentence,
  parentOf,
  profileRows,
  ruleTotals,
  scrubberMarks,
  drawnMarks,
  commitOptions,
  shortHash,
  slotText,
  syncBadge,
  visibleNodes,
} from '../../renderer/state/selectors';
import { SummaryIndex } from '../../renderer/state/summaryIndex';
import { W, commit, edge, h, node, snapshot, summary, tickEvent, timeline } from './dto';

// main: 1 ← 2 ← 3 ← 4 ← M(4, 6);  fork-1 forked at 2: 2 ← 5 ← 6
const DAG = timeline(
  [commit(h(1), [], 1), commit(h(2), [h(1)], 2, { rejected: 2 }), commit(h(3), [h(2)], 3), commit(h(4), [h(3)], 4), commit(h(5), [h(2)], 3, { createdOn: 'fork-1' }), commit(h(6), [h(5)], 4, { createdOn: 'fork-1' }), commit(h(7), [h(4), h(6)], 5)],
  [
    { name: 'main', head: h(7) },
    { name: 'fork-1', head: h(6) },
  ],
);

describe('hashes and chains', () => {
  it('shortHash prints U0 for the initial state and 8…4 otherwise', () => {
    expect(shortHash(null)).toBe('U0');
    expect(shortHash('0123456789abcdef'.repeat(4))).toBe('01234567…cdef');
  });

  it('chains follow first parents from U0, oldest first', () => {
    expect(branchChain(DAG).map((c) => c.tick)).toEqual([1, 2, 3, 4, 5]);
    expect(branchChain(DAG, 'fork-1').map((c) => c.commit)).toEqual([h(1), h(2), h(5), h(6)]);
    expect(chainOf(DAG, null)).toEqual([]);
    expect(parentOf(DAG, h(7))).toBe(h(4));
    expect(parentOf(DAG, h(1))).toBeNull();
    // Positions on a chain are 1-based; 0 off the chain.
    const main = branchChain(DAG);
    expect(main.map((c) => chainPosition(main, c.commit))).toEqual([1, 2, 3, 4, 5]);
    expect(chainPosition(main, h(5))).toBe(0);
    expect(chainPosition(main, null)).toBe(0);
  });

  it('the branch tree names fork points and merge commits; main comes first', () => {
    const rows = branchTree(DAG);
    expect(rows.map((r) => r.name)).toEqual(['main', 'fork-1']);
    expect(rows[0]).toMatchObject({ active: true, forkedFrom: null, merges: [expect.objectContaining({ commit: h(7) })] });
    expect(rows[1]).toMatchObject({ active: false, forkedFrom: { branch: 'main', commit: h(2), tick: 2 }, own: 2, merges: [] });
  });

  it('a branch that is a prefix of another has a fork point at its head and no own commits', () => {
    const t = timeline([commit(h(1), [], 1), commit(h(2), [h(1)], 2)], [
      { name: 'main', head: h(2) },
      { name: 'fork-1', head: h(1) },
    ]);
    expect(branchTree(t)[1]).toMatchObject({ forkedFrom: { branch: 'main', commit: h(1), tick: 1 }, own: 0 });
  });

  it('scrubber marks: rejections, fork points of other branches, merges', () => {
    const marks = scrubberMarks(DAG, branchChain(DAG));
    expect(marks).toEqual([
      { tick: 2, kind: 'rejected', commit: h(2), title: 'tick 2: 2 rejected' },
      { tick: 2, kind: 'fork', commit: h(2), title: 'tick 2: fork point of fork-1' },
      { tick: 5, kind: 'merge', commit: h(7), title: 'tick 5: merge' },
    ]);
  });

  it('drawn marks: exact places up to `bins` commits; beyond, one mark per kind and bin at fixed places, counted', () => {
    expect(drawnMarks(DAG, branchChain(DAG), 10)).toEqual([
      { kind: 'rejected', bin: 2, at: 2 / 5, count: 1, title: 'tick 2: 2 rejected' },
      { kind: 'fork', bin: 2, at: 2 / 5, count: 1, title: 'tick 2: fork point of fork-1' },
      { kind: 'merge', bin: 5, at: 1, count: 1, title: 'tick 5: merge' },
    ]);
    expect(drawnMarks(null, [], 10)).toEqual([]);
    const hx = (i: number) => i.toString(16).padStart(64, '0'); // distinct for every i (h() repeats digits)
    // A linear chain of n commits; rejections at ticks 1, 50, 100, 101, 1000; a merge at 100; fork-1 leaves at 950.
    const linear = (n: number) => {
      const rejectedAt = new Set([1, 50, 100, 101, 1000]);
      const commits = Array.from({ length: n }, (_, i) => commit(hx(i + 1), i === 0 ? [] : [hx(i)], i + 1, { rejected: rejectedAt.has(i + 1) ? 1 : 0, ...(i + 1 === 100 ? { kind: 'merge' as const } : {}) }));
      return timeline(commits, [
        { name: 'main', head: hx(n) },
        { name: 'fork-1', head: hx(950) },
      ]);
    };
    // 1,000 commits on 10 bins: ticks 1–100 fall in bin 0, 901–1000 in bin 9.
    const t1 = linear(1000);
    const drawn = drawnMarks(t1, branchChain(t1), 10);
    expect(drawn).toEqual([
      { kind: 'rejected', bin: 0, at: 0.05, count: 3, title: 'ticks 1–100: 3 ticks with rejections' },
      { kind: 'rejected', bin: 1, at: 0.15, count: 1, title: 'tick 101: 1 rejected' },
      { kind: 'rejected', bin: 9, at: 0.95, count: 1, title: 'tick 1000: 1 rejected' },
      { kind: 'merge', bin: 0, at: 0.05, count: 1, title: 'tick 100: merge' },
      { kind: 'fork', bin: 9, at: 0.95, count: 1, title: 'tick 950: fork point of fork-1' },
    ]);
    // One more commit moves no bin's place: only membership (tick 101 joins bin 0) and counts change.
    const t2 = linear(1001);
    const longer = drawnMarks(t2, branchChain(t2), 10);
    expect(longer.map((m) => [m.kind, m.bin, m.count])).toEqual([
      ['rejected', 0, 4],
      ['rejected', 9, 1],
      ['merge', 0, 1],
      ['fork', 9, 1],
    ]);
    for (const m of [...drawn, ...longer]) expect(m.at).toBe((m.bin + 0.5) / 10);
    // However long the chain, at most one mark per kind and bin, and every commit is counted.
    const flood = timeline(
      Array.from({ length: 100_000 }, (_, i) => commit(hx(i + 1), i === 0 ? [] : [hx(i)], i + 1, { rejected: 1 })),
      [{ name: 'main', head: hx(100_000) }],
    );
    const bounded = drawnMarks(flood, branchChain(flood), 240);
    expect(bounded).toHaveLength(240);
    expect(bounded.reduce((a, m) => a + m.count, 0)).toBe(100_000);
  });

  it('what is derived from a timeline DTO is computed once per DTO and shared; a new DTO gets its own', () => {
    expect(branchChain(DAG)).toBe(branchChain(DAG));
    expect(branchChain(DAG, 'fork-1')).toBe(branchChain(DAG, 'fork-1'));
    expect(branchTree(DAG)).toBe(branchTree(DAG));
    const next = { ...DAG, commits: [...DAG.commits, commit(h(8), [h(7)], 6)], branches: DAG.branches.map((b) => (b.name === 'main' ? { ...b, head: h(8) } : b)) };
    expect(branchChain(next).map((c) => c.tick)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(branchChain(DAG).map((c) => c.tick)).toEqual([1, 2, 3, 4, 5]);
    expect(branchTree(next)[0]!.own).toBe(6);
  });

  it('commit options: the most recent `limit` commits plus the picked ones, newest tick first', () => {
    expect(commitOptions(DAG, [], 3).map((c) => c.commit)).toEqual([h(7), h(6), h(5)]);
    // h(1) is picked and older than the window: listed too; a picked null (U0) or unknown hash adds nothing.
    expect(commitOptions(DAG, [h(1), null, 'ff'.repeat(32)], 3).map((c) => c.commit)).toEqual([h(7), h(6), h(5), h(1)]);
    expect(commitOptions(DAG, [h(6)], 3)).toHaveLength(3);
    // Equal ticks order by hash: h(4) and h(6) are both at tick 4.
    expect(commitOptions(DAG, [], 10).map((c) => c.tick)).toEqual([5, 4, 4, 3, 3, 2, 1]);
    expect(commitOptions(DAG, [], 10).slice(1, 3).map((c) => c.commit)).toEqual([h(4), h(6)].sort());
    expect(commitOptions(null, [h(1)], 3)).toEqual([]);
  });

  it('nextForkName picks the smallest unused fork-N', () => {
    expect(nextForkName(DAG)).toBe('fork-2');
    expect(nextForkName(null)).toBe('fork-1');
  });
});

describe('the verified badge', () => {
  it('is pending before the first snapshot, ok while the chain is gapless, loud on a break', () => {
    const store = createEchoStore();
    expect(syncBadge(store.getState()).level).toBe('pending');
    store.getState().graph.applySnapshot(snapshot(null, [node(h(1))]), true);
    store.getState().graph.receiveTick(tickEvent(1, null, h(9), 1));
    expect(syncBadge(store.getState())).toEqual({ level: 'ok', text: `in sync with commit ${shortHash(h(9))}` });
    store.getState().graph.receiveTick(tickEvent(5, h(9), h(10), 2));
    const b = syncBadge(store.getState());
    expect(b.level).toBe('error');
    expect(b.text).toMatch(/^DESYNC: event stream gap/);
  });

  it('turns red with the first bad commit when replay-verify fails', () => {
    const store = createEchoStore();
    store.getState().graph.applySnapshot(snapshot(h(3), [node(h(1))]), true);
    store.getState().timeline.setVerify({ branch: 'main', ok: false, count: 2, firstBad: h(3), error: 'state root mismatch' });
    expect(syncBadge(store.getState())).toEqual({ level: 'error', text: `replay failed at ${shortHash(h(3))}: state root mismatch` });
  });
});

describe('canvas selectors', () => {
  it('search: label substring, type:…, id:…', () => {
    const n = node(h(12), { label: 'cell-0-2', typeLabel: 'demo/cell' });
    expect(matchesSearch(n, 'CELL-0')).toBe(true);
    expect(matchesSearch(n, 'type:demo/cell')).toBe(true);
    expect(matchesSearch(n, 'type:particle')).toBe(false);
    expect(matchesSearch(n, `id:${h(12).slice(0, 6)}`)).toBe(true);
    expect(matchesSearch(n, '')).toBe(true);
  });

  it('visibleNodes: everything under the threshold; focus + k hops above it', () => {
    // a path 1 - 2 - 3 - 4 - 5
    const ns = [1, 2, 3, 4, 5].map((i) => node(h(i)));
    const es = [1, 2, 3, 4].map((i) => edge(h(20 + i), h(i), h(i + 1)));
    const all = visibleNodes(ns, es, { threshold: 100, showAll: false, hops: 1, focus: [] });
    expect(all.mode).toBe('all');
    expect(all.nodes.size).toBe(5);
    const focus = visibleNodes(ns, es, { threshold: 5, showAll: false, hops: 1, focus: [elementKey(W, h(3))] });
    expect(focus.mode).toBe('focus');
    expect([...focus.nodes].sort()).toEqual([2, 3, 4].map((i) => elementKey(W, h(i))));
    expect(focus.total).toBe(9);
    expect(focus.truncated).toBe(false);
    const two = visibleNodes(ns, es, { threshold: 5, showAll: false, hops: 2, focus: [elementKey(W, h(1))] });
    expect(two.nodes.size).toBe(3);
    expect(visibleNodes(ns, es, { threshold: 5, showAll: true, hops: 1, focus: [] }).mode).toBe('all');
  });

  it('visibleNodes: the k-hop context never draws more than the threshold (a hub shows a bounded neighbourhood)', () => {
    // a star: hub 0 with 1,000 leaves (2,001 elements)
    const ns = Array.from({ length: 1001 }, (_, i) => node(h(i)));
    const es = Array.from({ length: 1000 }, (_, i) => edge(h(5000 + i), h(0), h(i + 1)));
    const v = visibleNodes(ns, es, { threshold: 100, showAll: false, hops: 2, focus: [elementKey(W, h(0))] });
    expect(v.mode).toBe('focus');
    expect(v.truncated).toBe(true);
    // 1 hub + 49 leaves with their 49 edges = 99 elements; a 50th leaf would make 101.
    expect(v.nodes.size).toBe(50);
    expect(v.nodes.has(elementKey(W, h(0)))).toBe(true);
    // Deterministic: the leaves taken are the first in key order.
    const leaves = ns.slice(1).map((n) => elementKey(W, n.id)).sort().slice(0, 49);
    for (const k of leaves) expect(v.nodes.has(k)).toBe(true);
    // The focus itself is always drawn, even when it alone exceeds the threshold.
    const tiny = visibleNodes(ns, es, { threshold: 1, showAll: false, hops: 2, focus: [elementKey(W, h(0)), elementKey(W, h(1))] });
    expect(tiny.nodes.size).toBe(2);
  });

  it('legend entries count nodes per type, by label', () => {
    const ta = 'a'.repeat(64);
    const tb = 'b'.repeat(64);
    const e = legendEntries([node(h(1), { type: tb, typeLabel: 'b' }), node(h(2), { type: ta, typeLabel: 'a' }), node(h(3), { type: tb, typeLabel: 'b' })]);
    expect(e).toEqual([
      { type: ta, label: 'a', count: 1 },
      { type: tb, label: 'b', count: 2 },
    ]);
  });

  it('type palette slots are deterministic: sorted within a batch, stable afterwards', () => {
    const i1 = assignTypeIndex({}, ['c', 'a', 'b', 'a']);
    expect(i1).toEqual({ a: 0, b: 1, c: 2 });
    expect(assignTypeIndex(i1, ['a'])).toBe(i1);
    expect(assignTypeIndex(i1, ['0'])).toEqual({ a: 0, b: 1, c: 2, '0': 3 });
  });

  it('node names fall back to type label and a short id', () => {
    expect(nodeName({ id: h(7), label: 'x' })).toBe('x');
    expect(nodeName({ id: 'abcdef0123', typeLabel: 'intent' })).toBe('intent:abcdef');
    expect(nodeName({ id: 'abcdef0123' })).toBe('abcdef01');
  });
});

describe('tick selectors', () => {
  const att = (id: string, label?: string): SlotDto => ({ kind: 'attachment', owner: 'node', plane: 'alpha', warp: W, id, ...(label ? { label } : {}) });
  const cand = (index: number, over: Partial<CandidateDto> = {}): CandidateDto => ({
    index,
    rule: 'demo/diffuse',
    ruleId: h(90),
    scope: h(index + 1),
    scopeWarp: W,
    scopeHash: h(91),
    disposition: 'applied',
    blockedBy: [],
    footprint: { reads: [], writes: [], ports: [] },
    overlaps: [],
    ...over,
  });

  it('slot texts use α/β for attachments', () => {
    expect(slotText(att(h(1), 'cell-0-2'))).toBe('α(cell-0-2)');
    expect(slotText({ kind: 'attachment', owner: 'edge', plane: 'beta', warp: W, id: h(1) })).toBe(`β(${h(1).slice(0, 8)})`);
    expect(slotText({ kind: 'node', warp: W, id: h(1), label: 'n' })).toBe('node(n)');
    expect(slotText({ kind: 'port', port: '7' })).toBe('port 7');
  });

  it('overlap sentences name the exact slot, the blocker rule and its index', () => {
    const b = cand(0);
    expect(overlapSentence({ slot: att(h(1), 'cell-0-2'), candidate: 'read', blocker: 'write' }, b)).toBe('reads α(cell-0-2), which demo/diffuse at #0 writes');
    expect(overlapSentence({ slot: att(h(1), 'x'), candidate: 'write', blocker: 'write' }, { rule: 's4/set_a', index: 0 })).toBe('writes α(x), which s4/set_a at #0 also writes');
  });

  it('the footprint overlay splits reads and writes and outlines blockers by scope', () => {
    const blocker = cand(0);
    const c = cand(2, {
      disposition: 'rejected',
      blockedBy: [0],
      footprint: { reads: [{ kind: 'node', warp: W, id: h(3) }, att(h(1))], writes: [att(h(3))], ports: [{ kind: 'port', port: '1' }] },
    });
    const o = footprintOverlay(c, [blocker, cand(1), c]);
    expect([...o.reads].sort()).toEqual([elementKey(W, h(1)), elementKey(W, h(3))]);
    expect([...o.writes]).toEqual([elementKey(W, h(3))]);
    expect([...o.blockers]).toEqual([elementKey(W, h(1))]);
    expect(o.scope).toBe(elementKey(W, h(3)));
    expect(footprintOverlay(null, []).reads.size).toBe(0);
  });
});

describe('profile, determinism and merge readiness', () => {
  it('profile rows follow the chain and skip unknown summaries; totals per rule', () => {
    const chain = branchChain(DAG);
    const rows = profileRows(chain, SummaryIndex.empty().with([summary(h(1), null, 1), summary(h(3), h(2), 3, { millis: 0 })]));
    expect(rows.map((r) => r.tick)).toEqual([1, 3]);
    expect(rows[1]!.millis).toBeNull();
    expect(ruleTotals(rows)).toEqual([{ rule: 'r', applied: 4, rejected: 2 }]);
  });

  it('determinism text: A = B = C when all agree, the odd one out otherwise', () => {
    const d = (agree: boolean): DeterminismDto => ({
      ticks: 3,
      agree,
      chains: [
        { label: 'recorded', heads: ['x', 'y', 'z'] },
        { label: '1 worker', heads: ['x', 'y', 'z'] },
        { label: 'shuffled', heads: ['x', agree ? 'y' : 'q', 'z'] },
      ],
      firstDifference: agree ? null : { tick: 2, labels: ['shuffled'] },
    });
    expect(determinismText(d(true))).toBe('A = B = C ✓ (3 ticks)');
    expect(determinismText(d(false))).toBe('A = B ≠ C at tick 2');
  });

  it('a merge is ready only when every conflict has a choice', () => {
    const store = createEchoStore();
    expect(mergeReady(store.getState())).toBe(false);
    const c = { key: 'k', slot: 's', base: '', ours: '', theirs: '', oursCommits: [], theirsCommits: [] };
    store.getState().timeline.openMerge('main', 'f', { base: null, ours: null, theirs: h(1), clean: 0, conflicts: [c] });
    expect(mergeReady(store.getState())).toBe(false);
    store.getState().timeline.resolve('k', 'theirs');
    expect(mergeReady(store.getState())).toBe(true);
  });
});
