/**
 * `WarpState`: all warp instances and their stores (ENGINE-SPEC §2.4, "flattened indirection").
 *
 * Invariants:
 * - `stores` and `instances` have the same key set and `store.warpId === instance.warpId`
 *   (maintained by `upsertInstance` / `deleteInstance`).
 * - Portal invariants (checked by `validatePortalInvariants` after every patch application):
 *   1. no orphan instances: an instance's parent slot is well-formed, its owner exists, and the
 *      slot holds exactly `Descend(instance)`;
 *   2. no dangling portals: every `Descend(c)` names an existing instance whose parent is that
 *      exact slot, and whose store exists.
 * - Journal: `beginJournal()` records first-touch prior values of instances/stores and attaches a
 *   `StoreJournal` to every pre-existing store, so a failed tick can be rolled back exactly.
 */
import { WriteHooks } from './writeHooks';
import { toHex } from './bytes';
import { TickPatchError } from './errors';
import { GraphStore, type StoreJournal } from './graph';
import type { IdHex, NodeId, WarpId } from './ident';
import { OrderedMap } from './orderedMap';
import { attachmentKeysEqual, isWellFormedKey, type AttachmentKey, type AttachmentValue } from './record';

/** @public */
export interface WarpInstance {
  readonly warpId: WarpId;
  readonly rootNode: NodeId;
  /** The attachment slot holding `Descend(warpId)`; null for a root instance. */
  readonly parent: AttachmentKey | null;
}

/** Prior values of everything a tick touched at the state level. @internal */
export class StateJournal {
  readonly instances = new Map<IdHex, WarpInstance | undefined>();
  readonly stores = new Map<IdHex, GraphStore | undefined>();
  /** Journals of stores that existed when the journal began. */
  readonly storeJournals = new Map<IdHex, StoreJournal>();
}

/** @public */
export function instancesEqual(a: WarpInstance | undefined, b: WarpInstance | undefined): boolean {
  if (!a || !b) return a === b;
  if (toHex(a.warpId) !== toHex(b.warpId) || toHex(a.rootNode) !== toHex(b.rootNode)) return false;
  if (!a.parent || !b.parent) return a.parent === b.parent;
  return attachmentKeysEqual(a.parent, b.parent);
}

/** @public */
export class WarpState {
  readonly stores = new OrderedMap<GraphStore>();
  readonly instances = new OrderedMap<WarpInstance>();
  private journal: StateJournal | null = null;
  /** Instance/store changes made with no journal attached (monotonic). */
  private untracked = 0;
  /** Run once, just before the next mutation (copy-before-write snapshots, ./copyBeforeWrite.ts). */
  private readonly writeHooks = new WriteHooks();

  /** Calls `cb` once, just before this state's instance table next changes. @internal */
  onNextWrite(cb: () => void): void {
    this.writeHooks.add(cb);
  }

  /** Withdraws a callback registered with `onNextWrite`. @internal */
  offNextWrite(cb: () => void): void {
    this.writeHooks.remove(cb);
  }

  /**
   * Untracked mutations of the state and of every store (monotonic per object). A cached state
   * root (`StateRootIndex`) is valid only while this signature is unchanged. @internal
   */
  untrackedWrites(): number {
    let n = this.untracked;
    for (const [, s] of this.stores.unorderedEntries()) n += s.untrackedWrites;
    return n;
  }

  store(w: WarpId): GraphStore | undefined {
    return this.stores.get(toHex(w));
  }
  instance(w: WarpId): WarpInstance | undefined {
    return this.instances.get(toHex(w));
  }

  // ---------------------------------------------------------------- journal

  /** @internal */
  beginJournal(): StateJournal {
    const j = new StateJournal();
    for (const [k, s] of this.stores.unorderedEntries()) j.storeJournals.set(k, s.beginJournal());
    this.journal = j;
    return j;
  }

  /** @internal */
  endJournal(): void {
    if (!this.journal) return;
    for (const [, s] of this.stores.unorderedEntries()) s.endJournal();
    for (const [, s] of this.journal.stores) s?.endJournal();
    this.journal = null;
  }

  /** Restores the state recorded by `j` exactly. @internal */
  rollback(j: StateJournal): void {
    for (const [k, inst] of j.instances) inst ? this.instances.set(k, inst) : this.instances.delete(k);
    for (const [k, s] of j.stores) s ? this.stores.set(k, s) : this.stores.delete(k);
    for (const [k, sj] of j.storeJournals) {
      const s = this.stores.get(k);
      s?.rollback(sj);
    }
  }

