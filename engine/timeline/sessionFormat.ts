/**
 * Session file format v1: framing (preamble, checksummed records, trailer) and the body codecs of
 * every record kind. Shared by session files and the autosave journal. The full byte layout, with
 * the versioning policy, is documented in docs/timelines.md ("File format").
 *
 * Frozen (v1) — changing any of this changes every session file and needs a format version bump:
 * - preamble = magic(8: "ECHOSESS" | "ECHOJRNL") ‖ u16 version ‖ u16 flags (reserved, 0)
 * - record   = u32 seq ‖ u8 kind ‖ u32 body length ‖ body ‖ BLAKE3("echo:session-record:v1" ‖
 *              u32 seq ‖ u8 kind ‖ u32 length ‖ body)   (seq = the record's index, from 0)
 * - session  = preamble ‖ header(1) ‖ initial state(2) ‖ commit(3)* ‖ branch table(4) ‖ trailer(255)
 * - journal  = preamble ‖ header(1) ‖ initial state(2) ‖ (commit(3) | branch(5) | active(6))*
 * - trailer body = u32 record count before it ‖ BLAKE3(every byte before the trailer)
 *
 * Invariants:
 * - Canonical: a decoder accepts exactly what the encoder writes (sorted keys, canonical commit
 *   order, derived fields omitted), so `encode(decode(b))` is `b` for every accepted `b`.
 * - Decoding throws only `SessionError`, naming the record index and its byte offset; a length
 *   or count is checked against the bytes that remain before anything is allocated.
 * - Derived on decode, never stored: commit depth, snapshot root and policy (from the header),
 *   receipt digest (= decision digest), receipt `blockedBy` (recomputed from footprints exactly
 *   as the engine does) and per-entry rule names (from the header's rule table).
 */
import { ByteWriter, compareBytes, fromHex, toHex, utf8 } from '../bytes';
import { ByteReader, CodecError } from '../codec/byteReader';
import { writeAttachmentValueOpt, writeSlot } from '../codec/canonical';
import { readAttachmentValueOpt, readOp, readSlot } from '../codec/canonicalRead';
import type { DirectEdit } from '../directEdit';
import { readAscending, readFootprint, writeFootprint } from '../codec/footprintBinary';
import { Footprint } from '../footprint';
import { tickBlockers } from '../tickBlockers';
import { PackedFootprints, type FootprintList } from '../footprintList';
import type { RuleNameList } from '../ruleNameList';
import { blake3, defaultBlake3 } from '../hash';
import type { EdgeId, Hash, NodeId, TypeId, WarpId } from '../ident';
import { PackedReceiptEntries, type TickReceipt, type TickReceiptEntry } from '../receipt';
import { PackedSlots } from '../slotList';
import { PackedOps, writeOpList } from '../opList';
import { slotSortKey, type NodeKey, type SlotId } from '../record';
import type { Snapshot } from '../snapshot';
import { opSortKey, type WarpOp } from '../tickDelta';
import type { WarpState } from '../warpState';
import type { ReplayableCommit } from './replay';
import { SessionError, type SessionErrorCode } from './sessionError';

/** Current (and only) session / journal format version. @public */
export const SESSION_FORMAT_VERSION = 1;
/** @public */ export const SESSION_MAGIC = utf8('ECHOSESS');
/** @public */ export const JOURNAL_MAGIC = utf8('ECHOJRNL');
/** Bytes before the first record. @public */
export const PREAMBLE_LEN = 12;
/** Frame overhead of one record: 9 header bytes + 32 checksum bytes. @public */
export const FRAME_OVERHEAD = 41;
const RECORD_DOMAIN = utf8('echo:session-record:v1');

/** Record kinds. @public */
export const RecordKind = {
  Header: 1,
  InitialState: 2,
  Commit: 3,
  BranchTable: 4,
  /** Journal only: branch `name` now points at `head`. */
  BranchHead: 5,
  /** Journal only: the active branch changed. */
  Active: 6,
  Trailer: 255,
} as const;

/** @public */
export const recordKindName = (k: number): string =>
  ({ 1: 'header', 2: 'initial state', 3: 'commit', 4: 'branch table', 5: 'branch head', 6: 'active branch', 255: 'trailer' })[k] ?? `kind ${k}`;

/** Branch names, as `Timeline.fork` accepts them. @public */
export const BRANCH_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

