/**
 * Echo Studio end to end, editing and long operations (issue 7): the built renderer in headless
 * Debian Chromium against browser mode and a real engine host. Every assertion compares what the
 * page shows (data-testid attributes and text) with what the engine reports to a second client.
 *
 * Walks: edge inspector (record, decoded β, provenance) → attachment edits by codec and by hex →
 * add a child node → delete a node and an edge → ingest an intent → edits refused while viewing
 * history → cancel a 10,000-tick step 1,000 ticks into it → the dind world (footprints
 * unchecked) steps. After each commit: the page shows the engine's head, the badge is green and
 * the whole branch replay-verifies. Screenshots: test-results/screenshots/edit-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import type { BrowserServer } from '../../main/browser/server'
import type { WsBridge } from '../../renderer/bridge/wsBridge'
import { engineHead, openStudio, pageProbes, shot, tid } from './support'

let server: BrowserServer
let engine: WsBridge
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

const { attrIs, until, attr, text } = pageProbes(() => page)

/** The page shows the engine's head of the active branch, the badge is green, and the branch verifies. */
async function expectInSyncAndVerified(): Promise<{ head: string; tick: number }> {
  const { head, tick } = await engineHead(engine)
  await attrIs('commit-hash', 'data-commit', head ?? '')
  await attrIs('tick', 'data-tick', tick)
  await attrIs('sync-badge', 'data-level', 'ok')
  const v = await engine.invoke('echo:timeline.verify', {})
  expect(v).toMatchObject({ ok: true, count: tick })
  return { head: head ?? '', tick }
}

async function expectCanvasShowsEngine(): Promise<void> {
  const snap = await engine.invoke('echo:graph.snapshot', {})
  await attrIs('graph-canvas', 'data-nodes', snap.nodes.filter((n) => n.warp === snap.rootWarp).length)
  expect(Number(await attr('graph-canvas', 'data-edges'))).toBe(snap.edges.filter((e) => e.warp === snap.rootWarp).length)
}

async function blurInputs(): Promise<void> {
  await page.locator(tid('topbar')).click({ position: { x: 2, y: 2 } })
}

async function selectBySearch(label: string): Promise<void> {
  await page.locator(tid('search')).fill(label)
  await page.locator(tid('search')).press('Enter')
  await page.waitForSelector(`${tid('node-title')}:text-is("${label}")`)
  await page.locator(tid('search')).fill('')
}

