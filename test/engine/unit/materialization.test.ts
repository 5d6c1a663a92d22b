/**
 * Materialization bus, MBUS frames and MaterializationPort (ENGINE-SPEC §8.4, EmitKey order §1.3).
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../../engine/bytes';
import { makeChannelId, makeRuleId, makeTypeId } from '../../../engine/ident';
import { blake3 } from '../../../engine/hash';
import {
  MaterializationBus,
  MaterializationError,
  MaterializationPort,
  ScopedEmitter,
  compareEmitKeys,
  decodeFrame,
  decodeFrames,
  encodeFrame,
  encodeFrames,
  makeEmitKey,
  reduceValues,
  subkeyFromHash,
  type ChannelId,
  type EmitKey,
  type MaterializationErrorCode,
  type ReduceOp,
} from '../../../engine/materialization';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const scope = (first: number, last = 0): Uint8Array => {
  const s = new Uint8Array(32);
  s[0] = first;
  s[31] = last;
  return s;
};
const key = (s: Uint8Array, ruleId: number, subkey = 0): EmitKey => makeEmitKey(s, ruleId, subkey);
const u32le = (n: number): Uint8Array => {
  const o = new Uint8Array(4);
  new DataView(o.buffer).setUint32(0, n, true);
  return o;
};
const u64le = (n: bigint): Uint8Array => {
  const o = new Uint8Array(8);
  new DataView(o.buffer).setBigUint64(0, n, true);
  return o;
};

function expectCode(fn: () => unknown, code: MaterializationErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MaterializationError);
  expect((caught as MaterializationError).code).toBe(code);
}

const CH = makeChannelId('test/ch');
const CH2 = makeChannelId('test/ch2');
const CH3 = makeChannelId('test/ch3');

describe('ids and EmitKey', () => {
  it('channel id is H("channel:" ‖ label)', () => {
    expect(toHex(makeChannelId('x'))).toBe(toHex(blake3(new TextEncoder().encode('channel:x'))));
    expect(toHex(makeChannelId('x'))).not.toBe(toHex(makeTypeId('x')));
  });

  it('subkeyFromHash reads u32le of the first four bytes', () => {
    expect(subkeyFromHash(b(0x01, 0x02, 0x03, 0x04, 0xff))).toBe(0x04030201);
    expect(subkeyFromHash(b(0xff, 0xff, 0xff, 0xff))).toBe(0xffffffff);
    const h = makeRuleId('r');
    expect(subkeyFromHash(h)).toBe(new DataView(h.buffer, h.byteOffset).getUint32(0, true));
    expect(() => subkeyFromHash(b(1, 2, 3))).toThrow(RangeError);
  });

  it('compares scope bytes, then rule id numerically, then subkey numerically', () => {
    const sorted = [
      key(scope(1), 2, 1),
      key(scope(1), 2, 0xff),
      key(scope(1), 2, 0x100),
      key(scope(1), 0x10, 0),
      key(scope(1, 5), 0, 0),
      key(scope(2), 0, 0),
    ];
    const shuffled = [sorted[5]!, sorted[3]!, sorted[0]!, sorted[4]!, sorted[2]!, sorted[1]!];
    expect(shuffled.slice().sort(compareEmitKeys)).toEqual(sorted);
    expect(compareEmitKeys(key(scope(1), 2, 3), key(scope(1), 2, 3))).toBe(0);
  });

  it('validates key fields', () => {
    expect(() => makeEmitKey(new Uint8Array(31), 0, 0)).toThrow(RangeError);
    expect(() => makeEmitKey(scope(0), -1, 0)).toThrow(RangeError);
    expect(() => makeEmitKey(scope(0), 0, 2 ** 32)).toThrow(RangeError);
    expect(() => makeEmitKey(scope(0), 1.5, 0)).toThrow(RangeError);
  });
});

describe('MaterializationBus: Log', () => {
  it('is the default policy and concatenates u32le(len) ‖ data in EmitKey order, not insertion order', () => {
    const bus = new MaterializationBus();
    expect(bus.policyOf(CH)).toEqual({ kind: 'log' });
    bus.emit(CH, key(scope(2), 0, 0), b(0xd));
    bus.emit(CH, key(scope(1), 0x10, 0), b(0xc));
    bus.emit(CH, key(scope(1), 2, 0x100), b(0xb, 0xb));
    bus.emit(CH, key(scope(1), 2, 0xff), b());
    bus.emit(CH, key(scope(1), 2, 1), b(0xa));
    const r = bus.finalize();
    expect(r.errors).toEqual([]);
    expect(r.channels).toHaveLength(1);
    expect(toHex(r.channels[0]!.channel)).toBe(toHex(CH));
    expect(toHex(r.channels[0]!.data)).toBe(
      toHex(concatBytes(u32le(1), b(0xa), u32le(0), u32le(2), b(0xb, 0xb), u32le(1), b(0xc), u32le(1), b(0xd))),
    );
  });

  it('finalizes channels in ascending id order and clears pending', () => {
    const ids = [CH, CH2, CH3].sort((x, y) => (toHex(x) < toHex(y) ? -1 : 1));
    const bus = new MaterializationBus();
    for (const ch of ids.slice().reverse()) bus.emit(ch, key(scope(0), 0), b(1));
    expect(bus.isEmpty).toBe(false);
    const r = bus.finalize();
    expect(r.channels.map((c) => toHex(c.channel))).toEqual(ids.map(toHex));
    expect(bus.isEmpty).toBe(true);
    expect(bus.finalize()).toEqual({ channels: [], errors: [] });
    // Same key may be emitted again after finalize.
    bus.emit(CH, key(scope(0), 0), b(2));
    expect(toHex(bus.finalize().channels[0]!.data)).toBe(toHex(concatBytes(u32le(1), b(2))));
  });

  it('copies emitted bytes', () => {
    const bus = new MaterializationBus();
    const d = b(1, 2);
    bus.emit(CH, key(scope(0), 0), d);
    d[0] = 9;
    expect(toHex(bus.finalize().channels[0]!.data)).toBe('020000000102');
  });
});

describe('MaterializationBus: duplicate emission and clear', () => {
  it('rejects a second emission for the same (channel, key), even with identical bytes', () => {
    const bus = new MaterializationBus();
    const k = key(scope(3), 7, 1);
    bus.emit(CH, k, b(1));
    expectCode(() => bus.emit(CH, key(scope(3), 7, 1), b(1)), 'DuplicateEmission');
    expectCode(() => bus.emit(CH, k, b(2)), 'DuplicateEmission');
    try {
      bus.emit(CH, k, b(1));
    } catch (e) {
      const err = e as MaterializationError;
      expect(toHex(err.detail.channel!)).toBe(toHex(CH));
      expect(compareEmitKeys(err.detail.key!, k)).toBe(0);
    }
    // Same key on another channel, or another subkey, is fine.
    bus.emit(CH2, k, b(3));
    bus.emit(CH, key(scope(3), 7, 2), b(4));
    const r = bus.finalize();
    const byHex = new Map(r.channels.map((c) => [toHex(c.channel), toHex(c.data)]));
    expect(byHex.get(toHex(CH))).toBe(toHex(concatBytes(u32le(1), b(1), u32le(1), b(4))));
    expect(byHex.get(toHex(CH2))).toBe(toHex(concatBytes(u32le(1), b(3))));
  });

  it('clear drops pending emissions but keeps policies', () => {
    const bus = new MaterializationBus();
    bus.registerChannel(CH, { kind: 'strictSingle' });
    bus.emit(CH, key(scope(0), 0), b(1));
    bus.clear();
    expect(bus.isEmpty).toBe(true);
    expect(bus.finalize()).toEqual({ channels: [], errors: [] });
    bus.emit(CH, key(scope(0), 0), b(1));
    bus.emit(CH, key(scope(0), 1), b(1));
    expect(bus.finalize().errors).toHaveLength(1);
  });

  it('registerChannel replaces an earlier policy', () => {
    const bus = new MaterializationBus();
    bus.registerChannel(CH, { kind: 'strictSingle' });
    bus.registerChannel(CH, { kind: 'reduce', op: 'concat' });
    expect(bus.policyOf(CH)).toEqual({ kind: 'reduce', op: 'concat' });
    bus.emit(CH, key(scope(0), 0), b(1));
    bus.emit(CH, key(scope(0), 1), b(2));
    expect(toHex(bus.finalize().channels[0]!.data)).toBe('0102');
  });
});

describe('MaterializationBus: StrictSingle', () => {
  it('one emission yields the value; an empty emission yields empty', () => {
    const bus = new MaterializationBus();
    bus.registerChannel(CH, { kind: 'strictSingle' });
    bus.registerChannel(CH2, { kind: 'strictSingle' });
    bus.emit(CH, key(scope(0), 0), b(5, 6));
    bus.emit(CH2, key(scope(0), 0), b());
    const r = bus.finalize();
    expect(r.errors).toEqual([]);
    const byHex = new Map(r.channels.map((c) => [toHex(c.channel), toHex(c.data)]));
    expect(byHex.get(toHex(CH))).toBe('0506');
    expect(byHex.get(toHex(CH2))).toBe('');
  });

  it('more than one emission is reported with its count, and the channel lands only in errors', () => {
    const bus = new MaterializationBus();
    bus.registerChannel(CH, { kind: 'strictSingle' });
    bus.registerChannel(CH2, { kind: 'strictSingle' });
    bus.emit(CH, key(scope(0), 0), b(1));
    bus.emit(CH, key(scope(1), 0), b(1));
    bus.emit(CH, key(scope(2), 0), b(1));
    bus.emit(CH2, key(scope(0), 0), b(1));
    bus.emit(CH2, key(scope(0), 0, 1), b(2));
    bus.emit(CH3, key(scope(0), 0), b(7)); // log
    const r = bus.finalize();
    const expected = [
      { channel: CH, emissionCount: 3, kind: 'StrictSingleConflict' },
      { channel: CH2, emissionCount: 2, kind: 'StrictSingleConflict' },
    ].sort((x, y) => (toHex(x.channel) < toHex(y.channel) ? -1 : 1));
    expect(r.errors.map((e) => ({ ...e, channel: toHex(e.channel) }))).toEqual(
      expected.map((e) => ({ ...e, channel: toHex(e.channel) })),
    );
    expect(r.channels.map((c) => toHex(c.channel))).toEqual([toHex(CH3)]);
    expect(bus.isEmpty).toBe(true);
  });
});

describe('MaterializationBus: Reduce', () => {
  function run(op: ReduceOp, values: Uint8Array[]): string {
    const bus = new MaterializationBus();
    bus.registerChannel(CH, { kind: 'reduce', op });
    // Emit in reverse key order so insertion order differs from EmitKey order.
    for (let i = values.length - 1; i >= 0; i--) bus.emit(CH, key(scope(i), 0), values[i]!);
    const r = bus.finalize();
    expect(r.errors).toEqual([]);
    expect(r.channels).toHaveLength(1);
    return toHex(r.channels[0]!.data);
  }

  it('Sum: u64le zero-padded/truncated to 8 bytes, wrapping, 8 LE bytes', () => {
    expect(run('sum', [u64le(5n), b(1), b(0, 1)])).toBe(toHex(u64le(5n + 1n + 256n)));
    // Bytes beyond 8 are ignored.
    expect(run('sum', [b(1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), b(2)])).toBe(toHex(u64le(3n)));
    // Wrapping.
    expect(run('sum', [u64le(0xffffffffffffffffn), u64le(2n)])).toBe(toHex(u64le(1n)));
    expect(run('sum', [u64le(0x8000000000000000n), u64le(0x8000000000000000n)])).toBe(toHex(u64le(0n)));
    expect(run('sum', [b()])).toBe('0000000000000000');
    expect(run('sum', [b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)])).toBe('ffffffffffffff00');
  });

  it('Max / Min: whole-value lexicographic byte order', () => {
    const vals = [b(1, 0xff), b(2), b(1, 0xff, 0), b(), b(1)];
    expect(run('max', vals)).toBe('02');
    expect(run('min', vals)).toBe('');
    expect(run('min', [b(1, 0xff), b(1, 0xff, 0), b(1, 0xff, 0, 0)])).toBe('01ff');
    expect(run('max', [b(1, 0xff), b(1, 0xff, 0), b(1, 0xfe, 0xff, 0xff)])).toBe('01ff00');
  });

  it('BitOr: zero-pad to the longest, then OR', () => {
    expect(run('bitOr', [b(0x01), b(0x10, 0x02, 0x00), b(0x00, 0x20)])).toBe('112200');
    expect(run('bitOr', [b(), b()])).toBe('');
  });

  it('BitAnd: truncate to the shortest, then AND', () => {
    expect(run('bitAnd', [b(0xff, 0x0f, 0xaa), b(0x3c, 0xff)])).toBe('3c0f');
    expect(run('bitAnd', [b(0xff, 0xff), b(), b(0xff)])).toBe('');
    expect(run('bitAnd', [b(0xf0, 0x0f)])).toBe('f00f');
  });

  it('First / Last / Concat follow EmitKey order', () => {
    const vals = [b(1), b(2, 2), b(), b(3)];
    expect(run('first', vals)).toBe('01');
    expect(run('last', vals)).toBe('03');
    expect(run('concat', vals)).toBe('01020203');
    expect(run('last', [b(9), b()])).toBe('');
  });

  it('with no values: Sum gives 8 zero bytes, every other op gives empty', () => {
    expect(toHex(reduceValues('sum', []))).toBe('0000000000000000');
    for (const op of ['max', 'min', 'bitOr', 'bitAnd', 'first', 'last', 'concat'] as const) {
      expect(reduceValues(op, [])).toEqual(new Uint8Array(0));
    }
  });

  it('reduced outputs do not alias inputs', () => {
    const v = b(1, 2);
    const out = reduceValues('first', [v]);
    out[0] = 7;
    expect(v[0]).toBe(1);
  });
});

describe('ScopedEmitter', () => {
  it('emits with (scope, rule, 0) and with an explicit subkey', () => {
    const bus = new MaterializationBus();
    const s = scope(4);
    const em = new ScopedEmitter(bus, s, 9);
    em.emitWithSubkey(CH, 2, b(0xb));
    em.emit(CH, b(0xa));
    expectCode(() => em.emit(CH, b(0xa)), 'DuplicateEmission');
    expectCode(() => bus.emit(CH, key(s, 9, 2), b()), 'DuplicateEmission');
    bus.emit(CH, key(s, 9, 1), b(0xc));
    expect(toHex(bus.finalize().channels[0]!.data)).toBe(
      toHex(concatBytes(u32le(1), b(0xa), u32le(1), b(0xc), u32le(1), b(0xb))),
    );
  });
});

describe('MBUS frames', () => {
  it('encodes the frozen layout and round-trips', () => {
    const data = b(0xde, 0xad);
    const f = encodeFrame(CH, data);
    expect(toHex(f)).toBe('4d425553' + '0100' + '0000' + toHex(u32le(34)) + toHex(CH) + 'dead');
    const d = decodeFrame(f);
    expect(toHex(d.channel)).toBe(toHex(CH));
    expect(toHex(d.data)).toBe('dead');
    const empty = encodeFrame(CH2, b());
    expect(empty.length).toBe(44);
    expect(toHex(decodeFrame(empty).data)).toBe('');
  });

  it('ignores trailing bytes and the reserved field; works on sub-arrays', () => {
    const f = encodeFrame(CH, b(1, 2, 3));
    const g = concatBytes(f, b(0xff, 0xff, 0xff));
    g[6] = 0x34;
    g[7] = 0x12;
    const d = decodeFrame(g);
    expect(toHex(d.data)).toBe('010203');
    const padded = concatBytes(b(9, 9, 9), f);
    expect(toHex(decodeFrame(padded.subarray(3)).data)).toBe('010203');
  });

  it('rejects each malformation with its code', () => {
    const f = encodeFrame(CH, b(1, 2, 3));
    expectCode(() => decodeFrame(b()), 'FrameTooShort');
    expectCode(() => decodeFrame(f.slice(0, 11)), 'FrameTooShort');
    const badMagic = f.slice();
    badMagic[3] = 0x54;
    expectCode(() => decodeFrame(badMagic), 'BadMagic');
    const badVersion = f.slice();
    badVersion[4] = 2;
    expectCode(() => decodeFrame(badVersion), 'BadVersion');
    const v0 = f.slice();
    v0[4] = 0;
    expectCode(() => decodeFrame(v0), 'BadVersion');
    const badLen = f.slice();
    badLen.set(u32le(31), 8);
    expectCode(() => decodeFrame(badLen), 'BadPayloadLength');
    // payload_len < 32 is rejected even for a 12-byte header alone.
    expectCode(() => decodeFrame(concatBytes(f.slice(0, 8), u32le(0))), 'BadPayloadLength');
    expectCode(() => decodeFrame(f.slice(0, f.length - 1)), 'Truncated');
    expectCode(() => decodeFrame(f.slice(0, 12)), 'Truncated');
    const huge = f.slice();
    huge.set(u32le(0xffffffff), 8);
    expectCode(() => decodeFrame(huge), 'Truncated');
  });

  it('encodeFrames concatenates; decodeFrames splits on each header length', () => {
    const list = [
      { channel: CH, data: b(1) },
      { channel: CH2, data: b() },
      { channel: CH, data: b(2, 3, 4, 5) },
    ];
    const enc = encodeFrames(list);
    expect(toHex(enc)).toBe(toHex(concatBytes(...list.map((f) => encodeFrame(f.channel, f.data)))));
    const dec = decodeFrames(enc);
    expect(dec.map((f) => [toHex(f.channel), toHex(f.data)])).toEqual(list.map((f) => [toHex(f.channel), toHex(f.data)]));
    expect(decodeFrames(b())).toEqual([]);
    expect(encodeFrames([])).toEqual(new Uint8Array(0));
  });

  it('decodeFrames fails on any malformed frame, including trailing garbage', () => {
    const enc = encodeFrames([
      { channel: CH, data: b(1) },
      { channel: CH2, data: b(2) },
    ]);
    expectCode(() => decodeFrames(concatBytes(enc, b(0x4d))), 'FrameTooShort');
    expectCode(() => decodeFrames(enc.slice(0, enc.length - 1)), 'Truncated');
    const bad = enc.slice();
    bad[45] = 0; // magic of the second frame
    expectCode(() => decodeFrames(bad), 'BadMagic');
  });
});

describe('MaterializationPort', () => {
  function report(entries: [ChannelId, Uint8Array][]) {
    return { channels: entries.map(([channel, data]) => ({ channel, data })), errors: [] };
  }

  it('subscribe returns null before any data and the cached value afterwards', () => {
    const port = new MaterializationPort();
    expect(port.subscribe(CH)).toBeNull();
    expect(port.isSubscribed(CH)).toBe(true);
    // CH2 not subscribed: cached, not queued.
    port.publish(report([[CH, b(1)], [CH2, b(2)]]));
    expect(port.pendingCount).toBe(1);
    expect(toHex(port.subscribe(CH2)!)).toBe('02');
    expect(port.pendingCount).toBe(1); // subscribing does not enqueue the cached value
    port.publish(report([[CH2, b(3)]]));
    expect(toHex(port.cached(CH2)!)).toBe('03');
    const drained = port.drain();
    expect(drained.map((f) => [toHex(f.channel), toHex(f.data)])).toEqual([
      [toHex(CH), '01'],
      [toHex(CH2), '03'],
    ]);
    expect(port.drain()).toEqual([]);
    expect(port.pendingCount).toBe(0);
  });

  it('replay cache keeps only the last value and returns copies', () => {
    const port = new MaterializationPort();
    port.publish(report([[CH, b(1)]]));
    port.publish(report([[CH, b(4, 4)]]));
    const v = port.subscribe(CH)!;
    expect(toHex(v)).toBe('0404');
    v[0] = 0;
    expect(toHex(port.subscribe(CH)!)).toBe('0404');
    expect(port.cached(CH3)).toBeNull();
  });

  it('conflict entries in a report are not cached or queued', () => {
    const port = new MaterializationPort();
    port.subscribe(CH);
    port.publish({ channels: [], errors: [{ channel: CH, emissionCount: 2, kind: 'StrictSingleConflict' }] });
    expect(port.pendingCount).toBe(0);
    expect(port.cached(CH)).toBeNull();
  });

  it('unsubscribe stops queueing; drainEncoded yields MBUS frames and empties', () => {
    const port = new MaterializationPort();
    port.subscribe(CH);
    port.subscribe(CH2);
    port.publish(report([[CH, b(1)], [CH2, b(2)]]));
    port.unsubscribe(CH2);
    expect(port.isSubscribed(CH2)).toBe(false);
    port.publish(report([[CH, b(5)], [CH2, b(6)]]));
    const enc = port.drainEncoded();
    expect(toHex(enc)).toBe(
      toHex(encodeFrames([
        { channel: CH, data: b(1) },
        { channel: CH2, data: b(2) },
        { channel: CH, data: b(5) },
      ])),
    );
    expect(port.drainEncoded()).toEqual(new Uint8Array(0));
    expect(toHex(port.cached(CH2)!)).toBe('06');
  });

  it('works end to end with a bus', () => {
    const bus = new MaterializationBus();
    bus.registerChannel(CH2, { kind: 'reduce', op: 'sum' });
    const port = new MaterializationPort();
    port.subscribe(CH2);
    bus.emit(CH2, key(scope(0), 0), b(2));
    bus.emit(CH2, key(scope(1), 0), b(3));
    bus.emit(CH, key(scope(0), 0), b(9));
    port.publish(bus.finalize());
    const frames = decodeFrames(port.drainEncoded());
    expect(frames.map((f) => [toHex(f.channel), toHex(f.data)])).toEqual([[toHex(CH2), toHex(u64le(5n))]]);
    expect(toHex(port.cached(CH)!)).toBe(toHex(concatBytes(u32le(1), b(9))));
  });

  it('clear resets subscriptions, cache and pending frames', () => {
    const port = new MaterializationPort();
    port.subscribe(CH);
    port.publish(report([[CH, b(1)]]));
    port.clear();
    expect(port.isSubscribed(CH)).toBe(false);
    expect(port.pendingCount).toBe(0);
    expect(port.drain()).toEqual([]);
    expect(port.subscribe(CH)).toBeNull();
  });
});
