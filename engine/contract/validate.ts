/**
 * Run-time validators for every invoke request (no dependencies). The host runs them before a
 * payload touches the engine; anything malformed or hostile gets a typed `BadRequest` error and
 * changes nothing.
 *
 * Invariants: validators never throw anything but `ContractError`; they reject unknown keys, wrong
 * types, non-hex ids, oversized strings/arrays and prototype-polluting keys.
 */
import type { AttachmentInputDto, EditDto, JsonValue } from './dto';
import { INVOKE_CHANNELS, type InvokeChannel, type Req } from './ipc';

export class ContractError extends Error {
  readonly code = 'BadRequest';
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAX_STRING = 4096;
const MAX_BASE64 = 256 * 1024 * 1024;
/** A merge slot key: `kind:warpHex:idHex` (engine/timeline/slots.ts). */
const SLOT_KEY = /^(node|edge|nodeAttachment|edgeAttachment|instance):[0-9a-f]{64}:[0-9a-f]{64}$/;
const MAX_RESOLUTIONS = 100_000;
/** Largest attachment or intent accepted from the UI, in bytes. */
export const MAX_EDIT_BYTES = 64 * 1024;
/** Most edits in one `echo:edit.apply`. */
export const MAX_EDITS = 64;
const OP_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const HEX_BYTES = /^(?:[0-9a-f]{2})*$/;
/** Bounds of a codec value (`JsonValue`): nesting depth, total number of values, keys per object. */
const JSON_MAX_DEPTH = 16;
const JSON_MAX_NODES = 10_000;
const JSON_MAX_KEYS = 256;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function obj(v: unknown, allowed: readonly string[], where: string): Obj {
  if (!isPlainObject(v)) throw new ContractError(`${where}: expected an object`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new ContractError(`${where}: unexpected field "${k.slice(0, 40)}"`);
  }
  return v;
}

function str(v: unknown, where: string, max = MAX_STRING): string {
  if (typeof v !== 'string') throw new ContractError(`${where}: expected a string`);
  if (v.length > max) throw new ContractError(`${where}: string too long`);
  return v;
}

function hex(v: unknown, where: string): string {
  const s = str(v, where, 64);
  if (!HEX64.test(s)) throw new ContractError(`${where}: expected 64 lowercase hex digits`);
  return s;
}

function hexOrNull(v: unknown, where: string): string | null {
  return v === null ? null : hex(v, where);
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ContractError(`${where}: expected an integer in ${min}..${max}`);
  return v;
}

function num(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ContractError(`${where}: expected a number in ${min}..${max}`);
  return v;
}

function branchName(v: unknown, where: string): string {
  const s = str(v, where, 64);
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/.test(s)) throw new ContractError(`${where}: invalid branch name`);
  return s;
}

function stringRecord(v: unknown, where: string): Record<string, string> {
  if (!isPlainObject(v)) throw new ContractError(`${where}: expected an object`);
  const out: Record<string, string> = {};
  const keys = Object.keys(v);
  if (keys.length > 64) throw new ContractError(`${where}: too many entries`);
  for (const k of keys) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new ContractError(`${where}: forbidden key`);
    out[str(k, where, 128)] = str(v[k], `${where}.${k.slice(0, 40)}`);
  }
  return out;
}

function slot(v: unknown, where: string): Req<'echo:query.blame'>['slot'] {
  if (!isPlainObject(v)) throw new ContractError(`${where}: expected a slot`);
  const kind = v.kind;
  if (kind === 'node' || kind === 'edge') {
    const o = obj(v, ['kind', 'warp', 'id', 'label'], where);
    return { kind, warp: hex(o.warp, `${where}.warp`), id: hex(o.id, `${where}.id`) };
  }
  if (kind === 'attachment') {
    const o = obj(v, ['kind', 'owner', 'plane', 'warp', 'id', 'label'], where);
    if (o.owner !== 'node' && o.owner !== 'edge') throw new ContractError(`${where}.owner: expected node or edge`);
    if (o.plane !== 'alpha' && o.plane !== 'beta') throw new ContractError(`${where}.plane: expected alpha or beta`);
    return { kind, owner: o.owner, plane: o.plane, warp: hex(o.warp, `${where}.warp`), id: hex(o.id, `${where}.id`) };
  }
  throw new ContractError(`${where}.kind: expected node, edge or attachment`);
}

