/** The IPC relay is built from the contract: one handler per invoke channel, sender and world policy first, typed replies. */
import { describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNELS, INVOKE_CHANNELS, type InvokeChannel, type Reply } from '../../engine/contract/index'
import { BUILTIN_WORLD_NAMES, forwardEvent, isRendererUrl, makeIpcHandlers, registerIpcHandlers, type IpcHandlerTable } from '../../main/ipc/handlers'
import { fileMenuTemplate, makeFileActions, type FileActionDeps } from '../../main/ipc/fileMenu'
import { BUILTIN_WORLDS } from '../../main/worlds/loader'

const RENDERER = 'file:///app/out/renderer/index.html'
const trusted = { senderFrame: { url: RENDERER } } as never
const policy = {
  isTrustedSender: (e: { senderFrame?: { url?: string } | null }) => isRendererUrl(e.senderFrame?.url ?? '', RENDERER, null),
  isAllowedWorld: (w: string) => BUILTIN_WORLD_NAMES.includes(w),
}

function relayRecorder() {
  const calls: Array<{ channel: InvokeChannel; payload: unknown }> = []
  const relay = vi.fn(async (channel: InvokeChannel, payload: unknown): Promise<Reply<InvokeChannel>> => {
    calls.push({ channel, payload })
    return { ok: true, value: { echoed: channel } as never }
  })
  return { calls, relay }
}