beforeAll(async () => {
  ;({ server, engine, context, page } = await openStudio({ world: 'demo' }, pageErrors))
})

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && page) await shot(page, `FAILED-edit-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined)
})

afterAll(async () => {
  await context?.close()
  engine?.close()
  await server?.close()
})

describe.sequential('Echo Studio, editing and long operations', () => {
  it('shows the world footprint mode; steps to tick 3 in sync', async () => {
    await attrIs('footprint-mode', 'data-strict', 'true')
    expect(await text('footprint-mode')).toBe('strict')
    await page.locator(tid('step-n-input')).fill('3')
    await page.locator(tid('step-n')).click()
    await attrIs('tick', 'data-tick', 3)
    await expectInSyncAndVerified()
  })

  it('edge inspector: record, no β, empty provenance; a β set through the demo/heat codec shows decoded, with its provenance row', async () => {
    await selectBySearch('demo/world')
    const snap = await engine.invoke('echo:graph.snapshot', {})
    const edge = snap.edges.find((e) => e.label === 'demo/world->cell-0-0')!
    await page.locator(`${tid('edge-link')}[data-edge="${edge.id}"]`).click()
    await attrIs('edge-detail', 'data-edge', edge.id)
    expect(await text('edge-title')).toBe('edge demo/world->cell-0-0')
    await page.waitForSelector(`${tid('edge-detail')} ${tid('provenance')}`, { state: 'attached' })
    expect(await page.locator(`${tid('edge-detail')} ${tid('provenance-row')}`).count()).toBe(0)

    const before = await engineHead(engine)
    await page.locator(tid('edit-codec')).selectOption('demo/heat')
    await page.locator(tid('edit-json')).fill('{"heat": 9}')
    await page.locator(tid('edit-attachment-apply')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    const { head } = await expectInSyncAndVerified()
    const q = await engine.invoke('echo:query.edge', { warp: edge.warp, id: edge.id })
    expect(q.edge.attachment).toMatchObject({ codec: 'demo/heat', decoded: { heat: 9 }, hex: '09000000' })
    await page.waitForSelector(`${tid('edge-detail')} ${tid('attachment-decoded')}`)
    expect(JSON.parse(await page.locator(`${tid('edge-detail')} ${tid('attachment-decoded')}`).textContent() ?? 'null')).toEqual({ heat: 9 })
    await page.waitForSelector(`${tid('edge-detail')} ${tid('provenance-row')}[data-commit="${head}"]`)
    expect(await page.locator(`${tid('edge-detail')} ${tid('provenance')}`).textContent()).toContain('direct edit (setEdgeAttachment)')
    // The edit is the commit's first input (the demo driver may ingest its own pump intent after it).
    expect((await engine.invoke('echo:tick.detail', { commit: head })).inputs[0]).toBe('setEdgeAttachment')
    await shot(page, 'edit-01-edge-beta-by-codec')
  })

  it('a node α set as raw type id + hex, then cleared; each is one verified commit', async () => {
    await selectBySearch('demo/world')
    const typeId = 'ab'.repeat(32)
    await page.locator(tid('edit-codec')).selectOption('')
    await page.locator(tid('edit-typeid')).fill(typeId)
    await page.locator(tid('edit-hex')).fill('cafe01')
    const before = await engineHead(engine)
    await page.locator(tid('edit-attachment-apply')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    await expectInSyncAndVerified()
    await page.waitForSelector(`${tid('node-detail')} ${tid('attachment-hex')}:has-text("cafe01")`)
    const snap = await engine.invoke('echo:graph.snapshot', {})
    const root = { warp: snap.rootWarp, id: snap.rootNode }
    expect((await engine.invoke('echo:query.node', root)).node.attachment).toMatchObject({ typeId, hex: 'cafe01', length: 3 })
    await shot(page, 'edit-02-node-alpha-hex')
    await page.locator(tid('edit-attachment-clear')).click()
    await attrIs('tick', 'data-tick', before.tick + 2)
    await expectInSyncAndVerified()
    expect((await engine.invoke('echo:query.node', root)).node.attachment).toBeNull()
  })

  it('adds a child node (node + edge in one commit): it appears on the canvas, reachable and labelled', async () => {
    await selectBySearch('demo/world')
    await page.locator(tid('add-child-name')).fill('probe')
    await page.locator(tid('add-child-type')).fill('user/probe')
    const before = await engineHead(engine)
    await page.locator(tid('add-child-apply')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    await expectInSyncAndVerified()
    const snap = await engine.invoke('echo:graph.snapshot', {})
    const probe = snap.nodes.find((n) => n.label === 'probe')!
    expect(probe).toMatchObject({ typeLabel: 'user/probe', reachable: true })
    expect(snap.edges.some((e) => e.from === snap.rootNode && e.to === probe.id)).toBe(true)
    await expectCanvasShowsEngine()
    await selectBySearch('probe')
    await shot(page, 'edit-03-added-child')
  })

  it('deletes a node (with its edges) and an edge; the canvas follows the engine through the tick stream', async () => {
    await selectBySearch('particle-3')
    const snap0 = await engine.invoke('echo:graph.snapshot', {})
    const particle = snap0.nodes.find((n) => n.label === 'particle-3')!
    let before = await engineHead(engine)
    await page.locator(tid('delete-node')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    await expectInSyncAndVerified()
    const snap1 = await engine.invoke('echo:graph.snapshot', {})
    expect(snap1.nodes.some((n) => n.id === particle.id)).toBe(false)
    expect(snap1.edges.some((e) => e.from === particle.id || e.to === particle.id)).toBe(false)
    await expectCanvasShowsEngine()
    expect(await page.locator(tid('node-detail')).count()).toBe(0)

    await selectBySearch('cell-0-0')
    const adj = snap1.edges.find((e) => e.label === 'demo/adj-0-0-h')!
    await page.locator(`${tid('edge-link')}[data-edge="${adj.id}"]`).click()
    await attrIs('edge-detail', 'data-edge', adj.id)
    before = await engineHead(engine)
    await page.locator(tid('delete-edge')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    await expectInSyncAndVerified()
    expect((await engine.invoke('echo:graph.snapshot', {})).edges.some((e) => e.id === adj.id)).toBe(false)
    await expectCanvasShowsEngine()
    await shot(page, 'edit-04-deleted-node-and-edge')
  })

  it('ingests an intent typed as text: committed as the next tick, recorded as its input, still verified', async () => {
    await selectBySearch('demo/world')
    await page.locator(tid('intent-input')).fill('hello from e2e')
    const before = await engineHead(engine)
    await page.locator(tid('intent-ingest')).click()
    await attrIs('tick', 'data-tick', before.tick + 1)
    const { head } = await expectInSyncAndVerified()
    const inputs = (await engine.invoke('echo:tick.detail', { commit: head })).inputs
    expect(inputs[0]).toBe('ingestIntent')
    await page.waitForSelector(`${tid('toast')}:has-text("Ingested")`)
    await shot(page, 'edit-05-intent-ingested')
    const det = await engine.invoke('echo:determinism.check', {})
    expect(det.agree).toBe(true)
  })

  it('viewing history: edit controls are disabled (edits apply at the head); back at the head they work again', async () => {
    await selectBySearch('demo/world')
    await blurInputs()
    await page.keyboard.press('ArrowLeft')
    const { tick } = await engineHead(engine)
    await attrIs('tick', 'data-tick', tick - 1)
    await page.waitForSelector(`${tid('edit-attachment-apply')}[disabled]`)
    expect(await page.locator(tid('delete-node')).isDisabled()).toBe(true)
    expect(await page.locator(tid('intent-ingest')).isDisabled()).toBe(true)
    await shot(page, 'edit-06-history-edits-disabled')
    const { head } = await engineHead(engine)
    await page.locator(tid('scrub-forward')).click()
    await attrIs('commit-hash', 'data-commit', head ?? '')
    await page.waitForSelector(`${tid('edit-attachment-apply')}:not([disabled])`)
  })

  it('cancels a 10,000-tick step deep into it: the page keeps up with the stream, Cancel answers, typed Cancelled toast, committed ticks stay, in sync and verified', async () => {
    const before = await engineHead(engine)
    await page.locator(tid('step-n-input')).fill('10000')
    await page.locator(tid('step-n')).click()
    await page.waitForSelector(tid('ops-bar'))
    // Thousands of tick events stream in while the step runs. Cancel is clicked only after the page
    // has shown 1,000 of them (each event handled per message made it wait behind every queued render).
    await until(async () => Number(await attr('op', 'data-done')) >= 1_000, 120_000)
    await shot(page, 'edit-07-step-progress')
    await page.locator(tid('op-cancel')).click()
    await page.waitForSelector(`${tid('toast')}:has-text("cancelled")`)
    await page.waitForSelector(tid('ops-bar'), { state: 'detached' })
    const { tick } = await expectInSyncAndVerified()
    expect(tick).toBeGreaterThan(before.tick + 1_000)
    expect(tick).toBeLessThan(before.tick + 10_000)
    // The scrubber keeps one mark per kind and place however long the chain: rejections are binned.
    const rejected = page.locator(tid('mark-rejected'))
    expect(await rejected.count()).toBeLessThanOrEqual(240)
    const counts = await rejected.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))
    expect(Math.max(...counts)).toBeGreaterThan(1)
    await shot(page, 'edit-08-step-cancelled')
    // The diff pickers list the latest 300 commits (plus U0 and the picked ones); the profile charts the last 500.
    await page.locator(tid('tab-diff')).click()
    await page.waitForSelector(tid('diff-a'))
    expect(await page.locator(`${tid('diff-a')} option`).count()).toBeLessThanOrEqual(1 + 300 + 2)
    await page.locator(tid('tab-profile')).click()
    await attrIs('profile-chart', 'data-points', 500, 30_000)
    expect(await text('profile-range')).toContain(`(the last 500 of ${tick})`)
    await shot(page, 'edit-08b-long-history-profile')
    await page.locator(tid('tab-node')).click()
  }, 240_000) // real work: ~1,000 streamed ticks, then a replay-verify of all of them

  it('the dind world opts out of strict footprints: labelled "unchecked", and it steps (toast rule included) in sync', async () => {
    await page.locator(tid('world-select')).selectOption('dind')
    await attrIs('footprint-mode', 'data-strict', 'false')
    expect(await text('footprint-mode')).toBe('unchecked')
    await attrIs('tick', 'data-tick', 0)
    await page.locator(tid('step-n-input')).fill('12')
    await page.locator(tid('step-n')).click()
    await attrIs('tick', 'data-tick', 12)
    await expectInSyncAndVerified()
    const chainRules = await engine.invoke('echo:tick.step', { n: 1 })
    expect(chainRules).toHaveLength(1)
    await attrIs('tick', 'data-tick', 13)
    await shot(page, 'edit-09-dind-unchecked-steps')
    expect(pageErrors).toEqual([])
  })
})
