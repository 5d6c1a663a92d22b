/**
 * Deterministic graph layout for the canvas (STYLE.md item 12): the same input gives the same
 * positions on every run, so screenshots and e2e checks are stable, and a tick never re-runs a
 * layout.
 *
 * - `layoutWhole` lays out a whole warp once: seeded initial positions (FNV-1a of the element key
 *   into a mulberry32 PRNG), then a fixed number of Fruchterman–Reingold iterations over nodes
 *   sorted by key (no randomness, no wall clock, no early exit on timing). Above `FORCE_LIMIT`
 *   nodes it falls back to a grid grouped by type.
 * - `placeNew` places nodes that appear later near their already-placed neighbours: the first
 *   free spot (no drawn node within a cell) of a sunflower spiral around their centroid; nodes
 *   with no placed neighbour start on a ring outside the drawn graph. Existing positions never move.
 */

export interface Pos {
  x: number;
  y: number;
}

export interface LayoutNode {
  readonly key: string;
  /** Grouping for the big-graph grid fallback (type id). */
  readonly group?: string;
}

export interface LayoutEdge {
  readonly source: string;
  readonly target: string;
}

/** Above this many nodes a force layout is too slow on the UI thread; use the grouped grid. */
export const FORCE_LIMIT = 700;
const SPACING = 60;
const ITERATIONS = 300;

/** FNV-1a 32-bit of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Lays out every node of a warp; deterministic for the same nodes and edges (any input order).
 * Connected components are laid out separately (so a disconnected node is not pushed to the edge
 * of the world by repulsion) and packed: the largest in the middle, the others in rows below it.
 */
export function layoutWhole(nodesIn: readonly LayoutNode[], edgesIn: readonly LayoutEdge[], seed = 1): Map<string, Pos> {
  const nodes = [...nodesIn].sort(byKey);
  const out = new Map<string, Pos>();
  if (nodes.length === 0) return out;
  if (nodes.length > FORCE_LIMIT) return gridByGroup(nodes);
  const comps = components(nodes, edgesIn);
  const laid = comps.map((c) => forceLayout(c.nodes, c.edges, seed));
  const boxes = laid.map(bbox);
  // The first (largest) component is centred at the origin; the rest go in rows beneath it.
  const main = boxes[0]!;
  const rowWidth = Math.max(main.w, SPACING * 6);
  let x = -rowWidth / 2;
  let y = main.maxY + SPACING * 1.5;
  let rowH = 0;
  laid.forEach((pos, i) => {
    const b = boxes[i]!;
    let dx = 0;
    let dy = 0;
    if (i > 0) {
      if (x + b.w > rowWidth / 2 && x > -rowWidth / 2) {
        x = -rowWidth / 2;
        y += rowH + SPACING;
        rowH = 0;
      }
      dx = x - b.minX;
      dy = y - b.minY;
      x += b.w + SPACING;
      rowH = Math.max(rowH, b.h);
    }
    for (const [k, p] of pos) out.set(k, { x: Math.round(p.x + dx), y: Math.round(p.y + dy) });
  });
  return out;
}

function bbox(pos: Map<string, Pos>): { minX: number; minY: number; maxY: number; w: number; h: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of pos.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, minY, maxY, w: maxX - minX, h: maxY - minY };
}