describe('IPC handler table', () => {
  it('registers exactly one ipcMain.handle per INVOKE_CHANNELS entry, and removes them all', () => {
    const { relay } = relayRecorder()
    const registered: string[] = []
    const removed: string[] = []
    const off = registerIpcHandlers({ handle: (c: string) => registered.push(c), removeHandler: (c: string) => removed.push(c) } as never, makeIpcHandlers(relay, policy))
    expect(registered.slice().sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(new Set(registered).size).toBe(registered.length)
    off()
    expect(removed.slice().sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('refuses a table whose channels differ from the contract', () => {
    const table = makeIpcHandlers(relayRecorder().relay, policy) as Partial<IpcHandlerTable> & Record<string, unknown>
    const { ['echo:tick.step']: _dropped, ...missing } = table
    expect(() => registerIpcHandlers({ handle: () => {}, removeHandler: () => {} } as never, missing as IpcHandlerTable)).toThrow(/INVOKE_CHANNELS/)
    expect(() => registerIpcHandlers({ handle: () => {}, removeHandler: () => {} } as never, { ...table, 'echo:evil': table['echo:tick.step'] } as IpcHandlerTable)).toThrow(/INVOKE_CHANNELS/)
  })

  it('relays every channel with its own name and the untouched payload, returning the host reply', async () => {
    const { calls, relay } = relayRecorder()
    const table = makeIpcHandlers(relay, policy)
    for (const channel of INVOKE_CHANNELS) {
      const payload = channel === 'echo:world.load' ? { world: 'demo' } : { probe: channel }
      const reply = await table[channel](trusted, payload)
      expect(reply).toEqual({ ok: true, value: { echoed: channel } })
      expect(calls.at(-1)).toEqual({ channel, payload })
    }
  })

  it('answers Forbidden, without relaying, to frames that are not the app renderer', async () => {
    const { relay } = relayRecorder()
    const table = makeIpcHandlers(relay, policy)
    for (const event of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: null }, { sender: null }, { senderFrame: { url: 'file:///tmp/other.html' } }]) {
      const reply = await table['echo:tick.step'](event as never, { n: 1 })
      expect(reply).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    }
    expect(relay).not.toHaveBeenCalled()
  })

  it('lets the renderer load built-in worlds only; file paths need File → Open World…', async () => {
    const { relay } = relayRecorder()
    const table = makeIpcHandlers(relay, policy)
    expect(await table['echo:world.load'](trusted, { world: 'motion' })).toMatchObject({ ok: true })
    for (const world of ['/etc/passwd', '../../scripts/start.mjs', 'C:\\x.ts', 'demo/../x']) {
      expect(await table['echo:world.load'](trusted, { world })).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    }
    // A malformed payload is still relayed: the host's validator answers it with BadRequest.
    await table['echo:world.load'](trusted, { world: 42 })
    expect(relay).toHaveBeenCalledTimes(2)
  })

  it('knows the same built-in worlds as the loader', () => {
    expect([...BUILTIN_WORLD_NAMES].sort()).toEqual(Object.keys(BUILTIN_WORLDS).sort())
  })

  it('forwards only contract event channels, skipping destroyed contents', () => {
    const live = { send: vi.fn(), isDestroyed: () => false }
    const dead = { send: vi.fn(), isDestroyed: () => true }
    for (const ch of EVENT_CHANNELS) forwardEvent([live, dead], ch, { ch })
    forwardEvent([live], 'echo:not-an-event', {})
    forwardEvent([live], 'ELECTRON_BROWSER_WINDOW_ALERT', {})
    expect(live.send.mock.calls.map((c) => c[0])).toEqual([...EVENT_CHANNELS])
    expect(dead.send).not.toHaveBeenCalled()
  })

  it('recognises the renderer URL exactly', () => {
    expect(isRendererUrl(RENDERER, RENDERER, null)).toBe(true)
    expect(isRendererUrl(`${RENDERER}#/x?y`, RENDERER, null)).toBe(true)
    expect(isRendererUrl('file:///app/out/renderer/index.html.evil', RENDERER, null)).toBe(false)
    expect(isRendererUrl('http://localhost:5173/', RENDERER, null)).toBe(false)
    expect(isRendererUrl('http://localhost:5173/', RENDERER, 'http://localhost:5173')).toBe(true)
    expect(isRendererUrl('not a url', RENDERER, null)).toBe(false)
  })
})

describe('File menu', () => {
  function deps(over: Partial<FileActionDeps> = {}) {
    const d = {
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/w/world.ts'] })),
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/s/session.echo' })),
      invoke: vi.fn(async (channel: InvokeChannel): Promise<Reply<InvokeChannel>> => {
        if (channel === 'echo:session.export') return { ok: true, value: { bytesBase64: Buffer.from([1, 2, 3]).toString('base64'), commits: 3 } }
        return { ok: true, value: {} as never }
      }),
      readFile: vi.fn(async () => new Uint8Array([9, 8, 7])),
      writeFile: vi.fn(async () => {}),
      fileSize: vi.fn(async () => 3),
      notify: vi.fn(),
      trustWorld: vi.fn(),
      ...over,
    }
    return d
  }

  it('has Open World…, Open Session… and Save Session… under File', () => {
    const t = fileMenuTemplate(makeFileActions(deps()), false)
    const file = t.find((m) => m.label === 'File')!
    const labels = (file.submenu as Array<{ label?: string }>).map((i) => i.label).filter(Boolean)
    expect(labels).toEqual(['Open World…', 'Open Session…', 'Save Session…'])
  })

  it('Open World… trusts the picked file and loads it through echo:world.load', async () => {
    const d = deps()
    await makeFileActions(d).openWorld()
    expect(d.trustWorld).toHaveBeenCalledWith('/w/world.ts')
    expect(d.invoke).toHaveBeenCalledWith('echo:world.load', { world: '/w/world.ts' })
    expect(d.notify).not.toHaveBeenCalled()
  })

  it('a world that fails to load is reported as an echo:error, not thrown', async () => {
    const d = deps({ invoke: vi.fn(async () => ({ ok: false as const, error: { code: 'SyntaxError', message: '/w/world.ts: syntax error' } })) })
    await makeFileActions(d).openWorld()
    expect(d.notify).toHaveBeenCalledWith({ code: 'SyntaxError', message: '/w/world.ts: syntax error' })
  })

  it('a cancelled dialog does nothing', async () => {
    const d = deps({ showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })), showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })) })
    const a = makeFileActions(d)
    await a.openWorld()
    await a.openSession()
    await a.saveSession()
    expect(d.invoke).not.toHaveBeenCalled()
  })

  it('Open Session… sends the file as base64 to echo:session.import', async () => {
    const d = deps()
    await makeFileActions(d).openSession()
    expect(d.invoke).toHaveBeenCalledWith('echo:session.import', { bytesBase64: Buffer.from([9, 8, 7]).toString('base64') })
  })

  it('Save Session… writes the exported bytes to the picked file', async () => {
    const d = deps()
    await makeFileActions(d).saveSession()
    expect(d.invoke).toHaveBeenCalledWith('echo:session.export', {})
    expect(d.writeFile).toHaveBeenCalledWith('/s/session.echo', Buffer.from([1, 2, 3]))
  })

  it('an oversized session file is refused before it is read', async () => {
    const d = deps({ fileSize: vi.fn(async () => 1e12) })
    await makeFileActions(d).openSession()
    expect(d.readFile).not.toHaveBeenCalled()
    expect(d.notify).toHaveBeenCalledWith(expect.objectContaining({ code: 'SessionReadFailed' }))
  })
})
