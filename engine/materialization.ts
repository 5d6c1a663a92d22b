/**
 * Materialization bus, MBUS wire frames and the (unwired) materialization port (ENGINE-SPEC §8.4).
 *
 * The bus collects per-tick channel output keyed by `(channel, EmitKey)` and folds each channel
 * into one byte string at `finalize()` according to the channel's policy. Nothing from the bus
 * enters any hash.
 *
 * Invariants:
 * - Every order is byte order: channels ascend by id bytes, emissions by `EmitKey`
 *   (scope bytes, then rule id, then subkey; §1.3). Map insertion order never reaches output —
 *   keys are fixed-length lowercase hex, sorted with `<` before use.
 * - `emit` rejects a second emission for the same `(channel, key)` even when the bytes are
 *   identical (`DuplicateEmission`); the first emission stays.
 * - `finalize()` puts each channel that received emissions into exactly one of
 *   `channels` / `errors`, then clears all pending emissions. Registered policies persist.
 * - Channels without a registered policy use `Log`.
 * - Emitted bytes are copied on `emit`; later mutation of the caller's buffer has no effect.
 *
 * Frozen (finalized channel data):
 * - Log:          ‖ over emissions in EmitKey order of u32le(len) ‖ data.
 * - StrictSingle: the single value; more than one emission → `StrictSingleConflict` report entry.
 * - Reduce(op), values in EmitKey order; with no values Sum → 8 zero bytes, others → empty:
 *   Sum    = wrapping u64 sum of each value read as u64le (zero-padded / truncated to 8), 8 LE bytes;
 *   Max/Min = whole-value memcmp order; BitOr = zero-pad to longest, OR; BitAnd = truncate to
 *   shortest, AND; First/Last = first/last value; Concat = plain concatenation.
 *
 * Frozen (MBUS frame, little-endian):
 *   off 0  size 4  magic "MBUS" (4D 42 55 53)
 *   off 4  size 2  version u16le(1)
 *   off 6  size 2  reserved u16le(0) (written as 0, ignored on decode)
 *   off 8  size 4  payload_len u32le = 32 + data length
 *   off 12 size 32 channel id
 *   off 44 var     data
 * Decoding rejects total length < 12, wrong magic, version ≠ 1, payload_len < 32 and truncation;
 * bytes after 12 + payload_len are ignored by `decodeFrame`. `decodeFrames` splits on each
 * header's length and fails on any malformed frame.
 */
import { ByteWriter, compareBytes, toHex } from './bytes';
import { ID_LEN, type TypeId } from './ident';

/** A materialization channel id: `H("channel:" ‖ label)`, see `makeChannelId`. @public */
export type ChannelId = TypeId;

/** Reduction operators of `Reduce` channels. @public */
export type ReduceOp = 'sum' | 'max' | 'min' | 'bitOr' | 'bitAnd' | 'first' | 'last' | 'concat';

/** How a channel's emissions are folded at finalize. Unregistered channels are `log`. @public */
export type ChannelPolicy =
  | { readonly kind: 'log' }
  | { readonly kind: 'strictSingle' }
  | { readonly kind: 'reduce'; readonly op: ReduceOp };

/** Emission key `(scope_hash[32], rule_id u32, subkey u32)`, ordered lexicographically. @public */
export interface EmitKey {
  readonly scopeHash: Uint8Array;
  readonly ruleId: number;
  readonly subkey: number;
}

/** Codes of `MaterializationError`. @public */
export type MaterializationErrorCode =
  | 'DuplicateEmission'
  | 'StrictSingleConflict'
  | 'FrameTooShort'
  | 'BadMagic'
  | 'BadVersion'
  | 'BadPayloadLength'
  | 'Truncated';

/** An error of the materialization bus or the MBUS frame codec, with a stable `code`. @public */
export class MaterializationError extends Error {
  constructor(
    readonly code: MaterializationErrorCode,
    message: string,
    readonly detail: { readonly channel?: ChannelId; readonly key?: EmitKey } = {},
  ) {
    super(`${code}: ${message}`);
    this.name = 'MaterializationError';
  }
}

/** One finalized channel (also the decoded form of an MBUS frame). @public */
export interface FinalizedChannel {
  readonly channel: ChannelId;
  readonly data: Uint8Array;
}

/** A channel whose emissions violated its policy (only `StrictSingle` can). @public */
export interface ChannelConflict {
  readonly channel: ChannelId;
  readonly emissionCount: number;
  readonly kind: 'StrictSingleConflict';
}

/** Result of `MaterializationBus.finalize()`; both lists ascend by channel id bytes. @public */
export interface FinalizeReport {
  readonly channels: FinalizedChannel[];
  readonly errors: ChannelConflict[];
}

