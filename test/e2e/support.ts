/**
 * E2E helpers: Debian Chromium through playwright-core (scripts/chromium.ts, shared with the
 * Studio bench), screenshots under test-results/screenshots/, and a second WebSocket client
 * that asks the engine host directly, so the page's displayed hashes are compared with the engine's.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { startBrowserServer, type BrowserServer } from '../../main/browser/server'
import { launchChromium } from '../../scripts/chromium'
import { WebSocket } from 'ws'
import type { EchoBridge, Hex, TimelineDto } from '../../engine/contract/index'
import { createWsBridge, type WebSocketLike, type WsBridge } from '../../renderer/bridge/wsBridge'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const RENDERER_DIR = join(ROOT, 'out', 'renderer')
export const SHOTS = join(ROOT, 'test-results', 'screenshots')
export { CHROMIUM, LAUNCH_ARGS, launchChromium } from '../../scripts/chromium'

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true })
  const path = join(SHOTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** A second client of the same host, over the same WebSocket protocol the page uses. */
export function engineClient(server: { port: number; token: string; origin: string }): WsBridge {
  const connect = (u: string) => new WebSocket(u, { origin: server.origin }) as unknown as WebSocketLike
  return createWsBridge(`ws://127.0.0.1:${server.port}/ws`, server.token, { connect })
}

/** The engine's head of `branch` (default: the active one). */
export async function engineHead(engine: EchoBridge, branch?: string): Promise<{ head: Hex | null; tick: number; timeline: TimelineDto }> {
  const timeline = await engine.invoke('echo:timeline.get', {})
  const b = timeline.branches.find((x) => x.name === (branch ?? timeline.active))!
  return { head: b.head, tick: b.tick, timeline }
}

/** First-parent chain of a head, oldest first. */
export function chain(t: TimelineDto, head: Hex | null): Hex[] {
  const by = new Map(t.commits.map((c) => [c.commit, c]))
  const out: Hex[] = []
  for (let cur = head; cur; cur = by.get(cur)?.parents[0] ?? null) out.push(cur)
  return out.reverse()
}

export const tid = (id: string) => `[data-testid="${id}"]`

/**
 * Page probes bound to whatever page `current()` returns (suites assign their page in beforeAll):
 * wait for an attribute value, poll a condition (page-side string predicates would break the
 * page's CSP, which bans eval), read an attribute or text by test id.
 */
export function pageProbes(current: () => Page) {
  return {
    async attrIs(testid: string, attr: string, value: string | number, timeout = 15_000): Promise<void> {
      await current().waitForSelector(`${tid(testid)}[${attr}="${value}"]`, { timeout })
    },
    async until(cond: () => Promise<boolean>, timeout = 15_000, everyMs = 50): Promise<void> {
      const end = Date.now() + timeout
      while (!(await cond())) {
        if (Date.now() > end) throw new Error('timed out waiting for a condition')
        await new Promise((r) => setTimeout(r, everyMs))
      }
    },
    attr: async (testid: string, name: string) => (await current().locator(tid(testid)).first().getAttribute(name)) ?? '',
    text: async (testid: string) => (await current().locator(tid(testid)).first().textContent()) ?? '',
  }
}

/**
 * One suite's Studio: browser mode on `world` (port 0), a second engine client, and the page
 * loaded (app shell ready) with page errors collected into `pageErrors`. `close()` tears it down.
 */
export async function openStudio(
  world: { world: string; params?: Record<string, string> },
  pageErrors: string[],
): Promise<{ server: BrowserServer; engine: WsBridge; context: BrowserContext; page: Page; close(): Promise<void> }> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` (npm run test:e2e does)')
  const server = await startBrowserServer({ port: 0, ...world, rendererDir: RENDERER_DIR })
  const engine = engineClient(server)
  const { context, page } = await launchChromium()
  page.setDefaultTimeout(10_000)
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(server.url)
  await page.waitForSelector(`${tid('app-shell')}[data-loaded="true"]`, { timeout: 30_000 })
  return {
    server,
    engine,
    context,
    page,
    async close() {
      await context.close()
      engine.close()
      await server.close()
    },
  }
}
