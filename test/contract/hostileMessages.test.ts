/**
 * Contract fuzz: ≥ 10,000 hostile or malformed messages per run against an EngineHost loaded with
 * the demo world — wrong types, unknown channels, huge strings, deep nesting, prototype-pollution
 * keys, NaN/Infinity, negative/huge numbers, extra fields, binary junk, throwing getters and
 * proxies, raw WebSocket frames, and valid channels with corrupted payloads.
 *
 * Asserts: 0 crashes (`handle` always resolves to a typed reply; anything the validators reject is
 * `BadRequest`), and 0 state changes (timeline, live commit, live state root and graph snapshot
 * identical before and after; no tick or timeline event). Well-formed requests to mutating
 * channels are generated but not sent (counted as "excluded"): they would change state by design.
 *
 * Seeded (ECHO_FUZZ_SEED, default 20261124) and sized (ECHO_FUZZ_COUNT, default and minimum 10000) from env.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS, validateRequest, type EventChannel, type InvokeChannel, type Reply } from '../../engine/contract/index'
import { parseFrame } from '../../main/browser/server'
import { EngineHost } from '../../main/host/engineHost'

const SEED = Number(process.env['ECHO_FUZZ_SEED'] ?? 20261124)
const COUNT = Math.max(10_000, Number(process.env['ECHO_FUZZ_COUNT'] ?? 10_000))

/** Channels whose well-formed requests change host state (never sent by the fuzzer). */
const MUTATING = new Set<InvokeChannel>([
  'echo:world.load',
  'echo:tick.step',
  'echo:tick.play',
  'echo:timeline.seek',
  'echo:timeline.fork',
  'echo:timeline.switch',
  'echo:timeline.merge',
  'echo:session.import',
  'echo:intent.ingest',
  // Not 'echo:edit.apply': every template edit targets warp ff…ff, which does not exist, so even a
  // well-formed one is answered NotFound and changes nothing — the fuzzer sends them all.
])

/**
 * Read-only channels whose well-formed requests replay or re-hash the timeline (hundreds of ms
 * each): sent a few times per run, then counted as excluded, to keep the run short.
 */
const EXPENSIVE = new Set<InvokeChannel>(['echo:determinism.check', 'echo:timeline.verify', 'echo:graph.snapshot', 'echo:query.blame', 'echo:session.export'])
const EXPENSIVE_CAP = 4

/** mulberry32 */
function rng(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  }
}
type Rng = ReturnType<typeof rng>

// Shared big values, built once (so 10k messages stay fast).
const HUGE_1M = 'A'.repeat(1 << 20)
const HUGE_2M = '0'.repeat(2 << 20)
const HUGE_UNICODE = '\u{1F4A5}\uD800'.repeat(50_000)
function deepArray(depth: number): unknown {
  let v: unknown = []
  for (let i = 0; i < depth; i++) v = [v]
  return v
}
function deepObject(depth: number, key: string): unknown {
  let v: unknown = {}
  for (let i = 0; i < depth; i++) v = { [key]: v }
  return v
}
const DEEP_ARRAY = deepArray(20_000)
const DEEP_OBJECT = deepObject(20_000, 'n')
const DEEP_JSON = '['.repeat(20_000) + ']'.repeat(20_000)

const HEX = 'f'.repeat(64)
const BAD_HEX = ['F'.repeat(64), 'f'.repeat(63), 'f'.repeat(65), 'g'.repeat(64), ' ' + 'f'.repeat(63), '0x' + 'f'.repeat(62), '', HUGE_1M]
const NUMBERS = [NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 10_001, 1e9, 4e9, -(2 ** 31), 5e-324]
const STRINGS = ['', ' ', '\0', 'main', '..', '../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', '__proto__', 'constructor', 'prototype', 'toString', '<script>alert(1)</script>', "'; DROP TABLE x; --", '%00', '\u202e', '\uD800', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(4097), HUGE_1M, HUGE_UNICODE, 'demo', 'echo:world.load']
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf']

