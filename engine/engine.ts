/**
 * `Engine`: rule registry, transactions, the commit pipeline, intents and the tick history
 * (ENGINE-SPEC §2.6, §3.5, §4.1, §5.1, §7.8, §8.2-8.3).
 *
 * Determinism contract: the same registered rules, initial state, direct edits and apply calls
 * give the same snapshots, receipts and patches byte for byte, whatever the apply call order or
 * edge-bucket history (hashes sort canonically).
 *
 * Commit pipeline (warp-core order): drain (canonical) → plan digest → reserve with receipts and
 * slots → rewrites digest → execute every accepted rewrite against the PRE-tick state into ONE
 * shared delta → last-wins canonical ops → apply + portal validation → materialization finalize →
 * patch = diff(before, after) → state root → commit id v2.
 * The reserve is decided in drain order; passes whose output does not depend on visiting order
 * (interning the reserve's slots, collecting the patch slots, copying ids into the digest streams,
 * packing the history's footprints) read the candidates in arrival order instead, the order their
 * records were allocated in (docs/ARCHITECTURE.md, "A commit reads its candidates…").
 *
 * Deviations from warp-core (none reaches a hash of a successful commit):
 * - No deep clone per tick: the state journal records first-touch prior values, the diff reads
 *   only touched keys, and a failed tick (executor throws, ops don't apply) is rolled back exactly
 *   and reported as `TickFailedError`; the tx is closed. warp-core leaves state half-applied.
 * - `abort` leaves no trace: it does not clear the previous commit's materialization results.
 * - Direct edits (ingest, setters) are recorded with the next tick, so `jumpToTick` can replay
 *   histories that consumed intents (warp-core fails there, §12.1 T14).
 * - BOAW: with an executor attached (`EngineOptions.boaw`, engine/boaw/seam.ts) the accepted
 *   executors may run on worker replicas; their per-executor ops are concatenated in drain order,
 *   which reproduces the shared delta's emission order, so last-wins and every hash are those of
 *   the serial path. Ticks with a `readsDeltaLength` rule run serially. Origins are real
 *   (tx, compact rule, match index, op index) on both paths (warp-core records zeros).
 * - Optional strict footprints (`EngineOptions.strictFootprints`, off by default): an op outside
 *   the rewrite's declared writes fails the tick with `FootprintViolation` before anything applies.
 */
import { toHex } from './bytes';
import { applyDirectEdit, type DirectEdit } from './directEdit';
import { diffFromJournal } from './diff';
import { EngineError, TickFailedError, TickPatchError } from './errors';
import { CopyBeforeWrite } from './copyBeforeWrite';
import { tickBlockers } from './tickBlockers';
import { PackedFootprints, type FootprintList } from './footprintList';
import { PackedRuleNames, type RuleNameList } from './ruleNameList';
import { GraphStore } from './graph';
import { viewOf, type GraphView } from './graphView';
import { ROOT_WARP, POLICY_ID_NO_POLICY_V0, scopeHash, type Hash, type NodeId, type WarpId } from './ident';
import { ACK_PENDING_RULE_NAME, INBOX_NODE, PENDING_EDGE_TYPE, type DispatchDisposition, type IngestDisposition } from './inbox';
import { MaterializationBus, type FinalizeReport } from './materialization';
import {
  computeTickDigests,
  computeRulePackId,
  digestLen0U64,
  type TickReceipt,
} from './receipt';
import type { AttachmentKey, AttachmentValue, EdgeRecord, NodeKey, NodeRecord } from './record';
import type { RewriteRule } from './rule';
import { Scheduler, type PendingRewrite, type SchedulerKind } from './scheduler';
import { TickSlots } from './tickSlots';
import { PackedOps, type OpList } from './opList';
import { computeCommitHashV2, computeStateRoot, type Snapshot } from './snapshot';
import { applyOps, WarpTickPatchV1 } from './tickPatch';
import { canonicalizeOps, TickDelta, type WarpOp } from './tickDelta';
import { StateRootIndex, type StateRootIndexStats } from './stateRootIndex';
import { validatePortalInvariants, WarpState, type StateJournal } from './warpState';
import { ScopedDelta } from './boaw/exec';
import { firstFootprintViolation, FootprintViolation } from './boaw/footprintCheck';
import type { BoawExecutor, BoawItem } from './boaw/seam';

