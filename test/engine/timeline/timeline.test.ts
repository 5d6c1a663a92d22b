/**
 * Timelines: fork/replay, seek-then-step, disjoint merge = both histories on one branch, merge
 * determinism, conflicts with base/ours/theirs, first divergence by binary search, blame; and a
 * model-based test (fc.commands) against a naive twin that replays from U0 every time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStateRoot, makeNodeId, makeTypeId, ROOT_WARP, atom, toHex, type Engine } from '../../../engine/index';
import { WorldSession, instantiateWorld } from '../../../engine/world';
import demo from '../../../engine/worlds/demo';
import { Timeline, TimelineError, replayCommit, type TimelineHost } from '../../../engine/timeline/index';
import { prop } from '../../support/prop';

const HEAT = makeTypeId('demo/heat');
const cell = (r: number, c: number) => makeNodeId(`cell-${r}-${c}`);
const heat = (n: number) => atom(HEAT, new Uint8Array([n & 255, 0, 0, 0]));

function demoTimeline(k = 8): { tl: Timeline; session: WorldSession } {
  const session = new WorldSession(instantiateWorld(demo, 'demo'));
  return { tl: new Timeline(session, { checkpointEvery: k }), session };
}

/** A host whose ticks apply no rules: commits carry only direct edits. */
function quietHost(): TimelineHost {
  const s = new WorldSession(instantiateWorld(demo, 'demo'));
  const e = s.engine;
  return { engine: e, runTick: () => e.commitWithReceipt(e.begin()) };
}

const rootOf = (e: Engine) => toHex(computeStateRoot(e.warpState, e.root));

describe('fork, seek and replay', () => {
  it('fork then replay reproduces every hash on every branch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 10 }), fc.nat(255), (n, m, v) => {
        const { tl, session } = demoTimeline(4);
        const main = tl.step(n);
        const at = main[Math.floor(n / 2)]!.hex;
        tl.fork('f', at);
        session.engine.setNodeAttachment(cell(1, 1), heat(v));
        tl.step(m);
        for (const b of tl.branchNames()) expect(tl.verify(b)).toEqual({ ok: true, count: tl.chain(tl.head(b)).length });
        expect(rootOf(session.engine)).toBe(toHex(tl.commit(tl.head('f')!).stateRoot));
      }),
      prop(15),
    );
  });

  it('seek(k) then step equals the original commit k+1, and seek replays at most K-1 commits', () => {
    const { tl } = demoTimeline(8);
    const c = tl.step(40);
    for (const k of [0, 7, 8, 9, 23, 38]) {
      expect(tl.replayDistance(c[k]!.hex)).toBeLessThan(8);
      const st = tl.stateAt(c[k]!.hex);
      expect(toHex(computeStateRoot(st, tl.env.root))).toBe(toHex(c[k]!.stateRoot));
      tl.fork(`s${k}`, c[k]!.hex);
      const [next] = tl.step(1);
      expect(next!.hex).toBe(c[k + 1]!.hex);
    }
  });

  it('identical states on different branches are recognised by equal state roots', () => {
    const { tl } = demoTimeline();
    const c = tl.step(6);
    tl.fork('twin', c[2]!.hex);
    tl.step(3); // deterministic driver: the same commits again
    expect(tl.head('twin')).toBe(c[5]!.hex);
    expect(tl.commitsWithStateRoot(toHex(c[5]!.stateRoot))).toContain(c[5]!.hex);
  });

  it('a tampered record is reported with the commit it is in', () => {
    const { tl } = demoTimeline();
    const c = tl.step(5);
    const bad = { ...c[3]!, appliedOps: Array.from(c[3]!.appliedOps).slice(1) };
    const st = tl.stateAt(c[2]!.hex);
    expect(() => replayCommit(st, bad, tl.env)).toThrow(TimelineError);
    try {
      replayCommit(tl.stateAt(c[2]!.hex), bad, tl.env);
    } catch (e) {
      expect((e as TimelineError).detail.commit).toBe(c[3]!.hex);
    }
  });
});