const EMPTY = (v: unknown, where: string) => obj(v, [], where) as Record<string, never>;

function opId(v: unknown, where: string): string {
  const s = str(v, where, 64);
  if (!OP_ID.test(s)) throw new ContractError(`${where}: expected an operation id [A-Za-z0-9._:-]{1,64}`);
  return s;
}

/** Adds `op` to `out` when the request names one. */
function withOp<T extends object>(o: Obj, out: T, where: string): T & { op?: string } {
  return o.op === undefined ? out : { ...out, op: opId(o.op, `${where}.op`) };
}

function hexBytes(v: unknown, where: string, maxBytes: number): string {
  const s = str(v, where, maxBytes * 2);
  if (!HEX_BYTES.test(s)) throw new ContractError(`${where}: expected lowercase hex bytes (an even number of digits)`);
  return s;
}

function name(v: unknown, where: string): string {
  const s = str(v, where, 256);
  if (s.length === 0) throw new ContractError(`${where}: expected a non-empty name`);
  return s;
}

/** A bounded plain-JSON value (copied; no prototypes, no forbidden keys, finite numbers). */
function jsonValue(v: unknown, where: string): JsonValue {
  let nodes = 0;
  const walk = (x: unknown, depth: number): JsonValue => {
    if (++nodes > JSON_MAX_NODES) throw new ContractError(`${where}: value too large`);
    if (depth > JSON_MAX_DEPTH) throw new ContractError(`${where}: value nested too deeply`);
    if (x === null || typeof x === 'boolean') return x;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new ContractError(`${where}: numbers must be finite`);
      return x;
    }
    if (typeof x === 'string') return str(x, where);
    if (Array.isArray(x)) {
      if (x.length > JSON_MAX_NODES) throw new ContractError(`${where}: array too long`);
      const out: JsonValue[] = [];
      for (let i = 0; i < x.length; i++) out.push(walk(x[i], depth + 1));
      return out;
    }
    if (!isPlainObject(x)) throw new ContractError(`${where}: expected plain JSON data`);
    const keys = Object.keys(x);
    if (keys.length > JSON_MAX_KEYS) throw new ContractError(`${where}: too many keys`);
    const out: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    for (const k of keys) {
      if (FORBIDDEN_KEYS.has(k)) throw new ContractError(`${where}: forbidden key`);
      out[str(k, where, 256)] = walk(x[k], depth + 1);
    }
    return { ...out };
  };
  return walk(v, 0);
}

function attachmentInput(v: unknown, where: string): AttachmentInputDto {
  if (!isPlainObject(v)) throw new ContractError(`${where}: expected { typeId, hex } or { codec, value }`);
  if (v.codec !== undefined) {
    const o = obj(v, ['codec', 'value'], where);
    if (!Object.hasOwn(o, 'value')) throw new ContractError(`${where}.value: missing`);
    return { codec: name(o.codec, `${where}.codec`), value: jsonValue(o.value, `${where}.value`) };
  }
  const o = obj(v, ['typeId', 'hex'], where);
  return { typeId: hex(o.typeId, `${where}.typeId`), hex: hexBytes(o.hex, `${where}.hex`, MAX_EDIT_BYTES) };
}

/** Exactly one of `a` / `b` given; returns the fields to copy. */
function oneOf(o: Obj, a: string, b: string, where: string, fa: (v: unknown, w: string) => string, fb: (v: unknown, w: string) => string): Record<string, string> {
  const ha = o[a] !== undefined;
  const hb = o[b] !== undefined;
  if (ha === hb) throw new ContractError(`${where}: give exactly one of ${a} or ${b}`);
  return ha ? { [a]: fa(o[a], `${where}.${a}`) } : { [b]: fb(o[b], `${where}.${b}`) };
}