/** Receives scheduler events; never affects determinism. @public */
export interface TelemetrySink {
  onReserved?(tx: number, ruleId: Hash): void;
  onConflict?(tx: number, ruleId: Hash): void;
  onSummary?(tx: number, reserved: number, conflicts: number): void;
}

/** @public */
export interface EngineOptions {
  readonly scheduler?: SchedulerKind;
  readonly policyId?: number;
  readonly telemetry?: TelemetrySink;
  readonly bus?: MaterializationBus;
  /**
   * A BOAW parallel executor (e.g. main/workers/boawPool.ts). Hashes are identical with or
   * without one; see `executeReserved` and engine/boaw/seam.ts.
   */
  readonly boaw?: BoawExecutor;
  /**
   * Strict footprints: an executor that emits an op outside its declared write footprint fails
   * the tick with `FootprintViolation` (rule, scope, slot). Off by default (warp-core never
   * checks, and conformance runs must not); the Studio turns it on.
   */
  readonly strictFootprints?: boolean;
  /**
   * Maintain the state root incrementally (`StateRootIndex`, O(change) per commit) instead of a
   * full `computeStateRoot` walk per commit. On by default; both give identical bytes (fuzzed).
   * Off: every commit and `snapshot()` walks the whole reachable state (the reference's way).
   */
  readonly incrementalStateRoot?: boolean;
}

/** Result of `apply` / `applyInWarp`. @public */
export type ApplyResult = 'applied' | 'noMatch';

/** One committed tick with everything a viewer or a replay needs. @public */
export interface TickRecord {
  readonly snapshot: Snapshot;
  readonly receipt: TickReceipt;
  readonly patch: WarpTickPatchV1;
  /**
   * Footprints of the receipt entries (same order), for "why rejected" views. The engine keeps
   * them packed (`PackedFootprints`, decoded per access); records from elsewhere may hold arrays.
   */
  readonly footprints: FootprintList;
  /**
   * Rule names of the receipt entries (same order). The engine keeps them packed
   * (`PackedRuleNames`); records from elsewhere may hold arrays.
   */
  readonly ruleNames: RuleNameList;
  /** Direct edits applied since the previous commit, in call order. */
  readonly inputs: readonly DirectEdit[];
  /**
   * The canonical executor ops that were applied (last-wins, sorted). Replaying `inputs` then these
   * ops reproduces the post-tick state exactly — unlike the diff patch, which drops a re-parented
   * edge's attachment (ENGINE-SPEC §6.6). The engine keeps them packed (`PackedOps`), the same
   * list as `patch.ops` when both encode alike (the usual case).
   */
  readonly appliedOps: OpList;
}

interface RegisteredRule {
  readonly rule: RewriteRule;
  readonly compact: number;
}

/** The applied ops packed, or the patch's own packed ops when they encode alike (no second copy). */
function packAppliedOps(ops: readonly WarpOp[], patchOps: OpList): OpList {
  const packed = PackedOps.of(ops);
  return patchOps instanceof PackedOps && packed.sameBytes(patchOps) ? patchOps : packed;
}

function is32Bytes(x: unknown): boolean {
  return x instanceof Uint8Array && x.length === 32;
}


/** @public */
export class Engine {
  private state: WarpState;
  private readonly rules = new Map<string, RegisteredRule>();
  private readonly rulesById = new Map<string, string>();
  private readonly rulesByCompact: RegisteredRule[] = [];
  private readonly scheduler: Scheduler;
  readonly policyId: number;
  private txCounter = 0;
  private readonly liveTxs = new Set<number>();
  private currentRoot: NodeKey;
  private lastSnapshot: Snapshot | null = null;
  private readonly history: TickRecord[] = [];
  private pendingInputs: DirectEdit[] = [];
  /** First-touch journal of each pending input (same order), for `rollbackInputs`. */
  private pendingJournals: StateJournal[] = [];
  /** The state at construction, copied lazily (before the first write, or when first asked for). */
  private initialState: CopyBeforeWrite;
  private readonly telemetry: TelemetrySink | undefined;
  private readonly bus: MaterializationBus;
  private lastMat: FinalizeReport = { channels: [], errors: [] };
  private boaw: BoawExecutor | null;
  private strictFootprints: boolean;
  /** Incremental state root (null: full walk per commit). */
  private readonly rootIndex: StateRootIndex | null;
  /** Journals of the journaled mutations (direct edits, ticks) the index has not seen yet, in order. */
  private rootJournals: StateJournal[] = [];
  /** `state.untrackedWrites()` when the index was last brought up to date (-1: rebuild next time). */
  private rootSig = -1;

