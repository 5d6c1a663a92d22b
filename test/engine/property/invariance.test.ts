/**
 * Determinism properties (seeded, see test/support/prop.ts):
 * - the state root and the DIND hash do not depend on the insertion order of nodes and edges;
 * - every hash of a commit is the same whatever order independent candidates were applied in;
 * - the wasm BLAKE3 backend equals the @noble/hashes reference, one-shot and streamed in any chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Engine,
  GraphStore,
  atom,
  canonicalStateHash,
  computeStateRoot,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  nobleBlake3,
  toHex,
  wasmBlake3,
  ROOT_WARP,
  WarpState,
} from '../../../engine/index';
import { encodeMotionAtomPayload } from '../../../engine/payload';
import { motionRule } from '../../../engine/rules/motion';
import { prop, shuffle } from '../../support/prop';
import { addChildRule, boawTouchRule, s4SetRule } from '../golden/scenarioRules';

const ROOT = makeNodeId('root');

describe('state root is invariant under insertion order', () => {
  it('nodes, edges and attachments inserted in any order give the same roots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { maxLength: 40 }),
        fc.integer(),
        (n, links, seed) => {
          type Act = (s: GraphStore) => void;
          const acts: Act[] = [];
          for (let i = 0; i < n; i++) {
            const id = makeNodeId(`v${i}`);
            acts.push((s) => s.insertNode(id, { ty: makeTypeId(`t${i % 3}`) }));
            if (i % 2 === 0) acts.push((s) => s.setNodeAttachment(id, atom(makeTypeId('w'), new Uint8Array([i]))));
          }
          const seen = new Set<string>();
          links.forEach(([a, b], k) => {
            const key = `${a % n}->${b % n}`;
            if (seen.has(key)) return;
            seen.add(key);
            const from = makeNodeId(`v${a % n}`);
            acts.push((s) => s.insertEdge(from, { id: makeEdgeId(key), from, to: makeNodeId(`v${b % n}`), ty: makeTypeId(`l${k % 2}`) }));
          });
          acts.push((s) => s.insertEdge(ROOT, { id: makeEdgeId('root->v0'), from: ROOT, to: makeNodeId('v0'), ty: makeTypeId('l0') }));
          const build = (order: Act[]) => {
            const store = new GraphStore();
            store.insertNode(ROOT, { ty: makeTypeId('world') });
            for (const a of order) a(store);
            const st = new WarpState();
            st.upsertInstance({ warpId: ROOT_WARP, rootNode: ROOT, parent: null }, store);
            return [toHex(computeStateRoot(st, { warp: ROOT_WARP, local: ROOT })), toHex(canonicalStateHash(store))];
          };
          expect(build(shuffle(acts, seed))).toEqual(build(acts));
        },
      ),
      prop(),
    );
  });
});

describe('commit hashes are invariant under the apply order of candidates', () => {
  it('any permutation of apply calls yields identical snapshots, receipts and patches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.integer(), (n, seed) => {
        const run = (perm: boolean) => {
          const store = new GraphStore();
          store.insertNode(ROOT, { ty: makeTypeId('world') });
          const e = new Engine(store, ROOT);
          for (const r of [motionRule(), boawTouchRule(), s4SetRule('a'), s4SetRule('b'), addChildRule()]) e.registerRule(r);
          const calls: Array<[string, Uint8Array]> = [];
          for (let i = 0; i < n; i++) {
            const id = makeNodeId(`ent-${i}`);
            e.insertNode(id, { ty: makeTypeId('entity') });
            e.setNodeAttachment(id, encodeMotionAtomPayload([i, 0, 0], [1, 0.5, 0]));
            e.insertEdge(ROOT, { id: makeEdgeId(`root->ent-${i}`), from: ROOT, to: id, ty: makeTypeId('has') });
            calls.push(['motion/update', id]);
            if (i % 3 === 0) calls.push(['boaw/touch', id]); // conflicts with motion on α(id)
            if (i % 4 === 0) calls.push(['s4/set_a', id], ['s4/set_b', id]);
          }
          calls.push(['test/add_child', ROOT]);
          const out: string[] = [];
          for (let t = 0; t < 2; t++) {
            const tx = e.begin();
            for (const [name, id] of perm ? shuffle(calls, seed + t) : calls) e.apply(tx, name, id as never);
            const r = e.commitWithReceipt(tx);
            out.push(toHex(r.snapshot.hash), toHex(r.snapshot.decisionDigest), toHex(r.snapshot.planDigest), JSON.stringify(r.receipt.blockedBy));
          }
          return out;
        };
        expect(run(true)).toEqual(run(false));
      }),
      prop(25),
    );
  });
});

describe('BLAKE3 backends agree', () => {
  it('hash-wasm equals @noble/hashes one-shot and streamed in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(5000), { maxLength: 6 }), (data, cuts) => {
        const ref = toHex(nobleBlake3.hash(data));
        expect(toHex(wasmBlake3.hash(data))).toBe(ref);
        const points = [0, ...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length];
        const s = wasmBlake3.stream();
        const n = nobleBlake3.stream();
        for (let i = 1; i < points.length; i++) {
          s.update(data.subarray(points[i - 1]!, points[i]!));
          n.update(data.subarray(points[i - 1]!, points[i]!));
        }
        expect(toHex(s.digest())).toBe(ref);
        expect(toHex(n.digest())).toBe(ref);
      }),
      prop(200),
    );
  });

  it('matches the official 1024-byte vector (i % 251 pattern) on both backends, incl. nested streams beyond the pool', () => {
    const data = Uint8Array.from({ length: 1024 }, (_, i) => i % 251);
    const expected = '42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7';
    expect(toHex(wasmBlake3.hash(data))).toBe(expected);
    expect(toHex(nobleBlake3.hash(data))).toBe(expected);
    const streams = Array.from({ length: 7 }, () => wasmBlake3.stream());
    for (const st of streams) st.update(data);
    for (const st of streams.reverse()) expect(toHex(st.digest())).toBe(expected);
  });
});
