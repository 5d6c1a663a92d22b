/**
 * The demo world — Echo Studio's built-in default. Small enough to read (about 70 nodes at tick 0),
 * alive every tick, and built to show everything the Studio explains:
 *
 * - a 6×6 grid of cells with a `heat` attachment; every tick `demo/diffuse` is applied to EVERY
 *   cell, but a cell reads its neighbours' heat and writes its own, so neighbouring candidates
 *   collide: receipts always hold rejected rewrites with blockers and overlapping slots;
 * - 24 particles moved by `motion/update` every tick (independent rewrites);
 * - an intent every 4 ticks ("pump heat into cell r,c"), dispatched to `cmd/pump`, which also
 *   collides with `demo/diffuse` on the target cell; `sys/ack_pending` consumes it;
 * - a room whose α attachment is a portal (opened at tick 0 by `demo/open_room`) into a child
 *   instance; inside it `demo/furnish` adds furniture once and `demo/lamp` toggles a lamp every
 *   tick, applied through `applyInWarp` with the portal key on the descent stack.
 */
import type { GraphView } from '../graphView';
import type { AttachmentValue } from '../record';
import type { WorldApi, WorldDefinition } from '../world';

export default function demoWorld(api: WorldApi): WorldDefinition {
  const { makeNodeId: N, makeTypeId: T, makeEdgeId: E, makeWarpId: W } = api;
  const SIZE = 6;
  const PARTICLES = 24;
  const WORLD = N('demo/world');
  const ROOM = N('demo/room');
  const CHILD = W('demo/room-interior');
  const CHILD_ROOT = N('demo/room-root');
  const HEAT = T('demo/heat');
  const LAMP = T('demo/lamp');
  const PUMP_OP = 0x50554d50; // "PUMP"
  // Cell ids and each cell's neighbours (up, down, left, right; in the grid) are hashed once per
  // world, not on every match and execution.
  const cellIds = Array.from({ length: SIZE * SIZE }, (_, i) => N(`cell-${Math.floor(i / SIZE)}-${i % SIZE}`));
  const cell = (r: number, c: number) => cellIds[r * SIZE + c]!;
  const cells: Array<{ id: ReturnType<typeof N>; r: number; c: number; neighbours: ReturnType<typeof N>[] }> = [];
  for (let r = 0; r < SIZE; r++)
    for (let c = 0; c < SIZE; c++) {
      const around = [
        [r - 1, c],
        [r + 1, c],
        [r, c - 1],
        [r, c + 1],
      ].filter(([a, b]) => a! >= 0 && a! < SIZE && b! >= 0 && b! < SIZE);
      cells.push({ id: cell(r, c), r, c, neighbours: around.map(([a, b]) => cell(a!, b!)) });
    }
  const cellAt = new Map(cells.map((x) => [api.toHex(x.id), x]));
  const particles = Array.from({ length: PARTICLES }, (_, i) => N(`particle-${i}`));

  const u32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return b;
  };
  const HEAT_HEX = api.toHex(HEAT);
  const heatOf = (v: AttachmentValue | undefined) =>
    v && v.kind === 'atom' && api.toHex(v.typeId) === HEAT_HEX && v.bytes.length === 4 ? new DataView(v.bytes.buffer, v.bytes.byteOffset, 4).getUint32(0, true) : 0;
  const heatAtom = (h: number) => api.atom(HEAT, u32(h));

  /** Pump intent: "PUMP" op id, vars = u8 r ‖ u8 c ‖ u32le amount ‖ u32le serial. */
  const encodePump = (r: number, c: number, amount: number, serial: number) => {
    const b = new Uint8Array(12 + 10);
    const dv = new DataView(b.buffer);
    b.set(api.utf8('EINT'), 0);
    dv.setUint32(4, PUMP_OP, true);
    dv.setUint32(8, 10, true);
    b[12] = r;
    b[13] = c;
    dv.setUint32(14, amount, true);
    dv.setUint32(18, serial, true);
    return b;
  };
  const decodePump = (bytes: Uint8Array) => {
    if (bytes.length !== 22 || api.toHex(bytes.subarray(0, 4)) !== api.toHex(api.utf8('EINT'))) return null;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    if (dv.getUint32(4, true) !== PUMP_OP || dv.getUint32(8, true) !== 10) return null;
    const r = bytes[12]!;
    const c = bytes[13]!;
    if (r >= SIZE || c >= SIZE) return null;
    return { r, c, amount: dv.getUint32(14, true), serial: dv.getUint32(18, true) };
  };
  const pumpOf = (view: GraphView, scope: Uint8Array) => {
    const v = view.nodeAttachment(scope as never);
    return v && v.kind === 'atom' ? decodePump(v.bytes) : null;
  };

  const diffuse = api.defineRule({
    name: 'demo/diffuse',
    matcher: (view, s) => cellAt.has(api.toHex(s)) && view.node(s) !== undefined,
    footprint: (view, s) => {
      const w = view.warpId();
      const fp = new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(w, s));
      for (const n of cellAt.get(api.toHex(s))!.neighbours) fp.readAttachment(api.nodeAlpha(w, n));
      return fp;
    },
    executor: (view, s, delta) => {
      const own = heatOf(view.nodeAttachment(s));
      const ns = cellAt.get(api.toHex(s))!.neighbours.map((n) => heatOf(view.nodeAttachment(n)));
      const avg = Math.floor((own * 2 + ns.reduce((a, b) => a + b, 0)) / (2 + ns.length));
      const next = Math.max(0, avg - 1); // heat slowly leaks away
      if (next !== own) delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(view.warpId(), s), value: heatAtom(next) });
    },
  });

  const pump = api.defineRule({
    name: 'cmd/pump',
    matcher: (view, s) => pumpOf(view, s) !== null,
    footprint: (view, s) => {
      const p = pumpOf(view, s)!;
      const w = view.warpId();
      return new api.Footprint().readNode(s).readAttachment(api.nodeAlpha(w, s)).writeAttachment(api.nodeAlpha(w, cell(p.r, p.c)));
    },
    executor: (view, s, delta) => {
      const p = pumpOf(view, s)!;
      const target = cell(p.r, p.c);
      const h = heatOf(view.nodeAttachment(target));
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(view.warpId(), target), value: heatAtom(h + p.amount) });
    },
  });

  const openRoom = api.defineRule({
    name: 'demo/open_room',
    matcher: (view, s) => view.node(s) !== undefined && view.nodeAttachment(s) === undefined,
    footprint: (view, s) => new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) =>
      delta.emit({ op: 'OpenPortal', key: api.nodeAlpha(view.warpId(), s), childWarp: CHILD, childRoot: CHILD_ROOT, init: { kind: 'empty', rootRecord: { ty: T('demo/interior') } } }),
  });

  const FURNITURE = ['lamp', 'table', 'chair'];
  const furnish = api.defineRule({
    name: 'demo/furnish',
    matcher: (view, s) => view.node(s) !== undefined && view.edgesFrom(s).length === 0,
    footprint: (view, s) => {
      const fp = new api.Footprint().readNode(s);
      for (const f of FURNITURE) fp.writeNode(N(`demo/${f}`)).writeEdge(E(`demo/room->${f}`));
      return fp;
    },
    executor: (view, s, delta) => {
      const w = view.warpId();
      for (const f of FURNITURE) {
        delta.emit({ op: 'UpsertNode', node: { warp: w, local: N(`demo/${f}`) }, record: { ty: T(`demo/${f}`) } });
        delta.emit({ op: 'UpsertEdge', warp: w, record: { id: E(`demo/room->${f}`), from: s, to: N(`demo/${f}`), ty: T('demo/contains') } });
      }
    },
  });

  const LAMP_NODE = N('demo/lamp');
  const lamp = api.defineRule({
    name: 'demo/lamp',
    matcher: (view) => view.node(LAMP_NODE) !== undefined,
    footprint: (view) => new api.Footprint().readNode(LAMP_NODE).writeAttachment(api.nodeAlpha(view.warpId(), LAMP_NODE)),
    executor: (view, _s, delta) => {
      const v = view.nodeAttachment(LAMP_NODE);
      const on = v && v.kind === 'atom' && v.bytes[0] === 1;
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(view.warpId(), LAMP_NODE), value: api.atom(LAMP, new Uint8Array([on ? 0 : 1])) });
    },
  });

  return {
    name: 'demo',
    description: 'A 6×6 heat grid whose neighbouring rewrites collide, moving particles, pump intents, and a room portal into a child instance.',
    params: {
      seed: { default: 7, description: 'seed of the pump intents' },
      pumpEvery: { default: 4, description: 'ticks between two pump intents' },
    },
    rules: () => [api.motionRule(), diffuse, pump, openRoom, furnish, lamp, api.inbox.ackPendingRule()],
    codecs: [
      {
        typeId: HEAT,
        name: 'demo/heat',
        decode: (b) => (b.length === 4 ? { heat: new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) } : { invalid: api.toHex(b) }),
        // The inspector's attachment editor: { "heat": 0..2^32-1 } → 4 bytes, little-endian.
        encode: (v) => {
          const h = (v as { heat?: unknown } | null)?.heat;
          if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 0xffffffff) throw new Error('expected { "heat": an integer 0..4294967295 }');
          return u32(h);
        },
      },
      {
        typeId: LAMP,
        name: 'demo/lamp',
        decode: (b) => ({ on: b[0] === 1 }),
        encode: (v) => {
          const on = (v as { on?: unknown } | null)?.on;
          if (typeof on !== 'boolean') throw new Error('expected { "on": true | false }');
          return new Uint8Array([on ? 1 : 0]);
        },
      },
      {
        typeId: api.MOTION_V2_TYPE_ID,
        name: 'motion/v2',
        decode: (b) => {
          const m = api.decodeMotionPayload(b);
          return m ? { pos: m.pos.map((x) => Number(x) / 2 ** 32), vel: m.vel.map((x) => Number(x) / 2 ** 32) } : { invalid: api.toHex(b) };
        },
      },
      { typeId: api.inbox.INTENT_ATOM_TYPE, name: 'intent', decode: (b) => decodePump(b) ?? { raw: api.toHex(b) } },
    ],
    init: (params) => {
      const store = new api.GraphStore();
      store.insertNode(WORLD, { ty: T('world') });
      const rnd = api.prng(Number(params.seed));
      for (const { id, r, c } of cells) {
        store.insertNode(id, { ty: T('demo/cell') });
        store.setNodeAttachment(id, heatAtom(Math.floor(rnd() * 100)));
        store.insertEdge(WORLD, { id: E(`demo/world->cell-${r}-${c}`), from: WORLD, to: id, ty: T('demo/has-cell') });
        if (c + 1 < SIZE) store.insertEdge(id, { id: E(`demo/adj-${r}-${c}-h`), from: id, to: cell(r, c + 1), ty: T('demo/adjacent') });
        if (r + 1 < SIZE) store.insertEdge(id, { id: E(`demo/adj-${r}-${c}-v`), from: id, to: cell(r + 1, c), ty: T('demo/adjacent') });
      }
      particles.forEach((p, i) => {
        store.insertNode(p, { ty: T('demo/particle') });
        store.setNodeAttachment(p, api.encodeMotionAtomPayload([i, (i * 7) % 13, 0], [((i % 5) - 2) / 4, ((i % 3) - 1) / 2, 0]));
        store.insertEdge(WORLD, { id: E(`demo/world->particle-${i}`), from: WORLD, to: p, ty: T('demo/has-particle') });
      });
      store.insertNode(ROOM, { ty: T('demo/room') });
      store.insertEdge(WORLD, { id: E('demo/world->room'), from: WORLD, to: ROOM, ty: T('demo/has-room') });
      return { store, root: WORLD };
    },
    driver: (ctx) => {
      const every = Math.max(1, Number(ctx.params.pumpEvery));
      if (ctx.tick % every === every - 1) {
        const rnd = api.prng(Number(ctx.params.seed) * 1_000_003 + ctx.tick);
        ctx.ingest(encodePump(Math.floor(rnd() * SIZE), Math.floor(rnd() * SIZE), 50 + Math.floor(rnd() * 50), ctx.tick));
      }
      ctx.dispatchNextIntent();
      for (const { id } of cells) ctx.apply('demo/diffuse', id);
      for (const p of particles) ctx.apply('motion/update', p);
      if (ctx.engine.warpState.instance(CHILD)) {
        const descent = [api.nodeAlpha(ctx.view.warpId(), ROOM)];
        ctx.applyInWarp(CHILD, 'demo/furnish', CHILD_ROOT, descent);
        ctx.applyInWarp(CHILD, 'demo/lamp', CHILD_ROOT, descent);
      } else {
        ctx.apply('demo/open_room', ROOM);
      }
    },
  };
}