  /**
   * `Engine::new(store, root)`: the store is moved into the canonical root warp
   * (`makeWarpId("root")`, overwriting `store.warpId`) with a parentless instance rooted at `root`.
   */
  constructor(store: GraphStore, root: NodeId, opts: EngineOptions = {}) {
    this.state = new WarpState();
    this.state.upsertInstance({ warpId: ROOT_WARP, rootNode: root, parent: null }, store);
    this.currentRoot = { warp: ROOT_WARP, local: root };
    this.scheduler = new Scheduler(opts.scheduler ?? 'radix');
    this.policyId = opts.policyId ?? POLICY_ID_NO_POLICY_V0;
    this.telemetry = opts.telemetry;
    this.bus = opts.bus ?? new MaterializationBus();
    this.initialState = new CopyBeforeWrite(this.state);
    this.boaw = opts.boaw ?? null;
    this.strictFootprints = opts.strictFootprints ?? false;
    this.rootIndex = opts.incrementalStateRoot === false ? null : new StateRootIndex();
    this.boaw?.invalidate(this);
  }

  /**
   * The state root of the live state. Incremental when every mutation since the last call was
   * journaled (direct edits and ticks are); any untracked mutation (a caller writing to
   * `warpState` directly) changes `untrackedWrites()` and forces a rebuild, so a stale root is
   * never returned.
   */
  private currentStateRoot(): Hash {
    const idx = this.rootIndex;
    if (!idx) return computeStateRoot(this.state, this.currentRoot);
    const sig = this.state.untrackedWrites();
    const h = sig === this.rootSig ? idx.update(this.state, this.currentRoot, this.rootJournals) : idx.rebuild(this.state, this.currentRoot);
    this.rootJournals = [];
    this.rootSig = sig;
    return h;
  }

  /** Counters of the incremental state root's paths (null when it is off). Telemetry only. */
  stateRootStats(): Readonly<StateRootIndexStats> | null {
    return this.rootIndex ? { ...this.rootIndex.stats } : null;
  }

  /** The live state was replaced or rebuilt: the next root is computed from scratch. */
  private forgetStateRoot(): void {
    this.rootJournals = [];
    this.rootSig = -1;
    this.rootIndex?.invalidate();
  }

  /**
   * `Engine::with_state(state, root)`. @throws EngineError(UnknownWarp) when the root instance or
   * store is missing; EngineError(InternalCorruption) when the root instance has a parent or
   * another root node.
   */
  static withState(state: WarpState, root: NodeKey, opts: EngineOptions = {}): Engine {
    const inst = state.instance(root.warp);
    if (!inst || !state.store(root.warp)) throw new EngineError('UnknownWarp', `root warp ${toHex(root.warp)} has no instance or store`);
    if (inst.parent) throw new EngineError('InternalCorruption', 'root instance has a parent');
    if (toHex(inst.rootNode) !== toHex(root.local)) throw new EngineError('InternalCorruption', 'root node differs from the instance root');
    const e = new Engine(new GraphStore(), root.local, opts);
    e.state = state;
    e.currentRoot = root;
    e.initialState = new CopyBeforeWrite(state);
    e.forgetStateRoot();
    e.boaw?.invalidate(e);
    return e;
  }

  // ------------------------------------------------------------------- BOAW

  /** Commits through `executor` from now on (null: serial only). Hashes never depend on it. */
  setBoawExecutor(executor: BoawExecutor | null): void {
    this.boaw = executor;
    executor?.invalidate(this);
  }

  get boawExecutor(): BoawExecutor | null {
    return this.boaw;
  }

  /** Turns strict footprints on or off (see `EngineOptions.strictFootprints`). */
  setStrictFootprints(on: boolean): void {
    this.strictFootprints = on;
  }

  get strictFootprintsEnabled(): boolean {
    return this.strictFootprints;
  }

  // -------------------------------------------------------------- registry