function edit(v: unknown, where: string): EditDto {
  if (!isPlainObject(v)) throw new ContractError(`${where}: expected an edit`);
  switch (v.kind) {
    case 'setAttachment': {
      const o = obj(v, ['kind', 'owner', 'warp', 'id', 'value'], where);
      if (o.owner !== 'node' && o.owner !== 'edge') throw new ContractError(`${where}.owner: expected node or edge`);
      if (!Object.hasOwn(o, 'value')) throw new ContractError(`${where}.value: missing (null clears)`);
      return { kind: 'setAttachment', owner: o.owner, warp: hex(o.warp, `${where}.warp`), id: hex(o.id, `${where}.id`), value: o.value === null ? null : attachmentInput(o.value, `${where}.value`) };
    }
    case 'addNode': {
      const o = obj(v, ['kind', 'warp', 'id', 'name', 'type', 'typeName'], where);
      return { kind: 'addNode', warp: hex(o.warp, `${where}.warp`), ...oneOf(o, 'id', 'name', where, hex, name), ...oneOf(o, 'type', 'typeName', where, hex, name) };
    }
    case 'deleteNode':
    case 'deleteEdge': {
      const o = obj(v, ['kind', 'warp', 'id'], where);
      return { kind: v.kind, warp: hex(o.warp, `${where}.warp`), id: hex(o.id, `${where}.id`) };
    }
    case 'addEdge': {
      const o = obj(v, ['kind', 'warp', 'from', 'to', 'toName', 'id', 'name', 'type', 'typeName'], where);
      return {
        kind: 'addEdge',
        warp: hex(o.warp, `${where}.warp`),
        from: hex(o.from, `${where}.from`),
        ...oneOf(o, 'to', 'toName', where, hex, name),
        ...oneOf(o, 'id', 'name', where, hex, name),
        ...oneOf(o, 'type', 'typeName', where, hex, name),
      };
    }
    default:
      throw new ContractError(`${where}.kind: expected setAttachment, addNode, deleteNode, addEdge or deleteEdge`);
  }
}

type Validators = { [K in InvokeChannel]: (v: unknown, where: string) => Req<K> };

