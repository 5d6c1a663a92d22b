/**
 * Session-file fixtures: a tiny "toy" world (small records, so corruption fuzzing and journal
 * truncation stay fast) and builders for timelines with forks, edits, intents and merges, in the
 * toy and the demo world.
 *
 * The toy world has three cells in a ring whose `toy/spread` rewrites collide (read the next
 * cell, write your own: receipts hold rejections), a `toy/rewire` rule that re-upserts and deletes
 * edges (edge buckets change order), an intent every other tick consumed by `sys/ack_pending`, and
 * a portal opened at tick 0. Changing the toy world changes the v1 golden in session.test.ts.
 */
import { atom, makeNodeId, makeTypeId, utf8, type AttachmentValue } from '../../engine/index';
import { Timeline } from '../../engine/timeline/index';
import { instantiateWorld, WorldSession, type WorldApi, type WorldDefinition } from '../../engine/world';
import demo from '../../engine/worlds/demo';

export function toyWorld(api: WorldApi): WorldDefinition {
  const { makeNodeId: N, makeTypeId: T, makeEdgeId: E, makeWarpId: W } = api;
  const ROOT = N('toy/root');
  const CELLS = [N('toy/a'), N('toy/b'), N('toy/c')];
  const PORTAL = N('toy/p');
  const VAL = T('toy/val');
  const val = (v: AttachmentValue | undefined) => (v && v.kind === 'atom' ? (v.bytes[0] ?? 0) : 0);
  const next = (s: Uint8Array) => CELLS[(CELLS.findIndex((c) => api.toHex(c) === api.toHex(s)) + 1) % 3]!;
  const isCell = (s: Uint8Array) => CELLS.some((c) => api.toHex(c) === api.toHex(s));
  const spread = api.defineRule({
    name: 'toy/spread',
    matcher: (v, s) => isCell(s) && v.node(s) !== undefined,
    footprint: (v, s) => new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(v.warpId(), s)).readAttachment(api.nodeAlpha(v.warpId(), next(s))),
    executor: (v, s, d) => d.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), s), value: api.atom(VAL, new Uint8Array([(val(v.nodeAttachment(s)) + val(v.nodeAttachment(next(s))) + 1) % 251])) }),
  });
  const rewire = api.defineRule({
    name: 'toy/rewire',
    matcher: (v, s) => api.toHex(s) === api.toHex(ROOT),
    footprint: () => new api.Footprint().readNode(ROOT).writeEdge(E('toy/root->a')).writeEdge(E('toy/extra')),
    executor: (v, s, d) => {
      const w = v.warpId();
      // Re-upsert root→a: it moves to the end of root's bucket.
      d.emit({ op: 'UpsertEdge', warp: w, record: { id: E('toy/root->a'), from: ROOT, to: CELLS[0]!, ty: T('toy/has') } });
      if (v.hasEdge(E('toy/extra'))) d.emit({ op: 'DeleteEdge', warp: w, from: ROOT, edgeId: E('toy/extra') });
      else d.emit({ op: 'UpsertEdge', warp: w, record: { id: E('toy/extra'), from: ROOT, to: CELLS[2]!, ty: T('toy/extra') } });
    },
  });
  const open = api.defineRule({
    name: 'toy/open',
    matcher: (v, s) => v.node(s) !== undefined && v.nodeAttachment(s) === undefined,
    footprint: (v, s) => new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(v.warpId(), s)),
    executor: (v, s, d) => d.emit({ op: 'OpenPortal', key: api.nodeAlpha(v.warpId(), s), childWarp: W('toy/inner'), childRoot: N('toy/inner-root'), init: { kind: 'empty', rootRecord: { ty: T('toy/inner') } } }),
  });
  return {
    name: 'toy',
    description: 'three colliding cells, a rewiring rule, intents and a portal',
    params: { start: { default: 3 } },
    rules: () => [spread, rewire, open, api.inbox.ackPendingRule()],
    init: (params) => {
      const s = new api.GraphStore();
      s.insertNode(ROOT, { ty: T('toy/root') });
      CELLS.forEach((c, i) => {
        s.insertNode(c, { ty: T('toy/cell') });
        s.setNodeAttachment(c, api.atom(VAL, new Uint8Array([(Number(params.start) * (i + 1)) % 251])));
        s.insertEdge(ROOT, { id: E(`toy/root->${'abc'[i]}`), from: ROOT, to: c, ty: T('toy/has') });
      });
      s.insertEdge(CELLS[0]!, { id: E('toy/a->b'), from: CELLS[0]!, to: CELLS[1]!, ty: T('toy/next') });
      s.insertEdge(CELLS[1]!, { id: E('toy/b->c'), from: CELLS[1]!, to: CELLS[2]!, ty: T('toy/next') });
      s.insertEdge(CELLS[2]!, { id: E('toy/c->a'), from: CELLS[2]!, to: CELLS[0]!, ty: T('toy/next') });
      s.insertNode(PORTAL, { ty: T('toy/portal') });
      s.insertEdge(ROOT, { id: E('toy/root->p'), from: ROOT, to: PORTAL, ty: T('toy/has') });
      return { store: s, root: ROOT };
    },
    driver: (ctx) => {
      if (ctx.tick % 2 === 1) ctx.ingest(api.utf8(`toy-intent-${ctx.tick}`));
      ctx.dispatchNextIntent();
      for (const c of CELLS) ctx.apply('toy/spread', c);
      if (ctx.tick % 3 === 2) ctx.apply('toy/rewire', ROOT);
      if (!ctx.engine.warpState.instance(W('toy/inner'))) ctx.apply('toy/open', PORTAL);
    },
  };
}

