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
 *   (`data-nodes`, `data-edges`, `data-mode`, `data-fp-*`), never inferred from pixels.
 */
import type cytoscape from 'cytoscape';
import type { EdgeDto, NodeDto } from '../../engine/contract/index';
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
import { canvasStyle } from './canvasStyle';
import { layoutWhole, placeNew, type Pos } from './layout';

export interface CanvasInfo {
  readonly mode: 'all' | 'focus';
  readonly shownNodes: number;
  readonly shownEdges: number;
  readonly total: number;
}

const OVERLAY_CLASSES = 'sel fp-read fp-write fp-blocker fp-scope match dim';

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

  constructor(
    private readonly cy: cytoscape.Core,
    private readonly store: EchoStore,
    private readonly controller: EchoController,
    private readonly container: HTMLElement,
    private readonly onInfo: (i: CanvasInfo) => void,
  ) {
    this.theme = store.getState().ui.theme;
    this.worldKey = CanvasView.worldKeyOf(store.getState());
    cy.style(canvasStyle(this.theme));
    cy.on('tap', 'node', (ev) => {
      const { warp, id } = splitKey(ev.target.id());
      void this.controller.selectNode(warp, id);
    });
    cy.on('tap', 'edge', (ev) => {
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
    this.unsubscribe = store.subscribe((s, prev) => this.onChange(s, prev));
    this.onChange(store.getState(), null);
  }

  dispose(): void {
    this.unsubscribe();
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
      this.cy.elements().remove();
      this.shownWarp = null;
      this.lastVersion = -1;
      this.staleVersion = s.graph.version;
      prev = null;
    }
    // The store still holds the previous world's graph until the new snapshot lands.
    if (s.graph.version === this.staleVersion && s.graph.loaded) {
      this.report({ mode: 'all', nodes: new Set(), total: 0 });
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
    const graphChanged = s.graph.version !== this.lastVersion;
    if (!viewChanged && !overlayChanged && !graphChanged) return;

    const overlay = this.overlayOf(s);
    const focus = this.focusOf(s, overlay);
    const nodes = nodesInWarp(s.graph.nodes, warp);
    const edges = edgesInWarp(s.graph.edges, warp);
    const filter = s.ui.filterOnly && s.ui.search.trim() ? (n: NodeDto) => matchesSearch(n, s.ui.search) : undefined;
    const visible = visibleNodes(nodes, edges, { threshold: s.ui.focusThreshold, showAll: s.ui.showAll, hops: s.ui.hops, focus, ...(filter ? { filter } : {}) });

    const change = s.graph.change;
    const incremental = !viewChanged && graphChanged && change?.kind === 'delta' && visible.mode === 'all' && !filter && this.shownWarp === warp;
    if (graphChanged || viewChanged || visible.mode === 'focus') {
      if (incremental && change?.kind === 'delta') this.applyDelta(s, change, warp, edges);
      else this.syncAll(s, warp, nodes, edges, visible, prev === null || warp !== this.shownWarp);
    }
    this.lastVersion = s.graph.version;
    this.shownWarp = warp;
    this.applyOverlay(s, overlay);
    this.report(visible);
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

  private nodeData(n: NodeDto) {
    const slot = this.store.getState().graph.typeIndex[n.type];
    const portal = n.attachment?.kind === 'descend';
    return {
      id: elementKey(n.warp, n.id),
      label: nodeName(n),
      type: n.type,
      colour: typeColour(n.type, this.theme, slot),
      ...(portal ? { child: n.attachment!.warp } : {}),
    };
  }

  private nodeClasses(n: NodeDto): string {
    return [n.attachment?.kind === 'descend' ? 'portal' : '', n.reachable ? '' : 'unreachable'].filter(Boolean).join(' ');
  }

  private edgeData(e: EdgeDto) {
    return { id: elementKey(e.warp, e.id), source: elementKey(e.warp, e.from), target: elementKey(e.warp, e.to), type: e.type };
  }

  /** A warp seen for the first time is laid out whole; later nodes are placed near neighbours. */
  private ensurePositions(warp: string, nodes: readonly NodeDto[], edges: readonly EdgeDto[]): void {
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
    const missing = nodes.map((n) => elementKey(n.warp, n.id)).filter((k) => !pos.has(k));
    if (missing.length) placeNew(pos, missing, lEdges);
  }

  /** Full reconciliation of the warp's visible elements with cytoscape (reset, warp switch, focus mode). */
  private syncAll(_s: EchoState, warp: string, nodes: readonly NodeDto[], edges: readonly EdgeDto[], visible: VisibleSet, fit: boolean): void {
    this.ensurePositions(warp, nodes, edges);
    const wantNodes = nodes.filter((n) => visible.nodes.has(elementKey(n.warp, n.id)));
    const wantEdges = edges.filter((e) => visible.nodes.has(elementKey(e.warp, e.from)) && visible.nodes.has(elementKey(e.warp, e.to)));
    const want = new Set<string>([...wantNodes.map((n) => elementKey(n.warp, n.id)), ...wantEdges.map((e) => elementKey(e.warp, e.id))]);
    const cy = this.cy;
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

  /** One tick's delta, applied in place (all-elements mode, no filter). */
  private applyDelta(s: EchoState, change: Extract<EchoState['graph']['change'], { kind: 'delta' }>, warp: string, edges: readonly EdgeDto[]): void {
    const cy = this.cy;
    const inWarp = (k: string) => k.startsWith(warp + '/');
    const newNodes = change.upsertNodes.filter((k) => inWarp(k) && cy.getElementById(k).empty());
    if (newNodes.length) {
      placeNew(
        this.positionsFor(warp),
        newNodes,
        edges.map((e) => ({ source: elementKey(e.warp, e.from), target: elementKey(e.warp, e.to) })),
      );
    }
    cy.batch(() => {
      for (const k of change.removeEdges) cy.getElementById(k).remove();
      for (const k of change.removeNodes) cy.getElementById(k).remove();
      for (const k of change.upsertNodes) {
        if (!inWarp(k)) continue;
        const n = s.graph.nodes[k];
        if (!n) continue;
        const el = cy.getElementById(k);
        if (el.nonempty()) {
          el.data(this.nodeData(n));
          el.classes(this.nodeClasses(n));
        } else cy.add({ group: 'nodes', data: this.nodeData(n), position: { ...(this.positionsFor(warp).get(k) ?? { x: 0, y: 0 }) }, classes: this.nodeClasses(n) });
      }
      for (const k of change.upsertEdges) {
        if (!inWarp(k)) continue;
        const e = s.graph.edges[k];
        if (!e) continue;
        const el = cy.getElementById(k);
        if (el.nonempty()) el.remove();
        if (cy.getElementById(elementKey(e.warp, e.from)).nonempty() && cy.getElementById(elementKey(e.warp, e.to)).nonempty()) cy.add({ group: 'edges', data: this.edgeData(e) });
      }
    });
  }

  private applyOverlay(s: EchoState, o: FootprintOverlay): void {
    const cy = this.cy;
    const q = s.ui.search.trim();
    cy.batch(() => {
      cy.elements().removeClass(OVERLAY_CLASSES);
      const sel = s.selection.node ? elementKey(s.selection.node.warp, s.selection.node.id) : s.selection.edge ? elementKey(s.selection.edge.warp, s.selection.edge.id) : null;
      if (sel) cy.getElementById(sel).addClass('sel');
      for (const k of o.reads) cy.getElementById(k).addClass('fp-read');
      for (const k of o.writes) cy.getElementById(k).addClass('fp-write');
      for (const k of o.blockers) cy.getElementById(k).addClass('fp-blocker');
      if (o.scope) cy.getElementById(o.scope).addClass('fp-scope');
      if (q && !s.ui.filterOnly) {
        cy.nodes().forEach((n) => {
          const dto = s.graph.nodes[n.id()];
          if (dto && matchesSearch(dto, q)) n.addClass('match');
          else n.addClass('dim');
        });
        cy.edges().addClass('dim');
      }
    });
    const count = (keys: ReadonlySet<string>) => Array.from(keys).filter((k) => cy.getElementById(k).nonempty()).length;
    this.container.dataset['fpReads'] = String(count(o.reads));
    this.container.dataset['fpWrites'] = String(count(o.writes));
    this.container.dataset['fpBlockers'] = String(count(o.blockers));
  }

  private report(v: VisibleSet): void {
    const info: CanvasInfo = { mode: v.mode, shownNodes: this.cy.nodes().length, shownEdges: this.cy.edges().length, total: v.total };
    this.container.dataset['nodes'] = String(info.shownNodes);
    this.container.dataset['edges'] = String(info.shownEdges);
    this.container.dataset['mode'] = info.mode;
    this.container.dataset['warp'] = this.shownWarp ?? '';
    this.onInfo(info);
  }
}