  /**
   * Registers a rule; compact ids are 0, 1, 2, … in registration order.
   * @throws EngineError(DuplicateRuleName | DuplicateRuleId | MissingJoinFn)
   */
  registerRule(rule: RewriteRule): void {
    if (this.rules.has(rule.name)) throw new EngineError('DuplicateRuleName', `duplicate rule name "${rule.name}"`);
    if (!is32Bytes(rule.id)) throw new EngineError('InvalidArgument', `rule "${rule.name}": id must be 32 bytes`);
    const idHex = toHex(rule.id);
    if (this.rulesById.has(idHex)) throw new EngineError('DuplicateRuleId', `duplicate rule id ${idHex} ("${rule.name}" vs "${this.rulesById.get(idHex)}")`);
    if (rule.conflictPolicy === 'join' && !rule.joinFn) throw new EngineError('MissingJoinFn', `rule "${rule.name}" has conflict policy join without joinFn`);
    const reg = { rule, compact: this.rulesByCompact.length };
    this.rules.set(rule.name, reg);
    this.rulesById.set(idHex, rule.name);
    this.rulesByCompact.push(reg);
  }

  /** Registered rules in registration order. */
  registeredRules(): readonly RewriteRule[] {
    return this.rulesByCompact.map((r) => r.rule);
  }

  rule(name: string): RewriteRule | undefined {
    return this.rules.get(name)?.rule;
  }

  /** Rule pack id over every registered rule id. */
  rulePackId(): Hash {
    return computeRulePackId(this.rulesByCompact.map((r) => r.rule.id));
  }

  // ------------------------------------------------------------ transactions

  /** Opens a transaction (ids 1, 2, 3, …; several may be live). */
  begin(): number {
    this.txCounter = this.txCounter + 1;
    if (this.txCounter > Number.MAX_SAFE_INTEGER) this.txCounter = 1;
    this.liveTxs.add(this.txCounter);
    return this.txCounter;
  }

  /** Current tx counter (the `tx` of `snapshot()`). */
  get txCount(): number {
    return this.txCounter;
  }

  isLive(tx: number): boolean {
    return this.liveTxs.has(tx);
  }

  /** `apply(tx, rule, scope)` in the current root's warp. */
  apply(tx: number, ruleName: string, scope: NodeId): ApplyResult {
    return this.applyInWarp(tx, this.currentRoot.warp, ruleName, scope, []);
  }

  /**
   * Matches `ruleName` at `scope` in instance `warp` and enqueues the candidate (last wins per
   * scope hash and rule). The descent stack's attachment keys are added to the footprint's reads.
   * @throws EngineError(UnknownTx | UnknownRule | UnknownWarp)
   */
  applyInWarp(tx: number, warp: WarpId, ruleName: string, scope: NodeId, descentStack: readonly AttachmentKey[]): ApplyResult {
    if (tx === 0 || !this.liveTxs.has(tx)) throw new EngineError('UnknownTx', `unknown or closed tx ${tx}`);
    const reg = this.rules.get(ruleName);
    if (!reg) throw new EngineError('UnknownRule', `unknown rule "${ruleName}"`);
    // Receipts, plan and rewrites digests lay ids out at fixed 32-byte strides (warp-core's [u8; 32]).
    if (!is32Bytes(warp) || !is32Bytes(scope)) throw new EngineError('InvalidArgument', 'apply: warp and scope must be 32-byte ids');
    const store = this.state.store(warp);
    if (!store) throw new EngineError('UnknownWarp', `unknown warp ${toHex(warp)}`);
    const view = viewOf(store);
    if (!reg.rule.matcher(view, scope)) return 'noMatch';
    const footprint = reg.rule.computeFootprint(view, scope);
    for (const k of descentStack) footprint.readAttachment(k);
    const pr: PendingRewrite = {
      ruleId: reg.rule.id,
      compactRule: reg.compact,
      scopeHash: scopeHash(reg.rule.id, warp, scope),
      scope: { warp, local: scope },
      footprint,
      phase: 'matched',
    };
    this.scheduler.enqueue(tx, pr);
    return 'applied';
  }

  /** Number of candidates queued in `tx`. */
  pendingCount(tx: number): number {
    return this.scheduler.pendingCount(tx);
  }

  /** Drops a transaction without touching the graph (and, unlike warp-core, without touching the last commit's materialization). */
  abort(tx: number): void {
    this.liveTxs.delete(tx);
    this.scheduler.finalizeTx(tx);
    this.bus.clear();
  }

  /** `commit` = `commitWithReceipt` keeping only the snapshot. */
  commit(tx: number): Snapshot {
    return this.commitWithReceipt(tx).snapshot;
  }