describe('commits in creation order', () => {
  it('commitsFrom lists each commit once, in the order added; a known commit is not added again', () => {
    const { tl, session } = demoTimeline(4);
    const order: string[] = [];
    order.push(...tl.step(5).map((c) => c.hex));
    tl.fork('f', order[1]!);
    order.push(...tl.step(2).map((c) => c.hex)); // identical states: main's ticks 3 and 4 again
    expect(tl.commitCount()).toBe(5);
    session.engine.setNodeAttachment(cell(0, 0), heat(9));
    order.push(...tl.step(3).map((c) => c.hex)); // new commits at ticks 5..7 of f
    tl.switchTo('main');
    order.push(...tl.step(1).map((c) => c.hex));
    const unique = [...new Set(order)];
    expect(tl.commitCount()).toBe(unique.length);
    expect(tl.commitsFrom().map((c) => c.hex)).toEqual(unique);
    expect(tl.commitsFrom(6).map((c) => c.hex)).toEqual(unique.slice(6));
    expect(tl.commitsFrom(unique.length)).toEqual([]);
    expect(new Set(tl.commitsFrom().map((c) => c.hex))).toEqual(new Set(tl.allCommits().map((c) => c.hex)));
  });
});

describe('three-way merge', () => {
  it('disjoint changes: merge equals applying both histories on one branch (same state root)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.nat(5), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(2), fc.nat(5), fc.nat(255)), { minLength: 1, maxLength: 6 }), (ea, eb) => {
        const edits = (list: Array<[number, number, number]>, rowOffset: number) => list.map(([r, c, v]) => ({ id: cell(r + rowOffset, c), v }));
        const A = edits(ea, 0);
        const B = edits(eb, 3); // rows 3..5: disjoint from A's rows 0..2
        const host = quietHost();
        const tl = new Timeline(host);
        tl.step(2);
        const base = tl.head()!;
        tl.fork('a', base);
        for (const x of A) host.engine.setNodeAttachment(x.id, heat(x.v));
        tl.step(1);
        tl.fork('b', base);
        for (const x of B) host.engine.setNodeAttachment(x.id, heat(x.v));
        tl.step(1);
        const p = tl.mergePreview('a', 'b');
        expect(p.conflicts).toEqual([]);
        const merged = tl.merge('a', 'b');
        expect(merged.parents.map(toHex)).toEqual([tl.commit(merged.parentHexes[0]!).hex, tl.commit(tl.head('b')!).hex]);
        // Both histories on one branch.
        const host2 = quietHost();
        const tl2 = new Timeline(host2);
        tl2.step(2);
        for (const x of A) host2.engine.setNodeAttachment(x.id, heat(x.v));
        tl2.step(1);
        for (const x of B) host2.engine.setNodeAttachment(x.id, heat(x.v));
        tl2.step(1);
        expect(toHex(merged.stateRoot)).toBe(toHex(tl2.commit(tl2.head()!).stateRoot));
        expect(tl.verify('a').ok).toBe(true);
      }),
      prop(20),
    );
  });

  it('conflicts list base/ours/theirs and their writers; resolutions are required; the merge commit is deterministic', () => {
    const run = () => {
      const { tl, session } = demoTimeline();
      tl.step(3);
      const base = tl.head()!;
      tl.fork('fork-1', base);
      session.engine.setNodeAttachment(cell(0, 0), heat(201));
      tl.step(2);
      tl.switchTo('main');
      session.engine.setNodeAttachment(cell(5, 5), heat(202));
      tl.step(2);
      const p = tl.mergePreview('main', 'fork-1');
      expect(p.base).toBe(base);
      expect(p.conflicts.length).toBeGreaterThan(0);
      for (const c of p.conflicts) {
        expect(c.ours).not.toEqual(c.theirs);
        expect(c.oursCommits.length + c.theirsCommits.length).toBeGreaterThan(0);
      }
      expect(() => tl.merge('main', 'fork-1')).toThrow(expect.objectContaining({ code: 'UnresolvedConflict' }));
      const res: Record<string, 'ours' | 'theirs'> = {};
      p.conflicts.forEach((c, i) => (res[c.key] = i % 2 ? 'ours' : 'theirs'));
      const m = tl.merge('main', 'fork-1', res);
      expect(m.parents.length).toBe(2);
      expect(tl.verify('main')).toEqual({ ok: true, count: tl.chain(tl.head('main')).length });
      tl.step(2); // the live engine continues from the merge commit
      expect(tl.verify('main').ok).toBe(true);
      return m.hex;
    };
    expect(run()).toBe(run());
  });

  it('an explicit value resolves a conflict', () => {
    const host = quietHost();
    const tl = new Timeline(host);
    tl.step(1);
    const base = tl.head();
    tl.fork('x', base);
    host.engine.setNodeAttachment(cell(2, 2), heat(1));
    tl.step(1);
    tl.fork('y', base);
    host.engine.setNodeAttachment(cell(2, 2), heat(2));
    tl.step(1);
    const p = tl.mergePreview('x', 'y');
    expect(p.conflicts.map((c) => c.slot.kind)).toEqual(['nodeAttachment']);
    const m = tl.merge('x', 'y', { [p.conflicts[0]!.key]: { value: { kind: 'nodeAttachment', value: heat(99) } } });
    const st = tl.stateAt(m.hex);
    expect(st.store(ROOT_WARP)!.nodeAttachment(cell(2, 2))).toEqual(heat(99));
  });
});

