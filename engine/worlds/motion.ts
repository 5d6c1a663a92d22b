/**
 * The motion world: the P1 benchmark workload of ../shared/bench/REFERENCE.md. N entities under a
 * `world-root`, each with a Q32.32 motion payload (pos = [i, 0, 0], vel = [1, 0, 0]) and an edge
 * from the root; every tick applies `motion/update` to every entity (N independent rewrites).
 * With n = 1000 the commit hash after 12 ticks is the Rust reference's checksum.
 */
import type { WorldApi, WorldDefinition } from '../world';

export default function motionWorld(api: WorldApi): WorldDefinition {
  const ids = new Map<number, Uint8Array[]>();
  const entities = (n: number) => {
    let list = ids.get(n);
    if (!list) {
      list = Array.from({ length: n }, (_, i) => api.makeNodeId(`ent-${i}`));
      ids.set(n, list);
    }
    return list;
  };
  return {
    name: 'motion',
    description: 'N entities moving with constant velocity (the P1 workload); every tick rewrites every entity.',
    params: { n: { default: 1000, description: 'number of entities' } },
    rules: () => [api.motionRule()],
    codecs: [
      {
        typeId: api.MOTION_V2_TYPE_ID,
        name: 'motion/v2',
        decode: (bytes) => {
          const m = api.decodeMotionPayload(bytes);
          return m ? { pos: m.pos.map((r) => Number(r) / 2 ** 32), vel: m.vel.map((r) => Number(r) / 2 ** 32) } : { invalid: api.toHex(bytes) };
        },
      },
    ],
    init: (params) => {
      const n = Number(params.n);
      const store = new api.GraphStore();
      const root = api.makeNodeId('world-root');
      store.insertNode(root, { ty: api.makeTypeId('world') });
      const entityTy = api.makeTypeId('entity');
      const edgeTy = api.makeTypeId('edge:entity');
      entities(n).forEach((id, i) => {
        store.insertNode(id as never, { ty: entityTy });
        store.setNodeAttachment(id as never, api.encodeMotionAtomPayload([i, 0, 0], [1, 0, 0]));
        store.insertEdge(root, { id: api.makeEdgeId(`world-root->ent-${i}`), from: root, to: id as never, ty: edgeTy });
      });
      return { store, root };
    },
    driver: (ctx) => {
      for (const id of entities(Number(ctx.params.n))) ctx.apply('motion/update', id as never);
    },
  };
}
