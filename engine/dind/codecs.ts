/**
 * DIND op ids and vars codecs (ENGINE-SPEC §11.5, `echo-dind-tests/src/generated/codecs.rs`).
 *
 * Frozen: op ids are opaque u32 constants (little-endian in the envelope). Vars encodings:
 * - set_theme: u16le(mode), mode ∈ {0 LIGHT, 1 DARK, 2 SYSTEM}
 * - route_push, toast: u32le(n) ‖ UTF-8[n]
 * - put_kv: u32le(k) ‖ key ‖ u32le(v) ‖ value
 * - app_state, drop_ball, toggle_nav: none
 * Every string is at most 65 536 bytes (`MAX_STRING_BYTES`).
 *
 * Invariants: decoders ignore trailing bytes; a short buffer, invalid UTF-8 (strict), an
 * over-long string or an out-of-range theme returns `null`. Encoders are for tests and tooling.
 *
 * Note: upstream comments give set_theme as "1822649880 (0x6ca33218)"; the hex is wrong
 * (0x6CA33218 = 1822634520). 000_smoke_theme and 030_error_determinism carry that wrong id, so
 * their "set theme" frames match no handler and are only acked.
 */
import { concatBytes, utf8 } from '../bytes';

/** @public */
export const OP_ID = Object.freeze({
  APP_STATE: 190543078, // 0x0B5B74E6, no rule handles it
  DROP_BALL: 778504871, // 0x2E670AA7
  SET_THEME: 1822649880, // 0x6CA36E18
  ROUTE_PUSH: 2216217860, // 0x8418CD04
  TOGGLE_NAV: 3272403183, // 0xC30CE8EF
  TOAST: 4255241313, // 0xFDA1D461
  PUT_KV: 3000000001, // 0xB2D05E01
} as const);

/** The wrong set_theme id found in 000_smoke_theme / 030_error_determinism (matches nothing). @public */
export const BOGUS_SET_THEME_OP_ID = 0x6ca33218;

/** @public */
export const MAX_STRING_BYTES = 65536;

/** @public */
export const THEME = Object.freeze({ LIGHT: 0, DARK: 1, SYSTEM: 2 } as const);
/** @public */
export type Theme = 0 | 1 | 2;

// Strict, and keeps a leading U+FEFF like Rust's `str::from_utf8` (the default decoder strips it).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Rust `std::str::from_utf8`: strict UTF-8 that keeps a leading BOM; `null` when invalid. @public */
export function decodeUtf8Exact(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Reads `u32le(n) ‖ UTF-8[n]` at `off`; `null` when short, longer than `MAX_STRING_BYTES` or not
 * UTF-8. `bytes` is the raw UTF-8 (a view into the input), `next` the offset after it.
 * @public
 */
export function readLenPrefixedString(buf: Uint8Array, off: number): { value: string; bytes: Uint8Array; next: number } | null {
  if (buf.length < off + 4) return null;
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(off, true);
  const start = off + 4;
  if (n > MAX_STRING_BYTES || buf.length < start + n) return null;
  const bytes = buf.subarray(start, start + n);
  const value = decodeUtf8Exact(bytes);
  return value === null ? null : { value, bytes, next: start + n };
}

/** `u32le(n) ‖ bytes` for raw UTF-8 bytes. @public */
export function lenPrefixed(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length, true);
  out.set(b, 4);
  return out;
}

/** `u32le(n) ‖ UTF-8[n]`. @public */
export function encodeLenPrefixedString(s: string): Uint8Array {
  return lenPrefixed(utf8(s));
}

/** route_push vars → path. @public */
export function decodeRoutePushVars(vars: Uint8Array): string | null {
  return readLenPrefixedString(vars, 0)?.value ?? null;
}

/** toast vars → message. @public */
export function decodeToastVars(vars: Uint8Array): string | null {
  return readLenPrefixedString(vars, 0)?.value ?? null;
}

/** set_theme vars → mode. @public */
export function decodeSetThemeVars(vars: Uint8Array): Theme | null {
  if (vars.length < 2) return null;
  const v = vars[0]! | (vars[1]! << 8);
  return v === 0 || v === 1 || v === 2 ? v : null;
}

/** put_kv vars → key and value. @public */
export function decodePutKvVars(vars: Uint8Array): { key: string; value: string } | null {
  const k = readLenPrefixedString(vars, 0);
  if (!k) return null;
  const v = readLenPrefixedString(vars, k.next);
  return v ? { key: k.value, value: v.value } : null;
}

/** @public */ export const encodeRoutePushVars = (path: string): Uint8Array => encodeLenPrefixedString(path);
/** @public */ export const encodeToastVars = (message: string): Uint8Array => encodeLenPrefixedString(message);
/** @public */
export function encodeSetThemeVars(mode: number): Uint8Array {
  return new Uint8Array([mode & 0xff, (mode >>> 8) & 0xff]);
}
/** @public */
export function encodePutKvVars(key: string, value: string): Uint8Array {
  return concatBytes(encodeLenPrefixedString(key), encodeLenPrefixedString(value));
}