/** Well-formed edits (every kind), the templates `echo:edit.apply` payloads are corrupted from. */
const VALID_EDITS: readonly Record<string, unknown>[] = [
  { kind: 'setAttachment', owner: 'node', warp: HEX, id: HEX, value: null },
  { kind: 'setAttachment', owner: 'edge', warp: HEX, id: HEX, value: { typeId: HEX, hex: 'ab' } },
  { kind: 'setAttachment', owner: 'node', warp: HEX, id: HEX, value: { codec: 'demo/heat', value: { heat: 1 } } },
  { kind: 'addNode', warp: HEX, name: 'n', typeName: 't' },
  { kind: 'addNode', warp: HEX, id: HEX, type: HEX },
  { kind: 'deleteNode', warp: HEX, id: HEX },
  { kind: 'addEdge', warp: HEX, from: HEX, to: HEX, name: 'e', type: HEX },
  { kind: 'deleteEdge', warp: HEX, id: HEX },
]

/** Payloads that are valid for their channel (the templates the fuzzer corrupts). */
function validPayload(channel: InvokeChannel, r: Rng): Record<string, unknown> {
  switch (channel) {
    case 'echo:world.load':
      return { world: r.pick(['demo', 'motion', '/nope.ts']) }
    case 'echo:graph.snapshot':
      return r.chance(0.5) ? {} : { commit: r.chance(0.5) ? null : HEX }
    case 'echo:tick.step':
      return r.chance(0.5) ? { n: 1 + r.int(3) } : { n: 1 + r.int(3), op: 'fuzz-op' }
    case 'echo:tick.play':
      return { ticksPerSecond: 10 }
    case 'echo:tick.detail':
      return { commit: HEX }
    case 'echo:timeline.seek':
      return { commit: null }
    case 'echo:timeline.fork':
      return { name: 'fuzz-branch' }
    case 'echo:timeline.switch':
      return { branch: 'main' }
    case 'echo:timeline.verify':
      return r.chance(0.5) ? {} : { branch: r.pick(['main', 'nope']) }
    case 'echo:timeline.mergePreview':
      return { ours: 'main', theirs: 'nope' }
    case 'echo:timeline.merge':
      return { ours: 'main', theirs: 'nope', resolutions: {} }
    case 'echo:timeline.diverge':
      return { a: 'main', b: r.pick(['main', 'nope']) }
    case 'echo:query.node':
      return { warp: HEX, id: HEX }
    case 'echo:query.diff':
      return { a: null, b: HEX }
    case 'echo:query.blame':
      return { slot: { kind: 'node', warp: HEX, id: HEX } }
    case 'echo:session.import':
      return { bytesBase64: 'AAAA' }
    case 'echo:determinism.check':
      return r.chance(0.5) ? {} : { ticks: 1 + r.int(3), op: 'fuzz.op:1' }
    case 'echo:query.edge':
      return { warp: HEX, id: HEX, ...(r.chance(0.3) ? { commit: null } : {}) }
    case 'echo:edit.apply':
      return { edits: [r.pick(VALID_EDITS)] }
    case 'echo:intent.ingest':
      return { hex: r.pick(['', '00', 'deadbeef']) }
    case 'echo:op.cancel':
      return { op: r.pick(['fuzz-op', 'x', 'a.b:c-1']) }
    case 'echo:session.export':
      return r.chance(0.5) ? {} : { op: 'export-1' }
    default:
      return {}
  }
}

/** Defines an own enumerable data property (even for `__proto__`), like JSON.parse would. */
function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { enumerable: true, configurable: true, writable: true, value })
}

function throwingGetter(): unknown {
  const o: Record<string, unknown> = {}
  for (const k of ['n', 'commit', 'world', 'name', 'branch', 'slot', 'ticks', 'a', 'b']) {
    Object.defineProperty(o, k, { enumerable: true, get: () => { throw new Error(`getter ${k} says no`) } })
  }
  return o
}

