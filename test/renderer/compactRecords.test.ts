/**
 * Page copies of graph records (renderer/state/compactRecords.ts): equal to what arrived, one
 * shape for all, edge endpoints resolved through the node records, and a bounded shared-string
 * table.
 */
import { describe, expect, it } from 'vitest';
import { compactEdge, compactNode, share, sharedCount, SHARED_MAX } from '../../renderer/state/compactRecords';
import { elementKey } from '../../renderer/state/keys';
import type { GraphNodeDto } from '../../engine/contract/index';
import { edge, h, node, W } from './dto';

/** A string equal to `s` that is a different instance (what a transport hands over per record). */
const copy = (s: string) => JSON.parse(JSON.stringify(s)) as string;

describe('compact graph records', () => {
  it('equal their input, and every optional field is present (one hidden class)', () => {
    const plain = node(h(1));
    const full = node(h(2), { typeLabel: 'cell', portal: h(9), reachable: false });
    expect(compactNode(plain)).toEqual(plain);
    expect(compactNode(full)).toEqual(full);
    expect(Object.keys(compactNode(plain))).toEqual(Object.keys(compactNode(full)));
    const e = { ...edge(h(3), h(1), h(2)), label: 'l', typeLabel: 'has' };
    expect(compactEdge(e, {})).toEqual(e);
  });

  it('take edge endpoints from the node records when the page holds them', () => {
    // (String identity is not observable in JS; the heap saving is measured with a page heap
    // snapshot, see the closing note. Here: the values are right either way.)
    const a = compactNode(node(copy(h(1)), { warp: copy(W) }));
    const b = compactNode(node(copy(h(2)), { warp: copy(W) }));
    const nodes: Record<string, GraphNodeDto> = { [elementKey(W, a.id)]: a, [elementKey(W, b.id)]: b };
    expect(compactEdge(edge(h(3), copy(h(1)), copy(h(2))), nodes)).toMatchObject({ from: a.id, to: b.id, warp: W });
    expect(compactEdge(edge(h(4), h(7), h(8)), nodes)).toMatchObject({ from: h(7), to: h(8) });
  });

  it('keeps the shared-string table bounded', () => {
    for (let i = 0; i < SHARED_MAX * 3; i++) {
      expect(share(`type-${i}`)).toBe(`type-${i}`);
      expect(sharedCount()).toBeLessThanOrEqual(SHARED_MAX);
    }
  });
});
