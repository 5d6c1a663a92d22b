/**
 * CanvasView on a headless cytoscape (no browser): removed elements fade as ghosts — kept
 * briefly with the `fading` class, never counted in data-nodes/data-edges, never selectable or
 * overlaid, capped at MAX_GHOSTS, dropped at once by a snapshot — and focus mode refreshes only
 * what is on the canvas when a tick keeps the graph's shape. Timing is never asserted beyond
 * "gone after FADE_MS".
 */
import cytoscape from 'cytoscape';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphEdgeDto, GraphNodeDto, TickEventDto } from '../../engine/contract/index';
import { CanvasView, FADE_MS, MAX_GHOSTS } from '../../renderer/graph/canvasView';
import type { EchoController } from '../../renderer/state/bridge';
import { elementKey } from '../../renderer/state/keys';
import { createEchoStore } from '../../renderer/state/store';
import { W, edge, node, snapshot, summary } from './dto';

const id = (n: number) => n.toString(16).padStart(64, '0');
const c = (n: number) => n.toString(16).padStart(64, 'c');
const k = (x: string) => elementKey(W, x);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A star: hub id(0) and `n` leaves id(1..n), edges id(10_000 + i). */
function star(n: number): { nodes: GraphNodeDto[]; edges: GraphEdgeDto[] } {
  const nodes = [node(id(0)), ...Array.from({ length: n }, (_, i) => node(id(i + 1)))];
  const edges = Array.from({ length: n }, (_, i) => edge(id(10_000 + i), id(0), id(i + 1)));
  return { nodes, edges };
}

let views: CanvasView[] = [];
afterEach(() => {
  for (const v of views) v.dispose();
  views = [];
});

function setup(n: number, threshold = 2000) {
  const store = createEchoStore();
  store.getState().ui.setFocusThreshold(threshold);
  const g = star(n);
  store.getState().graph.applySnapshot(snapshot(null, g.nodes, g.edges), true);
  const cy = cytoscape({ headless: true, styleEnabled: true });
  const container = { dataset: {} as Record<string, string> };
  const controller = { selectNode: vi.fn(async () => undefined) } as unknown as EchoController;
  const view = new CanvasView(cy, store, controller, container, () => undefined);
  views.push(view);
  const data = () => container.dataset;
  return { store, cy, data, controller, g };
}

let commitN = 0;
/** A tick event from the store's current commit. */
function tick(store: ReturnType<typeof createEchoStore>, d: { upNodes?: GraphNodeDto[]; rmNodes?: string[]; upEdges?: GraphEdgeDto[]; rmEdges?: string[] }): TickEventDto {
  const g = store.getState().graph;
  const to = c(++commitN);
  return {
    seq: (g.sync.seq ?? 0) + 1,
    summary: summary(to, g.commit, g.tick + 1),
    delta: {
      fromCommit: g.commit,
      toCommit: to,
      upsertNodes: d.upNodes ?? [],
      removeNodes: (d.rmNodes ?? []).map((x) => ({ warp: W, id: x })),
      upsertEdges: d.upEdges ?? [],
      removeEdges: (d.rmEdges ?? []).map((x) => ({ warp: W, id: x })),
      instances: [],
      valueChanges: 0,
    },
  };
}

describe('CanvasView: removed elements fade', () => {
  it('a removal leaves ghosts that are not counted, not selectable, and gone after FADE_MS', async () => {
    const { store, cy, data } = setup(10);
    expect(data()['nodes']).toBe('11');
    expect(data()['edges']).toBe('10');
    expect(data()['fading']).toBe('0');
    // Remove leaves 1..3 (and their edges), add leaf 11.
    const out = store.getState().graph.receiveTick(
      tick(store, { rmNodes: [id(1), id(2), id(3)], rmEdges: [id(10_000), id(10_001), id(10_002)], upNodes: [node(id(11))], upEdges: [edge(id(10_010), id(0), id(11))] }),
    );
    expect(out).toBe('applied');
    expect(data()['nodes']).toBe('9'); // 11 - 3 + 1
    expect(data()['edges']).toBe('8');
    expect(data()['fading']).toBe('6');
    const ghost = cy.getElementById(k(id(1)));
    expect(ghost.nonempty()).toBe(true);
    expect(ghost.hasClass('fading')).toBe(true);
    expect(ghost.selectable()).toBe(false);
    expect(cy.getElementById(k(id(10_000))).hasClass('fading')).toBe(true);
    // Overlays skip ghosts: selecting the removed node draws nothing on it.
    store.getState().selection.selectNode(W, id(1));
    expect(ghost.hasClass('sel')).toBe(false);
    await sleep(FADE_MS / 2 + 30);
    expect(ghost.hasClass('faded')).toBe(true);
    await sleep(FADE_MS / 2 + 50);
    expect(cy.getElementById(k(id(1))).empty()).toBe(true);
    expect(data()['fading']).toBe('0');
    expect(data()['nodes']).toBe('9');
    expect(cy.nodes().length).toBe(9);
  });

  it('an element coming back under a ghost key replaces the ghost', () => {
    const { store, cy, data } = setup(5);
    store.getState().graph.receiveTick(tick(store, { rmNodes: [id(1)], rmEdges: [id(10_000)] }));
    expect(data()['fading']).toBe('2');
    store.getState().graph.receiveTick(tick(store, { upNodes: [node(id(1))], upEdges: [edge(id(10_000), id(0), id(1))] }));
    expect(data()['fading']).toBe('0');
    expect(cy.getElementById(k(id(1))).hasClass('fading')).toBe(false);
    expect(data()['nodes']).toBe('6');
    expect(data()['edges']).toBe('5');
  });

  it(`never keeps more than MAX_GHOSTS (${MAX_GHOSTS}); a snapshot drops them at once`, () => {
    const n = MAX_GHOSTS; // each removed leaf takes its edge along: 2 ghosts per leaf
    const { store, cy, data, g } = setup(n, 10 * n);
    const leaves = g.nodes.slice(1).map((x) => x.id);
    store.getState().graph.receiveTick(tick(store, { rmNodes: leaves.slice(0, n / 2), rmEdges: g.edges.slice(0, n / 2).map((e) => e.id) }));
    expect(Number(data()['fading'])).toBe(MAX_GHOSTS);
    store.getState().graph.receiveTick(tick(store, { rmNodes: leaves.slice(n / 2), rmEdges: g.edges.slice(n / 2).map((e) => e.id) }));
    expect(Number(data()['fading'])).toBe(MAX_GHOSTS);
    expect(data()['nodes']).toBe('1');
    expect(data()['edges']).toBe('0');
    expect(cy.elements().length).toBe(1 + MAX_GHOSTS);
    // A snapshot (seek, resync, branch switch) re-draws from scratch: no ghost survives it.
    const again = star(3);
    store.getState().graph.applySnapshot(snapshot(c(999), again.nodes, again.edges, 5), true);
    expect(data()['fading']).toBe('0');
    expect(cy.elements().length).toBe(7);
  });
});

