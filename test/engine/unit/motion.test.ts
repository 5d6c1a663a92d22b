import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { toHex } from '../../../engine/bytes'
import { fromF32, toF32, f32Bits, f32FromBits, I64_MAX, I64_MIN } from '../../../engine/fixedQ32'
import { GraphStore } from '../../../engine/graph'
import { viewOf } from '../../../engine/graphView'
import { makeNodeId, makeTypeId } from '../../../engine/ident'
import {
  decodeMotionAtomPayload,
  decodeMotionPayload,
  encodeMotionAtomPayload,
  encodeMotionAtomPayloadV0,
  encodeMotionPayload,
  encodeMotionPayloadV0,
  encodeMotionRaw,
  isMotionAtomPayload,
  MOTION_V0_TYPE_ID,
  MOTION_V2_TYPE_ID,
} from '../../../engine/payload'
import { atom, attachmentSortKey, nodeAlpha, type AttachmentValue } from '../../../engine/record'
import { MOTION_RULE_NAME, motionExecutor, motionRule } from '../../../engine/rules/motion'
import { TickDelta } from '../../../engine/tickDelta'

const SEED = Number(process.env.FC_SEED ?? 42)
const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/reference-vectors.json', import.meta.url), 'utf8'),
) as { primitives: Record<string, string> }

const P32 = 1n << 32n

/** Independent reference: exact rational value of the f32, scaled by 2^32, rounded half-even, saturated. */
function refFromF32(x: number): bigint {
  const v = Math.fround(x)
  if (Number.isNaN(v)) return 0n
  if (v === Infinity) return I64_MAX
  if (v === -Infinity) return I64_MIN
  if (v === 0) return 0n
  // v = m · 2^e exactly, with m an odd-or-any integer < 2^24: scale by powers of two in doubles (exact).
  let m = Math.abs(v)
  let e = 0
  while (!Number.isInteger(m)) {
    m *= 2
    e--
  }
  // value·2^32 = m · 2^(e+32)
  const s = e + 32
  let mag: bigint
  if (s >= 0) mag = BigInt(m) << BigInt(s)
  else {
    const den = 1n << BigInt(-s)
    const q = BigInt(m) / den
    const r2 = (BigInt(m) % den) * 2n
    mag = r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q
  }
  const signed = v < 0 ? -mag : mag
  return signed > I64_MAX ? I64_MAX : signed < I64_MIN ? I64_MIN : signed
}

/** Independent reference: literal port of warp-core's bit-building `to_f32`. */
function refToF32(raw: bigint): number {
  if (raw === 0n) return 0
  const sign = raw < 0n
  const abs = sign ? -raw : raw
  const k = abs.toString(2).length - 1
  let exp = k - 32
  let sig: bigint
  if (k > 23) {
    const sh = BigInt(k - 23)
    const q = abs >> sh
    const r = abs & ((1n << sh) - 1n)
    const half = 1n << (sh - 1n)
    sig = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q
  } else sig = abs << BigInt(23 - k)
  if (sig >= 1n << 24n) {
    sig >>= 1n
    exp += 1
  }
  const bits = ((sign ? 1 : 0) << 31) | ((exp + 127) << 23) | Number(sig & 0x7fffffn)
  return f32FromBits(bits >>> 0)
}

const anyF32 = fc.integer({ min: 0, max: 0xffffffff }).map((b) => f32FromBits(b))