// ------------------------------------------------------------------------------------- types

/** A registered rule, as the header's rule table lists it. @public */
export interface SessionRule {
  readonly id: Hash;
  readonly name: string;
}

/** World identity and replay environment. @public */
export interface SessionHeader {
  readonly worldName: string;
  /** Resolved world parameters (keys ascending by UTF-8 bytes when decoded). */
  readonly params: Readonly<Record<string, number | string>>;
  readonly root: NodeKey;
  readonly policyId: number;
  readonly rulePackId: Hash;
  /** Rules in registration order; their ids hash to `rulePackId`. */
  readonly rules: readonly SessionRule[];
  /** Checkpoint interval the session was recorded with (a hint for restore). */
  readonly checkpointEvery: number;
}

/** One commit with everything replay and the inspector need. @public */
export interface SessionCommit extends ReplayableCommit {
  readonly hex: string;
  readonly parentHexes: readonly string[];
  readonly kind: 'tick' | 'merge';
  /** First-parent distance from U0 (derived). */
  readonly depth: number;
  /** Branch that created the commit. */
  readonly createdOn: string;
  readonly snapshot: Snapshot;
  readonly receipt: TickReceipt;
  readonly footprints: FootprintList;
  readonly ruleNames: RuleNameList;
}

/** @public */
export interface SessionBranch {
  readonly name: string;
  readonly head: string | null;
}

/** Where a record sits in the bytes. @public */
export interface RecordLocation {
  readonly record: number;
  readonly offset: number;
}

/** A decoded session: U0, the commit DAG (parents first) and the branch table. @public */
export interface SessionData {
  readonly header: SessionHeader;
  readonly initial: WarpState;
  /** Parents before children; decoded session files are in canonical (generation, hash) order. */
  readonly commits: readonly SessionCommit[];
  /** Sorted by name. */
  readonly branches: readonly SessionBranch[];
  readonly active: string;
  /** Record of each commit (by hex) and of the fixed records, for error messages. */
  readonly locations?: {
    readonly header: RecordLocation;
    readonly initial: RecordLocation;
    readonly commits: ReadonlyMap<string, RecordLocation>;
    readonly branches?: RecordLocation;
  };
}

// ----------------------------------------------------------------------------------- framing

/** Preamble bytes. @public */
export function writePreamble(w: ByteWriter, magic: Uint8Array): void {
  w.bytes(magic).u16(SESSION_FORMAT_VERSION).u16(0);
}

function recordChecksum(seq: number, kind: number, body: Uint8Array, bodyStart: number, bodyEnd: number): Uint8Array {
  const w = new ByteWriter(RECORD_DOMAIN.length + 9);
  w.bytes(RECORD_DOMAIN).u32(seq).u8(kind).u32(bodyEnd - bodyStart);
  const h = defaultBlake3.stream();
  h.update(w.finish());
  h.update(body.subarray(bodyStart, bodyEnd));
  return h.digest();
}

/** Appends one framed record. @public */
export function writeRecord(w: ByteWriter, seq: number, kind: number, body: Uint8Array): void {
  w.u32(seq).u8(kind).u32(body.length).bytes(body).bytes(recordChecksum(seq, kind, body, 0, body.length));
}

/** One framed record as read (body is `bytes[bodyStart, bodyEnd)`). @public */
export interface RawRecord {
  readonly index: number;
  readonly kind: number;
  readonly offset: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Offset just past the checksum. */
  readonly end: number;
}

/** Checks magic, version and flags. @throws SessionError(BadMagic | UnsupportedVersion | ReservedFlags | Truncated) @public */
export function readPreamble(bytes: Uint8Array, magic: Uint8Array, what: string): void {
  const where = { record: null, offset: 0 };
  const have = bytes.subarray(0, Math.min(8, bytes.length));
  if (compareBytes(have, magic.subarray(0, have.length)) !== 0) {
    throw new SessionError('BadMagic', `not ${what} (magic ${JSON.stringify(String.fromCharCode(...have))}, expected "${String.fromCharCode(...magic)}")`, where);
  }
  if (bytes.length < PREAMBLE_LEN) throw new SessionError('Truncated', `${bytes.length} bytes: shorter than the ${PREAMBLE_LEN}-byte preamble`, where);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_LEN);
  const version = dv.getUint16(8, true);
  if (version !== SESSION_FORMAT_VERSION) {
    throw new SessionError('UnsupportedVersion', `format version ${version}; this build reads version ${SESSION_FORMAT_VERSION}`, { ...where, at: 8 });
  }
  const flags = dv.getUint16(10, true);
  if (flags !== 0) throw new SessionError('ReservedFlags', `reserved flag bits 0x${flags.toString(16)} are set`, { ...where, at: 10 });
}

