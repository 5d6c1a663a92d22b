/**
 * The graph canvas's imperative half (STYLE.md item 12): owns the cytoscape instance's elements,
 * outside React's render loop. It subscribes to the store and applies each graph change in one
 * `cy.batch()`: added, removed and updated elements by id, in sorted id order. Positions come
 * from `layout.ts` and are remembered per element key, so nodes keep their place across ticks,
 * seeks and branch switches; new nodes appear near their neighbours.
 *
 * Invariants:
 * - No layout runs per tick: a warp is laid out once (`layoutWhole`), later nodes are placed by
 *   `placeNew`, existing positions never move (unless the user drags a node).
 * - Rendering state that e2e tests read is mirrored as data attributes on the container
 *   (`data-nodes`, `data-edges`, `data-mode`, `data-fading`, `data-fp-*`), never inferred from
 *   pixels.
 * - Removed elements fade (PRODUCT.md): a delta's removals stay on the canvas as "ghosts" with the
 *   `fading` class for `FADE_MS`, then go. Ghosts are not counted in `data-nodes`/`data-edges`
 *   (`data-fading` counts them), take no events and are never selected or overlaid; at most
 *   `MAX_GHOSTS` exist (the oldest go first, a bigger removal goes at once beyond the cap), and
 *   every full reconciliation (snapshot, seek, branch or world change, view change) drops them.
 * - A tick never costs work proportional to the whole graph once the view is in focus mode: a
 *   delta that keeps the graph's shape (`change.structural === false`, e.g. 100k nodes
 *   relabelled) with the same focus only refreshes the elements on the canvas (at most about
 *   `focusThreshold`); the O(graph) visible-set computation runs on shape or view changes only.
 * - Each applied delta is timed with User Timing (`renderer/perf.ts`): tick event → end of the
 *   `cy.batch()`, and → the next drawn frame.
 */
import type cytoscape from 'cytoscape';
import type { GraphEdgeDto, GraphNodeDto } from '../../engine/contract/index';
import type { EchoStore } from '../state/store';
import type { EchoState, ElementKey } from '../state/types';
import type { EchoController } from '../state/bridge';
import { elementKey, splitKey } from '../state/keys';
import {
  edgesInWarp,
  footprintOverlay,
  matchesSearch,
  nodeName,
  nodesInWarp,
  typeColour,
  viewedWarp,
  visibleNodes,
  type FootprintOverlay,
  type VisibleSet,
} from '../state/selectors';
import { latestMark, markLatest, measure, now, PERF } from '../perf';
import { canvasStyle, FADE_MS } from './canvasStyle';
import { installCytoscapeFastPaths } from './cyFastPaths';

export { FADE_MS };
import { layoutWhole, placeNew, type Pos } from './layout';

/**
 * Where the view mirrors its state as data attributes: the box around cytoscape's container, never
 * the container itself — cytoscape observes attribute changes on its container and answers every
 * one with a resize and a full redraw (~150–280 ms for 2,000 elements under software rendering).
 */
export interface CanvasHost {
  readonly dataset: Record<string, string | undefined>;
}

/** requestAnimationFrame where there is one (not in Node tests). */
const raf = (): ((cb: (t: number) => void) => unknown) | null => (globalThis as { requestAnimationFrame?: (cb: (t: number) => void) => number }).requestAnimationFrame ?? null;

export interface CanvasInfo {
  readonly mode: 'all' | 'focus';
  readonly shownNodes: number;
  readonly shownEdges: number;
  readonly total: number;
}

const OVERLAY_CLASSES = 'sel fp-read fp-write fp-blocker fp-scope match dim';
const OVERLAY_LIST = OVERLAY_CLASSES.split(' ');

/** Most ghosts (fading removed elements) kept at once; a fast tick stream never piles them up. */
export const MAX_GHOSTS = 600;
/** Remembered positions kept beyond 4 × the drawn nodes before the oldest gone ones are forgotten. */
const POSITION_SLACK = 20_000;

type DeltaChange = Extract<EchoState['graph']['change'], { kind: 'delta' }>;

type Ele = cytoscape.SingularElementReturnValue;
/** A collection of elements (cytoscape accepts an array of elements; its types only admit definitions). */
const collect = (cy: cytoscape.Core, els: readonly Ele[]) => cy.collection(els as unknown as cytoscape.CollectionArgument);

