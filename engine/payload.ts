/**
 * The motion demo payload codec, as warp-core's `payload.rs` (ENGINE-SPEC §2.7).
 *
 * Frozen (hashed into every state root that holds a motion atom):
 * - v2 (canonical): type `makeTypeId("payload/motion/v2")` (f8abe5d1…c10aa5), 48 bytes =
 *   six i64 LE Q32.32 raws: pos x, y, z, then vel x, y, z.
 * - v0 (legacy): type `makeTypeId("payload/motion/v0")` (fec23794…61bf3f), 24 bytes =
 *   six f32 LE in the same order.
 *
 * Invariants:
 * - Encoders always write v2; f32 inputs go through `fromF32` (NaN → 0, ±∞ saturate).
 * - `decodeMotionAtomPayload` dispatches on the type id, then requires the exact length;
 *   `decodeMotionPayload` (bytes only) dispatches on the length: 48 → v2, 24 → v0.
 * - Decoders return Q32.32 raws; a v0 payload's f32s are quantised with `fromF32`.
 */
import { fromF32 } from './fixedQ32';
import { makeTypeId, type TypeId } from './ident';
import { atom, type AttachmentValue } from './record';
import { bytesEqual } from './bytes';

/** `make_type_id("payload/motion/v0")`, the legacy 24-byte f32 layout. @public */
export const MOTION_V0_TYPE_ID: TypeId = makeTypeId('payload/motion/v0');
/** `make_type_id("payload/motion/v2")`, the canonical 48-byte Q32.32 layout. @public */
export const MOTION_V2_TYPE_ID: TypeId = makeTypeId('payload/motion/v2');

/** @public */ export const MOTION_V0_LEN = 24;
/** @public */ export const MOTION_V2_LEN = 48;

/** A 3-vector of f32 values (JS numbers, rounded with `Math.fround` on use); entries 0..2 are read. @public */
export type Vec3F = readonly number[];
/** A 3-vector of Q32.32 raws; entries 0..2 are read. @public */
export type Vec3Raw = readonly bigint[];

/** Decoded motion state as Q32.32 raws. @public */
export interface MotionRaw {
  readonly pos: [bigint, bigint, bigint];
  readonly vel: [bigint, bigint, bigint];
}

/** `encode_motion_payload_q32_32`: six raws (wrapped to i64) as 48 LE bytes. @public */
export function encodeMotionRaw(pos: Vec3Raw, vel: Vec3Raw): Uint8Array {
  const out = new Uint8Array(MOTION_V2_LEN);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 3; i++) {
    dv.setBigInt64(8 * i, BigInt.asIntN(64, pos[i]!), true);
    dv.setBigInt64(24 + 8 * i, BigInt.asIntN(64, vel[i]!), true);
  }
  return out;
}

/** `encode_motion_payload`: v2 bytes from f32 position and velocity. @public */
export function encodeMotionPayload(pos: Vec3F, vel: Vec3F): Uint8Array {
  return encodeMotionRaw(
    [fromF32(Math.fround(pos[0])), fromF32(Math.fround(pos[1])), fromF32(Math.fround(pos[2]))],
    [fromF32(Math.fround(vel[0])), fromF32(Math.fround(vel[1])), fromF32(Math.fround(vel[2]))],
  );
}

/** `encode_motion_payload_v0`: legacy 24-byte f32 layout (for compatibility tests). @public */
export function encodeMotionPayloadV0(pos: Vec3F, vel: Vec3F): Uint8Array {
  const out = new Uint8Array(MOTION_V0_LEN);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 3; i++) {
    dv.setFloat32(4 * i, pos[i]!, true);
    dv.setFloat32(12 + 4 * i, vel[i]!, true);
  }
  return out;
}

/** `encode_motion_atom_payload`: Atom{MOTION_V2_TYPE_ID, v2 bytes}. @public */
export function encodeMotionAtomPayload(pos: Vec3F, vel: Vec3F): AttachmentValue {
  return atom(MOTION_V2_TYPE_ID, encodeMotionPayload(pos, vel));
}

/** `encode_motion_atom_payload_v0`: Atom{MOTION_V0_TYPE_ID, v0 bytes}. @public */
export function encodeMotionAtomPayloadV0(pos: Vec3F, vel: Vec3F): AttachmentValue {
  return atom(MOTION_V0_TYPE_ID, encodeMotionPayloadV0(pos, vel));
}

function decodeV2(bytes: Uint8Array): MotionRaw | null {
  if (bytes.length !== MOTION_V2_LEN) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    pos: [dv.getBigInt64(0, true), dv.getBigInt64(8, true), dv.getBigInt64(16, true)],
    vel: [dv.getBigInt64(24, true), dv.getBigInt64(32, true), dv.getBigInt64(40, true)],
  };
}

function decodeV0(bytes: Uint8Array): MotionRaw | null {
  if (bytes.length !== MOTION_V0_LEN) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f = (o: number): bigint => fromF32(dv.getFloat32(o, true));
  return { pos: [f(0), f(4), f(8)], vel: [f(12), f(16), f(20)] };
}

/** `decode_motion_payload` by length (48 → v2, 24 → v0), as Q32.32 raws; null otherwise. @public */
export function decodeMotionPayload(bytes: Uint8Array): MotionRaw | null {
  if (bytes.length === MOTION_V2_LEN) return decodeV2(bytes);
  if (bytes.length === MOTION_V0_LEN) return decodeV0(bytes);
  return null;
}

/**
 * `decode_motion_atom_payload_q32_32`: dispatch on the atom's type id (v2, then v0), then require
 * the exact length. Null for absent values, portals, other types and wrong lengths.
 * @public
 */
export function decodeMotionAtomPayload(v: AttachmentValue | undefined | null): MotionRaw | null {
  if (!v || v.kind !== 'atom') return null;
  if (bytesEqual(v.typeId, MOTION_V2_TYPE_ID)) return decodeV2(v.bytes);
  if (bytesEqual(v.typeId, MOTION_V0_TYPE_ID)) return decodeV0(v.bytes);
  return null;
}

/**
 * `decodeMotionAtomPayload(v) !== null`, without decoding: an atom of the v2 type id with 48
 * bytes, or of the v0 type id with 24 (every such byte string decodes). What a matcher asks.
 * @public
 */
export function isMotionAtomPayload(v: AttachmentValue | undefined | null): boolean {
  if (!v || v.kind !== 'atom') return false;
  if (bytesEqual(v.typeId, MOTION_V2_TYPE_ID)) return v.bytes.length === MOTION_V2_LEN;
  if (bytesEqual(v.typeId, MOTION_V0_TYPE_ID)) return v.bytes.length === MOTION_V0_LEN;
  return false;
}
