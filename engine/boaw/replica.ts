/**
 * A BOAW worker replica: a full copy of the engine state, kept in step by replaying exactly what
 * the engine applied, and able to run any registered executor against it. Pure (no threads, no
 * host APIs): main/workers/boawWorker.ts wraps it with messaging, and tests drive it in-process.
 *
 * Replication protocol (all inputs are transport bytes, engine/codec/opsBinary.ts):
 * - `load(stateBytes, root)`: full snapshot (engine/codec/stateBinary.ts, exact incl. bucket and
 *   inbound orders); `setRuleTable(ids)`: compact id → rule id.
 * - per tick, in engine order: `applyEdits` (direct edits as they were made, §8.3 semantics incl.
 *   bucket move-to-end) then either `applyCanonicalOps` (the tick's `appliedOps`) or
 *   `applyLaneBuffers` (the raw per-item results of a parallel tick, re-assembled in drain order
 *   and canonicalized last-wins — the same list the engine applied).
 *   Never the diff patch: replaying it loses re-parented edge attachments (ENGINE-SPEC §6.6).
 *
 * Invariants:
 * - After the same sequence of calls the replica's state root equals the engine's, and its
 *   `edgesFrom` bucket orders are identical (rules may observe them).
 * - `runItem` never throws: failures become lane flags (THREW, UNAVAILABLE, READ_DELTA) and the
 *   engine re-runs the tick serially.
 */
import { toHex } from '../bytes';
import { applyDirectEdit } from '../directEdit';
import { EngineError } from '../errors';
import { viewOf, type GraphView } from '../graphView';
import type { Hash, NodeId, WarpId } from '../ident';
import type { NodeKey } from '../record';
import type { RewriteRule } from '../rule';
import { computeStateRoot } from '../snapshot';
import { applyOps } from '../tickPatch';
import { canonicalizeOps, type OpOrigin, type WarpOp } from '../tickDelta';
import type { WarpState } from '../warpState';
import { BinWriter, decodeDirectEdits, decodeOps, LANE_FLAG, readLaneItems, writeLaneItem } from '../codec/opsBinary';
import { LaneDelta, runInLane } from './exec';
import { decodeWarpState } from '../codec/stateBinary';

/** @public */
export class BoawReplica {
  private st: WarpState | null = null;
  private rootKey: NodeKey | null = null;
  private readonly byId = new Map<string, RewriteRule>();
  private table: Array<RewriteRule | null> = [];
  private views = new Map<string, GraphView | null>();
  /** Last warp object looked up and its view (items of a tick share warp objects). */
  private lastWarp: WarpId | null = null;
  private lastView: GraphView | null = null;

  /** `rules`: every rule the world module defines (matched to the engine's by id). */
  constructor(rules: readonly RewriteRule[]) {
    for (const r of rules) this.byId.set(toHex(r.id) + ':' + r.name, r);
  }

  get loaded(): boolean {
    return this.st !== null;
  }

  /** The replica state. @throws EngineError(InternalCorruption) before `load` */
  get state(): WarpState {
    if (!this.st) throw new EngineError('InternalCorruption', 'BOAW replica used before load');
    return this.st;
  }

  get root(): NodeKey {
    if (!this.rootKey) throw new EngineError('InternalCorruption', 'BOAW replica used before load');
    return this.rootKey;
  }

  /** Replaces the whole state with a snapshot (`encodeWarpState` bytes) rooted at `root`. */
  load(stateBytes: Uint8Array, root: NodeKey): void {
    this.st = decodeWarpState(stateBytes);
    this.rootKey = root;
    this.clearViews();
  }

  /** Drops the state (until the next `load`). */
  unload(): void {
    this.st = null;
    this.rootKey = null;
    this.clearViews();
  }