describe('first divergence and blame', () => {
  it('finds the first differing commit with O(log n) hash compares and reports its differences', () => {
    const { tl, session } = demoTimeline();
    const c = tl.step(64);
    tl.fork('alt', c[40]!.hex);
    session.engine.setNodeAttachment(cell(3, 3), heat(250));
    tl.step(20);
    const d = tl.firstDivergence('main', 'alt');
    expect(d.index).toBe(41);
    expect(d.a).toBe(c[41]!.hex);
    expect(d.hashCompares).toBeLessThanOrEqual(Math.ceil(Math.log2(62)) + 1);
    expect(d.ops.onlyA.length + d.ops.onlyB.length).toBeGreaterThan(0);
  });

  it('blame names the rule and scope (or the direct edit) that wrote an attachment, with before/after', () => {
    const { tl } = demoTimeline();
    const [last] = tl.step(5).slice(-1);
    const op = Array.from(last!.record.patch.ops).find((o) => o.op === 'SetAttachment' && o.key.owner === 'node' && last!.record.ruleNames.length > 0);
    expect(op?.op).toBe('SetAttachment');
    const { local: id, warp } = (op as { key: { local: Uint8Array; warp: typeof ROOT_WARP } }).key;
    const h = tl.blame({ kind: 'nodeAttachment', warp, id });
    expect(h[h.length - 1]!.commit).toBe(last!.hex);
    const by = h[h.length - 1]!.by;
    expect(by.kind).toBe('rule');
    if (by.kind === 'rule') expect(['demo/diffuse', 'cmd/pump', 'motion/update', 'demo/lamp']).toContain(by.rule);
    for (let i = 1; i < h.length; i++) expect(h[i]!.before).toEqual(h[i - 1]!.after);
    // Where no rule touches the slot, the direct edit is the writer.
    const host = quietHost();
    const q = new Timeline(host);
    q.step(2);
    host.engine.setNodeAttachment(cell(4, 4), heat(77));
    const [c] = q.step(1);
    const hq = q.blame({ kind: 'nodeAttachment', warp: ROOT_WARP, id: cell(4, 4) });
    expect(hq).toHaveLength(1);
    expect(hq[0]).toMatchObject({ commit: c!.hex, by: { kind: 'input', input: 'setNodeAttachment' }, after: { kind: 'nodeAttachment', value: heat(77) } });
  });
});

