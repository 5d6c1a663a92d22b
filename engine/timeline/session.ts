/**
 * Session files: export a timeline's branches to one canonical, versioned, tamper-evident byte
 * string; decode, verify by replay from U0, and restore into a `Timeline` that can be shown,
 * sought and continued. Format: `sessionFormat.ts` and docs/timelines.md.
 *
 * Invariants:
 * - `decodeSession` and `verifySessionData` throw (or report) only `SessionError`, for ANY input
 *   bytes, naming the first bad record and its byte offset; nothing is usable before the whole
 *   chain is verified (`openSession`, `restoreTimeline` verify first).
 * - Verification replays every commit from U0 with `replayCommit` (state root, patch digest,
 *   commit hash) and recomputes the plan / decision / rewrites digests and scope hashes from the
 *   receipt, so every hashed field is authenticated by the hash chain. Footprints, rule names,
 *   world name, params, `tx`, `createdOn` and the branch table are integrity-checked (record
 *   checksums, trailer hash) but not authenticated: nothing hashes them.
 * - Export is canonical: the commits reachable from the chosen branches, in (generation, hash)
 *   order; `encodeSessionData(decodeSession(b))` is `b`.
 */
import { ByteWriter, bytesEqual, toHex } from '../bytes';
import { CodecError } from '../codec/byteReader';
import { encodeWarpState, readWarpState } from '../codec/stateBinary';
import { scopeHash, type Hash } from '../ident';
import { blake3 } from '../hash';
import { computePlanDigest, computeReceiptDigest, computeRewritesDigest, computeRulePackId } from '../receipt';
import { slotSortKey, type SlotId } from '../record';
import { extendSlotsFromFootprint } from '../footprint';
import { canonicalSlots, type WarpTickPatchV1 } from '../tickPatch';
import { validatePortalInvariants, type WarpState } from '../warpState';
import { TimelineError } from './errors';
import { replayCommit, type ReplayEnv } from './replay';
import { StateRootIndex } from '../stateRootIndex';
import { SessionError } from './sessionError';
import {
  PREAMBLE_LEN,
  RecordKind,
  SESSION_MAGIC,
  parseBody,
  readBranchTableBody,
  readCommitBody,
  readHeaderBody,
  readPreamble,
  readRecordAt,
  recordError,
  recordKindName,
  trailerBody,
  writeBranchTableBody,
  writeCommitBody,
  writeHeaderBody,
  writePreamble,
  writeRecord,
  type RawRecord,
  type RecordLocation,
  type SessionBranch,
  type SessionCommit,
  type SessionData,
  type SessionHeader,
} from './sessionFormat';
import { Timeline, divergenceOf, opLabel, receiptKeys, slotKeys, type CommitNode, type Divergence, type DivergenceKeys, type TimelineHost, type TimelineOptions } from './timeline';

/** What to export. @public */
export interface EncodeSessionOptions {
  /** Branches to export (default: all). */
  readonly branches?: readonly string[];
  readonly worldName: string;
  readonly params: Readonly<Record<string, number | string>>;
}

/** Result of verifying a decoded session. @public */
export interface SessionVerification {
  readonly ok: boolean;
  /** Commits replayed and verified (all of them when ok). */
  readonly commits: number;
  /** Per branch: head and chain length (first-parent depth), and whether its chain verified. */
  readonly branches: readonly { readonly name: string; readonly head: string | null; readonly length: number; readonly ok: boolean }[];
  readonly error?: SessionError;
}

// ------------------------------------------------------------------------------------ export

/** A timeline commit as a session commit. @public */
export function sessionCommitOf(c: CommitNode): SessionCommit {
  const r = c.record;
  return {
    hash: c.hash,
    hex: c.hex,
    parents: c.parents,
    parentHexes: c.parentHexes,
    kind: c.kind,
    depth: c.depth,
    createdOn: c.createdOn,
    stateRoot: c.stateRoot,
    patchDigest: c.patchDigest,
    inputs: c.inputs,
    appliedOps: c.appliedOps,
    inSlots: c.inSlots,
    outSlots: c.outSlots,
    snapshot: r.snapshot,
    receipt: r.receipt,
    footprints: r.footprints,
    ruleNames: r.ruleNames,
  };
}