/** Deltas received but not applied to the canvas yet (coalesced while a frame is pending). */
interface Pending {
  readonly nodes: Set<ElementKey>;
  readonly edges: Set<ElementKey>;
  structural: boolean;
  ops: number;
  count: number;
  /** Tick event time of the first of them, and its message's arrival (renderer/perf.ts). */
  readonly start: number;
  readonly frameStart: number | null;
}

/** The latest mark `name` when it was set within the last second before `t` (this delta's), else `t`. */
function recentMark(name: string, t: number): number | null {
  const m = latestMark(name);
  return m !== null && m <= t && t - m < 1000 ? m : null;
}
const latestTick = (t: number) => recentMark(PERF.tick, t) ?? t;
const latestFrame = (t: number) => recentMark(PERF.frame, t);

interface Ghost {
  readonly el: Ele;
  readonly group: 'nodes' | 'edges';
  /** When it steps from `fading` to `faded`, and when it goes. */
  readonly dimAt: number;
  readonly until: number;
  dimmed: boolean;
}

export class CanvasView {
  /** Remembered positions, per warp instance (a warp's layout never mixes with another's). */
  private readonly positions = new Map<string, Map<ElementKey, Pos>>();
  /** The world the positions belong to; another world starts from a clean slate. */
  private worldKey: string | null = null;
  /** After a world change: the old world's graph version, not to be drawn again. */
  private staleVersion = -1;
  private shownWarp: string | null = null;
  private lastVersion = -1;
  private readonly unsubscribe: () => void;
  private theme: 'dark' | 'light';
  /** Removed elements still fading, by key, oldest first (Map keeps insertion order). */
  private readonly ghosts = new Map<ElementKey, Ghost>();
  private ghostNodes = 0;
  private sweepTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last visible-set decision (mode, total) and the focus it was computed for. */
  private lastVisible: { readonly mode: 'all' | 'focus'; readonly total: number } = { mode: 'all', total: 0 };
  private lastFocus = '';
  private lastFiltered = false;
  /** The store records the canvas content was last brought up to date with. */
  private drawnNodes: EchoState['graph']['nodes'] = {};
  private drawnEdges: EchoState['graph']['edges'] = {};
  /** Tick-event start times of applied deltas still waiting for their frame to be drawn. */
  private paintPending: number[] = [];
  /** Deltas waiting for the next frame, and whether an applied change still waits for its frame. */
  private pending: Pending | null = null;
  private framePending = false;
  /** The last graph version whose change was collected. */
  private seenVersion = -1;
  private disposed = false;
  /** Overlay classes are on some elements (so the next overlay pass must clear them). */
  private overlaid = true;

