/**
 * The seam between the engine and a BOAW executor (a worker pool living OUTSIDE engine/, e.g.
 * main/workers/boawPool.ts). The engine stays pure and synchronous: it hands the executor the
 * accepted rewrites of a tick and gets back each rewrite's ops, or null.
 *
 * Contract (the engine relies on every point; see engine.ts `executeReserved`):
 * - `execute(batch)` runs `batch.items` (accepted rewrites in DRAIN order) against the PRE-tick
 *   state and returns, per item, the ops its executor emitted in emission order. The engine
 *   concatenates them in item order, which is exactly the serial shared-delta emission order, and
 *   applies warp-core's last-wins canonicalization, so hashes equal the serial path's.
 * - It returns null to decline (below break-even, a rule it cannot run, an executor that read its
 *   delta or threw, a dead worker…). It may call `batch.runInline()` itself first (to time it);
 *   either way the engine then uses the serial path's result, and the serial path raises the
 *   canonical errors (TickFailedError naming the first failing rule in drain order).
 * - The engine never offers a tick containing a rule flagged `readsDeltaLength`, an unknown
 *   compact id or a missing store: those run serially.
 * - `committed` is called after every successful commit, with the direct edits recorded for that
 *   tick and the canonical executor ops applied (`TickRecord.inputs` / `appliedOps`). Applying
 *   both to a replica reproduces the engine's state exactly, edge-bucket order included (the diff
 *   patch would not: it drops re-parented edge attachments, §6.6). It must not throw.
 * - `invalidate` is called whenever the engine's state changed outside commits (jumpToTick,
 *   adoptHead, withState, attaching the executor); the executor must resynchronize (e.g. from a
 *   full state snapshot, engine/codec/stateBinary.ts) before its next parallel execution.
 * - Direct edits made since the last commit are in `batch.pendingInputs` (the same array object
 *   until the next commit); they are already applied to `batch.state`.
 */
import type { DirectEdit } from '../directEdit';
import type { NodeId, WarpId } from '../ident';
import type { NodeKey } from '../record';
import type { RewriteRule } from '../rule';
import type { OpOrigin, WarpOp } from '../tickDelta';
import type { WarpState } from '../warpState';

/** One accepted rewrite offered for parallel execution. @public */
export interface BoawItem {
  readonly compactRule: number;
  readonly warp: WarpId;
  readonly scope: NodeId;
  /** (intent = tx, rule = compact id, match = index in drain order among accepted, op = 0). */
  readonly origin: OpOrigin;
}

/** What the engine offers for one tick. @public */
export interface BoawBatch {
  /** Identity of the calling engine (an executor serves one engine state at a time). */
  readonly engine: object;
  readonly tx: number;
  readonly items: readonly BoawItem[];
  /** Registered rules by compact id. */
  readonly rules: readonly RewriteRule[];
  /** The live pre-tick state (read-only for the executor). */
  readonly state: WarpState;
  readonly root: NodeKey;
  /** Direct edits since the last commit, already applied to `state`. */
  readonly pendingInputs: readonly DirectEdit[];
  /** Runs the tick's executors serially on the live state (the reference path); idempotent. */
  runInline(): void;
}

/** A committed tick, for replication. @public */
export interface BoawCommit {
  readonly engine: object;
  readonly tx: number;
  readonly inputs: readonly DirectEdit[];
  readonly appliedOps: readonly WarpOp[];
}

/** A parallel executor the engine can commit through. @public */
export interface BoawExecutor {
  /** Per-item ops in emission order, or null to let the engine run the tick serially. */
  execute(batch: BoawBatch): ReadonlyArray<readonly WarpOp[]> | null;
  committed(commit: BoawCommit): void;
  invalidate(engine: object): void;
}
