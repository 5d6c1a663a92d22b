/** Cytoscape stylesheet of the graph canvas, per theme. Footprint colours are shared with the legend. */
import type cytoscape from 'cytoscape';

/** How long a removed element stays on the canvas, fading (ms). */
export const FADE_MS = 400;

/** Reads and writes of a selected rewrite, and its blockers: three distinct colours. */
export const FOOTPRINT_COLOURS = { read: '#3b82f6', write: '#f97316', blocker: '#ef4444', selected: '#facc15' } as const;

export function canvasStyle(theme: 'dark' | 'light'): cytoscape.StylesheetJson {
  const text = theme === 'dark' ? '#cbd5e1' : '#1e293b';
  const edge = theme === 'dark' ? '#475569' : '#94a3b8';
  const accent = theme === 'dark' ? '#e2e8f0' : '#0f172a';
  return [
    {
      selector: 'node',
      style: {
        width: 16,
        height: 16,
        'background-color': 'data(colour)',
        label: 'data(label)',
        'font-size': 7,
        color: text,
        'text-valign': 'bottom',
        'text-margin-y': 2,
        'min-zoomed-font-size': 5,
        'border-width': 0,
      },
    },
    { selector: 'node.portal', style: { shape: 'diamond', width: 26, height: 26, 'border-width': 3, 'border-style': 'double', 'border-color': accent } },
    { selector: 'node.unreachable', style: { opacity: 0.45 } },
    {
      selector: 'edge',
      style: {
        width: 1,
        'line-color': edge,
        'curve-style': 'straight',
        'target-arrow-shape': 'triangle',
        'target-arrow-color': edge,
        'arrow-scale': 0.5,
        opacity: 0.8,
      },
    },
    { selector: '.dim', style: { opacity: 0.15 } },
    { selector: 'node.match', style: { 'underlay-color': FOOTPRINT_COLOURS.selected, 'underlay-opacity': 0.5, 'underlay-padding': 5 } },
    { selector: 'node.fp-read', style: { 'border-width': 3, 'border-color': FOOTPRINT_COLOURS.read, 'border-style': 'solid' } },
    { selector: 'node.fp-write', style: { 'underlay-color': FOOTPRINT_COLOURS.write, 'underlay-opacity': 0.85, 'underlay-padding': 6 } },
    { selector: 'node.fp-scope', style: { width: 24, height: 24 } },
    { selector: 'node.fp-blocker', style: { 'outline-width': 3, 'outline-color': FOOTPRINT_COLOURS.blocker, 'outline-style': 'dashed', 'outline-offset': 4, 'outline-opacity': 1 } },
    { selector: 'edge.fp-read', style: { 'line-color': FOOTPRINT_COLOURS.read, 'target-arrow-color': FOOTPRINT_COLOURS.read, width: 2.5, opacity: 1 } },
    { selector: 'edge.fp-write', style: { 'line-color': FOOTPRINT_COLOURS.write, 'target-arrow-color': FOOTPRINT_COLOURS.write, width: 3, opacity: 1 } },
    { selector: 'node.sel', style: { 'border-width': 3, 'border-color': FOOTPRINT_COLOURS.selected, 'border-style': 'solid', width: 22, height: 22 } },
    { selector: 'edge.sel', style: { 'line-color': FOOTPRINT_COLOURS.selected, 'target-arrow-color': FOOTPRINT_COLOURS.selected, width: 3, opacity: 1 } },
    // Removed by a recent delta: fades out in two steps over FADE_MS (canvasView.ts), takes no
    // events. Last, so it wins over every other opacity.
    { selector: '.fading', style: { opacity: 0.4, 'text-opacity': 0.4, events: 'no' } },
    { selector: '.fading.faded', style: { opacity: 0.15, 'text-opacity': 0 } },
  ];
}
