/**
 * Studio: the graph-view targets, measured for real — the built renderer (out/renderer) in
 * headless Debian Chromium (software rendering, the e2e launch flags of scripts/chromium.ts),
 * served by browser mode (`startBrowserServer`, in this process) with the engine host in its
 * worker thread. Timings are taken inside the page (User Timing marks/measures the renderer
 * writes, see renderer/perf.ts; requestAnimationFrame; Long Tasks) and read with page.evaluate.
 *
 * a. Tick delta → graph view: bench/worlds/churn.ts (750 items, 250 replaced per tick: 250 nodes
 *    and 250 edges removed, 250 + 250 added = 1,000 graph changes per delta, drawn in "all" mode).
 *    Stepped one tick at a time; per delta: tick event → end of the `cy.batch()` that applied it
 *    (`echo:delta-apply`), → the task after the next frame (`echo:delta-paint`), and from the
 *    message reaching the page (its first piece; the WebSocket frame is decoded in the transport
 *    worker, renderer/bridge/workerBridge.ts).
 * b. First render: navigation start → the first cytoscape frame drawn after `data-nodes` on the
 *    graph canvas reached the expected count. Demo world (all root-instance nodes); the motion world
 *    at n = 2,500 (2,501 nodes + 2,500 edges = 5,001 elements), once as the user gets it by default
 *    (above the focus threshold: focus + k hops, capped at the threshold) and once with the
 *    threshold raised so every element is drawn.
 * c. UI frames while playing: the motion world at n = 100,000, playing at the UI's full speed;
 *    for ≥ 10 s and until the page showed ≥ 2 new ticks: rAF gaps, Long Tasks and the latency of
 *    synthetic key presses and clicks (event timestamp → listener), plus the ticks the engine
 *    completed meanwhile. A motion tick rewrites every entity's value and no graph record, so its
 *    delta lists no element (`valueChanges` = 100,000); the note says what the page applied.
 * d. A long step at full speed: the demo world, `step 3,000` (300 at --quick) from the UI, the host
 *    streaming every tick as fast as it commits them (thousands of small deltas, faster than the
 *    page can render one each). Until the page shows the last tick: rAF gaps, Long Tasks, the
 *    latency of synthetic key presses, and the round trip of a trivial page.evaluate — a task
 *    queued behind whatever the page has queued, which is what a Cancel click waits for. Then how
 *    long after the host's last tick the page showed it, and the ticks per second the page showed.
 *
 * The renderer is built first when out/renderer is missing or older than its sources.
 * Without /usr/bin/chromium every figure is reported as skipped (scripts/ensure-chromium.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server';
import { createWsBridge, type WebSocketLike, type WsBridge } from '../../renderer/bridge/wsBridge';
import { elementKey } from '../../renderer/state/keys';
import { visibleNodes } from '../../renderer/state/selectors';
import { CHROMIUM, chromiumAvailable, launchChromium } from '../../scripts/chromium';
import { sizeLabel, STUDIO } from '../reference';
import { log, single, summarize, type JobResult, type Stats, type Unit } from '../stats';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER_DIR = path.join(REPO, 'out', 'renderer');
const CHURN_WORLD = path.join(REPO, 'bench', 'worlds', 'churn.ts');
/** The UI's default focus threshold (renderer/state/slices/uiSlice.ts) and hops. */
const DEFAULT_THRESHOLD = 2000;
const DEFAULT_HOPS = 2;
const tid = (id: string) => `[data-testid="${id}"]`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Sizes = (typeof STUDIO)['full'] | (typeof STUDIO)['quick'];

/** Every figure id this workload reports (the skipped list when Chromium is missing). */
export function studioFigureIds(quick: boolean): Array<{ id: string; label: string }> {
  const n = sizeLabel((quick ? STUDIO.quick : STUDIO.full).frameN);
  return [
    { id: 'studio.delta.apply', label: 'apply a 1,000-op tick delta' },
    { id: 'studio.delta.paint', label: '1,000-op delta, to its frame drawn' },
    { id: 'studio.delta.decodeApply', label: '1,000-op delta, from the message reaching the page' },
    { id: 'studio.first.demo', label: 'first render, demo world' },
    { id: 'studio.first.5k.default', label: 'first render, 5,001 elements, default view' },
    { id: 'studio.first.5k.all', label: 'first render, 5,001 elements, all drawn' },
    { id: `studio.frame.gapMax.${n}`, label: `longest frame while playing ${n}` },
    { id: `studio.frame.gapP99.${n}`, label: `p99 frame while playing ${n}` },
    { id: `studio.frame.longTask.${n}`, label: `long tasks while playing ${n}` },
    { id: `studio.frame.input.${n}`, label: `input latency while playing ${n}` },
    { id: `studio.frame.ticks.${n}`, label: `engine ticks during the window, ${n}` },
    ...stepFigureIds(quick),
  ];
}