/**
 * Reads the record starting at `offset`, which must be record number `seq`.
 * @throws SessionError(Truncated | BadChecksum | OutOfOrder)
 * @public
 */
export function readRecordAt(bytes: Uint8Array, offset: number, seq: number): RawRecord {
  const where = { record: seq, offset };
  const left = bytes.length - offset;
  if (left < 9) throw new SessionError('Truncated', `the bytes end inside the record header (${left} of 9 bytes)`, where);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, 9);
  const gotSeq = dv.getUint32(0, true);
  const kind = dv.getUint8(4);
  const len = dv.getUint32(5, true);
  if (len + 32 > left - 9) {
    throw new SessionError('Truncated', `declares a ${len}-byte body but only ${Math.max(0, left - 41)} bytes (+ checksum) remain`, { ...where, at: offset + 5 });
  }
  const bodyStart = offset + 9;
  const bodyEnd = bodyStart + len;
  const sum = recordChecksum(gotSeq, kind, bytes, bodyStart, bodyEnd);
  if (compareBytes(sum, bytes.subarray(bodyEnd, bodyEnd + 32)) !== 0) {
    throw new SessionError('BadChecksum', `checksum mismatch (record bytes altered)`, { ...where, at: bodyEnd });
  }
  if (gotSeq !== seq) {
    throw new SessionError('OutOfOrder', `sequence number ${gotSeq} where record ${seq} belongs (records moved, repeated or missing)`, where);
  }
  return { index: seq, kind, offset, bodyStart, bodyEnd, end: bodyEnd + 32 };
}

/** Runs a body decoder, turning `CodecError`s into `SessionError(BadRecord)` for that record. @public */
export function parseBody<T>(bytes: Uint8Array, rec: RawRecord, f: (r: ByteReader) => T): T {
  const r = new ByteReader(bytes, rec.bodyStart, rec.bodyEnd);
  try {
    const v = f(r);
    r.expectEnd(recordKindName(rec.kind) + ' body');
    return v;
  } catch (e) {
    if (e instanceof CodecError) throw new SessionError('BadRecord', `${recordKindName(rec.kind)}: ${e.message}`, { record: rec.index, offset: rec.offset, at: e.offset });
    throw e;
  }
}

/** A `SessionError` about record `rec`. @public */
export function recordError(code: SessionErrorCode, rec: { readonly record: number; readonly offset: number | null } | undefined, detail: string, commit?: string): SessionError {
  return new SessionError(code, detail, { record: rec ? rec.record : null, offset: rec ? rec.offset : null, ...(commit ? { commit } : {}) });
}

// ------------------------------------------------------------------------------------ header

const utf8Order = (a: string, b: string): number => compareBytes(utf8(a), utf8(b));

/** Header body. @public */
export function writeHeaderBody(w: ByteWriter, h: SessionHeader): void {
  writeStr(w, h.worldName);
  const keys = Object.keys(h.params).sort(utf8Order);
  w.u32(keys.length);
  for (const k of keys) {
    const v = h.params[k]!;
    writeStr(w, k);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new RangeError(`parameter "${k}" is not a finite number`);
      w.u8(1);
      writeStr(w, String(v));
    } else {
      w.u8(2);
      writeStr(w, v);
    }
  }
  w.bytes(h.root.warp).bytes(h.root.local).u32(h.policyId).bytes(h.rulePackId);
  w.u32(h.rules.length);
  for (const r of h.rules) {
    w.bytes(r.id);
    writeStr(w, r.name);
  }
  w.u32(h.checkpointEvery);
}

