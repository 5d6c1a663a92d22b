/**
 * WarpState binary v1: decode(encode(s)) reproduces s exactly — nodes, attachments (orphans
 * included), instances and portals, edge bucket order and inbound (`edgesTo`) order, which rules
 * observe — for random histories of upserts, re-upserts, deletes and cascades; encode(decode(b))
 * is b; the decoded state behaves identically under further mutations; malformed or
 * non-canonical bytes throw `CodecError` only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, GraphStore, WarpState, atom, descend, fromHex, makeEdgeId, makeNodeId, makeTypeId, makeWarpId, nodeAlpha, toHex, ROOT_WARP } from '../../../engine/index';
import { CodecError } from '../../../engine/codec/byteReader';
import { decodeWarpState, encodeWarpState } from '../../../engine/codec/stateBinary';
import { prop } from '../../support/prop';

const N = (i: number) => makeNodeId(`n${i}`);
const E = (i: number) => makeEdgeId(`e${i}`);
const T = (i: number) => makeTypeId(`t${i}`);

type Op =
  | { k: 'node'; n: number; t: number }
  | { k: 'edge'; e: number; from: number; to: number; t: number }
  | { k: 'delEdge'; e: number; from: number }
  | { k: 'delNode'; n: number }
  | { k: 'natt'; n: number; v: number[] | null }
  | { k: 'eatt'; e: number; v: number[] | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('node' as const), n: fc.nat(7), t: fc.nat(2) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('edge' as const), e: fc.nat(11), from: fc.nat(7), to: fc.nat(7), t: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delEdge' as const), e: fc.nat(11), from: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delNode' as const), n: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('natt' as const), n: fc.nat(9), v: fc.option(fc.array(fc.nat(255), { maxLength: 6 }), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('eatt' as const), e: fc.nat(13), v: fc.option(fc.array(fc.nat(255), { maxLength: 6 }), { nil: null }) }) },
);

function apply(s: GraphStore, op: Op): void {
  const val = (v: number[] | null) => (v === null ? null : atom(T(9), new Uint8Array(v)));
  switch (op.k) {
    case 'node':
      return s.insertNode(N(op.n), { ty: T(op.t) });
    case 'edge':
      return s.insertEdge(N(op.from), { id: E(op.e), from: N(op.from), to: N(op.to), ty: T(op.t) });
    case 'delEdge':
      return void s.deleteEdgeExact(N(op.from), E(op.e));
    case 'delNode':
      return void s.deleteNodeCascade(N(op.n));
    case 'natt':
      return s.setNodeAttachment(N(op.n), val(op.v));
    case 'eatt':
      return s.setEdgeAttachment(E(op.e), val(op.v));
  }
}

/** Everything observable about a state, as plain data (independent of the codec under test). */
function shape(st: WarpState) {
  return Array.from(st.instances.sortedEntries()).map(([k, inst]) => {
    const s = st.stores.get(k)!;
    const targets = new Set<string>();
    for (const e of s.iterEdges()) targets.add(toHex(e.to));
    return {
      warp: toHex(inst.warpId),
      root: toHex(inst.rootNode),
      parent: inst.parent ? [inst.parent.owner, inst.parent.plane, toHex(inst.parent.warp), toHex(inst.parent.local)] : null,
      storeWarp: toHex(s.warpId),
      nodes: Array.from(s.iterNodes()).map(([id, r]) => [id, toHex(r.ty)]),
      natt: Array.from(s.iterNodeAttachments()).map(([id, v]) => [id, v.kind === 'atom' ? toHex(v.typeId) + ':' + toHex(v.bytes) : 'd' + toHex(v.warp)]),
      eatt: Array.from(s.iterEdgeAttachments()).map(([id, v]) => [id, v.kind === 'atom' ? toHex(v.typeId) + ':' + toHex(v.bytes) : 'd' + toHex(v.warp)]),
      buckets: s.bucketSourcesSorted().map((f) => [f, s.edgesFromHex(f).map((e) => [toHex(e.id), toHex(e.from), toHex(e.to), toHex(e.ty)])]),
      inbound: Array.from(targets).sort().map((t) => [t, s.edgesToHex(t).slice()]),
      index: s.edgeIdsSorted().map((id) => [id, toHex(s.edgeByHex(id)!.from)]),
      portals: Array.from(s.descendingAttachments()).map(([o, w]) => [o.owner, toHex(o.local), toHex(w)]),
    };
  });
}