/** The header a timeline's session gets. @public */
export function sessionHeaderOf(tl: Timeline, worldName: string, params: Readonly<Record<string, number | string>>): SessionHeader {
  const rules = tl.host.engine.registeredRules().map((r) => ({ id: r.id, name: r.name }));
  if (!bytesEqual(computeRulePackId(rules.map((r) => r.id)), tl.env.rulePackId)) {
    throw new SessionError('WorldMismatch', 'the engine registered rules after the timeline started: its rule pack no longer matches the commits', { record: 0, offset: null });
  }
  return { worldName, params: { ...params }, root: tl.env.root, policyId: tl.env.policyId, rulePackId: tl.env.rulePackId, rules, checkpointEvery: tl.checkpointInterval };
}

/**
 * The session data of `tl`: its U0, the chosen branches and every commit they reach.
 * @throws TimelineError(UnknownBranch); SessionError(WorldMismatch) when the rule pack changed
 * @public
 */
export function sessionDataFromTimeline(tl: Timeline, opts: EncodeSessionOptions): SessionData {
  const names = (opts.branches ?? tl.branchNames()).slice().sort();
  if (names.length === 0) throw new TimelineError('UnknownBranch', 'a session needs at least one branch');
  const branches: SessionBranch[] = names.map((name) => ({ name, head: tl.head(name) }));
  const commits: SessionCommit[] = [];
  const seen = new Set<string>();
  const stack = branches.map((b) => b.head).filter((h): h is string => h !== null);
  while (stack.length) {
    const h = stack.pop()!;
    if (seen.has(h)) continue;
    seen.add(h);
    const c = tl.commit(h);
    commits.push(sessionCommitOf(c));
    for (const p of c.parentHexes) stack.push(p);
  }
  const active = names.includes(tl.activeBranch) ? tl.activeBranch : names[0]!;
  return { header: sessionHeaderOf(tl, opts.worldName, opts.params), initial: tl.initialState(), commits: canonicalOrder(commits), branches, active };
}

/** Session file bytes of `tl` (see `sessionDataFromTimeline`). @public */
export function encodeSession(tl: Timeline, opts: EncodeSessionOptions): Uint8Array {
  return encodeSessionData(sessionDataFromTimeline(tl, opts));
}

/** Commits in canonical order: generation (1 + max parent generation), then hash. @throws SessionError(UnknownParent) */
function canonicalOrder(commits: readonly SessionCommit[]): SessionCommit[] {
  const byHex = new Map(commits.map((c) => [c.hex, c]));
  const gen = new Map<string, number>();
  const genOf = (hex: string): number => {
    // Iterative: chains can be long.
    const stack = [hex];
    while (stack.length) {
      const h = stack[stack.length - 1]!;
      if (gen.has(h)) {
        stack.pop();
        continue;
      }
      const c = byHex.get(h);
      if (!c) throw new SessionError('UnknownParent', `commit ${h} is referenced but not exported`, { record: null, offset: null, commit: h });
      const missing = c.parentHexes.filter((p) => !gen.has(p));
      if (missing.length) {
        stack.push(...missing);
        continue;
      }
      gen.set(h, 1 + Math.max(0, ...c.parentHexes.map((p) => gen.get(p)!)));
      stack.pop();
    }
    return gen.get(hex)!;
  };
  const keyed = commits.map((c) => ({ c, g: genOf(c.hex) }));
  keyed.sort((a, b) => a.g - b.g || (a.c.hex < b.c.hex ? -1 : a.c.hex > b.c.hex ? 1 : 0));
  return keyed.map((k) => k.c);
}

/**
 * Canonical session bytes: commits reachable from the branch table, in canonical order.
 * @throws SessionError(UnknownParent | UnknownHead) when the data is not closed under parents
 * @public
 */
