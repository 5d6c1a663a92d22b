/**
 * PackedOps (how a patch and a tick record keep their ops): every op kind reads back equal
 * (`at`, negative indices, iteration, fresh objects each read), `writeTo` appends exactly the
 * per-op `writeOp` encodings, and `sameBytes` holds exactly for lists that encode alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, PackedOps, atom, makeNodeId, makeTypeId, makeWarpId, nodeAlpha, type WarpOp } from '../../../engine/index';
import { opArb as op } from '../../support/opArb';
import { writeOp } from '../../../engine/codec/canonical';
import { prop } from '../../support/prop';
import { expectReadsBack } from '../../support/packedList';

const encoded = (ops: readonly WarpOp[]): Uint8Array => {
  const w = new ByteWriter();
  for (const o of ops) writeOp(w, o);
  return w.finish();
};

describe('PackedOps', () => {
  it('reads back every op kind, re-encodes exactly, and compares by bytes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), fc.array(op, { maxLength: 20 }), (ops, other) => {
        const p = PackedOps.of(ops);
        expectReadsBack(p, ops);
        if (ops.length > 0) expect(p.at(0)).not.toBe(p.at(0));
        const w = new ByteWriter();
        p.writeTo(w);
        expect(w.finish()).toEqual(encoded(ops));
        expect(p.sameBytes(PackedOps.of(ops))).toBe(true);
        const q = PackedOps.of(other);
        const same = encoded(ops).join() === encoded(other).join() && ops.length === other.length;
        expect(p.sameBytes(q)).toBe(same);
      }),
      prop(400),
    );
  });

  it('sameBytes tells lists apart that differ in one byte only, anywhere (same lengths, same op boundaries)', () => {
    const ty = makeTypeId('t');
    const w0 = makeWarpId('w0');
    const ops: WarpOp[] = Array.from({ length: 9 }, (_, i) => ({ op: 'SetAttachment', key: nodeAlpha(w0, makeNodeId(`n${i}`)), value: atom(ty, Uint8Array.of(i, 1)) })); // 111 bytes an op: the last op ends in the tail past the last whole word
    const p = PackedOps.of(ops);
    for (const at of [0, 4, 8]) {
      const changed = ops.slice();
      changed[at] = { op: 'SetAttachment', key: nodeAlpha(w0, makeNodeId(`n${at}`)), value: atom(ty, Uint8Array.of(at, 2)) };
      expect(p.sameBytes(PackedOps.of(changed))).toBe(false);
    }
    expect(p.sameBytes(PackedOps.of(ops.slice()))).toBe(true);
  });
});