/** @public */
export function readHeaderBody(r: ByteReader): SessionHeader {
  const worldName = r.str('world name');
  const n = r.count(9, 'parameter count');
  const params: Record<string, number | string> = {};
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const k = r.str('parameter name');
    if (prev !== null && utf8Order(prev, k) >= 0) r.fail(`parameter "${k}" is out of order or repeated`, at);
    prev = k;
    const t = r.tag([1, 2], 'parameter type');
    const vAt = r.offset;
    const s = r.str('parameter value');
    if (t === 1) {
      const num = Number(s);
      if (s === '' || !Number.isFinite(num) || String(num) !== s) r.fail(`parameter "${k}": "${s}" is not a canonical number`, vAt);
      params[k] = num;
    } else params[k] = s;
  }
  const root: NodeKey = { warp: r.id('root warp') as WarpId, local: r.id('root node') as NodeId };
  const policyId = r.u32('policy id');
  const rulePackId = r.id('rule pack id');
  const nr = r.count(36, 'rule count');
  const rules: SessionRule[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  for (let i = 0; i < nr; i++) {
    const at = r.offset;
    const id = r.id('rule id');
    const name = r.str('rule name');
    if (ids.has(toHex(id)) || names.has(name)) r.fail(`rule "${name}" (${toHex(id)}) is listed twice`, at);
    ids.add(toHex(id));
    names.add(name);
    rules.push({ id, name });
  }
  const kAt = r.offset;
  const checkpointEvery = r.u32('checkpoint interval');
  if (checkpointEvery < 1) r.fail('checkpoint interval must be at least 1', kAt);
  return { worldName, params, root, policyId, rulePackId, rules, checkpointEvery };
}

// ------------------------------------------------------------------------------------ commit

function writeStr(w: ByteWriter, s: string): void {
  const b = utf8(s);
  w.u32(b.length).bytes(b);
}

function writeEdit(w: ByteWriter, e: DirectEdit): void {
  switch (e.kind) {
    case 'ingestIntent':
      w.u8(1).u32(e.bytes.length).bytes(e.bytes);
      return;
    case 'insertNode':
      w.u8(2).bytes(e.warp).bytes(e.id).bytes(e.record.ty);
      return;
    case 'setNodeAttachment':
      w.u8(3).bytes(e.warp).bytes(e.id);
      writeAttachmentValueOpt(w, e.value);
      return;
    case 'insertEdge':
      w.u8(4).bytes(e.warp).bytes(e.from).bytes(e.record.id).bytes(e.record.from).bytes(e.record.to).bytes(e.record.ty);
      return;
    case 'setEdgeAttachment':
      w.u8(5).bytes(e.warp).bytes(e.id);
      writeAttachmentValueOpt(w, e.value);
      return;
    case 'deleteNode':
      w.u8(6).bytes(e.warp).bytes(e.id);
      return;
    case 'deleteEdge':
      w.u8(7).bytes(e.warp).bytes(e.from).bytes(e.id);
      return;
  }
}

function readEdit(r: ByteReader): DirectEdit {
  switch (r.tag([1, 2, 3, 4, 5, 6, 7], 'input tag')) {
    case 1:
      return { kind: 'ingestIntent', bytes: r.blob('intent bytes') };
    case 2: {
      const warp = r.id() as WarpId;
      const id = r.id() as NodeId;
      return { kind: 'insertNode', warp, id, record: { ty: r.id() as TypeId } };
    }
    case 3: {
      const warp = r.id() as WarpId;
      const id = r.id() as NodeId;
      return { kind: 'setNodeAttachment', warp, id, value: readAttachmentValueOpt(r) };
    }
    case 4: {
      const warp = r.id() as WarpId;
      const from = r.id() as NodeId;
      const id = r.id() as EdgeId;
      const recFrom = r.id() as NodeId;
      const to = r.id() as NodeId;
      const ty = r.id() as TypeId;
      return { kind: 'insertEdge', warp, from, record: { id, from: recFrom, to, ty } };
    }
    case 5: {
      const warp = r.id() as WarpId;
      const id = r.id() as EdgeId;
      return { kind: 'setEdgeAttachment', warp, id, value: readAttachmentValueOpt(r) };
    }
    case 6:
      return { kind: 'deleteNode', warp: r.id() as WarpId, id: r.id() as NodeId };
    default:
      return { kind: 'deleteEdge', warp: r.id() as WarpId, from: r.id() as NodeId, id: r.id() as EdgeId };
  }
}