  /**
   * Commits `tx`. @throws EngineError(UnknownTx); TickFailedError when an executor throws or the
   * ops do not apply — the state is then exactly as before and the tx is closed.
   */
  commitWithReceipt(tx: number): TickRecord {
    if (tx === 0 || !this.liveTxs.has(tx)) throw new EngineError('UnknownTx', `unknown or closed tx ${tx}`);
    const rulePackId = this.rulePackId();
    const { drained, arrival } = this.scheduler.drainWithArrival(tx);

    const reserved: PendingRewrite[] = [];
    const accepted = this.scheduler.reserveAll(tx, drained, arrival);
    let rejected = 0;
    for (let i = 0; i < drained.length; i++) {
      const pr = drained[i]!;
      if (accepted[i]) {
        this.telemetry?.onReserved?.(tx, pr.ruleId);
        reserved.push(pr);
      } else {
        this.telemetry?.onConflict?.(tx, pr.ruleId);
        rejected++;
      }
    }
    const blockedBy = tickBlockers(drained.map((d) => d.footprint), accepted);
    if (rejected > 0 && blockedBy.some((b, i) => !accepted[i] && b.length === 0)) {
      this.closeTx(tx);
      throw new EngineError('InternalCorruption', 'scheduler rejected rewrite but no blockers were found');
    }
    // The slot lists are sorted, so the order footprints are added in is free: arrival order
    // reads them in the order they were allocated (drain order reads them at random).
    const slots = new TickSlots();
    for (let j = 0; j < arrival.length; j++) {
      const i = arrival[j]!;
      if (accepted[i]) slots.add(drained[i]!.footprint, drained[i]!.scope.warp);
    }
    const digests = computeTickDigests(drained, accepted, arrival);

    // Execute: every executor sees the pre-tick state; their ops, in drain order, as one list.
    const emitted = this.executeReserved(tx, reserved);
    const ops = canonicalizeOps(emitted);

    const journal = this.state.beginJournal();
    let patchOps;
    try {
      applyOps(this.state, ops);
      validatePortalInvariants(this.state);
      patchOps = diffFromJournal(journal, this.state);
    } catch (cause) {
      this.state.rollback(journal);
      this.state.endJournal();
      this.closeTx(tx);
      const why = cause instanceof TickPatchError ? cause.message : describe(cause);
      throw new TickFailedError(`apply_reserved_rewrites: failed to apply ops in tx ${tx}: ${why}`, { tx }, cause);
    }
    this.state.endJournal();
    if (this.rootIndex) this.rootJournals.push(journal);

    this.lastMat = this.bus.finalize();

    const [ins, outs] = slots.packed();
    const patch = new WarpTickPatchV1(this.policyId, rulePackId, 'committed', ins, outs, patchOps, true);
    const stateRoot = this.currentStateRoot();
    const parents = this.lastSnapshot ? [this.lastSnapshot.hash] : [];
    const receiptDigest = digests.receipt;
    const hash = computeCommitHashV2(stateRoot, parents, patch.digest, this.policyId);
    const snapshot: Snapshot = {
      root: this.currentRoot,
      hash,
      stateRoot,
      parents,
      planDigest: digests.plan,
      decisionDigest: receiptDigest,
      rewritesDigest: digests.rewrites,
      patchDigest: patch.digest,
      policyId: this.policyId,
      tx,
    };
    // Entries packed: the receipt digest's own bytes (a history of big ticks holds no entry objects).
    const receipt: TickReceipt = { tx, entries: digests.entries, blockedBy, digest: receiptDigest };
    const record: TickRecord = {
      snapshot,
      receipt,
      patch,
      footprints: PackedFootprints.pack(drained.map((d) => d.footprint), arrival),
      ruleNames: PackedRuleNames.of(compactRulesOf(drained), this.rulesByCompact.map((r) => r.rule.name)),
      inputs: this.pendingInputs,
      appliedOps: packAppliedOps(ops, patch.ops),
    };
    this.pendingInputs = [];
    this.pendingJournals = [];
    this.lastSnapshot = snapshot;
    this.history.push(record);
    this.boaw?.committed({ engine: this, tx, inputs: record.inputs, appliedOps: ops });
    this.closeTx(tx);
    this.telemetry?.onSummary?.(tx, reserved.length, drained.length - reserved.length);
    return record;
  }