function stepFigureIds(quick: boolean): Array<{ id: string; label: string }> {
  const k = sizeLabel((quick ? STUDIO.quick : STUDIO.full).stepN);
  return [
    { id: `studio.step.gapMax.${k}`, label: `longest frame during a ${k}-tick step` },
    { id: `studio.step.longTask.${k}`, label: `long tasks during a ${k}-tick step` },
    { id: `studio.step.input.${k}`, label: `input latency during a ${k}-tick step` },
    { id: `studio.step.rtt.${k}`, label: `page round trip during a ${k}-tick step` },
    { id: `studio.step.lag.${k}`, label: `page behind the host at the end of a ${k}-tick step` },
    { id: `studio.step.rate.${k}`, label: `ticks per second shown during a ${k}-tick step` },
  ];
}

function fig(r: JobResult, id: string, label: string, unit: Unit, stats: Stats): void {
  r.figures.push({ id, workload: 'Studio', label, unit, stats });
}

// ------------------------------------------------------------------ set-up

/** Newest source file (what the build reads: .ts, .tsx, .css, .html) under `dir`. */
function newestMtime(dir: string): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (!e.isDirectory() && !/\.(tsx?|css|html)$/.test(e.name)) continue;
    const m = e.isDirectory() ? newestMtime(p) : { file: p, mtime: statSync(p).mtimeMs };
    if (m.mtime > best.mtime) best = m;
  }
  return best;
}

/** Builds out/renderer with electron-vite when it is missing or older than anything it is built from. */
export function ensureRendererBuilt(): string {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = [newestMtime(path.join(REPO, 'renderer')), newestMtime(path.join(REPO, 'engine', 'contract')), { file: path.join(REPO, 'electron.vite.config.ts'), mtime: statSync(path.join(REPO, 'electron.vite.config.ts')).mtimeMs }];
  const newest = sources.reduce((a, b) => (b.mtime > a.mtime ? b : a));
  let reason: string | null = null;
  if (!existsSync(index)) reason = 'out/renderer/index.html is missing';
  else if (statSync(index).mtimeMs < newest.mtime) reason = `out/renderer is older than ${path.relative(REPO, newest.file)}`;
  if (!reason) {
    const msg = 'renderer build in out/renderer is up to date (newer than the sources in renderer/, engine/contract/ and electron.vite.config.ts); not rebuilt';
    log(`studio: ${msg}`);
    return msg;
  }
  log(`studio: building the renderer (${reason}): npx electron-vite build`);
  const t0 = performance.now();
  const res = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0) throw new Error(`npx electron-vite build failed (${res.status ?? res.signal}): ${(res.stderr || res.stdout || '').slice(-2000)}`);
  const msg = `renderer built with \`npx electron-vite build\` in ${((performance.now() - t0) / 1000).toFixed(1)} s (${reason})`;
  log(`studio: ${msg}`);
  return msg;
}

function engineClient(server: BrowserServer): WsBridge {
  const connect = (u: string) => new WebSocket(u, { origin: server.origin, maxPayload: 512 * 1024 * 1024 }) as unknown as WebSocketLike;
  return createWsBridge(`ws://127.0.0.1:${server.port}/ws`, server.token, { connect });
}

/** tsx compiles functions with esbuild's keepNames, which calls a `__name` helper the page lacks. */
async function shimNames(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
}

async function waitAttr(page: Page, testid: string, attr: string, value: string | number, timeout: number): Promise<void> {
  await page.waitForSelector(`${tid(testid)}[${attr}="${value}"]`, { timeout, state: 'attached' });
}

async function until(cond: () => Promise<boolean>, timeout: number, what: string, pollMs = 20): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

interface MeasureOut {
  readonly start: number;
  readonly duration: number;
  readonly detail: { ops?: number; path?: string; mode?: string; frameStart?: number | null } | null;
}