// ---------------------------------------------------------------------------------------------
// EmitKey

function checkU32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} must be a u32, got ${n}`);
}

function checkId(id: Uint8Array, what: string): void {
  if (!(id instanceof Uint8Array) || id.length !== ID_LEN) {
    throw new RangeError(`${what} must be ${ID_LEN} bytes, got ${id instanceof Uint8Array ? id.length : typeof id}`);
  }
}

function checkKey(key: EmitKey): void {
  checkId(key.scopeHash, 'EmitKey.scopeHash');
  checkU32(key.ruleId, 'EmitKey.ruleId');
  checkU32(key.subkey, 'EmitKey.subkey');
}

const hexU32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** Fixed-length (80 hex digits) key whose `<` order is the EmitKey order. @internal */
function emitKeyHex(key: EmitKey): string {
  return toHex(key.scopeHash) + hexU32(key.ruleId) + hexU32(key.subkey);
}

/** Builds a validated EmitKey (copies the scope hash). @throws RangeError. @public */
export function makeEmitKey(scopeHash: Uint8Array, ruleId: number, subkey = 0): EmitKey {
  const key: EmitKey = { scopeHash: scopeHash.slice(), ruleId, subkey };
  checkKey(key);
  return key;
}

/** EmitKey order: scope bytes, then rule id, then subkey. @public */
export function compareEmitKeys(a: EmitKey, b: EmitKey): number {
  const c = compareBytes(a.scopeHash, b.scopeHash);
  if (c !== 0) return c;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.subkey !== b.subkey) return a.subkey < b.subkey ? -1 : 1;
  return 0;
}

/** `EmitKey::subkey_from_hash`: u32le of the first four bytes of `h`. @throws RangeError if shorter. @public */
export function subkeyFromHash(h: Uint8Array): number {
  if (h.length < 4) throw new RangeError(`subkeyFromHash needs at least 4 bytes, got ${h.length}`);
  return (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Reduction

/** Folds `values` (already in EmitKey order) with `op` (§8.4 table). @public */
export function reduceValues(op: ReduceOp, values: readonly Uint8Array[]): Uint8Array {
  switch (op) {
    case 'sum': {
      let acc = 0n;
      for (const v of values) {
        let x = 0n;
        const n = Math.min(8, v.length);
        for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(v[i]!);
        acc = BigInt.asUintN(64, acc + x);
      }
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, acc, true);
      return out;
    }
    case 'max':
    case 'min': {
      if (values.length === 0) return new Uint8Array(0);
      let best = values[0]!;
      for (let i = 1; i < values.length; i++) {
        const c = compareBytes(values[i]!, best);
        if (op === 'max' ? c > 0 : c < 0) best = values[i]!;
      }
      return best.slice();
    }
    case 'bitOr': {
      let len = 0;
      for (const v of values) len = Math.max(len, v.length);
      const out = new Uint8Array(len);
      for (const v of values) for (let i = 0; i < v.length; i++) out[i] |= v[i]!;
      return out;
    }
    case 'bitAnd': {
      if (values.length === 0) return new Uint8Array(0);
      let len = values[0]!.length;
      for (const v of values) len = Math.min(len, v.length);
      const out = values[0]!.slice(0, len);
      for (let k = 1; k < values.length; k++) {
        const v = values[k]!;
        for (let i = 0; i < len; i++) out[i] &= v[i]!;
      }
      return out;
    }
    case 'first':
      return values.length === 0 ? new Uint8Array(0) : values[0]!.slice();
    case 'last':
      return values.length === 0 ? new Uint8Array(0) : values[values.length - 1]!.slice();
    case 'concat': {
      const w = new ByteWriter();
      for (const v of values) w.bytes(v);
      return w.finish();
    }
    default: {
      const never: never = op;
      throw new RangeError(`unknown reduce op ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bus

interface PendingChannel {
  readonly channel: ChannelId;
  readonly emissions: Map<string, Uint8Array>;
}

const LOG_POLICY: ChannelPolicy = Object.freeze({ kind: 'log' });

/**
 * Collects emissions per `(channel, EmitKey)` and folds them at `finalize()` (§8.4).
 * @public
 */
export class MaterializationBus {
  private readonly policies = new Map<string, ChannelPolicy>();
  private readonly pending = new Map<string, PendingChannel>();

  /** Sets (or replaces) the policy of `channel`. @public */
  registerChannel(channel: ChannelId, policy: ChannelPolicy): void {
    checkId(channel, 'channel');
    const p: ChannelPolicy =
      policy.kind === 'reduce' ? Object.freeze({ kind: 'reduce', op: policy.op }) : Object.freeze({ kind: policy.kind });
    this.policies.set(toHex(channel), p);
  }