describe('fixedQ32.fromF32', () => {
  it('maps special values', () => {
    expect(fromF32(NaN)).toBe(0n)
    expect(fromF32(Infinity)).toBe(I64_MAX)
    expect(fromF32(-Infinity)).toBe(I64_MIN)
    expect(fromF32(0)).toBe(0n)
    expect(fromF32(-0)).toBe(0n)
  })

  it('converts exact values', () => {
    expect(fromF32(1)).toBe(P32)
    expect(fromF32(-1)).toBe(-P32)
    expect(fromF32(0.5)).toBe(1n << 31n)
    expect(fromF32(-0.25)).toBe(-(1n << 30n))
    expect(fromF32(2 ** -32)).toBe(1n)
    expect(fromF32(-(2 ** -32))).toBe(-1n)
    expect(fromF32(1.5)).toBe(3n << 31n)
    expect(fromF32(1000)).toBe(1000n * P32)
    expect(fromF32(2 ** 30)).toBe(1n << 62n)
    expect(fromF32(-(2 ** 30))).toBe(-(1n << 62n))
  })

  it('rounds half-to-even below the 2^-32 grid', () => {
    expect(fromF32(f32FromBits(1))).toBe(0n) // smallest subnormal 2^-149
    expect(fromF32(f32FromBits(0x007fffff))).toBe(0n) // largest subnormal
    expect(fromF32(2 ** -33)).toBe(0n) // exactly half a step → even (0)
    expect(fromF32(-(2 ** -33))).toBe(0n)
    expect(fromF32(3 * 2 ** -33)).toBe(2n) // 1.5 steps → even (2)
    expect(fromF32(-3 * 2 ** -33)).toBe(-2n)
    expect(fromF32(5 * 2 ** -33)).toBe(2n) // 2.5 steps → even (2)
    expect(fromF32(7 * 2 ** -33)).toBe(4n) // 3.5 steps → even (4)
    expect(fromF32(Math.fround(2 ** -33 + 2 ** -50))).toBe(1n) // just above half
    expect(fromF32(0.1)).toBe(refFromF32(0.1))
    expect(fromF32(0.1)).toBe(429496736n) // f32(0.1) = 13421773·2^-27 is on the grid
  })

  it('saturates to i64', () => {
    expect(fromF32(2 ** 31)).toBe(I64_MAX) // raw 2^63 does not fit
    expect(fromF32(-(2 ** 31))).toBe(I64_MIN) // raw −2^63 is exactly i64::MIN
    expect(fromF32(-(2 ** 32))).toBe(I64_MIN)
    expect(fromF32(2 ** 32)).toBe(I64_MAX)
    expect(fromF32(3.4028234663852886e38)).toBe(I64_MAX) // f32::MAX
    expect(fromF32(-3.4028234663852886e38)).toBe(I64_MIN)
    const below = f32FromBits(0x4effffff) // largest f32 < 2^31 = 2^31 − 128
    expect(fromF32(below)).toBe((2n ** 31n - 128n) * P32)
    expect(fromF32(-below)).toBe(-(2n ** 31n - 128n) * P32)
  })

  it('rounds its input to f32 first', () => {
    expect(fromF32(0.1)).toBe(fromF32(Math.fround(0.1)))
    expect(fromF32(1 + 2 ** -30)).toBe(P32) // not representable in f32 → 1
  })

  it('matches an independent exact reference on every f32 (property)', () => {
    fc.assert(
      fc.property(anyF32, (x) => fromF32(x) === refFromF32(x)),
      { seed: SEED, numRuns: 20000 },
    )
  })
})