async function measures(page: Page, name: string): Promise<MeasureOut[]> {
  return page.evaluate(
    (n) =>
      performance.getEntriesByName(n, 'measure').map((m) => ({
        start: m.startTime,
        duration: m.duration,
        detail: (m as unknown as { detail: MeasureOut['detail'] }).detail,
      })),
    name,
  );
}

/**
 * Resolves once the page holds more than `before` measures named `name`. Waits inside the page (a
 * PerformanceObserver), not by polling: a page.evaluate every few ms would compete for the two
 * cores with the very work being timed.
 */
async function measureCountAbove(page: Page, name: string, before: number, timeout: number, what: string): Promise<void> {
  const ok = await page.evaluate(
    ({ n, b, ms }) =>
      new Promise<boolean>((resolve) => {
        const count = () => performance.getEntriesByName(n, 'measure').length;
        if (count() > b) return resolve(true);
        const obs = new PerformanceObserver(() => {
          if (count() > b) finish(true);
        });
        const timer = setTimeout(() => finish(false), ms);
        const finish = (v: boolean) => {
          obs.disconnect();
          clearTimeout(timer);
          resolve(v);
        };
        obs.observe({ type: 'measure' });
      }),
    { n: name, b: before, ms: timeout },
  );
  if (!ok) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

// ------------------------------------------------------------------ a. delta apply

async function measureDelta(r: JobResult, sz: Sizes): Promise<void> {
  const { n, replace } = STUDIO.churn;
  log(`studio a: churn world n=${n} replace=${replace}, ${sz.deltaWarmup} warm-up + ${sz.deltaSamples} stepped ticks`);
  const server = await startBrowserServer({ port: 0, world: CHURN_WORLD, params: { n: String(n), replace: String(replace) }, rendererDir: RENDERER_DIR });
  const engine = engineClient(server);
  const { page, close } = await launchChromium();
  try {
    await shimNames(page);
    await page.goto(server.url);
    await waitAttr(page, 'app-shell', 'data-loaded', 'true', 60_000);
    await waitAttr(page, 'graph-canvas', 'data-nodes', n + 1, 60_000);
    const apply: number[] = [];
    const paint: number[] = [];
    const fromFrame: number[] = [];
    const ops: number[] = [];
    const paths = new Set<string>();
    for (let i = 0; i < sz.deltaWarmup + sz.deltaSamples; i++) {
      const before = (await measures(page, 'echo:delta-paint')).length;
      await engine.invoke('echo:tick.step', { n: 1 });
      await measureCountAbove(page, 'echo:delta-paint', before, 30_000, 'the delta to be drawn');
      const a = (await measures(page, 'echo:delta-apply')).at(-1)!;
      const p = (await measures(page, 'echo:delta-paint')).at(-1)!;
      if (i < sz.deltaWarmup) continue;
      apply.push(a.duration);
      paint.push(p.duration);
      if (a.detail?.frameStart != null) fromFrame.push(a.start + a.duration - a.detail.frameStart);
      ops.push(a.detail?.ops ?? NaN);
      paths.add(`${a.detail?.path}/${a.detail?.mode}`);
      await sleep(50);
    }
    const opsS = summarize(ops);
    const opsText = opsS.min === opsS.max ? `${opsS.min.toLocaleString('en-US')} ops` : `${opsS.min}–${opsS.max} ops`;
    fig(r, 'studio.delta.apply', `tick delta (${opsText}) → graph view, tick event → end of cy.batch()`, 'ms', summarize(apply));
    fig(r, 'studio.delta.paint', `tick delta (${opsText}) → its frame drawn (next rAF + task)`, 'ms', summarize(paint));
    if (fromFrame.length) fig(r, 'studio.delta.decodeApply', `tick delta (${opsText}), message reaches the page (decoded in the transport worker) → end of cy.batch()`, 'ms', summarize(fromFrame));
    r.notes.push(
      `Studio a: churn world (bench/worlds/churn.ts) n=${n}, replace=${replace}: ${apply.length} stepped ticks, each delta ${opsText} (removed nodes/edges fade); canvas path/mode: ${[...paths].join(', ')}.`,
    );
  } finally {
    await close();
    engine.close();
    await server.close();
  }
}

// ------------------------------------------------------------------ b. first render

// Page-side code is plain JavaScript (the Node program has no DOM types; the page's CSP does not
// apply to scripts injected through the DevTools protocol).

/** Init script: navigation start → the first canvas frame drawn after data-nodes reached `want`. */
const firstRenderProbe = (want: number) => `(() => {
  const st = { shownAt: null, renderAt: null, mode: null };
  window.__echoFirst = st;
  const check = () => {
    if (st.shownAt !== null) return;
    const el = document.querySelector('[data-testid="graph-canvas"]');
    if (el && Number(el.dataset.nodes) === ${Number(want)}) { st.shownAt = performance.now(); st.mode = el.dataset.mode || null; }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-nodes'] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.name === 'echo:canvas-render' && st.shownAt !== null && st.renderAt === null && e.startTime >= st.shownAt) st.renderAt = e.startTime;
  }).observe({ type: 'mark' });
})();`;

async function firstRender(context: BrowserContext, server: BrowserServer, want: number, samples: number, localStorageInit: Record<string, string>): Promise<{ ms: number[]; mode: string }> {
  const out: number[] = [];
  let mode = '';
  for (let i = 0; i < samples; i++) {
    const page = await context.newPage();
    try {
      await shimNames(page);
      await page.addInitScript({ content: Object.entries(localStorageInit).map(([k, v]) => `localStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') });
      await page.addInitScript({ content: firstRenderProbe(want) });
      await page.goto(server.url);
      await until(async () => (await page.evaluate('window.__echoFirst.renderAt')) !== null, 120_000, `data-nodes=${want} drawn`, 50);
      const st = (await page.evaluate('({ ...window.__echoFirst })')) as { renderAt: number; mode: string };
      out.push(st.renderAt);
      mode = st.mode;
    } finally {
      await page.close();
    }
  }
  return { ms: out, mode };
}

async function measureFirstRender(r: JobResult, sz: Sizes): Promise<void> {
  const { context, close } = await launchChromium();
  try {
    // Demo world: every node of the root instance.
    {
      const server = await startBrowserServer({ port: 0, world: 'demo', rendererDir: RENDERER_DIR });
      const engine = engineClient(server);
      try {
        const snap = await engine.invoke('echo:graph.snapshot', {});
        const want = snap.nodes.filter((x) => x.warp === snap.rootWarp).length;
        const edges = snap.edges.filter((x) => x.warp === snap.rootWarp).length;
        log(`studio b: first render, demo world (${want} nodes, ${edges} edges), ${sz.firstDemo} page loads`);
        const { ms, mode } = await firstRender(context, server, want, sz.firstDemo, {});
        fig(r, 'studio.first.demo', `first render, demo world (${want} nodes + ${edges} edges, mode ${mode})`, 'ms', summarize(ms));
      } finally {
        engine.close();
        await server.close();
      }
    }
    // 5,001 elements: motion n = 2,500.
    {
      const n = STUDIO.fiveK;
      const server = await startBrowserServer({ port: 0, world: 'motion', params: { n: String(n) }, rendererDir: RENDERER_DIR });
      const engine = engineClient(server);
      try {
        const snap = await engine.invoke('echo:graph.snapshot', {});
        const nodes = snap.nodes.filter((x) => x.warp === snap.rootWarp);
        const edges = snap.edges.filter((x) => x.warp === snap.rootWarp);
        const total = nodes.length + edges.length;
        // What the canvas shows by default: the renderer's own visible-set rule, focus = the root.
        const v = visibleNodes(nodes, edges, { threshold: DEFAULT_THRESHOLD, showAll: false, hops: DEFAULT_HOPS, focus: [elementKey(snap.rootWarp, snap.rootNode)] });
        const shownEdges = edges.filter((e) => v.nodes.has(elementKey(e.warp, e.from)) && v.nodes.has(elementKey(e.warp, e.to))).length;
        log(`studio b: first render, motion n=${n} (${total} elements), default view (${v.mode}: ${v.nodes.size} nodes), ${sz.first5k} page loads`);
        const def = await firstRender(context, server, v.nodes.size, sz.first5k, {});
        fig(
          r,
          'studio.first.5k.default',
          `first render, ${total.toLocaleString('en-US')} elements, default view (${def.mode} mode: ${v.nodes.size} nodes + ${shownEdges} edges drawn, threshold ${DEFAULT_THRESHOLD})`,
          'ms',
          summarize(def.ms),
        );
        log(`studio b: first render, motion n=${n}, threshold raised to 10000 (all ${total} elements), ${sz.first5k} page loads`);
        const all = await firstRender(context, server, nodes.length, sz.first5k, { 'echo.focusThreshold': '10000' });
        fig(r, 'studio.first.5k.all', `first render, ${total.toLocaleString('en-US')} elements, all drawn (${all.mode} mode, threshold raised to 10,000)`, 'ms', summarize(all.ms));
        r.notes.push(
          `Studio b: navigation start → first cytoscape frame after the canvas reported the expected node count (fresh page per sample, same browser: assets may come from its cache). The 5,001-element graph is the motion world at n=${n}; by default (threshold ${DEFAULT_THRESHOLD} elements) the canvas shows ${v.mode} mode with ${v.nodes.size + shownEdges} elements.`,
        );
      } finally {
        engine.close();
        await server.close();
      }
    }
  } finally {
    await close();
  }
}

// ------------------------------------------------------------------ c. frames while playing

interface FrameProbe {
  frames: number[];
  long: Array<[number, number]>;
  input: Array<[string, number]>;
  end: number;
}

/** Page side: rAF timestamps, Long Tasks, and input latency (event timestamp → capture listener). */
const INSTALL_FRAME_PROBE = `(() => {
  const st = { frames: [], long: [], input: [], running: true };
  window.__echoFrames = st;
  const loop = (t) => { st.frames.push(t); if (st.running) requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  new PerformanceObserver((l) => { for (const e of l.getEntries()) st.long.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
  const onInput = (e) => st.input.push([e.type, performance.now() - e.timeStamp]);
  window.addEventListener('keydown', onInput, true);
  window.addEventListener('pointerdown', onInput, true);
  return performance.now();
})()`;
const STOP_FRAME_PROBE = `(() => {
  const st = window.__echoFrames;
  st.running = false;
  return { frames: st.frames, long: st.long, input: st.input, end: performance.now() };
})()`;

function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function measureFrames(r: JobResult, sz: Sizes): Promise<void> {
  const n = sz.frameN;
  const label = sizeLabel(n);
  log(`studio c: motion world n=${n}: starting the host and loading the page`);
  const t0 = performance.now();
  const server = await startBrowserServer({ port: 0, world: 'motion', params: { n: String(n) }, rendererDir: RENDERER_DIR });
  // Ticks the engine completes, counted from the host's own events (no second client decoding them).
  let engineTicks = 0;
  const offTicks = server.client.onEvent((ch) => {
    if (ch === 'echo:tick') engineTicks++;
  });
  const { page, close } = await launchChromium();
  try {
    await shimNames(page);
    await page.goto(server.url);
    await waitAttr(page, 'app-shell', 'data-loaded', 'true', 600_000);
    await until(async () => Number((await page.locator(tid('graph-canvas')).getAttribute('data-nodes')) ?? 0) > 0, 600_000, 'the graph to be drawn', 200);
    const canvas = page.locator(tid('graph-canvas'));
    const shown = { nodes: await canvas.getAttribute('data-nodes'), edges: await canvas.getAttribute('data-edges'), mode: await canvas.getAttribute('data-mode') };
    const loadS = (performance.now() - t0) / 1000;
    log(`studio c: loaded in ${loadS.toFixed(1)} s (canvas: ${shown.mode} mode, ${shown.nodes} nodes + ${shown.edges} edges); playing at full speed`);
    await sleep(1000);
    const before = (await measures(page, 'echo:delta-apply')).length;
    const tick0 = Number(await page.locator(tid('tick')).getAttribute('data-tick'));
    const windowStart = (await page.evaluate(INSTALL_FRAME_PROBE)) as number;
    const ticksBefore = engineTicks;
    // Full speed: the fastest rate the speed menu offers, then play.
    const speeds = await Promise.all((await page.locator(`${tid('speed')} option`).all()).map(async (o) => Number(await o.getAttribute('value'))));
    const fastest = Math.max(...speeds);
    await page.locator(tid('speed')).selectOption(String(fastest));
    await page.locator(tid('play')).click();
    await waitAttr(page, 'play', 'aria-pressed', 'true', 30_000);
    const box = (await page.locator(tid('canvas-count')).boundingBox())!;
    const wStart = Date.now();
    let probes = 0;
    let applied = 0;
    for (;;) {
      // Input probes: a key without a shortcut and a click on plain text.
      if (probes % 2 === 0) await page.keyboard.press('Shift');
      else await page.mouse.click(box.x + 2, box.y + box.height / 2);
      probes++;
      await sleep(200);
      const elapsed = Date.now() - wStart;
      // Ticks the page has shown (a motion tick's delta lists no graph record: nothing to draw).
      if (probes % 5 === 0) applied = Number(await page.locator(tid('tick')).getAttribute('data-tick')) - tick0;
      if (elapsed >= sz.frameWindowMs && applied >= sz.frameMinTicks) break;
      if (elapsed >= sz.frameMaxWindowMs) {
        r.notes.push(`Studio c: the window was capped at ${sz.frameMaxWindowMs / 1000} s with ${applied} ticks shown by the page (fewer than ${sz.frameMinTicks}).`);
        break;
      }
    }
    const data = (await page.evaluate(STOP_FRAME_PROBE)) as FrameProbe;
    const ticksDone = engineTicks - ticksBefore;
    const tick1 = Number(await page.locator(tid('tick')).getAttribute('data-tick'));
    const deltas = (await measures(page, 'echo:delta-apply')).slice(before);
    const windowS = (data.end - windowStart) / 1000;
    await page
      .locator(tid('play'))
      .click({ timeout: 5_000 })
      .catch(() => undefined);

    const { sliceMax, gaps } = gapMaxPerSecond(data.frames, windowStart);
    fig(r, `studio.frame.gapMax.${label}`, `longest frame gap per 1 s while playing n=${label} (rAF; ${gaps.length} frames in ${windowS.toFixed(1)} s)`, 'ms', summarize(sliceMax));
    fig(r, `studio.frame.gapP99.${label}`, `p99 frame gap while playing n=${label} (all ${gaps.length} frames)`, 'ms', single(percentile(gaps, 99)));
    const longMs = taskAndInputFigures(r, data, `studio.frame`, label, `while playing n=${label}`, 'key presses and clicks');
    fig(r, `studio.frame.ticks.${label}`, `engine ticks completed during the ${windowS.toFixed(0)} s window, n=${label} (page showed ${tick1 - tick0} ticks, drew ${deltas.length} deltas)`, 'count', single(ticksDone));
    const dText = deltas.map((d) => `${d.detail?.ops ?? '?'} ops via ${d.detail?.path}/${d.detail?.mode} in ${round(d.duration, 1)} ms`).join('; ');
    r.notes.push(
      `Studio c: motion world n=${n} (page load ${loadS.toFixed(0)} s; canvas ${shown.mode} mode with ${shown.nodes} nodes + ${shown.edges} edges), playing at ×${fastest}/s for ${windowS.toFixed(1)} s: the engine completed ${ticksDone} ticks, the page showed tick ${tick0} → ${tick1}; deltas applied by the page: ${dText || 'none'}; long tasks: ${longMs.length ? longMs.map((x) => round(x, 0)).join(', ') + ' ms' : 'none'}.`,
    );
  } finally {
    offTicks();
    await close();
    await server.close();
  }
}

/** Per-second maxima of the rAF gaps in `frames` (ms timestamps), from `start`. */
function gapMaxPerSecond(frames: readonly number[], start: number): { sliceMax: number[]; gaps: number[] } {
  const gaps: number[] = [];
  const slices = new Map<number, number[]>();
  for (let i = 1; i < frames.length; i++) {
    const g = frames[i]! - frames[i - 1]!;
    gaps.push(g);
    const s = Math.floor((frames[i]! - start) / 1000);
    (slices.get(s) ?? slices.set(s, []).get(s)!).push(g);
  }
  return { sliceMax: [...slices.values()].map((g) => Math.max(...g)), gaps };
}

/**
 * The long-task and input-latency figures of a frame probe (`${prefix}.longTask.${size}`,
 * `${prefix}.input.${size}`); returns the long-task durations.
 */
function taskAndInputFigures(r: JobResult, data: FrameProbe, prefix: string, size: string, during: string, inputs: string): number[] {
  const longMs = data.long.map(([, d]) => d);
  fig(r, `${prefix}.longTask.${size}`, `long tasks ${during}: ${longMs.length} (durations; 0 = none)`, 'ms', longMs.length ? summarize(longMs) : single(0));
  const inputMs = data.input.map(([, d]) => d);
  fig(r, `${prefix}.input.${size}`, `input latency ${during} (${inputMs.length} ${inputs}, event → listener)`, 'ms', inputMs.length ? summarize(inputMs) : single(NaN));
  return longMs;
}

async function measureStep(r: JobResult, sz: Sizes): Promise<void> {
  const n = sz.stepN;
  const k = sizeLabel(n);
  log(`studio d: demo world, a ${n}-tick step from the UI`);
  const server = await startBrowserServer({ port: 0, world: 'demo', rendererDir: RENDERER_DIR });
  let hostTicks = 0;
  let hostLastAt = 0;
  const offTicks = server.client.onEvent((ch) => {
    if (ch !== 'echo:tick') return;
    hostTicks++;
    hostLastAt = performance.now();
  });
  const { page, close } = await launchChromium();
  try {
    await shimNames(page);
    await page.goto(server.url);
    await waitAttr(page, 'app-shell', 'data-loaded', 'true', 120_000);
    const tick0 = Number(await page.locator(tid('tick')).getAttribute('data-tick'));
    await page.locator(tid('step-n-input')).fill(String(n));
    const windowStart = (await page.evaluate(INSTALL_FRAME_PROBE)) as number;
    const hostBefore = hostTicks;
    const t0 = performance.now();
    await page.locator(tid('step-n')).click();
    const rtt: number[] = [];
    let shown = tick0;
    for (let probe = 0; ; probe++) {
      const a = performance.now();
      shown = (await page.evaluate(`Number(document.querySelector('[data-testid="tick"]')?.getAttribute('data-tick'))`)) as number;
      rtt.push(performance.now() - a);
      if (shown >= tick0 + n) break;
      if (performance.now() - t0 > sz.stepMaxMs) {
        r.notes.push(`Studio d: stopped waiting after ${sz.stepMaxMs / 1000} s with the page at tick ${shown} of ${tick0 + n}.`);
        break;
      }
      if (probe % 2 === 0) await page.keyboard.press('Shift');
      await sleep(50);
    }
    const shownAt = performance.now();
    const data = (await page.evaluate(STOP_FRAME_PROBE)) as FrameProbe;
    const hostDone = hostTicks - hostBefore;
    const { sliceMax, gaps } = gapMaxPerSecond(data.frames, windowStart);
    const seconds = (shownAt - t0) / 1000;
    fig(r, `studio.step.gapMax.${k}`, `longest frame gap per 1 s during a ${k}-tick step, demo world (rAF; ${gaps.length} frames in ${seconds.toFixed(1)} s)`, 'ms', summarize(sliceMax));
    const longMs = taskAndInputFigures(r, data, `studio.step`, k, `during a ${k}-tick step`, 'key presses');
    fig(r, `studio.step.rtt.${k}`, `page round trip during a ${k}-tick step (${rtt.length} page.evaluate calls: queued behind the page's tasks, like a click)`, 'ms', summarize(rtt));
    fig(r, `studio.step.lag.${k}`, `page showed the last tick after the host sent it, ${k}-tick step (polled every ~50 ms)`, 'ms', single(Math.max(0, shownAt - hostLastAt)));
    fig(r, `studio.step.rate.${k}`, `ticks per second shown during a ${k}-tick step (${shown - tick0} ticks in ${seconds.toFixed(1)} s)`, 'count', single((shown - tick0) / seconds));
    r.notes.push(
      `Studio d: demo world, step ${n} from the UI: the host streamed ${hostDone} ticks; the page showed tick ${tick0} → ${shown} in ${seconds.toFixed(1)} s; long tasks: ${longMs.length ? longMs.map((x) => round(x, 0)).join(', ') + ' ms' : 'none'}.`,
    );
  } finally {
    offTicks();
    await close();
    await server.close();
  }
}

// ------------------------------------------------------------------ entry

export async function runStudio(quick: boolean, r: JobResult): Promise<void> {
  const sz = quick ? STUDIO.quick : STUDIO.full;
  if (!chromiumAvailable()) {
    const why = `SKIPPED: ${CHROMIUM} is missing (scripts/ensure-chromium.sh installs it)`;
    log(`studio: ${why}`);
    for (const f of studioFigureIds(quick)) r.unavailable.push({ id: f.id, label: f.label, reason: why, status: why });
    r.notes.push(`Studio: ${why}; no figure measured.`);
    return;
  }
  r.notes.push(`Studio: ${ensureRendererBuilt()}; Chromium ${CHROMIUM} (headless, --disable-gpu: software rendering).`);
  await measureDelta(r, sz);
  await measureFirstRender(r, sz);
  await measureFrames(r, sz);
  await measureStep(r, sz);
}