  /**
   * Runs every accepted executor against the PRE-tick state and returns their ops in emission
   * order: executor by executor in drain order, each in its own emission order.
   *
   * Serial path (warp-core's): one shared delta; each executor gets a `ScopedDelta` that stamps
   * origins and forwards, so `delta.len()` counts earlier executors' ops.
   * BOAW path: the executor returns each item's ops; concatenating them in drain order IS the
   * serial emission order (executors only read the pre-tick state), so the last-wins
   * canonicalization and every hash are unchanged. Ticks with a `readsDeltaLength` rule, an
   * unknown rule or a missing store always run serially (the serial path raises the errors).
   */
  private executeReserved(tx: number, reserved: readonly PendingRewrite[]): readonly WarpOp[] {
    const inline: { ops: readonly WarpOp[] | null } = { ops: null };
    const runInline = (): void => {
      if (!inline.ops) inline.ops = this.executeInline(tx, reserved);
    };
    const boaw = this.boaw;
    if (boaw && reserved.length > 0 && reserved.every((pr) => this.parallelEligible(pr))) {
      const items: BoawItem[] = reserved.map((pr, i) => ({
        compactRule: pr.compactRule,
        warp: pr.scope.warp,
        scope: pr.scope.local,
        origin: { intentId: tx, ruleId: pr.compactRule, matchIx: i, opIx: 0 },
      }));
      const perItem = boaw.execute({
        engine: this,
        tx,
        items,
        rules: this.rulesByCompact.map((r) => r.rule),
        state: this.state,
        root: this.currentRoot,
        pendingInputs: this.pendingInputs,
        runInline,
      });
      if (perItem && !inline.ops) {
        if (perItem.length !== reserved.length) {
          this.closeTx(tx);
          throw new EngineError('InternalCorruption', `BOAW executor returned ${perItem.length} results for ${reserved.length} rewrites`);
        }
        const out: WarpOp[] = [];
        for (let i = 0; i < reserved.length; i++) {
          const ops = perItem[i]!;
          if (this.strictFootprints) this.checkFootprint(tx, reserved[i]!, ops);
          for (const op of ops) out.push(op);
        }
        return out;
      }
    }
    runInline();
    return inline.ops!;
  }

  private parallelEligible(pr: PendingRewrite): boolean {
    const reg = this.rulesByCompact[pr.compactRule];
    return !!reg && !reg.rule.readsDeltaLength && this.state.store(pr.scope.warp) !== undefined;
  }

  /** The serial reference path: one shared delta, drain order. */
  private executeInline(tx: number, reserved: readonly PendingRewrite[]): readonly WarpOp[] {
    const delta = new TickDelta();
    // One view per instance for the whole tick (views are read-only windows; the executors all
    // read the same pre-tick state), looked up once per run of rewrites in the same warp.
    let lastWarp: WarpId | null = null;
    let view: GraphView | null = null;
    for (let i = 0; i < reserved.length; i++) {
      const pr = reserved[i]!;
      const reg = this.rulesByCompact[pr.compactRule];
      if (!reg) {
        this.closeTx(tx);
        throw new EngineError('InternalCorruption', `no rule with compact id ${pr.compactRule}`);
      }
      if (view === null || pr.scope.warp !== lastWarp) {
        const store = this.state.store(pr.scope.warp);
        if (!store) {
          this.closeTx(tx);
          throw new EngineError('UnknownWarp', `unknown warp ${toHex(pr.scope.warp)}`);
        }
        lastWarp = pr.scope.warp;
        view = viewOf(store);
      }
      const before = delta.len();
      try {
        reg.rule.executor(view, pr.scope.local, new ScopedDelta(delta, { intentId: tx, ruleId: pr.compactRule, matchIx: i, opIx: 0 }));
      } catch (cause) {
        this.closeTx(tx);
        const scopeHex = toHex(pr.scope.local);
        throw new TickFailedError(
          `rule "${reg.rule.name}" threw at scope ${scopeHex} (warp ${toHex(pr.scope.warp)}) in tx ${tx}: ${describe(cause)}`,
          { tx, ruleName: reg.rule.name, scopeHex, warpHex: toHex(pr.scope.warp) },
          cause,
        );
      }
      if (this.strictFootprints) this.checkFootprint(tx, pr, delta.opsUnsorted().slice(before));
    }
    return delta.opsUnsorted();
  }

  /** @throws FootprintViolation (after closing the tx; nothing was applied yet) */
  private checkFootprint(tx: number, pr: PendingRewrite, ops: readonly WarpOp[]): void {
    const v = firstFootprintViolation(pr.footprint, pr.scope.warp, ops, (w) => this.state.instance(w)?.parent ?? null);
    if (!v) return;
    this.closeTx(tx);
    throw new FootprintViolation(this.rulesByCompact[pr.compactRule]!.rule.name, pr.scope, v.slot, v.op.op, tx);
  }

