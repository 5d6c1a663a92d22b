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
 */
import { toHex } from '../bytes';
import { applyDirectEdit, type DirectEdit } from '../directEdit';
import { diffFromJournal } from '../diff';
import type { Hash } from '../ident';
import type { NodeKey, SlotId } from '../record';
import { computeCommitHashV2, computeStateRoot } from '../snapshot';
import { applyOps, WarpTickPatchV1 } from '../tickPatch';
import type { WarpOp } from '../tickDelta';
import { validatePortalInvariants, type WarpState } from '../warpState';
import { TimelineError } from './errors';

/** What replay needs from a commit. @public */
export interface ReplayableCommit {
  readonly hash: Hash;
  readonly parents: readonly Hash[];
  readonly stateRoot: Hash;
  readonly patchDigest: Hash;
  readonly inputs: readonly DirectEdit[];
  readonly appliedOps: readonly WarpOp[];
  readonly inSlots: readonly SlotId[];
  readonly outSlots: readonly SlotId[];
}

/** Rule pack, policy and root shared by every commit of a timeline. @public */
export interface ReplayEnv {
  readonly root: NodeKey;
  readonly policyId: number;
  readonly rulePackId: Hash;
}

/** Replays `c` onto `state` and verifies every hash. @throws TimelineError(VerifyFailed) @public */
export function replayCommit(state: WarpState, c: ReplayableCommit, env: ReplayEnv): WarpTickPatchV1 {
  const id = toHex(c.hash);
  try {
    for (const e of c.inputs) applyDirectEdit(state, env.root, e);
  } catch (e) {
    throw new TimelineError('VerifyFailed', `commit ${id}: a recorded input does not apply: ${msg(e)}`, { commit: id });
  }
  const j = state.beginJournal();
  let patch: WarpTickPatchV1;
  try {
    applyOps(state, c.appliedOps);
    validatePortalInvariants(state);
    patch = new WarpTickPatchV1(env.policyId, env.rulePackId, 'committed', c.inSlots, c.outSlots, diffFromJournal(j, state));
  } catch (e) {
    state.rollback(j);
    throw new TimelineError('VerifyFailed', `commit ${id}: recorded ops do not apply: ${msg(e)}`, { commit: id });
  } finally {
    state.endJournal();
  }
  if (toHex(patch.digest) !== toHex(c.patchDigest)) {
    throw new TimelineError('VerifyFailed', `commit ${id}: patch digest mismatch (recorded ${toHex(c.patchDigest)}, replayed ${toHex(patch.digest)})`, { commit: id, field: 'patch_digest' });
  }
  const root = computeStateRoot(state, env.root);
  if (toHex(root) !== toHex(c.stateRoot)) {
    throw new TimelineError('VerifyFailed', `commit ${id}: state root mismatch (recorded ${toHex(c.stateRoot)}, replayed ${toHex(root)})`, { commit: id, field: 'state_root' });
  }
  const hash = computeCommitHashV2(root, c.parents, patch.digest, env.policyId);
  if (toHex(hash) !== id) {
    throw new TimelineError('VerifyFailed', `commit ${id}: commit hash mismatch (replayed ${toHex(hash)})`, { commit: id, field: 'commit_hash' });
  }
  return patch;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
