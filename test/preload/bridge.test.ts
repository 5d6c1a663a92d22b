/**
 * The preload exposes one narrow `window.echo` built from the contract (STYLE.md item 4): only
 * contract channels, typed errors, payload-only listeners, and a reviewed golden channel list.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { EchoRemoteError, EVENT_CHANNELS, INVOKE_CHANNELS, type EchoBridge } from '../../engine/contract/index'
import { exposed, handlers, ipcMain } from '../support/fake-electron'
import { fromPreload, toRemoteError } from '../../renderer/bridge/index'

type PreloadModule = typeof import('../../preload/index')
let preload: PreloadModule
let echo: EchoBridge

beforeAll(async () => {
  preload = await import('../../preload/index')
  echo = exposed.get('echo') as EchoBridge
})

afterEach(() => {
  handlers.clear()
})

describe('preload bridge', () => {
  it('exposes exactly one frozen object, window.echo, with invoke and on only', () => {
    expect([...exposed.keys()]).toEqual(['echo'])
    expect(Object.isFrozen(echo)).toBe(true)
    expect(Object.keys(echo).sort()).toEqual(['invoke', 'on'])
    expect(Object.values(echo).every((v) => typeof v === 'function')).toBe(true)
  })

  it('exposes the channels listed in ipc-channels.golden.txt (a bridge change is a reviewed diff)', () => {
    const golden = readFileSync(new URL('./ipc-channels.golden.txt', import.meta.url), 'utf8').trim().split('\n')
    expect(preload.exposedChannels()).toEqual(golden)
    expect(golden).toEqual([...golden].sort())
    expect(golden.filter((l) => l.startsWith('invoke ')).map((l) => l.slice(7))).toEqual([...INVOKE_CHANNELS].sort())
    expect(golden.filter((l) => l.startsWith('event ')).map((l) => l.slice(6))).toEqual([...EVENT_CHANNELS].sort())
  })

  it('invoke relays a contract channel to ipcMain and resolves with the reply value', async () => {
    ipcMain.handle('echo:world.info', async (_e, payload) => ({ ok: true, value: { name: 'demo', got: payload } }))
    await expect(echo.invoke('echo:world.info', {})).resolves.toEqual({ name: 'demo', got: {} })
  })

  it('an {ok:false} reply rejects with EchoRemoteError carrying the code (also in the message, which survives contextBridge)', async () => {
    ipcMain.handle('echo:tick.step', async () => ({ ok: false, error: { code: 'BadRequest', message: 'echo:tick.step.n: expected an integer in 1..10000' } }))
    const err = await echo.invoke('echo:tick.step', { n: -1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EchoRemoteError)
    expect(err).toMatchObject({ code: 'BadRequest', message: '[BadRequest] echo:tick.step.n: expected an integer in 1..10000' })
    // What the renderer sees after contextBridge copied only the message:
    const copied = new Error((err as Error).message)
    const back = toRemoteError(copied)
    expect(back).toBeInstanceOf(EchoRemoteError)
    expect(back).toMatchObject({ code: 'BadRequest', message: 'echo:tick.step.n: expected an integer in 1..10000' })
  })

  it('rejects channels outside the contract without touching IPC', async () => {
    const spy = vi.fn()
    for (const ch of ['echo:evil', 'ELECTRON_BROWSER_REQUIRE', '__proto__', 'constructor', '', 'echo:tick', 'echo:world.load ', 42, null, undefined, {}]) {
      ipcMain.handle(String(ch), spy)
      const err = await echo.invoke(ch as never, {} as never).catch((e: unknown) => e)
      expect(err, String(ch)).toBeInstanceOf(EchoRemoteError)
      expect((err as EchoRemoteError).code).toBe('UnknownChannel')
      handlers.clear()
    }
    expect(spy).not.toHaveBeenCalled()
    for (const ch of ['echo:world.info', 'echo:evil', 'ipc-message', '__proto__']) {
      expect(() => echo.on(ch as never, () => {})).toThrow(EchoRemoteError)
    }
  })

  it('a failing IPC call rejects with a typed IpcError', async () => {
    const err = await echo.invoke('echo:timeline.get', {}).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'IpcError' })
  })

  it('on() hands listeners the payload only (never the IpcRendererEvent) and returns an unsubscribe', () => {
    const registered = new Map<string, (...a: unknown[]) => void>()
    const ipc = {
      invoke: vi.fn(),
      on: vi.fn((ch: string, l: (...a: unknown[]) => void) => registered.set(ch, l)),
      removeListener: vi.fn((ch: string) => registered.delete(ch)),
    }
    const bridge = preload.createIpcBridge(ipc as never)
    const got: unknown[][] = []
    const off = bridge.on('echo:tick', (...args: unknown[]) => got.push(args))
    registered.get('echo:tick')!({ sender: { send: () => 'privileged' } }, { seq: 1 })
    expect(got).toEqual([[{ seq: 1 }]])
    off()
    off()
    expect(ipc.removeListener).toHaveBeenCalledTimes(1)
    expect(registered.size).toBe(0)
  })

  it('a big event crosses main → preload → fromPreload in pieces and reaches listeners whole, in order', async () => {
    const { forwardEvent } = await import('../../main/ipc/handlers')
    const { CHUNK_ITEMS } = await import('../../engine/contract/chunked')
    const registered = new Map<string, (...a: unknown[]) => void>()
    const ipc = { invoke: vi.fn(), on: vi.fn((ch: string, l: (...a: unknown[]) => void) => registered.set(ch, l)), removeListener: vi.fn() }
    const renderer = fromPreload(preload.createIpcBridge(ipc as never))
    const got: unknown[] = []
    renderer.on('echo:tick', (p: unknown) => got.push(p))
    const sentMessages: unknown[] = []
    const wc = { send: (ch: string, m: unknown) => { sentMessages.push(m); registered.get(ch)!({ sender: null }, structuredClone(m)) } }
    const big = { seq: 7, delta: { upsertNodes: Array.from({ length: 2 * CHUNK_ITEMS + 5 }, (_, i) => ({ id: `n${i}` })), removeNodes: [{ id: 'x' }] } }
    const small = { seq: 8, delta: { upsertNodes: [{ id: 'only' }] } }
    forwardEvent([wc], 'echo:tick', big)
    forwardEvent([wc], 'echo:tick', small)
    expect(got).toEqual([big, small])
    // The big one went as a head + 3 parts, none over CHUNK_ITEMS items; the small one as itself.
    expect(sentMessages).toHaveLength(5)
    expect(sentMessages[4]).toEqual(small)
    for (const m of sentMessages.slice(1, 4)) expect((m as { echoPiece: { items: unknown[] } }).echoPiece.items.length).toBeLessThanOrEqual(CHUNK_ITEMS)
    // A stray part (no head) is dropped; a payload without a well-formed `echoPiece` passes through whole.
    registered.get('echo:tick')!({}, { echoPiece: { kind: 'part', m: 999, hole: 0, items: [1] } })
    registered.get('echo:tick')!({}, { seq: 9, echoPieceLike: true })
    expect(got).toEqual([big, small, { seq: 9, echoPieceLike: true }])
  })

  it('fromPreload keeps typed errors typed for the renderer', async () => {
    const inner: EchoBridge = { invoke: () => Promise.reject(new Error('[NotFound] commit abc not found')), on: () => () => {} }
    const err = await fromPreload(inner).invoke('echo:tick.detail', { commit: 'a'.repeat(64) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EchoRemoteError)
    expect(err).toMatchObject({ code: 'NotFound', message: 'commit abc not found' })
    expect(toRemoteError('plain')).toMatchObject({ code: 'IpcError', message: 'plain' })
  })
})
