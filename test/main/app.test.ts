/**
 * Electron main, end to end against the fake electron module and a real host worker thread:
 * handlers for exactly the contract's invoke channels, relayed invokes answered by the engine host,
 * host events forwarded with webContents.send, File menu installed, secure window opened.
 */
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { INVOKE_CHANNELS, type Reply, type TickSummaryDto, type WorldDto } from '../../engine/contract/index'
import { handlers, resetFakeElectron, sent, windows } from '../support/fake-electron'
import { extras } from './electronExtras'

vi.hoisted(() => {
  process.env['ECHO_NO_AUTOSTART'] = '1'
})
vi.mock('electron', async (importOriginal) => {
  const { withElectronExtras } = await import('./electronExtras')
  return withElectronExtras(await importOriginal<Record<string, unknown>>())
})

type AppModule = typeof import('../../main/index')
let mod: AppModule
let handle: Awaited<ReturnType<AppModule['startApp']>>
let frame: { senderFrame: { url: string } }

beforeAll(async () => {
  mod = await import('../../main/index')
  handle = await mod.startApp()
  const { RENDERER_HTML } = await import('../../main/window')
  frame = { senderFrame: { url: pathToFileURL(RENDERER_HTML).href } }
}, 30_000)

afterAll(async () => {
  await handle?.shutdown()
  resetFakeElectron()
})

async function call<T>(channel: string, payload: unknown, event: unknown = frame): Promise<Reply<never> & { value?: T }> {
  return (await handlers.get(channel)!(event, payload)) as never
}

describe('Electron main (fake electron, real host worker)', () => {
  it('does not start itself when imported with ECHO_NO_AUTOSTART=1', () => {
    expect(mod.running).toBeNull()
  })

  it('registers a handler for exactly the contract invoke channels', () => {
    expect([...handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('opens one secure window on the built renderer and installs the session policy and File menu', () => {
    expect(windows).toHaveLength(1)
    const prefs = (windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(extras.sessionCalls).toEqual(expect.arrayContaining(['setPermissionRequestHandler', 'onBeforeRequest', 'onHeadersReceived']))
    const template = (extras.menu as { template: Array<{ label?: string; submenu?: Array<{ label?: string }> }> }).template
    const file = template.find((m) => m.label === 'File')!
    expect(file.submenu!.map((i) => i.label).filter(Boolean)).toEqual(['Open World…', 'Open Session…', 'Save Session…'])
  })

  it('a relayed invoke returns the host reply (world.info on the demo world)', async () => {
    const r = await call<WorldDto>('echo:world.info', {})
    expect(r.ok).toBe(true)
    expect(r.value!.name).toBe('demo')
    expect(r.value!.rules.length).toBeGreaterThan(0)
  })

  it('tick.step runs in the worker and its echo:tick events reach the window through webContents.send', async () => {
    sent.length = 0
    const r = await call<TickSummaryDto[]>('echo:tick.step', { n: 2 })
    expect(r.ok).toBe(true)
    expect(r.value!.map((s) => s.tick)).toEqual([1, 2])
    const ticks = sent.filter((m) => m.channel === 'echo:tick')
    expect(ticks).toHaveLength(2)
    const payload = ticks[1]!.args[0] as { summary: TickSummaryDto; seq: number }
    expect(payload.summary.commit).toBe(r.value![1]!.commit)
    expect(sent.every((m) => m.channel.startsWith('echo:'))).toBe(true)
  })

  it('a malformed payload gets a typed BadRequest reply and the host keeps running', async () => {
    const before = await call<{ commits: unknown[] }>('echo:timeline.get', {})
    const bad = await call('echo:tick.step', { n: -1, __proto__: { polluted: true } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
    const after = await call<{ commits: unknown[] }>('echo:timeline.get', {})
    expect(after.value).toEqual(before.value)
  })

  it('refuses requests from other frames and world paths the user did not pick', async () => {
    expect(await call('echo:world.info', {}, { senderFrame: { url: 'https://evil.example/' } })).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    expect(await call('echo:world.load', { world: '/etc/hosts' })).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
  })

  it('shutdown removes every handler', async () => {
    await handle.shutdown()
    expect(handlers.size).toBe(0)
  })
})
