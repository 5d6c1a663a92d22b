/**
 * The scheduler: per-tx pending queues with last-wins dedup, the canonical drain order, and the
 * independence check that accepts or rejects each candidate (ENGINE-SPEC §4.2-4.6).
 *
 * Frozen (hashes depend on the drain order):
 * - Radix scheduler, n = queued candidates after dedup:
 *   n ≤ 1: as queued; 1 < n ≤ 1024: ascending (scope_hash bytewise, compact rule id, nonce);
 *   n > 1024: warp-core's 20-pass LSD radix order, i.e. ascending by the sixteen 2-byte scope
 *   digits taken from bytes 30..31 DOWN to 0..1 (each digit big-endian), then compact id, nonce.
 *   The two orders differ; the switch is at exactly 1024/1025.
 * - Last-wins enqueue: a repeat of (scope_hash, compact id) replaces the payload in place and
 *   refreshes its nonce; the entry keeps its queue position.
 * - Reserve (Radix): the §3.3 matrix against the tx's warp-lifted frontier; factor masks ignored.
 * - Legacy: ordered by (scope_hash, full rule id), rejects when `!independent(candidate, accepted)`
 *   (factor-mask fast path: with masks 0 it never rejects).
 */
import { hexDigitValue, toHex } from './bytes';
import { ActiveFootprints, independent, type Footprint } from './footprint';
import type { Hash } from './ident';
import { EngineError } from './errors';
import { reserveDrained } from './internedFrontier';
import type { NodeKey } from './record';

/** @public */
export type SchedulerKind = 'radix' | 'legacy';

/** @public */
export const SMALL_SORT_THRESHOLD = 1024;

/** A matched candidate waiting for commit. @public */
export interface PendingRewrite {
  readonly ruleId: Hash;
  readonly compactRule: number;
  readonly scopeHash: Hash;
  readonly scope: NodeKey;
  readonly footprint: Footprint;
  phase: 'matched' | 'reserved' | 'committed' | 'aborted';
}

interface ThinEntry {
  scopeHex: string;
  compact: number;
  nonce: number;
  handle: number;
}

class PendingTx {
  nextNonce = 0;
  /** compact rule id → scope hash hex → index in `thin` (no joined key string per candidate). */
  readonly index = new Map<number, Map<string, number>>();
  readonly thin: ThinEntry[] = [];
  readonly fat: PendingRewrite[] = [];
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** Byte-lexicographic key: (scope bytes, compact id, nonce). @internal */
export function comparisonKey(scopeHex: string, compact: number, nonce: number): string {
  return scopeHex + hex8(compact) + hex8(nonce);
}

/** Scope digit d (0..15) of a scope hash's hex (from `toHex`): bytes 2d, 2d+1 read big-endian. */
function scopeDigit(h: string, d: number): number {
  const c = 4 * d;
  return (hexDigitValue(h.charCodeAt(c)) << 12) | (hexDigitValue(h.charCodeAt(c + 1)) << 8) | (hexDigitValue(h.charCodeAt(c + 2)) << 4) | hexDigitValue(h.charCodeAt(c + 3));
}

/** How many of the most significant scope digits (15, 14, …) the counting passes sort by. */
const TOP_DIGITS = 3;

/**
 * warp-core's LSD radix order: ascending by scope digit 15 (bytes 30..31, big-endian) down to
 * digit 0, then compact id, then nonce. Any stable sort by that whole key gives the same order, so
 * it is computed as: stable counting passes (16-bit digits, typed arrays, an index permutation) by
 * the TOP_DIGITS most significant digits, then each run of entries that tie on them ordered by the
 * rest of the key. Scope hashes are BLAKE3 outputs, so such runs are rare and short, except for
 * one scope queued under several rules (a run per scope, bounded by the rule count). No string is
 * built per entry.
 */
function radixOrder<T extends { scopeHex: string; compact: number; nonce: number }>(entries: readonly T[]): T[] {
  const n = entries.length;
  // Digit-major: each pass reads one contiguous run of n digits.
  const top = new Uint16Array(n * TOP_DIGITS);
  for (let i = 0; i < n; i++) {
    const h = entries[i]!.scopeHex;
    if (h.length !== 64) throw new RangeError(`scope hash hex must be 64 digits, got ${h.length}`);
    for (let t = 0; t < TOP_DIGITS; t++) top[t * n + i] = scopeDigit(h, 16 - TOP_DIGITS + t);
  }
  let idx = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const count = new Uint32Array(65536);
  for (let t = 0; t < TOP_DIGITS; t++) {
    const pass = top.subarray(t * n, (t + 1) * n);
    count.fill(0);
    for (let i = 0; i < n; i++) count[pass[i]!]!++;
    if (count[pass[0]!] === n) continue; // one digit value for all: the pass is the identity
    let sum = 0;
    for (let v = 0; v < 65536; v++) {
      const c = count[v]!;
      count[v] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const e = idx[i]!;
      tmp[count[pass[e]!]!++] = e;
    }
    const sw = idx;
    idx = tmp;
    tmp = sw;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = entries[idx[i]!]!;
  const sameTop = (a: number, b: number): boolean => {
    for (let t = 0; t < TOP_DIGITS; t++) if (top[t * n + a] !== top[t * n + b]) return false;
    return true;
  };
  const rest = (a: T, b: T): number => {
    for (let d = 15 - TOP_DIGITS; d >= 0; d--) {
      const x = scopeDigit(a.scopeHex, d) - scopeDigit(b.scopeHex, d);
      if (x !== 0) return x;
    }
    return (a.compact >>> 0) - (b.compact >>> 0) || (a.nonce >>> 0) - (b.nonce >>> 0);
  };
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sameTop(idx[i]!, idx[j]!)) j++;
    if (j - i > 1) {
      const run = out.slice(i, j).sort(rest);
      for (let k = 0; k < run.length; k++) out[i + k] = run[k]!;
    }
    i = j;
  }
  return out;
}

