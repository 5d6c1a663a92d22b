/**
 * User Timing marks and measures of the graph view, for DevTools and for the Studio bench
 * (bench/workloads/studio.ts reads them with `page.evaluate`). Cheap and bounded: a mark name
 * holds at most one entry (the latest), and measures are cleared every `MAX_MEASURES`.
 *
 * - `echo:ws-frame`   a message reached the page: its first piece from the transport worker
 *                     (workerBridge.ts), or a WebSocket frame before decoding (wsBridge.ts)
 * - `echo:tick`       a tick event reached the controller (decoded)
 * - `echo:canvas-render`  cytoscape drew a frame
 * - `echo:delta-apply`    measure: tick event → end of the `cy.batch()` that applied its delta
 *                         (detail: ops, path, mode, frameStart)
 * - `echo:delta-paint`    measure: tick event → the task after the next animation frame, i.e. the
 *                         frame that shows the delta has been drawn
 *
 * Uses only `performance` (browsers and Node alike); silently does nothing where it is missing.
 */
export const PERF = {
  frame: 'echo:ws-frame',
  tick: 'echo:tick',
  render: 'echo:canvas-render',
  apply: 'echo:delta-apply',
  paint: 'echo:delta-paint',
} as const;

const MAX_MEASURES = 2000;
let measures = 0;

const perf = (): typeof performance | null => (typeof performance !== 'undefined' && typeof performance.mark === 'function' ? performance : null);

export function now(): number {
  return perf()?.now() ?? 0;
}

/** Replaces the mark `name` by one at the current time. */
export function markLatest(name: string): void {
  const p = perf();
  if (!p) return;
  p.clearMarks(name);
  p.mark(name);
}

/** Start time of the latest mark `name`, or null. */
export function latestMark(name: string): number | null {
  const p = perf();
  if (!p) return null;
  const e = p.getEntriesByName(name, 'mark');
  return e.length ? e[e.length - 1]!.startTime : null;
}

export function measure(name: string, start: number, end: number, detail?: Record<string, unknown>): void {
  const p = perf();
  if (!p || typeof p.measure !== 'function') return;
  if (++measures > MAX_MEASURES) {
    p.clearMeasures(PERF.apply);
    p.clearMeasures(PERF.paint);
    measures = 1;
  }
  try {
    p.measure(name, { start, end, ...(detail ? { detail } : {}) });
  } catch {
    // a start after the end (clock skew between marks) — nothing worth failing for
  }
}
