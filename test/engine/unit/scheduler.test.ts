/**
 * Scheduler details not covered by the golden vectors: last-wins enqueue with nonce refresh, the
 * Legacy scheduler's factor-mask fast path (§4.6), `sys/dispatch_inbox`, and port conflicts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Engine,
  Footprint,
  GraphStore,
  Scheduler,
  ROOT_WARP,
  dispatchInboxRule,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  nodeAlpha,
  packPortKey,
  toHex,
  utf8,
  type PendingRewrite,
  type RewriteRule,
} from '../../../engine/index';
import { prop } from '../../support/prop';

const ROOT = makeNodeId('root');
const pr = (scopeByte: number, compact: number, fp: Footprint): PendingRewrite => ({
  ruleId: makeRuleId(`r${compact}`),
  compactRule: compact,
  scopeHash: new Uint8Array(32).fill(scopeByte),
  scope: { warp: ROOT_WARP, local: makeNodeId(`s${scopeByte}`) },
  footprint: fp,
  phase: 'matched',
});

describe('scheduler', () => {
  it('last-wins enqueue replaces the payload in place and keeps one entry', () => {
    const s = new Scheduler();
    const a = pr(1, 0, new Footprint().readNode(ROOT));
    const b = pr(1, 0, new Footprint().writeNode(ROOT));
    s.enqueue(1, pr(2, 0, new Footprint()));
    s.enqueue(1, a);
    s.enqueue(1, b);
    expect(s.pendingCount(1)).toBe(2);
    const drained = s.drainForTx(1);
    expect(drained[0]).toBe(b);
  });

  it('last-wins per (scope hash, compact rule), several rules under one scope hash included, against a naive twin', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.nat(3)), { maxLength: 60 }), (seq) => {
        const s = new Scheduler();
        const s2 = new Scheduler();
        const twin = new Map<string, { pr: PendingRewrite; nonce: number }>();
        seq.forEach(([scope, compact], nonce) => {
          const x = pr(scope, compact, new Footprint());
          s.enqueue(1, x);
          s2.enqueue(1, x);
          twin.set(`${scope}:${compact}`, { pr: x, nonce });
        });
        // Same scope bytes: compact id, then the nonce of the last enqueue decide (n ≤ 1024: byte order).
        const want = Array.from(twin.values())
          .sort((a, b) => a.pr.scopeHash[0]! - b.pr.scopeHash[0]! || a.pr.compactRule - b.pr.compactRule || a.nonce - b.nonce)
          .map((e) => e.pr);
        expect(s.pendingCount(1)).toBe(want.length);
        const got = s.drainForTx(1);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => expect(g).toBe(want[i]));
        // drainWithArrival: the same drain, and the drain position of each key in first-queued order
        // (a Map keeps its keys in first-insertion order, whatever replaced the value later).
        const { drained, arrival } = s2.drainWithArrival(1);
        expect(drained).toEqual(got);
        expect(Array.from(arrival, (i) => drained[i])).toEqual(Array.from(twin.values(), (e) => e.pr));
      }),
      prop(400),
    );
  });

  it('Legacy: factor masks 0 never reject; overlapping masks apply the matrix', () => {
    const legacy = new Scheduler('legacy');
    const w = (mask: bigint) => new Footprint().writeAttachment(nodeAlpha(ROOT_WARP, ROOT)).withFactorMask(mask);
    expect(legacy.reserve(1, pr(1, 0, w(0n)))).toBe(true);
    expect(legacy.reserve(1, pr(2, 1, w(0n)))).toBe(true); // same slot, masks 0: independent
    expect(legacy.reserve(2, pr(1, 0, w(1n)))).toBe(true);
    expect(legacy.reserve(2, pr(2, 1, w(1n)))).toBe(false);
    const radix = new Scheduler('radix');
    expect(radix.reserve(1, pr(1, 0, w(0n)))).toBe(true);
    expect(radix.reserve(1, pr(2, 1, w(0n)))).toBe(false); // Radix ignores masks
  });

  it('any two uses of one port conflict; port keys collide on the first four node bytes', () => {
    const s = new Scheduler();
    const p = packPortKey(ROOT, 7, true);
    expect(s.reserve(1, pr(1, 0, new Footprint().portIn(p)))).toBe(true);
    expect(s.reserve(1, pr(2, 1, new Footprint().portOut(p)))).toBe(false);
    const other = ROOT.slice() as typeof ROOT;
    other[5] ^= 0xff;
    expect(packPortKey(other, 7, true)).toBe(p);
  });
});

describe('sys/dispatch_inbox', () => {
  it('deletes every pending edge of the inbox in one rewrite', () => {
    const store = new GraphStore();
    store.insertNode(ROOT, { ty: makeTypeId('world') });
    const e = new Engine(store, ROOT);
    e.registerRule(dispatchInboxRule());
    for (const s of ['a', 'b', 'c']) e.ingestIntent(utf8(s));
    expect(e.pendingIntentCount()).toBe(3);
    const tx = e.begin();
    expect(e.apply(tx, 'sys/dispatch_inbox', makeNodeId('sim/inbox'))).toBe('applied');
    const r = e.commitWithReceipt(tx);
    expect(Array.from(r.patch.ops, (o) => o.op)).toEqual(['DeleteEdge', 'DeleteEdge', 'DeleteEdge']);
    expect(e.pendingIntentCount()).toBe(0);
    const tx2 = e.begin();
    expect(e.apply(tx2, 'sys/dispatch_inbox', makeNodeId('sim/inbox'))).toBe('noMatch');
    e.abort(tx2);
  });

  it('an unknown rule in dispatchNextIntent surfaces when ack_pending is not registered', () => {
    const store = new GraphStore();
    store.insertNode(ROOT, { ty: makeTypeId('world') });
    const e = new Engine(store, ROOT);
    const noop: RewriteRule = { id: makeRuleId('x'), name: 'x', matcher: () => true, executor: () => {}, computeFootprint: () => new Footprint() };
    e.registerRule(noop);
    e.ingestIntent(utf8('hello'));
    expect(() => e.dispatchNextIntent(e.begin())).toThrow(expect.objectContaining({ code: 'UnknownRule' }));
    expect(toHex(makeNodeId('root'))).toBe(toHex(ROOT));
  });
});