function build(rootOps: readonly Op[], childOps: readonly Op[] | null): WarpState {
  const st = new WarpState();
  const root = new GraphStore(ROOT_WARP);
  for (const op of rootOps) apply(root, op);
  st.upsertInstance({ warpId: ROOT_WARP, rootNode: N(0), parent: null }, root);
  if (childOps) {
    const cw = makeWarpId('child');
    const child = new GraphStore(cw);
    for (const op of childOps) apply(child, op);
    st.upsertInstance({ warpId: cw, rootNode: N(1), parent: nodeAlpha(ROOT_WARP, N(0)) }, child);
    root.setNodeAttachment(N(0), descend(cw));
  }
  return st;
}

describe('WarpState binary v1', () => {
  it('decode(encode(s)) = s exactly (bucket and inbound order included); encode(decode(b)) = b; behaviour after further ops is identical', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.option(fc.array(opArb, { maxLength: 25 }), { nil: null }), fc.array(opArb, { maxLength: 15 }), (ops, child, after) => {
        const s = build(ops, child);
        const b = encodeWarpState(s);
        const d = decodeWarpState(b);
        expect(shape(d)).toEqual(shape(s));
        expect(encodeWarpState(d)).toEqual(b);
        // Rules observe order: keep mutating both and compare again (deleteNodeCascade walks edgesTo).
        const rs = s.store(ROOT_WARP)!;
        const rd = d.store(ROOT_WARP)!;
        for (const op of after) {
          apply(rs, op);
          apply(rd, op);
        }
        expect(shape(d)).toEqual(shape(s));
      }),
      prop(150),
    );
  });

  it('rejects non-canonical and malformed bytes with CodecError only', () => {
    const st = build(
      [
        { k: 'node', n: 0, t: 0 },
        { k: 'edge', e: 1, from: 0, to: 3, t: 0 },
        { k: 'edge', e: 2, from: 0, to: 3, t: 0 },
      ],
      null,
    );
    const b = encodeWarpState(st);
    expect(toHex(b)).toContain(toHex(E(1)) + toHex(N(3)));
    // Swap the two ids of the inbound list of n3: bucket order says e1 < e2, inbound says e2 < e1.
    const hex = toHex(b);
    const inbound = toHex(N(3)) + '02000000' + [E(1), E(2)].map(toHex).join('');
    const idx = hex.lastIndexOf(inbound);
    expect(idx).toBeGreaterThan(0);
    const swapped = fromHex(hex.slice(0, idx) + toHex(N(3)) + '02000000' + [E(2), E(1)].map(toHex).join('') + hex.slice(idx + inbound.length));
    expect(() => decodeWarpState(swapped)).toThrow(/contradict/);
    const bad = [b.subarray(0, b.length - 1), new Uint8Array([1, 0, 255, 255, 255, 255]), new Uint8Array([2, 0, 0, 0, 0, 0]), new Uint8Array([...b, 0])];
    for (const x of bad) expect(() => decodeWarpState(x)).toThrow(CodecError);
    // Unsorted instances.
    const w = new ByteWriter();
    w.u16(1).u32(2);
    for (const k of [makeWarpId('b'), makeWarpId('a')].sort((x, y) => (toHex(x) < toHex(y) ? 1 : -1))) w.bytes(k).bytes(N(0)).u8(0).u32(0).u32(0).u32(0).u32(0).u32(0);
    expect(() => decodeWarpState(w.finish())).toThrow(/out of order/);
  });

  it('random bytes never throw anything but CodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (raw) => {
        const b = new Uint8Array([1, 0, ...raw]);
        try {
          decodeWarpState(b);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      }),
      prop(300),
    );
  });
});