  private closeTx(tx: number): void {
    this.liveTxs.delete(tx);
    this.scheduler.finalizeTx(tx);
  }

  /** What an immediate empty commit would say (apart from `tx`). */
  snapshot(): Snapshot {
    const stateRoot = this.currentStateRoot();
    const parents = this.lastSnapshot ? [this.lastSnapshot.hash] : [];
    const patch = new WarpTickPatchV1(this.policyId, this.rulePackId(), 'committed', [], [], []);
    const empty = digestLen0U64();
    return {
      root: this.currentRoot,
      hash: computeCommitHashV2(stateRoot, parents, patch.digest, this.policyId),
      stateRoot,
      parents,
      planDigest: empty,
      decisionDigest: empty,
      rewritesDigest: empty,
      patchDigest: patch.digest,
      policyId: this.policyId,
      tx: this.txCounter,
    };
  }

  // ------------------------------------------------------------------ reads

  /**
   * The live state. Mutating it directly bypasses history recording; prefer `edit`. With a BOAW
   * executor attached, a direct mutation also bypasses replica replication: call
   * `setBoawExecutor(executor)` again afterwards (it forces a resynchronization).
   */
  get warpState(): WarpState {
    return this.state;
  }

  /** The store of the current root's warp. */
  get rootStore(): GraphStore {
    return this.state.store(this.currentRoot.warp)!;
  }

  get root(): NodeKey {
    return this.currentRoot;
  }

  /**
   * Replaces the live state and the parent of the next commit (used by timelines to continue a
   * branch from any commit). Clears pending direct edits; the linear ledger is left as is.
   * @throws EngineError(UnknownWarp) when `state` lacks the current root's instance or store.
   */
  adoptHead(state: WarpState, head: Snapshot | null): void {
    if (!state.instance(this.currentRoot.warp) || !state.store(this.currentRoot.warp)) {
      throw new EngineError('UnknownWarp', 'adopted state has no root instance');
    }
    this.state = state;
    this.lastSnapshot = head;
    this.pendingInputs = [];
    this.pendingJournals = [];
    this.forgetStateRoot();
    this.boaw?.invalidate(this);
  }

  get lastCommit(): Snapshot | null {
    return this.lastSnapshot;
  }

  /** The tick history ("ledger"). */
  ledger(): readonly TickRecord[] {
    return this.history;
  }

  /** Direct edits made since the last commit. */
  uncommittedInputs(): readonly DirectEdit[] {
    return this.pendingInputs;
  }

  /** The state at construction (U0). */
  initial(): WarpState {
    return this.initialState.get();
  }

  // ----------------------------------------------------------- direct edits

  /**
   * Applies and records a direct edit (outside any tick). Atomic: an edit that throws leaves the
   * state exactly as before and is not recorded.
   */
  edit(e: DirectEdit): IngestDisposition | null {
    const journal = this.state.beginJournal();
    let r: IngestDisposition | null;
    try {
      r = applyDirectEdit(this.state, this.currentRoot, e);
    } catch (err) {
      this.state.rollback(journal);
      throw err;
    } finally {
      this.state.endJournal();
    }
    this.pendingInputs.push(e);
    this.pendingJournals.push(journal);
    if (this.rootIndex) this.rootJournals.push(journal);
    return r;
  }

  /** Position in the uncommitted direct edits, for `rollbackInputs`. */
  inputMark(): number {
    return this.pendingInputs.length;
  }

  /**
   * Undoes the direct edits made since `mark` (newest first, each through its first-touch
   * journal) and forgets them: the state is exactly what it was at `mark`. Makes a failed world
   * tick atomic with the intents its driver ingested, and lets a host drop edits it could not
   * commit. @throws EngineError(InvalidArgument) for a mark outside 0..uncommitted count
   */
  rollbackInputs(mark: number): void {
    const n = this.pendingInputs.length;
    if (!Number.isInteger(mark) || mark < 0 || mark > n || this.pendingJournals.length !== n) {
      throw new EngineError('InvalidArgument', `input mark ${mark} outside 0..${n}`);
    }
    if (mark === n) return;
    for (let i = n - 1; i >= mark; i--) this.state.rollback(this.pendingJournals[i]!);
    this.pendingInputs = this.pendingInputs.slice(0, mark);
    this.pendingJournals = this.pendingJournals.slice(0, mark);
    this.forgetStateRoot();
    this.boaw?.invalidate(this);
  }