/** Commit body (see docs/timelines.md). @public */
export function writeCommitBody(w: ByteWriter, c: SessionCommit): void {
  const s = c.snapshot;
  w.bytes(c.hash).u8(c.kind === 'tick' ? 1 : 2).u8(c.parents.length);
  for (const p of c.parents) w.bytes(p);
  w.bytes(s.stateRoot).bytes(s.patchDigest).bytes(s.planDigest).bytes(s.decisionDigest).bytes(s.rewritesDigest);
  w.u64(s.tx);
  writeStr(w, c.createdOn);
  w.u32(c.inputs.length);
  for (const e of c.inputs) writeEdit(w, e);
  w.u32(c.appliedOps.length);
  writeOpList(w, c.appliedOps);
  w.u32(c.inSlots.length);
  for (const sl of c.inSlots) writeSlot(w, sl);
  w.u32(c.outSlots.length);
  for (const sl of c.outSlots) writeSlot(w, sl);
  const entries = c.receipt.entries;
  w.u32(entries.length);
  for (const e of entries) w.bytes(e.ruleId).bytes(e.scopeHash).bytes(e.scope.warp).bytes(e.scope.local).u8(e.disposition === 'applied' ? 1 : 2);
  for (let i = 0; i < entries.length; i++) writeFootprint(w, c.footprints.at(i) ?? new Footprint());
}

/** Decoding context of a commit body: the header plus the depths of commits read so far. @public */
export interface CommitContext {
  readonly header: SessionHeader;
  readonly ruleNames: ReadonlyMap<string, string>;
  depthOf(hex: string): number | undefined;
}

/**
 * Reads a commit body. Structural checks only (parents known, kind/parents consistent, canonical
 * order of ops and slots, rule ids in the rule table); hashes are checked by replay.
 * @public
 */
export function readCommitBody(r: ByteReader, ctx: CommitContext, onParentMissing: (hex: string) => never): SessionCommit {
  const hash = r.id('commit hash');
  const kAt = r.offset;
  const kind = r.tag([1, 2], 'commit kind') === 1 ? 'tick' : 'merge';
  const np = r.u8('parent count');
  if (kind === 'tick' ? np > 1 : np !== 2) r.fail(`a ${kind} commit cannot have ${np} parent(s)`, kAt);
  const parents: Hash[] = [];
  for (let i = 0; i < np; i++) parents.push(r.id('parent'));
  const parentHexes = parents.map(toHex);
  if (np === 2 && parentHexes[0] === parentHexes[1]) r.fail('a merge names the same parent twice', kAt);
  const depths = parentHexes.map((p) => ctx.depthOf(p) ?? onParentMissing(p));
  const depth = np === 0 ? 1 : depths[0]! + 1;
  const stateRoot = r.id('state root');
  const patchDigest = r.id('patch digest');
  const planDigest = r.id('plan digest');
  const decisionDigest = r.id('decision digest');
  const rewritesDigest = r.id('rewrites digest');
  const tx = r.u64('tx');
  const cAt = r.offset;
  const createdOn = r.str('created-on branch');
  if (!BRANCH_NAME_RE.test(createdOn)) r.fail(`invalid branch name "${createdOn}"`, cAt);
  const inputs: DirectEdit[] = [];
  const ni = r.count(5, 'input count');
  for (let i = 0; i < ni; i++) inputs.push(readEdit(r));
  const appliedOps: WarpOp[] = [];
  readAscending(r, 33, 'applied op', () => readOp(r), opSortKey, (op) => appliedOps.push(op));
  const inSlots: SlotId[] = [];
  readAscending(r, 9, 'in slot', () => readSlot(r), slotSortKey, (s) => inSlots.push(s));
  const outSlots: SlotId[] = [];
  readAscending(r, 9, 'out slot', () => readSlot(r), slotSortKey, (s) => outSlots.push(s));
  // Packed as the engine packs a commit's slots: an out-slot that is also an in-slot is listed as
  // that in-slot (one encoding for both lists).
  const inByKey = new Map(inSlots.map((s) => [slotSortKey(s), s] as const));
  const [packedIn, packedOut] = PackedSlots.pair(inSlots, outSlots.map((s) => inByKey.get(slotSortKey(s)) ?? s));
  const ne = r.count(129 + 40, 'receipt entry count');
  if (kind === 'merge' && (ne > 0 || ni > 0)) r.fail('a merge commit carries no inputs and no receipt entries', kAt);
  const entries: TickReceiptEntry[] = [];
  const ruleNames: string[] = [];
  for (let i = 0; i < ne; i++) {
    const at = r.offset;
    const ruleId = r.id('rule id');
    const name = ctx.ruleNames.get(toHex(ruleId));
    if (name === undefined) r.fail(`receipt entry ${i} names rule ${toHex(ruleId)}, which is not in the rule table`, at);
    const scopeHash = r.id('scope hash');
    const scope: NodeKey = { warp: r.id('scope warp') as WarpId, local: r.id('scope node') as NodeId };
    const disposition = r.tag([1, 2], 'disposition') === 1 ? 'applied' : 'rejected';
    entries.push({ ruleId, scopeHash, scope, disposition });
    ruleNames.push(name);
  }
  const footprints: Footprint[] = [];
  for (let i = 0; i < ne; i++) footprints.push(readFootprint(r));
  // blockedBy exactly as the engine computes it: earlier accepted entries whose footprints overlap.
  const blockedBy = tickBlockers(
    footprints,
    entries.map((e) => (e.disposition === 'applied' ? 1 : 0)),
  );
  const { header } = ctx;
  const snapshot: Snapshot = { root: header.root, hash, stateRoot, parents, planDigest, decisionDigest, rewritesDigest, patchDigest, policyId: header.policyId, tx };
  const receipt: TickReceipt = { tx, entries: PackedReceiptEntries.of(entries), blockedBy, digest: decisionDigest };
  return {
    hash,
    hex: toHex(hash),
    parents,
    parentHexes,
    kind,
    depth,
    createdOn,
    stateRoot,
    patchDigest,
    inputs,
    appliedOps: PackedOps.of(appliedOps),
    inSlots: packedIn,
    outSlots: packedOut,
    snapshot,
    receipt,
    footprints: PackedFootprints.pack(footprints),
    ruleNames,
  };
}

