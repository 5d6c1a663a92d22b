/**
 * The Studio host's editing and long-operation channels, in process:
 * - `echo:query.edge`: record, decoded β attachment, provenance;
 * - `echo:edit.apply`: direct edits committed as inputs of the next tick (all or nothing; typed
 *   errors change nothing; the timeline stays verifiable, exportable and deterministic);
 * - `echo:intent.ingest`;
 * - per-world strict footprints (dind opts out and steps; a violating world still fails typed);
 * - cancellation and progress of step N, verify, determinism check, merge, export and import.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EchoEvents, EventChannel, GraphNodeDto, GraphSnapshotDto, InvokeChannel, Reply, Res, TickEventDto } from '../../engine/contract/index';
import { computeIntentId, makeEdgeId, makeNodeId, toHex, utf8 } from '../../engine/index';
import { EngineHost } from '../../main/host/engineHost';

const hosts: EngineHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

async function demoHost(opts: ConstructorParameters<typeof EngineHost>[0] = {}, world = 'demo', params: Record<string, string> = {}) {
  const h = new EngineHost(opts);
  hosts.push(h);
  await h.load(world, params);
  return h;
}

function ok<K extends InvokeChannel>(r: Reply<InvokeChannel>): Res<K> {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as Res<K>;
}

function code(r: Reply<InvokeChannel>): string {
  return r.ok ? 'ok' : r.error.code;
}

async function fingerprint(h: EngineHost) {
  return { commit: h.liveCommit(), root: h.liveStateRoot(), timeline: ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {})) };
}

function byLabel(s: GraphSnapshotDto, label: string): GraphNodeDto {
  const n = s.nodes.find((x) => x.label === label);
  if (!n) throw new Error(`no node labelled ${label}`);
  return n;
}

function listen(h: EngineHost) {
  const events: Array<{ ch: EventChannel; p: unknown }> = [];
  h.subscribe(<K extends EventChannel>(ch: K, p: EchoEvents[K]) => events.push({ ch, p }));
  return events;
}

/** A world whose rule throws when α(x) starts with 0xff, and (mode=stray) writes outside its footprint. */
const GUARDED = `
export default function guarded(api) {
  const ROOT = api.makeNodeId('g/root');
  const X = api.makeNodeId('g/x');
  const T = api.makeTypeId('g/t');
  const check = api.defineRule({
    name: 'g/check',
    matcher: (v, s) => v.node(s) !== undefined,
    footprint: (v, s) => new api.Footprint().readNode(s).readAttachment(api.nodeAlpha(v.warpId(), s)).writeAttachment(api.nodeAlpha(v.warpId(), s)),
    executor: (v, s, delta) => {
      const a = v.nodeAttachment(s);
      if (a && a.kind === 'atom' && a.bytes[0] === 0xff) throw new Error('0xff is not allowed');
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), s), value: a ?? null });
    },
  });
  const stray = api.defineRule({
    name: 'g/stray',
    matcher: () => true,
    footprint: (v, s) => new api.Footprint().readNode(s),
    executor: (v, s, delta) => delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), ROOT), value: api.atom(T, new Uint8Array([1])) }),
  });
  return {
    name: 'guarded',
    description: 'test world',
    params: { mode: { default: 'ok' } },
    rules: () => [check, stray],
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(ROOT, { ty: T });
      store.insertNode(X, { ty: T });
      store.insertEdge(ROOT, { id: api.makeEdgeId('g/root->x'), from: ROOT, to: X, ty: T });
      return { store, root: ROOT };
    },
    driver: (ctx) => {
      ctx.apply('g/check', X);
      if (ctx.params.mode === 'stray') ctx.apply('g/stray', X);
    },
  };
}
`;
function guardedWorld(): string {
  const dir = mkdtempSync(join(tmpdir(), 'echo-guarded-'));
  const p = join(dir, 'guarded.ts');
  writeFileSync(p, GUARDED);
  return p;
}

