/**
 * Timelines: a DAG of content-addressed commits with named branches, fork anywhere, verified seek
 * and replay, three-way merge, first divergence and provenance.
 *
 * Model:
 * - Every commit is keyed by its commit hash (v2, N parents) and records what replay needs: the
 *   inputs applied outside the tick (direct edits, ingested intents) and the canonical executor ops
 *   (`TickRecord.appliedOps`). Replay from the initial state U0 reproduces every hash.
 * - A branch is a name → head commit (or null = U0). Forking is O(1): a new name pointing at a
 *   commit. The live engine follows the active branch; switching rebuilds the state from the
 *   nearest checkpoint plus at most K commits (`checkpointEvery`), verifying every hash.
 * - Checkpoints are full state copies taken every K commits of depth (depth = first-parent
 *   distance from U0); seeking replays at most K - 1 commits, each fully verified, with the state
 *   root maintained incrementally (`StateRootIndex`, O(change) per commit after one build).
 * - A seek cursor keeps a sought state (and its root index) when seeks look like scrubbing (the
 *   target is the previous target or lies ahead of it): a later seek whose target lies ahead of
 *   the cursor on its first-parent chain, nearer than any checkpoint, replays only the gap.
 * - A merge commit has parents [ours head, theirs head]; its ops apply to ours' state.
 *
 * Invariants:
 * - Nothing here reads a clock or randomness; the same calls give the same commit hashes.
 * - Seek never changes history or the live engine (`stateAt`); `switchTo` changes only the live
 *   engine's state and head.
 */
import type { Footprint } from '../footprint';
import { PackedFootprints } from '../footprintList';
import type { RuleNameList } from '../ruleNameList';
import { toHex } from '../bytes';
import type { Engine, TickRecord } from '../engine';
import type { Hash } from '../ident';
import { digestLen0U64, PackedReceiptEntries, type TickReceipt } from '../receipt';
import type { NodeKey, SlotId } from '../record';
import { computeIntentId } from '../ident';
import { INBOX_NODE, ROOT_SIM_EDGE, SIM_INBOX_EDGE, SIM_NODE, pendingEdgeId } from '../inbox';
import { computeCommitHashV2, computeStateRoot, type Snapshot } from '../snapshot';
import { canonicalizeOps, opSortKey, type WarpOp } from '../tickDelta';
import { applyOps, WarpTickPatchV1 } from '../tickPatch';
import type { SlotList } from '../slotList';
import { PackedOps, type OpList } from '../opList';
import { diffState } from '../diff';
import { validatePortalInvariants, type WarpState } from '../warpState';
import { TimelineError } from './errors';
import { replayVerified, type ReplayEnv } from './replay';
import { StateRootIndex } from '../stateRootIndex';
import { opForSlot, parseSlotKey, slotKey, slotValueIn, slotValues, slotsWrittenBy, valueRepr, type SlotValue, type StateSlot } from './slots';
import type { DirectEdit } from '../directEdit';

/** What the timeline drives: an engine plus a way to run tick k on it (e.g. a WorldSession). @public */
export interface TimelineHost {
  readonly engine: Engine;
  /** Runs the world's tick `k` on the live engine and commits it. */
  runTick(k: number): TickRecord;
}

/** One commit of the DAG. @public */
export interface CommitNode {
  readonly hash: Hash;
  readonly hex: string;
  readonly parents: readonly Hash[];
  readonly parentHexes: readonly string[];
  readonly depth: number;
  readonly kind: 'tick' | 'merge';
  readonly record: TickRecord;
  /** Branch that created the commit. */
  readonly createdOn: string;
  readonly stateRoot: Hash;
  readonly patchDigest: Hash;
  readonly inputs: readonly DirectEdit[];
  readonly appliedOps: OpList;
  readonly inSlots: SlotList;
  readonly outSlots: SlotList;
}

/** @public */
export interface TimelineOptions {
  /** A checkpoint every K commits of depth (default 64). */
  readonly checkpointEvery?: number;
}

