/**
 * Verified replay of one commit onto a state: the inputs applied outside the tick (direct edits,
 * ingested intents), then the canonical executor ops, recomputing the patch digest (from the
 * journal diff), the state root and the commit hash, and comparing each with the record.
 *
 * Invariants:
 * - Replay is exact: applying `inputs` then `appliedOps` is what the live engine did, so the
 *   recomputed hashes equal the recorded ones, or the record (or the state it was applied to) is
 *   wrong — reported as a `TimelineError` naming the commit and the first mismatching field.
 * - The state is mutated in place; callers replay onto scratch copies.
 * - With a `StateRootIndex` (`opts.rootIndex`), the inputs and the ops are journaled and the state
 *   root is brought up to date from the journals in O(change) instead of walking the whole state;
 *   the index equals `computeStateRoot` (fuzzed) and rebuilds itself when it was built for another
 *   state object. The caller must not mutate the state outside replay between two calls with the
 *   same index (or must `invalidate()` it).
 * - The patch digest is hashed over the recorded in/out slots directly when they are already in
 *   canonical order (strictly ascending slot sort key), otherwise over their canonical form: the
 *   result is exactly `new WarpTickPatchV1(…).digest`, without re-sorting the lists every commit.
 */
import { bytesEqual, toHex } from '../bytes';
import { applyDirectEdit, type DirectEdit } from '../directEdit';
import { diffFromJournal } from '../diff';
import type { Hash } from '../ident';
import type { AttachmentKey, NodeKey, SlotId } from '../record';
import { computeCommitHashV2, computeStateRoot } from '../snapshot';
import type { StateRootIndex } from '../stateRootIndex';
import { applyOps, computePatchDigestV2, WarpTickPatchV1 } from '../tickPatch';
import { PackedSlots, type SlotList } from '../slotList';
import type { OpList } from '../opList';
import type { WarpOp } from '../tickDelta';
import { validatePortalInvariants, type StateJournal, type WarpState } from '../warpState';
import { TimelineError } from './errors';

/** What replay needs from a commit. @public */
export interface ReplayableCommit {
  readonly hash: Hash;
  readonly parents: readonly Hash[];
  readonly stateRoot: Hash;
  readonly patchDigest: Hash;
  readonly inputs: readonly DirectEdit[];
  readonly appliedOps: OpList;
  readonly inSlots: SlotList;
  readonly outSlots: SlotList;
}

/** Rule pack, policy and root shared by every commit of a timeline. @public */
export interface ReplayEnv {
  readonly root: NodeKey;
  readonly policyId: number;
  readonly rulePackId: Hash;
}

/** How to replay. @public */
export interface ReplayOptions {
  /**
   * Maintain the state root incrementally with this index (rebuilt automatically when it was last
   * used on another state object). Omitted: a full `computeStateRoot` per commit.
   */
  readonly rootIndex?: StateRootIndex;
}

/** Replays `c` onto `state` and verifies every hash. @throws TimelineError(VerifyFailed) @public */
export function replayCommit(state: WarpState, c: ReplayableCommit, env: ReplayEnv, opts: ReplayOptions = {}): WarpTickPatchV1 {
  const r = replayVerified(state, c, env, opts.rootIndex ?? null);
  return r.patch ?? new WarpTickPatchV1(env.policyId, env.rulePackId, 'committed', c.inSlots, c.outSlots, r.ops);
}

/**
 * `replayCommit` without building the patch object when it is not needed (seek): same checks,
 * same errors. Returns the canonical ops and, when it had to build one, the patch.
 * @throws TimelineError(VerifyFailed)
 * @internal
 */