  /**
   * Sets the engine's compact-id table: entry i is "<rule id hex>:<name>". Returns the compact ids
   * this replica has no rule for.
   */
  setRuleTable(keys: readonly string[]): number[] {
    const missing: number[] = [];
    this.table = keys.map((k, i) => {
      const r = this.byId.get(k) ?? null;
      if (!r) missing.push(i);
      return r;
    });
    return missing;
  }

  applyEdits(bytes: Uint8Array): void {
    const st = this.state;
    for (const e of decodeDirectEdits(bytes)) applyDirectEdit(st, this.root, e);
    this.clearViews();
  }

  /** Applies an already canonical op list (a tick's `appliedOps`). */
  applyCanonicalOps(bytes: Uint8Array): void {
    applyOps(this.state, decodeOps(bytes));
    this.clearViews();
  }

  /**
   * Applies a parallel tick from its lane buffers: items 0..n-1 re-assembled in item (drain) order,
   * then canonicalized last-wins. @throws EngineError(InternalCorruption) when an item is missing.
   */
  applyLaneBuffers(bufs: readonly Uint8Array[], n: number): void {
    const per: Array<WarpOp[] | undefined> = new Array(n);
    for (const b of bufs) readLaneItems(b, (it) => (per[it.itemIx] = it.ops));
    const all: WarpOp[] = [];
    for (let i = 0; i < n; i++) {
      const ops = per[i];
      if (!ops) throw new EngineError('InternalCorruption', `BOAW replication: item ${i} of ${n} missing from the lane buffers`);
      for (const op of ops) all.push(op);
    }
    applyOps(this.state, canonicalizeOps(all));
    this.clearViews();
  }

  private clearViews(): void {
    this.views.clear();
    this.lastWarp = null;
    this.lastView = null;
  }

  private viewFor(warp: WarpId): GraphView | null {
    if (warp === this.lastWarp) return this.lastView;
    const k = toHex(warp);
    let v = this.views.get(k);
    if (v === undefined) {
      const s = this.state.store(warp);
      v = s ? viewOf(s) : null;
      this.views.set(k, v);
    }
    this.lastWarp = warp;
    this.lastView = v;
    return v;
  }

  /**
   * Runs one item against the replica and appends its lane record to `w`; returns its flags.
   * `lane` collects the lane's ops (one delta per lane and tick, not one per item).
   */
  runItem(w: BinWriter, lane: LaneDelta, itemIx: number, compact: number, warp: WarpId, scope: NodeId, origin: OpOrigin): number {
    const rule = this.table[compact];
    const view = this.viewFor(warp);
    if (!rule || !view) {
      writeLaneItem(w, itemIx, LANE_FLAG.UNAVAILABLE, [], []);
      return LANE_FLAG.UNAVAILABLE;
    }
    const flags = runInLane(lane, rule.executor, view, scope, origin);
    return writeLaneItemSafe(w, itemIx, flags, lane.allOps(), lane.allOrigins(), lane.start, lane.size);
  }

  /** The replica's state root (for verification). */
  stateRoot(): Hash {
    return computeStateRoot(this.state, this.root);
  }
}

/**
 * `writeLaneItem`, but an op the transport cannot encode (an executor emitted something malformed)
 * turns into an empty THREW record: the engine then re-runs the tick serially, where the
 * reference path decides what such an op means. Returns the flags written.
 * @internal
 */
export function writeLaneItemSafe(w: BinWriter, itemIx: number, flags: number, ops: readonly WarpOp[], origins: readonly OpOrigin[], start = 0, end = ops.length): number {
  const at = w.length;
  try {
    writeLaneItem(w, itemIx, flags, ops, origins, start, end);
    return flags;
  } catch {
    w.truncate(at);
    writeLaneItem(w, itemIx, flags | LANE_FLAG.THREW, [], []);
    return flags | LANE_FLAG.THREW;
  }
}

/** A BinWriter sized for about `items` lane records. @internal */
export function laneWriter(items: number): BinWriter {
  return new BinWriter(Math.max(1024, items * 160));
}
