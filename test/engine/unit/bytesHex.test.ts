/**
 * toHex / fromHex: lowercase, two digits per byte, every byte value, every length class (empty,
 * id-sized, across the internal block boundary), and hex order equals byte order.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, compareBytes, fromHex, toHex } from '../../../engine/bytes';

function naiveHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function pseudoBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

describe('toHex', () => {
  it('matches a naive encoder for every byte value and for lengths around the block size', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(naiveHex(all));
    for (const n of [0, 1, 31, 32, 33, 64, 4095, 4096, 4097, 8192, 10_000]) {
      const b = pseudoBytes(n, n + 7);
      const h = toHex(b);
      expect(h).toBe(naiveHex(b));
      expect(fromHex(h)).toEqual(b);
    }
  });

  it('an id changed in place between two calls gets its new hex (the last-id memo checks content)', () => {
    const id = pseudoBytes(32, 99);
    const first = toHex(id);
    expect(toHex(id)).toBe(first);
    id[31] = id[31]! ^ 1;
    expect(toHex(id)).toBe(naiveHex(id));
    expect(toHex(id)).not.toBe(first);
    const copy = id.slice();
    expect(toHex(copy)).toBe(naiveHex(id));
  });

  it('sorts like the bytes (plain string order of equal-length hex is memcmp order)', () => {
    const ids = Array.from({ length: 500 }, (_, i) => pseudoBytes(32, i + 1));
    const byBytes = ids.slice().sort(compareBytes).map(toHex);
    const byHex = ids.map(toHex).sort();
    expect(byHex).toEqual(byBytes);
  });
});

describe('ByteWriter.hexBytes', () => {
  it('writes exactly what bytes(fromHex(h)) writes, and rejects bad hex without writing', async () => {
    const { ByteWriter } = await import('../../../engine/bytes');
    for (const n of [0, 1, 32, 100]) {
      const b = pseudoBytes(n, n + 3);
      const a = new ByteWriter(4).u8(7).hexBytes(toHex(b)).u8(9).finish();
      const c = new ByteWriter(4).u8(7).bytes(fromHex(toHex(b))).u8(9).finish();
      expect(a).toEqual(c);
    }
    const w = new ByteWriter(4).u8(1);
    expect(() => w.hexBytes('abc')).toThrow(RangeError);
    expect(() => w.hexBytes('zz')).toThrow(RangeError);
    expect(() => w.hexBytes('00aG')).toThrow(/offset 2/);
    expect(() => w.hexBytes('0\u0130')).toThrow(RangeError); // a code unit whose low byte is '0'
    expect(w.finish()).toEqual(Uint8Array.of(1));
    expect(new ByteWriter(4).hexBytes('ABcd09').finish()).toEqual(Uint8Array.of(0xab, 0xcd, 0x09));
  });
});

describe('ByteWriter.take', () => {
  it('hands over the bytes written (a view when they nearly fill the buffer, else a copy) and starts over empty', () => {
    for (const [capacity, written] of [[16, 16], [64, 60], [64, 10], [16, 100], [16, 0]] as const) {
      const w = new ByteWriter(capacity);
      const want = pseudoBytes(written, capacity + written);
      w.bytes(want);
      const got = w.take();
      expect(Array.from(got)).toEqual(Array.from(want));
      // A view keeps at most 1/8 of its buffer unused; anything emptier was copied to size.
      if (got.buffer.byteLength !== got.length) expect(got.length * 8).toBeGreaterThanOrEqual(got.buffer.byteLength * 7);
      expect(w.length).toBe(0);
      // The writer starts over on its own buffer: the bytes handed over do not change.
      w.bytes(new Uint8Array(40).fill(9));
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(w.finish())).toEqual(new Array(40).fill(9));
    }
  });
});

describe('ByteWriter.written', () => {
  it('is a view of exactly the bytes written so far, equal to finish()', () => {
    const w = new ByteWriter(16);
    for (const n of [0, 5, 40]) {
      w.bytes(pseudoBytes(n, n + 1));
      expect(Array.from(w.written())).toEqual(Array.from(w.finish()));
      expect(w.written().length).toBe(w.length);
    }
  });
});
