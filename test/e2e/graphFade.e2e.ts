/**
 * Graph view, removed elements fade (PRODUCT.md "removed ones fade"): the churn world
 * (bench/worlds/churn.ts) replaces items every tick, so each delta removes nodes and edges. In
 * headless Chromium, a removal must show fading elements (`data-fading` on the canvas) that then
 * go, while `data-nodes`/`data-edges` keep matching the engine's counts; a fast tick stream never
 * piles up more than MAX_GHOSTS of them. Attribute changes are logged in the page by a
 * MutationObserver, so no state between two polls is missed. Screenshot:
 * test-results/screenshots/fade-*.png.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startBrowserServer, type BrowserServer } from '../../main/browser/server'
import type { WsBridge } from '../../renderer/bridge/wsBridge'
import { MAX_GHOSTS } from '../../renderer/graph/canvasView'
import { RENDERER_DIR, ROOT, engineClient, launchChromium, pageProbes, shot, tid } from './support'

const N = 200
const REPLACE = 100
let server: BrowserServer
let engine: WsBridge
let page: Page
let closeBrowser: () => Promise<void>
const pageErrors: string[] = []

interface Rec {
  t: number
  nodes: number
  edges: number
  fading: number
}

/** Page side (plain JS: no DOM types here): log every change of the canvas's count attributes. */
const START_LOG = `(() => {
  const el = document.querySelector('[data-testid="graph-canvas"]');
  const log = (window.__fadeLog = []);
  const rec = () => log.push({ t: performance.now(), nodes: Number(el.dataset.nodes), edges: Number(el.dataset.edges), fading: Number(el.dataset.fading) });
  rec();
  window.__fadeObs?.disconnect();
  window.__fadeObs = new MutationObserver(rec);
  window.__fadeObs.observe(el, { attributes: true, attributeFilter: ['data-nodes', 'data-edges', 'data-fading'] });
})()`

const readLog = async () => (await page.evaluate('window.__fadeLog')) as Rec[]
const probes = pageProbes(() => page)
const attr = probes.attr
const until = (cond: () => Promise<boolean>, timeout = 15_000) => probes.until(cond, timeout, 20)

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` (npm run test:e2e does)')
  server = await startBrowserServer({ port: 0, world: join(ROOT, 'bench', 'worlds', 'churn.ts'), params: { n: String(N), replace: String(REPLACE) }, rendererDir: RENDERER_DIR })
  engine = engineClient(server)
  const b = await launchChromium()
  page = b.page
  closeBrowser = b.close
  page.setDefaultTimeout(10_000)
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(server.url)
  await page.waitForSelector(`${tid('app-shell')}[data-loaded="true"]`, { timeout: 30_000 })
  await page.waitForSelector(`${tid('graph-canvas')}[data-nodes="${N + 1}"]`, { state: 'attached' })
})

afterAll(async () => {
  await closeBrowser?.()
  engine?.close()
  await server?.close()
})

describe.sequential('graph view: removed elements fade', () => {
  it('a tick that removes 100 nodes + 100 edges shows 200 fading elements, then they go; the counts never include them', async () => {
    expect(await attr('graph-canvas', 'data-mode')).toBe('all')
    expect(await attr('graph-canvas', 'data-fading')).toBe('0')
    await page.evaluate(START_LOG)
    await page.locator(tid('step')).click()
    await page.waitForSelector(`${tid('graph-canvas')}[data-fading="${2 * REPLACE}"]`, { state: 'attached', timeout: 5_000 })
    await shot(page, 'fade-01-removed-elements-fading')
    await page.waitForSelector(`${tid('graph-canvas')}[data-fading="0"]`, { state: 'attached', timeout: 5_000 })
    const log = await readLog()
    const up = log.findIndex((r) => r.fading === 2 * REPLACE)
    expect(up).toBeGreaterThanOrEqual(0)
    const down = log.findIndex((r, i) => i > up && r.fading === 0)
    expect(down).toBeGreaterThan(up)
    // They stayed a while (the fade), and not forever.
    expect(log[down]!.t - log[up]!.t).toBeGreaterThanOrEqual(300)
    expect(log[down]!.t - log[up]!.t).toBeLessThan(3_000)
    // Ghosts are never counted: every state the canvas reported shows the engine's graph.
    for (const r of log) expect([r.nodes, r.edges]).toEqual([N + 1, N])
    const snap = await engine.invoke('echo:graph.snapshot', {})
    expect(snap.nodes.length).toBe(N + 1)
    expect(snap.edges.length).toBe(N)
    expect(await attr('tick', 'data-tick')).toBe('1')
  })

  it('playing at full speed never piles up more than MAX_GHOSTS fading elements; a pause leaves none', async () => {
    await page.evaluate(START_LOG)
    await page.locator(tid('speed')).selectOption('60')
    await page.locator(tid('play')).click()
    await page.waitForSelector(`${tid('play')}[aria-pressed="true"]`)
    await until(async () => Number(await attr('tick', 'data-tick')) >= 8)
    await shot(page, 'fade-02-playing')
    await page.locator(tid('play')).click()
    await page.waitForSelector(`${tid('play')}[aria-pressed="false"]`)
    await page.waitForSelector(`${tid('graph-canvas')}[data-fading="0"]`, { state: 'attached', timeout: 5_000 })
    const log = await readLog()
    const max = Math.max(...log.map((r) => r.fading))
    expect(max).toBeGreaterThan(0)
    expect(max).toBeLessThanOrEqual(MAX_GHOSTS)
    for (const r of log) expect([r.nodes, r.edges]).toEqual([N + 1, N])
    expect(pageErrors).toEqual([])
  })
})
