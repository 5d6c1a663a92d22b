/**
 * Id derivation, constants and function-level vectors: the `primitives` table of
 * reference-vectors.json, ENGINE-SPEC §1.5 / §7.5-7.6, and the derived vectors GV-001, GV-002
 * (d7bf2740 formulas), GV-004, DV-3 and DV-5 of §10.3-10.4.
 */
import { describe, expect, it } from 'vitest';
import {
  ACK_PENDING_RULE_NAME,
  Engine,
  Footprint,
  GraphStore,
  POLICY_ID_NO_POLICY_V0,
  ROOT_WARP,
  WarpTickPatchV1,
  ackPendingRule,
  atom,
  blake3Empty,
  canonicalStateHash,
  computeCommitHashV2,
  computeIntentId,
  computeRulePackId,
  digestLen0U64,
  dispatchInboxRule,
  fromHex,
  makeEdgeId,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  pendingEdgeId,
  INBOX_NODE,
  scopeHash,
  toHex,
  utf8,
  type RewriteRule,
} from '../../../engine/index';
import { decodeMotionAtomPayload, encodeMotionAtomPayload, encodeMotionPayload, encodeMotionRaw, MOTION_V2_TYPE_ID } from '../../../engine/payload';
import { loadReferenceVectors } from '../../support/vectors';

const prim = loadReferenceVectors().primitives;

describe('primitives table (reference-vectors.json)', () => {
  it('reproduces every listed value', () => {
    const got: Record<string, string | number> = {
      'ack_pending_rule.id = make_type_id("rule:sys/ack_pending")': toHex(ackPendingRule().id),
      blake3_empty: toHex(blake3Empty()),
      digest_len0_u64: toHex(digestLen0U64()),
      'encode_motion_payload([1,2,3],[0.5,-1,0.25])': toHex(encodeMotionPayload([1, 2, 3], [0.5, -1, 0.25])),
      'make_edge_id("child-edge-0")': toHex(makeEdgeId('child-edge-0')),
      'make_node_id("root")': toHex(makeNodeId('root')),
      'make_type_id("world")': toHex(makeTypeId('world')),
      'make_warp_id("root")': toHex(makeWarpId('root')),
      motion_payload_type_id: toHex(MOTION_V2_TYPE_ID),
      policy_id_no_policy_v0: POLICY_ID_NO_POLICY_V0,
      'rule_id("test/add_child") = blake3("rule:test/add_child")': toHex(makeRuleId('test/add_child')),
      'scope_hash(rule_id("boaw/touch"), {warp root, node make_node_id("s5/n0")})': toHex(
        scopeHash(makeRuleId('boaw/touch'), ROOT_WARP, makeNodeId('s5/n0')),
      ),
    };
    expect(Object.keys(prim).sort()).toEqual(Object.keys(got).sort());
    for (const k of Object.keys(prim)) expect(got[k], k).toBe(prim[k]);
  });
});

describe('ENGINE-SPEC §1.5 / §7.5 constants', () => {
  it('derives the frequently needed ids', () => {
    expect(toHex(makeNodeId('sim'))).toBe('ee5023985033c82820ffc496cd8b906a4c62493283ee46a3bed68d22f7f8068d');
    expect(toHex(makeNodeId('sim/inbox'))).toBe('dc3c67a9a7dc63f39308afaee524093fe28cf93c5724adc9d826f7bc445aa6a9');
    expect(toHex(makeEdgeId('edge:root/sim'))).toBe('cab90b7e889b849631b4a9a6b4b33ad09e721d8aaab8e198396914222b82f9c5');
    expect(toHex(makeEdgeId('edge:sim/inbox'))).toBe('ae4dc8a3a75756aa9ce65b4d198b61f65801e351c868ee116a2105ec31450c0b');
    expect(toHex(makeTypeId('payload/motion/v0'))).toBe('fec2379435c35e68d8f0b6a81c51a9b589f3db3d1f569a9b44a5cfeb6561bf3f');
    expect(toHex(makeRuleId('motion/update'))).toBe('8c9fdd3840ee70704ee58b9169e0083f9a42273bff5af921ec1e7a1958e98473');
    expect(toHex(dispatchInboxRule().id)).toBe('2d608a36b38aa177090c9c95299d0b61e28fac800dbbc9bba272efb8a0672244');
    expect(ACK_PENDING_RULE_NAME).toBe('sys/ack_pending');
    expect(toHex(computeRulePackId([]))).toBe('93027240ab099263be56afec706cccc0bcf70e8603b89c7b2186e650659747f0');
  });
});