describe('fixedQ32.toF32', () => {
  it('converts exactly representable values', () => {
    expect(Object.is(toF32(0n), 0)).toBe(true)
    expect(toF32(P32)).toBe(1)
    expect(toF32(-P32)).toBe(-1)
    expect(toF32(1n)).toBe(2 ** -32)
    expect(toF32(-1n)).toBe(-(2 ** -32))
    expect(toF32(-1n) < 0).toBe(true)
    expect(toF32(I64_MIN)).toBe(-(2 ** 31))
    expect(toF32(3n << 31n)).toBe(1.5)
  })

  it('rounds half-to-even at 24 significant bits', () => {
    expect(toF32((1n << 24n) + 1n)).toBe(2 ** -8) // 2^24+1 → tie → even (2^24)
    expect(toF32((1n << 24n) + 3n)).toBe((2 ** 24 + 4) * 2 ** -32) // tie → even
    expect(toF32(I64_MAX)).toBe(2 ** 31) // rounds up to 2^63 raw
    // Ties and near-ties above 2^53 (where Number(raw) alone would double-round).
    const big = (1n << 60n) + (1n << 36n) // exactly half an f32 ulp above 2^60 → even (2^60)
    expect(toF32(big)).toBe(2 ** 28)
    expect(toF32(big + 1n)).toBe((2 ** 60 + 2 ** 37) * 2 ** -32)
    expect(toF32(big + (1n << 37n))).toBe((2 ** 60 + 2 ** 38) * 2 ** -32) // 3/2 ulp tie → even
  })

  it('never yields -0 and always an f32', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), (raw) => {
        const f = toF32(raw)
        return !Object.is(f, -0) && Math.fround(f) === f && f === refToF32(raw)
      }),
      { seed: SEED, numRuns: 20000 },
    )
  })

  it('round-trips f32 values on the 2^-32 grid with |x| < 2^31 (property)', () => {
    const onGrid = fc
      .tuple(fc.integer({ min: 0, max: (1 << 24) - 1 }), fc.integer({ min: -32, max: 7 }), fc.boolean())
      .map(([m, e, neg]) => (neg ? -1 : 1) * m * 2 ** e)
      .filter((x) => Math.abs(x) < 2 ** 31)
    fc.assert(
      fc.property(onGrid, (x) => {
        expect(Math.fround(x)).toBe(x)
        return Object.is(toF32(fromF32(x)), x === 0 ? 0 : x)
      }),
      { seed: SEED, numRuns: 20000 },
    )
    fc.assert(
      fc.property(anyF32, (x) => {
        if (!(Math.abs(x) < 2 ** 31) || x * 2 ** 32 !== Math.trunc(x * 2 ** 32)) return true
        return toF32(fromF32(x)) === x
      }),
      { seed: SEED, numRuns: 20000 },
    )
  })

  it('fromF32(toF32(raw)) is idempotent after one step', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), (raw) => {
        const once = fromF32(toF32(raw))
        return fromF32(toF32(once)) === once
      }),
      { seed: SEED, numRuns: 5000 },
    )
  })
})

describe('motion payload codec', () => {
  it('type ids equal ENGINE-SPEC §1.5', () => {
    expect(toHex(MOTION_V0_TYPE_ID)).toBe('fec2379435c35e68d8f0b6a81c51a9b589f3db3d1f569a9b44a5cfeb6561bf3f')
    expect(toHex(MOTION_V2_TYPE_ID)).toBe('f8abe5d10369a2bb011cb48f3ba36272f9126fca663590b88e8e1fd78ec10aa5')
    expect(toHex(MOTION_V2_TYPE_ID)).toBe(vectors.primitives['motion_payload_type_id'])
  })

  it('encodes the reference vector', () => {
    const hex = toHex(encodeMotionPayload([1, 2, 3], [0.5, -1, 0.25]))
    expect(hex).toBe(vectors.primitives['encode_motion_payload([1,2,3],[0.5,-1,0.25])'])
    expect(hex.length).toBe(96)
    expect(toHex(encodeMotionRaw([P32, 2n * P32, 3n * P32], [1n << 31n, -P32, 1n << 30n]))).toBe(hex)
  })

  it('decodes v2 and v0 atoms to raws, and rejects the rest', () => {
    const v2 = encodeMotionAtomPayload([1, 2, 3], [0.5, -1, 0.25])
    const want = { pos: [P32, 2n * P32, 3n * P32], vel: [1n << 31n, -P32, 1n << 30n] }
    expect(decodeMotionAtomPayload(v2)).toEqual(want)
    expect(decodeMotionAtomPayload(encodeMotionAtomPayloadV0([1, 2, 3], [0.5, -1, 0.25]))).toEqual(want)
    expect(decodeMotionPayload(encodeMotionPayload([1, 2, 3], [0.5, -1, 0.25]))).toEqual(want)
    expect(decodeMotionPayload(encodeMotionPayloadV0([1, 2, 3], [0.5, -1, 0.25]))).toEqual(want)
    // v0 quantises through fromF32 (NaN → 0, ∞ saturates).
    expect(decodeMotionPayload(encodeMotionPayloadV0([NaN, Infinity, -Infinity], [0, 0, 0]))?.pos).toEqual([
      0n,
      I64_MAX,
      I64_MIN,
    ])
    expect(decodeMotionAtomPayload(undefined)).toBeNull()
    expect(decodeMotionAtomPayload({ kind: 'descend', warp: MOTION_V2_TYPE_ID as never })).toBeNull()
    expect(decodeMotionAtomPayload(atom(MOTION_V2_TYPE_ID, new Uint8Array(24)))).toBeNull()
    expect(decodeMotionAtomPayload(atom(MOTION_V0_TYPE_ID, new Uint8Array(48)))).toBeNull()
    expect(decodeMotionAtomPayload(atom(makeTypeId('other'), new Uint8Array(48)))).toBeNull()
    for (const n of [0, 23, 25, 47, 49]) expect(decodeMotionPayload(new Uint8Array(n))).toBeNull()
  })

  it('decodes subarray-backed bytes at the right offset', () => {
    const buf = new Uint8Array(50)
    buf.set(encodeMotionPayload([1, 2, 3], [0.5, -1, 0.25]), 2)
    expect(decodeMotionPayload(buf.subarray(2))?.pos).toEqual([P32, 2n * P32, 3n * P32])
  })
})

