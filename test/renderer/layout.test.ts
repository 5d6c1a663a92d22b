/**
 * Canvas layout (renderer/graph/layout.ts): deterministic for the same input in any order, stable
 * under additions (existing positions never move), new nodes near their neighbours.
 */
import { describe, expect, it } from 'vitest';
import { FORCE_LIMIT, gridByGroup, layoutWhole, placeNew, type Pos } from '../../renderer/graph/layout';

const grid = (n: number) => {
  const nodes: { key: string }[] = [];
  const edges: { source: string; target: string }[] = [];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      nodes.push({ key: `c-${r}-${c}` });
      if (c + 1 < n) edges.push({ source: `c-${r}-${c}`, target: `c-${r}-${c + 1}` });
      if (r + 1 < n) edges.push({ source: `c-${r}-${c}`, target: `c-${r + 1}-${c}` });
    }
  return { nodes, edges };
};
const dist = (a: Pos, b: Pos) => Math.hypot(a.x - b.x, a.y - b.y);

describe('layoutWhole', () => {
  it('gives identical positions for the same graph in any input order', () => {
    const { nodes, edges } = grid(5);
    const a = layoutWhole(nodes, edges);
    const b = layoutWhole([...nodes].reverse(), [...edges].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('places every node at a distinct, finite position; neighbours closer than non-neighbours on average', () => {
    const { nodes, edges } = grid(5);
    const p = layoutWhole(nodes, edges);
    expect(p.size).toBe(25);
    const seen = new Set([...p.values()].map((q) => `${q.x},${q.y}`));
    expect(seen.size).toBe(25);
    for (const q of p.values()) expect(Number.isFinite(q.x) && Number.isFinite(q.y)).toBe(true);
    const adj = edges.map((e) => dist(p.get(e.source)!, p.get(e.target)!));
    const far = dist(p.get('c-0-0')!, p.get('c-4-4')!);
    expect(Math.max(...adj)).toBeLessThan(far);
  });

  it('keeps disconnected nodes near the main component (components are packed, not repelled away)', () => {
    const { nodes, edges } = grid(6);
    const loose = ['x-1', 'x-2', 'x-3'].map((key) => ({ key }));
    const p = layoutWhole([...nodes, ...loose], [...edges, { source: 'x-1', target: 'x-2' }]);
    const main = nodes.map((n) => p.get(n.key)!);
    const span = Math.max(...main.map((q) => q.x)) - Math.min(...main.map((q) => q.x)) + Math.max(...main.map((q) => q.y)) - Math.min(...main.map((q) => q.y));
    const maxY = Math.max(...main.map((q) => q.y));
    for (const l of loose) {
      const q = p.get(l.key)!;
      expect(q.y).toBeGreaterThan(maxY); // packed below the main component
      expect(Math.abs(q.x) + Math.abs(q.y)).toBeLessThan(span * 2);
    }
  });

  it('falls back to a grouped grid above FORCE_LIMIT nodes', () => {
    const nodes = Array.from({ length: FORCE_LIMIT + 1 }, (_, i) => ({ key: `n${String(i).padStart(4, '0')}`, group: i % 2 ? 'odd' : 'even' }));
    const p = layoutWhole(nodes, []);
    expect(p).toEqual(gridByGroup(nodes));
    expect(p.size).toBe(FORCE_LIMIT + 1);
  });
});

describe('placeNew', () => {
  it('never moves existing positions and puts a new node near its placed neighbours', () => {
    const { nodes, edges } = grid(3);
    const pos = layoutWhole(nodes, edges);
    const before = new Map(pos);
    const placed = placeNew(pos, ['new-1'], [...edges, { source: 'new-1', target: 'c-1-1' }]);
    expect(placed).toEqual(['new-1']);
    for (const [k, v] of before) expect(pos.get(k)).toEqual(v);
    expect(dist(pos.get('new-1')!, pos.get('c-1-1')!)).toBeLessThan(100);
  });

  it('spreads many new leaves of one hub without overlaps, and keeps clear of drawn nodes', () => {
    const hub: Pos = { x: 0, y: 0 }
    const drawn: Pos[] = [hub, { x: 60, y: 0 }, { x: -40, y: 50 }]
    const pos = new Map<string, Pos>([['hub', hub], ['d1', drawn[1]!], ['d2', drawn[2]!]])
    const leaves = Array.from({ length: 300 }, (_, i) => `leaf-${String(i).padStart(3, '0')}`)
    placeNew(pos, leaves, leaves.map((k) => ({ source: 'hub', target: k })), drawn)
    const all = [...pos.values()]
    let min = Infinity
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) min = Math.min(min, dist(all[i]!, all[j]!))
    expect(min).toBeGreaterThanOrEqual(24) // 16 px nodes: none touch
    // A disc around the hub, not a scatter: every leaf within √300 rings of it.
    for (const k of leaves) expect(dist(pos.get(k)!, hub)).toBeLessThan(26 * Math.sqrt(300 + 5) * 1.6)
    // Same input, same places.
    const again = new Map<string, Pos>([['hub', hub], ['d1', drawn[1]!], ['d2', drawn[2]!]])
    placeNew(again, [...leaves].reverse(), leaves.map((k) => ({ source: 'hub', target: k })), drawn)
    expect([...again.entries()].sort()).toEqual([...pos.entries()].sort())
  })

  it('takes its bounding box from the drawn nodes, not from remembered positions of gone ones', () => {
    const pos = new Map<string, Pos>([['a', { x: 0, y: 0 }], ['gone', { x: 100_000, y: 100_000 }]])
    placeNew(pos, ['lonely'], [], [{ x: 0, y: 0 }])
    expect(dist(pos.get('lonely')!, { x: 0, y: 0 })).toBeLessThan(200)
  })

  it('is deterministic, and places chains of new nodes and isolated ones', () => {
    const base = new Map<string, Pos>([['a', { x: 0, y: 0 }]]);
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
    ];
    const p1 = new Map(base);
    const p2 = new Map(base);
    placeNew(p1, ['c', 'b', 'lonely'], edges);
    placeNew(p2, ['lonely', 'b', 'c'], edges);
    expect([...p1.entries()].sort()).toEqual([...p2.entries()].sort());
    expect(p1.has('c') && p1.has('lonely')).toBe(true);
  });
});