  /** The policy of `channel` (`log` when unregistered). @public */
  policyOf(channel: ChannelId): ChannelPolicy {
    return this.policies.get(toHex(channel)) ?? LOG_POLICY;
  }

  /** Records one emission. @throws MaterializationError `DuplicateEmission` if `(channel, key)` exists. @public */
  emit(channel: ChannelId, key: EmitKey, data: Uint8Array): void {
    checkId(channel, 'channel');
    checkKey(key);
    const chHex = toHex(channel);
    let ch = this.pending.get(chHex);
    const kHex = emitKeyHex(key);
    if (ch?.emissions.has(kHex)) {
      throw new MaterializationError('DuplicateEmission', `channel ${chHex} already has an emission for key ${kHex}`, {
        channel,
        key,
      });
    }
    if (!ch) {
      ch = { channel: channel.slice() as ChannelId, emissions: new Map() };
      this.pending.set(chHex, ch);
    }
    ch.emissions.set(kHex, data.slice());
  }

  /** True when no emission is pending. @public */
  get isEmpty(): boolean {
    return this.pending.size === 0;
  }

  /** Folds every pending channel (ascending id) by its policy, then clears pending emissions. @public */
  finalize(): FinalizeReport {
    const channels: FinalizedChannel[] = [];
    const errors: ChannelConflict[] = [];
    const chKeys = Array.from(this.pending.keys()).sort(cmpStr);
    for (const chHex of chKeys) {
      const ch = this.pending.get(chHex)!;
      const keys = Array.from(ch.emissions.keys()).sort(cmpStr);
      const values = keys.map((k) => ch.emissions.get(k)!);
      const policy = this.policyOf(ch.channel);
      switch (policy.kind) {
        case 'log': {
          const w = new ByteWriter();
          for (const v of values) w.u32(v.length >>> 0).bytes(v);
          channels.push({ channel: ch.channel, data: w.finish() });
          break;
        }
        case 'strictSingle':
          if (values.length > 1) {
            errors.push({ channel: ch.channel, emissionCount: values.length, kind: 'StrictSingleConflict' });
          } else {
            channels.push({ channel: ch.channel, data: values.length === 1 ? values[0]! : new Uint8Array(0) });
          }
          break;
        case 'reduce':
          channels.push({ channel: ch.channel, data: reduceValues(policy.op, values) });
          break;
      }
    }
    this.pending.clear();
    return { channels, errors };
  }

  /** Drops all pending emissions (policies are kept). @public */
  clear(): void {
    this.pending.clear();
  }
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Something rule-side code can emit through. @public */
export interface EmissionPort {
  emit(channel: ChannelId, data: Uint8Array): void;
  emitWithSubkey(channel: ChannelId, subkey: number, data: Uint8Array): void;
}

/** Emits into a bus under a fixed `(scopeHash, ruleId)`. @public */
export class ScopedEmitter implements EmissionPort {
  constructor(
    readonly bus: MaterializationBus,
    readonly scopeHash: Uint8Array,
    readonly ruleId: number,
  ) {
    checkId(scopeHash, 'scopeHash');
    checkU32(ruleId, 'ruleId');
  }

  /** Emits with `EmitKey(scopeHash, ruleId, 0)`. @public */
  emit(channel: ChannelId, data: Uint8Array): void {
    this.bus.emit(channel, { scopeHash: this.scopeHash, ruleId: this.ruleId, subkey: 0 }, data);
  }