  constructor(
    private readonly cy: cytoscape.Core,
    private readonly store: EchoStore,
    private readonly controller: EchoController,
    private readonly container: CanvasHost,
    private readonly onInfo: (i: CanvasInfo) => void,
  ) {
    this.theme = store.getState().ui.theme;
    this.worldKey = CanvasView.worldKeyOf(store.getState());
    installCytoscapeFastPaths(cy);
    cy.style(canvasStyle(this.theme));
    cy.on('tap', 'node', (ev) => {
      if (this.ghosts.has(ev.target.id())) return;
      const { warp, id } = splitKey(ev.target.id());
      void this.controller.selectNode(warp, id);
    });
    cy.on('tap', 'edge', (ev) => {
      if (this.ghosts.has(ev.target.id())) return;
      const { warp, id } = splitKey(ev.target.id());
      const st = this.store.getState();
      st.selection.selectEdge(warp, id);
      st.inspector.setTab('node');
    });
    cy.on('dbltap', 'node.portal', (ev) => {
      const child = ev.target.data('child') as string | undefined;
      if (child) this.store.getState().ui.setViewWarp(child);
    });
    cy.on('dragfree', 'node', (ev) => {
      const p = ev.target.position();
      const key = ev.target.id() as string;
      this.positionsFor(splitKey(key).warp).set(key, { x: p.x, y: p.y });
    });
    cy.on('render', () => markLatest(PERF.render));
    this.unsubscribe = store.subscribe((s, prev) => this.onChange(s, prev));
    this.onChange(store.getState(), null);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Centres the view on one node (search Enter, provenance jumps). */
  focusNode(key: ElementKey): void {
    const n = this.cy.getElementById(key);
    if (n.empty()) return;
    // Not animated: the node is under the viewport centre as soon as this returns.
    this.cy.zoom(Math.max(this.cy.zoom(), 1.2));
    this.cy.center(n);
  }

  /** Fits the graph, but never zooms a small graph (a child instance of 4 nodes) beyond 1.6×. */
  fit(): void {
    this.cy.fit(undefined, 30);
    if (this.cy.zoom() > 1.6) {
      this.cy.zoom(1.6);
      this.cy.center();
    }
  }

  private static worldKeyOf(s: EchoState): string | null {
    return s.ui.world ? `${s.ui.world.name}\u0000${s.ui.world.source}` : null;
  }

  /**
   * Remembered positions let a node that comes back (a seek, a branch switch) return to its place;
   * in a churning world they would pile up without bound, so past `4 × drawn + POSITION_SLACK`
   * the oldest ones of nodes no longer in the graph are forgotten.
   */
  private forgetGonePositions(s: EchoState, pos: Map<ElementKey, Pos>): void {
    const keep = 4 * countElements(this.cy).nodes + POSITION_SLACK;
    if (pos.size <= keep) return;
    for (const k of pos.keys()) {
      if (pos.size <= keep / 2) break;
      if (!(k in s.graph.nodes) && !this.cy.hasElementWithId(k)) pos.delete(k);
    }
  }

  private positionsFor(warp: string): Map<ElementKey, Pos> {
    let m = this.positions.get(warp);
    if (!m) this.positions.set(warp, (m = new Map()));
    return m;
  }

  private onChange(s: EchoState, prev: EchoState | null): void {
    const worldKey = CanvasView.worldKeyOf(s);
    if (worldKey !== this.worldKey) {
      // Another world: its ids may reuse warp ids (the root warp), but nothing else carries over.
      this.worldKey = worldKey;
      this.positions.clear();
      this.pending = null;
      this.dropGhosts();
      this.cy.elements().remove();
      this.shownWarp = null;
      this.lastVersion = -1;
      this.staleVersion = s.graph.version;
      prev = null;
    }
    // The store still holds the previous world's graph until the new snapshot lands.
    if (s.graph.version === this.staleVersion && s.graph.loaded) {
      this.lastVisible = { mode: 'all', total: 0 };
      this.report();
      return;
    }
    if (s.ui.theme !== this.theme) {
      this.theme = s.ui.theme;
      this.cy.style(canvasStyle(this.theme));
      const idx = s.graph.typeIndex;
      this.cy.batch(() => this.cy.nodes().forEach((n) => void n.data('colour', typeColour(n.data('type') as string, this.theme, idx[n.data('type') as string]))));
    }
    if (!s.graph.loaded) return;
    const warp = viewedWarp(s);
    const viewChanged =
      !prev ||
      warp !== this.shownWarp ||
      s.ui.search !== prev.ui.search ||
      s.ui.filterOnly !== prev.ui.filterOnly ||
      s.ui.showAll !== prev.ui.showAll ||
      s.ui.focusThreshold !== prev.ui.focusThreshold ||
      s.ui.hops !== prev.ui.hops;
    const overlayChanged =
      !prev ||
      s.selection !== prev.selection ||
      s.inspector.tickDetail !== prev.inspector.tickDetail ||
      s.inspector.tab !== prev.inspector.tab ||
      s.ui.search !== prev.ui.search;
    // Every graph version passes here once (one store update each): collect its change.
    if (s.graph.version !== this.seenVersion) {
      this.seenVersion = s.graph.version;
      const change = s.graph.change;
      if (change?.kind === 'delta') this.accumulate(change);
      else this.pending = null; // a snapshot supersedes deltas not drawn yet
    }
    const graphChanged = s.graph.version !== this.lastVersion;
    if (!viewChanged && !overlayChanged && !graphChanged) return;
    // Coalescing: while the last applied change waits for its frame, further deltas are merged and
    // applied together once that frame is drawn — at most one canvas update per frame, whatever
    // the tick rate, and elements that come and go in between never reach cytoscape.
    if (this.framePending && this.pending && !viewChanged && !overlayChanged && prev !== null) return;
    this.sync(s, viewChanged, prev === null || warp !== this.shownWarp);
  }

  /** Adds a delta to the changes not applied yet. */
  private accumulate(d: DeltaChange): void {
    const t = now();
    const p = (this.pending ??= { nodes: new Set(), edges: new Set(), structural: false, ops: 0, count: 0, start: latestTick(t), frameStart: latestFrame(t) });
    for (const k of d.upsertNodes) p.nodes.add(k);
    for (const k of d.removeNodes) p.nodes.add(k);
    for (const k of d.upsertEdges) p.edges.add(k);
    for (const k of d.removeEdges) p.edges.add(k);
    p.structural ||= d.structural;
    p.ops += d.upsertNodes.length + d.removeNodes.length + d.upsertEdges.length + d.removeEdges.length;
    p.count++;
  }

  /** Brings the canvas up to date with `s` (pending deltas included). */
  private sync(s: EchoState, viewChanged: boolean, fit: boolean): void {
    const t0 = now();
    const warp = viewedWarp(s);
    const overlay = this.overlayOf(s);
    const focus = this.focusOf(s, overlay);
    const focusKey = focus.join(',');
    const filtered = !!(s.ui.filterOnly && s.ui.search.trim());
    const graphChanged = s.graph.version !== this.lastVersion;
    const acc = graphChanged ? this.pending : null;
    this.pending = null;
    const sameView = !viewChanged && this.shownWarp === warp && !filtered && !this.lastFiltered;
    let path: 'incremental' | 'focus-refresh' | 'full' | 'none';
    let total: number | undefined;

    if (sameView && this.lastVisible.mode === 'focus' && focusKey === this.lastFocus && (!graphChanged || (acc && !acc.structural))) {
      // Focus mode, same shape, same focus: the visible set cannot have changed — refresh only
      // the elements on the canvas (no O(graph) work per tick).
      if (graphChanged) this.refreshShown(s);
      path = graphChanged ? 'focus-refresh' : 'none';
    } else if (sameView && acc && this.lastVisible.mode === 'all' && (s.ui.showAll || (total = this.totalAfter(s, acc, warp)) <= s.ui.focusThreshold)) {
      // All mode stays all mode: the changes are applied in place, O(changes) — no pass over the graph.
      total ??= this.totalAfter(s, acc, warp);
      this.reconcile(s, acc, warp);
      this.lastVisible = { mode: 'all', total };
      path = 'incremental';
    } else {
      const nodes = nodesInWarp(s.graph.nodes, warp);
      const edges = edgesInWarp(s.graph.edges, warp);
      const filter = filtered ? (n: GraphNodeDto) => matchesSearch(n, s.ui.search) : undefined;
      const visible = visibleNodes(nodes, edges, { threshold: s.ui.focusThreshold, showAll: s.ui.showAll, hops: s.ui.hops, focus, ...(filter ? { filter } : {}) });
      path = 'none';
      if (graphChanged || viewChanged || visible.mode === 'focus' || this.lastVisible.mode !== visible.mode) {
        this.syncAll(s, warp, nodes, edges, visible, fit);
        path = 'full';
      }
      this.lastVisible = { mode: visible.mode, total: visible.total };
    }
    this.lastFocus = focusKey;
    this.lastFiltered = filtered;
    this.lastVersion = s.graph.version;
    this.shownWarp = warp;
    this.drawnNodes = s.graph.nodes;
    this.drawnEdges = s.graph.edges;
    this.applyOverlay(s, overlay);
    this.report();
    if (path !== 'none') this.afterApply(acc, path, t0);
  }

  /**
   * Times an applied change (renderer/perf.ts) — tick event → end of the batch, and → its frame —
   * and holds further deltas back until that frame is drawn.
   */
  private afterApply(acc: Pending | null, path: string, t0: number): void {
    const end = now();
    if (acc) measure(PERF.apply, acc.start ?? t0, end, { ops: acc.ops, path, mode: this.lastVisible.mode, frameStart: acc.frameStart, coalesced: acc.count });
    if (acc) this.paintPending.push(acc.start ?? t0);
    const nextFrame = raf();
    if (!nextFrame || this.framePending) return;
    this.framePending = true;
    nextFrame(() => {
      // Runs after cytoscape's own frame callback (registered a frame earlier) drew the canvas;
      // the next task starts once the frame is done.
      setTimeout(() => {
        const t = now();
        for (const st of this.paintPending.splice(0)) measure(PERF.paint, st, t);
        this.framePending = false;
        if (this.pending && !this.disposed) this.sync(this.store.getState(), false, false);
      }, 0);
    });
  }

  /** The selected rewrite's footprint, drawn while the Tick tab is open. */
  private overlayOf(s: EchoState): FootprintOverlay {
    if (s.inspector.tab !== 'tick') return footprintOverlay(null, []);
    const d = s.inspector.tickDetail;
    const i = s.selection.candidate;
    const c = d && i !== null && d.summary.commit === s.graph.commit ? (d.candidates[i] ?? null) : null;
    return footprintOverlay(c, d?.candidates ?? []);
  }

  private focusOf(s: EchoState, o: FootprintOverlay): ElementKey[] {
    const f = new Set<ElementKey>();
    const sel = s.selection.node;
    if (sel) f.add(elementKey(sel.warp, sel.id));
    const e = s.selection.edge ? s.graph.edges[elementKey(s.selection.edge.warp, s.selection.edge.id)] : undefined;
    if (e) {
      f.add(elementKey(e.warp, e.from));
      f.add(elementKey(e.warp, e.to));
    }
    for (const k of [...o.reads, ...o.writes, ...o.blockers]) if (s.graph.nodes[k]) f.add(k);
    if (s.ui.search.trim()) {
      let n = 0;
      for (const node of Object.values(s.graph.nodes)) {
        if (n >= 50) break;
        if (matchesSearch(node, s.ui.search)) {
          f.add(elementKey(node.warp, node.id));
          n++;
        }
      }
    }
    if (f.size === 0 && s.graph.rootNode) f.add(elementKey(s.graph.rootWarp, s.graph.rootNode));
    return Array.from(f).sort();
  }

  private nodeData(n: GraphNodeDto) {
    const slot = this.store.getState().graph.typeIndex[n.type];
    return {
      id: elementKey(n.warp, n.id),
      label: nodeName(n),
      type: n.type,
      colour: typeColour(n.type, this.theme, slot),
      ...(n.portal ? { child: n.portal } : {}),
    };
  }

  private nodeClasses(n: GraphNodeDto): string {
    return [n.portal ? 'portal' : '', n.reachable ? '' : 'unreachable'].filter(Boolean).join(' ');
  }

  private edgeData(e: GraphEdgeDto) {
    return { id: elementKey(e.warp, e.id), source: elementKey(e.warp, e.from), target: elementKey(e.warp, e.to), type: e.type };
  }

  /** A warp seen for the first time is laid out whole; later nodes are placed near neighbours. */
  private ensurePositions(warp: string, nodes: readonly GraphNodeDto[], edges: readonly GraphEdgeDto[]): void {
    const lEdges = edges.map((e) => ({ source: elementKey(e.warp, e.from), target: elementKey(e.warp, e.to) }));
    const pos = this.positionsFor(warp);
    if (pos.size === 0) {
      for (const [k, p] of layoutWhole(
        nodes.map((n) => ({ key: elementKey(n.warp, n.id), group: n.type })),
        lEdges,
      ))
        pos.set(k, p);
      return;
    }
    const keys = nodes.map((n) => elementKey(n.warp, n.id));
    const missing = keys.filter((k) => !pos.has(k));
    if (missing.length) {
      const drawn = keys.map((k) => pos.get(k)).filter((p): p is Pos => p !== undefined);
      placeNew(pos, missing, lEdges, drawn);
    }
  }

  /** Full reconciliation of the warp's visible elements with cytoscape (reset, warp switch, focus mode). */
  private syncAll(_s: EchoState, warp: string, nodes: readonly GraphNodeDto[], edges: readonly GraphEdgeDto[], visible: VisibleSet, fit: boolean): void {
    this.ensurePositions(warp, nodes, edges);
    const wantNodes = nodes.filter((n) => visible.nodes.has(elementKey(n.warp, n.id)));
    const wantEdges = edges.filter((e) => visible.nodes.has(elementKey(e.warp, e.from)) && visible.nodes.has(elementKey(e.warp, e.to)));
    const want = new Set<string>([...wantNodes.map((n) => elementKey(n.warp, n.id)), ...wantEdges.map((e) => elementKey(e.warp, e.id))]);
    const cy = this.cy;
    this.dropGhosts();
    cy.batch(() => {
      cy.elements()
        .filter((el) => !want.has(el.id()))
        .remove();
      for (const n of wantNodes) {
        const k = elementKey(n.warp, n.id);
        const el = cy.getElementById(k);
        if (el.nonempty()) {
          el.data(this.nodeData(n));
          el.classes(this.nodeClasses(n));
        } else {
          cy.add({ group: 'nodes', data: this.nodeData(n), position: { ...(this.positionsFor(warp).get(k) ?? { x: 0, y: 0 }) }, classes: this.nodeClasses(n) });
        }
      }
      for (const e of wantEdges) {
        const k = elementKey(e.warp, e.id);
        const el = cy.getElementById(k);
        if (el.nonempty()) {
          if (el.data('source') !== elementKey(e.warp, e.from) || el.data('target') !== elementKey(e.warp, e.to)) {
            el.remove();
            cy.add({ group: 'edges', data: this.edgeData(e) });
          }
        } else cy.add({ group: 'edges', data: this.edgeData(e) });
      }
    });
    if (fit) this.fit();
  }

  /**
   * Accumulated changes applied in place (all-elements mode, no filter): every touched key is
   * reconciled with the store — gone ones fade, new ones are added, changed ones updated.
   * Collection operations and one `cy.add` for everything new: per-element calls cost several
   * times more.
   */
  private reconcile(s: EchoState, acc: Pending, warp: string): void {
    const cy = this.cy;
    const p = warp + '/';
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const nodeKeys = Array.from(acc.nodes).filter((k) => k.startsWith(p)).sort(byId);
    const edgeKeys = Array.from(acc.edges).filter((k) => k.startsWith(p)).sort(byId);
    const upsertNodes = nodeKeys.filter((k) => s.graph.nodes[k]);
    const upsertEdges = edgeKeys.filter((k) => s.graph.edges[k]);
    const removed = [...edgeKeys.filter((k) => !s.graph.edges[k]), ...nodeKeys.filter((k) => !s.graph.nodes[k])].filter((k) => this.isLive(k));
    const newNodes = upsertNodes.filter((k) => !this.isLive(k));
    if (newNodes.length) {
      // A node new to the canvas can only be linked by edges changed along with it.
      const links: { source: string; target: string }[] = [];
      for (const k of upsertEdges) {
        const e = s.graph.edges[k]!;
        links.push({ source: elementKey(e.warp, e.from), target: elementKey(e.warp, e.to) });
      }
      const pos = this.positionsFor(warp);
      placeNew(pos, newNodes, links, nodePositions(cy));
      this.forgetGonePositions(s, pos);
    }
    cy.batch(() => {
      this.fade(removed);
      const adding = new Set<string>();
      const add: cytoscape.ElementDefinition[] = [];
      const drop: string[] = [];
      for (const k of upsertNodes) {
        const n = s.graph.nodes[k]!;
        if (this.ghosts.has(k)) drop.push(k);
        else if (cy.hasElementWithId(k)) {
          this.updateNode(cy.getElementById(k), n);
          continue;
        }
        adding.add(k);
        add.push({ group: 'nodes', data: this.nodeData(n), position: { ...(this.positionsFor(warp).get(k) ?? { x: 0, y: 0 }) }, classes: this.nodeClasses(n) });
      }
      for (const k of upsertEdges) {
        const e = s.graph.edges[k]!;
        if (this.ghosts.has(k)) drop.push(k);
        else if (cy.hasElementWithId(k)) {
          const el = cy.getElementById(k);
          if (el.data('source') === elementKey(e.warp, e.from) && el.data('target') === elementKey(e.warp, e.to)) {
            if (el.data('type') !== e.type) el.data(this.edgeData(e));
            continue;
          }
          drop.push(k);
        }
        const from = elementKey(e.warp, e.from);
        const to = elementKey(e.warp, e.to);
        if ((adding.has(from) || this.isLive(from)) && (adding.has(to) || this.isLive(to))) add.push({ group: 'edges', data: this.edgeData(e) });
      }
      // Elements coming back under a ghost's key (or re-pointed edges) replace the old element.
      if (drop.length) this.removeNow(drop);
      if (add.length) cy.add(add);
    });
  }

  /** Elements of `warp` after the accumulated changes: the last total, plus keys new to it, minus keys gone. */
  private totalAfter(s: EchoState, acc: Pending, warp: string): number {
    const p = warp + '/';
    let t = this.lastVisible.total;
    for (const k of acc.nodes) if (k.startsWith(p)) t += (k in s.graph.nodes ? 1 : 0) - (k in this.drawnNodes ? 1 : 0);
    for (const k of acc.edges) if (k.startsWith(p)) t += (k in s.graph.edges ? 1 : 0) - (k in this.drawnEdges ? 1 : 0);
    return t;
  }

  /** Focus mode, same shape and focus: refresh the records of the elements on the canvas only. */
  private refreshShown(s: EchoState): void {
    const cy = this.cy;
    const before = this.drawnNodes;
    const beforeEdges = this.drawnEdges;
    cy.batch(() => {
      cy.nodes().forEach((el) => {
        const k = el.id();
        const n = s.graph.nodes[k];
        if (n && n !== before[k] && !this.ghosts.has(k)) this.updateNode(el, n);
      });
      if (s.graph.edges !== beforeEdges) {
        cy.edges().forEach((el) => {
          const k = el.id();
          const e = s.graph.edges[k];
          if (e && e !== beforeEdges[k] && !this.ghosts.has(k) && el.data('type') !== e.type) el.data(this.edgeData(e));
        });
      }
    });
  }

  /** Updates a node's data and classes, touching cytoscape only when what it draws changed. */
  private updateNode(el: cytoscape.CollectionReturnValue | cytoscape.NodeSingular, n: GraphNodeDto): void {
    const d = this.nodeData(n);
    if (el.data('label') !== d.label || el.data('type') !== d.type || el.data('colour') !== d.colour || el.data('child') !== d.child) el.data(d);
    const cls = this.nodeClasses(n);
    const has = (el.classes() as unknown as string[]).filter((c) => c === 'portal' || c === 'unreachable').join(' ');
    if (has !== cls) {
      el.removeClass('portal unreachable');
      if (cls) el.addClass(cls);
    }
  }

  // ------------------------------------------------------------------ ghosts (fading removals)
  //
  // The fade is stepped, not a per-frame style transition: `fading` (dim) at once, `faded` (dimmer)
  // at half time, removal at FADE_MS — three redraws per delta instead of animating every ghost in
  // every frame for FADE_MS, which under software rendering costs a full canvas redraw per frame.

  private isLive(k: ElementKey): boolean {
    // hasElementWithId: no collection is built (getElementById makes one per call, ~2,000 per delta).
    return !this.ghosts.has(k) && this.cy.hasElementWithId(k);
  }

  /** Turns live elements into ghosts (inside the caller's batch); beyond the cap they go at once. */
  private fade(removed: readonly ElementKey[]): void {
    if (removed.length === 0) return;
    const cy = this.cy;
    // A node's edges cannot outlive it on the canvas: live ones still attached fade with it.
    // Each element is looked up once (`getElementById` builds a collection per call).
    const list: Ele[] = [];
    const set = new Set(removed);
    // One collection call for all removed nodes (a collection per node costs more than the scan).
    const nodes: Ele[] = [];
    for (const k of removed) {
      const el = cy.getElementById(k);
      list.push(el);
      if (el.isNode()) nodes.push(el);
    }
    if (nodes.length)
      collect(cy, nodes)
        .connectedEdges()
        .forEach((e) => {
          const ek = e.id();
          if (!set.has(ek) && !this.ghosts.has(ek)) {
            set.add(ek);
            list.push(e as unknown as Ele);
          }
        });
    // Make room: the oldest ghosts go first; what exceeds the cap is removed without a fade.
    const keep = list.slice(0, MAX_GHOSTS);
    const excess = this.ghosts.size + keep.length - MAX_GHOSTS;
    if (excess > 0) this.removeNow(Array.from(this.ghosts.keys()).slice(0, excess));
    if (list.length > keep.length) collect(cy, list.slice(MAX_GHOSTS)).remove();
    const t = now();
    const els = collect(cy, keep);
    // cytoscape's removeClass restyles (and emits `class` for) every element it is given, whether
    // or not it had the classes: only the ones overlaid get it.
    if (this.overlaid) els.filter((el) => OVERLAY_LIST.some((c) => el.hasClass(c))).removeClass(OVERLAY_CLASSES);
    // `.fading` has `events: 'no'` (no tap, no grab); unselectify keeps code from selecting a ghost.
    els.addClass('fading').unselect().unselectify();
    els.forEach((el) => {
      const group = el.isNode() ? 'nodes' : 'edges';
      this.ghosts.set(el.id(), { el, group, dimAt: t + FADE_MS / 2, until: t + FADE_MS, dimmed: false });
      if (group === 'nodes') this.ghostNodes++;
    });
    this.scheduleSweep();
  }

  /** Removes ghosts and/or live elements now (one collection operation). */
  private removeNow(keys: readonly ElementKey[]): void {
    const cy = this.cy;
    const els: Ele[] = [];
    for (const k of keys) {
      const g = this.ghosts.get(k);
      if (g) {
        this.ghosts.delete(k);
        if (g.group === 'nodes') this.ghostNodes--;
        els.push(g.el);
      } else els.push(cy.getElementById(k));
    }
    collect(cy, els)
      .filter((el) => el.inside())
      .remove();
  }

  private dropGhosts(): void {
    if (this.ghosts.size === 0) return;
    this.cy.batch(() => this.removeNow(Array.from(this.ghosts.keys())));
  }

  private scheduleSweep(): void {
    if (this.sweepTimer || this.ghosts.size === 0 || this.disposed) return;
    let next = Infinity;
    for (const g of this.ghosts.values()) {
      next = Math.min(next, g.dimmed ? g.until : g.dimAt);
      if (!g.dimmed) break; // ghosts are in time order: the first undimmed one dims first
    }
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, next - now()) + 2);
  }

  private sweep(): void {
    this.sweepTimer = null;
    if (this.disposed) return;
    const t = now();
    const expired: ElementKey[] = [];
    const dim: Ele[] = [];
    for (const [k, g] of this.ghosts) {
      if (g.dimAt > t) break;
      if (g.until <= t) expired.push(k);
      else if (!g.dimmed) {
        g.dimmed = true;
        dim.push(g.el);
      }
    }
    if (expired.length || dim.length) {
      this.cy.batch(() => {
        if (dim.length) collect(this.cy, dim).addClass('faded');
        if (expired.length) this.removeNow(expired);
      });
      if (expired.length) this.report();
    }
    this.scheduleSweep();
  }

  private applyOverlay(s: EchoState, o: FootprintOverlay): void {
    const cy = this.cy;
    const q = s.ui.search.trim();
    /** A live element (never a ghost), or an empty collection. */
    const live = (k: string) => (this.ghosts.has(k) ? cy.collection() : cy.getElementById(k));
    const had = this.overlaid;
    const sel = s.selection.node ? elementKey(s.selection.node.warp, s.selection.node.id) : s.selection.edge ? elementKey(s.selection.edge.warp, s.selection.edge.id) : null;
    const want = !!(sel || o.reads.size || o.writes.size || o.blockers.size || o.scope || q);
    // Nothing overlaid before or now: skip the sweep over every element (a per-tick cost).
    if (!had && !want) {
      for (const k of ['fpReads', 'fpWrites', 'fpBlockers']) this.mirror(k, '0');
      return;
    }
    cy.batch(() => {
      cy.elements().removeClass(OVERLAY_CLASSES);
      if (sel) live(sel).addClass('sel');
      for (const k of o.reads) live(k).addClass('fp-read');
      for (const k of o.writes) live(k).addClass('fp-write');
      for (const k of o.blockers) live(k).addClass('fp-blocker');
      if (o.scope) live(o.scope).addClass('fp-scope');
      if (q && !s.ui.filterOnly) {
        cy.nodes().forEach((n) => {
          if (this.ghosts.has(n.id())) return;
          const dto = s.graph.nodes[n.id()];
          if (dto && matchesSearch(dto, q)) n.addClass('match');
          else n.addClass('dim');
        });
        cy.edges().addClass('dim');
      }
    });
    this.overlaid = want;
    const count = (keys: ReadonlySet<string>) => Array.from(keys).filter((k) => live(k).nonempty()).length;
    this.mirror('fpReads', String(count(o.reads)));
    this.mirror('fpWrites', String(count(o.writes)));
    this.mirror('fpBlockers', String(count(o.blockers)));
  }

  /** Sets one `data-*` attribute of the host, only when its value changes (no needless DOM mutation). */
  private mirror(key: string, value: string): void {
    if (this.container.dataset[key] !== value) this.container.dataset[key] = value;
  }

  /** Mirrors what is drawn (ghosts excluded) on the container and to the toolbar. */
  private report(): void {
    const v = this.lastVisible;
    const ghostEdges = this.ghosts.size - this.ghostNodes;
    const onCanvas = countElements(this.cy);
    const info: CanvasInfo = { mode: v.mode, shownNodes: onCanvas.nodes - this.ghostNodes, shownEdges: onCanvas.edges - ghostEdges, total: v.total };
    this.mirror('nodes', String(info.shownNodes));
    this.mirror('edges', String(info.shownEdges));
    this.mirror('fading', String(this.ghosts.size));
    this.mirror('mode', info.mode);
    this.mirror('warp', this.shownWarp ?? '');
    this.onInfo(info);
  }
}

/**
 * Nodes and edges on the canvas, counted over the core's own element list: `cy.nodes()` /
 * `cy.edges()` build a new collection each (~1.5 ms apiece for 750 elements, twice per delta).
 */
function countElements(cy: cytoscape.Core): { nodes: number; edges: number } {
  const all = cy.elements();
  let nodes = 0;
  for (let i = 0; i < all.length; i++) if (all[i]!.isNode()) nodes++;
  return { nodes, edges: all.length - nodes };
}

/** Positions of the nodes on the canvas, read off the core's element list (no collection built). */
function nodePositions(cy: cytoscape.Core): cytoscape.Position[] {
  const all = cy.elements();
  const out: cytoscape.Position[] = [];
  for (let i = 0; i < all.length; i++) if (all[i]!.isNode()) out.push(all[i]!.position());
  return out;
}
