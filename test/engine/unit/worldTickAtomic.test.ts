/**
 * A failed world tick is atomic with the intents its driver ingested: `WorldSession.tick` undoes
 * them (Engine.rollbackInputs), so the state root, the inbox and the uncommitted inputs are exactly
 * as before the tick, and a retry commits the same tick normally. Edits made before the tick stay.
 */
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../engine/bytes';
import { computeStateRoot } from '../../../engine/snapshot';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import { instantiateWorld, worldApi, WorldError, WorldSession, type WorldApi, type WorldDefinition } from '../../../engine/world';
import dindWorld from '../../../engine/worlds/dind';

type Failure = 'none' | 'executor' | 'driver' | 'footprint';

function failingWorld(api: WorldApi, mode: { fail: Failure }): WorldDefinition {
  const ROOT = api.makeNodeId('root');
  const T = api.makeTypeId('t');
  const boom = api.defineRule({
    name: 'test/boom',
    matcher: (v, s) => v.node(s) !== undefined,
    footprint: (v, s) => new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(v.warpId(), s)),
    executor: (v, s, delta) => {
      if (mode.fail === 'executor') throw new Error('boom');
      // 'footprint': writes the attachment of a node the footprint does not declare.
      const target = mode.fail === 'footprint' ? api.makeNodeId('other') : s;
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), target), value: api.atom(T, new Uint8Array([1])) });
    },
  });
  return {
    name: 'atomic',
    description: 'ingests an intent every tick, then applies a rule that may fail',
    rules: () => [boom, api.inbox.ackPendingRule()],
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(ROOT, { ty: T });
      store.insertNode(api.makeNodeId('other'), { ty: T });
      store.insertEdge(ROOT, { id: api.makeEdgeId('root->other'), from: ROOT, to: api.makeNodeId('other'), ty: T });
      return { store, root: ROOT };
    },
    driver: (ctx) => {
      ctx.ingest(utf8(`intent #${ctx.tick}`));
      if (mode.fail === 'driver') throw new Error('driver gives up after ingesting');
      ctx.apply('test/boom', ROOT);
    },
  };
}

function fingerprint(s: WorldSession) {
  const e = s.engine;
  return {
    root: toHex(computeStateRoot(e.warpState, e.root)),
    bytes: toHex(encodeWarpState(e.warpState)),
    pending: e.pendingIntentCount(),
    inputs: e.uncommittedInputs().map((x) => x.kind),
    head: e.lastCommit ? toHex(e.lastCommit.hash) : null,
    ticks: s.tickCount,
    snapshot: toHex(e.snapshot().stateRoot),
  };
}

describe('WorldSession.tick is atomic with driver-ingested intents', () => {
  for (const fail of ['executor', 'driver', 'footprint'] as const) {
    it(`a tick failing in the ${fail} after ctx.ingest leaves state root, inbox and inputs exactly as before; a retry commits`, () => {
      const mode: { fail: Failure } = { fail: 'none' };
      const s = new WorldSession(failingWorld(worldApi, mode), {}, { strictFootprints: true });
      s.tick();
      s.tick();
      // An edit made before the failing tick must survive its rollback.
      s.engine.ingestIntent(utf8('made by the user before the tick'));
      const before = fingerprint(s);
      expect(before.inputs).toEqual(['ingestIntent']);

      mode.fail = fail;
      expect(() => s.tick()).toThrow(fail === 'footprint' ? /outside its declared write footprint/ : WorldError);
      expect(fingerprint(s)).toEqual(before);
      // Twice in a row: still nothing accumulates.
      expect(() => s.tick()).toThrow();
      expect(fingerprint(s)).toEqual(before);

      mode.fail = 'none';
      const rec = s.tick();
      expect(rec.inputs.map((x) => x.kind)).toEqual(['ingestIntent', 'ingestIntent']);
      const after = fingerprint(s);
      expect(after.ticks).toBe(before.ticks + 1);
      expect(after.pending).toBe(before.pending + 1);
      expect(after.inputs).toEqual([]);

      // The retried history equals one that never failed.
      const clean = new WorldSession(failingWorld(worldApi, { fail: 'none' }), {}, { strictFootprints: true });
      clean.tick();
      clean.tick();
      clean.engine.ingestIntent(utf8('made by the user before the tick'));
      expect(toHex(clean.tick().snapshot.hash)).toBe(toHex(rec.snapshot.hash));
    });
  }

  it('the DIND world with strict footprints forced on: the failing toast tick leaves no ingested intent behind', () => {
    const def = instantiateWorld(dindWorld, 'dind');
    expect(def.strictFootprints).toBe(false);
    const s = new WorldSession(def, {}, { strictFootprints: true });
    let failed = false;
    for (let i = 0; i < 30 && !failed; i++) {
      const before = fingerprint(s);
      try {
        s.tick();
      } catch (e) {
        failed = true;
        expect((e as { code?: string }).code).toBe('FootprintViolation');
        expect(fingerprint(s)).toEqual(before);
      }
    }
    expect(failed).toBe(true);
  });

  it('instantiateWorld validates strictFootprints', () => {
    const base = failingWorld(worldApi, { fail: 'none' });
    expect(() => instantiateWorld(() => ({ ...base, strictFootprints: 'no' }), 'w.ts')).toThrow(/world.strictFootprints must be a boolean/);
    expect(instantiateWorld(() => ({ ...base, strictFootprints: false }), 'w.ts').strictFootprints).toBe(false);
    expect(instantiateWorld(() => base, 'w.ts').strictFootprints).toBeUndefined();
  });
});
