/**
 * Tick receipts and the diagnostic digests stored in a snapshot (ENGINE-SPEC §4.5, §7.4, §7.5).
 *
 * Frozen — changing any of this changes recorded digests:
 * - plan digest     = H( u64le(n) ‖ for each drained candidate: scope_hash ‖ rule_id )
 * - rewrites digest = H( u64le(n) ‖ for each accepted: rule_id ‖ scope_hash ‖ warp ‖ node )
 * - receipt digest  = H(u64le(0)) when empty, else
 *                     H( u16le(2) ‖ u64le(n) ‖ for each entry: rule_id ‖ scope_hash ‖ warp ‖ node ‖ u8(code) )
 *                     with code 1 = Applied, 2 = Rejected(FootprintConflict)
 * - rule pack id    = H( u16le(1) ‖ u64le(k) ‖ sorted unique rule ids )
 * Neither `tx` nor `blockedBy` is hashed.
 */
import { ByteWriter } from './bytes';
import { blake3 } from './hash';
import type { Hash } from './ident';
import type { NodeKey } from './record';

/** @public */
export type TickDisposition = 'applied' | 'rejected';

/** One candidate of a tick, in canonical drain order. @public */
export interface TickReceiptEntry {
  readonly ruleId: Hash;
  readonly scopeHash: Hash;
  readonly scope: NodeKey;
  readonly disposition: TickDisposition;
}

/** @public */
export interface TickReceipt {
  readonly tx: number;
  readonly entries: readonly TickReceiptEntry[];
  /** For entry i: the indices of accepted entries whose footprints overlap it (ascending). */
  readonly blockedBy: readonly (readonly number[])[];
  readonly digest: Hash;
}

/** A candidate as the digests see it. @internal */
export interface DigestCandidate {
  readonly ruleId: Hash;
  readonly scopeHash: Hash;
  readonly scope: NodeKey;
}

/** @public */
export function computePlanDigest(cands: readonly DigestCandidate[]): Hash {
  const w = new ByteWriter(8 + 64 * cands.length);
  w.u64(cands.length);
  for (const c of cands) w.bytes(c.scopeHash).bytes(c.ruleId);
  return blake3(w.finish());
}

/** @public */
export function computeRewritesDigest(cands: readonly DigestCandidate[]): Hash {
  const w = new ByteWriter(8 + 128 * cands.length);
  w.u64(cands.length);
  for (const c of cands) w.bytes(c.ruleId).bytes(c.scopeHash).bytes(c.scope.warp).bytes(c.scope.local);
  return blake3(w.finish());
}

/** @public */
export function computeReceiptDigest(entries: readonly TickReceiptEntry[]): Hash {
  if (entries.length === 0) return digestLen0U64();
  const w = new ByteWriter(10 + 129 * entries.length);
  w.u16(2).u64(entries.length);
  for (const e of entries) {
    w.bytes(e.ruleId).bytes(e.scopeHash).bytes(e.scope.warp).bytes(e.scope.local).u8(e.disposition === 'applied' ? 1 : 2);
  }
  return blake3(w.finish());
}

/** `digest_len0_u64()` = H(u64le(0)). @public */
export function digestLen0U64(): Hash {
  return blake3(new Uint8Array(8));
}

/** `blake3_empty()` = H(""). @public */
export function blake3Empty(): Hash {
  return blake3(new Uint8Array(0));
}

/** Rule pack id over the registered rule ids. @public */
export function computeRulePackId(ruleIds: readonly Hash[]): Hash {
  const uniq = new Map<string, Hash>();
  for (const id of ruleIds) {
    let k = '';
    for (let i = 0; i < id.length; i++) k += id[i]!.toString(16).padStart(2, '0');
    uniq.set(k, id);
  }
  const keys = Array.from(uniq.keys()).sort();
  const w = new ByteWriter(10 + 32 * keys.length);
  w.u16(1).u64(keys.length);
  for (const k of keys) w.bytes(uniq.get(k)!);
  return blake3(w.finish());
}
