/**
 * Browser mode: the built renderer over loopback HTTP plus the contract over a WebSocket guarded
 * by a per-run token and an Origin check. The renderer's WebSocket bridge is driven against it.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { EchoRemoteError, type TickEventDto, type TickSummaryDto, type WorldDto } from '../../engine/contract/index'
import { parseFrame, safeEqual, startBrowserServer, type BrowserServer } from '../../main/browser/server'
import { createWsBridge, type WebSocketLike } from '../../renderer/bridge/wsBridge'
import { wsEndpointFor } from '../../renderer/bridge/index'

let server: BrowserServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'echo-browser-'))
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true })
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Echo Studio</title><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'renderer', 'assets', 'style.css'), 'body{}')
  writeFileSync(join(dir, 'renderer', '.env'), 'SECRET=1')
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET')
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'renderer', 'link.txt'))
  server = await startBrowserServer({ port: 0, world: 'demo', rendererDir: join(dir, 'renderer') })
}, 30_000)

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A raw HTTP GET (no URL normalisation, so traversal attempts reach the server as written). */
function rawGet(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a WebSocket; resolves with it once open, or with the HTTP status that refused the upgrade. */
function openWs(url: string, origin?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin })
    ws.on('open', () => resolve({ ws }))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode })
      ws.terminate()
    })
    ws.on('error', () => resolve({ status: -1 }))
  })
}

function wsUrl(token: string | null): string {
  return `ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`
}

/** Sends frames and collects every message until `until` says stop. */
function conversation(ws: WebSocket, frames: Array<string | Buffer>, until: (msgs: Array<Record<string, unknown>>) => boolean): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve) => {
    const msgs: Array<Record<string, unknown>> = []
    const onMsg = (data: unknown) => {
      msgs.push(JSON.parse(String(data)))
      if (until(msgs)) {
        ws.off('message', onMsg)
        resolve(msgs)
      }
    }
    ws.on('message', onMsg)
    for (const f of frames) ws.send(f)
  })
}

describe('browser mode: static files', () => {
  it('prints a loopback URL with a 32-byte hex token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`)
  })

  it('serves index.html with a strict CSP allowing only itself and its own WebSocket', async () => {
    const r = await fetch(server.url)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = r.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`)
    expect(csp).not.toMatch(/unsafe-eval|\*/)
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect(r.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await r.text()).toContain('Echo Studio')
  })

  it('serves assets with their MIME types', async () => {
    expect((await rawGet('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await rawGet('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8')
    const head = await rawGet('/assets/app.js', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('answers 404 to path traversal, dotfiles, symlinks out of the root, directories and missing files', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/....//secret.txt',
      '//etc/passwd',
      '/.env',
      '/link.txt',
      '/assets',
      '/assets/',
      '/missing.js',
      '/index.html%00.js',
    ]) {
      const r = await rawGet(path)
      expect(r.status, path).toBe(404)
      expect(r.body, path).not.toContain('SECRET')
    }
    expect((await rawGet('/%E0%A4%A')).status).toBe(400)
  })

  it('refuses other methods and foreign Host headers', async () => {
    expect((await rawGet('/', {}, 'POST')).status).toBe(405)
    expect((await rawGet('/', { host: 'evil.example' })).status).toBe(403)
    expect((await rawGet('/', { host: `attacker.example:${server.port}` })).status).toBe(403)
  })
})

describe('browser mode: WebSocket guard', () => {
  it('rejects a missing or wrong token with 401 and no upgrade', async () => {
    expect((await openWs(wsUrl(null), server.origin)).status).toBe(401)
    expect((await openWs(wsUrl('0'.repeat(64)), server.origin)).status).toBe(401)
    expect((await openWs(wsUrl(server.token.slice(0, 63)), server.origin)).status).toBe(401)
    expect((await openWs(wsUrl(server.token.toUpperCase()), server.origin)).status).toBe(401)
  })

  it('rejects any Origin but its own with 403, even with the right token', async () => {
    for (const origin of ['https://evil.example', `http://localhost:${server.port}`, `http://127.0.0.1:${server.port + 1}`, 'null', 'file://']) {
      expect((await openWs(wsUrl(server.token), origin)).status, origin).toBe(403)
    }
    expect((await openWs(wsUrl(server.token))).status).toBe(403)
  })

  it('compares tokens in constant time (hash-then-compare) and exactly', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })
})