/** A conflict found by a merge preview. @public */
export interface MergeConflictSlot {
  readonly key: string;
  readonly slot: StateSlot;
  readonly base: SlotValue | undefined;
  readonly ours: SlotValue | undefined;
  readonly theirs: SlotValue | undefined;
  /** Commits (hex) since the base that wrote the slot on each side. */
  readonly oursCommits: readonly string[];
  readonly theirsCommits: readonly string[];
}

/** @public */
export interface MergePreview {
  readonly base: string | null;
  readonly ours: string | null;
  readonly theirs: string | null;
  /** Slots changed on exactly one side (or identically on both): applied automatically. */
  readonly clean: readonly string[];
  readonly conflicts: readonly MergeConflictSlot[];
}

/** How to resolve one conflicting slot. @public */
export type Resolution = 'ours' | 'theirs' | { readonly value: SlotValue | null };

/** One entry of a slot's write history. @public */
export interface BlameEntry {
  readonly commit: string;
  readonly depth: number;
  readonly by: { readonly kind: 'rule'; readonly rule: string; readonly scope: string } | { readonly kind: 'input'; readonly input: DirectEdit['kind'] } | { readonly kind: 'merge' } | { readonly kind: 'cascade' };
  readonly before: SlotValue | undefined;
  readonly after: SlotValue | undefined;
}

/** First difference between two branches. @public */
export interface Divergence {
  /** Index (depth - 1) of the first differing commit, or null when one chain is a prefix of the other. */
  readonly index: number | null;
  readonly common: number;
  readonly a: string | null;
  readonly b: string | null;
  readonly hashCompares: number;
  readonly receipts: { onlyA: string[]; onlyB: string[] };
  readonly slots: { onlyA: string[]; onlyB: string[] };
  readonly ops: { onlyA: string[]; onlyB: string[] };
}

const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
/** `seekPath`'s "start from the cursor" (not a commit hex: those are 64 hex digits). */
const CURSOR = 'cursor';

/** @public */
export class Timeline {
  private readonly commits = new Map<string, CommitNode>();
  /** The same commits in the order they were added (append-only: commits are never removed). */
  private readonly created: CommitNode[] = [];
  private readonly branches = new Map<string, string | null>();
  private readonly checkpoints = new Map<string, WarpState>();
  private readonly byStateRoot = new Map<string, string[]>();
  /** A sought state kept for later seeks (owned here, never handed out) and its root index. */
  private cursor: { readonly hex: string; readonly state: WarpState; readonly index: StateRootIndex } | null = null;
  /** The previous seek's target (scrub detection). */
  private lastSought: string | null = null;
  /** Root index for seeks that do not start from the cursor (kept to reuse its buffers). */
  private scratchIndex = new StateRootIndex();
  private active = 'main';
  private readonly k: number;
  private readonly u0: WarpState;
  readonly env: ReplayEnv;

  constructor(
    readonly host: TimelineHost,
    opts: TimelineOptions = {},
  ) {
    this.k = Math.max(1, Math.floor(opts.checkpointEvery ?? 64));
    const e = host.engine;
    if (e.ledger().length > 0) throw new TimelineError('VerifyFailed', 'a timeline must start from an engine with no commits');
    this.u0 = e.warpState.clone();
    this.env = { root: e.root, policyId: e.policyId, rulePackId: e.rulePackId() };
    this.branches.set('main', null);
  }

  // ---------------------------------------------------------------- reads

  get activeBranch(): string {
    return this.active;
  }
  branchNames(): string[] {
    return Array.from(this.branches.keys()).sort();
  }
  head(branch = this.active): string | null {
    if (!this.branches.has(branch)) throw new TimelineError('UnknownBranch', `unknown branch "${branch}"`, { branch });
    return this.branches.get(branch)!;
  }
  commit(hex: string): CommitNode {
    const c = this.commits.get(hex);
    if (!c) throw new TimelineError('UnknownCommit', `unknown commit ${hex}`, { commit: hex });
    return c;
  }
  hasCommit(hex: string): boolean {
    return this.commits.has(hex);
  }
  allCommits(): CommitNode[] {
    return Array.from(this.commits.values()).sort((a, b) => a.depth - b.depth || (a.hex < b.hex ? -1 : 1));
  }
  /** How many commits the timeline holds. */
  commitCount(): number {
    return this.created.length;
  }
  /**
   * Commits in the order they were added, from position `start` on. Positions never change (the
   * list only grows), so a reader that has seen the first k asks for `commitsFrom(k)`.
   */
  commitsFrom(start = 0): CommitNode[] {
    return this.created.slice(Math.max(0, start));
  }
  /** Commits (any branch) whose state root equals `rootHex`: identical states are recognised. */
  commitsWithStateRoot(rootHex: string): string[] {
    return (this.byStateRoot.get(rootHex) ?? []).slice();
  }
  /** First-parent chain from U0 to `head` (oldest first). */
  chain(head: string | null): CommitNode[] {
    const out: CommitNode[] = [];
    let cur = head;
    while (cur) {
      const c = this.commit(cur);
      out.push(c);
      cur = c.parentHexes[0] ?? null;
    }
    return out.reverse();
  }
  /** The initial state U0 (a copy). */
  initialState(): WarpState {
    return this.u0.clone();
  }