export function encodeSessionData(data: SessionData): Uint8Array {
  const byHex = new Map(data.commits.map((c) => [c.hex, c]));
  const reach: SessionCommit[] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const b of data.branches) {
    if (b.head === null) continue;
    if (!byHex.has(b.head)) throw new SessionError('UnknownHead', `branch "${b.name}" points at ${b.head}, which the data does not hold`, { record: null, offset: null });
    stack.push(b.head);
  }
  while (stack.length) {
    const h = stack.pop()!;
    if (seen.has(h)) continue;
    seen.add(h);
    const c = byHex.get(h);
    if (!c) throw new SessionError('UnknownParent', `commit ${h} is a parent but the data does not hold it`, { record: null, offset: null, commit: h });
    reach.push(c);
    for (const p of c.parentHexes) stack.push(p);
  }
  const w = new ByteWriter(1 << 16);
  writePreamble(w, SESSION_MAGIC);
  let seq = 0;
  const record = (kind: number, f: (b: ByteWriter) => void) => {
    const b = new ByteWriter(1 << 12);
    f(b);
    writeRecord(w, seq++, kind, b.finish());
  };
  record(RecordKind.Header, (b) => writeHeaderBody(b, data.header));
  record(RecordKind.InitialState, (b) => writeInitial(b, data.initial));
  for (const c of canonicalOrder(reach)) record(RecordKind.Commit, (b) => writeCommitBody(b, c));
  record(RecordKind.BranchTable, (b) => writeBranchTableBody(b, data.branches, data.active));
  const before = w.finish();
  writeRecord(w, seq, RecordKind.Trailer, trailerBody(before, seq));
  return w.finish();
}

function writeInitial(b: ByteWriter, s: WarpState): void {
  b.bytes(encodeWarpState(s));
}

// ------------------------------------------------------------------------------------ decode

/**
 * Decodes session bytes, checking framing, checksums, canonical form and the DAG's structure
 * (parents earlier, no duplicates, heads present, every commit reachable). Hashes are checked
 * by `verifySessionData`.
 * @throws SessionError — and nothing else, for any input
 * @public
 */
export function decodeSession(bytes: Uint8Array): SessionData {
  readPreamble(bytes, SESSION_MAGIC, 'an Echo session file');
  let off = PREAMBLE_LEN;
  let seq = 0;
  const next = (expect: string): RawRecord => {
    if (off >= bytes.length) throw new SessionError('Truncated', `the bytes end where the ${expect} belongs`, { record: seq, offset: off });
    const r = readRecordAt(bytes, off, seq);
    off = r.end;
    seq++;
    return r;
  };
  const wrongKind = (r: RawRecord, expected: string): never => {
    throw new SessionError('BadRecord', `unexpected ${recordKindName(r.kind)} record where the ${expected} belongs`, { record: r.index, offset: r.offset });
  };
  const loc = (r: RawRecord): RecordLocation => ({ record: r.index, offset: r.offset });

  const h = next('header');
  if (h.kind !== RecordKind.Header) wrongKind(h, 'header');
  const header = parseBody(bytes, h, readHeaderBody);
  const s = next('initial state');
  if (s.kind !== RecordKind.InitialState) wrongKind(s, 'initial state');
  const initial = parseBody(bytes, s, readWarpState);

  const ruleNames = new Map(header.rules.map((r) => [toHex(r.id), r.name]));
  const commits: SessionCommit[] = [];
  const info = new Map<string, { depth: number; gen: number }>();
  const locations = new Map<string, RecordLocation>();
  let prevKey: { gen: number; hex: string } | null = null;
  let table: RawRecord;
  for (;;) {
    const r = next('branch table');
    if (r.kind === RecordKind.BranchTable) {
      table = r;
      break;
    }
    if (r.kind !== RecordKind.Commit) wrongKind(r, 'next commit or the branch table');
    const c = parseBody(bytes, r, (rd) =>
      readCommitBody(rd, { header, ruleNames, depthOf: (p) => info.get(p)?.depth }, (p) => {
        throw new SessionError('UnknownParent', `parent ${p} is not in an earlier record`, { record: r.index, offset: r.offset, commit: toHex(bytes.subarray(r.bodyStart, r.bodyStart + 32)) });
      }),
    );
    if (info.has(c.hex)) {
      throw new SessionError('DuplicateCommit', `commit ${c.hex} already appeared in record ${locations.get(c.hex)!.record}`, { record: r.index, offset: r.offset, commit: c.hex });
    }
    const gen = 1 + Math.max(0, ...c.parentHexes.map((p) => info.get(p)!.gen));
    if (prevKey && (gen < prevKey.gen || (gen === prevKey.gen && c.hex <= prevKey.hex))) {
      throw new SessionError('BadRecord', `commit ${c.hex} is out of canonical (generation, hash) order`, { record: r.index, offset: r.offset, commit: c.hex });
    }
    prevKey = { gen, hex: c.hex };
    info.set(c.hex, { depth: c.depth, gen });
    locations.set(c.hex, loc(r));
    commits.push(c);
  }
  const { branches, active } = parseBody(bytes, table, readBranchTableBody);
  for (const b of branches) {
    if (b.head !== null && !info.has(b.head)) {
      throw new SessionError('UnknownHead', `branch "${b.name}" points at ${b.head}, which no record holds`, { record: table.index, offset: table.offset });
    }
  }
  // Canonical: every commit is reachable from some branch head.
  const reached = new Set<string>();
  const byHex = new Map(commits.map((c) => [c.hex, c]));
  const stack = branches.map((b) => b.head).filter((x): x is string => x !== null);
  while (stack.length) {
    const x = stack.pop()!;
    if (reached.has(x)) continue;
    reached.add(x);
    stack.push(...byHex.get(x)!.parentHexes);
  }
  for (const c of commits) {
    if (!reached.has(c.hex)) throw new SessionError('BadRecord', `commit ${c.hex} is reachable from no branch`, { ...locations.get(c.hex)!, commit: c.hex });
  }
  const t = next('trailer');
  if (t.kind !== RecordKind.Trailer) wrongKind(t, 'trailer');
  parseBody(bytes, t, (rd) => {
    const at = rd.offset;
    const count = rd.u32('record count');
    if (count !== t.index) throw new CodecError(`trailer counts ${count} records, the file holds ${t.index}`, at);
    const hashAt = rd.offset;
    const fileHash = rd.id('file hash');
    if (!bytesEqual(fileHash, blake3(bytes.subarray(0, t.offset)))) {
      throw new SessionError('BadChecksum', 'whole-file hash mismatch (bytes before the trailer altered)', { record: t.index, offset: t.offset, at: hashAt });
    }
  });
  if (t.end !== bytes.length) {
    throw new SessionError('BadRecord', `${bytes.length - t.end} unexpected byte(s) after the trailer`, { record: t.index + 1, offset: t.end });
  }
  return { header, initial, commits, branches, active, locations: { header: loc(h), initial: loc(s), commits: locations, branches: loc(table) } };
}