function hostileProxy(r: Rng): unknown {
  const trap = r.pick(['ownKeys', 'getPrototypeOf', 'get', 'has', 'getOwnPropertyDescriptor'] as const)
  return new Proxy({ n: 1 }, { [trap]: () => { throw new Error(`proxy trap ${trap}`) } })
}

/** Any junk value, biased towards the shapes validators must survive. */
function junk(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 12 : 16)) {
    case 0: return r.pick(NUMBERS)
    case 1: return r.pick(STRINGS)
    case 2: return r.pick([null, undefined, true, false])
    case 3: return r.pick([10n, -1n, 2n ** 64n])
    case 4: return r.pick([Symbol('x'), () => 1, class X {}, new Date(NaN), /x/g, new Map([[1, 2]]), new Set([1]), new Error('e'), Promise.resolve(1), new WeakMap()])
    case 5: return r.pick([new Uint8Array(r.int(64)).map(() => r.int(256)), new ArrayBuffer(16), Buffer.from([0xde, 0xad, 0xbe, 0xef]), new DataView(new ArrayBuffer(4)), new Float64Array([NaN])])
    case 6: return r.pick([DEEP_ARRAY, DEEP_OBJECT])
    case 7: return throwingGetter()
    case 8: return hostileProxy(r)
    case 9: return JSON.parse(`{"${r.pick(PROTO_KEYS)}": {"polluted": true}, "n": 1}`)
    case 10: return Object.assign(Object.create(null), { n: r.pick(NUMBERS) })
    case 11: return Array.from({ length: r.int(5) }, () => r.pick(STRINGS))
    default: {
      const o: Record<string, unknown> = {}
      for (let i = r.int(4); i >= 0; i--) setOwn(o, r.chance(0.3) ? r.pick(PROTO_KEYS) : r.pick(['n', 'commit', 'world', 'x', 'id', 'slot', 'params']), junk(r, depth + 1))
      if (r.chance(0.05)) Object.setPrototypeOf(o, { n: 1, commit: HEX, polluted: true })
      return o
    }
  }
}

/** A valid payload with one or more corruptions (edits: often inside the edit itself). */
function corrupt(channel: InvokeChannel, r: Rng): unknown {
  const p: Record<string, unknown> = { ...validPayload(channel, r) }
  if (channel === 'echo:edit.apply' && r.chance(0.6)) {
    const e: Record<string, unknown> = { ...(p.edits as Record<string, unknown>[])[0]! }
    const ek = r.pick([...Object.keys(e), 'value', 'codec', 'extra', '__proto__'])
    switch (r.int(6)) {
      case 0: setOwn(e, ek, r.pick(r.chance(0.5) ? BAD_HEX : STRINGS)); break
      case 1: setOwn(e, ek, junk(r)); break
      case 2: delete e[ek]; break
      case 3: setOwn(e, 'value', { typeId: HEX, hex: r.pick(['abc', 'AB', 'zz', HUGE_1M]) }); break
      case 4: setOwn(e, 'value', { codec: 'demo/heat', value: r.pick([DEEP_ARRAY, DEEP_OBJECT, NaN, JSON.parse('{"__proto__":{"polluted":true}}')]) }); break
      default: setOwn(e, 'kind', r.pick(['addnode', 'delete', '', 'setAttachment ']))
    }
    p.edits = r.chance(0.2) ? Array.from({ length: 65 }, () => e) : [e]
    return p
  }
  const keys = Object.keys(p)
  for (let i = 1 + r.int(2); i > 0; i--) {
    const key = keys.length && r.chance(0.7) ? r.pick(keys) : r.pick(['extra', ...PROTO_KEYS, 'params', 'resolutions', 'op', 'edits'])
    switch (r.int(7)) {
      case 0: setOwn(p, key, r.pick(NUMBERS)); break
      case 1: setOwn(p, key, r.pick(r.chance(0.5) ? BAD_HEX : STRINGS)); break
      case 2: setOwn(p, key, junk(r)); break
      case 3: delete p[key]; break
      case 4: setOwn(p, key, { __proto__: { polluted: 1 } }); break
      case 5: setOwn(p, key, r.pick([HUGE_2M, HUGE_1M])); break
      default: setOwn(p, 'extra' + r.int(3), 1)
    }
  }
  if (r.chance(0.1)) {
    // The same payload as JSON.parse builds it from the wire: an own "__proto__" key up front.
    try {
      const body = JSON.stringify(p).slice(1)
      return JSON.parse('{"__proto__":{"polluted":true}' + (body === '}' ? '}' : ',' + body))
    } catch {
      return JSON.parse('{"__proto__":{"polluted":true}}')
    }
  }
  return p
}

