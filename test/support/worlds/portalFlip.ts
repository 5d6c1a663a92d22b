/**
 * A test world whose ticks exercise every way a graph record's portal flag can change without a
 * structural op: `flip/open` opens a portal on `door` at tick 1 (OpenPortal); from then on
 * `flip/toggle` turns `gate`'s α into a portal (UpsertWarpInstance + its root node +
 * SetAttachment) on even ticks and back into an atom (SetAttachment + DeleteWarpInstance, which
 * takes the child's node with it) on odd ones, and `flip/bump` rewrites the value of every
 * `counter` node and of the `link` edge's β each tick (value-only changes).
 */
import type { AttachmentValue } from '../../../engine/record';
import type { WorldApi, WorldDefinition } from '../../../engine/world';

export default function portalFlipWorld(api: WorldApi): WorldDefinition {
  const { makeNodeId: N, makeTypeId: T, makeEdgeId: E, makeWarpId: W } = api;
  const ROOT = N('flip/root');
  const DOOR = N('flip/door');
  const GATE = N('flip/gate');
  const CHILD = W('flip/child');
  const CHILD_ROOT = N('flip/child-root');
  const GATE_CHILD = W('flip/gate-child');
  const GATE_CHILD_ROOT = N('flip/gate-child-root');
  const COUNT = T('flip/count');
  const LINK = E('flip/root->gate');
  const counters = Array.from({ length: 5 }, (_, i) => N(`flip/counter-${i}`));
  const counterSet = new Set(counters.map((c) => api.toHex(c)));
  const first = api.toHex(counters[0]!);
  const byte = (v: number) => new Uint8Array([v & 0xff]);
  const valueOf = (v: AttachmentValue | undefined) => (v && v.kind === 'atom' ? v.bytes[0]! : 0);

  const open = api.defineRule({
    name: 'flip/open',
    matcher: (view, s) => api.toHex(s) === api.toHex(DOOR) && view.nodeAttachment(s) === undefined,
    footprint: (view, s) => new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) =>
      delta.emit({ op: 'OpenPortal', key: api.nodeAlpha(view.warpId(), s), childWarp: CHILD, childRoot: CHILD_ROOT, init: { kind: 'empty', rootRecord: { ty: T('flip/interior') } } }),
  });

  const toggle = api.defineRule({
    name: 'flip/toggle',
    matcher: (view, s) => api.toHex(s) === api.toHex(GATE) && view.nodeAttachment(DOOR) !== undefined,
    footprint: (view, s) => new api.Footprint().readNode(s).readAttachment(api.nodeAlpha(view.warpId(), DOOR)).writeAttachment(api.nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) => {
      const key = api.nodeAlpha(view.warpId(), s);
      const v = view.nodeAttachment(s);
      if (v && v.kind === 'descend') {
        delta.emit({ op: 'SetAttachment', key, value: api.atom(COUNT, byte(1)) });
        delta.emit({ op: 'DeleteWarpInstance', warp: GATE_CHILD });
      } else {
        delta.emit({ op: 'UpsertWarpInstance', instance: { warpId: GATE_CHILD, rootNode: GATE_CHILD_ROOT, parent: key } });
        delta.emit({ op: 'UpsertNode', node: { warp: GATE_CHILD, local: GATE_CHILD_ROOT }, record: { ty: T('flip/gate-interior') } });
        delta.emit({ op: 'SetAttachment', key, value: api.descend(GATE_CHILD) });
      }
    },
  });

  const bump = api.defineRule({
    name: 'flip/bump',
    matcher: (view, s) => counterSet.has(api.toHex(s)) && view.node(s) !== undefined,
    footprint: (view, s) => {
      const fp = new api.Footprint().readNode(s).writeAttachment(api.nodeAlpha(view.warpId(), s));
      return api.toHex(s) === first ? fp.writeAttachment(api.edgeBeta(view.warpId(), LINK)) : fp;
    },
    executor: (view, s, delta) => {
      const w = view.warpId();
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(w, s), value: api.atom(COUNT, byte(valueOf(view.nodeAttachment(s)) + 1)) });
      if (api.toHex(s) === first) delta.emit({ op: 'SetAttachment', key: api.edgeBeta(w, LINK), value: api.atom(COUNT, byte(valueOf(view.nodeAttachment(s)) + 7)) });
    },
  });

  return {
    name: 'portal-flip',
    description: 'Portal flags that change through attachment ops, next to value-only rewrites (test world).',
    params: {},
    rules: () => [open, toggle, bump],
    // flip/toggle writes the child instance's root node, outside the gate's warp.
    strictFootprints: false,
    driver: (ctx) => {
      ctx.apply('flip/open', DOOR);
      ctx.apply('flip/toggle', GATE);
      for (const c of counters) ctx.apply('flip/bump', c);
    },
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(ROOT, { ty: T('flip/root') });
      store.insertNode(DOOR, { ty: T('flip/door') });
      store.insertNode(GATE, { ty: T('flip/gate') });
      store.insertEdge(ROOT, { id: E('flip/root->door'), from: ROOT, to: DOOR, ty: T('flip/has') });
      store.insertEdge(ROOT, { id: LINK, from: ROOT, to: GATE, ty: T('flip/has') });
      for (const c of counters) {
        store.insertNode(c, { ty: T('flip/counter') });
        store.insertEdge(ROOT, { id: E(`flip/root->${api.toHex(c).slice(0, 8)}`), from: ROOT, to: c, ty: T('flip/has') });
        store.setNodeAttachment(c, api.atom(COUNT, byte(0)));
      }
      return { store, root: ROOT };
    },
  };
}