  /** Checkpoint interval K (a checkpoint every K commits of depth). */
  get checkpointInterval(): number {
    return this.k;
  }

  // ---------------------------------------------------------------- writes

  /** Runs `n` ticks on the active branch. */
  step(n = 1): CommitNode[] {
    const out: CommitNode[] = [];
    for (let i = 0; i < n; i++) {
      const headHex = this.head();
      const depth = headHex ? this.commit(headHex).depth : 0;
      const rec = this.host.runTick(depth);
      out.push(this.addCommit(rec, 'tick', depth + 1));
    }
    return out;
  }

  private addCommit(rec: TickRecord, kind: 'tick' | 'merge', depth: number): CommitNode {
    const s = rec.snapshot;
    const hex = toHex(s.hash);
    const node: CommitNode = {
      hash: s.hash,
      hex,
      parents: s.parents,
      parentHexes: s.parents.map(toHex),
      depth,
      kind,
      record: rec,
      createdOn: this.active,
      stateRoot: s.stateRoot,
      patchDigest: s.patchDigest,
      inputs: rec.inputs,
      appliedOps: rec.appliedOps,
      inSlots: rec.patch.inSlots,
      outSlots: rec.patch.outSlots,
    };
    if (!this.commits.has(hex)) {
      this.commits.set(hex, node);
      this.created.push(node);
      const rk = toHex(s.stateRoot);
      const list = this.byStateRoot.get(rk) ?? [];
      list.push(hex);
      this.byStateRoot.set(rk, list);
      if (depth % this.k === 0) this.checkpoints.set(hex, this.host.engine.warpState.clone());
    }
    this.branches.set(this.active, hex);
    return this.commits.get(hex)!;
  }

  /**
   * Adds a commit that was verified elsewhere (session import, journal recovery): `state` is the
   * state after it (replayed and hash-checked by the caller; cloned here when a checkpoint is
   * due). Moves no branch and leaves the live engine alone. Idempotent for a known hash.
   * @throws TimelineError(UnknownCommit) when a parent is missing
   */
  importCommit(rec: TickRecord, kind: 'tick' | 'merge', createdOn: string, state: WarpState): CommitNode {
    const s = rec.snapshot;
    const hex = toHex(s.hash);
    const known = this.commits.get(hex);
    if (known) return known;
    const parentHexes = s.parents.map(toHex);
    for (const p of parentHexes) this.commit(p);
    const depth = parentHexes.length ? this.commit(parentHexes[0]!).depth + 1 : 1;
    const node: CommitNode = {
      hash: s.hash,
      hex,
      parents: s.parents,
      parentHexes,
      depth,
      kind,
      record: rec,
      createdOn,
      stateRoot: s.stateRoot,
      patchDigest: s.patchDigest,
      inputs: rec.inputs,
      appliedOps: rec.appliedOps,
      inSlots: rec.patch.inSlots,
      outSlots: rec.patch.outSlots,
    };
    this.commits.set(hex, node);
    this.created.push(node);
    const rk = toHex(s.stateRoot);
    const list = this.byStateRoot.get(rk) ?? [];
    list.push(hex);
    this.byStateRoot.set(rk, list);
    if (depth % this.k === 0) this.checkpoints.set(hex, state.clone());
    return node;
  }