// ------------------------------------------------------------------------------------ verify

/** The replay environment a session's header describes. @public */
export function sessionEnv(h: SessionHeader): ReplayEnv {
  return { root: h.root, policyId: h.policyId, rulePackId: h.rulePackId };
}

/**
 * Replays every commit from U0 in data order (parents first), verifying everything hashed.
 * `onCommit` sees each commit with its replayed patch and the state after it (mutated later).
 * @throws SessionError(VerifyFailed | UnknownParent | DuplicateCommit)
 */
function replaySession(data: SessionData, onCommit?: (c: SessionCommit, patch: WarpTickPatchV1, state: WarpState) => void, progress?: { done: number }): void {
  const h = data.header;
  const L = data.locations;
  if (!bytesEqual(computeRulePackId(h.rules.map((r) => r.id)), h.rulePackId)) {
    throw recordError('VerifyFailed', L?.header ?? { record: 0, offset: 0 }, `the rule table's ids hash to ${toHex(computeRulePackId(h.rules.map((r) => r.id)))}, not the rule pack id ${toHex(h.rulePackId)}`);
  }
  const u0Loc = L?.initial ?? { record: 1, offset: 0 };
  const inst = data.initial.instance(h.root.warp);
  if (!inst || !data.initial.store(h.root.warp) || inst.parent || !bytesEqual(inst.rootNode, h.root.local)) {
    throw recordError('VerifyFailed', u0Loc, `the initial state has no parentless root instance ${toHex(h.root.warp)} rooted at ${toHex(h.root.local)}`);
  }
  try {
    validatePortalInvariants(data.initial);
  } catch (e) {
    throw recordError('VerifyFailed', u0Loc, `the initial state breaks a portal invariant: ${msg(e)}`);
  }
  const env = sessionEnv(h);
  const children = new Map<string, number>();
  for (const c of data.commits) if (c.parentHexes[0]) children.set(c.parentHexes[0], (children.get(c.parentHexes[0]) ?? 0) + 1);
  const states = new Map<string, WarpState>();
  const done = new Set<string>();
  // Incremental state roots (rebuilt whenever replay moves to another state object, e.g. a fork).
  const rootIndex = new StateRootIndex();
  data.commits.forEach((c, i) => {
    const where: { record: number; offset: number | null } = L?.commits.get(c.hex) ?? { record: i + 2, offset: null };
    const fail = (code: 'VerifyFailed' | 'UnknownParent' | 'DuplicateCommit', detail: string): never => {
      throw new SessionError(code, `commit ${c.hex}: ${detail}`, { record: where.record, offset: where.offset, commit: c.hex });
    };
    if (done.has(c.hex)) fail('DuplicateCommit', 'appears twice');
    for (const p of c.parentHexes) if (!done.has(p)) fail('UnknownParent', `parent ${p} comes later or is missing`);
    checkReceipt(c, fail);
    const p0 = c.parentHexes[0];
    let state: WarpState;
    if (!p0) state = data.initial.clone();
    else {
      const left = children.get(p0)!;
      const base = states.get(p0)!;
      if (left > 1) {
        state = base.clone();
        children.set(p0, left - 1);
      } else {
        state = base;
        states.delete(p0);
      }
    }
    let patch: WarpTickPatchV1;
    try {
      patch = replayCommit(state, c, env, { rootIndex });
    } catch (e) {
      const detail = e instanceof TimelineError ? e.message.replace(/^commit [0-9a-f]+: /, '') : `replay threw: ${msg(e)}`;
      return fail('VerifyFailed', detail);
    }
    done.add(c.hex);
    if (progress) progress.done = done.size;
    if ((children.get(c.hex) ?? 0) > 0) states.set(c.hex, state);
    onCommit?.(c, patch, state);
  });
}

