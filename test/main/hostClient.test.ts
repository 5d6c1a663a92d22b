/** The host worker thread behind HostClient: relays requests, pushes events, survives a crash. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventChannel, TickEventDto, TickSummaryDto } from '../../engine/contract/index'
import { HostClient } from '../../main/ipc/hostClient'

let client: HostClient
beforeAll(async () => {
  client = await HostClient.start({ world: 'demo' })
}, 30_000)
afterAll(async () => {
  await client?.close()
})

describe('HostClient', () => {
  it('starts a worker on the demo world', () => {
    expect(client.world?.name).toBe('demo')
  })

  it('relays a request and resolves with the host reply; events arrive before the reply', async () => {
    const events: Array<[EventChannel, unknown]> = []
    const off = client.onEvent((ch, p) => events.push([ch, p]))
    const r = await client.invoke('echo:tick.step', { n: 3 })
    off()
    expect(r.ok).toBe(true)
    const summaries = (r as { value: TickSummaryDto[] }).value
    const ticks = events.filter(([c]) => c === 'echo:tick').map(([, p]) => p as TickEventDto)
    expect(ticks.map((t) => t.summary.commit)).toEqual(summaries.map((s) => s.commit))
    expect(ticks.map((t) => t.seq)).toEqual([1, 2, 3])
  })

  it('answers unknown channels itself and malformed payloads through the host validator', async () => {
    expect(await client.invoke('echo:rm -rf', {})).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
    expect(await client.invoke(42, {})).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
    expect(await client.invoke('echo:tick.step', { n: 1e9 })).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
    expect(await client.invoke('echo:tick.step', { n: 1, extra: 1 })).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
  })

  it('a payload that cannot be cloned is a BadRequest, not a throw', async () => {
    expect(await client.invoke('echo:tick.step', { n: () => 1 })).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
  })

  it('keeps serving concurrent requests in order of their ids', async () => {
    const replies = await Promise.all([client.invoke('echo:world.info', {}), client.invoke('echo:timeline.get', {}), client.invoke('echo:tick.pause', {})])
    expect(replies.map((r) => r.ok)).toEqual([true, true, true])
  })

  it('cancels a long step in the busy worker through the shared cancel ring: typed Cancelled, committed ticks stay and verify', async () => {
    const progress: Array<{ op: string; done: number; total: number }> = []
    let cancelReply: Promise<unknown> | null = null
    const off = client.onEvent((ch, p) => {
      if (ch !== 'echo:op.progress') return
      progress.push(p as { op: string; done: number; total: number })
      // The worker is inside a synchronous 10,000-tick loop: the cancel must not need its event loop.
      cancelReply ??= client.invoke('echo:op.cancel', { op: 'long-step' })
    })
    const before = await client.invoke('echo:timeline.get', {})
    const r = await client.invoke('echo:tick.step', { n: 10_000, op: 'long-step' })
    off()
    expect(await cancelReply).toEqual({ ok: true, value: { cancelled: true } })
    expect(r).toMatchObject({ ok: false, error: { code: 'Cancelled' } })
    expect(progress[0]).toMatchObject({ op: 'long-step', total: 10_000 })
    const after = await client.invoke('echo:timeline.get', {})
    const tick = (t: typeof after) => (t.ok ? (t.value as unknown as { branches: Array<{ name: string; tick: number }> }).branches.find((b) => b.name === 'main')!.tick : -1)
    expect(tick(after)).toBeGreaterThanOrEqual(tick(before))
    expect(tick(after)).toBeLessThan(tick(before) + 10_000)
    expect(await client.invoke('echo:timeline.verify', {})).toMatchObject({ ok: true, value: { ok: true } })
    // Nothing pending carries that op any more; a malformed cancel is a BadRequest answered by the client.
    expect(await client.invoke('echo:op.cancel', { op: 'long-step' })).toEqual({ ok: true, value: { cancelled: false } })
    expect(await client.invoke('echo:op.cancel', { op: '' })).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
  }, 30_000)

  it('after a worker crash, pending requests fail with HostCrashed and a fresh worker serves the world again', async () => {
    const events: string[] = []
    const off = client.onEvent((ch, p) => events.push(`${ch}:${(p as { code?: string }).code ?? ''}`))
    const pending = client.invoke('echo:determinism.check', {})
    await client.crashForTest()
    const r = await pending
    expect(r.ok === false ? r.error.code : 'ok').toMatch(/HostCrashed|ok/)
    expect(events).toContain('echo:error:HostCrashed')
    const info = await client.invoke('echo:world.info', {})
    off()
    expect(info).toMatchObject({ ok: true, value: { name: 'demo' } })
  })

  it('gives up after maxRespawns crashes and answers HostCrashed instead of hanging', async () => {
    const c = await HostClient.start({ world: 'demo', maxRespawns: 0 })
    await c.crashForTest()
    expect(await c.invoke('echo:world.info', {})).toMatchObject({ ok: false, error: { code: 'HostCrashed' } })
    await c.close()
  })

  it('a start-up world that fails to load rejects start() with its typed code', async () => {
    await expect(HostClient.start({ world: '/nonexistent/world.ts' })).rejects.toMatchObject({ code: 'NotFound' })
  })

  it('close() answers later requests with HostClosed (runs last: closes the shared client)', async () => {
    await client.close()
    expect(await client.invoke('echo:world.info', {})).toMatchObject({ ok: false, error: { code: 'HostClosed' } })
  })
})