  insertNode(id: NodeId, record: NodeRecord): void {
    this.edit({ kind: 'insertNode', warp: this.currentRoot.warp, id, record });
  }

  setNodeAttachment(id: NodeId, value: AttachmentValue | null): void {
    this.edit({ kind: 'setNodeAttachment', warp: this.currentRoot.warp, id, value });
  }

  insertNodeWithAttachment(id: NodeId, record: NodeRecord, value: AttachmentValue | null): void {
    this.insertNode(id, record);
    this.setNodeAttachment(id, value);
  }

  insertEdge(from: NodeId, record: EdgeRecord): void {
    this.edit({ kind: 'insertEdge', warp: this.currentRoot.warp, from, record });
  }

  // ---------------------------------------------------------------- intents

  /** `ingest_intent` (§8.3): mutates the live state immediately, outside any tx. */
  ingestIntent(bytes: Uint8Array): IngestDisposition {
    return this.edit({ kind: 'ingestIntent', bytes: bytes.slice() }) as IngestDisposition;
  }

  /** Edges of type `edge:pending` in the inbox bucket. */
  pendingIntentCount(): number {
    const store = this.rootStore;
    const pt = toHex(PENDING_EDGE_TYPE);
    return store.edgesFrom(INBOX_NODE).filter((e) => toHex(e.ty) === pt).length;
  }

  /**
   * `dispatch_next_intent` (§8.3): picks the pending intent with the smallest event id, applies the
   * first matching `cmd/*` rule (ascending (rule id, name)) and then `sys/ack_pending`.
   * @throws EngineError(UnknownRule) when `sys/ack_pending` is not registered
   */
  dispatchNextIntent(tx: number): DispatchDisposition {
    const store = this.rootStore;
    const pt = toHex(PENDING_EDGE_TYPE);
    let best: NodeId | null = null;
    let bestHex = '';
    for (const e of store.edgesFrom(INBOX_NODE)) {
      if (toHex(e.ty) !== pt) continue;
      const h = toHex(e.to);
      if (best === null || h < bestHex) {
        best = e.to;
        bestHex = h;
      }
    }
    if (!best) return { kind: 'noPending' };
    const cmds = this.rulesByCompact
      .map((r) => r.rule)
      .filter((r) => r.name.startsWith('cmd/'))
      .map((r) => ({ r, k: toHex(r.id) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.r.name < b.r.name ? -1 : a.r.name > b.r.name ? 1 : 0));
    let handlerMatched = false;
    for (const { r } of cmds) {
      if (this.apply(tx, r.name, best) === 'applied') {
        handlerMatched = true;
        break;
      }
    }
    this.apply(tx, ACK_PENDING_RULE_NAME, best);
    return { kind: 'consumed', intentId: best, handlerMatched };
  }

  // ------------------------------------------------------------ materialization

  materializationBus(): MaterializationBus {
    return this.bus;
  }

  lastMaterialization(): FinalizeReport['channels'] {
    return this.lastMat.channels;
  }

  lastMaterializationErrors(): FinalizeReport['errors'] {
    return this.lastMat.errors;
  }

  hasMaterializationErrors(): boolean {
    return this.lastMat.errors.length > 0;
  }

  // ----------------------------------------------------------------- replay

  /**
   * Rebuilds the state after tick `i` from U0: each tick's recorded direct edits, then its patch.
   * Does not change history or the tx counter.
   * @throws EngineError(InvalidTickIndex); TickPatchError when a patch does not apply.
   */
  jumpToTick(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.history.length) {
      throw new EngineError('InvalidTickIndex', `tick ${i} out of range 0..${this.history.length - 1}`);
    }
    const state = this.initialState.get().clone();
    for (let t = 0; t <= i; t++) {
      const rec = this.history[t]!;
      for (const e of rec.inputs) applyDirectEdit(state, this.currentRoot, e);
      rec.patch.applyToState(state);
    }
    this.state = state;
    this.forgetStateRoot();
    this.boaw?.invalidate(this);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Each candidate's compact rule index, in drain order (a loop: `Uint32Array.from` with a mapper costs ~5× more). */
function compactRulesOf(drained: readonly PendingRewrite[]): Uint32Array {
  const out = new Uint32Array(drained.length);
  for (let i = 0; i < drained.length; i++) out[i] = drained[i]!.compactRule;
  return out;
}