/** Orders thin entries exactly as `drain_for_tx`. @internal */
export function drainOrder<T extends { scopeHex: string; compact: number; nonce: number }>(entries: readonly T[]): T[] {
  const n = entries.length;
  if (n <= 1) return entries.slice();
  if (n > SMALL_SORT_THRESHOLD) return radixOrder(entries);
  const keyed = entries.map((e) => ({ e, k: comparisonKey(e.scopeHex, e.compact, e.nonce) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.e);
}

/** The frontier of a tx reserved whole by `reserveAll` (kept elsewhere: no one-by-one reserve may follow). */
const RESERVED_ALL = new ActiveFootprints();

/** @public */
export class Scheduler {
  private readonly pending = new Map<number, PendingTx>();
  private readonly legacyPending = new Map<number, Map<string, PendingRewrite>>();
  private readonly active = new Map<number, ActiveFootprints>();
  private readonly legacyAccepted = new Map<number, Footprint[]>();

  constructor(readonly kind: SchedulerKind = 'radix') {}

  /** Queues a candidate with last-wins dedup. */
  enqueue(tx: number, pr: PendingRewrite): void {
    const scopeHex = toHex(pr.scopeHash);
    if (this.kind === 'legacy') {
      let m = this.legacyPending.get(tx);
      if (!m) this.legacyPending.set(tx, (m = new Map()));
      m.set(scopeHex + toHex(pr.ruleId), pr);
      return;
    }
    let p = this.pending.get(tx);
    if (!p) this.pending.set(tx, (p = new PendingTx()));
    let byScope = p.index.get(pr.compactRule);
    if (!byScope) p.index.set(pr.compactRule, (byScope = new Map()));
    const at = byScope.get(scopeHex);
    if (at !== undefined) {
      const t = p.thin[at]!;
      p.fat[t.handle] = pr;
      t.nonce = p.nextNonce;
    } else {
      p.fat.push(pr);
      p.thin.push({ scopeHex, compact: pr.compactRule, nonce: p.nextNonce, handle: p.fat.length - 1 });
      byScope.set(scopeHex, p.thin.length - 1);
    }
    p.nextNonce = (p.nextNonce + 1) >>> 0;
  }

  /** Number of queued candidates for `tx` (after dedup). */
  pendingCount(tx: number): number {
    if (this.kind === 'legacy') return this.legacyPending.get(tx)?.size ?? 0;
    return this.pending.get(tx)?.thin.length ?? 0;
  }

  /** Removes the tx's queue and returns it in canonical order. */
  drainForTx(tx: number): PendingRewrite[] {
    return this.drainWithArrival(tx).drained;
  }

  /**
   * `drainForTx`, plus the drain positions in the order the candidates were first queued
   * (`arrival[j]` = position of the j-th distinct candidate queued; Legacy: ascending). Only an
   * access-order hint for bulk passes over the drained candidates (their ids were allocated in
   * that order); nothing canonical depends on it.
   */
  drainWithArrival(tx: number): { drained: PendingRewrite[]; arrival: Uint32Array } {
    if (this.kind === 'legacy') {
      const m = this.legacyPending.get(tx);
      this.legacyPending.delete(tx);
      if (!m) return { drained: [], arrival: new Uint32Array(0) };
      const keys = Array.from(m.keys()).sort();
      return { drained: keys.map((k) => m.get(k)!), arrival: Uint32Array.from(keys, (_, i) => i) };
    }
    const p = this.pending.get(tx);
    this.pending.delete(tx);
    if (!p) return { drained: [], arrival: new Uint32Array(0) };
    const order = drainOrder(p.thin);
    const drained = new Array<PendingRewrite>(order.length);
    const arrival = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const h = order[i]!.handle;
      drained[i] = p.fat[h]!;
      arrival[h] = i;
    }
    return { drained, arrival };
  }

  /** Accepts (marks the frontier, phase Reserved) or rejects (phase Aborted) a candidate. */
  reserve(tx: number, pr: PendingRewrite): boolean {
    if (this.kind === 'legacy') {
      let acc = this.legacyAccepted.get(tx);
      if (!acc) this.legacyAccepted.set(tx, (acc = []));
      for (const a of acc) {
        if (!independent(pr.footprint, a)) {
          pr.phase = 'aborted';
          return false;
        }
      }
      acc.push(pr.footprint);
      pr.phase = 'reserved';
      return true;
    }
    let a = this.active.get(tx);
    if (a === RESERVED_ALL) throw new EngineError('InvalidArgument', `reserve: tx ${tx} was reserved whole by reserveAll`);
    if (!a) this.active.set(tx, (a = new ActiveFootprints()));
    if (a.conflicts(pr.footprint, pr.scope.warp)) {
      pr.phase = 'aborted';
      return false;
    }
    a.mark(pr.footprint, pr.scope.warp);
    pr.phase = 'reserved';
    return true;
  }

  /**
   * Reserves a whole drained tick, in drain order, as `reserve` called for each candidate in turn
   * would (phases set the same way); returns 1 per accepted candidate, 0 per rejected one. `visit`
   * is the order footprints are read in (`drainWithArrival`'s arrival order; any permutation gives
   * the same answers). Radix reserves on interned slot ids (`reserveDrained`).
   * @throws EngineError(InvalidArgument) when the tx already reserved candidates one by one: this must be its only reserve
   */
  reserveAll(tx: number, drained: readonly PendingRewrite[], visit?: ArrayLike<number>): Uint8Array {
    if (this.active.has(tx) || this.legacyAccepted.has(tx)) throw new EngineError('InvalidArgument', `reserveAll: tx ${tx} already reserved candidates one by one`);
    if (this.kind === 'legacy') return Uint8Array.from(drained, (pr) => (this.reserve(tx, pr) ? 1 : 0));
    const accepted = reserveDrained(drained, visit);
    for (let i = 0; i < drained.length; i++) drained[i]!.phase = accepted[i] ? 'reserved' : 'aborted';
    // Later one-by-one reserves in this tx would not see this frontier: mark it taken.
    this.active.set(tx, RESERVED_ALL);
    return accepted;
  }

  /** Drops every per-tx structure (pending queue and frontier). */
  finalizeTx(tx: number): void {
    this.pending.delete(tx);
    this.legacyPending.delete(tx);
    this.active.delete(tx);
    this.legacyAccepted.delete(tx);
  }
}