describe('echo:query.edge', () => {
  it('returns the record, the β attachment decoded by the world codec (hex + type id) and its provenance', async () => {
    const h = await demoHost();
    ok(await h.handle('echo:tick.step', { n: 2 }));
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    const e = snap.edges.find((x) => x.label === 'demo/world->cell-0-0')!;
    const before = ok<'echo:query.edge'>(await h.handle('echo:query.edge', { warp: e.warp, id: e.id }));
    expect(before.edge).toMatchObject({ id: e.id, from: snap.rootNode, to: toHex(makeNodeId('cell-0-0')), label: 'demo/world->cell-0-0', attachment: null });
    expect(before.provenance).toEqual([]);
    const head = h.liveCommit();

    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'edge', warp: e.warp, id: e.id, value: { codec: 'demo/heat', value: { heat: 5 } } }] }));
    const after = ok<'echo:query.edge'>(await h.handle('echo:query.edge', { warp: e.warp, id: e.id }));
    expect(after.edge.attachment).toMatchObject({ kind: 'atom', codec: 'demo/heat', decoded: { heat: 5 }, hex: '05000000', length: 4 });
    expect(after.edge.attachment?.typeId).toMatch(/^[0-9a-f]{64}$/);
    expect(after.provenance).toHaveLength(1);
    expect(after.provenance[0]).toMatchObject({ tick: 3, by: 'direct edit (setEdgeAttachment)', before: '(absent)', after: '{"heat":5}' });
    // At the earlier commit the attachment was not there yet.
    expect(ok<'echo:query.edge'>(await h.handle('echo:query.edge', { warp: e.warp, id: e.id, commit: head })).edge.attachment).toBeNull();
    expect(code(await h.handle('echo:query.edge', { warp: e.warp, id: 'ab'.repeat(32) }))).toBe('NotFound');
  });
});