  /**
   * Points branch `name` (created if new) at `head` without switching or replaying — for imports
   * of verified history; call `switchTo` afterwards to move the live engine.
   * @throws TimelineError(BadBranchName | UnknownCommit)
   */
  setBranchHead(name: string, head: string | null): void {
    if (!BRANCH_NAME.test(name)) throw new TimelineError('BadBranchName', `invalid branch name "${name}"`, { branch: name });
    if (head !== null) this.commit(head);
    this.branches.set(name, head);
  }

  /** Creates branch `name` at commit `at` (default: the active head). O(1) in state size. */
  fork(name: string, at: string | null = this.head(), opts: { switchTo?: boolean } = {}): void {
    if (!BRANCH_NAME.test(name)) throw new TimelineError('BadBranchName', `invalid branch name "${name}"`, { branch: name });
    if (this.branches.has(name)) throw new TimelineError('BranchExists', `branch "${name}" already exists`, { branch: name });
    if (at !== null) this.commit(at);
    this.branches.set(name, at);
    if (opts.switchTo ?? true) this.switchTo(name);
  }

  /** Makes `name` the active branch: the live engine's state becomes its head's (verified). */
  switchTo(name: string): void {
    const head = this.head(name);
    const state = this.stateAt(head);
    this.host.engine.adoptHead(state, head ? this.commit(head).record.snapshot : null);
    this.active = name;
  }

  /**
   * Rebuilds the state at `commit` (null = U0) from the nearest checkpoint — or from the seek
   * cursor when that lies on the commit's first-parent chain and nearer — verifying state root,
   * patch digest and commit hash of every replayed commit. Returns a fresh state the caller owns.
   * When the target is the previous target or lies ahead of it (scrubbing), a copy is kept as the
   * cursor; a scattered seek hands out its state without copying. `onReplay` runs before each
   * replayed commit (a caller may throw from it to stop). Observational: only the cursor (a cache
   * of verified states) changes.
   * @throws TimelineError(VerifyFailed | UnknownCommit)
   */
  stateAt(commit: string | null, onReplay?: () => void): WarpState {
    if (commit === null) return this.u0.clone();
    const { path, from, scrub } = this.seekPath(commit);
    this.lastSought = commit;
    const cur = this.cursor;
    let state: WarpState;
    let index: StateRootIndex;
    if (from === CURSOR && cur) {
      state = cur.state;
      index = cur.index;
      // Valid again only once every commit below replayed and verified.
      this.cursor = null;
    } else {
      state = from === null ? this.u0.clone() : this.checkpoints.get(from)!.clone();
      index = this.scratchIndex;
    }
    try {
      for (let i = path.length - 1; i >= 0; i--) {
        onReplay?.();
        replayVerified(state, path[i]!, this.env, index);
      }
    } catch (e) {
      index.invalidate();
      throw e;
    }
    if (index !== this.scratchIndex) {
      this.cursor = { hex: commit, state, index };
      return state.clone();
    }
    if (!scrub) {
      index.invalidate(); // the state is the caller's now: keep no reference to it
      return state;
    }
    // Scrubbing: this state becomes the cursor, with the index that verified it (an index not
    // used yet rebuilds on its next update); the old cursor's index becomes the scratch one.
    const spare = cur?.index ?? new StateRootIndex();
    spare.invalidate();
    this.scratchIndex = spare;
    this.cursor = { hex: commit, state, index };
    return state.clone();
  }

  /**
   * Commits to replay (newest first) and where from: a checkpoint's hex, `CURSOR`, or null = U0;
   * `scrub` when the walk met the previous target (the target is it, or lies ahead of it).
   */
  private seekPath(commit: string): { path: CommitNode[]; from: string | null; scrub: boolean } {
    const path: CommitNode[] = [];
    const cursorHex = this.cursor?.hex;
    let scrub = false;
    let cur: string | null = commit;
    while (cur) {
      if (cur === this.lastSought) scrub = true;
      if (cur === cursorHex) return { path, from: CURSOR, scrub };
      if (this.checkpoints.has(cur)) return { path, from: cur, scrub };
      const c = this.commit(cur);
      path.push(c);
      cur = c.parentHexes[0] ?? null;
    }
    return { path, from: null, scrub };
  }

