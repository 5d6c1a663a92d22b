/**
 * EINT intent envelope v1 (ENGINE-SPEC §11.2, `pack_intent_v1` / `unpack_intent_v1`).
 *
 * Frozen: "EINT"(4) ‖ u32le(op_id) ‖ u32le(vars_len) ‖ vars[vars_len].
 *
 * Unpacking checks, in this order: length ≥ 12 (`TooShort`), the magic (`InvalidMagic`),
 * length ≥ 12 + vars_len (`TooShort`), length ≤ 12 + vars_len (`LengthMismatch`): the length
 * must be EXACT.
 *
 * API choice: `unpackIntentV1` never throws. It returns a discriminated result, because rule
 * matchers call it on every candidate and a malformed envelope is an ordinary "no match", not an
 * exceptional condition. `packIntentV1` throws `RangeError` only on programmer errors (an op id
 * that is not a u32).
 */

/** Envelope header length. @public */
export const EINT_HEADER_LEN = 12;
const MAGIC = [0x45, 0x49, 0x4e, 0x54]; // "EINT"

/** @public */
export type EintErrorCode = 'TooShort' | 'InvalidMagic' | 'LengthMismatch';

/** A decoded envelope; `vars` is a view into the input bytes. @public */
export interface EintIntent {
  readonly opId: number;
  readonly vars: Uint8Array;
}

/** @public */
export type UnpackResult = ({ readonly ok: true } & EintIntent) | { readonly ok: false; readonly error: EintErrorCode };

/** Packs `op_id` and `vars` into an envelope. @throws RangeError when `opId` is not a u32. @public */
export function packIntentV1(opId: number, vars: Uint8Array): Uint8Array {
  if (!Number.isInteger(opId) || opId < 0 || opId > 0xffffffff) throw new RangeError(`op id ${opId} is not a u32`);
  const out = new Uint8Array(EINT_HEADER_LEN + vars.length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint32(4, opId, true);
  dv.setUint32(8, vars.length, true);
  out.set(vars, EINT_HEADER_LEN);
  return out;
}

/** Unpacks an envelope with the exact-length rule. Never throws. @public */
export function unpackIntentV1(bytes: Uint8Array): UnpackResult {
  if (bytes.length < EINT_HEADER_LEN) return { ok: false, error: 'TooShort' };
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2] || bytes[3] !== MAGIC[3]) {
    return { ok: false, error: 'InvalidMagic' };
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const opId = dv.getUint32(4, true);
  const varsLen = dv.getUint32(8, true);
  const available = bytes.length - EINT_HEADER_LEN;
  if (available < varsLen) return { ok: false, error: 'TooShort' };
  if (available > varsLen) return { ok: false, error: 'LengthMismatch' };
  return { ok: true, opId, vars: bytes.subarray(EINT_HEADER_LEN) };
}