export const TOY_CELL = (i: number) => makeNodeId(`toy/${'abc'[i]}`);
export const toyVal = (n: number) => atom(makeTypeId('toy/val'), new Uint8Array([n & 255]));
const HEAT = makeTypeId('demo/heat');
export const demoHeat = (n: number) => atom(HEAT, new Uint8Array([n & 255, 0, 0, 0]));

export type WorldName = 'toy' | 'demo';

export function newSession(world: WorldName, params: Record<string, string> = {}): WorldSession {
  return new WorldSession(instantiateWorld(world === 'toy' ? toyWorld : demo, world), params);
}

/**
 * A timeline with forks, a direct edit, an ingested intent and a merge:
 * main: `mainTicks` ticks; `f1` forks at depth 2 with an edit then 3 ticks; `f2` forks at depth
 * 1 with an intent then 2 ticks; main merges f1 (conflicts: theirs) and steps `after` more.
 */
export function forkedTimeline(world: WorldName, opts: { mainTicks?: number; after?: number; k?: number; f2?: boolean } = {}): { tl: Timeline; session: WorldSession } {
  const session = newSession(world);
  const tl = new Timeline(session, { checkpointEvery: opts.k ?? 4 });
  const main = tl.step(opts.mainTicks ?? 5);
  tl.fork('f1', main[1]!.hex);
  if (world === 'toy') session.engine.setNodeAttachment(TOY_CELL(1), toyVal(200));
  else session.engine.setNodeAttachment(makeNodeId('cell-2-2'), demoHeat(222));
  tl.step(world === 'toy' ? 3 : 1);
  if (opts.f2 ?? true) {
    tl.fork('f2', main[0]!.hex);
    session.engine.ingestIntent(utf8('fork-two'));
    tl.step(world === 'toy' ? 2 : 1);
  }
  tl.switchTo('main');
  const p = tl.mergePreview('main', 'f1');
  const res: Record<string, 'theirs'> = {};
  for (const c of p.conflicts) res[c.key] = 'theirs';
  tl.merge('main', 'f1', res);
  if (opts.after ?? 1) tl.step(opts.after ?? 1);
  return { tl, session };
}
