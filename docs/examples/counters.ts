// A complete world: three counters that tick up, and a "reset" rule that collides with them.
// Run it from anywhere (no install beside it):  npx echo-studio run path/to/counters.ts --ticks 5
import type { AttachmentValue, WorldApi, WorldDefinition } from '../../engine/world';

export default function counters(api: WorldApi): WorldDefinition {
  const ROOT = api.makeNodeId('counters/root');
  const COUNT = api.makeTypeId('counters/count');
  const names = ['a', 'b', 'c'];
  const ids = names.map((n) => api.makeNodeId(`counter-${n}`));

  const read = (v: AttachmentValue | undefined) =>
    v && v.kind === 'atom' && v.bytes.length === 4 ? new DataView(v.bytes.buffer, v.bytes.byteOffset, 4).getUint32(0, true) : 0;
  const write = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return api.atom(COUNT, b);
  };

  // Adds 1 to the counter at `scope`. Declares that it writes the counter's α attachment.
  const increment = api.defineRule({
    name: 'counters/increment',
    matcher: (view, scope) => view.node(scope) !== undefined,
    footprint: (view, scope) => new api.Footprint().readNode(scope).writeAttachment(api.nodeAlpha(view.warpId(), scope)),
    executor: (view, scope, delta) =>
      delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(view.warpId(), scope), value: write(read(view.nodeAttachment(scope)) + 1) }),
  });

  // Sets a counter back to 0. Writes the same slot as `increment`, so in a tick where both are
  // applied to one counter, one of them is rejected (the receipt names the blocker).
  const reset = api.defineRule({
    name: 'counters/reset',
    matcher: (view, scope) => read(view.nodeAttachment(scope)) >= 3,
    footprint: (view, scope) => new api.Footprint().writeAttachment(api.nodeAlpha(view.warpId(), scope)),
    executor: (view, scope, delta) => delta.emit({ op: 'SetAttachment', key: api.nodeAlpha(view.warpId(), scope), value: write(0) }),
  });

  return {
    name: 'counters',
    description: 'Three counters; increment every tick, reset at 3 (collides with increment).',
    params: { step: { default: 1, description: 'apply increment every `step` ticks' } },
    rules: () => [increment, reset],
    codecs: [{ typeId: COUNT, name: 'counters/count', decode: (b) => ({ count: read(api.atom(COUNT, b)) }) }],
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(ROOT, { ty: api.makeTypeId('counters/root') });
      ids.forEach((id, i) => {
        store.insertNode(id, { ty: api.makeTypeId('counters/counter') });
        store.setNodeAttachment(id, write(0));
        store.insertEdge(ROOT, { id: api.makeEdgeId(`counters/has-${names[i]}`), from: ROOT, to: id, ty: api.makeTypeId('counters/has') });
      });
      return { store, root: ROOT };
    },
    driver: (ctx) => {
      for (const id of ids) {
        if (ctx.tick % Number(ctx.params.step) === 0) ctx.apply('counters/increment', id);
        ctx.apply('counters/reset', id);
      }
    },
  };
}
