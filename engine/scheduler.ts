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
import { toHex } from './bytes';
import { ActiveFootprints, independent, type Footprint } from './footprint';
import type { Hash } from './ident';
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
  readonly index = new Map<string, number>();
  readonly thin: ThinEntry[] = [];
  readonly fat: PendingRewrite[] = [];
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** Byte-lexicographic key: (scope bytes, compact id, nonce). @internal */
export function comparisonKey(scopeHex: string, compact: number, nonce: number): string {
  return scopeHex + hex8(compact) + hex8(nonce);
}

/** Value of a lowercase/uppercase hex digit's char code (the scope hex comes from `toHex`). */
function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Radix passes, least significant first: nonce (lo, hi), compact id (lo, hi), scope digits 0..15. */
const PASSES = 20;

/**
 * warp-core's LSD radix order as a real LSD radix sort over 16-bit digits (stable counting sorts,
 * one per pass, on an index permutation): ascending by scope digit 15 (bytes 30..31, big-endian)
 * down to digit 0, then compact id, then nonce. A pass whose digit is the same for every entry is
 * skipped (it cannot reorder anything). No strings are built per entry.
 */
function radixOrder<T extends { scopeHex: string; compact: number; nonce: number }>(entries: readonly T[]): T[] {
  const n = entries.length;
  const digits = new Uint16Array(n * PASSES);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    const o = i * PASSES;
    digits[o] = e.nonce & 0xffff;
    digits[o + 1] = (e.nonce >>> 16) & 0xffff;
    digits[o + 2] = e.compact & 0xffff;
    digits[o + 3] = (e.compact >>> 16) & 0xffff;
    const h = e.scopeHex;
    if (h.length !== 64) throw new RangeError(`scope hash hex must be 64 digits, got ${h.length}`);
    for (let d = 0; d < 16; d++) {
      const c = 4 * d;
      digits[o + 4 + d] = (hexVal(h.charCodeAt(c)) << 12) | (hexVal(h.charCodeAt(c + 1)) << 8) | (hexVal(h.charCodeAt(c + 2)) << 4) | hexVal(h.charCodeAt(c + 3));
    }
  }
  let idx = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const count = new Uint32Array(65536);
  for (let p = 0; p < PASSES; p++) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[digits[i * PASSES + p]!]!++;
    if (count[digits[p]!] === n) continue; // one digit value for all: the pass is the identity
    let sum = 0;
    for (let v = 0; v < 65536; v++) {
      const c = count[v]!;
      count[v] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const e = idx[i]!;
      tmp[count[digits[e * PASSES + p]!]!++] = e;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = entries[idx[i]!]!;
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
    const key = `${scopeHex}:${pr.compactRule}`;
    const at = p.index.get(key);
    if (at !== undefined) {
      const t = p.thin[at]!;
      p.fat[t.handle] = pr;
      t.nonce = p.nextNonce;
    } else {
      p.fat.push(pr);
      p.thin.push({ scopeHex, compact: pr.compactRule, nonce: p.nextNonce, handle: p.fat.length - 1 });
      p.index.set(key, p.thin.length - 1);
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
    if (this.kind === 'legacy') {
      const m = this.legacyPending.get(tx);
      this.legacyPending.delete(tx);
      if (!m) return [];
      const keys = Array.from(m.keys()).sort();
      return keys.map((k) => m.get(k)!);
    }
    const p = this.pending.get(tx);
    this.pending.delete(tx);
    if (!p) return [];
    return drainOrder(p.thin).map((t) => p.fat[t.handle]!);
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
    if (!a) this.active.set(tx, (a = new ActiveFootprints()));
    if (a.conflicts(pr.footprint, pr.scope.warp)) {
      pr.phase = 'aborted';
      return false;
    }
    a.mark(pr.footprint, pr.scope.warp);
    pr.phase = 'reserved';
    return true;
  }

  /** Drops every per-tx structure (pending queue and frontier). */
  finalizeTx(tx: number): void {
    this.pending.delete(tx);
    this.legacyPending.delete(tx);
    this.active.delete(tx);
    this.legacyAccepted.delete(tx);
  }
}
