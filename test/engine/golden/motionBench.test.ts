/**
 * The P1 workload of ../shared/bench/REFERENCE.md at N = 1,000: the commit hash after 12 ticks is
 * the Rust reference's checksum (the bench runs the same code at larger N).
 */
import { describe, expect, it } from 'vitest';
import { Engine, GraphStore, makeEdgeId, makeNodeId, makeTypeId, toHex } from '../../../engine/index';
import { encodeMotionAtomPayload } from '../../../engine/payload';
import { motionRule } from '../../../engine/rules/motion';

describe('P1 motion workload checksum', () => {
  it('N=1000, 12 ticks: last commit hash equals the Rust reference', () => {
    const store = new GraphStore();
    const root = makeNodeId('world-root');
    store.insertNode(root, { ty: makeTypeId('world') });
    const e = new Engine(store, root);
    e.registerRule(motionRule());
    const ents = [];
    for (let i = 0; i < 1000; i++) {
      const id = makeNodeId(`ent-${i}`);
      ents.push(id);
      e.insertNode(id, { ty: makeTypeId('entity') });
      e.setNodeAttachment(id, encodeMotionAtomPayload([i, 0, 0], [1, 0, 0]));
      e.insertEdge(root, { id: makeEdgeId(`world-root->ent-${i}`), from: root, to: id, ty: makeTypeId('edge:entity') });
    }
    let last;
    for (let t = 0; t < 12; t++) {
      const tx = e.begin();
      for (const id of ents) e.apply(tx, 'motion/update', id);
      const rec = e.commitWithReceipt(tx);
      expect(rec.patch.ops.length).toBe(1000);
      expect(rec.patch.inSlots.length).toBe(1000);
      last = rec.snapshot;
    }
    expect(toHex(last!.hash)).toBe('120ae6b41dd50cb0c2a63b173fd16e7d9649b1cc76dfd1b1523c42f9640f2e2c');
  });
});