  /** Emits with `EmitKey(scopeHash, ruleId, subkey)`. @public */
  emitWithSubkey(channel: ChannelId, subkey: number, data: Uint8Array): void {
    this.bus.emit(channel, { scopeHash: this.scopeHash, ruleId: this.ruleId, subkey }, data);
  }
}

// ---------------------------------------------------------------------------------------------
// MBUS frames

/** Frame magic "MBUS". @public */
export const MBUS_MAGIC: readonly number[] = Object.freeze([0x4d, 0x42, 0x55, 0x53]);
/** Frame version. @public */
export const MBUS_VERSION = 1;
/** Fixed header length (magic, version, reserved, payload_len). @public */
export const MBUS_HEADER_LEN = 12;

/** Encodes one MBUS frame. @public */
export function encodeFrame(channel: ChannelId, data: Uint8Array): Uint8Array {
  checkId(channel, 'channel');
  const payloadLen = ID_LEN + data.length;
  if (payloadLen > 0xffffffff) throw new RangeError(`MBUS payload too long: ${payloadLen}`);
  const w = new ByteWriter(MBUS_HEADER_LEN + payloadLen);
  for (const b of MBUS_MAGIC) w.u8(b);
  w.u16(MBUS_VERSION).u16(0).u32(payloadLen).bytes(channel).bytes(data);
  return w.finish();
}

function decodeAt(bytes: Uint8Array, offset: number): { frame: FinalizedChannel; end: number } {
  const avail = bytes.length - offset;
  if (avail < MBUS_HEADER_LEN) {
    throw new MaterializationError('FrameTooShort', `need ${MBUS_HEADER_LEN} header bytes at offset ${offset}, have ${avail}`);
  }
  for (let i = 0; i < 4; i++) {
    if (bytes[offset + i] !== MBUS_MAGIC[i]) throw new MaterializationError('BadMagic', `bad magic at offset ${offset}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, MBUS_HEADER_LEN);
  const version = view.getUint16(4, true);
  if (version !== MBUS_VERSION) throw new MaterializationError('BadVersion', `unsupported version ${version}`);
  const payloadLen = view.getUint32(8, true);
  if (payloadLen < ID_LEN) throw new MaterializationError('BadPayloadLength', `payload_len ${payloadLen} < ${ID_LEN}`);
  if (payloadLen > avail - MBUS_HEADER_LEN) {
    throw new MaterializationError('Truncated', `payload_len ${payloadLen} exceeds the ${avail - MBUS_HEADER_LEN} available bytes`);
  }
  const start = offset + MBUS_HEADER_LEN;
  const end = start + payloadLen;
  return {
    frame: { channel: bytes.slice(start, start + ID_LEN) as ChannelId, data: bytes.slice(start + ID_LEN, end) },
    end,
  };
}

/** Decodes one MBUS frame; trailing bytes are ignored. @throws MaterializationError. @public */
export function decodeFrame(bytes: Uint8Array): FinalizedChannel {
  return decodeAt(bytes, 0).frame;
}

/** Concatenates the frames of `list`, in list order. @public */
export function encodeFrames(list: readonly FinalizedChannel[]): Uint8Array {
  const w = new ByteWriter();
  for (const f of list) w.bytes(encodeFrame(f.channel, f.data));
  return w.finish();
}

/** Splits concatenated frames by their headers. @throws MaterializationError on any malformed frame. @public */
export function decodeFrames(bytes: Uint8Array): FinalizedChannel[] {
  const out: FinalizedChannel[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { frame, end } = decodeAt(bytes, offset);
    out.push(frame);
    offset = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Port

/**
 * Subscriber-side view of finalized channels (not wired to the engine, §8.4): a replay cache of
 * the last data of every finalized channel, and pending frames for subscribed channels only.
 * Unsubscribing does not remove frames already pending.
 * @public
 */
export class MaterializationPort {
  private readonly subscribed = new Set<string>();
  private readonly cache = new Map<string, Uint8Array>();
  private pending: FinalizedChannel[] = [];

  /** Subscribes to `channel`; returns a copy of its cached last value, or null. @public */
  subscribe(channel: ChannelId): Uint8Array | null {
    checkId(channel, 'channel');
    const hex = toHex(channel);
    this.subscribed.add(hex);
    const cached = this.cache.get(hex);
    return cached ? cached.slice() : null;
  }

  /** Stops queueing frames for `channel`. @public */
  unsubscribe(channel: ChannelId): void {
    this.subscribed.delete(toHex(channel));
  }

  /** True when `channel` is subscribed. @public */
  isSubscribed(channel: ChannelId): boolean {
    return this.subscribed.has(toHex(channel));
  }

  /** A copy of the cached last value of `channel`, or null. @public */
  cached(channel: ChannelId): Uint8Array | null {
    const c = this.cache.get(toHex(channel));
    return c ? c.slice() : null;
  }

  /** Feeds a finalize report: caches every finalized channel, queues subscribed ones (report order). @public */
  publish(report: FinalizeReport): void {
    for (const f of report.channels) {
      const hex = toHex(f.channel);
      const data = f.data.slice();
      this.cache.set(hex, data);
      if (this.subscribed.has(hex)) this.pending.push({ channel: f.channel.slice() as ChannelId, data: data.slice() });
    }
  }

  /** Number of pending frames. @public */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Returns and empties the pending frames. @public */
  drain(): FinalizedChannel[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Returns the pending frames as concatenated MBUS frames and empties them. @public */
  drainEncoded(): Uint8Array {
    return encodeFrames(this.drain());
  }

  /** Resets subscriptions, the replay cache and pending frames. @public */
  clear(): void {
    this.subscribed.clear();
    this.cache.clear();
    this.pending = [];
  }
}
