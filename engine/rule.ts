/**
 * Rewrite rules (ENGINE-SPEC §3.1, §3.5).
 *
 * Invariants:
 * - A rule is identified by its unique `name` (the key `apply` uses) and its unique 32-byte `id`
 *   (hashed into scope hashes, receipts, digests and the rule pack).
 * - The matcher and the footprint are evaluated at `apply` time on the LIVE state; the executor
 *   runs at commit time against the pre-tick state and may only emit ops into the delta.
 * - `left`, the rule-level factor mask and `joinFn` are carried for fidelity but never read;
 *   every conflict behaves like `Abort`.
 * - `readsDeltaLength` only steers BOAW (serial vs parallel); it never changes a result.
 */
import type { Footprint } from './footprint';
import type { GraphView } from './graphView';
import type { Hash, NodeId } from './ident';
import type { TickDelta } from './tickDelta';

/** @public */ export type MatchFn = (view: GraphView, scope: NodeId) => boolean;
/** @public */ export type ExecuteFn = (view: GraphView, scope: NodeId, delta: TickDelta) => void;
/** @public */ export type FootprintFn = (view: GraphView, scope: NodeId) => Footprint;
/** @public */ export type ConflictPolicy = 'abort' | 'retry' | 'join';

/** @public */
export interface RewriteRule {
  readonly id: Hash;
  readonly name: string;
  readonly matcher: MatchFn;
  readonly executor: ExecuteFn;
  readonly computeFootprint: FootprintFn;
  /** Unused by the engine (warp-core's `PatternGraph.nodes`). */
  readonly left?: readonly Uint8Array[];
  /** Unused by the engine. */
  readonly factorMask?: bigint;
  /** Only checked at registration: `join` without `joinFn` is `MissingJoinFn`. */
  readonly conflictPolicy?: ConflictPolicy;
  /** Never called (warp-core parity). */
  readonly joinFn?: (a: NodeId, b: NodeId) => boolean;
  /**
   * The executor READS the shared tick delta (`len()`, `opsUnsorted()`, …), e.g. the DIND toast
   * rule numbers its node with `delta.len()`. Those answers depend on every earlier executor of
   * the tick, so BOAW runs any tick containing such a rule serially. Unflagged reads are still
   * detected by the worker lanes (the tick then falls back to serial), but flagging saves the
   * wasted parallel attempt. Also set it for executors with other side channels (e.g. one that
   * closes over a materialization bus): they must run on the engine thread.
   */
  readonly readsDeltaLength?: boolean;
}