export function replayVerified(state: WarpState, c: ReplayableCommit, env: ReplayEnv, index: StateRootIndex | null): { ops: readonly WarpOp[]; patch: WarpTickPatchV1 | null } {
  const id = (): string => toHex(c.hash);
  let inputJournal: StateJournal | null = null;
  try {
    if (c.inputs.length > 0) {
      if (index) inputJournal = state.beginJournal();
      try {
        for (const e of c.inputs) applyDirectEdit(state, env.root, e);
      } finally {
        if (index) state.endJournal();
      }
    }
  } catch (e) {
    index?.invalidate();
    throw new TimelineError('VerifyFailed', `commit ${id()}: a recorded input does not apply: ${msg(e)}`, { commit: id() });
  }
  const j = state.beginJournal();
  let ops: readonly WarpOp[];
  try {
    applyOps(state, c.appliedOps);
    validatePortalInvariants(state);
    ops = diffFromJournal(j, state); // canonical: sorted by op sort key, no key twice
  } catch (e) {
    state.rollback(j);
    index?.invalidate();
    throw new TimelineError('VerifyFailed', `commit ${id()}: recorded ops do not apply: ${msg(e)}`, { commit: id() });
  } finally {
    state.endJournal();
  }
  let patch: WarpTickPatchV1 | null = null;
  let digest: Hash;
  if (listCanonical(c.inSlots) && listCanonical(c.outSlots)) {
    // canonicalSlots / canonicalizeOps are the identity here, so this is the patch's digest.
    digest = computePatchDigestV2(env.policyId, env.rulePackId, 'committed', c.inSlots, c.outSlots, ops);
  } else {
    patch = new WarpTickPatchV1(env.policyId, env.rulePackId, 'committed', c.inSlots, c.outSlots, ops);
    digest = patch.digest;
  }
  if (!bytesEqual(digest, c.patchDigest)) {
    index?.invalidate();
    throw new TimelineError('VerifyFailed', `commit ${id()}: patch digest mismatch (recorded ${toHex(c.patchDigest)}, replayed ${toHex(digest)})`, { commit: id(), field: 'patch_digest' });
  }
  const root = index ? index.update(state, env.root, inputJournal ? [inputJournal, j] : j) : computeStateRoot(state, env.root);
  if (!bytesEqual(root, c.stateRoot)) {
    throw new TimelineError('VerifyFailed', `commit ${id()}: state root mismatch (recorded ${toHex(c.stateRoot)}, replayed ${toHex(root)})`, { commit: id(), field: 'state_root' });
  }
  const hash = computeCommitHashV2(root, c.parents, digest, env.policyId);
  if (!bytesEqual(hash, c.hash)) {
    throw new TimelineError('VerifyFailed', `commit ${id()}: commit hash mismatch (replayed ${toHex(hash)})`, { commit: id(), field: 'commit_hash' });
  }
  return { ops, patch };
}

/** Packed lists are canonical by construction; other lists are checked. */
function listCanonical(slots: SlotList): boolean {
  if (slots instanceof PackedSlots) return true;
  return slotsCanonical(Array.isArray(slots) ? (slots as readonly SlotId[]) : Array.from(slots));
}

/**
 * Whether `slots` is strictly ascending by `slotSortKey` (so `canonicalSlots` returns it as is),
 * compared on the bytes without building the string keys. Ids of another length than 32 bytes
 * answer false (the caller then canonicalizes the slow way). @internal
 */
export function slotsCanonical(slots: readonly SlotId[]): boolean {
  for (let i = 1; i < slots.length; i++) {
    const c = compareSlots(slots[i - 1]!, slots[i]!);
    if (c === null || c >= 0) return false;
  }
  return true;
}

const SLOT_TAG = { node: 1, edge: 2, attachment: 3, port: 4 } as const;

/** `slotSortKey(a)` vs `slotSortKey(b)` as -/0/+, or null when an id is not 32 bytes. */
function compareSlots(a: SlotId, b: SlotId): number | null {
  const ta = SLOT_TAG[a.kind];
  const tb = SLOT_TAG[b.kind];
  if (ta !== tb) return ta - tb;
  switch (a.kind) {
    case 'node':
    case 'edge': {
      const bk = (b as typeof a).key;
      return pairCompare(a.key.warp, a.key.local, bk.warp, bk.local);
    }
    case 'attachment': {
      const bk = (b as typeof a).key;
      return attachmentCompare(a.key, bk);
    }
    case 'port': {
      const x = BigInt.asUintN(64, a.port);
      const y = BigInt.asUintN(64, (b as typeof a).port);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

function pairCompare(wa: Uint8Array, la: Uint8Array, wb: Uint8Array, lb: Uint8Array): number | null {
  const w = compareIds(wa, wb);
  if (w !== 0) return w;
  return compareIds(la, lb);
}

function attachmentCompare(a: AttachmentKey, b: AttachmentKey): number | null {
  const oa = a.owner === 'node' ? 1 : 2;
  const ob = b.owner === 'node' ? 1 : 2;
  if (oa !== ob) return oa - ob;
  const p = pairCompare(a.warp, a.local, b.warp, b.local);
  if (p !== 0) return p;
  return (a.plane === 'alpha' ? 1 : 2) - (b.plane === 'alpha' ? 1 : 2);
}

/** Byte order of two 32-byte ids (= order of their lowercase hex), null for other lengths. */
function compareIds(a: Uint8Array, b: Uint8Array): number | null {
  if (a.length !== 32 || b.length !== 32) return null;
  for (let i = 0; i < 32; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