describe('CanvasView: focus mode', () => {
  it('caps the drawn neighbourhood at the threshold, and a tick that keeps the shape refreshes only what is drawn', () => {
    performance.clearMeasures('echo:delta-apply');
    const { store, data, g } = setup(3000, 200);
    expect(data()['mode']).toBe('focus');
    // Hub + 99 leaves + 99 edges = 199 elements ≤ 200.
    expect(data()['nodes']).toBe('100');
    expect(data()['edges']).toBe('99');
    // Every leaf's record rewritten (a new label): same shape, same focus.
    const up = g.nodes.slice(1).map((x) => ({ ...x, label: `relabelled-${x.id.slice(0, 6)}` }));
    store.getState().graph.receiveTick(tick(store, { upNodes: up }));
    expect(store.getState().graph.change).toMatchObject({ kind: 'delta', structural: false });
    const m = performance.getEntriesByName('echo:delta-apply', 'measure').at(-1) as unknown as { detail: { path: string; ops: number } };
    expect(m.detail).toMatchObject({ path: 'focus-refresh', ops: 3000 });
    expect(data()['nodes']).toBe('100');
    // A structural tick recomputes the visible set.
    store.getState().graph.receiveTick(tick(store, { rmNodes: [id(1)], rmEdges: [id(10_000)] }));
    const m2 = performance.getEntriesByName('echo:delta-apply', 'measure').at(-1) as unknown as { detail: { path: string } };
    expect(m2.detail.path).toBe('full');
    expect(data()['nodes']).toBe('100');
  });
});

describe('CanvasView: coalescing', () => {
  it('while an applied change waits for its frame, further deltas are merged and applied once the frame is drawn', async () => {
    const frames: Array<(t: number) => void> = [];
    const g = globalThis as { requestAnimationFrame?: (cb: (t: number) => void) => number };
    g.requestAnimationFrame = (cb) => frames.push(cb);
    try {
      const { store, cy, data } = setup(10);
      // The snapshot's sync asked for a frame: the canvas now waits for it.
      expect(frames.length).toBe(1);
      store.getState().graph.receiveTick(tick(store, { upNodes: [node(id(11))], upEdges: [edge(id(10_010), id(0), id(11))] }));
      // Added and removed again before the frame: never reaches cytoscape.
      store.getState().graph.receiveTick(tick(store, { upNodes: [node(id(12))], upEdges: [edge(id(10_011), id(0), id(12))] }));
      store.getState().graph.receiveTick(tick(store, { rmNodes: [id(12)], rmEdges: [id(10_011)] }));
      expect(data()['nodes']).toBe('11');
      expect(cy.getElementById(k(id(11))).empty()).toBe(true);
      // The frame is drawn: the three deltas are applied together.
      frames.shift()!(0);
      await sleep(5);
      expect(data()['nodes']).toBe('12');
      expect(data()['edges']).toBe('11');
      expect(cy.getElementById(k(id(11))).nonempty()).toBe(true);
      expect(cy.getElementById(k(id(12))).empty()).toBe(true);
      expect(data()['fading']).toBe('0');
      const m = performance.getEntriesByName('echo:delta-apply', 'measure').at(-1) as unknown as { detail: { coalesced: number; ops: number; path: string } };
      expect(m.detail).toMatchObject({ coalesced: 3, ops: 6, path: 'incremental' });
      // A snapshot is never held back.
      expect(frames.length).toBe(1);
      const again = star(2);
      store.getState().graph.applySnapshot(snapshot(c(998), again.nodes, again.edges, 9), true);
      expect(data()['nodes']).toBe('3');
    } finally {
      delete g.requestAnimationFrame;
    }
  });
});