describe('echo:edit.apply', () => {
  it('sets / clears a node attachment through a codec or raw hex; each edit is one commit whose input replays and verifies', async () => {
    const h = await demoHost();
    ok(await h.handle('echo:tick.step', { n: 1 }));
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    const world = { warp: snap.rootWarp, id: snap.rootNode };
    const events = listen(h);

    const r1 = ok<'echo:edit.apply'>(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', ...world, value: { codec: 'demo/heat', value: { heat: 7 } } }] }));
    expect(r1.summary.tick).toBe(2);
    expect(r1.summary.commit).toBe(h.liveCommit());
    const tickEvents = events.filter((e) => e.ch === 'echo:tick').map((e) => e.p as TickEventDto);
    expect(tickEvents).toHaveLength(1);
    // The edit's node is re-sent as a graph record (no value: that is the inspector's query below).
    expect(tickEvents[0]!.delta.upsertNodes.find((n) => n.id === world.id)).toMatchObject({ id: world.id, reachable: true });
    expect(tickEvents[0]!.delta.upsertNodes.find((n) => n.id === world.id)).not.toHaveProperty('attachment');
    const detail = ok<'echo:tick.detail'>(await h.handle('echo:tick.detail', { commit: r1.summary.commit }));
    expect(detail.inputs).toEqual(['setNodeAttachment']);
    const node = ok<'echo:query.node'>(await h.handle('echo:query.node', world));
    expect(node.node.attachment).toMatchObject({ decoded: { heat: 7 } });
    expect(node.provenance.map((p) => p.by)).toContain('direct edit (setNodeAttachment)');

    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', ...world, value: { typeId: 'cd'.repeat(32), hex: 'deadbeef' } }] }));
    expect(ok<'echo:query.node'>(await h.handle('echo:query.node', world)).node.attachment).toMatchObject({ typeId: 'cd'.repeat(32), hex: 'deadbeef', length: 4 });
    expect((ok<'echo:query.node'>(await h.handle('echo:query.node', world)).node.attachment as { codec?: string }).codec).toBeUndefined();
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', ...world, value: null }] }));
    expect(ok<'echo:query.node'>(await h.handle('echo:query.node', world)).node.attachment).toBeNull();

    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {}))).toMatchObject({ ok: true, count: 4 });
    const det = ok<'echo:determinism.check'>(await h.handle('echo:determinism.check', {}));
    expect(det.agree).toBe(true);
  });

  it('adds a node and an edge in one commit (reachable, labelled), deletes a node with its edges, deletes an edge; export → import reproduces every hash', async () => {
    const h = await demoHost();
    ok(await h.handle('echo:tick.step', { n: 1 }));
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    const w = snap.rootWarp;
    const events = listen(h);
    const add = ok<'echo:edit.apply'>(
      await h.handle('echo:edit.apply', {
        edits: [
          { kind: 'addNode', warp: w, name: 'user/probe', typeName: 'user/probe' },
          { kind: 'addEdge', warp: w, from: snap.rootNode, to: toHex(makeNodeId('user/probe')), name: 'user/world->probe', typeName: 'user/has-probe' },
        ],
      }),
    );
    expect(add.created).toEqual([toHex(makeNodeId('user/probe')), toHex(makeEdgeId('user/world->probe'))]);
    let delta = (events.at(-1)!.p as TickEventDto).delta;
    expect(delta.upsertNodes.find((n) => n.id === add.created[0])).toMatchObject({ label: 'user/probe', typeLabel: 'user/probe', reachable: true });
    expect(delta.upsertEdges.find((e) => e.id === add.created[1])).toMatchObject({ from: snap.rootNode, to: add.created[0], label: 'user/world->probe' });

    const particle = byLabel(snap, 'particle-0');
    const incident = snap.edges.filter((e) => e.from === particle.id || e.to === particle.id).map((e) => e.id);
    expect(incident.length).toBeGreaterThan(0);
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'deleteNode', warp: w, id: particle.id }] }));
    delta = (events.at(-1)!.p as TickEventDto).delta;
    expect(delta.removeNodes).toContainEqual({ warp: w, id: particle.id });
    for (const id of incident) expect(delta.removeEdges).toContainEqual({ warp: w, id });

    const adj = snap.edges.find((e) => e.label === 'demo/adj-0-0-h')!;
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'deleteEdge', warp: w, id: adj.id }] }));
    delta = (events.at(-1)!.p as TickEventDto).delta;
    expect(delta.removeEdges).toContainEqual({ warp: w, id: adj.id });

    const now = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    expect(now.nodes.some((n) => n.id === particle.id)).toBe(false);
    expect(now.edges.some((e) => e.id === adj.id || incident.includes(e.id))).toBe(false);
    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {}))).toMatchObject({ ok: true, count: 4 });

    const exported = ok<'echo:session.export'>(await h.handle('echo:session.export', {}));
    const head = h.liveCommit();
    const h2 = await demoHost();
    ok(await h2.handle('echo:session.import', { bytesBase64: exported.bytesBase64 }));
    expect(h2.liveCommit()).toBe(head);
    expect(h2.liveStateRoot()).toBe(h.liveStateRoot());
  });

  it('rejects impossible edits with a typed error and changes nothing (a batch is all or nothing)', async () => {
    const h = await demoHost();
    ok(await h.handle('echo:tick.step', { n: 2 }));
    const snap = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {}));
    const w = snap.rootWarp;
    const room = byLabel(snap, 'demo/room');
    expect(room.portal).toBe(snap.instances.find((i) => i.parent?.local === room.id)?.warp);
    expect(room.portal).toMatch(/^[0-9a-f]{64}$/);
    const before = await fingerprint(h);
    const events = listen(h);
    const cases: Array<[string, unknown]> = [
      ['NotFound', [{ kind: 'setAttachment', owner: 'node', warp: w, id: 'ab'.repeat(32), value: null }]],
      ['NotFound', [{ kind: 'deleteEdge', warp: w, id: 'ab'.repeat(32) }]],
      ['NotFound', [{ kind: 'addNode', warp: 'ab'.repeat(32), name: 'x', typeName: 't' }]],
      ['NotFound', [{ kind: 'addNode', warp: w, name: 'user/new', typeName: 't' }, { kind: 'addEdge', warp: w, from: snap.rootNode, to: 'ab'.repeat(32), name: 'e', typeName: 't' }]],
      ['Exists', [{ kind: 'addNode', warp: w, name: 'cell-0-0', typeName: 't' }]],
      ['Exists', [{ kind: 'addEdge', warp: w, from: snap.rootNode, to: room.id, name: 'demo/world->room', typeName: 't' }]],
      ['NotAllowed', [{ kind: 'setAttachment', owner: 'node', warp: w, id: room.id, value: null }]],
      ['NotAllowed', [{ kind: 'deleteNode', warp: w, id: room.id }]],
      ['NotAllowed', [{ kind: 'deleteNode', warp: w, id: snap.rootNode }]],
      ['NoCodec', [{ kind: 'setAttachment', owner: 'node', warp: w, id: snap.rootNode, value: { codec: 'intent', value: 1 } }]],
      ['NoCodec', [{ kind: 'setAttachment', owner: 'node', warp: w, id: snap.rootNode, value: { codec: 'nope', value: 1 } }]],
      ['EncodeFailed', [{ kind: 'setAttachment', owner: 'node', warp: w, id: snap.rootNode, value: { codec: 'demo/heat', value: { heat: -1 } } }]],
      ['BadRequest', [{ kind: 'setAttachment', owner: 'node', warp: w, id: snap.rootNode, value: { typeId: 'ab'.repeat(32), hex: 'abc' } }]],
      ['BadRequest', [{ kind: 'addNode', warp: w, name: 'a', id: 'ab'.repeat(32), typeName: 't' }]],
      ['BadRequest', []],
    ];
    for (const [want, edits] of cases) {
      expect(code(await h.handle('echo:edit.apply', { edits })), JSON.stringify(edits).slice(0, 120)).toBe(want);
      expect(await fingerprint(h)).toEqual(before);
    }
    expect(events).toEqual([]);
    // Not at the head: edits are refused until the view returns to it.
    const first = before.timeline.commits[0]!.commit;
    ok(await h.handle('echo:timeline.seek', { commit: first }));
    expect(code(await h.handle('echo:edit.apply', { edits: [{ kind: 'deleteNode', warp: w, id: byLabel(snap, 'particle-1').id }] }))).toBe('NotAtHead');
    expect(code(await h.handle('echo:intent.ingest', { hex: '00' }))).toBe('NotAtHead');
    ok(await h.handle('echo:timeline.seek', { commit: h.liveCommit() }));
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'deleteNode', warp: w, id: byLabel(snap, 'particle-1').id }] }));
  });

  it('an edit whose tick then fails is undone with it (typed error, state root and head unchanged); a valid edit then commits', async () => {
    const h = await demoHost({}, guardedWorld());
    ok(await h.handle('echo:tick.step', { n: 1 }));
    const x = toHex(makeNodeId('g/x'));
    const w = ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {})).rootWarp;
    const before = await fingerprint(h);
    const r = await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', warp: w, id: x, value: { typeId: 'ab'.repeat(32), hex: 'ff' } }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'RuleThrew' } });
    expect(await fingerprint(h)).toEqual(before);
    expect(ok<'echo:query.node'>(await h.handle('echo:query.node', { warp: w, id: x })).node.attachment).toBeNull();
    ok(await h.handle('echo:edit.apply', { edits: [{ kind: 'setAttachment', owner: 'node', warp: w, id: x, value: { typeId: 'ab'.repeat(32), hex: '01' } }] }));
    expect(ok<'echo:query.node'>(await h.handle('echo:query.node', { warp: w, id: x })).node.attachment).toMatchObject({ hex: '01' });
    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {})).ok).toBe(true);
  });
});

