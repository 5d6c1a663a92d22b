// The churn world (Studio bench and graph-fade e2e test): `n` items hang off a root; every tick
// `replace` of them are deleted (node + edge) and replaced by a new generation (node + edge +
// attachment), so each tick's delta removes and adds elements — 4 × `replace` graph changes
// (the default 250 → 1,000). Items are replaced in rotating groups of `replace` slots.
import type { AttachmentValue, NodeId, WorldApi, WorldDefinition } from '../../engine/world';

export default function churn(api: WorldApi): WorldDefinition {
  const ROOT = api.makeNodeId('churn/root');
  const ITEM_TY = api.makeTypeId('churn/item');
  const HAS_TY = api.makeTypeId('churn/has');
  const SLOT = api.makeTypeId('churn/slot');
  const itemId = (i: number, g: number) => api.makeNodeId(`item-${i}-g${g}`);
  const edgeId = (i: number, g: number) => api.makeEdgeId(`churn/root->item-${i}-g${g}`);
  /** α of an item: u32le slot ‖ u32le generation. */
  const slotAtom = (i: number, g: number) => {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, i, true);
    dv.setUint32(4, g, true);
    return api.atom(SLOT, b);
  };
  const slotOf = (v: AttachmentValue | undefined) =>
    v && v.kind === 'atom' && v.bytes.length === 8 ? { i: new DataView(v.bytes.buffer, v.bytes.byteOffset, 8).getUint32(0, true), g: new DataView(v.bytes.buffer, v.bytes.byteOffset, 8).getUint32(4, true) } : null;

  // Replaces the item at `scope` by its next generation: delete node + edge, insert both anew.
  const replace = api.defineRule({
    name: 'churn/replace',
    matcher: (view, scope) => view.node(scope) !== undefined && slotOf(view.nodeAttachment(scope)) !== null,
    footprint: (view, scope) => {
      const s = slotOf(view.nodeAttachment(scope))!;
      const w = view.warpId();
      const next = itemId(s.i, s.g + 1);
      return new api.Footprint()
        .readNode(ROOT)
        .writeNode(scope)
        .writeEdge(edgeId(s.i, s.g))
        .writeAttachment(api.nodeAlpha(w, scope))
        .writeNode(next)
        .writeEdge(edgeId(s.i, s.g + 1))
        .writeAttachment(api.nodeAlpha(w, next));
    },
    executor: (view, scope, delta) => {
      const s = slotOf(view.nodeAttachment(scope))!;
      const w = view.warpId();
      const next = itemId(s.i, s.g + 1);
      delta.emit({ op: 'DeleteEdge', warp: w, from: ROOT, edgeId: edgeId(s.i, s.g) });
      delta.emit({ op: 'DeleteNode', node: { warp: w, local: scope } });
      delta.emit({ op: 'UpsertNode', node: { warp: w, local: next }, record: { ty: ITEM_TY } });
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(w, next), value: slotAtom(s.i, s.g + 1) });
      delta.emit({ op: 'UpsertEdge', warp: w, record: { id: edgeId(s.i, s.g + 1), from: ROOT, to: next, ty: HAS_TY } });
    },
  });

  const sizes = (p: Readonly<Record<string, number | string>>) => {
    const n = Math.max(1, Math.floor(Number(p.n)));
    const r = Math.max(1, Math.min(n, Math.floor(Number(p.replace))));
    return { n, r, groups: Math.ceil(n / r) };
  };
  /** Generation of slot `i` before tick `t`: how often its group came up in ticks 0..t-1. */
  const generation = (i: number, t: number, r: number, groups: number) => {
    const b = Math.floor(i / r);
    return t > b ? Math.floor((t - 1 - b) / groups) + 1 : 0;
  };

  return {
    name: 'churn',
    description: 'Items under a root; every tick a rotating group of them is deleted and replaced by a new generation.',
    params: {
      n: { default: 600, description: 'number of live items' },
      replace: { default: 250, description: 'items replaced per tick (each: 2 removals + 2 additions in the delta)' },
    },
    rules: () => [replace],
    codecs: [{ typeId: SLOT, name: 'churn/slot', decode: (b) => slotOf(api.atom(SLOT, b)) ?? { invalid: api.toHex(b) } }],
    init: (params) => {
      const { n } = sizes(params);
      const store = new api.GraphStore();
      store.insertNode(ROOT, { ty: api.makeTypeId('churn/root') });
      for (let i = 0; i < n; i++) {
        const id = itemId(i, 0);
        store.insertNode(id, { ty: ITEM_TY });
        store.setNodeAttachment(id, slotAtom(i, 0));
        store.insertEdge(ROOT, { id: edgeId(i, 0), from: ROOT, to: id, ty: HAS_TY });
      }
      return { store, root: ROOT };
    },
    driver: (ctx) => {
      const { n, r, groups } = sizes(ctx.params);
      const group = ctx.tick % groups;
      for (let i = group * r; i < Math.min(n, (group + 1) * r); i++) ctx.apply('churn/replace', itemId(i, generation(i, ctx.tick, r, groups)) as NodeId);
    },
  };
}