  /** Number of commits `stateAt(commit)` would replay now (≤ K - 1; fewer ahead of the cursor). */
  replayDistance(commit: string | null): number {
    return commit === null ? 0 : this.seekPath(commit).path.length;
  }

  /**
   * Replays a branch from U0 in a fresh state and verifies every hash. `onCommit(done, total)`
   * runs before each commit's replay (a caller may throw from it to stop; nothing changes).
   */
  verify(branch = this.active, onCommit?: (done: number, total: number) => void): { ok: true; count: number } | { ok: false; count: number; firstBad: string; error: string } {
    const chain = this.chain(this.head(branch));
    const state = this.u0.clone();
    const rootIndex = new StateRootIndex();
    for (let i = 0; i < chain.length; i++) {
      onCommit?.(i, chain.length);
      try {
        replayVerified(state, chain[i]!, this.env, rootIndex);
      } catch (e) {
        return { ok: false, count: i, firstBad: chain[i]!.hex, error: e instanceof Error ? e.message : String(e) };
      }
    }
    return { ok: true, count: chain.length };
  }

  // ------------------------------------------------------------ divergence

  /** Finds the first commit where two branches differ, comparing hash chains by binary search. */
  firstDivergence(a: string, b: string): Divergence {
    const keys = (n: CommitNode): DivergenceKeys => ({
      receipts: receiptKeys(n.record.receipt, n.record.ruleNames),
      slots: slotKeys(n.inSlots, n.outSlots),
      ops: Array.from(n.record.patch.ops, (op) => opLabel(op)),
    });
    return divergenceOf(this.chain(this.head(a)), this.chain(this.head(b)), keys, keys);
  }

  // ------------------------------------------------------------ provenance

  /** Write history of one slot along a branch: who wrote it (rule + scope, input, merge), when, before/after. */
  blame(slot: StateSlot, branch = this.active): BlameEntry[] {
    const chain = this.chain(this.head(branch));
    const key = slotKey(slot);
    const out: BlameEntry[] = [];
    const state = this.u0.clone();
    const rootIndex = new StateRootIndex();
    let before = slotValueIn(state, slot);
    for (const c of chain) {
      replayVerified(state, c, this.env, rootIndex);
      const after = slotValueIn(state, slot);
      if (valueRepr(after) === valueRepr(before)) continue;
      out.push({ commit: c.hex, depth: c.depth, by: this.writerOf(c, key), before, after });
      before = after;
    }
    return out;
  }

  private writerOf(c: CommitNode, key: string): BlameEntry['by'] {
    if (c.kind === 'merge') return { kind: 'merge' };
    const r = c.record;
    if (writtenSlotKeys(c.appliedOps).has(key)) {
      // The applied candidate whose write footprint covers the slot (the executor that wrote it).
      for (let i = 0; i < r.receipt.entries.length; i++) {
        const e = r.receipt.entries.at(i)!;
        if (e.disposition === 'applied' && footprintWrites(r.footprints.at(i)!, key, toHex(e.scope.warp))) {
          return { kind: 'rule', rule: r.ruleNames.at(i)!, scope: toHex(e.scope.local) };
        }
      }
    }
    for (const e of c.inputs) if (inputTouches(e, key, this.env.root)) return { kind: 'input', input: e.kind };
    return { kind: 'cascade' };
  }

  // ------------------------------------------------------------------ merge

  /** Common ancestor of two commits (deepest shared ancestor; ties broken by hash). */
  commonAncestor(a: string | null, b: string | null): string | null {
    if (a === null || b === null) return null;
    const ancestors = (h: string) => {
      const seen = new Set<string>();
      const stack = [h];
      while (stack.length) {
        const x = stack.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        for (const p of this.commit(x).parentHexes) stack.push(p);
      }
      return seen;
    };
    const sa = ancestors(a);
    let best: CommitNode | null = null;
    for (const x of ancestors(b)) {
      if (!sa.has(x)) continue;
      const c = this.commit(x);
      if (!best || c.depth > best.depth || (c.depth === best.depth && c.hex < best.hex)) best = c;
    }
    return best ? best.hex : null;
  }