describe('echo:intent.ingest', () => {
  it('ingests into the inbox of a world with intents and commits it; a world without intents says NoIntents', async () => {
    const h = await demoHost();
    expect(ok<'echo:world.info'>(await h.handle('echo:world.info', {}))).toMatchObject({ intents: true, strictFootprints: true, encoders: ['demo/heat', 'demo/lamp'] });
    const bytes = utf8('hello from the inspector');
    const r = ok<'echo:intent.ingest'>(await h.handle('echo:intent.ingest', { hex: toHex(bytes) }));
    expect(r).toMatchObject({ intentId: toHex(computeIntentId(bytes)), disposition: 'accepted' });
    expect(r.summary.commit).toBe(h.liveCommit());
    expect(ok<'echo:tick.detail'>(await h.handle('echo:tick.detail', { commit: r.summary.commit })).inputs).toEqual(['ingestIntent']);
    expect(ok<'echo:query.node'>(await h.handle('echo:query.node', { warp: ok<'echo:graph.snapshot'>(await h.handle('echo:graph.snapshot', {})).rootWarp, id: r.intentId })).node.attachment).toMatchObject({ codec: 'intent' });
    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {})).ok).toBe(true);

    const m = await demoHost({}, 'motion', { n: '10' });
    expect(ok<'echo:world.info'>(await m.handle('echo:world.info', {}))).toMatchObject({ intents: false, encoders: [] });
    const before = await fingerprint(m);
    expect(code(await m.handle('echo:intent.ingest', { hex: '0102' }))).toBe('NoIntents');
    expect(await fingerprint(m)).toEqual(before);
  });
});

describe('per-world strict footprints', () => {
  it('the dind world opts out and steps in the Studio host; its timeline verifies', async () => {
    const h = await demoHost({}, 'dind');
    expect(ok<'echo:world.info'>(await h.handle('echo:world.info', {})).strictFootprints).toBe(false);
    const steps = ok<'echo:tick.step'>(await h.handle('echo:tick.step', { n: 30 }));
    expect(steps).toHaveLength(30);
    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {}))).toMatchObject({ ok: true, count: 30 });
  });

  it('a strict world that writes outside its footprint gets a typed FootprintViolation and nothing changes', async () => {
    const h = await demoHost({}, guardedWorld(), { mode: 'stray' });
    expect(ok<'echo:world.info'>(await h.handle('echo:world.info', {})).strictFootprints).toBe(true);
    const before = await fingerprint(h);
    const r = await h.handle('echo:tick.step', { n: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'FootprintViolation' } });
    expect((r as { error: { message: string } }).error.message).toContain('g/stray');
    expect(await fingerprint(h)).toEqual(before);
  });
});