describe('motion/update rule', () => {
  const ent = makeNodeId('ent-0')
  const entity = makeTypeId('entity')

  function setup(value: AttachmentValue | null) {
    const store = new GraphStore()
    store.insertNode(ent, { ty: entity })
    if (value) store.setNodeAttachment(ent, value)
    return { store, view: viewOf(store) }
  }

  function run(value: AttachmentValue | null) {
    const { store, view } = setup(value)
    const rule = motionRule()
    const delta = new TickDelta()
    const matched = rule.matcher(view, ent)
    const fp = rule.computeFootprint(view, ent)
    rule.executor(view, ent, delta)
    return { store, view, matched, fp, ops: delta.opsUnsorted() }
  }

  it('has the frozen id and name', () => {
    const rule = motionRule()
    expect(rule.name).toBe(MOTION_RULE_NAME)
    expect(rule.name).toBe('motion/update')
    expect(toHex(rule.id)).toBe('8c9fdd3840ee70704ee58b9169e0083f9a42273bff5af921ec1e7a1958e98473')
  })

  it('advances pos by vel and emits one SetAttachment', () => {
    const { store, matched, fp, ops } = run(encodeMotionAtomPayload([0, 0, 0], [1, 0, 0]))
    expect(matched).toBe(true)
    expect([...fp.aWrite.keys()]).toEqual([attachmentSortKey(nodeAlpha(store.warpId, ent))])
    expect(fp.nRead.size + fp.nWrite.size + fp.eRead.size + fp.eWrite.size + fp.aRead.size).toBe(0)
    expect(ops).toHaveLength(1)
    const op = ops[0]!
    if (op.op !== 'SetAttachment') throw new Error('expected SetAttachment')
    expect(op.key).toEqual(nodeAlpha(store.warpId, ent))
    expect(op.value?.kind).toBe('atom')
    expect(decodeMotionAtomPayload(op.value!)).toEqual({ pos: [P32, 0n, 0n], vel: [P32, 0n, 0n] })
    expect(toHex((op.value as { typeId: Uint8Array }).typeId)).toBe(toHex(MOTION_V2_TYPE_ID))
  })

  it('emits nothing when the update is a no-op', () => {
    const { matched, fp, ops } = run(encodeMotionAtomPayload([5, -2, 0.5], [0, 0, 0]))
    expect(matched).toBe(true)
    expect(fp.aWrite.size).toBe(1)
    expect(ops).toHaveLength(0)
  })

  it('emits nothing when f32 addition absorbs the velocity', () => {
    // 2^24 + 1 rounds back to 2^24 in f32.
    const { ops } = run(encodeMotionAtomPayload([2 ** 24, 0, 0], [1, 0, 0]))
    expect(ops).toHaveLength(0)
  })

  it('uses f32 addition, not exact raw addition', () => {
    // pos = 2^24 + 2 (f32-exact), vel = 1: exact sum 2^24 + 3 is a tie → even → 2^24 + 4.
    const { ops } = run(atom(MOTION_V2_TYPE_ID, encodeMotionRaw([(2n ** 24n + 2n) * P32, 0n, 0n], [P32, 0n, 0n])))
    const out = decodeMotionAtomPayload((ops[0] as { value: AttachmentValue }).value)
    expect(out?.pos[0]).toBe((2n ** 24n + 4n) * P32)
    // Off-grid velocity raw is re-quantised through toF32 → fromF32.
    const { ops: ops2 } = run(atom(MOTION_V2_TYPE_ID, encodeMotionRaw([0n, 0n, 0n], [(1n << 40n) + 1n, 0n, 0n])))
    const out2 = decodeMotionAtomPayload((ops2[0] as { value: AttachmentValue }).value)
    expect(out2?.vel[0]).toBe(1n << 40n)
    expect(out2?.pos[0]).toBe(1n << 40n)
  })

  it('accepts a v0 payload and rewrites it as v2', () => {
    const { matched, ops } = run(encodeMotionAtomPayloadV0([1, 2, 3], [0, 0, 0]))
    expect(matched).toBe(true)
    expect(ops).toHaveLength(1)
    const op = ops[0]!
    if (op.op !== 'SetAttachment' || op.value?.kind !== 'atom') throw new Error('expected atom SetAttachment')
    expect(toHex(op.value.typeId)).toBe(toHex(MOTION_V2_TYPE_ID))
    expect(toHex(op.value.bytes)).toBe(toHex(encodeMotionPayload([1, 2, 3], [0, 0, 0])))
  })

  it('does not match non-motion attachments', () => {
    const { matched, fp, ops } = run(atom(makeTypeId('other'), new Uint8Array(48)))
    expect(matched).toBe(false)
    expect(fp.aWrite.size).toBe(1)
    expect(ops).toHaveLength(0)
    expect(run(null).matched).toBe(false)
  })

  it('does nothing for an absent scope (empty footprint)', () => {
    const store = new GraphStore()
    const view = viewOf(store)
    const ghost = makeNodeId('ghost')
    const rule = motionRule()
    const delta = new TickDelta()
    expect(rule.matcher(view, ghost)).toBe(false)
    expect(rule.computeFootprint(view, ghost).isEmpty()).toBe(true)
    rule.executor(view, ghost, delta)
    expect(delta.len()).toBe(0)
    // Attachment without a node: the matcher sees it, but footprint and executor need the node.
    store.setNodeAttachment(ghost, encodeMotionAtomPayload([0, 0, 0], [1, 0, 0]))
    expect(rule.matcher(view, ghost)).toBe(true)
    expect(rule.computeFootprint(view, ghost).isEmpty()).toBe(true)
    motionExecutor(view, ghost, delta)
    expect(delta.len()).toBe(0)
  })

  it('P1 shape: entity i advances x by 1 per step', () => {
    for (const i of [0, 1, 999, 99999]) {
      const { ops } = run(encodeMotionAtomPayload([i, 0, 0], [1, 0, 0]))
      const out = decodeMotionAtomPayload((ops[0] as { value: AttachmentValue }).value)
      expect(out?.pos).toEqual([BigInt(i + 1) * P32, 0n, 0n])
    }
  })
})

describe('helpers', () => {
  it('f32Bits / f32FromBits round trip', () => {
    expect(f32Bits(1)).toBe(0x3f800000)
    expect(f32FromBits(0x3f800000)).toBe(1)
    expect(f32Bits(-0)).toBe(0x80000000)
  })
})

describe('isMotionAtomPayload', () => {
  it('answers exactly whether decodeMotionAtomPayload decodes (type ids × lengths × kinds)', () => {
    const other = makeTypeId('not-motion')
    const values: (AttachmentValue | null | undefined)[] = [null, undefined, { kind: 'descend', warp: makeNodeId('w') as never }]
    for (const ty of [MOTION_V2_TYPE_ID, MOTION_V0_TYPE_ID, other])
      for (const len of [0, 23, 24, 25, 47, 48, 49, 96]) values.push(atom(ty, new Uint8Array(len).fill(len)))
    let yes = 0
    for (const v of values) {
      expect(isMotionAtomPayload(v)).toBe(decodeMotionAtomPayload(v) !== null)
      if (isMotionAtomPayload(v)) yes++
    }
    expect(yes).toBe(2)
  })
})