  /** Every mutation's first step: run the write hooks, then the journal (or count it untracked). */
  private beforeWrite(): StateJournal | null {
    if (this.writeHooks.armed) this.writeHooks.fire();
    if (!this.journal) this.untracked++;
    return this.journal;
  }

  private noteInstance(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.instances.has(k)) j.instances.set(k, this.instances.get(k));
  }
  private noteStore(k: IdHex): void {
    const j = this.beforeWrite();
    if (!j) return;
    if (!j.stores.has(k)) j.stores.set(k, this.stores.get(k));
  }

  // -------------------------------------------------------------- mutations

  /** Inserts the instance and its store; forces `store.warpId := inst.warpId`. */
  upsertInstance(inst: WarpInstance, store: GraphStore): void {
    const k = toHex(inst.warpId);
    this.noteInstance(k);
    this.noteStore(k);
    store.assignWarp(inst.warpId);
    this.instances.set(k, inst);
    this.stores.set(k, store);
  }

  /** Removes the instance and its store wholesale; returns whether the instance existed. */
  deleteInstance(w: WarpId): boolean {
    const k = toHex(w);
    this.noteInstance(k);
    this.noteStore(k);
    const existed = this.instances.delete(k);
    this.stores.delete(k);
    return existed;
  }

  /** Removes and returns the store of `w`, or a fresh empty one. */
  takeOrCreateStore(w: WarpId): GraphStore {
    const k = toHex(w);
    const s = this.stores.get(k);
    if (!s) return new GraphStore(w);
    this.noteStore(k);
    this.stores.delete(k);
    return s;
  }

  /** A deep copy (payload bytes shared). */
  clone(): WarpState {
    const c = new WarpState();
    for (const [k, v] of this.instances.sortedEntries()) c.instances.set(k, v);
    for (const [k, v] of this.stores.sortedEntries()) c.stores.set(k, v.clone());
    return c;
  }
}

/** Value currently held by attachment slot `k` (no existence check). @internal */
export function attachmentAt(state: WarpState, k: AttachmentKey): AttachmentValue | undefined {
  const s = state.store(k.warp);
  if (!s) return undefined;
  return k.owner === 'node' ? s.nodeAttachmentByHex(toHex(k.local)) : s.edgeAttachmentByHex(toHex(k.local));
}

/** Checks that `k` is well-formed and that its owner store and owner node/edge exist. @throws TickPatchError */
export function checkAttachmentOwner(state: WarpState, k: AttachmentKey): GraphStore {
  if (!isWellFormedKey(k)) throw new TickPatchError('InvalidAttachmentKey', describeKey(k));
  const s = state.store(k.warp);
  if (!s) throw new TickPatchError('MissingWarp', toHex(k.warp));
  if (k.owner === 'node') {
    if (!s.nodeByHex(toHex(k.local))) throw new TickPatchError('MissingNode', `${toHex(k.warp)}/${toHex(k.local)}`);
  } else if (!s.edgeByHex(toHex(k.local))) {
    throw new TickPatchError('MissingEdge', `${toHex(k.warp)}/${toHex(k.local)}`);
  }
  return s;
}

/** @internal */
export function describeKey(k: AttachmentKey): string {
  return `${k.owner}:${k.plane} ${toHex(k.warp)}/${toHex(k.local)}`;
}

/** `validate_portal_invariants` (ENGINE-SPEC §2.4). @throws TickPatchError */
export function validatePortalInvariants(state: WarpState): void {
  for (const [, inst] of state.instances.sortedEntries()) {
    if (!inst.parent) continue;
    checkAttachmentOwner(state, inst.parent);
    const v = attachmentAt(state, inst.parent);
    if (!v || v.kind !== 'descend' || toHex(v.warp) !== toHex(inst.warpId)) {
      throw new TickPatchError('PortalInvariantViolation', `instance ${toHex(inst.warpId)} is orphaned: its parent slot does not descend into it`);
    }
  }
  for (const [wk, store] of state.stores.sortedEntries()) {
    for (const [ownerHex, v] of store.descendingAttachments()) {
      const slot: AttachmentKey =
        ownerHex.owner === 'node'
          ? { owner: 'node', warp: store.warpId, local: ownerHex.local, plane: 'alpha' }
          : { owner: 'edge', warp: store.warpId, local: ownerHex.local, plane: 'beta' };
      const inst = state.instance(v);
      if (!inst || !inst.parent || !attachmentKeysEqual(inst.parent, slot) || !state.store(v)) {
        throw new TickPatchError('PortalInvariantViolation', `dangling portal in warp ${wk} → ${toHex(v)}`);
      }
    }
  }
}