const VALIDATORS: Validators = {
  'echo:world.load': (v, w) => {
    const o = obj(v, ['world', 'params'], w);
    const out: Req<'echo:world.load'> = { world: str(o.world, `${w}.world`, 1024) };
    if (o.params !== undefined) out.params = stringRecord(o.params, `${w}.params`);
    return out;
  },
  'echo:world.info': EMPTY,
  'echo:graph.snapshot': (v, w) => {
    const o = obj(v, ['commit'], w);
    return o.commit === undefined ? {} : { commit: hexOrNull(o.commit, `${w}.commit`) };
  },
  'echo:tick.step': (v, w) => {
    const o = obj(v, ['n', 'op'], w);
    return withOp(o, { n: int(o.n, `${w}.n`, 1, 10_000) }, w);
  },
  'echo:tick.play': (v, w) => ({ ticksPerSecond: num(obj(v, ['ticksPerSecond'], w).ticksPerSecond, `${w}.ticksPerSecond`, 0.1, 1000) }),
  'echo:tick.pause': EMPTY,
  'echo:tick.detail': (v, w) => ({ commit: hex(obj(v, ['commit'], w).commit, `${w}.commit`) }),
  'echo:timeline.get': EMPTY,
  'echo:timeline.seek': (v, w) => ({ commit: hexOrNull(obj(v, ['commit'], w).commit, `${w}.commit`) }),
  'echo:timeline.fork': (v, w) => {
    const o = obj(v, ['name', 'at'], w);
    const out: Req<'echo:timeline.fork'> = { name: branchName(o.name, `${w}.name`) };
    if (o.at !== undefined) out.at = hexOrNull(o.at, `${w}.at`);
    return out;
  },
  'echo:timeline.switch': (v, w) => ({ branch: branchName(obj(v, ['branch'], w).branch, `${w}.branch`) }),
  'echo:timeline.verify': (v, w) => {
    const o = obj(v, ['branch', 'op'], w);
    return withOp(o, o.branch === undefined ? {} : { branch: branchName(o.branch, `${w}.branch`) }, w);
  },
  'echo:timeline.mergePreview': (v, w) => {
    const o = obj(v, ['ours', 'theirs'], w);
    return { ours: branchName(o.ours, `${w}.ours`), theirs: branchName(o.theirs, `${w}.theirs`) };
  },
  'echo:timeline.merge': (v, w) => {
    const o = obj(v, ['ours', 'theirs', 'resolutions', 'op'], w);
    if (!isPlainObject(o.resolutions)) throw new ContractError(`${w}.resolutions: expected an object`);
    const keys = Object.keys(o.resolutions);
    if (keys.length > MAX_RESOLUTIONS) throw new ContractError(`${w}.resolutions: too many entries`);
    const resolutions: Record<string, 'ours' | 'theirs'> = {};
    for (const k of keys) {
      if (!SLOT_KEY.test(k)) throw new ContractError(`${w}.resolutions: invalid slot key`);
      const x = (o.resolutions as Obj)[k];
      if (x !== 'ours' && x !== 'theirs') throw new ContractError(`${w}.resolutions: expected ours or theirs`);
      resolutions[k] = x;
    }
    return withOp(o, { ours: branchName(o.ours, `${w}.ours`), theirs: branchName(o.theirs, `${w}.theirs`), resolutions }, w);
  },
  'echo:timeline.diverge': (v, w) => {
    const o = obj(v, ['a', 'b'], w);
    return { a: branchName(o.a, `${w}.a`), b: branchName(o.b, `${w}.b`) };
  },
  'echo:query.node': (v, w) => {
    const o = obj(v, ['warp', 'id', 'commit'], w);
    const out: Req<'echo:query.node'> = { warp: hex(o.warp, `${w}.warp`), id: hex(o.id, `${w}.id`) };
    if (o.commit !== undefined) out.commit = hexOrNull(o.commit, `${w}.commit`);
    return out;
  },
  'echo:query.diff': (v, w) => {
    const o = obj(v, ['a', 'b'], w);
    return { a: hexOrNull(o.a, `${w}.a`), b: hex(o.b, `${w}.b`) };
  },
  'echo:query.blame': (v, w) => {
    const o = obj(v, ['slot', 'branch'], w);
    const out: Req<'echo:query.blame'> = { slot: slot(o.slot, `${w}.slot`) };
    if (o.branch !== undefined) out.branch = branchName(o.branch, `${w}.branch`);
    return out;
  },
  'echo:session.export': (v, w) => withOp(obj(v, ['op'], w), {}, w),
  'echo:session.import': (v, w) => {
    const o = obj(v, ['bytesBase64', 'op'], w);
    const s = str(o.bytesBase64, `${w}.bytesBase64`, MAX_BASE64);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new ContractError(`${w}.bytesBase64: not base64`);
    return withOp(o, { bytesBase64: s }, w);
  },
  'echo:determinism.check': (v, w) => {
    const o = obj(v, ['ticks', 'op'], w);
    return withOp(o, o.ticks === undefined ? {} : { ticks: int(o.ticks, `${w}.ticks`, 1, 10_000) }, w);
  },
  'echo:query.edge': (v, w) => {
    const o = obj(v, ['warp', 'id', 'commit'], w);
    const out: Req<'echo:query.edge'> = { warp: hex(o.warp, `${w}.warp`), id: hex(o.id, `${w}.id`) };
    if (o.commit !== undefined) out.commit = hexOrNull(o.commit, `${w}.commit`);
    return out;
  },
  'echo:edit.apply': (v, w) => {
    const o = obj(v, ['edits'], w);
    if (!Array.isArray(o.edits) || o.edits.length === 0 || o.edits.length > MAX_EDITS) throw new ContractError(`${w}.edits: expected 1..${MAX_EDITS} edits`);
    const edits: EditDto[] = [];
    for (let i = 0; i < o.edits.length; i++) edits.push(edit(o.edits[i], `${w}.edits[${i}]`));
    return { edits };
  },
  'echo:intent.ingest': (v, w) => ({ hex: hexBytes(obj(v, ['hex'], w).hex, `${w}.hex`, MAX_EDIT_BYTES) }),
  'echo:op.cancel': (v, w) => ({ op: opId(obj(v, ['op'], w).op, `${w}.op`) }),
};

/** True for a known invoke channel. */
export function isInvokeChannel(c: unknown): c is InvokeChannel {
  return typeof c === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(c);
}

/** Validates a request for `channel`; returns a clean copy. @throws ContractError */
export function validateRequest<K extends InvokeChannel>(channel: unknown, payload: unknown): { channel: K; req: Req<K> } {
  if (!isInvokeChannel(channel)) throw new ContractError(`unknown channel ${typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : typeof channel}`);
  const v = VALIDATORS[channel] as (p: unknown, w: string) => Req<K>;
  return { channel: channel as K, req: v(payload, channel) };
}