// ------------------------------------------------------------------------ branches and trailer

/** Branch table body: names ascending (UTF-8 bytes), then the active branch. @public */
export function writeBranchTableBody(w: ByteWriter, branches: readonly SessionBranch[], active: string): void {
  const sorted = branches.slice().sort((a, b) => utf8Order(a.name, b.name));
  w.u32(sorted.length);
  for (const b of sorted) writeBranchHead(w, b);
  writeStr(w, active);
}

/** @public */
export function readBranchTableBody(r: ByteReader): { branches: SessionBranch[]; active: string } {
  const n = r.count(6, 'branch count');
  if (n === 0) r.fail('a session holds at least one branch');
  const branches: SessionBranch[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const b = readBranchHead(r);
    if (i > 0 && utf8Order(branches[i - 1]!.name, b.name) >= 0) r.fail(`branch "${b.name}" is out of order or repeated`, at);
    branches.push(b);
  }
  const at = r.offset;
  const active = r.str('active branch');
  if (!branches.some((b) => b.name === active)) r.fail(`active branch "${active}" is not in the table`, at);
  return { branches, active };
}

/** name ‖ 00 | 01 ‖ head(32). @public */
export function writeBranchHead(w: ByteWriter, b: SessionBranch): void {
  writeStr(w, b.name);
  if (b.head === null) w.u8(0);
  else w.u8(1).bytes(fromHex(b.head));
}

/** @public */
export function readBranchHead(r: ByteReader): SessionBranch {
  const at = r.offset;
  const name = r.str('branch name');
  if (!BRANCH_NAME_RE.test(name)) r.fail(`invalid branch name "${name}"`, at);
  const head = r.tag([0, 1], 'branch head tag') === 1 ? toHex(r.id('branch head')) : null;
  return { name, head };
}

/** Journal "active branch" body. @public */
export function writeActiveBody(w: ByteWriter, name: string): void {
  writeStr(w, name);
}

/** @public */
export function readActiveBody(r: ByteReader): string {
  const at = r.offset;
  const name = r.str('active branch');
  if (!BRANCH_NAME_RE.test(name)) r.fail(`invalid branch name "${name}"`, at);
  return name;
}

/** Trailer body = u32 record count ‖ BLAKE3(bytes before the trailer). @public */
export function trailerBody(fileSoFar: Uint8Array, recordCount: number): Uint8Array {
  const w = new ByteWriter(36);
  w.u32(recordCount).bytes(blake3(fileSoFar));
  return w.finish();
}