  /**
   * Slot-by-slot three-way comparison of two branches at their common ancestor. `check` runs
   * between replayed commits and every 1024 slots (a caller may throw from it to stop).
   */
  mergePreview(ours: string, theirs: string, check?: () => void): MergePreview {
    const ho = this.head(ours);
    const ht = this.head(theirs);
    const base = this.commonAncestor(ho, ht);
    const [sb, so, st] = [this.stateAt(base, check), this.stateAt(ho, check), this.stateAt(ht, check)];
    const vb = slotValues(sb);
    const vo = slotValues(so);
    const vt = slotValues(st);
    const keys = Array.from(new Set([...vb.keys(), ...vo.keys(), ...vt.keys()])).sort();
    const clean: string[] = [];
    const conflicts: MergeConflictSlot[] = [];
    const writers = (head: string | null) => this.commitsSince(base, head);
    const ow = writers(ho);
    const tw = writers(ht);
    // Slots each commit's ops write, decoded once per commit (the ops are kept packed).
    const written = new Map<CommitNode, ReadonlySet<string>>();
    const writes = (c: CommitNode, k: string): boolean => {
      let w = written.get(c);
      if (!w) written.set(c, (w = writtenSlotKeys(c.appliedOps)));
      return w.has(k);
    };
    let seen = 0;
    for (const k of keys) {
      if (check && (++seen & 1023) === 0) check();
      const b = valueRepr(vb.get(k)?.value);
      const o = valueRepr(vo.get(k)?.value);
      const t = valueRepr(vt.get(k)?.value);
      if (o === t) continue; // unchanged, or identical on both sides
      if (o === b || t === b) {
        if (o === b) clean.push(k); // only theirs changed it
        continue;
      }
      const slot = parseSlotKey(k);
      conflicts.push({
        key: k,
        slot,
        base: vb.get(k)?.value,
        ours: vo.get(k)?.value,
        theirs: vt.get(k)?.value,
        oursCommits: ow.filter((c) => writes(c, k) || c.inputs.some((e) => inputTouches(e, k, this.env.root))).map((c) => c.hex),
        theirsCommits: tw.filter((c) => writes(c, k) || c.inputs.some((e) => inputTouches(e, k, this.env.root))).map((c) => c.hex),
      });
    }
    return { base, ours: ho, theirs: ht, clean, conflicts };
  }

  private commitsSince(base: string | null, head: string | null): CommitNode[] {
    const out: CommitNode[] = [];
    let cur = head;
    while (cur && cur !== base) {
      const c = this.commit(cur);
      out.push(c);
      cur = c.parentHexes[0] ?? null;
    }
    return out.reverse();
  }