/** A raw WebSocket frame: junk bytes, truncated, tampered or bit-flipped JSON of a request. */
function rawFrame(r: Rng): { data: Buffer; binary: boolean } {
  const channel = r.pick(INVOKE_CHANNELS)
  const good = JSON.stringify({ id: r.int(1000), channel, payload: validPayload(channel, r) })
  switch (r.int(7)) {
    case 0: return { data: Buffer.from(Array.from({ length: r.int(256) }, () => r.int(256))), binary: r.chance(0.5) }
    case 1: return { data: Buffer.from(good.slice(0, r.int(good.length))), binary: false }
    case 2: return { data: Buffer.from(r.chance(0.1) ? DEEP_JSON : '{"id":1,"channel":"echo:world.info","payload":' + '{"a":'.repeat(500) + '1' + '}'.repeat(501)), binary: false }
    case 3: return { data: Buffer.from(good.replace('"channel"', '"__proto__":{"x":1},"constructor":{"prototype":{"polluted":1}},"channel"')), binary: false }
    case 4: return { data: Buffer.from(`{"id":${r.pick(['1e400', '-0', '"x"', 'null', '[]', '{}', '1.5', String(2 ** 60), '"' + 'i'.repeat(80) + '"'])},"channel":"${channel}","payload":{}}`), binary: false }
    case 5: {
      const chars = Array.from(good)
      for (let i = 1 + r.int(3); i > 0; i--) chars[r.int(chars.length)] = String.fromCharCode(r.int(128))
      return { data: Buffer.from(chars.join('')), binary: false }
    }
    default: return { data: Buffer.from(good.replace(/\d+/, r.pick(['1e999', '-1', 'NaN', '0.5', '99999999999999999999']))), binary: false }
  }
}

function isWellFormed(channel: unknown, payload: unknown): boolean {
  try {
    validateRequest(channel, payload)
    return true
  } catch {
    return false
  }
}

let host: EngineHost
const events: EventChannel[] = []

beforeAll(async () => {
  host = new EngineHost()
  await host.load('demo')
  const r = await host.handle('echo:tick.step', { n: 3 })
  expect(r.ok).toBe(true)
  host.subscribe((ch) => events.push(ch))
}, 30_000)

afterAll(() => host?.dispose())

async function snapshotState() {
  const timeline = await host.handle('echo:timeline.get', {})
  const graph = await host.handle('echo:graph.snapshot', {})
  return { timeline, graph, commit: host.liveCommit(), root: host.liveStateRoot() }
}

