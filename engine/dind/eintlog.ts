/**
 * `.eintlog` container (ENGINE-SPEC §11.1, crate `echo-wasm-abi`, `eintlog.rs`).
 *
 * Frozen layout:
 *   off 0  "ELOG"            magic, must match
 *   off 4  u16le version     must be 1
 *   off 6  u16le flags       must be 0
 *   off 8  32 bytes          schema hash (checked by the harness, not here)
 *   off 40 8 bytes           reserved, must be all zero
 *   off 48 frames            repeated u32le(len) ‖ payload[len], len ≤ 10 MiB
 *
 * Invariants (warp-core `read_exact` semantics):
 * - EOF at, or inside, a length prefix (0–3 bytes left) ends the log cleanly.
 * - EOF inside a payload is `TruncatedFrame`; a declared length above 10 MiB is `FrameTooLarge`
 *   (checked before the payload is read).
 * - Header fields are checked in file order; a header cut short is `TooShort` at the field it cuts.
 * - Frame payloads are opaque here (they should be EINT envelopes; nothing checks that).
 */

/** The magic, as text. @public */
export const ELOG_MAGIC = 'ELOG';
/** @public */ export const ELOG_VERSION = 1;
/** @public */ export const ELOG_HEADER_LEN = 48;
/** Largest accepted frame payload: 10 MiB. @public */
export const ELOG_MAX_FRAME_LEN = 10 * 1024 * 1024;

/** @public */
export type EintLogErrorCode = 'BadMagic' | 'BadVersion' | 'BadFlags' | 'BadReserved' | 'TooShort' | 'FrameTooLarge' | 'TruncatedFrame';

/** A malformed `.eintlog`; `offset` is the byte offset of the offending field. @public */
export class EintLogError extends Error {
  constructor(
    readonly code: EintLogErrorCode,
    readonly offset: number,
    detail: string,
  ) {
    super(`${code} at byte offset ${offset}: ${detail}`);
    this.name = 'EintLogError';
  }
}

/** A decoded log. @public */
export interface EintLog {
  /** The 32-byte schema hash of the header. */
  readonly schemaHash: Uint8Array;
  /** Frame payloads in file order (copies, independent of the input buffer). */
  readonly frames: Uint8Array[];
}

function need(bytes: Uint8Array, off: number, n: number, field: string): void {
  if (bytes.length < off + n) {
    throw new EintLogError('TooShort', off, `header field ${field} needs ${n} bytes, file has ${Math.max(0, bytes.length - off)} left (file is ${bytes.length} bytes)`);
  }
}

/** Parses a whole `.eintlog`. @throws EintLogError. @public */
export function readEintLog(bytes: Uint8Array): EintLog {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  need(bytes, 0, 4, 'magic');
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== ELOG_MAGIC.charCodeAt(i)) throw new EintLogError('BadMagic', 0, 'expected "ELOG"');
  }
  need(bytes, 4, 2, 'version');
  const version = dv.getUint16(4, true);
  if (version !== ELOG_VERSION) throw new EintLogError('BadVersion', 4, `version ${version}, expected ${ELOG_VERSION}`);
  need(bytes, 6, 2, 'flags');
  const flags = dv.getUint16(6, true);
  if (flags !== 0) throw new EintLogError('BadFlags', 6, `flags 0x${flags.toString(16).padStart(4, '0')}, expected 0`);
  need(bytes, 8, 32, 'schema hash');
  const schemaHash = bytes.slice(8, 40);
  need(bytes, 40, 8, 'reserved');
  for (let i = 40; i < 48; i++) {
    if (bytes[i] !== 0) throw new EintLogError('BadReserved', i, 'reserved bytes must be zero');
  }
  const frames: Uint8Array[] = [];
  let off = ELOG_HEADER_LEN;
  while (bytes.length - off >= 4) {
    const len = dv.getUint32(off, true);
    if (len > ELOG_MAX_FRAME_LEN) {
      throw new EintLogError('FrameTooLarge', off, `frame ${frames.length} declares ${len} bytes (max ${ELOG_MAX_FRAME_LEN})`);
    }
    const start = off + 4;
    if (bytes.length - start < len) {
      throw new EintLogError('TruncatedFrame', start, `frame ${frames.length} declares ${len} bytes, only ${bytes.length - start} remain`);
    }
    frames.push(bytes.slice(start, start + len));
    off = start + len;
  }
  return { schemaHash, frames };
}

/**
 * Serialises a log (tests, tooling). @throws RangeError when the schema hash is not 32 bytes or
 * a frame exceeds 10 MiB. @public
 */
export function writeEintLog(schemaHash: Uint8Array, frames: readonly Uint8Array[]): Uint8Array {
  if (schemaHash.length !== 32) throw new RangeError(`schema hash must be 32 bytes, got ${schemaHash.length}`);
  let total = ELOG_HEADER_LEN;
  for (const f of frames) {
    if (f.length > ELOG_MAX_FRAME_LEN) throw new RangeError(`frame of ${f.length} bytes exceeds ${ELOG_MAX_FRAME_LEN}`);
    total += 4 + f.length;
  }
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = ELOG_MAGIC.charCodeAt(i);
  dv.setUint16(4, ELOG_VERSION, true);
  dv.setUint16(6, 0, true);
  out.set(schemaHash, 8);
  let off = ELOG_HEADER_LEN;
  for (const f of frames) {
    dv.setUint32(off, f.length, true);
    out.set(f, off + 4);
    off += 4 + f.length;
  }
  return out;
}