  /**
   * Merges `theirs` into `ours` (a commit on `ours` with parents [ours head, theirs head]).
   * Every conflicting slot needs a resolution. The commit's patch is the structural diff from ours.
   * `check` runs during the replays and once more before anything changes (a caller may throw
   * from it to cancel; the timeline and the live engine are then untouched).
   * @throws TimelineError(UnresolvedConflict | BadResolution | MergeInvalid | NothingToMerge)
   */
  merge(ours: string, theirs: string, resolutions: Readonly<Record<string, Resolution>> = {}, check?: () => void): CommitNode {
    const p = this.mergePreview(ours, theirs, check);
    if (p.theirs === null || p.theirs === p.base) throw new TimelineError('NothingToMerge', `"${theirs}" has nothing to merge into "${ours}"`, { branch: theirs });
    for (const k of Object.keys(resolutions)) {
      if (!p.conflicts.some((c) => c.key === k)) throw new TimelineError('BadResolution', `no conflict on slot ${k}`, { slot: k });
    }
    const oursState = this.stateAt(p.ours, check);
    const theirsState = this.stateAt(p.theirs, check);
    const ops: WarpOp[] = [];
    for (const k of p.clean) {
      const slot = parseSlotKey(k);
      ops.push(...opForSlot(slot, slotValueIn(theirsState, slot), slotValueIn(oursState, slot)));
    }
    for (const c of p.conflicts) {
      const r = resolutions[c.key];
      if (r === undefined) throw new TimelineError('UnresolvedConflict', `conflict on ${c.key} needs a resolution (ours, theirs or a value)`, { slot: c.key });
      if (r === 'ours') continue;
      const v = r === 'theirs' ? c.theirs : (r.value ?? undefined);
      if (v && v.kind !== c.slot.kind && !(c.slot.kind.endsWith('Attachment') && v.kind.endsWith('Attachment'))) {
        throw new TimelineError('BadResolution', `value of kind ${v.kind} cannot go into slot ${c.key}`, { slot: c.key });
      }
      ops.push(...opForSlot(c.slot, v, c.ours));
    }
    const applied = canonicalizeOps(ops);
    const merged = oursState.clone();
    try {
      applyOps(merged, applied);
      validatePortalInvariants(merged);
    } catch (e) {
      throw new TimelineError('MergeInvalid', `the merged state is invalid: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
    }
    const patchOps = diffState(oursState, merged);
    const touched: SlotId[] = [];
    const patch = new WarpTickPatchV1(this.env.policyId, this.env.rulePackId, 'committed', touched, touched, patchOps);
    const stateRoot = computeStateRoot(merged, this.env.root);
    const parents = [this.commit(p.ours!).hash, this.commit(p.theirs).hash];
    const hash = computeCommitHashV2(stateRoot, parents, patch.digest, this.env.policyId);
    const empty = digestLen0U64();
    const snapshot: Snapshot = {
      root: this.env.root,
      hash,
      stateRoot,
      parents,
      planDigest: empty,
      decisionDigest: empty,
      rewritesDigest: empty,
      patchDigest: patch.digest,
      policyId: this.env.policyId,
      tx: 0,
    };
    const receipt: TickReceipt = { tx: 0, entries: PackedReceiptEntries.of([]), blockedBy: [], digest: empty };
    const record: TickRecord = { snapshot, receipt, patch, footprints: PackedFootprints.pack([]), ruleNames: [], inputs: [], appliedOps: PackedOps.of(applied) };
    check?.();
    const prevActive = this.active;
    this.active = ours;
    const depth = this.commit(p.ours!).depth + 1;
    // The live engine follows the active branch only.
    if (prevActive === ours) this.host.engine.adoptHead(merged.clone(), snapshot);
    const node = this.addCommitWithState(record, depth, merged);
    this.active = prevActive;
    return node;
  }

  private addCommitWithState(rec: TickRecord, depth: number, state: WarpState): CommitNode {
    const hex = toHex(rec.snapshot.hash);
    const node = this.addCommit(rec, 'merge', depth);
    if (depth % this.k === 0) this.checkpoints.set(hex, state.clone());
    return node;
  }
}

function footprintWrites(fp: Footprint, key: string, warpHex: string): boolean {
  const s = parseSlotKey(key);
  const id = toHex(s.id);
  switch (s.kind) {
    case 'node':
      return toHex(s.warp) === warpHex && fp.nWrite.has(id);
    case 'edge':
      return toHex(s.warp) === warpHex && fp.eWrite.has(id);
    case 'nodeAttachment':
    case 'edgeAttachment':
      for (const k of fp.aWrite.values()) if (toHex(k.warp) === toHex(s.warp) && toHex(k.local) === id) return true;
      return false;
    case 'instance':
      return false;
  }
}

function inputTouches(e: DirectEdit, key: string, root: NodeKey): boolean {
  const s = parseSlotKey(key);
  const w = toHex(s.warp);
  const id = toHex(s.id);
  switch (e.kind) {
    case 'ingestIntent': {
      if (w !== toHex(root.warp)) return false;
      const intent = toHex(computeIntentId(e.bytes));
      if (s.kind === 'node') return [toHex(SIM_NODE), toHex(INBOX_NODE), intent].includes(id);
      if (s.kind === 'nodeAttachment') return id === intent;
      if (s.kind === 'edge') return [toHex(ROOT_SIM_EDGE), toHex(SIM_INBOX_EDGE), toHex(pendingEdgeId(INBOX_NODE, computeIntentId(e.bytes)))].includes(id);
      return false;
    }
    case 'insertNode':
      return s.kind === 'node' && toHex(e.warp) === w && toHex(e.id) === id;
    case 'deleteNode':
      return toHex(e.warp) === w && toHex(e.id) === id;
    case 'setNodeAttachment':
      return s.kind === 'nodeAttachment' && toHex(e.warp) === w && toHex(e.id) === id;
    case 'insertEdge':
      return s.kind === 'edge' && toHex(e.warp) === w && toHex(e.record.id) === id;
    case 'deleteEdge':
      return toHex(e.warp) === w && toHex(e.id) === id;
    case 'setEdgeAttachment':
      return s.kind === 'edgeAttachment' && toHex(e.warp) === w && toHex(e.id) === id;
  }
}

/** What the divergence report compares at the first differing commit. @public */
export interface DivergenceKeys {
  readonly receipts: string[];
  readonly slots: string[];
  readonly ops: string[];
}

/**
 * First divergence of two hash chains (oldest first): binary search for the first differing
 * index — the hash chain makes agreement prefix-closed, so O(log n) compares — then the set
 * differences of the two commits' receipts, slots and ops. Shared by timelines and session files.
 * @public
 */
export function divergenceOf<T extends { readonly hex: string }>(ca: readonly T[], cb: readonly T[], keysA: (n: T) => DivergenceKeys, keysB: (n: T) => DivergenceKeys): Divergence {
  let lo = 0;
  let hi = Math.min(ca.length, cb.length);
  let compares = 0;
  // Invariant: the chains agree on [0, lo).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    compares++;
    if (ca[mid]!.hex === cb[mid]!.hex) lo = mid + 1;
    else hi = mid;
  }
  const na = ca[lo];
  const nb = cb[lo];
  const empty: DivergenceKeys = { receipts: [], slots: [], ops: [] };
  const ka = na ? keysA(na) : empty;
  const kb = nb ? keysB(nb) : empty;
  const diffSets = (xa: string[], xb: string[]) => {
    const sa = new Set(xa);
    const sb = new Set(xb);
    return { onlyA: xa.filter((x) => !sb.has(x)), onlyB: xb.filter((x) => !sa.has(x)) };
  };
  return {
    index: lo < Math.max(ca.length, cb.length) ? lo : null,
    common: lo,
    a: na?.hex ?? null,
    b: nb?.hex ?? null,
    hashCompares: compares,
    receipts: diffSets(ka.receipts, kb.receipts),
    slots: diffSets(ka.slots, kb.slots),
    ops: diffSets(ka.ops, kb.ops),
  };
}

/** Keys (`slotKey`) of every slot the ops write. */
function writtenSlotKeys(ops: OpList): Set<string> {
  const out = new Set<string>();
  for (const op of ops) for (const s of slotsWrittenBy(op)) out.add(slotKey(s));
  return out;
}

/** Receipt entries as comparable strings. @internal */
export function receiptKeys(r: TickReceipt, ruleNames: RuleNameList): string[] {
  return Array.from(r.entries, (e, i) => `${ruleNames.at(i) ?? toHex(e.ruleId)}@${toHex(e.scope.local)}:${e.disposition}`);
}

/** In/out slots as comparable strings. @internal */
export function slotKeys(inSlots: SlotList, outSlots: SlotList): string[] {
  return [...Array.from(inSlots, (x) => 'in:' + slotLabel(x)), ...Array.from(outSlots, (x) => 'out:' + slotLabel(x))];
}

/** Short label of a patch slot. @public */
export function slotLabel(s: SlotId): string {
  switch (s.kind) {
    case 'node':
      return `node:${toHex(s.key.local)}`;
    case 'edge':
      return `edge:${toHex(s.key.local)}`;
    case 'attachment':
      return `att:${s.key.owner}:${toHex(s.key.local)}`;
    case 'port':
      return `port:${s.port}`;
  }
}

/** Short comparable label of an op. @public */
export function opLabel(op: WarpOp): string {
  return op.op + ':' + opSortKey(op).slice(2, 18) + ':' + valueHint(op);
}

function valueHint(op: WarpOp): string {
  if (op.op === 'SetAttachment') return op.value ? (op.value.kind === 'atom' ? toHex(op.value.bytes).slice(0, 32) : 'descend') : 'none';
  return '';
}