/** Receipt-derived digests, scope hashes and blockers (everything hashed that replay does not see). */
function checkReceipt(c: SessionCommit, fail: (code: 'VerifyFailed', detail: string) => never): void {
  const s = c.snapshot;
  const entries = Array.from(c.receipt.entries);
  if (c.footprints.length !== entries.length || c.ruleNames.length !== entries.length) fail('VerifyFailed', 'footprints or rule names do not match the receipt entries');
  const eq = (a: Hash, b: Hash, what: string) => {
    if (!bytesEqual(a, b)) fail('VerifyFailed', `${what} mismatch (recorded ${toHex(b)}, recomputed ${toHex(a)})`);
  };
  eq(computePlanDigest(entries), s.planDigest, 'plan digest');
  eq(computeReceiptDigest(entries), s.decisionDigest, 'decision digest');
  eq(computeRewritesDigest(entries.filter((e) => e.disposition === 'applied')), s.rewritesDigest, 'rewrites digest');
  const inS = new Map<string, SlotId>();
  const outS = new Map<string, SlotId>();
  entries.forEach((e, i) => {
    if (!bytesEqual(scopeHash(e.ruleId, e.scope.warp, e.scope.local), e.scopeHash)) fail('VerifyFailed', `receipt entry ${i}: scope hash does not match its rule and scope`);
    if (e.disposition === 'rejected' && (c.receipt.blockedBy[i] ?? []).length === 0) fail('VerifyFailed', `receipt entry ${i} is rejected but its footprint overlaps no accepted entry`);
    if (e.disposition === 'applied') extendSlotsFromFootprint(c.footprints.at(i)!, e.scope.warp, inS, outS);
  });
  // The patch's slots (hashed in the patch digest) are the union of the accepted footprints.
  const keys = (xs: Iterable<SlotId>) => canonicalSlots(Array.from(xs)).map(slotSortKey).join(',');
  if (keys(inS.values()) !== keys(c.inSlots) || keys(outS.values()) !== keys(c.outSlots)) {
    fail('VerifyFailed', 'the accepted footprints do not reproduce the patch in/out slots');
  }
}

function branchSummary(data: SessionData, verified: ReadonlySet<string> | null): SessionVerification['branches'] {
  const depth = new Map(data.commits.map((c) => [c.hex, c.depth]));
  return data.branches.map((b) => ({
    name: b.name,
    head: b.head,
    length: b.head === null ? 0 : (depth.get(b.head) ?? 0),
    ok: b.head === null || (verified?.has(b.head) ?? true),
  }));
}

/**
 * Called after each replayed commit with (commits done, commits in the file). A caller may throw
 * from it to stop (e.g. a cancelled import); only `SessionError`s are turned into a report.
 * @public
 */
