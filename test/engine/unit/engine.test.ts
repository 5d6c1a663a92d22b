/**
 * Engine behaviour beyond the golden vectors: registration errors, apply error order, failed ticks
 * roll back exactly, abort leaves no trace, portals + applyInWarp with a descent stack, replay
 * (jumpToTick) across ingested intents, and the materialization bus at commit.
 */
import { describe, expect, it } from 'vitest';
import {
  Engine,
  EngineError,
  Footprint,
  GraphStore,
  TickFailedError,
  ackPendingRule,
  atom,
  canonicalStateHash,
  computeStateRoot,
  makeChannelId,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  toHex,
  utf8,
  type RewriteRule,
} from '../../../engine/index';
import { addChildRule, s4SetRule, s7OpenPortalRule } from '../golden/scenarioRules';

const ROOT = makeNodeId('root');
function base(): Engine {
  const s = new GraphStore();
  s.insertNode(ROOT, { ty: makeTypeId('world') });
  return new Engine(s, ROOT);
}

function rule(name: string, exec: RewriteRule['executor'], fp?: RewriteRule['computeFootprint']): RewriteRule {
  return { id: makeRuleId(name), name, matcher: () => true, executor: exec, computeFootprint: fp ?? (() => new Footprint()) };
}

describe('registration', () => {
  it('rejects duplicate names, duplicate ids and join without joinFn, with typed codes', () => {
    const e = base();
    e.registerRule(addChildRule());
    expect(() => e.registerRule(addChildRule())).toThrow(expect.objectContaining({ code: 'DuplicateRuleName' }));
    expect(() => e.registerRule({ ...addChildRule(), name: 'other' })).toThrow(expect.objectContaining({ code: 'DuplicateRuleId' }));
    expect(() => e.registerRule({ ...rule('j', () => {}), conflictPolicy: 'join' })).toThrow(expect.objectContaining({ code: 'MissingJoinFn' }));
    expect(() => e.registerRule({ ...rule('short', () => {}), id: new Uint8Array(31) })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(e.registeredRules().map((r) => r.name)).toEqual(['test/add_child']);
  });

  it('apply checks tx, then rule, then ids, then warp; a non-matching rule enqueues nothing', () => {
    const e = base();
    e.registerRule({ ...rule('never', () => {}), matcher: () => false });
    expect(() => e.apply(0, 'never', ROOT)).toThrow(expect.objectContaining({ code: 'UnknownTx' }));
    const tx = e.begin();
    expect(() => e.apply(tx, 'nope', ROOT)).toThrow(expect.objectContaining({ code: 'UnknownRule' }));
    expect(() => e.applyInWarp(tx, makeWarpId('nowhere'), 'never', ROOT, [])).toThrow(expect.objectContaining({ code: 'UnknownWarp' }));
    // Ids that are not 32 bytes never reach the queue (the receipt layouts are fixed-stride).
    expect(() => e.apply(tx, 'never', ROOT.subarray(0, 16) as typeof ROOT)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => e.applyInWarp(tx, new Uint8Array(33) as never, 'never', ROOT, [])).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(e.apply(tx, 'never', ROOT)).toBe('noMatch');
    expect(e.pendingCount(tx)).toBe(0);
    e.commit(tx);
    expect(() => e.commit(tx)).toThrow(expect.objectContaining({ code: 'UnknownTx' }));
  });
});

describe('failed ticks leave no trace (better than warp-core §12.3 item 13)', () => {
  it('an executor that throws: typed error naming rule and scope; state, history and hashes unchanged', () => {
    const e = base();
    e.registerRule(addChildRule());
    e.registerRule(rule('boom', () => { throw new Error('kaboom'); }, (v, s) => new Footprint().readNode(s)));
    e.commit(e.begin());
    const before = { root: toHex(e.snapshot().hash), dind: toHex(canonicalStateHash(e.rootStore)), n: e.ledger().length };
    const tx = e.begin();
    e.apply(tx, 'test/add_child', ROOT);
    e.apply(tx, 'boom', makeNodeId('x'));
    let err: unknown;
    try { e.commitWithReceipt(tx); } catch (x) { err = x; }
    expect(err).toBeInstanceOf(TickFailedError);
    expect((err as TickFailedError).detail.ruleName).toBe('boom');
    expect((err as TickFailedError).detail.scopeHex).toBe(toHex(makeNodeId('x')));
    expect((err as Error).message).toContain('kaboom');
    expect({ root: toHex(e.snapshot().hash), dind: toHex(canonicalStateHash(e.rootStore)), n: e.ledger().length }).toEqual(before);
    expect(e.isLive(tx)).toBe(false);
    // The engine keeps working.
    const tx2 = e.begin();
    e.apply(tx2, 'test/add_child', ROOT);
    expect(e.commitWithReceipt(tx2).patch.ops.length).toBe(2);
  });

  it('ops that do not apply (SetAttachment on a missing node after other writes) are rolled back', () => {
    const e = base();
    const ghost = makeNodeId('ghost');
    e.registerRule(addChildRule());
    e.registerRule(rule('bad', (v, s, d) => d.emit({ op: 'SetAttachment', key: nodeAlpha(v.warpId(), ghost), value: atom(makeTypeId('x'), utf8('1')) })));
    const before = toHex(canonicalStateHash(e.rootStore));
    const edgesBefore = e.rootStore.edgesFrom(ROOT).length;
    const tx = e.begin();
    e.apply(tx, 'test/add_child', ROOT);
    e.apply(tx, 'bad', ROOT);
    expect(() => e.commit(tx)).toThrow(TickFailedError);
    expect(toHex(canonicalStateHash(e.rootStore))).toBe(before);
    expect(e.rootStore.edgesFrom(ROOT).length).toBe(edgesBefore);
  });
});

describe('abort and the materialization bus', () => {
  it('commit finalizes emissions; abort clears pending emissions but keeps the last commit results', () => {
    const e = base();
    const ch = makeChannelId('demo/out');
    const key = { scopeHash: new Uint8Array(32), ruleId: 0, subkey: 0 };
    let tx = e.begin();
    e.materializationBus().emit(ch, key, utf8('hi'));
    e.commit(tx);
    expect(e.lastMaterialization().length).toBe(1);
    tx = e.begin();
    e.materializationBus().emit(ch, key, utf8('dropped'));
    e.abort(tx);
    expect(e.lastMaterialization().length).toBe(1);
    tx = e.begin();
    e.commit(tx);
    expect(e.lastMaterialization().length).toBe(0);
  });
});

describe('conflicts: blockers and reject dispositions', () => {
  it('two writers of one attachment: the later in drain order is rejected, blocked by entry 0', () => {
    const e = base();
    e.registerRule(s4SetRule('a'));
    e.registerRule(s4SetRule('b'));
    const tx = e.begin();
    e.apply(tx, 's4/set_b', ROOT);
    e.apply(tx, 's4/set_a', ROOT);
    const r = e.commitWithReceipt(tx);
    expect(Array.from(r.receipt.entries, (x) => x.disposition)).toEqual(['applied', 'rejected']);
    expect(r.receipt.blockedBy).toEqual([[], [0]]);
    // Drain order is by scope hash, not by apply order.
    const hashes = Array.from(r.receipt.entries, (x) => toHex(x.scopeHash));
    expect(hashes.slice().sort()).toEqual(hashes);
    expect(new Set(r.ruleNames)).toEqual(new Set(['s4/set_a', 's4/set_b']));
  });
});

describe('instances and portals', () => {
  it('open a portal, then rewrite inside the child with a descent stack; replay reproduces every root', () => {
    const e = base();
    e.registerRule(s7OpenPortalRule());
    e.registerRule(addChildRule());
    let tx = e.begin();
    e.apply(tx, 's7/open_portal', ROOT);
    const r1 = e.commitWithReceipt(tx);
    expect(Array.from(r1.patch.ops, (o) => o.op)).toEqual(['OpenPortal']);
    const child = makeWarpId('s7/child');
    const childRoot = makeNodeId('s7/child-root');
    expect(e.warpState.instance(child)?.parent).toEqual(nodeAlpha(e.root.warp, ROOT));
    tx = e.begin();
    const portal = nodeAlpha(e.root.warp, ROOT);
    expect(e.applyInWarp(tx, child, 'test/add_child', childRoot, [portal])).toBe('applied');
    const r2 = e.commitWithReceipt(tx);
    expect(Array.from(r2.patch.inSlots).some((s) => s.kind === 'attachment' && toHex(s.key.local) === toHex(ROOT))).toBe(true);
    expect(Array.from(r2.patch.ops, (o) => o.op)).toEqual(['UpsertNode', 'UpsertEdge']);
    expect(toHex(r2.snapshot.stateRoot)).not.toBe(toHex(r1.snapshot.stateRoot));
    // A portal change conflicts with the rewrite inside the child in the same tick.
    tx = e.begin();
    e.apply(tx, 's7/open_portal', ROOT);
    e.applyInWarp(tx, child, 'test/add_child', childRoot, [portal]);
    const r3 = e.commitWithReceipt(tx);
    expect(Array.from(r3.receipt.entries).filter((x) => x.disposition === 'rejected').length).toBe(1);
    // Replay from U0.
    const roots = e.ledger().map((t) => toHex(t.snapshot.stateRoot));
    roots.forEach((root, i) => {
      e.jumpToTick(i);
      expect(toHex(computeStateRoot(e.warpState, e.root))).toBe(root);
    });
  });
});

describe('replay across ingested intents (warp-core fails here, §12.1 T14)', () => {
  it('jumpToTick reproduces every state root of a history that consumed intents', () => {
    const e = base();
    e.registerRule(ackPendingRule());
    const roots: string[] = [];
    for (let i = 0; i < 4; i++) {
      e.ingestIntent(utf8(`intent-${i}`));
      const tx = e.begin();
      e.dispatchNextIntent(tx);
      roots.push(toHex(e.commit(tx).stateRoot));
    }
    roots.forEach((root, i) => {
      e.jumpToTick(i);
      expect(toHex(computeStateRoot(e.warpState, e.root))).toBe(root);
    });
    expect(() => e.jumpToTick(4)).toThrow(EngineError);
  });
});