describe('hostile messages against the engine host', () => {
  it(`t_contract_fuzz: ${COUNT} hostile messages (seed ${SEED}): 0 crashes, 0 state changes`, async () => {
    const before = await snapshotState()
    const r = rng(SEED)
    const counts = { sent: 0, badRequest: 0, otherTypedError: 0, ok: 0, excluded: 0, excludedExpensive: 0, rawFrames: 0, frameRejected: 0, crashes: 0 }
    const okByChannel: Record<string, number> = {}
    const expensiveSent: Record<string, number> = {}
    const unexpected: string[] = []

    const send = async (channel: unknown, payload: unknown) => {
      const wellFormed = isWellFormed(channel, payload)
      if (wellFormed && MUTATING.has(channel as InvokeChannel)) {
        counts.excluded++
        return
      }
      if (wellFormed && EXPENSIVE.has(channel as InvokeChannel)) {
        const k = channel as string
        if ((expensiveSent[k] = (expensiveSent[k] ?? 0) + 1) > EXPENSIVE_CAP) {
          counts.excludedExpensive++
          return
        }
      }
      counts.sent++
      let reply: Reply<InvokeChannel>
      try {
        reply = await host.handle(channel, payload)
      } catch (e) {
        counts.crashes++
        unexpected.push(`crash on ${String(channel)}: ${String(e)}`)
        return
      }
      if (reply.ok) {
        counts.ok++
        okByChannel[channel as string] = (okByChannel[channel as string] ?? 0) + 1
        if (!wellFormed) unexpected.push(`ok reply to a malformed ${String(channel)}`)
      } else if (reply.error.code === 'BadRequest') {
        counts.badRequest++
      } else {
        counts.otherTypedError++
        if (!wellFormed) unexpected.push(`malformed ${String(channel)} answered ${reply.error.code}, not BadRequest`)
      }
      if (!reply.ok && (typeof reply.error.message !== 'string' || typeof reply.error.code !== 'string')) unexpected.push('untyped error reply')
    }

    while (counts.sent < COUNT) {
      const kind = r.int(10)
      if (kind === 0) {
        // Unknown or non-string channel.
        const channel = r.pick<unknown>([
          ...STRINGS,
          'echo:tick.stepx', 'ECHO:TICK.STEP', 'echo:tick.step\0', ' echo:world.info', 'echo:tick', 'echo:error',
          42, null, undefined, {}, [], ['echo:world.info'], Symbol('echo:world.info'), () => 'echo:world.info', new String('echo:world.info'),
        ])
        await send(channel, r.chance(0.5) ? {} : junk(r))
      } else if (kind <= 2) {
        // Valid channel, junk payload.
        await send(r.pick(INVOKE_CHANNELS), junk(r))
      } else if (kind <= 7) {
        // Valid channel, corrupted valid payload.
        const channel = r.pick(INVOKE_CHANNELS)
        await send(channel, corrupt(channel, r))
      } else if (kind === 8) {
        // Raw WebSocket frame through the browser server's frame decoder.
        counts.rawFrames++
        const { data, binary } = rawFrame(r)
        let frame: ReturnType<typeof parseFrame>
        try {
          frame = parseFrame(data, binary)
        } catch (e) {
          counts.crashes++
          unexpected.push(`parseFrame threw: ${String(e)}`)
          continue
        }
        if (frame.ok) await send(frame.channel, frame.payload)
        else {
          counts.frameRejected++
          counts.sent++
          counts.badRequest++
          expect(frame.reply).toMatchObject({ ok: false, error: { code: 'BadRequest' } })
        }
      } else {
        // Rarely well-formed: valid template (read-only ones are sent, mutating ones excluded).
        const channel = r.pick(INVOKE_CHANNELS)
        await send(channel, validPayload(channel, r))
      }
    }

    const after = await snapshotState()
    console.log(
      `[contract fuzz] seed=${SEED} sent=${counts.sent} badRequest=${counts.badRequest} otherTypedError=${counts.otherTypedError} ok=${counts.ok} ` +
        `excludedMutating=${counts.excluded} excludedExpensiveReadOnly=${counts.excludedExpensive} rawFrames=${counts.rawFrames} (rejected by frame decoder ${counts.frameRejected}) crashes=${counts.crashes} ` +
        `stateChanges=${JSON.stringify(after) === JSON.stringify(before) ? 0 : 1} okByChannel=${JSON.stringify(okByChannel)}`,
    )
    expect(unexpected.slice(0, 10)).toEqual([])
    expect(counts.crashes).toBe(0)
    expect(counts.sent).toBeGreaterThanOrEqual(10_000)
    expect(counts.badRequest).toBeGreaterThan(counts.sent * 0.8)
    expect(after.commit).toBe(before.commit)
    expect(after.root).toBe(before.root)
    expect(after.timeline).toEqual(before.timeline)
    expect(after.graph).toEqual(before.graph)
    expect(events.filter((e) => e === 'echo:tick' || e === 'echo:timeline.changed')).toEqual([])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  }, 60_000)
})