/** Connected components (edges undirected), largest first, ties by smallest key. */
function components(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): { nodes: LayoutNode[]; edges: LayoutEdge[] }[] {
  const parent = new Map(nodes.map((n) => [n.key, n.key] as const));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = k;
    while (parent.get(c) !== r) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const inGraph = edges.filter((e) => parent.has(e.source) && parent.has(e.target));
  for (const e of inGraph) {
    const a = find(e.source);
    const b = find(e.target);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const groups = new Map<string, { nodes: LayoutNode[]; edges: LayoutEdge[] }>();
  for (const n of nodes) {
    const r = find(n.key);
    (groups.get(r) ?? groups.set(r, { nodes: [], edges: [] }).get(r)!).nodes.push(n);
  }
  for (const e of inGraph) groups.get(find(e.source))!.edges.push(e);
  return Array.from(groups.entries())
    .sort((a, b) => b[1].nodes.length - a[1].nodes.length || (a[0] < b[0] ? -1 : 1))
    .map(([, g]) => g);
}

/** Fruchterman–Reingold with a fixed iteration count over nodes sorted by key. */
function forceLayout(nodes: readonly LayoutNode[], edgesIn: readonly LayoutEdge[], seed: number): Map<string, Pos> {
  const out = new Map<string, Pos>();
  const n = nodes.length;
  if (n === 1) {
    out.set(nodes[0]!.key, { x: 0, y: 0 });
    return out;
  }
  const idx = new Map(nodes.map((nd, i) => [nd.key, i] as const));
  const edges = edgesIn
    .map((e) => [idx.get(e.source), idx.get(e.target)] as const)
    .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined && p[0] !== p[1])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const side = Math.sqrt(n) * SPACING;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = mulberry32(hash32(nodes[i]!.key) ^ seed);
    xs[i] = (r() - 0.5) * side;
    ys[i] = (r() - 0.5) * side;
  }
  const k = SPACING; // ideal edge length
  const k2 = k * k;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temp = side / 4;
  const cool = temp / (ITERATIONS + 1);
  for (let it = 0; it < ITERATIONS; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ddx = xs[i]! - xs[j]!;
        let ddy = ys[i]! - ys[j]!;
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 0.01) {
          // Coincident points: separate them along a fixed, index-derived direction.
          ddx = ((i * 7 + j * 13) % 17) / 17 - 0.5 || 0.1;
          ddy = ((i * 11 + j * 5) % 19) / 19 - 0.5 || 0.1;
          d2 = ddx * ddx + ddy * ddy;
        }
        const f = k2 / d2; // repulsion k²/d, applied along the unit vector (÷ d)
        dx[i]! += ddx * f;
        dy[i]! += ddy * f;
        dx[j]! -= ddx * f;
        dy[j]! -= ddy * f;
      }
    }
    for (const [a, b] of edges) {
      const ddx = xs[a]! - xs[b]!;
      const ddy = ys[a]! - ys[b]!;
      const d = Math.sqrt(ddx * ddx + ddy * ddy) || 0.01;
      const f = d / k; // attraction d²/k along the unit vector
      dx[a]! -= ddx * f;
      dy[a]! -= ddy * f;
      dx[b]! += ddx * f;
      dy[b]! += ddy * f;
    }
    for (let i = 0; i < n; i++) {
      // Gentle gravity keeps disconnected parts on screen.
      dx[i]! -= xs[i]! * 0.02;
      dy[i]! -= ys[i]! * 0.02;
      const len = Math.sqrt(dx[i]! * dx[i]! + dy[i]! * dy[i]!);
      if (len > 0) {
        const m = Math.min(len, temp) / len;
        xs[i]! += dx[i]! * m;
        ys[i]! += dy[i]! * m;
      }
    }
    temp = Math.max(1, temp - cool);
  }
  for (let i = 0; i < n; i++) out.set(nodes[i]!.key, { x: xs[i]!, y: ys[i]! });
  return out;
}

/** Big graphs: one block of a square grid per group (type), groups and members sorted. */
export function gridByGroup(nodes: readonly LayoutNode[]): Map<string, Pos> {
  const groups = new Map<string, LayoutNode[]>();
  for (const nd of [...nodes].sort(byKey)) {
    const g = nd.group ?? '';
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(nd);
  }
  const out = new Map<string, Pos>();
  const cols = Math.max(1, Math.ceil(Math.sqrt(nodes.length)));
  let row = 0;
  for (const g of Array.from(groups.keys()).sort()) {
    const members = groups.get(g)!;
    members.forEach((nd, i) => out.set(nd.key, { x: (i % cols) * (SPACING / 2), y: (row + Math.floor(i / cols)) * (SPACING / 2) }));
    row += Math.ceil(members.length / cols) + 1;
  }
  return out;
}

/** Side of an occupancy cell: two nodes never share a cell or touch one another's (16 px nodes). */
const CELL = 24;
/** Sunflower spiral around a centre: spot i sits at SPIRAL_STEP·√(i + SPIRAL_FIRST), turned by the golden angle. */
const SPIRAL_STEP = 26;
const SPIRAL_FIRST = 5;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/** Spots tried around one centre in one call before a node takes the next spot regardless. */
const MAX_SPOTS = 4000;

