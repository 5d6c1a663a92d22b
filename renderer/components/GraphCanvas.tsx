/**
 * Graph canvas (centre): cytoscape lives in a ref, driven by CanvasView outside React's render
 * loop. React renders only the chrome: search/filter, the portal breadcrumb, the focus-mode
 * controls, the type legend and the footprint legend.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import cytoscape from 'cytoscape';
import { useEcho } from '../state/hooks';
import { echoStore } from '../state/store';
import { legendEntries, matchesSearch, nodesInWarp, typeColour } from '../state/selectors';
import { elementKey } from '../state/keys';
import { CanvasView, type CanvasInfo } from '../graph/canvasView';
import { FOOTPRINT_COLOURS } from '../graph/canvasStyle';
import { useController } from './context';

function Breadcrumb() {
  const viewWarp = useEcho((s) => s.ui.viewWarp);
  const instances = useEcho((s) => s.graph.instances);
  if (!viewWarp) return <span className="crumb" data-testid="warp-breadcrumb">root instance</span>;
  // Walk up the portal chain to the root.
  const path: { warp: string; label: string }[] = [];
  let cur: string | null = viewWarp;
  while (cur) {
    const inst = instances.find((i) => i.warp === cur);
    path.unshift({ warp: cur, label: inst?.label ?? cur.slice(0, 8) });
    cur = inst?.parent?.warp ?? null;
  }
  return (
    <span className="crumb" data-testid="warp-breadcrumb">
      <button type="button" data-testid="warp-root" onClick={() => echoStore.getState().ui.setViewWarp(null)}>
        root
      </button>
      {path.slice(1).map((p) => (
        <span key={p.warp}>
          {' ▸ '}
          <button type="button" onClick={() => echoStore.getState().ui.setViewWarp(p.warp)}>
            {p.label}
          </button>
        </span>
      ))}
    </span>
  );
}

function Legend() {
  const warp = useEcho((s) => s.ui.viewWarp ?? s.graph.rootWarp);
  // Counted again only when the shape or node types change (not on every tick: O(graph)).
  const shape = useEcho((s) => s.graph.shapeVersion);
  const theme = useEcho((s) => s.ui.theme);
  const typeIndex = useEcho((s) => s.graph.typeIndex);
  const entries = useMemo(() => legendEntries(nodesInWarp(echoStore.getState().graph.nodes, warp)), [shape, warp]);
  return (
    <div className="legend" data-testid="legend">
      {entries.map((e) => (
        <button key={e.type} type="button" className="legend-entry" title={`${e.type}\nclick: search this type`} onClick={() => echoStore.getState().ui.setSearch(`type:${e.label}`)}>
          <span className="swatch" style={{ background: typeColour(e.type, theme, typeIndex[e.type]) }} />
          {e.label} <span className="muted">{e.count}</span>
        </button>
      ))}
      <span className="legend-sep" />
      <span className="legend-entry" title="selected rewrite: slots it reads">
        <span className="swatch ring" style={{ borderColor: FOOTPRINT_COLOURS.read }} /> reads
      </span>
      <span className="legend-entry" title="selected rewrite: slots it writes">
        <span className="swatch" style={{ background: FOOTPRINT_COLOURS.write }} /> writes
      </span>
      <span className="legend-entry" title="rejected rewrite: the scopes of its blockers">
        <span className="swatch ring dashed" style={{ borderColor: FOOTPRINT_COLOURS.blocker }} /> blockers
      </span>
      <span className="legend-entry" title="double-click a portal to open its child instance">
        <span className="swatch diamond" /> portal
      </span>
    </div>
  );
}

export function GraphCanvas() {
  const c = useController();
  const host = useRef<HTMLDivElement>(null);
  const cyBox = useRef<HTMLDivElement>(null);
  const viewRef = useRef<CanvasView | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [info, setInfo] = useState<CanvasInfo>({ mode: 'all', shownNodes: 0, shownEdges: 0, total: 0 });
  const search = useEcho((s) => s.ui.search);
  const filterOnly = useEcho((s) => s.ui.filterOnly);
  const threshold = useEcho((s) => s.ui.focusThreshold);
  const hops = useEcho((s) => s.ui.hops);
  const showAll = useEcho((s) => s.ui.showAll);
  const searchFocus = useEcho((s) => s.ui.searchFocus);

  useEffect(() => {
    const el = host.current!;
    const cy = cytoscape({ container: cyBox.current!, elements: [], layout: { name: 'preset' }, minZoom: 0.05, maxZoom: 5, boxSelectionEnabled: false });
    const view = new CanvasView(cy, echoStore, c, el, setInfo);
    viewRef.current = view;
    const ro = new ResizeObserver(() => cy.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      view.dispose();
      viewRef.current = null;
      cy.destroy();
    };
  }, [c]);

  useEffect(() => {
    if (searchFocus > 0) searchRef.current?.focus();
  }, [searchFocus]);

  const jumpToFirstMatch = () => {
    const s = echoStore.getState();
    const warp = s.ui.viewWarp ?? s.graph.rootWarp;
    const hit = nodesInWarp(s.graph.nodes, warp).find((n) => matchesSearch(n, s.ui.search));
    if (!hit) {
      s.ui.pushToast({ level: 'info', code: 'NoMatch', message: `no node matches "${s.ui.search}" here` });
      return;
    }
    void c.selectNode(hit.warp, hit.id);
    viewRef.current?.focusNode(elementKey(hit.warp, hit.id));
  };

  return (
    <section className="canvas-panel">
      <div className="canvas-toolbar">
        <Breadcrumb />
        <input
          ref={searchRef}
          data-testid="search"
          className="search"
          placeholder="search id / label / type:…  ( / )"
          value={search}
          onChange={(e) => echoStore.getState().ui.setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') jumpToFirstMatch();
            if (e.key === 'Escape') {
              echoStore.getState().ui.setSearch('');
              (e.target as HTMLInputElement).blur();
            }
          }}
        />
        <label title="hide non-matching nodes instead of dimming them">
          <input type="checkbox" data-testid="filter-only" checked={filterOnly} onChange={(e) => echoStore.getState().ui.setFilterOnly(e.target.checked)} /> filter
        </label>
        <label title="above this many elements show focus + k hops">
          focus &gt;
          <input type="number" data-testid="focus-threshold" className="num" min={1} value={threshold} onChange={(e) => echoStore.getState().ui.setFocusThreshold(Number(e.target.value))} />
        </label>
        <label title="hops around the focus">
          k
          <input type="number" data-testid="focus-hops" className="num small" min={0} max={6} value={hops} onChange={(e) => echoStore.getState().ui.setHops(Number(e.target.value))} />
        </label>
        {(info.mode === 'focus' || showAll) && (
          <button type="button" data-testid="show-all" onClick={() => echoStore.getState().ui.setShowAll(!showAll)}>
            {showAll ? 'focus view' : 'show all'}
          </button>
        )}
        <button type="button" onClick={() => viewRef.current?.fit()} title="fit to screen">
          fit
        </button>
        <span className="muted canvas-count" data-testid="canvas-count" data-mode={info.mode}>
          {info.mode === 'focus' ? `focus (k=${hops}): ` : ''}
          {info.shownNodes} nodes · {info.shownEdges} edges{info.mode === 'focus' ? ` of ${info.total} elements` : ''}
        </span>
      </div>
      {/* The data-* mirror lives on the outer box: cytoscape observes attribute changes on its own
          container and answers each one with a resize and a full redraw. */}
      <div className="canvas-host" ref={host} data-testid="graph-canvas">
        <div className="cy-container" ref={cyBox} />
      </div>
      <Legend />
    </section>
  );
}