describe('cancellation and progress of long operations', () => {
  /** A host whose request token 7 reads as cancelled from the `after`-th check on. */
  async function cancellingHost(after: number) {
    let checks = 0;
    let t = 0;
    const h = await demoHost({ isCancelled: (token) => token === 7 && ++checks > after, now: () => (t += 1000) });
    return { h, reset: () => (checks = 0) };
  }

  it('step N: ticks committed before the cancel stay and verify; the reply is a typed Cancelled; progress events name the op', async () => {
    const { h } = await cancellingHost(5);
    const events = listen(h);
    const r = await h.handle('echo:tick.step', { n: 50, op: 'big-step' }, { token: 7 });
    expect(r).toMatchObject({ ok: false, error: { code: 'Cancelled' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/after 5 of 50 ticks/);
    const tl = ok<'echo:timeline.get'>(await h.handle('echo:timeline.get', {}));
    expect(tl.branches.find((b) => b.name === 'main')!.tick).toBe(5);
    expect(events.filter((e) => e.ch === 'echo:tick')).toHaveLength(5);
    const progress = events.filter((e) => e.ch === 'echo:op.progress').map((e) => e.p as EchoEvents['echo:op.progress']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.op === 'big-step' && p.total === 50)).toBe(true);
    expect(ok<'echo:timeline.verify'>(await h.handle('echo:timeline.verify', {}))).toMatchObject({ ok: true, count: 5 });
    // Other tokens are not affected.
    expect(ok<'echo:tick.step'>(await h.handle('echo:tick.step', { n: 3, op: 'other' }, { token: 8 }))).toHaveLength(3);
  });

  it('verify, determinism check, merge, export and import cancel with nothing changed', async () => {
    const { h, reset } = await cancellingHost(1);
    ok(await h.handle('echo:tick.step', { n: 6 }));
    ok(await h.handle('echo:timeline.fork', { name: 'side' }));
    ok(await h.handle('echo:tick.step', { n: 3 }));
    ok(await h.handle('echo:timeline.switch', { branch: 'main' }));
    ok(await h.handle('echo:tick.step', { n: 2 }));
    const exported = ok<'echo:session.export'>(await h.handle('echo:session.export', {}));
    const before = await fingerprint(h);
    const events = listen(h);
    const preview = ok<'echo:timeline.mergePreview'>(await h.handle('echo:timeline.mergePreview', { ours: 'main', theirs: 'side' }));
    const resolutions = Object.fromEntries(preview.conflicts.map((c) => [c.key, 'theirs' as const]));
    const requests: Array<[InvokeChannel, Record<string, unknown>]> = [
      ['echo:timeline.verify', { op: 'v' }],
      ['echo:determinism.check', { op: 'd' }],
      ['echo:timeline.merge', { ours: 'main', theirs: 'side', resolutions, op: 'm' }],
      ['echo:session.export', { op: 'e' }],
      ['echo:session.import', { bytesBase64: exported.bytesBase64, op: 'i' }],
    ];
    for (const [ch, req] of requests) {
      reset();
      const r = await h.handle(ch, req, { token: 7 });
      expect(code(r), ch).toBe('Cancelled');
      expect(await fingerprint(h), ch).toEqual(before);
    }
    expect(events.filter((e) => e.ch === 'echo:tick' || e.ch === 'echo:timeline.changed')).toEqual([]);
    // Uncancelled, the same requests succeed.
    for (const [ch, req] of requests) expect(code(await h.handle(ch, req, { token: 9 })), ch).toBe('ok');
  });

  it('echo:op.cancel in process: unknown ops are reported as not cancelled and change nothing', async () => {
    const h = await demoHost();
    const before = await fingerprint(h);
    expect(ok<'echo:op.cancel'>(await h.handle('echo:op.cancel', { op: 'nothing-runs' }))).toEqual({ cancelled: false });
    expect(code(await h.handle('echo:op.cancel', { op: 'bad op id!' }))).toBe('BadRequest');
    expect(await fingerprint(h)).toEqual(before);
  });
});