class Occupancy {
  private readonly cells = new Set<number>();
  /** A small-integer key per cell; cells 32,768 apart share one (only layout quality would notice). */
  private static key(cx: number, cy: number): number {
    return (cx & 0x7fff) * 0x8000 + (cy & 0x7fff);
  }
  add(p: Pos): void {
    this.cells.add(Occupancy.key(Math.floor(p.x / CELL), Math.floor(p.y / CELL)));
  }
  free(p: Pos): boolean {
    const cx = Math.floor(p.x / CELL);
    const cy = Math.floor(p.y / CELL);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) if (this.cells.has(Occupancy.key(cx + dx, cy + dy))) return false;
    return true;
  }
}

/**
 * Places `newKeys` (sorted first) next to their placed neighbours, writing into `positions`.
 * Never moves an existing position. Returns the keys it placed.
 *
 * `occupied` is where nodes are drawn now (the canvas's live nodes; default: every remembered
 * position). A new node takes the first free spot of a seeded spiral around its neighbours, so a
 * hub that gains hundreds of leaves gets a disc of them instead of a pile; the bounding box for
 * nodes without placed neighbours comes from `occupied` too, so remembered positions of nodes
 * long gone cost nothing.
 */
export function placeNew(positions: Map<string, Pos>, newKeys: readonly string[], edges: readonly LayoutEdge[], occupied: Iterable<Pos> = positions.values()): string[] {
  const keys = [...new Set(newKeys)].filter((k) => !positions.has(k)).sort();
  if (keys.length === 0) return [];
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    (adj.get(e.source) ?? adj.set(e.source, []).get(e.source)!).push(e.target);
    (adj.get(e.target) ?? adj.set(e.target, []).get(e.target)!).push(e.source);
  }
  const grid = new Occupancy();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of occupied) {
    grid.add(p);
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) [minX, minY, maxX, maxY] = [0, 0, 0, 0];
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const ring = Math.max(maxX - minX, maxY - minY) / 2 + SPACING;
  // Spots of the spiral around each centre are taken in order; occupancy only grows during a
  // call, so the next search around the same centre resumes where the last one stopped.
  const resume = new Map<string, number>();
  const put = (k: string, centre: Pos, first: number): void => {
    const ck = `${Math.round(centre.x)},${Math.round(centre.y)}`;
    const turn = (hash32(ck) / 0x100000000) * Math.PI * 2;
    let i = resume.get(ck) ?? 0;
    let spot: Pos = centre;
    for (let tried = 0; tried < MAX_SPOTS; tried++, i++) {
      const rad = SPIRAL_STEP * Math.sqrt(i + first);
      const ang = turn + i * GOLDEN_ANGLE;
      spot = { x: Math.round(centre.x + Math.cos(ang) * rad), y: Math.round(centre.y + Math.sin(ang) * rad) };
      if (grid.free(spot)) break;
    }
    resume.set(ck, i + 1);
    positions.set(k, spot);
    grid.add(spot);
  };
  const placed: string[] = [];
  // Two passes: nodes whose neighbours were placed in this call can use them in the second.
  let pending = keys;
  for (let pass = 0; pass < 2 && pending.length; pass++) {
    const rest: string[] = [];
    for (const k of pending) {
      const ns = (adj.get(k) ?? []).map((m) => positions.get(m)).filter((p): p is Pos => !!p);
      if (ns.length > 0) {
        const centre = { x: ns.reduce((a, p) => a + p.x, 0) / ns.length, y: ns.reduce((a, p) => a + p.y, 0) / ns.length };
        put(k, centre, SPIRAL_FIRST);
        placed.push(k);
      } else if (pass === 1) {
        // Outside the drawn graph: the spiral starts at the bounding box's rim.
        put(k, { x: cx, y: cy }, (ring / SPIRAL_STEP) ** 2);
        placed.push(k);
      } else rest.push(k);
    }
    pending = rest;
  }
  return placed;
}