describe('browser mode: the contract over WebSocket', () => {
  it('serves world.info and tick.step, and pushes echo:tick events', async () => {
    const { ws } = await openWs(wsUrl(server.token), server.origin)
    const msgs = await conversation(
      ws!,
      [JSON.stringify({ id: 1, channel: 'echo:world.info', payload: {} }), JSON.stringify({ id: 2, channel: 'echo:tick.step', payload: { n: 2 } })],
      (m) => m.some((x) => x.id === 2),
    )
    const info = msgs.find((m) => m.id === 1)!.reply as { ok: true; value: WorldDto }
    expect(info).toMatchObject({ ok: true, value: { name: 'demo' } })
    const step = msgs.find((m) => m.id === 2)!.reply as { ok: true; value: TickSummaryDto[] }
    const ticks = msgs.filter((m) => m.event === 'echo:tick').map((m) => m.payload as TickEventDto)
    expect(ticks.map((t) => t.summary.commit)).toEqual(step.value.map((s) => s.commit))
    ws!.close()
  })

  it('answers malformed frames with typed BadRequest replies and keeps the connection working', async () => {
    const { ws } = await openWs(wsUrl(server.token), server.origin)
    const frames: Array<string | Buffer> = [
      '{"id": 1, "channel": ',
      'not json at all',
      '[1,2,3]',
      'null',
      '"echo:world.info"',
      JSON.stringify({ id: { x: 1 }, channel: 'echo:world.info', payload: {} }),
      JSON.stringify({ id: 5, channel: 'echo:world.info', payload: {}, extra: true }),
      '{"id": 6, "channel": "echo:tick.step", "payload": {"n": 1, "__proto__": {"polluted": true}}}',
      JSON.stringify({ id: 7, channel: 'echo:nope', payload: {} }),
      JSON.stringify({ id: 8, channel: 'echo:tick.step', payload: { n: 'NaN' } }),
      Buffer.from([0xff, 0x00, 0xfe, 0x01]),
      JSON.stringify({ id: 9, channel: 'echo:world.info', payload: {} }),
    ]
    const msgs = await conversation(ws!, frames, (m) => m.filter((x) => 'reply' in x).length === frames.length)
    const replies = msgs.filter((m) => 'reply' in m)
    const last = replies.find((m) => m.id === 9)!
    expect(last.reply).toMatchObject({ ok: true, value: { name: 'demo' } })
    for (const m of replies.filter((x) => x.id !== 9)) expect(m.reply, JSON.stringify(m)).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
    expect(replies.filter((m) => m.id === null)).toHaveLength(7)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    ws!.close()
  })

  it('parseFrame never throws and keeps only {id, channel, payload}', () => {
    expect(parseFrame(Buffer.from('{"id":"a","channel":"echo:world.info","payload":{}}'), false)).toEqual({ ok: true, id: 'a', channel: 'echo:world.info', payload: {} })
    expect(parseFrame(Buffer.from('{"id":1.5}'), false)).toMatchObject({ ok: false, id: null })
    expect(parseFrame(Buffer.from('x'.repeat(70)), false)).toMatchObject({ ok: false })
    expect(parseFrame(Buffer.from('{"id":"' + 'x'.repeat(65) + '"}'), false)).toMatchObject({ ok: false, id: null })
    expect(parseFrame([Buffer.from('{"id":1,'), Buffer.from('"channel":"c"}')], false)).toMatchObject({ ok: true, id: 1, channel: 'c' })
  })
})

describe('renderer WebSocket bridge against the server', () => {
  const connect = (u: string) => new WebSocket(u, { origin: server.origin }) as unknown as WebSocketLike

  it('invokes, receives events, and rejects error replies with EchoRemoteError', async () => {
    const bridge = createWsBridge(`ws://127.0.0.1:${server.port}/ws`, server.token, { connect })
    const events: TickEventDto[] = []
    const off = bridge.on('echo:tick', (e) => events.push(e))
    const world = await bridge.invoke('echo:world.info', {})
    expect(world.name).toBe('demo')
    const step = await bridge.invoke('echo:tick.step', { n: 1 })
    expect(events.at(-1)?.summary.commit).toBe(step[0]!.commit)
    off()
    const err = await bridge.invoke('echo:tick.step', { n: 0 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EchoRemoteError)
    expect((err as EchoRemoteError).code).toBe('BadRequest')
    await expect(bridge.invoke('echo:evil' as never, {} as never)).rejects.toMatchObject({ code: 'UnknownChannel' })
    expect(() => bridge.on('echo:evil' as never, () => {})).toThrow(EchoRemoteError)
    const errors: unknown[] = []
    bridge.on('echo:error', (e) => errors.push(e))
    bridge.close()
    await expect(bridge.invoke('echo:world.info', {})).rejects.toMatchObject({ code: 'Disconnected' })
    expect(errors).toEqual([expect.objectContaining({ code: 'Disconnected' })])
  })

  it('a bridge with a wrong token fails its requests with Disconnected', async () => {
    const bridge = createWsBridge(`ws://127.0.0.1:${server.port}/ws`, 'f'.repeat(64), { connect })
    await expect(bridge.invoke('echo:world.info', {})).rejects.toMatchObject({ code: 'Disconnected' })
  })

  it('derives the endpoint and token from the page location', () => {
    expect(wsEndpointFor({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=abc' })).toEqual({ url: 'ws://127.0.0.1:5000/ws', token: 'abc' })
    expect(wsEndpointFor({ protocol: 'http:', host: '127.0.0.1:5000', search: '' }).token).toBeNull()
  })
})