describe('derived vectors (§10.3-10.4)', () => {
  it('GV-001: a store created in another warp hashes as warp root', () => {
    const store = new GraphStore(makeWarpId('test-warp'));
    const root = makeNodeId('root');
    store.insertNode(root, { ty: makeTypeId('RootType') });
    const e = new Engine(store, root);
    const s = e.commit(e.begin());
    expect(toHex(s.stateRoot)).toBe('0b626c714fd88f7dbfcc662043c2128b7824b138bd16af05940ec6114c8fadf5');
    expect(toHex(s.patchDigest)).toBe('abf25601cfb6eea9383e77cf784c8a9fdb51ba7430f2ab476eddef1d52c1b678');
    expect(toHex(s.hash)).toBe('4fcc212c288e3d32aedc17359ff40af0ea269ef657d4a1d70edd43b3d9572c14');
  });

  it('GV-004: intent id, pending edge id, and the empty commit after ingest', () => {
    const store = new GraphStore(makeWarpId('test-warp'));
    const root = makeNodeId('root');
    store.insertNode(root, { ty: makeTypeId('RootType') });
    const e = new Engine(store, root);
    const d = e.ingestIntent(utf8('test-intent-payload-001'));
    expect(d.kind).toBe('accepted');
    expect(toHex(d.intentId)).toBe('b79ec7afbbe66524a17ae9bb1820f1551655ff5266bd8a3fad2dcb437ec3db5a');
    expect(toHex(pendingEdgeId(INBOX_NODE, d.intentId))).toBe('6191ba71725e25e670028df9e9a3469d617f8e53539157ad457bb92a7b2e9bf0');
    const s = e.commit(e.begin());
    expect(toHex(s.stateRoot)).toBe('c0689a0bab9e9ad80f92fa68749d88bf86c5c198cd789cade9871e811d3d5d3f');
    expect(toHex(s.hash)).toBe('ae6e8d36ef6f8509da9955a85afad267f499ff39e054276e13e8627d9b585d65');
    expect(toHex(computeIntentId(utf8('test-intent-payload-001')))).toBe(toHex(d.intentId));
  });

  it('GV-002 function-level chain (canonical_state_hash + commit id, policy 0)', () => {
    const store = new GraphStore(makeWarpId('test-warp'));
    store.insertNode(makeNodeId('root'), { ty: makeTypeId('RootType') });
    const expected = [
      ['584abad2418a99b01144d4381d4b4a0d880bbdb764f2f9f2acba72c1bc86f908', 'fc1c8d1969550126eb4f1f8649a48e60c930ecf321247b1179a9f737c245ebcb'],
      ['76c6fd42b045bc3300a47de0ea2171acd30fc6c6e0639847be91c4187f9a5665', '3fd2b2efb9eec8ad1c2004d90e3389c4c7c47f375ab99a3e1e5015aae20b1033'],
      ['6ad2c0d493bc23b4e9dc5a34b17247470a322c81f22a27a9fbae2a9553ed7c6a', '433d67ebbd38de2388de1468ac1c7f2c29cebd368e9f6c34da584f618f9dce4f'],
      ['2154e1e3b81324c6d37b4099d9cb5799afb48b7c53b0cd91390cb0179c4ecf9e', '6e8f1e87f00c45bf3260da36996bae3c4f1aefa3a3a713ac4bcd7a53dc2adbd1'],
      ['1d723966aef36ee5e7b7414a6349098b1992b51bba33fe9dfa62eed06c945d79', 'f8b3f0f987996fe3954a0b5667cc0ce7b842e952326211a1970c2105e756b264'],
    ];
    let parents: Uint8Array[] = [];
    expected.forEach(([sr, cid], t) => {
      store.insertNode(makeNodeId(`node-${t}`), { ty: makeTypeId(`Type${t}`) });
      const root = canonicalStateHash(store);
      expect(toHex(root)).toBe(sr);
      const c = computeCommitHashV2(root, parents, new Uint8Array(32).fill(t), 0);
      expect(toHex(c)).toBe(cid);
      parents = [c];
    });
  });

  it('DV-3: one test/motion tick with saturating i64 addition', () => {
    const entity = makeNodeId('tick-patch-entity');
    const store = new GraphStore();
    store.insertNode(entity, { ty: makeTypeId('entity') });
    store.setNodeAttachment(entity, encodeMotionAtomPayload([0, 0, 0], [1, 0, 0]));
    const e = new Engine(store, entity);
    const sat = (v: bigint) => (v > 2n ** 63n - 1n ? 2n ** 63n - 1n : v < -(2n ** 63n) ? -(2n ** 63n) : v);
    const rule: RewriteRule = {
      id: makeRuleId('test/motion'),
      name: 'test/motion',
      matcher: (view, s) => decodeMotionAtomPayload(view.nodeAttachment(s)) !== null,
      computeFootprint: (view, s) => new Footprint().writeAttachment(nodeAlpha(view.warpId(), s)),
      executor: (view, s, delta) => {
        const cur = view.nodeAttachment(s);
        const m = decodeMotionAtomPayload(cur)!;
        const pos = m.pos.map((p, i) => sat(p + m.vel[i]!));
        const bytes = encodeMotionRaw(pos, m.vel);
        if (cur?.kind === 'atom' && toHex(cur.bytes) === toHex(bytes)) return;
        delta.emit({ op: 'SetAttachment', key: nodeAlpha(view.warpId(), s), value: atom(MOTION_V2_TYPE_ID, bytes) });
      },
    };
    e.registerRule(rule);
    expect(toHex(e.snapshot().stateRoot)).toBe('8f9daa0a5e18f98193ee052c599f2f598e868ab940911b723d8ead97c1a03378');
    const tx = e.begin();
    e.apply(tx, 'test/motion', entity);
    const rec = e.commitWithReceipt(tx);
    expect(toHex(rule.id)).toBe('345114e645ed42ffc9bf5c1b3b1bd416b3095d63c1622d0d96640f8175b0397e');
    expect(toHex(rec.receipt.entries.at(0)!.scopeHash)).toBe('d5a30d14d564f2274e4aff2853557cb0b1e2a1b78819758b281fd801eab72a81');
    expect(toHex(rec.patch.rulePackId)).toBe('53a6509ed361d9ab125d0193ee15a37f69ff954a3e8c620e69c34e2a349a93f0');
    expect(toHex(rec.snapshot.planDigest)).toBe('0664fb3ad750d8e11df05b17077f9f355b6373644fddd3dfc3aab43edc4afccd');
    expect(toHex(rec.snapshot.rewritesDigest)).toBe('f51fca51caa1acd4f5342b2647da7109e42c658e8ae44015d2ce443dcd6efa25');
    expect(toHex(rec.snapshot.decisionDigest)).toBe('64ea69840e4ac9fed0b7a6de2a957c965dfece40c69d3a2d1dbe9f4150b43756');
    expect(toHex(rec.snapshot.stateRoot)).toBe('895a124b15276b9384640be6e7e2543aa3fc8ee3c9fa15b06e63d32b3666a28a');
    expect(toHex(rec.snapshot.patchDigest)).toBe('d7a277d475bedf8926160dd61b6bb3f10c1ce44211606796aa5ae53fdbabc262');
    expect(toHex(rec.snapshot.hash)).toBe('bd5a8d6fa8aed81618cc8579148455b63e20ca028d4bed762a857365e179653d');
  });

  it('DV-5: explicit patch with instance ops; the atom type takes part in the digest', () => {
    const w = makeWarpId('patch-digest-payload-type-test');
    const node = makeNodeId('node');
    const digest = (label: string) =>
      toHex(
        new WarpTickPatchV1(POLICY_ID_NO_POLICY_V0, new Uint8Array(32), 'committed', [], [], [
          { op: 'UpsertWarpInstance', instance: { warpId: w, rootNode: makeNodeId('root'), parent: null } },
          { op: 'UpsertNode', node: { warp: w, local: node }, record: { ty: makeTypeId('entity') } },
          { op: 'SetAttachment', key: nodeAlpha(w, node), value: atom(makeTypeId(label), utf8('same-bytes')) },
        ]).digest,
      );
    expect(digest('payload/a')).toBe('847a0443936f903d13ab78c1f2b17c011480aa68b2f3d5680a41413c84c088b1');
    expect(digest('payload/b')).toBe('d70912d9892e6937fd328e5ff1b4ce2a96bbc061199ea0d4dc6c2e64be32efb4');
  });

  it('hex helpers reject malformed input', () => {
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});