export type SessionProgress = (done: number, total: number) => void;

/**
 * Replays the whole session from U0 and reports per branch. Never throws for bad data: the first
 * failure is returned as `error` (a `SessionError` naming record and offset).
 * @public
 */
export function verifySessionData(data: SessionData, onProgress?: SessionProgress): SessionVerification {
  const progress = { done: 0 };
  const verified = new Set<string>();
  try {
    replaySession(
      data,
      (c) => {
        verified.add(c.hex);
        onProgress?.(progress.done, data.commits.length);
      },
      progress,
    );
    return { ok: true, commits: progress.done, branches: branchSummary(data, null) };
  } catch (e) {
    if (!(e instanceof SessionError)) throw e;
    // A branch verified iff its head's whole ancestry replayed before the failure.
    const ancestryOk = (head: string): boolean => {
      const byHex = new Map(data.commits.map((c) => [c.hex, c]));
      const stack = [head];
      const seen = new Set<string>();
      while (stack.length) {
        const x = stack.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        if (!verified.has(x)) return false;
        stack.push(...(byHex.get(x)?.parentHexes ?? []));
      }
      return true;
    };
    const okHeads = new Set(data.branches.filter((b) => b.head !== null && ancestryOk(b.head)).map((b) => b.head!));
    return { ok: false, commits: progress.done, branches: branchSummary(data, okHeads), error: e };
  }
}

/**
 * Decodes and verifies; returns the data only when the whole chain verified.
 * @throws SessionError
 * @public
 */
export function openSession(bytes: Uint8Array, onProgress?: SessionProgress): { data: SessionData; verification: SessionVerification } {
  const data = decodeSession(bytes);
  const verification = verifySessionData(data, onProgress);
  if (!verification.ok) throw verification.error!;
  return { data, verification };
}

// ----------------------------------------------------------------------------------- restore

/**
 * Builds a `Timeline` on `host` holding every verified commit and branch of `data`, with the
 * session's active branch checked out on the live engine. The host must be built for the same
 * world: same rule pack, root, policy and initial state (world parameters included).
 * @throws SessionError(WorldMismatch | VerifyFailed | …); TimelineError(VerifyFailed) when the
 *         host engine already has commits
 * @public
 */
export function restoreTimeline(host: TimelineHost, data: SessionData, opts: TimelineOptions & { onProgress?: SessionProgress } = {}): Timeline {
  const e = host.engine;
  const h = data.header;
  const hl = data.locations?.header ?? { record: 0, offset: 0 };
  const world = `world "${h.worldName}"`;
  if (!bytesEqual(e.rulePackId(), h.rulePackId)) {
    throw recordError('WorldMismatch', hl, `the session was recorded with rule pack ${toHex(h.rulePackId)} (${world}); the host's is ${toHex(e.rulePackId())}`);
  }
  if (!bytesEqual(e.root.warp, h.root.warp) || !bytesEqual(e.root.local, h.root.local)) {
    throw recordError('WorldMismatch', hl, `the session's root ${toHex(h.root.local)} differs from the host's ${toHex(e.root.local)} (${world})`);
  }
  if (e.policyId !== h.policyId) throw recordError('WorldMismatch', hl, `the session's policy ${h.policyId} differs from the host's ${e.policyId}`);
  if (!bytesEqual(encodeWarpState(e.warpState), encodeWarpState(data.initial))) {
    throw recordError('WorldMismatch', data.locations?.initial ?? { record: 1, offset: 0 }, `the host's initial state differs from the session's (${world}: other parameters?)`);
  }
  const tl = new Timeline(host, { checkpointEvery: opts.checkpointEvery ?? h.checkpointEvery });
  const progress = { done: 0 };
  replaySession(
    data,
    (c, patch, state) => {
      tl.importCommit({ snapshot: c.snapshot, receipt: c.receipt, patch, footprints: c.footprints, ruleNames: c.ruleNames, inputs: c.inputs, appliedOps: c.appliedOps }, c.kind, c.createdOn, state);
      opts.onProgress?.(progress.done, data.commits.length);
    },
    progress,
  );
  for (const b of data.branches) tl.setBranchHead(b.name, b.head);
  tl.switchTo(data.active);
  return tl;
}

// ------------------------------------------------------------------------------------- reads

