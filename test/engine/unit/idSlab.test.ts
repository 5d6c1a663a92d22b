/**
 * Label ids are views into shared slabs (engine/ident.ts): each one still holds exactly its own
 * digest, across slab boundaries, and none aliases another.
 */
import { describe, expect, it } from 'vitest';
import { blake3, makeEdgeId, makeNodeId, toHex, utf8 } from '../../../engine/index';

describe('label ids in slabs', () => {
  it('hold their own digest, 32 bytes each, across many slabs', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `n-${i}`);
    const ids = names.map((s, i) => (i % 2 ? makeEdgeId(s) : makeNodeId(s)));
    ids.forEach((id, i) => {
      expect(id.length).toBe(32);
      expect(toHex(id)).toBe(toHex(blake3(utf8((i % 2 ? 'edge:' : 'node:') + names[i]!))));
    });
    // Views of one slab never overlap.
    const spans = ids.map((id) => [id.buffer, id.byteOffset] as const);
    const seen = new Set(spans.map(([b, o]) => `${ids.findIndex((x) => x.buffer === b)}:${o}`));
    expect(seen.size).toBe(ids.length);
  });
});