describe('model-based: timeline operations against a naive replay-from-U0 twin', () => {
  type Model = { chains: Map<string, string[]>; active: string; forks: number };
  type Real = { tl: Timeline; session: WorldSession };
  const naiveRoot = (r: Real, chain: readonly string[]) => {
    const st = r.tl.initialState();
    for (const h of chain) replayCommit(st, r.tl.commit(h), r.tl.env);
    return toHex(computeStateRoot(st, r.tl.env.root));
  };
  const check = (m: Model, r: Real) => {
    expect(r.tl.activeBranch).toBe(m.active);
    for (const [b, chain] of m.chains) {
      expect(r.tl.chain(r.tl.head(b)).map((c) => c.hex)).toEqual(chain);
      const expected = chain.length ? toHex(r.tl.commit(chain[chain.length - 1]!).stateRoot) : naiveRoot(r, []);
      expect(naiveRoot(r, chain)).toBe(expected);
      const head = r.tl.head(b);
      expect(toHex(computeStateRoot(r.tl.stateAt(head), r.tl.env.root))).toBe(expected);
    }
    expect(rootOf(r.session.engine)).toBe(naiveRoot(r, m.chains.get(m.active)!));
  };
  class Step implements fc.Command<Model, Real> {
    constructor(readonly n: number) {}
    check = () => true;
    run(m: Model, r: Real) {
      const made = r.tl.step(this.n).map((c) => c.hex);
      m.chains.get(m.active)!.push(...made);
      check(m, r);
    }
    toString = () => `step(${this.n})`;
  }
  class Edit implements fc.Command<Model, Real> {
    constructor(readonly r0: number, readonly c0: number, readonly v: number) {}
    check = () => true;
    run(m: Model, r: Real) {
      r.session.engine.setNodeAttachment(cell(this.r0, this.c0), heat(this.v));
      const made = r.tl.step(1).map((c) => c.hex);
      m.chains.get(m.active)!.push(...made);
      check(m, r);
    }
    toString = () => `edit(${this.r0},${this.c0},${this.v})`;
  }
  class Fork implements fc.Command<Model, Real> {
    constructor(readonly pick: number) {}
    check = () => true;
    run(m: Model, r: Real) {
      const chain = m.chains.get(m.active)!;
      const cut = chain.length === 0 ? 0 : this.pick % (chain.length + 1);
      const name = `f${m.forks++}`;
      r.tl.fork(name, cut === 0 ? null : chain[cut - 1]!);
      m.chains.set(name, chain.slice(0, cut));
      m.active = name;
      check(m, r);
    }
    toString = () => `fork(${this.pick})`;
  }
  class Switch implements fc.Command<Model, Real> {
    constructor(readonly pick: number) {}
    check = (m: Readonly<Model>) => m.chains.size > 1;
    run(m: Model, r: Real) {
      const names = Array.from(m.chains.keys()).sort();
      const name = names[this.pick % names.length]!;
      r.tl.switchTo(name);
      m.active = name;
      check(m, r);
    }
    toString = () => `switch(${this.pick})`;
  }
  it('random steps, edits, forks and switches keep every branch, seek and the live engine consistent', () => {
    const cmds = [
      fc.integer({ min: 1, max: 6 }).map((n) => new Step(n)),
      fc.tuple(fc.nat(5), fc.nat(5), fc.nat(255)).map(([a, b, v]) => new Edit(a, b, v)),
      fc.nat(100).map((p) => new Fork(p)),
      fc.nat(100).map((p) => new Switch(p)),
    ];
    fc.assert(
      fc.property(fc.commands(cmds, { maxCommands: 25 }), (c) => {
        const session = new WorldSession(instantiateWorld(demo, 'demo'));
        const real: Real = { tl: new Timeline(session, { checkpointEvery: 5 }), session };
        const model: Model = { chains: new Map([['main', []]]), active: 'main', forks: 0 };
        fc.modelRun(() => ({ model, real }), c);
      }),
      prop(12),
    );
  });
});