/**
 * The state after commit `hex` (null = U0), replayed from U0 along first parents with every hash
 * verified — for tools that have the session but not the world (`echo-studio diff`).
 * @throws TimelineError(UnknownCommit); SessionError(VerifyFailed)
 * @public
 */
export function sessionStateAt(data: SessionData, hex: string | null): WarpState {
  const byHex = new Map(data.commits.map((c) => [c.hex, c]));
  const path: SessionCommit[] = [];
  for (let cur = hex; cur; ) {
    const c = byHex.get(cur);
    if (!c) throw new TimelineError('UnknownCommit', `unknown commit ${cur}`, { commit: cur });
    path.push(c);
    cur = c.parentHexes[0] ?? null;
  }
  const state = data.initial.clone();
  const env = sessionEnv(data.header);
  const rootIndex = new StateRootIndex();
  for (let i = path.length - 1; i >= 0; i--) replayOrFail(data, state, path[i]!, env, rootIndex);
  return state;
}

function replayOrFail(data: SessionData, state: WarpState, c: SessionCommit, env: ReplayEnv, rootIndex?: StateRootIndex): WarpTickPatchV1 {
  try {
    return replayCommit(state, c, env, rootIndex ? { rootIndex } : {});
  } catch (e) {
    throw recordError('VerifyFailed', data.locations?.commits.get(c.hex), msg(e), c.hex);
  }
}

/**
 * Resolves a commit reference: `u0` (the initial state), a branch name (its head), or a unique
 * hex prefix of a commit hash.
 * @public
 */
export function resolveSessionRef(data: SessionData, ref: string): { hex: string | null } | { error: string } {
  if (ref.toLowerCase() === 'u0') return { hex: null };
  const b = data.branches.find((x) => x.name === ref);
  if (b) return { hex: b.head };
  const p = ref.toLowerCase();
  if (!/^[0-9a-f]+$/.test(p)) return { error: `"${ref}" is neither a branch, u0, nor a hex commit prefix` };
  const hits = data.commits.filter((c) => c.hex.startsWith(p));
  if (hits.length === 0) return { error: `no commit starts with ${p}` };
  if (hits.length > 1) return { error: `prefix ${p} is ambiguous: ${hits.length} commits match (${hits.slice(0, 3).map((c) => c.hex.slice(0, 12)).join(', ')}${hits.length > 3 ? ', …' : ''})` };
  return { hex: hits[0]!.hex };
}

/** First-parent chain from U0 to `head`. @public */
export function sessionChain(data: SessionData, head: string | null): SessionCommit[] {
  const byHex = new Map(data.commits.map((c) => [c.hex, c]));
  const out: SessionCommit[] = [];
  for (let cur = head; cur; ) {
    const c = byHex.get(cur);
    if (!c) throw new TimelineError('UnknownCommit', `unknown commit ${cur}`, { commit: cur });
    out.push(c);
    cur = c.parentHexes[0] ?? null;
  }
  return out.reverse();
}

/**
 * First divergence between branch `branchA` of session `a` and `branchB` of session `b` (the
 * same algorithm as `Timeline.firstDivergence`: binary search over the hash chains, which agree
 * on a prefix). Ops are the diff patches of the two first differing commits, replayed.
 * @throws TimelineError(UnknownBranch); SessionError(VerifyFailed)
 * @public
 */
export function sessionFirstDivergence(a: SessionData, branchA: string, b: SessionData, branchB: string): Divergence {
  const headOf = (d: SessionData, name: string) => {
    const br = d.branches.find((x) => x.name === name);
    if (!br) throw new TimelineError('UnknownBranch', `unknown branch "${name}" (the session has ${d.branches.map((x) => x.name).join(', ')})`, { branch: name });
    return br.head;
  };
  const keysIn = (d: SessionData) => (n: SessionCommit): DivergenceKeys => ({
    receipts: receiptKeys(n.receipt, n.ruleNames),
    slots: slotKeys(n.inSlots, n.outSlots),
    ops: Array.from(replayOrFail(d, sessionStateAt(d, n.parentHexes[0] ?? null), n, sessionEnv(d.header)).ops, (op) => opLabel(op)),
  });
  return divergenceOf(sessionChain(a, headOf(a, branchA)), sessionChain(b, headOf(b, branchB)), keysIn(a), keysIn(b));
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
