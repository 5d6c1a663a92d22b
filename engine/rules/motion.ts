/**
 * The demo rule `motion/update` (upstream `echo_dry_tests::motion_rule()`, default `det_float`
 * lane; SCENARIOS.md §3, ENGINE-SPEC §2.7, bench REFERENCE.md §3).
 *
 * Frozen:
 * - id = BLAKE3("rule:motion/update") = 8c9fdd38…58e98473; name "motion/update".
 * - Per axis: pos' = fromF32(f32(toF32(pos) + toF32(vel))), vel' = fromF32(toF32(vel)); the result
 *   is always written as a v2 atom (48 bytes).
 *
 * Invariants:
 * - Matcher: the scope node's α attachment decodes as a motion payload (v2 or v0 by type id and
 *   exact length). It does not check that the node exists.
 * - Footprint: a_write = {α(scope)} when the scope node exists, otherwise empty.
 * - Executor: nothing if the node is absent or the payload does not decode; otherwise one
 *   `SetAttachment(α(scope), Atom{v2, bytes})`, emitted ONLY if the new bytes differ from the
 *   current bytes (a v0 payload always differs: 24 vs 48 bytes).
 * - `Math.fround(a + b)` is the correctly rounded f32 sum: the double sum is rounded once more,
 *   but binary64 has ≥ 2·24 + 2 bits, so double rounding is innocuous for addition.
 * - warp-core's `F32Scalar` canonicalisation (−0, subnormals, NaN) never triggers here: `toF32`
 *   yields +0 or normals ≥ 2⁻³² in magnitude, and their sums are +0 or multiples of 2⁻³² ≤ 2⁶⁴.
 */
import { bytesEqual } from '../bytes';
import { setFromF32, toF32Words } from '../fixedQ32';
import { Footprint } from '../footprint';
import type { GraphView } from '../graphView';
import { makeRuleId, type NodeId } from '../ident';
import { decodeMotionAtomPayload, encodeMotionRaw, isMotionAtomPayload, MOTION_V2_LEN, MOTION_V2_TYPE_ID } from '../payload';
import { atom, nodeAlpha } from '../record';
import type { RewriteRule } from '../rule';
import type { TickDelta } from '../tickDelta';

/** @public */
export const MOTION_RULE_NAME = 'motion/update';

/** BLAKE3("rule:motion/update"). @public */
export const MOTION_RULE_ID = makeRuleId(MOTION_RULE_NAME);

/** Matcher: the scope's α attachment is a decodable motion atom. @public */
export function motionMatcher(view: GraphView, scope: NodeId): boolean {
  return isMotionAtomPayload(view.nodeAttachment(scope));
}

/** Footprint: a_write = {α(scope)} if the scope node exists. @public */
export function motionFootprint(view: GraphView, scope: NodeId): Footprint {
  const fp = new Footprint();
  if (view.node(scope)) fp.writeAttachment(nodeAlpha(view.warpId(), scope));
  return fp;
}

/** Executor: one integration step, emitted only when the bytes change. Usable standalone (BOAW). @public */
export function motionExecutor(view: GraphView, scope: NodeId, delta: TickDelta): void {
  if (!view.node(scope)) return;
  const current = view.nodeAttachment(scope);
  if (!current || current.kind !== 'atom') return;
  // A v2 payload is stepped as it is; a v0 payload's raws (quantised f32s) as their v2 encoding.
  let v2: Uint8Array;
  if (current.bytes.length === MOTION_V2_LEN && bytesEqual(current.typeId, MOTION_V2_TYPE_ID)) v2 = current.bytes;
  else {
    const decoded = decodeMotionAtomPayload(current);
    if (!decoded) return;
    v2 = encodeMotionRaw(decoded.pos, decoded.vel);
  }
  const bytes = stepV2(v2);
  if (bytesEqual(bytes, current.bytes)) return;
  delta.emit({ op: 'SetAttachment', key: nodeAlpha(view.warpId(), scope), value: atom(MOTION_V2_TYPE_ID, bytes) });
}

/**
 * One integration step of a v2 payload (48 bytes: pos x, y, z, vel x, y, z as i64 LE Q32.32),
 * equal to decoding the raws, stepping them with `toF32` / `fromF32` and `encodeMotionRaw`:
 * `toF32Words` and `setFromF32` are those functions on the raws' two 32-bit words.
 * @internal
 */
export function stepV2(cur: Uint8Array): Uint8Array {
  const src = new DataView(cur.buffer, cur.byteOffset, MOTION_V2_LEN);
  const out = new Uint8Array(MOTION_V2_LEN);
  const dst = new DataView(out.buffer);
  for (let i = 0; i < 24; i += 8) {
    const v = toF32Words(src.getUint32(24 + i, true), src.getInt32(28 + i, true));
    const p = toF32Words(src.getUint32(i, true), src.getInt32(i + 4, true));
    setFromF32(dst, i, Math.fround(p + v));
    setFromF32(dst, 24 + i, v);
  }
  return out;
}

/** The `motion/update` rule. @public */
export function motionRule(): RewriteRule {
  return {
    id: MOTION_RULE_ID,
    name: MOTION_RULE_NAME,
    matcher: motionMatcher,
    executor: motionExecutor,
    computeFootprint: motionFootprint,
    left: [],
    factorMask: 0n,
    conflictPolicy: 'abort',
  };
}
