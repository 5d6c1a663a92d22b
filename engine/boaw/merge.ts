/**
 * `mergeDeltas` (warp-core `merge_deltas`, ENGINE-SPEC §5.3): the canonical merge of per-lane
 * deltas, with conflict detection.
 *
 * Semantics (frozen, upstream parity):
 * - Flatten every `(sortKey(op), origin, op)` in delta order, then STABLE-sort by (key, origin);
 *   origins compare lexicographically (intent, rule, match, op index).
 * - Per run of equal keys: when every op is structurally equal to the first (same transport
 *   bytes, engine/codec/opsBinary.ts), keep one copy; otherwise throw `MergeConflict` with the key
 *   and ALL origins of the run (the writers), in sorted order.
 *
 * NOT the engine path. The engine keeps warp-core's shared-delta semantics (silent last-wins in
 * drain order, §12.3 items 2-4): it re-assembles each executor's ops in drain order and
 * canonicalizes them (`canonicalizeOps`). `mergeDeltas` is for tests, diagnostics and callers that
 * want divergent writes reported instead of resolved.
 */
import { bytesEqual } from '../bytes';
import { EngineError } from '../errors';
import { opSortKey, type OpOrigin, type TickDelta, type WarpOp } from '../tickDelta';
import { opBytes } from '../codec/opsBinary';

/** Two or more writers emitted different ops for one op key. @public */
export class MergeConflict extends EngineError {
  constructor(
    /** The op sort key (kind ‖ warp ‖ a ‖ b) as lowercase hex. */
    readonly key: string,
    /** Origins of every op in the conflicting run, in (key, origin) order. */
    readonly writers: readonly OpOrigin[],
  ) {
    super('MergeConflict', `merge conflict on op key ${key}: ${writers.length} writers disagree (${writers.map(describeOrigin).join(', ')})`);
    this.name = 'MergeConflict';
  }
}

function describeOrigin(o: OpOrigin): string {
  return `intent ${o.intentId} rule ${o.ruleId} match ${o.matchIx} op ${o.opIx}`;
}

/** Lexicographic order of origins. @public */
export function compareOrigins(a: OpOrigin, b: OpOrigin): number {
  return a.intentId - b.intentId || a.ruleId - b.ruleId || a.matchIx - b.matchIx || a.opIx - b.opIx;
}

/** Canonical merge of per-lane deltas. @throws MergeConflict @public */
export function mergeDeltas(deltas: readonly TickDelta[]): WarpOp[] {
  const flat: Array<{ key: string; origin: OpOrigin; op: WarpOp; i: number }> = [];
  for (const d of deltas) {
    const ops = d.opsUnsorted();
    const origins = d.originsUnsorted();
    for (let k = 0; k < ops.length; k++) flat.push({ key: opSortKey(ops[k]!), origin: origins[k]!, op: ops[k]!, i: flat.length });
  }
  flat.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : compareOrigins(a.origin, b.origin) || a.i - b.i));
  const out: WarpOp[] = [];
  for (let s = 0; s < flat.length; ) {
    let e = s + 1;
    while (e < flat.length && flat[e]!.key === flat[s]!.key) e++;
    if (e - s > 1) {
      const first = opBytes(flat[s]!.op);
      for (let k = s + 1; k < e; k++) {
        if (!bytesEqual(first, opBytes(flat[k]!.op))) throw new MergeConflict(flat[s]!.key, flat.slice(s, e).map((x) => x.origin));
      }
    }
    out.push(flat[s]!.op);
    s = e;
  }
  return out;
}
